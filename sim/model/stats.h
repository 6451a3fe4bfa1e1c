/*
 * stats.h: what the model measures while it runs, overall and per plugin. The report
 * layer turns it into JSON and tables; the model only records.
 */
#ifndef VS_STATS_H
#define VS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/verifier.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"

/* Counts of NIC save or restore sequences (one OID_SWITCH_NIC_SAVE..SAVE_COMPLETE, or
 * RESTORE..RESTORE_COMPLETE, through WFP's fan-out to every callout). */
typedef struct vs_seq_counts {
    uint64_t issued;
    uint64_t completed; /* every callout succeeded */
    uint64_t pended;    /* at least one callout returned STATUS_PENDING */
    uint64_t failed;    /* a callout failed, timed out, or misbehaved */
    uint64_t timed_out; /* of failed: a pended callout missed wfp.pending_timeout */
} vs_seq_counts;

/* Where an operation failed first (docs/sequence.md "Failure paths"). */
typedef enum vs_fail_cause {
    VS_CAUSE_NONE,
    VS_CAUSE_VALIDATION,  /* the validation port or one of its policies was refused */
    VS_CAUSE_PORT,        /* the operational port or one of its policies was refused */
    VS_CAUSE_SAVE,        /* a save callback failed (or its pend timed out) */
    VS_CAUSE_NIC_CONNECT, /* the destination's NIC create or connect failed */
    VS_CAUSE_RESTORE,     /* a restore callback failed */
    VS_CAUSE_TIMEOUT,     /* the blackout went past migration.timeout */
    VS_CAUSES
} vs_fail_cause;

extern const char *const vs_fail_cause_names[VS_CAUSES];

/* Counts of migrations, local save/restores, or VM power-ons. */
typedef struct vs_op_counts {
    uint64_t started;              /* got their slots (migrations) or began (local) */
    uint64_t completed;            /* the VM runs at the destination (with its state or without) */
    uint64_t failed;               /* the VM runs on at the source, or did not come up */
    uint64_t timed_out;            /* of failed: the blackout went past migration.timeout */
    uint64_t refused;              /* destinations that refused the validation port or a policy */
    uint64_t retried;              /* of those, went on to another destination */
    uint64_t online_without_state; /* of completed: a restore failed, the VM came up
                                      without it (migration.on_restore_failure "online") */
    uint64_t vm_off;               /* of failed: the VM did not come up */
    uint64_t failed_at[VS_CAUSES]; /* of failed or online_without_state, by first cause */
} vs_op_counts;

#define VS_AT_ONCE_MAX 64

/* The parts of a blackout (sequence.h's vs_blackout_part). */
#define VS_BLACKOUT_PARTS 5

/* The latency histograms the report names, in this order. */
typedef enum vs_latency {
    VS_LAT_PENDING_COMPLETION, /* STATUS_PENDING return -> FwpsvSwitchNotifyComplete0 */
    VS_LAT_SAVE,               /* NIC save sequence: first OID_SWITCH_NIC_SAVE -> COMPLETE */
    VS_LAT_RESTORE,            /* NIC restore sequence: first RESTORE OID -> COMPLETE */
    VS_LAT_CALLBACK,           /* one callback's synchronous (charged) time */
    VS_LAT_BLACKOUT,           /* VM paused -> resumed (on the target) */
    VS_LAT_MIGRATION,          /* slots taken -> source cleaned up */
    VS_LAT_SLOT_WAIT,          /* asked for -> slots taken */
    VS_LAT_COUNT
} vs_latency;

extern const char *const vs_latency_names[VS_LAT_COUNT];

typedef struct vs_plugin_stats {
    uint64_t saves, restores;                                    /* callback invocations */
    uint64_t returned_success, returned_pending, returned_error; /* what callbacks returned */
    uint64_t pended; /* of those, returned STATUS_PENDING */
    uint64_t failed; /* returned or completed with an error, or timed out */
    uint64_t timed_out;
    uint64_t late_completions;    /* completed after their timeout */
    uint64_t state_bytes;         /* saved by this plugin */
    uint64_t mem_bytes, mem_peak; /* tagged allocations, over all its instances */
    uint64_t mem_allocs;
    vs_hist latency[VS_LAT_COUNT]; /* pending_completion and callback are per plugin */
} vs_plugin_stats;

