/*
 * test-guard.c: crash containment for callouts (sim/plugin/guard.c), through guard.h.
 * A small vs_sim built by hand (two plugins on two hosts, no code loaded) stands for a
 * run; the "callout" is the test itself inside vs_sim_activity_begin/end, and it
 * crashes by raise(): that works the same under ASan and UBSan, where a real fault
 * would be reported by them first. Each test checks what guard.h promises: the crash
 * lands at the recovery point with who, what and when; without a recovery point the
 * process prints and exits 3; a signal outside any callout goes to the previous
 * handler; the watchdog fires after 1 to 1.25 timeouts and never while activities
 * change; quarantine unloads every instance of the plugin and records special pool's
 * rule; and describe's text, byte for byte, as the header's example gives it.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "plugin/guard.h"

static vs_config g_cfg;
static vs_plugin_spec g_specs[2] = {{"first", "a.so", "{}"}, {"second", "b.so", "{}"}};
static vs_sim *g_sim;
static vs_guard g_guard;

static void setup(void)
{
    memset(&g_cfg, 0, sizeof g_cfg);
    memset(&g_guard, 0, sizeof g_guard);
    g_cfg.name = "guard-test";
    g_cfg.topology.hosts = 2;
    g_cfg.topology.switches_per_host = 1;
    g_cfg.topology.cpus_per_host = 1;
    g_cfg.plugins = g_specs;
    g_cfg.nplugins = 2;
    g_cfg.metrics.histogram_rel_error = 0.01;
    g_sim = vs_sim_new(&g_cfg);
    cr_assert_not_null(g_sim);
}

static void teardown(void)
{
    vs_sim_free(g_sim);
    g_sim = NULL;
}

TestSuite(guard, .init = setup, .fini = teardown);

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Names and descriptions ------------------------------------------------------- */

Test(guard, signal_names)
{
    cr_expect_str_eq(vs_guard_signal_name(SIGSEGV), "SIGSEGV");
    cr_expect_str_eq(vs_guard_signal_name(SIGBUS), "SIGBUS");
    cr_expect_str_eq(vs_guard_signal_name(SIGFPE), "SIGFPE");
    cr_expect_str_eq(vs_guard_signal_name(SIGILL), "SIGILL");
    cr_expect_str_eq(vs_guard_signal_name(SIGABRT), "SIGABRT");
    cr_expect_str_eq(vs_guard_signal_name(VS_GUARD_TIMEOUT), "timeout");
    cr_expect_str_eq(vs_guard_signal_name(SIGTERM), "signal", "not one the guard catches");
}

Test(guard, describe_a_plain_crash_is_its_signal)
{
    vs_crash c = {.signal = SIGBUS, .rule = -1};
    char buf[64];
    cr_expect_eq(vs_guard_describe(&c, buf, sizeof buf), 6);
    cr_expect_str_eq(buf, "SIGBUS");
}

/* guard.h's own example; the tag's four bytes as they lie in memory. */
Test(guard, describe_names_special_pools_rule_and_block)
{
    vs_crash c = {.signal = SIGSEGV,
                  .rule = VS_RULE_POOL_OVERRUN,
                  .fault = {.rule = VS_RULE_POOL_OVERRUN, .kind = VS_POOL_BLOCK, .size = 16}};
    memcpy(&c.fault.tag, "Vsim", 4);
    char buf[160];
    static const char want[] = "pool_overrun of a 16-byte block tagged 'Vsim' (SIGSEGV)";
    cr_expect_eq(vs_guard_describe(&c, buf, sizeof buf), strlen(want));
    cr_expect_str_eq(buf, want);
}

Test(guard, describe_shows_unprintable_tag_bytes_as_dots)
{
    vs_crash c = {.signal = SIGSEGV,
                  .rule = VS_RULE_USE_AFTER_FREE,
                  .fault = {.kind = VS_POOL_BLOCK, .size = 8}};
    memcpy(&c.fault.tag, "A\001\377z", 4);
    char buf[160];
    vs_guard_describe(&c, buf, sizeof buf);
    cr_expect_str_eq(buf, "use_after_free of a 8-byte block tagged 'A..z' (SIGSEGV)");
}

Test(guard, describe_names_a_restore_buffer)
{
    vs_crash c = {.signal = SIGSEGV,
                  .rule = VS_RULE_POOL_OVERRUN,
                  .fault = {.kind = VS_POOL_RESTORE, .size = 4096}};
    char buf[160];
    vs_guard_describe(&c, buf, sizeof buf);
    cr_expect_str_eq(buf, "pool_overrun of the 4096-byte restore buffer (SIGSEGV)");
}

