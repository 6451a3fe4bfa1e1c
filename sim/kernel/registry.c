/*
 * registry.c: PLACEHOLDER (helper K) until helper L's registry lands and replaces this
 * file: the driver's service key and its values (ZwOpenKey, ZwQueryValueKey, ZwClose).
 * Here only what the unload path calls, with nothing to forget.
 */
#include "kernel/kernel-int.h"

void vs_kregistry_unload(vs_kernel *k, uint32_t instance)
{
    (void)k;
    (void)instance;
}
