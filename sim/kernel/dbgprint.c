/*
 * dbgprint.c: DbgPrint, DbgPrintEx, vDbgPrintEx to the simulator's log, in host_log's
 * line format, with the Windows format extensions (learn.microsoft.com/windows-hardware/
 * drivers/ddi/wdm/nf-wdm-dbgprintex; format: .../debugger/format-specification-syntax):
 * %wZ (PUNICODE_STRING), %Z (PANSI_STRING), %ws %ls %S (16-bit strings, to UTF-8),
 * %wc %lc %C, %hs %hc, %I64 and %I (64-bit on x64), %I32. Everything else goes to
 * vsnprintf one conversion at a time (floating point too, which Windows' DbgPrint does not
 * support: a driver that relies on it gets more here, not less). Also the stops: VswitchsimAssertFailed and
 * KeBugCheckEx (abort: the crash guard reports the callout by name), and PAGED_CODE.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel-int.h"

#define LINE_MAX_BYTES 1024

typedef struct out {
    char buf[LINE_MAX_BYTES];
    size_t len;
    bool unicode; /* a Unicode format code was used (PASSIVE_LEVEL only) */
} out;

static void put(out *o, const char *s, size_t n)
{
    size_t room = sizeof o->buf - 1 - o->len;
    n = n < room ? n : room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

/* UTF-16 code units to UTF-8 (unpaired surrogates become U+FFFD). */
static void put_utf16(out *o, const WCHAR *w, size_t n)
{
    for (size_t i = 0; i < n && w; i++) {
        uint32_t c = w[i];
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] < 0xE000)
            c = 0x10000 + ((c - 0xD800) << 10) + (w[++i] - 0xDC00);
        else if (c >= 0xD800 && c < 0xE000)
            c = 0xFFFD;
        char b[4];
        size_t len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (len == 1)
            b[0] = (char)c;
        else {
            static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
            for (size_t j = len - 1; j > 0; j--, c >>= 6)
                b[j] = (char)(0x80 | (c & 0x3F));
            b[0] = (char)(lead[len] | c);
        }
        put(o, b, len);
    }
}

static size_t wlen(const WCHAR *w, long max)
{
    size_t n = 0;
    while (w && w[n] && (max < 0 || n < (size_t)max))
        n++;
    return n;
}

/* One parsed conversion. */
typedef struct spec {
    char flags[8];
    int width, precision; /* -1: none */
    char len[4];       /* C length modifier to use: "", "h", "hh", "l", "ll", "L", "z", "j", "t" */
    bool wide, narrow; /* w/l or h on s, c, Z */
    char conv;
} spec;

static const char *parse(const char *f, spec *s, va_list *ap)
{
    *s = (spec){.width = -1, .precision = -1};
    size_t nf = 0;
    while (strchr("-+ #0", *f) && nf < sizeof s->flags - 1)
        s->flags[nf++] = *f++;
    if (*f == '*')
        s->width = va_arg(*ap, int), f++;
    else
        for (s->width = *f >= '0' && *f <= '9' ? 0 : -1; *f >= '0' && *f <= '9'; f++)
            s->width = s->width * 10 + (*f - '0');
    if (*f == '.') {
        f++;
        if (*f == '*')
            s->precision = va_arg(*ap, int), f++;
        else
            for (s->precision = 0; *f >= '0' && *f <= '9'; f++)
                s->precision = s->precision * 10 + (*f - '0');
    }
    if (strncmp(f, "I64", 3) == 0)
        strcpy(s->len, "ll"), f += 3;
    else if (strncmp(f, "I32", 3) == 0)
        f += 3;
    else if (*f == 'I')
        strcpy(s->len, "ll"), f++; /* pointer-sized: 64-bit on x64 */
    else if (*f == 'w')
        s->wide = true, f++;
    else if (strchr("hlLzjt", *f)) {
        size_t n = 0;
        while (strchr("hlLzjt", *f) && n < 2)
            s->len[n++] = *f++;
    }
    s->conv = *f;
    if (strchr("sScCZ", s->conv)) { /* l: wide, h: narrow, for strings and characters */
        s->wide = s->wide || strcmp(s->len, "l") == 0;
        s->narrow = s->len[0] == 'h';
        if (s->conv == 'S' || s->conv == 'C')
            s->wide = !s->narrow;
        s->len[0] = 0;
    }
    return *f ? f + 1 : f;
}

