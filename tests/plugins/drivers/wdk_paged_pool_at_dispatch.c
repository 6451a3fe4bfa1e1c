/* wdk_paged_pool_at_dispatch: a DPC allocates paged pool and frees it.
 * Expected result: paged_pool_at_dispatch twice per host (the allocation and the free). */
#include "wdk_fixture.h"

static void UsePagedPool(void)
{
    PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 64, FIXTURE_POOL_TAG); /* bug */
    if (p != NULL)
        ExFreePoolWithTag(p, FIXTURE_POOL_TAG); /* bug */
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    return FixtureQueueDpc(UsePagedPool);
}
