/*
 * pool.c: chunked fixed-size object pools with a free list.
 */
#include "engine/pool.h"

#include <stdlib.h>

struct vs_pool_chunk {
    vs_pool_chunk *next;
    size_t used; /* items handed out from this chunk so far */
    _Alignas(max_align_t) unsigned char items[];
};

void vs_pool_init(vs_pool *pool, size_t item_size, size_t per_chunk)
{
    size_t align = _Alignof(max_align_t);
    if (item_size < sizeof(void *))
        item_size = sizeof(void *);
    pool->item_size = (item_size + align - 1) / align * align;
    pool->per_chunk = per_chunk ? per_chunk : 64;
    pool->chunks = NULL;
    pool->free = NULL;
}

void *vs_pool_get(vs_pool *pool)
{
    if (pool->free) {
        void *item = pool->free;
        pool->free = *(void **)item;
        return item;
    }
    vs_pool_chunk *c = pool->chunks;
    if (!c || c->used == pool->per_chunk) {
        c = calloc(1, sizeof *c + pool->item_size * pool->per_chunk);
        if (!c)
            return NULL;
        c->next = pool->chunks;
        pool->chunks = c;
    }
    return c->items + pool->item_size * c->used++;
}

void vs_pool_put(vs_pool *pool, void *item)
{
    *(void **)item = pool->free;
    pool->free = item;
}

void vs_pool_foreach(vs_pool *pool, void (*fn)(void *item))
{
    for (vs_pool_chunk *c = pool->chunks; c; c = c->next)
        for (size_t i = 0; i < c->used; i++)
            fn(c->items + pool->item_size * i);
}

void vs_pool_close(vs_pool *pool)
{
    while (pool->chunks) {
        vs_pool_chunk *c = pool->chunks;
        pool->chunks = c->next;
        free(c);
    }
    pool->free = NULL;
}
