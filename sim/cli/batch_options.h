/*
 * batch_options.h: the options sweep and plan both take besides the load options
 * (-j/--jobs, --callback-timeout, --quiet): a table fragment whose dest is a
 * vs_batch_args (sweep/batch.h).
 */
#ifndef VS_CLI_BATCH_OPTIONS_H
#define VS_CLI_BATCH_OPTIONS_H

#include "cli/options.h"

extern const vs_cli_table vs_cli_batch_table;

#endif /* VS_CLI_BATCH_OPTIONS_H */
