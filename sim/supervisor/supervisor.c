/*
 * supervisor.c: the child that does the work and the parent that outlives it
 * (supervisor.h). The two share one anonymous page: the breadcrumb, the child's "done",
 * and which of two slots of a memfd holds the last whole snapshot. A snapshot is
 * written into the slot not in use and only then published, so a child that dies while
 * writing one leaves the one before it readable.
 */
#define _GNU_SOURCE
#include "supervisor/supervisor.h"
#include "base/clock.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct vs_supervisor_page {
    vs_breadcrumb crumb;
    volatile uint32_t done;   /* vs_supervisor_child_done: what follows is no death */
    volatile uint32_t began;  /* vs_supervisor_began: the plugins are in, the run goes */
    volatile uint32_t slot;   /* 0: no snapshot yet; else 1 + the slot of the last */
    volatile uint64_t len[2]; /* each slot's snapshot, in bytes */
    volatile vs_time_t at[2]; /* ... and its simulated time */
    uint32_t nnames;          /* the scenario's plugins, once the child has loaded it */
    char names[VS_SUPERVISOR_NAMES][VS_SUPERVISOR_NAME_MAX];
};

_Static_assert(sizeof(struct vs_supervisor_page) <= 4096, "one page");

/* Slot i of the memfd starts at i * SLOT_SPAN: a sparse file, so the gap costs nothing. */
#define SLOT_SPAN ((off_t)1 << 40)

/* The child a signal sent to the parent is passed to. A signal handler has no argument
 * to find it by: a binding, set while the parent waits, not simulator state. */
static volatile pid_t forward_to;

/* A terminal's ^C reaches the child too (si_code SI_KERNEL); one sent by a process to
 * the parent alone (kill: si_code <= 0) is passed on, so the child stops as it would. */
static void forward(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    int saved = errno; /* kill may set it; waitpid's caller reads it (TSan: "spoils errno") */
    if (info->si_code <= 0 && forward_to > 0)
        kill(forward_to, sig);
    errno = saved;
}

static void wait_for_child(vs_supervisor *s)
{
    struct sigaction sa = {.sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART}, old[2];
    sigemptyset(&sa.sa_mask);
    forward_to = s->child;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
    while (waitpid(s->child, &s->status, 0) < 0 && errno == EINTR)
        ;
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    forward_to = 0;
}

static bool supervision_off(void)
{
    const char *off = getenv("VSWITCHSIM_NO_SUPERVISOR");
    return off && *off && strcmp(off, "0") != 0;
}

/* The share of a run's wall time snapshots may take (see vs_supervisor_snapshot_due). */
#define SNAPSHOT_BUDGET 0.05

/* VSWITCHSIM_SNAPSHOT_INTERVAL (wall seconds, default 1; 0: at every slice of the run):
 * how stale the report of a run that died may be, against the cost of taking it. */
static double snapshot_interval(void)
{
    const char *v = getenv("VSWITCHSIM_SNAPSHOT_INTERVAL");
    char *end;
    double s = v ? strtod(v, &end) : 1.0;
    return v && (*end != '\0' || !(s >= 0)) ? 1.0 : s;
}

vs_supervised vs_supervisor_start(vs_supervisor *s)
{
    *s = (vs_supervisor){.snapshot_fd = -1, .snapshot_every_s = snapshot_interval()};
    if (supervision_off())
        return VS_UNSUPERVISED;
    void *page =
        mmap(NULL, sizeof *s->page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        perror("vswitchsim: warning: running unsupervised: mmap");
        return VS_UNSUPERVISED;
    }
    s->page = page;
    s->snapshot_fd = memfd_create("vswitchsim-snapshot", MFD_CLOEXEC); /* -1: no snapshots */
    pid_t parent = getpid();
    fflush(NULL);
    s->child = fork();
    if (s->child < 0) {
        perror("vswitchsim: warning: running unsupervised: fork");
        vs_supervisor_close(s);
        return VS_UNSUPERVISED;
    }
    if (s->child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a parent killed outright takes the child along */
        if (getppid() != parent)
            _exit(1); /* it died before the line above took effect */
        return VS_SUPERVISED_CHILD;
    }
    wait_for_child(s);
    return VS_SUPERVISED_PARENT;
}

vs_breadcrumb *vs_supervisor_crumb(vs_supervisor *s)
{
    return s->page ? &s->page->crumb : NULL;
}

/* Under a sanitizer the child's exit is part of its work: LeakSanitizer checks there
 * (from an atexit handler, which _exit would skip) and its verdict is the exit status. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EXIT_IN_FULL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define EXIT_IN_FULL 1
#endif
#endif
#ifndef EXIT_IN_FULL
#define EXIT_IN_FULL 0
#endif

void vs_supervisor_child_done(vs_supervisor *s, int exit_code)
{
    if (!s->page)
        return;
    __atomic_store_n(&s->page->done, 1, __ATOMIC_RELEASE);
    if (EXIT_IN_FULL)
        return;
    /* Nothing the libraries' destructors do matters once the outputs are out, and the
     * parent, which waits for this exit, is the command's end. */
    fflush(NULL);
    _exit(exit_code);
}

