/*
 * test-summary.c: sim/sweep/summary.c. Quantiles against published table values
 * (and closed forms for df 1 and 2); summaries against values worked by hand.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "sweep/summary.h"

/* Relative closeness; the tables give 9 significant digits. */
static void assert_rel(double got, double want, double tol)
{
    cr_assert(fabs(got - want) <= tol * fabs(want), "got %.12g, want %.12g", got, want);
}

Test(summary, t_quantile_matches_table_at_0975)
{
    static const struct {
        unsigned df;
        double t;
    } table[] = {{1, 12.7062047},  {2, 4.30265273},  {5, 2.57058184},
                 {10, 2.22813885}, {30, 2.04227246}, {1000, 1.96233908}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        assert_rel(vs_student_t_quantile(0.975, table[i].df), table[i].t, 5e-9);
}

Test(summary, t_quantile_matches_table_at_other_levels)
{
    assert_rel(vs_student_t_quantile(0.995, 10), 3.16927267, 5e-9);
    assert_rel(vs_student_t_quantile(0.95, 4), 2.13184679, 5e-9);
    assert_rel(vs_student_t_quantile(0.975, 10), 2.228138852, 1e-9); /* the header's */
}

Test(summary, t_quantile_matches_closed_forms_for_df_1_and_2)
{
    const double ps[] = {0.5001, 0.6, 0.75, 0.9, 0.999, 1 - 1e-9, 1e-6, 1e-200};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double p = ps[i];
        /* df 1 is Cauchy: tan(pi (p - 1/2)), or 1 / tan(pi q) in the tails, where the
         * first form is near its pole and M_PI's rounding shows (1e-8 at q = 1e-9). */
        double q = p < 0.5 ? p : 1 - p;
        double cauchy = q > 0.25 ? tan(M_PI * (0.5 - q)) : 1 / tan(M_PI * q);
        assert_rel(vs_student_t_quantile(p, 1), p < 0.5 ? -cauchy : cauchy, 1e-9);
        double two = (1 - 2 * q) / sqrt(2 * q * (1 - q));
        assert_rel(vs_student_t_quantile(p, 2), p < 0.5 ? -two : two, 1e-9);
    }
}

Test(summary, t_quantile_is_symmetric)
{
    const unsigned dfs[] = {1, 2, 3, 5, 10, 30, 1000, 1000000};
    /* 0.25/0.75 and 2^-7/(1 - 2^-7) are exact mirror images: the same bits. 0.975 is
     * not 1 - 0.025 in binary (1 - 0.975 = 0.025000000000000022), so only close. */
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
        cr_assert_eq(vs_student_t_quantile(0.25, dfs[i]), -vs_student_t_quantile(0.75, dfs[i]));
        cr_assert_eq(vs_student_t_quantile(0x1p-7, dfs[i]),
                     -vs_student_t_quantile(1 - 0x1p-7, dfs[i]));
        assert_rel(vs_student_t_quantile(0.025, dfs[i]), -vs_student_t_quantile(0.975, dfs[i]),
                   1e-12);
    }
    cr_assert_eq(vs_student_t_quantile(0.5, 7), 0);
}

/* Large df goes through Fisher's expansion: continuous at the switch and tending to
 * the normal quantile 1.959963985. */
Test(summary, t_quantile_for_large_df)
{
    assert_rel(vs_student_t_quantile(0.975, 100000), 1.95998770777, 1e-9);
    assert_rel(vs_student_t_quantile(0.975, 100001), 1.95998770730, 1e-9);
    assert_rel(vs_student_t_quantile(0.975, 1000000), 1.95996635681, 1e-9);
    assert_rel(vs_student_t_quantile(0.975, 4000000000u), 1.95996398513, 1e-9);
}

Test(summary, t_quantile_in_far_tails)
{
    assert_rel(vs_student_t_quantile(1e-300, 1), -3.18309886184e299, 1e-9);
    assert_rel(vs_student_t_quantile(1e-300, 30), -50178575360.505, 1e-9);
    assert_rel(vs_student_t_quantile(1e-300, 99999), -37.1746719449, 1e-9);
    assert_rel(vs_student_t_quantile(1e-300, 100001), -37.1746693861, 1e-9);
}

Test(summary, t_quantile_rejects_bad_arguments)
{
    cr_assert(isnan(vs_student_t_quantile(0, 5)));
    cr_assert(isnan(vs_student_t_quantile(1, 5)));
    cr_assert(isnan(vs_student_t_quantile(NAN, 5)));
    cr_assert(isnan(vs_student_t_quantile(0.975, 0)));
}

Test(summary, empty_is_all_nan)
{
    vs_summary s;
    vs_summarize(NULL, 0, 0.95, &s);
    cr_assert_eq(s.n, 0);
    cr_assert(isnan(s.mean) && isnan(s.stddev) && isnan(s.half_width));
    cr_assert(isnan(s.low) && isnan(s.high) && isnan(s.min) && isnan(s.max));
}

Test(summary, one_value_has_no_interval)
{
    const double x[] = {812.5};
    vs_summary s;
    vs_summarize(x, 1, 0.95, &s);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.mean, 812.5);
    cr_assert_eq(s.stddev, 0);
    cr_assert_eq(s.min, 812.5);
    cr_assert_eq(s.max, 812.5);
    cr_assert(isnan(s.half_width) && isnan(s.low) && isnan(s.high));
}

/* 0.1 * 3 summed is 0.30000000000000004: the mean must still be 0.1 exactly. */
Test(summary, identical_values_give_an_exact_empty_interval)
{
    const double x[] = {0.1, 0.1, 0.1};
    vs_summary s;
    vs_summarize(x, 3, 0.95, &s);
    cr_assert_eq(s.mean, 0.1);
    cr_assert_eq(s.stddev, 0);
    cr_assert_eq(s.half_width, 0);
    cr_assert_eq(s.low, 0.1);
    cr_assert_eq(s.high, 0.1);
}

/* 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, s = sqrt(32 / 7);
 * half width t(0.975, 7) s / sqrt(8) with t = 2.36462425. */
Test(summary, known_sample)
{
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    vs_summary s;
    vs_summarize(x, 8, 0.95, &s);
    cr_assert_eq(s.n, 8);
    cr_assert_eq(s.mean, 5);
    assert_rel(s.stddev, sqrt(32.0 / 7), 1e-15);
    assert_rel(s.half_width, 2.36462425 * sqrt(32.0 / 7) / sqrt(8), 5e-9);
    cr_assert_eq(s.low, s.mean - s.half_width);
    cr_assert_eq(s.high, s.mean + s.half_width);
    cr_assert_eq(s.min, 2);
    cr_assert_eq(s.max, 9);
}

/* A one-pass sum of squares loses everything here (1e9^2 swamps the spread of 1). */
Test(summary, large_offset_keeps_the_spread)
{
    const double x[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    vs_summary s;
    vs_summarize(x, 4, 0.99, &s);
    cr_assert_eq(s.mean, 1e9 + 10);
    assert_rel(s.stddev, sqrt(90.0 / 3), 1e-12);
    assert_rel(s.half_width, 5.84090931 * sqrt(30.0) / 2, 5e-9); /* t(0.995, 3) */
}

Test(summary, same_input_same_bits)
{
    const double x[] = {0.3, 1e-3, 17.25, 4.5, 2.125, 9.75};
    vs_summary a, b;
    vs_summarize(x, 6, 0.9, &a);
    vs_summarize(x, 6, 0.9, &b);
    cr_assert(memcmp(&a, &b, sizeof a) == 0);
}
