/*
 * guard.h: crash containment for callouts. A callout that faults (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL), aborts (SIGABRT) or, with a timeout set, does not return, unwinds
 * the run to one recovery point instead of taking the process down; the caller then
 * reports what ran. See README "Crash containment" for what this catches and what not.
 */
#ifndef VS_GUARD_H
#define VS_GUARD_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/sim.h"
#include "model/special_pool.h"

/* The first callout that crashed: who, in which callback, with what, and when; and, if
 * the address it faulted at is special pool's, which rule that breaks on whose block. */
typedef struct vs_crash {
    int signal; /* 0: none; VS_GUARD_TIMEOUT: the callback timed out */
    uint32_t instance;
    const char *what; /* the activity: "save", "restore", "unload"... */
    vs_time_t sim_time;
    uintptr_t address; /* a fault's si_addr */
    int rule;          /* a vs_rule special pool named (fault says more); -1: none */
    vs_pool_fault fault;
} vs_crash;

#define VS_GUARD_TIMEOUT (-1)

typedef struct vs_guard {
    sigjmp_buf env;                 /* the recovery point: set with sigsetjmp(env, 1) */
    volatile sig_atomic_t can_jump; /* env is set: else a crash prints its line, exits 3 */
    vs_sim *sim;
    vs_crash first;   /* what the report names */
    vs_crash last;    /* the most recent, to quarantine */
    double timeout_s; /* 0: no callback timeout */
    const char *note; /* after the line of a crash with no recovery point; NULL: none */
    uint64_t seen;    /* the watchdog: activity seen at the last tick, and for how many */
    unsigned ticks;
} vs_guard;

/* Installs the handlers on an alternate stack. 0, or -1 with errno set. */
int vs_guard_install(void);

/* Watches sim's callouts on this thread until vs_guard_disarm; with timeout_s > 0 a
 * callback running longer than that (wall clock, 1 to 1.25 times it) counts as crashed.
 * Once the caller has set the recovery point, sigsetjmp(g->env, 1), it sets can_jump;
 * before that (plugin entry points) a crash prints its line and exits 3. */
int vs_guard_arm(vs_guard *g, vs_sim *sim, double timeout_s);
void vs_guard_disarm(vs_guard *g);

/* After a crash landed at the recovery point: records the rule special pool named as a
 * violation, leaves the callout's activity, and marks every instance of its plugin
 * unloaded so that nothing of it runs again (not even its unload: its state is suspect). */
void vs_guard_quarantine(vs_guard *g);

/* What happened, for the crash line: "SIGSEGV", or "pool_overrun of a 16-byte block
 * tagged 'Vsim' (SIGSEGV)". Async-signal-safe; returns the length written (< size). */
size_t vs_guard_describe(const vs_crash *c, char *buf, size_t size);

/* "SIGSEGV", ..., "timeout". */
const char *vs_guard_signal_name(int signal);

#endif /* VS_GUARD_H */
