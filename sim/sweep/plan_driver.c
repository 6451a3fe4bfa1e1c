/*
 * plan_driver.c: a plan from start to end (plan_driver.h): where the search starts, the
 * values the bisection asks for run as replicated batches, each judged against the SLOs
 * (more runs while the verdict is open), and the answer with its evidence.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/usage.h"
#include "report/report.h"
#include "runner/runner.h" /* the exit codes */
#include "scenario/scenario.h"
#include "sweep/plan.h"
#include "sweep/plan_driver.h"
#include "sweep/sweep_output.h"

/* ---- The parameter: its key and where the search starts --------------------------- */

/* "LO..HI": two numbers; integer when both are written as integers. */
static int parse_range(const char *text, vs_plan_range *r)
{
    const char *dots = strstr(text, "..");
    char lo[64], *end;
    size_t lolen = dots ? (size_t)(dots - text) : 0;
    if (!dots || lolen == 0 || lolen >= sizeof lo)
        return -1;
    memcpy(lo, text, lolen); /* alone, or strtod would read "2." of "2..40" */
    lo[lolen] = '\0';
    r->lo = strtod(lo, &end);
    if (*end)
        return -1;
    r->hi = strtod(dots + 2, &end);
    if (*end || dots[2] == '\0' || !isfinite(r->lo) || !isfinite(r->hi) || r->lo >= r->hi)
        return -1;
    r->integer = strcspn(lo, ".eE") == lolen && strcspn(dots + 2, ".eE") == strlen(dots + 2);
    return 0;
}

/* The number at a dotted path of the scenario file, after --set: where a plan with no
 * range starts. NULL when there is none. */
static json_t *current_value(const vs_plan_args *a, const char *key)
{
    const vs_scenario_options *o = a->b.load;
    for (size_t i = o->noverrides; i-- > 0;)
        if (strcmp(o->overrides[i].key, key) == 0)
            return json_loads(o->overrides[i].value, JSON_DECODE_ANY, NULL);
    char err[VS_ERROR_MAX];
    json_t *root = vs_scenario_tree(a->b.scenario, err), *node = root; /* "extends" too */
    char *path = strdup(key);
    for (char *seg = strtok(path, "."); node && seg; seg = strtok(NULL, "."))
        node = json_is_array(node) ? json_array_get(node, strtoul(seg, NULL, 10))
                                   : json_object_get(node, seg);
    json_t *v = json_is_number(node) ? json_incref(node) : NULL;
    free(path);
    json_decref(root);
    return v;
}

static int plan_range(const vs_plan_args *a, char *key, vs_plan_range *r)
{
    *r = (vs_plan_range){.hi = NAN, .tolerance = a->tolerance, .max_doublings = 40};
    char *eq = strchr(key, '=');
    if (eq) {
        *eq = '\0';
        if (parse_range(eq + 1, r) != 0)
            return vs_usage_error("plan: --param %s=%s: expected LO..HI with LO < HI", key, eq + 1);
    } else {
        json_t *v = current_value(a, key);
        if (!v || json_number_value(v) < 0)
            return json_decref(v),
                   vs_usage_error(
                       "plan: --param %s: the scenario has no number >= 0 there to start from; "
                       "give a range: --param %s=LO..HI",
                       key, key);
        r->lo = json_number_value(v);
        r->integer = json_is_integer(v);
        json_decref(v);
    }
    if (!*key || strcmp(key, "seed") == 0)
        return vs_usage_error("plan: --param %s: expected a scenario path such as "
                              "workload.rate_per_s (not the seed)",
                              key);
    return 0;
}

/* ---- Evaluating values: replications, verdicts, evidence --------------------------- */

typedef struct planner {
    const vs_plan_args *a;
    const vs_config *cfg;
    const char *key;
    bool integer;
    vs_batch_exec *be;
    const vs_job_base *base;
    json_t *metrics;  /* each SLO's metric, in SLO order */
    json_t *slo_text; /* each SLO as text */
    json_t *evidence; /* one entry per value tried, in order */
} planner;

/* One value of a round: its runs so far and how many it is to have. */
typedef struct trial {
    double value;
    json_t **results; /* by replication, --max-reps of them */
    unsigned nresults, target;
    vs_verdict verdict;
    json_t *entry; /* its evidence, from the last judgement */
    bool settled;
} trial;

/* Where each job of a batch goes back to. */
typedef struct batch {
    const planner *pl;
    trial *trials;
    size_t *trial_of;
    unsigned *rep_of;
} batch;

