/*
 * kernel-int.h: the kernel layer's own state, shared by its files. One vs_kdriver per
 * instance (a scenario plugin on one host): that host's kernel, as the driver sees it.
 *
 * Objects a driver queues (DPCs, timers, work items) and handles it holds (device
 * objects, engine sessions) have a record of the simulator's (vs_krec) in the driver's
 * list: a queued object's engine event points at its record, never at driver memory, and
 * cancelling it cancels the event (vs_engine_cancel) and frees the record, so a stale
 * event cannot run; at unload what is left in the list is reported and freed.
 */
#ifndef VS_KERNEL_INT_H
#define VS_KERNEL_INT_H

#include <ndis.h>

#include <fwpmk.h>
#include <vswitchsim/plugin.h>

#include "kernel/kernel.h"

struct vs_kregistry; /* registry.c: the open keys of one driver */

typedef enum vs_krec_kind {
    VS_KREC_DPC,    /* a queued KDPC (KDPC.DpcData points here) */
    VS_KREC_TIMER,  /* a set KTIMER (KTIMER.TimerListEntry.Flink points here) */
    VS_KREC_WORK,   /* an IO_WORKITEM (the record is its first member) */
    VS_KREC_DEVICE, /* a DEVICE_OBJECT (follows the record) */
    VS_KREC_ENGINE, /* an FwpmEngineOpen0 session (the handle is the record) */
    VS_KREC_RNG     /* a BCryptOpenAlgorithmProvider handle (bcrypt.c's vs_krng) */
} vs_krec_kind;

typedef struct vs_krec {
    struct vs_krec *prev, *next; /* the driver's live records */
    vs_krec_kind kind;
    uint32_t instance;
    vs_event_id event; /* the pending engine event, 0 when none */
    void *object;      /* the driver's KDPC or KTIMER, or the DEVICE_OBJECT */
    vs_time_t due;     /* timers: the expiry's virtual time */
    vs_time_t period;  /* timers: 0, or the period in ns */
} vs_krec;

/* What IoAllocateWorkItem and NdisAllocateIoWorkItem hand out. */
struct _IO_WORKITEM {
    vs_krec rec;
    PVOID io_object;
    PIO_WORKITEM_ROUTINE routine;
    PIO_WORKITEM_ROUTINE_EX routine_ex;
    NDIS_IO_WORKITEM_ROUTINE ndis_routine;
    PVOID context;
    bool ndis;
};

typedef struct vs_kdriver {
    bool is_driver;       /* loaded through DriverEntry (else an SDK plugin) */
    bool entered;         /* its DriverEntry succeeded: DriverUnload is due */
    DRIVER_OBJECT object; /* this host's, as DriverEntry got it */
    DRIVER_EXTENSION extension;
    UNICODE_STRING registry_path;
    UNICODE_STRING driver_name;
    struct vs_kregistry *registry; /* registry.c's; NULL until a key is opened */
    vs_krec *records;              /* live records, newest first */
    struct vs_kpaged *paged;       /* pool.c: its blocks of paged pool */
} vs_kdriver;

/* A spin lock the running code holds, and how it took it. */
typedef enum vs_kheld_mode {
    VS_KLOCK_SPIN,      /* a KSPIN_LOCK: 0 free, 1 held */
    VS_KLOCK_EXCLUSIVE, /* an EX_SPIN_LOCK held exclusive: VS_KLOCK_EX_BIT */
    VS_KLOCK_SHARED     /* an EX_SPIN_LOCK held shared: a count of readers */
} vs_kheld_mode;
#define VS_KLOCK_EX_BIT 0x40000000

typedef struct vs_kheld {
    volatile void *lock;
    const char *how; /* the acquiring routine, for reports */
    vs_kheld_mode mode;
} vs_kheld;

struct vs_kernel {
    vs_sim *sim;
    /* [sim->ninstances], each made on first use (vs_kdriver_of): an SDK plugin's
     * instances, most of a region's, never need one (a vs_kdriver is ~440 bytes). */
    vs_kdriver **drivers;
    /* The running activity's state: reset when sim->activities moves on. */
    uint64_t serial;
    KIRQL irql, start_irql;
    vs_kheld *held;
    uint32_t nheld, held_cap;
    /* DPCs the running code queued at DISPATCH_LEVEL or above: they cannot run before
     * it returns, so they are scheduled at its end (dpc.c). */
    vs_krec **deferred;
    uint32_t ndeferred, deferred_cap;
};

/* The instance's driver state, made (zeroed) on first use; NULL out of memory (then
 * vs_sim_out_of_memory: the run stops). */
