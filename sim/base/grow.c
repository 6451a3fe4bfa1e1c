/*
 * grow.c: growth by doubling, with the overflow checks every copy of it needed.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

/* The doubled capacity that holds `need`, or 0 when it would pass `max` elements or
 * SIZE_MAX bytes. */
static size_t doubled(size_t cap, size_t need, size_t size, size_t max)
{
    size_t n = cap ? cap : 8;
    while (n < need) {
        if (n > max / 2)
            return need <= max ? max : 0;
        n *= 2;
    }
    if (n > max || (size && n > SIZE_MAX / size))
        return 0;
    return n;
}

static int grow(void *slot, void *arr, size_t cap, size_t need, size_t size, size_t max,
                size_t *grown)
{
    size_t n = doubled(cap, need, size, max);
    void *p = n ? realloc(arr, n * size) : NULL;
    if (!p)
        return -1;
    memcpy(slot, &p, sizeof p);
    *grown = n;
    return 0;
}

int vs_grow_size(void *slot, void *arr, size_t *cap, size_t need, size_t size)
{
    return grow(slot, arr, *cap, need, size, SIZE_MAX, cap);
}

int vs_grow_u32(void *slot, void *arr, uint32_t *cap, size_t need, size_t size)
{
    size_t n;
    if (grow(slot, arr, *cap, need, size, UINT32_MAX, &n) != 0)
        return -1;
    *cap = (uint32_t)n;
    return 0;
}
