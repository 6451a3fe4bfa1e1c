/*
 * engine.c: the discrete-event engine. Pending events wait whole (time, handler,
 * context, argument: 32 bytes) in the buckets of a radix heap, in chunks reused through
 * a free list, so steady-state scheduling never calls malloc and running an event reads
 * nothing but the queue. An event that may be cancelled (vs_engine_schedule) keeps its
 * handler in a pooled record that its id names, and its place in the queue points there.
 *
 * Why a radix heap. The engine never schedules before now, so its queue is monotone:
 * no key is ever added below the last one taken out. A radix heap uses that. Keys sit
 * in buckets by the highest 6-bit digit in which their time differs from `base` (a
 * time never above now): bucket (L, d) holds the times that agree with base above
 * digit L and have digit d there. Buckets in (level, digit) order cover increasing,
 * disjoint ranges of time, so the next event is in the first non-empty bucket, found
 * with two bit scans. A level-0 bucket holds a single time and is popped from the
 * front as it stands; so is a lone key at any level. A longer bucket of a higher level
 * is spread when it comes first: base moves up to its least time and each of its keys
 * moves down to a lower level. A key moves at most once per level (11 levels cover 64
 * bits) and in practice two or three times: at PHOLD's density a key 2^20 ns ahead
 * starts at level 3, and a bucket of each level below holds ~64 times fewer keys.
 *
 * A move is a sequential read and an append, not a random access: buckets are lists
 * of 256-byte chunks of seven events after a link (free chunks reused last-in
 * first-out, while still in cache), so the queue streams through memory where a heap
 * takes a cache miss per level on every pop. Until issue 19 a key was 12 bytes (time,
 * pool slot) and every event's record sat in a pool: running an event, and scheduling
 * one (the pool's free list), each cost a cache miss once the pool outgrew the cache.
 * At 100,000 hosts that was most of the engine's time; whole events in the queue cost
 * a longer move in a spread instead, which streams.
 *
 * Models in lockstep. A drain of thousands of hosts with fixed costs runs every host's
 * step at the same nanosecond: tens of thousands of events of one time, spread from
 * level 2 or 3 down to level 0 one level at a time. Each bucket knows the least and
 * greatest time appended to it, so a spread starts from the least (every key falls as
 * low as it can, in one move), and a bucket of a single time moves to level 0 whole,
 * by its head, with no key moved at all.
 *
 * Equal times run in schedule order with no sequence numbers: a bucket only grows by
 * appends of new events (which come after every pending one) or by a spread into empty
 * buckets, which keeps the order it reads. So the keys of one time, which always share
 * a bucket, stay in schedule order; and the order is exactly a heap's that compared
 * (time, schedule number). Posted and cancellable events share the buckets, so their
 * order together holds too.
 *
 * Measured (bench/README.md, issue 19): PHOLD at 1,048,576 pending 4.0-4.2 -> 5.8-6.3 M
 * events/s, interleaved runs; the 10,000-host drain 2.7 -> 6-8 M events per wall second.
 * Memory: 32 bytes an event in full chunks, about 39 with the chunks' links and slack
 * from 65,536 pending on; at 1,024 pending the 22 KiB of bucket heads weigh most.
 *
 * Cancellation is lazy: it clears the record's handler and leaves the key in its
 * bucket, to be dropped when it comes first, or by a compaction once cancelled keys
 * outnumber live ones (bounding memory when timers are re-armed in a steady state).
 */
#include "engine.h"
#include "pool.h"

#include <stdlib.h>
#include <string.h>

#define DIGIT_BITS 6
#define DIGITS (1u << DIGIT_BITS) /* buckets per level: one uint64_t bitmap each */
#define LEVELS 11                 /* 6-bit digits of a 64-bit time */
#define NBUCKETS (LEVELS * DIGITS)
#define NONE UINT32_MAX
#define CHUNK_BYTES 256                                              /* four cache lines */
#define CHUNK_EVENTS ((CHUNK_BYTES - sizeof(event)) / sizeof(event)) /* seven, after the link */
#define MAX_SLOTS ((size_t)1 << 31)
#define MAX_CHUNKS ((size_t)UINT32_MAX)
#define MIN_CAPACITY 64
#define COMPACT_MIN_DEAD 1024
#define CACHE_LINE 64

/* A pending event, whole, in its bucket: dispatch reads it in the order the queue holds
 * it, with no other memory to fetch. A cancellable event (vs_engine_schedule) has fn
 * NULL here and its record in the pool at index arg, where a cancel can find it. */
typedef struct event {
    vs_time_t time;
    vs_event_fn fn;
    void *ctx;
    uint64_t arg;
} event;

