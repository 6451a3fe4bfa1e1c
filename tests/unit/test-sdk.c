/*
 * test-sdk.c: the plugin ABI of sim/include/vswitchsim/{fwps,plugin}.h. Pins at run time
 * the sizes, offsets, enum values and status codes that fwps.h also pins at compile time
 * (a second net, should someone edit the static asserts along with the structs), checks
 * the callback signatures, the host table and its helpers, and compiles the headers on
 * their own as a plugin author's strict C99 build would. Needs only the SDK headers.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vswitchsim/fwps.h>
#include <vswitchsim/plugin.h>

#define ASSERT_OFFSET(type, field, off)                                                     \
    cr_assert_eq(offsetof(type, field), (size_t)(off), #type "." #field " at %zu, want %d", \
                 offsetof(type, field), (int)(off))
#define ASSERT_SIZE(type, size)                                                               \
    cr_assert_eq(sizeof(type), (size_t)(size), "sizeof " #type " %zu, want %d", sizeof(type), \
                 (int)(size))

/* ---- base types ------------------------------------------------------------------- */

Test(sdk, windows_type_widths_on_lp64)
{
    ASSERT_SIZE(ULONG, 4);
    ASSERT_SIZE(NTSTATUS, 4);
    ASSERT_SIZE(NDIS_STATUS, 4);
    ASSERT_SIZE(UINT32, 4);
    ASSERT_SIZE(USHORT, 2);
    ASSERT_SIZE(WCHAR, 2);
    ASSERT_SIZE(UCHAR, 1);
    ASSERT_SIZE(BOOLEAN, 1);
    ASSERT_SIZE(SIZE_T, 8);
    ASSERT_SIZE(ULONG64, 8);
    ASSERT_SIZE(GUID, 16);
    ASSERT_SIZE(NDIS_OBJECT_HEADER, 4);
    ASSERT_SIZE(IF_COUNTED_STRING, 516);
    ASSERT_SIZE(NDIS_SWITCH_PORT_ID, 4);
    ASSERT_SIZE(NDIS_SWITCH_NIC_INDEX, 2);
    ASSERT_SIZE(FWPS_VSWITCH_EVENT_TYPE, 4);
    /* Signedness matters too: NT_SUCCESS is "status >= 0". */
    cr_assert((NTSTATUS)-1 < 0);
    cr_assert((ULONG)-1 > 0);
}

/* ---- layouts given by the reference (wfp-vswitch-api.md section 3) ------------------ */

Test(sdk, switch_parameters_layout)
{
    ASSERT_SIZE(NDIS_SWITCH_PARAMETERS, 1048);
    ASSERT_OFFSET(NDIS_SWITCH_PARAMETERS, Header, 0);
    ASSERT_OFFSET(NDIS_SWITCH_PARAMETERS, Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_PARAMETERS, SwitchName, 8);
    ASSERT_OFFSET(NDIS_SWITCH_PARAMETERS, SwitchFriendlyName, 524);
    ASSERT_OFFSET(NDIS_SWITCH_PARAMETERS, NumSwitchPorts, 1040);
    ASSERT_OFFSET(NDIS_SWITCH_PARAMETERS, IsActive, 1044);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_PARAMETERS_REVISION_1, 1045);
    cr_assert_eq(NDIS_SWITCH_PARAMETERS_REVISION_1, 1);
}

Test(sdk, nic_save_state_layout)
{
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_NIC_SAVE_STATE_REVISION_1, 568);
    ASSERT_SIZE(NDIS_SWITCH_NIC_SAVE_STATE, 572);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, Header, 0);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, PortId, 8);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, NicIndex, 12);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, ExtensionId, 16);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, ExtensionFriendlyName, 32);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, FeatureClassId, 548);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataSize, 564);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataOffset, 566);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_SAVE_STATE, SaveDataSizeOverflow, 568);
    cr_assert_eq(NDIS_SWITCH_NIC_SAVE_STATE_REVISION_1, 1);
    cr_assert_eq(NDIS_SWITCH_NIC_SAVE_STATE_REVISION_2, 2);
}

/* ---- layouts from the WDK field lists (ntddndis.h, current docs) ------------------- */

Test(sdk, port_parameters_layout)
{
    ASSERT_SIZE(NDIS_SWITCH_PORT_PARAMETERS, 1056);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortId, 8);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortName, 12);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortFriendlyName, 528);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortType, 1044);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, IsValidationPort, 1048);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PARAMETERS, PortState, 1052);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_PORT_PARAMETERS_REVISION_1, 1056);
}

Test(sdk, nic_parameters_layout)
{
    ASSERT_SIZE(NDIS_SWITCH_NIC_PARAMETERS, 2224);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicName, 8);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicFriendlyName, 524);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, PortId, 1040);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicIndex, 1044);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicType, 1048);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NicState, 1052);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VmName, 1056);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VmFriendlyName, 1572);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NetCfgInstanceId, 2088);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, MTU, 2104);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NumaNodeId, 2108);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, PermanentMacAddress, 2110);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VMMacAddress, 2142);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, CurrentMacAddress, 2174);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, VFAssigned, 2206);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_PARAMETERS, NdisReserved, 2208);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_NIC_PARAMETERS_REVISION_1, 2207);
}

Test(sdk, port_and_nic_array_layout)
{
    ASSERT_SIZE(NDIS_SWITCH_PORT_ARRAY, 20);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_ARRAY, Flags, 4);
    ASSERT_SIZE(((NDIS_SWITCH_PORT_ARRAY *)0)->Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_ARRAY, FirstElementOffset, 8);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_ARRAY, NumElements, 12);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_ARRAY, ElementSize, 16);
    ASSERT_SIZE(NDIS_SWITCH_NIC_ARRAY, 20);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_ARRAY, Flags, 4);
    ASSERT_SIZE(((NDIS_SWITCH_NIC_ARRAY *)0)->Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_ARRAY, FirstElementOffset, 8);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_ARRAY, NumElements, 12);
    ASSERT_OFFSET(NDIS_SWITCH_NIC_ARRAY, ElementSize, 16);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_PORT_ARRAY_REVISION_1, 20, "the elements are not counted");
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_NIC_ARRAY_REVISION_1, 20, "the elements are not counted");
    cr_assert_eq(NDIS_SWITCH_PORT_ARRAY_REVISION_1, 1);
    cr_assert_eq(NDIS_SWITCH_NIC_ARRAY_REVISION_1, 1);
}

