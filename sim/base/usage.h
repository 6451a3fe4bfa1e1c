/*
 * usage.h: the line a user's mistake on the command line gets, wherever in the program
 * it is found (the options, or a swept value checked against the scenario):
 * "vswitchsim: <message> (see vswitchsim --help)" on stderr.
 */
#ifndef VS_BASE_USAGE_H
#define VS_BASE_USAGE_H

#include <stdarg.h>

void vs_usage_verror(const char *fmt, va_list ap);

/* Returns -1, for "return vs_usage_error(...);" in a function that fails with -1. */
int vs_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VS_BASE_USAGE_H */
