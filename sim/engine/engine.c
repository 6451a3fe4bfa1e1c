/*
 * engine.c: the discrete-event engine. Pending events are 16-byte keys in a 4-ary
 * min-heap; each key names a record in a pool of event records reused through a free
 * list, so steady-state scheduling never calls malloc.
 *
 * A key is one 128-bit integer: time in the high 64 bits, then a 32-bit insertion
 * sequence, then the 32-bit pool slot. Sequences are unique among pending events, so
 * comparing keys as integers orders by (time, sequence) and the slot never decides.
 * Before the sequence would pass 2^32 the pending keys are renumbered 0..n-1 in order
 * (engine_renumber), which keeps equal-time FIFO order across any number of events.
 *
 * Cancellation is lazy: it clears the record's handler and leaves the key in the heap,
 * to be dropped when it surfaces, or by a compaction once cancelled keys outnumber live
 * ones. That keeps the heap free of back-pointers into the pool (which would cost a
 * scattered write per sift step) while bounding memory when timers are cancelled and
 * re-armed in a steady state. The root is always live, so the next event time is a
 * plain read.
 */
#include "engine.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 heap_key;

#define KEY_SENTINEL (~(heap_key)0) /* above every real key: slot < UINT32_MAX */
#define SEQ_LIMIT ((uint64_t)UINT32_MAX + 1)
#define NO_SLOT UINT32_MAX
#define MAX_SLOTS ((size_t)1 << 31)
#define MIN_CAPACITY 64
#define COMPACT_MIN_DEAD 1024
#define CACHE_LINE 64
#define PREFETCH_FROM 1024 /* keys: 16 KiB of heap, well inside L1 */
/* Three unused keys before the root put every group of four siblings (4i+1..4i+4) on
 * one 64-byte line. Sentinels after the end let a pop compare a full group without
 * bounds checks, and cover the grandchildren it prefetches (up to 15 past the end). */
#define HEAP_LEAD 3
#define HEAP_TAIL 16

typedef struct event_rec {
    vs_event_fn fn; /* NULL while free or cancelled */
    void *ctx;
    uint64_t arg;
    uint32_t gen;       /* bumped when an id stops being valid: fired or cancelled.
                           An id kept across 2^32 reuses of one record would alias. */
    uint32_t next_free; /* free-list link while free */
} event_rec;

struct vs_engine {
    heap_key *heap;   /* root at heap[0]; points HEAP_LEAD keys into heap_mem */
    void *heap_mem;
    event_rec *pool;
    size_t cap;       /* keys the heap and records the pool can hold */
    size_t len;       /* keys in the heap, live and cancelled; each owns one slot */
    size_t used;      /* slots ever handed out; those above were never touched */
    size_t dead;      /* cancelled keys still in the heap */
    uint32_t free_head;
    uint64_t next_seq;
    vs_time_t now;
    uint64_t events_run;
    bool running;
    bool stop;
};

/* --- keys --- */

static heap_key key_make(vs_time_t t, uint64_t seq, uint32_t slot)
{
    return (heap_key)t << 64 | (heap_key)seq << 32 | slot;
}

static vs_time_t key_time(heap_key k)
{
    return (vs_time_t)(k >> 64);
}

static uint32_t key_slot(heap_key k)
{
    return (uint32_t)k;
}

static vs_event_id id_make(uint32_t gen, uint32_t slot)
{
    return (uint64_t)gen << 32 | ((uint64_t)slot + 1);
}

/* --- the heap --- */

static void heap_sift_up(heap_key *h, size_t i, heap_key k)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (h[parent] < k)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = k;
}

/* The least of the four siblings starting at c; sentinels past the end never win. */
static size_t heap_min_child(const heap_key *h, size_t c)
{
    size_t a = c + (h[c + 1] < h[c]);
    size_t b = c + 2 + (h[c + 3] < h[c + 2]);
    return h[b] < h[a] ? b : a;
}

static void heap_sift_down(heap_key *h, size_t n, size_t i, heap_key k)
{
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t m = heap_min_child(h, c);
        if (!(h[m] < k))
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = k;
}

static void heap_push(vs_engine *eng, heap_key k)
{
    heap_sift_up(eng->heap, eng->len++, k);
}

/* Bottom-up (Wegener): the hole at the root follows the lesser child to a leaf, and
 * only then the last key is sifted up into it. In an event queue the last key was
 * usually scheduled late and belongs near the bottom, so this saves a compare per
 * level and the sift-up is short. */
