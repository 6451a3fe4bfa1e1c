/*
 * plan_output.c: a plan's evidence as an HTML page (sweep_output.h): the values tried,
 * in increasing order, as a one-parameter sweep, so that the page draws each SLO
 * metric's mean against the value with its interval and the SLO line, as a sweep's page
 * does.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep_output.h"

static int by_value(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a, "value"));
    double y = json_number_value(json_object_get(*(json_t *const *)b, "value"));
    return (x > y) - (x < y);
}

/* The metric an SLO names: its text before the operator ("a.b < 5" -> "a.b"). */
static json_t *slo_metric(const json_t *slo)
{
    const char *text = json_string_value(slo);
    return text ? json_stringn(text, strcspn(text, "<>=! \t")) : NULL;
}

/* The SLOs' metrics, each once, in SLO order. */
static json_t *slo_metrics(const json_t *slos)
{
    json_t *metrics = json_array();
    size_t i, k;
    const json_t *slo;
    json_array_foreach(slos, i, slo) {
        json_t *m = slo_metric(slo);
        for (k = 0; m && k < json_array_size(metrics); k++)
            if (json_equal(json_array_get(metrics, k), m))
                break;
        if (m && k == json_array_size(metrics))
            json_array_append(metrics, m);
        json_decref(m);
    }
    return metrics;
}

/* One value tried as a sweep point: the first SLO on a metric gives its summary; its
 * "runs_passed" is all its runs when it passed, else none. */
static json_t *plan_point(const json_t *e, size_t index)
{
    json_t *summary = json_object(), *runs = json_array(), *s;
    size_t j;
    json_int_t nruns = json_integer_value(json_object_get(e, "runs"));
    for (json_int_t r = 0; r < nruns; r++)
        json_array_append_new(runs, json_null());
    json_array_foreach(json_object_get(e, "slos"), j, s) {
        json_t *metric = slo_metric(json_object_get(s, "slo"));
        if (metric && !json_object_get(summary, json_string_value(metric)))
            json_object_set(summary, json_string_value(metric), s);
        json_decref(metric);
    }
    const char *verdict = json_string_value(json_object_get(e, "verdict"));
    bool passed = verdict && strcmp(verdict, "pass") == 0;
    /* clang-format off */
    return json_pack("{s:I, s:[O], s:o, s:o, s:I}", "index", (json_int_t)index, "params",
                     json_object_get(e, "value"), "runs", runs, "summary", summary,
                     "runs_passed", passed ? nruns : 0);
    /* clang-format on */
}

static json_t *plan_as_sweep(const json_t *plan)
{
    const json_t *evals = json_object_get(plan, "evaluations");
    size_t n = json_array_size(evals);
    json_t **sorted = calloc(n + 1, sizeof *sorted), *values = json_array(), *points = json_array();
    for (size_t i = 0; sorted && i < n; i++)
        sorted[i] = json_array_get(evals, i);
    if (sorted)
        qsort(sorted, n, sizeof *sorted, by_value);
    for (size_t i = 0; sorted && i < n; i++) {
        json_array_append(values, json_object_get(sorted[i], "value"));
        json_array_append_new(points, plan_point(sorted[i], i));
    }
    free(sorted);
    /* clang-format off */
    return json_pack("{s:s, s:O, s:O, s:O, s:O, s:O, s:[{s:O, s:o}], s:o, s:O, s:O, s:o}",
                     "kind", "plan", "scenario", json_object_get(plan, "scenario"), "name",
                     json_object_get(plan, "name"), "seed", json_object_get(plan, "seed"), "reps",
                     json_object_get(plan, "reps"), "confidence",
                     json_object_get(plan, "confidence"), "params", "key",
                     json_object_get(plan, "param"), "values", values, "metrics",
                     slo_metrics(json_object_get(plan, "slos")), "slos",
                     json_object_get(plan, "slos"), "complete", json_object_get(plan, "complete"),
                     "points", points);
    /* clang-format on */
}

int vs_plan_write_html(const json_t *plan, const char *path, char err[VS_ERROR_MAX])
{
    json_t *page = plan_as_sweep(plan);
    int rc = page ? vs_sweep_write_html(page, path, err)
                  : (snprintf(err, VS_ERROR_MAX, "%s: the plan is incomplete", path), -1);
    json_decref(page);
    return rc;
}
