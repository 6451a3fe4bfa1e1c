/*
 * sweep_output.c: a sweep's results JSON (sweep_output.h) for people and tools: an
 * aligned text table of mean ± half-width per point, a CSV of every summary number, and
 * a self-contained HTML page with one chart per metric (render/svg.c draws them, with
 * confidence-interval bars and the SLO limit). Everything read from the JSON is user
 * text or user numbers: the HTML escapes it, the CSV quotes it.
 */
#include "base/file.h"
#include "sweep/sweep_output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "render/svg.h"

static json_t *get(const json_t *o, const char *key)
{
    return json_object_get(o, key);
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(get(o, key));
    return s ? s : "";
}

/* NAN for null or absent: the summary's way of saying "not enough runs". */
static double num_or_nan(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const json_t *summary_of(const json_t *point, const char *metric)
{
    return get(get(point, "summary"), metric);
}

static bool has_runs(const json_t *point)
{
    return json_array_size(get(point, "runs")) > 0;
}

/* How many points the grid has: the product of the axes' value counts. */
static size_t grid_points(const json_t *params)
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
static void format_exact(char out[32], double v)
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
static char *value_text(const json_t *v)
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
        format_exact(num, json_real_value(v));
        return strdup(num);
    }
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
}

/* ---- Which metrics the table shows ------------------------------------------------- */

static const char *const HEADLINE[] = {"latency_us.blackout.p99", "throughput.saves_per_s",
                                       "throughput.migrations_per_s"};

/* The metric of an SLO string: the text before the operator ("a.b.c < 5" -> "a.b.c"). */
static size_t slo_metric_len(const char *slo)
{
    size_t n = strcspn(slo, "<>=! \t");
    return n;
}

/* The SLO's operator and limit, as written: "< 300000". */
static const char *slo_rest(const char *slo)
{
    const char *r = slo + slo_metric_len(slo);
    return r + strspn(r, " \t");
}

static bool listed(const char *const *names, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return true;
    return false;
}

typedef struct metric_list {
    char **name;
    size_t n;
} metric_list;

static void metric_list_add(metric_list *m, const char *name, size_t len)
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

static void metric_list_free(metric_list *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->name[i]);
    free(m->name);
    *m = (metric_list){0};
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
    const char *op = slo_rest(slo);
    return (op[0] == '<' || op[0] == '>');
}

#define TABLE_METRICS_MAX 5

/* The metrics of the SLOs with a bound, in SLO order, then the headline metrics the sweep
 * collected, up to TABLE_METRICS_MAX; else its first three, so that a table never has
 * only the parameters. */
