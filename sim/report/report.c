/*
 * report.c: building the report object from the model's measurements. Latencies are
 * simulated microseconds; throughputs are per simulated second.
 */
#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/metric_names.h"

static const char *const SEQ_KEYS[] = {"issued", "completed", "pended", "failed", "timed_out"};

static double us(uint64_t ns)
{
    return (double)ns / 1000.0;
}

/* Per simulated second over the whole run; 0 for a run that took no time. */
static double per_s(uint64_t n, uint64_t sim_ns)
{
    return sim_ns ? (double)n * 1e9 / (double)sim_ns : 0.0;
}

static json_t *latency_json(const vs_hist *h)
{
    return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                     "count", (json_int_t)h->count,
                     "mean", vs_hist_mean(h) / 1000.0,
                     "min", us(h->count ? h->min : 0),
                     "max", us(h->max),
                     "p50", us(vs_hist_quantile(h, 0.50)),
                     "p90", us(vs_hist_quantile(h, 0.90)),
                     "p99", us(vs_hist_quantile(h, 0.99)),
                     "p999", us(vs_hist_quantile(h, 0.999)));
}

static json_t *latencies_json(const vs_hist h[VS_LAT_COUNT], const int *which, int n)
{
    json_t *o = json_object();
    for (int i = 0; o && i < n; i++)
        json_object_set_new(o, vs_latency_names[which[i]], latency_json(&h[which[i]]));
    return o;
}

static json_t *seq_json(const vs_seq_counts *c)
{
    const uint64_t v[] = {c->issued, c->completed, c->pended, c->failed, c->timed_out};
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof v / sizeof v[0]; i++)
        json_object_set_new(o, SEQ_KEYS[i], json_integer((json_int_t)v[i]));
    return o;
}

static json_t *plugin_json(const vs_config *cfg, const vs_stats *st, size_t p,
                           const vs_run_info *info)
{
    static const int lat[] = {VS_LAT_PENDING_COMPLETION, VS_LAT_CALLBACK};
    const vs_plugin_stats *ps = &st->plugins[p];
    const char *path = info->plugin_paths ? info->plugin_paths[p] : cfg->plugins[p].path;
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I}, s:o}",
                     "name", cfg->plugins[p].name, "path", path,
                     "saves", (json_int_t)ps->saves, "restores", (json_int_t)ps->restores,
                     "pended", (json_int_t)ps->pended, "failed", (json_int_t)ps->failed,
                     "timed_out", (json_int_t)ps->timed_out,
                     "late_completions", (json_int_t)ps->late_completions,
                     "state_bytes", (json_int_t)ps->state_bytes,
                     "memory", "peak_bytes", (json_int_t)ps->mem_peak,
                     "allocations", (json_int_t)ps->mem_allocs,
                     "latency_us", latencies_json(ps->latency, lat, 2));
}

static json_t *violations_json(const vs_stats *st)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < st->nviolations; i++) {
        const vs_violation *v = &st->violations[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I}", "rule", v->rule, "plugin",
                                           v->plugin, "detail", v->detail, "sim_time_ns",
                                           (json_int_t)v->sim_time_ns));
    }
    return a;
}

static json_t *throughput_json(const vs_stats *st, uint64_t t)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:f}",
                     "saves_per_s", per_s(st->saves.completed, t),
                     "restores_per_s", per_s(st->restores.completed, t),
                     "migrations_per_s", per_s(st->migrations.completed, t),
                     "callbacks_per_s", per_s(st->callbacks, t),
                     "state_bytes_per_s", per_s(st->state_bytes, t));
}

static json_t *in_flight_json(const vs_stats *st, uint64_t t)
{
    return json_pack("{s:f, s:I, s:f, s:I}",
                     "pending_mean", vs_gauge_mean(&st->pending, t),
                     "pending_max", (json_int_t)st->pending.peak,
                     "migrations_mean", vs_gauge_mean(&st->migrations_in_flight, t),
                     "migrations_max", (json_int_t)st->migrations_in_flight.peak);
}

static json_t *ops_json(const vs_op_counts *c, uint64_t queued)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "started", (json_int_t)c->started,
                     "completed", (json_int_t)c->completed, "failed", (json_int_t)c->failed,
                     "timed_out", (json_int_t)c->timed_out, "queued", (json_int_t)queued);
}

static json_t *ndis_json(const vs_stats *st)
{
    uint64_t saves = st->saves.completed + st->saves.failed;
    return json_pack("{s:I, s:I, s:I, s:f, s:I}", "save_oids", (json_int_t)st->save_oids,
                     "restore_oids", (json_int_t)st->restore_oids, "segments",
                     (json_int_t)st->segments, "save_oids_per_save",
                     saves ? (double)st->save_oids / (double)saves : 0.0, "oversized_states",
                     (json_int_t)st->oversized_states);
}

