/*
 * load_options.c: --set, --seed and --plugin-path (load_options.h). Their messages have
 * never named the command, unlike every other option's.
 */
#include "cli/load_options.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int take_set(void *dest, const char *cmd, const char *opt, const char *val)
{
    (void)cmd, (void)opt;
    vs_load_args *la = dest;
    const char *eq = strchr(val, '=');
    if (!eq || eq == val)
        return vs_cli_usage_error("--set %s: expected KEY=VALUE", val), -1;
    if (la->opts.noverrides == VS_MAX_OVERRIDES)
        return vs_cli_usage_error("--set: at most %d overrides", VS_MAX_OVERRIDES), -1;
    /* The key is the part before '='; the value points into argv. */
    char *key = strndup(val, (size_t)(eq - val));
    if (!key)
        return -1;
    la->overrides[la->opts.noverrides++] = (vs_override){key, eq + 1};
    return 0;
}

/* Digits only (strtoull would take " 7", "-1" and "+7"), below 2^63. */
static int take_seed(void *dest, const char *cmd, const char *opt, const char *val)
{
    (void)cmd, (void)opt;
    vs_load_args *la = dest;
    char *end;
    errno = 0;
    unsigned long long seed = *val >= '0' && *val <= '9' ? strtoull(val, &end, 10) : 0;
    if (*val < '0' || *val > '9' || errno || *end || seed > (unsigned long long)INT64_MAX)
        return vs_cli_usage_error("--seed %s: expected an integer from 0 to 2^63-1", val), -1;
    la->opts.seed = seed;
    la->opts.have_seed = 1;
    return 0;
}

static int take_plugin_path(void *dest, const char *cmd, const char *opt, const char *val)
{
    (void)cmd, (void)opt;
    vs_load_args *la = dest;
    if (la->ndirs == VS_MAX_PLUGIN_DIRS)
        return vs_cli_usage_error("--plugin-path: at most %d folders", VS_MAX_PLUGIN_DIRS), -1;
    la->plugin_dirs[la->ndirs++] = val;
    return 0;
}

static const vs_cli_option load_options[] = {
    {.name = "--seed",
     .kind = VS_CLI_CALL,
     .metavar = "N",
     .take = take_seed,
     .call_takes_value = true,
     .help = "the scenario's seed, from 0 to 2^63-1"},
    {.name = "--set",
     .kind = VS_CLI_CALL,
     .metavar = "KEY=VALUE",
     .take = take_set,
     .call_takes_value = true,
     .repeats = true,
     .help = "override a scenario value by its dotted path"},
    {.name = "--plugin-path",
     .kind = VS_CLI_CALL,
     .metavar = "DIR",
     .take = take_plugin_path,
     .call_takes_value = true,
     .repeats = true,
     .help = "look up bare plugin names here first"},
    {0},
};

const vs_cli_table vs_cli_load_table = {load_options, VS_CLI_NEEDS_BARE};

void vs_cli_finish_load_args(vs_load_args *la)
{
    la->plugin_dirs[la->ndirs] = NULL;
    la->opts.overrides = la->overrides;
    la->opts.plugin_path = la->plugin_dirs;
}

void vs_cli_free_load_args(vs_load_args *la)
{
    for (size_t i = 0; i < la->opts.noverrides; i++)
        free((char *)la->overrides[i].key);
    la->opts.noverrides = 0;
}
