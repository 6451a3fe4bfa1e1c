/*
 * probe.c: probed copies of callout memory (probe.h). The hot path is a sigsetjmp that
 * does not save the signal mask (no syscall) and a thread-local pointer; only a fault
 * pays for a syscall, to unblock the signal the handler was running with.
 */
#include "model/probe.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

/* The probe running on this thread, if any. volatile: it must be set in memory before
 * the copy starts, not merged with the store that clears it after. */
static _Thread_local sigjmp_buf *volatile probing;

static void unblock(int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int vs_probe_copy(void *dst, const void *src, size_t n)
{
    sigjmp_buf env;
    int sig = sigsetjmp(env, 0);
    if (sig != 0) { /* from vs_probe_recover: the handler's mask is still on */
        probing = NULL;
        unblock(sig);
        return -1;
    }
    probing = &env;
    memcpy(dst, src, n);
    probing = NULL;
    return 0;
}

void vs_probe_recover(int sig)
{
    sigjmp_buf *env = probing;
    if (!env || (sig != SIGSEGV && sig != SIGBUS))
        return;
    probing = NULL;
    siglongjmp(*env, sig);
}
