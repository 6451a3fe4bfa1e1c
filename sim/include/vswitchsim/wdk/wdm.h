/*
 * wdm.h: the kernel services a callout driver calls, on the simulator's virtual time
 * (docs/wdk.md, installed as <prefix>/share/doc/vswitchsim/docs/wdk.md). Each is
 * exported by the vswitchsim program and resolved when the driver is loaded; each acts
 * for the simulated host whose code is running, and runs at the
 * IRQL Windows documents: DriverEntry, DriverUnload and work items at PASSIVE_LEVEL,
 * DPCs and timer DPCs at DISPATCH_LEVEL, vSwitch callbacks at kernel.callback_irql.
 * The verifier checks the IRQL rules of each routine's WDK page (docs/wdk.md, "The
 * verifier's IRQL rules").
 *
 * Opaque kernel objects (KDPC, KTIMER, KEVENT, KLOCK_QUEUE_HANDLE, DRIVER_OBJECT) keep
 * their Windows x64 sizes so that structures embedding them lay out as on Windows; their
 * fields are the simulator's and a driver must not touch them, as on Windows.
 */
#ifndef VSWITCHSIM_WDK_WDM_H
#define VSWITCHSIM_WDK_WDM_H

#include "ntdef.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VSWITCHSIM_KAPI VSWITCHSIM_EXPORT

/* ---- Build flavour: DBG=1 is a checked build (KdPrint, ASSERT, NT_ASSERT active) ----- */

#ifndef DBG
#define DBG 0
#endif

/* ---- IRQL (wdm.h, x64) ------------------------------------------------------------- */

typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

typedef CCHAR KPROCESSOR_MODE;
#define KernelMode 0
#define UserMode 1
typedef LONG KPRIORITY;
#define IO_NO_INCREMENT 0
#define IO_NETWORK_INCREMENT 2

VSWITCHSIM_KAPI KIRQL KeGetCurrentIrql(void);
VSWITCHSIM_KAPI KIRQL KfRaiseIrql(KIRQL NewIrql);
VSWITCHSIM_KAPI void KeLowerIrql(KIRQL NewIrql);
VSWITCHSIM_KAPI KIRQL KeRaiseIrqlToDpcLevel(void);
#define KeRaiseIrql(a, b) (*(b) = KfRaiseIrql(a))

/* ---- Spin locks ---------------------------------------------------------------------- */

typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

typedef struct _KSPIN_LOCK_QUEUE {
    struct _KSPIN_LOCK_QUEUE *volatile Next;
    PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

typedef struct _KLOCK_QUEUE_HANDLE {
    KSPIN_LOCK_QUEUE LockQueue;
    KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

FORCEINLINE void KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    *SpinLock = 0;
}

VSWITCHSIM_KAPI KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
VSWITCHSIM_KAPI void KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);
VSWITCHSIM_KAPI BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
VSWITCHSIM_KAPI BOOLEAN KeTestSpinLock(PKSPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
                                                    PKLOCK_QUEUE_HANDLE LockHandle);
VSWITCHSIM_KAPI void KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle);
VSWITCHSIM_KAPI void KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock,
                                                              PKLOCK_QUEUE_HANDLE LockHandle);
VSWITCHSIM_KAPI void KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle);
#define KeAcquireSpinLock(SpinLock, OldIrql) (*(OldIrql) = KeAcquireSpinLockRaiseToDpc(SpinLock))

/* Reader-writer spin locks (EX_SPIN_LOCK). */
typedef volatile LONG EX_SPIN_LOCK, *PEX_SPIN_LOCK;
VSWITCHSIM_KAPI KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void ExReleaseSpinLockExclusive(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql);
VSWITCHSIM_KAPI KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void ExReleaseSpinLockShared(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql);
VSWITCHSIM_KAPI void ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock);
VSWITCHSIM_KAPI void ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK SpinLock);

/* ---- Pool (ExAllocatePool2 and the older calls), on the tagged, accounted allocator --- */

typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_SESSION 0x0000000000000004ULL
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL

typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    NonPagedPoolExecute = 0,
    PagedPool = 1,
    NonPagedPoolMustSucceed = 2,
    DontUseThisType = 3,
    NonPagedPoolCacheAligned = 4,
    PagedPoolCacheAligned = 5,
    NonPagedPoolCacheAlignedMustS = 6,
    MaxPoolType = 7,
    NonPagedPoolNx = 512,
    NonPagedPoolNxCacheAligned = 516
} POOL_TYPE;

typedef enum _EX_POOL_PRIORITY {
    LowPoolPriority = 0,
    NormalPoolPriority = 16,
    HighPoolPriority = 32
} EX_POOL_PRIORITY;

VSWITCHSIM_KAPI PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
VSWITCHSIM_KAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
VSWITCHSIM_KAPI PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
VSWITCHSIM_KAPI PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                                  ULONG Tag);
/* Tag 0 frees without checking the tag (ExFreePool is ExFreePoolWithTag(P, 0)). */
VSWITCHSIM_KAPI void ExFreePoolWithTag(PVOID P, ULONG Tag);
#define ExFreePool(P) ExFreePoolWithTag((P), 0)

/* ---- Memory (Rtl*Memory) --------------------------------------------------------------- */

#define RtlCopyMemory(Destination, Source, Length) \
    __builtin_memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) \
    __builtin_memmove((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) __builtin_memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) __builtin_memset((Destination), 0, (Length))
#define RtlEqualMemory(Destination, Source, Length) \
    (!__builtin_memcmp((Destination), (Source), (Length)))
#define RtlCopyBytes RtlCopyMemory
#define RtlZeroBytes RtlZeroMemory
#define RtlFillBytes RtlFillMemory

/* How many leading bytes are equal. */
FORCEINLINE SIZE_T RtlCompareMemory(const void *Source1, const void *Source2, SIZE_T Length)
{
    const UCHAR *a = (const UCHAR *)Source1, *b = (const UCHAR *)Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

/* Zeroes memory in a way the compiler cannot drop. */
FORCEINLINE PVOID RtlSecureZeroMemory(PVOID ptr, SIZE_T cnt)
{
    volatile UCHAR *p = (volatile UCHAR *)ptr;
    while (cnt--)
        *p++ = 0;
    return ptr;
}

/* ---- Strings (the Rtl*String routines drivers use) -------------------------------------- */

VSWITCHSIM_KAPI void RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);
VSWITCHSIM_KAPI void RtlInitAnsiString(PANSI_STRING DestinationString, PCSTR SourceString);
VSWITCHSIM_KAPI void RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
                                          PCUNICODE_STRING SourceString);
VSWITCHSIM_KAPI BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                              BOOLEAN CaseInSensitive);
VSWITCHSIM_KAPI LONG RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                             BOOLEAN CaseInSensitive);
VSWITCHSIM_KAPI NTSTATUS RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source);
VSWITCHSIM_KAPI NTSTATUS RtlAppendUnicodeStringToString(PUNICODE_STRING Destination,
                                                        PCUNICODE_STRING Source);

/* ---- Interlocked operations (compiler intrinsics on Windows; full barriers here) ------- */

