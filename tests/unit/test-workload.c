/*
 * test-workload.c: what asks for operations (sim/model/workload.c), through workload.h
 * on a small vs_sim built by hand with no callouts: vs_workload_start, then the engine
 * run to chosen times. Counts of open arrivals are checked against their Poisson
 * expectation (the integral of the rate, within 5 standard deviations: the seed is
 * fixed, so a pass is deterministic, and a wrong rate or ramp shape is far outside);
 * a trace's, a drain's and a closed population's operations against the times and
 * targets the config gives (config.h), observed through sim->on_transition.
 * For arrival counts the VMs are turned off: each request is then counted
 * (stats.skipped_vm_off) and ends at once, so only the arrival process is measured.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/migration.h"
#include "model/sequence.h"
#include "model/workload.h"

#define MS 1000000ull
#define S 1000000000ull

/* What the transitions showed: per operation, when it started and ended, in order. */
typedef struct ops_log {
    vs_sim *sim;
    vs_time_t start[256], end[256];
    uint32_t start_vm[256];
    size_t nstart, nend;
} ops_log;

static vs_config g_cfg;
static vs_sim *g_sim;
static ops_log g_log;

static void setup(void)
{
    memset(&g_cfg, 0, sizeof g_cfg);
    memset(&g_log, 0, sizeof g_log);
    g_cfg.name = "workload-test";
    g_cfg.seed = 17;
    g_cfg.topology.hosts = 3;
    g_cfg.topology.switches_per_host = 1;
    g_cfg.topology.vms_per_host = 2;
    g_cfg.topology.nics_per_vm = 1;
    g_cfg.topology.cpus_per_host = 4;
    g_cfg.wfp.pending_timeout = 50 * MS;
    g_cfg.ndis.oid_cost = 1000;
    g_cfg.migration.max_per_host = 2;
    g_cfg.migration.max_destinations = 3;
    vs_dist_constant(&g_cfg.migration.precopy, 1 * MS);
    vs_dist_constant(&g_cfg.migration.pause, 10000);
    vs_dist_constant(&g_cfg.migration.latency, 100000);
    vs_dist_constant(&g_cfg.migration.disk_time, 1 * MS);
    g_cfg.migration.bandwidth_bytes_per_s = 1.25e9;
    g_cfg.migration.timeout = 10 * S;
    g_cfg.migration.placement = VS_PLACE_LEAST_LOADED;
    g_cfg.run.duration = 1 * S;
    g_cfg.metrics.histogram_rel_error = 0.01;
}

static void teardown(void)
{
    vs_sim_free(g_sim);
    g_sim = NULL;
}

TestSuite(workload, .init = setup, .fini = teardown);

static void on_transition(void *ctx, uint32_t vm, int from, int event, int to)
{
    ops_log *l = ctx;
    if (from == VS_MIG_WAITING && l->nstart < 256) {
        l->start_vm[l->nstart] = vm;
        l->start[l->nstart++] = vs_sim_now(l->sim);
    }
    if (vs_mig_state_final((vs_mig_state)to) && l->nend < 256)
        l->end[l->nend++] = vs_sim_now(l->sim);
}

static void start(bool vms_off)
{
    g_sim = vs_sim_new(&g_cfg);
    cr_assert_not_null(g_sim);
    g_log.sim = g_sim;
    g_sim->on_transition = on_transition;
    g_sim->transition_ctx = &g_log;
    for (uint32_t v = 0; vms_off && v < g_sim->nvms; v++)
        g_sim->vms[v].off = true;
    cr_assert_eq(vs_workload_start(g_sim), 0);
}

/* Arrivals up to `t` (each asked of a VM that is off). */
static uint64_t arrivals_until(vs_time_t t)
{
    vs_engine_run(g_sim->engine, t);
    cr_assert_eq(g_sim->stats.skipped_vm_off, g_sim->operations_issued);
    return g_sim->operations_issued;
}

static void expect_poisson(uint64_t got, double mean, const char *what)
{
    double tol = 5 * sqrt(mean);
    cr_expect(fabs((double)got - mean) <= tol, "%s: %llu arrivals, expected %.0f +- %.0f", what,
              (unsigned long long)got, mean, tol);
}

/* ---- Open arrivals ------------------------------------------------------------------- */

Test(workload, poisson_arrivals_come_at_the_rate)
{
    g_cfg.workload.kind = VS_WORKLOAD_POISSON;
    g_cfg.workload.rate_per_s = 2000;
    start(true);
    expect_poisson(arrivals_until(S / 2), 1000, "first half second");
    expect_poisson(arrivals_until(VS_TIME_MAX), 2000, "the run");
    cr_expect_lt(vs_engine_now(g_sim->engine), g_cfg.run.duration, "none after run.duration");
}

