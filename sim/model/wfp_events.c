/*
 * wfp_events.c: the arguments WFP passes with each kind of switch event, as the WDK
 * declares them: port, interface (NIC) and policy parameters, saved state for restore.
 */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/special_pool.h"
#include "model/wfp.h"

const unsigned char vs_wfp_unset_state;

/* The builders of the port, interface and policy events' parameters are kept out of
 * vs_wfp_call_callout: inlined, their kilobyte of structures and name buffers would make
 * every save and restore call pay for that frame (and its stack-protector check). */
#define EVENT_BUILDER __attribute__((noinline))

/* IF_COUNTED_STRING of UTF-16: Length in bytes, no NUL. */
static void set_name(NDIS_IF_COUNTED_STRING *s, const char *text)
{
    int n = 0;
    for (; text[n] && n < IF_MAX_STRING_SIZE; n++)
        s->String[n] = (WCHAR)(unsigned char)text[n];
    s->Length = (USHORT)(n * (int)sizeof(WCHAR));
}

/* The port's parameters are the same on every host and for the validation port as for
 * the operational one (D-LMS 2: "the same NDIS_SWITCH_PORT_PARAMETERS that created the
 * port on the source"), but for IsValidationPort, the restoring flag and the state. */
EVENT_BUILDER static NTSTATUS call_port_event(const vs_subscription *s, const vs_fanout *fan,
                                              void *token, const NDIS_SWITCH_PARAMETERS *sw)
{
    char name[48];
    bool create = fan->kind == VS_FAN_PORT_CREATE;
    NDIS_SWITCH_PORT_PARAMETERS p = {
        .Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_SWITCH_PORT_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_NDIS_SWITCH_PORT_PARAMETERS_REVISION_1},
        .Flags = fan->flags & VS_FAN_RESTORING ? NDIS_SWITCH_PORT_PARAMETERS_FLAG_RESTORING_PORT
                                               : 0,
        .PortId = fan->port,
        .PortType = NdisSwitchPortTypeSynthetic,
        .IsValidationPort = (fan->flags & VS_FAN_VALIDATION) != 0,
        .PortState = create || !(fan->flags & VS_FAN_TEARDOWN) ? NdisSwitchPortStateCreated
                                                               : NdisSwitchPortStateTeardown};
    snprintf(name, sizeof name, "vm%u-nic%u-port", fan->vm, fan->nic_index);
    set_name(&p.PortName, name);
    snprintf(name, sizeof name, "VM %u network adapter %u", fan->vm, fan->nic_index);
    set_name(&p.PortFriendlyName, name);
    return s->table.vSwitchPortEventNotifyFn(
        s->notify_context, token,
        create ? FWPS_VSWITCH_EVENT_PORT_CREATE : FWPS_VSWITCH_EVENT_PORT_DELETE, sw, &p);
}

EVENT_BUILDER static NTSTATUS call_interface_event(const vs_subscription *s, const vs_fanout *fan,
                                                   void *token, const NDIS_SWITCH_PARAMETERS *sw)
{
    static const struct {
        FWPS_VSWITCH_EVENT_TYPE type;
        NDIS_SWITCH_NIC_STATE state;
    } ev[VS_FAN_KINDS] = {
        [VS_FAN_IFACE_CREATE] = {FWPS_VSWITCH_EVENT_INTERFACE_CREATE, NdisSwitchNicStateCreated},
        [VS_FAN_IFACE_CONNECT] = {FWPS_VSWITCH_EVENT_INTERFACE_CONNECT,
                                  NdisSwitchNicStateConnected},
        [VS_FAN_IFACE_DISCONNECT] = {FWPS_VSWITCH_EVENT_INTERFACE_DISCONNECT,
                                     NdisSwitchNicStateDisconnected},
        [VS_FAN_IFACE_DELETE] = {FWPS_VSWITCH_EVENT_INTERFACE_DELETE, NdisSwitchNicStateDeleted}};
    char name[48];
    NDIS_SWITCH_NIC_PARAMETERS n = {
        .Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_SWITCH_NIC_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_NDIS_SWITCH_NIC_PARAMETERS_REVISION_1},
        /* Set while the VM's NIC is being brought up (the NIC parameters page). */
        .Flags = fan->kind == VS_FAN_IFACE_CREATE ? NDIS_SWITCH_NIC_FLAGS_NIC_INITIALIZING : 0,
        .PortId = fan->port,
        .NicIndex = NDIS_SWITCH_DEFAULT_NIC_INDEX,
        .NicType = NdisSwitchNicTypeSynthetic,
        .NicState = ev[fan->kind].state,
        .MTU = 1500,
        /* Hyper-V's OUI, then the VM and NIC: unique and stable across hosts. */
        .CurrentMacAddress = {0x00, 0x15, 0x5d, (UCHAR)(fan->vm >> 16), (UCHAR)(fan->vm >> 8),
                              (UCHAR)((fan->vm << 4) ^ fan->nic_index)}};
    snprintf(name, sizeof name, "vm%u-nic%u", fan->vm, fan->nic_index);
    set_name(&n.NicName, name);
    snprintf(name, sizeof name, "vm%u", fan->vm);
    set_name(&n.VmName, name);
    return s->table.vSwitchInterfaceEventNotifyFn(s->notify_context, token, ev[fan->kind].type, sw,
                                                  &n);
}

/* A policy as a custom port property (D-POLICY, NDIS_SWITCH_PORT_PROPERTY_CUSTOM): the
 * parameters, then the custom header at PropertyBufferOffset, then its bytes. */
typedef struct policy_buffer {
    NDIS_SWITCH_PORT_PROPERTY_PARAMETERS params;
    NDIS_SWITCH_PORT_PROPERTY_CUSTOM custom;
    UCHAR bytes[]; /* the policy's data */
} policy_buffer;

