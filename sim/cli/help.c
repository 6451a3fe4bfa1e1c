/*
 * help.c: each command's --help and usage line, and the program's --help (help.h), made
 * from the option tables the commands parse with.
 */
#include "cli/help.h"

#include <stdbool.h>
#include <string.h>

#define USAGE_WIDTH 92 /* the usage lines' longest, as they have always been */

const vs_cli_command *vs_cli_find_command(const char *name)
{
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++)
        if (strcmp((*c)->name, name) == 0)
            return *c;
    return NULL;
}

/* Words of a usage, wrapped: a word never splits; a line that wraps goes on at the
 * indent, under the command's first word. */
typedef struct usage_line {
    FILE *out;
    size_t col, indent, width; /* col: characters on the line so far */
} usage_line;

static void put_word(usage_line *u, const char *word)
{
    size_t n = strlen(word);
    if (u->col > u->indent && u->col + 1 + n > u->width) {
        fprintf(u->out, "\n%*s", (int)u->indent, "");
        u->col = u->indent;
    }
    if (u->col != u->indent) /* not at the start of a wrapped line */
        fputc(' ', u->out), u->col++;
    fputs(word, u->out);
    u->col += n;
}

/* "[--seed N]", "[--set KEY=VALUE]...", "--param KEY[=LO..HI]" (required). */
static void put_option(usage_line *u, const vs_cli_option *o)
{
    char word[160];
    const char *name = o->short_name ? o->short_name : o->name;
    const char *meta = vs_cli_takes_value(o) && o->metavar ? o->metavar : NULL;
    bool repeats = o->repeats || o->kind == VS_CLI_LIST;
    snprintf(word, sizeof word, "%s%s%s%s%s%s", o->required ? "" : "[", name, meta ? " " : "",
             meta ? meta : "", o->required ? "" : "]", repeats ? "..." : "");
    put_word(u, word);
}

static void print_usage_of(const vs_cli_command *cmd, const vs_cli_table *const *tables,
                           const char *lead, size_t width, FILE *out)
{
    fprintf(out, "%svswitchsim %s", lead, cmd->name);
    size_t col = strlen(lead) + strlen("vswitchsim ") + strlen(cmd->name);
    usage_line u = {out, col, col + 1, width};
    if (cmd->operand)
        put_word(&u, cmd->operand);
    for (int required = 1; required >= 0; required--) /* the required ones first */
        for (const vs_cli_table *const *t = tables; t && *t; t++)
            for (const vs_cli_option *o = (*t)->options; o->name; o++)
                if (o->required == (required == 1))
                    put_option(&u, o);
    fputc('\n', out);
}

void vs_cli_print_usage(const vs_cli_command *cmd, const char *lead, size_t width, FILE *out)
{
    print_usage_of(cmd, cmd->tables, lead, width, out);
}

/* What the parser answers itself (options.c), in every command's help. */
static const vs_cli_option help_options[] = {
    {.name = "--help", .short_name = "-h", .kind = VS_CLI_FLAG, .help = "this help, on stdout"},
    {0},
};
const vs_cli_table vs_cli_help_flag_table = {help_options, VS_CLI_NEEDS_NAMED};

void vs_cli_print_help(const vs_cli_command *cmd, const vs_cli_table *const *tables, FILE *out)
{
    if (!tables)
        tables = cmd->tables;
    print_usage_of(cmd, tables, "usage: ", USAGE_WIDTH, out);
    if (cmd->summary)
        fprintf(out, "\n%s\n", cmd->summary);
    if (cmd->about)
        fprintf(out, "\n%s\n", cmd->about);
    fputs("\noptions:\n", out);
    for (const vs_cli_table *const *t = tables; t && *t; t++)
        vs_cli_print_options(*t, out);
    vs_cli_print_options(&vs_cli_help_flag_table, out);
}

const char vs_cli_program_about[] =
    "Simulates Hyper-V switches saving and restoring NIC state through WFP vSwitch\n"
    "callouts loaded as plugins, and reports throughput and pending-completion latency.\n"
    "`run` without a scenario runs the default one (scenarios/quickstart.json).\n"
    "`sweep` runs a grid of parameter values with replications and reports each metric's\n"
    "mean and confidence interval; `plan` finds the largest value of a parameter that meets\n"
    "the SLOs. Both run in parallel (-j, default one per CPU) and under `mpirun -np N`\n"
    "across MPI ranks (docs/sweep.md).\n";

const char vs_cli_exit_codes[] =
    "Exit codes: 0 ran and every SLO held; 2 bad input; 3 an SLO was breached or the\n"
    "verifier caught a callout bug, or a callout crashed (the report names it); 1\n"
    "anything else, among it a run stopped by SIGINT or SIGTERM (the report is written for\n"
    "what ran; a second signal ends the program at once).\n";

void vs_cli_print_program_help(FILE *out)
{
    const char *lead = "usage: ";
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++, lead = "       ")
        vs_cli_print_usage(*c, lead, USAGE_WIDTH, out);
    fprintf(out, "       vswitchsim --help | --version\n\n%s\n%s\n", vs_cli_program_about,
            vs_cli_exit_codes);
    fputs("`vswitchsim help COMMAND` (or `vswitchsim COMMAND --help`) says what each option of\n"
          "a command does; `man vswitchsim` has them all, `man vswitchsim-scenario` the\n"
          "scenario format.\n",
          out);
}
