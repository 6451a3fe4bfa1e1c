/*
 * supervisor.h: the net under the crash guard. `run`, `validate` and `plugin-info` do
 * their work in a child process, and the parent outlives any death of the child: by a
 * signal the guard could not turn into a report (a fault outside a callout, an abort
 * from a heap a callout corrupted), or by a plugin's exit(). The child keeps a
 * breadcrumb of who runs (model/sim.h, vs_breadcrumb) and hands over snapshots of its
 * report in memory the parent can read; the parent then names the callout and writes
 * the last snapshot as the report of what ran. The first snapshot is taken one interval
 * after the run began, not at its start: a run that ends sooner (most do) never pays
 * for one, and what a run that dies before it covers is the scenario as it stood
 * before anything ran, which the parent can make itself (runner.h,
 * vs_run_report_unstarted).
 *
 * The way a command uses it, like fork():
 *
 *     vs_supervisor sup;
 *     switch (vs_supervisor_start(&sup)) {
 *     case VS_SUPERVISED_CHILD:  code = work(); vs_supervisor_child_done(&sup, code); break;
 *     case VS_UNSUPERVISED:      code = work(); break;
 *     case VS_SUPERVISED_PARENT: code = the child's, or what its death calls for;
 *     }
 *     vs_supervisor_close(&sup);
 *
 * VSWITCHSIM_NO_SUPERVISOR=1 in the environment runs the work in this process (for a
 * debugger). SIGINT and SIGTERM keep their meaning: a terminal's reach both processes;
 * one sent to the parent alone is passed to the child; a child that dies of one (the
 * second ^C) takes the parent with it, by the same signal.
 */
#ifndef VS_SUPERVISOR_H
#define VS_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "model/sim.h"

typedef enum vs_supervised {
    VS_UNSUPERVISED,     /* do the work in this process */
    VS_SUPERVISED_CHILD, /* do the work, then vs_supervisor_child_done */
    VS_SUPERVISED_PARENT /* the child has ended: see vs_supervisor_end */
} vs_supervised;

typedef struct vs_supervisor_page vs_supervisor_page;

typedef struct vs_supervisor {
    vs_supervisor_page *page; /* shared with the child; NULL: unsupervised */
    int snapshot_fd;          /* a memfd the child writes snapshots into; -1: none */
    pid_t child;
    int status;              /* the child's wait status, in the parent */
    double snapshot_every_s; /* wall seconds between snapshots after the first, at least */
    double last_snapshot;    /* wall clock of the last one's end, in the child */
    double run_began;        /* wall clock when the run began (vs_supervisor_began) */
    double snapshot_began;   /* wall clock when the one being taken was found due */
    double snapshot_cost;    /* wall seconds the last one took */
    double snapshot_spent;   /* wall seconds all of them took */
} vs_supervisor;

/* How the child ended, read by the parent. */
typedef struct vs_child_end {
    bool finished; /* the work ran to its end: exit_code is its result */
    int exit_code;
    int signal;          /* died of this signal; 0: exited (exit_code) without finishing */
    bool stopped;        /* died of SIGINT or SIGTERM's default action (a second ^C) */
    bool began;          /* the run had begun (vs_supervisor_began) */
    vs_breadcrumb crumb; /* who ran last, and whether they still were */
    bool has_snapshot;
    vs_time_t snapshot_at; /* the last snapshot's simulated time */
} vs_child_end;

/* Forks, unless supervision is off or cannot be set up (then VS_UNSUPERVISED, with a
 * warning on stderr for the latter). Flushes stdio first, so that nothing buffered is
 * written twice. In the parent, returns when the child has ended. */
vs_supervised vs_supervisor_start(vs_supervisor *s);

/* The child's breadcrumb, for sim->crumb (NULL when unsupervised). */
vs_breadcrumb *vs_supervisor_crumb(vs_supervisor *s);

/* The child: the scenario's plugins, by config index, for the parent to name one that
 * dies (the first VS_SUPERVISOR_NAMES, each cut at VS_SUPERVISOR_NAME_MAX - 1 bytes).
 * s NULL: nothing. The parent: a name, or NULL if the child never said. */
#define VS_SUPERVISOR_NAMES 48
#define VS_SUPERVISOR_NAME_MAX 72
void vs_supervisor_know_plugins(vs_supervisor *s, const vs_config *cfg);
const char *vs_supervisor_plugin_name(const vs_supervisor *s, uint32_t index);

/* The child: the work's outcome is known, printed and reported, and exit_code is what
 * the command returns; whatever follows (the exit itself) is not a death to report.
 * Flushes stdio and ends the child with _exit(exit_code): its libraries' destructors
 * took the command 1.3 to 4.9 ms for nothing (perf stat, this VM). In a sanitizer's
 * build it returns, and the child exits in full: LeakSanitizer checks in that exit.
 * s unsupervised: returns. */
void vs_supervisor_child_done(vs_supervisor *s, int exit_code);

/* The child: the plugins are in and the run begins; snapshots are due from one interval
 * (VSWITCHSIM_SNAPSHOT_INTERVAL wall seconds, default 1) after this. s NULL: nothing. */
void vs_supervisor_began(vs_supervisor *s);

/* The child: hands over `report` (borrowed) as what ran so far, at simulated time `at`.
 * vs_supervisor_snapshot_due says whether the time has come for another: one interval
 * after the run began, or after the last one was written. */
bool vs_supervisor_snapshot_due(vs_supervisor *s);
void vs_supervisor_snapshot(vs_supervisor *s, const json_t *report, vs_time_t at);

/* The parent: how the child ended, and the last report it handed over (a new
 * reference, or NULL when there was none). */
void vs_supervisor_end(const vs_supervisor *s, vs_child_end *end);
json_t *vs_supervisor_last_snapshot(const vs_supervisor *s);

/* What the child died of: "SIGSEGV", or "exit(7)" for one that exited unfinished. */
const char *vs_supervisor_cause(const vs_child_end *end, char buf[32]);

/* The parent, after a child that finished: ends this process at once with the child's
 * exit code. The child said all there was to say; tearing down a process this size
 * (its libraries' destructors, its page tables) would cost as much as the fork. */
_Noreturn void vs_supervisor_exit_as_child(vs_supervisor *s, const vs_child_end *end);

/* The parent of a command that writes no report, once the child has ended: exits as
 * the child did, or says who died and returns the exit code for it. */
int vs_supervisor_settle(vs_supervisor *s);

/* The parent, after a child that died (not finished, not stopped): one line on stderr
 * naming the callout that was running (plugin: the breadcrumb's plugin's name, NULL if
 * unknown) or, outside one, the last to run, with `after` appended (what the user gets
 * instead: "; the report covers ..."). Returns the exit code the death calls for: 3 when
 * callout code had run (a callout bug, or memory a callout corrupted), 2 for a plugin
 * that killed its loading (the breadcrumb's callback "load"), else 1. */
int vs_supervisor_say_death(const vs_child_end *end, const char *plugin, const char *after);

/* The parent, after a child that died of SIGINT or SIGTERM (end.stopped): ends this
 * process by the same signal, as the child's would have ended it unsupervised. */
void vs_supervisor_die_like_child(const vs_child_end *end);

/* Releases the page and the snapshot file (either process; unsupervised: nothing). */
void vs_supervisor_close(vs_supervisor *s);

#endif /* VS_SUPERVISOR_H */
