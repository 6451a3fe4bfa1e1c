/*
 * trace.h: `run --trace FILE`: one JSON object per line for every callback a callout got
 * and every OID the switch issued (vs_trace_record, model/sim.h), in the order the model
 * hands them over. Like the other report files it is written to a temporary file beside
 * FILE and renamed over it at the end, so a reader never sees half a trace.
 */
#ifndef VS_TRACE_H
#define VS_TRACE_H

#include <stdio.h>

#include "base/error.h"
#include "model/sim.h"

typedef struct vs_trace_file vs_trace_file;

/* Opens the temporary file beside path ("-": stdout, written directly). NULL with
 * "PATH: reason" in err when it cannot be created. */
vs_trace_file *vs_trace_file_new(const char *path, char err[VS_ERROR_MAX]);

/* For sim->trace, with the vs_trace_file as ctx: appends rec's line. The first write
 * error is kept for vs_trace_file_finish, and nothing more is written after it. */
void vs_trace_file_record(void *ctx, const vs_trace_record *rec);

/* Flushes, syncs and renames the file over its path, then frees tf (NULL: nothing).
 * Returns -1 with "PATH: reason" in err on a write error, and the temporary file is
 * removed. */
int vs_trace_file_finish(vs_trace_file *tf, char err[VS_ERROR_MAX]);

/* Removes the temporary file and frees tf (NULL: nothing): for a run that produced no
 * report, which leaves no trace either. */
void vs_trace_file_discard(vs_trace_file *tf);

/* Closes this process's handle and frees tf (NULL: nothing), leaving the file to the
 * supervised child that wrote and finished it (sim/supervisor). */
void vs_trace_file_forget(vs_trace_file *tf);

/* The file's stream and the first write error found on it (errno), for a format that
 * is written through the same temporary file and rename: --timeline (timeline.h). */
FILE *vs_trace_file_stream(vs_trace_file *tf);
void vs_trace_file_fail(vs_trace_file *tf, int error);

/* rec as one line of JSON with its newline, as vs_trace_file_record writes it. Returns
 * 0, or -1 on a write error (errno says which). */
int vs_trace_write_line(FILE *out, const vs_trace_record *rec);

#endif /* VS_TRACE_H */
