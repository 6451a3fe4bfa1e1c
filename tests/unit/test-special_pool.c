/*
 * test-special_pool.c: special pool's bookkeeping (sim/model/special_pool.c): where a
 * block lies on its pages in either mode, its table through growth and deletions, the
 * bounded quarantine of freed blocks, sealed restore buffers, and the classification of
 * fault addresses the crash guard relies on; and that the pages are protected as it says.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "config/verifier.h"
#include "model/special_pool.h"

#define TAG 0x6d697356u /* 'Vsim' as it lies in memory */

static size_t page(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static int rule_at(const vs_special_pool *sp, const void *addr)
{
    vs_pool_fault f;
    return vs_special_pool_classify(sp, (uintptr_t)addr, &f) ? f.rule : -1;
}

Test(special_pool, overrun_mode_ends_the_block_at_its_guard_page)
{
    vs_special_pool *sp = vs_special_pool_new(false, 8);
    unsigned char *p = vs_special_pool_alloc(sp, 16, TAG, 3, VS_POOL_BLOCK, NULL);
    cr_assert_not_null(p);
    cr_assert_eq(((uintptr_t)p + 16) % page(), 0, "the block ends where its pages end");
    for (int i = 0; i < 16; i++)
        cr_assert_eq(p[i], 0, "zeroed");
    memset(p, 0x5a, 16);
    vs_pool_fault f;
    cr_assert(vs_special_pool_classify(sp, (uintptr_t)p + 16, &f));
    cr_assert_eq(f.rule, VS_RULE_POOL_OVERRUN);
    cr_assert_eq(f.tag, TAG);
    cr_assert_eq(f.instance, 3);
    cr_assert_eq(f.size, 16);
    cr_assert_eq(f.offset, 16);
    cr_assert_eq(rule_at(sp, p), -1, "a live block's own bytes are no fault");
    cr_assert_eq(rule_at(sp, p - page()), VS_RULE_POOL_UNDERRUN, "the guard page before");
    vs_special_pool_free(sp);
}

Test(special_pool, underrun_mode_starts_the_block_after_its_guard_page)
{
    vs_special_pool *sp = vs_special_pool_new(true, 8);
    unsigned char *p = vs_special_pool_alloc(sp, 100, TAG, 0, VS_POOL_BLOCK, NULL);
    cr_assert_eq((uintptr_t)p % page(), 0, "the block starts its pages");
    cr_assert_eq(rule_at(sp, p - 1), VS_RULE_POOL_UNDERRUN);
    cr_assert_eq(rule_at(sp, p + page()), VS_RULE_POOL_OVERRUN, "past the end of its page");
    vs_special_pool_free(sp);
}

Test(special_pool, a_block_over_pages_is_aligned_and_whole)
{
    vs_special_pool *sp = vs_special_pool_new(false, 8);
    size_t n = 3 * page() + 5;
    unsigned char *p = vs_special_pool_alloc(sp, n, TAG, 0, VS_POOL_BLOCK, NULL);
    cr_assert_eq((uintptr_t)p % 16, 0, "16-aligned");
    memset(p, 1, n);
    cr_assert_eq(rule_at(sp, p + n), -1, "the alignment padding is not caught");
    cr_assert_eq(rule_at(sp, p + ((n + 15) & ~(size_t)15)), VS_RULE_POOL_OVERRUN);
    vs_special_pool_free(sp);
}

Test(special_pool, find_knows_live_blocks_only)
{
    vs_special_pool *sp = vs_special_pool_new(false, 8);
    int record;
    unsigned char *p = vs_special_pool_alloc(sp, 24, TAG, 1, VS_POOL_BLOCK, &record);
    vs_pool_entry *e = vs_special_pool_find(sp, p);
    cr_assert_not_null(e);
    cr_assert_eq(e->record, &record);
    cr_assert_eq(e->size, 24);
    cr_assert_null(vs_special_pool_find(sp, p + 1), "not a block's start");
    vs_special_pool_release(sp, p);
    cr_assert_null(vs_special_pool_find(sp, p), "freed");
    vs_special_pool_free(sp);
}

Test(special_pool, freed_blocks_are_quarantined_then_unmapped_in_order)
{
    vs_special_pool *sp = vs_special_pool_new(false, 2);
    void *b[3];
    for (int i = 0; i < 3; i++)
        b[i] = vs_special_pool_alloc(sp, 32, TAG, 0, VS_POOL_BLOCK, NULL);
    vs_special_pool_release(sp, b[0]);
    vs_special_pool_release(sp, b[1]);
    cr_assert_eq(rule_at(sp, b[0]), VS_RULE_USE_AFTER_FREE);
    cr_assert_eq(rule_at(sp, b[1]), VS_RULE_USE_AFTER_FREE);
    cr_assert_eq(sp->used, 3);
    vs_special_pool_release(sp, b[2]);
    cr_assert_eq(rule_at(sp, b[0]), -1, "the oldest left the quarantine: unmapped");
    cr_assert_eq(rule_at(sp, b[2]), VS_RULE_USE_AFTER_FREE);
    cr_assert_eq(sp->used, 2);
    cr_assert_eq(sp->qlen, 2);
    vs_special_pool_free(sp);
}

Test(special_pool, no_quarantine_unmaps_at_once)
{
    vs_special_pool *sp = vs_special_pool_new(false, 0);
    void *p = vs_special_pool_alloc(sp, 8, TAG, 0, VS_POOL_BLOCK, NULL);
    vs_special_pool_release(sp, p);
    cr_assert_eq(sp->used, 0);
    cr_assert_eq(rule_at(sp, p), -1);
    vs_special_pool_free(sp);
}

/* Many blocks: the table grows, and deletions in any order keep every other findable. */
Test(special_pool, table_survives_growth_and_deletions)
{
    enum { N = 300 };
    static void *b[N];
    vs_special_pool *sp = vs_special_pool_new(false, 0);
    for (int i = 0; i < N; i++)
        cr_assert_not_null(
            b[i] = vs_special_pool_alloc(sp, (size_t)i, TAG, (uint32_t)i, VS_POOL_BLOCK, NULL));
    cr_assert_geq(sp->cap, 2 * N);
    for (int i = 0; i < N; i += 3)
        vs_special_pool_release(sp, b[i]);
    for (int i = 0; i < N; i++) {
        vs_pool_entry *e = vs_special_pool_find(sp, b[i]);
        cr_assert_eq(e != NULL, i % 3 != 0, "block %d", i);
        if (e)
            cr_assert_eq(e->instance, (uint32_t)i);
    }
    for (int i = N - 1; i >= 0; i--)
        if (i % 3 != 0)
            vs_special_pool_release(sp, b[i]);
    cr_assert_eq(sp->used, 0);
    vs_special_pool_free(sp);
}

Test(special_pool, a_sealed_restore_buffer_is_read_only)
{
    vs_special_pool *sp = vs_special_pool_new(false, 4);
    unsigned char *p = vs_special_pool_alloc(sp, 64, 0, 2, VS_POOL_RESTORE, NULL);
    memcpy(p, "state", 5);
    cr_assert_eq(vs_special_pool_seal(sp, p), 0);
    cr_assert_eq(memcmp(p, "state", 5), 0, "still readable");
    vs_pool_fault f;
    cr_assert(vs_special_pool_classify(sp, (uintptr_t)p + 3, &f));
    cr_assert_eq(f.rule, VS_RULE_RESTORE_BUFFER_WRITE);
    cr_assert_eq(f.kind, VS_POOL_RESTORE);
    cr_assert_eq(f.size, 64);
    vs_special_pool_free(sp);
}

/* The classification is only worth something if the faults happen where it says. The
 * kernel tells without a fault: write(2) from an unreadable buffer and read(2) into an
 * unwritable one fail with EFAULT (a signal would be ASan's under sanitizers). */
static bool readable(const void *p)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    bool ok = write(fd[1], p, 1) == 1;
    cr_assert(ok || errno == EFAULT);
    close(fd[0]);
    close(fd[1]);
    return ok;
}

