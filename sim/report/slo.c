/*
 * slo.c: service-level thresholds, k6-style ("latency_us.save.p99 < 500"), checked
 * against the report's own numbers and listed in it.
 */
#include <math.h>

#include "report/report.h"

static const char *op_text(vs_slo_op op)
{
    static const char *const text[] = {"<", "<=", ">", ">=", "==", "!="};
    return text[op];
}

static bool holds(double v, vs_slo_op op, double limit)
{
    switch (op) {
    case VS_SLO_LT: return v < limit;
    case VS_SLO_LE: return v <= limit;
    case VS_SLO_GT: return v > limit;
    case VS_SLO_GE: return v >= limit;
    case VS_SLO_EQ: return v == limit;
    case VS_SLO_NE: return v != limit;
    }
    return false;
}

int vs_report_eval_slos(json_t *report, const vs_config *cfg)
{
    json_t *list = json_object_get(report, "slo");
    int breached = 0;
    for (size_t i = 0; i < cfg->nslos; i++) {
        const vs_slo *s = &cfg->slos[i];
        double v = NAN;
        bool found = vs_report_lookup(report, s->metric, &v);
        bool pass = found && holds(v, s->op, s->limit);
        breached += !pass;
        json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:o, s:b}", "metric", s->metric,
                                              "op", op_text(s->op), "limit", s->limit, "value",
                                              found ? json_real(v) : json_null(), "pass", pass));
    }
    return breached;
}
