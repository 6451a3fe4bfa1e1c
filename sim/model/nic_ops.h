/*
 * nic_ops.h: one NIC's part of a migration phase (nic_ops.c). Each call starts the
 * phase's sequence for the NIC; vs_migration_nic_done is called when it ends, and a
 * failure is recorded in the migration.
 */
#ifndef VS_NIC_OPS_H
#define VS_NIC_OPS_H

#include "model/migration.h"

/* Source: OID_SWITCH_NIC_SAVE (WFP calls every save callback), one more per further
 * segment, an empty one, then SAVE_COMPLETE. */
void vs_nic_op_save(vs_sim *sim, vs_nic_op *op);
/* Target: port create, interface create, policy add, one OID_SWITCH_NIC_RESTORE per
 * segment (restore callbacks as each callout's segments are in), RESTORE_COMPLETE,
 * interface connect. */
void vs_nic_op_restore(vs_sim *sim, vs_nic_op *op, NDIS_SWITCH_PORT_ID port);
/* Source after the VM resumed elsewhere: interface disconnect, delete, port delete. */
void vs_nic_op_cleanup(vs_sim *sim, vs_nic_op *op);
/* Target after a failure: delete what the restore phase created. */
void vs_nic_op_rollback(vs_sim *sim, vs_nic_op *op);

/* migration.c: a NIC has ended its part of the current phase. */
void vs_migration_nic_done(vs_sim *sim, vs_migration *mig);

#endif /* VS_NIC_OPS_H */
