/*
 * test-report.c: the report (sim/report): the stable keys of CONTRACT §5, lookups by
 * dotted path, SLO verdicts, the metric names SLOs may use, and atomic output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/metric_names.h"
#include "report/report.h"

static vs_config cfg;
static vs_stats st;
static json_t *report;

static void build(void)
{
    cfg = (vs_config){.name = "report-test", .seed = 9, .metrics.histogram_rel_error = 0.01};
    cr_assert_eq(vs_stats_init(&st, 0, 0, 0.01, 0), 0);
    st.saves.issued = 10;
    st.saves.completed = 8;
    st.saves.failed = 2;
    for (uint64_t v = 1; v <= 1000; v++)
        vs_hist_record(&st.latency[VS_LAT_SAVE], v * 1000); /* 1..1000 us */
    vs_run_info info = {.sim_time_ns = 2000000000ull, .events = 1234, .wall_time_s = 0.5};
    report = vs_report_build(&cfg, &st, &info);
    cr_assert_not_null(report);
}

static void teardown(void)
{
    json_decref(report);
    vs_stats_close(&st);
}

TestSuite(report, .init = build, .fini = teardown);

Test(report, carries_the_stable_keys)
{
    static const char *const keys[] = {
        "scenario",          "seed",    "sim_time_s", "wall_time_s", "events",
        "events_per_wall_s", "saves",   "restores",   "throughput",  "latency_us",
        "in_flight",         "plugins", "slo",        "verifier"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cr_assert_not_null(json_object_get(report, keys[i]), "missing %s", keys[i]);
    static const char *const stats[] = {"count", "mean", "min", "max", "p50", "p90", "p99", "p999"};
    static const char *const lats[] = {"pending_completion", "save", "restore", "callback"};
    for (size_t l = 0; l < 4; l++)
        for (size_t s = 0; s < 8; s++) {
            char path[128];
            double v;
            snprintf(path, sizeof path, "latency_us.%s.%s", lats[l], stats[s]);
            cr_assert(vs_report_lookup(report, path, &v), "missing %s", path);
        }
    cr_assert(json_is_array(json_object_get(json_object_get(report, "verifier"), "violations")));
}

Test(report, numbers_are_in_the_documented_units)
{
    double v;
    cr_assert(vs_report_lookup(report, "throughput.saves_per_s", &v));
    cr_assert_float_eq(v, 4.0, 1e-9); /* 8 completed in 2 simulated seconds */
    cr_assert(vs_report_lookup(report, "latency_us.save.max", &v));
    cr_assert_float_eq(v, 1000.0, 1e-9);
    cr_assert(vs_report_lookup(report, "latency_us.save.p50", &v));
    cr_assert(v >= 500 * 0.99 && v <= 500 * 1.01, "p50 %f", v);
    cr_assert(vs_report_lookup(report, "events_per_wall_s", &v));
    cr_assert_float_eq(v, 2468.0, 1e-9);
}

Test(report, slo_verdicts_are_listed_and_counted)
{
    vs_slo slos[] = {{"saves.failed", VS_SLO_EQ, 0},
                     {"latency_us.save.p99", VS_SLO_LT, 5000},
                     {"saves.completed", VS_SLO_GE, 8}};
    cfg.slos = slos;
    cfg.nslos = 3;
    cr_assert_eq(vs_report_eval_slos(report, &cfg), 1);
    json_t *list = json_object_get(report, "slo");
    cr_assert_eq(json_array_size(list), 3);
    json_t *first = json_array_get(list, 0);
    cr_assert_str_eq(json_string_value(json_object_get(first, "metric")), "saves.failed");
    cr_assert_str_eq(json_string_value(json_object_get(first, "op")), "==");
    cr_assert(json_is_false(json_object_get(first, "pass")));
    cr_assert_float_eq(json_number_value(json_object_get(first, "value")), 2.0, 1e-9);
    cr_assert(json_is_true(json_object_get(json_array_get(list, 1), "pass")));
}

/* Each plugin says where its costs came from; a measured one makes the report say it is
 * not deterministic. */
Test(report, plugin_timing_and_determinism)
{
    cr_assert(json_is_true(json_object_get(report, "deterministic")), "no plugins: deterministic");
    vs_plugin_spec specs[2] = {{"c", "c.so", "{}"}, {"m", "m.so", "{}"}};
    vs_plugin_timing timing[2] = {{VS_TIMING_CHARGED, 1.0}, {VS_TIMING_MEASURED, 2.5}};
    vs_config pc = {
        .name = "timing", .plugins = specs, .nplugins = 2, .metrics.histogram_rel_error = 0.01};
    vs_stats ps;
    cr_assert_eq(vs_stats_init(&ps, 2, 0, 0.01, 0), 0);
    vs_run_info info = {.sim_time_ns = 1000000000ull, .clock_overhead_ns = 1234};
    for (int measured = 0; measured < 2; measured++) {
        pc.plugin_timing = measured ? timing : NULL; /* NULL: every plugin charged */
        json_t *r = vs_report_build(&pc, &ps, &info);
        cr_assert_not_null(r);
        cr_assert_eq(json_is_true(json_object_get(r, "deterministic")), !measured);
        json_t *m = json_array_get(json_object_get(r, "plugins"), 1);
        cr_assert_str_eq(json_string_value(json_object_get(m, "timing")),
                         measured ? "measured" : "charged");
        cr_assert_float_eq(json_number_value(json_object_get(m, "timing_scale")),
                           measured ? 2.5 : 1.0, 1e-12);
        cr_assert_eq(json_integer_value(json_object_get(m, "timing_overhead_ns")),
                     measured ? 1234 : 0);
        json_t *c = json_array_get(json_object_get(r, "plugins"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(c, "timing")), "charged");
        cr_assert_eq(json_integer_value(json_object_get(c, "timing_overhead_ns")), 0);
        json_decref(r);
    }
    vs_stats_close(&ps);
    cr_assert_not(vs_metric_known("deterministic"), "a boolean, not an SLO metric");
}

/* Every number of an empty report's object tree (per-plugin and per-host sections aside:
 * their names depend on the scenario), as dotted paths; returns how many. */
static size_t each_number(const json_t *node, char *path, size_t len, bool *all_known)
{
    if (json_is_number(node)) {
        bool skipped = strncmp(path, "plugins", 7) == 0 || strncmp(path, "hosts.per_host", 14) == 0;
        if (!skipped && !vs_metric_known(path)) {
            cr_log_error("the report has %s, the catalogue does not", path);
            *all_known = false;
        }
        return skipped ? 0 : 1;
    }
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)node, key, v) {
        int k = snprintf(path + len, 256 - len, "%s%s", len ? "." : "", key);
        cr_assert(k > 0 && (size_t)k < 256 - len);
        n += each_number(v, path, len + (size_t)k, all_known);
        path[len] = '\0';
    }
    return n;
}

