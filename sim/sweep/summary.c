/*
 * summary.c: mean, sample standard deviation and a Student-t confidence interval for
 * a point's replications. The t quantile is computed here (no libm has one): the t
 * tail as a regularized incomplete beta, inverted by safeguarded Newton steps.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>

#include "sweep/summary.h"

#define CF_EPS 1e-16
#define CF_MAX_ITER 100000 /* iterations grow like sqrt(df), and df <= LARGE_DF */
#define NEWTON_MAX_ITER 200
#define LARGE_DF 1e5                      /* above: Fisher's expansion (see t_large_df) */
#define LN_SQRT_PI 0.57236494292470008707 /* lgamma(1/2) */

/* ln Gamma(a + 1/2) - ln Gamma(a). For large a the two lgammas are ~a ln a and their
 * difference would lose digits, so use the asymptotic series (error < 1e-16 there). */
static double lgamma_ratio_half(double a)
{
    if (a < 1e5)
        return lgamma(a + 0.5) - lgamma(a);
    double r = 1 / a;
    return 0.5 * log(a) + log1p(r * (-1.0 / 8 + r * (1.0 / 128 + r * 5.0 / 1024)));
}

/* Lentz's continued fraction for the incomplete beta (Numerical Recipes' betacf);
 * converges fast for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < DBL_MIN ? DBL_MIN : d);
    double h = d;
    for (int m = 1; m <= CF_MAX_ITER; m++) {
        for (int odd = 0; odd < 2; odd++) {
            double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                             : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d;
            d = 1 / (fabs(d) < DBL_MIN ? DBL_MIN : d);
            c = 1 + num / c;
            c = fabs(c) < DBL_MIN ? DBL_MIN : c;
            h *= d * c;
            if (odd && fabs(d * c - 1) < CF_EPS)
                return h;
        }
    }
    return h;
}

/* A point of the t distribution in the beta variables, in logs so that tails of
 * 1e-300 (t ~ 1e299 at df = 1) neither overflow nor underflow:
 * x = df / (df + t^2), y = 1 - x = t^2 / (df + t^2). */
typedef struct tpoint {
    double x, y, lnx, lny;
} tpoint;

static tpoint tpoint_at(double t, double df)
{
    double lr = 2 * (log(t) - 0.5 * log(df)); /* ln(t^2 / df) */
    double l1pr = lr > 0 ? lr + log1p(exp(-lr)) : log1p(exp(lr));
    tpoint p = {0, 0, -l1pr, lr - l1pr};
    p.x = exp(p.lnx);
    p.y = exp(p.lny);
    return p;
}

/* ln I_x(a, b), with ln B(a, 1/2) or ln B(1/2, a) given by the caller (lnbeta). The
 * fraction runs on whichever side converges; the other side is 1 - I. */
static double log_ibeta(double a, double b, double x, double y, double lnx, double lny,
                        double lnbeta)
{
    if (x < (a + 1) / (a + b + 2))
        return a * lnx + b * lny - lnbeta - log(a) + log(beta_cf(a, b, x));
    double other = exp(b * lny + a * lnx - lnbeta - log(b)) * beta_cf(b, a, y);
    return log1p(-other);
}

/* ln P(T > t) for t > 0: I_x(df/2, 1/2) / 2. */
static double log_tail(double t, double df, double lnbeta)
{
    tpoint p = tpoint_at(t, df);
    return log_ibeta(df / 2, 0.5, p.x, p.y, p.lnx, p.lny, lnbeta) - M_LN2;
}

/* P(0 < T < t) for t > 0: I_y(1/2, df/2) / 2. */
static double central(double t, double df, double lnbeta)
{
    tpoint p = tpoint_at(t, df);
    return exp(log_ibeta(0.5, df / 2, p.y, p.x, p.lny, p.lnx, lnbeta)) / 2;
}

static double log_pdf(double t, double df)
{
    tpoint p = tpoint_at(t, df);
    double lnc = lgamma_ratio_half(df / 2) - 0.5 * log(df) - LN_SQRT_PI;
    return lnc + (df + 1) / 2 * p.lnx;
}

/* Newton on g(t) = central(t) - c, which is concave: from t0 <= root (the tangent at
 * 0 overshoots the curve) the steps stay left of the root and rise to it. Bisection
 * guards against the one step that could leave the bracket (0, 1.5): c <= 1/4
 * here, and t(3/4, df) <= t(3/4, 1) = 1. */
static double solve_central(double c, double df, double lnbeta)
{
    double lo = 0, hi = 1.5, t = c / exp(log_pdf(0, df));
    for (int i = 0; i < NEWTON_MAX_ITER; i++) {
        double g = central(t, df, lnbeta) - c;
        if (g == 0)
            return t;
        if (g < 0)
            lo = t;
        else
            hi = t;
        double next = t - g / exp(log_pdf(t, df));
        if (!(next > lo && next < hi))
            next = (lo + hi) / 2;
        if (fabs(next - t) <= 4 * DBL_EPSILON * t)
            return next;
        t = next;
    }
    return t;
}

