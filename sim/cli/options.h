/*
 * options.h: one table per command of the options it takes, and one parser that walks
 * argv against the tables. A table says, for each option, its names, whether it takes a
 * value, the value's name and a line of help, and where the value goes; the parser turns
 * the command line into those stores, or prints the usage error and stops.
 *
 * Only the "--opt value" form exists (no "--opt=value", no bundled short flags): the
 * command line users have scripted against never took them.
 */
#ifndef VS_CLI_OPTIONS_H
#define VS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum vs_cli_kind {
    VS_CLI_FLAG,   /* no value: sets a bool */
    VS_CLI_STRING, /* a const char * into argv; the last one given wins */
    VS_CLI_NUMBER, /* a double; or an unsigned when .integer */
    VS_CLI_LIST,   /* repeatable: appends to a const char *[.max] and counts in a size_t */
    VS_CLI_CALL,   /* anything else: .take decides */
} vs_cli_kind;

typedef struct vs_cli_option {
    const char *name;       /* "--json"; NULL ends a table */
    const char *short_name; /* "-j", or NULL */
    vs_cli_kind kind;
    const char *metavar; /* the value's name in help ("FILE"); NULL for a flag */
    const char *help;    /* one line */
    size_t offset;       /* where the value goes, from the part's dest */
    /* VS_CLI_NUMBER: the bounds, an integer or not, whether lo itself is refused. */
    double lo, hi;
    bool integer, lo_open;
    /* VS_CLI_NUMBER: what the value must be, said in the command's own words, where its
     * message has always read "CMD: OPT wants <wants>, got VAL"; NULL for the standard
     * "CMD: OPT wants a number from LO to HI, got VAL". */
    const char *wants;
    /* VS_CLI_LIST: the room, and where the count goes. */
    size_t max, count_offset;
    /* VS_CLI_CALL: takes the value (NULL for an option without one); 0, or -1 after
     * printing a usage error. */
    int (*take)(void *dest, const char *cmd, const char *opt, const char *val);
    bool call_takes_value; /* VS_CLI_CALL: whether a value follows */
    /* For the usage line only (help.c), which the parser does not enforce: the option may
     * be given more than once ("[--set KEY=VALUE]..."; a VS_CLI_LIST always may), or the
     * command refuses to run without it (no brackets; the command checks). */
    bool repeats, required;
} vs_cli_option;

/* How a table's option with its value missing (the last word on the line) is reported.
 * The three wordings are what each set of options has always said. */
typedef enum vs_cli_needs {
    VS_CLI_NEEDS_AS_UNKNOWN, /* as an unknown option (see vs_cli_command.unknown_hint) */
    VS_CLI_NEEDS_NAMED,      /* "CMD: OPT needs a value" */
    VS_CLI_NEEDS_BARE,       /* "OPT needs a value" */
} vs_cli_needs;

typedef struct vs_cli_table {
    const vs_cli_option *options; /* ended by an entry with a NULL name */
    vs_cli_needs needs;
} vs_cli_table;

/* A table and the struct its offsets point into. */
typedef struct vs_cli_part {
    const vs_cli_table *table;
    void *dest;
} vs_cli_part;

typedef struct vs_cli_command {
    const char *name;       /* "sweep": starts every message */
    const char *positional; /* "scenario": in "more than one scenario (X)" */
    /* An unknown option (or one of a NEEDS_AS_UNKNOWN table without its value) as the
     * last word reads "unknown option X, or it needs a value": sweep and plan say so. */
    bool unknown_hint;
    bool dash_is_option; /* "-" alone is an (unknown) option, not the positional */
    /* What help, the man page and the shell completion say of the command (help.c, man.c,
     * completion.c): all of it from here, so that none of it is written twice. */
    const char *operand; /* the positional in the usage: "[SCENARIO.json]", "PLUGIN.so" */
    const char *summary; /* one line: what the command does */
    const char *about;   /* a paragraph after the usage; NULL for none */
    /* The tables it parses with, in the order of its parts, NULL-ended: vs_cli_parse
     * refuses parts that differ (a programming error), so that the help is of the options
     * the parser takes. NULL in a command of the tests: no check. */
    const vs_cli_table *const *tables;
    int (*main)(int argc, char **argv); /* argv[0] is the command's name */
} vs_cli_command;

/* vs_cli_parse's answer when --help or -h was given: the help is printed (stdout), and
 * the command exits 0 without doing anything else. */
#define VS_CLI_HELP 1

/* Walks argv[1..argc-1] against the parts' tables, in order, storing what each option
 * says; the one positional argument goes to *positional (left as it is when there is
 * none). Returns 0; VS_CLI_HELP after printing the command's help for --help or -h (where
 * no table has them); or -1 after printing the usage error. */
int vs_cli_parse(const vs_cli_command *cmd, const vs_cli_part *parts, size_t nparts, int argc,
                 char **argv, const char **positional);

/* One line per option: "  -j, --jobs N   help"; an option too long for its column has
 * its help on the next line. For --help (help.c). */
void vs_cli_print_options(const vs_cli_table *table, FILE *out);

/* "-j, --jobs N": how help names an option (at most size - 1 characters). */
void vs_cli_option_names(const vs_cli_option *o, char *buf, size_t size);

/* Whether a value follows the option on the command line. */
bool vs_cli_takes_value(const vs_cli_option *o);

/* The command's help: its usage, what it does, and its options from the tables given
 * (NULL-ended; the command's own when tables is NULL). help.c. */
void vs_cli_print_help(const vs_cli_command *cmd, const vs_cli_table *const *tables, FILE *out);

/* Prints "vswitchsim: <message> (see vswitchsim --help)" on stderr; returns 2, the exit
 * code of bad input. */
int vs_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VS_CLI_OPTIONS_H */
