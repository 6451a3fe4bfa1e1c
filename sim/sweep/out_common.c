/*
 * out_common.c: what the sweep's outputs share (out-int.h): parameter values as text,
 * the metrics the summary table shows and its cells (for the terminal and the HTML
 * page), and the atomic write of a finished file.
 */
#include "sweep/out-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

/* How many points the grid has: the product of the axes' value counts. */
size_t vs__grid_points(const json_t *params)
{
    size_t n = 1, i;
    const json_t *p;
    json_array_foreach(params, i, p)
        n *= json_array_size(get(p, "values"));
    return n;
}

/* ---- Values as text ----------------------------------------------------------------- */

/* The shortest %.*g that reads back as the same double, so that files are both exact
 * and readable ("0.1", not "0.10000000000000001"); whole numbers in full ("100", not
 * "1e+02"). */
void vs__format_exact(char out[32], double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, 32, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* A parameter value as a person wrote it: a string as is, a number in its shortest
 * exact form, anything else as compact JSON, a missing one empty. Caller frees; NULL
 * only out of memory. */
char *vs__value_text(const json_t *v)
{
    char num[32];
    if (!v)
        return strdup("");
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return strdup(num);
    }
    if (json_is_real(v)) {
        vs__format_exact(num, json_real_value(v));
        return strdup(num);
    }
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
}

/* ---- Which metrics the table shows ------------------------------------------------- */

static const char *const HEADLINE[] = {"latency_us.blackout.p99", "throughput.saves_per_s",
                                       "throughput.migrations_per_s"};

/* The metric of an SLO string: the text before the operator ("a.b.c < 5" -> "a.b.c"). */
size_t vs__slo_metric_len(const char *slo)
{
    size_t n = strcspn(slo, "<>=! \t");
    return n;
}

/* The SLO's operator and limit, as written: "< 300000". */
const char *vs__slo_rest(const char *slo)
{
    const char *r = slo + vs__slo_metric_len(slo);
    return r + strspn(r, " \t");
}

static bool listed(const char *const *names, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return true;
    return false;
}

static void metric_list_add(vs__metric_list *m, const char *name, size_t len)
{
    if (listed((const char *const *)m->name, m->n, name, len))
        return;
    char **grown = realloc(m->name, (m->n + 1) * sizeof *grown);
    char *copy = grown ? strndup(name, len) : NULL;
    if (grown)
        m->name = grown;
    if (copy)
        m->name[m->n++] = copy;
}

void vs__metric_list_free(vs__metric_list *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->name[i]);
    free(m->name);
    *m = (vs__metric_list){0};
}

static bool in_metrics(const json_t *sweep, const char *name)
{
    size_t i;
    const json_t *m;
    json_array_foreach(get(sweep, "metrics"), i, m)
        if (json_is_string(m) && strcmp(json_string_value(m), name) == 0)
            return true;
    return false;
}

/* An SLO with a bound (< <= > >=), whose metric's value is worth a column: an "== 0" on
 * a counter is all zeros where it holds, and the "passed" column tells where not. */
static bool slo_is_bound(const char *slo)
{
    const char *op = vs__slo_rest(slo);
    return (op[0] == '<' || op[0] == '>');
}

#define TABLE_METRICS_MAX 5

/* The metrics of the SLOs with a bound, in SLO order, then the headline metrics the sweep
 * collected, up to TABLE_METRICS_MAX; else its first three, so that a table never has
 * only the parameters. */
vs__metric_list vs__table_metrics(const json_t *sweep)
{
    vs__metric_list m = {0};
    size_t i;
    const json_t *v;
    json_array_foreach(get(sweep, "slos"), i, v)
        if (json_is_string(v) && vs__slo_metric_len(json_string_value(v)) > 0 &&
            slo_is_bound(json_string_value(v)) && m.n < TABLE_METRICS_MAX)
            metric_list_add(&m, json_string_value(v), vs__slo_metric_len(json_string_value(v)));
    for (i = 0; i < sizeof HEADLINE / sizeof HEADLINE[0] && m.n < TABLE_METRICS_MAX; i++)
        if (in_metrics(sweep, HEADLINE[i]))
            metric_list_add(&m, HEADLINE[i], strlen(HEADLINE[i]));
    if (m.n == 0)
        json_array_foreach(get(sweep, "metrics"), i, v)
            if (json_is_string(v) && i < 3)
                metric_list_add(&m, json_string_value(v), strlen(json_string_value(v)));
    return m;
}

/* ---- The summary as cells (text table and HTML table) ------------------------------ */

/* Like the run's table (%.1f), with more decimals in a column whose values are small, so
 * that 0.033 migrations/s shows as 0.0333 rather than 0.0: three significant digits of
 * the column's smallest non-zero mean, at most 6 decimals. */
