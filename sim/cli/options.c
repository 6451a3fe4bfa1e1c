/*
 * options.c: the option tables' parser and help (options.h).
 */
#include "cli/options.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/usage.h"
#include "runner/runner.h" /* the exit codes */

int vs_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vs_usage_verror(fmt, ap);
    va_end(ap);
    return VS_EXIT_BAD_INPUT;
}

bool vs_cli_takes_value(const vs_cli_option *o)
{
    return o->kind == VS_CLI_FLAG ? false : o->kind == VS_CLI_CALL ? o->call_takes_value : true;
}

/* The option named `arg` in the parts, in their order; NULL if none. */
static const vs_cli_option *find(const vs_cli_part *parts, size_t nparts, const char *arg,
                                 const vs_cli_part **part)
{
    for (size_t p = 0; p < nparts; p++)
        for (const vs_cli_option *o = parts[p].table->options; o->name; o++)
            if (strcmp(o->name, arg) == 0 || (o->short_name && strcmp(o->short_name, arg) == 0)) {
                *part = &parts[p];
                return o;
            }
    return NULL;
}

static int unknown(const vs_cli_command *cmd, const char *arg, bool last)
{
    vs_cli_usage_error("%s: unknown option %s%s", cmd->name, arg,
                       cmd->unknown_hint && last ? ", or it needs a value" : "");
    return -1;
}

static int missing_value(const vs_cli_command *cmd, const vs_cli_table *t, const char *arg)
{
    if (t->needs == VS_CLI_NEEDS_AS_UNKNOWN)
        return unknown(cmd, arg, true);
    if (t->needs == VS_CLI_NEEDS_NAMED)
        vs_cli_usage_error("%s: %s needs a value", cmd->name, arg);
    else
        vs_cli_usage_error("%s needs a value", arg);
    return -1;
}

/* The value of a number option, checked against its bounds. Numbers with their own
 * wording (`wants`, run's) have always read an empty value as 0, which their bounds then
 * judge; the others refuse it. */
static int take_number(const vs_cli_command *cmd, const vs_cli_option *o, void *dest,
                       const char *arg, const char *val)
{
    char *end;
    double v = strtod(val, &end);
    bool bad = *end || !isfinite(v) || v > o->hi || (o->lo_open ? v <= o->lo : v < o->lo) ||
               (o->integer && v != floor(v)) || (!o->wants && end == val);
    if (bad && o->wants)
        return vs_cli_usage_error("%s: %s wants %s, got %s", cmd->name, arg, o->wants, val), -1;
    if (bad)
        return vs_cli_usage_error("%s: %s wants %s from %g to %g, got %s", cmd->name, arg,
                                  o->integer ? "an integer" : "a number", o->lo, o->hi, val),
               -1;
    if (o->integer)
        *(unsigned *)((char *)dest + o->offset) = (unsigned)v;
    else
        *(double *)((char *)dest + o->offset) = v;
    return 0;
}

static int take_list(const vs_cli_command *cmd, const vs_cli_option *o, void *dest, const char *arg,
                     const char *val)
{
    size_t *n = (size_t *)((char *)dest + o->count_offset);
    if (*n == o->max)
        return vs_cli_usage_error("%s: at most %zu %s", cmd->name, o->max, arg), -1;
    ((const char **)((char *)dest + o->offset))[(*n)++] = val;
    return 0;
}

/* Stores option o (typed as `arg`) with its value (NULL for none). */
static int take(const vs_cli_command *cmd, const vs_cli_option *o, void *dest, const char *arg,
                const char *val)
{
    switch (o->kind) {
    case VS_CLI_FLAG:
        *(bool *)((char *)dest + o->offset) = true;
        return 0;
    case VS_CLI_STRING:
        *(const char **)((char *)dest + o->offset) = val;
        return 0;
    case VS_CLI_NUMBER:
        return take_number(cmd, o, dest, arg, val);
    case VS_CLI_LIST:
        return take_list(cmd, o, dest, arg, val);
    case VS_CLI_CALL:
        return o->take(dest, cmd->name, arg, val);
    }
    return -1;
}

