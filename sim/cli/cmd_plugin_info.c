/*
 * cmd_plugin_info.c: `vswitchsim plugin-info`: open a plugin, run its entry on a
 * two-host switch, and show what it declares (for a WDK driver: the kernel functions it
 * imports) and which callbacks it subscribed. Its
 * entry and unload run under the crash guard, as in a run: a crash is one line, exit 3.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kernel/exports.h"
#include "model/sim.h"
#include "plugin/elf_check.h"
#include "plugin/guard.h"
#include "plugin/instance.h"
#include "plugin/loader.h"
#include "supervisor/supervisor.h"

static void print_subscriptions(const vs_sim *sim)
{
    static const char *const names[] = {"lifetime",
                                        "port",
                                        "interface",
                                        "filter-engine reorder",
                                        "policy",
                                        "runtime state save",
                                        "runtime state restore"};
    for (uint32_t i = 0; i < sim->nsubs; i++) {
        const vs_subscription *s = &sim->subs[i];
        if (s->host != 0)
            continue;
        const GUID *g = &s->provider;
        printf("subscription %u: provider {%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\n",
               i + 1, g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
               g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
        void *const *fns = (void *const *)&s->table;
        for (size_t f = 0; f < 7; f++)
            printf("  %-22s %s\n", names[f], fns[f] ? "yes" : "-");
    }
}

/* The instance name in messages: the file's name without its folder and ".so". */
static void name_of(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".so") == 0)
        n -= 3;
    snprintf(name, size, "%.*s", (int)n, base);
}

typedef struct imports {
    unsigned count, missing;
} imports;

/* Windows functions start with a capital, as in the loader's check (loader.c). */
static int print_import(const char *name, void *ctx)
{
    imports *im = ctx;
    if (name[0] < 'A' || name[0] > 'Z')
        return 0;
    bool provided = vs_kernel_exports_has(name);
    printf("  %s%s\n", name, provided ? "" : " (not provided)");
    im->count++;
    im->missing += !provided;
    return 0;
}

/* A driver: what it is, and the kernel functions it imports from the simulator. (One
 * that imports what the simulator lacks does not get here: the loader names those.) */
static void print_driver(const char *path)
{
    printf("plugin: %s\nkind: WDK driver (DriverEntry; loaded once per host, each with its "
           "own globals)\nentry: DriverEntry\nkernel functions imported:\n",
           path);
    imports im = {0};
    if (vs_elf_each_import(path, print_import, &im) != 0)
        printf("  (the symbol table cannot be read)\n");
    else if (im.missing == 0)
        printf("all %u provided\n", im.count);
    else
        printf("%u of %u not provided\n", im.missing, im.count);
}

/* Runs the entry (and the unload) with the guard armed and no recovery point: a crash
 * prints its line naming the plugin and the callback, and exits 3 (guard.c). */
static int attach_guarded(vs_sim *sim)
{
    char err[VS_ERROR_MAX];
    vs_guard guard;
    if (vs_guard_install() != 0 || vs_guard_arm(&guard, sim, 0) != 0) {
        perror("vswitchsim: installing the crash guard");
        return VS_EXIT_FAILURE;
    }
    guard.note = NULL; /* the line says all: plugin-info has no report to speak of */
    vs_plugin_set *set = vs_plugins_attach(sim, err);
    int code = VS_EXIT_OK;
    if (set) {
        print_subscriptions(sim);
        vs_plugins_detach(set);
    } else {
        fprintf(stderr, "vswitchsim: %s\n", err);
        code = VS_EXIT_BAD_INPUT;
    }
    vs_guard_disarm(&guard);
    return code;
}

static int inspect(const char *path, const char *params, vs_supervisor *sup)
{
    char err[VS_ERROR_MAX];
    vs_plugin p;
    char name[256];
    name_of(path, name, sizeof name);
    vs_plugin_spec spec = {.name = name, .path = (char *)path, .params_json = (char *)params};
    vs_config cfg = {.name = "plugin-info",
                     .topology = {2, 1, 1, 1, 1},
                     .plugins = &spec,
                     .nplugins = 1,
                     .metrics.histogram_rel_error = 0.01};
    vs_supervisor_know_plugins(sup, &cfg);
    vs_breadcrumb *crumb = sup ? vs_supervisor_crumb(sup) : NULL;
    vs_breadcrumb_enter(crumb, 0, "load", 0); /* its constructors run */
    int opened = vs_plugin_open(&p, path, path, err);
    vs_breadcrumb_leave(crumb);
    if (opened != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return VS_EXIT_BAD_INPUT;
    }
    if (p.driver)
        print_driver(path);
    else
        printf("plugin: %s\nABI version: %u\nentry: %s\nunload: %s\n", path, p.abi_version,
               VSWITCHSIM_PLUGIN_ENTRY_NAME, p.unload ? VSWITCHSIM_PLUGIN_UNLOAD_NAME : "(none)");
    vs_plugin_close(&p);

    vs_sim *sim = vs_sim_new(&cfg);
    if (!sim)
        return fprintf(stderr, "vswitchsim: out of memory\n"), VS_EXIT_FAILURE;
    sim->crumb = crumb;
    fflush(stdout); /* a crash ends the process with _exit: what was printed stays */
    int code = attach_guarded(sim);
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
    return code;
}

typedef struct info_args {
    const char *path, *params;
} info_args;

static const vs_cli_option info_options[] = {
    {.name = "--params",
     .kind = VS_CLI_STRING,
     .metavar = "JSON",
     .help = "the params its entry gets (default {})",
     .offset = offsetof(info_args, params)},
    {0},
};

static const vs_cli_table info_table = {info_options, VS_CLI_NEEDS_AS_UNKNOWN};

static const vs_cli_table *const info_tables[] = {&info_table, NULL};

/* "-" alone is an unknown option here, not a plugin: a plugin is a file to open. */
const vs_cli_command vs_cli_plugin_info_command = {
    .name = "plugin-info",
    .positional = "plugin",
    .dash_is_option = true,
    .operand = "PLUGIN.so",
    .summary = "Shows what a plugin declares and which callbacks it subscribes.",
    .about = "Opens the plugin, checks its ABI, runs its entry (or DriverEntry) on a two-host\n"
             "switch with --params, and lists its subscriptions; for a WDK driver, the kernel\n"
             "functions it imports. A crash in the plugin is one line and exit 3.",
    .tables = info_tables,
    .main = vs_cmd_plugin_info};

int vs_cmd_plugin_info(int argc, char **argv)
{
    info_args a = {.params = "{}"};
    vs_cli_part parts[] = {{&info_table, &a}};
    int parsed = vs_cli_parse(&vs_cli_plugin_info_command, parts, 1, argc, argv, &a.path);
    if (parsed != 0)
        return parsed == VS_CLI_HELP ? VS_EXIT_OK : VS_EXIT_BAD_INPUT;
    const char *path = a.path, *params = a.params;
    if (!path)
        return vs_cli_usage_error("plugin-info: which plugin?");
    /* Opening the plugin and running its entry run its code: in a supervised child. */
    vs_supervisor sup;
    int code = VS_EXIT_FAILURE;
    switch (vs_supervisor_start(&sup)) {
    case VS_SUPERVISED_PARENT:
        code = vs_supervisor_settle(&sup);
        break;
    case VS_SUPERVISED_CHILD:
        code = inspect(path, params, &sup);
        vs_supervisor_child_done(&sup, code);
        break;
    case VS_UNSUPERVISED:
        code = inspect(path, params, NULL);
        break;
    }
    vs_supervisor_close(&sup);
    return code;
}
