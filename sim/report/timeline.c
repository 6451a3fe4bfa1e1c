/*
 * timeline.c: `run --timeline` (timeline.h). Three kinds of item are kept while the run
 * goes: slices (callbacks and OIDs), migrations (their states, closed when they end)
 * and counter samples. At the end the slices of each track are laid out in lanes in
 * which they nest, as the format wants, and everything is written sorted by time, ties
 * in the order it was generated, so the same run gives the same file byte for byte.
 */
#include "report/timeline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/ntstatus.h"
#include "model/migration.h"
#include "model/sequence.h"

enum { TRACK_CALLOUT, TRACK_SWITCH, TRACK_NIC };
enum { COUNTER_SAVES, COUNTER_CPU_QUEUE, COUNTERS };

typedef struct tl_slice {
    vs_time_t ts, dur, pend;
    uint64_t track; /* track_key(): sorts callouts, then switches, then NICs */
    uint32_t host, vm, nic;
    uint32_t tid;     /* set when the slices are laid out */
    uint32_t seq;     /* arrival order: ties sort by it */
    const char *name; /* a string literal of the model */
    NTSTATUS status;
    bool oid, validation;
} tl_slice;

typedef struct tl_phase {
    vs_time_t t;
    uint8_t state; /* vs_mig_state */
} tl_phase;

typedef struct tl_mig {
    uint32_t vm, src, dst;
    uint8_t op, flow, end_state;
    bool unfinished;
    vs_time_t arrived, end;
    tl_phase *phases;
    uint32_t nphases, phases_cap;
} tl_mig;

typedef struct tl_counter {
    vs_time_t t;
    uint32_t host;
    uint8_t kind;
    uint64_t value;
} tl_counter;

/* A host's running state: its saves in flight and its last sample of each counter. */
typedef struct tl_host {
    uint64_t saves;
    uint32_t last[COUNTERS]; /* index into counters + 1; 0: none yet */
    bool seen;
} tl_host;

/* One event to write: which item, and which of its events. */
typedef enum out_kind { OUT_SLICE, OUT_PEND, OUT_MIG_B, OUT_MIG_E, OUT_COUNTER } out_kind;
#define WHOLE UINT32_MAX     /* OUT_MIG_*: the migration itself, not a phase */
#define BLACKOUT (WHOLE - 1) /* OUT_MIG_*: the blackout around its phases */
typedef struct tl_out {
    vs_time_t ts;
    uint64_t seq; /* generation order: ties in ts keep it */
    uint32_t item;
    uint32_t phase; /* OUT_MIG_*: a phase's index, WHOLE or BLACKOUT */
    uint8_t kind;
} tl_out;

/* A track of one host: its key, and which of its lanes (overlapping slices go to
 * further lanes, as a track's slices must not overlap). */
typedef struct tl_thread {
    uint32_t host, tid, lane;
    uint64_t track;
} tl_thread;

struct vs_timeline {
    vs_trace_file *file;
    uint64_t max_events, events, dropped;
    vs_time_t capped_at, last_t;
    bool capped, oom;
    tl_slice *slices;
    size_t nslices, slices_cap;
    tl_mig *migs; /* ended ones, in the order they ended */
    size_t nmigs, migs_cap;
    tl_mig *open; /* [vm]: under way (phases != NULL or nphases > 0 when open) */
    bool *is_open;
    size_t open_cap;
    tl_counter *counters;
    size_t ncounters, counters_cap;
    tl_host *hosts;
    size_t hosts_cap;
    char **plugins; /* callout names, in the order first seen: their track keys */
    size_t nplugins, plugins_cap;
};

vs_timeline *vs_timeline_new(const char *path, uint64_t max_events, char err[VS_ERROR_MAX])
{
    vs_timeline *tl = calloc(1, sizeof *tl);
    if (!tl)
        return snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), NULL;
    if (!(tl->file = vs_trace_file_new(path, err)))
        return free(tl), NULL;
    tl->max_events = max_events;
    tl->capped_at = UINT64_MAX;
    return tl;
}

/* ---- Gathering --------------------------------------------------------------------- */

