/*
 * flowtable_wdk.c: the flowtable callout (flowtable.c) written as a Windows callout driver
 * is: DriverEntry, globals, a spin lock, pool allocations with a tag, LIST_ENTRY hash
 * chains, parameters from the driver's registry key, BCryptGenRandom, the interrupt time,
 * DbgPrintEx, and a DPC that completes pended saves. It builds unchanged against the
 * WDK-compatible headers (vswitchsim::wdk; docs/wdk.md walks through it) and, given the
 * same parameters, scenario and seed, saves and restores exactly the bytes flowtable.so
 * does (tests/e2e/wdk_matches_sdk.sh).
 *
 * Each simulated host loads a private copy of this driver, so the globals below are one
 * host's, as each Windows host's kernel has its own copy of a driver's data.
 *
 * Registry values (the scenario's params, under the driver's service key):
 *   FlowsPerPort  REG_DWORD  0..1623, default 64: flows per port, generated at the port's
 *                            first save (1623 flows fill one 64967-byte save segment)
 *   NsPerFlow     REG_DWORD  default 50: CPU per flow saved or restored, spent busy-waiting
 *                            with KeStallExecutionProcessor, whose unit is the microsecond:
 *                            a callback's NsPerFlow x flows is rounded up to whole us
 *                            (exactly flowtable.so's ns_per_flow when NsPerFlow is a
 *                            multiple of 1000, or 0)
 *   PendSaves     REG_DWORD  0 or 1, default 0: 1 returns STATUS_PENDING from every save
 *                            and completes it from a DPC (FwpsvSwitchNotifyComplete0)
 *
 * Blob: flowtable.c's version 1, byte for byte (header, 40-byte entries in insertion
 * order, FNV-1a 64 checksum); see that file.
 */
/* Windows' include order (ndis.h before fwpsk.h; initguid.h last, for DEFINE_GUID). */
/* clang-format off */
#include <ntddk.h>
#include <ndis.h>
#include <fwpsk.h>
#include <fwpmk.h>
#include <bcrypt.h>
#include <initguid.h>
/* clang-format on */

#define FLOW_POOL_TAG 'wolF' /* "Flow" in a pool dump */

#define BLOB_VERSION 1
#define HEADER_BYTES 24
#define ENTRY_BYTES 40
#define CHECKSUM_OFFSET 16
#define MAX_FLOWS ((NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE - HEADER_BYTES) / ENTRY_BYTES)
#define FNV1A64_INIT 0xcbf29ce484222325ULL
#define FNV1A64_PRIME 0x100000001b3ULL

/* {8c1f6a52-3d0e-4b7a-9e21-6f5a4c3b2d10} */
DEFINE_GUID(FLOWTABLE_WDK_PROVIDER_GUID, 0x8c1f6a52, 0x3d0e, 0x4b7a, 0x9e, 0x21, 0x6f, 0x5a, 0x4c,
            0x3b, 0x2d, 0x10);

static const UCHAR BlobMagic[4] = {'F', 'T', 'B', 'L'};

typedef struct _FLOW_KEY {
    ULONG SourceIp, DestinationIp;
    USHORT SourcePort, DestinationPort;
    UCHAR Protocol;
} FLOW_KEY;

typedef struct _FLOW_ENTRY {
    LIST_ENTRY HashLink; /* in its bucket */
    FLOW_KEY Key;
    ULONGLONG Packets, Bytes, LastSeenNs;
} FLOW_ENTRY, *PFLOW_ENTRY;

/* One port's flows: an array in insertion order (the blob's), chained by hash. */
typedef struct _FLOW_TABLE {
    LIST_ENTRY Link; /* in FlowTables */
    ULONG SwitchIndex;
    NDIS_SWITCH_PORT_ID PortId;
    ULONG Count, Capacity;
    PFLOW_ENTRY Flows;
    PLIST_ENTRY Buckets;
    ULONG BucketMask;
    PUCHAR Blob; /* the last save's: WFP copies it when the save completes */
} FLOW_TABLE, *PFLOW_TABLE;

/* The switches seen, by name: a port is known by its switch and its PortId. */
typedef struct _SWITCH_ENTRY {
    LIST_ENTRY Link;
    ULONG Index;
    NDIS_SWITCH_NAME Name;
} SWITCH_ENTRY, *PSWITCH_ENTRY;

/* A save that returned STATUS_PENDING, for the DPC to hand over and complete. */
typedef struct _PENDED_SAVE {
    LIST_ENTRY Link;
    PVOID CompletionContext;
    PVOID *RuntimeState;
    SIZE_T *RuntimeStateLength;
    PUCHAR Blob;
    SIZE_T Length;
} PENDED_SAVE, *PPENDED_SAVE;