/* The element macros step by ElementSize from FirstElementOffset, not by sizeof: a
 * newer switch may hand out bigger elements. */
Test(sdk, array_element_macros_use_offset_and_element_size)
{
    static union {
        uint64_t align;
        UCHAR bytes[64 + 3 * 2300];
    } buf;
    NDIS_SWITCH_NIC_ARRAY *nics = (NDIS_SWITCH_NIC_ARRAY *)buf.bytes;
    nics->FirstElementOffset = 64;
    nics->ElementSize = 2300;
    nics->NumElements = 3;
    cr_assert_eq((UCHAR *)NDIS_SWITCH_NIC_AT_ARRAY_INDEX(nics, 0), buf.bytes + 64);
    cr_assert_eq((UCHAR *)NDIS_SWITCH_NIC_AT_ARRAY_INDEX(nics, 2), buf.bytes + 64 + 2 * 2300);

    NDIS_SWITCH_PORT_ARRAY *ports = (NDIS_SWITCH_PORT_ARRAY *)buf.bytes;
    ports->FirstElementOffset = 24;
    ports->ElementSize = 1056;
    cr_assert_eq((UCHAR *)NDIS_SWITCH_PORT_AT_ARRAY_INDEX(ports, 1), buf.bytes + 24 + 1056);
}

Test(sdk, port_property_parameters_layout)
{
    ASSERT_SIZE(NDIS_SWITCH_OBJECT_ID, 16);
    ASSERT_SIZE(NDIS_SWITCH_OBJECT_INSTANCE_ID, 16);
    ASSERT_SIZE(NDIS_SWITCH_OBJECT_VERSION, 2);
    ASSERT_SIZE(NDIS_SWITCH_OBJECT_SERIALIZATION_VERSION, 2);
    ASSERT_SIZE(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, 64);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PortId, 8);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyType, 12);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyId, 16);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyVersion, 32);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, SerializationVersion, 34);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyInstanceId, 36);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyBufferLength, 52);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, PropertyBufferOffset, 56);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, Reserved, 60);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1, 64);

    ASSERT_SIZE(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, 48);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PortId, 8);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyType, 12);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyId, 16);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS, PropertyInstanceId, 32);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1, 48);
    cr_assert_eq(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1, 1);
    cr_assert_eq(NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1, 1);
}

/* Revision 1 runs through PropertyBufferOffset: 16 bytes, the ISV's bytes not counted. */
Test(sdk, port_property_custom_layout)
{
    ASSERT_SIZE(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, 16);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, Header, 0);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, Flags, 4);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, PropertyBufferLength, 8);
    ASSERT_OFFSET(NDIS_SWITCH_PORT_PROPERTY_CUSTOM, PropertyBufferOffset, 12);
    cr_assert_eq(NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1, 16);
    cr_assert_eq(NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1, 1);
}

/*
 * A policy as the switch hands it over: NDIS_SWITCH_PORT_PROPERTY_PARAMETERS, then (at
 * its PropertyBufferOffset) an NDIS_SWITCH_PORT_PROPERTY_CUSTOM, then (at the custom
 * struct's own PropertyBufferOffset) the ISV's bytes. The offsets here leave gaps, so a
 * macro that stepped by sizeof instead would land on the wrong bytes.
 */
Test(sdk, get_property_and_get_buffer_follow_the_offsets)
{
    static union {
        uint64_t align;
        UCHAR bytes[256];
    } buf;
    static const UCHAR isv[] = {0xDE, 0xAD, 0xBE, 0xEF, 0x42};
    const ULONG custom_at = sizeof(NDIS_SWITCH_PORT_PROPERTY_PARAMETERS) + 8;
    const ULONG bytes_at = sizeof(NDIS_SWITCH_PORT_PROPERTY_CUSTOM) + 8;
    memset(buf.bytes, 0xCC, sizeof(buf.bytes));

    NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *params =
        (NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *)buf.bytes;
    memset(params, 0, sizeof(*params));
    params->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    params->Header.Revision = NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1;
    params->Header.Size = NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1;
    params->PropertyType = NdisSwitchPortPropertyTypeCustom;
    params->PropertyBufferOffset = custom_at;
    params->PropertyBufferLength = bytes_at + sizeof(isv);

    NDIS_SWITCH_PORT_PROPERTY_CUSTOM *custom =
        (NDIS_SWITCH_PORT_PROPERTY_CUSTOM *)(buf.bytes + custom_at);
    memset(custom, 0, sizeof(*custom));
    custom->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    custom->Header.Revision = NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1;
    custom->Header.Size = NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1;
    custom->PropertyBufferOffset = bytes_at;
    custom->PropertyBufferLength = sizeof(isv);
    memcpy(buf.bytes + custom_at + bytes_at, isv, sizeof(isv));

    /* Read through const pointers, as the policy callback receives them. */
    const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *in = params;
    const NDIS_SWITCH_PORT_PROPERTY_CUSTOM *got =
        NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_GET_PROPERTY(in);
    cr_assert_eq((const UCHAR *)got, buf.bytes + custom_at);
    cr_assert_eq(got->PropertyBufferLength, sizeof(isv));
    const UCHAR *data = NDIS_SWITCH_PORT_PROPERTY_CUSTOM_GET_BUFFER(got);
    cr_assert_eq(data, buf.bytes + custom_at + bytes_at);
    cr_assert_eq(memcmp(data, isv, sizeof(isv)), 0);
}

Test(sdk, unicode_string_and_net_luid_layout)
{
    ASSERT_SIZE(UNICODE_STRING, 16);
    ASSERT_OFFSET(UNICODE_STRING, Length, 0);
    ASSERT_OFFSET(UNICODE_STRING, MaximumLength, 2);
    ASSERT_OFFSET(UNICODE_STRING, Buffer, 8);
    ASSERT_SIZE(NDIS_STRING, 16);
    ASSERT_SIZE(NET_IFINDEX, 4);
    ASSERT_SIZE(NET_LUID, 8);
}

/* Reserved is bits 0-23 of Value, NetLuidIndex 24-47, IfType 48-63, as MSVC packs them. */
Test(sdk, net_luid_bit_fields_pack_low_bits_first)
{
    NET_LUID luid;
    luid.Value = 0;
    luid.Info.IfType = 6; /* IF_TYPE_ETHERNET_CSMACD */
    luid.Info.NetLuidIndex = 0x1234;
    cr_assert_eq(luid.Value, (6ull << 48) | (0x1234ull << 24), "0x%016llx",
                 (unsigned long long)luid.Value);
    luid.Value = 0xFFFFFFull;
    cr_assert_eq(luid.Info.Reserved, 0xFFFFFFu);
    cr_assert_eq(luid.Info.NetLuidIndex, 0u);
    cr_assert_eq(luid.Info.IfType, 0u);
}

