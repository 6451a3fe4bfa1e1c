/*
 * test-migration.c: the migration state machine (sim/model/migration.c) and its tables
 * (sim/model/sequence.c). The tables are checked as data (every flow reaches its ends,
 * no state is left without a way out); then every transition is driven for real: a
 * callout defined here refuses one event at a time on one host, and the test compares
 * the path the migration took (sim->on_transition), what each host's callout saw, and
 * the counts, with the documented consequence (docs/sequence.md). Last, placement's
 * targets as vs_migration_host_changed updates them (draining, slots) and the queue of
 * one operation at a time per VM.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/migration.h"
#include "model/nic_ops.h"
#include "model/sequence.h"
#include "model/sim.h"
#include "plugin/instance.h"

/* ---- The tables, as data ------------------------------------------------------------- */

/* The ok path of a flow from WAITING, as "A>B>C". */
static void ok_path(vs_flow flow, char *out, size_t cap)
{
    vs_mig_state s = VS_MIG_WAITING;
    snprintf(out, cap, "%s", vs_mig_state_name(s));
    for (int guard = 0; guard < VS_MIG_STATES && !vs_mig_state_final(s); guard++) {
        s = vs_flow_next(flow, s, VS_EV_OK);
        size_t n = strlen(out);
        snprintf(out + n, cap - n, ">%s", vs_mig_state_name(s));
    }
}

Test(sequence, every_flow_reaches_online_when_all_goes_well)
{
    static const char *const want[VS_FLOWS] = {
        [VS_FLOW_MIGRATE] = "WAITING>VALIDATE>PORT_SETUP>PRECOPY>SAVE>SRC_TEARDOWN>TRANSFER>"
                            "NIC_CONNECT>RESTORE>ONLINE",
        [VS_FLOW_MIGRATE_LEGACY] = "WAITING>PRECOPY>SAVE>TRANSFER>LEGACY_RESTORE>SRC_TEARDOWN>"
                                   "ONLINE",
        [VS_FLOW_LOCAL] = "WAITING>SAVE>SRC_TEARDOWN>DISK>VALIDATE>PORT_SETUP>NIC_CONNECT>"
                          "RESTORE>ONLINE",
        [VS_FLOW_LOCAL_LEGACY] = "WAITING>SAVE>SRC_TEARDOWN>DISK>LEGACY_RESTORE>ONLINE",
        [VS_FLOW_POWER_ON] = "WAITING>VALIDATE>PORT_SETUP>NIC_CONNECT>ONLINE"};
    char got[256];
    for (int f = 0; f < VS_FLOWS; f++) {
        ok_path((vs_flow)f, got, sizeof got);
        cr_expect_str_eq(got, want[f], "flow %s", vs_flow_name((vs_flow)f));
    }
}

/* Every state a flow can reach has its way out on both events, but for the timed ones
 * that only fail by a blackout timeout; final states have none. */
Test(sequence, reachable_states_are_never_dead_ends)
{
    for (int f = 0; f < VS_FLOWS; f++) {
        bool seen[VS_MIG_STATES] = {false};
        vs_mig_state stack[64];
        int top = 0;
        stack[top++] = VS_MIG_WAITING;
        seen[VS_MIG_WAITING] = true;
        while (top > 0) {
            vs_mig_state s = stack[--top];
            for (int ev = 0; ev < VS_MIG_EVENTS; ev++) {
                vs_mig_state to = vs_flow_next((vs_flow)f, s, (vs_mig_event)ev);
                if (vs_mig_state_final(s)) {
                    cr_expect_eq(to, VS_MIG_NONE);
                    continue;
                }
                bool may_lack_failure = s == VS_MIG_WAITING || s == VS_MIG_PRECOPY ||
                                        s == VS_MIG_DISK;
                if (ev == VS_EV_FAILED && may_lack_failure)
                    continue;
                cr_expect_neq(to, VS_MIG_NONE, "flow %s: %s has no way out on %s",
                              vs_flow_name((vs_flow)f), vs_mig_state_name(s),
                              ev == VS_EV_OK ? "ok" : "failed");
                if (to != VS_MIG_NONE && !seen[to]) {
                    seen[to] = true;
                    stack[top++] = to;
                }
            }
        }
    }
}

