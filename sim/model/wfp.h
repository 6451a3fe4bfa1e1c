/*
 * wfp.h: WFP's side of the switch events, inside the model. A fan-out calls one kind of
 * callback on every subscriber of a host (save, port, interface and policy events) or
 * on the owner of each saved blob (restore), on the host's CPUs, sequentially or in
 * parallel, follows STATUS_PENDING to FwpsvSwitchNotifyComplete0, and calls `done` once
 * every call has finished.
 */
#ifndef VS_WFP_H
#define VS_WFP_H

#include "model/sim.h"

/* What one save segment's data can hold. NDIS_OBJECT_HEADER.Size is a USHORT and covers
 * the whole NDIS_SWITCH_NIC_SAVE_STATE buffer (D-OIDSAVE: "Size = full buffer size"),
 * and the data starts at SaveDataOffset, after the 568 bytes of the REVISION_1 header:
 * 65535 - 568 bytes. (SaveDataSize, also a USHORT, would allow 65535; the header's Size
 * is the tighter bound. docs/sequence.md "Segment capacity".) */
#define VS_SEGMENT_MAX ((uint32_t)NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE)

typedef enum vs_fanout_kind {
    VS_FAN_SAVE,
    VS_FAN_RESTORE,
    VS_FAN_PORT_CREATE,
    VS_FAN_PORT_DELETE,
    VS_FAN_IFACE_CREATE,
    VS_FAN_IFACE_CONNECT,
    VS_FAN_IFACE_DISCONNECT,
    VS_FAN_IFACE_DELETE,
    VS_FAN_POLICY_ADD,
    VS_FAN_POLICY_UPDATE,
    VS_FAN_POLICY_DELETE,
    VS_FAN_KINDS
} vs_fanout_kind;

/* What a port or policy event is about (vs_fanout.flags). */
#define VS_FAN_VALIDATION 0x1 /* a validation port (IsValidationPort) */
#define VS_FAN_RESTORING 0x2  /* created to restore a VM: ..._FLAG_RESTORING_PORT */
#define VS_FAN_TEARDOWN 0x4   /* a delete after the port's teardown (PortState) */

/* One callout's saved state for a NIC: the bytes it returned, with their checksum so
 * that the restore can be checked to get exactly those bytes. */
typedef struct vs_blob {
    GUID provider;
    uint32_t plugin;
    size_t offset, length; /* in the owning vs_state's bytes */
    uint64_t checksum;     /* FNV-1a 64 of the bytes as saved */
    bool injected;         /* fault injection changed them on purpose */
} vs_blob;

/* The state saved for one NIC, kept until its restore. */
typedef struct vs_state {
    vs_blob *blobs;
    uint32_t nblobs, blobs_cap;
    uint8_t *bytes;
    size_t nbytes, bytes_cap;
} vs_state;

typedef void (*vs_fanout_done_fn)(vs_sim *sim, vs_fanout *fan);

struct vs_fanout {
    vs_fanout_kind kind;
    uint32_t host;
    uint16_t sw;
    NDIS_SWITCH_PORT_ID port;
    uint32_t vm;         /* for interface events */
    uint32_t nic_index;  /* NIC's index in its VM */
    uint8_t flags;       /* VS_FAN_VALIDATION, ... */
    uint32_t policy;     /* policy events: index into cfg->policies */
    uint64_t vport;      /* a validation port's key (vs_sim_check_reservations), else 0 */
    vs_state *state;     /* save: filled; restore: read */
    uint32_t first_blob; /* restore: blobs [first_blob, first_blob + total) */
    vs_fanout_done_fn done;
    void *owner;
    uint32_t next;        /* next position to call */
    uint32_t total;       /* positions in all */
    uint32_t outstanding; /* calls made and not finished */
    NTSTATUS status;      /* the first failure, else STATUS_SUCCESS */
    bool pended, timed_out;
    bool stepping, again; /* fanout_step is running; a nested call asked it to go on */
    vs_time_t started;
};

