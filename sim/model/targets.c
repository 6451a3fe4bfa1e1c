/*
 * targets.c: the target index (see placement.h). Leaves hold one host each; an inner
 * node holds the better of its children's best hosts and the sum of their counts. A
 * change walks one path to the root; a query walks one path down or up.
 */
#include "model/targets.h"

#include <stdlib.h>

int vs_targets_init(vs_targets *p, uint32_t hosts, bool ranked)
{
    uint32_t leaves = 1;
    while (leaves < hosts)
        leaves *= 2;
    *p = (vs_targets){.leaves = leaves, .ranked = ranked};
    p->best = malloc(2 * (size_t)leaves * sizeof *p->best);
    p->count = calloc(2 * (size_t)leaves, sizeof *p->count);
    if (!p->best || !p->count) {
        vs_targets_close(p);
        return -1;
    }
    for (size_t i = 0; i < 2 * (size_t)leaves; i++)
        p->best[i] = UINT64_MAX;
    return 0;
}

void vs_targets_close(vs_targets *p)
{
    free(p->best);
    free(p->count);
    *p = (vs_targets){0};
}

static uint64_t better(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* A host that becomes eligible, or stops being, counts on its whole path to the root
 * (ranked), or at its leaf and the root.
 * Its best goes up while a node's best changes: a key that got better climbs while it
 * beats the nodes above; one that got worse takes, at each node whose best it was, the
 * better of it and the other child's. Keys are unique but for UINT64_MAX (no host). */
void vs__targets_set(vs_targets *p, size_t i, uint64_t key)
{
    uint32_t delta = (uint32_t)(key != UINT64_MAX) - p->count[i]; /* +1, -1 (wrapping), 0 */
    if (delta && p->ranked) {
        for (size_t up = i; up >= 1; up /= 2)
            p->count[up] += delta;
    } else if (delta) {
        p->count[i] += delta;
        if (i != 1) /* one host: its leaf is the root */
            p->count[1] += delta;
    }
    uint64_t *best = p->best;
    uint64_t old = best[i];
    best[i] = key;
    if (key < old) {
        for (i /= 2; i >= 1 && key < best[i]; i /= 2)
            best[i] = key;
        return;
    }
    for (uint64_t up = key; i > 1; i /= 2) {
        up = better(up, best[i ^ 1]);
        if (best[i / 2] == up)
            return;
        best[i / 2] = up;
    }
}

uint32_t vs_targets_eligible(const vs_targets *p)
{
    return p->count[1];
}

static bool is_eligible(const vs_targets *p, uint32_t host)
{
    return host < p->leaves && p->count[p->leaves + (size_t)host];
}

static uint32_t host_of(uint64_t key)
{
    return key == UINT64_MAX ? VS_NO_HOST : (uint32_t)key;
}

uint32_t vs_targets_least_loaded(const vs_targets *p, uint32_t exclude)
{
    uint32_t best_host = host_of(p->best[1]);
    if (best_host == VS_NO_HOST || best_host != exclude)
        return best_host;
    /* The best is the excluded host: the best of everything else is the best of the
     * siblings along its path to the root. */
    uint64_t best = UINT64_MAX;
    for (size_t node = p->leaves + (size_t)exclude; node > 1; node /= 2)
        best = better(best, p->best[node ^ 1]);
    return host_of(best);
}

/* Eligible hosts with an index below `host`. */
static uint32_t rank_of(const vs_targets *p, uint32_t host)
{
    uint32_t below = 0;
    for (size_t node = p->leaves + (size_t)host; node > 1; node /= 2)
        if (node & 1) /* a right child: its left sibling's hosts all come first */
            below += p->count[node - 1];
    return below;
}

/* The eligible host of rank k (0-based), k < count at the root. */
static uint32_t select_rank(const vs_targets *p, uint32_t k)
{
    size_t node = 1;
    while (node < p->leaves) {
        node *= 2;
        if (k >= p->count[node]) {
            k -= p->count[node];
            node++;
        }
    }
    return (uint32_t)(node - p->leaves);
}

uint32_t vs_targets_random(const vs_targets *p, uint32_t exclude, vs_rng *rng)
{
    bool skip = is_eligible(p, exclude);
    uint32_t n = p->count[1] - skip;
    if (n == 0)
        return VS_NO_HOST;
    uint32_t k = (uint32_t)vs_rng_below(rng, n);
    if (skip && k >= rank_of(p, exclude))
        k++; /* ranks at and after the excluded host shift up by one */
    return select_rank(p, k);
}

size_t vs_targets_memory_bytes(const vs_targets *p)
{
    return 2 * (size_t)p->leaves * (sizeof *p->best + sizeof *p->count);
}
