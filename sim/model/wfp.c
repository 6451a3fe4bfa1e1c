/*
 * wfp.c: WFP's vSwitch event fan-out: subscriptions, callback invocation, pending
 * completions with their tokens and timeouts, and the checks on what callouts return.
 */
#include "model/wfp.h"

#include "model/probe.h"
#include "model/special_pool.h"
#include "model/topology.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

#define NO_CALL UINT32_MAX

static void fanout_step(vs_sim *sim, vs_fanout *fan);
#define HOT_INLINE inline __attribute__((always_inline))
static HOT_INLINE void call_finish(vs_sim *sim, uint32_t idx, NTSTATUS status);
static void trace_call(vs_sim *sim, const vs_call *c, const vs_fanout *fan, NTSTATUS status);

/* ---- Subscriptions ---------------------------------------------------------- */

static int host_add_sub(vs_host *h, uint32_t id)
{
    if (VS_GROW(h->subs, h->subs_cap, h->nsubs + 1) != 0)
        return -1;
    h->subs[h->nsubs++] = id;
    return 0;
}

/* Which fan-out kinds somebody on the host handles: a fan-out nobody handles (most of a
 * migration's port and interface events, for callouts that subscribe save and restore
 * only) then ends at once instead of looking at every subscription. */
static void recount_handled_kinds(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    h->handled_kinds = 0;
    for (uint32_t i = 0; i < h->nsubs; i++)
        for (unsigned k = 0; k < VS_FAN_KINDS; k++)
            if (sim->subs[h->subs[i]].active && vs_wfp_sub_handles(&sim->subs[h->subs[i]], k))
                h->handled_kinds |= 1u << k;
}

/* Subscribe and Unsubscribe are PASSIVE_LEVEL only (D-SUB, D-UNSUB); every vSwitch
 * callback runs at <= DISPATCH_LEVEL. */
static void check_passive(vs_sim *sim, uint32_t instance, const char *fn)
{
    if (sim->activity.active && sim->activity.callback)
        vs_sim_violation(sim, VS_RULE_SUBSCRIBE_IN_CALLBACK, instance,
                         "%s called from inside its %s callback (IRQL <= DISPATCH_LEVEL); it "
                         "may be called at PASSIVE_LEVEL only",
                         fn, sim->activity.what);
}

NTSTATUS vs_wfp_subscribe(vs_sim *sim, uint32_t instance, const GUID *provider, void *notify_ctx,
                          const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *table, UINT32 *id)
{
    if (sim->activity.active && sim->activity.callback) {
        check_passive(sim, instance, "FwpsvSwitchEventsSubscribe0");
        return STATUS_INVALID_DEVICE_STATE; /* refused: a fan-out is walking the list */
    }
    if (!table || !id)
        return STATUS_INVALID_PARAMETER;
    if (VS_GROW(sim->subs, sim->subs_cap, sim->nsubs + 1) != 0)
        return vs_sim_out_of_memory(sim), STATUS_INSUFFICIENT_RESOURCES;
    uint32_t host = sim->instances[instance].host;
    if (host_add_sub(&sim->hosts[host], sim->nsubs) != 0)
        return vs_sim_out_of_memory(sim), STATUS_INSUFFICIENT_RESOURCES;
    vs_subscription *s = &sim->subs[sim->nsubs];
    *s = (vs_subscription){.instance = instance,
                           .plugin = sim->instances[instance].plugin,
                           .host = host,
                           .active = true,
                           .notify_context = notify_ctx,
                           .table = *table};
    if (provider)
        s->provider = *provider;
    /* Ids start at 1 so that a zeroed id is never valid. */
    *id = ++sim->nsubs;
    recount_handled_kinds(sim, host);
    return STATUS_SUCCESS;
}

void vs_wfp_unsubscribe(vs_sim *sim, UINT32 id)
{
    if (sim->activity.active)
        check_passive(sim, sim->activity.instance, "FwpsvSwitchEventsUnsubscribe0");
    if (id == 0 || id > sim->nsubs || !sim->subs[id - 1].active) {
        vs_sim_violation(sim, VS_RULE_UNKNOWN_SUBSCRIPTION, sim->activity.instance,
                         "FwpsvSwitchEventsUnsubscribe0(%u): no such subscription", id);
        return;
    }
    /* Fan-outs skip inactive entries; the host's list is not compacted mid-run. */
    sim->subs[id - 1].active = false;
    recount_handled_kinds(sim, sim->subs[id - 1].host);
}

/* ---- Call records and completion tokens -------------------------------------- */

/* The token handed to a callout packs the record's index and generation, so a stale or
 * forged completionContext is recognised instead of dereferenced. Never NULL. */
static void *token_of(const vs_sim *sim, uint32_t idx)
{
    return (void *)(uintptr_t)(((uint64_t)sim->calls[idx].generation << 32) | (idx + 1u));
}

