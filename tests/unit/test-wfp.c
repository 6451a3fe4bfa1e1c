/*
 * test-wfp.c: WFP's fan-out in the model (sim/model/wfp.c), driven by callouts defined
 * here and subscribed directly: call order, state copied at return or at completion,
 * restore with the exact bytes by provider GUID, failures, timeouts, the checks on
 * completion contexts, and the verifier's rules (the table, turning one off).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/sim.h"
#include "model/wfp.h"
#include "plugin/instance.h"

/* ---- A tiny recording callout -------------------------------------------------- */

typedef struct callout {
    int id; /* which of the test's callouts */
    NTSTATUS save_status;
    NTSTATUS complete_status;
    int complete_inside; /* call NotifyComplete before returning STATUS_PENDING */
    int complete_twice;
    int unsubscribe_first; /* unsubscribe, then complete the pended save */
    UINT32 sub_id;
    vs_time_t complete_after; /* 0: never, unless complete_inside */
    vs_time_t charge;
    int complete_from_thread; /* a pthread of its own completes the pended save */
    pthread_t thread;
    int thread_started;
    const VSWITCHSIM_HOST *host; /* unused: these callouts run without the plugin layer */
    char state[32];
    void *pending_token;
    void **pending_out;
    SIZE_T *pending_len;
    char restored[64];
    SIZE_T restored_len;
    NDIS_SWITCH_PORT_ID restored_port;
} callout;

static vs_sim *g_sim;
static char g_trace[256];

static void trace(const char *s)
{
    strncat(g_trace, s, sizeof g_trace - strlen(g_trace) - 1);
}

/* A deferred completion, as a worker would do it later. */
static void complete_later(vs_engine *eng, void *ctx, uint64_t arg)
{
    callout *c = ctx;
    vs_sim_activity_begin(g_sim, (uint32_t)arg, "routine");
    *c->pending_out = c->state;
    *c->pending_len = strlen(c->state);
    if (c->unsubscribe_first)
        FwpsvSwitchEventsUnsubscribe0(c->sub_id, 0, NULL);
    FwpsvSwitchNotifyComplete0(c->pending_token, c->complete_status, 0, NULL);
    if (c->complete_twice)
        FwpsvSwitchNotifyComplete0(c->pending_token, c->complete_status, 0, NULL);
    vs_sim_activity_end(g_sim);
}

/* A worker thread of the callout's own: no simulation is bound on it. */
static void *complete_on_thread(void *arg)
{
    callout *c = arg;
    *c->pending_out = c->state;
    *c->pending_len = strlen(c->state);
    FwpsvSwitchNotifyComplete0(c->pending_token, c->complete_status, 0, NULL);
    return NULL;
}

static NTSTATUS save_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                        const NDIS_SWITCH_PARAMETERS *sw, NDIS_SWITCH_PORT_ID port, void **state,
                        SIZE_T *len)
{
    callout *c = nctx;
    char mark[32];
    snprintf(mark, sizeof mark, "S%d@%lu ", c->id, (unsigned long)(vs_sim_now(g_sim) / 1000));
    trace(mark);
    cr_assert_eq(t, FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE);
    if (c->charge)
        vs_sim_charge(g_sim, g_sim->activity.instance, c->charge);
    snprintf(c->state, sizeof c->state, "state-of-%d-port-%u", c->id, port);
    if (c->save_status == STATUS_PENDING) {
        c->pending_token = token;
        c->pending_out = state;
        c->pending_len = len;
        if (c->complete_inside) {
            *state = c->state;
            *len = strlen(c->state);
            FwpsvSwitchNotifyComplete0(token, c->complete_status, 0, NULL);
        } else if (c->complete_from_thread) {
            cr_assert_eq(pthread_create(&c->thread, NULL, complete_on_thread, c), 0);
            c->thread_started = 1;
        } else if (c->complete_after) {
            vs_engine_schedule(g_sim->engine, c->complete_after, complete_later, c,
                               g_sim->activity.instance);
        }
        return STATUS_PENDING;
    }
    *state = c->state;
    *len = strlen(c->state);
    return c->save_status;
}

static NTSTATUS restore_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                           const NDIS_SWITCH_PARAMETERS *sw, NDIS_SWITCH_PORT_ID port, void *state,
                           SIZE_T len)
{
    callout *c = nctx;
    char mark[32];
    snprintf(mark, sizeof mark, "R%d ", c->id);
    trace(mark);
    cr_assert_eq(t, FWPS_VSWITCH_EVENT_RUNTIME_STATE_RESTORE);
    cr_assert_leq(len, sizeof c->restored);
    memcpy(c->restored, state, len);
    c->restored_len = len;
    c->restored_port = port;
    return STATUS_SUCCESS;
}

