/*
 * event.c: events and waits. A wait never blocks the simulation: nothing else runs
 * while the waiting code does (activities do not interleave), so an object not
 * signalled at the wait stays so. A finite timeout is charged to the waiting code and
 * returns STATUS_TIMEOUT; no timeout can never be satisfied (wait_never_satisfied,
 * then STATUS_TIMEOUT so that the run goes on).
 */
#include "kernel/kernel-int.h"

/* Dispatcher object types: events are 0 and 1, timers 8 and 9 (synchronization ones
 * odd: a satisfied wait resets them). */
#define SYNCHRONIZATION_TYPE(t) ((t) == SynchronizationEvent || (t) == 9)

/* .../wdm/nf-wdm-keinitializeevent */
void KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    *Event = (KEVENT){0};
    Event->Header.Type = (UCHAR)Type;
    Event->Header.Size = sizeof(KEVENT) / sizeof(LONG);
    Event->Header.SignalState = State ? 1 : 0;
    InitializeListHead(&Event->Header.WaitListHead);
}

static void check(const char *fn, KIRQL max)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (k)
        vs_kirql_check(k, instance, fn, max);
}

/* .../wdm/nf-wdm-kesetevent: the previous state; IRQL <= DISPATCH_LEVEL. */
LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    (void)Increment;
    (void)Wait;
    check("KeSetEvent", DISPATCH_LEVEL);
    return __atomic_exchange_n(&Event->Header.SignalState, 1, __ATOMIC_SEQ_CST);
}

/* .../wdm/nf-wdm-keclearevent */
void KeClearEvent(PRKEVENT Event)
{
    check("KeClearEvent", DISPATCH_LEVEL);
    __atomic_store_n(&Event->Header.SignalState, 0, __ATOMIC_SEQ_CST);
}

/* .../wdm/nf-wdm-keresetevent: the previous state. */
LONG KeResetEvent(PRKEVENT Event)
{
    check("KeResetEvent", DISPATCH_LEVEL);
    return __atomic_exchange_n(&Event->Header.SignalState, 0, __ATOMIC_SEQ_CST);
}

/* .../wdm/nf-wdm-kereadstateevent */
LONG KeReadStateEvent(PRKEVENT Event)
{
    return __atomic_load_n(&Event->Header.SignalState, __ATOMIC_SEQ_CST);
}

/* Charges a relative or absolute interval (100 ns units, as Timeout) to the running
 * code. */
static void charge_interval(vs_kernel *k, uint32_t instance, LONGLONG t)
{
    vs_time_t ns = 0;
    if (t < 0) {
        vs_time_t rel = (vs_time_t)(-(t + 1)) + 1;
        ns = rel > VS_TIME_MAX / 100 ? VS_TIME_MAX : rel * 100;
    } else {
        LARGE_INTEGER now;
        KeQuerySystemTime(&now);
        ns = t > now.QuadPart ? (vs_time_t)(t - now.QuadPart) * 100 : 0;
    }
    vs_sim_charge(k->sim, instance, ns);
}

/* .../wdm/nf-wdm-kewaitforsingleobject: IRQL <= DISPATCH_LEVEL with a zero timeout,
 * else <= APC_LEVEL. */
NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    DISPATCHER_HEADER *h = Object;
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    bool zero = Timeout && Timeout->QuadPart == 0;
    if (k)
        vs_kirql_check(k, instance, "KeWaitForSingleObject", zero ? DISPATCH_LEVEL : APC_LEVEL);
    if (__atomic_load_n(&h->SignalState, __ATOMIC_SEQ_CST) > 0) {
        if (SYNCHRONIZATION_TYPE(h->Type))
            __atomic_store_n(&h->SignalState, 0, __ATOMIC_SEQ_CST);
        return STATUS_SUCCESS;
    }
    if (zero || !k)
        return STATUS_TIMEOUT;
    if (Timeout) {
        charge_interval(k, instance, Timeout->QuadPart);
        return STATUS_TIMEOUT;
    }
    vs_sim_violation(k->sim, VS_RULE_WAIT_NEVER_SATISFIED, instance,
                     "KeWaitForSingleObject(%p) with no timeout in %s: the object is not "
                     "signalled, and nothing can signal it while this code runs",
                     Object, k->sim->activity.what);
    return STATUS_TIMEOUT;
}

/* .../wdm/nf-wdm-kedelayexecutionthread: IRQL <= APC_LEVEL. The interval is charged
 * (the thread would sleep; here it holds the simulated CPU, the conservative reading:
 * nothing else of the driver's runs meanwhile either way). */
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                PLARGE_INTEGER Interval)
{
    (void)WaitMode;
    (void)Alertable;
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || !Interval)
        return STATUS_SUCCESS;
    vs_kirql_check(k, instance, "KeDelayExecutionThread", APC_LEVEL);
    charge_interval(k, instance, Interval->QuadPart);
    return STATUS_SUCCESS;
}
