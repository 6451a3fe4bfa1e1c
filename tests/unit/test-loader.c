#include <criterion/criterion.h>
Test(placeholder, loader) { cr_assert(1); }
