/*
 * vswitchsim/fwps.h: the WFP vSwitch callout API (fwpsk.h, ntddndis.h) in userspace.
 *
 * Names, parameter order and Windows x64 layouts follow the WDK so that callout code
 * compiles here unchanged. Sources: the WDK reference pages of fwpsk.h and ntddndis.h
 * (learn.microsoft.com) and the Windows SDK metadata. What the simulator does with them:
 * docs/sequence.md and docs/wdk.md, installed as <prefix>/share/doc/vswitchsim/docs/.
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

/* UNICODE_STRING (ntdef.h, learn.microsoft.com .../ntdef/ns-ntdef-_unicode_string):
 * Length and MaximumLength in bytes, Buffer not necessarily NUL-terminated. With the
 * pointer 8-aligned it is 16 bytes on x64. NDIS_STRING (ndis.h) is the same type. */
typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    WCHAR *Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;
typedef UNICODE_STRING NDIS_STRING, *PNDIS_STRING;

/* ---- Status codes (ntstatus.h, ndis.h) ------------------------------------- */

/* ntstatus.h values (checked against the Windows SDK metadata that windows-sys
 * publishes). A callout refuses a port or a policy with any failure status;
 * STATUS_DATA_NOT_ACCEPTED, STATUS_ACCESS_DENIED and STATUS_INVALID_DEVICE_REQUEST
 * are the common ones. */

#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_PENDING ((NTSTATUS)0x00000103L)
#define STATUS_BUFFER_OVERFLOW ((NTSTATUS)0x80000005L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define STATUS_INVALID_DEVICE_REQUEST ((NTSTATUS)0xC0000010L)
#define STATUS_NO_MEMORY ((NTSTATUS)0xC0000017L)
#define STATUS_ACCESS_DENIED ((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL ((NTSTATUS)0xC0000023L)
#define STATUS_DATA_ERROR ((NTSTATUS)0xC000003EL)
#define STATUS_REVISION_MISMATCH ((NTSTATUS)0xC0000059L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#define STATUS_INVALID_DEVICE_STATE ((NTSTATUS)0xC0000184L)
#define STATUS_DATA_NOT_ACCEPTED ((NTSTATUS)0xC000021BL)
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

/* NDIS_SWITCH_PORT_PARAMETERS.Flags (ntddndis.h; values from the Windows SDK metadata).
 * RESTORING_PORT marks a port created to restore a VM. */
#define NDIS_SWITCH_PORT_PARAMETERS_FLAG_UNTRUSTED_INTERNAL_PORT 0x00000001
#define NDIS_SWITCH_PORT_PARAMETERS_FLAG_RESTORING_PORT 0x00000002

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

/* Flags is a ULONG, so FirstElementOffset sits at 8 and 2 bytes of padding follow it.
 * Revision 1 runs through ElementSize: the elements are not part of the size. */
typedef struct _NDIS_SWITCH_PORT_ARRAY {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    USHORT FirstElementOffset;
    ULONG NumElements;
    ULONG ElementSize;
} NDIS_SWITCH_PORT_ARRAY, *PNDIS_SWITCH_PORT_ARRAY;

#define NDIS_SIZEOF_NDIS_SWITCH_PORT_ARRAY_REVISION_1 \
    (offsetof(NDIS_SWITCH_PORT_ARRAY, ElementSize) + sizeof(ULONG))

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

/* NDIS_SWITCH_NIC_PARAMETERS.Flags (ntddndis.h; values from the Windows SDK metadata). */
#define NDIS_SWITCH_NIC_FLAGS_NIC_INITIALIZING 0x00000001
#define NDIS_SWITCH_NIC_FLAGS_NIC_SUSPENDED 0x00000002
#define NDIS_SWITCH_NIC_FLAGS_MAPPED_NIC_UPDATED 0x00000004
#define NDIS_SWITCH_NIC_FLAGS_NIC_SUSPENDED_LM 0x00000010

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

/* Same header as NDIS_SWITCH_PORT_ARRAY: a ULONG Flags, and a size through ElementSize. */
typedef struct _NDIS_SWITCH_NIC_ARRAY {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    USHORT FirstElementOffset;
    ULONG NumElements;
    ULONG ElementSize;
} NDIS_SWITCH_NIC_ARRAY, *PNDIS_SWITCH_NIC_ARRAY;

#define NDIS_SIZEOF_NDIS_SWITCH_NIC_ARRAY_REVISION_1 \
    (offsetof(NDIS_SWITCH_NIC_ARRAY, ElementSize) + sizeof(ULONG))

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

/* The property's bytes, at PropertyBufferOffset from the start of the parameters
 * (ntddndis.h; learn.microsoft.com
 * ".../nf-ntddndis-ndis_switch_port_property_parameters_get_property"). For
 * NdisSwitchPortPropertyTypeCustom they begin with an NDIS_SWITCH_PORT_PROPERTY_CUSTOM. */