/* Windows x64: IfIndex at 16, 4 bytes of padding, NetLuid at 24, two 16-byte strings. */
Test(sdk, filter_interface_layout)
{
    ASSERT_SIZE(NDIS_FILTER_INTERFACE, 64);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, Header, 0);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, Flags, 4);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, FilterType, 8);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, FilterRunType, 12);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, IfIndex, 16);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, NetLuid, 24);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, FilterClass, 32);
    ASSERT_OFFSET(NDIS_FILTER_INTERFACE, FilterInstanceName, 48);
    cr_assert_eq(NDIS_SIZEOF_FILTER_INTERFACE_REVISION_1, 64);
    cr_assert_eq(NDIS_SIZEOF_FILTER_INTERFACE_REVISION_2, 64);
    cr_assert_eq(NDIS_FILTER_INTERFACE_REVISION_1, 1);
    cr_assert_eq(NDIS_FILTER_INTERFACE_REVISION_2, 2);
}

/* Filter[1] as in ndis.h: sizeof is the WDK's 80 even for an empty list. */
Test(sdk, enum_filters_layout)
{
    ASSERT_SIZE(NDIS_ENUM_FILTERS, 80);
    ASSERT_OFFSET(NDIS_ENUM_FILTERS, Header, 0);
    ASSERT_OFFSET(NDIS_ENUM_FILTERS, Flags, 4);
    ASSERT_OFFSET(NDIS_ENUM_FILTERS, NumberOfFilters, 8);
    ASSERT_OFFSET(NDIS_ENUM_FILTERS, OffsetFirstFilter, 12);
    ASSERT_OFFSET(NDIS_ENUM_FILTERS, Filter, 16);
    cr_assert_eq(NDIS_SIZEOF_ENUM_FILTERS_REVISION_1, 80);
    cr_assert_eq(NDIS_ENUM_FILTERS_REVISION_1, 1);
}

/* Writes an ASCII name as UTF-16 at *cursor and points s at it (no NUL, as Windows may). */
static void put_name(UNICODE_STRING *s, WCHAR **cursor, const char *ascii)
{
    size_t n = strlen(ascii);
    for (size_t i = 0; i < n; i++)
        (*cursor)[i] = (WCHAR)ascii[i];
    s->Buffer = *cursor;
    s->Length = (USHORT)(n * sizeof(WCHAR));
    s->MaximumLength = s->Length;
    *cursor += n;
}

static int name_is(const UNICODE_STRING *s, const char *ascii)
{
    size_t n = strlen(ascii);
    if (s->Length != n * sizeof(WCHAR))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s->Buffer[i] != (WCHAR)ascii[i])
            return 0;
    return 1;
}

/* The reader's walk that fwps.h documents: NumberOfFilters elements, contiguous,
 * from OffsetFirstFilter bytes after the start of the list. */
static const NDIS_FILTER_INTERFACE *filter_at(const NDIS_ENUM_FILTERS *list, ULONG i)
{
    const NDIS_FILTER_INTERFACE *first =
        (const NDIS_FILTER_INTERFACE *)((const UCHAR *)list + list->OffsetFirstFilter);
    return &first[i];
}

/* A two-filter stack laid out as NdisEnumerateFilterModules lays one out: the head, the
 * array, then the strings the array points into. The WFP filter sits below a monitor. */
Test(sdk, enum_filters_walk_two_filters_from_offset_first_filter)
{
    static union {
        uint64_t align;
        UCHAR bytes[1024];
    } buf;
    memset(buf.bytes, 0, sizeof(buf.bytes));
    NDIS_ENUM_FILTERS *list = (NDIS_ENUM_FILTERS *)buf.bytes;
    list->Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    list->Header.Revision = NDIS_ENUM_FILTERS_REVISION_1;
    list->Header.Size = NDIS_SIZEOF_ENUM_FILTERS_REVISION_1;
    list->NumberOfFilters = 2;
    list->OffsetFirstFilter = offsetof(NDIS_ENUM_FILTERS, Filter);

    NDIS_FILTER_INTERFACE *f = (NDIS_FILTER_INTERFACE *)(buf.bytes + list->OffsetFirstFilter);
    WCHAR *names = (WCHAR *)(buf.bytes + list->OffsetFirstFilter + 2 * sizeof(*f));
    static const struct {
        ULONG flags, type, run;
        NET_IFINDEX ifindex;
        const char *cls, *instance;
    } want[2] = {
        {NDIS_FILTER_INTERFACE_LW_FILTER, NdisFilterTypeMonitoring, NdisFilterRunTypeOptional, 7,
         "ms_switch_capture", "Capture-0000"},
        {NDIS_FILTER_INTERFACE_LW_FILTER | NDIS_FILTER_INTERFACE_SEND_BYPASS,
         NdisFilterTypeModifying, NdisFilterRunTypeMandatory, 7, "ms_switch_wfp", "WFP-0000"},
    };
    for (ULONG i = 0; i < 2; i++) {
        f[i].Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
        f[i].Header.Revision = NDIS_FILTER_INTERFACE_REVISION_2;
        f[i].Header.Size = NDIS_SIZEOF_FILTER_INTERFACE_REVISION_2;
        f[i].Flags = want[i].flags;
        f[i].FilterType = want[i].type;
        f[i].FilterRunType = want[i].run;
        f[i].IfIndex = want[i].ifindex;
        f[i].NetLuid.Info.IfType = 6;
        put_name(&f[i].FilterClass, &names, want[i].cls);
        put_name(&f[i].FilterInstanceName, &names, want[i].instance);
    }

    const NDIS_ENUM_FILTERS *in = list; /* as the reorder callback receives it */
    cr_assert_eq(filter_at(in, 0), &in->Filter[0], "the usual offset is that of Filter");
    for (ULONG i = 0; i < in->NumberOfFilters; i++) {
        const NDIS_FILTER_INTERFACE *got = filter_at(in, i);
        cr_assert_eq((const UCHAR *)got - buf.bytes, 16 + 64 * (ptrdiff_t)i);
        cr_assert_eq(got->Header.Size, 64);
        cr_assert_eq(got->Flags, want[i].flags, "filter %u", (unsigned)i);
        cr_assert_eq(got->FilterType, want[i].type, "filter %u", (unsigned)i);
        cr_assert_eq(got->FilterRunType, want[i].run, "filter %u", (unsigned)i);
        cr_assert_eq(got->IfIndex, want[i].ifindex, "filter %u", (unsigned)i);
        cr_assert_eq(got->NetLuid.Info.IfType, 6u, "filter %u", (unsigned)i);
        cr_assert(name_is(&got->FilterClass, want[i].cls), "filter %u class", (unsigned)i);
        cr_assert(name_is(&got->FilterInstanceName, want[i].instance), "filter %u name",
                  (unsigned)i);
    }
}

