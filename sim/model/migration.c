/*
 * migration.c: a VM's migration or local save/restore through its phases, the
 * per-host migration slots it waits for, where it goes, and what the report counts.
 */
#include "model/migration.h"

#include <stddef.h>
#include <stdlib.h>

#include "engine/dist.h"
#include "model/nic_ops.h"

static void start_phase(vs_sim *sim, vs_migration *mig, vs_mig_phase phase);

/* ---- Records ----------------------------------------------------------------------
 *
 * A migration record is small; its NIC operations come from a separate pool only while
 * it runs. A drain queues tens of thousands of migrations at once and only those with
 * slots need NIC operations. A set goes back to its pool with its state buffers, so
 * steady state allocates nothing.
 */

typedef struct vs_nic_set {
    void *pool_link; /* the pool's free list writes here, not over the operations */
    uint32_t count;
    vs_nic_op ops[];
} vs_nic_set;

static vs_nic_set *set_of(vs_nic_op *ops)
{
    return (vs_nic_set *)(void *)((char *)ops - offsetof(vs_nic_set, ops));
}

static void attach_nic_ops(vs_sim *sim, vs_migration *mig)
{
    vs_nic_set *set = vs_pool_get(&sim->nic_sets);
    if (!set)
        abort(); /* out of memory mid-run */
    set->count = sim->cfg->topology.nics_per_vm;
    for (uint32_t i = 0; i < set->count; i++)
        set->ops[i].mig = mig;
    mig->nics = set->ops;
    mig->nnics = set->count;
}

static void detach_nic_ops(vs_sim *sim, vs_migration *mig)
{
    if (!mig->nics)
        return;
    vs_pool_put(&sim->nic_sets, set_of(mig->nics));
    mig->nics = NULL;
}

static void free_nic_set(void *item)
{
    vs_nic_set *set = item;
    for (uint32_t i = 0; i < set->count; i++)
        vs_state_close(&set->ops[i].state);
}

int vs_migration_init(vs_sim *sim)
{
    vs_pool_init(&sim->migrations, sizeof(vs_migration), 256);
    vs_pool_init(&sim->nic_sets, sizeof(vs_nic_set) +
                 sim->cfg->topology.nics_per_vm * sizeof(vs_nic_op), 64);
    sim->starved_head = sim->starved_tail = VS_NO_HOST;
    uint32_t hosts = sim->cfg->topology.hosts;
    if (vs_targets_init(&sim->targets, hosts) != 0)
        return -1;
    for (uint32_t h = 0; h < hosts; h++)
        vs_migration_host_changed(sim, h);
    return 0;
}

void vs_migration_close(vs_sim *sim)
{
    vs_pool_foreach(&sim->nic_sets, free_nic_set);
    vs_pool_close(&sim->nic_sets);
    vs_pool_close(&sim->migrations);
    vs_targets_close(&sim->targets);
}

/* ---- Placement -------------------------------------------------------------------- */

static bool can_take(const vs_sim *sim, uint32_t host)
{
    return sim->hosts[host].slots_used < sim->cfg->migration.max_per_host;
}

void vs_migration_host_changed(vs_sim *sim, uint32_t host)
{
    const vs_host *h = &sim->hosts[host];
    vs_targets_update(&sim->targets, host, !h->draining && can_take(sim, host),
                        h->vms_here + h->incoming);
}

/* The target a migration is bound to (a trace row's, or migration.target_host), or
 * VS_ANY_HOST when the placement policy chooses. */
static uint32_t bound_target(const vs_sim *sim, const vs_migration *mig)
{
    if (mig->op == VS_OP_LOCAL_SAVE_RESTORE)
        return VS_ANY_HOST;
    if (mig->target_hint == VS_ANY_HOST && sim->cfg->migration.placement == VS_PLACE_FIXED)
        return sim->cfg->migration.target_host;
    return mig->target_hint;
}

/* A target that can take the migration now, or VS_ANY_HOST if none can yet. Least
 * loaded: the fewest VMs, counting those on their way, ties to the lowest index. */