#define NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_GET_PROPERTY(_PortParameters_) \
    ((void *)((UCHAR *)(_PortParameters_) + (_PortParameters_)->PropertyBufferOffset))

#define NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1 1

/* A custom (ISV-defined) port policy (ntddndis.h; learn.microsoft.com
 * ".../ns-ntddndis-_ndis_switch_port_property_custom"). It follows the
 * NDIS_SWITCH_PORT_PROPERTY_PARAMETERS; the ISV's bytes lie at PropertyBufferOffset from
 * the start of this struct, PropertyBufferLength of them. 16 bytes, no padding. */
typedef struct _NDIS_SWITCH_PORT_PROPERTY_CUSTOM {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG PropertyBufferLength;
    ULONG PropertyBufferOffset;
} NDIS_SWITCH_PORT_PROPERTY_CUSTOM, *PNDIS_SWITCH_PORT_PROPERTY_CUSTOM;

#define NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1 \
    (offsetof(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, PropertyBufferOffset) + sizeof(ULONG))

/* learn.microsoft.com ".../nf-ntddndis-ndis_switch_port_property_custom_get_buffer". */
#define NDIS_SWITCH_PORT_PROPERTY_CUSTOM_GET_BUFFER(_PortPropertyCustom_) \
    ((void *)((UCHAR *)(_PortPropertyCustom_) + (_PortPropertyCustom_)->PropertyBufferOffset))

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

/* Interface identifiers (ifdef.h; learn.microsoft.com ".../ifdef/ns-ifdef-net_luid_lh").
 * GCC and Clang pack the ULONG64 bit-fields LSB first into one 64-bit unit, as MSVC
 * does: IfType is the top 16 bits of Value. */
typedef ULONG NET_IFINDEX, *PNET_IFINDEX;

typedef union _NET_LUID_LH {
    ULONG64 Value;
    struct {
        ULONG64 Reserved : 24;
        ULONG64 NetLuidIndex : 24;
        ULONG64 IfType : 16;
    } Info;
} NET_LUID_LH, *PNET_LUID_LH;
typedef NET_LUID_LH NET_LUID, *PNET_LUID;
typedef NET_LUID IF_LUID, *PIF_LUID;

/* NDIS_FILTER_INTERFACE.Flags, revisions and type values (ndis.h; learn.microsoft.com
 * ".../ndis/ns-ndis-_ndis_filter_interface"; flag values from the Windows SDK metadata).
 * NDIS 6.30 and later fill revision 2; the BYPASS flags are set only there. The page
 * lists the same fields for both revisions. The enum values are the page's; the enum
 * type names are those that ndis.sys's public symbols show. */
#define NDIS_FILTER_INTERFACE_IM_FILTER 0x00000001
#define NDIS_FILTER_INTERFACE_LW_FILTER 0x00000002
#define NDIS_FILTER_INTERFACE_SEND_BYPASS 0x00000004
#define NDIS_FILTER_INTERFACE_RECEIVE_BYPASS 0x00000008
#define NDIS_FILTER_INTERFACE_REVISION_1 1
#define NDIS_FILTER_INTERFACE_REVISION_2 2

typedef enum _NDIS_FILTER_TYPE {
    NdisFilterTypeMonitoring = 1,
    NdisFilterTypeModifying = 2
} NDIS_FILTER_TYPE, *PNDIS_FILTER_TYPE;

typedef enum _NDIS_FILTER_RUN_TYPE {
    NdisFilterRunTypeMandatory = 1,
    NdisFilterRunTypeOptional = 2
} NDIS_FILTER_RUN_TYPE, *PNDIS_FILTER_RUN_TYPE;

/* One filter module of the stack. FilterType and FilterRunType are ULONGs holding the
 * enum values above. x64: 4 bytes of padding after IfIndex put NetLuid at 24; the two
 * strings (16 bytes each, pointer-bearing) end the struct at 64. */
typedef struct _NDIS_FILTER_INTERFACE {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG FilterType;
    ULONG FilterRunType;
    NET_IFINDEX IfIndex;
    NET_LUID NetLuid;
    NDIS_STRING FilterClass;
    NDIS_STRING FilterInstanceName;
} NDIS_FILTER_INTERFACE, *PNDIS_FILTER_INTERFACE;

/* [INFERRED] Through the last field, as ntddndis.h defines its NDIS_SIZEOF_* macros; no
 * public header copy gives these two. Both revisions have the same fields. */
#define NDIS_SIZEOF_FILTER_INTERFACE_REVISION_1 \
    (offsetof(NDIS_FILTER_INTERFACE, FilterInstanceName) + sizeof(NDIS_STRING))
#define NDIS_SIZEOF_FILTER_INTERFACE_REVISION_2 NDIS_SIZEOF_FILTER_INTERFACE_REVISION_1

#define NDIS_ENUM_FILTERS_REVISION_1 1

