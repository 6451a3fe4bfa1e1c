/*
 * workload.c: what asks for migrations (or local save/restores): open Poisson arrivals,
 * a closed population, a host drain, k6-style ramps of the arrival rate, or a trace.
 */
#include "model/workload.h"

#include <stdlib.h>

#include "engine/dist.h"
#include "model/migration.h"

static bool may_issue(const vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    return !cfg->workload.max_operations || sim->operations_issued < cfg->workload.max_operations;
}

static void issue(vs_sim *sim, uint32_t vm, uint32_t target, bool from_closed)
{
    sim->operations_issued++;
    if (vs_migration_request(sim, vm, target, sim->cfg->workload.operation, from_closed) != 0)
        vs_sim_out_of_memory(sim);
}

static uint32_t random_vm(vs_sim *sim)
{
    return (uint32_t)vs_rng_below(&sim->workload_rng, sim->nvms);
}

/* ---- Open arrivals: Poisson at a constant or ramping rate ------------------------ */

/* The ramp's rate at t: linear within each stage from the previous stage's target. */
static double ramp_rate(const vs_config *cfg, vs_time_t t)
{
    double from = cfg->workload.rate_per_s;
    for (size_t i = 0; i < cfg->workload.nstages; i++) {
        const vs_ramp_stage *st = &cfg->workload.stages[i];
        if (t < st->duration)
            return from + (st->target_rate_per_s - from) * (double)t / (double)st->duration;
        t -= st->duration;
        from = st->target_rate_per_s;
    }
    return from;
}

static double max_rate(const vs_config *cfg)
{
    double m = cfg->workload.rate_per_s;
    for (size_t i = 0; i < cfg->workload.nstages; i++)
        if (cfg->workload.stages[i].target_rate_per_s > m)
            m = cfg->workload.stages[i].target_rate_per_s;
    return m;
}

static void schedule_arrival(vs_sim *sim);

static void on_arrival(vs_engine *eng, void *ctx, uint64_t accepted)
{
    vs_sim *sim = ctx;
    if (accepted && may_issue(sim))
        issue(sim, random_vm(sim), VS_ANY_HOST, false);
    schedule_arrival(sim);
}

/* A ramp is a non-homogeneous Poisson process: candidates at the peak rate, each kept
 * with probability rate(t) / peak (thinning). A constant rate keeps every candidate. */
static void schedule_arrival(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    bool ramp = cfg->workload.kind == VS_WORKLOAD_RAMP;
    double peak = ramp ? max_rate(cfg) : cfg->workload.rate_per_s;
    if (peak <= 0 || !may_issue(sim))
        return;
    double gap_ns = vs_rng_exponential(&sim->workload_rng, 1e9 / peak);
    vs_time_t at = vs_sim_now(sim) + (vs_time_t)(gap_ns + 0.5);
    if (at >= cfg->run.duration)
        return;
    bool keep = !ramp || vs_rng_uniform01(&sim->workload_rng) * peak < ramp_rate(cfg, at);
    vs_engine_post_at(sim->engine, at, on_arrival, sim, keep);
}

/* ---- Closed population ------------------------------------------------------------- */

static void on_closed_start(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    if (vs_sim_now(sim) < sim->cfg->run.duration && may_issue(sim))
        issue(sim, random_vm(sim), VS_ANY_HOST, true);
}

/* ---- Drain ------------------------------------------------------------------------- */

static void on_drain(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    const vs_config *cfg = sim->cfg;
    sim->drain.started = vs_sim_now(sim);
    for (size_t i = 0; i < cfg->workload.ndrain_hosts; i++) {
        sim->hosts[cfg->workload.drain_hosts[i]].draining = true;
        vs_migration_host_changed(sim, cfg->workload.drain_hosts[i]);
    }
    /* The drain holds one count of its own while it issues: a move that ends inside
     * issue() (a VM that is off fails at once) counts down then, and must neither be
     * lost nor finish the drain before the last VM is asked to leave. */
    sim->drain.vms_left = 1;
    for (uint32_t vm = 0; vm < sim->nvms; vm++)
        if (sim->hosts[sim->vms[vm].host].draining && may_issue(sim)) {
            sim->vms[vm].in_drain = true;
            sim->drain.vms_total++;
            sim->drain.vms_left++;
            issue(sim, vm, VS_ANY_HOST, false);
        }
    if (--sim->drain.vms_left == 0) {
        sim->drain.done = true;
        sim->drain.finished = vs_sim_now(sim);
    }
}

/* ---- Trace ------------------------------------------------------------------------- */

static void on_trace(vs_engine *eng, void *ctx, uint64_t index)
{
    vs_sim *sim = ctx;
    const vs_config *cfg = sim->cfg;
    /* Every entry due now, then the next one's event. */
    for (; index < cfg->workload.ntrace && cfg->workload.trace[index].at <= vs_sim_now(sim);
         index++)
        if (may_issue(sim))
            issue(sim, cfg->workload.trace[index].vm, cfg->workload.trace[index].target, false);
    if (index < cfg->workload.ntrace && cfg->workload.trace[index].at < cfg->run.duration)
        vs_engine_post_at(sim->engine, cfg->workload.trace[index].at, on_trace, sim, index);
}

/* ---- Start and completions ------------------------------------------------------------ */

/* An operation the workload asked for has ended: a drain counts it, a closed
 * population thinks, then asks again. */
static void operation_done(vs_sim *sim, const vs_migration *mig, bool ok)
{
    vs_vm *vm = &sim->vms[mig->vm];
    if (vm->in_drain) {
        /* A VM that failed to leave stays: the drain counts it and does not retry. */
        vm->in_drain = false;
        sim->drain.failed += !ok;
        if (--sim->drain.vms_left == 0) {
            sim->drain.done = true;
            sim->drain.finished = vs_sim_now(sim);
        }
    }
    if (mig->from_closed) {
        vs_time_t think = vs_dist_sample(&sim->cfg->workload.think, &sim->workload_rng);
        vs_engine_post(sim->engine, think, on_closed_start, sim, 0);
    }
}

int vs_workload_start(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    sim->operation_done = operation_done;
    switch (cfg->workload.kind) {
    case VS_WORKLOAD_POISSON:
    case VS_WORKLOAD_RAMP:
        schedule_arrival(sim);
        break;
    case VS_WORKLOAD_CLOSED:
        for (uint32_t i = 0; i < cfg->workload.population; i++)
            vs_engine_post(sim->engine, 0, on_closed_start, sim, 0);
        break;
    case VS_WORKLOAD_DRAIN:
        vs_engine_post_at(sim->engine, cfg->workload.drain_at, on_drain, sim, 0);
        break;
    case VS_WORKLOAD_TRACE:
        if (cfg->workload.ntrace > 0)
            vs_engine_post_at(sim->engine, cfg->workload.trace[0].at, on_trace, sim, 0);
        break;
    }
    return 0;
}
