/*
 * extends.c: a scenario that extends another ("extends": "quickstart.json"). The chain
 * of files is read first, each relative to the folder of the file naming it; the merge
 * (a JSON merge patch, RFC 7386, of each file over its base) is then validated like any
 * scenario. What a value's error names is the file the value came from, found again
 * from the error's JSON path, so that the validators need not know about any of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/scenario-int.h"

void vs__sc_origins_free(vs__sc *sc)
{
    for (size_t i = 0; i < sc->norigins; i++) {
        free(sc->origins[i].file);
        free(sc->origins[i].dir);
        free(sc->origins[i].text);
        json_decref(sc->origins[i].tree);
    }
    free(sc->origins);
    sc->origins = NULL;
    sc->norigins = 0;
    sc->root = NULL;
}

/* dir/name, without "./" in front of name; name as is when absolute. */
static char *join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !dir[0])
        return strdup(name);
    while (strncmp(name, "./", 2) == 0)
        name += 2 + strspn(name + 2, "/");
    if (strcmp(dir, ".") == 0)
        return strdup(name);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return path;
}

/* "a.json -> b.json -> a.json", for the cycle's message. */
static void chain_text(const vs__sc *sc, const char *again, char *buf, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; i < sc->norigins && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s -> ", sc->origins[i].file);
    if (len < size)
        snprintf(buf + len, size - len, "%s", again);
}

/* The value of origins[k]'s "extends", or NULL after an error (at $.extends, naming
 * origins[k]'s file). */
static const char *extends_value(vs__sc *sc, size_t k)
{
    const json_t *v = json_object_get(sc->origins[k].tree, "extends");
    const char *name = json_string_value(v);
    if (name && name[0])
        return name;
    size_t old = vs__sc_push_key(sc, "extends");
    vs__sc_fail(sc, v, "expected the name of a scenario file to extend");
    vs__sc_pop(sc, old);
    return NULL;
}

/* Whether the file with this id is in the chain already. */
static bool in_chain(const vs__sc *sc, const uint64_t id[2])
{
    if (id[0] == 0 && id[1] == 0)
        return false;
    for (size_t i = 0; i < sc->norigins; i++)
        if (sc->origins[i].id[0] == id[0] && sc->origins[i].id[1] == id[1])
            return true;
    return false;
}

/* Reads the file the scenario's chain goes on to: an error at the current $.extends
 * when it cannot be opened, is in the chain already or would make it too long.
 * Returns its text, NUL-terminated (for position()). */
static char *read_base(vs__sc *sc, const char *path, size_t *len, uint64_t id[2])
{
    const char *why = NULL;
    int fd = vs__open_regular(path, &why);
    if (fd < 0)
        return vs__sc_fail(sc, NULL, "%s: %s", path, why), NULL;
    close(fd); /* read again below, by the loader's own reader */
    if (sc->norigins >= VS__SC_EXTENDS_MAX)
        return vs__sc_fail(sc, NULL, "expected at most %d files in a chain of \"extends\"",
                           VS__SC_EXTENDS_MAX),
               NULL;
    const char *naming = sc->now_file;
    sc->now_file = path; /* what goes wrong reading it is the base's */
    char *text = vs__sc_read_path(sc, path, len, id);
    sc->now_file = naming;
    char *ended = text ? realloc(text, *len + 1) : NULL;
    if (text && !ended) {
        free(text);
        return vs__sc_oom(sc), NULL;
    }
    if (ended)
        ended[*len] = '\0';
    if (ended && in_chain(sc, id)) {
        char chain[VS_ERROR_MAX / 2];
        chain_text(sc, path, chain, sizeof chain);
        vs__sc_fail(sc, NULL, "a cycle of \"extends\" (%s)", chain);
        free(ended);
        return NULL;
    }
    return ended;
}

/* The file origins[k] extends, parsed, as origins[k + 1]. */
static int load_base(vs__sc *sc, size_t k, vs__sc_parse_fn *parse)
{
    sc->now_file = k ? sc->origins[k].file : NULL; /* $.extends errors are origins[k]'s */
    const char *name = extends_value(sc, k);
    char *path = name ? join(sc->origins[k].dir, name) : NULL;
    if (name && !path)
        return vs__sc_oom(sc);
    vs__sc_origin base = {.file = path};
    size_t len = 0, old = vs__sc_push_key(sc, "extends");
    base.text = path ? read_base(sc, path, &len, base.id) : NULL;
    vs__sc_pop(sc, old);
    sc->now_file = path;
    base.tree = base.text ? parse(sc, path, base.text, len) : NULL;
    if (base.tree && !json_is_object(base.tree))
        vs__sc_fail(sc, base.tree, "expected an object");
    if (base.tree && !sc->failed && !(base.dir = vs__sc_dir_of(path)))
        vs__sc_oom(sc);
    sc->now_file = NULL;
    if (sc->failed) {
        free(path);
        free(base.dir);
        free(base.text);
        json_decref(base.tree);
        return -1;
    }
    sc->origins[sc->norigins++] = base;
    return 0;
}

