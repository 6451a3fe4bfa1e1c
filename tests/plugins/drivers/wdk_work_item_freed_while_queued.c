/* wdk_work_item_freed_while_queued: DriverEntry queues a work item and frees it at once.
 * Expected result: work_item_freed_while_queued once per host (its routine never runs). */
#include "wdk_fixture.h"

static IO_WORKITEM_ROUTINE Work;

static void Work(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, "work item ran: it was freed\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload;
    PIO_WORKITEM item = IoAllocateWorkItem((PDEVICE_OBJECT)DriverObject);
    if (item == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    IoQueueWorkItem(item, Work, DelayedWorkQueue, NULL);
    IoFreeWorkItem(item); /* bug: still queued */
    return STATUS_SUCCESS;
}
