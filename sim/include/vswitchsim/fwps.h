/*
 * vswitchsim/fwps.h: the WFP vSwitch callout API (fwpsk.h, ntddndis.h) in userspace.
 *
 * Names, parameter order and Windows x64 layouts follow the WDK so that callout code
 * compiles here unchanged. Sources and open questions: shared/spec/wfp-vswitch-api.md.
 * Windows types keep their Windows widths on LP64 Linux: ULONG is 32-bit, WCHAR is
 * 16-bit (not wchar_t), SIZE_T is 64-bit. NDIS layouts were checked against the
 * generated syntax of learn.microsoft.com's ntddndis pages and a WDK-derived ntddndis.h;
 * the sizes and offsets are pinned at the end of this file.
 *
 * Needs C99 or later, or C++; the layout checks use _Static_assert under C11 and later,
 * static_assert under C++11, and a negative-array typedef before that.
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

/* Identity and versioning of switch policy objects (NDIS 6.30). */
typedef GUID NDIS_SWITCH_OBJECT_INSTANCE_ID, *PNDIS_SWITCH_OBJECT_INSTANCE_ID;
typedef GUID NDIS_SWITCH_OBJECT_ID, *PNDIS_SWITCH_OBJECT_ID;
typedef USHORT NDIS_SWITCH_OBJECT_VERSION, *PNDIS_SWITCH_OBJECT_VERSION;
typedef USHORT NDIS_SWITCH_OBJECT_SERIALIZATION_VERSION, *PNDIS_SWITCH_OBJECT_SERIALIZATION_VERSION;
#define NDIS_SWITCH_OBJECT_SERIALIZATION_VERSION_1 1

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

#define NDIS_SIZEOF_NDIS_SWITCH_PORT_PARAMETERS_REVISION_1 \
    (offsetof(NDIS_SWITCH_PORT_PARAMETERS, PortState) + sizeof(NDIS_SWITCH_PORT_STATE))

#define NDIS_SWITCH_PORT_ARRAY_REVISION_1 1

/* Flags is a ULONG, so FirstElementOffset sits at 8 and 2 bytes of padding follow it. */
typedef struct _NDIS_SWITCH_PORT_ARRAY {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
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

/* Revision 1 (NDIS 6.30) ends at VFAssigned; NDIS 6.40 appended NdisReserved, which the
 * current WDK docs show, and so do we. Its 8-byte alignment makes sizeof 2224, while
 * NDIS_SIZEOF_..._REVISION_1 (what Header.Size carries) stays 2207. */
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
    ULONG64 NdisReserved[2]; /* NDIS 6.40+ */
} NDIS_SWITCH_NIC_PARAMETERS, *PNDIS_SWITCH_NIC_PARAMETERS;

#define NDIS_SIZEOF_NDIS_SWITCH_NIC_PARAMETERS_REVISION_1 \
    (offsetof(NDIS_SWITCH_NIC_PARAMETERS, VFAssigned) + sizeof(BOOLEAN))

#define NDIS_SWITCH_NIC_ARRAY_REVISION_1 1

/* Same header as NDIS_SWITCH_PORT_ARRAY: a ULONG Flags. */
typedef struct _NDIS_SWITCH_NIC_ARRAY {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
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
    NdisSwitchPortPropertyTypeProfile = 4,
    NdisSwitchPortPropertyTypeIsolation = 5,     /* NDIS 6.40+ */
    NdisSwitchPortPropertyTypeRoutingDomain = 6, /* NDIS 6.40+ */
    NdisSwitchPortPropertyTypeMaximum = 7        /* may grow in later WDKs */
} NDIS_SWITCH_PORT_PROPERTY_TYPE, *PNDIS_SWITCH_PORT_PROPERTY_TYPE;

#define NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1 1

/* The versions are USHORTs and Reserved comes last, after the buffer fields. The
 * property's bytes lie at PropertyBufferOffset from the start of this struct. */
typedef struct _NDIS_SWITCH_PORT_PROPERTY_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_PORT_PROPERTY_TYPE PropertyType;
    NDIS_SWITCH_OBJECT_ID PropertyId;
    NDIS_SWITCH_OBJECT_VERSION PropertyVersion;
    NDIS_SWITCH_OBJECT_SERIALIZATION_VERSION SerializationVersion;
    NDIS_SWITCH_OBJECT_INSTANCE_ID PropertyInstanceId;
    ULONG PropertyBufferLength;
    ULONG PropertyBufferOffset;
    ULONG Reserved;
} NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, *PNDIS_SWITCH_PORT_PROPERTY_PARAMETERS;

#define NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1 \
    (offsetof(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, Reserved) + sizeof(ULONG))

#define NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1 1

typedef struct _NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    NDIS_SWITCH_PORT_ID PortId;
    NDIS_SWITCH_PORT_PROPERTY_TYPE PropertyType;
    NDIS_SWITCH_OBJECT_ID PropertyId;
    NDIS_SWITCH_OBJECT_INSTANCE_ID PropertyInstanceId;
} NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, *PNDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS;

#define NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1 \
    (offsetof(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyInstanceId) + \
     sizeof(NDIS_SWITCH_OBJECT_INSTANCE_ID))

/* ---- Filter enumeration (reorder callback) --------------------------------- */

/* ndis.h ends this struct with NDIS_FILTER_INTERFACE Filter[1], a pointer-bearing
 * struct the simulator does not model; it passes no elements (NumberOfFilters 0), so only
 * the fixed head is declared and sizeof is 16, not the WDK's. Find elements through
 * OffsetFirstFilter, as the WDK docs say to, never through sizeof. */
typedef struct _NDIS_ENUM_FILTERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG NumberOfFilters;
    ULONG OffsetFirstFilter;
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

