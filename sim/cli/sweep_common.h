/*
 * sweep_common.h: what `sweep` and `plan` share: the job base from the command line,
 * the executor (-j processes or MPI ranks, the worker ranks' side included), the
 * metrics a run reports back, and checking swept values before anything runs.
 */
#ifndef VS_CLI_SWEEP_COMMON_H
#define VS_CLI_SWEEP_COMMON_H

#include <stdbool.h>

#include "cli/cli.h"
#include "sweep/exec.h"
#include "sweep/job.h"
#include "scenario/param.h"

#define VS_SWEEP_MAX_PARAMS 16
#define VS_SWEEP_MAX_METRICS 256

/* The options sweep and plan both take, besides the load options. */
typedef struct vs_batch_args {
    vs_load_args load;
    const char *scenario;
    unsigned jobs; /* -j; 0: one per CPU */
    double callback_timeout;
    bool quiet;
} vs_batch_args;

/* A number option's value in [lo, hi] (an integer if asked): 0, or -1 after a usage
 * error naming the command and the option. */
int vs_batch_number(const char *cmd, const char *opt, const char *val, double lo, double hi,
                    bool integer, double *out);

/* The command line of `cmd`: the shared options, then `take` for the command's own
 * (an option at argv[*i], which it may consume a value after: 0, or -1 after a usage
 * error), and one scenario. Returns 0, or -1 after a usage error. */
int vs_batch_parse(vs_batch_args *b, const char *cmd, int argc, char **argv,
                   int (*take)(void *ctx, int argc, char **argv, int *i), void *ctx);

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
int vs_batch_run(vs_batch_args *b, int *argc, char ***argv, vs_batch_loaded_fn loaded,
                 void *ctx);

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

#endif /* VS_CLI_SWEEP_COMMON_H */
