/* no_abi: a working callout without VSWITCHSIM_PLUGIN_DECLARE(), so it exports no
 * VswitchsimPluginAbiVersion. Expected: refused at load before its entry is called. */
#include "fixture.h"

static const GUID NO_ABI_BASE = {
    0x19dcf2ad, 0x6ba3, 0x4c82, {0x81, 0xe4, 0xd1, 0x19, 0xf7, 0x64, 0x59, 0xed}};

static NTSTATUS NTAPI no_abi_save(void *notifyContext, void *completionContext,
                                  FWPS_VSWITCH_EVENT_TYPE eventType,
                                  const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                  void **runtimeState, SIZE_T *runtimeStateLength)
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
                                                                    no_abi_save};

    return fixture_subscribe(host, NO_ABI_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
