/*
 * precopy.h: a live migration's memory, as SimGrid's live-migration model has it
 * (Hirofuchi, Lebre, Pouilloux, "Adding a Live Migration Model into SimGrid", CloudCom
 * 2013): round 1 sends all of the VM's memory over the migration network; each further
 * round sends what the VM dirtied during the previous one (its dirty rate times the
 * round's time, at most its working set); the rounds stop when what is left would cross
 * within migration.max_downtime at the bandwidth the last round got, or after
 * migration.max_rounds. The VM then pauses, and the last dirty pages cross in the
 * blackout. Every round is a flow on the shared network (network.h).
 */
#ifndef VS_PRECOPY_H
#define VS_PRECOPY_H

#include "model/sim.h"

typedef struct vs_migration vs_migration;

/* A VM's memory: the same for every migration of it (its own stream, not its phases'). */
typedef struct vs_vm_memory {
    double bytes;        /* RAM */
    double dirty_per_ns; /* bytes it dirties per ns while it runs */
    double working_set;  /* bytes: the most one round can find dirty */
} vs_vm_memory;

vs_vm_memory vs_vm_memory_of(const vs_sim *sim, uint32_t vm);

/* Bytes one round leaves dirty for the next, having taken `round_ns`. */
double vs_precopy_dirtied(const vs_vm_memory *m, vs_time_t round_ns);

/* Do the rounds stop with `left` bytes dirty, after `rounds` rounds whose last moved
 * `last_bytes` in `last_ns`? */
bool vs_precopy_done(const vs_config *cfg, double left, uint32_t rounds, double last_bytes,
                     vs_time_t last_ns);

/* Starts the pre-copy of a migration whose run is attached: rounds until done, then
 * done_fn(sim, mig). The bytes still dirty are left in mig->run->dirty. */
void vs_precopy_start(vs_sim *sim, vs_migration *mig, void (*done_fn)(vs_sim *, vs_migration *));

#endif /* VS_PRECOPY_H */
