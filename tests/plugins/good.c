/*
 * good: a minimal correct callout for the loader and WFP tests. It subscribes all seven
 * callbacks, logs each one it receives at DEBUG (one line: the event, the switch, the
 * port or NIC) so a test can read back the sequence, and completes every one at once.
 * Save returns an 8-byte blob, "GOOD" and the port id; restore checks it. PORT_CREATE,
 * PORT_DELETE and POLICY_* lines of a validation port end in " validation=1"; a policy's
 * port is known as one from its validation PORT_CREATE to its PORT_DELETE.
 */
#include <string.h>

#include <stdio.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

static const GUID GOOD_BASE = {
    0x6be37207, 0x6041, 0x4abb, {0xbd, 0x55, 0x96, 0xa7, 0xd1, 0x52, 0x94, 0x4e}};

#define GOOD_BLOB_BYTES 8

/* instance->buffer: allocated at entry, so that no callback allocates. */
typedef struct good_state {
    UCHAR blob[GOOD_BLOB_BYTES]; /* copied at a SUCCESS return, so one per instance */
    fixture_validation_ports validation;
} good_state;

static const char *event_name(FWPS_VSWITCH_EVENT_TYPE eventType)
{
    switch (eventType) {
    case FWPS_VSWITCH_EVENT_VSWITCH_CREATE:
        return "VSWITCH_CREATE";
    case FWPS_VSWITCH_EVENT_VSWITCH_DELETE:
        return "VSWITCH_DELETE";
    case FWPS_VSWITCH_EVENT_PORT_CREATE:
        return "PORT_CREATE";
    case FWPS_VSWITCH_EVENT_PORT_DELETE:
        return "PORT_DELETE";
    case FWPS_VSWITCH_EVENT_INTERFACE_CREATE:
        return "INTERFACE_CREATE";
    case FWPS_VSWITCH_EVENT_INTERFACE_DELETE:
        return "INTERFACE_DELETE";
    case FWPS_VSWITCH_EVENT_INTERFACE_CONNECT:
        return "INTERFACE_CONNECT";
    case FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT:
        return "INTERFACE_DISCONNECT";
    case FWPS_VSWITCH_EVENT_POLICY_ADD:
        return "POLICY_ADD";
    case FWPS_VSWITCH_EVENT_POLICY_UPDATE:
        return "POLICY_UPDATE";
    case FWPS_VSWITCH_EVENT_POLICY_DELETE:
        return "POLICY_DELETE";
    case FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE:
        return "RUNTIME_STATE_SAVE";
    case FWPS_VSWITCH_EVENT_RUNTIME_STATE_RESTORE:
        return "RUNTIME_STATE_RESTORE";
    default:
        return "NONE";
    }
}

