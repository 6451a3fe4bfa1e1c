/*
 * table.c: the human summary on stdout, drawn from the report object so that what a
 * person reads and what a machine reads cannot disagree. Latencies read in the unit that
 * suits them (render/units.h); a drain adds its slot waits and a table over the drain.
 */
#include <string.h>

#include "render/units.h"
#include "report/report.h"

static double num(const json_t *o, const char *path)
{
    double v = 0;
    vs_report_lookup(o, path, &v);
    return v;
}

/* First, before anything that could be read as a whole run's numbers. */
static void print_unfinished(FILE *out, const json_t *r)
{
    char lines[VS_UNFINISHED_LINES][VS_UNFINISHED_MAX];
    int n = vs_report_unfinished(r, lines);
    for (int i = 0; i < n; i++)
        fprintf(out, "%s\n", lines[i]);
    if (n)
        fprintf(out, "  (the run did not finish: what follows is what ran until then)\n\n");
}

static void print_header(FILE *out, const json_t *r)
{
    double wall = num(r, "wall_time_s");
    fprintf(out, "vswitchsim: %s (seed %.0f)\n", json_string_value(json_object_get(r, "scenario")),
            num(r, "seed"));
    fprintf(out, "  %.3f s simulated in %.3f s wall, %.0f events (%.2f M events/s)\n\n",
            num(r, "sim_time_s"), wall, num(r, "events"), num(r, "events_per_wall_s") / 1e6);
    if (json_is_false(json_object_get(r, "deterministic"))) {
        fprintf(out, "  MEASURED TIMING: the CPU cost of");
        size_t i;
        const json_t *p;
        const char *sep = "";
        json_array_foreach(json_object_get(r, "plugins"), i, p) {
            const char *timing = json_string_value(json_object_get(p, "timing"));
            if (!timing || strcmp(timing, "measured") != 0)
                continue;
            fprintf(out, "%s \"%s\" (x%g, less %.0f ns of clock reads per call)", sep,
                    json_string_value(json_object_get(p, "name")), num(p, "timing_scale"),
                    num(p, "timing_overhead_ns"));
            sep = ",";
        }
        fprintf(out, " is this machine's thread CPU time: this report is not reproducible\n\n");
    }
}

/* Simulated µs in the unit that reads best, right-aligned in `width` characters. */
static void print_us(FILE *out, double us, int width)
{
    char text[VS_UNITS_MAX];
    vs_format_us(text, us, false);
    fputc(' ', out);
    vs_fput_right(out, text, width);
}

static void print_latencies(FILE *out, const json_t *lat, const char *title)
{
    static const char *const cols[] = {"count", "mean", "p50", "p90", "p99", "p999", "max"};
    fprintf(out, "  %-22s %10s", title, "count");
    for (size_t c = 1; c < 7; c++)
        fprintf(out, " %10s", c == 5 ? "p99.9" : cols[c]);
    fprintf(out, "\n");
    const char *name;
    const json_t *h;
    json_object_foreach((json_t *)lat, name, h) {
        fprintf(out, "  %-22s %10.0f", name, num(h, "count"));
        for (size_t c = 1; c < 7; c++)
            print_us(out, num(h, cols[c]), 10);
        fprintf(out, "\n");
    }
    fprintf(out, "\n");
}

static void print_counts(FILE *out, const json_t *r)
{
    static const char *const keys[] = {"issued", "completed", "pended", "failed", "timed_out"};
    fprintf(out, "  %-22s", "NIC sequences");
    for (size_t k = 0; k < 5; k++)
        fprintf(out, " %10s", keys[k]);
    fprintf(out, " %12s\n", "per sim s");
    static const char *const rows[] = {"saves", "restores"};
    for (size_t i = 0; i < 2; i++) {
        fprintf(out, "  %-22s", rows[i]);
        for (size_t k = 0; k < 5; k++)
            fprintf(out, " %10.0f", num(json_object_get(r, rows[i]), keys[k]));
        char key[64];
        snprintf(key, sizeof key, "throughput.%s_per_s", rows[i]);
        fprintf(out, " %12.1f\n", num(r, key));
    }
    fprintf(out, "  in flight: pending completions mean %.3f, peak %.0f; state %.0f bytes/sim s\n",
            num(r, "in_flight.pending_mean"), num(r, "in_flight.pending_max"),
            num(r, "throughput.state_bytes_per_s"));
    fprintf(out, "  NDIS: %.2f OID_SWITCH_NIC_SAVE round trips per save, %.0f segments\n\n",
            num(r, "ndis.save_oids_per_save"), num(r, "ndis.segments"));
}

