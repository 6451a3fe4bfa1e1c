/*
 * error.c: keeping an error message to one line.
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"

void vs_error_one_line(char *err)
{
    char out[VS_ERROR_MAX];
    size_t len = 0;
    for (const unsigned char *s = (const unsigned char *)err; *s; s++) {
        char esc[8] = {(char)*s, '\0'};
        if (*s == '\n' || *s == '\r' || *s == '\t')
            snprintf(esc, sizeof esc, "\\%c", *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't');
        else if (*s < 0x20 || *s == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02X", *s);
        size_t n = strlen(esc);
        if (len + n >= sizeof out)
            break;
        memcpy(out + len, esc, n);
        len += n;
    }
    out[len] = '\0';
    memcpy(err, out, len + 1);
}
