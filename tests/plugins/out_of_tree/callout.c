/*
 * callout.c: a callout as a plugin author writes one outside this tree, with nothing but
 * the SDK headers; not built by CMake. Build it with
 *     cc -shared -fPIC -I sim/include callout.c -o callout.so
 * It keeps a save counter per instance and saves, per port, an 8-byte blob: the port id
 * and the save count at the time, and a mark byte; restore checks the mark and length.
 */
#include <vswitchsim/fwps.h>
#include <vswitchsim/plugin.h>

VSWITCHSIM_PLUGIN_DECLARE();

#define CALLOUT_TAG VSWITCHSIM_TAG('O', 'o', 't', 'C')
#define BLOB_BYTES 8
#define BLOB_MARK 0xC0u

/* {0b6f2c1e-7d3a-4e58-9c41-2a8e5f0d7b06}, with the instance name hashed into Data1 so
 * that two instances under different names have different provider GUIDs. */
static const GUID CALLOUT_BASE = {
    0x0b6f2c1e, 0x7d3a, 0x4e58, {0x9c, 0x41, 0x2a, 0x8e, 0x5f, 0x0d, 0x7b, 0x06}};

typedef struct callout_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    UINT32 saves;
    UCHAR blob[BLOB_BYTES]; /* the simulator copies it at a SUCCESS return */
} callout_instance;

static NTSTATUS NTAPI callout_save(void *notifyContext, void *completionContext,
                                   FWPS_VSWITCH_EVENT_TYPE eventType,
                                   const NDIS_SWITCH_PARAMETERS *vSwitch,
                                   NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                   SIZE_T *runtimeStateLength)
{
    callout_instance *instance = notifyContext;
    UINT32 count = ++instance->saves;

    (void)completionContext;
    (void)eventType;
    (void)vSwitch;
    for (int i = 0; i < 4; i++)
        instance->blob[i] = (UCHAR)(portId >> (8 * i));
    for (int i = 0; i < 3; i++) /* the count modulo 2^24 */
        instance->blob[4 + i] = (UCHAR)(count >> (8 * i));
    instance->blob[7] = BLOB_MARK;
    instance->host->ChargeCpu(instance->host, 200);
    *runtimeState = instance->blob;
    *runtimeStateLength = BLOB_BYTES;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI callout_restore(void *notifyContext, void *completionContext,
                                      FWPS_VSWITCH_EVENT_TYPE eventType,
                                      const NDIS_SWITCH_PARAMETERS *vSwitch,
                                      NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                      SIZE_T runtimeStateLength)
{
    const callout_instance *instance = notifyContext;
    const UCHAR *blob = runtimeState;

    (void)completionContext;
    (void)eventType;
    (void)vSwitch;
    if (runtimeStateLength != BLOB_BYTES || blob == NULL || blob[7] != BLOB_MARK) {
        instance->host->Log(instance->host, VSWITCHSIM_LOG_WARNING,
                            "restore on port %u: not a blob of this callout", portId);
        return STATUS_DATA_ERROR;
    }
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = callout_save,
        .vSwitchRuntimeStateRestoreNotifyFn = callout_restore,
    };
    GUID provider = CALLOUT_BASE;
    NTSTATUS status = VswitchsimCheckHost(host);

    (void)paramsJson;
    if (!NT_SUCCESS(status))
        return status;
    callout_instance *instance = host->AllocateWithTag(host, sizeof(*instance), CALLOUT_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    for (const char *p = host->InstanceName; p != NULL && *p != '\0'; p++)
        provider.Data1 = (provider.Data1 ^ (UCHAR)*p) * 16777619u;
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, CALLOUT_TAG);
        return status;
    }
    host->Log(host, VSWITCHSIM_LOG_INFO, "out-of-tree callout loaded on host %u", host->HostIndex);
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    callout_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    host->FreeWithTag(host, instance, CALLOUT_TAG);
}