static metric_list table_metrics(const json_t *sweep)
{
    metric_list m = {0};
    size_t i;
    const json_t *v;
    json_array_foreach(get(sweep, "slos"), i, v)
        if (json_is_string(v) && slo_metric_len(json_string_value(v)) > 0 &&
            slo_is_bound(json_string_value(v)) && m.n < TABLE_METRICS_MAX)
            metric_list_add(&m, json_string_value(v), slo_metric_len(json_string_value(v)));
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

/* The table's cells, row-major, a header row first: params, metrics, "passed". */
typedef struct grid {
    char **cell;
    bool *all_passed; /* per row */
    size_t rows, cols, nparams;
    bool failed;
} grid;

static void grid_free(grid *g)
{
    for (size_t i = 0; g->cell && i < g->rows * g->cols; i++)
        free(g->cell[i]);
    free(g->cell);
    free(g->all_passed);
    *g = (grid){0};
}

static void grid_set(grid *g, size_t row, size_t col, char *owned)
{
    g->cell[row * g->cols + col] = owned;
    g->failed |= owned == NULL;
}

static void grid_fill_row(grid *g, size_t row, const json_t *pt, const metric_list *m,
                          const int *decimals)
{
    char text[80];
    for (size_t c = 0; c < g->nparams; c++)
        grid_set(g, row, c, value_text(json_array_get(get(pt, "params"), c)));
    for (size_t k = 0; k < m->n; k++) {
        format_cell(text, summary_of(pt, m->name[k]), decimals[k]);
        grid_set(g, row, g->nparams + k, strdup(text));
    }
    format_passed(text, pt, &g->all_passed[row]);
    grid_set(g, row, g->cols - 1, strdup(text));
}

static grid grid_build(const json_t *sweep, const metric_list *m)
{
    const json_t *params = get(sweep, "params"), *points = get(sweep, "points"), *pt;
    grid g = {.nparams = json_array_size(params), .rows = 1};
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
        return (grid){.failed = true};
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

static const char *grid_at(const grid *g, size_t row, size_t col)
{
    const char *s = g->cell[row * g->cols + col];
    return s ? s : "";
}

/* ---- Text table --------------------------------------------------------------------- */

/* Columns on a terminal: UTF-8 continuation bytes take none ("±" is one). */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_padded(FILE *out, const char *s, size_t width, bool left)
{
    size_t pad = width - display_width(s);
    if (!left)
        fprintf(out, "%*s", (int)pad, "");
    fputs(s, out);
    if (left)
        fprintf(out, "%*s", (int)pad, "");
}

/* Each column as wide as its widest cell; parameters read as labels, on the left,
 * numbers line up on the right. */
static void print_grid(FILE *out, const grid *g)
{
    size_t *width = calloc(g->cols, sizeof *width);
    if (!width) {
        fprintf(out, "vswitchsim: out of memory printing the sweep table\n");
        return;
    }
    for (size_t c = 0; c < g->cols; c++)
        for (size_t r = 0; r < g->rows; r++) {
            size_t w = display_width(grid_at(g, r, c));
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < g->rows; r++) {
        for (size_t c = 0; c < g->cols; c++) {
            fputs(c == 0 ? "  " : "   ", out);
            print_padded(out, grid_at(g, r, c), width[c], c < g->nparams);
        }
        fputc('\n', out);
    }
    free(width);
}

static void print_header(FILE *out, const json_t *sweep, size_t rows)
{
    size_t points = grid_points(get(sweep, "params"));
    fprintf(out, "sweep of %s: %zu point%s x %.0f rep%s, %g%% confidence\n", str(sweep, "name"),
            points, points == 1 ? "" : "s", num_or_nan(get(sweep, "reps")),
            num_or_nan(get(sweep, "reps")) == 1 ? "" : "s",
            num_or_nan(get(sweep, "confidence")) * 100);
    if (!json_is_true(get(sweep, "complete")))
        fprintf(out, "  INCOMPLETE: %zu of %zu points have runs\n", rows, points);
    fprintf(out, "\n");
}

void vs_sweep_print_table(FILE *out, const json_t *sweep)
{
    metric_list m = table_metrics(sweep);
    grid g = grid_build(sweep, &m);
    if (g.failed) {
        fprintf(out, "vswitchsim: out of memory printing the sweep table\n");
        grid_free(&g);
        metric_list_free(&m);
        return;
    }
    print_header(out, sweep, g.rows - 1);
    print_grid(out, &g);
    grid_free(&g);
    metric_list_free(&m);
}

/* ---- CSV ---------------------------------------------------------------------------- */

/* RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled. */
static void csv_field(vs_buf *b, const char *s, bool first)
{
    if (!first)
        vs_buf_puts(b, ",");
    if (!s[strcspn(s, ",\"\r\n")]) {
        vs_buf_puts(b, s);
        return;
    }
    vs_buf_puts(b, "\"");
    for (; *s; s++)
        vs_buf_puts(b, *s == '"' ? "\"\"" : (char[]){*s, '\0'});
    vs_buf_puts(b, "\"");
}

/* A number field: integers as integers, reals in the shortest exact form, null empty. */
static void csv_number(vs_buf *b, const json_t *v, bool first)
{
    char text[32] = "";
    if (json_is_integer(v))
        snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        format_exact(text, json_real_value(v));
    csv_field(b, text, first);
}

static const char *const CSV_STATS[] = {"mean", "half_width", "low", "high", "n"};
enum { NSTATS = sizeof CSV_STATS / sizeof CSV_STATS[0] };

static void csv_header(vs_buf *b, const json_t *sweep)
{
    size_t i;
    const json_t *v;
    bool first = true;
    json_array_foreach(get(sweep, "params"), i, v) {
        csv_field(b, str(v, "key"), first);
        first = false;
    }
    json_array_foreach(get(sweep, "metrics"), i, v)
        for (size_t s = 0; s < NSTATS; s++) {
            vs_buf col = {0};
            vs_buf_printf(&col, "%s_%s", json_string_value(v) ? json_string_value(v) : "",
                           CSV_STATS[s]);
            b->failed |= col.failed;
            csv_field(b, col.text ? col.text : "", first);
            first = false;
            vs_buf_free(&col);
        }
    csv_field(b, "runs", first);
    csv_field(b, "runs_passed", false);
    vs_buf_puts(b, "\n");
}

static void csv_row(vs_buf *b, const json_t *sweep, const json_t *pt)
{
    size_t nparams = json_array_size(get(sweep, "params")), i;
    const json_t *v;
    for (size_t c = 0; c < nparams; c++) {
        char *text = value_text(json_array_get(get(pt, "params"), c));
        csv_field(b, text ? text : "", c == 0);
        b->failed |= text == NULL;
        free(text);
    }
    bool first = nparams == 0;
    json_array_foreach(get(sweep, "metrics"), i, v)
        for (size_t s = 0; s < NSTATS; s++) {
            csv_number(b, get(summary_of(pt, json_string_value(v)), CSV_STATS[s]), first);
            first = false;
        }
    char runs[32];
    snprintf(runs, sizeof runs, "%zu", json_array_size(get(pt, "runs")));
    csv_field(b, runs, first);
    csv_number(b, get(pt, "runs_passed"), false);
    vs_buf_puts(b, "\n");
}

static int write_buf(vs_buf *b, const char *path, char err[VS_ERROR_MAX])
{
    int rc = b->failed ? -1 : vs_file_write_atomically(path, b->text ? b->text : "", err);
    if (b->failed)
        snprintf(err, VS_ERROR_MAX, "%s: out of memory", path);
    vs_buf_free(b);
    return rc;
}

int vs_sweep_write_csv(const json_t *sweep, const char *path, char err[VS_ERROR_MAX])
{
    vs_buf b = {0};
    size_t i;
    const json_t *pt;
    csv_header(&b, sweep);
    json_array_foreach(get(sweep, "points"), i, pt)
        if (has_runs(pt))
            csv_row(&b, sweep, pt);
    return write_buf(&b, path, err);
}

/* ---- HTML: charts ------------------------------------------------------------------- */

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

/* The x of each value of the first axis: the values when all are numbers, else their
 * index (and the chart names the ticks). A geometric axis (1, 2, 4, ... 64, what
 * "1..64:x2" gives) is drawn the same way, evenly spaced and labelled with its values:
 * a log scale with a tick at every value rather than at every decade. */
typedef struct xaxis {
    const json_t *values;
    size_t n;
    double *x;
    char **names; /* when not numeric */
} xaxis;

static void xaxis_free(xaxis *a)
{
    for (size_t i = 0; a->names && i < a->n; i++)
        free(a->names[i]);
    free(a->names);
    free(a->x);
    *a = (xaxis){0};
}

static bool geometric(const json_t *values)
{
    size_t n = json_array_size(values);
    if (n < 3 || n > VS_CHART_MAX_NAMES) /* more would get numeric ticks */
        return false;
    double first = json_number_value(json_array_get(values, 0));
    double ratio = json_number_value(json_array_get(values, 1)) / first;
    if (!(first > 0) || !(ratio > 1.5) || !isfinite(ratio))
        return false;
    for (size_t i = 1; i < n; i++) {
        double r = json_number_value(json_array_get(values, i)) /
                   json_number_value(json_array_get(values, i - 1));
        if (fabs(r - ratio) > 1e-6 * ratio)
            return false;
    }
    return true;
}

static bool xaxis_init(xaxis *a, const json_t *sweep)
{
    const json_t *v;
    size_t i;
    bool by_value = true; /* x = the value, else the index */
    *a = (xaxis){.values = get(json_array_get(get(sweep, "params"), 0), "values")};
    a->n = json_array_size(a->values);
    a->x = calloc(a->n ? a->n : 1, sizeof *a->x);
    if (!a->x)
        return false;
    json_array_foreach(a->values, i, v)
        by_value &= json_is_number(v);
    by_value &= !geometric(a->values);
    json_array_foreach(a->values, i, v)
        a->x[i] = by_value ? json_number_value(v) : (double)i;
    if (by_value)
        return true;
    a->names = calloc(a->n, sizeof *a->names);
    for (i = 0; a->names && i < a->n; i++)
        if (!(a->names[i] = value_text(json_array_get(a->values, i))))
            return false;
    return a->names != NULL;
}

static size_t xaxis_slot(const xaxis *a, const json_t *value)
{
    for (size_t i = 0; i < a->n; i++)
        if (json_equal((json_t *)json_array_get(a->values, i), (json_t *)value))
            return i;
    return a->n;
}

/* One line per combination of the other axes, in the order the grid meets them; each
 * has one slot per value of the first axis (NAN until a point fills it). */
typedef struct line {
    char *key;  /* compact JSON of the other axes' values: the identity */
    char *name; /* "k2=v, k3=w" */
    double *x, *y, *lo, *hi;
} line;

typedef struct lineset {
    line *l;
    size_t n, slots;
    bool failed;
} lineset;

static void lineset_free(lineset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->l[i].key);
        free(s->l[i].name);
        free(s->l[i].x);
    }
    free(s->l);
    *s = (lineset){0};
}

