/* wdk_bad_irql_change: DriverEntry "lowers" its IRQL from PASSIVE_LEVEL to
 * DISPATCH_LEVEL.
 * Expected result: bad_irql_change once per host. */
#include "wdk_fixture.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    KeLowerIrql(DISPATCH_LEVEL); /* bug: above the current IRQL */
    return STATUS_SUCCESS;
}
