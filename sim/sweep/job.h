/*
 * job.h: one run of a sweep or a plan. A job is self-describing JSON, so that any
 * process (a forked child, another MPI rank) can run it from the scenario and the
 * command line's options alone:
 *
 *   job:    {"set": [[KEY, VALUE], ...], "seed": N, "metrics": [PATH, ...]}
 *   result: {"exit": 0|1|3, "values": [number or null, one per metric],
 *            "slo_breached": N, "violations": N, "crashed": PLUGIN or null,
 *            "interrupted": false}
 *       or  {"exit": 2, "error": "one line"}       (the scenario did not load)
 *       or  {"exit": 1, "error": "one line"}       (the job's process died, ...)
 *
 * "exit" is what `vswitchsim run --seed N --set KEY=VALUE...` would have exited with.
 */
#ifndef VS_SWEEP_JOB_H
#define VS_SWEEP_JOB_H

#include <stdint.h>

#include <jansson.h>

#include "scenario/scenario.h"

/* What every job of a sweep or plan shares; the same on every MPI rank because every
 * rank parses the same command line. */
typedef struct vs_job_base {
    const char *scenario;
    const vs_scenario_options *opts; /* --set and --plugin-path; the seed is the job's */
    double callback_timeout;         /* wall seconds; 0: none */
} vs_job_base;

/* Runs the job in this process and returns its result (a new reference; never NULL
 * unless out of memory). Loads plugins: call it in a process of its own (exec.h). */
json_t *vs_job_run(const vs_job_base *base, const json_t *job);

/* The seed of replication `rep`: rep 0 runs on the scenario's own seed, so that it is
 * the plain `vswitchsim run`; rep r > 0 on a seed mixed from (seed, r) through
 * splitmix64, below 2^63 like every seed. Each replication is reproducible alone with
 * `vswitchsim run --seed <its seed>`. */
uint64_t vs_replication_seed(uint64_t seed, unsigned rep);

#endif /* VS_SWEEP_JOB_H */
