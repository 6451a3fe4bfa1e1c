/*
 * config.c: releasing a vs_config, whole or as far as the loader got before an error.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static void free_plugins(vs_plugin_spec *plugins, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(plugins[i].name);
        free(plugins[i].path);
        free(plugins[i].params_json);
    }
    free(plugins);
}

static void free_slos(vs_slo *slos, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(slos[i].metric);
    free(slos);
}

static void free_policies(vs_config *cfg)
{
    for (size_t i = 0; i < cfg->npolicies; i++) {
        free(cfg->policies[i].plugin);
        free(cfg->policies[i].data);
    }
    free(cfg->policies);
    for (size_t i = 0; i < cfg->npolicy_changes; i++)
        free(cfg->policy_changes[i].data);
    free(cfg->policy_changes);
}

static void free_extensions(vs_config *cfg)
{
    for (size_t i = 0; i < cfg->extensions.nnames; i++)
        free(cfg->extensions.names[i]);
    free(cfg->extensions.names);
    for (size_t i = 0; i < cfg->extensions.nevents; i++)
        free(cfg->extensions.events[i].order);
    free(cfg->extensions.events);
}

static void free_sweep(vs_sweep_section *sw)
{
    for (size_t i = 0; i < sw->nparams; i++) {
        free(sw->params[i].key);
        free(sw->params[i].values);
    }
    free(sw->params);
    for (size_t i = 0; i < sw->nmetrics; i++)
        free(sw->metrics[i]);
    free(sw->metrics);
}

void vs_config_close(vs_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->name);
    free(cfg->description);
    free(cfg->source_path);
    free_plugins(cfg->plugins, cfg->nplugins);
    free(cfg->plugin_timing);
    free_policies(cfg);
    free_extensions(cfg);
    vs_dist_close(&cfg->migration.precopy);
    vs_dist_close(&cfg->migration.pause);
    vs_dist_close(&cfg->migration.latency);
    vs_dist_close(&cfg->migration.disk_time);
    vs_dist_close(&cfg->migration.setup);
    vs_dist_close(&cfg->vms.memory);
    vs_dist_close(&cfg->vms.dirty_rate);
    vs_dist_close(&cfg->vms.working_set);
    vs_dist_close(&cfg->workload.think);
    free(cfg->workload.drain_hosts);
    free(cfg->metrics.percentiles);
    free(cfg->workload.stages);
    free(cfg->workload.trace);
    free_slos(cfg->slos, cfg->nslos);
    free_sweep(&cfg->sweep);
    memset(cfg, 0, sizeof *cfg);
}
