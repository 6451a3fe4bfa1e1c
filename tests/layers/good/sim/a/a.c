/* the floor */
#include <stdio.h>
#include "a/a.h"
