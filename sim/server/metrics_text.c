/*
 * metrics_text.c: the model's stats as Prometheus text exposition format 0.0.4. Every
 * metric family has # HELP and # TYPE lines before its samples; names are vswitchsim_*;
 * latencies are summaries in seconds (quantiles 0.5, 0.9, 0.99 from the histograms, then
 * _sum and _count), NaN quantiles while a histogram is empty, as client libraries do.
 * Totals count from the end of warm-up (run.warmup), so counters restart once then.
 */
#include "server/server.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct out {
    FILE *f;
    const vs_config *cfg;
    const vs_stats *st;
} out;

static void family(out *o, const char *name, const char *type, const char *help)
{
    fprintf(o->f, "# HELP vswitchsim_%s %s\n# TYPE vswitchsim_%s %s\n", name, help, name, type);
}

/* A label value, escaped: backslash, double quote and newline. */
static void label_value(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '\\')
            fputs("\\\\", f);
        else if (*s == '"')
            fputs("\\\"", f);
        else if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void value(FILE *f, double v)
{
    if (v != v)
        fputs("NaN", f);
    else
        fprintf(f, "%.12g", v);
}

static void counter(out *o, const char *name, const char *help, uint64_t v)
{
    family(o, name, "counter", help);
    fprintf(o->f, "vswitchsim_%s %" PRIu64 "\n", name, v);
}

static void gauge(out *o, const char *name, const char *help, double v)
{
    family(o, name, "gauge", help);
    fprintf(o->f, "vswitchsim_%s ", name);
    value(o->f, v);
    fputc('\n', o->f);
}

/* One plugin's sample of a family: name{plugin="..."[,extra]} v. */
static void plugin_sample(out *o, const char *name, size_t p, const char *extra, double v)
{
    fprintf(o->f, "vswitchsim_%s{plugin=", name);
    label_value(o->f, o->cfg->plugins[p].name);
    if (extra)
        fprintf(o->f, ",%s", extra);
    fputs("} ", o->f);
    value(o->f, v);
    fputc('\n', o->f);
}

static double hist_sum_s(const vs_hist *h)
{
    return ((double)h->sum_hi * 18446744073709551616.0 + (double)h->sum_lo) / 1e9;
}

static const double QUANTILES[] = {0.5, 0.9, 0.99};

/* The samples of one summary; plugin SIZE_MAX: none. */
static void summary_samples(out *o, const char *name, size_t p, const vs_hist *h)
{
    for (size_t i = 0; i < sizeof QUANTILES / sizeof QUANTILES[0]; i++) {
        char q[32];
        snprintf(q, sizeof q, "quantile=\"%g\"", QUANTILES[i]);
        double v = h->count ? (double)vs_hist_quantile(h, QUANTILES[i]) / 1e9 : NAN;
        if (p == SIZE_MAX) {
            fprintf(o->f, "vswitchsim_%s{%s} ", name, q);
            value(o->f, v);
            fputc('\n', o->f);
        } else
            plugin_sample(o, name, p, q, v);
    }
    char suffixed[96];
    snprintf(suffixed, sizeof suffixed, "%s_sum", name);
    if (p == SIZE_MAX) {
        fprintf(o->f, "vswitchsim_%s_sum ", name);
        value(o->f, hist_sum_s(h));
        fprintf(o->f, "\nvswitchsim_%s_count %" PRIu64 "\n", name, h->count);
    } else {
        plugin_sample(o, suffixed, p, NULL, hist_sum_s(h));
        snprintf(suffixed, sizeof suffixed, "%s_count", name);
        plugin_sample(o, suffixed, p, NULL, (double)h->count);
    }
}

static const char *const LAT_HELP[VS_LAT_COUNT] = {
    "STATUS_PENDING return to FwpsvSwitchNotifyComplete0, in simulated seconds",
    "NIC save sequence, first OID_SWITCH_NIC_SAVE to SAVE_COMPLETE, in simulated seconds",
    "NIC restore sequence, first RESTORE OID to RESTORE_COMPLETE, in simulated seconds",
    "One callback's synchronous time, in simulated seconds",
    "VM blackout, paused to resumed on the target, in simulated seconds",
    "Migration, slots taken to source cleaned up, in simulated seconds",
    "Wait for migration slots, in simulated seconds"};

