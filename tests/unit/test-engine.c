/*
 * test-engine.c: the discrete-event engine: ordering by (time, insertion), cancelling,
 * run limits and stop, pool reuse and memory bounds.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
{}

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

/* --- equal times across the queue's buckets ---
 *
 * The engine once renumbered sequence numbers every 2^32 schedules; its radix queue has
 * none and keeps equal times in schedule order by position, as events move from a
 * high-level bucket to lower ones while the clock nears them (engine.c). Here events
 * at one time T are scheduled from clocks that put T in buckets of level 2, 1 and 0
 * (T - now >= 4096, >= 64, < 64), with neighbours at T - 1 and T + 1 and cancels of
 * events scheduled at earlier clocks: the order must be T - 1's, then T's in schedule
 * order without the cancelled ones, then T + 1's. */

#define EQ_T ((vs_time_t)(3 * 4096 + 2 * 64 + 7)) /* digits 3, 2, 7 of 6 bits */
#define EQ_STAGES 5
#define EQ_PER_STAGE 30

typedef struct eq_expect {
    uint64_t before[EQ_STAGES * EQ_PER_STAGE], at[EQ_STAGES * EQ_PER_STAGE],
        after[EQ_STAGES * EQ_PER_STAGE];
    bool cancelled[4 * EQ_STAGES * EQ_PER_STAGE];
    size_t nbefore, nat, nafter;
} eq_expect;

/* One stage's schedules from the current clock; arg = global schedule number. */
static void eq_stage(vs_engine *eng, recorder *r, eq_expect *e, vs_event_id *ids, uint64_t *seq)
{
    for (int i = 0; i < EQ_PER_STAGE; i++) {
        vs_time_t when = i % 3 == 0 ? EQ_T - 1 : i % 3 == 1 ? EQ_T : EQ_T + 1;
        ids[*seq] = vs_engine_schedule_at(eng, when, record, r, *seq);
        cr_assert_neq(ids[*seq], 0);
        (*seq)++;
    }
    /* Cancel every fourth event ever scheduled that is still pending: some from this
     * stage, some from earlier ones (already moved to other buckets). */
    for (uint64_t k = 0; k < *seq; k += 4)
        if (!e->cancelled[k])
            e->cancelled[k] = vs_engine_cancel(eng, ids[k]);
}

static void eq_expected(eq_expect *e, uint64_t nseq)
{
    for (uint64_t k = 0; k < nseq; k++) {
        if (e->cancelled[k])
            continue;
        int m = (int)(k % EQ_PER_STAGE) % 3;
        if (m == 0)
            e->before[e->nbefore++] = k;
        else if (m == 1)
            e->at[e->nat++] = k;
        else
            e->after[e->nafter++] = k;
    }
}

