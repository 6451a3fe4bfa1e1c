/* crash_segv: saves a 4-byte blob, and on the third save of the run writes through a
 * NULL pointer. Expected: the run stops there with a report naming the plugin, its save
 * callback and SIGSEGV, and exits 3 (not 139). */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID CRASH_SEGV_BASE = {
    0x1c0a7d52, 0x3e61, 0x4f0b, {0x8d, 0x2a, 0x51, 0x90, 0x6e, 0x13, 0xc4, 0x01}};

static unsigned saves;
static int *volatile nowhere; /* NULL, read at run time so the compiler keeps the store */

/* Not checked by UBSan, which would stop at the NULL store: it faults, as it would in a
 * plugin built without sanitizers. */
__attribute__((no_sanitize_undefined)) static NTSTATUS NTAPI
crash_segv_save(void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                void **runtimeState, SIZE_T *runtimeStateLength)
{
    static UCHAR blob[4] = {'S', 'E', 'G', 'V'};

    if (++saves == 3)
        *nowhere = 1; /* bug */
    *runtimeState = blob;
    *runtimeStateLength = sizeof(blob);
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    crash_segv_save};

    return fixture_subscribe(host, CRASH_SEGV_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
