/* leaky: allocates 64 bytes with tag 'Leak' at its entry and drops the pointer.
 * Buggy result: the block outlives the driver.
 * Expected result: leaked_memory at unload, once per instance (host), tag 'Leak', and
 * no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID LEAKY_BASE = {
    0x2b8d54e3, 0x6f72, 0x4d1a, {0xa4, 0x1c, 0x7b, 0x30, 0x22, 0xe9, 0x5f, 0x07}};

#define LEAK_TAG VSWITCHSIM_TAG('L', 'e', 'a', 'k')

static NTSTATUS NTAPI leaky_save(void *notifyContext, void *completionContext,
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
                                                                    leaky_save};
    NTSTATUS status = fixture_subscribe(host, LEAKY_BASE, &dispatch, instanceContext);

    if (NT_SUCCESS(status))
        (void)host->AllocateWithTag(host, 64, LEAK_TAG); /* bug: never freed */
    return status;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