/* The link shares the first line with the first event: it is read with them, in cache,
 * not in an array of its own (which missed in the cache once a chunk at 100,000 hosts).
 * It takes an event's room so that every event sits in one line. */
typedef struct chunk {
    uint32_t next; /* the next chunk of the bucket or of the free list; NONE at the end */
    unsigned char pad[sizeof(event) - sizeof(uint32_t)];
    event ev[(CHUNK_BYTES - sizeof(event)) / sizeof(event)];
} chunk;

_Static_assert(sizeof(chunk) == CHUNK_BYTES, "chunks tile cache lines");

/* A cancellable event's record. */
typedef struct event_rec {
    vs_event_fn fn; /* NULL while free or cancelled */
    void *ctx;
    uint64_t arg;
    uint32_t gen;       /* bumped when an id stops being valid: fired or cancelled.
                           An id kept across 2^32 reuses of one record would alias. */
    uint32_t next_free; /* free-list link while free */
} event_rec;

/* min and max bound the times ever appended (a cancel or compaction leaves them as they
 * were: still bounds). A spread starts from min, so keys fall as low as they can; a
 * bucket whose times are all one moves down whole, by its head (see bucket_spread). */
typedef struct bucket {
    uint32_t head, tail; /* chunk ids, NONE when empty */
    uint16_t pos;        /* events already popped from the head chunk */
    uint16_t fill;       /* events in the tail chunk */
    vs_time_t min, max;
} bucket;

#define BUCKET_EMPTY ((bucket){NONE, NONE, 0, 0, 0, 0})

struct vs_engine {
    bucket buckets[NBUCKETS];  /* level L, digit d at L * DIGITS + d */
    uint64_t occupied[LEVELS]; /* bit d: bucket (L, d) is not empty */
    uint32_t levels;           /* bit L: occupied[L] != 0 */
    vs_time_t base;            /* keys are placed relative to it; see queue_rebase */
    chunk *chunks;
    size_t chunk_cap;   /* chunks allocated */
    size_t chunk_used;  /* chunks ever handed out; those above never touched */
    size_t chunk_spare; /* on the free list or never touched */
    uint32_t chunk_free;
    event_rec *pool;
    size_t cap;  /* records in the pool */
    size_t used; /* records ever handed out */
    uint32_t free_head;
    size_t keys; /* in the buckets, live and cancelled */
    size_t dead; /* cancelled keys still in the buckets */
    vs_time_t now;
    uint64_t events_run;
    bool running;
    bool stop;
    bool oom; /* a schedule or a reorder found no memory: vs_engine_out_of_memory */
    unsigned nprefetchers;
    struct {
        vs_event_fn fn;
        vs_prefetch_fn prefetch;
    } prefetchers[VS_ENGINE_PREFETCHERS]; /* see vs_engine_prefetch_for */
};

/* --- allocation --- */

/* Moves `used` elements of `size` bytes to a new array of `ncap`. */
static void *array_grow(void *old, size_t used, size_t ncap, size_t size)
{
    void *p = vs_array_alloc(ncap * size);

    if (p == NULL)
        return NULL;
    if (used > 0)
        memcpy(p, old, used * size);
    free(old);
    return p;
}

/* --- the record pool of cancellable events --- */

static int pool_reserve(vs_engine *eng, size_t ncap)
{
    if (ncap > MAX_SLOTS)
        return -1;
    event_rec *pool = array_grow(eng->pool, eng->used, ncap, sizeof *pool);
    if (pool == NULL)
        return -1;
    eng->pool = pool;
    eng->cap = ncap;
    return 0;
}

static uint32_t slot_take(vs_engine *eng)
{
    uint32_t s = eng->free_head;

    if (s != NONE) {
        eng->free_head = eng->pool[s].next_free;
        return s;
    }
    eng->pool[eng->used].gen = 0; /* a fresh record: its ids start from generation 0 */
    return (uint32_t)eng->used++;
}

static void slot_release(vs_engine *eng, uint32_t s)
{
    eng->pool[s].fn = NULL;
    eng->pool[s].next_free = eng->free_head;
    eng->free_head = s;
}

/* A record free for the next schedule; on failure the engine is unchanged. */
static int pool_make_room(vs_engine *eng)
{
    if (eng->free_head != NONE || eng->used < eng->cap)
        return 0;
    size_t want = eng->cap + eng->cap / 2; /* by half: the records are 32 bytes an event */
    size_t ncap = want > MAX_SLOTS ? MAX_SLOTS : want;
    return ncap > eng->cap ? pool_reserve(eng, ncap) : -1;
}

static vs_event_id id_make(uint32_t gen, uint32_t slot)
{
    return (uint64_t)gen << 32 | ((uint64_t)slot + 1);
}

