/*
 * network.c: flows on the hosts' live-migration links, sharing them with max-min
 * fairness (network.h). A change (a flow starts or ends) walks the component of links and
 * flows it reaches, brings their byte counts up to now, shares the component's capacity
 * out by progressive filling, and moves each flow's end event to where its new rate
 * puts it.
 */
#include "model/network.h"

#include <math.h>
#include <stdlib.h>

#include "base/grow.h"

struct vs_net_flow {
    void *pool_link;  /* the pool's free list writes here */
    vs_link *link[2]; /* source egress, destination ingress */
    uint32_t pos[2];  /* its index in each link's list */
    double remaining; /* bytes still to send, as of `since` */
    double rate;      /* bytes per ns */
    vs_time_t since;
    vs_event_id end;
    vs_net_done_fn done;
    void *ctx;
    uint64_t arg;
    uint32_t stamp;
    bool frozen;
};

int vs_net_init(vs_net *net, vs_engine *engine, uint32_t hosts, double bytes_per_ns,
                vs_time_t latency)
{
    *net = (vs_net){.engine = engine, .hosts = hosts, .latency = latency};
    net->egress = calloc(hosts ? hosts : 1, sizeof *net->egress);
    net->ingress = calloc(hosts ? hosts : 1, sizeof *net->ingress);
    if (!net->egress || !net->ingress) {
        vs_net_close(net);
        return -1;
    }
    for (uint32_t h = 0; h < hosts; h++)
        net->egress[h].capacity = net->ingress[h].capacity = bytes_per_ns;
    vs_pool_init(&net->flows, sizeof(vs_net_flow), 64);
    return 0;
}

void vs_net_close(vs_net *net)
{
    for (uint32_t h = 0; h < net->hosts && net->egress && net->ingress; h++) {
        free(net->egress[h].flows);
        free(net->ingress[h].flows);
    }
    free(net->egress);
    free(net->ingress);
    free(net->clinks);
    free(net->cflows);
    if (net->flows.item_size)
        vs_pool_close(&net->flows);
    *net = (vs_net){0};
}

/* ---- Links' flow lists ------------------------------------------------------------------ */

static int link_add(vs_link *l, vs_net_flow *f, int side)
{
    if (VS_GROW(l->flows, l->cap, l->nflows + 1) != 0)
        return -1;
    f->pos[side] = l->nflows;
    l->flows[l->nflows++] = f;
    return 0;
}

static void link_remove(vs_link *l, vs_net_flow *f, int side)
{
    vs_net_flow *last = l->flows[--l->nflows];
    l->flows[f->pos[side]] = last;
    last->pos[last->link[0] == l ? 0 : 1] = f->pos[side];
}

/* What the link carried since it was last brought up to date. */
static void link_settle(vs_link *l, vs_time_t now)
{
    l->bytes += l->rate * (double)(now - l->since);
    l->since = now;
}

/* ---- The component a change reaches ------------------------------------------------------ */

static int push(void ***arr, uint32_t *n, uint32_t *cap, void *item)
{
    if (VS_GROW(*arr, *cap, *n + 1) != 0)
        return -1;
    (*arr)[(*n)++] = item;
    return 0;
}

static int visit_link(vs_net *net, vs_link *l)
{
    if (l->stamp == net->stamp)
        return 0;
    l->stamp = net->stamp;
    return push((void ***)&net->clinks, &net->nclinks, &net->clinks_cap, l);
}

/* Links and flows reachable from `start` through shared flows, breadth first. */
static int collect(vs_net *net, vs_link *const start[2])
{
    net->stamp++;
    net->nclinks = net->ncflows = 0;
    if (visit_link(net, start[0]) != 0 || visit_link(net, start[1]) != 0)
        return -1;
    for (uint32_t i = 0; i < net->nclinks; i++) {
        vs_link *l = net->clinks[i];
        for (uint32_t k = 0; k < l->nflows; k++) {
            vs_net_flow *f = l->flows[k];
            if (f->stamp == net->stamp)
                continue;
            f->stamp = net->stamp;
            if (push((void ***)&net->cflows, &net->ncflows, &net->cflows_cap, f) != 0 ||
                visit_link(net, f->link[0]) != 0 || visit_link(net, f->link[1]) != 0)
                return -1;
        }
    }
    return 0;
}

/* ---- Max-min fair shares ------------------------------------------------------------------- */

/* Progressive filling: the link whose capacity left, shared among its flows still
 * growing, is smallest fixes those flows' rate at that share; repeat. Ties go to the
 * earliest link in the walk, so the result does not depend on memory addresses. */
