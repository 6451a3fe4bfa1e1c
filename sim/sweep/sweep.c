/*
 * sweep.c: a sweep's runs and the document they make (sweep.h).
 */
#include "sweep/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/job.h"
#include "sweep/summary.h"

struct vs_sweep {
    json_t *header;  /* the document's fields before "complete" and "points" */
    json_t *metrics; /* array of paths, also in header */
    vs_axis *axes;   /* copies: keys and values shared by reference */
    size_t naxes, npoints, nrecorded;
    unsigned reps;
    uint64_t seed;
    double confidence;
    json_t **runs; /* npoints * reps results, NULL until recorded */
};

static json_t *axes_json(const vs_axis *axes, size_t naxes)
{
    json_t *params = json_array();
    for (size_t a = 0; params && a < naxes; a++) {
        json_t *values = json_array();
        for (size_t v = 0; values && v < axes[a].nvalues; v++)
            json_array_append(values, axes[a].values[v]);
        /* clang-format off */
        json_array_append_new(params, json_pack("{s:s, s:o}", "key", axes[a].key, "values",
                                                values));
        /* clang-format on */
    }
    return params;
}

static json_t *header_json(const vs_sweep_def *def, json_t *metrics)
{
    /* clang-format off */
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:f, s:o, s:O, s:O, s:s}", "kind", "sweep",
                     "scenario", def->scenario, "name", def->name, "seed",
                     (json_int_t)def->seed, "reps", (json_int_t)def->reps, "confidence",
                     def->confidence, "params", axes_json(def->axes, def->naxes), "metrics",
                     metrics, "slos", def->slos, "fingerprint", def->fingerprint);
    /* clang-format on */
}

/* Copies of the axes that share the values (references) and own their keys. */
static vs_axis *copy_axes(const vs_axis *axes, size_t n)
{
    vs_axis *copy = calloc(n ? n : 1, sizeof *copy);
    for (size_t a = 0; copy && a < n; a++) {
        copy[a].key = strdup(axes[a].key);
        copy[a].values = malloc(axes[a].nvalues * sizeof *copy[a].values);
        copy[a].nvalues = copy[a].values ? axes[a].nvalues : 0;
        for (size_t v = 0; v < copy[a].nvalues; v++)
            copy[a].values[v] = json_incref(axes[a].values[v]);
    }
    return copy;
}

vs_sweep *vs_sweep_new(const vs_sweep_def *def)
{
    vs_sweep *sw = calloc(1, sizeof *sw);
    if (!sw)
        return NULL;
    sw->metrics = json_array();
    for (size_t m = 0; sw->metrics && m < def->nmetrics; m++)
        json_array_append_new(sw->metrics, json_string(def->metrics[m]));
    sw->naxes = def->naxes;
    sw->npoints = vs_grid_size(def->axes, def->naxes);
    sw->reps = def->reps;
    sw->seed = def->seed;
    sw->confidence = def->confidence;
    sw->axes = copy_axes(def->axes, def->naxes);
    sw->runs = calloc(sw->npoints * def->reps + 1, sizeof *sw->runs);
    sw->header = sw->metrics ? header_json(def, sw->metrics) : NULL;
    if (!sw->header || !sw->axes || !sw->runs || sw->npoints == 0) {
        vs_sweep_free(sw);
        return NULL;
    }
    return sw;
}

void vs_sweep_free(vs_sweep *sw)
{
    if (!sw)
        return;
    for (size_t i = 0; sw->runs && i < sw->npoints * sw->reps; i++)
        json_decref(sw->runs[i]);
    free(sw->runs);
    for (size_t a = 0; sw->axes && a < sw->naxes; a++)
        vs_axis_free(&sw->axes[a]);
    free(sw->axes);
    json_decref(sw->metrics);
    json_decref(sw->header);
    free(sw);
}

size_t vs_sweep_points(const vs_sweep *sw)
{
    return sw->npoints;
}

unsigned vs_sweep_reps(const vs_sweep *sw)
{
    return sw->reps;
}

size_t vs_sweep_recorded(const vs_sweep *sw)
{
    return sw->nrecorded;
}

