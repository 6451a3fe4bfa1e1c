/* dies_in_save: saves a 4-byte blob, and on its tenth save ends the whole process in a
 * way no in-process guard survives, chosen by params {"how": ...}:
 *   "exit"  _exit(7), as a plugin that calls exit() on an error path;
 *   "kill"  SIGKILL to itself, as the OOM killer would;
 *   "smash" writes 4 KiB into a 16-byte AllocateWithTag block: the heap dies later,
 *           likely outside any callout (malloc's own abort).
 * Expected: the supervisor's one line naming the plugin and its save callback (or, for
 * "smash", the last callout to run), the report of what ran up to the last snapshot
 * marked crashed, and exit 3. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID DIES_BASE = {
    0x6b1e04c2, 0x9d35, 0x4a7e, {0x82, 0x11, 0x0c, 0x5e, 0x77, 0x3a, 0x91, 0x2d}};

static unsigned saves;
static char how[16] = "exit";
static const VSWITCHSIM_HOST *first_host;

/* Not checked by the sanitizers: the overrun is the point, as in a plugin built
 * without them. */
__attribute__((no_sanitize("address", "undefined"))) static void smash(void)
{
    char *block = first_host->AllocateWithTag(first_host, 16, FIXTURE_TAG);
    memset(block, 0x5a, 4096); /* bug */
}

static void die(void)
{
    if (strcmp(how, "kill") == 0)
        raise(SIGKILL);
    else if (strcmp(how, "smash") == 0)
        smash();
    else
        _exit(7);
}

static NTSTATUS NTAPI dies_save(void *notifyContext, void *completionContext,
                                FWPS_VSWITCH_EVENT_TYPE eventType,
                                const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                void **runtimeState, SIZE_T *runtimeStateLength)
{
    static UCHAR blob[4] = {'D', 'I', 'E', 'S'};

    if (++saves == 10)
        die();
    *runtimeState = blob;
    *runtimeStateLength = sizeof(blob);
    return STATUS_SUCCESS;
}

/* {"how": "kill"}: read by hand, as the fixture needs one word. */
static void read_params(const char *paramsJson)
{
    const char *v = paramsJson ? strstr(paramsJson, "\"how\"") : NULL;
    v = v ? strchr(v + 5, '"') : NULL;
    if (!v)
        return;
    size_t n = strcspn(v + 1, "\"");
    if (n < sizeof how) {
        memcpy(how, v + 1, n);
        how[n] = '\0';
    }
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {.vSwitchRuntimeStateSaveNotifyFn =
                                                                    dies_save};

    read_params(paramsJson);
    if (!first_host)
        first_host = host;
    return fixture_subscribe(host, DIES_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
