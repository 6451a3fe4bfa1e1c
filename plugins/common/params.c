/* params.c: the plugin's "params" JSON (jansson) with unknown keys and bad values refused,
 * each error one line naming the key and what was expected. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "vsp.h"

static bool key_known(const char *key, const char *const *knownKeys)
{
    for (size_t i = 0; knownKeys[i] != NULL; i++)
        if (strcmp(key, knownKeys[i]) == 0)
            return true;
    return false;
}

/* "a, b, c" into buf, for error messages. */
static void join_keys(const char *const *keys, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; keys[i] != NULL && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "", keys[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (keys[0] == NULL)
        snprintf(buf, size, "none");
}

/* Refuses any key of obj that is not in knownKeys; where names the object. */
static NTSTATUS check_keys(const VSWITCHSIM_HOST *host, json_t *obj, const char *where,
                           const char *const *knownKeys)
{
    const char *key;
    json_t *value;

    json_object_foreach(obj, key, value) {
        if (!key_known(key, knownKeys)) {
            char known[256];
            join_keys(knownKeys, known, sizeof(known));
            host->Log(host, VSWITCHSIM_LOG_ERROR, "%s: unknown key \"%s\" (known: %s)", where, key,
                      known);
            return STATUS_INVALID_PARAMETER;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS vsp_params_init(vsp_params *params, const VSWITCHSIM_HOST *host, const char *paramsJson,
                         const char *const *knownKeys)
{
    json_error_t error;
    json_t *root =
        json_loads(paramsJson != NULL ? paramsJson : "{}", JSON_REJECT_DUPLICATES, &error);

    params->host = host;
    params->root = NULL;
    if (root == NULL) {
        host->Log(host, VSWITCHSIM_LOG_ERROR, "params: %d:%d: %s", error.line, error.column,
                  error.text);
        return STATUS_INVALID_PARAMETER;
    }
    if (!json_is_object(root)) {
        host->Log(host, VSWITCHSIM_LOG_ERROR, "params: expected an object");
        json_decref(root);
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS status = check_keys(host, root, "params", knownKeys);
    if (!NT_SUCCESS(status)) {
        json_decref(root);
        return status;
    }
    params->root = root;
    return STATUS_SUCCESS;
}

void vsp_params_close(vsp_params *params)
{
    json_decref(params->root);
    params->root = NULL;
}

static NTSTATUS bad_value(const vsp_params *params, const char *key, const char *expected)
{
    params->host->Log(params->host, VSWITCHSIM_LOG_ERROR, "params.%s: expected %s", key, expected);
    return STATUS_INVALID_PARAMETER;
}

NTSTATUS vsp_params_int(vsp_params *params, const char *key, long long min, long long max,
                        long long *out)
{
    json_t *value = json_object_get(params->root, key);

    if (value == NULL)
        return STATUS_SUCCESS;
    if (!json_is_integer(value) || json_integer_value(value) < min ||
        json_integer_value(value) > max) {
        params->host->Log(params->host, VSWITCHSIM_LOG_ERROR,
                          "params.%s: expected an integer in [%lld, %lld]", key, min, max);
        return STATUS_INVALID_PARAMETER;
    }
    *out = json_integer_value(value);
    return STATUS_SUCCESS;
}

NTSTATUS vsp_params_bool(vsp_params *params, const char *key, bool *out)
{
    json_t *value = json_object_get(params->root, key);

    if (value == NULL)
        return STATUS_SUCCESS;
    if (!json_is_boolean(value))
        return bad_value(params, key, "true or false");
    *out = json_is_true(value);
    return STATUS_SUCCESS;
}

/* ---- Durations -------------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool vsp_parse_duration(const char *text, double *ns)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    double value = 0.0, scale = 1.0;
    const char *p = text;

    /* digits ('.' digits)? unit, as scenario durations are written. By hand rather than
     * strtod: no locale, no "inf", "nan", hex, exponents or signs. */
    if (!is_digit(*p))
        return false;
    while (is_digit(*p))
        value = value * 10.0 + (*p++ - '0');
    if (*p == '.') {
        if (!is_digit(*++p))
            return false;
        while (is_digit(*p))
            value += (*p++ - '0') * (scale /= 10.0);
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].unit) == 0) {
            *ns = value * units[i].ns;
            return isfinite(*ns);
        }
    }
    return false;
}

/* ---- Distributions ------------------------------------------------------------------ */

#define DURATION_HELP "a duration string with a unit (ns, us, ms, s), e.g. \"100us\""

static NTSTATUS get_duration(const vsp_params *params, const char *where, json_t *obj,
                             const char *field, double *ns)
{
    json_t *value = json_object_get(obj, field);

    if (value == NULL) {
        params->host->Log(params->host, VSWITCHSIM_LOG_ERROR, "%s: missing \"%s\"", where, field);
        return STATUS_INVALID_PARAMETER;
    }
    if (!json_is_string(value) || !vsp_parse_duration(json_string_value(value), ns)) {
        params->host->Log(params->host, VSWITCHSIM_LOG_ERROR, "%s.%s: expected " DURATION_HELP,
                          where, field);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS get_number(const vsp_params *params, const char *where, json_t *obj,
                           const char *field, double *out)
{
    json_t *value = json_object_get(obj, field);

    if (!json_is_number(value)) {
        params->host->Log(params->host, VSWITCHSIM_LOG_ERROR, "%s.%s: expected a number", where,
                          field);
        return STATUS_INVALID_PARAMETER;
    }
    *out = json_number_value(value);
    return STATUS_SUCCESS;
}

static NTSTATUS dist_lognormal(const vsp_params *params, const char *where, json_t *obj,
                               vsp_dist *d)
{
    NTSTATUS status;

    if (json_object_get(obj, "mu") != NULL || json_object_get(obj, "sigma") != NULL) {
        static const char *const keys[] = {"dist", "mu", "sigma", NULL};
        double mu, sigma;
        if (!NT_SUCCESS(status = check_keys(params->host, obj, where, keys)) ||
            !NT_SUCCESS(status = get_number(params, where, obj, "mu", &mu)) ||
            !NT_SUCCESS(status = get_number(params, where, obj, "sigma", &sigma)))
            return status;
        if (!(sigma >= 0.0))
            return bad_value(params, where, "sigma >= 0");
        *d = (vsp_dist){VSP_DIST_LOGNORMAL, mu, sigma};
        return STATUS_SUCCESS;
    }
    static const char *const keys[] = {"dist", "mean", "p99", NULL};
    double mean, p99;
    if (!NT_SUCCESS(status = check_keys(params->host, obj, where, keys)) ||
        !NT_SUCCESS(status = get_duration(params, where, obj, "mean", &mean)) ||
        !NT_SUCCESS(status = get_duration(params, where, obj, "p99", &p99)))
        return status;
    if (!vsp_dist_lognormal_fit(d, mean, p99))
        return bad_value(params, where,
                         "a lognormal mean and p99 with mean < p99 <= about 15 * mean");
    return STATUS_SUCCESS;
}

static NTSTATUS dist_object(const vsp_params *params, const char *where, json_t *obj, vsp_dist *d)
{
    static const char *const constantKeys[] = {"dist", "value", NULL};
    static const char *const uniformKeys[] = {"dist", "min", "max", NULL};
    static const char *const exponentialKeys[] = {"dist", "mean", NULL};
    const char *kind = json_string_value(json_object_get(obj, "dist"));
    NTSTATUS status;
    double a, b;

    if (kind == NULL)
        return bad_value(params, where,
                         "\"dist\": one of constant, uniform, exponential, lognormal");
    if (strcmp(kind, "constant") == 0) {
        if (!NT_SUCCESS(status = check_keys(params->host, obj, where, constantKeys)) ||
            !NT_SUCCESS(status = get_duration(params, where, obj, "value", &a)))
            return status;
        *d = (vsp_dist){VSP_DIST_CONSTANT, a, 0.0};
    } else if (strcmp(kind, "uniform") == 0) {
        if (!NT_SUCCESS(status = check_keys(params->host, obj, where, uniformKeys)) ||
            !NT_SUCCESS(status = get_duration(params, where, obj, "min", &a)) ||
            !NT_SUCCESS(status = get_duration(params, where, obj, "max", &b)))
            return status;
        if (a > b)
            return bad_value(params, where, "min <= max");
        *d = (vsp_dist){VSP_DIST_UNIFORM, a, b};
    } else if (strcmp(kind, "exponential") == 0) {
        if (!NT_SUCCESS(status = check_keys(params->host, obj, where, exponentialKeys)) ||
            !NT_SUCCESS(status = get_duration(params, where, obj, "mean", &a)))
            return status;
        if (!(a > 0.0))
            return bad_value(params, where, "mean > 0");
        *d = (vsp_dist){VSP_DIST_EXPONENTIAL, a, 0.0};
    } else if (strcmp(kind, "lognormal") == 0) {
        return dist_lognormal(params, where, obj, d);
    } else {
        return bad_value(params, where,
                         "\"dist\": one of constant, uniform, exponential, lognormal");
    }
    return STATUS_SUCCESS;
}

NTSTATUS vsp_params_dist(vsp_params *params, const char *key, vsp_dist *out)
{
    json_t *value = json_object_get(params->root, key);
    char where[96];
    double ns;

    if (value == NULL)
        return STATUS_SUCCESS;
    snprintf(where, sizeof(where), "params.%s", key);
    if (json_is_string(value)) {
        if (!vsp_parse_duration(json_string_value(value), &ns))
            return bad_value(params, key, DURATION_HELP " or a distribution object");
        *out = (vsp_dist){VSP_DIST_CONSTANT, ns, 0.0};
        return STATUS_SUCCESS;
    }
    if (!json_is_object(value))
        return bad_value(params, key, DURATION_HELP " or a distribution object");
    return dist_object(params, where, value, out);
}
