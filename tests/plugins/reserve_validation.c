/* reserve_validation: allocates a 256-byte reservation in its PORT_CREATE callback for
 * every port, validation ports included. An operational port's reservation is freed at
 * its PORT_DELETE; a validation port's is kept past its PORT_DELETE, until unload (so
 * nothing leaks).
 * Buggy result: an extension must not reserve resources for a validation port; it
 * reserves on the operational port that replaces it (D-VALPORT).
 * Expected result: validation_port_reservation once per validation port (at its
 * PORT_DELETE), and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID RESERVE_VALIDATION_BASE = {
    0x3b6e9d02, 0xf457, 0x4c1a, {0xad, 0x84, 0x67, 0x0f, 0xc9, 0x2e, 0x51, 0x73}};

#define RESERVE_TAG VSWITCHSIM_TAG('R', 's', 'r', 'v')
#define RESERVE_BYTES 256

typedef struct reservation {
    struct reservation *next;
    NDIS_SWITCH_PORT_ID portId;
    BOOLEAN validation;
    UCHAR resources[RESERVE_BYTES];
} reservation;

typedef struct reserve_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    reservation *held;
} reserve_instance;

static NTSTATUS NTAPI reserve_port(void *notifyContext, void *completionContext,
                                   FWPS_VSWITCH_EVENT_TYPE eventType,
                                   const NDIS_SWITCH_PARAMETERS *vSwitch,
                                   const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    reserve_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;

    if (eventType == FWPS_VSWITCH_EVENT_PORT_CREATE) {
        reservation *r = host->AllocateWithTag(host, sizeof(*r), RESERVE_TAG); /* bug */
        if (r == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        r->next = instance->held;
        r->portId = vSwitchPort->PortId;
        r->validation = vSwitchPort->IsValidationPort;
        instance->held = r;
        return STATUS_SUCCESS;
    }
    /* PORT_DELETE: release the operational port's reservation; a validation port's stays. */
    for (reservation **link = &instance->held; *link != NULL; link = &(*link)->next) {
        reservation *r = *link;
        if (r->portId == vSwitchPort->PortId && !r->validation && !vSwitchPort->IsValidationPort) {
            *link = r->next;
            host->FreeWithTag(host, r, RESERVE_TAG);
            break;
        }
    }
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchPortEventNotifyFn =
                                                                    reserve_port};
    NTSTATUS status = VswitchsimCheckHost(host);

    if (!NT_SUCCESS(status))
        return status;
    reserve_instance *instance = host->AllocateWithTag(host, sizeof(*instance), RESERVE_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    GUID provider = fixture_guid(RESERVE_VALIDATION_BASE, host->InstanceName);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, RESERVE_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    reserve_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    while (instance->held != NULL) {
        reservation *r = instance->held;
        instance->held = r->next;
        host->FreeWithTag(host, r, RESERVE_TAG);
    }
    host->FreeWithTag(host, instance, RESERVE_TAG);
}
