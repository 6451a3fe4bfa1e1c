/* routine_crash: pends every save and completes it from a deferred routine, which on the
 * second save of the run writes through a NULL pointer. Expected: one line names the
 * plugin and its routine callback with SIGSEGV, the report says so, exit 3 (not 139). */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID ROUTINE_CRASH_BASE = {
    0x2c81d4e7, 0x6f0a, 0x4b93, {0x95, 0x3e, 0x0b, 0x7d, 0x21, 0xc8, 0x66, 0x0e}};

static unsigned routines;
static int *volatile nowhere; /* NULL, read at run time so the compiler keeps the store */

/* Not checked by UBSan, which would stop at the NULL store. */
__attribute__((no_sanitize_undefined)) static void NTAPI routine_crash_complete(void *context)
{
    fixture_pended *pended = context;

    if (++routines == 2)
        *nowhere = 1; /* bug */
    *pended->runtimeState = NULL;
    *pended->runtimeStateLength = 0;
    FwpsvSwitchNotifyComplete0(pended->completionContext, STATUS_SUCCESS, 0, NULL);
    fixture_pended_free(pended);
}

static NTSTATUS NTAPI routine_crash_save(void *notifyContext, void *completionContext,
                                         FWPS_VSWITCH_EVENT_TYPE eventType,
                                         const NDIS_SWITCH_PARAMETERS *vSwitch,
                                         NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                         SIZE_T *runtimeStateLength)
{
    return fixture_pend(notifyContext, completionContext, runtimeState, runtimeStateLength, 1000000,
                        routine_crash_complete);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    routine_crash_save};

    return fixture_subscribe(host, ROUTINE_CRASH_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
