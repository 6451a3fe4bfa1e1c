/*
 * cross_section.c: what ties the scenario's sections together, checked once each passed
 * on its own: host indices against topology.hosts, a migration needing two hosts, the
 * policies' plugins and the timed events against the rest (policies_json.c,
 * extensions_json.c), a closed population against the VMs, and a trace workload's rows
 * (trace_csv.c).
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

/* The path $.a.b, for an error about root[a][b]; returns that value. */
const json_t *vs__sc_at_key(vs__sc *sc, const json_t *root, const char *a, const char *b)
{
    vs__sc_push_key(sc, a);
    vs__sc_push_key(sc, b);
    return json_object_get(json_object_get(root, a), b);
}

const json_t *vs__sc_at_item(vs__sc *sc, const json_t *root, const char *a, size_t i, const char *b)
{
    vs__sc_push_key(sc, a);
    vs__sc_push_index(sc, i);
    vs__sc_push_key(sc, b);
    return json_object_get(json_array_get(json_object_get(root, a), i), b);
}

typedef struct timed {
    vs_time_t at;
    size_t index; /* in file order: the tie-break that makes the sort stable */
} timed;

static int by_time(const void *a, const void *b)
{
    const timed *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int vs__sc_sort_by_time(vs__sc *sc, void *base, size_t n, size_t size, size_t at_offset)
{
    if (n < 2)
        return 0;
    timed *keys = malloc(n * sizeof *keys);
    unsigned char *copy = malloc(n * size);
    if (!keys || !copy) {
        free(keys);
        free(copy);
        return vs__sc_oom(sc);
    }
    unsigned char *bytes = base;
    memcpy(copy, bytes, n * size);
    for (size_t i = 0; i < n; i++) {
        memcpy(&keys[i].at, bytes + i * size + at_offset, sizeof keys[i].at);
        keys[i].index = i;
    }
    qsort(keys, n, sizeof *keys, by_time);
    for (size_t i = 0; i < n; i++)
        memcpy(bytes + i * size, copy + keys[i].index * size, size);
    free(keys);
    free(copy);
    return 0;
}

/* drain: the hosts exist, one is left to migrate to, a fixed target is not drained,
 * and the drain starts within the run. */
static int check_drain(vs__sc *sc, const json_t *root, const vs_config *cfg)
{
    const uint32_t hosts = cfg->topology.hosts;
    const bool migrate = cfg->workload.operation == VS_OP_MIGRATE;
    const json_t *arr = json_object_get(json_object_get(root, "workload"), "hosts");
    uint32_t lo, hi;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        if (vs__sc_host_item(v, &lo, &hi) < 0 || hi < hosts)
            continue;
        vs__sc_at_key(sc, root, "workload", "hosts");
        vs__sc_push_index(sc, i);
        return vs__sc_fail(sc, v, "expected %s below topology.hosts (%u)",
                           lo == hi && json_is_integer(v) ? "a host index" : "hosts", hosts);
    }
    if (migrate && cfg->workload.ndrain_hosts >= hosts) {
        vs__sc_at_key(sc, root, "workload", "hosts");
        return vs__sc_fail(sc, arr,
                           "expected fewer hosts than topology.hosts (%u): the "
                           "VMs need a host to go to",
                           hosts);
    }
    if (migrate && cfg->migration.placement == VS_PLACE_FIXED)
        for (size_t i = 0; i < json_array_size(arr); i++)
            if (vs__sc_host_item(json_array_get(arr, i), &lo, &hi) == 0 &&
                lo <= cfg->migration.target_host && cfg->migration.target_host <= hi)
                return vs__sc_fail(sc, vs__sc_at_key(sc, root, "migration", "target_host"),
                                   "expected a host that is not drained (it is %s"
                                   "$.workload.hosts[%zu])",
                                   lo == hi ? "" : "in ", i);
    if (cfg->workload.drain_at >= cfg->run.duration)
        return vs__sc_fail(sc, vs__sc_at_key(sc, root, "workload", "at"),
                           "expected a time before run.duration (%.9g s)",
                           (double)cfg->run.duration / 1e9);
    return 0;
}

int vs__sc_check_across(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const uint32_t hosts = cfg->topology.hosts;
    const bool migrate = cfg->workload.operation == VS_OP_MIGRATE;
    if (migrate && hosts < 2)
        return vs__sc_fail(sc, vs__sc_at_key(sc, root, "topology", "hosts"),
                           "expected an integer in 2..%d when workload.operation is "
                           "\"migrate\" (a migration goes to another host)",
                           VS__SC_HOSTS_MAX);
    if (cfg->migration.placement == VS_PLACE_FIXED && cfg->migration.target_host >= hosts)
        return vs__sc_fail(sc, vs__sc_at_key(sc, root, "migration", "target_host"),
                           "expected a host index below topology.hosts (%u)", hosts);
    if (cfg->metrics.warmup >= cfg->run.duration)
        return vs__sc_fail(sc, vs__sc_at_key(sc, root, "metrics", "warmup"),
                           "expected a duration below run.duration");
    if (vs__sc_check_policies(sc, root, cfg) < 0 || vs__sc_check_extensions(sc, root, cfg) < 0)
        return -1;
    switch (cfg->workload.kind) {
    case VS_WORKLOAD_DRAIN:
        return check_drain(sc, root, cfg);
    case VS_WORKLOAD_CLOSED:
        if ((uint64_t)cfg->workload.population > (uint64_t)hosts * cfg->topology.vms_per_host)
            return vs__sc_fail(sc, vs__sc_at_key(sc, root, "workload", "population"),
                               "expected at most topology.hosts * vms_per_host (%llu): one "
                               "operation in flight per VM",
                               (unsigned long long)hosts * cfg->topology.vms_per_host);
        return 0;
    case VS_WORKLOAD_TRACE:
        return vs__sc_load_trace(sc, root, cfg);
    case VS_WORKLOAD_POISSON:
    case VS_WORKLOAD_RAMP:
        return 0;
    }
    return 0;
}