static uint32_t pick_target(vs_sim *sim, const vs_migration *mig)
{
    if (mig->op == VS_OP_LOCAL_SAVE_RESTORE)
        return mig->src;
    uint32_t want = bound_target(sim, mig);
    if (want != VS_ANY_HOST)
        return can_take(sim, want) ? want : VS_ANY_HOST;
    if (sim->cfg->migration.placement == VS_PLACE_RANDOM)
        return vs_targets_random(&sim->targets, mig->src, &sim->placement_rng);
    return vs_targets_least_loaded(&sim->targets, mig->src);
}

/* ---- Slots ------------------------------------------------------------------------- */

static void take_slot(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    if (++h->slots_used > h->slots_peak)
        h->slots_peak = h->slots_used;
    vs_migration_host_changed(sim, host);
}

static void start_migration(vs_sim *sim, vs_migration *mig, uint32_t dst)
{
    mig->dst = dst;
    mig->started = vs_sim_now(sim);
    attach_nic_ops(sim, mig);
    vs_stats_latency(&sim->stats, VS_LAT_SLOT_WAIT, mig->src, mig->started - mig->arrived);
    if (mig->op == VS_OP_LOCAL_SAVE_RESTORE) {
        sim->stats.local.started++;
        start_phase(sim, mig, VS_MIG_SAVING);
        return;
    }
    sim->hosts[dst].incoming++;
    take_slot(sim, mig->src);
    take_slot(sim, dst);
    sim->stats.migrations.started++;
    vs_level_add(&sim->stats.migrations_in_flight, mig->started, +1);
    start_phase(sim, mig, VS_MIG_PRECOPY);
}

/* ---- Waiting for slots ------------------------------------------------------------------
 *
 * A migration waits in its source's FIFO until the source has a free slot and a target
 * can take it. A source waits for one of two things. Its own slot: then only the end of
 * one of its migrations can start the next, and finish() serves it. Or a target: then it
 * is "starved", in a FIFO of such hosts that finish() walks when targets free up. Each
 * event thus looks at the hosts it concerns, not at every host with waiters.
 */

/* Its first waiter could start but found no target. */
static bool is_starved(const vs_sim *sim, uint32_t host)
{
    return sim->hosts[host].wait_head && can_take(sim, host);
}

static void starved_add(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    if (h->starved)
        return;
    h->starved = true;
    h->next_starved = VS_NO_HOST;
    if (sim->starved_tail == VS_NO_HOST)
        sim->starved_head = host;
    else
        sim->hosts[sim->starved_tail].next_starved = host;
    sim->starved_tail = host;
}

/* Starts what waits with `host` as source while slots allow, in arrival order. A head
 * that has no target yet blocks those behind it on the same source. */
static void start_from(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    while (h->wait_head && can_take(sim, host)) {
        vs_migration *mig = h->wait_head;
        uint32_t dst = pick_target(sim, mig);
        if (dst == VS_ANY_HOST)
            break;
        h->wait_head = mig->next;
        if (!h->wait_head)
            h->wait_tail = NULL;
        sim->targeted_waiting -= bound_target(sim, mig) != VS_ANY_HOST;
        start_migration(sim, mig, dst);
    }
    if (is_starved(sim, host))
        starved_add(sim, host);
}

/* Could a starved host start something now? Not while no host is eligible as a target,
 * unless some waiter is bound to a target, which needs only a slot there. */
static bool targets_free(const vs_sim *sim)
{
    return vs_targets_eligible(&sim->targets) > 0 || sim->targeted_waiting > 0;
}

/* Retries the starved hosts in the order they starved; those no longer starved leave. */
static void serve_starved(vs_sim *sim)
{
    uint32_t *link = &sim->starved_head, prev = VS_NO_HOST;
    while (*link != VS_NO_HOST && targets_free(sim)) {
        uint32_t host = *link;
        vs_host *h = &sim->hosts[host];
        start_from(sim, host);
        if (is_starved(sim, host)) {
            prev = host;
            link = &h->next_starved;
            continue;
        }
        h->starved = false;
        *link = h->next_starved;
        if (*link == VS_NO_HOST)
            sim->starved_tail = prev;
    }
}

