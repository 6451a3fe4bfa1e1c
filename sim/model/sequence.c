/*
 * sequence.c: the documented orders as data. Each flow is a table of state x event ->
 * next state; each NIC part a table of step x outcome -> next step. The WDK pages they
 * follow (docs/sequence.md has the diagram and the places the docs are silent):
 *   D-LMS     "Hyper-V Extensible Switch Live Migration Support", steps 1-5
 *   D-VALPORT "Validation Ports": VM create, restore from saved state, power on
 *   D-SAVEOPS / D-RESTOPS / D-OIDSAVE / D-OIDREST: the save and restore loops
 */
#include "model/sequence.h"
#include "model/nic_ops.h"

/* The flows are tables, aligned by column to be read as such. */
/* clang-format off */
/* A row: next state on ok, on failed, and the blackout part the state's time counts to.
 * Stored plus one, so that the rows a flow leaves out (zero) read as "no transition". */
#define NONE_ (-1)
#define ROW(state, ok, failed, part)                                                     \
    [VS_MIG_##state] = {{(uint8_t)(VS_MIG_##ok + 1), (uint8_t)(VS_MIG_##failed + 1)},      \
                        (uint8_t)((part) + 1)}
#define VS_MIG_NONE_ NONE_
#define NO NONE_

const vs_mig_row vs__flows[VS_FLOWS][VS_MIG_STATES] = {
    /* D-LMS. Steps 1-2 (validation, then operational port with its policies) before the
     * blackout; a refusal there stops the migration to that destination before anything
     * on the source changes. Step 3 (save) only if they applied, step 4 (source
     * teardown) only if the save succeeded, step 5 (NIC create, connect, restore) last. */
    [VS_FLOW_MIGRATE] = {
        ROW(WAITING,        VALIDATE,     NONE_,           NO),
        ROW(VALIDATE,       PORT_SETUP,   REFUSED,        NO),
        ROW(REFUSED,        WAITING,      FAILED,         NO),
        ROW(PORT_SETUP,     PRECOPY,      DST_ROLLBACK,   NO),
        ROW(PRECOPY,        SAVE,         NONE_,           NO),
        ROW(SAVE,           SRC_TEARDOWN, DST_ROLLBACK,   VS_BO_SAVE),
        ROW(SRC_TEARDOWN,   TRANSFER,     TRANSFER,       VS_BO_SRC_TEARDOWN),
        ROW(TRANSFER,       NIC_CONNECT,  RESTORE_FAILED, VS_BO_TRANSFER),
        ROW(NIC_CONNECT,    RESTORE,      RESTORE_FAILED, VS_BO_NIC_CONNECT),
        ROW(RESTORE,        ONLINE,       RESTORE_FAILED, VS_BO_RESTORE),
        ROW(RESTORE_FAILED, ONLINE,       DST_TEARDOWN,   NO),
        ROW(DST_TEARDOWN,   VM_OFF,       VM_OFF,         NO),
        ROW(DST_ROLLBACK,   FAILED,       FAILED,         NO),
    },
    /* vswitchsim 1.x: the target learns of the port only after the save, and connects the
     * NIC after the restore; the source is torn down after the VM runs on the target. */
    [VS_FLOW_MIGRATE_LEGACY] = {
        ROW(WAITING,        PRECOPY,        NONE_,         NO),
        ROW(PRECOPY,        SAVE,           NONE_,         NO),
        ROW(SAVE,           TRANSFER,       FAILED,       VS_BO_SAVE),
        ROW(TRANSFER,       LEGACY_RESTORE, FAILED,       VS_BO_TRANSFER),
        ROW(LEGACY_RESTORE, SRC_TEARDOWN,   DST_TEARDOWN, VS_BO_RESTORE),
        ROW(SRC_TEARDOWN,   ONLINE,         ONLINE,       NO),
        ROW(DST_TEARDOWN,   FAILED,         FAILED,       NO),
    },
    /* D-SAVEOPS, then D-VALPORT ("when a VM is restored from a saved state"): saved and
     * torn down like a migration's source, restored like its destination. A failure
     * after the teardown leaves no running VM to fall back on. */
    [VS_FLOW_LOCAL] = {
        ROW(WAITING,        SAVE,         NONE_,           NO),
        ROW(SAVE,           SRC_TEARDOWN, FAILED,         NO),
        ROW(SRC_TEARDOWN,   DISK,         DISK,           NO),
        ROW(DISK,           VALIDATE,     NONE_,           NO),
        ROW(VALIDATE,       PORT_SETUP,   VM_OFF,         NO),
        ROW(PORT_SETUP,     NIC_CONNECT,  DST_ROLLBACK,   NO),
        ROW(NIC_CONNECT,    RESTORE,      RESTORE_FAILED, NO),
        ROW(RESTORE,        ONLINE,       RESTORE_FAILED, NO),
        ROW(RESTORE_FAILED, ONLINE,       DST_TEARDOWN,   NO),
        ROW(DST_TEARDOWN,   VM_OFF,       VM_OFF,         NO),
        ROW(DST_ROLLBACK,   VM_OFF,       VM_OFF,         NO),
    },
    [VS_FLOW_LOCAL_LEGACY] = {
        ROW(WAITING,        SAVE,           NONE_,         NO),
        ROW(SAVE,           SRC_TEARDOWN,   FAILED,       NO),
        ROW(SRC_TEARDOWN,   DISK,           DISK,         NO),
        ROW(DISK,           LEGACY_RESTORE, NONE_,         NO),
        ROW(LEGACY_RESTORE, ONLINE,         DST_TEARDOWN, NO),
        ROW(DST_TEARDOWN,   VM_OFF,         VM_OFF,       NO),
    },
    /* D-VALPORT ("when a VM that was stopped is powered on"): validation port, operational
     * port, then the NIC is created and connected; nothing to restore. */
    [VS_FLOW_POWER_ON] = {
        ROW(WAITING,      VALIDATE,    NONE_,         NO),
        ROW(VALIDATE,     PORT_SETUP,  VM_OFF,       NO),
        ROW(PORT_SETUP,   NIC_CONNECT, DST_ROLLBACK, NO),
        ROW(NIC_CONNECT,  ONLINE,      DST_TEARDOWN, NO),
        ROW(DST_TEARDOWN, VM_OFF,      VM_OFF,       NO),
        ROW(DST_ROLLBACK, VM_OFF,      VM_OFF,       NO),
    },
};
/* clang-format on */

