/*
 * topology.h: building the hosts, switches, VMs and NICs a run starts with.
 */
#ifndef VS_TOPOLOGY_H
#define VS_TOPOLOGY_H

#include "model/sim.h"

/* Stream kinds for vs_rng_stream_id: each entity draws from its own stream, so adding
 * a host or a VM changes nobody else's draws. */
enum { VS_STREAM_WORKLOAD = 1, VS_STREAM_INSTANCE, VS_STREAM_FAULTS, VS_STREAM_VM,
       VS_STREAM_PLACEMENT };

/* Returns -1 out of memory (vs_topology_free cleans up what was built). */
int vs_topology_build(vs_sim *sim);
void vs_topology_free(vs_sim *sim);

#endif /* VS_TOPOLOGY_H */
