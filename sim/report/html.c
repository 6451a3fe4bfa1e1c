/*
 * html.c: the report as one self-contained HTML page: the run, SLO verdicts, verifier
 * violations, a drain's section, latency and callout tables (latencies in the unit that
 * suits them, render/units.h), and the charts (html_charts.c), in the page
 * frame all pages share (render/html.h). The same report gives the same bytes.
 * Everything read from the report is escaped, since scenario and plugin names are
 * user text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "render/html.h"
#include "render/svg.h"
#include "render/units.h"
#include "report/report-int.h"
#include "report/report.h"

static double num(const json_t *o, const char *path)
{
    double v = 0;
    vs_report_lookup(o, path, &v);
    return v;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_t *get(const json_t *o, const char *key)
{
    return json_object_get(o, key);
}

/* ---- Page frame --------------------------------------------------------------------- */

/* What only the run report has, after render/html.c's shared rules. */
static const char CSS[] =
    ".meta{color:var(--muted);margin:0}"
    ".badge{display:inline-block;border-radius:4px;padding:1px 8px;font-weight:600;"
    "font-size:12px}"
    ".pass{color:var(--pass);background:var(--pass-bg)}"
    ".fail{color:var(--fail);background:var(--fail-bg)}"
    ".neutral{color:var(--muted);background:#eef1f4}"
    ".unfinished{background:var(--fail-bg);color:var(--fail);border:2px solid var(--fail);"
    "border-radius:6px;padding:10px 14px;margin:0 0 16px;font-weight:600}"
    ".unfinished p{margin:0}.unfinished p+p{margin-top:4px}"
    ".verdict{margin-top:10px;font-size:14px;padding:4px 12px}"
    ".facts{display:flex;flex-wrap:wrap;gap:12px}"
    ".fact{background:var(--card);border:1px solid var(--line);border-radius:6px;"
    "padding:10px 14px;min-width:150px}"
    ".fact b{display:block;font-size:20px}.fact span{color:var(--muted);font-size:12px}"
    ".fact.bad{border-color:var(--fail)}.fact.bad b{color:var(--fail)}"
    "table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);"
    "font-variant-numeric:tabular-nums;width:100%}"
    "th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:right;"
    "white-space:nowrap}"
    "th{background:#eef1f4;font-weight:600;font-size:12px}"
    "th:first-child,td:first-child,th.text,td.text{text-align:left}"
    "td.text{white-space:normal}"
    "tr:last-child td{border-bottom:none}"
    ".none{color:var(--muted);font-style:italic;margin:0}table+.none{margin-top:6px}"
    "footer{margin-top:28px;color:var(--muted);font-size:12px}";

static void write_head(vs_buf *b, const json_t *r)
{
    static const char *const css[] = {CSS, vs_chart_css, NULL};
    vs_buf title = {0};
    vs_buf_printf(&title, "vswitchsim: %s (seed %.0f)", str(r, "scenario"), num(r, "seed"));
    b->failed |= title.failed;
    vs_html_open(b, title.text, css);
    vs_buf_free(&title);
}

/* A run that crashed, was interrupted or is a snapshot: none of its verdicts is whole. */
static bool unfinished(const json_t *r)
{
    char lines[VS_UNFINISHED_LINES][VS_UNFINISHED_MAX];
    return vs_report_unfinished(r, lines) > 0;
}

/* The page opens with it, so that no number below is read as a whole run's. */
static void write_unfinished(vs_buf *b, const json_t *r)
{
    char lines[VS_UNFINISHED_LINES][VS_UNFINISHED_MAX];
    int n = vs_report_unfinished(r, lines);
    if (n == 0)
        return;
    vs_buf_puts(b, "<section class=\"unfinished\" role=\"alert\">\n");
    for (int i = 0; i < n; i++) {
        vs_buf_puts(b, "<p>");
        vs_html_escape(b, lines[i]);
        vs_buf_puts(b, "</p>\n");
    }
    vs_buf_puts(b, "<p>The run did not finish: every number below covers only what ran until "
                   "then, and no verdict on this page is a pass.</p>\n</section>\n");
}

static size_t failed_slos(const json_t *r)
{
    size_t i, failed = 0;
    const json_t *slo;
    json_array_foreach(get(r, "slo"), i, slo)
        failed += !json_is_true(get(slo, "pass"));
    return failed;
}

