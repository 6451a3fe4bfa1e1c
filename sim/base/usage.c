/*
 * usage.c: the one line of a usage error (usage.h).
 */
#include "base/usage.h"

#include <stdio.h>

void vs_usage_verror(const char *fmt, va_list ap)
{
    fputs("vswitchsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see vswitchsim --help)\n", stderr);
}

int vs_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vs_usage_verror(fmt, ap);
    va_end(ap);
    return -1;
}
