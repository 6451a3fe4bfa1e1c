/*
 * engine.c: the discrete-event engine. Pending events are 12-byte keys (time, pool
 * slot) in a radix heap; each key names a record (handler, context, argument) in a pool
 * reused through a free list, so steady-state scheduling never calls malloc.
 *
 * Why a radix heap. The engine never schedules before now, so its queue is monotone:
 * no key is ever added below the last one taken out. A radix heap uses that. Keys sit
 * in buckets by the highest 6-bit digit in which their time differs from `base` (a
 * time never above now): bucket (L, d) holds the times that agree with base above
 * digit L and have digit d there. Buckets in (level, digit) order cover increasing,
 * disjoint ranges of time, so the next event is in the first non-empty bucket, found
 * with two bit scans. A level-0 bucket holds a single time and is popped from the
 * front as it stands; so is a lone key at any level. A longer bucket of a higher level
 * is spread when it comes first: base moves up to it and each of its keys moves down
 * to a lower level. A key moves at most once per level (11 levels cover 64 bits) and
 * in practice two or three times: at PHOLD's density a key 2^20 ns ahead starts at
 * level 3, and a bucket of each level below holds ~64 times fewer keys.
 *
 * A move is a sequential read and an append, not a random access: buckets are lists
 * of 64-byte chunks of five keys (free chunks reused last-in first-out, while still in
 * cache), so the queue streams through memory where the 4-ary heap it replaces (16-byte
 * keys, a 16 MiB array at a million pending) took a cache miss per level on every pop.
 * Keys that land in level 0 are about to run, so their records are prefetched right
 * then, which hides the pool's random accesses as well. A bucket wastes at most its
 * last chunk; 64-byte chunks keep that within budget at a thousand pending, and cost
 * 3% more instructions than 128-byte ones at a million.
 *
 * Equal times run in schedule order with no sequence numbers: a bucket only grows by
 * appends of new events (which come after every pending one) or by a spread into empty
 * buckets, which keeps the order it reads. So the keys of one time, which always share
 * a bucket, stay in schedule order; and the order is exactly the heap's, which
 * compared (time, schedule number).
 *
 * Measured with bench/phold.c (ROSS parameters), the heap -> this, median of 5 runs
 * interleaved with the heap's on the shared 2-core VM (load average 2-3), M events/s:
 * 1,024 pending 14.3 -> 13.1 and 14.5 -> 13.8 (two sessions; best runs 19.2 -> 17.6);
 * 65,536: 4.7 -> 4.5; 1,048,576: 2.3 -> 3.5 and 2.7 -> 5.1; 16,777,216: 0.89 -> 1.46.
 * Callgrind, instructions per event of the run loop (the model's included): 1,024
 * pending 529 -> 557, 1,048,576 pending 762 -> 506, with 2.5 times fewer L1 misses.
 * Memory: 46.4 bytes per pending event from 65,536 on (48 before), 63.5 at 1,024,
 * where the 8 KiB of bucket heads and the part-full chunks weigh most.
 *
 * Cancellation is lazy: it clears the record's handler and leaves the key in its
 * bucket, to be dropped when it comes first, or by a compaction once cancelled keys
 * outnumber live ones (bounding memory when timers are re-armed in a steady state).
 */
#include "engine.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#define DIGIT_BITS 6
#define DIGITS (1u << DIGIT_BITS) /* buckets per level: one uint64_t bitmap each */
#define LEVELS 11                 /* 6-bit digits of a 64-bit time */
#define NBUCKETS (LEVELS * DIGITS)
#define NONE UINT32_MAX
#define KEY_BYTES 12 /* time, slot: packed, as twelve bytes move faster than sixteen */
#define CHUNK_BYTES 64
#define CHUNK_KEYS ((CHUNK_BYTES - 4) / KEY_BYTES) /* five, after the link */
#define MAX_SLOTS ((size_t)1 << 31)
#define MAX_CHUNKS ((size_t)UINT32_MAX)
#define MIN_CAPACITY 64
#define COMPACT_MIN_DEAD 1024
#define CACHE_LINE 64
/* Arrays of megabytes are touched all over: huge pages there remove most TLB misses. */
#define HUGE_PAGE ((size_t)2 << 20)

typedef struct event_rec {
    vs_event_fn fn; /* NULL while free or cancelled */
    void *ctx;
    uint64_t arg;
    uint32_t gen;       /* bumped when an id stops being valid: fired or cancelled.
                           An id kept across 2^32 reuses of one record would alias. */
    uint32_t next_free; /* free-list link while free */
} event_rec;

