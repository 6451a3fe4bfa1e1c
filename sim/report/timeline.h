/*
 * timeline.h: `run --timeline FILE`: the run in the Chrome trace-event format that
 * Perfetto (ui.perfetto.dev) and chrome://tracing open (docs/report.md "Timeline"). One
 * process per host; a track per callout (its callbacks, with their pends) and per NIC
 * (the OIDs the switch issued for it); every migration as an async slice with its
 * states nested in it; counters of the host's NIC saves in flight and its CPU queue.
 *
 * The records come out of order (a callback is reported when it ends), and a track's
 * slices must nest, so everything is kept in memory, at most max_events of it, and
 * written at the end, sorted, through the same temporary file and rename as --trace.
 */
#ifndef VS_TIMELINE_H
#define VS_TIMELINE_H

#include <stdint.h>

#include "base/error.h"
#include "model/sim.h"
#include "report/trace.h"

#define VS_TIMELINE_MAX_EVENTS_DEFAULT 1000000

typedef struct vs_timeline vs_timeline;

/* Opens the temporary file beside path ("-": stdout) as vs_trace_file_new does; the
 * timeline keeps at most max_events events (> 0), and what ends later is left out.
 * NULL with "PATH: reason" in err. */
vs_timeline *vs_timeline_new(const char *path, uint64_t max_events, char err[VS_ERROR_MAX]);

/* For sim->trace, with the vs_timeline as ctx: a callback or an OID, as a slice. */
void vs_timeline_record(void *ctx, const vs_trace_record *rec);

/* For sim->timeline, with the vs_timeline as ctx: a migration state or a counter. */
void vs_timeline_note(void *ctx, const vs_timeline_event *ev);

/* Writes the file (migrations still under way end at the last time seen), syncs and
 * renames it over its path, then frees tl (NULL: nothing). Returns -1 with
 * "PATH: reason" in err on a write error or out of memory, leaving no file. When the
 * cap cut the timeline short, *capped_at (if not NULL) is the simulated time from
 * which events were left out, else UINT64_MAX. */
int vs_timeline_finish(vs_timeline *tl, vs_time_t *capped_at, char err[VS_ERROR_MAX]);

/* As vs_trace_file_discard and vs_trace_file_forget, for the timeline's file. */
void vs_timeline_discard(vs_timeline *tl);
void vs_timeline_forget(vs_timeline *tl);

#endif /* VS_TIMELINE_H */
