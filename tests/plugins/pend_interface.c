/* pend_interface: returns STATUS_PENDING from every interface callback (NIC create,
 * connect, disconnect, delete) and, 10 us later, completes it with STATUS_SUCCESS through
 * FwpsvSwitchNotifyComplete0 from a scheduled routine, so that nothing hangs. Contexts of
 * routines the run ended before are freed at unload.
 * Buggy result: STATUS_PENDING is not in the interface callback's return table (D-IFACE).
 * Expected result: pend_not_allowed once per interface event, each followed to its
 * completion, and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID PEND_INTERFACE_BASE = {
    0x5e80b3c6, 0x91d4, 0x47a2, {0xb5, 0x1f, 0x08, 0x6c, 0xe3, 0x2a, 0x97, 0xd1}};

#define PEND_INTERFACE_TAG VSWITCHSIM_TAG('P', 'n', 'd', 'I')

typedef struct pend_interface_instance pend_interface_instance;

/* One pended interface event, on the instance's list until its routine runs. */
typedef struct pended_interface {
    struct pended_interface *next;
    pend_interface_instance *instance;
    void *completionContext;
} pended_interface;

struct pend_interface_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    pended_interface *pended;
};

static void complete_interface(void *routineContext)
{
    pended_interface *p = routineContext;
    pend_interface_instance *instance = p->instance;

    for (pended_interface **link = &instance->pended; *link != NULL; link = &(*link)->next)
        if (*link == p) {
            *link = p->next;
            break;
        }
    FwpsvSwitchNotifyComplete0(p->completionContext, STATUS_SUCCESS, 0, NULL);
    instance->host->FreeWithTag(instance->host, p, PEND_INTERFACE_TAG);
}

static NTSTATUS NTAPI pend_interface_notify(void *notifyContext, void *completionContext,
                                            FWPS_VSWITCH_EVENT_TYPE eventType,
                                            const NDIS_SWITCH_PARAMETERS *vSwitch,
                                            const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic)
{
    pend_interface_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    pended_interface *p = host->AllocateWithTag(host, sizeof(*p), PEND_INTERFACE_TAG);

    if (p == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *p = (pended_interface){instance->pended, instance, completionContext};
    NTSTATUS status = host->ScheduleRoutine(host, 10 * VSWITCHSIM_NS_PER_US, complete_interface, p);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, p, PEND_INTERFACE_TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    instance->pended = p;
    return STATUS_PENDING; /* bug */
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchInterfaceEventNotifyFn =
                                                                    pend_interface_notify};
    NTSTATUS status = VswitchsimCheckHost(host);

    if (!NT_SUCCESS(status))
        return status;
    pend_interface_instance *instance =
        host->AllocateWithTag(host, sizeof(*instance), PEND_INTERFACE_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    GUID provider = fixture_guid(PEND_INTERFACE_BASE, host->InstanceName);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, PEND_INTERFACE_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    pend_interface_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    while (instance->pended != NULL) { /* routines the run ended before never run */
        pended_interface *p = instance->pended;
        instance->pended = p->next;
        host->FreeWithTag(host, p, PEND_INTERFACE_TAG);
    }
    host->FreeWithTag(host, instance, PEND_INTERFACE_TAG);
}
