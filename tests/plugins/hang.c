/* hang: its second save never returns (a busy loop). Expected, run with
 * --callback-timeout 1: after about a second of wall time the run stops with a report
 * naming the plugin, its save callback and "timeout", and exits 3. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID HANG_BASE = {
    0x1c0a7d52, 0x3e61, 0x4f0b, {0x8d, 0x2a, 0x51, 0x90, 0x6e, 0x13, 0xc4, 0x03}};

static unsigned saves;
static volatile int spinning = 1;

static NTSTATUS NTAPI hang_save(void *notifyContext, void *completionContext,
                                FWPS_VSWITCH_EVENT_TYPE eventType,
                                const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                void **runtimeState, SIZE_T *runtimeStateLength)
{
    static UCHAR blob[4] = {'H', 'A', 'N', 'G'};

    if (++saves == 2)
        while (spinning) /* bug */
            ;
    *runtimeState = blob;
    *runtimeStateLength = sizeof(blob);
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    hang_save};

    return fixture_subscribe(host, HANG_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
