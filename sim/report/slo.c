/*
 * slo.c: service-level thresholds, k6-style ("latency_us.save.p99 < 500"), checked
 * against the report's own numbers and listed in it.
 */
#include <math.h>

#include "report/report.h"

const char *vs_slo_op_text(vs_slo_op op)
{
    static const char *const text[] = {"<", "<=", ">", ">=", "==", "!="};
    return text[op];
}

int vs_report_eval_slos(json_t *report, const vs_config *cfg)
{
    json_t *list = json_object_get(report, "slo");
    int breached = 0;
    for (size_t i = 0; i < cfg->nslos; i++) {
        const vs_slo *s = &cfg->slos[i];
        double v = NAN;
        bool found = vs_report_lookup(report, s->metric, &v);
        bool pass = found && vs_slo_holds(s->op, v, s->limit);
        breached += !pass;
        /* clang-format off */
        json_array_append_new(list, json_pack("{s:s, s:s, s:f, s:o, s:b}", "metric", s->metric,
                                              "op", vs_slo_op_text(s->op), "limit", s->limit, "value",
                                              found ? json_real(v) : json_null(), "pass", pass));
        /* clang-format on */
    }
    return breached;
}
