/*
 * migration_json.c: the scenario's "migration" section: how long each phase of a live
 * migration takes (the pre-copy measured, or modelled from memory: docs/capacity.md), how
 * many run at once, where the VMs go, the order of the switch's events, and what a
 * refused destination or a failed restore leads to.
 */
#include "scenario/scenario-int.h"

#define MAX_MIGRATIONS_PER_HOST 1024
#define MAX_GBPS 1e6
#define MAX_DESTINATIONS 64
#define MAX_ROUNDS 30

static const char *const models[] = {"measured", "memory", NULL};

static const char *const placements[] = {"least_loaded", "random", "fixed", NULL};

/* target_host: required with placement "fixed", refused otherwise. */
static int parse_target_host(vs__sc *sc, const json_t *m, vs_config *cfg)
{
    if (cfg->migration.placement != VS_PLACE_FIXED)
        return vs__sc_absent(sc, m, "target_host",
                             "only with placement \"fixed\" "
                             "(migration.placement is \"%s\")",
                             placements[cfg->migration.placement]);
    if (!json_object_get(m, "target_host")) {
        vs__sc_push_key(sc, "target_host");
        return vs__sc_fail(sc, NULL, "missing required key (placement is \"fixed\")");
    }
    return vs__sc_u32(sc, m, "target_host", true, 0, VS__SC_HOSTS_MAX - 1,
                      &cfg->migration.target_host);
}

/* The order of events and the failure options, which the WDK docs leave open
 * (docs/sequence.md). max_destinations only matters with on_refused "next_host", but is
 * allowed always, so that --set can flip on_refused alone. */
static int parse_sequence(vs__sc *sc, const json_t *m, vs_config *cfg)
{
    static const char *const sequences[] = {"documented", "legacy", NULL};
    static const char *const refusals[] = {"fail", "next_host", NULL};
    static const char *const restore_failures[] = {"vm_off", "online", NULL};
    int seq, refused, restore;
    cfg->migration.max_destinations = 3;
    if (vs__sc_enum(sc, m, "sequence", sequences, VS_SEQ_DOCUMENTED, &seq) < 0 ||
        vs__sc_enum(sc, m, "on_refused", refusals, VS_REFUSED_FAIL, &refused) < 0 ||
        vs__sc_u32(sc, m, "max_destinations", false, 1, MAX_DESTINATIONS,
                   &cfg->migration.max_destinations) < 0 ||
        vs__sc_enum(sc, m, "on_restore_failure", restore_failures, VS_RESTORE_FAILURE_VM_OFF,
                    &restore) < 0)
        return -1;
    cfg->migration.sequence = (vs_sequence)seq;
    cfg->migration.on_refused = (vs_on_refused)refused;
    cfg->migration.on_restore_failure = (vs_on_restore_failure)restore;
    return 0;
}

/* The pre-copy: "measured" draws its duration from precopy; "memory" runs rounds over
 * the network (the vms and network sections). Without a model, a scenario that gives a
 * precopy keeps it (as every scenario before the memory model did); others get memory. */
static int parse_precopy(vs__sc *sc, const json_t *m, vs_config *cfg)
{
    int model;
    int dflt = json_object_get(m, "precopy") ? VS_PRECOPY_MEASURED : VS_PRECOPY_MEMORY;
    if (vs__sc_enum(sc, m, "model", models, dflt, &model) < 0)
        return -1;
    cfg->migration.model = (vs_precopy_model)model;
    if (model == VS_PRECOPY_MEMORY && vs__sc_absent(sc, m, "precopy",
                                                    "only with migration.model \"measured\" "
                                                    "(migration.model is \"memory\")") < 0)
        return -1;
    return vs__sc_dist(sc, m, "precopy",
                       "{\"dist\": \"lognormal\", \"mean\": \"8s\", "
                       "\"p99\": \"20s\"}",
                       &cfg->migration.precopy);
}

/* The memory model's setup and rounds (docs/capacity.md). Setup 2.5 s: fitted to Aidan
 * Finn's single-VM times. At most 5 rounds: Hyper-V since WS2012 R2 makes at most 5
 * memory-copy passes (Mastering Hyper-V). Downtime 300 ms: QEMU's default limit, since
 * Hyper-V publishes none. Allowed with "measured" too, so that --set can flip the model
 * alone. */
static int parse_rounds(vs__sc *sc, const json_t *m, vs_config *cfg)
{
    cfg->migration.max_rounds = 5;
    if (vs__sc_dist(sc, m, "setup", "\"2.5s\"", &cfg->migration.setup) < 0 ||
        vs__sc_u32(sc, m, "max_rounds", false, 1, MAX_ROUNDS, &cfg->migration.max_rounds) < 0 ||
        vs__sc_duration(sc, m, "max_downtime", false, "300ms", 1, &cfg->migration.max_downtime) < 0)
        return -1;
    return 0;
}

int vs__sc_migration(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"max_per_host",
                                       "model",
                                       "precopy",
                                       "setup",
                                       "max_rounds",
                                       "max_downtime",
                                       "pause",
                                       "bandwidth_gbps",
                                       "latency",
                                       "timeout",
                                       "placement",
                                       "target_host",
                                       "disk_time",
                                       "sequence",
                                       "on_refused",
                                       "max_destinations",
                                       "on_restore_failure",
                                       NULL};
    const json_t *m;
    size_t old;
    int placement;
    double gbps = 10;
    cfg->migration.max_per_host = 2;
    if (vs__sc_enter(sc, root, "migration", false, keys, &m, &old) < 0 ||
        vs__sc_u32(sc, m, "max_per_host", false, 1, MAX_MIGRATIONS_PER_HOST,
                   &cfg->migration.max_per_host) < 0 ||
        parse_precopy(sc, m, cfg) < 0 || parse_rounds(sc, m, cfg) < 0 ||
        vs__sc_dist(sc, m, "pause", "\"5ms\"", &cfg->migration.pause) < 0 ||
        vs__sc_number(sc, m, "bandwidth_gbps", false, 0, true, MAX_GBPS, false, &gbps) < 0 ||
        vs__sc_dist(sc, m, "latency", "\"200us\"", &cfg->migration.latency) < 0 ||
        vs__sc_duration(sc, m, "timeout", false, "30s", 1, &cfg->migration.timeout) < 0 ||
        vs__sc_enum(sc, m, "placement", placements, VS_PLACE_LEAST_LOADED, &placement) < 0)
        return -1;
    cfg->migration.bandwidth_bytes_per_s = gbps * 1e9 / 8;
    cfg->migration.placement = (vs_placement)placement;
    if (parse_target_host(sc, m, cfg) < 0 ||
        vs__sc_dist(sc, m, "disk_time", "\"1s\"", &cfg->migration.disk_time) < 0 ||
        parse_sequence(sc, m, cfg) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}
