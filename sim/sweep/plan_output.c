/*
 * plan_output.c: a plan's document (`vswitchsim plan --json`, docs/sweep.md) as an HTML
 * page a planner can act on (sweep_output.h): the answer in words at the top and why the
 * next value fails, the values tried with their verdicts (pass, fail, inconclusive and
 * invalid each in their own colour, with a legend) and the runs each one took, and per
 * SLO metric a chart of its mean and interval against the value, the points coloured by
 * verdict, the SLO line drawn.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "render/svg.h"
#include "render/units.h"
#include "sweep/out-int.h"
#include "sweep/sweep_output.h"

/* ---- Verdicts ----------------------------------------------------------------------- */

typedef struct status {
    const char *name, *color, *meaning;
} status;

/* In the order the legend lists them; the colours stay apart for the colour-blind and
 * each badge says its name too. */
static const status STATUSES[] = {
    {"pass", "#276749", "every SLO's confidence interval meets its limit"},
    {"fail", "#b42318", "an SLO's whole interval breaks its limit"},
    {"inconclusive", "#b7791f",
     "an interval still straddles a limit at --max-reps runs: counts as failing"},
    {"invalid", "#616e7c", "the scenario does not take the value: counts as failing"},
};
enum { NSTATUSES = sizeof STATUSES / sizeof STATUSES[0] };

static const char CSS[] =
    ".meta{color:var(--muted);margin:0}.meta.warn{color:var(--fail);font-weight:600}"
    ".answer{background:var(--card);border:1px solid var(--line);border-left:6px solid "
    "var(--pass);border-radius:6px;padding:12px 16px;margin:0 0 14px}"
    ".answer.none{border-left-color:var(--fail)}.answer.stopped{border-left-color:#b7791f}"
    ".answer p{margin:0}.answer .headline{font-size:18px;font-weight:600}"
    ".answer .why{margin-top:4px;color:var(--ink)}"
    ".badge{display:inline-block;border-radius:4px;padding:1px 8px;font-weight:600;"
    "font-size:12px}"
    ".pass{color:#276749;background:#e3f4e8}.fail{color:#b42318;background:#fde8e6}"
    ".inconclusive{color:#8a5a00;background:#fdf1d3}.invalid{color:#3e4c59;background:#e4e7eb}"
    ".legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0 0;padding:0;list-style:none;"
    "font-size:12px;color:var(--muted)}"
    "table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);"
    "font-variant-numeric:tabular-nums;width:100%}"
    "th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:right;"
    "white-space:nowrap}"
    "th{background:#eef1f4;font-weight:600;font-size:12px}"
    "th.text,td.text{text-align:left}tr:last-child td{border-bottom:none}"
    "td.pass,td.fail,td.inconclusive,td.invalid{background:none}"
    "td.fail,td.inconclusive{font-weight:600}"
    ".none{color:var(--muted);font-style:italic;margin:0}"
    "footer{margin-top:28px;color:var(--muted);font-size:12px}";

/* The verdict's class: one of STATUSES, else "invalid" (a stop, or a future name). */
static const char *status_class(const char *verdict)
{
    for (size_t i = 0; verdict && i < NSTATUSES; i++)
        if (strcmp(verdict, STATUSES[i].name) == 0)
            return STATUSES[i].name;
    return "invalid";
}

/* ---- The document ------------------------------------------------------------------- */

static double num(const json_t *o, const char *key)
{
    return num_or_nan(get(o, key));
}

static int by_value(const void *a, const void *b)
{
    double x = num(*(json_t *const *)a, "value"), y = num(*(json_t *const *)b, "value");
    return (x > y) - (x < y);
}

/* The evaluations in increasing value (caller frees); NULL out of memory. */
static const json_t **sorted_evaluations(const json_t *plan, size_t *n)
{
    const json_t *evals = get(plan, "evaluations");
    *n = json_array_size(evals);
    const json_t **sorted = calloc(*n + 1, sizeof *sorted);
    for (size_t i = 0; sorted && i < *n; i++)
        sorted[i] = json_array_get(evals, i);
    if (sorted)
        qsort(sorted, *n, sizeof *sorted, by_value);
    return sorted;
}

