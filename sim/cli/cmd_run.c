/*
 * cmd_run.c: `vswitchsim run`: load the scenario and its plugins, run, report, and
 * turn SLO verdicts, verifier findings, a signal or a crashed callout into the exit code.
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cli/cli.h"
#include "model/realtime.h"
#include "model/sim.h"
#include "plugin/guard.h"
#include "plugin/instance.h"
#include "plugin/loader.h"
#include "report/report.h"
#include "server/server.h"

typedef struct run_args {
    vs_load_args load;
    const char *scenario;
    const char *json_path, *csv_path, *html_path, *bench_path;
    double callback_timeout; /* wall seconds; 0: none */
    int clock;               /* --clock: -1 as the scenario says, 0 virtual, 1 realtime */
    double speed;            /* --speed: 0 as the scenario says */
    bool quiet, verbose;
    const char *listen; /* --listen [ADDR:]PORT: live metrics over HTTP (sim/server) */
    bool listen_any;    /* --listen-any: a non-loopback address is allowed */
    double linger;      /* --linger SECONDS: keep serving after the run */
    char listen_host[64];
    uint16_t listen_port;
} run_args;

typedef struct progress_state {
    double started, last;
} progress_state;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line on a terminal, rewritten a few times a second. */
static void show_progress(void *ctx, vs_time_t now, vs_time_t end, uint64_t events)
{
    progress_state *ps = ctx;
    double t = wall_now();
    if (t - ps->last < 0.25)
        return;
    ps->last = t;
    double rate = (double)events / (t - ps->started) / 1e6;
    if (now >= end) {
        fprintf(stderr, "\r\033[K%.3f s simulated  draining in-flight work  %.2f M events/s",
                (double)now / 1e9, rate);
        return;
    }
    double frac = (double)now / (double)end;
    double eta = frac > 0 ? (t - ps->started) * (1 - frac) / frac : 0;
    fprintf(stderr, "\r\033[K%.3f s simulated  %5.1f%%  %.2f M events/s  ETA %.0f s",
            (double)now / 1e9, frac * 100, rate, eta);
}

static int parse_args(run_args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int took = vs_cli_take_load_option(&a->load, argc, argv, &i);
        if (took < 0)
            return -1;
        if (took)
            continue;
        if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            a->json_path = argv[++i];
        else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
            a->csv_path = argv[++i];
        else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc)
            a->html_path = argv[++i];
        else if (strcmp(argv[i], "--bench-json") == 0 && i + 1 < argc)
            a->bench_path = argv[++i];
        else if (strcmp(argv[i], "--callback-timeout") == 0 && i + 1 < argc) {
            char *end;
            a->callback_timeout = strtod(argv[++i], &end);
            if (*end != '\0' || !isfinite(a->callback_timeout) || a->callback_timeout <= 0 ||
                a->callback_timeout > 1e6)
                return vs_cli_usage_error("run: --callback-timeout wants seconds > 0, got %s",
                                          argv[i]), -1;
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
            a->listen = argv[++i];
        else if (strcmp(argv[i], "--listen-any") == 0)
            a->listen_any = true;
        else if (strcmp(argv[i], "--linger") == 0 && i + 1 < argc) {
            char *end;
            a->linger = strtod(argv[++i], &end);
            if (*end != '\0' || !isfinite(a->linger) || a->linger < 0 || a->linger > 86400)
                return vs_cli_usage_error("run: --linger wants seconds >= 0, got %s", argv[i]), -1;
        } else if (strcmp(argv[i], "--clock") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "virtual") != 0 && strcmp(argv[i], "realtime") != 0)
                return vs_cli_usage_error("run: --clock wants virtual or realtime, got %s",
                                          argv[i]), -1;
            a->clock = strcmp(argv[i], "realtime") == 0;
        } else if (strcmp(argv[i], "--speed") == 0 && i + 1 < argc) {
            char *end;
            a->speed = strtod(argv[++i], &end);
            if (*end != '\0' || !isfinite(a->speed) || a->speed <= 0 || a->speed > 1e6)
                return vs_cli_usage_error("run: --speed wants a number in (0, 1e6], got %s",
                                          argv[i]), -1;
        } else if (strcmp(argv[i], "--quiet") == 0)
            a->quiet = true;
        else if (strcmp(argv[i], "--verbose") == 0)
            a->verbose = true;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return vs_cli_usage_error("run: unknown option %s", argv[i]), -1;
        else if (!a->scenario)
            a->scenario = argv[i];
        else
            return vs_cli_usage_error("run: more than one scenario (%s)", argv[i]), -1;
    }
    char err[VS_ERROR_MAX];
    if (a->listen && vs_server_parse_listen(a->listen, a->listen_any, a->listen_host,
                                            &a->listen_port, err) != 0)
        return vs_cli_usage_error("run: %s", err), -1;
    if ((a->listen_any || a->linger > 0) && !a->listen)
        return vs_cli_usage_error("run: --listen-any and --linger go with --listen"), -1;
    vs_cli_finish_load_args(&a->load);
    if (!a->scenario)
        a->scenario = vs_scenario_default_path();
    return 0;
}

