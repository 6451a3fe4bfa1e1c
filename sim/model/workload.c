/*
 * workload.c: Poisson arrivals of NIC save+restore requests and each request's way
 * through save, transfer, port create, restore and the old port's delete.
 */
#include "model/workload.h"

#include <stdlib.h>

#include "engine/dist.h"
#include "model/wfp.h"

static void start_request(vs_sim *sim, uint32_t nic);

/* ---- Request pool: no allocation per request once warm ------------------------ */

static vs_request *request_get(vs_sim *sim)
{
    vs_request *req = vs_pool_get(&sim->requests);
    if (!req)
        abort(); /* out of memory mid-run */
    req->fan.req = req;
    req->nblobs = 0;
    req->nbytes = 0;
    return req;
}

void vs_workload_init(vs_sim *sim)
{
    vs_pool_init(&sim->requests, sizeof(vs_request), 64);
}

static void request_free_buffers(void *item)
{
    vs_request *req = item;
    free(req->blobs);
    free(req->bytes);
}

void vs_workload_close(vs_sim *sim)
{
    vs_pool_foreach(&sim->requests, request_free_buffers);
    vs_pool_close(&sim->requests);
}

/* A request is over: the NIC may take the next request queued behind it. */
static void finish_request(vs_sim *sim, vs_request *req, bool ok)
{
    vs_nic *nic = &sim->nics[req->nic];
    uint32_t index = req->nic;
    if (ok)
        sim->stats.requests_completed++;
    else
        sim->stats.requests_failed++;
    vs_pool_put(&sim->requests, req);
    nic->busy = false;
    if (nic->waiting > 0) {
        nic->waiting--;
        start_request(sim, index);
    }
}

static void record_sequence(vs_sim *sim, vs_seq_counts *counts, vs_latency lat,
                            const vs_fanout *fan)
{
    vs_hist_record(&sim->stats.latency[lat], vs_sim_now(sim) - fan->started);
    if (fan->pended)
        counts->pended++;
    if (fan->status == STATUS_SUCCESS) {
        counts->completed++;
        return;
    }
    counts->failed++;
    if (fan->timed_out)
        counts->timed_out++;
}

/* ---- The steps of one request ------------------------------------------------- */

static void on_source_port_deleted(vs_sim *sim, vs_fanout *fan)
{
    vs_request *req = fan->req;
    vs_nic *nic = &sim->nics[req->nic];
    sim->hosts[req->src_host].nics_here--;
    sim->hosts[req->src_host].vswitch.NumSwitchPorts--;
    sim->hosts[req->dst_host].nics_here++;
    nic->host = req->dst_host;
    nic->port = req->dst_port;
    finish_request(sim, req, true);
}

static void on_rolled_back(vs_sim *sim, vs_fanout *fan)
{
    vs_request *req = fan->req;
    sim->hosts[req->dst_host].vswitch.NumSwitchPorts--;
    finish_request(sim, req, false);
}

static void on_restored(vs_sim *sim, vs_fanout *fan)
{
    vs_request *req = fan->req;
    record_sequence(sim, &sim->stats.restores, VS_LAT_RESTORE, fan);
    if (fan->status != STATUS_SUCCESS) {
        /* A failed restore fails the move: the target port goes, the NIC stays. */
        vs_fanout_start(sim, fan, VS_FAN_PORT_DELETE, req->dst_host, req->dst_port, on_rolled_back);
        return;
    }
    vs_fanout_start(sim, fan, VS_FAN_PORT_DELETE, req->src_host, req->src_port,
                    on_source_port_deleted);
}

static void on_port_created(vs_sim *sim, vs_fanout *fan)
{
    vs_request *req = fan->req;
    if (fan->status != STATUS_SUCCESS) {
        vs_fanout_start(sim, fan, VS_FAN_PORT_DELETE, req->dst_host, req->dst_port, on_rolled_back);
        return;
    }
    sim->stats.restores.issued++;
    vs_fanout_start(sim, fan, VS_FAN_RESTORE, req->dst_host, req->dst_port, on_restored);
}

