/* complete_pending: pends every save and, 10 us later, completes it with STATUS_PENDING,
 * which FwpsvSwitchNotifyComplete0 does not allow. Expected: the verifier reports it and
 * the save fails. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID COMPLETE_PENDING_BASE = {
    0x2d6b8f31, 0x47c9, 0x4a15, {0x83, 0xf7, 0x5e, 0x0a, 0x6c, 0x19, 0xb2, 0x04}};

static void complete_with_pending(void *routineContext)
{
    fixture_pended *pended = routineContext;

    *pended->runtimeState = NULL;
    *pended->runtimeStateLength = 0;
    FwpsvSwitchNotifyComplete0(pended->completionContext, STATUS_PENDING, 0, NULL); /* bug */
    fixture_pended_free(pended);
}

static NTSTATUS NTAPI complete_pending_save(void *notifyContext, void *completionContext,
                                            FWPS_VSWITCH_EVENT_TYPE eventType,
                                            const NDIS_SWITCH_PARAMETERS *vSwitch,
                                            NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                            SIZE_T *runtimeStateLength)
{
    return fixture_pend(notifyContext, completionContext, runtimeState, runtimeStateLength,
                        10 * VSWITCHSIM_NS_PER_US, complete_with_pending);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    complete_pending_save};

    return fixture_subscribe(host, COMPLETE_PENDING_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