/* Where operations failed, when some did: "refused 3 (2 went elsewhere), VM off 1, ..." */
static void print_failures(FILE *out, const json_t *o)
{
    static const char *const causes[] = {"validation",  "operational_port", "save",
                                         "nic_connect", "restore",          "timeout"};
    if (num(o, "failed") == 0 && num(o, "refused") == 0 && num(o, "online_without_state") == 0)
        return;
    fprintf(out,
            "  %-22s refused %.0f (%.0f went elsewhere), online without state %.0f, "
            "VM off %.0f; failed at:",
            "", num(o, "refused"), num(o, "retried_elsewhere"), num(o, "online_without_state"),
            num(o, "vm_off"));
    const json_t *at = json_object_get(o, "failed_at");
    for (size_t k = 0; k < sizeof causes / sizeof causes[0]; k++)
        if (num(at, causes[k]) > 0)
            fprintf(out, " %s %.0f", causes[k], num(at, causes[k]));
    fputc('\n', out);
}

static void print_drain(FILE *out, const json_t *r);

static void print_operations(FILE *out, const json_t *r)
{
    static const char *const rows[] = {"migrations", "local_save_restores", "vm_starts"};
    for (size_t i = 0; i < 3; i++) {
        const json_t *o = json_object_get(r, rows[i]);
        if (num(o, "started") == 0 && num(o, "queued") == 0)
            continue;
        fprintf(out,
                "  %-22s started %.0f, completed %.0f, failed %.0f (timed out %.0f), "
                "queued behind the same VM %.0f\n",
                rows[i], num(o, "started"), num(o, "completed"), num(o, "failed"),
                num(o, "timed_out"), num(o, "queued"));
        print_failures(out, o);
    }
    fprintf(out, "  hosts: at most %.0f migrations at once on one host; CPU queue peak %.0f\n",
            num(r, "hosts.migrations_peak"), num(r, "hosts.cpu_queue_peak"));
    const json_t *d = json_object_get(r, "drain");
    if (json_is_true(json_object_get(d, "active"))) {
        if (json_is_true(json_object_get(d, "finished")))
            fprintf(out, "  drain: %.0f VMs off %.0f host(s) in %.3f s (%.0f failed to move)\n",
                    num(d, "vms"), num(d, "hosts"), num(d, "duration_s"), num(d, "failed"));
        else
            fprintf(out, "  drain: NOT FINISHED by the end of the run (%.0f VMs)\n", num(d, "vms"));
        print_drain(out, r);
    }
    fprintf(out, "\n");
}

/* ---- A drain over time ------------------------------------------------------------- */

enum { DRAIN_SAMPLES = 8 };

static int column_of(const json_t *ts, const char *name)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(ts, "columns"), i, c)
        if (json_is_string(c) && strcmp(json_string_value(c), name) == 0)
            return (int)i;
    return -1;
}

/* The first of a list of interval ends after t: the interval just after t (the last at
 * the end). */
static size_t index_at(const json_t *times, double t)
{
    size_t n = json_array_size(times);
    for (size_t i = 0; i < n; i++)
        if (json_number_value(json_array_get(times, i)) > t + 1e-9)
            return i;
    return n ? n - 1 : 0;
}

/* How many hosts take part in migrations in host_series' bucket b, and the busiest. */
static void hosts_at(const json_t *hs, size_t b, int *busy, int *busiest, double *most)
{
    size_t h;
    const json_t *row;
    *busy = 0;
    *busiest = -1;
    *most = 0;
    json_array_foreach(json_object_get(hs, "migrations_mean"), h, row) {
        double v = json_number_value(json_array_get(row, b));
        *busy += v > 0;
        if (v > *most) {
            *most = v;
            *busiest = (int)h;
        }
    }
}

static void print_drain_row(FILE *out, const json_t *r, double t)
{
    const json_t *ts = json_object_get(r, "timeseries"), *hs = json_object_get(r, "host_series");
    const json_t *rows = json_object_get(ts, "rows");
    size_t n = json_array_size(rows), i = 0;
    while (i + 1 < n && json_number_value(json_array_get(json_array_get(rows, i), 0)) <= t + 1e-9)
        i++;
    const json_t *row = json_array_get(rows, i);
    int busy, busiest;
    double most;
    hosts_at(hs, index_at(json_object_get(hs, "t_s"), t), &busy, &busiest, &most);
    fprintf(
        out, "  %-22s %10.1f %10.1f %10.1f %12d", "", t,
        json_number_value(json_array_get(row, (size_t)column_of(ts, "migrations_waiting_mean"))),
        json_number_value(json_array_get(row, (size_t)column_of(ts, "migrations_in_flight_mean"))),
        busy);
    if (busiest >= 0)
        fprintf(out, "   host %d (%.2f)\n", busiest, most);
    else
        fprintf(out, "   -\n");
}

/* What a drain is about: how long migrations waited for their slots, and over the drain,
 * how many waited, how many ran, and how many hosts took part (interval means). */
