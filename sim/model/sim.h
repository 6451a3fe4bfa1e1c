/*
 * sim.h: the simulation handle. Hosts with CPUs and vSwitches, VMs with NICs on switch
 * ports, WFP's subscribers on every host, migrations and the workload that drives them.
 * All state lives here, passed down; callouts reach it through the plugin layer's
 * bindings (sim/plugin).
 */
#ifndef VS_SIM_H
#define VS_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <vswitchsim/fwps.h>

#include "config/config.h"
#include "engine/dist.h"
#include "engine/engine.h"
#include "engine/pool.h"
#include "engine/rng.h"
#include "model/network.h"
#include "model/stats.h"
#include "model/targets.h"

typedef struct vs_sim vs_sim;
struct event_base;
typedef struct vs_fanout vs_fanout;
typedef struct vs_migration vs_migration;

/* One callout instance: a scenario plugin running on one host. The plugin layer keeps
 * its host table and context; the model keeps what it needs to account for it. */
typedef struct vs_instance {
    uint32_t plugin; /* index into cfg->plugins and stats.plugins */
    uint32_t host;
    vs_rng rng; /* the instance's own stream */
    bool unloaded;
    void *owner; /* the plugin layer's record for this instance */
} vs_instance;

typedef struct vs_subscription {
    uint32_t instance;
    uint32_t plugin; /* the instance's, read on every call */
    uint32_t host;
    bool active;
    GUID provider;
    void *notify_context;
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table;
} vs_subscription;

/* What one NIC's part of a migration state does when every step passes at once (no
 * callout to call, no OID): per part and per set of what the NIC has built on the
 * destination (VS_BUILT_* of migration.h), filled once by vs_nic_ops_init from the parts' tables,
 * so that a drain's silent parts cost a lookup per NIC instead of a walk of the table. */
#define VS_NIC_PART_SLOTS 16 /* at least VS_PART_COUNT (nic_ops.h) */
typedef struct vs_nic_pass {
    int8_t ports;          /* change to the switch's port count */
    uint8_t built;         /* what the NIC has built after the part */
    uint8_t vport_deletes; /* validation ports deleted: reservation checks to make */
} vs_nic_pass;

typedef struct vs_switch {
    NDIS_SWITCH_PARAMETERS params; /* as callouts see it */
    NDIS_SWITCH_PORT_ID next_port_id;
} vs_switch;

/* Work waiting for one of a host's CPUs: fn runs when a CPU is free and returns how long
 * it holds that CPU. */
typedef vs_time_t (*vs_cpu_fn)(vs_sim *sim, void *ctx, uint64_t arg);
typedef struct vs_cpu_work {
    vs_cpu_fn fn;
    void *ctx;
    uint64_t arg;
} vs_cpu_work;

typedef struct vs_host {
    vs_switch *switches; /* topology.switches_per_host */
    uint32_t *subs;      /* subscription ids on this host, in subscription order */
    uint32_t nsubs, subs_cap;
    uint32_t handled_kinds; /* bit k: an active subscription here handles fan-out kind k */
    uint32_t vms_here;      /* VMs that run here now */
    uint32_t incoming;      /* migrations under way towards this host */
    uint32_t slots_used;    /* migrations this host takes part in now */
    uint32_t slots_peak;
    double slot_area; /* slots_used integrated over time, until slot_since */
    vs_time_t slot_since;
    uint64_t migrations_out, migrations_in;
    bool draining;     /* no migration may target it */
    bool stack_paused; /* its extension stack is paused: OIDs wait for the restart */
    bool restarted;    /* its stack has restarted at least once */
    /* CPUs: how many are free, and the FIFO of work waiting for one (a ring). */
    uint32_t cpus_free;
    vs_cpu_work *cpu_queue;
    uint32_t cpu_head, cpu_len, cpu_cap;
    uint32_t cpu_queue_peak;
    uint64_t cpu_busy_ns;
    /* Migrations waiting for a slot with this host as their source, FIFO. */
    vs_migration *wait_head, *wait_tail;
    /* In the list of hosts whose first waiter found no target (see migration.c). */
    bool starved;
    uint32_t next_starved;
} vs_host;

/* Tagged memory a callout allocated while handling a validation port, still held: the
 * Validation Ports page says to reserve only for the operational port. */
typedef struct vs_reservation {
    uint32_t instance;
    uint64_t vport;
    uint64_t blocks, bytes;
} vs_reservation;

