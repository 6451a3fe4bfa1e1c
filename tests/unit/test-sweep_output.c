/*
 * test-sweep_output.c: a sweep's results as a text table, CSV and HTML page
 * (sim/sweep/out_*.c) from a hand-written 2 x 2 sweep of 3 runs a point: the
 * table's columns and "mean ± half-width" cells, the CSV's exact text and quoting, one
 * chart per metric with confidence bars and the SLO line, user text escaped. The
 * charts themselves are test-render.c's.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/sweep_output.h"
#include "tmpdir.h"

/* Axis 2 holds user text: a comma (CSV quoting) and markup (HTML escaping). The second
 * point misses 1 of 3 runs; the third has one value of blackout, so no interval. */
static const char SWEEP[] =
    "{\"kind\": \"sweep\", \"scenario\": \"scenarios/demo.json\", \"name\": \"demo\","
    " \"seed\": 42, \"reps\": 3, \"confidence\": 0.95,"
    " \"params\": [{\"key\": \"topology.hosts\", \"values\": [1, 2]},"
    "              {\"key\": \"plugin.mode\", \"values\": [\"fast,safe\", "
    "                \"<script>alert(1)</script>\"]}],"
    " \"metrics\": [\"latency_us.blackout.p99\", \"throughput.saves_per_s\"],"
    " \"slos\": [\"latency_us.blackout.p99 < 1000\"],"
    " \"fingerprint\": \"9f0c\", \"complete\": true,"
    " \"points\": ["
    "  {\"index\": 0, \"params\": [1, \"fast,safe\"], \"runs\": [{}, {}, {}], \"runs_passed\": 3,"
    "   \"summary\": {"
    "    \"latency_us.blackout.p99\": {\"n\": 3, \"mean\": 812.5, \"stddev\": 12.6,"
    "      \"half_width\": 31.3, \"low\": 781.2, \"high\": 843.8, \"min\": 800, \"max\": 825},"
    "    \"throughput.saves_per_s\": {\"n\": 3, \"mean\": 100.0, \"stddev\": 0.0,"
    "      \"half_width\": 0.0, \"low\": 100.0, \"high\": 100.0, \"min\": 100, \"max\": 100}}},"
    "  {\"index\": 1, \"params\": [1, \"<script>alert(1)</script>\"], \"runs\": [{}, {}, {}],"
    "   \"runs_passed\": 2, \"summary\": {"
    "    \"latency_us.blackout.p99\": {\"n\": 3, \"mean\": 1200.25, \"stddev\": 60.6,"
    "      \"half_width\": 150.5, \"low\": 1049.75, \"high\": 1350.75, \"min\": 1150,"
    "      \"max\": 1260},"
    "    \"throughput.saves_per_s\": {\"n\": 3, \"mean\": 90.5, \"stddev\": 1.0,"
    "      \"half_width\": 2.5, \"low\": 88.0, \"high\": 93.0, \"min\": 89, \"max\": 91.5}}},"
    "  {\"index\": 2, \"params\": [2, \"fast,safe\"], \"runs\": [{}, {}, {}], \"runs_passed\": 3,"
    "   \"summary\": {"
    "    \"latency_us.blackout.p99\": {\"n\": 1, \"mean\": 640.0, \"stddev\": 0.0,"
    "      \"half_width\": null, \"low\": null, \"high\": null, \"min\": 640, \"max\": 640},"
    "    \"throughput.saves_per_s\": {\"n\": 3, \"mean\": 180.0, \"stddev\": 1.6,"
    "      \"half_width\": 4.0, \"low\": 176.0, \"high\": 184.0, \"min\": 178, \"max\": 182}}},"
    "  {\"index\": 3, \"params\": [2, \"<script>alert(1)</script>\"], \"runs\": [{}, {}, {}],"
    "   \"runs_passed\": 3, \"summary\": {"
    "    \"latency_us.blackout.p99\": {\"n\": 3, \"mean\": 700.0, \"stddev\": 8.0,"
    "      \"half_width\": 20.0, \"low\": 680.0, \"high\": 720.0, \"min\": 690, \"max\": 709},"
    "    \"throughput.saves_per_s\": {\"n\": 3, \"mean\": 170.25, \"stddev\": 1.4,"
    "      \"half_width\": 3.5, \"low\": 166.75, \"high\": 173.75, \"min\": 169,"
    "      \"max\": 172}}}"
    " ]}";