static void seq_counters(out *o, const char *what, const char *noun, const vs_seq_counts *c)
{
    const char *keys[] = {"issued", "completed", "pended", "failed", "timed_out"};
    const uint64_t v[] = {c->issued, c->completed, c->pended, c->failed, c->timed_out};
    const char *help[] = {"sequences issued", "sequences where every callout succeeded",
                          "sequences where a callout returned STATUS_PENDING",
                          "sequences where a callout failed, timed out or misbehaved",
                          "failed sequences where a pended callout missed wfp.pending_timeout"};
    for (size_t i = 0; i < 5; i++) {
        char name[64], h[160];
        snprintf(name, sizeof name, "%s_%s_total", what, keys[i]);
        snprintf(h, sizeof h, "NIC %s %s", noun, help[i]);
        counter(o, name, h, v[i]);
    }
}

static void op_counters(out *o, const char *what, const char *noun, const vs_op_counts *c)
{
    const char *keys[] = {"started", "completed", "failed", "timed_out"};
    const uint64_t v[] = {c->started, c->completed, c->failed, c->timed_out};
    for (size_t i = 0; i < 4; i++) {
        char name[64], h[160];
        snprintf(name, sizeof name, "%s_%s_total", what, keys[i]);
        snprintf(h, sizeof h, "%s %s", noun, keys[i]);
        counter(o, name, h, v[i]);
    }
}

static void plugin_counter(out *o, const char *name, const char *help, size_t off)
{
    family(o, name, "counter", help);
    for (size_t p = 0; p < o->st->nplugins; p++)
        plugin_sample(o, name, p, NULL,
                      (double)*(const uint64_t *)((const char *)&o->st->plugins[p] + off));
}

static void plugins(out *o)
{
    if (!o->st->nplugins)
        return;
#define PC(name, field, help) plugin_counter(o, name, help, offsetof(vs_plugin_stats, field))
    PC("plugin_saves_total", saves, "Save callbacks invoked on the plugin");
    PC("plugin_restores_total", restores, "Restore callbacks invoked on the plugin");
    PC("plugin_pended_total", pended, "Callbacks of the plugin that returned STATUS_PENDING");
    PC("plugin_failed_total", failed,
       "Callbacks of the plugin that returned or completed with an error, or timed out");
    PC("plugin_timed_out_total", timed_out, "Pended callbacks of the plugin that timed out");
    PC("plugin_late_completions_total", late_completions,
       "Completions of the plugin after their timeout");
    PC("plugin_state_bytes_total", state_bytes, "NIC state bytes saved by the plugin");
    PC("plugin_memory_allocations_total", mem_allocs, "Tagged allocations by the plugin");
#undef PC
    family(o, "plugin_callbacks_returned_total", "counter",
           "What the plugin's callbacks returned, by status");
    for (size_t p = 0; p < o->st->nplugins; p++) {
        const vs_plugin_stats *ps = &o->st->plugins[p];
        plugin_sample(o, "plugin_callbacks_returned_total", p, "status=\"success\"",
                      (double)ps->returned_success);
        plugin_sample(o, "plugin_callbacks_returned_total", p, "status=\"pending\"",
                      (double)ps->returned_pending);
        plugin_sample(o, "plugin_callbacks_returned_total", p, "status=\"error\"",
                      (double)ps->returned_error);
    }
    family(o, "plugin_memory_bytes", "gauge", "Tagged memory the plugin holds now");
    for (size_t p = 0; p < o->st->nplugins; p++)
        plugin_sample(o, "plugin_memory_bytes", p, NULL, (double)o->st->plugins[p].mem_bytes);
    family(o, "plugin_memory_peak_bytes", "gauge", "Most tagged memory the plugin held");
    for (size_t p = 0; p < o->st->nplugins; p++)
        plugin_sample(o, "plugin_memory_peak_bytes", p, NULL, (double)o->st->plugins[p].mem_peak);
    static const int lat[] = {VS_LAT_PENDING_COMPLETION, VS_LAT_CALLBACK};
    for (size_t i = 0; i < 2; i++) {
        char name[64], help[192];
        snprintf(name, sizeof name, "plugin_%s_seconds", vs_latency_names[lat[i]]);
        snprintf(help, sizeof help, "%s, per plugin", LAT_HELP[lat[i]]);
        family(o, name, "summary", help);
        for (size_t p = 0; p < o->st->nplugins; p++)
            summary_samples(o, name, p, &o->st->plugins[p].latency[lat[i]]);
    }
}

