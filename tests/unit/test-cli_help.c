/*
 * test-cli_help.c: sim/cli/help.c, man.c, schema_doc.c, completion.c. Every option of
 * every command's tables (which the parser is held to: vs_cli_parse refuses other parts)
 * is in the command's --help and in vswitchsim(1); every key of the schema is in
 * vswitchsim-scenario(5) and among the completion's --set keys; --help and -h answer in
 * every command, and only where no table takes them.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/help.h"
#include "cli/options.h"
#include "cli/schema_doc.h"

/* What fn writes, as a string to free. */
static char *capture(void (*fn)(void *ctx, FILE *out), void *ctx)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    cr_assert_not_null(out);
    fn(ctx, out);
    fclose(out);
    return text;
}

static void help_of(void *ctx, FILE *out)
{
    vs_cli_print_help(ctx, NULL, out);
}

static void man_page(void *ctx, FILE *out)
{
    (void)ctx;
    vs_cli_write_man(out);
}

static void program_help(void *ctx, FILE *out)
{
    (void)ctx;
    vs_cli_print_program_help(out);
}

/* s as the man page writes it: "-" as "\-". */
static void roff_escaped(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 3 < size; s++) {
        if (*s == '-')
            buf[n++] = '\\';
        buf[n++] = *s;
    }
    buf[n] = '\0';
}

/* text with each run of blanks and newlines as one blank. */
static char *squeezed(const char *text)
{
    char *flat = malloc(strlen(text) + 1), *w = flat;
    cr_assert_not_null(flat);
    for (const char *p = text; *p; p++)
        if (*p != ' ' && *p != '\n')
            *w++ = *p;
        else if (w == flat || w[-1] != ' ')
            *w++ = ' ';
    *w = '\0';
    return flat;
}

static char schema_path[4096];

static void find_schema(void)
{
    const char *src = getenv("VSWITCHSIM_SOURCE_DIR");
    cr_assert_not_null(src, "run through ctest");
    snprintf(schema_path, sizeof schema_path, "%s/scenarios/schema.json", src);
}

Test(cli_help, every_command_says_what_it_is_and_parses_with_tables)
{
    size_t n = 0;
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++, n++) {
        cr_assert_not_null((*c)->summary, "%s: no summary", (*c)->name);
        cr_assert_not_null((*c)->tables, "%s: no tables", (*c)->name);
        cr_assert_not_null((*c)->main, "%s: no main", (*c)->name);
        cr_assert_eq(vs_cli_find_command((*c)->name), *c);
        for (const vs_cli_table *const *t = (*c)->tables; *t; t++)
            for (const vs_cli_option *o = (*t)->options; o->name; o++) {
                cr_assert(o->help && o->help[0], "%s %s: no help line", (*c)->name, o->name);
                cr_assert(!vs_cli_takes_value(o) || o->metavar, "%s %s: no metavar", (*c)->name,
                          o->name);
            }
    }
    cr_assert_geq(n, 6); /* run, validate, plugin-info, sweep, plan, help */
    cr_assert_null(vs_cli_find_command("frobnicate"));
}

Test(cli_help, every_option_is_in_its_commands_help_and_in_the_man_page)
{
    char *man = capture(man_page, NULL);
    size_t checked = 0;
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++) {
        char *help = capture(help_of, (void *)*c);
        char *flat = squeezed(help); /* a help line wraps */
        char section[64];
        snprintf(section, sizeof section, ".SS \"vswitchsim %s\"", (*c)->name);
        const char *in_man = strstr(man, section);
        cr_assert_not_null(in_man, "man: no section for %s", (*c)->name);
        const char *next = strstr(in_man + 1, ".SS ");
        for (const vs_cli_table *const *t = (*c)->tables; *t; t++)
            for (const vs_cli_option *o = (*t)->options; o->name; o++, checked++) {
                char names[128], want[160], esc[160];
                vs_cli_option_names(o, names, sizeof names);
                snprintf(want, sizeof want, "\n  %s", names);
                const char *line = strstr(help, want);
                cr_assert(line && (line[strlen(want)] == ' ' || line[strlen(want)] == '\n'),
                          "%s --help: no \"%s\"", (*c)->name, names);
                cr_assert_not_null(strstr(flat, o->help), "%s --help: no help of %s", (*c)->name,
                                   o->name);
                snprintf(want, sizeof want, "\\fB%s\\fR", o->name);
                roff_escaped(want, esc, sizeof esc);
                const char *at = strstr(in_man, esc);
                cr_assert(at && (!next || at < next), "man: %s: no %s", (*c)->name, o->name);
                if (o->metavar && vs_cli_takes_value(o)) {
                    roff_escaped(o->metavar, esc, sizeof esc);
                    cr_assert_not_null(strstr(at, esc), "man: %s %s: no %s", (*c)->name, o->name,
                                       o->metavar);
                }
            }
        cr_assert_not_null(strstr(help, "\n  -h, --help "), "%s --help: no -h", (*c)->name);
        snprintf(section, sizeof section, "usage: vswitchsim %s ", (*c)->name);
        cr_assert_eq(strncmp(help, section, strlen(section)), 0, "%s", help);
        for (const char *line = help; *line;) { /* a terminal's width, as the usage */
            size_t n = strcspn(line, "\n");
            cr_assert_leq(n, 92, "%s --help: a line of %zu columns: %.*s", (*c)->name, n, (int)n,
                          line);
            line += n + (line[n] == '\n');
        }
        free(help);
        free(flat);
    }
    cr_assert_geq(checked, 40);
    free(man);
}

