/*
 * test-batch.c: sim/sweep/batch.c, the parts that need no runs. The metrics every run
 * reports come in a fixed order (headline, then SLOs, then extra) without duplicates;
 * the fingerprint that tells a --resume whether runs are comparable changes with each
 * thing that makes them differ; SLOs read back as text.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/batch.h"
#include "tmpdir.h"

static vs_slo slos[] = {{"latency_us.save.p99", VS_SLO_LT, 300}, /* also a headline */
                        {"saves.failed", VS_SLO_EQ, 0}};

static size_t index_of(const char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return n;
}

Test(batch, metrics_headline_then_slos_then_extra_without_duplicates)
{
    vs_config cfg = {.slos = slos, .nslos = 2};
    const char *extra[] = {"saves.failed", "restores.failed", "restores.failed"};
    size_t n = 0;
    const char **list = vs_batch_metrics(&cfg, extra, 3, &n);
    cr_assert_not_null(list);
    cr_assert_str_eq(list[0], "latency_us.blackout.p99");
    size_t save = index_of(list, n, "latency_us.save.p99");
    size_t failed = index_of(list, n, "saves.failed");
    size_t restores = index_of(list, n, "restores.failed");
    cr_assert_lt(save, failed, "a headline metric keeps its place");
    cr_assert_eq(restores, n - 1, "extra come last");
    cr_assert_eq(failed, n - 2, "then the SLO's own, once");
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(index_of(list, n, list[i]), i, "%s twice", list[i]);
    free(list);
}

Test(batch, slo_texts)
{
    vs_config cfg = {.slos = slos, .nslos = 2};
    json_t *texts = vs_batch_slo_texts(&cfg);
    cr_assert_eq(json_array_size(texts), 2);
    cr_assert_str_eq(json_string_value(json_array_get(texts, 0)), "latency_us.save.p99 < 300");
    cr_assert_str_eq(json_string_value(json_array_get(texts, 1)), "saves.failed == 0");
    json_decref(texts);
}

static void fingerprint(const vs_batch_args *b, const char *const *metrics, size_t n, char out[17])
{
    cr_assert_eq(vs_batch_fingerprint(b, metrics, n, out), 0);
    cr_assert_eq(strlen(out), 16);
}

Test(batch, fingerprint_changes_with_each_input)
{
    char dir[64], path[128], base[17], other[17];
    tmpdir_make(dir, sizeof dir, "batch");
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"name\": \"a\"}\n", f);
    fclose(f);
    vs_override ov[] = {{"workload.rate_per_s", "5"}};
    const char *dirs[] = {NULL, NULL};
    vs_scenario_options opts = {.plugin_path = dirs};
    vs_batch_args b = {.scenario = path, .load = &opts};
    const char *metrics[] = {"saves.failed", "restores.failed"};
    fingerprint(&b, metrics, 2, base);
    fingerprint(&b, metrics, 2, other);
    cr_assert_str_eq(base, other, "the same inputs, the same digest");

    fingerprint(&b, metrics, 1, other);
    cr_assert_str_neq(base, other, "metrics");
    opts.overrides = ov;
    opts.noverrides = 1;
    fingerprint(&b, metrics, 2, other);
    cr_assert_str_neq(base, other, "--set");
    opts.noverrides = 0;
    opts.have_seed = 1;
    fingerprint(&b, metrics, 2, other);
    cr_assert_str_neq(base, other, "--seed");
    opts.have_seed = 0;
    dirs[0] = "/plugins";
    fingerprint(&b, metrics, 2, other);
    cr_assert_str_neq(base, other, "--plugin-path");
    dirs[0] = NULL;
    fingerprint(&b, metrics, 2, other);
    cr_assert_str_eq(base, other, "back as it was");
    f = fopen(path, "w");
    fputs("{\"name\": \"b\"}\n", f);
    fclose(f);
    fingerprint(&b, metrics, 2, other);
    cr_assert_str_neq(base, other, "the scenario's bytes");
    tmpdir_remove(dir);
}

Test(batch, fingerprint_changes_with_a_base_file)
{
    char dir[64], path[128], base_path[128], before[17], after[17];
    tmpdir_make(dir, sizeof dir, "batch");
    snprintf(path, sizeof path, "%s/s.json", dir);
    snprintf(base_path, sizeof base_path, "%s/base.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"extends\": \"base.json\"}\n", f);
    fclose(f);
    f = fopen(base_path, "w");
    fputs("{\"seed\": 1}\n", f);
    fclose(f);
    vs_scenario_options opts = {0};
    vs_batch_args b = {.scenario = path, .load = &opts};
    fingerprint(&b, NULL, 0, before);
    f = fopen(base_path, "w");
    fputs("{\"seed\": 2}\n", f);
    fclose(f);
    fingerprint(&b, NULL, 0, after);
    cr_assert_str_neq(before, after, "the base's values");
    tmpdir_remove(dir);
}

Test(batch, fingerprint_of_a_missing_file_fails)
{
    vs_scenario_options opts = {0};
    vs_batch_args b = {.scenario = "/nonexistent/vs-batch.json", .load = &opts};
    char out[17];
    cr_assert_eq(vs_batch_fingerprint(&b, NULL, 0, out), -1);
}