/* ---- Globals: this host's driver state ------------------------------------------------ */

static ULONG FlowsPerPort = 64;
static ULONG NsPerFlow = 50;
static BOOLEAN PendSaves;

static KSPIN_LOCK FlowLock;     /* guards everything below */
static LIST_ENTRY FlowTables;   /* FLOW_TABLE */
static LIST_ENTRY FlowSwitches; /* SWITCH_ENTRY */
static ULONG FlowSwitchCount;
static LIST_ENTRY PendedSaves; /* PENDED_SAVE */

static KDPC CompletionDpc;
static UINT32 SubscriptionId;
static BCRYPT_ALG_HANDLE RngProvider; /* opened with BCRYPT_PROV_DISPATCH: saves draw at DISPATCH */

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD FlowUnload;
static KDEFERRED_ROUTINE FlowCompletionDpc;

/* ---- Little-endian fields and the checksum ---------------------------------------------- */

static void Put16(PUCHAR p, USHORT v)
{
    p[0] = (UCHAR)v;
    p[1] = (UCHAR)(v >> 8);
}

static void Put32(PUCHAR p, ULONG v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (UCHAR)(v >> (8 * i));
}

static void Put64(PUCHAR p, ULONGLONG v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (UCHAR)(v >> (8 * i));
}

static USHORT Get16(const UCHAR *p)
{
    return (USHORT)(p[0] | p[1] << 8);
}

static ULONG Get32(const UCHAR *p)
{
    return (ULONG)p[0] | (ULONG)p[1] << 8 | (ULONG)p[2] << 16 | (ULONG)p[3] << 24;
}

static ULONGLONG Get64(const UCHAR *p)
{
    return (ULONGLONG)Get32(p) | (ULONGLONG)Get32(p + 4) << 32;
}

/* FNV-1a 64 over little-endian 64-bit words, then the tail bytes (flowtable.c's). */
static ULONGLONG Fnv1a64Words(ULONGLONG hash, const UCHAR *data, SIZE_T length)
{
    SIZE_T i = 0;

    for (; i + 8 <= length; i += 8)
        hash = (hash ^ Get64(data + i)) * FNV1A64_PRIME;
    for (; i < length; i++)
        hash = (hash ^ data[i]) * FNV1A64_PRIME;
    return hash;
}

static ULONGLONG BlobChecksum(const UCHAR *blob, SIZE_T length)
{
    ULONGLONG hash = Fnv1a64Words(FNV1A64_INIT, blob, CHECKSUM_OFFSET);

    return Fnv1a64Words(hash, blob + HEADER_BYTES, length - HEADER_BYTES);
}

/* ---- Switches ----------------------------------------------------------------------------- */

static BOOLEAN SwitchNameEqual(const NDIS_SWITCH_NAME *a, const NDIS_SWITCH_NAME *b)
{
    USHORT max = (USHORT)sizeof(a->String);
    USHORT la = min(a->Length, max), lb = min(b->Length, max);

    return la == lb && RtlEqualMemory(a->String, b->String, la);
}

/* The index of a switch seen before, or FALSE. With FlowLock held. */
_Requires_lock_held_(FlowLock) static BOOLEAN
    SwitchFind(_In_ const NDIS_SWITCH_PARAMETERS *Switch, _Out_ PULONG Index)
{
    for (PLIST_ENTRY l = FlowSwitches.Flink; l != &FlowSwitches; l = l->Flink) {
        PSWITCH_ENTRY entry = CONTAINING_RECORD(l, SWITCH_ENTRY, Link);
        if (SwitchNameEqual(&entry->Name, &Switch->SwitchName)) {
            *Index = entry->Index;
            return TRUE;
        }
    }
    return FALSE;
}

/* The index of a switch, a new one for a switch not seen before. With FlowLock held. */
_Requires_lock_held_(FlowLock) static NTSTATUS
    SwitchIntern(_In_ const NDIS_SWITCH_PARAMETERS *Switch, _Out_ PULONG Index)
{
    if (SwitchFind(Switch, Index))
        return STATUS_SUCCESS;
    PSWITCH_ENTRY entry = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*entry), FLOW_POOL_TAG);
    if (entry == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    entry->Index = FlowSwitchCount++;
    entry->Name.Length = min(Switch->SwitchName.Length, (USHORT)sizeof(entry->Name.String));
    RtlCopyMemory(entry->Name.String, Switch->SwitchName.String, entry->Name.Length);
    InsertTailList(&FlowSwitches, &entry->Link);
    *Index = entry->Index;
    return STATUS_SUCCESS;
}

/* ---- Flow tables ---------------------------------------------------------------------------- */