FORCEINLINE LONG InterlockedIncrement(LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedDecrement(LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedCompareExchange(LONG volatile *Destination, LONG ExChange,
                                            LONG Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand; /* the initial value, whether or not it was exchanged */
}
FORCEINLINE LONG InterlockedOr(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedAnd(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG InterlockedXor(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedIncrement64(LONG64 volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedDecrement64(LONG64 volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedExchange64(LONG64 volatile *Target, LONG64 Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedExchangeAdd64(LONG64 volatile *Addend, LONG64 Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedAdd64(LONG64 volatile *Addend, LONG64 Value)
{
    return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedCompareExchange64(LONG64 volatile *Destination, LONG64 ExChange,
                                                LONG64 Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand;
}
FORCEINLINE LONG64 InterlockedOr64(LONG64 volatile *Destination, LONG64 Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE LONG64 InterlockedAnd64(LONG64 volatile *Destination, LONG64 Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
FORCEINLINE PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination, PVOID ExChange,
                                                   PVOID Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comperand;
}
#define InterlockedIncrementNoFence InterlockedIncrement
#define InterlockedDecrementNoFence InterlockedDecrement
#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedDecrementRelease InterlockedDecrement
#define InterlockedExchangeNoFence InterlockedExchange
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedCompareExchangeNoFence InterlockedCompareExchange
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement64((LONG64 volatile *)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement64((LONG64 volatile *)(a)))
#define ReadNoFence(p) (*(LONG volatile *)(p))
#define WriteNoFence(p, v) (*(LONG volatile *)(p) = (v))
#define ReadAcquire(p) __atomic_load_n((LONG volatile *)(p), __ATOMIC_ACQUIRE)
#define WriteRelease(p, v) __atomic_store_n((LONG volatile *)(p), (v), __ATOMIC_RELEASE)
#define KeMemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define _ReadWriteBarrier() __asm__ __volatile__("" ::: "memory")
#define KeMemoryBarrierWithoutFence() _ReadWriteBarrier()
#define YieldProcessor() __builtin_ia32_pause()

/* ---- Time, on virtual time -------------------------------------------------------------- *
 * System time counts 100 ns units since 1601-01-01 UTC; the run starts at
 * kernel.system_time_start. Interrupt time and the performance counter (10 MHz) count
 * from the start of the run. */

VSWITCHSIM_KAPI void KeQuerySystemTime(PLARGE_INTEGER CurrentTime);
VSWITCHSIM_KAPI void KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime);
VSWITCHSIM_KAPI ULONGLONG KeQueryInterruptTime(void);
VSWITCHSIM_KAPI ULONGLONG KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp);
VSWITCHSIM_KAPI LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency);
VSWITCHSIM_KAPI void KeQueryTickCount(PLARGE_INTEGER CurrentCount);
VSWITCHSIM_KAPI ULONG KeQueryTimeIncrement(void);
/* Busy-waits: on virtual time, MicroSeconds of CPU charged to the running code. */
VSWITCHSIM_KAPI void KeStallExecutionProcessor(ULONG MicroSeconds);

/* ---- Dispatcher objects: events and waits -------------------------------------------- */

typedef struct _DISPATCHER_HEADER {
    UCHAR Type;
    UCHAR Signalling;
    UCHAR Size;
    UCHAR Reserved1;
    volatile LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER, *PDISPATCHER_HEADER;

typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;
typedef enum _TIMER_TYPE { NotificationTimer, SynchronizationTimer } TIMER_TYPE;
typedef enum _KWAIT_REASON { Executive = 0, WrQueue = 15 } KWAIT_REASON;

typedef struct _KEVENT {
    DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

VSWITCHSIM_KAPI void KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State);
VSWITCHSIM_KAPI LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait);
VSWITCHSIM_KAPI void KeClearEvent(PRKEVENT Event);
VSWITCHSIM_KAPI LONG KeResetEvent(PRKEVENT Event);
VSWITCHSIM_KAPI LONG KeReadStateEvent(PRKEVENT Event);
/* A wait never blocks the simulation: a signalled object satisfies it; an unsignalled one
 * with a timeout returns STATUS_TIMEOUT once the timeout has been charged; one with no
 * timeout can never be satisfied (nothing else runs meanwhile) and is a violation. */
VSWITCHSIM_KAPI NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
                                               KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                               PLARGE_INTEGER Timeout);
VSWITCHSIM_KAPI NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                                PLARGE_INTEGER Interval);

/* ---- DPCs ------------------------------------------------------------------------------ */

struct _KDPC;
typedef void KDEFERRED_ROUTINE(struct _KDPC *Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                               PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

typedef struct _KDPC {
    ULONG TargetInfoAsUlong;
    SINGLE_LIST_ENTRY DpcListEntry;
    KAFFINITY ProcessorHistory;
    PKDEFERRED_ROUTINE DeferredRoutine;
    PVOID DeferredContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
    PVOID DpcData; /* the simulator's: non-NULL while queued */
} KDPC, *PKDPC, *PRKDPC;

VSWITCHSIM_KAPI void KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                                     PVOID DeferredContext);
VSWITCHSIM_KAPI void KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                                             PVOID DeferredContext);
VSWITCHSIM_KAPI BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2);
VSWITCHSIM_KAPI BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc);
VSWITCHSIM_KAPI void KeFlushQueuedDpcs(void);

/* ---- Timers ---------------------------------------------------------------------------- *
 * DueTime < 0: relative, in 100 ns units; > 0: absolute system time. Expiry is rounded up
 * to the clock tick (kernel.timer_resolution), as Windows' timers are. */

typedef struct _KTIMER {
    DISPATCHER_HEADER Header;
    ULARGE_INTEGER DueTime;
    LIST_ENTRY TimerListEntry; /* the simulator's */
    struct _KDPC *Dpc;
    ULONG Processor;
    ULONG Period;
} KTIMER, *PKTIMER, *PRKTIMER;

VSWITCHSIM_KAPI void KeInitializeTimer(PKTIMER Timer);
VSWITCHSIM_KAPI void KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type);
VSWITCHSIM_KAPI BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc);
VSWITCHSIM_KAPI BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period,
                                     PKDPC Dpc);
