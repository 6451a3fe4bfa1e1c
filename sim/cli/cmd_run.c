/*
 * cmd_run.c: `vswitchsim run`: load the scenario and its plugins, run, report, and
 * turn SLO verdicts, verifier findings, a signal or a crashed callout into the exit code.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "cli/load_options.h"
#include "report/report.h"
#include "report/timeline.h"
#include "report/trace.h"
#include "runner/runner.h"
#include "server/server.h"
#include "supervisor/supervisor.h"

typedef struct run_args {
    vs_load_args load;
    const char *scenario;
    const char *json_path, *csv_path, *html_path, *bench_path, *trace_path;
    const char *timeline_path;    /* --timeline: Chrome trace-event JSON (report/timeline.h) */
    unsigned timeline_max_events; /* --timeline-max-events; 0: the default */
    double callback_timeout;      /* wall seconds; 0: none */
    int clock;                    /* --clock: -1 as the scenario says, 0 virtual, 1 realtime */
    double speed;                 /* --speed: 0 as the scenario says */
    bool quiet, verbose;
    const char *listen; /* --listen [ADDR:]PORT: live metrics over HTTP (sim/server) */
    bool listen_any;    /* --listen-any: a non-loopback address is allowed */
    double linger;      /* --linger SECONDS: keep serving after the run */
    char listen_host[64];
    uint16_t listen_port;
} run_args;

/* The files written while the run goes (NULL: not asked for). */
typedef struct run_files {
    vs_trace_file *trace;
    vs_timeline *timeline;
} run_files;

/* sim->trace with both --trace and --timeline: each gets every record. */
static void record_both(void *ctx, const vs_trace_record *rec)
{
    const run_files *f = ctx;
    vs_trace_file_record(f->trace, rec);
    vs_timeline_record(f->timeline, rec);
}

static void discard_files(const run_files *f)
{
    vs_trace_file_discard(f->trace);
    vs_timeline_discard(f->timeline);
}

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

/* --clock virtual|realtime: over the scenario's run.clock. */
static int take_clock(void *dest, const char *cmd, const char *opt, const char *val)
{
    run_args *a = dest;
    if (strcmp(val, "virtual") != 0 && strcmp(val, "realtime") != 0)
        return vs_cli_usage_error("%s: %s wants virtual or realtime, got %s", cmd, opt, val), -1;
    a->clock = strcmp(val, "realtime") == 0;
    return 0;
}

static const vs_cli_option run_options[] = {
    {.name = "--json",
     .kind = VS_CLI_STRING,
     .metavar = "FILE|-",
     .help = "the report as JSON",
     .offset = offsetof(run_args, json_path)},
    {.name = "--csv",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the report as CSV",
     .offset = offsetof(run_args, csv_path)},
    {.name = "--html",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the report as HTML",
     .offset = offsetof(run_args, html_path)},
    {.name = "--bench-json",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the numbers a benchmark tracks",
     .offset = offsetof(run_args, bench_path)},
    {.name = "--trace",
     .kind = VS_CLI_STRING,
     .metavar = "FILE|-",
     .help = "every callout call, as the run goes",
     .offset = offsetof(run_args, trace_path)},
    {.name = "--timeline",
     .kind = VS_CLI_STRING,
     .metavar = "FILE|-",
     .help = "the run for Perfetto or chrome://tracing",
     .offset = offsetof(run_args, timeline_path)},
    {.name = "--timeline-max-events",
     .kind = VS_CLI_NUMBER,
     .metavar = "N",
     .help = "cap of --timeline (default 1000000)",
     .offset = offsetof(run_args, timeline_max_events),
     .lo = 1,
     .hi = 1e9,
     .integer = true},
    {.name = "--callback-timeout",
     .kind = VS_CLI_NUMBER,
     .metavar = "SECONDS",
     .help = "a callout running longer (wall time) is a hang",
     .offset = offsetof(run_args, callback_timeout),
     .lo = 0,
     .lo_open = true,
     .hi = 1e6,
     .wants = "seconds > 0"},
    {.name = "--listen",
     .kind = VS_CLI_STRING,
     .metavar = "[ADDR:]PORT",
     .help = "live metrics over HTTP",
     .offset = offsetof(run_args, listen)},
    {.name = "--listen-any",
     .kind = VS_CLI_FLAG,
     .help = "allow a non-loopback --listen",
     .offset = offsetof(run_args, listen_any)},
    {.name = "--linger",
     .kind = VS_CLI_NUMBER,
     .metavar = "SECONDS",
     .help = "keep serving --listen after the run",
     .offset = offsetof(run_args, linger),
     .lo = 0,
     .hi = 86400,
     .wants = "seconds >= 0"},
    {.name = "--clock",
     .kind = VS_CLI_CALL,
     .metavar = "virtual|realtime",
     .take = take_clock,
     .call_takes_value = true,
     .help = "the scenario's run.clock, overridden"},
    {.name = "--speed",
     .kind = VS_CLI_NUMBER,
     .metavar = "X",
     .help = "realtime: simulated seconds per wall second",
     .offset = offsetof(run_args, speed),
     .lo = 0,
     .lo_open = true,
     .hi = 1e6,
     .wants = "a number in (0, 1e6]"},
    {.name = "--quiet",
     .kind = VS_CLI_FLAG,
     .help = "no table, no progress",
     .offset = offsetof(run_args, quiet)},
    {.name = "--verbose",
     .kind = VS_CLI_FLAG,
     .help = "the plugins' log lines on stderr",
     .offset = offsetof(run_args, verbose)},
    {0},
};

