/*
 * test-stats.c: the model's measurements (sim/model/stats.c), through stats.h. The
 * verifier's part: counts stay exact however many violations a callout makes, by rule
 * and by plugin, while only each rule's first VS_VIOLATIONS_KEPT keep their details, in
 * order. Then the rest of the header: latencies recorded overall, per host and in the
 * time series; levels over the run and the interval; a series row's rates, levels and
 * percentiles worked out by hand from what was recorded; the warm-up restart; the
 * names the report uses (docs/report.md).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model/stats.h"

static vs_stats st;

static void setup(void)
{
    cr_assert_eq(vs_stats_init(&st, 2, 0, 0.01, 0), 0);
}

static void teardown(void)
{
    vs_stats_close(&st);
}

TestSuite(stats, .init = setup, .fini = teardown);

static void add(vs_rule rule, size_t plugin, uint64_t t)
{
    char detail[32];
    snprintf(detail, sizeof detail, "number %llu", (unsigned long long)t);
    cr_assert_eq(vs_stats_add_violation(&st, rule, plugin, plugin ? "b" : "a", t, detail), 0);
}

static uint64_t by_plugin(size_t plugin, vs_rule rule)
{
    return st.violations.by_plugin[plugin * VS_RULE_COUNT + rule];
}

Test(stats, no_violations_at_start)
{
    cr_assert_eq(st.violations.total, 0);
    cr_assert_eq(st.violations.nkept, 0);
    for (int r = 0; r < VS_RULE_COUNT; r++)
        cr_assert_eq(st.violations.by_rule[r], 0);
}

Test(stats, few_violations_are_all_kept)
{
    add(VS_RULE_DOUBLE_COMPLETION, 0, 1);
    add(VS_RULE_BAD_FREE, 1, 2);
    cr_assert_eq(st.violations.total, 2);
    cr_assert_eq(st.violations.nkept, 2);
    cr_assert_str_eq(st.violations.kept[0].rule, "double_completion");
    cr_assert_str_eq(st.violations.kept[0].plugin, "a");
    cr_assert_str_eq(st.violations.kept[1].rule, "bad_free");
    cr_assert_str_eq(st.violations.kept[1].detail, "number 2");
    cr_assert_eq(st.violations.kept[1].sim_time_ns, 2);
}

Test(stats, counts_are_exact_and_details_capped_per_rule)
{
    for (uint64_t i = 0; i < 16000; i++)
        add(VS_RULE_DOUBLE_COMPLETION, i % 2, i);
    for (uint64_t i = 0; i < 150; i++)
        add(VS_RULE_LEAKED_MEMORY, 1, 16000 + i);
    add(VS_RULE_BAD_FREE, 0, 20000);
    cr_assert_eq(st.violations.total, 16151);
    cr_assert_eq(st.violations.by_rule[VS_RULE_DOUBLE_COMPLETION], 16000);
    cr_assert_eq(st.violations.by_rule[VS_RULE_LEAKED_MEMORY], 150);
    cr_assert_eq(st.violations.by_rule[VS_RULE_BAD_FREE], 1);
    cr_assert_eq(by_plugin(0, VS_RULE_DOUBLE_COMPLETION), 8000);
    cr_assert_eq(by_plugin(1, VS_RULE_DOUBLE_COMPLETION), 8000);
    cr_assert_eq(by_plugin(1, VS_RULE_LEAKED_MEMORY), 150);
    cr_assert_eq(by_plugin(0, VS_RULE_LEAKED_MEMORY), 0);
    cr_assert_eq(st.violations.nkept, 2 * VS_VIOLATIONS_KEPT + 1);
    /* The first ones of each rule, in the order found. */
    cr_assert_eq(st.violations.kept[VS_VIOLATIONS_KEPT - 1].sim_time_ns, VS_VIOLATIONS_KEPT - 1);
    cr_assert_str_eq(st.violations.kept[VS_VIOLATIONS_KEPT].rule, "leaked_memory");
    cr_assert_eq(st.violations.kept[VS_VIOLATIONS_KEPT].sim_time_ns, 16000);
    cr_assert_str_eq(st.violations.kept[2 * VS_VIOLATIONS_KEPT].rule, "bad_free");
}

