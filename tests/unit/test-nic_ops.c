/*
 * test-nic_ops.c: one NIC's part of a migration state (sim/model/nic_ops.c), driven
 * through nic_ops.h alone: a hand-made migration record of VM 0 from host 0 to host 1,
 * one NIC, and vs_nic_op_start on each part, with a callout defined here subscribed on
 * both hosts (its notify context is its host's record) that logs what it gets and
 * refuses what a test asks. Each test compares the events each host saw, when and how
 * the part ended (done's ok, the simulated time from the OIDs' cost), the switch's port
 * count and the NIC's flags with the part's table in sequence.c and docs/sequence.md,
 * worked out by hand. vs_nic_part_silent and vs_nic_op_pass are checked against the
 * same tables with and without callouts to call.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/migration.h"
#include "model/nic_ops.h"
#include "model/sim.h"
#include "plugin/instance.h"

#define OID_NS 1000 /* ndis.oid_cost: every OID round trip, on the host's one CPU */

typedef struct fixture fixture;

/* One host's view of the test callout: what it saw and what it refuses. */
typedef struct host_rec {
    fixture *fx;
    char seen[512];
    bool refuse_vport, refuse_port, refuse_iface_create, refuse_restore;
    int refuse_policy; /* refuse the n-th POLICY_ADD it gets (1-based); 0: none */
    int policies;      /* POLICY_ADDs it got */
} host_rec;

struct fixture {
    vs_nic_op op; /* first: done() finds the fixture from its op */
    vs_config cfg;
    vs_plugin_spec spec;
    vs_policy policies[2];
    vs_sim *sim;
    vs_migration mig;
    host_rec hosts[2];
    size_t save_len; /* bytes the save callback returns */
    int done_calls;
    bool done_ok;
    vs_time_t done_at;
};

static fixture *g_fx; /* for .init/.fini only: the callbacks get theirs as context */
static uint8_t g_blob[2 * VS_SEGMENT_MAX + 64];

static void seen(host_rec *h, const char *fmt, unsigned port, const char *suffix)
{
    size_t n = strlen(h->seen);
    snprintf(h->seen + n, sizeof h->seen - n, fmt, port, suffix);
}

static void seen_str(host_rec *h, const char *what)
{
    size_t n = strlen(h->seen);
    snprintf(h->seen + n, sizeof h->seen - n, "%s ", what);
}

/* "VPC2r": validation port 2 created, restoring flag; "PD1T": port 1 deleted in teardown. */
static NTSTATUS port_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                        const NDIS_SWITCH_PARAMETERS *sw, const NDIS_SWITCH_PORT_PARAMETERS *p)
{
    host_rec *h = nctx;
    bool create = t == FWPS_VSWITCH_EVENT_PORT_CREATE, v = p->IsValidationPort;
    char suffix[3] = {0};
    if (p->Flags & NDIS_SWITCH_PORT_PARAMETERS_FLAG_RESTORING_PORT)
        strcat(suffix, "r");
    if (p->PortState == NdisSwitchPortStateTeardown)
        strcat(suffix, "T");
    seen(h, create ? (v ? "VPC%u%s " : "PC%u%s ") : (v ? "VPD%u%s " : "PD%u%s "),
         (unsigned)p->PortId, suffix);
    if (create && (v ? h->refuse_vport : h->refuse_port))
        return STATUS_DATA_NOT_ACCEPTED;
    return STATUS_SUCCESS;
}

static NTSTATUS policy_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                          const NDIS_SWITCH_PARAMETERS *sw,
                          const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *p,
                          const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *d)
{
    host_rec *h = nctx;
    seen_str(h, "POL");
    return ++h->policies == h->refuse_policy ? STATUS_DATA_NOT_ACCEPTED : STATUS_SUCCESS;
}

