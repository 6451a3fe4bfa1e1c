/*
 * cmd_run.c: `vswitchsim run`: load the scenario and its plugins, run, report, and
 * turn SLO verdicts, verifier findings, a signal or a crashed callout into the exit code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "report/report.h"
#include "report/trace.h"
#include "runner/runner.h"
#include "server/server.h"
#include "supervisor/supervisor.h"

typedef struct run_args {
    vs_load_args load;
    const char *scenario;
    const char *json_path, *csv_path, *html_path, *bench_path, *trace_path;
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

/* One line on a terminal, rewritten a few times a second. */
static void show_progress(void *ctx, vs_time_t now, vs_time_t end, uint64_t events)
{
    progress_state *ps = ctx;
    double t = vs_wall_s();
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

static bool is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
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
        else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc)
            a->trace_path = argv[++i];
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
    if (is_stdout(a->json_path) && is_stdout(a->trace_path))
        return vs_cli_usage_error("run: --json - and --trace - cannot both write to stdout"), -1;
    vs_cli_finish_load_args(&a->load);
    if (!a->scenario)
        a->scenario = vs_scenario_default_path();
    return 0;
}

/* Runs the scenario with the command line's options: a progress line on a terminal,
 * --listen, --callback-timeout, --trace (trace: NULL for none). */
static json_t *simulate(const vs_config *cfg, const run_args *a, vs_trace_file *trace,
                        vs_supervisor *sup, vs_run_end *end, int *exit_code)
{
    progress_state ps = {vs_wall_s(), vs_wall_s()};
    vs_run_options o = {.callback_timeout = a->callback_timeout,
                        .verbose = a->verbose,
                        .stop = vs_cli_catch_stop_signals(),
                        .listen_host = a->listen ? a->listen_host : NULL,
                        .listen_port = a->listen_port,
                        .linger = a->linger,
                        .trace = trace ? vs_trace_file_record : NULL,
                        .trace_ctx = trace,
                        .supervisor = sup};
    if (!a->quiet && isatty(STDERR_FILENO)) {
        o.progress = show_progress;
        o.progress_ctx = &ps;
    }
    return vs_run_simulate(cfg, &o, end, exit_code);
}

/* The summary table and every requested file, of `report`: 0, or -1 with a line on
 * stderr. */
static int write_outputs(json_t *report, const run_args *a)
{
    char err[VS_ERROR_MAX];
    if (!a->quiet) /* stdout may be taken by the JSON report or the trace */
        vs_report_print_table(is_stdout(a->json_path) || is_stdout(a->trace_path) ? stderr : stdout,
                              report);
    if ((a->json_path && vs_report_write_json(report, a->json_path, err) != 0) ||
        (a->csv_path && vs_report_write_csv(report, a->csv_path, err) != 0) ||
        (a->html_path && vs_report_write_html(report, a->html_path, err) != 0) ||
        (a->bench_path && vs_report_write_bench(report, a->bench_path, err) != 0)) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return -1;
    }
    return 0;
}

/* Writes every requested output for what ran; the trace, written as the run went, is
 * finished (renamed into place) first, and on stdout it comes before anything else. */
static int emit(json_t *report, const vs_config *cfg, const run_args *a, const vs_run_end *end,
                vs_trace_file *trace)
{
    char err[VS_ERROR_MAX];
    int code = vs_run_verdict(report, cfg, end);
    /* jansson may have dropped a member of the report for want of memory: no output. */
    if (vs_json_alloc_failures() != 0) {
        vs_trace_file_discard(trace);
        fprintf(stderr, "vswitchsim: out of memory\n");
        return VS_EXIT_FAILURE;
    }
    if (vs_trace_file_finish(trace, err) != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return VS_EXIT_FAILURE;
    }
    return write_outputs(report, a) == 0 ? code : VS_EXIT_FAILURE;
}

/* The scenario with the command line's overrides: vs_scenario_load's result. */
static int load_config(const run_args *a, vs_config *cfg, char err[VS_ERROR_MAX])
{
    int loaded = vs_scenario_load(a->scenario, &a->load.opts, cfg, err);
    if (loaded != 0)
        return loaded;
    if (a->clock >= 0) /* --clock and --speed override run.clock and run.speed */
        cfg->run.realtime = a->clock == 1;
    if (a->speed > 0)
        cfg->run.speed = a->speed;
    return 0;
}

/* The work of `run`: load the scenario, simulate, write what was asked for. sup: the
 * supervisor of this child, NULL unsupervised. Takes the trace. */