/* An event in a bucket that was cancelled: only a pooled one can be. */
static bool event_is_dead(const vs_engine *eng, const event *e)
{
    return e->fn == NULL && eng->pool[e->arg].fn == NULL;
}

/* --- chunks --- */

static int chunks_grow(vs_engine *eng, size_t ncap)
{
    if (ncap > MAX_CHUNKS)
        return -1;
    chunk *c = array_grow(eng->chunks, eng->chunk_used, ncap, sizeof *c);
    if (c == NULL)
        return -1;
    eng->chunks = c;
    eng->chunk_spare += ncap - eng->chunk_cap;
    eng->chunk_cap = ncap;
    return 0;
}

/* At least `need` chunks free. Growing by a sixteenth, not double, keeps the slack
 * within the 40-bytes-per-event budget. On failure the engine is unchanged. */
static int chunks_reserve(vs_engine *eng, size_t need)
{
    if (eng->chunk_spare >= need)
        return 0;
    size_t ncap = eng->chunk_cap + eng->chunk_cap / 16 + need;
    return chunks_grow(eng, ncap > MAX_CHUNKS ? MAX_CHUNKS : ncap);
}

/* Prefetch helpers are always_inline: GCC 12 at -O2 (Debian 12's) decides that a call
 * to a function whose only work is __builtin_prefetch has no effect and deletes it
 * (-fno-ipa-modref keeps it), so until 4636f23 the binary held one prefetch of this
 * file's 25. tests/build/prefetch.sh counts them in the built program. */
#define VS_PREFETCH_FN static inline __attribute__((always_inline)) void
VS_PREFETCH_FN chunk_prefetch(const vs_engine *eng, uint32_t c);

/* Free chunks go last-in first-out, so most are still in cache when taken again; one
 * freed long ago is not, so the next to be taken starts loading now. */
static uint32_t chunk_take(vs_engine *eng)
{
    uint32_t c = eng->chunk_free;

    if (c != NONE) {
        eng->chunk_free = eng->chunks[c].next;
        if (eng->chunk_free != NONE)
            chunk_prefetch(eng, eng->chunk_free);
    } else
        c = (uint32_t)eng->chunk_used++;
    eng->chunk_spare--;
    eng->chunks[c].next = NONE;
    return c;
}

static void chunk_release(vs_engine *eng, uint32_t c)
{
    eng->chunks[c].next = eng->chunk_free;
    eng->chunk_free = c;
    eng->chunk_spare++;
}

VS_PREFETCH_FN chunk_prefetch(const vs_engine *eng, uint32_t c)
{
    const char *p = (const char *)&eng->chunks[c]; /* four lines, unrolled */

    __builtin_prefetch(p);
    __builtin_prefetch(p + CACHE_LINE);
    __builtin_prefetch(p + 2 * CACHE_LINE);
    __builtin_prefetch(p + 3 * CACHE_LINE);
}

_Static_assert(sizeof(chunk) == 4 * CACHE_LINE, "chunk_prefetch loads four lines");

/* --- buckets --- */

/* The level of a key: the digit holding the highest bit in which its time differs
 * from base. "| 1" puts a time equal to base in level 0 with its neighbours. The
 * table is the division by 6, which costs more than a load in the hottest loop. */
static unsigned level_of(vs_time_t t, vs_time_t base)
{
    static const unsigned char level_of_bit[64] = {
        0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,  2,  3,  3,  3, 3,
        3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6,  6,  6,  6,  7, 7,
        7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10,
    };

    return level_of_bit[63 - __builtin_clzll((t ^ base) | 1)];
}

static unsigned digit_of(vs_time_t t, unsigned level)
{
    return (unsigned)(t >> (level * DIGIT_BITS)) & (DIGITS - 1);
}

/* The least time bucket (level, digit) can hold, given base. */
static vs_time_t bucket_floor(vs_time_t base, unsigned level, unsigned digit)
{
    unsigned above = (level + 1) * DIGIT_BITS;
    vs_time_t high = above >= 64 ? 0 : base >> above << above;

    return high | (vs_time_t)digit << (level * DIGIT_BITS);
}

/* Events in chunk c of bucket b: from pos in the head, up to fill in the tail. */
static unsigned chunk_begin(const bucket *b, uint32_t c)
{
    return c == b->head ? b->pos : 0;
}

static unsigned chunk_end(const bucket *b, uint32_t c)
{
    return c == b->tail ? b->fill : CHUNK_EVENTS;
}

static void bucket_mark(vs_engine *eng, unsigned level, unsigned digit)
{
    eng->occupied[level] |= (uint64_t)1 << digit;
    eng->levels |= 1u << level;
}

