/*
 * units.c: simulated times in the unit that reads best, and padding that counts
 * characters (units.h).
 */
#include "render/units.h"

#include <math.h>
#include <string.h>

static const vs_time_unit UNITS[] = {{"ns", 1e-3}, {"µs", 1}, {"ms", 1e3}, {"s", 1e6}};
enum { NUNITS = sizeof UNITS / sizeof UNITS[0] };

static int unit_index(double us)
{
    double a = fabs(us);
    if (!isfinite(a) || a == 0)
        return 1;
    int i = 0;
    while (i + 1 < NUNITS && a >= UNITS[i + 1].us)
        i++;
    return i;
}

vs_time_unit vs_time_unit_of(double us)
{
    return UNITS[unit_index(us)];
}

void vs_format_grouped(char out[VS_UNITS_MAX], double v, int decimals)
{
    char raw[VS_UNITS_MAX];
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    const char *digits = raw + (raw[0] == '-');
    size_t whole = strcspn(digits, ".");
    char *o = out;
    if (raw[0] == '-')
        *o++ = '-';
    for (size_t i = 0; i < whole && o < out + VS_UNITS_MAX - 8; i++) {
        if (i > 0 && (whole - i) % 3 == 0)
            *o++ = ',';
        *o++ = digits[i];
    }
    snprintf(o, (size_t)(out + VS_UNITS_MAX - o), "%s", digits + whole);
}

/* Decimals for three significant digits of a value from 1 to 999.x. */
static int decimals_for(double scaled)
{
    double a = fabs(scaled);
    return a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;
}

static void trim_zeros(char *s)
{
    if (!strchr(s, '.'))
        return;
    char *end = s + strlen(s) - 1;
    while (*end == '0')
        *end-- = '\0';
    if (*end == '.')
        *end = '\0';
}

void vs_format_us(char out[VS_UNITS_MAX], double us, bool trim)
{
    if (!isfinite(us)) {
        snprintf(out, VS_UNITS_MAX, "-");
        return;
    }
    if (us == 0) {
        snprintf(out, VS_UNITS_MAX, "0");
        return;
    }
    int i = unit_index(us);
    double v = us / UNITS[i].us;
    /* 999.96 µs rounds to "1000 µs": it is 1.00 ms. */
    if (i + 1 < NUNITS && fabs(v) >= 999.5) {
        i++;
        v = us / UNITS[i].us;
    }
    char num[VS_UNITS_MAX];
    if (i == NUNITS - 1 && fabs(v) >= 999.5)
        vs_format_grouped(num, v, 0);
    else
        snprintf(num, sizeof num, "%.*f", decimals_for(v), v);
    if (trim)
        trim_zeros(num);
    /* The number is at most a few characters; clipping it keeps room for " µs" (and tells
     * the compiler so). */
    size_t len = strnlen(num, VS_UNITS_MAX - 5);
    memcpy(out, num, len);
    snprintf(out + len, VS_UNITS_MAX - len, " %s", UNITS[i].name);
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncmp(s + n - k, suffix, k) == 0;
}

const char *vs_unit_of_name(const char *path)
{
    if (strncmp(path, "latency_us.", 11) == 0 || strstr(path, "_us."))
        return "µs";
    const char *dot = strrchr(path, '.');
    const char *last = dot ? dot + 1 : path;
    size_t n = strlen(last);
    if (ends_with(last, n, "_us"))
        return "µs";
    if (ends_with(last, n, "_per_s"))
        return strstr(last, "bytes") ? "bytes/s" : "1/s";
    if (ends_with(last, n, "_s"))
        return "s";
    if (ends_with(last, n, "_pct"))
        return "%";
    if (ends_with(last, n, "_gbps"))
        return "Gbit/s";
    if (strstr(last, "bytes"))
        return "bytes";
    return "count";
}

int vs_text_width(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80; /* continuation bytes add none */
    return n;
}

void vs_fput_right(FILE *out, const char *s, int width)
{
    for (int pad = width - vs_text_width(s); pad > 0; pad--)
        fputc(' ', out);
    fputs(s, out);
}