/* Fault injection: one bit of the saved state flips on its way to the target. */
static void maybe_corrupt(vs_sim *sim, vs_request *req)
{
    double p = sim->cfg->faults.corrupt_restore_probability;
    if (p <= 0 || req->nbytes == 0 || vs_rng_uniform01(&sim->fault_rng) >= p)
        return;
    uint64_t bit = vs_rng_below(&sim->fault_rng, (uint64_t)req->nbytes * 8);
    req->bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    sim->stats.corrupted_restores++;
}

static void on_transferred(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    vs_request *req = (vs_request *)(uintptr_t)arg;
    vs_host *dst = &sim->hosts[req->dst_host];
    maybe_corrupt(sim, req);
    /* The target switch gives the NIC a new port; its PortId may differ. */
    req->dst_port = dst->next_port_id++;
    dst->vswitch.NumSwitchPorts++;
    vs_fanout_start(sim, &req->fan, VS_FAN_PORT_CREATE, req->dst_host, req->dst_port,
                    on_port_created);
}

static uint32_t pick_target(vs_sim *sim, uint32_t src)
{
    uint32_t hosts = sim->cfg->topology.hosts;
    uint32_t t = (uint32_t)vs_rng_below(&sim->workload_rng, hosts - 1);
    return t >= src ? t + 1 : t; /* uniform over the other hosts */
}

static void on_saved(vs_sim *sim, vs_fanout *fan)
{
    vs_request *req = fan->req;
    vs_gauge_add(&sim->stats.saves_in_flight, vs_sim_now(sim), -1);
    record_sequence(sim, &sim->stats.saves, VS_LAT_SAVE, fan);
    if (fan->status != STATUS_SUCCESS) {
        finish_request(sim, req, false);
        return;
    }
    req->dst_host = pick_target(sim, req->src_host);
    vs_time_t delay = vs_dist_sample(&sim->cfg->workload.transfer, &sim->workload_rng);
    vs_engine_schedule(sim->engine, delay, on_transferred, sim, (uint64_t)(uintptr_t)req);
}

static void start_request(vs_sim *sim, uint32_t nic_index)
{
    vs_nic *nic = &sim->nics[nic_index];
    vs_request *req = request_get(sim);
    req->nic = nic_index;
    req->src_host = nic->host;
    req->src_port = nic->port;
    req->started = vs_sim_now(sim);
    nic->busy = true;
    sim->stats.requests_started++;
    sim->stats.saves.issued++;
    vs_gauge_add(&sim->stats.saves_in_flight, req->started, +1);
    vs_fanout_start(sim, &req->fan, VS_FAN_SAVE, req->src_host, req->src_port, on_saved);
}

/* ---- Arrivals ------------------------------------------------------------------- */

static void schedule_arrival(vs_sim *sim);

static void on_arrival(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_sim *sim = ctx;
    uint32_t nic = (uint32_t)vs_rng_below(&sim->workload_rng, sim->nnics);
    sim->requests_issued++;
    /* No interleaving per NIC: a new save starts only after the previous completed. */
    if (sim->nics[nic].busy) {
        sim->nics[nic].waiting++;
        sim->stats.requests_queued++;
    } else {
        start_request(sim, nic);
    }
    schedule_arrival(sim);
}

static void schedule_arrival(vs_sim *sim)
{
    const vs_config *cfg = sim->cfg;
    if (cfg->workload.max_requests && sim->requests_issued >= cfg->workload.max_requests)
        return;
    double gap_ns = vs_rng_exponential(&sim->workload_rng, 1e9 / cfg->workload.rate_per_s);
    vs_time_t at = vs_sim_now(sim) + (vs_time_t)(gap_ns + 0.5);
    if (at < cfg->run.duration)
        vs_engine_schedule_at(sim->engine, at, on_arrival, sim, 0);
}

int vs_workload_start(vs_sim *sim)
{
    if (sim->nnics == 0 || sim->cfg->topology.hosts < 2)
        return 0;
    schedule_arrival(sim);
    return 0;
}
