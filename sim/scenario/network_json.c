/*
 * network_json.c: the scenario's "network" section: each host's live-migration link,
 * each way, over which the memory pre-copy model (migration.model "memory") sends its
 * rounds, the last dirty pages and the NIC state. With "measured" it is allowed but
 * unused (migration.bandwidth_gbps times the NIC state then).
 */
#include "scenario/scenario-int.h"

#define MAX_GBPS 1e6
#define MAX_COMPRESSION 100

/* Defaults: a 10 GbE link; 0.95 of it, what TCP/IP live migration got of a 1 GbE link
 * in Aidan Finn's comparison of WS2012 R2 transports; no compression (Hyper-V's
 * compression option would be about 2). */
int vs__sc_network(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"bandwidth_gbps", "latency", "efficiency", "compression",
                                       NULL};
    const json_t *net;
    size_t old;
    double gbps = 10;
    cfg->network.efficiency = 0.95;
    cfg->network.compression = 1;
    if (vs__sc_enter(sc, root, "network", false, keys, &net, &old) < 0 ||
        vs__sc_number(sc, net, "bandwidth_gbps", false, 0, true, MAX_GBPS, false, &gbps) < 0 ||
        vs__sc_duration(sc, net, "latency", false, "200us", 0, &cfg->network.latency) < 0 ||
        vs__sc_number(sc, net, "efficiency", false, 0, true, 1, false, &cfg->network.efficiency) <
            0 ||
        vs__sc_number(sc, net, "compression", false, 1, false, MAX_COMPRESSION, false,
                      &cfg->network.compression) < 0)
        return -1;
    cfg->network.bandwidth_bytes_per_s = gbps * 1e9 / 8;
    vs__sc_pop(sc, old);
    return 0;
}