static const json_t *evaluation_of(const json_t *plan, const json_t *value)
{
    size_t i;
    const json_t *e;
    json_array_foreach(get(plan, "evaluations"), i, e)
        if (json_is_number(value) && num(e, "value") == json_number_value(value))
            return e;
    return NULL;
}

/* ---- Numbers in their units --------------------------------------------------------- */

/* A metric's values as microseconds when they are times ("s" ones scaled), so that they
 * read in the unit that suits them; 0 when they are not times. */
static double us_per_unit(const char *metric)
{
    const char *unit = vs_unit_of_name(metric);
    return strcmp(unit, "µs") == 0 ? 1 : strcmp(unit, "s") == 0 ? 1e6 : 0;
}

/* Three significant digits in a unit of `us` microseconds. */
static void format_in(char out[VS_UNITS_MAX], double v, double us)
{
    double x = v / us, a = x < 0 ? -x : x;
    snprintf(out, VS_UNITS_MAX, "%.*f", a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2, x);
}

/* "61.7 s [58.6, 64.9]": the mean in its unit and the interval in the same; the
 * interval left out with one run. */
static void format_estimate(char out[3 * VS_UNITS_MAX + 8], const char *metric, const json_t *s)
{
    double mean = num(s, "mean"), low = num(s, "low"), high = num(s, "high");
    double per = us_per_unit(metric);
    char m[VS_UNITS_MAX], lo[VS_UNITS_MAX], hi[VS_UNITS_MAX];
    if (!json_is_number(get(s, "mean"))) {
        snprintf(out, 3 * VS_UNITS_MAX + 8, "no value");
        return;
    }
    if (per > 0) {
        vs_format_us(m, mean * per, false);
        vs_time_unit u = vs_time_unit_of(mean * per);
        format_in(lo, low * per, u.us);
        format_in(hi, high * per, u.us);
    } else {
        const char *unit = vs_unit_of_name(metric);
        bool plain = strcmp(unit, "count") == 0;
        snprintf(m, sizeof m, "%.4g%s%s", mean, plain ? "" : " ", plain ? "" : unit);
        snprintf(lo, sizeof lo, "%.4g", low);
        snprintf(hi, sizeof hi, "%.4g", high);
    }
    if (isfinite(low) && isfinite(high))
        snprintf(out, 3 * VS_UNITS_MAX + 8, "%s [%s, %s]", m, lo, hi);
    else
        snprintf(out, 3 * VS_UNITS_MAX + 8, "%s", m);
}

/* The metric of an SLO, into buf: "a.b < 5" -> "a.b". */
static const char *slo_metric(const char *slo, char buf[VS_UNITS_MAX * 4])
{
    size_t n = vs__slo_metric_len(slo);
    n = n < VS_UNITS_MAX * 4 - 1 ? n : VS_UNITS_MAX * 4 - 1;
    memcpy(buf, slo, n);
    buf[n] = '\0';
    return buf;
}

/* "drain.duration_s &lt; 60: 68.8 s [62.6, 74.9]" for one SLO's evidence. */
static void write_slo_evidence(vs_buf *b, const json_t *s)
{
    char metric[VS_UNITS_MAX * 4], est[3 * VS_UNITS_MAX + 8];
    format_estimate(est, slo_metric(str(s, "slo"), metric), s);
    vs_buf_puts(b, "<code>");
    vs_html_escape(b, str(s, "slo"));
    vs_buf_puts(b, "</code>: ");
    vs_html_escape(b, est);
}

/* ---- The answer --------------------------------------------------------------------- */

/* Why `value` did not pass, after its number: "breaches SLO: est", "is inconclusive on
 * ...", "is invalid: reason". */
static void write_why_not(vs_buf *b, const json_t *plan, const json_t *value)
{
    const json_t *e = evaluation_of(plan, value), *s;
    const char *verdict = str(e, "verdict");
    char *v = vs__value_text(value);
    size_t i, shown = 0;
    vs_buf_printf(b, "<b>%s</b> ", v ? v : "?");
    free(v);
    if (strcmp(verdict, "invalid") == 0 || !e) {
        vs_buf_puts(b, "is invalid: ");
        vs_html_escape(b, *str(e, "error") ? str(e, "error") : "the scenario does not take it");
        return;
    }
    bool inconclusive = strcmp(verdict, "inconclusive") == 0;
    vs_buf_puts(b, inconclusive ? "is inconclusive on " : "breaches ");
    json_array_foreach(get(e, "slos"), i, s) {
        if (strcmp(str(s, "verdict"), inconclusive ? "inconclusive" : "fail") != 0)
            continue;
        vs_buf_puts(b, shown++ ? "; " : "");
        write_slo_evidence(b, s);
    }
    if (inconclusive)
        vs_buf_printf(b, " after %.0f runs (--max-reps), which counts as failing", num(e, "runs"));
}

