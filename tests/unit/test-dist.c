/*
 * test-dist.c: timing distributions: each kind's sample mean matches vs_dist_mean, the
 * mean/p99 fit reproduces its p99, empirical draws only listed values, bad fits fail.
 * A million draws from a fixed seed each, so the checks are deterministic.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "engine/dist.h"

#define DRAWS 1000000

static double sample_mean(const vs_dist *d, uint64_t stream)
{
    vs_rng rng;
    double sum = 0;

    vs_rng_init(&rng, 2024, stream);
    for (int i = 0; i < DRAWS; i++)
        sum += (double)vs_dist_sample(d, &rng);
    return sum / DRAWS;
}

static void assert_mean_within(const vs_dist *d, double rel, uint64_t stream)
{
    double want = vs_dist_mean(d), got = sample_mean(d, stream);

    cr_assert_float_eq(got, want, rel * want, "sample mean %g, exact mean %g", got, want);
}

Test(dist, constant_returns_its_value_rounded)
{
    vs_dist d;
    vs_rng rng;

    vs_rng_init(&rng, 1, 0);
    vs_dist_constant(&d, 1500.0);
    cr_assert_eq(vs_dist_sample(&d, &rng), 1500);
    cr_assert_float_eq(vs_dist_mean(&d), 1500.0, 1e-9);
    vs_dist_constant(&d, 2.4);
    cr_assert_eq(vs_dist_sample(&d, &rng), 2);
    vs_dist_constant(&d, 2.6);
    cr_assert_eq(vs_dist_sample(&d, &rng), 3);
}

Test(dist, samples_clamp_at_zero_and_at_time_max)
{
    vs_dist d;
    vs_rng rng;

    vs_rng_init(&rng, 1, 0);
    vs_dist_constant(&d, -5.0);
    cr_assert_eq(vs_dist_sample(&d, &rng), 0);
    vs_dist_constant(&d, NAN);
    cr_assert_eq(vs_dist_sample(&d, &rng), 0);
    vs_dist_constant(&d, 1e30);
    cr_assert_eq(vs_dist_sample(&d, &rng), VS_TIME_MAX);
}

Test(dist, uniform_sample_mean_matches)
{
    vs_dist d;

    vs_dist_uniform(&d, 1000.0, 5000.0);
    cr_assert_float_eq(vs_dist_mean(&d), 3000.0, 1e-9);
    assert_mean_within(&d, 0.01, 1);
}

Test(dist, uniform_stays_within_bounds_given_either_way_round)
{
    vs_dist d;
    vs_rng rng;

    vs_rng_init(&rng, 1, 0);
    vs_dist_uniform(&d, 900.0, 100.0);
    for (int i = 0; i < 10000; i++) {
        vs_time_t x = vs_dist_sample(&d, &rng);
        cr_assert(x >= 100 && x <= 900);
    }
}

Test(dist, exponential_sample_mean_matches)
{
    vs_dist d;

    vs_dist_exponential(&d, 20000.0);
    assert_mean_within(&d, 0.01, 2);
}

Test(dist, lognormal_sample_mean_matches)
{
    vs_dist d;

    vs_dist_lognormal(&d, log(50000.0), 0.75);
    cr_assert_float_eq(vs_dist_mean(&d), 50000.0 * exp(0.75 * 0.75 / 2), 1e-6);
    assert_mean_within(&d, 0.02, 3);
}

static int cmp_time(const void *pa, const void *pb)
{
    vs_time_t a = *(const vs_time_t *)pa, b = *(const vs_time_t *)pb;
    return (a > b) - (a < b);
}

Test(dist, lognormal_mean_p99_reproduces_the_mean_and_the_p99)
{
    const double mean = 100000.0, p99 = 500000.0;
    vs_time_t *xs = malloc(DRAWS * sizeof *xs);
    vs_dist d;
    vs_rng rng;

    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, mean, p99), 0);
    cr_assert_eq(d.kind, VS_DIST_LOGNORMAL);
    cr_assert_float_eq(vs_dist_mean(&d), mean, 1e-6 * mean);
    vs_rng_init(&rng, 2024, 4);
    double sum = 0;
    for (int i = 0; i < DRAWS; i++) {
        xs[i] = vs_dist_sample(&d, &rng);
        sum += (double)xs[i];
    }
    qsort(xs, DRAWS, sizeof *xs, cmp_time);
    double got_p99 = (double)xs[(size_t)(0.99 * DRAWS)];
    cr_assert_float_eq(got_p99, p99, 0.02 * p99, "empirical p99 %g", got_p99);
    cr_assert_float_eq(sum / DRAWS, mean, 0.02 * mean, "sample mean %g", sum / DRAWS);
    free(xs);
}

Test(dist, lognormal_mean_p99_takes_the_lighter_tailed_fit)
{
    vs_dist d;

    /* Two sigmas fit any mean and p99; the smaller is below z = 2.326. */
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 1000.0, 3000.0), 0);
    cr_assert_gt(d.b, 0.0);
    cr_assert_lt(d.b, 2.3263);
    cr_assert_float_eq(d.a + 2.3263478740408408 * d.b, log(3000.0), 1e-9);
}

