/*
 * misbehave.c: a callout for the soak (bench/soak) that breaks the WFP contract now and
 * then, in every way the model survives, and otherwise saves and restores a small blob.
 * Each save draws one behaviour from its instance's random stream, by weights in parts
 * per thousand (params, each 0..1000, their sum at most 1000; the rest behaves):
 *
 *   double_complete  pends, then completes the same context twice (double_completion)
 *   unknown_context  pends, then completes a forged context, then the real one
 *                    (unknown_completion_context)
 *   complete_no_pend completes inside the callback and returns SUCCESS
 *                    (complete_without_pending)
 *   never_complete   pends and never completes: the save times out after
 *                    wfp.pending_timeout (pending_never_completed); the save fails
 *   late_complete    pends and completes after late_delay (default 100ms), past a short
 *                    wfp.pending_timeout: a late completion (counted, not a rule); the
 *                    save fails
 *   oversized        returns a 70000-byte blob, over one NDIS segment: with ndis.oversize
 *                    "fail" the save fails (state_exceeds_segment); with "split" it is
 *                    carried in two segments
 *   null_buffer      returns SUCCESS with a NULL buffer and a length (null_state_buffer);
 *                    the save fails
 *   refuse           returns STATUS_DATA_NOT_ACCEPTED: the save fails, no rule
 *
 * Every misbehaviour is bounded: nothing it does keeps memory past the save it belongs
 * to (a pended save's record lives until its routine runs, and unload frees the ones a
 * run's end left waiting), so a long run of it must hold steady memory. Restore checks
 * the blob's header (the port id and a checksum) and refuses a damaged one, so
 * faults.corrupt_restore_probability fails some restores (and their migrations).
 */
#include <stdint.h>
#include <string.h>

#include "vsp.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define MISBEHAVE_TAG VSWITCHSIM_TAG('M', 'i', 's', 'b')
#define BLOB_BYTES 16
#define OVERSIZED_BYTES 70000

/* {5b0e7d1c-3f9a-4c62-8d41-a7e2c95f0b13}, XORed with the instance name's hash. */
static const GUID MISBEHAVE_PROVIDER_BASE = {
    0x5b0e7d1c, 0x3f9a, 0x4c62, {0x8d, 0x41, 0xa7, 0xe2, 0xc9, 0x5f, 0x0b, 0x13}};

/* The behaviours, in the order of their params' names. */
#define MISBEHAVE_MAP(XX)                    \
    XX(DOUBLE_COMPLETE, "double_complete")   \
    XX(UNKNOWN_CONTEXT, "unknown_context")   \
    XX(COMPLETE_NO_PEND, "complete_no_pend") \
    XX(NEVER_COMPLETE, "never_complete")     \
    XX(LATE_COMPLETE, "late_complete")       \
    XX(OVERSIZED, "oversized")               \
    XX(NULL_BUFFER, "null_buffer")           \
    XX(REFUSE, "refuse")

typedef enum behaviour {
#define XX(code, name) B_##code,
    MISBEHAVE_MAP(XX)
#undef XX
        B_COUNT,
    B_BEHAVE = B_COUNT
} behaviour;

static const char *const behaviour_names[B_COUNT] = {
#define XX(code, name) name,
    MISBEHAVE_MAP(XX)
#undef XX
};

typedef struct misbehave_instance misbehave_instance;

/* A pended save, from its callback to its routine (or to unload). */
typedef struct pended_save {
    misbehave_instance *instance;
    struct pended_save *prev, *next;
    void *completionContext;
    void **runtimeState;
    SIZE_T *runtimeStateLength;
    behaviour what;
} pended_save;

struct misbehave_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    long long weight[B_COUNT]; /* per thousand saves */
    VSWITCHSIM_TIME_NS lateDelay;
    pended_save *pended; /* waiting for their routine */
    UINT64 counts[B_COUNT + 1];
    /* What a save hands WFP; WFP copies it when the save completes, so one buffer of each
     * size serves every save of the instance. */
    UCHAR blob[BLOB_BYTES];
    UCHAR *oversized;
};

/* ---- The blob: the port id, a salt, and a checksum of the two ------------------------- */

static UINT64 blob_sum(const UCHAR *blob)
{
    return vsp_fnv1a64(VSP_FNV1A64_INIT, blob, 8);
}

