/* on the floor */
#include "a/a.h"
#include "b/b.h"