/* D-LMS: nothing on the source changes before step 4. Every failure before the save
 * ends with the VM running at the source. */
Test(sequence, failures_before_the_source_teardown_leave_the_vm_at_the_source)
{
    static const vs_mig_state before[] = {VS_MIG_VALIDATE, VS_MIG_PORT_SETUP, VS_MIG_SAVE};
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
        vs_mig_state s = vs_flow_next(VS_FLOW_MIGRATE, before[i], VS_EV_FAILED);
        for (int guard = 0; guard < 8 && !vs_mig_state_final(s); guard++)
            s = vs_flow_next(VS_FLOW_MIGRATE, s, VS_EV_FAILED);
        cr_expect_eq(s, VS_MIG_FAILED, "after %s", vs_mig_state_name(before[i]));
    }
}

Test(sequence, blackout_parts_are_the_states_from_pause_to_online)
{
    static const vs_mig_state in[] = {VS_MIG_SAVE, VS_MIG_SRC_TEARDOWN, VS_MIG_TRANSFER,
                                      VS_MIG_NIC_CONNECT, VS_MIG_RESTORE};
    for (int p = 0; p < VS_BO_PARTS; p++)
        cr_expect_eq(vs_flow_blackout_part(VS_FLOW_MIGRATE, in[p]), p);
    cr_expect_eq(vs_flow_blackout_part(VS_FLOW_MIGRATE, VS_MIG_PRECOPY), VS_BO_NONE);
    cr_expect_eq(vs_flow_blackout_part(VS_FLOW_MIGRATE, VS_MIG_PORT_SETUP), VS_BO_NONE);
    cr_expect_eq(vs_flow_blackout_part(VS_FLOW_LOCAL, VS_MIG_SAVE), VS_BO_NONE);
}

/* Each NIC part's rows point inside the part, and its all-ok walk ends well. */
Test(sequence, nic_parts_are_well_formed)
{
    for (int p = 0; p < VS_PART_COUNT; p++) {
        uint32_t n;
        const vs_nic_row *rows = vs_nic_part_rows((vs_nic_part)p, &n);
        cr_assert_gt(n, 0);
        for (uint32_t r = 0; r < n; r++) {
            cr_expect(rows[r].on_ok >= VS_ROW_END_OK || rows[r].on_ok > r, "%s row %u",
                      vs_nic_part_name((vs_nic_part)p), r);
            cr_expect(rows[r].on_fail >= VS_ROW_END_OK || rows[r].on_fail < n);
            cr_expect_lt(rows[r].step, VS_STEP_COUNT);
        }
    }
}

Test(sequence, a_refused_validation_policy_still_deletes_the_validation_port)
{
    uint32_t n;
    const vs_nic_row *rows = vs_nic_part_rows(VS_PART_VALIDATE, &n);
    cr_assert_eq(rows[1].step, VS_STEP_VPOLICY);
    uint8_t next = rows[1].on_fail;
    cr_assert_lt(next, n);
    cr_expect_eq(rows[next].step, VS_STEP_VPORT_DELETE);
    cr_expect_eq(rows[next].on_ok, VS_ROW_END_FAILED);
}

/* ---- The machine, driven --------------------------------------------------------------- */

/* What the test callout refuses (STATUS_DATA_NOT_ACCEPTED), on one host. */
typedef enum refusal {
    R_NONE,
    R_VPORT,
    R_VPOLICY,
    R_PORT,
    R_POLICY,
    R_SAVE,
    R_IFACE_CREATE,
    R_IFACE_CONNECT,
    R_RESTORE
} refusal;