vs_kdriver *vs_kdriver_of(vs_kernel *k, uint32_t instance);
/* The instance's driver state if it was made, else NULL: for what has nothing to do on
 * an instance with none. */
static inline vs_kdriver *vs_kdriver_made(const vs_kernel *k, uint32_t instance)
{
    return k->drivers[instance];
}
/* For reading only: the state, or an empty one (no records, not a driver). */
const vs_kdriver *vs_kdriver_peek(const vs_kernel *k, uint32_t instance);

/* The kernel of the bound simulation and the calling instance, or NULL (and *instance
 * UINT32_MAX) when no simulation runs on this thread or no callout code runs. */
vs_kernel *vs_kernel_caller(uint32_t *instance);

/* ---- kernel.c: IRQL and held locks of the running code ---------------------------- */

/* Is k's simulation bound to this thread with an activity running (else the caller is
 * another thread, or code outside any activity)? */
bool vs_kernel_running(vs_kernel *k);
/* The running code's IRQL: PASSIVE_LEVEL when no simulation code runs on this thread. */
KIRQL vs_kirql(vs_kernel *k);
/* Sets it (and makes sure the activity's end is checked). */
void vs_kirql_set(vs_kernel *k, KIRQL irql);
/* Makes sure the running activity's end is checked (and its deferred DPCs released). */
void vs_kernel_watch_end(vs_kernel *k);
/* irql_too_high when the running code's IRQL is above max; `fn` names the routine. */
bool vs_kirql_check(vs_kernel *k, uint32_t instance, const char *fn, KIRQL max);
/* The held-lock list of the running activity. */
/* The running code's entry for lock, or NULL. */
vs_kheld *vs_kheld_find(vs_kernel *k, const volatile void *lock);
bool vs_kheld_add(vs_kernel *k, volatile void *lock, const char *how, vs_kheld_mode mode);
bool vs_kheld_remove(vs_kernel *k, const volatile void *lock);
/* sync.c: lets go of a lock as its mode says (at the end of code that held it). */
void vs_klock_force_release(const vs_kheld *h);

/* ---- kernel.c: records ------------------------------------------------------------- */

/* A zeroed record of `size` bytes (>= sizeof(vs_krec)) in instance's list; NULL out of
 * memory (the run stops). */
void *vs_krec_new(vs_kernel *k, uint32_t instance, vs_krec_kind kind, size_t size);
/* Cancels its event, unlinks and frees it. */
void vs_krec_free(vs_kernel *k, vs_krec *r);
/* Is r a live record of instance (a handle the driver passes back)? */
bool vs_krec_live(vs_kernel *k, uint32_t instance, const vs_krec *r, vs_krec_kind kind);
/* Runs fn(k, r) as an activity of r's instance named `what` after `delay` plus the
 * running code's cost so far (what it queued takes effect once that code is done). */
bool vs_krec_schedule(vs_kernel *k, vs_krec *r, vs_time_t delay, vs_event_fn fn);
/* Virtual time as the running code sees it: the event's time plus what it charged. */
vs_time_t vs_kernel_now(vs_kernel *k);

/* The instance's VSWITCHSIM_HOST (its tagged allocator, log). */
const VSWITCHSIM_HOST *vs_kernel_host(vs_kernel *k, uint32_t instance);

/* ---- dpc.c, timer.c, workitem.c, driver.c: unload -------------------------------- */

/* dpc.c: schedules the DPCs the running code queued at DISPATCH_LEVEL (at its end). */
void vs_kdpc_release_deferred(vs_kernel *k);
/* Runs a DPC's routine now, as activity `what` at DISPATCH_LEVEL. */
void vs_kdpc_run(vs_kernel *k, uint32_t instance, PKDPC dpc, PVOID arg1, PVOID arg2,
                 const char *what);
/* Reports and frees instance's records still live at unload. */
void vs_krec_unload(vs_kernel *k, uint32_t instance);

/* pool.c: forgets instance's paged blocks (their memory is the host table's). */
void vs_kpool_unload(vs_kernel *k, uint32_t instance);

/* registry.c: forgets instance's open keys, reporting each as leaked (at unload). */
void vs_kregistry_unload(vs_kernel *k, uint32_t instance);
/* registry.c: forgets them without a report (an SDK plugin's, which has no unload check). */
void vs_kregistry_free(vs_kernel *k, uint32_t instance);

/* dbgprint.c: one line to the simulator's log, as host_log writes it. */
void vs_klog(vs_kernel *k, uint32_t instance, int level, const char *msg);

#endif /* VS_KERNEL_INT_H */
