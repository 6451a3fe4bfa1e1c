/* entry_fails: its entry allocates nothing, subscribes nothing and returns
 * STATUS_INSUFFICIENT_RESOURCES. Expected: the plugin is refused and the run does not
 * start; the reason names the plugin and the status. */
#include <vswitchsim/plugin.h>

VSWITCHSIM_PLUGIN_DECLARE();

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    (void)host;
    (void)paramsJson;
    (void)instanceContext;
    return STATUS_INSUFFICIENT_RESOURCES;
}
