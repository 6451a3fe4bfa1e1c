/*
 * set_override.c: --set KEY=VALUE on the parsed tree, before validation, so that an
 * override is checked exactly as if it had been written in the file. KEY is a dotted
 * path (array elements by index); missing object members on the way are created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define WHY_MAX 256

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

/* A decimal index without sign or leading zeros, below `size`; else -1 with why. */
static long parse_index(const char *seg, size_t size, char *why)
{
    size_t n = strlen(seg);
    if (n == 0 || n > 9 || strspn(seg, "0123456789") != n || (seg[0] == '0' && n > 1)) {
        snprintf(why, WHY_MAX, "\"%.64s\" is not an array index", seg);
        return -1;
    }
    long i = strtol(seg, NULL, 10);
    if ((size_t)i >= size) {
        snprintf(why, WHY_MAX, "index %ld out of range (the array has %zu elements)", i, size);
        return -1;
    }
    return i;
}

/* Where the walk is: key[0..prefix) has been walked, seg is the next member. */
typedef struct walk {
    const char *key;
    size_t prefix;
    char *why;
} walk;

static void not_container(const walk *w, const json_t *node)
{
    snprintf(w->why, WHY_MAX, "path goes through %s at \"%.*s\", not an object or array",
             type_name(node), w->prefix ? (int)(w->prefix > 128 ? 128 : w->prefix) : 1,
             w->prefix ? w->key : "$");
}

/* The child named by seg, created as {} in an object when missing. */
static json_t *step(json_t *node, const char *seg, const walk *w)
{
    if (json_is_object(node)) {
        json_t *child = json_object_get(node, seg);
        if (!child && json_object_set_new(node, seg, child = json_object()) < 0)
            child = NULL;
        if (!child)
            snprintf(w->why, WHY_MAX, "cannot create \"%.64s\"", seg);
        return child;
    }
    if (json_is_array(node)) {
        long i = parse_index(seg, json_array_size(node), w->why);
        return i < 0 ? NULL : json_array_get(node, (size_t)i);
    }
    not_container(w, node);
    return NULL;
}

static int set_leaf(json_t *node, const char *seg, json_t *value, const walk *w)
{
    if (json_is_object(node)) {
        if (json_object_set(node, seg, value) == 0)
            return 0;
        snprintf(w->why, WHY_MAX, "cannot set \"%.64s\"", seg);
        return -1;
    }
    if (json_is_array(node)) {
        long i = parse_index(seg, json_array_size(node), w->why);
        return i < 0 ? -1 : json_array_set(node, (size_t)i, value);
    }
    not_container(w, node);
    return -1;
}

/* Walks the dotted key, one segment at a time. -2: out of memory. */
static int set_path(json_t *root, const char *key, json_t *value, char *why)
{
    walk w = {key, 0, why};
    char *copy = strdup(key);
    if (!copy)
        return -2;
    json_t *node = root;
    int rc = -1;
    for (char *seg = copy;; seg += strlen(seg) + 1) {
        char *dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        w.prefix = seg == copy ? 0 : (size_t)(seg - copy - 1);
        if (seg[0] == '\0') {
            snprintf(why, WHY_MAX, "%s", key[0] ? "empty path segment" : "empty key");
            break;
        }
        if (!dot) {
            rc = set_leaf(node, seg, value, &w);
            break;
        }
        if (!(node = step(node, seg, &w)))
            break;
    }
    free(copy);
    return rc;
}

static json_t *parse_value(const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    return v ? v : json_string(text);
}

static int apply_one(vs__sc *sc, json_t *root, const vs_override *ov)
{
    char why[WHY_MAX];
    const char *eq = ov->value ? NULL : strchr(ov->key, '=');
    if (!ov->value && !eq)
        return vs__sc_fail_file(sc, "--set %.200s: expected KEY=VALUE, no '='", ov->key);
    const char *value = ov->value ? ov->value : eq + 1;
    size_t keylen = ov->value ? strlen(ov->key) : (size_t)(eq - ov->key);
    char *key = strndup(ov->key, keylen);
    json_t *v = parse_value(value);
    int rc = 0;
    if (!key)
        rc = vs__sc_oom(sc);
    else if (!v)
        snprintf(why, WHY_MAX, "the value is not valid UTF-8");
    else if ((rc = set_path(root, key, v, why)) == -2)
        rc = vs__sc_oom(sc);
    if (key && (!v || rc < 0))
        rc = vs__sc_fail_file(sc, "--set %.*s=%.200s: %s", (int)(keylen > 200 ? 200 : keylen),
                              ov->key, value, why);
    json_decref(v);
    free(key);
    return rc;
}

int vs__sc_apply_overrides(vs__sc *sc, json_t *root, const vs_override *ov, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (apply_one(sc, root, &ov[i]) < 0)
            return -1;
    return 0;
}
