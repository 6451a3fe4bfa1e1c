/*
 * test-config.c: the config floor (sim/config): the catalogue of report metric names
 * and releasing a config, on their own, without the scenario loader or the report.
 * That the catalogue names exactly the report's numbers is tested in test-report.c.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/metric_names.h"

Test(config, metric_names_are_unique_and_each_known)
{
    char names[400][VS_METRIC_NAME_MAX];
    size_t n = 0;
    while (n < 400 && vs_metric_name(n, names[n]))
        n++;
    cr_assert(n > 200 && n < 400, "%zu names", n);
    for (size_t i = 0; i < n; i++) {
        cr_assert(vs_metric_known(names[i]), "%s", names[i]);
        cr_assert_lt(strlen(names[i]), VS_METRIC_NAME_MAX - 1);
        for (size_t k = 0; k < i; k++)
            cr_assert_str_neq(names[i], names[k], "%s twice", names[i]);
    }
    char past[VS_METRIC_NAME_MAX];
    cr_assert_not(vs_metric_name(n, past));
    cr_assert_not(vs_metric_name(SIZE_MAX, past));
}

Test(config, metric_known_takes_whole_names_only)
{
    cr_assert(vs_metric_known("seed"));
    cr_assert(vs_metric_known("blackout_us.source_teardown.p9999"));
    cr_assert(vs_metric_known("local_save_restores.failed_at.operational_port"));
    cr_assert_not(vs_metric_known("see"));   /* a prefix of a name */
    cr_assert_not(vs_metric_known("seeds")); /* a name and more */
    cr_assert_not(vs_metric_known("latency_us.save.p99.x"));
    cr_assert_not(vs_metric_known("latency_us..p99"));
    cr_assert_not(vs_metric_known(".seed"));
    cr_assert_not(vs_metric_known("migrations.failed_at")); /* an object */
}

/* Everything a loaded config can own, released (ASan checks nothing leaks), and the
 * config left zeroed: closing twice is safe. */
Test(config, close_releases_everything_and_zeroes)
{
    vs_config cfg = {0};
    cfg.name = strdup("n");
    cfg.sweep.nparams = 2;
    cfg.sweep.params = calloc(2, sizeof *cfg.sweep.params);
    for (size_t i = 0; i < 2; i++) {
        cfg.sweep.params[i].key = strdup("workload.rate_per_s");
        cfg.sweep.params[i].values = strdup("[1,2]");
    }
    cfg.sweep.nmetrics = 1;
    cfg.sweep.metrics = calloc(1, sizeof *cfg.sweep.metrics);
    cfg.sweep.metrics[0] = strdup("saves.failed");
    cfg.nplugins = 1;
    cfg.plugins = calloc(1, sizeof *cfg.plugins);
    cfg.plugins[0].name = strdup("p");
    vs_config_close(&cfg);
    cr_assert_null(cfg.name);
    cr_assert_eq(cfg.sweep.nparams, 0);
    cr_assert_null(cfg.plugins);
    vs_config_close(&cfg);
    vs_config_close(NULL);
}
