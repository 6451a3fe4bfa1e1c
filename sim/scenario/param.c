/*
 * param.c: --param KEY=ITEM,... into an axis of JSON values, and the grid that
 * several axes make. Items read like --set values; ranges expand here, so that the
 * sweep sees only a list of values and never re-parses text.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "scenario/param.h"

/* Range ends are inclusive even when A + i*S lands a rounding error past B. */
#define RANGE_TOL 1e-9

/* What the errors quote: the text the user typed, truncated to keep one line. */
typedef struct parse_ctx {
    const char *quote;
    char *why;
    vs_axis *axis;
    size_t cap;
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(c->why, VS_ERROR_MAX, "\"%.200s\": %s", c->quote, reason);
    vs_error_one_line(c->why); /* the quote is the user's text, newlines and all */
    return -1;
}

/* Takes ownership of v (NULL means the allocation or UTF-8 check failed). */
static int push(parse_ctx *c, json_t *v)
{
    if (!v)
        return fail(c, "out of memory or not valid UTF-8");
    if (c->axis->nvalues >= VS_AXIS_MAX_VALUES) {
        json_decref(v);
        return fail(c, "more than %d values", VS_AXIS_MAX_VALUES);
    }
    if (VS_GROW(c->axis->values, c->cap, c->axis->nvalues + 1) != 0) {
        json_decref(v);
        return fail(c, "out of memory");
    }
    c->axis->values[c->axis->nvalues++] = v;
    return 0;
}

/* Checked before expanding a range, so that 1..1e12 fails without allocating. */
static int room_for(parse_ctx *c, double count)
{
    if (count > (double)(VS_AXIS_MAX_VALUES - c->axis->nvalues))
        return fail(c, "more than %d values", VS_AXIS_MAX_VALUES);
    return 0;
}

/* A range end, step or factor: a finite decimal number. Integer literals (no '.',
 * no exponent, in range of json_int_t) also set *ival, so that 1..64 stays integral. */
static bool parse_num(const char *s, size_t len, double *d, json_int_t *ival, bool *is_int)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod also takes "inf", "nan" and hex; a sweep range means none of them. */
    if (strspn(buf, "+-0123456789.eE") != len)
        return false;
    char *end;
    *d = strtod(buf, &end);
    if (*end || !isfinite(*d))
        return false;
    errno = 0;
    long long ll = strtoll(buf, &end, 10);
    *is_int = !*end && errno == 0;
    *ival = (json_int_t)ll;
    return true;
}

typedef struct range {
    double a, b, by; /* by: the step, or the factor when geometric */
    json_int_t ia, ib, iby;
    bool integral, geometric;
} range;

/* Splits "A..B[:+S|:xF]" at `dots` into r; the checks on values come later. */
static int parse_range(parse_ctx *c, const char *item, const char *dots, range *r)
{
    const char *b = dots + 2, *colon = strchr(b, ':');
    size_t blen = colon ? (size_t)(colon - b) : strlen(b);
    bool ia_int, ib_int, by_int = true;
    r->by = 1;
    r->iby = 1;
    r->geometric = false;
    if (!parse_num(item, (size_t)(dots - item), &r->a, &r->ia, &ia_int) ||
        !parse_num(b, blen, &r->b, &r->ib, &ib_int))
        return fail(c, "range \"%.64s\": the ends must be numbers", item);
    if (colon) {
        char kind = colon[1];
        if ((kind != '+' && kind != 'x') ||
            !parse_num(colon + 2, strlen(colon + 2), &r->by, &r->iby, &by_int))
            return fail(c, "range \"%.64s\": expected A..B, A..B:+STEP or A..B:xFACTOR", item);
        r->geometric = kind == 'x';
    }
    r->integral = ia_int && ib_int && by_int;
    return 0;
}

static int check_range(parse_ctx *c, const char *item, const range *r)
{
    /* Integers compared as integers: beyond 2^53 two different ends can be one double. */
    if (r->integral ? r->ia > r->ib : r->a > r->b)
        return fail(c, "range \"%.64s\" is empty (%.17g > %.17g)", item, r->a, r->b);
    if (!r->geometric && r->by <= 0)
        return fail(c, "range \"%.64s\": the step must be > 0", item);
    if (r->geometric && r->by <= 1)
        return fail(c, "range \"%.64s\": the factor must be > 1", item);
    if (r->geometric && r->a <= 0)
        return fail(c, "range \"%.64s\": a geometric range must start above 0", item);
    return 0;
}

