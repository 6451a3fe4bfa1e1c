/*
 * test-param.c: sim/scenario/param.c. --param lists and ranges become exact JSON values
 * (integers stay integers), every malformed spec is refused with a one-line reason,
 * and grid points enumerate the cartesian product with the first axis slowest.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/param.h"

static vs_axis parse_ok(const char *spec)
{
    vs_axis axis;
    char why[VS_ERROR_MAX] = "";
    cr_assert_eq(vs_axis_parse(spec, &axis, why), 0, "%s: %s", spec, why);
    return axis;
}

/* The axis's values as compact JSON joined by spaces, which shows integer vs real. */
static char *dump_values(const vs_axis *axis)
{
    size_t cap = 64 + 32 * axis->nvalues, len = 0;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < axis->nvalues; i++) {
        char *one =
            json_dumps(axis->values[i], JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", one);
        free(one);
    }
    return out;
}

static void assert_values(const char *spec, const char *want)
{
    vs_axis axis = parse_ok(spec);
    char *got = dump_values(&axis);
    cr_assert_str_eq(got, want, "%s", spec);
    free(got);
    vs_axis_free(&axis);
}

/* The reason must quote the spec and contain `part`, on one line. */
static void assert_fails(const char *spec, const char *part)
{
    vs_axis axis;
    char why[VS_ERROR_MAX] = "";
    cr_assert_eq(vs_axis_parse(spec, &axis, why), -1, "%s parsed", spec);
    cr_assert(strstr(why, part), "%s: \"%s\" lacks \"%s\"", spec, why, part);
    cr_assert(strstr(why, spec) || strlen(spec) > 200, "%s: \"%s\" does not quote it", spec, why);
    cr_assert_null(strchr(why, '\n'));
    cr_assert_eq(axis.nvalues, 0);
    cr_assert_null(axis.values);
    cr_assert_null(axis.key);
}

Test(param, listed_values_read_like_set)
{
    vs_axis axis = parse_ok("workload.rate_per_s=100,2.5,true,null,10s,\"quoted\"");
    cr_assert_str_eq(axis.key, "workload.rate_per_s");
    char *got = dump_values(&axis);
    cr_assert_str_eq(got, "100 2.5 true null \"10s\" \"quoted\"");
    free(got);
    vs_axis_free(&axis);
}

Test(param, commas_inside_json_do_not_split)
{
    vs_axis axis = parse_ok("k=[1,2],{\"a\":1,\"b\":2},\"x,y\"");
    cr_assert_eq(axis.nvalues, 3);
    char *got = dump_values(&axis);
    cr_assert_str_eq(got, "[1,2] {\"a\":1,\"b\":2} \"x,y\"");
    free(got);
    vs_axis_free(&axis);
}

Test(param, escaped_quote_inside_string_does_not_end_it)
{
    assert_values("k=\"a\\\",b\",[\"]\",3]", "\"a\\\",b\" [\"]\",3]");
}

Test(param, value_after_the_first_equals_sign_may_contain_equals)
{
    assert_values("k=a=b,c", "\"a=b\" \"c\"");
}

Test(param, step_one_range)
{
    assert_values("migration.max_per_host=1..8", "1 2 3 4 5 6 7 8");
    assert_values("k=-2..1", "-2 -1 0 1");
    assert_values("k=5..5", "5");
}

Test(param, geometric_integer_range)
{
    assert_values("topology.hosts=1..64:x2", "1 2 4 8 16 32 64");
    assert_values("k=3..100:x3", "3 9 27 81");
}

Test(param, arithmetic_ranges)
{
    assert_values("k=0.5..2:+0.5", "0.5 1.0 1.5 2.0");
    assert_values("k=1..10:+4", "1 5 9");
    /* 0.1 + 2 * 0.1 rounds past 0.3; the end is inclusive and lands on B. */
    assert_values("k=0.1..0.3:+0.1", "0.10000000000000001 0.20000000000000001 0.29999999999999999");
}

/* Snapping the end to B must not merge values when the step is tiny next to B. */
Test(param, fine_step_far_from_zero_keeps_every_value)
{
    vs_axis axis = parse_ok("k=1000000..1000000.0001:+0.000001");
    cr_assert_eq(axis.nvalues, 101);
    for (size_t i = 1; i < axis.nvalues; i++)
        cr_assert_gt(json_real_value(axis.values[i]), json_real_value(axis.values[i - 1]));
    cr_assert_eq(json_real_value(axis.values[100]), 1000000.0001);
    vs_axis_free(&axis);
}

Test(param, real_ends_or_step_make_reals)
{
    assert_values("k=1..2:+0.5", "1.0 1.5 2.0");
    assert_values("k=1e0..3", "1.0 2.0 3.0");
}

Test(param, real_geometric_range)
{
    assert_values("k=1..10:x1.5", "1.0 1.5 2.25 3.375 5.0625 7.59375");
    assert_values("k=0.25..1:x2", "0.25 0.5 1.0");
    /* A * F^i, not accumulated: 10^(i/10) ends exactly on 10. */
    vs_axis axis = parse_ok("k=1..10:x1.2589254117941673");
    cr_assert_eq(axis.nvalues, 11);
    cr_assert_eq(json_real_value(axis.values[10]), 10.0);
    vs_axis_free(&axis);
}