/* A VM's view of a policy when policy_changes touch it (else the config's). */
typedef struct vs_policy_state {
    const uint8_t *data;
    uint32_t len;
    uint16_t version;
    bool deleted;
} vs_policy_state;

/* A VM, 8 bytes: a region holds tens of millions of them. What only some VMs ever need
 * (the random stream a migration draws from, operations queued behind a running one)
 * lives in a vs_vm_ext made on first use (vs_vm_ext_of), so a VM that never moves costs
 * its 8 bytes only. */
typedef struct vs_vm {
    uint32_t host;
    uint32_t ext : 29;     /* 1 + index into sim->vm_ext; 0: none made yet */
    uint32_t busy : 1;     /* an operation of it runs, or waits for its slots */
    uint32_t in_drain : 1; /* counted towards the drain's completion */
    uint32_t off : 1;      /* not running: did not come up after a failed restore or start */
} vs_vm;

typedef struct vs_vm_ext {
    vs_rng rng;                            /* the VM's own stream: its phase times */
    vs_migration *queue_head, *queue_tail; /* waiting behind the running one: one at a time */
} vs_vm_ext;

/* A NIC: the id of its port on its host's switch (0: none, the VM is off). Its switch
 * is not stored: NIC i of a VM sits on switch i % switches_per_host (vs_nic_sw). */
typedef struct vs_nic {
    NDIS_SWITCH_PORT_ID port;
} vs_nic;

/* What the running callback or routine has charged, and for whom. With timing
 * "measured" its cost is instead the thread CPU time since cpu_start, x scale, and
 * `charged` stays 0 (ChargeCpu is ignored): read the cost with vs_sim_activity_cost. */
typedef struct vs_activity {
    bool active;
    bool measured; /* the instance's plugin has timing "measured" */
    uint32_t instance;
    const char *what; /* which callback: "save", "restore", "entry", "routine"... */
    bool callback;    /* a vSwitch callback, at <= DISPATCH_LEVEL: no (un)subscribing */
    uint64_t vport;   /* handling a validation port's create or policy: its key, else 0 */
    vs_time_t charged;
    uint64_t cpu_start; /* measured: CLOCK_THREAD_CPUTIME_ID at the start, ns */
    uint64_t overhead;  /* measured: ns taken off (the clock reads' own cost) */
    double scale;       /* measured: timing_scale */
} vs_activity;

/* Who runs, in memory another process can read: the supervisor's shared page (see
 * sim/supervisor), so that a parent that outlives the death of this process can name
 * the callout that was running. Plain stores, in the order a reader needs: `what` is a
 * string literal of this program, at the same address in a forked parent. */
typedef struct vs_breadcrumb {
    volatile uint32_t active;   /* a callout's code is running now */
    volatile uint32_t plugin;   /* the last one to run: its config index */
    const char *volatile what;  /* ... in which callback */
    volatile vs_time_t at;      /* ... from what simulated time */
    volatile uint64_t runs;     /* activities begun: 0, no plugin code has run */
    volatile uint32_t reported; /* the process printed its last word and chose its exit
                                 * code itself (guard.c: a crash with no recovery point) */
} vs_breadcrumb;

/* Plugin `plugin`'s code runs from now, in `what` (b NULL: no breadcrumb kept). */
static inline void vs_breadcrumb_enter(vs_breadcrumb *b, uint32_t plugin, const char *what,
                                       vs_time_t at)
{
    if (!b)
        return;
    b->active = 0; /* a reader never sees one callout's name with another's time */
    b->plugin = plugin;
    b->what = what;
    b->at = at;
    b->runs++;
    b->active = 1;
}

static inline void vs_breadcrumb_leave(vs_breadcrumb *b)
{
    if (b)
        b->active = 0;
}

typedef enum vs_call_state {
    VS_CALL_FREE,
    VS_CALL_RUNNING,
    VS_CALL_COMPLETED_EARLY,
    VS_CALL_PENDING,
    VS_CALL_COMPLETING,
    VS_CALL_TIMED_OUT
} vs_call_state;

