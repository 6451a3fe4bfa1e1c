/*
 * vms_json.c: the scenario's "vms" section: each VM's memory, the rate at which it
 * dirties pages, and its working set (the most one pre-copy round can find dirty), as
 * distributions of sizes and rates, drawn once per VM. The memory pre-copy model
 * (migration.model "memory") reads them; with "measured" they are allowed but unused.
 */
#include "scenario/scenario-int.h"

/* A VM with no memory (or an empty working set) has nothing to copy: refuse a constant
 * 0 (or a distribution that can only draw 0); other kinds may draw 0 now and then. */
static int check_nonzero(vs__sc *sc, const json_t *vms, const char *key, const vs_dist *d)
{
    if (vs_dist_mean(d) > 0)
        return 0;
    const json_t *v = json_object_get(vms, key);
    vs__sc_push_key(sc, key);
    if (d->kind != VS_DIST_CONSTANT)
        return vs__sc_fail(sc, v, "expected sizes whose mean is > 0");
    if (json_is_object(v)) {
        vs__sc_push_key(sc, "value");
        v = json_object_get(v, "value");
    }
    return vs__sc_fail(sc, v, "expected a size > 0");
}

/* The defaults (4 GiB, 25 MB/s, 1 GiB) are choices for a server VM at work, not published
 * figures: docs/scenario.md "vms" says so, docs/capacity.md how to measure your own. */
int vs__sc_vms(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"memory", "dirty_rate", "working_set", NULL};
    const json_t *vms;
    size_t old;
    if (vs__sc_enter(sc, root, "vms", false, keys, &vms, &old) < 0 ||
        vs__sc_dist_of(sc, &vs__sc_sizes, vms, "memory", "\"4GiB\"", &cfg->vms.memory) < 0 ||
        check_nonzero(sc, vms, "memory", &cfg->vms.memory) < 0 ||
        vs__sc_dist_of(sc, &vs__sc_rates, vms, "dirty_rate", "\"25MB/s\"", &cfg->vms.dirty_rate) <
            0 ||
        vs__sc_dist_of(sc, &vs__sc_sizes, vms, "working_set", "\"1GiB\"", &cfg->vms.working_set) <
            0 ||
        check_nonzero(sc, vms, "working_set", &cfg->vms.working_set) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}
