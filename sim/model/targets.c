/*
 * targets.c: the target index (see placement.h). Leaves hold one host each; an inner
 * node holds the better of its children's best hosts and the sum of their counts. A
 * change walks one path to the root; a query walks one path down or up.
 */
#include "model/targets.h"

#include <stdlib.h>

int vs_targets_init(vs_targets *p, uint32_t hosts)
{
    uint32_t leaves = 1;
    while (leaves < hosts)
        leaves *= 2;
    *p = (vs_targets){.leaves = leaves};
    p->node = malloc(2 * (size_t)leaves * sizeof *p->node);
    if (!p->node)
        return -1;
    for (size_t i = 0; i < 2 * (size_t)leaves; i++)
        p->node[i] = (vs_target_node){UINT64_MAX, 0};
    return 0;
}

void vs_targets_close(vs_targets *p)
{
    free(p->node);
    *p = (vs_targets){0};
}

static uint64_t better(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Up from the leaf while a node changes: a load that moves below its subtree's best
 * changes nothing above, so most updates stop within a few levels. */
void vs_targets_update(vs_targets *p, uint32_t host, bool eligible, uint32_t load)
{
    vs_target_node *t = p->node;
    size_t i = p->leaves + (size_t)host;
    vs_target_node leaf = {eligible ? (uint64_t)load << 32 | host : UINT64_MAX, eligible};
    if (t[i].best == leaf.best && t[i].count == leaf.count)
        return;
    t[i] = leaf;
    for (i /= 2; i >= 1; i /= 2) {
        vs_target_node up = {better(t[2 * i].best, t[2 * i + 1].best),
                             t[2 * i].count + t[2 * i + 1].count};
        if (t[i].best == up.best && t[i].count == up.count)
            return;
        t[i] = up;
    }
}

uint32_t vs_targets_eligible(const vs_targets *p)
{
    return p->node[1].count;
}

static bool is_eligible(const vs_targets *p, uint32_t host)
{
    return host < p->leaves && p->node[p->leaves + (size_t)host].count;
}

static uint32_t host_of(uint64_t key)
{
    return key == UINT64_MAX ? VS_NO_HOST : (uint32_t)key;
}

uint32_t vs_targets_least_loaded(const vs_targets *p, uint32_t exclude)
{
    uint32_t best_host = host_of(p->node[1].best);
    if (best_host == VS_NO_HOST || best_host != exclude)
        return best_host;
    /* The best is the excluded host: the best of everything else is the best of the
     * siblings along its path to the root. */
    uint64_t best = UINT64_MAX;
    for (size_t node = p->leaves + (size_t)exclude; node > 1; node /= 2)
        best = better(best, p->node[node ^ 1].best);
    return host_of(best);
}

/* Eligible hosts with an index below `host`. */
static uint32_t rank_of(const vs_targets *p, uint32_t host)
{
    uint32_t below = 0;
    for (size_t node = p->leaves + (size_t)host; node > 1; node /= 2)
        if (node & 1) /* a right child: its left sibling's hosts all come first */
            below += p->node[node - 1].count;
    return below;
}

/* The eligible host of rank k (0-based), k < count at the root. */
static uint32_t select_rank(const vs_targets *p, uint32_t k)
{
    size_t node = 1;
    while (node < p->leaves) {
        node *= 2;
        if (k >= p->node[node].count) {
            k -= p->node[node].count;
            node++;
        }
    }
    return (uint32_t)(node - p->leaves);
}

uint32_t vs_targets_random(const vs_targets *p, uint32_t exclude, vs_rng *rng)
{
    bool skip = is_eligible(p, exclude);
    uint32_t n = p->node[1].count - skip;
    if (n == 0)
        return VS_NO_HOST;
    uint32_t k = (uint32_t)vs_rng_below(rng, n);
    if (skip && k >= rank_of(p, exclude))
        k++; /* ranks at and after the excluded host shift up by one */
    return select_rank(p, k);
}

size_t vs_targets_memory_bytes(const vs_targets *p)
{
    return 2 * (size_t)p->leaves * sizeof *p->node;
}
