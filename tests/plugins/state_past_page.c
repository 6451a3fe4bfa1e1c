/* state_past_page: every save returns STATUS_SUCCESS with the last 16 bytes of a mapped
 * page as its buffer and a length of 100: the rest lies on the next page, which is
 * PROT_NONE. Expected: bad_state_buffer, the save fails, the run goes on, exit 3. */
#include <sys/mman.h>
#include <unistd.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID STATE_PAST_PAGE_BASE = {
    0x0e4d6a18, 0x27c3, 0x45b9, {0x9a, 0x61, 0x7d, 0x0f, 0x3e, 0xb2, 0x44, 0x0c}};

static unsigned char *page; /* two pages: this one readable, the next PROT_NONE */

static NTSTATUS NTAPI state_past_page_save(void *notifyContext, void *completionContext,
                                           FWPS_VSWITCH_EVENT_TYPE eventType,
                                           const NDIS_SWITCH_PARAMETERS *vSwitch,
                                           NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                           SIZE_T *runtimeStateLength)
{
    size_t size = (size_t)sysconf(_SC_PAGESIZE);

    *runtimeState = page + size - 16;
    *runtimeStateLength = 100; /* bug: 84 bytes more than the buffer has */
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    state_past_page_save};
    size_t size = (size_t)sysconf(_SC_PAGESIZE);

    if (page == NULL) { /* one mapping for every instance, kept to the end */
        void *p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED || mprotect((char *)p + size, size, PROT_NONE) != 0)
            return STATUS_INSUFFICIENT_RESOURCES;
        page = p;
    }
    return fixture_subscribe(host, STATE_PAST_PAGE_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
