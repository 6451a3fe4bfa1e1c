/* unknown_context: pends every save and, 10 us later, first completes a forged
 * completion context (a made-up pointer), then the real one.
 * Buggy result: on Windows, completing a context WFP never handed out corrupts WFP.
 * Expected result: unknown_completion_context once per save (the real completion then
 * lands, so nothing times out), and no other rule. */
#include <stdint.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID UNKNOWN_CONTEXT_BASE = {
    0x92f4cb5a, 0xd6e9, 0x4481, {0x1b, 0x83, 0xe2, 0xa7, 0x99, 0x50, 0xc6, 0x0e}};

static void complete_forged_then_real(void *routineContext)
{
    fixture_pended *pended = routineContext;
    void *forged = (void *)(uintptr_t)0xdead0000u; /* bug: not from WFP */

    *pended->runtimeState = NULL;
    *pended->runtimeStateLength = 0;
    FwpsvSwitchNotifyComplete0(forged, STATUS_SUCCESS, 0, NULL);
    FwpsvSwitchNotifyComplete0(pended->completionContext, STATUS_SUCCESS, 0, NULL);
    fixture_pended_free(pended);
}

static NTSTATUS NTAPI unknown_context_save(void *notifyContext, void *completionContext,
                                           FWPS_VSWITCH_EVENT_TYPE eventType,
                                           const NDIS_SWITCH_PARAMETERS *vSwitch,
                                           NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                           SIZE_T *runtimeStateLength)
{
    return fixture_pend(notifyContext, completionContext, runtimeState, runtimeStateLength,
                        10 * VSWITCHSIM_NS_PER_US, complete_forged_then_real);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    unknown_context_save};

    return fixture_subscribe(host, UNKNOWN_CONTEXT_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