static ULONG FlowHash(const FLOW_KEY *Key)
{
    UCHAR encoded[13];

    Put32(encoded, Key->SourceIp);
    Put32(encoded + 4, Key->DestinationIp);
    Put16(encoded + 8, Key->SourcePort);
    Put16(encoded + 10, Key->DestinationPort);
    encoded[12] = Key->Protocol;
    return (ULONG)Fnv1a64Words(FNV1A64_INIT, encoded, sizeof(encoded));
}

static BOOLEAN FlowKeyEqual(const FLOW_KEY *a, const FLOW_KEY *b)
{
    return a->SourceIp == b->SourceIp && a->DestinationIp == b->DestinationIp &&
           a->SourcePort == b->SourcePort && a->DestinationPort == b->DestinationPort &&
           a->Protocol == b->Protocol;
}

static VOID TableFree(_In_ _Frees_ptr_ PFLOW_TABLE Table)
{
    if (Table->Flows != NULL)
        ExFreePoolWithTag(Table->Flows, FLOW_POOL_TAG);
    if (Table->Buckets != NULL)
        ExFreePoolWithTag(Table->Buckets, FLOW_POOL_TAG);
    if (Table->Blob != NULL)
        ExFreePoolWithTag(Table->Blob, FLOW_POOL_TAG);
    ExFreePoolWithTag(Table, FLOW_POOL_TAG);
}

/* An empty table for Capacity flows, with at least twice as many buckets. */
_IRQL_requires_max_(DISPATCH_LEVEL) static PFLOW_TABLE TableAllocate(_In_ ULONG Capacity)
{
    PFLOW_TABLE table = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*table), FLOW_POOL_TAG);
    ULONG buckets = 8;

    if (table == NULL)
        return NULL;
    while (buckets < 2 * Capacity)
        buckets *= 2;
    table->Capacity = Capacity;
    table->BucketMask = buckets - 1;
    table->Buckets =
        ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)buckets * sizeof(LIST_ENTRY), FLOW_POOL_TAG);
    if (Capacity != 0)
        table->Flows = ExAllocatePool2(POOL_FLAG_NON_PAGED, (SIZE_T)Capacity * sizeof(FLOW_ENTRY),
                                       FLOW_POOL_TAG);
    if (table->Buckets == NULL || (Capacity != 0 && table->Flows == NULL)) {
        TableFree(table);
        return NULL;
    }
    for (ULONG i = 0; i < buckets; i++)
        InitializeListHead(&table->Buckets[i]);
    return table;
}

/* Appends a flow; FALSE if its 5-tuple is there already or the table is full. */
static BOOLEAN TableInsert(_Inout_ PFLOW_TABLE Table, _In_ const FLOW_ENTRY *Flow)
{
    PLIST_ENTRY bucket = &Table->Buckets[FlowHash(&Flow->Key) & Table->BucketMask];

    if (Table->Count == Table->Capacity)
        return FALSE;
    for (PLIST_ENTRY l = bucket->Flink; l != bucket; l = l->Flink)
        if (FlowKeyEqual(&CONTAINING_RECORD(l, FLOW_ENTRY, HashLink)->Key, &Flow->Key))
            return FALSE;
    PFLOW_ENTRY entry = &Table->Flows[Table->Count++];
    *entry = *Flow;
    InsertTailList(bucket, &entry->HashLink);
    return TRUE;
}

_Requires_lock_held_(FlowLock) static PFLOW_TABLE
    TableFind(_In_ ULONG SwitchIndex, _In_ NDIS_SWITCH_PORT_ID PortId)
{
    for (PLIST_ENTRY l = FlowTables.Flink; l != &FlowTables; l = l->Flink) {
        PFLOW_TABLE table = CONTAINING_RECORD(l, FLOW_TABLE, Link);
        if (table->SwitchIndex == SwitchIndex && table->PortId == PortId)
            return table;
    }
    return NULL;
}

/* 8 random bytes, little endian: one draw of the kernel's RNG. Saves may run at
 * DISPATCH_LEVEL, where the BCryptGenRandom page wants a provider opened with
 * BCRYPT_PROV_DISPATCH (the system's preferred RNG is PASSIVE_LEVEL only). */
_IRQL_requires_max_(DISPATCH_LEVEL) static ULONGLONG Random64(VOID)
{
    UCHAR bytes[8] = {0};

    (VOID) BCryptGenRandom(RngProvider, bytes, sizeof(bytes), 0);
    return Get64(bytes);
}

/* A plausible flow from a VM (flowtable.c's random_flow, draw for draw): a 10.0.0.0/8
 * source, an ephemeral source port, a common service, 64..1500-byte packets. */
