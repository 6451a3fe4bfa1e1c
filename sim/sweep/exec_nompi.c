/*
 * exec_nompi.c: the MPI entry points of exec.h in a build without MPI. mpirun can
 * still start such a binary, so vs_mpi_launched still reads the environment: the CLI
 * then refuses with vs_mpi_open's message rather than running the same sweep N times.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sweep/exec.h"

bool vs_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

bool vs_mpi_available(void)
{
    return false;
}

int vs_mpi_open(int *argc, char ***argv, unsigned jobs, vs_exec **ex, int *rank, int *size,
                char err[VS_ERROR_MAX])
{
    *ex = NULL;
    *rank = 0;
    *size = 1;
    snprintf(err, VS_ERROR_MAX,
             "this vswitchsim was built without MPI (rebuild with libopenmpi-dev installed)");
    return -1;
}

int vs_mpi_serve(const vs_job_base *base, unsigned jobs, char err[VS_ERROR_MAX])
{
    snprintf(err, VS_ERROR_MAX,
             "this vswitchsim was built without MPI (rebuild with libopenmpi-dev installed)");
    return -1;
}

void vs_mpi_close(void)
{
}