/* ---- Harness --------------------------------------------------------------------- */

#define NCALLOUTS 3
static vs_plugin_spec g_specs[NCALLOUTS] = {
    {"c0", "c0.so", "{}"}, {"c1", "c1.so", "{}"}, {"c2", "c2.so", "{}"}};
static callout g_callouts[NCALLOUTS][2]; /* [callout][host] */
static vs_config g_cfg;
static int g_shared_guid; /* every callout subscribes with callout 0's provider GUID */

static void make_config(size_t ncallouts)
{
    memset(&g_cfg, 0, sizeof g_cfg);
    g_cfg.name = "wfp-test";
    g_cfg.seed = 7;
    g_cfg.topology.hosts = 2;
    g_cfg.topology.switches_per_host = 1;
    g_cfg.topology.vms_per_host = 1;
    g_cfg.topology.nics_per_vm = 1;
    g_cfg.topology.cpus_per_host = 16;
    g_cfg.plugins = g_specs;
    g_cfg.nplugins = ncallouts;
    g_cfg.wfp.fanout = VS_FANOUT_SEQUENTIAL;
    g_cfg.wfp.order = VS_ORDER_SUBSCRIPTION;
    g_cfg.wfp.pending_timeout = 50 * 1000000ull;
    g_cfg.wfp.segments = VS_SEGMENTS_PER_CALLOUT;
    g_cfg.ndis.oid_cost = 0;
    g_cfg.ndis.oversize = VS_OVERSIZE_FAIL;
    g_cfg.migration.max_per_host = 2;
    vs_dist_constant(&g_cfg.migration.precopy, 0);
    vs_dist_constant(&g_cfg.migration.pause, 0);
    vs_dist_constant(&g_cfg.migration.latency, 1000000);
    vs_dist_constant(&g_cfg.migration.disk_time, 0);
    g_cfg.migration.bandwidth_bytes_per_s = 1.25e9;
    g_cfg.migration.timeout = 10ull * 1000000000ull;
    g_cfg.migration.placement = VS_PLACE_LEAST_LOADED;
    g_cfg.workload.kind = VS_WORKLOAD_POISSON;
    g_cfg.workload.operation = VS_OP_MIGRATE;
    g_cfg.workload.rate_per_s = 1000;
    g_cfg.workload.max_operations = 1;
    vs_dist_constant(&g_cfg.workload.think, 0);
    g_cfg.run.duration = 10ull * 1000000000ull;
    g_cfg.run.drain = 10ull * 1000000000ull;
    g_cfg.metrics.histogram_rel_error = 0.01;
    memset(g_callouts, 0, sizeof g_callouts);
    g_shared_guid = 0;
    g_trace[0] = '\0';
}

/* Every callout subscribes on both hosts with a GUID of its own, shared across hosts. */
static void subscribe_all(void)
{
    g_sim = vs_sim_new(&g_cfg);
    cr_assert_not_null(g_sim);
    vs_kernel_bind(g_sim);
    for (uint32_t p = 0; p < g_cfg.nplugins; p++)
        for (uint32_t h = 0; h < 2; h++) {
            callout *c = &g_callouts[p][h];
            c->id = (int)p;
            if (c->save_status == 0 && c->complete_status == 0)
                c->complete_status = STATUS_SUCCESS;
            GUID g = {.Data1 = 0x1000 + (g_shared_guid ? 0 : p)};
            FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table = {.vSwitchRuntimeStateSaveNotifyFn = save_cb,
                                                        .vSwitchRuntimeStateRestoreNotifyFn =
                                                            restore_cb};
            UINT32 id = 0;
            vs_kernel_set_entry_instance(
                (uint32_t)(vs_sim_instance(g_sim, p, h) - g_sim->instances));
            cr_assert_eq(FwpsvSwitchEventsSubscribe0(&g, c, 0, NULL, &table, &id), STATUS_SUCCESS);
            cr_assert_neq(id, 0);
            c->sub_id = id;
        }
    vs_kernel_set_entry_instance(UINT32_MAX);
}

static void finish(void)
{
    vs_kernel_bind(NULL);
    vs_sim_free(g_sim);
    g_sim = NULL;
}

