/*
 * help.h: what the program says of itself, all of it generated from the commands' option
 * tables (options.h) and the scenario schema, so that nothing is written twice: each
 * command's --help and `vswitchsim help`, the man pages vswitchsim(1) and
 * vswitchsim-scenario(5), and the bash completion. The build writes the man pages and the
 * completion with the program it built (`vswitchsim help --man` and so on).
 */
#ifndef VS_CLI_HELP_H
#define VS_CLI_HELP_H

#include <stdio.h>

#include "cli/options.h"

/* Every command, in the order help lists them; NULL-ended (commands.c). A command is one
 * row here: main dispatches through this list, and help, the man page and the completion
 * walk it. */
extern const vs_cli_command *const vs_cli_commands[];

/* The command named `name`, or NULL. */
const vs_cli_command *vs_cli_find_command(const char *name);

/* -h, --help, which every command takes (the parser answers them): for help and man. */
extern const vs_cli_table vs_cli_help_flag_table;

/* The command's usage: "vswitchsim run [SCENARIO.json] [--seed N]...", starting with
 * `lead` ("usage: "), wrapped at `width` columns under the command's first word. */
void vs_cli_print_usage(const vs_cli_command *cmd, const char *lead, size_t width, FILE *out);

/* `vswitchsim --help`: every command's usage, what the program does, the exit codes. */
void vs_cli_print_program_help(FILE *out);

/* The paragraphs the program help and the man page share. */
extern const char vs_cli_program_about[];
extern const char vs_cli_exit_codes[];

/* vswitchsim(1) in roff (man.c). */
void vs_cli_write_man(FILE *out);

/* The schema (JSON Schema of a scenario file) at schema_path: vswitchsim-scenario(5) in
 * roff, and the bash completion script with the --set keys it names. 0, or -1 with a
 * line in err (schema_doc.c, completion.c). */
#define VS_HELP_ERR_MAX 512
int vs_cli_write_scenario_man(const char *schema_path, FILE *out, char err[VS_HELP_ERR_MAX]);
int vs_cli_write_completion(const char *schema_path, FILE *out, char err[VS_HELP_ERR_MAX]);

#endif /* VS_CLI_HELP_H */
