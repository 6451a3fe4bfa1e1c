/*
 * getters.c: the loader's small vocabulary: the JSON path being checked, the one-line
 * error (first one wins), and typed getters with ranges and defaults, so that each
 * section of the schema reads as a list of its keys.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

void vs__sc_init(vs__sc *sc, const char *file, char *err)
{
    memset(sc, 0, sizeof *sc);
    sc->file = file;
    sc->err = err;
    err[0] = '\0';
    strcpy(sc->path, "$");
    sc->pathlen = 1;
}

static void path_append(vs__sc *sc, const char *seg)
{
    size_t room = sizeof sc->path - sc->pathlen;
    size_t n = strlen(seg);
    if (n < room) {
        memcpy(sc->path + sc->pathlen, seg, n + 1);
        sc->pathlen += n;
    } else if (room > 4) { /* cut, and say so; later pushes add nothing */
        memcpy(sc->path + sc->pathlen, seg, room - 4);
        strcpy(sc->path + sizeof sc->path - 4, "...");
        sc->pathlen = sizeof sc->path - 1;
    }
}

static bool is_identifier(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || (s[0] >= '0' && s[0] <= '9'))
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

size_t vs__sc_push_key(vs__sc *sc, const char *key)
{
    size_t old = sc->pathlen;
    char seg[VS__SC_GOT_MAX + 16];
    if (is_identifier(key)) {
        path_append(sc, ".");
        path_append(sc, key);
        return old;
    }
    json_t *k = json_string(key);
    char shown[VS__SC_GOT_MAX + 8];
    vs__sc_show(k, shown, sizeof shown);
    json_decref(k);
    snprintf(seg, sizeof seg, "[%s]", shown);
    path_append(sc, seg);
    return old;
}

size_t vs__sc_push_index(vs__sc *sc, size_t i)
{
    size_t old = sc->pathlen;
    char seg[32];
    snprintf(seg, sizeof seg, "[%zu]", i);
    path_append(sc, seg);
    return old;
}

void vs__sc_pop(vs__sc *sc, size_t old)
{
    sc->pathlen = old;
    sc->path[old] = '\0';
}

void vs__sc_show(const json_t *v, char *buf, size_t size)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) : NULL;
    const char *s = text ? text : "?";
    size_t n = strlen(s);
    size_t cut = n <= VS__SC_GOT_MAX ? n : VS__SC_GOT_MAX;
    while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* never split a UTF-8 sequence */
    snprintf(buf, size, "%.*s%s", (int)cut, s, cut < n ? "..." : "");
    free(text);
}

/* Appends to sc->err at *len, never past VS_ERROR_MAX. */
static void append(vs__sc *sc, size_t *len, const char *fmt, ...)
{
    if (*len >= VS_ERROR_MAX - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sc->err + *len, VS_ERROR_MAX - *len, fmt, ap);
    va_end(ap);
    *len += n > 0 ? (size_t)n : 0;
}

static int vfail(vs__sc *sc, bool with_path, const json_t *got, const char *fmt, va_list ap)
{
    if (sc->failed)
        return -1;
    sc->failed = true;
    size_t len = 0;
    const vs__sc_origin *from = !with_path     ? NULL
                                : sc->now_file ? vs__sc_origin_named(sc, sc->now_file)
                                               : vs__sc_origin_here(sc);
    const char *file = from ? from->file : sc->now_file ? sc->now_file : sc->file;
    char at[32] = "";
    if (from)
        vs__sc_origin_position(sc, from, at, sizeof at);
    append(sc, &len, "%s%s: ", file, at);
    if (with_path)
        append(sc, &len, "%s: ", sc->path);
    if (len < VS_ERROR_MAX - 1) {
        int n = vsnprintf(sc->err + len, VS_ERROR_MAX - len, fmt, ap);
        len += n > 0 ? (size_t)n : 0;
    }
    if (got) {
        char shown[VS__SC_GOT_MAX + 8];
        vs__sc_show(got, shown, sizeof shown);
        append(sc, &len, ", got %s", shown);
    }
    if (file != sc->file) /* which scenario this base is read for */
        append(sc, &len, " (extended by %s)", sc->file);
    vs_error_one_line(sc->err); /* names and --set text come from the user, raw */
    return -1;
}

int vs__sc_fail(vs__sc *sc, const json_t *got, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(sc, true, got, fmt, ap);
    va_end(ap);
    return rc;
}

int vs__sc_fail_file(vs__sc *sc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(sc, false, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int vs__sc_oom(vs__sc *sc)
{
    sc->oom = true;
    sc->failed = true;
    return -1;
}

static bool key_listed(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (strcmp(key, *keys) == 0)
            return true;
    return false;
}

static void join_keys(const char *const *keys, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *const *k = keys; *k && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k == keys ? "" : ", ", *k);
}

int vs__sc_check_keys(vs__sc *sc, const json_t *obj, const char *const *keys)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        if (key_listed(key, keys))
            continue;
        char list[512];
        join_keys(keys, list, sizeof list);
        vs__sc_push_key(sc, key);
        return vs__sc_fail(sc, NULL, "unknown key (expected one of: %s)", list);
    }
    return 0;
}

/* obj[key] with the path pushed, or NULL (an error if required) with nothing pushed. */
static const json_t *lookup(vs__sc *sc, const json_t *obj, const char *key, bool required,
                            size_t *old)
{
    const json_t *v = json_object_get(obj, key);
    *old = vs__sc_push_key(sc, key);
    if (!v) {
        if (required)
            vs__sc_fail(sc, NULL, "missing required key");
        vs__sc_pop(sc, *old);
    }
    return v;
}

