/*
 * test-cli_options.c: sim/cli/options.c and load_options.c. Each kind of option stores
 * what it says; every usage error is the one line users have always seen (CONTRACT.md
 * section 3: exit 2, one line on stderr), worded as the table's style asks; only
 * "--opt value" exists; one positional argument.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/load_options.h"
#include "cli/options.h"

typedef struct args {
    bool quiet;
    const char *json;
    double timeout;
    unsigned reps;
    const char *params[3];
    size_t nparams;
    const char *called;
} args;

static int take_called(void *dest, const char *cmd, const char *opt, const char *val)
{
    args *a = dest;
    if (strcmp(val, "bad") == 0)
        return vs_cli_usage_error("%s: %s refuses %s", cmd, opt, val), -1;
    a->called = val;
    return 0;
}

static const vs_cli_option own[] = {
    {.name = "--quiet", .kind = VS_CLI_FLAG, .offset = offsetof(args, quiet)},
    {.name = "--json",
     .kind = VS_CLI_STRING,
     .metavar = "FILE",
     .help = "the report",
     .offset = offsetof(args, json)},
    {.name = "--timeout",
     .kind = VS_CLI_NUMBER,
     .offset = offsetof(args, timeout),
     .lo = 0,
     .lo_open = true,
     .hi = 10,
     .wants = "seconds > 0"},
    {.name = "--reps",
     .short_name = "-r",
     .kind = VS_CLI_NUMBER,
     .metavar = "N",
     .help = "replications",
     .offset = offsetof(args, reps),
     .lo = 1,
     .hi = 100,
     .integer = true},
    {.name = "--param",
     .kind = VS_CLI_LIST,
     .offset = offsetof(args, params),
     .count_offset = offsetof(args, nparams),
     .max = 3},
    {.name = "--call", .kind = VS_CLI_CALL, .take = take_called, .call_takes_value = true},
    {0},
};
static const vs_cli_table own_table = {own, VS_CLI_NEEDS_AS_UNKNOWN};
static const vs_cli_table named_table = {own, VS_CLI_NEEDS_NAMED};

static const vs_cli_command plain = {.name = "run", .positional = "scenario"};
static const vs_cli_command hinted = {
    .name = "sweep", .positional = "scenario", .unknown_hint = true};

/* Parses the words (NULL-ended) after a command name with own_table. */
static int parse_with(const vs_cli_command *cmd, const vs_cli_table *t, args *a, const char **pos,
                      const char *const *words)
{
    char *argv[32] = {"cmd"};
    int argc = 1;
    while (*words)
        argv[argc++] = (char *)*words++;
    vs_cli_part part = {t, a};
    return vs_cli_parse(cmd, &part, 1, argc, argv, pos);
}

#define PARSE(cmd, a, pos, ...) \
    parse_with(cmd, &own_table, a, pos, (const char *const[]){__VA_ARGS__, NULL})

static void stderr_is(const char *want)
{
    fflush(stderr);
    cr_assert_stderr_eq_str(want);
}

Test(cli_options, every_kind_stores_its_value)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--quiet", "--json", "-", "--timeout", "2.5", "-r", "7",
                       "--param", "x=1", "--param", "y=2", "--call", "ok", "s.json"),
                 0);
    cr_assert(a.quiet);
    cr_assert_str_eq(a.json, "-"); /* a value is the next word, whatever it looks like */
    cr_assert_float_eq(a.timeout, 2.5, 1e-12);
    cr_assert_eq(a.reps, 7);
    cr_assert_eq(a.nparams, 2);
    cr_assert_str_eq(a.params[0], "x=1");
    cr_assert_str_eq(a.params[1], "y=2");
    cr_assert_str_eq(a.called, "ok");
    cr_assert_str_eq(pos, "s.json");
}

Test(cli_options, nothing_given_changes_nothing)
{
    args a = {.reps = 5, .json = "keep"};
    const char *pos = NULL;
    char *argv[] = {"cmd"};
    vs_cli_part part = {&own_table, &a};
    cr_assert_eq(vs_cli_parse(&plain, &part, 1, 1, argv, &pos), 0);
    cr_assert_eq(a.reps, 5);
    cr_assert_str_eq(a.json, "keep");
    cr_assert_null(pos);
}

Test(cli_options, a_repeated_string_keeps_the_last)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(
        PARSE(&plain, &a, &pos, "--json", "a", "--reps", "2", "--json", "b", "--reps", "3"), 0);
    cr_assert_str_eq(a.json, "b");
    cr_assert_eq(a.reps, 3);
}

Test(cli_options, unknown_option, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--bogus", "x"), -1);
    stderr_is("vswitchsim: run: unknown option --bogus (see vswitchsim --help)\n");
}

Test(cli_options, equals_form_is_not_an_option, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--json=x"), -1);
    cr_assert_null(a.json);
    stderr_is("vswitchsim: run: unknown option --json=x (see vswitchsim --help)\n");
}

Test(cli_options, unknown_last_with_hint, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&hinted, &a, &pos, "s.json", "--bogus"), -1);
    stderr_is("vswitchsim: sweep: unknown option --bogus, or it needs a value "
              "(see vswitchsim --help)\n");
}

Test(cli_options, missing_value_as_unknown, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--json"), -1);
    stderr_is("vswitchsim: run: unknown option --json (see vswitchsim --help)\n");
}

Test(cli_options, missing_value_named, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(parse_with(&hinted, &named_table, &a, &pos, (const char *const[]){"-r", NULL}),
                 -1);
    stderr_is("vswitchsim: sweep: -r needs a value (see vswitchsim --help)\n");
}

Test(cli_options, number_out_of_bounds, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--reps", "101"), -1);
    cr_assert_eq(a.reps, 0);
    stderr_is("vswitchsim: run: --reps wants an integer from 1 to 100, got 101 "
              "(see vswitchsim --help)\n");
}

