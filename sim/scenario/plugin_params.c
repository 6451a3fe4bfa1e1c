/*
 * plugin_params.c: a plugin's "params" read through its typed getters, with the
 * scenario loader's readers and its one-line errors (plugin_params.h). Each getter runs
 * the loader's code on a fresh vs__sc whose "file" is the plugin and whose path starts at
 * "params", so that a later getter is not taken for failed by an earlier one; pp keeps
 * the first error.
 */
#include "scenario/plugin_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/json_alloc.h"
#include "scenario/scenario-int.h"

#define NAME_MAX_LEN 256 /* a getter's dotted name */

typedef struct dist_node {
    vs_dist dist;
    struct dist_node *next;
} dist_node;

struct vs_plugin_params {
    char label[96]; /* `plugin "ft"`: where each message starts */
    char *base_dir; /* empirical sample files are taken from here */
    json_t *root;   /* the params object; NULL when the text was not one */
    char **read;    /* the names the getters asked for */
    size_t nread, read_cap;
    dist_node *dists; /* what the distribution getters returned */
    bool used, oom, lent;
    char *err; /* the first error; allocated then, as most instances have none */
};

/* The folder of path, or NULL for the current one. */
static char *dir_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return NULL;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* A getter's vs__sc: "plugin \"NAME\": params...: what". */
static void sc_begin(const vs_plugin_params *pp, vs__sc *sc, char *err)
{
    vs__sc_init(sc, pp->label, err);
    sc->base_dir = pp->base_dir;
    strcpy(sc->path, "params");
    sc->pathlen = strlen(sc->path);
}

/* Keeps sc's error if it is the first; returns -1 for `return keep(...)`. */
static int keep(vs_plugin_params *pp, const vs__sc *sc)
{
    if (sc->oom)
        pp->oom = true;
    else if (!pp->err && sc->err[0] && !(pp->err = strdup(sc->err)))
        pp->oom = true;
    return -1;
}

vs_plugin_params *vs_plugin_params_new(const char *plugin, const char *json,
                                       const char *scenario_path)
{
    vs_plugin_params *pp = calloc(1, sizeof *pp);
    if (!pp)
        return NULL;
    snprintf(pp->label, sizeof pp->label, "plugin \"%.80s\"", plugin ? plugin : "?");
    pp->base_dir = dir_of(scenario_path);
    if (scenario_path && strchr(scenario_path, '/') && !pp->base_dir)
        return free(pp), NULL;
    unsigned long failures = vs_json_alloc_failures();
    json_error_t jerr;
    pp->root = json_loads(json ? json : "{}", JSON_REJECT_DUPLICATES, &jerr);
    if (vs_json_alloc_failures() != failures)
        return vs_plugin_params_free(pp), NULL;
    vs__sc sc;
    char err[VS_ERROR_MAX];
    sc_begin(pp, &sc, err);
    if (!pp->root)
        keep(pp, (vs__sc_fail(&sc, NULL, "%d:%d: %s", jerr.line, jerr.column, jerr.text), &sc));
    else if (!json_is_object(pp->root))
        keep(pp, (vs__sc_fail(&sc, pp->root, "expected an object"), &sc));
    return pp;
}

void vs_plugin_params_free(vs_plugin_params *pp)
{
    if (!pp)
        return;
    for (size_t i = 0; i < pp->nread; i++)
        free(pp->read[i]);
    free(pp->read);
    while (pp->dists) {
        dist_node *n = pp->dists;
        pp->dists = n->next;
        vs_dist_close(&n->dist);
        free(n);
    }
    json_decref(pp->root);
    free(pp->base_dir);
    free(pp->err);
    free(pp);
}

static bool was_read(const vs_plugin_params *pp, const char *name)
{
    for (size_t i = 0; i < pp->nread; i++)
        if (strcmp(pp->read[i], name) == 0)
            return true;
    return false;
}

static void note_read(vs_plugin_params *pp, const char *name)
{
    pp->used = true;
    if (was_read(pp, name))
        return;
    char *copy = strdup(name);
    if (!copy || VS_GROW(pp->read, pp->read_cap, pp->nread + 1) != 0) {
        free(copy);
        pp->oom = true;
        return;
    }
    pp->read[pp->nread++] = copy;
}

/* Notes name and finds the object holding its last key, with sc's path at that object:
 * 0 with *parent (NULL when some object on the way is absent: the default applies) and
 * *leaf in buf, or -1 with sc's error. */
static int locate(vs_plugin_params *pp, vs__sc *sc, const char *name, char *buf,
                  const json_t **parent, const char **leaf)
{
    *parent = NULL;
    if (!name || !name[0] || strlen(name) >= NAME_MAX_LEN)
        return vs__sc_fail(sc, NULL,
                           "a getter asked for a param with no name or a name over %d "
                           "bytes (a bug in the plugin)",
                           NAME_MAX_LEN - 1);
    note_read(pp, name);
    if (!pp->root || !json_is_object(pp->root))
        return vs__sc_fail(sc, NULL, "not an object, so no \"%s\"", name);
    strcpy(buf, name);
    const json_t *obj = pp->root;
    char *seg = buf, *dot;
    while ((dot = strchr(seg, '.')) != NULL) {
        *dot = '\0';
        const json_t *v = json_object_get(obj, seg);
        vs__sc_push_key(sc, seg);
        if (!v)
            return *leaf = dot + 1, 0;
        if (!json_is_object(v))
            return vs__sc_fail(sc, v, "expected an object");
        obj = v;
        seg = dot + 1;
    }
    *parent = obj;
    *leaf = seg;
    return 0;
}

