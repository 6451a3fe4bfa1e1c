/*
 * units.h: numbers in the units a person reads (units.c). The reports keep simulated
 * times in microseconds, as CONTRACT.md says; tables and chart axes show them scaled to
 * ns, µs, ms or s ("8,062,707.3 µs" reads "8.06 s"), and columns that hold "µs" line
 * up by characters, not bytes.
 */
#ifndef VS_RENDER_UNITS_H
#define VS_RENDER_UNITS_H

#include <stdbool.h>
#include <stdio.h>

enum { VS_UNITS_MAX = 40 };

/* A unit of time and how many microseconds it holds. */
typedef struct vs_time_unit {
    const char *name; /* "ns", "µs", "ms", "s" */
    double us;        /* 0.001, 1, 1000, 1e6 */
} vs_time_unit;

/* The unit that shows |us| with 1 to 3 digits before the point: ns below 1 µs, s from
 * 1 s up (and for 0 or a value that is not finite, µs). */
vs_time_unit vs_time_unit_of(double us);

/* `us` microseconds in its unit with three significant digits ("8.06 s", "812 µs",
 * "5.24 ms", "130 ns"; 1000 s and more as whole grouped seconds, "3,600 s"); "0" for
 * zero, "-" for NaN and infinities. A value that rounds up to 1000 of a unit moves to
 * the next ("999.96 µs" reads "1.00 ms"). With `trim`, trailing zeros go ("1 ms"). */
void vs_format_us(char out[VS_UNITS_MAX], double us, bool trim);

/* What a report path's number is in, from its name: "µs" (latency_us.*, *_us: pass
 * VS_UNIT_US to an axis), "1/s" (*_per_s; "bytes/s" for bytes), "s" (*_s), "%" (*_pct), "Gbit/s" (*_gbps),
 * "bytes" (*bytes*), else "count". */
const char *vs_unit_of_name(const char *path);

/* "1,808,434.1": v with `decimals` decimals, grouped by thousands. */
void vs_format_grouped(char out[VS_UNITS_MAX], double v, int decimals);

/* How many characters (UTF-8 code points) s shows. */
int vs_text_width(const char *s);

/* Writes s right-aligned in `width` characters (%*s counts bytes, and "µ" is two). */
void vs_fput_right(FILE *out, const char *s, int width);

#endif /* VS_RENDER_UNITS_H */
