/*
 * null.c: the cheapest correct callout. It subscribes save and restore only, saves
 * nothing (SUCCESS, NULL, 0) and accepts any restore: a baseline for invocation-rate
 * benchmarks, where all the time measured is the simulator's own.
 * Params: none ({}).
 */
#include "vsp.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define NULL_TAG VSWITCHSIM_TAG('N', 'u', 'l', 'l')

/* {27fa5528-471c-40f5-ba4b-6de6cd5e5dc1}, XORed with the instance name's hash. */
static const GUID NULL_PROVIDER_BASE = {
    0x27fa5528, 0x471c, 0x40f5, {0xba, 0x4b, 0x6d, 0xe6, 0xcd, 0x5e, 0x5d, 0xc1}};

typedef struct null_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
} null_instance;

static NTSTATUS NTAPI null_save(void *notifyContext, void *completionContext,
                                FWPS_VSWITCH_EVENT_TYPE eventType,
                                const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                void **runtimeState, SIZE_T *runtimeStateLength)
{
    *runtimeState = NULL;
    *runtimeStateLength = 0;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI null_restore(void *notifyContext, void *completionContext,
                                   FWPS_VSWITCH_EVENT_TYPE eventType,
                                   const NDIS_SWITCH_PARAMETERS *vSwitch,
                                   NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                   SIZE_T runtimeStateLength)
{
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = null_save,
        .vSwitchRuntimeStateRestoreNotifyFn = null_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);
    GUID provider;

    if (!NT_SUCCESS(status))
        return status;
    status = host->CheckParams(host); /* it takes none: any key is refused */
    if (!NT_SUCCESS(status))
        return status;

    null_instance *instance = host->AllocateWithTag(host, sizeof(*instance), NULL_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    vsp_provider_guid(&NULL_PROVIDER_BASE, host->InstanceName, &provider);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, NULL_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    null_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    host->FreeWithTag(host, instance, NULL_TAG);
}