static void write_verdict(vs_buf *b, const json_t *r)
{
    size_t slos = json_array_size(get(r, "slo")), failed = failed_slos(r);
    uint64_t violations = vs_report_violations(r);
    bool crashed = json_is_object(get(r, "crashed"));
    const char *kind = failed || violations || crashed ? "fail"
                       : unfinished(r)                 ? "neutral"
                                                       : "pass";
    vs_buf_printf(b, "<div class=\"badge verdict %s\">", kind);
    if (strcmp(kind, "pass") != 0 && unfinished(r))
        vs_buf_puts(b, crashed ? "crashed: " : "did not finish: ");
    if (failed)
        vs_buf_printf(b, "%zu of %zu SLOs breached", failed, slos);
    else if (slos)
        vs_buf_printf(b, "all %zu SLO%s met", slos, slos == 1 ? "" : "s");
    else
        vs_buf_puts(b, "no SLOs set");
    char n[80];
    vs_format_grouped(n, (double)violations, 0);
    vs_buf_printf(b, ", %s verifier violation%s</div>\n", n, violations == 1 ? "" : "s");
}

static void write_header(vs_buf *b, const json_t *r)
{
    vs_buf_puts(b, "<header>\n<h1>vswitchsim report: <span class=\"scenario\">");
    vs_html_escape(b, str(r, "scenario"));
    vs_buf_printf(b,
                  "</span></h1>\n<p class=\"meta\">seed %.0f &middot; %.3f s simulated in "
                  "%.3f s wall &middot; %.0f events (%.2f M events per wall second)</p>\n",
                  num(r, "seed"), num(r, "sim_time_s"), num(r, "wall_time_s"), num(r, "events"),
                  num(r, "events_per_wall_s") / 1e6);
    if (json_is_false(get(r, "deterministic")))
        vs_buf_puts(b, "<p class=\"meta\">timing \"measured\": callback costs are this "
                       "machine's thread CPU time, so this report is not reproducible</p>\n");
    write_verdict(b, r);
    vs_buf_puts(b, "</header>\n");
}

/* `bad`: a count of failures, shown in red when not 0. */
static void write_fact(vs_buf *b, const char *value, const char *what, bool bad)
{
    vs_buf_printf(b, "<div class=\"fact%s\"><b>%s</b><span>%s</span></div>\n", bad ? " bad" : "",
                  value, what);
}

static void write_count(vs_buf *b, const json_t *r, const char *path, const char *what,
                        bool failures)
{
    char text[32];
    double v = num(r, path);
    snprintf(text, sizeof text, "%.0f", v);
    write_fact(b, text, what, failures && v > 0);
}

static void write_drain(vs_buf *b, const json_t *r)
{
    char text[32];
    bool finished = json_is_true(get(get(r, "drain"), "finished"));
    write_count(b, r, "drain.vms", "VMs on the drained hosts", false);
    write_count(b, r, "drain.failed", "VMs that failed to leave", true);
    snprintf(text, sizeof text, "%.1f s", num(r, "drain.duration_s"));
    write_fact(b, finished ? text : "unfinished", "drain took", !finished);
}

static void write_facts(vs_buf *b, const json_t *r)
{
    vs_buf_puts(b, "<section class=\"facts\">\n");
    write_count(b, r, "migrations.started", "migrations started", false);
    write_count(b, r, "migrations.completed", "migrations completed", false);
    write_count(b, r, "migrations.failed", "migrations failed", true);
    write_count(b, r, "migrations.timed_out", "migrations timed out", true);
    write_count(b, r, "migrations.queued", "queued behind the same VM", false);
    write_count(b, r, "hosts.migrations_peak", "most migrations on one host at once", false);
    if (json_is_true(get(get(r, "drain"), "active")))
        write_drain(b, r);
    vs_buf_puts(b, "</section>\n");
}

/* ---- Tables ------------------------------------------------------------------------- */

/* decimals < 0: as few digits as the number needs (SLO limits are what the user wrote). */
static void write_cell_num(vs_buf *b, const json_t *v, int decimals)
{
    char text[80];
    if (!json_is_number(v)) {
        vs_buf_puts(b, "<td>&ndash;</td>");
        return;
    }
    if (decimals < 0)
        snprintf(text, sizeof text, "%.10g", json_number_value(v));
    else
        vs_format_grouped(text, json_number_value(v), decimals);
    vs_buf_printf(b, "<td>%s</td>", text);
}

/* Simulated µs in the unit that reads best; the exact µs in the tooltip. */
static void write_cell_us(vs_buf *b, const json_t *v)
{
    char text[VS_UNITS_MAX];
    if (!json_is_number(v)) {
        vs_buf_puts(b, "<td>&ndash;</td>");
        return;
    }
    vs_format_us(text, json_number_value(v), false);
    vs_buf_printf(b, "<td title=\"%.1f &micro;s\">%s</td>", json_number_value(v), text);
}

