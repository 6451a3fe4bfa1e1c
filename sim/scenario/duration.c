/*
 * duration.c: "1.5ms" -> 1500000 ns. Decimal arithmetic on the digits, not strtod, so
 * that exact inputs give exact nanoseconds and the locale's decimal point never matters.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_SIG_DIGITS 19   /* 10^19 - 1 still fits in uint64_t */
#define MAX_ABS_EXPONENT 100000

/* A parsed non-negative decimal: sig * 10^exp10 (digits past the 19th are dropped). */
typedef struct decimal {
    uint64_t sig;
    long exp10;
} decimal;

/* A unit as (factor, power of ten): 1 m = 6 * 10^10 ns. */
typedef struct unit {
    const char *name;
    unsigned factor;
    int pow10;
} unit;

static const unit units[] = {
    {"ns", 1, 0}, {"us", 1, 3}, {"ms", 1, 6}, {"s", 1, 9}, {"m", 6, 10}, {"h", 36, 11},
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

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

static const unit *find_unit(const char *s)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(s, units[i].name) == 0)
            return &units[i];
    return NULL;
}

/* sig * factor * 10^e, exactly, when e >= 0. */
static int scale_up(uint64_t sig, unsigned factor, long e, vs_time_t *out)
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
static int scale_down(uint64_t sig, unsigned factor, long n, vs_time_t *out)
{
    uint64_t div = 1;
    long k = 0;
    for (; k < n && k < MAX_SIG_DIGITS; k++)
        div *= 10;
    uint64_t whole = sig / div;
    long double frac = (long double)(sig % div) / (long double)div * factor;
    for (; k < n && frac > 0; k++)
        frac /= 10;
    if (whole > (uint64_t)INT64_MAX / factor)
        return -2;
    uint64_t v = whole * factor + (uint64_t)floorl(frac + 0.5L);
    if (v > (uint64_t)INT64_MAX)
        return -2;
    *out = v;
    return 0;
}

int vs__sc_duration_parse(const char *text, vs_time_t *out_ns)
{
    decimal d = {0, 0};
    const char *s = text ? parse_mantissa(text, &d) : NULL;
    if (s)
        s = parse_exponent(s, &d);
    const unit *u = s ? find_unit(s) : NULL;
    if (!u)
        return -1;
    if (d.sig == 0) {
        *out_ns = 0;
        return 0;
    }
    long e = d.exp10 + u->pow10;
    if (e >= 0)
        return scale_up(d.sig, u->factor, e, out_ns);
    return scale_down(d.sig, u->factor, -e, out_ns);
}

int vs_duration_parse(const char *text, vs_time_t *out_ns)
{
    return vs__sc_duration_parse(text, out_ns) == 0 ? 0 : -1;
}
