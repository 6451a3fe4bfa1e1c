/*
 * config.h: a validated scenario, as the model consumes it. The scenario loader
 * (sim/scenario) builds it from JSON; the model never sees JSON. Times are virtual ns.
 */
#ifndef VS_CONFIG_H
#define VS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/verifier.h"
#include "engine/dist.h"
#include "engine/engine.h"

/* Hyper-V's documented limit of virtual NICs per VM (64 synthetic + 4 legacy). */
#define VS_MAX_NICS_PER_VM 68

/* metrics.per_host left out keeps per-host latency histograms up to this many hosts. */
#define VS_PER_HOST_AUTO_MAX 64

typedef struct vs_plugin_spec {
    char *name;        /* instance name, unique in the scenario */
    char *path;        /* resolved path of the .so */
    char *params_json; /* "params" as compact JSON text, "{}" if absent */
} vs_plugin_spec;

/* Where a plugin's simulated CPU cost comes from (docs/scenario.md, "plugins[i]"). */
typedef enum vs_timing_mode {
    VS_TIMING_CHARGED, /* what it charges through ChargeCpu: deterministic */
    VS_TIMING_MEASURED /* its code's thread CPU time on this machine x scale; ChargeCpu is
                          ignored. The run is then not reproducible. */
} vs_timing_mode;

typedef struct vs_plugin_timing {
    vs_timing_mode mode;
    double scale; /* measured: CPU ns x scale = simulated ns; 1.0 by default */
} vs_plugin_timing;

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

typedef enum vs_slo_op {
    VS_SLO_LT,
    VS_SLO_LE,
    VS_SLO_GT,
    VS_SLO_GE,
    VS_SLO_EQ,
    VS_SLO_NE
} vs_slo_op;

/* Whether `v op limit` holds: a run's SLO verdict (report/slo.c), a plan's (sweep/plan.c). */
static inline bool vs_slo_holds(vs_slo_op op, double v, double limit)
{
    switch (op) {
    case VS_SLO_LT:
        return v < limit;
    case VS_SLO_LE:
        return v <= limit;
    case VS_SLO_GT:
        return v > limit;
    case VS_SLO_GE:
        return v >= limit;
    case VS_SLO_EQ:
        return v == limit;
    case VS_SLO_NE:
        return v != limit;
    }
    return false;
}

typedef struct vs_slo {
    char *metric; /* dotted path into the report, e.g. "latency_us.save.p99" */
    vs_slo_op op;
    double limit;
} vs_slo;

/* Where a migration goes. */
typedef enum vs_placement {
    VS_PLACE_LEAST_LOADED, /* the host with the fewest VMs (then the lowest index) that
                              has a free migration slot */
    VS_PLACE_RANDOM,       /* uniform over other hosts with a free slot */
    VS_PLACE_FIXED         /* always migration.target_host */
} vs_placement;

/* NIC state larger than one save segment (SaveDataSize is a USHORT). */
typedef enum vs_oversize { VS_OVERSIZE_FAIL, VS_OVERSIZE_SPLIT } vs_oversize;

/* How WFP packs its callouts' blobs into NDIS save segments: unknown on Windows. */
typedef enum vs_wfp_segments {
    VS_SEGMENTS_PER_CALLOUT, /* one segment per callout that returned state */
    VS_SEGMENTS_COMBINED     /* one segment with every callout's state (split if large) */
} vs_wfp_segments;

typedef enum vs_workload_kind {
    VS_WORKLOAD_POISSON, /* open arrivals at rate_per_s */
    VS_WORKLOAD_CLOSED,  /* population operations in flight, think time between */
    VS_WORKLOAD_DRAIN,   /* evacuate drain_hosts at drain_at */
    VS_WORKLOAD_RAMP,    /* arrival rate moving linearly through stages, like k6 */
    VS_WORKLOAD_TRACE    /* (time, VM, target) from a CSV file */
} vs_workload_kind;

