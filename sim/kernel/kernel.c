/*
 * kernel.c: the kernel state of a simulation (one vs_kdriver per instance), the IRQL and
 * spin locks of the running code, and the records of what drivers queue.
 *
 * IRQL at the start of each activity, as Windows runs each kind of code:
 * - vSwitch callbacks at kernel.callback_irql (the vSwitch OID path runs them at
 *   DISPATCH_LEVEL by default: "IRQL <= DISPATCH_LEVEL" on each callback's page);
 * - "entry", "unload", "DriverEntry", "DriverUnload", "work item" at PASSIVE_LEVEL
 *   (DriverEntry, DriverUnload: learn.microsoft.com/windows-hardware/drivers/ddi/wdm/
 *   nc-wdm-driver_initialize; work items: .../wdm/nc-wdm-io_workitem_routine);
 * - "dpc", "timer" at DISPATCH_LEVEL (.../wdm/nc-wdm-kdeferred_routine);
 * - "routine" (VSWITCHSIM_HOST.ScheduleRoutine) at DISPATCH_LEVEL: it is the SDK's
 *   stand-in for a timer or DPC (it runs after a delay, from no thread of the plugin's),
 *   which is where a Windows driver would run that code.
 * The state belongs to the running activity: a new one (sim->activities moved on) starts
 * afresh. Once the code touches IRQL or locks, the activity's end is checked: locks
 * still held (lock_held_at_return, then released so the run goes on) and an IRQL not
 * back where it started (irql_not_restored).
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "kernel/kernel-int.h"

vs_kernel *vs_kernel_new(vs_sim *sim)
{
    vs_kernel *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->sim = sim;
    k->drivers = calloc(sim->ninstances ? sim->ninstances : 1, sizeof *k->drivers); /* NULLs */
    if (!k->drivers) {
        free(k);
        return NULL;
    }
    k->serial = UINT64_MAX;
    return k;
}

void vs_kernel_free(vs_kernel *k)
{
    if (!k)
        return;
    for (uint32_t i = 0; i < k->sim->ninstances; i++) {
        vs_kdriver *d = k->drivers[i];
        if (!d)
            continue;
        while (d->records)
            vs_krec_free(k, d->records);
        vs_kpool_unload(k, i);
        vs_kregistry_free(k, i);
        free(d->registry_path.Buffer);
        free(d->driver_name.Buffer);
        free(d);
    }
    free(k->drivers);
    free(k->held);
    free(k->deferred);
    free(k);
}

vs_kdriver *vs_kdriver_of(vs_kernel *k, uint32_t instance)
{
    if (!k->drivers[instance] && !(k->drivers[instance] = calloc(1, sizeof(vs_kdriver))))
        vs_sim_out_of_memory(k->sim);
    return k->drivers[instance];
}

const vs_kdriver *vs_kdriver_peek(const vs_kernel *k, uint32_t instance)
{
    static const vs_kdriver none; /* constant: not simulator state */
    return k->drivers[instance] ? k->drivers[instance] : &none;
}

vs_kernel *vs_kernel_caller(uint32_t *instance)
{
    vs_sim *sim = vs_kernel_bound_sim();
    *instance = vs_kernel_calling_instance();
    if (!sim || !sim->kernel || *instance >= sim->ninstances) {
        *instance = UINT32_MAX;
        return NULL;
    }
    return sim->kernel;
}

const VSWITCHSIM_HOST *vs_kernel_host(vs_kernel *k, uint32_t instance)
{
    return (const VSWITCHSIM_HOST *)k->sim->instances[instance].owner;
}

vs_time_t vs_kernel_now(vs_kernel *k)
{
    vs_time_t now = vs_sim_now(k->sim), cost = vs_sim_activity_cost(k->sim);
    return now + cost < now ? VS_TIME_MAX : now + cost;
}

/* ---- IRQL and held locks ------------------------------------------------------------ */

static KIRQL starting_irql(const vs_sim *sim)
{
    const vs_activity *a = &sim->activity;
    if (a->callback)
        return sim->cfg->kernel.callback_irql;
    static const char *const dispatch[] = {"dpc", "timer", "routine"};
    for (size_t i = 0; i < sizeof dispatch / sizeof dispatch[0]; i++)
        if (a->what && strcmp(a->what, dispatch[i]) == 0)
            return DISPATCH_LEVEL;
    return PASSIVE_LEVEL;
}

/* The state is the running activity's: reset when another one began. */
static void sync_state(vs_kernel *k)
{
    if (k->serial == k->sim->activities)
        return;
    k->serial = k->sim->activities;
    k->start_irql = k->irql = starting_irql(k->sim);
    k->nheld = 0;
    k->ndeferred = 0; /* left by code that crashed out of its activity: they never run */
}

bool vs_kernel_running(vs_kernel *k)
{
    return k && vs_kernel_bound_sim() == k->sim && k->sim->activity.active;
}

