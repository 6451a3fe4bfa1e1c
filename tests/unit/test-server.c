/*
 * test-server.c: the --listen endpoint's pure parts (sim/server): the Prometheus text of
 * a small set of stats under a strict parser of the 0.0.4 text format written here, and
 * --listen's address rules. The HTTP side runs in tests/e2e/listen.sh.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

/* ---- A strict parser of the text format ------------------------------------------- */

#define MAX_FAMILIES 512
#define MAX_SERIES 4096

typedef struct parsed {
    char families[MAX_FAMILIES][128];
    char types[MAX_FAMILIES][16];
    bool helped[MAX_FAMILIES];
    size_t nfamilies;
    char *series[MAX_SERIES]; /* name{labels} as written, to find duplicates */
    double values[MAX_SERIES];
    size_t nseries;
} parsed;

static bool name_char(char c, bool first)
{
    return isalpha((unsigned char)c) || c == '_' || c == ':' ||
           (!first && isdigit((unsigned char)c));
}

/* Reads a metric name at *p; false if there is none. */
static bool take_name(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    if (!name_char(*s, true))
        return false;
    size_t n = 0;
    while (name_char(*s, n == 0) && n + 1 < cap)
        out[n++] = *s++;
    out[n] = '\0';
    *p = s;
    return true;
}

static long family_of(const parsed *ps, const char *name)
{
    for (size_t i = 0; i < ps->nfamilies; i++)
        if (strcmp(ps->families[i], name) == 0)
            return (long)i;
    return -1;
}

/* The family a sample belongs to: its name, or for summaries name less _sum/_count. */
static long sample_family(const parsed *ps, const char *name)
{
    long f = family_of(ps, name);
    if (f >= 0)
        return f;
    char base[128];
    size_t n = strlen(name);
    const char *suf[] = {"_sum", "_count"};
    for (int i = 0; i < 2; i++) {
        size_t k = strlen(suf[i]);
        if (n > k && strcmp(name + n - k, suf[i]) == 0 && n - k < sizeof base) {
            memcpy(base, name, n - k);
            base[n - k] = '\0';
            f = family_of(ps, base);
            if (f >= 0 && strcmp(ps->types[f], "summary") == 0)
                return f;
        }
    }
    return -1;
}

