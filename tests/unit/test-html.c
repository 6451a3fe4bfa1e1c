/*
 * test-html.c: the HTML report (sim/report/html.c, html_charts.c): every chart
 * draws what the report holds and says how much (data-series, data-points), an empty
 * report shows its charts as empty, user text is escaped, the page is deterministic
 * and written atomically.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "tmpdir.h"

enum { CURVE_POINTS = 16, ROWS = 5 };

static char dir[64];
static char *page; /* the last page read back */

static void setup(void)
{
    tmpdir_make(dir, sizeof dir, "html");
}

static void teardown(void)
{
    tmpdir_remove(dir);
    free(page);
    page = NULL;
}

TestSuite(html, .init = setup, .fini = teardown);

/* A latency with a percentile curve of CURVE_POINTS points from lo to lo * 1000 µs. */
static json_t *latency(double count, double lo)
{
    static const double p[CURVE_POINTS] = {0,  10, 20, 30, 40,   50,   60,    70,
                                           80, 90, 95, 99, 99.5, 99.9, 99.99, 100};
    json_t *curve = json_array();
    for (size_t i = 0; count > 0 && i < CURVE_POINTS; i++)
        json_array_append_new(curve, json_pack("[f, f]", p[i], lo * (1 + i * i * 4)));
    /* clang-format off */
    return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o}", "count", count, "mean",
                     lo * 3, "min", lo, "max", lo * 901, "p50", lo * 101, "p90", lo * 325,
                     "p99", lo * 485, "p999", lo * 677, "curve", curve);
    /* clang-format on */
}

static json_t *plugin(const char *name, double pended)
{
    /* clang-format off */
    return json_pack("{s:s, s:s, s:i, s:i, s:f, s:i, s:{s:o, s:o}}", "name", name, "path",
                     "/lib/x.so", "saves", 10, "restores", 10, "pended", pended, "failed", 0,
                     "latency_us", "pending_completion", latency(pended, 20), "callback",
                     latency(40, 1));
    /* clang-format on */
}

/* Columns out of the documented order, with one the page does not know: it must look
 * them up by name. Row 2 has no blackout (p50 0): a gap, not a point. */
static json_t *timeseries(void)
{
    json_t *rows = json_array();
    for (int i = 0; i < ROWS; i++)
        /* clang-format off */
        json_array_append_new(rows, json_pack("[f, f, f, f, f, f, f, f, f, f]", 1.0 + i, 0.5 * i,
                                              2.0 + i, 2.0 + i, 1.0, 0.3 * i, 7.0,
                                              i == 2 ? 0.0 : 5000.0 + i, 9000.0 + i,
                                              10.0 * i));
    /* clang-format on */
    return json_pack("{s:f, s:[s, s, s, s, s, s, s, s, s, s], s:o}", "interval_s", 1.0, "columns",
                     "t_s", "migrations_per_s", "saves_per_s", "restores_per_s",
                     "migrations_in_flight_mean", "pending_in_flight_mean", "future_column",
                     "blackout_p50_us", "blackout_p99_us", "link_busiest_pct", "rows", rows);
}

