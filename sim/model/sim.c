/*
 * sim.c: the simulation handle: topology, callout instances, policies, and the host
 * services callouts use on virtual time (activities, charges, routines, violations,
 * validation-port reservations). The run itself is run.c.
 */
#include "model/sim.h"
#include "model/realtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/grow.h"
#include "model/migration.h"
#include "model/nic_ops.h"
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
        vs_rng_init(&in->rng, sim->cfg->seed,
                    vs_rng_stream_id(VS_STREAM_INSTANCE, in->plugin, in->host));
    }
    return 0;
}

/* Each policy's plugin by instance name, and per-VM policy states when the scenario
 * changes policies during the run. */
static int policies_init(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    if (cfg->npolicies == 0)
        return 0;
    sim->policy_plugin = malloc(cfg->npolicies * sizeof *sim->policy_plugin);
    if (!sim->policy_plugin)
        return -1;
    for (size_t p = 0; p < cfg->npolicies; p++) {
        sim->policy_plugin[p] = UINT32_MAX;
        for (size_t i = 0; cfg->policies[p].plugin && i < cfg->nplugins; i++)
            if (strcmp(cfg->plugins[i].name, cfg->policies[p].plugin) == 0)
                sim->policy_plugin[p] = (uint32_t)i;
    }
    if (cfg->npolicy_changes == 0)
        return 0;
    sim->policy_state = calloc((size_t)sim->nvms * cfg->npolicies, sizeof *sim->policy_state);
    if (!sim->policy_state)
        return -1;
    for (uint32_t v = 0; v < sim->nvms; v++)
        for (size_t p = 0; p < cfg->npolicies; p++)
            sim->policy_state[(size_t)v * cfg->npolicies + p] = (vs_policy_state){
                cfg->policies[p].data, cfg->policies[p].len, cfg->policies[p].version, false};
    return 0;
}

static bool per_host_latency(const vs_config *cfg)
{
    if (cfg->metrics.per_host >= 0)
        return cfg->metrics.per_host;
    return cfg->topology.hosts <= VS_PER_HOST_AUTO_MAX;
}

/* This thread's CPU time in ns. Simulated time does not pass while a callout runs, so
 * a callout's real CPU use is only ever observed here, for timing "measured". */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The least of a few hundred back-to-back CLOCK_THREAD_CPUTIME_ID reads apart, in ns. */
static uint64_t clock_overhead_ns(void)
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

/* Is some plugin's time measured? Then the clock reads' own cost is taken once, in
 * vs_sim_new, where measured timing starts (not when the scenario is read: a `validate`
 * measures nothing). */
static bool any_measured(const vs_config *cfg)
{
    for (size_t p = 0; p < cfg->nplugins; p++)
        if (vs_config_timing(cfg, p).mode == VS_TIMING_MEASURED)
            return true;
    return false;
}

vs_sim *vs_sim_new(const vs_config *cfg)
{
    vs_sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    sim->cfg = cfg;
    sim->free_call = UINT32_MAX;
    sim->verbosity = 1; /* VSWITCHSIM_LOG_WARNING and more severe */
    sim->any_measured = any_measured(cfg);
    sim->clock_overhead_ns = sim->any_measured ? clock_overhead_ns() : 0;
    vs_nic_ops_init(sim);
    vs_pool_init(&sim->routines, sizeof(struct vs_routine), 256);
    sim->engine = vs_engine_new(1024);
    if (!sim->engine || vs_topology_build(sim) != 0 || vs_migration_init(sim) != 0 ||
        instances_init(sim) != 0 || policies_init(sim) != 0 ||
        vs_net_init(&sim->net, sim->engine, cfg->topology.hosts,
                    cfg->network.bandwidth_bytes_per_s * cfg->network.efficiency / 1e9,
                    cfg->network.latency) != 0 ||
        vs_stats_init(&sim->stats, cfg->nplugins, per_host_latency(cfg) ? cfg->topology.hosts : 0,
                      cfg->metrics.histogram_rel_error, cfg->metrics.interval) != 0) {
        vs_sim_free(sim);
        return NULL;
    }
    if (cfg->metrics.interval && cfg->migration.model == VS_PRECOPY_MEMORY &&
        !(sim->link_marks = calloc(2 * (size_t)cfg->topology.hosts, sizeof(double)))) {
        vs_sim_free(sim);
        return NULL;
    }
    /* A drain's page shows each host's migrations over time. */
    if (cfg->metrics.interval && cfg->workload.kind == VS_WORKLOAD_DRAIN &&
        (vs_host_series_init(&sim->stats.host_series, cfg->topology.hosts, cfg->metrics.interval) !=
             0 ||
         !(sim->slot_totals = calloc(cfg->topology.hosts, sizeof(double))))) {
        vs_sim_free(sim);
        return NULL;
    }
    vs_rng_init(&sim->workload_rng, cfg->seed, vs_rng_stream_id(VS_STREAM_WORKLOAD, 0, 0));
    vs_rng_init(&sim->fault_rng, cfg->seed, vs_rng_stream_id(VS_STREAM_FAULTS, 0, 0));
    vs_rng_init(&sim->placement_rng, cfg->seed, vs_rng_stream_id(VS_STREAM_PLACEMENT, 0, 0));
    return sim;
}

