/*
 * test-scenario.c: the strict scenario loader (sim/scenario) and plugin reference
 * resolution (sim/scenario/resolve.c). Plugins are stand-in files in a temp dir, so the
 * tests do not need the example plugins to be built.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/metric_names.h"
#include "scenario/resolve.h"
#include "scenario/scenario.h"

#define MINIMAL                                                                 \
    "{\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1},\n" \
    " \"plugins\": [], \"workload\": {\"rate_per_s\": 10}, \"run\": {\"duration\": \"1s\"}}"

/* A temp dir holding x.so and y.so (empty files: only resolution is tested here). */
static char plugdir[64];
static const char *dirs[2];

static void touch(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "create %s", path);
    fclose(f);
}

static void make_plugdir(void)
{
    strcpy(plugdir, "/tmp/vs-test-scenario-XXXXXX");
    cr_assert_not_null(mkdtemp(plugdir));
    touch(plugdir, "x.so");
    touch(plugdir, "y.so");
    dirs[0] = plugdir;
    dirs[1] = NULL;
}

static void remove_plugdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", plugdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(scenario, .init = make_plugdir, .fini = remove_plugdir);
TestSuite(scenario_errors, .init = make_plugdir, .fini = remove_plugdir);
TestSuite(scenario_set, .init = make_plugdir, .fini = remove_plugdir);
TestSuite(resolve, .init = make_plugdir, .fini = remove_plugdir);

/* Loads text as "t.json" with --plugin-path plugdir and the given overrides. */
static int load_with(const char *text, const vs_override *ov, size_t nov, vs_config *cfg, char *err)
{
    vs_scenario_options opts = {.overrides = ov, .noverrides = nov, .plugin_path = dirs};
    return vs_scenario_load_text(text, strlen(text), "t.json", plugdir, &opts, cfg, err);
}

static int load(const char *text, vs_config *cfg, char *err)
{
    return load_with(text, NULL, 0, cfg, err);
}

/* The one error loading text gives; the config must be left empty. */
static const char *error_of(const char *text)
{
    static char err[VS_ERROR_MAX];
    vs_config cfg;
    cr_assert_eq(load(text, &cfg, err), -1, "loaded, but expected an error: %s", text);
    cr_assert_null(cfg.name);
    cr_assert_null(cfg.plugins);
    return err;
}

/* MINIMAL with `member` (one or more top-level members) first; a section of MINIMAL
 * that member starts with is left out, e.g. with("\"plugins\": [...]"). */
static const char *with(const char *member)
{
    static const char *const base[] = {
        "\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1}", "\"plugins\": []",
        "\"workload\": {\"rate_per_s\": 10}", "\"run\": {\"duration\": \"1s\"}"};
    static char buf[1 << 17];
    size_t len = (size_t)snprintf(buf, sizeof buf, "{%s", member);
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        size_t keylen = strcspn(base[i], ":");
        if (strncmp(member, base[i], keylen) != 0)
            len += (size_t)snprintf(buf + len, sizeof buf - len, ", %s", base[i]);
    }
    snprintf(buf + len, sizeof buf - len, "}");
    return buf;
}

#define assert_error(text, expected) cr_assert_str_eq(error_of(text), expected)
#define assert_error_has(text, part)                                        \
    do {                                                                    \
        const char *e_ = error_of(text);                                    \
        cr_assert(strstr(e_, part), "error \"%s\" lacks \"%s\"", e_, part); \
    } while (0)

Test(scenario, defaults_are_filled)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(MINIMAL, &cfg, err), 0, "%s", err);
    cr_assert_str_eq(cfg.name, "t");
    cr_assert_str_eq(cfg.description, "");
    cr_assert_str_eq(cfg.source_path, "t.json");
    cr_assert_eq(cfg.seed, 1);
    cr_assert_eq(cfg.topology.hosts, 2);
    cr_assert_eq(cfg.topology.switches_per_host, 1);
    cr_assert_eq(cfg.topology.cpus_per_host, 16);
    cr_assert_eq(cfg.nplugins, 0);
    cr_assert_eq(cfg.wfp.fanout, VS_FANOUT_SEQUENTIAL);
    cr_assert_eq(cfg.wfp.order, VS_ORDER_SUBSCRIPTION);
    cr_assert_eq(cfg.wfp.pending_timeout, 12000000000ull);
    cr_assert_eq(cfg.wfp.segments, VS_SEGMENTS_PER_CALLOUT);
    cr_assert_eq(cfg.ndis.oid_cost, 2000);
    cr_assert_eq(cfg.ndis.oversize, VS_OVERSIZE_FAIL);
    cr_assert_eq(cfg.migration.max_per_host, 2, "Hyper-V's default");
    cr_assert_eq(cfg.migration.precopy.kind, VS_DIST_LOGNORMAL);
    cr_assert_float_eq(vs_dist_mean(&cfg.migration.precopy), 8e9, 1);
    cr_assert(cfg.migration.pause.kind == VS_DIST_CONSTANT && cfg.migration.pause.a == 5e6);
    cr_assert_eq(cfg.migration.bandwidth_bytes_per_s, 1.25e9);
    cr_assert(cfg.migration.latency.kind == VS_DIST_CONSTANT && cfg.migration.latency.a == 2e5);
    cr_assert_eq(cfg.migration.timeout, 30000000000ull);
    cr_assert_eq(cfg.migration.placement, VS_PLACE_LEAST_LOADED);
    cr_assert(cfg.migration.disk_time.kind == VS_DIST_CONSTANT && cfg.migration.disk_time.a == 1e9);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_POISSON);
    cr_assert_eq(cfg.workload.operation, VS_OP_MIGRATE);
    cr_assert_eq(cfg.workload.rate_per_s, 10.0);
    cr_assert_eq(cfg.workload.max_operations, 0);
    cr_assert_null(cfg.workload.drain_hosts);
    cr_assert_null(cfg.workload.stages);
    cr_assert_null(cfg.workload.trace);
    cr_assert_eq(cfg.run.duration, 1000000000ull);
    cr_assert_eq(cfg.run.drain, 600000000000ull);
    cr_assert_eq(cfg.faults.corrupt_restore_probability, 0.0);
    cr_assert_eq(cfg.metrics.histogram_rel_error, 0.01);
    cr_assert_eq(cfg.nslos, 0);
    cr_assert_eq(cfg.topology.vm_start, VS_START_RUNNING);
    cr_assert_eq(cfg.migration.sequence, VS_SEQ_DOCUMENTED);
    cr_assert_eq(cfg.migration.on_refused, VS_REFUSED_FAIL);
    cr_assert_eq(cfg.migration.max_destinations, 3);
    cr_assert_eq(cfg.migration.on_restore_failure, VS_RESTORE_FAILURE_VM_OFF);
    cr_assert_eq(cfg.npolicies, 0);
    cr_assert_null(cfg.policies);
    cr_assert_eq(cfg.npolicy_changes, 0);
    cr_assert_null(cfg.policy_changes);
    cr_assert_eq(cfg.extensions.nnames, 2, "the default stack");
    cr_assert_str_eq(cfg.extensions.names[0], "Microsoft Windows Filtering Platform");
    cr_assert_str_eq(cfg.extensions.names[1], "Microsoft NDIS Capture");
    cr_assert_eq(cfg.extensions.wfp, 0);
    cr_assert_eq(cfg.extensions.nevents, 0);
    cr_assert_null(cfg.extensions.events);
    vs_config_close(&cfg);
    cr_assert_null(cfg.name);
    cr_assert_null(cfg.extensions.names);
}

static const char full[] =
    "{\"$schema\": \"schema.json\", \"name\": \"full\", \"description\": \"d\", \"seed\": 42,\n"
    " \"topology\": {\"hosts\": 4, \"switches_per_host\": 3, \"vms_per_host\": 16, "
    "\"nics_per_vm\": 68, \"cpus_per_host\": 1024},\n"
    " \"plugins\": [{\"name\": \"a\", \"path\": \"x\", \"params\": {\"n\": 64, \"s\": {\"k\": [1, "
    "\"2\"]}}},\n"
    "             {\"path\": \"y.so\"}, {\"name\": \"x.2\", \"path\": \"x\"}],\n"
    " \"wfp\": {\"fanout\": \"parallel\", \"order\": \"reverse\", \"pending_timeout\": \"1.5s\", "
    "\"segments\": \"combined\"},\n"
    " \"ndis\": {\"oid_cost\": \"0s\", \"oversize\": \"split\"},\n"
    " \"migration\": {\"max_per_host\": 1024, \"precopy\": \"1s\", \"pause\": \"2ms\", "
    "\"bandwidth_gbps\": 0.008, \"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}, "
    "\"timeout\": \"1m\", \"placement\": \"fixed\", \"target_host\": 3, \"disk_time\": \"0s\"},\n"
    " \"workload\": {\"type\": \"poisson\", \"operation\": \"migrate\", \"rate_per_s\": 2.5e3, "
    "\"max_operations\": 7},\n"
    " \"run\": {\"duration\": \"30s\", \"drain\": \"0s\"},\n"
    " \"faults\": {\"corrupt_restore_probability\": 1},\n"
    " \"metrics\": {\"histogram_rel_error\": 0.1},\n"
    " \"slo\": [\"saves.failed == 0\", \"  latency_us.save.p99<=-1.5e3 \"]}";

Test(scenario, every_key_is_read)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(full, &cfg, err), 0, "%s", err);
    cr_assert_str_eq(cfg.name, "full");
    cr_assert_str_eq(cfg.description, "d");
    cr_assert_eq(cfg.seed, 42);
    cr_assert_eq(cfg.topology.hosts, 4);
    cr_assert_eq(cfg.topology.switches_per_host, 3);
    cr_assert_eq(cfg.topology.vms_per_host, 16);
    cr_assert_eq(cfg.topology.nics_per_vm, 68);
    cr_assert_eq(cfg.topology.cpus_per_host, 1024);
    cr_assert_eq(cfg.nplugins, 3);
    cr_assert_str_eq(cfg.plugins[0].name, "a");
    cr_assert_str_eq(cfg.plugins[0].params_json, "{\"n\":64,\"s\":{\"k\":[1,\"2\"]}}");
    char want[128];
    snprintf(want, sizeof want, "%s/x.so", plugdir);
    cr_assert_str_eq(cfg.plugins[0].path, want);
    cr_assert_str_eq(cfg.plugins[1].name, "y", "the name defaults to the file's");
    snprintf(want, sizeof want, "%s/y.so", plugdir);
    cr_assert_str_eq(cfg.plugins[1].path, want, "a path is relative to the scenario");
    cr_assert_str_eq(cfg.plugins[1].params_json, "{}");
    cr_assert_str_eq(cfg.plugins[2].name, "x.2");
    cr_assert_eq(cfg.wfp.fanout, VS_FANOUT_PARALLEL);
    cr_assert_eq(cfg.wfp.order, VS_ORDER_REVERSE);
    cr_assert_eq(cfg.wfp.pending_timeout, 1500000000ull);
    cr_assert_eq(cfg.wfp.segments, VS_SEGMENTS_COMBINED);
    cr_assert_eq(cfg.ndis.oid_cost, 0);
    cr_assert_eq(cfg.ndis.oversize, VS_OVERSIZE_SPLIT);
    cr_assert_eq(cfg.migration.max_per_host, 1024);
    cr_assert(cfg.migration.precopy.kind == VS_DIST_CONSTANT && cfg.migration.precopy.a == 1e9);
    cr_assert(cfg.migration.pause.kind == VS_DIST_CONSTANT && cfg.migration.pause.a == 2e6);
    cr_assert_float_eq(cfg.migration.bandwidth_bytes_per_s, 1e6, 1e-6, "8 Mbit/s");
    cr_assert(cfg.migration.latency.kind == VS_DIST_EXPONENTIAL && cfg.migration.latency.a == 1e6);
    cr_assert_eq(cfg.migration.timeout, 60000000000ull);
    cr_assert_eq(cfg.migration.placement, VS_PLACE_FIXED);
    cr_assert_eq(cfg.migration.target_host, 3);
    cr_assert(cfg.migration.disk_time.kind == VS_DIST_CONSTANT && cfg.migration.disk_time.a == 0);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_POISSON);
    cr_assert_eq(cfg.workload.operation, VS_OP_MIGRATE);
    cr_assert_eq(cfg.workload.rate_per_s, 2500.0);
    cr_assert_eq(cfg.workload.max_operations, 7);
    cr_assert_eq(cfg.run.drain, 0);
    cr_assert_eq(cfg.faults.corrupt_restore_probability, 1.0);
    cr_assert_eq(cfg.metrics.histogram_rel_error, 0.1);
    cr_assert_eq(cfg.nslos, 2);
    cr_assert_str_eq(cfg.slos[0].metric, "saves.failed");
    cr_assert_eq(cfg.slos[0].op, VS_SLO_EQ);
    cr_assert_eq(cfg.slos[0].limit, 0.0);
    cr_assert_str_eq(cfg.slos[1].metric, "latency_us.save.p99");
    cr_assert_eq(cfg.slos[1].op, VS_SLO_LE);
    cr_assert_eq(cfg.slos[1].limit, -1500.0);
    vs_config_close(&cfg);
    vs_config_close(&cfg); /* closing twice is harmless */
}

#define WFP "Microsoft Windows Filtering Platform"
#define CAPTURE "Microsoft NDIS Capture"

/* Every key of the sequence, the failure options, the policies and the extension stack;
 * changes and events are out of time order, with ties, to show the stable sort. */
static const char full_policies[] =
    "{\"topology\": {\"hosts\": 3, \"vms_per_host\": 2, \"nics_per_vm\": 1, "
    "\"vm_start\": \"power_on\"},\n"
    " \"plugins\": [{\"name\": \"a\", \"path\": \"x\"}],\n"
    " \"policies\": [{\"plugin\": \"a\", \"version\": 7, \"data\": \"00ffA1\"},\n"
    "              {\"guid\": \"{01234567-89ab-cdef-0123-456789ABCDEF}\", \"size\": 5},\n"
    "              {\"guid\": \"00112233-4455-6677-8899-aabbccddeeff\", \"version\": 0}],\n"
    " \"policy_changes\": [{\"at\": \"2s\", \"op\": \"update\", \"policy\": 1, \"vm\": 5, "
    "\"data\": \"\"},\n"
    "                    {\"at\": \"1s\", \"op\": \"delete\", \"policy\": 0},\n"
    "                    {\"at\": \"1s\", \"op\": \"update\", \"policy\": 2, \"size\": 3},\n"
    "                    {\"at\": \"0s\", \"op\": \"update\", \"policy\": 0}],\n"
    " \"extensions\": {\"stack\": [\"Capture X\", \"" WFP "\", \"Third\"],\n"
    "   \"events\": [{\"at\": \"3s\", \"host\": 2, \"action\": \"reorder\", \"pause\": \"0s\", "
    "\"order\": [\"Third\", \"" WFP "\", \"Capture X\"]},\n"
    "              {\"at\": \"1s\", \"host\": 0, \"action\": \"restart\"},\n"
    "              {\"at\": \"1s\", \"host\": 1, \"action\": \"restart\", \"pause\": \"5ms\"}]},\n"
    " \"migration\": {\"sequence\": \"legacy\", \"on_refused\": \"next_host\", "
    "\"max_destinations\": 64, \"on_restore_failure\": \"online\"},\n"
    " \"workload\": {\"rate_per_s\": 1}, \"run\": {\"duration\": \"10s\"}}";

static void assert_bytes(const uint8_t *got, uint32_t len, const uint8_t *want, uint32_t n)
{
    cr_assert_eq(len, n);
    cr_assert_not_null(got, "given bytes are never NULL, even 0 of them");
    cr_assert_arr_eq(got, want, n);
}

