/*
 * runner.h: one run of a loaded scenario, as `vswitchsim run` does it and as every job
 * of a sweep or plan does it: attach the plugins, run under the crash guard, unload,
 * build the report, and turn what happened into the exit code.
 */
#ifndef VS_RUNNER_H
#define VS_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/sim.h"
#include "plugin/guard.h"
#include "supervisor/supervisor.h"

enum {
    VS_EXIT_OK = 0,        /* ran, and every SLO held */
    VS_EXIT_FAILURE = 1,   /* anything else */
    VS_EXIT_BAD_INPUT = 2, /* usage, scenario, plugin load */
    VS_EXIT_BREACH = 3     /* ran, but an SLO was breached or the verifier found a bug */
};

typedef struct vs_run_options {
    double callback_timeout; /* wall seconds; 0: none */
    bool verbose;
    volatile sig_atomic_t *stop; /* raised by a signal: the run stops early */
    /* A progress line (sim.h); NULL: none. */
    void (*progress)(void *ctx, vs_time_t now, vs_time_t end, uint64_t events);
    void *progress_ctx;
    /* --trace: every callback and OID as it ends (sim.h); NULL: none. */
    void (*trace)(void *ctx, const vs_trace_record *rec);
    void *trace_ctx;
    /* --timeline: migration states and host counters as they change (sim.h); NULL: none. */
    void (*timeline)(void *ctx, const vs_timeline_event *ev);
    void *timeline_ctx;
    /* --listen: live metrics over HTTP while running (sim/server); host NULL: none. */
    const char *listen_host;
    uint16_t listen_port;
    double linger;
    /* Supervised (sim/supervisor; NULL: not): the run keeps its breadcrumb and hands
     * over a snapshot of its report now and then, from an interval after it began. */
    vs_supervisor *supervisor;
} vs_run_options;

/* How the run ended, for the report and the exit code. */
typedef struct vs_run_end {
    vs_guard guard;   /* guard.first.signal: a callout crashed */
    bool interrupted; /* *stop was raised */
    double wall_time_s;
} vs_run_end;

/* Runs cfg and returns its report (a new reference), with the plugins already
 * unloaded so that leaks found at unload are in it. NULL on failure, with the reason
 * printed on stderr and *exit_code set (VS_EXIT_BAD_INPUT when a plugin failed to
 * load, else left alone). */
json_t *vs_run_simulate(const vs_config *cfg, const vs_run_options *o, vs_run_end *end,
                        int *exit_code);

/* The report of cfg as it stands before anything runs (no plugin loaded, nothing
 * counted): what a supervised run that died before its first snapshot covers. A new
 * reference; NULL when out of memory. */
json_t *vs_run_report_unstarted(const vs_config *cfg);

/* Evaluates the SLOs into the report and returns the exit code the run earns:
 * a crashed callout 3, then an interruption 1, then a breached SLO or a verifier
 * finding 3, else 0. */
int vs_run_verdict(json_t *report, const vs_config *cfg, const vs_run_end *end);

#endif /* VS_RUNNER_H */