/* One callback invocation. Its index and generation make the completionContext. */
typedef struct vs_call {
    uint32_t generation;
    vs_call_state state;
    uint32_t sub;
    vs_fanout *fanout;
    uint32_t blob;         /* restore: which saved blob */
    NTSTATUS early_status; /* completed inside the callback */
    vs_time_t called_at;
    vs_time_t pended_at;
    bool pended; /* returned STATUS_PENDING */
    vs_event_id timeout;
    /* Save out-parameters: the callout may write them until completion, from another
     * thread too, so they live apart from `calls` (which moves as it grows). */
    struct vs_call_out {
        void *state;
        SIZE_T len;
    } * out;
    void *restore_copy; /* restore under special pool: the read-only copy handed over */
    uint32_t next_free;
} vs_call;

/* The drain workload's progress. */
typedef struct vs_drain_state {
    uint32_t vms_left;
    uint32_t vms_total;
    uint32_t failed; /* VMs whose migration failed: they stayed */
    vs_time_t started, finished;
    bool done;
} vs_drain_state;

/* One line of `run --trace`: a callback a callout got, or an OID the switch issued.
 * Callbacks are reported when their outcome is known (at return, or at completion after
 * a pend); OIDs when they complete, after the callbacks they caused. */
typedef enum vs_trace_kind { VS_TRACE_CALLBACK, VS_TRACE_OID } vs_trace_kind;

#define VS_TRACE_NONE UINT32_MAX /* a field that does not apply (a switch event's NIC) */

typedef struct vs_trace_record {
    vs_trace_kind kind;
    vs_time_t t;        /* when it was called or issued */
    vs_time_t duration; /* until its outcome: CPU charged, plus the pend if it pended */
    uint32_t host, sw;
    NDIS_SWITCH_PORT_ID port; /* VS_TRACE_NONE for switch-wide events */
    uint32_t vm, nic;         /* the VM and the NIC's index in it, or VS_TRACE_NONE */
    const char *event;        /* callbacks: the FWPS_VSWITCH_EVENT_ name without its prefix
                               ("PORT_CREATE", "FILTER_ENGINE_REORDER"); OIDs: the OID's name
                               ("OID_SWITCH_NIC_SAVE") */
    const char *plugin;       /* callbacks: the instance's name; OIDs: NULL */
    NTSTATUS status;          /* the outcome (after a pend, the completion's status) */
    bool pended;
    bool validation_port; /* a port or policy event on a validation port */
    vs_time_t pend;       /* callbacks: the part of duration spent pended (0: none) */
} vs_trace_record;

/* What `run --timeline` draws besides the trace records: a migration entering a state,
 * and the host counters it plots. Emitted as they happen, in simulated-time order. */
typedef enum vs_timeline_kind {
    VS_TL_STATE,     /* mig entered `state` (WAITING when admitted, then each state) */
    VS_TL_SAVES,     /* a NIC save sequence began (value 1) or ended (0) on host */
    VS_TL_CPU_QUEUE, /* host's CPU queue now holds `value` pieces of work */
} vs_timeline_kind;

typedef struct vs_timeline_event {
    vs_timeline_kind kind;
    vs_time_t t;
    uint32_t host;           /* state: the source; counters: the host */
    uint64_t value;          /* counters */
    const vs_migration *mig; /* state: vm, dst, op, flow, state, arrived */
} vs_timeline_event;

struct vs_sim {
    const vs_config *cfg;
    vs_engine *engine;
    vs_stats stats;
    vs_rng workload_rng;
    vs_rng fault_rng;
    vs_rng placement_rng;

    vs_host *hosts;
    vs_vm *vms;
    uint32_t nvms;
    vs_vm_ext *vm_ext; /* made on first use: see vs_vm */
    uint32_t nvm_ext, vm_ext_cap;
    vs_rng spare_rng; /* drawn from when a vs_vm_ext could not be made (out of memory) */
    vs_nic *nics;     /* [vm * nics_per_vm + i] */
    uint32_t nnics;
    vs_targets targets;  /* hosts that may take a migration now */
    vs_net net;          /* the live-migration network (network.h) */
    double *link_marks;  /* [2 * host + side]: bytes carried at the interval's start,
                                   for the time series (memory model only), else NULL */
    double *slot_totals; /* per host, for stats.host_series (a drain's), else NULL */
    uint32_t starved_head, starved_tail; /* FIFO of starved hosts; UINT32_MAX: none */
    uint32_t targeted_waiting;           /* waiting migrations bound to one target host */

    vs_instance *instances; /* [plugin * hosts + host] */
    uint32_t ninstances;
    vs_subscription *subs;
    uint32_t nsubs, subs_cap;