static json_t *full_report(void)
{
    /* clang-format off */
    json_t *r = json_pack(
        "{s:s, s:i, s:f, s:f, s:i, s:f, s:{s:o, s:o, s:o}, s:[o, o], s:o, s:{s:i, s:i, s:i, "
        "s:i, s:i}, s:{s:b}, s:{s:i}}",
        "scenario", "unit <test>", "seed", 7, "sim_time_s", 5.0, "wall_time_s", 0.25, "events",
        1000, "events_per_wall_s", 4000.0, "latency_us", "pending_completion", latency(30, 20),
        "blackout", latency(5, 1000), "save", latency(20, 50), "plugins",
        plugin("a<b>&\"c'", 30), plugin("quiet", 0), "timeseries", timeseries(), "migrations",
        "started", 5, "completed", 5, "failed", 0, "timed_out", 0, "queued", 0, "drain",
        "active", 0, "hosts", "migrations_peak", 2);
    /* clang-format on */
    json_t *rest = json_pack(
        "{s:[{s:s, s:s, s:f, s:f, s:b}, {s:s, s:s, s:f, s:n, s:b}], s:{s:[{s:s, s:s, s:s, s:i}]}}",
        "slo", "metric", "saves.failed", "op", "==", "limit", 0.0, "value", 0.0, "pass", 1,
        "metric", "latency_us.x.p99", "op", "<", "limit", 5.0, "value", "pass", 0, "verifier",
        "violations", "rule", "complete_twice", "plugin", "a<b>&\"c'", "detail",
        "<script>alert(1)</script>", "sim_time_ns", 1500000000);
    cr_assert_not_null(r);
    cr_assert_not_null(rest);
    cr_assert_eq(json_object_update(r, rest), 0);
    json_decref(rest);
    /* Five parts of a blackout, as vs_report_build writes them. */
    json_t *parts = json_object();
    static const char *const keys[] = {"save", "source_teardown", "transfer", "nic_connect",
                                       "restore"};
    for (size_t i = 0; i < 5; i++)
        json_object_set_new(parts, keys[i], latency(5, 100 * (double)(i + 1)));
    cr_assert_eq(json_object_set_new(r, "blackout_us", parts), 0);
    /* Migrations by how many ran at once, and two hosts' link use. */
    cr_assert_eq(json_object_set_new(
                     r, "migration_by_at_once",
                     /* clang-format off */
                                     json_pack("[{s:i, s:i, s:f}, {s:i, s:i, s:f}, {s:i, s:i, s:f}]",
                                               "at_once", 1, "count", 3, "mean_s", 2.0,
                                               "at_once", 2, "count", 5, "mean_s", 3.9,
                                               "at_once", 4, "count", 8, "mean_s", 7.7)), 0);
    /* clang-format on */
    cr_assert_eq(json_object_set_new(r, "hosts",
                                     /* clang-format off */
                                     json_pack("{s:i, s:f, s:[{s:i, s:f, s:f}, {s:i, s:f, s:f}]}",
                                               "migrations_peak", 2, "link_busiest", 0.8,
                                               "per_host", "host", 0, "link_out", 0.8, "link_in",
                                               0.0, "host", 1, "link_out", 0.0, "link_in", 0.8)),
                 /* clang-format on */
                 0);
    return r;
}

static json_t *empty_report(void)
{
    /* clang-format off */
    json_t *r = json_pack("{s:s, s:i, s:f, s:f, s:i, s:f, s:{s:o}, s:[], s:[], s:{s:[]}}",
                          "scenario", "empty", "seed", 1, "sim_time_s", 0.0, "wall_time_s", 0.0,
                          "events", 0, "events_per_wall_s", 0.0, "latency_us", "blackout",
                          latency(0, 1), "plugins", "slo", "verifier", "violations");
    /* clang-format on */
    cr_assert_not_null(r);
    return r;
}