VSWITCHSIM_KAPI BOOLEAN KeCancelTimer(PKTIMER Timer);
VSWITCHSIM_KAPI BOOLEAN KeReadStateTimer(PKTIMER Timer);

/* ---- Driver and device objects ---------------------------------------------------------- */

struct _DRIVER_OBJECT;
struct _DEVICE_OBJECT;
struct _IRP;
typedef struct _IRP IRP, *PIRP;

typedef NTSTATUS DRIVER_INITIALIZE(struct _DRIVER_OBJECT *DriverObject,
                                   PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef void DRIVER_UNLOAD(struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;
typedef NTSTATUS DRIVER_ADD_DEVICE(struct _DRIVER_OBJECT *DriverObject,
                                   struct _DEVICE_OBJECT *PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE *PDRIVER_ADD_DEVICE;
typedef NTSTATUS DRIVER_DISPATCH(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef void DRIVER_STARTIO(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp);
typedef DRIVER_STARTIO *PDRIVER_STARTIO;

#define IRP_MJ_CREATE 0x00
#define IRP_MJ_CLOSE 0x02
#define IRP_MJ_DEVICE_CONTROL 0x0e
#define IRP_MJ_CLEANUP 0x12
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

typedef struct _DRIVER_EXTENSION {
    struct _DRIVER_OBJECT *DriverObject;
    PDRIVER_ADD_DEVICE AddDevice;
    ULONG Count;
    UNICODE_STRING ServiceKeyName;
} DRIVER_EXTENSION, *PDRIVER_EXTENSION;

/* One per simulated host, as each host's kernel has its own (x64 layout, 336 bytes). */
typedef struct _DRIVER_OBJECT {
    CSHORT Type;
    CSHORT Size;
    struct _DEVICE_OBJECT *DeviceObject;
    ULONG Flags;
    PVOID DriverStart;
    ULONG DriverSize;
    PVOID DriverSection;
    PDRIVER_EXTENSION DriverExtension;
    UNICODE_STRING DriverName;
    PUNICODE_STRING HardwareDatabase;
    PVOID FastIoDispatch;
    PDRIVER_INITIALIZE DriverInit;
    PDRIVER_STARTIO DriverStartIo;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

typedef ULONG DEVICE_TYPE;
#define FILE_DEVICE_NETWORK 0x00000012
#define FILE_DEVICE_UNKNOWN 0x00000022
#define FILE_DEVICE_SECURE_OPEN 0x00000100
#define FILE_AUTOGENERATED_DEVICE_NAME 0x00000080
#define DO_BUFFERED_IO 0x00000004
#define DO_DEVICE_INITIALIZING 0x00000080

/* The fields drivers use, in their order; not the whole Windows layout. */
typedef struct _DEVICE_OBJECT {
    CSHORT Type;
    USHORT Size;
    LONG ReferenceCount;
    struct _DRIVER_OBJECT *DriverObject;
    struct _DEVICE_OBJECT *NextDevice;
    struct _DEVICE_OBJECT *AttachedDevice;
    struct _IRP *CurrentIrp;
    PVOID Timer;
    ULONG Flags;
    ULONG Characteristics;
    PVOID Vpb;
    PVOID DeviceExtension;
    DEVICE_TYPE DeviceType;
    CCHAR StackSize;
    ULONG AlignmentRequirement;
} DEVICE_OBJECT, *PDEVICE_OBJECT;

/* PASSIVE_LEVEL. The device is the driver's until IoDeleteDevice; its extension is zeroed
 * (non-paged on Windows; here it is allocated with the device object, outside the pool's
 * account). Names are recorded, not published anywhere. */
VSWITCHSIM_KAPI NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                        PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                        ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                        PDEVICE_OBJECT *DeviceObject);
VSWITCHSIM_KAPI void IoDeleteDevice(PDEVICE_OBJECT DeviceObject);

/* ---- Work items (run at PASSIVE_LEVEL, kernel.work_item_delay after queueing) --------- */

typedef struct _IO_WORKITEM IO_WORKITEM, *PIO_WORKITEM;
typedef void IO_WORKITEM_ROUTINE(PDEVICE_OBJECT DeviceObject, PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
typedef void IO_WORKITEM_ROUTINE_EX(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem);
typedef IO_WORKITEM_ROUTINE_EX *PIO_WORKITEM_ROUTINE_EX;
typedef enum _WORK_QUEUE_TYPE {
    CriticalWorkQueue,
    DelayedWorkQueue,
    HyperCriticalWorkQueue,
    NormalWorkQueue,
    BackgroundWorkQueue,
    RealTimeWorkQueue,
    SuperCriticalWorkQueue,
    MaximumWorkQueue
} WORK_QUEUE_TYPE;

/* IoObject: the driver's DRIVER_OBJECT or one of its DEVICE_OBJECTs. */
VSWITCHSIM_KAPI PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
VSWITCHSIM_KAPI void IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                                     WORK_QUEUE_TYPE QueueType, PVOID Context);
VSWITCHSIM_KAPI void IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem,
                                       PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                                       WORK_QUEUE_TYPE QueueType, PVOID Context);
VSWITCHSIM_KAPI void IoFreeWorkItem(PIO_WORKITEM IoWorkItem);

/* ---- Registry: the driver's service key holds the scenario's params ------------------- *
 * \Registry\Machine\System\CurrentControlSet\Services\<instance name>: each member of the
 * plugin's "params" object is a value (integer: REG_DWORD, or REG_QWORD beyond 32 bits;
 * string: REG_SZ; true/false: REG_DWORD 1/0; array of strings: REG_MULTI_SZ), and each
 * member that is an object is a subkey, so a driver that reads "Parameters" finds
 * {"Parameters": {...}} there. */

typedef enum _KEY_VALUE_INFORMATION_CLASS {
    KeyValueBasicInformation,
    KeyValueFullInformation,
    KeyValuePartialInformation
} KEY_VALUE_INFORMATION_CLASS;

typedef struct _KEY_VALUE_PARTIAL_INFORMATION {
    ULONG TitleIndex;
    ULONG Type;
    ULONG DataLength;
    UCHAR Data[1];
} KEY_VALUE_PARTIAL_INFORMATION, *PKEY_VALUE_PARTIAL_INFORMATION;

#define REG_NONE 0
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_BINARY 3
#define REG_DWORD 4
#define REG_MULTI_SZ 7
#define REG_QWORD 11
#define KEY_QUERY_VALUE 0x0001
#define KEY_ENUMERATE_SUB_KEYS 0x0008
#define KEY_READ 0x20019
#define KEY_ALL_ACCESS 0xF003F

VSWITCHSIM_KAPI NTSTATUS ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                   POBJECT_ATTRIBUTES ObjectAttributes);
VSWITCHSIM_KAPI NTSTATUS ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                                         KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                                         PVOID KeyValueInformation, ULONG Length,
                                         PULONG ResultLength);
VSWITCHSIM_KAPI NTSTATUS ZwClose(HANDLE Handle);

/* ---- Debug output, to the simulator's log ------------------------------------------------ *
 * Levels map to the log's: ERROR to error, WARNING to warning, TRACE and INFO to info,
 * higher to debug; DbgPrint is INFO. Formats are Windows': %wZ (PUNICODE_STRING),
 * %ws/%S/%ls (16-bit strings), %I64d, %Iu. */

#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000
#define DPFLTR_DEFAULT_ID 101
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_IHVVIDEO_ID 78
#define DPFLTR_IHVAUDIO_ID 79
#define DPFLTR_IHVNETWORK_ID 80
#define DPFLTR_IHVSTREAMING_ID 81
#define DPFLTR_IHVBUS_ID 82

/* Not declared printf-like: %wZ and %ws are not printf's, and the compiler would refuse them. */
VSWITCHSIM_KAPI ULONG DbgPrint(PCSTR Format, ...);
VSWITCHSIM_KAPI ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...);
VSWITCHSIM_KAPI ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist);

