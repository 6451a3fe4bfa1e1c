/*
 * test-procs.c: jobs in child processes: results come back tagged, a job the scenario
 * refuses comes back as exit 2 with the loader's message, slots bound what runs at once,
 * and killing what runs leaves nothing behind.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sweep/exec.h"
#include "sweep/procs.h"

static char scenario[4096];
static vs_scenario_options opts;

static void setup(void)
{
    const char *src = getenv("VSWITCHSIM_SOURCE_DIR");
    cr_assert(src, "run through ctest");
    snprintf(scenario, sizeof scenario, "%s/tests/e2e/scenarios/plan-constant.json", src);
    static const char *dirs[2];
    dirs[0] = getenv("VSWITCHSIM_PLUGIN_DIR");
    opts = (vs_scenario_options){.plugin_path = dirs};
}

static json_t *job(const char *key, json_t *value, long long seed)
{
    /* clang-format off */
    return json_pack("{s:[[s,o]], s:I, s:[s]}", "set", key, value, "seed", seed, "metrics",
                     "latency_us.slot_wait.max");
    /* clang-format on */
}

TestSuite(procs, .init = setup);

/* The next finished job's result (a new reference), and its tag. */
static json_t *next_result(vs_procs *p, size_t *tag)
{
    char err[VS_ERROR_MAX];
    json_t *res = NULL;
    int rc;
    while ((rc = vs_procs_wait(p, 1000, tag, &res, err)) == 0)
        ;
    cr_assert_eq(rc, 1, "%s", err);
    return res;
}

Test(procs, results_come_back_with_their_tags)
{
    vs_job_base base = {scenario, &opts, 0};
    vs_procs *p = vs_procs_new(2);
    char err[VS_ERROR_MAX];
    json_t *a = job("topology.vms_per_host", json_integer(10), 1);
    json_t *b = job("topology.vms_per_host", json_integer(11), 1);
    cr_assert_eq(vs_procs_start(p, &base, a, 7, err), 0, "%s", err);
    cr_assert_eq(vs_procs_start(p, &base, b, 9, err), 0, "%s", err);
    cr_assert(vs_procs_full(p));
    double got[16] = {0};
    for (int i = 0; i < 2; i++) {
        size_t tag;
        json_t *res = next_result(p, &tag);
        cr_assert(tag == 7 || tag == 9);
        got[tag] = json_number_value(json_array_get(json_object_get(res, "values"), 0));
        /* V = 11 breaks the scenario's SLO (slot_wait.max < 4.5 s): exit 3 */
        cr_assert_eq(json_integer_value(json_object_get(res, "exit")), tag == 7 ? 0 : 3);
        json_decref(res);
    }
    cr_assert_eq(got[7], 4004008); /* (ceil(10/2) - 1) * 1.001002 s, in us */
    cr_assert_eq(got[9], 5005010);
    cr_assert_eq(vs_procs_busy(p), 0);
    json_decref(a);
    json_decref(b);
    vs_procs_free(p);
}

Test(procs, a_value_the_scenario_refuses_is_exit_2_with_the_loaders_message)
{
    vs_job_base base = {scenario, &opts, 0};
    vs_procs *p = vs_procs_new(1);
    char err[VS_ERROR_MAX];
    json_t *bad = job("topology.hosts", json_integer(1), 1);
    cr_assert_eq(vs_procs_start(p, &base, bad, 0, err), 0);
    size_t tag;
    json_t *res = next_result(p, &tag);
    cr_assert_eq(json_integer_value(json_object_get(res, "exit")), 2);
    cr_assert(strstr(json_string_value(json_object_get(res, "error")), "$.topology.hosts"), "%s",
              json_string_value(json_object_get(res, "error")));
    json_decref(res);
    json_decref(bad);
    vs_procs_free(p);
}

Test(procs, kill_all_reaps_a_long_job)
{
    vs_job_base base = {scenario, &opts, 0};
    vs_procs *p = vs_procs_new(1);
    char err[VS_ERROR_MAX];
    /* 100000 VMs drained 2 at a time: hours of simulated time, far more than this test */
    json_t *slow = job("topology.vms_per_host", json_integer(100000), 1);
    cr_assert_eq(vs_procs_start(p, &base, slow, 0, err), 0);
    size_t tag;
    json_t *res = NULL;
    cr_assert_eq(vs_procs_wait(p, 50, &tag, &res, err), 0, "finished already?");
    vs_procs_kill_all(p);
    cr_assert_eq(vs_procs_busy(p), 0);
    cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child is left"); /* ECHILD */
    json_decref(slow);
    vs_procs_free(p);
}

typedef struct batch {
    int seen[6];
    double wait[6];
} batch;

static void on_done(void *ctx, size_t index, const json_t *result)
{
    batch *b = ctx;
    cr_assert_lt(index, 6);
    b->seen[index]++;
    b->wait[index] = json_number_value(json_array_get(json_object_get(result, "values"), 0));
}

Test(procs, local_exec_runs_a_batch_and_reports_each_job_once_by_index)
{
    vs_job_base base = {scenario, &opts, 0};
    vs_exec *ex = vs_exec_local(3);
    json_t *jobs[6];
    for (int i = 0; i < 6; i++) /* V = 12, 10, ..., 2: the longest first */
        jobs[i] = job("topology.vms_per_host", json_integer(12 - 2 * i), 1);
    batch b = {{0}, {0}};
    char err[VS_ERROR_MAX];
    vs_jobs all = vs_jobs_of_array(jobs, 6);
    cr_assert_eq(ex->run(ex, &base, &all, on_done, &b, NULL, err), 0, "%s", err);
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(b.seen[i], 1);
        /* V = 12 - 2i VMs, two at a time: the last waits (V/2 - 1) * 1001002 us */
        cr_assert_eq(b.wait[i], (double)((12 - 2 * i) / 2 - 1) * 1001002, "job %d: %g", i,
                     b.wait[i]);
        json_decref(jobs[i]);
    }
    ex->free(ex);
}

Test(procs, a_raised_stop_flag_ends_the_batch_early)
{
    vs_job_base base = {scenario, &opts, 0};
    vs_exec *ex = vs_exec_local(1);
    json_t *jobs[1] = {job("topology.vms_per_host", json_integer(4), 1)};
    volatile sig_atomic_t stop = 1;
    batch b = {{0}, {0}};
    char err[VS_ERROR_MAX];
    vs_jobs all = vs_jobs_of_array(jobs, 1);
    cr_assert_eq(ex->run(ex, &base, &all, on_done, &b, &stop, err), 1);
    cr_assert_eq(b.seen[0], 0);
    json_decref(jobs[0]);
    ex->free(ex);
}