/* "k2=v, k3=w" for a point's values on axes 1..; the metric's "mean" with one axis. */
static char *line_name(const json_t *sweep, const json_t *pt)
{
    const json_t *params = get(sweep, "params");
    vs_buf b = {0};
    for (size_t c = 1; c < json_array_size(params); c++) {
        char *v = value_text(json_array_get(get(pt, "params"), c));
        vs_buf_printf(&b, "%s%s=%s", c > 1 ? ", " : "", str(json_array_get(params, c), "key"),
                       v ? v : "");
        b.failed |= v == NULL;
        free(v);
    }
    if (json_array_size(params) <= 1)
        vs_buf_puts(&b, "mean");
    if (b.failed)
        vs_buf_free(&b);
    return b.text;
}

static line *lineset_find(lineset *s, const json_t *sweep, const json_t *pt)
{
    json_t *rest = json_array();
    for (size_t c = 1; rest && c < json_array_size(get(pt, "params")); c++)
        json_array_append(rest, json_array_get(get(pt, "params"), c));
    char *key = rest ? json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(rest);
    for (size_t i = 0; key && i < s->n; i++)
        if (strcmp(s->l[i].key, key) == 0) {
            free(key);
            return &s->l[i];
        }
    line *grown = key ? realloc(s->l, (s->n + 1) * sizeof *grown) : NULL;
    double *xy = grown ? malloc(4 * (s->slots ? s->slots : 1) * sizeof *xy) : NULL;
    char *name = xy ? line_name(sweep, pt) : NULL;
    if (grown)
        s->l = grown;
    if (!name) {
        free(key);
        free(xy);
        s->failed = true;
        return NULL;
    }
    for (size_t k = 0; k < 4 * s->slots; k++)
        xy[k] = NAN;
    s->l[s->n] = (line){.key = key, .name = name, .x = xy, .y = xy + s->slots,
                        .lo = xy + 2 * s->slots, .hi = xy + 3 * s->slots};
    return &s->l[s->n++];
}

