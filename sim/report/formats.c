/*
 * formats.c: the report in the other shapes tools read: the time series as CSV for
 * spreadsheets and plotting, and headline numbers as a CI benchmark tracker's array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "report/report.h"

int vs_report_write_csv(const json_t *report, const char *path, char err[VS_ERROR_MAX])
{
    const json_t *ts = json_object_get(report, "timeseries");
    const json_t *cols = json_object_get(ts, "columns"), *rows = json_object_get(ts, "rows");
    vs_buf b = {0};
    size_t i, j;
    const json_t *v, *row;
    json_array_foreach(cols, i, v)
        vs_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(v));
    vs_buf_puts(&b, "\n");
    json_array_foreach(rows, i, row) {
        json_array_foreach(row, j, v)
            vs_buf_printf(&b, "%s%.10g", j ? "," : "", json_number_value(v));
        vs_buf_puts(&b, "\n");
    }
    int rc = b.failed ? (snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), -1)
                      : vs_file_write_atomically(path, b.text ? b.text : "", err);
    vs_buf_free(&b);
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
        /* clang-format off */
        json_array_append_new(a, json_pack("{s:s, s:s, s:f}", "name", name, "unit",
                                           BENCH[i].unit, "value", v));
        /* clang-format on */
    }
    char *text = a ? json_dumps(a, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(a);
    if (!text)
        return snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), -1;
    int rc = vs_file_write_atomically(path, text, err);
    free(text);
    return rc;
}