/* The link comes first, so key i starts at byte 4 + 12 i: none straddles a line. */
typedef struct chunk {
    uint32_t next; /* next chunk of the bucket or of the free list; NONE at the end */
    unsigned char keys[CHUNK_BYTES - 4]; /* CHUNK_KEYS keys, then any bytes left */
} chunk;

_Static_assert(sizeof(chunk) == CHUNK_BYTES, "chunks tile cache lines");

typedef struct bucket {
    uint32_t head, tail; /* chunk ids, NONE when empty */
    uint16_t pos;        /* keys already popped from the head chunk */
    uint16_t fill;       /* keys in the tail chunk */
} bucket;

typedef struct qkey {
    vs_time_t time;
    uint32_t slot;
} qkey;

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
};

/* --- allocation --- */

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

/* Moves `used` elements of `size` bytes to a new array of `ncap`. */
static void *array_grow(void *old, size_t used, size_t ncap, size_t size)
{
    void *p = array_alloc(ncap * size);

    if (p == NULL)
        return NULL;
    if (used > 0)
        memcpy(p, old, used * size);
    free(old);
    return p;
}

/* --- the record pool --- */

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
    size_t ncap = eng->cap * 2 > MAX_SLOTS ? MAX_SLOTS : eng->cap * 2;
    return ncap > eng->cap ? pool_reserve(eng, ncap) : -1;
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

/* At least `need` chunks free. Growing by an eighth, not double, keeps the slack
 * within the 64-bytes-per-event budget. On failure the engine is unchanged. */
static int chunks_reserve(vs_engine *eng, size_t need)
{
    if (eng->chunk_spare >= need)
        return 0;
    size_t ncap = eng->chunk_cap + eng->chunk_cap / 8 + need;
    return chunks_grow(eng, ncap > MAX_CHUNKS ? MAX_CHUNKS : ncap);
}

