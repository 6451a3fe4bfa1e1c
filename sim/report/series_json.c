/*
 * series_json.c: the parts of the report that are tables: the time series (one row per
 * interval) and the hosts (one entry per host).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-int.h"

/* ---- Shared leaves ------------------------------------------------------------------
 *
 * The per-host tables hold a region's worth of numbers (100,000 hosts x ~40 buckets),
 * mostly the same few values (0, 1, 2...). jansson counts references and a number is
 * never changed once in the report, so equal leaves can be one json_t: the text is the
 * same, the tree a fraction of the size. It is built while the whole model is still in
 * memory (a supervised run's snapshots), so its size is the peak's. */

#define LEAF_SLOTS 4096 /* a power of 2 */
#define LEAF_PROBES 8
#define LEAF_INTS 256

typedef struct leaf_cache {
    uint64_t bits[LEAF_SLOTS];
    json_t *real[LEAF_SLOTS]; /* NULL: a free slot */
    json_t *ints[LEAF_INTS];  /* 0 .. LEAF_INTS - 1, made on first use */
} leaf_cache;

/* json_real(v), shared with an equal one made before if the cache holds it. A new
 * reference (NULL as json_real gives it: out of memory, or not finite). */
static json_t *shared_real(leaf_cache *c, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t at = (size_t)((bits * UINT64_C(0x9E3779B97F4A7C15)) >> 52);
    for (int p = 0; p < LEAF_PROBES; p++) {
        size_t i = (at + (size_t)p) & (LEAF_SLOTS - 1);
        if (c->real[i] && c->bits[i] == bits)
            return json_incref(c->real[i]);
        if (!c->real[i]) {
            json_t *r = json_real(v);
            if (r) {
                c->real[i] = r;
                c->bits[i] = bits;
            }
            return json_incref(r);
        }
    }
    return json_real(v); /* the neighbourhood is full: a value of its own */
}

static json_t *shared_int(leaf_cache *c, uint64_t v)
{
    if (v >= LEAF_INTS)
        return json_integer((json_int_t)v);
    if (!c->ints[v])
        c->ints[v] = json_integer((json_int_t)v);
    return json_incref(c->ints[v]);
}

static leaf_cache *leaf_cache_new(void)
{
    return calloc(1, sizeof(leaf_cache));
}

/* The cache's own references go; the tree keeps what it took. */
static void leaf_cache_free(leaf_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < LEAF_SLOTS; i++)
        json_decref(c->real[i]);
    for (size_t i = 0; i < LEAF_INTS; i++)
        json_decref(c->ints[i]);
    free(c);
}

json_t *vs__report_timeseries(const vs_stats *st)
{
    const vs_timeseries *ts = &st->series;
    json_t *columns = json_array(), *rows = json_array();
    for (int c = 0; columns && c < VS_TS_COLUMNS; c++)
        json_array_append_new(columns, json_string(vs_ts_column_names[c]));
    for (size_t r = 0; rows && r < ts->nrows; r++) {
        json_t *row = json_array();
        for (int c = 0; row && c < VS_TS_COLUMNS; c++)
            json_array_append_new(row, json_real(ts->rows[r * VS_TS_COLUMNS + c]));
        json_array_append_new(rows, row);
    }
    /* clang-format off */
    return json_pack("{s:f, s:o, s:o}", "interval_s", (double)ts->interval_ns / 1e9, "columns",
                     columns, "rows", rows);
    /* clang-format on */
}

/* Three decimals of a mean number of migrations: 96 numbers a host stay short. */
static double rounded(double v)
{
    return round(v * 1000) / 1000;
}

/* Rows of the host series met before, by their numbers' bits: hosts that worked alike
 * (a lockstep drain's are all alike) share one row, as equal numbers share a leaf. */
#define ROW_SLOTS 256 /* a power of 2 */

typedef struct row_cache {
    uint64_t hash[ROW_SLOTS];
    json_t *row[ROW_SLOTS];                           /* NULL: a free slot */
    double values[ROW_SLOTS][VS_HOST_SERIES_BUCKETS]; /* each row's, to compare */
} row_cache;

static uint64_t row_hash(const double *v, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        uint64_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        h = (h ^ bits) * UINT64_C(0x100000001b3);
    }
    return h;
}

static json_t *new_row(leaf_cache *c, const double *v, size_t n)
{
    json_t *row = json_array();
    for (size_t b = 0; row && b < n; b++)
        json_array_append_new(row, shared_real(c, v[b]));
    return row;
}

/* The row of these n numbers: one met before, or a new one (kept if there is room). A
 * new reference, NULL out of memory. */
static json_t *shared_row(row_cache *rows, leaf_cache *c, const double *v, size_t n)
{
    uint64_t h = row_hash(v, n);
    size_t i = (size_t)(h & (ROW_SLOTS - 1));
    for (int p = 0; p < LEAF_PROBES; p++, i = (i + 1) & (ROW_SLOTS - 1)) {
        if (!rows->row[i]) {
            json_t *row = new_row(c, v, n);
            if (row) {
                rows->row[i] = json_incref(row);
                rows->hash[i] = h;
                memcpy(rows->values[i], v, n * sizeof *v);
            }
            return row;
        }
        if (rows->hash[i] == h && memcmp(rows->values[i], v, n * sizeof *v) == 0)
            return json_incref(rows->row[i]);
    }
    return new_row(c, v, n);
}

