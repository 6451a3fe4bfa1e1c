/*
 * series_json.c: the parts of the report that are tables: the time series (one row per
 * interval) and the hosts (one entry per host).
 */
#include <math.h>

#include "report/report-int.h"

json_t *vs__report_timeseries(const vs_stats *st)
{
    const vs_timeseries *ts = &st->series;
    json_t *columns = json_array(), *rows = json_array();
    for (int c = 0; columns && c < VS_TS_COLUMNS; c++)
        json_array_append_new(columns, json_string(vs_ts_column_names[c]));
    for (size_t r = 0; rows && r < ts->nrows; r++) {
        json_t *row = json_array();
        for (int c = 0; row && c < VS_TS_COLUMNS; c++)
            json_array_append_new(row, json_real(ts->rows[r * VS_TS_COLUMNS + c]));
        json_array_append_new(rows, row);
    }
    /* clang-format off */
    return json_pack("{s:f, s:o, s:o}", "interval_s", (double)ts->interval_ns / 1e9, "columns",
                     columns, "rows", rows);
    /* clang-format on */
}

/* Three decimals of a mean number of migrations: 96 numbers a host stay short. */
static json_t *rounded(double v)
{
    return json_real(round(v * 1000) / 1000);
}

json_t *vs__report_host_series(const vs_stats *st)
{
    const vs_host_series *hs = &st->host_series;
    json_t *t = json_array(), *hosts = json_array();
    for (size_t b = 0; t && b < hs->nbuckets; b++) {
        uint64_t end = b + 1 == hs->nbuckets ? hs->end_ns : (b + 1) * hs->bucket_ns;
        json_array_append_new(t, json_real((double)end / 1e9));
    }
    for (uint32_t h = 0; hosts && h < hs->nhosts; h++) {
        json_t *row = json_array();
        for (size_t b = 0; row && b < hs->nbuckets; b++)
            json_array_append_new(row, rounded(vs_host_series_mean(hs, h, b)));
        json_array_append_new(hosts, row);
    }
    /* clang-format off */
    return json_pack("{s:f, s:o, s:o}", "bucket_s", (double)hs->bucket_ns / 1e9, "t_s", t,
                     "migrations_mean", hosts);
    /* clang-format on */
}

/* A host's latencies, when the scenario keeps them (metrics.per_host). */
static json_t *host_latencies(const vs__report_ctx *rc, uint32_t h)
{
    static const int lat[] = {VS_LAT_SAVE, VS_LAT_RESTORE, VS_LAT_BLACKOUT,
                              VS_LAT_PENDING_COMPLETION};
    if (!rc->st->host_latency || h >= rc->st->latency_hosts)
        return json_object();
    json_t *o = vs__report_latencies(rc, &rc->st->host_latency[(size_t)h * VS_LAT_COUNT], lat,
                                     sizeof lat / sizeof lat[0]);
    /* Per-host curves would only repeat what the percentiles say, at length. */
    const char *name;
    json_t *v;
    json_object_foreach(o, name, v)
        json_object_del(v, "curve");
    return o;
}

static json_t *host_json(const vs__report_ctx *rc, uint32_t h)
{
    const vs_host_stats *hs = &rc->st->hosts[h];
    /* clang-format off */
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:o}", "host", (json_int_t)h,
                     "migrations_peak", (json_int_t)hs->migrations_peak,
                     "migrations_out", (json_int_t)hs->migrations_out,
                     "migrations_in", (json_int_t)hs->migrations_in,
                     "vms_end", (json_int_t)hs->vms_end,
                     "cpu_queue_peak", (json_int_t)hs->cpu_queue_peak, "cpu_busy", hs->cpu_busy,
                     "link_out", hs->link_out, "link_in", hs->link_in,
                     "latency_us", host_latencies(rc, h));
    /* clang-format on */
}

json_t *vs__report_hosts(const vs__report_ctx *rc)
{
    const vs_stats *st = rc->st;
    uint32_t peak = 0, queue_peak = 0;
    double link_peak = 0;
    json_t *per_host = json_array();
    for (uint32_t h = 0; per_host && h < st->nhosts; h++) {
        const vs_host_stats *hs = &st->hosts[h];
        peak = hs->migrations_peak > peak ? hs->migrations_peak : peak;
        link_peak = hs->link_out > link_peak ? hs->link_out : link_peak;
        link_peak = hs->link_in > link_peak ? hs->link_in : link_peak;
        queue_peak = hs->cpu_queue_peak > queue_peak ? hs->cpu_queue_peak : queue_peak;
        json_array_append_new(per_host, host_json(rc, h));
    }
    /* clang-format off */
    return json_pack("{s:I, s:I, s:f, s:o}", "migrations_peak", (json_int_t)peak,
                     "cpu_queue_peak", (json_int_t)queue_peak, "link_busiest", link_peak,
                     "per_host", per_host);
    /* clang-format on */
}