static void write_answer(vs_buf *b, const json_t *plan)
{
    const json_t *answer = get(plan, "answer"), *failing = get(plan, "first_failing");
    bool complete = json_is_true(get(plan, "complete"));
    const char *key = str(plan, "param");
    vs_buf_printf(b, "<section class=\"answer%s\" data-answer=\"",
                  !complete              ? " stopped"
                  : json_is_null(answer) ? " none"
                                         : "");
    char *a = json_is_null(answer) ? NULL : vs__value_text(answer);
    vs_html_escape(b, a ? a : "");
    vs_buf_puts(b, "\">\n<p class=\"headline\">");
    if (!complete)
        vs_buf_puts(b, "The plan stopped before an answer. ");
    if (a) {
        vs_buf_puts(b, "Largest <code>");
        vs_html_escape(b, key);
        vs_buf_printf(b, "</code> meeting every SLO: %s</p>\n<p class=\"why\">", a);
        if (json_is_null(failing))
            vs_buf_puts(b, "Every value tried passed, up to the top of the range: the limit lies "
                           "above it.");
        else
            write_why_not(b, plan, failing);
    } else if (complete) {
        vs_buf_puts(b, "No value of <code>");
        vs_html_escape(b, key);
        vs_buf_puts(b, "</code> meets every SLO</p>\n<p class=\"why\">Even ");
        write_why_not(b, plan, get(get(plan, "range"), "lo"));
    } else {
        vs_buf_puts(b, "</p>\n<p class=\"why\">The values tried so far are below.");
    }
    free(a);
    vs_buf_printf(b, "</p>\n</section>\n");
}

/* ---- Header, legend, table ---------------------------------------------------------- */

static void write_header(vs_buf *b, const json_t *plan)
{
    size_t i, total = 0, least = 0, most = 0;
    const json_t *e;
    json_array_foreach(get(plan, "evaluations"), i, e) {
        size_t runs = (size_t)num(e, "runs");
        total += runs;
        least = i == 0 || runs < least ? runs : least;
        most = runs > most ? runs : most;
    }
    vs_buf_puts(b, "<header>\n<h1>vswitchsim plan: <span class=\"scenario\">");
    vs_html_escape(b, str(plan, "name"));
    vs_buf_puts(b, "</span></h1>\n<p class=\"meta\">");
    vs_html_escape(b, str(plan, "scenario"));
    vs_buf_printf(b, " &middot; seed %.0f &middot; %g%% confidence &middot; ", num(plan, "seed"),
                  num(plan, "confidence") * 100);
    vs_buf_printf(b,
                  "<span class=\"runs\">%zu value%s tried, %zu runs in all, %zu to %zu a value"
                  "</span> (--reps %.0f, doubled up to --max-reps %.0f while inconclusive)</p>\n",
                  json_array_size(get(plan, "evaluations")),
                  json_array_size(get(plan, "evaluations")) == 1 ? "" : "s", total, least, most,
                  num(plan, "reps"), num(plan, "max_reps"));
    vs_buf_puts(b, "</header>\n");
}

static void write_legend(vs_buf *b)
{
    vs_buf_puts(b, "<ul class=\"legend\">");
    for (size_t i = 0; i < NSTATUSES; i++) {
        vs_buf_printf(b, "<li><span class=\"badge %s\">%s</span> ", STATUSES[i].name,
                      STATUSES[i].name);
        vs_html_escape(b, STATUSES[i].meaning);
        vs_buf_puts(b, "</li>");
    }
    vs_buf_puts(b, "</ul>\n");
}

/* The evidence of SLO `k` at one value: its estimate, in its verdict's class. */
static void write_slo_cell(vs_buf *b, const json_t *e, size_t k)
{
    const json_t *s = json_array_get(get(e, "slos"), k);
    char metric[VS_UNITS_MAX * 4], est[3 * VS_UNITS_MAX + 8];
    if (!s) {
        vs_buf_puts(b, "<td>&ndash;</td>");
        return;
    }
    format_estimate(est, slo_metric(str(s, "slo"), metric), s);
    vs_buf_printf(b, "<td class=\"%s\">", status_class(str(s, "verdict")));
    vs_html_escape(b, est);
    vs_buf_puts(b, "</td>");
}