static int column_decimals(const json_t *sweep, const char *metric)
{
    double least = INFINITY;
    size_t i;
    const json_t *pt;
    json_array_foreach(get(sweep, "points"), i, pt) {
        double mean = num_or_nan(get(summary_of(pt, metric), "mean"));
        if (has_runs(pt) && isfinite(mean) && mean != 0)
            least = fmin(least, fabs(mean));
    }
    if (!isfinite(least) || least >= 10)
        return 1;
    return (int)fmin(6, fmax(1, 2 - floor(log10(least))));
}

/* "812.5 ± 31.2", "812.5" with no half-width, "-" with no mean. */
static void format_cell(char out[80], const json_t *summary, int decimals)
{
    double mean = num_or_nan(get(summary, "mean")), hw = num_or_nan(get(summary, "half_width"));
    if (!isfinite(mean))
        snprintf(out, 80, "-");
    else if (!isfinite(hw))
        snprintf(out, 80, "%.*f", decimals, mean);
    else
        snprintf(out, 80, "%.*f \u00b1 %.*f", decimals, mean, decimals, hw);
}

/* "2/3": runs passed of runs. */
static void format_passed(char out[32], const json_t *point, bool *all)
{
    double passed = num_or_nan(get(point, "runs_passed"));
    size_t runs = json_array_size(get(point, "runs"));
    passed = isfinite(passed) ? passed : 0;
    snprintf(out, 32, "%.0f/%zu", passed, runs);
    *all = passed == (double)runs;
}

void vs__grid_free(vs__grid *g)
{
    for (size_t i = 0; g->cell && i < g->rows * g->cols; i++)
        free(g->cell[i]);
    free(g->cell);
    free(g->all_passed);
    *g = (vs__grid){0};
}

static void grid_set(vs__grid *g, size_t row, size_t col, char *owned)
{
    g->cell[row * g->cols + col] = owned;
    g->failed |= owned == NULL;
}

static void grid_fill_row(vs__grid *g, size_t row, const json_t *pt, const vs__metric_list *m,
                          const int *decimals)
{
    char text[80];
    for (size_t c = 0; c < g->nparams; c++)
        grid_set(g, row, c, vs__value_text(json_array_get(get(pt, "params"), c)));
    for (size_t k = 0; k < m->n; k++) {
        format_cell(text, summary_of(pt, m->name[k]), decimals[k]);
        grid_set(g, row, g->nparams + k, strdup(text));
    }
    format_passed(text, pt, &g->all_passed[row]);
    grid_set(g, row, g->cols - 1, strdup(text));
}

vs__grid vs__grid_build(const json_t *sweep, const vs__metric_list *m)
{
    const json_t *params = get(sweep, "params"), *points = get(sweep, "points"), *pt;
    vs__grid g = {.nparams = json_array_size(params), .rows = 1};
    g.cols = g.nparams + m->n + 1;
    size_t i;
    json_array_foreach(points, i, pt)
        g.rows += has_runs(pt);
    int *decimals = calloc(m->n ? m->n : 1, sizeof *decimals);
    g.cell = calloc(g.rows * g.cols, sizeof *g.cell);
    g.all_passed = calloc(g.rows, sizeof *g.all_passed);
    if (!decimals || !g.cell || !g.all_passed) {
        free(decimals);
        free(g.cell);
        free(g.all_passed);
        return (vs__grid){.failed = true};
    }
    for (size_t c = 0; c < g.nparams; c++)
        grid_set(&g, 0, c, strdup(str(json_array_get(params, c), "key")));
    for (size_t k = 0; k < m->n; k++) {
        grid_set(&g, 0, g.nparams + k, strdup(m->name[k]));
        decimals[k] = column_decimals(sweep, m->name[k]);
    }
    grid_set(&g, 0, g.cols - 1, strdup("passed"));
    size_t row = 1;
    json_array_foreach(points, i, pt)
        if (has_runs(pt))
            grid_fill_row(&g, row++, pt, m, decimals);
    free(decimals);
    return g;
}

const char *vs__grid_at(const vs__grid *g, size_t row, size_t col)
{
    const char *s = g->cell[row * g->cols + col];
    return s ? s : "";
}

/* ---- Files -------------------------------------------------------------------------- */

int vs__write_text(vs_buf *b, const char *path, char err[VS_ERROR_MAX])
{
    int rc = b->failed ? -1 : vs_file_write_atomically(path, b->text ? b->text : "", err);
    if (b->failed)
        snprintf(err, VS_ERROR_MAX, "%s: out of memory", path);
    vs_buf_free(b);
    return rc;
}
