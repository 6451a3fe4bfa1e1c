/*
 * plan_driver.h: `vswitchsim plan` once its options are parsed: the largest value of one
 * parameter at which the SLOs hold, found by bisection over replicated runs (plan.h),
 * with the evidence: every value tried, its runs, and each SLO's interval and verdict.
 */
#ifndef VS_SWEEP_PLAN_DRIVER_H
#define VS_SWEEP_PLAN_DRIVER_H

#include "sweep/batch.h"

typedef struct vs_plan_args {
    vs_batch_args b;   /* the SLOs are the scenario's, after --set */
    const char *param; /* KEY or KEY=LO..HI */
    unsigned reps, max_reps;
    unsigned probes; /* values per round */
    double confidence, tolerance;
    const char *json_path, *html_path;
} vs_plan_args;

/* Runs the plan (on an MPI worker rank: serves rank 0), prints the answer and writes
 * the outputs; argc and argv go to MPI_Init. Returns the exit code: 0 found, 3 no value
 * meets the SLOs, 1 stopped or failed, 2 bad input. */
int vs_plan_drive(vs_plan_args *a, int *argc, char ***argv);

#endif /* VS_SWEEP_PLAN_DRIVER_H */
