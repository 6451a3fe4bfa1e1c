/*
 * test-network.c: the live-migration network's flows (sim/model/network.c) against
 * closed forms: one flow of M bytes over bandwidth B takes M/B plus the latency; k flows
 * from one source take k*M/B each; max-min fair shares where flows cross; a flow that
 * ends gives its share to the others.
 */
#include <criterion/criterion.h>

#include "model/network.h"

static vs_engine *g_eng;
static vs_net g_net;
static vs_time_t g_done[16];

static void on_done(void *ctx, uint64_t arg)
{
    g_done[arg] = vs_engine_now(g_eng);
}

static void setup(void)
{
    g_eng = vs_engine_new(64);
    cr_assert_not_null(g_eng);
    for (int i = 0; i < 16; i++)
        g_done[i] = 0;
}

static void finish(void)
{
    vs_net_close(&g_net);
    vs_engine_free(g_eng);
}

TestSuite(network, .init = setup, .fini = finish);

#define GB 1e9
/* 1 byte per ns is 8 Gbit/s. */

Test(network, one_flow_takes_bytes_over_bandwidth_plus_latency)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 2, 1.0, 1000), 0);
    vs_net_start(&g_net, 0, 1, 4 * GB, on_done, NULL, 0);
    vs_engine_run(g_eng, VS_TIME_MAX);
    cr_expect_eq(g_done[0], (vs_time_t)(4 * GB) + 1000);
    cr_expect_float_eq(vs_net_link_bytes(&g_net, 0, true), 4 * GB, 1);
    cr_expect_float_eq(vs_net_link_bytes(&g_net, 1, false), 4 * GB, 1);
}

Test(network, k_flows_from_one_source_take_k_times_as_long)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 9, 0.5, 0), 0);
    for (uint32_t k = 1; k <= 8; k++)
        vs_net_start(&g_net, 0, k, 1 * GB, on_done, NULL, k);
    vs_engine_run(g_eng, VS_TIME_MAX);
    for (int k = 1; k <= 8; k++) /* 8 GB through 0.5 B/ns */
        cr_expect_eq(g_done[k], (vs_time_t)(16 * GB), "flow %d ended at %llu", k,
                     (unsigned long long)g_done[k]);
}

Test(network, crossing_flows_get_max_min_fair_rates)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 5, 1.0, 0), 0);
    /* Host 2's ingress carries three flows: a third each. Host 0's egress carries two,
     * one of them held to a third at host 2: the other gets the two thirds left. */
    vs_net_flow *a = vs_net_start(&g_net, 0, 1, GB, on_done, NULL, 0);
    vs_net_flow *b = vs_net_start(&g_net, 0, 2, GB, on_done, NULL, 1);
    vs_net_flow *c = vs_net_start(&g_net, 3, 2, GB, on_done, NULL, 2);
    vs_net_flow *d = vs_net_start(&g_net, 4, 2, GB, on_done, NULL, 3);
    cr_expect_float_eq(vs_net_flow_rate(a), 2.0 / 3, 1e-12);
    cr_expect_float_eq(vs_net_flow_rate(b), 1.0 / 3, 1e-12);
    cr_expect_float_eq(vs_net_flow_rate(c), 1.0 / 3, 1e-12);
    cr_expect_float_eq(vs_net_flow_rate(d), 1.0 / 3, 1e-12);
}

Test(network, two_flows_sharing_a_source_to_different_destinations_split_it)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 3, 1.0, 0), 0);
    vs_net_flow *a = vs_net_start(&g_net, 0, 1, GB, on_done, NULL, 0);
    vs_net_flow *b = vs_net_start(&g_net, 0, 2, GB, on_done, NULL, 1);
    cr_expect_float_eq(vs_net_flow_rate(a), 0.5, 1e-12);
    cr_expect_float_eq(vs_net_flow_rate(b), 0.5, 1e-12);
}

Test(network, an_ended_flow_gives_its_share_to_the_others)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 3, 1.0, 0), 0);
    vs_net_start(&g_net, 0, 1, 1 * GB, on_done, NULL, 0);
    vs_net_start(&g_net, 0, 2, 2 * GB, on_done, NULL, 1);
    vs_engine_run(g_eng, VS_TIME_MAX);
    /* Half each until the first is through at 2 GB; then the second has 1 GB left alone. */
    cr_expect_eq(g_done[0], (vs_time_t)(2 * GB));
    cr_expect_eq(g_done[1], (vs_time_t)(3 * GB));
}

Test(network, a_late_flow_slows_the_running_one_from_when_it_starts)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 2, 1.0, 0), 0);
    vs_net_start(&g_net, 0, 1, 2 * GB, on_done, NULL, 0);
    vs_engine_run(g_eng, (vs_time_t)GB); /* 1 GB through alone */
    vs_net_start(&g_net, 0, 1, 1 * GB, on_done, NULL, 1);
    vs_engine_run(g_eng, VS_TIME_MAX);
    /* Then both at half: each 1 GB left takes 2 s more. */
    cr_expect_eq(g_done[0], (vs_time_t)(3 * GB));
    cr_expect_eq(g_done[1], (vs_time_t)(3 * GB));
}

Test(network, a_change_touches_only_the_flows_it_reaches)
{
    cr_assert_eq(vs_net_init(&g_net, g_eng, 4, 1.0, 0), 0);
    vs_net_start(&g_net, 0, 1, GB, on_done, NULL, 0);
    vs_net_start(&g_net, 2, 3, GB, on_done, NULL, 1);
    /* Two separate components: the second start walked one link pair and one flow. */
    cr_expect_eq(g_net.ncflows, 1);
    cr_expect_eq(g_net.nclinks, 2);
}
