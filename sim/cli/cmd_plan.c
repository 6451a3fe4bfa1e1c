/*
 * cmd_plan.c: `vswitchsim plan`: its options, --slo made an override; the plan itself is
 * sweep/plan_driver.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/batch_options.h"
#include "cli/cli.h"
#include "cli/load_options.h"
#include "sweep/plan.h"
#include "sweep/plan_driver.h"

#define MAX_SLOS 64

typedef struct plan_cli {
    vs_load_args load;
    vs_plan_args p;
    const char *slos[MAX_SLOS];
    size_t nslos;
    char *slo_text; /* the --set slo=[...] value that --slo became */
} plan_cli;

/* --param: once, since the plan varies one parameter. */
static int take_param(void *dest, const char *cmd, const char *opt, const char *val)
{
    (void)opt;
    plan_cli *a = dest;
    if (a->p.param)
        return vs_cli_usage_error("%s: one --param (the plan varies one parameter)", cmd), -1;
    a->p.param = val;
    return 0;
}

static const vs_cli_option plan_options[] = {
    {.name = "--param",
     .kind = VS_CLI_CALL,
     .metavar = "KEY[=LO..HI]",
     .take = take_param,
     .call_takes_value = true,
     .required = true,
     .help = "the parameter to find the largest value of"},
    {.name = "--slo",
     .kind = VS_CLI_LIST,
     .metavar = "'METRIC OP LIMIT'",
     .help = "an SLO, in place of the scenario's (repeatable)",
     .offset = offsetof(plan_cli, slos),
     .count_offset = offsetof(plan_cli, nslos),
     .max = MAX_SLOS},
    {.name = "--reps",
     .kind = VS_CLI_NUMBER,
     .metavar = "N",
     .help = "replications per value",
     .offset = offsetof(plan_cli, p.reps),
     .lo = 1,
     .hi = 10000,
     .integer = true},
    {.name = "--max-reps",
     .kind = VS_CLI_NUMBER,
     .metavar = "N",
     .help = "replications at most, while inconclusive (default 4 x --reps)",
     .offset = offsetof(plan_cli, p.max_reps),
     .lo = 1,
     .hi = 10000,
     .integer = true},
    {.name = "--probes",
     .kind = VS_CLI_NUMBER,
     .metavar = "K",
     .help = "values per round",
     .offset = offsetof(plan_cli, p.probes),
     .lo = 1,
     .hi = VS_PLAN_MAX_PROBES,
     .integer = true},
    {.name = "--confidence",
     .kind = VS_CLI_NUMBER,
     .metavar = "C",
     .help = "the verdicts' confidence level",
     .offset = offsetof(plan_cli, p.confidence),
     .lo = 0.5,
     .hi = 0.9999},
    {.name = "--tolerance",
     .kind = VS_CLI_NUMBER,
     .metavar = "T",
     .help = "stop when the bracket is this narrow, relative",
     .offset = offsetof(plan_cli, p.tolerance),
     .lo = 1e-9,
     .hi = 1},
    {.name = "--json",
     .kind = VS_CLI_STRING,
     .metavar = "FILE|-",
     .help = "the answer and its evidence",
     .offset = offsetof(plan_cli, p.json_path)},
    {.name = "--html",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the evidence as a chart",
     .offset = offsetof(plan_cli, p.html_path)},
    {0},
};

static const vs_cli_table plan_table = {plan_options, VS_CLI_NEEDS_AS_UNKNOWN};

static const vs_cli_table *const plan_tables[] = {&vs_cli_load_table, &vs_cli_batch_table,
                                                  &plan_table, NULL};

const vs_cli_command vs_cli_plan_command = {
    .name = "plan",
    .positional = "scenario",
    .unknown_hint = true,
    .operand = "SCENARIO.json",
    .summary = "Finds the largest value of a parameter that meets the SLOs.",
    .about = "The largest value of KEY at which every SLO holds (the scenario's, or the --slo\n"
             "ones, which replace them): from LO (or the scenario's value), doubling up to a\n"
             "failing value (or HI), then bisecting down to --tolerance. Each value runs --reps\n"
             "times and is judged on the confidence interval of each metric's mean; an\n"
             "inconclusive one gets more runs, up to --max-reps (docs/sweep.md).",
    .tables = plan_tables,
    .main = vs_cmd_plan};

/* --slo replaces the scenario's SLOs: handed to the loader as --set slo=[...], so that
 * they are checked (and reported by every run) like the file's own. */
static int slos_as_override(plan_cli *a)
{
    if (a->nslos == 0)
        return 0;
    json_t *list = json_array();
    for (size_t i = 0; list && i < a->nslos; i++)
        json_array_append_new(list, json_string(a->slos[i]));
    char *text = list ? json_dumps(list, JSON_COMPACT) : NULL;
    json_decref(list);
    vs_load_args *la = &a->load;
    if (!text || la->opts.noverrides == VS_MAX_OVERRIDES)
        return free(text), vs_cli_usage_error("plan: too many --set and --slo"), -1;
    /* vs_cli_free_load_args frees the key; the value is a->slo_text */
    la->overrides[la->opts.noverrides++] = (vs_override){strdup("slo"), text};
    a->slo_text = text;
    return 0;
}

static int parse_args(plan_cli *a, int argc, char **argv)
{
    vs_cli_part parts[] = {
        {&vs_cli_load_table, &a->load}, {&vs_cli_batch_table, &a->p.b}, {&plan_table, a}};
    int parsed = vs_cli_parse(&vs_cli_plan_command, parts, 3, argc, argv, &a->p.b.scenario);
    if (parsed != 0)
        return parsed;
    vs_plan_args *p = &a->p;
    if (!p->b.scenario || !p->param)
        return vs_cli_usage_error("plan: usage: vswitchsim plan SCENARIO.json --param KEY[=LO..HI] "
                                  "[--slo 'METRIC < LIMIT']..."),
               -1;
    if (!p->max_reps)
        p->max_reps = p->reps * 4;
    if (p->max_reps < p->reps)
        return vs_cli_usage_error("plan: --max-reps %u is below --reps %u", p->max_reps, p->reps),
               -1;
    if (slos_as_override(a) != 0)
        return -1;
    vs_cli_finish_load_args(&a->load);
    return 0;
}

int vs_cmd_plan(int argc, char **argv)
{
    plan_cli a = {.p = {.b = {.catch_stop = vs_cli_catch_stop_signals},
                        .reps = 5,
                        .probes = 1,
                        .confidence = 0.95,
                        .tolerance = 0.01}};
    a.p.b.load = &a.load.opts;
    int parsed = parse_args(&a, argc, argv);
    int code = parsed == VS_CLI_HELP ? VS_EXIT_OK
               : parsed != 0         ? VS_EXIT_BAD_INPUT
                                     : vs_plan_drive(&a.p, &argc, &argv);
    vs_cli_free_load_args(&a.load);
    free(a.slo_text);
    return code;
}