#define HOSTS 3
static vs_sim *g_sim;
static vs_config g_cfg;
static vs_plugin_spec g_spec = {"t", "t.so", "{}"};
static vs_policy g_policy = {.plugin = "t", .version = 1};
static refusal g_refuse;
static uint32_t g_refuse_host;
static char g_seen[HOSTS][1024]; /* per host: the events its callout got */
static bool g_pend_interface;    /* the interface callback returns STATUS_PENDING */
static bool g_subscribe_in_port; /* the port callback subscribes (PASSIVE_LEVEL only) */
static char g_path[1024];        /* the transitions: "A>B B>C ..." */

static void seen(uint32_t host, const char *ev)
{
    strncat(g_seen[host], ev, sizeof g_seen[host] - strlen(g_seen[host]) - 2);
    strcat(g_seen[host], " ");
}

static uint32_t host_of_ctx(void *nctx)
{
    return (uint32_t)(uintptr_t)nctx;
}

static bool refuse(void *nctx, refusal what)
{
    return g_refuse == what && host_of_ctx(nctx) == g_refuse_host;
}

#define DENY STATUS_DATA_NOT_ACCEPTED

static NTSTATUS port_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                        const NDIS_SWITCH_PARAMETERS *sw, const NDIS_SWITCH_PORT_PARAMETERS *p)
{
    bool v = p->IsValidationPort;
    bool create = t == FWPS_VSWITCH_EVENT_PORT_CREATE;
    if (g_subscribe_in_port && create) {
        FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 none = {0};
        GUID g = {.Data1 = 0xbad};
        UINT32 id;
        FwpsvSwitchEventsSubscribe0(&g, NULL, 0, NULL, &none, &id);
    }
    seen(host_of_ctx(nctx), create ? (v ? "VPC" : "PC") : (v ? "VPD" : "PD"));
    if (create && refuse(nctx, v ? R_VPORT : R_PORT))
        return DENY;
    return STATUS_SUCCESS;
}

static NTSTATUS policy_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                          const NDIS_SWITCH_PARAMETERS *sw,
                          const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *p,
                          const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *d)
{
    seen(host_of_ctx(nctx), "POL");
    /* Which port it is for: the validation port is the one still without a NIC. */
    if (refuse(nctx, R_VPOLICY) && strstr(g_seen[host_of_ctx(nctx)], "VPD") == NULL)
        return DENY;
    if (refuse(nctx, R_POLICY) && strstr(g_seen[host_of_ctx(nctx)], "VPD") != NULL)
        return DENY;
    return STATUS_SUCCESS;
}

static NTSTATUS iface_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                         const NDIS_SWITCH_PARAMETERS *sw, const NDIS_SWITCH_NIC_PARAMETERS *n)
{
    static const char *const names[] = {[FWPS_VSWITCH_EVENT_INTERFACE_CREATE] = "IC",
                                        [FWPS_VSWITCH_EVENT_INTERFACE_DELETE] = "ID",
                                        [FWPS_VSWITCH_EVENT_INTERFACE_CONNECT] = "ICON",
                                        [FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT] = "IDIS"};
    seen(host_of_ctx(nctx), names[t]);
    if (g_pend_interface) { /* completes at once, inside: still a pend it may not make */
        FwpsvSwitchNotifyComplete0(token, STATUS_SUCCESS, 0, NULL);
        return STATUS_PENDING;
    }
    if (t == FWPS_VSWITCH_EVENT_INTERFACE_CREATE && refuse(nctx, R_IFACE_CREATE))
        return DENY;
    if (t == FWPS_VSWITCH_EVENT_INTERFACE_CONNECT && refuse(nctx, R_IFACE_CONNECT))
        return DENY;
    return STATUS_SUCCESS;
}

static char g_blob[] = "state";

static NTSTATUS save_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                        const NDIS_SWITCH_PARAMETERS *sw, NDIS_SWITCH_PORT_ID port, void **state,
                        SIZE_T *len)
{
    seen(host_of_ctx(nctx), "S");
    *state = g_blob;
    *len = sizeof g_blob;
    return refuse(nctx, R_SAVE) ? DENY : STATUS_SUCCESS;
}

