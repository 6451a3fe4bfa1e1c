/*
 * test-kernel.c: the kernel services of WDK drivers (sim/kernel) on virtual time, on a
 * one-host simulation with one instance whose host table is the plugin layer's: timers
 * (rounded to the resolution, periodic, cancelled), DPCs after the queueing code's cost,
 * work items at PASSIVE_LEVEL, events and waits, the clocks, pool through the tagged
 * allocator, DbgPrint's Windows formats, BCryptGenRandom, the inline helpers of the
 * headers, DriverEntry and DriverUnload, every rule, and the table of exports against
 * the headers.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bcrypt.h>

#include "kernel/exports.h"
#include "kernel/kernel-int.h"
#include "plugin/instance.h"

#define MS 1000000ull
#define US 1000ull
#define START_1601 132000000000000000LL /* a system time in 2019 */

static vs_plugin_spec spec = {"drv", "none.so", "{}"};
static vs_config cfg;
static vs_sim *sim;
static vs_plugin_instance pi;

static void make(vs_time_t resolution)
{
    cfg = (vs_config){.name = "kernel-test",
                      .seed = 7,
                      .topology = {1, 1, 1, 1, 1},
                      .plugins = &spec,
                      .nplugins = 1,
                      .metrics.histogram_rel_error = 0.01};
    cfg.kernel.callback_irql = DISPATCH_LEVEL;
    cfg.kernel.timer_resolution = resolution;
    cfg.kernel.dpc_delay = 0;
    cfg.kernel.work_item_delay = 20 * US;
    cfg.kernel.system_time_start = START_1601;
    sim = vs_sim_new(&cfg);
    cr_assert_not_null(sim);
    pi = (vs_plugin_instance){.sim = sim, .index = 0};
    sim->instances[0].owner = &pi;
    vs_host_table_init(&pi, "drv", 0, 1);
    sim->kernel = vs_kernel_new(sim);
    cr_assert_not_null(sim->kernel);
    vs_kernel_bind(sim);
}

static void setup(void)
{
    make(15625 * US);
}

static void teardown(void)
{
    vs_kernel_free(sim->kernel);
    sim->kernel = NULL;
    vs_host_release_blocks(&pi);
    free(pi.tags);
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
}

TestSuite(kernel, .init = setup, .fini = teardown);

/* Driver code at `what` (a vSwitch callback when callback is set). */
static void begin(const char *what, bool callback)
{
    vs_sim_activity_begin(sim, 0, what);
    sim->activity.callback = callback;
}

static vs_time_t end(void)
{
    return vs_sim_activity_end(sim);
}

static uint64_t count(vs_rule rule)
{
    return sim->stats.violations.by_rule[rule];
}

static void run(void)
{
    vs_engine_run(sim->engine, VS_TIME_MAX);
}

static void run_until(vs_time_t t)
{
    vs_engine_run(sim->engine, t);
}

/* ---- What deferred routines saw ---------------------------------------------------- */

typedef struct seen {
    int runs;
    vs_time_t at[16];
    KIRQL irql[16];
    const char *what[16];
    PKTIMER cancel_after_3; /* a periodic timer cancelled by its third run */
} seen;

static void record(seen *s)
{
    if (s->runs < 16) {
        s->at[s->runs] = vs_sim_now(sim);
        s->irql[s->runs] = KeGetCurrentIrql();
        s->what[s->runs] = sim->activity.what;
    }
    s->runs++;
}

static void dpc_routine(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    (void)dpc, (void)a1, (void)a2;
    seen *s = ctx;
    record(s);
    if (s->cancel_after_3 && s->runs == 3)
        cr_assert(KeCancelTimer(s->cancel_after_3));
}

static LARGE_INTEGER rel(vs_time_t ns)
{
    return (LARGE_INTEGER){.QuadPart = -(LONGLONG)(ns / 100)};
}

/* ---- Timers ------------------------------------------------------------------------ */

Test(kernel, timer_fires_at_its_due_time_rounded_up_to_the_resolution)
{
    KTIMER t;
    KDPC d;
    seen s = {0};
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("routine", false);
    cr_assert_not(KeSetTimer(&t, rel(10 * MS), &d));
    cr_assert_not(KeReadStateTimer(&t));
    end();
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 15625 * US, "fired at %llu", (unsigned long long)s.at[0]);
    cr_assert_eq(s.irql[0], DISPATCH_LEVEL);
    cr_assert_str_eq(s.what[0], "timer");
    cr_assert(KeReadStateTimer(&t));
    cr_assert_eq(sim->stats.violations.total, 0);
}

Test(kernel, timer_with_resolution_0_fires_exactly)
{
    teardown(); /* again with a resolution of 0 */
    make(0);
    KTIMER t;
    KDPC d;
    seen s = {0};
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("routine", false);
    vs_sim_charge(sim, 0, 300 * US); /* relative to the code's own time */
    KeSetTimer(&t, rel(10 * MS), &d);
    end();
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 10 * MS + 300 * US);
}

Test(kernel, absolute_due_time_is_system_time)
{
    KTIMER t;
    KDPC d;
    seen s = {0};
    KeInitializeTimerEx(&t, SynchronizationTimer);
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("routine", false);
    LARGE_INTEGER due = {.QuadPart = START_1601 + (LONGLONG)(10 * 15625 * US / 100)};
    KeSetTimer(&t, due, &d);
    end();
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 10 * 15625 * US);
}

Test(kernel, periodic_timer_fires_every_period_until_cancelled)
{
    teardown(); /* again with a resolution of 0 */
    make(0);
    KTIMER t;
    KDPC d;
    seen s = {.cancel_after_3 = &t};
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("routine", false);
    KeSetTimerEx(&t, rel(1 * MS), 5, &d);
    end();
    run();
    cr_assert_eq(s.runs, 3);
    cr_assert_eq(s.at[0], 1 * MS);
    cr_assert_eq(s.at[1], 6 * MS);
    cr_assert_eq(s.at[2], 11 * MS);
    cr_assert_eq(vs_engine_pending(sim->engine), 0);
}