void vs_sim_release(vs_sim *sim)
{
    vs_migration_close(sim);
    vs_net_close(&sim->net);
    vs_topology_free(sim);
    for (uint32_t i = 0; i < sim->ncalls; i++)
        free(sim->calls[i].out);
    free(sim->calls);
    sim->calls = NULL;
    sim->ncalls = sim->calls_cap = 0;
    sim->free_call = UINT32_MAX;
}

void vs_sim_free(vs_sim *sim)
{
    if (!sim)
        return;
    vs_sim_release(sim);
    vs_pool_close(&sim->routines);
    free(sim->instances);
    free(sim->policy_plugin);
    free(sim->link_marks);
    free(sim->slot_totals);
    free(sim->policy_state);
    free(sim->reservations);
    free(sim->subs);
    vs_stats_close(&sim->stats);
    vs_engine_free(sim->engine);
    free(sim);
}

vs_instance *vs_sim_instance(vs_sim *sim, uint32_t plugin, uint32_t host)
{
    return &sim->instances[plugin * sim->cfg->topology.hosts + host];
}

void vs_sim_timeline(vs_sim *sim, vs_timeline_kind kind, uint32_t host, uint64_t value,
                     const vs_migration *mig)
{
    if (!sim->timeline)
        return;
    vs_timeline_event ev = {kind, vs_sim_now(sim), host, value, mig};
    sim->timeline(sim->timeline_ctx, &ev);
}

/* ---- Activities: a callback or routine running on behalf of an instance ------- */

/* Measured CPU ns since the activity began, less the calibrated overhead of the clock
 * reads (not below 0), scaled to simulated ns (rounded, saturating). */
static vs_time_t measured_cost(const vs_activity *a, uint64_t now)
{
    uint64_t raw = now > a->cpu_start ? now - a->cpu_start : 0;
    double ns = (double)(raw > a->overhead ? raw - a->overhead : 0) * a->scale + 0.5;
    return ns >= 0x1p64 ? VS_TIME_MAX : (vs_time_t)ns;
}

/* The rest of vs_sim_activity_begin, for a scenario that sets plugins' timing. */
void vs__sim_activity_measure(vs_sim *sim, uint32_t instance)
{
    vs_plugin_timing t = vs_config_timing(sim->cfg, sim->instances[instance].plugin);
    if (t.mode != VS_TIMING_MEASURED)
        return;
    sim->activity.measured = true;
    sim->activity.scale = t.scale;
    sim->activity.overhead = sim->clock_overhead_ns;
    sim->activity.cpu_start = thread_cpu_ns(); /* last: the callout's code runs next */
}

