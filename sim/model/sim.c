/*
 * sim.c: the simulation handle: topology, callout instances, host services on virtual
 * time, and the run from switch creation to switch deletion.
 */
#include "model/sim.h"
#include "model/realtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/migration.h"
#include "model/topology.h"
#include "model/wfp.h"
#include "model/workload.h"

/* A deferred routine a plugin scheduled, waiting in the engine. */
struct vs_routine {
    void (*fn)(void *);
    void *context;
    uint32_t instance;
};

static int instances_init(vs_sim *sim)
{
    uint32_t hosts = sim->cfg->topology.hosts;
    sim->ninstances = (uint32_t)sim->cfg->nplugins * hosts;
    sim->instances = calloc(sim->ninstances ? sim->ninstances : 1, sizeof *sim->instances);
    if (!sim->instances)
        return -1;
    for (uint32_t i = 0; i < sim->ninstances; i++) {
        vs_instance *in = &sim->instances[i];
        in->plugin = i / hosts;
        in->host = i % hosts;
        vs_rng_init(&in->rng, sim->cfg->seed, vs_rng_stream_id(VS_STREAM_INSTANCE, in->plugin, in->host));
    }
    return 0;
}

static bool per_host_latency(const vs_config *cfg)
{
    if (cfg->metrics.per_host >= 0)
        return cfg->metrics.per_host;
    return cfg->topology.hosts <= VS_PER_HOST_AUTO_MAX;
}

vs_sim *vs_sim_new(const vs_config *cfg)
{
    vs_sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    sim->cfg = cfg;
    sim->free_call = UINT32_MAX;
    sim->verbosity = 1; /* VSWITCHSIM_LOG_WARNING and more severe */
    vs_pool_init(&sim->routines, sizeof(struct vs_routine), 256);
    sim->engine = vs_engine_new(1024);
    if (!sim->engine || vs_topology_build(sim) != 0 || vs_migration_init(sim) != 0 ||
        instances_init(sim) != 0 ||
        vs_stats_init(&sim->stats, cfg->nplugins, per_host_latency(cfg) ? cfg->topology.hosts : 0,
                      cfg->metrics.histogram_rel_error, cfg->metrics.interval) != 0) {
        vs_sim_free(sim);
        return NULL;
    }
    vs_rng_init(&sim->workload_rng, cfg->seed, vs_rng_stream_id(VS_STREAM_WORKLOAD, 0, 0));
    vs_rng_init(&sim->fault_rng, cfg->seed, vs_rng_stream_id(VS_STREAM_FAULTS, 0, 0));
    vs_rng_init(&sim->placement_rng, cfg->seed, vs_rng_stream_id(VS_STREAM_PLACEMENT, 0, 0));
    return sim;
}

void vs_sim_free(vs_sim *sim)
{
    if (!sim)
        return;
    vs_migration_close(sim);
    vs_pool_close(&sim->routines);
    vs_topology_free(sim);
    free(sim->instances);
    free(sim->subs);
    for (uint32_t i = 0; i < sim->ncalls; i++)
        free(sim->calls[i].out);
    free(sim->calls);
    vs_stats_close(&sim->stats);
    vs_engine_free(sim->engine);
    free(sim);
}

vs_instance *vs_sim_instance(vs_sim *sim, uint32_t plugin, uint32_t host)
{
    return &sim->instances[plugin * sim->cfg->topology.hosts + host];
}

vs_time_t vs_sim_now(const vs_sim *sim)
{
    return vs_engine_now(sim->engine);
}

/* ---- Activities: a callback or routine running on behalf of an instance ------- */

/* This thread's CPU time in ns. Simulated time does not pass while a callout runs, so
 * a callout's real CPU use is only ever observed here, for timing "measured". */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t vs_sim_clock_overhead_ns(void)
{
    uint64_t least = UINT64_MAX;
    for (int i = 0; i < 500; i++) {
        uint64_t a = thread_cpu_ns();
        uint64_t b = thread_cpu_ns();
        if (b >= a && b - a < least)
            least = b - a;
    }
    return least == UINT64_MAX ? 0 : least;
}

/* Measured CPU ns since the activity began, less the calibrated overhead of the clock
 * reads (not below 0), scaled to simulated ns (rounded, saturating). */
static vs_time_t measured_cost(const vs_activity *a, uint64_t now)
{
    uint64_t raw = now > a->cpu_start ? now - a->cpu_start : 0;
    double ns = (double)(raw > a->overhead ? raw - a->overhead : 0) * a->scale + 0.5;
    return ns >= 0x1p64 ? VS_TIME_MAX : (vs_time_t)ns;
}

