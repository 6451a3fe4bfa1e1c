/*
 * mpi_module.h: between the program and its MPI module. exec_mpi.c is built as a
 * module of its own (vswitchsim-mpi.so, beside the program's libraries), so that only a
 * process mpirun started loads Open MPI: linked into the program, Open MPI, hwloc and
 * libudev cost every command ~95 page faults and 2 to 3 ms of startup on a VM where a
 * fault costs 10 to 40 us, and every supervised command pays for them twice.
 * mpi_loader.c finds the module, dlopens it and calls it through the table below,
 * and hands it the program's functions it needs (procs.h) through vs_mpi_host: the
 * program exports nothing but the SDK's functions, for plugins.
 */
#ifndef VS_SWEEP_MPI_MODULE_H
#define VS_SWEEP_MPI_MODULE_H

#include "sweep/exec.h"
#include "sweep/procs.h"

/* The table's symbol; the suffix changes with the table, so that a module from
 * another build is refused rather than called wrongly. */
#define VS_MPI_MODULE_SYMBOL "vs_mpi_module_v2"

/* The module's file, relative to the directory of the program's executable: the same
 * in the build tree (bin/ and lib/vswitchsim/) as when installed. */
#define VS_MPI_MODULE_NAME "vswitchsim-mpi.so"

/* The program's side: procs.h's functions, for the ranks' local slots. */
typedef struct vs_mpi_host {
    vs_procs *(*procs_new)(unsigned slots);
    void (*procs_free)(vs_procs *p);
    size_t (*procs_busy)(const vs_procs *p);
    bool (*procs_full)(const vs_procs *p);
    int (*procs_start)(vs_procs *p, const vs_job_base *base, const json_t *job, size_t tag,
                       char err[VS_ERROR_MAX]);
    int (*procs_wait)(vs_procs *p, int timeout_ms, size_t *tag, json_t **result,
                      char err[VS_ERROR_MAX]);
    void (*procs_kill_all)(vs_procs *p);
} vs_mpi_host;

/* The module's side: init once, before anything else, with a host that outlives it;
 * then exec.h's vs_mpi_open, vs_mpi_serve and vs_mpi_close. */
typedef struct vs_mpi_module {
    void (*init)(const vs_mpi_host *host);
    int (*open)(int *argc, char ***argv, unsigned jobs, vs_exec **ex, int *rank, int *size,
                char err[VS_ERROR_MAX]);
    int (*serve)(const vs_job_base *base, unsigned jobs, char err[VS_ERROR_MAX]);
    void (*close)(void);
} vs_mpi_module;

#endif /* VS_SWEEP_MPI_MODULE_H */
