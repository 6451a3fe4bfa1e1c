/*
 * refuse: a callout that refuses one kind of event, for the failure paths of a
 * migration, a save and a restore. Params:
 *   {"refuse": "validation_port" | "validation_policy" | "operational_port" |
 *              "operational_policy" | "save" | "restore" | "interface_create" |
 *              "interface_connect",
 *    "times": N}
 * It returns STATUS_DATA_NOT_ACCEPTED from that callback (for a policy: its POLICY_ADD or
 * POLICY_UPDATE, never a POLICY_DELETE) the first N times per instance (per host), then
 * behaves; "times" absent means every time. Without "refuse" it refuses nothing. Every
 * other callback returns STATUS_SUCCESS; save returns an 8-byte blob ("RFSE" and the
 * port). It subscribes all seven callbacks, logs each refusal at INFO and the count at
 * unload. A validation port is told from an operational one by the IsValidationPort of
 * its PORT_CREATE, remembered (without allocating) until its PORT_DELETE.
 * Expected result: the refused step fails as the documented sequence says (e.g. a refused
 * validation port or validation policy stops the migration to that destination); no
 * verifier rule.
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#ifndef STATUS_DATA_NOT_ACCEPTED
#define STATUS_DATA_NOT_ACCEPTED ((NTSTATUS)0xC000021BL)
#endif

static const GUID REFUSE_BASE = {
    0x9a4e0f35, 0x27c1, 0x4b98, {0xa6, 0x0d, 0x51, 0xe2, 0x8b, 0x7f, 0x13, 0xc4}};

#define REFUSE_TAG VSWITCHSIM_TAG('R', 'f', 's', 'e')
#define REFUSE_BLOB_BYTES 8
#define REFUSE_UNLIMITED UINT64_MAX

/* The points it can refuse, in the order of the params' names. */
#define REFUSE_POINT_MAP(XX)                     \
    XX(VALIDATION_PORT, "validation_port")       \
    XX(VALIDATION_POLICY, "validation_policy")   \
    XX(OPERATIONAL_PORT, "operational_port")     \
    XX(OPERATIONAL_POLICY, "operational_policy") \
    XX(SAVE, "save")                             \
    XX(RESTORE, "restore")                       \
    XX(INTERFACE_CREATE, "interface_create")     \
    XX(INTERFACE_CONNECT, "interface_connect")

typedef enum refuse_point {
    REFUSE_NOTHING,
#define XX(code, name) REFUSE_##code,
    REFUSE_POINT_MAP(XX)
#undef XX
        REFUSE_POINT_COUNT
} refuse_point;

static const char *const refuse_names[REFUSE_POINT_COUNT] = {"nothing",
#define XX(code, name) name,
                                                             REFUSE_POINT_MAP(XX)
#undef XX
};

typedef struct refuse_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    refuse_point point;
    UINT64 times;   /* refusals to make; REFUSE_UNLIMITED: every time */
    UINT64 refused; /* refusals made */
    fixture_validation_ports validation;
    UCHAR blob[REFUSE_BLOB_BYTES];
} refuse_instance;

/* ---- Params: a flat object read with strstr, enough for two keys ------------------ */

