/*
 * sweep_output.h: a sweep's results (the JSON below, what `vswitchsim sweep --json`
 * writes) as a summary table, CSV and an HTML page of charts, one file per format:
 * out_table.c, out_csv.c, out_html.c (with out_charts.c), and what they share in
 * out_common.c (out-int.h).
 *
 * {
 *   "kind": "sweep",               (the page's title says it: `plan --html` passes "plan")
 *   "scenario": "scenarios/x.json", "name": "x", "seed": 42,
 *   "reps": 3,                     replications asked per point
 *   "confidence": 0.95,
 *   "params":  [ {"key": "topology.hosts", "values": [1, 2, 4]}, ... ],  grid axes,
 *                                  the first slowest
 *   "metrics": [ "latency_us.blackout.p99", ... ],   report paths, in column order
 *   "slos":    [ "latency_us.blackout.p99 < 300000", ... ],  the scenario's, as text
 *   "fingerprint": "9f0c...",      what --resume checks (scenario, options, metrics)
 *   "complete": true,              false while running or after an interruption
 *   "points": [                    grid order; a point appears once any run finished
 *     { "index": 0,
 *       "params": [1],             one value per axis, in axis order
 *       "runs": [ {"rep": 0, "seed": 42, "exit": 0, "slo_breached": 0,
 *                  "violations": 0, "crashed": null,
 *                  "values": [812.5, ...]} ],       one per metric, null when absent;
 *                                  a failed run has "error" and no "values"
 *       "summary": { "latency_us.blackout.p99":
 *                      {"n": 3, "mean": ..., "stddev": ..., "half_width": ...,
 *                       "low": ..., "high": ..., "min": ..., "max": ...}, ... },
 *                                  (half_width/low/high null when n < 2)
 *       "runs_passed": 3           runs with exit 0 (every SLO held, no callout bug)
 *     }, ... ]
 * }
 */
#ifndef VS_SWEEP_OUTPUT_H
#define VS_SWEEP_OUTPUT_H

#include <stdio.h>

#include <jansson.h>

#include "base/error.h"

/* One row per point: the parameter values, "mean ± half-width" of the table's metrics
 * (those of the SLOs with a bound, < <= > >=, then the headline ones: blackout p99,
 * saves/s, migrations/s; five at most), runs passed / runs. */
void vs_sweep_print_table(FILE *out, const json_t *sweep);

/* One row per point: params..., then per metric mean, half_width, low, high, n. */
int vs_sweep_write_csv(const json_t *sweep, const char *path, char err[VS_ERROR_MAX]);

/* A self-contained page: per metric, a chart of its mean against the first parameter
 * with confidence-interval bars, one line per combination of the other parameters;
 * SLO limits drawn as a horizontal line. Written atomically. */
int vs_sweep_write_html(const json_t *sweep, const char *path, char err[VS_ERROR_MAX]);

/* A plan's document (`vswitchsim plan --json`, docs/sweep.md) as the same page: the
 * values tried in increasing order, each SLO metric's mean and interval against them,
 * the SLO lines (plan_output.c). */
int vs_plan_write_html(const json_t *plan, const char *path, char err[VS_ERROR_MAX]);

#endif /* VS_SWEEP_OUTPUT_H */
