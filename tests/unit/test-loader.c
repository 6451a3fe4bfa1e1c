/*
 * test-loader.c: the plugin loader (sim/plugin/loader.c): every refusal is one line
 * naming the plugin and why; a good plugin runs its entry once per host; one .so loads
 * as several instances with their own params; unload reports leaked tagged memory.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <fcntl.h>
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

/* ---- WDK drivers: one copy per host ------------------------------------------------ */

static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

Test(loader, a_driver_needs_no_abi_version)
{
    vs_plugin p;
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_plugin_open(&p, "gc", fixture("global_counter"), err), 0, "%s", err);
    cr_assert(p.driver);
    cr_assert_not_null(p.driver_entry);
    cr_assert_null(p.entry);
    cr_assert_eq(p.abi_version, 0);
    cr_assert_geq(p.maps_per_copy, 4, "%u", p.maps_per_copy);
    vs_plugin_close(&p);
}

Test(loader, an_sdk_plugin_with_a_driver_entry_stays_an_sdk_plugin)
{
    vs_plugin p;
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_plugin_open(&p, "gcs", fixture("global_counter_shared"), err), 0, "%s", err);
    cr_assert(!p.driver);
    cr_assert_not_null(p.entry);
    vs_plugin_close(&p);
}

/* Many copies in a row reuse one fd number: each still gets a link map of its own (glibc
 * would hand back the first for a name it has loaded), and no fd stays open. */
Test(loader, every_copy_is_a_link_map_of_its_own)
{
    vs_plugin p;
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_plugin_open(&p, "gc", fixture("global_counter"), err), 0, "%s", err);
    enum { COPIES = 40 };
    void *dl[COPIES];
    vs_driver_entry_fn entry[COPIES];
    int fds = open_fds();
    for (int i = 0; i < COPIES; i++) {
        dl[i] = vs_plugin_load_copy(&p, &entry[i], err);
        cr_assert_not_null(dl[i], "%s", err);
        cr_assert_neq((void *)entry[i], (void *)p.driver_entry);
        for (int j = 0; j < i; j++)
            cr_assert_neq(dl[i], dl[j], "copies %d and %d share a link map", i, j);
    }
    cr_assert_eq(open_fds(), fds, "a copy keeps an fd open");
    for (int i = COPIES; i-- > 0;)
        dlclose(dl[i]);
    vs_plugin_close(&p);
}

/* Two scenario plugins of one driver file: the second one's host 0 gets a copy too. */
Test(loader, a_driver_runs_on_every_host_in_globals_of_its_own)
{
    vs_plugin_spec specs[2] = {{"a", fixture("global_counter"), "{}"},
                               {"b", fixture("global_counter"), "{}"}};
    vs_config cfg = two_instances_config(specs, 2);
    vs_sim *sim = vs_sim_new(&cfg);
    char err[VS_ERROR_MAX];
    vs_plugin_set *set = vs_plugins_attach(sim, err);
    cr_assert_not_null(set, "%s", err);
    for (uint32_t i = 0; i < sim->ninstances; i++) {
        const vs_plugin_instance *pi = sim->instances[i].owner;
        cr_assert(pi->loaded);
        cr_assert_eq(pi->copy == NULL, i == 0, "instance %u", i);
    }
    vs_plugins_detach(set);
    cr_assert_null(sim->kernel);
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
}

/* The SDK build of the same driver is loaded once: host 1 meets host 0's count. */
Test(loader, one_shared_copy_is_what_the_fixture_detects)
{
    vs_plugin_spec specs[1] = {{"shared", fixture("global_counter_shared"), "{}"}};
    vs_config cfg = two_instances_config(specs, 1);
    vs_sim *sim = vs_sim_new(&cfg);
    char err[VS_ERROR_MAX];
    cr_assert_null(vs_plugins_attach(sim, err));
    cr_assert(strstr(err, "entry failed on host 1 with") && strstr(err, "0xC0000035"), "%s", err);
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
}
