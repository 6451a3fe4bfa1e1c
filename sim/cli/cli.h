/*
 * cli.h: what the subcommands share: exit codes, usage errors, and the options that
 * shape how a scenario is loaded (--set, --seed, --plugin-path).
 */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "runner/runner.h" /* the exit codes */
#include "scenario/scenario.h"


#define VS_MAX_OVERRIDES 256
#define VS_MAX_PLUGIN_DIRS 32

typedef struct vs_load_args {
    vs_override overrides[VS_MAX_OVERRIDES];
    const char *plugin_dirs[VS_MAX_PLUGIN_DIRS + 1]; /* NULL-terminated */
    size_t ndirs;
    vs_scenario_options opts;
} vs_load_args;

/* Prints "vswitchsim: <message>" on stderr and returns VS_EXIT_BAD_INPUT. */
int vs_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* If argv[*i] is one of --set/--seed/--plugin-path (with its value), takes it and returns
 * 1; 0 if it is not one of them; -1 after a usage error was printed. */
int vs_cli_take_load_option(vs_load_args *la, int argc, char **argv, int *i);
void vs_cli_finish_load_args(vs_load_args *la);
void vs_cli_free_load_args(vs_load_args *la);

/* Catches SIGINT and SIGTERM (signals.c): the first sets the flag returned, to the
 * signal's number, for the run to stop; the second ends the process as its default
 * action would (status 130 or 143 in a shell). */
volatile sig_atomic_t *vs_cli_catch_stop_signals(void);

int vs_cmd_run(int argc, char **argv);
int vs_cmd_validate(int argc, char **argv);
int vs_cmd_plugin_info(int argc, char **argv);
int vs_cmd_sweep(int argc, char **argv);
int vs_cmd_plan(int argc, char **argv);

#endif /* VS_CLI_H */
