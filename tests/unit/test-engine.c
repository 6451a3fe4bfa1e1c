/*
 * test-engine.c: the discrete-event engine: ordering by (time, insertion), cancelling,
 * run limits and stop, pool reuse and memory bounds.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "engine/rng.h"

/* --- a recorder: handlers append (arg, time) so tests can check what ran when --- */

typedef struct fired {
    uint64_t arg;
    vs_time_t at;
} fired;

typedef struct recorder {
    fired *log;
    size_t n, cap;
} recorder;

static void recorder_init(recorder *r, size_t cap)
{
    r->log = malloc(cap * sizeof *r->log);
    cr_assert_not_null(r->log);
    r->n = 0;
    r->cap = cap;
}

static void record(vs_engine *eng, void *ctx, uint64_t arg)
{
    recorder *r = ctx;

    cr_assert_lt(r->n, r->cap, "more events fired than were scheduled");
    r->log[r->n++] = (fired){arg, vs_engine_now(eng)};
}

static void assert_args_in_order(const recorder *r, size_t n)
{
    cr_assert_eq(r->n, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(r->log[i].arg, i, "event %zu ran as number %zu", (size_t)r->log[i].arg, i);
}

static void noop(vs_engine *eng, void *ctx, uint64_t arg)
{
}

/* --- ordering --- */

Test(engine, equal_times_fire_in_insertion_order)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 1000);
    for (uint64_t i = 0; i < 1000; i++)
        cr_assert_neq(vs_engine_schedule_at(eng, 5, record, &r, i), 0);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 1000);
    assert_args_in_order(&r, 1000);
    vs_engine_free(eng);
    free(r.log);
}

typedef struct timed {
    vs_time_t t;
    uint64_t idx;
} timed;

static int timed_cmp(const void *pa, const void *pb)
{
    const timed *a = pa, *b = pb;

    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

Test(engine, events_fire_in_time_order_on_random_input)
{
    enum { N = 100000 };
    vs_engine *eng = vs_engine_new(0);
    timed *want = malloc(N * sizeof *want);
    vs_rng rng;
    recorder r;

    recorder_init(&r, N);
    vs_rng_init(&rng, 42, 0);
    /* Few distinct times, so ties are common and insertion order is tested too. */
    for (uint64_t i = 0; i < N; i++) {
        want[i] = (timed){vs_rng_below(&rng, 5000), i};
        vs_engine_schedule_at(eng, want[i].t, record, &r, i);
    }
    qsort(want, N, sizeof *want, timed_cmp);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(r.n, N);
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(r.log[i].arg, want[i].idx, "position %zu", i);
        cr_assert_eq(r.log[i].at, want[i].t);
    }
    vs_engine_free(eng);
    free(want);
    free(r.log);
}

/* Schedules arg + 1 after a random delay while arg < limit: a queue that churns. */
typedef struct chain {
    vs_rng rng;
    vs_time_t last;
    uint64_t ran;
} chain;

static void chain_step(vs_engine *eng, void *ctx, uint64_t arg)
{
    chain *c = ctx;

    cr_assert_geq(vs_engine_now(eng), c->last, "time went backwards");
    c->last = vs_engine_now(eng);
    c->ran++;
    if (arg > 0)
        vs_engine_schedule(eng, vs_rng_below(&c->rng, 100), chain_step, c, arg - 1);
}

Test(engine, handlers_scheduling_at_random_delays_see_time_never_go_back)
{
    vs_engine *eng = vs_engine_new(16);
    chain c = {.last = 0, .ran = 0};

    vs_rng_init(&c.rng, 7, 0);
    for (int i = 0; i < 1000; i++)
        vs_engine_schedule(eng, vs_rng_below(&c.rng, 100), chain_step, &c, 99);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 100000);
    cr_assert_eq(c.ran, 100000);
    cr_assert_eq(vs_engine_events_run(eng), 100000);
    vs_engine_free(eng);
}

/* --- cancelling --- */

