/* wdk_lock_recursion: a DPC acquires a spin lock it already holds (a deadlock on
 * Windows), then releases it once.
 * Expected result: lock_recursion once per host. */
#include "wdk_fixture.h"

static KSPIN_LOCK Lock;

static void TakeTwice(void)
{
    KeAcquireSpinLockAtDpcLevel(&Lock);
    KeAcquireSpinLockAtDpcLevel(&Lock); /* bug */
    KeReleaseSpinLockFromDpcLevel(&Lock);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    KeInitializeSpinLock(&Lock);
    return FixtureQueueDpc(TakeTwice);
}