static NTSTATUS iface_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                         const NDIS_SWITCH_PARAMETERS *sw, const NDIS_SWITCH_NIC_PARAMETERS *n)
{
    static const char *const names[] = {[FWPS_VSWITCH_EVENT_INTERFACE_CREATE] = "IC",
                                        [FWPS_VSWITCH_EVENT_INTERFACE_DELETE] = "ID",
                                        [FWPS_VSWITCH_EVENT_INTERFACE_CONNECT] = "ICON",
                                        [FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT] = "IDIS"};
    host_rec *h = nctx;
    seen_str(h, names[t]);
    if (t == FWPS_VSWITCH_EVENT_INTERFACE_CREATE && h->refuse_iface_create)
        return STATUS_DATA_NOT_ACCEPTED;
    return STATUS_SUCCESS;
}

static NTSTATUS save_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                        const NDIS_SWITCH_PARAMETERS *sw, NDIS_SWITCH_PORT_ID port, void **state,
                        SIZE_T *len)
{
    host_rec *h = nctx;
    seen(h, "S%u%s ", (unsigned)port, "");
    *state = g_blob;
    *len = h->fx->save_len;
    return STATUS_SUCCESS;
}

static NTSTATUS restore_cb(void *nctx, void *token, FWPS_VSWITCH_EVENT_TYPE t,
                           const NDIS_SWITCH_PARAMETERS *sw, NDIS_SWITCH_PORT_ID port, void *state,
                           SIZE_T len)
{
    host_rec *h = nctx;
    seen(h, "R%u%s ", (unsigned)len, "");
    return h->refuse_restore ? STATUS_DATA_NOT_ACCEPTED : STATUS_SUCCESS;
}

/* Two hosts, one switch each, one VM with one NIC on each host; two policies of the
 * test callout's, so each policy step makes two POLICY_ADDs. */
static void setup(void)
{
    fixture *fx = g_fx = calloc(1, sizeof *fx);
    cr_assert_not_null(fx);
    fx->spec = (vs_plugin_spec){"t", "t.so", "{}"};
    fx->policies[0] = fx->policies[1] = (vs_policy){.plugin = "t", .version = 1};
    vs_config *c = &fx->cfg;
    c->name = "nic-ops-test";
    c->seed = 5;
    c->topology.hosts = 2;
    c->topology.switches_per_host = 1;
    c->topology.vms_per_host = 1;
    c->topology.nics_per_vm = 1;
    c->topology.cpus_per_host = 1;
    c->plugins = &fx->spec;
    c->nplugins = 1;
    c->policies = fx->policies;
    c->npolicies = 2;
    c->wfp.pending_timeout = 50 * 1000000ull;
    c->wfp.segments = VS_SEGMENTS_PER_CALLOUT;
    c->ndis.oid_cost = OID_NS;
    c->migration.max_per_host = 2;
    c->run.duration = 10ull * 1000000000ull;
    c->metrics.histogram_rel_error = 0.01;
    fx->save_len = 10;
    for (int h = 0; h < 2; h++)
        fx->hosts[h].fx = fx;
}

static void on_done(vs_sim *sim, vs_nic_op *op, bool ok)
{
    fixture *fx = (fixture *)op; /* op is the fixture's first member */
    fx->done_calls++;
    fx->done_ok = ok;
    fx->done_at = vs_sim_now(sim);
}

/* The sim, the callout subscribed on both hosts (unless `callout` is false), and the
 * migration record with its run, as migration.c would make them: the destination
 * port is the next free id on host 1's switch (2: port 1 holds VM 1). */
