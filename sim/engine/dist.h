/*
 * dist.h: timing distributions over virtual nanoseconds. Constant, uniform, exponential,
 * lognormal (by mu/sigma of ln(ns), or fitted from a mean and a p99) and empirical
 * (resampled from a list of values).
 */
#ifndef VS_DIST_H
#define VS_DIST_H

#include <stddef.h>

#include "engine.h"
#include "rng.h"

typedef enum vs_dist_kind {
    VS_DIST_CONSTANT,
    VS_DIST_UNIFORM,
    VS_DIST_EXPONENTIAL,
    VS_DIST_LOGNORMAL,
    VS_DIST_EMPIRICAL
} vs_dist_kind;

typedef struct vs_dist {
    vs_dist_kind kind;
    double a, b;    /* constant: a; uniform: [a, b]; exponential: mean a;
                             lognormal: mu a, sigma b (of ln ns) */
    double *values; /* empirical: owned, sorted ascending */
    size_t nvalues;
} vs_dist;

void vs_dist_constant(vs_dist *d, double ns);
void vs_dist_uniform(vs_dist *d, double lo_ns, double hi_ns);
void vs_dist_exponential(vs_dist *d, double mean_ns);
void vs_dist_lognormal(vs_dist *d, double mu, double sigma);
/* Fit mu and sigma so that the mean and the 99th percentile are as given. Returns -1
 * when no lognormal has them (p99 must exceed the mean... and the fit must exist). */
int vs_dist_lognormal_mean_p99(vs_dist *d, double mean_ns, double p99_ns);
/* Copies the values. Returns -1 when out of memory or n == 0. */
int vs_dist_empirical(vs_dist *d, const double *values_ns, size_t n);
void vs_dist_close(vs_dist *d);

/* A draw, rounded to whole nanoseconds and clamped at 0. */
vs_time_t vs_dist_sample(const vs_dist *d, vs_rng *rng);
double vs_dist_mean(const vs_dist *d); /* the exact mean, for reports and tests */

#endif /* VS_DIST_H */