char *vs_metrics_text(const vs_config *cfg, const vs_stats *st, const vs_metrics_info *info)
{
    char *buf = NULL;
    size_t len = 0;
    out o = {open_memstream(&buf, &len), cfg, st};
    if (!o.f)
        return NULL;
    uint64_t now = info->sim_time_ns;
    double dur = (double)info->run_duration_ns / 1e9, t = (double)now / 1e9;
    gauge(&o, "sim_time_seconds", "Simulated time reached", t);
    gauge(&o, "run_duration_seconds", "run.duration: simulated seconds of arrivals", dur);
    gauge(&o, "progress_ratio", "Simulated time over run.duration (above 1 while draining)",
          dur > 0 ? t / dur : 1.0);
    gauge(&o, "wall_time_seconds", "Wall seconds since the run started", info->wall_time_s);
    gauge(&o, "run_finished", "1 once the run has ended, else 0", info->finished ? 1 : 0);
    gauge(&o, "measured_from_seconds", "Simulated time when warm-up ended and totals restarted",
          (double)st->measure_start_ns / 1e9);
    counter(&o, "events_total", "Discrete events run by the engine", info->events);
    seq_counters(&o, "saves", "save", &st->saves);
    seq_counters(&o, "restores", "restore", &st->restores);
    op_counters(&o, "migrations", "Migrations", &st->migrations);
    op_counters(&o, "local_save_restores", "Local save/restores", &st->local);
    counter(&o, "operations_queued_total", "Operations that waited behind another on the same VM",
            st->operations_queued);
    counter(&o, "callbacks_total", "Callout invocations", st->callbacks);
    counter(&o, "state_bytes_total", "NIC state bytes saved by all callouts", st->state_bytes);
    counter(&o, "save_oids_total", "OID_SWITCH_NIC_SAVE round trips", st->save_oids);
    counter(&o, "restore_oids_total", "OID_SWITCH_NIC_RESTORE round trips", st->restore_oids);
    counter(&o, "segments_total", "NDIS save segments", st->segments);
    counter(&o, "corrupted_in_transfer_total", "NIC states corrupted in transfer (faults)",
            st->corrupted_in_transfer);
    counter(&o, "oversized_states_total", "Combined NIC states over a segment",
            st->oversized_states);
    counter(&o, "verifier_violations_total", "Contract violations the verifier found",
            st->violations.total);
    const struct {
        const char *name, *help;
        const vs_level *l;
    } levels[] = {{"pending_completions", "Pended callouts not yet completed", &st->pending},
                  {"migrations_in_flight", "Migrations under way", &st->migrations_in_flight},
                  {"saves_in_flight", "NIC save sequences under way", &st->saves_in_flight}};
    for (size_t i = 0; i < 3; i++) {
        char name[64], help[160];
        gauge(&o, levels[i].name, levels[i].help, (double)levels[i].l->total.level);
        snprintf(name, sizeof name, "%s_peak", levels[i].name);
        snprintf(help, sizeof help, "%s: the most at once", levels[i].help);
        gauge(&o, name, help, (double)levels[i].l->total.peak);
        snprintf(name, sizeof name, "%s_mean", levels[i].name);
        snprintf(help, sizeof help, "%s: time-weighted mean", levels[i].help);
        gauge(&o, name, help, vs_gauge_mean(&levels[i].l->total, now));
    }
    for (int k = 0; k < VS_LAT_COUNT; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s_seconds", vs_latency_names[k]);
        family(&o, name, "summary", LAT_HELP[k]);
        summary_samples(&o, name, SIZE_MAX, &st->latency[k]);
    }
    plugins(&o);
    if (ferror(o.f)) {
        fclose(o.f);
        free(buf);
        return NULL;
    }
    if (fclose(o.f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