#if DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#else
#define KdPrint(_x_)
#define KdPrintEx(_x_)
#endif

/* An assertion that fails (NT_ASSERT, ASSERT in a checked build) or KeBugCheckEx stops
 * the host's kernel: the callout is reported as crashed, by name, and the run goes on. */
VSWITCHSIM_KAPI DECLSPEC_NORETURN void VswitchsimAssertFailed(PCSTR Expression, PCSTR File,
                                                              ULONG Line);
VSWITCHSIM_KAPI DECLSPEC_NORETURN void KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1,
                                                    ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4);
#if DBG
#define NT_ASSERT(e) ((e) ? (void)0 : VswitchsimAssertFailed(#e, __FILE__, __LINE__))
#define ASSERT(e) NT_ASSERT(e)
#else
#define NT_ASSERT(e) ((void)0)
#define ASSERT(e) ((void)0)
#endif
#define NT_ASSERTMSG(m, e) NT_ASSERT(e)
#define NT_VERIFY(e) ((e) ? TRUE : (VswitchsimAssertFailed(#e, __FILE__, __LINE__), FALSE))

/* PAGED_CODE(): the verifier checks, in every build, that code marked pageable runs at
 * IRQL <= APC_LEVEL (rule irql_too_high). #pragma alloc_text is accepted and ignored. */