static void parse_line(parsed *ps, const char *line, size_t lineno)
{
    if (line[0] == '#') {
        char name[128];
        const char *p = line;
        bool help = strncmp(p, "# HELP ", 7) == 0, type = strncmp(p, "# TYPE ", 7) == 0;
        cr_assert(help || type, "line %zu: a comment that is not HELP or TYPE: %s", lineno, line);
        p += 7;
        cr_assert(take_name(&p, name, sizeof name), "line %zu: bad name: %s", lineno, line);
        cr_assert_eq(*p, ' ', "line %zu: no space after the name: %s", lineno, line);
        p++;
        long f = family_of(ps, name);
        if (help) {
            cr_assert(*p != '\0', "line %zu: empty HELP", lineno);
            for (const char *q = p; *q; q++)
                if (*q == '\\')
                    cr_assert(q[1] == '\\' || q[1] == 'n', "line %zu: bad escape in HELP", lineno);
            if (f < 0) {
                cr_assert_lt(ps->nfamilies, MAX_FAMILIES);
                f = (long)ps->nfamilies++;
                snprintf(ps->families[f], sizeof ps->families[f], "%s", name);
            }
            cr_assert(!ps->helped[f], "line %zu: a second HELP for %s", lineno, name);
            ps->helped[f] = true;
        } else {
            cr_assert(strcmp(p, "counter") == 0 || strcmp(p, "gauge") == 0 ||
                          strcmp(p, "summary") == 0 || strcmp(p, "histogram") == 0 ||
                          strcmp(p, "untyped") == 0,
                      "line %zu: bad type %s", lineno, p);
            cr_assert(f >= 0, "line %zu: TYPE %s without HELP before it", lineno, name);
            cr_assert_eq(ps->types[f][0], '\0', "line %zu: a second TYPE for %s", lineno, name);
            snprintf(ps->types[f], sizeof ps->types[f], "%s", p);
            for (size_t i = 0; i < ps->nseries; i++)
                cr_assert(strncmp(ps->series[i], name, strlen(name)) != 0 ||
                              name_char(ps->series[i][strlen(name)], false),
                          "line %zu: TYPE %s after its samples", lineno, name);
        }
        return;
    }
    char name[128];
    const char *p = line;
    cr_assert(take_name(&p, name, sizeof name), "line %zu: bad sample name: %s", lineno, line);
    long f = sample_family(ps, name);
    cr_assert(f >= 0 && ps->types[f][0], "line %zu: sample %s before its TYPE", lineno, name);
    cr_assert(strncmp(name, "vswitchsim_", 11) == 0, "line %zu: %s is not vswitchsim_*", lineno,
              name);
    bool quantile = false;
    char seen[16][128];
    size_t nseen = 0;
    if (*p == '{') {
        p++;
        while (*p != '}') {
            char label[128];
            cr_assert(take_name(&p, label, sizeof label) && strchr(label, ':') == NULL,
                      "line %zu: bad label name: %s", lineno, line);
            for (size_t i = 0; i < nseen; i++)
                cr_assert(strcmp(seen[i], label) != 0, "line %zu: label twice", lineno);
            cr_assert_lt(nseen, 16);
            snprintf(seen[nseen++], sizeof seen[0], "%s", label);
            cr_assert(p[0] == '=' && p[1] == '"', "line %zu: bad label syntax: %s", lineno, line);
            p += 2;
            char val[256];
            size_t n = 0;
            while (*p != '"') {
                cr_assert(*p != '\0' && *p != '\n', "line %zu: unterminated label value", lineno);
                char c = *p++;
                if (c == '\\') {
                    cr_assert(*p == '\\' || *p == '"' || *p == 'n', "line %zu: bad escape", lineno);
                    c = *p == 'n' ? '\n' : *p;
                    p++;
                }
                if (n + 1 < sizeof val)
                    val[n++] = c;
            }
            val[n] = '\0';
            p++;
            if (strcmp(label, "quantile") == 0) {
                char *end;
                double q = strtod(val, &end);
                cr_assert(*end == '\0' && q >= 0 && q <= 1, "line %zu: bad quantile", lineno);
                quantile = true;
            }
            if (*p == ',')
                p++;
            else
                cr_assert_eq(*p, '}', "line %zu: bad label list: %s", lineno, line);
        }
        p++;
    }
    if (strcmp(ps->types[f], "summary") == 0 && strcmp(ps->families[f], name) == 0)
        cr_assert(quantile, "line %zu: a summary sample without a quantile", lineno);
    cr_assert_eq(*p, ' ', "line %zu: no space before the value: %s", lineno, line);
    p++;
    char *end;
    double v = strtod(p, &end);
    cr_assert(end != p && *end == '\0', "line %zu: bad value (timestamps not expected): %s", lineno,
              line);
    if (strcmp(ps->types[f], "counter") == 0)
        cr_assert(v >= 0 && isfinite(v), "line %zu: bad counter value", lineno);
    size_t key = (size_t)(p - 1 - line);
    cr_assert_lt(ps->nseries, MAX_SERIES);
    char *series = strndup(line, key);
    for (size_t i = 0; i < ps->nseries; i++)
        cr_assert(strcmp(ps->series[i], series) != 0, "line %zu: duplicate series %s", lineno,
                  series);
    ps->values[ps->nseries] = v;
    ps->series[ps->nseries++] = series;
}

static parsed *parse(const char *text)
{
    parsed *ps = calloc(1, sizeof *ps);
    cr_assert_not_null(ps);
    cr_assert(strlen(text) > 0 && text[strlen(text) - 1] == '\n',
              "the text does not end in a newline");
    char *copy = strdup(text), *save = NULL;
    size_t lineno = 0;
    /* strtok_r would skip empty lines: find them first. */
    cr_assert_null(strstr(text, "\n\n"), "an empty line");
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        parse_line(ps, line, ++lineno);
    for (size_t f = 0; f < ps->nfamilies; f++)
        cr_assert(ps->types[f][0], "%s has HELP but no TYPE", ps->families[f]);
    free(copy);
    return ps;
}