Test(cli_help, usage_lines_fit_and_name_every_command)
{
    char *text = capture(program_help, NULL);
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++) {
        char want[64];
        snprintf(want, sizeof want, " vswitchsim %s ", (*c)->name);
        cr_assert_not_null(strstr(text, want), "no usage of %s", (*c)->name);
    }
    cr_assert_not_null(strstr(text, "usage: vswitchsim run [SCENARIO.json] [--seed N]"));
    cr_assert_not_null(strstr(text, "[--set KEY=VALUE]..."));                      /* repeats */
    cr_assert_not_null(strstr(text, "plan SCENARIO.json --param KEY[=LO..HI] [")); /* required */
    cr_assert_not_null(strstr(text, "Exit codes: 0 ran and every SLO held"));
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        cr_assert_leq(n, 92, "a usage line of %zu columns: %.*s", n, (int)n, line);
        line += n + (line[n] == '\n');
    }
    free(text);
}

typedef struct opts {
    bool quiet;
    const char *json;
} opts;

static const vs_cli_option own[] = {
    {.name = "--quiet", .kind = VS_CLI_FLAG, .help = "say less", .offset = offsetof(opts, quiet)},
    {.name = "--json",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the report",
     .offset = offsetof(opts, json)},
    {0},
};
static const vs_cli_table own_table = {own, VS_CLI_NEEDS_AS_UNKNOWN};
static const vs_cli_table other_table = {own, VS_CLI_NEEDS_NAMED};
static const vs_cli_table *const own_tables[] = {&own_table, NULL};
static const vs_cli_command demo = {
    .name = "demo", .positional = "thing", .operand = "THING", .tables = own_tables};

static int parse(const vs_cli_table *t, opts *o, const char *const *words)
{
    char *argv[16] = {"demo"};
    int argc = 1;
    while (*words)
        argv[argc++] = (char *)*words++;
    const char *pos = NULL;
    vs_cli_part part = {t, o};
    return vs_cli_parse(&demo, &part, 1, argc, argv, &pos);
}

Test(cli_help, help_and_h_print_the_help_and_stop, .init = cr_redirect_stdout)
{
    opts o = {0};
    cr_assert_eq(parse(&own_table, &o, (const char *const[]){"--quiet", "--help", "--bogus", NULL}),
                 VS_CLI_HELP);
    cr_assert_eq(parse(&own_table, &o, (const char *const[]){"-h", NULL}), VS_CLI_HELP);
    fflush(stdout);
    cr_assert_stdout_eq_str("usage: vswitchsim demo THING [--quiet] [--json FILE]\n\noptions:\n"
                            "  --quiet                      say less\n"
                            "  --json FILE                  the report\n"
                            "  -h, --help                   this help, on stdout\n"
                            "usage: vswitchsim demo THING [--quiet] [--json FILE]\n\noptions:\n"
                            "  --quiet                      say less\n"
                            "  --json FILE                  the report\n"
                            "  -h, --help                   this help, on stdout\n");
}

