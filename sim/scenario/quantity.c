/*
 * quantity.c: a decimal number with a unit, read exactly: "1.5ms" -> 1500000 ns,
 * "1.5GiB" -> 1610612736 bytes, "100Mbps" -> 100000000 bit/s. Decimal arithmetic on the
 * digits, not strtod, so that exact inputs give exact values and the locale's decimal
 * point never matters. Also the three kinds of quantity a distribution can be of.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_SIG_DIGITS 19 /* 10^19 - 1 still fits in uint64_t */
#define MAX_ABS_EXPONENT 100000

/* A parsed non-negative decimal: sig * 10^exp10 (digits past the 19th are dropped). */
typedef struct decimal {
    uint64_t sig;
    long exp10;
} decimal;

/* A unit as (factor, power of ten) of the base unit: 1 m = 6 * 10^10 ns. */
typedef struct unit {
    const char *name;
    uint64_t factor;
    int pow10;
} unit;

typedef struct unit_table {
    const unit *units;
    size_t n;
} unit_table;

#define TABLE(u) ((unit_table){u, sizeof u / sizeof u[0]})
#define KI 1024ull
#define MI (KI * KI)
#define GI (MI * KI)
#define TI (GI * KI)

static const unit durations[] = {
    {"ns", 1, 0}, {"us", 1, 3}, {"ms", 1, 6}, {"s", 1, 9}, {"m", 6, 10}, {"h", 36, 11},
};

/* Bytes: SI prefixes are powers of 1000, IEC ones powers of 1024. */
static const unit sizes[] = {
    {"B", 1, 0},    {"KB", 1, 3},   {"MB", 1, 6},   {"GB", 1, 9},   {"TB", 1, 12},
    {"KiB", KI, 0}, {"MiB", MI, 0}, {"GiB", GI, 0}, {"TiB", TI, 0},
};

