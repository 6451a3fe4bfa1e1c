/*
 * stats.h: what the model measures while it runs, overall and per plugin. The report
 * layer turns it into JSON and tables; the model only records.
 */
#ifndef VS_STATS_H
#define VS_STATS_H

#include <stddef.h>
#include <stdint.h>

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

/* The latency histograms the report names, in this order. */
typedef enum vs_latency {
    VS_LAT_PENDING_COMPLETION, /* STATUS_PENDING return -> FwpsvSwitchNotifyComplete0 */
    VS_LAT_SAVE,               /* NIC save sequence, first callout called -> last done */
    VS_LAT_RESTORE,            /* NIC restore sequence */
    VS_LAT_CALLBACK,           /* one callback's synchronous (charged) time */
    VS_LAT_COUNT
} vs_latency;

extern const char *const vs_latency_names[VS_LAT_COUNT];

typedef struct vs_plugin_stats {
    uint64_t saves, restores;     /* callback invocations */
    uint64_t pended;              /* of those, returned STATUS_PENDING */
    uint64_t failed;              /* returned or completed with an error, or timed out */
    uint64_t timed_out;
    uint64_t late_completions;    /* completed after their timeout */
    uint64_t state_bytes;         /* saved by this plugin */
    uint64_t mem_bytes, mem_peak; /* tagged allocations, over all its instances */
    uint64_t mem_allocs;
    vs_hist latency[VS_LAT_COUNT]; /* pending_completion and callback are per plugin */
} vs_plugin_stats;

typedef struct vs_violation {
    char *rule;
    char *plugin;
    char *detail;
    uint64_t sim_time_ns;
} vs_violation;

typedef struct vs_stats {
    vs_seq_counts saves, restores;
    uint64_t requests_started;   /* save+restore requests (NIC moves) */
    uint64_t requests_completed; /* restored on the target, source port deleted */
    uint64_t requests_failed;
    uint64_t requests_queued;    /* waited because their NIC was busy (OID rule) */
    uint64_t state_bytes;        /* saved by all callouts */
    uint64_t corrupted_restores; /* fault injection: blobs flipped in transfer */
    uint64_t callbacks;          /* every callout invocation */
    vs_hist latency[VS_LAT_COUNT];
    vs_gauge pending;            /* pended callouts not yet completed */
    vs_gauge saves_in_flight;
    vs_plugin_stats *plugins;    /* one per scenario plugin */
    size_t nplugins;
    vs_violation *violations;
    size_t nviolations, violations_cap;
} vs_stats;

int vs_stats_init(vs_stats *st, size_t nplugins, double rel_error);
void vs_stats_close(vs_stats *st);
/* Copies the strings. Returns -1 out of memory (the violation is then lost and said so). */
int vs_stats_add_violation(vs_stats *st, const char *rule, const char *plugin, uint64_t t,
                           const char *detail);

#endif /* VS_STATS_H */
