/*
 * dist_json.c: a distribution from JSON: {"dist": kind, ...} or a bare string for a
 * constant. Every parameter is of one unit (a vs__sc_unit: durations, sizes or rates),
 * except lognormal's mu and sigma, which are of ln(base unit), and an empirical
 * distribution's samples, which may come from a CSV file of microseconds (durations only).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "scenario/scenario-int.h"

#define EMPIRICAL_MAX 1000000

static const char *const kind_names[] = {"constant",  "uniform",   "exponential",
                                         "lognormal", "empirical", NULL};

static const char *const *kind_keys(vs_dist_kind kind)
{
    static const char *const keys[][6] = {
        [VS_DIST_CONSTANT] = {"dist", "value", NULL},
        [VS_DIST_UNIFORM] = {"dist", "min", "max", NULL},
        [VS_DIST_EXPONENTIAL] = {"dist", "mean", NULL},
        [VS_DIST_LOGNORMAL] = {"dist", "mean", "p99", "mu", "sigma", NULL},
        [VS_DIST_EMPIRICAL] = {"dist", "values", "file", NULL},
    };
    return keys[kind];
}

/* obj[key], required, a string of unit u: the value in u's base unit. */
static int get(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, const char *key, bool positive,
               double *out)
{
    const json_t *v = json_object_get(obj, key);
    size_t old = vs__sc_push_key(sc, key);
    uint64_t ticks;
    if (!v)
        return vs__sc_fail(sc, NULL, "missing required key");
    if (vs__sc_quantity_value(sc, u, v, positive, &ticks) < 0)
        return -1;
    *out = (double)ticks / u->ticks_per_base;
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_constant(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    double v;
    if (get(sc, u, obj, "value", false, &v) < 0)
        return -1;
    vs_dist_constant(out, v);
    return 0;
}

static int parse_uniform(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    double lo, hi;
    if (get(sc, u, obj, "min", false, &lo) < 0 || get(sc, u, obj, "max", false, &hi) < 0)
        return -1;
    if (hi < lo) {
        vs__sc_push_key(sc, "max");
        return vs__sc_fail(sc, json_object_get(obj, "max"), "expected a %s >= min", u->name);
    }
    vs_dist_uniform(out, lo, hi);
    return 0;
}

static int parse_exponential(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    double mean;
    if (get(sc, u, obj, "mean", true, &mean) < 0)
        return -1;
    vs_dist_exponential(out, mean);
    return 0;
}

static int parse_lognormal_fit(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    double mean, p99;
    if (get(sc, u, obj, "mean", true, &mean) < 0 || get(sc, u, obj, "p99", true, &p99) < 0)
        return -1;
    if (vs_dist_lognormal_mean_p99(out, mean, p99) < 0)
        return vs__sc_fail(sc, obj,
                           "expected a lognormal's mean and p99 (mean < p99 <= "
                           "14.9 * mean)");
    return 0;
}

/* A draw is a whole number of base units in an int64 (vs_dist_sample), whatever the unit. */
static int parse_lognormal_mu_sigma(vs__sc *sc, const vs__sc_unit *u, const json_t *obj,
                                    vs_dist *out)
{
    const double ln_max = log((double)INT64_MAX);
    double mu = 0, sigma = 0;
    if (vs__sc_number(sc, obj, "mu", true, -ln_max, false, ln_max, false, &mu) < 0 ||
        vs__sc_number(sc, obj, "sigma", true, 0, false, 10, false, &sigma) < 0)
        return -1;
    if (mu + sigma * sigma / 2 > ln_max)
        return vs__sc_fail(sc, obj,
                           "expected a lognormal whose mean fits in int64 %s "
                           "(mu + sigma^2/2 <= %.4f)",
                           u->base, ln_max);
    vs_dist_lognormal(out, mu, sigma);
    return 0;
}

static int parse_lognormal(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    bool fit = json_object_get(obj, "mean") || json_object_get(obj, "p99");
    bool direct = json_object_get(obj, "mu") || json_object_get(obj, "sigma");
    if (fit && direct)
        return vs__sc_fail(sc, obj, "expected either mean and p99 or mu and sigma, not both");
    if (!fit && !direct)
        return vs__sc_fail(sc, obj, "expected either mean and p99 or mu and sigma");
    return fit ? parse_lognormal_fit(sc, u, obj, out) : parse_lognormal_mu_sigma(sc, u, obj, out);
}

static int parse_values(vs__sc *sc, const vs__sc_unit *u, const json_t *arr, double *values)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v) {
        size_t old = vs__sc_push_index(sc, i);
        uint64_t ticks;
        if (vs__sc_quantity_value(sc, u, v, false, &ticks) < 0)
            return -1;
        values[i] = (double)ticks / u->ticks_per_base;
        vs__sc_pop(sc, old);
    }
    return 0;
}

static int parse_empirical_values(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    const json_t *arr = json_object_get(obj, "values");
    size_t old = vs__sc_push_key(sc, "values");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n < 1 || n > EMPIRICAL_MAX)
        return vs__sc_fail(sc, arr, "expected an array of 1..%d %s", EMPIRICAL_MAX, u->plural);
    double *values = malloc(n * sizeof *values);
    if (!values)
        return vs__sc_oom(sc);
    int rc = parse_values(sc, u, arr, values);
    if (rc == 0 && vs_dist_empirical(out, values, n) < 0)
        rc = vs__sc_oom(sc);
    free(values);
    if (rc == 0)
        vs__sc_pop(sc, old);
    return rc;
}