static size_t order_tried(const json_t *plan, const json_t *e)
{
    size_t i;
    const json_t *x;
    json_array_foreach(get(plan, "evaluations"), i, x)
        if (x == e)
            return i + 1;
    return 0;
}

static void write_row(vs_buf *b, const json_t *plan, const json_t *e)
{
    const char *cls = status_class(str(e, "verdict"));
    char *v = vs__value_text(get(e, "value"));
    vs_buf_printf(b, "<tr class=\"%s\" data-verdict=\"%s\"><td class=\"text\">", cls, cls);
    vs_html_escape(b, v ? v : "");
    free(v);
    vs_buf_printf(b, "</td><td class=\"text\"><span class=\"badge %s\">%s</span></td>", cls, cls);
    vs_buf_printf(b, "<td class=\"runs\">%.0f</td>", num(e, "runs"));
    for (size_t k = 0; k < json_array_size(get(plan, "slos")); k++)
        write_slo_cell(b, e, k);
    vs_buf_printf(b, "<td>%zu</td></tr>\n", order_tried(plan, e));
}

static void write_table(vs_buf *b, const json_t *plan, const json_t **sorted, size_t n)
{
    const json_t *slo;
    size_t i;
    vs_buf_puts(b, "<h2>Values tried</h2>\n");
    if (n == 0) {
        vs_buf_puts(b, "<p class=\"none\">No value has finished its runs yet.</p>\n");
        return;
    }
    vs_buf_puts(b, "<table class=\"plan\"><tr><th class=\"text\">");
    vs_html_escape(b, str(plan, "param"));
    vs_buf_puts(b, "</th><th class=\"text\">verdict</th><th>runs</th>");
    json_array_foreach(get(plan, "slos"), i, slo) {
        vs_buf_puts(b, "<th>");
        vs_html_escape(b, json_string_value(slo));
        vs_buf_puts(b, ": mean [interval]</th>");
    }
    vs_buf_puts(b, "<th>tried</th></tr>\n");
    for (size_t k = 0; k < n; k++)
        write_row(b, plan, sorted[k]);
    vs_buf_puts(b, "</table>\n");
    write_legend(b);
}

/* ---- Charts ------------------------------------------------------------------------- */

/* One SLO metric's points into v (4 x n: x, y, low, high), of one verdict (NULL: all);
 * NAN where another verdict or no value. Times scaled to µs by `per`. */
static void fill_points(double *v, size_t n, const json_t **sorted, const char *metric,
                        const char *verdict, double per)
{
    for (size_t k = 0; k < 4 * n; k++)
        v[k] = NAN;
    for (size_t k = 0; k < n; k++) {
        const json_t *s = NULL, *x;
        size_t i;
        char m[VS_UNITS_MAX * 4];
        json_array_foreach(get(sorted[k], "slos"), i, x)
            if (!s && strcmp(slo_metric(str(x, "slo"), m), metric) == 0)
                s = x;
        if (!s || (verdict && strcmp(status_class(str(sorted[k], "verdict")), verdict) != 0))
            continue;
        double scale = per > 0 ? per : 1;
        v[k] = num(sorted[k], "value");
        v[n + k] = num(s, "mean") * scale;
        v[2 * n + k] = num(s, "low") * scale;
        v[3 * n + k] = num(s, "high") * scale;
    }
}

/* The SLO lines on this metric: "SLO < 60". */
static size_t thresholds(const json_t *plan, const char *metric, double per, vs_threshold *t,
                         char (*label)[96], size_t max)
{
    size_t i, n = 0;
    const json_t *v;
    json_array_foreach(get(plan, "slos"), i, v) {
        const char *slo = json_string_value(v);
        if (!slo || n == max || vs__slo_metric_len(slo) != strlen(metric) ||
            strncmp(slo, metric, strlen(metric)) != 0)
            continue;
        const char *rest = vs__slo_rest(slo), *limit = rest + strspn(rest, "<>=!");
        char *end;
        double y = strtod(limit, &end);
        if (end == limit || !isfinite(y))
            continue;
        snprintf(label[n], sizeof label[n], "SLO %s", rest);
        t[n] = (vs_threshold){.y = y * (per > 0 ? per : 1), .label = label[n]};
        n++;
    }
    return n;
}

