/*
 * sweep_driver.c: a sweep from start to end (sweep_driver.h): the grid from the options
 * and the scenario's "sweep" section, the values checked, the runs handed to the
 * executor as they are left, the output file kept current as results come in, and the
 * summary written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/file.h"
#include "base/usage.h"
#include "runner/runner.h" /* the exit codes */
#include "sweep/sweep.h"
#include "sweep/sweep_driver.h"
#include "sweep/sweep_output.h"

#define SAVE_EVERY_S \
    2.0 /* how often finished runs are written while the sweep goes on
                            (and once after the first) */

/* ---- The sweep's definition: axes, reps, metrics ------------------------------------ */

typedef struct sweep_plan {
    vs_axis axes[VS_SWEEP_MAX_PARAMS];
    size_t naxes;
    unsigned reps;
    double confidence;
    const char **metrics;
    size_t nmetrics;
    json_t *slos;
    char fingerprint[17];
} sweep_plan;

static int axes_from_args(const vs_sweep_args *a, sweep_plan *sp)
{
    char why[VS_ERROR_MAX];
    for (size_t i = 0; i < a->nparams; i++, sp->naxes++)
        if (vs_axis_parse(a->params[i], &sp->axes[i], why) != 0)
            return vs_usage_error("sweep: --param: %s", why);
    return 0;
}

/* The scenario's "sweep" section, already validated by the loader: each parameter's
 * values are JSON text (config.h). */
static int axes_from_scenario(const vs_config *cfg, sweep_plan *sp)
{
    char why[VS_ERROR_MAX] = "out of memory";
    for (size_t i = 0; i < cfg->sweep.nparams; i++) {
        const vs_sweep_param *p = &cfg->sweep.params[i];
        json_t *values = json_loads(p->values, JSON_DECODE_ANY, NULL);
        int rc = values ? vs_axis_from_json(p->key, values, &sp->axes[sp->naxes], why) : -1;
        json_decref(values);
        if (rc != 0)
            return fprintf(stderr, "vswitchsim: %s: $.sweep.params: %s\n", cfg->source_path, why),
                   -1;
        sp->naxes++;
    }
    return 0;
}

static int check_axes(const sweep_plan *sp)
{
    for (size_t i = 0; i < sp->naxes; i++) {
        if (strcmp(sp->axes[i].key, "seed") == 0)
            return vs_usage_error("sweep: the seed is not swept: each of --reps N "
                                  "replications gets its own");
        for (size_t k = 0; k < i; k++)
            if (strcmp(sp->axes[i].key, sp->axes[k].key) == 0)
                return vs_usage_error("sweep: --param %s given twice", sp->axes[i].key);
    }
    if (vs_grid_size(sp->axes, sp->naxes) == 0)
        return vs_usage_error("sweep: the grid has more than %d points", VS_GRID_MAX_POINTS);
    return 0;
}

/* Everything but the runs, from the command line and the scenario's "sweep". */
static int plan_sweep(const vs_sweep_args *a, const vs_config *cfg, sweep_plan *sp)
{
    const vs_sweep_section *sec = &cfg->sweep;
    if (a->nparams ? axes_from_args(a, sp) != 0 : axes_from_scenario(cfg, sp) != 0)
        return -1;
    if (sp->naxes == 0)
        return vs_usage_error("sweep: no --param KEY=V1,V2,... and the scenario has no "
                              "\"sweep\" section");
    if (check_axes(sp) != 0)
        return -1;
    sp->reps = a->reps ? a->reps : sec->reps ? sec->reps : 1;
    sp->confidence = a->confidence > 0     ? a->confidence
                     : sec->confidence > 0 ? sec->confidence
                                           : 0.95;
    const char *extra[VS_SWEEP_MAX_METRICS * 2];
    size_t nextra = 0, i;
    for (i = 0; i < sec->nmetrics; i++)
        extra[nextra++] = sec->metrics[i];
    for (i = 0; i < a->nmetrics; i++)
        extra[nextra++] = a->metrics[i];
    sp->metrics = vs_batch_metrics(cfg, extra, nextra, &sp->nmetrics);
    sp->slos = vs_batch_slo_texts(cfg);
    if (!sp->metrics || !sp->slos ||
        vs_batch_fingerprint(&a->b, sp->metrics, sp->nmetrics, sp->fingerprint) != 0)
        return fprintf(stderr, "vswitchsim: %s: cannot read it again\n", a->b.scenario), -1;
    return 0;
}

static void free_plan(sweep_plan *sp)
{
    for (size_t i = 0; i < sp->naxes; i++)
        vs_axis_free(&sp->axes[i]);
    free(sp->metrics);
    json_decref(sp->slos);
}

/* ---- Running: jobs out, results in, the file kept current ---------------------------- */

