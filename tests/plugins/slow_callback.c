/* slow_callback: every save charges 50 ms of CPU before it returns STATUS_SUCCESS.
 * Buggy result: the callback holds the save OID at DISPATCH_LEVEL for 50 ms.
 * Expected result: callback_too_long (default bound 10 ms) once per save, and no other
 * rule; with verifier.max_callback_time "100ms" the run is clean. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID SLOW_CALLBACK_BASE = {
    0x4daf7605, 0x8194, 0x4f3c, {0xc6, 0x3e, 0x9d, 0x52, 0x44, 0x0b, 0x71, 0x09}};

static NTSTATUS NTAPI slow_callback_save(void *notifyContext, void *completionContext,
                                         FWPS_VSWITCH_EVENT_TYPE eventType,
                                         const NDIS_SWITCH_PARAMETERS *vSwitch,
                                         NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                         SIZE_T *runtimeStateLength)
{
    const fixture_instance *instance = notifyContext;

    instance->host->ChargeCpu(instance->host, 50 * VSWITCHSIM_NS_PER_MS); /* bug */
    *runtimeState = NULL;
    *runtimeStateLength = 0;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    slow_callback_save};

    return fixture_subscribe(host, SLOW_CALLBACK_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
