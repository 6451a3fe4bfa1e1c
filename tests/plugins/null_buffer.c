/* null_buffer: every save returns STATUS_SUCCESS with a NULL buffer and a length of 16.
 * Expected: the save fails and the verifier reports the NULL buffer; nothing is read. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID NULL_BUFFER_BASE = {
    0xc84a1e59, 0x0b36, 0x4d72, {0xa9, 0x4d, 0x26, 0xe1, 0x57, 0x8b, 0x0f, 0x05}};

static NTSTATUS NTAPI null_buffer_save(void *notifyContext, void *completionContext,
                                       FWPS_VSWITCH_EVENT_TYPE eventType,
                                       const NDIS_SWITCH_PARAMETERS *vSwitch,
                                       NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                       SIZE_T *runtimeStateLength)
{
    *runtimeState = NULL;
    *runtimeStateLength = 16; /* bug: a length without a buffer */
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    null_buffer_save};

    return fixture_subscribe(host, NULL_BUFFER_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