static void share_out(vs_net *net)
{
    for (uint32_t i = 0; i < net->nclinks; i++) {
        vs_link *l = net->clinks[i];
        l->left = l->capacity;
        l->unfrozen = l->nflows;
    }
    for (uint32_t i = 0; i < net->ncflows; i++)
        net->cflows[i]->frozen = false;
    for (;;) {
        vs_link *bottleneck = NULL;
        double share = INFINITY;
        for (uint32_t i = 0; i < net->nclinks; i++) {
            vs_link *l = net->clinks[i];
            if (l->unfrozen && l->left / l->unfrozen < share) {
                share = l->left / l->unfrozen;
                bottleneck = l;
            }
        }
        if (!bottleneck)
            return;
        if (share < 0)
            share = 0;
        for (uint32_t k = 0; k < bottleneck->nflows; k++) {
            vs_net_flow *f = bottleneck->flows[k];
            if (f->frozen)
                continue;
            f->frozen = true;
            f->rate = share;
            for (int s = 0; s < 2; s++) {
                f->link[s]->left -= share;
                f->link[s]->unfrozen--;
            }
        }
    }
}

static void on_flow_end(vs_engine *eng, void *ctx, uint64_t arg);

/* Its end: when the bytes left are through at its rate (rounded up to a whole ns). */
static void schedule_end(vs_net *net, vs_net_flow *f)
{
    vs_time_t now = vs_engine_now(net->engine);
    if (f->end)
        vs_engine_cancel(net->engine, f->end);
    f->end = 0;
    if (f->rate <= 0)
        return; /* waits for a share */
    double ns = f->remaining > 0 ? ceil(f->remaining / f->rate) : 0;
    f->end = vs_engine_schedule_at(net->engine, now + (vs_time_t)ns, on_flow_end, net,
                                   (uint64_t)(uintptr_t)f);
}

/* No memory to share the links out: the run stops (vs_sim_failed looks at net.oom). */
static void net_out_of_memory(vs_net *net)
{
    net->oom = true;
    vs_engine_stop(net->engine);
}

/* Brings the component around `start` up to now and shares its links out again. */
static void recompute(vs_net *net, vs_link *const start[2])
{
    vs_time_t now = vs_engine_now(net->engine);
    net->recomputations++;
    if (collect(net, start) != 0)
        return net_out_of_memory(net);
    for (uint32_t i = 0; i < net->ncflows; i++) {
        vs_net_flow *f = net->cflows[i];
        f->remaining -= f->rate * (double)(now - f->since);
        f->since = now;
    }
    for (uint32_t i = 0; i < net->nclinks; i++)
        link_settle(net->clinks[i], now);
    share_out(net);
    for (uint32_t i = 0; i < net->nclinks; i++) {
        vs_link *l = net->clinks[i];
        l->rate = 0;
        for (uint32_t k = 0; k < l->nflows; k++)
            l->rate += l->flows[k]->rate;
    }
    for (uint32_t i = 0; i < net->ncflows; i++)
        schedule_end(net, net->cflows[i]);
}

/* ---- Flows ------------------------------------------------------------------------------- */

static void on_latency_over(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_net_flow *f = (vs_net_flow *)(uintptr_t)arg;
    vs_net *net = ctx;
    vs_net_done_fn done = f->done;
    void *dctx = f->ctx;
    uint64_t darg = f->arg;
    vs_pool_put(&net->flows, f);
    done(dctx, darg);
}

static void on_flow_end(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_net *net = ctx;
    vs_net_flow *f = (vs_net_flow *)(uintptr_t)arg;
    vs_link *links[2] = {f->link[0], f->link[1]};
    vs_time_t now = vs_engine_now(eng);
    link_settle(links[0], now);
    link_settle(links[1], now);
    link_remove(links[0], f, 0);
    link_remove(links[1], f, 1);
    links[0]->rate -= f->rate;
    links[1]->rate -= f->rate;
    f->end = 0;
    f->rate = 0;
    recompute(net, links); /* the others on its links get its share */
    if (net->latency == 0) {
        on_latency_over(eng, net, arg);
        return;
    }
    vs_engine_post(eng, net->latency, on_latency_over, net, arg);
}

vs_net_flow *vs_net_start(vs_net *net, uint32_t src, uint32_t dst, double bytes,
                          vs_net_done_fn done, void *ctx, uint64_t arg)
{
    vs_net_flow *f = vs_pool_get(&net->flows);
    if (!f)
        return net_out_of_memory(net), NULL;
    *f = (vs_net_flow){.link = {&net->egress[src], &net->ingress[dst]},
                       .remaining = bytes > 0 ? bytes : 0,
                       .since = vs_engine_now(net->engine),
                       .done = done,
                       .ctx = ctx,
                       .arg = arg};
    if (link_add(f->link[0], f, 0) != 0 || link_add(f->link[1], f, 1) != 0)
        return net_out_of_memory(net), NULL; /* it stays in the pool, freed with it */
    recompute(net, f->link);
    return f;
}

double vs_net_flow_rate(const vs_net_flow *flow)
{
    return flow->rate;
}

double vs_net_link_bytes(vs_net *net, uint32_t host, bool egress)
{
    vs_link *l = egress ? &net->egress[host] : &net->ingress[host];
    link_settle(l, vs_engine_now(net->engine));
    return l->bytes;
}
