/*
 * out-int.h: what the sweep's output files share (sweep_output.h): reading the results
 * JSON, values as text, the metrics the table shows and its cells, which the terminal
 * table (out_table.c) and the HTML page (out_html.c) both lay out (out_common.c).
 */
#ifndef VS_SWEEP_OUT_INT_H
#define VS_SWEEP_OUT_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/error.h"

/* ---- Reading the results JSON ------------------------------------------------------- */

static inline json_t *get(const json_t *o, const char *key)
{
    return json_object_get(o, key);
}

static inline const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(get(o, key));
    return s ? s : "";
}

/* NAN for null or absent: the summary's way of saying "not enough runs". */
static inline double num_or_nan(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static inline const json_t *summary_of(const json_t *point, const char *metric)
{
    return get(get(point, "summary"), metric);
}

static inline bool has_runs(const json_t *point)
{
    return json_array_size(get(point, "runs")) > 0;
}

/* How many points the grid has: the product of the axes' value counts. */
size_t vs__grid_points(const json_t *params);

/* ---- Values as text ----------------------------------------------------------------- */

/* The shortest %.*g that reads back as the same double; whole numbers in full. */
void vs__format_exact(char out[32], double v);
/* A parameter value as a person wrote it. Caller frees; NULL only out of memory. */
char *vs__value_text(const json_t *v);

/* The metric of an SLO string, as a length: "a.b.c < 5" -> 5 ("a.b.c"). */
size_t vs__slo_metric_len(const char *slo);
/* The SLO's operator and limit, as written: "< 300000". */
const char *vs__slo_rest(const char *slo);

/* ---- The table's metrics and cells -------------------------------------------------- */

typedef struct vs__metric_list {
    char **name;
    size_t n;
} vs__metric_list;

/* The metrics the table shows (sweep_output.h says which). */
vs__metric_list vs__table_metrics(const json_t *sweep);
void vs__metric_list_free(vs__metric_list *m);

/* The table's cells, row-major, a header row first: params, metrics, "passed". */
typedef struct vs__grid {
    char **cell;
    bool *all_passed; /* per row */
    size_t rows, cols, nparams;
    bool failed;
} vs__grid;

/* One row per point with runs; `failed` set out of memory. */
vs__grid vs__grid_build(const json_t *sweep, const vs__metric_list *m);
void vs__grid_free(vs__grid *g);
/* A cell's text, "" for none. */
const char *vs__grid_at(const vs__grid *g, size_t row, size_t col);

/* ---- Files -------------------------------------------------------------------------- */

/* Writes b atomically to path and frees it; out of memory while writing b fails here. */
int vs__write_text(vs_buf *b, const char *path, char err[VS_ERROR_MAX]);

/* Appends the page's charts: one per metric against the first parameter (out_charts.c). */
void vs__sweep_charts(vs_buf *b, const json_t *sweep);

#endif /* VS_SWEEP_OUT_INT_H */
