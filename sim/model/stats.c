/*
 * stats.c: the model's measurements: setting them up, recording latencies overall,
 * per host and per time-series interval, closing intervals into rows, and restarting
 * the totals after warm-up.
 */
#include "model/stats.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

const char *const vs_latency_names[VS_LAT_COUNT] = {
    "pending_completion", "save", "restore", "callback", "blackout", "migration", "slot_wait"};

const char *const vs_fail_cause_names[VS_CAUSES] = {
    "none", "validation", "operational_port", "save", "nic_connect", "restore", "timeout"};

const char *const vs_ts_column_names[VS_TS_COLUMNS] = {"t_s",
                                                       "saves_per_s",
                                                       "restores_per_s",
                                                       "migrations_per_s",
                                                       "pending_in_flight_mean",
                                                       "pending_in_flight_max",
                                                       "migrations_in_flight_mean",
                                                       "migrations_in_flight_max",
                                                       "saves_in_flight_mean",
                                                       "blackout_p50_us",
                                                       "blackout_p99_us",
                                                       "pending_completion_p50_us",
                                                       "pending_completion_p99_us",
                                                       "save_p99_us",
                                                       "network_gbps",
                                                       "link_busiest_pct",
                                                       "violations",
                                                       "migrations_waiting_mean",
                                                       "migrations_waiting_max",
                                                       "slot_wait_p99_us"};

static int hists_init(vs_hist *h, size_t n, double rel_error)
{
    for (size_t i = 0; i < n; i++)
        if (vs_hist_init(&h[i], rel_error) != 0)
            return -1;
    return 0;
}

static void hists_close(vs_hist *h, size_t n)
{
    for (size_t i = 0; h && i < n; i++)
        vs_hist_close(&h[i]);
}

static void levels_init(vs_stats *st)
{
    vs_level *levels[] = {&st->pending, &st->migrations_in_flight, &st->saves_in_flight,
                          &st->migrations_waiting};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        vs_gauge_init(&levels[i]->total, 0);
        vs_gauge_init(&levels[i]->window, 0);
    }
}

int vs_stats_init(vs_stats *st, size_t nplugins, uint32_t nhosts, double rel_error,
                  uint64_t interval_ns)
{
    memset(st, 0, sizeof *st);
    st->plugins = calloc(nplugins ? nplugins : 1, sizeof *st->plugins);
    st->violations.by_plugin = calloc((nplugins + 1) * VS_RULE_COUNT, sizeof(uint64_t));
    st->host_latency = nhosts ? calloc((size_t)nhosts * VS_LAT_COUNT, sizeof(vs_hist)) : NULL;
    st->nplugins = nplugins;
    st->latency_hosts = nhosts;
    st->series.interval_ns = interval_ns;
    levels_init(st);
    if (!st->plugins || !st->violations.by_plugin || (nhosts && !st->host_latency) ||
        hists_init(st->latency, VS_LAT_COUNT, rel_error) != 0 ||
        hists_init(&st->oids_per_save, 1, rel_error) != 0 ||
        hists_init(st->blackout_parts, VS_BLACKOUT_PARTS, rel_error) != 0 ||
        hists_init(st->series.latency, VS_TS_LATENCIES, rel_error) != 0 ||
        hists_init(st->host_latency, (size_t)nhosts * VS_LAT_COUNT, rel_error) != 0)
        return vs_stats_close(st), -1; /* what was made so far: nothing for the caller */
    for (size_t p = 0; p < nplugins; p++)
        if (hists_init(st->plugins[p].latency, VS_LAT_COUNT, rel_error) != 0)
            return vs_stats_close(st), -1;
    return 0;
}

