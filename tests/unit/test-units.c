/*
 * test-units.c: render/units.c: simulated microseconds in the unit a person reads, at
 * the edges (zero, negative, not finite, rounding across a unit, huge values), grouped
 * numbers, and padding that counts characters.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "render/units.h"

static const char *us(double v)
{
    static char out[VS_UNITS_MAX];
    vs_format_us(out, v, false);
    return out;
}

static const char *us_trim(double v)
{
    static char out[VS_UNITS_MAX];
    vs_format_us(out, v, true);
    return out;
}

Test(units, the_issue_example_reads_in_seconds)
{
    cr_assert_str_eq(us(8062707.3), "8.06 s");
}

Test(units, each_unit_with_three_significant_digits)
{
    cr_assert_str_eq(us(0.13), "130 ns");
    cr_assert_str_eq(us(0.0012), "1.20 ns");
    cr_assert_str_eq(us(1), "1.00 µs");
    cr_assert_str_eq(us(18.8), "18.8 µs");
    cr_assert_str_eq(us(812.5), "812 µs");
    cr_assert_str_eq(us(5235.248), "5.24 ms");
    cr_assert_str_eq(us(87241523.2), "87.2 s");
    cr_assert_str_eq(us(156557628.2), "157 s");
}

Test(units, zero_negative_and_not_finite)
{
    cr_assert_str_eq(us(0), "0");
    cr_assert_str_eq(us(-0.0), "0");
    cr_assert_str_eq(us(-2500), "-2.50 ms");
    cr_assert_str_eq(us(NAN), "-");
    cr_assert_str_eq(us(INFINITY), "-");
    cr_assert_str_eq(us(-INFINITY), "-");
}

Test(units, rounding_up_to_a_thousand_moves_to_the_next_unit)
{
    cr_assert_str_eq(us(999.96), "1.00 ms");
    cr_assert_str_eq(us(999.4), "999 µs");
    cr_assert_str_eq(us(999999.7), "1.00 s");
    cr_assert_str_eq(us(0.9996), "1.00 µs");
    cr_assert_str_eq(us(9.996), "10.0 µs", "the decimals follow the rounded value");
    cr_assert_str_eq(us(99.96), "100 µs");
}

Test(units, seconds_past_a_thousand_are_whole_and_grouped)
{
    cr_assert_str_eq(us(3600e6), "3,600 s");
    cr_assert_str_eq(us(999.6e6), "1,000 s");
    cr_assert_str_eq(us(1.5e15), "1,500,000,000 s");
}

Test(units, trim_drops_trailing_zeros)
{
    cr_assert_str_eq(us_trim(1000), "1 ms");
    cr_assert_str_eq(us_trim(2500), "2.5 ms");
    cr_assert_str_eq(us_trim(1e5), "100 ms");
    cr_assert_str_eq(us_trim(1e7), "10 s");
    cr_assert_str_eq(us_trim(0), "0");
}

Test(units, unit_of_a_value)
{
    cr_assert_str_eq(vs_time_unit_of(0.5).name, "ns");
    cr_assert_str_eq(vs_time_unit_of(0).name, "µs");
    cr_assert_str_eq(vs_time_unit_of(NAN).name, "µs");
    cr_assert_str_eq(vs_time_unit_of(-4e3).name, "ms");
    cr_assert_str_eq(vs_time_unit_of(4e9).name, "s");
    cr_assert_float_eq(vs_time_unit_of(4e9).us, 1e6, 0);
}

Test(units, grouped_numbers)
{
    char out[VS_UNITS_MAX];
    vs_format_grouped(out, 1808434.14, 1);
    cr_assert_str_eq(out, "1,808,434.1");
    vs_format_grouped(out, -1234, 0);
    cr_assert_str_eq(out, "-1,234");
    vs_format_grouped(out, 999, 2);
    cr_assert_str_eq(out, "999.00");
}

Test(units, width_counts_characters_not_bytes)
{
    cr_assert_eq(vs_text_width("812 µs"), 6);
    cr_assert_eq(vs_text_width(""), 0);
    cr_assert_eq(vs_text_width(NULL), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    vs_fput_right(f, "1 µs", 6);
    vs_fput_right(f, "toolong", 3);
    fclose(f);
    cr_assert_str_eq(text, "  1 µstoolong");
    free(text);
}

Test(units, unit_of_a_report_path)
{
    cr_assert_str_eq(vs_unit_of_name("latency_us.save.p99"), "µs");
    cr_assert_str_eq(vs_unit_of_name("blackout_us.transfer.mean"), "µs");
    cr_assert_str_eq(vs_unit_of_name("plugins.x.pending_completion_p99_us"), "µs");
    cr_assert_str_eq(vs_unit_of_name("drain.duration_s"), "s");
    cr_assert_str_eq(vs_unit_of_name("throughput.saves_per_s"), "1/s");
    cr_assert_str_eq(vs_unit_of_name("workload.rate_per_s"), "1/s");
    cr_assert_str_eq(vs_unit_of_name("throughput.state_bytes_per_s"), "bytes/s");
    cr_assert_str_eq(vs_unit_of_name("state_bytes"), "bytes");
    cr_assert_str_eq(vs_unit_of_name("link_busiest_pct"), "%");
    cr_assert_str_eq(vs_unit_of_name("migrations.failed"), "count");
    cr_assert_str_eq(vs_unit_of_name("topology.vms_per_host"), "count");
}