/* How the run ended, for the report and the exit code. */
typedef struct run_end {
    vs_guard guard;  /* guard.first.signal: a callout crashed */
    bool interrupted;
} run_end;

/* One line on stderr naming the callout that crashed and what was in flight. */
static void print_crash(const vs_sim *sim, const vs_crash *c)
{
    const char *plugin = sim->cfg->plugins[sim->instances[c->instance].plugin].name;
    if (sim->progress)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "vswitchsim: callout crashed: plugin \"%s\" in its %s callback: %s at %.9f s "
            "simulated (%lld pending completions, %lld migrations in flight); the run stops "
            "here and the report covers what ran\n", plugin, c->what,
            vs_guard_signal_name(c->signal), (double)c->sim_time / 1e9,
            (long long)sim->stats.pending.total.level,
            (long long)sim->stats.migrations_in_flight.total.level);
}

/* Runs the model under the crash guard. A crashing callout lands back at the recovery
 * point (guard.c), once for the run and once more per crash in an unload: the run is
 * not resumed (its state is not to be trusted), the crashed plugin is quarantined (none
 * of its code runs again, not even its unload), the others are unloaded as usual. */
static int run_guarded(vs_sim *sim, vs_plugin_set *plugins, run_end *end)
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

/* Runs the model with its plugins attached; the report is built after they unloaded,
 * so leaks found at unload are in it. */
