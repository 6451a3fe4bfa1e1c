/*
 * nic_ops.h: one NIC's part of a migration state (nic_ops.c). Each part is a short
 * sequence of steps (WFP fan-outs and OID round trips) written as a table of step x
 * outcome -> next step, so that each documented order reads as data. A part ends with
 * ok or failed, reported through the done callback its starter gave.
 */
#ifndef VS_NIC_OPS_H
#define VS_NIC_OPS_H

#include "model/migration.h"

/* The parts a NIC takes in a migration, local save/restore or VM start (docs/sequence.md
 * gives each its WDK source). */
typedef enum vs_nic_part {
    VS_PART_VALIDATE,       /* dst: validation PORT_CREATE, POLICY_ADD each, PORT_DELETE */
    VS_PART_PORT_SETUP,     /* dst: operational PORT_CREATE, POLICY_ADD each */
    VS_PART_SAVE,           /* src: OID_SWITCH_NIC_SAVE loop (save callbacks), SAVE_COMPLETE */
    VS_PART_SRC_TEARDOWN,   /* src: NIC disconnect, delete, port teardown, port delete */
    VS_PART_NIC_CONNECT,    /* dst: NIC create, connect */
    VS_PART_RESTORE,        /* dst: OID_SWITCH_NIC_RESTORE per segment, RESTORE_COMPLETE */
    VS_PART_DST_ROLLBACK,   /* dst: delete the operational port, if it was created */
    VS_PART_DST_TEARDOWN,   /* dst: what NIC_CONNECT and PORT_SETUP built, torn down */
    VS_PART_LEGACY_RESTORE, /* vswitchsim 1.x: port, NIC, policy, restore, connect */
    VS_PART_COUNT
} vs_nic_part;

/* The steps parts are made of. */
typedef enum vs_nic_step {
    VS_STEP_VPORT_CREATE, /* PORT_CREATE of the validation port (IsValidationPort) */
    VS_STEP_VPOLICY,      /* POLICY_ADD of each policy to the validation port */
    VS_STEP_VPORT_DELETE, /* PORT_DELETE of the validation port */
    VS_STEP_PORT_CREATE,  /* PORT_CREATE of the operational port */
    VS_STEP_POLICY,       /* POLICY_ADD of each policy to the operational port */
    VS_STEP_SAVE,         /* the save loop: OID, save callbacks, OIDs per segment, COMPLETE */
    VS_STEP_IFACE_CREATE,
    VS_STEP_IFACE_CONNECT,
    VS_STEP_IFACE_DISCONNECT,
    VS_STEP_IFACE_DELETE,
    VS_STEP_PORT_TEARDOWN, /* OID_SWITCH_PORT_TEARDOWN: no WFP event of its own */
    VS_STEP_PORT_DELETE,
    VS_STEP_RESTORE, /* RESTORE OIDs and callbacks per segment group */
    VS_STEP_RESTORE_COMPLETE,
    VS_STEP_COUNT
} vs_nic_step;

/* A row of a part's table: its step, then the row that follows when the step succeeds
 * and when it fails, or one of the two ends. */
#define VS_ROW_END_OK 0xfe
#define VS_ROW_END_FAILED 0xff
typedef struct vs_nic_row {
    uint8_t step, on_ok, on_fail;
} vs_nic_row;

/* The part's table (rows in order, starting at row 0) and its length (sequence.c). */
typedef struct vs_nic_part_table {
    const vs_nic_row *rows;
    uint32_t n;
} vs_nic_part_table;
extern const vs_nic_part_table vs__nic_parts[VS_PART_COUNT];

static inline const vs_nic_row *vs_nic_part_rows(vs_nic_part part, uint32_t *nrows)
{
    *nrows = vs__nic_parts[part].n;
    return vs__nic_parts[part].rows;
}
const char *vs_nic_part_name(vs_nic_part part);
const char *vs_nic_step_name(vs_nic_step step);

typedef void (*vs_nic_done_fn)(vs_sim *sim, vs_nic_op *op, bool ok);

/* Starts the NIC's part; `done` runs when it ends, possibly before this returns. The
 * part runs on op->mig->src or op->mig->dst as its steps say. */
void vs_nic_op_start(vs_sim *sim, vs_nic_op *op, vs_nic_part part, vs_nic_done_fn done);

/* Would every step of the part pass at once on `host`: no callout there handles any of
 * its events, it has no OID round trip, the host's stack runs and nobody traces? Then
 * vs_nic_op_pass does its work on the n NICs of ops[] without events: what the steps
 * change (ports, each NIC's state on the destination), as if each had run. */
bool vs_nic_part_silent(const vs_sim *sim, uint32_t host, vs_nic_part part);
void vs_nic_op_pass(vs_sim *sim, vs_nic_op *ops, uint32_t n, vs_nic_part part);
/* Fills sim->nic_pass and sim->nic_part_kinds from the parts' tables (vs_sim_new). */
void vs_nic_ops_init(vs_sim *sim);

/* Names what the parts' events read for the engine to prefetch (after vs_engine_new). */
bool vs_nic_ops_prefetch(vs_sim *sim);
/* Does the part run on the source (else on the destination)? */
static inline bool vs_nic_part_on_source(vs_nic_part part)
{
    return part == VS_PART_SAVE || part == VS_PART_SRC_TEARDOWN;
}

#endif /* VS_NIC_OPS_H */