Test(engine, equal_times_keep_schedule_order_across_bucket_levels_and_cancels)
{
    /* Clocks where T first differs in its level-2 digit (0, 4097), its level-1 digit
     * (3 * 4096), and only in its level-0 digit (3 * 4096 + 2 * 64, and T - 2). */
    static const vs_time_t clocks[EQ_STAGES] = {0, 4097, 3 * 4096, 3 * 4096 + 2 * 64, EQ_T - 2};
    vs_engine *eng = vs_engine_new(0);
    static eq_expect e;
    static vs_event_id ids[EQ_STAGES * EQ_PER_STAGE];
    recorder r;
    uint64_t seq = 0;

    memset(&e, 0, sizeof e);
    recorder_init(&r, EQ_STAGES * EQ_PER_STAGE);
    for (int s = 0; s < EQ_STAGES; s++) {
        if (clocks[s] > 0) { /* move the clock (and the queue's base) there */
            cr_assert_neq(vs_engine_schedule_at(eng, clocks[s], noop, NULL, 0), 0);
            vs_engine_run(eng, clocks[s]);
            cr_assert_eq(vs_engine_now(eng), clocks[s]);
            cr_assert_eq(r.n, 0, "nothing at T - 1 or later may run yet");
        }
        eq_stage(eng, &r, &e, ids, &seq);
    }
    eq_expected(&e, seq);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(r.n, e.nbefore + e.nat + e.nafter);
    const uint64_t *want[3] = {e.before, e.at, e.after};
    size_t counts[3] = {e.nbefore, e.nat, e.nafter}, pos = 0;
    for (int g = 0; g < 3; g++)
        for (size_t i = 0; i < counts[g]; i++, pos++) {
            cr_assert_eq(r.log[pos].arg, want[g][i], "position %zu", pos);
            cr_assert_eq(r.log[pos].at, EQ_T - 1 + (vs_time_t)g);
        }
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

Test(engine, a_million_posted_events_drain_in_order_and_the_chunks_are_reused)
{
    enum { N = 1000000 };
    vs_engine *eng = vs_engine_new(N);
    vs_rng rng;
    recorder r;

    recorder_init(&r, N);
    vs_rng_init(&rng, 1, 2);
    for (uint64_t i = 0; i < N; i++)
        cr_assert(vs_engine_post_at(eng, vs_rng_below(&rng, 1u << 30), record, &r, i));
    cr_assert_eq(vs_engine_pending(eng), N);
    size_t bytes = vs_engine_memory_bytes(eng);
    cr_assert_leq(bytes / N, 40, "%zu bytes per pending event", bytes / N);

    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), N);
    for (size_t i = 1; i < N; i++) {
        cr_assert_geq(r.log[i].at, r.log[i - 1].at);
        if (r.log[i].at == r.log[i - 1].at)
            cr_assert_gt(r.log[i].arg, r.log[i - 1].arg);
    }
    /* A second million reuses the chunks of the first. */
    for (uint64_t i = 0; i < N; i++)
        vs_engine_post(eng, vs_rng_below(&rng, 1u << 30), noop, NULL, i);
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

/* Nothing to compare after a free: what this checks is that it does not crash and, under
 * ASan's leak check, that the 100 events still queued are released with the engine. */
Test(engine, free_accepts_null_and_a_non_empty_engine)
{
    vs_engine_free(NULL);
    vs_engine *eng = vs_engine_new(0);
    cr_assert_not_null(eng);
    for (int i = 0; i < 100; i++)
        cr_assert_neq(vs_engine_schedule(eng, (vs_time_t)i, noop, NULL, 0), 0);
    cr_assert_eq(vs_engine_pending(eng), 100, "the engine is not empty when freed");
    vs_engine_free(eng);
}

/* --- prefetchers (vs_engine_prefetch_for) --- */

typedef struct prefetch_log {
    recorder ran;    /* first: the events' ctx; the events, as they ran */
    uint64_t *named; /* args the prefetcher was called with, in order */
    size_t nnamed;
    bool named_after_run; /* called for an event that had already run */
} prefetch_log;

static void name_ahead(void *ctx, uint64_t arg)
{
    prefetch_log *l = ctx;                /* the event's ctx: the recorder, first in the log */
    l->named_after_run |= arg < l->ran.n; /* args are run numbers: those below have run */
    l->named[l->nnamed++] = arg;
}

static void other_handler(vs_engine *eng, void *ctx, uint64_t arg)
{
    record(eng, ctx, arg);
}

/* Runs n events at one time (a long bucket, as a lockstep model makes), every fourth
 * of other_handler's, the rest of record's, which has name_ahead as its prefetcher. */
static void run_named(prefetch_log *l, uint64_t n)
{
    vs_engine *eng = vs_engine_new(0);
    recorder_init(&l->ran, n);
    l->named = malloc(n * sizeof *l->named);
    cr_assert_not_null(l->named);
    cr_assert(vs_engine_prefetch_for(eng, record, name_ahead));
    for (uint64_t i = 0; i < n; i++)
        cr_assert(vs_engine_post(eng, 10, i % 4 == 3 ? other_handler : record, &l->ran, i));
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), n);
    assert_args_in_order(&l->ran, n);
    vs_engine_free(eng);
}

/* With many events pending, the named handler's events get their prefetcher called
 * before they run, each once and in order; other handlers' events never do; the order
 * of the run is unchanged. */
