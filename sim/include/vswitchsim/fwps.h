/*
 * vswitchsim/fwps.h: the WFP vSwitch callout API (fwpsk.h, ntddndis.h) in userspace.
 *
 * Names, parameter order and Windows x64 layouts follow the WDK so that callout code
 * compiles here unchanged. Sources and open questions: shared/spec/wfp-vswitch-api.md.
 * Windows types keep their Windows widths on LP64 Linux: ULONG is 32-bit, WCHAR is
 * 16-bit (not wchar_t), SIZE_T is 64-bit.
 */
#ifndef VSWITCHSIM_FWPS_H
#define VSWITCHSIM_FWPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Calling convention and export ------------------------------------------ */

#define NTAPI /* stdcall/ms_abi are meaningless for a userspace simulator */

#if defined(__GNUC__)
#define VSWITCHSIM_EXPORT __attribute__((visibility("default")))
#else
#define VSWITCHSIM_EXPORT
#endif

/* ---- Base types (Windows x64 widths) --------------------------------------- */

typedef int32_t NTSTATUS;
typedef NTSTATUS NDIS_STATUS;
typedef uint8_t UCHAR;
typedef uint8_t BOOLEAN;
typedef uint16_t USHORT;
typedef uint16_t WCHAR;
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef uint64_t ULONG64;
typedef uint64_t SIZE_T;
typedef void VOID;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef struct _GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;

/* ---- Status codes (ntstatus.h, ndis.h) ------------------------------------- */

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_PENDING ((NTSTATUS)0x00000103L)
#define STATUS_BUFFER_OVERFLOW ((NTSTATUS)0x80000005L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#define STATUS_DATA_ERROR ((NTSTATUS)0xC000003EL)
#define STATUS_REVISION_MISMATCH ((NTSTATUS)0xC0000059L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define STATUS_INVALID_DEVICE_STATE ((NTSTATUS)0xC0000184L)
#define STATUS_NOT_FOUND ((NTSTATUS)0xC0000225L)

#define NDIS_STATUS_SUCCESS ((NDIS_STATUS)STATUS_SUCCESS)
#define NDIS_STATUS_PENDING ((NDIS_STATUS)STATUS_PENDING)
#define NDIS_STATUS_FAILURE ((NDIS_STATUS)STATUS_UNSUCCESSFUL)
#define NDIS_STATUS_RESOURCES ((NDIS_STATUS)STATUS_INSUFFICIENT_RESOURCES)
#define NDIS_STATUS_NOT_SUPPORTED ((NDIS_STATUS)STATUS_NOT_SUPPORTED)
#define NDIS_STATUS_INVALID_PARAMETER ((NDIS_STATUS)STATUS_INVALID_PARAMETER)
#define NDIS_STATUS_INVALID_LENGTH ((NDIS_STATUS)0xC0010014L)
#define NDIS_STATUS_BUFFER_TOO_SHORT ((NDIS_STATUS)0xC0010016L)

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

/* ---- NDIS object header and switch identifiers ----------------------------- */

#define NDIS_OBJECT_TYPE_DEFAULT 0x80

typedef struct _NDIS_OBJECT_HEADER {
    UCHAR Type;
    UCHAR Revision;
    USHORT Size;
} NDIS_OBJECT_HEADER, *PNDIS_OBJECT_HEADER;

typedef UINT32 NDIS_SWITCH_PORT_ID, *PNDIS_SWITCH_PORT_ID;
typedef USHORT NDIS_SWITCH_NIC_INDEX, *PNDIS_SWITCH_NIC_INDEX;

#define NDIS_SWITCH_DEFAULT_PORT_ID 0
#define NDIS_SWITCH_DEFAULT_NIC_INDEX 0

/* IF_COUNTED_STRING (ifdef.h): Length in bytes, no NUL required. 516 bytes. */
#define IF_MAX_STRING_SIZE 256
typedef struct _IF_COUNTED_STRING_LH {
    USHORT Length;
    WCHAR String[IF_MAX_STRING_SIZE + 1];
} IF_COUNTED_STRING_LH, IF_COUNTED_STRING, NDIS_IF_COUNTED_STRING;

typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_NAME, *PNDIS_SWITCH_NAME;
typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_FRIENDLYNAME, *PNDIS_SWITCH_FRIENDLYNAME;
typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_PORT_NAME, *PNDIS_SWITCH_PORT_NAME;
typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_PORT_FRIENDLYNAME, *PNDIS_SWITCH_PORT_FRIENDLYNAME;
typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_NIC_NAME, *PNDIS_SWITCH_NIC_NAME;
typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_NIC_FRIENDLYNAME, *PNDIS_SWITCH_NIC_FRIENDLYNAME;
typedef NDIS_IF_COUNTED_STRING NDIS_SWITCH_EXTENSION_FRIENDLYNAME,
    *PNDIS_SWITCH_EXTENSION_FRIENDLYNAME;