static void start_sim(bool callout)
{
    fixture *fx = g_fx;
    fx->sim = vs_sim_new(&fx->cfg);
    cr_assert_not_null(fx->sim);
    vs_kernel_bind(fx->sim);
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table = {.vSwitchPortEventNotifyFn = port_cb,
                                                .vSwitchInterfaceEventNotifyFn = iface_cb,
                                                .vSwitchPolicyEventNotifyFn = policy_cb,
                                                .vSwitchRuntimeStateSaveNotifyFn = save_cb,
                                                .vSwitchRuntimeStateRestoreNotifyFn = restore_cb};
    GUID g = {.Data1 = 0x71c};
    for (uint32_t h = 0; callout && h < 2; h++) {
        UINT32 id;
        vs_kernel_set_entry_instance(
            (uint32_t)(vs_sim_instance(fx->sim, 0, h) - fx->sim->instances));
        cr_assert_eq(FwpsvSwitchEventsSubscribe0(&g, &fx->hosts[h], 0, NULL, &table, &id),
                     STATUS_SUCCESS);
    }
    vs_kernel_set_entry_instance(UINT32_MAX);
    fx->mig = (vs_migration){.vm = 0, .src = 0, .dst = 1, .op = VS_OP_MIGRATE};
    fx->mig.run = calloc(1, sizeof(vs_mig_run));
    cr_assert_not_null(fx->mig.run);
    fx->op.mig = &fx->mig;
    fx->op.nic = 0;
    fx->op.index = 0;
    fx->op.dst_port = fx->sim->hosts[1].switches[0].next_port_id++;
}

static void teardown(void)
{
    fixture *fx = g_fx;
    vs_kernel_bind(NULL);
    vs_state_close(&fx->op.state);
    free(fx->mig.run);
    vs_sim_free(fx->sim);
    free(fx);
    g_fx = NULL;
}

TestSuite(nic_ops, .init = setup, .fini = teardown);

/* Runs a part to its end; done must be called exactly once. */
static void run_part(vs_nic_part part)
{
    fixture *fx = g_fx;
    int before = fx->done_calls;
    vs_nic_op_start(fx->sim, &fx->op, part, on_done);
    vs_engine_run(fx->sim->engine, VS_TIME_MAX);
    cr_assert_eq(fx->done_calls, before + 1, "%s ended %d times", vs_nic_part_name(part),
                 fx->done_calls - before);
}

static uint32_t ports_on(uint32_t host)
{
    return g_fx->sim->hosts[host].switches[0].params.NumSwitchPorts;
}

/* ---- Names ------------------------------------------------------------------------- */

Test(nic_ops, parts_and_steps_have_their_names)
{
    cr_expect_str_eq(vs_nic_part_name(VS_PART_VALIDATE), "validate");
    cr_expect_str_eq(vs_nic_part_name(VS_PART_SRC_TEARDOWN), "src_teardown");
    cr_expect_str_eq(vs_nic_part_name(VS_PART_LEGACY_RESTORE), "legacy_restore");
    cr_expect_str_eq(vs_nic_part_name(VS_PART_COUNT), "none");
    cr_expect_str_eq(vs_nic_step_name(VS_STEP_VPORT_CREATE), "VPORT_CREATE");
    cr_expect_str_eq(vs_nic_step_name(VS_STEP_PORT_TEARDOWN), "PORT_TEARDOWN");
    cr_expect_str_eq(vs_nic_step_name(VS_STEP_RESTORE_COMPLETE), "RESTORE_COMPLETE");
    cr_expect_str_eq(vs_nic_step_name(VS_STEP_COUNT), "none");
}

Test(nic_ops, only_save_and_src_teardown_run_on_the_source)
{
    for (int p = 0; p < VS_PART_COUNT; p++)
        cr_expect_eq(vs_nic_part_on_source((vs_nic_part)p),
                     p == VS_PART_SAVE || p == VS_PART_SRC_TEARDOWN, "%s",
                     vs_nic_part_name((vs_nic_part)p));
}

/* ---- Destination port parts (D-LMS 1, 2; D-VALPORT) ---------------------------------- */

Test(nic_ops, validate_creates_adds_each_policy_and_deletes_the_validation_port)
{
    start_sim(true);
    run_part(VS_PART_VALIDATE);
    cr_expect_str_eq(g_fx->hosts[1].seen, "VPC2r POL POL VPD2r ");
    cr_expect_str_eq(g_fx->hosts[0].seen, "", "nothing on the source");
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->done_at, 0, "port and policy events cost only what callouts charge");
    cr_expect_eq(ports_on(1), 2, "external + VM 1's: the validation port is gone");
    cr_expect(!(g_fx->op.built & VS_BUILT_PORT));
}

