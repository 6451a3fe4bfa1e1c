#include <criterion/criterion.h>
Test(placeholder, report) { cr_assert(1); }