void vs_stats_close(vs_stats *st)
{
    hists_close(st->latency, VS_LAT_COUNT);
    hists_close(&st->oids_per_save, 1);
    hists_close(st->blackout_parts, VS_BLACKOUT_PARTS);
    hists_close(st->series.latency, VS_TS_LATENCIES);
    hists_close(st->host_latency, (size_t)st->latency_hosts * VS_LAT_COUNT);
    free(st->host_latency);
    free(st->series.rows);
    vs_host_series_close(&st->host_series);
    for (size_t p = 0; st->plugins && p < st->nplugins; p++)
        hists_close(st->plugins[p].latency, VS_LAT_COUNT);
    free(st->plugins);
    free(st->hosts);
    for (size_t i = 0; i < st->violations.nkept; i++) {
        free(st->violations.kept[i].rule);
        free(st->violations.kept[i].plugin);
        free(st->violations.kept[i].detail);
    }
    free(st->violations.kept);
    free(st->violations.by_plugin);
    memset(st, 0, sizeof *st);
}

/* ---- Recording --------------------------------------------------------------------- */

void vs_level_add(vs_level *l, uint64_t now, int64_t delta)
{
    vs_gauge_add(&l->total, now, delta);
    vs_gauge_add(&l->window, now, delta);
}

/* ---- The time series ---------------------------------------------------------------- */

static double us_at(const vs_hist *h, double q)
{
    return (double)vs_hist_quantile(h, q) / 1000.0;
}

static void fill_row(vs_stats *st, double *row, uint64_t now)
{
    vs_timeseries *ts = &st->series;
    double secs = (double)(now - ts->window_start) / 1e9;
    row[VS_TS_T] = (double)now / 1e9;
    row[VS_TS_SAVES_PER_S] = (double)(st->saves.completed - ts->saves_before) / secs;
    row[VS_TS_RESTORES_PER_S] = (double)(st->restores.completed - ts->restores_before) / secs;
    row[VS_TS_MIGRATIONS_PER_S] = (double)(st->migrations.completed - ts->migrations_before) / secs;
    row[VS_TS_PENDING_MEAN] = vs_gauge_mean(&st->pending.window, now);
    row[VS_TS_PENDING_MAX] = (double)st->pending.window.peak;
    row[VS_TS_MIGRATIONS_MEAN] = vs_gauge_mean(&st->migrations_in_flight.window, now);
    row[VS_TS_MIGRATIONS_MAX] = (double)st->migrations_in_flight.window.peak;
    row[VS_TS_SAVES_MEAN] = vs_gauge_mean(&st->saves_in_flight.window, now);
    row[VS_TS_BLACKOUT_P50] = us_at(&ts->latency[VS_TS_LAT_BLACKOUT], 0.50);
    row[VS_TS_BLACKOUT_P99] = us_at(&ts->latency[VS_TS_LAT_BLACKOUT], 0.99);
    row[VS_TS_PENDING_P50] = us_at(&ts->latency[VS_TS_LAT_PENDING], 0.50);
    row[VS_TS_PENDING_P99] = us_at(&ts->latency[VS_TS_LAT_PENDING], 0.99);
    row[VS_TS_SAVE_P99] = us_at(&ts->latency[VS_TS_LAT_SAVE], 0.99);
    row[VS_TS_NETWORK_GBPS] = ts->network_gbps;
    row[VS_TS_LINK_BUSIEST] = ts->link_busiest_pct;
    row[VS_TS_VIOLATIONS] = (double)(st->violations.total - ts->violations_before);
    row[VS_TS_WAITING_MEAN] = vs_gauge_mean(&st->migrations_waiting.window, now);
    row[VS_TS_WAITING_MAX] = (double)st->migrations_waiting.window.peak;
    row[VS_TS_SLOT_WAIT_P99] = us_at(&ts->latency[VS_TS_LAT_SLOT_WAIT], 0.99);
}

