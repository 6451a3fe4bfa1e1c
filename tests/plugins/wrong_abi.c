/* wrong_abi: a working callout built for ABI 99. Expected: refused at load ("ABI 99,
 * want 1") before its entry is called. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_EXPORT const UINT32 VswitchsimPluginAbiVersion = 99;

static const GUID WRONG_ABI_BASE = {
    0xfd0de398, 0xc7a0, 0x4dc6, {0xa4, 0x1c, 0x81, 0x2b, 0x80, 0xf2, 0xd9, 0x4b}};

static NTSTATUS NTAPI wrong_abi_save(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                     SIZE_T *runtimeStateLength)
{
    *runtimeState = NULL;
    *runtimeStateLength = 0;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    wrong_abi_save};

    return fixture_subscribe(host, WRONG_ABI_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