/* The value at name, with sc's path at it; NULL when absent. -1 in *rc on an error. */
static const json_t *value_of(vs_plugin_params *pp, vs__sc *sc, const char *name, char *buf,
                              int *rc)
{
    const json_t *parent;
    const char *leaf;
    *rc = locate(pp, sc, name, buf, &parent, &leaf);
    const json_t *v = *rc == 0 ? json_object_get(parent, leaf) : NULL;
    if (v)
        vs__sc_push_key(sc, leaf);
    return v;
}

/* The plugin's default outside its own range: the plugin's bug, said as such. */
static int bad_default(vs_plugin_params *pp, vs__sc *sc, const char *name, const char *what)
{
    vs__sc_fail(sc, NULL, "the plugin's default for \"%s\" is %s (a bug in the plugin)", name,
                what);
    return keep(pp, sc);
}

int vs_plugin_params_int(vs_plugin_params *pp, const char *name, int64_t lo, int64_t hi,
                         int64_t dflt, int64_t *out)
{
    vs__sc sc;
    char err[VS_ERROR_MAX], buf[NAME_MAX_LEN];
    const json_t *parent;
    const char *leaf;
    *out = dflt;
    sc_begin(pp, &sc, err);
    if (dflt < lo || dflt > hi)
        return bad_default(pp, &sc, name, "out of its range");
    int64_t v = dflt;
    if (locate(pp, &sc, name, buf, &parent, &leaf) < 0 ||
        vs__sc_int(&sc, parent, leaf, false, lo, hi, &v) < 0)
        return keep(pp, &sc);
    *out = v;
    return 0;
}

int vs_plugin_params_number(vs_plugin_params *pp, const char *name, double lo, double hi,
                            double dflt, double *out)
{
    vs__sc sc;
    char err[VS_ERROR_MAX], buf[NAME_MAX_LEN];
    const json_t *parent;
    const char *leaf;
    *out = dflt;
    sc_begin(pp, &sc, err);
    if (!(dflt >= lo && dflt <= hi))
        return bad_default(pp, &sc, name, "out of its range");
    double v = dflt;
    if (locate(pp, &sc, name, buf, &parent, &leaf) < 0 ||
        vs__sc_number(&sc, parent, leaf, false, lo, false, hi, false, &v) < 0)
        return keep(pp, &sc);
    *out = v;
    return 0;
}

int vs_plugin_params_string(vs_plugin_params *pp, const char *name, const char *dflt,
                            const char **out)
{
    vs__sc sc;
    char err[VS_ERROR_MAX], buf[NAME_MAX_LEN];
    int rc;
    *out = dflt;
    sc_begin(pp, &sc, err);
    const json_t *v = value_of(pp, &sc, name, buf, &rc);
    if (rc < 0 || (v && !json_is_string(v)))
        return rc < 0 ? keep(pp, &sc) : (vs__sc_fail(&sc, v, "expected a string"), keep(pp, &sc));
    if (v) {
        *out = json_string_value(v);
        pp->lent = true;
    }
    return 0;
}

int vs_plugin_params_bool(vs_plugin_params *pp, const char *name, bool dflt, bool *out)
{
    vs__sc sc;
    char err[VS_ERROR_MAX], buf[NAME_MAX_LEN];
    int rc;
    *out = dflt;
    sc_begin(pp, &sc, err);
    const json_t *v = value_of(pp, &sc, name, buf, &rc);
    if (rc < 0 || (v && !json_is_boolean(v)))
        return rc < 0 ? keep(pp, &sc)
                      : (vs__sc_fail(&sc, v, "expected true or false"), keep(pp, &sc));
    if (v)
        *out = json_is_true(v);
    return 0;
}

