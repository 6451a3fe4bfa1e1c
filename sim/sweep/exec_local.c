/*
 * exec_local.c: a batch of jobs on this machine's cores, -j child processes at once.
 */
#include "sweep/exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sweep/procs.h"

typedef struct local_exec {
    vs_exec base;
    vs_procs *procs;
} local_exec;

static bool stopped(volatile sig_atomic_t *stop)
{
    return stop && *stop;
}

static json_t *array_job(void *ctx, size_t index)
{
    return json_incref(((json_t *const *)ctx)[index]);
}

vs_jobs vs_jobs_of_array(json_t *const *jobs, size_t n)
{
    return (vs_jobs){n, array_job, (void *)jobs};
}

/* Makes job `index` and starts it in a child. */
static int start_job(vs_procs *procs, const vs_job_base *base, const vs_jobs *jobs, size_t index,
                     char err[VS_ERROR_MAX])
{
    json_t *job = jobs->make(jobs->ctx, index);
    int rc = job ? vs_procs_start(procs, base, job, index, err)
                 : (snprintf(err, VS_ERROR_MAX, "out of memory"), -1);
    json_decref(job);
    return rc;
}

static int local_run(vs_exec *ex, const vs_job_base *base, const vs_jobs *jobs,
                     vs_exec_done_fn done, void *ctx, volatile sig_atomic_t *stop,
                     char err[VS_ERROR_MAX])
{
    local_exec *le = (local_exec *)ex;
    size_t next = 0, finished = 0, n = jobs->n;
    while (finished < n) {
        if (stopped(stop)) {
            vs_procs_kill_all(le->procs);
            return 1;
        }
        while (next < n && !vs_procs_full(le->procs) && !stopped(stop))
            if (start_job(le->procs, base, jobs, next, err) != 0)
                return vs_procs_kill_all(le->procs), -1;
            else
                next++;
        size_t tag;
        json_t *result;
        /* A bounded wait, so that a stop signal is seen within a tenth of a second. */
        int got = vs_procs_wait(le->procs, 100, &tag, &result, err);
        if (got < 0)
            return vs_procs_kill_all(le->procs), -1;
        if (got == 1) {
            done(ctx, tag, result);
            json_decref(result);
            finished++;
        }
    }
    return 0;
}

static void local_free(vs_exec *ex)
{
    local_exec *le = (local_exec *)ex;
    vs_procs_free(le->procs);
    free(le);
}

vs_exec *vs_exec_local(unsigned jobs)
{
    local_exec *le = calloc(1, sizeof *le);
    if (!le || !(le->procs = vs_procs_new(jobs ? jobs : 1))) {
        free(le);
        return NULL;
    }
    le->base = (vs_exec){local_run, local_free};
    return &le->base;
}

unsigned vs_exec_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