/* ndis.h values, on the NDIS_FILTER_INTERFACE page and in the Windows SDK metadata. */
Test(sdk, filter_interface_flag_and_type_values)
{
    cr_assert_eq(NDIS_FILTER_INTERFACE_IM_FILTER, 0x1);
    cr_assert_eq(NDIS_FILTER_INTERFACE_LW_FILTER, 0x2);
    cr_assert_eq(NDIS_FILTER_INTERFACE_SEND_BYPASS, 0x4);
    cr_assert_eq(NDIS_FILTER_INTERFACE_RECEIVE_BYPASS, 0x8);
    cr_assert_eq(NdisFilterTypeMonitoring, 1);
    cr_assert_eq(NdisFilterTypeModifying, 2);
    cr_assert_eq(NdisFilterRunTypeMandatory, 1);
    cr_assert_eq(NdisFilterRunTypeOptional, 2);
}

/* wfp-vswitch-api.md section 7 (ntddndis.h values via the Windows SDK metadata). */
Test(sdk, port_and_nic_flag_values)
{
    cr_assert_eq(NDIS_SWITCH_PORT_PARAMETERS_FLAG_UNTRUSTED_INTERNAL_PORT, 0x1);
    cr_assert_eq(NDIS_SWITCH_PORT_PARAMETERS_FLAG_RESTORING_PORT, 0x2);
    cr_assert_eq(NDIS_SWITCH_NIC_FLAGS_NIC_INITIALIZING, 0x1);
    cr_assert_eq(NDIS_SWITCH_NIC_FLAGS_NIC_SUSPENDED, 0x2);
    cr_assert_eq(NDIS_SWITCH_NIC_FLAGS_MAPPED_NIC_UPDATED, 0x4);
    cr_assert_eq(NDIS_SWITCH_NIC_FLAGS_NIC_SUSPENDED_LM, 0x10);
    cr_assert_eq(NDIS_SWITCH_DEFAULT_PORT_ID, 0);
    cr_assert_eq(NDIS_SWITCH_DEFAULT_NIC_INDEX, 0);
}

/* ---- enum values ------------------------------------------------------------------ */