typedef struct sweep_run {
    const vs_sweep_args *a;
    vs_sweep *sw;
    size_t *point_of;
    unsigned *rep_of;
    size_t njobs, done;
    double started, last_shown, last_saved;
    double save_cost; /* wall seconds the last save took */
    size_t errors;    /* runs that failed outright (their "error" is in the document) */
    bool progress;
} sweep_run;

static bool all_recorded(const vs_sweep *sw)
{
    return vs_sweep_recorded(sw) == vs_sweep_points(sw) * vs_sweep_reps(sw);
}

static int save(const sweep_run *r, bool complete, char err[VS_ERROR_MAX])
{
    if (!r->a->json_path)
        return 0;
    json_t *doc = vs_sweep_document(r->sw, complete);
    /* 15 digits: the runs' values were rounded to them when recorded (sweep.c), so a
     * resumed sweep reads back the same bits. */
    char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(doc);
    if (!text)
        return snprintf(err, VS_ERROR_MAX, "out of memory"), -1;
    int rc;
    if (strcmp(r->a->json_path, "-") == 0) /* once, at the end (on_result skips stdout) */
        rc = fputs(text, stdout) < 0 || fputc('\n', stdout) < 0 || fflush(stdout)
                 ? (snprintf(err, VS_ERROR_MAX, "writing stdout failed"), -1)
                 : 0;
    else {
        size_t len = strlen(text);
        char *with_nl = realloc(text, len + 2);
        if (with_nl) {
            text = with_nl;
            memcpy(text + len, "\n", 2);
        }
        rc = vs_file_write_atomically(r->a->json_path, text, err);
    }
    free(text);
    return rc;
}

static void show_progress(sweep_run *r)
{
    double t = vs_wall_s();
    if (!r->progress || (t - r->last_shown < 0.25 && r->done < r->njobs))
        return;
    r->last_shown = t;
    double eta = r->done ? (t - r->started) * (double)(r->njobs - r->done) / (double)r->done : 0;
    fprintf(stderr, "\r\033[Ksweep: %zu/%zu runs  %.1f s  ETA %.0f s", r->done, r->njobs,
            t - r->started, eta);
}

static void on_result(void *ctx, size_t index, const json_t *result)
{
    sweep_run *r = ctx;
    vs_sweep_record(r->sw, r->point_of[index], r->rep_of[index], result);
    r->done++;
    const char *error = json_string_value(json_object_get(result, "error"));
    if (error && r->errors++ == 0) /* the first one in full; the count at the end */
        fprintf(stderr, "%svswitchsim: point %zu, replication %u: %s\n",
                r->progress ? "\r\033[K" : "", r->point_of[index], r->rep_of[index], error);
    show_progress(r);
    char err[VS_ERROR_MAX];
    double now = vs_wall_s();
    /* A save rewrites the whole document: with a million runs it takes seconds, so it
     * never takes more than a twentieth of the sweep's time. */
    if (now - r->last_saved >= fmax(SAVE_EVERY_S, 20 * r->save_cost) && r->a->json_path &&
        strcmp(r->a->json_path, "-") != 0) {
        if (save(r, false, err) != 0)
            fprintf(stderr, "\nvswitchsim: %s\n", err);
        r->last_saved = vs_wall_s();
        r->save_cost = r->last_saved - now;
    }
}

/* Which runs are left, point after point: (point, rep) by job index; their jobs are
 * made as they are handed out (job_at). Returns -1 when out of memory. */
static int list_jobs(sweep_run *r)
{
    size_t total = vs_sweep_points(r->sw) * vs_sweep_reps(r->sw);
    r->point_of = calloc(total + 1, sizeof *r->point_of);
    r->rep_of = calloc(total + 1, sizeof *r->rep_of);
    if (!r->point_of || !r->rep_of)
        return -1;
    for (size_t p = 0; p < vs_sweep_points(r->sw); p++)
        for (unsigned rep = 0; rep < vs_sweep_reps(r->sw); rep++)
            if (!vs_sweep_has(r->sw, p, rep)) {
                r->point_of[r->njobs] = p;
                r->rep_of[r->njobs++] = rep;
            }
    return 0;
}

static json_t *job_at(void *ctx, size_t index)
{
    const sweep_run *r = ctx;
    return vs_sweep_job(r->sw, r->point_of[index], r->rep_of[index]);
}