Test(engine, a_prefetcher_is_called_ahead_for_its_handler_only)
{
    prefetch_log l = {0};
    run_named(&l, 20000);
    cr_assert_not(l.named_after_run, "a prefetcher ran for an event already handled");
    /* Looked ahead while more than a few thousand were pending: most of the first 15,000. */
    cr_assert_geq(l.nnamed, 10000, "%zu events named ahead", l.nnamed);
    for (size_t k = 0; k < l.nnamed; k++) {
        cr_assert_neq(l.named[k] % 4, 3, "the prefetcher ran for another handler's event");
        if (k > 0)
            cr_assert_gt(l.named[k], l.named[k - 1]);
    }
    free(l.ran.log);
    free(l.named);
}

/* A short queue's objects are in cache: no looking ahead, no prefetcher calls. */
Test(engine, a_short_queue_calls_no_prefetcher)
{
    prefetch_log l = {0};
    run_named(&l, 1000);
    cr_assert_eq(l.nnamed, 0);
    free(l.ran.log);
    free(l.named);
}

Test(engine, prefetchers_are_refused_when_null_or_beyond_the_table)
{
    vs_engine *eng = vs_engine_new(0);
    cr_assert_not(vs_engine_prefetch_for(eng, NULL, name_ahead));
    cr_assert_not(vs_engine_prefetch_for(eng, record, NULL));
    for (int i = 0; i < VS_ENGINE_PREFETCHERS; i++)
        cr_assert(vs_engine_prefetch_for(eng, record, name_ahead));
    cr_assert_not(vs_engine_prefetch_for(eng, record, name_ahead), "the table is full");
    vs_engine_free(eng);
}

/* --- against a reference queue ---
 *
 * A random mix of schedules (from outside a run and from handlers), cancels, runs to
 * a time, stops and next-time queries, checked event by event against a plain binary
 * heap ordered by (time, schedule number): the order the engine promises. Each event's
 * arg is its schedule number, so the check is exact, equal times included. */

typedef struct ref_key {
    vs_time_t t;
    uint64_t seq;
} ref_key;

typedef struct ref_queue {
    ref_key *heap;
    size_t n, cap;
    bool *alive; /* by seq: scheduled and neither run nor cancelled */
    size_t alive_n;
} ref_queue;

static bool ref_less(ref_key a, ref_key b)
{
    return a.t != b.t ? a.t < b.t : a.seq < b.seq;
}

