/*
 * test-plan_output.c: a plan's page (sim/sweep/plan_output.c) from hand-written plan
 * documents: the answer in words with why the next value fails, each verdict in its own
 * colour with a legend, the runs each value took, and the chart's points by verdict.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_output.h"
#include "tmpdir.h"

/* 12 passes; 13 breaches the p99 SLO (61.2 ms, interval 58.9 to 63.5 ms) after 5 runs;
 * 14 stayed inconclusive at 20 runs; 16 is refused by the scenario. Tried in the order
 * 8, 16, 12, 14, 13 (out of value order on purpose). */
static const char PLAN[] =
    "{\"kind\": \"plan\", \"scenario\": \"scenarios/x.json\", \"name\": \"demo<&>\","
    " \"seed\": 7, \"param\": \"workload.concurrency\","
    " \"slos\": [\"latency_us.save.p99 < 50000\", \"migrations.failed == 0\"],"
    " \"confidence\": 0.95, \"reps\": 5, \"max_reps\": 20, \"probes\": 1,"
    " \"range\": {\"lo\": 8, \"hi\": 16}, \"answer\": 12, \"first_failing\": 13,"
    " \"complete\": true, \"evaluations\": ["
    "  {\"value\": 8, \"runs\": 5, \"verdict\": \"pass\", \"slos\": ["
    "    {\"slo\": \"latency_us.save.p99 < 50000\", \"n\": 5, \"missing\": 0, \"mean\": 30000,"
    "     \"half_width\": 1000, \"low\": 29000, \"high\": 31000, \"verdict\": \"pass\"},"
    "    {\"slo\": \"migrations.failed == 0\", \"n\": 5, \"missing\": 0, \"mean\": 0,"
    "     \"half_width\": 0, \"low\": 0, \"high\": 0, \"verdict\": \"pass\"}]},"
    "  {\"value\": 16, \"runs\": 0, \"verdict\": \"invalid\", \"slos\": [],"
    "   \"error\": \"workload.concurrency: at most 15 <here>\"},"
    "  {\"value\": 12, \"runs\": 10, \"verdict\": \"pass\", \"slos\": ["
    "    {\"slo\": \"latency_us.save.p99 < 50000\", \"n\": 10, \"missing\": 0, \"mean\": 45000,"
    "     \"half_width\": 2000, \"low\": 43000, \"high\": 47000, \"verdict\": \"pass\"},"
    "    {\"slo\": \"migrations.failed == 0\", \"n\": 10, \"missing\": 0, \"mean\": 0,"
    "     \"half_width\": 0, \"low\": 0, \"high\": 0, \"verdict\": \"pass\"}]},"
    "  {\"value\": 14, \"runs\": 20, \"verdict\": \"inconclusive\", \"slos\": ["
    "    {\"slo\": \"latency_us.save.p99 < 50000\", \"n\": 20, \"missing\": 0, \"mean\": 49000,"
    "     \"half_width\": 3000, \"low\": 46000, \"high\": 52000, \"verdict\": \"inconclusive\"},"
    "    {\"slo\": \"migrations.failed == 0\", \"n\": 20, \"missing\": 0, \"mean\": 0,"
    "     \"half_width\": 0, \"low\": 0, \"high\": 0, \"verdict\": \"pass\"}]},"
    "  {\"value\": 13, \"runs\": 5, \"verdict\": \"fail\", \"slos\": ["
    "    {\"slo\": \"latency_us.save.p99 < 50000\", \"n\": 5, \"missing\": 0, \"mean\": 61200,"
    "     \"half_width\": 2300, \"low\": 58900, \"high\": 63500, \"verdict\": \"fail\"},"
    "    {\"slo\": \"migrations.failed == 0\", \"n\": 5, \"missing\": 0, \"mean\": 0,"
    "     \"half_width\": 0, \"low\": 0, \"high\": 0, \"verdict\": \"pass\"}]}"
    " ]}";

static char dir[64];
static json_t *plan;
static char *text;