void vs_supervisor_know_plugins(vs_supervisor *s, const vs_config *cfg)
{
    if (!s || !s->page)
        return;
    size_t n = cfg->nplugins < VS_SUPERVISOR_NAMES ? cfg->nplugins : VS_SUPERVISOR_NAMES;
    for (size_t i = 0; i < n; i++)
        snprintf(s->page->names[i], VS_SUPERVISOR_NAME_MAX, "%s", cfg->plugins[i].name);
    s->page->nnames = (uint32_t)n;
}

const char *vs_supervisor_plugin_name(const vs_supervisor *s, uint32_t index)
{
    return s->page && index < s->page->nnames ? s->page->names[index] : NULL;
}

void vs_supervisor_began(vs_supervisor *s)
{
    if (!s || !s->page)
        return;
    s->run_began = s->last_snapshot = vs_wall_s(); /* the first is due one interval on */
    s->page->began = 1;
}

bool vs_supervisor_snapshot_due(vs_supervisor *s)
{
    if (!s->page || s->snapshot_fd < 0 || !s->page->began)
        return false;
    /* An interval after the last one ended, and within budget: what snapshots took so
     * far, and the next (estimated as the last; the report only grows), at most a
     * twentieth of the run. A report grows with the cluster (0.5 to 1.5 s at 100,000
     * hosts: half the run at one a second), so without a budget snapshots would make
     * an event dearer the larger the cluster. An interval of 0 (every slice) is taken
     * as asked. */
    double now = vs_wall_s();
    if (now - s->last_snapshot < s->snapshot_every_s)
        return false;
    if (s->snapshot_every_s > 0 &&
        s->snapshot_spent + s->snapshot_cost > SNAPSHOT_BUDGET * (now - s->run_began))
        return false;
    s->snapshot_began = now; /* the caller builds the report and hands it over now */
    return true;
}

static int write_at(int fd, const char *p, size_t n, off_t at)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w, at += w;
    }
    return 0;
}

/* The report's text goes to the memfd as jansson writes it, through a small buffer:
 * no copy of the whole text in this process's memory (at 100,000 hosts it would be
 * ~70 MB, made while the whole model is in memory, i.e. at the run's peak). */
typedef struct snapshot_writer {
    int fd;
    off_t at; /* where the buffer's first byte goes */
    size_t used;
    bool failed;
    char buf[64 * 1024];
} snapshot_writer;

static bool writer_flush(snapshot_writer *w)
{
    if (!w->failed && w->used && write_at(w->fd, w->buf, w->used, w->at) != 0)
        w->failed = true;
    w->at += (off_t)w->used;
    w->used = 0;
    return !w->failed;
}

static int writer_put(const char *p, size_t n, void *data)
{
    snapshot_writer *w = data;
    while (n > 0) {
        if (w->used == sizeof w->buf && !writer_flush(w))
            return -1;
        size_t k = sizeof w->buf - w->used < n ? sizeof w->buf - w->used : n;
        memcpy(w->buf + w->used, p, k);
        w->used += k, p += k, n -= k;
    }
    return 0;
}

void vs_supervisor_snapshot(vs_supervisor *s, const json_t *report, vs_time_t at)
{
    if (!s->page || s->snapshot_fd < 0)
        return;
    unsigned slot = s->page->slot == 1 ? 1 : 0; /* the one not holding the last */
    off_t start = (off_t)slot * SLOT_SPAN;
    snapshot_writer *w = malloc(sizeof *w);
    if (w) { /* else out of memory: the last one stands, as after a failed write */
        *w = (snapshot_writer){.fd = s->snapshot_fd, .at = start};
        if (json_dump_callback(report, writer_put, w, JSON_COMPACT) == 0 && writer_flush(w)) {
            s->page->len[slot] = (size_t)(w->at - start);
            s->page->at[slot] = at;
            __atomic_store_n(&s->page->slot, slot + 1, __ATOMIC_RELEASE);
        }
        free(w);
    }
    /* The next is due an interval after this one ends, not after it began: one that
     * takes longer than the interval (a report of 60,000 time-series rows under TSan:
     * 1.1 s) would otherwise follow at once, and the run would barely move between. Its
     * cost counts from when it was found due: building the report included. */
    s->last_snapshot = vs_wall_s();
    if (s->snapshot_began > 0) { /* else taken without asking if one was due: cost 0 */
        s->snapshot_cost = s->last_snapshot - s->snapshot_began;
        s->snapshot_spent += s->snapshot_cost;
        s->snapshot_began = 0;
    }
}