static void bucket_unmark(vs_engine *eng, unsigned level, unsigned digit)
{
    eng->occupied[level] &= ~((uint64_t)1 << digit);
    if (eng->occupied[level] == 0)
        eng->levels &= ~(1u << level);
}

static void chunks_release_from(vs_engine *eng, uint32_t c)
{
    while (c != NONE) {
        uint32_t next = eng->chunks[c].next;
        chunk_release(eng, c);
        c = next;
    }
}

/* Needs a spare chunk (chunks_reserve) whenever the tail is full or absent. */
/* The rare turns of an append, out of line so that the common one stays small. */
/* An empty bucket takes its first event. */
static __attribute__((noinline)) void bucket_open(vs_engine *eng, unsigned level, unsigned digit,
                                                  const event *e)
{
    bucket *b = &eng->buckets[level * DIGITS + digit];

    b->head = b->tail = chunk_take(eng);
    b->pos = 0;
    b->fill = 1;
    b->min = b->max = e->time;
    eng->chunks[b->tail].ev[0] = *e;
    bucket_mark(eng, level, digit);
}

static __attribute__((noinline)) void bucket_extend(vs_engine *eng, bucket *b)
{
    uint32_t c = chunk_take(eng);

    eng->chunks[b->tail].next = c;
    b->tail = c;
    b->fill = 0;
}

/* Appends to a bucket whose tail chunk has room. */
static inline __attribute__((always_inline)) void bucket_put(vs_engine *eng, bucket *b,
                                                             const event *e)
{
    b->min = e->time < b->min ? e->time : b->min;
    b->max = e->time > b->max ? e->time : b->max;
    eng->chunks[b->tail].ev[b->fill++] = *e;
}

static inline __attribute__((always_inline)) void bucket_append(vs_engine *eng, unsigned level,
                                                                unsigned digit, const event *e)
{
    bucket *b = &eng->buckets[level * DIGITS + digit];

    if (__builtin_expect(b->tail == NONE, 0)) {
        bucket_open(eng, level, digit, e);
        return;
    }
    if (__builtin_expect(b->fill == CHUNK_EVENTS, 0))
        bucket_extend(eng, b);
    bucket_put(eng, b, e);
}

static inline __attribute__((always_inline)) void queue_push(vs_engine *eng, const event *e)
{
    unsigned level = level_of(e->time, eng->base);

    bucket_append(eng, level, digit_of(e->time, level), e);
}

static const event *bucket_front(const vs_engine *eng, const bucket *b)
{
    return &eng->chunks[b->head].ev[b->pos];
}

/* On to the next event; on entering a chunk, the one after it starts loading. */
static void bucket_pop_front(vs_engine *eng, unsigned index)
{
    bucket *b = &eng->buckets[index];
    uint32_t h = b->head;

    b->pos++;
    if (h == b->tail) {
        if (b->pos == b->fill) { /* emptied: most buckets popped from hold one key */
            chunk_release(eng, h);
            *b = BUCKET_EMPTY;
            bucket_unmark(eng, index / DIGITS, index % DIGITS);
        }
    } else if (b->pos == CHUNK_EVENTS) {
        b->head = eng->chunks[h].next;
        b->pos = 0;
        chunk_release(eng, h);
        if (b->head != b->tail) { /* the next chunk began loading a chunk ago */
            uint32_t next = eng->chunks[b->head].next;
            chunk_prefetch(eng, next);
            if (next != b->tail) /* and the one after it starts now: two chunks ahead */
                chunk_prefetch(eng, eng->chunks[next].next);
        }
    }
}

/* How many buckets the keys of bucket b go to when spread from `from`. */
static size_t spread_targets(const vs_engine *eng, const bucket *b, vs_time_t from)
{
    uint64_t hit[LEVELS] = {0};
    size_t n = 0;

    for (uint32_t c = b->head; c != NONE; c = eng->chunks[c].next) {
        const chunk *ch = &eng->chunks[c];
        for (unsigned i = chunk_begin(b, c); i < chunk_end(b, c); i++) {
            vs_time_t t = ch->ev[i].time;
            unsigned level = level_of(t, from);
            hit[level] |= (uint64_t)1 << digit_of(t, level);
        }
    }
    for (unsigned level = 0; level < LEVELS; level++)
        n += (size_t)__builtin_popcountll(hit[level]);
    return n;
}

/* Enough spare chunks to spread bucket (level, digit) from `from`: each bucket it
 * spreads to may take one chunk more than it fills, and there are at most 64 per lower
 * level. A big queue has that many spare. A small one takes the bucket's key count as
 * the bound if it has one chunk, else counts the targets, rather than grow past its
 * memory budget. */
