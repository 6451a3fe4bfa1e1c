/*
 * job.c: one run of a sweep or plan, from its self-describing JSON (job.h).
 */
#include "sweep/job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "runner/runner.h"

uint64_t vs_replication_seed(uint64_t seed, unsigned rep)
{
    if (rep == 0)
        return seed;
    /* splitmix64 of (seed, rep): neighbouring reps get unrelated seeds. */
    uint64_t z = seed + (uint64_t)rep * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return z & 0x7FFFFFFFFFFFFFFFull;
}

static json_t *failed(int code, const char *why)
{
    return json_pack("{s:i, s:s}", "exit", code, "error", why);
}

/* The base's overrides, then the job's (a swept value wins over the same --set). Keys
 * point into the job; values are the job's values as JSON text, which --set reads back
 * as the same value (a string dumps with its quotes). free_overrides frees them. */
static vs_override *overrides_of(const vs_job_base *base, const json_t *set, size_t *n)
{
    size_t nbase = base->opts->noverrides, nset = json_array_size(set);
    vs_override *ov = calloc(nbase + nset + 1, sizeof *ov);
    if (!ov)
        return NULL;
    for (size_t i = 0; i < nbase; i++)
        ov[i] = base->opts->overrides[i];
    *n = nbase;
    for (size_t i = 0; i < nset; i++, ++*n) {
        const json_t *pair = json_array_get(set, i);
        ov[*n].key = json_string_value(json_array_get(pair, 0));
        ov[*n].value = json_dumps(json_array_get(pair, 1), JSON_ENCODE_ANY | JSON_COMPACT);
        if (!ov[*n].key || !ov[*n].value)
            break;
    }
    return ov;
}

/* The values overrides_of made: up to n, and the one at n if it stopped there on a bad
 * pair (else ov[n] is the zeroed terminator). */
static void free_overrides(vs_override *ov, size_t nbase, size_t n)
{
    for (size_t i = nbase; i < n + 1; i++)
        free((char *)ov[i].value);
    free(ov);
}

/* The numbers the job asked for, null where the report has none. */
static json_t *values_of(const json_t *report, const json_t *metrics)
{
    json_t *values = json_array();
    for (size_t i = 0; values && i < json_array_size(metrics); i++) {
        double v;
        const char *path = json_string_value(json_array_get(metrics, i));
        bool found = path && vs_report_lookup(report, path, &v);
        json_array_append_new(values, found ? json_real(v) : json_null());
    }
    return values;
}

static json_t *result_of(json_t *report, const vs_config *cfg, const vs_run_end *end,
                         const json_t *metrics)
{
    int code = vs_run_verdict(report, cfg, end);
    size_t breached = 0;
    json_t *slo;
    size_t i;
    json_array_foreach(json_object_get(report, "slo"), i, slo)
        breached += !json_is_true(json_object_get(slo, "pass"));
    const vs_crash *c = &end->guard.first;
    const char *crashed = NULL;
    json_t *crash = json_object_get(report, "crashed");
    if (c->signal && crash)
        crashed = json_string_value(json_object_get(crash, "plugin"));
    uint64_t violations = vs_report_violations(report);
    /* clang-format off */
    return json_pack("{s:i, s:o, s:I, s:I, s:s?, s:b}", "exit", code, "values",
                     values_of(report, metrics), "slo_breached", (json_int_t)breached,
                     "violations", (json_int_t)violations, "crashed", crashed, "interrupted",
                     end->interrupted);
    /* clang-format on */
}

json_t *vs_job_run(const vs_job_base *base, const json_t *job)
{
    char err[VS_ERROR_MAX];
    size_t n = 0;
    vs_override *ov = overrides_of(base, json_object_get(job, "set"), &n);
    if (!ov)
        return failed(VS_EXIT_FAILURE, "out of memory");
    vs_scenario_options opts = *base->opts;
    opts.overrides = ov;
    opts.noverrides = n;
    opts.have_seed = 1;
    opts.seed = (unsigned long long)json_integer_value(json_object_get(job, "seed"));
    vs_config cfg;
    int rc = n == base->opts->noverrides + json_array_size(json_object_get(job, "set"))
                 ? vs_scenario_load(base->scenario, &opts, &cfg, err)
                 : (snprintf(err, sizeof err, "a job's \"set\" is not [[KEY, VALUE], ...]"), -1);
    free_overrides(ov, base->opts->noverrides, n);
    if (rc != 0)
        return failed(VS_EXIT_BAD_INPUT, err);
    vs_run_options o = {.callback_timeout = base->callback_timeout};
    vs_run_end end = {0};
    int code = VS_EXIT_FAILURE;
    json_t *report = vs_run_simulate(&cfg, &o, &end, &code);
    json_t *result = report ? result_of(report, &cfg, &end, json_object_get(job, "metrics"))
                            : failed(code, "the run did not start (see the message above)");
    json_decref(report);
    vs_config_close(&cfg);
    return result;
}
