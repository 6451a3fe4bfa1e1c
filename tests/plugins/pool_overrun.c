/* pool_overrun: on its first save allocates a 16-byte block tagged 'Vsim' and writes
 * 4 KiB into it. Expected, with verifier.special_pool: the write faults at the guard page
 * after the block, and the run stops with a crash named pool_overrun of a 16-byte block
 * tagged 'Vsim' in its save callback, exit 3. Without special pool the write lands in
 * the simulator's heap: caught only if it happens to fault (see special_pool.sh). */
#include <string.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define VSIM_TAG VSWITCHSIM_TAG('V', 's', 'i', 'm')

static const GUID POOL_OVERRUN_BASE = {
    0x4e2a7c91, 0x0d35, 0x4f86, {0xa2, 0x5b, 0x1e, 0x93, 0x7c, 0x40, 0xd1, 0x10}};

static volatile size_t overrun = 4096; /* read at run time: the compiler cannot see it */

static NTSTATUS NTAPI pool_overrun_save(void *notifyContext, void *completionContext,
                                        FWPS_VSWITCH_EVENT_TYPE eventType,
                                        const NDIS_SWITCH_PARAMETERS *vSwitch,
                                        NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                        SIZE_T *runtimeStateLength)
{
    fixture_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    unsigned char *block = host->AllocateWithTag(host, 16, VSIM_TAG);

    if (block == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(block, 0xAB, overrun); /* bug: 4080 bytes past its end */
    host->FreeWithTag(host, block, VSIM_TAG);
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    pool_overrun_save};

    return fixture_subscribe(host, POOL_OVERRUN_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