static uint32_t call_alloc(vs_sim *sim)
{
    if (sim->free_call == NO_CALL) {
        if (VS_GROW(sim->calls, sim->calls_cap, sim->ncalls + 1) != 0)
            return NO_CALL;
        struct vs_call_out *out = calloc(1, sizeof *out);
        if (!out)
            return NO_CALL;
        sim->calls[sim->ncalls] = (vs_call){.generation = 1, .out = out};
        sim->free_call = sim->ncalls++;
        sim->calls[sim->free_call].next_free = NO_CALL;
    }
    uint32_t idx = sim->free_call;
    sim->free_call = sim->calls[idx].next_free;
    return idx;
}

static inline void call_release(vs_sim *sim, uint32_t idx)
{
    vs_call *c = &sim->calls[idx];
    if (c->restore_copy && sim->special_pool) /* valid until the restore completes */
        vs_special_pool_release(sim->special_pool, c->restore_copy);
    c->restore_copy = NULL;
    c->generation++;
    c->state = VS_CALL_FREE;
    c->fanout = NULL;
    c->next_free = sim->free_call;
    sim->free_call = idx;
}

/* ---- Invoking one callback ---------------------------------------------------- */

static HOT_INLINE const vs_subscription *fanout_sub_at(vs_sim *sim, const vs_fanout *fan,
                                                       uint32_t pos, uint32_t *blob)
{
    const vs_host *h = &sim->hosts[fan->host];
    if (fan->kind != VS_FAN_RESTORE) {
        const vs_subscription *s = &sim->subs[h->subs[pos]];
        if (fan->kind >= VS_FAN_POLICY_ADD && !vs_wfp_policy_matches(sim, s, fan->policy))
            return NULL; /* WFP hands a policy only to the callout it names */
        return s->active ? s : NULL;
    }
    /* Restore: WFP finds the blob's owner by the provider GUID it subscribed with. */
    *blob = fan->first_blob + pos;
    const vs_blob *b = &fan->state->blobs[*blob];
    for (uint32_t i = 0; i < h->nsubs; i++) {
        const vs_subscription *s = &sim->subs[h->subs[i]];
        if (s->active && memcmp(&s->provider, &b->provider, sizeof(GUID)) == 0)
            return s;
    }
    return NULL;
}

static void count_invocation(vs_sim *sim, const vs_subscription *s, vs_plugin_stats *ps,
                             vs_fanout_kind kind, vs_time_t cost)
{
    if (kind == VS_FAN_SAVE)
        ps->saves++;
    else if (kind == VS_FAN_RESTORE)
        ps->restores++;
    sim->stats.callbacks++;
    vs_stats_callback_latency(&sim->stats, ps, s->host, cost);
}

static void on_call_returned(vs_engine *eng, void *ctx, uint64_t arg);
static HOT_INLINE void call_returned(vs_sim *sim, uint32_t idx, NTSTATUS st, vs_plugin_stats *ps);
static void on_call_returned_free(vs_engine *eng, void *ctx, uint64_t arg);
static void on_call_timeout(vs_engine *eng, void *ctx, uint64_t arg);

/* A callback runs at DISPATCH_LEVEL holding the OID: a long one stalls the switch. */
static void check_callback_time(vs_sim *sim, uint32_t instance, vs_time_t cost)
{
    vs_time_t bound = sim->cfg->verifier.max_callback_time;
    if (bound && cost > bound)
        vs_sim_violation(sim, VS_RULE_CALLBACK_TOO_LONG, instance,
                         "a callback charged %.3f ms of CPU; verifier.max_callback_time is %.3f ms",
                         (double)cost / 1e6, (double)bound / 1e6);
}

/* The restore must get the bytes that the same plugin's save produced. Another plugin's
 * blob means two callouts subscribed with one provider GUID. */
static void check_restore_blob(vs_sim *sim, const vs_subscription *s, const vs_fanout *fan,
                               uint32_t blob)
{
    const vs_blob *b = &fan->state->blobs[blob];
    uint32_t plugin = s->plugin;
    if (b->plugin != plugin)
        vs_sim_violation(sim, VS_RULE_RESTORE_STATE_MISMATCH, s->instance,
                         "restore handed the state plugin \"%s\" saved: both subscribed with "
                         "one provider GUID",
                         sim->cfg->plugins[b->plugin].name);
    else if (!vs_state_blob_intact(fan->state, blob))
        vs_sim_violation(sim, VS_RULE_RESTORE_STATE_MISMATCH, s->instance,
                         "restore handed %llu bytes whose checksum differs from the saved ones",
                         (unsigned long long)b->length);
}

/* The callback a fan-out of each kind calls, as vs_activity.what (a crash report's). */
static const char *const fanout_what[VS_FAN_KINDS] = {[VS_FAN_SAVE] = "save",
                                                      [VS_FAN_RESTORE] = "restore",
                                                      [VS_FAN_PORT_CREATE] = "port event",
                                                      [VS_FAN_PORT_DELETE] = "port event",
                                                      [VS_FAN_IFACE_CREATE] = "interface event",
                                                      [VS_FAN_IFACE_CONNECT] = "interface event",
                                                      [VS_FAN_IFACE_DISCONNECT] = "interface event",
                                                      [VS_FAN_IFACE_DELETE] = "interface event",
                                                      [VS_FAN_POLICY_ADD] = "policy event",
                                                      [VS_FAN_POLICY_UPDATE] = "callback",
                                                      [VS_FAN_POLICY_DELETE] = "callback"};

