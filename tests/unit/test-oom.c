/*
 * test-oom.c: out of memory in the scenario loader and the engine, the way jansson's
 * test_chaos.c does it: fail the N-th allocation for N = 1, 2, ... until the operation
 * goes through. This test is linked with --wrap for each allocator (tests/CMakeLists.txt),
 * so its own calls and those of the static libraries land below; jansson's come through
 * vs_json_alloc_install. The whole program's sweep is tests/e2e/alloc_failure.sh.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "scenario/scenario.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_posix_memalign(void **p, size_t align, size_t size);

/* Globals: malloc's signature has no handle to carry them. Each Criterion test runs in
 * its own process, one thread. */
static unsigned long fail_at; /* 0: never */
static unsigned long calls;

static int fail_now(void)
{
    if (++calls != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *__wrap_malloc(size_t size)
{
    return fail_now() ? NULL : __real_malloc(size);
}
void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size)
{
    return fail_now() ? NULL : __real_realloc(p, size);
}
char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}
char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : __real_strndup(s, n);
}
int __wrap_posix_memalign(void **p, size_t align, size_t size)
{
    return fail_now() ? ENOMEM : __real_posix_memalign(p, align, size);
}

static const char SCENARIO[] =
    "{\"name\": \"oom\", \"seed\": 3,\n"
    " \"topology\": {\"hosts\": 3, \"vms_per_host\": 2, \"nics_per_vm\": 2},\n"
    " \"plugins\": [],\n"
    " \"migration\": {\"precopy\": {\"dist\": \"uniform\", \"min\": \"1ms\", \"max\": \"3ms\"}},\n"
    " \"workload\": {\"rate_per_s\": 10},\n"
    " \"run\": {\"duration\": \"1s\"},\n"
    " \"slo\": [\"latency_us.save.p99 < 5000\"]}";

/* Loads SCENARIO with its N-th allocation failing: 1 loaded (no allocation failed),
 * 0 refused with out of memory as it should be. */
static int load_failing_at(unsigned long n)
{
    static const vs_override set[] = {{"workload.rate_per_s", "20"}, {"run.drain", "\"1s\""}};
    vs_scenario_options opts = {.overrides = set, .noverrides = 2, .have_seed = 1, .seed = 9};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    calls = 0;
    fail_at = n;
    int rc = vs_scenario_load_text(SCENARIO, strlen(SCENARIO), "oom.json", ".", &opts, &cfg, err);
    fail_at = 0;
    if (rc == 0) {
        vs_config_close(&cfg);
        cr_assert_lt(calls, n, "N=%lu: a failed allocation went unnoticed", n);
        return 1;
    }
    cr_assert_eq(rc, VS_SCENARIO_OOM, "N=%lu: %d, %s", n, rc, err);
    cr_assert_str_eq(err, "oom.json: out of memory", "N=%lu", n);
    return 0;
}

Test(oom, scenario_load_says_out_of_memory_at_every_allocation)
{
    vs_json_alloc_install();
    unsigned long n = 1;
    while (!load_failing_at(n))
        n++;
    cr_assert_gt(n, 50, "only %lu allocations: is the wrap in place?", n);
}

/* The same through "extends": a base in a temp folder, the scenario in memory. */
static int load_extending_failing_at(const char *dir, unsigned long n)
{
    static const char text[] = "{\"extends\": \"base.json\", \"topology\": {\"hosts\": 4},\n"
                               " \"workload\": {\"type\": \"drain\", \"hosts\": [\"1..2\"], "
                               "\"rate_per_s\": null}, \"seed\": \"x\"}";
    static const vs_override set[] = {{"seed", "5"}};
    vs_scenario_options opts = {.overrides = set, .noverrides = 1};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    calls = 0;
    fail_at = n;
    int rc = vs_scenario_load_text(text, strlen(text), "oom.json", dir, &opts, &cfg, err);
    fail_at = 0;
    if (rc == 0) {
        vs_config_close(&cfg);
        cr_assert_lt(calls, n, "N=%lu: a failed allocation went unnoticed", n);
        return 1;
    }
    cr_assert_eq(rc, VS_SCENARIO_OOM, "N=%lu: %d, %s", n, rc, err);
    cr_assert_str_eq(err, "oom.json: out of memory", "N=%lu", n);
    return 0;
}

Test(oom, extends_says_out_of_memory_at_every_allocation)
{
    char dir[] = "/tmp/vs-oom-XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/base.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(SCENARIO, f);
    fclose(f);
    vs_json_alloc_install();
    unsigned long n = 1;
    while (!load_extending_failing_at(dir, n))
        n++;
    unlink(path);
    rmdir(dir);
    cr_assert_gt(n, 50, "only %lu allocations: is the wrap in place?", n);
}

static void count(vs_engine *eng, void *ctx, uint64_t arg)
{
    ++*(int *)ctx;
}

Test(oom, engine_schedule_out_of_memory_is_recorded_and_the_run_goes_on)
{
    vs_engine *eng = vs_engine_new(4);
    cr_assert_not_null(eng);
    int ran = 0;
    vs_event_id id = 1;
    for (int i = 0; id != 0 && i < 100000; i++) {
        fail_at = calls + 1; /* every allocation fails from here */
        id = vs_engine_schedule(eng, (vs_time_t)i, count, &ran, 0);
        fail_at = 0;
    }
    cr_assert_eq(id, 0, "the pool never had to grow");
    cr_assert(vs_engine_out_of_memory(eng));
    size_t pending = vs_engine_pending(eng);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), pending, "what was scheduled still runs");
    cr_assert_eq((size_t)ran, pending);
    cr_assert(vs_engine_out_of_memory(eng), "it stays recorded");
    vs_engine_free(eng);
}
