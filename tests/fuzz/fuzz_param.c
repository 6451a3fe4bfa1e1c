/*
 * fuzz_param.c: libFuzzer target for --param (sim/scenario/param.c). The input, cut at its
 * first NUL, is one or two specs: the first line, and after it (when there is one) the
 * rest. Each goes to vs_axis_parse (and, split at '=', to vs_axis_parse_list, which must
 * agree); the whole input, when it is a JSON array or string, to vs_axis_from_json as a
 * scenario's "sweep" would give it. The two axes (or a lone one twice) make a grid.
 * Aborts, so that libFuzzer reports it, when a result breaks param.h's contract.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/param.h"

#define JSON_KEY "workload.rate_per_s"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bad(const char *what, const char *spec)
{
    fprintf(stderr, "fuzz_param: %s; spec: \"%.300s\"\n", what, spec);
    abort();
}

/* A failure: an empty axis and a non-empty one-line reason that fits the buffer. */
static void check_failure(const char *spec, const vs_axis *axis, const char *why)
{
    size_t n = strnlen(why, VS_ERROR_MAX);
    if (n == 0 || n == VS_ERROR_MAX || memchr(why, '\n', n) || memchr(why, '\r', n)) {
        fprintf(stderr, "fuzz_param: bad error message (%zu bytes): %.*s\n", n,
                (int)(n < 300 ? n : 300), why);
        bad("bad error message", spec);
    }
    if (axis->key || axis->values || axis->nvalues)
        bad("failed, but the axis is not empty", spec);
}

static void check_axis(const char *spec, const vs_axis *axis)
{
    if (axis->nvalues < 1 || axis->nvalues > VS_AXIS_MAX_VALUES)
        bad("nvalues out of 1..VS_AXIS_MAX_VALUES", spec);
    if (!axis->key || axis->key[0] == '\0' || strchr(axis->key, '='))
        bad("key empty or holding '='", spec);
    if (!axis->values)
        bad("no values array", spec);
    for (size_t i = 0; i < axis->nvalues; i++)
        if (!axis->values[i])
            bad("a NULL value", spec);
}

/* An integer as parse_num takes one as integral: [+-]digits, in range of long long. */
static const char *int_at(const char *s, long long *v)
{
    const char *p = s + (*s == '+' || *s == '-');
    if (*p < '0' || *p > '9')
        return NULL;
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno == 0 ? end : NULL;
}

typedef struct int_range {
    long long a, b, by;
    bool geometric;
} int_range;

/* True when list, blanks aside, is one range A..B[:+S|:xF] of integers only. */
static bool parse_int_range(const char *list, int_range *r)
{
    const char *s = list + strspn(list, " \t");
    r->by = 1;
    r->geometric = false;
    if (!(s = int_at(s, &r->a)) || strncmp(s, "..", 2) != 0 || !(s = int_at(s + 2, &r->b)))
        return false;
    if (s[0] == ':' && (s[1] == '+' || s[1] == 'x')) {
        r->geometric = s[1] == 'x';
        if (!(s = int_at(s + 2, &r->by)))
            return false;
    }
    return s[strspn(s, " \t")] == '\0';
}

/* The values are exactly A, A+S, ... (or A, A*F, ...) up to B: strictly increasing,
 * none past B, and the next one would be. */
static void check_int_range(const char *spec, const vs_axis *axis, const int_range *r)
{
    long long next = 0;
    for (size_t i = 0; i < axis->nvalues; i++) {
        const json_t *v = axis->values[i];
        if (!json_is_integer(v))
            bad("an integer range gave a non-integer", spec);
        long long x = json_integer_value(v);
        if (i == 0 ? x != r->a : x != next)
            bad(i == 0 ? "an integer range does not start at A"
                       : "an integer range is not A+i*S (or A*F^i): not monotone",
                spec);
        if (x > r->b)
            bad("an integer range passes B", spec);
        bool over = r->geometric ? __builtin_mul_overflow(x, r->by, &next)
                                 : __builtin_add_overflow(x, r->by, &next);
        if (!over && next <= x)
            bad("an integer range does not increase", spec);
        if (i + 1 == axis->nvalues && !over && next <= r->b)
            bad("an integer range stops before B", spec);
    }
}

static bool same_values(const vs_axis *x, const vs_axis *y)
{
    if (x->nvalues != y->nvalues)
        return false;
    for (size_t i = 0; i < x->nvalues; i++)
        if (!json_equal(x->values[i], y->values[i]))
            return false;
    return true;
}