static json_t *simulate(const vs_config *cfg, const run_args *a, run_end *end, int *exit_code)
{
    char err[VS_ERROR_MAX];
    vs_sim *sim = vs_sim_new(cfg);
    if (!sim)
        return fprintf(stderr, "vswitchsim: out of memory\n"), NULL;
    vs_server *server = NULL; /* --listen: serves between sub-slices of the run */
    if (a->listen && !(server = vs_server_start(sim, a->listen_host, a->listen_port, err))) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        vs_sim_free(sim);
        return NULL;
    }
    sim->verbosity = a->verbose ? 3 : 1;
    sim->stop = vs_cli_catch_stop_signals();
    if (vs_guard_install() != 0 || vs_guard_arm(&end->guard, sim, a->callback_timeout) != 0) {
        perror("vswitchsim: installing the crash guard");
        vs_server_free(server);
        vs_sim_free(sim);
        return NULL;
    }
    vs_plugin_set *plugins = vs_plugins_attach(sim, err);
    if (!plugins) {
        vs_guard_disarm(&end->guard);
        fprintf(stderr, "vswitchsim: %s\n", err);
        *exit_code = VS_EXIT_BAD_INPUT;
        vs_fwps_bind(NULL);
        vs_server_free(server);
        vs_sim_free(sim);
        return NULL;
    }
    /* The real-time clock's loop; --listen may have made the base already: shared. */
    struct event_base *own_base = NULL;
    if (cfg->run.realtime && !sim->evbase)
        sim->evbase = own_base = vs_realtime_base_new();
    progress_state ps = {wall_now(), wall_now()};
    if (!a->quiet && isatty(STDERR_FILENO)) {
        sim->progress = show_progress;
        sim->progress_ctx = &ps;
    }
    int rc = run_guarded(sim, plugins, end);
    if (sim->progress)
        fprintf(stderr, "\r\033[K");
    if (end->interrupted)
        fprintf(stderr, "vswitchsim: interrupted at %.9f s simulated; the report covers what ran\n",
                (double)vs_sim_now(sim) / 1e9);
    vs_fwps_bind(NULL);
    const vs_crash *c = &end->guard.first;
    vs_run_info info = {.sim_time_ns = vs_sim_now(sim),
                        .events = vs_engine_events_run(sim->engine),
                        .wall_time_s = wall_now() - ps.started,
                        .interrupted = end->interrupted};
    if (c->signal) {
        info.crashed.plugin = cfg->plugins[sim->instances[c->instance].plugin].name;
        info.crashed.callback = c->what;
        info.crashed.signal = vs_guard_signal_name(c->signal);
        info.crashed.sim_time_ns = c->sim_time;
    }
    json_t *report = rc == 0 ? vs_report_build(cfg, &sim->stats, &info) : NULL;
    if (!report)
        fprintf(stderr, "vswitchsim: out of memory\n");
    vs_server_finish(server, a->linger);
    vs_server_free(server);
    if (own_base) { /* the real-time clock's, when --listen did not make one */
        sim->evbase = NULL;
        event_base_free(own_base);
    }
    vs_sim_free(sim);
    return report;
}

static int emit(json_t *report, const vs_config *cfg, const run_args *a, const run_end *end)
{
    char err[VS_ERROR_MAX];
    int breached = vs_report_eval_slos(report, cfg);
    size_t violations =
        json_array_size(json_object_get(json_object_get(report, "verifier"), "violations"));
    bool json_on_stdout = a->json_path && strcmp(a->json_path, "-") == 0;
    if (!a->quiet)
        vs_report_print_table(json_on_stdout ? stderr : stdout, report);
    if ((a->json_path && vs_report_write_json(report, a->json_path, err) != 0) ||
        (a->csv_path && vs_report_write_csv(report, a->csv_path, err) != 0) ||
        (a->html_path && vs_report_write_html(report, a->html_path, err) != 0) ||
        (a->bench_path && vs_report_write_bench(report, a->bench_path, err) != 0)) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return VS_EXIT_FAILURE;
    }
    if (end->guard.first.signal)
        return VS_EXIT_BREACH; /* a callout bug, even if the run was also interrupted */
    if (end->interrupted)
        return VS_EXIT_FAILURE;
    return breached || violations ? VS_EXIT_BREACH : VS_EXIT_OK;
}

int vs_cmd_run(int argc, char **argv)
{
    run_args a = {.clock = -1};
    char err[VS_ERROR_MAX];
    vs_config cfg;
    int code = VS_EXIT_BAD_INPUT;
    if (parse_args(&a, argc, argv) != 0)
        goto out;
    if (vs_scenario_load(a.scenario, &a.load.opts, &cfg, err) != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        goto out;
    }
    if (a.clock >= 0) /* --clock and --speed override run.clock and run.speed */
        cfg.run.realtime = a.clock == 1;
    if (a.speed > 0)
        cfg.run.speed = a.speed;
    code = VS_EXIT_FAILURE;
    run_end end = {0};
    json_t *report = simulate(&cfg, &a, &end, &code);
    if (report)
        code = emit(report, &cfg, &a, &end);
    json_decref(report);
    vs_config_close(&cfg);
out:
    vs_cli_free_load_args(&a.load);
    return code;
}
