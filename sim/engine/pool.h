/*
 * pool.h: fixed-size object pools for records whose life spans events (requests,
 * deferred routines, migrations). Items come zeroed from chunks that grow with the pool
 * (the large ones on huge pages) and go back to a free list, so steady state allocates
 * nothing; closing the pool frees every item, in use or not. An item of 64 bytes or
 * more starts on a cache line, so a type may ask for that alignment.
 */
#ifndef VS_POOL_H
#define VS_POOL_H

#include <stddef.h>

typedef struct vs_pool_chunk vs_pool_chunk;

typedef struct vs_pool {
    size_t item_size; /* rounded up to hold the free-list link, and to its alignment */
    size_t per_chunk; /* items in the first chunk; each after holds as many as all before */
    size_t items;     /* in all chunks */
    vs_pool_chunk *chunks;
    void *free; /* the link lives in an item's first bytes while it is free */
} vs_pool;

void vs_pool_init(vs_pool *pool, size_t item_size, size_t per_chunk);
/* An item: zeroed the first time, as it was put back after that. NULL out of memory. */
void *vs_pool_get(vs_pool *pool);
void vs_pool_put(vs_pool *pool, void *item);
/* Calls fn on every item the pool ever handed out (to free what items own). */
void vs_pool_foreach(vs_pool *pool, void (*fn)(void *item));
/* Uninitialised room for an array of `bytes`, freed with free(): on a cache line, and
 * from 2 MiB up on a 2 MiB boundary with huge pages asked for (madvise, a hint the kernel
 * may ignore), for arrays read all over (the engine's chunks, a pool's large chunks).
 * NULL out of memory. */
void *vs_array_alloc(size_t bytes);
/* Chunks the pool holds: for tests. */
size_t vs_pool_chunk_count(const vs_pool *pool);
void vs_pool_close(vs_pool *pool);

#endif /* VS_POOL_H */