static void parsed_free(parsed *ps)
{
    for (size_t i = 0; i < ps->nseries; i++)
        free(ps->series[i]);
    free(ps);
}

static double value_of(const parsed *ps, const char *series)
{
    for (size_t i = 0; i < ps->nseries; i++)
        if (strcmp(ps->series[i], series) == 0)
            return ps->values[i];
    cr_assert_fail("no series %s", series);
    return 0;
}

/* ---- The stats under test --------------------------------------------------------- */

static vs_config cfg;
static vs_stats st;
static vs_plugin_spec specs[3];
static char *text;

static void build(void)
{
    specs[0] = (vs_plugin_spec){.name = "flows"};
    specs[1] = (vs_plugin_spec){.name = "we\"ird\\na\nme"}; /* every escape */
    specs[2] = (vs_plugin_spec){.name = "null"};
    cfg = (vs_config){.name = "server-test",
                      .plugins = specs,
                      .nplugins = 3,
                      .metrics.histogram_rel_error = 0.01};
    cfg.run.duration = 10000000000ull;
    cr_assert_eq(vs_stats_init(&st, 3, 0, 0.01, 0), 0);
    st.saves.issued = 10;
    st.saves.completed = 8;
    st.saves.failed = 2;
    st.migrations.started = 5;
    st.migrations.completed = 4;
    st.callbacks = 77;
    for (uint64_t v = 1; v <= 1000; v++)
        vs_hist_record(&st.latency[VS_LAT_PENDING_COMPLETION], v * 1000); /* 1..1000 us */
    vs_hist_record(&st.plugins[0].latency[VS_LAT_CALLBACK], 5000);
    st.plugins[0].saves = 3;
    st.plugins[1].returned_pending = 4;
    vs_level_add(&st.migrations_in_flight, 1000, 2);
    cr_assert_eq(vs_stats_add_violation(&st, VS_RULE_DOUBLE_COMPLETION, 0, "flows", 10, "detail"),
                 0);
    vs_metrics_info info = {.sim_time_ns = 2500000000ull,
                            .run_duration_ns = cfg.run.duration,
                            .events = 1234,
                            .wall_time_s = 0.5};
    text = vs_metrics_text(&cfg, &st, &info);
    cr_assert_not_null(text);
}

static void teardown(void)
{
    free(text);
    vs_stats_close(&st);
}

TestSuite(metrics_text, .init = build, .fini = teardown);

Test(metrics_text, parses_strictly)
{
    parsed *ps = parse(text);
    cr_assert_gt(ps->nfamilies, 40);
    parsed_free(ps);
}

Test(metrics_text, carries_the_counts)
{
    parsed *ps = parse(text);
    cr_assert_eq(value_of(ps, "vswitchsim_saves_issued_total"), 10);
    cr_assert_eq(value_of(ps, "vswitchsim_saves_failed_total"), 2);
    cr_assert_eq(value_of(ps, "vswitchsim_migrations_completed_total"), 4);
    cr_assert_eq(value_of(ps, "vswitchsim_callbacks_total"), 77);
    cr_assert_eq(value_of(ps, "vswitchsim_events_total"), 1234);
    cr_assert_eq(value_of(ps, "vswitchsim_verifier_violations_total"), 1);
    cr_assert_eq(value_of(ps, "vswitchsim_migrations_in_flight"), 2);
    cr_assert_float_eq(value_of(ps, "vswitchsim_sim_time_seconds"), 2.5, 1e-12);
    cr_assert_float_eq(value_of(ps, "vswitchsim_progress_ratio"), 0.25, 1e-12);
    cr_assert_eq(value_of(ps, "vswitchsim_run_finished"), 0);
    parsed_free(ps);
}