/* The VM is free: its operation waits for slots (local ones need none). */
static void admit(vs_sim *sim, vs_migration *mig)
{
    vs_vm *vm = &sim->vms[mig->vm];
    vm->busy = true;
    mig->src = vm->host;
    mig->phase = VS_MIG_WAITING;
    if (mig->op == VS_OP_LOCAL_SAVE_RESTORE) {
        start_migration(sim, mig, mig->src);
        return;
    }
    vs_host *h = &sim->hosts[mig->src];
    mig->next = NULL;
    if (h->wait_tail)
        h->wait_tail->next = mig;
    else
        h->wait_head = mig;
    h->wait_tail = mig;
    sim->targeted_waiting += bound_target(sim, mig) != VS_ANY_HOST;
    start_from(sim, mig->src);
}

int vs_migration_request(vs_sim *sim, uint32_t vm_index, uint32_t target, vs_operation op,
                         bool from_closed)
{
    vs_migration *mig = vs_pool_get(&sim->migrations);
    if (!mig)
        return -1;
    *mig = (vs_migration){.vm = vm_index, .target_hint = target, .op = op,
                          .from_closed = from_closed, .arrived = vs_sim_now(sim)};
    vs_vm *vm = &sim->vms[vm_index];
    if (!vm->busy) {
        admit(sim, mig);
        return 0;
    }
    /* One operation at a time per VM, as one save sequence at a time per NIC. */
    mig->phase = VS_MIG_QUEUED;
    sim->stats.operations_queued++;
    if (vm->queue_tail)
        vm->queue_tail->next = mig;
    else
        vm->queue_head = mig;
    vm->queue_tail = mig;
    return 0;
}

/* ---- Phases ------------------------------------------------------------------------ */

static void on_phase_timer(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_migration_nic_done(ctx, (vs_migration *)(uintptr_t)arg);
}

static void on_blackout_timeout(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_migration *mig = (vs_migration *)(uintptr_t)arg;
    mig->timeout = 0;
    /* Work under way finishes (or its pend times out); then the migration rolls back. */
    mig->failed = mig->timed_out = true;
}

static void after(vs_sim *sim, vs_migration *mig, vs_time_t delay)
{
    mig->waiting++;
    vs_engine_schedule(sim->engine, delay, on_phase_timer, sim, (uint64_t)(uintptr_t)mig);
}

static vs_time_t transfer_time(vs_sim *sim, vs_migration *mig)
{
    vs_vm *vm = &sim->vms[mig->vm];
    double bytes_ns = (double)mig->state_bytes * 1e9 / sim->cfg->migration.bandwidth_bytes_per_s;
    return (vs_time_t)(bytes_ns + 0.5) + vs_dist_sample(&sim->cfg->migration.latency, &vm->rng);
}

/* Fault injection: one bit of a NIC's saved state flips on its way to the target. */
static void maybe_corrupt(vs_sim *sim, vs_nic_op *op)
{
    double p = sim->cfg->faults.corrupt_restore_probability;
    if (p <= 0 || op->state.nbytes == 0 || vs_rng_uniform01(&sim->fault_rng) >= p)
        return;
    uint64_t bit = vs_rng_below(&sim->fault_rng, (uint64_t)op->state.nbytes * 8);
    op->state.bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    vs_state_mark_injected(&op->state, (size_t)(bit / 8));
    sim->stats.corrupted_in_transfer++;
}

static void start_saving(vs_sim *sim, vs_migration *mig)
{
    vs_vm *vm = &sim->vms[mig->vm];
    uint32_t n = sim->cfg->topology.nics_per_vm;
    mig->blackout_started = vs_sim_now(sim);
    mig->state_bytes = 0;
    mig->timeout = vs_engine_schedule(sim->engine, sim->cfg->migration.timeout,
                                      on_blackout_timeout, sim, (uint64_t)(uintptr_t)mig);
    /* The rest of the blackout's work (last dirty pages, device state) runs alongside. */
    after(sim, mig, vs_dist_sample(&sim->cfg->migration.pause, &vm->rng));
    mig->waiting += n;
    for (uint32_t i = 0; i < n; i++) {
        mig->nics[i].nic = mig->vm * n + i;
        mig->nics[i].index = i;
        vs_nic_op_save(sim, &mig->nics[i]);
    }
}

