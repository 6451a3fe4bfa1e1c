/*
 * config.h: a validated scenario, as the model consumes it. The scenario loader
 * (sim/scenario) builds it from JSON; the model never sees JSON. Times are virtual ns.
 */
#ifndef VS_CONFIG_H
#define VS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "engine/dist.h"
#include "engine/engine.h"

/* Hyper-V's documented limit of virtual NICs per VM (64 synthetic + 4 legacy). */
#define VS_MAX_NICS_PER_VM 68

typedef struct vs_plugin_spec {
    char *name;        /* instance name, unique in the scenario */
    char *path;        /* resolved path of the .so */
    char *params_json; /* "params" as compact JSON text, "{}" if absent */
} vs_plugin_spec;

/* How WFP walks its subscribers for one NIC save or restore. Unknown on Windows;
 * see docs/scenario.md "wfp". */
typedef enum vs_fanout_mode {
    VS_FANOUT_SEQUENTIAL, /* call the next callout once the previous one completed */
    VS_FANOUT_PARALLEL    /* call every callout at once, wait for all */
} vs_fanout_mode;

typedef enum vs_fanout_order {
    VS_ORDER_SUBSCRIPTION, /* in the order the callouts subscribed */
    VS_ORDER_REVERSE
} vs_fanout_order;

typedef enum vs_slo_op { VS_SLO_LT, VS_SLO_LE, VS_SLO_GT, VS_SLO_GE, VS_SLO_EQ, VS_SLO_NE } vs_slo_op;

typedef struct vs_slo {
    char *metric; /* dotted path into the report, e.g. "latency_us.save.p99" */
    vs_slo_op op;
    double limit;
} vs_slo;

typedef struct vs_config {
    char *name;
    char *description;
    char *source_path; /* the scenario file, for messages */
    uint64_t seed;

    struct {
        uint32_t hosts;
        uint32_t vms_per_host;
        uint32_t nics_per_vm;
    } topology;

    vs_plugin_spec *plugins;
    size_t nplugins;

    struct {
        vs_fanout_mode fanout;
        vs_fanout_order order;
        vs_time_t pending_timeout; /* a pended callout that has not completed by then fails */
    } wfp;

    struct {
        double rate_per_s;     /* Poisson arrivals of NIC save+restore requests */
        uint64_t max_requests; /* 0: no limit */
        vs_dist transfer;      /* from save done to restore start */
    } workload;

    struct {
        vs_time_t duration; /* arrivals stop then; in-flight work may finish until drain */
        vs_time_t drain;    /* how long after `duration` in-flight work may still finish */
    } run;

    struct {
        double corrupt_restore_probability; /* flip one bit of a restored blob */
    } faults;

    struct {
        double histogram_rel_error;
    } metrics;

    vs_slo *slos;
    size_t nslos;
} vs_config;

void vs_config_close(vs_config *cfg); /* frees everything the loader allocated */

#endif /* VS_CONFIG_H */
