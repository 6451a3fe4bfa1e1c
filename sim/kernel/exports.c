/*
 * exports.c: the table of what the simulator exports to drivers (exports.h). Add a row
 * for every VSWITCHSIM_KAPI function; unit.kernel checks the table against the headers.
 */
#include "kernel/exports.h"

#include <stdlib.h>
#include <string.h>

#include <bcrypt.h>
#include <fwpmk.h>
#include <ndis.h>
#include <vswitchsim/fwps.h>
#include <wdm.h>

#define EXPORT(f)               \
    {                           \
#f, (void (*)(void))(f) \
    }

/* Sorted by name (strcmp), for bsearch. */
static const vs_export exports[] = {
    EXPORT(BCryptCloseAlgorithmProvider),
    EXPORT(BCryptGenRandom),
    EXPORT(BCryptOpenAlgorithmProvider),
    EXPORT(DbgPrint),
    EXPORT(DbgPrintEx),
    EXPORT(ExAcquireSpinLockExclusive),
    EXPORT(ExAcquireSpinLockExclusiveAtDpcLevel),
    EXPORT(ExAcquireSpinLockShared),
    EXPORT(ExAcquireSpinLockSharedAtDpcLevel),
    EXPORT(ExAllocatePool2),
    EXPORT(ExAllocatePoolUninitialized),
    EXPORT(ExAllocatePoolWithTag),
    EXPORT(ExAllocatePoolZero),
    EXPORT(ExFreePoolWithTag),
    EXPORT(ExReleaseSpinLockExclusive),
    EXPORT(ExReleaseSpinLockExclusiveFromDpcLevel),
    EXPORT(ExReleaseSpinLockShared),
    EXPORT(ExReleaseSpinLockSharedFromDpcLevel),
    EXPORT(FwpmEngineClose0),
    EXPORT(FwpmEngineOpen0),
    EXPORT(FwpsvSwitchEventsSubscribe0),
    EXPORT(FwpsvSwitchEventsUnsubscribe0),
    EXPORT(FwpsvSwitchNotifyComplete0),
    EXPORT(IoAllocateWorkItem),
    EXPORT(IoCreateDevice),
    EXPORT(IoDeleteDevice),
    EXPORT(IoFreeWorkItem),
    EXPORT(IoQueueWorkItem),
    EXPORT(IoQueueWorkItemEx),
    EXPORT(KeAcquireInStackQueuedSpinLock),
    EXPORT(KeAcquireInStackQueuedSpinLockAtDpcLevel),
    EXPORT(KeAcquireSpinLockAtDpcLevel),
    EXPORT(KeAcquireSpinLockRaiseToDpc),
    EXPORT(KeBugCheckEx),
    EXPORT(KeCancelTimer),
    EXPORT(KeClearEvent),
    EXPORT(KeDelayExecutionThread),
    EXPORT(KeFlushQueuedDpcs),
    EXPORT(KeGetCurrentIrql),
    EXPORT(KeInitializeDpc),
    EXPORT(KeInitializeEvent),
    EXPORT(KeInitializeThreadedDpc),
    EXPORT(KeInitializeTimer),
    EXPORT(KeInitializeTimerEx),
    EXPORT(KeInsertQueueDpc),
    EXPORT(KeLowerIrql),
    EXPORT(KeQueryInterruptTime),
    EXPORT(KeQueryInterruptTimePrecise),
    EXPORT(KeQueryPerformanceCounter),
    EXPORT(KeQuerySystemTime),
    EXPORT(KeQuerySystemTimePrecise),
    EXPORT(KeQueryTickCount),
    EXPORT(KeQueryTimeIncrement),
    EXPORT(KeRaiseIrqlToDpcLevel),
    EXPORT(KeReadStateEvent),
    EXPORT(KeReadStateTimer),
    EXPORT(KeReleaseInStackQueuedSpinLock),
    EXPORT(KeReleaseInStackQueuedSpinLockFromDpcLevel),
    EXPORT(KeReleaseSpinLock),
    EXPORT(KeReleaseSpinLockFromDpcLevel),
    EXPORT(KeRemoveQueueDpc),
    EXPORT(KeResetEvent),
    EXPORT(KeSetEvent),
    EXPORT(KeSetTimer),
    EXPORT(KeSetTimerEx),
    EXPORT(KeStallExecutionProcessor),
    EXPORT(KeTestSpinLock),
    EXPORT(KeTryToAcquireSpinLockAtDpcLevel),
    EXPORT(KeWaitForSingleObject),
    EXPORT(KfRaiseIrql),
    EXPORT(NdisAllocateIoWorkItem),
    EXPORT(NdisAllocateMemoryWithTagPriority),
    EXPORT(NdisFreeIoWorkItem),
    EXPORT(NdisFreeMemory),
    EXPORT(NdisFreeMemoryWithTagPriority),
    EXPORT(NdisGetCurrentSystemTime),
    EXPORT(NdisQueueIoWorkItem),
    EXPORT(RtlAppendUnicodeStringToString),
    EXPORT(RtlAppendUnicodeToString),
    EXPORT(RtlCompareUnicodeString),
    EXPORT(RtlCopyUnicodeString),
    EXPORT(RtlEqualUnicodeString),
    EXPORT(RtlInitAnsiString),
    EXPORT(RtlInitUnicodeString),
    EXPORT(VswitchsimAssertFailed),
    EXPORT(VswitchsimPagedCode),
    EXPORT(ZwClose),
    EXPORT(ZwOpenKey),
    EXPORT(ZwQueryValueKey),
    EXPORT(vDbgPrintEx),
};

const vs_export *vs_kernel_exports(size_t *count)
{
    *count = sizeof exports / sizeof exports[0];
    return exports;
}

static int by_name(const void *key, const void *e)
{
    return strcmp(key, ((const vs_export *)e)->name);
}

bool vs_kernel_exports_has(const char *name)
{
    return bsearch(name, exports, sizeof exports / sizeof exports[0], sizeof exports[0], by_name) !=
           NULL;
}
