/*
 * json_alloc.c: jansson's allocations through a counter of those that failed
 * (json_alloc.h), so that the loader can tell running out of memory from bad JSON.
 */
#include <stdlib.h>

#include <jansson.h>

#include "base/json_alloc.h"

/* Per thread, like errno: what failed in this thread's jansson calls. Not simulator
 * state; jansson's allocator hook takes no context to carry it in. */
static _Thread_local unsigned long failures;

static void *counted_malloc(size_t size)
{
    void *p = malloc(size);
    if (!p)
        failures++;
    return p;
}

void vs_json_alloc_install(void)
{
    json_set_alloc_funcs(counted_malloc, free);
}

unsigned long vs_json_alloc_failures(void)
{
    return failures;
}
