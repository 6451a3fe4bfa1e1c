/*
 * cmd_help.c: `vswitchsim help [COMMAND]`: a command's help, or the program's; and what
 * the build installs beside the program, made from the same tables and the schema: the
 * man pages and the bash completion (help.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/help.h"
#include "scenario/resolve.h"
#include "scenario/scenario.h"

typedef struct help_args {
    const char *command;
    bool man, scenario_man, completion, plugin_dirs;
    const char *schema;
} help_args;

static const vs_cli_option help_options[] = {
    {.name = "--man",
     .kind = VS_CLI_FLAG,
     .help = "the man page vswitchsim(1), in roff",
     .offset = offsetof(help_args, man)},
    {.name = "--scenario-man",
     .kind = VS_CLI_FLAG,
     .help = "the man page vswitchsim-scenario(5), from the schema",
     .offset = offsetof(help_args, scenario_man)},
    {.name = "--completion",
     .kind = VS_CLI_FLAG,
     .help = "the bash completion script, --set keys from the schema",
     .offset = offsetof(help_args, completion)},
    {.name = "--schema",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the schema they read (default: beside the default scenario)",
     .offset = offsetof(help_args, schema)},
    {.name = "--plugin-dirs",
     .kind = VS_CLI_FLAG,
     .help = "where bare plugin names are looked up after --plugin-path",
     .offset = offsetof(help_args, plugin_dirs)},
    {0},
};

static const vs_cli_table help_table = {help_options, VS_CLI_NEEDS_NAMED};
static const vs_cli_table *const help_tables[] = {&help_table, NULL};

const vs_cli_command vs_cli_help_command = {
    .name = "help",
    .positional = "command",
    .operand = "[COMMAND]",
    .summary = "Says what a command and its options do, or what the program does.",
    .about = "With --man, --scenario-man or --completion it prints what the build installs as\n"
             "share/man/man1/vswitchsim.1, share/man/man5/vswitchsim-scenario.5 and\n"
             "share/bash-completion/completions/vswitchsim.",
    .tables = help_tables,
    .main = vs_cmd_help};

/* VSWITCHSIM_PLUGIN_PATH's folders, then the built-in one: resolve.c's order. */
static void print_plugin_dirs(void)
{
    const char *env = getenv("VSWITCHSIM_PLUGIN_PATH");
    for (const char *p = env; p && *p;) {
        size_t n = strcspn(p, ":");
        if (n)
            printf("%.*s\n", (int)n, p);
        p += n + (p[n] == ':');
    }
    printf("%s\n", vs_plugin_builtin_dir());
}

/* The schema beside the default scenario (the one the build installs with it). */
static void default_schema(char *buf, size_t size)
{
    const char *scenario = vs_scenario_default_path();
    const char *slash = strrchr(scenario, '/');
    int dir = slash ? (int)(slash - scenario) : 1;
    snprintf(buf, size, "%.*s/schema.json", dir, slash ? scenario : ".");
}

static int from_schema(const help_args *a)
{
    char path[4096], err[VS_HELP_ERR_MAX];
    if (!a->schema)
        default_schema(path, sizeof path);
    else
        snprintf(path, sizeof path, "%s", a->schema);
    int rc = a->scenario_man ? vs_cli_write_scenario_man(path, stdout, err)
                             : vs_cli_write_completion(path, stdout, err);
    if (rc != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return VS_EXIT_BAD_INPUT;
    }
    return fflush(stdout) == 0 ? VS_EXIT_OK : VS_EXIT_FAILURE;
}

int vs_cmd_help(int argc, char **argv)
{
    help_args a = {0};
    vs_cli_part parts[] = {{&help_table, &a}};
    int parsed = vs_cli_parse(&vs_cli_help_command, parts, 1, argc, argv, &a.command);
    if (parsed != 0)
        return parsed == VS_CLI_HELP ? VS_EXIT_OK : VS_EXIT_BAD_INPUT;
    if (a.man + a.scenario_man + a.completion + a.plugin_dirs + (a.command != NULL) > 1)
        return vs_cli_usage_error(
            "help: one of COMMAND, --man, --scenario-man, --completion, --plugin-dirs");
    if (a.schema && !a.scenario_man && !a.completion)
        return vs_cli_usage_error("help: --schema goes with --scenario-man or --completion");
    if (a.man)
        return vs_cli_write_man(stdout), VS_EXIT_OK;
    if (a.scenario_man || a.completion)
        return from_schema(&a);
    if (a.plugin_dirs)
        return print_plugin_dirs(), VS_EXIT_OK;
    if (!a.command)
        return vs_cli_print_program_help(stdout), VS_EXIT_OK;
    const vs_cli_command *cmd = vs_cli_find_command(a.command);
    if (!cmd)
        return vs_cli_usage_error("help: no command \"%s\"", a.command);
    vs_cli_print_help(cmd, NULL, stdout);
    return VS_EXIT_OK;
}
