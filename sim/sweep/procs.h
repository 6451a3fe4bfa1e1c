/*
 * procs.h: jobs in child processes, one fresh process per job, at most `slots` at once.
 * A fresh process per job means a plugin's globals, its leaks or its crash never carry
 * over to the next job, so a result depends on the job alone, not on -j or on which
 * rank ran it. The child writes its result (job.h) as one JSON text to a pipe and exits.
 */
#ifndef VS_SWEEP_PROCS_H
#define VS_SWEEP_PROCS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sweep/job.h"

typedef struct vs_procs vs_procs;

vs_procs *vs_procs_new(unsigned slots);
void vs_procs_free(vs_procs *p); /* kills and reaps what still runs */

size_t vs_procs_busy(const vs_procs *p);
bool vs_procs_full(const vs_procs *p);

/* Forks a child for the job; `tag` comes back with its result. -1 with err on failure. */
int vs_procs_start(vs_procs *p, const vs_job_base *base, const json_t *job, size_t tag,
                   char err[VS_ERROR_MAX]);

/* Waits up to timeout_ms (-1: until one finishes) for a job to finish. Returns 1 with
 * *tag and *result (a new reference; a child that died without a result gives
 * {"exit": 1, "error": "..."}), 0 on timeout or when nothing runs, -1 with err. */
int vs_procs_wait(vs_procs *p, int timeout_ms, size_t *tag, json_t **result,
                  char err[VS_ERROR_MAX]);

/* SIGTERM to every child, then reaps them; their results are dropped. */
void vs_procs_kill_all(vs_procs *p);

#endif /* VS_SWEEP_PROCS_H */