static void write_cell_text(vs_buf *b, const char *s)
{
    vs_buf_puts(b, "<td class=\"text\">");
    vs_html_escape(b, s);
    vs_buf_puts(b, "</td>");
}

static void write_slos(vs_buf *b, const json_t *r)
{
    const json_t *slos = get(r, "slo"), *slo;
    size_t i;
    vs_buf_puts(b, "<h2>Service levels</h2>\n");
    if (json_array_size(slos) == 0) {
        vs_buf_puts(b, "<p class=\"none\">The scenario sets no SLOs.</p>\n");
        return;
    }
    vs_buf_puts(b, "<table class=\"slo\"><tr><th>metric</th><th class=\"text\">op</th>"
                   "<th>limit</th><th>value</th><th>verdict</th></tr>\n");
    bool whole = !unfinished(r); /* a pass over part of a run is not a pass */
    json_array_foreach(slos, i, slo) {
        bool pass = json_is_true(get(slo, "pass"));
        vs_buf_puts(b, "<tr>");
        write_cell_text(b, str(slo, "metric"));
        write_cell_text(b, str(slo, "op"));
        write_cell_num(b, get(slo, "limit"), -1);
        write_cell_num(b, get(slo, "value"), -1);
        vs_buf_printf(b, "<td><span class=\"badge %s\">%s</span></td></tr>\n",
                      !pass   ? "fail"
                      : whole ? "pass"
                              : "neutral",
                      !pass   ? "FAIL"
                      : whole ? "pass"
                              : "met so far");
    }
    vs_buf_puts(b, "</table>\n");
}

/* Exact counts by plugin and rule: what a buggy callout did, however often. */
static void write_violation_counts(vs_buf *b, const json_t *verifier)
{
    const char *plugin, *rule;
    const json_t *rules, *n;
    vs_buf_puts(b, "<table class=\"violation-counts\"><tr><th class=\"text\">plugin</th>"
                   "<th class=\"text\">rule</th><th>violations</th></tr>\n");
    json_object_foreach((json_t *)get(verifier, "by_plugin"), plugin, rules)
        json_object_foreach((json_t *)rules, rule, n) {
            vs_buf_puts(b, "<tr class=\"fail\">");
            write_cell_text(b, plugin);
            write_cell_text(b, rule);
            write_cell_num(b, n, 0);
            vs_buf_puts(b, "</tr>\n");
        }
    vs_buf_puts(b, "</table>\n");
}

/* The first violations in detail; a buggy callout repeats one bug thousands of times. */
enum { VIOLATIONS_SHOWN = 25 };

static void write_violation_details(vs_buf *b, const json_t *verifier, uint64_t total)
{
    const json_t *list = get(verifier, "violations");
    size_t n = json_array_size(list);
    char found[80];
    vs_buf_puts(b, "<table class=\"violations\"><tr><th>rule</th><th class=\"text\">plugin</th>"
                   "<th>simulated time (s)</th><th class=\"text\">detail</th></tr>\n");
    for (size_t i = 0; i < n && i < VIOLATIONS_SHOWN; i++) {
        const json_t *v = json_array_get(list, i);
        vs_buf_puts(b, "<tr class=\"fail\">");
        write_cell_text(b, str(v, "rule"));
        write_cell_text(b, str(v, "plugin"));
        vs_buf_printf(b, "<td>%.6f</td>", num(v, "sim_time_ns") / 1e9);
        write_cell_text(b, str(v, "detail"));
        vs_buf_puts(b, "</tr>\n");
    }
    vs_buf_puts(b, "</table>\n");
    vs_format_grouped(found, (double)total, 0);
    if (n < total)
        vs_buf_printf(b,
                      "<p class=\"none\">The first %zu of %s violations; the JSON report "
                      "details each rule's first %.0f and counts them all.</p>\n",
                      n < VIOLATIONS_SHOWN ? n : (size_t)VIOLATIONS_SHOWN, found,
                      num(verifier, "kept_per_rule"));
    else if (n > VIOLATIONS_SHOWN)
        vs_buf_printf(b,
                      "<p class=\"none\">The first %d of %zu violations; the JSON report "
                      "lists them all.</p>\n",
                      VIOLATIONS_SHOWN, n);
}

static void write_violations(vs_buf *b, const json_t *r)
{
    const json_t *verifier = get(r, "verifier");
    uint64_t total = vs_report_violations(r);
    vs_buf_puts(b, "<h2>Verifier</h2>\n");
    if (total == 0) {
        vs_buf_puts(b, json_is_object(get(r, "crashed")) || json_is_true(get(r, "interrupted"))
                           ? "<p class=\"none\">No callout broke a rule before the run "
                             "stopped.</p>\n"
                           : "<p class=\"none\">No callout broke a rule.</p>\n");
        return;
    }
    if (json_is_object(get(verifier, "by_plugin")))
        write_violation_counts(b, verifier);
    write_violation_details(b, verifier, total);
}