/* Writes the report as `name` in the test's folder and reads it back into `page`. */
static const char *render(json_t *report, const char *name)
{
    char path[256], err[VS_ERROR_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(vs_report_write_html(report, path, err), 0, "%s", err);
    json_decref(report);
    free(page);
    page = tmpdir_read(path);
    return page;
}

/* The number in attribute `attr` of the chart whose data-chart is `id`; -1 if none. */
static long chart_attr(const char *html, const char *id, const char *attr)
{
    char key[128];
    snprintf(key, sizeof key, "data-chart=\"%s\"", id);
    const char *at = strstr(html, key), *end = at ? strchr(at, '>') : NULL;
    snprintf(key, sizeof key, " %s=\"", attr);
    const char *a = at ? strstr(at, key) : NULL;
    return a && a < end ? strtol(a + strlen(key), NULL, 10) : -1;
}

/* The text of chart `id`, from its <svg> to its </svg> (caller frees). */
static char *chart_text(const char *html, const char *id)
{
    char key[128];
    snprintf(key, sizeof key, "data-chart=\"%s\"", id);
    const char *at = strstr(html, key);
    cr_assert_not_null(at, "no chart %s", id);
    const char *end = strstr(at, "</svg>");
    return strndup(at, (size_t)(end - at));
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (; (s = strstr(s, what)); s += strlen(what))
        n++;
    return n;
}

static const char *const CHARTS[] = {
    "latency-pending", "latency-callback",  "throughput", "in-flight",      "blackout-cdf",
    "blackout-parts",  "migration-at-once", "link-use",   "link-over-time", "blackout-over-time"};

Test(html, every_chart_counts_what_it_drew)
{
    const char *html = render(full_report(), "r.html");
    /* blackout parts: mean and p99; link use: out and in */
    static const long series[] = {1, 2, 3, 2, 1, 2, 1, 2, 1, 2};
    static const long points[] = {
        CURVE_POINTS, 2 * CURVE_POINTS, 3 * ROWS, 2 * ROWS, CURVE_POINTS, 2 * 5, 3, 2 * 2,
        ROWS,         2 * ROWS - 1};
    for (size_t i = 0; i < sizeof CHARTS / sizeof CHARTS[0]; i++) {
        cr_assert_eq(chart_attr(html, CHARTS[i], "data-series"), series[i], "%s", CHARTS[i]);
        cr_assert_eq(chart_attr(html, CHARTS[i], "data-points"), points[i], "%s", CHARTS[i]);
        char *svg = chart_text(html, CHARTS[i]);
        cr_assert_eq(count(svg, "class=\"line\""), (size_t)series[i], "%s", CHARTS[i]);
        cr_assert_eq(count(svg, "<circle"), (size_t)points[i], "%s", CHARTS[i]);
        cr_assert_not(strstr(svg, "no data:"), "%s", CHARTS[i]);
        free(svg);
    }
    cr_assert_eq(count(html, "<svg"), sizeof CHARTS / sizeof CHARTS[0]);
}

Test(html, a_gap_in_the_series_breaks_the_line)
{
    char *svg = chart_text(render(full_report(), "r.html"), "blackout-over-time");
    const char *p50 = strstr(svg, "data-name=\"blackout p50\" d=\"");
    cr_assert_not_null(p50);
    char *d = strndup(p50, (size_t)(strchr(p50 + 30, '"') - p50));
    cr_assert_eq(count(d, "M"), 2, "%s", d); /* rows 0-1, then 3-4 */
    free(d);
    free(svg);
}

Test(html, nines_axis_and_units_are_labeled)
{
    char *svg = chart_text(render(full_report(), "r.html"), "latency-pending");
    for (const char *t = "0\0"
                         "90\0"
                         "99\0"
                         "99.9\0"
                         "99.99\0";
         *t; t += strlen(t) + 1) {
        char label[32];
        snprintf(label, sizeof label, "text-anchor=\"middle\">%s</text>", t);
        cr_assert(strstr(svg, label), "no x tick %s", t);
    }
    /* 20 µs to 18 ms on a log axis: each tick in its own unit. */
    cr_assert(strstr(svg, ">100 µs</text>"), "%s", svg);
    cr_assert(strstr(svg, ">1 ms</text>"));
    cr_assert(strstr(svg, ">10 ms</text>"));
    cr_assert_not(strstr(svg, ">1k</text>"), "no SI-suffixed microseconds");
    cr_assert(strstr(svg, "quiet (no samples)"), "a plugin that never pended is in the legend");
    free(svg);
}

Test(html, user_text_is_escaped)
{
    const char *html = render(full_report(), "r.html");
    cr_assert(strstr(html, "a&lt;b&gt;&amp;&quot;c&#39;"));
    cr_assert_not(strstr(html, "a<b>"));
    cr_assert(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    cr_assert_not(strstr(html, "<script"), "no script at all, escaped or not");
    cr_assert(strstr(html, "unit &lt;test&gt;"));
    for (const char *t = "src=\0"
                         "href=\0"
                         "url(\0"
                         "@import\0";
         *t; t += strlen(t) + 1)
        cr_assert_not(strstr(html, t), "the page would load something: %s", t);
}

Test(html, slo_verdicts_and_violations_are_shown)
{
    const char *html = render(full_report(), "r.html");
    cr_assert_eq(count(html, "<span class=\"badge pass\">pass</span>"), 1);
    cr_assert_eq(count(html, "<span class=\"badge fail\">FAIL</span>"), 1);
    cr_assert(strstr(html, "complete_twice"));
    cr_assert(strstr(html, "1 of 2 SLOs breached, 1 verifier violation"));
}

/* A run that did not finish: the page opens with a red banner, and nothing is green. */
static void expect_unfinished(const char *html, const char *line)
{
    const char *banner = strstr(html, "<section class=\"unfinished\"");
    cr_assert(banner, "no banner");
    cr_assert_lt(banner, strstr(html, "<header>"), "the banner is not first");
    cr_assert(strstr(banner, line), "the banner lacks: %s", line);
    cr_assert_not(strstr(html, "class=\"badge pass\""), "a green badge");
    cr_assert_not(strstr(html, "badge verdict pass"), "a green verdict");
}

/* The full report (one SLO met, one breached) with no violations and only met SLOs. */
static json_t *clean_report(void)
{
    json_t *r = full_report();
    json_object_set_new(r, "verifier", json_pack("{s:i, s:[]}", "total", 0, "violations"));
    json_array_remove(json_object_get(r, "slo"), 1);
    return r;
}

Test(html, a_clean_finished_run_is_green)
{
    const char *html = render(clean_report(), "r.html");
    cr_assert_not(strstr(html, "class=\"unfinished\""));
    cr_assert(strstr(html, "badge verdict pass"));
}

Test(html, a_crashed_run_opens_with_a_red_banner)
{
    json_t *r = clean_report();
    /* clang-format off */
    json_object_set_new(r, "crashed", json_pack("{s:s, s:s, s:s, s:I}", "plugin", "flows",
                                                "callback", "save", "signal", "SIGSEGV",
                                                "sim_time_ns", (json_int_t)1500000000));
    /* clang-format on */
    const char *html = render(r, "r.html");
    expect_unfinished(html, "CRASHED: plugin &quot;flows&quot; crashed in its save callback "
                            "(SIGSEGV) at 1.500000000 s simulated");
    cr_assert(strstr(html, "badge verdict fail\">crashed: "));
    cr_assert(strstr(html, "<span class=\"badge neutral\">met so far</span>"));
}

Test(html, an_interrupted_run_opens_with_a_red_banner)
{
    json_t *r = clean_report();
    json_object_set_new(r, "interrupted", json_true());
    json_object_set_new(r, "sim_time_s", json_real(42.25));
    const char *html = render(r, "r.html");
    expect_unfinished(html, "INTERRUPTED: stopped by a signal at 42.250000000 s simulated");
    cr_assert(strstr(html, "badge verdict neutral\">did not finish: "));
}

Test(html, a_supervisor_report_of_a_dead_process_says_so)
{
    json_t *r = clean_report();
    /* clang-format off */
    json_object_set_new(r, "crashed", json_pack("{s:s, s:b}", "signal", "SIGSEGV",
                                                "outside_callout", 1));
    /* clang-format on */
    json_object_set_new(r, "snapshot", json_true());
    json_object_set_new(r, "sim_time_s", json_real(7.5));
    const char *html = render(r, "r.html");
    expect_unfinished(html, "CRASHED: vswitchsim died of SIGSEGV outside any callout at "
                            "7.500000000 s simulated");
    expect_unfinished(html, "SNAPSHOT: statistics as of the last snapshot at 7.500000000 s "
                            "simulated");
}

/* The summary table says it first. */
Test(html, the_table_starts_with_what_stopped_the_run)
{
    json_t *r = clean_report();
    /* clang-format off */
    json_object_set_new(r, "crashed", json_pack("{s:s, s:s, s:s, s:b}", "plugin", "flows",
                                                "callback", "routine", "signal", "SIGBUS",
                                                "outside_callout", 1));
    /* clang-format on */
    json_object_set_new(r, "interrupted", json_true());
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    vs_report_print_table(out, r);
    fclose(out);
    json_decref(r);
    cr_assert_eq(strncmp(text, "CRASHED: vswitchsim died of SIGBUS outside any callout", 54), 0,
                 "%.200s", text);
    cr_assert(strstr(text, "(the last callout to run: plugin \"flows\", routine callback)"));
    const char *second = strchr(text, '\n') + 1;
    cr_assert_eq(strncmp(second, "INTERRUPTED: stopped by a signal", 32), 0, "%.200s", second);
    free(text);
}

Test(html, an_empty_report_shows_empty_charts)
{
    const char *html = render(empty_report(), "r.html");
    for (size_t i = 0; i < sizeof CHARTS / sizeof CHARTS[0]; i++) {
        cr_assert_eq(chart_attr(html, CHARTS[i], "data-points"), 0, "%s", CHARTS[i]);
        cr_assert_eq(chart_attr(html, CHARTS[i], "data-series"), 0, "%s", CHARTS[i]);
        char *svg = chart_text(html, CHARTS[i]);
        const char *text = strstr(svg, "<text class=\"empty\"");
        cr_assert(text && strstr(text, "\">no data: "), "%s", CHARTS[i]);
        cr_assert_not(strstr(svg, "class=\"line\""), "%s", CHARTS[i]);
        free(svg);
    }
    cr_assert(strstr(html, "The scenario sets no SLOs."));
    cr_assert(strstr(html, "The scenario loads no callout plugins."));
}

Test(html, same_report_same_bytes)
{
    char *first = strdup(render(full_report(), "a.html"));
    cr_assert_str_eq(render(full_report(), "b.html"), first);
    free(first);
}

Test(html, written_atomically_over_the_old_file)
{
    char path[256];
    snprintf(path, sizeof path, "%s/r.html", dir);
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    const char *html = render(full_report(), "r.html");
    cr_assert_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
    cr_assert(strstr(html, "</html>\n"));
    DIR *d = opendir(dir);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d));)
        files += e->d_name[0] != '.';
    closedir(d);
    cr_assert_eq(files, 1, "a temporary file was left behind");
}

