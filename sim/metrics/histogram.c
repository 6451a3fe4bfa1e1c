/*
 * histogram.c: log-linear histograms (see histogram.h). Recording is on the engine's hot
 * path, so it is a count leading zeros, two shifts, an add with carry and the min/max
 * compares; everything slow (bucket bounds, cumulative scans) is left to the report.
 */
#include "metrics/histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* 2^20 sub-buckets already cost (65 - 20) * 2^20 * 8 bytes = 360 MiB; finer precision
 * than 2^-20 is never what a caller meant. */
#define VS_HIST_MAX_SUB_BITS 20u

/*
 * Bucket layout, with k sub-bits: let shift = max(0, msb(v) - k). Then v >> shift is
 * below 2^(k+1), and index = (shift << k) + (v >> shift). Values below 2^(k+1) get
 * shift 0 and land in exact buckets 0 .. 2^(k+1)-1; above, each power of two [2^e,
 * 2^(e+1)) owns 2^k buckets of width 2^(e-k). Or-ing in 2^k before taking the msb turns
 * the max(0, ...) into arithmetic and keeps clzll away from zero: no branch at all.
 */
static inline size_t hist_index(unsigned k, uint64_t v)
{
    return vs_hist_index_(k, v);
}

/* The smallest value in bucket i and the bucket's width (a power of two). */
static void hist_bucket_bounds(unsigned k, size_t i, uint64_t *lo, uint64_t *width)
{
    size_t group = i >> k;
    unsigned shift = group > 0 ? (unsigned)(group - 1) : 0u;
    uint64_t mantissa = (uint64_t)i - ((uint64_t)shift << k);
    *lo = mantissa << shift;
    *width = 1ull << shift;
}

/* sum += hi:lo, with the carry; the sum of up to 2^64 values of 64 bits fits. */
static inline void hist_sum_add(vs_hist *h, uint64_t lo, uint64_t hi)
{
    uint64_t old = h->sum_lo;
    h->sum_lo += lo;
    h->sum_hi += hi + (h->sum_lo < old);
}

/* The full 128-bit product a * b as hi:lo, from 32-bit halves (record_n only). */
static void mul_64x64(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static unsigned hist_sub_bits_for(double max_rel_error)
{
    unsigned k = 0;
    while (k <= VS_HIST_MAX_SUB_BITS && ldexp(1.0, -(int)k) > max_rel_error)
        k++;
    return k;
}

/* Bucket arrays of at least this many bytes come straight from mmap: the kernel hands
 * out zeroed pages and faults in only the ones a record touches. A run keeps about 20
 * histograms of 58 KiB (1%); from the heap, calloc zeroes recycled memory and touches
 * every page, which was half the start-up of a short run (and of each sweep job). */
#define COUNTS_MMAP_BYTES (32u << 10)

static uint64_t *counts_alloc(size_t n)
{
    size_t bytes = n * sizeof(uint64_t);
    if (bytes < COUNTS_MMAP_BYTES)
        return calloc(n, sizeof(uint64_t));
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void counts_free(uint64_t *counts, size_t n)
{
    if (!counts)
        return;
    if (n * sizeof(uint64_t) < COUNTS_MMAP_BYTES)
        free(counts);
    else
        munmap(counts, n * sizeof(uint64_t));
}

int vs_hist_init(vs_hist *h, double max_rel_error)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
    /* Written so that NaN fails too. */
    if (!(max_rel_error > 0.0 && max_rel_error < 1.0))
        return -1;
    unsigned k = hist_sub_bits_for(max_rel_error);
    if (k > VS_HIST_MAX_SUB_BITS)
        return -1;
    h->sub_bits = k;
    h->nbuckets = (size_t)(65u - k) << k;
    h->counts = counts_alloc(h->nbuckets);
    if (h->counts == NULL) {
        h->nbuckets = 0;
        return -1;
    }
    return 0;
}

void vs_hist_close(vs_hist *h)
{
    counts_free(h->counts, h->nbuckets);
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

/* Nothing lies outside the buckets of min and max: reset and merge touch only those,
 * so that a histogram's pages that never counted anything are never faulted in (the
 * time series resets its window histograms every interval). */
void vs_hist_reset(vs_hist *h)
{
    if (h->counts != NULL && h->count > 0) {
        size_t lo = hist_index(h->sub_bits, h->min), hi = hist_index(h->sub_bits, h->max);
        memset(&h->counts[lo], 0, (hi - lo + 1) * sizeof(*h->counts));
    }
    h->count = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->sum_lo = 0;
    h->sum_hi = 0;
}

void vs_hist_record_n(vs_hist *h, uint64_t value, uint64_t n)
{
    if (n == 0)
        return; /* recording nothing must not move min and max */
    h->counts[hist_index(h->sub_bits, value)] += n;
    h->count += n;
    uint64_t lo, hi;
    mul_64x64(value, n, &lo, &hi);
    hist_sum_add(h, lo, hi);
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
}

int vs_hist_merge(vs_hist *dst, const vs_hist *src)
{
    if (dst->sub_bits != src->sub_bits || dst->nbuckets != src->nbuckets)
        return -1;
    if (src->count == 0)
        return 0;
    size_t last = hist_index(src->sub_bits, src->max);
    for (size_t i = hist_index(src->sub_bits, src->min); i <= last; i++)
        dst->counts[i] += src->counts[i];
    dst->count += src->count;
    hist_sum_add(dst, src->sum_lo, src->sum_hi);
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    return 0;
}

double vs_hist_mean(const vs_hist *h)
{
    if (h->count == 0)
        return 0.0;
    long double sum = (long double)h->sum_hi * 0x1.0p64L + (long double)h->sum_lo;
    return (double)(sum / (long double)h->count);
}

/* The rank (1-based) of the value at quantile q: ceil(q * count), kept in [1, count].
 * Computed in double, like the obvious sorted-array reference, so both agree on which
 * element is meant. */
static uint64_t hist_rank(double q, uint64_t count)
{
    double r = ceil(q * (double)count);
    if (!(r >= 1.0))
        return 1;
    if (r >= (double)count)
        return count;
    return (uint64_t)r;
}

/* The bucket's midpoint is within half a bucket width of every value in it, that is
 * within 2^-(k+1) of the value relative to it. Clamping to [min, max] only moves the
 * answer towards the true value, which lies in that range too. */
static uint64_t hist_representative(const vs_hist *h, size_t i)
{
    uint64_t lo, width;
    hist_bucket_bounds(h->sub_bits, i, &lo, &width);
    uint64_t mid = lo + (width >> 1);
    if (mid < h->min)
        return h->min;
    if (mid > h->max)
        return h->max;
    return mid;
}

uint64_t vs_hist_quantile(const vs_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (!(q > 0.0)) /* q <= 0, and NaN */
        return h->min;
    if (q >= 1.0)
        return h->max;
    uint64_t rank = hist_rank(q, h->count);
    uint64_t seen = 0;
    /* Nothing lies below min's bucket or above max's; scan only between them. */
    size_t last = hist_index(h->sub_bits, h->max);
    for (size_t i = hist_index(h->sub_bits, h->min); i < last; i++) {
        seen += h->counts[i];
        if (seen >= rank)
            return hist_representative(h, i);
    }
    return hist_representative(h, last);
}

double vs_hist_max_rel_error(const vs_hist *h)
{
    return ldexp(1.0, -(int)h->sub_bits);
}