/* A time-weighted level measured over the whole run and over the current time-series
 * interval. */
typedef struct vs_level {
    vs_gauge total, window;
} vs_level;

/* What the time series keeps per interval, in report column order. */
typedef enum vs_ts_column {
    VS_TS_T,
    VS_TS_SAVES_PER_S,
    VS_TS_RESTORES_PER_S,
    VS_TS_MIGRATIONS_PER_S,
    VS_TS_PENDING_MEAN,
    VS_TS_PENDING_MAX,
    VS_TS_MIGRATIONS_MEAN,
    VS_TS_MIGRATIONS_MAX,
    VS_TS_SAVES_MEAN,
    VS_TS_BLACKOUT_P50,
    VS_TS_BLACKOUT_P99,
    VS_TS_PENDING_P50,
    VS_TS_PENDING_P99,
    VS_TS_SAVE_P99,
    VS_TS_NETWORK_GBPS, /* migration network: all hosts' egress over the interval */
    VS_TS_LINK_BUSIEST, /* the busiest link's use over the interval, % */
    VS_TS_VIOLATIONS,   /* verifier violations found in the interval */
    VS_TS_WAITING_MEAN, /* migrations waiting for their slots: time-weighted mean */
    VS_TS_WAITING_MAX,
    VS_TS_SLOT_WAIT_P99, /* slot waits that ended in the interval */
    VS_TS_COLUMNS
} vs_ts_column;

extern const char *const vs_ts_column_names[VS_TS_COLUMNS];

/* Latencies with a per-interval histogram in the time series. */
enum {
    VS_TS_LAT_BLACKOUT,
    VS_TS_LAT_PENDING,
    VS_TS_LAT_SAVE,
    VS_TS_LAT_SLOT_WAIT,
    VS_TS_LATENCIES
};

typedef struct vs_timeseries {
    uint64_t interval_ns;
    double *rows; /* nrows x VS_TS_COLUMNS */
    size_t nrows, cap;
    uint64_t window_start;
    uint64_t saves_before, restores_before, migrations_before; /* counts at window start */
    uint64_t violations_before;
    double network_gbps, link_busiest_pct; /* the interval's, set by the run before a row */
    vs_hist latency[VS_TS_LATENCIES];
} vs_timeseries;

/* How many migrations each host takes part in over time (time-weighted), kept for a
 * drain's heat map. Memory stays nhosts x VS_HOST_SERIES_BUCKETS however long the run:
 * buckets start one time-series interval long, and when they are all used, neighbours
 * merge in pairs and every bucket is twice as long. */
#define VS_HOST_SERIES_BUCKETS 96
typedef struct vs_host_series {
    uint32_t nhosts;    /* 0: not kept */
    size_t nbuckets;    /* used */
    uint64_t bucket_ns; /* a bucket's length (the last one may be cut short) */
    uint64_t end_ns;    /* where the last bucket ends so far */
    double *area;       /* [host * VS_HOST_SERIES_BUCKETS + bucket]: migrations x ns */
    double *mark;       /* per host: its migrations x ns integrated up to end_ns */
} vs_host_series;

/* Keeps the series for nhosts hosts, buckets of interval_ns to start. -1 out of memory. */
int vs_host_series_init(vs_host_series *hs, uint32_t nhosts, uint64_t interval_ns);
void vs_host_series_close(vs_host_series *hs);
/* The interval [hs->end_ns, now) ended; total[h] is host h's migrations x ns integrated
 * from the run's start to now. */
void vs_host_series_add(vs_host_series *hs, uint64_t now, const double *total);
/* Host h's mean migrations over bucket b. */
double vs_host_series_mean(const vs_host_series *hs, uint32_t h, size_t b);

