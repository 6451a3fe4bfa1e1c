/*
 * cmd_validate.c: `vswitchsim validate`: load a scenario strictly and check that each
 * plugin opens and declares our ABI, without running anything.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/load_options.h"
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

/* The work of `validate`, in the supervised child (sup NULL: unsupervised). */
static int validate(const char *path, vs_load_args *la, vs_supervisor *sup)
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
    if (check_plugins(&cfg, sup ? vs_supervisor_crumb(sup) : NULL) == 0) {
        printf("%s: ok: \"%s\", %u hosts x %u VMs x %u NICs, %zu plugins, %zu SLOs\n", path,
               cfg.name, cfg.topology.hosts, cfg.topology.vms_per_host, cfg.topology.nics_per_vm,
               cfg.nplugins, cfg.nslos);
        code = VS_EXIT_OK;
    }
    vs_config_close(&cfg);
    return code;
}

/* validate takes the load options only. */
static const vs_cli_table *const validate_tables[] = {&vs_cli_load_table, NULL};

const vs_cli_command vs_cli_validate_command = {
    .name = "validate",
    .positional = "scenario",
    .operand = "SCENARIO.json",
    .summary = "Checks a scenario and its plugins without running it.",
    .about = "Loads the scenario as run would (with --set and --seed applied), opens each\n"
             "plugin and checks the ABI it declares, and prints one line: ok, or the first\n"
             "error, naming the file and the JSON path (exit 2).",
    .tables = validate_tables,
    .main = vs_cmd_validate};

/* Opening a plugin runs its constructors, and a file the loader cannot map kills the
 * loader: the work runs in a supervised child (sim/supervisor). */
int vs_cmd_validate(int argc, char **argv)
{
    vs_load_args la = {0};
    const char *path = NULL;
    int code = VS_EXIT_BAD_INPUT;
    vs_cli_part parts[] = {{&vs_cli_load_table, &la}};
    int parsed = vs_cli_parse(&vs_cli_validate_command, parts, 1, argc, argv, &path);
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
        code = validate(path, &la, &sup);
        vs_supervisor_child_done(&sup, code);
        break;
    case VS_UNSUPERVISED:
        code = validate(path, &la, NULL);
        break;
    }
    vs_supervisor_close(&sup);
out:
    vs_cli_free_load_args(&la);
    return code;
}