static void print_drain(FILE *out, const json_t *r)
{
    static const char *const keys[] = {"mean", "p50", "p90", "p99", "max"};
    const json_t *d = json_object_get(r, "drain"), *wait;
    wait = json_object_get(json_object_get(r, "latency_us"), "slot_wait");
    fprintf(out, "  slot wait (%.0f):", num(wait, "count"));
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        char text[VS_UNITS_MAX];
        vs_format_us(text, num(wait, keys[k]), false);
        fprintf(out, "%s %s %s", k ? "," : "", keys[k], text);
    }
    fputc('\n', out);
    const json_t *ts = json_object_get(r, "timeseries");
    if (column_of(ts, "migrations_waiting_mean") < 0 || !json_object_get(r, "host_series") ||
        json_array_size(json_object_get(ts, "rows")) == 0)
        return;
    double start = num(d, "started_s");
    double end = json_is_true(json_object_get(d, "finished")) ? num(d, "finished_s")
                                                              : num(r, "sim_time_s");
    fprintf(out, "  %-22s %10s %10s %10s %12s   %s\n", "drain over time", "t (s)", "waiting",
            "migrating", "hosts busy", "busiest host (at once)");
    for (int i = 0; i < DRAIN_SAMPLES; i++)
        print_drain_row(out, r, start + (end - start) * i / (DRAIN_SAMPLES - 1));
}

static void print_plugins(FILE *out, const json_t *plugins)
{
    if (json_array_size(plugins) == 0)
        return;
    fprintf(out, "  %-14s %10s %10s %10s %8s %8s %14s %12s %12s\n", "plugin", "saves", "restores",
            "pended", "failed", "late", "pend p99", "state bytes", "mem peak (B)");
    size_t i;
    const json_t *p;
    json_array_foreach(plugins, i, p) {
        fprintf(out, "  %-14s %10.0f %10.0f %10.0f %8.0f %8.0f",
                json_string_value(json_object_get(p, "name")), num(p, "saves"), num(p, "restores"),
                num(p, "pended"), num(p, "failed"), num(p, "late_completions"));
        print_us(out, num(p, "latency_us.pending_completion.p99"), 14);
        fprintf(out, " %12.0f %12.0f\n", num(p, "state_bytes"), num(p, "memory.peak_bytes"));
    }
    fprintf(out, "\n");
}

static void print_verdicts(FILE *out, const json_t *r)
{
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(r, "slo"), i, s) {
        const json_t *v = json_object_get(s, "value");
        fprintf(out, "  SLO %-4s %s %s %g  (value %s%g)\n",
                json_is_true(json_object_get(s, "pass")) ? "ok" : "FAIL",
                json_string_value(json_object_get(s, "metric")),
                json_string_value(json_object_get(s, "op")), num(s, "limit"),
                json_is_number(v) ? "" : "missing ", json_is_number(v) ? json_number_value(v) : 0);
    }
    uint64_t nv = vs_report_violations(r);
    fprintf(out, "  verifier: %llu violation%s", (unsigned long long)nv, nv == 1 ? "" : "s");
    const char *rule, *sep = " (";
    const json_t *n;
    json_object_foreach(json_object_get(json_object_get(r, "verifier"), "counts"), rule, n) {
        fprintf(out, "%s%s %lld", sep, rule, (long long)json_integer_value(n));
        sep = ", ";
    }
    fprintf(out, "%s\n", nv ? ")" : "");
}

/* The blackout's parts, whose means add up to its mean (docs/sequence.md). */
static void print_blackout_parts(FILE *out, const json_t *r)
{
    static const char *const parts[] = {"save", "source_teardown", "transfer", "nic_connect",
                                        "restore"};
    const json_t *b = json_object_get(r, "blackout_us");
    if (num(json_object_get(b, "save"), "count") == 0)
        return;
    char text[VS_UNITS_MAX];
    fprintf(out, "  blackout parts (mean):");
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        vs_format_us(text, num(json_object_get(b, parts[i]), "mean"), false);
        fprintf(out, " %s %s%s", parts[i], text,
                i + 1 < sizeof parts / sizeof parts[0] ? " +" : "");
    }
    vs_format_us(text, num(json_object_get(json_object_get(r, "latency_us"), "blackout"), "mean"),
                 false);
    fprintf(out, " = %s\n\n", text);
}

void vs_report_print_table(FILE *out, const json_t *r)
{
    print_unfinished(out, r);
    print_header(out, r);
    print_latencies(out, json_object_get(r, "latency_us"), "latency (simulated)");
    print_blackout_parts(out, r);
    print_counts(out, r);
    print_operations(out, r);
    print_plugins(out, json_object_get(r, "plugins"));
    print_verdicts(out, r);
}
