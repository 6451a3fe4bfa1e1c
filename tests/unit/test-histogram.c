/*
 * test-histogram.c: sim/metrics/histogram.c against exact sorted-order percentiles on
 * data of several shapes, plus merge, reset, empty and argument checks. The random data
 * comes from a fixed-seed generator written here, so the test depends on no other module.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/histogram.h"

#define N_SAMPLES 200000u
#define NS_PER_HOUR 3600000000000.0

/* ---- a local, fixed-seed generator (splitmix64) --------------------------------- */

typedef struct test_rng {
    uint64_t state;
} test_rng;

static uint64_t rng_next(test_rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1): never 0, so log() below is always finite. */
static double rng_open01(test_rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

static double rng_normal(test_rng *r)
{
    /* Box-Muller; one of the pair is enough here. */
    return sqrt(-2.0 * log(rng_open01(r))) * cos(6.283185307179586 * rng_open01(r));
}

static uint64_t to_ns(double x)
{
    if (!(x > 0.0))
        return 0;
    if (x >= 1.8e19)
        return UINT64_MAX;
    return (uint64_t)llround(x);
}

/* ---- data shapes ------------------------------------------------------------------ */

typedef uint64_t (*shape_fn)(test_rng *r);

static uint64_t shape_uniform(test_rng *r)
{
    return rng_next(r) % 1000000u;
}

static uint64_t shape_exponential(test_rng *r)
{
    return to_ns(-100000.0 * log(rng_open01(r)));
}

static uint64_t shape_lognormal(test_rng *r)
{
    /* sigma = 2.5 puts p99.9 some 2000 times above the median: a heavy tail. */
    return to_ns(exp(log(100000.0) + 2.5 * rng_normal(r)));
}

static uint64_t shape_bimodal(test_rng *r)
{
    if (rng_next(r) & 1u)
        return to_ns(2000.0 + 150.0 * rng_normal(r));
    return to_ns(30000000.0 + 4000000.0 * rng_normal(r));
}

static uint64_t shape_constant(test_rng *r)
{
    (void)r;
    return 123457u;
}

/* Log-uniform between 1 ns and 10 hours. */
static uint64_t shape_span(test_rng *r)
{
    return to_ns(exp(rng_open01(r) * log(10.0 * NS_PER_HOUR)));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The reference: the value at index ceil(q * n) - 1 of the sorted data (q = 0: the first). */
static uint64_t exact_quantile(const uint64_t *sorted, size_t n, double q)
{
    double r = ceil(q * (double)n);
    size_t rank = r < 1.0 ? 1 : (size_t)r;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

static const double quantiles[] = {0.0, 0.001, 0.01, 0.1,   0.25,   0.5, 0.75,
                                   0.9, 0.95,  0.99, 0.999, 0.9999, 1.0};

static void check_quantiles(const vs_hist *h, const uint64_t *sorted, size_t n, const char *what)
{
    double bound = vs_hist_max_rel_error(h);
    cr_assert_leq(bound, 0.01);
    for (size_t i = 0; i < sizeof(quantiles) / sizeof(quantiles[0]); i++) {
        double q = quantiles[i];
        uint64_t want = exact_quantile(sorted, n, q);
        uint64_t got = vs_hist_quantile(h, q);
        double err = fabs((double)got - (double)want);
        cr_assert_leq(err, bound * (double)want, "%s n=%zu q=%g: got %llu, exact %llu", what, n, q,
                      (unsigned long long)got, (unsigned long long)want);
        cr_assert_leq(err, 0.01 * (double)want, "%s q=%g beyond 1%%", what, q);
    }
    cr_assert_eq(vs_hist_quantile(h, 0.0), sorted[0], "%s: q=0 is min", what);
    cr_assert_eq(vs_hist_quantile(h, 1.0), sorted[n - 1], "%s: q=1 is max", what);
}

static void check_shape(shape_fn shape, uint64_t seed, size_t n, const char *what)
{
    uint64_t *values = malloc(n * sizeof(*values));
    cr_assert_not_null(values);
    test_rng r = {seed};
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    long double sum = 0;
    for (size_t i = 0; i < n; i++) {
        values[i] = shape(&r);
        sum += values[i];
        vs_hist_record(&h, values[i]);
    }
    qsort(values, n, sizeof(*values), cmp_u64);
    cr_assert_eq(h.count, n);
    cr_assert_eq(h.min, values[0]);
    cr_assert_eq(h.max, values[n - 1]);
    cr_assert_float_eq(vs_hist_mean(&h), (double)(sum / n), 1e-9 * (double)(sum / n) + 1e-9);
    check_quantiles(&h, values, n, what);
    vs_hist_close(&h);
    free(values);
}

/* ---- percentiles on shapes -------------------------------------------------------- */

Test(histogram, percentiles_uniform)
{
    check_shape(shape_uniform, 1, N_SAMPLES, "uniform");
}
Test(histogram, percentiles_exponential)
{
    check_shape(shape_exponential, 2, N_SAMPLES, "exp");
}
Test(histogram, percentiles_lognormal_heavy_tail)
{
    check_shape(shape_lognormal, 3, N_SAMPLES, "lognormal");
}
Test(histogram, percentiles_bimodal)
{
    check_shape(shape_bimodal, 4, N_SAMPLES, "bimodal");
}
Test(histogram, percentiles_constant)
{
    check_shape(shape_constant, 5, N_SAMPLES, "constant");
}
Test(histogram, percentiles_span_1ns_to_10h)
{
    check_shape(shape_span, 6, N_SAMPLES, "span");
}

/* Small counts are where an off-by-one in the rank shows. */
Test(histogram, percentiles_small_counts)
{
    for (size_t n = 1; n <= 12; n++) {
        check_shape(shape_span, 100 + n, n, "span-small");
        check_shape(shape_lognormal, 200 + n, n, "lognormal-small");
    }
}

/* Every value's bucket midpoint lies within 2^-(k+1) of it: sweep both sides of each
 * power of two, where the bucket arithmetic changes width. 0 and UINT64_MAX pin min and
 * max so that the clamp cannot hide a bad midpoint. */
Test(histogram, bucket_midpoint_within_error_at_power_of_two_edges)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    double half = vs_hist_max_rel_error(&h) / 2.0;
    for (unsigned e = 0; e < 64; e++) {
        uint64_t p = 1ull << e;
        uint64_t top_of_first = p + (p >> h.sub_bits); /* one past the first bucket at p */
        uint64_t probes[] = {p - 1,        p,           p + 1, top_of_first - 1, top_of_first,
                             p + (p >> 1), (p << 1) - 1};
        for (size_t j = 0; j < sizeof(probes) / sizeof(probes[0]); j++) {
            uint64_t v = probes[j];
            vs_hist_reset(&h);
            vs_hist_record(&h, 0);
            vs_hist_record(&h, v);
            vs_hist_record(&h, UINT64_MAX);
            uint64_t got = vs_hist_quantile(&h, 0.5);
            double err = fabs((double)got - (double)v);
            cr_assert_leq(err, half * (double)v, "v=%llu got=%llu", (unsigned long long)v,
                          (unsigned long long)got);
        }
    }
    vs_hist_close(&h);
}

/* Larger values never land in an earlier bucket. */
Test(histogram, bucket_index_is_monotonic)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    size_t prev = 0;
    test_rng r = {7};
    uint64_t v = 0;
    for (int i = 0; i < 3000; i++) {
        vs_hist_reset(&h);
        vs_hist_record(&h, v);
        size_t idx = 0;
        while (h.counts[idx] == 0)
            idx++;
        cr_assert_geq(idx, prev, "v=%llu", (unsigned long long)v);
        cr_assert_lt(idx, h.nbuckets);
        prev = idx;
        uint64_t step = 1 + (rng_next(&r) % (v / 64 + 1));
        if (v > UINT64_MAX - step)
            break;
        v += step;
    }
    vs_hist_close(&h);
}

Test(histogram, extreme_values_stay_in_bounds)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    vs_hist_record(&h, UINT64_MAX);
    vs_hist_record(&h, 0);
    vs_hist_record(&h, UINT64_MAX - 1);
    cr_assert_eq(h.counts[h.nbuckets - 1], 2);
    cr_assert_eq(h.counts[0], 1);
    cr_assert_eq(vs_hist_quantile(&h, 0.0), 0);
    cr_assert_eq(vs_hist_quantile(&h, 1.0), UINT64_MAX);
    vs_hist_close(&h);
}

