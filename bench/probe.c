/*
 * probe.c: what a probed copy (model/probe.h) adds to a plain memcpy: the copy of a
 * save's state the simulator makes at STATUS_SUCCESS. Prints ns per copy of each size.
 *
 *   build/bin/probe [COPIES]      (default 5000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/probe.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* memcpy through a pointer the compiler cannot see through, as vs_state_add's is. */
static void *(*volatile plain)(void *, const void *, size_t) = memcpy;

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 5000000;
    static unsigned char src[4096], dst[4096];
    static const size_t sizes[] = {16, 256, 4096};
    printf("%8s %12s %12s\n", "size", "memcpy ns", "probed ns");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double t0 = now_s();
        for (long k = 0; k < n; k++)
            plain(dst, src, sizes[i]);
        double t1 = now_s();
        for (long k = 0; k < n; k++)
            if (vs_probe_copy(dst, src, sizes[i]) != 0)
                abort();
        double t2 = now_s();
        printf("%8zu %12.1f %12.1f\n", sizes[i], (t1 - t0) / (double)n * 1e9,
               (t2 - t1) / (double)n * 1e9);
    }
    return 0;
}
