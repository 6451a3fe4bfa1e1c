/*
 * batch.c: what sweeps and plans share (batch.h).
 */
#include "sweep/batch.h"

#include "report/report.h"
#include "runner/runner.h" /* the exit codes */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const headline_metrics[] = {
    "latency_us.blackout.p99",
    "latency_us.blackout.mean",
    "latency_us.pending_completion.p99",
    "latency_us.save.p99",
    "latency_us.restore.p99",
    "latency_us.migration.p99",
    "throughput.saves_per_s",
    "throughput.migrations_per_s",
    "migrations.completed",
    "migrations.failed",
    "saves.timed_out",
    "in_flight.pending_max",
};
#define NHEADLINE (sizeof headline_metrics / sizeof headline_metrics[0])

json_t *vs_batch_slo_texts(const vs_config *cfg)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < cfg->nslos; i++)
        json_array_append_new(list,
                              json_sprintf("%s %s %.15g", cfg->slos[i].metric,
                                           vs_slo_op_text(cfg->slos[i].op), cfg->slos[i].limit));
    return list;
}

/* Under mpirun this initializes MPI; on ranks other than 0 it runs the jobs rank 0
 * sends and returns 0 with be->ex NULL: the command is over for them and returns
 * *exit_code. Returns -1 after printing an error. */
static int exec_open(vs_batch_exec *be, vs_batch_args *b, const vs_job_base *base, int *argc,
                     char ***argv, int *exit_code)
{
    char err[VS_ERROR_MAX];
    *be = (vs_batch_exec){.rank = 0, .size = 1};
    unsigned jobs = b->jobs ? b->jobs : vs_exec_default_jobs();
    if (vs_mpi_launched()) {
        /* Ranks that share a machine share its CPUs: -j's default divides them. */
        const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
        if (!b->jobs && local && atoi(local) > 1)
            jobs = jobs / (unsigned)atoi(local) ? jobs / (unsigned)atoi(local) : 1;
        if (vs_mpi_open(argc, argv, jobs, &be->ex, &be->rank, &be->size, err) != 0) {
            if (vs_mpi_available())
                vs_mpi_close();
            fprintf(stderr, "vswitchsim: %s\n", err);
            *exit_code = VS_EXIT_BAD_INPUT;
            return -1;
        }
        be->mpi = true;
        if (be->rank > 0) { /* a worker: serve rank 0 until it is done */
            *exit_code = vs_mpi_serve(base, jobs, err) == 0 ? VS_EXIT_OK : VS_EXIT_FAILURE;
            if (*exit_code != VS_EXIT_OK)
                fprintf(stderr, "vswitchsim: rank %d: %s\n", be->rank, err);
            return 0;
        }
        return 0;
    }
    if (!(be->ex = vs_exec_local(jobs))) {
        fprintf(stderr, "vswitchsim: out of memory\n");
        *exit_code = VS_EXIT_FAILURE;
        return -1;
    }
    return 0;
}

static void exec_close(vs_batch_exec *be)
{
    if (be->ex)
        be->ex->free(be->ex);
    be->ex = NULL;
    if (be->mpi)
        vs_mpi_close();
    be->mpi = false;
}

int vs_batch_run(vs_batch_args *b, int *argc, char ***argv, vs_batch_loaded_fn loaded, void *ctx)
{
    char err[VS_ERROR_MAX];
    int code = VS_EXIT_BAD_INPUT;
    vs_batch_exec be = {0};
    vs_job_base base = {b->scenario, b->load, b->callback_timeout};
    if (exec_open(&be, b, &base, argc, argv, &code) == 0 && be.ex) {
        vs_config cfg;
        if (vs_scenario_load(b->scenario, b->load, &cfg, err) == 0) {
            code = loaded(ctx, &cfg, &be, &base);
            vs_config_close(&cfg);
        } else {
            fprintf(stderr, "vswitchsim: %s\n", err);
        }
    } /* else an error, or an MPI worker rank whose part is done */
    exec_close(&be);
    return code;
}

static bool listed(const char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

const char **vs_batch_metrics(const vs_config *cfg, const char *const *extra, size_t nextra,
                              size_t *n)
{
    const char **list = calloc(NHEADLINE + cfg->nslos + nextra + 1, sizeof *list);
    if (!list)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < NHEADLINE; i++)
        list[(*n)++] = headline_metrics[i];
    for (size_t i = 0; i < cfg->nslos; i++)
        if (!listed(list, *n, cfg->slos[i].metric))
            list[(*n)++] = cfg->slos[i].metric;
    for (size_t i = 0; i < nextra; i++)
        if (!listed(list, *n, extra[i]))
            list[(*n)++] = extra[i];
    return list;
}