Test(report, metric_names_are_the_reports_numbers)
{
    cr_assert(vs_metric_known("latency_us.pending_completion.p99"));
    cr_assert(vs_metric_known("saves.failed"));
    cr_assert(vs_metric_known("migrations.failed_at.nic_connect"));
    cr_assert(vs_metric_known("throughput.state_bytes_per_s"));
    cr_assert(vs_metric_known("in_flight.pending_max"));
    cr_assert_not(vs_metric_known("latency_us.save")); /* an object */
    cr_assert_not(vs_metric_known("latency_us.save.p42"));
    cr_assert_not(vs_metric_known("saves.p99")); /* two families crossed */
    cr_assert_not(vs_metric_known("scenario"));  /* a string */
    cr_assert_not(vs_metric_known(""));
    cr_assert_not(vs_metric_known("."));

    /* The catalogue (sim/config) and the report (sim/report) name the same numbers: each
     * of the report's is known, and there are as many names as numbers. */
    vs_config empty = {.name = "", .metrics.histogram_rel_error = 0.5};
    vs_stats none;
    cr_assert_eq(vs_stats_init(&none, 0, 0, 0.5, 0), 0);
    vs_run_info info = {0};
    json_t *r = vs_report_build(&empty, &none, &info);
    cr_assert_not_null(r);
    char path[256] = "";
    bool all_known = true;
    size_t numbers = each_number(r, path, 0, &all_known);
    cr_assert(all_known);
    size_t names = 0;
    char name[VS_METRIC_NAME_MAX];
    double v;
    for (; vs_metric_name(names, name); names++)
        cr_assert(vs_report_lookup(r, name, &v), "the catalogue has %s, the report does not", name);
    cr_assert_eq(names, numbers, "%zu names, %zu numbers", names, numbers);
    cr_assert_gt(names, 200);
    json_decref(r);
    vs_stats_close(&none);
}