typedef NDIS_IF_COUNTED_STRING NDIS_VM_NAME, *PNDIS_VM_NAME;
typedef NDIS_IF_COUNTED_STRING NDIS_VM_FRIENDLYNAME, *PNDIS_VM_FRIENDLYNAME;

#define NDIS_MAX_PHYS_ADDRESS_LENGTH 32

/* ---- Switch parameters (OID_SWITCH_PARAMETERS) ----------------------------- */

#define NDIS_SWITCH_PARAMETERS_REVISION_1 1

typedef struct _NDIS_SWITCH_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_NAME SwitchName;
    NDIS_SWITCH_FRIENDLYNAME SwitchFriendlyName;
    UINT32 NumSwitchPorts;
    BOOLEAN IsActive;
} NDIS_SWITCH_PARAMETERS, *PNDIS_SWITCH_PARAMETERS;

#define NDIS_SIZEOF_NDIS_SWITCH_PARAMETERS_REVISION_1 \
    (offsetof(NDIS_SWITCH_PARAMETERS, IsActive) + sizeof(BOOLEAN))

/* ---- Ports ----------------------------------------------------------------- */

typedef enum _NDIS_SWITCH_PORT_TYPE {
    NdisSwitchPortTypeGeneric = 0,
    NdisSwitchPortTypeExternal = 1,
    NdisSwitchPortTypeSynthetic = 2,
    NdisSwitchPortTypeEmulated = 3,
    NdisSwitchPortTypeInternal = 4
} NDIS_SWITCH_PORT_TYPE;

typedef enum _NDIS_SWITCH_PORT_STATE {
    NdisSwitchPortStateUnknown = 0,
    NdisSwitchPortStateCreated = 1,
    NdisSwitchPortStateTeardown = 2,
    NdisSwitchPortStateDeleted = 3
} NDIS_SWITCH_PORT_STATE;

#define NDIS_SWITCH_PORT_PARAMETERS_REVISION_1 1

typedef struct _NDIS_SWITCH_PORT_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_PORT_NAME PortName;
    NDIS_SWITCH_PORT_FRIENDLYNAME PortFriendlyName;
    NDIS_SWITCH_PORT_TYPE PortType;
    BOOLEAN IsValidationPort;
    NDIS_SWITCH_PORT_STATE PortState;
} NDIS_SWITCH_PORT_PARAMETERS, *PNDIS_SWITCH_PORT_PARAMETERS;

#define NDIS_SWITCH_PORT_ARRAY_REVISION_1 1

typedef struct _NDIS_SWITCH_PORT_ARRAY {
    NDIS_OBJECT_HEADER Header;
    USHORT Flags;
    USHORT FirstElementOffset;
    ULONG NumElements;
    ULONG ElementSize;
} NDIS_SWITCH_PORT_ARRAY, *PNDIS_SWITCH_PORT_ARRAY;

#define NDIS_SWITCH_PORT_AT_ARRAY_INDEX(_PortArray_, _Index_)                                \
    ((PNDIS_SWITCH_PORT_PARAMETERS)((UCHAR *)(_PortArray_) + (_PortArray_)->FirstElementOffset + \
                                    (_PortArray_)->ElementSize * (_Index_)))

/* ---- NICs (interfaces) ----------------------------------------------------- */

typedef enum _NDIS_SWITCH_NIC_TYPE {
    NdisSwitchNicTypeExternal = 0,
    NdisSwitchNicTypeSynthetic = 1,
    NdisSwitchNicTypeEmulated = 2,
    NdisSwitchNicTypeInternal = 3
} NDIS_SWITCH_NIC_TYPE;

typedef enum _NDIS_SWITCH_NIC_STATE {
    NdisSwitchNicStateUnknown = 0,
    NdisSwitchNicStateCreated = 1,
    NdisSwitchNicStateConnected = 2,
    NdisSwitchNicStateDisconnected = 3,
    NdisSwitchNicStateDeleted = 4
} NDIS_SWITCH_NIC_STATE;

#define NDIS_SWITCH_NIC_PARAMETERS_REVISION_1 1

