/*
 * hold.c: the classic "hold" model run on two queues in one process, so that their ratio
 * is measured under the same conditions: vswitchsim's engine, and a bare binary heap
 * (the textbook array heap of (time, sequence) keys, sift-down on pop, sift-up on push)
 * as the reference every DES queue is compared with.
 *
 * Each hold operation removes the earliest of n pending events and inserts one at its
 * time plus an exponential delay (mean 1 ms), so n stays fixed. For every size, the two
 * queues run the same number of operations from the same seed, one after the other;
 * the time to fill the queue is left out. The engine's figure includes what a real event
 * costs (its handler call, its pooled record), the bare heap's is the queue alone.
 *
 *   hold                                  # 1K, 64K and 1M pending
 *   hold --sizes=1024,16777216 --ops=5000000 --json
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/rng.h"

#define MEAN_DELAY_NS 1e6
#define MAX_SIZES 16

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static vs_time_t draw_delay(vs_rng *rng)
{
    return (vs_time_t)(vs_rng_exponential(rng, MEAN_DELAY_NS) + 0.5);
}

/* ---- The bare binary heap ------------------------------------------------------------ */

typedef struct heap_key {
    vs_time_t time;
    uint64_t seq; /* ties in insertion order, as the engine keeps them */
} heap_key;

static bool key_less(heap_key a, heap_key b)
{
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

static void heap_push(heap_key *h, size_t *n, heap_key k)
{
    size_t i = (*n)++;
    while (i > 0 && key_less(k, h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = k;
}

static heap_key heap_pop(heap_key *h, size_t *n)
{
    heap_key top = h[0], last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && key_less(h[c + 1], h[c]))
            c++;
        if (!key_less(h[c], last))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

/* ns per hold operation on the bare heap; -1 out of memory. */
static double hold_binary(size_t pending, uint64_t ops, uint64_t seed)
{
    heap_key *h = malloc(pending * sizeof *h);
    if (!h)
        return -1;
    vs_rng rng;
    vs_rng_init(&rng, seed, 0);
    size_t n = 0;
    uint64_t seq = 0;
    for (size_t i = 0; i < pending; i++)
        heap_push(h, &n, (heap_key){draw_delay(&rng), seq++});
    double t0 = now_s();
    for (uint64_t i = 0; i < ops; i++) {
        heap_key k = heap_pop(h, &n);
        heap_push(h, &n, (heap_key){k.time + draw_delay(&rng), seq++});
    }
    double elapsed = now_s() - t0;
    free(h);
    return elapsed * 1e9 / (double)ops;
}

/* ---- The engine -------------------------------------------------------------------- */

typedef struct engine_hold {
    vs_rng rng;
    uint64_t left;
} engine_hold;

static void on_hold(vs_engine *eng, void *ctx, uint64_t arg)
{
    engine_hold *m = ctx;
    if (m->left == 0) {
        vs_engine_stop(eng);
        return;
    }
    m->left--;
    vs_engine_post(eng, draw_delay(&m->rng), on_hold, m, arg);
}

static double hold_engine(size_t pending, uint64_t ops, uint64_t seed)
{
    vs_engine *eng = vs_engine_new(pending);
    if (!eng)
        return -1;
    engine_hold m = {.left = ops};
    vs_rng_init(&m.rng, seed, 0);
    for (size_t i = 0; i < pending; i++)
        if (!vs_engine_post(eng, draw_delay(&m.rng), on_hold, &m, 0)) {
            vs_engine_free(eng);
            return -1;
        }
    double t0 = now_s();
    uint64_t ran = vs_engine_run(eng, VS_TIME_MAX);
    double elapsed = now_s() - t0;
    vs_engine_free(eng);
    return elapsed * 1e9 / (double)ran;
}

/* ---- Command line -------------------------------------------------------------------- */

typedef struct hold_opts {
    size_t sizes[MAX_SIZES];
    size_t nsizes;
    uint64_t ops, seed;
    bool json;
} hold_opts;

static int parse_sizes(hold_opts *o, const char *text)
{
    o->nsizes = 0;
    for (const char *p = text; *p;) {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || v == 0 || o->nsizes == MAX_SIZES || (*end && *end != ','))
            return -1;
        o->sizes[o->nsizes++] = (size_t)v;
        p = *end ? end + 1 : end;
    }
    return o->nsizes ? 0 : -1;
}

static int parse_args(hold_opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"sizes", required_argument, NULL, 's'}, {"ops", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 'r'},  {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    *o = (hold_opts){.sizes = {1024, 65536, 1048576}, .nsizes = 3, .ops = 5000000, .seed = 1};
    int c;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 's':
            if (parse_sizes(o, optarg) != 0)
                return -1;
            break;
        case 'o':
            o->ops = strtoull(optarg, &end, 10);
            if (*end || o->ops == 0)
                return -1;
            break;
        case 'r':
            o->seed = strtoull(optarg, &end, 10);
            if (*end)
                return -1;
            break;
        case 'j':
            o->json = true;
            break;
        default:
            return -1;
        }
    }
    return optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
    hold_opts o;
    if (parse_args(&o, argc, argv) != 0) {
        fprintf(stderr, "usage: hold [--sizes=N,N,...] [--ops=N] [--seed=N] [--json]\n");
        return 2;
    }
    if (!o.json)
        printf("%12s %16s %16s %8s\n", "pending", "binary heap ns", "engine ns", "ratio");
    else
        printf("[");
    for (size_t i = 0; i < o.nsizes; i++) {
        double heap = hold_binary(o.sizes[i], o.ops, o.seed);
        double engine = hold_engine(o.sizes[i], o.ops, o.seed);
        if (heap < 0 || engine < 0) {
            fprintf(stderr, "hold: out of memory at %zu pending\n", o.sizes[i]);
            return 1;
        }
        if (o.json)
            printf("%s{\"pending\":%zu,\"ops\":%" PRIu64 ",\"binary_heap_ns\":%.2f,"
                   "\"engine_ns\":%.2f}",
                   i ? "," : "", o.sizes[i], o.ops, heap, engine);
        else
            printf("%12zu %16.1f %16.1f %7.2fx\n", o.sizes[i], heap, engine, heap / engine);
    }
    if (o.json)
        printf("]\n");
    return 0;
}