/* Just past `"key":` in the params, blanks skipped; NULL when the key is absent. */
static const char *param_value(const char *json, const char *key)
{
    size_t n = strlen(key);

    for (const char *p = json; (p = strstr(p, "\"")) != NULL; p++) {
        if (strncmp(p + 1, key, n) != 0 || p[1 + n] != '"')
            continue;
        const char *v = p + n + 2;
        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
            v++;
        if (*v != ':')
            continue;
        for (v++; *v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'; v++)
            ;
        return v;
    }
    return NULL;
}

static NTSTATUS parse_params(refuse_instance *instance, const char *json)
{
    const VSWITCHSIM_HOST *host = instance->host;
    const char *v = param_value(json != NULL ? json : "{}", "refuse");

    instance->point = REFUSE_NOTHING;
    instance->times = REFUSE_UNLIMITED;
    if (v != NULL) {
        const char *end = *v == '"' ? strchr(v + 1, '"') : NULL;
        for (int i = 1; end != NULL && i < REFUSE_POINT_COUNT; i++)
            if ((size_t)(end - v - 1) == strlen(refuse_names[i]) &&
                strncmp(v + 1, refuse_names[i], strlen(refuse_names[i])) == 0)
                instance->point = (refuse_point)i;
        if (instance->point == REFUSE_NOTHING) {
            host->Log(host, VSWITCHSIM_LOG_ERROR,
                      "params: \"refuse\" must be one of validation_port, validation_policy, "
                      "operational_port, operational_policy, save, restore, interface_create, "
                      "interface_connect");
            return STATUS_INVALID_PARAMETER;
        }
    }
    v = param_value(json != NULL ? json : "{}", "times");
    if (v != NULL) {
        char *end;
        long long times = strtoll(v, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
            end++;
        if (end == v || times < 0 || (*end != ',' && *end != '}')) {
            host->Log(host, VSWITCHSIM_LOG_ERROR, "params: \"times\" must be an integer >= 0");
            return STATUS_INVALID_PARAMETER;
        }
        instance->times = (UINT64)times;
    }
    return STATUS_SUCCESS;
}

/* ---- Refusing --------------------------------------------------------------------- */

/* TRUE (and counted, and logged) when this event is to be refused. */
static BOOLEAN refuse_now(refuse_instance *instance, refuse_point point, NDIS_SWITCH_PORT_ID portId)
{
    const VSWITCHSIM_HOST *host = instance->host;

    if (instance->point != point || instance->refused >= instance->times)
        return FALSE;
    instance->refused++;
    if (instance->times == REFUSE_UNLIMITED)
        host->Log(host, VSWITCHSIM_LOG_INFO, "refused %s on port %u (refusal %llu)",
                  refuse_names[point], portId, (unsigned long long)instance->refused);
    else
        host->Log(host, VSWITCHSIM_LOG_INFO, "refused %s on port %u (refusal %llu of %llu)",
                  refuse_names[point], portId, (unsigned long long)instance->refused,
                  (unsigned long long)instance->times);
    return TRUE;
}

/* ---- Callbacks -------------------------------------------------------------------- */

static NTSTATUS NTAPI refuse_lifetime(void *notifyContext, FWPS_VSWITCH_EVENT_TYPE eventType,
                                      const NDIS_SWITCH_PARAMETERS *vSwitch,
                                      const NDIS_SWITCH_PORT_ARRAY *vSwitchPorts,
                                      const NDIS_SWITCH_NIC_ARRAY *vSwitchInterfaces)
{
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI refuse_port(void *notifyContext, void *completionContext,
                                  FWPS_VSWITCH_EVENT_TYPE eventType,
                                  const NDIS_SWITCH_PARAMETERS *vSwitch,
                                  const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    refuse_instance *instance = notifyContext;
    BOOLEAN refused =
        eventType == FWPS_VSWITCH_EVENT_PORT_CREATE &&
        refuse_now(instance,
                   vSwitchPort->IsValidationPort ? REFUSE_VALIDATION_PORT : REFUSE_OPERATIONAL_PORT,
                   vSwitchPort->PortId);

    if (!fixture_validation_event(&instance->validation, eventType, vSwitch, vSwitchPort, !refused))
        instance->host->Log(instance->host, VSWITCHSIM_LOG_WARNING,
                            "more than %d validation ports at once: port %u is taken as "
                            "operational",
                            FIXTURE_VALIDATION_SLOTS, vSwitchPort->PortId);
    return refused ? STATUS_DATA_NOT_ACCEPTED : STATUS_SUCCESS;
}

static NTSTATUS NTAPI refuse_interface(void *notifyContext, void *completionContext,
                                       FWPS_VSWITCH_EVENT_TYPE eventType,
                                       const NDIS_SWITCH_PARAMETERS *vSwitch,
                                       const NDIS_SWITCH_NIC_PARAMETERS *vSwitchNic)
{
    refuse_instance *instance = notifyContext;

    if (eventType == FWPS_VSWITCH_EVENT_INTERFACE_CREATE &&
        refuse_now(instance, REFUSE_INTERFACE_CREATE, vSwitchNic->PortId))
        return STATUS_DATA_NOT_ACCEPTED;
    if (eventType == FWPS_VSWITCH_EVENT_INTERFACE_CONNECT &&
        refuse_now(instance, REFUSE_INTERFACE_CONNECT, vSwitchNic->PortId))
        return STATUS_DATA_NOT_ACCEPTED;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI refuse_reorder(void *notifyContext, void *completionContext,
                                     BOOLEAN isInRequiredPosition,
                                     const NDIS_ENUM_FILTERS *vSwitchExtensionLwfList)
{
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
refuse_policy(void *notifyContext, void *completionContext, FWPS_VSWITCH_EVENT_TYPE eventType,
              const NDIS_SWITCH_PARAMETERS *vSwitch,
              const NDIS_SWITCH_PORT_PROPERTY_PARAMETERS *vSwitchPortProperty,
              const NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS *vSwitchPortPropertyDelete)
{
    refuse_instance *instance = notifyContext;

    if (eventType == FWPS_VSWITCH_EVENT_POLICY_DELETE || vSwitchPortProperty == NULL)
        return STATUS_SUCCESS;
    NDIS_SWITCH_PORT_ID portId = vSwitchPortProperty->PortId;
    BOOLEAN validation = fixture_validation_port(&instance->validation, vSwitch, portId);
    if (refuse_now(instance, validation ? REFUSE_VALIDATION_POLICY : REFUSE_OPERATIONAL_POLICY,
                   portId))
        return STATUS_DATA_NOT_ACCEPTED;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI refuse_save(void *notifyContext, void *completionContext,
                                  FWPS_VSWITCH_EVENT_TYPE eventType,
                                  const NDIS_SWITCH_PARAMETERS *vSwitch, NDIS_SWITCH_PORT_ID portId,
                                  void **runtimeState, SIZE_T *runtimeStateLength)
{
    refuse_instance *instance = notifyContext;

    *runtimeState = NULL;
    *runtimeStateLength = 0;
    if (refuse_now(instance, REFUSE_SAVE, portId))
        return STATUS_DATA_NOT_ACCEPTED;
    memcpy(instance->blob, "RFSE", 4);
    for (int i = 0; i < 4; i++)
        instance->blob[4 + i] = (UCHAR)(portId >> (8 * i));
    *runtimeState = instance->blob;
    *runtimeStateLength = REFUSE_BLOB_BYTES;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI refuse_restore(void *notifyContext, void *completionContext,
                                     FWPS_VSWITCH_EVENT_TYPE eventType,
                                     const NDIS_SWITCH_PARAMETERS *vSwitch,
                                     NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                     SIZE_T runtimeStateLength)
{
    return refuse_now(notifyContext, REFUSE_RESTORE, portId) ? STATUS_DATA_NOT_ACCEPTED
                                                             : STATUS_SUCCESS;
}

/* ---- Entry and unload ------------------------------------------------------------- */

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchLifetimeNotifyFn = refuse_lifetime,
        .vSwitchPortEventNotifyFn = refuse_port,
        .vSwitchInterfaceEventNotifyFn = refuse_interface,
        .vSwitchFilterEngineReorderNotifyRn = refuse_reorder,
        .vSwitchPolicyEventNotifyFn = refuse_policy,
        .vSwitchRuntimeStateSaveNotifyFn = refuse_save,
        .vSwitchRuntimeStateRestoreNotifyFn = refuse_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);

    if (!NT_SUCCESS(status))
        return status;
    refuse_instance *instance = host->AllocateWithTag(host, sizeof(*instance), REFUSE_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    status = parse_params(instance, paramsJson);
    if (NT_SUCCESS(status)) {
        GUID provider = fixture_guid(REFUSE_BASE, host->InstanceName);
        status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                             &instance->subscriptionId);
    }
    if (!NT_SUCCESS(status)) {
        host->FreeWithTag(host, instance, REFUSE_TAG);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    refuse_instance *instance = instanceContext;
    const VSWITCHSIM_HOST *host = instance->host;

    host->Log(host, VSWITCHSIM_LOG_INFO, "refused %s %llu times", refuse_names[instance->point],
              (unsigned long long)instance->refused);
    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    host->FreeWithTag(host, instance, REFUSE_TAG);
}