/* A buffer too small keeps what fits, NUL-terminated, and says how much that is. */
Test(guard, describe_truncates_to_the_buffer)
{
    vs_crash c = {.signal = SIGSEGV, .rule = -1};
    char buf[5];
    memset(buf, 'x', sizeof buf);
    cr_expect_eq(vs_guard_describe(&c, buf, sizeof buf), 4);
    cr_expect_str_eq(buf, "SIGS");
    cr_expect_eq(vs_guard_describe(&c, buf, 0), 0, "size 0: nothing written");
    cr_expect_eq(buf[0], 'S');
}

/* ---- Crashes -------------------------------------------------------------------------- */

static void noop(vs_engine *eng, void *ctx, uint64_t arg)
{}

/* Instance 3 is plugin 1 on host 1 ([plugin * hosts + host]). */
#define SECOND_ON_HOST_1 3

static void arm(double timeout_s)
{
    cr_assert_eq(vs_guard_install(), 0);
    cr_assert_eq(vs_guard_arm(&g_guard, g_sim, timeout_s), 0);
}

/* A crash inside a callout, with the recovery point set, lands there: the first crash
 * names its instance, its callback and the simulated time. */
Test(guard, crash_in_a_callout_lands_at_the_recovery_point)
{
    arm(0);
    cr_assert_neq(vs_engine_schedule_at(g_sim->engine, 777, noop, NULL, 0), 0);
    vs_engine_run(g_sim->engine, VS_TIME_MAX); /* the clock at 777 ns */
    volatile int landed = 0;
    if (sigsetjmp(g_guard.env, 1) == 0) {
        g_guard.can_jump = 1;
        vs_sim_activity_begin(g_sim, SECOND_ON_HOST_1, "restore");
        raise(SIGFPE);
        cr_assert_fail("the crash did not unwind");
    } else {
        landed = 1;
    }
    vs_guard_disarm(&g_guard);
    cr_expect_eq(landed, 1);
    cr_expect_eq(g_guard.first.signal, SIGFPE);
    cr_expect_eq(g_guard.first.instance, SECOND_ON_HOST_1);
    cr_expect_str_eq(g_guard.first.what, "restore");
    cr_expect_eq(g_guard.first.sim_time, 777);
    cr_expect_eq(g_guard.first.rule, -1);
    cr_expect_eq(g_guard.last.signal, SIGFPE);
}

/* A second crash (say in an unload) is the last one; the first stays what the report
 * names. */
Test(guard, a_second_crash_is_last_and_the_first_stays_first)
{
    arm(0);
    volatile int landings = 0;
    if (sigsetjmp(g_guard.env, 1) != 0)
        landings++;
    g_guard.can_jump = 1;
    if (landings == 0) {
        vs_sim_activity_begin(g_sim, 0, "save");
        raise(SIGSEGV);
    } else if (landings == 1) {
        vs_sim_activity_begin(g_sim, SECOND_ON_HOST_1, "unload");
        raise(SIGABRT);
    }
    vs_guard_disarm(&g_guard);
    cr_expect_eq(landings, 2);
    cr_expect_eq(g_guard.first.signal, SIGSEGV);
    cr_expect_str_eq(g_guard.first.what, "save");
    cr_expect_eq(g_guard.first.instance, 0);
    cr_expect_eq(g_guard.last.signal, SIGABRT);
    cr_expect_str_eq(g_guard.last.what, "unload");
    cr_expect_eq(g_guard.last.instance, SECOND_ON_HOST_1);
}

/* Arming forgets the crashes of a run before. */
Test(guard, arming_clears_earlier_crashes)
{
    g_guard.first.signal = SIGSEGV;
    g_guard.last.signal = SIGBUS;
    g_guard.can_jump = 1;
    arm(0);
    cr_expect_eq(g_guard.first.signal, 0);
    cr_expect_eq(g_guard.last.signal, 0);
    cr_expect_eq(g_guard.can_jump, 0);
    vs_guard_disarm(&g_guard);
}

/* Before the recovery point (a plugin's entry point): one line and exit 3. */
Test(guard, crash_without_a_recovery_point_exits_3, .exit_code = 3)
{
    arm(0);
    vs_sim_activity_begin(g_sim, 0, "entry");
    raise(SIGSEGV);
    cr_assert_fail("the process should have exited");
}

/* No callout runs: not the guard's business; the handler before it (here the default,
 * which ASan leaves alone for SIGILL) takes the signal. */
Test(guard, signal_outside_a_callout_goes_to_the_previous_handler, .signal = SIGILL)
{
    arm(0);
    g_guard.can_jump = 1;
    raise(SIGILL);
    cr_assert_fail("the default action should have ended the process");
}

/* ---- The watchdog ---------------------------------------------------------------------- */

/* A callback that does not return: counted as crashed after 1 to 1.25 timeouts (the
 * upper bound here is loose: a shared machine delays signals). */