static NTSTATUS restore_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                           const NDIS_SWITCH_PARAMETERS *sw, NDIS_SWITCH_PORT_ID port, void *state,
                           SIZE_T len)
{
    seen(host_of_ctx(nctx), "R");
    return refuse(nctx, R_RESTORE) ? DENY : STATUS_SUCCESS;
}

static void on_transition(void *ctx, uint32_t vm, int from, int event, int to)
{
    size_t n = strlen(g_path);
    snprintf(g_path + n, sizeof g_path - n, "%s%s%s%s", n ? " " : "",
             vs_mig_state_name((vs_mig_state)from), event == VS_EV_OK ? ">" : "!",
             vs_mig_state_name((vs_mig_state)to));
}

static void setup(void)
{
    memset(&g_cfg, 0, sizeof g_cfg);
    g_cfg.name = "migration-test";
    g_cfg.seed = 3;
    g_cfg.topology.hosts = HOSTS;
    g_cfg.topology.switches_per_host = 1;
    g_cfg.topology.vms_per_host = 1;
    g_cfg.topology.nics_per_vm = 1;
    g_cfg.topology.cpus_per_host = 4;
    g_cfg.plugins = &g_spec;
    g_cfg.nplugins = 1;
    g_cfg.policies = &g_policy;
    g_cfg.npolicies = 1;
    g_cfg.wfp.pending_timeout = 50 * 1000000ull;
    g_cfg.wfp.segments = VS_SEGMENTS_PER_CALLOUT;
    g_cfg.ndis.oid_cost = 1000;
    g_cfg.migration.max_per_host = 2;
    g_cfg.migration.max_destinations = 3;
    vs_dist_constant(&g_cfg.migration.precopy, 1000000);
    vs_dist_constant(&g_cfg.migration.pause, 10000);
    vs_dist_constant(&g_cfg.migration.latency, 100000);
    vs_dist_constant(&g_cfg.migration.disk_time, 1000000);
    g_cfg.migration.bandwidth_bytes_per_s = 1.25e9;
    g_cfg.migration.timeout = 10ull * 1000000000ull;
    g_cfg.migration.placement = VS_PLACE_LEAST_LOADED;
    g_cfg.run.duration = 10ull * 1000000000ull;
    g_cfg.metrics.histogram_rel_error = 0.01;
    g_refuse = R_NONE;
    g_refuse_host = UINT32_MAX;
    g_pend_interface = g_subscribe_in_port = false;
    memset(g_seen, 0, sizeof g_seen);
    g_path[0] = '\0';
}

/* The one callout subscribes every event on every host; its context is the host. */
static void start(void)
{
    g_sim = vs_sim_new(&g_cfg);
    cr_assert_not_null(g_sim);
    g_sim->on_transition = on_transition;
    vs_kernel_bind(g_sim);
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table = {.vSwitchPortEventNotifyFn = port_cb,
                                                .vSwitchInterfaceEventNotifyFn = iface_cb,
                                                .vSwitchPolicyEventNotifyFn = policy_cb,
                                                .vSwitchRuntimeStateSaveNotifyFn = save_cb,
                                                .vSwitchRuntimeStateRestoreNotifyFn = restore_cb};
    GUID g = {.Data1 = 0x5eed};
    for (uint32_t h = 0; h < HOSTS; h++) {
        UINT32 id;
        vs_kernel_set_entry_instance((uint32_t)(vs_sim_instance(g_sim, 0, h) - g_sim->instances));
        cr_assert_eq(FwpsvSwitchEventsSubscribe0(&g, (void *)(uintptr_t)h, 0, NULL, &table, &id),
                     STATUS_SUCCESS);
    }
    vs_kernel_set_entry_instance(UINT32_MAX);
}

/* VM 0 (on host 0) does `op`; run until nothing is left. */
static void run_op(vs_operation op, uint32_t target)
{
    start();
    cr_assert_eq(vs_migration_request(g_sim, 0, target, op, false), 0);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
}