static void write_latencies(vs_buf *b, const json_t *r)
{
    static const char *const keys[] = {"mean", "min", "p50", "p90", "p99", "p999", "p9999", "max"};
    static const char *const heads[] = {"mean", "min",   "p50",    "p90",
                                        "p99",  "p99.9", "p99.99", "max"};
    const char *name;
    const json_t *h;
    vs_buf_puts(b, "<h2>Latency (simulated time)</h2>\n<table class=\"latency\"><tr>"
                   "<th>latency</th><th>count</th>");
    for (size_t k = 0; k < 8; k++)
        vs_buf_printf(b, "<th>%s</th>", heads[k]);
    vs_buf_puts(b, "</tr>\n");
    json_object_foreach((json_t *)get(r, "latency_us"), name, h) {
        vs_buf_puts(b, "<tr>");
        write_cell_text(b, name);
        write_cell_num(b, get(h, "count"), 0);
        for (size_t k = 0; k < 8; k++)
            write_cell_us(b, get(h, keys[k]));
        vs_buf_puts(b, "</tr>\n");
    }
    vs_buf_puts(b, "</table>\n");
}

static void write_plugins(vs_buf *b, const json_t *r)
{
    static const char *const keys[] = {"saves", "restores", "pended", "failed", "timed_out"};
    const json_t *p;
    size_t i;
    vs_buf_puts(b, "<h2>Callouts</h2>\n");
    if (json_array_size(get(r, "plugins")) == 0) {
        vs_buf_puts(b, "<p class=\"none\">The scenario loads no callout plugins.</p>\n");
        return;
    }
    vs_buf_puts(b, "<table class=\"plugins\"><tr><th>plugin</th><th class=\"text\">path</th>"
                   "<th>saves</th><th>restores</th><th>pended</th><th>failed</th>"
                   "<th>timed out</th><th>pending p99</th><th>callback p99</th></tr>\n");
    json_array_foreach(get(r, "plugins"), i, p) {
        vs_buf_puts(b, "<tr>");
        write_cell_text(b, str(p, "name"));
        write_cell_text(b, str(p, "path"));
        for (size_t k = 0; k < 5; k++)
            write_cell_num(b, get(p, keys[k]), 0);
        write_cell_us(b, get(get(get(p, "latency_us"), "pending_completion"), "p99"));
        write_cell_us(b, get(get(get(p, "latency_us"), "callback"), "p99"));
        vs_buf_puts(b, "</tr>\n");
    }
    vs_buf_puts(b, "</table>\n");
}

/* ---- A drain ------------------------------------------------------------------------ */

/* What a drain is about: how long migrations wait for their slots, how many wait, and
 * how busy each host is, over time. */
static void write_drain_section(vs_buf *b, const json_t *r)
{
    static const char *const keys[] = {"mean", "p50", "p90", "p99", "max"};
    const json_t *wait = get(get(r, "latency_us"), "slot_wait");
    if (!json_is_true(get(get(r, "drain"), "active")))
        return;
    vs_buf_puts(b, "<h2>Drain</h2>\n<table class=\"slot-wait\"><tr><th class=\"text\">slot "
                   "wait</th><th>count</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th>"
                   "<th>max</th></tr>\n<tr>");
    write_cell_text(b, "asked for to slots taken");
    write_cell_num(b, get(wait, "count"), 0);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        write_cell_us(b, get(wait, keys[k]));
    vs_buf_puts(b, "</tr>\n</table>\n");
    vs__html_drain_charts(b, r);
}

/* ---- The page ----------------------------------------------------------------------- */

static void write_page(vs_buf *b, const json_t *r)
{
    write_head(b, r);
    write_unfinished(b, r);
    write_header(b, r);
    write_facts(b, r);
    write_drain_section(b, r);
    write_slos(b, r);
    write_violations(b, r);
    write_latencies(b, r);
    write_plugins(b, r);
    vs__html_charts(b, r);
    vs_html_close(b, "Written by vswitchsim from the run's JSON report: times and latencies "
                     "are simulated (see docs/report.md).");
}

int vs_report_write_html(const json_t *report, const char *path, char err[VS_ERROR_MAX])
{
    vs_buf b = {0};
    write_page(&b, report);
    int rc = b.failed ? -1 : vs_file_write_atomically(path, b.text, err);
    if (b.failed)
        snprintf(err, VS_ERROR_MAX, "%s: out of memory", path);
    vs_buf_free(&b);
    return rc;
}