/* The current (14-value) order of the generated WDK syntax: reference section 2 table. */
Test(sdk, vswitch_event_type_values)
{
    static const struct {
        FWPS_VSWITCH_EVENT_TYPE value;
        int want;
        const char *name;
    } table[] = {
        {FWPS_VSWITCH_EVENT_VSWITCH_NONE, 0, "VSWITCH_NONE"},
        {FWPS_VSWITCH_EVENT_VSWITCH_CREATE, 1, "VSWITCH_CREATE"},
        {FWPS_VSWITCH_EVENT_VSWITCH_DELETE, 2, "VSWITCH_DELETE"},
        {FWPS_VSWITCH_EVENT_PORT_CREATE, 3, "PORT_CREATE"},
        {FWPS_VSWITCH_EVENT_PORT_DELETE, 4, "PORT_DELETE"},
        {FWPS_VSWITCH_EVENT_INTERFACE_CREATE, 5, "INTERFACE_CREATE"},
        {FWPS_VSWITCH_EVENT_INTERFACE_DELETE, 6, "INTERFACE_DELETE"},
        {FWPS_VSWITCH_EVENT_INTERFACE_CONNECT, 7, "INTERFACE_CONNECT"},
        {FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT, 8, "INTERFACE_DISCONNECT"},
        {FWPS_VSWITCH_EVENT_POLICY_ADD, 9, "POLICY_ADD"},
        {FWPS_VSWITCH_EVENT_POLICY_UPDATE, 10, "POLICY_UPDATE"},
        {FWPS_VSWITCH_EVENT_POLICY_DELETE, 11, "POLICY_DELETE"},
        {FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE, 12, "RUNTIME_STATE_SAVE"},
        {FWPS_VSWITCH_EVENT_RUNTIME_STATE_RESTORE, 13, "RUNTIME_STATE_RESTORE"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        cr_assert_eq((int)table[i].value, table[i].want, "%s", table[i].name);
}

Test(sdk, ndis_switch_enum_values)
{
    cr_assert_eq(NdisSwitchPortTypeGeneric, 0);
    cr_assert_eq(NdisSwitchPortTypeExternal, 1);
    cr_assert_eq(NdisSwitchPortTypeSynthetic, 2);
    cr_assert_eq(NdisSwitchPortTypeEmulated, 3);
    cr_assert_eq(NdisSwitchPortTypeInternal, 4);

    cr_assert_eq(NdisSwitchPortStateUnknown, 0);
    cr_assert_eq(NdisSwitchPortStateCreated, 1);
    cr_assert_eq(NdisSwitchPortStateTeardown, 2);
    cr_assert_eq(NdisSwitchPortStateDeleted, 3);

    cr_assert_eq(NdisSwitchNicTypeExternal, 0);
    cr_assert_eq(NdisSwitchNicTypeSynthetic, 1);
    cr_assert_eq(NdisSwitchNicTypeEmulated, 2);
    cr_assert_eq(NdisSwitchNicTypeInternal, 3);

    cr_assert_eq(NdisSwitchNicStateUnknown, 0);
    cr_assert_eq(NdisSwitchNicStateCreated, 1);
    cr_assert_eq(NdisSwitchNicStateConnected, 2);
    cr_assert_eq(NdisSwitchNicStateDisconnected, 3);
    cr_assert_eq(NdisSwitchNicStateDeleted, 4);

    cr_assert_eq(NdisSwitchPortPropertyTypeUndefined, 0);
    cr_assert_eq(NdisSwitchPortPropertyTypeCustom, 1);
    cr_assert_eq(NdisSwitchPortPropertyTypeSecurity, 2);
    cr_assert_eq(NdisSwitchPortPropertyTypeVlan, 3);
    cr_assert_eq(NdisSwitchPortPropertyTypeProfile, 4);
    cr_assert_eq(NdisSwitchPortPropertyTypeIsolation, 5);
    cr_assert_eq(NdisSwitchPortPropertyTypeRoutingDomain, 6);
    cr_assert_eq(NdisSwitchPortPropertyTypeMaximum, 7);

    cr_assert_eq(NDIS_OBJECT_TYPE_DEFAULT, 0x80);
    cr_assert_eq(OID_SWITCH_NIC_SAVE, 0x00010290);
    cr_assert_eq(OID_SWITCH_NIC_SAVE_COMPLETE, 0x00010291);
    cr_assert_eq(OID_SWITCH_NIC_RESTORE, 0x00010292);
    cr_assert_eq(OID_SWITCH_NIC_RESTORE_COMPLETE, 0x00010293);
}

/* ---- status codes (reference section 4, ntstatus.h, ndis.h) ----------------------- */

Test(sdk, status_code_values)
{
    static const struct {
        NTSTATUS value;
        uint32_t want;
        const char *name;
    } table[] = {
        {STATUS_SUCCESS, 0x00000000u, "STATUS_SUCCESS"},
        {STATUS_PENDING, 0x00000103u, "STATUS_PENDING"},
        {STATUS_BUFFER_OVERFLOW, 0x80000005u, "STATUS_BUFFER_OVERFLOW"},
        {STATUS_UNSUCCESSFUL, 0xC0000001u, "STATUS_UNSUCCESSFUL"},
        {STATUS_INVALID_PARAMETER, 0xC000000Du, "STATUS_INVALID_PARAMETER"},
        {STATUS_INVALID_DEVICE_REQUEST, 0xC0000010u, "STATUS_INVALID_DEVICE_REQUEST"},
        {STATUS_NO_MEMORY, 0xC0000017u, "STATUS_NO_MEMORY"},
        {STATUS_ACCESS_DENIED, 0xC0000022u, "STATUS_ACCESS_DENIED"},
        {STATUS_BUFFER_TOO_SMALL, 0xC0000023u, "STATUS_BUFFER_TOO_SMALL"},
        {STATUS_DATA_ERROR, 0xC000003Eu, "STATUS_DATA_ERROR"},
        {STATUS_REVISION_MISMATCH, 0xC0000059u, "STATUS_REVISION_MISMATCH"},
        {STATUS_INSUFFICIENT_RESOURCES, 0xC000009Au, "STATUS_INSUFFICIENT_RESOURCES"},
        {STATUS_NOT_SUPPORTED, 0xC00000BBu, "STATUS_NOT_SUPPORTED"},
        {STATUS_INVALID_DEVICE_STATE, 0xC0000184u, "STATUS_INVALID_DEVICE_STATE"},
        {STATUS_DATA_NOT_ACCEPTED, 0xC000021Bu, "STATUS_DATA_NOT_ACCEPTED"},
        {STATUS_NOT_FOUND, 0xC0000225u, "STATUS_NOT_FOUND"},
        {NDIS_STATUS_SUCCESS, 0x00000000u, "NDIS_STATUS_SUCCESS"},
        {NDIS_STATUS_PENDING, 0x00000103u, "NDIS_STATUS_PENDING"},
        {NDIS_STATUS_FAILURE, 0xC0000001u, "NDIS_STATUS_FAILURE"},
        {NDIS_STATUS_RESOURCES, 0xC000009Au, "NDIS_STATUS_RESOURCES"},
        {NDIS_STATUS_NOT_SUPPORTED, 0xC00000BBu, "NDIS_STATUS_NOT_SUPPORTED"},
        {NDIS_STATUS_INVALID_PARAMETER, 0xC000000Du, "NDIS_STATUS_INVALID_PARAMETER"},
        {NDIS_STATUS_INVALID_LENGTH, 0xC0010014u, "NDIS_STATUS_INVALID_LENGTH"},
        {NDIS_STATUS_BUFFER_TOO_SHORT, 0xC0010016u, "NDIS_STATUS_BUFFER_TOO_SHORT"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        cr_assert_eq((uint32_t)table[i].value, table[i].want, "%s", table[i].name);
    /* A distinct NDIS code, not the NT one with a similar name. */
    cr_assert_neq(NDIS_STATUS_BUFFER_TOO_SHORT, STATUS_BUFFER_TOO_SMALL);
    cr_assert(NT_SUCCESS(STATUS_SUCCESS));
    cr_assert(NT_SUCCESS(STATUS_PENDING), "pending is a success code, as on Windows");
    cr_assert(!NT_SUCCESS(STATUS_UNSUCCESSFUL));
    cr_assert(!NT_SUCCESS(STATUS_BUFFER_OVERFLOW), "warnings (0x8...) are not success");
}

/* ---- callbacks and the dispatch table --------------------------------------------- */

Test(sdk, dispatch_table_has_seven_entries_in_documented_order)
{
    const size_t p = sizeof(void *);
    ASSERT_SIZE(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, 7 * p);
    if (p == 8)
        ASSERT_SIZE(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, 56);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchLifetimeNotifyFn, 0 * p);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchPortEventNotifyFn, 1 * p);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchInterfaceEventNotifyFn, 2 * p);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchFilterEngineReorderNotifyRn, 3 * p);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchPolicyEventNotifyFn, 4 * p);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchRuntimeStateSaveNotifyFn, 5 * p);
    ASSERT_OFFSET(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0, vSwitchRuntimeStateRestoreNotifyFn, 6 * p);
    cr_assert_eq(sizeof(FWPS_VSWITCH_EVENT_DISPATCH_TABLE),
                 sizeof(FWPS_VSWITCH_EVENT_DISPATCH_TABLE0));
}

/*
 * Callbacks written with the exact WDK parameter lists (reference section 1). Each is
 * assigned to its typedef below: should a typedef disagree (another order, a ULONG
 * where SIZE_T belongs), the assignment is an incompatible-pointer-types diagnostic,
 * which -Werror (VSWITCHSIM_WERROR=ON, and GCC 14 even without it) makes a build
 * failure. test sdk.save_callback_with_swapped_length_does_not_compile checks that
 * the compiler really refuses such a mismatch.
 */
