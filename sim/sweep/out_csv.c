/*
 * out_csv.c: a sweep's results as CSV (sweep_output.h), every summary number of every
 * point with runs, exact and quoted as RFC 4180 says, since names are user text.
 */
#include "sweep/out-int.h"
#include "sweep/sweep_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        vs__format_exact(text, json_real_value(v));
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
        char *text = vs__value_text(json_array_get(get(pt, "params"), c));
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

int vs_sweep_write_csv(const json_t *sweep, const char *path, char err[VS_ERROR_MAX])
{
    vs_buf b = {0};
    size_t i;
    const json_t *pt;
    csv_header(&b, sweep);
    json_array_foreach(get(sweep, "points"), i, pt)
        if (has_runs(pt))
            csv_row(&b, sweep, pt);
    return vs__write_text(&b, path, err);
}