Test(engine, cancel_before_run_prevents_firing)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 4);
    vs_engine_schedule(eng, 10, record, &r, 0);
    vs_event_id id = vs_engine_schedule(eng, 20, record, &r, 99);
    vs_engine_schedule(eng, 30, record, &r, 1);
    cr_assert(vs_engine_cancel(eng, id));
    cr_assert_eq(vs_engine_pending(eng), 2);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 2);
    assert_args_in_order(&r, 2);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, cancel_of_stale_or_fired_id_returns_false)
{
    vs_engine *eng = vs_engine_new(0);

    vs_event_id fired_id = vs_engine_schedule(eng, 1, noop, NULL, 0);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_not(vs_engine_cancel(eng, fired_id), "an event that ran");

    /* The fired record is reused for the next event: same slot, new generation. */
    vs_event_id reused = vs_engine_schedule(eng, 1, noop, NULL, 0);
    cr_assert_eq(reused & UINT32_MAX, fired_id & UINT32_MAX);
    cr_assert_not(vs_engine_cancel(eng, fired_id), "the old id names the reused record");
    cr_assert(vs_engine_cancel(eng, reused));
    cr_assert_not(vs_engine_cancel(eng, reused), "cancelled twice");

    cr_assert_not(vs_engine_cancel(eng, 0));
    cr_assert_not(vs_engine_cancel(eng, (vs_event_id)1 << 32), "slot part 0");
    cr_assert_not(vs_engine_cancel(eng, 12345), "a slot never handed out");
    cr_assert_not(vs_engine_cancel(eng, UINT64_MAX));
    cr_assert_eq(vs_engine_pending(eng), 0);
    vs_engine_free(eng);
}

typedef struct canceller {
    recorder *r;
    vs_event_id victim;
    bool cancelled;
} canceller;

static void cancel_victim(vs_engine *eng, void *ctx, uint64_t arg)
{
    canceller *c = ctx;

    record(eng, c->r, arg);
    c->cancelled = vs_engine_cancel(eng, c->victim);
}

Test(engine, handler_cancelling_a_same_time_later_event_stops_it)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;
    canceller c = {.r = &r};

    recorder_init(&r, 4);
    vs_engine_schedule_at(eng, 10, cancel_victim, &c, 0);
    c.victim = vs_engine_schedule_at(eng, 10, record, &r, 99);
    vs_engine_schedule_at(eng, 10, record, &r, 1);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 2);
    cr_assert(c.cancelled);
    assert_args_in_order(&r, 2);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, handler_cancelling_its_own_id_gets_false)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;
    canceller c = {.r = &r};

    recorder_init(&r, 1);
    c.victim = vs_engine_schedule_at(eng, 10, cancel_victim, &c, 0);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_not(c.cancelled, "an event is no longer pending once it runs");
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, next_time_skips_a_cancelled_first_event)
{
    vs_engine *eng = vs_engine_new(0);

    vs_event_id first = vs_engine_schedule_at(eng, 10, noop, NULL, 0);
    vs_engine_schedule_at(eng, 20, noop, NULL, 0);
    cr_assert_eq(vs_engine_next_time(eng), 10);
    vs_engine_cancel(eng, first);
    cr_assert_eq(vs_engine_next_time(eng), 20);
    cr_assert_eq(vs_engine_run(eng, 15), 0);
    cr_assert_eq(vs_engine_now(eng), 15);
    vs_engine_free(eng);
}

Test(engine, cancelling_most_events_compacts_and_keeps_order)
{
    enum { N = 30000 };
    vs_engine *eng = vs_engine_new(0);
    vs_event_id *ids = malloc(N * sizeof *ids);
    recorder r;

    recorder_init(&r, N);
    /* Times descend so the kept events sit all over the heap, not just at its root. */
    for (uint64_t i = 0; i < N; i++)
        ids[i] = vs_engine_schedule_at(eng, 1000 + (N - i) / 7, record, &r, i);
    size_t kept = 0;
    for (uint64_t i = 0; i < N; i++) {
        if (i % 3 == 0)
            kept++;
        else
            cr_assert(vs_engine_cancel(eng, ids[i]));
    }
    cr_assert_eq(vs_engine_pending(eng), kept);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), kept);
    for (size_t i = 0; i < r.n; i++) {
        cr_assert_eq(r.log[i].arg % 3, 0, "a cancelled event ran");
        if (i > 0) {
            cr_assert_geq(r.log[i].at, r.log[i - 1].at);
            if (r.log[i].at == r.log[i - 1].at)
                cr_assert_gt(r.log[i].arg, r.log[i - 1].arg);
        }
    }
    vs_engine_free(eng);
    free(ids);
    free(r.log);
}

