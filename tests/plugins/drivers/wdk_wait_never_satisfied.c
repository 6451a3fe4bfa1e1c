/* wdk_wait_never_satisfied: DriverEntry waits with no timeout for an event nothing sets.
 * Expected result: wait_never_satisfied once per host. */
#include "wdk_fixture.h"

static KEVENT Ready;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    KeInitializeEvent(&Ready, NotificationEvent, FALSE);
    KeWaitForSingleObject(&Ready, Executive, KernelMode, FALSE, NULL); /* bug */
    return STATUS_SUCCESS;
}
