/*
 * test-plugin_params.c: sim/scenario/plugin_params.c, the reader behind the host table's
 * typed params getters: values and defaults, ranges, durations and distributions as
 * scenarios write them, dotted names, unknown keys, and one-line errors that name the
 * plugin and the JSON path, the first one kept.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scenario/plugin_params.h"

static vs_plugin_params *pp_of(const char *json)
{
    vs_plugin_params *pp = vs_plugin_params_new("ft", json, NULL);
    cr_assert_not_null(pp);
    return pp;
}

Test(plugin_params, integer_value_default_and_range)
{
    vs_plugin_params *pp = pp_of("{\"flows_per_port\": 100}");
    int64_t v;
    cr_assert_eq(vs_plugin_params_int(pp, "flows_per_port", 0, 1623, 64, &v), 0);
    cr_assert_eq(v, 100);
    cr_assert_eq(vs_plugin_params_int(pp, "ns_per_flow", 0, 1000, 50, &v), 0);
    cr_assert_eq(v, 50, "absent: the default");
    cr_assert_null(vs_plugin_params_error(pp));
    cr_assert_eq(vs_plugin_params_int(pp, "flows_per_port", 0, 99, 64, &v), -1);
    cr_assert_eq(v, 64, "a bad value writes the default");
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.flows_per_port: expected an integer in 0..99, got 100");
    vs_plugin_params_free(pp);
}

Test(plugin_params, brief_example_error_line)
{
    vs_plugin_params *pp = pp_of("{\"flows_per_port\": \"x\"}");
    int64_t v;
    cr_assert_eq(vs_plugin_params_int(pp, "flows_per_port", 0, 1623, 64, &v), -1);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.flows_per_port: expected an integer in 0..1623, got "
                     "\"x\"");
    vs_plugin_params_free(pp);
}

Test(plugin_params, first_error_wins_and_later_getters_still_work)
{
    vs_plugin_params *pp = pp_of("{\"a\": true, \"b\": 3, \"c\": 1}");
    int64_t v;
    bool b;
    cr_assert_eq(vs_plugin_params_int(pp, "a", 0, 9, 1, &v), -1);
    cr_assert_eq(vs_plugin_params_int(pp, "b", 0, 9, 1, &v), 0, "a good one after a bad one");
    cr_assert_eq(v, 3);
    cr_assert_eq(vs_plugin_params_bool(pp, "c", false, &b), -1);
    cr_assert(strstr(vs_plugin_params_error(pp), "params.a:") != NULL, "%s",
              vs_plugin_params_error(pp));
    vs_plugin_params_free(pp);
}

Test(plugin_params, number_string_bool)
{
    vs_plugin_params *pp = pp_of("{\"ratio\": 0.25, \"mode\": \"fast\", \"on\": true}");
    double d;
    const char *s;
    bool b;
    cr_assert_eq(vs_plugin_params_number(pp, "ratio", 0, 1, 0.5, &d), 0);
    cr_assert_float_eq(d, 0.25, 1e-12);
    cr_assert_eq(vs_plugin_params_string(pp, "mode", "slow", &s), 0);
    cr_assert_str_eq(s, "fast");
    cr_assert_eq(vs_plugin_params_string(pp, "other", "slow", &s), 0);
    cr_assert_str_eq(s, "slow");
    cr_assert_eq(vs_plugin_params_bool(pp, "on", false, &b), 0);
    cr_assert(b);
    cr_assert_eq(vs_plugin_params_number(pp, "ratio", 0.5, 1, 0.5, &d), -1);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.ratio: expected a number in [0.5, 1], got 0.25");
    vs_plugin_params_free(pp);
}

Test(plugin_params, string_and_bool_type_errors)
{
    vs_plugin_params *pp = pp_of("{\"mode\": 3}");
    const char *s;
    cr_assert_eq(vs_plugin_params_string(pp, "mode", "slow", &s), -1);
    cr_assert_str_eq(s, "slow");
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.mode: expected a string, got 3");
    vs_plugin_params_free(pp);
    pp = pp_of("{\"on\": \"yes\"}");
    bool b;
    cr_assert_eq(vs_plugin_params_bool(pp, "on", true, &b), -1);
    cr_assert(b);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.on: expected true or false, got \"yes\"");
    vs_plugin_params_free(pp);
}

Test(plugin_params, durations_as_scenarios_write_them)
{
    vs_plugin_params *pp =
        pp_of("{\"a\": \"20us\", \"b\": \"1.5ms\", \"c\": \"2s\", \"d\": \"1m\"}");
    uint64_t v;
    cr_assert_eq(vs_plugin_params_duration(pp, "a", 0, UINT64_MAX, 0, &v), 0);
    cr_assert_eq(v, 20000);
    cr_assert_eq(vs_plugin_params_duration(pp, "b", 0, UINT64_MAX, 0, &v), 0);
    cr_assert_eq(v, 1500000);
    cr_assert_eq(vs_plugin_params_duration(pp, "c", 0, UINT64_MAX, 0, &v), 0);
    cr_assert_eq(v, 2000000000ull);
    cr_assert_eq(vs_plugin_params_duration(pp, "d", 0, UINT64_MAX, 0, &v), 0);
    cr_assert_eq(v, 60000000000ull);
    cr_assert_eq(vs_plugin_params_duration(pp, "e", 0, UINT64_MAX, 7, &v), 0);
    cr_assert_eq(v, 7);
    cr_assert_eq(vs_plugin_params_duration(pp, "a", 1000000, 1000000000, 1000000, &v), -1);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.a: expected a duration from 1ms to 1s, got \"20us\"");
    vs_plugin_params_free(pp);
    pp = pp_of("{\"a\": \"20 us\"}");
    cr_assert_eq(vs_plugin_params_duration(pp, "a", 0, UINT64_MAX, 5, &v), -1);
    cr_assert_eq(v, 5);
    cr_assert(strstr(vs_plugin_params_error(pp), "params.a: expected a duration: ") != NULL);
    vs_plugin_params_free(pp);
}

Test(plugin_params, distributions_as_scenarios_write_them)
{
    vs_plugin_params *pp =
        pp_of("{\"s\": {\"dist\": \"uniform\", \"min\": \"10us\", \"max\": "
              "\"30us\"}, \"e\": {\"dist\": \"empirical\", \"values\": [\"3us\", "
              "\"1us\"]}, \"c\": \"5us\"}");
    const vs_dist *d;
    cr_assert_eq(vs_plugin_params_dist(pp, "s", "\"1us\"", &d), 0);
    cr_assert_eq(d->kind, VS_DIST_UNIFORM);
    cr_assert_float_eq(d->a, 10000, 1e-9);
    cr_assert_float_eq(d->b, 30000, 1e-9);
    cr_assert_eq(vs_plugin_params_dist(pp, "e", "\"1us\"", &d), 0);
    cr_assert_eq(d->kind, VS_DIST_EMPIRICAL);
    cr_assert_eq(d->nvalues, 2);
    cr_assert_float_eq(d->values[0], 1000, 1e-9, "sorted");
    cr_assert_eq(vs_plugin_params_dist(pp, "c", "\"1us\"", &d), 0);
    cr_assert_eq(d->kind, VS_DIST_CONSTANT);
    cr_assert_float_eq(d->a, 5000, 1e-9);
    cr_assert_eq(
        vs_plugin_params_dist(pp, "absent", "{\"dist\": \"exponential\", \"mean\": \"100us\"}", &d),
        0);
    cr_assert_eq(d->kind, VS_DIST_EXPONENTIAL);
    cr_assert_float_eq(d->a, 100000, 1e-9);
    cr_assert_null(vs_plugin_params_error(pp));
    vs_plugin_params_free(pp);
}

Test(plugin_params, distribution_errors_name_the_path)
{
    vs_plugin_params *pp = pp_of("{\"s\": {\"dist\": \"uniform\", \"min\": \"5us\"}}");
    const vs_dist *d;
    cr_assert_eq(vs_plugin_params_dist(pp, "s", "\"1us\"", &d), -1);
    cr_assert_not_null(d, "a default-shaped value still comes back");
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.s.max: missing required key");
    vs_plugin_params_free(pp);
    pp = pp_of("{}");
    cr_assert_eq(vs_plugin_params_dist(pp, "s", NULL, &d), -1, "no default: required");
    cr_assert_str_eq(vs_plugin_params_error(pp), "plugin \"ft\": params.s: missing required key");
    vs_plugin_params_free(pp);
}

Test(plugin_params, dotted_names_reach_nested_objects)
{
    vs_plugin_params *pp = pp_of("{\"limits\": {\"max\": 7, \"min\": 1}, \"x\": 2}");
    int64_t v;
    cr_assert_eq(vs_plugin_params_int(pp, "limits.max", 0, 9, 0, &v), 0);
    cr_assert_eq(v, 7);
    cr_assert_eq(vs_plugin_params_int(pp, "nothing.here", 0, 9, 3, &v), 0);
    cr_assert_eq(v, 3, "a missing object on the way: the default");
    cr_assert_eq(vs_plugin_params_int(pp, "x.y", 0, 9, 3, &v), -1);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.x: expected an object, got 2");
    vs_plugin_params_free(pp);
}

Test(plugin_params, unknown_keys_are_refused_by_the_check)
{
    vs_plugin_params *pp = pp_of("{\"limits\": {\"max\": 7, \"mni\": 1}, \"flows\": 2}");
    int64_t v;
    cr_assert_eq(vs_plugin_params_int(pp, "limits.max", 0, 9, 0, &v), 0);
    cr_assert_eq(vs_plugin_params_int(pp, "limits.min", 0, 9, 0, &v), 0);
    cr_assert_eq(vs_plugin_params_int(pp, "flows_per_port", 0, 9, 0, &v), 0);
    cr_assert(vs_plugin_params_used(pp));
    cr_assert_eq(vs_plugin_params_check(pp), -1);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.limits.mni: unknown key (expected one of: max, min)");
    vs_plugin_params_free(pp);
}

Test(plugin_params, a_plugin_that_takes_none_refuses_any_key)
{
    vs_plugin_params *pp = pp_of("{\"x\": 1}");
    cr_assert_not(vs_plugin_params_used(pp));
    cr_assert_eq(vs_plugin_params_check(pp), -1);
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params.x: unknown key (the plugin takes no params)");
    vs_plugin_params_free(pp);
    pp = pp_of(NULL);
    cr_assert_eq(vs_plugin_params_check(pp), 0, "NULL reads as {}");
    vs_plugin_params_free(pp);
}

Test(plugin_params, text_that_is_not_an_object)
{
    vs_plugin_params *pp = pp_of("[1]");
    int64_t v;
    cr_assert_str_eq(vs_plugin_params_error(pp),
                     "plugin \"ft\": params: expected an object, got [1]");
    cr_assert_eq(vs_plugin_params_int(pp, "a", 0, 9, 4, &v), -1);
    cr_assert_eq(v, 4);
    vs_plugin_params_free(pp);
    pp = pp_of("{\"a\": 1, \"a\": 2}");
    cr_assert(strstr(vs_plugin_params_error(pp), "duplicate object key") != NULL);
    vs_plugin_params_free(pp);
}

Test(plugin_params, a_default_out_of_its_own_range_is_the_plugins_bug)
{
    vs_plugin_params *pp = pp_of("{}");
    int64_t v;
    cr_assert_eq(vs_plugin_params_int(pp, "n", 1, 9, 0, &v), -1);
    cr_assert(strstr(vs_plugin_params_error(pp), "(a bug in the plugin)") != NULL, "%s",
              vs_plugin_params_error(pp));
    vs_plugin_params_free(pp);
}

Test(plugin_params, lends_only_strings_and_empirical_values)
{
    vs_plugin_params *pp = pp_of("{\"n\": 1, \"s\": \"x\", \"d\": \"5us\"}");
    int64_t v;
    const vs_dist *d;
    const char *s;
    cr_assert_eq(vs_plugin_params_int(pp, "n", 0, 9, 0, &v), 0);
    cr_assert_eq(vs_plugin_params_dist(pp, "d", "\"1us\"", &d), 0);
    cr_assert_not(vs_plugin_params_lent(pp), "numbers and a constant are copied out");
    cr_assert_eq(vs_plugin_params_string(pp, "s", "y", &s), 0);
    cr_assert(vs_plugin_params_lent(pp), "a string points into the params");
    vs_plugin_params_free(pp);
}