static void finish(void)
{
    vs_kernel_bind(NULL);
    vs_sim_free(g_sim);
    g_sim = NULL;
}

TestSuite(migration, .init = setup, .fini = finish);

Test(migration, documented_order_on_both_hosts)
{
    run_op(VS_OP_MIGRATE, VS_ANY_HOST);
    cr_expect_str_eq(g_path, "WAITING>VALIDATE VALIDATE>PORT_SETUP PORT_SETUP>PRECOPY "
                             "PRECOPY>SAVE SAVE>SRC_TEARDOWN SRC_TEARDOWN>TRANSFER "
                             "TRANSFER>NIC_CONNECT NIC_CONNECT>RESTORE RESTORE>ONLINE");
    cr_expect_str_eq(g_seen[0], "S IDIS ID PD ");
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC POL IC ICON R ");
    cr_expect_eq(g_sim->vms[0].host, 1);
    cr_expect_eq(g_sim->stats.migrations.completed, 1);
}

Test(migration, blackout_is_the_sum_of_its_parts)
{
    run_op(VS_OP_MIGRATE, VS_ANY_HOST);
    double sum = 0;
    for (int p = 0; p < VS_BO_PARTS; p++)
        sum += vs_hist_mean(&g_sim->stats.blackout_parts[p]);
    cr_expect_float_eq(vs_hist_mean(&g_sim->stats.latency[VS_LAT_BLACKOUT]), sum, 1e-6);
    /* pause 10 us alongside 2 save OIDs of 1 us; transfer 100 us + bytes; 1 OID per
     * restore segment and one RESTORE_COMPLETE */
    cr_expect_float_eq(vs_hist_mean(&g_sim->stats.blackout_parts[VS_BO_SAVE]), 10000, 1);
    cr_expect_float_eq(vs_hist_mean(&g_sim->stats.blackout_parts[VS_BO_RESTORE]), 2000, 1);
}

Test(migration, refused_validation_port_stops_before_the_source_changes)
{
    g_refuse = R_VPORT;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_str_eq(g_path, "WAITING>VALIDATE VALIDATE!REFUSED REFUSED!FAILED");
    cr_expect_str_eq(g_seen[0], "");
    cr_expect_str_eq(g_seen[1], "VPC ");
    cr_expect_eq(g_sim->vms[0].host, 0);
    cr_expect_eq(g_sim->stats.migrations.refused, 1);
    cr_expect_eq(g_sim->stats.migrations.failed_at[VS_CAUSE_VALIDATION], 1);
    cr_expect_eq(g_sim->hosts[1].switches[0].params.NumSwitchPorts, 2, "external + its own");
}

Test(migration, refused_validation_policy_deletes_the_validation_port)
{
    g_refuse = R_VPOLICY;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_str_eq(g_path, "WAITING>VALIDATE VALIDATE!REFUSED REFUSED!FAILED");
    cr_expect_str_eq(g_seen[1], "VPC POL VPD ");
    cr_expect_str_eq(g_seen[0], "");
}

Test(migration, refused_destination_tries_the_next_host)
{
    g_cfg.migration.on_refused = VS_REFUSED_NEXT_HOST;
    g_refuse = R_VPORT;
    g_refuse_host = 1; /* least loaded first: host 1, then host 2 */
    run_op(VS_OP_MIGRATE, VS_ANY_HOST);
    static const char want[] = "WAITING>VALIDATE VALIDATE!REFUSED REFUSED>WAITING "
                               "WAITING>VALIDATE VALIDATE>PORT_SETUP";
    cr_expect(strncmp(g_path, want, strlen(want)) == 0, "%s", g_path);
    cr_expect_eq(g_sim->vms[0].host, 2);
    cr_expect_eq(g_sim->stats.migrations.retried, 1);
    cr_expect_eq(g_sim->stats.migrations.started, 1);
    cr_expect_eq(g_sim->stats.migrations.completed, 1);
    cr_expect_eq(g_sim->hosts[1].slots_used + g_sim->hosts[2].slots_used, 0);
}

