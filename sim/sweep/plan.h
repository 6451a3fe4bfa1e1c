/*
 * plan.h: the largest value of a parameter that meets the SLOs. The search assumes
 * that what passes at a value passes at every smaller one (more load, no better
 * latency): it checks the low end, finds a failing high end (given, or by doubling),
 * and bisects between them. A value's verdict takes the replications' confidence
 * interval into account: an SLO on a mean passes only when the whole interval meets it,
 * fails only when the whole interval breaks it, and is inconclusive otherwise (the
 * caller adds replications; what stays inconclusive counts as a failure, so that the
 * answer is a value known to pass).
 *
 * Values are tried in rounds of up to `probes` values whose runs can all go at once:
 * with 1, the search is a bisection; with K, each round cuts the bracket into K + 1
 * parts (and the doubling takes K steps a round), so that a cluster's slots are used.
 * The values tried depend on K only, never on how many processes run them.
 */
#ifndef VS_SWEEP_PLAN_H
#define VS_SWEEP_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "sweep/summary.h"

typedef enum vs_verdict {
    VS_VERDICT_PASS,
    VS_VERDICT_FAIL,
    VS_VERDICT_INCONCLUSIVE,
    VS_VERDICT_INVALID, /* the scenario does not take the value: a failure for the search */
    VS_VERDICT_STOP     /* interrupted or broken: the search ends without an answer */
} vs_verdict;

const char *vs_verdict_name(vs_verdict v);

/* One SLO on the values of n runs (missing: runs without the metric, a failure). For
 * < <= > >=, the interval of the mean at `confidence` decides, or the value itself with
 * one run or no spread; for == and != every run must hold. *s gets the summary. */
vs_verdict vs_plan_judge(const vs_slo *slo, const double *x, size_t n, size_t missing,
                         double confidence, vs_summary *s);

/* Decides values[0..n) (increasing), in one go: out[i] is PASS or FAIL (INCONCLUSIVE
 * and INVALID count as FAIL), or STOP for any of them to end the search. */
typedef void (*vs_plan_eval_fn)(void *ctx, const double *values, size_t n, vs_verdict *out);

#define VS_PLAN_MAX_PROBES 64

typedef struct vs_plan_range {
    double lo;        /* the search starts here; it must pass */
    double hi;        /* a value expected to fail; NAN: double from lo until one fails */
    bool integer;     /* integer values only */
    double tolerance; /* real values: stop when hi - lo <= tolerance * lo */
    unsigned max_doublings;
    unsigned probes; /* values per round, 1..VS_PLAN_MAX_PROBES (0 counts as 1) */
} vs_plan_range;

typedef struct vs_plan_answer {
    bool found; /* lo passed; pass holds the largest passing value */
    double pass;
    bool fail_known; /* a failing value above pass was seen: the answer is bracketed */
    double fail;
    bool stopped; /* the evaluator said STOP */
    unsigned evaluations;
    unsigned rounds;
} vs_plan_answer;

void vs_plan_search(const vs_plan_range *r, vs_plan_eval_fn eval, void *ctx, vs_plan_answer *out);

#endif /* VS_SWEEP_PLAN_H */