/* Runs on a host CPU: calls subscription `s` for the fan-out (`blob`: the restore's).
 * The CPU is held for the
 * callback's charged time, and its return takes effect once that has passed: the next
 * sequential call, or the start of its pending. */
static vs_time_t invoke(vs_sim *sim, vs_fanout *fan, const vs_subscription *s, uint32_t blob)
{
    uint32_t idx = call_alloc(sim);
    if (idx == NO_CALL) /* the call stays outstanding: the run stops after this event */
        return vs_sim_out_of_memory(sim), 0;
    vs_call *c = &sim->calls[idx];
    c->state = VS_CALL_RUNNING;
    c->sub = (uint32_t)(s - sim->subs);
    c->fanout = fan;
    c->blob = blob;
    c->called_at = vs_sim_now(sim);
    c->pended = false;

    if (fan->kind == VS_FAN_RESTORE)
        check_restore_blob(sim, s, fan, blob);
    vs_sim_activity_begin(sim, s->instance, fanout_what[fan->kind]);
    sim->activity.callback = true;
    sim->activity.vport = fan->vport;
    NTSTATUS st = vs_wfp_call_callout(sim, s, fan, c, token_of(sim, idx));
    vs_time_t cost = vs_sim_activity_end(sim);
    check_callback_time(sim, s->instance, cost);
    vs_plugin_stats *ps = &sim->stats.plugins[s->plugin];
    count_invocation(sim, s, ps, fan->kind, cost);
    if (cost == 0) {
        call_returned(sim, idx, st, ps);
        return 0;
    }
    uint64_t arg = ((uint64_t)(uint32_t)st << 32) | idx;
    if (cost & VS_CPU_HELD) { /* a charge of centuries: the CPU's own event frees it */
        vs_engine_post(sim->engine, cost, on_call_returned, sim, arg);
        return cost;
    }
    vs_engine_post(sim->engine, cost, on_call_returned_free, sim, arg);
    return vs_cpu_held(cost);
}

/* The call waited for a CPU: its callout may have unsubscribed meanwhile. */
static vs_time_t invoke_on_cpu(vs_sim *sim, void *ctx, uint64_t pos)
{
    vs_fanout *fan = ctx;
    uint32_t blob = 0;
    const vs_subscription *s = fanout_sub_at(sim, fan, (uint32_t)pos, &blob);
    if (!s || !vs_wfp_sub_handles(s, fan->kind)) {
        fan->outstanding--;
        fanout_step(sim, fan);
        return 0;
    }
    return invoke(sim, fan, s, blob);
}

static void fanout_call(vs_sim *sim, vs_fanout *fan, uint32_t pos)
{
    uint32_t blob = 0;
    const vs_subscription *s = fanout_sub_at(sim, fan, pos, &blob);
    if (!s || !vs_wfp_sub_handles(s, fan->kind))
        return; /* nobody to call here: the OID passes down the stack */
    fan->outstanding++;
    if (vs_cpu_take(sim, fan->host)) /* a CPU is free: call now, with what was looked up */
        vs_cpu_release(sim, fan->host, invoke(sim, fan, s, blob));
    else
        vs_cpu_submit(sim, fan->host, invoke_on_cpu, fan, pos);
}

static void start_pending(vs_sim *sim, uint32_t idx)
{
    vs_call *c = &sim->calls[idx];
    vs_plugin_stats *ps = &sim->stats.plugins[sim->subs[c->sub].plugin];
    ps->pended++;
    c->fanout->pended = true;
    c->state = VS_CALL_PENDING;
    c->pended = true;
    c->pended_at = vs_sim_now(sim);
    vs_level_add(&sim->stats.pending, c->pended_at, +1);
    c->timeout =
        vs_engine_schedule(sim->engine, sim->cfg->wfp.pending_timeout, on_call_timeout, sim, idx);
}

/* The callback's return takes effect; `ps` is its plugin's statistics. Inline, with
 * call_finish and call_release: a callback that returns at once goes through all three
 * from invoke, in one frame. */
static HOT_INLINE void call_returned(vs_sim *sim, uint32_t idx, NTSTATUS st, vs_plugin_stats *ps)
{
    vs_call *c = &sim->calls[idx];
    if (st == STATUS_SUCCESS)
        ps->returned_success++;
    else if (st == STATUS_PENDING)
        ps->returned_pending++;
    else
        ps->returned_error++;
    if (st != STATUS_PENDING) {
        if (c->state == VS_CALL_COMPLETED_EARLY)
            vs_sim_violation(sim, VS_RULE_COMPLETE_WITHOUT_PENDING, sim->subs[c->sub].instance,
                             "FwpsvSwitchNotifyComplete0 called, then the callback returned "
                             "0x%08X instead of STATUS_PENDING",
                             (unsigned)st);
        call_finish(sim, idx, st);
        return;
    }
    if (c->fanout->kind >= VS_FAN_IFACE_CREATE && c->fanout->kind <= VS_FAN_IFACE_DELETE)
        vs_sim_violation(sim, VS_RULE_PEND_NOT_ALLOWED, sim->subs[c->sub].instance,
                         "the interface callback returned STATUS_PENDING, which its return "
                         "table does not allow (D-IFACE); followed to its completion");
    bool completed_early = c->state == VS_CALL_COMPLETED_EARLY;
    start_pending(sim, idx);
    if (completed_early) /* completed inside the callback, before it returned */
        vs_wfp_notify_complete(sim, token_of(sim, idx), c->early_status);
}

