/*
 * failalloc.c: the allocation-failure sweep's hook (tests/e2e/alloc_failure.sh), built
 * only with -DVSWITCHSIM_FAILALLOC=ON. The program is linked with --wrap for each
 * allocator below, so every call the simulator's own code makes (the executable and
 * the static libraries in sim/) lands here, and so do jansson's, which main routes
 * through the program's own malloc (vs_json_alloc_install). With
 * VSWITCHSIM_FAIL_ALLOC_AT=N set, the N-th call fails, as jansson's test_chaos.c and
 * SQLite's malloc tests do; the rest go through. With
 * VSWITCHSIM_FAIL_ALLOC_LOG=FILE set, the number of calls made is written to FILE at
 * exit, so the sweep knows where to end.
 *
 * Not counted, because they do not call through the program's references: plugins'
 * own allocations (they are the callout's), and what libc, libdl and libevent allocate
 * inside themselves (fopen's buffer, open_memstream's, dlopen, event_base_new).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Globals, unlike all simulator state: malloc's signature has no handle to carry a
 * counter, and the count is the whole process's. Set once before main; the sweep's
 * scenarios run single-threaded, and a race here would only move which call fails. */
static uint64_t fail_at; /* 0: never fail */
static uint64_t calls;
static const char *log_path;

/* True for the call that is to fail. */
static bool fail_now(void)
{
    if (++calls != fail_at)
        return false;
    errno = ENOMEM;
    return true;
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

/* At exit (not after a crash, which the sweep sees anyway): how many calls were made. */
static void write_log(void)
{
    FILE *f = fopen(log_path, "w");
    if (!f)
        return;
    fprintf(f, "%llu\n", (unsigned long long)calls);
    fclose(f);
}

/* Before main: read N. */
__attribute__((constructor)) static void vs_failalloc_init(void)
{
    const char *at = getenv("VSWITCHSIM_FAIL_ALLOC_AT");
    if (at && *at)
        fail_at = strtoull(at, NULL, 10);
    log_path = getenv("VSWITCHSIM_FAIL_ALLOC_LOG");
    if (log_path && *log_path)
        atexit(write_log);
}