static NTSTATUS NTAPI exact_lifetime(void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                                     const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI exact_port(void *notifyContext, void *completionContext,
                                 FWPS_VSWITCH_EVENT_TYPE eventType,
                                 const NDIS_SWITCH_PARAMETERS *vSwitch,
                                 const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI exact_interface(void *notifyContext, void *completionContext,
                                      FWPS_VSWITCH_EVENT_TYPE eventType,
                                      const NDIS_SWITCH_PARAMETERS *vSwitch,
                                      const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic)
{
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI exact_reorder(void *notifyContext, void *completionContext,
                                    BOOLEAN isInRequiredPosition,
                                    const NDIS_ENUM_FILTERS *vSwitchExtensionLwfList)
{
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
exact_policy(void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
             const NDIS_SWITCH_PARAMETERS *vSwitch,
             const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *vSwitchPortProperty,
             const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *vSwitchPortPropertyDelete)
{
    return STATUS_SUCCESS;
}

static UCHAR saved_blob[] = {1, 2, 3, 4, 5};

/* void **runtimeState comes before SIZE_T *runtimeStateLength. */
static NTSTATUS NTAPI exact_save(void *notifyContext, void *completionContext,
                                 FWPS_VSWITCH_EVENT_TYPE eventType,
                                 const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                 void **runtimeState, SIZE_T *runtimeStateLength)
{
    *runtimeState = saved_blob;
    *runtimeStateLength = sizeof(saved_blob);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI exact_restore(void *notifyContext, void *completionContext,
                                    FWPS_VSWITCH_EVENT_TYPE eventType,
                                    const NDIS_SWITCH_PARAMETERS *vSwitch,
                                    NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                    SIZE_T runtimeStateLength)
{
    return STATUS_SUCCESS;
}

Test(sdk, callbacks_with_exact_wdk_signatures_fill_the_table)
{
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table = {
        .vSwitchLifetimeNotifyFn = exact_lifetime,
        .vSwitchPortEventNotifyFn = exact_port,
        .vSwitchInterfaceEventNotifyFn = exact_interface,
        .vSwitchFilterEngineReorderNotifyRn = exact_reorder,
        .vSwitchPolicyEventNotifyFn = exact_policy,
        .vSwitchRuntimeStateSaveNotifyFn = exact_save,
        .vSwitchRuntimeStateRestoreNotifyFn = exact_restore,
    };
    /* Walk the table as seven raw pointers: the order a plugin built elsewhere relies on. */
    void (*slots[7])(void);
    memcpy(slots, &table, sizeof(slots));
    cr_assert(slots[0] == (void (*)(void))exact_lifetime);
    cr_assert(slots[3] == (void (*)(void))exact_reorder);
    cr_assert(slots[5] == (void (*)(void))exact_save);
    cr_assert(slots[6] == (void (*)(void))exact_restore);
}

Test(sdk, save_callback_puts_state_before_length)
{
    /* The exact-signature function converts without a cast: the parameter order is
     * runtimeState, then runtimeStateLength, and the length is a SIZE_T. */
    FWPS_VSWITCH_RUNTIME_STATE_SAVE_CALLBACK0 save = exact_save;
    NDIS_SWITCH_PARAMETERS sw;
    memset(&sw, 0, sizeof(sw));
    void *state = NULL;
    SIZE_T length = 0;
    NTSTATUS st =
        save(NULL, (void *)&sw, FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE, &sw, 7, &state, &length);
    cr_assert_eq(st, STATUS_SUCCESS);
    cr_assert_eq(state, (void *)saved_blob);
    cr_assert_eq(length, sizeof(saved_blob));
}

/* ---- the host table and its helpers (plugin.h) ------------------------------------ */

Test(sdk, host_table_starts_with_version_and_size)
{
    ASSERT_OFFSET(VSWITCHSIM_HOST, AbiVersion, 0);
    ASSERT_OFFSET(VSWITCHSIM_HOST, Size, 4);
    ASSERT_SIZE(((VSWITCHSIM_HOST *)0)->AbiVersion, 4);
    ASSERT_SIZE(((VSWITCHSIM_HOST *)0)->Size, 4);
    ASSERT_OFFSET(VSWITCHSIM_HOST, Now, 8);
    cr_assert_geq(VSWITCHSIM_ABI_VERSION, 1u);
}

/* The params getters came from the Reserved room (ABI 1): every member before them and
 * SimulatorContext after them stay where a plugin built against the older header has
 * them, and the table keeps its size. */
Test(sdk, params_getters_took_reserved_room_and_moved_nothing)
{
    ASSERT_OFFSET(VSWITCHSIM_HOST, FreeWithTag, 56);
    ASSERT_OFFSET(VSWITCHSIM_HOST, InstanceName, 64);
    ASSERT_OFFSET(VSWITCHSIM_HOST, HostIndex, 72);
    ASSERT_OFFSET(VSWITCHSIM_HOST, HostCount, 76);
    ASSERT_OFFSET(VSWITCHSIM_HOST, GetParamInt, 80); /* where Reserved[0] was */
    ASSERT_OFFSET(VSWITCHSIM_HOST, GetParamNumber, 88);
    ASSERT_OFFSET(VSWITCHSIM_HOST, GetParamString, 96);
    ASSERT_OFFSET(VSWITCHSIM_HOST, GetParamBool, 104);
    ASSERT_OFFSET(VSWITCHSIM_HOST, GetParamDuration, 112);
    ASSERT_OFFSET(VSWITCHSIM_HOST, GetParamDistribution, 120);
    ASSERT_OFFSET(VSWITCHSIM_HOST, CheckParams, 128);
    ASSERT_OFFSET(VSWITCHSIM_HOST, Reserved, 136);
    ASSERT_OFFSET(VSWITCHSIM_HOST, SimulatorContext, 144);
    ASSERT_SIZE(VSWITCHSIM_HOST, 152);
    ASSERT_SIZE(VSWITCHSIM_DISTRIBUTION, 24);
    ASSERT_OFFSET(VSWITCHSIM_DISTRIBUTION, A, 8);
    ASSERT_OFFSET(VSWITCHSIM_DISTRIBUTION, Values, 8);
    ASSERT_OFFSET(VSWITCHSIM_DISTRIBUTION, B, 16);
}

Test(sdk, host_without_params_getters_is_told_apart)
{
    VSWITCHSIM_HOST host;
    memset(&host, 0, sizeof(host)); /* an older simulator zeroes what was Reserved */
    cr_assert_not(VswitchsimHostHasParams(&host));
}

Test(sdk, pool_tag_reads_as_written)
{
    ULONG tag = VSWITCHSIM_TAG('F', 'l', 'o', 'w');
    cr_assert_eq(tag, 0x776F6C46u);
    /* In memory, on little-endian x64 as on Windows, the bytes spell the tag. */
    const union {
        uint32_t u;
        unsigned char c[4];
    } probe = {1};
    if (probe.c[0] == 1)
        cr_assert_eq(memcmp(&tag, "Flow", 4), 0);
    cr_assert_eq(VSWITCHSIM_TAG(0xFF, 0, 0, 0x80), 0x800000FFu, "no sign extension");
}

/* A fake host whose Random returns a scripted sequence. */
static const UINT64 scripted[] = {0,
                                  UINT64_MAX,
                                  1ull << 63,
                                  1ull << 11,
                                  (1ull << 11) - 1,
                                  0x123456789ABCDEF0ull,
                                  ~(1ull << 11) + 1,
                                  UINT64_MAX - (1ull << 11)};
static size_t scripted_next;

static UINT64 fake_random(const VSWITCHSIM_HOST *host)
{
    (void)host;
    return scripted[scripted_next++ % (sizeof(scripted) / sizeof(scripted[0]))];
}

Test(sdk, random_double_is_in_unit_interval)
{
    VSWITCHSIM_HOST host;
    memset(&host, 0, sizeof(host));
    host.AbiVersion = VSWITCHSIM_ABI_VERSION;
    host.Size = sizeof(host);
    host.Random = fake_random;
    scripted_next = 0;
    cr_assert(VswitchsimRandomDouble(&host) == 0.0, "0 maps to 0");
    double top = VswitchsimRandomDouble(&host);
    cr_assert(top < 1.0, "all ones stays below 1");
    cr_assert(top == 1.0 - 0x1.0p-53, "with all 53 bits: %a", top);
    cr_assert(VswitchsimRandomDouble(&host) == 0.5);
    cr_assert(VswitchsimRandomDouble(&host) == 0x1.0p-53, "the lowest bit used is bit 11");
    cr_assert(VswitchsimRandomDouble(&host) == 0.0, "bits below 11 are dropped");
    for (size_t i = 0; i < 1000; i++) {
        double u = VswitchsimRandomDouble(&host);
        cr_assert(u >= 0.0 && u < 1.0, "%a", u);
    }
}

Test(sdk, sample_distribution_draws_each_kind)
{
    static const double values[] = {10.0, 20.0, 30.0};
    VSWITCHSIM_HOST host;
    VSWITCHSIM_DISTRIBUTION d;
    memset(&host, 0, sizeof(host));
    host.Random = fake_random;
    scripted_next = 0;
    memset(&d, 0, sizeof(d));
    d.Kind = VSWITCHSIM_DIST_CONSTANT;
    d.A = 1499.5;
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 1500, "rounded half up");
    d.A = -3;
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 0, "clamped at 0");
    d.A = 1e30;
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 1000000000000000000ull, "at most 1e18");
    d.Kind = VSWITCHSIM_DIST_UNIFORM;
    d.A = 100;
    d.B = 200;
    scripted_next = 2; /* u = 0.5 */
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 150);
    d.Kind = VSWITCHSIM_DIST_EXPONENTIAL;
    d.A = 1000;
    scripted_next = 0; /* u = 0: -mean * log1p(-0) = 0 */
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 0);
    scripted_next = 2; /* u = 0.5: mean * ln 2 */
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 693);
    d.Kind = VSWITCHSIM_DIST_EMPIRICAL;
    d.Values = values;
    d.ValueCount = 3;
    scripted_next = 0; /* u = 0: the first */
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 10);
    scripted_next = 1; /* u just below 1: the last, never past it */
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 30);
    scripted_next = 2; /* u = 0.5 */
    cr_assert_eq(VswitchsimSampleDistribution(&host, &d), 20);
}