vs_flow vs_flow_of(vs_operation op, vs_sequence sequence)
{
    bool legacy = sequence == VS_SEQ_LEGACY;
    switch (op) {
    case VS_OP_MIGRATE:
        return legacy ? VS_FLOW_MIGRATE_LEGACY : VS_FLOW_MIGRATE;
    case VS_OP_LOCAL_SAVE_RESTORE:
        return legacy ? VS_FLOW_LOCAL_LEGACY : VS_FLOW_LOCAL;
    default:
        return VS_FLOW_POWER_ON;
    }
}

bool vs_mig_state_final(vs_mig_state state)
{
    return state == VS_MIG_ONLINE || state == VS_MIG_FAILED || state == VS_MIG_VM_OFF;
}

const char *vs_mig_state_name(vs_mig_state state)
{
    static const char *const names[VS_MIG_STATES] = {
        "QUEUED",       "WAITING",        "VALIDATE", "PORT_SETUP",     "PRECOPY",
        "SAVE",         "SRC_TEARDOWN",   "TRANSFER", "DISK",           "NIC_CONNECT",
        "RESTORE",      "LEGACY_RESTORE", "REFUSED",  "RESTORE_FAILED", "DST_ROLLBACK",
        "DST_TEARDOWN", "ONLINE",         "FAILED",   "VM_OFF"};
    return (unsigned)state < VS_MIG_STATES ? names[state] : "NONE";
}

const char *vs_flow_name(vs_flow flow)
{
    static const char *const names[VS_FLOWS] = {"migrate", "migrate_legacy", "local",
                                                "local_legacy", "power_on"};
    return (unsigned)flow < VS_FLOWS ? names[flow] : "none";
}

const char *vs_blackout_part_name(vs_blackout_part part)
{
    static const char *const names[VS_BO_PARTS] = {"save", "source_teardown", "transfer",
                                                   "nic_connect", "restore"};
    return (unsigned)part < VS_BO_PARTS ? names[part] : "none";
}

/* ---- NIC parts ------------------------------------------------------------------------
 *
 * Row indices are positions in the part's array; VS_ROW_END_OK / _FAILED end the part.
 */