_IRQL_requires_max_(DISPATCH_LEVEL) static VOID RandomFlow(_Out_ PFLOW_ENTRY Flow)
{
    static const USHORT services[8] = {443, 80, 53, 22, 3389, 445, 8080, 5432};
    ULONGLONG r1 = Random64(), r2 = Random64();
    ULONG64 qpc;

    RtlZeroMemory(Flow, sizeof(*Flow));
    Flow->Key.SourceIp = 0x0a000000u | (ULONG)(r1 & 0xffffff);
    Flow->Key.DestinationIp = (ULONG)(r1 >> 32);
    Flow->Key.SourcePort = (USHORT)(49152 + (r2 & 0x3fff));
    Flow->Key.DestinationPort = services[(r2 >> 14) & 7];
    Flow->Key.Protocol = Flow->Key.DestinationPort == 53 ? 17 : 6;
    Flow->Packets = 1 + (r2 >> 17) % 100000;
    Flow->Bytes = Flow->Packets * (64 + (r2 >> 40) % 1437);
    /* Interrupt time is in 100 ns units; the blob's field is in ns (flowtable.c stores
     * virtual ns: the same value whenever the save starts on a 100 ns boundary). */
    Flow->LastSeenNs = KeQueryInterruptTimePrecise(&qpc) * 100;
}

/* A port's flows, drawn at its first save; a repeated 5-tuple is drawn again. */
_Requires_lock_held_(FlowLock) static PFLOW_TABLE
    TableGenerate(_In_ ULONG SwitchIndex, _In_ NDIS_SWITCH_PORT_ID PortId)
{
    PFLOW_TABLE table = TableAllocate(FlowsPerPort);
    FLOW_ENTRY flow;

    if (table == NULL)
        return NULL;
    table->SwitchIndex = SwitchIndex;
    table->PortId = PortId;
    while (table->Count < FlowsPerPort) {
        RandomFlow(&flow);
        (VOID) TableInsert(table, &flow);
    }
    InsertTailList(&FlowTables, &table->Link);
    return table;
}

/* Busy-waits NsPerFlow x Flows, rounded up to the microsecond (KeStallExecutionProcessor's
 * unit): what the simulator charges as this callback's CPU. */
static VOID ChargeFlows(_In_ ULONG Flows)
{
    ULONGLONG ns = (ULONGLONG)NsPerFlow * Flows;

    if (ns != 0)
        KeStallExecutionProcessor((ULONG)((ns + 999) / 1000));
}

/* ---- Blob ------------------------------------------------------------------------------------ */

static VOID BlobWrite(_In_ const FLOW_TABLE *Table, _Out_writes_bytes_(Length) PUCHAR Blob,
                      _In_ SIZE_T Length)
{
    RtlCopyMemory(Blob, BlobMagic, sizeof(BlobMagic));
    Put16(Blob + 4, BLOB_VERSION);
    Put16(Blob + 6, ENTRY_BYTES);
    Put32(Blob + 8, Table->Count);
    Put32(Blob + 12, 0);
    for (ULONG i = 0; i < Table->Count; i++) {
        const FLOW_ENTRY *f = &Table->Flows[i];
        PUCHAR e = Blob + HEADER_BYTES + (SIZE_T)i * ENTRY_BYTES;
        Put32(e, f->Key.SourceIp);
        Put32(e + 4, f->Key.DestinationIp);
        Put16(e + 8, f->Key.SourcePort);
        Put16(e + 10, f->Key.DestinationPort);
        e[12] = f->Key.Protocol;
        e[13] = e[14] = e[15] = 0;
        Put64(e + 16, f->Packets);
        Put64(e + 24, f->Bytes);
        Put64(e + 32, f->LastSeenNs);
    }
    Put64(Blob + CHECKSUM_OFFSET, BlobChecksum(Blob, Length));
}

/* Everything the header promises; *Count gets the flow count. */
static NTSTATUS BlobCheckHeader(_In_ NDIS_SWITCH_PORT_ID PortId, _In_opt_ const UCHAR *Blob,
                                _In_ SIZE_T Length, _Out_ PULONG Count)
{
    *Count = 0;
    if (Blob == NULL || Length < HEADER_BYTES || !RtlEqualMemory(Blob, BlobMagic, 4) ||
        Get16(Blob + 4) != BLOB_VERSION || Get16(Blob + 6) != ENTRY_BYTES) {
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_WARNING_LEVEL,
                   "flowtable_wdk: restore port %lu: not a version %d flow table (%Iu bytes)\n",
                   PortId, BLOB_VERSION, Length);
        return STATUS_DATA_ERROR;
    }
    *Count = Get32(Blob + 8);
    if (*Count > MAX_FLOWS || Length != HEADER_BYTES + (SIZE_T)*Count * ENTRY_BYTES ||
        Get64(Blob + CHECKSUM_OFFSET) != BlobChecksum(Blob, Length) || Get32(Blob + 12) != 0) {
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_WARNING_LEVEL,
                   "flowtable_wdk: restore port %lu: %Iu bytes do not check out as %lu flows\n",
                   PortId, Length, *Count);
        return STATUS_DATA_ERROR;
    }
    return STATUS_SUCCESS;
}

