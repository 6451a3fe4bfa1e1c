/* double_complete: pends every save and, 10 us later, completes it twice. Expected: the
 * verifier reports the second FwpsvSwitchNotifyComplete0 (a completion context used
 * after it was completed); the first completion counts. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID DOUBLE_COMPLETE_BASE = {
    0x3f1f6c0e, 0x8a5d, 0x4b6e, {0x9b, 0x21, 0x0c, 0x4e, 0x7d, 0x55, 0x1a, 0x01}};

static void complete_twice(void *routineContext)
{
    fixture_pended *pended = routineContext;

    *pended->runtimeState = NULL;
    *pended->runtimeStateLength = 0;
    FwpsvSwitchNotifyComplete0(pended->completionContext, STATUS_SUCCESS, 0, NULL);
    FwpsvSwitchNotifyComplete0(pended->completionContext, STATUS_SUCCESS, 0, NULL); /* bug */
    fixture_pended_free(pended);
}

static NTSTATUS NTAPI double_complete_save(void *notifyContext, void *completionContext,
                                           FWPS_VSWITCH_EVENT_TYPE eventType,
                                           const NDIS_SWITCH_PARAMETERS *vSwitch,
                                           NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                           SIZE_T *runtimeStateLength)
{
    return fixture_pend(notifyContext, completionContext, runtimeState, runtimeStateLength,
                        10 * VSWITCHSIM_NS_PER_US, complete_twice);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    double_complete_save};

    return fixture_subscribe(host, DOUBLE_COMPLETE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
