/*
 * verifier_json.c: the scenario's "verifier" section: which rules are turned off, and
 * the bound on one callback's charged CPU time (callback_too_long).
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

int vs__sc_verifier(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"disable", "max_callback_time", NULL};
    const json_t *v;
    size_t old;
    cfg->verifier.disabled = 0;
    if (vs__sc_enter(sc, root, "verifier", false, keys, &v, &old) < 0 ||
        parse_disable(sc, v, cfg) < 0 ||
        vs__sc_duration(sc, v, "max_callback_time", false, "10ms", 0,
                        &cfg->verifier.max_callback_time) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}