/* Keeps the runs of an earlier output of this sweep (--resume). */
static int resume(sweep_run *r)
{
    char why[VS_ERROR_MAX];
    struct stat st;
    if (stat(r->a->json_path, &st) != 0) {
        fprintf(stderr, "vswitchsim: %s does not exist yet: nothing to resume, starting\n",
                r->a->json_path);
        return 0;
    }
    json_error_t jerr;
    json_t *old = json_load_file(r->a->json_path, JSON_REJECT_DUPLICATES, &jerr);
    long kept = old ? vs_sweep_resume(r->sw, old, why) : -1;
    json_decref(old);
    if (!old)
        snprintf(why, sizeof why, "%d:%d: %s", jerr.line, jerr.column, jerr.text);
    if (kept < 0)
        return fprintf(stderr, "vswitchsim: --resume %s: %s\n", r->a->json_path, why), -1;
    fprintf(stderr, "vswitchsim: resuming %s: %ld runs kept, %zu to go\n", r->a->json_path, kept,
            vs_sweep_points(r->sw) * vs_sweep_reps(r->sw) - (size_t)kept);
    return 0;
}

static int write_outputs(const sweep_run *r, const json_t *doc)
{
    char err[VS_ERROR_MAX];
    const vs_sweep_args *a = r->a;
    bool json_on_stdout = a->json_path && strcmp(a->json_path, "-") == 0;
    if (!a->b.quiet)
        vs_sweep_print_table(json_on_stdout ? stderr : stdout, doc);
    if ((a->csv_path && vs_sweep_write_csv(doc, a->csv_path, err) != 0) ||
        (a->html_path && vs_sweep_write_html(doc, a->html_path, err) != 0) ||
        save(r, all_recorded(r->sw), err) != 0)
        return fprintf(stderr, "vswitchsim: %s\n", err), -1;
    return 0;
}

/* Runs what is left of the sweep and writes its outputs; returns the exit code. */
static int run_sweep(sweep_run *r, vs_batch_exec *be, const vs_job_base *base)
{
    char err[VS_ERROR_MAX];
    /* The file first, with what it has (nothing, or the runs resumed): an unwritable
     * --json fails now, not after the first run. */
    if (r->a->json_path && strcmp(r->a->json_path, "-") != 0 && save(r, all_recorded(r->sw), err))
        return fprintf(stderr, "vswitchsim: %s\n", err), VS_EXIT_FAILURE;
    int code = VS_EXIT_FAILURE;
    r->started = r->last_shown = vs_wall_s();
    r->last_saved = 0; /* the first finished run is written at once */
    r->progress = !r->a->b.quiet && isatty(STDERR_FILENO);
    if (list_jobs(r) != 0)
        return fprintf(stderr, "vswitchsim: out of memory\n"), VS_EXIT_FAILURE;
    vs_jobs jobs = {r->njobs, job_at, r};
    int rc = be->ex->run(be->ex, base, &jobs, on_result, r, r->a->b.catch_stop(), err);
    if (r->progress)
        fputs("\r\033[K", stderr);
    if (rc < 0)
        fprintf(stderr, "vswitchsim: %s\n", err);
    if (r->errors > 1)
        fprintf(stderr, "vswitchsim: %zu runs failed outright (see \"error\" in the runs)\n",
                r->errors);
    if (rc == 1)
        fprintf(stderr,
                "vswitchsim: interrupted after %zu of %zu runs; %s keeps them for "
                "--resume\n",
                r->done, r->njobs, r->a->json_path ? r->a->json_path : "no file");
    json_t *doc = vs_sweep_document(r->sw, all_recorded(r->sw));
    if (doc && write_outputs(r, doc) == 0 && rc == 0)
        code = vs_sweep_exit(r->sw);
    json_decref(doc);
    return code;
}

static int sweep_loaded(const vs_sweep_args *a, const vs_config *cfg, vs_batch_exec *be,
                        const vs_job_base *base)
{
    sweep_plan sp = {0};
    int code = VS_EXIT_BAD_INPUT;
    if (plan_sweep(a, cfg, &sp) != 0 || vs_batch_check_values(&a->b, sp.axes, sp.naxes, 4096) != 0)
        goto out;
    vs_sweep_def def = {a->b.scenario, cfg->name ? cfg->name : "",
                        cfg->seed,     sp.axes,
                        sp.naxes,      sp.reps,
                        sp.confidence, sp.metrics,
                        sp.nmetrics,   sp.slos,
                        sp.fingerprint};
    sweep_run r = {.a = a, .sw = vs_sweep_new(&def)};
    code = VS_EXIT_FAILURE;
    if (!r.sw)
        fprintf(stderr, "vswitchsim: out of memory\n");
    else if (a->resume && resume(&r) != 0)
        code = VS_EXIT_BAD_INPUT;
    else
        code = run_sweep(&r, be, base);
    free(r.point_of);
    free(r.rep_of);
    vs_sweep_free(r.sw);
out:
    free_plan(&sp);
    return code;
}

static int sweep_loaded_fn(void *a, const vs_config *cfg, vs_batch_exec *be,
                           const vs_job_base *base)
{
    return sweep_loaded(a, cfg, be, base);
}

int vs_sweep_drive(vs_sweep_args *a, int *argc, char ***argv)
{
    return vs_batch_run(&a->b, argc, argv, sweep_loaded_fn, a);
}
