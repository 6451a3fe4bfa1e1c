/* wdk_lock_not_held: DriverEntry releases a spin lock it never acquired.
 * Expected result: lock_not_held once per host. */
#include "wdk_fixture.h"

static KSPIN_LOCK Lock;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    KeInitializeSpinLock(&Lock);
    KeReleaseSpinLock(&Lock, PASSIVE_LEVEL); /* bug */
    return STATUS_SUCCESS;
}