/* --- scheduling from handlers --- */

typedef struct zero_delay {
    recorder *r;
    bool done;
} zero_delay;

static void schedule_zero_delay(vs_engine *eng, void *ctx, uint64_t arg)
{
    zero_delay *z = ctx;

    record(eng, z->r, arg);
    if (!z->done) {
        z->done = true;
        vs_engine_schedule(eng, 0, record, z->r, 3);
    }
}

Test(engine, handler_scheduling_at_delay_zero_runs_after_queued_same_time_events)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;
    zero_delay z = {.r = &r, .done = false};

    recorder_init(&r, 8);
    vs_engine_schedule_at(eng, 10, schedule_zero_delay, &z, 0);
    vs_engine_schedule_at(eng, 10, record, &r, 1);
    vs_engine_schedule_at(eng, 10, record, &r, 2);
    vs_engine_schedule_at(eng, 11, record, &r, 4);
    vs_engine_run(eng, VS_TIME_MAX);
    assert_args_in_order(&r, 5);
    cr_assert_eq(r.log[3].at, 10);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, schedule_in_the_past_is_taken_as_now)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 2);
    vs_engine_schedule_at(eng, 100, noop, NULL, 0);
    vs_engine_run(eng, VS_TIME_MAX);
    vs_engine_schedule_at(eng, 5, record, &r, 0);
    cr_assert_eq(vs_engine_next_time(eng), 100);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(r.log[0].at, 100);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, schedule_saturates_at_time_max)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 2);
    vs_engine_schedule_at(eng, 100, noop, NULL, 0);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_neq(vs_engine_schedule(eng, VS_TIME_MAX - 50, record, &r, 0), 0);
    cr_assert_neq(vs_engine_schedule(eng, VS_TIME_MAX, record, &r, 1), 0);
    cr_assert_eq(vs_engine_next_time(eng), VS_TIME_MAX);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 2);
    assert_args_in_order(&r, 2);
    cr_assert_eq(r.log[0].at, VS_TIME_MAX);
    cr_assert_eq(vs_engine_now(eng), VS_TIME_MAX);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, schedule_with_null_handler_returns_zero)
{
    vs_engine *eng = vs_engine_new(0);

    cr_assert_eq(vs_engine_schedule(eng, 1, NULL, NULL, 0), 0);
    cr_assert_eq(vs_engine_pending(eng), 0);
    vs_engine_free(eng);
}

/* --- running --- */

Test(engine, run_until_leaves_later_events_pending_and_clock_at_until)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 3);
    vs_engine_schedule_at(eng, 10, record, &r, 0);
    vs_engine_schedule_at(eng, 20, record, &r, 1);
    vs_engine_schedule_at(eng, 30, record, &r, 2);
    cr_assert_eq(vs_engine_run(eng, 25), 2);
    cr_assert_eq(vs_engine_now(eng), 25);
    cr_assert_eq(vs_engine_pending(eng), 1);
    cr_assert_eq(vs_engine_next_time(eng), 30);
    cr_assert_eq(vs_engine_run(eng, 30), 1, "until is inclusive");
    cr_assert_eq(vs_engine_now(eng), 30);
    assert_args_in_order(&r, 3);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, run_until_in_the_past_runs_nothing_and_keeps_the_clock)
{
    vs_engine *eng = vs_engine_new(0);

    vs_engine_schedule_at(eng, 10, noop, NULL, 0);
    vs_engine_schedule_at(eng, 50, noop, NULL, 0);
    vs_engine_run(eng, 20);
    cr_assert_eq(vs_engine_run(eng, 5), 0);
    cr_assert_eq(vs_engine_now(eng), 20);
    vs_engine_free(eng);
}

