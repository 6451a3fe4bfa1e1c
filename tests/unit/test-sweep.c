/*
 * test-sweep.c: a sweep's runs and its document: the same document whatever order the
 * runs arrive in, jobs that name their point and seed, resuming from a document read
 * back, and the exit code the runs earn.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sweep/job.h"
#include "sweep/sweep.h"

static vs_axis axes[2];
static const char *const metrics[] = {"latency_us.blackout.p99", "throughput.saves_per_s"};

static vs_sweep *new_sweep(unsigned reps, const char *fingerprint)
{
    char why[VS_ERROR_MAX];
    cr_assert_eq(vs_axis_parse("workload.rate_per_s=1..3", &axes[0], why), 0, "%s", why);
    cr_assert_eq(vs_axis_parse("run.duration=10s,20s", &axes[1], why), 0, "%s", why);
    json_t *slos = json_pack("[s]", "latency_us.blackout.p99 < 300000");
    vs_sweep_def def = {"x.json", "x", 42, axes, 2, reps, 0.95, metrics, 2, slos, fingerprint};
    vs_sweep *sw = vs_sweep_new(&def);
    json_decref(slos);
    vs_axis_free(&axes[0]);
    vs_axis_free(&axes[1]);
    cr_assert(sw);
    return sw;
}

/* A result as a child would send it: values depend on point and rep only. */
static json_t *fake_result(size_t point, unsigned rep)
{
    double a = 100.0 * (double)(point + 1) + (double)rep / 3.0, b = 1.0 / (double)(rep + 7);
    int code = point == 5 && rep == 1 ? 3 : 0;
    /* clang-format off */
    return json_pack("{s:i, s:[f,f], s:i, s:i, s:n, s:b}", "exit", code, "values", a, b,
                     "slo_breached", code ? 1 : 0, "violations", 0, "crashed", "interrupted", 0);
    /* clang-format on */
}

static char *document_text(const vs_sweep *sw, bool complete)
{
    json_t *doc = vs_sweep_document(sw, complete);
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
    json_decref(doc);
    return text;
}

static void record(vs_sweep *sw, size_t p, unsigned r)
{
    json_t *res = fake_result(p, r);
    vs_sweep_record(sw, p, r, res);
    json_decref(res);
}

Test(sweep, grid_and_jobs_name_point_value_and_replication_seed)
{
    vs_sweep *sw = new_sweep(3, "f1");
    cr_assert_eq(vs_sweep_points(sw), 6);
    json_t *job = vs_sweep_job(sw, 3, 2); /* rate 2 (row 1), duration 20s (column 1) */
    char *text = json_dumps(job, JSON_COMPACT);
    char expect[512];
    snprintf(expect, sizeof expect,
             "{\"set\":[[\"workload.rate_per_s\",2],[\"run.duration\",\"20s\"]],\"seed\":%llu,"
             "\"metrics\":[\"latency_us.blackout.p99\",\"throughput.saves_per_s\"]}",
             (unsigned long long)vs_replication_seed(42, 2));
    cr_assert_str_eq(text, expect);
    free(text);
    json_decref(job);
    vs_sweep_free(sw);
}

Test(sweep, replication_seeds_are_distinct_and_rep0_is_the_scenarios)
{
    cr_assert_eq(vs_replication_seed(42, 0), 42);
    for (unsigned r = 1; r < 1000; r++) {
        cr_assert_neq(vs_replication_seed(42, r), vs_replication_seed(42, r - 1));
        cr_assert_leq(vs_replication_seed(42, r), 0x7FFFFFFFFFFFFFFFull);
        cr_assert_neq(vs_replication_seed(42, r), vs_replication_seed(43, r));
    }
}