Test(stats, unknown_plugin_is_counted_apart)
{
    cr_assert_eq(
        vs_stats_add_violation(&st, VS_RULE_UNKNOWN_COMPLETION_CONTEXT, 2, "(unknown)", 5, "x"), 0);
    cr_assert_eq(
        vs_stats_add_violation(&st, VS_RULE_UNKNOWN_COMPLETION_CONTEXT, 99, "(unknown)", 6, "y"),
        0);
    cr_assert_eq(by_plugin(2, VS_RULE_UNKNOWN_COMPLETION_CONTEXT), 2);
    cr_assert_eq(st.violations.total, 2);
}

Test(stats, warm_up_keeps_violations)
{
    add(VS_RULE_DOUBLE_COMPLETION, 0, 1);
    vs_stats_restart(&st, 10);
    cr_assert_eq(st.violations.total, 1);
    cr_assert_eq(st.violations.nkept, 1);
    cr_assert_eq(by_plugin(0, VS_RULE_DOUBLE_COMPLETION), 1);
}

Test(stats, series_rows_count_the_interval_violations)
{
    add(VS_RULE_DOUBLE_COMPLETION, 0, 1);
    add(VS_RULE_DOUBLE_COMPLETION, 0, 2);
    cr_assert_eq(vs_stats_series_row(&st, 1000), 0);
    add(VS_RULE_BAD_FREE, 0, 1500);
    cr_assert_eq(vs_stats_series_row(&st, 2000), 0);
    cr_assert_eq(st.series.nrows, 2);
    cr_assert_str_eq(vs_ts_column_names[VS_TS_VIOLATIONS], "violations");
    cr_assert_eq(st.series.rows[VS_TS_VIOLATIONS], 2.0);
    cr_assert_eq(st.series.rows[VS_TS_COLUMNS + VS_TS_VIOLATIONS], 1.0);
}

/* ---- Latencies, levels, the time series, warm-up -------------------------------------- */

#define NS_PER_S 1000000000ull

/* A stats of its own: 3 hosts with per-host histograms, a 1 s series interval. */
static vs_stats full;

static void full_init(void)
{
    cr_assert_eq(vs_stats_init(&full, 2, 3, 0.01, NS_PER_S), 0);
    cr_assert_not_null(full.host_latency);
    cr_assert_eq(full.latency_hosts, 3);
}

/* Overall always; per host when a host is given; in the series only blackout, pending
 * completion and save (VS_TS_LATENCIES). */
Test(stats, latency_is_recorded_overall_per_host_and_in_the_series)
{
    full_init();
    vs_stats_latency(&full, VS_LAT_BLACKOUT, 2, 5000);
    vs_stats_latency(&full, VS_LAT_SAVE, UINT32_MAX, 7000);
    vs_stats_latency(&full, VS_LAT_MIGRATION, 1, 9000);
    cr_expect_eq(full.latency[VS_LAT_BLACKOUT].count, 1);
    cr_expect_eq(full.latency[VS_LAT_SAVE].count, 1);
    cr_expect_eq(full.latency[VS_LAT_MIGRATION].count, 1);
    uint64_t per_host = 0;
    for (size_t i = 0; i < 3 * VS_LAT_COUNT; i++)
        per_host += full.host_latency[i].count;
    cr_expect_eq(per_host, 2, "the save had no host");
    cr_expect_eq(full.host_latency[2 * VS_LAT_COUNT + VS_LAT_BLACKOUT].count, 1);
    cr_expect_eq(full.host_latency[1 * VS_LAT_COUNT + VS_LAT_MIGRATION].count, 1);
    cr_expect_eq(full.series.latency[VS_TS_LAT_BLACKOUT].count, 1);
    cr_expect_eq(full.series.latency[VS_TS_LAT_SAVE].count, 1);
    cr_expect_eq(full.series.latency[VS_TS_LAT_PENDING].count, 0);
    vs_stats_close(&full);
}

/* No hosts and no interval (the fixture's stats): only the overall histogram. */
Test(stats, latency_without_hosts_or_series_is_overall_only)
{
    cr_expect_null(st.host_latency);
    vs_stats_latency(&st, VS_LAT_BLACKOUT, 1, 5000);
    cr_expect_eq(st.latency[VS_LAT_BLACKOUT].count, 1);
    cr_expect_eq(st.series.latency[VS_TS_LAT_BLACKOUT].count, 0);
}

