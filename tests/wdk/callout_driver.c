/*
 * callout_driver.c: a WFP vSwitch callout driver, written as one is written for Windows,
 * with nothing in it for the simulator: tests/e2e/wdk_source.sh compiles this file
 * unchanged against the WDK-compatible headers
 * (cc -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags vswitchsim-wdk)) and runs
 * a migration scenario with it. Keep it that way: no #ifdef, no vswitchsim name.
 *
 * What it does: each saved NIC port gets a small record (a signature, the port, a count of
 * saves, the interrupt time of the save and a checksum) in non-paged pool, kept on a list
 * under a spin lock until the port is saved again or the driver unloads; a restore checks
 * every field of what it is handed. The lifetime callback walks the switch's port and NIC
 * arrays.
 */
/* Windows' include order (ndis.h before fwpsk.h; initguid.h last, for DEFINE_GUID). */
/* clang-format off */
#include <ntddk.h>
#include <ndis.h>
#include <fwpsk.h>
#include <fwpmk.h>
#include <initguid.h>
/* clang-format on */

#define CALLOUT_POOL_TAG 'vDlC'
#define CALLOUT_STATE_VERSION 1

/* {4a9b5a1e-0f6c-4d2e-9b7a-3c1d2e5f6a70} */
DEFINE_GUID(CALLOUT_PROVIDER_GUID, 0x4a9b5a1e, 0x0f6c, 0x4d2e, 0x9b, 0x7a, 0x3c, 0x1d, 0x2e, 0x5f,
            0x6a, 0x70);

static const UCHAR CalloutSignature[16] = {'C', 'A', 'L', 'L', 'O', 'U', 'T', '-',
                                           'S', 'T', 'A', 'T', 'E', '-', 'V', '1'};

/* The saved state of one port, as it crosses the migration: fixed size, no pointers. */
typedef struct _CALLOUT_PORT_STATE {
    UCHAR Signature[16];
    ULONG Version;
    NDIS_SWITCH_PORT_ID PortId;
    ULONG SaveCount;
    ULONG Reserved;
    ULONGLONG SavedAt; /* KeQueryInterruptTime, 100 ns */
    ULONGLONG Checksum;
} CALLOUT_PORT_STATE, *PCALLOUT_PORT_STATE;

/* A saved state, kept until the port's next save (the buffer stays ours: WFP copies it). */
typedef struct _CALLOUT_SAVED_ENTRY {
    LIST_ENTRY Link;
    NDIS_SWITCH_PORT_ID PortId;
    CALLOUT_PORT_STATE State;
} CALLOUT_SAVED_ENTRY, *PCALLOUT_SAVED_ENTRY;

/* ---- Globals: the driver's state ---------------------------------------------------- */

static KSPIN_LOCK CalloutLock;
static LIST_ENTRY CalloutSavedList; /* CALLOUT_SAVED_ENTRY, under CalloutLock */
static UINT32 CalloutSubscriptionId;
static HANDLE CalloutEngineHandle;
static volatile LONG CalloutSaveCount;
static volatile LONG CalloutRestoreCount;
static volatile LONG CalloutSwitchCount;

/* ---- Prototypes ---------------------------------------------------------------------- */

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD CalloutUnload;

/* Laid out as Microsoft publishes prototypes, annotations first. */
/* clang-format off */
_Function_class_(FWPS_VSWITCH_LIFETIME_EVENT_CALLBACK0)
_IRQL_requires_max_(DISPATCH_LEVEL)
static NTSTATUS NTAPI
CalloutLifetimeNotify(
    _In_opt_ void *notifyContext,
    _In_ FWPS_VSWITCH_EVENT_TYPE eventType,
    _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
    _In_opt_ const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
    _In_opt_ const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces
    );

_Function_class_(FWPS_VSWITCH_RUNTIME_STATE_SAVE_CALLBACK0)
_IRQL_requires_max_(DISPATCH_LEVEL)
static NTSTATUS NTAPI
CalloutRuntimeStateSave(
    _In_opt_ void *notifyContext,
    _In_ void *completionContext,
    _In_ FWPS_VSWITCH_EVENT_TYPE eventType,
    _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
    _In_ NDIS_SWITCH_PORT_ID portId,
    _Outptr_result_bytebuffer_(*runtimeStateLength) void **runtimeState,
    _Out_ SIZE_T *runtimeStateLength
    );