VSWITCHSIM_KAPI void VswitchsimPagedCode(PCSTR Function);
#define PAGED_CODE() VswitchsimPagedCode(__func__)
#define PAGED_CODE_LOCKED() ((void)0)

/* ---- The driver's entry point ------------------------------------------------------------ */

VSWITCHSIM_EXPORT DRIVER_INITIALIZE DriverEntry;

/* ---- Layout pins (Windows x64) ------------------------------------------------------------ */

VSWITCHSIM_PIN_SIZE(KSPIN_LOCK, 8);
VSWITCHSIM_PIN_SIZE(KLOCK_QUEUE_HANDLE, 24);
VSWITCHSIM_PIN_SIZE(DISPATCHER_HEADER, 24);
VSWITCHSIM_PIN_SIZE(KEVENT, 24);
VSWITCHSIM_PIN_SIZE(KDPC, 64);
VSWITCHSIM_PIN_SIZE(KTIMER, 64);
VSWITCHSIM_PIN_SIZE(DRIVER_OBJECT, 336);
VSWITCHSIM_PIN_OFFSET(DRIVER_OBJECT, DriverUnload, 104);
VSWITCHSIM_PIN_OFFSET(DRIVER_OBJECT, MajorFunction, 112);

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_WDK_WDM_H */
