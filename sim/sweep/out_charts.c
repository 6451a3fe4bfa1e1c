/*
 * out_charts.c: the sweep page's charts (out_html.c): per metric, its mean against the
 * first parameter with confidence-interval bars, one line per combination of the other
 * parameters, and the metric's SLO limits, drawn by render/svg.c.
 */
#include "sweep/out-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"
#include "render/units.h"

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
        if (!(a->names[i] = vs__value_text(json_array_get(a->values, i))))
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
        char *v = vs__value_text(json_array_get(get(pt, "params"), c));
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
    s->l[s->n] = (line){.key = key,
                        .name = name,
                        .x = xy,
                        .y = xy + s->slots,
                        .lo = xy + 2 * s->slots,
                        .hi = xy + 3 * s->slots};
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
        if (!slo || n == max || vs__slo_metric_len(slo) != strlen(metric) ||
            strncmp(slo, metric, strlen(metric)) != 0)
            continue;
        const char *rest = vs__slo_rest(slo);
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
        series[i] = (vs_series){.name = s.l[i].name,
                                .x = s.l[i].x,
                                .y = s.l[i].y,
                                .n = a->n,
                                .ylo = s.l[i].lo,
                                .yhi = s.l[i].hi};
    vs_threshold t[MAX_THRESHOLDS];
    char label[MAX_THRESHOLDS][96];
    char note[128];
    snprintf(note, sizeof note,
             "mean of the runs at each point; bars: its %g%% confidence "
             "interval",
             num_or_nan(get(sweep, "confidence")) * 100);
    /* Every axis names its metric and unit; times read in the unit that suits them. */
    const char *xkey = str(json_array_get(get(sweep, "params"), 0), "key");
    bool us = strcmp(vs_unit_of_name(metric), "µs") == 0;
    char xtitle[256], ytitle[256];
    snprintf(xtitle, sizeof xtitle, "%s (%s)", xkey, vs_unit_of_name(xkey));
    snprintf(ytitle, sizeof ytitle, us ? "%s" : "%s (%s)", metric, vs_unit_of_name(metric));
    vs_svg_chart(
        b, &(vs_chart){.id = metric,
                       .title = metric,
                       .note = note,
                       .empty = "no data: no point has a value for this metric yet",
                       .x = {xtitle, a->names ? VS_SCALE_LINEAR : VS_SCALE_AUTO, VS_UNIT_NONE},
                       .y = {ytitle, VS_SCALE_AUTO, us ? VS_UNIT_US : VS_UNIT_NONE},
                       .series = series,
                       .nseries = s.n,
                       .thresholds = t,
                       .nthresholds = slo_thresholds(sweep, metric, t, label, MAX_THRESHOLDS),
                       .xnames = (const char *const *)a->names,
                       .nxnames = a->names ? a->n : 0});
    free(series);
    lineset_free(&s);
}

void vs__sweep_charts(vs_buf *b, const json_t *sweep)
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
