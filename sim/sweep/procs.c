/*
 * procs.c: jobs in child processes, one fresh process per job (procs.h).
 */
#define _GNU_SOURCE /* pipe2 */
#include "sweep/procs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/grow.h"

typedef struct slot {
    pid_t pid; /* 0: free */
    int fd;    /* the read end of the child's result pipe; -1 once at EOF */
    size_t tag;
    char *buf;
    size_t len, cap;
} slot;

struct vs_procs {
    unsigned nslots;
    size_t busy;
    slot *slots;
};

vs_procs *vs_procs_new(unsigned slots)
{
    vs_procs *p = calloc(1, sizeof *p);
    if (!p || !(p->slots = calloc(slots ? slots : 1, sizeof *p->slots))) {
        free(p);
        return NULL;
    }
    p->nslots = slots ? slots : 1;
    return p;
}

size_t vs_procs_busy(const vs_procs *p)
{
    return p->busy;
}

bool vs_procs_full(const vs_procs *p)
{
    return p->busy == p->nslots;
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* The child: runs the job, writes its result, and leaves with _exit so that nothing of
 * the parent's (stdio buffers, atexit handlers, MPI) runs twice. Its stdout goes to
 * /dev/null: the sweep's own stdout may be the JSON; stderr stays, for what went wrong. */
static void run_child(int fd, const vs_job_base *base, const json_t *job)
{
    signal(SIGINT, SIG_IGN);  /* Ctrl-C reaches the whole group: the parent decides */
    signal(SIGTERM, SIG_DFL); /* the parent's handler only raises its stop flag */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    json_t *result = vs_job_run(base, job);
    char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    if (text)
        write_all(fd, text, strlen(text));
    _exit(text ? 0 : 1);
}

int vs_procs_start(vs_procs *p, const vs_job_base *base, const json_t *job, size_t tag,
                   char err[VS_ERROR_MAX])
{
    slot *s = p->slots;
    while (s->pid)
        s++;
    int fds[2];
    if (vs_procs_full(p) || pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, VS_ERROR_MAX, "starting a job: %s", strerror(errno));
        return -1;
    }
    fflush(NULL); /* or the child's exit would write the parent's buffers again */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, VS_ERROR_MAX, "starting a job: fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1], base, job);
    }
    close(fds[1]);
    *s = (slot){.pid = pid, .fd = fds[0], .tag = tag};
    p->busy++;
    return 0;
}

/* Reads what is there; at EOF closes the pipe. -1 when out of memory. */
static int drain(slot *s)
{
    char chunk[65536];
    ssize_t n = read(s->fd, chunk, sizeof chunk);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : (close(s->fd), s->fd = -1, 0);
    if (n == 0) {
        close(s->fd);
        s->fd = -1;
        return 0;
    }
    if (VS_GROW(s->buf, s->cap, s->len + (size_t)n + 1) != 0)
        return -1;
    memcpy(s->buf + s->len, chunk, (size_t)n);
    s->len += (size_t)n;
    return 0;
}

/* The result of a child whose pipe is closed: what it wrote, or why it has none. */
static json_t *reap(slot *s)
{
    int status = 0;
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
        ;
    json_t *result = s->len ? json_loadb(s->buf, s->len, 0, NULL) : NULL;
    char why[160];
    if (!result && WIFSIGNALED(status))
        snprintf(why, sizeof why, "the job's process died of signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else if (!result)
        snprintf(why, sizeof why, "the job's process exited with status %d without a result",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (!result)
        result = json_pack("{s:i, s:s}", "exit", 1, "error", why);
    free(s->buf);
    *s = (slot){0};
    return result;
}

int vs_procs_wait(vs_procs *p, int timeout_ms, size_t *tag, json_t **result, char err[VS_ERROR_MAX])
{
    struct pollfd fds[p->nslots];
    slot *of[p->nslots];
    nfds_t n = 0;
    for (unsigned i = 0; i < p->nslots; i++)
        if (p->slots[i].pid) {
            fds[n] = (struct pollfd){.fd = p->slots[i].fd, .events = POLLIN};
            of[n++] = &p->slots[i];
        }
    if (n == 0)
        return 0;
    int ready = poll(fds, n, timeout_ms);
    if (ready < 0)
        return errno == EINTR ? 0 : (snprintf(err, VS_ERROR_MAX, "poll: %s", strerror(errno)), -1);
    for (nfds_t i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        if (drain(of[i]) != 0)
            return snprintf(err, VS_ERROR_MAX, "out of memory reading a job's result"), -1;
        if (of[i]->fd >= 0)
            continue;
        *tag = of[i]->tag;
        *result = reap(of[i]);
        p->busy--;
        return *result ? 1 : (snprintf(err, VS_ERROR_MAX, "out of memory"), -1);
    }
    return 0;
}

void vs_procs_kill_all(vs_procs *p)
{
    for (unsigned i = 0; i < p->nslots; i++)
        if (p->slots[i].pid)
            kill(p->slots[i].pid, SIGTERM);
    for (unsigned i = 0; i < p->nslots; i++) {
        slot *s = &p->slots[i];
        if (!s->pid)
            continue;
        if (s->fd >= 0)
            close(s->fd);
        while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        free(s->buf);
        *s = (slot){0};
    }
    p->busy = 0;
}

void vs_procs_free(vs_procs *p)
{
    if (!p)
        return;
    vs_procs_kill_all(p);
    free(p->slots);
    free(p);
}