Test(dist, lognormal_mean_p99_rejects_impossible_fits)
{
    vs_dist d;

    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 1000.0, 1000.0), -1, "p99 == mean");
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 1000.0, 500.0), -1, "p99 < mean");
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 0.0, 500.0), -1, "mean 0");
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, -10.0, 500.0), -1, "negative mean");
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 1000.0, 16000.0), -1,
                 "p99 over e^(z^2/2) ~ 14.97x the mean");
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, NAN, 500.0), -1);
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 1000.0, INFINITY), -1);
    cr_assert_eq(vs_dist_lognormal_mean_p99(&d, 1000.0, 14000.0), 0, "just inside");
}

Test(dist, empirical_returns_only_listed_values)
{
    double values[] = {700.0, 100.0, 300.0, 300.0, 5000.0};
    vs_dist d;
    vs_rng rng;
    int seen[5] = {0};

    cr_assert_eq(vs_dist_empirical(&d, values, 5), 0);
    values[0] = 123.0; /* the dist keeps its own sorted copy */
    cr_assert_eq(d.values[0], 100.0);
    cr_assert_eq(d.values[4], 5000.0);
    vs_rng_init(&rng, 5, 0);
    for (int i = 0; i < 100000; i++) {
        vs_time_t x = vs_dist_sample(&d, &rng);
        size_t k = 0;
        while (k < d.nvalues && (vs_time_t)d.values[k] != x)
            k++;
        cr_assert_lt(k, d.nvalues, "drew %llu, not in the list", (unsigned long long)x);
        seen[k]++;
    }
    /* Sorted: 100, 300, 300, 700, 5000; both 300s count at their first index. */
    const int distinct[] = {0, 1, 3, 4};
    for (int i = 0; i < 4; i++)
        cr_assert_gt(seen[distinct[i]], 0, "value %g never drawn", d.values[distinct[i]]);
    cr_assert_gt(seen[1], seen[0], "the repeated value is drawn about twice as often");
    vs_dist_close(&d);
    cr_assert_null(d.values);
}

Test(dist, empirical_sample_mean_matches)
{
    double values[100];
    vs_dist d;

    for (int i = 0; i < 100; i++)
        values[i] = 1000.0 + 37.0 * i * (i % 3);
    cr_assert_eq(vs_dist_empirical(&d, values, 100), 0);
    assert_mean_within(&d, 0.01, 5);
    vs_dist_close(&d);
}

Test(dist, empirical_rejects_an_empty_list)
{
    vs_dist d;
    double v = 1.0;

    cr_assert_eq(vs_dist_empirical(&d, &v, 0), -1);
}

/* Closing twice must be harmless for every kind (a config is closed once by its loader
 * and may be closed again on an error path): each close leaves no values behind, so the
 * second frees nothing. For the empirical kind, the one that owns memory, a double free
 * would show under ASan; for the others, close must not free what they never had. */
Test(dist, close_is_safe_on_every_kind)
{
    static const double values[] = {3.0, 1.0, 2.0};
    vs_dist d[5];

    vs_dist_constant(&d[0], 5.0);
    vs_dist_uniform(&d[1], 1.0, 2.0);
    vs_dist_exponential(&d[2], 10.0);
    vs_dist_lognormal(&d[3], 1.0, 0.5);
    cr_assert_eq(vs_dist_empirical(&d[4], values, 3), 0);
    cr_assert_not_null(d[4].values);
    static const vs_dist_kind kinds[5] = {VS_DIST_CONSTANT, VS_DIST_UNIFORM, VS_DIST_EXPONENTIAL,
                                          VS_DIST_LOGNORMAL, VS_DIST_EMPIRICAL};
    for (int k = 0; k < 5; k++) {
        cr_assert_eq(d[k].kind, kinds[k], "distribution %d", k);
        for (int pass = 0; pass < 2; pass++) {
            vs_dist_close(&d[k]);
            cr_expect_null(d[k].values, "kind %d after close %d", k, pass + 1);
            cr_expect_eq(d[k].nvalues, 0, "kind %d after close %d", k, pass + 1);
        }
    }
}