/* Unsigned arithmetic: B - A cannot overflow once B >= A is known. */
static int expand_int_step(parse_ctx *c, const range *r)
{
    unsigned long long span = (unsigned long long)r->ib - (unsigned long long)r->ia;
    unsigned long long count = span / (unsigned long long)r->iby + 1;
    if (room_for(c, (double)count) < 0)
        return -1;
    for (unsigned long long i = 0; i < count; i++)
        if (push(c, json_integer((json_int_t)((unsigned long long)r->ia + i * r->iby))) < 0)
            return -1;
    return 0;
}

/* At most 63 values (factor >= 2), so the count check is push's. */
static int expand_int_factor(parse_ctx *c, const range *r)
{
    for (json_int_t v = r->ia;; v *= r->iby) {
        if (push(c, json_integer(v)) < 0)
            return -1;
        if (v > r->ib / r->iby) /* the next value would pass B (or overflow) */
            return 0;
    }
}

/* The tolerance of a range's end, in steps (in powers of F when geometric): the
 * relative RANGE_TOL, plus the rounding of A, B and F themselves, which far from 0
 * can be far more than 1e-9 of a fine step (1e6..1e6+1e-4:+1e-6). */
static double slack_in_steps(const range *r)
{
    if (r->geometric)
        return RANGE_TOL + 4 * DBL_EPSILON / log(r->by);
    return RANGE_TOL + 4 * DBL_EPSILON * fmax(fabs(r->a), fabs(r->b)) / r->by;
}

/* The last index i with A + i*S (or A*F^i) <= B, within the slack. */
static double last_index(const range *r)
{
    double steps = r->geometric ? log(r->b / r->a) / log(r->by) : (r->b - r->a) / r->by;
    return floor(steps + slack_in_steps(r));
}

/* How far from B the last value may be and still be B: the same slack, times the
 * spacing of values near B, so that a fine step never merges values. */
static double snap_tolerance(const range *r)
{
    return slack_in_steps(r) * (r->geometric ? fabs(r->b) * log(r->by) : r->by);
}

/* Computed from i, not accumulated, so 0.1..0.9:+0.1 has no drift; the last value
 * snaps to B when it is B up to rounding. */
static int expand_real(parse_ctx *c, const range *r)
{
    double last = last_index(r);
    if (room_for(c, last + 1) < 0)
        return -1;
    for (size_t i = 0; i <= (size_t)last; i++) {
        double v = r->geometric ? r->a * pow(r->by, (double)i) : r->a + (double)i * r->by;
        if (i == (size_t)last && fabs(v - r->b) <= snap_tolerance(r))
            v = r->b;
        if (push(c, json_real(v)) < 0)
            return -1;
    }
    return 0;
}

static int expand_range(parse_ctx *c, const char *item, const char *dots)
{
    range r;
    if (parse_range(c, item, dots, &r) < 0 || check_range(c, item, &r) < 0)
        return -1;
    if (!r.integral)
        return expand_real(c, &r);
    return r.geometric ? expand_int_factor(c, &r) : expand_int_step(c, &r);
}

/* A range when ".." follows something that starts like a number; "../x.so" and
 * "a..b" stay strings, as --set would read them. */
static const char *range_dots(const char *item)
{
    const char *dots = strstr(item, "..");
    return dots && dots > item && strchr("+-.0123456789", item[0]) ? dots : NULL;
}

/* Blanks around an item: JSON ignores them, so ranges do too ("1, 2..4"). Cuts the
 * trailing ones in place; returns the first non-blank. */
static char *trim(char *item)
{
    item += strspn(item, " \t");
    size_t n = strlen(item);
    while (n > 0 && (item[n - 1] == ' ' || item[n - 1] == '\t'))
        item[--n] = '\0';
    return item;
}

/* Takes item as its own copy (it trims it). A text that is neither JSON nor a range
 * is kept as typed, blanks included, as --set keeps it. */
static int parse_item(parse_ctx *c, char *item)
{
    json_t *v = json_loads(item, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (v)
        return push(c, v);
    json_t *text = json_string(item);
    char *bare = trim(item);
    if (bare[0] == '\0') {
        json_decref(text);
        return fail(c, "empty item");
    }
    const char *dots = range_dots(bare);
    if (!dots)
        return push(c, text);
    json_decref(text);
    return expand_range(c, bare, dots);
}

/* The end of the item starting at s: the first ',' outside [], {} and "..." (a
 * backslash escapes the next character inside a string). */
static const char *item_end(const char *s)
{
    int depth = 0;
    bool in_string = false;
    for (; *s; s++) {
        if (in_string) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                in_string = false;
        } else if (*s == '"') {
            in_string = true;
        } else if (*s == '[' || *s == '{') {
            depth++;
        } else if ((*s == ']' || *s == '}') && depth > 0) {
            depth--;
        } else if (*s == ',' && depth == 0) {
            break;
        }
    }
    return s;
}