_Function_class_(FWPS_VSWITCH_RUNTIME_STATE_RESTORE_CALLBACK0)
_IRQL_requires_max_(DISPATCH_LEVEL)
static NTSTATUS NTAPI
CalloutRuntimeStateRestore(
    _In_opt_ void *notifyContext,
    _In_ void *completionContext,
    _In_ FWPS_VSWITCH_EVENT_TYPE eventType,
    _In_ const NDIS_SWITCH_PARAMETERS *vSwitch,
    _In_ NDIS_SWITCH_PORT_ID portId,
    _In_reads_bytes_(runtimeStateLength) void *runtimeState,
    _In_ SIZE_T runtimeStateLength
    );
/* clang-format on */

#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, CalloutUnload)

/* ---- Helpers --------------------------------------------------------------------------- */

_IRQL_requires_max_(DISPATCH_LEVEL) static ULONGLONG
    CalloutChecksum(_In_ const CALLOUT_PORT_STATE *State)
{
    ULONGLONG sum = State->Version;

    sum = sum * 31 + State->PortId;
    sum = sum * 31 + State->SaveCount;
    sum = sum * 31 + State->SavedAt;
    for (ULONG i = 0; i < RTL_NUMBER_OF(State->Signature); i++)
        sum = sum * 31 + State->Signature[i];
    return sum;
}

/* The saved entry of a port, or NULL. Called with CalloutLock held. */
_IRQL_requires_(DISPATCH_LEVEL) static PCALLOUT_SAVED_ENTRY
    CalloutFindSaved(_In_ NDIS_SWITCH_PORT_ID PortId)
{
    for (PLIST_ENTRY link = CalloutSavedList.Flink; link != &CalloutSavedList; link = link->Flink) {
        PCALLOUT_SAVED_ENTRY entry = CONTAINING_RECORD(link, CALLOUT_SAVED_ENTRY, Link);
        if (entry->PortId == PortId)
            return entry;
    }
    return NULL;
}

/* ---- vSwitch callbacks ------------------------------------------------------------------ */

_Use_decl_annotations_ static NTSTATUS NTAPI CalloutLifetimeNotify(
    void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType, const NDIS_SWITCH_PARAMETERS *vSwitch,
    const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts, const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    ULONG externalPorts = 0, connectedNics = 0;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(vSwitch);
    if (eventType != FWPS_VSWITCH_EVENT_VSWITCH_CREATE)
        return STATUS_SUCCESS;
    InterlockedIncrement(&CalloutSwitchCount);
    for (ULONG i = 0; vSwitchPorts != NULL && i < vSwitchPorts->NumElements; i++) {
        PNDIS_SWITCH_PORT_PARAMETERS port = NDIS_SWITCH_PORT_AT_ARRAY_INDEX(vSwitchPorts, i);
        if (port->PortType == NdisSwitchPortTypeExternal)
            externalPorts++;
    }
    for (ULONG i = 0; vSwitchInterfaces != NULL && i < vSwitchInterfaces->NumElements; i++) {
        PNDIS_SWITCH_NIC_PARAMETERS nic = NDIS_SWITCH_NIC_AT_ARRAY_INDEX(vSwitchInterfaces, i);
        if (nic->NicState == NdisSwitchNicStateConnected)
            connectedNics++;
    }
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL,
               "calloutdrv: switch created: %lu ports (%lu external), %lu NICs (%lu connected)\n",
               vSwitchPorts != NULL ? vSwitchPorts->NumElements : 0, externalPorts,
               vSwitchInterfaces != NULL ? vSwitchInterfaces->NumElements : 0, connectedNics);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ static NTSTATUS NTAPI
