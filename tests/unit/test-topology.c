/*
 * test-topology.c: the datacenter a run starts with (sim/model/topology.c), through
 * topology.h on a bare vs_sim holding only its config: a small topology built by hand,
 * then every host, switch, VM and NIC compared with what config.h's rules give when
 * worked out on paper (VMs fill hosts in order, NIC i of a VM on switch i % switches,
 * ports numbered from 1 per switch, port 0 the external one), and the port and NIC
 * arrays VSWITCH_CREATE carries, element by element.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model/topology.h"

static vs_config g_cfg;
static vs_sim *g_sim;

/* 3 hosts x 2 switches; 2 VMs per host with 3 NICs each. */
static void setup(void)
{
    memset(&g_cfg, 0, sizeof g_cfg);
    g_cfg.seed = 11;
    g_cfg.topology.hosts = 3;
    g_cfg.topology.switches_per_host = 2;
    g_cfg.topology.vms_per_host = 2;
    g_cfg.topology.nics_per_vm = 3;
    g_cfg.topology.cpus_per_host = 5;
    g_sim = calloc(1, sizeof *g_sim);
    cr_assert_not_null(g_sim);
    g_sim->cfg = &g_cfg;
}

static void build(void)
{
    cr_assert_eq(vs_topology_build(g_sim), 0);
}

static void teardown(void)
{
    vs_topology_free(g_sim);
    free(g_sim);
    g_sim = NULL;
}

TestSuite(topology, .init = setup, .fini = teardown);

/* A counted string as ASCII (the model writes ASCII into UTF-16 units). */
static void ascii_of(const NDIS_IF_COUNTED_STRING *s, char *out, size_t cap)
{
    size_t n = s->Length / sizeof(WCHAR);
    cr_assert_lt(n, cap);
    for (size_t i = 0; i < n; i++)
        out[i] = (char)s->String[i];
    out[n] = '\0';
}

Test(topology, counts_follow_the_config)
{
    build();
    cr_expect_eq(g_sim->nvms, 6);   /* 3 hosts x 2 */
    cr_expect_eq(g_sim->nnics, 18); /* 6 VMs x 3 */
    for (uint32_t h = 0; h < 3; h++) {
        cr_expect_eq(g_sim->hosts[h].cpus_free, 5, "host %u", h);
        cr_expect_eq(g_sim->hosts[h].vms_here, 2, "host %u", h);
    }
}

Test(topology, vms_fill_hosts_in_order)
{
    static const uint32_t want_host[6] = {0, 0, 1, 1, 2, 2};
    build();
    for (uint32_t v = 0; v < 6; v++) {
        cr_expect_eq(g_sim->vms[v].host, want_host[v], "VM %u", v);
        cr_expect(!g_sim->vms[v].off, "VM %u runs from the start", v);
    }
}

/* On each host: switch 0 takes NICs 0 and 2 of each VM, switch 1 NIC 1, numbered from 1
 * in VM order; so switch 0 holds 4 VM ports and the external one, switch 1 two and it. */
Test(topology, nics_sit_on_switch_i_mod_switches_with_ports_from_one)
{
    static const struct {
        uint16_t sw;
        NDIS_SWITCH_PORT_ID port;
    } want[6] = {
        {0, 1}, {1, 1}, {0, 2}, /* VM 0 of the host */
        {0, 3}, {1, 2}, {0, 4}  /* VM 1 */
    };
    build();
    for (uint32_t h = 0; h < 3; h++) {
        for (uint32_t i = 0; i < 6; i++) {
            const vs_nic *n = &g_sim->nics[h * 6 + i];
            cr_expect_eq(vs_nic_sw(g_sim, h * 6 + i), want[i].sw, "host %u NIC %u", h, i);
            cr_expect_eq(n->port, want[i].port, "host %u NIC %u", h, i);
        }
        cr_expect_eq(g_sim->hosts[h].switches[0].params.NumSwitchPorts, 5);
        cr_expect_eq(g_sim->hosts[h].switches[1].params.NumSwitchPorts, 3);
        cr_expect_eq(g_sim->hosts[h].switches[0].next_port_id, 5);
        cr_expect_eq(g_sim->hosts[h].switches[1].next_port_id, 3);
    }
}

Test(topology, switches_are_named_and_active)
{
    char name[80];
    build();
    const NDIS_SWITCH_PARAMETERS *p = &g_sim->hosts[2].switches[1].params;
    ascii_of(&p->SwitchName, name, sizeof name);
    cr_expect_str_eq(name, "host2-vswitch1");
    cr_expect_eq(p->SwitchName.Length, 14 * sizeof(WCHAR), "bytes, no NUL");
    ascii_of(&p->SwitchFriendlyName, name, sizeof name);
    cr_expect_str_eq(name, "Host 2 switch 1");
    cr_expect(p->IsActive);
    cr_expect_eq(p->Header.Type, NDIS_OBJECT_TYPE_DEFAULT);
    cr_expect_eq(p->Header.Revision, NDIS_SWITCH_PARAMETERS_REVISION_1);
}

