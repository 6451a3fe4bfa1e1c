/*
 * test-gauge.c: sim/metrics/gauge.c on step functions whose time-weighted means are
 * worked out by hand in each test's comment.
 */
#include <criterion/criterion.h>

#include "metrics/gauge.h"

Test(gauge, constant_zero_level_has_zero_mean)
{
    vs_gauge g;
    vs_gauge_init(&g, 0);
    cr_assert(vs_gauge_mean(&g, 1000) == 0.0);
    cr_assert_eq(g.peak, 0);
}

/* Level 2 over [0, 10), level 5 over [10, 40): (2*10 + 5*30) / 40 = 170 / 40 = 4.25. */
Test(gauge, two_steps)
{
    vs_gauge g;
    vs_gauge_init(&g, 0);
    vs_gauge_add(&g, 0, 2);
    vs_gauge_add(&g, 10, 3);
    cr_assert(vs_gauge_mean(&g, 40) == 4.25);
    cr_assert_eq(g.level, 5);
    cr_assert_eq(g.peak, 5);
}

/* Start at t = 100. Level 1 over [100, 200), 3 over [200, 250), 0 over [250, 500):
 * (1*100 + 3*50 + 0*250) / 400 = 250 / 400 = 0.625. Peak 3. */
Test(gauge, rise_and_fall_from_nonzero_start)
{
    vs_gauge g;
    vs_gauge_init(&g, 100);
    vs_gauge_add(&g, 100, 1);
    vs_gauge_add(&g, 200, 2);
    vs_gauge_add(&g, 250, -3);
    cr_assert(vs_gauge_mean(&g, 500) == 0.625);
    cr_assert_eq(g.level, 0);
    cr_assert_eq(g.peak, 3);
}

/* Several changes at the same instant book no time: +4 then -4 at t = 5 leaves nothing,
 * only the peak remembers it. Level 1 over [0, 20): mean 1. */
Test(gauge, simultaneous_changes_book_no_time)
{
    vs_gauge g;
    vs_gauge_init(&g, 0);
    vs_gauge_add(&g, 0, 1);
    vs_gauge_add(&g, 5, 4);
    vs_gauge_add(&g, 5, -4);
    cr_assert(vs_gauge_mean(&g, 20) == 1.0);
    cr_assert_eq(g.peak, 5);
}

/* The mean reads the level up to `now` without a change at `now`, and reading does not
 * disturb later reads. Level 4 over [0, 3): mean 4 at t = 3; then level 0 over [3, 8):
 * (4*3) / 8 = 1.5. */
Test(gauge, mean_is_read_only)
{
    vs_gauge g;
    vs_gauge_init(&g, 0);
    vs_gauge_add(&g, 0, 4);
    cr_assert(vs_gauge_mean(&g, 3) == 4.0);
    cr_assert(vs_gauge_mean(&g, 3) == 4.0);
    vs_gauge_add(&g, 3, -4);
    cr_assert(vs_gauge_mean(&g, 8) == 1.5);
}

/* Warm-up: level 10 over [0, 100) is forgotten at the restart at t = 100, keeping the
 * level. Then level 10 over [100, 150), 2 over [150, 300): (10*50 + 2*150) / 200 = 4.
 * The peak restarts at the level held (10), not the warm-up's 12. */
Test(gauge, restart_forgets_warm_up_and_keeps_level)
{
    vs_gauge g;
    vs_gauge_init(&g, 0);
    vs_gauge_add(&g, 0, 12);
    vs_gauge_add(&g, 50, -2);
    vs_gauge_restart(&g, 100);
    cr_assert_eq(g.level, 10);
    cr_assert_eq(g.peak, 10);
    vs_gauge_add(&g, 150, -8);
    cr_assert(vs_gauge_mean(&g, 300) == 4.0);
}

/* No time observed: the mean is the level itself. */
Test(gauge, zero_elapsed_gives_current_level)
{
    vs_gauge g;
    vs_gauge_init(&g, 7);
    vs_gauge_add(&g, 7, 3);
    cr_assert(vs_gauge_mean(&g, 7) == 3.0);
}

/* Ten hours of virtual time at nanosecond resolution with a level in the thousands:
 * 1000 over the first 5 h, 3000 over the next 5 h: mean 2000 exactly, which needs the
 * long double integral (the area is 7.2e16, past double's exact integers). */
Test(gauge, long_runs_stay_exact)
{
    const uint64_t five_hours = 5ull * 3600ull * 1000000000ull;
    vs_gauge g;
    vs_gauge_init(&g, 0);
    vs_gauge_add(&g, 0, 1000);
    vs_gauge_add(&g, five_hours, 2000);
    cr_assert(vs_gauge_mean(&g, 2 * five_hours) == 2000.0);
    cr_assert_eq(g.peak, 3000);
}

/* Little's law in miniature: 4 requests each in flight for 25 ns, one starting every
 * 25 ns over [0, 100): level 1 the whole time, mean 1 = rate (1/25) * time in system (25). */
Test(gauge, littles_law_sanity)
{
    vs_gauge g;
    vs_gauge_init(&g, 0);
    for (uint64_t t = 0; t < 100; t += 25) {
        vs_gauge_add(&g, t, 1);
        vs_gauge_add(&g, t + 25, -1);
    }
    cr_assert(vs_gauge_mean(&g, 100) == 1.0);
    cr_assert_eq(g.peak, 1);
}
