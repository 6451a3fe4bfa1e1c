/*
 * targets.h: which hosts may take a migration now, indexed for O(log hosts) choices.
 *
 * A host is eligible as a target when it is not draining and has a free migration slot.
 * A tournament tree over the hosts keeps, per subtree, the eligible host with the
 * fewest VMs (counting those on their way; ties to the lowest index) and the number of
 * eligible hosts, so that both placements (least loaded, and uniformly random) cost a
 * walk of the tree instead of a scan of every host. The model calls
 * vs_targets_update whenever a host's load, slots or draining flag change.
 */
#ifndef VS_TARGETS_H
#define VS_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/rng.h"

#define VS_NO_HOST UINT32_MAX

/* The tree's nodes as two arrays, node 1 the root, leaf i at leaves + i: an eligibility
 * change adds one to (or takes one from) the counts on the leaf's path, while a change of
 * the best stops where a node's best no longer changes. */
typedef struct vs_targets {
    uint64_t *best;  /* (load << 32 | host) of a node's best eligible host, or UINT64_MAX */
    uint32_t *count; /* a node's eligible hosts: ranked, every node's; else leaves and root */
    uint32_t leaves; /* a power of two >= hosts */
    bool ranked;     /* counts kept on inner nodes too, for vs_targets_random */
} vs_targets;

/* Every host starts ineligible. `ranked`: vs_targets_random will be used (it draws by
 * rank, from every node's count); the least-loaded choice needs only the root's, and its
 * updates skip the walk of the others. Returns -1 out of memory. */
int vs_targets_init(vs_targets *p, uint32_t hosts, bool ranked);
void vs_targets_close(vs_targets *p);

/* Sets leaf `leaf` to `key` (or UINT64_MAX, ineligible) and updates the tree. */
void vs__targets_set(vs_targets *p, size_t leaf, uint64_t key);

/* Inline: many updates change nothing (a draining host stays ineligible), and a leaf's
 * key says all it holds (its count is 1 unless the key is UINT64_MAX). */
static inline void vs_targets_update(vs_targets *p, uint32_t host, bool eligible, uint32_t load)
{
    size_t leaf = p->leaves + (size_t)host;
    uint64_t key = eligible ? (uint64_t)load << 32 | host : UINT64_MAX;
    if (p->best[leaf] != key)
        vs__targets_set(p, leaf, key);
}

/* Eligible hosts in all. */
uint32_t vs_targets_eligible(const vs_targets *p);

/* The least loaded eligible host other than `exclude`, or VS_NO_HOST. */
uint32_t vs_targets_least_loaded(const vs_targets *p, uint32_t exclude);

/* An eligible host other than `exclude`, uniformly at random (one draw), or VS_NO_HOST.
 * Only on an index made ranked. */
uint32_t vs_targets_random(const vs_targets *p, uint32_t exclude, vs_rng *rng);

/* Bytes the index holds. */
size_t vs_targets_memory_bytes(const vs_targets *p);

#endif /* VS_TARGETS_H */
