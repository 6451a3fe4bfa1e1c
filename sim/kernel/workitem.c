/*
 * workitem.c: I/O work items (IoAllocateWorkItem, NdisAllocateIoWorkItem). A queued item
 * runs as an activity of its own ("work item") at PASSIVE_LEVEL, kernel.work_item_delay
 * after the queueing code's cost so far (a system worker thread picks it up). The
 * IO_WORKITEM is the simulator's record itself; freeing it while queued is reported
 * (work_item_freed_while_queued) and the queued run is dropped with it, so nothing
 * touches the freed item.
 */
#include "kernel/kernel-int.h"

static PIO_WORKITEM allocate(const char *fn, PVOID io_object)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return NULL;
    vs_kirql_check(k, instance, fn, DISPATCH_LEVEL);
    PIO_WORKITEM w = vs_krec_new(k, instance, VS_KREC_WORK, sizeof *w);
    if (w)
        w->io_object = io_object;
    return w;
}

/* .../wdm/nf-wdm-ioallocateworkitem: DeviceObject may be the driver's DRIVER_OBJECT too
 * (IoAllocateWorkItem's IoObject in the Ex form). IRQL <= DISPATCH_LEVEL. */
PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    return allocate("IoAllocateWorkItem", DeviceObject);
}

/* .../ndis/nf-ndis-ndisallocateioworkitem */
NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle)
{
    PIO_WORKITEM w = allocate("NdisAllocateIoWorkItem", NdisObjectHandle);
    if (w)
        w->ndis = true;
    return w;
}

static void on_work_item(vs_engine *eng, void *ctx, uint64_t arg)
{
    (void)eng;
    vs_kernel *k = ctx;
    PIO_WORKITEM w = (PIO_WORKITEM)(uintptr_t)arg;
    uint32_t instance = w->rec.instance;
    w->rec.event = 0;
    if (k->sim->instances[instance].unloaded)
        return;
    vs_sim_activity_begin(k->sim, instance, "work item");
    if (w->ndis_routine)
        w->ndis_routine(w->context, w);
    else if (w->routine_ex)
        w->routine_ex(w->io_object, w->context, w);
    else if (w->routine)
        w->routine(w->io_object, w->context);
    vs_sim_activity_end(k->sim);
}

/* The item, if it is a live one of the caller's; else NULL with an error line. */
static PIO_WORKITEM live(vs_kernel *k, uint32_t instance, PVOID item, const char *fn)
{
    if (item && vs_krec_live(k, instance, item, VS_KREC_WORK))
        return item;
    vs_sim_violation(k->sim, VS_RULE_BAD_FREE, instance,
                     "%s(%p): not a work item this driver allocated (or freed already)", fn, item);
    return NULL;
}

/* Queues it once: Windows' work item "must not be queued again until it has run"
 * (.../wdm/nf-wdm-ioqueueworkitem); a second queue while queued is ignored. */
static void queue(const char *fn, PVOID item, PIO_WORKITEM_ROUTINE routine,
                  PIO_WORKITEM_ROUTINE_EX routine_ex, NDIS_IO_WORKITEM_ROUTINE ndis_routine,
                  PVOID context)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return;
    vs_kirql_check(k, instance, fn, DISPATCH_LEVEL);
    PIO_WORKITEM w = live(k, instance, item, fn);
    if (!w || w->rec.event)
        return;
    w->routine = routine;
    w->routine_ex = routine_ex;
    w->ndis_routine = ndis_routine;
    w->context = context;
    vs_krec_schedule(k, &w->rec, k->sim->cfg->kernel.work_item_delay, on_work_item);
}

void IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                     WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    (void)QueueType;
    queue("IoQueueWorkItem", IoWorkItem, WorkerRoutine, NULL, NULL, Context);
}

/* .../wdm/nf-wdm-ioqueueworkitemex */
void IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                       WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    (void)QueueType;
    queue("IoQueueWorkItemEx", IoWorkItem, NULL, WorkerRoutine, NULL, Context);
}

/* .../ndis/nf-ndis-ndisqueueioworkitem */
void NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
                         PVOID WorkItemContext)
{
    queue("NdisQueueIoWorkItem", NdisIoWorkItemHandle, NULL, NULL, Routine, WorkItemContext);
}

static void release(const char *fn, PVOID item)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return;
    vs_kirql_check(k, instance, fn, DISPATCH_LEVEL);
    PIO_WORKITEM w = live(k, instance, item, fn);
    if (!w)
        return;
    if (w->rec.event)
        vs_sim_violation(k->sim, VS_RULE_WORK_ITEM_FREED_WHILE_QUEUED, instance,
                         "%s(%p) while it is queued: its routine would run on freed memory "
                         "(the queued run is dropped)",
                         fn, item);
    vs_krec_free(k, &w->rec);
}

/* .../wdm/nf-wdm-iofreeworkitem */
void IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    release("IoFreeWorkItem", IoWorkItem);
}

/* .../ndis/nf-ndis-ndisfreeioworkitem */
void NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle)
{
    release("NdisFreeIoWorkItem", NdisIoWorkItemHandle);
}