/* Powered on at time 0: no ports yet (they come with the power-on), but each NIC knows
 * its switch. */
Test(topology, power_on_vms_start_off_without_ports)
{
    g_cfg.topology.vm_start = VS_START_POWER_ON;
    build();
    for (uint32_t v = 0; v < 6; v++)
        cr_expect(g_sim->vms[v].off, "VM %u", v);
    for (uint32_t n = 0; n < 18; n++) {
        cr_expect_eq(g_sim->nics[n].port, 0, "NIC %u", n);
        cr_expect_eq(vs_nic_sw(g_sim, n), (n % 3) % 2, "NIC %u", n);
    }
    cr_expect_eq(g_sim->hosts[0].switches[0].params.NumSwitchPorts, 1, "external only");
    cr_expect_eq(g_sim->hosts[0].vms_here, 2, "placed, if not running");
}

/* Each VM draws from its own stream: VS_STREAM_VM with its index, under the seed, as if
 * seeded at the start whichever VM first draws (their records are made on first use). */
Test(topology, each_vm_has_its_own_stream)
{
    build();
    vs_dist d;
    vs_dist_uniform(&d, 0, 1e9);
    for (uint32_t v = 6; v-- > 0;) {
        vs_rng want;
        vs_rng_init(&want, 11, vs_rng_stream_id(VS_STREAM_VM, v, 0));
        for (int k = 0; k < 4; k++)
            cr_expect_eq(vs_vm_sample(g_sim, v, &d), vs_dist_sample(&d, &want), "VM %u draw %d", v,
                         k);
    }
    vs_rng a, b;
    vs_rng_init(&a, 11, vs_rng_stream_id(VS_STREAM_VM, 0, 0));
    vs_rng_init(&b, 11, vs_rng_stream_id(VS_STREAM_VM, 1, 0));
    cr_expect_neq(vs_rng_next(&a), vs_rng_next(&b), "two VMs, two streams");
    cr_expect_eq(g_sim->nvm_ext, 6, "one record per VM that drew");
}

/* A VM that draws nothing (constant times) stores no stream: 8 bytes per VM is all. */
Test(topology, a_constant_draw_makes_no_record)
{
    build();
    cr_expect_eq(sizeof(vs_vm), 8);
    vs_dist d;
    vs_dist_constant(&d, 5);
    cr_expect_eq(vs_vm_sample(g_sim, 2, &d), 5);
    cr_expect_eq(g_sim->vms[2].ext, 0);
    cr_expect_eq(g_sim->nvm_ext, 0);
    vs_dist_uniform(&d, 0, 1e9);
    vs_vm_sample(g_sim, 2, &d);
    cr_expect_eq(g_sim->vms[2].ext, 1, "made on the first real draw");
}

Test(topology, no_vms_still_builds_hosts)
{
    g_cfg.topology.vms_per_host = 0;
    build();
    cr_expect_eq(g_sim->nvms, 0);
    cr_expect_eq(g_sim->nnics, 0);
    cr_expect_eq(g_sim->hosts[1].switches[1].params.NumSwitchPorts, 1);
    cr_expect_eq(g_sim->hosts[1].vms_here, 0);
}

/* ---- The arrays VSWITCH_CREATE carries -------------------------------------------- */

static NDIS_SWITCH_PORT_ARRAY *g_ports;
static NDIS_SWITCH_NIC_ARRAY *g_nics;

static void arrays(uint32_t host, uint32_t sw, bool initial)
{
    cr_assert_eq(vs_topology_switch_arrays(g_sim, host, sw, initial, &g_ports, &g_nics), 0);
}

static void arrays_free(void)
{
    free(g_ports);
    free(g_nics);
    g_ports = NULL;
    g_nics = NULL;
}

static void ports_are(const NDIS_SWITCH_PORT_ID *want, uint32_t n)
{
    cr_assert_eq(g_ports->NumElements, n);
    cr_assert_eq(g_nics->NumElements, n);
    for (uint32_t i = 0; i < n; i++) {
        cr_expect_eq(NDIS_SWITCH_PORT_AT_ARRAY_INDEX(g_ports, i)->PortId, want[i], "port %u", i);
        cr_expect_eq(NDIS_SWITCH_NIC_AT_ARRAY_INDEX(g_nics, i)->PortId, want[i], "NIC %u", i);
    }
}

