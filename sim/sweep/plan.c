/*
 * plan.c: the largest value that meets the SLOs, by bisection (plan.h).
 */
#include "sweep/plan.h"

#include <math.h>

const char *vs_verdict_name(vs_verdict v)
{
    static const char *const names[] = {"pass", "fail", "inconclusive", "invalid", "stopped"};
    return names[v];
}

vs_verdict vs_plan_judge(const vs_slo *slo, const double *x, size_t n, size_t missing,
                         double confidence, vs_summary *s)
{
    vs_summarize(x, n, confidence, s);
    if (missing > 0 || n == 0)
        return VS_VERDICT_FAIL;
    if (slo->op == VS_SLO_EQ || slo->op == VS_SLO_NE || n == 1 || s->stddev == 0) {
        for (size_t i = 0; i < n; i++)
            if (!vs_slo_holds(slo->op, x[i], slo->limit))
                return VS_VERDICT_FAIL;
        return VS_VERDICT_PASS;
    }
    /* The interval's far end must hold for a pass; its near end failing is a failure. */
    bool upper_bound = slo->op == VS_SLO_LT || slo->op == VS_SLO_LE;
    double far = upper_bound ? s->high : s->low, near = upper_bound ? s->low : s->high;
    if (vs_slo_holds(slo->op, far, slo->limit))
        return VS_VERDICT_PASS;
    if (!vs_slo_holds(slo->op, near, slo->limit))
        return VS_VERDICT_FAIL;
    return VS_VERDICT_INCONCLUSIVE;
}

/* One round: values[0..n) at once. Returns the index of the first that failed (n when
 * none did), or -1 when the evaluator said stop. Assuming monotony, what passes after
 * a failure is not believed: the first failure bounds the answer. */
static long run_round(vs_plan_eval_fn eval, void *ctx, const double *values, size_t n,
                      vs_plan_answer *out)
{
    vs_verdict verdict[VS_PLAN_MAX_PROBES + 1];
    out->rounds++;
    out->evaluations += (unsigned)n;
    eval(ctx, values, n, verdict);
    for (size_t i = 0; i < n; i++)
        if (verdict[i] == VS_VERDICT_STOP) {
            out->stopped = true;
            return -1;
        }
    for (size_t i = 0; i < n; i++)
        if (verdict[i] != VS_VERDICT_PASS)
            return (long)i;
    return (long)n;
}

/* Moves the bracket after a round: the last value before the first failure passes. */
static void take_round(const double *values, size_t n, long first_fail, vs_plan_answer *out)
{
    if (first_fail > 0)
        out->pass = values[first_fail - 1];
    if ((size_t)first_fail < n) {
        out->fail_known = true;
        out->fail = values[first_fail];
    }
}

static double doubled(double v)
{
    return v > 0 ? v * 2 : 1;
}

/* Doubles from the last passing value, k steps a round, until a value fails or
 * max_doublings were tried; 0, or -1 when stopped. */
static int find_failing(const vs_plan_range *r, unsigned k, vs_plan_eval_fn eval, void *ctx,
                        unsigned done, vs_plan_answer *out)
{
    while (!out->fail_known && done < r->max_doublings) {
        double values[VS_PLAN_MAX_PROBES];
        size_t n = 0;
        for (double v = out->pass; n < k && done < r->max_doublings; done++)
            values[n++] = v = doubled(v);
        long f = run_round(eval, ctx, values, n, out);
        if (f < 0)
            return -1;
        take_round(values, n, f, out);
    }
    return 0;
}

static bool narrow_enough(const vs_plan_range *r, double lo, double hi)
{
    if (r->integer)
        return hi - lo <= 1;
    return hi - lo <= r->tolerance * fmax(fabs(lo), 1e-300);
}

/* Up to k values cutting (lo, hi) into k + 1 parts, strictly inside and increasing. */
static size_t cut(const vs_plan_range *r, unsigned k, double lo, double hi, double *values)
{
    size_t n = 0;
    for (unsigned i = 1; i <= k; i++) {
        double v = lo + (hi - lo) * i / (k + 1);
        if (r->integer)
            v = floor(v);
        if (v > lo && v < hi && (n == 0 || v > values[n - 1]))
            values[n++] = v;
    }
    return n;
}

/* The first round: the low end, and the high end too (k >= 2) or the first k - 1
 * doublings. Returns how many doublings it tried, or -1 when the search is over. */
static int first_round(const vs_plan_range *r, unsigned k, vs_plan_eval_fn eval, void *ctx,
                       vs_plan_answer *out)
{
    double values[VS_PLAN_MAX_PROBES + 1] = {r->lo};
    size_t n = 1;
    int doublings = 0;
    if (!isnan(r->hi) && k >= 2)
        values[n++] = r->hi;
    for (; isnan(r->hi) && n < k && (unsigned)doublings < r->max_doublings; doublings++, n++)
        values[n] = doubled(values[n - 1]);
    long f = run_round(eval, ctx, values, n, out);
    if (f <= 0)
        return -1; /* stopped, or even the low end fails: no answer */
    out->found = true;
    take_round(values, n, f, out);
    return doublings;
}

void vs_plan_search(const vs_plan_range *r, vs_plan_eval_fn eval, void *ctx, vs_plan_answer *out)
{
    *out = (vs_plan_answer){0};
    unsigned k = r->probes < 1                    ? 1
                 : r->probes > VS_PLAN_MAX_PROBES ? VS_PLAN_MAX_PROBES
                                                  : r->probes;
    int doublings = first_round(r, k, eval, ctx, out);
    if (doublings < 0)
        return;
    if (isnan(r->hi)) {
        if (find_failing(r, k, eval, ctx, (unsigned)doublings, out) < 0)
            return;
    } else if (!out->fail_known && out->pass < r->hi) { /* k == 1: the high end alone */
        long f = run_round(eval, ctx, &r->hi, 1, out);
        if (f < 0)
            return;
        take_round(&r->hi, 1, f, out);
    }
    while (out->fail_known && !narrow_enough(r, out->pass, out->fail)) {
        double values[VS_PLAN_MAX_PROBES];
        size_t n = cut(r, k, out->pass, out->fail, values);
        long f = n ? run_round(eval, ctx, values, n, out) : -1;
        if (f < 0)
            return;
        take_round(values, n, f, out);
    }
}