/* The next interval starts at `now`: counts, levels and histograms measure from here. */
static void window_restart(vs_stats *st, uint64_t now)
{
    vs_timeseries *ts = &st->series;
    ts->window_start = now;
    ts->saves_before = st->saves.completed;
    ts->restores_before = st->restores.completed;
    ts->migrations_before = st->migrations.completed;
    ts->violations_before = st->violations.total;
    vs_gauge_restart(&st->pending.window, now);
    vs_gauge_restart(&st->migrations_in_flight.window, now);
    vs_gauge_restart(&st->saves_in_flight.window, now);
    vs_gauge_restart(&st->migrations_waiting.window, now);
    for (int i = 0; i < VS_TS_LATENCIES; i++)
        vs_hist_reset(&ts->latency[i]);
}

int vs_stats_series_row(vs_stats *st, uint64_t now)
{
    vs_timeseries *ts = &st->series;
    if (now <= ts->window_start)
        return 0;               /* an interval of no time has no rates */
    if (ts->nrows == ts->cap) { /* rows of VS_TS_COLUMNS doubles: not VS_GROW's shape */
        size_t cap = ts->cap ? ts->cap * 2 : 64;
        double *rows = realloc(ts->rows, cap * VS_TS_COLUMNS * sizeof *rows);
        if (!rows)
            return -1;
        ts->rows = rows;
        ts->cap = cap;
    }
    fill_row(st, &ts->rows[ts->nrows++ * VS_TS_COLUMNS], now);
    window_restart(st, now);
    return 0;
}

/* ---- Migrations per host over time --------------------------------------------------- */

int vs_host_series_init(vs_host_series *hs, uint32_t nhosts, uint64_t interval_ns)
{
    *hs = (vs_host_series){.nhosts = nhosts, .bucket_ns = interval_ns};
    hs->area = calloc((size_t)nhosts * VS_HOST_SERIES_BUCKETS, sizeof *hs->area);
    hs->mark = calloc(nhosts, sizeof *hs->mark);
    if (!hs->area || !hs->mark || !interval_ns)
        return vs_host_series_close(hs), -1;
    return 0;
}

void vs_host_series_close(vs_host_series *hs)
{
    free(hs->area);
    free(hs->mark);
    *hs = (vs_host_series){0};
}

/* All buckets used: each pair becomes one bucket twice as long. */
static void host_series_halve(vs_host_series *hs)
{
    for (uint32_t h = 0; h < hs->nhosts; h++) {
        double *a = &hs->area[(size_t)h * VS_HOST_SERIES_BUCKETS];
        for (size_t b = 0; b < VS_HOST_SERIES_BUCKETS / 2; b++)
            a[b] = a[2 * b] + a[2 * b + 1];
        for (size_t b = VS_HOST_SERIES_BUCKETS / 2; b < VS_HOST_SERIES_BUCKETS; b++)
            a[b] = 0;
    }
    hs->nbuckets = (hs->nbuckets + 1) / 2;
    hs->bucket_ns *= 2;
}

void vs_host_series_add(vs_host_series *hs, uint64_t now, const double *total)
{
    if (!hs->nhosts || now <= hs->end_ns)
        return;
    /* Intervals start on multiples of the first bucket's length, so one never spans two
     * buckets. */
    size_t b = (size_t)(hs->end_ns / hs->bucket_ns);
    while (b >= VS_HOST_SERIES_BUCKETS) {
        host_series_halve(hs);
        b = (size_t)(hs->end_ns / hs->bucket_ns);
    }
    for (uint32_t h = 0; h < hs->nhosts; h++) {
        hs->area[(size_t)h * VS_HOST_SERIES_BUCKETS + b] += total[h] - hs->mark[h];
        hs->mark[h] = total[h];
    }
    hs->nbuckets = b + 1;
    hs->end_ns = now;
}

double vs_host_series_mean(const vs_host_series *hs, uint32_t h, size_t b)
{
    uint64_t start = (uint64_t)b * hs->bucket_ns;
    uint64_t end = b + 1 == hs->nbuckets ? hs->end_ns : start + hs->bucket_ns;
    return end > start ? hs->area[(size_t)h * VS_HOST_SERIES_BUCKETS + b] / (double)(end - start)
                       : 0;
}

