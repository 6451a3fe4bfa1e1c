/*
 * migration.c: a VM's migration, local save/restore or power-on: the per-host migration
 * slots it waits for, where it goes, the states of its flow's table (sequence.c) one
 * after the other, and what the report counts of how it ended.
 */
#include "model/migration.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "model/nic_ops.h"
#include "model/precopy.h"

static void raise_event(vs_sim *sim, vs_migration *mig);

/* ---- Records ----------------------------------------------------------------------
 *
 * A migration record is small; its NIC operations come from a separate pool only while
 * it runs. A drain queues tens of thousands of migrations at once and only those with
 * slots need NIC operations. A set goes back to its pool with its state buffers, so
 * steady state allocates nothing.
 */

/* A drain holds one record per VM it moves: keep them small (migration.h). */
_Static_assert(sizeof(vs_migration) <= 48, "vs_migration grew past 48 bytes");

static int attach_run(vs_sim *sim, vs_migration *mig)
{
    vs_mig_run *run = vs_pool_get(&sim->runs);
    if (!run)
        return -1;
    uint32_t n = sim->cfg->topology.nics_per_vm;
    run->waiting = run->ntried = 0;
    run->rows = vs_flow_row(mig->flow, 0);
    run->tried = NULL;
    run->state_started = 0;
    memset(run->blackout, 0, sizeof run->blackout);
    run->timeout = 0;
    run->state_bytes = 0;
    run->nnics = n;
    for (uint32_t i = 0; i < n; i++) {
        run->nics[i].mig = mig;
        run->nics[i].nic = mig->vm * n + i;
        run->nics[i].index = i;
    }
    mig->run = run;
    return 0;
}

static void detach_run(vs_sim *sim, vs_migration *mig)
{
    if (!mig->run)
        return;
    free(mig->run->tried);
    vs_pool_put(&sim->runs, mig->run);
    mig->run = NULL;
}

static void free_run(void *item)
{
    vs_mig_run *run = item;
    for (uint32_t i = 0; i < run->nnics; i++)
        vs_state_close(&run->nics[i].state);
}

static void on_timer(vs_engine *eng, void *ctx, uint64_t arg);
static void prefetch_timer(void *ctx, uint64_t arg);

int vs_migration_init(vs_sim *sim)
{
    vs_pool_init(&sim->migrations, sizeof(vs_migration), 256);
    vs_pool_init(&sim->runs,
                 sizeof(vs_mig_run) + sim->cfg->topology.nics_per_vm * sizeof(vs_nic_op), 64);
    sim->starved_head = sim->starved_tail = VS_NO_HOST;
    if (!vs_engine_prefetch_for(sim->engine, on_timer, prefetch_timer) || !vs_nic_ops_prefetch(sim))
        return -1;
    uint32_t hosts = sim->cfg->topology.hosts;
    if (vs_targets_init(&sim->targets, hosts, sim->cfg->migration.placement == VS_PLACE_RANDOM) !=
        0)
        return -1;
    for (uint32_t h = 0; h < hosts; h++)
        vs_migration_host_changed(sim, h);
    return 0;
}

void vs_migration_close(vs_sim *sim)
{
    vs_pool_foreach(&sim->runs, free_run)
        ;
    vs_pool_close(&sim->runs);
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
    if (mig->op != VS_OP_MIGRATE)
        return mig->src;
    uint32_t want = bound_target(sim, mig);
    if (want != VS_ANY_HOST)
        return can_take(sim, want) && !mig->run ? want : VS_ANY_HOST;
    /* Destinations that refused it are out of the index while it chooses. */
    uint32_t ntried = mig->run ? mig->run->ntried : 0;
    for (uint32_t i = 0; i < ntried; i++)
        vs_targets_update(&sim->targets, mig->run->tried[i], false, 0);
    uint32_t dst = sim->cfg->migration.placement == VS_PLACE_RANDOM
                       ? vs_targets_random(&sim->targets, mig->src, &sim->placement_rng)
                       : vs_targets_least_loaded(&sim->targets, mig->src);
    for (uint32_t i = 0; i < ntried; i++)
        vs_migration_host_changed(sim, mig->run->tried[i]);
    return dst;
}

/* ---- Slots ------------------------------------------------------------------------- */