static uint32_t chunk_take(vs_engine *eng)
{
    uint32_t c = eng->chunk_free;

    if (c != NONE)
        eng->chunk_free = eng->chunks[c].next;
    else
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

/* --- keys: packed into chunks with memcpy, which compiles to plain moves --- */

static vs_time_t key_time_at(const chunk *c, unsigned i)
{
    vs_time_t t;

    memcpy(&t, c->keys + i * KEY_BYTES, sizeof t);
    return t;
}

static qkey key_load(const chunk *c, unsigned i)
{
    qkey k;

    memcpy(&k.time, c->keys + i * KEY_BYTES, sizeof k.time);
    memcpy(&k.slot, c->keys + i * KEY_BYTES + sizeof k.time, sizeof k.slot);
    return k;
}

static void key_store(chunk *c, unsigned i, qkey k)
{
    memcpy(c->keys + i * KEY_BYTES, &k.time, sizeof k.time);
    memcpy(c->keys + i * KEY_BYTES + sizeof k.time, &k.slot, sizeof k.slot);
}

static vs_event_id id_make(uint32_t gen, uint32_t slot)
{
    return (uint64_t)gen << 32 | ((uint64_t)slot + 1);
}

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

/* Keys in chunk c of bucket b: from pos in the head, up to fill in the tail. */
static unsigned chunk_begin(const bucket *b, uint32_t c)
{
    return c == b->head ? b->pos : 0;
}

static unsigned chunk_end(const bucket *b, uint32_t c)
{
    return c == b->tail ? b->fill : CHUNK_KEYS;
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

/* Empties the bucket, giving back its chunks from `from` on. */
static void bucket_clear(vs_engine *eng, unsigned level, unsigned digit, uint32_t from)
{
    bucket *b = &eng->buckets[level * DIGITS + digit];

    for (uint32_t c = from; c != NONE;) {
        uint32_t next = eng->chunks[c].next;
        chunk_release(eng, c);
        c = next;
    }
    *b = (bucket){NONE, NONE, 0, 0};
    bucket_unmark(eng, level, digit);
}

/* Needs a spare chunk (chunks_reserve) whenever the tail is full or absent. */
static inline __attribute__((always_inline)) void bucket_append(vs_engine *eng, unsigned level,
                                                                unsigned digit, qkey k)
{
    bucket *b = &eng->buckets[level * DIGITS + digit];

    if (b->tail == NONE) {
        b->head = b->tail = chunk_take(eng);
        b->pos = b->fill = 0;
        bucket_mark(eng, level, digit);
    } else if (b->fill == CHUNK_KEYS) {
        uint32_t c = chunk_take(eng);
        eng->chunks[b->tail].next = c;
        b->tail = c;
        b->fill = 0;
    }
    key_store(&eng->chunks[b->tail], b->fill++, k);
}

static void queue_push(vs_engine *eng, qkey k)
{
    unsigned level = level_of(k.time, eng->base);

    bucket_append(eng, level, digit_of(k.time, level), k);
}

static qkey bucket_front(const vs_engine *eng, const bucket *b)
{
    return key_load(&eng->chunks[b->head], b->pos);
}

static void bucket_pop_front(vs_engine *eng, unsigned index)
{
    bucket *b = &eng->buckets[index];
    uint32_t h = b->head;

    b->pos++;
    if (h == b->tail) {
        if (b->pos == b->fill) { /* emptied: most buckets popped from hold one key */
            chunk_release(eng, h);
            *b = (bucket){NONE, NONE, 0, 0};
            bucket_unmark(eng, index / DIGITS, index % DIGITS);
        }
    } else if (b->pos == CHUNK_KEYS) {
        b->head = eng->chunks[h].next;
        b->pos = 0;
        chunk_release(eng, h);
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
            vs_time_t t = key_time_at(ch, i);
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

/* Moves the keys of the detached bucket b to their buckets relative to the current
 * base, in order, giving its chunks back as they are read (the targets take them again
 * at once, while they are in cache). Keys that land in level 0 run soon: their records
 * are fetched now, while the spread goes on. */
static void spread_keys(vs_engine *eng, bucket b)
{
    for (uint32_t c = b.head; c != NONE;) {
        const chunk *ch = &eng->chunks[c];
        uint32_t next = ch->next;
        if (next != NONE) { /* the next chunk is anywhere: start loading it now */
            for (size_t off = 0; off < CHUNK_BYTES; off += CACHE_LINE)
                __builtin_prefetch((const char *)&eng->chunks[next] + off);
        }
        unsigned end = chunk_end(&b, c);
        for (unsigned i = chunk_begin(&b, c); i < end; i++) {
            qkey k = key_load(ch, i);
            unsigned to = level_of(k.time, eng->base);
            if (to == 0)
                __builtin_prefetch(&eng->pool[k.slot]);
            bucket_append(eng, to, digit_of(k.time, to), k);
        }
        chunk_release(eng, c);
        c = next;
    }
}

/* The least time in a bucket of one chunk. Cancelled keys count too: that needs no
 * pool access, and only makes a spread start a little early. */
static vs_time_t bucket_min(const vs_engine *eng, const bucket *b)
{
    const chunk *ch = &eng->chunks[b->head];
    vs_time_t min = VS_TIME_MAX;

    for (unsigned i = b->pos; i < b->fill; i++) {
        vs_time_t t = key_time_at(ch, i);
        min = t < min ? t : min;
    }
    return min;
}

/* Spreads the first bucket, (level, digit), which is above level 0, from `from`: its
 * least time or its floor. That becomes the base, so every key of the bucket belongs
 * to a lower level. The lower levels are empty, as this is the first bucket, so each
 * target keeps the order of this one. Later buckets keep their place: relative to the
 * new base their keys still differ first in the same digit. */
static void bucket_spread(vs_engine *eng, unsigned level, unsigned digit, vs_time_t from)
{
    bucket b = eng->buckets[level * DIGITS + digit];

    eng->buckets[level * DIGITS + digit] = (bucket){NONE, NONE, 0, 0};
    bucket_unmark(eng, level, digit);
    eng->base = from;
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
        if (bucket_floor(eng->base, level, digit) > until)
            return -1;
        if (level == 0)
            return (int)digit;
        /* A lone key needs no spread: it is the least, so it becomes the base and runs
         * from where it is. A sparse queue (gaps wider than level 0) pops mostly so. */
        const bucket *b = &eng->buckets[level * DIGITS + digit];
        if (b->head == b->tail && b->fill - b->pos == 1) {
            vs_time_t t = bucket_front(eng, b).time;
            if (t > until)
                return -1;
            eng->base = t;
            return (int)(level * DIGITS + digit);
        }
        /* A bucket of one chunk is spread from its least time, which sends keys to
         * the lowest levels; a longer one from its floor, which saves reading it
         * twice (it may be megabytes) and moves hardly more keys. */
        vs_time_t from = b->head == b->tail ? bucket_min(eng, b)
                                            : bucket_floor(eng->base, level, digit);
        if (from > until)
            return -1;
        if (spread_reserve(eng, level, digit, from) != 0) {
            eng->stop = eng->oom = true;
            return -1;
        }
        bucket_spread(eng, level, digit, from);
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
        eng->buckets[i] = (bucket){NONE, NONE, 0, 0};
    memset(eng->occupied, 0, sizeof eng->occupied);
    eng->levels = 0;
    eng->base = base;
    for (size_t i = 0; i < NBUCKETS; i++)
        spread_keys(eng, old[i]);
    return 0;
}

/* --- cancelled keys --- */

static bool slot_is_dead(const vs_engine *eng, uint32_t slot)
{
    return eng->pool[slot].fn == NULL;
}

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
            qkey k = key_load(&eng->chunks[c], i);
            if (slot_is_dead(eng, k.slot)) {
                slot_release(eng, k.slot);
                continue;
            }
            if (wi == CHUNK_KEYS) { /* the writer never passes the reader */
                wc = eng->chunks[wc].next;
                wi = 0;
            }
            key_store(&eng->chunks[wc], wi++, k);
            kept++;
        }
    }
    if (kept == 0) {
        bucket_clear(eng, level, digit, b->head);
        return;
    }
    uint32_t rest = eng->chunks[wc].next;
    eng->chunks[wc].next = NONE;
    b->tail = wc;
    b->fill = (uint16_t)wi;
    for (uint32_t c = rest; c != NONE;) {
        uint32_t next = eng->chunks[c].next;
        chunk_release(eng, c);
        c = next;
    }
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
            qkey k = key_load(ch, i);
            if (!slot_is_dead(eng, k.slot) && (!found || k.time < min)) {
                min = k.time;
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
        eng->buckets[i] = (bucket){NONE, NONE, 0, 0};
    eng->free_head = NONE;
    eng->chunk_free = NONE;
    if (capacity_hint < MIN_CAPACITY)
        capacity_hint = MIN_CAPACITY;
    /* Full chunks for the hint, plus an eighth for the part-full last chunks. */
    size_t nchunks = capacity_hint / CHUNK_KEYS + capacity_hint / (8 * CHUNK_KEYS) + 8;
    if (pool_reserve(eng, capacity_hint) != 0 || chunks_grow(eng, nchunks) != 0) {
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

vs_event_id vs_engine_schedule(vs_engine *eng, vs_time_t delay, vs_event_fn fn, void *ctx,
                               uint64_t arg)
{
    vs_time_t when = delay > VS_TIME_MAX - eng->now ? VS_TIME_MAX : eng->now + delay;

    return vs_engine_schedule_at(eng, when, fn, ctx, arg);
}

/* No memory for a schedule: the run stops after the handler that asked (its caller
 * may not look at the id), and says so (vs_engine_out_of_memory). */
static vs_event_id schedule_failed(vs_engine *eng)
{
    eng->stop = eng->oom = true;
    return 0;
}

vs_event_id vs_engine_schedule_at(vs_engine *eng, vs_time_t when, vs_event_fn fn, void *ctx,
                                  uint64_t arg)
{
    if (fn == NULL)
        return 0;
    if (pool_make_room(eng) != 0 || chunks_reserve(eng, 1) != 0)
        return schedule_failed(eng);
    if (when < eng->now)
        when = eng->now;
    if (when < eng->base && queue_rebase(eng, eng->now) != 0)
        return schedule_failed(eng);

    uint32_t slot = slot_take(eng);
    event_rec *r = &eng->pool[slot];
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
    queue_push(eng, (qkey){when, slot});
    eng->keys++;
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
    if (eng->dead >= COMPACT_MIN_DEAD && eng->dead > eng->keys - eng->dead)
        engine_compact(eng);
    return true;
}

/* Pops the front key of bucket `index`, the earliest, and runs its event, unless it was
 * cancelled. The record goes back to the pool before the handler runs, so the
 * handler's own schedule reuses a slot that is already in cache. */
static void engine_dispatch(vs_engine *eng, unsigned index)
{
    qkey k = bucket_front(eng, &eng->buckets[index]);
    event_rec *r = &eng->pool[k.slot];
    vs_event_fn fn = r->fn;
    void *ctx = r->ctx;
    uint64_t arg = r->arg;

    bucket_pop_front(eng, index);
    eng->keys--;
    if (fn == NULL) { /* cancelled: its generation moved on already */
        eng->dead--;
        slot_release(eng, k.slot);
        return;
    }
    r->gen++;
    slot_release(eng, k.slot);
    eng->now = k.time;
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
    while (!eng->stop) {
        int index = queue_settle(eng, until);
        if (index < 0)
            break;
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
