/*
 * gauge.h: a time-weighted level, such as the number of pending completions in
 * flight. Its mean is the integral of the level over time divided by the time
 * observed, which is what Little's law (L = lambda * W) speaks of.
 */
#ifndef VS_GAUGE_H
#define VS_GAUGE_H

#include <stdint.h>

typedef struct vs_gauge {
    int64_t level;
    int64_t peak;
    uint64_t since;   /* virtual ns when the level last changed */
    uint64_t start;   /* virtual ns when observation started */
    long double area; /* level x ns */
} vs_gauge;

void vs_gauge_init(vs_gauge *g, uint64_t now);
void vs_gauge_add(vs_gauge *g, uint64_t now, int64_t delta);
/* Restart the integral at `now` (e.g. after warm-up), keeping the level; the peak
 * restarts at the current level. */
void vs_gauge_restart(vs_gauge *g, uint64_t now);
/* Mean level over [start, now]; the current level when no time has passed. */
double vs_gauge_mean(const vs_gauge *g, uint64_t now);

#endif /* VS_GAUGE_H */