static void ref_push(ref_queue *q, vs_time_t t, uint64_t seq)
{
    cr_assert_lt(q->n, q->cap);
    size_t i = q->n++;
    ref_key k = {t, seq};
    while (i > 0 && ref_less(k, q->heap[(i - 1) / 2])) {
        q->heap[i] = q->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->heap[i] = k;
    q->alive[seq] = true;
    q->alive_n++;
}

static void ref_pop_root(ref_queue *q)
{
    ref_key last = q->heap[--q->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && ref_less(q->heap[c + 1], q->heap[c]))
            c++;
        if (!ref_less(q->heap[c], last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (q->n > 0)
        q->heap[i] = last;
}

/* The earliest live key, dropping cancelled ones on the way; NULL when none. */
static const ref_key *ref_peek(ref_queue *q)
{
    while (q->n > 0 && !q->alive[q->heap[0].seq])
        ref_pop_root(q);
    return q->n > 0 ? &q->heap[0] : NULL;
}

typedef struct fuzz {
    vs_engine *eng;
    ref_queue ref;
    vs_rng rng;
    vs_event_id *ids; /* by seq */
    uint64_t seq, max_seq;
    uint64_t fired;
} fuzz;

static void fuzz_fire(vs_engine *eng, void *ctx, uint64_t arg);

/* Delays that make ties (0), neighbours, the same and far buckets, huge gaps, and
 * saturation at VS_TIME_MAX; and one fixed delay, which puts events scheduled at one
 * time at one later time, above level 0: a model in lockstep (a bucket of one time
 * moves down whole). */
static vs_time_t fuzz_delay(vs_rng *rng)
{
    uint64_t r = vs_rng_below(rng, 100);

    if (r < 8)
        return 4133;
    if (r < 20)
        return 0;
    if (r < 40)
        return vs_rng_below(rng, 4);
    if (r < 65)
        return vs_rng_below(rng, 100);
    if (r < 85)
        return vs_rng_below(rng, 1u << 20);
    if (r < 95)
        return vs_rng_below(rng, (uint64_t)1 << 40);
    if (r < 98)
        return (vs_rng_next(rng) >> 2) + ((uint64_t)1 << 60);
    return VS_TIME_MAX - vs_rng_below(rng, 3);
}

static void fuzz_schedule(fuzz *f)
{
    if (f->seq == f->max_seq)
        return;
    vs_time_t now = vs_engine_now(f->eng);
    vs_time_t delay = fuzz_delay(&f->rng);
    vs_time_t when = delay > VS_TIME_MAX - now ? VS_TIME_MAX : now + delay;
    uint64_t seq = f->seq++;

    /* Half are posted: no id (0), never cancelled, in the same order as the rest. */
    switch (vs_rng_below(&f->rng, 4)) {
    case 0:
        f->ids[seq] = vs_engine_schedule_at(f->eng, when, fuzz_fire, f, seq);
        cr_assert_neq(f->ids[seq], 0);
        break;
    case 1:
        f->ids[seq] = vs_engine_schedule(f->eng, delay, fuzz_fire, f, seq);
        cr_assert_neq(f->ids[seq], 0);
        break;
    case 2:
        f->ids[seq] = 0;
        cr_assert(vs_engine_post_at(f->eng, when, fuzz_fire, f, seq));
        break;
    default:
        f->ids[seq] = 0;
        cr_assert(vs_engine_post(f->eng, delay, fuzz_fire, f, seq));
    }
    ref_push(&f->ref, when, seq);
}

/* Cancels a random earlier event, or the earliest pending one; both sides agree on
 * whether it was still pending. */
static void fuzz_cancel(fuzz *f)
{
    if (f->seq == 0)
        return;
    uint64_t seq;
    const ref_key *first = ref_peek(&f->ref);
    if (first != NULL && vs_rng_below(&f->rng, 4) == 0)
        seq = first->seq;
    else
        seq = vs_rng_below(&f->rng, f->seq);
    if (f->ids[seq] == 0) { /* posted: there is nothing to cancel it with */
        cr_assert_not(vs_engine_cancel(f->eng, 0));
        return;
    }
    bool was = f->ref.alive[seq];
    cr_assert_eq(vs_engine_cancel(f->eng, f->ids[seq]), was, "cancel of event %" PRIu64, seq);
    if (was) {
        f->ref.alive[seq] = false;
        f->ref.alive_n--;
    }
}

static void fuzz_fire(vs_engine *eng, void *ctx, uint64_t arg)
{
    fuzz *f = ctx;
    const ref_key *want = ref_peek(&f->ref);

    cr_assert_not_null(want, "event %" PRIu64 " ran; the reference is empty", arg);
    cr_assert_eq(arg, want->seq, "event %" PRIu64 " ran, %" PRIu64 " was due (event %" PRIu64 ")",
                 arg, want->seq, f->fired);
    cr_assert_eq(vs_engine_now(eng), want->t);
    f->ref.alive[arg] = false;
    f->ref.alive_n--;
    ref_pop_root(&f->ref);
    f->fired++;

    uint64_t r = vs_rng_below(&f->rng, 100);
    if (r < 45)
        fuzz_schedule(f);
    if (r < 30 || r >= 90)
        fuzz_schedule(f);
    if (r >= 80)
        fuzz_cancel(f);
    if (r == 42)
        vs_engine_stop(eng);
}

static void fuzz_check_state(fuzz *f)
{
    const ref_key *first = ref_peek(&f->ref);

    cr_assert_eq(vs_engine_pending(f->eng), f->ref.alive_n);
    cr_assert_eq(vs_engine_next_time(f->eng), first ? first->t : VS_TIME_MAX);
}

static void fuzz_run(uint64_t seed, uint64_t ops, size_t capacity_hint)
{
    fuzz f = {.eng = vs_engine_new(capacity_hint), .max_seq = 4 * ops};

    f.ref.cap = f.max_seq;
    f.ref.heap = malloc(f.ref.cap * sizeof *f.ref.heap);
    f.ref.alive = calloc(f.max_seq, sizeof *f.ref.alive);
    f.ids = malloc(f.max_seq * sizeof *f.ids);
    cr_assert(f.eng && f.ref.heap && f.ref.alive && f.ids);
    vs_rng_init(&f.rng, seed, 3);

    for (uint64_t op = 0; op < ops; op++) {
        uint64_t r = vs_rng_below(&f.rng, 100);
        if (r < 55) {
            fuzz_schedule(&f);
        } else if (r < 70) {
            fuzz_cancel(&f);
        } else if (r < 97) {
            vs_time_t now = vs_engine_now(f.eng);
            vs_time_t step = vs_rng_below(&f.rng, 2) ? vs_rng_below(&f.rng, 64)
                                                     : vs_rng_below(&f.rng, 1u << 22);
            vs_engine_run(f.eng, step > VS_TIME_MAX - now ? VS_TIME_MAX : now + step);
            cr_assert_geq(vs_engine_now(f.eng), now, "the clock went back");
        } else {
            fuzz_check_state(&f);
        }
    }
    fuzz_check_state(&f);
    while (vs_engine_pending(f.eng) > 0) /* stops may end a run early */
        vs_engine_run(f.eng, VS_TIME_MAX);
    cr_assert_null(ref_peek(&f.ref), "the engine ran dry before the reference");
    vs_engine_free(f.eng);
    free(f.ref.heap);
    free(f.ref.alive);
    free(f.ids);
}

Test(engine, random_schedules_cancels_and_runs_match_a_reference_queue)
{
    fuzz_run(1, 150000, 0);
}

Test(engine, random_operations_match_the_reference_for_other_seeds_and_hints)
{
    for (uint64_t seed = 2; seed < 6; seed++)
        fuzz_run(seed, 30000, seed % 2 ? 1 : 100000);
}

/* --- the radix queue's edges --- */

/* Thousands of hosts in lockstep: every handler at one time schedules its next step at
 * the same delay, so each step's events share one time above level 0 and move down
 * whole. Half posted, half cancellable (one in ten of those cancelled); the order of
 * each step is the order of the one before. */
typedef struct lockstep {
    vs_event_id *ids;
    uint64_t *order; /* args in the order they ran in the current step */
    size_t ran, steps;
    vs_time_t step_at;
} lockstep;

enum { LOCKSTEP_N = 5000 };

static void lockstep_fire(vs_engine *eng, void *ctx, uint64_t arg)
{
    lockstep *l = ctx;

    if (vs_engine_now(eng) != l->step_at) { /* the first event of a new step */
        cr_assert_eq(l->ran % LOCKSTEP_N, 0, "a step ended after %zu events", l->ran);
        l->step_at = vs_engine_now(eng);
        l->steps++;
    }
    cr_assert_eq(arg, (l->ran % LOCKSTEP_N), "step %zu ran %" PRIu64 " as number %zu", l->steps,
                 arg, l->ran % LOCKSTEP_N);
    l->ran++;
    if (l->steps == 20)
        return;
    if (arg % 2)
        cr_assert(vs_engine_post(eng, 20000, lockstep_fire, ctx, arg));
    else
        l->ids[arg] = vs_engine_schedule(eng, 20000, lockstep_fire, ctx, arg);
}

static void lockstep_decoy(vs_engine *eng, void *ctx, uint64_t arg)
{
    cr_assert_fail("a cancelled event ran");
}

Test(engine, a_model_in_lockstep_keeps_each_steps_order)
{
    vs_engine *eng = vs_engine_new(0);
    lockstep l = {.ids = calloc(LOCKSTEP_N, sizeof *l.ids), .step_at = VS_TIME_MAX};
    vs_event_id decoys[LOCKSTEP_N / 10];

    cr_assert_not_null(l.ids);
    for (uint64_t i = 0; i < LOCKSTEP_N; i++) {
        cr_assert(vs_engine_post_at(eng, 1000000, lockstep_fire, &l, i));
        if (i % 10 == 0) /* cancelled before they come up: gaps in the step's bucket */
            decoys[i / 10] = vs_engine_schedule_at(eng, 1000000, lockstep_decoy, NULL, i);
    }
    for (size_t i = 0; i < LOCKSTEP_N / 10; i++)
        cr_assert(vs_engine_cancel(eng, decoys[i]));
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(l.steps, 20);
    cr_assert_eq(l.ran, 20 * LOCKSTEP_N);
    cr_assert_eq(vs_engine_now(eng), 1000000 + 19 * 20000);
    cr_assert_eq(vs_engine_pending(eng), 0);
    vs_engine_free(eng);
    free(l.ids);
}

Test(engine, post_with_a_null_handler_returns_false)
{
    vs_engine *eng = vs_engine_new(0);

    cr_assert_not(vs_engine_post(eng, 5, NULL, NULL, 0));
    cr_assert_not(vs_engine_post_at(eng, 5, NULL, NULL, 0));
    cr_assert_eq(vs_engine_pending(eng), 0);
    vs_engine_free(eng);
}

Test(engine, huge_time_gaps_up_to_time_max_keep_order)
{
    static const vs_time_t times[] = {
        VS_TIME_MAX,
        0,
        (vs_time_t)1 << 63,
        VS_TIME_MAX - 1,
        1,
        VS_TIME_MAX,
        ((vs_time_t)1 << 63) - 1,
        (vs_time_t)1 << 62,
        63,
        64,
        4095,
        4096,
        0,
        VS_TIME_MAX - 64,
        ((vs_time_t)1 << 63) + 1,
        (vs_time_t)1 << 63,
    };
    enum { N = sizeof times / sizeof times[0] };
    timed want[N];
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, N);
    for (uint64_t i = 0; i < N; i++) {
        want[i] = (timed){times[i], i};
        vs_engine_schedule_at(eng, times[i], record, &r, i);
    }
    qsort(want, N, sizeof *want, timed_cmp);
    cr_assert_eq(vs_engine_next_time(eng), 0);
    /* In steps, so the queue is settled at each gap and then scheduled into. */
    cr_assert_eq(vs_engine_run(eng, 64), 5);
    cr_assert_eq(vs_engine_next_time(eng), 4095);
    vs_engine_run(eng, ((vs_time_t)1 << 63) - 1);
    vs_engine_run(eng, VS_TIME_MAX);
    cr_assert_eq(r.n, N);
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(r.log[i].arg, want[i].idx, "position %zu", i);
        cr_assert_eq(r.log[i].at, want[i].t, "position %zu", i);
    }
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, cancelling_the_earliest_event_exposes_the_next)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;
    vs_event_id first[3];

    recorder_init(&r, 8);
    /* Three at the earliest time, so the earliest bucket holds more than one key. */
    for (uint64_t i = 0; i < 3; i++)
        first[i] = vs_engine_schedule_at(eng, 100000, record, &r, 10 + i);
    vs_engine_schedule_at(eng, 100001, record, &r, 1);
    vs_engine_schedule_at(eng, 100000 + 4096, record, &r, 2);
    cr_assert(vs_engine_cancel(eng, first[0]));
    cr_assert_eq(vs_engine_next_time(eng), 100000);
    cr_assert(vs_engine_cancel(eng, first[2]));
    cr_assert(vs_engine_cancel(eng, first[1]));
    cr_assert_eq(vs_engine_next_time(eng), 100001);
    cr_assert_eq(vs_engine_run(eng, 100001), 1);
    cr_assert_eq(r.log[0].arg, 1);
    cr_assert_eq(vs_engine_next_time(eng), 100000 + 4096);
    vs_engine_free(eng);
    free(r.log);
}