/* ---- Warm-up ------------------------------------------------------------------------ */

static void hists_reset(vs_hist *h, size_t n)
{
    for (size_t i = 0; h && i < n; i++)
        vs_hist_reset(&h[i]);
}

static void plugin_restart(vs_plugin_stats *ps)
{
    uint64_t mem_bytes = ps->mem_bytes; /* what is allocated stays allocated */
    vs_hist latency[VS_LAT_COUNT];
    memcpy(latency, ps->latency, sizeof latency);
    memset(ps, 0, sizeof *ps);
    memcpy(ps->latency, latency, sizeof latency);
    hists_reset(ps->latency, VS_LAT_COUNT);
    ps->mem_bytes = ps->mem_peak = mem_bytes;
}

void vs_stats_sync(vs_stats *st)
{
    vs_hist *all = &st->latency[VS_LAT_CALLBACK];
    vs_hist_reset(all);
    for (size_t p = 0; p < st->nplugins; p++)
        vs_hist_merge(all, &st->plugins[p].latency[VS_LAT_CALLBACK]); /* same precision */
}

void vs_stats_restart(vs_stats *st, uint64_t now)
{
    memset(&st->saves, 0, sizeof st->saves);
    memset(&st->restores, 0, sizeof st->restores);
    memset(&st->migrations, 0, sizeof st->migrations);
    memset(&st->local, 0, sizeof st->local);
    memset(&st->starts, 0, sizeof st->starts);
    memset(&st->precopy, 0, sizeof st->precopy);
    memset(st->by_at_once, 0, sizeof st->by_at_once);
    st->skipped_vm_off = 0;
    st->operations_queued = st->state_bytes = st->corrupted_in_transfer = 0;
    st->oversized_states = st->callbacks = st->save_oids = st->restore_oids = 0;
    st->segments = 0;
    hists_reset(st->latency, VS_LAT_COUNT);
    hists_reset(&st->oids_per_save, 1);
    hists_reset(st->blackout_parts, VS_BLACKOUT_PARTS);
    hists_reset(st->host_latency, (size_t)st->latency_hosts * VS_LAT_COUNT);
    vs_gauge_restart(&st->pending.total, now);
    vs_gauge_restart(&st->migrations_in_flight.total, now);
    vs_gauge_restart(&st->migrations_waiting.total, now);
    vs_gauge_restart(&st->saves_in_flight.total, now);
    for (size_t p = 0; p < st->nplugins; p++)
        plugin_restart(&st->plugins[p]);
    st->measure_start_ns = now;
    window_restart(st, now);
}

static int keep_violation(vs_violations *vs, const char *rule, const char *plugin, uint64_t t,
                          const char *detail)
{
    if (VS_GROW(vs->kept, vs->kept_cap, vs->nkept + 1) != 0)
        return -1;
    vs_violation v = {strdup(rule), strdup(plugin), strdup(detail), t};
    if (!v.rule || !v.plugin || !v.detail) {
        free(v.rule);
        free(v.plugin);
        free(v.detail);
        return -1;
    }
    vs->kept[vs->nkept++] = v;
    return 0;
}

int vs_stats_add_violation(vs_stats *st, vs_rule rule, size_t plugin, const char *plugin_name,
                           uint64_t t, const char *detail)
{
    vs_violations *vs = &st->violations;
    if ((unsigned)rule >= VS_RULE_COUNT)
        return -1;
    if (plugin > st->nplugins)
        plugin = st->nplugins;
    vs->total++;
    vs->by_plugin[plugin * VS_RULE_COUNT + rule]++;
    if (++vs->by_rule[rule] > VS_VIOLATIONS_KEPT)
        return 0;
    return keep_violation(vs, vs_rule_name(rule), plugin_name, t, detail);
}
