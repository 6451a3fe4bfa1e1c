/*
 * strict_port: a correct callout that depends on the documented order, the kind a real
 * team writes. It keeps one entry per (switch, PortId) in a table on tagged memory (one
 * instance runs per host, so the table is the host's):
 * - PORT_CREATE of an operational port allocates the port's entry. A validation port is
 *   only checked, never reserved for (D-VALPORT); its PORT_DELETE frees nothing.
 * - PORT_DELETE of an operational port frees its entry.
 * - VSWITCH_CREATE enters the ports and NICs the switch already holds; VSWITCH_DELETE
 *   frees the switch's entries.
 * - INTERFACE_CONNECT / INTERFACE_DISCONNECT mark the port's NIC connected or not.
 * - POLICY_* counts the policies of a port it holds; on a validation port it only checks.
 * - Save returns 32 bytes naming the port, from a buffer the instance keeps.
 * - Restore requires the port in the table and its NIC connected (D-LMS step 5: the
 *   run-time data is restored once the NIC is connected). Otherwise it logs at ERROR
 *   "restore on port P: port not created" or "... NIC not connected" and returns
 *   STATUS_INVALID_DEVICE_STATE.
 * Everything is freed at unload.
 * Expected result (documented sequence): every restore succeeds; no verifier rule, no
 * ERROR line, no leak.
 * With the legacy sequence (restore before INTERFACE_CONNECT): every restore fails with
 * "NIC not connected" and 0xC0000184, so the run records failed restores.
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#ifndef STATUS_INVALID_DEVICE_STATE
#define STATUS_INVALID_DEVICE_STATE ((NTSTATUS)0xC0000184L)
#endif

static const GUID STRICT_PORT_BASE = {
    0x2d9c41b7, 0x5e0a, 0x4c83, {0x9f, 0x16, 0x3a, 0xe7, 0x58, 0x0c, 0xd2, 0x64}};

#define STRICT_TAG_INSTANCE VSWITCHSIM_TAG('S', 't', 'r', 'I')
#define STRICT_TAG_TABLE VSWITCHSIM_TAG('S', 't', 'r', 'T')
#define STRICT_TAG_PORT VSWITCHSIM_TAG('S', 't', 'r', 'P')

#define STRICT_BLOB_BYTES 32
#define STRICT_BLOB_PREFIX "strict_port port="
#define STRICT_INITIAL_CAPACITY 16

typedef struct strict_port_entry {
    UINT64 switchKey;
    NDIS_SWITCH_PORT_ID portId;
    BOOLEAN nicConnected;
    UINT32 policies;
} strict_port_entry;

typedef struct strict_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    strict_port_entry **ports; /* count used of capacity; each entry STRICT_TAG_PORT */
    UINT32 count;
    UINT32 capacity;
    char blob[STRICT_BLOB_BYTES]; /* WFP copies it at a SUCCESS return */
} strict_instance;

/* ---- The port table ------------------------------------------------------------- */

static UINT32 port_index(const strict_instance *instance, UINT64 key, NDIS_SWITCH_PORT_ID portId)
{
    for (UINT32 i = 0; i < instance->count; i++)
        if (instance->ports[i]->switchKey == key && instance->ports[i]->portId == portId)
            return i;
    return UINT32_MAX;
}

static strict_port_entry *port_find(const strict_instance *instance, UINT64 key,
                                    NDIS_SWITCH_PORT_ID portId)
{
    UINT32 i = port_index(instance, key, portId);
    return i == UINT32_MAX ? NULL : instance->ports[i];
}

static BOOLEAN table_grow(strict_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    UINT32 capacity = instance->capacity * 2;
    strict_port_entry **ports =
        host->AllocateWithTag(host, (SIZE_T)capacity * sizeof(*ports), STRICT_TAG_TABLE);

    if (ports == NULL)
        return FALSE;
    memcpy(ports, instance->ports, instance->count * sizeof(*ports));
    host->FreeWithTag(host, instance->ports, STRICT_TAG_TABLE);
    instance->ports = ports;
    instance->capacity = capacity;
    return TRUE;
}

