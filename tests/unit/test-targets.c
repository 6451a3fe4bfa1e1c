/*
 * test-targets.c: the target index (sim/model/targets.c) against a scan of every host:
 * the least loaded eligible host (ties to the lowest index), uniform random choice, and
 * the exclusion of the source, over random updates and sizes that are and are not
 * powers of two.
 */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "model/targets.h"

#define MAX_HOSTS 300

typedef struct host_state {
    bool eligible;
    uint32_t load;
} host_state;

static uint32_t scan_least_loaded(const host_state *h, uint32_t n, uint32_t exclude)
{
    uint32_t best = VS_NO_HOST;
    for (uint32_t i = 0; i < n; i++)
        if (i != exclude && h[i].eligible && (best == VS_NO_HOST || h[i].load < h[best].load))
            best = i;
    return best;
}

static uint32_t scan_eligible(const host_state *h, uint32_t n)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++)
        count += h[i].eligible;
    return count;
}

static void random_update(vs_targets *t, host_state *h, uint32_t n, vs_rng *rng)
{
    uint32_t i = (uint32_t)vs_rng_below(rng, n);
    h[i].eligible = vs_rng_below(rng, 3) != 0;
    h[i].load = (uint32_t)vs_rng_below(rng, 8); /* few values: many ties */
    vs_targets_update(t, i, h[i].eligible, h[i].load);
}

Test(targets, starts_with_no_eligible_host)
{
    vs_targets t;
    cr_assert_eq(vs_targets_init(&t, 5, true), 0);
    cr_expect_eq(vs_targets_eligible(&t), 0);
    cr_expect_eq(vs_targets_least_loaded(&t, VS_NO_HOST), VS_NO_HOST);
    vs_rng rng;
    vs_rng_init(&rng, 1, 0);
    cr_expect_eq(vs_targets_random(&t, 0, &rng), VS_NO_HOST);
    vs_targets_close(&t);
}

Test(targets, least_loaded_matches_a_scan)
{
    static const uint32_t sizes[] = {1, 2, 3, 7, 8, 64, 100, MAX_HOSTS};
    vs_rng rng;
    vs_rng_init(&rng, 42, 1);
    for (size_t s = 0; s < 2 * sizeof sizes / sizeof *sizes; s++) {
        uint32_t n = sizes[s / 2];
        host_state h[MAX_HOSTS] = {0};
        vs_targets t;
        cr_assert_eq(vs_targets_init(&t, n, s % 2), 0); /* without, then with the ranks */
        for (int step = 0; step < 5000; step++) {
            random_update(&t, h, n, &rng);
            uint32_t exclude = (uint32_t)vs_rng_below(&rng, n + 1); /* n: exclude nobody */
            uint32_t want = scan_least_loaded(h, n, exclude < n ? exclude : VS_NO_HOST);
            cr_assert_eq(vs_targets_least_loaded(&t, exclude < n ? exclude : VS_NO_HOST), want,
                         "n=%u step %d exclude %u", n, step, exclude);
            cr_assert_eq(vs_targets_eligible(&t), scan_eligible(h, n));
        }
        vs_targets_close(&t);
    }
}

/* Every eligible host but the excluded one is drawn, each about equally often. */
Test(targets, random_is_uniform_over_eligible_hosts_but_the_source)
{
    enum { N = 37, DRAWS = 74000 };
    vs_targets t;
    cr_assert_eq(vs_targets_init(&t, N, true), 0);
    for (uint32_t i = 0; i < N; i++)
        vs_targets_update(&t, i, i % 3 != 0, 0); /* 24 eligible: 1, 2, 4, 5, ... */
    uint32_t hits[N] = {0};
    vs_rng rng;
    vs_rng_init(&rng, 7, 0);
    for (int d = 0; d < DRAWS; d++) {
        uint32_t host = vs_targets_random(&t, 5, &rng);
        cr_assert_lt(host, N);
        hits[host]++;
    }
    for (uint32_t i = 0; i < N; i++) {
        if (i % 3 == 0 || i == 5) {
            cr_expect_eq(hits[i], 0, "host %u is not eligible or is the source", i);
            continue;
        }
        /* 23 candidates: 3,217 draws each on average; 5 sigma is about 280. */
        cr_expect(hits[i] > 2900 && hits[i] < 3550, "host %u drawn %u times", i, hits[i]);
    }
    vs_targets_close(&t);
}

Test(targets, random_only_candidate_and_none)
{
    vs_targets t;
    cr_assert_eq(vs_targets_init(&t, 4, true), 0);
    vs_rng rng;
    vs_rng_init(&rng, 3, 0);
    vs_targets_update(&t, 2, true, 10);
    cr_expect_eq(vs_targets_random(&t, 2, &rng), VS_NO_HOST, "the source is never its target");
    cr_expect_eq(vs_targets_random(&t, 0, &rng), 2);
    cr_expect_eq(vs_targets_least_loaded(&t, 2), VS_NO_HOST);
    vs_targets_update(&t, 3, true, 10);
    cr_expect_eq(vs_targets_least_loaded(&t, VS_NO_HOST), 2, "ties go to the lowest index");
    cr_expect_eq(vs_targets_least_loaded(&t, 2), 3);
    vs_targets_close(&t);
}
