/*
 * topology.c: the datacenter at the start of a run: hosts with their CPUs and
 * vSwitches, VMs placed on hosts, and each VM's NICs on ports of its host's switches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/topology.h"

#include "base/grow.h"

/* Switch names are IF_COUNTED_STRINGs of UTF-16: Length in bytes, no NUL. */
static void set_counted_string(NDIS_IF_COUNTED_STRING *s, const char *ascii)
{
    size_t n = strlen(ascii);
    if (n > IF_MAX_STRING_SIZE)
        n = IF_MAX_STRING_SIZE;
    for (size_t i = 0; i < n; i++)
        s->String[i] = (WCHAR)(unsigned char)ascii[i];
    s->Length = (USHORT)(n * sizeof(WCHAR));
}

static void switch_init(vs_switch *sw, uint32_t host, uint32_t index)
{
    char name[64];
    sw->params.Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT,
                                             NDIS_SWITCH_PARAMETERS_REVISION_1,
                                             NDIS_SIZEOF_NDIS_SWITCH_PARAMETERS_REVISION_1};
    snprintf(name, sizeof name, "host%u-vswitch%u", host, index);
    set_counted_string(&sw->params.SwitchName, name);
    snprintf(name, sizeof name, "Host %u switch %u", host, index);
    set_counted_string(&sw->params.SwitchFriendlyName, name);
    sw->params.IsActive = TRUE;
    sw->params.NumSwitchPorts = 1; /* the external port */
    sw->next_port_id = 1;          /* port 0 is the default (external) port */
}

static int hosts_init(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    sim->hosts = calloc(cfg->topology.hosts, sizeof *sim->hosts);
    if (!sim->hosts)
        return -1;
    for (uint32_t h = 0; h < cfg->topology.hosts; h++) {
        vs_host *host = &sim->hosts[h];
        host->cpus_free = cfg->topology.cpus_per_host;
        host->switches = calloc(cfg->topology.switches_per_host, sizeof *host->switches);
        if (!host->switches)
            return -1;
        for (uint32_t w = 0; w < cfg->topology.switches_per_host; w++)
            switch_init(&host->switches[w], h, w);
    }
    return 0;
}

/* VMs fill hosts in order; NIC i of a VM sits on switch i % switches_per_host. */
static void place_vms(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    uint32_t per_vm = cfg->topology.nics_per_vm;
    for (uint32_t v = 0; v < sim->nvms; v++) {
        vs_vm *vm = &sim->vms[v];
        vm->host = v / cfg->topology.vms_per_host; /* its stream: on first use (vs_vm_ext_of) */
        vs_host *host = &sim->hosts[vm->host];
        host->vms_here++;
        if (cfg->topology.vm_start == VS_START_POWER_ON) {
            vm->off = true; /* its ports come with its power-on (run.c) */
            continue;
        }
        for (uint32_t i = 0; i < per_vm; i++) {
            vs_switch *sw = &host->switches[i % cfg->topology.switches_per_host];
            sim->nics[v * per_vm + i] = (vs_nic){.port = sw->next_port_id++};
            sw->params.NumSwitchPorts++;
        }
    }
}

int vs_topology_build(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    sim->nvms = cfg->topology.hosts * cfg->topology.vms_per_host;
    sim->nnics = sim->nvms * cfg->topology.nics_per_vm;
    sim->vms = calloc(sim->nvms ? sim->nvms : 1, sizeof *sim->vms);
    sim->nics = calloc(sim->nnics ? sim->nnics : 1, sizeof *sim->nics);
    if (!sim->vms || !sim->nics || hosts_init(sim) != 0)
        return -1;
    place_vms(sim);
    return 0;
}

void vs_topology_free(vs_sim *sim)
{
    for (uint32_t h = 0; sim->hosts && h < sim->cfg->topology.hosts; h++) {
        free(sim->hosts[h].switches);
        free(sim->hosts[h].subs);
        free(sim->hosts[h].cpu_queue);
    }
    free(sim->hosts);
    free(sim->vms);
    free(sim->vm_ext);
    free(sim->nics);
    sim->hosts = NULL;
    sim->vms = NULL;
    sim->vm_ext = NULL;
    sim->nics = NULL;
    sim->nvm_ext = sim->vm_ext_cap = 0;
}

vs_vm_ext *vs_vm_ext_of(vs_sim *sim, uint32_t vm)
{
    vs_vm *v = &sim->vms[vm];
    if (v->ext)
        return &sim->vm_ext[v->ext - 1];
    if (VS_GROW(sim->vm_ext, sim->vm_ext_cap, sim->nvm_ext + 1) != 0) {
        vs_sim_out_of_memory(sim);
        return NULL;
    }
    vs_vm_ext *e = &sim->vm_ext[sim->nvm_ext++];
    *e = (vs_vm_ext){0};
    /* Seeded now as it would have been at the start: a stream depends on its id only. */
    vs_rng_init(&e->rng, sim->cfg->seed, vs_rng_stream_id(VS_STREAM_VM, vm, 0));
    v->ext = sim->nvm_ext; /* below 2^29: at most 100,000 hosts x 1,024 VMs */
    return e;
}

vs_time_t vs_vm_sample(vs_sim *sim, uint32_t vm, const vs_dist *d)
{
    if (d->kind == VS_DIST_CONSTANT)
        return vs_dist_sample(d, &sim->spare_rng);
    vs_vm_ext *e = vs_vm_ext_of(sim, vm);
    return vs_dist_sample(d, e ? &e->rng : &sim->spare_rng);
}