#define OK VS_ROW_END_OK
#define FAIL VS_ROW_END_FAILED
#define STEP(s, ok, failed)     \
    {                           \
        VS_STEP_##s, ok, failed \
    }

/* D-LMS 1, D-VALPORT: a refused policy still deletes the validation port it was on. */
static const vs_nic_row validate[] = {STEP(VPORT_CREATE, 1, FAIL), STEP(VPOLICY, 2, 3),
                                      STEP(VPORT_DELETE, OK, OK), STEP(VPORT_DELETE, FAIL, FAIL)};
/* D-LMS 2. */
static const vs_nic_row port_setup[] = {STEP(PORT_CREATE, 1, FAIL), STEP(POLICY, OK, FAIL)};
/* D-LMS 3, D-SAVEOPS. */
static const vs_nic_row save[] = {STEP(SAVE, OK, FAIL)};
/* D-LMS 4: teardown goes on whatever a callout says. */
static const vs_nic_row src_teardown[] = {STEP(IFACE_DISCONNECT, 1, 1), STEP(IFACE_DELETE, 2, 2),
                                          STEP(PORT_TEARDOWN, 3, 3), STEP(PORT_DELETE, OK, OK)};
/* D-LMS 5: connect only if the NIC was created. */
static const vs_nic_row nic_connect[] = {STEP(IFACE_CREATE, 1, FAIL),
                                         STEP(IFACE_CONNECT, OK, FAIL)};
/* D-LMS 5, D-RESTOPS: a failed restore OID fails the whole restore operation. */
static const vs_nic_row restore[] = {STEP(RESTORE, 1, FAIL), STEP(RESTORE_COMPLETE, OK, FAIL)};
/* The steps of a teardown apply only to what was built (nic_ops.c: step_applies). */
static const vs_nic_row dst_rollback[] = {STEP(PORT_DELETE, OK, OK)};
static const vs_nic_row dst_teardown[] = {STEP(IFACE_DISCONNECT, 1, 1), STEP(IFACE_DELETE, 2, 2),
                                          STEP(PORT_TEARDOWN, 3, 3), STEP(PORT_DELETE, OK, OK)};
static const vs_nic_row legacy_restore[] = {
    STEP(PORT_CREATE, 1, FAIL), STEP(IFACE_CREATE, 2, FAIL),     STEP(POLICY, 3, FAIL),
    STEP(RESTORE, 4, FAIL),     STEP(RESTORE_COMPLETE, 5, FAIL), STEP(IFACE_CONNECT, OK, FAIL)};

#define PART(name)                         \
    {                                      \
        name, sizeof name / sizeof name[0] \
    }
const vs_nic_part_table vs__nic_parts[VS_PART_COUNT] = {[VS_PART_VALIDATE] = PART(validate),
                                                        [VS_PART_PORT_SETUP] = PART(port_setup),
                                                        [VS_PART_SAVE] = PART(save),
                                                        [VS_PART_SRC_TEARDOWN] = PART(src_teardown),
                                                        [VS_PART_NIC_CONNECT] = PART(nic_connect),
                                                        [VS_PART_RESTORE] = PART(restore),
                                                        [VS_PART_DST_ROLLBACK] = PART(dst_rollback),
                                                        [VS_PART_DST_TEARDOWN] = PART(dst_teardown),
                                                        [VS_PART_LEGACY_RESTORE] =
                                                            PART(legacy_restore)};

const char *vs_nic_part_name(vs_nic_part part)
{
    static const char *const names[VS_PART_COUNT] = {
        "validate", "port_setup",   "save",         "src_teardown",  "nic_connect",
        "restore",  "dst_rollback", "dst_teardown", "legacy_restore"};
    return (unsigned)part < VS_PART_COUNT ? names[part] : "none";
}

const char *vs_nic_step_name(vs_nic_step step)
{
    static const char *const names[VS_STEP_COUNT] = {
        "VPORT_CREATE",  "VPOLICY",      "VPORT_DELETE",  "PORT_CREATE",      "POLICY",
        "SAVE",          "IFACE_CREATE", "IFACE_CONNECT", "IFACE_DISCONNECT", "IFACE_DELETE",
        "PORT_TEARDOWN", "PORT_DELETE",  "RESTORE",       "RESTORE_COMPLETE"};
    return (unsigned)step < VS_STEP_COUNT ? names[step] : "none";
}