static void blob_write(UCHAR *blob, NDIS_SWITCH_PORT_ID portId)
{
    UINT64 sum;

    memcpy(blob, &portId, 4);
    memcpy(blob + 4, "Misb", 4);
    sum = blob_sum(blob);
    memcpy(blob + 8, &sum, 8);
}

static BOOLEAN blob_ok(const UCHAR *blob, SIZE_T length)
{
    UINT64 sum;

    if (blob == NULL || (length != BLOB_BYTES && length != OVERSIZED_BYTES))
        return FALSE;
    memcpy(&sum, blob + 8, 8);
    return sum == blob_sum(blob) && memcmp(blob + 4, "Misb", 4) == 0;
}

/* ---- Pended saves ----------------------------------------------------------------------- */

static void pended_unlink(pended_save *p)
{
    misbehave_instance *instance = p->instance;

    if (p->prev != NULL)
        p->prev->next = p->next;
    else
        instance->pended = p->next;
    if (p->next != NULL)
        p->next->prev = p->prev;
}

static void pended_routine(void *routineContext)
{
    pended_save *p = routineContext;
    misbehave_instance *instance = p->instance;
    void *forged = (void *)(uintptr_t)0xdead0000u;

    pended_unlink(p);
    if (p->what != B_LATE_COMPLETE) {
        /* A late one must not write them: WFP gave up on the request, so they are gone. */
        *p->runtimeState = NULL;
        *p->runtimeStateLength = 0;
    }
    if (p->what == B_UNKNOWN_CONTEXT)
        FwpsvSwitchNotifyComplete0(forged, STATUS_SUCCESS, 0, NULL); /* bug */
    FwpsvSwitchNotifyComplete0(p->completionContext, STATUS_SUCCESS, 0, NULL);
    if (p->what == B_DOUBLE_COMPLETE)
        FwpsvSwitchNotifyComplete0(p->completionContext, STATUS_SUCCESS, 0, NULL); /* bug */
    instance->host->FreeWithTag(instance->host, p, MISBEHAVE_TAG);
}

static NTSTATUS pend(misbehave_instance *instance, behaviour what, void *completionContext,
                     void **runtimeState, SIZE_T *runtimeStateLength)
{
    const VSWITCHSIM_HOST *host = instance->host;
    VSWITCHSIM_TIME_NS delay = what == B_LATE_COMPLETE ? instance->lateDelay
                                                       : 10 * VSWITCHSIM_NS_PER_US;
    pended_save *p = host->AllocateWithTag(host, sizeof(*p), MISBEHAVE_TAG);

    if (p == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *p = (pended_save){instance,           NULL, instance->pended, completionContext, runtimeState,
                       runtimeStateLength, what};
    NTSTATUS status = host->ScheduleRoutine(host, delay, pended_routine, p);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, p, MISBEHAVE_TAG);
        return status;
    }
    if (instance->pended != NULL)
        instance->pended->prev = p;
    instance->pended = p;
    return STATUS_PENDING;
}

/* ---- Callbacks ---------------------------------------------------------------------------- */

static behaviour draw(misbehave_instance *instance)
{
    long long u = (long long)(instance->host->Random(instance->host) % 1000);

    for (int i = 0; i < B_COUNT; i++) {
        if (u < instance->weight[i])
            return (behaviour)i;
        u -= instance->weight[i];
    }
    return B_BEHAVE;
}

static NTSTATUS NTAPI misbehave_save(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                     SIZE_T *runtimeStateLength)
{
    misbehave_instance *instance = notifyContext;
    behaviour what = draw(instance);

    instance->counts[what]++;
    switch (what) {
    case B_DOUBLE_COMPLETE:
    case B_UNKNOWN_CONTEXT:
    case B_LATE_COMPLETE:
        return pend(instance, what, completionContext, runtimeState, runtimeStateLength);
    case B_NEVER_COMPLETE:
        return STATUS_PENDING; /* bug: nothing will complete it */
    case B_COMPLETE_NO_PEND:
        *runtimeState = NULL;
        *runtimeStateLength = 0;
        FwpsvSwitchNotifyComplete0(completionContext, STATUS_SUCCESS, 0, NULL);
        return STATUS_SUCCESS; /* bug: completed, so it must return STATUS_PENDING */
    case B_OVERSIZED:
        blob_write(instance->oversized, portId);
        *runtimeState = instance->oversized;
        *runtimeStateLength = OVERSIZED_BYTES; /* bug with ndis.oversize "fail" */
        return STATUS_SUCCESS;
    case B_NULL_BUFFER:
        *runtimeState = NULL;
        *runtimeStateLength = BLOB_BYTES; /* bug: a length without a buffer */
        return STATUS_SUCCESS;
    case B_REFUSE:
        return STATUS_DATA_NOT_ACCEPTED;
    default:
        blob_write(instance->blob, portId);
        *runtimeState = instance->blob;
        *runtimeStateLength = BLOB_BYTES;
        return STATUS_SUCCESS;
    }
}