Test(workload, max_operations_caps_arrivals_and_stops_them)
{
    g_cfg.workload.kind = VS_WORKLOAD_POISSON;
    g_cfg.workload.rate_per_s = 2000;
    g_cfg.workload.max_operations = 7;
    start(true);
    cr_expect_eq(arrivals_until(VS_TIME_MAX), 7);
    cr_expect_eq(vs_engine_pending(g_sim->engine), 0, "no arrival left scheduled");
    /* 7 arrivals at 2000/s take about 3.5 ms, not the run's second */
    cr_expect_lt(vs_engine_now(g_sim->engine), 100 * MS);
}

Test(workload, zero_rate_schedules_nothing)
{
    g_cfg.workload.kind = VS_WORKLOAD_POISSON;
    g_cfg.workload.rate_per_s = 0;
    start(true);
    cr_expect_eq(vs_engine_pending(g_sim->engine), 0);
    cr_expect_eq(arrivals_until(VS_TIME_MAX), 0);
}

/* Rate 0 -> 4000/s over 1 s, held 1 s, down to 0 over 1 s: the expected counts are the
 * rate's integrals, 2000, 4000 and 2000, and 125 in the first quarter second (a
 * constant 4000/s would give 1000 there). */
Test(workload, ramp_follows_its_stages_linearly)
{
    static vs_ramp_stage stages[] = {{1 * S, 4000}, {1 * S, 4000}, {1 * S, 0}};
    g_cfg.workload.kind = VS_WORKLOAD_RAMP;
    g_cfg.workload.rate_per_s = 0;
    g_cfg.workload.stages = stages;
    g_cfg.workload.nstages = 3;
    g_cfg.run.duration = 3 * S;
    start(true);
    uint64_t q = arrivals_until(S / 4);
    uint64_t s1 = arrivals_until(1 * S);
    uint64_t s2 = arrivals_until(2 * S);
    uint64_t s3 = arrivals_until(VS_TIME_MAX);
    expect_poisson(q, 125, "first quarter second");
    expect_poisson(s1, 2000, "stage 1");
    expect_poisson(s2 - s1, 4000, "stage 2");
    expect_poisson(s3 - s2, 2000, "stage 3");
}

/* After the last stage the rate stays at its target. */
Test(workload, ramp_holds_its_last_target)
{
    static vs_ramp_stage stages[] = {{S / 2, 3000}};
    g_cfg.workload.kind = VS_WORKLOAD_RAMP;
    g_cfg.workload.rate_per_s = 3000;
    g_cfg.workload.stages = stages;
    g_cfg.workload.nstages = 1;
    g_cfg.run.duration = 2 * S;
    start(true);
    uint64_t first = arrivals_until(S / 2);
    expect_poisson(first, 1500, "the stage");
    expect_poisson(arrivals_until(VS_TIME_MAX) - first, 4500, "after it");
}

/* ---- Trace ------------------------------------------------------------------------------ */

/* Each row at its time, to its target (or by placement); rows at or after run.duration
 * are not issued. */
Test(workload, trace_rows_are_issued_at_their_times_to_their_targets)
{
    static vs_trace_entry rows[] = {
        {1000, 0, 2}, {1000, 1, VS_ANY_HOST}, {3 * MS, 4, 0}, {1 * S, 5, 1}};
    g_cfg.workload.kind = VS_WORKLOAD_TRACE;
    g_cfg.workload.trace = rows;
    g_cfg.workload.ntrace = 4;
    start(false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->operations_issued, 3);
    cr_assert_eq(g_log.nstart, 3);
    cr_expect_eq(g_log.start[0], 1000);
    cr_expect_eq(g_log.start_vm[0], 0);
    cr_expect_eq(g_log.start[1], 1000);
    cr_expect_eq(g_log.start_vm[1], 1);
    cr_expect_eq(g_log.start[2], 3 * MS);
    cr_expect_eq(g_log.start_vm[2], 4);
    cr_expect_eq(g_sim->vms[0].host, 2);
    /* VM 1, by least loaded: host 1 has 2 VMs, host 2 has 2 + VM 0 on its way */
    cr_expect_eq(g_sim->vms[1].host, 1);
    cr_expect_eq(g_sim->vms[4].host, 0);
    cr_expect_eq(g_sim->vms[5].host, 2, "its row came at run.duration");
    cr_expect_eq(g_sim->stats.migrations.completed, 3);
}

Test(workload, empty_trace_schedules_nothing)
{
    g_cfg.workload.kind = VS_WORKLOAD_TRACE;
    start(false);
    cr_expect_eq(vs_engine_pending(g_sim->engine), 0);
}

/* ---- Closed population ----------------------------------------------------------------- */

/* One operation in flight: each next one starts exactly `think` after the last ended,
 * until run.duration. */