static int spread_reserve(vs_engine *eng, unsigned level, unsigned digit, vs_time_t from)
{
    const bucket *b = &eng->buckets[level * DIGITS + digit];

    if (eng->chunk_spare > (size_t)DIGITS * level)
        return 0;
    if (b->head == b->tail)
        return chunks_reserve(eng, (size_t)(b->fill - b->pos) + 1);
    return chunks_reserve(eng, spread_targets(eng, b, from) + 1);
}

/* Moves the events of the detached bucket b to their buckets relative to the current
 * base, in order, giving its chunks back as they are read (the targets take them again
 * at once, while they are in cache). A cancellable event that lands in level 0 runs
 * soon: its record is fetched now, while the spread goes on. */
static void spread_keys(vs_engine *eng, bucket b)
{
    for (uint32_t c = b.head; c != NONE;) {
        const chunk *ch = &eng->chunks[c];
        uint32_t next = eng->chunks[c].next;
        if (next != NONE) /* the next chunk is anywhere: start loading it now */
            chunk_prefetch(eng, next);
        unsigned end = chunk_end(&b, c);
        for (unsigned i = chunk_begin(&b, c); i < end; i++) {
            const event *e = &ch->ev[i];
            unsigned to = level_of(e->time, eng->base);
            if (to == 0 && e->fn == NULL)
                __builtin_prefetch(&eng->pool[e->arg]);
            bucket_append(eng, to, digit_of(e->time, to), e);
        }
        chunk_release(eng, c);
        c = next;
    }
}

/* Spreads the first bucket, (level, digit), which is above level 0, from its least
 * time, which becomes the base: every key of the bucket belongs to a lower level, as
 * low as it can. The lower levels are empty, as this is the first bucket, so each
 * target keeps the order of this one. Later buckets keep their place: relative to the
 * new base their keys still differ first in the same digit.
 *
 * When every time in the bucket is one (a model in lockstep: thousands of hosts doing
 * the same thing at the same moment), they all go to one level-0 bucket, empty: the
 * bucket moves there whole, in O(1), instead of event by event. */
static void bucket_spread(vs_engine *eng, unsigned level, unsigned digit)
{
    bucket b = eng->buckets[level * DIGITS + digit];

    eng->buckets[level * DIGITS + digit] = BUCKET_EMPTY;
    bucket_unmark(eng, level, digit);
    eng->base = b.min;
    if (b.min == b.max) {
        unsigned to = digit_of(b.min, 0);
        eng->buckets[to] = b;
        bucket_mark(eng, 0, to);
        return;
    }
    spread_keys(eng, b);
}

/* Brings the earliest key to the front of a bucket (one of level 0, or a lone key) if
 * its time is due by `until`, spreading buckets as needed, and returns the bucket's
 * index; -1 when nothing is due,
 * or when a spread found no memory (then the run stops, the queue intact). The base
 * only moves to a time <= until, so it does not pass the clock when the run ends with
 * events pending. */
static int queue_settle(vs_engine *eng, vs_time_t until)
{
    while (eng->levels != 0) {
        unsigned level = (unsigned)__builtin_ctz(eng->levels);
        unsigned digit = (unsigned)__builtin_ctzll(eng->occupied[level]);
        if (level == 0)
            return bucket_floor(eng->base, 0, digit) > until ? -1 : (int)digit;
        /* A lone key needs no spread: it is the least, so it becomes the base and runs
         * from where it is. A sparse queue (gaps wider than level 0) pops mostly so. */
        const bucket *b = &eng->buckets[level * DIGITS + digit];
        if (b->min > until)
            return -1;
        if (b->head == b->tail && b->fill - b->pos == 1) {
            vs_time_t t = bucket_front(eng, b)->time; /* min may be a compacted key's */
            if (t > until)
                return -1;
            eng->base = t;
            return (int)(level * DIGITS + digit);
        }
        if (b->min != b->max && spread_reserve(eng, level, digit, b->min) != 0) {
            eng->stop = eng->oom = true;
            return -1;
        }
        bucket_spread(eng, level, digit);
    }
    return -1;
}

/* For a schedule before the base, which happens only when a run left the base ahead
 * of the clock (its queue ran dry of live events but held cancelled ones, or it ran
 * out of memory): every key is placed again relative to the earlier base. Equal times
 * share a bucket, and each is spread in order, so their order holds. O(keys). */
static int queue_rebase(vs_engine *eng, vs_time_t base)
{
    size_t targets = eng->keys < NBUCKETS ? eng->keys : NBUCKETS;

    if (chunks_reserve(eng, targets + 1) != 0)
        return -1;
    bucket old[NBUCKETS];
    memcpy(old, eng->buckets, sizeof old);
    for (size_t i = 0; i < NBUCKETS; i++)
        eng->buckets[i] = BUCKET_EMPTY;
    memset(eng->occupied, 0, sizeof eng->occupied);
    eng->levels = 0;
    eng->base = base;
    for (size_t i = 0; i < NBUCKETS; i++)
        spread_keys(eng, old[i]);
    return 0;
}