/* The host's migrations at once, integrated over time: a migration's mean of it is
 * the difference over its life, divided by its length. */
static void slots_settle(vs_sim *sim, vs_host *h)
{
    vs_time_t now = vs_sim_now(sim);
    /* Signed: the same value (times fit), converted in one instruction. */
    h->slot_area += (double)h->slots_used * (double)(int64_t)(now - h->slot_since);
    h->slot_since = now;
}

void vs_migration_slot_totals(vs_sim *sim, vs_time_t now, double *total)
{
    for (uint32_t i = 0; i < sim->cfg->topology.hosts; i++) {
        const vs_host *h = &sim->hosts[i];
        total[i] = h->slot_area + (double)h->slots_used * (double)(now - h->slot_since);
    }
}

static void take_slot(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    slots_settle(sim, h);
    if (++h->slots_used > h->slots_peak)
        h->slots_peak = h->slots_used;
    vs_migration_host_changed(sim, host);
}

static vs_op_counts *counts_of(vs_sim *sim, const vs_migration *mig)
{
    return mig->op == VS_OP_MIGRATE              ? &sim->stats.migrations
           : mig->op == VS_OP_LOCAL_SAVE_RESTORE ? &sim->stats.local
                                                 : &sim->stats.starts;
}

/* Slots taken (or none needed): the flow's first state after WAITING. A retry after a
 * refusal comes back here with another destination and counts once. */
static void start_migration(vs_sim *sim, vs_migration *mig, uint32_t dst)
{
    bool retry = mig->run != NULL; /* a retry keeps what it ran with */
    mig->dst = dst;
    if (!retry && attach_run(sim, mig) != 0)
        return vs_sim_out_of_memory(sim); /* it stays waiting: the run stops */
    if (!retry) {
        mig->run->started = vs_sim_now(sim);
        vs_stats_latency(&sim->stats, VS_LAT_SLOT_WAIT, mig->src, mig->run->started - mig->arrived);
        counts_of(sim, mig)->started++;
    }
    if (mig->op == VS_OP_MIGRATE) {
        sim->hosts[dst].incoming++;
        take_slot(sim, mig->src);
        take_slot(sim, dst);
        if (!retry)
            mig->run->slot_area = sim->hosts[mig->src].slot_area;
        if (!retry)
            vs_level_add(&sim->stats.migrations_in_flight, mig->run->started, +1);
    }
    raise_event(sim, mig); /* WAITING ends well */
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
static __attribute__((noinline)) void start_waiting(vs_sim *sim, uint32_t host)
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
        vs_level_add(&sim->stats.migrations_waiting, vs_sim_now(sim), -1);
        sim->targeted_waiting -= bound_target(sim, mig) != VS_ANY_HOST;
        start_migration(sim, mig, dst);
    }
    if (is_starved(sim, host))
        starved_add(sim, host);
}

/* Most calls find nothing waiting (a destination's, every call in a run without a drain
 * backlog): they make no call. */
