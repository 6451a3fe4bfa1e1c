/*
 * test-supervisor.c: the supervisor's protocol between a child and its parent: how the
 * child ended (finished, exited unfinished, killed, stopped), the breadcrumb and the
 * plugin names it left, and the last whole snapshot winning.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "supervisor/supervisor.h"

/* Runs `child` in a supervised child and returns how it ended (and the last snapshot in
 * *snapshot, if asked). The child never returns into Criterion: it _exits. */
static vs_child_end supervise(void (*child)(vs_supervisor *), json_t **snapshot)
{
    unsetenv("VSWITCHSIM_NO_SUPERVISOR");
    vs_supervisor s;
    vs_supervised how = vs_supervisor_start(&s);
    cr_assert_neq(how, VS_UNSUPERVISED, "could not fork");
    if (how == VS_SUPERVISED_CHILD) {
        child(&s);
        _exit(99); /* each child ends itself */
    }
    vs_child_end end;
    vs_supervisor_end(&s, &end);
    if (snapshot)
        *snapshot = vs_supervisor_last_snapshot(&s);
    vs_supervisor_close(&s);
    return end;
}

static void finishes(vs_supervisor *s)
{
    vs_supervisor_child_done(s, 3); /* _exits (3), except in a sanitizer's build */
    _exit(3);
}

Test(supervisor, a_finished_child_gives_its_exit_code)
{
    vs_child_end end = supervise(finishes, NULL);
    cr_assert(end.finished);
    cr_assert_eq(end.exit_code, 3);
    cr_assert_eq(end.signal, 0);
    cr_assert_not(end.has_snapshot);
}

static void plugin_exits(vs_supervisor *s)
{
    vs_config cfg = {.nplugins = 2, .plugins = (vs_plugin_spec[]){{.name = "a"}, {.name = "b"}}};
    vs_supervisor_know_plugins(s, &cfg);
    vs_breadcrumb_enter(vs_supervisor_crumb(s), 1, "save", 1234);
    _exit(7); /* as a plugin's exit() */
}

Test(supervisor, an_exit_before_done_is_a_death_named_by_the_breadcrumb)
{
    vs_child_end end = supervise(plugin_exits, NULL);
    cr_assert_not(end.finished);
    cr_assert_eq(end.signal, 0);
    cr_assert_eq(end.exit_code, 7);
    cr_assert(end.crumb.active);
    cr_assert_eq(end.crumb.plugin, 1);
    cr_assert_str_eq(end.crumb.what, "save"); /* a literal: the same address here */
    cr_assert_eq(end.crumb.at, 1234);
    char why[32];
    cr_assert_str_eq(vs_supervisor_cause(&end, why), "exit(7)");
}

static void killed_after_leaving(vs_supervisor *s)
{
    vs_breadcrumb *b = vs_supervisor_crumb(s);
    vs_breadcrumb_enter(b, 0, "restore", 5);
    vs_breadcrumb_leave(b);
    raise(SIGKILL);
}

Test(supervisor, a_kill_outside_a_callout_names_the_last_to_run)
{
    vs_child_end end = supervise(killed_after_leaving, NULL);
    cr_assert_not(end.finished);
    cr_assert_eq(end.signal, SIGKILL);
    cr_assert_not(end.stopped);
    cr_assert_not(end.crumb.active);
    cr_assert_eq(end.crumb.runs, 1);
    char why[32];
    cr_assert_str_eq(vs_supervisor_cause(&end, why), "SIGKILL");
}

static void stopped_by_term(vs_supervisor *s)
{
    (void)s;
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
}

Test(supervisor, death_by_sigterm_is_a_stop_not_a_crash)
{
    vs_child_end end = supervise(stopped_by_term, NULL);
    cr_assert(end.stopped);
    cr_assert_eq(end.signal, SIGTERM);
}

static void three_snapshots(vs_supervisor *s)
{
    for (int i = 1; i <= 3; i++) {
        json_t *r = json_pack("{s:i, s:s}", "n", i, "pad", i == 2 ? "a long one, longer" : "x");
        vs_supervisor_snapshot(s, r, (vs_time_t)i * 1000);
        json_decref(r);
    }
    abort();
}

Test(supervisor, the_last_whole_snapshot_is_handed_over)
{
    json_t *snap = NULL;
    vs_child_end end = supervise(three_snapshots, &snap);
    cr_assert_eq(end.signal, SIGABRT);
    cr_assert(end.has_snapshot);
    cr_assert_eq(end.snapshot_at, 3000);
    cr_assert_not_null(snap);
    cr_assert_eq(json_integer_value(json_object_get(snap, "n")), 3);
    cr_assert_str_eq(json_string_value(json_object_get(snap, "pad")), "x");
    json_decref(snap);
}

