/*
 * test-stats.c: the model's measurements (sim/model/stats.c), here the verifier's part:
 * counts stay exact however many violations a callout makes, by rule and by plugin,
 * while only each rule's first VS_VIOLATIONS_KEPT keep their details, in order.
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
    cr_assert_eq(vs_stats_add_violation(&st, VS_RULE_UNKNOWN_COMPLETION_CONTEXT, 2,
                                        "(unknown)", 5, "x"), 0);
    cr_assert_eq(vs_stats_add_violation(&st, VS_RULE_UNKNOWN_COMPLETION_CONTEXT, 99,
                                        "(unknown)", 6, "y"), 0);
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
