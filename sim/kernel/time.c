/*
 * time.c: the kernel's clocks on virtual time. "Now" is the running code's: the time of
 * the event that runs it plus what it has charged so far, so that code which stalls
 * (KeStallExecutionProcessor) or is charged sees time pass, as it would on a CPU.
 * System time counts 100 ns units since 1601 from kernel.system_time_start; interrupt
 * time, ticks and the performance counter (10 MHz) count from the start of the run.
 */
#include "kernel/kernel-int.h"

/* The performance counter's frequency: 10 MHz, as on Windows 10 and later x64 hosts. */
#define QPC_FREQUENCY 10000000LL

static vs_time_t now_ns(void)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (k)
        return vs_kernel_now(k);
    vs_sim *sim = vs_kernel_bound_sim();
    return sim ? vs_sim_now(sim) : 0;
}

static int64_t system_start(void)
{
    vs_sim *sim = vs_kernel_bound_sim();
    return sim ? sim->cfg->kernel.system_time_start : 0;
}

/* .../wdm/nf-wdm-kequerysystemtime-r1 */
void KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = system_start() + (LONGLONG)(now_ns() / 100);
}

/* .../wdm/nf-wdm-kequerysystemtimeprecise: the same clock, unrounded to the tick here too. */
void KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    KeQuerySystemTime(CurrentTime);
}

/* .../wdm/nf-wdm-kequeryinterrupttime: 100 ns units since the start. */
ULONGLONG KeQueryInterruptTime(void)
{
    return now_ns() / 100;
}

/* .../wdm/nf-wdm-kequeryinterrupttimeprecise: QpcTimeStamp is the counter's value. */
ULONGLONG KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp)
{
    vs_time_t t = now_ns();
    if (QpcTimeStamp)
        *QpcTimeStamp = t / 100;
    return t / 100;
}

/* .../wdm/nf-wdm-kequeryperformancecounter: 10 MHz, so one count is 100 ns. */
LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    if (PerformanceFrequency)
        PerformanceFrequency->QuadPart = QPC_FREQUENCY;
    return (LARGE_INTEGER){.QuadPart = (LONGLONG)(now_ns() / 100)};
}

/* .../wdm/nf-wdm-kequerytimeincrement: the clock tick in 100 ns units
 * (kernel.timer_resolution; at least 1, for a resolution of 0). */
ULONG KeQueryTimeIncrement(void)
{
    vs_sim *sim = vs_kernel_bound_sim();
    vs_time_t res = sim ? sim->cfg->kernel.timer_resolution : 156250 * 100;
    return res / 100 ? (ULONG)(res / 100) : 1;
}

/* .../wdm/nf-wdm-kequerytickcount: ticks since the start. */
void KeQueryTickCount(PLARGE_INTEGER CurrentCount)
{
    CurrentCount->QuadPart = (LONGLONG)(now_ns() / 100 / KeQueryTimeIncrement());
}

/* .../wdm/nf-wdm-kestallexecutionprocessor: a busy wait, so its time is CPU the running
 * code uses: charged. */
void KeStallExecutionProcessor(ULONG MicroSeconds)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (k)
        vs_sim_charge(k->sim, instance, (vs_time_t)MicroSeconds * 1000);
}

/* .../ndis/nf-ndis-ndisgetcurrentsystemtime */
void NdisGetCurrentSystemTime(PLARGE_INTEGER SystemTime)
{
    KeQuerySystemTime(SystemTime);
}
