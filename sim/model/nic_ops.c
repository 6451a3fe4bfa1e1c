/*
 * nic_ops.c: runs one NIC's part of a migration state, row by row of the part's table
 * (sequence.c): each step a WFP fan-out on the source or destination, or OID round
 * trips on the host's CPUs. When the part ends it calls the done callback its starter
 * gave.
 */
#include <stdlib.h>

#include "model/migration.h"
#include "model/nic_ops.h"

/* What the combined envelope adds per callout blob: its provider GUID and length. */
#define ENVELOPE_PER_BLOB 20u

/* Stages of the save and restore steps. */
enum { SAVE_FIRST_OID, SAVE_CALLBACKS, SAVE_MORE_OIDS };
enum { RESTORE_OIDS, RESTORE_CALLBACKS };

static void step_run(vs_sim *sim, vs_nic_op *op);
static void step_end(vs_sim *sim, vs_nic_op *op, bool ok);

static const vs_config *cfg_of(const vs_sim *sim)
{
    return sim->cfg;
}

static uint32_t ceil_div(uint64_t a, uint64_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

static vs_nic_step current_step(const vs_nic_op *op)
{
    return (vs_nic_step)op->step;
}

/* ---- Segments ------------------------------------------------------------------------ */

/* Segments of a group: per_callout groups are single blobs, combined is one group. */
static uint32_t group_count(const vs_sim *sim, const vs_nic_op *op)
{
    if (op->state.nblobs == 0)
        return 0;
    return cfg_of(sim)->wfp.segments == VS_SEGMENTS_PER_CALLOUT ? op->state.nblobs : 1;
}

static uint32_t group_segments(const vs_sim *sim, const vs_nic_op *op, uint32_t g)
{
    if (cfg_of(sim)->wfp.segments == VS_SEGMENTS_PER_CALLOUT) {
        size_t len = op->state.blobs[g].length;
        return len ? ceil_div(len, VS_SEGMENT_MAX) : 1;
    }
    return ceil_div(op->state.nbytes + ENVELOPE_PER_BLOB * (uint64_t)op->state.nblobs,
                    VS_SEGMENT_MAX);
}

/* After the save callbacks: how many segments the state takes, and whether it fits. */
static bool plan_segments(vs_sim *sim, vs_nic_op *op)
{
    op->segments = 0;
    for (uint32_t g = 0; g < group_count(sim, op); g++)
        op->segments += group_segments(sim, op, g);
    sim->stats.segments += op->segments;
    op->mig->run->state_bytes += op->state.nbytes;
    /* Combined state over one segment: nobody's bug, but "fail" does not split it. */
    return !(cfg_of(sim)->wfp.segments == VS_SEGMENTS_COMBINED && op->segments > 1 &&
             cfg_of(sim)->ndis.oversize == VS_OVERSIZE_FAIL);
}

/* ---- Where a step runs ---------------------------------------------------------------- */

static bool on_dst(const vs_nic_op *op)
{
    return op->part != VS_PART_SAVE && op->part != VS_PART_SRC_TEARDOWN;
}

static NDIS_SWITCH_PORT_ID port_of(const vs_sim *sim, const vs_nic_op *op)
{
    return on_dst(op) ? op->dst_port : sim->nics[op->nic].port;
}

/* The NIC's switch on its host: NIC i of a VM sits on switch i % switches_per_host
 * (vs_nic_sw), and op->index is that i (one modulo instead of two). */
static uint32_t nic_sw(const vs_sim *sim, const vs_nic_op *op)
{
    return op->index % cfg_of(sim)->topology.switches_per_host;
}

static vs_switch *switch_of(vs_sim *sim, const vs_nic_op *op)
{
    return &sim->hosts[op->host].switches[nic_sw(sim, op)];
}

/* Key of the NIC's validation port on switch sw of host, for the reservation rule:
 * unique per host's switch and port id, never 0. */
static uint64_t vport_key(uint32_t host, uint32_t sw, const vs_nic_op *op)
{
    return ((uint64_t)host << 40) | ((uint64_t)sw << 32) | op->dst_port;
}

/* ---- Tracing OIDs ----------------------------------------------------------------------- */

static void trace_oid(vs_sim *sim, const vs_nic_op *op, const char *oid, vs_time_t started,
                      NTSTATUS status)
{
    if (!sim->trace)
        return;
    vs_trace_record r = {.kind = VS_TRACE_OID,
                         .t = started,
                         .duration = vs_sim_now(sim) - started,
                         .host = op->host,
                         .sw = nic_sw(sim, op),
                         .port = port_of(sim, op),
                         .vm = op->mig->vm,
                         .nic = op->index,
                         .event = oid,
                         .status = status,
                         .validation_port = op->part == VS_PART_VALIDATE};
    sim->trace(sim->trace_ctx, &r);
}

/* ---- Statistics of save and restore sequences ------------------------------------------ */

/* A timeline event of the saves in flight on the source: one branch when none is set,
 * and the event's record out of line (no stack frame for it where none is set). */
static __attribute__((noinline)) void timeline_saves_event(vs_sim *sim, const vs_nic_op *op,
                                                           uint64_t value)
{
    vs_sim_timeline(sim, VS_TL_SAVES, op->mig->src, value, op->mig);
}

static void timeline_saves(vs_sim *sim, const vs_nic_op *op, uint64_t value)
{
    if (sim->timeline)
        timeline_saves_event(sim, op, value);
}

static void record_save(vs_sim *sim, vs_nic_op *op, bool ok)
{
    vs_seq_counts *c = &sim->stats.saves;
    vs_time_t now = vs_sim_now(sim);
    vs_stats_latency(&sim->stats, VS_LAT_SAVE, op->mig->src, now - op->seq_started);
    vs_level_add(&sim->stats.saves_in_flight, now, -1);
    timeline_saves(sim, op, 0);
    c->pended += op->seq_pended;
    if (ok)
        c->completed++;
    else
        c->failed++;
    c->timed_out += op->seq_timed_out;
    if (ok)
        vs_hist_record(&sim->stats.oids_per_save, 1 + (op->segments ? op->segments + 1 : 1));
}

static void record_restore(vs_sim *sim, vs_nic_op *op, bool ok)
{
    vs_seq_counts *c = &sim->stats.restores;
    vs_stats_latency(&sim->stats, VS_LAT_RESTORE, op->mig->dst, vs_sim_now(sim) - op->seq_started);
    c->pended += op->seq_pended;
    if (ok)
        c->completed++;
    else
        c->failed++;
    c->timed_out += op->seq_timed_out;
}

/* ---- OID round trips -------------------------------------------------------------------- */

static const char *oid_name(const vs_nic_op *op)
{
    switch (current_step(op)) {
    case VS_STEP_SAVE:
        return op->oids_left == 1 ? "OID_SWITCH_NIC_SAVE_COMPLETE" : "OID_SWITCH_NIC_SAVE";
    case VS_STEP_RESTORE:
        return "OID_SWITCH_NIC_RESTORE";
    default:
        return "OID_SWITCH_NIC_RESTORE_COMPLETE";
    }
}

/* The OID that carries the first save, or a group's last restore segment, is traced
 * after the callbacks it causes, with them in its duration. */
static void trace_oid_done(vs_sim *sim, const vs_nic_op *op)
{
    vs_nic_step step = current_step(op);
    bool carries_callbacks = (step == VS_STEP_SAVE && op->stage == SAVE_FIRST_OID) ||
                             (step == VS_STEP_RESTORE && op->oids_left == 1);
    if (!carries_callbacks)
        trace_oid(sim, op, oid_name(op), op->oid_started, STATUS_SUCCESS);
}

static inline void advance(vs_sim *sim, vs_nic_op *op, bool ok);
static void start_fan(vs_sim *sim, vs_nic_op *op, vs_fanout_kind kind, uint8_t flags);
static vs_time_t oid_on_cpu(vs_sim *sim, void *ctx, uint64_t arg);

static void oid_done_now(vs_sim *sim, vs_nic_op *op);
static void on_oid_done(vs_engine *eng, void *ctx, uint64_t arg);

/* One OID round trip through the extension stack, on a host CPU for ndis.oid_cost:
 * returns how long it holds the CPU (vs_cpu_fn). */
static inline __attribute__((always_inline)) vs_time_t oid_run(vs_sim *sim, vs_nic_op *op)
{
    vs_time_t cost = cfg_of(sim)->ndis.oid_cost;
    if (current_step(op) == VS_STEP_SAVE) /* the only step with OIDs on the source */
        sim->stats.save_oids++;
    else
        sim->stats.restore_oids++;
    if (cost == 0) {
        oid_done_now(sim, op);
        return 0;
    }
    vs_engine_post(sim->engine, cost, on_oid_done, sim, (uint64_t)(uintptr_t)op);
    return vs_cpu_held(cost);
}

/* Issues the stage's next OID: on a free CPU of the host now, without a vs_cpu_fn
 * through the queue, else queued for one. Its trace time is when it is issued: its
 * duration includes any wait for a CPU (or for a paused stack), as a port event's does. */
static void issue_oid(vs_sim *sim, vs_nic_op *op)
{
    uint32_t host = op->host; /* op may end, and be reused, within oid_run */
    op->oid_started = vs_sim_now(sim);
    if (vs_cpu_take(sim, host))
        vs_cpu_release(sim, host, oid_run(sim, op));
    else
        vs_cpu_submit(sim, host, oid_on_cpu, op, 0);
}

static void issue_oids(vs_sim *sim, vs_nic_op *op, uint32_t count)
{
    op->oids_left = count;
    issue_oid(sim, op);
}

/* An OID has completed: the loop issues it again, or its stage goes on. Inline in
 * on_oid_done, the save and restore loops' every second event. */
static inline __attribute__((always_inline)) void oid_done(vs_sim *sim, vs_nic_op *op)
{
    if (sim->trace)
        trace_oid_done(sim, op);
    if (--op->oids_left > 0) {
        issue_oid(sim, op);
        return;
    }
    switch (current_step(op)) {
    case VS_STEP_SAVE:
        if (op->stage == SAVE_FIRST_OID) { /* it reaches WFP, which calls every save callback */
            op->stage = SAVE_CALLBACKS;
            start_fan(sim, op, VS_FAN_SAVE, 0); /* on_fan_done issues the segments' OIDs */
            return;
        }
        record_save(sim, op, true); /* the segments' OIDs and SAVE_COMPLETE are through */
        advance(sim, op, true);     /* the step changes nothing for apply_step */
        return;
    case VS_STEP_RESTORE: /* the group's segments are through: its blobs' callbacks */
        op->stage = RESTORE_CALLBACKS;
        start_fan(sim, op, VS_FAN_RESTORE, 0);
        return;
    default: /* VS_STEP_RESTORE_COMPLETE */
        record_restore(sim, op, true);
        advance(sim, op, true);
    }
}

/* The OID's round trip is over: it completes, then its CPU is free (in that order, as
 * two events at one instant would have it). */
static void on_oid_done(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    vs_nic_op *op = (vs_nic_op *)(uintptr_t)arg;
    uint32_t host = op->host; /* op may end, and be reused, in oid_done */
    oid_done(sim, op);
    vs_cpu_free(sim, host);
}

/* What on_oid_done will read, named a few events ahead (vs_engine_prefetch_for): the
 * op's other lines (the engine loads the first), its migration, and its host's CPUs and
 * subscriptions. Unrolled: GCC 12 may drop prefetches from a loop or a helper. */
static void prefetch_oid_done(void *ctx, uint64_t arg)
{
    const vs_sim *sim = ctx;
    const vs_nic_op *op = (const vs_nic_op *)(uintptr_t)arg;
    const char *p = (const char *)op;
    const char *host = (const char *)&sim->hosts[op->host];
    _Static_assert(sizeof *op <= 4 * 64, "five lines at most, wherever the op starts");
    __builtin_prefetch(p + 64);
    __builtin_prefetch(p + 128);
    __builtin_prefetch(p + 192);
    __builtin_prefetch(p + sizeof *op - 1);
    __builtin_prefetch(op->mig);
    __builtin_prefetch(host);
    __builtin_prefetch(host + 64);
    __builtin_prefetch(host + sizeof(vs_host) - 1);
}

bool vs_nic_ops_prefetch(vs_sim *sim)
{
    return vs_engine_prefetch_for(sim->engine, on_oid_done, prefetch_oid_done);
}

/* ndis.oid_cost 0: the OID completes as it is made, on the CPU it holds. */
static void oid_done_now(vs_sim *sim, vs_nic_op *op)
{
    oid_done(sim, op);
}

/* An OID that waited for a CPU. */
static vs_time_t oid_on_cpu(vs_sim *sim, void *ctx, uint64_t arg)
{
    return oid_run(sim, ctx);
}

/* ---- Fan-outs ------------------------------------------------------------------------------ */

static const char *fan_oid_name(vs_fanout_kind kind)
{
    static const char *const names[VS_FAN_KINDS] = {
        [VS_FAN_PORT_CREATE] = "OID_SWITCH_PORT_CREATE",
        [VS_FAN_PORT_DELETE] = "OID_SWITCH_PORT_DELETE",
        [VS_FAN_IFACE_CREATE] = "OID_SWITCH_NIC_CREATE",
        [VS_FAN_IFACE_CONNECT] = "OID_SWITCH_NIC_CONNECT",
        [VS_FAN_IFACE_DISCONNECT] = "OID_SWITCH_NIC_DISCONNECT",
        [VS_FAN_IFACE_DELETE] = "OID_SWITCH_NIC_DELETE",
        [VS_FAN_POLICY_ADD] = "OID_SWITCH_PORT_PROPERTY_ADD",
        [VS_FAN_SAVE] = "OID_SWITCH_NIC_SAVE",
        [VS_FAN_RESTORE] = "OID_SWITCH_NIC_RESTORE"};
    return names[kind];
}

/* A save or restore fan-out's OID is traced from when the OID was issued. */
static void trace_fan(vs_sim *sim, const vs_nic_op *op, const vs_fanout *fan)
{
    vs_time_t started = fan->kind == VS_FAN_SAVE || fan->kind == VS_FAN_RESTORE ? op->oid_started
                                                                                : fan->started;
    trace_oid(sim, op, fan_oid_name(fan->kind), started, fan->status);
}

static void on_fan_done(vs_sim *sim, vs_fanout *fan)
{
    vs_nic_op *op = fan->owner;
    bool ok = fan->status == STATUS_SUCCESS;
    if (sim->trace)
        trace_fan(sim, op, fan);
    if (fan->kind == VS_FAN_SAVE || fan->kind == VS_FAN_RESTORE) {
        op->seq_pended |= fan->pended;
        op->seq_timed_out |= fan->timed_out;
    }
    switch (current_step(op)) {
    case VS_STEP_SAVE:
        if (ok && !plan_segments(sim, op)) {
            sim->stats.oversized_states++;
            ok = false;
        }
        if (!ok) {
            record_save(sim, op, false);
            step_end(sim, op, false);
            return;
        }
        op->stage = SAVE_MORE_OIDS;
        issue_oids(sim, op, op->segments ? op->segments + 1 : 1);
        return;
    case VS_STEP_RESTORE:
        if (!ok) {
            record_restore(sim, op, false);
            step_end(sim, op, false);
            return;
        }
        op->group++;
        op->stage = RESTORE_OIDS;
        step_run(sim, op);
        return;
    case VS_STEP_VPOLICY:
    case VS_STEP_POLICY:
        if (!ok) {
            step_end(sim, op, false);
            return;
        }
        op->policy++;
        step_run(sim, op);
        return;
    default:
        step_end(sim, op, ok);
    }
}

static void start_fan(vs_sim *sim, vs_nic_op *op, vs_fanout_kind kind, uint8_t flags)
{
    bool restoring = op->mig->op != VS_OP_POWER_ON;
    uint32_t sw = nic_sw(sim, op);
    vs_fanout_target where = {.host = op->host,
                              .sw = (uint16_t)sw,
                              .port = port_of(sim, op),
                              .vm = op->mig->vm,
                              .nic_index = op->index,
                              .flags = (uint8_t)(flags | (restoring ? VS_FAN_RESTORING : 0)),
                              .policy = op->policy,
                              .vport = flags & VS_FAN_VALIDATION ? vport_key(op->host, sw, op) : 0};
    op->fan.owner = op;
    op->fan.state = &op->state;
    if (kind == VS_FAN_RESTORE) {
        bool per_callout = cfg_of(sim)->wfp.segments == VS_SEGMENTS_PER_CALLOUT;
        op->fan.first_blob = per_callout ? op->group : 0;
        op->fan.total = per_callout ? 1 : op->state.nblobs;
    }
    vs_fanout_start(sim, &op->fan, kind, &where, on_fan_done);
}

/* ---- The steps ----------------------------------------------------------------------------- */

/* Steps that undo something apply only to what this NIC built on the destination. */
static bool step_applies_to(uint8_t built, vs_nic_step step, bool dst)
{
    if (!dst)
        return true;
    switch (step) {
    case VS_STEP_VPORT_DELETE:
    case VS_STEP_PORT_TEARDOWN:
    case VS_STEP_PORT_DELETE:
        return built & VS_BUILT_PORT;
    case VS_STEP_IFACE_DELETE:
        return built & VS_BUILT_IFACE;
    case VS_STEP_IFACE_DISCONNECT:
        return built & VS_BUILT_CONNECTED;
    default:
        return true;
    }
}

static bool step_applies(const vs_nic_op *op, vs_nic_step step)
{
    return step_applies_to(op->built, step, on_dst(op));
}

/* Policy steps: the next policy this VM's ports carry, or npolicies when none is left. */
static uint32_t next_policy(const vs_sim *sim, const vs_nic_op *op, uint32_t p)
{
    size_t n = cfg_of(sim)->npolicies;
    while (p < n && sim->policy_state && sim->policy_state[(size_t)op->mig->vm * n + p].deleted)
        p++;
    return (uint32_t)p;
}

static void run_policy(vs_sim *sim, vs_nic_op *op, uint8_t flags)
{
    op->policy = next_policy(sim, op, op->policy);
    if (op->policy >= cfg_of(sim)->npolicies) {
        step_end(sim, op, true);
        return;
    }
    start_fan(sim, op, VS_FAN_POLICY_ADD, flags);
}

/* The save loop begins with OID_SWITCH_NIC_SAVE, which reaches WFP (oid_done), which
 * calls every save callback (on_fan_done goes on with the OIDs of the segments and
 * SAVE_COMPLETE). */
static void run_save(vs_sim *sim, vs_nic_op *op)
{
    vs_state_reset(&op->state);
    op->segments = 0;
    op->seq_pended = op->seq_timed_out = false;
    op->seq_started = vs_sim_now(sim);
    sim->stats.saves.issued++;
    vs_level_add(&sim->stats.saves_in_flight, op->seq_started, +1);
    timeline_saves(sim, op, 1);
    issue_oids(sim, op, 1);
}

/* Per group of segments: its OIDs, then the callbacks of the blobs it carries. */
static void run_restore(vs_sim *sim, vs_nic_op *op)
{
    if (op->group == 0 && op->stage == RESTORE_OIDS) { /* the step begins */
        op->seq_started = vs_sim_now(sim);
        op->seq_pended = op->seq_timed_out = false;
        sim->stats.restores.issued++;
    }
    if (op->group >= group_count(sim, op)) {
        advance(sim, op, true); /* the step changes nothing for apply_step */
        return;
    }
    if (op->stage == RESTORE_OIDS) {
        issue_oids(sim, op, group_segments(sim, op, op->group));
        return;
    }
    start_fan(sim, op, VS_FAN_RESTORE, 0);
}

static void step_run(vs_sim *sim, vs_nic_op *op)
{
    vs_nic_step step = current_step(op);
    switch (step) {
    case VS_STEP_VPORT_CREATE:
        start_fan(sim, op, VS_FAN_PORT_CREATE, VS_FAN_VALIDATION);
        return;
    case VS_STEP_VPOLICY:
        run_policy(sim, op, VS_FAN_VALIDATION);
        return;
    case VS_STEP_VPORT_DELETE:
        start_fan(sim, op, VS_FAN_PORT_DELETE, VS_FAN_VALIDATION);
        return;
    case VS_STEP_PORT_CREATE:
        start_fan(sim, op, VS_FAN_PORT_CREATE, 0);
        return;
    case VS_STEP_POLICY:
        run_policy(sim, op, 0);
        return;
    case VS_STEP_SAVE:
        run_save(sim, op);
        return;
    case VS_STEP_IFACE_CREATE:
        start_fan(sim, op, VS_FAN_IFACE_CREATE, 0);
        return;
    case VS_STEP_IFACE_CONNECT:
        start_fan(sim, op, VS_FAN_IFACE_CONNECT, 0);
        return;
    case VS_STEP_IFACE_DISCONNECT:
        start_fan(sim, op, VS_FAN_IFACE_DISCONNECT, 0);
        return;
    case VS_STEP_IFACE_DELETE:
        start_fan(sim, op, VS_FAN_IFACE_DELETE, 0);
        return;
    case VS_STEP_PORT_TEARDOWN:
        /* No WFP event; like the other port and NIC OIDs it costs only what callouts
         * charge (ndis.oid_cost is the save and restore loops' round trip). */
        trace_oid(sim, op, "OID_SWITCH_PORT_TEARDOWN", vs_sim_now(sim), STATUS_SUCCESS);
        step_end(sim, op, true);
        return;
    case VS_STEP_PORT_DELETE:
        start_fan(sim, op, VS_FAN_PORT_DELETE, VS_FAN_TEARDOWN);
        return;
    case VS_STEP_RESTORE:
        run_restore(sim, op);
        return;
    default: /* VS_STEP_RESTORE_COMPLETE */
        issue_oids(sim, op, 1);
    }
}

/* What a step's success changes: the switch's port count (returned: +1, -1 or 0) and,
 * on the destination (`dst`), what this NIC has built there (the source's port and NIC
 * are the VM's own, not flags here). */
static int step_change(vs_nic_step step, bool dst, uint8_t *built)
{
    uint8_t set = 0, clear = 0;
    int ports = 0;
    switch (step) {
    case VS_STEP_VPORT_CREATE:
    case VS_STEP_PORT_CREATE:
        ports = 1, set = VS_BUILT_PORT;
        break;
    case VS_STEP_VPORT_DELETE:
    case VS_STEP_PORT_DELETE:
        ports = -1, clear = VS_BUILT_PORT;
        break;
    case VS_STEP_IFACE_CREATE:
        set = VS_BUILT_IFACE;
        break;
    case VS_STEP_IFACE_CONNECT:
        set = VS_BUILT_CONNECTED;
        break;
    case VS_STEP_IFACE_DISCONNECT:
        clear = VS_BUILT_CONNECTED;
        break;
    case VS_STEP_IFACE_DELETE:
        clear = VS_BUILT_IFACE;
        break;
    default:
        break;
    }
    if (dst)
        *built = (uint8_t)((*built | set) & ~clear);
    return ports;
}

/* Steps whose success changes something for apply_step (not save, restore, policies,
 * the teardown OID): the others' end skips the call. */
static bool step_changes(vs_nic_step step)
{
    enum {
        CHANGING = 1u << VS_STEP_VPORT_CREATE | 1u << VS_STEP_PORT_CREATE |
                   1u << VS_STEP_VPORT_DELETE | 1u << VS_STEP_PORT_DELETE |
                   1u << VS_STEP_IFACE_CREATE | 1u << VS_STEP_IFACE_CONNECT |
                   1u << VS_STEP_IFACE_DISCONNECT | 1u << VS_STEP_IFACE_DELETE
    };
    return CHANGING >> step & 1u;
}

/* A validation port's deletion ends its reservations (vs_sim_check_reservations). */
static void apply_step(vs_sim *sim, vs_nic_op *op, vs_nic_step step)
{
    int ports = step_change(step, on_dst(op), &op->built);
    if (ports)
        switch_of(sim, op)->params.NumSwitchPorts += (UINT32)ports;
    if (step == VS_STEP_VPORT_DELETE)
        vs_sim_check_reservations(sim, vport_key(op->host, nic_sw(sim, op), op));
}

/* The fan-out kind of each step that is one (VS_FAN_KINDS: not a fan-out). */
static const uint8_t fan_kind_of[VS_STEP_COUNT] = {[VS_STEP_VPORT_CREATE] = VS_FAN_PORT_CREATE,
                                                   [VS_STEP_VPOLICY] = VS_FAN_POLICY_ADD,
                                                   [VS_STEP_VPORT_DELETE] = VS_FAN_PORT_DELETE,
                                                   [VS_STEP_PORT_CREATE] = VS_FAN_PORT_CREATE,
                                                   [VS_STEP_POLICY] = VS_FAN_POLICY_ADD,
                                                   [VS_STEP_SAVE] = VS_FAN_KINDS,
                                                   [VS_STEP_IFACE_CREATE] = VS_FAN_IFACE_CREATE,
                                                   [VS_STEP_IFACE_CONNECT] = VS_FAN_IFACE_CONNECT,
                                                   [VS_STEP_IFACE_DISCONNECT] =
                                                       VS_FAN_IFACE_DISCONNECT,
                                                   [VS_STEP_IFACE_DELETE] = VS_FAN_IFACE_DELETE,
                                                   [VS_STEP_PORT_TEARDOWN] = VS_FAN_KINDS,
                                                   [VS_STEP_PORT_DELETE] = VS_FAN_PORT_DELETE,
                                                   [VS_STEP_RESTORE] = VS_FAN_KINDS,
                                                   [VS_STEP_RESTORE_COMPLETE] = VS_FAN_KINDS};

/* Steps that may be taken without running them: they may not apply (an undo of what
 * was never built) or may pass (step_passes). The others (save, restore) always run. */
enum {
    MAY_SKIP = ((1u << VS_STEP_COUNT) - 1) &
               ~(1u << VS_STEP_SAVE | 1u << VS_STEP_RESTORE | 1u << VS_STEP_RESTORE_COMPLETE)
};

/* Would the current step end at once, with nothing to call and nothing to trace? Then
 * it is taken in the loop below instead of through a fan-out (a drain's callouts mostly
 * subscribe save and restore only: most port and NIC steps pass like this). */
static bool step_passes(const vs_sim *sim, const vs_nic_op *op)
{
    const vs_host *h = &sim->hosts[op->host];
    if (sim->trace || h->stack_paused)
        return false;
    if (op->step == VS_STEP_PORT_TEARDOWN)
        return true;
    unsigned kind = fan_kind_of[op->step];
    return kind < VS_FAN_KINDS && !(h->handled_kinds & 1u << kind);
}

static inline void set_row(vs_nic_op *op, uint8_t r)
{
    op->row = r;
    op->step = op->rows[r].step;
    op->stage = 0;
    op->oids_left = 0;
    op->policy = 0;
    op->group = 0;
}

/* From the current row, whose step may be taken at once: the rows after it while
 * theirs are taken at once too, as if done with ok; then the step of the row it stops
 * on runs, or the part ends. */
static void skip_rows(vs_sim *sim, vs_nic_op *op)
{
    for (;;) {
        vs_nic_step step = current_step(op);
        if (!(MAY_SKIP >> step & 1u))
            break;
        if (step_applies(op, step)) {
            if (!step_passes(sim, op))
                break;
            apply_step(sim, op, step);
        } /* else nothing to undo here: as if done */
        uint8_t next = op->rows[op->row].on_ok;
        if (next >= VS_ROW_END_OK) {
            op->done(sim, op, next == VS_ROW_END_OK);
            return;
        }
        set_row(op, next);
    }
    step_run(sim, op);
}

/* Enters row r (VS_ROW_END_*: the part ends). Inline: most rows a drain enters are
 * ends, or save and restore steps, which always run. */
static inline __attribute__((always_inline)) void enter_row(vs_sim *sim, vs_nic_op *op, uint8_t r)
{
    if (r >= VS_ROW_END_OK) {
        op->done(sim, op, r == VS_ROW_END_OK);
        return;
    }
    set_row(op, r);
    if (MAY_SKIP >> op->step & 1u)
        skip_rows(sim, op);
    else
        step_run(sim, op);
}

/* From the current row on `ok`: the next row, or the part's end. Inline: it ends every
 * step. */
static inline __attribute__((always_inline)) void advance(vs_sim *sim, vs_nic_op *op, bool ok)
{
    const vs_nic_row *row = &op->rows[op->row];
    enter_row(sim, op, ok ? row->on_ok : row->on_fail);
}

/* The current step has ended. A delete or disconnect happens whatever a callout says
 * (the docs give callouts no way to refuse one). */
static void step_end(vs_sim *sim, vs_nic_op *op, bool ok)
{
    vs_nic_step step = current_step(op);
    bool undo = step == VS_STEP_VPORT_DELETE || step == VS_STEP_PORT_DELETE ||
                step == VS_STEP_IFACE_DISCONNECT || step == VS_STEP_IFACE_DELETE;
    if ((ok || undo) && step_changes(step))
        apply_step(sim, op, step);
    advance(sim, op, ok);
}

void vs_nic_op_start(vs_sim *sim, vs_nic_op *op, vs_nic_part part, vs_nic_done_fn done)
{
    op->rows = vs__nic_parts[part].rows;
    op->part = (uint8_t)part;
    op->host = vs_nic_part_on_source(part) ? op->mig->src : op->mig->dst;
    op->done = done;
    enter_row(sim, op, 0);
}

/* ---- Parts that pass at once ---------------------------------------------------------- */

/* A part's steps that are no fan-out (OID round trips) set this bit of its kinds. */
#define PART_HAS_OID (1u << 31)

void vs_nic_ops_init(vs_sim *sim)
{
    _Static_assert(VS_PART_COUNT <= VS_NIC_PART_SLOTS, "vs_sim.nic_pass has a row per part");
    _Static_assert(VS_FAN_KINDS < 31, "fan-out kinds are bits below PART_HAS_OID");
    for (unsigned p = 0; p < VS_PART_COUNT; p++) {
        uint32_t n, kinds = 0;
        const vs_nic_row *rows = vs_nic_part_rows((vs_nic_part)p, &n);
        for (uint32_t r = 0; r < n; r++) {
            unsigned kind = fan_kind_of[rows[r].step];
            if (rows[r].step != VS_STEP_PORT_TEARDOWN) /* no WFP event, no OID cost */
                kinds |= kind < VS_FAN_KINDS ? 1u << kind : PART_HAS_OID;
        }
        sim->nic_part_kinds[p] = kinds;
        /* Every row passes with ok: walk them as skip_rows would, from each start. */
        bool dst = !vs_nic_part_on_source((vs_nic_part)p);
        for (uint8_t start = 0; start < 8; start++) {
            uint8_t built = start, vport_deletes = 0;
            int ports = 0;
            for (uint8_t r = 0; r != VS_ROW_END_OK && r != VS_ROW_END_FAILED; r = rows[r].on_ok) {
                vs_nic_step step = (vs_nic_step)rows[r].step;
                if (step_applies_to(built, step, dst)) {
                    ports += step_change(step, dst, &built);
                    vport_deletes += step == VS_STEP_VPORT_DELETE;
                }
            }
            sim->nic_pass[p][start] = (vs_nic_pass){(int8_t)ports, built, vport_deletes};
        }
    }
}

bool vs_nic_part_silent(const vs_sim *sim, uint32_t host, vs_nic_part part)
{
    const vs_host *h = &sim->hosts[host];
    uint32_t kinds = sim->nic_part_kinds[part];
    /* Not with an OID round trip (asked first: a drain's save and restore), when traced,
     * paused, or with a callout to call. */
    return !(kinds & PART_HAS_OID) && !sim->trace && !h->stack_paused &&
           !(h->handled_kinds & kinds);
}

/* Sets only what outlives the part: the switch's ports and the NIC's flags (the row and
 * step are set again by the next start). All ops are one VM's, on one host. */
void vs_nic_op_pass(vs_sim *sim, vs_nic_op *ops, uint32_t n, vs_nic_part part)
{
    if (n == 0)
        return;
    const vs_nic_pass *table = sim->nic_pass[part];
    const vs_migration *mig = ops[0].mig;
    uint32_t host = vs_nic_part_on_source(part) ? mig->src : mig->dst;
    vs_switch *switches = sim->hosts[host].switches;
    uint32_t per_host = cfg_of(sim)->topology.switches_per_host;
    /* Only a validation port's callouts make reservations: most runs have none (and a
     * check only removes some). */
    bool reserved = sim->nreservations != 0;
    if (per_host == 1 && !reserved) { /* the usual case: one switch, one sum for it */
        int32_t ports = 0;
        for (uint32_t i = 0; i < n; i++) {
            const vs_nic_pass *e = &table[ops[i].built];
            ops[i].built = e->built;
            ports += e->ports;
        }
        switches[0].params.NumSwitchPorts += (UINT32)ports;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        vs_nic_op *op = &ops[i];
        const vs_nic_pass *e = &table[op->built];
        op->built = e->built;
        if (e->ports)
            switches[op->index % per_host].params.NumSwitchPorts += (UINT32)(int32_t)e->ports;
        for (unsigned d = 0; reserved && d < e->vport_deletes; d++)
            vs_sim_check_reservations(sim, vport_key(host, op->index % per_host, op));
    }
}
