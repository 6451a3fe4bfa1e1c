/*
 * signals.c: SIGINT and SIGTERM during `run`. The first asks the run to stop where it
 * is, so that the report of what ran is still written; the handler only sets a flag,
 * which the run looks at between slices (sim.c, run_engine). The second ends the process
 * at once, by the signal's default action, as a user pressing ^C twice expects.
 */
#include <signal.h>

#include "cli/cli.h"

static volatile sig_atomic_t stop_signal; /* 0, or the first signal's number */

static void on_stop(int sig)
{
    if (!stop_signal) {
        stop_signal = sig;
        return;
    }
    /* Blocked while we are in here: delivered, and fatal, as this handler returns. */
    signal(sig, SIG_DFL);
    raise(sig);
}

volatile sig_atomic_t *vs_cli_catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_signal;
}
