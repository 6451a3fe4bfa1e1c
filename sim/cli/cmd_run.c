/*
 * cmd_run.c: `vswitchsim run`: load the scenario and its plugins, run, report, and
 * turn SLO verdicts and verifier findings into the exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/sim.h"
#include "plugin/instance.h"
#include "plugin/loader.h"
#include "report/report.h"

typedef struct run_args {
    vs_load_args load;
    const char *scenario;
    const char *json_path, *csv_path, *html_path, *bench_path;
    bool quiet, verbose;
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
        else if (strcmp(argv[i], "--quiet") == 0)
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
    vs_cli_finish_load_args(&a->load);
    if (!a->scenario)
        a->scenario = vs_scenario_default_path();
    return 0;
}

/* Runs the model with its plugins attached; the report is built after they unloaded,
 * so leaks found at unload are in it. */
static json_t *simulate(const vs_config *cfg, const run_args *a, int *exit_code)
{
    char err[VS_ERROR_MAX];
    vs_sim *sim = vs_sim_new(cfg);
    if (!sim)
        return fprintf(stderr, "vswitchsim: out of memory\n"), NULL;
    sim->verbosity = a->verbose ? 3 : 1;
    vs_plugin_set *plugins = vs_plugins_attach(sim, err);
    if (!plugins) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        *exit_code = VS_EXIT_BAD_INPUT;
        vs_fwps_bind(NULL);
        vs_sim_free(sim);
        return NULL;
    }
    progress_state ps = {wall_now(), wall_now()};
    if (!a->quiet && isatty(STDERR_FILENO)) {
        sim->progress = show_progress;
        sim->progress_ctx = &ps;
    }
    int rc = vs_sim_run(sim);
    if (sim->progress)
        fprintf(stderr, "\r\033[K");
    vs_plugins_detach(plugins);
    vs_fwps_bind(NULL);
    vs_run_info info = {.sim_time_ns = vs_sim_now(sim),
                        .events = vs_engine_events_run(sim->engine),
                        .wall_time_s = wall_now() - ps.started};
    json_t *report = rc == 0 ? vs_report_build(cfg, &sim->stats, &info) : NULL;
    if (!report)
        fprintf(stderr, "vswitchsim: out of memory\n");
    vs_sim_free(sim);
    return report;
}

static int emit(json_t *report, const vs_config *cfg, const run_args *a)
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
    return breached || violations ? VS_EXIT_BREACH : VS_EXIT_OK;
}

int vs_cmd_run(int argc, char **argv)
{
    run_args a = {0};
    char err[VS_ERROR_MAX];
    vs_config cfg;
    int code = VS_EXIT_BAD_INPUT;
    if (parse_args(&a, argc, argv) != 0)
        goto out;
    if (vs_scenario_load(a.scenario, &a.load.opts, &cfg, err) != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        goto out;
    }
    code = VS_EXIT_FAILURE;
    json_t *report = simulate(&cfg, &a, &code);
    if (report)
        code = emit(report, &cfg, &a);
    json_decref(report);
    vs_config_close(&cfg);
out:
    vs_cli_free_load_args(&a.load);
    return code;
}