Test(scenario, every_policy_and_extension_key_is_read)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(full_policies, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.topology.vm_start, VS_START_POWER_ON);
    cr_assert_eq(cfg.migration.sequence, VS_SEQ_LEGACY);
    cr_assert_eq(cfg.migration.on_refused, VS_REFUSED_NEXT_HOST);
    cr_assert_eq(cfg.migration.max_destinations, 64);
    cr_assert_eq(cfg.migration.on_restore_failure, VS_RESTORE_FAILURE_ONLINE);

    cr_assert_eq(cfg.npolicies, 3);
    const vs_policy *p = cfg.policies;
    cr_assert_str_eq(p[0].plugin, "a");
    cr_assert_eq(p[0].version, 7);
    assert_bytes(p[0].data, p[0].len, (const uint8_t[]){0x00, 0xff, 0xa1}, 3);
    /* Data1, Data2, Data3 little-endian, then Data4 as written. */
    static const uint8_t guid1[16] = {0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef, 0xcd,
                                      0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    static const uint8_t guid2[16] = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    cr_assert_null(p[1].plugin);
    cr_assert_arr_eq(p[1].guid, guid1, 16);
    cr_assert_eq(p[1].version, 1, "the default version");
    /* The pattern: byte i = (i * 31 + policy index) & 0xff. */
    assert_bytes(p[1].data, p[1].len, (const uint8_t[]){1, 32, 63, 94, 125}, 5);
    cr_assert_arr_eq(p[2].guid, guid2, 16, "no braces");
    cr_assert_eq(p[2].version, 0);
    cr_assert_null(p[2].data, "neither data nor size: no bytes");
    cr_assert_eq(p[2].len, 0);

    /* Sorted by time; equal times keep the file's order. */
    cr_assert_eq(cfg.npolicy_changes, 4);
    const vs_policy_change *c = cfg.policy_changes;
    cr_assert(c[0].at == 0 && c[0].op == VS_POLICY_UPDATE && c[0].policy == 0);
    cr_assert(c[0].vm == UINT32_MAX, "no vm: every VM");
    cr_assert(c[0].data == NULL && c[0].len == 0, "an update without bytes keeps them");
    cr_assert(c[1].at == 1000000000 && c[1].op == VS_POLICY_DELETE && c[1].policy == 0);
    cr_assert_null(c[1].data);
    cr_assert(c[2].at == 1000000000 && c[2].op == VS_POLICY_UPDATE && c[2].policy == 2);
    assert_bytes(c[2].data, c[2].len, (const uint8_t[]){2, 33, 64}, 3);
    cr_assert(c[3].at == 2000000000 && c[3].policy == 1 && c[3].vm == 5);
    assert_bytes(c[3].data, c[3].len, (const uint8_t[]){0}, 0);

    cr_assert_eq(cfg.extensions.nnames, 3);
    cr_assert_str_eq(cfg.extensions.names[0], "Capture X");
    cr_assert_str_eq(cfg.extensions.names[1], WFP);
    cr_assert_str_eq(cfg.extensions.names[2], "Third");
    cr_assert_eq(cfg.extensions.wfp, 1);
    cr_assert_eq(cfg.extensions.nevents, 3);
    const vs_stack_event *e = cfg.extensions.events;
    cr_assert(e[0].at == 1000000000 && e[0].host == 0 && e[0].action == VS_STACK_RESTART);
    cr_assert(e[0].pause == 1000000, "1ms by default");
    cr_assert_null(e[0].order);
    cr_assert(e[1].at == 1000000000 && e[1].host == 1 && e[1].pause == 5000000);
    cr_assert(e[2].at == 3000000000 && e[2].host == 2 && e[2].action == VS_STACK_REORDER);
    cr_assert_eq(e[2].pause, 0, "a zero pause is allowed");
    cr_assert_arr_eq(e[2].order, ((const uint32_t[]){2, 1, 0}), 3 * sizeof(uint32_t));
    vs_config_close(&cfg);
    cr_assert_null(cfg.policies);
    cr_assert_null(cfg.extensions.events);
}

Test(scenario, extensions_without_a_stack_get_the_default)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(with("\"extensions\": {\"events\": [{\"at\": \"0s\", \"host\": 1, "
                           "\"action\": \"reorder\", \"order\": [\"" CAPTURE "\", \"" WFP "\"]}]}"),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.extensions.nnames, 2);
    cr_assert_str_eq(cfg.extensions.names[0], WFP);
    cr_assert_arr_eq(cfg.extensions.events[0].order, ((const uint32_t[]){1, 0}),
                     2 * sizeof(uint32_t));
    vs_config_close(&cfg);
}

Test(scenario, policies_name_the_plugin_or_a_guid)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    char text[1024];
    /* The largest blob, as a pattern and as hex. */
    snprintf(text, sizeof text,
             "\"policies\": [{\"guid\": \"{ffffffff-FFFF-0000-0000-"
             "000000000000}\", \"size\": 65535, \"version\": 65535}], "
             "\"policy_changes\": [{\"at\": \"999ms\", \"op\": \"update\", \"policy\": 0, "
             "\"vm\": 1, \"size\": 0}]");
    cr_assert_eq(load(with(text), &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.policies[0].len, 65535);
    cr_assert_eq(cfg.policies[0].version, 65535);
    cr_assert_eq(cfg.policies[0].data[65534], (uint8_t)((65534 * 31) & 0xff));
    cr_assert_eq(cfg.policy_changes[0].len, 0);
    cr_assert_not_null(cfg.policy_changes[0].data, "0 bytes, not \"unchanged\"");
    cr_assert_eq(cfg.policy_changes[0].vm, 1);
    vs_config_close(&cfg);

    /* MINIMAL with a policy of n hex digits (too long for with()'s buffer). */
    size_t n = 2 * 65535;
    char tail[512];
    snprintf(tail, sizeof tail, "\"}], %s", MINIMAL + 1);
    char *big = malloc(n + strlen(tail) + 128);
    cr_assert_not_null(big);
    int len = sprintf(big, "{\"policies\": [{\"guid\": \"00000000-0000-0000-0000-000000000000\", "
                           "\"data\": \"");
    memset(big + len, 'e', n);
    strcpy(big + len + n, tail);
    cr_assert_eq(load(big, &cfg, err), 0, "%s", err);
    cr_assert(cfg.policies[0].len == 65535 && cfg.policies[0].data[100] == 0xee);
    vs_config_close(&cfg);
    memcpy(big + len + n, "ee", 2);
    strcpy(big + len + n + 2, tail);
    assert_error(big, "t.json: $.policies[0].data: expected at most 65535 bytes (131070 hex "
                      "digits), got \"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee...");
    free(big);
}

Test(scenario_errors, policies)
{
    const char *const G = "\"guid\": \"00000000-0000-0000-0000-000000000000\"";
    char text[1024];
#define POLICY(...) (snprintf(text, sizeof text, __VA_ARGS__), with(text))
    assert_error(POLICY("\"policies\": {}"),
                 "t.json: $.policies: expected an array of 0..64 policies, got {}");
    assert_error(POLICY("\"policies\": [3]"), "t.json: $.policies[0]: expected an object, got 3");
    assert_error(POLICY("\"policies\": [{%s, \"id\": 1}]", G),
                 "t.json: $.policies[0].id: unknown key (expected one of: plugin, guid, version, "
                 "data, size)");
    assert_error(POLICY("\"policies\": [{\"version\": 1}]"),
                 "t.json: $.policies[0]: expected \"plugin\" or \"guid\": the PropertyId, got "
                 "{\"version\":1}");
    assert_error(POLICY("\"policies\": [{\"plugin\": \"a\", %s}]", G),
                 "t.json: $.policies[0].guid: not with \"plugin\" (the PropertyId is that "
                 "plugin's provider GUID: give one of the two)");
    assert_error(POLICY("\"policies\": [{\"plugin\": 1}]"),
                 "t.json: $.policies[0].plugin: expected a string, got 1");
    assert_error(POLICY("\"policies\": [{\"plugin\": \"a\"}]"),
                 "t.json: $.policies[0].plugin: expected the name of a plugin in $.plugins (it "
                 "has none), got \"a\"");
    static const char *const bad_guids[] = {
        "{00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000}",
        "00000000-0000-0000-0000-00000000000g",  "000000000-000-0000-0000-000000000000",
        "00000000-0000-0000-0000-0000000000000", "",
        "00000000000000000000000000000000",      " 00000000-0000-0000-0000-000000000000"};
    for (size_t i = 0; i < sizeof bad_guids / sizeof bad_guids[0]; i++)
        assert_error_has(POLICY("\"policies\": [{\"guid\": \"%s\"}]", bad_guids[i]),
                         "t.json: $.policies[0].guid: expected a GUID \"{xxxxxxxx-xxxx-xxxx-"
                         "xxxx-xxxxxxxxxxxx}\" (hex digits, braces optional), got");
    assert_error(POLICY("\"policies\": [{\"guid\": 7}]"),
                 "t.json: $.policies[0].guid: expected a GUID \"{xxxxxxxx-xxxx-xxxx-xxxx-"
                 "xxxxxxxxxxxx}\" (hex digits, braces optional), got 7");
    assert_error(POLICY("\"policies\": [{%s, \"version\": 65536}]", G),
                 "t.json: $.policies[0].version: expected an integer in 0..65535, got 65536");
    assert_error(POLICY("\"policies\": [{%s, \"data\": \"abc\"}]", G),
                 "t.json: $.policies[0].data: expected an even number of hex digits, two a byte "
                 "(this has 3), got \"abc\"");
    assert_error(POLICY("\"policies\": [{%s, \"data\": \"0x12\"}]", G),
                 "t.json: $.policies[0].data: expected a string of hex digits, two a byte "
                 "(character 1 is not one), got \"0x12\"");
    assert_error(POLICY("\"policies\": [{%s, \"data\": [1]}]", G),
                 "t.json: $.policies[0].data: expected a string of hex digits, two a byte, got "
                 "[1]");
    assert_error(POLICY("\"policies\": [{%s, \"data\": \"00\", \"size\": 1}]", G),
                 "t.json: $.policies[0].size: not with \"data\" (give the bytes or how many, not "
                 "both)");
    assert_error(POLICY("\"policies\": [{%s, \"size\": 65536}]", G),
                 "t.json: $.policies[0].size: expected an integer in 0..65535, got 65536");
#undef POLICY
}

Test(scenario_errors, policy_changes)
{
    char text[1024];
#define CHANGE(...)                                                   \
    (snprintf(text, sizeof text,                                      \
              "\"policies\": [{\"guid\": \"00000000-0000-0000-0000-"  \
              "000000000000\"}], \"policy_changes\": [" __VA_ARGS__), \
     with(text))
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"update\"}]"),
                 "t.json: $.policy_changes[0].policy: missing required key");
    assert_error(CHANGE("{\"op\": \"update\", \"policy\": 0}]"),
                 "t.json: $.policy_changes[0].at: missing required key");
    assert_error(CHANGE("{\"at\": \"0s\", \"policy\": 0}]"),
                 "t.json: $.policy_changes[0].op: missing required key");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"add\", \"policy\": 0}]"),
                 "t.json: $.policy_changes[0].op: expected one of \"update\", \"delete\", got "
                 "\"add\"");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 0, \"size\": 1}]"),
                 "t.json: $.policy_changes[0].size: only with op \"update\" (op is \"delete\")");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 0, \"data\": \"\"}]"),
                 "t.json: $.policy_changes[0].data: only with op \"update\" (op is \"delete\")");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 1}]"),
                 "t.json: $.policy_changes[0].policy: expected a policy index below the number "
                 "of $.policies (1), got 1");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 64}]"),
                 "t.json: $.policy_changes[0].policy: expected an integer in 0..63, got 64");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 0, \"vm\": 2}]"),
                 "t.json: $.policy_changes[0].vm: expected a VM index below topology.hosts * "
                 "vms_per_host (2), got 2");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 0, \"vm\": -1}]"),
                 "t.json: $.policy_changes[0].vm: expected an integer in 0..4294967294, got -1");
    assert_error(CHANGE("{\"at\": \"0s\", \"op\": \"delete\", \"policy\": 0}, "
                        "{\"at\": \"1s\", \"op\": \"delete\", \"policy\": 0}]"),
                 "t.json: $.policy_changes[1].at: expected a time before run.duration (1 s), got "
                 "\"1s\"");
    assert_error(with("\"policy_changes\": [{\"at\": \"0s\", \"op\": \"delete\", "
                      "\"policy\": 0}]"),
                 "t.json: $.policy_changes[0].policy: expected a policy index below the number "
                 "of $.policies (0), got 0");
#undef CHANGE
}

Test(scenario_errors, extensions)
{
    assert_error(with("\"extensions\": {\"stack\": [\"" WFP "\"], \"order\": []}"),
                 "t.json: $.extensions.order: unknown key (expected one of: stack, events)");
    assert_error(with("\"extensions\": {\"stack\": \"" WFP "\"}"),
                 "t.json: $.extensions.stack: expected an array of 1..16 extension names, ingress "
                 "first, got \"Microsoft Windows Filtering Platform\"");
    assert_error(with("\"extensions\": {\"stack\": [\"" WFP "\", \"\"]}"),
                 "t.json: $.extensions.stack[1]: expected an extension's name, a string of 1..256 "
                 "characters, got \"\"");
    assert_error(with("\"extensions\": {\"stack\": [\"" CAPTURE "\"]}"),
                 "t.json: $.extensions.stack: expected \"" WFP "\" in the stack (WFP carries the "
                 "callouts), got [\"" CAPTURE "\"]");
    assert_error(with("\"extensions\": {\"stack\": [\"" WFP "\", \"" WFP "\"]}"),
                 "t.json: $.extensions.stack[1]: expected a name not in the stack already "
                 "($.extensions.stack[0] is the same), got \"" WFP "\"");
#define EVENT(json) with("\"extensions\": {\"events\": [" json "]}")
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0}"),
                 "t.json: $.extensions.events[0].action: missing required key");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0, \"action\": \"pause\"}"),
                 "t.json: $.extensions.events[0].action: expected one of \"restart\", "
                 "\"reorder\", got \"pause\"");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0, \"action\": \"restart\", \"pause\": 1}"),
                 "t.json: $.extensions.events[0].pause: expected a duration: a number with a unit "
                 "ns, us, ms, s, m or h, like \"1.5ms\", got 1");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0, \"action\": \"reorder\"}"),
                 "t.json: $.extensions.events[0].order: missing required key (action is "
                 "\"reorder\")");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0, \"action\": \"reorder\", \"order\": "
                       "[\"" WFP "\", \"NDIS Capture\"]}"),
                 "t.json: $.extensions.events[0].order[1]: expected a name in extensions.stack, "
                 "got \"NDIS Capture\"");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0, \"action\": \"reorder\", \"order\": "
                       "[\"" WFP "\", \"" CAPTURE "\", \"" WFP "\"]}"),
                 "t.json: $.extensions.events[0].order[2]: expected each name of extensions.stack "
                 "once (order[0] is the same), got \"" WFP "\"");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 0, \"action\": \"reorder\", \"order\": "
                       "[\"" CAPTURE "\"]}"),
                 "t.json: $.extensions.events[0].order: expected all 2 names of extensions.stack "
                 "($.extensions.stack[0] is missing), got [\"" CAPTURE "\"]");
    assert_error(EVENT("{\"at\": \"0s\", \"host\": 2, \"action\": \"restart\"}"),
                 "t.json: $.extensions.events[0].host: expected a host index below "
                 "topology.hosts (2), got 2");
    assert_error(EVENT("{\"at\": \"2s\", \"host\": 0, \"action\": \"restart\"}"),
                 "t.json: $.extensions.events[0].at: expected a time before run.duration (1 s), "
                 "got \"2s\"");