static void start_restoring(vs_sim *sim, vs_migration *mig)
{
    uint32_t n = sim->cfg->topology.nics_per_vm;
    mig->waiting += n;
    for (uint32_t i = 0; i < n; i++) {
        vs_nic_op *op = &mig->nics[i];
        vs_switch *sw = &sim->hosts[mig->dst].switches[sim->nics[op->nic].sw];
        maybe_corrupt(sim, op);
        /* The target switch gives the NIC a new port; its PortId may differ. */
        sw->params.NumSwitchPorts++;
        vs_nic_op_restore(sim, op, sw->next_port_id++);
    }
}

static void for_each_nic(vs_sim *sim, vs_migration *mig, void (*fn)(vs_sim *, vs_nic_op *))
{
    uint32_t n = sim->cfg->topology.nics_per_vm;
    mig->waiting += n;
    for (uint32_t i = 0; i < n; i++)
        fn(sim, &mig->nics[i]);
}

static void start_phase(vs_sim *sim, vs_migration *mig, vs_mig_phase phase)
{
    vs_vm *vm = &sim->vms[mig->vm];
    mig->phase = phase;
    mig->waiting = 0;
    switch (phase) {
    case VS_MIG_PRECOPY:
        after(sim, mig, vs_dist_sample(&sim->cfg->migration.precopy, &vm->rng));
        break;
    case VS_MIG_SAVING:
        start_saving(sim, mig);
        break;
    case VS_MIG_TRANSFER:
        after(sim, mig, transfer_time(sim, mig));
        break;
    case VS_MIG_DISK:
        after(sim, mig, vs_dist_sample(&sim->cfg->migration.disk_time, &vm->rng));
        break;
    case VS_MIG_RESTORING:
        start_restoring(sim, mig);
        break;
    case VS_MIG_CLEANUP:
        for_each_nic(sim, mig, vs_nic_op_cleanup);
        break;
    case VS_MIG_ROLLBACK:
        for_each_nic(sim, mig, vs_nic_op_rollback);
        break;
    default:
        break;
    }
}

/* ---- The end ------------------------------------------------------------------------ */

static void record_end(vs_sim *sim, vs_migration *mig, bool ok)
{
    vs_time_t now = vs_sim_now(sim);
    bool local = mig->op == VS_OP_LOCAL_SAVE_RESTORE;
    vs_op_counts *c = local ? &sim->stats.local : &sim->stats.migrations;
    if (ok) {
        c->completed++;
        vs_stats_latency(&sim->stats, VS_LAT_MIGRATION, mig->src, now - mig->started);
    } else {
        c->failed++;
        c->timed_out += mig->timed_out;
    }
    if (!local)
        vs_level_add(&sim->stats.migrations_in_flight, now, -1);
}

/* The VM moves: its NICs now sit on the ports the restore created. */
static void move_vm(vs_sim *sim, vs_migration *mig)
{
    uint32_t n = sim->cfg->topology.nics_per_vm;
    sim->vms[mig->vm].host = mig->dst;
    sim->hosts[mig->src].vms_here--;
    sim->hosts[mig->dst].vms_here++;
    for (uint32_t i = 0; i < n; i++)
        sim->nics[mig->nics[i].nic].port = mig->nics[i].dst_port;
}

/* Ports the operation deleted: the source's after a move or a local save, the target's
 * after a rollback. */
static void count_deleted_ports(vs_sim *sim, vs_migration *mig, bool ok)
{
    for (uint32_t i = 0; i < mig->nnics; i++) {
        const vs_nic_op *op = &mig->nics[i];
        uint16_t sw = sim->nics[op->nic].sw;
        if (ok || mig->op == VS_OP_LOCAL_SAVE_RESTORE)
            sim->hosts[mig->src].switches[sw].params.NumSwitchPorts--;
        else if (op->port_created)
            sim->hosts[mig->dst].switches[sw].params.NumSwitchPorts--;
    }
}