/* vs_axis_parse_list on the same spec split at '=' must give the same values. */
static void check_parse_list(const char *spec, const vs_axis *axis, int rc)
{
    const char *eq = strchr(spec, '=');
    if (!eq)
        return;
    char *key = strndup(spec, (size_t)(eq - spec));
    if (!key)
        return;
    vs_axis other;
    char why[VS_ERROR_MAX];
    memset(why, 0x5a, sizeof why);
    int rc2 = vs_axis_parse_list(key, eq + 1, &other, why);
    free(key);
    if (rc2 != rc)
        bad("vs_axis_parse and vs_axis_parse_list disagree", spec);
    if (rc2 != 0) {
        check_failure(spec, &other, why);
        return;
    }
    check_axis(spec, &other);
    if (!same_values(axis, &other))
        bad("vs_axis_parse and vs_axis_parse_list give different values", spec);
    vs_axis_free(&other);
}

/* Parses spec into axis and checks the contract; returns whether it parsed. */
static bool parse_checked(const char *spec, vs_axis *axis)
{
    char why[VS_ERROR_MAX];
    memset(why, 0x5a, sizeof why); /* not NUL-terminated until the parser writes it */
    int rc = vs_axis_parse(spec, axis, why);
    check_parse_list(spec, axis, rc);
    if (rc != 0) {
        check_failure(spec, axis, why);
        return false;
    }
    check_axis(spec, axis);
    int_range r;
    if (parse_int_range(strchr(spec, '=') + 1, &r))
        check_int_range(spec, axis, &r);
    return true;
}

/* A scenario's "sweep" value: an array is copied verbatim, a string is the list. */
static void check_json(const char *text)
{
    json_t *root = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!json_is_array(root) && !json_is_string(root)) {
        json_decref(root);
        return;
    }
    vs_axis axis;
    char why[VS_ERROR_MAX];
    memset(why, 0x5a, sizeof why);
    if (vs_axis_from_json(JSON_KEY, root, &axis, why) != 0) {
        check_failure(text, &axis, why);
    } else {
        check_axis(text, &axis);
        if (strcmp(axis.key, JSON_KEY) != 0)
            bad("vs_axis_from_json changed the key", text);
        if (json_is_array(root) && axis.nvalues != json_array_size(root))
            bad("vs_axis_from_json: not one value per array element", text);
        for (size_t i = 0; json_is_array(root) && i < axis.nvalues; i++)
            if (!json_equal(axis.values[i], json_array_get(root, i)))
                bad("vs_axis_from_json: an array value not copied verbatim", text);
        vs_axis_free(&axis);
    }
    json_decref(root);
}

/* The first axis slowest: point i is (i / n1, i % n1), each index in its axis. */
static void check_grid(const char *spec, const vs_axis axes[2])
{
    size_t n0 = axes[0].nvalues, n1 = axes[1].nvalues, size = vs_grid_size(axes, 2);
    unsigned long long want = (unsigned long long)n0 * n1; /* <= 1e10: no overflow */
    if (size != (want > VS_GRID_MAX_POINTS ? 0 : want))
        bad("vs_grid_size is not the product, or 0 past VS_GRID_MAX_POINTS", spec);
    if (size == 0)
        return;
    const size_t at[] = {0, size - 1, size / 2};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        size_t vi[2] = {SIZE_MAX, SIZE_MAX};
        vs_grid_point(axes, 2, at[k], vi);
        if (vi[0] >= n0 || vi[1] >= n1 || vi[0] * n1 + vi[1] != at[k])
            bad("vs_grid_point is not the mixed-radix digits of the index", spec);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A command-line argument holds no NUL: the spec ends at the first one. */
    char *text = strndup((const char *)data, size);
    if (!text)
        return 0;
    check_json(text);
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0'; /* text is now the first line, nl + 1 the rest */
    vs_axis axes[2];
    bool ok0 = parse_checked(text, &axes[0]);
    bool ok1 = nl && parse_checked(nl + 1, &axes[1]);
    if (ok0 && ok1)
        check_grid(text, axes);
    else if (ok0 && !nl) /* a lone line is crossed with itself */
        check_grid(text, (const vs_axis[2]){axes[0], axes[0]});
    if (ok0)
        vs_axis_free(&axes[0]);
    if (ok1)
        vs_axis_free(&axes[1]);
    free(text);
    return 0;
}