static bool writable(void *p)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    cr_assert_eq(write(fd[1], "x", 1), 1);
    bool ok = read(fd[0], p, 1) == 1;
    cr_assert(ok || errno == EFAULT);
    close(fd[0]);
    close(fd[1]);
    return ok;
}

Test(special_pool, guard_pages_and_freed_blocks_fault)
{
    vs_special_pool *sp = vs_special_pool_new(false, 4);
    unsigned char *p = vs_special_pool_alloc(sp, 16, TAG, 0, VS_POOL_BLOCK, NULL);
    cr_assert(readable(p) && writable(p + 15));
    cr_assert(!readable(p + 16) && !writable(p + 16), "the guard page after it");
    cr_assert(!readable(p - page()), "the guard page before its page");
    vs_special_pool_release(sp, p);
    cr_assert(!readable(p) && !writable(p), "freed: PROT_NONE in the quarantine");
    vs_special_pool_free(sp);
}

Test(special_pool, a_sealed_buffer_is_readable_not_writable)
{
    vs_special_pool *sp = vs_special_pool_new(false, 4);
    unsigned char *p = vs_special_pool_alloc(sp, 16, 0, 0, VS_POOL_RESTORE, NULL);
    vs_special_pool_seal(sp, p);
    cr_assert(readable(p) && !writable(p));
    vs_special_pool_free(sp);
}
