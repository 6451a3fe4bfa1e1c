/* wdk_irql_too_high: a DPC (DISPATCH_LEVEL) sleeps with KeDelayExecutionThread, which
 * may not be called at DISPATCH_LEVEL.
 * Expected result: irql_too_high once per host. */
#include "wdk_fixture.h"

static void Sleep(void)
{
    LARGE_INTEGER interval;
    interval.QuadPart = -10 * 1000;                       /* 1 ms */
    KeDelayExecutionThread(KernelMode, FALSE, &interval); /* bug */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    return FixtureQueueDpc(Sleep);
}
