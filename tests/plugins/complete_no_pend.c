/* complete_no_pend: every save calls FwpsvSwitchNotifyComplete0 inside the callback and
 * then returns STATUS_SUCCESS, as if the completion were a way to report success.
 * Buggy result: WFP treats the request as done twice over.
 * Expected result: complete_without_pending, once per save, and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID COMPLETE_NO_PEND_BASE = {
    0x1a7c43d2, 0x5e61, 0x4c09, {0x93, 0x0b, 0x6a, 0x2f, 0x11, 0xd8, 0x4e, 0x06}};

static NTSTATUS NTAPI complete_no_pend_save(void *notifyContext, void *completionContext,
                                            FWPS_VSWITCH_EVENT_TYPE eventType,
                                            const NDIS_SWITCH_PARAMETERS *vSwitch,
                                            NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                            SIZE_T *runtimeStateLength)
{
    *runtimeState = NULL;
    *runtimeStateLength = 0;
    FwpsvSwitchNotifyComplete0(completionContext, STATUS_SUCCESS, 0, NULL);
    return STATUS_SUCCESS; /* bug: completed, so it must return STATUS_PENDING */
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    complete_no_pend_save};

    return fixture_subscribe(host, COMPLETE_NO_PEND_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
