/*
 * batch_options.c: -j, --callback-timeout and --quiet of sweep and plan (batch_options.h).
 */
#include "cli/batch_options.h"

#include <stddef.h>

#include "sweep/batch.h"

static const vs_cli_option batch_options[] = {
    {.name = "--jobs",
     .short_name = "-j",
     .kind = VS_CLI_NUMBER,
     .metavar = "N",
     .help = "runs at once on this machine (default: one per CPU)",
     .offset = offsetof(vs_batch_args, jobs),
     .lo = 1,
     .hi = 4096,
     .integer = true},
    {.name = "--callback-timeout",
     .kind = VS_CLI_NUMBER,
     .metavar = "SECONDS",
     .help = "a callout running longer (wall time) fails its run",
     .offset = offsetof(vs_batch_args, callback_timeout),
     .lo = 1e-6,
     .hi = 1e6},
    {.name = "--quiet",
     .kind = VS_CLI_FLAG,
     .help = "no table, no progress",
     .offset = offsetof(vs_batch_args, quiet)},
    {0},
};

const vs_cli_table vs_cli_batch_table = {batch_options, VS_CLI_NEEDS_NAMED};
