/*
 * test-rng.c: random streams: reproducible per (seed, stream), independent across
 * streams, and the derived draws have the right range and moments. Seeds are fixed,
 * so the statistical checks cannot flake: they pass or fail the same way every run.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "engine/rng.h"

#define DRAWS 1000000

Test(rng, next_matches_the_reference_xoshiro256starstar)
{
    /* From the reference C code with the state {1, 2, 3, 4}. */
    vs_rng rng = {{1, 2, 3, 4}};
    const uint64_t want[] = {0x2d00, 0x0, 0x5a007080, 0x10e0000000009d80};

    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert_eq(vs_rng_next(&rng), want[i], "output %zu", i);
}

Test(rng, same_seed_and_stream_give_the_same_sequence)
{
    vs_rng a, b;

    vs_rng_init(&a, 12345, 7);
    vs_rng_init(&b, 12345, 7);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(vs_rng_next(&a), vs_rng_next(&b));
}

/* How many of 64 draws two streams have in common, position by position. */
static int same_draws(uint64_t seed_a, uint64_t stream_a, uint64_t seed_b, uint64_t stream_b)
{
    vs_rng a, b;
    int same = 0;

    vs_rng_init(&a, seed_a, stream_a);
    vs_rng_init(&b, seed_b, stream_b);
    for (int i = 0; i < 64; i++)
        same += vs_rng_next(&a) == vs_rng_next(&b);
    return same;
}

Test(rng, different_streams_or_seeds_differ)
{
    for (uint64_t s = 0; s < 100; s++) {
        cr_assert_eq(same_draws(1, s, 1, s + 1), 0, "streams %llu and %llu", (unsigned long long)s,
                     (unsigned long long)s + 1);
        cr_assert_eq(same_draws(s, 0, s + 1, 0), 0, "seeds %llu and %llu", (unsigned long long)s,
                     (unsigned long long)s + 1);
    }
    cr_assert_eq(same_draws(0, 0, 0, 1), 0);
}

Test(rng, below_stays_in_bounds)
{
    const uint64_t ns[] = {1, 2, 3, 7, 1000, (1ULL << 63) + 1, UINT64_MAX};
    vs_rng rng;

    vs_rng_init(&rng, 3, 0);
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        for (int i = 0; i < 10000; i++)
            cr_assert_lt(vs_rng_below(&rng, ns[k]), ns[k], "n = %llu", (unsigned long long)ns[k]);
    }
}

Test(rng, below_is_uniform)
{
    enum { N = 10 };
    uint64_t counts[N] = {0};
    vs_rng rng;

    vs_rng_init(&rng, 4, 0);
    for (int i = 0; i < DRAWS; i++)
        counts[vs_rng_below(&rng, N)]++;
    /* Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile. */
    double chi2 = 0, expect = DRAWS / N;
    for (int k = 0; k < N; k++)
        chi2 += (counts[k] - expect) * (counts[k] - expect) / expect;
    cr_assert_lt(chi2, 27.9);
}

Test(rng, uniform01_is_in_range_with_mean_one_half)
{
    vs_rng rng;
    double sum = 0;

    vs_rng_init(&rng, 5, 0);
    for (int i = 0; i < DRAWS; i++) {
        double u = vs_rng_uniform01(&rng);
        cr_assert(u >= 0.0 && u < 1.0);
        sum += u;
    }
    cr_assert_float_eq(sum / DRAWS, 0.5, 0.002);
}

Test(rng, exponential_mean_is_within_one_percent)
{
    vs_rng rng;
    double sum = 0;

    vs_rng_init(&rng, 6, 0);
    for (int i = 0; i < DRAWS; i++) {
        double x = vs_rng_exponential(&rng, 250.0);
        cr_assert(x >= 0.0 && isfinite(x));
        sum += x;
    }
    cr_assert_float_eq(sum / DRAWS, 250.0, 2.5);
}

Test(rng, normal_has_mean_zero_and_variance_one)
{
    vs_rng rng;
    double sum = 0, sumsq = 0;

    vs_rng_init(&rng, 7, 0);
    for (int i = 0; i < DRAWS; i++) {
        double z = vs_rng_normal(&rng);
        sum += z;
        sumsq += z * z;
    }
    double mean = sum / DRAWS;
    cr_assert_float_eq(mean, 0.0, 0.005);
    cr_assert_float_eq(sumsq / DRAWS - mean * mean, 1.0, 0.01);
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

Test(rng, stream_ids_separate_kinds_and_indices)
{
    enum { K = 64 };
    static uint64_t ids[4 * K * K];
    size_t n = 0;

    for (uint32_t kind = 0; kind < 4; kind++)
        for (uint64_t a = 0; a < K; a++)
            for (uint64_t b = 0; b < K; b++)
                ids[n++] = vs_rng_stream_id(kind, a, b);
    qsort(ids, n, sizeof ids[0], cmp_u64);
    for (size_t i = 1; i < n; i++)
        cr_assert_neq(ids[i], ids[i - 1], "two (kind, a, b) share a stream id");
    cr_assert_neq(vs_rng_stream_id(1, 2, 3), vs_rng_stream_id(1, 3, 2), "a and b swapped");
    cr_assert_eq(vs_rng_stream_id(1, 2, 3), vs_rng_stream_id(1, 2, 3));
}