/* RFC 7386 over dst: src's objects merged into dst's, null removes, the rest replaces.
 * The top level's "extends" is the chain's, not a value. */
static int merge_patch(json_t *dst, const json_t *src, bool top)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)src, key, v) {
        json_t *old = json_object_get(dst, key);
        int rc;
        if (top && strcmp(key, "extends") == 0)
            continue;
        if (json_is_null(v)) {
            json_object_del(dst, key);
            continue;
        }
        if (json_is_object(v)) {
            json_t *into = json_is_object(old) ? json_incref(old) : json_object();
            rc = into && merge_patch(into, v, false) == 0 ? json_object_set(dst, key, into) : -1;
            json_decref(into);
        } else {
            rc = json_object_set_new(dst, key, json_deep_copy(v));
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* What describes a file rather than what it models is the scenario's own: a base's
 * name or description would misname the report of the scenario that extends it. */
static const char *const own_keys[] = {"$schema", "name", "description"};

static int keep_own(json_t *merged, const json_t *top)
{
    for (size_t i = 0; i < sizeof own_keys / sizeof own_keys[0]; i++) {
        json_t *v = json_object_get(top, own_keys[i]);
        if (!v)
            json_object_del(merged, own_keys[i]); /* -1 when absent: nothing to remove */
        else if (json_object_set_new(merged, own_keys[i], json_deep_copy(v)) < 0)
            return -1;
    }
    return 0;
}

static json_t *merge_chain(const vs__sc *sc)
{
    json_t *merged = json_deep_copy(sc->origins[sc->norigins - 1].tree);
    for (size_t k = sc->norigins - 1; merged && k-- > 0;)
        if (merge_patch(merged, sc->origins[k].tree, true) < 0) {
            json_decref(merged);
            return NULL;
        }
    if (merged && keep_own(merged, sc->origins[0].tree) < 0) {
        json_decref(merged);
        return NULL;
    }
    return merged;
}

static int start_chain(vs__sc *sc, json_t *root)
{
    sc->origins = calloc(VS__SC_EXTENDS_MAX, sizeof *sc->origins);
    if (!sc->origins)
        return vs__sc_oom(sc);
    vs__sc_origin *top = &sc->origins[sc->norigins++];
    top->file = strdup(sc->file);
    top->dir = strdup(sc->base_dir ? sc->base_dir : ".");
    top->tree = json_incref(root);
    memcpy(top->id, sc->file_id, sizeof top->id);
    return top->file && top->dir ? 0 : vs__sc_oom(sc);
}

int vs__sc_extends(vs__sc *sc, json_t **root, vs__sc_parse_fn *parse)
{
    if (!json_is_object(*root) || !json_object_get(*root, "extends"))
        return 0;
    if (start_chain(sc, *root) < 0)
        return -1;
    for (size_t k = 0; json_object_get(sc->origins[k].tree, "extends"); k++)
        if (load_base(sc, k, parse) < 0)
            return -1;
    json_t *merged = merge_chain(sc);
    if (!merged)
        return vs__sc_oom(sc);
    json_decref(*root);
    *root = merged;
    return 0;
}

/* Origin lookup ------------------------------------------------------------------ */

/* The next segment of a JSON path as vs__sc_push_* wrote it: .key, [index] or
 * ["key"], into key (index -1) or index. False at the end of the path or at a segment
 * it cannot read back (one cut with "..."). */
static bool next_segment(const char **p, char key[VS__SC_PATH_MAX], long *index)
{
    const char *s = *p;
    *index = -1;
    if (s[0] == '.') {
        size_t len = strcspn(s + 1, ".[");
        snprintf(key, VS__SC_PATH_MAX, "%.*s", (int)len, s + 1);
        s += 1 + len;
    } else if (s[0] == '[' && s[1] == '"') {
        const char *end = strstr(s, "\"]"); /* keys with "] inside are not read back */
        json_t *k = end ? json_loadb(s + 1, (size_t)(end - s), JSON_DECODE_ANY, NULL) : NULL;
        bool ok = json_is_string(k) && json_string_length(k) < VS__SC_PATH_MAX &&
                  !memchr(json_string_value(k), 0, json_string_length(k));
        if (ok)
            snprintf(key, VS__SC_PATH_MAX, "%s", json_string_value(k));
        json_decref(k);
        if (!ok)
            return false;
        s = end + 2;
    } else if (s[0] == '[') {
        char *end;
        *index = strtol(s + 1, &end, 10);
        if (*end != ']' || *index < 0)
            return false;
        s = end + 1;
    } else {
        return false;
    }
    *p = s;
    return true;
}

/* Steps each of the n nodes along the next segment of the path. */
static bool step_nodes(const char **p, const json_t **nodes, size_t n)
{
    char key[VS__SC_PATH_MAX];
    long index;
    if (!next_segment(p, key, &index))
        return false;
    for (size_t i = 0; i < n; i++)
        nodes[i] = index >= 0 ? json_array_get(nodes[i], (size_t)index)
                              : json_object_get(nodes[i], key);
    return true;
}

/* Where a value is in a file's text ------------------------------------------------ */

/* The text of a file that parsed: no need to check for errors, only to find ends. */
static const char *skip_blanks(const char *s)
{
    return s + strspn(s, " \t\r\n");
}

static const char *skip_string(const char *s)
{
    for (s++; *s && *s != '"'; s++)
        if (*s == '\\' && s[1])
            s++;
    return *s ? s + 1 : s;
}

static const char *skip_value(const char *s)
{
    if (*s == '"')
        return skip_string(s);
    if (*s != '{' && *s != '[')
        return s + strcspn(s, ",]} \t\r\n");
    int depth = 0;
    do {
        if (*s == '"') {
            s = skip_string(s);
            continue;
        }
        depth += (*s == '{' || *s == '[') - (*s == '}' || *s == ']');
        s++;
    } while (*s && depth > 0);
    return s;
}

/* In the object or array at s, the value of member key (index -1) or element index. */
static const char *find_in(const char *s, const char *key, long index)
{
    bool object = *s == '{';
    s = skip_blanks(s + 1);
    for (long i = 0; *s && *s != '}' && *s != ']'; i++) {
        bool hit = i == index;
        if (object) {
            const char *end = skip_string(s);
            json_t *k = json_loadb(s, (size_t)(end - s), JSON_DECODE_ANY, NULL);
            hit = index < 0 && json_is_string(k) && strcmp(json_string_value(k), key) == 0;
            json_decref(k);
            s = skip_blanks(skip_blanks(end) + 1); /* past ':' */
        }
        if (hit)
            return s;
        s = skip_blanks(skip_value(s));
        s = skip_blanks(s + (*s == ','));
    }
    return NULL;
}

/* "LINE:COLUMN" of the value at sc's path in origin o's text, or false. */
static bool position(const vs__sc *sc, const vs__sc_origin *o, int *line, int *column)
{
    const char *p = sc->path + 1, *s = o->text ? skip_blanks(o->text) : NULL;
    char key[VS__SC_PATH_MAX];
    long index;
    while (s && *p)
        if (!next_segment(&p, key, &index) || (*s != '{' && *s != '[') ||
            !(s = find_in(s, key, index)))
            return false;
    if (!s)
        return false;
    *line = 1;
    const char *bol = o->text;
    for (const char *c = o->text; c < s; c++)
        if (*c == '\n') {
            ++*line;
            bol = c + 1;
        }
    *column = (int)(s - bol) + 1;
    return true;
}

int vs__sc_origin_position(const vs__sc *sc, const vs__sc_origin *o, char *buf, size_t size)
{
    int line, column;
    if (!position(sc, o, &line, &column))
        return 0;
    return snprintf(buf, size, ":%d:%d", line, column);
}

const vs__sc_origin *vs__sc_origin_here(const vs__sc *sc)
{
    if (sc->norigins < 2 || !sc->root)
        return NULL;
    /* nodes[0]: the merged tree; nodes[1 + k]: origins[k]'s. */
    const json_t *nodes[VS__SC_EXTENDS_MAX + 1];
    nodes[0] = sc->root;
    for (size_t k = 0; k < sc->norigins; k++)
        nodes[1 + k] = sc->origins[k].tree;
    const char *p = sc->path + 1; /* after "$" */
    while (*p)
        if (!step_nodes(&p, nodes, sc->norigins + 1))
            return NULL;
    if (!nodes[0] || sc->path[1] == '\0')
        return NULL;
    for (size_t k = 0; k < sc->norigins; k++)
        if (nodes[1 + k] && json_equal(nodes[0], nodes[1 + k]))
            return k ? &sc->origins[k] : NULL;
    return NULL;
}

const vs__sc_origin *vs__sc_origin_named(const vs__sc *sc, const char *file)
{
    for (size_t k = 1; k < sc->norigins; k++)
        if (sc->origins[k].file == file)
            return &sc->origins[k];
    return NULL;
}

const char *vs__sc_dir_here(const vs__sc *sc)
{
    const vs__sc_origin *o = vs__sc_origin_here(sc);
    return o ? o->dir : sc->base_dir;
}