static tl_host *host_at(vs_timeline *tl, uint32_t host)
{
    size_t old = tl->hosts_cap;
    if (VS_GROW(tl->hosts, tl->hosts_cap, (size_t)host + 1) != 0)
        return tl->oom = true, NULL;
    memset(tl->hosts + old, 0, (tl->hosts_cap - old) * sizeof *tl->hosts);
    tl->hosts[host].seen = true;
    return &tl->hosts[host];
}

/* A callout's index by name: a handful of them, so a linear search. */
static uint32_t plugin_key(vs_timeline *tl, const char *name)
{
    for (size_t i = 0; i < tl->nplugins; i++)
        if (strcmp(tl->plugins[i], name) == 0)
            return (uint32_t)i;
    char *copy = strdup(name);
    if (!copy || VS_GROW(tl->plugins, tl->plugins_cap, tl->nplugins + 1) != 0) {
        free(copy);
        tl->oom = true;
        return 0;
    }
    tl->plugins[tl->nplugins] = copy;
    return (uint32_t)tl->nplugins++;
}

static uint64_t track_key(unsigned kind, uint64_t a, uint64_t b)
{
    return (uint64_t)kind << 60 | a << 24 | (b & 0xffffff);
}

static void end_migration(vs_timeline *tl, uint32_t vm, vs_time_t t, uint8_t state,
                          bool unfinished);

/* The cap is reached at t: migrations under way end there, and nothing more is kept. */
static void cap_at(vs_timeline *tl, vs_time_t t)
{
    tl->capped = true;
    tl->capped_at = t;
    for (size_t vm = 0; vm < tl->open_cap; vm++)
        if (tl->is_open[vm])
            end_migration(tl, (uint32_t)vm, t, VS_MIG_NONE, true);
}

/* Room for a record of n events at t? Once the cap is reached nothing has: the
 * timeline then covers everything that ended before t, and no part of what ended after
 * it. dropped counts the records left out. */
static bool room(vs_timeline *tl, vs_time_t t, uint64_t n)
{
    if (!tl->capped && tl->events + n > tl->max_events)
        cap_at(tl, t);
    if (tl->capped || tl->oom) {
        tl->dropped++;
        return false;
    }
    tl->events += n;
    return true;
}

static void note_time(vs_timeline *tl, vs_time_t t)
{
    if (t > tl->last_t)
        tl->last_t = t;
}

void vs_timeline_record(void *ctx, const vs_trace_record *rec)
{
    vs_timeline *tl = ctx;
    note_time(tl, rec->t + rec->duration);
    bool oid = rec->kind == VS_TRACE_OID;
    bool pend = !oid && rec->pended && rec->pend > 0;
    if (!room(tl, rec->t + rec->duration, 1 + pend) || !host_at(tl, rec->host))
        return;
    uint64_t track = !oid ? track_key(TRACK_CALLOUT, plugin_key(tl, rec->plugin), 0)
                     : rec->vm == VS_TRACE_NONE ? track_key(TRACK_SWITCH, rec->sw, 0)
                                                : track_key(TRACK_NIC, rec->vm, rec->nic);
    if (VS_GROW(tl->slices, tl->slices_cap, tl->nslices + 1) != 0) {
        tl->oom = true;
        return;
    }
    tl->slices[tl->nslices] = (tl_slice){.seq = (uint32_t)tl->nslices,
                                         .ts = rec->t,
                                         .dur = rec->duration,
                                         .pend = pend ? rec->pend : 0,
                                         .track = track,
                                         .host = rec->host,
                                         .vm = rec->vm,
                                         .nic = rec->nic,
                                         .name = rec->event ? rec->event : "",
                                         .status = rec->status,
                                         .oid = oid,
                                         .validation = rec->validation_port};
    tl->nslices++;
}

/* A counter's new value on host at t; samples at the same time keep the last value. */
static void sample(vs_timeline *tl, uint32_t host, unsigned kind, vs_time_t t, uint64_t value)
{
    tl_host *h = host_at(tl, host);
    if (!h || !room(tl, t, 0)) /* after the cap, not even an update of a sample */
        return;
    uint32_t last = h->last[kind];
    if (last && tl->counters[last - 1].t == t) {
        tl->counters[last - 1].value = value;
        return;
    }
    if (!room(tl, t, 1))
        return;
    if (VS_GROW(tl->counters, tl->counters_cap, tl->ncounters + 1) != 0) {
        tl->oom = true;
        return;
    }
    tl->counters[tl->ncounters++] = (tl_counter){t, host, (uint8_t)kind, value};
    h->last[kind] = (uint32_t)tl->ncounters;
}

