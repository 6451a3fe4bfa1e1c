/*
 * pool.c: chunked fixed-size object pools with a free list. Chunks grow with the pool
 * (each holds as many items as all before it, up to CHUNK_MAX bytes), and one of
 * megabytes is asked to sit on huge pages: a region's drain asks for five million
 * migrations at once, and on 4 KiB pages the run took a page fault (microseconds in a
 * VM) every 85 of them (issue 19). Items of a cache line or more start on a line.
 */
#include "engine/pool.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LINE 64
#define HUGE_PAGE ((size_t)2 << 20)
#define CHUNK_MAX ((size_t)32 << 20)

struct vs_pool_chunk {
    vs_pool_chunk *next;
    size_t used; /* items handed out from this chunk so far */
    size_t cap;  /* items it holds */
    _Alignas(LINE) unsigned char items[];
};

void vs_pool_init(vs_pool *pool, size_t item_size, size_t per_chunk)
{
    size_t align = item_size >= LINE ? LINE : alignof(max_align_t);
    if (item_size < sizeof(void *))
        item_size = sizeof(void *);
    pool->item_size = (item_size + align - 1) / align * align;
    pool->per_chunk = per_chunk ? per_chunk : 64;
    pool->items = 0;
    pool->chunks = NULL;
    pool->free = NULL;
}

void *vs_array_alloc(size_t bytes)
{
    void *p;
    size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : LINE;
    if (posix_memalign(&p, align, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (align == HUGE_PAGE)
        (void)madvise(p, bytes & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    return p;
}

static vs_pool_chunk *chunk_new(vs_pool *pool)
{
    size_t max = (CHUNK_MAX - sizeof(vs_pool_chunk)) / pool->item_size;
    size_t cap = pool->items > pool->per_chunk ? pool->items : pool->per_chunk;
    if (cap > max)
        cap = max > 0 ? max : 1;
    /* Not zeroed: vs_pool_get zeroes an item as it first hands it out, so a chunk becomes
     * resident as it is used, as calloc's would. */
    vs_pool_chunk *c = vs_array_alloc(sizeof *c + pool->item_size * cap);
    if (!c)
        return NULL;
    c->used = 0;
    c->cap = cap;
    c->next = pool->chunks;
    pool->chunks = c;
    pool->items += cap;
    return c;
}

void *vs_pool_get(vs_pool *pool)
{
    if (pool->free) {
        void *item = pool->free;
        pool->free = *(void **)item;
        return item;
    }
    vs_pool_chunk *c = pool->chunks;
    if ((!c || c->used == c->cap) && !(c = chunk_new(pool)))
        return NULL;
    void *item = c->items + pool->item_size * c->used++;
    memset(item, 0, pool->item_size);
    return item;
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

size_t vs_pool_chunk_count(const vs_pool *pool)
{
    size_t n = 0;
    for (const vs_pool_chunk *c = pool->chunks; c; c = c->next)
        n++;
    return n;
}

void vs_pool_close(vs_pool *pool)
{
    while (pool->chunks) {
        vs_pool_chunk *c = pool->chunks;
        pool->chunks = c->next;
        free(c);
    }
    pool->items = 0;
    pool->free = NULL;
}
