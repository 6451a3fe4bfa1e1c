/* crash_abort: saves a 4-byte blob and calls abort() in the first restore. Expected: the
 * run stops there with a report naming the plugin, its restore callback and SIGABRT,
 * and exits 3 (not 134). */
#include <stdlib.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID CRASH_ABORT_BASE = {
    0x1c0a7d52, 0x3e61, 0x4f0b, {0x8d, 0x2a, 0x51, 0x90, 0x6e, 0x13, 0xc4, 0x02}};

static NTSTATUS NTAPI crash_abort_save(void *notifyContext, void *completionContext,
                                       FWPS_VSWITCH_EVENT_TYPE eventType,
                                       const NDIS_SWITCH_PARAMETERS *vSwitch,
                                       NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                       SIZE_T *runtimeStateLength)
{
    static UCHAR blob[4] = {'A', 'B', 'R', 'T'};

    *runtimeState = blob;
    *runtimeStateLength = sizeof(blob);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI crash_abort_restore(void *notifyContext, void *completionContext,
                                          FWPS_VSWITCH_EVENT_TYPE eventType,
                                          const NDIS_SWITCH_PARAMETERS *vSwitch,
                                          NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                          SIZE_T runtimeStateLength)
{
    abort(); /* bug */
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = crash_abort_save,
        .vSwitchRuntimeStateRestoreNotifyFn = crash_abort_restore};

    return fixture_subscribe(host, CRASH_ABORT_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
