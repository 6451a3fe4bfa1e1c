/*
 * gauge.c: time-weighted levels (see gauge.h). The integral grows lazily: each change
 * first books the old level for the time it held, so a read costs nothing extra.
 */
#include "metrics/gauge.h"

/* Book the current level for the time since the last change. Virtual time only moves
 * forward; a stale `now` books nothing rather than a negative area. */
static void gauge_advance(vs_gauge *g, uint64_t now)
{
    if (now > g->since) {
        g->area += (long double)g->level * (long double)(now - g->since);
        g->since = now;
    }
}

void vs_gauge_init(vs_gauge *g, uint64_t now)
{
    g->level = 0;
    g->peak = 0;
    g->since = now;
    g->start = now;
    g->area = 0;
}

void vs_gauge_add(vs_gauge *g, uint64_t now, int64_t delta)
{
    gauge_advance(g, now);
    g->level += delta;
    if (g->level > g->peak)
        g->peak = g->level;
}

/* The peak restarts too: after warm-up, the peak of the warm-up is not wanted either. */
void vs_gauge_restart(vs_gauge *g, uint64_t now)
{
    g->since = now;
    g->start = now;
    g->area = 0;
    g->peak = g->level;
}

/* Over no time at all the mean is the level itself, the limit of the definition. */
double vs_gauge_mean(const vs_gauge *g, uint64_t now)
{
    if (now <= g->start)
        return (double)g->level;
    long double area = g->area;
    if (now > g->since)
        area += (long double)g->level * (long double)(now - g->since);
    return (double)(area / (long double)(now - g->start));
}