Test(kernel, periodic_timer_rounds_each_expiry)
{
    KTIMER t;
    KDPC d;
    seen s = {0};
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("routine", false);
    KeSetTimerEx(&t, rel(1 * MS), 20, &d);
    end();
    run_until(50 * MS);
    cr_assert_eq(s.runs, 2); /* 15.625, 46.875 (35.625 rounded up); 78.125 is later */
    cr_assert_eq(s.at[0], 15625 * US);
    cr_assert_eq(s.at[1], 3 * 15625 * US);
    begin("routine", false);
    cr_assert(KeCancelTimer(&t));
    end();
}

Test(kernel, cancelled_or_reset_timer_does_not_fire_twice)
{
    KTIMER t;
    KDPC d;
    seen s = {0};
    KeInitializeTimer(&t);
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("routine", false);
    cr_assert_not(KeSetTimer(&t, rel(1 * MS), &d));
    cr_assert(KeSetTimer(&t, rel(40 * MS), &d)); /* was set: re-set */
    end();
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 3 * 15625 * US);
    begin("routine", false);
    KeSetTimer(&t, rel(1 * MS), &d);
    cr_assert(KeCancelTimer(&t));
    cr_assert_not(KeCancelTimer(&t));
    end();
    run();
    cr_assert_eq(s.runs, 1);
}

/* ---- DPCs --------------------------------------------------------------------------- */

Test(kernel, dpc_runs_after_the_callback_that_queued_it_and_its_cost)
{
    KDPC d;
    seen s = {0};
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("save", true);
    cr_assert_eq(KeGetCurrentIrql(), DISPATCH_LEVEL);
    vs_sim_charge(sim, 0, 2 * MS);
    cr_assert(KeInsertQueueDpc(&d, NULL, NULL));
    cr_assert_not(KeInsertQueueDpc(&d, NULL, NULL), "queued twice");
    vs_sim_charge(sim, 0, 1 * MS);
    cr_assert_eq(end(), 3 * MS);
    cr_assert_eq(s.runs, 0);
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 3 * MS, "queued at DISPATCH: it waits for the callback's whole cost");
    cr_assert_eq(s.irql[0], DISPATCH_LEVEL);
    cr_assert_str_eq(s.what[0], "dpc");
    cr_assert_null(d.DpcData);
}

Test(kernel, dpc_queued_at_passive_runs_after_the_cost_so_far)
{
    KDPC d;
    seen s = {0};
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("DriverEntry", false);
    vs_sim_charge(sim, 0, 2 * MS);
    cr_assert(KeInsertQueueDpc(&d, NULL, NULL));
    vs_sim_charge(sim, 0, 5 * MS);
    end();
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 2 * MS);
}

Test(kernel, dpc_queued_under_a_raised_irql_runs_when_it_is_lowered)
{
    KDPC d;
    seen s = {0};
    KIRQL old;
    KeInitializeDpc(&d, dpc_routine, &s);
    begin("DriverEntry", false);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    cr_assert(KeInsertQueueDpc(&d, NULL, NULL));
    vs_sim_charge(sim, 0, 1 * MS);
    KeLowerIrql(old);
    vs_sim_charge(sim, 0, 4 * MS);
    end();
    run();
    cr_assert_eq(s.runs, 1);
    cr_assert_eq(s.at[0], 1 * MS);
}

Test(kernel, removed_dpc_does_not_run)
{
    KDPC d;
    seen s = {0};
    KeInitializeThreadedDpc(&d, dpc_routine, &s);
    begin("save", true);
    KeInsertQueueDpc(&d, NULL, NULL);
    cr_assert(KeRemoveQueueDpc(&d));
    cr_assert_not(KeRemoveQueueDpc(&d));
    end();
    run();
    cr_assert_eq(s.runs, 0);
}

/* ---- Work items ----------------------------------------------------------------------- */

static void work_routine(PDEVICE_OBJECT dev, PVOID ctx)
{
    (void)dev;
    record(ctx);
}

static void work_routine_ex(PVOID obj, PVOID ctx, PIO_WORKITEM item)
{
    (void)obj;
    record(ctx);
    IoFreeWorkItem(item); /* freeing its own item as it runs is the usual pattern */
}

static void ndis_work(PVOID ctx, NDIS_HANDLE item)
{
    record(ctx);
    NdisFreeIoWorkItem(item);
}

Test(kernel, work_item_runs_at_passive_after_the_delay)
{
    seen s = {0};
    begin("save", true);
    vs_sim_charge(sim, 0, 100 * US);
    PIO_WORKITEM w = IoAllocateWorkItem((PDEVICE_OBJECT)&s);
    cr_assert_not_null(w);
    IoQueueWorkItemEx(w, work_routine_ex, DelayedWorkQueue, &s);
    NDIS_HANDLE n = NdisAllocateIoWorkItem(NULL);
    NdisQueueIoWorkItem(n, ndis_work, &s);
    end();
    run();
    cr_assert_eq(s.runs, 2);
    cr_assert_eq(s.at[0], 120 * US);
    cr_assert_eq(s.irql[0], PASSIVE_LEVEL);
    cr_assert_str_eq(s.what[0], "work item");
    cr_assert_eq(sim->stats.violations.total, 0, "%s", sim->stats.violations.kept[0].detail);
    cr_assert_null(vs_kdriver_peek(sim->kernel, 0)->records);
}

Test(kernel, rule_work_item_freed_while_queued)
{
    seen s = {0};
    begin("save", true);
    PIO_WORKITEM w = IoAllocateWorkItem(NULL);
    IoQueueWorkItem(w, work_routine, DelayedWorkQueue, &s);
    IoFreeWorkItem(w);
    end();
    run();
    cr_assert_eq(s.runs, 0);
    cr_assert_eq(count(VS_RULE_WORK_ITEM_FREED_WHILE_QUEUED), 1);
}

/* ---- Events and waits ---------------------------------------------------------------- */