void vs_sim_activity_begin(vs_sim *sim, uint32_t instance, const char *what)
{
    sim->activity = (vs_activity){.active = true, .instance = instance, .what = what};
    sim->activities++;
    if (instance >= sim->ninstances)
        return;
    vs_plugin_timing t = vs_config_timing(sim->cfg, sim->instances[instance].plugin);
    if (t.mode != VS_TIMING_MEASURED)
        return;
    sim->activity.measured = true;
    sim->activity.scale = t.scale;
    sim->activity.overhead = t.overhead_ns;
    sim->activity.cpu_start = thread_cpu_ns(); /* last: the callout's code runs next */
}

vs_time_t vs_sim_activity_end(vs_sim *sim)
{
    /* First: the callout's code has just returned. A nested activity (one that began
     * and ended inside this one) has cleared it, and then it costs 0, as charges do. */
    uint64_t now = sim->activity.active && sim->activity.measured ? thread_cpu_ns() : 0;
    vs_time_t cost = sim->activity.measured ? measured_cost(&sim->activity, now)
                                            : sim->activity.charged;
    sim->activity = (vs_activity){0};
    return cost;
}

vs_time_t vs_sim_activity_cost(const vs_sim *sim)
{
    if (!sim->activity.active)
        return 0;
    if (sim->activity.measured)
        return measured_cost(&sim->activity, thread_cpu_ns());
    return sim->activity.charged;
}

const char *vs_sim_fanout_what(unsigned kind)
{
    static const char *const names[VS_FAN_KINDS] = {
        [VS_FAN_SAVE] = "save", [VS_FAN_RESTORE] = "restore",
        [VS_FAN_PORT_CREATE] = "port event", [VS_FAN_PORT_DELETE] = "port event",
        [VS_FAN_IFACE_CREATE] = "interface event", [VS_FAN_IFACE_CONNECT] = "interface event",
        [VS_FAN_IFACE_DISCONNECT] = "interface event", [VS_FAN_IFACE_DELETE] = "interface event",
        [VS_FAN_POLICY_ADD] = "policy event"};
    return kind < VS_FAN_KINDS && names[kind] ? names[kind] : "callback";
}

void vs_sim_charge(vs_sim *sim, uint32_t instance, vs_time_t ns)
{
    if (!sim->activity.active || sim->activity.instance != instance)
        return; /* outside its own code an instance has nothing to charge */
    if (sim->activity.measured)
        return; /* measured time replaces charges: a modeled cost is not counted twice */
    sim->activity.charged = sim->activity.charged + ns < ns ? VS_TIME_MAX : sim->activity.charged + ns;
}

static void on_routine(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    struct vs_routine *r = (struct vs_routine *)(uintptr_t)arg;
    struct vs_routine run = *r;
    vs_pool_put(&sim->routines, r); /* back before it runs, which may schedule another */
    if (sim->instances[run.instance].unloaded)
        return;
    vs_sim_activity_begin(sim, run.instance, "routine");
    run.fn(run.context);
    vs_sim_activity_end(sim);
}

int vs_sim_schedule_routine(vs_sim *sim, uint32_t instance, vs_time_t delay,
                            void (*routine)(void *), void *context)
{
    struct vs_routine *r = vs_pool_get(&sim->routines);
    if (!r)
        return -1;
    *r = (struct vs_routine){routine, context, instance};
    /* A routine scheduled by running code starts once that code's cost so far is over. */
    if (sim->activity.active && sim->activity.instance == instance) {
        vs_time_t so_far = vs_sim_activity_cost(sim);
        delay = delay + so_far < delay ? VS_TIME_MAX : delay + so_far;
    }
    if (vs_engine_schedule(sim->engine, delay, on_routine, sim, (uint64_t)(uintptr_t)r) == 0) {
        vs_pool_put(&sim->routines, r);
        return -1;
    }
    return 0;
}

void vs_sim_violation(vs_sim *sim, vs_rule rule, uint32_t instance, const char *fmt, ...)
{
    if (sim->cfg->verifier.disabled & VS_RULE_BIT(rule))
        return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    const char *plugin = instance < sim->ninstances
                             ? sim->cfg->plugins[sim->instances[instance].plugin].name
                             : "(unknown)";
    vs_time_t now = vs_sim_now(sim);
    fprintf(stderr, "vswitchsim: verifier: %s: %s at %.9f s: %s\n", vs_rule_name(rule), plugin,
            (double)now / 1e9, detail);
    if (vs_stats_add_violation(&sim->stats, vs_rule_name(rule), plugin, now, detail) != 0)
        fprintf(stderr, "vswitchsim: out of memory recording a violation\n");
}

/* ---- The run ---------------------------------------------------------------------- */

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the engine to `until`. With no stop flag, in one go. With one, in sub-slices of
 * simulated time sized as the run goes so that each takes 2-8 ms of wall time, and the
 * flag is looked at between them: a signal stops the run within about 10 ms however
 * dense the scenario, yet nothing is added per event (no check in the engine's loop, no
 * extra events, so the results do not change) and only one clock read per sub-slice.
 * `*sub` carries the sub-slice's length from one call to the next. */