/* ---- merge ------------------------------------------------------------------------ */

static void record_shape(vs_hist *a, vs_hist *all, shape_fn shape, uint64_t seed, size_t n)
{
    test_rng r = {seed};
    for (size_t i = 0; i < n; i++) {
        uint64_t v = shape(&r);
        vs_hist_record(a, v);
        vs_hist_record(all, v);
    }
}

Test(histogram, merge_equals_recording_into_one)
{
    vs_hist a, b, all;
    cr_assert_eq(vs_hist_init(&a, 0.01), 0);
    cr_assert_eq(vs_hist_init(&b, 0.01), 0);
    cr_assert_eq(vs_hist_init(&all, 0.01), 0);
    record_shape(&a, &all, shape_lognormal, 11, 50000);
    record_shape(&b, &all, shape_bimodal, 12, 30000);
    record_shape(&b, &all, shape_span, 13, 20000);
    cr_assert_eq(vs_hist_merge(&a, &b), 0);

    cr_assert_eq(a.nbuckets, all.nbuckets);
    cr_assert_eq(memcmp(a.counts, all.counts, a.nbuckets * sizeof(*a.counts)), 0,
                 "bucket-for-bucket");
    cr_assert_eq(a.count, all.count);
    cr_assert_eq(a.min, all.min);
    cr_assert_eq(a.max, all.max);
    cr_assert_eq(a.sum_lo, all.sum_lo);
    cr_assert_eq(a.sum_hi, all.sum_hi);
    cr_assert(vs_hist_mean(&a) == vs_hist_mean(&all));
    for (size_t i = 0; i < sizeof(quantiles) / sizeof(quantiles[0]); i++)
        cr_assert_eq(vs_hist_quantile(&a, quantiles[i]), vs_hist_quantile(&all, quantiles[i]));
    vs_hist_close(&a);
    vs_hist_close(&b);
    vs_hist_close(&all);
}

