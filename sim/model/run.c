/*
 * run.c: the run, from switch creation to switch deletion: VMs powered on if the
 * scenario starts them, the workload, policy changes and extension-stack events on
 * their times, the engine in slices (for the time series, progress and stop requests),
 * and what the report keeps at the end.
 */
#include "base/clock.h"
#include "model/realtime.h"
#include "model/sim.h"

#include <stdlib.h>
#include <time.h>

#include "model/migration.h"
#include "model/wfp.h"
#include "model/workload.h"

/* ---- The run ---------------------------------------------------------------------- */

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
    while (!(sim->stop && *sim->stop) && !vs_sim_failed(sim) && vs_sim_now(sim) < until &&
           vs_engine_pending(sim->engine) > 0) {
        if (sim->poll)
            sim->poll(sim->poll_ctx);
        vs_time_t now = vs_sim_now(sim);
        double started = vs_wall_s();
        vs_engine_run(sim->engine, until - now > *sub ? now + *sub : until);
        double took = vs_wall_s() - started;
        if (took > 0.008 && *sub > 1000)
            *sub /= 2;
        else if (took < 0.002 && *sub < VS_TIME_MAX / 2)
            *sub *= 2;
    }
}

/* The migration network over the interval ending now, for its time-series row: every
 * host's egress, and the busiest link's use. O(hosts) per interval, memory model only. */
static void sample_network(vs_sim *sim, vs_time_t now)
{
    vs_timeseries *ts = &sim->stats.series;
    double span = (double)(now - ts->window_start), total = 0, peak = 0;
    ts->network_gbps = ts->link_busiest_pct = 0;
    if (!sim->link_marks || span <= 0)
        return;
    for (uint32_t h = 0; h < sim->cfg->topology.hosts; h++) {
        double cap = sim->net.egress[h].capacity * span;
        for (int side = 0; side < 2; side++) {
            double bytes = vs_net_link_bytes(&sim->net, h, side == 0);
            double delta = bytes - sim->link_marks[2 * h + side];
            sim->link_marks[2 * h + side] = bytes;
            total += side == 0 ? delta : 0;
            if (cap > 0 && delta / cap > peak)
                peak = delta / cap;
        }
    }
    ts->network_gbps = total * 8 / span;
    ts->link_busiest_pct = 100 * peak;
}

/* Closes the time series' interval at `now`: the network and the hosts' migrations
 * sampled, then the row. */
int vs_sim_series_row(vs_sim *sim, vs_time_t now)
{
    sample_network(sim, now);
    if (sim->slot_totals) {
        vs_migration_slot_totals(sim, now, sim->slot_totals);
        vs_host_series_add(&sim->stats.host_series, now, sim->slot_totals);
    }
    return vs_stats_series_row(&sim->stats, now);
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
        if (vs_sim_failed(sim))
            return -1;
        if (sim->stop && *sim->stop) {
            sim->interrupted = true;
            break;
        }
        if (interval && vs_sim_now(sim) == next && vs_sim_series_row(sim, next) != 0)
            return -1;
        if (sim->progress) /* arrivals end at run.duration; what follows is the drain */
            sim->progress(sim->progress_ctx, vs_sim_now(sim), sim->cfg->run.duration,
                          vs_engine_events_run(sim->engine));
    }
    /* The last, partial interval. */
    return interval ? vs_sim_series_row(sim, vs_sim_now(sim)) : 0;
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
        sim->stats.hosts[h] =
            (vs_host_stats){.migrations_peak = host->slots_peak,
                            .cpu_queue_peak = host->cpu_queue_peak,
                            .vms_end = host->vms_here,
                            .migrations_out = host->migrations_out,
                            .migrations_in = host->migrations_in,
                            .cpu_busy = t ? (double)((long double)host->cpu_busy_ns / t) : 0.0,
                            .bytes_out = vs_net_link_bytes(&sim->net, h, true),
                            .bytes_in = vs_net_link_bytes(&sim->net, h, false)};
        double capacity = sim->net.egress[h].capacity * (double)t; /* bytes it could carry */
        sim->stats.hosts[h].link_out = capacity > 0 ? sim->stats.hosts[h].bytes_out / capacity : 0;
        sim->stats.hosts[h].link_in = capacity > 0 ? sim->stats.hosts[h].bytes_in / capacity : 0;
    }
    if (cfg->workload.kind == VS_WORKLOAD_DRAIN)
        sim->stats.drain = (vs_drain_stats){.active = true,
                                            .finished = sim->drain.done,
                                            .hosts = (uint32_t)cfg->workload.ndrain_hosts,
                                            .vms = sim->drain.vms_total,
                                            .failed = sim->drain.failed,
                                            .started_ns = sim->drain.started,
                                            .finished_ns = sim->drain.finished};
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
        !vs_engine_post(sim->engine, cfg->metrics.warmup, on_warmup_over, sim, 0))
        return -1;
    return 0;
}

/* ---- Policy changes (POLICY_UPDATE, POLICY_DELETE) -------------------------------------
 *
 * A change reaches the ports of running VMs that are not in the middle of an operation;
 * every VM's policy state changes, so that a later POLICY_ADD (a migration's destination)
 * carries the new version, or no longer the deleted policy.
 */