static int load_run_emit(run_args *a, vs_trace_file *trace, vs_supervisor *sup)
{
    char err[VS_ERROR_MAX];
    vs_config cfg;
    int loaded = load_config(a, &cfg, err);
    if (loaded != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        vs_trace_file_discard(trace);
        return loaded == VS_SCENARIO_OOM ? VS_EXIT_FAILURE : VS_EXIT_BAD_INPUT;
    }
    vs_supervisor_know_plugins(sup, &cfg);
    int code = VS_EXIT_FAILURE;
    vs_run_end end = {0};
    json_t *report = simulate(&cfg, a, trace, sup, &end, &code);
    if (report)
        code = emit(report, &cfg, a, &end, trace);
    else /* no report of what ran (a plugin did not load): no trace of it either */
        vs_trace_file_discard(trace);
    json_decref(report);
    vs_config_close(&cfg);
    return code;
}

/* The last snapshot, as the report of a run whose process died: who crashed, and that
 * its numbers are as of the snapshot. */
static void mark_died(json_t *report, const vs_child_end *end, const char *plugin)
{
    char why[32];
    json_object_set_new(report, "crashed",
                        json_pack("{s:s?, s:s, s:s, s:I, s:b}", "plugin", plugin, "callback",
                                  end->crumb.what ? end->crumb.what : "callback", "signal",
                                  vs_supervisor_cause(end, why), "sim_time_ns",
                                  (json_int_t)end->crumb.at, "outside_callout",
                                  !end->crumb.active));
    json_object_set_new(report, "snapshot", json_true());
}

/* The report of a run that died before its first snapshot: the scenario as it began,
 * made here, the same as the child would have made it. NULL if the scenario no longer
 * loads (changed since) or out of memory. */
static json_t *report_unstarted(const run_args *a)
{
    char err[VS_ERROR_MAX];
    vs_config cfg;
    if (load_config(a, &cfg, err) != 0)
        return NULL;
    json_t *report = vs_run_report_unstarted(&cfg);
    vs_config_close(&cfg);
    return report;
}

/* The parent of a supervised run, once the child has ended: the child's exit code; or,
 * if it died, one line and the report of what ran as far as its last snapshot. */
static int after_child(vs_supervisor *sup, const run_args *a, vs_trace_file *trace)
{
    vs_child_end end;
    vs_supervisor_end(sup, &end);
    if (end.finished) {
        vs_trace_file_forget(trace);
        vs_supervisor_exit_as_child(sup, &end); /* no return */
    }
    vs_trace_file_discard(trace); /* the child did not finish it: half a trace */
    if (end.stopped)
        vs_supervisor_die_like_child(&end);
    const char *plugin = end.crumb.runs ? vs_supervisor_plugin_name(sup, end.crumb.plugin) : NULL;
    json_t *report = vs_supervisor_last_snapshot(sup);
    char after[160] = "; no report: it died before the run began";
    if (report)
        snprintf(after, sizeof after, "; the report covers what ran until its last snapshot, "
                 "at %.3f s simulated", (double)end.snapshot_at / 1e9);
    else if (end.began && (report = report_unstarted(a)))
        snprintf(after, sizeof after, "; it died before its first snapshot (one per wall "
                 "second), so the report has the run as it began, nothing counted");
    int code = vs_supervisor_say_death(&end, plugin, after);
    if (!report)
        return code;
    mark_died(report, &end, plugin);
    int written = write_outputs(report, a);
    json_decref(report);
    return written == 0 ? code : VS_EXIT_FAILURE;
}

/* The work runs in a child process forked before anything is loaded: the fork is cheap
 * while the process is small, and the child then pays for its own page faults alone. */
int vs_cmd_run(int argc, char **argv)
{
    run_args a = {.clock = -1};
    char err[VS_ERROR_MAX];
    int code = VS_EXIT_BAD_INPUT;
    if (parse_args(&a, argc, argv) != 0)
        goto out;
    /* The trace is written while the run goes: a file that cannot be made stops it
     * before it starts. Made here, so that the parent can remove it after a death. */
    vs_trace_file *trace = NULL;
    if (a.trace_path && !(trace = vs_trace_file_new(a.trace_path, err))) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        goto out;
    }
    vs_supervisor sup;
    switch (vs_supervisor_start(&sup)) {
    case VS_SUPERVISED_PARENT:
        code = after_child(&sup, &a, trace);
        break;
    case VS_SUPERVISED_CHILD:
        code = load_run_emit(&a, trace, &sup);
        vs_supervisor_child_done(&sup, code);
        break;
    case VS_UNSUPERVISED:
        code = load_run_emit(&a, trace, NULL);
        break;
    }
    vs_supervisor_close(&sup);
out:
    vs_cli_free_load_args(&a.load);
    return code;
}