/* Level 2 over [0, 1 s), 1 over [1 s, 2 s): the run's and the interval's mean is 1.5,
 * peak 2. */
Test(stats, level_counts_over_the_run_and_the_interval)
{
    vs_level_add(&st.pending, 0, +2);
    vs_level_add(&st.pending, NS_PER_S, -1);
    cr_expect_float_eq(vs_gauge_mean(&st.pending.total, 2 * NS_PER_S), 1.5, 1e-12);
    cr_expect_float_eq(vs_gauge_mean(&st.pending.window, 2 * NS_PER_S), 1.5, 1e-12);
    cr_expect_eq(st.pending.total.peak, 2);
    cr_expect_eq(st.pending.window.level, 1);
}

/* Row 1 over [0, 2 s): 10 saves, 4 migrations, 6 restores completed; pending at 2 then
 * 1; one 5 us blackout. Row 2 over [2 s, 3 s): 3 more saves, pending at 1 throughout. */
Test(stats, series_rows_hold_the_intervals_rates_levels_and_percentiles)
{
    full_init();
    vs_level_add(&full.pending, 0, +2);
    vs_level_add(&full.pending, NS_PER_S, -1);
    vs_stats_latency(&full, VS_LAT_BLACKOUT, 0, 5000);
    full.saves.completed = 10;
    full.restores.completed = 6;
    full.migrations.completed = 4;
    full.series.network_gbps = 2.5;
    cr_assert_eq(vs_stats_series_row(&full, 2 * NS_PER_S), 0);
    full.saves.completed = 13;
    cr_assert_eq(vs_stats_series_row(&full, 3 * NS_PER_S), 0);
    cr_assert_eq(full.series.nrows, 2);
    const double *r1 = full.series.rows, *r2 = full.series.rows + VS_TS_COLUMNS;
    cr_expect_float_eq(r1[VS_TS_T], 2.0, 1e-12);
    cr_expect_float_eq(r1[VS_TS_SAVES_PER_S], 5.0, 1e-12);
    cr_expect_float_eq(r1[VS_TS_RESTORES_PER_S], 3.0, 1e-12);
    cr_expect_float_eq(r1[VS_TS_MIGRATIONS_PER_S], 2.0, 1e-12);
    cr_expect_float_eq(r1[VS_TS_PENDING_MEAN], 1.5, 1e-12);
    cr_expect_float_eq(r1[VS_TS_PENDING_MAX], 2.0, 1e-12);
    cr_expect_float_eq(r1[VS_TS_BLACKOUT_P50], 5.0, 0.05 * 2, "5 us within 1%% twice over");
    cr_expect_float_eq(r1[VS_TS_NETWORK_GBPS], 2.5, 1e-12);
    cr_expect_float_eq(r2[VS_TS_T], 3.0, 1e-12);
    cr_expect_float_eq(r2[VS_TS_SAVES_PER_S], 3.0, 1e-12);
    cr_expect_float_eq(r2[VS_TS_MIGRATIONS_PER_S], 0.0, 1e-12);
    cr_expect_float_eq(r2[VS_TS_PENDING_MEAN], 1.0, 1e-12);
    cr_expect_float_eq(r2[VS_TS_PENDING_MAX], 1.0, 1e-12, "the peak starts again per row");
    cr_expect_eq(full.series.latency[VS_TS_LAT_BLACKOUT].count, 0, "reset per row");
    vs_stats_close(&full);
}

/* An interval of no time has no rates: no row. */
Test(stats, series_row_of_no_time_adds_nothing)
{
    full_init();
    cr_assert_eq(vs_stats_series_row(&full, NS_PER_S), 0);
    cr_assert_eq(vs_stats_series_row(&full, NS_PER_S), 0);
    cr_expect_eq(full.series.nrows, 1);
    vs_stats_close(&full);
}

/* A callback's time goes to its plugin and its host; the all-plugins histogram is their
 * merge, made by vs_stats_sync, the same however often it is made. */
