/*
 * test-cpu.c: host CPUs (sim/model/cpu.c): work runs at once on a free CPU, waits in
 * FIFO order when all are busy, holds its CPU for what it returns, and zero-cost work
 * behind a long queue does not recurse; held work frees its CPU from its own event.
 */
#include <criterion/criterion.h>

#include "model/sim.h"

static vs_config cfg;
static vs_sim *sim;
static vs_time_t started[64];
static int nstarted;

static vs_time_t work(vs_sim *s, void *ctx, uint64_t hold)
{
    started[nstarted++] = vs_sim_now(s);
    return hold;
}

static void setup(void)
{
    cfg = (vs_config){
        .name = "cpu", .topology = {1, 1, 1, 1, 2}, .metrics.histogram_rel_error = 0.01};
    sim = vs_sim_new(&cfg);
    cr_assert_not_null(sim);
    nstarted = 0;
}

static void teardown(void)
{
    vs_sim_free(sim);
}

TestSuite(cpu, .init = setup, .fini = teardown);

Test(cpu, work_waits_for_a_free_cpu_in_fifo_order)
{
    for (int i = 0; i < 5; i++)
        vs_cpu_submit(sim, 0, work, NULL, 10000);
    cr_assert_eq(nstarted, 2, "two CPUs: two start at once");
    cr_assert_eq(sim->hosts[0].cpu_queue_peak, 3);
    vs_engine_run(sim->engine, VS_TIME_MAX);
    vs_time_t want[] = {0, 0, 10000, 10000, 20000};
    cr_assert_eq(nstarted, 5);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(started[i], want[i], "work %d started at %lu", i, (unsigned long)started[i]);
    cr_assert_eq(sim->hosts[0].cpus_free, 2);
    cr_assert(sim->hosts[0].cpu_busy_ns == 50000);
}

Test(cpu, zero_cost_work_frees_its_cpu_at_once)
{
    for (int i = 0; i < 3; i++)
        vs_cpu_submit(sim, 0, work, NULL, 0);
    cr_assert_eq(nstarted, 3);
    cr_assert_eq(sim->hosts[0].cpus_free, 2);
    cr_assert_eq(vs_engine_pending(sim->engine), 0);
}

Test(cpu, long_queue_of_zero_cost_work_drains_without_recursion)
{
    vs_cpu_submit(sim, 0, work, NULL, 1000);
    vs_cpu_submit(sim, 0, work, NULL, 1000);
    nstarted = 0;
    for (int i = 0; i < 60; i++) /* queued behind the two busy CPUs */
        vs_cpu_submit(sim, 0, work, NULL, 0);
    cr_assert_eq(nstarted, 0);
    vs_engine_run(sim->engine, VS_TIME_MAX);
    cr_assert_eq(nstarted, 60);
    cr_assert_eq(started[59], 1000);
    cr_assert_eq(sim->hosts[0].cpus_free, 2);
}

/* Held work: its own event frees the CPU (vs_cpu_free), and only then does waiting work
 * start; one event per piece of work, none of the CPU's. */
static int done_before_free;

static void on_held_done(vs_engine *eng, void *ctx, uint64_t host)
{
    done_before_free += sim->hosts[host].cpus_free < 2; /* this work's CPU is one of two */
    vs_cpu_free(sim, (uint32_t)host);
}

static vs_time_t held_work(vs_sim *s, void *ctx, uint64_t hold)
{
    started[nstarted++] = vs_sim_now(s);
    vs_engine_post(s->engine, hold, on_held_done, NULL, 0);
    return vs_cpu_held(hold);
}

Test(cpu, held_work_frees_its_cpu_from_its_own_event)
{
    done_before_free = 0;
    for (int i = 0; i < 5; i++)
        vs_cpu_submit(sim, 0, held_work, NULL, 10000);
    cr_assert_eq(nstarted, 2);
    cr_assert_eq(vs_engine_pending(sim->engine), 2, "the work's events only");
    uint64_t events = vs_engine_run(sim->engine, VS_TIME_MAX);
    cr_assert_eq(events, 5, "one event per piece of work, none of the CPU's");
    vs_time_t want[] = {0, 0, 10000, 10000, 20000};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(started[i], want[i], "work %d started at %lu", i, (unsigned long)started[i]);
    cr_assert_eq(done_before_free, 5, "the CPU is still taken while the work's event runs");
    cr_assert_eq(sim->hosts[0].cpus_free, 2);
    cr_assert(sim->hosts[0].cpu_busy_ns == 50000, "busy time counts the hold, not the flag");
}