Test(engine, run_until_time_max_drains_and_leaves_the_last_event_time)
{
    vs_engine *eng = vs_engine_new(0);

    vs_engine_schedule_at(eng, 10, noop, NULL, 0);
    vs_engine_schedule_at(eng, 1000, noop, NULL, 0);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 2);
    cr_assert_eq(vs_engine_pending(eng), 0);
    cr_assert_eq(vs_engine_now(eng), 1000);
    cr_assert_eq(vs_engine_next_time(eng), VS_TIME_MAX);
    cr_assert_eq(vs_engine_run(eng, 5000), 0);
    cr_assert_eq(vs_engine_now(eng), 1000, "a dry queue leaves the clock alone");
    vs_engine_free(eng);
}

static void stop_at_arg_one(vs_engine *eng, void *ctx, uint64_t arg)
{
    record(eng, ctx, arg);
    if (arg == 1)
        vs_engine_stop(eng);
}

Test(engine, stop_returns_after_the_current_handler)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 5);
    for (uint64_t i = 0; i < 5; i++)
        vs_engine_schedule_at(eng, 10 * (i + 1), stop_at_arg_one, &r, i);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 2);
    cr_assert_eq(vs_engine_now(eng), 20);
    cr_assert_eq(vs_engine_pending(eng), 3);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 3, "a stop does not outlive its run");
    assert_args_in_order(&r, 5);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, stop_outside_a_run_has_no_effect)
{
    vs_engine *eng = vs_engine_new(0);

    vs_engine_schedule_at(eng, 10, noop, NULL, 0);
    vs_engine_stop(eng);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 1);
    vs_engine_free(eng);
}

static void run_nested(vs_engine *eng, void *ctx, uint64_t arg)
{
    *(uint64_t *)ctx = vs_engine_run(eng, VS_TIME_MAX);
}

Test(engine, handler_running_its_own_engine_gets_zero)
{
    vs_engine *eng = vs_engine_new(0);
    uint64_t nested = 99;

    vs_engine_schedule_at(eng, 10, run_nested, &nested, 0);
    vs_engine_schedule_at(eng, 20, noop, NULL, 0);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 2);
    cr_assert_eq(nested, 0);
    vs_engine_free(eng);
}

/* --- sequence renumbering --- */

Test(engine, insertion_order_survives_sequence_renumbering)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 300);
    /* Start 100 schedules short of the point where sequences are renumbered, and
     * interleave two adjacent times: a sequence that overflowed into the time, or
     * restarted from 0, would put some of them out of order. */
    vs__engine_set_next_seq(eng, ((uint64_t)1 << 32) - 100);
    for (uint64_t i = 0; i < 300; i++)
        vs_engine_schedule_at(eng, i % 2 ? 11 : 10, record, &r, i);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(r.n, 300);
    for (size_t i = 0; i < 150; i++) {
        cr_assert_eq(r.log[i].arg, 2 * i, "time 10, position %zu", i);
        cr_assert_eq(r.log[i].at, 10);
        cr_assert_eq(r.log[150 + i].arg, 2 * i + 1, "time 11, position %zu", i);
        cr_assert_eq(r.log[150 + i].at, 11);
    }
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, renumbering_with_cancelled_events_pending_keeps_them_cancelled)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;
    vs_event_id ids[50];

    recorder_init(&r, 100);
    vs__engine_set_next_seq(eng, ((uint64_t)1 << 32) - 50);
    for (uint64_t i = 0; i < 50; i++)
        ids[i] = vs_engine_schedule_at(eng, 10, record, &r, i);
    for (int i = 1; i < 50; i += 2)
        vs_engine_cancel(eng, ids[i]);
    for (uint64_t i = 50; i < 100; i++) /* these cross the renumbering */
        vs_engine_schedule_at(eng, 10, record, &r, i);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(r.n, 75);
    for (size_t i = 1; i < r.n; i++)
        cr_assert_gt(r.log[i].arg, r.log[i - 1].arg);
    for (size_t i = 0; i < 25; i++)
        cr_assert_eq(r.log[i].arg, 2 * i);
    vs_engine_free(eng);
    free(r.log);
}

/* --- memory --- */

