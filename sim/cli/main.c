/*
 * main.c: the vswitchsim command line: subcommand dispatch (through the list of commands,
 * commands.c), --help and --version. The subcommands never call back in here: what they
 * share is in options.c, load_options.c and help.c.
 */
#include <stdio.h>
#include <string.h>

#include "base/json_alloc.h"
#include "cli/cli.h"
#include "cli/help.h"
#include "scenario/builtin_dirs.h"
#include "sweep/exec.h"

int main(int argc, char **argv)
{
    vs_json_alloc_install(); /* before any jansson call: it tells OOM from bad JSON */
    if (argc < 2)
        return vs_cli_print_program_help(stderr), VS_EXIT_BAD_INPUT;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return vs_cli_print_program_help(stdout), VS_EXIT_OK;
    if (strcmp(cmd, "--version") == 0)
        return printf("vswitchsim %s\nmpi: %s\nplugins: %s\nscenarios: %s\n", VSWITCHSIM_VERSION,
                      vs_mpi_available() ? "yes" : "no", vs_plugin_builtin_dir(),
                      vs_scenario_builtin_dir()),
               VS_EXIT_OK;
    const vs_cli_command *command = vs_cli_find_command(cmd);
    if (command)
        return command->main(argc - 1, argv + 1);
    return vs_cli_usage_error("unknown command \"%s\"", cmd);
}
