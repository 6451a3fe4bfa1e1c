/*
 * cmd_validate.c: `vswitchsim validate`: load a scenario strictly and check that each
 * plugin opens and declares our ABI, without running anything; with --plugins, also run
 * each plugin's entry on every host, as a run would before it starts, so that its params
 * are checked (the typed getters' errors), and unload it again.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/load_options.h"
#include "kernel/kernel.h"
#include "model/sim.h"
#include "plugin/guard.h"
#include "plugin/loader.h"
#include "supervisor/supervisor.h"

static int check_plugins(const vs_config *cfg, vs_breadcrumb *crumb)
{
    char err[VS_ERROR_MAX];
    for (size_t i = 0; i < cfg->nplugins; i++) {
        vs_plugin p;
        vs_breadcrumb_enter(crumb, (uint32_t)i, "load", 0); /* its constructors run */
        int rc = vs_plugin_open(&p, cfg->plugins[i].name, cfg->plugins[i].path, err);
        vs_breadcrumb_leave(crumb);
        if (rc != 0) {
            fprintf(stderr, "vswitchsim: %s: $.plugins[%zu]: %s\n", cfg->source_path, i, err);
            return -1;
        }
        vs_plugin_close(&p);
    }
    return 0;
}

/* Runs every plugin's entry on every host, under the crash guard as in a run, and
 * unloads them: exit 0, or 2 with the loader's line (a param a getter refused, an entry
 * that failed), or 3 for a crash (the guard's line). */
static int run_entries(const vs_config *cfg, vs_supervisor *sup)
{
    char err[VS_ERROR_MAX];
    vs_sim *sim = vs_sim_new(cfg);
    if (!sim)
        return fprintf(stderr, "vswitchsim: out of memory\n"), VS_EXIT_FAILURE;
    sim->crumb = sup ? vs_supervisor_crumb(sup) : NULL;
    vs_guard guard;
    int code = VS_EXIT_OK;
    if (vs_guard_install() != 0 || vs_guard_arm(&guard, sim, 0) != 0) {
        perror("vswitchsim: installing the crash guard");
        code = VS_EXIT_FAILURE;
    } else {
        guard.note = NULL; /* no report to speak of: the line says all */
        vs_plugin_set *set = vs_plugins_attach(sim, err);
        if (set)
            vs_plugins_detach(set);
        else if (vs_sim_failed(sim))
            fprintf(stderr, "vswitchsim: out of memory\n"), code = VS_EXIT_FAILURE;
        else
            fprintf(stderr, "vswitchsim: %s: %s\n", cfg->source_path, err),
                code = VS_EXIT_BAD_INPUT;
        vs_guard_disarm(&guard);
    }
    vs_kernel_bind(NULL);
    vs_sim_free(sim);
    return code;
}

typedef struct validate_args {
    bool plugins;
} validate_args;

/* The work of `validate`, in the supervised child (sup NULL: unsupervised). */
static int validate(const char *path, vs_load_args *la, const validate_args *va, vs_supervisor *sup)
{
    char err[VS_ERROR_MAX];
    vs_config cfg;
    int loaded = vs_scenario_load(path, &la->opts, &cfg, err);
    if (loaded != 0) {
        fprintf(stderr, "vswitchsim: %s\n", err);
        return loaded == VS_SCENARIO_OOM ? VS_EXIT_FAILURE : VS_EXIT_BAD_INPUT;
    }
    vs_supervisor_know_plugins(sup, &cfg);
    int code = VS_EXIT_BAD_INPUT;
    if (check_plugins(&cfg, sup ? vs_supervisor_crumb(sup) : NULL) == 0)
        code = va->plugins ? run_entries(&cfg, sup) : VS_EXIT_OK;
    if (code == VS_EXIT_OK)
        printf("%s: ok: \"%s\", %u hosts x %u VMs x %u NICs, %zu plugins%s, %zu SLOs\n", path,
               cfg.name, cfg.topology.hosts, cfg.topology.vms_per_host, cfg.topology.nics_per_vm,
               cfg.nplugins, va->plugins ? " (entries ran, params accepted)" : "", cfg.nslos);
    vs_config_close(&cfg);
    return code;
}

static const vs_cli_option validate_options[] = {
    {.name = "--plugins",
     .kind = VS_CLI_FLAG,
     .help = "also run each plugin's entry on every host (its params checked), then unload it",
     .offset = offsetof(validate_args, plugins)},
    {0},
};

static const vs_cli_table validate_table = {validate_options, VS_CLI_NEEDS_NAMED};

/* validate takes its own options and the load options, in the order it parses them. */
static const vs_cli_table *const validate_tables[] = {&validate_table, &vs_cli_load_table, NULL};

const vs_cli_command vs_cli_validate_command = {
    .name = "validate",
    .positional = "scenario",
    .operand = "SCENARIO.json",
    .summary = "Checks a scenario and its plugins without running it.",
    .about = "Loads the scenario as run would (with --set and --seed applied), opens each\n"
             "plugin and checks the ABI it declares, and prints one line: ok, or the first\n"
             "error, naming the file and the JSON path (exit 2). With --plugins it also runs\n"
             "each plugin's entry on every host, so that its params are checked, and unloads it.",
    .tables = validate_tables,
    .main = vs_cmd_validate};

/* Opening a plugin runs its constructors, and a file the loader cannot map kills the
 * loader: the work runs in a supervised child (sim/supervisor). */
int vs_cmd_validate(int argc, char **argv)
{
    vs_load_args la = {0};
    validate_args va = {0};
    const char *path = NULL;
    int code = VS_EXIT_BAD_INPUT;
    vs_cli_part parts[] = {{&validate_table, &va}, {&vs_cli_load_table, &la}};
    int parsed = vs_cli_parse(&vs_cli_validate_command, parts, 2, argc, argv, &path);
    if (parsed == VS_CLI_HELP)
        code = VS_EXIT_OK;
    if (parsed != 0)
        goto out;
    if (!path) {
        vs_cli_usage_error("validate: which scenario?");
        goto out;
    }
    vs_cli_finish_load_args(&la);
    vs_supervisor sup;
    switch (vs_supervisor_start(&sup)) {
    case VS_SUPERVISED_PARENT:
        code = vs_supervisor_settle(&sup);
        break;
    case VS_SUPERVISED_CHILD:
        code = validate(path, &la, &va, &sup);
        vs_supervisor_child_done(&sup, code);
        break;
    case VS_UNSUPERVISED:
        code = validate(path, &la, &va, NULL);
        break;
    }
    vs_supervisor_close(&sup);
out:
    vs_cli_free_load_args(&la);
    return code;
}