typedef struct _NDIS_SWITCH_NIC_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_NIC_NAME NicName;
    NDIS_SWITCH_NIC_FRIENDLYNAME NicFriendlyName;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_NIC_INDEX NicIndex;
    NDIS_SWITCH_NIC_TYPE NicType;
    NDIS_SWITCH_NIC_STATE NicState;
    NDIS_VM_NAME VmName;
    NDIS_VM_FRIENDLYNAME VmFriendlyName;
    GUID NetCfgInstanceId;
    ULONG MTU;
    USHORT NumaNodeId;
    UCHAR PermanentMacAddress[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    UCHAR VMMacAddress[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    UCHAR CurrentMacAddress[NDIS_MAX_PHYS_ADDRESS_LENGTH];
    BOOLEAN VFAssigned;
} NDIS_SWITCH_NIC_PARAMETERS, *PNDIS_SWITCH_NIC_PARAMETERS;

#define NDIS_SWITCH_NIC_ARRAY_REVISION_1 1

typedef struct _NDIS_SWITCH_NIC_ARRAY {
    NDIS_OBJECT_HEADER Header;
    USHORT Flags;
    USHORT FirstElementOffset;
    ULONG NumElements;
    ULONG ElementSize;
} NDIS_SWITCH_NIC_ARRAY, *PNDIS_SWITCH_NIC_ARRAY;

#define NDIS_SWITCH_NIC_AT_ARRAY_INDEX(_NicArray_, _Index_)                                \
    ((PNDIS_SWITCH_NIC_PARAMETERS)((UCHAR *)(_NicArray_) + (_NicArray_)->FirstElementOffset + \
                                   (_NicArray_)->ElementSize * (_Index_)))

/* ---- Port properties (policy events) --------------------------------------- */

typedef enum _NDIS_SWITCH_PORT_PROPERTY_TYPE {
    NdisSwitchPortPropertyTypeUndefined = 0,
    NdisSwitchPortPropertyTypeCustom = 1,
    NdisSwitchPortPropertyTypeSecurity = 2,
    NdisSwitchPortPropertyTypeVlan = 3,
    NdisSwitchPortPropertyTypeProfile = 4
} NDIS_SWITCH_PORT_PROPERTY_TYPE;

#define NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1 1

typedef struct _NDIS_SWITCH_PORT_PROPERTY_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_PORT_PROPERTY_TYPE PropertyType;
    GUID PropertyId;
    ULONG PropertyVersion;
    ULONG Reserved;
    ULONG PropertyBufferLength;
    ULONG PropertyBufferOffset;
} NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, *PNDIS_SWITCH_PORT_PROPERTY_PARAMETERS;

#define NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1 1

typedef struct _NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_PORT_PROPERTY_TYPE PropertyType;
    GUID PropertyId;
} NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, *PNDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS;

/* ---- Filter enumeration (reorder callback) --------------------------------- */

typedef struct _NDIS_ENUM_FILTERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG NumberOfFilters;
    ULONG OffsetFirstFilter;
    /* NDIS_FILTER_INTERFACE elements follow; the simulator passes none. */
} NDIS_ENUM_FILTERS, *PNDIS_ENUM_FILTERS;

/* ---- NIC save state (OID_SWITCH_NIC_SAVE / _RESTORE) ------------------------ */

#define NDIS_SWITCH_NIC_SAVE_STATE_REVISION_1 1
#define NDIS_SWITCH_NIC_SAVE_STATE_REVISION_2 2

typedef struct _NDIS_SWITCH_NIC_SAVE_STATE {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_NIC_INDEX NicIndex;
    GUID ExtensionId;
    NDIS_SWITCH_EXTENSION_FRIENDLYNAME ExtensionFriendlyName;
    GUID FeatureClassId;
    USHORT SaveDataSize;
    USHORT SaveDataOffset;
    ULONG SaveDataSizeOverflow; /* NDIS 6.50+, undocumented */
} NDIS_SWITCH_NIC_SAVE_STATE, *PNDIS_SWITCH_NIC_SAVE_STATE;

#define NDIS_SIZEOF_NDIS_SWITCH_NIC_SAVE_STATE_REVISION_1 \
    (offsetof(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataOffset) + sizeof(USHORT))

#define OID_SWITCH_NIC_SAVE 0x00010290
#define OID_SWITCH_NIC_SAVE_COMPLETE 0x00010291
#define OID_SWITCH_NIC_RESTORE 0x00010292
#define OID_SWITCH_NIC_RESTORE_COMPLETE 0x00010293

/* ---- WFP vSwitch events (fwpsk.h) ------------------------------------------ */

/* Current (14-value) order of the generated WDK docs; use the names, not numbers. */
typedef enum FWPS_VSWITCH_EVENT_TYPE_ {
    FWPS_VSWITCH_EVENT_VSWITCH_NONE = 0,
    FWPS_VSWITCH_EVENT_VSWITCH_CREATE,
    FWPS_VSWITCH_EVENT_VSWITCH_DELETE,
    FWPS_VSWITCH_EVENT_PORT_CREATE,
    FWPS_VSWITCH_EVENT_PORT_DELETE,
    FWPS_VSWITCH_EVENT_INTERFACE_CREATE,
    FWPS_VSWITCH_EVENT_INTERFACE_DELETE,
    FWPS_VSWITCH_EVENT_INTERFACE_CONNECT,
    FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT,
    FWPS_VSWITCH_EVENT_POLICY_ADD,
    FWPS_VSWITCH_EVENT_POLICY_UPDATE,
    FWPS_VSWITCH_EVENT_POLICY_DELETE,
    FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE,
    FWPS_VSWITCH_EVENT_RUNTIME_STATE_RESTORE
} FWPS_VSWITCH_EVENT_TYPE;

