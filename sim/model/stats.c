/*
 * stats.c: setting up and tearing down the model's measurements.
 */
#include "model/stats.h"

#include <stdlib.h>
#include <string.h>

const char *const vs_latency_names[VS_LAT_COUNT] = {
    "pending_completion", "save", "restore", "callback", "blackout", "migration", "slot_wait"};

static int hists_init(vs_hist h[VS_LAT_COUNT], double rel_error)
{
    for (int i = 0; i < VS_LAT_COUNT; i++)
        if (vs_hist_init(&h[i], rel_error) != 0)
            return -1;
    return 0;
}

static void hists_close(vs_hist h[VS_LAT_COUNT])
{
    for (int i = 0; i < VS_LAT_COUNT; i++)
        vs_hist_close(&h[i]);
}

int vs_stats_init(vs_stats *st, size_t nplugins, double rel_error)
{
    memset(st, 0, sizeof *st);
    st->plugins = calloc(nplugins ? nplugins : 1, sizeof *st->plugins);
    if (!st->plugins)
        return -1;
    st->nplugins = nplugins;
    if (hists_init(st->latency, rel_error) != 0)
        return -1;
    for (size_t p = 0; p < nplugins; p++)
        if (hists_init(st->plugins[p].latency, rel_error) != 0)
            return -1;
    return 0;
}

void vs_stats_close(vs_stats *st)
{
    hists_close(st->latency);
    for (size_t p = 0; st->plugins && p < st->nplugins; p++)
        hists_close(st->plugins[p].latency);
    free(st->plugins);
    free(st->hosts);
    for (size_t i = 0; i < st->nviolations; i++) {
        free(st->violations[i].rule);
        free(st->violations[i].plugin);
        free(st->violations[i].detail);
    }
    free(st->violations);
    memset(st, 0, sizeof *st);
}

int vs_stats_add_violation(vs_stats *st, const char *rule, const char *plugin, uint64_t t,
                           const char *detail)
{
    if (st->nviolations == st->violations_cap) {
        size_t cap = st->violations_cap ? st->violations_cap * 2 : 8;
        vs_violation *p = realloc(st->violations, cap * sizeof *p);
        if (!p)
            return -1;
        st->violations = p;
        st->violations_cap = cap;
    }
    vs_violation v = {strdup(rule), strdup(plugin), strdup(detail), t};
    if (!v.rule || !v.plugin || !v.detail) {
        free(v.rule);
        free(v.plugin);
        free(v.detail);
        return -1;
    }
    st->violations[st->nviolations++] = v;
    return 0;
}