Test(histogram, merge_with_empty_either_side)
{
    vs_hist a, empty;
    cr_assert_eq(vs_hist_init(&a, 0.01), 0);
    cr_assert_eq(vs_hist_init(&empty, 0.01), 0);
    vs_hist_record(&a, 500);
    vs_hist_record(&a, 7);
    cr_assert_eq(vs_hist_merge(&a, &empty), 0);
    cr_assert_eq(a.count, 2);
    cr_assert_eq(a.min, 7);
    cr_assert_eq(a.max, 500);
    cr_assert_eq(vs_hist_merge(&empty, &a), 0);
    cr_assert_eq(empty.count, 2);
    cr_assert_eq(empty.min, 7);
    cr_assert_eq(empty.max, 500);
    cr_assert_eq(vs_hist_quantile(&empty, 0.5), 7);
    vs_hist_close(&a);
    vs_hist_close(&empty);
}

Test(histogram, merge_fails_on_precision_mismatch)
{
    vs_hist coarse, fine;
    cr_assert_eq(vs_hist_init(&coarse, 0.01), 0);
    cr_assert_eq(vs_hist_init(&fine, 0.001), 0);
    cr_assert_neq(coarse.sub_bits, fine.sub_bits);
    vs_hist_record(&fine, 42);
    cr_assert_eq(vs_hist_merge(&coarse, &fine), -1);
    cr_assert_eq(coarse.count, 0, "a failed merge changes nothing");
    cr_assert_eq(vs_hist_merge(&fine, &coarse), -1);
    cr_assert_eq(fine.count, 1);
    vs_hist_close(&coarse);
    vs_hist_close(&fine);
}

/* ---- empty, reset, record_n, init ------------------------------------------------- */

Test(histogram, empty_gives_zero)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    cr_assert_eq(h.count, 0);
    cr_assert_eq(h.min, UINT64_MAX);
    for (size_t i = 0; i < sizeof(quantiles) / sizeof(quantiles[0]); i++)
        cr_assert_eq(vs_hist_quantile(&h, quantiles[i]), 0);
    cr_assert(vs_hist_mean(&h) == 0.0);
    vs_hist_close(&h);
}

