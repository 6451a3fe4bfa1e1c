/*
 * error.h: the one-line error every layer reports in: a fixed-size buffer the caller
 * owns, filled with "WHERE: what was expected" and no trailing newline.
 */
#ifndef VS_BASE_ERROR_H
#define VS_BASE_ERROR_H

#define VS_ERROR_MAX 1024

/* Escapes control characters in a message in place (\n, \r, \t, \xNN), cutting it to
 * VS_ERROR_MAX, so that it stays one line whatever the input held (scenario names,
 * --set and --param text come from the user, raw). */
void vs_error_one_line(char *err);

#endif /* VS_BASE_ERROR_H */