/* The values of point p, one per axis, as a new array. */
static json_t *point_params(const vs_sweep *sw, size_t p)
{
    size_t idx[sw->naxes + 1];
    vs_grid_point(sw->axes, sw->naxes, p, idx);
    json_t *params = json_array();
    for (size_t a = 0; params && a < sw->naxes; a++)
        json_array_append(params, sw->axes[a].values[idx[a]]);
    return params;
}

json_t *vs_sweep_job(const vs_sweep *sw, size_t point, unsigned rep)
{
    size_t idx[sw->naxes + 1];
    vs_grid_point(sw->axes, sw->naxes, point, idx);
    json_t *set = json_array();
    for (size_t a = 0; set && a < sw->naxes; a++)
        /* clang-format off */
        json_array_append_new(set, json_pack("[s, O]", sw->axes[a].key,
                                             sw->axes[a].values[idx[a]]));
    /* clang-format on */
    return json_pack("{s:o, s:I, s:O}", "set", set, "seed",
                     (json_int_t)vs_replication_seed(sw->seed, rep), "metrics", sw->metrics);
}

/* v rounded to 15 significant digits: printed with 15 digits and read back, it is the
 * same double, so that a document read back (resume) holds exactly the values that
 * were recorded, and the summaries come out the same. */
static json_t *round15(const json_t *v)
{
    char text[40];
    if (!json_is_real(v))
        return json_incref((json_t *)v);
    snprintf(text, sizeof text, "%.15g", json_real_value(v));
    return json_real(strtod(text, NULL));
}

static json_t *rounded_values(const json_t *values)
{
    json_t *out = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(values, i, v)
        json_array_append_new(out, round15(v));
    return out;
}

bool vs_sweep_has(const vs_sweep *sw, size_t point, unsigned rep)
{
    return sw->runs[point * sw->reps + rep] != NULL;
}

void vs_sweep_record(vs_sweep *sw, size_t point, unsigned rep, const json_t *result)
{
    json_t **slot = &sw->runs[point * sw->reps + rep];
    if (!*slot)
        sw->nrecorded++;
    json_decref(*slot);
    /* The run as the document lists it: rep and seed first, then the result. */
    *slot = json_pack("{s:I, s:I}", "rep", (json_int_t)rep, "seed",
                      (json_int_t)vs_replication_seed(sw->seed, rep));
    if (*slot)
        json_object_update(*slot, (json_t *)result);
    if (*slot && json_object_get(result, "values"))
        json_object_set_new(*slot, "values", rounded_values(json_object_get(result, "values")));
}

static int exit_rank(int code)
{
    static const int rank[] = {0, 3, 2, 1}; /* by exit code 0..3 */
    return code >= 0 && code <= 3 ? rank[code] : 3;
}

int vs_sweep_exit(const vs_sweep *sw)
{
    int worst = 0;
    for (size_t i = 0; i < sw->npoints * sw->reps; i++) {
        if (!sw->runs[i])
            continue;
        int code = (int)json_integer_value(json_object_get(sw->runs[i], "exit"));
        if (exit_rank(code) > exit_rank(worst))
            worst = code;
    }
    return worst;
}

static json_t *number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* Metric m's summary over the runs of point p that have a value for it. */
static json_t *metric_summary(const vs_sweep *sw, size_t p, size_t m)
{
    double x[sw->reps + 1];
    size_t n = 0;
    for (unsigned r = 0; r < sw->reps; r++) {
        const json_t *run = sw->runs[p * sw->reps + r];
        const json_t *v = run ? json_array_get(json_object_get(run, "values"), m) : NULL;
        if (json_is_number(v))
            x[n++] = json_number_value(v);
    }
    vs_summary s;
    vs_summarize(x, n, sw->confidence, &s);
    /* clang-format off */
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "n", (json_int_t)s.n, "mean",
                     number(s.mean), "stddev", number(s.stddev), "half_width",
                     number(s.half_width), "low", number(s.low), "high", number(s.high), "min",
                     number(s.min), "max", number(s.max));
    /* clang-format on */
}