/* One host at the end of the run. */
typedef struct vs_host_stats {
    uint32_t migrations_peak; /* most migrations it took part in at once */
    uint32_t cpu_queue_peak;  /* most work waiting for its CPUs at once */
    uint32_t vms_end;
    uint64_t migrations_out, migrations_in;
    double cpu_busy;            /* mean busy CPUs over the run */
    double link_out, link_in;   /* mean use of its migration link's capacity, each way */
    double bytes_out, bytes_in; /* carried over it */
} vs_host_stats;

/* The drain workload's outcome. */
typedef struct vs_drain_stats {
    bool active, finished;
    uint32_t hosts, vms, failed;
    uint64_t started_ns, finished_ns;
} vs_drain_stats;

typedef struct vs_violation {
    char *rule;
    char *plugin;
    char *detail;
    uint64_t sim_time_ns;
} vs_violation;

/* Each rule keeps the details of its first this many violations; past them, only counts.
 * A buggy callout repeats one bug for every operation, and the report stays small. */
#define VS_VIOLATIONS_KEPT 100

/* What the verifier found: exact counts, and the first violations of each rule. */
typedef struct vs_violations {
    uint64_t total;
    uint64_t by_rule[VS_RULE_COUNT];
    uint64_t *by_plugin; /* [plugin * VS_RULE_COUNT + rule]; plugin nplugins: unknown */
    vs_violation *kept;  /* in the order found, at most VS_VIOLATIONS_KEPT per rule */
    size_t nkept, kept_cap;
} vs_violations;

/* The real-time clock's account of itself (run.clock "realtime"; inactive otherwise). */
#define VS_RT_LATE_BUCKETS 6 /* late by <2, <5, <10, <50, <100 ms, and more */
typedef struct vs_realtime_stats {
    bool active;
    double speed;
    uint64_t wakeups;       /* timer wakeups */
    uint64_t late_timers;   /* woke more than VS_RT_LATE_NS (wall) after its due time */
    uint64_t late_total_ns; /* summed lateness of the late ones, wall */
    uint64_t late_max_ns;   /* the worst wakeup's lateness, late or not, wall */
    uint64_t late_hist[VS_RT_LATE_BUCKETS];
    uint64_t foreign_completions; /* FwpsvSwitchNotifyComplete0 from other threads */
    uint64_t inbox_peak;          /* most completions waiting in the inbox at one wakeup */
    double lag_max_s;             /* most simulated time an event ran behind its due time */
    uint64_t paused_ns;           /* wall time the clock stood still for the run's hooks */
} vs_realtime_stats;

typedef struct vs_stats {
    vs_realtime_stats realtime;
    vs_seq_counts saves, restores;
    vs_op_counts migrations, local, starts;
    uint64_t skipped_vm_off;                   /* operations asked of a VM that is not running */
    vs_hist blackout_parts[VS_BLACKOUT_PARTS]; /* completed migrations' blackout, by part */
    /* Completed migrations' time by how many ran at once on their source over their life
     * (its time-weighted mean, rounded; 1..VS_AT_ONCE_MAX, the last counting the more):
     * sums, for means. */
    struct {
        uint64_t count;
        double ns_sum;
    } by_at_once[VS_AT_ONCE_MAX + 1];
    /* The memory model's completed migrations: sums, for means (precopy.h). */
    struct {
        uint64_t migrations, rounds_sum, rounds_max;
        double bytes_sum;      /* on the wire: rounds, last copy and NIC state */
        double precopy_ns_sum; /* time in pre-copy */
        double precopy_bytes_sum;
    } precopy;
    uint64_t operations_queued;       /* waited behind another operation on the same VM */
    uint64_t state_bytes;             /* saved by all callouts */
    uint64_t corrupted_in_transfer;   /* fault injection: NIC states flipped in transfer */
    uint64_t oversized_states;        /* combined state over a segment with ndis.oversize fail */
    uint64_t callbacks;               /* every callout invocation */
    uint64_t save_oids, restore_oids; /* OID round trips, COMPLETE ones included */
    uint64_t segments;                /* NDIS save segments */
    vs_hist latency[VS_LAT_COUNT];
    vs_hist oids_per_save; /* OID_SWITCH_NIC_SAVE round trips per save sequence */
    vs_level pending;      /* pended callouts not yet completed */
    vs_level migrations_in_flight;
    vs_level saves_in_flight;    /* NIC save sequences under way */
    vs_level migrations_waiting; /* asked for, waiting for their slots */
    vs_host_series host_series;  /* kept for a drain */
    vs_hist *host_latency;       /* [host * VS_LAT_COUNT + latency], when per_host */
    uint32_t latency_hosts;      /* hosts in host_latency: 0 or topology.hosts */
    vs_timeseries series;
    uint64_t measure_start_ns; /* warm-up end: totals count from here */
    vs_host_stats *hosts;      /* filled when the run ends */
    uint32_t nhosts;
    vs_drain_stats drain;
    vs_plugin_stats *plugins; /* one per scenario plugin */
    size_t nplugins;
    vs_violations violations; /* never restarted by warm-up: a bug is a bug */
} vs_stats;

