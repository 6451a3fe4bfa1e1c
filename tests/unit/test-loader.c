/*
 * test-loader.c: the plugin loader (sim/plugin/loader.c): every refusal is one line
 * naming the plugin and why; a good plugin runs its entry once per host; one .so loads
 * as several instances with their own params; unload reports leaked tagged memory.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin/instance.h"
#include "plugin/loader.h"

static char *fixture(const char *name)
{
    static char path[4][1024];
    static int next;
    const char *dir = getenv("VSWITCHSIM_TEST_PLUGIN_DIR");
    cr_assert_not_null(dir, "VSWITCHSIM_TEST_PLUGIN_DIR is not set (run through ctest)");
    char *p = path[next++ % 4];
    snprintf(p, 1024, "%s/%s.so", dir, name);
    return p;
}

static void expect_refusal(const char *name, const char *why)
{
    vs_plugin p;
    char err[VS_ERROR_MAX];
    char *path = fixture(name);
    cr_assert_eq(vs_plugin_open(&p, name, path, err), -1, "%s loaded", name);
    cr_assert_null(strchr(err, '\n'), "more than one line: %s", err);
    cr_assert(strstr(err, name), "does not name the plugin: %s", err);
    cr_assert(strstr(err, why), "expected \"%s\" in: %s", why, err);
}

Test(loader, missing_file_is_refused_by_name)
{
    expect_refusal("does_not_exist", "No such file or directory");
}

Test(loader, missing_entry_is_refused)
{
    expect_refusal("no_entry", "no entry point VswitchsimPluginEntry");
}

Test(loader, wrong_abi_version_is_refused)
{
    expect_refusal("wrong_abi", "bad ABI version 99 (want 1)");
}

Test(loader, missing_abi_declaration_is_refused)
{
    expect_refusal("no_abi", "VSWITCHSIM_PLUGIN_DECLARE");
}

Test(loader, not_a_shared_object_is_refused)
{
    char path[] = "/tmp/vs-loader-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "not an ELF file\n", 16), 16);
    close(fd);
    vs_plugin p;
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_plugin_open(&p, "junk", path, err), -1);
    cr_assert(strstr(err, "junk") && strstr(err, path), "%s", err);
    unlink(path);
}

static vs_config two_instances_config(vs_plugin_spec *specs, size_t n)
{
    vs_config cfg = {.name = "loader-test",
                     .seed = 1,
                     .topology = {3, 1, 1, 1, 1},
                     .plugins = specs,
                     .nplugins = n,
                     .metrics.histogram_rel_error = 0.01};
    return cfg;
}

Test(loader, entry_runs_once_per_host_and_instances_keep_their_params)
{
    vs_plugin_spec specs[2] = {{"a", fixture("good"), "{\"tag\": 1}"},
                               {"b", fixture("good"), "{\"tag\": 2}"}};
    vs_config cfg = two_instances_config(specs, 2);
    vs_sim *sim = vs_sim_new(&cfg);
    char err[VS_ERROR_MAX];
    vs_plugin_set *set = vs_plugins_attach(sim, err);
    cr_assert_not_null(set, "%s", err);
    /* One subscription per (plugin, host): 2 plugins x 3 hosts. */
    cr_assert_eq(sim->nsubs, 6);
    for (uint32_t h = 0; h < 3; h++)
        cr_assert_eq(sim->hosts[h].nsubs, 2);
    /* Each instance's host table names it and its host. */
    for (uint32_t i = 0; i < sim->ninstances; i++) {
        const vs_plugin_instance *pi = sim->instances[i].owner;
        cr_assert_str_eq(pi->host.InstanceName, specs[sim->instances[i].plugin].name);
        cr_assert_eq(pi->host.HostIndex, sim->instances[i].host);
        cr_assert_eq(pi->host.AbiVersion, VSWITCHSIM_ABI_VERSION);
        cr_assert_eq(pi->host.Size, sizeof(VSWITCHSIM_HOST));
    }
    vs_plugins_detach(set);
    cr_assert_eq(sim->stats.violations.total, 0, "%s",
                 sim->stats.violations.total ? sim->stats.violations.kept[0].detail : "");
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
}

Test(loader, failing_entry_is_reported_with_its_ntstatus)
{
    vs_plugin_spec specs[1] = {{"boom", fixture("entry_fails"), "{}"}};
    vs_config cfg = two_instances_config(specs, 1);
    vs_sim *sim = vs_sim_new(&cfg);
    char err[VS_ERROR_MAX];
    cr_assert_null(vs_plugins_attach(sim, err));
    cr_assert(strstr(err, "boom"), "%s", err);
    cr_assert(strstr(err, "STATUS_INSUFFICIENT_RESOURCES (0xC000009A)"), "%s", err);
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
}
