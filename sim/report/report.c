/*
 * report.c: building the report object from the model's measurements. Latencies are
 * simulated microseconds; throughputs are per simulated second of the measured time
 * (after warm-up).
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/json_alloc.h"
#include "report/report-int.h"

static const char *const SEQ_KEYS[] = {"issued", "completed", "pended", "failed", "timed_out"};

/* Per simulated second of measured time; 0 for a run that took no time. */
static double per_s(uint64_t n, uint64_t ns)
{
    return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

static json_t *seq_json(const vs_seq_counts *c)
{
    const uint64_t v[] = {c->issued, c->completed, c->pended, c->failed, c->timed_out};
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof v / sizeof v[0]; i++)
        json_object_set_new(o, SEQ_KEYS[i], json_integer((json_int_t)v[i]));
    return o;
}

static json_t *plugin_json(const vs__report_ctx *rc, size_t p)
{
    static const int lat[] = {VS_LAT_PENDING_COMPLETION, VS_LAT_CALLBACK};
    const vs_plugin_stats *ps = &rc->st->plugins[p];
    const vs_plugin_spec *spec = &rc->cfg->plugins[p];
    const char *path = spec->path;
    /* clang-format off */
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:{s:I, s:I}, s:o}",
        "name", spec->name, "path", path, "saves", (json_int_t)ps->saves,
        "restores", (json_int_t)ps->restores, "pended", (json_int_t)ps->pended,
        "failed", (json_int_t)ps->failed, "timed_out", (json_int_t)ps->timed_out,
        "late_completions", (json_int_t)ps->late_completions,
        "state_bytes", (json_int_t)ps->state_bytes,
        "returned", "success", (json_int_t)ps->returned_success,
        "pending", (json_int_t)ps->returned_pending, "error", (json_int_t)ps->returned_error,
        "memory", "peak_bytes", (json_int_t)ps->mem_peak,
        "allocations", (json_int_t)ps->mem_allocs,
        "latency_us", vs__report_latencies(rc, ps->latency, lat, 2));
    /* clang-format on */
    /* Where its simulated CPU cost came from: what it charged, or its measured CPU. */
    vs_plugin_timing t = vs_config_timing(rc->cfg, p);
    if (o && (json_object_set_new(
                  o, "timing",
                  json_string(t.mode == VS_TIMING_MEASURED ? "measured" : "charged")) != 0 ||
              json_object_set_new(o, "timing_scale", json_real(t.scale)) != 0 ||
              json_object_set_new(o, "timing_overhead_ns",
                                  json_integer(t.mode == VS_TIMING_MEASURED
                                                   ? (json_int_t)rc->info->clock_overhead_ns
                                                   : 0)) != 0)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* False when a plugin's costs were measured on this machine's CPU: the same scenario and
 * seed then give different reports. */
static bool deterministic(const vs_config *cfg)
{
    if (cfg->run.realtime)
        return false;
    for (size_t p = 0; p < cfg->nplugins; p++)
        if (vs_config_timing(cfg, p).mode == VS_TIMING_MEASURED)
            return false;
    return true;
}

static json_t *plugins_json(const vs__report_ctx *rc)
{
    json_t *a = json_array();
    for (size_t p = 0; a && p < rc->st->nplugins; p++)
        json_array_append_new(a, plugin_json(rc, p));
    return a;
}

static json_t *violations_json(const vs_violations *vs)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < vs->nkept; i++) {
        const vs_violation *v = &vs->kept[i];
        /* clang-format off */
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:I}", "rule", v->rule, "plugin",
                                           v->plugin, "detail", v->detail, "sim_time_ns",
                                           (json_int_t)v->sim_time_ns));
        /* clang-format on */
    }
    return a;
}

/* {rule: n} for the rules with any: counts[VS_RULE_COUNT]. */
static json_t *rule_counts_json(const uint64_t *counts)
{
    json_t *o = json_object();
    for (int r = 0; o && r < VS_RULE_COUNT; r++)
        if (counts[r])
            json_object_set_new(o, vs_rule_name((vs_rule)r), json_integer((json_int_t)counts[r]));
    return o;
}

