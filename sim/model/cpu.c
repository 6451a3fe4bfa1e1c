/*
 * cpu.c: each host's CPUs. Callbacks and OID handling run on them for their charged or
 * modeled cost; when all are busy, work waits in FIFO order. So saves queue when a
 * drain saturates a host, as they would on Hyper-V.
 */
#include <stdlib.h>

#include "model/sim.h"

/* A CPU is free: it runs waiting work, oldest first, until some work holds it for a
 * while (its release is then an event) or nothing waits. A loop, not recursion: a long
 * queue of zero-cost work must not grow the stack. */
static void on_cpu_free(vs_engine *eng, void *ctx, uint64_t host_index)
{
    vs_sim *sim = ctx;
    vs_host *h = &sim->hosts[host_index];
    while (h->cpu_len > 0 && !h->stack_paused) {
        vs_cpu_work w = h->cpu_queue[h->cpu_head];
        h->cpu_head = (h->cpu_head + 1) & (h->cpu_cap - 1);
        h->cpu_len--;
        vs_sim_timeline(sim, VS_TL_CPU_QUEUE, (uint32_t)host_index, h->cpu_len, NULL);
        vs_time_t hold = w.fn(sim, w.ctx, w.arg);
        if (hold != 0) { /* held: by the work's own event, or by the CPU's */
            vs_cpu_release(sim, (uint32_t)host_index, hold);
            return;
        }
    }
    h->cpus_free++;
}

void vs__cpu_run_waiting(vs_sim *sim, uint32_t host)
{
    on_cpu_free(sim->engine, sim, host);
}

/* The ring's capacity is a power of two, so positions wrap with a mask. -1 out of
 * memory. */
static int queue_push(vs_host *h, vs_cpu_work w)
{
    if (h->cpu_len == h->cpu_cap) {
        uint32_t cap = h->cpu_cap ? h->cpu_cap * 2 : 16;
        vs_cpu_work *q = malloc(cap * sizeof *q);
        if (!q)
            return -1;
        for (uint32_t i = 0; i < h->cpu_len; i++)
            q[i] = h->cpu_queue[(h->cpu_head + i) & (h->cpu_cap - 1)];
        free(h->cpu_queue);
        h->cpu_queue = q;
        h->cpu_head = 0;
        h->cpu_cap = cap;
    }
    h->cpu_queue[(h->cpu_head + h->cpu_len) & (h->cpu_cap - 1)] = w;
    h->cpu_len++;
    if (h->cpu_len > h->cpu_queue_peak)
        h->cpu_queue_peak = h->cpu_len;
    return 0;
}

/* vs_cpu_release of work that holds its CPU for a while: the CPU's own event frees it. */
void vs__cpu_release(vs_sim *sim, uint32_t host, vs_time_t hold)
{
    sim->hosts[host].cpu_busy_ns += hold;
    vs_engine_post(sim->engine, hold, on_cpu_free, sim, host);
}

void vs__cpu_enqueue(vs_sim *sim, uint32_t host, vs_cpu_fn fn, void *ctx, uint64_t arg)
{
    vs_host *h = &sim->hosts[host];
    if (queue_push(h, (vs_cpu_work){fn, ctx, arg}) != 0)
        vs_sim_out_of_memory(sim); /* the work is lost: the run stops */
    else
        vs_sim_timeline(sim, VS_TL_CPU_QUEUE, host, h->cpu_len, NULL);
}

void vs_cpu_resume(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    while (h->cpus_free > 0 && h->cpu_len > 0 && !h->stack_paused) {
        h->cpus_free--;
        on_cpu_free(sim->engine, sim, host); /* runs waiting work, gives the CPU back */
    }
}
