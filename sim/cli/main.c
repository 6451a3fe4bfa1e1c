/*
 * main.c: the vswitchsim command line: subcommand dispatch, --help and --version. The
 * subcommands never call back in here: what they share is in options.c and
 * load_options.c.
 */
#include <stdio.h>
#include <string.h>

#include "base/json_alloc.h"
#include "cli/cli.h"
#include "scenario/builtin_dirs.h"
#include "sweep/exec.h"

static const char USAGE[] =
    "usage: vswitchsim run [SCENARIO.json] [--seed N] [--set KEY=VALUE]... [--plugin-path DIR]...\n"
    "                      [--json FILE|-] [--csv FILE] [--html FILE] [--bench-json FILE]\n"
    "                      [--trace FILE|-] [--callback-timeout SECONDS] [--quiet] [--verbose]\n"
    "                      [--clock virtual|realtime] [--speed X]\n"
    "                      [--listen [ADDR:]PORT [--listen-any] [--linger SECONDS]]\n"
    "       vswitchsim validate SCENARIO.json [--seed N] [--set KEY=VALUE]... [--plugin-path "
    "DIR]...\n"
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

int main(int argc, char **argv)
{
    vs_json_alloc_install(); /* before any jansson call: it tells OOM from bad JSON */
    if (argc < 2)
        return fputs(USAGE, stderr), VS_EXIT_BAD_INPUT;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return fputs(USAGE, stdout), VS_EXIT_OK;
    if (strcmp(cmd, "--version") == 0)
        return printf("vswitchsim %s\nmpi: %s\nplugins: %s\nscenarios: %s\n", VSWITCHSIM_VERSION,
                      vs_mpi_available() ? "yes" : "no", vs_plugin_builtin_dir(),
                      vs_scenario_builtin_dir()),
               VS_EXIT_OK;
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
