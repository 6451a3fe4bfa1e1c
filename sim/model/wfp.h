/*
 * wfp.h: WFP's side of a NIC save or restore, inside the model. A fan-out calls one
 * kind of callback on every subscriber of a host (save, port events) or on the owner
 * of every saved blob (restore), sequentially or in parallel, follows STATUS_PENDING to
 * FwpsvSwitchNotifyComplete0, and calls `done` once every call has finished.
 */
#ifndef VS_WFP_H
#define VS_WFP_H

#include "model/sim.h"

typedef enum vs_fanout_kind {
    VS_FAN_SAVE,
    VS_FAN_RESTORE,
    VS_FAN_PORT_CREATE,
    VS_FAN_PORT_DELETE
} vs_fanout_kind;

/* One saved segment: the bytes one callout returned for a NIC. */
typedef struct vs_blob {
    GUID provider;
    uint32_t plugin;
    size_t offset, length; /* in the request's byte buffer */
} vs_blob;

typedef void (*vs_fanout_done_fn)(vs_sim *sim, vs_fanout *fan);

struct vs_fanout {
    vs_fanout_kind kind;
    uint32_t host;
    NDIS_SWITCH_PORT_ID port;
    vs_request *req;
    vs_fanout_done_fn done;
    uint32_t next;        /* next position to call (subscriber, or blob for restore) */
    uint32_t total;       /* positions in all */
    uint32_t outstanding; /* calls made and not finished */
    NTSTATUS status;      /* the first failure, else STATUS_SUCCESS */
    bool pended, timed_out;
    vs_time_t started;
};

/* The save/restore request that owns a fan-out and the saved bytes. */
struct vs_request {
    uint32_t nic; /* the pool's free-list link overlays the first fields */
    uint32_t src_host, dst_host;
    NDIS_SWITCH_PORT_ID src_port, dst_port;
    vs_time_t started;
    vs_blob *blobs;
    uint32_t nblobs, blobs_cap;
    uint8_t *bytes;
    size_t nbytes, bytes_cap;
    vs_fanout fan;
};

/* Start a fan-out; `done` runs when it finishes, possibly before this returns. */
void vs_fanout_start(vs_sim *sim, vs_fanout *fan, vs_fanout_kind kind, uint32_t host,
                     NDIS_SWITCH_PORT_ID port, vs_fanout_done_fn done);

/* Lifetime events (switch create/delete): may not pend. */
void vs_wfp_lifetime_event(vs_sim *sim, uint32_t host, FWPS_VSWITCH_EVENT_TYPE type);

/* At the end of the run: calls still pending are reported as never completed. */
void vs_wfp_report_unfinished(vs_sim *sim);

#endif /* VS_WFP_H */
