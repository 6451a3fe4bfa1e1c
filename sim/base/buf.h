/*
 * buf.h: text that grows as it is written (an HTML page, a CSV file, a message).
 * After an allocation fails, `failed` is set, later writes do nothing, and the text
 * stays what it was (NUL-terminated, or NULL): the writer checks once, at the end.
 */
#ifndef VS_BASE_BUF_H
#define VS_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vs_buf {
    char *text;
    size_t len, cap;
    bool failed;
} vs_buf;

void vs_buf_append(vs_buf *b, const char *s, size_t n);
void vs_buf_puts(vs_buf *b, const char *s);
void vs_buf_printf(vs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Releases the text; the buffer is empty again and may be reused. */
void vs_buf_free(vs_buf *b);

#endif /* VS_BASE_BUF_H */
