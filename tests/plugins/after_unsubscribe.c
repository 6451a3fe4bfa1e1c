/* after_unsubscribe: pends its saves and, 10 us later, unsubscribes and only then
 * completes each pended save (the saves of a VM's NICs are pended together).
 * Buggy result: a callout must complete what it pended before it unsubscribes.
 * Expected result: called_after_unsubscribe for each save pended before the unsubscribe
 * (the request still completes, so nothing hangs), and no other rule; unload does not
 * unsubscribe again. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID AFTER_UNSUBSCRIBE_BASE = {
    0x70d2a938, 0xb4c7, 0x426f, {0xf9, 0x61, 0xc0, 0x85, 0x77, 0x3e, 0xa4, 0x0c}};

typedef struct late_completion {
    fixture_instance *instance;
    void *completionContext;
} late_completion;

static void unsubscribe_then_complete(void *routineContext)
{
    late_completion *late = routineContext;
    fixture_instance *instance = late->instance;

    if (instance->subscriptionId != 0) /* a second NIC's save may be pended too */
        FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    instance->subscriptionId = 0;
    FwpsvSwitchNotifyComplete0(late->completionContext, STATUS_SUCCESS, 0, NULL); /* bug */
    instance->host->FreeWithTag(instance->host, late, FIXTURE_TAG);
}

static NTSTATUS NTAPI after_unsubscribe_save(void *notifyContext, void *completionContext,
                                             FWPS_VSWITCH_EVENT_TYPE eventType,
                                             const NDIS_SWITCH_PARAMETERS *vSwitch,
                                             NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                             SIZE_T *runtimeStateLength)
{
    fixture_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    late_completion *late = host->AllocateWithTag(host, sizeof(*late), FIXTURE_TAG);

    *runtimeState = NULL;
    *runtimeStateLength = 0;
    if (late == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *late = (late_completion){instance, completionContext};
    if (!NT_SUCCESS(host->ScheduleRoutine(host, 10 * VSWITCHSIM_NS_PER_US,
                                          unsubscribe_then_complete, late))) {
        host->FreeWithTag(host, late, FIXTURE_TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_PENDING;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    after_unsubscribe_save};

    return fixture_subscribe(host, AFTER_UNSUBSCRIBE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_instance *instance = instanceContext;

    if (instance->subscriptionId != 0)
        FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    instance->host->FreeWithTag(instance->host, instance, FIXTURE_TAG);
}
