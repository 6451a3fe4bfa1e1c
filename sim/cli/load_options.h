/*
 * load_options.h: the options that shape how a scenario is loaded (--set, --seed,
 * --plugin-path), which run, validate, sweep and plan all take: a table fragment each
 * command parses with its own, and the storage the loader's options point into.
 */
#ifndef VS_CLI_LOAD_OPTIONS_H
#define VS_CLI_LOAD_OPTIONS_H

#include <stddef.h>

#include "cli/options.h"
#include "scenario/scenario.h"

#define VS_MAX_OVERRIDES 256
#define VS_MAX_PLUGIN_DIRS 32

typedef struct vs_load_args {
    vs_override overrides[VS_MAX_OVERRIDES];         /* keys owned (vs_cli_free_load_args) */
    const char *plugin_dirs[VS_MAX_PLUGIN_DIRS + 1]; /* NULL-terminated */
    size_t ndirs;
    vs_scenario_options opts;
} vs_load_args;

/* The fragment; its part's dest is a vs_load_args. */
extern const vs_cli_table vs_cli_load_table;

/* Points opts at the overrides and folders taken: call once parsing is done. */
void vs_cli_finish_load_args(vs_load_args *la);
void vs_cli_free_load_args(vs_load_args *la);

#endif /* VS_CLI_LOAD_OPTIONS_H */
