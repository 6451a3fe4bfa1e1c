/*
 * fuzz_common.h: what the libFuzzer targets share: a scratch folder that stands for the
 * scenario's folder and holds dummy plugins, and the loader's contract on the result.
 */
#ifndef VS_FUZZ_COMMON_H
#define VS_FUZZ_COMMON_H

#include <stddef.h>

#include "scenario/scenario.h"

/* The scratch folder (made once, removed at exit): null.so, pending.so and flowtable.so
 * are empty files in it, so that valid scenarios get past plugin resolution. */
const char *vs_fuzz_dir(void);

/* Loads text with the overrides and checks the contract: 0 and a config to close, or -1
 * and a non-empty one-line error. Aborts (so that libFuzzer reports it) otherwise. */
void vs_fuzz_load(const char *text, size_t len, const vs_override *ov, size_t nov);

#endif /* VS_FUZZ_COMMON_H */