static void on_call_returned(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    uint32_t idx = (uint32_t)arg;
    const vs_call *c = &sim->calls[idx];
    call_returned(sim, idx, (NTSTATUS)(uint32_t)(arg >> 32),
                  &sim->stats.plugins[sim->subs[c->sub].plugin]);
}

/* The callback's return takes effect, then its CPU is free (in that order, as two events
 * at one instant would have it). */
static void on_call_returned_free(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    uint32_t host = sim->calls[(uint32_t)arg].fanout->host; /* the call ends, and its fan-out */
    on_call_returned(eng, ctx, arg);
    vs_cpu_free(sim, host);
}

static void on_call_timeout(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    uint32_t idx = (uint32_t)arg;
    vs_call *c = &sim->calls[idx];
    vs_plugin_stats *ps = &sim->stats.plugins[sim->subs[c->sub].plugin];
    vs_fanout *fan = c->fanout;
    ps->timed_out++;
    ps->failed++;
    vs_sim_violation(sim, VS_RULE_PENDING_NEVER_COMPLETED, sim->subs[c->sub].instance,
                     "pended at %.6f s and not completed within wfp.pending_timeout (%.3f s)",
                     (double)c->pended_at / 1e9, (double)sim->cfg->wfp.pending_timeout / 1e9);
    vs_level_add(&sim->stats.pending, vs_sim_now(sim), -1);
    /* Keep the record (its out-parameters may still be written) until a late
     * completion or the end of the run; detach it from the fan-out, which moves on. */
    trace_call(sim, c, fan, STATUS_UNSUCCESSFUL);
    c->state = VS_CALL_TIMED_OUT;
    c->fanout = NULL;
    fan->timed_out = true;
    if (fan->status == STATUS_SUCCESS)
        fan->status = STATUS_UNSUCCESSFUL;
    fan->outstanding--;
    fanout_step(sim, fan);
}

/* ---- Completion ---------------------------------------------------------------- */

/* SUCCESS with exactly one of the out-parameters written: the other is garbage. Both
 * left alone is no state, as is a buffer with a length of 0 (nothing to copy). */
static bool out_params_match(vs_sim *sim, const vs_call *c, uint32_t instance)
{
    bool state_set = c->out->state != VS_OUT_STATE_UNSET, len_set = c->out->len != VS_OUT_LEN_UNSET;
    if (state_set == len_set)
        return true;
    if (len_set)
        vs_sim_violation(sim, VS_RULE_BUFFER_LENGTH_MISMATCH, instance,
                         "save set runtimeStateLength to %llu and left runtimeState unwritten",
                         (unsigned long long)c->out->len);
    else
        vs_sim_violation(sim, VS_RULE_BUFFER_LENGTH_MISMATCH, instance,
                         "save set runtimeState to %p and left runtimeStateLength unwritten",
                         c->out->state);
    return false;
}

/* A save that returned no state, correctly: both out-parameters left alone, or a length
 * of 0 with the buffer set. keep_saved_state has nothing to check or copy then. */
static inline bool saved_nothing(const struct vs_call_out *out)
{
    return out->state == VS_OUT_STATE_UNSET ? out->len == VS_OUT_LEN_UNSET : out->len == 0;
}

static bool keep_saved_state(vs_sim *sim, vs_call *c, uint32_t instance)
{
    if (!out_params_match(sim, c, instance))
        return false;
    if (c->out->state == VS_OUT_STATE_UNSET || c->out->len == 0)
        return true;
    if (!c->out->state) {
        vs_sim_violation(sim, VS_RULE_NULL_STATE_BUFFER, instance,
                         "save returned a NULL runtimeState with runtimeStateLength %llu",
                         (unsigned long long)c->out->len);
        return false;
    }
    if (c->out->len > VS_SEGMENT_MAX && sim->cfg->ndis.oversize == VS_OVERSIZE_FAIL) {
        vs_sim_violation(sim, VS_RULE_STATE_EXCEEDS_SEGMENT, instance,
                         "save returned %llu bytes; one NIC save segment holds %u "
                         "(ndis.oversize \"split\" would split it)",
                         (unsigned long long)c->out->len, VS_SEGMENT_MAX);
        return false;
    }
    /* The buffer stays the callout's: copy it now, as WFP packs it into the OID. */
    const vs_subscription *s = &sim->subs[c->sub];
    uint32_t plugin = sim->instances[instance].plugin;
    int added = vs_state_add(c->fanout->state, &s->provider, plugin, c->out->state, c->out->len);
    if (added == -2) {
        vs_sim_violation(sim, VS_RULE_BAD_STATE_BUFFER, instance,
                         "save returned runtimeState %p with runtimeStateLength %llu, which "
                         "cannot be read for that length",
                         c->out->state, (unsigned long long)c->out->len);
        return false;
    }
    if (added != 0)
        return vs_sim_out_of_memory(sim), false;
    sim->stats.state_bytes += c->out->len;
    sim->stats.plugins[plugin].state_bytes += c->out->len;
    return true;
}

