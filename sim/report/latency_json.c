/*
 * latency_json.c: a histogram as the report shows it: count, mean, exact min and max,
 * the stable percentiles, the scenario's extra ones, and a percentile curve for charts.
 * Values are simulated microseconds.
 */
#include <stdio.h>

#include "report/report-int.h"

/* Where the curve is sampled: dense in the tail, where latency lives. */
static const double CURVE[] = {0,  10, 20, 30, 40, 50,   60,   70,    75,    80, 85,
                               90, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 100};

static double us(uint64_t ns)
{
    return (double)ns / 1000.0;
}

static json_t *curve_json(const vs_hist *h)
{
    json_t *a = json_array();
    for (size_t i = 0; a && h->count && i < sizeof CURVE / sizeof CURVE[0]; i++)
        /* clang-format off */
        json_array_append_new(a, json_pack("[f, f]", CURVE[i],
                                           us(vs_hist_quantile(h, CURVE[i] / 100.0))));
    /* clang-format on */
    return a;
}

/* "p99.5" for 99.5: the key an extra percentile goes under, dots kept out of SLO paths. */
static void percentile_key(double p, char key[32])
{
    char digits[24];
    snprintf(digits, sizeof digits, "%g", p);
    size_t k = 0;
    key[k++] = 'p';
    for (const char *d = digits; *d && k < 31; d++)
        if (*d != '.')
            key[k++] = *d;
    key[k] = '\0';
}

json_t *vs__report_latency(const vs__report_ctx *rc, const vs_hist *h)
{
    /* clang-format off */
    json_t *o = json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                          "count", (json_int_t)h->count, "mean", vs_hist_mean(h) / 1000.0,
                          "min", us(h->count ? h->min : 0), "max", us(h->max),
                          "p50", us(vs_hist_quantile(h, 0.50)),
                          "p90", us(vs_hist_quantile(h, 0.90)),
                          "p99", us(vs_hist_quantile(h, 0.99)),
                          "p999", us(vs_hist_quantile(h, 0.999)),
                          "p9999", us(vs_hist_quantile(h, 0.9999)));
    /* clang-format on */
    for (size_t i = 0; o && rc->cfg && i < rc->cfg->metrics.npercentiles; i++) {
        char key[32];
        double p = rc->cfg->metrics.percentiles[i];
        percentile_key(p, key);
        json_object_set_new(o, key, json_real(us(vs_hist_quantile(h, p / 100.0))));
    }
    if (o)
        json_object_set_new(o, "curve", curve_json(h));
    return o;
}

json_t *vs__report_latencies(const vs__report_ctx *rc, const vs_hist *h, const int *which, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++)
        json_object_set_new(o, vs_latency_names[which[i]], vs__report_latency(rc, &h[which[i]]));
    return o;
}
