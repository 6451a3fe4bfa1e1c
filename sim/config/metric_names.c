/*
 * metric_names.c: the catalogue of report metrics (metric_names.h), as families: each
 * name is one of a family's prefixes, a dot, and one of its suffixes, or a name alone.
 * The report's sections are in docs/report.md; a new number there belongs here too
 * (unit.report fails until it is).
 */
#include <stdio.h>
#include <string.h>

#include "config/metric_names.h"

typedef struct family {
    const char *const *prefixes;
    const char *const *suffixes;
} family;

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The latency histograms (report.c, latency_json.c) and what each reports. */
static const char *const HISTOGRAMS[] = {"latency_us.save",
                                         "latency_us.restore",
                                         "latency_us.pending_completion",
                                         "latency_us.callback",
                                         "latency_us.migration",
                                         "latency_us.blackout",
                                         "latency_us.slot_wait",
                                         "blackout_us.save",
                                         "blackout_us.transfer",
                                         "blackout_us.restore",
                                         "blackout_us.nic_connect",
                                         "blackout_us.source_teardown",
                                         NULL};
static const char *const HISTOGRAM_STATS[] = {"count", "mean", "min",  "max",   "p50",
                                              "p90",   "p99",  "p999", "p9999", NULL};

/* The three kinds of move, each counted the same way. */
static const char *const MOVES[] = {"migrations", "local_save_restores", "vm_starts", NULL};
static const char *const MOVE_COUNTS[] = {"started",
                                          "completed",
                                          "failed",
                                          "timed_out",
                                          "queued",
                                          "refused",
                                          "retried_elsewhere",
                                          "online_without_state",
                                          "vm_off",
                                          "failed_at.validation",
                                          "failed_at.operational_port",
                                          "failed_at.save",
                                          "failed_at.nic_connect",
                                          "failed_at.restore",
                                          "failed_at.timeout",
                                          NULL};

static const char *const CALLS[] = {"saves", "restores", NULL};
static const char *const CALL_COUNTS[] = {"issued", "completed", "pended",
                                          "failed", "timed_out", NULL};

static const family FAMILIES[] = {
    {HISTOGRAMS, HISTOGRAM_STATS},
    {MOVES, MOVE_COUNTS},
    {CALLS, CALL_COUNTS},
    {LIST("throughput"), LIST("saves_per_s", "restores_per_s", "migrations_per_s",
                              "callbacks_per_s", "state_bytes_per_s")},
    {LIST("in_flight"), LIST("pending_mean", "pending_max", "migrations_mean", "migrations_max",
                             "saves_mean", "saves_max")},
    {LIST("ndis"), LIST("save_oids", "restore_oids", "segments", "save_oids_per_save",
                        "save_oids_per_save_dist.p50", "save_oids_per_save_dist.p99",
                        "save_oids_per_save_dist.max", "oversized_states")},
    {LIST("hosts"), LIST("migrations_peak", "cpu_queue_peak", "link_busiest")},
    {LIST("drain"), LIST("hosts", "vms", "failed", "started_s", "finished_s", "duration_s")},
    {LIST("precopy"),
     LIST("migrations", "rounds_mean", "rounds_max", "gib_sent_mean", "effective_gbps")},
    {LIST("timeseries"), LIST("interval_s")},
    {LIST("verifier"), LIST("total", "kept_per_rule")},
};

/* The top-level numbers. */
static const char *const SINGLES[] = {"seed",           "sim_time_s",  "measured_from_s",
                                      "wall_time_s",    "events",      "events_per_wall_s",
                                      "callbacks",      "state_bytes", "corrupted_in_transfer",
                                      "skipped_vm_off", NULL};

static bool in(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0)
            return true;
    return false;
}

bool vs_metric_known(const char *path)
{
    if (in(SINGLES, path, strlen(path)))
        return true;
    /* A prefix may hold a dot (latency_us.save) and so may a suffix (failed_at.save):
     * try each split. */
    for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.'))
        for (size_t f = 0; f < sizeof FAMILIES / sizeof *FAMILIES; f++)
            if (in(FAMILIES[f].prefixes, path, (size_t)(dot - path)) &&
                in(FAMILIES[f].suffixes, dot + 1, strlen(dot + 1)))
                return true;
    return false;
}

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

bool vs_metric_name(size_t i, char buf[VS_METRIC_NAME_MAX])
{
    if (i < count(SINGLES))
        return snprintf(buf, VS_METRIC_NAME_MAX, "%s", SINGLES[i]), true;
    i -= count(SINGLES);
    for (size_t f = 0; f < sizeof FAMILIES / sizeof *FAMILIES; f++) {
        size_t np = count(FAMILIES[f].prefixes), ns = count(FAMILIES[f].suffixes);
        if (i < np * ns)
            return snprintf(buf, VS_METRIC_NAME_MAX, "%s.%s", FAMILIES[f].prefixes[i / ns],
                            FAMILIES[f].suffixes[i % ns]),
                   true;
        i -= np * ns;
    }
    return false;
}
