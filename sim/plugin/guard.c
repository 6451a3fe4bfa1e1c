/*
 * guard.c: crash containment for callouts (see guard.h). One handler, on an alternate
 * stack so that a callout that overflowed its stack is caught too, for the faults, abort
 * and the watchdog's SIGALRM. If a callout's code is running (sim->activity) and the run
 * set its recovery point, the handler records who crashed and siglongjmps there. The
 * hot path pays nothing for this: the activity a callback sets anyway says who runs,
 * and there is no sigsetjmp per callback (it would cost a syscall to save the mask).
 */
#include "plugin/guard.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "model/probe.h"
#include "plugin/instance.h"

static const int GUARDED[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
#define NGUARDED (sizeof GUARDED / sizeof GUARDED[0])

/* The guard of the run on this thread. A signal handler has no argument to find it
 * by, so it is bound here, as fwps_exports.c binds the simulation: a binding, not state. */
static _Thread_local vs_guard *armed;
static struct sigaction previous[NGUARDED]; /* handlers before ours: ASan's, or default */
static _Alignas(16) char alt_stack[64 * 1024];

const char *vs_guard_signal_name(int signal)
{
    switch (signal) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGABRT:
        return "SIGABRT";
    case VS_GUARD_TIMEOUT:
        return "timeout";
    default:
        return "signal";
    }
}

/* A callback that has not returned for four ticks of timeout/4 ran 1 to 1.25 timeouts. */
static bool watchdog_expired(vs_guard *g)
{
    const vs_sim *sim = g->sim;
    if (!sim->activity.active || sim->activities != g->seen) {
        g->seen = sim->activities;
        g->ticks = 0;
        return false;
    }
    return ++g->ticks >= 4;
}

/* Not a callout's crash: hand the signal to whoever had it before (ASan prints its
 * report; by default the process dumps core). A fault returns and faults again; a sent
 * signal is sent again, to be delivered when this handler returns. */
static void pass_on(int sig, const siginfo_t *info)
{
    for (size_t i = 0; i < NGUARDED; i++)
        if (GUARDED[i] == sig)
            sigaction(sig, &previous[i], NULL);
    if (info->si_code <= 0)
        raise(sig);
}

static void put(char *buf, size_t *n, size_t cap, const char *s)
{
    while (*s && *n + 1 < cap)
        buf[(*n)++] = *s++;
}

static void put_number(char *buf, size_t *n, size_t cap, uint64_t v)
{
    char digits[24];
    size_t k = sizeof digits - 1;
    digits[k] = '\0';
    do
        digits[--k] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put(buf, n, cap, digits + k);
}

/* A pool tag's four characters as its bytes lie in memory, as '%.4s' shows them. */
static void put_tag(char *buf, size_t *n, size_t cap, uint32_t tag)
{
    char t[5] = {0};
    memcpy(t, &tag, 4);
    for (int i = 0; i < 4; i++)
        if (t[i] < 0x20 || t[i] > 0x7e)
            t[i] = '.';
    put(buf, n, cap, "'");
    put(buf, n, cap, t);
    put(buf, n, cap, "'");
}

size_t vs_guard_describe(const vs_crash *c, char *buf, size_t size)
{
    size_t n = 0;
    if (c->rule >= 0) {
        put(buf, &n, size, vs_rule_name((vs_rule)c->rule));
        put(buf, &n, size, c->fault.kind == VS_POOL_RESTORE ? " of the " : " of a ");
        put_number(buf, &n, size, c->fault.size);
        if (c->fault.kind == VS_POOL_RESTORE) {
            put(buf, &n, size, "-byte restore buffer (");
        } else {
            put(buf, &n, size, "-byte block tagged ");
            put_tag(buf, &n, size, c->fault.tag);
            put(buf, &n, size, " (");
        }
    }
    put(buf, &n, size, vs_guard_signal_name(c->signal));
    if (c->rule >= 0)
        put(buf, &n, size, ")");
    if (size)
        buf[n] = '\0';
    return n;
}

/* No recovery point (a crash in an entry point, before the run): one line, exit 3. */
static void die_named(const vs_guard *g, const vs_crash *c)
{
    const vs_sim *sim = g->sim;
    char line[512], what[160];
    size_t n = 0;
    vs_guard_describe(c, what, sizeof what);
    put(line, &n, sizeof line, "vswitchsim: callout crashed: plugin \"");
    put(line, &n, sizeof line, sim->cfg->plugins[sim->instances[c->instance].plugin].name);
    put(line, &n, sizeof line, "\" in its ");
    put(line, &n, sizeof line, c->what);
    put(line, &n, sizeof line, " callback: ");
    put(line, &n, sizeof line, what);
    if (g->note) {
        put(line, &n, sizeof line, " (");
        put(line, &n, sizeof line, g->note);
        put(line, &n, sizeof line, ")");
    }
    put(line, &n, sizeof line, "\n");
    ssize_t ignored = write(STDERR_FILENO, line, n);
    (void)ignored;
    if (sim->crumb) /* said: a supervisor has nothing to add */
        sim->crumb->reported = 1;
    _exit(3); /* VS_EXIT_BREACH: a callout bug */
}

