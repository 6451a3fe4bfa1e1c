/*
 * validate.c: the scenario schema, one small function per section. Top-level keys are
 * checked in the order the file has them, so that the error reported is the first one
 * a reader meets; missing sections get their defaults (or a "missing" error) after.
 * What ties sections together (host indices against topology.hosts, a migration needing
 * two hosts) and the workload's trace file are checked last, once every section passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_HOSTS 100000
#define MAX_SWITCHES_PER_HOST 64
#define MAX_VMS_PER_HOST 1024 /* Hyper-V's running VMs per host */
#define MAX_CPUS_PER_HOST 1024
#define MAX_MIGRATIONS_PER_HOST 1024
#define MAX_RATE_PER_S 1e6
#define MAX_GBPS 1e6
#define MAX_POPULATION 1000000
#define MAX_STAGES 1000
#define MAX_TRACE_ROWS 10000000

typedef int section_fn(vs__sc *sc, const json_t *root, vs_config *cfg);

/* "$schema" names a JSON Schema for editors; the loader does not read it. */
static int parse_schema_ref(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    char *ignored = NULL;
    int rc = vs__sc_string(sc, root, "$schema", "", VS__SC_STRING_MAX, &ignored);
    free(ignored);
    return rc;
}

/* The file's basename without ".json": "scenarios/quickstart.json" -> "quickstart". */
static char *default_name(const char *file)
{
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    return n ? strndup(base, n) : strdup("scenario");
}

static int parse_name(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *v = json_object_get(root, "name");
    if (!v) {
        cfg->name = default_name(sc->file);
        return cfg->name ? 0 : vs__sc_fail(sc, NULL, "out of memory");
    }
    if (vs__sc_string(sc, root, "name", NULL, VS__SC_TEXT_MAX, &cfg->name) < 0)
        return -1;
    if (cfg->name[0] == '\0') {
        vs__sc_push_key(sc, "name");
        return vs__sc_fail(sc, v, "expected a non-empty string");
    }
    return 0;
}

static int parse_description(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    return vs__sc_string(sc, root, "description", "", VS__SC_TEXT_MAX, &cfg->description);
}

static int parse_seed(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    int64_t seed = 1;
    if (vs__sc_int(sc, root, "seed", false, 0, INT64_MAX, &seed) < 0)
        return -1;
    cfg->seed = (uint64_t)seed;
    return 0;
}

/* Enters root[key] as an object, path pushed; an absent optional one reads as NULL,
 * which jansson's getters treat as an object with no members, so defaults apply. */
static int enter(vs__sc *sc, const json_t *root, const char *key, bool required,
                 const char *const *keys, const json_t **obj, size_t *old)
{
    if (vs__sc_object(sc, root, key, required, obj) < 0)
        return -1;
    *old = vs__sc_push_key(sc, key);
    return *obj ? vs__sc_check_keys(sc, *obj, keys) : 0;
}

