/*
 * loader.c: opening callout plugins, checking them before the run, instantiating them
 * once per host, and unloading them with a check for leaked tagged memory.
 */
#include "plugin/loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/ntstatus.h"
#include "kernel/exports.h"
#include "model/special_pool.h"
#include "plugin/elf_check.h"
#include "plugin/instance.h"

struct vs_plugin_set {
    vs_sim *sim;
    vs_plugin *plugins; /* one per scenario plugin */
    size_t nplugins;
    vs_plugin_instance *instances; /* [plugin * hosts + host], as sim->instances */
    uint32_t ninstances;
};

static int refuse(char err[VS_ERROR_MAX], const char *name, const char *path, const char *why)
{
    snprintf(err, VS_ERROR_MAX, "plugin \"%s\" (%s): %s", name, path, why);
    return -1;
}

/* dlerror() names the path again; keep the line short by dropping that prefix. */
static const char *dl_reason(const char *path)
{
    const char *e = dlerror();
    if (!e)
        return "dlopen failed";
    size_t n = strlen(path);
    if (strncmp(e, path, n) == 0 && e[n] == ':')
        e += n + 1 + (e[n + 1] == ' ');
    return e;
}

/* Windows API names start with a capital (KeSetTimer, NdisAllocateIoWorkItem); C
 * libraries' seldom do. Only such names are listed: the libraries a plugin links are
 * not loaded once its dlopen has failed, so their functions would look missing too. */
typedef struct missing {
    vs_buf *names;
    unsigned count;
} missing;

static int note_missing(const char *name, void *ctx)
{
    missing *m = ctx;
    if (name[0] < 'A' || name[0] > 'Z' || vs_kernel_exports_has(name) || dlsym(RTLD_DEFAULT, name))
        return 0;
    if (m->count++ < 8)
        vs_buf_printf(m->names, "%s%s", m->count > 1 ? ", " : "", name);
    return 0;
}

/* Why dlopen failed: every Windows function the driver imports and the simulator does
 * not provide, all at once, or dlopen's own reason. */
static const char *missing_imports(const char *path, char *why, size_t size)
{
    snprintf(why, size, "%s", dl_reason(path)); /* a copy: dlsym below may reuse dlerror's */
    vs_buf names = {0};
    missing m = {&names, 0};
    if (strstr(why, "undefined symbol") && vs_elf_each_import(path, note_missing, &m) == 0 &&
        m.count > 0 && names.text)
        snprintf(why, size,
                 "imports %u function%s vswitchsim does not provide: %s%s (docs/wdk.md lists "
                 "what it does)",
                 m.count, m.count == 1 ? "" : "s", names.text, m.count > 8 ? ", ..." : "");
    vs_buf_free(&names);
    return why;
}

int vs_plugin_open(vs_plugin *p, const char *name, const char *path, char err[VS_ERROR_MAX])
{
    char why[256];
    struct stat st;
    memset(p, 0, sizeof *p);
    if (stat(path, &st) != 0)
        return refuse(err, name, path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return refuse(err, name, path, "not a regular file");
    if (vs_elf_check_file(path, why, sizeof why) != 0)
        return refuse(err, name, path, why); /* before dlopen, which SIGBUSes on a short file */
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl)
        return refuse(err, name, path, missing_imports(path, why, sizeof why));
    const UINT32 *abi = dlsym(p->dl, VSWITCHSIM_PLUGIN_ABI_NAME);
    *(void **)&p->entry = dlsym(p->dl, VSWITCHSIM_PLUGIN_ENTRY_NAME);
    *(void **)&p->unload = dlsym(p->dl, VSWITCHSIM_PLUGIN_UNLOAD_NAME);
    if (!p->entry)
        snprintf(why, sizeof why, "no entry point %s", VSWITCHSIM_PLUGIN_ENTRY_NAME);
    else if (!abi)
        snprintf(why, sizeof why, "no %s (add VSWITCHSIM_PLUGIN_DECLARE(); to the plugin)",
                 VSWITCHSIM_PLUGIN_ABI_NAME);
    else if (*abi != VSWITCHSIM_ABI_VERSION)
        snprintf(why, sizeof why, "bad ABI version %u (want %u)", *abi, VSWITCHSIM_ABI_VERSION);
    if (!p->entry || !abi || *abi != VSWITCHSIM_ABI_VERSION) {
        dlclose(p->dl);
        p->dl = NULL;
        return refuse(err, name, path, why);
    }
    p->abi_version = *abi;
    p->name = strdup(name);
    p->path = strdup(path);
    if (!p->name || !p->path) {
        vs_plugin_close(p);
        return refuse(err, name, path, "out of memory"), VS_PLUGIN_OOM;
    }
    return 0;
}

void vs_plugin_close(vs_plugin *p)
{
    if (p->dl)
        dlclose(p->dl);
    free(p->name);
    free(p->path);
    memset(p, 0, sizeof *p);
}

/* ---- Instances ---------------------------------------------------------------- */

