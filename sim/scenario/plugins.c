/*
 * plugins.c: the scenario's "plugins" list: instance names, the .so each resolves to
 * (sim/scenario/resolve.c), params kept as compact JSON text for the plugin's entry, and
 * where its simulated CPU cost comes from (timing). The loader does not read params:
 * they are the plugin's to check.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/resolve.h"
#include "scenario/scenario-int.h"

#define MAX_PLUGINS 64
#define NAME_MAX_LEN 64
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= NAME_MAX_LEN && strspn(s, NAME_CHARS) == n;
}

/* "dir/flowtable.so" -> "flowtable": the name of an instance that does not give one. */
static char *name_from_ref(const char *ref)
{
    const char *base = strrchr(ref, '/') ? strrchr(ref, '/') + 1 : ref;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".so") == 0)
        n -= 3;
    return strndup(base, n);
}

static int parse_name(vs__sc *sc, const json_t *entry, const char *ref, vs_plugin_spec *p)
{
    const json_t *v = json_object_get(entry, "name");
    if (!v) {
        p->name = name_from_ref(ref);
        if (!p->name)
            return vs__sc_oom(sc);
        if (!valid_name(p->name))
            return vs__sc_fail(sc, entry,
                               "expected a \"name\" ([A-Za-z0-9_.-]{1,64}); the "
                               "path gives none");
        return 0;
    }
    size_t old = vs__sc_push_key(sc, "name");
    const char *s = json_string_value(v);
    if (!s || !valid_name(s))
        return vs__sc_fail(sc, v, "expected a name of 1..64 characters [A-Za-z0-9_.-]");
    p->name = strdup(s);
    vs__sc_pop(sc, old);
    return p->name ? 0 : vs__sc_oom(sc);
}

static int check_unique(vs__sc *sc, const json_t *entry, const vs_config *cfg, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (strcmp(cfg->plugins[j].name, cfg->plugins[i].name) != 0)
            continue;
        const json_t *v = json_object_get(entry, "name");
        if (v)
            vs__sc_push_key(sc, "name");
        return vs__sc_fail(sc, v ? v : entry,
                           "expected a name not used by another plugin ($.plugins[%zu] is "
                           "\"%s\" too)",
                           j, cfg->plugins[j].name);
    }
    return 0;
}

static int parse_path(vs__sc *sc, const json_t *entry, char **ref)
{
    if (vs__sc_string(sc, entry, "path", NULL, VS__SC_STRING_MAX, ref) < 0)
        return -1;
    if ((*ref)[0] != '\0')
        return 0;
    vs__sc_push_key(sc, "path");
    return vs__sc_fail(sc, json_object_get(entry, "path"), "expected a plugin name or path");
}

static int resolve(vs__sc *sc, const char *ref, vs_plugin_spec *p)
{
    char why[VS_ERROR_MAX / 2];
    size_t old = vs__sc_push_key(sc, "path"); /* a relative path is the file's that has it */
    p->path = vs_plugin_resolve(ref, vs__sc_dir_here(sc), sc->plugin_path, why, sizeof why);
    if (p->path) {
        vs__sc_pop(sc, old);
        return 0;
    }
    if (strcmp(why, VS_RESOLVE_OOM) == 0)
        return vs__sc_oom(sc);
    return vs__sc_fail(sc, NULL, "%s", why);
}

static int parse_params(vs__sc *sc, const json_t *entry, vs_plugin_spec *p)
{
    const json_t *params;
    if (vs__sc_object(sc, entry, "params", false, &params) < 0)
        return -1;
    p->params_json = params ? json_dumps(params, JSON_COMPACT) : strdup("{}");
    return p->params_json ? 0 : vs__sc_oom(sc);
}

/* "timing" and "timing_scale": where the plugin's simulated CPU cost comes from. The
 * scale only means something for measured time, so it is refused with "charged". */
static int parse_timing(vs__sc *sc, const json_t *entry, size_t i, vs_plugin_timing *t)
{
    static const char *const modes[] = {"charged", "measured", NULL};
    int mode = VS_TIMING_CHARGED;
    if (vs__sc_enum(sc, entry, "timing", modes, VS_TIMING_CHARGED, &mode) < 0)
        return -1;
    *t = (vs_plugin_timing){(vs_timing_mode)mode, 1.0};
    if (t->mode != VS_TIMING_MEASURED)
        return vs__sc_absent(sc, entry, "timing_scale",
                             "only with timing \"measured\" (plugins[%zu].timing is \"%s\")", i,
                             modes[mode]);
    return vs__sc_number(sc, entry, "timing_scale", false, 0, true, 1e6, false, &t->scale);
}

static int parse_entry(vs__sc *sc, const json_t *entry, vs_config *cfg, size_t i)
{
    static const char *const keys[] = {"name", "path", "params", "timing", "timing_scale", NULL};
    vs_plugin_spec *p = &cfg->plugins[i];
    char *ref = NULL;
    if (!json_is_object(entry))
        return vs__sc_fail(sc, entry, "expected an object");
    int rc = vs__sc_check_keys(sc, entry, keys);
    if (rc == 0)
        rc = parse_path(sc, entry, &ref);
    if (rc == 0)
        rc = parse_name(sc, entry, ref, p);
    if (rc == 0)
        rc = check_unique(sc, entry, cfg, i);
    if (rc == 0)
        rc = resolve(sc, ref, p);
    if (rc == 0)
        rc = parse_params(sc, entry, p);
    if (rc == 0)
        rc = parse_timing(sc, entry, i, &cfg->plugin_timing[i]);
    free(ref);
    return rc;
}

int vs__sc_plugins(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *arr = json_object_get(root, "plugins");
    size_t old = vs__sc_push_key(sc, "plugins");
    if (!arr)
        return vs__sc_fail(sc, NULL, "missing required key (use [] for no plugins)");
    if (!json_is_array(arr) || json_array_size(arr) > MAX_PLUGINS)
        return vs__sc_fail(sc, arr, "expected an array of 0..%d plugins", MAX_PLUGINS);
    size_t n = json_array_size(arr);
    cfg->plugins = n ? calloc(n, sizeof *cfg->plugins) : NULL;
    cfg->plugin_timing = n ? calloc(n, sizeof *cfg->plugin_timing) : NULL;
    if (n && (!cfg->plugins || !cfg->plugin_timing))
        return vs__sc_oom(sc);
    cfg->nplugins = n;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_entry(sc, json_array_get(arr, i), cfg, i) < 0)
            return -1;
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}