typedef struct vs_policy_fan {
    vs_fanout fan;
} vs_policy_fan;

static void on_policy_fan_done(vs_sim *sim, vs_fanout *fan)
{
    if (sim->trace) {
        vs_trace_record r = {.kind = VS_TRACE_OID,
                             .t = fan->started,
                             .duration = vs_sim_now(sim) - fan->started,
                             .host = fan->host,
                             .sw = fan->sw,
                             .port = fan->port,
                             .vm = fan->vm,
                             .nic = fan->nic_index,
                             .event = fan->kind == VS_FAN_POLICY_DELETE
                                          ? "OID_SWITCH_PORT_PROPERTY_DELETE"
                                          : "OID_SWITCH_PORT_PROPERTY_UPDATE",
                             .status = fan->status};
        sim->trace(sim->trace_ctx, &r);
    }
    free(fan->owner);
}

static void policy_change_vm(vs_sim *sim, const vs_policy_change *ch, uint32_t v)
{
    const vs_config *cfg = sim->cfg;
    vs_policy_state *ps = &sim->policy_state[(size_t)v * cfg->npolicies + ch->policy];
    if (ps->deleted)
        return;
    if (ch->op == VS_POLICY_DELETE)
        ps->deleted = true;
    else {
        ps->version++;
        if (ch->data) {
            ps->data = ch->data;
            ps->len = ch->len;
        }
    }
    const vs_vm *vm = &sim->vms[v];
    if (vm->off || vm->busy)
        return;
    for (uint32_t i = 0; i < cfg->topology.nics_per_vm; i++) {
        uint32_t n = v * cfg->topology.nics_per_vm + i;
        vs_policy_fan *pf = calloc(1, sizeof *pf);
        if (!pf)
            return vs_sim_out_of_memory(sim);
        pf->fan.owner = pf;
        vs_fanout_target where = {.host = vm->host,
                                  .sw = vs_nic_sw(sim, n),
                                  .port = sim->nics[n].port,
                                  .vm = v,
                                  .nic_index = i,
                                  .policy = ch->policy};
        vs_fanout_start(sim, &pf->fan,
                        ch->op == VS_POLICY_DELETE ? VS_FAN_POLICY_DELETE : VS_FAN_POLICY_UPDATE,
                        &where, on_policy_fan_done);
    }
}

static void on_policy_change(vs_engine *eng, void *ctx, uint64_t index)
{
    vs_sim *sim = ctx;
    const vs_policy_change *ch = &sim->cfg->policy_changes[index];
    if (ch->vm != UINT32_MAX)
        policy_change_vm(sim, ch, ch->vm);
    else
        for (uint32_t v = 0; v < sim->nvms; v++)
            policy_change_vm(sim, ch, v);
}

/* ---- Extension stack events (FilterPause, FilterRestart) --------------------------------- */

static void on_stack_restart(vs_engine *eng, void *ctx, uint64_t index)
{
    vs_sim *sim = ctx;
    const vs_stack_event *ev = &sim->cfg->extensions.events[index];
    vs_host *h = &sim->hosts[ev->host];
    h->stack_paused = false;
    h->restarted = true;
    /* D-LIFE: FilterRestart queries the switch and raises VSWITCH_CREATE; D-REORDER: after
     * a reorder, the reorder callback follows. */
    vs_wfp_lifetime_event(sim, ev->host, FWPS_VSWITCH_EVENT_VSWITCH_CREATE);
    if (ev->action == VS_STACK_REORDER)
        vs_wfp_reorder_event(sim, ev->host, ev->order);
    vs_cpu_resume(sim, ev->host);
}

static void on_stack_pause(vs_engine *eng, void *ctx, uint64_t index)
{
    vs_sim *sim = ctx;
    const vs_stack_event *ev = &sim->cfg->extensions.events[index];
    sim->hosts[ev->host].stack_paused = true;
    vs_engine_post(sim->engine, ev->pause, on_stack_restart, sim, index);
}

/* ---- The run -------------------------------------------------------------------------- */

static int schedule_scenario_events(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    for (size_t i = 0; i < cfg->npolicy_changes; i++)
        if (!vs_engine_post_at(sim->engine, cfg->policy_changes[i].at, on_policy_change, sim, i))
            return -1;
    for (size_t i = 0; i < cfg->extensions.nevents; i++)
        if (!vs_engine_post_at(sim->engine, cfg->extensions.events[i].at, on_stack_pause, sim, i))
            return -1;
    if (cfg->topology.vm_start == VS_START_POWER_ON) /* D-VALPORT: each VM powers on */
        for (uint32_t v = 0; v < sim->nvms; v++)
            if (vs_migration_request(sim, v, VS_ANY_HOST, VS_OP_POWER_ON, false) != 0)
                return -1;
    return 0;
}

int vs_sim_run(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    for (uint32_t h = 0; h < cfg->topology.hosts && !vs_sim_failed(sim); h++)
        vs_wfp_lifetime_event(sim, h, FWPS_VSWITCH_EVENT_VSWITCH_CREATE);
    if (vs_sim_failed(sim) || vs_workload_start(sim) != 0 || schedule_scenario_events(sim) != 0 ||
        start_measuring(sim) != 0)
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
    return vs_sim_failed(sim) ? -1 : vs_sim_collect(sim);
}