/* Read in bit/s, so that "1bps" (1/8 B/s) is exact too. */
static const unit rates[] = {
    {"B/s", 8, 0},        {"KB/s", 8, 3},       {"MB/s", 8, 6},       {"GB/s", 8, 9},
    {"TB/s", 8, 12},      {"KiB/s", 8 * KI, 0}, {"MiB/s", 8 * MI, 0}, {"GiB/s", 8 * GI, 0},
    {"TiB/s", 8 * TI, 0}, {"bps", 1, 0},        {"Kbps", 1, 3},       {"Mbps", 1, 6},
    {"Gbps", 1, 9},       {"Tbps", 1, 12},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void add_digit(decimal *d, char c, int *nsig, bool fraction)
{
    if (*nsig == 0 && c == '0') {
        if (fraction)
            d->exp10--;
        return;
    }
    if (*nsig < MAX_SIG_DIGITS) {
        d->sig = d->sig * 10 + (uint64_t)(c - '0');
        (*nsig)++;
        if (fraction)
            d->exp10--;
    } else if (!fraction) {
        d->exp10++; /* a dropped integer digit still scales the value */
    }
}

/* digits ('.' digits)?: at least one digit on each side of the point. */
static const char *parse_mantissa(const char *s, decimal *d)
{
    int nsig = 0;
    if (!is_digit(*s))
        return NULL;
    while (is_digit(*s))
        add_digit(d, *s++, &nsig, false);
    if (*s != '.')
        return s;
    s++;
    if (!is_digit(*s))
        return NULL;
    while (is_digit(*s))
        add_digit(d, *s++, &nsig, true);
    return s;
}

/* ([eE] [+-]? digits)? */
static const char *parse_exponent(const char *s, decimal *d)
{
    if (*s != 'e' && *s != 'E')
        return s;
    s++;
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (!is_digit(*s))
        return NULL;
    long e = 0;
    while (is_digit(*s)) {
        if (e < MAX_ABS_EXPONENT)
            e = e * 10 + (*s - '0');
        s++;
    }
    d->exp10 += sign * e;
    return s;
}

static const unit *find_unit(const char *s, unit_table t)
{
    for (size_t i = 0; i < t.n; i++)
        if (strcmp(s, t.units[i].name) == 0)
            return &t.units[i];
    return NULL;
}

/* sig * factor * 10^e, exactly, when e >= 0. */
static int scale_up(uint64_t sig, uint64_t factor, long e, uint64_t *out)
{
    uint64_t v = sig;
    if (v > (uint64_t)INT64_MAX / factor)
        return -2;
    v *= factor;
    for (long i = 0; i < e; i++) {
        if (v > (uint64_t)INT64_MAX / 10)
            return -2;
        v *= 10;
    }
    *out = v;
    return 0;
}

/* round(sig * factor / 10^n): whole part exactly, the remainder in long double. */
static int scale_down(uint64_t sig, uint64_t factor, long n, uint64_t *out)
{
    uint64_t div = 1;
    long k = 0;
    for (; k < n && k < MAX_SIG_DIGITS; k++)
        div *= 10;
    uint64_t whole = sig / div;
    long double frac = (long double)(sig % div) / (long double)div * (long double)factor;
    for (; k < n && frac > 0; k++)
        frac /= 10;
    if (whole > (uint64_t)INT64_MAX / factor)
        return -2;
    uint64_t rest = (uint64_t)floorl(frac + 0.5L);
    if (whole * factor > (uint64_t)INT64_MAX - rest)
        return -2;
    *out = whole * factor + rest;
    return 0;
}

/* text in one of t's units -> whole base units (rounded, halves up): 0, -1 not a number
 * with one of the units, -2 more than INT64_MAX. */
static int parse_in(const char *text, unit_table t, uint64_t *out)
{
    decimal d = {0, 0};
    const char *s = text ? parse_mantissa(text, &d) : NULL;
    if (s)
        s = parse_exponent(s, &d);
    const unit *u = s ? find_unit(s, t) : NULL;
    if (!u)
        return -1;
    if (d.sig == 0) {
        *out = 0;
        return 0;
    }
    long e = d.exp10 + u->pow10;
    if (e >= 0)
        return scale_up(d.sig, u->factor, e, out);
    return scale_down(d.sig, u->factor, -e, out);
}

int vs__sc_duration_parse(const char *text, vs_time_t *out_ns)
{
    return parse_in(text, TABLE(durations), out_ns);
}

int vs_duration_parse(const char *text, vs_time_t *out_ns)
{
    return vs__sc_duration_parse(text, out_ns) == 0 ? 0 : -1;
}

static int parse_size(const char *text, uint64_t *bytes)
{
    return parse_in(text, TABLE(sizes), bytes);
}

static int parse_rate(const char *text, uint64_t *bits_per_s)
{
    return parse_in(text, TABLE(rates), bits_per_s);
}

const vs__sc_unit vs__sc_durations = {
    .name = "duration",
    .plural = "durations",
    .syntax = "a number with a unit ns, us, ms, s, m or h, like \"1.5ms\"",
    .most = "9223372036854775807ns (292 years)",
    .base = "ns",
    .ticks_per_base = 1,
    .file = true,
    .parse = vs__sc_duration_parse,
};

const vs__sc_unit vs__sc_sizes = {
    .name = "size",
    .plural = "sizes",
    .syntax = "a number with a unit B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, "
              "TiB (powers of 1024), like \"512MiB\"",
    .most = "9223372036854775807B (8 EiB)",
    .base = "B",
    .ticks_per_base = 1,
    .file = false,
    .parse = parse_size,
};

const vs__sc_unit vs__sc_rates = {
    .name = "rate",
    .plural = "rates",
    .syntax = "a number with a unit B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, "
              "TiB/s or bps, Kbps, Mbps, Gbps, Tbps (bits), like \"50MB/s\" or \"10Gbps\"",
    .most = "9223372036854775807bps",
    .base = "B/s",
    .ticks_per_base = 8,
    .file = false,
    .parse = parse_rate,
};
