/*
 * scenario.h: load a scenario file into a validated vs_config. Strict: malformed JSON,
 * duplicate keys, unknown keys, wrong types and out-of-range values are errors, each
 * reported as one line naming the file, the JSON path and what was expected, e.g.
 *   scenarios/x.json: $.workload.rate_per_s: expected a number > 0, got -3
 *   scenarios/x.json:12:5: duplicate object key "seed"        (JSON syntax: line:column)
 */
#ifndef VS_SCENARIO_H
#define VS_SCENARIO_H

#include <stddef.h>

#include "base/error.h"
#include "base/json_alloc.h"
#include "config/config.h"

/* One --set KEY=VALUE: KEY is a dotted path (`workload.rate_per_s`, `plugins.0.params.x`);
 * VALUE is taken as JSON when it parses as JSON, else as a string (`run.duration=30s`).
 * With value NULL, key holds the whole "KEY=VALUE" argument and the loader splits it
 * (and reports a missing '=' as a --set error naming the file). */
typedef struct vs_override {
    const char *key;
    const char *value;
} vs_override;

typedef struct vs_scenario_options {
    const vs_override *overrides;
    size_t noverrides;
    const char *const *plugin_path; /* --plugin-path dirs, searched first; NULL-terminated,
                                       or NULL */
    int have_seed;                  /* --seed given: it wins over the file and --set */
    unsigned long long seed;
} vs_scenario_options;

/* What vs_scenario_load returns when it ran out of memory, with "FILE: out of memory"
 * in err: no fault of the scenario's. */
#define VS_SCENARIO_OOM (-2)

/* Returns 0 and fills *cfg, or -1 with the one-line message in err (no trailing newline;
 * it names `path`), or VS_SCENARIO_OOM. On failure *cfg holds nothing to free. */
int vs_scenario_load(const char *path, const vs_scenario_options *opts, vs_config *cfg,
                     char err[VS_ERROR_MAX]);

/* The same from text in memory; `name` stands for the file in messages and `base_dir`
 * is where relative plugin paths are taken from. */
int vs_scenario_load_text(const char *text, size_t len, const char *name, const char *base_dir,
                          const vs_scenario_options *opts, vs_config *cfg, char err[VS_ERROR_MAX]);

/* The scenario file's tree as the loader reads it before --set and validation: its
 * "extends" chain merged in (a plain file as it is). NULL, with the one-line message in
 * err, when a file of it cannot be read or parsed. The caller json_decref()s it. */
struct json_t *vs_scenario_tree(const char *path, char err[VS_ERROR_MAX]);

/* The scenario `vswitchsim run` uses without an argument: quickstart.json in
 * vs_scenario_builtin_dir() (builtin_dirs.h): the installed copy beside the program, or
 * the source tree's for a build-tree program. Never NULL. Defined in builtin_dirs.c. */
const char *vs_scenario_default_path(void);

/* "2ms", "1.5s", "250us", "100ns", "1m", "1h" -> ns. Returns -1 unless the whole string
 * is a non-negative finite number with a unit and the result fits in 63 bits. */
int vs_duration_parse(const char *text, vs_time_t *out_ns);

#endif /* VS_SCENARIO_H */
