/*
 * test-runner.c: one run of a loaded scenario (sim/runner/runner.c), through runner.h:
 * small scenarios loaded from text with real plugins (the example "null", and the test
 * fixtures entry_fails and crash_segv), run by vs_run_simulate, and their reports and
 * exit codes checked against what runner.h and docs/report.md promise: the counts of a
 * clean run, a crash named in the report with exit 3, a stop flag making an
 * interrupted run with exit 1, a plugin that fails to load giving exit 2 and no
 * report, SLO verdicts, and the report of a run that has not started. vs_run_verdict's
 * order of precedence is also checked on its own.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "runner/runner.h"
#include "scenario/scenario.h"

static vs_config g_cfg;
static bool g_loaded;
static json_t *g_report;

static void teardown(void)
{
    json_decref(g_report);
    g_report = NULL;
    if (g_loaded)
        vs_config_close(&g_cfg);
    g_loaded = false;
}

TestSuite(runner, .fini = teardown);

/* A scenario of 2 hosts with 1 VM of 1 NIC each, `ops` migrations asked for at once
 * (1000/s, so all within a few ms), the plugin `plugin` found in the example or the
 * test fixture plugins, and `slo` as the SLO list's text ("" for none). */
static void load(const char *plugin, int ops, const char *slo)
{
    const char *ex = getenv("VSWITCHSIM_PLUGIN_DIR"), *fx = getenv("VSWITCHSIM_TEST_PLUGIN_DIR");
    cr_assert(ex && fx, "VSWITCHSIM_PLUGIN_DIR and _TEST_PLUGIN_DIR are set by ctest");
    const char *const dirs[] = {ex, fx, NULL};
    vs_scenario_options opts = {.plugin_path = dirs};
    char text[2048], err[VS_ERROR_MAX];
    snprintf(text, sizeof text,
             "{\"name\": \"runner-test\", \"seed\": 1,"
             " \"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1},"
             " \"plugins\": [{\"name\": \"p\", \"path\": \"%s\"}],"
             " \"workload\": {\"type\": \"poisson\", \"operation\": \"migrate\","
             " \"rate_per_s\": 1000, \"max_operations\": %d},"
             " \"run\": {\"duration\": \"1s\", \"drain\": \"600s\"},"
             " \"slo\": [%s]}",
             plugin, ops, slo);
    cr_assert_eq(
        vs_scenario_load_text(text, strlen(text), "runner-test.json", ".", &opts, &g_cfg, err), 0,
        "%s", err);
    g_loaded = true;
}

static double number(const char *path)
{
    double v = -1;
    cr_assert(vs_report_lookup(g_report, path, &v), "no %s in the report", path);
    return v;
}

/* Counts the OIDs named `event` that --trace saw. */
typedef struct oid_count {
    const char *event;
    unsigned n;
} oid_count;

static void count_oids(void *ctx, const vs_trace_record *rec)
{
    oid_count *c = ctx;
    c->n += rec->kind == VS_TRACE_OID && strcmp(rec->event, c->event) == 0;
}

/* ---- Runs ---------------------------------------------------------------------------- */

/* Three migrations that all complete: one save and one restore sequence each (one NIC),
 * each ending with one SAVE_COMPLETE; nothing crashed or stopped; exit 0. */
Test(runner, clean_run_reports_what_ran_and_exits_0)
{
    load("null", 3, "");
    vs_run_end end = {0};
    int code = 99;
    oid_count saves_complete = {"OID_SWITCH_NIC_SAVE_COMPLETE", 0};
    vs_run_options o = {.trace = count_oids, .trace_ctx = &saves_complete};
    g_report = vs_run_simulate(&g_cfg, &o, &end, &code);
    cr_assert_not_null(g_report);
    cr_expect_eq(code, 99, "left alone on success");
    cr_expect_eq(number("migrations.completed"), 3);
    cr_expect_eq(number("saves.completed"), 3);
    cr_expect_eq(number("restores.completed"), 3);
    cr_expect_eq(saves_complete.n, 3, "one SAVE_COMPLETE per save sequence");
    cr_expect_eq(end.guard.first.signal, 0);
    cr_expect(!end.interrupted);
    cr_expect_geq(end.wall_time_s, 0);
    cr_expect(json_is_null(json_object_get(g_report, "crashed")));
    cr_expect(json_is_false(json_object_get(g_report, "interrupted")));
    cr_expect_eq(vs_run_verdict(g_report, &g_cfg, &end), VS_EXIT_OK);
}

Test(runner, slo_that_holds_exits_0_and_one_breached_exits_3)
{
    load("null", 2, "\"migrations.completed == 2\", \"migrations.completed > 2\"");
    vs_run_end end = {0};
    int code = 99;
    vs_run_options o = {0};
    g_report = vs_run_simulate(&g_cfg, &o, &end, &code);
    cr_assert_not_null(g_report);
    cr_expect_eq(vs_run_verdict(g_report, &g_cfg, &end), VS_EXIT_BREACH);
    json_t *slo = json_object_get(g_report, "slo");
    cr_assert_eq(json_array_size(slo), 2);
    cr_expect(json_is_true(json_object_get(json_array_get(slo, 0), "pass")));
    cr_expect(json_is_false(json_object_get(json_array_get(slo, 1), "pass")));
    cr_expect_float_eq(json_real_value(json_object_get(json_array_get(slo, 1), "value")), 2.0,
                       1e-9);
}

