/*
 * nic_ops.c: one NIC's part of a migration, phase by phase: the NDIS save loop on the
 * source, the port, interface, policy and restore loop on the target, the cleanup on the
 * source, or the rollback on the target. Each step is a WFP fan-out or OID round trips
 * on the host's CPUs; when a NIC ends its phase it tells the migration (migration.c).
 */
#include <stdlib.h>

#include "model/migration.h"
#include "model/nic_ops.h"

/* What the combined envelope adds per callout blob: its provider GUID and length. */
#define ENVELOPE_PER_BLOB 20u

typedef enum vs_step {
    ST_SAVE_OID,          /* OID_SWITCH_NIC_SAVE #1 reaches WFP */
    ST_SAVE_FAN,          /* WFP calls every callout's save */
    ST_SAVE_MORE_OIDS,    /* a SAVE per further segment, an empty one, SAVE_COMPLETE */
    ST_PORT_CREATE,
    ST_IFACE_CREATE,
    ST_POLICY_ADD,
    ST_RESTORE_OIDS,      /* one OID_SWITCH_NIC_RESTORE per segment of a group */
    ST_RESTORE_FAN,       /* the group's blobs to their callouts' restore */
    ST_RESTORE_COMPLETE,
    ST_IFACE_CONNECT,
    ST_IFACE_DISCONNECT,
    ST_IFACE_DELETE,
    ST_PORT_DELETE,
    ST_DONE
} vs_step;

static void step_run(vs_sim *sim, vs_nic_op *op);

static const vs_config *cfg_of(const vs_sim *sim)
{
    return sim->cfg;
}

