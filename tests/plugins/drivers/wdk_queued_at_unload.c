/* wdk_queued_at_unload: DriverEntry sets a timer an hour ahead, and DriverUnload does
 * not cancel it.
 * Expected result: queued_at_unload once per host. */
#include "wdk_fixture.h"

static KTIMER Timer;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    LARGE_INTEGER due;
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload; /* bug: KeCancelTimer missing */
    KeInitializeTimer(&Timer);
    due.QuadPart = -36000000000LL; /* 1 hour */
    KeSetTimer(&Timer, due, NULL);
    return STATUS_SUCCESS;
}
