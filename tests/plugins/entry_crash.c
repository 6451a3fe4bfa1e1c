/* entry_crash: its entry writes through a NULL pointer. Expected: `plugin-info` and `run`
 * print one line naming the plugin and its entry callback with SIGSEGV and exit 3 (not
 * 139). */
#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static int *volatile nowhere; /* NULL, read at run time so the compiler keeps the store */

/* Not checked by UBSan, which would stop at the NULL store: it faults, as it would in a
 * plugin built without sanitizers. */
__attribute__((no_sanitize_undefined)) VSWITCHSIM_PLUGIN_EXPORT NTSTATUS
VswitchsimPluginEntry(const VSWITCHSIM_HOST *host, const char *paramsJson, void **instanceContext)
{
    *nowhere = 1; /* bug */
    return STATUS_SUCCESS;
}