Test(workload, closed_population_thinks_between_operations)
{
    g_cfg.workload.kind = VS_WORKLOAD_CLOSED;
    g_cfg.workload.population = 1;
    vs_dist_constant(&g_cfg.workload.think, 2 * MS);
    g_cfg.run.duration = 30 * MS;
    start(false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_assert_geq(g_log.nstart, 3, "a few cycles fit in 30 ms");
    cr_expect_eq(g_log.start[0], 0);
    for (size_t k = 1; k < g_log.nstart; k++)
        cr_expect_eq(g_log.start[k], g_log.end[k - 1] + 2 * MS, "operation %zu", k);
    cr_expect_eq(g_sim->operations_issued, g_log.nstart);
    cr_expect_lt(g_log.start[g_log.nstart - 1], g_cfg.run.duration);
    cr_expect_geq(g_log.end[g_log.nend - 1] + 2 * MS, g_cfg.run.duration,
                  "the next one would have started after the run");
}

Test(workload, closed_population_starts_all_at_time_zero)
{
    g_cfg.workload.kind = VS_WORKLOAD_CLOSED;
    g_cfg.workload.population = 3;
    vs_dist_constant(&g_cfg.workload.think, 2 * MS);
    start(false);
    vs_engine_run(g_sim->engine, 0);
    cr_expect_eq(g_sim->operations_issued, 3);
}

/* ---- Drain ------------------------------------------------------------------------------ */

/* Host 0 drains at 1 ms: its two VMs leave, by least loaded (VM 0 to host 1, the lowest
 * index of two equal; VM 1 to host 2, host 1 counting VM 0 on its way), and no other VM
 * moves. */
Test(workload, drain_moves_every_vm_off_its_host)
{
    static uint32_t hosts[] = {0};
    g_cfg.workload.kind = VS_WORKLOAD_DRAIN;
    g_cfg.workload.drain_hosts = hosts;
    g_cfg.workload.ndrain_hosts = 1;
    g_cfg.workload.drain_at = 1 * MS;
    start(false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    const vs_drain_state *d = &g_sim->drain;
    cr_expect(g_sim->hosts[0].draining);
    cr_expect_eq(d->vms_total, 2);
    cr_expect_eq(d->vms_left, 0);
    cr_expect_eq(d->failed, 0);
    cr_expect(d->done);
    cr_expect_eq(d->started, 1 * MS);
    cr_expect_eq(d->finished, g_log.end[g_log.nend - 1], "when the last VM arrived");
    cr_expect_eq(g_sim->vms[0].host, 1);
    cr_expect_eq(g_sim->vms[1].host, 2);
    cr_expect_eq(g_sim->hosts[0].vms_here, 0);
    cr_expect_eq(g_log.nstart, 2, "only the drained host's VMs moved");
}

Test(workload, drain_respects_max_operations)
{
    static uint32_t hosts[] = {0};
    g_cfg.workload.kind = VS_WORKLOAD_DRAIN;
    g_cfg.workload.drain_hosts = hosts;
    g_cfg.workload.ndrain_hosts = 1;
    g_cfg.workload.max_operations = 1;
    start(false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->drain.vms_total, 1);
    cr_expect(g_sim->drain.done);
    cr_expect_eq(g_sim->vms[1].host, 0, "the second VM was never asked to leave");
}

/* A drain of a host with no VMs is done when it starts. */
Test(workload, drain_of_an_empty_host_is_done_at_once)
{
    static uint32_t hosts[] = {2};
    g_cfg.workload.kind = VS_WORKLOAD_DRAIN;
    g_cfg.workload.drain_hosts = hosts;
    g_cfg.workload.ndrain_hosts = 1;
    g_cfg.workload.drain_at = 5 * MS;
    start(false);
    g_sim->vms[4].host = g_sim->vms[5].host = 0; /* as if both had left host 2 */
    g_sim->hosts[2].vms_here = 0;
    g_sim->hosts[0].vms_here = 4;
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect(g_sim->drain.done);
    cr_expect_eq(g_sim->drain.vms_total, 0);
    cr_expect_eq(g_sim->drain.finished, 5 * MS);
}

/* A VM that is off cannot leave: workload.c counts such a VM as failed, at once, inside
 * on_drain's loop, and the drain must still finish (it once never did: the count-down
 * came before the count was set). */
Test(workload, drain_of_off_vms_finishes_counting_them_failed)
{
    static uint32_t hosts[] = {0};
    g_cfg.workload.kind = VS_WORKLOAD_DRAIN;
    g_cfg.workload.drain_hosts = hosts;
    g_cfg.workload.ndrain_hosts = 1;
    start(false);
    g_sim->vms[0].off = g_sim->vms[1].off = true;
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->drain.vms_total, 2);
    cr_expect_eq(g_sim->drain.failed, 2);
    cr_expect_eq(g_sim->drain.vms_left, 0);
    cr_expect(g_sim->drain.done);
}