static void finish(vs_sim *sim, vs_migration *mig)
{
    bool ok = !mig->failed;
    if (mig->phase != VS_MIG_SAVING) /* a failed save created and deleted nothing */
        count_deleted_ports(sim, mig, ok);
    vs_vm *vm = &sim->vms[mig->vm];
    if (mig->timeout)
        vs_engine_cancel(sim->engine, mig->timeout);
    if (mig->op == VS_OP_MIGRATE) {
        sim->hosts[mig->src].slots_used--;
        sim->hosts[mig->dst].slots_used--;
        sim->hosts[mig->dst].incoming--;
        if (ok) {
            move_vm(sim, mig);
            sim->hosts[mig->src].migrations_out++;
            sim->hosts[mig->dst].migrations_in++;
        }
        vs_migration_host_changed(sim, mig->src);
        vs_migration_host_changed(sim, mig->dst);
    } else if (mig->phase != VS_MIG_SAVING) { /* local: the NICs came back on new ports */
        for (uint32_t i = 0; i < sim->cfg->topology.nics_per_vm; i++)
            sim->nics[mig->nics[i].nic].port = mig->nics[i].dst_port;
    }
    record_end(sim, mig, ok);
    vs_workload_operation_done(sim, mig, ok);
    vm->busy = false;
    vs_migration *next = vm->queue_head;
    if (next) {
        vm->queue_head = next->next;
        if (!vm->queue_head)
            vm->queue_tail = NULL;
    }
    uint32_t src = mig->src, dst = mig->dst;
    bool migrated = mig->op == VS_OP_MIGRATE;
    detach_nic_ops(sim, mig);
    vs_pool_put(&sim->migrations, mig);
    if (next)
        admit(sim, next);
    if (migrated) { /* a slot freed on both hosts: each may start its own next, then
                     * the hosts that waited for a target get their turn */
        start_from(sim, src);
        start_from(sim, dst);
        serve_starved(sim);
    }
}

/* The VM runs again, on the target or (after a failure) still on the source. */
static void resume(vs_sim *sim, vs_migration *mig)
{
    if (mig->timeout) {
        vs_engine_cancel(sim->engine, mig->timeout);
        mig->timeout = 0;
    }
    if (!mig->failed)
        vs_stats_latency(&sim->stats, VS_LAT_BLACKOUT, mig->src,
                       vs_sim_now(sim) - mig->blackout_started);
}

/* What follows a phase whose every part has ended. */
static void phase_over(vs_sim *sim, vs_migration *mig)
{
    bool local = mig->op == VS_OP_LOCAL_SAVE_RESTORE;
    switch (mig->phase) {
    case VS_MIG_PRECOPY:
        start_phase(sim, mig, VS_MIG_SAVING);
        return;
    case VS_MIG_SAVING:
        if (mig->failed) {
            resume(sim, mig); /* nothing reached the target: the VM goes on at the source */
            finish(sim, mig);
            return;
        }
        start_phase(sim, mig, local ? VS_MIG_CLEANUP : VS_MIG_TRANSFER);
        return;
    case VS_MIG_TRANSFER:
    case VS_MIG_DISK:
        start_phase(sim, mig, VS_MIG_RESTORING);
        return;
    case VS_MIG_RESTORING:
        resume(sim, mig);
        if (local || !mig->failed) {
            if (local)
                finish(sim, mig);
            else
                start_phase(sim, mig, VS_MIG_CLEANUP);
            return;
        }
        start_phase(sim, mig, VS_MIG_ROLLBACK);
        return;
    case VS_MIG_CLEANUP:
        if (local)
            start_phase(sim, mig, VS_MIG_DISK);
        else
            finish(sim, mig);
        return;
    default: /* rollback */
        finish(sim, mig);
    }
}

void vs_migration_nic_done(vs_sim *sim, vs_migration *mig)
{
    if (--mig->waiting == 0)
        phase_over(sim, mig);
}
