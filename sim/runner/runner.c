/*
 * runner.c: one run of a loaded scenario (runner.h).
 */
#include "runner/runner.h"
#include "base/clock.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "model/realtime.h"
#include "plugin/instance.h"
#include "plugin/loader.h"
#include "report/report.h"
#include "server/server.h"

/* One line on stderr naming the callout that crashed and what was in flight. */
static void print_crash(const vs_sim *sim, const vs_crash *c)
{
    const char *plugin = sim->cfg->plugins[sim->instances[c->instance].plugin].name;
    char what[160];
    vs_guard_describe(c, what, sizeof what);
    if (isatty(STDERR_FILENO)) /* a progress line may be there: harmless if not */
        fputs("\r\033[K", stderr);
    fprintf(stderr,
            "vswitchsim: callout crashed: plugin \"%s\" in its %s callback: %s at %.9f s "
            "simulated (%lld pending completions, %lld migrations in flight); the run stops "
            "here and the report covers what ran\n",
            plugin, c->what, what, (double)c->sim_time / 1e9,
            (long long)sim->stats.pending.total.level,
            (long long)sim->stats.migrations_in_flight.total.level);
}

/* Runs the model under the crash guard. A crashing callout lands back at the recovery
 * point (guard.c), once for the run and once more per crash in an unload: the run is
 * not resumed (its state is not to be trusted), the crashed plugin is quarantined (none
 * of its code runs again, not even its unload), the others are unloaded as usual. */
static int run_guarded(vs_sim *sim, vs_plugin_set *plugins, vs_run_end *end)
{
    volatile int rc = 0;
    if (sigsetjmp(end->guard.env, 1) == 0) {
        end->guard.can_jump = 1;
        rc = vs_sim_run(sim);
    } else {
        print_crash(sim, &end->guard.last);
        vs_guard_quarantine(&end->guard);
        rc = vs_sim_collect(sim);
    }
    end->interrupted = sim->interrupted;
    if (sigsetjmp(end->guard.env, 1) != 0) {
        print_crash(sim, &end->guard.last);
        vs_guard_quarantine(&end->guard);
    }
    vs_plugins_detach(plugins);
    vs_guard_disarm(&end->guard);
    return rc;
}

/* The report of a finished run: what it covered and, if a callout crashed, which. */
static json_t *build_report(const vs_config *cfg, vs_sim *sim, const vs_run_end *end)
{
    const vs_crash *c = &end->guard.first;
    vs_run_info info = {.sim_time_ns = vs_sim_now(sim),
                        .events = vs_engine_events_run(sim->engine),
                        .wall_time_s = end->wall_time_s,
                        .interrupted = end->interrupted,
                        .clock_overhead_ns = sim->clock_overhead_ns};
    if (c->signal) {
        info.crashed.plugin = cfg->plugins[sim->instances[c->instance].plugin].name;
        info.crashed.callback = c->what;
        info.crashed.signal = vs_guard_signal_name(c->signal);
        info.crashed.sim_time_ns = c->sim_time;
    }
    vs_stats_sync(&sim->stats);
    json_t *report = vs_report_build(cfg, &sim->stats, &info);
    json_t *crashed = report ? json_object_get(report, "crashed") : NULL;
    if (crashed && c->rule >= 0) /* special pool named the fault (its violation has more) */
        json_object_set_new(crashed, "rule", json_string(vs_rule_name((vs_rule)c->rule)));
    return report;
}

/* A supervised run hands over its report as it stands between slices of the run, for
 * the parent to write should this process die (supervisor.h). */
typedef struct snapshot_hook {
    vs_sim *sim;
    vs_run_end *end;
    vs_supervisor *sup;
    double started;
    void (*progress)(void *ctx, vs_time_t now, vs_time_t end, uint64_t events);
    void *progress_ctx;
} snapshot_hook;

/* The report as of now. The end-of-run collection of per-host figures is taken for it
 * and then undone, so that the real end collects afresh. */
static void hand_over(snapshot_hook *h)
{
    vs_sim *sim = h->sim;
    bool collected = sim->stats.hosts != NULL;
    if (!collected && vs_sim_collect(sim) != 0) {
        vs_sim_out_of_memory(sim); /* as anywhere in the run: it stops, exit 1 */
        return;
    }
    h->end->wall_time_s = vs_wall_s() - h->started;
    json_t *report = build_report(sim->cfg, sim, h->end);
    if (!collected) {
        free(sim->stats.hosts);
        sim->stats.hosts = NULL;
        sim->stats.nhosts = 0;
    }
    if (report)
        vs_supervisor_snapshot(h->sup, report, vs_sim_now(sim));
    json_decref(report);
}

static void progress_and_snapshot(void *ctx, vs_time_t now, vs_time_t end, uint64_t events)
{
    snapshot_hook *h = ctx;
    if (h->progress)
        h->progress(h->progress_ctx, now, end, events);
    if (vs_supervisor_snapshot_due(h->sup))
        hand_over(h);
}

