/*
 * pool.h: fixed-size object pools for records whose life spans events (requests,
 * deferred routines). Items come from zeroed chunks and go back to a free list, so
 * steady state allocates nothing; closing the pool frees every item, in use or not.
 */
#ifndef VS_POOL_H
#define VS_POOL_H

#include <stddef.h>

typedef struct vs_pool_chunk vs_pool_chunk;

typedef struct vs_pool {
    size_t item_size; /* rounded up to hold the free-list link */
    size_t per_chunk;
    vs_pool_chunk *chunks;
    void *free; /* the link lives in an item's first bytes while it is free */
} vs_pool;

void vs_pool_init(vs_pool *pool, size_t item_size, size_t per_chunk);
/* An item: zeroed the first time, as it was put back after that. NULL out of memory. */
void *vs_pool_get(vs_pool *pool);
void vs_pool_put(vs_pool *pool, void *item);
/* Calls fn on every item the pool ever handed out (to free what items own). */
void vs_pool_foreach(vs_pool *pool, void (*fn)(void *item));
void vs_pool_close(vs_pool *pool);

#endif /* VS_POOL_H */