static const vs_cli_table run_table = {run_options, VS_CLI_NEEDS_AS_UNKNOWN};

static const vs_cli_table *const run_tables[] = {&vs_cli_load_table, &run_table, NULL};

const vs_cli_command vs_cli_run_command = {
    .name = "run",
    .positional = "scenario",
    .operand = "[SCENARIO.json]",
    .summary = "Runs a scenario and reports what its callouts did.",
    .about = "Without SCENARIO.json it runs the default scenario (quickstart.json). The summary\n"
             "table goes to stdout; --json, --csv and --html write the report as files (\"-\" is\n"
             "stdout). The exit code says whether every SLO held (0) or not (3).",
    .tables = run_tables,
    .main = vs_cmd_run};

/* 0, VS_CLI_HELP, or -1 after a usage error. */
static int parse_args(run_args *a, int argc, char **argv)
{
    vs_cli_part parts[] = {{&vs_cli_load_table, &a->load}, {&run_table, a}};
    int parsed = vs_cli_parse(&vs_cli_run_command, parts, 2, argc, argv, &a->scenario);
    if (parsed != 0)
        return parsed;
    char err[VS_ERROR_MAX];
    if (a->listen &&
        vs_server_parse_listen(a->listen, a->listen_any, a->listen_host, &a->listen_port, err) != 0)
        return vs_cli_usage_error("run: %s", err), -1;
    if ((a->listen_any || a->linger > 0) && !a->listen)
        return vs_cli_usage_error("run: --listen-any and --linger go with --listen"), -1;
    if (is_stdout(a->json_path) && is_stdout(a->trace_path))
        return vs_cli_usage_error("run: --json - and --trace - cannot both write to stdout"), -1;
    if (is_stdout(a->timeline_path) && (is_stdout(a->json_path) || is_stdout(a->trace_path)))
        return vs_cli_usage_error("run: --timeline - cannot share stdout with --json - or "
                                  "--trace -"),
               -1;
    if (a->timeline_max_events && !a->timeline_path)
        return vs_cli_usage_error("run: --timeline-max-events goes with --timeline"), -1;
    vs_cli_finish_load_args(&a->load);
    if (!a->scenario)
        a->scenario = vs_scenario_default_path();
    return 0;
}

/* Runs the scenario with the command line's options: a progress line on a terminal,
 * --listen, --callback-timeout, --trace and --timeline. */
