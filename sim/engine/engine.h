/*
 * engine.h: the discrete-event engine. Virtual time in integer nanoseconds, a priority
 * queue ordered by (time, insertion sequence), pooled event records, cancellation.
 * It knows nothing of switches, plugins or JSON.
 */
#ifndef VS_ENGINE_H
#define VS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t vs_time_t; /* virtual nanoseconds */
#define VS_TIME_MAX UINT64_MAX

typedef struct vs_engine vs_engine;

/* A handler runs at its event's time. It may schedule and cancel freely, including
 * cancelling events due at the same time that have not run yet. */
typedef void (*vs_event_fn)(vs_engine *eng, void *ctx, uint64_t arg);

/* Names one scheduled event for cancellation. Stale ids (fired, cancelled, or the
 * record since reused) are recognised: the generation in the id no longer matches.
 * 0 is never a valid id. */
typedef uint64_t vs_event_id;

/* capacity_hint: how many events may be pending at once (grows as needed). NULL when out
 * of memory. */
vs_engine *vs_engine_new(size_t capacity_hint);
void vs_engine_free(vs_engine *eng);

vs_time_t vs_engine_now(const vs_engine *eng);

/* Schedule fn(eng, ctx, arg) at now + delay (saturating at VS_TIME_MAX). Events at the
 * same time run in the order they were scheduled. Returns 0 only when out of memory (or
 * when fn is NULL, which is a caller's bug); out of memory also stops a running
 * vs_engine_run after the current handler, and vs_engine_out_of_memory says so. */
vs_event_id vs_engine_schedule(vs_engine *eng, vs_time_t delay, vs_event_fn fn, void *ctx,
                               uint64_t arg);
/* The same at an absolute time; a time in the past is taken as now. */
vs_event_id vs_engine_schedule_at(vs_engine *eng, vs_time_t when, vs_event_fn fn, void *ctx,
                                  uint64_t arg);

/* The same for an event that will not be cancelled: no id, and cheaper, as the whole
 * event waits in the queue itself with no record apart. False only when out of memory
 * (with the same effect on a run as above) or when fn is NULL. Posted and scheduled
 * events at one time run in the order they were posted or scheduled. */
bool vs_engine_post(vs_engine *eng, vs_time_t delay, vs_event_fn fn, void *ctx, uint64_t arg);
bool vs_engine_post_at(vs_engine *eng, vs_time_t when, vs_event_fn fn, void *ctx, uint64_t arg);

/* What fn's events will read, named ahead of them: a few events before one of fn's runs,
 * while thousands are pending (with fewer their objects are in cache, and looking ahead
 * only costs instructions), the engine calls prefetch(ctx, arg) with its ctx and arg,
 * so that the objects the handler will read (beyond those two, which the engine starts
 * loading itself, for every event once a prefetcher is named) are on their way
 * meanwhile. A model in lockstep at scale reads each object a step after its every
 * neighbour, in no cache (issue 19). prefetch may read through ctx and arg but must
 * change nothing and decide nothing: the handlers before the event still run first and
 * may change what it reads. Posted events only (a cancellable one's arg is its record).
 * Up to VS_ENGINE_PREFETCHERS handlers; false when full, or for fn NULL. */
typedef void (*vs_prefetch_fn)(void *ctx, uint64_t arg);
#define VS_ENGINE_PREFETCHERS 4
bool vs_engine_prefetch_for(vs_engine *eng, vs_event_fn fn, vs_prefetch_fn prefetch);

/* Cancel a pending event. True if it was pending and now will not run. */
bool vs_engine_cancel(vs_engine *eng, vs_event_id id);

/* Run events in order while the next is due at or before `until`; then the clock reads
 * `until` if the queue still holds later events, or the last event's time if the queue
 * ran dry. Pass VS_TIME_MAX to run until nothing is pending. Returns events run. The
 * clock never moves backwards (an `until` in the past runs nothing), and a handler
 * calling vs_engine_run on its own engine gets 0 back. Should the queue find no memory
 * to reorder itself (a few chunks), the run returns early as if stopped; the events
 * stay pending and a later run goes on. */
uint64_t vs_engine_run(vs_engine *eng, vs_time_t until);

/* Ask a running vs_engine_run to return after the current handler; the clock then
 * reads that handler's time. Outside a run it has no effect. */
void vs_engine_stop(vs_engine *eng);

/* True once a schedule or the queue's reordering found no memory, for good: the events
 * stay as they were, and whoever runs the engine decides whether to go on. */
bool vs_engine_out_of_memory(const vs_engine *eng);

size_t vs_engine_pending(const vs_engine *eng);      /* scheduled, not yet run or cancelled */
uint64_t vs_engine_events_run(const vs_engine *eng); /* over the engine's lifetime */
vs_time_t vs_engine_next_time(const vs_engine *eng); /* VS_TIME_MAX when empty */
size_t vs_engine_memory_bytes(const vs_engine *eng); /* queue + pool, for reports */

#endif /* VS_ENGINE_H */