/* The port's entry, allocated if it has none: this is the port's reservation. */
static strict_port_entry *port_add(strict_instance *instance, UINT64 key,
                                   NDIS_SWITCH_PORT_ID portId)
{
    const VSWITCHSIM_HOST *host = instance->host;
    strict_port_entry *entry = port_find(instance, key, portId);

    if (entry != NULL)
        return entry;
    if (instance->count == instance->capacity && !table_grow(instance))
        return NULL;
    entry = host->AllocateWithTag(host, sizeof(*entry), STRICT_TAG_PORT);
    if (entry == NULL)
        return NULL;
    *entry = (strict_port_entry){.switchKey = key, .portId = portId};
    instance->ports[instance->count++] = entry;
    return entry;
}

static void port_remove_at(strict_instance *instance, UINT32 i)
{
    instance->host->FreeWithTag(instance->host, instance->ports[i], STRICT_TAG_PORT);
    instance->ports[i] = instance->ports[--instance->count];
}

/* ---- Callbacks ------------------------------------------------------------------- */

static NTSTATUS NTAPI strict_lifetime(void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                                      const NDIS_SWITCH_PARAMETERS *vSwitch,
                                      const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                                      const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    strict_instance *instance = notifyContext;
    UINT64 key = fixture_switch_key(vSwitch);

    if (eventType == FWPS_VSWITCH_EVENT_VSWITCH_DELETE) {
        for (UINT32 i = instance->count; i-- > 0;)
            if (instance->ports[i]->switchKey == key)
                port_remove_at(instance, i);
        return STATUS_SUCCESS;
    }
    /* VSWITCH_CREATE: the switch's running ports and NICs never get a PORT_CREATE. */
    for (ULONG i = 0; vSwitchPorts != NULL && i < vSwitchPorts->NumElements; i++)
        if (port_add(instance, key, NDIS_SWITCH_PORT_AT_ARRAY_INDEX(vSwitchPorts, i)->PortId) ==
            NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
    for (ULONG i = 0; vSwitchInterfaces != NULL && i < vSwitchInterfaces->NumElements; i++) {
        const NDIS_SWITCH_NIC_PARAMETERS *nic =
            NDIS_SWITCH_NIC_AT_ARRAY_INDEX(vSwitchInterfaces, i);
        strict_port_entry *entry = port_find(instance, key, nic->PortId);
        if (entry != NULL)
            entry->nicConnected = nic->NicState == NdisSwitchNicStateConnected;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI strict_port_event(void *notifyContext, void *completionContext,
                                        FWPS_VSWITCH_EVENT_TYPE eventType,
                                        const NDIS_SWITCH_PARAMETERS *vSwitch,
                                        const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    strict_instance *instance = notifyContext;
    UINT64 key = fixture_switch_key(vSwitch);

    if (vSwitchPort->IsValidationPort)
        return STATUS_SUCCESS; /* checked (nothing here to reject), never reserved for */
    if (eventType == FWPS_VSWITCH_EVENT_PORT_CREATE)
        return port_add(instance, key, vSwitchPort->PortId) != NULL ? STATUS_SUCCESS
                                                                    : STATUS_INSUFFICIENT_RESOURCES;
    UINT32 i = port_index(instance, key, vSwitchPort->PortId);
    if (i != UINT32_MAX)
        port_remove_at(instance, i);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI strict_interface(void *notifyContext, void *completionContext,
                                       FWPS_VSWITCH_EVENT_TYPE eventType,
                                       const NDIS_SWITCH_PARAMETERS *vSwitch,
                                       const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic)
{
    strict_instance *instance = notifyContext;
    strict_port_entry *entry = port_find(instance, fixture_switch_key(vSwitch), vSwitchNic->PortId);

    if (entry == NULL) {
        instance->host->Log(instance->host, VSWITCHSIM_LOG_WARNING,
                            "interface event %d on port %u: port not created", (int)eventType,
                            vSwitchNic->PortId);
        return STATUS_SUCCESS;
    }
    if (eventType == FWPS_VSWITCH_EVENT_INTERFACE_CONNECT)
        entry->nicConnected = TRUE;
    else if (eventType == FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT ||
             eventType == FWPS_VSWITCH_EVENT_INTERFACE_DELETE)
        entry->nicConnected = FALSE;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
strict_policy(void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
              const NDIS_SWITCH_PARAMETERS *vSwitch,
              const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *vSwitchPortProperty,
              const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *vSwitchPortPropertyDelete)
{
    strict_instance *instance = notifyContext;
    NDIS_SWITCH_PORT_ID portId = vSwitchPortProperty != NULL ? vSwitchPortProperty->PortId
                                 : vSwitchPortPropertyDelete != NULL
                                     ? vSwitchPortPropertyDelete->PortId
                                     : 0;

    if (vSwitchPortProperty != NULL &&
        vSwitchPortProperty->PropertyType != NdisSwitchPortPropertyTypeCustom)
        return STATUS_INVALID_PARAMETER;
    /* A port not in the table is a validation port: the policy is checked, not applied. */
    strict_port_entry *entry = port_find(instance, fixture_switch_key(vSwitch), portId);
    if (entry == NULL)
        return STATUS_SUCCESS;
    if (eventType == FWPS_VSWITCH_EVENT_POLICY_ADD)
        entry->policies++;
    else if (eventType == FWPS_VSWITCH_EVENT_POLICY_DELETE && entry->policies > 0)
        entry->policies--;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI strict_save(void *notifyContext, void *completionContext,
                                  FWPS_VSWITCH_EVENT_TYPE eventType,
                                  const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                  void **runtimeState, SIZE_T *runtimeStateLength)
{
    strict_instance *instance = notifyContext;

    if (port_find(instance, fixture_switch_key(vSwitch), portId) == NULL)
        instance->host->Log(instance->host, VSWITCHSIM_LOG_WARNING,
                            "save on port %u: port not created", portId);
    memset(instance->blob, 0, sizeof(instance->blob));
    snprintf(instance->blob, sizeof(instance->blob), STRICT_BLOB_PREFIX "%u", portId);
    *runtimeState = instance->blob;
    *runtimeStateLength = STRICT_BLOB_BYTES;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI strict_restore(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                     SIZE_T runtimeStateLength)
{
    strict_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    const strict_port_entry *entry = port_find(instance, fixture_switch_key(vSwitch), portId);

    if (entry == NULL) {
        host->Log(host, VSWITCHSIM_LOG_ERROR, "restore on port %u: port not created", portId);
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (!entry->nicConnected) {
        host->Log(host, VSWITCHSIM_LOG_ERROR, "restore on port %u: NIC not connected", portId);
        return STATUS_INVALID_DEVICE_STATE;
    }
    /* The saved PortId may differ from this one (a restore elsewhere): check the prefix. */
    if (runtimeState == NULL || runtimeStateLength != STRICT_BLOB_BYTES ||
        memcmp(runtimeState, STRICT_BLOB_PREFIX, sizeof(STRICT_BLOB_PREFIX) - 1) != 0) {
        host->Log(host, VSWITCHSIM_LOG_ERROR, "restore on port %u: not a blob this callout saved",
                  portId);
        return STATUS_DATA_ERROR;
    }
    return STATUS_SUCCESS;
}

/* ---- Entry and unload ------------------------------------------------------------ */

static void strict_free(strict_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;

    while (instance->count > 0)
        port_remove_at(instance, instance->count - 1);
    if (instance->ports != NULL)
        host->FreeWithTag(host, instance->ports, STRICT_TAG_TABLE);
    host->FreeWithTag(host, instance, STRICT_TAG_INSTANCE);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchLifetimeNotifyFn = strict_lifetime,
        .vSwitchPortEventNotifyFn = strict_port_event,
        .vSwitchInterfaceEventNotifyFn = strict_interface,
        .vSwitchPolicyEventNotifyFn = strict_policy,
        .vSwitchRuntimeStateSaveNotifyFn = strict_save,
        .vSwitchRuntimeStateRestoreNotifyFn = strict_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);

    if (!NT_SUCCESS(status))
        return status;
    strict_instance *instance = host->AllocateWithTag(host, sizeof(*instance), STRICT_TAG_INSTANCE);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    instance->capacity = STRICT_INITIAL_CAPACITY;
    instance->ports = host->AllocateWithTag(
        host, (SIZE_T)instance->capacity * sizeof(*instance->ports), STRICT_TAG_TABLE);
    if (instance->ports == NULL) {
        strict_free(instance);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    GUID provider = fixture_guid(STRICT_PORT_BASE, host->InstanceName);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        strict_free(instance);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    strict_instance *instance = instanceContext;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    strict_free(instance);
}