Test(kernel, events_and_waits)
{
    KEVENT n, sy;
    KeInitializeEvent(&n, NotificationEvent, FALSE);
    KeInitializeEvent(&sy, SynchronizationEvent, TRUE);
    LARGE_INTEGER zero = {.QuadPart = 0}, ten_ms = {.QuadPart = -100000};
    begin("entry", false);
    cr_assert_eq(KeWaitForSingleObject(&n, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    cr_assert_eq(KeSetEvent(&n, IO_NO_INCREMENT, FALSE), 0);
    cr_assert_eq(KeReadStateEvent(&n), 1);
    cr_assert_eq(KeWaitForSingleObject(&n, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    cr_assert_eq(KeReadStateEvent(&n), 1, "a notification event stays signalled");
    cr_assert_eq(KeResetEvent(&n), 1);
    KeClearEvent(&n);
    cr_assert_eq(KeWaitForSingleObject(&sy, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    cr_assert_eq(KeReadStateEvent(&sy), 0, "a synchronization event is consumed");
    cr_assert_eq(KeWaitForSingleObject(&sy, Executive, KernelMode, FALSE, &ten_ms), STATUS_TIMEOUT);
    LARGE_INTEGER delay = {.QuadPart = -50000};
    KeDelayExecutionThread(KernelMode, FALSE, &delay);
    cr_assert_eq(end(), 15 * MS, "the timeout and the delay are charged");
    cr_assert_eq(sim->stats.violations.total, 0);
}

Test(kernel, rule_wait_never_satisfied)
{
    KEVENT e;
    KeInitializeEvent(&e, SynchronizationEvent, FALSE);
    begin("entry", false);
    cr_assert_eq(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, NULL), STATUS_TIMEOUT);
    end();
    cr_assert_eq(count(VS_RULE_WAIT_NEVER_SATISFIED), 1);
}

Test(kernel, rule_irql_too_high_for_a_wait_with_a_timeout)
{
    KEVENT e;
    KeInitializeEvent(&e, NotificationEvent, TRUE);
    LARGE_INTEGER zero = {.QuadPart = 0}, t = {.QuadPart = -10};
    begin("save", true);
    KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &zero);
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 0, "a zero timeout is allowed at DISPATCH");
    KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 1);
}

/* ---- Time ----------------------------------------------------------------------------- */

static void query_clocks(vs_engine *eng, void *ctx, uint64_t arg)
{
    (void)eng, (void)arg;
    LONGLONG *v = ctx;
    begin("routine", false);
    LARGE_INTEGER st, tc, freq;
    KeQuerySystemTime(&st);
    v[0] = st.QuadPart;
    v[1] = (LONGLONG)KeQueryInterruptTime();
    v[2] = KeQueryPerformanceCounter(&freq).QuadPart;
    v[3] = freq.QuadPart;
    KeQueryTickCount(&tc);
    v[4] = tc.QuadPart;
    v[5] = KeQueryTimeIncrement();
    KeStallExecutionProcessor(5);
    v[6] = (LONGLONG)KeQueryInterruptTimePrecise(NULL);
    NdisGetCurrentSystemTime(&st);
    v[7] = st.QuadPart;
    v[8] = (LONGLONG)end();
}

Test(kernel, clocks_on_virtual_time)
{
    LONGLONG v[9] = {0};
    vs_engine_schedule(sim->engine, 1000 * MS, query_clocks, v, 0);
    run();
    cr_assert_eq(v[0], START_1601 + 10000000);
    cr_assert_eq(v[1], 10000000);
    cr_assert_eq(v[2], 10000000);
    cr_assert_eq(v[3], 10000000);
    cr_assert_eq(v[4], 64); /* 1 s / 15.625 ms */
    cr_assert_eq(v[5], 156250);
    cr_assert_eq(v[6], 10000050, "the stall moved the code's clock by 5 us");
    cr_assert_eq(v[7], START_1601 + 10000050);
    cr_assert_eq(v[8], 5 * US);
}

/* ---- Pool ---------------------------------------------------------------------------- */

#define TAG 0x74736554u /* 'tseT' */

Test(kernel, pool_goes_through_the_tagged_allocator)
{
    begin("entry", false);
    unsigned char *p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 100, TAG);
    cr_assert_not_null(p);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(p[i], 0);
    cr_assert_eq(sim->stats.plugins[0].mem_bytes, 100);
    cr_assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x10000, 8, TAG), "unknown flag");
    cr_assert_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 8, TAG), "two types");
    cr_assert_null(ExAllocatePool2(0, 8, TAG), "no type");
    cr_assert_not_null(ExAllocatePool2(POOL_FLAG_NON_PAGED | (1ull << 40), 8, TAG) ?: (void *)1);
    ExFreePool(p); /* tag 0: not checked */
    void *q = ExAllocatePoolWithTag(NonPagedPoolNx, 10, TAG);
    ExFreePoolWithTag(q, 0x78787878u);
    void *n = NdisAllocateMemoryWithTagPriority(NULL, 12, TAG, NormalPoolPriority);
    NdisFreeMemory(n, 12, 0);
    void *z = ExAllocatePoolZero(PagedPool, 12, TAG);
    ExFreePoolWithTag(z, TAG);
    void *u = ExAllocatePoolUninitialized(NonPagedPool, 12, TAG);
    NdisFreeMemoryWithTagPriority(NULL, u, TAG);
    end();
    cr_assert_eq(count(VS_RULE_FREE_TAG_MISMATCH), 1);
    cr_assert_eq(count(VS_RULE_PAGED_POOL_AT_DISPATCH), 0);
    cr_assert_eq(sim->stats.plugins[0].mem_bytes, 8, "the one unchecked allocation above");
}

Test(kernel, rule_paged_pool_at_dispatch)
{
    begin("entry", false);
    void *p = ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG);
    end();
    begin("save", true);
    void *q = ExAllocatePool2(POOL_FLAG_PAGED, 16, TAG); /* at DISPATCH: 1 */
    ExFreePoolWithTag(p, TAG);                           /* freed at DISPATCH: 2 */
    ExFreePoolWithTag(q, TAG);                           /* 3 */
    void *r = ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, TAG);
    ExFreePoolWithTag(r, TAG);
    end();
    cr_assert_eq(count(VS_RULE_PAGED_POOL_AT_DISPATCH), 3);
}

/* ---- Inline helpers of the headers ---------------------------------------------------- */

