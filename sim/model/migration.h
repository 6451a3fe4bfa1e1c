/*
 * migration.h: a VM's live migration (or local save/restore), end to end: a slot on
 * the source and the target, pre-copy, the blackout in which every NIC goes through the
 * NDIS save loop, the state's transfer, the target's port, interface, policy and
 * restore loop, the VM's resume, and the source's cleanup; or the rollback.
 */
#ifndef VS_MIGRATION_H
#define VS_MIGRATION_H

#include "model/sim.h"
#include "model/wfp.h"

#define VS_ANY_HOST UINT32_MAX

typedef enum vs_mig_phase {
    VS_MIG_QUEUED,    /* behind another operation on the same VM */
    VS_MIG_WAITING,   /* for a slot on the source and on a target */
    VS_MIG_PRECOPY,
    VS_MIG_SAVING,    /* blackout: NIC saves and the pause */
    VS_MIG_TRANSFER,
    VS_MIG_DISK,      /* local save/restore: the VM sits on disk */
    VS_MIG_RESTORING, /* target: port, interface, policy, restore loop, connect */
    VS_MIG_CLEANUP,   /* source: disconnect, interface and port delete */
    VS_MIG_ROLLBACK   /* target: what was created is deleted again */
} vs_mig_phase;

/* One NIC's part: a small sequence of fan-outs and OID round trips per phase. */
typedef struct vs_nic_op {
    vs_migration *mig;
    uint32_t nic;         /* global NIC index */
    uint32_t index;       /* in its VM */
    NDIS_SWITCH_PORT_ID dst_port;
    uint8_t step;         /* position in the phase's sequence */
    uint32_t oids_left;   /* OID round trips still to make in this step */
    uint32_t group;       /* restore loop: which group of segments */
    uint32_t segments;    /* NDIS save segments the saved state took */
    bool port_created, iface_created;
    vs_time_t seq_started;
    vs_state state;
    vs_fanout fan;
} vs_nic_op;

struct vs_migration {
    vs_migration *next; /* first: the pool's free link, then the VM's or host's queue */
    uint32_t vm, src, dst;
    uint32_t target_hint; /* a host, or VS_ANY_HOST: by migration.placement */
    vs_operation op;
    vs_mig_phase phase;
    bool failed, timed_out, from_closed, saves_failed;
    uint32_t waiting;     /* NIC operations, or the pause, still running in this phase */
    vs_time_t arrived, started, blackout_started;
    vs_event_id timeout;
    uint64_t state_bytes;
    vs_nic_op *nics;      /* nics_per_vm of them while it runs, else NULL */
    uint32_t nnics;
};

/* The model calls back into the workload when an operation ends. */
typedef void (*vs_operation_done_fn)(vs_sim *sim, const vs_migration *mig, bool ok);

/* After the topology is built. Returns -1 out of memory. */
int vs_migration_init(vs_sim *sim);
void vs_migration_close(vs_sim *sim);

/* Ask for an operation on a VM; `target` is a host or VS_ANY_HOST. Returns -1 out of
 * memory. */
int vs_migration_request(vs_sim *sim, uint32_t vm, uint32_t target, vs_operation op,
                         bool from_closed);

/* A host's VMs, slots or draining flag changed: it may have become, or stopped being, a
 * target. */
void vs_migration_host_changed(vs_sim *sim, uint32_t host);

/* Called by the migration code when an operation has finished (workload.c). */
void vs_workload_operation_done(vs_sim *sim, const vs_migration *mig, bool ok);

#endif /* VS_MIGRATION_H */