Test(nic_ops, refused_validation_port_ends_failed_with_nothing_to_delete)
{
    g_fx->hosts[1].refuse_vport = true;
    start_sim(true);
    run_part(VS_PART_VALIDATE);
    cr_expect_str_eq(g_fx->hosts[1].seen, "VPC2r ");
    cr_expect(!g_fx->done_ok);
    cr_expect_eq(ports_on(1), 2);
}

/* The second policy refused: no third event, the validation port is still deleted,
 * and the part fails. */
Test(nic_ops, refused_validation_policy_still_deletes_the_port_and_fails)
{
    g_fx->hosts[1].refuse_policy = 2;
    start_sim(true);
    run_part(VS_PART_VALIDATE);
    cr_expect_str_eq(g_fx->hosts[1].seen, "VPC2r POL POL VPD2r ");
    cr_expect(!g_fx->done_ok);
    cr_expect_eq(ports_on(1), 2);
    cr_expect(!(g_fx->op.built & VS_BUILT_PORT));
}

Test(nic_ops, port_setup_creates_the_operational_port_and_rollback_deletes_it)
{
    start_sim(true);
    run_part(VS_PART_PORT_SETUP);
    cr_expect_str_eq(g_fx->hosts[1].seen, "PC2r POL POL ");
    cr_expect(g_fx->done_ok);
    cr_expect_eq(ports_on(1), 3);
    cr_expect((g_fx->op.built & VS_BUILT_PORT));
    run_part(VS_PART_DST_ROLLBACK);
    /* The delete's PortState is left out: docs/sequence.md says Teardown only after
     * OID_SWITCH_PORT_TEARDOWN, which a rollback does not issue, yet the model sends
     * Teardown here (reported, not settled by this test). */
    static const char want[] = "PC2r POL POL PD2r";
    cr_expect(strncmp(g_fx->hosts[1].seen, want, strlen(want)) == 0, "%s", g_fx->hosts[1].seen);
    cr_expect(g_fx->done_ok, "a rollback always ends ok");
    cr_expect_eq(ports_on(1), 2);
    cr_expect(!(g_fx->op.built & VS_BUILT_PORT));
}

/* A refused operational port leaves nothing built: the rollback has nothing to do and
 * ends ok at once, inside vs_nic_op_start. */
Test(nic_ops, rollback_of_a_port_never_created_calls_nobody)
{
    g_fx->hosts[1].refuse_port = true;
    start_sim(true);
    run_part(VS_PART_PORT_SETUP);
    cr_expect(!g_fx->done_ok);
    cr_expect_eq(ports_on(1), 2);
    vs_nic_op_start(g_fx->sim, &g_fx->op, VS_PART_DST_ROLLBACK, on_done);
    cr_expect_eq(g_fx->done_calls, 2, "ended before vs_nic_op_start returned");
    cr_expect(g_fx->done_ok);
    cr_expect_str_eq(g_fx->hosts[1].seen, "PC2r ");
}

/* A power-on is not a restore: its ports carry no RESTORING flag. */
Test(nic_ops, power_on_ports_are_not_restoring)
{
    start_sim(true);
    g_fx->mig.op = VS_OP_POWER_ON;
    g_fx->mig.dst = 0; /* a power-on's parts run on its own host */
    g_fx->op.dst_port = g_fx->sim->hosts[0].switches[0].next_port_id++;
    run_part(VS_PART_PORT_SETUP);
    cr_expect_str_eq(g_fx->hosts[0].seen, "PC2 POL POL ");
}

/* ---- Save and restore (D-SAVEOPS, D-RESTOPS) ------------------------------------------ */

/* One callout, 10 bytes: the first OID_SWITCH_NIC_SAVE (whose handling calls the save
 * callbacks), then one OID per segment (1) and SAVE_COMPLETE: 3 OIDs on one CPU. */