static void activity_end(vs_sim *sim)
{
    vs_kernel *k = sim->kernel;
    if (!k || k->serial != sim->activities)
        return;
    uint32_t instance = sim->activity.instance;
    for (uint32_t i = 0; i < k->nheld; i++) {
        vs_sim_violation(sim, VS_RULE_LOCK_HELD_AT_RETURN, instance,
                         "%s returned holding the spin lock %p (taken with %s)", sim->activity.what,
                         (void *)k->held[i].lock, k->held[i].how);
        vs_klock_force_release(&k->held[i]); /* so the next code to take it goes on */
    }
    k->nheld = 0;
    if (k->irql != k->start_irql)
        vs_sim_violation(sim, VS_RULE_IRQL_NOT_RESTORED, instance,
                         "%s returned at IRQL %u; it started at IRQL %u", sim->activity.what,
                         k->irql, k->start_irql);
    k->irql = k->start_irql;
    vs_kdpc_release_deferred(k);
}

void vs_kernel_watch_end(vs_kernel *k)
{
    k->sim->on_activity_end = activity_end;
}

KIRQL vs_kirql(vs_kernel *k)
{
    if (!vs_kernel_running(k))
        return PASSIVE_LEVEL; /* another thread: a driver's own threads run at PASSIVE */
    sync_state(k);
    return k->irql;
}

void vs_kirql_set(vs_kernel *k, KIRQL irql)
{
    if (!vs_kernel_running(k))
        return;
    sync_state(k);
    k->irql = irql;
    vs_kernel_watch_end(k);
    if (irql < DISPATCH_LEVEL)
        vs_kdpc_release_deferred(k); /* DPCs run as the IRQL drops below DISPATCH */
}

bool vs_kirql_check(vs_kernel *k, uint32_t instance, const char *fn, KIRQL max)
{
    KIRQL now = vs_kirql(k);
    if (now <= max)
        return true;
    vs_sim_violation(k->sim, VS_RULE_IRQL_TOO_HIGH, instance,
                     "%s called at IRQL %u in %s; its WDK page allows IRQL <= %u", fn, now,
                     k->sim->activity.what, max);
    return false;
}

vs_kheld *vs_kheld_find(vs_kernel *k, const volatile void *lock)
{
    if (!vs_kernel_running(k))
        return NULL;
    sync_state(k);
    for (uint32_t i = 0; i < k->nheld; i++)
        if (k->held[i].lock == lock)
            return &k->held[i];
    return NULL;
}

bool vs_kheld_add(vs_kernel *k, volatile void *lock, const char *how, vs_kheld_mode mode)
{
    if (!vs_kernel_running(k))
        return false;
    sync_state(k);
    if (VS_GROW(k->held, k->held_cap, k->nheld + 1) != 0)
        return vs_sim_out_of_memory(k->sim), false;
    k->held[k->nheld++] = (vs_kheld){lock, how, mode};
    vs_kernel_watch_end(k);
    return true;
}

bool vs_kheld_remove(vs_kernel *k, const volatile void *lock)
{
    if (!vs_kernel_running(k))
        return false;
    sync_state(k);
    for (uint32_t i = k->nheld; i-- > 0;)
        if (k->held[i].lock == lock) {
            memmove(&k->held[i], &k->held[i + 1], (k->nheld - i - 1) * sizeof *k->held);
            k->nheld--;
            return true;
        }
    return false;
}

/* ---- Records -------------------------------------------------------------------------- */

void *vs_krec_new(vs_kernel *k, uint32_t instance, vs_krec_kind kind, size_t size)
{
    vs_krec *r = calloc(1, size);
    if (!r)
        return vs_sim_out_of_memory(k->sim), NULL;
    vs_kdriver *d = vs_kdriver_of(k, instance);
    if (!d)
        return free(r), NULL;
    r->kind = kind;
    r->instance = instance;
    r->next = d->records;
    if (d->records)
        d->records->prev = r;
    d->records = r;
    return r;
}

void vs_krec_free(vs_kernel *k, vs_krec *r)
{
    if (r->event)
        vs_engine_cancel(k->sim->engine, r->event);
    vs_kdriver *d = vs_kdriver_made(k, r->instance); /* made with r's first record */
    if (r->prev)
        r->prev->next = r->next;
    else
        d->records = r->next;
    if (r->next)
        r->next->prev = r->prev;
    free(r);
}

bool vs_krec_live(vs_kernel *k, uint32_t instance, const vs_krec *r, vs_krec_kind kind)
{
    for (const vs_krec *x = vs_kdriver_peek(k, instance)->records; x; x = x->next)
        if (x == r)
            return x->kind == kind;
    return false;
}

bool vs_krec_schedule(vs_kernel *k, vs_krec *r, vs_time_t delay, vs_event_fn fn)
{
    vs_sim *sim = k->sim;
    if (sim->activity.active && sim->activity.instance == r->instance) {
        vs_time_t so_far = vs_sim_activity_cost(sim);
        delay = delay + so_far < delay ? VS_TIME_MAX : delay + so_far;
    }
    r->event = vs_engine_schedule(sim->engine, delay, fn, k, (uint64_t)(uintptr_t)r);
    if (!r->event)
        vs_sim_out_of_memory(sim);
    return r->event != 0;
}
