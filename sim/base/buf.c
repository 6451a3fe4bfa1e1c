/*
 * buf.c: the growable text buffer. It starts at 16 KiB, the size of a small page, so
 * that a report is written with a handful of reallocations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/grow.h"

static bool reserve(vs_buf *b, size_t more)
{
    if (b->failed)
        return false;
    if (b->len + more < b->cap)
        return true;
    size_t need = b->len + more + 1;
    if (b->cap == 0 && need < 16384)
        need = 16384;
    if (VS_GROW(b->text, b->cap, need) != 0)
        return !(b->failed = true);
    return true;
}

void vs_buf_append(vs_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

void vs_buf_puts(vs_buf *b, const char *s)
{
    vs_buf_append(b, s, strlen(s));
}

void vs_buf_printf(vs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        b->failed = true;
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->text + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vs_buf_free(vs_buf *b)
{
    free(b->text);
    *b = (vs_buf){0};
}