static void run_slice(vs_sim *sim, vs_time_t until, vs_time_t *sub)
{
    if (!sim->stop && !sim->poll) {
        vs_engine_run(sim->engine, until);
        return;
    }
    while (!(sim->stop && *sim->stop) && vs_sim_now(sim) < until &&
           vs_engine_pending(sim->engine) > 0) {
        if (sim->poll)
            sim->poll(sim->poll_ctx);
        vs_time_t now = vs_sim_now(sim);
        double started = wall_s();
        vs_engine_run(sim->engine, until - now > *sub ? now + *sub : until);
        double took = wall_s() - started;
        if (took > 0.008 && *sub > 1000)
            *sub /= 2;
        else if (took < 0.002 && *sub < VS_TIME_MAX / 2)
            *sub *= 2;
    }
}

/* Runs the engine to `end` in slices: one per time-series interval, whose row is taken
 * at its boundary (so intervals cost no events and never keep a finished run going),
 * and between them a progress line can follow the run. A stop flag ends it early, at the
 * simulated time reached; the partial interval's row is still taken. */
static int run_engine(vs_sim *sim, vs_time_t end)
{
    if (sim->cfg->run.realtime) /* the same, paced by the wall clock (realtime.c) */
        return vs_realtime_run(sim, end);
    vs_time_t interval = sim->cfg->metrics.interval;
    vs_time_t step = interval ? interval : (end / 256 ? end / 256 : 1);
    vs_time_t sub = 1000000; /* 1 ms simulated: the first sub-slice under a stop flag */
    for (vs_time_t next = step; vs_engine_pending(sim->engine) > 0 && vs_sim_now(sim) < end;
         next = next + step < next ? VS_TIME_MAX : next + step) {
        vs_time_t until = next < end ? next : end;
        run_slice(sim, until, &sub);
        if (sim->stop && *sim->stop) {
            sim->interrupted = true;
            break;
        }
        if (interval && vs_sim_now(sim) == next &&
            vs_stats_series_row(&sim->stats, next) != 0)
            return -1;
        if (sim->progress) /* arrivals end at run.duration; what follows is the drain */
            sim->progress(sim->progress_ctx, vs_sim_now(sim), sim->cfg->run.duration,
                          vs_engine_events_run(sim->engine));
    }
    /* The last, partial interval. */
    return interval ? vs_stats_series_row(&sim->stats, vs_sim_now(sim)) : 0;
}

int vs_sim_collect(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    vs_time_t t = vs_sim_now(sim);
    if (sim->stats.hosts)
        return 0; /* collected already */
    sim->stats.hosts = calloc(cfg->topology.hosts, sizeof *sim->stats.hosts);
    if (!sim->stats.hosts)
        return -1;
    sim->stats.nhosts = cfg->topology.hosts;
    for (uint32_t h = 0; h < cfg->topology.hosts; h++) {
        const vs_host *host = &sim->hosts[h];
        sim->stats.hosts[h] = (vs_host_stats){
            .migrations_peak = host->slots_peak, .cpu_queue_peak = host->cpu_queue_peak,
            .vms_end = host->vms_here, .migrations_out = host->migrations_out,
            .migrations_in = host->migrations_in,
            .cpu_busy = t ? (double)((long double)host->cpu_busy_ns / t) : 0.0};
    }
    if (cfg->workload.kind == VS_WORKLOAD_DRAIN)
        sim->stats.drain = (vs_drain_stats){
            .active = true, .finished = sim->drain.done, .hosts = (uint32_t)cfg->workload.ndrain_hosts,
            .vms = sim->drain.vms_total, .failed = sim->drain.failed,
            .started_ns = sim->drain.started, .finished_ns = sim->drain.finished};
    return 0;
}

static void on_warmup_over(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    vs_stats_restart(&sim->stats, vs_sim_now(sim));
}

static int start_measuring(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    if (cfg->metrics.warmup > 0 &&
        !vs_engine_schedule(sim->engine, cfg->metrics.warmup, on_warmup_over, sim, 0))
        return -1;
    return 0;
}

int vs_sim_run(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    for (uint32_t h = 0; h < cfg->topology.hosts; h++)
        vs_wfp_lifetime_event(sim, h, FWPS_VSWITCH_EVENT_VSWITCH_CREATE);
    if (vs_workload_start(sim) != 0 || start_measuring(sim) != 0)
        return -1;
    vs_time_t end = cfg->run.duration + cfg->run.drain < cfg->run.duration
                        ? VS_TIME_MAX
                        : cfg->run.duration + cfg->run.drain;
    if (run_engine(sim, end) != 0)
        return -1;
    if (!sim->interrupted) /* stopped early, work is unfinished because of us */
        vs_wfp_report_unfinished(sim);
    for (uint32_t h = 0; h < cfg->topology.hosts; h++)
        vs_wfp_lifetime_event(sim, h, FWPS_VSWITCH_EVENT_VSWITCH_DELETE);
    return vs_sim_collect(sim);
}
