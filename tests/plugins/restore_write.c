/* restore_write: saves 64 bytes, and its restore writes into the runtime state it is
 * handed, which belongs to WFP. Expected, with verifier.special_pool: that buffer is
 * read-only, the write faults: a crash named restore_buffer_write of the 64-byte restore
 * buffer in its restore callback, exit 3. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID RESTORE_WRITE_BASE = {
    0x6d80b3f5, 0x1c47, 0x4a29, {0xbe, 0x71, 0x04, 0xc9, 0x3d, 0x58, 0xe2, 0x13}};

static UCHAR saved[64] = "restore_write";

static NTSTATUS NTAPI restore_write_save(void *notifyContext, void *completionContext,
                                         FWPS_VSWITCH_EVENT_TYPE eventType,
                                         const NDIS_SWITCH_PARAMETERS *vSwitch,
                                         NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                         SIZE_T *runtimeStateLength)
{
    *runtimeState = saved;
    *runtimeStateLength = sizeof(saved);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI restore_write_restore(void *notifyContext, void *completionContext,
                                            FWPS_VSWITCH_EVENT_TYPE eventType,
                                            const NDIS_SWITCH_PARAMETERS *vSwitch,
                                            NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                            SIZE_T runtimeStateLength)
{
    ((volatile UCHAR *)runtimeState)[0] ^= 1; /* bug: WFP's buffer, to read only */
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = restore_write_save,
        .vSwitchRuntimeStateRestoreNotifyFn = restore_write_restore};

    return fixture_subscribe(host, RESTORE_WRITE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