/* One sample from the first column of a row, in microseconds; 0 for a header. */
static int sample_of(vs__sc *sc, const vs__csv *csv, double *ns)
{
    char got[VS__SC_GOT_MAX + 32];
    vs_time_t v;
    int rc = vs__csv_decimal(csv->fields[0], "us", &v);
    if (rc == -1 && csv->first)
        return 0;
    vs__csv_show(csv->fields[0], got, sizeof got);
    if (rc == -1)
        return vs__csv_fail(sc, csv, "expected a number of microseconds, got %s", got);
    if (rc == -3)
        return vs__csv_fail(sc, csv, "expected a number of microseconds >= 0, got %s", got);
    if (rc == -2)
        return vs__csv_fail(sc, csv, "expected at most %lld ns (292 years), got %s",
                            (long long)INT64_MAX, got);
    *ns = (double)v;
    return 1;
}

static int read_samples(vs__sc *sc, vs__csv *csv, double **values, size_t *n)
{
    size_t cap = 0;
    int rc;
    while ((rc = vs__csv_next(sc, csv)) == 1) {
        double ns = 0;
        int got = sample_of(sc, csv, &ns);
        if (got <= 0) {
            if (got < 0)
                return -1;
            continue;
        }
        if (*n == EMPIRICAL_MAX)
            return vs__csv_fail(sc, csv, "more than %d values", EMPIRICAL_MAX);
        if (VS_GROW(*values, cap, *n + 1) != 0)
            return vs__sc_oom(sc);
        (*values)[(*n)++] = ns;
    }
    if (rc == 0 && *n == 0)
        return vs__sc_fail(sc, NULL,
                           "%.200s: no values (one number of microseconds a line "
                           "expected)",
                           csv->name);
    return rc;
}

static int parse_empirical_file(vs__sc *sc, const json_t *obj, vs_dist *out)
{
    char *name = NULL;
    if (vs__sc_string(sc, obj, "file", NULL, VS__SC_STRING_MAX, &name) < 0)
        return -1;
    size_t old = vs__sc_push_key(sc, "file");
    double *values = NULL;
    size_t n = 0;
    vs__csv csv;
    int rc = name[0] ? 0 : vs__sc_fail(sc, json_object_get(obj, "file"), "expected a file name");
    if (rc == 0 && (rc = vs__csv_open(sc, name, &csv)) == 0) {
        rc = read_samples(sc, &csv, &values, &n);
        vs__csv_close(&csv);
    }
    if (rc == 0 && vs_dist_empirical(out, values, n) < 0)
        rc = vs__sc_oom(sc);
    free(values);
    free(name);
    if (rc == 0)
        vs__sc_pop(sc, old);
    return rc;
}

static int parse_empirical(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    const json_t *file = json_object_get(obj, "file");
    bool values = json_object_get(obj, "values");
    if (values && file)
        return vs__sc_fail(sc, obj, "expected either values or file, not both");
    if (!values && !file)
        return vs__sc_fail(sc, obj, "expected either values or file");
    if (file && !u->file) {
        vs__sc_push_key(sc, "file");
        return vs__sc_fail(sc, file,
                           "expected values: a file of samples (microseconds) is "
                           "for durations only, not %s",
                           u->plural);
    }
    return values ? parse_empirical_values(sc, u, obj, out) : parse_empirical_file(sc, obj, out);
}

static int parse_object(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, vs_dist *out)
{
    int kind;
    if (vs__sc_enum(sc, obj, "dist", kind_names, -1, &kind) < 0 ||
        vs__sc_check_keys(sc, obj, kind_keys((vs_dist_kind)kind)) < 0)
        return -1;
    switch ((vs_dist_kind)kind) {
    case VS_DIST_CONSTANT:
        return parse_constant(sc, u, obj, out);
    case VS_DIST_UNIFORM:
        return parse_uniform(sc, u, obj, out);
    case VS_DIST_EXPONENTIAL:
        return parse_exponential(sc, u, obj, out);
    case VS_DIST_LOGNORMAL:
        return parse_lognormal(sc, u, obj, out);
    case VS_DIST_EMPIRICAL:
        return parse_empirical(sc, u, obj, out);
    }
    return -1;
}

static int parse_dist(vs__sc *sc, const vs__sc_unit *u, const json_t *v, vs_dist *out)
{
    if (json_is_string(v)) {
        uint64_t ticks;
        if (vs__sc_quantity_value(sc, u, v, false, &ticks) < 0)
            return -1;
        vs_dist_constant(out, (double)ticks / u->ticks_per_base);
        return 0;
    }
    if (!json_is_object(v))
        return vs__sc_fail(sc, v,
                           "expected a distribution: {\"dist\": \"constant\", ...} "
                           "or a %s string",
                           u->name);
    return parse_object(sc, u, v, out);
}

int vs__sc_dist_of(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, const char *key,
                   const char *dflt, vs_dist *out)
{
    const json_t *v = json_object_get(obj, key);
    size_t old = vs__sc_push_key(sc, key);
    json_t *owned = NULL;
    if (!v)
        v = owned = json_loads(dflt, JSON_DECODE_ANY, NULL);
    int rc = parse_dist(sc, u, v, out);
    json_decref(owned);
    if (rc == 0)
        vs__sc_pop(sc, old);
    return rc;
}

int vs__sc_dist(vs__sc *sc, const json_t *obj, const char *key, const char *dflt, vs_dist *out)
{
    return vs__sc_dist_of(sc, &vs__sc_durations, obj, key, dflt, out);
}
