/*
 * fixture.h: what the test fixture plugins share: a minimal instance, subscription and
 * unload, so that each fixture's file shows only the one thing it does (right or wrong).
 */
#ifndef VS_FIXTURE_H
#define VS_FIXTURE_H

#include <vswitchsim/fwps.h>
#include <vswitchsim/plugin.h>

#define FIXTURE_TAG VSWITCHSIM_TAG('F', 'i', 'x', 't')

typedef struct fixture_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    void *buffer; /* a fixture's own, freed at unload (FIXTURE_TAG) */
} fixture_instance;

/* The fixture's GUID with the instance name hashed in (FNV-1a), so that two instances
 * of one fixture under different names subscribe with different provider GUIDs. */
static inline GUID fixture_guid(GUID base, const char *instanceName)
{
    UINT32 h = 2166136261u;

    for (const char *p = instanceName != NULL ? instanceName : ""; *p != '\0'; p++)
        h = (h ^ (UCHAR)*p) * 16777619u;
    base.Data1 ^= h;
    return base;
}

static inline NTSTATUS fixture_subscribe(const VSWITCHSIM_HOST *host, GUID base,
                                         const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *dispatch,
                                         void **instanceContext)
{
    NTSTATUS status = VswitchsimCheckHost(host);
    if (!NT_SUCCESS(status))
        return status;
    fixture_instance *instance = host->AllocateWithTag(host, sizeof(*instance), FIXTURE_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    GUID provider = fixture_guid(base, host->InstanceName);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, FIXTURE_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

static inline void fixture_unload(void *instanceContext)
{
    fixture_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    if (instance->buffer != NULL)
        host->FreeWithTag(host, instance->buffer, FIXTURE_TAG);
    host->FreeWithTag(host, instance, FIXTURE_TAG);
}

/* A pended save, kept until a routine completes it. */
typedef struct fixture_pended {
    const VSWITCHSIM_HOST *host;
    void *completionContext;
    void **runtimeState;
    SIZE_T *runtimeStateLength;
} fixture_pended;

/* Pends the save: routine(pended) runs after delayNs and must free pended. */
static inline NTSTATUS fixture_pend(const fixture_instance *instance, void *completionContext,
                                    void **runtimeState, SIZE_T *runtimeStateLength,
                                    VSWITCHSIM_TIME_NS delayNs, VSWITCHSIM_ROUTINE routine)
{
    const VSWITCHSIM_HOST *host = instance->host;
    fixture_pended *pended = host->AllocateWithTag(host, sizeof(*pended), FIXTURE_TAG);

    if (pended == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *pended = (fixture_pended){host, completionContext, runtimeState, runtimeStateLength};
    NTSTATUS status = host->ScheduleRoutine(host, delayNs, routine, pended);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, pended, FIXTURE_TAG);
        return status;
    }
    return STATUS_PENDING;
}

static inline void fixture_pended_free(fixture_pended *pended)
{
    pended->host->FreeWithTag(pended->host, pended, FIXTURE_TAG);
}

/* ---- Switches and validation ports -------------------------------------------------- */

/* A switch is known by its name (FNV-1a over the UTF-16 bytes): the parameters WFP
 * passes are a copy per call, so their address says nothing. */
static inline UINT64 fixture_switch_key(const NDIS_SWITCH_PARAMETERS *vSwitch)
{
    UINT64 h = 0xcbf29ce484222325ull;
    size_t n = vSwitch != NULL ? vSwitch->SwitchName.Length : 0;
    const UCHAR *p = vSwitch != NULL ? (const UCHAR *)vSwitch->SwitchName.String : NULL;

    if (n > IF_MAX_STRING_SIZE * sizeof(WCHAR))
        n = IF_MAX_STRING_SIZE * sizeof(WCHAR);
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* The validation ports between their PORT_CREATE and their PORT_DELETE, in a fixed table
 * (so that no callback allocates): a policy event says only the port's id, so a fixture
 * remembers which ports are validation ports. */
#define FIXTURE_VALIDATION_SLOTS 64
typedef struct fixture_validation_ports {
    struct {
        UINT64 switchKey;
        NDIS_SWITCH_PORT_ID portId;
        BOOLEAN used;
    } slot[FIXTURE_VALIDATION_SLOTS];
} fixture_validation_ports;

static inline int fixture_validation_index(const fixture_validation_ports *t, UINT64 key,
                                           NDIS_SWITCH_PORT_ID portId)
{
    for (int i = 0; i < FIXTURE_VALIDATION_SLOTS; i++)
        if (t->slot[i].used && t->slot[i].switchKey == key && t->slot[i].portId == portId)
            return i;
    return -1;
}

static inline BOOLEAN fixture_validation_port(const fixture_validation_ports *t,
                                              const NDIS_SWITCH_PARAMETERS *vSwitch,
                                              NDIS_SWITCH_PORT_ID portId)
{
    return fixture_validation_index(t, fixture_switch_key(vSwitch), portId) >= 0;
}

/* A port event: any PORT_DELETE of the port, or the operational PORT_CREATE that replaces
 * it, ends a validation port; a validation PORT_CREATE the callout accepted (`created`)
 * begins one. FALSE when a validation port found the table full. */
static inline BOOLEAN fixture_validation_event(fixture_validation_ports *t,
                                               FWPS_VSWITCH_EVENT_TYPE eventType,
                                               const NDIS_SWITCH_PARAMETERS *vSwitch,
                                               const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort,
                                               BOOLEAN created)
{
    UINT64 key = fixture_switch_key(vSwitch);
    int i = fixture_validation_index(t, key, vSwitchPort->PortId);

    if (i >= 0)
        t->slot[i].used = FALSE;
    if (eventType != FWPS_VSWITCH_EVENT_PORT_CREATE || !vSwitchPort->IsValidationPort || !created)
        return TRUE;
    for (i = 0; i < FIXTURE_VALIDATION_SLOTS; i++)
        if (!t->slot[i].used) {
            t->slot[i].switchKey = key;
            t->slot[i].portId = vSwitchPort->PortId;
            t->slot[i].used = TRUE;
            return TRUE;
        }
    return FALSE;
}

#endif /* VS_FIXTURE_H */