/* Rebuilds the flows of a blob whose header checked out; *Checked counts entries read. */
static NTSTATUS BlobReadFlows(_In_ NDIS_SWITCH_PORT_ID PortId, _In_ const UCHAR *Blob,
                              _Inout_ PFLOW_TABLE Table, _In_ ULONG Count, _Out_ PULONG Checked)
{
    FLOW_ENTRY flow;

    for (*Checked = 0; *Checked < Count; ++*Checked) {
        const UCHAR *e = Blob + HEADER_BYTES + (SIZE_T)*Checked * ENTRY_BYTES;
        RtlZeroMemory(&flow, sizeof(flow));
        flow.Key.SourceIp = Get32(e);
        flow.Key.DestinationIp = Get32(e + 4);
        flow.Key.SourcePort = Get16(e + 8);
        flow.Key.DestinationPort = Get16(e + 10);
        flow.Key.Protocol = e[12];
        flow.Packets = Get64(e + 16);
        flow.Bytes = Get64(e + 24);
        flow.LastSeenNs = Get64(e + 32);
        if (e[13] != 0 || e[14] != 0 || e[15] != 0 || flow.Bytes < flow.Packets ||
            !TableInsert(Table, &flow)) {
            DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_WARNING_LEVEL,
                       "flowtable_wdk: restore port %lu: flow %lu is not valid\n", PortId,
                       *Checked);
            return STATUS_DATA_ERROR;
        }
    }
    return STATUS_SUCCESS;
}

/* ---- Pended saves: queued by the save, completed by the DPC ---------------------------------- */

_Requires_lock_held_(FlowLock) static NTSTATUS
    PendSave(_In_ PVOID CompletionContext, _In_ PFLOW_TABLE Table, _In_ SIZE_T Length,
             _Out_ PVOID *RuntimeState, _Out_ SIZE_T *RuntimeStateLength)
{
    PPENDED_SAVE pended = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*pended), FLOW_POOL_TAG);

    if (pended == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    pended->CompletionContext = CompletionContext;
    pended->RuntimeState = RuntimeState;
    pended->RuntimeStateLength = RuntimeStateLength;
    pended->Blob = Table->Blob;
    pended->Length = Length;
    InsertTailList(&PendedSaves, &pended->Link);
    return STATUS_PENDING; /* the caller queues the DPC once its work is done */
}

/* Hands each pended save its blob and completes it, outside the lock. */
static VOID CompletePended(_Inout_ PLIST_ENTRY Pended, _In_ NTSTATUS Status)
{
    while (!IsListEmpty(Pended)) {
        PPENDED_SAVE pended = CONTAINING_RECORD(RemoveHeadList(Pended), PENDED_SAVE, Link);
        if (NT_SUCCESS(Status)) {
            *pended->RuntimeState = pended->Blob;
            *pended->RuntimeStateLength = pended->Length;
        }
        FwpsvSwitchNotifyComplete0(pended->CompletionContext, Status, 0, NULL);
        ExFreePoolWithTag(pended, FLOW_POOL_TAG);
    }
}

/* Moves the pended saves to Taken, with FlowLock held. */
_Requires_lock_held_(FlowLock) static VOID TakePended(_Out_ PLIST_ENTRY Taken)
{
    InitializeListHead(Taken);
    if (!IsListEmpty(&PendedSaves)) {
        AppendTailList(Taken, PendedSaves.Flink);
        RemoveEntryList(&PendedSaves);
        InitializeListHead(&PendedSaves);
    }
}

_Use_decl_annotations_ static VOID FlowCompletionDpc(PKDPC Dpc, PVOID DeferredContext,
                                                     PVOID SystemArgument1, PVOID SystemArgument2)
{
    LIST_ENTRY taken;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(DeferredContext);
    UNREFERENCED_PARAMETER(SystemArgument1);
    UNREFERENCED_PARAMETER(SystemArgument2);
    KeAcquireSpinLockAtDpcLevel(&FlowLock);
    TakePended(&taken);
    KeReleaseSpinLockFromDpcLevel(&FlowLock);
    CompletePended(&taken, STATUS_SUCCESS);
}

/* ---- vSwitch callbacks ------------------------------------------------------------------------- */