static void chart_metric(vs_buf *b, const json_t *plan, const json_t **sorted, size_t n,
                         const char *metric)
{
    double per = us_per_unit(metric);
    double *v = malloc((NSTATUSES + 1) * 4 * (n ? n : 1) * sizeof *v);
    if (!v) {
        b->failed = true;
        return;
    }
    vs_series s[NSTATUSES + 1];
    fill_points(v, n, sorted, metric, NULL, per);
    s[0] = (vs_series){.name = "mean", .x = v, .y = v + n, .n = n, .color = "#9aa5b1"};
    for (size_t i = 0; i < NSTATUSES; i++) {
        double *p = v + (i + 1) * 4 * n;
        fill_points(p, n, sorted, metric, STATUSES[i].name, per);
        s[i + 1] = (vs_series){.name = STATUSES[i].name,
                               .x = p,
                               .y = p + n,
                               .n = n,
                               .ylo = p + 2 * n,
                               .yhi = p + 3 * n,
                               .color = STATUSES[i].color,
                               .markers_only = true};
    }
    vs_threshold t[4];
    char label[4][96], note[160], xtitle[200], ytitle[200];
    const char *key = str(plan, "param"), *unit = vs_unit_of_name(metric);
    snprintf(note, sizeof note,
             "mean of each value's runs, bars: its %g%% confidence interval; points coloured by "
             "the value's verdict",
             num(plan, "confidence") * 100);
    snprintf(xtitle, sizeof xtitle, "%s (%s)", key, vs_unit_of_name(key));
    snprintf(ytitle, sizeof ytitle, per > 0 ? "%s" : "%s (%s)", metric, unit);
    vs_svg_chart(b, &(vs_chart){.id = metric,
                                .title = metric,
                                .note = note,
                                .empty = "no data: no value has this metric yet",
                                .x = {xtitle, VS_SCALE_LINEAR, VS_UNIT_NONE},
                                .y = {ytitle, VS_SCALE_LINEAR, per > 0 ? VS_UNIT_US : VS_UNIT_NONE},
                                .series = s,
                                .nseries = NSTATUSES + 1,
                                .thresholds = t,
                                .nthresholds = thresholds(plan, metric, per, t, label, 4)});
    free(v);
}

/* One chart per metric the SLOs name, each once. */
static void write_charts(vs_buf *b, const json_t *plan, const json_t **sorted, size_t n)
{
    const json_t *slo;
    size_t i;
    vs_buf_puts(b, "<h2>Charts</h2>\n<section class=\"charts\">\n");
    json_array_foreach(get(plan, "slos"), i, slo) {
        char metric[VS_UNITS_MAX * 4], earlier[VS_UNITS_MAX * 4];
        slo_metric(json_string_value(slo) ? json_string_value(slo) : "", metric);
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const char *other = json_string_value(json_array_get(get(plan, "slos"), k));
            seen = other && strcmp(slo_metric(other, earlier), metric) == 0;
        }
        if (!seen)
            chart_metric(b, plan, sorted, n, metric);
    }
    vs_buf_puts(b, "</section>\n");
}

int vs_plan_write_html(const json_t *plan, const char *path, char err[VS_ERROR_MAX])
{
    static const char *const css[] = {CSS, vs_chart_css, NULL};
    size_t n;
    const json_t **sorted = sorted_evaluations(plan, &n);
    vs_buf b = {0}, title = {0};
    vs_buf_printf(&title, "vswitchsim plan: %s", str(plan, "name"));
    b.failed |= title.failed || !sorted;
    vs_html_open(&b, title.text, css);
    vs_buf_free(&title);
    write_header(&b, plan);
    write_answer(&b, plan);
    if (sorted) {
        write_table(&b, plan, sorted, n);
        write_charts(&b, plan, sorted, n);
    }
    free(sorted);
    vs_html_close(&b, "Written by vswitchsim from the plan's JSON document: each value's runs "
                      "are replications with their own seeds; times and latencies are "
                      "simulated (docs/sweep.md).");
    return vs__write_text(&b, path, err);
}
