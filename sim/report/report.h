/*
 * report.h: the run's report as one JSON object (the stable keys of CONTRACT §5), the
 * SLO verdicts in it, the summary table drawn from it, and atomic file output.
 */
#ifndef VS_REPORT_H
#define VS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "model/config.h"
#include "model/stats.h"
#include "scenario/scenario.h"

typedef struct vs_run_info {
    uint64_t sim_time_ns;
    uint64_t events;
    double wall_time_s;
    bool interrupted;                /* stopped early by SIGINT or SIGTERM */
    struct {                         /* a callout that crashed; plugin NULL when none */
        const char *plugin, *callback, *signal;
        uint64_t sim_time_ns;
    } crashed;
} vs_run_info;

/* A new reference to the report, or NULL out of memory. */
json_t *vs_report_build(const vs_config *cfg, const vs_stats *st, const vs_run_info *info);

/* Evaluates cfg->slos against the report's numbers and stores the verdicts in its "slo"
 * array. Returns how many were breached. */
int vs_report_eval_slos(json_t *report, const vs_config *cfg);

/* "<", "<=", ">", ">=", "==" or "!=". */
const char *vs_slo_op_text(vs_slo_op op);

/* The number at a dotted path ("latency_us.save.p99"); false when there is none. */
bool vs_report_lookup(const json_t *report, const char *path, double *value);

/* The summary table, aligned, units in the headers. */
void vs_report_print_table(FILE *out, const json_t *report);

/* Writes the report to `path` ("-" for stdout) through a temporary file and rename, so
 * a reader never sees half a file. Returns -1 with a reason in err. */
int vs_report_write_json(const json_t *report, const char *path, char err[VS_ERROR_MAX]);

/* Writes text to path through a temporary file in the same folder, fsync and rename. */
int vs_report_write_atomically(const char *path, const char *text, char err[VS_ERROR_MAX]);

/* The time series as CSV: a header of column names, then one row per interval. */
int vs_report_write_csv(const json_t *report, const char *path, char err[VS_ERROR_MAX]);

/* The headline numbers as CI benchmark trackers read them: [{name, unit, value}]. */
int vs_report_write_bench(const json_t *report, const char *path, char err[VS_ERROR_MAX]);

/* Writes the report as a self-contained HTML page with inline SVG charts, through a
 * temporary file and rename like the JSON. Returns -1 with a reason in err. */
int vs_report_write_html(const json_t *report, const char *path, char err[VS_ERROR_MAX]);

/* Deterministic JSON text of the report (caller frees); NULL out of memory. */
char *vs_report_dumps(const json_t *report);

#endif /* VS_REPORT_H */
