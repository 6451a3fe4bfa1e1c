/*
 * trace_csv.c: the rows of a trace workload's CSV file, "time_s,vm,target" a line, read
 * once the topology is known (cross_section.c) so that VM and host indices are checked.
 */
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "scenario/scenario-int.h"

#define MAX_TRACE_ROWS 10000000

/* A CSV field of only digits, below limit. */
static int index_field(const char *f, uint64_t limit, uint32_t *out)
{
    size_t n = strlen(f);
    if (n == 0 || n > 10 || strspn(f, "0123456789") != n)
        return -1;
    unsigned long long v = strtoull(f, NULL, 10);
    if (v >= limit)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* The row's time_s into *at: 1, or 0 when the file's first line has none (a header),
 * or -1. */
static int trace_time(vs__sc *sc, const vs__csv *csv, vs_time_t *at)
{
    char got[VS__SC_GOT_MAX + 32];
    int rc = vs__csv_decimal(csv->fields[0], "s", at);
    if (rc == -1 && csv->first)
        return 0;
    vs__csv_show(csv->fields[0], got, sizeof got);
    if (rc == -1)
        return vs__csv_fail(sc, csv, "expected a time in seconds, got %s", got);
    if (rc == -3)
        return vs__csv_fail(sc, csv, "expected a time in seconds >= 0, got %s", got);
    if (rc == -2)
        return vs__csv_fail(sc, csv, "expected a time of at most 9223372036.854775807 s, got %s",
                            got);
    return 1;
}

/* One row of a trace into *e: 1, or 0 for a header, or -1. */
static int trace_row(vs__sc *sc, const vs__csv *csv, const vs_config *cfg, vs_trace_entry *e)
{
    char got[VS__SC_GOT_MAX + 32];
    vs_time_t at;
    int rc = trace_time(sc, csv, &at);
    if (rc <= 0)
        return rc;
    if (csv->nfields < 2 || csv->nfields > 3)
        return vs__csv_fail(sc, csv,
                            "expected the fields time_s,vm,target (target may be "
                            "empty), got %zu field%s",
                            csv->nfields, csv->nfields > 1 ? "s" : "");
    uint64_t nvms = (uint64_t)cfg->topology.hosts * cfg->topology.vms_per_host;
    if (index_field(csv->fields[1], nvms, &e->vm) < 0) {
        vs__csv_show(csv->fields[1], got, sizeof got);
        return vs__csv_fail(sc, csv,
                            "expected a VM index in 0..%llu (topology.hosts * "
                            "vms_per_host - 1), got %s",
                            (unsigned long long)nvms - 1, got);
    }
    const char *t = csv->nfields == 3 ? csv->fields[2] : "";
    e->at = at;
    e->target = UINT32_MAX;
    if (!*t)
        return 1;
    vs__csv_show(t, got, sizeof got);
    if (cfg->workload.operation != VS_OP_MIGRATE)
        return vs__csv_fail(sc, csv,
                            "expected no target host with operation "
                            "\"local_save_restore\", got %s",
                            got);
    if (index_field(t, cfg->topology.hosts, &e->target) < 0)
        return vs__csv_fail(sc, csv, "expected a target host index in 0..%u or nothing, got %s",
                            cfg->topology.hosts - 1, got);
    return 1;
}

static int read_trace(vs__sc *sc, vs__csv *csv, vs_config *cfg)
{
    size_t cap = 0, prev_line = 0;
    vs_trace_entry e;
    int rc;
    while ((rc = vs__csv_next(sc, csv)) == 1) {
        int got = trace_row(sc, csv, cfg, &e);
        if (got <= 0) {
            if (got < 0)
                return -1;
            continue;
        }
        size_t n = cfg->workload.ntrace;
        if (n > 0 && e.at < cfg->workload.trace[n - 1].at) {
            char shown[VS__SC_GOT_MAX + 32];
            vs__csv_show(csv->fields[0], shown, sizeof shown);
            return vs__csv_fail(sc, csv,
                                "expected a time >= the previous row's (line %zu), "
                                "got %s",
                                prev_line, shown);
        }
        if (n == MAX_TRACE_ROWS)
            return vs__csv_fail(sc, csv, "more than %d rows", MAX_TRACE_ROWS);
        if (VS_GROW(cfg->workload.trace, cap, n + 1) != 0)
            return vs__sc_oom(sc);
        cfg->workload.trace[cfg->workload.ntrace++] = e;
        prev_line = csv->line;
    }
    if (rc == 0 && cfg->workload.ntrace == 0)
        return vs__sc_fail(sc, NULL, "%.200s: no rows (time_s,vm,target a line expected)",
                           csv->name);
    return rc;
}

int vs__sc_load_trace(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const char *name = json_string_value(vs__sc_at_key(sc, root, "workload", "file"));
    vs__csv csv;
    if (vs__csv_open(sc, name, &csv) < 0)
        return -1;
    int rc = read_trace(sc, &csv, cfg);
    vs__csv_close(&csv);
    return rc;
}