#undef EVENT
}

Test(scenario_errors, new_migration_and_topology_keys)
{
    assert_error(with("\"migration\": {\"sequence\": \"D-LMS\"}"),
                 "t.json: $.migration.sequence: expected one of \"documented\", \"legacy\", got "
                 "\"D-LMS\"");
    assert_error(with("\"migration\": {\"on_refused\": \"retry\"}"),
                 "t.json: $.migration.on_refused: expected one of \"fail\", \"next_host\", got "
                 "\"retry\"");
    assert_error(with("\"migration\": {\"max_destinations\": 65}"),
                 "t.json: $.migration.max_destinations: expected an integer in 1..64, got 65");
    assert_error(with("\"migration\": {\"on_restore_failure\": true}"),
                 "t.json: $.migration.on_restore_failure: expected one of \"vm_off\", \"online\", "
                 "got true");
    assert_error(with("\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1, "
                      "\"vm_start\": \"booted\"}"),
                 "t.json: $.topology.vm_start: expected one of \"running\", \"power_on\", got "
                 "\"booted\"");
}

/* MINIMAL with "migration": {"precopy": json}: the precopy distribution. */
static vs_dist precopy_of(const char *json, vs_config *cfg)
{
    char text[1024], err[VS_ERROR_MAX];
    snprintf(text, sizeof text,
             "{\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1}, "
             "\"plugins\": [], \"run\": {\"duration\": \"1s\"}, "
             "\"workload\": {\"rate_per_s\": 1}, \"migration\": {\"precopy\": %s}}",
             json);
    cr_assert_eq(load(text, cfg, err), 0, "%s: %s", json, err);
    return cfg->migration.precopy;
}

Test(scenario, every_distribution_kind)
{
    vs_config c;
    vs_dist d = precopy_of("{\"dist\": \"constant\", \"value\": \"3us\"}", &c);
    cr_assert(d.kind == VS_DIST_CONSTANT && d.a == 3000);
    vs_config_close(&c);
    d = precopy_of("\"250ns\"", &c);
    cr_assert(d.kind == VS_DIST_CONSTANT && d.a == 250, "a bare duration is a constant");
    vs_config_close(&c);
    d = precopy_of("{\"dist\": \"uniform\", \"min\": \"1ms\", \"max\": \"1ms\"}", &c);
    cr_assert(d.kind == VS_DIST_UNIFORM && d.a == 1e6 && d.b == 1e6);
    vs_config_close(&c);
    d = precopy_of("{\"dist\": \"exponential\", \"mean\": \"1h\"}", &c);
    cr_assert(d.kind == VS_DIST_EXPONENTIAL && d.a == 3.6e12);
    vs_config_close(&c);
    d = precopy_of("{\"dist\": \"lognormal\", \"mu\": 10, \"sigma\": 0.5}", &c);
    cr_assert(d.kind == VS_DIST_LOGNORMAL && d.a == 10 && d.b == 0.5);
    vs_config_close(&c);
    d = precopy_of("{\"dist\": \"lognormal\", \"mean\": \"1ms\", \"p99\": \"5ms\"}", &c);
    cr_assert_eq(d.kind, VS_DIST_LOGNORMAL);
    cr_assert_float_eq(vs_dist_mean(&d), 1e6, 1e-3, "the fit keeps the mean");
    vs_config_close(&c);
    d = precopy_of("{\"dist\": \"empirical\", \"values\": [\"3ms\", \"1ms\", \"2ms\"]}", &c);
    cr_assert(d.kind == VS_DIST_EMPIRICAL && d.nvalues == 3);
    cr_assert_float_eq(vs_dist_mean(&d), 2e6, 1e-3);
    vs_config_close(&c);
}

Test(scenario_errors, bad_distributions)
{
    char text[1024];
    static const struct {
        const char *dist, *error;
    } cases[] = {
        {"{\"dist\": \"normal\"}", "$.migration.precopy.dist: expected one of \"constant\", "
                                   "\"uniform\", \"exponential\", \"lognormal\", "
                                   "\"empirical\", got \"normal\""},
        {"{\"value\": \"1ms\"}", "$.migration.precopy.dist: missing required key"},
        {"{\"dist\": \"uniform\", \"min\": \"2ms\", \"max\": \"1ms\"}",
         "$.migration.precopy.max: expected a duration >= min, got \"1ms\""},
        {"{\"dist\": \"exponential\", \"mean\": \"0s\"}",
         "$.migration.precopy.mean: expected a duration > 0, got \"0s\""},
        {"{\"dist\": \"exponential\", \"value\": \"1s\"}",
         "$.migration.precopy.value: unknown key (expected one of: dist, mean)"},
        {"{\"dist\": \"lognormal\", \"mean\": \"1ms\", \"p99\": \"2ms\", \"mu\": 1}",
         "$.migration.precopy: expected either mean and p99 or mu and sigma, not both"},
        {"{\"dist\": \"lognormal\", \"mean\": \"1ms\"}",
         "$.migration.precopy.p99: missing required key"},
        {"{\"dist\": \"lognormal\", \"mean\": \"2ms\", \"p99\": \"1ms\"}",
         "$.migration.precopy: expected a lognormal's mean and p99"},
        {"{\"dist\": \"lognormal\", \"mu\": 43, \"sigma\": 2}",
         "$.migration.precopy: expected a lognormal whose mean fits in int64 ns"},
        {"{\"dist\": \"empirical\"}",
         "$.migration.precopy: expected either values or file, got {\"dist\":\"empirical\"}"},
        {"{\"dist\": \"empirical\", \"values\": [\"1s\"], \"file\": \"a.csv\"}",
         "$.migration.precopy: expected either values or file, not both"},
        {"{\"dist\": \"empirical\", \"file\": \"\"}",
         "$.migration.precopy.file: expected a file name, got \"\""},
        {"{\"dist\": \"constant\", \"file\": \"a.csv\"}",
         "$.migration.precopy.file: unknown key (expected one of: dist, value)"},
        {"{\"dist\": \"empirical\", \"values\": []}",
         "$.migration.precopy.values: expected an array of 1..1000000 durations, got []"},
        {"{\"dist\": \"empirical\", \"values\": [\"1s\", 2]}",
         "$.migration.precopy.values[1]: expected a duration"},
        {"7", "$.migration.precopy: expected a distribution"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text,
                 "{\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1}, "
                 "\"plugins\": [], \"run\": {\"duration\": \"1s\"}, "
                 "\"workload\": {\"rate_per_s\": 1}, \"migration\": {\"precopy\": %s}}",
                 cases[i].dist);
        assert_error_has(text, cases[i].error);
    }
}

Test(scenario, durations)
{
    static const struct {
        const char *text;
        vs_time_t ns;
    } good[] = {
        {"0ns", 0},
        {"1ns", 1},
        {"1.5ms", 1500000},
        {"250us", 250000},
        {"2s", 2000000000ull},
        {"1m", 60000000000ull},
        {"1h", 3600000000000ull},
        {"0.1s", 100000000},
        {"1e3us", 1000000},
        {"1E-3s", 1000000},
        {"12.25e+1ns", 123},
        {"0.5ns", 1},
        {"0.4ns", 0},
        {"0e999h", 0},
        {"9223372036854775807ns", 9223372036854775807ull},
        {"00012ms", 12000000},
        {"1.000000000000000000000000001s", 1000000000},
        {"0.000000000000000000000000001h", 0},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        vs_time_t ns = 7;
        cr_expect_eq(vs_duration_parse(good[i].text, &ns), 0, "%s", good[i].text);
        cr_expect_eq(ns, good[i].ns, "%s: %llu", good[i].text, (unsigned long long)ns);
    }
    static const char *const bad[] = {
        "",         "1",     "ms",    "-1ms", "+1ms", "1 ms",  " 1ms",
        "1ms ",     "1.ms",  ".5ms",  "1e",   "1ems", "1e+ms", "1sec",
        "1S",       "1d",    "1µs",   "NaNs", "infs", "1e30h", "9223372036854775808ns",
        "2562048h", "1..2s", "0x10s", NULL,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vs_time_t ns;
        cr_expect_eq(vs_duration_parse(bad[i], &ns), -1, "%s", bad[i] ? bad[i] : "NULL");
    }
}

/* ---- The memory pre-copy model's keys, and distributions of sizes and rates ---------- */

Test(scenario, memory_model_by_default)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(MINIMAL, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEMORY, "no precopy: the memory model");
    cr_assert_eq(cfg.migration.max_rounds, 5, "Hyper-V since WS2012 R2");
    cr_assert_eq(cfg.migration.max_downtime, 300000000ull, "QEMU's default");
    cr_assert(cfg.migration.setup.kind == VS_DIST_CONSTANT && cfg.migration.setup.a == 2.5e9,
              "fitted to Finn's single-VM times (docs/capacity.md)");
    cr_assert(cfg.vms.memory.kind == VS_DIST_CONSTANT && cfg.vms.memory.a == 4294967296.0);
    cr_assert(cfg.vms.dirty_rate.kind == VS_DIST_CONSTANT && cfg.vms.dirty_rate.a == 25e6);
    cr_assert(cfg.vms.working_set.kind == VS_DIST_CONSTANT &&
              cfg.vms.working_set.a == 1073741824.0);
    cr_assert_eq(cfg.network.bandwidth_bytes_per_s, 1.25e9, "10 Gbit/s");
    cr_assert_eq(cfg.network.latency, 200000ull);
    cr_assert_eq(cfg.network.efficiency, 0.95);
    cr_assert_eq(cfg.network.compression, 1.0);
    cr_assert(cfg.migration.precopy.kind == VS_DIST_LOGNORMAL, "still filled, unused");
    vs_config_close(&cfg);
}