const char *vs_wfp_event_name(unsigned kind)
{
    static const char *const names[VS_FAN_KINDS] = {[VS_FAN_SAVE] = "RUNTIME_STATE_SAVE",
                                                    [VS_FAN_RESTORE] = "RUNTIME_STATE_RESTORE",
                                                    [VS_FAN_PORT_CREATE] = "PORT_CREATE",
                                                    [VS_FAN_PORT_DELETE] = "PORT_DELETE",
                                                    [VS_FAN_IFACE_CREATE] = "INTERFACE_CREATE",
                                                    [VS_FAN_IFACE_CONNECT] = "INTERFACE_CONNECT",
                                                    [VS_FAN_IFACE_DISCONNECT] =
                                                        "INTERFACE_DISCONNECT",
                                                    [VS_FAN_IFACE_DELETE] = "INTERFACE_DELETE",
                                                    [VS_FAN_POLICY_ADD] = "POLICY_ADD",
                                                    [VS_FAN_POLICY_UPDATE] = "POLICY_UPDATE",
                                                    [VS_FAN_POLICY_DELETE] = "POLICY_DELETE"};
    return kind < VS_FAN_KINDS ? names[kind] : "NONE";
}

static void trace_call(vs_sim *sim, const vs_call *c, const vs_fanout *fan, NTSTATUS status)
{
    if (!sim->trace)
        return;
    const vs_subscription *s = &sim->subs[c->sub];
    vs_trace_record r = {.kind = VS_TRACE_CALLBACK,
                         .t = c->called_at,
                         .duration = vs_sim_now(sim) - c->called_at,
                         .host = fan->host,
                         .sw = fan->sw,
                         .port = fan->port,
                         .vm = fan->vm,
                         .nic = fan->nic_index,
                         .event = vs_wfp_event_name(fan->kind),
                         .plugin = sim->cfg->plugins[s->plugin].name,
                         .status = status,
                         .pended = c->pended,
                         .validation_port = (fan->flags & VS_FAN_VALIDATION) != 0,
                         .pend = c->pended ? vs_sim_now(sim) - c->pended_at : 0};
    sim->trace(sim->trace_ctx, &r);
}

/* A call is over: record its outcome in its fan-out and let the fan-out go on. */
static HOT_INLINE void call_finish(vs_sim *sim, uint32_t idx, NTSTATUS status)
{
    vs_call *c = &sim->calls[idx];
    vs_fanout *fan = c->fanout;
    if (status == STATUS_SUCCESS && fan->kind == VS_FAN_SAVE && !saved_nothing(c->out) &&
        !keep_saved_state(sim, c, sim->subs[c->sub].instance))
        status = STATUS_INVALID_PARAMETER;
    trace_call(sim, c, fan, status);
    if (!NT_SUCCESS(status)) {
        sim->stats.plugins[sim->subs[c->sub].plugin].failed++;
        if (fan->status == STATUS_SUCCESS)
            fan->status = status;
    }
    call_release(sim, idx);
    fan->outstanding--;
    fanout_step(sim, fan);
}

static void complete_pending(vs_sim *sim, uint32_t idx, NTSTATUS status)
{
    vs_call *c = &sim->calls[idx];
    vs_time_t now = vs_sim_now(sim);
    uint32_t plugin = sim->subs[c->sub].plugin;
    vs_engine_cancel(sim->engine, c->timeout);
    vs_level_add(&sim->stats.pending, now, -1);
    vs_stats_latency(&sim->stats, VS_LAT_PENDING_COMPLETION, sim->subs[c->sub].host,
                     now - c->pended_at);
    vs_hist_record(&sim->stats.plugins[plugin].latency[VS_LAT_PENDING_COMPLETION],
                   now - c->pended_at);
    call_finish(sim, idx, status);
}

static void on_completion_due(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    uint32_t idx = (uint32_t)arg;
    NTSTATUS status = (NTSTATUS)(uint32_t)(arg >> 32);
    complete_pending(sim, idx, status);
}

/* Decode a completionContext; NO_CALL with a violation recorded when it is not one
 * that is waiting for completion now. */
static uint32_t token_lookup(vs_sim *sim, void *token)
{
    uint64_t v = (uint64_t)(uintptr_t)token;
    uint32_t idx = (uint32_t)v - 1u, gen = (uint32_t)(v >> 32);
    uint32_t who = sim->activity.active ? sim->activity.instance : UINT32_MAX;
    if (token == NULL || (uint32_t)v == 0 || idx >= sim->ncalls ||
        gen > sim->calls[idx].generation) {
        vs_sim_violation(sim, VS_RULE_UNKNOWN_COMPLETION_CONTEXT, who,
                         "FwpsvSwitchNotifyComplete0(%p): not a context WFP handed out", token);
        return NO_CALL;
    }
    if (gen < sim->calls[idx].generation) {
        vs_sim_violation(sim, VS_RULE_DOUBLE_COMPLETION, who,
                         "FwpsvSwitchNotifyComplete0(%p): that request was already completed",
                         token);
        return NO_CALL;
    }
    return idx;
}

