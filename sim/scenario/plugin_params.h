/*
 * plugin_params.h: a callout plugin's "params" as its typed getters read them (the host
 * table's GetParam*, vswitchsim/plugin.h), with the scenario's own readers: integers and
 * numbers in ranges, durations with units, distributions. Each error is one line naming
 * the plugin and the JSON path, the first one kept:
 *   plugin "ft": params.flows_per_port: expected an integer in 0..1623, got "x"
 * and the keys no getter asked for can be refused as unknown afterwards.
 */
#ifndef VS_PLUGIN_PARAMS_H
#define VS_PLUGIN_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/dist.h"

typedef struct vs_plugin_params vs_plugin_params;

/* Parses json (NULL reads as "{}") for the plugin instance named `plugin`; relative
 * empirical sample files are taken from the folder of `scenario_path` (NULL: the current
 * one). Text that is not a JSON object is kept as the first error. NULL when out of
 * memory. */
vs_plugin_params *vs_plugin_params_new(const char *plugin, const char *json,
                                       const char *scenario_path);
void vs_plugin_params_free(vs_plugin_params *pp);

/* `name` is a key or a dotted path of keys into nested objects. Each writes the value,
 * or the default when the key is absent, and returns 0; on a bad value it writes the
 * default and returns -1, keeping the error (the first one only). */
int vs_plugin_params_int(vs_plugin_params *pp, const char *name, int64_t lo, int64_t hi,
                         int64_t dflt, int64_t *out);
int vs_plugin_params_number(vs_plugin_params *pp, const char *name, double lo, double hi,
                            double dflt, double *out);
/* *out points into pp (or is dflt): valid until vs_plugin_params_free. */
int vs_plugin_params_string(vs_plugin_params *pp, const char *name, const char *dflt,
                            const char **out);
int vs_plugin_params_bool(vs_plugin_params *pp, const char *name, bool dflt, bool *out);
int vs_plugin_params_duration(vs_plugin_params *pp, const char *name, uint64_t lo_ns,
                              uint64_t hi_ns, uint64_t dflt_ns, uint64_t *out);
/* dflt_json is a distribution as JSON text; a bad default is an error too (the plugin's).
 * *out is pp's (an empirical one's values), valid until vs_plugin_params_free. */
int vs_plugin_params_dist(vs_plugin_params *pp, const char *name, const char *dflt_json,
                          const vs_dist **out);

/* -1 (and the error) at the first key of params that no getter asked for. */
int vs_plugin_params_check(vs_plugin_params *pp);

/* Whether pp holds memory a getter handed out (a string, an empirical distribution's
 * values): until then the caller may free it after the entry, and keep no copy of the
 * params around for the run. */
bool vs_plugin_params_lent(const vs_plugin_params *pp);

/* Whether a getter has been called; the first error (NULL if none); out of memory. */
bool vs_plugin_params_used(const vs_plugin_params *pp);
const char *vs_plugin_params_error(const vs_plugin_params *pp);
bool vs_plugin_params_oom(const vs_plugin_params *pp);

#endif /* VS_PLUGIN_PARAMS_H */
