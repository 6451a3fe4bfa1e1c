/*
 * sweep_json.c: the scenario's "sweep" section, what `vswitchsim sweep` runs when no
 * --param is given (and what `plan` may take its parameter's range from):
 *
 *   "sweep": { "params": { "topology.hosts": "1..64:x2", "workload.rate_per_s": [1, 2] },
 *              "reps": 5, "metrics": ["latency_us.save.p99"], "confidence": 0.95 }
 *
 * `run` ignores it. Validated here, with the same rules as --param, and kept in
 * cfg->sweep (config.h) for the sweep command to read: each parameter's values as JSON
 * text, which the sweep reads back with vs_axis_from_json.
 */
#include <stdlib.h>
#include <string.h>

#include "config/metric_names.h"
#include "scenario/param.h"
#include "scenario/scenario-int.h"

#define MAX_PARAMS 16
#define MAX_REPS 100000

static int check_params(vs__sc *sc, const json_t *params, vs_sweep_section *sw)
{
    if (!params)
        return vs__sc_fail(sc, NULL, "missing required key");
    if (!json_is_object(params) || json_object_size(params) == 0 ||
        json_object_size(params) > MAX_PARAMS)
        return vs__sc_fail(sc, params,
                           "expected an object of 1..%d members, each a --set path "
                           "and its values",
                           MAX_PARAMS);
    sw->params = calloc(json_object_size(params), sizeof *sw->params);
    if (!sw->params)
        return vs__sc_oom(sc);
    const char *key;
    json_t *values;
    json_object_foreach((json_t *)params, key, values) {
        char why[VS_ERROR_MAX];
        vs_axis axis;
        size_t at = vs__sc_push_key(sc, key);
        if (strcmp(key, "seed") == 0)
            return vs__sc_fail(sc, NULL,
                               "the seed is not swept: replications (\"reps\") "
                               "each get their own");
        if (vs_axis_from_json(key, values, &axis, why) != 0)
            /* why quotes a string (the list syntax) already */
            return vs__sc_fail(sc, json_is_string(values) ? NULL : values, "%s", why);
        vs_axis_free(&axis);
        vs_sweep_param *p = &sw->params[sw->nparams];
        p->key = strdup(key);
        p->values = json_dumps(values, JSON_COMPACT | JSON_ENCODE_ANY);
        sw->nparams++; /* owned from here, whatever follows */
        if (!p->key || !p->values)
            return vs__sc_oom(sc);
        vs__sc_pop(sc, at);
    }
    return 0;
}

static int check_metrics(vs__sc *sc, const json_t *obj, vs_sweep_section *sw)
{
    const json_t *metrics = json_object_get(obj, "metrics");
    if (!metrics)
        return 0;
    size_t old = vs__sc_push_key(sc, "metrics"), i;
    if (!json_is_array(metrics) || json_array_size(metrics) > 256)
        return vs__sc_fail(sc, metrics, "expected an array of up to 256 report metrics");
    sw->metrics = calloc(json_array_size(metrics) + 1, sizeof *sw->metrics);
    if (!sw->metrics)
        return vs__sc_oom(sc);
    const json_t *m;
    json_array_foreach(metrics, i, m) {
        size_t at = vs__sc_push_index(sc, i);
        if (!json_is_string(m) || !vs_metric_known(json_string_value(m)))
            return vs__sc_fail(sc, m,
                               "expected a report metric such as "
                               "\"latency_us.blackout.p99\" (see docs/report.md)");
        if (!(sw->metrics[sw->nmetrics++] = strdup(json_string_value(m))))
            return vs__sc_oom(sc);
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_sweep(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"params", "reps", "metrics", "confidence", NULL};
    const json_t *sweep;
    size_t old;
    int64_t reps = 1;
    double confidence = 0.95;
    if (!json_object_get(root, "sweep"))
        return 0;
    if (vs__sc_enter(sc, root, "sweep", false, keys, &sweep, &old) < 0)
        return -1;
    size_t at = vs__sc_push_key(sc, "params");
    if (check_params(sc, json_object_get(sweep, "params"), &cfg->sweep) < 0)
        return -1;
    vs__sc_pop(sc, at);
    if (vs__sc_int(sc, sweep, "reps", false, 1, MAX_REPS, &reps) < 0 ||
        vs__sc_number(sc, sweep, "confidence", false, 0.5, true, 1, true, &confidence) < 0 ||
        check_metrics(sc, sweep, &cfg->sweep) < 0)
        return -1;
    vs__sc_pop(sc, old);
    if (json_object_get(sweep, "reps"))
        cfg->sweep.reps = (uint32_t)reps;
    if (json_object_get(sweep, "confidence"))
        cfg->sweep.confidence = confidence;
    return 0;
}