Test(kernel, interlocked_memory_and_lists)
{
    LONG v = 5;
    cr_assert_eq(InterlockedIncrement(&v), 6);
    cr_assert_eq(InterlockedDecrement(&v), 5);
    cr_assert_eq(InterlockedExchange(&v, 9), 5);
    cr_assert_eq(InterlockedCompareExchange(&v, 1, 9), 9);
    cr_assert_eq(v, 1);
    cr_assert_eq(InterlockedCompareExchange(&v, 7, 9), 1);
    cr_assert_eq(InterlockedExchangeAdd(&v, 3), 1);
    cr_assert_eq(InterlockedOr(&v, 8), 4);
    cr_assert_eq(v, 12);
    LONG64 w = 1;
    cr_assert_eq(InterlockedAdd64(&w, 1ll << 40), (1ll << 40) + 1);
    PVOID ptr = NULL;
    cr_assert_null(InterlockedCompareExchangePointer(&ptr, &v, NULL));
    cr_assert_eq(ptr, &v);
    char a[8] = "abcdefg", b[8];
    RtlCopyMemory(b, a, 8);
    cr_assert(RtlEqualMemory(a, b, 8));
    b[5] = 'X';
    cr_assert_eq(RtlCompareMemory(a, b, 8), 5);
    RtlZeroMemory(b, 8);
    RtlFillMemory(a, 3, 'z');
    cr_assert_eq(b[7], 0);
    cr_assert_eq(a[2], 'z');
    LIST_ENTRY head, e1, e2, e3;
    InitializeListHead(&head);
    cr_assert(IsListEmpty(&head));
    InsertTailList(&head, &e1);
    InsertTailList(&head, &e2);
    InsertHeadList(&head, &e3);
    cr_assert_eq(head.Flink, &e3);
    cr_assert_eq(RemoveHeadList(&head), &e3);
    cr_assert_eq(RemoveTailList(&head), &e2);
    cr_assert(RemoveEntryList(&e1));
    cr_assert(IsListEmpty(&head));
    SINGLE_LIST_ENTRY sh = {NULL}, s1;
    PushEntryList(&sh, &s1);
    cr_assert_eq(PopEntryList(&sh), &s1);
    cr_assert_null(PopEntryList(&sh));
}

Test(kernel, rtl_strings)
{
    UNICODE_STRING a, b;
    RtlInitUnicodeString(&a, u"Parameters");
    cr_assert_eq(a.Length, 20);
    cr_assert_eq(a.MaximumLength, 22);
    RtlInitUnicodeString(&b, u"PARAMETERS");
    cr_assert(RtlEqualUnicodeString(&a, &b, TRUE));
    cr_assert_not(RtlEqualUnicodeString(&a, &b, FALSE));
    cr_assert_gt(RtlCompareUnicodeString(&a, &b, FALSE), 0);
    WCHAR buf[12];
    UNICODE_STRING d = {0, sizeof buf, buf};
    RtlCopyUnicodeString(&d, &a);
    cr_assert(RtlEqualUnicodeString(&d, &a, FALSE));
    cr_assert_eq(RtlAppendUnicodeToString(&d, u"!"), STATUS_SUCCESS);
    cr_assert_eq(d.Length, 22);
    cr_assert_eq(RtlAppendUnicodeStringToString(&d, &a), STATUS_BUFFER_TOO_SMALL);
    cr_assert_eq(d.Length, 22);
    ANSI_STRING s;
    RtlInitAnsiString(&s, "abc");
    cr_assert_eq(s.Length, 3);
    cr_assert_eq(s.MaximumLength, 4);
    DECLARE_CONST_UNICODE_STRING(c, u"xy");
    cr_assert_eq(c.Length, 4);
}

/* ---- DbgPrint ------------------------------------------------------------------------ */

/* What f writes to stderr, with the simulation's log at debug. */
static char *capture_stderr(void (*f)(void))
{
    static char buf[4096];
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    f();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof buf - 1, tmp);
    buf[n] = 0;
    fclose(tmp);
    return buf;
}

static void print_formats(void)
{
    UNICODE_STRING u;
    RtlInitUnicodeString(&u, u"Caf\u00e9");
    begin("entry", false);
    DbgPrint("wZ=[%wZ] ws=[%ws] S=[%S] ls=[%-5ls] hs=[%hs]\n", &u, u"wide", u"big", u"l", "narrow");
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, "I64d=%I64d I64x=%I64x Iu=%Iu d=%5d%%",
               -5000000000LL, 0xabcdef012ULL, (size_t)7, 42);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_WARNING_LEVEL, "s=%s p=%.2f c=%c wc=%wc", "x", 1.5, 'q',
               (int)u'\u00e9');
    /* LLP64: %lu reads 32 bits, whatever the upper half of the argument's slot holds */
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, "lu=%lu lx=%lx", 0xFFFFFFFF00000001ULL,
               0xDEAD0000BEEFULL);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, 9, "hidden at the default verbosity");
    end();
}

Test(kernel, dbgprint_windows_formats)
{
    sim->verbosity = 2;
    char *out = capture_stderr(print_formats);
    cr_assert(strstr(out, "vswitchsim: [0.000000 s] drv@host0: info: wZ=[Caf\xc3\xa9] ws=[wide] "
                          "S=[big] ls=[l    ] hs=[narrow]\n"),
              "%s", out);
    cr_assert(strstr(out, "drv@host0: error: I64d=-5000000000 I64x=abcdef012 Iu=7 d=   42%\n"),
              "%s", out);
    cr_assert(strstr(out, "drv@host0: warning: s=x p=1.50 c=q wc=\xc3\xa9\n"), "%s", out);
    cr_assert(strstr(out, "drv@host0: error: lu=1 lx=beef\n"), "%s", out);
    cr_assert_null(strstr(out, "hidden"), "%s", out);
    cr_assert_eq(sim->stats.violations.total, 0);
}

static void print_wide_at_dispatch(void)
{
    begin("dpc", false);
    DbgPrint("%d\n", 1); /* fine at any IRQL */
    DbgPrint("%ws\n", u"x");
    end();
}

Test(kernel, rule_irql_too_high_for_unicode_formats)
{
    capture_stderr(print_wide_at_dispatch);
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 1);
}

