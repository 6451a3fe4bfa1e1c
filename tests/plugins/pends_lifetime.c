/* pends_lifetime: its vSwitch lifetime callback returns STATUS_PENDING.
 * Buggy result: lifetime notifications cannot pend; there is no context to complete.
 * Expected result: pend_not_allowed for every switch create and delete, and no other
 * rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID PENDS_LIFETIME_BASE = {
    0x6fc19827, 0xa3b6, 0x415e, {0xe8, 0x50, 0xbf, 0x74, 0x66, 0x2d, 0x93, 0x0b}};

static NTSTATUS NTAPI pends_lifetime_notify(void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                                            const NDIS_SWITCH_PARAMETERS *vSwitch,
                                            const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                                            const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    return STATUS_PENDING; /* bug */
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchLifetimeNotifyFn =
                                                                    pends_lifetime_notify};

    return fixture_subscribe(host, PENDS_LIFETIME_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
