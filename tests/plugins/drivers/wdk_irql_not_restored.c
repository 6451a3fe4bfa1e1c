/* wdk_irql_not_restored: DriverEntry raises to DISPATCH_LEVEL and returns there.
 * Expected result: irql_not_restored once per host. */
#include "wdk_fixture.h"

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    (void)KeRaiseIrqlToDpcLevel(); /* bug: never lowered */
    return STATUS_SUCCESS;
}
