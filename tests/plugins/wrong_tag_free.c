/* wrong_tag_free: allocates its buffer with tag 'Fixt' and frees it with tag 'Oops'.
 * Buggy result: on Windows, ExFreePoolWithTag bug-checks on the mismatch.
 * Expected result: free_tag_mismatch at unload, once per instance; the block is freed
 * all the same, so no leaked_memory, and no other rule. */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID WRONG_TAG_FREE_BASE = {
    0x3c9e65f4, 0x7083, 0x4e2b, {0xb5, 0x2d, 0x8c, 0x41, 0x33, 0xfa, 0x60, 0x08}};

#define WRONG_TAG VSWITCHSIM_TAG('O', 'o', 'p', 's')

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {0};
    NTSTATUS status = fixture_subscribe(host, WRONG_TAG_FREE_BASE, &dispatch, instanceContext);

    if (!NT_SUCCESS(status))
        return status;
    fixture_instance *instance = *instanceContext;
    instance->buffer = host->AllocateWithTag(host, 32, FIXTURE_TAG);
    if (instance->buffer == NULL) {
        fixture_unload(instance);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_instance *instance = instanceContext;

    instance->host->FreeWithTag(instance->host, instance->buffer, WRONG_TAG); /* bug */
    instance->buffer = NULL;
    fixture_unload(instance);
}
