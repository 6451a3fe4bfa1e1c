/* bad_state_pointer: every save returns STATUS_SUCCESS with runtimeState (void *)0x10 and
 * a length of 100. Expected: the simulator's copy of the state faults, which is the
 * callout's bug: bad_state_buffer, the save fails with STATUS_INVALID_PARAMETER, the run
 * goes on and exits 3 (not 139). */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID BAD_STATE_POINTER_BASE = {
    0x5b7e0c31, 0x92d4, 0x4a6f, {0x8e, 0x17, 0x3c, 0x60, 0xa2, 0x5d, 0x91, 0x0b}};

static NTSTATUS NTAPI bad_state_pointer_save(void *notifyContext, void *completionContext,
                                             FWPS_VSWITCH_EVENT_TYPE eventType,
                                             const NDIS_SWITCH_PARAMETERS *vSwitch,
                                             NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                             SIZE_T *runtimeStateLength)
{
    *runtimeState = (void *)0x10; /* bug: not a buffer */
    *runtimeStateLength = 100;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    bad_state_pointer_save};

    return fixture_subscribe(host, BAD_STATE_POINTER_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