static void add_phase(vs_timeline *tl, tl_mig *m, vs_time_t t, uint8_t state)
{
    if (VS_GROW(m->phases, m->phases_cap, m->nphases + 1) != 0) {
        tl->oom = true;
        return;
    }
    m->phases[m->nphases++] = (tl_phase){t, state};
}

/* Events a migration's phase adds: its begin and end, and the blackout's when it opens
 * the blackout. */
static uint64_t phase_events(const tl_mig *m, uint8_t state)
{
    bool bo = vs_flow_blackout_part(m->flow, state) != VS_BO_NONE;
    bool was = m->nphases > 0 &&
               vs_flow_blackout_part(m->flow, m->phases[m->nphases - 1].state) != VS_BO_NONE;
    return 2 + 2 * (bo && !was);
}

static void end_migration(vs_timeline *tl, uint32_t vm, vs_time_t t, uint8_t state, bool unfinished)
{
    tl_mig *m = &tl->open[vm];
    tl->is_open[vm] = false;
    m->end = t;
    m->end_state = state;
    m->unfinished = unfinished;
    if (VS_GROW(tl->migs, tl->migs_cap, tl->nmigs + 1) != 0) {
        free(m->phases);
        tl->oom = true;
    } else {
        tl->migs[tl->nmigs++] = *m;
    }
    *m = (tl_mig){0};
}

/* The first state of a VM's operation: it began when it arrived (queued behind the VM's
 * running operation until now, if it arrived earlier). */
static tl_mig *begin_migration(vs_timeline *tl, const vs_migration *mig, vs_time_t t)
{
    size_t old = tl->open_cap;
    if (mig->vm >= tl->open_cap) {
        size_t cap = old;
        if (VS_GROW(tl->open, cap, (size_t)mig->vm + 1) != 0)
            return tl->oom = true, NULL;
        bool *is_open = realloc(tl->is_open, cap * sizeof *is_open);
        if (!is_open)
            return tl->oom = true, NULL;
        tl->is_open = is_open;
        memset(tl->open + old, 0, (cap - old) * sizeof *tl->open);
        memset(tl->is_open + old, 0, (cap - old) * sizeof *tl->is_open);
        tl->open_cap = cap;
    }
    bool queued = mig->arrived < t;
    if (!room(tl, t, 2 + 2 * queued)) /* the cap's time is now, not when it arrived */
        return NULL;
    tl_mig *m = &tl->open[mig->vm];
    *m = (tl_mig){.vm = mig->vm,
                  .src = mig->src,
                  .dst = mig->op == VS_OP_MIGRATE ? VS_ANY_HOST : mig->src,
                  .op = (uint8_t)mig->op,
                  .flow = mig->flow,
                  .arrived = mig->arrived};
    tl->is_open[mig->vm] = true;
    if (queued)
        add_phase(tl, m, mig->arrived, VS_MIG_QUEUED);
    return m;
}

static void on_state(vs_timeline *tl, const vs_timeline_event *ev)
{
    const vs_migration *mig = ev->mig;
    if (!room(tl, ev->t, 0) || !host_at(tl, mig->src))
        return;
    tl_mig *m = mig->vm < tl->open_cap && tl->is_open[mig->vm] ? &tl->open[mig->vm] : NULL;
    if (!m && !(m = begin_migration(tl, mig, ev->t)))
        return;
    if (mig->dst != VS_ANY_HOST && mig->state != VS_MIG_WAITING && host_at(tl, mig->dst))
        m->dst = mig->dst;
    if (vs_mig_state_final((vs_mig_state)mig->state)) {
        end_migration(tl, mig->vm, ev->t, mig->state, false);
        return;
    }
    /* A retry enters WAITING twice at once (enter, then admit): one phase. */
    if (m->nphases > 0 && m->phases[m->nphases - 1].state == mig->state)
        return;
    if (room(tl, ev->t, phase_events(m, mig->state)))
        add_phase(tl, m, ev->t, mig->state);
}