Test(engine, scheduling_after_a_run_ended_among_cancelled_events_keeps_order)
{
    vs_engine *eng = vs_engine_new(0);
    recorder r;

    recorder_init(&r, 8);
    vs_engine_schedule_at(eng, 10, record, &r, 0);
    /* Cancelled events only, from 5000 on: the run reaches into them, finds nothing
     * live, and leaves the clock at 10 as the queue ran dry. */
    vs_event_id a = vs_engine_schedule_at(eng, 5000, record, &r, 99);
    vs_event_id b = vs_engine_schedule_at(eng, 5001, record, &r, 99);
    vs_event_id c = vs_engine_schedule_at(eng, 900000, record, &r, 99);
    cr_assert(vs_engine_cancel(eng, a));
    cr_assert(vs_engine_cancel(eng, b));
    cr_assert(vs_engine_cancel(eng, c));
    cr_assert_eq(vs_engine_run(eng, 5000), 1);
    cr_assert_eq(vs_engine_now(eng), 10);
    cr_assert_eq(vs_engine_pending(eng), 0);
    /* Now schedule before the times the run looked at, ties included. */
    vs_engine_schedule_at(eng, 20, record, &r, 2);
    vs_engine_schedule_at(eng, 12, record, &r, 1);
    vs_engine_schedule_at(eng, 20, record, &r, 3);
    vs_engine_schedule_at(eng, 5001, record, &r, 4);
    cr_assert_eq(vs_engine_next_time(eng), 12);
    cr_assert_eq(vs_engine_run(eng, VS_TIME_MAX), 4);
    assert_args_in_order(&r, 5);
    cr_assert_eq(r.log[4].at, 5001);
    vs_engine_free(eng);
    free(r.log);
}