Test(scenario, a_precopy_keeps_the_measured_model)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(with("\"migration\": {\"precopy\": \"2s\"}"), &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEASURED, "as before the memory model");
    cr_assert(cfg.migration.precopy.kind == VS_DIST_CONSTANT && cfg.migration.precopy.a == 2e9);
    cr_assert_eq(cfg.migration.max_rounds, 5);
    vs_config_close(&cfg);
    cr_assert_eq(load(with("\"migration\": {\"model\": \"measured\"}"), &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEASURED);
    cr_assert_float_eq(vs_dist_mean(&cfg.migration.precopy), 8e9, 1, "the default precopy");
    vs_config_close(&cfg);
    /* vms and network are allowed with "measured", though it does not read them */
    cr_assert_eq(load(with("\"migration\": {\"precopy\": \"2s\"}, \"vms\": {\"memory\": "
                           "\"1GiB\"}, \"network\": {\"bandwidth_gbps\": 1}"),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEASURED);
    cr_assert_eq(cfg.vms.memory.a, 1073741824.0);
    vs_config_close(&cfg);
}

Test(scenario, every_memory_model_key_is_read)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    const char *text = with(
        "\"migration\": {\"model\": \"memory\", \"setup\": \"1.5s\", \"max_rounds\": 30, "
        "\"max_downtime\": \"1ms\"},\n"
        " \"vms\": {\"memory\": {\"dist\": \"uniform\", \"min\": \"512MiB\", \"max\": \"80GB\"}, "
        "\"dirty_rate\": {\"dist\": \"exponential\", \"mean\": \"100Mbps\"}, "
        "\"working_set\": {\"dist\": \"empirical\", \"values\": [\"1.5GiB\", \"2KB\"]}},\n"
        " \"network\": {\"bandwidth_gbps\": 40, \"latency\": \"1ms\", \"efficiency\": 1, "
        "\"compression\": 2.5}");
    cr_assert_eq(load(text, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEMORY);
    cr_assert(cfg.migration.setup.kind == VS_DIST_CONSTANT && cfg.migration.setup.a == 1.5e9);
    cr_assert_eq(cfg.migration.max_rounds, 30);
    cr_assert_eq(cfg.migration.max_downtime, 1000000ull);
    cr_assert(cfg.vms.memory.kind == VS_DIST_UNIFORM && cfg.vms.memory.a == 536870912.0 &&
              cfg.vms.memory.b == 8e10);
    cr_assert(cfg.vms.dirty_rate.kind == VS_DIST_EXPONENTIAL && cfg.vms.dirty_rate.a == 12.5e6);
    cr_assert(cfg.vms.working_set.kind == VS_DIST_EMPIRICAL && cfg.vms.working_set.nvalues == 2);
    cr_assert_eq(cfg.vms.working_set.values[0], 2000.0, "sorted");
    cr_assert_eq(cfg.vms.working_set.values[1], 1610612736.0);
    cr_assert_eq(cfg.network.bandwidth_bytes_per_s, 5e9);
    cr_assert_eq(cfg.network.latency, 1000000ull);
    cr_assert_eq(cfg.network.efficiency, 1.0);
    cr_assert_eq(cfg.network.compression, 2.5);
    vs_config_close(&cfg);
    cr_assert_null(cfg.vms.working_set.values, "closed");
}

/* MINIMAL with "vms": {key: json}: that distribution, in cfg (close it). */
static vs_dist vms_dist(const char *key, const char *json, vs_config *cfg)
{
    char member[512], err[VS_ERROR_MAX];
    snprintf(member, sizeof member, "\"vms\": {\"%s\": %s}", key, json);
    cr_assert_eq(load(with(member), cfg, err), 0, "%s: %s", json, err);
    return strcmp(key, "memory") == 0       ? cfg->vms.memory
           : strcmp(key, "dirty_rate") == 0 ? cfg->vms.dirty_rate
                                            : cfg->vms.working_set;
}

Test(scenario, sizes_are_exact_bytes)
{
    static const struct {
        const char *text;
        double bytes;
    } good[] = {
        {"0B", 0},
        {"1B", 1},
        {"0.5B", 1}, /* rounded to whole bytes, halves up */
        {"0.4B", 0},
        {"1KB", 1000},
        {"1KiB", 1024},
        {"512MiB", 536870912},
        {"1.5GiB", 1610612736},
        {"4GiB", 4294967296},
        {"80GB", 8e10},
        {"4444MB", 4444e6},
        {"1TB", 1e12},
        {"1TiB", 1099511627776},
        {"1e3KB", 1e6},
        {"0.001GiB", 1073742}, /* 1073741.824 */
        {"9223372036854775807B", 9223372036854775807.0},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        /* the min of a uniform, which may be 0 where a constant could not */
        char json[128];
        vs_config cfg;
        snprintf(json, sizeof json,
                 "{\"dist\": \"uniform\", \"min\": \"%s\", \"max\": \"9223372036854775807B\"}",
                 good[i].text);
        vs_dist d = vms_dist("memory", json, &cfg);
        cr_expect(d.kind == VS_DIST_UNIFORM && d.a == good[i].bytes, "%s: %.17g", good[i].text,
                  d.a);
        vs_config_close(&cfg);
    }
}

Test(scenario, rates_are_exact_bytes_per_second)
{
    static const struct {
        const char *text;
        double bytes_per_s;
    } good[] = {
        {"0B/s", 0},
        {"25MB/s", 25e6},
        {"50MB/s", 50e6},
        {"1KiB/s", 1024},
        {"1.5GiB/s", 1610612736},
        {"1GB/s", 1e9},
        {"1TiB/s", 1099511627776},
        {"1bps", 0.125}, /* bits: exact to the bit */
        {"1Kbps", 125},
        {"100Mbps", 12.5e6},
        {"10Gbps", 1.25e9},
        {"1Tbps", 1.25e11},
        {"0.5B/s", 0.5},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char json[64];
        vs_config cfg;
        snprintf(json, sizeof json, "\"%s\"", good[i].text);
        vs_dist d = vms_dist("dirty_rate", json, &cfg);
        cr_expect(d.kind == VS_DIST_CONSTANT && d.a == good[i].bytes_per_s, "%s: %.17g",
                  good[i].text, d.a);
        vs_config_close(&cfg);
    }
}

Test(scenario, every_distribution_kind_of_sizes)
{
    vs_config c;
    vs_dist d = vms_dist("memory", "{\"dist\": \"constant\", \"value\": \"2GiB\"}", &c);
    cr_assert(d.kind == VS_DIST_CONSTANT && d.a == 2147483648.0);
    vs_config_close(&c);
    d = vms_dist("memory", "{\"dist\": \"exponential\", \"mean\": \"1GB\"}", &c);
    cr_assert(d.kind == VS_DIST_EXPONENTIAL && d.a == 1e9);
    vs_config_close(&c);
    d = vms_dist("memory", "{\"dist\": \"lognormal\", \"mean\": \"4GB\", \"p99\": \"16GB\"}", &c);
    cr_assert_eq(d.kind, VS_DIST_LOGNORMAL);
    cr_assert_float_eq(vs_dist_mean(&d), 4e9, 1, "the fit keeps the mean, in bytes");
    vs_config_close(&c);
    d = vms_dist("memory", "{\"dist\": \"lognormal\", \"mu\": 22, \"sigma\": 0.5}", &c);
    cr_assert(d.kind == VS_DIST_LOGNORMAL && d.a == 22 && d.b == 0.5);
    vs_config_close(&c);
    d = vms_dist("dirty_rate",
                 "{\"dist\": \"empirical\", \"values\": [\"1MB/s\", \"8Mbps\", "
                 "\"0B/s\"]}",
                 &c);
    cr_assert(d.kind == VS_DIST_EMPIRICAL && d.nvalues == 3);
    cr_assert_float_eq(vs_dist_mean(&d), 2e6 / 3, 1e-6);
    vs_config_close(&c);
    d = vms_dist("dirty_rate", "{\"dist\": \"uniform\", \"min\": \"0B/s\", \"max\": \"1Gbps\"}",
                 &c);
    cr_assert(d.kind == VS_DIST_UNIFORM && d.a == 0 && d.b == 1.25e8);
    vs_config_close(&c);
}

Test(scenario_errors, sizes_and_rates)
{
    static const char size_syntax[] =
        "expected a size: a number with a unit B, KB, MB, GB, TB (powers of 1000) or KiB, "
        "MiB, GiB, TiB (powers of 1024), like \"512MiB\"";
    static const char rate_syntax[] =
        "expected a rate: a number with a unit B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, "
        "GiB/s, TiB/s or bps, Kbps, Mbps, Gbps, Tbps (bits), like \"50MB/s\" or \"10Gbps\"";
    static const char *const bad_sizes[] = {"4096",  "4 GiB", " 4GiB", "4gib",  "4G",    "4GB/s",
                                            "4Gbps", "4KIB",  "4kB",   "1.GiB", ".5GiB", "NaNB",
                                            "infB",  "4GiBs", "0x10B", ""};
    for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        char member[128], want[512];
        snprintf(member, sizeof member, "\"vms\": {\"memory\": \"%s\"}", bad_sizes[i]);
        snprintf(want, sizeof want, "t.json: $.vms.memory: %s, got \"%s\"", size_syntax,
                 bad_sizes[i]);
        assert_error(with(member), want);
    }
    static const char *const bad_rates[] = {"25MB",    "25",     "25MBps",  "25Mb/s", "25mbps",
                                            "25MiBps", "25MB/S", "25 MB/s", "25B/sec"};
    for (size_t i = 0; i < sizeof bad_rates / sizeof bad_rates[0]; i++) {
        char member[128], want[512];
        snprintf(member, sizeof member, "\"vms\": {\"dirty_rate\": \"%s\"}", bad_rates[i]);
        snprintf(want, sizeof want, "t.json: $.vms.dirty_rate: %s, got \"%s\"", rate_syntax,
                 bad_rates[i]);
        assert_error(with(member), want);
    }
    assert_error(with("\"vms\": {\"memory\": 4096}"),
                 "t.json: $.vms.memory: expected a distribution: {\"dist\": \"constant\", ...} "
                 "or a size string, got 4096");
    assert_error(with("\"vms\": {\"memory\": \"-1GiB\"}"),
                 "t.json: $.vms.memory: expected a size >= 0, got \"-1GiB\"");
    assert_error(with("\"vms\": {\"memory\": \"8TiB\", \"working_set\": \"1e19B\"}"),
                 "t.json: $.vms.working_set: expected a size of at most 9223372036854775807B "
                 "(8 EiB), got \"1e19B\"");
    assert_error(with("\"vms\": {\"dirty_rate\": \"1.2e18B/s\"}"),
                 "t.json: $.vms.dirty_rate: expected a rate of at most 9223372036854775807bps, "
                 "got \"1.2e18B/s\"");
    assert_error(with("\"vms\": {\"memory\": \"0GiB\"}"),
                 "t.json: $.vms.memory: expected a size > 0, got \"0GiB\"");
    assert_error(with("\"vms\": {\"working_set\": {\"dist\": \"constant\", \"value\": \"0.4B\"}}"),
                 "t.json: $.vms.working_set.value: expected a size > 0, got \"0.4B\"");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"empirical\", \"values\": [\"0B\"]}}"),
                 "t.json: $.vms.memory: expected sizes whose mean is > 0, got "
                 "{\"dist\":\"empirical\",\"values\":[\"0B\"]}");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"uniform\", \"min\": \"2GiB\", "
                      "\"max\": \"1GiB\"}}"),
                 "t.json: $.vms.memory.max: expected a size >= min, got \"1GiB\"");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"exponential\", \"mean\": \"0B\"}}"),
                 "t.json: $.vms.memory.mean: expected a size > 0, got \"0B\"");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"empirical\", \"values\": []}}"),
                 "t.json: $.vms.memory.values: expected an array of 1..1000000 sizes, got []");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"empirical\", \"values\": [\"1s\"]}}"),
                 "t.json: $.vms.memory.values[0]: expected a size: a number with a unit B, KB, "
                 "MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), like "
                 "\"512MiB\", got \"1s\"");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"empirical\", \"file\": \"m.csv\"}}"),
                 "t.json: $.vms.memory.file: expected values: a file of samples (microseconds) "
                 "is for durations only, not sizes, got \"m.csv\"");
    assert_error(with("\"vms\": {\"memory\": {\"dist\": \"lognormal\", \"mu\": 43, "
                      "\"sigma\": 2}}"),
                 "t.json: $.vms.memory: expected a lognormal whose mean fits in int64 B "
                 "(mu + sigma^2/2 <= 43.6683), got {\"dist\":\"lognormal\",\"mu\":43,"
                 "\"sigma\":2}");
    assert_error(with("\"vms\": {\"dirty_rate\": {\"dist\": \"uniform\", \"min\": \"1Gbps\", "
                      "\"max\": \"1MB/s\"}}"),
                 "t.json: $.vms.dirty_rate.max: expected a rate >= min, got \"1MB/s\"");
    assert_error(with("\"vms\": {\"dirty_rate\": {\"dist\": \"constant\"}}"),
                 "t.json: $.vms.dirty_rate.value: missing required key");
}

Test(scenario_errors, memory_model_keys)
{
    assert_error(with("\"migration\": {\"model\": \"simgrid\"}"),
                 "t.json: $.migration.model: expected one of \"measured\", \"memory\", got "
                 "\"simgrid\"");
    assert_error(with("\"migration\": {\"model\": \"memory\", \"precopy\": \"8s\"}"),
                 "t.json: $.migration.precopy: only with migration.model \"measured\" "
                 "(migration.model is \"memory\")");
    assert_error(with("\"migration\": {\"max_rounds\": 0}"),
                 "t.json: $.migration.max_rounds: expected an integer in 1..30, got 0");
    assert_error(with("\"migration\": {\"max_rounds\": 31}"),
                 "t.json: $.migration.max_rounds: expected an integer in 1..30, got 31");
    assert_error(with("\"migration\": {\"max_downtime\": \"0ms\"}"),
                 "t.json: $.migration.max_downtime: expected a duration > 0, got \"0ms\"");
    assert_error(with("\"migration\": {\"setup\": \"1GiB\"}"),
                 "t.json: $.migration.setup: expected a duration: a number with a unit ns, us, "
                 "ms, s, m or h, like \"1.5ms\", got \"1GiB\"");
    assert_error(with("\"vms\": {\"ram\": \"4GiB\"}"),
                 "t.json: $.vms.ram: unknown key (expected one of: memory, dirty_rate, "
                 "working_set)");
    assert_error(with("\"vms\": []"), "t.json: $.vms: expected an object, got []");
    assert_error(with("\"network\": {\"mtu\": 9000}"),
                 "t.json: $.network.mtu: unknown key (expected one of: bandwidth_gbps, latency, "
                 "efficiency, compression)");
    assert_error(with("\"network\": {\"bandwidth_gbps\": 0}"),
                 "t.json: $.network.bandwidth_gbps: expected a number in (0, 1000000], got 0");
    assert_error(with("\"network\": {\"latency\": 200}"),
                 "t.json: $.network.latency: expected a duration: a number with a unit ns, us, "
                 "ms, s, m or h, like \"1.5ms\", got 200");
    assert_error(with("\"network\": {\"efficiency\": 0}"),
                 "t.json: $.network.efficiency: expected a number in (0, 1], got 0");
    assert_error(with("\"network\": {\"efficiency\": 1.5}"),
                 "t.json: $.network.efficiency: expected a number in (0, 1], got 1.5");
    assert_error(with("\"network\": {\"compression\": 0.5}"),
                 "t.json: $.network.compression: expected a number in [1, 100], got 0.5");
    assert_error(with("\"network\": {\"compression\": 101}"),
                 "t.json: $.network.compression: expected a number in [1, 100], got 101");
}

Test(scenario_errors, exact_messages)
{
    assert_error(with("\"seed\": \"42\""),
                 "t.json: $.seed: expected an integer in 0..9223372036854775807, got \"42\"");
    assert_error(with("\"seed\": 1.0"),
                 "t.json: $.seed: expected an integer in 0..9223372036854775807, got 1.0");
    assert_error("{\"workload\": {\"rte_per_s\": 3}}",
                 "t.json: $.workload.rte_per_s: unknown key (expected one of: type, "
                 "operation, max_operations, rate_per_s, population, think, hosts, at, stages, "
                 "file)");
    assert_error("{\"workload\": {\"rate_per_s\": -3}}",
                 "t.json: $.workload.rate_per_s: expected a number in (0, 1000000], got -3");
    assert_error("{\"seed\": 1,\n  \"seed\": 2}",
                 "t.json:2:8: duplicate object key near '\"seed\"'");
    assert_error("{\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 69}}",
                 "t.json: $.topology.nics_per_vm: expected an integer in 1..68, got 69");
    assert_error("{\"topology\": {\"hosts\": 0}}",
                 "t.json: $.topology.hosts: expected an integer in 1..100000, got 0");
    assert_error(with("\"topology\": {\"hosts\": 1, \"vms_per_host\": 1, \"nics_per_vm\": 1}"),
                 "t.json: $.topology.hosts: expected an integer in 2..100000 when "
                 "workload.operation is \"migrate\" (a migration goes to another host), got 1");
    assert_error("[1, 2]", "t.json: $: expected an object, got [1,2]");
    assert_error("", "t.json: empty file");
    assert_error(" \n\t", "t.json: empty file (only whitespace)");
    assert_error("{\"a\": NaN}", "t.json:1:9: invalid token near 'NaN'");
    assert_error(with("\"description\": \"0123456789012345678901234567890123456789xyz\", "
                      "\"seed\": -1"),
                 "t.json: $.seed: expected an integer in 0..9223372036854775807, got -1");
    assert_error(
        with("\"Description\": \"0123456789012345678901234567890123456789xyz\""),
        "t.json: $.Description: unknown key (expected one of: $schema, extends, name, "
        "description, seed, topology, plugins, policies, policy_changes, wfp, ndis, "
        "kernel, extensions, migration, vms, network, workload, run, faults, metrics, slo, "
        "verifier, sweep)");
    assert_error(with("\"slo\": [\"saves.failed = 0\"]"),
                 "t.json: $.slo[0]: expected \"<metric> <op> <number>\" with op one of < <= > "
                 ">= == !=, got \"saves.failed = 0\"");
    assert_error(with("\"wfp\": {\"fanout\": \"Parallel\"}"),
                 "t.json: $.wfp.fanout: expected one of \"sequential\", \"parallel\", got "
                 "\"Parallel\"");
    assert_error(with("\"workload\": {\"type\": \"open\", \"rate_per_s\": 1}"),
                 "t.json: $.workload.type: expected one of \"poisson\", \"closed\", \"drain\", "
                 "\"ramp\", \"trace\", got \"open\"");
    assert_error(with("\"workload\": {\"type\": \"closed\", \"rate_per_s\": 1}"),
                 "t.json: $.workload.rate_per_s: only for types \"poisson\", \"ramp\" "
                 "(workload.type is \"closed\")");
    assert_error(with("\"workload\": {\"rate_per_s\": 1, \"population\": 4}"),
                 "t.json: $.workload.population: only for type \"closed\" (workload.type is "
                 "\"poisson\")");
}

Test(scenario_errors, got_is_cut_to_40_chars)
{
    assert_error(with("\"name\": [\"0123456789012345678901234567890123456789\"]"),
                 "t.json: $.name: expected a string, got "
                 "[\"01234567890123456789012345678901234567...");
}

Test(scenario_errors, odd_keys_are_quoted_in_paths)
{
    assert_error_has(with("\"odd key\": 1"), "t.json: $[\"odd key\"]: unknown key");
    assert_error_has(with("\"wfp\": {\"9\": 1}"), "t.json: $.wfp[\"9\"]: unknown key");
}

Test(scenario_errors, got_never_splits_utf8)
{
    char member[128] = "\"seed\": \"";
    for (int i = 0; i < 24; i++)
        strcat(member, "\xc3\xa9"); /* é */
    strcat(member, "\"");
    char want[128] = "got \"";
    for (int i = 0; i < 19; i++)
        strcat(want, "\xc3\xa9");
    strcat(want, "...");
    const char *e = error_of(with(member));
    size_t n = strlen(e), w = strlen(want);
    cr_assert(n >= w && strcmp(e + n - w, want) == 0, "%s", e);
}

Test(scenario_errors, first_error_in_file_order_wins)
{
    /* Both "run" and "seed" are wrong; "run" comes first in the file. */
    assert_error_has("{\"run\": {\"duration\": 5}, \"seed\": -1}", "$.run.duration:");
    assert_error_has("{\"seed\": -1, \"run\": {\"duration\": 5}}", "$.seed:");
    /* Missing required sections come after everything present is checked. */
    assert_error_has("{\"seed\": 3, \"plugins\": 4}", "$.plugins: expected an array");
    assert_error("{\"seed\": 3}", "t.json: $.topology: missing required key");
    assert_error_has("{\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1}}",
                     "$.plugins: missing required key");
}