/* ---- BCryptGenRandom ---------------------------------------------------------------- */

Test(kernel, bcrypt_gen_random_is_the_instance_stream)
{
    vs_rng copy = sim->instances[0].rng;
    UCHAR b[12];
    begin("entry", false);
    cr_assert_eq(BCryptGenRandom(NULL, b, sizeof b, BCRYPT_USE_SYSTEM_PREFERRED_RNG),
                 STATUS_SUCCESS);
    cr_assert_eq(BCryptGenRandom(NULL, b, 4, 0), STATUS_INVALID_PARAMETER);
    cr_assert_eq(BCryptGenRandom((void *)1, b, 4, BCRYPT_USE_SYSTEM_PREFERRED_RNG),
                 STATUS_INVALID_HANDLE);
    end();
    uint64_t d0 = vs_rng_next(&copy), d1 = vs_rng_next(&copy);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(b[i], (UCHAR)(d0 >> (8 * i)));
    for (int i = 0; i < 4; i++)
        cr_assert_eq(b[8 + i], (UCHAR)(d1 >> (8 * i)));
    cr_assert_eq(vs_rng_next(&sim->instances[0].rng), vs_rng_next(&copy),
                 "the leftover 4 bytes are discarded");
}

Test(kernel, bcrypt_provider_opened_for_dispatch_draws_the_same_stream_at_dispatch)
{
    vs_rng copy = sim->instances[0].rng;
    BCRYPT_ALG_HANDLE rng = NULL;
    UCHAR b[8];
    begin("DriverEntry", false);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&rng, u"RNG", NULL, BCRYPT_PROV_DISPATCH),
                 STATUS_SUCCESS);
    end();
    begin("save", true);
    cr_assert_eq(BCryptGenRandom(rng, b, sizeof b, 0), STATUS_SUCCESS);
    end();
    uint64_t d0 = vs_rng_next(&copy);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(b[i], (UCHAR)(d0 >> (8 * i)));
    begin("unload", false);
    cr_assert_eq(BCryptCloseAlgorithmProvider(rng, 0), STATUS_SUCCESS);
    cr_assert_eq(BCryptCloseAlgorithmProvider(rng, 0), STATUS_INVALID_HANDLE);
    cr_assert_eq(BCryptGenRandom(rng, b, sizeof b, 0), STATUS_INVALID_HANDLE, "closed");
    end();
    cr_assert_eq(sim->stats.violations.total, 0, "%s", sim->stats.violations.kept[0].detail);
}

Test(kernel, bcrypt_open_refuses_what_is_not_an_rng)
{
    BCRYPT_ALG_HANDLE h = NULL;
    begin("DriverEntry", false);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&h, u"AES", NULL, 0), STATUS_NOT_FOUND);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&h, u"RNG", u"Other Provider", 0), STATUS_NOT_FOUND);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&h, u"RNG", NULL, 0x8), STATUS_INVALID_PARAMETER);
    cr_assert_eq(BCryptOpenAlgorithmProvider(NULL, u"RNG", NULL, 0), STATUS_INVALID_PARAMETER);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&h, u"RNG", u"Microsoft Primitive Provider", 0),
                 STATUS_SUCCESS);
    cr_assert_eq(BCryptGenRandom(h, NULL, 0, BCRYPT_USE_SYSTEM_PREFERRED_RNG),
                 STATUS_INVALID_HANDLE, "a handle with the preferred RNG");
    cr_assert_eq(BCryptCloseAlgorithmProvider(h, 0), STATUS_SUCCESS);
    end();
}

Test(kernel, rule_irql_too_high_for_passive_only_random_numbers)
{
    BCRYPT_ALG_HANDLE passive_only = NULL;
    UCHAR b[4];
    begin("DriverEntry", false);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&passive_only, u"RNG", NULL, 0), STATUS_SUCCESS);
    cr_assert_eq(BCryptGenRandom(passive_only, b, sizeof b, 0), STATUS_SUCCESS);
    cr_assert_eq(BCryptGenRandom(NULL, b, sizeof b, BCRYPT_USE_SYSTEM_PREFERRED_RNG),
                 STATUS_SUCCESS);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 0, "both are fine at PASSIVE_LEVEL");
    begin("save", true);
    BCRYPT_ALG_HANDLE h = NULL;
    cr_assert_eq(BCryptGenRandom(passive_only, b, sizeof b, 0), STATUS_SUCCESS);
    cr_assert_eq(BCryptGenRandom(NULL, b, sizeof b, BCRYPT_USE_SYSTEM_PREFERRED_RNG),
                 STATUS_SUCCESS);
    cr_assert_eq(BCryptOpenAlgorithmProvider(&h, u"RNG", NULL, BCRYPT_PROV_DISPATCH),
                 STATUS_SUCCESS);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 3, "two draws and the open at DISPATCH_LEVEL");
    vs_kernel_driver_unload(sim->kernel, 0);
    cr_assert_eq(count(VS_RULE_LEAKED_HANDLE), 2, "both providers left open");
}

/* ---- IRQL and spin locks ------------------------------------------------------------- */