/* nhosts > 0 keeps per-host latency histograms (save, restore, blackout, ...). -1 out of
 * memory, with nothing left to close (closing it again is harmless). */
int vs_stats_init(vs_stats *st, size_t nplugins, uint32_t nhosts, double rel_error,
                  uint64_t interval_ns);
/* The time series' latency column of `which`, or -1 when the series has none. */
static inline int vs_stats_series_latency_(vs_latency which)
{
    switch (which) {
    case VS_LAT_BLACKOUT:
        return VS_TS_LAT_BLACKOUT;
    case VS_LAT_PENDING_COMPLETION:
        return VS_TS_LAT_PENDING;
    case VS_LAT_SAVE:
        return VS_TS_LAT_SAVE;
    case VS_LAT_SLOT_WAIT:
        return VS_TS_LAT_SLOT_WAIT;
    default:
        return -1;
    }
}

/* Record one latency sample: overall, for the host (or UINT32_MAX), and in the series.
 * Inline, as vs_hist_record is: each callout and each save and restore records some. */
static inline void vs_stats_latency(vs_stats *st, vs_latency which, uint32_t host, uint64_t ns)
{
    vs_hist_record(&st->latency[which], ns);
    if (st->host_latency && host != UINT32_MAX)
        vs_hist_record(&st->host_latency[(size_t)host * VS_LAT_COUNT + which], ns);
    int ts = vs_stats_series_latency_(which);
    if (ts >= 0 && st->series.interval_ns)
        vs_hist_record(&st->series.latency[ts], ns);
}
/* A callback's time. It is recorded once, in its plugin's histogram (and the host's):
 * the all-plugins histogram, latency[VS_LAT_CALLBACK], is their merge, which
 * vs_stats_sync makes before anybody reads it. One record per callout, not two. */
static inline void vs_stats_callback_latency(vs_stats *st, vs_plugin_stats *ps, uint32_t host,
                                             uint64_t ns)
{
    vs_hist_record(&ps->latency[VS_LAT_CALLBACK], ns);
    if (st->host_latency)
        vs_hist_record(&st->host_latency[(size_t)host * VS_LAT_COUNT + VS_LAT_CALLBACK], ns);
}
/* Brings what is derived up to date, for a reader: latency[VS_LAT_CALLBACK]. */
void vs_stats_sync(vs_stats *st);
void vs_level_add(vs_level *l, uint64_t now, int64_t delta);
/* Close the time series' current interval at `now` into a row. Returns -1 out of memory. */
int vs_stats_series_row(vs_stats *st, uint64_t now);
/* Warm-up is over: totals (counts, histograms, levels) start again from `now`. */
void vs_stats_restart(vs_stats *st, uint64_t now);
void vs_stats_close(vs_stats *st);
/* Counts a violation of `rule` by scenario plugin `plugin` (nplugins when not known, as
 * "(unknown)") and, while the rule has fewer than VS_VIOLATIONS_KEPT, keeps a copy of its
 * details. Returns -1 out of memory: the count is right, the details are lost. */
int vs_stats_add_violation(vs_stats *st, vs_rule rule, size_t plugin, const char *plugin_name,
                           uint64_t t, const char *detail);

#endif /* VS_STATS_H */