/* Everything a fan-out needs besides its kind and completion. */
typedef struct vs_fanout_target {
    uint32_t host;
    uint16_t sw;
    NDIS_SWITCH_PORT_ID port;
    uint32_t vm, nic_index;
    uint8_t flags;
    uint32_t policy;
    uint64_t vport;
} vs_fanout_target;

/* Start a fan-out; `done` runs when it finishes, possibly before this returns. */
void vs_fanout_start(vs_sim *sim, vs_fanout *fan, vs_fanout_kind kind,
                     const vs_fanout_target *where, vs_fanout_done_fn done);

/* Lifetime events (switch create/delete): may not pend. */
void vs_wfp_lifetime_event(vs_sim *sim, uint32_t host, FWPS_VSWITCH_EVENT_TYPE type);
/* The reorder callback after the host's extensions were reordered: may not pend.
 * `order` lists indices into cfg->extensions.names, ingress first. */
void vs_wfp_reorder_event(vs_sim *sim, uint32_t host, const uint32_t *order);
/* The FWPS_VSWITCH_EVENT_ name, without its prefix, of a fan-out kind's callbacks. */
const char *vs_wfp_event_name(unsigned kind);
/* Does subscription s get policy p (its PropertyId is s's provider GUID)? */
bool vs_wfp_policy_matches(const vs_sim *sim, const vs_subscription *s, uint32_t policy);

/* At the end of the run: calls still pending are reported as never completed. */
void vs_wfp_report_unfinished(vs_sim *sim);

void vs_state_reset(vs_state *st);
/* Appends a copy of `len` bytes as provider's blob. Returns -1 out of memory, -2 when
 * `bytes` cannot be read for `len` (a probed copy: model/probe.h). */
int vs_state_add(vs_state *st, const GUID *provider, uint32_t plugin, const void *bytes,
                 size_t len);
void vs_state_close(vs_state *st);
/* Fault injection changed byte `at` of st: the blob holding it is exempt from the
 * restore_state_mismatch check (the fault is counted, not a callout's bug). */
void vs_state_mark_injected(vs_state *st, size_t at);
/* Are blob i's bytes those its save produced (or changed on purpose by a fault)? */
bool vs_state_blob_intact(const vs_state *st, uint32_t i);

/* What WFP stores in a save's out-parameters before the call, to tell which of them
 * the callout wrote (buffer_length_mismatch). Never a real buffer or length. */
extern const unsigned char vs_wfp_unset_state;
#define VS_OUT_STATE_UNSET ((void *)&vs_wfp_unset_state)
#define VS_OUT_LEN_UNSET ((SIZE_T)-1)

/* Internal to the WFP files: does s handle this kind of event (inline: asked for each
 * call of each fan-out)? */
static inline bool vs_wfp_sub_handles(const vs_subscription *s, vs_fanout_kind kind)
{
    switch (kind) {
    case VS_FAN_SAVE:
        return s->table.vSwitchRuntimeStateSaveNotifyFn != NULL;
    case VS_FAN_RESTORE:
        return s->table.vSwitchRuntimeStateRestoreNotifyFn != NULL;
    case VS_FAN_PORT_CREATE:
    case VS_FAN_PORT_DELETE:
        return s->table.vSwitchPortEventNotifyFn != NULL;
    case VS_FAN_POLICY_ADD:
    case VS_FAN_POLICY_UPDATE:
    case VS_FAN_POLICY_DELETE:
        return s->table.vSwitchPolicyEventNotifyFn != NULL;
    default:
        return s->table.vSwitchInterfaceEventNotifyFn != NULL;
    }
}

/* Internal to the WFP files: call s for the fan-out's event. */
NTSTATUS vs_wfp_call_callout(vs_sim *sim, const vs_subscription *s, vs_fanout *fan, vs_call *c,
                             void *token);

#endif /* VS_WFP_H */
