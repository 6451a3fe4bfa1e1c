/*
 * out_html.c: a sweep's results as a self-contained HTML page (sweep_output.h): what
 * was swept, the summary table, and the charts (out_charts.c), in the page frame all
 * pages share (render/html.h). Everything read from the JSON is user text: escaped.
 */
#include "sweep/out-int.h"
#include "sweep/sweep_output.h"

#include <stdio.h>

#include "render/html.h"
#include "render/svg.h"

/* What only this page has, after render/html.c's shared rules. */
static const char CSS[] =
    ".meta{color:var(--muted);margin:0}.meta.warn{color:var(--fail);font-weight:600}"
    "table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);"
    "font-variant-numeric:tabular-nums;width:100%}"
    "th,td{padding:5px 10px;border-bottom:1px solid var(--line);text-align:right;"
    "white-space:nowrap}"
    "th{background:#eef1f4;font-weight:600;font-size:12px}"
    "th.text,td.text{text-align:left}td.fail{color:var(--fail);font-weight:600}"
    "tr:last-child td{border-bottom:none}"
    ".scroll{overflow-x:auto;border:1px solid var(--line)}.scroll table{border:none}"
    ".none{color:var(--muted);font-style:italic;margin:0}"
    "footer{margin-top:28px;color:var(--muted);font-size:12px}";

static const char *kind_of(const json_t *sweep)
{
    return *str(sweep, "kind") ? str(sweep, "kind") : "sweep";
}

static void write_head(vs_buf *b, const json_t *sweep)
{
    static const char *const css[] = {CSS, vs_chart_css, NULL};
    vs_buf title = {0};
    vs_buf_printf(&title, "vswitchsim %s: %s", kind_of(sweep), str(sweep, "name"));
    b->failed |= title.failed;
    vs_html_open(b, title.text, css);
    vs_buf_free(&title);
}

static void write_header(vs_buf *b, const json_t *sweep)
{
    size_t points = vs__grid_points(get(sweep, "params")), done = 0, runs = 0, i;
    const json_t *pt;
    json_array_foreach(get(sweep, "points"), i, pt) {
        done += has_runs(pt);
        runs += json_array_size(get(pt, "runs"));
    }
    vs_buf_puts(b, "<header>\n<h1>vswitchsim ");
    vs_html_escape(b, kind_of(sweep));
    vs_buf_puts(b, ": <span class=\"scenario\">");
    vs_html_escape(b, str(sweep, "name"));
    vs_buf_puts(b, "</span></h1>\n<p class=\"meta\">");
    vs_html_escape(b, str(sweep, "scenario"));
    vs_buf_printf(b,
                  " &middot; seed %.0f &middot; %zu point%s &times; %.0f rep%s &middot; "
                  "<span class=\"runs\">%zu run%s made</span> &middot; "
                  "%g%% confidence intervals</p>\n",
                  num_or_nan(get(sweep, "seed")), points, points == 1 ? "" : "s",
                  num_or_nan(get(sweep, "reps")), num_or_nan(get(sweep, "reps")) == 1 ? "" : "s",
                  runs, runs == 1 ? "" : "s", num_or_nan(get(sweep, "confidence")) * 100);
    if (!json_is_true(get(sweep, "complete")))
        vs_buf_printf(b,
                      "<p class=\"meta warn\">Incomplete: %zu of %zu points have runs."
                      "</p>\n",
                      done, points);
    vs_buf_puts(b, "</header>\n");
}

/* The text table's cells as an HTML table; a point where not every run passed is red. */
static void write_table(vs_buf *b, const json_t *sweep)
{
    vs__metric_list m = vs__table_metrics(sweep);
    vs__grid g = vs__grid_build(sweep, &m);
    vs_buf_puts(b, "<h2>Points</h2>\n");
    b->failed |= g.failed;
    if (g.failed || g.rows == 1) {
        vs_buf_puts(b, "<p class=\"none\">No point has finished a run yet.</p>\n");
        vs__grid_free(&g);
        vs__metric_list_free(&m);
        return;
    }
    /* Wide grids scroll inside their box, not the page. */
    vs_buf_puts(b, "<div class=\"scroll\"><table class=\"sweep\">\n");
    for (size_t r = 0; r < g.rows; r++) {
        vs_buf_puts(b, "<tr>");
        for (size_t c = 0; c < g.cols; c++) {
            const char *s = vs__grid_at(&g, r, c);
            bool all = c + 1 < g.cols || r == 0 || g.all_passed[r];
            vs_buf_printf(b, "<%s class=\"%s%s\">", r ? "td" : "th", c < g.nparams ? "text" : "num",
                          all ? "" : " fail");
            vs_html_escape(b, s);
            vs_buf_printf(b, "</%s>", r ? "td" : "th");
        }
        vs_buf_puts(b, "</tr>\n");
    }
    vs_buf_puts(b, "</table></div>\n");
    vs__grid_free(&g);
    vs__metric_list_free(&m);
}

int vs_sweep_write_html(const json_t *sweep, const char *path, char err[VS_ERROR_MAX])
{
    vs_buf b = {0};
    write_head(&b, sweep);
    write_header(&b, sweep);
    write_table(&b, sweep);
    vs__sweep_charts(&b, sweep);
    vs_html_close(&b, "Written by vswitchsim from the sweep's JSON results: each point's "
                      "runs are replications with their own seeds; times and latencies are "
                      "simulated.");
    return vs__write_text(&b, path, err);
}