/* crash_segv writes through NULL in its third save: the run stops there, the report
 * names the plugin, its callback and the signal, and the exit code is 3. */
Test(runner, crashing_callout_is_named_and_exits_3)
{
    load("crash_segv", 5, "");
    vs_run_end end = {0};
    int code = 99;
    vs_run_options o = {0};
    g_report = vs_run_simulate(&g_cfg, &o, &end, &code);
    cr_assert_not_null(g_report, "the report covers what ran");
    cr_expect_eq(end.guard.first.signal, SIGSEGV);
    cr_expect_str_eq(end.guard.first.what, "save");
    json_t *crashed = json_object_get(g_report, "crashed");
    cr_assert(json_is_object(crashed));
    cr_expect_str_eq(json_string_value(json_object_get(crashed, "plugin")), "p");
    cr_expect_str_eq(json_string_value(json_object_get(crashed, "callback")), "save");
    cr_expect_str_eq(json_string_value(json_object_get(crashed, "signal")), "SIGSEGV");
    cr_expect_eq(number("saves.completed"), 2, "the two saves before the crash");
    cr_expect_eq(vs_run_verdict(g_report, &g_cfg, &end), VS_EXIT_BREACH);
}

/* A stop already raised: the run stops at once, interrupted; exit 1. */
Test(runner, raised_stop_interrupts_the_run_and_exits_1)
{
    load("null", 3, "");
    static volatile sig_atomic_t stop = 1;
    vs_run_end end = {0};
    int code = 99;
    vs_run_options o = {.stop = &stop};
    g_report = vs_run_simulate(&g_cfg, &o, &end, &code);
    cr_assert_not_null(g_report);
    cr_expect(end.interrupted);
    cr_expect(json_is_true(json_object_get(g_report, "interrupted")));
    cr_expect_lt(number("migrations.completed"), 3);
    cr_expect_eq(vs_run_verdict(g_report, &g_cfg, &end), VS_EXIT_FAILURE);
}

/* entry_fails returns an error from its entry point: no run, no report, exit 2. */
Test(runner, plugin_that_fails_to_load_gives_no_report_and_exit_2)
{
    load("entry_fails", 1, "");
    vs_run_end end = {0};
    int code = 99;
    vs_run_options o = {0};
    g_report = vs_run_simulate(&g_cfg, &o, &end, &code);
    cr_expect_null(g_report);
    cr_expect_eq(code, VS_EXIT_BAD_INPUT);
}

/* Before anything runs: every count 0, no crash, not interrupted. */
Test(runner, unstarted_report_counts_nothing)
{
    load("null", 3, "");
    g_report = vs_run_report_unstarted(&g_cfg);
    cr_assert_not_null(g_report);
    cr_expect_eq(number("migrations.started"), 0);
    cr_expect_eq(number("migrations.completed"), 0);
    cr_expect_eq(number("saves.issued"), 0);
    cr_expect_eq(number("sim_time_s"), 0);
    cr_expect_eq(number("events"), 0);
    cr_expect(json_is_null(json_object_get(g_report, "crashed")));
    cr_expect(json_is_false(json_object_get(g_report, "interrupted")));
    cr_expect_str_eq(json_string_value(json_object_get(g_report, "scenario")), "runner-test");
}

/* ---- The verdict's order: crash 3, then interruption 1, then SLO or verifier 3 ------ */

/* A report with only what the verdict reads: one number for an SLO, the verifier's
 * total, and the "slo" list it fills. */
static json_t *bare_report(double completed, uint64_t violations)
{
    /* clang-format off */
    return json_pack("{s:{s:f}, s:{s:I}, s:[]}", "migrations", "completed", completed,
                     "verifier", "total", (json_int_t)violations, "slo");
    /* clang-format on */
}

Test(runner, verdict_precedence)
{
    vs_slo slo = {.metric = "migrations.completed", .op = VS_SLO_GE, .limit = 1};
    vs_config cfg = {.slos = &slo, .nslos = 1};
    vs_run_end clean = {0}, stopped = {.interrupted = true}, crashed = {0}, both = {0};
    crashed.guard.first.signal = SIGSEGV;
    both = crashed;
    both.interrupted = true;
    struct {
        double completed;
        uint64_t violations;
        const vs_run_end *end;
        int want;
    } cases[] = {
        {1, 0, &clean, VS_EXIT_OK},        {0, 0, &clean, VS_EXIT_BREACH},
        {1, 2, &clean, VS_EXIT_BREACH},    {1, 0, &stopped, VS_EXIT_FAILURE},
        {0, 5, &stopped, VS_EXIT_FAILURE}, {1, 0, &crashed, VS_EXIT_BREACH},
        {1, 0, &both, VS_EXIT_BREACH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *r = bare_report(cases[i].completed, cases[i].violations);
        cr_assert_not_null(r);
        cr_expect_eq(vs_run_verdict(r, &cfg, cases[i].end), cases[i].want, "case %zu", i);
        json_decref(r);
    }
}
