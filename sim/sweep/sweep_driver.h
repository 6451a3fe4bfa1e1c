/*
 * sweep_driver.h: `vswitchsim sweep` once its options are parsed: a scenario over a grid
 * of parameter values, each point replicated, across this machine's cores or MPI ranks;
 * each metric summarized per point with a confidence interval; finished runs kept in the
 * output file as they come, so that an interrupted sweep resumes where it stopped.
 */
#ifndef VS_SWEEP_SWEEP_DRIVER_H
#define VS_SWEEP_SWEEP_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep/batch.h"

typedef struct vs_sweep_args {
    vs_batch_args b;
    const char *params[VS_SWEEP_MAX_PARAMS]; /* --param, as typed */
    size_t nparams;
    const char *metrics[VS_SWEEP_MAX_METRICS]; /* --metric, known report metrics */
    size_t nmetrics;
    unsigned reps;     /* 0: the scenario's sweep.reps, else 1 */
    double confidence; /* 0: the scenario's sweep.confidence, else 0.95 */
    const char *json_path, *csv_path, *html_path;
    bool resume;
} vs_sweep_args;

/* Runs the sweep (on an MPI worker rank: serves rank 0) and writes its outputs; argc and
 * argv go to MPI_Init. Returns the exit code; errors are on stderr. */
int vs_sweep_drive(vs_sweep_args *a, int *argc, char ***argv);

#endif /* VS_SWEEP_SWEEP_DRIVER_H */