Test(histogram, reset_forgets_everything)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    for (uint64_t v = 1; v < 100000; v *= 3)
        vs_hist_record(&h, v);
    vs_hist_reset(&h);
    cr_assert_eq(h.count, 0);
    cr_assert_eq(h.min, UINT64_MAX);
    cr_assert_eq(h.max, 0);
    cr_assert(vs_hist_mean(&h) == 0.0);
    cr_assert_eq(vs_hist_quantile(&h, 0.5), 0);
    for (size_t i = 0; i < h.nbuckets; i++)
        cr_assert_eq(h.counts[i], 0);
    vs_hist_record(&h, 99);
    cr_assert_eq(vs_hist_quantile(&h, 0.5), 99);
    cr_assert(vs_hist_mean(&h) == 99.0);
    vs_hist_close(&h);
}

/* The sum is exact past 2^64: a mean of huge values is not rounded away. */
Test(histogram, mean_is_exact_past_2_to_64)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    vs_hist_record(&h, UINT64_MAX);
    vs_hist_record(&h, UINT64_MAX);
    vs_hist_record(&h, UINT64_MAX - 2);
    cr_assert_eq(h.sum_hi, 2);
    cr_assert_eq(h.sum_lo, UINT64_MAX - 4);
    cr_assert(vs_hist_mean(&h) == 0x1.0p64, "(3 * 2^64 - 5) / 3 rounds to 2^64 in double");
    vs_hist_record_n(&h, UINT64_MAX, UINT64_MAX - 3); /* count reaches UINT64_MAX */
    cr_assert_eq(h.count, UINT64_MAX);
    cr_assert(vs_hist_mean(&h) == 0x1.0p64);
    vs_hist_close(&h);
}

Test(histogram, record_n_equals_n_records)
{
    vs_hist a, b;
    cr_assert_eq(vs_hist_init(&a, 0.01), 0);
    cr_assert_eq(vs_hist_init(&b, 0.01), 0);
    vs_hist_record_n(&a, 123456789, 5);
    vs_hist_record_n(&a, 17, 0); /* nothing, and min must not move to 17 */
    for (int i = 0; i < 5; i++)
        vs_hist_record(&b, 123456789);
    cr_assert_eq(memcmp(a.counts, b.counts, a.nbuckets * sizeof(*a.counts)), 0);
    cr_assert_eq(a.count, 5);
    cr_assert_eq(a.min, 123456789);
    cr_assert_eq(a.max, 123456789);
    cr_assert(vs_hist_mean(&a) == vs_hist_mean(&b));
    vs_hist_close(&a);
    vs_hist_close(&b);
}

Test(histogram, init_picks_precision)
{
    vs_hist h;
    cr_assert_eq(vs_hist_init(&h, 0.01), 0);
    cr_assert_eq(h.sub_bits, 7, "0.01 needs k = 7 (2^-7 = 0.78%%)");
    cr_assert_eq(h.nbuckets, (size_t)(64 - 7 + 1) << 7);
    cr_assert(vs_hist_max_rel_error(&h) == 0x1.0p-7);
    vs_hist_close(&h);
    cr_assert_eq(vs_hist_init(&h, 0x1.0p-7), 0, "an exact power of two is enough as is");
    cr_assert_eq(h.sub_bits, 7);
    vs_hist_close(&h);
    cr_assert_eq(vs_hist_init(&h, 0.5), 0);
    cr_assert_eq(h.sub_bits, 1);
    vs_hist_close(&h);
    cr_assert_eq(vs_hist_init(&h, 0.001), 0);
    cr_assert_eq(h.sub_bits, 10);
    vs_hist_close(&h);
}

Test(histogram, init_rejects_bad_arguments)
{
    const double bad[] = {0.0, -0.01, 1.0, 1.5, NAN, INFINITY, -INFINITY, 1e-9};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vs_hist h;
        cr_assert_eq(vs_hist_init(&h, bad[i]), -1, "max_rel_error=%g", bad[i]);
        cr_assert_null(h.counts);
        vs_hist_close(&h); /* closing a failed init is harmless */
    }
}
