/*
 * precopy.c: a live migration's memory rounds on the shared migration network
 * (precopy.h).
 */
#include "model/precopy.h"

#include <math.h>
#include <stdlib.h>

#include "model/migration.h"
#include "model/topology.h"

vs_vm_memory vs_vm_memory_of(const vs_sim *sim, uint32_t vm)
{
    vs_rng rng;
    vs_rng_init(&rng, sim->cfg->seed, vs_rng_stream_id(VS_STREAM_VM_MEMORY, vm, 0));
    vs_vm_memory m;
    m.bytes = vs_dist_sample(&sim->cfg->vms.memory, &rng);
    m.dirty_per_ns = vs_dist_sample(&sim->cfg->vms.dirty_rate, &rng) / 1e9;
    m.working_set = vs_dist_sample(&sim->cfg->vms.working_set, &rng);
    if (m.working_set > m.bytes) /* a VM cannot dirty more than it has */
        m.working_set = m.bytes;
    return m;
}

double vs_precopy_dirtied(const vs_vm_memory *m, vs_time_t round_ns)
{
    double d = m->dirty_per_ns * (double)round_ns;
    return d < m->working_set ? d : m->working_set;
}

bool vs_precopy_done(const vs_config *cfg, double left, uint32_t rounds, double last_bytes,
                     vs_time_t last_ns)
{
    if (rounds >= cfg->migration.max_rounds || left <= 0)
        return true;
    /* What the last round got, times the downtime allowed (SimGrid's threshold). */
    double per_ns = last_ns ? last_bytes / (double)last_ns : INFINITY;
    return left <= per_ns * (double)cfg->migration.max_downtime;
}

static void start_round(vs_sim *sim, vs_migration *mig, double bytes);

static void on_round_done(void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    vs_migration *mig = (vs_migration *)(uintptr_t)arg;
    vs_mig_run *run = mig->run;
    vs_time_t took = vs_sim_now(sim) - run->round_started;
    vs_vm_memory m = vs_vm_memory_of(sim, mig->vm);
    double left = vs_precopy_dirtied(&m, took) / sim->cfg->network.compression;
    if (vs_precopy_done(sim->cfg, left, run->rounds, run->round_bytes, took)) {
        run->dirty = left;
        run->precopy_done(sim, mig);
        return;
    }
    start_round(sim, mig, left);
}

static void start_round(vs_sim *sim, vs_migration *mig, double bytes)
{
    vs_mig_run *run = mig->run;
    run->rounds++;
    run->round_started = vs_sim_now(sim);
    run->round_bytes = bytes;
    run->sent += bytes;
    if (!vs_net_start(&sim->net, mig->src, mig->dst, bytes, on_round_done, sim,
                      (uint64_t)(uintptr_t)mig))
        vs_sim_out_of_memory(sim);
}

void vs_precopy_start(vs_sim *sim, vs_migration *mig, void (*done_fn)(vs_sim *, vs_migration *))
{
    vs_vm_memory m = vs_vm_memory_of(sim, mig->vm);
    mig->run->rounds = 0;
    mig->run->sent = 0;
    mig->run->precopy_done = done_fn;
    start_round(sim, mig, m.bytes / sim->cfg->network.compression);
}
