/*
 * mpi_loader.c: exec.h's MPI entry points in the program. They load the MPI module
 * (mpi_module.h) on first use, that is only in a process mpirun started, and forward to
 * it. A build without MPI has no module, and mpirun can still start its binary, so
 * vs_mpi_launched reads the environment whatever the build: the CLI then refuses with
 * vs_mpi_open's message rather than running the same sweep N times.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/self.h"
#include "sweep/exec.h"
#include "sweep/mpi_module.h"

#ifndef VSWITCHSIM_MPI_MODULE_DIR
#define VSWITCHSIM_MPI_MODULE_DIR "" /* a build without MPI */
#endif

/* MPI is one per process, and so is its module: loaded once, never unloaded (Open MPI
 * does not survive a dlclose). */
static const vs_mpi_module *module;

static const vs_mpi_host host = {
    .procs_new = vs_procs_new,
    .procs_free = vs_procs_free,
    .procs_busy = vs_procs_busy,
    .procs_full = vs_procs_full,
    .procs_start = vs_procs_start,
    .procs_wait = vs_procs_wait,
    .procs_kill_all = vs_procs_kill_all,
};

bool vs_mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

/* The module's path: VSWITCHSIM_MPI_MODULE_DIR, relative to the executable's directory.
 * Returns -1 with err when the executable cannot be found or the path is too long. */
static int module_path(char path[PATH_MAX], char err[VS_ERROR_MAX])
{
    char exe_dir[PATH_MAX];
    if (vs_self_dir(exe_dir) != 0) {
        snprintf(err, VS_ERROR_MAX, "/proc/self/exe: %s", strerror(errno));
        return -1;
    }
    int len = snprintf(path, PATH_MAX, "%s/%s/%s", exe_dir, VSWITCHSIM_MPI_MODULE_DIR,
                       VS_MPI_MODULE_NAME);
    if (len < 0 || len >= PATH_MAX) {
        snprintf(err, VS_ERROR_MAX, "the MPI module's path is longer than PATH_MAX");
        return -1;
    }
    return 0;
}

bool vs_mpi_available(void)
{
    char path[PATH_MAX], err[VS_ERROR_MAX];
    return VSWITCHSIM_HAVE_MPI && module_path(path, err) == 0 && access(path, R_OK) == 0;
}

/* Loads the module once. Returns -1 with err when it is not built or will not load. */
static int load_module(char err[VS_ERROR_MAX])
{
    if (module)
        return 0;
    if (!VSWITCHSIM_HAVE_MPI) {
        snprintf(err, VS_ERROR_MAX,
                 "this vswitchsim was built without MPI (rebuild with libopenmpi-dev installed)");
        return -1;
    }
    char path[PATH_MAX];
    if (module_path(path, err) != 0)
        return -1;
    /* RTLD_GLOBAL: Open MPI dlopens its own components, which expect libmpi's and
     * libopen-pal's symbols in the global scope, as they are when the program links
     * libmpi. RTLD_NOW: a missing symbol is this error, not a crash in mid-sweep. */
    void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        snprintf(err, VS_ERROR_MAX, "cannot load the MPI module: %s", dlerror());
        return -1;
    }
    const vs_mpi_module *m = dlsym(h, VS_MPI_MODULE_SYMBOL);
    if (!m) {
        snprintf(err, VS_ERROR_MAX, "%.*s: no %s: a module from another build of vswitchsim",
                 VS_ERROR_MAX / 2, path, VS_MPI_MODULE_SYMBOL);
        dlclose(h);
        return -1;
    }
    m->init(&host);
    module = m;
    return 0;
}

int vs_mpi_open(int *argc, char ***argv, unsigned jobs, vs_exec **ex, int *rank, int *size,
                char err[VS_ERROR_MAX])
{
    *ex = NULL;
    *rank = 0;
    *size = 1;
    if (load_module(err) != 0)
        return -1;
    return module->open(argc, argv, jobs, ex, rank, size, err);
}

int vs_mpi_serve(const vs_job_base *base, unsigned jobs, char err[VS_ERROR_MAX])
{
    if (load_module(err) != 0)
        return -1;
    return module->serve(base, jobs, err);
}

void vs_mpi_close(void)
{
    if (module)
        module->close();
}