static int instantiate(vs_plugin_set *set, uint32_t index, char err[VS_ERROR_MAX])
{
    vs_sim *sim = set->sim;
    const vs_config *cfg = sim->cfg;
    vs_instance *in = &sim->instances[index];
    vs_plugin_instance *pi = &set->instances[index];
    const vs_plugin *p = &set->plugins[in->plugin];
    pi->sim = sim;
    pi->index = index;
    in->owner = pi;
    vs_host_table_init(pi, cfg->plugins[in->plugin].name, in->host, cfg->topology.hosts);
    vs_kernel_set_entry_instance(index);
    vs_sim_activity_begin(sim, index, "entry");
    NTSTATUS st = p->entry(&pi->host, cfg->plugins[in->plugin].params_json, &pi->context);
    vs_sim_activity_end(sim);
    vs_kernel_set_entry_instance(UINT32_MAX);
    if (!NT_SUCCESS(st) || st == STATUS_PENDING) {
        char buf[64];
        snprintf(err, VS_ERROR_MAX, "plugin \"%s\" (%s): entry failed on host %u with %s", p->name,
                 p->path, in->host, vs_ntstatus_name(st, buf));
        return -1;
    }
    pi->loaded = true;
    return 0;
}

static void report_leaks(vs_plugin_instance *pi)
{
    for (size_t t = 0; t < pi->ntags; t++) {
        const vs_tag_usage *u = &pi->tags[t];
        if (u->blocks == 0)
            continue;
        vs_sim_violation(pi->sim, VS_RULE_LEAKED_MEMORY, pi->index,
                         "%llu bytes in %llu blocks with tag '%.4s' still allocated at unload "
                         "on host %u",
                         (unsigned long long)u->bytes, (unsigned long long)u->blocks,
                         (const char *)&u->tag, pi->host.HostIndex);
    }
}

static void unload_instance(vs_plugin_set *set, uint32_t index)
{
    vs_plugin_instance *pi = &set->instances[index];
    const vs_plugin *p = &set->plugins[set->sim->instances[index].plugin];
    if (pi->loaded && p->unload) {
        vs_sim_activity_begin(set->sim, index, "unload");
        p->unload(pi->context);
        vs_sim_activity_end(set->sim);
    }
    if (pi->loaded)
        report_leaks(pi);
    vs_host_release_blocks(pi);
    pi->loaded = false;
    set->sim->instances[index].unloaded = true;
    free(pi->tags);
    pi->tags = NULL;
    pi->ntags = pi->tags_cap = 0;
}

vs_plugin_set *vs_plugins_attach(vs_sim *sim, char err[VS_ERROR_MAX])
{
    const vs_config *cfg = sim->cfg;
    vs_plugin_set *set = calloc(1, sizeof *set);
    if (!set)
        return vs_sim_out_of_memory(sim), snprintf(err, VS_ERROR_MAX, "out of memory"), NULL;
    set->sim = sim;
    set->plugins = calloc(cfg->nplugins ? cfg->nplugins : 1, sizeof *set->plugins);
    set->instances = calloc(sim->ninstances ? sim->ninstances : 1, sizeof *set->instances);
    if (!set->plugins || !set->instances) {
        vs_plugins_detach(set);
        return vs_sim_out_of_memory(sim), snprintf(err, VS_ERROR_MAX, "out of memory"), NULL;
    }
    if (cfg->verifier.special_pool.enabled &&
        !(sim->special_pool = vs_special_pool_new(cfg->verifier.special_pool.underruns,
                                                  cfg->verifier.special_pool.free_quarantine))) {
        vs_plugins_detach(set);
        return snprintf(err, VS_ERROR_MAX, "out of memory"), NULL;
    }
    vs_kernel_bind(sim);
    for (size_t i = 0; i < cfg->nplugins; i++, set->nplugins++) {
        /* Loading runs the plugin's constructors: a supervisor names it if it dies. */
        vs_breadcrumb_enter(sim->crumb, (uint32_t)i, "load", 0);
        int rc = vs_plugin_open(&set->plugins[i], cfg->plugins[i].name, cfg->plugins[i].path, err);
        vs_breadcrumb_leave(sim->crumb);
        if (rc == VS_PLUGIN_OOM)
            vs_sim_out_of_memory(sim);
        if (rc != 0)
            goto fail;
    }
    for (; set->ninstances < sim->ninstances; set->ninstances++)
        if (instantiate(set, set->ninstances, err) != 0) {
            set->ninstances++;
            goto fail;
        }
    return set;
fail:
    vs_plugins_detach(set);
    return NULL;
}

void vs_plugins_detach(vs_plugin_set *set)
{
    if (!set)
        return;
    for (uint32_t i = 0; i < set->ninstances; i++)
        unload_instance(set, i);
    vs_special_pool_free(set->sim->special_pool); /* after the unloads: nothing uses it now */
    set->sim->special_pool = NULL;
    for (size_t i = 0; i < set->nplugins; i++)
        vs_plugin_close(&set->plugins[i]);
    free(set->plugins);
    free(set->instances);
    free(set);
}
