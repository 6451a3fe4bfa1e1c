/*
 * test-pool.c: fixed-size object pools (sim/engine/pool.c): items zeroed when first
 * handed out, reused last-in first-out, aligned to a cache line from a line up, every
 * item visited by foreach across chunks that grow, all of it freed on close (the
 * ASan build's leak check); and vs_array_alloc's alignment.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pool.h"

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

Test(pool, items_come_zeroed_and_come_back_last_in_first_out)
{
    vs_pool pool;
    vs_pool_init(&pool, 40, 4);
    unsigned char *a = vs_pool_get(&pool), *b = vs_pool_get(&pool);
    cr_assert(a && b && a != b);
    cr_assert(all_zero(a, 40) && all_zero(b, 40));
    memset(a, 0xab, 40);
    memset(b, 0xcd, 40);
    vs_pool_put(&pool, a);
    vs_pool_put(&pool, b);
    cr_assert_eq(vs_pool_get(&pool), b, "the last put is the first taken");
    cr_assert_eq(vs_pool_get(&pool), a);
    cr_assert_eq(a[39], 0xab, "a reused item keeps what it held (past the link)");
    vs_pool_close(&pool);
}

/* A line or more: on a line, so a type may ask for _Alignas(64). Less: max_align_t. */
Test(pool, items_of_a_line_or_more_start_on_a_line)
{
    size_t sizes[] = {8, 48, 64, 100, 1096, 5000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        vs_pool pool;
        vs_pool_init(&pool, sizes[s], 3);
        size_t align = sizes[s] >= 64 ? 64 : _Alignof(max_align_t);
        for (int i = 0; i < 50; i++) { /* across several chunks */
            void *p = vs_pool_get(&pool);
            cr_assert_not_null(p);
            cr_assert_eq((uintptr_t)p % align, 0, "%zu-byte item %d at %p", sizes[s], i, p);
            cr_assert(all_zero(p, sizes[s]));
        }
        vs_pool_close(&pool);
    }
}

typedef struct counted {
    uint32_t id;
    uint32_t visits;
} counted;

static void visit(void *item)
{
    ((counted *)item)->visits++;
}

/* Chunks grow with the pool: a million items from a first chunk of 16 take a few dozen
 * chunks, not sixty thousand, and foreach still sees each item once. */
Test(pool, foreach_visits_every_item_once_as_chunks_grow)
{
    enum { N = 1000000 };
    vs_pool pool;
    vs_pool_init(&pool, sizeof(counted), 16);
    counted **items = malloc(N * sizeof *items);
    cr_assert_not_null(items);
    for (uint32_t i = 0; i < N; i++) {
        items[i] = vs_pool_get(&pool);
        cr_assert_not_null(items[i]);
        items[i]->id = i + 1;
    }
    cr_assert_geq(pool.items, (size_t)N);
    cr_assert_leq(pool.items, (size_t)2 * N, "growth doubles at most: %zu items", pool.items);
    size_t chunks = vs_pool_chunk_count(&pool);
    cr_assert_leq(chunks, 20u, "%zu chunks", chunks);
    vs_pool_foreach(&pool, visit)
        ;
    for (uint32_t i = 0; i < N; i++)
        cr_assert_eq(items[i]->visits, 1, "item %u visited %u times", i, items[i]->visits);
    free(items);
    vs_pool_close(&pool);
    cr_assert_null(pool.chunks);
    cr_assert_eq(pool.items, 0);
}

/* No chunk beyond 32 MiB: a pool of 100 MB takes several, each zeroed as used. */
Test(pool, chunks_stop_growing_at_their_cap)
{
    vs_pool pool;
    vs_pool_init(&pool, 4096, 1);
    size_t n = 25000; /* ~100 MB */
    for (size_t i = 0; i < n; i++) {
        unsigned char *p = vs_pool_get(&pool);
        cr_assert_not_null(p);
        cr_assert(p[0] == 0 && p[4095] == 0);
        p[0] = 1;
    }
    size_t chunks = vs_pool_chunk_count(&pool);
    cr_assert_geq(chunks, 4u, "%zu chunks for 100 MB", chunks);
    cr_assert_leq(pool.items - n, (size_t)(32 << 20) / 4096, "slack of one chunk at most");
    vs_pool_close(&pool);
}

/* The engine's chunks and a pool's large chunks: on a line, from 2 MiB on a huge page. */
Test(pool, array_alloc_aligns_to_a_line_and_from_2_mib_to_a_huge_page)
{
    size_t sizes[] = {1, 100, 4096, (size_t)2 << 20, (size_t)3 << 20};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned char *p = vs_array_alloc(sizes[s]);
        cr_assert_not_null(p);
        size_t align = sizes[s] >= ((size_t)2 << 20) ? (size_t)2 << 20 : 64;
        cr_assert_eq((uintptr_t)p % align, 0, "%zu bytes at %p", sizes[s], (void *)p);
        p[0] = p[sizes[s] - 1] = 1; /* all of it is ours (ASan would say otherwise) */
        free(p);
    }
}
