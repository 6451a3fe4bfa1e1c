/*
 * fuzz_scenario.c: libFuzzer target for the scenario loader: the input is the file.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vs_fuzz_load((const char *)data, size, NULL, 0);
    return 0;
}
