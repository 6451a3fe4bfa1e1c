/*
 * dpc.c: DPCs. A queued DPC runs as an activity of its own ("dpc"), at DISPATCH_LEVEL,
 * kernel.dpc_delay after it can: a DPC runs once the processor's IRQL drops below
 * DISPATCH_LEVEL ("Introduction to DPC Objects", learn.microsoft.com/windows-hardware/
 * drivers/kernel/introduction-to-dpc-objects), so one queued by code at DISPATCH_LEVEL
 * (a vSwitch callback at the default kernel.callback_irql, another DPC) waits for that
 * code to return, its whole cost; one queued at PASSIVE_LEVEL runs after the cost so far.
 * KDPC.DpcData points at the simulator's record while queued.
 */
#include "base/grow.h"
#include "kernel/kernel-int.h"

/* .../wdm/nf-wdm-keinitializedpc */
void KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    *Dpc = (KDPC){.DeferredRoutine = DeferredRoutine, .DeferredContext = DeferredContext};
}

/* .../wdm/nf-wdm-keinitializethreadeddpc: a threaded DPC runs at PASSIVE_LEVEL when
 * threaded DPCs are enabled, but "must be written to run at DISPATCH_LEVEL" as they may
 * be disabled: run at DISPATCH_LEVEL, the stricter case. */
void KeInitializeThreadedDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    KeInitializeDpc(Dpc, DeferredRoutine, DeferredContext);
}

void vs_kdpc_run(vs_kernel *k, uint32_t instance, PKDPC dpc, PVOID arg1, PVOID arg2,
                 const char *what)
{
    if (!dpc->DeferredRoutine)
        return;
    vs_sim_activity_begin(k->sim, instance, what);
    dpc->DeferredRoutine(dpc, dpc->DeferredContext, arg1, arg2);
    vs_sim_activity_end(k->sim);
}

static void on_dpc(vs_engine *eng, void *ctx, uint64_t arg)
{
    (void)eng;
    vs_kernel *k = ctx;
    vs_krec *r = (vs_krec *)(uintptr_t)arg;
    PKDPC dpc = r->object;
    uint32_t instance = r->instance;
    r->event = 0; /* it is running: nothing to cancel */
    vs_krec_free(k, r);
    if (k->sim->instances[instance].unloaded || dpc->DpcData != r)
        return; /* unloaded, or re-initialised while queued: not this record's any more */
    dpc->DpcData = NULL;
    vs_kdpc_run(k, instance, dpc, dpc->SystemArgument1, dpc->SystemArgument2, "dpc");
}

/* .../wdm/nf-wdm-keinsertqueuedpc: FALSE when it is queued already. Any IRQL. From a
 * thread with no simulation there is no host to run it on: FALSE. */
BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || Dpc->DpcData)
        return FALSE;
    vs_krec *r = vs_krec_new(k, instance, VS_KREC_DPC, sizeof *r);
    if (!r)
        return FALSE;
    r->object = Dpc;
    Dpc->SystemArgument1 = SystemArgument1;
    Dpc->SystemArgument2 = SystemArgument2;
    if (vs_kirql(k) >= DISPATCH_LEVEL && vs_kernel_running(k)) {
        if (VS_GROW(k->deferred, k->deferred_cap, k->ndeferred + 1) != 0) {
            vs_sim_out_of_memory(k->sim);
            vs_krec_free(k, r);
            return FALSE;
        }
        k->deferred[k->ndeferred++] = r;
        vs_kernel_watch_end(k);
    } else if (!vs_krec_schedule(k, r, k->sim->cfg->kernel.dpc_delay, on_dpc)) {
        vs_krec_free(k, r);
        return FALSE;
    }
    Dpc->DpcData = r;
    return TRUE;
}

void vs_kdpc_release_deferred(vs_kernel *k)
{
    for (uint32_t i = 0; i < k->ndeferred; i++) /* the activity is still on: after its cost */
        if (!vs_krec_schedule(k, k->deferred[i], k->sim->cfg->kernel.dpc_delay, on_dpc))
            ((PKDPC)k->deferred[i]->object)->DpcData = NULL, vs_krec_free(k, k->deferred[i]);
    k->ndeferred = 0;
}

static void forget_deferred(vs_kernel *k, const vs_krec *r)
{
    for (uint32_t i = 0; i < k->ndeferred; i++)
        if (k->deferred[i] == r) {
            k->deferred[i] = k->deferred[--k->ndeferred];
            return;
        }
}

/* .../wdm/nf-wdm-keremovequeuedpc: TRUE when it was queued (it will not run). */
BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    vs_krec *r = Dpc->DpcData;
    if (!k || !r || !vs_krec_live(k, instance, r, VS_KREC_DPC))
        return FALSE;
    forget_deferred(k, r);
    vs_krec_free(k, r);
    Dpc->DpcData = NULL;
    return TRUE;
}

/* .../wdm/nf-wdm-keflushqueueddpcs: PASSIVE_LEVEL. The DPCs it would wait for run after
 * the calling code, in virtual time; the call cannot run them first (no code runs
 * inside another's activity), so it checks the IRQL and returns. */
void KeFlushQueuedDpcs(void)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (k)
        vs_kirql_check(k, instance, "KeFlushQueuedDpcs", PASSIVE_LEVEL);
}
