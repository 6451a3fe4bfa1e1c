/*
 * test-plan.c: the plan's search (bisection from a passing low end to a failing high
 * end, found by doubling when not given) and its verdicts on replications.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "sweep/plan.h"

/* A monotone system: values up to `limit` pass. Counts and records what was tried. */
typedef struct fake {
    double limit;
    double tried[256];
    unsigned ntried, rounds;
    int stop_after;              /* STOP on this evaluation (1-based); 0: never */
    double noisy_from, noisy_to; /* these pass too (a non-monotone system); 0: none */
} fake;

static void fake_eval(void *ctx, const double *values, size_t n, vs_verdict *out)
{
    fake *f = ctx;
    f->rounds++;
    for (size_t i = 0; i < n; i++) {
        double v = values[i];
        cr_assert(i == 0 || v > values[i - 1], "a round's values increase");
        f->tried[f->ntried++] = v;
        out[i] = f->stop_after && (int)f->ntried == f->stop_after            ? VS_VERDICT_STOP
                 : v <= f->limit || (v >= f->noisy_from && v <= f->noisy_to) ? VS_VERDICT_PASS
                                                                             : VS_VERDICT_FAIL;
    }
}

Test(plan, doubles_then_bisects_to_the_exact_integer)
{
    fake f = {.limit = 10};
    vs_plan_range r = {.lo = 4, .hi = NAN, .integer = true, .max_doublings = 40};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert(a.found && a.fail_known && !a.stopped);
    cr_assert_eq(a.pass, 10);
    cr_assert_eq(a.fail, 11);
    double expect[] = {4, 8, 16, 12, 10, 11};
    cr_assert_eq(f.ntried, 6);
    for (unsigned i = 0; i < 6; i++)
        cr_assert_eq(f.tried[i], expect[i], "try %u: %g", i, f.tried[i]);
    cr_assert_eq(a.evaluations, 6);
}

Test(plan, a_given_range_is_bisected_in_log2_steps)
{
    fake f = {.limit = 777};
    vs_plan_range r = {.lo = 1, .hi = 1024, .integer = true};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert_eq(a.pass, 777);
    cr_assert_eq(a.fail, 778);
    cr_assert_leq(a.evaluations, 2 + 10, "%u evaluations", a.evaluations);
}

Test(plan, low_end_failing_means_no_answer)
{
    fake f = {.limit = 3};
    vs_plan_range r = {.lo = 5, .hi = 100, .integer = true};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert(!a.found);
    cr_assert_eq(f.ntried, 1);
}

Test(plan, whole_range_passing_is_unbracketed)
{
    fake f = {.limit = 1e9};
    vs_plan_range r = {.lo = 5, .hi = 100, .integer = true};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert(a.found && !a.fail_known);
    cr_assert_eq(a.pass, 100);
}

Test(plan, real_values_stop_at_the_tolerance)
{
    fake f = {.limit = 3.3};
    vs_plan_range r = {.lo = 1, .hi = 10, .integer = false, .tolerance = 0.001};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert(a.pass <= 3.3 && a.fail > 3.3);
    cr_assert_leq(a.fail - a.pass, 0.001 * a.pass);
}

Test(plan, zero_low_end_doubles_from_one)
{
    fake f = {.limit = 5};
    vs_plan_range r = {.lo = 0, .hi = NAN, .integer = true, .max_doublings = 40};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert_eq(a.pass, 5);
    cr_assert_eq(f.tried[1], 1);
}

Test(plan, stop_ends_the_search_without_an_answer_beyond_what_passed)
{
    fake f = {.limit = 10, .stop_after = 3};
    vs_plan_range r = {.lo = 4, .hi = NAN, .integer = true, .max_doublings = 40};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert(a.stopped);
    cr_assert_eq(f.ntried, 3);
}

Test(plan, probes_cut_the_bracket_in_parts_and_double_several_steps_a_round)
{
    fake f = {.limit = 10};
    vs_plan_range r = {.lo = 4, .hi = NAN, .integer = true, .max_doublings = 40, .probes = 3};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert(a.found && a.fail_known);
    cr_assert_eq(a.pass, 10);
    cr_assert_eq(a.fail, 11);
    /* [4 8 16]: 16 fails; (8, 16) in 4 parts: [10 12 14]: 12 fails; (10, 12): [11] */
    double expect[] = {4, 8, 16, 10, 12, 14, 11};
    cr_assert_eq(f.ntried, 7);
    for (unsigned i = 0; i < 7; i++)
        cr_assert_eq(f.tried[i], expect[i], "try %u: %g", i, f.tried[i]);
    cr_assert_eq(a.rounds, 3);
    cr_assert_eq(f.rounds, 3);
}