/* What one arrival does to its VM. */
typedef enum vs_operation {
    VS_OP_MIGRATE,            /* live migration to another host */
    VS_OP_LOCAL_SAVE_RESTORE, /* saved to disk and restored on the same host */
    VS_OP_POWER_ON            /* the model's own, not a workload's: a VM starts
                                 (topology.vm_start "power_on") */
} vs_operation;

typedef struct vs_ramp_stage {
    vs_time_t duration;
    double target_rate_per_s; /* reached at the stage's end, linearly */
} vs_ramp_stage;

typedef struct vs_trace_entry {
    vs_time_t at;
    uint32_t vm;     /* global VM index: host * vms_per_host + i at placement */
    uint32_t target; /* host index, or UINT32_MAX: by migration.placement */
} vs_trace_entry;

/* The order of a migration's switch events (docs/sequence.md). */
typedef enum vs_sequence {
    VS_SEQ_DOCUMENTED, /* D-LMS: validation port, operational port, save, source teardown,
                          NIC create and connect, restore */
    VS_SEQ_LEGACY      /* vswitchsim 1.x: save, target port, NIC, policy, restore, connect,
                          then source teardown; kept to show an order-sensitive callout */
} vs_sequence;

/* A destination refused the validation port or one of its policies (D-LMS step 1: the
 * migration "does not continue for that destination node and switch"). */
typedef enum vs_on_refused {
    VS_REFUSED_FAIL,     /* the migration fails; the VM runs on at the source */
    VS_REFUSED_NEXT_HOST /* try another destination, up to migration.max_destinations */
} vs_on_refused;

/* A NIC create, connect or restore failed on the destination after the source's NIC and
 * port are gone (D-LMS step 5); the docs do not say what becomes of the VM. */
typedef enum vs_on_restore_failure {
    VS_RESTORE_FAILURE_VM_OFF, /* the VM does not come up: its NICs and ports are torn down */
    VS_RESTORE_FAILURE_ONLINE  /* the VM comes up without the callouts' state */
} vs_on_restore_failure;

/* The VMs a run starts with. */
typedef enum vs_vm_start {
    VS_START_RUNNING, /* already running: VSWITCH_CREATE lists their ports and NICs */
    VS_START_POWER_ON /* powered on at time 0 (D-VALPORT: validation port, operational
                         port, NIC create, connect) */
} vs_vm_start;

/* A custom port property (policy) every VM port carries: it reaches the callout whose
 * provider GUID equals its PropertyId as POLICY_ADD (D-POLICY, D-VALPORT). */
typedef struct vs_policy {
    char *plugin;     /* the instance whose provider GUID is the PropertyId, or NULL */
    uint8_t guid[16]; /* the PropertyId when plugin is NULL, in GUID memory layout */
    uint16_t version; /* PropertyVersion */
    uint8_t *data;    /* the property's bytes (NDIS_SWITCH_PORT_PROPERTY_CUSTOM) */
    uint32_t len;
} vs_policy;

typedef enum vs_policy_op { VS_POLICY_UPDATE, VS_POLICY_DELETE } vs_policy_op;

/* A change to a policy during the run: POLICY_UPDATE or POLICY_DELETE on the ports of
 * one VM, or of all VMs, where they are at that time. */
typedef struct vs_policy_change {
    vs_time_t at;
    vs_policy_op op;
    uint32_t policy; /* index into cfg->policies */
    uint32_t vm;     /* a VM, or UINT32_MAX: every VM */
    uint8_t *data;   /* update: the new bytes (NULL: unchanged); version goes up by 1 */
    uint32_t len;
} vs_policy_change;

/* What happens to one host's extension stack at a time (FilterPause/FilterRestart). */
typedef enum vs_stack_action {
    VS_STACK_RESTART, /* pause, then restart: VSWITCH_CREATE with the current arrays */
    VS_STACK_REORDER  /* pause, reorder, restart: VSWITCH_CREATE, then the reorder callback */
} vs_stack_action;

typedef struct vs_stack_event {
    vs_time_t at;
    uint32_t host;
    vs_stack_action action;
    vs_time_t pause; /* paused this long: OIDs on the host wait */
    uint32_t *order; /* reorder: a permutation of indices into cfg->extensions.names */
} vs_stack_event;

