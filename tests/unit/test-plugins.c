#include <criterion/criterion.h>
Test(placeholder, plugins) { cr_assert(1); }