/* Newton in u = ln t on ln P(T > t) = ln q: nearly linear in u for heavy tails and
 * concave for light ones, so a few steps reach any q. Bracket (ln 0.5, ln DBL_MAX):
 * the tail side is only used for q <= 1/4, where t >= 0.67 for every df. */
static double solve_tail(double q, double df, double lnbeta)
{
    double lnq = log(q), lo = log(0.5), hi = log(DBL_MAX), u = log(2.0);
    for (int i = 0; i < NEWTON_MAX_ITER; i++) {
        double t = exp(u), lt = log_tail(t, df, lnbeta), h = lt - lnq;
        if (h == 0)
            return t;
        if (h > 0)
            lo = u;
        else
            hi = u;
        /* d ln tail / du = -pdf(t) t / tail(t) */
        double slope = -exp(log_pdf(t, df) + u - lt);
        double next = u - h / slope;
        if (!(next > lo && next < hi))
            next = (lo + hi) / 2;
        if (fabs(next - u) <= 4 * DBL_EPSILON * fmax(1, fabs(u)))
            return exp(next);
        u = next;
    }
    return exp(u);
}

/* The standard normal's upper quantile for 0 < q <= 1/2, by Newton on erfc/erf
 * (accurate in libm): the same central/tail split as for t. */
static double normal_upper_quantile(double q)
{
    bool tail = q <= 0.25;
    double c = 0.5 - q, z = tail ? sqrt(-2 * log(q)) : c * sqrt(2 * M_PI);
    for (int i = 0; i < NEWTON_MAX_ITER; i++) {
        double lnpdf = -z * z / 2 - 0.5 * log(2 * M_PI), step;
        if (tail) {
            double lnq_z = log(0.5 * erfc(z / M_SQRT2));
            step = (lnq_z - log(q)) / exp(lnpdf - lnq_z); /* log Q is concave */
        } else {
            step = -(0.5 * erf(z / M_SQRT2) - c) / exp(lnpdf);
        }
        if (!isfinite(step))
            break;
        z += step;
        if (fabs(step) <= 4 * DBL_EPSILON * z)
            break;
    }
    return z;
}

/* Fisher's expansion of t in powers of 1/df around the normal quantile z. Used for
 * large df, where the incomplete beta's fraction starts from 1 - (a + b) x / (a + 1),
 * a difference of two numbers within ~1/df of each other, and loses ~log10(df)
 * digits (6e-11 relative at df = 1e5). Above 1e5 the omitted terms are negligible:
 * the two methods agree to 1e-13 at the switch, even at q = 1e-300. */
static double t_large_df(double q, double v)
{
    double z = normal_upper_quantile(q), z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    return z + (g1 + (g2 + (g3 + g4 / v) / v) / v) / v;
}

double vs_student_t_quantile(double p, unsigned df)
{
    if (!(p > 0 && p < 1) || df == 0)
        return NAN;
    if (p == 0.5)
        return 0;
    /* The smaller tail, exact (1 - p is exact for p >= 1/2, Sterbenz); solving for
     * whichever probability is small keeps its relative precision. */
    double v = df, q = p < 0.5 ? p : 1 - p, t;
    double lnbeta = LN_SQRT_PI - lgamma_ratio_half(v / 2); /* ln B(df/2, 1/2) */
    if (v > LARGE_DF)
        t = t_large_df(q, v);
    else
        t = q > 0.25 ? solve_central(0.5 - q, v, lnbeta) : solve_tail(q, v, lnbeta);
    return p > 0.5 ? t : -t;
}

/* Two passes: the mean, then the deviations from it (no cancellation of sums of
 * squares); the mean gets the first-order correction from the second pass. */
static void mean_stddev(const double *x, size_t n, double *mean, double *stddev)
{
    double sum = 0, dev = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double m = sum / (double)n;
    for (size_t i = 0; i < n; i++) {
        dev += x[i] - m;
        sq += (x[i] - m) * (x[i] - m);
    }
    *mean = m + dev / (double)n;
    *stddev = n > 1 ? sqrt(fmax(0, (sq - dev * dev / (double)n) / (double)(n - 1))) : 0;
}

void vs_summarize(const double *x, size_t n, double confidence, vs_summary *out)
{
    *out = (vs_summary){n, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    if (n == 0)
        return;
    out->min = out->max = x[0];
    for (size_t i = 1; i < n; i++) {
        out->min = fmin(out->min, x[i]);
        out->max = fmax(out->max, x[i]);
    }
    mean_stddev(x, n, &out->mean, &out->stddev);
    /* Identical values: the rounded sum / n need not give the value back, and the
     * interval must be exactly empty. */
    if (out->min == out->max) {
        out->mean = out->min;
        out->stddev = 0;
    }
    out->mean = fmin(fmax(out->mean, out->min), out->max);
    if (n < 2)
        return;
    double t = vs_student_t_quantile(1 - (1 - confidence) / 2, (unsigned)(n - 1));
    out->half_width = out->stddev == 0 ? 0 : t * out->stddev / sqrt((double)n);
    out->low = out->mean - out->half_width;
    out->high = out->mean + out->half_width;
}
