/* on the floor */
#include "a/a.h"