/* An integer key into a uint32_t, default already in *out. */
static int get_u32(vs__sc *sc, const json_t *obj, const char *key, bool required, int64_t lo,
                   int64_t hi, uint32_t *out)
{
    int64_t v = *out;
    if (vs__sc_int(sc, obj, key, required, lo, hi, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_topology(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"hosts", "switches_per_host", "vms_per_host",
                                       "nics_per_vm", "cpus_per_host", NULL};
    const json_t *topo;
    size_t old;
    cfg->topology.switches_per_host = 1;
    cfg->topology.cpus_per_host = 16;
    if (enter(sc, root, "topology", true, keys, &topo, &old) < 0 ||
        get_u32(sc, topo, "hosts", true, 1, MAX_HOSTS, &cfg->topology.hosts) < 0 ||
        get_u32(sc, topo, "switches_per_host", false, 1, MAX_SWITCHES_PER_HOST,
                &cfg->topology.switches_per_host) < 0 ||
        get_u32(sc, topo, "vms_per_host", true, 1, MAX_VMS_PER_HOST,
                &cfg->topology.vms_per_host) < 0 ||
        get_u32(sc, topo, "nics_per_vm", true, 1, VS_MAX_NICS_PER_VM,
                &cfg->topology.nics_per_vm) < 0 ||
        get_u32(sc, topo, "cpus_per_host", false, 1, MAX_CPUS_PER_HOST,
                &cfg->topology.cpus_per_host) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_wfp(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"fanout", "order", "pending_timeout", "segments", NULL};
    static const char *const fanouts[] = {"sequential", "parallel", NULL};
    static const char *const orders[] = {"subscription", "reverse", NULL};
    static const char *const segments[] = {"per_callout", "combined", NULL};
    const json_t *wfp;
    size_t old;
    int fanout, order, seg;
    if (enter(sc, root, "wfp", false, keys, &wfp, &old) < 0 ||
        vs__sc_enum(sc, wfp, "fanout", fanouts, VS_FANOUT_SEQUENTIAL, &fanout) < 0 ||
        vs__sc_enum(sc, wfp, "order", orders, VS_ORDER_SUBSCRIPTION, &order) < 0 ||
        vs__sc_duration(sc, wfp, "pending_timeout", false, "12s", 1,
                        &cfg->wfp.pending_timeout) < 0 ||
        vs__sc_enum(sc, wfp, "segments", segments, VS_SEGMENTS_PER_CALLOUT, &seg) < 0)
        return -1;
    cfg->wfp.fanout = (vs_fanout_mode)fanout;
    cfg->wfp.order = (vs_fanout_order)order;
    cfg->wfp.segments = (vs_wfp_segments)seg;
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_ndis(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"oid_cost", "oversize", NULL};
    static const char *const oversizes[] = {"fail", "split", NULL};
    const json_t *ndis;
    size_t old;
    int oversize;
    if (enter(sc, root, "ndis", false, keys, &ndis, &old) < 0 ||
        vs__sc_duration(sc, ndis, "oid_cost", false, "2us", 0, &cfg->ndis.oid_cost) < 0 ||
        vs__sc_enum(sc, ndis, "oversize", oversizes, VS_OVERSIZE_FAIL, &oversize) < 0)
        return -1;
    cfg->ndis.oversize = (vs_oversize)oversize;
    vs__sc_pop(sc, old);
    return 0;
}

static const char *const placements[] = {"least_loaded", "random", "fixed", NULL};

/* target_host: required with placement "fixed", refused otherwise. */
static int parse_target_host(vs__sc *sc, const json_t *m, vs_config *cfg)
{
    if (cfg->migration.placement != VS_PLACE_FIXED)
        return vs__sc_absent(sc, m, "target_host", "only with placement \"fixed\" "
                             "(migration.placement is \"%s\")",
                             placements[cfg->migration.placement]);
    if (!json_object_get(m, "target_host")) {
        vs__sc_push_key(sc, "target_host");
        return vs__sc_fail(sc, NULL, "missing required key (placement is \"fixed\")");
    }
    return get_u32(sc, m, "target_host", true, 0, MAX_HOSTS - 1, &cfg->migration.target_host);
}

static int parse_migration(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"max_per_host", "precopy",   "pause",     "bandwidth_gbps",
                                       "latency",      "timeout",   "placement", "target_host",
                                       "disk_time",    NULL};
    const json_t *m;
    size_t old;
    int placement;
    double gbps = 10;
    cfg->migration.max_per_host = 2;
    if (enter(sc, root, "migration", false, keys, &m, &old) < 0 ||
        get_u32(sc, m, "max_per_host", false, 1, MAX_MIGRATIONS_PER_HOST,
                &cfg->migration.max_per_host) < 0 ||
        vs__sc_dist(sc, m, "precopy", "{\"dist\": \"lognormal\", \"mean\": \"8s\", \"p99\": \"20s\"}",
                    &cfg->migration.precopy) < 0 ||
        vs__sc_dist(sc, m, "pause", "\"5ms\"", &cfg->migration.pause) < 0 ||
        vs__sc_number(sc, m, "bandwidth_gbps", false, 0, true, MAX_GBPS, false, &gbps) < 0 ||
        vs__sc_dist(sc, m, "latency", "\"200us\"", &cfg->migration.latency) < 0 ||
        vs__sc_duration(sc, m, "timeout", false, "30s", 1, &cfg->migration.timeout) < 0 ||
        vs__sc_enum(sc, m, "placement", placements, VS_PLACE_LEAST_LOADED, &placement) < 0)
        return -1;
    cfg->migration.bandwidth_bytes_per_s = gbps * 1e9 / 8;
    cfg->migration.placement = (vs_placement)placement;
    if (parse_target_host(sc, m, cfg) < 0 ||
        vs__sc_dist(sc, m, "disk_time", "\"1s\"", &cfg->migration.disk_time) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

/* workload ------------------------------------------------------------------------ */

static const char *const workload_types[] = {"poisson", "closed", "drain", "ramp", "trace",
                                             NULL};
static const char *const operations[] = {"migrate", "local_save_restore", NULL};

#define T(kind) (1u << (kind))
#define T_ALL (T(VS_WORKLOAD_POISSON) | T(VS_WORKLOAD_CLOSED) | T(VS_WORKLOAD_DRAIN) | \
               T(VS_WORKLOAD_RAMP) | T(VS_WORKLOAD_TRACE))

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
                len += (size_t)snprintf(list + len, sizeof list - len, "%s\"%s\"",
                                        n++ ? ", " : "", workload_types[t]);
        vs__sc_push_key(sc, key);
        return vs__sc_fail(sc, NULL, "only for type%s %s (workload.type is \"%s\")",
                           n > 1 ? "s" : "", list, workload_types[kind]);
    }
    return 0;
}

/* drain: distinct host indices (below topology.hosts: checked in check_across). */
static int parse_drain_hosts(vs__sc *sc, const json_t *w, vs_config *cfg)
{
    const json_t *arr = json_object_get(w, "hosts");
    size_t old = vs__sc_push_key(sc, "hosts");
    if (!arr)
        return vs__sc_fail(sc, NULL, "missing required key");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n < 1 || n > MAX_HOSTS - 1)
        return vs__sc_fail(sc, arr, "expected an array of 1..%d host indices", MAX_HOSTS - 1);
    uint32_t *first = calloc(MAX_HOSTS, sizeof *first); /* element index + 1, by host */
    cfg->workload.drain_hosts = calloc(n, sizeof *cfg->workload.drain_hosts);
    if (!first || !cfg->workload.drain_hosts) {
        free(first);
        return vs__sc_fail(sc, NULL, "out of memory");
    }
    cfg->workload.ndrain_hosts = n;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *v = json_array_get(arr, i);
        json_int_t h = json_is_integer(v) ? json_integer_value(v) : -1;
        size_t at = vs__sc_push_index(sc, i);
        if (h < 0 || h >= MAX_HOSTS)
            rc = vs__sc_fail(sc, v, "expected a host index, an integer in 0..%d", MAX_HOSTS - 1);
        else if (first[h])
            rc = vs__sc_fail(sc, v, "expected distinct host indices ($.workload.hosts[%u] is "
                             "%lld too)", first[h] - 1, (long long)h);
        else {
            first[h] = (uint32_t)i + 1;
            cfg->workload.drain_hosts[i] = (uint32_t)h;
            vs__sc_pop(sc, at);
        }
    }
    free(first);
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
                   vs__sc_number(sc, v, "target_rate_per_s", true, 0, false, MAX_RATE_PER_S,
                                 false, &stage->target_rate_per_s) < 0
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
        return vs__sc_fail(sc, NULL, "out of memory");
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
        return vs__sc_fail(sc, NULL, "expected some target_rate_per_s > 0 (with these stages "
                                     "and rate_per_s 0 nothing ever arrives)");
    vs__sc_pop(sc, old);
    return 0;
}