Test(stats, callback_latency_is_per_plugin_and_synced_into_the_total)
{
    full_init();
    vs_stats_callback_latency(&full, &full.plugins[0], 2, 1000);
    vs_stats_callback_latency(&full, &full.plugins[1], 0, 30000);
    vs_stats_callback_latency(&full, &full.plugins[1], 0, 0);
    cr_expect_eq(full.latency[VS_LAT_CALLBACK].count, 0, "not recorded twice");
    cr_expect_eq(full.plugins[1].latency[VS_LAT_CALLBACK].count, 2);
    cr_expect_eq(full.host_latency[2 * VS_LAT_COUNT + VS_LAT_CALLBACK].count, 1);
    for (int round = 0; round < 2; round++) {
        vs_stats_sync(&full);
        const vs_hist *all = &full.latency[VS_LAT_CALLBACK];
        cr_expect_eq(all->count, 3);
        cr_expect_eq(all->min, 0);
        cr_expect_eq(all->max, 30000);
        cr_expect_eq(all->sum_lo, 31000);
    }
    vs_stats_close(&full);
}

/* Warm-up over at 5 s: counts and histograms start again, levels go on from their
 * level (the mean from 5 s), a plugin's allocated memory stays allocated. */
Test(stats, restart_starts_totals_again_from_now)
{
    full_init();
    full.saves.completed = 7;
    full.migrations.started = 3;
    full.callbacks = 99;
    full.skipped_vm_off = 2;
    full.plugins[1].saves = 4;
    full.plugins[1].mem_bytes = 300;
    full.plugins[1].mem_peak = 900;
    vs_stats_latency(&full, VS_LAT_SAVE, 1, 1000);
    vs_hist_record(&full.plugins[1].latency[VS_LAT_CALLBACK], 10);
    vs_level_add(&full.pending, 0, +3);
    vs_stats_restart(&full, 5 * NS_PER_S);
    cr_expect_eq(full.saves.completed, 0);
    cr_expect_eq(full.migrations.started, 0);
    cr_expect_eq(full.callbacks, 0);
    cr_expect_eq(full.skipped_vm_off, 0);
    cr_expect_eq(full.latency[VS_LAT_SAVE].count, 0);
    cr_expect_eq(full.host_latency[1 * VS_LAT_COUNT + VS_LAT_SAVE].count, 0);
    cr_expect_eq(full.plugins[1].saves, 0);
    cr_expect_eq(full.plugins[1].latency[VS_LAT_CALLBACK].count, 0);
    cr_expect_eq(full.plugins[1].mem_bytes, 300);
    cr_expect_eq(full.plugins[1].mem_peak, 300, "the peak starts again at what is held");
    cr_expect_eq(full.measure_start_ns, 5 * NS_PER_S);
    cr_expect_eq(full.pending.total.level, 3);
    vs_level_add(&full.pending, 6 * NS_PER_S, -3);
    cr_expect_float_eq(vs_gauge_mean(&full.pending.total, 7 * NS_PER_S), 1.5, 1e-12,
                       "3 over [5, 6) s, 0 over [6, 7) s");
    /* the series' window starts there too: a row at 6 s covers one second */
    full.saves.completed = 2;
    cr_assert_eq(vs_stats_series_row(&full, 6 * NS_PER_S), 0);
    cr_expect_float_eq(full.series.rows[VS_TS_SAVES_PER_S], 2.0, 1e-12);
    vs_stats_close(&full);
}

/* stats.h: "closing it again is harmless". */
Test(stats, close_twice_is_harmless)
{
    full_init();
    vs_stats_latency(&full, VS_LAT_SAVE, 0, 1000);
    vs_stats_close(&full);
    vs_stats_close(&full);
    cr_expect_null(full.host_latency);
    cr_expect_null(full.plugins);
    cr_expect_eq(full.nplugins, 0);
}