Test(scenario_errors, numbers_and_strings)
{
    assert_error_has(with("\"seed\": 18446744073709551616"), "t.json:1:29: too big integer");
    assert_error_has(with("\"seed\": 1e400"), "real number overflow");
    assert_error_has("{\"workload\": {\"rate_per_s\": 1e10}}", "expected a number in (0, ");
    assert_error_has(with("\"migration\": {\"bandwidth_gbps\": 0}"),
                     "$.migration.bandwidth_gbps: expected a number in (0, 1000000], got 0");
    assert_error_has(with("\"migration\": {\"max_per_host\": 0}"),
                     "$.migration.max_per_host: expected an integer in 1..1024, got 0");
    assert_error_has(with("\"migration\": {\"timeout\": \"0s\"}"),
                     "$.migration.timeout: expected a duration > 0, got \"0s\"");
    assert_error_has(with("\"ndis\": {\"oid_cost\": \"-1us\"}"),
                     "$.ndis.oid_cost: expected a duration >= 0, got \"-1us\"");
    assert_error_has(with("\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1, "
                          "\"cpus_per_host\": 0}"),
                     "$.topology.cpus_per_host: expected an integer in 1..1024, got 0");
    assert_error_has(with("\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1, "
                          "\"switches_per_host\": 65}"),
                     "$.topology.switches_per_host: expected an integer in 1..64, got 65");
    assert_error_has(with("\"metrics\": {\"histogram_rel_error\": 0}"),
                     "$.metrics.histogram_rel_error: expected a number in (0, 0.1], got 0");
    assert_error_has(with("\"faults\": {\"corrupt_restore_probability\": 1.5}"),
                     "$.faults.corrupt_restore_probability: expected a number in [0, 1], got 1.5");
    assert_error_has(with("\"run\": {\"duration\": \"0s\"}"),
                     "$.run.duration: expected a duration > 0, got \"0s\"");
    assert_error_has(with("\"run\": {\"duration\": \"1e30h\"}"),
                     "$.run.duration: expected a duration of at most 9223372036854775807ns");
    assert_error_has(with("\"wfp\": {\"pending_timeout\": 12}"),
                     "$.wfp.pending_timeout: expected a duration: a number with a unit");
    assert_error_has(with("\"name\": \"\""), "$.name: expected a non-empty string, got \"\"");
    char *big = malloc(70000 + 32);
    strcpy(big, "\"description\": \"");
    memset(big + strlen(big), 'a', 70000);
    strcpy(big + 16 + 70000, "\"");
    assert_error_has(with(big), "$.description: expected a string of at most 65536 bytes");
    free(big);
}

Test(scenario_errors, deep_nesting)
{
    char text[1024] = "{\"plugins\": [{\"path\": \"x\", \"params\": {\"a\": ";
    for (int i = 0; i < 70; i++)
        strcat(text, "[");
    for (int i = 0; i < 70; i++)
        strcat(text, "]");
    strcat(text, "}}]}");
    assert_error_has(text, "t.json: $.plugins[0].params.a[0][0]");
    assert_error_has(text, ": expected arrays and objects nested at most 64 deep, got [[[[");
}

Test(scenario_errors, plugins)
{
    assert_error_has(with("\"plugins\": [{\"path\": \"nosuch\"}]"),
                     "t.json: $.plugins[0].path: no plugin \"nosuch\" in /tmp/vs-test-scenario-");
    assert_error_has(with("\"plugins\": [{\"path\": \"sub/nosuch.so\"}]"),
                     "/sub/nosuch.so: No such file or directory");
    assert_error_has(with("\"plugins\": [{\"name\": \"a\", \"path\": \"x\"}, "
                          "{\"name\": \"a\", \"path\": \"y\"}]"),
                     "$.plugins[1].name: expected a name not used by another plugin "
                     "($.plugins[0] is \"a\" too), got \"a\"");
    assert_error_has(with("\"plugins\": [{\"path\": \"x\"}, {\"path\": \"x\"}]"),
                     "$.plugins[1]: expected a name not used");
    assert_error_has(with("\"plugins\": [{\"name\": \"a b\", \"path\": \"x\"}]"),
                     "$.plugins[0].name: expected a name of 1..64 characters");
    assert_error_has(with("\"plugins\": [{\"path\": \"x\", \"params\": \"{}\"}]"),
                     "$.plugins[0].params: expected an object, got \"{}\"");
    assert_error_has(with("\"plugins\": [{\"path\": \"x\", \"param\": {}}]"),
                     "$.plugins[0].param: unknown key (expected one of: name, path, params, "
                     "timing, timing_scale)");
    assert_error_has(with("\"plugins\": [{\"name\": \"x\"}]"),
                     "$.plugins[0].path: missing required key");
    assert_error_has(with("\"plugins\": [\"x\"]"), "$.plugins[0]: expected an object, got \"x\"");
}

Test(scenario, plugin_timing)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(with("\"plugins\": [{\"name\": \"a\", \"path\": \"x\"}, "
                           "{\"name\": \"b\", \"path\": \"x\", \"timing\": \"measured\"}, "
                           "{\"name\": \"c\", \"path\": \"x\", \"timing\": \"measured\", "
                           "\"timing_scale\": 0.25}, "
                           "{\"name\": \"d\", \"path\": \"x\", \"timing\": \"charged\"}]"),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.nplugins, 4);
    vs_plugin_timing a = vs_config_timing(&cfg, 0), b = vs_config_timing(&cfg, 1),
                     c = vs_config_timing(&cfg, 2), d = vs_config_timing(&cfg, 3);
    cr_assert_eq(a.mode, VS_TIMING_CHARGED, "charged by default");
    cr_assert_float_eq(a.scale, 1.0, 1e-12);
    cr_assert_eq(b.mode, VS_TIMING_MEASURED);
    cr_assert_float_eq(b.scale, 1.0, 1e-12, "scale 1 by default");
    cr_assert_eq(c.mode, VS_TIMING_MEASURED);
    cr_assert_float_eq(c.scale, 0.25, 1e-12);
    cr_assert_eq(d.mode, VS_TIMING_CHARGED);
    vs_config_close(&cfg);
    /* A config built by hand (no plugin_timing) is all charged. */
    vs_config bare = {.nplugins = 2};
    cr_assert_eq(vs_config_timing(&bare, 1).mode, VS_TIMING_CHARGED);
    cr_assert_float_eq(vs_config_timing(&bare, 1).scale, 1.0, 1e-12);
    /* --set reaches both keys, validated as if in the file. */
    vs_override ov[] = {{"plugins.0.timing", "measured"}, {"plugins.0.timing_scale", "3"}};
    cr_assert_eq(load_with(with("\"plugins\": [{\"path\": \"x\"}]"), ov, 2, &cfg, err), 0, "%s",
                 err);
    cr_assert_eq(vs_config_timing(&cfg, 0).mode, VS_TIMING_MEASURED);
    cr_assert_float_eq(vs_config_timing(&cfg, 0).scale, 3.0, 1e-12);
    vs_config_close(&cfg);
}

Test(scenario_errors, plugin_timing)
{
    assert_error(with("\"plugins\": [{\"path\": \"x\", \"timing\": \"wall\"}]"),
                 "t.json: $.plugins[0].timing: expected one of \"charged\", \"measured\", got "
                 "\"wall\"");
    assert_error(with("\"plugins\": [{\"path\": \"x\", \"timing\": \"measured\", "
                      "\"timing_scale\": 0}]"),
                 "t.json: $.plugins[0].timing_scale: expected a number in (0, 1000000], got 0");
    assert_error(with("\"plugins\": [{\"path\": \"x\", \"timing\": \"measured\", "
                      "\"timing_scale\": \"2\"}]"),
                 "t.json: $.plugins[0].timing_scale: expected a number in (0, 1000000], got \"2\"");
    assert_error(with("\"plugins\": [{\"path\": \"x\"}, {\"path\": \"y\", \"timing_scale\": 2}]"),
                 "t.json: $.plugins[1].timing_scale: only with timing \"measured\" "
                 "(plugins[1].timing is \"charged\")");
    /* In the order of the keys' table: params before timing. */
    assert_error_has(with("\"plugins\": [{\"path\": \"x\", \"timing\": \"wall\", \"params\": 1}]"),
                     "$.plugins[0].params: expected an object");
}

Test(scenario_errors, slo)
{
    assert_error(with("\"slo\": [\"saves.failed == 0\", \"latency_us.foo.p99 < 3\"]"),
                 "t.json: $.slo[1]: unknown metric \"latency_us.foo.p99\" (see "
                 "docs/scenario.md, \"slo\")");
    assert_error_has(with("\"slo\": [\"saves.failed < 1e400\"]"), "$.slo[0]: expected \"<metric>");
    assert_error_has(with("\"slo\": [\"saves.failed <\"]"), "$.slo[0]: expected \"<metric>");
    assert_error_has(with("\"slo\": [\"< 3\"]"), "$.slo[0]: expected \"<metric>");
    assert_error_has(with("\"slo\": [\"saves.failed < 3 4\"]"), "$.slo[0]: expected \"<metric>");
    assert_error_has(with("\"slo\": \"saves.failed < 3\""), "$.slo: expected an array");
}

/* Workloads, migration and CSV files ------------------------------------------------ */

#define TOPO4 "\"hosts\": 4, \"vms_per_host\": 2, \"nics_per_vm\": 1"

/* A scenario of the given topology and workload members, run.duration 10s, and more
 * top-level members when `extra` is not NULL. */
static const char *scen(const char *topo, const char *workload, const char *extra)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"topology\": {%s}, \"plugins\": [], \"workload\": {%s}, "
             "\"run\": {\"duration\": \"10s\"}%s%s}",
             topo, workload, extra ? ", " : "", extra ? extra : "");
    return buf;
}

/* Writes len bytes as plugdir/name: the scenario's folder in load(). */
static void put(const char *name, const char *bytes, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", plugdir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "create %s", path);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

static void put_text(const char *name, const char *text)
{
    put(name, text, strlen(text));
}

Test(scenario, workload_closed)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    const char *text = scen("\"hosts\": 1, \"vms_per_host\": 4, \"nics_per_vm\": 1",
                            "\"type\": \"closed\", \"operation\": \"local_save_restore\", "
                            "\"population\": 4, \"think\": {\"dist\": \"exponential\", "
                            "\"mean\": \"1s\"}, \"max_operations\": 100",
                            NULL);
    cr_assert_eq(load(text, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.topology.hosts, 1, "one host is enough to save and restore locally");
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_CLOSED);
    cr_assert_eq(cfg.workload.operation, VS_OP_LOCAL_SAVE_RESTORE);
    cr_assert_eq(cfg.workload.population, 4);
    cr_assert(cfg.workload.think.kind == VS_DIST_EXPONENTIAL && cfg.workload.think.a == 1e9);
    cr_assert_eq(cfg.workload.max_operations, 100);
    vs_config_close(&cfg);
    cr_assert_eq(load(scen(TOPO4, "\"type\": \"closed\", \"population\": 1", NULL), &cfg, err), 0,
                 "%s", err);
    cr_assert(cfg.workload.think.kind == VS_DIST_CONSTANT && cfg.workload.think.a == 0,
              "think defaults to 0s");
    vs_config_close(&cfg);
}

Test(scenario, workload_drain)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(scen(TOPO4, "\"type\": \"drain\", \"hosts\": [3, 1], \"at\": \"2s\"",
                           "\"migration\": {\"placement\": \"fixed\", \"target_host\": 0}"),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_DRAIN);
    cr_assert_eq(cfg.workload.ndrain_hosts, 2);
    cr_assert(cfg.workload.drain_hosts[0] == 3 && cfg.workload.drain_hosts[1] == 1);
    cr_assert_eq(cfg.workload.drain_at, 2000000000ull);
    vs_config_close(&cfg);
    cr_assert_eq(load(scen(TOPO4, "\"type\": \"drain\", \"hosts\": [0]", NULL), &cfg, err), 0, "%s",
                 err);
    cr_assert_eq(cfg.workload.drain_at, 0, "at defaults to 0s");
    vs_config_close(&cfg);
    /* Every host, saved and restored in place: nothing needs to go elsewhere. */
    cr_assert_eq(load(scen(TOPO4,
                           "\"type\": \"drain\", \"hosts\": [0, 1, 2, 3], "
                           "\"operation\": \"local_save_restore\"",
                           NULL),
                      &cfg, err),
                 0, "%s", err);
    vs_config_close(&cfg);
}

Test(scenario, workload_ramp)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(scen(TOPO4,
                           "\"type\": \"ramp\", \"rate_per_s\": 0.5, \"stages\": ["
                           "{\"duration\": \"10s\", \"target_rate_per_s\": 5}, "
                           "{\"target_rate_per_s\": 0, \"duration\": \"1m\"}]",
                           NULL),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_RAMP);
    cr_assert_eq(cfg.workload.rate_per_s, 0.5);
    cr_assert_eq(cfg.workload.nstages, 2);
    cr_assert_eq(cfg.workload.stages[0].duration, 10000000000ull);
    cr_assert_eq(cfg.workload.stages[0].target_rate_per_s, 5.0);
    cr_assert_eq(cfg.workload.stages[1].duration, 60000000000ull);
    cr_assert_eq(cfg.workload.stages[1].target_rate_per_s, 0.0);
    vs_config_close(&cfg);
    cr_assert_eq(load(scen(TOPO4,
                           "\"type\": \"ramp\", \"stages\": [{\"duration\": \"1s\", "
                           "\"target_rate_per_s\": 1e6}]",
                           NULL),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.workload.rate_per_s, 0.0, "a ramp starts at 0 by default");
    vs_config_close(&cfg);
}

Test(scenario, workload_trace)
{
    /* A header, a blank line, CRLF, spaces, an exponent, a missing target column. */
    put_text("trace.csv",
             "time_s,vm,target\n0,0,1\n\n0.5,7,\n 0.5 , 2\r\n1e1,1,0\n12.000000001,3,3");
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(scen(TOPO4, "\"type\": \"trace\", \"file\": \"trace.csv\"", NULL), &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_TRACE);
    cr_assert_eq(cfg.workload.ntrace, 5);
    const vs_trace_entry *t = cfg.workload.trace;
    cr_assert(t[0].at == 0 && t[0].vm == 0 && t[0].target == 1);
    cr_assert(t[1].at == 500000000 && t[1].vm == 7 && t[1].target == UINT32_MAX);
    cr_assert(t[2].at == 500000000 && t[2].vm == 2 && t[2].target == UINT32_MAX);
    cr_assert(t[3].at == 10000000000ull && t[3].vm == 1 && t[3].target == 0);
    cr_assert(t[4].at == 12000000001ull && t[4].vm == 3 && t[4].target == 3, "exact decimals");
    vs_config_close(&cfg);
    /* No header; a byte order mark is not taken for one. */
    put_text("t2.csv", "\xEF\xBB\xBF"
                       "1,2,3\n");
    cr_assert_eq(load(scen(TOPO4, "\"type\": \"trace\", \"file\": \"t2.csv\"", NULL), &cfg, err), 0,
                 "%s", err);
    cr_assert(cfg.workload.ntrace == 1 && cfg.workload.trace[0].at == 1000000000);
    vs_config_close(&cfg);
}

Test(scenario, empirical_from_csv)
{
    put_text("samples.csv", "\"latency (us)\",host\n\n1.5,a\r\n  2500 \n0\n1e3,x,y\n");
    vs_config cfg;
    vs_dist d = precopy_of("{\"dist\": \"empirical\", \"file\": \"samples.csv\"}", &cfg);
    cr_assert_eq(d.kind, VS_DIST_EMPIRICAL);
    cr_assert_eq(d.nvalues, 4);
    cr_assert(d.values[0] == 0 && d.values[1] == 1500 && d.values[2] == 1e6 && d.values[3] == 2.5e6,
              "microseconds, sorted: %g %g %g %g", d.values[0], d.values[1], d.values[2],
              d.values[3]);
    vs_config_close(&cfg);
    char abs[300];
    snprintf(abs, sizeof abs, "{\"dist\": \"empirical\", \"file\": \"%s/samples.csv\"}", plugdir);
    d = precopy_of(abs, &cfg);
    cr_assert_eq(d.nvalues, 4, "an absolute path is taken as it is");
    vs_config_close(&cfg);
}

