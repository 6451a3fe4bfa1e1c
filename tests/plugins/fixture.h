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

#endif /* VS_FIXTURE_H */