CalloutRuntimeStateSave(void *notifyContext, void *completionContext,
                        FWPS_VSWITCH_EVENT_TYPE eventType, const NDIS_SWITCH_PARAMETERS *vSwitch,
                        NDIS_SWITCH_PORT_ID portId, void **runtimeState, SIZE_T *runtimeStateLength)
{
    PCALLOUT_SAVED_ENTRY entry, previous;
    CALLOUT_PORT_STATE state;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(completionContext);
    UNREFERENCED_PARAMETER(eventType);
    UNREFERENCED_PARAMETER(vSwitch);
    *runtimeState = NULL;
    *runtimeStateLength = 0;

    /* Allocated before the lock is taken: the pool is non-paged, but the less held, the better. */
    entry = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*entry), CALLOUT_POOL_TAG);
    if (entry == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(&state, sizeof(state));
    RtlCopyMemory(state.Signature, CalloutSignature, sizeof(state.Signature));
    state.Version = CALLOUT_STATE_VERSION;
    state.PortId = portId;
    state.SaveCount = (ULONG)InterlockedIncrement(&CalloutSaveCount);
    state.SavedAt = KeQueryInterruptTime();
    state.Checksum = CalloutChecksum(&state);
    entry->PortId = portId;
    RtlCopyMemory(&entry->State, &state, sizeof(state));

    KeAcquireSpinLock(&CalloutLock, &oldIrql);
    previous = CalloutFindSaved(portId);
    if (previous != NULL)
        RemoveEntryList(&previous->Link);
    InsertTailList(&CalloutSavedList, &entry->Link);
    KeReleaseSpinLock(&CalloutLock, oldIrql);

    if (previous != NULL)
        ExFreePoolWithTag(previous, CALLOUT_POOL_TAG);
    *runtimeState = &entry->State;
    *runtimeStateLength = sizeof(entry->State);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL, "calloutdrv: saved port %lu (save %lu)\n",
               portId, state.SaveCount);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ static NTSTATUS NTAPI CalloutRuntimeStateRestore(
    void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
    const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId, void *runtimeState,
    SIZE_T runtimeStateLength)
{
    const CALLOUT_PORT_STATE *state = runtimeState;

    UNREFERENCED_PARAMETER(notifyContext);
    UNREFERENCED_PARAMETER(completionContext);
    UNREFERENCED_PARAMETER(eventType);
    UNREFERENCED_PARAMETER(vSwitch);
    if (runtimeState == NULL || runtimeStateLength != sizeof(*state)) {
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL,
                   "calloutdrv: restore port %lu: %Iu bytes, want %Iu\n", portId,
                   runtimeStateLength, sizeof(*state));
        return STATUS_DATA_ERROR;
    }
    if (!RtlEqualMemory(state->Signature, CalloutSignature, sizeof(CalloutSignature)) ||
        state->Version != CALLOUT_STATE_VERSION || state->SaveCount == 0 ||
        state->Checksum != CalloutChecksum(state) || state->SavedAt > KeQueryInterruptTime()) {
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL,
                   "calloutdrv: restore port %lu: the state does not check out\n", portId);
        return STATUS_DATA_ERROR;
    }
    InterlockedIncrement(&CalloutRestoreCount);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_TRACE_LEVEL,
               "calloutdrv: restored port %lu from port %lu (save %lu)\n", portId, state->PortId,
               state->SaveCount);
    return STATUS_SUCCESS;
}

/* ---- DriverEntry and DriverUnload --------------------------------------------------------- */

_Use_decl_annotations_ VOID CalloutUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    PAGED_CODE();

    FwpsvSwitchEventsUnsubscribe(CalloutSubscriptionId, 0, NULL);
    while (!IsListEmpty(&CalloutSavedList)) {
        PLIST_ENTRY link = RemoveHeadList(&CalloutSavedList);
        ExFreePoolWithTag(CONTAINING_RECORD(link, CALLOUT_SAVED_ENTRY, Link), CALLOUT_POOL_TAG);
    }
    if (CalloutEngineHandle != NULL)
        FwpmEngineClose(CalloutEngineHandle);
    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_INFO_LEVEL,
               "calloutdrv: unloaded after %ld saves and %ld restores on %ld switches\n",
               CalloutSaveCount, CalloutRestoreCount, CalloutSwitchCount);
}

_Use_decl_annotations_ NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
                                            PUNICODE_STRING RegistryPath)
{
    /* Static: the WDK pages do not say whether WFP copies the table. */
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE dispatch = {
        .vSwitchLifetimeNotifyFn = CalloutLifetimeNotify,
        .vSwitchRuntimeStateSaveNotifyFn = CalloutRuntimeStateSave,
        .vSwitchRuntimeStateRestoreNotifyFn = CalloutRuntimeStateRestore,
    };
    FWPM_SESSION0 session;
    NTSTATUS status;

    DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_INFO_LEVEL, "calloutdrv: DriverEntry %wZ\n",
               RegistryPath);
    KeInitializeSpinLock(&CalloutLock);
    InitializeListHead(&CalloutSavedList);

    RtlZeroMemory(&session, sizeof(session));
    session.flags = FWPM_SESSION_FLAG_DYNAMIC;
    status = FwpmEngineOpen(NULL, RPC_C_AUTHN_WINNT, NULL, &session, &CalloutEngineHandle);
    if (!NT_SUCCESS(status))
        return status;

    status = FwpsvSwitchEventsSubscribe(&CALLOUT_PROVIDER_GUID, NULL, 0, NULL, &dispatch,
                                        &CalloutSubscriptionId);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL,
                   "calloutdrv: FwpsvSwitchEventsSubscribe failed: 0x%08x\n", status);
        FwpmEngineClose(CalloutEngineHandle);
        CalloutEngineHandle = NULL;
        return status;
    }
    DriverObject->DriverUnload = CalloutUnload;
    return STATUS_SUCCESS;
}