static json_t *value_json(const planner *pl, double v)
{
    return pl->integer ? json_integer((json_int_t)v) : json_real(v);
}

static void on_result(void *ctx, size_t index, const json_t *result)
{
    batch *b = ctx;
    b->trials[b->trial_of[index]].results[b->rep_of[index]] = json_deep_copy(result);
}

/* vs_jobs' make: replication rep_of[index] of trial trial_of[index]. */
static json_t *job_at(void *ctx, size_t index)
{
    const batch *b = ctx;
    const trial *t = &b->trials[b->trial_of[index]];
    /* clang-format off */
    return json_pack("{s:[[s,o]], s:I, s:O}", "set", b->pl->key, value_json(b->pl, t->value),
                     "seed", (json_int_t)vs_replication_seed(b->pl->cfg->seed, b->rep_of[index]),
                     "metrics", b->pl->metrics);
    /* clang-format on */
}

/* Runs, in one batch, the replications each open trial still needs. Returns the
 * executor's code: 0 all ran, 1 stopped, -1 failed. */
static int run_needed(const planner *pl, trial *t, size_t n)
{
    char err[VS_ERROR_MAX];
    size_t njobs = 0;
    for (size_t i = 0; i < n; i++)
        njobs += t[i].settled ? 0 : t[i].target - t[i].nresults;
    size_t trial_of[njobs + 1];
    unsigned rep_of[njobs + 1];
    batch b = {pl, t, trial_of, rep_of};
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        for (unsigned r = t[i].nresults; !t[i].settled && r < t[i].target; r++, j++) {
            trial_of[j] = i;
            rep_of[j] = r;
        }
    vs_jobs jobs = {njobs, job_at, &b};
    int rc =
        pl->be->ex->run(pl->be->ex, pl->base, &jobs, on_result, &b, pl->a->b.catch_stop(), err);
    if (rc < 0)
        fprintf(stderr, "vswitchsim: %s\n", err);
    for (size_t i = 0; i < n; i++)
        if (!t[i].settled)
            t[i].nresults = t[i].target;
    return rc;
}

static json_t *number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* SLO i over the trial's runs, into its evidence. */
static vs_verdict judge_slo(const planner *pl, const trial *t, size_t i, json_t *slos)
{
    double x[t->nresults + 1];
    size_t n = 0, missing = 0;
    for (unsigned r = 0; r < t->nresults; r++) {
        const json_t *v = json_array_get(json_object_get(t->results[r], "values"), i);
        if (json_is_number(v))
            x[n++] = json_number_value(v);
        else
            missing++;
    }
    vs_summary s;
    vs_verdict verdict = vs_plan_judge(&pl->cfg->slos[i], x, n, missing, pl->a->confidence, &s);
    /* clang-format off */
    json_array_append_new(slos, json_pack("{s:O, s:I, s:I, s:o, s:o, s:o, s:o, s:s}", "slo",
                                          json_array_get(pl->slo_text, i), "n", (json_int_t)n,
                                          "missing", (json_int_t)missing, "mean", number(s.mean),
                                          "half_width", number(s.half_width), "low",
                                          number(s.low), "high", number(s.high), "verdict",
                                          vs_verdict_name(verdict)));
    /* clang-format on */
    return verdict;
}

/* The trial's verdict from its runs so far: a failing SLO fails it, an inconclusive one
 * leaves it open; a value the scenario refuses is invalid. Rebuilds its evidence. */
static vs_verdict judge(const planner *pl, trial *t)
{
    json_t *slos = json_array();
    vs_verdict verdict = VS_VERDICT_PASS;
    const char *error = NULL;
    for (unsigned r = 0; r < t->nresults && !error; r++)
        if (json_integer_value(json_object_get(t->results[r], "exit")) == VS_EXIT_BAD_INPUT)
            error = json_string_value(json_object_get(t->results[r], "error"));
    for (size_t i = 0; !error && i < pl->cfg->nslos; i++) {
        vs_verdict one = judge_slo(pl, t, i, slos);
        if (one == VS_VERDICT_FAIL ||
            (one == VS_VERDICT_INCONCLUSIVE && verdict == VS_VERDICT_PASS))
            verdict = one;
    }
    if (error)
        verdict = VS_VERDICT_INVALID;
    json_decref(t->entry);
    /* clang-format off */
    t->entry = json_pack("{s:o, s:I, s:s, s:o}", "value", value_json(pl, t->value), "runs",
                         (json_int_t)t->nresults, "verdict", vs_verdict_name(verdict), "slos",
                         slos);
    /* clang-format on */
    if (error)
        json_object_set_new(t->entry, "error", json_string(error));
    return verdict;
}