Test(kernel, irql_starts_where_each_kind_of_code_runs)
{
    static const struct {
        const char *what;
        bool callback;
        KIRQL irql;
    } cases[] = {{"save", true, DISPATCH_LEVEL},        {"entry", false, PASSIVE_LEVEL},
                 {"DriverEntry", false, PASSIVE_LEVEL}, {"dpc", false, DISPATCH_LEVEL},
                 {"timer", false, DISPATCH_LEVEL},      {"routine", false, DISPATCH_LEVEL},
                 {"work item", false, PASSIVE_LEVEL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        begin(cases[i].what, cases[i].callback);
        cr_assert_eq(KeGetCurrentIrql(), cases[i].irql, "%s", cases[i].what);
        end();
    }
    cr_assert_eq(KeGetCurrentIrql(), PASSIVE_LEVEL, "outside driver code");
}

Test(kernel, spin_locks_raise_and_restore)
{
    KSPIN_LOCK l;
    KeInitializeSpinLock(&l);
    KLOCK_QUEUE_HANDLE h;
    EX_SPIN_LOCK ex = 0;
    NDIS_SPIN_LOCK n;
    NdisAllocateSpinLock(&n);
    begin("entry", false);
    KIRQL old;
    KeAcquireSpinLock(&l, &old);
    cr_assert_eq(old, PASSIVE_LEVEL);
    cr_assert_eq(KeGetCurrentIrql(), DISPATCH_LEVEL);
    cr_assert_not(KeTestSpinLock(&l));
    KeReleaseSpinLock(&l, old);
    cr_assert(KeTestSpinLock(&l));
    cr_assert_eq(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeAcquireInStackQueuedSpinLock(&l, &h);
    KeReleaseInStackQueuedSpinLock(&h);
    KIRQL o1 = ExAcquireSpinLockShared(&ex);
    ExReleaseSpinLockShared(&ex, o1);
    o1 = ExAcquireSpinLockExclusive(&ex);
    ExReleaseSpinLockExclusive(&ex, o1);
    NdisAcquireSpinLock(&n);
    NdisReleaseSpinLock(&n);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    cr_assert(KeTryToAcquireSpinLockAtDpcLevel(&l));
    cr_assert_not(KeTryToAcquireSpinLockAtDpcLevel(&l));
    KeReleaseSpinLockFromDpcLevel(&l);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&l, &h);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&h);
    ExAcquireSpinLockSharedAtDpcLevel(&ex);
    ExAcquireSpinLockSharedAtDpcLevel(&ex); /* two readers */
    ExReleaseSpinLockSharedFromDpcLevel(&ex);
    ExReleaseSpinLockSharedFromDpcLevel(&ex);
    ExAcquireSpinLockExclusiveAtDpcLevel(&ex);
    ExReleaseSpinLockExclusiveFromDpcLevel(&ex);
    NdisDprAcquireSpinLock(&n);
    NdisDprReleaseSpinLock(&n);
    KeLowerIrql(old);
    cr_assert_eq(KeRaiseIrqlToDpcLevel(), PASSIVE_LEVEL);
    KeLowerIrql(PASSIVE_LEVEL);
    end();
    cr_assert_eq(sim->stats.violations.total, 0, "%s", sim->stats.violations.kept[0].detail);
    cr_assert_eq(l, 0);
    cr_assert_eq(ex, 0);
}

static KSPIN_LOCK shared_lock;
static long shared_counter;

static void *hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++) {
        KIRQL old;
        KeAcquireSpinLock(&shared_lock, &old);
        cr_assert_eq(old, PASSIVE_LEVEL);
        shared_counter++;
        KeReleaseSpinLock(&shared_lock, old);
    }
    return NULL;
}

Test(kernel, spin_locks_exclude_on_threads_with_no_simulation)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, hammer, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    cr_assert_eq(shared_counter, 200000);
}

Test(kernel, rule_lock_held_at_return)
{
    KSPIN_LOCK l = 0;
    begin("save", true);
    KeAcquireSpinLockAtDpcLevel(&l);
    end();
    cr_assert_eq(count(VS_RULE_LOCK_HELD_AT_RETURN), 1);
    cr_assert_eq(l, 0, "released so that the run goes on");
    cr_assert_eq(count(VS_RULE_IRQL_NOT_RESTORED), 0);
}

Test(kernel, rule_lock_irql_mismatch)
{
    KSPIN_LOCK l = 0;
    begin("entry", false);
    KeAcquireSpinLockAtDpcLevel(&l);
    KeReleaseSpinLockFromDpcLevel(&l);
    end();
    cr_assert_eq(count(VS_RULE_LOCK_IRQL_MISMATCH), 2);
}

Test(kernel, rule_lock_recursion)
{
    KSPIN_LOCK l = 0;
    begin("save", true);
    KeAcquireSpinLockAtDpcLevel(&l);
    KeAcquireSpinLockAtDpcLevel(&l); /* would deadlock on Windows */
    KeReleaseSpinLockFromDpcLevel(&l);
    end();
    cr_assert_eq(count(VS_RULE_LOCK_RECURSION), 1);
    cr_assert_eq(count(VS_RULE_LOCK_HELD_AT_RETURN), 0);
    l = 1; /* left held by code outside any activity */
    begin("save", true);
    KeAcquireSpinLockAtDpcLevel(&l);
    KeReleaseSpinLockFromDpcLevel(&l);
    end();
    cr_assert_eq(count(VS_RULE_LOCK_RECURSION), 2);
}

Test(kernel, rule_lock_not_held)
{
    KSPIN_LOCK l = 0;
    begin("entry", false);
    KeReleaseSpinLock(&l, PASSIVE_LEVEL);
    end();
    cr_assert_eq(count(VS_RULE_LOCK_NOT_HELD), 1);
}

Test(kernel, rule_irql_not_restored)
{
    begin("entry", false);
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_NOT_RESTORED), 1);
    begin("entry", false);
    cr_assert_eq(KeGetCurrentIrql(), PASSIVE_LEVEL, "the next code starts afresh");
    end();
}

Test(kernel, rule_bad_irql_change)
{
    begin("save", true);
    KIRQL old;
    KeRaiseIrql(PASSIVE_LEVEL, &old);
    KeLowerIrql(HIGH_LEVEL);
    end();
    cr_assert_eq(count(VS_RULE_BAD_IRQL_CHANGE), 2);
    cr_assert_eq(count(VS_RULE_IRQL_NOT_RESTORED), 0);
}

Test(kernel, rule_irql_too_high)
{
    PDEVICE_OBJECT dev;
    begin("save", true);
    IoCreateDevice(&vs_kdriver_of(sim->kernel, 0)->object, 0, NULL, FILE_DEVICE_NETWORK, 0, FALSE,
                   &dev);
    KeFlushQueuedDpcs();
    VswitchsimPagedCode("f");
    IoDeleteDevice(dev);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 4);
}

/* ---- DriverEntry, DriverUnload, handles ------------------------------------------------- */

static KDPC unload_dpc;
static KTIMER unload_timer;
static PDEVICE_OBJECT device;
static HANDLE engine;
static int unloaded;
static seen entry_seen;

