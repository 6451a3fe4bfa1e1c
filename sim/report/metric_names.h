/*
 * metric_names.h: the numbers a report carries, by dotted path, for SLOs to name.
 */
#ifndef VS_METRIC_NAMES_H
#define VS_METRIC_NAMES_H

#include <stdbool.h>

/* True when `path` names a number in the report (e.g. "saves.failed",
 * "latency_us.pending_completion.p99", "throughput.saves_per_s"). */
bool vs_report_metric_known(const char *path);
/* The same, telling out of memory apart: 1 known, 0 not, -1 out of memory. */
int vs_report_metric_check(const char *path);

#endif /* VS_METRIC_NAMES_H */
