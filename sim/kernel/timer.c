/*
 * timer.c: kernel timers (KTIMER) on virtual time. A set timer has a record of the
 * simulator's (KTIMER.TimerListEntry.Flink points at it) and one engine event; setting
 * it again or cancelling it cancels that event, so a stale expiry never runs. Expiries
 * round up to a multiple of kernel.timer_resolution of virtual time since the start, as
 * Windows' expire on a clock tick (learn.microsoft.com/windows-hardware/drivers/kernel/
 * timer-accuracy); the timer's DPC runs at the expiry, at DISPATCH_LEVEL, as activity
 * "timer".
 */
#include "kernel/kernel-int.h"

/* Dispatcher object types of timers (the Header.Type Windows gives them). */
#define TIMER_NOTIFICATION_OBJECT 8
#define TIMER_SYNCHRONIZATION_OBJECT 9

static vs_krec *record_of(PKTIMER t)
{
    return (vs_krec *)t->TimerListEntry.Flink;
}

/* .../wdm/nf-wdm-keinitializetimerex */
void KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    *Timer = (KTIMER){0};
    Timer->Header.Type = Type == SynchronizationTimer ? TIMER_SYNCHRONIZATION_OBJECT
                                                      : TIMER_NOTIFICATION_OBJECT;
    Timer->Header.Size = sizeof(KTIMER) / sizeof(LONG);
}

/* .../wdm/nf-wdm-keinitializetimer: a notification timer. */
void KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

static vs_time_t round_up(vs_time_t t, vs_time_t res)
{
    if (!res || t % res == 0)
        return t;
    vs_time_t up = t - t % res + res;
    return up < t ? VS_TIME_MAX : up;
}

/* DueTime < 0: relative, in 100 ns; > 0: absolute system time; 0: now. */
static vs_time_t expiry(vs_kernel *k, LONGLONG due)
{
    vs_time_t now = vs_kernel_now(k), t = now;
    if (due < 0) {
        vs_time_t rel = (vs_time_t)(-(due + 1)) + 1; /* no overflow at LLONG_MIN */
        t = rel > (VS_TIME_MAX - now) / 100 ? VS_TIME_MAX : now + rel * 100;
    } else if (due > 0) {
        LONGLONG start = k->sim->cfg->kernel.system_time_start;
        vs_time_t at = due > start ? (vs_time_t)(due - start) : 0;
        at = at > VS_TIME_MAX / 100 ? VS_TIME_MAX : at * 100;
        t = at > now ? at : now;
    }
    return round_up(t, k->sim->cfg->kernel.timer_resolution);
}

static void on_timer(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_kernel *k = ctx;
    vs_krec *r = (vs_krec *)(uintptr_t)arg;
    PKTIMER timer = r->object;
    uint32_t instance = r->instance;
    r->event = 0;
    if (k->sim->instances[instance].unloaded || record_of(timer) != r) {
        vs_krec_free(k, r);
        return;
    }
    timer->Header.SignalState = 1;
    PKDPC dpc = timer->Dpc;
    ULARGE_INTEGER due = timer->DueTime;
    if (r->period) { /* next expiry first: the DPC may cancel or set it again */
        r->due = round_up(r->due + r->period, k->sim->cfg->kernel.timer_resolution);
        r->event = vs_engine_schedule_at(eng, r->due, on_timer, k, arg);
        if (!r->event)
            vs_sim_out_of_memory(k->sim);
    } else {
        timer->TimerListEntry.Flink = NULL;
        vs_krec_free(k, r);
    }
    /* Windows queues the timer's DPC with the due time's halves as its arguments. */
    if (dpc)
        vs_kdpc_run(k, instance, dpc, (PVOID)(ULONG_PTR)due.LowPart, (PVOID)(ULONG_PTR)due.HighPart,
                    "timer");
}

/* .../wdm/nf-wdm-kesettimerex: TRUE when the timer was set already (it is set again);
 * Period in ms, 0 for a one-shot timer. IRQL <= DISPATCH_LEVEL. */
BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return FALSE;
    vs_kirql_check(k, instance, "KeSetTimer", DISPATCH_LEVEL);
    vs_krec *old = record_of(Timer);
    BOOLEAN was_set = old && vs_krec_live(k, instance, old, VS_KREC_TIMER);
    if (was_set)
        vs_krec_free(k, old);
    Timer->TimerListEntry.Flink = NULL;
    Timer->Header.SignalState = 0;
    Timer->Dpc = Dpc;
    Timer->Period = Period > 0 ? (ULONG)Period : 0;
    vs_krec *r = vs_krec_new(k, instance, VS_KREC_TIMER, sizeof *r);
    if (!r)
        return was_set;
    r->object = Timer;
    r->due = expiry(k, DueTime.QuadPart);
    r->period = (vs_time_t)Timer->Period * 1000000;
    Timer->DueTime.QuadPart = r->due / 100;
    vs_time_t now = vs_kernel_now(k);
    if (!vs_krec_schedule(k, r, r->due > now ? r->due - now : 0, on_timer)) {
        vs_krec_free(k, r);
        return was_set;
    }
    Timer->TimerListEntry.Flink = (PLIST_ENTRY)r;
    return was_set;
}

/* .../wdm/nf-wdm-kesettimer */
BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

/* .../wdm/nf-wdm-kecanceltimer: TRUE when it was set. */
BOOLEAN KeCancelTimer(PKTIMER Timer)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    vs_krec *r = record_of(Timer);
    if (!k || !r || !vs_krec_live(k, instance, r, VS_KREC_TIMER))
        return FALSE;
    vs_kirql_check(k, instance, "KeCancelTimer", DISPATCH_LEVEL);
    vs_krec_free(k, r);
    Timer->TimerListEntry.Flink = NULL;
    return TRUE;
}

/* .../wdm/nf-wdm-kereadstatetimer: signalled once it expired. */
BOOLEAN KeReadStateTimer(PKTIMER Timer)
{
    return Timer->Header.SignalState != 0;
}