static void heap_pop_root(vs_engine *eng)
{
    heap_key *h = eng->heap;
    size_t n = --eng->len;
    heap_key last = h[n];
    size_t i = 0;

    h[n] = KEY_SENTINEL;
    if (n == 0)
        return;
    for (size_t c = 1; c < n; c = 4 * i + 1) {
        /* While these four children are compared, start loading the next level:
         * the 16 grandchildren (four lines) from 4c+1. Near the root they are in
         * cache already. (Inline on purpose: GCC finds a helper that only
         * prefetches "pure" and deletes the call.) */
        size_t g = 4 * c + 1;
        if (g >= PREFETCH_FROM && g < n) {
            __builtin_prefetch(&h[g]);
            __builtin_prefetch(&h[g + 4]);
            __builtin_prefetch(&h[g + 8]);
            __builtin_prefetch(&h[g + 12]);
        }
        size_t m = heap_min_child(h, c);
        h[i] = h[m];
        i = m;
    }
    heap_sift_up(h, i, last);
}

static void heap_build(heap_key *h, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = (n - 2) / 4 + 1; i-- > 0;) /* from the last parent up */
        heap_sift_down(h, n, i, h[i]);
}

static size_t heap_mem_bytes(size_t cap)
{
    size_t bytes = (HEAP_LEAD + cap + HEAP_TAIL) * sizeof(heap_key);
    return (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
}

/* Arrays of megabytes are touched at random by the heap and the pool: huge pages
 * there remove most TLB misses (about 10% of the time at a million pending). */
#define HUGE_PAGE ((size_t)2 << 20)

static void *array_alloc(size_t bytes)
{
    void *p;
    size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : CACHE_LINE;

    if (posix_memalign(&p, align, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (align == HUGE_PAGE)
        (void)madvise(p, bytes & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    return p;
}

/* --- the pool --- */

static uint32_t slot_take(vs_engine *eng)
{
    uint32_t s = eng->free_head;

    if (s != NO_SLOT) {
        eng->free_head = eng->pool[s].next_free;
        return s;
    }
    return (uint32_t)eng->used++;
}

static void slot_release(vs_engine *eng, uint32_t s)
{
    eng->pool[s].fn = NULL;
    eng->pool[s].next_free = eng->free_head;
    eng->free_head = s;
}

/* Both arrays grow together: every key owns a slot, so the heap never holds more keys
 * than the pool has records. On failure the engine is unchanged. */
static int engine_reserve(vs_engine *eng, size_t ncap)
{
    if (ncap > MAX_SLOTS)
        return -1;
    event_rec *pool = array_alloc(ncap * sizeof *pool);
    void *mem = array_alloc(heap_mem_bytes(ncap));
    if (pool == NULL || mem == NULL) {
        free(pool);
        free(mem);
        return -1;
    }
    if (eng->used > 0)
        memcpy(pool, eng->pool, eng->used * sizeof *pool);
    free(eng->pool);
    eng->pool = pool;

    heap_key *heap = (heap_key *)mem + HEAP_LEAD;
    if (eng->len > 0)
        memcpy(heap, eng->heap, eng->len * sizeof *heap);
    for (size_t i = eng->len; i < ncap + HEAP_TAIL; i++)
        heap[i] = KEY_SENTINEL;
    free(eng->heap_mem);
    eng->heap_mem = mem;
    eng->heap = heap;
    eng->cap = ncap;
    return 0;
}

static int engine_grow(vs_engine *eng)
{
    size_t ncap = eng->cap * 2;

    if (ncap > MAX_SLOTS)
        ncap = MAX_SLOTS;
    return ncap > eng->cap ? engine_reserve(eng, ncap) : -1;
}

/* --- cancelled keys --- */

static bool key_is_dead(const vs_engine *eng, heap_key k)
{
    return eng->pool[key_slot(k)].fn == NULL;
}

/* Keeps the invariant that the root is live, so next_time and run need no check. */
static void engine_drop_dead_root(vs_engine *eng)
{
    while (eng->len > 0 && key_is_dead(eng, eng->heap[0])) {
        slot_release(eng, key_slot(eng->heap[0]));
        heap_pop_root(eng);
        eng->dead--;
    }
}

/* Drops every cancelled key and rebuilds the heap in O(n). */
static void engine_compact(vs_engine *eng)
{
    heap_key *h = eng->heap;
    size_t kept = 0;

    for (size_t i = 0; i < eng->len; i++) {
        if (key_is_dead(eng, h[i]))
            slot_release(eng, key_slot(h[i]));
        else
            h[kept++] = h[i];
    }
    for (size_t i = kept; i < eng->len; i++)
        h[i] = KEY_SENTINEL;
    eng->len = kept;
    eng->dead = 0;
    heap_build(h, kept);
}

static int key_cmp(const void *pa, const void *pb)
{
    heap_key a, b;

    memcpy(&a, pa, sizeof a);
    memcpy(&b, pb, sizeof b);
    return (a > b) - (a < b);
}

/* Sorting the keys keeps them a valid heap (a sorted array is one), and numbering
 * them in that order keeps every pairwise order: the heap needs no rebuild, and the
 * next sequence, n, is above them all. Runs once per ~2^32 schedules. */
static void engine_renumber(vs_engine *eng)
{
    heap_key *h = eng->heap;

    qsort(h, eng->len, sizeof *h, key_cmp);
    for (size_t i = 0; i < eng->len; i++)
        h[i] = key_make(key_time(h[i]), i, key_slot(h[i]));
    eng->next_seq = eng->len;
}

/* --- the public API --- */

vs_engine *vs_engine_new(size_t capacity_hint)
{
    vs_engine *eng = calloc(1, sizeof *eng);

    if (eng == NULL)
        return NULL;
    eng->free_head = NO_SLOT;
    if (capacity_hint < MIN_CAPACITY)
        capacity_hint = MIN_CAPACITY;
    if (engine_reserve(eng, capacity_hint) != 0) {
        vs_engine_free(eng);
        return NULL;
    }
    return eng;
}

void vs_engine_free(vs_engine *eng)
{
    if (eng == NULL)
        return;
    free(eng->pool);
    free(eng->heap_mem);
    free(eng);
}

vs_time_t vs_engine_now(const vs_engine *eng)
{
    return eng->now;
}

vs_event_id vs_engine_schedule(vs_engine *eng, vs_time_t delay, vs_event_fn fn, void *ctx,
                               uint64_t arg)
{
    vs_time_t when = delay > VS_TIME_MAX - eng->now ? VS_TIME_MAX : eng->now + delay;

    return vs_engine_schedule_at(eng, when, fn, ctx, arg);
}

vs_event_id vs_engine_schedule_at(vs_engine *eng, vs_time_t when, vs_event_fn fn, void *ctx,
                                  uint64_t arg)
{
    if (fn == NULL)
        return 0;
    if (eng->len == eng->cap && engine_grow(eng) != 0)
        return 0;
    if (eng->next_seq >= SEQ_LIMIT)
        engine_renumber(eng);
    if (when < eng->now)
        when = eng->now;

    uint32_t slot = slot_take(eng);
    event_rec *r = &eng->pool[slot];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    heap_push(eng, key_make(when, eng->next_seq++, slot));
    return id_make(r->gen, slot);
}

bool vs_engine_cancel(vs_engine *eng, vs_event_id id)
{
    uint64_t slot1 = id & UINT32_MAX;

    if (slot1 == 0 || slot1 > eng->used)
        return false;
    event_rec *r = &eng->pool[slot1 - 1];
    if (r->gen != (uint32_t)(id >> 32) || r->fn == NULL)
        return false;

    r->fn = NULL;
    r->gen++;
    eng->dead++;
    engine_drop_dead_root(eng);
    if (eng->dead >= COMPACT_MIN_DEAD && eng->dead > eng->len - eng->dead)
        engine_compact(eng);
    return true;
}

/* Pops the root and runs it. The record goes back to the pool before the handler
 * runs, so the handler's own schedule reuses a slot that is already in cache. */
static void engine_dispatch(vs_engine *eng, heap_key top)
{
    uint32_t slot = key_slot(top);
    event_rec *r = &eng->pool[slot];
    vs_event_fn fn = r->fn;
    void *ctx = r->ctx;
    uint64_t arg = r->arg;

    r->gen++;
    slot_release(eng, slot);
    heap_pop_root(eng);
    if (eng->dead > 0)
        engine_drop_dead_root(eng);
    /* The next record is a likely cache miss with a large queue: start it now so it
     * arrives while this handler runs. */
    if (eng->len > 0)
        __builtin_prefetch(&eng->pool[key_slot(eng->heap[0])]);
    eng->now = key_time(top);
    eng->events_run++;
    fn(eng, ctx, arg);
}

uint64_t vs_engine_run(vs_engine *eng, vs_time_t until)
{
    uint64_t before = eng->events_run;

    if (eng->running)
        return 0; /* a handler cannot run the engine it is running in */
    eng->running = true;
    eng->stop = false;
    while (eng->len > 0 && !eng->stop) {
        heap_key top = eng->heap[0];
        if (key_time(top) > until)
            break;
        engine_dispatch(eng, top);
    }
    /* Never move the clock backwards, and leave it at the last event when stopped
     * early or when the queue ran dry. */
    if (eng->len > 0 && !eng->stop && until != VS_TIME_MAX && until > eng->now)
        eng->now = until;
    eng->running = false;
    eng->stop = false;
    return eng->events_run - before;
}

void vs_engine_stop(vs_engine *eng)
{
    eng->stop = true;
}

size_t vs_engine_pending(const vs_engine *eng)
{
    return eng->len - eng->dead;
}

uint64_t vs_engine_events_run(const vs_engine *eng)
{
    return eng->events_run;
}

vs_time_t vs_engine_next_time(const vs_engine *eng)
{
    return eng->len > 0 ? key_time(eng->heap[0]) : VS_TIME_MAX;
}

size_t vs_engine_memory_bytes(const vs_engine *eng)
{
    return sizeof *eng + eng->cap * sizeof(event_rec) + heap_mem_bytes(eng->cap);
}

void vs__engine_set_next_seq(vs_engine *eng, uint64_t seq)
{
    eng->next_seq = seq;
}
