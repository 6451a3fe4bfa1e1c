/*
 * html_charts.c: the HTML report's charts, from the report object: percentile curves
 * per callout, time-series columns (looked up by name, since columns may be added) and
 * the blackout distribution, handed to render/svg.c as lines of (x, y) points; and a
 * drain's charts: what waited for a slot, and each host's migrations over time (lines,
 * or a heat map for many hosts).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/svg.h"
#include "report/report-int.h"
#include "report/report.h"

static double num(const json_t *o, const char *path)
{
    double v = 0;
    vs_report_lookup(o, path, &v);
    return v;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_t *get(const json_t *o, const char *key)
{
    return json_object_get(o, key);
}

/* ---- Lines from the report ---------------------------------------------------------- */

/* The lines of one chart; each series owns one block: x values, then y values. */
typedef struct lines {
    vs_series *s;
    size_t n;
} lines;

static double *lines_add(vs_buf *b, lines *l, const char *name, size_t n)
{
    vs_series *s = realloc(l->s, (l->n + 1) * sizeof *s);
    double *xy = s ? malloc((n ? n : 1) * 2 * sizeof *xy) : NULL;
    if (s)
        l->s = s;
    if (!xy)
        return b->failed = true, NULL;
    l->s[l->n++] = (vs_series){.name = name, .x = xy, .y = xy + n, .n = n};
    return xy;
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free((double *)l->s[i].x);
    free(l->s);
}

