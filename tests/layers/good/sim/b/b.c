/* on the floor */
#include "b/b.h"
#include "a/a.h"