/* A snapshot is written as it is dumped, through a buffer of 64 KiB: one of 300,000
 * numbers (~1.4 MB of text) takes many flushes, and comes back whole. */
static void one_big_snapshot(vs_supervisor *s)
{
    json_t *r = json_object(), *a = json_array();
    for (int i = 0; i < 300000; i++)
        json_array_append_new(a, json_integer(i));
    json_object_set_new(r, "a", a);
    vs_supervisor_snapshot(s, r, 7);
    json_decref(r);
    abort();
}

Test(supervisor, a_snapshot_larger_than_the_buffer_comes_back_whole)
{
    json_t *snap = NULL;
    vs_child_end end = supervise(one_big_snapshot, &snap);
    cr_assert(end.has_snapshot);
    cr_assert_not_null(snap);
    const json_t *a = json_object_get(snap, "a");
    cr_assert_eq(json_array_size(a), 300000);
    cr_assert_eq(json_integer_value(json_array_get(a, 299999)), 299999);
    json_decref(snap);
}

/* Exits with bit 0: a snapshot was due before the run began, bit 1: right after. */
static void snapshot_timing(vs_supervisor *s)
{
    bool before = vs_supervisor_snapshot_due(s);
    vs_supervisor_began(s);
    bool after = vs_supervisor_snapshot_due(s);
    int code = (before ? 1 : 0) | (after ? 2 : 0);
    vs_supervisor_child_done(s, code);
    _exit(code);
}

Test(supervisor, the_first_snapshot_is_due_an_interval_after_the_run_began)
{
    unsetenv("VSWITCHSIM_SNAPSHOT_INTERVAL"); /* 1 s */
    vs_child_end end = supervise(snapshot_timing, NULL);
    cr_assert(end.finished);
    cr_assert(end.began);
    cr_assert_eq(end.exit_code, 0, "due before the run began, or at once (%d)", end.exit_code);
    setenv("VSWITCHSIM_SNAPSHOT_INTERVAL", "0", 1); /* at every slice of the run */
    end = supervise(snapshot_timing, NULL);
    unsetenv("VSWITCHSIM_SNAPSHOT_INTERVAL");
    cr_assert_eq(end.exit_code, 2, "with interval 0: due as soon as it began (%d)", end.exit_code);
}

/* Exits with bit 0: a snapshot was due after the interval, bit 1: due again an
 * interval after one that took twice the interval to build (snapshots would then have
 * taken 0.1 s of 0.26, and the next would add as much). */
static void snapshot_backoff(vs_supervisor *s)
{
    vs_supervisor_began(s);
    usleep(60000);
    bool first = vs_supervisor_snapshot_due(s);
    usleep(100000); /* the report takes 0.1 s to build */
    json_t *r = json_pack("{s:i}", "n", 1);
    vs_supervisor_snapshot(s, r, 1000);
    json_decref(r);
    usleep(100000);
    bool again = vs_supervisor_snapshot_due(s);
    int code = (first ? 1 : 0) | (again ? 2 : 0);
    vs_supervisor_child_done(s, code);
    _exit(code);
}

Test(supervisor, snapshots_keep_within_a_twentieth_of_the_run)
{
    setenv("VSWITCHSIM_SNAPSHOT_INTERVAL", "0.05", 1);
    vs_child_end end = supervise(snapshot_backoff, NULL);
    unsetenv("VSWITCHSIM_SNAPSHOT_INTERVAL");
    cr_assert(end.finished);
    cr_assert_eq(end.exit_code, 1, "due at the interval, and not past the budget (%d)",
                 end.exit_code);
}

static void nothing_known(vs_supervisor *s)
{
    (void)s;
    _exit(1);
}

Test(supervisor, names_are_null_until_the_child_says_them)
{
    unsetenv("VSWITCHSIM_NO_SUPERVISOR");
    vs_supervisor s;
    if (vs_supervisor_start(&s) == VS_SUPERVISED_CHILD)
        nothing_known(&s);
    cr_assert_null(vs_supervisor_plugin_name(&s, 0));
    vs_supervisor_close(&s);
}

Test(supervisor, off_by_the_environment)
{
    setenv("VSWITCHSIM_NO_SUPERVISOR", "1", 1);
    vs_supervisor s;
    cr_assert_eq(vs_supervisor_start(&s), VS_UNSUPERVISED);
    cr_assert_null(vs_supervisor_crumb(&s));
    vs_supervisor_child_done(&s, 0); /* harmless unsupervised: returns */
    vs_supervisor_close(&s);
    unsetenv("VSWITCHSIM_NO_SUPERVISOR");
}
