/* bad_unsubscribe: at unload, unsubscribes an id it never got (its own plus 1000)
 * before its real one.
 * Buggy result: on Windows, an invalid subscription id is undefined behaviour.
 * Expected result: unknown_subscription once per instance, and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID BAD_UNSUBSCRIBE_BASE = {
    0x81e3ba49, 0xc5d8, 0x4370, {0x0a, 0x72, 0xd1, 0x96, 0x88, 0x4f, 0xb5, 0x0d}};

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {0};

    return fixture_subscribe(host, BAD_UNSUBSCRIBE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_instance *instance = instanceContext;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId + 1000, 0, NULL); /* bug */
    fixture_unload(instance);
}
