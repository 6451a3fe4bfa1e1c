/*
 * commands.c: the list of commands (help.h). A new command is a vs_cli_command (with its
 * tables, its summary and its main) and a row here: dispatch, help, the man page and the
 * completion then know it.
 */
#include "cli/cli.h"
#include "cli/help.h"

const vs_cli_command *const vs_cli_commands[] = {
    &vs_cli_run_command,         &vs_cli_validate_command,
    &vs_cli_plugin_info_command, &vs_cli_sweep_command,
    &vs_cli_plan_command,        &vs_cli_new_plugin_command,
    &vs_cli_help_command,        NULL,
};