static int parse_items(parse_ctx *c, const char *list)
{
    for (const char *s = list;; s++) {
        const char *end = item_end(s);
        char *item = strndup(s, (size_t)(end - s));
        int rc = item ? parse_item(c, item) : fail(c, "out of memory");
        free(item);
        if (rc < 0)
            return -1;
        if (*end == '\0')
            return 0;
        s = end;
    }
}

/* The common body: quote is what errors show. The axis is empty on failure. */
static int parse_list(const char *key, size_t keylen, const char *list, const char *quote,
                      vs_axis *axis, char why[VS_ERROR_MAX])
{
    parse_ctx c = {quote, why, axis, 0};
    *axis = (vs_axis){0};
    if (keylen == 0)
        return fail(&c, "empty key");
    if (!(axis->key = strndup(key, keylen)) || parse_items(&c, list) < 0) {
        if (!axis->key)
            fail(&c, "out of memory");
        vs_axis_free(axis);
        return -1;
    }
    return 0;
}

int vs_axis_parse(const char *spec, vs_axis *axis, char why[VS_ERROR_MAX])
{
    const char *eq = strchr(spec, '=');
    if (!eq) {
        *axis = (vs_axis){0};
        snprintf(why, VS_ERROR_MAX, "\"%.200s\": expected KEY=VALUE,..., no '='", spec);
        vs_error_one_line(why);
        return -1;
    }
    return parse_list(spec, (size_t)(eq - spec), eq + 1, spec, axis, why);
}

int vs_axis_parse_list(const char *key, const char *list, vs_axis *axis, char why[VS_ERROR_MAX])
{
    char quote[512];
    snprintf(quote, sizeof quote, "%.200s=%.300s", key, list);
    return parse_list(key, strlen(key), list, quote, axis, why);
}

/* Deep copies: the axis outlives the scenario tree and its values get set into
 * other trees, so it shares nothing. */
static int copy_array(const json_t *values, vs_axis *axis, char why[VS_ERROR_MAX])
{
    size_t n = json_array_size(values);
    if (n > VS_AXIS_MAX_VALUES) {
        snprintf(why, VS_ERROR_MAX, "more than %d values", VS_AXIS_MAX_VALUES);
        return -1;
    }
    if (!(axis->values = calloc(n, sizeof *axis->values)))
        goto oom;
    for (size_t i = 0; i < n; i++, axis->nvalues++)
        if (!(axis->values[i] = json_deep_copy(json_array_get(values, i))))
            goto oom;
    return 0;
oom:
    snprintf(why, VS_ERROR_MAX, "out of memory");
    return -1;
}

int vs_axis_from_json(const char *key, const json_t *values, vs_axis *axis, char why[VS_ERROR_MAX])
{
    *axis = (vs_axis){0};
    if (json_is_string(values))
        return parse_list(key, strlen(key), json_string_value(values), json_string_value(values),
                          axis, why);
    if (!json_is_array(values) || json_array_size(values) == 0) {
        snprintf(why, VS_ERROR_MAX, "expected an array of values or a string like \"1..64:x2\"");
        return -1;
    }
    if (key[0] == '\0') {
        snprintf(why, VS_ERROR_MAX, "empty key");
        return -1;
    }
    if (!(axis->key = strdup(key)) || copy_array(values, axis, why) < 0) {
        if (!axis->key)
            snprintf(why, VS_ERROR_MAX, "out of memory");
        vs_axis_free(axis);
        return -1;
    }
    return 0;
}

void vs_axis_free(vs_axis *axis)
{
    for (size_t i = 0; i < axis->nvalues; i++)
        json_decref(axis->values[i]);
    free(axis->values);
    free(axis->key);
    *axis = (vs_axis){0};
}

/* No axes is one point: the scenario as written. */
size_t vs_grid_size(const vs_axis *axes, size_t naxes)
{
    size_t size = 1;
    for (size_t i = 0; i < naxes; i++) {
        size_t n = axes[i].nvalues;
        if (n != 0 && size > VS_GRID_MAX_POINTS / n)
            return 0;
        size *= n;
    }
    return size;
}

/* Mixed radix, the last axis the least significant digit. */
void vs_grid_point(const vs_axis *axes, size_t naxes, size_t index, size_t *value_index)
{
    for (size_t i = naxes; i-- > 0;) {
        value_index[i] = index % axes[i].nvalues;
        index /= axes[i].nvalues;
    }
}
