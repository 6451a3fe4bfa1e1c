/* subscribe_in_callback: in the first PORT_CREATE it gets, subscribes a second time
 * (another provider GUID, no callbacks) with FwpsvSwitchEventsSubscribe0; if that
 * succeeds, it unsubscribes the second subscription with FwpsvSwitchEventsUnsubscribe0 in
 * the next port or interface callback after that. Once per instance. Unload unsubscribes
 * whatever is still subscribed.
 * Buggy result: Subscribe and Unsubscribe run at PASSIVE_LEVEL only (D-SUB, D-UNSUB); a
 * callback runs at <= DISPATCH_LEVEL.
 * Expected result: subscribe_in_callback once per instance that gets a PORT_CREATE (the
 * Subscribe), and no other rule. vswitchsim refuses that Subscribe
 * (STATUS_INVALID_DEVICE_STATE), so there is no second subscription to unsubscribe; a
 * simulator that let it through would report the Unsubscribe in the next callback as a
 * second subscribe_in_callback. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID SUBSCRIBE_IN_CALLBACK_BASE = {
    0xc47d2e91, 0x0b6f, 0x4a15, {0x8e, 0x3c, 0x72, 0xd9, 0x14, 0xa6, 0x5b, 0x0e}};
static const GUID SUBSCRIBE_IN_CALLBACK_SECOND = {
    0xc47d2e92, 0x0b6f, 0x4a15, {0x8e, 0x3c, 0x72, 0xd9, 0x14, 0xa6, 0x5b, 0x0f}};

#define SIC_TAG VSWITCHSIM_TAG('S', 'i', 'C', 'b')

typedef struct sic_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    UINT32 secondId; /* the subscription made inside a callback; 0 when none */
    BOOLEAN done;    /* subscribed in a callback once already */
} sic_instance;

/* Any callback after the one that subscribed: drop the second subscription, here. */
static void unsubscribe_second(sic_instance *instance)
{
    if (instance->secondId == 0)
        return;
    FwpsvSwitchEventsUnsubscribe0(instance->secondId, 0, NULL); /* bug */
    instance->secondId = 0;
}

static NTSTATUS NTAPI sic_port(void *notifyContext, void *completionContext,
                               FWPS_VSWITCH_EVENT_TYPE eventType,
                               const NDIS_SWITCH_PARAMETERS *vSwitch,
                               const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 none = {0};
    sic_instance *instance = notifyContext;

    unsubscribe_second(instance);
    if (eventType != FWPS_VSWITCH_EVENT_PORT_CREATE || instance->done)
        return STATUS_SUCCESS;
    instance->done = TRUE;
    GUID second = fixture_guid(SUBSCRIBE_IN_CALLBACK_SECOND, instance->host->InstanceName);
    if (!NT_SUCCESS(FwpsvSwitchEventsSubscribe0(&second, instance, 0, NULL, &none, /* bug */
                                                &instance->secondId)))
        instance->secondId = 0;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI sic_interface(void *notifyContext, void *completionContext,
                                    FWPS_VSWITCH_EVENT_TYPE eventType,
                                    const NDIS_SWITCH_PARAMETERS *vSwitch,
                                    const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic)
{
    unsubscribe_second(notifyContext);
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchPortEventNotifyFn = sic_port,
        .vSwitchInterfaceEventNotifyFn = sic_interface,
    };
    NTSTATUS status = VswitchsimCheckHost(host);

    if (!NT_SUCCESS(status))
        return status;
    sic_instance *instance = host->AllocateWithTag(host, sizeof(*instance), SIC_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    GUID provider = fixture_guid(SUBSCRIBE_IN_CALLBACK_BASE, host->InstanceName);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, SIC_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    sic_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    if (instance->secondId != 0) /* at PASSIVE_LEVEL: allowed here */
        FwpsvSwitchEventsUnsubscribe0(instance->secondId, 0, NULL);
    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    host->FreeWithTag(host, instance, SIC_TAG);
}
