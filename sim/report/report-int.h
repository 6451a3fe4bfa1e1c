/*
 * report-int.h: what the report's files share while building one report.
 */
#ifndef VS_REPORT_INT_H
#define VS_REPORT_INT_H

#include "base/buf.h"
#include "report/report.h"

typedef struct vs__report_ctx {
    const vs_config *cfg;
    const vs_stats *st;
    const vs_run_info *info;
    uint64_t measured_ns; /* the time totals cover: from warm-up's end to the end */
} vs__report_ctx;

json_t *vs__report_latency(const vs__report_ctx *rc, const vs_hist *h);
json_t *vs__report_latencies(const vs__report_ctx *rc, const vs_hist *h, const int *which,
                             size_t n);
/* The time series: {interval_s, columns, rows}. */
json_t *vs__report_timeseries(const vs_stats *st);
/* host_series: each host's migrations over time, a drain's (stats.h vs_host_series):
 * {bucket_s, t_s: [bucket ends], migrations_mean: [per host: [per bucket]]}. */
json_t *vs__report_host_series(const vs_stats *st);
/* hosts: peaks, and per host its counts and (when kept) its latencies. */
json_t *vs__report_hosts(const vs__report_ctx *rc);

/* The HTML page's charts (html_charts.c): latency percentiles per callout (pending
 * completion, callback), throughput and in flight over time, the blackout distribution,
 * the blackout by part and the blackout per interval. Each chart draws what the report
 * has, or says it has none. */
void vs__html_charts(vs_buf *b, const json_t *report);

/* A drain's charts: migrations waiting for a slot over time, the slot wait's percentiles
 * and per interval, and each host's migrations at once over time (lines for a few hosts,
 * a heat map for many), from timeseries and host_series. */
void vs__html_drain_charts(vs_buf *b, const json_t *report);

#endif /* VS_REPORT_INT_H */