Test(plan, more_probes_take_fewer_rounds_to_the_same_answer)
{
    unsigned rounds[4];
    unsigned probes[] = {1, 3, 7, 63};
    for (int i = 0; i < 4; i++) {
        fake f = {.limit = 777};
        vs_plan_range r = {.lo = 1, .hi = 1024, .integer = true, .probes = probes[i]};
        vs_plan_answer a;
        vs_plan_search(&r, fake_eval, &f, &a);
        cr_assert_eq(a.pass, 777, "probes %u", probes[i]);
        cr_assert_eq(a.fail, 778, "probes %u", probes[i]);
        rounds[i] = a.rounds;
    }
    cr_assert_eq(rounds[0], 12); /* lo, hi, then 10 halvings of 1023 */
    cr_assert(rounds[1] < rounds[0] && rounds[2] < rounds[1] && rounds[3] < rounds[2],
              "rounds %u %u %u %u", rounds[0], rounds[1], rounds[2], rounds[3]);
}

Test(plan, a_pass_after_a_failure_in_one_round_is_not_believed)
{
    /* Values 5..8 pass, 9 fails, 10..12 "pass" (noise): the first failure bounds it. */
    fake f = {.limit = 8, .noisy_from = 10, .noisy_to = 12};
    vs_plan_range r = {.lo = 1, .hi = 13, .integer = true, .probes = 11};
    vs_plan_answer a;
    vs_plan_search(&r, fake_eval, &f, &a);
    cr_assert_eq(a.pass, 8);
    cr_assert_eq(a.fail, 9);
}

static vs_slo slo(vs_slo_op op, double limit)
{
    return (vs_slo){.metric = "latency_us.blackout.p99", .op = op, .limit = limit};
}

Test(plan, judge_uses_the_interval_not_the_mean)
{
    vs_summary s;
    double x[] = {90, 100, 110}; /* mean 100, sd 10, t(0.975,2) = 4.303: 100 +- 24.8 */
    vs_slo lt130 = slo(VS_SLO_LT, 130), lt110 = slo(VS_SLO_LT, 110), lt70 = slo(VS_SLO_LT, 70);
    cr_assert_eq(vs_plan_judge(&lt130, x, 3, 0, 0.95, &s), VS_VERDICT_PASS);
    cr_assert_eq(vs_plan_judge(&lt110, x, 3, 0, 0.95, &s), VS_VERDICT_INCONCLUSIVE);
    cr_assert_eq(vs_plan_judge(&lt70, x, 3, 0, 0.95, &s), VS_VERDICT_FAIL);
    cr_assert_float_eq(s.half_width, 4.30265273 * 10 / sqrt(3), 1e-6);
    vs_slo gt70 = slo(VS_SLO_GT, 70), gt100 = slo(VS_SLO_GT, 100);
    cr_assert_eq(vs_plan_judge(&gt70, x, 3, 0, 0.95, &s), VS_VERDICT_PASS);
    cr_assert_eq(vs_plan_judge(&gt100, x, 3, 0, 0.95, &s), VS_VERDICT_INCONCLUSIVE);
}

Test(plan, judge_without_spread_or_with_one_run_compares_values)
{
    vs_summary s;
    double same[] = {5, 5, 5}, one[] = {7};
    vs_slo lt5 = slo(VS_SLO_LT, 5), le5 = slo(VS_SLO_LE, 5), lt8 = slo(VS_SLO_LT, 8);
    cr_assert_eq(vs_plan_judge(&lt5, same, 3, 0, 0.95, &s), VS_VERDICT_FAIL);
    cr_assert_eq(vs_plan_judge(&le5, same, 3, 0, 0.95, &s), VS_VERDICT_PASS);
    cr_assert_eq(vs_plan_judge(&lt8, one, 1, 0, 0.95, &s), VS_VERDICT_PASS);
}

Test(plan, judge_equality_needs_every_run_and_missing_values_fail)
{
    vs_summary s;
    double zeros[] = {0, 0, 0}, mixed[] = {0, 1, 0};
    vs_slo eq0 = slo(VS_SLO_EQ, 0), lt8 = slo(VS_SLO_LT, 8);
    cr_assert_eq(vs_plan_judge(&eq0, zeros, 3, 0, 0.95, &s), VS_VERDICT_PASS);
    cr_assert_eq(vs_plan_judge(&eq0, mixed, 3, 0, 0.95, &s), VS_VERDICT_FAIL);
    cr_assert_eq(vs_plan_judge(&lt8, zeros, 3, 1, 0.95, &s), VS_VERDICT_FAIL);
    cr_assert_eq(vs_plan_judge(&lt8, zeros, 0, 0, 0.95, &s), VS_VERDICT_FAIL);
}