/* Under FlowLock: the port's table (drawn at its first save) written into a new blob. */
_Requires_lock_held_(FlowLock) static NTSTATUS
    SaveLocked(_In_ const NDIS_SWITCH_PARAMETERS *Switch, _In_ NDIS_SWITCH_PORT_ID PortId,
               _Outptr_ PFLOW_TABLE *Table, _Out_ PSIZE_T Length)
{
    ULONG switchIndex;
    NTSTATUS status = SwitchIntern(Switch, &switchIndex);

    if (!NT_SUCCESS(status))
        return status;
    *Table = TableFind(switchIndex, PortId);
    if (*Table == NULL && (*Table = TableGenerate(switchIndex, PortId)) == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *Length = HEADER_BYTES + (SIZE_T)(*Table)->Count * ENTRY_BYTES;
    PUCHAR blob = ExAllocatePool2(POOL_FLAG_NON_PAGED, *Length, FLOW_POOL_TAG);
    if (blob == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    BlobWrite(*Table, blob, *Length);
    if ((*Table)->Blob != NULL)
        ExFreePoolWithTag((*Table)->Blob, FLOW_POOL_TAG);
    (*Table)->Blob = blob;
    return STATUS_SUCCESS;
}

_IRQL_requires_max_(DISPATCH_LEVEL) static NTSTATUS NTAPI
    FlowSave(_In_opt_ void *notifyContext, _In_ void *completionContext,
             _In_ FWPS_VSWITCH_EVENT_TYPE eventType, _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
             _In_ NDIS_SWITCH_PORT_ID portId, _Out_ void **runtimeState,
             _Out_ SIZE_T *runtimeStateLength)
{
    PFLOW_TABLE table = NULL;
    PUCHAR blob = NULL;
    SIZE_T length = 0;
    ULONG flows = 0;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(eventType);
    if (!PendSaves) {
        *runtimeState = NULL;
        *runtimeStateLength = 0;
    }
    KeAcquireSpinLock(&FlowLock, &oldIrql);
    NTSTATUS status = SaveLocked(vSwitch, portId, &table, &length);
    if (NT_SUCCESS(status)) {
        flows = table->Count;
        blob = table->Blob;
    }
    if (NT_SUCCESS(status) && PendSaves)
        status = PendSave(completionContext, table, length, runtimeState, runtimeStateLength);
    KeReleaseSpinLock(&FlowLock, oldIrql);
    if (!NT_SUCCESS(status))
        return status;
    ChargeFlows(flows);
    /* flowtable.c's line, word for word: two runs' blobs compare by their checksums. */
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL,
               "flowtable_wdk: save port %lu: %lu flows, %Iu bytes, checksum %016I64x%s\n", portId,
               flows, length, Get64(blob + CHECKSUM_OFFSET),
               status == STATUS_PENDING ? " (pended)" : "");
    if (status == STATUS_PENDING) {
        /* Queued after the work: the DPC runs once this save's time is spent (FALSE when
         * it is queued already: it takes every pended save when it runs). */
        (VOID) KeInsertQueueDpc(&CompletionDpc, NULL, NULL);
        return STATUS_PENDING;
    }
    *runtimeState = blob;
    *runtimeStateLength = length;
    return STATUS_SUCCESS;
}

/* Under FlowLock: the rebuilt table replaces the port's (the VM's flows win). */
_Requires_lock_held_(FlowLock) static NTSTATUS
    RestoreLocked(_In_ const NDIS_SWITCH_PARAMETERS *Switch, _In_ NDIS_SWITCH_PORT_ID PortId,
                  _In_ PFLOW_TABLE Table, _Outptr_result_maybenull_ PFLOW_TABLE *Previous)
{
    ULONG switchIndex;
    NTSTATUS status = SwitchIntern(Switch, &switchIndex);

    *Previous = NULL;
    if (!NT_SUCCESS(status))
        return status;
    *Previous = TableFind(switchIndex, PortId);
    if (*Previous != NULL)
        RemoveEntryList(&(*Previous)->Link);
    Table->SwitchIndex = switchIndex;
    Table->PortId = PortId;
    InsertTailList(&FlowTables, &Table->Link);
    return STATUS_SUCCESS;
}

_IRQL_requires_max_(DISPATCH_LEVEL) static NTSTATUS NTAPI
    FlowRestore(_In_opt_ void *notifyContext, _In_ void *completionContext,
                _In_ FWPS_VSWITCH_EVENT_TYPE eventType, _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
                _In_ NDIS_SWITCH_PORT_ID portId,
                _In_reads_bytes_(runtimeStateLength) void *runtimeState,
                _In_ SIZE_T runtimeStateLength)
{
    PFLOW_TABLE table, previous = NULL;
    ULONG count, checked = 0;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(completionContext);
    UNREFERENCED_PARAMETER(eventType);
    NTSTATUS status = BlobCheckHeader(portId, runtimeState, runtimeStateLength, &count);
    if (!NT_SUCCESS(status))
        return status;
    if ((table = TableAllocate(count)) == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = BlobReadFlows(portId, runtimeState, table, count, &checked);
    ChargeFlows(checked);
    if (NT_SUCCESS(status)) {
        KeAcquireSpinLock(&FlowLock, &oldIrql);
        status = RestoreLocked(vSwitch, portId, table, &previous);
        KeReleaseSpinLock(&FlowLock, oldIrql);
    }
    if (!NT_SUCCESS(status)) {
        TableFree(table);
        return status;
    }
    if (previous != NULL)
        TableFree(previous);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL,
               "flowtable_wdk: restore port %lu: %lu flows, %Iu bytes, checksum %016I64x\n", portId,
               count, runtimeStateLength, Get64((const UCHAR *)runtimeState + CHECKSUM_OFFSET));
    return STATUS_SUCCESS;
}

_IRQL_requires_max_(DISPATCH_LEVEL) static NTSTATUS NTAPI
    FlowPortEvent(_In_opt_ void *notifyContext, _In_ void *completionContext,
                  _In_ FWPS_VSWITCH_EVENT_TYPE eventType,
                  _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
                  _In_ const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    PFLOW_TABLE table = NULL;
    ULONG switchIndex;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(completionContext);
    if (eventType != FWPS_VSWITCH_EVENT_PORT_DELETE)
        return STATUS_SUCCESS;
    KeAcquireSpinLock(&FlowLock, &oldIrql);
    if (SwitchFind(vSwitch, &switchIndex) &&
        (table = TableFind(switchIndex, vSwitchPort->PortId)) != NULL)
        RemoveEntryList(&table->Link);
    KeReleaseSpinLock(&FlowLock, oldIrql);
    if (table != NULL) {
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL,
                   "flowtable_wdk: port %lu deleted with %lu flows\n", vSwitchPort->PortId,
                   table->Count);
        TableFree(table);
    }
    return STATUS_SUCCESS;
}

