/*
 * migration.h: a VM's live migration, local save/restore or power-on, end to end: a
 * slot on the source and the destination, then the states of its flow's table
 * (sequence.h), each one the NICs' parts (nic_ops.h) or a timed phase, and the counts
 * the report keeps of how it ended.
 */
#ifndef VS_MIGRATION_H
#define VS_MIGRATION_H

#include "model/sequence.h"
#include "model/sim.h"
#include "model/wfp.h"

#define VS_ANY_HOST UINT32_MAX

typedef struct vs_mig_run vs_mig_run;

/* One NIC's part of a state: a table of steps (nic_ops.h), each a WFP fan-out or OID
 * round trips. */
/* What a NIC has built on the destination (vs_nic_op.built): bits, so that a part that
 * passes at once looks up its effect by them (vs_nic_pass). */
enum { VS_BUILT_PORT = 1, VS_BUILT_IFACE = 2, VS_BUILT_CONNECTED = 4 };

typedef struct vs_nic_op {
    vs_migration *mig;
    void (*done)(vs_sim *sim, struct vs_nic_op *op, bool ok); /* the part has ended */
    uint32_t nic;                                             /* global NIC index */
    uint32_t index;                                           /* in its VM */
    NDIS_SWITCH_PORT_ID dst_port;   /* the destination's port: validation, then operational */
    uint32_t host;                  /* where the running part runs (src or dst), kept at hand */
    const struct vs_nic_row *rows;  /* the part's table (nic_ops.h) */
    uint8_t part;                   /* vs_nic_part */
    uint8_t row;                    /* position in the part's table */
    uint8_t step;                   /* rows[row].step, kept at hand */
    uint8_t stage;                  /* within a step: the save loop's or restore loop's stage */
    uint32_t oids_left;             /* OID round trips still to make in this stage */
    uint32_t group;                 /* restore loop: which group of segments */
    uint32_t policy;                /* policy steps: the next policy to add */
    uint32_t segments;              /* NDIS save segments the saved state took */
    uint8_t built;                  /* VS_BUILT_*: what this NIC built on the destination */
    bool seq_pended, seq_timed_out; /* a callout pended, or timed out, in this save or restore */
    vs_time_t seq_started, oid_started;
    vs_state state;
    vs_fanout fan;
} vs_nic_op;

/* 48 bytes: a drain asks for all its migrations at once (five million in a region),
 * so what only a running one needs lives in its vs_mig_run. */
struct vs_migration {
    vs_migration *next; /* first: the pool's free link, then the VM's or host's queue */
    vs_mig_run *run;    /* while it runs (from its slots to its end), else NULL */
    vs_time_t arrived;
    uint32_t vm, src, dst;
    uint32_t target_hint; /* a host, or VS_ANY_HOST: by migration.placement */
    uint8_t op;           /* vs_operation */
    uint8_t flow;         /* vs_flow: the table it follows */
    uint8_t state;        /* vs_mig_state */
    uint8_t cause;        /* vs_fail_cause of the first failure */
    bool failed_here;     /* a part of the current state failed */
    bool timed_out, from_closed, without_state;
};

/* What a migration needs only while it runs, from a pool of its own: a drain queues tens
 * of thousands of migrations at once, and only those with slots need this. */
struct vs_mig_run {
    void *pool_link;        /* the pool's free list writes here, not over what follows */
    vs_time_t started;      /* when it got its slots (or started, needing none) */
    uint32_t waiting;       /* NIC parts, or the state's timer, still running */
    const vs_mig_row *rows; /* its flow's table (sequence.h), at hand */
    uint32_t ntried;
    uint32_t *tried; /* destinations that refused it (migration.on_refused next_host) */
    vs_time_t state_started;
    vs_time_t blackout[VS_BO_PARTS]; /* time spent in each part of the blackout */
    vs_event_id timeout;
    uint64_t state_bytes;
    /* The memory model's pre-copy (precopy.c). */
    void (*precopy_done)(vs_sim *sim, vs_migration *mig);
    uint32_t rounds;
    vs_time_t round_started, precopy_started;
    double round_bytes;   /* on the wire, this round */
    double sent;          /* on the wire, all rounds and the last copy */
    double dirty;         /* left for the blackout */
    vs_time_t precopy_ns; /* the rounds' time in all */
    double slot_area;     /* its source's slot_area when it started */
    double precopy_bytes; /* the rounds' bytes in all */
    uint32_t nnics;
    vs_nic_op nics[]; /* nics_per_vm of them */
};

/* Where the operation ended, for whoever asked for it (the workload). */
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

/* Each host's migrations integrated over time (migrations x ns) from the start to now,
 * into total[host]: what stats.host_series samples. */
void vs_migration_slot_totals(vs_sim *sim, vs_time_t now, double *total);

#endif /* VS_MIGRATION_H */
