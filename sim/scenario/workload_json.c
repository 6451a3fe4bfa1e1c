/*
 * workload_json.c: the scenario's "workload" section: which keys each type takes, and
 * one parser per type. A trace's rows are read later, in trace_csv.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_RATE_PER_S 1e6
#define MAX_POPULATION 1000000
#define MAX_STAGES 1000

static const char *const workload_types[] = {"poisson", "closed", "drain", "ramp", "trace", NULL};
static const char *const operations[] = {"migrate", "local_save_restore", NULL};

#define T(kind) (1u << (kind))
#define T_ALL                                                                                      \
    (T(VS_WORKLOAD_POISSON) | T(VS_WORKLOAD_CLOSED) | T(VS_WORKLOAD_DRAIN) | T(VS_WORKLOAD_RAMP) | \
     T(VS_WORKLOAD_TRACE))

/* Which types take which key. */
static const struct workload_key {
    const char *key;
    unsigned types;
} workload_keys[] = {
    {"type", T_ALL},
    {"operation", T_ALL},
    {"max_operations", T_ALL},
    {"rate_per_s", T(VS_WORKLOAD_POISSON) | T(VS_WORKLOAD_RAMP)},
    {"population", T(VS_WORKLOAD_CLOSED)},
    {"think", T(VS_WORKLOAD_CLOSED)},
    {"hosts", T(VS_WORKLOAD_DRAIN)},
    {"at", T(VS_WORKLOAD_DRAIN)},
    {"stages", T(VS_WORKLOAD_RAMP)},
    {"file", T(VS_WORKLOAD_TRACE)},
};
#define NWORKLOAD_KEYS (sizeof workload_keys / sizeof workload_keys[0])

static int check_workload_keys(vs__sc *sc, const json_t *w)
{
    const char *names[NWORKLOAD_KEYS + 1] = {NULL};
    for (size_t i = 0; i < NWORKLOAD_KEYS; i++)
        names[i] = workload_keys[i].key;
    return vs__sc_check_keys(sc, w, names);
}

/* A key the type does not take: "only for type \"closed\" (workload.type is ...)". */
static int check_keys_of_type(vs__sc *sc, const json_t *w, vs_workload_kind kind)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)w, key, v) {
        const struct workload_key *k = NULL;
        for (size_t i = 0; i < NWORKLOAD_KEYS && !k; i++)
            if (strcmp(workload_keys[i].key, key) == 0)
                k = &workload_keys[i];
        if (!k || (k->types & T(kind)))
            continue;
        char list[128];
        size_t len = 0, n = 0;
        for (int t = 0; workload_types[t]; t++)
            if (k->types & T(t))
                len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"", n++ ? ", " : "",
                                        workload_types[t]);
        vs__sc_push_key(sc, key);
        return vs__sc_fail(sc, NULL, "only for type%s %s (workload.type is \"%s\")",
                           n > 1 ? "s" : "", list, workload_types[kind]);
    }
    return 0;
}

/* A decimal host index without sign or leading zeros, below VS__SC_HOSTS_MAX. */
static bool host_number(const char *s, size_t n, uint32_t *out)
{
    if (n == 0 || n > 6 || strspn(s, "0123456789") < n || (s[0] == '0' && n > 1))
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint32_t)(s[i] - '0');
    *out = v;
    return v < VS__SC_HOSTS_MAX;
}

int vs__sc_host_item(const json_t *v, uint32_t *lo, uint32_t *hi)
{
    if (json_is_integer(v)) {
        json_int_t h = json_integer_value(v);
        if (h < 0 || h >= VS__SC_HOSTS_MAX)
            return -1;
        *lo = *hi = (uint32_t)h;
        return 0;
    }
    const char *s = json_string_value(v);
    const char *dots = s ? strstr(s, "..") : NULL;
    if (!dots || !host_number(s, (size_t)(dots - s), lo) ||
        !host_number(dots + 2, strlen(dots + 2), hi))
        return -1;
    return *lo <= *hi ? 0 : -1;
}