json_t *vs__report_host_series(const vs_stats *st)
{
    const vs_host_series *hs = &st->host_series;
    leaf_cache *c = leaf_cache_new();
    row_cache *rows = calloc(1, sizeof *rows);
    json_t *t = json_array(), *hosts = c && rows ? json_array() : NULL;
    for (size_t b = 0; t && b < hs->nbuckets; b++) {
        uint64_t end = b + 1 == hs->nbuckets ? hs->end_ns : (b + 1) * hs->bucket_ns;
        json_array_append_new(t, json_real((double)end / 1e9));
    }
    double v[VS_HOST_SERIES_BUCKETS];
    size_t n = hs->nbuckets < VS_HOST_SERIES_BUCKETS ? hs->nbuckets : VS_HOST_SERIES_BUCKETS;
    for (uint32_t h = 0; hosts && h < hs->nhosts; h++) {
        for (size_t b = 0; b < n; b++)
            v[b] = rounded(vs_host_series_mean(hs, h, b));
        json_array_append_new(hosts, shared_row(rows, c, v, n));
    }
    for (size_t i = 0; rows && i < ROW_SLOTS; i++)
        json_decref(rows->row[i]);
    free(rows);
    leaf_cache_free(c);
    /* clang-format off */
    return json_pack("{s:f, s:o, s:o}", "bucket_s", (double)hs->bucket_ns / 1e9, "t_s", t,
                     "migrations_mean", hosts);
    /* clang-format on */
}

/* A host's latencies, when the scenario keeps them (metrics.per_host). */
static json_t *host_latencies(const vs__report_ctx *rc, uint32_t h, json_t *empty)
{
    static const int lat[] = {VS_LAT_SAVE, VS_LAT_RESTORE, VS_LAT_BLACKOUT,
                              VS_LAT_PENDING_COMPLETION};
    if (!rc->st->host_latency || h >= rc->st->latency_hosts)
        return json_incref(empty); /* one {} for every host: nothing adds to it */
    json_t *o = vs__report_latencies(rc, &rc->st->host_latency[(size_t)h * VS_LAT_COUNT], lat,
                                     sizeof lat / sizeof lat[0]);
    /* Per-host curves would only repeat what the percentiles say, at length. */
    const char *name;
    json_t *v;
    json_object_foreach(o, name, v)
        json_object_del(v, "curve");
    return o;
}

/* "o" steals a reference even when json_pack fails (jansson >= 2.11); a NULL from the
 * cache (out of memory, or a double that is not finite) fails it as "f" would. */
static json_t *host_json(const vs__report_ctx *rc, uint32_t h, leaf_cache *c, json_t *empty)
{
    const vs_host_stats *hs = &rc->st->hosts[h];
    /* clang-format off */
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "host", (json_int_t)h,
                     "migrations_peak", shared_int(c, hs->migrations_peak),
                     "migrations_out", shared_int(c, hs->migrations_out),
                     "migrations_in", shared_int(c, hs->migrations_in),
                     "vms_end", shared_int(c, hs->vms_end),
                     "cpu_queue_peak", shared_int(c, hs->cpu_queue_peak),
                     "cpu_busy", shared_real(c, hs->cpu_busy),
                     "link_out", shared_real(c, hs->link_out), "link_in", shared_real(c, hs->link_in),
                     "latency_us", host_latencies(rc, h, empty));
    /* clang-format on */
}

json_t *vs__report_hosts(const vs__report_ctx *rc)
{
    const vs_stats *st = rc->st;
    uint32_t peak = 0, queue_peak = 0;
    double link_peak = 0;
    leaf_cache *c = leaf_cache_new();
    json_t *empty = json_object();
    json_t *per_host = c && empty ? json_array() : NULL;
    for (uint32_t h = 0; per_host && h < st->nhosts; h++) {
        const vs_host_stats *hs = &st->hosts[h];
        peak = hs->migrations_peak > peak ? hs->migrations_peak : peak;
        link_peak = hs->link_out > link_peak ? hs->link_out : link_peak;
        link_peak = hs->link_in > link_peak ? hs->link_in : link_peak;
        queue_peak = hs->cpu_queue_peak > queue_peak ? hs->cpu_queue_peak : queue_peak;
        json_array_append_new(per_host, host_json(rc, h, c, empty));
    }
    leaf_cache_free(c);
    json_decref(empty);
    /* clang-format off */
    return json_pack("{s:I, s:I, s:f, s:o}", "migrations_peak", (json_int_t)peak,
                     "cpu_queue_peak", (json_int_t)queue_peak, "link_busiest", link_peak,
                     "per_host", per_host);
    /* clang-format on */
}