Test(metrics_text, summaries_in_seconds)
{
    parsed *ps = parse(text);
    double p50 = value_of(ps, "vswitchsim_pending_completion_seconds{quantile=\"0.5\"}");
    double p99 = value_of(ps, "vswitchsim_pending_completion_seconds{quantile=\"0.99\"}");
    cr_assert(fabs(p50 - 500e-6) / 500e-6 < 0.01, "p50 %g", p50);
    cr_assert(fabs(p99 - 990e-6) / 990e-6 < 0.01, "p99 %g", p99);
    cr_assert_eq(value_of(ps, "vswitchsim_pending_completion_seconds_count"), 1000);
    cr_assert_float_eq(value_of(ps, "vswitchsim_pending_completion_seconds_sum"), 0.5005, 1e-9);
    /* An empty summary: NaN quantiles, zero count. */
    cr_assert(isnan(value_of(ps, "vswitchsim_blackout_seconds{quantile=\"0.9\"}")));
    cr_assert_eq(value_of(ps, "vswitchsim_blackout_seconds_count"), 0);
    parsed_free(ps);
}

Test(metrics_text, plugin_labels_escaped)
{
    parsed *ps = parse(text);
    cr_assert_eq(value_of(ps, "vswitchsim_plugin_saves_total{plugin=\"flows\"}"), 3);
    cr_assert_eq(value_of(ps, "vswitchsim_plugin_callbacks_returned_total"
                              "{plugin=\"we\\\"ird\\\\na\\nme\",status=\"pending\"}"),
                 4);
    cr_assert_eq(value_of(ps, "vswitchsim_plugin_callback_seconds_count{plugin=\"flows\"}"), 1);
    cr_assert_not_null(strstr(text, "# TYPE vswitchsim_plugin_callback_seconds summary\n"));
    parsed_free(ps);
}

Test(metrics_text, no_plugins_no_plugin_families)
{
    vs_stats empty;
    vs_config c = {.name = "x"};
    cr_assert_eq(vs_stats_init(&empty, 0, 0, 0.01, 0), 0);
    vs_metrics_info info = {0};
    char *t = vs_metrics_text(&c, &empty, &info);
    cr_assert_not_null(t);
    parsed *ps = parse(t);
    cr_assert_null(strstr(t, "plugin="));
    parsed_free(ps);
    free(t);
    vs_stats_close(&empty);
}

/* ---- --listen's address ----------------------------------------------------------- */

Test(listen, addresses)
{
    char host[64], err[VS_ERROR_MAX];
    uint16_t port;
    cr_assert_eq(vs_server_parse_listen("8080", false, host, &port, err), 0);
    cr_assert_str_eq(host, "127.0.0.1");
    cr_assert_eq(port, 8080);
    cr_assert_eq(vs_server_parse_listen("127.0.0.2:0", false, host, &port, err), 0);
    cr_assert_str_eq(host, "127.0.0.2");
    cr_assert_eq(port, 0);
    cr_assert_eq(vs_server_parse_listen("[::1]:9", false, host, &port, err), 0);
    cr_assert_str_eq(host, "::1");
    cr_assert_eq(vs_server_parse_listen("localhost:9", false, host, &port, err), 0);
    cr_assert_str_eq(host, "127.0.0.1");
    /* Not loopback: refused unless any. */
    cr_assert_eq(vs_server_parse_listen("0.0.0.0:9", false, host, &port, err), -1);
    cr_assert_not_null(strstr(err, "--listen-any"));
    cr_assert_eq(vs_server_parse_listen("0.0.0.0:9", true, host, &port, err), 0);
    cr_assert_eq(vs_server_parse_listen("[::]:9", false, host, &port, err), -1);
    cr_assert_eq(vs_server_parse_listen("10.1.2.3:9", false, host, &port, err), -1);
    /* Malformed. */
    const char *bad[] = {"",
                         "x",
                         "70000",
                         "-1",
                         "1.2.3.4:",
                         ":80",
                         "example.com:80",
                         "127.0.0.1:8o",
                         "127.0.0.1:+8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(vs_server_parse_listen(bad[i], true, host, &port, err), -1, "%s", bad[i]);
}