/* A string with the spec's width and '-' flag. */
static void put_padded(out *o, const spec *s, const char *str, size_t n)
{
    bool left = strchr(s->flags, '-') != NULL;
    size_t pad = s->width > 0 && (size_t)s->width > n ? (size_t)s->width - n : 0;
    for (size_t i = 0; !left && i < pad; i++)
        put(o, " ", 1);
    put(o, str, n);
    for (size_t i = 0; left && i < pad; i++)
        put(o, " ", 1);
}

static void put_wide(out *o, const spec *s, const WCHAR *w, size_t n)
{
    out tmp = {.len = 0};
    o->unicode = true;
    if (!w)
        put(&tmp, "(null)", 6);
    else
        put_utf16(&tmp, w, n);
    put_padded(o, s, tmp.buf, tmp.len);
}

/* The C conversion with its argument, through snprintf. */
static void put_c(out *o, const spec *s, va_list *ap)
{
    char f[32], b[LINE_MAX_BYTES];
    /* Windows is LLP64: a long (%ld, %lu, %lx) is 32 bits, read and printed as an int. */
    bool integer = strchr("diouxXc", s->conv) != NULL;
    const char *c = integer && !strcmp(s->len, "l") ? "" : s->len;
    /* width and precision are passed as '*' arguments (a negative precision is none) */
    snprintf(f, sizeof f, "%%%s*.*%s%c", s->flags, c, s->conv);
    int w = s->width < 0 ? 0 : s->width, p = s->precision;
    int n;
    if (integer) {
        if (!strcmp(c, "ll") || !strcmp(c, "j"))
            n = snprintf(b, sizeof b, f, w, p, va_arg(*ap, long long));
        else if (!strcmp(c, "z") || !strcmp(c, "t"))
            n = snprintf(b, sizeof b, f, w, p, va_arg(*ap, long));
        else
            n = snprintf(b, sizeof b, f, w, p, va_arg(*ap, int));
    } else if (strchr("eEfFgGaA", s->conv)) {
        if (!strcmp(c, "L"))
            n = snprintf(b, sizeof b, f, w, p, va_arg(*ap, long double));
        else
            n = snprintf(b, sizeof b, f, w, p, va_arg(*ap, double));
    } else if (s->conv == 'p') {
        snprintf(f, sizeof f, "%%%s*p", s->flags);
        n = snprintf(b, sizeof b, f, w, va_arg(*ap, void *));
    } else if (s->conv == 's') {
        const char *str = va_arg(*ap, const char *);
        n = snprintf(b, sizeof b, f, w, p, str ? str : "(null)");
    } else {
        (void)va_arg(*ap, void *); /* %n and unknown conversions: consumed, not written */
        n = 0;
    }
    put(o, b, n < 0 ? 0 : (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
}

static void put_conv(out *o, const spec *s, va_list *ap)
{
    if (s->conv == 'Z') {
        if (s->wide) {
            PCUNICODE_STRING u = va_arg(*ap, PCUNICODE_STRING);
            put_wide(o, s, u ? u->Buffer : NULL, u ? u->Length / sizeof(WCHAR) : 0);
        } else {
            const STRING *a = va_arg(*ap, const STRING *);
            put_padded(o, s, a && a->Buffer ? a->Buffer : "(null)", a && a->Buffer ? a->Length : 6);
        }
    } else if (s->conv == 's' || s->conv == 'S') {
        if (s->wide) {
            const WCHAR *w = va_arg(*ap, const WCHAR *);
            put_wide(o, s, w, wlen(w, s->precision));
        } else
            put_c(o, &(spec){.width = s->width, .precision = s->precision, .conv = 's'}, ap);
    } else if ((s->conv == 'c' || s->conv == 'C') && s->wide) {
        WCHAR w = (WCHAR)va_arg(*ap, int);
        put_wide(o, s, &w, 1);
    } else if (s->conv == 'C') {
        put_c(o, &(spec){.width = s->width, .precision = -1, .conv = 'c'}, ap);
    } else
        put_c(o, s, ap);
}

static void format(out *o, const char *fmt, va_list ap)
{
    va_list args;
    va_copy(args, ap);
    for (const char *f = fmt; f && *f;) {
        const char *pct = strchr(f, '%');
        if (!pct) {
            put(o, f, strlen(f));
            break;
        }
        put(o, f, (size_t)(pct - f));
        if (pct[1] == '%') {
            put(o, "%", 1);
            f = pct + 2;
            continue;
        }
        spec s;
        f = parse(pct + 1, &s, &args);
        if (s.conv)
            put_conv(o, &s, &args);
    }
    va_end(args);
    /* One line per call: a driver's trailing newline (DbgPrint's convention) is dropped. */
    while (o->len && (o->buf[o->len - 1] == '\n' || o->buf[o->len - 1] == '\r'))
        o->buf[--o->len] = 0;
}

void vs_klog(vs_kernel *k, uint32_t instance, int level, const char *msg)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    if (!k) {
        if (level <= 1)
            fprintf(stderr, "vswitchsim: driver thread: %s: %s\n", names[level], msg);
        return;
    }
    if (level > k->sim->verbosity)
        return;
    const VSWITCHSIM_HOST *host = vs_kernel_host(k, instance);
    fprintf(stderr, "vswitchsim: [%.6f s] %s@host%u: %s: %s\n", (double)vs_kernel_now(k) / 1e9,
            host ? host->InstanceName : "driver", k->sim->instances[instance].host, names[level],
            msg);
}

/* DPFLTR levels: 0 error, 1 warning, 2 trace, 3 info, above: debug; a Level over 31 is a
 * mask, whose lowest bit says the level. */
static int log_level(ULONG Level)
{
    if (Level > 31) {
        Level &= ~(ULONG)DPFLTR_MASK;
        Level = Level ? (ULONG)__builtin_ctz(Level) : 3;
    }
    return Level == 0 ? 0 : Level == 1 ? 1 : Level <= 3 ? 2 : 3;
}

ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, va_list arglist)
{
    (void)ComponentId;
    out o = {.len = 0};
    format(&o, Format, arglist);
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    /* "the Unicode format codes (%C, %S, %lc, %ls, %wc, %ws, and %wZ) can only be used
     * with IRQL = PASSIVE_LEVEL" (.../wdm/nf-wdm-dbgprintex): they may touch paged
     * conversion tables. The line is still printed. */
    if (o.unicode && k)
        vs_kirql_check(k, instance, "DbgPrint with a Unicode format code (%wZ, %ws...)",
                       PASSIVE_LEVEL);
    vs_klog(k, instance, log_level(Level), o.buf);
    return STATUS_SUCCESS;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vDbgPrintEx(ComponentId, Level, Format, ap);
    va_end(ap);
    return r;
}

