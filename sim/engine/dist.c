/*
 * dist.c: timing distributions over virtual nanoseconds, drawn from a caller's rng
 * stream so that each entity's timings stay reproducible on their own.
 */
#include "dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The standard normal's 0.99 quantile. */
#define Z_P99 2.3263478740408408

static void dist_set(vs_dist *d, vs_dist_kind kind, double a, double b)
{
    d->kind = kind;
    d->a = a;
    d->b = b;
    d->values = NULL;
    d->nvalues = 0;
}

void vs_dist_constant(vs_dist *d, double ns)
{
    dist_set(d, VS_DIST_CONSTANT, ns, 0);
}

void vs_dist_uniform(vs_dist *d, double lo_ns, double hi_ns)
{
    /* Accept the bounds either way round; [a, b] is what sampling assumes. */
    if (lo_ns > hi_ns)
        dist_set(d, VS_DIST_UNIFORM, hi_ns, lo_ns);
    else
        dist_set(d, VS_DIST_UNIFORM, lo_ns, hi_ns);
}

void vs_dist_exponential(vs_dist *d, double mean_ns)
{
    dist_set(d, VS_DIST_EXPONENTIAL, mean_ns, 0);
}

void vs_dist_lognormal(vs_dist *d, double mu, double sigma)
{
    dist_set(d, VS_DIST_LOGNORMAL, mu, sigma);
}

int vs_dist_lognormal_mean_p99(vs_dist *d, double mean_ns, double p99_ns)
{
    /* ln(mean) = mu + sigma^2/2 and ln(p99) = mu + z*sigma, so with
     * D = ln(p99/mean): sigma^2/2 - z*sigma + D = 0, sigma = z -+ sqrt(z^2 - 2D).
     * D > 0 makes both roots positive; the smaller is the usual, lighter-tailed fit
     * (the larger one puts most of the mass far below the mean). */
    if (!(mean_ns > 0) || !(p99_ns > mean_ns) || !isfinite(p99_ns))
        return -1;
    double D = log(p99_ns / mean_ns);
    double disc = Z_P99 * Z_P99 - 2.0 * D;
    if (disc < 0)
        return -1; /* p99 more than e^(z^2/2) ~ 15x the mean: no lognormal fits */
    double sigma = Z_P99 - sqrt(disc);
    if (!(sigma > 0))
        return -1;
    vs_dist_lognormal(d, log(mean_ns) - sigma * sigma / 2.0, sigma);
    return 0;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

int vs_dist_empirical(vs_dist *d, const double *values_ns, size_t n)
{
    if (n == 0)
        return -1;
    double *copy = malloc(n * sizeof *copy);
    if (copy == NULL)
        return -1;
    memcpy(copy, values_ns, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp_double);
    dist_set(d, VS_DIST_EMPIRICAL, 0, 0);
    d->values = copy;
    d->nvalues = n;
    return 0;
}

void vs_dist_close(vs_dist *d)
{
    free(d->values);
    d->values = NULL;
    d->nvalues = 0;
}

static double dist_draw(const vs_dist *d, vs_rng *rng)
{
    switch (d->kind) {
    case VS_DIST_CONSTANT:
        return d->a;
    case VS_DIST_UNIFORM:
        return d->a + (d->b - d->a) * vs_rng_uniform01(rng);
    case VS_DIST_EXPONENTIAL:
        return vs_rng_exponential(rng, d->a);
    case VS_DIST_LOGNORMAL:
        return exp(d->a + d->b * vs_rng_normal(rng));
    case VS_DIST_EMPIRICAL:
        return d->values[vs_rng_below(rng, d->nvalues)];
    }
    return 0;
}

vs_time_t vs_dist_sample(const vs_dist *d, vs_rng *rng)
{
    double x = dist_draw(d, rng);

    /* Written so NaN falls to 0 too; 2^64 is the first double past VS_TIME_MAX. */
    if (!(x > 0))
        return 0;
    if (x >= 18446744073709551616.0)
        return VS_TIME_MAX;
    return (vs_time_t)(x + 0.5);
}

static double empirical_mean(const vs_dist *d)
{
    /* Kahan summation: lists of a million values near 1e9 ns would otherwise lose
     * the low digits. */
    double sum = 0, carry = 0;

    for (size_t i = 0; i < d->nvalues; i++) {
        double y = d->values[i] - carry;
        double t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }
    return sum / (double)d->nvalues;
}

double vs_dist_mean(const vs_dist *d)
{
    switch (d->kind) {
    case VS_DIST_CONSTANT:
        return d->a;
    case VS_DIST_UNIFORM:
        return (d->a + d->b) / 2.0;
    case VS_DIST_EXPONENTIAL:
        return d->a;
    case VS_DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2.0);
    case VS_DIST_EMPIRICAL:
        return empirical_mean(d);
    }
    return 0;
}