Test(nic_ops, save_is_one_oid_then_one_per_segment_and_complete)
{
    start_sim(true);
    run_part(VS_PART_SAVE);
    const vs_stats *st = &g_fx->sim->stats;
    cr_expect_str_eq(g_fx->hosts[0].seen, "S1 ", "the source's port");
    cr_expect_str_eq(g_fx->hosts[1].seen, "");
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->done_at, 3 * OID_NS);
    cr_expect_eq(st->save_oids, 3);
    cr_expect_eq(st->segments, 1);
    cr_expect_eq(st->saves.issued, 1);
    cr_expect_eq(st->saves.completed, 1);
    cr_expect_eq(st->saves.failed, 0);
    cr_expect_eq(g_fx->op.segments, 1);
    cr_expect_eq(g_fx->mig.run->state_bytes, 10);
    cr_expect_float_eq(vs_hist_mean(&st->oids_per_save), 3.0, 0.05);
    cr_expect_eq(st->latency[VS_LAT_SAVE].count, 1);
}

/* One byte over a segment with ndis.oversize "split": two segments, so 1 + 2 + 1 OIDs. */
Test(nic_ops, state_over_a_segment_is_split_per_callout)
{
    g_fx->cfg.ndis.oversize = VS_OVERSIZE_SPLIT;
    g_fx->save_len = VS_SEGMENT_MAX + 1;
    start_sim(true);
    run_part(VS_PART_SAVE);
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->op.segments, 2);
    cr_expect_eq(g_fx->sim->stats.save_oids, 4);
    cr_expect_eq(g_fx->done_at, 4 * OID_NS);
}

/* The same with "fail" (the default): the callout's blob breaks state_exceeds_segment
 * and the save fails after its first OID (docs/sequence.md "Segment capacity"). */
Test(nic_ops, state_over_a_segment_fails_the_save_with_oversize_fail)
{
    g_fx->save_len = VS_SEGMENT_MAX + 1;
    start_sim(true);
    run_part(VS_PART_SAVE);
    const vs_stats *st = &g_fx->sim->stats;
    cr_expect(!g_fx->done_ok);
    cr_expect_eq(st->violations.by_rule[VS_RULE_STATE_EXCEEDS_SEGMENT], 1);
    cr_expect_eq(st->saves.failed, 1);
    cr_expect_eq(st->save_oids, 1);
}

/* Exactly a segment per callout fits: 1 + 1 + 1 OIDs. */
Test(nic_ops, state_of_exactly_a_segment_fits_one)
{
    g_fx->save_len = VS_SEGMENT_MAX;
    start_sim(true);
    run_part(VS_PART_SAVE);
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->op.segments, 1);
    cr_expect_eq(g_fx->sim->stats.save_oids, 3);
}

/* Combined segments add 20 bytes of envelope per blob: exactly VS_SEGMENT_MAX bytes of
 * state no longer fit one segment, and ndis.oversize "fail" fails the save after its
 * callbacks, before any more OIDs. */
Test(nic_ops, combined_state_over_a_segment_fails_with_oversize_fail)
{
    g_fx->cfg.wfp.segments = VS_SEGMENTS_COMBINED;
    g_fx->cfg.ndis.oversize = VS_OVERSIZE_FAIL;
    g_fx->save_len = VS_SEGMENT_MAX;
    start_sim(true);
    run_part(VS_PART_SAVE);
    const vs_stats *st = &g_fx->sim->stats;
    cr_expect(!g_fx->done_ok);
    cr_expect_eq(st->oversized_states, 1);
    cr_expect_eq(st->saves.failed, 1);
    cr_expect_eq(st->save_oids, 1);
    cr_expect_eq(g_fx->done_at, OID_NS);
}

