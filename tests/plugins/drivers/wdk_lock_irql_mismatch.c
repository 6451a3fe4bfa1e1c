/* wdk_lock_irql_mismatch: DriverEntry (PASSIVE_LEVEL) uses the AtDpcLevel spin lock
 * routines, which need DISPATCH_LEVEL.
 * Expected result: lock_irql_mismatch twice per host (the acquire and the release). */
#include "wdk_fixture.h"

static KSPIN_LOCK Lock;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    KeInitializeSpinLock(&Lock);
    KeAcquireSpinLockAtDpcLevel(&Lock);   /* bug: at PASSIVE_LEVEL */
    KeReleaseSpinLockFromDpcLevel(&Lock); /* bug */
    return STATUS_SUCCESS;
}
