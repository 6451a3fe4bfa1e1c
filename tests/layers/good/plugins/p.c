/* a plugin sees the SDK only */
#include "local.h"
#include <vswitchsim/plugin.h>
