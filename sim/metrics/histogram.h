/*
 * histogram.h: log-linear histograms of non-negative integer values (nanoseconds,
 * bytes). Values below 2^k land in exact buckets; above, each power of two is split
 * into 2^k linear sub-buckets, so any recorded value is reported within a relative
 * error of 2^-k (k = 7 gives 0.78%, under the 1% the report promises). Memory is
 * constant: (64 - k + 1) * 2^k counters whatever is recorded. Histograms with the same
 * precision merge by adding counters.
 */
#ifndef VS_HISTOGRAM_H
#define VS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct vs_hist {
    unsigned sub_bits; /* k: 2^k sub-buckets per power of two */
    size_t nbuckets;
    uint64_t *counts; /* owned */
    uint64_t count;
    uint64_t min, max;       /* exact; min is UINT64_MAX while empty */
    uint64_t sum_lo, sum_hi; /* the exact 128-bit sum, low and high words: an add with
                              * carry, where a long double accumulator quadrupled the
                              * cost of a record (x87 round trips through memory) */
} vs_hist;

/* max_rel_error: the largest relative error allowed for a reported value, e.g. 0.01.
 * Picks the smallest k with 2^-k <= max_rel_error. Returns -1 out of memory or on a
 * bad argument (<= 0, >= 1, NaN, or finer than 2^-20, which would need 360 MiB). Reported
 * values are bucket midpoints, so the error actually seen is at most half of 2^-k. */
int vs_hist_init(vs_hist *h, double max_rel_error);
void vs_hist_close(vs_hist *h);
void vs_hist_reset(vs_hist *h);

/* Bucket of v with k sub-bits (the layout is described in histogram.c). Here, with
 * vs_hist_record, because a record is on the hot path of every callout and OID: inlined
 * at the call site it is about 15 instructions, a call would add a third. */
static inline size_t vs_hist_index_(unsigned k, uint64_t v)
{
    unsigned msb = 63u - (unsigned)__builtin_clzll(v | (1ull << k));
    unsigned shift = msb - k;
    return ((size_t)shift << k) + (size_t)(v >> shift);
}

static inline void vs_hist_record(vs_hist *h, uint64_t value)
{
    h->counts[vs_hist_index_(h->sub_bits, value)]++;
    h->count++;
    uint64_t old = h->sum_lo; /* sum += value, with the carry */
    h->sum_lo += value;
    h->sum_hi += h->sum_lo < old;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
}

void vs_hist_record_n(vs_hist *h, uint64_t value, uint64_t n);

/* Adds src's counts to dst. Returns -1 if the precisions differ. */
int vs_hist_merge(vs_hist *dst, const vs_hist *src);

double vs_hist_mean(const vs_hist *h); /* 0 when empty */
/* The value at quantile q in [0, 1]: the smallest recorded value v such that at least
 * q * count values are <= v, reported as the bucket's midpoint and clamped to
 * [min, max], so q = 0 gives min and q = 1 gives max exactly. 0 when empty. */
uint64_t vs_hist_quantile(const vs_hist *h, double q);
double vs_hist_max_rel_error(const vs_hist *h);

#endif /* VS_HISTOGRAM_H */