static uint32_t ceil_div(uint64_t a, uint64_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

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

/* ---- Where a step runs ------------------------------------------------------------ */

static bool on_target(const vs_nic_op *op)
{
    vs_mig_phase p = op->mig->phase;
    return p == VS_MIG_RESTORING || p == VS_MIG_ROLLBACK;
}

static vs_fanout_target target_of(const vs_sim *sim, const vs_nic_op *op)
{
    const vs_nic *nic = &sim->nics[op->nic];
    bool dst = on_target(op);
    return (vs_fanout_target){.host = dst ? op->mig->dst : op->mig->src,
                              .sw = nic->sw,
                              .port = dst ? op->dst_port : nic->port,
                              .vm = op->mig->vm,
                              .nic_index = op->index};
}

/* ---- Ending steps and phases ---------------------------------------------------------- */

static void finish_phase(vs_sim *sim, vs_nic_op *op)
{
    op->step = ST_DONE;
    vs_migration_nic_done(sim, op->mig);
}

/* The next step of the phase; some are skipped for what this NIC did or did not do. */
static void step_next(vs_sim *sim, vs_nic_op *op)
{
    switch (op->step) {
    case ST_SAVE_MORE_OIDS:
    case ST_IFACE_CONNECT:
    case ST_PORT_DELETE:
        finish_phase(sim, op);
        return;
    case ST_POLICY_ADD:
        op->group = 0;
        op->step = group_count(sim, op) ? ST_RESTORE_OIDS : ST_RESTORE_COMPLETE;
        break;
    case ST_RESTORE_FAN:
        op->step = ++op->group < group_count(sim, op) ? ST_RESTORE_OIDS : ST_RESTORE_COMPLETE;
        break;
    default:
        op->step++;
    }
    step_run(sim, op);
}

static void record_save(vs_sim *sim, vs_nic_op *op, const vs_fanout *fan, bool ok)
{
    vs_seq_counts *c = &sim->stats.saves;
    vs_stats_latency(&sim->stats, VS_LAT_SAVE, op->mig->src, vs_sim_now(sim) - op->seq_started);
    vs_level_add(&sim->stats.saves_in_flight, vs_sim_now(sim), -1);
    c->pended += fan->pended;
    if (ok)
        c->completed++;
    else
        c->failed++;
    c->timed_out += fan->timed_out;
}

static void record_restore(vs_sim *sim, vs_nic_op *op, bool ok)
{
    vs_seq_counts *c = &sim->stats.restores;
    vs_stats_latency(&sim->stats, VS_LAT_RESTORE, op->mig->dst,
                     vs_sim_now(sim) - op->seq_started);
    c->pended += op->fan.pended;
    if (ok)
        c->completed++;
    else
        c->failed++;
    c->timed_out += op->fan.timed_out;
}

/* ---- OID round trips ---------------------------------------------------------------- */

static void on_oid_done(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    vs_nic_op *op = (vs_nic_op *)(uintptr_t)arg;
    if (--op->oids_left > 0) {
        step_run(sim, op); /* the loop issues the OID again */
        return;
    }
    if (op->step == ST_SAVE_MORE_OIDS) {
        record_save(sim, op, &op->fan, true);
        vs_hist_record(&sim->stats.oids_per_save, 1 + (op->segments ? op->segments + 1 : 1));
    }
    else if (op->step == ST_RESTORE_COMPLETE)
        record_restore(sim, op, true);
    step_next(sim, op);
}

/* One OID round trip through the extension stack, on a host CPU for ndis.oid_cost. */
static vs_time_t oid_on_cpu(vs_sim *sim, void *ctx, uint64_t arg)
{
    vs_nic_op *op = ctx;
    vs_time_t cost = cfg_of(sim)->ndis.oid_cost;
    if (on_target(op))
        sim->stats.restore_oids++;
    else
        sim->stats.save_oids++;
    if (cost == 0)
        on_oid_done(sim->engine, sim, (uint64_t)(uintptr_t)op);
    else
        vs_engine_schedule(sim->engine, cost, on_oid_done, sim, (uint64_t)(uintptr_t)op);
    return cost;
}

static void issue_oids(vs_sim *sim, vs_nic_op *op, uint32_t count)
{
    op->oids_left = count;
    step_run(sim, op);
}

/* ---- Fan-outs ------------------------------------------------------------------------ */

/* After the save callbacks: how many segments the state takes, and whether it fits. */
static bool plan_segments(vs_sim *sim, vs_nic_op *op)
{
    op->segments = 0;
    for (uint32_t g = 0; g < group_count(sim, op); g++)
        op->segments += group_segments(sim, op, g);
    sim->stats.segments += op->segments;
    op->mig->state_bytes += op->state.nbytes;
    /* Combined state over one segment: nobody's bug, but "fail" does not split it. */
    return !(cfg_of(sim)->wfp.segments == VS_SEGMENTS_COMBINED && op->segments > 1 &&
             cfg_of(sim)->ndis.oversize == VS_OVERSIZE_FAIL);
}

static void on_fan_done(vs_sim *sim, vs_fanout *fan)
{
    vs_nic_op *op = fan->owner;
    bool ok = fan->status == STATUS_SUCCESS;
    if (op->step == ST_SAVE_FAN && ok && !plan_segments(sim, op)) {
        sim->stats.oversized_states++;
        ok = false;
    }
    if (op->step == ST_PORT_CREATE && ok)
        op->port_created = true;
    if (op->step == ST_IFACE_CREATE && ok)
        op->iface_created = true;
    if (ok || op->mig->phase == VS_MIG_CLEANUP || op->mig->phase == VS_MIG_ROLLBACK) {
        step_next(sim, op); /* cleanup goes on whatever a callout says */
        return;
    }
    if (op->step == ST_SAVE_FAN)
        record_save(sim, op, fan, false);
    else if (op->mig->phase == VS_MIG_RESTORING)
        record_restore(sim, op, false);
    op->mig->failed = true;
    finish_phase(sim, op);
}

static void start_fan(vs_sim *sim, vs_nic_op *op, vs_fanout_kind kind)
{
    vs_fanout_target where = target_of(sim, op);
    op->fan.owner = op;
    op->fan.state = &op->state;
    if (kind == VS_FAN_RESTORE) {
        bool per_callout = cfg_of(sim)->wfp.segments == VS_SEGMENTS_PER_CALLOUT;
        op->fan.first_blob = per_callout ? op->group : 0;
        op->fan.total = per_callout ? 1 : op->state.nblobs;
    }
    vs_fanout_start(sim, &op->fan, kind, &where, on_fan_done);
}

/* ---- The steps ----------------------------------------------------------------------- */

static void step_run(vs_sim *sim, vs_nic_op *op)
{
    static const vs_fanout_kind fan_of[] = {
        [ST_SAVE_FAN] = VS_FAN_SAVE, [ST_PORT_CREATE] = VS_FAN_PORT_CREATE,
        [ST_IFACE_CREATE] = VS_FAN_IFACE_CREATE, [ST_POLICY_ADD] = VS_FAN_POLICY_ADD,
        [ST_RESTORE_FAN] = VS_FAN_RESTORE, [ST_IFACE_CONNECT] = VS_FAN_IFACE_CONNECT,
        [ST_IFACE_DISCONNECT] = VS_FAN_IFACE_DISCONNECT, [ST_IFACE_DELETE] = VS_FAN_IFACE_DELETE,
        [ST_PORT_DELETE] = VS_FAN_PORT_DELETE};
    switch (op->step) {
    case ST_SAVE_OID:
    case ST_SAVE_MORE_OIDS:
    case ST_RESTORE_OIDS:
    case ST_RESTORE_COMPLETE:
        if (op->oids_left == 0) { /* entering the step: how many round trips it takes */
            uint32_t n = op->step == ST_SAVE_MORE_OIDS ? (op->segments ? op->segments + 1 : 1)
                         : op->step == ST_RESTORE_OIDS  ? group_segments(sim, op, op->group)
                                                        : 1;
            issue_oids(sim, op, n);
            return;
        }
        vs_cpu_submit(sim, on_target(op) ? op->mig->dst : op->mig->src, oid_on_cpu, op, 0);
        return;
    case ST_DONE:
        return;
    default:
        start_fan(sim, op, fan_of[op->step]);
    }
}

/* ---- Starting a phase ------------------------------------------------------------------ */

void vs_nic_op_save(vs_sim *sim, vs_nic_op *op)
{
    vs_state_reset(&op->state);
    op->segments = 0;
    op->oids_left = 0;
    op->port_created = op->iface_created = false;
    op->seq_started = vs_sim_now(sim);
    sim->stats.saves.issued++;
    vs_level_add(&sim->stats.saves_in_flight, op->seq_started, +1);
    op->step = ST_SAVE_OID;
    step_run(sim, op);
}

void vs_nic_op_restore(vs_sim *sim, vs_nic_op *op, NDIS_SWITCH_PORT_ID port)
{
    op->dst_port = port;
    op->oids_left = 0;
    op->seq_started = vs_sim_now(sim);
    sim->stats.restores.issued++;
    op->step = ST_PORT_CREATE;
    step_run(sim, op);
}

void vs_nic_op_cleanup(vs_sim *sim, vs_nic_op *op)
{
    op->oids_left = 0;
    op->step = ST_IFACE_DISCONNECT;
    step_run(sim, op);
}

void vs_nic_op_rollback(vs_sim *sim, vs_nic_op *op)
{
    op->oids_left = 0;
    if (op->iface_created)
        op->step = ST_IFACE_DELETE;
    else if (op->port_created)
        op->step = ST_PORT_DELETE;
    else {
        finish_phase(sim, op);
        return;
    }
    step_run(sim, op);
}