/* Which host the single NIC's save ran on: the callout on the other host restored. */
static callout *saver(int p)
{
    return g_callouts[p][0].state[0] ? &g_callouts[p][0] : &g_callouts[p][1];
}

static callout *restorer(int p)
{
    return g_callouts[p][0].state[0] ? &g_callouts[p][1] : &g_callouts[p][0];
}

static void pend_on_every_host(int p, vs_time_t complete_after)
{
    for (int h = 0; h < 2; h++) {
        g_callouts[p][h].save_status = STATUS_PENDING;
        g_callouts[p][h].complete_status = STATUS_SUCCESS;
        g_callouts[p][h].complete_after = complete_after;
    }
}

Test(wfp, sequential_fanout_calls_in_subscription_order)
{
    make_config(3);
    subscribe_all();
    cr_assert_eq(vs_sim_run(g_sim), 0);
    cr_assert(strstr(g_trace, "S0") < strstr(g_trace, "S1"));
    cr_assert(strstr(g_trace, "S1") < strstr(g_trace, "S2"));
    cr_assert(strstr(g_trace, "R0") && strstr(g_trace, "R1") && strstr(g_trace, "R2"), "%s",
              g_trace);
    cr_assert_eq(g_sim->stats.saves.completed, 1);
    cr_assert_eq(g_sim->stats.restores.completed, 1);
    finish();
}

Test(wfp, reverse_order_option)
{
    make_config(3);
    g_cfg.wfp.order = VS_ORDER_REVERSE;
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert(strstr(g_trace, "S2") < strstr(g_trace, "S1"), "%s", g_trace);
    cr_assert(strstr(g_trace, "S1") < strstr(g_trace, "S0"), "%s", g_trace);
    finish();
}

Test(wfp, restore_gets_exact_bytes_by_provider_guid_on_other_host)
{
    make_config(2);
    subscribe_all();
    vs_sim_run(g_sim);
    for (int p = 0; p < 2; p++) {
        callout *s = saver(p), *r = restorer(p);
        cr_assert_neq(s, r);
        cr_assert_eq(r->restored_len, strlen(s->state));
        cr_assert_eq(memcmp(r->restored, s->state, r->restored_len), 0);
    }
    /* The VM moved to the other host. */
    cr_assert_eq(g_sim->stats.migrations.completed, 1);
    cr_assert_eq(g_sim->hosts[g_sim->vms[0].host].vms_here, 2); /* joined the other VM */
    cr_assert_eq(g_sim->hosts[1 - g_sim->vms[0].host].vms_here, 0);
    cr_assert_eq(g_sim->stats.state_bytes, strlen(saver(0)->state) + strlen(saver(1)->state));
    finish();
}

Test(wfp, error_status_fails_the_save_and_stops_the_sequence)
{
    make_config(3);
    for (int h = 0; h < 2; h++)
        g_callouts[1][h].save_status = STATUS_UNSUCCESSFUL;
    subscribe_all();
    for (int h = 0; h < 2; h++) /* subscribe_all filled complete_status only */
        g_callouts[1][h].save_status = STATUS_UNSUCCESSFUL;
    vs_sim_run(g_sim);
    cr_assert(strstr(g_trace, "S1"));
    cr_assert_null(strstr(g_trace, "S2"), "sequential fan-out went on after a failure: %s",
                   g_trace);
    cr_assert_null(strstr(g_trace, "R"), "a failed save was restored: %s", g_trace);
    cr_assert_eq(g_sim->stats.saves.failed, 1);
    cr_assert_eq(g_sim->stats.plugins[1].failed, 1);
    cr_assert_eq(g_sim->stats.migrations.failed, 1);
    finish();
}

Test(wfp, parallel_fanout_calls_everyone_at_once)
{
    make_config(3);
    g_cfg.wfp.fanout = VS_FANOUT_PARALLEL;
    subscribe_all();
    for (int h = 0; h < 2; h++)
        g_callouts[0][h].charge = 5000; /* 5 us: sequential would delay the next call */
    vs_sim_run(g_sim);
    /* All three saves at the same virtual microsecond. */
    char *s0 = strstr(g_trace, "S0@"), *s2 = strstr(g_trace, "S2@");
    cr_assert(s0 && s2);
    cr_assert_eq(strtoul(s0 + 3, NULL, 10), strtoul(s2 + 3, NULL, 10), "%s", g_trace);
    finish();
}

