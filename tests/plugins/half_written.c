/* half_written: every save sets *runtimeStateLength to 8 and returns STATUS_SUCCESS
 * without writing *runtimeState.
 * Buggy result: WFP would copy 8 bytes from whatever the buffer pointer held.
 * Expected result: the save fails and buffer_length_mismatch is reported once per save
 * (the simulator pre-sets both out-parameters to sentinels), and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID HALF_WRITTEN_BASE = {
    0x5eb08716, 0x92a5, 0x404d, {0xd7, 0x4f, 0xae, 0x63, 0x55, 0x1c, 0x82, 0x0a}};

static NTSTATUS NTAPI half_written_save(void *notifyContext, void *completionContext,
                                        FWPS_VSWITCH_EVENT_TYPE eventType,
                                        const NDIS_SWITCH_PARAMETERS *vSwitch,
                                        NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                        SIZE_T *runtimeStateLength)
{
    *runtimeStateLength = 8; /* bug: and no buffer written */
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    half_written_save};

    return fixture_subscribe(host, HALF_WRITTEN_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