/* Why element v is not a host or a range, for the message. */
static int host_item_fail(vs__sc *sc, const json_t *v)
{
    const char *s = json_string_value(v);
    uint32_t lo, hi;
    const char *dots = s ? strstr(s, "..") : NULL;
    if (dots && host_number(s, (size_t)(dots - s), &lo) &&
        host_number(dots + 2, strlen(dots + 2), &hi))
        return vs__sc_fail(sc, v, "expected a range \"A..B\" with A <= B");
    if (s)
        return vs__sc_fail(sc, v, "expected a range \"A..B\" of host indices in 0..%d",
                           VS__SC_HOSTS_MAX - 1);
    return vs__sc_fail(sc, v, "expected a host index, an integer in 0..%d, or a range \"A..B\"",
                       VS__SC_HOSTS_MAX - 1);
}

/* h repeats: says which element named it first. */
static int host_repeat_fail(vs__sc *sc, const json_t *arr, const json_t *v, uint32_t h,
                            uint32_t first)
{
    if (json_is_integer(v) && json_is_integer(json_array_get(arr, first)))
        return vs__sc_fail(sc, v,
                           "expected distinct host indices ($.workload.hosts[%u] is "
                           "%lld too)",
                           first, (long long)h);
    return vs__sc_fail(sc, v, "expected distinct host indices (host %u is in $.workload.hosts[%u])",
                       h, first);
}

/* Checks each element, marks its hosts in first[] (element index + 1) and counts them. */
static int mark_hosts(vs__sc *sc, const json_t *arr, uint32_t *first, size_t *count)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        uint32_t lo, hi;
        size_t at = vs__sc_push_index(sc, i);
        if (vs__sc_host_item(v, &lo, &hi) < 0)
            return host_item_fail(sc, v);
        for (uint32_t h = lo; h <= hi; h++) {
            if (first[h])
                return host_repeat_fail(sc, arr, v, h, first[h] - 1);
            first[h] = (uint32_t)i + 1;
        }
        *count += hi - lo + 1;
        vs__sc_pop(sc, at);
    }
    return 0;
}

/* drain: distinct host indices and ranges of them, expanded in file order (below
 * topology.hosts: checked in cross_section.c). */
static int parse_drain_hosts(vs__sc *sc, const json_t *w, vs_config *cfg)
{
    const json_t *arr = json_object_get(w, "hosts");
    size_t old = vs__sc_push_key(sc, "hosts");
    if (!arr)
        return vs__sc_fail(sc, NULL, "missing required key");
    size_t n = json_array_size(arr), count = 0;
    if (!json_is_array(arr) || n < 1 || n > VS__SC_HOSTS_MAX - 1)
        return vs__sc_fail(sc, arr, "expected an array of 1..%d host indices or ranges \"A..B\"",
                           VS__SC_HOSTS_MAX - 1);
    uint32_t *first = calloc(VS__SC_HOSTS_MAX, sizeof *first);
    if (!first)
        return vs__sc_oom(sc);
    int rc = mark_hosts(sc, arr, first, &count);
    free(first);
    if (rc == 0 && !(cfg->workload.drain_hosts = calloc(count, sizeof *cfg->workload.drain_hosts)))
        rc = vs__sc_oom(sc);
    for (size_t i = 0; i < n && rc == 0; i++) {
        uint32_t lo, hi;
        vs__sc_host_item(json_array_get(arr, i), &lo, &hi);
        for (uint32_t h = lo; h <= hi; h++)
            cfg->workload.drain_hosts[cfg->workload.ndrain_hosts++] = h;
    }
    if (rc == 0)
        vs__sc_pop(sc, old);
    return rc;
}

static int parse_stage(vs__sc *sc, const json_t *v, vs_ramp_stage *stage)
{
    static const char *const keys[] = {"duration", "target_rate_per_s", NULL};
    if (!json_is_object(v))
        return vs__sc_fail(sc, v, "expected an object {\"duration\", \"target_rate_per_s\"}");
    return vs__sc_check_keys(sc, v, keys) < 0 ||
                   vs__sc_duration(sc, v, "duration", true, NULL, 1, &stage->duration) < 0 ||
                   vs__sc_number(sc, v, "target_rate_per_s", true, 0, false, MAX_RATE_PER_S, false,
                                 &stage->target_rate_per_s) < 0
               ? -1
               : 0;
}

