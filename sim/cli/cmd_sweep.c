/*
 * cmd_sweep.c: `vswitchsim sweep`: its options; the sweep itself is sweep/sweep_driver.c.
 */
#include <stddef.h>
#include <string.h>

#include "cli/batch_options.h"
#include "cli/cli.h"
#include "cli/load_options.h"
#include "config/metric_names.h"
#include "sweep/sweep_driver.h"

/* --metric: a metric the report has, checked before anything runs. */
static int take_metric(void *dest, const char *cmd, const char *opt, const char *val)
{
    vs_sweep_args *a = dest;
    if (!vs_metric_known(val))
        return vs_cli_usage_error("%s: %s %s: not a report metric (see docs/report.md)", cmd, opt,
                                  val),
               -1;
    if (a->nmetrics == VS_SWEEP_MAX_METRICS)
        return vs_cli_usage_error("%s: at most %d %s", cmd, VS_SWEEP_MAX_METRICS, opt), -1;
    a->metrics[a->nmetrics++] = val;
    return 0;
}

static const vs_cli_option sweep_options[] = {
    {.name = "--param",
     .kind = VS_CLI_LIST,
     .metavar = "KEY=V1,V2,...|KEY=A..B[:+S|:xF]",
     .help = "an axis of the grid (repeatable)",
     .offset = offsetof(vs_sweep_args, params),
     .count_offset = offsetof(vs_sweep_args, nparams),
     .max = VS_SWEEP_MAX_PARAMS},
    {.name = "--metric",
     .kind = VS_CLI_CALL,
     .metavar = "PATH",
     .take = take_metric,
     .call_takes_value = true,
     .repeats = true,
     .help = "summarize this report metric too (repeatable)"},
    {.name = "--reps",
     .kind = VS_CLI_NUMBER,
     .metavar = "N",
     .help = "replications per point",
     .offset = offsetof(vs_sweep_args, reps),
     .lo = 1,
     .hi = 100000,
     .integer = true},
    {.name = "--confidence",
     .kind = VS_CLI_NUMBER,
     .metavar = "C",
     .help = "the confidence intervals' level",
     .offset = offsetof(vs_sweep_args, confidence),
     .lo = 0.5,
     .hi = 0.9999},
    {.name = "--json",
     .kind = VS_CLI_STRING,
     .metavar = "FILE|-",
     .help = "the runs and the summary, kept current",
     .offset = offsetof(vs_sweep_args, json_path)},
    {.name = "--csv",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the summary as CSV",
     .offset = offsetof(vs_sweep_args, csv_path)},
    {.name = "--html",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "a chart per metric",
     .offset = offsetof(vs_sweep_args, html_path)},
    {.name = "--resume",
     .kind = VS_CLI_FLAG,
     .help = "keep the runs --json FILE already has",
     .offset = offsetof(vs_sweep_args, resume)},
    {0},
};

static const vs_cli_table sweep_table = {sweep_options, VS_CLI_NEEDS_AS_UNKNOWN};

static const vs_cli_table *const sweep_tables[] = {&vs_cli_load_table, &vs_cli_batch_table,
                                                   &sweep_table, NULL};

const vs_cli_command vs_cli_sweep_command = {
    .name = "sweep",
    .positional = "scenario",
    .unknown_hint = true,
    .operand = "SCENARIO.json",
    .summary = "Runs a grid of parameter values, with replications, and summarizes each metric.",
    .about = "Each --param is an axis: KEY is any --set path, its values a list (V1,V2,...) or\n"
             "a range (A..B, stepped by :+S or multiplied by :xF); without --param, the\n"
             "scenario's sweep section. Each point runs --reps times on its own seeds; the\n"
             "table gives each metric's mean and confidence interval (docs/sweep.md).",
    .tables = sweep_tables,
    .main = vs_cmd_sweep};

/* 0, VS_CLI_HELP, or -1 after a usage error. */
static int parse_args(vs_sweep_args *a, vs_load_args *la, int argc, char **argv)
{
    vs_cli_part parts[] = {
        {&vs_cli_load_table, la}, {&vs_cli_batch_table, &a->b}, {&sweep_table, a}};
    int parsed = vs_cli_parse(&vs_cli_sweep_command, parts, 3, argc, argv, &a->b.scenario);
    if (parsed != 0)
        return parsed;
    vs_cli_finish_load_args(la);
    if (!a->b.scenario)
        return vs_cli_usage_error("sweep: which scenario? (vswitchsim sweep SCENARIO.json "
                                  "--param KEY=V1,V2,...)"),
               -1;
    if (a->resume && (!a->json_path || strcmp(a->json_path, "-") == 0))
        return vs_cli_usage_error("sweep: --resume needs --json FILE (the runs it keeps)"), -1;
    return 0;
}

int vs_cmd_sweep(int argc, char **argv)
{
    vs_load_args la = {0};
    vs_sweep_args a = {.b = {.load = &la.opts, .catch_stop = vs_cli_catch_stop_signals}};
    int parsed = parse_args(&a, &la, argc, argv);
    int code = parsed == VS_CLI_HELP ? VS_EXIT_OK
               : parsed != 0         ? VS_EXIT_BAD_INPUT
                                     : vs_sweep_drive(&a, &argc, &argv);
    vs_cli_free_load_args(&la);
    return code;
}
