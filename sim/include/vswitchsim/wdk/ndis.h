/*
 * ndis.h: the NDIS types of the extensible switch (from <vswitchsim/fwps.h>) and the
 * NDIS services a callout driver uses: spin locks, memory and I/O work items, on the
 * same kernel services as wdm.h.
 */
#ifndef VSWITCHSIM_WDK_NDIS_H
#define VSWITCHSIM_WDK_NDIS_H

#include "wdm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef ULONG NDIS_OID, *PNDIS_OID;

/* ---- Spin locks (NDIS_SPIN_LOCK: a KSPIN_LOCK and the IRQL to go back to) ----------- */

typedef struct _NDIS_SPIN_LOCK {
    KSPIN_LOCK SpinLock;
    KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

FORCEINLINE void NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeInitializeSpinLock(&SpinLock->SpinLock);
}
FORCEINLINE void NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    UNREFERENCED_PARAMETER(SpinLock);
}
FORCEINLINE void NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    SpinLock->OldIrql = KeAcquireSpinLockRaiseToDpc(&SpinLock->SpinLock);
}
FORCEINLINE void NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeReleaseSpinLock(&SpinLock->SpinLock, SpinLock->OldIrql);
}
FORCEINLINE void NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeAcquireSpinLockAtDpcLevel(&SpinLock->SpinLock);
}
FORCEINLINE void NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock)
{
    KeReleaseSpinLockFromDpcLevel(&SpinLock->SpinLock);
}

/* ---- Memory ----------------------------------------------------------------------------- */

#define NdisZeroMemory(Destination, Length) RtlZeroMemory(Destination, Length)
#define NdisMoveMemory(Destination, Source, Length) RtlCopyMemory(Destination, Source, Length)
#define NdisEqualMemory(Source1, Source2, Length) RtlEqualMemory(Source1, Source2, Length)
#define NdisFillMemory(Destination, Length, Fill) RtlFillMemory(Destination, Length, Fill)

/* Non-paged, zeroed, tagged; the handle is not needed (any value, NULL included). */
VSWITCHSIM_KAPI PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length,
                                                        ULONG Tag, EX_POOL_PRIORITY Priority);
VSWITCHSIM_KAPI void NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress,
                                                   ULONG Tag);
VSWITCHSIM_KAPI void NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags);

VSWITCHSIM_KAPI void NdisGetCurrentSystemTime(PLARGE_INTEGER SystemTime);

/* ---- I/O work items (PASSIVE_LEVEL, like IoQueueWorkItem) ---------------------------------- *
 * NdisObjectHandle: any handle the driver has (a callout driver has no miniport or filter
 * handle; its DRIVER_OBJECT will do). */

typedef void NDIS_IO_WORKITEM_FUNCTION(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle);
typedef NDIS_IO_WORKITEM_FUNCTION *NDIS_IO_WORKITEM_ROUTINE;

VSWITCHSIM_KAPI NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle);
VSWITCHSIM_KAPI void NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle,
                                         NDIS_IO_WORKITEM_ROUTINE Routine,
                                         PVOID WorkItemContext);
VSWITCHSIM_KAPI void NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle);

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_WDK_NDIS_H */