/* vs_sim_activity_end with a kernel hook to run or a measured time to take. */
vs_time_t vs__sim_activity_end_slow(vs_sim *sim)
{
    if (sim->on_activity_end) { /* a driver's IRQL and locks are checked as its code returns */
        void (*hook)(vs_sim *) = sim->on_activity_end;
        sim->on_activity_end = NULL;
        hook(sim);
    }
    vs_breadcrumb_leave(sim->crumb);
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

void vs_sim_charge(vs_sim *sim, uint32_t instance, vs_time_t ns)
{
    if (!sim->activity.active || sim->activity.instance != instance)
        return; /* outside its own code an instance has nothing to charge */
    if (sim->activity.measured)
        return; /* measured time replaces charges: a modeled cost is not counted twice */
    sim->activity.charged = sim->activity.charged + ns < ns ? VS_TIME_MAX
                                                            : sim->activity.charged + ns;
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
    if (!vs_engine_post(sim->engine, delay, on_routine, sim, (uint64_t)(uintptr_t)r)) {
        vs_pool_put(&sim->routines, r);
        return -1;
    }
    return 0;
}

/* Each rule prints its first this many violations; the rest are counted, and said once
 * at the end (vs_sim_violations_summary), unless the run is verbose. */
#define VS_VIOLATIONS_PRINTED 10

void vs_sim_out_of_memory(vs_sim *sim)
{
    sim->oom = true;
    vs_engine_stop(sim->engine);
}

bool vs_sim_failed(const vs_sim *sim)
{
    return sim->oom || sim->net.oom || vs_engine_out_of_memory(sim->engine);
}

void vs_sim_violation(vs_sim *sim, vs_rule rule, uint32_t instance, const char *fmt, ...)
{
    /* Out of memory, the model's own shortcuts are no callout's fault. */
    if (vs_sim_failed(sim) || sim->cfg->verifier.disabled & VS_RULE_BIT(rule))
        return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    bool known = instance < sim->ninstances;
    size_t p = known ? sim->instances[instance].plugin : sim->cfg->nplugins;
    const char *plugin = known ? sim->cfg->plugins[p].name : "(unknown)";
    vs_time_t now = vs_sim_now(sim);
    if (vs_stats_add_violation(&sim->stats, rule, p, plugin, now, detail) != 0)
        vs_sim_out_of_memory(sim);
    if (sim->verbosity >= 3 || sim->stats.violations.by_rule[rule] <= VS_VIOLATIONS_PRINTED)
        fprintf(stderr, "vswitchsim: verifier: %s: %s at %.9f s: %s\n", vs_rule_name(rule), plugin,
                (double)now / 1e9, detail);
}

/* "15,990": counts of a buggy callout's repeats get large. */
static const char *grouped(uint64_t n, char out[32])
{
    char raw[24];
    int len = snprintf(raw, sizeof raw, "%llu", (unsigned long long)n);
    char *o = out;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            *o++ = ',';
        *o++ = raw[i];
    }
    *o = '\0';
    return out;
}

void vs_sim_violations_summary(const vs_sim *sim)
{
    if (sim->verbosity >= 3)
        return; /* every one was printed */
    for (int r = 0; r < VS_RULE_COUNT; r++) {
        uint64_t n = sim->stats.violations.by_rule[r];
        char more[32];
        if (n > VS_VIOLATIONS_PRINTED)
            fprintf(stderr, "vswitchsim: verifier: ... and %s more %s, see the report\n",
                    grouped(n - VS_VIOLATIONS_PRINTED, more), vs_rule_name((vs_rule)r));
    }
}

/* ---- Validation-port reservations ------------------------------------------------ */

static vs_reservation *reservation_of(vs_sim *sim, uint32_t instance, uint64_t vport)
{
    for (uint32_t i = 0; i < sim->nreservations; i++)
        if (sim->reservations[i].instance == instance && sim->reservations[i].vport == vport)
            return &sim->reservations[i];
    return NULL;
}

void vs_sim_reservation(vs_sim *sim, uint32_t instance, uint64_t vport, int64_t blocks,
                        int64_t bytes)
{
    vs_reservation *r = reservation_of(sim, instance, vport);
    if (!r && blocks < 0)
        return; /* reported already, or its port is gone: nothing to track */
    if (!r) {
        if (VS_GROW(sim->reservations, sim->reservations_cap, sim->nreservations + 1) != 0)
            return; /* the check is lost, the run goes on */
        r = &sim->reservations[sim->nreservations++];
        *r = (vs_reservation){.instance = instance, .vport = vport};
    }
    r->blocks += (uint64_t)blocks;
    r->bytes += (uint64_t)bytes;
}

void vs_sim_check_reservations(vs_sim *sim, uint64_t vport)
{
    for (uint32_t i = 0; i < sim->nreservations;) {
        vs_reservation *r = &sim->reservations[i];
        if (r->vport != vport) {
            i++;
            continue;
        }
        if (r->blocks > 0)
            vs_sim_violation(sim, VS_RULE_VALIDATION_PORT_RESERVATION, r->instance,
                             "%llu bytes in %llu blocks allocated while handling validation port "
                             "%u are still held after its PORT_DELETE; reserve on the operational "
                             "port only (Validation Ports)",
                             (unsigned long long)r->bytes, (unsigned long long)r->blocks,
                             (unsigned)(vport & 0xffffffffu));
        *r = sim->reservations[--sim->nreservations];
    }
}