/* trace: the file's name; its rows are read in check_across, knowing the topology. */
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

static int parse_workload(vs__sc *sc, const json_t *root, vs_config *cfg)
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

static int parse_run(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"duration", "drain", NULL};
    const json_t *run;
    size_t old;
    if (enter(sc, root, "run", true, keys, &run, &old) < 0 ||
        vs__sc_duration(sc, run, "duration", true, NULL, 1, &cfg->run.duration) < 0 ||
        vs__sc_duration(sc, run, "drain", false, "600s", 0, &cfg->run.drain) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_faults(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"corrupt_restore_probability", NULL};
    const json_t *f;
    size_t old;
    if (enter(sc, root, "faults", false, keys, &f, &old) < 0 ||
        vs__sc_number(sc, f, "corrupt_restore_probability", false, 0, false, 1, false,
                      &cfg->faults.corrupt_restore_probability) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_metrics(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"histogram_rel_error", NULL};
    const json_t *m;
    size_t old;
    cfg->metrics.histogram_rel_error = 0.01;
    if (enter(sc, root, "metrics", false, keys, &m, &old) < 0 ||
        vs__sc_number(sc, m, "histogram_rel_error", false, 0, true, 0.1, false,
                      &cfg->metrics.histogram_rel_error) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

/* Across sections: after every section passed on its own ----------------------- */

/* The path $.a.b, for an error about root[a][b]; returns that value. */
static const json_t *at_key(vs__sc *sc, const json_t *root, const char *a, const char *b)
{
    vs__sc_push_key(sc, a);
    vs__sc_push_key(sc, b);
    return json_object_get(json_object_get(root, a), b);
}

/* A CSV field of only digits, below limit. */
static int index_field(const char *f, uint64_t limit, uint32_t *out)
{
    size_t n = strlen(f);
    if (n == 0 || n > 10 || strspn(f, "0123456789") != n)
        return -1;
    unsigned long long v = strtoull(f, NULL, 10);
    if (v >= limit)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* One row of a trace into *e: 1, or 0 for a header, or -1. */
static int trace_row(vs__sc *sc, const vs__csv *csv, const vs_config *cfg, vs_trace_entry *e)
{
    char got[VS__SC_GOT_MAX + 32];
    vs_time_t at;
    int rc = vs__csv_decimal(csv->fields[0], "s", &at);
    if (rc == -1 && csv->first)
        return 0;
    vs__csv_show(csv->fields[0], got, sizeof got);
    if (rc == -1)
        return vs__csv_fail(sc, csv, "expected a time in seconds, got %s", got);
    if (rc == -3)
        return vs__csv_fail(sc, csv, "expected a time in seconds >= 0, got %s", got);
    if (rc == -2)
        return vs__csv_fail(sc, csv, "expected a time of at most 9223372036.854775807 s, got %s",
                            got);
    if (csv->nfields < 2 || csv->nfields > 3)
        return vs__csv_fail(sc, csv, "expected the fields time_s,vm,target (target may be "
                            "empty), got %zu field%s", csv->nfields, csv->nfields > 1 ? "s" : "");
    uint64_t nvms = (uint64_t)cfg->topology.hosts * cfg->topology.vms_per_host;
    if (index_field(csv->fields[1], nvms, &e->vm) < 0) {
        vs__csv_show(csv->fields[1], got, sizeof got);
        return vs__csv_fail(sc, csv, "expected a VM index in 0..%llu (topology.hosts * "
                            "vms_per_host - 1), got %s", (unsigned long long)nvms - 1, got);
    }
    const char *t = csv->nfields == 3 ? csv->fields[2] : "";
    e->at = at;
    e->target = UINT32_MAX;
    if (!*t)
        return 1;
    vs__csv_show(t, got, sizeof got);
    if (cfg->workload.operation != VS_OP_MIGRATE)
        return vs__csv_fail(sc, csv, "expected no target host with operation "
                            "\"local_save_restore\", got %s", got);
    if (index_field(t, cfg->topology.hosts, &e->target) < 0)
        return vs__csv_fail(sc, csv, "expected a target host index in 0..%u or nothing, got %s",
                            cfg->topology.hosts - 1, got);
    return 1;
}

static int read_trace(vs__sc *sc, vs__csv *csv, vs_config *cfg)
{
    size_t cap = 0, prev_line = 0;
    vs_trace_entry e;
    int rc;
    while ((rc = vs__csv_next(sc, csv)) == 1) {
        int got = trace_row(sc, csv, cfg, &e);
        if (got <= 0) {
            if (got < 0)
                return -1;
            continue;
        }
        size_t n = cfg->workload.ntrace;
        if (n > 0 && e.at < cfg->workload.trace[n - 1].at) {
            char shown[VS__SC_GOT_MAX + 32];
            vs__csv_show(csv->fields[0], shown, sizeof shown);
            return vs__csv_fail(sc, csv, "expected a time >= the previous row's (line %zu), "
                                "got %s", prev_line, shown);
        }
        if (n == MAX_TRACE_ROWS)
            return vs__csv_fail(sc, csv, "more than %d rows", MAX_TRACE_ROWS);
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            vs_trace_entry *bigger = realloc(cfg->workload.trace, cap * sizeof *bigger);
            if (!bigger)
                return vs__sc_fail(sc, NULL, "out of memory");
            cfg->workload.trace = bigger;
        }
        cfg->workload.trace[cfg->workload.ntrace++] = e;
        prev_line = csv->line;
    }
    if (rc == 0 && cfg->workload.ntrace == 0)
        return vs__sc_fail(sc, NULL, "%.200s: no rows (time_s,vm,target a line expected)",
                           csv->name);
    return rc;
}

static int load_trace(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const char *name = json_string_value(at_key(sc, root, "workload", "file"));
    vs__csv csv;
    if (vs__csv_open(sc, name, &csv) < 0)
        return -1;
    int rc = read_trace(sc, &csv, cfg);
    vs__csv_close(&csv);
    return rc;
}

static int check_drain(vs__sc *sc, const json_t *root, const vs_config *cfg)
{
    const uint32_t hosts = cfg->topology.hosts;
    const bool migrate = cfg->workload.operation == VS_OP_MIGRATE;
    const json_t *arr = json_object_get(json_object_get(root, "workload"), "hosts");
    for (size_t i = 0; i < cfg->workload.ndrain_hosts; i++) {
        if (cfg->workload.drain_hosts[i] < hosts)
            continue;
        at_key(sc, root, "workload", "hosts");
        vs__sc_push_index(sc, i);
        return vs__sc_fail(sc, json_array_get(arr, i), "expected a host index below "
                           "topology.hosts (%u)", hosts);
    }
    if (migrate && cfg->workload.ndrain_hosts >= hosts) {
        at_key(sc, root, "workload", "hosts");
        return vs__sc_fail(sc, arr, "expected fewer hosts than topology.hosts (%u): the "
                           "VMs need a host to go to", hosts);
    }
    if (migrate && cfg->migration.placement == VS_PLACE_FIXED)
        for (size_t i = 0; i < cfg->workload.ndrain_hosts; i++)
            if (cfg->workload.drain_hosts[i] == cfg->migration.target_host)
                return vs__sc_fail(sc, at_key(sc, root, "migration", "target_host"),
                                   "expected a host that is not drained (it is "
                                   "$.workload.hosts[%zu])", i);
    if (cfg->workload.drain_at >= cfg->run.duration)
        return vs__sc_fail(sc, at_key(sc, root, "workload", "at"),
                           "expected a time before run.duration (%.9g s)",
                           (double)cfg->run.duration / 1e9);
    return 0;
}

static int check_across(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const uint32_t hosts = cfg->topology.hosts;
    const bool migrate = cfg->workload.operation == VS_OP_MIGRATE;
    if (migrate && hosts < 2)
        return vs__sc_fail(sc, at_key(sc, root, "topology", "hosts"),
                           "expected an integer in 2..%d when workload.operation is "
                           "\"migrate\" (a migration goes to another host)", MAX_HOSTS);
    if (cfg->migration.placement == VS_PLACE_FIXED && cfg->migration.target_host >= hosts)
        return vs__sc_fail(sc, at_key(sc, root, "migration", "target_host"),
                           "expected a host index below topology.hosts (%u)", hosts);
    switch (cfg->workload.kind) {
    case VS_WORKLOAD_DRAIN:
        return check_drain(sc, root, cfg);
    case VS_WORKLOAD_CLOSED:
        if ((uint64_t)cfg->workload.population > (uint64_t)hosts * cfg->topology.vms_per_host)
            return vs__sc_fail(sc, at_key(sc, root, "workload", "population"),
                               "expected at most topology.hosts * vms_per_host (%llu): one "
                               "operation in flight per VM",
                               (unsigned long long)hosts * cfg->topology.vms_per_host);
        return 0;
    case VS_WORKLOAD_TRACE:
        return load_trace(sc, root, cfg);
    case VS_WORKLOAD_POISSON:
    case VS_WORKLOAD_RAMP:
        return 0;
    }
    return 0;
}

static const struct section {
    const char *key;
    section_fn *fn;
} sections[] = {
    {"$schema", parse_schema_ref}, {"name", parse_name},       {"description", parse_description},
    {"seed", parse_seed},          {"topology", parse_topology}, {"plugins", vs__sc_plugins},
    {"wfp", parse_wfp},            {"ndis", parse_ndis},         {"migration", parse_migration},
    {"workload", parse_workload},  {"run", parse_run},           {"faults", parse_faults},
    {"metrics", parse_metrics},    {"slo", vs__sc_slos},
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

static const struct section *find_section(const char *key)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strcmp(sections[i].key, key) == 0)
            return &sections[i];
    return NULL;
}

int vs__sc_validate(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    if (!json_is_object(root))
        return vs__sc_fail(sc, root, "expected an object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)root, key, v) {
        const struct section *s = find_section(key);
        if (!s) {
            const char *keys[NSECTIONS + 1] = {NULL};
            for (size_t i = 0; i < NSECTIONS; i++)
                keys[i] = sections[i].key;
            return vs__sc_check_keys(sc, root, keys);
        }
        if (s->fn(sc, root, cfg) < 0)
            return -1;
    }
    for (size_t i = 0; i < NSECTIONS; i++)
        if (!json_object_get(root, sections[i].key) && sections[i].fn(sc, root, cfg) < 0)
            return -1;
    return check_across(sc, root, cfg);
}
