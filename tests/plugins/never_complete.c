/* never_complete: returns STATUS_PENDING from every save and never completes it.
 * Expected: each save times out (saves.timed_out) and the verifier reports it. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID NEVER_COMPLETE_BASE = {
    0x5c0d2b7a, 0x1e44, 0x4f0b, {0x8e, 0x6a, 0x3d, 0x90, 0x2f, 0x71, 0xc4, 0x02}};

static NTSTATUS NTAPI never_complete_save(void *notifyContext, void *completionContext,
                                          FWPS_VSWITCH_EVENT_TYPE eventType,
                                          const NDIS_SWITCH_PARAMETERS *vSwitch,
                                          NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                          SIZE_T *runtimeStateLength)
{
    return STATUS_PENDING; /* bug: nothing will ever complete it */
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    never_complete_save};

    return fixture_subscribe(host, NEVER_COMPLETE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