Test(sweep, document_does_not_depend_on_arrival_order)
{
    vs_sweep *fwd = new_sweep(3, "f1"), *rev = new_sweep(3, "f1");
    for (size_t p = 0; p < 6; p++)
        for (unsigned r = 0; r < 3; r++)
            record(fwd, p, r);
    for (size_t p = 6; p-- > 0;)
        for (unsigned r = 3; r-- > 0;)
            record(rev, p, r);
    char *a = document_text(fwd, true), *b = document_text(rev, true);
    cr_assert_str_eq(a, b);
    cr_assert(strstr(a, "\"runs_passed\": 2")); /* point 5, rep 1 breached */
    cr_assert_eq(vs_sweep_exit(fwd), 3);
    free(a);
    free(b);
    vs_sweep_free(fwd);
    vs_sweep_free(rev);
}

Test(sweep, resume_from_a_document_read_back_gives_the_same_bytes)
{
    vs_sweep *full = new_sweep(3, "f1"), *part = new_sweep(3, "f1"), *resumed = new_sweep(3, "f1");
    for (size_t p = 0; p < 6; p++)
        for (unsigned r = 0; r < 3; r++) {
            record(full, p, r);
            if ((p + r) % 2 == 0)
                record(part, p, r);
        }
    char *partial = document_text(part, false), why[VS_ERROR_MAX];
    json_t *old = json_loads(partial, 0, NULL);
    cr_assert_eq(vs_sweep_resume(resumed, old, why), 9, "%s", why);
    for (size_t p = 0; p < 6; p++)
        for (unsigned r = 0; r < 3; r++)
            if (!vs_sweep_has(resumed, p, r))
                record(resumed, p, r);
    char *a = document_text(full, true), *b = document_text(resumed, true);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    free(partial);
    json_decref(old);
    vs_sweep_free(full);
    vs_sweep_free(part);
    vs_sweep_free(resumed);
}

Test(sweep, resume_refuses_another_sweeps_document)
{
    vs_sweep *a = new_sweep(2, "aaaa"), *b = new_sweep(2, "bbbb");
    record(a, 0, 0);
    json_t *doc = vs_sweep_document(a, false);
    char why[VS_ERROR_MAX];
    cr_assert_eq(vs_sweep_resume(b, doc, why), -1);
    cr_assert(strstr(why, "another sweep"), "%s", why);
    json_t *junk = json_pack("{s:i}", "x", 1);
    cr_assert_eq(vs_sweep_resume(b, junk, why), -1);
    json_decref(junk);
    json_decref(doc);
    vs_sweep_free(a);
    vs_sweep_free(b);
}

Test(sweep, more_reps_on_resume_keep_the_old_ones)
{
    vs_sweep *two = new_sweep(2, "f1"), *four = new_sweep(4, "f1");
    for (size_t p = 0; p < 6; p++)
        for (unsigned r = 0; r < 2; r++)
            record(two, p, r);
    json_t *doc = vs_sweep_document(two, true);
    char why[VS_ERROR_MAX];
    cr_assert_eq(vs_sweep_resume(four, doc, why), 12);
    cr_assert(vs_sweep_has(four, 5, 1) && !vs_sweep_has(four, 5, 2));
    json_decref(doc);
    vs_sweep_free(two);
    vs_sweep_free(four);
}

Test(sweep, worst_exit_code_wins_failure_over_bad_input_over_breach)
{
    vs_sweep *sw = new_sweep(1, "f1");
    cr_assert_eq(vs_sweep_exit(sw), 0);
    json_t *breach = json_pack("{s:i}", "exit", 3),
           *bad = json_pack("{s:i, s:s}", "exit", 2, "error", "x"),
           *died = json_pack("{s:i, s:s}", "exit", 1, "error", "signal");
    vs_sweep_record(sw, 0, 0, breach);
    cr_assert_eq(vs_sweep_exit(sw), 3);
    vs_sweep_record(sw, 1, 0, bad);
    cr_assert_eq(vs_sweep_exit(sw), 2);
    vs_sweep_record(sw, 2, 0, died);
    cr_assert_eq(vs_sweep_exit(sw), 1);
    json_decref(breach);
    json_decref(bad);
    json_decref(died);
    vs_sweep_free(sw);
}
