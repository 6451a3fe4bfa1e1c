/* pend_reorder: its filter-engine reorder callback (vSwitchFilterEngineReorderNotifyRn)
 * returns STATUS_PENDING, and never completes it.
 * Buggy result: the reorder callback may not pend (D-REORDER: STATUS_PENDING explicitly
 * not allowed).
 * Expected result: pend_not_allowed once per reorder of the host's extensions, and no
 * other rule (nothing to complete: there is no pending to wait for). */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID PEND_REORDER_BASE = {
    0xa1f3c75d, 0x6b28, 0x4e09, {0x93, 0xa7, 0x2c, 0x5d, 0xf0, 0x18, 0x64, 0xbe}};

static NTSTATUS NTAPI pend_reorder_notify(void *notifyContext, void *completionContext,
                                          BOOLEAN isInRequiredPosition,
                                          const NDIS_ENUM_FILTERS *vSwitchExtensionLwfList)
{
    return STATUS_PENDING; /* bug */
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchFilterEngineReorderNotifyRn = pend_reorder_notify};

    return fixture_subscribe(host, PEND_REORDER_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