/* The switch name (UTF-16) as ASCII, '?' for anything else. */
static const char *switch_name(const NDIS_SWITCH_PARAMETERS *vSwitch, char *buf, size_t size)
{
    size_t n = vSwitch != NULL ? vSwitch->SwitchName.Length / sizeof(WCHAR) : 0;

    if (n > IF_MAX_STRING_SIZE)
        n = IF_MAX_STRING_SIZE;
    if (n > size - 1)
        n = size - 1;
    for (size_t i = 0; i < n; i++) {
        WCHAR c = vSwitch->SwitchName.String[i];
        buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    buf[n] = '\0';
    return buf;
}

#define LOG_EVENT(instance, vSwitch, fmt, ...)                                                   \
    do {                                                                                         \
        char name_[IF_MAX_STRING_SIZE + 1];                                                      \
        (instance)->host->Log((instance)->host, VSWITCHSIM_LOG_DEBUG, "%s switch=%s " fmt,       \
                              event_name(eventType), switch_name(vSwitch, name_, sizeof(name_)), \
                              __VA_ARGS__);                                                      \
    } while (0)

static NTSTATUS NTAPI good_lifetime(void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                                    const NDIS_SWITCH_PARAMETERS *vSwitch,
                                    const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                                    const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    LOG_EVENT((fixture_instance *)notifyContext, vSwitch, "ports=%u nics=%u",
              vSwitchPorts != NULL ? vSwitchPorts->NumElements : 0,
              vSwitchInterfaces != NULL ? vSwitchInterfaces->NumElements : 0);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI good_port(void *notifyContext, void *completionContext,
                                FWPS_VSWITCH_EVENT_TYPE eventType,
                                const NDIS_SWITCH_PARAMETERS *vSwitch,
                                const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    fixture_instance *instance = notifyContext;
    BOOLEAN validation = vSwitchPort->IsValidationPort;

    /* With all slots taken a validation port's policies are logged without the flag. */
    fixture_validation_event(&((good_state *)instance->buffer)->validation, eventType, vSwitch,
                             vSwitchPort, TRUE);

    LOG_EVENT(instance, vSwitch, "port=%u%s", vSwitchPort->PortId,
              validation ? " validation=1" : "");
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI good_interface(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic)
{
    LOG_EVENT((fixture_instance *)notifyContext, vSwitch, "port=%u nic=%u", vSwitchNic->PortId,
              vSwitchNic->NicIndex);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI good_reorder(void *notifyContext, void *completionContext,
                                   BOOLEAN isInRequiredPosition,
                                   const NDIS_ENUM_FILTERS *vSwitchExtensionLwfList)
{
    const fixture_instance *instance = notifyContext;

    instance->host->Log(instance->host, VSWITCHSIM_LOG_DEBUG, "FILTER_ENGINE_REORDER required=%u",
                        isInRequiredPosition);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
good_policy(void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
            const NDIS_SWITCH_PARAMETERS *vSwitch,
            const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *vSwitchPortProperty,
            const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *vSwitchPortPropertyDelete)
{
    NDIS_SWITCH_PORT_ID portId = vSwitchPortProperty != NULL ? vSwitchPortProperty->PortId
                                 : vSwitchPortPropertyDelete != NULL
                                     ? vSwitchPortPropertyDelete->PortId
                                     : 0;

    fixture_instance *instance = notifyContext;
    BOOLEAN validation =
        fixture_validation_port(&((good_state *)instance->buffer)->validation, vSwitch, portId);
    char data[2 * 4 + 1] = "";

    if (vSwitchPortProperty == NULL) {
        LOG_EVENT(instance, vSwitch, "port=%u%s", portId, validation ? " validation=1" : "");
        return STATUS_SUCCESS;
    }
    /* The custom property's bytes, as a callout reads them (D-POLICY): the first 4 in hex. */
    const NDIS_SWITCH_PORT_PROPERTY_CUSTOM *custom =
        NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_GET_PROPERTY(vSwitchPortProperty);
    const UCHAR *bytes = NDIS_SWITCH_PORT_PROPERTY_CUSTOM_GET_BUFFER(custom);
    for (ULONG i = 0; i < custom->PropertyBufferLength && i < 4; i++)
        snprintf(data + 2 * i, 3, "%02x", bytes[i]);
    LOG_EVENT(instance, vSwitch, "port=%u%s version=%u bytes=%lu data=%s", portId,
              validation ? " validation=1" : "", vSwitchPortProperty->PropertyVersion,
              (unsigned long)custom->PropertyBufferLength, data);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI good_save(void *notifyContext, void *completionContext,
                                FWPS_VSWITCH_EVENT_TYPE eventType,
                                const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                void **runtimeState, SIZE_T *runtimeStateLength)
{
    fixture_instance *instance = notifyContext;
    UCHAR *blob = ((good_state *)instance->buffer)->blob;

    LOG_EVENT(instance, vSwitch, "port=%u", portId);
    memcpy(blob, "GOOD", 4);
    for (int i = 0; i < 4; i++)
        blob[4 + i] = (UCHAR)(portId >> (8 * i));
    *runtimeState = blob;
    *runtimeStateLength = GOOD_BLOB_BYTES;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI good_restore(void *notifyContext, void *completionContext,
                                   FWPS_VSWITCH_EVENT_TYPE eventType,
                                   const NDIS_SWITCH_PARAMETERS *vSwitch,
                                   NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                   SIZE_T runtimeStateLength)
{
    fixture_instance *instance = notifyContext;
    const UCHAR *blob = runtimeState;

    LOG_EVENT(instance, vSwitch, "port=%u bytes=%llu", portId,
              (unsigned long long)runtimeStateLength);
    if (runtimeStateLength != GOOD_BLOB_BYTES || memcmp(blob, "GOOD", 4) != 0) {
        instance->host->Log(instance->host, VSWITCHSIM_LOG_WARNING,
                            "restore port=%u: not a blob this callout saved", portId);
        return STATUS_DATA_ERROR;
    }
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchLifetimeNotifyFn = good_lifetime,
        .vSwitchPortEventNotifyFn = good_port,
        .vSwitchInterfaceEventNotifyFn = good_interface,
        .vSwitchFilterEngineReorderNotifyRn = good_reorder,
        .vSwitchPolicyEventNotifyFn = good_policy,
        .vSwitchRuntimeStateSaveNotifyFn = good_save,
        .vSwitchRuntimeStateRestoreNotifyFn = good_restore,
    };
    NTSTATUS status = fixture_subscribe(host, GOOD_BASE, &dispatch, instanceContext);

    if (!NT_SUCCESS(status))
        return status;
    fixture_instance *instance = *instanceContext;
    instance->buffer = host->AllocateWithTag(host, sizeof(good_state), FIXTURE_TAG);
    if (instance->buffer == NULL) {
        fixture_unload(instance);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    host->Log(host, VSWITCHSIM_LOG_DEBUG, "ENTRY host=%u params=%s", host->HostIndex,
              paramsJson != NULL ? paramsJson : "(null)");
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_instance *instance = instanceContext;

    instance->host->Log(instance->host, VSWITCHSIM_LOG_DEBUG, "UNLOAD");
    fixture_unload(instance);
}
