/* a plugin sees the SDK only */
#include <vswitchsim/plugin.h>
#include "local.h"