typedef NTSTATUS(NTAPI *FWPS_VSWITCH_LIFETIME_EVENT_CALLBACK0)(
    void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType, const NDIS_SWITCH_PARAMETERS *vSwitch,
    const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts, const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces);

typedef NTSTATUS(NTAPI *FWPS_VSWITCH_PORT_EVENT_CALLBACK0)(
    void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
    const NDIS_SWITCH_PARAMETERS *vSwitch, const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort);

typedef NTSTATUS(NTAPI *FWPS_VSWITCH_INTERFACE_EVENT_CALLBACK0)(
    void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
    const NDIS_SWITCH_PARAMETERS *vSwitch, const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic);

typedef NTSTATUS(NTAPI *FWPS_VSWITCH_FILTER_ENGINE_REORDER_CALLBACK0)(
    void *notifyContext, void *completionContext, BOOLEAN isInRequiredPosition,
    const NDIS_ENUM_FILTERS *vSwitchExtensionLwfList);

typedef NTSTATUS(NTAPI *FWPS_VSWITCH_POLICY_EVENT_CALLBACK0)(
    void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
    const NDIS_SWITCH_PARAMETERS *vSwitch,
    const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *vSwitchPortProperty,
    const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *vSwitchPortPropertyDelete);

/* The generated WDK syntax puts runtimeState before runtimeStateLength (the prose
 * parameter list does not); the header wins. The length is a SIZE_T. */
typedef NTSTATUS(NTAPI *FWPS_VSWITCH_RUNTIME_STATE_SAVE_CALLBACK0)(
    void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
    const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId, void **runtimeState,
    SIZE_T *runtimeStateLength);

typedef NTSTATUS(NTAPI *FWPS_VSWITCH_RUNTIME_STATE_RESTORE_CALLBACK0)(
    void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
    const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId, void *runtimeState,
    SIZE_T runtimeStateLength);

typedef struct FWPS_VSWITCH_EVENT_DISPATCH_TABLE0_ {
    FWPS_VSWITCH_LIFETIME_EVENT_CALLBACK0 vSwitchLifetimeNotifyFn;
    FWPS_VSWITCH_PORT_EVENT_CALLBACK0 vSwitchPortEventNotifyFn;
    FWPS_VSWITCH_INTERFACE_EVENT_CALLBACK0 vSwitchInterfaceEventNotifyFn;
    FWPS_VSWITCH_FILTER_ENGINE_REORDER_CALLBACK0 vSwitchFilterEngineReorderNotifyRn; /* sic */
    FWPS_VSWITCH_POLICY_EVENT_CALLBACK0 vSwitchPolicyEventNotifyFn;
    FWPS_VSWITCH_RUNTIME_STATE_SAVE_CALLBACK0 vSwitchRuntimeStateSaveNotifyFn;
    FWPS_VSWITCH_RUNTIME_STATE_RESTORE_CALLBACK0 vSwitchRuntimeStateRestoreNotifyFn;
} FWPS_VSWITCH_EVENT_DISPATCH_TABLE0;

#define FWPS_VSWITCH_EVENT_DISPATCH_TABLE FWPS_VSWITCH_EVENT_DISPATCH_TABLE0

/* ---- Functions the simulator provides (fwpkclnt) ---------------------------- */

/* Resolved from the simulator when the plugin is loaded: a plugin links nothing. */
VSWITCHSIM_EXPORT NTSTATUS NTAPI FwpsvSwitchEventsSubscribe0(
    const GUID *providerGuid, void *notifyContext, UINT32 flags, void *reserved,
    const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *eventDispatchTable, UINT32 *subscriptionId);

VSWITCHSIM_EXPORT void NTAPI FwpsvSwitchEventsUnsubscribe0(UINT32 subscriptionId, UINT32 flags,
                                                          void *reserved);

VSWITCHSIM_EXPORT void NTAPI FwpsvSwitchNotifyComplete0(void *completionContext, NTSTATUS status,
                                                       UINT32 flags, void *reserved);

#define FwpsvSwitchEventsSubscribe FwpsvSwitchEventsSubscribe0
#define FwpsvSwitchEventsUnsubscribe FwpsvSwitchEventsUnsubscribe0
#define FwpsvSwitchNotifyComplete FwpsvSwitchNotifyComplete0

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_FWPS_H */