Test(wfp, charged_cpu_delays_the_next_sequential_call)
{
    make_config(2);
    subscribe_all();
    for (int h = 0; h < 2; h++)
        g_callouts[0][h].charge = 7000; /* 7 us */
    vs_sim_run(g_sim);
    char *s0 = strstr(g_trace, "S0@"), *s1 = strstr(g_trace, "S1@");
    cr_assert_eq(strtoul(s1 + 3, NULL, 10) - strtoul(s0 + 3, NULL, 10), 7, "%s", g_trace);
    cr_assert_eq(g_sim->stats.plugins[0].latency[VS_LAT_CALLBACK].max, 7000);
    vs_stats_sync(&g_sim->stats); /* the all-plugins histogram is made for its readers */
    cr_assert_eq(g_sim->stats.latency[VS_LAT_CALLBACK].max, 7000);
    finish();
}

Test(wfp, pending_completion_inside_the_callback_counts_once)
{
    make_config(1);
    for (int h = 0; h < 2; h++) {
        g_callouts[0][h].save_status = STATUS_PENDING;
        g_callouts[0][h].complete_status = STATUS_SUCCESS;
        g_callouts[0][h].complete_inside = 1;
    }
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.saves.completed, 1);
    cr_assert_eq(g_sim->stats.saves.pended, 1);
    cr_assert_eq(g_sim->stats.latency[VS_LAT_PENDING_COMPLETION].count, 1);
    cr_assert_eq(g_sim->stats.violations.total, 0);
    cr_assert_eq(memcmp(restorer(0)->restored, saver(0)->state, strlen(saver(0)->state)), 0);
    finish();
}

Test(wfp, pended_save_never_completed_times_out)
{
    make_config(1);
    pend_on_every_host(0, 0);
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.saves.failed, 1);
    cr_assert_eq(g_sim->stats.saves.timed_out, 1);
    cr_assert_eq(g_sim->stats.plugins[0].timed_out, 1);
    cr_assert_eq(g_sim->stats.pending.total.level, 0);
    cr_assert_eq(g_sim->stats.violations.total, 1);
    cr_assert_str_eq(g_sim->stats.violations.kept[0].rule, "pending_never_completed");
    finish();
}

Test(wfp, deferred_completion_is_read_then_and_timed)
{
    make_config(1);
    pend_on_every_host(0, 3000000); /* completes 3 ms after pending */
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.saves.completed, 1);
    cr_assert_eq(g_sim->stats.saves.pended, 1);
    const vs_hist *h = &g_sim->stats.latency[VS_LAT_PENDING_COMPLETION];
    cr_assert_eq(h->count, 1);
    cr_assert_eq(h->min, 3000000);
    /* The out-parameters were written just before completion and read then. */
    cr_assert_eq(memcmp(restorer(0)->restored, saver(0)->state, strlen(saver(0)->state)), 0);
    cr_assert_eq(g_sim->stats.pending.total.peak, 1);
    cr_assert_eq(g_sim->stats.violations.total, 0);
    finish();
}

Test(wfp, double_completion_is_caught_by_name)
{
    make_config(1);
    pend_on_every_host(0, 1000);
    for (int h = 0; h < 2; h++)
        g_callouts[0][h].complete_twice = 1;
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.saves.completed, 1);
    cr_assert_eq(g_sim->stats.violations.total, 1);
    cr_assert_str_eq(g_sim->stats.violations.kept[0].rule, "double_completion");
    cr_assert_str_eq(g_sim->stats.violations.kept[0].plugin, "c0");
    finish();
}

Test(wfp, late_completion_after_timeout_is_counted_not_lost)
{
    make_config(1);
    pend_on_every_host(0, 80000000); /* 80 ms, after the 50 ms timeout */
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.saves.timed_out, 1);
    cr_assert_eq(g_sim->stats.plugins[0].late_completions, 1);
    cr_assert_eq(g_sim->stats.violations.total, 1); /* the timeout, not the late completion */
    finish();
}

Test(wfp, unknown_completion_context_is_a_violation_not_a_crash)
{
    make_config(1);
    subscribe_all();
    FwpsvSwitchNotifyComplete0((void *)(uintptr_t)0xdeadbeef12345678ull, STATUS_SUCCESS, 0, NULL);
    FwpsvSwitchNotifyComplete0(NULL, STATUS_SUCCESS, 0, NULL);
    cr_assert_eq(g_sim->stats.violations.total, 2);
    cr_assert_str_eq(g_sim->stats.violations.kept[0].rule, "unknown_completion_context");
    finish();
}