/* A command parsing with other tables than its help shows is a bug of ours, caught by
 * the first test that runs the command: say so and stop. */
static void check_tables(const vs_cli_command *cmd, const vs_cli_part *parts, size_t nparts)
{
    if (!cmd->tables)
        return;
    size_t n = 0;
    while (cmd->tables[n] && n < nparts && cmd->tables[n] == parts[n].table)
        n++;
    if (n != nparts || cmd->tables[n]) {
        fprintf(stderr,
                "vswitchsim: %s: parses with other option tables than its .tables "
                "(sim/cli/options.h): its help would not be of its options\n",
                cmd->name);
        abort();
    }
}

static bool asks_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* The tables of the parts, NULL-ended, for the help (at most 15: help prints what fits). */
static int print_help_of_parts(const vs_cli_command *cmd, const vs_cli_part *parts, size_t nparts)
{
    const vs_cli_table *tables[16] = {0};
    for (size_t p = 0; p < nparts && p < 15; p++)
        tables[p] = parts[p].table;
    vs_cli_print_help(cmd, tables, stdout);
    return VS_CLI_HELP;
}

int vs_cli_parse(const vs_cli_command *cmd, const vs_cli_part *parts, size_t nparts, int argc,
                 char **argv, const char **positional)
{
    check_tables(cmd, parts, nparts);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || (arg[1] == '\0' && !cmd->dash_is_option)) {
            if (*positional)
                return vs_cli_usage_error("%s: more than one %s (%s)", cmd->name, cmd->positional,
                                          arg),
                       -1;
            *positional = arg;
            continue;
        }
        const vs_cli_part *part = NULL;
        const vs_cli_option *o = find(parts, nparts, arg, &part);
        if (!o && asks_help(arg))
            return print_help_of_parts(cmd, parts, nparts);
        if (!o)
            return unknown(cmd, arg, i + 1 == argc);
        const char *val = NULL;
        if (vs_cli_takes_value(o)) {
            if (i + 1 == argc)
                return missing_value(cmd, part->table, arg);
            val = argv[++i]; /* whatever it looks like: "--json -" writes to stdout */
        }
        if (take(cmd, o, part->dest, arg, val) != 0)
            return -1;
    }
    return 0;
}

void vs_cli_option_names(const vs_cli_option *o, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s%s", o->short_name ? o->short_name : "", o->short_name ? ", " : "",
             o->name, vs_cli_takes_value(o) ? " " : "",
             vs_cli_takes_value(o) && o->metavar ? o->metavar : "");
}

#define HELP_COLUMN 28 /* the names' */
#define HELP_WIDTH 92  /* a help line's, wrapped past it, as the usage lines */

/* The help text from column 2 + HELP_COLUMN + 1 on, its words wrapped into that column. */
static void print_help_text(const char *help, FILE *out)
{
    const size_t start = 2 + HELP_COLUMN + 1;
    size_t col = start;
    while (*help) {
        size_t n = strcspn(help, " ");
        if (col > start && col + 1 + n > HELP_WIDTH) {
            fprintf(out, "\n%*s", (int)start, "");
            col = start;
        }
        if (col > start)
            fputc(' ', out), col++;
        fprintf(out, "%.*s", (int)n, help);
        col += n;
        help += n;
        help += strspn(help, " ");
    }
    fputc('\n', out);
}

void vs_cli_print_options(const vs_cli_table *table, FILE *out)
{
    for (const vs_cli_option *o = table->options; o->name; o++) {
        char names[128];
        vs_cli_option_names(o, names, sizeof names);
        if (strlen(names) > HELP_COLUMN) /* its help under it, in the column */
            fprintf(out, "  %s\n  %-*s ", names, HELP_COLUMN, "");
        else
            fprintf(out, "  %-*s ", HELP_COLUMN, names);
        print_help_text(o->help ? o->help : "", out);
    }
}