static void show_evaluation(const planner *pl, const json_t *entry)
{
    if (pl->a->b.quiet)
        return;
    fprintf(stderr, "plan: %s=", pl->key);
    json_dumpf(json_object_get(entry, "value"), stderr, JSON_ENCODE_ANY);
    fprintf(stderr, ": %s after %lld runs", json_string_value(json_object_get(entry, "verdict")),
            (long long)json_integer_value(json_object_get(entry, "runs")));
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(entry, "slos"), i, s) {
        /* "SLO: measured mean ± half-width, verdict" */
        fprintf(stderr, "%s%s: %.6g", i ? "; " : " (", json_string_value(json_object_get(s, "slo")),
                json_number_value(json_object_get(s, "mean")));
        if (json_is_number(json_object_get(s, "half_width")))
            fprintf(stderr, " ± %.3g", json_number_value(json_object_get(s, "half_width")));
        fprintf(stderr, ", %s", json_string_value(json_object_get(s, "verdict")));
    }
    fputs(json_array_size(json_object_get(entry, "slos")) ? ")\n" : "\n", stderr);
}

/* Judges every open trial; one still inconclusive gets twice the runs, up to
 * --max-reps. Returns true when all are settled. */
static bool settle(const planner *pl, trial *t, size_t n)
{
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        if (t[i].settled)
            continue;
        t[i].verdict = judge(pl, &t[i]);
        t[i].settled = t[i].verdict != VS_VERDICT_INCONCLUSIVE || t[i].target >= pl->a->max_reps;
        if (!t[i].settled)
            t[i].target = t[i].target * 2 < pl->a->max_reps ? t[i].target * 2 : pl->a->max_reps;
        all = all && t[i].settled;
    }
    return all;
}

/* vs_plan_eval_fn: the round's values, their replications in one batch, more of them
 * for the values whose verdict is open; the evidence in value order. */
static void evaluate(void *ctx, const double *values, size_t n, vs_verdict *out)
{
    planner *pl = ctx;
    trial t[n + 1];
    bool stopped = false;
    for (size_t i = 0; i < n; i++)
        t[i] = (trial){.value = values[i],
                       .target = pl->a->reps,
                       .results = calloc(pl->a->max_reps + 1, sizeof(json_t *))};
    while (!stopped) {
        stopped = run_needed(pl, t, n) != 0;
        if (!stopped && settle(pl, t, n))
            break;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = stopped ? VS_VERDICT_STOP : t[i].verdict;
        if (t[i].entry && !stopped) {
            show_evaluation(pl, t[i].entry);
            json_array_append(pl->evidence, t[i].entry);
        }
        json_decref(t[i].entry);
        for (unsigned r = 0; r < pl->a->max_reps; r++)
            json_decref(t[i].results[r]);
        free(t[i].results);
    }
}

/* ---- The answer ---------------------------------------------------------------------- */

static json_t *plan_document(const planner *pl, const vs_plan_range *r, const vs_plan_answer *ans)
{
    /* clang-format off */
    json_t *doc = json_pack("{s:s, s:s, s:s, s:I, s:s, s:O, s:f, s:I, s:I, s:I, s:{s:o, s:o}}",
                            "kind", "plan", "scenario", pl->a->b.scenario, "name",
                            pl->cfg->name ? pl->cfg->name : "", "seed",
                            (json_int_t)pl->cfg->seed, "param", pl->key, "slos",
                            pl->slo_text, "confidence", pl->a->confidence, "reps",
                            (json_int_t)pl->a->reps, "max_reps", (json_int_t)pl->a->max_reps,
                            "probes", (json_int_t)pl->a->probes,
                            "range", "lo", value_json(pl, r->lo), "hi",
                            isnan(r->hi) ? json_null() : value_json(pl, r->hi));
    /* clang-format on */
    if (!doc)
        return NULL;
    json_object_set_new(doc, "answer", ans->found ? value_json(pl, ans->pass) : json_null());
    json_object_set_new(doc, "first_failing",
                        ans->fail_known ? value_json(pl, ans->fail) : json_null());
    json_object_set_new(doc, "complete", json_boolean(!ans->stopped));
    json_object_set_new(doc, "evaluations", json_incref(pl->evidence));
    return doc;
}