/* Who crashed, where, and whether the address is one of special pool's. */
static vs_crash crash_of(const vs_sim *sim, int sig, const siginfo_t *info)
{
    vs_crash c = {.signal = sig,
                  .instance = sim->activity.instance,
                  .what = sim->activity.what ? sim->activity.what : "callback",
                  .sim_time = vs_sim_now(sim),
                  .rule = -1};
    if (sig != SIGSEGV && sig != SIGBUS)
        return c;
    c.address = (uintptr_t)info->si_addr;
    if (sim->special_pool && vs_special_pool_classify(sim->special_pool, c.address, &c.fault))
        c.rule = c.fault.rule;
    return c;
}

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    vs_guard *g = armed;
    int saved_errno = errno;
    (void)uctx;
    vs_probe_recover(sig); /* the simulator reading a callout's buffer: its bug, reported */
    if (sig == SIGALRM) {
        if (!g || !watchdog_expired(g)) {
            errno = saved_errno;
            return;
        }
        sig = VS_GUARD_TIMEOUT;
    } else if (!g || !g->sim->activity.active) {
        pass_on(sig, info);
        errno = saved_errno;
        return;
    }
    vs_crash c = crash_of(g->sim, sig, info);
    if (!g->can_jump)
        die_named(g, &c);
    if (!g->first.signal)
        g->first = c;
    g->last = c;
    /* The callout is left for good: a fault from here on is the simulator's own (a
     * callout's overrun can leave the heap broken under the crash report), takes the
     * default action and is the supervisor's to report, not a jump here again. */
    g->sim->activity.active = false;
    siglongjmp(g->env, 1);
}

int vs_guard_install(void)
{
    stack_t old;
    if (sigaltstack(NULL, &old) != 0)
        return -1;
    if (old.ss_flags & SS_DISABLE) { /* keep one that is there (ASan sets its own) */
        stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack};
        if (sigaltstack(&ss, NULL) != 0)
            return -1;
    }
    struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NGUARDED; i++) {
        /* The watchdog's tick must not fail the simulator's own reads and writes. */
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | (GUARDED[i] == SIGALRM ? SA_RESTART : 0);
        if (sigaction(GUARDED[i], &sa, &previous[i]) != 0)
            return -1;
    }
    return 0;
}

static int set_ticks(double seconds)
{
    struct timeval tv = {.tv_sec = (time_t)seconds,
                         .tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)};
    if (seconds > 0 && tv.tv_sec == 0 && tv.tv_usec == 0)
        tv.tv_usec = 1;
    struct itimerval it = {.it_interval = tv, .it_value = tv};
    return setitimer(ITIMER_REAL, &it, NULL);
}

int vs_guard_arm(vs_guard *g, vs_sim *sim, double timeout_s)
{
    g->sim = sim;
    g->first = g->last = (vs_crash){0};
    g->timeout_s = timeout_s;
    g->seen = 0;
    g->ticks = 0;
    g->can_jump = 0;
    g->note = "before the run: no report";
    armed = g;
    return timeout_s > 0 ? set_ticks(timeout_s / 4) : 0;
}

void vs_guard_disarm(vs_guard *g)
{
    if (g->timeout_s > 0)
        set_ticks(0);
    armed = NULL;
}

/* The rule special pool named, in the report's verifier section. Not printed: the crash
 * line names it already. */
static void record_pool_violation(vs_sim *sim, const vs_crash *c)
{
    if (c->rule < 0 || (sim->cfg->verifier.disabled & VS_RULE_BIT(c->rule)))
        return;
    char what[160], detail[512];
    vs_guard_describe(c, what, sizeof what);
    const vs_pool_fault *f = &c->fault;
    long long at = (long long)f->offset, size = (long long)f->size;
    char where[96];
    if (at < 0)
        snprintf(where, sizeof where, "%lld byte(s) before its start", -at);
    else if (at >= size)
        snprintf(where, sizeof where, "%lld byte(s) past its end", at - size);
    else
        snprintf(where, sizeof where, "at byte %lld of it", at);
    snprintf(detail, sizeof detail, "%s in its %s callback: the first faulting access was %s", what,
             c->what, where);
    size_t p = sim->instances[c->instance].plugin;
    if (vs_stats_add_violation(&sim->stats, (vs_rule)c->rule, p, sim->cfg->plugins[p].name,
                               c->sim_time, detail) != 0)
        fprintf(stderr, "vswitchsim: out of memory recording a violation\n");
}

void vs_guard_quarantine(vs_guard *g)
{
    vs_sim *sim = g->sim;
    record_pool_violation(sim, &g->last);
    sim->activity = (vs_activity){0};
    uint32_t plugin = sim->instances[g->last.instance].plugin;
    for (uint32_t i = 0; i < sim->ninstances; i++) {
        vs_instance *in = &sim->instances[i];
        if (in->plugin != plugin)
            continue;
        in->unloaded = true;
        if (in->owner)
            ((vs_plugin_instance *)in->owner)->loaded = false;
    }
}