static inline void start_from(vs_sim *sim, uint32_t host)
{
    if (sim->hosts[host].wait_head)
        start_waiting(sim, host);
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

/* The VM is free: its operation waits for slots (local ones and power-ons need none). */
static void admit(vs_sim *sim, vs_migration *mig)
{
    vs_vm *vm = &sim->vms[mig->vm];
    vm->busy = true;
    mig->src = vm->host;
    mig->state = VS_MIG_WAITING;
    vs_sim_timeline(sim, VS_TL_STATE, mig->src, 0, mig);
    if (mig->op != VS_OP_MIGRATE) {
        start_migration(sim, mig, mig->src);
        return;
    }
    vs_host *h = &sim->hosts[mig->src];
    mig->next = NULL;
    if (mig->run) { /* a retry goes first: it held its slot a moment ago */
        mig->next = h->wait_head;
        h->wait_head = mig;
        if (!h->wait_tail)
            h->wait_tail = mig;
    } else {
        if (h->wait_tail)
            h->wait_tail->next = mig;
        else
            h->wait_head = mig;
        h->wait_tail = mig;
    }
    sim->targeted_waiting += bound_target(sim, mig) != VS_ANY_HOST;
    vs_level_add(&sim->stats.migrations_waiting, vs_sim_now(sim), +1);
    start_from(sim, mig->src);
}

int vs_migration_request(vs_sim *sim, uint32_t vm_index, uint32_t target, vs_operation op,
                         bool from_closed)
{
    vs_migration *mig = vs_pool_get(&sim->migrations);
    if (!mig)
        return -1;
    *mig = (vs_migration){.vm = vm_index,
                          .target_hint = target,
                          .op = op,
                          .flow = (uint8_t)vs_flow_of(op, sim->cfg->migration.sequence),
                          .from_closed = from_closed,
                          .arrived = vs_sim_now(sim)};
    vs_vm *vm = &sim->vms[vm_index];
    if (vm->off && op != VS_OP_POWER_ON) { /* nothing to save or move */
        sim->stats.skipped_vm_off++;
        if (sim->operation_done)
            sim->operation_done(sim, mig, false);
        vs_pool_put(&sim->migrations, mig);
        return 0;
    }
    if (!vm->busy) {
        admit(sim, mig);
        return 0;
    }
    /* One operation at a time per VM, as one save sequence at a time per NIC. */
    vs_vm_ext *ext = vs_vm_ext_of(sim, vm_index);
    if (!ext) {
        vs_pool_put(&sim->migrations, mig);
        return -1;
    }
    mig->state = VS_MIG_QUEUED;
    sim->stats.operations_queued++;
    if (ext->queue_tail)
        ext->queue_tail->next = mig;
    else
        ext->queue_head = mig;
    ext->queue_tail = mig;
    return 0;
}

/* ---- Parts of a state ---------------------------------------------------------------
 *
 * A state's work is its parts: one per NIC, or a timer. Each part reports back once;
 * when none is left the state ends with ok, or failed if any part failed.
 */

static void part_done(vs_sim *sim, vs_migration *mig, bool ok)
{
    if (!ok)
        mig->failed_here = true;
    if (--mig->run->waiting == 0)
        raise_event(sim, mig);
}

static void on_nic_done(vs_sim *sim, vs_nic_op *op, bool ok)
{
    part_done(sim, op->mig, ok);
}

static void on_timer(vs_engine *eng, void *ctx, uint64_t arg)
{
    part_done(ctx, (vs_migration *)(uintptr_t)arg, true);
}

/* What on_timer will read, named a few events ahead (vs_engine_prefetch_for): the run
 * (the state ends when its count reaches 0, and the next begins: its table, its NICs'
 * parts) and the VM. Unrolled: GCC 12 may drop prefetches from a loop or a helper. */
static void prefetch_timer(void *ctx, uint64_t arg)
{
    const vs_sim *sim = ctx;
    const vs_migration *mig = (const vs_migration *)(uintptr_t)arg;
    const vs_mig_run *run = mig->run;               /* set while a timer of its is pending */
    uint32_t nics = sim->cfg->topology.nics_per_vm; /* not run->nnics: run is not here yet */
    __builtin_prefetch(run);
    __builtin_prefetch((const char *)run + 64);
    __builtin_prefetch((const char *)run + 128);
    __builtin_prefetch(&run->nics[0].built);
    if (nics > 1)
        __builtin_prefetch(&run->nics[1].built);
    if (nics > 2)
        __builtin_prefetch(&run->nics[2].built);
    if (nics > 3)
        __builtin_prefetch(&run->nics[3].built);
    __builtin_prefetch(&sim->vms[mig->vm]);
}

static void after(vs_sim *sim, vs_migration *mig, vs_time_t delay)
{
    mig->run->waiting++;
    vs_engine_post(sim->engine, delay, on_timer, sim, (uint64_t)(uintptr_t)mig);
}

static bool memory_model(const vs_sim *sim, const vs_migration *mig)
{
    return sim->cfg->migration.model == VS_PRECOPY_MEMORY && mig->op == VS_OP_MIGRATE;
}

static void on_flow_part_done(void *ctx, uint64_t arg)
{
    part_done(ctx, (vs_migration *)(uintptr_t)arg, true);
}

/* A part of the state that is bytes crossing the migration network. */
static void send_bytes(vs_sim *sim, vs_migration *mig, double bytes)
{
    mig->run->waiting++;
    mig->run->sent += bytes;
    if (!vs_net_start(&sim->net, mig->src, mig->dst, bytes, on_flow_part_done, sim,
                      (uint64_t)(uintptr_t)mig))
        vs_sim_out_of_memory(sim);
}

static void for_each_nic(vs_sim *sim, vs_migration *mig, vs_nic_part part)
{
    uint32_t host = vs_nic_part_on_source(part) ? mig->src : mig->dst;
    if (vs_nic_part_silent(sim, host, part)) { /* nothing to call: done at once */
        vs_nic_op_pass(sim, mig->run->nics, mig->run->nnics, part);
        if (mig->run->waiting == 0) /* else the state's other work (a timer) ends it */
            raise_event(sim, mig);
        return;
    }
    /* The last NIC to end may end the operation, and its run with it: nothing of the
     * run is read after that call. */
    vs_mig_run *run = mig->run;
    uint32_t n = run->nnics;
    run->waiting += n;
    for (uint32_t i = 0; i < n; i++)
        vs_nic_op_start(sim, &run->nics[i], part, on_nic_done);
}

/* The blackout went past migration.timeout: work under way finishes (or its pend times
 * out), and the state it is in then fails. */
static void on_blackout_timeout(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_migration *mig = (vs_migration *)(uintptr_t)arg;
    mig->run->timeout = 0;
    mig->timed_out = mig->failed_here = true;
}

static vs_time_t transfer_time(vs_sim *sim, vs_migration *mig)
{
    double bytes_ns =
        (double)mig->run->state_bytes * 1e9 / sim->cfg->migration.bandwidth_bytes_per_s;
    return (vs_time_t)(bytes_ns + 0.5) + vs_vm_sample(sim, mig->vm, &sim->cfg->migration.latency);
}

/* Fault injection: one bit of a NIC's saved state flips on its way to the destination. */
static void maybe_corrupt(vs_sim *sim, vs_nic_op *op, double p)
{
    if (op->state.nbytes == 0 || vs_rng_uniform01(&sim->fault_rng) >= p)
        return;
    uint64_t bit = vs_rng_below(&sim->fault_rng, (uint64_t)op->state.nbytes * 8);
    op->state.bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    vs_state_mark_injected(&op->state, (size_t)(bit / 8));
    sim->stats.corrupted_in_transfer++;
}

/* Every NIC's saved state, with the fault on (it draws nothing when off). */
static void maybe_corrupt_all(vs_sim *sim, vs_mig_run *run)
{
    double p = sim->cfg->faults.corrupt_restore_probability;
    if (p <= 0)
        return;
    for (uint32_t i = 0; i < run->nnics; i++)
        maybe_corrupt(sim, &run->nics[i], p);
}

/* The destination switch gives each NIC a port id: the validation port has it, and the
 * operational port created "in its place" (D-LMS 2) keeps it. It may differ from the
 * source's (D-OIDREST). Nothing is built there yet (a retry starts afresh). */
static void assign_dst_ports(vs_sim *sim, vs_migration *mig)
{
    /* NIC i of a VM sits on switch i % switches_per_host (vs_nic_sw): counted, not
     * divided. */
    vs_switch *switches = sim->hosts[mig->dst].switches;
    uint32_t nsw = sim->cfg->topology.switches_per_host, sw = 0;
    for (uint32_t i = 0; i < mig->run->nnics; i++) {
        vs_nic_op *op = &mig->run->nics[i];
        op->dst_port = switches[sw].next_port_id++;
        op->built = 0;
        if (++sw == nsw)
            sw = 0;
    }
}

static void start_blackout(vs_sim *sim, vs_migration *mig)
{
    mig->run->state_bytes = 0;
    mig->run->timeout = vs_engine_schedule(sim->engine, sim->cfg->migration.timeout,
                                           on_blackout_timeout, sim, (uint64_t)(uintptr_t)mig);
    /* The rest of the blackout's work runs alongside the NIC saves: the device state
     * (migration.pause), and with the memory model the last dirty pages' copy. */
    after(sim, mig, vs_vm_sample(sim, mig->vm, &sim->cfg->migration.pause));
    if (memory_model(sim, mig) && mig->run->dirty > 0)
        send_bytes(sim, mig, mig->run->dirty);
}

/* ---- Decisions the docs leave open (docs/sequence.md) -------------------------------- */

/* REFUSED: another destination, or fail. */
static bool refused_goes_on(vs_sim *sim, vs_migration *mig)
{
    vs_op_counts *c = counts_of(sim, mig);
    c->refused++;
    /* Another destination must exist: not the source, not one tried, not a bound one. */
    if (mig->op != VS_OP_MIGRATE || sim->cfg->migration.on_refused != VS_REFUSED_NEXT_HOST ||
        mig->run->ntried + 1 >= sim->cfg->migration.max_destinations ||
        mig->run->ntried + 2 >= sim->cfg->topology.hosts || bound_target(sim, mig) != VS_ANY_HOST)
        return false;
    uint32_t *t = realloc(mig->run->tried, (mig->run->ntried + 1) * sizeof *t);
    if (!t)
        return vs_sim_out_of_memory(sim), false;
    mig->run->tried = t;
    mig->run->tried[mig->run->ntried++] = mig->dst;
    c->retried++;
    return true;
}

/* A retry gives its slots back and waits again, first in its source's line. */
static void release_slots(vs_sim *sim, vs_migration *mig)
{
    vs_host *src = &sim->hosts[mig->src], *dst = &sim->hosts[mig->dst];
    slots_settle(sim, src);
    slots_settle(sim, dst);
    src->slots_used--;
    dst->slots_used--;
    dst->incoming--;
    vs_migration_host_changed(sim, mig->src);
    vs_migration_host_changed(sim, mig->dst);
}

/* ---- What each state starts when it is entered ------------------------------------- */

/* The NIC part each state runs on every NIC of the VM (VS_PART_COUNT: none). */
static const uint8_t part_of[VS_MIG_STATES] = {[VS_MIG_QUEUED] = VS_PART_COUNT,
                                               [VS_MIG_WAITING] = VS_PART_COUNT,
                                               [VS_MIG_VALIDATE] = VS_PART_VALIDATE,
                                               [VS_MIG_PORT_SETUP] = VS_PART_PORT_SETUP,
                                               [VS_MIG_PRECOPY] = VS_PART_COUNT,
                                               [VS_MIG_SAVE] = VS_PART_SAVE,
                                               [VS_MIG_SRC_TEARDOWN] = VS_PART_SRC_TEARDOWN,
                                               [VS_MIG_TRANSFER] = VS_PART_COUNT,
                                               [VS_MIG_DISK] = VS_PART_COUNT,
                                               [VS_MIG_NIC_CONNECT] = VS_PART_NIC_CONNECT,
                                               [VS_MIG_RESTORE] = VS_PART_RESTORE,
                                               [VS_MIG_LEGACY_RESTORE] = VS_PART_LEGACY_RESTORE,
                                               [VS_MIG_REFUSED] = VS_PART_COUNT,
                                               [VS_MIG_RESTORE_FAILED] = VS_PART_COUNT,
                                               [VS_MIG_DST_ROLLBACK] = VS_PART_DST_ROLLBACK,
                                               [VS_MIG_DST_TEARDOWN] = VS_PART_DST_TEARDOWN,
                                               [VS_MIG_ONLINE] = VS_PART_COUNT,
                                               [VS_MIG_FAILED] = VS_PART_COUNT,
                                               [VS_MIG_VM_OFF] = VS_PART_COUNT};

static void run_part(vs_sim *sim, vs_migration *mig)
{
    for_each_nic(sim, mig, (vs_nic_part)part_of[mig->state]);
}

/* WAITING again: a retry after a refusal. */
static void enter_retry(vs_sim *sim, vs_migration *mig)
{
    release_slots(sim, mig);
    mig->dst = VS_ANY_HOST;
    admit(sim, mig);
    start_from(sim, mig->src);
    serve_starved(sim);
}

static void enter_validate(vs_sim *sim, vs_migration *mig)
{
    assign_dst_ports(sim, mig);
    run_part(sim, mig);
}

static void enter_legacy_restore(vs_sim *sim, vs_migration *mig)
{
    if (mig->op != VS_OP_MIGRATE) /* legacy local: new ports on the same host */
        assign_dst_ports(sim, mig);
    run_part(sim, mig);
}

static void on_precopy_done(vs_sim *sim, vs_migration *mig)
{
    mig->run->precopy_ns = vs_sim_now(sim) - mig->run->precopy_started;
    mig->run->precopy_bytes = mig->run->sent;
    part_done(sim, mig, true);
}

static void on_setup_over(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_precopy_start(ctx, (vs_migration *)(uintptr_t)arg, on_precopy_done);
}

/* Measured: a duration. Memory: the migration's setup, then rounds on the network
 * (precopy.c). */
static void enter_precopy(vs_sim *sim, vs_migration *mig)
{
    mig->run->precopy_started = vs_sim_now(sim);
    if (!memory_model(sim, mig)) {
        after(sim, mig, vs_vm_sample(sim, mig->vm, &sim->cfg->migration.precopy));
        return;
    }
    mig->run->waiting++;
    vs_time_t setup = vs_vm_sample(sim, mig->vm, &sim->cfg->migration.setup);
    if (setup == 0) {
        vs_precopy_start(sim, mig, on_precopy_done);
        return;
    }
    vs_engine_post(sim->engine, setup, on_setup_over, sim, (uint64_t)(uintptr_t)mig);
}

/* The VM pauses: a migration's blackout starts. */
static void enter_save(vs_sim *sim, vs_migration *mig)
{
    if (mig->flow == VS_FLOW_MIGRATE_LEGACY)
        assign_dst_ports(sim, mig); /* legacy: created after the transfer */
    mig->run->state_bytes = 0;
    if (mig->op == VS_OP_MIGRATE)
        start_blackout(sim, mig);
    run_part(sim, mig);
}

static void enter_transfer(vs_sim *sim, vs_migration *mig)
{
    maybe_corrupt_all(sim, mig->run);
    if (memory_model(sim, mig)) /* the NIC state shares the network with the others */
        send_bytes(sim, mig, (double)mig->run->state_bytes);
    else
        after(sim, mig, transfer_time(sim, mig));
}

static void enter_disk(vs_sim *sim, vs_migration *mig)
{
    after(sim, mig, vs_vm_sample(sim, mig->vm, &sim->cfg->migration.disk_time));
}

static void enter_restore(vs_sim *sim, vs_migration *mig)
{
    if (mig->op != VS_OP_MIGRATE) /* a local state's bytes come back from disk now */
        maybe_corrupt_all(sim, mig->run);
    run_part(sim, mig);
}

/* Decision states decide at once, by the scenario's option. */
static void decide_refused(vs_sim *sim, vs_migration *mig)
{
    mig->failed_here = !refused_goes_on(sim, mig);
    raise_event(sim, mig);
}

static void decide_restore_failed(vs_sim *sim, vs_migration *mig)
{
    mig->without_state = sim->cfg->migration.on_restore_failure == VS_RESTORE_FAILURE_ONLINE;
    mig->failed_here = !mig->without_state;
    raise_event(sim, mig);
}

static void finish(vs_sim *sim, vs_migration *mig);

typedef void (*vs_enter_fn)(vs_sim *sim, vs_migration *mig);
static const vs_enter_fn enter_action[VS_MIG_STATES] = {
    [VS_MIG_WAITING] = enter_retry,
    [VS_MIG_VALIDATE] = enter_validate,
    [VS_MIG_PORT_SETUP] = run_part,
    [VS_MIG_PRECOPY] = enter_precopy,
    [VS_MIG_SAVE] = enter_save,
    [VS_MIG_SRC_TEARDOWN] = run_part,
    [VS_MIG_TRANSFER] = enter_transfer,
    [VS_MIG_DISK] = enter_disk,
    [VS_MIG_NIC_CONNECT] = run_part,
    [VS_MIG_RESTORE] = enter_restore,
    [VS_MIG_LEGACY_RESTORE] = enter_legacy_restore,
    [VS_MIG_REFUSED] = decide_refused,
    [VS_MIG_RESTORE_FAILED] = decide_restore_failed,
    [VS_MIG_DST_ROLLBACK] = run_part,
    [VS_MIG_DST_TEARDOWN] = run_part,
    [VS_MIG_ONLINE] = finish,
    [VS_MIG_FAILED] = finish,
    [VS_MIG_VM_OFF] = finish};

/* Which cause a failure of this state is, the first time the operation fails. */
static void note_cause(vs_migration *mig)
{
    static const uint8_t cause_of[VS_MIG_STATES] = {
        [VS_MIG_VALIDATE] = VS_CAUSE_VALIDATION, [VS_MIG_PORT_SETUP] = VS_CAUSE_PORT,
        [VS_MIG_SAVE] = VS_CAUSE_SAVE,           [VS_MIG_NIC_CONNECT] = VS_CAUSE_NIC_CONNECT,
        [VS_MIG_RESTORE] = VS_CAUSE_RESTORE,     [VS_MIG_LEGACY_RESTORE] = VS_CAUSE_RESTORE};
    if (mig->cause != VS_CAUSE_NONE)
        return;
    mig->cause = mig->timed_out ? VS_CAUSE_TIMEOUT : cause_of[mig->state];
}

static void begin_state(vs_sim *sim, vs_migration *mig, vs_mig_state state)
{
    mig->state = (uint8_t)state;
    mig->run->state_started = vs_sim_now(sim);
    mig->run->waiting = 0;
    mig->failed_here = false;
}

/* A transition that leaves the blackout with its timeout set, or that tests
 * (sim->on_transition) or --timeline watch. Out of line: the common transition makes no
 * call before its state's action, so it needs no frame. */
static __attribute__((noinline)) void
enter_watched(vs_sim *sim, vs_migration *mig, vs_mig_state from, vs_mig_event ev, vs_mig_state to)
{
    vs_mig_run *run = mig->run;
    /* Leaving the blackout (or never in it): its timeout no longer applies. */
    if (run->timeout && run->rows[to].blackout == 0) {
        vs_engine_cancel(sim->engine, run->timeout);
        run->timeout = 0;
    }
    begin_state(sim, mig, to);
    if (sim->on_transition)
        sim->on_transition(sim->transition_ctx, mig->vm, from, ev, to);
    vs_sim_timeline(sim, VS_TL_STATE, mig->src, 0, mig);
    enter_action[to](sim, mig);
}

/* The current state has ended: its table row says what comes next, and the next state
 * starts. The rows are read raw (stored plus one, sequence.h): a migration's flow and
 * state are always in range. */
static void raise_event(vs_sim *sim, vs_migration *mig)
{
    vs_mig_run *run = mig->run;
    const vs_mig_row *rows = run->rows;
    vs_mig_state from = (vs_mig_state)mig->state;
    vs_mig_event ev = mig->failed_here ? VS_EV_FAILED : VS_EV_OK;
    if (rows[from].blackout)
        run->blackout[rows[from].blackout - 1] += vs_sim_now(sim) - run->state_started;
    if (ev == VS_EV_FAILED && from != VS_MIG_REFUSED && from != VS_MIG_RESTORE_FAILED)
        note_cause(mig);
    unsigned next = rows[from].next[ev];
    if (next == 0)
        abort(); /* a table without this transition: a bug in sequence.c */
    vs_mig_state to = (vs_mig_state)(next - 1);
    if ((run->timeout && rows[to].blackout == 0) || sim->on_transition || sim->timeline)
        return enter_watched(sim, mig, from, ev, to);
    begin_state(sim, mig, to);
    enter_action[to](sim, mig);
}

/* ---- The end ------------------------------------------------------------------------ */

static void record_end(vs_sim *sim, vs_migration *mig)
{
    vs_time_t now = vs_sim_now(sim);
    vs_op_counts *c = counts_of(sim, mig);
    switch ((vs_mig_state)mig->state) {
    case VS_MIG_ONLINE:
        c->completed++;
        c->online_without_state += mig->without_state;
        if (mig->without_state)
            c->failed_at[mig->cause]++;
        vs_stats_latency(&sim->stats, VS_LAT_MIGRATION, mig->src, now - mig->run->started);
        if (mig->op == VS_OP_MIGRATE && now > mig->run->started) {
            vs_host *h = &sim->hosts[mig->src];
            slots_settle(sim, h);
            double took = (double)(int64_t)(now - mig->run->started); /* as slots_settle */
            double mean = (h->slot_area - mig->run->slot_area) / took;
            uint32_t k = (uint32_t)(mean + 0.5);
            k = k < 1 ? 1 : k < VS_AT_ONCE_MAX ? k : VS_AT_ONCE_MAX;
            sim->stats.by_at_once[k].count++;
            sim->stats.by_at_once[k].ns_sum += took;
        }
        break;
    case VS_MIG_VM_OFF:
        c->vm_off++;
        /* fall through */
    default:
        c->failed++;
        c->timed_out += mig->timed_out;
        c->failed_at[mig->cause]++;
    }
    if (mig->op == VS_OP_MIGRATE)
        vs_level_add(&sim->stats.migrations_in_flight, now, -1);
}

/* A completed migration's blackout: its parts, which add up to it. */
/* What a planner reads of a completed migration with the memory model (report
 * "precopy"): its rounds, bytes on the wire and the bandwidth its rounds got. */
static void record_precopy(vs_sim *sim, const vs_migration *mig)
{
    const vs_mig_run *run = mig->run;
    if (!memory_model(sim, mig))
        return;
    sim->stats.precopy.migrations++;
    sim->stats.precopy.rounds_sum += run->rounds;
    if (run->rounds > sim->stats.precopy.rounds_max)
        sim->stats.precopy.rounds_max = run->rounds;
    sim->stats.precopy.bytes_sum += run->sent;
    sim->stats.precopy.precopy_ns_sum += (double)run->precopy_ns;
    sim->stats.precopy.precopy_bytes_sum += run->precopy_bytes;
}

static void record_blackout(vs_sim *sim, const vs_migration *mig)
{
    vs_time_t total = 0;
    for (int p = 0; p < VS_BO_PARTS; p++) {
        total += mig->run->blackout[p];
        vs_hist_record(&sim->stats.blackout_parts[p], mig->run->blackout[p]);
    }
    vs_stats_latency(&sim->stats, VS_LAT_BLACKOUT, mig->src, total);
}

/* Where the VM is now: on the destination's ports, on the source's, or off. */
static void place_vm(vs_sim *sim, vs_migration *mig)
{
    vs_vm *vm = &sim->vms[mig->vm];
    bool moved = mig->state != VS_MIG_FAILED;
    if (!moved)
        return;
    if (mig->op == VS_OP_MIGRATE) {
        vm->host = mig->dst;
        sim->hosts[mig->src].vms_here--;
        sim->hosts[mig->dst].vms_here++;
    }
    bool off = mig->state == VS_MIG_VM_OFF;
    vm->off = off;
    /* In locals: the stores to the NICs' ports could alias them. */
    const vs_mig_run *run = mig->run;
    vs_nic *nics = sim->nics;
    for (uint32_t i = 0; i < run->nnics; i++)
        nics[run->nics[i].nic].port = off ? 0 : run->nics[i].dst_port;
}

static void finish(vs_sim *sim, vs_migration *mig)
{
    bool ok = mig->state == VS_MIG_ONLINE;
    vs_vm *vm = &sim->vms[mig->vm];
    if (mig->run->timeout) {
        vs_engine_cancel(sim->engine, mig->run->timeout);
        mig->run->timeout = 0;
    }
    if (ok && mig->run->rows[VS_MIG_SAVE].blackout)
        record_blackout(sim, mig);
    if (ok)
        record_precopy(sim, mig);
    place_vm(sim, mig);
    bool migrated = mig->op == VS_OP_MIGRATE;
    if (migrated) {
        release_slots(sim, mig);
        if (ok) {
            sim->hosts[mig->src].migrations_out++;
            sim->hosts[mig->dst].migrations_in++;
        }
    }
    record_end(sim, mig);
    if (sim->operation_done)
        sim->operation_done(sim, mig, ok);
    vm->busy = false;
    vs_vm_ext *ext = vm->ext ? vs_vm_ext_of(sim, mig->vm) : NULL;
    vs_migration *next = ext ? ext->queue_head : NULL;
    if (next) {
        ext->queue_head = next->next;
        if (!ext->queue_head)
            ext->queue_tail = NULL;
    }
    uint32_t src = mig->src, dst = mig->dst;
    detach_run(sim, mig);
    vs_pool_put(&sim->migrations, mig);
    if (next) {
        if (vm->off && next->op != VS_OP_POWER_ON) { /* what waited for it has nothing to do */
            vs_migration_request(sim, next->vm, next->target_hint, next->op, next->from_closed);
            vs_pool_put(&sim->migrations, next);
        } else {
            admit(sim, next);
        }
    }
    if (migrated) { /* a slot freed on both hosts: each may start its own next, then
                     * the hosts that waited for a target get their turn */
        start_from(sim, src);
        start_from(sim, dst);
        serve_starved(sim);
    }
}
