/* shared_guid: subscribes with one fixed provider GUID whatever its instance name, so two
 * instances of it in one scenario claim each other's saved state.
 * Buggy result: on Windows, WFP hands the first subscriber with that GUID every blob,
 * including the other callout's.
 * Expected result: restore_state_mismatch on the first instance, for each blob the second
 * saved, and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID SHARED = {
    0x0d6f1e2a, 0x55b3, 0x4a07, {0x8c, 0x1e, 0x47, 0x90, 0xb2, 0x3d, 0x6a, 0x5f}};

static char state[4] = {'S', 'G', 'U', 'I'};

static NTSTATUS NTAPI shared_save(void *notifyContext, void *completionContext,
                                  FWPS_VSWITCH_EVENT_TYPE eventType,
                                  const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                  void **runtimeState, SIZE_T *runtimeStateLength)
{
    *runtimeState = state;
    *runtimeStateLength = sizeof state;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI shared_restore(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                     SIZE_T runtimeStateLength)
{
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = shared_save,
        .vSwitchRuntimeStateRestoreNotifyFn = shared_restore};
    fixture_instance *instance = host->AllocateWithTag(host, sizeof(*instance), FIXTURE_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    NTSTATUS status = FwpsvSwitchEventsSubscribe0(&SHARED, instance, 0, NULL, &dispatch, /* bug */
                                                  &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, FIXTURE_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
