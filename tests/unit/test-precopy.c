/*
 * test-precopy.c: the memory model of a live migration's pre-copy (sim/model/precopy.c)
 * on the shared network, against closed forms: M bytes with no dirtying over bandwidth B
 * take M/B plus the latency; k migrations from one host take k*M/B each; with a dirty
 * rate d < B the rounds follow M/B * (1 - (d/B)^n) / (1 - d/B) and stop at the threshold
 * (what is left fits in max_downtime at the last round's bandwidth) or at max_rounds.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model/migration.h"
#include "model/precopy.h"
#include "model/sequence.h"
#include "model/sim.h"

#define NS 1e9
#define GIB (1024.0 * 1024 * 1024)

static vs_config g_cfg;
static vs_sim *g_sim;
static vs_time_t g_precopy_start[16], g_precopy_end[16];

static void on_transition(void *ctx, uint32_t vm, int from, int event, int to)
{
    if (to == VS_MIG_PRECOPY)
        g_precopy_start[vm] = vs_sim_now(g_sim);
    if (from == VS_MIG_PRECOPY)
        g_precopy_end[vm] = vs_sim_now(g_sim);
}

/* Hosts with 1 VM each and one 1-NIC port; no callouts; B = 1 GB/s per link. */
static void setup(void)
{
    memset(&g_cfg, 0, sizeof g_cfg);
    memset(g_precopy_start, 0, sizeof g_precopy_start);
    memset(g_precopy_end, 0, sizeof g_precopy_end);
    g_cfg.name = "precopy-test";
    g_cfg.seed = 1;
    g_cfg.topology.hosts = 9;
    g_cfg.topology.switches_per_host = 1;
    g_cfg.topology.vms_per_host = 1;
    g_cfg.topology.nics_per_vm = 1;
    g_cfg.topology.cpus_per_host = 4;
    g_cfg.wfp.pending_timeout = 50 * 1000000ull;
    g_cfg.migration.max_per_host = 8;
    g_cfg.migration.model = VS_PRECOPY_MEMORY;
    g_cfg.migration.max_rounds = 30;
    g_cfg.migration.max_downtime = 300 * 1000000ull;
    vs_dist_constant(&g_cfg.migration.pause, 0);
    vs_dist_constant(&g_cfg.migration.latency, 0);
    g_cfg.migration.bandwidth_bytes_per_s = 1e9;
    g_cfg.migration.timeout = 3600ull * 1000000000ull;
    g_cfg.migration.placement = VS_PLACE_LEAST_LOADED;
    vs_dist_constant(&g_cfg.vms.memory, 4 * GIB);
    vs_dist_constant(&g_cfg.vms.dirty_rate, 0);
    vs_dist_constant(&g_cfg.vms.working_set, 4 * GIB);
    g_cfg.network.bandwidth_bytes_per_s = 1e9;
    g_cfg.network.efficiency = 1;
    g_cfg.network.compression = 1;
    g_cfg.run.duration = 3600ull * 1000000000ull;
    g_cfg.metrics.histogram_rel_error = 0.01;
}

static void start(void)
{
    g_sim = vs_sim_new(&g_cfg);
    cr_assert_not_null(g_sim);
    g_sim->on_transition = on_transition;
}

static double precopy_s(uint32_t vm)
{
    return (double)(g_precopy_end[vm] - g_precopy_start[vm]) / NS;
}

static void finish(void)
{
    vs_sim_free(g_sim);
    g_sim = NULL;
}

TestSuite(precopy, .init = setup, .fini = finish);

Test(precopy, one_vm_without_dirtying_takes_memory_over_bandwidth_plus_latency)
{
    g_cfg.network.latency = 2000000; /* 2 ms */
    start();
    vs_migration_request(g_sim, 0, 1, VS_OP_MIGRATE, false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_float_eq(precopy_s(0), 4 * GIB / 1e9 + 0.002, 1e-6);
    cr_expect_eq(g_sim->stats.migrations.completed, 1);
}

Test(precopy, k_vms_from_one_host_take_k_times_as_long)
{
    g_cfg.topology.vms_per_host = 8;
    start();
    for (uint32_t v = 0; v < 8; v++) /* host 0's 8 VMs to hosts 1..8 at once */
        vs_migration_request(g_sim, v, v + 1, VS_OP_MIGRATE, false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    for (uint32_t v = 0; v < 8; v++)
        cr_expect_float_eq(precopy_s(v), 8 * 4 * GIB / 1e9, 1e-6, "VM %u: %f s", v, precopy_s(v));
}

/* d = B/4: round i takes M/B * (1/4)^(i-1); with the threshold B * 300 ms the rounds go on
 * while what is left, M * (1/4)^n, is over 0.3 GB: n = 2 rounds (4 GiB / 16 = 268 MB). */
Test(precopy, rounds_follow_the_geometric_series_and_stop_at_the_threshold)
{
    vs_dist_constant(&g_cfg.vms.dirty_rate, 0.25e9);
    start();
    vs_migration_request(g_sim, 0, 1, VS_OP_MIGRATE, false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    double m = 4 * GIB / 1e9, q = 0.25;
    int n = 0;
    while (m * pow(q, n) > 0.3 && n < 30)
        n++;
    cr_assert_eq(n, 2);
    double want = m * (1 - pow(q, n)) / (1 - q);
    cr_expect_float_eq(precopy_s(0), want, 1e-6, "%f s, want %f s", precopy_s(0), want);
    cr_expect_eq(g_sim->stats.precopy.rounds_sum, 2);
}

Test(precopy, max_rounds_stops_a_vm_that_dirties_as_fast_as_it_sends)
{
    vs_dist_constant(&g_cfg.vms.dirty_rate, 1e9); /* d = B: never converges */
    g_cfg.migration.max_rounds = 5;
    start();
    vs_migration_request(g_sim, 0, 1, VS_OP_MIGRATE, false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_float_eq(precopy_s(0), 5 * 4 * GIB / 1e9, 1e-6);
    cr_expect_eq(g_sim->stats.precopy.rounds_sum, 5);
}

Test(precopy, the_working_set_caps_what_a_round_finds_dirty)
{
    vs_dist_constant(&g_cfg.vms.dirty_rate, 1e9);
    vs_dist_constant(&g_cfg.vms.working_set, 1e9); /* 1 GB at most */
    g_cfg.migration.max_rounds = 3;
    start();
    vs_migration_request(g_sim, 0, 1, VS_OP_MIGRATE, false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_float_eq(precopy_s(0), 4 * GIB / 1e9 + 1 + 1, 1e-6);
}

Test(precopy, the_last_dirty_pages_cross_in_the_blackout)
{
    vs_dist_constant(&g_cfg.vms.dirty_rate, 1e9);
    g_cfg.migration.max_rounds = 1; /* 4 GiB in round 1 dirties 4 GiB: all of it again */
    start();
    vs_migration_request(g_sim, 0, 1, VS_OP_MIGRATE, false);
    vs_engine_run(g_sim->engine, VS_TIME_MAX);
    cr_expect_float_eq(vs_hist_mean(&g_sim->stats.blackout_parts[VS_BO_SAVE]) / 1e3,
                       4 * GIB / 1e9 * 1e6, 1, "save part %f us",
                       vs_hist_mean(&g_sim->stats.blackout_parts[VS_BO_SAVE]) / 1e3);
}