Test(cli_help, a_long_help_line_wraps_in_its_column)
{
    static const vs_cli_option longer[] = {
        {.name = "--plugins",
         .kind = VS_CLI_FLAG,
         .help = "also run each plugin's entry on every host (its params checked), then "
                 "unload it, and say so"},
        {0},
    };
    static const vs_cli_table t = {longer, VS_CLI_NEEDS_NAMED};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    vs_cli_print_options(&t, out);
    fclose(out);
    cr_assert_str_eq(text, "  --plugins                    also run each plugin's entry on every "
                           "host (its params\n"
                           "                               checked), then unload it, and say so\n");
    free(text);
}

Test(cli_help, help_as_a_value_is_the_value)
{
    opts o = {0};
    cr_assert_eq(parse(&own_table, &o, (const char *const[]){"--json", "--help", NULL}), 0);
    cr_assert_str_eq(o.json, "--help");
}

Test(cli_help, parsing_with_other_tables_than_the_help_shows_stops, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
    opts o = {0};
    parse(&other_table, &o, (const char *const[]){"--quiet", NULL});
}

/* The keys of the schema, as the completion names them and as the man page does. */
typedef struct keys {
    const char *man, *completion;
    size_t n;
} keys;

static void check_key(void *ctx, const char *path, const json_t *node, bool container)
{
    (void)node;
    keys *k = ctx;
    char man_path[600], esc[1200], line[620];
    snprintf(man_path, sizeof man_path, "%s", path);
    for (char *p = man_path; *p; p++)
        if (*p == '#')
            *p = 'N';
    snprintf(line, sizeof line, "\\fB%s\\fR (", man_path);
    roff_escaped(line, esc, sizeof esc);
    size_t n = strlen(path); /* an array's element ("plugins.#") has its keys, not a line */
    cr_assert(strstr(k->man, esc) || (n > 2 && strcmp(path + n - 2, ".#") == 0),
              "scenario man: no %s", man_path);
    if (path[0] != '$') {
        snprintf(line, sizeof line, "\n%s%c\n", path, container ? '.' : '=');
        cr_assert_not_null(strstr(k->completion, line), "completion: no %s", path);
    }
    k->n++;
}

static void write_scenario_man(void *ctx, FILE *out)
{
    char err[VS_HELP_ERR_MAX];
    cr_assert_eq(vs_cli_write_scenario_man(ctx, out, err), 0, "%s", err);
}

static void write_completion(void *ctx, FILE *out)
{
    char err[VS_HELP_ERR_MAX];
    cr_assert_eq(vs_cli_write_completion(ctx, out, err), 0, "%s", err);
}

Test(cli_help, every_schema_key_is_in_the_scenario_man_page_and_the_completion)
{
    find_schema();
    char err[VS_HELP_ERR_MAX];
    json_t *root = vs_schema_doc_load(schema_path, err);
    cr_assert_not_null(root, "%s", err);
    keys k = {capture(write_scenario_man, schema_path), capture(write_completion, schema_path), 0};
    vs_schema_doc_keys(root, check_key, &k);
    cr_assert_geq(k.n, 100);
    cr_assert_not_null(strstr(k.man, ".SS topology\n"));
    cr_assert_not_null(strstr(k.man, "\n.br\nDefault: 16.\n")); /* topology.cpus_per_host */
    cr_assert_not_null(strstr(k.man, ".SH TYPES\n.TP\n\\fIduration\\fR")); /* $defs */
    cr_assert_not_null(strstr(k.completion, "\nplugins.#.path=\n"));
    cr_assert_not_null(
        strstr(k.completion, "_vswitchsim_set_values[topology.vm_start]=\"running power_on\""));
    for (const vs_cli_command *const *c = vs_cli_commands; *c; c++) {
        char want[64];
        snprintf(want, sizeof want, "_vswitchsim_options[%s]=\"", (*c)->name);
        cr_assert_not_null(strstr(k.completion, want), "completion: no %s", (*c)->name);
    }
    free((char *)k.man);
    free((char *)k.completion);
    json_decref(root);
}

Test(cli_help, a_schema_that_is_not_one_is_one_line)
{
    char err[VS_HELP_ERR_MAX];
    FILE *out = fopen("/dev/null", "w");
    cr_assert_eq(vs_cli_write_completion("/nonexistent/schema.json", out, err), -1);
    cr_assert_not_null(strstr(err, "/nonexistent/schema.json"), "%s", err);
    cr_assert_null(strchr(err, '\n'));
    fclose(out);
}
