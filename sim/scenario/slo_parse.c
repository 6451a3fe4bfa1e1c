/*
 * slo_parse.c: the scenario's "slo" list: "<metric> <op> <number>" strings, the metric a
 * dotted path to a number of the report (sim/config/metric_names.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/metric_names.h"
#include "scenario/scenario-int.h"

#define MAX_SLOS 1024
#define METRIC_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_."

/* Longest operators first, so that "<=" is not read as "<". */
static const struct {
    const char *text;
    vs_slo_op op;
} ops[] = {
    {"<=", VS_SLO_LE}, {">=", VS_SLO_GE}, {"==", VS_SLO_EQ},
    {"!=", VS_SLO_NE}, {"<", VS_SLO_LT},  {">", VS_SLO_GT},
};

static const char *skip_spaces(const char *s)
{
    return s + strspn(s, " \t");
}

static const char *parse_op(const char *s, vs_slo_op *op)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(s, ops[i].text, n) == 0) {
            *op = ops[i].op;
            return s + n;
        }
    }
    return NULL;
}

/* A JSON number: -?digits(.digits)?([eE][+-]?digits)?, finite. */
static const char *parse_limit(const char *s, double *out)
{
    const char *p = s + (*s == '-');
    size_t n = strspn(p, "0123456789");
    if (n == 0)
        return NULL;
    p += n;
    if (*p == '.' && (n = strspn(p + 1, "0123456789")) > 0)
        p += 1 + n;
    if ((*p == 'e' || *p == 'E')) {
        const char *q = p + 1 + (p[1] == '+' || p[1] == '-');
        if ((n = strspn(q, "0123456789")) == 0)
            return NULL;
        p = q + n;
    }
    *out = strtod(s, NULL);
    return isfinite(*out) ? p : NULL;
}

/* Fills slo from text, or returns -1 (syntax), -2 (unknown metric) or -3 (no memory). */
static int parse_slo(const char *text, vs_slo *slo)
{
    const char *s = skip_spaces(text);
    size_t n = strspn(s, METRIC_CHARS);
    if (n == 0)
        return -1;
    const char *metric = s;
    s = parse_op(skip_spaces(s + n), &slo->op);
    if (s)
        s = parse_limit(skip_spaces(s), &slo->limit);
    if (!s || *skip_spaces(s) != '\0')
        return -1;
    slo->metric = strndup(metric, n);
    if (!slo->metric)
        return -3;
    return vs_metric_known(slo->metric) ? 0 : -2;
}

static int parse_one(vs__sc *sc, const json_t *v, vs_slo *slo)
{
    const char *s = json_string_value(v);
    if (s && json_string_length(v) > VS__SC_STRING_MAX)
        s = NULL;
    int rc = s ? parse_slo(s, slo) : -1;
    if (rc == -2)
        return vs__sc_fail(sc, NULL,
                           "unknown metric \"%.128s\" (see docs/scenario.md, "
                           "\"slo\")",
                           slo->metric);
    if (rc == -3)
        return vs__sc_oom(sc);
    if (rc < 0)
        return vs__sc_fail(sc, v,
                           "expected \"<metric> <op> <number>\" with op one of "
                           "< <= > >= == !=");
    return 0;
}

int vs__sc_slos(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *arr = json_object_get(root, "slo");
    if (!arr)
        return 0;
    size_t old = vs__sc_push_key(sc, "slo");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n > MAX_SLOS)
        return vs__sc_fail(sc, arr, "expected an array of 0..%d strings", MAX_SLOS);
    cfg->slos = n ? calloc(n, sizeof *cfg->slos) : NULL;
    if (n && !cfg->slos)
        return vs__sc_oom(sc);
    cfg->nslos = n;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_one(sc, json_array_get(arr, i), &cfg->slos[i]) < 0)
            return -1;
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}