/* ns in the largest unit that writes it exactly: "1500us", "20ms", "0ns". */
static void show_duration(uint64_t ns, char *buf, size_t size)
{
    static const struct {
        const char *unit;
        uint64_t ns;
    } units[] = {{"h", 3600000000000ull}, {"m", 60000000000ull}, {"s", 1000000000ull},
                 {"ms", 1000000ull},      {"us", 1000ull},       {"ns", 1ull}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (ns % units[i].ns == 0) {
            snprintf(buf, size, "%llu%s", (unsigned long long)(ns / units[i].ns), units[i].unit);
            return;
        }
}

static int duration_range_error(vs__sc *sc, const json_t *v, uint64_t lo, uint64_t hi)
{
    char a[32], b[32];
    show_duration(lo, a, sizeof a);
    show_duration(hi, b, sizeof b);
    if (hi >= (uint64_t)INT64_MAX)
        return vs__sc_fail(sc, v, "expected a duration of at least %s", a);
    return vs__sc_fail(sc, v, "expected a duration from %s to %s", a, b);
}

int vs_plugin_params_duration(vs_plugin_params *pp, const char *name, uint64_t lo_ns,
                              uint64_t hi_ns, uint64_t dflt_ns, uint64_t *out)
{
    vs__sc sc;
    char err[VS_ERROR_MAX], buf[NAME_MAX_LEN];
    int rc;
    *out = dflt_ns;
    sc_begin(pp, &sc, err);
    if (dflt_ns < lo_ns || dflt_ns > hi_ns)
        return bad_default(pp, &sc, name, "out of its range");
    const json_t *v = value_of(pp, &sc, name, buf, &rc);
    vs_time_t ns = dflt_ns;
    if (rc < 0 || (v && vs__sc_duration_value(&sc, v, 0, &ns) < 0))
        return keep(pp, &sc);
    if (ns < lo_ns || ns > hi_ns)
        return duration_range_error(&sc, v, lo_ns, hi_ns), keep(pp, &sc);
    *out = ns;
    return 0;
}

int vs_plugin_params_dist(vs_plugin_params *pp, const char *name, const char *dflt_json,
                          const vs_dist **out)
{
    vs__sc sc;
    char err[VS_ERROR_MAX], buf[NAME_MAX_LEN];
    const json_t *parent;
    const char *leaf;
    *out = NULL;
    sc_begin(pp, &sc, err);
    dist_node *n = calloc(1, sizeof *n);
    if (!n)
        return pp->oom = true, -1;
    vs_dist_constant(&n->dist, 0);
    n->next = pp->dists; /* pp's from now on, whatever happens */
    pp->dists = n;
    *out = &n->dist;
    if (locate(pp, &sc, name, buf, &parent, &leaf) < 0)
        return keep(pp, &sc);
    if (!json_object_get(parent, leaf) && !dflt_json) /* no default: a required key */
        return vs__sc_push_key(&sc, leaf), vs__sc_fail(&sc, NULL, "missing required key"),
               keep(pp, &sc);
    vs_dist d;
    if (vs__sc_dist(&sc, parent, leaf, dflt_json, &d) < 0)
        return keep(pp, &sc);
    n->dist = d;
    pp->lent = pp->lent || d.kind == VS_DIST_EMPIRICAL;
    return 0;
}

/* The names read directly under prefix ("" for the top), as "a, b, c" in list. */
static void names_under(const vs_plugin_params *pp, const char *prefix, char *list, size_t size)
{
    size_t np = strlen(prefix), len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < pp->nread && len < size; i++) {
        const char *r = pp->read[i];
        if (strncmp(r, prefix, np) != 0 || (np && r[np] != '.'))
            continue;
        const char *rest = r + np + (np ? 1 : 0);
        size_t seg = strcspn(rest, ".");
        len += (size_t)snprintf(list + len, size - len, "%s%.*s", len ? ", " : "", (int)seg, rest);
    }
}

/* Whether some name read lies under the object at dotted. */
static bool read_under(const vs_plugin_params *pp, const char *dotted)
{
    size_t n = strlen(dotted);
    for (size_t i = 0; i < pp->nread; i++)
        if (strncmp(pp->read[i], dotted, n) == 0 && pp->read[i][n] == '.')
            return true;
    return false;
}

static int check_object(vs_plugin_params *pp, vs__sc *sc, const json_t *obj, const char *prefix)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        char dotted[NAME_MAX_LEN * 2];
        snprintf(dotted, sizeof dotted, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        size_t old = vs__sc_push_key(sc, key);
        if (json_is_object(v) && read_under(pp, dotted)) {
            if (check_object(pp, sc, v, dotted) < 0)
                return -1;
        } else if (!was_read(pp, dotted)) {
            char list[512];
            names_under(pp, prefix, list, sizeof list);
            if (!list[0])
                return vs__sc_fail(sc, NULL, "unknown key (the plugin takes no params%s%s)",
                                   prefix[0] ? " under " : "", prefix);
            return vs__sc_fail(sc, NULL, "unknown key (expected one of: %s)", list);
        }
        vs__sc_pop(sc, old);
    }
    return 0;
}

int vs_plugin_params_check(vs_plugin_params *pp)
{
    if (pp->err || pp->oom || !pp->root)
        return -1;
    vs__sc sc;
    char err[VS_ERROR_MAX];
    sc_begin(pp, &sc, err);
    return check_object(pp, &sc, pp->root, "") < 0 ? keep(pp, &sc) : 0;
}

bool vs_plugin_params_lent(const vs_plugin_params *pp)
{
    return pp->lent;
}

bool vs_plugin_params_used(const vs_plugin_params *pp)
{
    return pp->used;
}

const char *vs_plugin_params_error(const vs_plugin_params *pp)
{
    return pp->err;
}

bool vs_plugin_params_oom(const vs_plugin_params *pp)
{
    return pp->oom;
}