    vs_call *calls;
    uint32_t ncalls, calls_cap, free_call; /* free_call: UINT32_MAX when none */

    vs_pool routines;   /* deferred routines plugins scheduled */
    vs_pool migrations; /* vs_migration */
    vs_pool runs;       /* what running operations need: vs_mig_run (migration.c) */
    uint64_t operations_issued;
    vs_drain_state drain;
    /* Policies: each one's plugin (UINT32_MAX: matched on its GUID instead), and per VM
     * their current state when the scenario changes them during the run. */
    uint32_t *policy_plugin;
    vs_policy_state *policy_state; /* [vm * npolicies + p], NULL without changes */
    vs_reservation *reservations;
    uint32_t nreservations, reservations_cap;
    vs_nic_pass nic_pass[VS_NIC_PART_SLOTS][8]; /* see vs_nic_pass */
    uint32_t nic_part_kinds[VS_NIC_PART_SLOTS]; /* fan-out kinds a part raises; top bit: OIDs */
    vs_activity activity;
    vs_breadcrumb *crumb; /* set by a supervised command, else NULL: see vs_breadcrumb */
    /* verifier.special_pool: the guarded pages of tagged blocks and restore buffers; the
     * plugin layer makes it with the instances and frees it after their unload. */
    struct vs_special_pool *special_pool;
    /* The kernel services' state for WDK drivers (sim/kernel): made and freed by the
     * plugin layer with the instances, NULL before. */
    struct vs_kernel *kernel;
    /* Set by the kernel services while the running activity uses them (IRQL, spin
     * locks): called as it ends, before it is cleared, then reset. */
    void (*on_activity_end)(vs_sim *sim);
    uint64_t activities; /* activities begun: a watchdog sees one that does not return */
    /* What an empty measured activity measures on this machine, taken off each
     * measurement: calibrated once in vs_sim_new when a plugin has timing "measured"
     * (so where measured timing starts, not when the scenario is read), else 0. */
    uint64_t clock_overhead_ns;
    bool any_measured; /* some plugin has timing "measured" */
    int verbosity;     /* most verbose plugin log level shown */

    /* Set by the workload: an operation asked for has ended (ok: the VM runs there). */
    void (*operation_done)(vs_sim *sim, const vs_migration *mig, bool ok);
    /* Set by tests (NULL otherwise): every transition of a migration's table. */
    void (*on_transition)(void *ctx, uint32_t vm, int from, int event, int to);
    void *transition_ctx;

    /* Set by the CLI for --trace (NULL otherwise): every callback and OID, as it ends. */
    void (*trace)(void *ctx, const vs_trace_record *rec);
    void *trace_ctx;
    /* Set by the CLI for --timeline (NULL otherwise): migration states and counters. */
    void (*timeline)(void *ctx, const vs_timeline_event *ev);
    void *timeline_ctx;

    /* Called between slices of the run, for a progress line; `end` is run.duration. */
    void (*progress)(void *ctx, vs_time_t now, vs_time_t end, uint64_t events);
    void *progress_ctx;

    /* Set by the CLI (NULL otherwise): when *stop becomes nonzero the run stops at the
     * current simulated time, and `interrupted` says so. */
    volatile sig_atomic_t *stop;
    bool interrupted;
    /* Out of memory mid-run (vs_sim_out_of_memory): the run stops after the current
     * handler and vs_sim_run returns -1; what the model holds is freed, not reported. */
    bool oom;

    /* Set by the CLI (NULL otherwise) when it runs a libevent loop: for --listen, and
     * for the real-time clock. In discrete-event time the run calls poll(poll_ctx)
     * between sub-slices (every few ms of wall time), so the loop's work (HTTP requests)
     * is served without stalling the run and without changing its results. */
    struct event_base *evbase;
    void (*poll)(void *ctx);
    void *poll_ctx;
};

/* The switch (index on its host) that global NIC `nic` sits on. */
static inline uint32_t vs_nic_sw(const vs_sim *sim, uint32_t nic)
{
    return (nic % sim->cfg->topology.nics_per_vm) % sim->cfg->topology.switches_per_host;
}

/* The VM's rarely needed part, made (its stream seeded) on first use; NULL out of memory
 * (and the run stops: vs_sim_out_of_memory). The pointer holds until the next call. */