Test(migration, refused_operational_port_fails_and_keeps_the_vm)
{
    g_refuse = R_PORT;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_str_eq(g_path, "WAITING>VALIDATE VALIDATE>PORT_SETUP PORT_SETUP!DST_ROLLBACK "
                             "DST_ROLLBACK>FAILED");
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC "); /* nothing to delete */
    cr_expect_eq(g_sim->stats.migrations.failed_at[VS_CAUSE_PORT], 1);
}

Test(migration, refused_operational_policy_deletes_the_destination_port)
{
    g_refuse = R_POLICY;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC POL PD ");
    cr_expect_eq(g_sim->vms[0].host, 0);
    cr_expect_eq(g_sim->hosts[1].switches[0].params.NumSwitchPorts, 2);
}

Test(migration, failed_save_resumes_at_the_source_and_deletes_the_destination_port)
{
    g_refuse = R_SAVE;
    g_refuse_host = 0;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_str_eq(g_path, "WAITING>VALIDATE VALIDATE>PORT_SETUP PORT_SETUP>PRECOPY "
                             "PRECOPY>SAVE SAVE!DST_ROLLBACK DST_ROLLBACK>FAILED");
    cr_expect_str_eq(g_seen[0], "S ");
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC POL PD ");
    cr_expect_eq(g_sim->vms[0].host, 0);
    cr_expect_eq(g_sim->stats.migrations.failed_at[VS_CAUSE_SAVE], 1);
    cr_expect_eq(g_sim->stats.latency[VS_LAT_BLACKOUT].count, 0);
}

Test(migration, failed_restore_leaves_the_vm_off_by_default)
{
    g_refuse = R_RESTORE;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect(strstr(g_path, "RESTORE!RESTORE_FAILED RESTORE_FAILED!DST_TEARDOWN "
                             "DST_TEARDOWN>VM_OFF") != NULL,
              "%s", g_path);
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC POL IC ICON R IDIS ID PD ");
    cr_expect(g_sim->vms[0].off);
    cr_expect_eq(g_sim->stats.migrations.vm_off, 1);
    cr_expect_eq(g_sim->stats.migrations.failed_at[VS_CAUSE_RESTORE], 1);
    /* Nothing more can be asked of it. */
    cr_assert_eq(vs_migration_request(g_sim, 0, VS_ANY_HOST, VS_OP_MIGRATE, false), 0);
    cr_expect_eq(g_sim->stats.skipped_vm_off, 1);
}

Test(migration, failed_restore_can_bring_the_vm_up_without_state)
{
    g_cfg.migration.on_restore_failure = VS_RESTORE_FAILURE_ONLINE;
    g_refuse = R_RESTORE;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect(strstr(g_path, "RESTORE!RESTORE_FAILED RESTORE_FAILED>ONLINE") != NULL);
    cr_expect(!g_sim->vms[0].off);
    cr_expect_eq(g_sim->vms[0].host, 1);
    cr_expect_eq(g_sim->stats.migrations.online_without_state, 1);
    cr_expect_eq(g_sim->stats.migrations.completed, 1);
}

Test(migration, failed_nic_connect_is_a_failed_restore)
{
    g_refuse = R_IFACE_CONNECT;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect(strstr(g_path, "NIC_CONNECT!RESTORE_FAILED RESTORE_FAILED!DST_TEARDOWN") != NULL);
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC POL IC ICON ID PD "); /* never connected */
    cr_expect_eq(g_sim->stats.migrations.failed_at[VS_CAUSE_NIC_CONNECT], 1);
}

Test(migration, blackout_timeout_fails_the_state_it_ends)
{
    g_cfg.migration.timeout = 5000; /* 5 us: the 10 us pause overruns it */
    run_op(VS_OP_MIGRATE, 1);
    cr_expect(strstr(g_path, "SAVE!DST_ROLLBACK") != NULL, "%s", g_path);
    cr_expect_eq(g_sim->stats.migrations.timed_out, 1);
    cr_expect_eq(g_sim->stats.migrations.failed_at[VS_CAUSE_TIMEOUT], 1);
}

