/*
 * batch.h: what sweeps and plans share: the job base from the options, the executor
 * (-j processes or MPI ranks, the worker ranks' side included), the metrics a run
 * reports back, and checking swept values before anything runs. The command line fills
 * vs_batch_args; nothing here knows of it.
 */
#ifndef VS_SWEEP_BATCH_H
#define VS_SWEEP_BATCH_H

#include <signal.h>
#include <stdbool.h>

#include "scenario/param.h"
#include "sweep/exec.h"
#include "sweep/job.h"

#define VS_SWEEP_MAX_PARAMS 16
#define VS_SWEEP_MAX_METRICS 256

/* What sweeps and plans both take. */
typedef struct vs_batch_args {
    const char *scenario;
    const vs_scenario_options *load; /* --set, --seed, --plugin-path */
    unsigned jobs;                   /* -j; 0: one per CPU */
    double callback_timeout;         /* wall seconds; 0: none */
    bool quiet;
    /* Called as the jobs are about to run (not before: until then a signal ends the
     * program as it always does): the flag a first SIGINT or SIGTERM raises. */
    volatile sig_atomic_t *(*catch_stop)(void);
} vs_batch_args;

/* The scenario's SLOs as text ("latency_us.blackout.p99 < 300000"), a new array. */
json_t *vs_batch_slo_texts(const vs_config *cfg);

/* How jobs run: -j child processes here, or MPI ranks (sweep/exec.h). */
typedef struct vs_batch_exec {
    vs_exec *ex;
    bool mpi;
    int rank, size;
} vs_batch_exec;

/* What sweep and plan do once their options are parsed: set up how jobs run (on an MPI
 * worker rank, serve rank 0 and return), load the scenario, call `loaded`, clean up.
 * Returns the exit code. */
typedef int (*vs_batch_loaded_fn)(void *ctx, const vs_config *cfg, vs_batch_exec *be,
                                  const vs_job_base *base);
int vs_batch_run(vs_batch_args *b, int *argc, char ***argv, vs_batch_loaded_fn loaded, void *ctx);

/* The metrics every run reports (the headline ones, then the scenario's SLO metrics,
 * then `extra`), without duplicates; *n set. Returns NULL when out of memory. */
const char **vs_batch_metrics(const vs_config *cfg, const char *const *extra, size_t nextra,
                              size_t *n);

/* Loads the scenario with each value of each axis set (others as in the scenario), so
 * that a bad value is a usage error before anything runs; and the whole grid too when
 * it has at most `grid_max` points. Returns 0, or -1 after printing the error. */
int vs_batch_check_values(const vs_batch_args *b, const vs_axis *axes, size_t naxes,
                          size_t grid_max);

/* A hex digest of what makes runs comparable: the program's version, the scenario
 * file's bytes, --set, --seed, --plugin-path and the metrics. */
int vs_batch_fingerprint(const vs_batch_args *b, const char *const *metrics, size_t nmetrics,
                         char out[17]);

#endif /* VS_SWEEP_BATCH_H */