vs_vm_ext *vs_vm_ext_of(vs_sim *sim, uint32_t vm);
/* A draw of d from the VM's stream. A constant draws nothing, and makes no vs_vm_ext:
 * the stream's state is only stored once it moved. Out of memory, a draw from a spare
 * stream (the run stops after the handler). */
vs_time_t vs_vm_sample(vs_sim *sim, uint32_t vm, const vs_dist *d);

/* Builds the hosts, switches, VMs and NICs; no callouts yet. NULL out of memory. */
vs_sim *vs_sim_new(const vs_config *cfg);
void vs_sim_free(vs_sim *sim);
/* After the run and the plugins' unload, before the report: frees the model's bulk
 * (hosts, VMs, NICs, migrations, the network, calls), so that the report's tree takes
 * their place rather than adding to the peak. Keeps what the report and a --listen
 * server read: cfg, stats, the engine's clock and counts, the instances. Then only
 * vs_sim_free. */
void vs_sim_release(vs_sim *sim);

/* The plugin layer registers an instance per (plugin, host) before the run. */
vs_instance *vs_sim_instance(vs_sim *sim, uint32_t plugin, uint32_t host);

/* Runs the scenario: switch create events, the workload, then switch delete events.
 * Returns 0, or -1 out of memory. */
int vs_sim_run(vs_sim *sim);

/* What the report keeps of the hosts and the drain; vs_sim_run does it at its end, and a
 * run cut short by a crashing callout does it afterwards. 0, or -1 out of memory. */
int vs_sim_collect(vs_sim *sim);

/* Closes the time series' interval at `now` (run.c): samples what a row needs and adds
 * the row. -1 out of memory. */
int vs_sim_series_row(vs_sim *sim, vs_time_t now);

/* Inline: the model reads the clock a dozen times per NIC of a migration. */
static inline vs_time_t vs_sim_now(const vs_sim *sim)
{
    return vs_engine_now(sim->engine);
}

/* Hands a timeline event at the current time to sim->timeline, if one is set. */
void vs_sim_timeline(vs_sim *sim, vs_timeline_kind kind, uint32_t host, uint64_t value,
                     const vs_migration *mig);

/* An allocation mid-run failed: stop the run after the current handler (sim.oom). The
 * caller leaves the model as safe to free, not as correct. */
void vs_sim_out_of_memory(vs_sim *sim);
/* The run cannot go on: sim.oom, or the engine found no memory for an event. */
bool vs_sim_failed(const vs_sim *sim);

/* Host services behind VSWITCHSIM_HOST, on behalf of an instance. */
int vs_sim_schedule_routine(vs_sim *sim, uint32_t instance, vs_time_t delay,
                            void (*routine)(void *), void *context);
void vs_sim_charge(vs_sim *sim, uint32_t instance, vs_time_t ns);
/* Records a violation of `rule` by the instance, unless the scenario turned the rule
 * off, and prints it if it is one of the rule's first 10 (or sim->verbosity is 3). */