/* Loads the scenario with `nset` more overrides; prints the error naming them. */
static int check_load(const vs_batch_args *b, const vs_override *set, size_t nset)
{
    char err[VS_ERROR_MAX], what[512] = "";
    size_t nbase = b->load->noverrides;
    vs_override ov[nbase + nset + 1]; /* at most --set's 256, the --slo, and the axes */
    memcpy(ov, b->load->overrides, nbase * sizeof *ov);
    memcpy(ov + nbase, set, nset * sizeof *ov);
    vs_scenario_options opts = *b->load;
    opts.overrides = ov;
    opts.noverrides = nbase + nset;
    vs_config cfg;
    if (vs_scenario_load(b->scenario, &opts, &cfg, err) == 0) {
        vs_config_close(&cfg);
        return 0;
    }
    for (size_t i = 0; i < nset; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s=%.64s", i ? ", " : "",
                 set[i].key, set[i].value);
    fprintf(stderr, "vswitchsim: %s (with the swept value%s %s)\n", err, nset > 1 ? "s" : "", what);
    return -1;
}

/* The overrides of grid point p (values as JSON text, to free with free_set). */
static void set_of_point(const vs_axis *axes, size_t naxes, size_t p, vs_override *set)
{
    size_t idx[VS_SWEEP_MAX_PARAMS];
    vs_grid_point(axes, naxes, p, idx);
    for (size_t a = 0; a < naxes; a++)
        set[a] = (vs_override){axes[a].key,
                               json_dumps(axes[a].values[idx[a]], JSON_ENCODE_ANY | JSON_COMPACT)};
}

static void free_set(vs_override *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)set[i].value);
}

int vs_batch_check_values(const vs_batch_args *b, const vs_axis *axes, size_t naxes,
                          size_t grid_max)
{
    for (size_t a = 0; a < naxes; a++)
        for (size_t v = 0; v < axes[a].nvalues; v++) {
            vs_override one = {axes[a].key,
                               json_dumps(axes[a].values[v], JSON_ENCODE_ANY | JSON_COMPACT)};
            int rc = one.value ? check_load(b, &one, 1) : -1;
            free((char *)one.value);
            if (rc != 0)
                return -1;
        }
    size_t npoints = vs_grid_size(axes, naxes);
    if (naxes < 2 || npoints > grid_max)
        return 0;
    for (size_t p = 0; p < npoints; p++) {
        vs_override set[VS_SWEEP_MAX_PARAMS];
        set_of_point(axes, naxes, p, set);
        int rc = check_load(b, set, naxes);
        free_set(set, naxes);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* FNV-1a, 64 bits: a digest for telling runs apart, not a defence. */
static void fnv(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ p[i]) * 0x100000001b3ull;
}

static void fnv_str(uint64_t *h, const char *s)
{
    fnv(h, s, strlen(s) + 1); /* with its NUL, so that "ab","c" differs from "a","bc" */
}

/* A scenario that extends another: the merge, since a base's bytes change the runs as
 * much as its own do. Nothing for one that does not (so that its digest stays what it
 * was), nor for one that does not load (the sweep says why soon enough). */
static void fnv_bases(uint64_t *h, const char *scenario)
{
    json_t *raw = json_load_file(scenario, 0, NULL);
    bool extends = json_object_get(raw, "extends") != NULL;
    json_decref(raw);
    char err[VS_ERROR_MAX];
    json_t *tree = extends ? vs_scenario_tree(scenario, err) : NULL;
    char *text = tree ? json_dumps(tree, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (text)
        fnv_str(h, text);
    free(text);
    json_decref(tree);
}

int vs_batch_fingerprint(const vs_batch_args *b, const char *const *metrics, size_t nmetrics,
                         char out[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    fnv_str(&h, VSWITCHSIM_VERSION);
    FILE *f = fopen(b->scenario, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fnv(&h, buf, n);
    fclose(f);
    fnv_bases(&h, b->scenario);
    const vs_scenario_options *o = b->load;
    for (size_t i = 0; i < o->noverrides; i++) {
        fnv_str(&h, o->overrides[i].key);
        fnv_str(&h, o->overrides[i].value ? o->overrides[i].value : "");
    }
    for (size_t i = 0; o->plugin_path && o->plugin_path[i]; i++)
        fnv_str(&h, o->plugin_path[i]);
    snprintf(buf, sizeof buf, "seed %d %llu", o->have_seed, o->seed);
    fnv_str(&h, buf);
    for (size_t i = 0; i < nmetrics; i++)
        fnv_str(&h, metrics[i]);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 0;
}