/* ramp: 1..MAX_STAGES stages, and some rate above 0 somewhere. */
static int parse_stages(vs__sc *sc, const json_t *w, vs_config *cfg)
{
    const json_t *arr = json_object_get(w, "stages");
    size_t old = vs__sc_push_key(sc, "stages");
    if (!arr)
        return vs__sc_fail(sc, NULL, "missing required key");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n < 1 || n > MAX_STAGES)
        return vs__sc_fail(sc, arr, "expected an array of 1..%d stages", MAX_STAGES);
    cfg->workload.stages = calloc(n, sizeof *cfg->workload.stages);
    if (!cfg->workload.stages)
        return vs__sc_oom(sc);
    cfg->workload.nstages = n;
    bool moves = cfg->workload.rate_per_s > 0;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_stage(sc, json_array_get(arr, i), &cfg->workload.stages[i]) < 0)
            return -1;
        moves = moves || cfg->workload.stages[i].target_rate_per_s > 0;
        vs__sc_pop(sc, at);
    }
    if (!moves)
        return vs__sc_fail(sc, NULL,
                           "expected some target_rate_per_s > 0 (with these stages "
                           "and rate_per_s 0 nothing ever arrives)");
    vs__sc_pop(sc, old);
    return 0;
}

/* trace: the file's name; its rows are read in trace_csv.c, knowing the topology. */
static int parse_trace_name(vs__sc *sc, const json_t *w)
{
    char *name = NULL;
    if (vs__sc_string(sc, w, "file", NULL, VS__SC_STRING_MAX, &name) < 0)
        return -1;
    int rc = 0;
    if (name[0] == '\0') {
        vs__sc_push_key(sc, "file");
        rc = vs__sc_fail(sc, json_object_get(w, "file"), "expected a file name");
    }
    free(name);
    return rc;
}

static int parse_workload_kind(vs__sc *sc, const json_t *w, vs_config *cfg)
{
    int64_t population = 0;
    switch (cfg->workload.kind) {
    case VS_WORKLOAD_POISSON:
        return vs__sc_number(sc, w, "rate_per_s", true, 0, true, MAX_RATE_PER_S, false,
                             &cfg->workload.rate_per_s);
    case VS_WORKLOAD_CLOSED:
        if (vs__sc_int(sc, w, "population", true, 1, MAX_POPULATION, &population) < 0)
            return -1;
        cfg->workload.population = (uint32_t)population;
        return vs__sc_dist(sc, w, "think", "\"0s\"", &cfg->workload.think);
    case VS_WORKLOAD_DRAIN:
        return parse_drain_hosts(sc, w, cfg) < 0 ||
                       vs__sc_duration(sc, w, "at", false, "0s", 0, &cfg->workload.drain_at) < 0
                   ? -1
                   : 0;
    case VS_WORKLOAD_RAMP:
        return vs__sc_number(sc, w, "rate_per_s", false, 0, false, MAX_RATE_PER_S, false,
                             &cfg->workload.rate_per_s) < 0 ||
                       parse_stages(sc, w, cfg) < 0
                   ? -1
                   : 0;
    case VS_WORKLOAD_TRACE:
        return parse_trace_name(sc, w);
    }
    return -1;
}

int vs__sc_workload(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *w;
    size_t old;
    int kind, op;
    int64_t max_ops = 0;
    if (vs__sc_object(sc, root, "workload", true, &w) < 0)
        return -1;
    old = vs__sc_push_key(sc, "workload");
    if (check_workload_keys(sc, w) < 0 ||
        vs__sc_enum(sc, w, "type", workload_types, VS_WORKLOAD_POISSON, &kind) < 0 ||
        check_keys_of_type(sc, w, (vs_workload_kind)kind) < 0 ||
        vs__sc_enum(sc, w, "operation", operations, VS_OP_MIGRATE, &op) < 0 ||
        vs__sc_int(sc, w, "max_operations", false, 0, INT64_MAX, &max_ops) < 0)
        return -1;
    cfg->workload.kind = (vs_workload_kind)kind;
    cfg->workload.operation = (vs_operation)op;
    cfg->workload.max_operations = (uint64_t)max_ops;
    if (parse_workload_kind(sc, w, cfg) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}