/* --- cancelled keys --- */

/* Drops the cancelled keys of one bucket, keeping the order of the others. */
static void bucket_compact(vs_engine *eng, unsigned level, unsigned digit)
{
    bucket *b = &eng->buckets[level * DIGITS + digit];
    uint32_t wc = b->head;
    unsigned wi = b->pos;
    size_t kept = 0;

    for (uint32_t c = b->head; c != NONE; c = eng->chunks[c].next) {
        unsigned end = chunk_end(b, c);
        for (unsigned i = chunk_begin(b, c); i < end; i++) {
            event e = eng->chunks[c].ev[i];
            if (event_is_dead(eng, &e)) {
                slot_release(eng, (uint32_t)e.arg);
                continue;
            }
            if (wi == CHUNK_EVENTS) { /* the writer never passes the reader */
                wc = eng->chunks[wc].next;
                wi = 0;
            }
            eng->chunks[wc].ev[wi++] = e;
            kept++;
        }
    }
    if (kept == 0) {
        chunks_release_from(eng, b->head);
        *b = BUCKET_EMPTY;
        bucket_unmark(eng, level, digit);
        return;
    }
    uint32_t rest = eng->chunks[wc].next;
    eng->chunks[wc].next = NONE;
    b->tail = wc;
    b->fill = (uint16_t)wi;
    chunks_release_from(eng, rest);
}

/* Drops every cancelled key: O(keys), run when they outnumber the live ones. */
static void engine_compact(vs_engine *eng)
{
    for (unsigned level = 0; level < LEVELS; level++) {
        for (uint64_t occ = eng->occupied[level]; occ != 0; occ &= occ - 1)
            bucket_compact(eng, level, (unsigned)__builtin_ctzll(occ));
    }
    eng->keys -= eng->dead;
    eng->dead = 0;
}

/* The least live time in a bucket, VS_TIME_MAX if all its keys are cancelled. */
static vs_time_t bucket_min_live(const vs_engine *eng, const bucket *b)
{
    vs_time_t min = VS_TIME_MAX;
    bool found = false;

    for (uint32_t c = b->head; c != NONE; c = eng->chunks[c].next) {
        const chunk *ch = &eng->chunks[c];
        for (unsigned i = chunk_begin(b, c); i < chunk_end(b, c); i++) {
            const event *e = &ch->ev[i];
            if (!event_is_dead(eng, e) && (!found || e->time < min)) {
                min = e->time;
                found = true;
            }
        }
    }
    return min;
}

/* --- the public API --- */