/* Point p with its runs and summaries; NULL when no run of it is recorded. */
static json_t *point_json(const vs_sweep *sw, size_t p)
{
    json_t *runs = json_array(), *summary = json_object();
    json_int_t passed = 0;
    for (unsigned r = 0; r < sw->reps; r++) {
        json_t *run = sw->runs[p * sw->reps + r];
        if (run && json_array_append(runs, run) == 0)
            passed += json_integer_value(json_object_get(run, "exit")) == 0;
    }
    if (json_array_size(runs) == 0) {
        json_decref(runs);
        json_decref(summary);
        return NULL;
    }
    for (size_t m = 0; m < json_array_size(sw->metrics); m++)
        json_object_set_new(summary, json_string_value(json_array_get(sw->metrics, m)),
                            metric_summary(sw, p, m));
    /* clang-format off */
    return json_pack("{s:I, s:o, s:o, s:o, s:I}", "index", (json_int_t)p, "params",
                     point_params(sw, p), "runs", runs, "summary", summary, "runs_passed",
                     passed);
    /* clang-format on */
}

json_t *vs_sweep_document(const vs_sweep *sw, bool complete)
{
    json_t *doc = json_deep_copy(sw->header), *points = json_array();
    if (!doc || !points) {
        json_decref(doc);
        json_decref(points);
        return NULL;
    }
    for (size_t p = 0; p < sw->npoints; p++) {
        json_t *point = point_json(sw, p);
        if (point)
            json_array_append_new(points, point);
    }
    json_object_set_new(doc, "complete", json_boolean(complete));
    json_object_set_new(doc, "points", points);
    return doc;
}

/* The grid's points by the compact text of their parameter values. */
static json_t *index_by_params(const vs_sweep *sw)
{
    json_t *index = json_object();
    for (size_t p = 0; index && p < sw->npoints; p++) {
        json_t *params = point_params(sw, p);
        char *key = json_dumps(params, JSON_COMPACT | JSON_ENCODE_ANY);
        if (key)
            json_object_set_new(index, key, json_integer((json_int_t)p));
        free(key);
        json_decref(params);
    }
    return index;
}

/* Takes old point's runs that this sweep would make the same way. */
static long take_runs(vs_sweep *sw, size_t p, const json_t *runs)
{
    long taken = 0;
    size_t i;
    const json_t *run;
    json_array_foreach(runs, i, run) {
        json_int_t rep = json_integer_value(json_object_get(run, "rep"));
        json_int_t seed = json_integer_value(json_object_get(run, "seed"));
        if (rep < 0 || rep >= (json_int_t)sw->reps || vs_sweep_has(sw, p, (unsigned)rep) ||
            seed != (json_int_t)vs_replication_seed(sw->seed, (unsigned)rep) ||
            !json_is_integer(json_object_get(run, "exit")))
            continue;
        sw->runs[p * sw->reps + (size_t)rep] = json_deep_copy(run);
        sw->nrecorded++;
        taken++;
    }
    return taken;
}

long vs_sweep_resume(vs_sweep *sw, const json_t *old, char why[VS_ERROR_MAX])
{
    const char *mine = json_string_value(json_object_get(sw->header, "fingerprint"));
    const char *theirs = json_string_value(json_object_get(old, "fingerprint"));
    if (!json_is_object(old) || !theirs ||
        strcmp(json_string_value(json_object_get(old, "kind")) ?: "", "sweep") != 0)
        return snprintf(why, VS_ERROR_MAX,
                        "not a sweep's output (no \"kind\": \"sweep\" "
                        "and \"fingerprint\")"),
               -1;
    if (strcmp(mine, theirs) != 0)
        return snprintf(why, VS_ERROR_MAX,
                        "it is the output of another sweep (the scenario, "
                        "its --set or --seed options, the metrics or the version differ: "
                        "fingerprint %s, this sweep's %s)",
                        theirs, mine),
               -1;
    json_t *index = index_by_params(sw);
    if (!index)
        return snprintf(why, VS_ERROR_MAX, "out of memory"), -1;
    long taken = 0;
    size_t i;
    const json_t *point;
    json_array_foreach(json_object_get(old, "points"), i, point) {
        char *key = json_dumps(json_object_get(point, "params"), JSON_COMPACT | JSON_ENCODE_ANY);
        const json_t *p = key ? json_object_get(index, key) : NULL;
        if (p)
            taken += take_runs(sw, (size_t)json_integer_value(p), json_object_get(point, "runs"));
        free(key);
    }
    json_decref(index);
    return taken;
}
