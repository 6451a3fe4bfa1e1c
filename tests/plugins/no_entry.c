/* no_entry: declares the ABI but exports no VswitchsimPluginEntry. Expected: refused at
 * load with a reason naming the missing entry. */
#include <vswitchsim/plugin.h>

VSWITCHSIM_PLUGIN_DECLARE();

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    (void)instanceContext;
}
