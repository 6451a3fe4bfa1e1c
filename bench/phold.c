/*
 * phold.c: the PHOLD benchmark (as in ROSS's phold model) on the vswitchsim engine, to
 * measure the raw event rate of the queue and the pool with no model around them.
 *
 * N logical processes each start with some events. Each event, on arrival at its LP,
 * schedules one more: after lookahead + an exponential delay, to a uniformly random LP
 * with probability `remote`, else to the same LP. Pending events stay constant, so the
 * run measures the queue at a fixed size. Each LP draws from its own rng stream.
 *
 * Timings on a shared machine are noisy; instruction counts are not. To count the
 * engine's instructions per event, run the event loop alone under callgrind and divide
 * its total by "Net Events Processed":
 *   valgrind --tool=callgrind --toggle-collect=vs_engine_run phold --nlp=1024 --end=2000
 *   valgrind --tool=callgrind --toggle-collect=vs_engine_run phold --nlp=65536 \
 *       --start-events=16 --end=2
 * 16M pending (--nlp=1048576 --start-events=16 --end=2) needs about 1 GiB.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/rng.h"

/* One PHOLD time unit in engine nanoseconds: a mean delay of 1.0 units keeps six
 * decimal digits of resolution in integer time. */
#define NS_PER_UNIT 1000000.0
#define PHOLD_STREAM_KIND 0x70686f6cu /* "phol" */

typedef struct phold_opts {
    uint64_t nlp;
    uint64_t start_events;
    double mean;      /* time units */
    double lookahead; /* time units */
    double remote;    /* probability in [0, 1] */
    double end;       /* time units */
    uint64_t seed;
    bool json;
} phold_opts;

typedef struct phold_lp {
    vs_rng rng;
    uint64_t events;
} phold_lp;

/* What every event handler needs, passed as the events' ctx. */
typedef struct phold_model {
    phold_lp *lps;
    uint64_t nlp;
    double mean_ns;
    vs_time_t lookahead_ns;
    uint64_t remote_below; /* a draw under this goes remote: remote * 2^64 */
    bool all_remote;
} phold_model;

static vs_time_t phold_delay(phold_model *m, phold_lp *lp)
{
    return m->lookahead_ns + (vs_time_t)(vs_rng_exponential(&lp->rng, m->mean_ns) + 0.5);
}

static void phold_event(vs_engine *eng, void *ctx, uint64_t arg)
{
    phold_model *m = ctx;
    phold_lp *lp = &m->lps[arg];
    uint64_t dest = arg;

    lp->events++;
    if (m->all_remote || vs_rng_next(&lp->rng) < m->remote_below)
        dest = vs_rng_below(&lp->rng, m->nlp);
    vs_engine_post(eng, phold_delay(m, lp), phold_event, m, dest);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: phold [--nlp=N] [--start-events=N] [--mean=T] [--lookahead=T]\n"
            "             [--remote=P] [--end=T] [--seed=N] [--json]\n"
            "  --nlp           logical processes (1024)\n"
            "  --start-events  events each LP starts with (1)\n"
            "  --mean          mean exponential delay, time units (1.0)\n"
            "  --lookahead     constant added to every delay, time units (0)\n"
            "  --remote        probability an event goes to a random LP (0.25)\n"
            "  --end           simulated end time, time units (20000)\n"
            "  --seed          rng seed (1)\n"
            "  --json          print one line of benchmark-action JSON instead\n"
            "One time unit is %.0f ns of engine time.\n",
            NS_PER_UNIT);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);

    if (*s == '\0' || *s == '-' || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (*s == '\0' || *end != '\0' || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_opt(phold_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'n':
        return parse_u64(arg, &o->nlp);
    case 's':
        return parse_u64(arg, &o->start_events);
    case 'm':
        return parse_double(arg, &o->mean);
    case 'l':
        return parse_double(arg, &o->lookahead);
    case 'r':
        return parse_double(arg, &o->remote);
    case 'e':
        return parse_double(arg, &o->end);
    case 'S':
        return parse_u64(arg, &o->seed);
    case 'j':
        o->json = true;
        return 0;
    default:
        return -1;
    }
}

static int parse_args(phold_opts *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"nlp", required_argument, NULL, 'n'},    {"start-events", required_argument, NULL, 's'},
        {"mean", required_argument, NULL, 'm'},   {"lookahead", required_argument, NULL, 'l'},
        {"remote", required_argument, NULL, 'r'}, {"end", required_argument, NULL, 'e'},
        {"seed", required_argument, NULL, 'S'},   {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    int c, idx = 0;

    while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
        if (c == 'h') {
            usage(stdout);
            exit(0);
        }
        if (parse_opt(o, c, optarg) != 0) {
            if (c != '?')
                fprintf(stderr, "phold: bad value for --%s: %s\n", longopts[idx].name, optarg);
            usage(stderr);
            return -1;
        }
    }
    /* A zero delay (mean and lookahead both 0) would never let time advance. */
    if (optind < argc || o->nlp == 0 || o->start_events == 0 || o->remote > 1 ||
        o->nlp > UINT32_MAX || !(o->mean + o->lookahead > 0)) {
        fprintf(stderr, "phold: need 1 <= nlp < 2^32, start-events >= 1, remote <= 1, "
                        "mean + lookahead > 0\n");
        return -1;
    }
    return 0;
}