/* {plugin: {rule: n}} for the plugins with any; "(unknown)" for no instance's. */
static json_t *by_plugin_json(const vs__report_ctx *rc)
{
    const vs_violations *vs = &rc->st->violations;
    json_t *o = json_object();
    for (size_t p = 0; o && p <= rc->st->nplugins; p++) {
        const uint64_t *counts = &vs->by_plugin[p * VS_RULE_COUNT];
        uint64_t any = 0;
        for (int r = 0; r < VS_RULE_COUNT; r++)
            any += counts[r];
        if (any)
            json_object_set_new(o, p < rc->st->nplugins ? rc->cfg->plugins[p].name : "(unknown)",
                                rule_counts_json(counts));
    }
    return o;
}

/* Exact counts, and the details of each rule's first VS_VIOLATIONS_KEPT (docs/report.md). */
static json_t *verifier_json(const vs__report_ctx *rc)
{
    const vs_violations *vs = &rc->st->violations;
    /* clang-format off */
    return json_pack("{s:I, s:o, s:o, s:b, s:I, s:o}", "total", (json_int_t)vs->total,
                     "counts", rule_counts_json(vs->by_rule), "by_plugin", by_plugin_json(rc),
                     "truncated", vs->total > vs->nkept, "kept_per_rule",
                     (json_int_t)VS_VIOLATIONS_KEPT, "violations", violations_json(vs));
    /* clang-format on */
}

static json_t *throughput_json(const vs__report_ctx *rc)
{
    const vs_stats *st = rc->st;
    uint64_t t = rc->measured_ns;
    /* clang-format off */
    return json_pack("{s:f, s:f, s:f, s:f, s:f}",
                     "saves_per_s", per_s(st->saves.completed, t),
                     "restores_per_s", per_s(st->restores.completed, t),
                     "migrations_per_s", per_s(st->migrations.completed, t),
                     "callbacks_per_s", per_s(st->callbacks, t),
                     "state_bytes_per_s", per_s(st->state_bytes, t));
    /* clang-format on */
}

static json_t *in_flight_json(const vs__report_ctx *rc)
{
    const vs_stats *st = rc->st;
    uint64_t end = rc->info->sim_time_ns;
    /* clang-format off */
    return json_pack("{s:f, s:I, s:f, s:I, s:f, s:I}",
                     "pending_mean", vs_gauge_mean(&st->pending.total, end),
                     "pending_max", (json_int_t)st->pending.total.peak,
                     "migrations_mean", vs_gauge_mean(&st->migrations_in_flight.total, end),
                     "migrations_max", (json_int_t)st->migrations_in_flight.total.peak,
                     "saves_mean", vs_gauge_mean(&st->saves_in_flight.total, end),
                     "saves_max", (json_int_t)st->saves_in_flight.total.peak);
    /* clang-format on */
}

/* How operations ended, and where the failed ones failed first (docs/sequence.md). */
static json_t *ops_json(const vs_op_counts *c, uint64_t queued)
{
    json_t *at = json_object();
    for (int k = VS_CAUSE_VALIDATION; at && k < VS_CAUSES; k++)
        json_object_set_new(at, vs_fail_cause_names[k], json_integer((json_int_t)c->failed_at[k]));
    /* clang-format off */
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
                     "started", (json_int_t)c->started, "completed", (json_int_t)c->completed,
                     "failed", (json_int_t)c->failed, "timed_out", (json_int_t)c->timed_out,
                     "queued", (json_int_t)queued, "refused", (json_int_t)c->refused,
                     "retried_elsewhere", (json_int_t)c->retried,
                     "online_without_state", (json_int_t)c->online_without_state,
                     "vm_off", (json_int_t)c->vm_off, "failed_at", at);
    /* clang-format on */
}

/* The memory model's migrations (docs/capacity.md): rounds, bytes on the wire, and the
 * bandwidth their rounds got; all zero with the measured model. */
static json_t *precopy_json(const vs__report_ctx *rc)
{
    const vs_stats *st = rc->st;
    double n = (double)st->precopy.migrations;
    double gbps = st->precopy.precopy_ns_sum > 0
                      ? st->precopy.precopy_bytes_sum * 8 / st->precopy.precopy_ns_sum
                      : 0.0;
    /* clang-format off */
    return json_pack("{s:s, s:I, s:f, s:I, s:f, s:f}",
                     "model", rc->cfg->migration.model == VS_PRECOPY_MEMORY ? "memory" : "measured",
                     "migrations", (json_int_t)st->precopy.migrations,
                     "rounds_mean", n > 0 ? (double)st->precopy.rounds_sum / n : 0.0,
                     "rounds_max", (json_int_t)st->precopy.rounds_max,
                     "gib_sent_mean", n > 0 ? st->precopy.bytes_sum / n / (1024.0 * 1024 * 1024) : 0.0,
                     "effective_gbps", gbps);
    /* clang-format on */
}

