/*
 * report.h: the run's report as one JSON object (the stable keys of CONTRACT §5), the
 * SLO verdicts in it, the summary table drawn from it, and atomic file output.
 */
#ifndef VS_REPORT_H
#define VS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "base/error.h"
#include "config/config.h"
#include "model/stats.h"

typedef struct vs_run_info {
    uint64_t sim_time_ns;
    uint64_t events;
    double wall_time_s;
    bool interrupted;           /* stopped early by SIGINT or SIGTERM */
    uint64_t clock_overhead_ns; /* taken off each measured callback (vs_sim) */
    struct {                    /* a callout that crashed; plugin NULL when none */
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

/* How many violations the verifier found: verifier.total, or, in a report without it,
 * the length of verifier.violations (which keeps only each rule's first ones). */
uint64_t vs_report_violations(const json_t *report);

/* A run that did not finish, in lines for people ("CRASHED: plugin ... at 1.2 s
 * simulated", "INTERRUPTED: ...", "SNAPSHOT: statistics as of ..."), from the report's
 * crashed (with outside_callout, when a supervisor wrote it for a process that died),
 * interrupted and snapshot. Returns how many lines: 0 for a run that finished. */
#define VS_UNFINISHED_LINES 3
#define VS_UNFINISHED_MAX 320
int vs_report_unfinished(const json_t *report, char lines[VS_UNFINISHED_LINES][VS_UNFINISHED_MAX]);

/* The summary table, aligned, units in the headers. */
void vs_report_print_table(FILE *out, const json_t *report);

/* Writes the report to `path` ("-" for stdout) through a temporary file and rename, so
 * a reader never sees half a file. Returns -1 with a reason in err. */
int vs_report_write_json(const json_t *report, const char *path, char err[VS_ERROR_MAX]);

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