void vs_sim_violation(vs_sim *sim, vs_rule rule, uint32_t instance, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* At the end of a run: one stderr line per rule with more violations than were printed,
 * saying how many more. */
void vs_sim_violations_summary(const vs_sim *sim);

/* The out-of-line rest of the two below: what only measured timing or a kernel hook
 * needs. */
void vs__sim_activity_measure(vs_sim *sim, uint32_t instance);
vs_time_t vs__sim_activity_end_slow(vs_sim *sim);

/* Enter and leave a callout's code: what it charges while inside is its cost, or, for a
 * plugin with timing "measured", the thread CPU time between the two calls (two
 * clock_gettime(CLOCK_THREAD_CPUTIME_ID) reads), less their own cost as calibrated when
 * the sim was made (clock_overhead_ns), times its timing_scale.
 * `what` names the callback for a crash report: a string literal. */
/* Inline, with what only measured timing, a kernel hook or a crumb needs behind one
 * branch each: every callout's call goes through both. */
static inline void vs_sim_activity_begin(vs_sim *sim, uint32_t instance, const char *what)
{
    sim->activity = (vs_activity){.active = true, .instance = instance, .what = what};
    sim->on_activity_end = NULL; /* one left by code that crashed out of its activity */
    sim->activities++;
    if (instance >= sim->ninstances)
        return;
    if (sim->crumb)
        vs_breadcrumb_enter(sim->crumb, sim->instances[instance].plugin, what, vs_sim_now(sim));
    if (sim->any_measured)
        vs__sim_activity_measure(sim, instance);
}

static inline vs_time_t vs_sim_activity_end(vs_sim *sim)
{
    if (sim->on_activity_end || sim->activity.measured)
        return vs__sim_activity_end_slow(sim);
    vs_breadcrumb_leave(sim->crumb);
    vs_time_t cost = sim->activity.charged;
    sim->activity = (vs_activity){0};
    return cost;
}
/* The running activity's cost so far (charged, or measured until now), 0 outside one:
 * what passes before something it starts (a routine, a completion) takes effect. */
vs_time_t vs_sim_activity_cost(const vs_sim *sim);

/* ---- Host CPUs (cpu.c). Inline, with the common cases first: every callout and OID
 * takes and releases a CPU. ---- */

/* Work that posts an event of its own for when its hold ends (an OID's completion, a
 * callback's return) returns vs_cpu_held(hold): the CPU is not given back by an event
 * of the CPU's at the same instant, but by that event, which calls vs_cpu_free as it
 * ends. Same order of work, one event fewer per piece of work. */
#define VS_CPU_HELD ((vs_time_t)1 << 63)
static inline vs_time_t vs_cpu_held(vs_time_t hold)
{
    return hold | VS_CPU_HELD;
}

void vs__cpu_release(vs_sim *sim, uint32_t host, vs_time_t hold);
void vs__cpu_run_waiting(vs_sim *sim, uint32_t host);
void vs__cpu_enqueue(vs_sim *sim, uint32_t host, vs_cpu_fn fn, void *ctx, uint64_t arg);

/* Take a CPU if one is free now (false: the work must wait, vs_cpu_submit). */
static inline bool vs_cpu_take(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    if (h->cpus_free == 0 || h->stack_paused) /* paused: no OID gets through the stack */
        return false;
    h->cpus_free--;
    return true;
}

/* A CPU that held work is free: it runs the oldest waiting work, if any. */
static inline void vs_cpu_free(vs_sim *sim, uint32_t host)
{
    vs_host *h = &sim->hosts[host];
    if (h->cpu_len == 0) /* nothing waits */
        h->cpus_free++;
    else
        vs__cpu_run_waiting(sim, host);
}

/* Work taken with vs_cpu_take has run and holds its CPU for `hold` (or vs_cpu_held). */
static inline void vs_cpu_release(vs_sim *sim, uint32_t host, vs_time_t hold)
{
    vs_host *h = &sim->hosts[host];
    if (hold & VS_CPU_HELD) /* the work's own event gives the CPU back */
        h->cpu_busy_ns += hold & ~VS_CPU_HELD;
    else if (hold == 0)
        vs_cpu_free(sim, host);
    else
        vs__cpu_release(sim, host, hold);
}

/* Run fn on one of the host's CPUs as soon as one is free (now, if one is). Callers that
 * have looked up what they run use the two halves, vs_cpu_take and vs_cpu_release. */
static inline void vs_cpu_submit(vs_sim *sim, uint32_t host, vs_cpu_fn fn, void *ctx, uint64_t arg)
{
    if (vs_cpu_take(sim, host))
        vs_cpu_release(sim, host, fn(sim, ctx, arg));
    else
        vs__cpu_enqueue(sim, host, fn, ctx, arg);
}

/* The host's extension stack restarted: work that waited while it was paused runs. */
void vs_cpu_resume(vs_sim *sim, uint32_t host);

/* FWPS entry points, as the exported functions forward them. */
NTSTATUS vs_wfp_subscribe(vs_sim *sim, uint32_t instance, const GUID *provider, void *notify_ctx,
                          const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *table, UINT32 *id);
void vs_wfp_unsubscribe(vs_sim *sim, UINT32 id);
void vs_wfp_notify_complete(vs_sim *sim, void *completion_context, NTSTATUS status);

/* Tagged memory allocated (blocks > 0) or freed (< 0) by an instance while handling
 * validation port `vport` (vs_activity.vport); the plugin layer reports both. */
void vs_sim_reservation(vs_sim *sim, uint32_t instance, uint64_t vport, int64_t blocks,
                        int64_t bytes);
/* The validation port `vport` is deleted: what is still reserved for it is a violation. */
void vs_sim_check_reservations(vs_sim *sim, uint64_t vport);

#endif /* VS_SIM_H */