Test(wfp, unsubscribed_callout_is_not_called)
{
    make_config(2);
    subscribe_all();
    for (uint32_t i = 0; i < g_sim->nsubs; i++)
        if (g_sim->instances[g_sim->subs[i].instance].plugin == 1)
            FwpsvSwitchEventsUnsubscribe0(i + 1, 0, NULL);
    vs_sim_run(g_sim);
    cr_assert_null(strstr(g_trace, "S1"), "%s", g_trace);
    cr_assert(strstr(g_trace, "S0"));
    finish();
}

Test(wfp, subscribe_outside_an_entry_is_refused)
{
    make_config(1);
    g_sim = vs_sim_new(&g_cfg);
    vs_kernel_bind(g_sim);
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table = {0};
    UINT32 id = 0;
    cr_assert_eq(FwpsvSwitchEventsSubscribe0(NULL, NULL, 0, NULL, &table, &id),
                 STATUS_INVALID_DEVICE_STATE);
    finish();
}

/* ---- The verifier's rules ------------------------------------------------------------ */

Test(verifier, rule_table_names_are_unique_and_looked_up)
{
    for (int r = 0; r < VS_RULE_COUNT; r++) {
        cr_assert_eq(vs_rule_lookup(vs_rule_name((vs_rule)r)), r);
        cr_assert_neq(vs_rule_description((vs_rule)r)[0], '\0');
    }
    cr_assert_eq(vs_rule_lookup("no_such_rule"), -1);
    cr_assert_str_eq(vs_rule_name(VS_RULE_DOUBLE_COMPLETION), "double_completion");
    cr_assert_str_eq(vs_rule_name(VS_RULE_RESTORE_STATE_MISMATCH), "restore_state_mismatch");
}

Test(verifier, blob_checksum_catches_a_changed_byte_unless_injected)
{
    vs_state st = {0};
    GUID g = {.Data1 = 1};
    cr_assert_eq(vs_state_add(&st, &g, 0, "abcd", 4), 0);
    cr_assert_eq(vs_state_add(&st, &g, 1, "efgh", 4), 0);
    cr_assert(vs_state_blob_intact(&st, 0) && vs_state_blob_intact(&st, 1));
    st.bytes[5] ^= 1; /* in the second blob */
    cr_assert(vs_state_blob_intact(&st, 0));
    cr_assert_not(vs_state_blob_intact(&st, 1));
    vs_state_mark_injected(&st, 5);
    cr_assert(vs_state_blob_intact(&st, 1));
    cr_assert_not(st.blobs[0].injected);
    vs_state_close(&st);
}

Test(verifier, restore_of_another_callouts_state_is_a_mismatch)
{
    make_config(2);
    g_shared_guid = 1; /* c1's blob goes to c0, the first subscriber with that GUID */
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.violations.total, 1);
    cr_assert_str_eq(g_sim->stats.violations.kept[0].rule, "restore_state_mismatch");
    cr_assert_str_eq(g_sim->stats.violations.kept[0].plugin, "c0");
    cr_assert(strstr(g_sim->stats.violations.kept[0].detail, "\"c1\""));
    finish();
}

Test(verifier, a_disabled_rule_records_nothing)
{
    make_config(2);
    g_shared_guid = 1;
    g_cfg.verifier.disabled = VS_RULE_BIT(VS_RULE_RESTORE_STATE_MISMATCH);
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.violations.total, 0);
    finish();
}

Test(verifier, callback_over_the_bound_is_too_long)
{
    make_config(1);
    g_cfg.verifier.max_callback_time = 10 * 1000000ull;
    for (int h = 0; h < 2; h++)
        g_callouts[0][h].charge = 20 * 1000000ull;
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.violations.total, 1); /* the save; restore_cb charges nothing */
    cr_assert_str_eq(g_sim->stats.violations.kept[0].rule, "callback_too_long");
    finish();
}

Test(verifier, completion_after_unsubscribe_is_reported_and_still_lands)
{
    make_config(1);
    pend_on_every_host(0, 1000);
    for (int h = 0; h < 2; h++)
        g_callouts[0][h].unsubscribe_first = 1;
    subscribe_all();
    vs_sim_run(g_sim);
    cr_assert_eq(g_sim->stats.violations.total, 1);
    cr_assert_str_eq(g_sim->stats.violations.kept[0].rule, "called_after_unsubscribe");
    cr_assert_eq(g_sim->stats.saves.completed, 1); /* it still landed */
    finish();
}

/* ---- Completions from other threads (run.clock "realtime") ------------------------- */

