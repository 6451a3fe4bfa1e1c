/*
 * workload.h: what drives the model: open Poisson arrivals of NIC save+restore
 * requests. Each request saves a NIC on its host, carries the state to another host,
 * restores it there on a new port and deletes the old port: the NIC has moved.
 */
#ifndef VS_WORKLOAD_H
#define VS_WORKLOAD_H

#include "model/sim.h"

/* Sets up the request pool. */
void vs_workload_init(vs_sim *sim);
/* Schedules the first arrival. Returns -1 out of memory. */
int vs_workload_start(vs_sim *sim);
/* Frees the request pool. */
void vs_workload_close(vs_sim *sim);

#endif /* VS_WORKLOAD_H */