/* Completed migrations' mean time by how many ran at once on their source. */
static json_t *by_at_once_json(const vs_stats *st)
{
    json_t *a = json_array();
    for (int k = 1; a && k <= VS_AT_ONCE_MAX; k++)
        if (st->by_at_once[k].count)
            /* clang-format off */
            json_array_append_new(a, json_pack("{s:i, s:I, s:f}", "at_once", k, "count",
                                               (json_int_t)st->by_at_once[k].count, "mean_s",
                                               st->by_at_once[k].ns_sum /
                                                   (double)st->by_at_once[k].count / 1e9));
    /* clang-format on */
    return a;
}

/* A completed migration's blackout by part; the parts' means add up to the blackout's. */
static json_t *blackout_parts_json(const vs__report_ctx *rc)
{
    static const char *const names[VS_BLACKOUT_PARTS] = {"save", "source_teardown", "transfer",
                                                         "nic_connect", "restore"};
    json_t *o = json_object();
    for (int p = 0; o && p < VS_BLACKOUT_PARTS; p++)
        json_object_set_new(o, names[p], vs__report_latency(rc, &rc->st->blackout_parts[p]));
    return o;
}

static json_t *ndis_json(const vs_stats *st)
{
    const vs_hist *h = &st->oids_per_save;
    /* clang-format off */
    return json_pack("{s:I, s:I, s:I, s:f, s:{s:I, s:I, s:I}, s:I}",
                     "save_oids", (json_int_t)st->save_oids,
                     "restore_oids", (json_int_t)st->restore_oids,
                     "segments", (json_int_t)st->segments,
                     "save_oids_per_save", vs_hist_mean(h),
                     "save_oids_per_save_dist", "p50", (json_int_t)vs_hist_quantile(h, 0.5),
                     "p99", (json_int_t)vs_hist_quantile(h, 0.99), "max", (json_int_t)h->max,
                     "oversized_states", (json_int_t)st->oversized_states);
    /* clang-format on */
}

static json_t *drain_json(const vs_drain_stats *d)
{
    double started = (double)d->started_ns / 1e9, finished = (double)d->finished_ns / 1e9;
    /* clang-format off */
    return json_pack("{s:b, s:b, s:I, s:I, s:I, s:f, s:f, s:f}", "active", d->active,
                     "finished", d->finished, "hosts", (json_int_t)d->hosts, "vms",
                     (json_int_t)d->vms, "failed", (json_int_t)d->failed, "started_s", started,
                     "finished_s", d->finished ? finished : 0.0, "duration_s",
                     d->finished ? finished - started : 0.0);
    /* clang-format on */
}

/* null, or which callout crashed the run, in which callback, with what. */
static json_t *crashed_json(const vs_run_info *info)
{
    if (!info->crashed.plugin)
        return json_null();
    /* clang-format off */
    return json_pack("{s:s, s:s, s:s, s:I}", "plugin", info->crashed.plugin,
                     "callback", info->crashed.callback, "signal", info->crashed.signal,
                     "sim_time_ns", (json_int_t)info->crashed.sim_time_ns);
    /* clang-format on */
}

static json_t *head_json(const vs__report_ctx *rc)
{
    const vs_run_info *info = rc->info;
    /* clang-format off */
    return json_pack("{s:s, s:I, s:b, s:f, s:f, s:f, s:I, s:f, s:b, s:o}",
                     "scenario", rc->cfg->name ? rc->cfg->name : "",
                     "seed", (json_int_t)rc->cfg->seed,
                     "deterministic", deterministic(rc->cfg),
                     "sim_time_s", (double)info->sim_time_ns / 1e9,
                     "measured_from_s", (double)rc->st->measure_start_ns / 1e9,
                     "wall_time_s", info->wall_time_s, "events", (json_int_t)info->events,
                     "events_per_wall_s",
                     info->wall_time_s > 0 ? (double)info->events / info->wall_time_s : 0.0,
                     "interrupted", info->interrupted, "crashed", crashed_json(info));
    /* clang-format on */
}