/* Moves every table of a switch to Removed, with FlowLock held. */
_Requires_lock_held_(FlowLock) static VOID
    TakeSwitchTables(_In_ ULONG SwitchIndex, _Out_ PLIST_ENTRY Removed)
{
    InitializeListHead(Removed);
    for (PLIST_ENTRY l = FlowTables.Flink, next; l != &FlowTables; l = next) {
        next = l->Flink;
        if (CONTAINING_RECORD(l, FLOW_TABLE, Link)->SwitchIndex == SwitchIndex) {
            RemoveEntryList(l);
            InsertTailList(Removed, l);
        }
    }
}

/* A deleted switch takes the tables of any ports not deleted before it. */
_IRQL_requires_max_(DISPATCH_LEVEL) static NTSTATUS NTAPI
    FlowLifetime(_In_opt_ void *notifyContext, _In_ FWPS_VSWITCH_EVENT_TYPE eventType,
                 _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
                 _In_opt_ const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                 _In_opt_ const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    LIST_ENTRY removed;
    ULONG switchIndex;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(vSwitchPorts);
    UNREFERENCED_PARAMETER(vSwitchInterfaces);
    if (eventType != FWPS_VSWITCH_EVENT_VSWITCH_DELETE)
        return STATUS_SUCCESS;
    InitializeListHead(&removed);
    KeAcquireSpinLock(&FlowLock, &oldIrql);
    if (SwitchFind(vSwitch, &switchIndex))
        TakeSwitchTables(switchIndex, &removed);
    KeReleaseSpinLock(&FlowLock, oldIrql);
    while (!IsListEmpty(&removed))
        TableFree(CONTAINING_RECORD(RemoveHeadList(&removed), FLOW_TABLE, Link));
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL, "flowtable_wdk: switch deleted\n");
    return STATUS_SUCCESS;
}

/* ---- Registry parameters (DriverEntry, PASSIVE_LEVEL) --------------------------------------- */

