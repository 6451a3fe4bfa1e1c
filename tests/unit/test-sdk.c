#include <criterion/criterion.h>
Test(placeholder, sdk) { cr_assert(1); }