vs_engine *vs_engine_new(size_t capacity_hint)
{
    vs_engine *eng = calloc(1, sizeof *eng);

    if (eng == NULL)
        return NULL;
    for (size_t i = 0; i < NBUCKETS; i++)
        eng->buckets[i] = BUCKET_EMPTY;
    eng->free_head = NONE;
    eng->chunk_free = NONE;
    if (capacity_hint < MIN_CAPACITY)
        capacity_hint = MIN_CAPACITY;
    /* Full chunks for the hint, plus a sixteenth for the part-full last chunks. The pool
     * starts small: it holds only the cancellable events. */
    size_t nchunks = capacity_hint / CHUNK_EVENTS + capacity_hint / (16 * CHUNK_EVENTS) + 8;
    if (pool_reserve(eng, MIN_CAPACITY) != 0 || chunks_grow(eng, nchunks) != 0) {
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
    free(eng->chunks);
    free(eng);
}

vs_time_t vs_engine_now(const vs_engine *eng)
{
    return eng->now;
}

static vs_time_t time_after(const vs_engine *eng, vs_time_t delay)
{
    return delay > VS_TIME_MAX - eng->now ? VS_TIME_MAX : eng->now + delay;
}

/* No memory for a schedule: the run stops after the handler that asked (its caller
 * may not look at the result), and says so (vs_engine_out_of_memory). */
static bool schedule_failed(vs_engine *eng)
{
    eng->stop = eng->oom = true;
    return false;
}

/* Room for one more key at *when (clamped to now), the queue rebased below it if a run
 * left the base ahead; false, and the engine unchanged but for the flag, if none. */
static inline __attribute__((always_inline)) bool queue_make_room(vs_engine *eng, vs_time_t *when)
{
    if (chunks_reserve(eng, 1) != 0)
        return schedule_failed(eng);
    if (*when < eng->now)
        *when = eng->now;
    if (*when < eng->base && queue_rebase(eng, eng->now) != 0)
        return schedule_failed(eng);
    return true;
}

/* Everything a post may need: room, a rebase, a new bucket or chunk. */
static __attribute__((noinline)) bool post_slow(vs_engine *eng, vs_time_t when, vs_event_fn fn,
                                                void *ctx, uint64_t arg)
{
    if (fn == NULL || !queue_make_room(eng, &when))
        return false;
    queue_push(eng, &(event){when, fn, ctx, arg});
    eng->keys++;
    return true;
}

/* Most posts append to a bucket that has room in its tail chunk: that path calls
 * nothing, so it saves no registers; any other goes the whole way (post_slow). */
bool vs_engine_post_at(vs_engine *eng, vs_time_t when, vs_event_fn fn, void *ctx, uint64_t arg)
{
    if (fn == NULL || when < eng->now || when < eng->base)
        return post_slow(eng, when, fn, ctx, arg);
    unsigned level = level_of(when, eng->base);
    bucket *b = &eng->buckets[level * DIGITS + digit_of(when, level)];
    if (b->tail == NONE || b->fill == CHUNK_EVENTS)
        return post_slow(eng, when, fn, ctx, arg);
    bucket_put(eng, b, &(event){when, fn, ctx, arg});
    eng->keys++;
    return true;
}

bool vs_engine_post(vs_engine *eng, vs_time_t delay, vs_event_fn fn, void *ctx, uint64_t arg)
{
    return vs_engine_post_at(eng, time_after(eng, delay), fn, ctx, arg);
}

vs_event_id vs_engine_schedule_at(vs_engine *eng, vs_time_t when, vs_event_fn fn, void *ctx,
                                  uint64_t arg)
{
    if (fn == NULL)
        return 0;
    if (pool_make_room(eng) != 0)
        return schedule_failed(eng);
    if (!queue_make_room(eng, &when))
        return 0;

    uint32_t slot = slot_take(eng);
    event_rec *r = &eng->pool[slot];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    queue_push(eng, &(event){when, NULL, NULL, slot});
    eng->keys++;
    return id_make(r->gen, slot);
}

vs_event_id vs_engine_schedule(vs_engine *eng, vs_time_t delay, vs_event_fn fn, void *ctx,
                               uint64_t arg)
{
    return vs_engine_schedule_at(eng, time_after(eng, delay), fn, ctx, arg);
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
    if (eng->dead >= COMPACT_MIN_DEAD && eng->dead > eng->keys - eng->dead)
        engine_compact(eng);
    return true;
}

bool vs_engine_prefetch_for(vs_engine *eng, vs_event_fn fn, vs_prefetch_fn prefetch)
{
    if (fn == NULL || prefetch == NULL || eng->nprefetchers == VS_ENGINE_PREFETCHERS)
        return false;
    eng->prefetchers[eng->nprefetchers].fn = fn;
    eng->prefetchers[eng->nprefetchers++].prefetch = prefetch;
    return true;
}

/* Below this many pending events what their handlers read is still in cache (at 1,000
 * hosts a drain keeps a few thousand), and looking ahead would cost ~80 instructions a
 * callout for nothing (issue 19's part 4 counts them, at 50 hosts). */
#define PREFETCH_MIN_KEYS 4096
/* How far ahead of the front the two stages of prefetch_handler_data look. */
#define AHEAD_OBJECTS 6 /* ctx and arg */
#define AHEAD_MODEL 3   /* the handler's prefetcher, reading the objects loaded above */
_Static_assert(AHEAD_OBJECTS < CHUNK_EVENTS, "event_ahead looks one chunk further at most");

/* The event d places after the front of bucket b, or NULL past the bucket's end. The
 * next chunk, if it is looked into, started loading a chunk ago (bucket_pop_front). */
static inline const event *event_ahead(const vs_engine *eng, const bucket *b, unsigned d)
{
    uint32_t c = b->head;
    unsigned i = b->pos + d;

    if (i >= CHUNK_EVENTS) {
        if (c == b->tail)
            return NULL;
        c = eng->chunks[c].next;
        i -= CHUNK_EVENTS;
    }
    return i < chunk_end(b, c) ? &eng->chunks[c].ev[i] : NULL; /* past the fill: stale */
}

/* What the coming handlers read starts loading now, in two stages: at 100,000 hosts a
 * handler's objects (a migration last touched a step ago, after all the others) are in
 * no cache. The event AHEAD_OBJECTS places on has its ctx and arg prefetched, as models
 * pass their object in either (a prefetch is only a hint and never faults, whatever arg
 * holds); the event AHEAD_MODEL places on, whose objects those were, has its handler's
 * prefetcher called, which reads them for the addresses of the rest. Only for a model
 * that names prefetchers: a bare engine's args may all be numbers (PHOLD's processes),
 * and a prefetch of an address nothing maps still walks the page tables (PHOLD at 1 M
 * pending: 2.6-3.1 s without the look-ahead, 3.2-4.9 s with it, interleaved). With a
 * model's mix every event's pays: prefetching only the named handlers' args, the
 * 100,000-host drain took 8.27 / 9.84 s (least / median of three, interleaved) against
 * 7.14 / 7.16 s. */
VS_PREFETCH_FN prefetch_handler_data(const vs_engine *eng, const bucket *b)
{
    const event *far = event_ahead(eng, b, AHEAD_OBJECTS);
    if (far) {
        __builtin_prefetch(far->ctx);
        __builtin_prefetch((const void *)(uintptr_t)far->arg);
    }
    const event *near = event_ahead(eng, b, AHEAD_MODEL);
    if (near == NULL)
        return;
    for (unsigned i = 0; i < eng->nprefetchers; i++) {
        if (near->fn == eng->prefetchers[i].fn) {
            eng->prefetchers[i].prefetch(near->ctx, near->arg);
            return;
        }
    }
}

/* Pops the front event of bucket `index`, the earliest, and runs it, unless it was
 * cancelled. A cancellable event's record goes back to the pool before the handler
 * runs, so the handler's own schedule reuses a slot that is already in cache. */
static void engine_dispatch(vs_engine *eng, unsigned index)
{
    event e = *bucket_front(eng, &eng->buckets[index]);

    if (eng->keys > PREFETCH_MIN_KEYS && eng->nprefetchers > 0)
        prefetch_handler_data(eng, &eng->buckets[index]);

    bucket_pop_front(eng, index);
    eng->keys--;
    if (e.fn == NULL) {
        uint32_t slot = (uint32_t)e.arg;
        event_rec *r = &eng->pool[slot];
        e.fn = r->fn;
        e.ctx = r->ctx;
        e.arg = r->arg;
        if (e.fn == NULL) { /* cancelled: its generation moved on already */
            eng->dead--;
            slot_release(eng, slot);
            return;
        }
        r->gen++;
        slot_release(eng, slot);
    }
    eng->now = e.time;
    eng->events_run++;
    e.fn(eng, e.ctx, e.arg);
}

uint64_t vs_engine_run(vs_engine *eng, vs_time_t until)
{
    uint64_t before = eng->events_run;

    if (eng->running)
        return 0; /* a handler cannot run the engine it is running in */
    eng->running = true;
    eng->stop = false;
    while (!eng->stop) {
        /* A bucket of level 0 is the first there is, when there is one: most events run
         * from one, and need nothing else of queue_settle's. */
        int index;
        if (eng->occupied[0] != 0) {
            unsigned digit = (unsigned)__builtin_ctzll(eng->occupied[0]);
            if (bucket_floor(eng->base, 0, digit) > until)
                break;
            index = (int)digit;
        } else if ((index = queue_settle(eng, until)) < 0) {
            break;
        }
        engine_dispatch(eng, (unsigned)index);
    }
    /* Never move the clock backwards, and leave it at the last event when stopped
     * early or when the queue ran dry. */
    if (vs_engine_pending(eng) > 0 && !eng->stop && until != VS_TIME_MAX && until > eng->now)
        eng->now = until;
    eng->running = false;
    eng->stop = false;
    return eng->events_run - before;
}

void vs_engine_stop(vs_engine *eng)
{
    eng->stop = true;
}

bool vs_engine_out_of_memory(const vs_engine *eng)
{
    return eng->oom;
}

size_t vs_engine_pending(const vs_engine *eng)
{
    return eng->keys - eng->dead;
}

uint64_t vs_engine_events_run(const vs_engine *eng)
{
    return eng->events_run;
}

/* Buckets come in time order, so the first with a live key has the answer. This
 * scans a bucket, and is for tests and reports, not for every event. */
vs_time_t vs_engine_next_time(const vs_engine *eng)
{
    for (unsigned level = 0; level < LEVELS; level++) {
        for (uint64_t occ = eng->occupied[level]; occ != 0; occ &= occ - 1) {
            unsigned digit = (unsigned)__builtin_ctzll(occ);
            vs_time_t t = bucket_min_live(eng, &eng->buckets[level * DIGITS + digit]);
            if (t != VS_TIME_MAX) /* one at VS_TIME_MAX gives the same answer */
                return t;
        }
    }
    return VS_TIME_MAX;
}

size_t vs_engine_memory_bytes(const vs_engine *eng)
{
    return sizeof *eng + eng->chunk_cap * sizeof(chunk) + eng->cap * sizeof(event_rec);
}
