/*
 * exec.h: where a batch of jobs runs: child processes on this machine (-j N), or
 * across MPI ranks (exec_mpi.c, when built with MPI). The caller hands over a batch,
 * gets each result as it arrives, in whatever order, and orders them itself by index:
 * that is why results never depend on the number of jobs or ranks.
 */
#ifndef VS_SWEEP_EXEC_H
#define VS_SWEEP_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sweep/job.h"

/* A batch of n jobs, each made when it is handed out (make returns a new reference,
 * NULL when out of memory): a million-run sweep never holds a million jobs at once. */
typedef struct vs_jobs {
    size_t n;
    json_t *(*make)(void *ctx, size_t index);
    void *ctx;
} vs_jobs;

/* A batch over an array the caller keeps. */
vs_jobs vs_jobs_of_array(json_t *const *jobs, size_t n);

/* Called once per finished job with its index in the batch; result is borrowed. */
typedef void (*vs_exec_done_fn)(void *ctx, size_t index, const json_t *result);

typedef struct vs_exec vs_exec;

struct vs_exec {
    /* Runs the batch. Returns 0 when all finished, 1 when *stop was raised (the jobs
     * in flight are killed; done was not called for them), -1 with err. */
    int (*run)(vs_exec *ex, const vs_job_base *base, const vs_jobs *jobs, vs_exec_done_fn done,
               void *ctx, volatile sig_atomic_t *stop, char err[VS_ERROR_MAX]);
    void (*free)(vs_exec *ex);
};

/* Up to `jobs` child processes at once (procs.h). NULL when out of memory. */
vs_exec *vs_exec_local(unsigned jobs);

/* The number of online CPUs: -j's default. */
unsigned vs_exec_default_jobs(void);

/* MPI (exec_mpi.c, or exec_nompi.c when built without MPI).
 * vs_mpi_launched: the environment says mpirun started this process (Open MPI's
 * OMPI_COMM_WORLD_SIZE, or PMIX_RANK / PMI_RANK), true even in a build without MPI.
 * vs_mpi_open: MPI_Init. On rank 0, *ex becomes an executor that runs jobs on this
 * rank's `jobs` local slots and sends others to ranks 1..N-1 (`jobs` slots each); on
 * the other ranks *ex is NULL and *rank > 0: call vs_mpi_serve. Returns -1 with err
 * when MPI is not built in or fails. vs_mpi_serve runs the jobs rank 0 sends until it
 * says stop, then returns 0. vs_mpi_close: MPI_Finalize (after vs_exec's free). */
bool vs_mpi_launched(void);
bool vs_mpi_available(void);
int vs_mpi_open(int *argc, char ***argv, unsigned jobs, vs_exec **ex, int *rank, int *size,
                char err[VS_ERROR_MAX]);
int vs_mpi_serve(const vs_job_base *base, unsigned jobs, char err[VS_ERROR_MAX]);
void vs_mpi_close(void);

#endif /* VS_SWEEP_EXEC_H */