void vs_wfp_notify_complete(vs_sim *sim, void *completion_context, NTSTATUS status)
{
    uint32_t idx = token_lookup(sim, completion_context);
    if (idx == NO_CALL)
        return;
    vs_call *c = &sim->calls[idx];
    uint32_t instance = sim->subs[c->sub].instance;
    if (!sim->subs[c->sub].active) /* reported, then completed: the OID must not hang */
        vs_sim_violation(sim, VS_RULE_CALLED_AFTER_UNSUBSCRIBE, instance,
                         "FwpsvSwitchNotifyComplete0 for subscription %u after "
                         "FwpsvSwitchEventsUnsubscribe0 of it",
                         c->sub + 1);
    if (status == STATUS_PENDING) {
        vs_sim_violation(sim, VS_RULE_COMPLETE_WITH_PENDING, instance,
                         "FwpsvSwitchNotifyComplete0 with STATUS_PENDING; treated as a failure");
        status = STATUS_UNSUCCESSFUL;
    }
    switch (c->state) {
    case VS_CALL_RUNNING:
        c->state = VS_CALL_COMPLETED_EARLY;
        c->early_status = status;
        return;
    case VS_CALL_COMPLETED_EARLY:
        vs_sim_violation(sim, VS_RULE_DOUBLE_COMPLETION, instance,
                         "FwpsvSwitchNotifyComplete0 twice inside one callback");
        return;
    case VS_CALL_COMPLETING:
        vs_sim_violation(sim, VS_RULE_DOUBLE_COMPLETION, instance,
                         "FwpsvSwitchNotifyComplete0 twice for one request");
        return;
    case VS_CALL_TIMED_OUT:
        /* Counted, not lost; a second one is then a double completion. */
        sim->stats.plugins[sim->instances[instance].plugin].late_completions++;
        call_release(sim, idx);
        return;
    default:
        break;
    }
    /* What the running activity charged so far passes before its completion lands. */
    vs_time_t delay = vs_sim_activity_cost(sim);
    if (delay == 0) {
        complete_pending(sim, idx, status);
        return;
    }
    vs_engine_cancel(sim->engine, c->timeout);
    c->state = VS_CALL_COMPLETING;
    vs_engine_post(sim->engine, delay, on_completion_due, sim,
                   ((uint64_t)(uint32_t)status << 32) | idx);
}

/* ---- The fan-out ---------------------------------------------------------------- */

/* Calls what may be called now. A call that ends at once steps the fan-out again from
 * inside this loop: that nested step only asks the loop to go on, so that `done`, which
 * may free the fan-out or start the next on it, runs last, with nothing of this frame
 * reading the fan-out after it. */
static void fanout_step(vs_sim *sim, vs_fanout *fan)
{
    if (fan->stepping) {
        fan->again = true;
        return;
    }
    /* Read once: the calls below may write anything, as far as the compiler knows. */
    const bool sequential = sim->cfg->wfp.fanout == VS_FANOUT_SEQUENTIAL;
    const bool reverse = sim->cfg->wfp.order == VS_ORDER_REVERSE && fan->kind != VS_FAN_RESTORE;
    fan->stepping = true;
    do {
        fan->again = false;
        while (fan->next < fan->total) {
            /* Sequential mode stops at the first failure, as WFP fails the OID. */
            if (sequential && (fan->outstanding != 0 || fan->status != STATUS_SUCCESS))
                break;
            uint32_t pos = fan->next++;
            fanout_call(sim, fan, reverse ? fan->total - 1 - pos : pos);
        }
    } while (fan->again);
    fan->stepping = false;
    if (fan->outstanding == 0 && (fan->next >= fan->total || fan->status != STATUS_SUCCESS)) {
        fan->next = fan->total; /* done: a late step must not call `done` twice */
        fan->total = 0;
        if (fan->done) {
            vs_fanout_done_fn done = fan->done;
            fan->done = NULL;
            done(sim, fan);
        }
    }
}

static vs_time_t fanout_after_pause(vs_sim *sim, void *ctx, uint64_t arg)
{
    fanout_step(sim, ctx);
    return 0;
}

