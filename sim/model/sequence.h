/*
 * sequence.h: the orders in which Hyper-V's extensible switch moves a VM's NICs, as
 * tables (sequence.c): a migration's states, and for each kind of operation (a flow) the
 * state that follows each state when its work succeeds or fails. docs/sequence.md draws
 * them and names the WDK page behind each row. migration.c runs them; nothing here acts.
 */
#ifndef VS_SEQUENCE_H
#define VS_SEQUENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

typedef enum vs_mig_state {
    VS_MIG_QUEUED,         /* behind another operation on the same VM */
    VS_MIG_WAITING,        /* for a slot on the source and on a destination */
    VS_MIG_VALIDATE,       /* dst: validation port and its policies, then its delete */
    VS_MIG_PORT_SETUP,     /* dst: operational port and its policies */
    VS_MIG_PRECOPY,        /* memory pre-copy; the VM runs on the source */
    VS_MIG_SAVE,           /* the VM paused: every NIC's save loop on the source */
    VS_MIG_SRC_TEARDOWN,   /* src: NIC disconnect and delete, port teardown and delete */
    VS_MIG_TRANSFER,       /* the saved state crosses the network */
    VS_MIG_DISK,           /* local save/restore: the saved VM on disk */
    VS_MIG_NIC_CONNECT,    /* dst: NIC create, then connect */
    VS_MIG_RESTORE,        /* dst: the restore loop per NIC */
    VS_MIG_LEGACY_RESTORE, /* vswitchsim 1.x's target order: port, NIC, policy, restore, connect */
    VS_MIG_REFUSED,        /* decides: another destination (ok) or fail (failed) */
    VS_MIG_RESTORE_FAILED, /* decides: online without state (ok) or the VM stays off (failed) */
    VS_MIG_DST_ROLLBACK,   /* dst: the operational ports created are deleted */
    VS_MIG_DST_TEARDOWN,   /* dst: NICs and ports built there are torn down */
    VS_MIG_ONLINE,         /* end: the VM runs on the destination */
    VS_MIG_FAILED,         /* end: the VM runs on at the source, nothing changed there */
    VS_MIG_VM_OFF,         /* end: the VM did not come up */
    VS_MIG_STATES,
    VS_MIG_NONE = 0xff /* no transition: a (flow, state, event) that cannot happen */
} vs_mig_state;

/* What ends a state: its work succeeded, or some part of it failed (a callout refused,
 * failed, timed out, or the blackout went past migration.timeout). */
typedef enum vs_mig_event { VS_EV_OK, VS_EV_FAILED, VS_MIG_EVENTS } vs_mig_event;

/* An operation's table. */
typedef enum vs_flow {
    VS_FLOW_MIGRATE,        /* live migration, D-LMS */
    VS_FLOW_MIGRATE_LEGACY, /* live migration, migration.sequence "legacy" */
    VS_FLOW_LOCAL,          /* local save, then restore from the saved state, D-VALPORT */
    VS_FLOW_LOCAL_LEGACY,
    VS_FLOW_POWER_ON, /* a stopped VM powers on, D-VALPORT */
    VS_FLOWS
} vs_flow;

/* The parts of a blackout, in order; they add up to it. */
typedef enum vs_blackout_part {
    VS_BO_SAVE,
    VS_BO_SRC_TEARDOWN,
    VS_BO_TRANSFER,
    VS_BO_NIC_CONNECT,
    VS_BO_RESTORE,
    VS_BO_PARTS,
    VS_BO_NONE = 0xff
} vs_blackout_part;

vs_flow vs_flow_of(vs_operation op, vs_sequence sequence);
/* A row of a flow's table (sequence.c), stored plus one so that the rows a flow leaves
 * out (zero) read as "no transition". Read it through the two functions below. */
typedef struct vs_mig_row {
    uint8_t next[VS_MIG_EVENTS]; /* vs_mig_state + 1, 0: none */
    uint8_t blackout;            /* vs_blackout_part + 1, 0: none */
} vs_mig_row;
extern const vs_mig_row vs__flows[VS_FLOWS][VS_MIG_STATES];

/* The state after `state` on `event` in `flow`, or VS_MIG_NONE. Inline: a migration
 * takes about ten transitions. */
static inline vs_mig_state vs_flow_next(vs_flow flow, vs_mig_state state, vs_mig_event event)
{
    if ((unsigned)flow >= VS_FLOWS || (unsigned)state >= VS_MIG_STATES ||
        (unsigned)event >= VS_MIG_EVENTS || vs__flows[flow][state].next[event] == 0)
        return VS_MIG_NONE;
    return (vs_mig_state)(vs__flows[flow][state].next[event] - 1);
}

/* The part of the blackout `state`'s time counts towards in `flow`, or VS_BO_NONE. */
static inline vs_blackout_part vs_flow_blackout_part(vs_flow flow, vs_mig_state state)
{
    if ((unsigned)flow >= VS_FLOWS || (unsigned)state >= VS_MIG_STATES ||
        vs__flows[flow][state].blackout == 0)
        return VS_BO_NONE;
    return (vs_blackout_part)(vs__flows[flow][state].blackout - 1);
}

/* The row itself, for a caller that holds a valid flow and state (a migration's own,
 * migration.c): no bounds checks on its path of about ten transitions. */
static inline const vs_mig_row *vs_flow_row(vs_flow flow, vs_mig_state state)
{
    return &vs__flows[flow][state];
}
bool vs_mig_state_final(vs_mig_state state);

const char *vs_mig_state_name(vs_mig_state state);
const char *vs_flow_name(vs_flow flow);
const char *vs_blackout_part_name(vs_blackout_part part);

#endif /* VS_SEQUENCE_H */
