/* wdk_lock_held_at_return: a DPC takes a spin lock and returns holding it.
 * Expected result: lock_held_at_return once per host. */
#include "wdk_fixture.h"

static KSPIN_LOCK Lock;

static void TakeAndKeep(void)
{
    KeAcquireSpinLockAtDpcLevel(&Lock); /* bug: never released */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    KeInitializeSpinLock(&Lock);
    return FixtureQueueDpc(TakeAndKeep);
}