/* ---- What a switch holds, as VSWITCH_CREATE reports it ------------------------------ */

/* The default port: the external one, id 0, with the host's physical NIC on it. */
static void fill_external(NDIS_SWITCH_PORT_PARAMETERS *p, NDIS_SWITCH_NIC_PARAMETERS *n)
{
    p->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT,
                                     NDIS_SWITCH_PORT_PARAMETERS_REVISION_1,
                                     NDIS_SIZEOF_NDIS_SWITCH_PORT_PARAMETERS_REVISION_1};
    p->PortId = NDIS_SWITCH_DEFAULT_PORT_ID;
    p->PortType = NdisSwitchPortTypeExternal;
    p->PortState = NdisSwitchPortStateCreated;
    set_counted_string(&p->PortName, "external");
    n->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT,
                                     NDIS_SWITCH_NIC_PARAMETERS_REVISION_1,
                                     NDIS_SIZEOF_NDIS_SWITCH_NIC_PARAMETERS_REVISION_1};
    n->PortId = NDIS_SWITCH_DEFAULT_PORT_ID;
    n->NicIndex = NDIS_SWITCH_DEFAULT_NIC_INDEX;
    n->NicType = NdisSwitchNicTypeExternal;
    n->NicState = NdisSwitchNicStateConnected;
    n->MTU = 1500;
    set_counted_string(&n->NicName, "physical");
}

static void fill_port(NDIS_SWITCH_PORT_PARAMETERS *p, NDIS_SWITCH_PORT_ID id)
{
    p->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT,
                                     NDIS_SWITCH_PORT_PARAMETERS_REVISION_1,
                                     NDIS_SIZEOF_NDIS_SWITCH_PORT_PARAMETERS_REVISION_1};
    p->PortId = id;
    p->PortType = NdisSwitchPortTypeSynthetic;
    p->PortState = NdisSwitchPortStateCreated;
}

static void fill_nic(NDIS_SWITCH_NIC_PARAMETERS *n, NDIS_SWITCH_PORT_ID port)
{
    n->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT,
                                     NDIS_SWITCH_NIC_PARAMETERS_REVISION_1,
                                     NDIS_SIZEOF_NDIS_SWITCH_NIC_PARAMETERS_REVISION_1};
    n->PortId = port;
    n->NicType = NdisSwitchNicTypeSynthetic;
    n->NicState = NdisSwitchNicStateConnected;
    n->MTU = 1500;
}

/* Arrays are a header followed by elements at FirstElementOffset, ElementSize apart; the
 * first element is aligned for its type (NIC parameters hold 64-bit fields). */
static void *array_new(uint32_t count, size_t header, size_t element)
{
    header = (header + 7) & ~(size_t)7;
    NDIS_SWITCH_PORT_ARRAY *a = calloc(1, header + element * (count ? count : 1));
    if (!a)
        return NULL;
    a->Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT, NDIS_SWITCH_PORT_ARRAY_REVISION_1,
                                     (USHORT)header};
    a->FirstElementOffset = (USHORT)header;
    a->NumElements = count;
    a->ElementSize = (ULONG)element;
    return a;
}

int vs_topology_switch_arrays(const vs_sim *sim, uint32_t host, uint32_t sw, bool initial,
                              NDIS_SWITCH_PORT_ARRAY **ports, NDIS_SWITCH_NIC_ARRAY **nics)
{
    uint32_t count = sim->hosts[host].switches[sw].params.NumSwitchPorts;
    *ports = array_new(count, sizeof(NDIS_SWITCH_PORT_ARRAY), sizeof(NDIS_SWITCH_PORT_PARAMETERS));
    *nics = array_new(count, sizeof(NDIS_SWITCH_NIC_ARRAY), sizeof(NDIS_SWITCH_NIC_PARAMETERS));
    if (!*ports || !*nics) {
        free(*ports);
        free(*nics);
        return -1;
    }
    fill_external(NDIS_SWITCH_PORT_AT_ARRAY_INDEX(*ports, 0),
                  NDIS_SWITCH_NIC_AT_ARRAY_INDEX(*nics, 0));
    /* At the start a host holds its initial VMs only; later (an extension stack's
     * restart), whichever run there now. Ports in the middle of a migration's setup are
     * not in the arrays: NumSwitchPorts counts them, the arrays list running VMs'. */
    uint32_t per_host = sim->cfg->topology.vms_per_host, per_vm = sim->cfg->topology.nics_per_vm;
    uint32_t first = initial ? host * per_host * per_vm : 0;
    uint32_t last = initial ? (host + 1) * per_host * per_vm : sim->nnics;
    uint32_t i = 1;
    for (uint32_t n = first; n < last && i < count; n++) {
        const vs_vm *vm = &sim->vms[n / per_vm];
        if (vm->host != host || vm->off || vs_nic_sw(sim, n) != sw || sim->nics[n].port == 0)
            continue;
        fill_port(NDIS_SWITCH_PORT_AT_ARRAY_INDEX(*ports, i), sim->nics[n].port);
        fill_nic(NDIS_SWITCH_NIC_AT_ARRAY_INDEX(*nics, i), sim->nics[n].port);
        i++;
    }
    (*ports)->NumElements = (*nics)->NumElements = i;
    return 0;
}
