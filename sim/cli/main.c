/*
 * main.c: the vswitchsim command line: subcommand dispatch, --help and --version,
 * and the option handling the subcommands share.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sweep/exec.h"

static const char USAGE[] =
    "usage: vswitchsim run [SCENARIO.json] [--seed N] [--set KEY=VALUE]... [--plugin-path DIR]...\n"
    "                      [--json FILE|-] [--csv FILE] [--html FILE] [--bench-json FILE]\n"
    "                      [--trace FILE|-] [--callback-timeout SECONDS] [--quiet] [--verbose]\n"
    "                      [--clock virtual|realtime] [--speed X]\n"
    "                      [--listen [ADDR:]PORT [--listen-any] [--linger SECONDS]]\n"
    "       vswitchsim validate SCENARIO.json [--seed N] [--set KEY=VALUE]... [--plugin-path DIR]...\n"
    "       vswitchsim plugin-info PLUGIN.so [--params JSON]\n"
    "       vswitchsim sweep SCENARIO.json [--param KEY=V1,V2,...|KEY=A..B[:+S|:xF]]...\n"
    "                        [--reps N] [-j N] [--json FILE|-] [--csv FILE] [--html FILE]\n"
    "                        [--resume] [--metric PATH]... [--confidence C] [--quiet]\n"
    "                        [--seed N] [--set KEY=VALUE]... [--plugin-path DIR]...\n"
    "       vswitchsim plan SCENARIO.json --param KEY[=LO..HI] [--slo 'METRIC OP LIMIT']...\n"
    "                       [--reps N] [--max-reps N] [--probes K] [--confidence C]\n"
    "                       [--tolerance T] [-j N] [--json FILE|-] [--html FILE] [--quiet]\n"
    "                       [--seed N] [--set KEY=VALUE]... [--plugin-path DIR]...\n"
    "       vswitchsim --help | --version\n"
    "\n"
    "Simulates Hyper-V switches saving and restoring NIC state through WFP vSwitch\n"
    "callouts loaded as plugins, and reports throughput and pending-completion latency.\n"
    "`run` without a scenario runs the default one (scenarios/quickstart.json).\n"
    "`sweep` runs a grid of parameter values with replications and reports each metric's\n"
    "mean and confidence interval; `plan` finds the largest value of a parameter that meets\n"
    "the SLOs. Both run in parallel (-j, default one per CPU) and under `mpirun -np N`\n"
    "across MPI ranks (docs/sweep.md).\n"
    "\n"
    "Exit codes: 0 ran and every SLO held; 2 bad input; 3 an SLO was breached or the\n"
    "verifier caught a callout bug, or a callout crashed (the report names it); 1\n"
    "anything else, among it a run stopped by SIGINT or SIGTERM (the report is written for\n"
    "what ran; a second signal ends the program at once).\n";

int vs_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("vswitchsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see vswitchsim --help)\n", stderr);
    return VS_EXIT_BAD_INPUT;
}

static int parse_seed(const char *text, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (*text < '0' || *text > '9')
        return -1;
    *out = strtoull(text, &end, 10);
    return errno || *end || *out > (unsigned long long)INT64_MAX ? -1 : 0;
}

static int take_set(vs_load_args *la, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        vs_cli_usage_error("--set %s: expected KEY=VALUE", arg);
        return -1;
    }
    if (la->opts.noverrides == VS_MAX_OVERRIDES) {
        vs_cli_usage_error("--set: at most %d overrides", VS_MAX_OVERRIDES);
        return -1;
    }
    /* The key is the part before '='; the value points into argv. */
    char *key = strndup(arg, (size_t)(eq - arg));
    if (!key)
        return -1;
    la->overrides[la->opts.noverrides++] = (vs_override){key, eq + 1};
    return 1;
}

int vs_cli_take_load_option(vs_load_args *la, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--set") && strcmp(opt, "--seed") && strcmp(opt, "--plugin-path"))
        return 0;
    if (*i + 1 >= argc) {
        vs_cli_usage_error("%s needs a value", opt);
        return -1;
    }
    const char *val = argv[++*i];
    if (strcmp(opt, "--set") == 0)
        return take_set(la, val);
    if (strcmp(opt, "--seed") == 0) {
        if (parse_seed(val, &la->opts.seed) != 0) {
            vs_cli_usage_error("--seed %s: expected an integer from 0 to 2^63-1", val);
            return -1;
        }
        la->opts.have_seed = 1;
        return 1;
    }
    if (la->ndirs == VS_MAX_PLUGIN_DIRS) {
        vs_cli_usage_error("--plugin-path: at most %d folders", VS_MAX_PLUGIN_DIRS);
        return -1;
    }
    la->plugin_dirs[la->ndirs++] = val;
    return 1;
}

void vs_cli_finish_load_args(vs_load_args *la)
{
    la->plugin_dirs[la->ndirs] = NULL;
    la->opts.overrides = la->overrides;
    la->opts.plugin_path = la->plugin_dirs;
}

void vs_cli_free_load_args(vs_load_args *la)
{
    for (size_t i = 0; i < la->opts.noverrides; i++)
        free((char *)la->overrides[i].key);
    la->opts.noverrides = 0;
}

int main(int argc, char **argv)
{
    vs_json_alloc_install(); /* before any jansson call: it tells OOM from bad JSON */
    if (argc < 2)
        return fputs(USAGE, stderr), VS_EXIT_BAD_INPUT;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return fputs(USAGE, stdout), VS_EXIT_OK;
    if (strcmp(cmd, "--version") == 0)
        return printf("vswitchsim %s\nmpi: %s\n", VSWITCHSIM_VERSION,
                      vs_mpi_available() ? "yes" : "no"), VS_EXIT_OK;
    if (strcmp(cmd, "run") == 0)
        return vs_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0)
        return vs_cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0)
        return vs_cmd_plan(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return vs_cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "plugin-info") == 0)
        return vs_cmd_plugin_info(argc - 1, argv + 1);
    return vs_cli_usage_error("unknown command \"%s\"", cmd);
}