void vs_fanout_start(vs_sim *sim, vs_fanout *fan, vs_fanout_kind kind,
                     const vs_fanout_target *where, vs_fanout_done_fn done)
{
    fan->kind = kind;
    fan->host = where->host;
    fan->sw = where->sw;
    fan->port = where->port;
    fan->vm = where->vm;
    fan->nic_index = where->nic_index;
    fan->flags = where->flags;
    fan->policy = where->policy;
    fan->vport = where->vport;
    fan->done = done;
    fan->next = 0;
    const vs_host *h = &sim->hosts[where->host];
    if (!(h->handled_kinds & 1u << kind))
        fan->total = 0;              /* nobody to call: the OID passes down the stack */
    else if (kind != VS_FAN_RESTORE) /* restore: the caller set first_blob and total */
        fan->total = h->nsubs;
    fan->outstanding = 0;
    fan->status = STATUS_SUCCESS;
    fan->pended = fan->timed_out = false;
    fan->stepping = fan->again = false;
    fan->started = vs_sim_now(sim);
    if (h->stack_paused) { /* the OID waits for the stack's restart, callouts or not */
        vs_cpu_submit(sim, where->host, fanout_after_pause, fan, 0);
        return;
    }
    fanout_step(sim, fan);
}

/* ---- Saved state ---------------------------------------------------------------- */

void vs_state_reset(vs_state *st)
{
    st->nblobs = 0;
    st->nbytes = 0;
}

void vs_state_close(vs_state *st)
{
    free(st->blobs);
    free(st->bytes);
    memset(st, 0, sizeof *st);
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

void vs_state_mark_injected(vs_state *st, size_t at)
{
    for (uint32_t i = 0; i < st->nblobs; i++)
        if (at >= st->blobs[i].offset && at - st->blobs[i].offset < st->blobs[i].length)
            st->blobs[i].injected = true;
}

bool vs_state_blob_intact(const vs_state *st, uint32_t i)
{
    const vs_blob *b = &st->blobs[i];
    return b->injected || fnv1a64(st->bytes + b->offset, b->length) == b->checksum;
}

int vs_state_add(vs_state *st, const GUID *provider, uint32_t plugin, const void *bytes, size_t len)
{
    if (VS_GROW(st->blobs, st->blobs_cap, st->nblobs + 1) != 0)
        return -1;
    if (VS_GROW(st->bytes, st->bytes_cap, st->nbytes + len) != 0)
        return -1;
    /* The bytes are a callout's: a bad pointer or length faults here, as its bug. */
    if (vs_probe_copy(st->bytes + st->nbytes, bytes, len) != 0)
        return -2;
    st->blobs[st->nblobs++] =
        (vs_blob){*provider, plugin, st->nbytes, len, fnv1a64(st->bytes + st->nbytes, len), false};
    st->nbytes += len;
    return 0;
}

/* ---- Lifetime events ------------------------------------------------------------ */

static bool lifetime_subscribed(const vs_sim *sim, const vs_host *h)
{
    for (uint32_t i = 0; i < h->nsubs; i++) {
        const vs_subscription *s = &sim->subs[h->subs[i]];
        if (s->active && s->table.vSwitchLifetimeNotifyFn)
            return true;
    }
    return false;
}

/* Switch-wide callbacks (lifetime, reorder) cannot pend: traced as they return. */
static void trace_switch_event(vs_sim *sim, const vs_subscription *s, uint32_t host, uint32_t sw,
                               const char *event, NTSTATUS st, vs_time_t cost)
{
    if (!sim->trace)
        return;
    vs_trace_record r = {.kind = VS_TRACE_CALLBACK,
                         .t = vs_sim_now(sim),
                         .duration = cost,
                         .host = host,
                         .sw = sw,
                         .port = VS_TRACE_NONE,
                         .vm = VS_TRACE_NONE,
                         .nic = VS_TRACE_NONE,
                         .event = event,
                         .plugin = sim->cfg->plugins[s->plugin].name,
                         .status = st};
    sim->trace(sim->trace_ctx, &r);
}

static void lifetime_on_switch(vs_sim *sim, uint32_t host, uint32_t sw,
                               FWPS_VSWITCH_EVENT_TYPE type)
{
    vs_host *h = &sim->hosts[host];
    NDIS_SWITCH_PORT_ARRAY *ports = NULL;
    NDIS_SWITCH_NIC_ARRAY *nics = NULL;
    if (!lifetime_subscribed(sim, h))
        return; /* the arrays cost about 1.6 KB per port: build them only for a reader */
    /* Create reports what the switch already holds; delete reports nothing. */
    if (type == FWPS_VSWITCH_EVENT_VSWITCH_CREATE &&
        vs_topology_switch_arrays(sim, host, sw, vs_sim_now(sim) == 0 && !h->restarted, &ports,
                                  &nics) != 0)
        return vs_sim_out_of_memory(sim);
    for (uint32_t i = 0; i < h->nsubs; i++) {
        const vs_subscription *s = &sim->subs[h->subs[i]];
        if (!s->active || !s->table.vSwitchLifetimeNotifyFn)
            continue;
        vs_sim_activity_begin(sim, s->instance, "lifetime");
        sim->activity.callback = true;
        NTSTATUS st = s->table.vSwitchLifetimeNotifyFn(s->notify_context, type,
                                                       &h->switches[sw].params, ports, nics);
        vs_time_t cost = vs_sim_activity_end(sim);
        check_callback_time(sim, s->instance, cost);
        trace_switch_event(sim, s, host, sw,
                           type == FWPS_VSWITCH_EVENT_VSWITCH_CREATE ? "VSWITCH_CREATE"
                                                                     : "VSWITCH_DELETE",
                           st, cost);
        if (st == STATUS_PENDING)
            vs_sim_violation(sim, VS_RULE_PEND_NOT_ALLOWED, s->instance,
                             "the lifetime callback returned STATUS_PENDING, which it may not");
    }
    free(ports);
    free(nics);
}

void vs_wfp_lifetime_event(vs_sim *sim, uint32_t host, FWPS_VSWITCH_EVENT_TYPE type)
{
    for (uint32_t sw = 0; sw < sim->cfg->topology.switches_per_host; sw++)
        lifetime_on_switch(sim, host, sw, type);
}

/* NDIS_ENUM_FILTERS with the host's extensions in `order`, ingress first. The names
 * are UNICODE_STRINGs pointing into the same block, after the filter records. */
static NDIS_ENUM_FILTERS *filter_list_new(const vs_sim *sim, const uint32_t *order)
{
    size_t n = sim->cfg->extensions.nnames, names = 0;
    for (size_t i = 0; i < n; i++)
        names += strlen(sim->cfg->extensions.names[i]) * sizeof(WCHAR);
    size_t head = offsetof(NDIS_ENUM_FILTERS, Filter), recs = n * sizeof(NDIS_FILTER_INTERFACE);
    NDIS_ENUM_FILTERS *list = calloc(1, sizeof(NDIS_ENUM_FILTERS) + recs + names + 8);
    if (!list)
        return NULL;
    list->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT, NDIS_ENUM_FILTERS_REVISION_1,
                                        (USHORT)NDIS_SIZEOF_ENUM_FILTERS_REVISION_1};
    list->NumberOfFilters = (ULONG)n;
    list->OffsetFirstFilter = (ULONG)head;
    WCHAR *text = (WCHAR *)(void *)((char *)list + head + recs);
    for (size_t i = 0; i < n; i++) {
        NDIS_FILTER_INTERFACE *f = &list->Filter[i];
        const char *name = sim->cfg->extensions.names[order ? order[i] : i];
        size_t len = strlen(name);
        f->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT, NDIS_FILTER_INTERFACE_REVISION_1,
                                         (USHORT)NDIS_SIZEOF_FILTER_INTERFACE_REVISION_1};
        f->FilterInstanceName.Buffer = text;
        f->FilterInstanceName.Length = f->FilterInstanceName.MaximumLength =
            (USHORT)(len * sizeof(WCHAR));
        for (size_t c = 0; c < len; c++)
            *text++ = (WCHAR)(unsigned char)name[c];
    }
    return list;
}