static void driver_unload(PDRIVER_OBJECT drv)
{
    (void)drv;
    unloaded++;
    record(&entry_seen);
}

static NTSTATUS driver_entry(void *object, void *path)
{
    PDRIVER_OBJECT drv = object;
    PUNICODE_STRING rp = path;
    record(&entry_seen);
    cr_assert_eq(drv->Type, 4);
    cr_assert_eq(drv->Size, sizeof(DRIVER_OBJECT));
    cr_assert_eq(drv->DriverExtension->DriverObject, drv);
    UNICODE_STRING want;
    RtlInitUnicodeString(&want, u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\drv");
    cr_assert(RtlEqualUnicodeString(rp, &want, FALSE));
    RtlInitUnicodeString(&want, u"\\Driver\\drv");
    cr_assert(RtlEqualUnicodeString(&drv->DriverName, &want, FALSE));
    RtlInitUnicodeString(&want, u"drv");
    cr_assert(RtlEqualUnicodeString(&drv->DriverExtension->ServiceKeyName, &want, FALSE));
    drv->DriverUnload = driver_unload;
    cr_assert_eq(IoCreateDevice(drv, 40, NULL, FILE_DEVICE_NETWORK, 0, FALSE, &device),
                 STATUS_SUCCESS);
    cr_assert_eq(drv->DeviceObject, device);
    for (int i = 0; i < 40; i++)
        cr_assert_eq(((unsigned char *)device->DeviceExtension)[i], 0);
    cr_assert_eq(FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, &engine), STATUS_SUCCESS);
    cr_assert_eq(FwpmEngineOpen0(NULL, 3, NULL, NULL, &(HANDLE){0}), STATUS_INVALID_PARAMETER);
    KeInitializeDpc(&unload_dpc, dpc_routine, &entry_seen);
    KeInsertQueueDpc(&unload_dpc, NULL, NULL);
    KeInitializeTimer(&unload_timer);
    KeSetTimer(&unload_timer, rel(1000 * MS), NULL);
    return STATUS_SUCCESS;
}

static char ignored[VS_ERROR_MAX];

Test(kernel, driver_entry_and_a_clean_unload)
{
    cr_assert_eq(vs_kernel_driver_entry(sim->kernel, 0, driver_entry, "drv", "{}", ignored),
                 STATUS_SUCCESS);
    cr_assert_eq(entry_seen.irql[0], PASSIVE_LEVEL);
    cr_assert_str_eq(entry_seen.what[0], "DriverEntry");
    run_until(1 * MS); /* the DPC runs */
    cr_assert_eq(entry_seen.runs, 2);
    begin("unload", false);
    cr_assert(KeCancelTimer(&unload_timer));
    cr_assert_eq(FwpmEngineClose0(engine), STATUS_SUCCESS);
    cr_assert_eq(FwpmEngineClose0(engine), STATUS_INVALID_HANDLE);
    IoDeleteDevice(device);
    end();
    vs_kernel_driver_unload(sim->kernel, 0);
    cr_assert_eq(unloaded, 1);
    cr_assert_eq(entry_seen.irql[2], PASSIVE_LEVEL);
    cr_assert_eq(sim->stats.violations.total, 0, "%s", sim->stats.violations.kept[0].detail);
}

Test(kernel, rule_queued_at_unload_and_leaked_handle)
{
    vs_kernel_driver_entry(sim->kernel, 0, driver_entry, "drv", "{}", ignored);
    begin("entry", false);
    PIO_WORKITEM w = IoAllocateWorkItem(device);
    IoQueueWorkItem(w, work_routine, DelayedWorkQueue, &entry_seen);
    end();
    vs_kernel_driver_unload(sim->kernel, 0);
    cr_assert_eq(count(VS_RULE_QUEUED_AT_UNLOAD), 3, "the DPC, the timer, the work item");
    cr_assert_eq(count(VS_RULE_LEAKED_HANDLE), 3, "the device, the session, the work item");
    cr_assert_null(vs_kdriver_peek(sim->kernel, 0)->records);
    sim->instances[0].unloaded = true;
    run();
    cr_assert_eq(entry_seen.runs, 2, "nothing ran after the unload");
    cr_assert_eq(vs_engine_pending(sim->engine), 0);
}

Test(kernel, driver_subscribing_above_passive_is_irql_too_high)
{
    vs_kernel_driver_entry(sim->kernel, 0, driver_entry, "drv", "{}", ignored);
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table = {0};
    UINT32 id;
    GUID g = {1, 0, 0, {0}};
    begin("dpc", false);
    cr_assert_eq(FwpsvSwitchEventsSubscribe0(&g, NULL, 0, NULL, &table, &id),
                 STATUS_INVALID_DEVICE_STATE);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 1);
    begin("save", true); /* in a callback: the model's rule, once */
    FwpsvSwitchEventsSubscribe0(&g, NULL, 0, NULL, &table, &id);
    end();
    cr_assert_eq(count(VS_RULE_IRQL_TOO_HIGH), 1);
    cr_assert_eq(count(VS_RULE_SUBSCRIBE_IN_CALLBACK), 1);
    vs_kernel_driver_unload(sim->kernel, 0);
}

static NTSTATUS failing_entry(void *object, void *path)
{
    (void)path;
    ((PDRIVER_OBJECT)object)->DriverUnload = driver_unload;
    FwpmEngineOpen0(NULL, RPC_C_AUTHN_DEFAULT, NULL, NULL, &engine);
    return STATUS_INSUFFICIENT_RESOURCES;
}

Test(kernel, failed_driver_entry_is_not_unloaded_but_its_leaks_are_reported)
{
    cr_assert_eq(vs_kernel_driver_entry(sim->kernel, 0, failing_entry, "drv", "{}", ignored),
                 STATUS_INSUFFICIENT_RESOURCES);
    vs_kernel_driver_unload(sim->kernel, 0);
    cr_assert_eq(unloaded, 0);
    cr_assert_eq(count(VS_RULE_LEAKED_HANDLE), 1);
}

/* An assertion or a bug check stops the host's kernel: abort(), which the crash guard
 * reports by the callout's name (unit.guard covers SIGABRT). */
