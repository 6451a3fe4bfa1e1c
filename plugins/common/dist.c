/* dist.c: service-time distributions drawn from the instance's own random stream, so a
 * plugin's timing is reproducible from the scenario seed alone. */
#include <math.h>

#include "vsp.h"

/* The 0.99 quantile of the standard normal. */
#define Z99 2.3263478740408408
#define TWO_PI 6.283185307179586

/* Largest draw returned: about 31 years of virtual time; keeps the cast defined. */
#define MAX_DRAW_NS 1e18

bool vsp_dist_lognormal_fit(vsp_dist *d, double meanNs, double p99Ns)
{
    /* mean = exp(mu + s^2/2) and p99 = exp(mu + Z99 s), so with
     * g = ln(p99 / mean): s^2/2 - Z99 s + g = 0. Take the smaller root (the larger
     * one makes the p99 fall below the median's side of the tail). */
    if (!(meanNs > 0.0) || !(p99Ns > meanNs))
        return false;
    double g = log(p99Ns / meanNs);
    double disc = Z99 * Z99 - 2.0 * g;
    if (disc < 0.0)
        return false;
    double sigma = Z99 - sqrt(disc);
    *d = (vsp_dist){VSP_DIST_LOGNORMAL, log(meanNs) - sigma * sigma / 2.0, sigma};
    return true;
}

static VSWITCHSIM_TIME_NS to_ns(double x)
{
    if (!(x > 0.0))
        return 0;
    if (x > MAX_DRAW_NS)
        x = MAX_DRAW_NS;
    return (VSWITCHSIM_TIME_NS)(x + 0.5);
}

VSWITCHSIM_TIME_NS vsp_dist_sample(const vsp_dist *d, const VSWITCHSIM_HOST *host)
{
    switch (d->kind) {
    case VSP_DIST_CONSTANT:
        return to_ns(d->a);
    case VSP_DIST_UNIFORM:
        return to_ns(d->a + (d->b - d->a) * VswitchsimRandomDouble(host));
    case VSP_DIST_EXPONENTIAL:
        return to_ns(-d->a * log1p(-VswitchsimRandomDouble(host)));
    case VSP_DIST_LOGNORMAL: {
        /* Box-Muller; 1 - u keeps the log's argument in (0, 1]. */
        double u1 = 1.0 - VswitchsimRandomDouble(host);
        double u2 = VswitchsimRandomDouble(host);
        double z = sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2);
        return to_ns(exp(d->a + d->b * z));
    }
    }
    return 0;
}

double vsp_dist_mean(const vsp_dist *d)
{
    switch (d->kind) {
    case VSP_DIST_CONSTANT:
    case VSP_DIST_EXPONENTIAL:
        return d->a;
    case VSP_DIST_UNIFORM:
        return (d->a + d->b) / 2.0;
    case VSP_DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b / 2.0);
    }
    return 0.0;
}