static char dir[64];
static json_t *sweep;
static char *text; /* the last output read back */

static void setup(void)
{
    json_error_t e;
    tmpdir_make(dir, sizeof dir, "sweep");
    sweep = json_loads(SWEEP, JSON_REJECT_DUPLICATES, &e);
    cr_assert_not_null(sweep, "fixture: %s at %d:%d", e.text, e.line, e.column);
}

static void teardown(void)
{
    tmpdir_remove(dir);
    json_decref(sweep);
    free(text);
    text = NULL;
}

TestSuite(sweep_output, .init = setup, .fini = teardown);

static const char *table(void)
{
    size_t n;
    FILE *f = open_memstream(&text, &n);
    cr_assert_not_null(f);
    vs_sweep_print_table(f, sweep);
    fclose(f);
    return text;
}

static const char *csv(void)
{
    char path[128], err[VS_ERROR_MAX] = "";
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    cr_assert_eq(vs_sweep_write_csv(sweep, path, err), 0, "%s", err);
    return text = tmpdir_read(path);
}

static const char *html(void)
{
    char path[128], err[VS_ERROR_MAX] = "";
    snprintf(path, sizeof path, "%s/sweep.html", dir);
    cr_assert_eq(vs_sweep_write_html(sweep, path, err), 0, "%s", err);
    return text = tmpdir_read(path);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The line of s that contains needle, copied into line. */
static const char *line_with(const char *s, const char *needle, char line[256])
{
    const char *at = strstr(s, needle);
    cr_assert_not_null(at, "no line with \"%s\" in:\n%s", needle, s);
    while (at > s && at[-1] != '\n')
        at--;
    size_t n = strcspn(at, "\n");
    cr_assert_lt(n, 256);
    memcpy(line, at, n);
    line[n] = '\0';
    return line;
}

static void drop_runs(size_t point)
{
    json_array_clear(
        json_object_get(json_array_get(json_object_get(sweep, "points"), point), "runs"));
}

/* ---- Text table --------------------------------------------------------------------- */

Test(sweep_output, table_opens_with_what_was_swept)
{
    cr_assert_eq(strncmp(table(), "sweep of demo: 4 points x 3 reps, 95% confidence\n",
                         strlen("sweep of demo: 4 points x 3 reps, 95% confidence\n")),
                 0, "%s", text);
}

Test(sweep_output, table_has_params_then_slo_metrics_then_headline_ones_then_passed)
{
    char line[256];
    const char *t = table();
    line_with(t, "topology.hosts", line);
    const char *hosts = strstr(line, "topology.hosts"), *mode = strstr(line, "plugin.mode");
    const char *p99 = strstr(line, "latency_us.blackout.p99"), *passed = strstr(line, "passed");
    const char *saves = strstr(line, "throughput.saves_per_s");
    cr_assert(hosts && mode && p99 && saves && passed, "header: %s", line);
    cr_assert(hosts < mode && mode < p99 && p99 < saves && saves < passed, "header order: %s",
              line);
}

Test(sweep_output, table_leaves_out_equality_slos)
{
    /* "== 0" on a counter is zeros where it holds; "passed" says where it does not */
    json_array_append_new(json_object_get(sweep, "slos"), json_string("saves.failed == 0"));
    json_array_append_new(json_object_get(sweep, "metrics"), json_string("saves.failed"));
    const char *t = table();
    cr_assert_null(strstr(t, "saves.failed"), "%s", t);
    cr_assert_not_null(strstr(t, "latency_us.blackout.p99"), "%s", t);
}

Test(sweep_output, table_cells_are_mean_plus_minus_half_width)
{
    char line[256];
    const char *t = table();
    cr_assert_not_null(strstr(line_with(t, "fast,safe", line), "812.5 \u00b1 31.3"), "%s", t);
    cr_assert_not_null(strstr(line, "3/3"), "%s", line);
    cr_assert_not_null(strstr(line_with(t, "1200.2", line), "1200.2 \u00b1 150.5"), "%s", t);
    cr_assert_not_null(strstr(line, "2/3"), "%s", line);
    cr_assert_not_null(strstr(line, "<script>alert(1)</script>"), "text is not escaped: %s", line);
    /* no interval with one value: the mean alone */
    line_with(t, "640.0", line);
    cr_assert_null(strstr(line, "640.0 \u00b1"), "%s", line);
    cr_assert_eq(count(t, "\n  "), 5, "a header and 4 rows:\n%s", t);
}

Test(sweep_output, table_columns_line_up)
{
    const char *t = table();
    /* every row ends at the same display column: "±" is one column, two bytes */
    const char *row = strstr(t, "\n  ") + 1;
    size_t width = 0;
    for (int r = 0; r < 5; r++) {
        size_t n = strcspn(row, "\n"), w = 0;
        for (size_t i = 0; i < n; i++)
            w += ((unsigned char)row[i] & 0xC0) != 0x80;
        if (r == 0)
            width = w;
        cr_assert_eq(w, width, "row %d is %zu columns, the header %zu:\n%s", r, w, width, t);
        row += n + 1;
    }
}

Test(sweep_output, table_without_slos_shows_the_headline_metrics)
{
    json_object_set_new(sweep, "slos", json_array());
    char line[256];
    line_with(table(), "topology.hosts", line);
    cr_assert_not_null(strstr(line, "latency_us.blackout.p99"), "%s", line);
    cr_assert_not_null(strstr(line, "throughput.saves_per_s"), "%s", line);
    cr_assert_not_null(strstr(text, "170.2 \u00b1 3.5"), "%s", text);
}

Test(sweep_output, table_skips_points_without_runs)
{
    drop_runs(1);
    json_object_set_new(sweep, "complete", json_false());
    const char *t = table();
    cr_assert_null(strstr(t, "1200.2"), "%s", t);
    cr_assert_eq(count(t, "\n  "), 5, "the note, a header and 3 rows:\n%s", t);
    cr_assert_not_null(strstr(t, "INCOMPLETE: 3 of 4 points"), "%s", t);
}

Test(sweep_output, table_small_numbers_keep_three_digits)
{
    json_t *s = json_object_get(
        json_object_get(json_array_get(json_object_get(sweep, "points"), 0), "summary"),
        "latency_us.blackout.p99");
    json_object_set_new(s, "mean", json_real(0.0333));
    json_object_set_new(s, "half_width", json_real(0.0012));
    cr_assert_not_null(strstr(table(), "0.0333 \u00b1 0.0012"), "%s", text);
}

/* ---- CSV ---------------------------------------------------------------------------- */

Test(sweep_output, csv_is_exact)
{
    static const char expected[] =
        "topology.hosts,plugin.mode,"
        "latency_us.blackout.p99_mean,latency_us.blackout.p99_half_width,"
        "latency_us.blackout.p99_low,latency_us.blackout.p99_high,latency_us.blackout.p99_n,"
        "throughput.saves_per_s_mean,throughput.saves_per_s_half_width,"
        "throughput.saves_per_s_low,throughput.saves_per_s_high,throughput.saves_per_s_n,"
        "runs,runs_passed\n"
        "1,\"fast,safe\",812.5,31.3,781.2,843.8,3,100,0,100,100,3,3,3\n"
        "1,<script>alert(1)</script>,1200.25,150.5,1049.75,1350.75,3,90.5,2.5,88,93,3,3,2\n"
        "2,\"fast,safe\",640,,,,1,180,4,176,184,3,3,3\n"
        "2,<script>alert(1)</script>,700,20,680,720,3,170.25,3.5,166.75,173.75,3,3,3\n";
    cr_assert_str_eq(csv(), expected);
}

Test(sweep_output, csv_quotes_quotes_and_line_breaks)
{
    json_t *pt = json_array_get(json_object_get(sweep, "points"), 0);
    json_array_set_new(json_object_get(pt, "params"), 1, json_string("say \"hi\"\nthen"));
    char line[256];
    cr_assert_str_eq(line_with(csv(), "say", line), "1,\"say \"\"hi\"\"");
    cr_assert_not_null(strstr(text, "\"say \"\"hi\"\"\nthen\",812.5,"), "%s", text);
}

Test(sweep_output, csv_numbers_read_back_exactly)
{
    json_t *s = json_object_get(
        json_object_get(json_array_get(json_object_get(sweep, "points"), 0), "summary"),
        "latency_us.blackout.p99");
    json_object_set_new(s, "mean", json_real(0.1 + 0.2)); /* 0.30000000000000004 */
    json_object_set_new(s, "low", json_real(1.0 / 3));
    char line[256];
    line_with(csv(), "fast,safe\",", line);
    cr_assert_not_null(strstr(line, ",0.30000000000000004,31.3,0.3333333333333333,"), "%s", line);
}

Test(sweep_output, csv_skips_points_without_runs)
{
    drop_runs(2);
    cr_assert_eq(count(csv(), "\n"), 4, "%s", text);
    cr_assert_null(strstr(text, "\n2,\"fast,safe\""), "%s", text);
}

Test(sweep_output, csv_fails_with_a_reason)
{
    char err[VS_ERROR_MAX] = "";
    cr_assert_eq(vs_sweep_write_csv(sweep, "/nonexistent-dir/x.csv", err), -1);
    cr_assert_neq(err[0], '\0');
}

/* ---- HTML --------------------------------------------------------------------------- */

Test(sweep_output, html_has_one_chart_per_metric)
{
    const char *h = html();
    cr_assert_eq(count(h, "<svg"), 2, "%zu charts", count(h, "<svg"));
    cr_assert_not_null(strstr(h, "data-chart=\"latency_us.blackout.p99\" data-series=\"2\" "
                                 "data-points=\"4\""),
                       "blackout chart");
    cr_assert_not_null(strstr(h, "data-chart=\"throughput.saves_per_s\" data-series=\"2\" "
                                 "data-points=\"4\""),
                       "saves chart");
}

Test(sweep_output, html_draws_confidence_bars_where_there_is_an_interval)
{
    const char *h = html();
    /* blackout: 3 of 4 points have an interval; saves/s: 4 of 4 */
    cr_assert_eq(count(h, "class=\"error-bar\""), 7, "%zu", count(h, "class=\"error-bar\""));
    cr_assert_eq(count(h, "<g class=\"error-bars\""), 4, "one group per line");
}

Test(sweep_output, html_draws_the_slo_limit)
{
    const char *h = html();
    cr_assert_eq(count(h, "class=\"threshold\""), 1);
    cr_assert_not_null(strstr(h, ">SLO &lt; 1000</text>"));
    cr_assert_not_null(strstr(h, "stroke-dasharray=\"6 4\""));
}

Test(sweep_output, html_names_lines_by_the_other_params)
{
    const char *h = html();
    cr_assert_not_null(strstr(h, ">plugin.mode=fast,safe</text>"));
    cr_assert_not_null(strstr(h, ">plugin.mode=&lt;script&gt;alert(1)&lt;/script&gt;</text>"));
}

Test(sweep_output, html_escapes_user_text)
{
    json_object_set_new(sweep, "name", json_string("<b>demo</b>"));
    const char *h = html();
    cr_assert_null(strstr(h, "<script>"), "raw markup from a param value");
    cr_assert_null(strstr(h, "<b>demo"), "raw markup from the name");
    cr_assert_not_null(strstr(h, "<td class=\"text\">&lt;script&gt;alert(1)&lt;/script&gt;"));
}

Test(sweep_output, html_has_the_summary_table_and_header)
{
    const char *h = html();
    cr_assert_not_null(strstr(h, "<th class=\"text\">topology.hosts</th>"));
    cr_assert_not_null(strstr(h, "<td class=\"num\">812.5 \u00b1 31.3</td>"));
    cr_assert_not_null(strstr(h, "<td class=\"num fail\">2/3</td>"), "a failed run shows");
    cr_assert_not_null(strstr(h, "scenarios/demo.json"));
    cr_assert_not_null(strstr(h, "4 points &times; 3 reps"));
    cr_assert_not_null(strstr(h, "<span class=\"runs\">12 runs made</span>"), "the runs made");
    cr_assert_not_null(strstr(h, "95% confidence"));
    cr_assert_eq(count(h, "<tr>"), 5);
}

Test(sweep_output, html_is_deterministic)
{
    char *first = strdup(html());
    free(text);
    cr_assert_str_eq(html(), first);
    free(first);
}

Test(sweep_output, html_uses_index_ticks_for_text_first_param)
{
    /* swap the axes: the first is now the strings */
    json_t *params = json_object_get(sweep, "params");
    json_t *a = json_incref(json_array_get(params, 0));
    json_array_remove(params, 0);
    json_array_append_new(params, a);
    size_t i;
    json_t *pt;
    json_array_foreach(json_object_get(sweep, "points"), i, pt) {
        json_t *p = json_object_get(pt, "params");
        json_t *v = json_incref(json_array_get(p, 0));
        json_array_remove(p, 0);
        json_array_append_new(p, v);
    }
    const char *h = html();
    cr_assert_not_null(strstr(h, "text-anchor=\"middle\">fast,safe</text>"), "tick names");
    cr_assert_not_null(strstr(h, ">topology.hosts=2</text>"), "legend");
    cr_assert_not_null(strstr(h, "data-series=\"2\" data-points=\"4\""));
}

Test(sweep_output, html_with_no_runs_says_so)
{
    for (size_t p = 0; p < 4; p++)
        drop_runs(p);
    const char *h = html();
    cr_assert_not_null(strstr(h, "No point has finished a run yet."));
    cr_assert_eq(count(h, "<svg"), 2);
    cr_assert_eq(count(h, "plot empty"), 2);
}

Test(sweep_output, html_spaces_a_geometric_first_param_evenly)
{
    /* 1, 2, 4 (what "1..4:x2" gives): one tick per value, as on a log scale */
    json_t *values = json_object_get(json_array_get(json_object_get(sweep, "params"), 0), "values");
    json_array_append_new(values, json_integer(4));
    const char *h = html();
    cr_assert_not_null(strstr(h, "text-anchor=\"middle\">1</text>"));
    cr_assert_not_null(strstr(h, "text-anchor=\"middle\">2</text>"));
    cr_assert_not_null(strstr(h, "text-anchor=\"middle\">4</text>"));
    /* a linear axis would run 0, 0.5, ... 4 or 0, 1, ... 4 */
    cr_assert_null(strstr(h, "text-anchor=\"middle\">0</text>"));
    cr_assert_null(strstr(h, "text-anchor=\"middle\">3</text>"));
}

Test(sweep_output, every_slo_on_a_metric_is_a_line)
{
    json_t *slos = json_object_get(sweep, "slos");
    json_array_append_new(slos, json_string("throughput.saves_per_s >= 50"));
    json_array_append_new(slos, json_string("latency_us.blackout.p99 > 10"));
    const char *h = html();
    cr_assert_eq(count(h, "class=\"threshold\""), 3);
    cr_assert_not_null(strstr(h, ">SLO &gt;= 50</text>"));
    cr_assert_not_null(strstr(h, ">SLO &gt; 10</text>"));
    char line[256];
    free(text);
    line_with(table(), "topology.hosts", line);
    cr_assert_not_null(strstr(line, "throughput.saves_per_s"), "%s", line);
}

Test(sweep_output, html_counts_the_runs_made_not_the_runs_asked)
{
    drop_runs(1);
    json_array_append_new(
        json_object_get(json_array_get(json_object_get(sweep, "points"), 0), "runs"),
        json_object());
    const char *h = html();
    cr_assert_not_null(strstr(h, "<span class=\"runs\">10 runs made</span>"), "3 + 1 + 0 + 3 + 3");
}