Test(sdk, check_host_accepts_only_its_own_abi)
{
    VSWITCHSIM_HOST host;
    memset(&host, 0, sizeof(host));
    cr_assert_eq(VswitchsimCheckHost(NULL), STATUS_REVISION_MISMATCH);
    host.AbiVersion = VSWITCHSIM_ABI_VERSION;
    host.Size = sizeof(host);
    cr_assert_eq(VswitchsimCheckHost(&host), STATUS_SUCCESS);
    host.Size = sizeof(host) + 64; /* a newer simulator with a grown table */
    cr_assert_eq(VswitchsimCheckHost(&host), STATUS_SUCCESS);
    host.Size = sizeof(host) - 8;
    cr_assert_eq(VswitchsimCheckHost(&host), STATUS_REVISION_MISMATCH);
    host.Size = sizeof(host);
    host.AbiVersion = VSWITCHSIM_ABI_VERSION + 1;
    cr_assert_eq(VswitchsimCheckHost(&host), STATUS_REVISION_MISMATCH);
}

/* ---- the headers as a plugin author's compiler sees them -------------------------- */

/* The SDK include directory: from ctest's environment, else next to this source file. */
static void sdk_include_dir(char *out, size_t len)
{
    const char *src = getenv("VSWITCHSIM_SOURCE_DIR");
    if (src != NULL && *src != '\0') {
        snprintf(out, len, "%s/sim/include", src);
        return;
    }
    snprintf(out, len, "%s", __FILE__);
    char *cut = strstr(out, "/tests/unit/");
    if (cut != NULL)
        snprintf(cut, len - (size_t)(cut - out), "/sim/include");
}