Test(guard, watchdog_times_out_a_callback_that_does_not_return)
{
    const double timeout = 0.2;
    arm(timeout);
    double started = wall_s();
    volatile double elapsed = 0;
    if (sigsetjmp(g_guard.env, 1) == 0) {
        g_guard.can_jump = 1;
        vs_sim_activity_begin(g_sim, 1, "save");
        while (wall_s() - started < 10) /* spins: the watchdog must end it */
            ;
        cr_assert_fail("not timed out in 10 s");
    }
    elapsed = wall_s() - started;
    vs_guard_disarm(&g_guard);
    cr_expect_eq(g_guard.first.signal, VS_GUARD_TIMEOUT);
    cr_expect_eq(g_guard.first.instance, 1);
    cr_expect_str_eq(g_guard.first.what, "save");
    cr_expect_geq(elapsed, timeout * 0.99, "fired after %.3f s", elapsed);
    cr_expect_lt(elapsed, timeout * 4, "fired after %.3f s", elapsed);
}

/* Many short callbacks over several timeouts: each is a new activity, none times out;
 * and disarming stops the timer. */
Test(guard, watchdog_spares_callbacks_that_return)
{
    const double timeout = 0.1;
    arm(timeout);
    double started = wall_s();
    if (sigsetjmp(g_guard.env, 1) != 0)
        cr_assert_fail("a returning callback was timed out");
    g_guard.can_jump = 1;
    while (wall_s() - started < 4 * timeout) {
        vs_sim_activity_begin(g_sim, 0, "save");
        vs_sim_activity_end(g_sim);
    }
    vs_guard_disarm(&g_guard);
    cr_expect_eq(g_guard.first.signal, 0);
    struct itimerval it;
    cr_assert_eq(getitimer(ITIMER_REAL, &it), 0);
    cr_expect(it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0, "the timer still runs");
}

/* ---- Quarantine ------------------------------------------------------------------------ */

/* The crashed plugin's instances on every host are unloaded, the other plugin's not,
 * and no activity is left running. */
Test(guard, quarantine_unloads_every_instance_of_the_crashed_plugin)
{
    arm(0);
    vs_sim_activity_begin(g_sim, SECOND_ON_HOST_1, "save");
    g_guard.last =
        (vs_crash){.signal = SIGSEGV, .instance = SECOND_ON_HOST_1, .what = "save", .rule = -1};
    vs_guard_quarantine(&g_guard);
    vs_guard_disarm(&g_guard);
    for (uint32_t i = 0; i < g_sim->ninstances; i++)
        cr_expect_eq(g_sim->instances[i].unloaded, g_sim->instances[i].plugin == 1, "instance %u",
                     i);
    cr_expect(!g_sim->activity.active);
    cr_expect_eq(g_sim->stats.violations.total, 0, "no rule named: nothing recorded");
}

/* A fault special pool named becomes a violation of its rule, with where it was. */
Test(guard, quarantine_records_the_rule_special_pool_named)
{
    arm(0);
    g_guard.last = (vs_crash){
        .signal = SIGSEGV,
        .instance = SECOND_ON_HOST_1,
        .what = "save",
        .sim_time = 42,
        .rule = VS_RULE_POOL_OVERRUN,
        .fault = {.rule = VS_RULE_POOL_OVERRUN, .kind = VS_POOL_BLOCK, .size = 16, .offset = 20}};
    memcpy(&g_guard.last.fault.tag, "Vsim", 4);
    vs_guard_quarantine(&g_guard);
    vs_guard_disarm(&g_guard);
    const vs_violations *v = &g_sim->stats.violations;
    cr_assert_eq(v->total, 1);
    cr_expect_eq(v->by_rule[VS_RULE_POOL_OVERRUN], 1);
    cr_expect_eq(v->by_plugin[1 * VS_RULE_COUNT + VS_RULE_POOL_OVERRUN], 1);
    cr_assert_eq(v->nkept, 1);
    cr_expect_str_eq(v->kept[0].plugin, "second");
    cr_expect_eq(v->kept[0].sim_time_ns, 42);
    cr_expect_str_eq(v->kept[0].detail,
                     "pool_overrun of a 16-byte block tagged 'Vsim' (SIGSEGV) in its save "
                     "callback: the first faulting access was 4 byte(s) past its end");
}

Test(guard, quarantine_leaves_a_turned_off_rule_unrecorded)
{
    g_cfg.verifier.disabled = VS_RULE_BIT(VS_RULE_POOL_UNDERRUN);
    arm(0);
    g_guard.last = (vs_crash){.signal = SIGSEGV,
                              .instance = 0,
                              .what = "save",
                              .rule = VS_RULE_POOL_UNDERRUN,
                              .fault = {.kind = VS_POOL_BLOCK, .size = 16, .offset = -3}};
    vs_guard_quarantine(&g_guard);
    vs_guard_disarm(&g_guard);
    cr_expect_eq(g_sim->stats.violations.total, 0);
    cr_expect(g_sim->instances[0].unloaded && g_sim->instances[1].unloaded);
}