static void setup(void)
{
    json_error_t e;
    tmpdir_make(dir, sizeof dir, "plan");
    plan = json_loads(PLAN, JSON_REJECT_DUPLICATES, &e);
    cr_assert_not_null(plan, "fixture: %s at %d:%d", e.text, e.line, e.column);
}

static void teardown(void)
{
    tmpdir_remove(dir);
    json_decref(plan);
    free(text);
    text = NULL;
}

TestSuite(plan_output, .init = setup, .fini = teardown);

static const char *html(void)
{
    char path[128], err[VS_ERROR_MAX] = "";
    snprintf(path, sizeof path, "%s/plan.html", dir);
    free(text);
    cr_assert_eq(vs_plan_write_html(plan, path, err), 0, "%s", err);
    return text = tmpdir_read(path);
}

/* The text between the first `from` and the next `to` after it, into out. */
static const char *between(const char *s, const char *from, const char *to, char *out, size_t n)
{
    const char *a = strstr(s, from);
    cr_assert_not_null(a, "no \"%s\" in:\n%s", from, s);
    a += strlen(from);
    const char *b = strstr(a, to);
    cr_assert_not_null(b);
    cr_assert_lt((size_t)(b - a), n);
    memcpy(out, a, (size_t)(b - a));
    out[b - a] = '\0';
    return out;
}

static void set(const char *key, json_t *v)
{
    json_object_set_new(plan, key, v);
}

Test(plan_output, states_the_answer_and_why_the_next_value_fails)
{
    const char *p = html();
    char answer[1024];
    between(p, "<section class=\"answer", "</section>", answer, sizeof answer);
    cr_assert(strstr(answer, "Largest <code>workload.concurrency</code> meeting every SLO: 12"),
              "%s", answer);
    cr_assert(strstr(answer, "<b>13</b> breaches <code>latency_us.save.p99 &lt; 50000</code>: "
                             "61.2 ms [58.9, 63.5]"),
              "%s", answer);
    cr_assert_not(strstr(answer, "migrations.failed"), "only the SLOs it breaches");
    cr_assert(strstr(answer, "data-answer=\"12\""));
    cr_assert(strstr(p, "<section class=\"answer") < strstr(p, "<h2>"), "the answer comes first");
}

Test(plan_output, an_inconclusive_next_value_says_so_with_its_runs)
{
    set("first_failing", json_integer(14));
    char answer[1024];
    between(html(), "<section class=\"answer", "</section>", answer, sizeof answer);
    cr_assert(strstr(answer, "<b>14</b> is inconclusive on <code>latency_us.save.p99 &lt; "
                             "50000</code>: 49.0 ms [46.0, 52.0] after 20 runs (--max-reps), "
                             "which counts as failing"),
              "%s", answer);
}

Test(plan_output, an_invalid_value_gives_the_scenario_reason_escaped)
{
    set("first_failing", json_integer(16));
    char answer[1024];
    between(html(), "<section class=\"answer", "</section>", answer, sizeof answer);
    cr_assert(strstr(answer, "<b>16</b> is invalid: workload.concurrency: at most 15 &lt;here&gt;"),
              "%s", answer);
}

Test(plan_output, no_answer_says_even_the_low_end_fails)
{
    set("answer", json_null());
    set("range", json_pack("{s:i, s:i}", "lo", 13, "hi", 16));
    char answer[1024];
    between(html(), "<section class=\"answer", "</section>", answer, sizeof answer);
    cr_assert(strncmp(answer, " none\"", 6) == 0, "the answer box marked: %s", answer);
    cr_assert(strstr(answer, "No value of <code>workload.concurrency</code> meets every SLO"));
    cr_assert(strstr(answer, "Even <b>13</b> breaches"), "%s", answer);
}

Test(plan_output, every_value_passing_says_the_limit_lies_above)
{
    set("first_failing", json_null());
    char answer[1024];
    between(html(), "<section class=\"answer", "</section>", answer, sizeof answer);
    cr_assert(strstr(answer, "meeting every SLO: 12"));
    cr_assert(strstr(answer, "the limit lies above"), "%s", answer);
}