Test(report, json_file_is_replaced_atomically)
{
    char dir[] = "/tmp/vs-report-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], err[VS_ERROR_MAX];
    snprintf(path, sizeof path, "%s/report.json", dir);
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    cr_assert_eq(vs_report_write_json(report, path, err), 0, "%s", err);
    json_error_t je;
    json_t *back = json_load_file(path, 0, &je);
    cr_assert_not_null(back, "%s", je.text);
    cr_assert(json_equal(back, report));
    json_decref(back);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls %s | wc -l) -eq 1", dir); /* no temp file left */
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
}

Test(report, unwritable_path_is_an_error_not_a_partial_file)
{
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_report_write_json(report, "/nonexistent-dir/r.json", err), -1);
    cr_assert(strstr(err, "/nonexistent-dir/r.json"), "%s", err);
}

/* Equal numbers in the per-host table are one json_t (the tree of a region's report is
 * built beside the whole model): the text is what separate values would give. */
Test(report, equal_per_host_numbers_share_one_leaf)
{
    vs_host_stats hs[3] = {
        {.migrations_peak = 2, .migrations_out = 5, .vms_end = 300, .cpu_busy = 0.5},
        {.migrations_peak = 2, .migrations_out = 5, .vms_end = 300, .cpu_busy = 0.5},
        {.migrations_peak = 2, .migrations_out = 6, .vms_end = 300, .cpu_busy = 0.25}};
    st.hosts = hs;
    st.nhosts = 3;
    vs_run_info info = {.sim_time_ns = 2000000000ull, .events = 1234, .wall_time_s = 0.5};
    json_t *r = vs_report_build(&cfg, &st, &info);
    st.hosts = NULL; /* the stack's, not the stats' to free */
    st.nhosts = 0;
    cr_assert_not_null(r);
    const json_t *ph = json_object_get(json_object_get(r, "hosts"), "per_host");
    const json_t *h0 = json_array_get(ph, 0), *h1 = json_array_get(ph, 1),
                 *h2 = json_array_get(ph, 2);
    cr_assert_eq(json_object_get(h0, "migrations_out"), json_object_get(h1, "migrations_out"));
    cr_assert_eq(json_object_get(h0, "cpu_busy"), json_object_get(h1, "cpu_busy"));
    cr_assert_eq(json_object_get(h0, "latency_us"), json_object_get(h2, "latency_us"));
    cr_assert_eq(json_integer_value(json_object_get(h2, "migrations_out")), 6);
    cr_assert_eq(json_integer_value(json_object_get(h2, "vms_end")), 300, "past the small ints");
    char *text = json_dumps(h1, JSON_COMPACT);
    cr_assert_str_eq(text, "{\"host\":1,\"migrations_peak\":2,\"migrations_out\":5,"
                           "\"migrations_in\":0,\"vms_end\":300,\"cpu_queue_peak\":0,"
                           "\"cpu_busy\":0.5,\"link_out\":0.0,\"link_in\":0.0,\"latency_us\":{}}");
    free(text);
    text = json_dumps(h2, JSON_COMPACT);
    cr_assert(strstr(text, "\"cpu_busy\":0.25,"), "%s", text);
    free(text);
    json_decref(r);
}

/* Hosts whose series are alike share one row (a lockstep drain's are all alike). */
Test(report, alike_host_series_rows_share_one_row)
{
    cr_assert_eq(vs_host_series_init(&st.host_series, 3, 1000000000ull), 0);
    vs_host_series_add(&st.host_series, 1000000000ull, (double[]){1e9, 1e9, 2e9});
    vs_host_series_add(&st.host_series, 2000000000ull, (double[]){2e9, 2e9, 2e9});
    vs_run_info info = {.sim_time_ns = 2000000000ull, .events = 1234, .wall_time_s = 0.5};
    json_t *r = vs_report_build(&cfg, &st, &info);
    cr_assert_not_null(r);
    const json_t *rows = json_object_get(json_object_get(r, "host_series"), "migrations_mean");
    cr_assert_eq(json_array_size(rows), 3);
    cr_assert_eq(json_array_get(rows, 0), json_array_get(rows, 1), "one row for two alike");
    cr_assert_neq(json_array_get(rows, 0), json_array_get(rows, 2));
    char *text = json_dumps(rows, JSON_COMPACT);
    cr_assert_str_eq(text, "[[1.0,1.0],[1.0,1.0],[2.0,0.0]]");
    free(text);
    json_decref(r);
}
