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

static bool holds(vs_slo_op op, double v, double limit)
{
    switch (op) {
    case VS_SLO_LT: return v < limit;
    case VS_SLO_LE: return v <= limit;
    case VS_SLO_GT: return v > limit;
    case VS_SLO_GE: return v >= limit;
    case VS_SLO_EQ: return v == limit;
    case VS_SLO_NE: return v != limit;
    }
    return false;
}

vs_verdict vs_plan_judge(const vs_slo *slo, const double *x, size_t n, size_t missing,
                         double confidence, vs_summary *s)
{
    vs_summarize(x, n, confidence, s);
    if (missing > 0 || n == 0)
        return VS_VERDICT_FAIL;
    if (slo->op == VS_SLO_EQ || slo->op == VS_SLO_NE || n == 1 || s->stddev == 0) {
        for (size_t i = 0; i < n; i++)
            if (!holds(slo->op, x[i], slo->limit))
                return VS_VERDICT_FAIL;
        return VS_VERDICT_PASS;
    }
    /* The interval's far end must hold for a pass; its near end failing is a failure. */
    bool upper_bound = slo->op == VS_SLO_LT || slo->op == VS_SLO_LE;
    double far = upper_bound ? s->high : s->low, near = upper_bound ? s->low : s->high;
    if (holds(slo->op, far, slo->limit))
        return VS_VERDICT_PASS;
    if (!holds(slo->op, near, slo->limit))
        return VS_VERDICT_FAIL;
    return VS_VERDICT_INCONCLUSIVE;
}

/* Evaluates v: 1 pass, 0 fail, -1 stop. */
static int try_value(vs_plan_eval_fn eval, void *ctx, double v, vs_plan_answer *out)
{
    out->evaluations++;
    vs_verdict verdict = eval(ctx, v);
    if (verdict == VS_VERDICT_STOP) {
        out->stopped = true;
        return -1;
    }
    return verdict == VS_VERDICT_PASS;
}

/* Doubles from lo until a value fails; 0, or -1 when stopped. */
static int find_failing(const vs_plan_range *r, vs_plan_eval_fn eval, void *ctx,
                        vs_plan_answer *out)
{
    double v = out->pass;
    for (unsigned i = 0; i < r->max_doublings; i++) {
        v = v > 0 ? v * 2 : 1;
        int ok = try_value(eval, ctx, v, out);
        if (ok < 0)
            return -1;
        if (!ok) {
            out->fail_known = true;
            out->fail = v;
            return 0;
        }
        out->pass = v;
    }
    return 0;
}

static bool narrow_enough(const vs_plan_range *r, double lo, double hi)
{
    if (r->integer)
        return hi - lo <= 1;
    return hi - lo <= r->tolerance * fmax(fabs(lo), 1e-300);
}

void vs_plan_search(const vs_plan_range *r, vs_plan_eval_fn eval, void *ctx,
                    vs_plan_answer *out)
{
    *out = (vs_plan_answer){0};
    int ok = try_value(eval, ctx, r->lo, out);
    if (ok <= 0)
        return;
    out->found = true;
    out->pass = r->lo;
    if (isnan(r->hi)) {
        if (find_failing(r, eval, ctx, out) < 0)
            return;
    } else if ((ok = try_value(eval, ctx, r->hi, out)) != 0) {
        if (ok > 0)
            out->pass = r->hi; /* the whole range passes */
        return;
    } else {
        out->fail_known = true;
        out->fail = r->hi;
    }
    while (out->fail_known && !narrow_enough(r, out->pass, out->fail)) {
        double mid = out->pass + (out->fail - out->pass) / 2;
        if (r->integer)
            mid = floor(mid);
        if ((ok = try_value(eval, ctx, mid, out)) < 0)
            return;
        *(ok ? &out->pass : &out->fail) = mid;
    }
}