Test(param, blanks_around_items)
{
    assert_values("k=1, 2..3 ,\" x\", y ", "1 2 3 \" x\" \" y \"");
}

Test(param, mixed_list)
{
    assert_values("k=1,2,4..8:x2", "1 2 4 8");
    assert_values("run.duration=10s,30s,1,2..4", "\"10s\" \"30s\" 1 2 3 4");
}

Test(param, duplicates_are_kept)
{
    assert_values("k=1,1..2", "1 1 2");
}

/* ".." that does not follow a number is text, as --set would read it. */
Test(param, dots_in_text_are_not_a_range)
{
    assert_values("plugin.path=../x.so,a..b", "\"../x.so\" \"a..b\"");
}

Test(param, errors)
{
    assert_fails("=1,2", "empty key");
    assert_fails("k", "no '='");
    assert_fails("k=", "empty item");
    assert_fails("k=1,,2", "empty item");
    assert_fails("k=1,", "empty item");
    assert_fails("k=1, ,2", "empty item");
    assert_fails("k=8..1", "is empty");
    assert_fails("k=1..8:+0", "step must be > 0");
    assert_fails("k=1..8:+-1", "step must be > 0");
    assert_fails("k=1..8:x1", "factor must be > 1");
    assert_fails("k=1..8:x0.5", "factor must be > 1");
    assert_fails("k=0..8:x2", "start above 0");
    assert_fails("k=-1..8:x2", "start above 0");
    assert_fails("k=1..b", "must be numbers");
    assert_fails("k=1..", "must be numbers");
    assert_fails("k=1..inf", "must be numbers");
    assert_fails("k=1..0x10", "must be numbers");
    assert_fails("k=1..8:2", "expected A..B");
    assert_fails("k=1..8:-1", "expected A..B");
    assert_fails("k=1..8:+", "expected A..B");
    assert_fails("k=1..100001", "more than 100000 values");
    assert_fails("k=0..1:+1e-9", "more than 100000 values");
    assert_fails("k=1..1e300:x1.0000001", "more than 100000 values");
    assert_fails("k=-9223372036854775807..9223372036854775807", "more than 100000 values");
}

/* Found by tests/fuzz/fuzz_param.c (tests/fuzz/regress/param). */
Test(param, control_characters_in_a_spec_stay_on_one_line)
{
    vs_axis axis;
    char why[VS_ERROR_MAX] = "";
    cr_assert_eq(vs_axis_parse("k=1\nx\n", &axis, why), 0); /* "1\nx\n" is a string item */
    vs_axis_free(&axis);
    cr_assert_eq(vs_axis_parse("k=1..\n", &axis, why), -1);
    cr_assert_null(strchr(why, '\n'), "%s", why);
    cr_assert(strstr(why, "1..\\n"), "%s", why);
    cr_assert_eq(vs_axis_parse("no equals sign\r\n", &axis, why), -1);
    cr_assert(!strchr(why, '\n') && !strchr(why, '\r'), "%s", why);
    json_t *s = json_string("1..\n");
    cr_assert_eq(vs_axis_from_json("k", s, &axis, why), -1);
    cr_assert_null(strchr(why, '\n'), "%s", why);
    json_decref(s);
}

/* Found by hand while fuzzing: both ends round to the same double, 2^53. */
Test(param, integer_ends_beyond_2_to_the_53_compare_as_integers)
{
    assert_fails("k=9007199254740993..9007199254740992:+4611686018427387904", "is empty");
    assert_fails("k=9007199254740993..9007199254740992:x2", "is empty");
    assert_values("k=9007199254740992..9007199254740993", "9007199254740992 9007199254740993");
}

Test(param, limit_is_exact_and_counts_the_whole_list)
{
    vs_axis axis = parse_ok("k=1..100000");
    cr_assert_eq(axis.nvalues, VS_AXIS_MAX_VALUES);
    cr_assert_eq(json_integer_value(axis.values[VS_AXIS_MAX_VALUES - 1]), 100000);
    vs_axis_free(&axis);
    assert_fails("k=0,1..100000", "more than 100000 values");
    assert_fails("k=1..100000,0", "more than 100000 values");
}

Test(param, geometric_integer_range_stops_before_overflow)
{
    vs_axis axis = parse_ok("k=1..9223372036854775807:x2");
    cr_assert_eq(axis.nvalues, 63);
    cr_assert_eq(json_integer_value(axis.values[62]), (json_int_t)1 << 62);
    vs_axis_free(&axis);
}

