/*
 * grow.h: arrays that grow by doubling, written once. The caller keeps the pointer,
 * the count and the capacity (a size_t or a uint32_t: the model keeps 32-bit counts in
 * its hot structures); on failure nothing it holds has changed:
 *
 *     if (VS_GROW(l->flows, l->cap, l->nflows + 1) != 0)
 *         return -1;                          // l->flows and l->cap as they were
 *     l->flows[l->nflows++] = f;
 *
 * Capacity starts at 8 and doubles until it holds `need` elements.
 */
#ifndef VS_BASE_GROW_H
#define VS_BASE_GROW_H

#include <stddef.h>
#include <stdint.h>

/* Evaluates to 0 when arr has room for `need` elements (growing it if it had not), or
 * -1 when out of memory or when the capacity would not fit its type. */
#define VS_GROW(arr, cap, need)           \
    ((size_t)(need) <= (size_t)(cap)      \
         ? 0                              \
         : _Generic((cap), uint32_t       \
                    : vs_grow_u32, size_t \
                    : vs_grow_size)((void *)&(arr), (arr), &(cap), (need), sizeof *(arr)))

/* VS_GROW's work: grows arr and stores it through `slot` (memcpy, so that any object
 * pointer type works without aliasing games). */
int vs_grow_size(void *slot, void *arr, size_t *cap, size_t need, size_t size);
int vs_grow_u32(void *slot, void *arr, uint32_t *cap, size_t need, size_t size);

#endif /* VS_BASE_GROW_H */