int vs__sc_object(vs__sc *sc, const json_t *obj, const char *key, bool required, const json_t **out)
{
    size_t old;
    *out = lookup(sc, obj, key, required, &old);
    if (!*out)
        return sc->failed ? -1 : 0;
    if (!json_is_object(*out))
        return vs__sc_fail(sc, *out, "expected an object");
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_int(vs__sc *sc, const json_t *obj, const char *key, bool required, int64_t lo,
               int64_t hi, int64_t *out)
{
    size_t old;
    const json_t *v = lookup(sc, obj, key, required, &old);
    if (!v)
        return sc->failed ? -1 : 0;
    json_int_t i = json_is_integer(v) ? json_integer_value(v) : 0;
    if (!json_is_integer(v) || i < lo || i > hi)
        return vs__sc_fail(sc, v, "expected an integer in %lld..%lld", (long long)lo,
                           (long long)hi);
    *out = i;
    vs__sc_pop(sc, old);
    return 0;
}

static bool in_range(double x, double lo, bool lo_open, double hi, bool hi_open)
{
    return isfinite(x) && (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
}

int vs__sc_number(vs__sc *sc, const json_t *obj, const char *key, bool required, double lo,
                  bool lo_open, double hi, bool hi_open, double *out)
{
    size_t old;
    const json_t *v = lookup(sc, obj, key, required, &old);
    if (!v)
        return sc->failed ? -1 : 0;
    if (!json_is_number(v) || !in_range(json_number_value(v), lo, lo_open, hi, hi_open))
        return vs__sc_fail(sc, v, "expected a number in %c%.15g, %.15g%c", lo_open ? '(' : '[', lo,
                           hi, hi_open ? ')' : ']');
    *out = json_number_value(v);
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_string(vs__sc *sc, const json_t *obj, const char *key, const char *dflt, size_t maxlen,
                  char **out)
{
    size_t old;
    const json_t *v = lookup(sc, obj, key, dflt == NULL, &old);
    if (!v && sc->failed)
        return -1;
    const char *s = v ? json_string_value(v) : dflt;
    if (!s)
        return vs__sc_fail(sc, v, "expected a string");
    if (v && json_string_length(v) > maxlen)
        return vs__sc_fail(sc, v, "expected a string of at most %zu bytes", maxlen);
    *out = strdup(s);
    if (!*out)
        return vs__sc_oom(sc);
    if (v)
        vs__sc_pop(sc, old);
    return 0;
}

static void quote_names(const char *const *names, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const char *const *n = names; *n && len < size; n++)
        len += (size_t)snprintf(buf + len, size - len, "%s\"%s\"", n == names ? "" : ", ", *n);
}

int vs__sc_enum(vs__sc *sc, const json_t *obj, const char *key, const char *const *names, int dflt,
                int *out)
{
    size_t old;
    const json_t *v = lookup(sc, obj, key, dflt < 0, &old);
    if (!v) {
        *out = dflt;
        return sc->failed ? -1 : 0;
    }
    const char *s = json_string_value(v);
    for (int i = 0; s && names[i]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            vs__sc_pop(sc, old);
            return 0;
        }
    }
    char list[256];
    quote_names(names, list, sizeof list);
    return vs__sc_fail(sc, v, "expected %s%s", names[1] ? "one of " : "", list);
}

int vs__sc_quantity_value(vs__sc *sc, const vs__sc_unit *u, const json_t *v, bool positive,
                          uint64_t *ticks)
{
    const char *s = json_string_value(v);
    int rc = s ? u->parse(s, ticks) : -1;
    if (rc == -2)
        return vs__sc_fail(sc, v, "expected a %s of at most %s", u->name, u->most);
    if (rc < 0 && s && s[0] == '-')
        return vs__sc_fail(sc, v, "expected a %s >= 0", u->name);
    if (rc < 0)
        return vs__sc_fail(sc, v, "expected a %s: %s", u->name, u->syntax);
    if (positive && *ticks == 0)
        return vs__sc_fail(sc, v, "expected a %s > 0", u->name);
    return 0;
}

int vs__sc_duration_value(vs__sc *sc, const json_t *v, vs_time_t min_ns, vs_time_t *out)
{
    return vs__sc_quantity_value(sc, &vs__sc_durations, v, min_ns > 0, out);
}

int vs__sc_duration(vs__sc *sc, const json_t *obj, const char *key, bool required, const char *dflt,
                    vs_time_t min_ns, vs_time_t *out)
{
    size_t old;
    const json_t *v = lookup(sc, obj, key, required, &old);
    if (!v) {
        if (sc->failed)
            return -1;
        return vs__sc_duration_parse(dflt, out) == 0 ? 0 : vs__sc_fail(sc, NULL, "bad default");
    }
    if (vs__sc_duration_value(sc, v, min_ns, out) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_absent(vs__sc *sc, const json_t *obj, const char *key, const char *fmt, ...)
{
    if (!json_object_get(obj, key))
        return 0;
    vs__sc_push_key(sc, key);
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(sc, true, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int vs__sc_check_depth(vs__sc *sc, const json_t *v, int depth)
{
    if (!json_is_object(v) && !json_is_array(v))
        return 0;
    if (depth > VS__SC_DEPTH_MAX)
        return vs__sc_fail(sc, v, "expected arrays and objects nested at most %d deep",
                           VS__SC_DEPTH_MAX);
    size_t old, i;
    const char *key;
    json_t *child;
    json_object_foreach((json_t *)v, key, child) {
        old = vs__sc_push_key(sc, key);
        if (vs__sc_check_depth(sc, child, depth + 1) < 0)
            return -1;
        vs__sc_pop(sc, old);
    }
    json_array_foreach(v, i, child) {
        old = vs__sc_push_index(sc, i);
        if (vs__sc_check_depth(sc, child, depth + 1) < 0)
            return -1;
        vs__sc_pop(sc, old);
    }
    return 0;
}