/* Why value v did not pass, from its evidence: "fails", or "is inconclusive (or
 * invalid), which counts as failing". */
static const char *why_not(const planner *pl, double v)
{
    size_t i;
    const json_t *e;
    json_array_foreach(pl->evidence, i, e) {
        const char *verdict = json_string_value(json_object_get(e, "verdict"));
        if (json_number_value(json_object_get(e, "value")) != v || !verdict)
            continue;
        if (strcmp(verdict, "inconclusive") == 0)
            return "is inconclusive at --max-reps, which counts as failing";
        if (strcmp(verdict, "invalid") == 0)
            return "is not a value the scenario takes";
    }
    return "fails";
}

static void print_answer(FILE *out, const planner *pl, const vs_plan_range *r,
                         const vs_plan_answer *ans)
{
    char slos[1024] = "";
    for (size_t i = 0; i < json_array_size(pl->slo_text); i++)
        snprintf(slos + strlen(slos), sizeof slos - strlen(slos), "%s%s", i ? " and " : "",
                 json_string_value(json_array_get(pl->slo_text, i)));
    if (ans->stopped) {
        fprintf(out, "plan: stopped before an answer (after %u values)\n", ans->evaluations);
    } else if (!ans->found) {
        fprintf(out, "plan: no value meets %s: even %s=%.15g %s\n", slos, pl->key, r->lo,
                why_not(pl, r->lo));
    } else {
        fprintf(out, "plan: the largest %s that meets %s (%.0f%% confidence) is %.15g", pl->key,
                slos, pl->a->confidence * 100, ans->pass);
        if (ans->fail_known)
            fprintf(out, "; %.15g %s\n", ans->fail, why_not(pl, ans->fail));
        else
            fprintf(out, "; every value up to it passed: the limit lies above (%s)\n",
                    isnan(r->hi) ? "the doubling stopped" : "raise the range's top");
    }
}

static int plan_loaded(const vs_plan_args *a, const vs_config *cfg, vs_batch_exec *be,
                       const vs_job_base *base)
{
    char key[512], err[VS_ERROR_MAX];
    snprintf(key, sizeof key, "%s", a->param);
    vs_plan_range r;
    if (plan_range(a, key, &r) != 0)
        return VS_EXIT_BAD_INPUT;
    if (cfg->nslos == 0)
        return vs_usage_error("plan: which SLO? the scenario has none: --slo "
                              "'latency_us.blackout.p99 < 300000'"),
               VS_EXIT_BAD_INPUT;
    r.probes = a->probes;
    planner pl = {.a = a,
                  .cfg = cfg,
                  .key = key,
                  .integer = r.integer,
                  .be = be,
                  .base = base,
                  .metrics = json_array(),
                  .slo_text = vs_batch_slo_texts(cfg),
                  .evidence = json_array()};
    for (size_t i = 0; i < cfg->nslos; i++)
        json_array_append_new(pl.metrics, json_string(cfg->slos[i].metric));
    vs_plan_answer ans;
    vs_plan_search(&r, evaluate, &pl, &ans);
    json_t *doc = plan_document(&pl, &r, &ans);
    bool json_on_stdout = a->json_path && strcmp(a->json_path, "-") == 0;
    print_answer(json_on_stdout ? stderr : stdout, &pl, &r, &ans);
    int code = ans.stopped ? VS_EXIT_FAILURE : ans.found ? VS_EXIT_OK : VS_EXIT_BREACH;
    if (a->json_path && (!doc || vs_report_write_json(doc, a->json_path, err) != 0)) {
        fprintf(stderr, "vswitchsim: %s\n", doc ? err : "out of memory");
        code = VS_EXIT_FAILURE;
    }
    if (a->html_path && (!doc || vs_plan_write_html(doc, a->html_path, err) != 0)) {
        fprintf(stderr, "vswitchsim: %s\n", doc ? err : "out of memory");
        code = VS_EXIT_FAILURE;
    }
    json_decref(doc);
    json_decref(pl.metrics);
    json_decref(pl.slo_text);
    json_decref(pl.evidence);
    return code;
}

static int plan_loaded_fn(void *a, const vs_config *cfg, vs_batch_exec *be, const vs_job_base *base)
{
    return plan_loaded(a, cfg, be, base);
}

int vs_plan_drive(vs_plan_args *a, int *argc, char ***argv)
{
    return vs_batch_run(&a->b, argc, argv, plan_loaded_fn, a);
}