Test(topology, arrays_start_with_the_external_port_and_its_physical_nic)
{
    char name[80];
    build();
    arrays(1, 0, true);
    const NDIS_SWITCH_PORT_PARAMETERS *p = NDIS_SWITCH_PORT_AT_ARRAY_INDEX(g_ports, 0);
    const NDIS_SWITCH_NIC_PARAMETERS *n = NDIS_SWITCH_NIC_AT_ARRAY_INDEX(g_nics, 0);
    cr_expect_eq(p->PortId, NDIS_SWITCH_DEFAULT_PORT_ID);
    cr_expect_eq(p->PortType, NdisSwitchPortTypeExternal);
    ascii_of(&p->PortName, name, sizeof name);
    cr_expect_str_eq(name, "external");
    cr_expect_eq(n->NicType, NdisSwitchNicTypeExternal);
    cr_expect_eq(n->NicIndex, NDIS_SWITCH_DEFAULT_NIC_INDEX);
    cr_expect_eq(n->NicState, NdisSwitchNicStateConnected);
    ascii_of(&n->NicName, name, sizeof name);
    cr_expect_str_eq(name, "physical");
    /* the VM ports after it: synthetic, connected, MTU 1500 */
    const NDIS_SWITCH_PORT_PARAMETERS *p1 = NDIS_SWITCH_PORT_AT_ARRAY_INDEX(g_ports, 1);
    const NDIS_SWITCH_NIC_PARAMETERS *n1 = NDIS_SWITCH_NIC_AT_ARRAY_INDEX(g_nics, 1);
    cr_expect_eq(p1->PortType, NdisSwitchPortTypeSynthetic);
    cr_expect_eq(n1->NicType, NdisSwitchNicTypeSynthetic);
    cr_expect_eq(n1->MTU, 1500);
    arrays_free();
}

/* Elements lie FirstElementOffset into the array, ElementSize apart, the first aligned
 * for the 64-bit fields NIC parameters hold. */
Test(topology, arrays_are_laid_out_as_ndis_says)
{
    build();
    arrays(0, 0, true);
    cr_expect_eq(g_ports->ElementSize, sizeof(NDIS_SWITCH_PORT_PARAMETERS));
    cr_expect_eq(g_nics->ElementSize, sizeof(NDIS_SWITCH_NIC_PARAMETERS));
    cr_expect_eq(g_ports->FirstElementOffset % 8, 0);
    cr_expect_eq(g_nics->FirstElementOffset % 8, 0);
    cr_expect_geq(g_ports->FirstElementOffset, sizeof(NDIS_SWITCH_PORT_ARRAY));
    cr_expect_geq(g_nics->FirstElementOffset, sizeof(NDIS_SWITCH_NIC_ARRAY));
    cr_expect_eq((uintptr_t)NDIS_SWITCH_NIC_AT_ARRAY_INDEX(g_nics, 2) - (uintptr_t)g_nics,
                 g_nics->FirstElementOffset + 2 * sizeof(NDIS_SWITCH_NIC_PARAMETERS));
    arrays_free();
}

Test(topology, arrays_list_each_switchs_own_ports)
{
    static const NDIS_SWITCH_PORT_ID sw0[] = {0, 1, 2, 3, 4}, sw1[] = {0, 1, 2};
    build();
    arrays(2, 0, true);
    ports_are(sw0, 5);
    arrays_free();
    arrays(2, 1, true);
    ports_are(sw1, 3);
    arrays_free();
}

/* Later (a stack restart), the VMs there now: one turned off is left out, one that
 * arrived from another host is listed with the port it has here. */
Test(topology, later_arrays_list_the_vms_running_there_now)
{
    build();
    g_sim->vms[0].off = true; /* host 0's first VM: ports 1, 2 on switch 0 */
    /* VM 4 (host 2) moved to host 0: its NICs 0 and 2 on switch 0 as ports 9 and 10 */
    g_sim->vms[4].host = 0;
    g_sim->nics[4 * 3 + 0].port = 9;
    g_sim->nics[4 * 3 + 2].port = 10;
    g_sim->hosts[0].switches[0].params.NumSwitchPorts = 5; /* -2 + 2 */
    static const NDIS_SWITCH_PORT_ID want[] = {0, 3, 4, 9, 10};
    arrays(0, 0, false);
    ports_are(want, 5);
    arrays_free();
}

/* A port counted by NumSwitchPorts but not yet a running VM's (a migration's setup)
 * leaves its slot unused: NumElements says how many are filled. */
Test(topology, ports_in_setup_are_counted_but_not_listed)
{
    build();
    g_sim->hosts[1].switches[1].params.NumSwitchPorts = 4; /* an incoming port */
    static const NDIS_SWITCH_PORT_ID want[] = {0, 1, 2};
    arrays(1, 1, false);
    ports_are(want, 3);
    arrays_free();
}

Test(topology, power_on_vms_are_not_in_the_initial_arrays)
{
    g_cfg.topology.vm_start = VS_START_POWER_ON;
    build();
    static const NDIS_SWITCH_PORT_ID want[] = {0};
    arrays(0, 0, true);
    ports_are(want, 1);
    arrays_free();
}