void vs_timeline_note(void *ctx, const vs_timeline_event *ev)
{
    vs_timeline *tl = ctx;
    note_time(tl, ev->t);
    switch (ev->kind) {
    case VS_TL_STATE:
        on_state(tl, ev);
        break;
    case VS_TL_SAVES: {
        tl_host *h = host_at(tl, ev->host);
        if (!h)
            return;
        h->saves = ev->value ? h->saves + 1 : h->saves ? h->saves - 1 : 0;
        sample(tl, ev->host, COUNTER_SAVES, ev->t, h->saves);
        break;
    }
    case VS_TL_CPU_QUEUE:
        sample(tl, ev->host, COUNTER_CPU_QUEUE, ev->t, ev->value);
        break;
    }
}

/* ---- Laying out ---------------------------------------------------------------------- */

static int by_track_then_time(const void *a, const void *b)
{
    const tl_slice *x = a, *y = b;
    if (x->host != y->host)
        return x->host < y->host ? -1 : 1;
    if (x->track != y->track)
        return x->track < y->track ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Gives each slice its tid: a track's slices go to its first lane free when they begin
 * (callbacks of one callout run at once for several NICs; each is its own call, so they
 * sit side by side, not nested). tids count from 1 in each host, in track order. */
static int lay_out(vs_timeline *tl, tl_thread **threads, size_t *nthreads)
{
    if (tl->nslices > 0) /* qsort's array may not be NULL, even empty */
        qsort(tl->slices, tl->nslices, sizeof *tl->slices, by_track_then_time);
    vs_time_t *lane_end = NULL;
    size_t lanes_cap = 0, threads_cap = 0;
    *threads = NULL;
    *nthreads = 0;
    uint32_t tid = 0;
    for (size_t i = 0, group = 0; i < tl->nslices; i = group) {
        const tl_slice *first = &tl->slices[i];
        if (i == 0 || first->host != tl->slices[i - 1].host)
            tid = 0;
        size_t lanes = 0;
        for (group = i; group < tl->nslices && tl->slices[group].host == first->host &&
                        tl->slices[group].track == first->track;
             group++) {
            tl_slice *s = &tl->slices[group];
            size_t lane = 0;
            while (lane < lanes && lane_end[lane] > s->ts)
                lane++;
            if (lane == lanes) {
                if (VS_GROW(lane_end, lanes_cap, lanes + 1) != 0 ||
                    VS_GROW(*threads, threads_cap, *nthreads + 1) != 0)
                    return free(lane_end), -1;
                (*threads)[(*nthreads)++] = (tl_thread){first->host, tid + 1 + (uint32_t)lane,
                                                        (uint32_t)lane, first->track};
                lanes++;
            }
            lane_end[lane] = s->ts + s->dur;
            s->tid = tid + 1 + (uint32_t)lane;
        }
        tid += (uint32_t)lanes;
    }
    free(lane_end);
    return 0;
}

static int by_time(const void *a, const void *b)
{
    const tl_out *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct out_list {
    tl_out *ev;
    size_t n, cap;
    bool oom;
} out_list;

static void put_out(out_list *o, vs_time_t ts, out_kind kind, uint32_t item, uint32_t phase)
{
    if (o->oom || VS_GROW(o->ev, o->cap, o->n + 1) != 0) {
        o->oom = true;
        return;
    }
    o->ev[o->n] = (tl_out){ts, o->n, item, phase, (uint8_t)kind};
    o->n++;
}

static bool in_blackout(const tl_mig *m, uint32_t phase)
{
    return phase < m->nphases &&
           vs_flow_blackout_part(m->flow, m->phases[phase].state) != VS_BO_NONE;
}

/* A migration's events in the order they nest: itself, then each phase, the blackout
 * around the phases it spans. */
static void put_migration(out_list *o, const tl_mig *m, uint32_t item)
{
    put_out(o, m->arrived, OUT_MIG_B, item, WHOLE);
    for (uint32_t i = 0; i < m->nphases; i++) {
        vs_time_t t = m->phases[i].t, next = i + 1 < m->nphases ? m->phases[i + 1].t : m->end;
        if (in_blackout(m, i) && (i == 0 || !in_blackout(m, i - 1)))
            put_out(o, t, OUT_MIG_B, item, BLACKOUT);
        put_out(o, t, OUT_MIG_B, item, i);
        put_out(o, next, OUT_MIG_E, item, i);
        if (in_blackout(m, i) && !in_blackout(m, i + 1))
            put_out(o, next, OUT_MIG_E, item, BLACKOUT);
    }
    put_out(o, m->end, OUT_MIG_E, item, WHOLE);
}

/* Every event, sorted by time; ties keep the order put here, which nests. */
static int sorted_events(const vs_timeline *tl, out_list *o)
{
    for (uint32_t i = 0; i < tl->nslices; i++) {
        const tl_slice *s = &tl->slices[i];
        put_out(o, s->ts, OUT_SLICE, i, 0);
        if (s->pend)
            put_out(o, s->ts + s->dur - s->pend, OUT_PEND, i, 0);
    }
    for (uint32_t i = 0; i < tl->nmigs; i++)
        put_migration(o, &tl->migs[i], i);
    for (uint32_t i = 0; i < tl->ncounters; i++)
        put_out(o, tl->counters[i].t, OUT_COUNTER, i, 0);
    if (o->oom)
        return -1;
    if (o->n > 0)
        qsort(o->ev, o->n, sizeof *o->ev, by_time);
    return 0;
}

/* ---- Writing ------------------------------------------------------------------------- */

/* ns as µs, the format's unit: "12.345", or "12" when whole. */
static int put_us(FILE *out, vs_time_t ns)
{
    if (ns % 1000 == 0)
        return fprintf(out, "%" PRIu64, ns / 1000);
    return fprintf(out, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
}

/* s as a JSON string: a scenario's callout name may hold anything. */
static int put_string(FILE *out, const char *s)
{
    int bad = putc('"', out) == EOF;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            bad |= fprintf(out, "\\%c", c) < 0;
        else if (c < 0x20)
            bad |= fprintf(out, "\\u%04x", c) < 0;
        else
            bad |= putc(c, out) == EOF;
    }
    return (putc('"', out) == EOF || bad) ? -1 : 0;
}

/* The event's common head: `{"name":NAME,"cat":CAT,"ph":PH,"ts":TS,"pid":P,"tid":T`. */
static int put_head(FILE *out, const char *name, const char *cat, char ph, vs_time_t ts,
                    uint32_t host, uint32_t tid)
{
    int bad = fputs("{\"name\":", out) == EOF || put_string(out, name) != 0;
    if (cat)
        bad |= fprintf(out, ",\"cat\":\"%s\"", cat) < 0;
    bad |= fprintf(out, ",\"ph\":\"%c\",\"ts\":", ph) < 0 || put_us(out, ts) < 0;
    bad |= fprintf(out, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32, host + 1, tid) < 0;
    return bad ? -1 : 0;
}

static int put_slice(FILE *out, const tl_slice *s, bool pend)
{
    vs_time_t ts = pend ? s->ts + s->dur - s->pend : s->ts;
    int bad = put_head(out, pend ? "pending" : s->name,
                       pend     ? "pend"
                       : s->oid ? "oid"
                                : "callback",
                       'X', ts, s->host, s->tid) != 0;
    bad |= fputs(",\"dur\":", out) == EOF || put_us(out, pend ? s->pend : s->dur) < 0;
    if (pend)
        return bad || fputs("}", out) == EOF ? -1 : 0;
    bad |= fputs(",\"args\":{", out) == EOF;
    if (s->vm != VS_TRACE_NONE)
        bad |= fprintf(out, "\"vm\":%" PRIu32 ",\"nic\":%" PRIu32 ",", s->vm, s->nic) < 0;
    char name[64];
    vs_ntstatus_name(s->status, name);
    char *space = strchr(name, ' '); /* "NAME (0x...)": the name alone */
    if (space)
        *space = '\0';
    bad |= fprintf(out, "\"status\":\"%s\"%s}}", name,
                   s->validation ? ",\"validation_port\":true" : "") < 0;
    return bad ? -1 : 0;
}

static const char *operation_name(uint8_t op)
{
    return op == VS_OP_MIGRATE ? "migrate" : op == VS_OP_POWER_ON ? "power on" : "save/restore";
}

/* A migration's b or e event; the async id is its item + 1. The whole migration says
 * where it went on its begin and how it ended on its end. */
static int put_mig(FILE *out, const tl_mig *m, const tl_out *e)
{
    char name[64];
    if (e->phase == WHOLE)
        snprintf(name, sizeof name, "%s vm %" PRIu32, operation_name(m->op), m->vm);
    else
        snprintf(name, sizeof name, "%s",
                 e->phase == BLACKOUT ? "blackout" : vs_mig_state_name(m->phases[e->phase].state));
    bool begin = e->kind == OUT_MIG_B;
    int bad = put_head(out, name, "migration", begin ? 'b' : 'e', e->ts, m->src, 0) != 0;
    bad |= fprintf(out, ",\"id\":%" PRIu32, e->item + 1) < 0;
    if (e->phase == WHOLE && begin) {
        bad |= fprintf(out, ",\"args\":{\"vm\":%" PRIu32 ",\"from\":%" PRIu32, m->vm, m->src) < 0;
        if (m->dst != VS_ANY_HOST)
            bad |= fprintf(out, ",\"to\":%" PRIu32, m->dst) < 0;
        bad |= fprintf(out, ",\"flow\":\"%s\"}", vs_flow_name((vs_flow)m->flow)) < 0;
    } else if (e->phase == WHOLE) {
        bad |= fprintf(out, ",\"args\":{\"result\":\"%s\"}",
                       m->unfinished ? "UNFINISHED"
                                     : vs_mig_state_name((vs_mig_state)m->end_state)) < 0;
    }
    return bad || putc('}', out) == EOF ? -1 : 0;
}

static int put_counter(FILE *out, const tl_counter *c)
{
    bool saves = c->kind == COUNTER_SAVES;
    /* Perfetto names a counter's track "NAME KEY": "saves in flight", "CPU queue length". */
    int bad = put_head(out, saves ? "saves" : "CPU queue", NULL, 'C', c->t, c->host, 0);
    bad |= fprintf(out, ",\"args\":{\"%s\":%" PRIu64 "}}", saves ? "in flight" : "length",
                   c->value) < 0;
    return bad ? -1 : 0;
}

static int put_event(FILE *out, const vs_timeline *tl, const tl_out *e)
{
    switch ((out_kind)e->kind) {
    case OUT_SLICE:
    case OUT_PEND:
        return put_slice(out, &tl->slices[e->item], e->kind == OUT_PEND);
    case OUT_MIG_B:
    case OUT_MIG_E:
        return put_mig(out, &tl->migs[e->item], e);
    case OUT_COUNTER:
        return put_counter(out, &tl->counters[e->item]);
    }
    return -1;
}

/* Before each element of traceEvents: the comma and newline after the previous one. */
static int put_separator(FILE *out, bool *first)
{
    bool was_first = *first;
    *first = false;
    return was_first || fputs(",\n", out) != EOF ? 0 : -1;
}

static int put_meta(FILE *out, bool *first, const char *what, uint32_t host, uint32_t tid,
                    const char *key, const char *text, uint64_t number)
{
    int bad = put_separator(out, first) != 0;
    bad |= fprintf(out,
                   "{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
                   ",\"args\":{\"%s\":",
                   what, host + 1, tid, key) < 0;
    bad |= text ? put_string(out, text) != 0 : fprintf(out, "%" PRIu64, number) < 0;
    return bad || fputs("}}", out) == EOF ? -1 : 0;
}

static void thread_name(const vs_timeline *tl, const tl_thread *t, char *buf, size_t size)
{
    uint64_t a = (t->track >> 24) & 0xfffffffffULL, b = t->track & 0xffffff;
    int n;
    switch (t->track >> 60) {
    case TRACK_CALLOUT:
        n = snprintf(buf, size, "callout %s", tl->plugins[a]);
        break;
    case TRACK_SWITCH:
        n = snprintf(buf, size, "switch %" PRIu64, a);
        break;
    default:
        n = snprintf(buf, size, "vm %" PRIu64 " nic %" PRIu64, a, b);
    }
    if (t->lane > 0 && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " #%" PRIu32, t->lane + 1);
}

/* Names and orders the processes (hosts) and threads (tracks). */
static int put_metadata(FILE *out, bool *first, const vs_timeline *tl, const tl_thread *threads,
                        size_t nthreads)
{
    int bad = 0;
    char name[300];
    for (uint32_t h = 0; h < tl->hosts_cap; h++) {
        if (!tl->hosts[h].seen)
            continue;
        snprintf(name, sizeof name, "host %" PRIu32, h);
        bad |= put_meta(out, first, "process_name", h, 0, "name", name, 0);
        bad |= put_meta(out, first, "process_sort_index", h, 0, "sort_index", NULL, h);
    }
    for (size_t i = 0; i < nthreads; i++) {
        thread_name(tl, &threads[i], name, sizeof name);
        bad |=
            put_meta(out, first, "thread_name", threads[i].host, threads[i].tid, "name", name, 0);
        bad |= put_meta(out, first, "thread_sort_index", threads[i].host, threads[i].tid,
                        "sort_index", NULL, threads[i].tid);
    }
    return bad ? -1 : 0;
}

static int put_file(FILE *out, const vs_timeline *tl, const tl_thread *threads, size_t nthreads,
                    const out_list *o)
{
    bool first = true;
    int bad = fputs("{\"traceEvents\":[\n", out) == EOF;
    bad |= put_metadata(out, &first, tl, threads, nthreads);
    for (size_t i = 0; i < o->n; i++)
        bad |= put_separator(out, &first) != 0 || put_event(out, tl, &o->ev[i]) != 0;
    bad |= fprintf(out,
                   "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{\"generator\":\"vswitchsim "
                   "run --timeline\",\"clock\":\"simulated\",\"events\":%zu,\"left_out\":%" PRIu64,
                   o->n, tl->dropped) < 0;
    if (tl->capped)
        bad |= fputs(",\"capped_at_us\":", out) == EOF || put_us(out, tl->capped_at) < 0;
    bad |= fputs("}}\n", out) == EOF;
    return bad ? -1 : 0;
}

static void free_items(vs_timeline *tl)
{
    free(tl->slices);
    for (size_t i = 0; i < tl->nmigs; i++)
        free(tl->migs[i].phases);
    free(tl->migs);
    for (size_t i = 0; i < tl->open_cap; i++)
        free(tl->open[i].phases);
    free(tl->open);
    free(tl->is_open);
    free(tl->counters);
    free(tl->hosts);
    for (size_t i = 0; i < tl->nplugins; i++)
        free(tl->plugins[i]);
    free(tl->plugins);
    free(tl);
}

int vs_timeline_finish(vs_timeline *tl, vs_time_t *capped_at, char err[VS_ERROR_MAX])
{
    if (capped_at)
        *capped_at = UINT64_MAX;
    if (!tl)
        return 0;
    for (size_t vm = 0; vm < tl->open_cap; vm++) /* under way when the run ended */
        if (tl->is_open[vm])
            end_migration(tl, (uint32_t)vm, tl->capped ? tl->capped_at : tl->last_t, VS_MIG_NONE,
                          true);
    tl_thread *threads = NULL;
    size_t nthreads = 0;
    out_list o = {0};
    int rc = tl->oom || lay_out(tl, &threads, &nthreads) != 0 || sorted_events(tl, &o) != 0 ? ENOMEM
                                                                                            : 0;
    errno = 0;
    if (rc == 0 && put_file(vs_trace_file_stream(tl->file), tl, threads, nthreads, &o) != 0)
        rc = errno ? errno : EIO;
    free(threads);
    free(o.ev);
    if (rc)
        vs_trace_file_fail(tl->file, rc);
    if (capped_at && tl->capped)
        *capped_at = tl->capped_at;
    rc = vs_trace_file_finish(tl->file, err);
    free_items(tl);
    return rc;
}

void vs_timeline_discard(vs_timeline *tl)
{
    if (!tl)
        return;
    vs_trace_file_discard(tl->file);
    free_items(tl);
}

void vs_timeline_forget(vs_timeline *tl)
{
    if (!tl)
        return;
    vs_trace_file_forget(tl->file);
    free_items(tl);
}
