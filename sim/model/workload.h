/*
 * workload.h: what drives the model: open Poisson arrivals, a closed population, a
 * host drain, ramps of the arrival rate, or a trace of (time, VM, target).
 */
#ifndef VS_WORKLOAD_H
#define VS_WORKLOAD_H

#include "model/sim.h"

/* Schedules the workload's first events. Returns -1 out of memory. */
int vs_workload_start(vs_sim *sim);

#endif /* VS_WORKLOAD_H */