static const vs_policy_state *policy_now(const vs_sim *sim, const vs_fanout *fan,
                                         vs_policy_state *from_cfg)
{
    const vs_policy *p = &sim->cfg->policies[fan->policy];
    if (sim->policy_state)
        return &sim->policy_state[(size_t)fan->vm * sim->cfg->npolicies + fan->policy];
    *from_cfg = (vs_policy_state){p->data, p->len, p->version, false};
    return from_cfg;
}

EVENT_BUILDER static NTSTATUS call_policy_event(vs_sim *sim, const vs_subscription *s,
                                                const vs_fanout *fan, void *token,
                                                const NDIS_SWITCH_PARAMETERS *sw)
{
    static const FWPS_VSWITCH_EVENT_TYPE types[VS_FAN_KINDS] = {
        [VS_FAN_POLICY_ADD] = FWPS_VSWITCH_EVENT_POLICY_ADD,
        [VS_FAN_POLICY_UPDATE] = FWPS_VSWITCH_EVENT_POLICY_UPDATE,
        [VS_FAN_POLICY_DELETE] = FWPS_VSWITCH_EVENT_POLICY_DELETE};
    vs_policy_state cfg_state;
    const vs_policy_state *ps = policy_now(sim, fan, &cfg_state);
    GUID id = s->provider; /* the policy names this callout: its PropertyId is the GUID */
    if (fan->kind == VS_FAN_POLICY_DELETE) {
        NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS d = {
            .Header = {NDIS_OBJECT_TYPE_DEFAULT,
                       NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1,
                       NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_DELETE_PARAMETERS_REVISION_1},
            .PortId = fan->port,
            .PropertyType = NdisSwitchPortPropertyTypeCustom,
            .PropertyId = id};
        return s->table.vSwitchPolicyEventNotifyFn(s->notify_context, token, types[fan->kind], sw,
                                                   NULL, &d);
    }
    policy_buffer *b = calloc(1, sizeof *b + ps->len);
    if (!b) /* no call: the run stops after this event */
        return vs_sim_out_of_memory(sim), STATUS_INSUFFICIENT_RESOURCES;
    b->params = (NDIS_SWITCH_PORT_PROPERTY_PARAMETERS){
        .Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_PARAMETERS_REVISION_1},
        .PortId = fan->port,
        .PropertyType = NdisSwitchPortPropertyTypeCustom,
        .PropertyId = id,
        .PropertyVersion = ps->version,
        .PropertyBufferLength = (ULONG)(sizeof b->custom + ps->len),
        .PropertyBufferOffset = (ULONG)offsetof(policy_buffer, custom)};
    b->custom = (NDIS_SWITCH_PORT_PROPERTY_CUSTOM){
        .Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1,
                   NDIS_SIZEOF_NDIS_SWITCH_PORT_PROPERTY_CUSTOM_REVISION_1},
        .PropertyBufferLength = ps->len,
        .PropertyBufferOffset = (ULONG)sizeof b->custom};
    if (ps->len)
        memcpy(b->bytes, ps->data, ps->len);
    NTSTATUS st = s->table.vSwitchPolicyEventNotifyFn(s->notify_context, token, types[fan->kind],
                                                      sw, &b->params, NULL);
    free(b); /* the callout copies what it needs before it returns (D-POLICY) */
    return st;
}

/* The saved bytes a restore hands over. Under special pool, a read-only copy between
 * guard pages, kept until the call completes, so that a write to it (or past it) faults
 * as the callout's bug; without, or out of mappings, the bytes themselves. */
static void *restore_bytes(vs_sim *sim, const vs_subscription *s, const vs_fanout *fan, vs_call *c)
{
    const vs_blob *b = &fan->state->blobs[c->blob];
    unsigned char *bytes = fan->state->bytes + b->offset;
    vs_special_pool *sp = sim->special_pool;
    if (!sp || b->length == 0)
        return bytes;
    void *copy = vs_special_pool_alloc(sp, b->length, 0, s->instance, VS_POOL_RESTORE, NULL);
    if (!copy)
        return bytes;
    memcpy(copy, bytes, b->length);
    vs_special_pool_seal(sp, copy);
    c->restore_copy = copy;
    return copy;
}

NTSTATUS vs_wfp_call_callout(vs_sim *sim, const vs_subscription *s, vs_fanout *fan, vs_call *c,
                             void *token)
{
    const NDIS_SWITCH_PARAMETERS *sw = &sim->hosts[fan->host].switches[fan->sw].params;
    assert(s->active); /* the fan-out never calls an unsubscribed callout */
    switch (fan->kind) {
    case VS_FAN_SAVE:
        c->out->state = VS_OUT_STATE_UNSET;
        c->out->len = VS_OUT_LEN_UNSET;
        return s->table.vSwitchRuntimeStateSaveNotifyFn(s->notify_context, token,
                                                        FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE, sw,
                                                        fan->port, &c->out->state, &c->out->len);
    case VS_FAN_RESTORE: {
        const vs_blob *b = &fan->state->blobs[c->blob];
        return s->table.vSwitchRuntimeStateRestoreNotifyFn(
            s->notify_context, token, FWPS_VSWITCH_EVENT_RUNTIME_STATE_RESTORE, sw, fan->port,
            restore_bytes(sim, s, fan, c), b->length);
    }
    case VS_FAN_PORT_CREATE:
    case VS_FAN_PORT_DELETE:
        return call_port_event(s, fan, token, sw);
    case VS_FAN_POLICY_ADD:
    case VS_FAN_POLICY_UPDATE:
    case VS_FAN_POLICY_DELETE:
        return call_policy_event(sim, s, fan, token, sw);
    default:
        return call_interface_event(s, fan, token, sw);
    }
}