Test(engine, memory_bytes_and_pending_are_reported)
{
    vs_engine *eng = vs_engine_new(0);
    vs_event_id ids[10];

    cr_assert_eq(vs_engine_pending(eng), 0);
    size_t empty = vs_engine_memory_bytes(eng);
    cr_assert_gt(empty, 0);
    for (int i = 0; i < 10; i++)
        ids[i] = vs_engine_schedule(eng, (vs_time_t)i, noop, NULL, 0);
    cr_assert_eq(vs_engine_pending(eng), 10);
    for (int i = 0; i < 3; i++)
        vs_engine_cancel(eng, ids[i * 3]);
    cr_assert_eq(vs_engine_pending(eng), 7);
    cr_assert_eq(vs_engine_memory_bytes(eng), empty, "10 events fit the initial pool");
    for (int i = 0; i < 1000; i++)
        vs_engine_schedule(eng, 5, noop, NULL, 0);
    cr_assert_gt(vs_engine_memory_bytes(eng), empty, "the pool grew");
    vs_engine_free(eng);
}

Test(engine, a_million_pending_events_drain_in_order_and_the_pool_is_reused)
{
    enum { N = 1000000 };
    vs_engine *eng = vs_engine_new(N);
    vs_rng rng;
    recorder r;

    recorder_init(&r, N);
    vs_rng_init(&rng, 1, 2);
    for (uint64_t i = 0; i < N; i++)
        cr_assert_neq(vs_engine_schedule_at(eng, vs_rng_below(&rng, 1u << 30), record, &r, i), 0);
    cr_assert_eq(vs_engine_pending(eng), N);
    size_t bytes = vs_engine_memory_bytes(eng);
    cr_assert_leq(bytes / N, 64, "%zu bytes per pending event", bytes / N);

    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), N);
    for (size_t i = 1; i < N; i++) {
        cr_assert_geq(r.log[i].at, r.log[i - 1].at);
        if (r.log[i].at == r.log[i - 1].at)
            cr_assert_gt(r.log[i].arg, r.log[i - 1].arg);
    }
    /* A second million reuses the records and the heap of the first. */
    for (uint64_t i = 0; i < N; i++)
        vs_engine_schedule(eng, vs_rng_below(&rng, 1u << 30), noop, NULL, i);
    cr_assert_eq(vs_engine_memory_bytes(eng), bytes);
    vs_engine_free(eng);
    free(r.log);
}

/* A connection-like entity: each packet event re-arms a timeout far in the future by
 * cancelling the previous one, as retransmission timers do. */
typedef struct rearm {
    vs_event_id timeout;
    uint64_t packets;
} rearm;

static void rearm_packet(vs_engine *eng, void *ctx, uint64_t arg)
{
    rearm *c = &((rearm *)ctx)[arg];

    cr_assert(vs_engine_cancel(eng, c->timeout));
    c->timeout = vs_engine_schedule(eng, 1000000, noop, NULL, 0);
    c->packets++;
    vs_engine_schedule(eng, 1 + arg % 7, rearm_packet, ctx, arg);
}

Test(engine, memory_stays_bounded_when_scheduling_and_cancelling_in_steady_state)
{
    enum { CONNS = 500 };
    vs_engine *eng = vs_engine_new(0);
    rearm conns[CONNS];

    for (uint64_t i = 0; i < CONNS; i++) {
        conns[i] = (rearm){vs_engine_schedule(eng, 1000000, noop, NULL, 0), 0};
        vs_engine_schedule(eng, 1, rearm_packet, conns, i);
    }
    vs_engine_run(eng, 10000); /* warm-up */
    size_t warm = vs_engine_memory_bytes(eng);
    uint64_t ran = vs_engine_run(eng, 50000);
    cr_assert_geq(ran, 40000 / 7 * CONNS, "the steady state ran");
    cr_assert_eq(vs_engine_memory_bytes(eng), warm, "memory grew after warm-up");
    cr_assert_eq(vs_engine_pending(eng), 2 * CONNS);
    vs_engine_free(eng);
}

Test(engine, free_accepts_null_and_a_non_empty_engine)
{
    vs_engine_free(NULL);
    vs_engine *eng = vs_engine_new(0);
    for (int i = 0; i < 100; i++)
        vs_engine_schedule(eng, (vs_time_t)i, noop, NULL, 0);
    vs_engine_free(eng);
}
