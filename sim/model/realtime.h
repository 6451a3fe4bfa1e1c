/*
 * realtime.h: run.clock "realtime". The model is the same; a libevent timer runs the
 * engine so that simulated time follows the monotonic wall clock times run.speed, and
 * completions from callouts' own threads reach the model through a completion inbox.
 */
#ifndef VS_REALTIME_H
#define VS_REALTIME_H

#include <stdbool.h>

#include <vswitchsim/fwps.h>

#include "model/sim.h"

/* A wakeup later than this (wall) after its due time is a late timer. */
#define VS_RT_LATE_NS 1000000u

/* The event base every libevent user here shares (the real-time clock, --listen):
 * libevent's locking on (evthread_use_pthreads, before the base is made), so other
 * threads may activate its events, and timers on the precise monotonic clock. NULL out
 * of memory. */
struct event_base *vs_realtime_base_new(void);

/* Runs the engine to `end` in real time, as run_engine does in virtual time: time-series
 * rows at metrics.interval boundaries, progress, the stop flag. Uses sim->evbase, or a
 * base of its own when that is NULL. 0, or -1 out of memory or when another real-time
 * run is going on in this process. */
int vs_realtime_run(vs_sim *sim, vs_time_t end);

/* From any thread: queue a completion for the real-time run going on, which applies it
 * on its loop thread. false when none is going on. */
bool vs_realtime_inbox_push(void *completion_context, NTSTATUS status);

#endif /* VS_REALTIME_H */