Test(kernel, assertion_failure_aborts, .signal = SIGABRT)
{
    begin("save", true);
    VswitchsimAssertFailed("x != 0", "drv.c", 12);
}

Test(kernel, bug_check_aborts, .signal = SIGABRT)
{
    begin("dpc", false);
    KeBugCheckEx(0xD1, 1, 2, 3, 4);
}

/* ---- The exports table against the headers ------------------------------------------- */

/* registry.c's functions, helper L's: their rows come with that file. */
static const char *const pending_rows[] = {"ZwClose", "ZwOpenKey", "ZwQueryValueKey"};

static bool pending(const char *name)
{
    for (size_t i = 0; i < sizeof pending_rows / sizeof pending_rows[0]; i++)
        if (strcmp(name, pending_rows[i]) == 0)
            return true;
    return false;
}

/* Every `VSWITCHSIM_KAPI <type> <Name>(` (and VSWITCHSIM_EXPORT) of one header. */
static int check_header(const char *dir, const char *file)
{
    char path[1024], line[1024];
    snprintf(path, sizeof path, "%s/sim/include/vswitchsim/wdk/%s", dir, file);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VSWITCHSIM_KAPI ", 16) && strncmp(line, "VSWITCHSIM_EXPORT ", 18))
            continue;
        char *paren = strchr(line, '(');
        if (!paren)
            continue; /* DriverEntry: the driver's, not the simulator's */
        char *name = paren;
        while (name > line && (name[-1] == '_' || isalnum((unsigned char)name[-1])))
            name--;
        *paren = 0;
        found++;
        if (!pending(name))
            cr_expect(vs_kernel_exports_has(name), "%s (%s) is not in vs_kernel_exports", name,
                      file);
    }
    fclose(f);
    return found;
}

Test(kernel, every_header_function_is_exported)
{
    const char *dir = getenv("VSWITCHSIM_SOURCE_DIR");
    cr_assert_not_null(dir, "VSWITCHSIM_SOURCE_DIR is not set (run through ctest)");
    static const char *const headers[] = {"wdm.h",   "ndis.h",  "fwpmk.h", "bcrypt.h",
                                          "fwpsk.h", "ntddk.h", "ntdef.h"};
    int total = 0;
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        total += check_header(dir, headers[i]);
    cr_assert_geq(total, 80);
    size_t n;
    const vs_export *e = vs_kernel_exports(&n);
    for (size_t i = 1; i < n; i++)
        cr_assert_lt(strcmp(e[i - 1].name, e[i].name), 0, "not sorted at %s", e[i].name);
}

/* ---- The broken fixture drivers (tests/plugins/drivers), each on one host ----------- */

static void run_driver(const char *rule, uint64_t want)
{
    char path[1024];
    const char *dir = getenv("VSWITCHSIM_TEST_PLUGIN_DIR");
    cr_assert_not_null(dir, "VSWITCHSIM_TEST_PLUGIN_DIR is not set (run through ctest)");
    snprintf(path, sizeof path, "%s/wdk_%s.so", dir, rule);
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(dl, "%s", dlerror());
    vs_driver_entry_fn entry = (vs_driver_entry_fn)dlsym(dl, "DriverEntry");
    cr_assert_not_null(entry, "%s: no DriverEntry", rule);
    vs_kernel_driver_entry(sim->kernel, 0, entry, "drv", "{}", ignored);
    run_until(1000 * MS);
    vs_kernel_driver_unload(sim->kernel, 0);
    sim->instances[0].unloaded = true;
    int r = vs_rule_lookup(rule);
    cr_assert_geq(r, 0, "%s is not a rule", rule);
    cr_expect_eq(count((vs_rule)r), want, "%s: %llu, want %llu", rule,
                 (unsigned long long)count((vs_rule)r), (unsigned long long)want);
    cr_expect_eq(sim->stats.violations.total, want, "%s: other rules fired too: %s", rule,
                 sim->stats.violations.kept[0].detail);
    dlclose(dl);
}

Test(kernel, driver_lock_held_at_return)
{
    run_driver("lock_held_at_return", 1);
}
Test(kernel, driver_lock_irql_mismatch)
{
    run_driver("lock_irql_mismatch", 2);
}
Test(kernel, driver_lock_recursion)
{
    run_driver("lock_recursion", 1);
}
Test(kernel, driver_lock_not_held)
{
    run_driver("lock_not_held", 1);
}
Test(kernel, driver_irql_not_restored)
{
    run_driver("irql_not_restored", 1);
}
Test(kernel, driver_irql_too_high)
{
    run_driver("irql_too_high", 1);
}
Test(kernel, driver_bad_irql_change)
{
    run_driver("bad_irql_change", 1);
}
Test(kernel, driver_paged_pool_at_dispatch)
{
    run_driver("paged_pool_at_dispatch", 2);
}
Test(kernel, driver_queued_at_unload)
{
    run_driver("queued_at_unload", 1);
}
Test(kernel, driver_work_item_freed_while_queued)
{
    run_driver("work_item_freed_while_queued", 1);
}
Test(kernel, driver_wait_never_satisfied)
{
    run_driver("wait_never_satisfied", 1);
}
Test(kernel, driver_leaked_handle)
{
    run_driver("leaked_handle", 1);
}

/* An instance's driver state (~440 bytes) is made when it is first used: an SDK
 * plugin's instances, most of a region's, never cost it. */
Test(kernel, driver_state_is_made_on_first_use)
{
    cr_assert_null(vs_kdriver_made(sim->kernel, 0), "nothing made at the start");
    cr_assert_not(vs_kdriver_peek(sim->kernel, 0)->is_driver, "an empty one to read");
    vs_kernel_driver_unload(sim->kernel, 0); /* nothing to unload, nothing made */
    cr_assert_null(vs_kdriver_made(sim->kernel, 0));
    vs_kernel_driver_entry(sim->kernel, 0, driver_entry, "drv", "{}", ignored);
    cr_assert_not_null(vs_kdriver_made(sim->kernel, 0));
    cr_assert(vs_kdriver_peek(sim->kernel, 0)->is_driver);
    vs_kernel_driver_unload(sim->kernel, 0);
}
