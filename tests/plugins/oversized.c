/* oversized: every save returns STATUS_SUCCESS with a 70000-byte blob, more than one
 * NDIS_SWITCH_NIC_SAVE_STATE segment holds (SaveDataSize is a USHORT). Expected: the save
 * fails and the verifier reports the size. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define OVERSIZED_BYTES 70000

static const GUID OVERSIZED_BASE = {
    0x9a7e4d13, 0x62f0, 0x4c3a, {0xb5, 0x0e, 0x71, 0x2c, 0xd8, 0x46, 0x93, 0x03}};

static NTSTATUS NTAPI oversized_save(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                     SIZE_T *runtimeStateLength)
{
    const fixture_instance *instance = notifyContext;

    *runtimeState = instance->buffer;
    *runtimeStateLength = OVERSIZED_BYTES; /* bug: over 65535 */
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    oversized_save};
    NTSTATUS status = fixture_subscribe(host, OVERSIZED_BASE, &dispatch, instanceContext);

    if (!NT_SUCCESS(status))
        return status;
    fixture_instance *instance = *instanceContext;
    instance->buffer = host->AllocateWithTag(host, OVERSIZED_BYTES, FIXTURE_TAG);
    if (instance->buffer == NULL) {
        fixture_unload(instance);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
