/*
 * metric_names.h: the numbers a report carries, by dotted path, for SLOs, sweeps and
 * plans to name. A table, so that the scenario loader checks a name without building a
 * report; tests/unit/test-report.c proves it names exactly the numbers an empty report
 * holds (per-plugin and per-host sections aside), so the two cannot drift.
 */
#ifndef VS_CONFIG_METRIC_NAMES_H
#define VS_CONFIG_METRIC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define VS_METRIC_NAME_MAX 96 /* the longest name, with its NUL, fits */

/* True when `path` names a number in every report (e.g. "saves.failed",
 * "latency_us.pending_completion.p99", "throughput.saves_per_s"). */
bool vs_metric_known(const char *path);

/* The i-th name of the catalogue into buf, for i from 0; false past the last. */
bool vs_metric_name(size_t i, char buf[VS_METRIC_NAME_MAX]);

#endif /* VS_CONFIG_METRIC_NAMES_H */