/* A REG_DWORD value of the key, or Default when it is absent; at most Max. */
_IRQL_requires_(PASSIVE_LEVEL) static NTSTATUS
    ReadDword(_In_ HANDLE Key, _In_ PCWSTR Name, _In_ ULONG Default, _In_ ULONG Max,
              _Out_ PULONG Value)
{
    union {
        KEY_VALUE_PARTIAL_INFORMATION Info;
        UCHAR Bytes[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    } value;
    UNICODE_STRING name;
    ULONG resultLength;

    RtlInitUnicodeString(&name, Name);
    *Value = Default;
    NTSTATUS status = ZwQueryValueKey(Key, &name, KeyValuePartialInformation, &value, sizeof(value),
                                      &resultLength);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND)
        return STATUS_SUCCESS;
    /* A longer value (a string) overflows the buffer, with the header filled in. */
    if ((NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW) &&
        (value.Info.Type != REG_DWORD || value.Info.DataLength != sizeof(ULONG)))
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status)) {
        RtlCopyMemory(Value, value.Info.Data, sizeof(ULONG));
        if (*Value > Max)
            status = STATUS_INVALID_PARAMETER;
    }
    if (!NT_SUCCESS(status))
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL,
                   "flowtable_wdk: registry value %ws: want a REG_DWORD of at most %lu "
                   "(0x%08x)\n",
                   Name, Max, status);
    return status;
}

_IRQL_requires_(PASSIVE_LEVEL) static NTSTATUS ReadParameters(_In_ PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    ULONG pend = 0;
    HANDLE key;

    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
                               NULL, NULL);
    NTSTATUS status = ZwOpenKey(&key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    if (NT_SUCCESS(status = ReadDword(key, L"FlowsPerPort", 64, MAX_FLOWS, &FlowsPerPort)) &&
        NT_SUCCESS(status = ReadDword(key, L"NsPerFlow", 50, 1000000000, &NsPerFlow)) &&
        NT_SUCCESS(status = ReadDword(key, L"PendSaves", 0, 1, &pend)))
        PendSaves = pend != 0;
    ZwClose(key);
    return status;
}

/* ---- DriverEntry and DriverUnload ---------------------------------------------------------- */

_Use_decl_annotations_ static VOID FlowUnload(PDRIVER_OBJECT DriverObject)
{
    LIST_ENTRY pended;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(DriverObject);
    /* A save still pended has lost its DPC: fail it rather than leave WFP waiting. */
    (VOID) KeRemoveQueueDpc(&CompletionDpc);
    KeAcquireSpinLock(&FlowLock, &oldIrql);
    TakePended(&pended);
    KeReleaseSpinLock(&FlowLock, oldIrql);
    CompletePended(&pended, STATUS_CANCELLED);
    FwpsvSwitchEventsUnsubscribe0(SubscriptionId, 0, NULL);
    (VOID) BCryptCloseAlgorithmProvider(RngProvider, 0);
    while (!IsListEmpty(&FlowTables))
        TableFree(CONTAINING_RECORD(RemoveHeadList(&FlowTables), FLOW_TABLE, Link));
    while (!IsListEmpty(&FlowSwitches))
        ExFreePoolWithTag(CONTAINING_RECORD(RemoveHeadList(&FlowSwitches), SWITCH_ENTRY, Link),
                          FLOW_POOL_TAG);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL, "flowtable_wdk: unloaded\n");
}

_Use_decl_annotations_ NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
                                            PUNICODE_STRING RegistryPath)
{
    /* Static: the WDK pages do not say whether WFP copies the table. */
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchLifetimeNotifyFn = FlowLifetime,
        .vSwitchPortEventNotifyFn = FlowPortEvent,
        .vSwitchRuntimeStateSaveNotifyFn = FlowSave,
        .vSwitchRuntimeStateRestoreNotifyFn = FlowRestore,
    };

    KeInitializeSpinLock(&FlowLock);
    InitializeListHead(&FlowTables);
    InitializeListHead(&FlowSwitches);
    InitializeListHead(&PendedSaves);
    KeInitializeDpc(&CompletionDpc, FlowCompletionDpc, NULL);
    NTSTATUS status = ReadParameters(RegistryPath);
    if (!NT_SUCCESS(status))
        return status;
    status =
        BCryptOpenAlgorithmProvider(&RngProvider, BCRYPT_RNG_ALGORITHM, NULL, BCRYPT_PROV_DISPATCH);
    if (!NT_SUCCESS(status))
        return status;
    status = FwpsvSwitchEventsSubscribe0(&FLOWTABLE_WDK_PROVIDER_GUID, NULL, 0, NULL, &dispatch,
                                         &SubscriptionId);
    if (!NT_SUCCESS(status)) {
        (VOID) BCryptCloseAlgorithmProvider(RngProvider, 0);
        return status;
    }
    DriverObject->DriverUnload = FlowUnload;
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL,
               "flowtable_wdk: %wZ: FlowsPerPort %lu, NsPerFlow %lu, PendSaves %u\n", RegistryPath,
               FlowsPerPort, NsPerFlow, (unsigned)PendSaves);
    return STATUS_SUCCESS;
}
