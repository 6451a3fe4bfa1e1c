/*
 * metrics_json.c: the scenario's "metrics" section: histogram precision, the time
 * series' interval, warm-up, per-host histograms and extra percentiles.
 */
#include <stdlib.h>

#include "scenario/scenario-int.h"

#define MAX_PERCENTILES 16

static int parse_bool(vs__sc *sc, const json_t *obj, const char *key, int dflt, int *out)
{
    const json_t *v = json_object_get(obj, key);
    *out = dflt;
    if (!v)
        return 0;
    size_t old = vs__sc_push_key(sc, key);
    if (!json_is_boolean(v))
        return vs__sc_fail(sc, v, "expected true or false");
    *out = json_is_true(v);
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_percentiles(vs__sc *sc, const json_t *obj, vs_config *cfg)
{
    const json_t *arr = json_object_get(obj, "percentiles");
    if (!arr)
        return 0;
    size_t old = vs__sc_push_key(sc, "percentiles");
    if (!json_is_array(arr) || json_array_size(arr) > MAX_PERCENTILES)
        return vs__sc_fail(sc, arr, "expected an array of at most %d percentiles", MAX_PERCENTILES);
    cfg->metrics.percentiles = calloc(json_array_size(arr) + 1, sizeof(double));
    if (!cfg->metrics.percentiles)
        return vs__sc_oom(sc);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        double p = json_number_value(v);
        if (!json_is_number(v) || !(p > 0 && p < 100)) {
            vs__sc_push_index(sc, i);
            return vs__sc_fail(sc, v, "expected a percentile above 0 and below 100");
        }
        cfg->metrics.percentiles[cfg->metrics.npercentiles++] = p;
    }
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_metrics(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"histogram_rel_error", "interval", "warmup", "per_host",
                                       "percentiles",         NULL};
    const json_t *m;
    size_t old;
    cfg->metrics.histogram_rel_error = 0.01;
    if (vs__sc_enter(sc, root, "metrics", false, keys, &m, &old) < 0 ||
        vs__sc_number(sc, m, "histogram_rel_error", false, 0, true, 0.1, false,
                      &cfg->metrics.histogram_rel_error) < 0 ||
        vs__sc_duration(sc, m, "interval", false, "1s", 0, &cfg->metrics.interval) < 0 ||
        vs__sc_duration(sc, m, "warmup", false, "0s", 0, &cfg->metrics.warmup) < 0 ||
        parse_bool(sc, m, "per_host", -1, &cfg->metrics.per_host) < 0 ||
        parse_percentiles(sc, m, cfg) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}
