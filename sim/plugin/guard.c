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
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case VS_GUARD_TIMEOUT: return "timeout";
    default: return "signal";
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

/* No recovery point (a crash in an entry point, before the run): one line, exit 3. */
static void die_named(const vs_guard *g, int sig)
{
    const vs_sim *sim = g->sim;
    char line[512];
    size_t n = 0;
    put(line, &n, sizeof line, "vswitchsim: callout crashed: plugin \"");
    put(line, &n, sizeof line, sim->cfg->plugins[sim->instances[sim->activity.instance].plugin].name);
    put(line, &n, sizeof line, "\" in its ");
    put(line, &n, sizeof line, sim->activity.what ? sim->activity.what : "callback");
    put(line, &n, sizeof line, " callback: ");
    put(line, &n, sizeof line, vs_guard_signal_name(sig));
    if (g->note) {
        put(line, &n, sizeof line, " (");
        put(line, &n, sizeof line, g->note);
        put(line, &n, sizeof line, ")");
    }
    put(line, &n, sizeof line, "\n");
    ssize_t ignored = write(STDERR_FILENO, line, n);
    (void)ignored;
    _exit(3); /* VS_EXIT_BREACH: a callout bug */
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
    const vs_sim *sim = g->sim;
    if (!g->can_jump)
        die_named(g, sig);
    vs_crash c = {sig, sim->activity.instance, sim->activity.what ? sim->activity.what : "callback",
                  vs_sim_now(sim)};
    if (!g->first.signal)
        g->first = c;
    g->last = c;
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

void vs_guard_quarantine(vs_guard *g)
{
    vs_sim *sim = g->sim;
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