Test(nic_ops, combined_state_over_a_segment_is_split_with_oversize_split)
{
    g_fx->cfg.wfp.segments = VS_SEGMENTS_COMBINED;
    g_fx->cfg.ndis.oversize = VS_OVERSIZE_SPLIT;
    g_fx->save_len = VS_SEGMENT_MAX;
    start_sim(true);
    run_part(VS_PART_SAVE);
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->op.segments, 2);
    cr_expect_eq(g_fx->sim->stats.save_oids, 4);
    cr_expect_eq(g_fx->sim->stats.oversized_states, 0);
}

/* The restore of what was saved: one RESTORE OID for the one segment (its handling calls
 * the restore callback with the saved bytes), then RESTORE_COMPLETE. */
Test(nic_ops, restore_gets_the_saved_bytes_after_its_segment_oid)
{
    start_sim(true);
    run_part(VS_PART_SAVE);
    run_part(VS_PART_RESTORE);
    const vs_stats *st = &g_fx->sim->stats;
    cr_expect_str_eq(g_fx->hosts[1].seen, "R10 ");
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->done_at, 3 * OID_NS + 2 * OID_NS);
    cr_expect_eq(st->restore_oids, 2);
    cr_expect_eq(st->restores.issued, 1);
    cr_expect_eq(st->restores.completed, 1);
}

/* D-RESTOPS: a failed restore fails the operation; no RESTORE_COMPLETE follows. */
Test(nic_ops, refused_restore_fails_without_restore_complete)
{
    g_fx->hosts[1].refuse_restore = true;
    start_sim(true);
    run_part(VS_PART_SAVE);
    run_part(VS_PART_RESTORE);
    cr_expect(!g_fx->done_ok);
    cr_expect_eq(g_fx->sim->stats.restore_oids, 1);
    cr_expect_eq(g_fx->sim->stats.restores.failed, 1);
    cr_expect_eq(g_fx->done_at, 4 * OID_NS);
}

/* Nothing saved (nobody subscribed to save): the restore has no segment, only
 * RESTORE_COMPLETE. */
Test(nic_ops, restore_of_no_state_is_restore_complete_alone)
{
    start_sim(false);
    run_part(VS_PART_RESTORE);
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->sim->stats.restore_oids, 1);
    cr_expect_eq(g_fx->done_at, OID_NS);
}

/* ---- OIDs on the host's CPUs --------------------------------------------------------- */

static void free_cpu(vs_engine *eng, void *ctx, uint64_t host)
{
    vs_cpu_free(ctx, (uint32_t)host);
}

/* The host's one CPU is busy until 500 ns: the first OID waits for it in the CPU's queue,
 * and the save ends 3 OIDs after. */
Test(nic_ops, an_oid_waits_for_a_busy_cpu)
{
    start_sim(true);
    cr_assert(vs_cpu_take(g_fx->sim, 0));
    vs_engine_post(g_fx->sim->engine, 500, free_cpu, g_fx->sim, 0);
    run_part(VS_PART_SAVE);
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->done_at, 500 + 3 * OID_NS);
    cr_expect_eq(g_fx->sim->stats.save_oids, 3);
    cr_expect_eq(g_fx->sim->hosts[0].cpus_free, 1, "the CPU is given back");
}

/* ndis.oid_cost 0: each OID completes as it is made; the save and restore end at once. */
Test(nic_ops, oids_without_cost_complete_at_once)
{
    g_fx->cfg.ndis.oid_cost = 0;
    start_sim(true);
    run_part(VS_PART_SAVE);
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->done_at, 0);
    cr_expect_eq(g_fx->sim->stats.save_oids, 3);
    run_part(VS_PART_RESTORE);
    cr_expect(g_fx->done_ok);
    cr_expect_str_eq(g_fx->hosts[1].seen, "R10 ");
    cr_expect_eq(g_fx->sim->stats.restore_oids, 2);
    cr_expect_eq(g_fx->sim->hosts[0].cpus_free, 1);
    cr_expect_eq(g_fx->sim->hosts[1].cpus_free, 1);
}

/* ---- NICs and teardowns (D-LMS 4, 5) --------------------------------------------------- */

