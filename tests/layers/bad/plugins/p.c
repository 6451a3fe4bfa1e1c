/* a plugin reaching into the simulator */
#include "a/a.h"