static json_t *simulate(const vs_config *cfg, const run_args *a, const run_files *files,
                        vs_supervisor *sup, vs_run_end *end, int *exit_code)
{
    vs_trace_file *trace = files->trace;
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
    if (files->timeline) {
        o.trace = trace ? record_both : vs_timeline_record;
        o.trace_ctx = trace ? (void *)files : files->timeline;
        o.timeline = vs_timeline_note;
        o.timeline_ctx = files->timeline;
    }
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
        vs_report_print_table(is_stdout(a->json_path) || is_stdout(a->trace_path) ||
                                      is_stdout(a->timeline_path)
                                  ? stderr
                                  : stdout,
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

/* The timeline, written and renamed into place; a line on stderr when its cap left
 * part of the run out. 0, or -1 with a line on stderr. */
static int finish_timeline(vs_timeline *tl, const run_args *a)
{
    char err[VS_ERROR_MAX];
    vs_time_t capped_at;
    if (vs_timeline_finish(tl, &capped_at, err) != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return -1;
    }
    if (capped_at != UINT64_MAX)
        fprintf(stderr,
                "vswitchsim: %s: %u events, the cap: what ended after %.6f s simulated is left "
                "out (--timeline-max-events)\n",
                a->timeline_path,
                a->timeline_max_events ? a->timeline_max_events : VS_TIMELINE_MAX_EVENTS_DEFAULT,
                (double)capped_at / 1e9);
    return 0;
}

/* Writes every requested output for what ran; the trace and the timeline are finished
 * (renamed into place) first, and on stdout they come before anything else. */
static int emit(json_t *report, const vs_config *cfg, const run_args *a, const vs_run_end *end,
                const run_files *files)
{
    vs_trace_file *trace = files->trace;
    char err[VS_ERROR_MAX];
    int code = vs_run_verdict(report, cfg, end);
    /* jansson may have dropped a member of the report for want of memory: no output. */
    if (vs_json_alloc_failures() != 0) {
        discard_files(files);
        fprintf(stderr, "vswitchsim: out of memory\n");
        return VS_EXIT_FAILURE;
    }
    if (vs_trace_file_finish(trace, err) != 0) {
        vs_timeline_discard(files->timeline);
        fprintf(stderr, "vswitchsim: %s\n", err);
        return VS_EXIT_FAILURE;
    }
    if (finish_timeline(files->timeline, a) != 0)
        return VS_EXIT_FAILURE;
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
 * supervisor of this child, NULL unsupervised. Takes the files. */
static int load_run_emit(run_args *a, const run_files *files, vs_supervisor *sup)
{
    char err[VS_ERROR_MAX];
    vs_config cfg;
    int loaded = load_config(a, &cfg, err);
    if (loaded != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        discard_files(files);
        return loaded == VS_SCENARIO_OOM ? VS_EXIT_FAILURE : VS_EXIT_BAD_INPUT;
    }
    vs_supervisor_know_plugins(sup, &cfg);
    int code = VS_EXIT_FAILURE;
    vs_run_end end = {0};
    json_t *report = simulate(&cfg, a, files, sup, &end, &code);
    if (report)
        code = emit(report, &cfg, a, &end, files);
    else /* no report of what ran (a plugin did not load): no trace of it either */
        discard_files(files);
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
                        /* clang-format off */
                        json_pack("{s:s?, s:s, s:s, s:I, s:b}", "plugin", plugin, "callback",
                                  end->crumb.what ? end->crumb.what : "callback", "signal",
                                  vs_supervisor_cause(end, why), "sim_time_ns",
                                  (json_int_t)end->crumb.at, "outside_callout",
                                  !end->crumb.active));
    /* clang-format on */
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
static int after_child(vs_supervisor *sup, const run_args *a, const run_files *files)
{
    vs_child_end end;
    vs_supervisor_end(sup, &end);
    if (end.finished) {
        vs_trace_file_forget(files->trace);
        vs_timeline_forget(files->timeline);
        vs_supervisor_exit_as_child(sup, &end); /* no return */
    }
    discard_files(files); /* the child did not finish them: half a trace */
    if (end.stopped)
        vs_supervisor_die_like_child(&end);
    const char *plugin = end.crumb.runs ? vs_supervisor_plugin_name(sup, end.crumb.plugin) : NULL;
    json_t *report = vs_supervisor_last_snapshot(sup);
    char after[160] = "; no report: it died before the run began";
    if (report)
        snprintf(after, sizeof after,
                 "; the report covers what ran until its last snapshot, "
                 "at %.3f s simulated",
                 (double)end.snapshot_at / 1e9);
    else if (end.began && (report = report_unstarted(a)))
        snprintf(after, sizeof after,
                 "; it died before its first snapshot (one per wall "
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
    int parsed = parse_args(&a, argc, argv);
    if (parsed == VS_CLI_HELP)
        code = VS_EXIT_OK;
    if (parsed != 0)
        goto out;
    /* The trace is written while the run goes: a file that cannot be made stops it
     * before it starts. Made here, so that the parent can remove it after a death. */
    run_files files = {0};
    if ((a.trace_path && !(files.trace = vs_trace_file_new(a.trace_path, err))) ||
        (a.timeline_path &&
         !(files.timeline = vs_timeline_new(a.timeline_path,
                                            a.timeline_max_events ? a.timeline_max_events
                                                                  : VS_TIMELINE_MAX_EVENTS_DEFAULT,
                                            err)))) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        vs_trace_file_discard(files.trace);
        goto out;
    }
    vs_supervisor sup;
    switch (vs_supervisor_start(&sup)) {
    case VS_SUPERVISED_PARENT:
        code = after_child(&sup, &a, &files);
        break;
    case VS_SUPERVISED_CHILD:
        code = load_run_emit(&a, &files, &sup);
        vs_supervisor_child_done(&sup, code);
        break;
    case VS_UNSUPERVISED:
        code = load_run_emit(&a, &files, NULL);
        break;
    }
    vs_supervisor_close(&sup);
out:
    vs_cli_free_load_args(&a.load);
    return code;
}