Test(cli_options, number_bounds_are_inclusive)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--reps", "1"), 0);
    cr_assert_eq(a.reps, 1);
    cr_assert_eq(PARSE(&plain, &a, &pos, "--reps", "100", "--timeout", "10"), 0);
    cr_assert_eq(a.reps, 100);
    cr_assert_float_eq(a.timeout, 10, 0);
}

Test(cli_options, integer_refuses_a_fraction, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--reps", "1.5"), -1);
    stderr_is("vswitchsim: run: --reps wants an integer from 1 to 100, got 1.5 "
              "(see vswitchsim --help)\n");
}

Test(cli_options, standard_number_refuses_empty_and_junk, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--reps", ""), -1);
    cr_assert_eq(PARSE(&plain, &a, &pos, "--reps", "3x"), -1);
    stderr_is("vswitchsim: run: --reps wants an integer from 1 to 100, got  (see vswitchsim "
              "--help)\nvswitchsim: run: --reps wants an integer from 1 to 100, got 3x (see "
              "vswitchsim --help)\n");
}

Test(cli_options, open_lower_bound_in_own_words, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--timeout", "0"), -1);
    stderr_is("vswitchsim: run: --timeout wants seconds > 0, got 0 (see vswitchsim --help)\n");
}

Test(cli_options, list_is_full, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(
        PARSE(&plain, &a, &pos, "--param", "a", "--param", "b", "--param", "c", "--param", "d"),
        -1);
    cr_assert_eq(a.nparams, 3);
    stderr_is("vswitchsim: run: at most 3 --param (see vswitchsim --help)\n");
}

Test(cli_options, callback_error_stops, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "--call", "bad", "--quiet"), -1);
    cr_assert_not(a.quiet);
    stderr_is("vswitchsim: run: --call refuses bad (see vswitchsim --help)\n");
}

Test(cli_options, second_positional, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "a.json", "b.json"), -1);
    cr_assert_str_eq(pos, "a.json");
    stderr_is("vswitchsim: run: more than one scenario (b.json) (see vswitchsim --help)\n");
}

Test(cli_options, lone_dash_is_positional_unless_the_command_says, .init = cr_redirect_stderr)
{
    args a = {0};
    const char *pos = NULL;
    cr_assert_eq(PARSE(&plain, &a, &pos, "-"), 0);
    cr_assert_str_eq(pos, "-");
    vs_cli_command dash = {.name = "plugin-info", .positional = "plugin", .dash_is_option = true};
    pos = NULL;
    cr_assert_eq(PARSE(&dash, &a, &pos, "-"), -1);
    cr_assert_null(pos);
}

Test(cli_options, parts_are_searched_in_order_into_their_own_dest)
{
    vs_load_args la = {0};
    args a = {0};
    const char *pos = NULL;
    char *argv[] = {"cmd",           "--seed", "42",      "--set", "a.b=3",
                    "--plugin-path", "/p",     "--quiet", "s.json"};
    vs_cli_part parts[] = {{&vs_cli_load_table, &la}, {&own_table, &a}};
    cr_assert_eq(vs_cli_parse(&plain, parts, 2, 9, argv, &pos), 0);
    vs_cli_finish_load_args(&la);
    cr_assert(la.opts.have_seed);
    cr_assert_eq(la.opts.seed, 42);
    cr_assert_eq(la.opts.noverrides, 1);
    cr_assert_str_eq(la.opts.overrides[0].key, "a.b");
    cr_assert_str_eq(la.opts.overrides[0].value, "3");
    cr_assert_str_eq(la.opts.plugin_path[0], "/p");
    cr_assert_null(la.opts.plugin_path[1]);
    cr_assert(a.quiet);
    cr_assert_str_eq(pos, "s.json");
    vs_cli_free_load_args(&la);
}

static int parse_load(const char *const *words)
{
    vs_load_args la = {0};
    const char *pos = NULL;
    char *argv[8] = {"cmd"};
    int argc = 1;
    while (*words)
        argv[argc++] = (char *)*words++;
    vs_cli_part part = {&vs_cli_load_table, &la};
    int rc = vs_cli_parse(&plain, &part, 1, argc, argv, &pos);
    vs_cli_free_load_args(&la);
    return rc;
}

Test(cli_options, load_options_refuse_what_they_always_did, .init = cr_redirect_stderr)
{
    cr_assert_eq(parse_load((const char *const[]){"--seed", NULL}), -1);
    cr_assert_eq(parse_load((const char *const[]){"--seed", "-1", NULL}), -1);
    cr_assert_eq(parse_load((const char *const[]){"--seed", "9223372036854775808", NULL}), -1);
    cr_assert_eq(parse_load((const char *const[]){"--seed", "9223372036854775807", NULL}), 0);
    cr_assert_eq(parse_load((const char *const[]){"--set", "=x", NULL}), -1);
    stderr_is("vswitchsim: --seed needs a value (see vswitchsim --help)\n"
              "vswitchsim: --seed -1: expected an integer from 0 to 2^63-1 "
              "(see vswitchsim --help)\n"
              "vswitchsim: --seed 9223372036854775808: expected an integer from 0 to 2^63-1 "
              "(see vswitchsim --help)\n"
              "vswitchsim: --set =x: expected KEY=VALUE (see vswitchsim --help)\n");
}

Test(cli_options, help_lists_each_option_once)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    vs_cli_print_options(&own_table, out);
    fclose(out);
    cr_assert_not_null(strstr(text, "  -r, --reps N"));
    cr_assert_not_null(strstr(text, "replications\n"));
    cr_assert_not_null(strstr(text, "--json FILE"));
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 6);
    free(text);
}