/* Compiles `code` with the test's compiler and `flags`; returns the compiler's status. */
static int compile_snippet(const char *code, const char *flags)
{
    const char *cc = getenv("CC");
    if (cc == NULL || *cc == '\0')
        cc = "cc";
    char dir[] = "/tmp/vs-sdk-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512], cmd[2048], inc[1024];
    snprintf(path, sizeof(path), "%s/snippet.c", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(code, f);
    fclose(f);
    sdk_include_dir(inc, sizeof(inc));
    snprintf(cmd, sizeof(cmd), "'%s' %s -I'%s' -fsyntax-only '%s' 2>'%s/log'", cc, flags, inc, path,
             dir);
    int status = system(cmd);
    if (status != 0) {
        char log[512];
        snprintf(log, sizeof(log), "%s/log", dir);
        FILE *l = fopen(log, "r");
        if (l != NULL) {
            char line[256];
            if (fgets(line, sizeof(line), l) != NULL)
                cr_log_info("%s", line);
            fclose(l);
        }
        unlink(log);
    }
    snprintf(cmd, sizeof(cmd), "%s/log", dir);
    unlink(cmd);
    unlink(path);
    rmdir(dir);
    return status;
}

#define STRICT_C99 "-std=c99 -Wall -Wextra -Werror -pedantic"

/* Decision: the headers support C99 (the layout checks fall back to a negative-array
 * typedef there), C11 and later, and C++. */
Test(sdk, fwps_h_is_self_contained_strict_c99)
{
    cr_assert_eq(compile_snippet("#include <vswitchsim/fwps.h>\n", STRICT_C99), 0);
}

Test(sdk, plugin_h_is_self_contained_strict_c99)
{
    cr_assert_eq(compile_snippet("#include <vswitchsim/plugin.h>\n", STRICT_C99), 0);
}

Test(sdk, headers_compile_strict_c11_in_either_order)
{
    const char *flags = "-std=c11 -Wall -Wextra -Werror -pedantic";
    cr_assert_eq(
        compile_snippet("#include <vswitchsim/plugin.h>\n#include <vswitchsim/fwps.h>\n", flags),
        0);
    cr_assert_eq(
        compile_snippet("#include <vswitchsim/fwps.h>\n#include <vswitchsim/plugin.h>\n", flags),
        0);
}

/* Callout code as written against the WDK: a policy callback that refuses a custom
 * property through the two property macros, and a reorder callback that walks the
 * filter list, compile warning-free under the build's C17 with -pedantic. */
#define WDK_CALLOUT_SNIPPET                                                                 \
    "#include <vswitchsim/fwps.h>\n"                                                        \
    "static NTSTATUS NTAPI policy(void *n, void *c, FWPS_VSWITCH_EVENT_TYPE e,\n"           \
    "    const NDIS_SWITCH_PARAMETERS *s, const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *p,\n" \
    "    const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *d)\n"                           \
    "{\n"                                                                                   \
    "    const NDIS_SWITCH_PORT_PROPERTY_CUSTOM *cp;\n"                                     \
    "    const UCHAR *bytes;\n"                                                             \
    "    (void)n; (void)c; (void)s; (void)d;\n"                                             \
    "    if (e == FWPS_VSWITCH_EVENT_POLICY_DELETE\n"                                       \
    "        || p->PropertyType != NdisSwitchPortPropertyTypeCustom)\n"                     \
    "        return STATUS_SUCCESS;\n"                                                      \
    "    cp = (const NDIS_SWITCH_PORT_PROPERTY_CUSTOM *)\n"                                 \
    "        NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_GET_PROPERTY(p);\n"                       \
    "    bytes = (const UCHAR *)NDIS_SWITCH_PORT_PROPERTY_CUSTOM_GET_BUFFER(cp);\n"         \
    "    if (cp->PropertyBufferLength < 1 || bytes[0] != 1)\n"                              \
    "        return STATUS_DATA_NOT_ACCEPTED;\n"                                            \
    "    return STATUS_SUCCESS;\n"                                                          \
    "}\n"                                                                                   \
    "static NTSTATUS NTAPI reorder(void *n, void *c, BOOLEAN inPlace,\n"                    \
    "    const NDIS_ENUM_FILTERS *list)\n"                                                  \
    "{\n"                                                                                   \
    "    const NDIS_FILTER_INTERFACE *f = (const NDIS_FILTER_INTERFACE *)\n"                \
    "        ((const UCHAR *)list + list->OffsetFirstFilter);\n"                            \
    "    ULONG i, lw = 0;\n"                                                                \
    "    (void)n; (void)c;\n"                                                               \
    "    for (i = 0; i < list->NumberOfFilters; i++)\n"                                     \
    "        if ((f[i].Flags & NDIS_FILTER_INTERFACE_LW_FILTER) != 0\n"                     \
    "            && f[i].FilterClass.Length > 0)\n"                                         \
    "            lw++;\n"                                                                   \
    "    return inPlace || lw == 0 ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_REQUEST;\n"     \
    "}\n"                                                                                   \
    "FWPS_VSWITCH_POLICY_EVENT_CALLBACK0 policy_fn = policy;\n"                             \
    "FWPS_VSWITCH_FILTER_ENGINE_REORDER_CALLBACK0 reorder_fn = reorder;\n"

Test(sdk, wdk_style_policy_and_reorder_callouts_compile_strict_c17)
{
    cr_assert_eq(compile_snippet("#include <vswitchsim/fwps.h>\n",
                                 "-std=c17 -Wall -Wextra -Werror -pedantic"),
                 0);
    cr_assert_eq(compile_snippet(WDK_CALLOUT_SNIPPET, "-std=c17 -Wall -Wextra -Werror -pedantic"),
                 0);
}

/* A save callback in the prose order of the doc page (length first) must be refused.
 * The same snippet in the header's order compiles, so the refusal is the order's doing. */
#define SAVE_SNIPPET(params)                                                         \
    "#include <vswitchsim/fwps.h>\n"                                                 \
    "static NTSTATUS NTAPI save(void *n, void *c, FWPS_VSWITCH_EVENT_TYPE e,\n"      \
    "    const NDIS_SWITCH_PARAMETERS *s, NDIS_SWITCH_PORT_ID p, " params ")\n"      \
    "{ (void)n; (void)c; (void)e; (void)s; (void)p; (void)a; (void)b; return 0; }\n" \
    "FWPS_VSWITCH_RUNTIME_STATE_SAVE_CALLBACK0 fn = save;\n"

Test(sdk, save_callback_with_swapped_length_does_not_compile)
{
    const char *flags = "-std=c11 -Wall -Werror";
    cr_assert_eq(compile_snippet(SAVE_SNIPPET("void **a, SIZE_T *b"), flags), 0);
    cr_assert_neq(compile_snippet(SAVE_SNIPPET("SIZE_T *a, void **b"), flags), 0);
    cr_assert_neq(compile_snippet(SAVE_SNIPPET("void **a, ULONG *b"), flags), 0,
                  "a ULONG length is not the WDK's SIZE_T");
}

/* The pins in fwps.h fire: an ABI where enums are one byte is refused at compile time. */
Test(sdk, layout_pins_refuse_a_wrong_abi)
{
    cr_assert_neq(compile_snippet("#include <vswitchsim/fwps.h>\n", "-std=c11 -fshort-enums"), 0);
    cr_assert_neq(compile_snippet("#include <vswitchsim/fwps.h>\n", "-std=c99 -fshort-enums"), 0);
}