/* PHOLD-like churn: every event schedules one more after a random delay, so pending
 * stays constant and the queue's buckets fill and empty in a steady state. */
static void churn(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_rng *rng = ctx;

    vs_engine_post(eng, vs_rng_below(rng, 2000000), churn, ctx, arg);
}

static void churn_cancellable(vs_engine *eng, void *ctx, uint64_t arg)
{
    vs_rng *rng = ctx;

    vs_engine_schedule(eng, vs_rng_below(rng, 2000000), churn_cancellable, ctx, arg);
}

/* N events pending in a steady state, posted or cancellable: the memory counted is at
 * least `least` bytes an event, at most `most` once steady, and then stays put. */
static void check_steady_memory(vs_event_fn fn, bool cancellable, size_t least, size_t most)
{
    enum { N = 100000 };
    vs_engine *eng = vs_engine_new(0);
    vs_rng rng;

    vs_rng_init(&rng, 9, 0);
    size_t empty = vs_engine_memory_bytes(eng);
    for (uint64_t i = 0; i < N; i++) {
        vs_time_t delay = vs_rng_below(&rng, 2000000);
        if (cancellable)
            cr_assert_neq(vs_engine_schedule(eng, delay, fn, &rng, i), 0);
        else
            cr_assert(vs_engine_post(eng, delay, fn, &rng, i));
    }
    size_t filled = vs_engine_memory_bytes(eng);
    cr_assert_geq(filled - empty, (size_t)N * least, "%zu bytes", filled - empty);
    vs_engine_run(eng, 20000000); /* ten delays: a steady state */
    size_t steady = vs_engine_memory_bytes(eng);
    cr_assert_eq(vs_engine_pending(eng), N);
    cr_assert_leq(steady, (size_t)N * most, "%.1f bytes per pending event", (double)steady / N);
    vs_engine_run(eng, 60000000);
    cr_assert_eq(vs_engine_memory_bytes(eng), steady, "memory grew in the steady state");
    vs_engine_free(eng);
}

/* A posted event is its 32 bytes in a chunk; a cancellable one adds a 32-byte record,
 * in a pool that grows by half: 40 + 1.5 x 32 at most. */
Test(engine, memory_counts_the_queue_and_stays_within_40_bytes_per_posted_event)
{
    check_steady_memory(churn, false, 32, 40);
}

Test(engine, memory_stays_within_88_bytes_per_cancellable_event)
{
    check_steady_memory(churn_cancellable, true, 64, 88);
}