/* .../wdm/nf-wdm-dbgprint: as DbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL, ...). */
ULONG DbgPrint(PCSTR Format, ...)
{
    va_list ap;
    va_start(ap, Format);
    ULONG r = vDbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL, Format, ap);
    va_end(ap);
    return r;
}

/* ---- Stops -------------------------------------------------------------------------- */

static void stop_line(const char *what)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    const VSWITCHSIM_HOST *host = k ? vs_kernel_host(k, instance) : NULL;
    fprintf(stderr, "vswitchsim: %s@host%u: %s\n", host ? host->InstanceName : "driver",
            k ? k->sim->instances[instance].host : 0, what);
}

/* NT_ASSERT: a failed assertion breaks into the debugger, or bug checks without one;
 * here the host's kernel stops: abort(), which the crash guard reports as the callout's
 * crash, by name. */
void VswitchsimAssertFailed(PCSTR Expression, PCSTR File, ULONG Line)
{
    char line[LINE_MAX_BYTES];
    snprintf(line, sizeof line, "assertion failed: %s (%s:%u)", Expression, File, Line);
    stop_line(line);
    abort();
}

/* .../wdm/nf-wdm-kebugcheckex */
void KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    char line[256];
    snprintf(line, sizeof line, "KeBugCheckEx(0x%08X, 0x%lx, 0x%lx, 0x%lx, 0x%lx)", BugCheckCode,
             (unsigned long)P1, (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    stop_line(line);
    abort();
}

/* PAGED_CODE (learn.microsoft.com/windows-hardware/drivers/kernel/paged_code): pageable
 * code must run at IRQL <= APC_LEVEL. */
void VswitchsimPagedCode(PCSTR Function)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || vs_kirql(k) <= APC_LEVEL)
        return;
    char fn[160];
    snprintf(fn, sizeof fn, "PAGED_CODE() in %s", Function ? Function : "?");
    vs_kirql_check(k, instance, fn, APC_LEVEL);
}