Test(param, parse_list_takes_key_and_list_apart)
{
    vs_axis axis;
    char why[VS_ERROR_MAX];
    cr_assert_eq(vs_axis_parse_list("topology.hosts", "1..4:x2,100", &axis, why), 0, "%s", why);
    cr_assert_str_eq(axis.key, "topology.hosts");
    char *got = dump_values(&axis);
    cr_assert_str_eq(got, "1 2 4 100");
    free(got);
    vs_axis_free(&axis);
    cr_assert_eq(vs_axis_parse_list("k", "3..1", &axis, why), -1);
    cr_assert(strstr(why, "\"k=3..1\"") && strstr(why, "is empty"), "%s", why);
    cr_assert_eq(vs_axis_parse_list("", "1", &axis, why), -1);
    cr_assert(strstr(why, "empty key"), "%s", why);
}

Test(param, from_json_array_is_verbatim)
{
    json_t *arr = json_loads("[1, \"1..4\", 2.5, {\"a\": [1]}]", 0, NULL);
    vs_axis axis;
    char why[VS_ERROR_MAX];
    cr_assert_eq(vs_axis_from_json("k", arr, &axis, why), 0, "%s", why);
    cr_assert_eq(axis.nvalues, 4);
    cr_assert(json_equal(axis.values[1], json_array_get(arr, 1)));
    cr_assert(json_equal(axis.values[3], json_array_get(arr, 3)));
    json_decref(arr); /* the axis owns its values */
    char *got = dump_values(&axis);
    cr_assert_str_eq(got, "1 \"1..4\" 2.5 {\"a\":[1]}");
    free(got);
    vs_axis_free(&axis);
}

Test(param, from_json_string_uses_the_list_syntax)
{
    json_t *s = json_string("1..64:x2");
    vs_axis axis;
    char why[VS_ERROR_MAX];
    cr_assert_eq(vs_axis_from_json("topology.hosts", s, &axis, why), 0, "%s", why);
    cr_assert_eq(axis.nvalues, 7);
    vs_axis_free(&axis);
    json_decref(s);
    s = json_string("4..1");
    cr_assert_eq(vs_axis_from_json("k", s, &axis, why), -1);
    cr_assert(strstr(why, "\"4..1\"") && strstr(why, "is empty"), "%s", why);
    cr_assert_null(axis.key);
    json_decref(s);
}

Test(param, from_json_rejects_other_types)
{
    const char *bad[] = {"[]", "3", "{\"a\": 1}", "null", "true", "2.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *v = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        vs_axis axis;
        char why[VS_ERROR_MAX];
        cr_assert_eq(vs_axis_from_json("k", v, &axis, why), -1, "%s", bad[i]);
        cr_assert_str_eq(why, "expected an array of values or a string like \"1..64:x2\"");
        cr_assert_null(axis.values);
        json_decref(v);
    }
}

Test(param, grid_of_two_axes_first_slowest)
{
    vs_axis axes[2] = {parse_ok("a=1..2"), parse_ok("b=1..3")};
    cr_assert_eq(vs_grid_size(axes, 2), 6);
    static const size_t want[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
    for (size_t i = 0; i < 6; i++) {
        size_t idx[2];
        vs_grid_point(axes, 2, i, idx);
        cr_assert(idx[0] == want[i][0] && idx[1] == want[i][1], "point %zu: %zu %zu", i, idx[0],
                  idx[1]);
    }
    vs_axis_free(&axes[0]);
    vs_axis_free(&axes[1]);
}

Test(param, grid_of_three_axes_first_slowest)
{
    vs_axis axes[3] = {parse_ok("a=1..2"), parse_ok("b=1..3"), parse_ok("c=1..4")};
    cr_assert_eq(vs_grid_size(axes, 3), 24);
    for (size_t i = 0; i < 24; i++) {
        size_t idx[3];
        vs_grid_point(axes, 3, i, idx);
        cr_assert_eq(idx[0], i / 12);
        cr_assert_eq(idx[1], i / 4 % 3);
        cr_assert_eq(idx[2], i % 4);
    }
    size_t idx[3];
    vs_grid_point(axes, 3, 17, idx); /* 17 = 1*12 + 1*4 + 1 */
    cr_assert(idx[0] == 1 && idx[1] == 1 && idx[2] == 1);
    for (size_t i = 0; i < 3; i++)
        vs_axis_free(&axes[i]);
}

Test(param, grid_size_limit)
{
    vs_axis axes[3] = {parse_ok("a=1..1000"), parse_ok("b=1..1000"), parse_ok("c=1..2")};
    cr_assert_eq(vs_grid_size(axes, 2), VS_GRID_MAX_POINTS);
    cr_assert_eq(vs_grid_size(axes, 3), 0);
    cr_assert_eq(vs_grid_size(axes, 0), 1);
    vs_axis big[4] = {parse_ok("a=1..100000"), parse_ok("b=1..100000"), parse_ok("c=1..100000"),
                      parse_ok("d=1..100000")};
    cr_assert_eq(vs_grid_size(big, 4), 0); /* 1e20 points would overflow size_t */
    for (size_t i = 0; i < 3; i++)
        vs_axis_free(&axes[i]);
    for (size_t i = 0; i < 4; i++)
        vs_axis_free(&big[i]);
}