/* Where a live migration's memory pre-copy comes from (docs/capacity.md). */
typedef enum vs_precopy_model {
    VS_PRECOPY_MEASURED, /* a duration drawn from migration.precopy, whatever the network */
    VS_PRECOPY_MEMORY    /* from the VM's memory and dirty pages over the shared migration
                            network: rounds as in SimGrid's model (Hirofuchi et al.) */
} vs_precopy_model;

/* One parameter of the scenario's "sweep" section. */
typedef struct vs_sweep_param {
    char *key;    /* a --set path */
    char *values; /* its values as JSON text, as written: an array of values, or a string
                     in the --param list syntax ("1..64:x2") */
} vs_sweep_param;

/* The "sweep" section, validated, for `vswitchsim sweep` and `plan` (docs/scenario.md
 * "sweep"). The model never reads it. */
typedef struct vs_sweep_section {
    vs_sweep_param *params; /* in the scenario's order; none when there is no section */
    size_t nparams;
    uint32_t reps;     /* 0 when not given */
    double confidence; /* 0 when not given */
    char **metrics;    /* extra report metrics to summarize (metric_names.h) */
    size_t nmetrics;
} vs_sweep_section;

typedef struct vs_config {
    char *name;
    char *description;
    char *source_path; /* the scenario file, for messages */
    uint64_t seed;

    struct {
        uint32_t hosts;
        uint32_t switches_per_host; /* NIC i of a VM sits on switch i % switches_per_host */
        uint32_t vms_per_host;      /* placed at the start */
        uint32_t nics_per_vm;
        uint32_t cpus_per_host; /* run callbacks and OID handling */
        vs_vm_start vm_start;
    } topology;

    vs_plugin_spec *plugins;
    size_t nplugins;
    /* [nplugins], parallel to plugins (kept apart so that a vs_plugin_spec stays three
     * strings); NULL: every plugin "charged". Read it through vs_config_timing. */
    vs_plugin_timing *plugin_timing;

    struct {
        vs_fanout_mode fanout;
        vs_fanout_order order;
        vs_time_t pending_timeout; /* a pended callout that has not completed by then fails */
        vs_wfp_segments segments;
    } wfp;

    struct {
        vs_time_t oid_cost; /* host CPU per OID round trip through the extension stack */
        vs_oversize oversize;
    } ndis;

    /* The kernel services of WDK drivers (sim/kernel, docs/wdk.md): what the WDK pages
     * leave to the machine, as options. */
    struct {
        uint8_t callback_irql;      /* vSwitch callbacks run at: 2 (DISPATCH_LEVEL) or 0 */
        vs_time_t timer_resolution; /* KeSetTimer expiries round up to a multiple; 0: exact */
        vs_time_t dpc_delay;        /* after the queueing code's cost, until its DPC runs */
        vs_time_t work_item_delay;  /* after the queueing code's cost, until the work item */
        int64_t system_time_start;  /* KeQuerySystemTime at the start: 100 ns since 1601 */
    } kernel;

    struct {
        uint32_t max_per_host;        /* simultaneous migrations a host takes part in, default 2 */
        vs_dist precopy;              /* memory pre-copy, before the blackout */
        vs_dist pause;                /* blackout work besides NIC state (last pages, devices) */
        double bandwidth_bytes_per_s; /* NIC state transfer in the blackout */
        vs_dist latency;              /* network latency of that transfer */
        vs_time_t timeout;            /* saves and restores of one blackout must finish by then */
        vs_placement placement;
        uint32_t target_host; /* with VS_PLACE_FIXED */
        vs_dist disk_time;    /* local save/restore: time the saved VM stays on disk */
        vs_sequence sequence;
        vs_on_refused on_refused;
        uint32_t max_destinations; /* next_host: destinations tried in all, default 3 */
        vs_on_restore_failure on_restore_failure;
        vs_precopy_model model;
        vs_dist setup;          /* memory: from the slots to round 1 (the destination VM
                                    made, the connection set up) */
        uint32_t max_rounds;    /* memory: pre-copy rounds at most, round 1 included */
        vs_time_t max_downtime; /* memory: stop the rounds once the rest fits in this */
    } migration;

    /* Memory: each VM's, drawn once per VM from its own stream at placement. */
    struct {
        vs_dist memory;      /* bytes of RAM */
        vs_dist dirty_rate;  /* bytes per second it dirties while it runs */
        vs_dist working_set; /* bytes: the most one round can find dirty */
    } vms;

    /* Each host's live-migration link, each way (network.h): the memory model sends its
     * rounds, the last dirty pages and the NIC state over it. (The measured model times
     * the NIC state's transfer with migration.bandwidth_bytes_per_s instead.) */
    struct {
        double bandwidth_bytes_per_s; /* line rate */
        vs_time_t latency;            /* added to each transfer */
        double efficiency;            /* share of the line rate a transfer gets */
        double compression;           /* memory bytes per byte on the wire (1: none) */
    } network;

    vs_policy *policies; /* every VM port's custom properties, in order */
    size_t npolicies;
    vs_policy_change *policy_changes; /* sorted by time */
    size_t npolicy_changes;

    struct {
        char **names; /* the extension stack, ingress first; WFP is one of them */
        size_t nnames;
        uint32_t wfp;           /* WFP's index in names; in its required position when first */
        vs_stack_event *events; /* sorted by time */
        size_t nevents;
    } extensions;

    struct {
        vs_workload_kind kind;
        vs_operation operation;
        double rate_per_s;       /* poisson; ramp's starting rate */
        uint64_t max_operations; /* 0: no limit */
        uint32_t population;     /* closed */
        vs_dist think;           /* closed: after one completes, before the next starts */
        uint32_t *drain_hosts;   /* drain */
        size_t ndrain_hosts;
        vs_time_t drain_at;
        vs_ramp_stage *stages; /* ramp */
        size_t nstages;
        vs_trace_entry *trace; /* trace, sorted by time */
        size_t ntrace;
    } workload;

    struct {
        vs_time_t duration; /* arrivals stop then; in-flight work may finish until drain */
        vs_time_t drain;    /* how long after `duration` in-flight work may still finish */
        bool realtime;      /* clock "realtime": simulated time follows the wall clock */
        double speed;       /* realtime: simulated seconds per wall second (> 0) */
    } run;

    struct {
        double corrupt_restore_probability; /* flip one bit of a restored segment */
    } faults;

    struct {
        uint64_t disabled;           /* VS_RULE_BIT of each rule turned off */
        vs_time_t max_callback_time; /* callback_too_long above it; 0: no bound */
        struct {
            bool enabled;             /* AllocateWithTag blocks on their own guarded pages */
            bool underruns;           /* the block at its pages' start (else their end) */
            uint32_t free_quarantine; /* freed blocks kept PROT_NONE, oldest unmapped */
        } special_pool;
    } verifier;

    struct {
        double histogram_rel_error;
        vs_time_t interval;  /* time-series interval; 0: no time series */
        vs_time_t warmup;    /* totals count from here */
        int per_host;        /* per-host latency histograms: 1, 0, or -1 for up to
                                VS_PER_HOST_AUTO_MAX hosts (each host costs ~400 KiB) */
        double *percentiles; /* extra percentiles to report, in (0, 100) */
        size_t npercentiles;
    } metrics;

    vs_slo *slos;
    size_t nslos;

    vs_sweep_section sweep;
} vs_config;

/* Plugin p's timing: "charged" (scale 1) unless the scenario said otherwise. */
static inline vs_plugin_timing vs_config_timing(const vs_config *cfg, size_t p)
{
    if (!cfg->plugin_timing || p >= cfg->nplugins)
        return (vs_plugin_timing){VS_TIMING_CHARGED, 1.0};
    return cfg->plugin_timing[p];
}

void vs_config_close(vs_config *cfg); /* frees everything the loader allocated */

#endif /* VS_CONFIG_H */