static json_t *host_json(uint32_t h, const vs_host_stats *hs)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f}", "host", (json_int_t)h,
                     "migrations_peak", (json_int_t)hs->migrations_peak,
                     "migrations_out", (json_int_t)hs->migrations_out,
                     "migrations_in", (json_int_t)hs->migrations_in,
                     "vms_end", (json_int_t)hs->vms_end,
                     "cpu_queue_peak", (json_int_t)hs->cpu_queue_peak, "cpu_busy", hs->cpu_busy);
}

static json_t *hosts_json(const vs_stats *st)
{
    uint32_t peak = 0, queue_peak = 0;
    json_t *per_host = json_array();
    for (uint32_t h = 0; per_host && h < st->nhosts; h++) {
        const vs_host_stats *hs = &st->hosts[h];
        peak = hs->migrations_peak > peak ? hs->migrations_peak : peak;
        queue_peak = hs->cpu_queue_peak > queue_peak ? hs->cpu_queue_peak : queue_peak;
        json_array_append_new(per_host, host_json(h, hs));
    }
    return json_pack("{s:I, s:I, s:o}", "migrations_peak", (json_int_t)peak, "cpu_queue_peak",
                     (json_int_t)queue_peak, "per_host", per_host);
}

static json_t *drain_json(const vs_drain_stats *d)
{
    double started = (double)d->started_ns / 1e9, finished = (double)d->finished_ns / 1e9;
    return json_pack("{s:b, s:b, s:I, s:I, s:I, s:f, s:f, s:f}", "active", d->active,
                     "finished", d->finished, "hosts", (json_int_t)d->hosts, "vms",
                     (json_int_t)d->vms, "failed", (json_int_t)d->failed, "started_s", started,
                     "finished_s", d->finished ? finished : 0.0, "duration_s",
                     d->finished ? finished - started : 0.0);
}

json_t *vs_report_build(const vs_config *cfg, const vs_stats *st, const vs_run_info *info)
{
    static const int lat[] = {VS_LAT_PENDING_COMPLETION, VS_LAT_SAVE, VS_LAT_RESTORE,
                              VS_LAT_CALLBACK, VS_LAT_BLACKOUT, VS_LAT_MIGRATION,
                              VS_LAT_SLOT_WAIT};
    uint64_t t = info->sim_time_ns;
    json_t *plugins = json_array();
    for (size_t p = 0; plugins && p < st->nplugins; p++)
        json_array_append_new(plugins, plugin_json(cfg, st, p, info));
    json_t *r = json_pack(
        "{s:s, s:I, s:f, s:f, s:I, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "scenario", cfg->name ? cfg->name : "", "seed", (json_int_t)cfg->seed,
        "sim_time_s", (double)t / 1e9, "wall_time_s", info->wall_time_s,
        "events", (json_int_t)info->events,
        "events_per_wall_s", info->wall_time_s > 0 ? (double)info->events / info->wall_time_s : 0.0,
        "saves", seq_json(&st->saves), "restores", seq_json(&st->restores),
        "migrations", ops_json(&st->migrations, st->operations_queued),
        "local_save_restores", ops_json(&st->local, 0), "throughput", throughput_json(st, t),
        "latency_us", latencies_json(st->latency, lat, VS_LAT_COUNT),
        "in_flight", in_flight_json(st, t), "ndis", ndis_json(st), "hosts", hosts_json(st),
        "drain", drain_json(&st->drain));
    json_t *rest = json_pack("{s:I, s:I, s:I, s:o, s:[], s:{s:o}}",
                             "callbacks", (json_int_t)st->callbacks,
                             "state_bytes", (json_int_t)st->state_bytes,
                             "corrupted_in_transfer", (json_int_t)st->corrupted_in_transfer,
                             "plugins", plugins, "slo", "verifier", "violations",
                             violations_json(st));
    if (!r || !rest || json_object_update(r, rest) != 0) {
        json_decref(r);
        json_decref(rest);
        return NULL;
    }
    json_decref(rest);
    return r;
}

/* ---- Paths into the report ------------------------------------------------------- */

bool vs_report_lookup(const json_t *report, const char *path, double *value)
{
    char key[128];
    const json_t *node = report;
    while (node && *path) {
        size_t n = strcspn(path, ".");
        if (n == 0 || n >= sizeof key)
            return false;
        memcpy(key, path, n);
        key[n] = '\0';
        node = json_is_object(node) ? json_object_get(node, key) : NULL;
        path += n + (path[n] == '.');
    }
    if (!json_is_number(node))
        return false;
    *value = json_number_value(node);
    return true;
}

/* The metric names are whatever numbers an empty report carries, so the list of what
 * an SLO may name cannot drift from what the report holds. */
bool vs_report_metric_known(const char *path)
{
    vs_config cfg = {.name = "", .metrics.histogram_rel_error = 0.01};
    vs_stats st;
    double v;
    if (vs_stats_init(&st, 0, 0.01) != 0)
        return false;
    vs_run_info info = {0};
    json_t *r = vs_report_build(&cfg, &st, &info);
    bool known = r && strncmp(path, "plugins", 7) != 0 && vs_report_lookup(r, path, &v);
    json_decref(r);
    vs_stats_close(&st);
    return known;
}

char *vs_report_dumps(const json_t *report)
{
    return json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
}
