/*
 * special_pool.c: what verifier.special_pool costs per tagged allocation: an
 * AllocateWithTag and its FreeWithTag on special pool's guarded pages (mmap, mprotect,
 * and at steady state an mprotect plus the quarantine's oldest munmap) against the
 * calloc and free the host services use without it. Prints ns per allocate+free pair.
 *
 *   build/bin/special_pool [PAIRS]      (default 200000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/special_pool.h"

#define HEADER 48 /* host_services.c's block header, ahead of the block without the pool */
#define LIVE 256  /* blocks held at once: a callout's working set */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A ring of LIVE blocks: each step frees the oldest and allocates one, touching it. */
static double heap_pairs(size_t size, long pairs)
{
    void *live[LIVE] = {0};
    double t0 = now_s();
    for (long i = 0; i < pairs; i++) {
        free(live[i % LIVE]);
        unsigned char *p = calloc(1, HEADER + size);
        if (!p)
            abort();
        p[HEADER] = 1;
        live[i % LIVE] = p;
    }
    double t = now_s() - t0;
    for (int i = 0; i < LIVE; i++)
        free(live[i]);
    return t / (double)pairs * 1e9;
}

static double pool_pairs(size_t size, long pairs, bool underruns, uint32_t quarantine)
{
    vs_special_pool *sp = vs_special_pool_new(underruns, quarantine);
    void *live[LIVE] = {0};
    if (!sp)
        abort();
    double t0 = now_s();
    for (long i = 0; i < pairs; i++) {
        if (live[i % LIVE])
            vs_special_pool_release(sp, live[i % LIVE]);
        unsigned char *p = vs_special_pool_alloc(sp, size, 0x6d697356u, 0, VS_POOL_BLOCK, NULL);
        if (!p)
            abort();
        p[0] = 1;
        live[i % LIVE] = p;
    }
    double t = now_s() - t0;
    vs_special_pool_free(sp);
    return t / (double)pairs * 1e9;
}

int main(int argc, char **argv)
{
    long pairs = argc > 1 ? atol(argv[1]) : 200000;
    static const size_t sizes[] = {16, 256, 4096, 65536};
    printf("%8s %12s %14s %14s %14s\n", "size", "heap ns", "pool ns", "pool q=0 ns",
           "underruns ns");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t s = sizes[i];
        long n = s >= 65536 ? pairs / 4 : pairs;
        printf("%8zu %12.1f %14.1f %14.1f %14.1f\n", s, heap_pairs(s, n),
               pool_pairs(s, n, false, 1024), pool_pairs(s, n, false, 0),
               pool_pairs(s, n, true, 1024));
    }
    return 0;
}