/* Attaches the plugins and runs; NULL (with *exit_code) when they did not load. */
static json_t *run_attached(vs_sim *sim, const vs_run_options *o, vs_run_end *end, int *exit_code)
{
    char err[VS_ERROR_MAX];
    const vs_config *cfg = sim->cfg;
    if (vs_guard_install() != 0 || vs_guard_arm(&end->guard, sim, o->callback_timeout) != 0) {
        perror("vswitchsim: installing the crash guard");
        return NULL;
    }
    vs_plugin_set *plugins = vs_plugins_attach(sim, err);
    if (!plugins) {
        vs_guard_disarm(&end->guard);
        bool oom = vs_sim_failed(sim); /* no fault of the plugin's */
        fprintf(stderr, "vswitchsim: %s\n", oom ? "out of memory" : err);
        *exit_code = oom ? VS_EXIT_FAILURE : VS_EXIT_BAD_INPUT;
        vs_kernel_bind(NULL);
        return NULL;
    }
    /* The real-time clock's loop; --listen may have made the base already: shared. */
    struct event_base *own_base = NULL;
    if (cfg->run.realtime && !sim->evbase)
        sim->evbase = own_base = vs_realtime_base_new();
    double started = vs_wall_s();
    snapshot_hook hook = {sim, end, o->supervisor, started, sim->progress, sim->progress_ctx};
    if (o->supervisor) { /* the plugins are in: snapshots are due from an interval on */
        vs_supervisor_began(o->supervisor);
        sim->progress = progress_and_snapshot;
        sim->progress_ctx = &hook;
    }
    int rc = run_guarded(sim, plugins, end);
    sim->progress = hook.progress; /* the hook's frame ends here */
    sim->progress_ctx = hook.progress_ctx;
    end->wall_time_s = vs_wall_s() - started;
    if (sim->progress)
        fprintf(stderr, "\r\033[K");
    vs_sim_violations_summary(sim); /* after the unload's leak checks, before the summary */
    if (end->interrupted)
        fprintf(stderr, "vswitchsim: interrupted at %.9f s simulated; the report covers what ran\n",
                (double)vs_sim_now(sim) / 1e9);
    vs_kernel_bind(NULL);
    vs_sim_release(sim); /* the report's tree takes the model's place: a lower peak */
    json_t *report = rc == 0 ? build_report(cfg, sim, end) : NULL;
    if (!report)
        fprintf(stderr, "vswitchsim: out of memory\n");
    if (own_base) { /* the real-time clock's, when --listen did not make one */
        sim->evbase = NULL;
        event_base_free(own_base);
    }
    return report;
}

json_t *vs_run_simulate(const vs_config *cfg, const vs_run_options *o, vs_run_end *end,
                        int *exit_code)
{
    char err[VS_ERROR_MAX];
    vs_sim *sim = vs_sim_new(cfg);
    if (!sim)
        return fprintf(stderr, "vswitchsim: out of memory\n"), NULL;
    vs_server *server = NULL; /* --listen: serves between sub-slices of the run */
    if (o->listen_host && !(server = vs_server_start(sim, o->listen_host, o->listen_port, err))) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        vs_sim_free(sim);
        return NULL;
    }
    sim->crumb = o->supervisor ? vs_supervisor_crumb(o->supervisor) : NULL;
    sim->verbosity = o->verbose ? 3 : 1;
    sim->stop = o->stop;
    sim->progress = o->progress;
    sim->progress_ctx = o->progress_ctx;
    sim->trace = o->trace;
    sim->trace_ctx = o->trace_ctx;
    sim->timeline = o->timeline;
    sim->timeline_ctx = o->timeline_ctx;
    json_t *report = run_attached(sim, o, end, exit_code);
    vs_server_finish(server, o->linger);
    vs_server_free(server);
    vs_sim_free(sim);
    return report;
}

json_t *vs_run_report_unstarted(const vs_config *cfg)
{
    vs_sim *sim = vs_sim_new(cfg);
    if (!sim)
        return NULL;
    vs_run_end end = {0};
    json_t *report = vs_sim_collect(sim) == 0 ? build_report(cfg, sim, &end) : NULL;
    vs_sim_free(sim);
    return report;
}

int vs_run_verdict(json_t *report, const vs_config *cfg, const vs_run_end *end)
{
    int breached = vs_report_eval_slos(report, cfg);
    /* The total, not the array: that keeps only each rule's first violations. */
    uint64_t violations = vs_report_violations(report);
    if (end->guard.first.signal)
        return VS_EXIT_BREACH; /* a callout bug, even if the run was also interrupted */
    if (end->interrupted)
        return VS_EXIT_FAILURE;
    return breached || violations ? VS_EXIT_BREACH : VS_EXIT_OK;
}