static double wall_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void model_init(phold_model *m, const phold_opts *o, phold_lp *lps)
{
    m->lps = lps;
    m->nlp = o->nlp;
    m->mean_ns = o->mean * NS_PER_UNIT;
    m->lookahead_ns = (vs_time_t)(o->lookahead * NS_PER_UNIT + 0.5);
    m->all_remote = o->remote >= 1.0;
    m->remote_below = m->all_remote ? 0 : (uint64_t)(o->remote * 18446744073709551616.0);
    for (uint64_t i = 0; i < o->nlp; i++) {
        vs_rng_init(&lps[i].rng, o->seed, vs_rng_stream_id(PHOLD_STREAM_KIND, i, 0));
        lps[i].events = 0;
    }
}

/* Like ROSS, each start event arrives at its LP after one ordinary delay. */
static int model_start(vs_engine *eng, phold_model *m, uint64_t start_events)
{
    for (uint64_t i = 0; i < m->nlp; i++) {
        for (uint64_t k = 0; k < start_events; k++) {
            if (!vs_engine_post(eng, phold_delay(m, &m->lps[i]), phold_event, m, i))
                return -1;
        }
    }
    return 0;
}

typedef struct phold_result {
    uint64_t events;
    double run_s, setup_s;
    size_t pending;
    size_t mem_bytes; /* vs_engine_memory_bytes once started */
    size_t mem_after; /* and after the run: the steady state, bucket slack included */
    long max_rss_kib;
} phold_result;

/* The larger of the two: memory at start, or at the steady state after the run. */
static double phold_bytes_per_event(const phold_result *r)
{
    size_t bytes = r->mem_after > r->mem_bytes ? r->mem_after : r->mem_bytes;

    return (double)bytes / (double)r->pending;
}

static void print_text(const phold_opts *o, const phold_result *r)
{
    printf("PHOLD on the vswitchsim engine\n");
    printf("  nlp %" PRIu64 ", start-events %" PRIu64 ", mean %g, lookahead %g, remote %g, "
           "end %g, seed %" PRIu64 " (1 time unit = %.0f ns)\n",
           o->nlp, o->start_events, o->mean, o->lookahead, o->remote, o->end, o->seed, NS_PER_UNIT);
    printf("\n");
    printf("\t%-40s %16" PRIu64 "\n", "Net Events Processed", r->events);
    printf("\t%-40s %16.1f\n", "Event Rate (events/sec)", (double)r->events / r->run_s);
    printf("\t%-40s %16.4f\n", "Running Time (sec)", r->run_s);
    printf("\t%-40s %16.4f\n", "Setup Time (sec)", r->setup_s);
    printf("\t%-40s %16.2f\n", "ns per event", r->run_s * 1e9 / (double)r->events);
    printf("\t%-40s %16zu\n", "Pending events (constant)", r->pending);
    printf("\t%-40s %16zu\n", "Engine memory at start (bytes)", r->mem_bytes);
    printf("\t%-40s %16zu\n", "Engine memory after the run (bytes)", r->mem_after);
    printf("\t%-40s %16.1f\n", "Bytes per pending event", phold_bytes_per_event(r));
    printf("\t%-40s %16ld\n", "Peak RSS (KiB)", r->max_rss_kib);
}

static void print_json(const phold_opts *o, const phold_result *r)
{
    printf("[{\"name\":\"phold nlp=%" PRIu64 " start-events=%" PRIu64 "\","
           "\"unit\":\"events/s\",\"value\":%.0f,"
           "\"extra\":\"%.1f bytes/pending event, peak RSS %ld KiB\"}]\n",
           o->nlp, o->start_events, (double)r->events / r->run_s, phold_bytes_per_event(r),
           r->max_rss_kib);
}

/* Starts the model, then times the run alone: setup is reported apart. */
static int phold_measure(vs_engine *eng, phold_model *m, const phold_opts *o, phold_result *r)
{
    double t0 = wall_seconds();

    if (model_start(eng, m, o->start_events) != 0)
        return -1;
    /* Pending never changes once started: each event schedules exactly one. */
    r->pending = vs_engine_pending(eng);
    r->mem_bytes = vs_engine_memory_bytes(eng);
    double t1 = wall_seconds();
    r->events = vs_engine_run(eng, (vs_time_t)(o->end * NS_PER_UNIT));
    double t2 = wall_seconds();
    r->mem_after = vs_engine_memory_bytes(eng);
    r->setup_s = t1 - t0;
    r->run_s = t2 - t1;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->max_rss_kib = ru.ru_maxrss; /* KiB on Linux */
    return 0;
}

static int phold_run(const phold_opts *o, phold_result *r)
{
    phold_model m;
    phold_lp *lps = malloc(o->nlp * sizeof *lps);
    vs_engine *eng = vs_engine_new(o->nlp * o->start_events);
    int rc = -1;

    if (lps != NULL && eng != NULL) {
        model_init(&m, o, lps);
        rc = phold_measure(eng, &m, o, r);
    }
    if (rc != 0)
        fprintf(stderr, "phold: out of memory\n");
    vs_engine_free(eng);
    free(lps);
    return rc;
}

int main(int argc, char **argv)
{
    phold_opts o = {
        .nlp = 1024,
        .start_events = 1,
        .mean = 1.0,
        .lookahead = 0.0,
        .remote = 0.25,
        .end = 20000.0,
        .seed = 1,
        .json = false,
    };
    phold_result r;

    if (parse_args(&o, argc, argv) != 0)
        return 2;
    if (phold_run(&o, &r) != 0)
        return 1;
    if (o.json)
        print_json(&o, &r);
    else
        print_text(&o, &r);
    return 0;
}
