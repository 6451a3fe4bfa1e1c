/* reaches up */
#include "b/b.h"