Test(migration, local_save_then_restore_from_saved_state)
{
    run_op(VS_OP_LOCAL_SAVE_RESTORE, VS_ANY_HOST);
    cr_expect_str_eq(g_path, "WAITING>SAVE SAVE>SRC_TEARDOWN SRC_TEARDOWN>DISK DISK>VALIDATE "
                             "VALIDATE>PORT_SETUP PORT_SETUP>NIC_CONNECT NIC_CONNECT>RESTORE "
                             "RESTORE>ONLINE");
    cr_expect_str_eq(g_seen[0], "S IDIS ID PD VPC POL VPD PC POL IC ICON R ");
    cr_expect_eq(g_sim->stats.local.completed, 1);
}

Test(migration, local_restore_refused_leaves_the_vm_off)
{
    g_refuse = R_VPORT;
    g_refuse_host = 0;
    run_op(VS_OP_LOCAL_SAVE_RESTORE, VS_ANY_HOST);
    cr_expect(strstr(g_path, "VALIDATE!VM_OFF") != NULL, "%s", g_path);
    cr_expect(g_sim->vms[0].off);
}

Test(migration, power_on_creates_validation_then_operational_port)
{
    g_cfg.topology.vm_start = VS_START_POWER_ON;
    run_op(VS_OP_POWER_ON, VS_ANY_HOST);
    cr_expect_str_eq(g_path, "WAITING>VALIDATE VALIDATE>PORT_SETUP PORT_SETUP>NIC_CONNECT "
                             "NIC_CONNECT>ONLINE");
    cr_expect_str_eq(g_seen[0], "VPC POL VPD PC POL IC ICON ");
    cr_expect(!g_sim->vms[0].off);
    cr_expect_eq(g_sim->stats.starts.completed, 1);
}

Test(migration, power_on_refused_port_leaves_the_vm_off)
{
    g_cfg.topology.vm_start = VS_START_POWER_ON;
    g_refuse = R_POLICY;
    g_refuse_host = 0;
    run_op(VS_OP_POWER_ON, VS_ANY_HOST);
    cr_expect(strstr(g_path, "PORT_SETUP!DST_ROLLBACK DST_ROLLBACK>VM_OFF") != NULL, "%s", g_path);
    cr_expect_str_eq(g_seen[0], "VPC POL VPD PC POL PD ");
    cr_expect(g_sim->vms[0].off);
}

Test(migration, power_on_failed_connect_tears_down)
{
    g_cfg.topology.vm_start = VS_START_POWER_ON;
    g_refuse = R_IFACE_CREATE;
    g_refuse_host = 0;
    run_op(VS_OP_POWER_ON, VS_ANY_HOST);
    cr_expect(strstr(g_path, "NIC_CONNECT!DST_TEARDOWN DST_TEARDOWN>VM_OFF") != NULL, "%s", g_path);
    cr_expect_str_eq(g_seen[0], "VPC POL VPD PC POL IC PD ");
}

Test(migration, legacy_order_on_both_hosts)
{
    g_cfg.migration.sequence = VS_SEQ_LEGACY;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_str_eq(g_path, "WAITING>PRECOPY PRECOPY>SAVE SAVE>TRANSFER TRANSFER>LEGACY_RESTORE "
                             "LEGACY_RESTORE>SRC_TEARDOWN SRC_TEARDOWN>ONLINE");
    cr_expect_str_eq(g_seen[1], "PC IC POL R ICON ");
    cr_expect_str_eq(g_seen[0], "S IDIS ID PD ");
}

Test(migration, legacy_restore_failure_rolls_back_the_destination)
{
    g_cfg.migration.sequence = VS_SEQ_LEGACY;
    g_refuse = R_RESTORE;
    g_refuse_host = 1;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect(strstr(g_path, "LEGACY_RESTORE!DST_TEARDOWN DST_TEARDOWN>FAILED") != NULL);
    cr_expect_str_eq(g_seen[1], "PC IC POL R ID PD ");
    cr_expect_eq(g_sim->vms[0].host, 0);
}

