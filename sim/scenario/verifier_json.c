/*
 * verifier_json.c: the scenario's "verifier" section: which rules are turned off, the
 * bound on one callback's charged CPU time (callback_too_long), and special pool.
 */
#include <stdio.h>

#include "scenario/scenario-int.h"

/* "known: a, b, c" for the error about an unknown rule. */
static void known_rules(char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int r = 0; r < VS_RULE_COUNT && n < size; r++) {
        int w = snprintf(buf + n, size - n, "%s%s", r ? ", " : "", vs_rule_name((vs_rule)r));
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

static int parse_disable(vs__sc *sc, const json_t *obj, vs_config *cfg)
{
    const json_t *arr = json_object_get(obj, "disable");
    if (!arr)
        return 0;
    size_t old = vs__sc_push_key(sc, "disable");
    if (!json_is_array(arr))
        return vs__sc_fail(sc, arr, "expected an array of rule names");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        size_t at = vs__sc_push_index(sc, i);
        if (!json_is_string(v))
            return vs__sc_fail(sc, v, "expected a rule name (a string)");
        int rule = vs_rule_lookup(json_string_value(v));
        if (rule < 0) {
            char known[640];
            known_rules(known, sizeof known);
            return vs__sc_fail(sc, NULL, "unknown verifier rule \"%.64s\" (known: %s)",
                               json_string_value(v), known);
        }
        cfg->verifier.disabled |= VS_RULE_BIT(rule);
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}

#define QUARANTINE_DEFAULT 1024
#define QUARANTINE_MAX 1000000

static int parse_flag(vs__sc *sc, const json_t *obj, const char *key, bool *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    size_t old = vs__sc_push_key(sc, key);
    if (!json_is_boolean(v))
        return vs__sc_fail(sc, v, "expected true or false");
    *out = json_is_true(v);
    vs__sc_pop(sc, old);
    return 0;
}

/* "special_pool": true, false, or {"enabled", "underruns", "free_quarantine"}; an object
 * without "enabled" turns it on. */
static int parse_special_pool(vs__sc *sc, const json_t *obj, vs_config *cfg)
{
    static const char *const keys[] = {"enabled", "underruns", "free_quarantine", NULL};
    const json_t *v = json_object_get(obj, "special_pool");
    cfg->verifier.special_pool.enabled = false;
    cfg->verifier.special_pool.underruns = false;
    cfg->verifier.special_pool.free_quarantine = QUARANTINE_DEFAULT;
    if (!v)
        return 0;
    if (json_is_boolean(v)) {
        cfg->verifier.special_pool.enabled = json_is_true(v);
        return 0;
    }
    size_t old = vs__sc_push_key(sc, "special_pool");
    if (!json_is_object(v))
        return vs__sc_fail(sc, v, "expected true, false or an object");
    cfg->verifier.special_pool.enabled = true;
    if (vs__sc_check_keys(sc, v, keys) < 0 ||
        parse_flag(sc, v, "enabled", &cfg->verifier.special_pool.enabled) < 0 ||
        parse_flag(sc, v, "underruns", &cfg->verifier.special_pool.underruns) < 0 ||
        vs__sc_u32(sc, v, "free_quarantine", false, 0, QUARANTINE_MAX,
                   &cfg->verifier.special_pool.free_quarantine) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_verifier(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"disable", "max_callback_time", "special_pool", NULL};
    const json_t *v;
    size_t old;
    cfg->verifier.disabled = 0;
    if (vs__sc_enter(sc, root, "verifier", false, keys, &v, &old) < 0 ||
        parse_disable(sc, v, cfg) < 0 ||
        vs__sc_duration(sc, v, "max_callback_time", false, "10ms", 0,
                        &cfg->verifier.max_callback_time) < 0 ||
        parse_special_pool(sc, v, cfg) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}