static lineset lines_of(const json_t *sweep, const xaxis *a, const char *metric)
{
    lineset s = {.slots = a->n};
    const json_t *pt;
    size_t i;
    json_array_foreach(get(sweep, "points"), i, pt) {
        size_t slot = xaxis_slot(a, json_array_get(get(pt, "params"), 0));
        if (!has_runs(pt) || slot >= a->n)
            continue;
        line *l = lineset_find(&s, sweep, pt);
        if (!l)
            break;
        const json_t *sum = summary_of(pt, metric);
        l->x[slot] = a->x[slot];
        l->y[slot] = num_or_nan(get(sum, "mean"));
        l->lo[slot] = num_or_nan(get(sum, "low"));
        l->hi[slot] = num_or_nan(get(sum, "high"));
    }
    return s;
}

/* The slots in increasing x, so that a line never doubles back when the axis lists its
 * values out of order. */
static size_t *x_order(const xaxis *a)
{
    size_t *order = malloc((a->n ? a->n : 1) * sizeof *order);
    for (size_t i = 0; order && i < a->n; i++) {
        size_t j = i;
        for (; j > 0 && a->x[order[j - 1]] > a->x[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    return order;
}

static void permute(double *v, const size_t *order, size_t n, double *tmp)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = v[order[i]];
    memcpy(v, tmp, n * sizeof *v);
}

static void sort_lines(lineset *s, const xaxis *a)
{
    size_t *order = x_order(a);
    double *tmp = malloc((a->n ? a->n : 1) * sizeof *tmp);
    for (size_t i = 0; order && tmp && i < s->n; i++) {
        permute(s->l[i].x, order, a->n, tmp);
        permute(s->l[i].y, order, a->n, tmp);
        permute(s->l[i].lo, order, a->n, tmp);
        permute(s->l[i].hi, order, a->n, tmp);
    }
    s->failed |= !order || !tmp;
    free(order);
    free(tmp);
}

/* The limits of the SLOs on this metric, drawn as lines: "SLO < 300000". */
static size_t slo_thresholds(const json_t *sweep, const char *metric, vs_threshold *t,
                             char (*label)[96], size_t max)
{
    size_t i, n = 0;
    const json_t *v;
    json_array_foreach(get(sweep, "slos"), i, v) {
        const char *slo = json_string_value(v);
        if (!slo || n == max || slo_metric_len(slo) != strlen(metric) ||
            strncmp(slo, metric, strlen(metric)) != 0)
            continue;
        const char *rest = slo_rest(slo);
        const char *limit = rest + strspn(rest, "<>=!");
        char *end;
        double y = strtod(limit, &end);
        if (end == limit || end[strspn(end, " \t")] != '\0' || !isfinite(y))
            continue;
        snprintf(label[n], sizeof label[n], "SLO %s", rest);
        t[n] = (vs_threshold){.y = y, .label = label[n]};
        n++;
    }
    return n;
}

enum { MAX_THRESHOLDS = 4 };

static void chart_metric(vs_buf *b, const json_t *sweep, const xaxis *a, const char *metric)
{
    lineset s = lines_of(sweep, a, metric);
    sort_lines(&s, a);
    vs_series *series = calloc(s.n ? s.n : 1, sizeof *series);
    if (s.failed || !series) {
        b->failed = true;
        free(series);
        lineset_free(&s);
        return;
    }
    for (size_t i = 0; i < s.n; i++)
        series[i] = (vs_series){.name = s.l[i].name, .x = s.l[i].x, .y = s.l[i].y, .n = a->n,
                                 .ylo = s.l[i].lo, .yhi = s.l[i].hi};
    vs_threshold t[MAX_THRESHOLDS];
    char label[MAX_THRESHOLDS][96];
    char note[128];
    snprintf(note, sizeof note, "mean of the runs at each point; bars: its %g%% confidence "
             "interval", num_or_nan(get(sweep, "confidence")) * 100);
    const char *xkey = str(json_array_get(get(sweep, "params"), 0), "key");
    vs_svg_chart(b, &(vs_chart){
        .id = metric, .title = metric, .note = note,
        .empty = "no data: no point has a value for this metric yet",
        .x = {xkey, a->names ? VS_SCALE_LINEAR : VS_SCALE_AUTO},
        .y = {metric, VS_SCALE_AUTO},
        .series = series, .nseries = s.n,
        .thresholds = t, .nthresholds = slo_thresholds(sweep, metric, t, label, MAX_THRESHOLDS),
        .xnames = (const char *const *)a->names, .nxnames = a->names ? a->n : 0});
    free(series);
    lineset_free(&s);
}

static void write_charts(vs_buf *b, const json_t *sweep)
{
    xaxis a;
    size_t i;
    const json_t *m;
    vs_buf_puts(b, "<h2>Charts</h2>\n");
    if (json_array_size(get(sweep, "params")) == 0) {
        vs_buf_puts(b, "<p class=\"none\">The sweep has no parameters to chart.</p>\n");
        return;
    }
    if (!xaxis_init(&a, sweep)) {
        b->failed = true;
        xaxis_free(&a);
        return;
    }
    vs_buf_puts(b, "<section class=\"charts\">\n");
    json_array_foreach(get(sweep, "metrics"), i, m)
        if (json_is_string(m))
            chart_metric(b, sweep, &a, json_string_value(m));
    vs_buf_puts(b, "</section>\n");
    xaxis_free(&a);
}

/* ---- HTML: the page ----------------------------------------------------------------- */

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
    size_t points = grid_points(get(sweep, "params")), done = 0, i;
    const json_t *pt;
    json_array_foreach(get(sweep, "points"), i, pt)
        done += has_runs(pt);
    vs_buf_puts(b, "<header>\n<h1>vswitchsim ");
    vs_html_escape(b, kind_of(sweep));
    vs_buf_puts(b, ": <span class=\"scenario\">");
    vs_html_escape(b, str(sweep, "name"));
    vs_buf_puts(b, "</span></h1>\n<p class=\"meta\">");
    vs_html_escape(b, str(sweep, "scenario"));
    vs_buf_printf(b, " &middot; seed %.0f &middot; %zu point%s &times; %.0f rep%s &middot; "
                   "%g%% confidence intervals</p>\n", num_or_nan(get(sweep, "seed")), points,
                   points == 1 ? "" : "s", num_or_nan(get(sweep, "reps")),
                   num_or_nan(get(sweep, "reps")) == 1 ? "" : "s",
                   num_or_nan(get(sweep, "confidence")) * 100);
    if (!json_is_true(get(sweep, "complete")))
        vs_buf_printf(b, "<p class=\"meta warn\">Incomplete: %zu of %zu points have runs."
                       "</p>\n", done, points);
    vs_buf_puts(b, "</header>\n");
}

/* The text table's cells as an HTML table; a point where not every run passed is red. */
static void write_table(vs_buf *b, const json_t *sweep)
{
    metric_list m = table_metrics(sweep);
    grid g = grid_build(sweep, &m);
    vs_buf_puts(b, "<h2>Points</h2>\n");
    b->failed |= g.failed;
    if (g.failed || g.rows == 1) {
        vs_buf_puts(b, "<p class=\"none\">No point has finished a run yet.</p>\n");
        grid_free(&g);
        metric_list_free(&m);
        return;
    }
    /* Wide grids scroll inside their box, not the page. */
    vs_buf_puts(b, "<div class=\"scroll\"><table class=\"sweep\">\n");
    for (size_t r = 0; r < g.rows; r++) {
        vs_buf_puts(b, "<tr>");
        for (size_t c = 0; c < g.cols; c++) {
            const char *s = grid_at(&g, r, c);
            bool all = c + 1 < g.cols || r == 0 || g.all_passed[r];
            vs_buf_printf(b, "<%s class=\"%s%s\">", r ? "td" : "th",
                           c < g.nparams ? "text" : "num", all ? "" : " fail");
            vs_html_escape(b, s);
            vs_buf_printf(b, "</%s>", r ? "td" : "th");
        }
        vs_buf_puts(b, "</tr>\n");
    }
    vs_buf_puts(b, "</table></div>\n");
    grid_free(&g);
    metric_list_free(&m);
}

int vs_sweep_write_html(const json_t *sweep, const char *path, char err[VS_ERROR_MAX])
{
    vs_buf b = {0};
    write_head(&b, sweep);
    write_header(&b, sweep);
    write_table(&b, sweep);
    write_charts(&b, sweep);
    vs_html_close(&b, "Written by vswitchsim from the sweep's JSON results: each point's "
                      "runs are replications with their own seeds; times and latencies are "
                      "simulated.");
    return write_buf(&b, path, err);
}
