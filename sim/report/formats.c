/*
 * formats.c: the report in the other shapes tools read: the time series as CSV for
 * spreadsheets and plotting, and headline numbers as a CI benchmark tracker's array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* A growable string, enough for CSV rows. */
typedef struct text_buf {
    char *s;
    size_t len, cap;
    bool failed;
} text_buf;

static void put(text_buf *b, const char *fmt, double v, const char *str)
{
    char tmp[64];
    int n = str ? snprintf(tmp, sizeof tmp, "%s", str) : snprintf(tmp, sizeof tmp, fmt, v);
    if (b->failed || n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, tmp, (size_t)n + 1);
    b->len += (size_t)n;
}

int vs_report_write_csv(const json_t *report, const char *path, char err[VS_ERROR_MAX])
{
    const json_t *ts = json_object_get(report, "timeseries");
    const json_t *cols = json_object_get(ts, "columns"), *rows = json_object_get(ts, "rows");
    text_buf b = {0};
    size_t i, j;
    const json_t *v, *row;
    json_array_foreach(cols, i, v)
        put(&b, NULL, 0, i ? "," : ""), put(&b, NULL, 0, json_string_value(v));
    put(&b, NULL, 0, "\n");
    json_array_foreach(rows, i, row) {
        json_array_foreach(row, j, v)
            put(&b, NULL, 0, j ? "," : ""), put(&b, "%.10g", json_number_value(v), NULL);
        put(&b, NULL, 0, "\n");
    }
    int rc = b.failed ? (snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), -1)
                      : vs_report_write_atomically(path, b.s ? b.s : "", err);
    free(b.s);
    return rc;
}

/* What a CI tracker follows, with the unit it is in. */
static const struct {
    const char *path, *unit;
} BENCH[] = {
    {"events_per_wall_s", "events/s"},
    {"throughput.migrations_per_s", "migrations/s"},
    {"throughput.saves_per_s", "saves/s"},
    {"latency_us.blackout.p99", "us"},
    {"latency_us.save.p99", "us"},
    {"latency_us.restore.p99", "us"},
    {"latency_us.pending_completion.p99", "us"},
    {"latency_us.slot_wait.p99", "us"},
    {"in_flight.pending_max", "completions"},
};

int vs_report_write_bench(const json_t *report, const char *path, char err[VS_ERROR_MAX])
{
    const char *scenario = json_string_value(json_object_get(report, "scenario"));
    json_t *a = json_array();
    for (size_t i = 0; a && i < sizeof BENCH / sizeof BENCH[0]; i++) {
        double v;
        char name[256];
        if (!vs_report_lookup(report, BENCH[i].path, &v))
            continue;
        snprintf(name, sizeof name, "%s: %s", scenario ? scenario : "", BENCH[i].path);
        json_array_append_new(a, json_pack("{s:s, s:s, s:f}", "name", name, "unit",
                                           BENCH[i].unit, "value", v));
    }
    char *text = a ? json_dumps(a, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(a);
    if (!text)
        return snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), -1;
    int rc = vs_report_write_atomically(path, text, err);
    free(text);
    return rc;
}