Test(nic_ops, src_teardown_disconnects_deletes_and_deletes_the_port_in_teardown)
{
    start_sim(true);
    uint32_t before = ports_on(0);
    run_part(VS_PART_SRC_TEARDOWN);
    cr_expect_str_eq(g_fx->hosts[0].seen, "IDIS ID PD1rT ");
    cr_expect(g_fx->done_ok);
    cr_expect_eq(ports_on(0), before - 1);
}

Test(nic_ops, nic_connect_then_dst_teardown_undoes_all_it_built)
{
    start_sim(true);
    run_part(VS_PART_PORT_SETUP);
    run_part(VS_PART_NIC_CONNECT);
    cr_expect(g_fx->done_ok);
    cr_expect((g_fx->op.built & VS_BUILT_IFACE) && (g_fx->op.built & VS_BUILT_CONNECTED));
    run_part(VS_PART_DST_TEARDOWN);
    cr_expect_str_eq(g_fx->hosts[1].seen, "PC2r POL POL IC ICON IDIS ID PD2rT ");
    cr_expect(!(g_fx->op.built & VS_BUILT_IFACE) && !(g_fx->op.built & VS_BUILT_CONNECTED) &&
              !(g_fx->op.built & VS_BUILT_PORT));
    cr_expect_eq(ports_on(1), 2);
}

/* A refused NIC create: no connect; the teardown then deletes the port only. */
Test(nic_ops, refused_nic_create_leaves_only_the_port_to_tear_down)
{
    g_fx->hosts[1].refuse_iface_create = true;
    start_sim(true);
    run_part(VS_PART_PORT_SETUP);
    run_part(VS_PART_NIC_CONNECT);
    cr_expect(!g_fx->done_ok);
    cr_expect(!(g_fx->op.built & VS_BUILT_IFACE));
    run_part(VS_PART_DST_TEARDOWN);
    cr_expect_str_eq(g_fx->hosts[1].seen, "PC2r POL POL IC PD2rT ");
    cr_expect(g_fx->done_ok);
}

/* vswitchsim 1.x: port, NIC, policies, restore (1 segment OID + COMPLETE), connect. */
Test(nic_ops, legacy_restore_in_its_order)
{
    start_sim(true);
    run_part(VS_PART_SAVE);
    run_part(VS_PART_LEGACY_RESTORE);
    cr_expect_str_eq(g_fx->hosts[1].seen, "PC2r IC POL POL R10 ICON ");
    cr_expect(g_fx->done_ok);
    cr_expect_eq(g_fx->done_at, 5 * OID_NS);
    cr_expect((g_fx->op.built & VS_BUILT_PORT) && (g_fx->op.built & VS_BUILT_IFACE) &&
              (g_fx->op.built & VS_BUILT_CONNECTED));
}

/* ---- Parts that pass at once ------------------------------------------------------------ */

/* No callout anywhere: every part without an OID round trip is silent; save, restore and
 * the legacy restore have OIDs. */
Test(nic_ops, without_callouts_only_parts_with_oids_are_not_silent)
{
    start_sim(false);
    for (int p = 0; p < VS_PART_COUNT; p++) {
        bool oids = p == VS_PART_SAVE || p == VS_PART_RESTORE || p == VS_PART_LEGACY_RESTORE;
        cr_expect_eq(vs_nic_part_silent(g_fx->sim, 1, (vs_nic_part)p), !oids, "%s",
                     vs_nic_part_name((vs_nic_part)p));
    }
}

Test(nic_ops, a_part_with_a_callout_to_call_is_not_silent)
{
    start_sim(true);
    cr_expect(!vs_nic_part_silent(g_fx->sim, 1, VS_PART_VALIDATE), "the callout handles ports");
    cr_expect(!vs_nic_part_silent(g_fx->sim, 0, VS_PART_SRC_TEARDOWN));
}