Test(plan_output, a_stopped_plan_says_it_stopped)
{
    set("complete", json_false());
    set("answer", json_null());
    set("first_failing", json_null());
    char answer[1024];
    between(html(), "<section class=\"answer", "</section>", answer, sizeof answer);
    cr_assert(strncmp(answer, " stopped\"", 9) == 0, "the answer box marked: %s", answer);
    cr_assert(strstr(answer, "The plan stopped before an answer"));
}

Test(plan_output, each_verdict_has_its_own_class_colour_and_legend_entry)
{
    const char *p = html();
    const char *verdicts[] = {"pass", "fail", "inconclusive", "invalid"};
    char rule[64], colour[4][32];
    for (size_t i = 0; i < 4; i++) {
        snprintf(rule, sizeof rule, "data-verdict=\"%s\"", verdicts[i]);
        cr_assert(strstr(p, rule), "no row marked %s", verdicts[i]);
        snprintf(rule, sizeof rule, "<li><span class=\"badge %s\">%s</span>", verdicts[i],
                 verdicts[i]);
        cr_assert(strstr(p, rule), "no legend entry for %s", verdicts[i]);
        snprintf(rule, sizeof rule, ".%s{color:", verdicts[i]);
        between(p, rule, ";", colour[i], sizeof colour[i]);
        for (size_t k = 0; k < i; k++)
            cr_assert_str_neq(colour[i], colour[k], "%s looks like %s", verdicts[i], verdicts[k]);
    }
    /* The value 14 row: inconclusive, not fail. */
    char row[512];
    between(p, "<tr class=\"inconclusive\"", "</tr>", row, sizeof row);
    cr_assert(strstr(row, ">14<"), "%s", row);
    cr_assert_not(strstr(row, "\"fail\""), "%s", row);
}

Test(plan_output, rows_show_the_runs_each_value_took_in_value_order)
{
    const char *p = html();
    const char *values[] = {">8<", ">12<", ">13<", ">14<", ">16<"};
    const char *runs[] = {"5", "10", "5", "20", "0"};
    const char *at = strstr(p, "<table class=\"plan\">");
    cr_assert_not_null(at);
    for (size_t i = 0; i < 5; i++) {
        char row[512], want[64];
        between(at, "<tr class=", "</tr>", row, sizeof row);
        cr_assert(strstr(row, values[i]), "row %zu: %s", i, row);
        snprintf(want, sizeof want, "<td class=\"runs\">%s</td>", runs[i]);
        cr_assert(strstr(row, want), "row %zu: %s", i, row);
        at = strstr(at, row) + strlen(row);
    }
    cr_assert(strstr(p, "5 values tried, 40 runs in all, 0 to 20 a value"), "%s", p);
    cr_assert_not(strstr(p, "5 reps"), "not the asked reps as if every value ran them");
}

Test(plan_output, charts_one_per_metric_with_points_by_verdict_in_units)
{
    const char *p = html();
    cr_assert(strstr(p, "data-chart=\"latency_us.save.p99\""));
    cr_assert(strstr(p, "data-chart=\"migrations.failed\""));
    cr_assert(strstr(p, "data-name=\"mean\""), "the line through the means");
    cr_assert(strstr(p, "latency_us.save.p99 (ms)</text>"), "the y axis in ms");
    cr_assert(strstr(p, "workload.concurrency (count)</text>"), "the x axis with its unit");
    cr_assert(strstr(p, "migrations.failed (count)</text>"));
    cr_assert(strstr(p, "fill=\"#b7791f\""), "inconclusive points in their colour");
    cr_assert(strstr(p, ">SLO &lt; 50000</text>"), "the SLO line");
}

Test(plan_output, user_text_is_escaped)
{
    const char *p = html();
    cr_assert(strstr(p, "demo&lt;&amp;&gt;"));
    cr_assert_not(strstr(p, "demo<&>"));
}
