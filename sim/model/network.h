/*
 * network.h: the hosts' live-migration network as a flow-level model (network.c), the
 * one SimGrid uses: every host has a link with an egress and an ingress side; a flow
 * (a migration's memory round, its last dirty pages, its NIC state) uses its source's
 * egress and its destination's ingress, and the flows share each link's bandwidth with
 * max-min fairness, recomputed when a flow starts or ends, over the flows those links
 * reach (not the whole network). A flow ends when its bytes are through, plus the link's
 * latency. It knows the engine, not switches or migrations.
 */
#ifndef VS_NETWORK_H
#define VS_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/pool.h"

typedef void (*vs_net_done_fn)(void *ctx, uint64_t arg);

typedef struct vs_net_flow vs_net_flow;

/* One side of a host's link. */
typedef struct vs_link {
    double capacity;     /* bytes per ns */
    vs_net_flow **flows; /* the flows on it now */
    uint32_t nflows, cap;
    double rate;       /* the flows' rates summed: what it carries now */
    double bytes;      /* carried so far */
    vs_time_t since;   /* when `bytes` was last brought up to date */
    uint32_t stamp;    /* the component walk's mark */
    double left;       /* progressive filling: capacity not yet shared out */
    uint32_t unfrozen; /* progressive filling: flows still growing */
} vs_link;

typedef struct vs_net {
    vs_engine *engine;
    uint32_t hosts;
    vs_link *egress, *ingress; /* [hosts] */
    vs_time_t latency;
    vs_pool flows;
    uint32_t stamp;
    /* Scratch for a recomputation: the component's links and flows. */
    vs_link **clinks;
    vs_net_flow **cflows;
    uint32_t nclinks, ncflows, clinks_cap, cflows_cap;
    uint64_t recomputations; /* for tests and benchmarks */
    bool oom; /* a recomputation found no memory: the engine is stopped, the shares stale */
} vs_net;

/* Every host's link: `bytes_per_ns` each way, `latency` added to each flow. -1 out of
 * memory. */
int vs_net_init(vs_net *net, vs_engine *engine, uint32_t hosts, double bytes_per_ns,
                vs_time_t latency);
void vs_net_close(vs_net *net);

/* Starts a flow of `bytes` from src to dst (two different hosts); done(ctx, arg) runs
 * once its last byte is through and the latency has passed. NULL out of memory (and
 * then, as when a later recomputation finds none, net.oom is set and the engine
 * stopped: the run cannot go on). */
vs_net_flow *vs_net_start(vs_net *net, uint32_t src, uint32_t dst, double bytes,
                          vs_net_done_fn done, void *ctx, uint64_t arg);

/* A flow's current rate, bytes per ns (0 when it is not running). */
double vs_net_flow_rate(const vs_net_flow *flow);

/* Bytes a host's link has carried (egress or ingress) until now. */
double vs_net_link_bytes(vs_net *net, uint32_t host, bool egress);

#endif /* VS_NETWORK_H */
