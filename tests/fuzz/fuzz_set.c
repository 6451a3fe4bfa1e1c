/*
 * fuzz_set.c: libFuzzer target for --set (sim/scenario/set_override.c). The input is
 * up to MAX_SET lines of overrides, then an empty line and the scenario; with no
 * scenario part the overrides apply to a fixed valid base. A line holding a tab is
 * given as key (before it) and value (after it); any other line as "KEY=VALUE" for the
 * loader to split, as the CLI does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define MAX_SET 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "{\"name\":\"fuzz\",\"seed\":1,"
    "\"topology\":{\"hosts\":2,\"switches_per_host\":1,\"vms_per_host\":2,\"nics_per_vm\":1,"
    "\"cpus_per_host\":2},"
    "\"plugins\":[{\"name\":\"flows\",\"path\":\"flowtable\",\"params\":{\"flows_per_port\":4}},"
    "{\"name\":\"slow\",\"path\":\"pending\",\"params\":{\"workers\":1,"
    "\"service\":{\"dist\":\"exponential\",\"mean\":\"200us\"}}},"
    "{\"name\":\"null\",\"path\":\"null\"}],"
    "\"wfp\":{\"fanout\":\"sequential\",\"order\":\"subscription\",\"pending_timeout\":\"12s\","
    "\"segments\":\"per_callout\"},"
    "\"ndis\":{\"oid_cost\":\"2us\",\"oversize\":\"fail\"},"
    "\"migration\":{\"max_per_host\":2,\"precopy\":{\"dist\":\"lognormal\",\"mean\":\"2s\","
    "\"p99\":\"6s\"},\"pause\":\"5ms\",\"bandwidth_gbps\":10,\"latency\":\"200us\","
    "\"timeout\":\"30s\",\"placement\":\"least_loaded\"},"
    "\"workload\":{\"type\":\"poisson\",\"operation\":\"migrate\",\"rate_per_s\":1,"
    "\"max_operations\":0},"
    "\"run\":{\"duration\":\"10s\",\"drain\":\"60s\"},"
    "\"faults\":{\"corrupt_restore_probability\":0},"
    "\"metrics\":{\"histogram_rel_error\":0.01},"
    "\"slo\":[\"migrations.failed == 0\"]}";

/* Cuts the override lines out of copy (NUL-terminating them in place); returns where
 * the scenario part starts, or NULL when there is none. */
static char *split(char *copy, size_t size, vs_override *ov, size_t *nov)
{
    char *s = copy, *end = copy + size;
    *nov = 0;
    while (s < end) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == s)
            return s + 1; /* the empty line */
        if (*nov == MAX_SET)
            return s;
        if (nl)
            *nl = '\0';
        char *tab = strchr(s, '\t');
        if (tab)
            *tab = '\0';
        ov[(*nov)++] = (vs_override){s, tab ? tab + 1 : NULL};
        if (!nl)
            return NULL;
        s = nl + 1;
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One byte more: override lines must be C strings even when the input ends in one. */
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    vs_override ov[MAX_SET];
    size_t nov;
    const char *text = split(copy, size, ov, &nov);
    size_t len = text ? (size_t)(copy + size - text) : 0;
    if (len == 0) {
        text = base;
        len = sizeof base - 1;
    }
    vs_fuzz_load(text, len, ov, nov);
    free(copy);
    return 0;
}
