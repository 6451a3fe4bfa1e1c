/* bad_free: frees, with FreeWithTag, a pointer AllocateWithTag never returned (the
 * middle of its own static buffer).
 * Buggy result: on Windows, ExFreePoolWithTag bug-checks on a pointer not from the pool.
 * Expected result: bad_free at unload, once per instance; nothing is freed, and no other
 * rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID BAD_FREE_BASE = {
    0x5e1c7a90, 0x2b44, 0x4c1d, {0x9a, 0x71, 0x0e, 0x3f, 0x62, 0xd8, 0x14, 0x0b}};

/* Zeroed, so the bytes ahead of the pointer read as no block header. */
static unsigned char not_a_pool_block[64];

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {0};
    return fixture_subscribe(host, BAD_FREE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_instance *instance = instanceContext;

    instance->host->FreeWithTag(instance->host, not_a_pool_block + 32, FIXTURE_TAG); /* bug */
    fixture_unload(instance);
}
