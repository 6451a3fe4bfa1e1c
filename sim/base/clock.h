/*
 * clock.h: wall-clock time for what the user waits on (progress lines, timeouts,
 * wall_time_s), from CLOCK_MONOTONIC so that a clock change never runs it backwards.
 * Simulated time is the engine's (engine/engine.h), never this.
 */
#ifndef VS_BASE_CLOCK_H
#define VS_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t vs_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The same in seconds, for durations printed or compared with a seconds option. */
static inline double vs_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* VS_BASE_CLOCK_H */