Test(html, unwritable_path_is_an_error)
{
    char err[VS_ERROR_MAX];
    json_t *r = empty_report();
    cr_assert_eq(vs_report_write_html(r, "/nonexistent-dir/r.html", err), -1);
    cr_assert(strstr(err, "/nonexistent-dir/r.html"), "%s", err);
    json_decref(r);
}

Test(html, a_long_list_of_violations_is_cut_short)
{
    json_t *r = empty_report(),
           *list = json_object_get(json_object_get(r, "verifier"), "violations");
    for (int i = 0; i < 30; i++)
        /* clang-format off */
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:i}", "rule", "double_completion",
                                              "plugin", "p", "detail", "again", "sim_time_ns", i));
    /* clang-format on */
    const char *html = render(r, "r.html");
    cr_assert_eq(count(html, "<tr class=\"fail\">"), 25);
    cr_assert(strstr(html, "The first 25 of 30 violations"));
    cr_assert(strstr(html, "no SLOs set, 30 verifier violations"));
}

/* The summary reads latencies in their units; a drain adds its slot waits, and its table
 * over time only when the report has the series for it. */
Test(html, the_table_scales_latencies_and_shows_a_drains_slot_wait)
{
    json_t *r = clean_report();
    /* clang-format off */
    json_object_set_new(json_object_get(r, "latency_us"), "migration",
                        json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:f}", "count", 40, "mean",
                                  8062707.3, "p50", 999.96, "p90", 0.13, "p99", 0.0, "p999",
                                  3600e6, "max", 156557628.2));
    json_object_set_new(json_object_get(r, "latency_us"), "slot_wait",
                        json_pack("{s:i, s:f, s:f, s:f, s:f, s:f}", "count", 40, "mean", 82502224.0,
                                  "p50", 87241523.2, "p90", 139049566.2, "p99", 156229435.4,
                                  "max", 156557628.2));
    json_object_set_new(r, "drain", json_pack("{s:b, s:b, s:i, s:i, s:i, s:f, s:f, s:f}", "active",
                                              1, "finished", 1, "hosts", 1, "vms", 40, "failed", 0,
                                              "started_s", 1.0, "finished_s", 164.6, "duration_s",
                                              163.6));
    /* clang-format on */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    vs_report_print_table(out, r);
    fclose(out);
    json_decref(r);
    cr_assert(strstr(text, "  migration                      40     8.06 s    1.00 ms     130 ns"
                           "          0    3,600 s      157 s\n"),
              "%s", text);
    cr_assert(strstr(text, "  slot wait (40): mean 82.5 s, p50 87.2 s, p90 139 s, p99 156 s, "
                           "max 157 s\n"),
              "%s", text);
    cr_assert_not(strstr(text, "drain over time"), "no series, no table");
    free(text);
}