static json_t *body_json(const vs__report_ctx *rc)
{
    static const int lat[] = {VS_LAT_PENDING_COMPLETION, VS_LAT_SAVE,     VS_LAT_RESTORE,
                              VS_LAT_CALLBACK,           VS_LAT_BLACKOUT, VS_LAT_MIGRATION,
                              VS_LAT_SLOT_WAIT};
    const vs_stats *st = rc->st;
    /* clang-format off */
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:[], "
        "s:o, s:o, s:o, s:I, s:o, s:o}",
        "saves", seq_json(&st->saves), "restores", seq_json(&st->restores),
        "migrations", ops_json(&st->migrations, st->operations_queued),
        "local_save_restores", ops_json(&st->local, 0), "throughput", throughput_json(rc),
        "latency_us", vs__report_latencies(rc, st->latency, lat, VS_LAT_COUNT),
        "in_flight", in_flight_json(rc), "ndis", ndis_json(st), "hosts", vs__report_hosts(rc),
        "drain", drain_json(&st->drain), "callbacks", (json_int_t)st->callbacks,
        "state_bytes", (json_int_t)st->state_bytes,
        "corrupted_in_transfer", (json_int_t)st->corrupted_in_transfer,
        "timeseries", vs__report_timeseries(st), "plugins", plugins_json(rc), "slo",
        "verifier", verifier_json(rc),
        "blackout_us", blackout_parts_json(rc), "vm_starts", ops_json(&st->starts, 0),
        "skipped_vm_off", (json_int_t)st->skipped_vm_off, "precopy", precopy_json(rc),
        "migration_by_at_once", by_at_once_json(st));
    /* clang-format on */
}

/* Only in realtime runs: a virtual-time report keeps its bytes. */
static json_t *realtime_json(const vs_stats *st)
{
    const vs_realtime_stats *rt = &st->realtime;
    const uint64_t *h = rt->late_hist;
    /* clang-format off */
    return json_pack("{s:f, s:I, s:I, s:f, s:f, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:f, s:f, s:I, s:I}",
                     "speed", rt->speed, "wakeups", (json_int_t)rt->wakeups,
                     "late_timers", (json_int_t)rt->late_timers,
                     "late_max_ms", (double)rt->late_max_ns / 1e6,
                     "late_mean_ms",
                     rt->late_timers ? (double)rt->late_total_ns / 1e6 / (double)rt->late_timers
                                     : 0.0,
                     "late_ms_histogram", "lt_2", (json_int_t)h[0], "lt_5", (json_int_t)h[1],
                     "lt_10", (json_int_t)h[2], "lt_50", (json_int_t)h[3], "lt_100",
                     (json_int_t)h[4], "ge_100", (json_int_t)h[5],
                     "lag_max_s", rt->lag_max_s,
                     "paused_s", (double)rt->paused_ns / 1e9,
                     "foreign_completions", (json_int_t)rt->foreign_completions,
                     "inbox_peak", (json_int_t)rt->inbox_peak);
    /* clang-format on */
}

json_t *vs_report_build(const vs_config *cfg, const vs_stats *st, const vs_run_info *info)
{
    vs__report_ctx rc = {cfg, st, info, 0};
    rc.measured_ns =
        info->sim_time_ns > st->measure_start_ns ? info->sim_time_ns - st->measure_start_ns : 0;
    json_t *r = head_json(&rc), *body = body_json(&rc);
    if (!r || !body || json_object_update(r, body) != 0) {
        json_decref(r);
        json_decref(body);
        return NULL;
    }
    json_decref(body);
    if (st->realtime.active && json_object_set_new(r, "realtime", realtime_json(st)) != 0) {
        json_decref(r);
        return NULL;
    }
    /* Only a drain keeps it: other reports keep their bytes. */
    if (st->host_series.nhosts &&
        json_object_set_new(r, "host_series", vs__report_host_series(st)) != 0) {
        json_decref(r);
        return NULL;
    }
    return r;
}

/* ---- Paths into the report ------------------------------------------------------- */

uint64_t vs_report_violations(const json_t *report)
{
    const json_t *v = json_object_get(report, "verifier");
    const json_t *total = json_object_get(v, "total");
    if (json_is_integer(total) && json_integer_value(total) >= 0)
        return (uint64_t)json_integer_value(total);
    return json_array_size(json_object_get(v, "violations"));
}

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

char *vs_report_dumps(const json_t *report)
{
    unsigned long failed = vs_json_alloc_failures();
    char *text = json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    if (text && vs_json_alloc_failures() != failed) { /* jansson left a part out */
        free(text);
        return NULL;
    }
    return text;
}