Test(scenario_errors, workload_types)
{
    static const struct {
        const char *workload, *extra, *error;
    } cases[] = {
        {"\"type\": \"closed\"", NULL, "$.workload.population: missing required key"},
        {"\"type\": \"closed\", \"population\": 0", NULL,
         "$.workload.population: expected an integer in 1..1000000, got 0"},
        {"\"type\": \"closed\", \"population\": 9", NULL,
         "$.workload.population: expected at most topology.hosts * vms_per_host (8): one "
         "operation in flight per VM, got 9"},
        {"\"type\": \"closed\", \"population\": 1, \"think\": 5", NULL,
         "$.workload.think: expected a distribution: {\"dist\": \"constant\", ...} or a "
         "duration string, got 5"},
        {"\"type\": \"closed\", \"population\": 1, \"at\": \"1s\"", NULL,
         "$.workload.at: only for type \"drain\" (workload.type is \"closed\")"},
        {"\"type\": \"poisson\", \"rate_per_s\": 1, \"stages\": []", NULL,
         "$.workload.stages: only for type \"ramp\" (workload.type is \"poisson\")"},
        {"\"rate_per_s\": 1, \"file\": \"x.csv\"", NULL,
         "$.workload.file: only for type \"trace\" (workload.type is \"poisson\")"},
        {"\"type\": \"poisson\", \"rate_per_s\": 1e6, \"max_operations\": -1", NULL,
         "$.workload.max_operations: expected an integer in 0..9223372036854775807, got -1"},
        {"\"rate_per_s\": 1, \"operation\": \"migrate_storage\"", NULL,
         "$.workload.operation: expected one of \"migrate\", \"local_save_restore\", got "
         "\"migrate_storage\""},
        {"\"type\": \"drain\"", NULL, "$.workload.hosts: missing required key"},
        {"\"type\": \"drain\", \"hosts\": []", NULL,
         "$.workload.hosts: expected an array of 1..99999 host indices or ranges \"A..B\", got []"},
        {"\"type\": \"drain\", \"hosts\": 0", NULL,
         "$.workload.hosts: expected an array of 1..99999 host indices or ranges \"A..B\", got 0"},
        {"\"type\": \"drain\", \"hosts\": [0, \"1\"]", NULL,
         "$.workload.hosts[1]: expected a range \"A..B\" of host indices in 0..99999, got \"1\""},
        {"\"type\": \"drain\", \"hosts\": [0, true]", NULL,
         "$.workload.hosts[1]: expected a host index, an integer in 0..99999, or a range "
         "\"A..B\", got true"},
        {"\"type\": \"drain\", \"hosts\": [2, 0, 2]", NULL,
         "$.workload.hosts[2]: expected distinct host indices ($.workload.hosts[0] is 2 too), "
         "got 2"},
        {"\"type\": \"drain\", \"hosts\": [0, 4]", NULL,
         "$.workload.hosts[1]: expected a host index below topology.hosts (4), got 4"},
        {"\"type\": \"drain\", \"hosts\": [3, 2, 1, 0]", NULL,
         "$.workload.hosts: expected fewer hosts than topology.hosts (4): the VMs need a host "
         "to go to, got [3,2,1,0]"},
        {"\"type\": \"drain\", \"hosts\": [1], \"at\": \"10s\"", NULL,
         "$.workload.at: expected a time before run.duration (10 s), got \"10s\""},
        {"\"type\": \"drain\", \"hosts\": [1, 2]",
         "\"migration\": {\"placement\": \"fixed\", \"target_host\": 2}",
         "$.migration.target_host: expected a host that is not drained (it is "
         "$.workload.hosts[1]), got 2"},
        {"\"type\": \"drain\", \"hosts\": [1], \"rate_per_s\": 3", NULL,
         "$.workload.rate_per_s: only for types \"poisson\", \"ramp\" (workload.type is "
         "\"drain\")"},
        {"\"type\": \"ramp\"", NULL, "$.workload.stages: missing required key"},
        {"\"type\": \"ramp\", \"stages\": []", NULL,
         "$.workload.stages: expected an array of 1..1000 stages, got []"},
        {"\"type\": \"ramp\", \"rate_per_s\": -1, \"stages\": []", NULL,
         "$.workload.rate_per_s: expected a number in [0, 1000000], got -1"},
        {"\"type\": \"ramp\", \"stages\": [{\"target_rate_per_s\": 1}]", NULL,
         "$.workload.stages[0].duration: missing required key"},
        {"\"type\": \"ramp\", \"stages\": [{\"duration\": \"0s\", \"target_rate_per_s\": 1}]", NULL,
         "$.workload.stages[0].duration: expected a duration > 0, got \"0s\""},
        {"\"type\": \"ramp\", \"stages\": [{\"duration\": \"1s\", \"target_rate_per_s\": 1, "
         "\"hold\": \"1s\"}]",
         NULL,
         "$.workload.stages[0].hold: unknown key (expected one of: duration, target_rate_per_s)"},
        {"\"type\": \"ramp\", \"stages\": [{\"duration\": \"1s\", \"target_rate_per_s\": 2e6}]",
         NULL,
         "$.workload.stages[0].target_rate_per_s: expected a number in [0, 1000000], got "
         "2000000.0"},
        {"\"type\": \"ramp\", \"stages\": [[\"1s\", 1]]", NULL,
         "$.workload.stages[0]: expected an object {\"duration\", \"target_rate_per_s\"}, got "
         "[\"1s\",1]"},
        {"\"type\": \"ramp\", \"stages\": [{\"duration\": \"1s\", \"target_rate_per_s\": 0}]", NULL,
         "$.workload.stages: expected some target_rate_per_s > 0 (with these stages and "
         "rate_per_s 0 nothing ever arrives)"},
        {"\"type\": \"trace\"", NULL, "$.workload.file: missing required key"},
        {"\"type\": \"trace\", \"file\": \"\"", NULL,
         "$.workload.file: expected a file name, got \"\""},
        {"\"type\": \"trace\", \"file\": 3", NULL, "$.workload.file: expected a string, got 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, "t.json: %s", cases[i].error);
        const char *got = error_of(scen(TOPO4, cases[i].workload, cases[i].extra));
        cr_expect_str_eq(got, want, "case %zu: %s", i, got);
    }
}

Test(scenario_errors, migration)
{
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"migration\": {\"placement\": \"fixed\"}"),
                 "t.json: $.migration.target_host: missing required key (placement is "
                 "\"fixed\")");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"migration\": {\"target_host\": 1}"),
                 "t.json: $.migration.target_host: only with placement \"fixed\" "
                 "(migration.placement is \"least_loaded\")");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1",
                      "\"migration\": {\"target_host\": 1, \"placement\": \"random\"}"),
                 "t.json: $.migration.target_host: only with placement \"fixed\" "
                 "(migration.placement is \"random\")");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1",
                      "\"migration\": {\"placement\": \"fixed\", \"target_host\": 4}"),
                 "t.json: $.migration.target_host: expected a host index below topology.hosts "
                 "(4), got 4");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"migration\": {\"placement\": \"nearest\"}"),
                 "t.json: $.migration.placement: expected one of \"least_loaded\", \"random\", "
                 "\"fixed\", got \"nearest\"");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"migration\": {\"blackout\": \"1s\"}"),
                 "t.json: $.migration.blackout: unknown key (expected one of: max_per_host, "
                 "model, precopy, setup, max_rounds, max_downtime, pause, bandwidth_gbps, "
                 "latency, timeout, placement, target_host, disk_time, sequence, on_refused, "
                 "max_destinations, on_restore_failure)");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"wfp\": {\"segments\": \"one\"}"),
                 "t.json: $.wfp.segments: expected one of \"per_callout\", \"combined\", got "
                 "\"one\"");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"ndis\": {\"oversize\": \"truncate\"}"),
                 "t.json: $.ndis.oversize: expected one of \"fail\", \"split\", got \"truncate\"");
    assert_error(scen(TOPO4, "\"rate_per_s\": 1", "\"ndis\": {\"oid\": \"1us\"}"),
                 "t.json: $.ndis.oid: unknown key (expected one of: oid_cost, oversize)");
    /* Errors between sections come after every section passed on its own. */
    assert_error(scen("\"hosts\": 1, \"vms_per_host\": 1, \"nics_per_vm\": 1", "\"rate_per_s\": 1",
                      "\"seed\": -1"),
                 "t.json: $.seed: expected an integer in 0..9223372036854775807, got -1");
}

/* The error loading MINIMAL with migration.precopy from samples.csv holding `bytes`. */
static const char *csv_error(const char *bytes, size_t len)
{
    put("samples.csv", bytes, len);
    return error_of(scen(TOPO4, "\"rate_per_s\": 1",
                         "\"migration\": {\"precopy\": {\"dist\": \"empirical\", "
                         "\"file\": \"samples.csv\"}}"));
}

#define CSV_ERROR(text) csv_error(text, sizeof text - 1)
#define P "t.json: $.migration.precopy.file: "

Test(scenario_errors, empirical_csv)
{
    cr_assert_str_eq(CSV_ERROR("us\n1\n\n3\n7\n8\nabc\n"),
                     P "samples.csv:7: expected a number of microseconds, got \"abc\"");
    cr_assert_str_eq(CSV_ERROR("-5\n"),
                     P "samples.csv:1: expected a number of microseconds >= 0, got \"-5\"");
    cr_assert_str_eq(CSV_ERROR("1\n1e30\n"),
                     P "samples.csv:2: expected at most 9223372036854775807 ns (292 years), "
                       "got \"1e30\"");
    cr_assert_str_eq(CSV_ERROR("1\n\"2\"\n"),
                     P "samples.csv:2: expected a number of microseconds, got \"\\\"2\\\"\"");
    cr_assert_str_eq(CSV_ERROR("1\n2\xff\n"),
                     P "samples.csv:2: expected a number of microseconds, got \"2\\xFF\"");
    cr_assert_str_eq(CSV_ERROR("1\n2\0\n"), P "samples.csv:2: a NUL byte (not a text file?)");
    cr_assert_str_eq(CSV_ERROR(""), P "samples.csv: no values (one number of microseconds a "
                                      "line expected)");
    cr_assert_str_eq(CSV_ERROR("value\n\n  \n"),
                     P "samples.csv: no values (one number of microseconds a line expected)");
    cr_assert_str_eq(CSV_ERROR("1,2,3,4,5,6,7,8,9\n"), P "samples.csv:1: more than 8 fields");
    char *long_line = malloc(5000);
    memset(long_line, '1', 4999);
    long_line[4999] = '\n';
    cr_assert_str_eq(csv_error(long_line, 5000), P "samples.csv:1: line longer than 4096 bytes");
    free(long_line);
    /* Long files are read in pieces: an error far down names its line. */
    size_t n = 200000 * 6;
    char *many = malloc(n + 8);
    for (size_t i = 0; i < 200000; i++)
        memcpy(many + i * 6, "12.50\n", 6);
    memcpy(many + n, "x\n", 2);
    cr_assert_str_eq(csv_error(many, n + 2),
                     P "samples.csv:200001: expected a number of microseconds, got \"x\"");
    free(many);
    char want[400];
    snprintf(want, sizeof want, P "%s/none.csv: No such file or directory", plugdir);
    assert_error(scen(TOPO4, "\"rate_per_s\": 1",
                      "\"migration\": {\"precopy\": {\"dist\": \"empirical\", "
                      "\"file\": \"none.csv\"}}"),
                 want);
    snprintf(want, sizeof want, P "%s/.: is a directory", plugdir);
    assert_error(scen(TOPO4, "\"rate_per_s\": 1",
                      "\"migration\": {\"precopy\": {\"dist\": \"empirical\", \"file\": \".\"}}"),
                 want);
}
#undef P

/* The error loading a trace workload of TOPO4 (8 VMs) from trace.csv holding text. */
static const char *trace_error(const char *text, const char *operation)
{
    put_text("trace.csv", text);
    char workload[256];
    snprintf(workload, sizeof workload,
             "\"type\": \"trace\", \"file\": \"trace.csv\", \"operation\": \"%s\"", operation);
    return error_of(scen(TOPO4, workload, NULL));
}

#define P "t.json: $.workload.file: "

Test(scenario_errors, trace_csv)
{
    static const struct {
        const char *text, *error;
    } cases[] = {
        {"time_s,vm,target\n1,0,\n2,1,\n0.5,2,\n",
         "trace.csv:4: expected a time >= the previous row's (line 3), got \"0.5\""},
        {"1,0,\n\n\n2,1,\n1.999999999,2,\n",
         "trace.csv:5: expected a time >= the previous row's (line 4), got \"1.999999999\""},
        {"0,8,\n", "trace.csv:1: expected a VM index in 0..7 (topology.hosts * vms_per_host - "
                   "1), got \"8\""},
        {"0,-1,\n", "trace.csv:1: expected a VM index in 0..7 (topology.hosts * vms_per_host - "
                    "1), got \"-1\""},
        {"0,1.0,\n", "trace.csv:1: expected a VM index in 0..7 (topology.hosts * vms_per_host - "
                     "1), got \"1.0\""},
        {"0,,\n", "trace.csv:1: expected a VM index in 0..7 (topology.hosts * vms_per_host - "
                  "1), got \"\""},
        {"0,1,4\n", "trace.csv:1: expected a target host index in 0..3 or nothing, got \"4\""},
        {"0,1,x\n", "trace.csv:1: expected a target host index in 0..3 or nothing, got \"x\""},
        {"h\n0,1,2,3\n", "trace.csv:2: expected the fields time_s,vm,target (target may be "
                         "empty), got 4 fields"},
        {"0\n", "trace.csv:1: expected the fields time_s,vm,target (target may be empty), got "
                "1 field"},
        {"t,vm,target\nsoon,1,\n", "trace.csv:2: expected a time in seconds, got \"soon\""},
        {"-1,1,\n", "trace.csv:1: expected a time in seconds >= 0, got \"-1\""},
        {"1e10,1,\n", "trace.csv:1: expected a time of at most 9223372036.854775807 s, got "
                      "\"1e10\""},
        {"time_s,vm,target\n", "trace.csv: no rows (time_s,vm,target a line expected)"},
        {"", "trace.csv: no rows (time_s,vm,target a line expected)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[512];
        snprintf(want, sizeof want, P "%s", cases[i].error);
        const char *got = trace_error(cases[i].text, "migrate");
        cr_expect_str_eq(got, want, "case %zu: %s", i, got);
    }
    cr_assert_str_eq(trace_error("0,1,2\n", "local_save_restore"),
                     P "trace.csv:1: expected no target host with operation "
                       "\"local_save_restore\", got \"2\"");
    /* The trace is read last: an error in a later section comes first. */
    put_text("trace.csv", "bad\nbad\n");
    assert_error_has(scen(TOPO4, "\"type\": \"trace\", \"file\": \"trace.csv\"", "\"seed\": -1"),
                     "$.seed:");
}
#undef P

Test(scenario_set, overrides_before_validation)
{
    const vs_override ov[] = {
        {"workload.rate_per_s", "400"},    /* nested, a JSON number */
        {"plugins.0.params.workers", "8"}, /* through an array index */
        {"wfp.fanout", "parallel"},        /* creates "wfp"; not JSON: a string */
        {"run.duration", "\"2s\""},        /* a JSON string */
        {"description", "{\"a\": 1}"},     /* wrong type: an error, see below */
    };
    const char *text = "{\"topology\": {\"hosts\": 2, \"vms_per_host\": 1, \"nics_per_vm\": 1}, "
                       "\"plugins\": [{\"path\": \"x\", \"params\": {\"workers\": 1, \"b\": 2}}], "
                       "\"workload\": {\"rate_per_s\": 10}, \"run\": {\"duration\": \"1s\"}}";
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load_with(text, ov, 4, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.workload.rate_per_s, 400.0);
    cr_assert_str_eq(cfg.plugins[0].params_json, "{\"workers\":8,\"b\":2}");
    cr_assert_eq(cfg.wfp.fanout, VS_FANOUT_PARALLEL);
    cr_assert_eq(cfg.run.duration, 2000000000ull);
    vs_config_close(&cfg);
    cr_assert_eq(load_with(text, ov, 5, &cfg, err), -1);
    cr_assert_str_eq(err, "t.json: $.description: expected a string, got {\"a\":1}");
}

Test(scenario_set, new_sections)
{
    const vs_override ov[] = {
        {"migration.placement", "fixed"}, /* creates "migration" */
        {"migration.target_host", "1"},
        {"workload", "{\"type\": \"closed\", \"population\": 2}"}, /* a whole section */
        {"ndis.oversize", "split"},
    };
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load_with(MINIMAL, ov, 4, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.placement, VS_PLACE_FIXED);
    cr_assert_eq(cfg.migration.target_host, 1);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_CLOSED);
    cr_assert_eq(cfg.workload.population, 2);
    cr_assert_eq(cfg.ndis.oversize, VS_OVERSIZE_SPLIT);
    vs_config_close(&cfg);
    const vs_override type_only[] = {{"workload.type", "closed"}};
    cr_assert_eq(load_with(MINIMAL, type_only, 1, &cfg, err), -1);
    cr_assert_str_eq(err, "t.json: $.workload.rate_per_s: only for types \"poisson\", \"ramp\" "
                          "(workload.type is \"closed\")");
}

