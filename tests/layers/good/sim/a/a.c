/* the floor */
#include "a/a.h"
#include <stdio.h>