static NTSTATUS NTAPI misbehave_restore(void *notifyContext, void *completionContext,
                                        FWPS_VSWITCH_EVENT_TYPE eventType,
                                        const NDIS_SWITCH_PARAMETERS *vSwitch,
                                        NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                        SIZE_T runtimeStateLength)
{
    return blob_ok(runtimeState, runtimeStateLength) ? STATUS_SUCCESS : STATUS_DATA_NOT_ACCEPTED;
}

/* ---- Entry and unload ------------------------------------------------------------------- */

/* Through the host's getters: a bad value or an unknown key refuses the plugin with one
 * line naming the param (plugin.h). */
static NTSTATUS parse_params(misbehave_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    long long total = 0;
    INT64 weight, lateMs = 100;
    NTSTATUS status = STATUS_SUCCESS;

    for (int i = 0; i < B_COUNT && NT_SUCCESS(status); i++) {
        status = host->GetParamInt(host, behaviour_names[i], 0, 1000, 0, &weight);
        instance->weight[i] = weight;
        total += weight;
    }
    if (NT_SUCCESS(status))
        status = host->GetParamInt(host, "late_delay_ms", 1, 3600000, 100, &lateMs);
    if (NT_SUCCESS(status) && total > 1000) {
        host->Log(host, VSWITCHSIM_LOG_ERROR,
                  "params: the weights add up to %lld per thousand saves (at most 1000)", total);
        status = STATUS_INVALID_PARAMETER;
    }
    instance->lateDelay = (VSWITCHSIM_TIME_NS)lateMs * VSWITCHSIM_NS_PER_MS;
    return status;
}

static void instance_free(misbehave_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;

    if (instance->oversized != NULL)
        host->FreeWithTag(host, instance->oversized, MISBEHAVE_TAG);
    host->FreeWithTag(host, instance, MISBEHAVE_TAG);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = misbehave_save,
        .vSwitchRuntimeStateRestoreNotifyFn = misbehave_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);
    GUID provider;

    if (!NT_SUCCESS(status))
        return status;
    misbehave_instance *instance = host->AllocateWithTag(host, sizeof(*instance), MISBEHAVE_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    status = parse_params(instance);
    if (NT_SUCCESS(status) &&
        (instance->oversized = host->AllocateWithTag(host, OVERSIZED_BYTES, MISBEHAVE_TAG)) == NULL)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status)) {
        vsp_provider_guid(&MISBEHAVE_PROVIDER_BASE, host->InstanceName, &provider);
        status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                             &instance->subscriptionId);
    }
    if (!NT_SUCCESS(status)) {
        instance_free(instance);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    misbehave_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    while (instance->pended != NULL) { /* their routines never ran: the run ended first */
        pended_save *p = instance->pended;
        pended_unlink(p);
        host->FreeWithTag(host, p, MISBEHAVE_TAG);
    }
    host->Log(host, VSWITCHSIM_LOG_DEBUG,
              "saves: %llu behaved, %llu double_complete, %llu unknown_context, "
              "%llu complete_no_pend, %llu never_complete, %llu late_complete, %llu oversized, "
              "%llu null_buffer, %llu refuse",
              (unsigned long long)instance->counts[B_BEHAVE],
              (unsigned long long)instance->counts[B_DOUBLE_COMPLETE],
              (unsigned long long)instance->counts[B_UNKNOWN_CONTEXT],
              (unsigned long long)instance->counts[B_COMPLETE_NO_PEND],
              (unsigned long long)instance->counts[B_NEVER_COMPLETE],
              (unsigned long long)instance->counts[B_LATE_COMPLETE],
              (unsigned long long)instance->counts[B_OVERSIZED],
              (unsigned long long)instance->counts[B_NULL_BUFFER],
              (unsigned long long)instance->counts[B_REFUSE]);
    instance_free(instance);
}