Test(nic_ops, a_paused_stack_is_not_silent)
{
    start_sim(false);
    g_fx->sim->hosts[1].stack_paused = true;
    cr_expect(!vs_nic_part_silent(g_fx->sim, 1, VS_PART_VALIDATE), "paused");
    cr_expect(vs_nic_part_silent(g_fx->sim, 0, VS_PART_VALIDATE), "the other host runs");
}

static void ignore_trace(void *ctx, const vs_trace_record *rec)
{}

Test(nic_ops, tracing_makes_no_part_silent)
{
    start_sim(false);
    g_fx->sim->trace = ignore_trace;
    cr_expect(!vs_nic_part_silent(g_fx->sim, 1, VS_PART_DST_ROLLBACK));
}

/* What passing changes is what running the steps would: ports and the NIC's flags. */
Test(nic_ops, pass_changes_ports_and_flags_as_the_steps_would)
{
    start_sim(false);
    vs_nic_op_pass(g_fx->sim, &g_fx->op, 1, VS_PART_VALIDATE);
    cr_expect_eq(ports_on(1), 2, "validation port created and deleted");
    cr_expect(!(g_fx->op.built & VS_BUILT_PORT));
    vs_nic_op_pass(g_fx->sim, &g_fx->op, 1, VS_PART_PORT_SETUP);
    cr_expect_eq(ports_on(1), 3);
    vs_nic_op_pass(g_fx->sim, &g_fx->op, 1, VS_PART_NIC_CONNECT);
    cr_expect((g_fx->op.built & VS_BUILT_PORT) && (g_fx->op.built & VS_BUILT_IFACE) &&
              (g_fx->op.built & VS_BUILT_CONNECTED));
    vs_nic_op_pass(g_fx->sim, &g_fx->op, 1, VS_PART_DST_TEARDOWN);
    cr_expect(!(g_fx->op.built & VS_BUILT_PORT) && !(g_fx->op.built & VS_BUILT_IFACE) &&
              !(g_fx->op.built & VS_BUILT_CONNECTED));
    cr_expect_eq(ports_on(1), 2);
    vs_nic_op_pass(g_fx->sim, &g_fx->op, 1, VS_PART_SRC_TEARDOWN);
    cr_expect_eq(ports_on(0), 1, "the source's port is gone");
    cr_expect_eq(g_fx->done_calls, 0, "passing calls no done");
}

/* A rollback passed with nothing built deletes nothing. */
Test(nic_ops, pass_of_a_rollback_with_nothing_built_changes_nothing)
{
    start_sim(false);
    vs_nic_op_pass(g_fx->sim, &g_fx->op, 1, VS_PART_DST_ROLLBACK);
    cr_expect_eq(ports_on(1), 2);
}

/* Two switches per host, two NICs: NIC i sits on switch i % 2, and a pass changes each
 * NIC's own switch. */
Test(nic_ops, pass_changes_the_port_count_of_each_nics_switch)
{
    g_fx->cfg.topology.switches_per_host = 2;
    g_fx->cfg.topology.nics_per_vm = 2;
    start_sim(false);
    vs_nic_op ops[2] = {{.mig = &g_fx->mig, .nic = 0, .index = 0},
                        {.mig = &g_fx->mig, .nic = 1, .index = 1}};
    const vs_switch *sw = g_fx->sim->hosts[1].switches;
    uint32_t before0 = sw[0].params.NumSwitchPorts, before1 = sw[1].params.NumSwitchPorts;
    vs_nic_op_pass(g_fx->sim, ops, 2, VS_PART_PORT_SETUP);
    cr_expect_eq(sw[0].params.NumSwitchPorts, before0 + 1);
    cr_expect_eq(sw[1].params.NumSwitchPorts, before1 + 1);
    cr_expect(ops[0].built & ops[1].built & VS_BUILT_PORT);
    vs_nic_op_pass(g_fx->sim, ops, 1, VS_PART_DST_ROLLBACK);
    cr_expect_eq(sw[0].params.NumSwitchPorts, before0, "NIC 0's port is gone");
    cr_expect_eq(sw[1].params.NumSwitchPorts, before1 + 1, "NIC 1's stays");
}