void vs_supervisor_end(const vs_supervisor *s, vs_child_end *end)
{
    const vs_supervisor_page *p = s->page;
    int st = s->status;
    *end = (vs_child_end){.crumb = p->crumb, .began = p->began != 0, .has_snapshot = p->slot != 0};
    if (end->has_snapshot)
        end->snapshot_at = p->at[p->slot - 1];
    if (WIFSIGNALED(st))
        end->signal = WTERMSIG(st);
    else
        end->exit_code = WEXITSTATUS(st);
    /* Done, and then killed in its exit (a leak check, an atexit handler): what it
     * reported stands, and a status says it did not end well. */
    end->finished = p->done != 0 || p->crumb.reported;
    if (end->finished && end->signal)
        end->exit_code = 128 + end->signal;
    end->stopped = !end->finished && (end->signal == SIGINT || end->signal == SIGTERM);
}

json_t *vs_supervisor_last_snapshot(const vs_supervisor *s)
{
    const vs_supervisor_page *p = s->page;
    if (!p || p->slot == 0 || s->snapshot_fd < 0)
        return NULL;
    unsigned slot = p->slot - 1;
    size_t n = p->len[slot];
    char *text = malloc(n ? n : 1);
    if (!text)
        return NULL;
    size_t got = 0;
    while (got < n) {
        ssize_t r =
            pread(s->snapshot_fd, text + got, n - got, (off_t)slot * SLOT_SPAN + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    json_t *report = got == n ? json_loadb(text, n, 0, NULL) : NULL;
    free(text);
    return report;
}

void vs_supervisor_exit_as_child(vs_supervisor *s, const vs_child_end *end)
{
    vs_supervisor_close(s);
    fflush(NULL);
    _exit(end->exit_code);
}

void vs_supervisor_die_like_child(const vs_child_end *end)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, end->signal);
    signal(end->signal, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(end->signal);
    _exit(128 + end->signal);
}

void vs_supervisor_close(vs_supervisor *s)
{
    if (s->snapshot_fd >= 0)
        close(s->snapshot_fd);
    if (s->page)
        munmap(s->page, sizeof *s->page);
    s->snapshot_fd = -1;
    s->page = NULL;
}

const char *vs_supervisor_cause(const vs_child_end *end, char buf[32])
{
    const char *abbrev = end->signal ? sigabbrev_np(end->signal) : NULL;
    if (end->signal)
        snprintf(buf, 32, "SIG%s", abbrev ? abbrev : "?");
    else
        snprintf(buf, 32, "exit(%d)", end->exit_code);
    return buf;
}

int vs_supervisor_say_death(const vs_child_end *end, const char *plugin, const char *after)
{
    char why[32];
    const vs_breadcrumb *b = &end->crumb;
    const char *what = b->what ? b->what : "callback";
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr); /* the child's progress line */
    if (b->active && plugin && b->what && strcmp(b->what, "load") == 0) {
        fprintf(stderr,
                "vswitchsim: plugin \"%s\": loading it killed the process (%s): a file "
                "the dynamic loader cannot map, or a constructor of the plugin that crashed%s\n",
                plugin, vs_supervisor_cause(end, why), after);
        return 2; /* VS_EXIT_BAD_INPUT: not a plugin this program can load */
    }
    if (b->active && plugin) {
        fprintf(stderr,
                "vswitchsim: callout crashed: plugin \"%s\" in its %s callback: %s at "
                "%.9f s simulated, and the process died of it%s\n",
                plugin, what, vs_supervisor_cause(end, why), (double)b->at / 1e9, after);
        return 3; /* VS_EXIT_BREACH: a callout bug */
    }
    if (b->runs > 0 && plugin) {
        fprintf(stderr,
                "vswitchsim: the run died of %s outside any callout; the last callout "
                "to run was plugin \"%s\" in its %s callback at %.9f s simulated, which may "
                "have corrupted memory (verifier.special_pool catches overruns where they "
                "happen)%s\n",
                vs_supervisor_cause(end, why), plugin, what, (double)b->at / 1e9, after);
        return 3;
    }
    fprintf(stderr,
            "vswitchsim: internal error: the process died of %s before any callout "
            "ran%s\n",
            vs_supervisor_cause(end, why), after);
    return 1; /* VS_EXIT_FAILURE */
}

int vs_supervisor_settle(vs_supervisor *s)
{
    vs_child_end end;
    vs_supervisor_end(s, &end);
    if (end.finished)
        vs_supervisor_exit_as_child(s, &end);
    if (end.stopped)
        vs_supervisor_die_like_child(&end);
    const char *plugin = end.crumb.runs ? vs_supervisor_plugin_name(s, end.crumb.plugin) : NULL;
    return vs_supervisor_say_death(&end, plugin, "");
}
