/*
 * validate.c: the scenario schema, one small function per section. Top-level keys are
 * checked in the order the file has them, so that the error reported is the first one
 * a reader meets; missing sections get their defaults (or a "missing" error) after.
 * The larger sections have their own files (plugins.c, policies_json.c,
 * extensions_json.c, migration_json.c, vms_json.c, network_json.c, workload_json.c,
 * slo_parse.c); what ties sections together is checked last, once every section passed
 * (cross_section.c).
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_SWITCHES_PER_HOST 64
#define MAX_VMS_PER_HOST 1024 /* Hyper-V's running VMs per host */
#define MAX_CPUS_PER_HOST 1024

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

/* "extends" is read and taken out before --set applies (extends.c): one here was set. */
static int parse_extends(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    (void)cfg;
    const json_t *v = json_object_get(root, "extends");
    if (!v)
        return 0;
    vs__sc_push_key(sc, "extends");
    return vs__sc_fail(sc, v, "cannot be set with --set (the file's \"extends\" is read first)");
}

static int parse_name(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *v = json_object_get(root, "name");
    if (!v) {
        cfg->name = default_name(sc->file);
        return cfg->name ? 0 : vs__sc_oom(sc);
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
int vs__sc_enter(vs__sc *sc, const json_t *root, const char *key, bool required,
                 const char *const *keys, const json_t **obj, size_t *old)
{
    if (vs__sc_object(sc, root, key, required, obj) < 0)
        return -1;
    *old = vs__sc_push_key(sc, key);
    return *obj ? vs__sc_check_keys(sc, *obj, keys) : 0;
}

/* An integer key into a uint32_t, default already in *out. */
int vs__sc_u32(vs__sc *sc, const json_t *obj, const char *key, bool required, int64_t lo,
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
    static const char *const keys[] = {"hosts",       "switches_per_host", "vms_per_host",
                                       "nics_per_vm", "cpus_per_host",     "vm_start",
                                       NULL};
    static const char *const starts[] = {"running", "power_on", NULL};
    const json_t *topo;
    size_t old;
    int start;
    cfg->topology.switches_per_host = 1;
    cfg->topology.cpus_per_host = 16;
    if (vs__sc_enter(sc, root, "topology", true, keys, &topo, &old) < 0 ||
        vs__sc_u32(sc, topo, "hosts", true, 1, VS__SC_HOSTS_MAX, &cfg->topology.hosts) < 0 ||
        vs__sc_u32(sc, topo, "switches_per_host", false, 1, MAX_SWITCHES_PER_HOST,
                   &cfg->topology.switches_per_host) < 0 ||
        vs__sc_u32(sc, topo, "vms_per_host", true, 1, MAX_VMS_PER_HOST,
                   &cfg->topology.vms_per_host) < 0 ||
        vs__sc_u32(sc, topo, "nics_per_vm", true, 1, VS_MAX_NICS_PER_VM,
                   &cfg->topology.nics_per_vm) < 0 ||
        vs__sc_u32(sc, topo, "cpus_per_host", false, 1, MAX_CPUS_PER_HOST,
                   &cfg->topology.cpus_per_host) < 0 ||
        vs__sc_enum(sc, topo, "vm_start", starts, VS_START_RUNNING, &start) < 0)
        return -1;
    cfg->topology.vm_start = (vs_vm_start)start;
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
    if (vs__sc_enter(sc, root, "wfp", false, keys, &wfp, &old) < 0 ||
        vs__sc_enum(sc, wfp, "fanout", fanouts, VS_FANOUT_SEQUENTIAL, &fanout) < 0 ||
        vs__sc_enum(sc, wfp, "order", orders, VS_ORDER_SUBSCRIPTION, &order) < 0 ||
        vs__sc_duration(sc, wfp, "pending_timeout", false, "12s", 1, &cfg->wfp.pending_timeout) <
            0 ||
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
    if (vs__sc_enter(sc, root, "ndis", false, keys, &ndis, &old) < 0 ||
        vs__sc_duration(sc, ndis, "oid_cost", false, "2us", 0, &cfg->ndis.oid_cost) < 0 ||
        vs__sc_enum(sc, ndis, "oversize", oversizes, VS_OVERSIZE_FAIL, &oversize) < 0)
        return -1;
    cfg->ndis.oversize = (vs_oversize)oversize;
    vs__sc_pop(sc, old);
    return 0;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil, which needs no time zone and no libc). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC, 1601 to 9999) as 100 ns units since 1601-01-01. */
static int parse_utc(const char *text, int64_t *out)
{
    unsigned y, mo, d, h, mi, s;
    int n = 0;
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (sscanf(text, "%4u-%2u-%2uT%2u:%2u:%2uZ%n", &y, &mo, &d, &h, &mi, &s, &n) != 6 ||
        (size_t)n != strlen(text) || strlen(text) != 20 || y < 1601 || mo < 1 || mo > 12 || d < 1 ||
        d > mdays[mo - 1] || h > 23 || mi > 59 || s > 59 ||
        (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
        return -1;
    int64_t days = days_from_civil(y, mo, d) - days_from_civil(1601, 1, 1);
    *out = ((days * 86400) + (int64_t)h * 3600 + mi * 60 + s) * 10000000;
    return 0;
}

static int parse_kernel(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"callback_irql",   "timer_resolution",  "dpc_delay",
                                       "work_item_delay", "system_time_start", NULL};
    static const char *const irqls[] = {"PASSIVE_LEVEL", "DISPATCH_LEVEL", NULL};
    const json_t *kernel;
    size_t old;
    int irql;
    char *start = NULL;
    if (vs__sc_enter(sc, root, "kernel", false, keys, &kernel, &old) < 0 ||
        vs__sc_enum(sc, kernel, "callback_irql", irqls, 1, &irql) < 0 ||
        vs__sc_duration(sc, kernel, "timer_resolution", false, "15625us", 0,
                        &cfg->kernel.timer_resolution) < 0 ||
        vs__sc_duration(sc, kernel, "dpc_delay", false, "0s", 0, &cfg->kernel.dpc_delay) < 0 ||
        vs__sc_duration(sc, kernel, "work_item_delay", false, "20us", 0,
                        &cfg->kernel.work_item_delay) < 0 ||
        vs__sc_string(sc, kernel, "system_time_start", "2026-01-01T00:00:00Z", 32, &start) < 0)
        return -1;
    cfg->kernel.callback_irql = irql == 1 ? 2 : 0;
    int rc = parse_utc(start, &cfg->kernel.system_time_start);
    free(start);
    if (rc != 0) {
        vs__sc_push_key(sc, "system_time_start");
        return vs__sc_fail(sc, json_object_get(kernel, "system_time_start"),
                           "expected a UTC time \"YYYY-MM-DDTHH:MM:SSZ\" from 1601 on");
    }
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_run(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"duration", "drain", "clock", "speed", NULL};
    static const char *const clocks[] = {"virtual", "realtime", NULL};
    const json_t *run;
    size_t old;
    int clock;
    cfg->run.speed = 1;
    if (vs__sc_enter(sc, root, "run", true, keys, &run, &old) < 0 ||
        vs__sc_duration(sc, run, "duration", true, NULL, 1, &cfg->run.duration) < 0 ||
        vs__sc_duration(sc, run, "drain", false, "600s", 0, &cfg->run.drain) < 0 ||
        vs__sc_enum(sc, run, "clock", clocks, 0, &clock) < 0 ||
        vs__sc_number(sc, run, "speed", false, 0, true, 1e6, false, &cfg->run.speed) < 0)
        return -1;
    cfg->run.realtime = clock == 1;
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_faults(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"corrupt_restore_probability", NULL};
    const json_t *f;
    size_t old;
    if (vs__sc_enter(sc, root, "faults", false, keys, &f, &old) < 0 ||
        vs__sc_number(sc, f, "corrupt_restore_probability", false, 0, false, 1, false,
                      &cfg->faults.corrupt_restore_probability) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

static const struct section {
    const char *key;
    section_fn *fn;
} sections[] = {
    {"$schema", parse_schema_ref},
    {"extends", parse_extends},
    {"name", parse_name},
    {"description", parse_description},
    {"seed", parse_seed},
    {"topology", parse_topology},
    {"plugins", vs__sc_plugins},
    {"policies", vs__sc_policies},
    {"policy_changes", vs__sc_policy_changes},
    {"wfp", parse_wfp},
    {"ndis", parse_ndis},
    {"kernel", parse_kernel},
    {"extensions", vs__sc_extensions},
    {"migration", vs__sc_migration},
    {"vms", vs__sc_vms},
    {"network", vs__sc_network},
    {"workload", vs__sc_workload},
    {"run", parse_run},
    {"faults", parse_faults},
    {"metrics", vs__sc_metrics},
    {"slo", vs__sc_slos},
    {"verifier", vs__sc_verifier},
    {"sweep", vs__sc_sweep},
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
    return vs__sc_check_across(sc, root, cfg);
}