/* ---- Calling rules the verifier checks -------------------------------------------------- */

static size_t violations_of(const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < g_sim->stats.violations.nkept; i++)
        n += strcmp(g_sim->stats.violations.kept[i].rule, rule) == 0;
    return n;
}

Test(migration, pending_from_the_interface_callback_is_a_violation)
{
    g_pend_interface = true;
    run_op(VS_OP_MIGRATE, 1);
    /* disconnect, delete on the source; create, connect on the destination */
    cr_expect_eq(violations_of("pend_not_allowed"), 4);
    cr_expect_eq(g_sim->stats.migrations.completed, 1, "followed to its completion");
}

Test(migration, subscribing_inside_a_callback_is_a_violation)
{
    g_subscribe_in_port = true;
    run_op(VS_OP_MIGRATE, 1);
    cr_expect_eq(violations_of("subscribe_in_callback"), 2); /* validation, operational */
}

/* ---- Targets and the per-VM queue --------------------------------------------------- */

/* Least loaded would pick host 1 (equal VMs, lowest index); once it drains and says so,
 * the migration goes to host 2 and host 1's callout sees nothing. */
Test(migration, a_draining_host_stops_being_a_target_once_changed)
{
    start();
    g_sim->hosts[1].draining = true;
    vs_migration_host_changed(g_sim, 1);
    cr_assert_eq(vs_migration_request(g_sim, 0, VS_ANY_HOST, VS_OP_MIGRATE, false), 0);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->vms[0].host, 2);
    cr_expect_str_eq(g_seen[1], "");
    cr_expect_eq(g_sim->stats.migrations.completed, 1);
}

/* A host with every slot taken is no target either; freed (and said so), it is again. */
Test(migration, a_host_without_free_slots_is_no_target_until_changed)
{
    start();
    g_sim->hosts[1].slots_used = g_cfg.migration.max_per_host;
    vs_migration_host_changed(g_sim, 1);
    cr_assert_eq(vs_migration_request(g_sim, 0, VS_ANY_HOST, VS_OP_MIGRATE, false), 0);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->vms[0].host, 2);
    g_sim->hosts[1].slots_used = 0;
    vs_migration_host_changed(g_sim, 1);
    /* VM 2 (host 2, now with 2 VMs): host 1 has 1 VM, host 0 none: host 0 */
    cr_assert_eq(vs_migration_request(g_sim, 2, VS_ANY_HOST, VS_OP_MIGRATE, false), 0);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->vms[2].host, 0);
    /* VM 1 (host 1): hosts 0 and 2 have 1 VM each: host 0, the lower index */
    cr_assert_eq(vs_migration_request(g_sim, 1, VS_ANY_HOST, VS_OP_MIGRATE, false), 0);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->vms[1].host, 0);
}

/* One operation at a time per VM: the second waits, counted as queued, and starts when
 * the first has ended; it then migrates the VM on from where the first left it. */
Test(migration, a_second_operation_on_a_busy_vm_waits_its_turn)
{
    start();
    cr_assert_eq(vs_migration_request(g_sim, 0, 1, VS_OP_MIGRATE, false), 0);
    cr_assert_eq(vs_migration_request(g_sim, 0, 2, VS_OP_MIGRATE, false), 0);
    cr_expect_eq(g_sim->stats.operations_queued, 1);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_eq(g_sim->stats.migrations.completed, 2);
    cr_expect_eq(g_sim->vms[0].host, 2);
    /* host 1 took the VM in, then saved it and let it go */
    cr_expect_str_eq(g_seen[1], "VPC POL VPD PC POL IC ICON R S IDIS ID PD ");
    const char *second = strstr(g_path, "RESTORE>ONLINE WAITING>VALIDATE");
    cr_expect_not_null(second, "the second began after the first was online: %s", g_path);
}