static void join_threads(void)
{
    for (int p = 0; p < NCALLOUTS; p++)
        for (int h = 0; h < 2; h++)
            if (g_callouts[p][h].thread_started)
                pthread_join(g_callouts[p][h].thread, NULL);
}

Test(wfp, realtime_takes_completions_from_other_threads)
{
    make_config(2);
    g_cfg.run.realtime = true;
    g_cfg.run.speed = 100;                            /* 100 ms simulated per wall ms */
    g_cfg.wfp.pending_timeout = 5ull * 1000000000ull; /* 50 ms of wall time for the thread */
    for (int h = 0; h < 2; h++) {
        g_callouts[1][h].save_status = STATUS_PENDING;
        g_callouts[1][h].complete_status = STATUS_SUCCESS;
        g_callouts[1][h].complete_from_thread = 1;
    }
    subscribe_all();
    cr_assert_eq(vs_sim_run(g_sim), 0);
    join_threads();
    cr_assert_eq(g_sim->stats.saves.completed, 1);
    cr_assert_eq(g_sim->stats.restores.completed, 1);
    cr_assert_eq(g_sim->stats.plugins[1].pended, 1);
    cr_assert_eq(g_sim->stats.realtime.foreign_completions, 1);
    cr_assert(g_sim->stats.realtime.active);
    cr_assert_eq(g_sim->stats.violations.total, 0);
    cr_assert_str_eq(restorer(1)->restored, saver(1)->state);
    finish();
}

/* A progress hook as slow as the supervisor's snapshot of a long run under TSan: its
 * first call stands for 1 s of wall time (100 s simulated at speed 100). */
static int g_slow_hook_calls;
static vs_time_t g_slow_hook_at;

static void slow_progress(void *ctx, vs_time_t now, vs_time_t end, uint64_t events)
{
    if (g_slow_hook_calls++ == 0) {
        g_slow_hook_at = now;
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
}

/* Buggy result (before the clock stopped across the hooks): the hook's second was
 * simulated time the engine then caught up with in one go, without taking completions,
 * so the save pended in that catch-up timed out (pending_never_completed) although its
 * thread completed it at once. Expected: it completes; the run's simulated time does
 * not include the hook's second. */
Test(wfp, realtime_clock_stops_while_the_progress_hook_runs, .timeout = 30)
{
    make_config(2);
    g_cfg.run.realtime = true;
    g_cfg.run.speed = 100;                             /* 100 ms simulated per wall ms */
    g_cfg.wfp.pending_timeout = 20ull * 1000000000ull; /* 200 ms of wall time */
    g_cfg.workload.rate_per_s = 0.1;                   /* the one save comes after the hook */
    g_cfg.run.duration = 200ull * 1000000000ull;
    for (int h = 0; h < 2; h++) {
        g_callouts[1][h].save_status = STATUS_PENDING;
        g_callouts[1][h].complete_status = STATUS_SUCCESS;
        g_callouts[1][h].complete_from_thread = 1;
    }
    subscribe_all();
    g_slow_hook_calls = 0;
    g_sim->progress = slow_progress;
    cr_assert_eq(vs_sim_run(g_sim), 0);
    join_threads();
    cr_assert_gt(g_slow_hook_calls, 1);
    const char *save = strstr(g_trace, "S1@"); /* "S1@<microseconds>" */
    cr_assert_not_null(save, "%s", g_trace);
    cr_assert_gt(strtoull(save + 3, NULL, 10) * 1000, g_slow_hook_at, "%s; hook at %llu ns",
                 g_trace, (unsigned long long)g_slow_hook_at);
    cr_assert_eq(g_sim->stats.plugins[1].timed_out, 0);
    cr_assert_eq(g_sim->stats.violations.total, 0);
    cr_assert_eq(g_sim->stats.saves.completed, 1);
    cr_assert_geq(g_sim->stats.realtime.paused_ns, 1000000000u);
    finish();
}

Test(wfp, foreign_thread_completion_in_virtual_time_is_ignored)
{
    make_config(1);
    g_callouts[0][0].save_status = g_callouts[0][1].save_status = STATUS_PENDING;
    g_callouts[0][0].complete_from_thread = g_callouts[0][1].complete_from_thread = 1;
    subscribe_all();
    cr_assert_eq(vs_sim_run(g_sim), 0);
    join_threads();
    cr_assert_eq(g_sim->stats.plugins[0].timed_out, 1);
    cr_assert_eq(g_sim->stats.saves.completed, 0);
    cr_assert(!g_sim->stats.realtime.active);
    finish();
}