/* The number at row[i], or NAN: a gap in the line. */
static double at(const json_t *row, int i)
{
    const json_t *v = i >= 0 ? json_array_get(row, (size_t)i) : NULL;
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static size_t curve_of_points(const json_t *points, double *x, double *y)
{
    const json_t *pt;
    size_t i;
    json_array_foreach(points, i, pt)
        if (x) {
            x[i] = at(pt, 0);
            y[i] = at(pt, 1);
        }
    return json_array_size(points);
}

static size_t curve_of_quantiles(const json_t *lat, double *x, double *y)
{
    static const struct {
        double p;
        const char *key;
    } quantiles[] = {{0, "min"},     {50, "p50"},      {90, "p90"}, {99, "p99"},
                     {99.9, "p999"}, {99.99, "p9999"}, {100, "max"}};
    size_t n = 0;
    for (size_t q = 0; q < sizeof quantiles / sizeof quantiles[0]; q++) {
        const json_t *v = get(lat, quantiles[q].key);
        if (json_is_number(v) && x) {
            x[n] = quantiles[q].p;
            y[n] = json_number_value(v);
        }
        n += json_is_number(v);
    }
    return n;
}

/* A latency's percentile curve as (percentile, µs) pairs: its "curve", or, in a report
 * without one, the quantiles it has. Nothing for a latency with no samples. x and y
 * NULL: only count. */
static size_t curve(const json_t *lat, double *x, double *y)
{
    if (num(lat, "count") <= 0)
        return 0;
    if (json_is_array(get(lat, "curve")))
        return curve_of_points(get(lat, "curve"), x, y);
    return curve_of_quantiles(lat, x, y);
}

/* `cdf` puts the percentile on y instead of x. */
static void add_curve(vs_buf *b, lines *l, const char *name, const json_t *lat, bool cdf)
{
    size_t n = curve(lat, NULL, NULL);
    double *xy = lines_add(b, l, name, n);
    if (xy)
        curve(lat, cdf ? xy + n : xy, cdf ? xy : xy + n);
}

static int column(const json_t *ts, const char *name)
{
    const json_t *c;
    size_t i;
    json_array_foreach(get(ts, "columns"), i, c)
        if (json_is_string(c) && strcmp(json_string_value(c), name) == 0)
            return (int)i;
    return -1;
}

typedef struct ts_line {
    const char *column, *name;
} ts_line;

/* Lines of time-series columns against the interval's end, for the columns the report
 * has. An interval without samples has a latency quantile of 0: with `zero_is_gap`,
 * that is a gap, not a point. */
static void add_ts_lines(vs_buf *b, lines *l, const json_t *ts, const ts_line *want, size_t n,
                         bool zero_is_gap)
{
    const json_t *rows = get(ts, "rows"), *row;
    size_t nrows = json_array_size(rows), i;
    int t = column(ts, "t_s");
    for (size_t k = 0; t >= 0 && k < n; k++) {
        int c = column(ts, want[k].column);
        double *xy = c >= 0 ? lines_add(b, l, want[k].name, nrows) : NULL;
        json_array_foreach(rows, i, row) {
            if (!xy)
                break;
            double v = at(row, c);
            xy[i] = at(row, t);
            xy[nrows + i] = zero_is_gap && v == 0 ? NAN : v;
        }
    }
}

/* ---- Charts ------------------------------------------------------------------------- */

static void draw(vs_buf *b, vs_chart c, lines *l)
{
    c.series = l->s;
    c.nseries = l->n;
    vs_svg_chart(b, &c);
    lines_free(l);
}

/* One line per plugin: its curve of `latency` over the percentiles. */
static void chart_per_callout(vs_buf *b, const json_t *r, const char *latency, vs_chart c)
{
    lines l = {0};
    const json_t *p;
    size_t i;
    json_array_foreach(get(r, "plugins"), i, p)
        add_curve(b, &l, str(p, "name"), get(get(p, "latency_us"), latency), false);
    c.x = (vs_axis){"percentile (%, nines scale)", VS_SCALE_NINES, VS_UNIT_NONE};
    c.note = "one line per callout; on this nines scale the max (p100) is drawn at 99.99";
    draw(b, c, &l);
}

static void chart_series(vs_buf *b, const json_t *r, const ts_line *want, size_t n,
                         bool zero_is_gap, vs_chart c)
{
    lines l = {0};
    add_ts_lines(b, &l, get(r, "timeseries"), want, n, zero_is_gap);
    c.x = (vs_axis){"simulated time (s)", VS_SCALE_LINEAR, VS_UNIT_NONE};
    c.note = "per interval of the time series, at the interval's end";
    draw(b, c, &l);
}

static void chart_blackout_cdf(vs_buf *b, const json_t *r)
{
    lines l = {0};
    add_curve(b, &l, "blackout", get(get(r, "latency_us"), "blackout"), true);
    draw(b,
         (vs_chart){.id = "blackout-cdf",
                    .title = "Blackout distribution",
                    .note = "share of VM blackouts (VM paused to VM resumed) at most x long",
                    .empty = "no data: no VM blackout was measured",
                    .x = {"blackout", VS_SCALE_AUTO, VS_UNIT_US},
                    .y = {"percentile (%)", VS_SCALE_LINEAR, VS_UNIT_NONE}},
         &l);
}

/* The blackout's five parts (save, source teardown, transfer, NIC connect, restore), in
 * order: their means add up to the blackout's mean, so a tall part is where it goes. */
static void chart_blackout_parts(vs_buf *b, const json_t *r)
{
    static const char *const keys[] = {"save", "source_teardown", "transfer", "nic_connect",
                                       "restore"};
    static const char *const names[] = {"save", "source teardown", "transfer", "NIC connect",
                                        "restore"};
    static const char *const stats[] = {"mean", "p99"};
    enum { PARTS = sizeof keys / sizeof keys[0] };
    const json_t *parts = get(r, "blackout_us");
    lines l = {0};
    for (size_t k = 0; num(get(parts, "save"), "count") > 0 && k < 2; k++) {
        double *xy = lines_add(b, &l, stats[k], PARTS);
        for (size_t i = 0; xy && i < PARTS; i++) {
            xy[i] = (double)i;
            xy[PARTS + i] = num(get(parts, keys[i]), stats[k]);
        }
    }
    draw(b,
         (vs_chart){.id = "blackout-parts",
                    .title = "Blackout by part",
                    .note =
                        "where a completed migration's blackout goes; the parts' means add up to "
                        "the blackout's mean (docs/sequence.md)",
                    .empty = "no data: no live migration completed",
                    .x = {"part of the blackout, in order", VS_SCALE_LINEAR, VS_UNIT_NONE},
                    .y = {"time", VS_SCALE_AUTO, VS_UNIT_US},
                    .xnames = names,
                    .nxnames = PARTS},
         &l);
}

/* Completed migrations' mean time against how many ran at once on their source: where
 * sharing the migration network makes each one longer (docs/capacity.md). */
static void chart_by_at_once(vs_buf *b, const json_t *r)
{
    const json_t *rows = get(r, "migration_by_at_once"), *row;
    size_t n = json_array_size(rows), i;
    lines l = {0};
    double *xy = n ? lines_add(b, &l, "mean migration time", n) : NULL;
    json_array_foreach(rows, i, row) {
        if (!xy)
            break;
        xy[i] = num(row, "at_once");
        xy[n + i] = num(row, "mean_s");
    }
    draw(b,
         (vs_chart){.id = "migration-at-once",
                    .title = "Migration time against migrations at once",
                    .note =
                        "completed migrations' mean time, by how many ran at once on their source "
                        "(time-weighted over each one's life)",
                    .empty = "no data: no live migration completed",
                    .x = {"migrations at once on the source", VS_SCALE_LINEAR, VS_UNIT_NONE},
                    .y = {"migration time (s)", VS_SCALE_LINEAR, VS_UNIT_NONE}},
         &l);
}

/* Each host's mean use of its migration link, each way. */
static void chart_link_use(vs_buf *b, const json_t *r)
{
    static const char *const sides[] = {"link_out", "link_in"};
    static const char *const names[] = {"egress (out)", "ingress (in)"};
    const json_t *hosts = get(get(r, "hosts"), "per_host"), *h;
    size_t n = json_array_size(hosts), i;
    lines l = {0};
    for (size_t s = 0; n && num(get(r, "hosts"), "link_busiest") > 0 && s < 2; s++) {
        double *xy = lines_add(b, &l, names[s], n);
        json_array_foreach(hosts, i, h) {
            if (!xy)
                break;
            xy[i] = num(h, "host");
            xy[n + i] = 100 * num(h, sides[s]);
        }
    }
    draw(b,
         (vs_chart){.id = "link-use",
                    .title = "Migration network use per host",
                    .note = "share of each host's live-migration link used over the run, each way",
                    .empty = "no data: nothing crossed the migration network",
                    .x = {"host", VS_SCALE_LINEAR, VS_UNIT_NONE},
                    .y = {"link use (%)", VS_SCALE_LINEAR, VS_UNIT_NONE}},
         &l);
}

void vs__html_charts(vs_buf *b, const json_t *r)
{
    static const ts_line throughput[] = {{"saves_per_s", "NIC saves/s"},
                                         {"restores_per_s", "NIC restores/s"},
                                         {"migrations_per_s", "migrations/s"}};
    static const ts_line in_flight[] = {{"pending_in_flight_mean", "pending completions"},
                                        {"migrations_in_flight_mean", "migrations"}};
    static const ts_line blackout[] = {{"blackout_p50_us", "blackout p50"},
                                       {"blackout_p99_us", "blackout p99"}};
    static const ts_line network[] = {{"link_busiest_pct", "busiest link"}};
    vs_buf_puts(b, "<h2>Charts</h2>\n<div class=\"charts\">\n");
    chart_per_callout(b, r, "pending_completion",
                      (vs_chart){.id = "latency-pending",
                                 .title = "Latency percentiles per callout: pending completion",
                                 .empty = "no data: no callout pended a save or restore",
                                 .y = {"STATUS_PENDING to completion", VS_SCALE_AUTO, VS_UNIT_US}});
    chart_per_callout(b, r, "callback",
                      (vs_chart){.id = "latency-callback",
                                 .title = "Latency percentiles per callout: callback",
                                 .empty = "no data: no callout callback ran",
                                 .y = {"callback time", VS_SCALE_AUTO, VS_UNIT_US}});
    chart_series(
        b, r, throughput, 3, false,
        (vs_chart){.id = "throughput",
                   .title = "Throughput over time",
                   .empty = "no data: the report has no time series",
                   .y = {"completed per simulated second (1/s)", VS_SCALE_LINEAR, VS_UNIT_NONE}});
    chart_series(
        b, r, in_flight, 2, false,
        (vs_chart){.id = "in-flight",
                   .title = "In flight over time",
                   .empty = "no data: the report has no time series",
                   .y = {"in flight, interval mean (count)", VS_SCALE_LINEAR, VS_UNIT_NONE}});
    chart_blackout_cdf(b, r);
    chart_blackout_parts(b, r);
    chart_by_at_once(b, r);
    chart_link_use(b, r);
    chart_series(b, r, network, 1, false,
                 (vs_chart){.id = "link-over-time",
                            .title = "Migration network over time",
                            .empty = "no data: the report has no time series",
                            .y = {"busiest host link's use in the interval (%)", VS_SCALE_LINEAR,
                                  VS_UNIT_NONE}});
    chart_series(b, r, blackout, 2, true,
                 (vs_chart){.id = "blackout-over-time",
                            .title = "Blackout per interval",
                            .empty = "no data: no blackout in any interval of the time series",
                            .y = {"blackout", VS_SCALE_AUTO, VS_UNIT_US}});
    vs_buf_puts(b, "</div>\n");
}

/* ---- A drain's charts --------------------------------------------------------------- */

/* Hosts this many or fewer that took part in migrations get a line each; more, a heat
 * map, with up to HEAT_ROWS rows (consecutive hosts share a row past that). */
enum { LINES_UP_TO = 6, HEAT_ROWS = 64 };

static bool row_active(const json_t *row)
{
    const json_t *v;
    size_t i;
    json_array_foreach(row, i, v)
        if (json_number_value(v) > 0)
            return true;
    return false;
}

/* Hosts with any migration, in host order, into `hosts` (caller frees); their count. */
static size_t active_hosts(const json_t *per_host, size_t **hosts)
{
    size_t n = 0, i;
    const json_t *row;
    *hosts = malloc((json_array_size(per_host) + 1) * sizeof **hosts);
    json_array_foreach(per_host, i, row)
        if (*hosts && row_active(row))
            (*hosts)[n++] = i;
    return n;
}

static void drain_host_lines(vs_buf *b, const json_t *hs, const size_t *hosts, size_t n,
                             char (*names)[32])
{
    const json_t *t = get(hs, "t_s"), *rows = get(hs, "migrations_mean");
    size_t nt = json_array_size(t);
    lines l = {0};
    for (size_t k = 0; k < n; k++) {
        snprintf(names[k], sizeof names[k], "host %zu", hosts[k]);
        double *xy = lines_add(b, &l, names[k], nt);
        for (size_t i = 0; xy && i < nt; i++) {
            xy[i] = json_number_value(json_array_get(t, i));
            xy[nt + i] = json_number_value(json_array_get(json_array_get(rows, hosts[k]), i));
        }
    }
    draw(b,
         (vs_chart){.id = "drain-hosts",
                    .title = "Migrations at once per host over time",
                    .note =
                        "each host that took part, as source or target: its migrations at once, "
                        "time-weighted over each bucket of host_series",
                    .empty = "no data: no host took part in a migration",
                    .x = {"simulated time (s)", VS_SCALE_LINEAR, VS_UNIT_NONE},
                    .y = {"migrations at once (mean)", VS_SCALE_LINEAR, VS_UNIT_NONE}},
         &l);
}

/* Many hosts: rows of hosts (bands of consecutive active hosts past HEAT_ROWS, each
 * band's mean), columns of host_series buckets. */
static void drain_host_heatmap(vs_buf *b, const json_t *hs, const size_t *hosts, size_t n,
                               double vmax)
{
    const json_t *t = get(hs, "t_s"), *rows = get(hs, "migrations_mean");
    size_t nt = json_array_size(t), per = (n + HEAT_ROWS - 1) / HEAT_ROWS;
    size_t nrows = (n + per - 1) / per;
    double *v = calloc(nrows * nt + nt + 1, sizeof *v), *edges = v ? v + nrows * nt : NULL;
    char(*names)[32] = calloc(nrows ? nrows : 1, sizeof *names);
    const char **name_ptrs = calloc(nrows ? nrows : 1, sizeof *name_ptrs);
    if (!v || !names || !name_ptrs) {
        b->failed = true;
    } else {
        double width = num(hs, "bucket_s");
        for (size_t c = 0; c < nt; c++)
            edges[c] = (double)c * width;
        edges[nt] = nt ? json_number_value(json_array_get(t, nt - 1)) : 0;
        for (size_t r = 0; r < nrows; r++) {
            size_t first = r * per, last = first + per < n ? first + per : n;
            if (last - first == 1)
                snprintf(names[r], sizeof names[r], "host %zu", hosts[first]);
            else
                snprintf(names[r], sizeof names[r], "hosts %zu-%zu", hosts[first], hosts[last - 1]);
            name_ptrs[r] = names[r];
            for (size_t c = 0; c < nt; c++) {
                double sum = 0;
                for (size_t k = first; k < last; k++)
                    sum += json_number_value(json_array_get(json_array_get(rows, hosts[k]), c));
                v[r * nt + c] = sum / (double)(last - first);
            }
        }
        char note[200];
        snprintf(note, sizeof note,
                 "%zu hosts took part; each row %s, each column %g s of host_series; darker: "
                 "more migrations at once (time-weighted)",
                 n, per == 1 ? "one host" : "the mean of consecutive hosts", width);
        vs_svg_heatmap(b, &(vs_heatmap){.id = "drain-hosts",
                                        .title = "Migrations at once per host over time",
                                        .note = note,
                                        .empty = "no data: no host took part in a migration",
                                        .x = {"simulated time (s)", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                        .value_title = "at once",
                                        .nrows = nrows,
                                        .ncols = nt,
                                        .row_names = name_ptrs,
                                        .edges = edges,
                                        .v = v,
                                        .vmax = vmax});
    }
    free(v);
    free(names);
    free(name_ptrs);
}

static void drain_hosts(vs_buf *b, const json_t *r)
{
    const json_t *hs = get(r, "host_series");
    size_t *hosts;
    size_t n = active_hosts(get(hs, "migrations_mean"), &hosts);
    if (!hosts) {
        b->failed = true;
        return;
    }
    if (n <= LINES_UP_TO) {
        char(*names)[32] = calloc(n ? n : 1, sizeof *names);
        if (names)
            drain_host_lines(b, hs, hosts, n, names);
        b->failed |= !names;
        free(names);
    } else {
        drain_host_heatmap(b, hs, hosts, n, num(r, "hosts.migrations_peak"));
    }
    free(hosts);
}

void vs__html_drain_charts(vs_buf *b, const json_t *r)
{
    static const ts_line waiting[] = {{"migrations_waiting_mean", "waiting for a slot"},
                                      {"migrations_waiting_max", "waiting, most at once"},
                                      {"migrations_in_flight_mean", "migrating"}};
    static const ts_line slot_wait[] = {{"slot_wait_p99_us", "slot wait p99"}};
    lines l = {0};
    vs_buf_puts(b, "<div class=\"charts\">\n");
    chart_series(b, r, waiting, 3, false,
                 (vs_chart){.id = "drain-waiting",
                            .title = "Migrations waiting for a slot over time",
                            .empty = "no data: the report has no time series",
                            .y = {"migrations (count)", VS_SCALE_LINEAR, VS_UNIT_NONE}});
    add_curve(b, &l, "slot wait", get(get(r, "latency_us"), "slot_wait"), false);
    draw(b,
         (vs_chart){.id = "drain-slot-wait",
                    .title = "Slot wait percentiles",
                    .note = "from asking for a migration to getting its slots on both hosts",
                    .empty = "no data: no migration waited for a slot",
                    .x = {"percentile (%, nines scale)", VS_SCALE_NINES, VS_UNIT_NONE},
                    .y = {"slot wait", VS_SCALE_LINEAR, VS_UNIT_US}},
         &l);
    chart_series(b, r, slot_wait, 1, true,
                 (vs_chart){.id = "drain-slot-wait-over-time",
                            .title = "Slot wait per interval",
                            .empty = "no data: no slot wait ended in any interval",
                            .y = {"slot wait", VS_SCALE_LINEAR, VS_UNIT_US}});
    drain_hosts(b, r);
    vs_buf_puts(b, "</div>\n");
}