/* ==== ABI pins: sizes and offsets a built plugin relies on ======================= *
 * A wrong layout must not compile, for the simulator or for a plugin: it would
 * otherwise show up only as garbage read out of a callback's parameters. */

#if defined(__cplusplus) && __cplusplus >= 201103L
#define VSWITCHSIM_STATIC_ASSERT(cond, name) static_assert(cond, #name)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define VSWITCHSIM_STATIC_ASSERT(cond, name) _Static_assert(cond, #name)
#else /* C99, C++98: an array of negative size is the error */
#define VSWITCHSIM_STATIC_ASSERT(cond, name) \
    typedef char vswitchsim_static_assert_##name[(cond) ? 1 : -1]
#endif
#define VSWITCHSIM_PIN_SIZE(type, size) VSWITCHSIM_STATIC_ASSERT(sizeof(type) == (size), sizeof_##type)
#define VSWITCHSIM_PIN_OFFSET(type, field, off) \
    VSWITCHSIM_STATIC_ASSERT(offsetof(type, field) == (off), offsetof_##type##_##field)

/* Windows widths (CONTRACT.md section 2). */
VSWITCHSIM_PIN_SIZE(ULONG, 4);
VSWITCHSIM_PIN_SIZE(NTSTATUS, 4);
VSWITCHSIM_PIN_SIZE(UINT32, 4);
VSWITCHSIM_PIN_SIZE(USHORT, 2);
VSWITCHSIM_PIN_SIZE(WCHAR, 2);
VSWITCHSIM_PIN_SIZE(BOOLEAN, 1);
VSWITCHSIM_PIN_SIZE(SIZE_T, 8);
VSWITCHSIM_PIN_SIZE(ULONG64, 8);
VSWITCHSIM_PIN_SIZE(GUID, 16);
VSWITCHSIM_PIN_SIZE(NDIS_OBJECT_HEADER, 4);
VSWITCHSIM_PIN_SIZE(IF_COUNTED_STRING, 516);
/* Enums in WDK structs are 4-byte ints (MSVC); -fshort-enums would break every layout. */
VSWITCHSIM_PIN_SIZE(FWPS_VSWITCH_EVENT_TYPE, 4);
VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_TYPE, 4);

/* Given by wfp-vswitch-api.md section 3. */
VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PARAMETERS, 1048);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PARAMETERS, Header, 0);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PARAMETERS, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PARAMETERS, SwitchName, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PARAMETERS, SwitchFriendlyName, 524);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PARAMETERS, NumSwitchPorts, 1040);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PARAMETERS, IsActive, 1044);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_PARAMETERS_REVISION_1 == 1045,
                         sizeof_switch_parameters_revision_1);

VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_NIC_SAVE_STATE_REVISION_1 == 568,
                         sizeof_nic_save_state_revision_1);
VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_NIC_SAVE_STATE, 572);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, Header, 0);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, PortId, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, NicIndex, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, ExtensionId, 16);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, ExtensionFriendlyName, 32);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, FeatureClassId, 548);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataSize, 564);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataOffset, 566);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataSizeOverflow, 568);

/* Seven pointers in the documented order: 56 bytes on LP64 and on Windows x64. */
VSWITCHSIM_PIN_SIZE(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, 7 * sizeof(void *));
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchLifetimeNotifyFn, 0);
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchPortEventNotifyFn,
                      1 * sizeof(void *));
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchInterfaceEventNotifyFn,
                      2 * sizeof(void *));
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchFilterEngineReorderNotifyRn,
                      3 * sizeof(void *));
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchPolicyEventNotifyFn,
                      4 * sizeof(void *));
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchRuntimeStateSaveNotifyFn,
                      5 * sizeof(void *));
VSWITCHSIM_PIN_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchRuntimeStateRestoreNotifyFn,
                      6 * sizeof(void *));

/* Not given by the reference: worked out from the WDK field lists with the Windows x64
 * rules (natural alignment, 4-byte enums, 2-byte-aligned counted strings). */
VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_PARAMETERS, 1056);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortId, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortName, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortFriendlyName, 528);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortType, 1044);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, IsValidationPort, 1048);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortState, 1052);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_PORT_PARAMETERS_REVISION_1 == 1056,
                         sizeof_port_parameters_revision_1);

VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_NIC_PARAMETERS, 2224);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicName, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicFriendlyName, 524);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, PortId, 1040);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicIndex, 1044);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicType, 1048);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicState, 1052);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VmName, 1056);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VmFriendlyName, 1572);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NetCfgInstanceId, 2088);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, MTU, 2104);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NumaNodeId, 2108);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, PermanentMacAddress, 2110);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VMMacAddress, 2142);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, CurrentMacAddress, 2174);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VFAssigned, 2206);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NdisReserved, 2208);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_NIC_PARAMETERS_REVISION_1 == 2207,
                         sizeof_nic_parameters_revision_1);

VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_ARRAY, 20);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, FirstElementOffset, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, NumElements, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, ElementSize, 16);
VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_NIC_ARRAY, 20);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_ARRAY, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_ARRAY, FirstElementOffset, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_ARRAY, NumElements, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_NIC_ARRAY, ElementSize, 16);

VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, 64);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PortId, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyType, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyId, 16);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyVersion, 32);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, SerializationVersion, 34);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyInstanceId, 36);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyBufferLength, 52);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyBufferOffset, 56);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, Reserved, 60);

VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, 48);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyType, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyId, 16);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyInstanceId, 32);

VSWITCHSIM_PIN_SIZE(NDIS_ENUM_FILTERS, 16); /* head only, see above */
VSWITCHSIM_PIN_OFFSET(NDIS_ENUM_FILTERS, OffsetFirstFilter, 12);

/* ==== end of ABI pins ============================================================= */

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_FWPS_H */
