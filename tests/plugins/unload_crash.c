/* unload_crash: subscribes nothing harmful, and its unload writes through a NULL pointer.
 * Expected: in `run` and in `plugin-info` one line names the plugin and its unload
 * callback with SIGSEGV, and the exit code is 3 (not 139). */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID UNLOAD_CRASH_BASE = {
    0x7a3f19c0, 0x5d28, 0x4e61, {0xb3, 0x0d, 0x82, 0x4c, 0x19, 0xe7, 0x5a, 0x0d}};

static int *volatile nowhere; /* NULL, read at run time so the compiler keeps the store */

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {0};

    return fixture_subscribe(host, UNLOAD_CRASH_BASE, &dispatch, instanceContext);
}

/* Not checked by UBSan, which would stop at the NULL store. */
__attribute__((no_sanitize_undefined)) VSWITCHSIM_PLUGIN_EXPORT void
VswitchsimPluginUnload(void *instanceContext)
{
    *nowhere = 1; /* bug */
}
