/*
 * cli.h: the subcommands main.c dispatches to, and what they share besides their
 * options (options.h, load_options.h): the exit codes and the stop signals.
 */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <signal.h>

#include "cli/options.h"
#include "runner/runner.h" /* the exit codes */

/* Catches SIGINT and SIGTERM (signals.c): the first sets the flag returned, to the
 * signal's number, for the run to stop; the second ends the process as its default
 * action would (status 130 or 143 in a shell). */
volatile sig_atomic_t *vs_cli_catch_stop_signals(void);

/* The commands (help.h lists them; main dispatches through that list). */
extern const vs_cli_command vs_cli_run_command, vs_cli_validate_command, vs_cli_plugin_info_command,
    vs_cli_sweep_command, vs_cli_plan_command, vs_cli_help_command, vs_cli_new_plugin_command;

int vs_cmd_run(int argc, char **argv);
int vs_cmd_validate(int argc, char **argv);
int vs_cmd_plugin_info(int argc, char **argv);
int vs_cmd_sweep(int argc, char **argv);
int vs_cmd_plan(int argc, char **argv);
int vs_cmd_help(int argc, char **argv);
int vs_cmd_new_plugin(int argc, char **argv);

/* new-plugin's option table (none of its own; for help). */
extern const vs_cli_table vs_cli_new_plugin_table;

#endif /* VS_CLI_H */