/* The extension stack as the reorder callback sees it (ndis.h; learn.microsoft.com
 * ".../ndis/ns-ndis-_ndis_enum_filters"), declared as ndis.h has it, with Filter[1], so
 * sizeof is the WDK's 80 even for an empty list. A reader walks NumberOfFilters
 * contiguous NDIS_FILTER_INTERFACEs starting OffsetFirstFilter bytes from the start of
 * this struct, not through Filter[]:
 *     const NDIS_FILTER_INTERFACE *f = (const NDIS_FILTER_INTERFACE *)
 *         ((const UCHAR *)list + list->OffsetFirstFilter);
 *     for (ULONG i = 0; i < list->NumberOfFilters; i++) use(&f[i]);
 * NumberOfFilters may be 0. Treat the list and the strings' Buffers as the caller's,
 * valid for the call: copy what you keep. */
typedef struct _NDIS_ENUM_FILTERS {
    NDIS_OBJECT_HEADER Header;
    ULONG Flags;
    ULONG NumberOfFilters;
    ULONG OffsetFirstFilter;
    NDIS_FILTER_INTERFACE Filter[1];
} NDIS_ENUM_FILTERS, *PNDIS_ENUM_FILTERS;

/* [INFERRED] Through Filter[1], as ntddndis.h sizes structs that end in a [1] array
 * (NDIS_WMI_ENUM_ADAPTER runs through DeviceName[1]). */
#define NDIS_SIZEOF_ENUM_FILTERS_REVISION_1 \
    (offsetof(NDIS_ENUM_FILTERS, Filter) + sizeof(NDIS_FILTER_INTERFACE))

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

/* [INFERRED] The OID_SWITCH_NIC_SAVE page bounds SaveDataSize by
 * NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE but gives no value, and no public header copy
 * has one. The same page says Header.Size, a USHORT, is the size of the whole buffer, and
 * the data starts at SaveDataOffset, after the REVISION_1 struct: so one segment carries
 * at most 65535 - 568 = 64967 bytes. The simulator splits or refuses state by this value
 * (docs/sequence.md "Segment capacity"); define it yourself if your WDK does. */
#ifndef NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE
#define NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE \
    (0xFFFFu - NDIS_SIZEOF_NDIS_SWITCH_NIC_SAVE_STATE_REVISION_1)
#endif

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

/* Windows widths, whatever the Linux ABI's: what a driver's source assumes. */
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

/* The x64 layouts of ntddndis.h (NDIS 6.30+), offsets as the WDK's struct pages give them. */
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
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_PORT_ARRAY_REVISION_1 == 20,
                         sizeof_port_array_revision_1);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, FirstElementOffset, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, NumElements, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_ARRAY, ElementSize, 16);
VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_NIC_ARRAY, 20);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_NIC_ARRAY_REVISION_1 == 20,
                         sizeof_nic_array_revision_1);
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
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1 == 64,
                         sizeof_port_property_parameters_revision_1);

VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, 16);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, PropertyBufferLength, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, PropertyBufferOffset, 12);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1 == 16,
                         sizeof_port_property_custom_revision_1);

VSWITCHSIM_PIN_SIZE(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, 48);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyType, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyId, 16);
VSWITCHSIM_PIN_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyInstanceId, 32);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1 == 48,
                         sizeof_port_property_delete_parameters_revision_1);

/* Pointer-bearing: these hold for LP64 and Windows x64 (8-byte pointers) only. */
VSWITCHSIM_PIN_SIZE(UNICODE_STRING, 16);
VSWITCHSIM_PIN_OFFSET(UNICODE_STRING, MaximumLength, 2);
VSWITCHSIM_PIN_OFFSET(UNICODE_STRING, Buffer, 8);
VSWITCHSIM_PIN_SIZE(NET_LUID, 8);

VSWITCHSIM_PIN_SIZE(NDIS_FILTER_INTERFACE, 64);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, FilterType, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, FilterRunType, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, IfIndex, 16);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, NetLuid, 24);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, FilterClass, 32);
VSWITCHSIM_PIN_OFFSET(NDIS_FILTER_INTERFACE, FilterInstanceName, 48);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_FILTER_INTERFACE_REVISION_1 == 64,
                         sizeof_filter_interface_revision_1);

VSWITCHSIM_PIN_SIZE(NDIS_ENUM_FILTERS, 80);
VSWITCHSIM_PIN_OFFSET(NDIS_ENUM_FILTERS, Flags, 4);
VSWITCHSIM_PIN_OFFSET(NDIS_ENUM_FILTERS, NumberOfFilters, 8);
VSWITCHSIM_PIN_OFFSET(NDIS_ENUM_FILTERS, OffsetFirstFilter, 12);
VSWITCHSIM_PIN_OFFSET(NDIS_ENUM_FILTERS, Filter, 16);
VSWITCHSIM_STATIC_ASSERT(NDIS_SIZEOF_ENUM_FILTERS_REVISION_1 == 80, sizeof_enum_filters_revision_1);

/* ==== end of ABI pins ============================================================= */

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_FWPS_H */
