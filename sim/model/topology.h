/*
 * topology.h: building the hosts, switches, VMs and NICs a run starts with.
 */
#ifndef VS_TOPOLOGY_H
#define VS_TOPOLOGY_H

#include "model/sim.h"

/* Stream kinds for vs_rng_stream_id: each entity draws from its own stream, so adding
 * a host or a VM changes nobody else's draws. */
enum {
    VS_STREAM_WORKLOAD = 1,
    VS_STREAM_INSTANCE,
    VS_STREAM_FAULTS,
    VS_STREAM_VM,
    VS_STREAM_PLACEMENT,
    VS_STREAM_VM_MEMORY
};

/* Returns -1 out of memory (vs_topology_free cleans up what was built). */
int vs_topology_build(vs_sim *sim);
void vs_topology_free(vs_sim *sim);

/* The ports and NICs on one switch, the external port first, as the arrays
 * VSWITCH_CREATE carries (WFP queries OID_SWITCH_PORT_ARRAY and OID_SWITCH_NIC_ARRAY
 * from FilterRestart, D-LIFE). `initial`: at the start of the run, when a host holds its
 * initial VMs only (a cheaper walk). Caller frees both. */
int vs_topology_switch_arrays(const vs_sim *sim, uint32_t host, uint32_t sw, bool initial,
                              NDIS_SWITCH_PORT_ARRAY **ports, NDIS_SWITCH_NIC_ARRAY **nics);

#endif /* VS_TOPOLOGY_H */
