/*
 * file.h: whole files written so that no reader ever sees half of one.
 */
#ifndef VS_BASE_FILE_H
#define VS_BASE_FILE_H

#include <stdbool.h>

#include "base/error.h"

/* Writes text (and a final newline if it lacks one) to path through a temporary file
 * renamed over it, or in place when path is a device or a pipe. Returns 0, or -1 with
 * "PATH: reason" in err; the previous file, if any, is then untouched. */
int vs_file_write_atomically(const char *path, const char *text, char err[VS_ERROR_MAX]);

/* Not a file we may replace: an existing device, pipe or socket. */
bool vs_path_is_special(const char *path);

#endif /* VS_BASE_FILE_H */