/* The names the report's keys are made of (docs/report.md). */
Test(stats, names_are_the_reports)
{
    static const char *const lat[VS_LAT_COUNT] = {
        "pending_completion", "save", "restore", "callback", "blackout", "migration", "slot_wait"};
    static const char *const causes[VS_CAUSES] = {
        "none", "validation", "operational_port", "save", "nic_connect", "restore", "timeout"};
    for (int i = 0; i < VS_LAT_COUNT; i++)
        cr_expect_str_eq(vs_latency_names[i], lat[i]);
    for (int i = 0; i < VS_CAUSES; i++)
        cr_expect_str_eq(vs_fail_cause_names[i], causes[i]);
    cr_expect_str_eq(vs_ts_column_names[VS_TS_T], "t_s");
    cr_expect_str_eq(vs_ts_column_names[VS_TS_SAVES_PER_S], "saves_per_s");
}

/* ---- Migrations per host over time --------------------------------------------------- */

/* Host 0 runs 2 migrations all along, host 1 one from t = 10 s, host 2 none: the totals
 * (migrations x ns from the start) at t seconds. */
static void totals_at(double t, double out[3])
{
    out[0] = 2 * t * 1e9;
    out[1] = t > 10 ? (t - 10) * 1e9 : 0;
    out[2] = 0;
}

Test(stats, host_series_keeps_time_weighted_means_per_bucket)
{
    vs_host_series hs;
    cr_assert_eq(vs_host_series_init(&hs, 3, 1000000000), 0);
    double total[3];
    for (int t = 1; t <= 20; t++) {
        totals_at(t, total);
        vs_host_series_add(&hs, (uint64_t)t * 1000000000, total);
    }
    cr_assert_eq(hs.nbuckets, 20);
    cr_assert_float_eq(vs_host_series_mean(&hs, 0, 0), 2, 1e-9);
    cr_assert_float_eq(vs_host_series_mean(&hs, 1, 9), 0, 1e-9);
    cr_assert_float_eq(vs_host_series_mean(&hs, 1, 10), 1, 1e-9);
    cr_assert_float_eq(vs_host_series_mean(&hs, 2, 19), 0, 1e-9);
    vs_host_series_close(&hs);
}

Test(stats, host_series_stays_bounded_by_merging_buckets)
{
    vs_host_series hs;
    cr_assert_eq(vs_host_series_init(&hs, 3, 1000000000), 0);
    double total[3];
    uint64_t end = 1000; /* seconds: ten times the buckets there are */
    for (uint64_t t = 1; t <= end; t++) {
        totals_at((double)t, total);
        vs_host_series_add(&hs, t * 1000000000, total);
    }
    totals_at(1000.5, total); /* a last, partial interval */
    vs_host_series_add(&hs, 1000500000000, total);
    cr_assert_leq(hs.nbuckets, VS_HOST_SERIES_BUCKETS);
    cr_assert_eq(hs.bucket_ns, 16000000000, "1 s doubled four times: %llu",
                 (unsigned long long)hs.bucket_ns);
    cr_assert_eq(hs.nbuckets, 63, "1000.5 s in buckets of 16 s");
    /* The means survive merging: host 0 ran 2 at once throughout; host 1 from 10 s, 6 of
     * its first bucket's 16 s. */
    for (size_t b = 0; b < hs.nbuckets; b++)
        cr_assert_float_eq(vs_host_series_mean(&hs, 0, b), 2, 1e-9, "bucket %zu", b);
    cr_assert_float_eq(vs_host_series_mean(&hs, 1, 0), 6.0 / 16, 1e-9);
    cr_assert_float_eq(vs_host_series_mean(&hs, 1, hs.nbuckets - 1), 1, 1e-9, "the partial one");
    double area = 0;
    for (size_t b = 0; b < hs.nbuckets; b++)
        area += hs.area[1 * VS_HOST_SERIES_BUCKETS + b];
    cr_assert_float_eq(area, 990.5e9, 1, "nothing lost in merging");
    vs_host_series_close(&hs);
}

Test(stats, waiting_level_and_slot_wait_are_in_the_series)
{
    cr_assert_str_eq(vs_ts_column_names[VS_TS_WAITING_MEAN], "migrations_waiting_mean");
    cr_assert_str_eq(vs_ts_column_names[VS_TS_WAITING_MAX], "migrations_waiting_max");
    cr_assert_str_eq(vs_ts_column_names[VS_TS_SLOT_WAIT_P99], "slot_wait_p99_us");
    cr_assert_eq(VS_TS_SLOT_WAIT_P99, VS_TS_COLUMNS - 1,
                 "added last: earlier columns keep their place");
}
