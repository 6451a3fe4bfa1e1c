/* pool_underrun: on its first save allocates a 16-byte block tagged 'Undr' and writes the
 * byte before it. Expected, with verifier.special_pool {"underruns": true}: the write
 * faults at the guard page before the block: a crash named pool_underrun of a 16-byte
 * block tagged 'Undr' in its save callback, exit 3. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define UNDR_TAG VSWITCHSIM_TAG('U', 'n', 'd', 'r')

static const GUID POOL_UNDERRUN_BASE = {
    0x9b13e6d4, 0x72a0, 0x4c5e, {0x81, 0x3f, 0x6d, 0x2e, 0xa5, 0x07, 0x94, 0x11}};

static volatile long before = -1; /* read at run time: the compiler cannot see it */

static NTSTATUS NTAPI pool_underrun_save(void *notifyContext, void *completionContext,
                                         FWPS_VSWITCH_EVENT_TYPE eventType,
                                         const NDIS_SWITCH_PARAMETERS *vSwitch,
                                         NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                         SIZE_T *runtimeStateLength)
{
    fixture_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    volatile unsigned char *block = host->AllocateWithTag(host, 16, UNDR_TAG);

    if (block == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    block[before] = 1; /* bug: the byte before the block */
    host->FreeWithTag(host, (void *)block, UNDR_TAG);
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    pool_underrun_save};

    return fixture_subscribe(host, POOL_UNDERRUN_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
