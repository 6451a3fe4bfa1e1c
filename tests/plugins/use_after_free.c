/* use_after_free: on its first save allocates a 32-byte block tagged 'Uaf!', frees it,
 * then writes into it. Expected, with verifier.special_pool: the freed block is PROT_NONE
 * in the quarantine, so the write faults: a crash named use_after_free of a 32-byte block
 * tagged 'Uaf!' in its save callback, exit 3. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define UAF_TAG VSWITCHSIM_TAG('U', 'a', 'f', '!')

static const GUID USE_AFTER_FREE_BASE = {
    0x17c45a2e, 0xe903, 0x4b7d, {0x96, 0x0c, 0x58, 0x3a, 0xf1, 0x6b, 0x2d, 0x12}};

static NTSTATUS NTAPI use_after_free_save(void *notifyContext, void *completionContext,
                                          FWPS_VSWITCH_EVENT_TYPE eventType,
                                          const NDIS_SWITCH_PARAMETERS *vSwitch,
                                          NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                          SIZE_T *runtimeStateLength)
{
    fixture_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    volatile unsigned char *block = host->AllocateWithTag(host, 32, UAF_TAG);

    if (block == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    host->FreeWithTag(host, (void *)block, UAF_TAG);
    block[8] = 1; /* bug: after its free */
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    use_after_free_save};

    return fixture_subscribe(host, USE_AFTER_FREE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