Test(scenario_set, memory_model_keys)
{
    const vs_override ov[] = {
        {"network.bandwidth_gbps", "1"}, /* creates "network" */
        {"vms.memory", "512MiB"},        /* not JSON: a string, a size */
        {"vms.dirty_rate", "{\"dist\": \"uniform\", \"min\": \"0B/s\", \"max\": \"1Gbps\"}"},
        {"migration.max_rounds", "10"},
    };
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load_with(MINIMAL, ov, 4, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.network.bandwidth_bytes_per_s, 1.25e8);
    cr_assert(cfg.vms.memory.kind == VS_DIST_CONSTANT && cfg.vms.memory.a == 536870912.0);
    cr_assert(cfg.vms.dirty_rate.kind == VS_DIST_UNIFORM && cfg.vms.dirty_rate.b == 1.25e8);
    cr_assert_eq(cfg.migration.max_rounds, 10);
    vs_config_close(&cfg);
    /* flipping the model alone: "measured" keeps the default precopy; "memory" refuses a
     * precopy the file gives */
    const vs_override measured[] = {{"migration.model", "measured"}};
    cr_assert_eq(load_with(MINIMAL, measured, 1, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEASURED);
    vs_config_close(&cfg);
    const vs_override memory[] = {{"migration.model", "memory"}};
    const char *text = with("\"migration\": {\"precopy\": \"2s\", \"max_rounds\": 3}");
    cr_assert_eq(load_with(text, memory, 1, &cfg, err), -1);
    cr_assert_str_eq(err, "t.json: $.migration.precopy: only with migration.model "
                          "\"measured\" (migration.model is \"memory\")");
    cr_assert_eq(load_with(MINIMAL, memory, 1, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.model, VS_PRECOPY_MEMORY);
    vs_config_close(&cfg);
}

Test(scenario_set, sequence_and_stack_keys)
{
    const vs_override ov[] = {
        {"migration.sequence", "legacy"},    {"migration.on_refused", "next_host"},
        {"migration.max_destinations", "5"}, {"migration.on_restore_failure", "online"},
        {"topology.vm_start", "power_on"},   {"extensions.stack", "[\"A\", \"" WFP "\"]"},
    };
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load_with(MINIMAL, ov, sizeof ov / sizeof ov[0], &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.migration.sequence, VS_SEQ_LEGACY);
    cr_assert_eq(cfg.migration.on_refused, VS_REFUSED_NEXT_HOST);
    cr_assert_eq(cfg.migration.max_destinations, 5);
    cr_assert_eq(cfg.migration.on_restore_failure, VS_RESTORE_FAILURE_ONLINE);
    cr_assert_eq(cfg.topology.vm_start, VS_START_POWER_ON);
    cr_assert_eq(cfg.extensions.nnames, 2);
    cr_assert_eq(cfg.extensions.wfp, 1);
    vs_config_close(&cfg);
}

Test(scenario_set, key_value_in_one_string)
{
    const vs_override ov[] = {{"seed=9", NULL}};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load_with(MINIMAL, ov, 1, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.seed, 9);
    vs_config_close(&cfg);
}

static const char *set_error(const char *key, const char *value)
{
    static char err[VS_ERROR_MAX];
    const vs_override ov[] = {{key, value}};
    vs_config cfg;
    cr_assert_eq(load_with(MINIMAL, ov, 1, &cfg, err), -1, "--set %s=%s", key, value);
    return err;
}

Test(scenario_set, bad_keys)
{
    cr_assert_str_eq(set_error("seed", NULL), "t.json: --set seed: expected KEY=VALUE, no '='");
    cr_assert_str_eq(set_error("", "1"), "t.json: --set =1: empty key");
    cr_assert_str_eq(set_error("run..duration", "1s"),
                     "t.json: --set run..duration=1s: empty path segment");
    cr_assert_str_eq(set_error("plugins.0.name", "a"),
                     "t.json: --set plugins.0.name=a: index 0 out of range (the array has 0 "
                     "elements)");
    cr_assert_str_eq(set_error("plugins.x", "a"),
                     "t.json: --set plugins.x=a: \"x\" is not an array index");
    cr_assert_str_eq(set_error("run.duration.x", "1"),
                     "t.json: --set run.duration.x=1: path goes through a string at "
                     "\"run.duration\", not an object or array");
    cr_assert_str_eq(set_error("topology.hosts", "\"4\""),
                     "t.json: $.topology.hosts: expected an integer in 1..100000, got \"4\"");
    cr_assert_str_eq(set_error("workload.rate_per_s", "1e400"),
                     "t.json: $.workload.rate_per_s: expected a number in (0, 1000000], got "
                     "\"1e400\"");
}

Test(scenario_set, seed_option_wins)
{
    const vs_override ov[] = {{"seed", "\"not a number\""}};
    vs_scenario_options opts = {.overrides = ov, .noverrides = 1, .have_seed = 1, .seed = 77};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    const char *text = with("\"seed\": 5");
    cr_assert_eq(vs_scenario_load_text(text, strlen(text), "t.json", ".", &opts, &cfg, err), 0,
                 "%s", err);
    cr_assert_eq(cfg.seed, 77);
    vs_config_close(&cfg);
    opts.seed = 1ull << 63;
    cr_assert_eq(vs_scenario_load_text(text, strlen(text), "t.json", ".", &opts, &cfg, err), -1);
    cr_assert_str_eq(err, "t.json: --seed 9223372036854775808: expected an integer in "
                          "0..9223372036854775807");
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(scenario, load_from_file)
{
    char path[256], err[VS_ERROR_MAX];
    snprintf(path, sizeof path, "%s/sub", plugdir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/sub/my-run.json", plugdir);
    write_file(path, with("\"plugins\": [{\"path\": \"../x.so\"}]"));
    vs_config cfg;
    cr_assert_eq(vs_scenario_load(path, NULL, &cfg, err), 0, "%s", err);
    cr_assert_str_eq(cfg.name, "my-run");
    cr_assert_str_eq(cfg.source_path, path);
    char want[300];
    snprintf(want, sizeof want, "%s/sub/../x.so", plugdir);
    cr_assert_str_eq(cfg.plugins[0].path, want);
    vs_config_close(&cfg);
}

Test(scenario_errors, files)
{
    char path[256], err[VS_ERROR_MAX], want[400];
    vs_config cfg;
    snprintf(path, sizeof path, "%s/none.json", plugdir);
    cr_assert_eq(vs_scenario_load(path, NULL, &cfg, err), -1);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(vs_scenario_load(plugdir, NULL, &cfg, err), -1);
    snprintf(want, sizeof want, "%s: is a directory", plugdir);
    cr_assert_str_eq(err, want);
    snprintf(path, sizeof path, "%s/x.so", plugdir); /* empty */
    cr_assert_eq(vs_scenario_load(path, NULL, &cfg, err), -1);
    snprintf(want, sizeof want, "%s: empty file", path);
    cr_assert_str_eq(err, want);
    snprintf(path, sizeof path, "%s/trunc.json", plugdir);
    write_file(path, "{\"seed\": 1,\n \"topology\": {\"hosts\": ");
    cr_assert_eq(vs_scenario_load(path, NULL, &cfg, err), -1);
    snprintf(want, sizeof want, "%s:2:23: unexpected token near end of file", path);
    cr_assert_str_eq(err, want);
}

Test(scenario, default_path)
{
    const char *p = vs_scenario_default_path();
    cr_assert_not_null(p);
    size_t n = strlen(p);
    cr_assert(n > 16 && strcmp(p + n - 16, "/quickstart.json") == 0, "%s", p);
}

Test(scenario, builtin_dirs_of_a_build_tree_binary)
{
    /* This test binary is in the build tree, with no installed layout around it: the
     * build tree's plugins and the source tree's scenarios. */
    const char *b = getenv("VSWITCHSIM_PLUGIN_DIR"), *src = getenv("VSWITCHSIM_SOURCE_DIR");
    cr_assert(b && src, "run through ctest");
    char want[PATH_MAX], got[PATH_MAX];
    cr_assert_not_null(realpath(b, want));
    cr_assert_not_null(realpath(vs_plugin_builtin_dir(), got), "%s", vs_plugin_builtin_dir());
    cr_assert_str_eq(got, want);
    snprintf(want, sizeof want, "%s/scenarios/quickstart.json", src);
    cr_assert_str_eq(vs_scenario_default_path(), want);
}

Test(scenario, quickstart_is_valid)
{
    /* The shipped default scenario, with --plugin-path where "null" & co. may be built:
     * only checked when the example plugins exist. */
    const char *pd = getenv("VSWITCHSIM_PLUGIN_DIR");
    char so[512];
    static const char *const names[] = {"flowtable", "pending", "null"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(so, sizeof so, "%s/%s.so", pd ? pd : "", names[i]);
        if (!pd || access(so, F_OK) != 0)
            cr_skip_test("example plugins not built");
    }
    const char *const pdirs[] = {pd, NULL};
    vs_scenario_options opts = {.plugin_path = pdirs};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_scenario_load(vs_scenario_default_path(), &opts, &cfg, err), 0, "%s", err);
    cr_assert_str_eq(cfg.name, "quickstart");
    cr_assert_eq(cfg.nplugins, 3);
    vs_config_close(&cfg);
}

Test(resolve, search_order)
{
    char err[512], other[128];
    snprintf(other, sizeof other, "%s/other", plugdir);
    cr_assert_eq(mkdir(other, 0755), 0);
    touch(other, "x.so");
    const char *const first[] = {other, plugdir, NULL};
    char *p = vs_plugin_resolve("x", NULL, first, err, sizeof err);
    char want[256];
    snprintf(want, sizeof want, "%s/x.so", other);
    cr_assert_str_eq(p, want, "--plugin-path dirs are searched in order");
    free(p);
    cr_assert_eq(setenv("VSWITCHSIM_PLUGIN_PATH", other, 1), 0);
    const char *const none[] = {"/nonexistent", NULL};
    p = vs_plugin_resolve("x", NULL, none, err, sizeof err);
    cr_assert_str_eq(p, want, "then VSWITCHSIM_PLUGIN_PATH");
    free(p);
    cr_assert_null(vs_plugin_resolve("nosuch", NULL, none, err, sizeof err));
    snprintf(want, sizeof want, "no plugin \"nosuch\" in /nonexistent:%s:%s", other,
             vs_plugin_builtin_dir());
    cr_assert_str_eq(err, want);
}

Test(resolve, paths)
{
    char err[512], want[256];
    char *p = vs_plugin_resolve("./x.so", plugdir, NULL, err, sizeof err);
    snprintf(want, sizeof want, "%s/x.so", plugdir);
    cr_assert_str_eq(p, want);
    free(p);
    snprintf(want, sizeof want, "%s/y.so", plugdir);
    p = vs_plugin_resolve(want, "/elsewhere", NULL, err, sizeof err);
    cr_assert_str_eq(p, want, "absolute paths are taken as they are");
    free(p);
    cr_assert_null(vs_plugin_resolve("sub", plugdir, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s/d.so", plugdir);
    cr_assert_eq(mkdir(want, 0755), 0);
    cr_assert_null(vs_plugin_resolve("d.so", plugdir, NULL, err, sizeof err));
    cr_assert_str_eq(err, strcat(want, ": not a regular file"));
    cr_assert_null(vs_plugin_resolve("z.so", "/", NULL, err, sizeof err));
    cr_assert_str_eq(err, "/z.so: No such file or directory", "no double slash");
    cr_assert_null(vs_plugin_resolve("", ".", NULL, err, sizeof err));
    cr_assert_str_eq(err, "empty plugin reference");
}

/* Found by tests/fuzz: raw input in a message must not break it into lines. */
Test(scenario_errors, messages_stay_one_line)
{
    cr_assert_str_eq(error_of("\"\\\n"), "t.json:2:0: invalid escape near '\"\\\\n'");
    vs_config cfg;
    char err[VS_ERROR_MAX];
    const vs_override no_eq[] = {{"plugins.\r", NULL}};
    cr_assert_eq(load_with(with("\"seed\": 1"), no_eq, 1, &cfg, err), -1);
    cr_assert_str_eq(err, "t.json: --set plugins.\\r: expected KEY=VALUE, no '='");
    const vs_override bad_key[] = {{"run..duration", "1\ns"}};
    cr_assert_eq(load_with(with("\"seed\": 1"), bad_key, 1, &cfg, err), -1);
    cr_assert_str_eq(err, "t.json: --set run..duration=1\\ns: empty path segment");
}

/* verifier.special_pool: a boolean, or an object whose members are all optional. */
Test(scenario, special_pool_takes_a_boolean_or_an_object)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(MINIMAL, &cfg, err), 0, "%s", err);
    cr_assert(!cfg.verifier.special_pool.enabled);
    cr_assert_eq(cfg.verifier.special_pool.free_quarantine, 1024);
    vs_config_close(&cfg);
    cr_assert_eq(load(with("\"verifier\": {\"special_pool\": true}"), &cfg, err), 0, "%s", err);
    cr_assert(cfg.verifier.special_pool.enabled && !cfg.verifier.special_pool.underruns);
    vs_config_close(&cfg);
    cr_assert_eq(load(with("\"verifier\": {\"special_pool\": {\"underruns\": true, "
                           "\"free_quarantine\": 0}}"),
                      &cfg, err),
                 0, "%s", err);
    cr_assert(cfg.verifier.special_pool.enabled && cfg.verifier.special_pool.underruns);
    cr_assert_eq(cfg.verifier.special_pool.free_quarantine, 0);
    vs_config_close(&cfg);
    cr_assert_eq(load(with("\"verifier\": {\"special_pool\": {\"enabled\": false}}"), &cfg, err), 0,
                 "%s", err);
    cr_assert(!cfg.verifier.special_pool.enabled);
    vs_config_close(&cfg);
}

Test(scenario_errors, special_pool_refuses_what_it_does_not_know)
{
    assert_error_has(with("\"verifier\": {\"special_pool\": 1}"),
                     "$.verifier.special_pool: expected true, false or an object");
    assert_error_has(with("\"verifier\": {\"special_pool\": {\"quarantine\": 1}}"),
                     "$.verifier.special_pool.quarantine: unknown key");
    assert_error_has(with("\"verifier\": {\"special_pool\": {\"underruns\": 1}}"),
                     "$.verifier.special_pool.underruns: expected true or false");
    assert_error_has(with("\"verifier\": {\"special_pool\": {\"free_quarantine\": -1}}"),
                     "$.verifier.special_pool.free_quarantine");
}

/* The "sweep" section reaches the config as plain data: each parameter's values as JSON
 * text in the scenario's order, reps, confidence and metrics, or nothing at all. */
Test(scenario, sweep_section_is_plain_data)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load(with("\"sweep\": {\"params\": {\"workload.rate_per_s\": [1, 2.5, \"3/s\"], "
                           "\"topology.hosts\": \"1..8:x2\"}, \"reps\": 4, "
                           "\"metrics\": [\"saves.failed\"]}"),
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.sweep.nparams, 2);
    cr_assert_str_eq(cfg.sweep.params[0].key, "workload.rate_per_s");
    cr_assert_str_eq(cfg.sweep.params[0].values, "[1,2.5,\"3/s\"]");
    cr_assert_str_eq(cfg.sweep.params[1].key, "topology.hosts");
    cr_assert_str_eq(cfg.sweep.params[1].values, "\"1..8:x2\"");
    cr_assert_eq(cfg.sweep.reps, 4);
    cr_assert_float_eq(cfg.sweep.confidence, 0.0, 1e-12, "not given: 0");
    cr_assert_eq(cfg.sweep.nmetrics, 1);
    cr_assert_str_eq(cfg.sweep.metrics[0], "saves.failed");
    vs_config_close(&cfg);

    cr_assert_eq(load(MINIMAL, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.sweep.nparams, 0);
    cr_assert_eq(cfg.sweep.reps, 0);
    vs_config_close(&cfg);

    cr_assert_eq(load(with("\"sweep\": {\"params\": {\"seed\": [1, 2]}}"), &cfg, err), -1);
    cr_assert(strstr(err, "$.sweep.params.seed") != NULL, "%s", err);
}

/* Host ranges ("A..B") and "extends" ---------------------------------------------- */

#define TOPO16 "\"hosts\": 16, \"vms_per_host\": 2, \"nics_per_vm\": 1"

Test(scenario, drain_hosts_take_ranges)
{
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(
        load(scen(TOPO16, "\"type\": \"drain\", \"hosts\": [9, \"2..4\", 0, \"7..7\"]", NULL), &cfg,
             err),
        0, "%s", err);
    static const uint32_t want[] = {9, 2, 3, 4, 0, 7}; /* file order, ranges expanded */
    cr_assert_eq(cfg.workload.ndrain_hosts, 6);
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(cfg.workload.drain_hosts[i], want[i], "host %zu", i);
    vs_config_close(&cfg);
    /* The same hosts listed one by one give the same config. */
    vs_config flat;
    cr_assert_eq(load(scen(TOPO16, "\"type\": \"drain\", \"hosts\": [0, 1, 2, 3, 4, 5, 6]", NULL),
                      &flat, err),
                 0, "%s", err);
    cr_assert_eq(load(scen(TOPO16, "\"type\": \"drain\", \"hosts\": [\"0..6\"]", NULL), &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.workload.ndrain_hosts, flat.workload.ndrain_hosts);
    cr_assert_arr_eq(cfg.workload.drain_hosts, flat.workload.drain_hosts,
                     7 * sizeof *cfg.workload.drain_hosts);
    vs_config_close(&cfg);
    vs_config_close(&flat);
}

Test(scenario_errors, drain_host_ranges)
{
    static const struct {
        const char *hosts, *extra, *want;
    } cases[] = {
        {"[0, \"4..2\"]", NULL,
         "$.workload.hosts[1]: expected a range \"A..B\" with A <= B, got \"4..2\""},
        {"[\"0..16\"]", NULL,
         "$.workload.hosts[0]: expected hosts below topology.hosts (16), got \"0..16\""},
        {"[\"0..15\"]", NULL, "$.workload.hosts: expected fewer hosts than topology.hosts (16)"},
        {"[\"0..99999\", 1]", NULL,
         "$.workload.hosts[1]: expected distinct host indices (host 1 is in "
         "$.workload.hosts[0]), got 1"},
        {"[\"0..100000\"]", NULL,
         "$.workload.hosts[0]: expected a range \"A..B\" of host indices in 0..99999"},
        {"[\"1..3\", \"3..5\"]", NULL,
         "$.workload.hosts[1]: expected distinct host indices (host 3 is in "
         "$.workload.hosts[0]), got \"3..5\""},
        {"[2, \"1..3\"]", NULL,
         "$.workload.hosts[1]: expected distinct host indices (host 2 is in "
         "$.workload.hosts[0]), got \"1..3\""},
        {"[\"01..3\"]", NULL, "expected a range \"A..B\" of host indices in 0..99999"},
        {"[\"1...3\"]", NULL, "expected a range \"A..B\" of host indices in 0..99999"},
        {"[\" 1..3\"]", NULL, "expected a range \"A..B\" of host indices in 0..99999"},
        {"[\"-1..3\"]", NULL, "expected a range \"A..B\" of host indices in 0..99999"},
        {"[\"1..\"]", NULL, "expected a range \"A..B\" of host indices in 0..99999"},
        {"[\"2..5\"]", "\"migration\": {\"placement\": \"fixed\", \"target_host\": 3}",
         "$.migration.target_host: expected a host that is not drained (it is in "
         "$.workload.hosts[0]), got 3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char workload[128];
        snprintf(workload, sizeof workload, "\"type\": \"drain\", \"hosts\": %s", cases[i].hosts);
        assert_error_has(scen(TOPO16, workload, cases[i].extra), cases[i].want);
    }
}

/* base.json in the scenario's folder: a full drain scenario to extend. */
#define BASE                                                                                       \
    "{\"name\": \"base\", \"description\": \"b\", \"seed\": 7,\n"                                  \
    " \"topology\": {\"hosts\": 16, \"vms_per_host\": 2, \"nics_per_vm\": 1},\n"                   \
    " \"plugins\": [{\"path\": \"x.so\", \"params\": {\"a\": 1, \"b\": {\"c\": 2, \"d\": 3}}}],\n" \
    " \"workload\": {\"type\": \"drain\", \"hosts\": [0], \"at\": \"1s\"},\n"                      \
    " \"run\": {\"duration\": \"10s\"}}\n"

Test(scenario, extends_merges_the_base)
{
    put_text("base.json", BASE);
    vs_config cfg;
    char err[VS_ERROR_MAX];
    cr_assert_eq(load("{\"extends\": \"base.json\", \"name\": \"mine\",\n"
                      " \"topology\": {\"hosts\": 600},\n"
                      " \"workload\": {\"hosts\": [\"0..499\"], \"at\": null}}",
                      &cfg, err),
                 0, "%s", err);
    cr_assert_str_eq(cfg.name, "mine");
    cr_assert_eq(cfg.seed, 7, "scalars the file does not set are the base's");
    cr_assert_eq(cfg.topology.hosts, 600, "objects merge key by key");
    cr_assert_eq(cfg.topology.vms_per_host, 2);
    cr_assert_eq(cfg.workload.kind, VS_WORKLOAD_DRAIN);
    cr_assert_eq(cfg.workload.ndrain_hosts, 500, "arrays are replaced");
    cr_assert_eq(cfg.workload.drain_at, 0, "null removes a key: at takes its default");
    cr_assert_str_eq(cfg.source_path, "t.json");
    vs_config_close(&cfg);
    /* Nested objects merge at any depth; an array is replaced whole. */
    cr_assert_eq(load("{\"extends\": \"./base.json\",\n"
                      " \"plugins\": [{\"path\": \"y.so\", \"params\": {\"b\": {\"c\": 5}}}]}",
                      &cfg, err),
                 0, "%s", err);
    cr_assert_eq(cfg.nplugins, 1);
    cr_assert_str_eq(cfg.plugins[0].params_json, "{\"b\":{\"c\":5}}");
    cr_assert_str_eq(cfg.name, "t", "a name describes its file: not the base's");
    cr_assert_str_eq(cfg.description, "", "nor does a description come from the base");
    vs_config_close(&cfg);
}

Test(scenario, extends_chains_and_keeps_relative_paths)
{
    char path[256], err[VS_ERROR_MAX];
    snprintf(path, sizeof path, "%s/sub", plugdir);
    mkdir(path, 0755);
    put_text("base.json", BASE);
    put_text("pre.csv", "1000\n3000\n");
    put_text("base2.json", "{\"extends\": \"base.json\", \"migration\": {\"model\": \"measured\",\n"
                           "   \"precopy\": {\"dist\": \"empirical\", \"file\": \"pre.csv\"}}}");
    put_text("sub/middle.json", "{\"extends\": \"../base2.json\", \"topology\": {\"hosts\": 8}}");
    put_text("sub/top.json",
             "{\"extends\": \"middle.json\", \"workload\": {\"hosts\": [\"1..3\"]}}");
    snprintf(path, sizeof path, "%s/sub/top.json", plugdir);
    vs_config cfg;
    cr_assert_eq(vs_scenario_load(path, NULL, &cfg, err), 0, "%s", err);
    cr_assert_eq(cfg.topology.hosts, 8);
    cr_assert_eq(cfg.workload.ndrain_hosts, 3);
    char want[300];
    /* "x.so" is base.json's, so it is taken from base.json's folder, not top.json's. */
    snprintf(want, sizeof want, "%s/sub/../x.so", plugdir);
    cr_assert_str_eq(cfg.plugins[0].path, want);
    /* "pre.csv" is base2.json's: from its folder, not sub/. */
    cr_assert_eq(cfg.migration.precopy.kind, VS_DIST_EMPIRICAL);
    vs_config_close(&cfg);
}

Test(scenario, extends_then_set_then_seed)
{
    put_text("base.json", BASE);
    const vs_override ov[] = {{"topology.hosts", "32"}, {"workload.hosts", "[\"0..9\", 20]"}};
    vs_scenario_options opts = {
        .overrides = ov, .noverrides = 2, .plugin_path = dirs, .have_seed = 1, .seed = 99};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    const char *text = "{\"extends\": \"base.json\", \"topology\": {\"hosts\": 20}}";
    cr_assert_eq(vs_scenario_load_text(text, strlen(text), "t.json", plugdir, &opts, &cfg, err), 0,
                 "%s", err);
    cr_assert_eq(cfg.topology.hosts, 32, "--set applies after the merge");
    cr_assert_eq(cfg.workload.ndrain_hosts, 11);
    cr_assert_eq(cfg.seed, 99);
    vs_config_close(&cfg);
    /* An error in a value --set gave names the scenario, even where a base has the key. */
    const vs_override zero[] = {{"topology.vms_per_host", "0"}};
    opts.overrides = zero;
    opts.noverrides = 1;
    cr_assert_eq(vs_scenario_load_text(text, strlen(text), "t.json", plugdir, &opts, &cfg, err),
                 -1);
    cr_assert_str_eq(err, "t.json: $.topology.vms_per_host: expected an integer in 1..1024, got 0");
    const vs_override ext[] = {{"extends", "base.json"}};
    opts.overrides = ext;
    cr_assert_eq(vs_scenario_load_text(text, strlen(text), "t.json", plugdir, &opts, &cfg, err),
                 -1);
    cr_assert_str_eq(err, "t.json: $.extends: cannot be set with --set (the file's \"extends\" is "
                          "read first), got \"base.json\"");
}

/* The error loading `text` as t.json, with "@" in `want` standing for plugdir. */
static void assert_extends_error(const char *text, const char *want)
{
    char expanded[VS_ERROR_MAX];
    size_t len = 0;
    for (const char *w = want; *w && len < sizeof expanded - 1; w++)
        len += (size_t)snprintf(expanded + len, sizeof expanded - len, "%s",
                                *w == '@' ? plugdir : (char[]){*w, 0});
    cr_assert_str_eq(error_of(text), expanded);
}

Test(scenario_errors, extends)
{
    put_text("base.json", BASE);
    put_text("bad-type.json", "{\"extends\": \"base.json\",\n \"topology\": {\"hosts\": \"16\"}}");
    put_text("bad-json.json", "{\"seed\": 1,}");
    put_text("array.json", "[1]");
    put_text("loop-a.json", "{\"extends\": \"loop-b.json\"}");
    put_text("loop-b.json", "{\"extends\": \"loop-a.json\"}");
    put_text("self.json", "{\"extends\": \"self.json\"}");
    assert_extends_error("{\"extends\": \"none.json\"}",
                         "t.json: $.extends: @/none.json: No such file or directory");
    assert_extends_error(
        "{\"extends\": 3}",
        "t.json: $.extends: expected the name of a scenario file to extend, got 3");
    assert_extends_error("{\"extends\": \"\"}", "t.json: $.extends: expected the name of a "
                                                "scenario file to extend, got \"\"");
    assert_extends_error("{\"extends\": \".\"}", "t.json: $.extends: @/.: is a directory");
    /* A value from a base is reported with the base's name. */
    assert_extends_error("{\"extends\": \"bad-type.json\"}",
                         "@/bad-type.json:2:24: $.topology.hosts: expected an integer in "
                         "1..100000, got \"16\" (extended by t.json)");
    /* Found in the text: past keys and values that hold ',', '}', ']' and escapes. */
    put_text("deep.json",
             "{\"extends\": \"base.json\", \"description\": \"a, \\\"}]\",\n"
             "  \"plugins\": [{\"path\": \"x.so\", \"params\": {\"a\": [{\"b\": \"]}\"}]}}],\n"
             "  \"workload\": {\"at\": \"1s\", \"h\\u006fsts\": [ 5,\n"
             "    \"3..1\"]}}");
    assert_extends_error("{\"extends\": \"deep.json\"}",
                         "@/deep.json:4:5: $.workload.hosts[1]: expected a range \"A..B\" with "
                         "A <= B, got \"3..1\" (extended by t.json)");
    /* ... and one the scenario overrides is the scenario's. */
    assert_extends_error("{\"extends\": \"base.json\", \"topology\": {\"hosts\": 0}}",
                         "t.json: $.topology.hosts: expected an integer in 1..100000, got 0");
    assert_extends_error("{\"extends\": \"base.json\", \"workload\": {\"hosts\": [0, \"4..2\"]}}",
                         "t.json: $.workload.hosts[1]: expected a range \"A..B\" with A <= B, "
                         "got \"4..2\"");
    /* A key missing after the merge is the scenario's to add. */
    assert_extends_error("{\"extends\": \"base.json\", \"run\": {\"duration\": null}}",
                         "t.json: $.run.duration: missing required key");
    assert_extends_error("{\"extends\": \"bad-json.json\"}",
                         "@/bad-json.json:1:12: string or '}' expected near '}' (extended by "
                         "t.json)");
    assert_extends_error("{\"extends\": \"array.json\"}",
                         "@/array.json: $: expected an object, got [1] (extended by t.json)");
    assert_extends_error("{\"extends\": \"loop-a.json\"}",
                         "@/loop-b.json:1:13: $.extends: a cycle of \"extends\" (t.json -> "
                         "@/loop-a.json -> @/loop-b.json -> @/loop-a.json) (extended by t.json)");
    assert_extends_error(
        "{\"extends\": \"self.json\"}",
        "@/self.json:1:13: $.extends: a cycle of \"extends\" (t.json -> @/self.json -> "
        "@/self.json) (extended by t.json)");
}

Test(scenario_errors, extends_chain_too_long)
{
    for (int i = 0; i < 20; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "c%d.json", i);
        snprintf(text, sizeof text, "{\"extends\": \"c%d.json\"}", i + 1);
        put_text(name, text);
    }
    assert_error_has("{\"extends\": \"c0.json\"}",
                     "$.extends: expected at most 16 files in a chain of \"extends\"");
}