void vs_wfp_reorder_event(vs_sim *sim, uint32_t host, const uint32_t *order)
{
    const vs_host *h = &sim->hosts[host];
    /* WFP's default position is first at ingress (D-REORDER, D-USING). */
    BOOLEAN required = order[0] == sim->cfg->extensions.wfp;
    NDIS_ENUM_FILTERS *list = filter_list_new(sim, order);
    if (!list)
        return vs_sim_out_of_memory(sim);
    for (uint32_t i = 0; i < h->nsubs; i++) {
        const vs_subscription *s = &sim->subs[h->subs[i]];
        if (!s->active || !s->table.vSwitchFilterEngineReorderNotifyRn)
            continue;
        vs_sim_activity_begin(sim, s->instance, "filter engine reorder");
        sim->activity.callback = true;
        /* The reorder callback has a completionContext but may not pend: a token that
         * no call record owns, so a completion of it is reported as unknown. */
        NTSTATUS st = s->table.vSwitchFilterEngineReorderNotifyRn(
            s->notify_context, (void *)(uintptr_t)~0ull, required, list);
        vs_time_t cost = vs_sim_activity_end(sim);
        check_callback_time(sim, s->instance, cost);
        trace_switch_event(sim, s, host, 0, "FILTER_ENGINE_REORDER", st, cost);
        if (st == STATUS_PENDING)
            vs_sim_violation(sim, VS_RULE_PEND_NOT_ALLOWED, s->instance,
                             "the filter engine reorder callback returned STATUS_PENDING, "
                             "which it may not (D-REORDER)");
    }
    free(list);
}

bool vs_wfp_policy_matches(const vs_sim *sim, const vs_subscription *s, uint32_t policy)
{
    uint32_t plugin = sim->policy_plugin ? sim->policy_plugin[policy] : UINT32_MAX;
    if (plugin != UINT32_MAX)
        return s->plugin == plugin;
    return memcmp(&s->provider, sim->cfg->policies[policy].guid, sizeof(GUID)) == 0;
}

void vs_wfp_report_unfinished(vs_sim *sim)
{
    for (uint32_t i = 0; i < sim->ncalls; i++) {
        vs_call *c = &sim->calls[i];
        if (c->state == VS_CALL_PENDING)
            vs_sim_violation(sim, VS_RULE_PENDING_NEVER_COMPLETED, sim->subs[c->sub].instance,
                             "pended at %.6f s and not completed by the end of the run",
                             (double)c->pended_at / 1e9);
    }
}
