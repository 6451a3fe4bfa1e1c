/*
 * loader.c: opening callout plugins, checking them before the run, instantiating them
 * once per host, and unloading them with a check for leaked tagged memory.
 */
#define _GNU_SOURCE /* memfd_create */
#include "plugin/loader.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Mappings one loaded copy adds: one per PT_LOAD, one more for the part of a segment past
 * the file (.bss) when it crosses a page, one more where RELRO splits a writable segment. */
static unsigned maps_of(const unsigned char *image)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image; /* vs_elf_check_buffer checked it */
    unsigned n = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, image + eh->e_phoff + (size_t)i * eh->e_phentsize, sizeof ph);
        if (ph.p_type == PT_LOAD)
            n += 1 + (ph.p_memsz > ph.p_filesz && (ph.p_vaddr + ph.p_filesz + 4095) / 4096 <
                                                      (ph.p_vaddr + ph.p_memsz + 4095) / 4096);
        else if (ph.p_type == PT_GNU_RELRO)
            n++;
    }
    return n ? n : 1;
}

/* A driver's file in memory, for its copies, and what one copy costs in mappings. */
static int keep_image(vs_plugin *p, const char *path, char *why, size_t size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0)
        return f ? fclose(f) : 0, snprintf(why, size, "%s", strerror(errno)), -1;
    p->image_size = (size_t)st.st_size;
    p->image = malloc(p->image_size ? p->image_size : 1);
    size_t got = p->image ? fread(p->image, 1, p->image_size, f) : 0;
    fclose(f);
    if (!p->image)
        return snprintf(why, size, "out of memory"), VS_PLUGIN_OOM;
    if (got != p->image_size || vs_elf_check_buffer(p->image, got, why, size) != 0)
        return got != p->image_size ? snprintf(why, size, "changed while read") : 0, -1;
    p->maps_per_copy = maps_of(p->image);
    return 0;
}

/* Which kind of plugin p is, by what it exports; why not one of them in why. */
static int find_entry(vs_plugin *p, char *why, size_t size)
{
    const UINT32 *abi = dlsym(p->dl, VSWITCHSIM_PLUGIN_ABI_NAME);
    *(void **)&p->entry = dlsym(p->dl, VSWITCHSIM_PLUGIN_ENTRY_NAME);
    *(void **)&p->unload = dlsym(p->dl, VSWITCHSIM_PLUGIN_UNLOAD_NAME);
    if (!p->entry) {
        *(void **)&p->driver_entry = dlsym(p->dl, "DriverEntry");
        p->driver = p->driver_entry != NULL;
        if (!p->driver)
            snprintf(why, size, "no entry point %s (an SDK plugin) or DriverEntry (a WDK driver)",
                     VSWITCHSIM_PLUGIN_ENTRY_NAME);
        return p->driver ? 0 : -1;
    }
    if (!abi)
        snprintf(why, size, "no %s (add VSWITCHSIM_PLUGIN_DECLARE(); to the plugin)",
                 VSWITCHSIM_PLUGIN_ABI_NAME);
    else if (*abi != VSWITCHSIM_ABI_VERSION)
        snprintf(why, size, "bad ABI version %u (want %u)", *abi, VSWITCHSIM_ABI_VERSION);
    else
        p->abi_version = *abi;
    return abi && *abi == VSWITCHSIM_ABI_VERSION ? 0 : -1;
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
    void *before = dlopen(path, RTLD_NOW | RTLD_NOLOAD); /* another plugin loaded the file */
    if (before)
        dlclose(before);
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl)
        return refuse(err, name, path, missing_imports(path, why, sizeof why));
    int rc = find_entry(p, why, sizeof why);
    if (rc == 0 && p->driver)
        rc = keep_image(p, path, why, sizeof why);
    p->file_shared = before != NULL;
    if (rc == 0 && (!(p->name = strdup(name)) || !(p->path = strdup(path))))
        rc = VS_PLUGIN_OOM, snprintf(why, sizeof why, "out of memory");
    if (rc != 0) {
        vs_plugin_close(p);
        return refuse(err, name, path, why), rc;
    }
    return 0;
}

void vs_plugin_close(vs_plugin *p)
{
    if (p->dl)
        dlclose(p->dl);
    free(p->name);
    free(p->path);
    free(p->image);
    memset(p, 0, sizeof *p);
}

/* ---- A driver's copies, one per host ------------------------------------------------ *
 * Each host's kernel has its own copy of a driver, globals included. glibc loads a file
 * again only if it differs by device and inode, and by name, from every object loaded;
 * dlmopen's namespaces would do, but glibc has 16 of them (DL_NNS). A copy is the file's
 * bytes in a memfd (its own inode), opened by a name no loaded object has: /proc/self/fd/N
 * names are reused once N is closed, so the path walks through no-op components that
 * spell a serial number in binary ("/." for 0, "/fd/.." for 1). The memfd is closed as soon
 * as dlopen has mapped it: the mappings keep the pages, not an fd. */

static void copy_path(char *path, size_t size, int fd)
{
    static atomic_uint_fast64_t serial; /* a name's uniqueness, not simulation state */
    uint_fast64_t s = atomic_fetch_add(&serial, 1) + 1;
    size_t n = (size_t)snprintf(path, size, "/proc/self");
    int bits = 64 - __builtin_clzll((unsigned long long)s);
    for (int b = bits - 1; b >= 0 && n < size; b--)
        n += (size_t)snprintf(path + n, size - n, "%s", (s >> b) & 1 ? "/fd/.." : "/.");
    if (n < size)
        snprintf(path + n, size - n, "/fd/%d", fd);
}

void *vs_plugin_load_copy(const vs_plugin *p, vs_driver_entry_fn *entry, char err[VS_ERROR_MAX])
{
    char path[512], label[64];
    snprintf(label, sizeof label, "vswitchsim %s", p->name); /* memfd names: < 250 bytes */
    int fd = memfd_create(label, MFD_CLOEXEC);
    size_t done = 0;
    while (fd >= 0 && done < p->image_size) {
        ssize_t w = write(fd, p->image + done, p->image_size - done);
        if (w <= 0 && errno != EINTR)
            break;
        done += w > 0 ? (size_t)w : 0;
    }
    if (fd < 0 || done < p->image_size) {
        snprintf(err, VS_ERROR_MAX, "plugin \"%s\" (%s): copying the driver for another host: %s",
                 p->name, p->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    copy_path(path, sizeof path, fd);
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    close(fd);
    *(void **)entry = dl ? dlsym(dl, "DriverEntry") : NULL;
    if (!dl || !*entry) {
        snprintf(err, VS_ERROR_MAX, "plugin \"%s\" (%s): loading a copy for another host: %s",
                 p->name, p->path, dl ? "no DriverEntry" : dl_reason(path));
        if (dl)
            dlclose(dl);
        return NULL;
    }
    return dl;
}

/* Memory mappings in use now (lines of /proc/self/maps), or 0 if unknown. */
static size_t maps_in_use(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    size_t n = 0;
    int c;
    while (f && (c = getc(f)) != EOF)
        n += c == '\n';
    if (f)
        fclose(f);
    return n;
}

static size_t max_map_count(void)
{
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    unsigned long long v = 65530; /* the kernel's default (DEFAULT_MAX_MAP_COUNT) */
    if (f) {
        if (fscanf(f, "%llu", &v) != 1)
            v = 65530;
        fclose(f);
    }
    return (size_t)v;
}

/* Refuses before the copies a run needs would pass vm.max_map_count: mmap would then fail
 * in dlopen, or worse in some later allocation of the run. A quarter of the limit is kept
 * for the rest of the simulator (malloc's large blocks, special pool's guard pages). */
static int check_map_count(const vs_plugin_set *set, char err[VS_ERROR_MAX])
{
    uint32_t hosts = set->sim->cfg->topology.hosts;
    size_t need = 0, limit = max_map_count(), in_use = maps_in_use();
    const vs_plugin *worst = NULL;
    for (size_t i = 0; i < set->nplugins; i++)
        if (set->plugins[i].driver) {
            need += (size_t)(hosts - !set->plugins[i].file_shared) * set->plugins[i].maps_per_copy;
            worst = &set->plugins[i];
        }
    if (!worst || in_use + need <= limit - limit / 4)
        return 0;
    snprintf(err, VS_ERROR_MAX,
             "plugin \"%s\" (%s): a WDK driver is loaded once per host: %u hosts need %zu more "
             "memory mappings, over what vm.max_map_count (%zu) allows; raise it (sysctl -w "
             "vm.max_map_count=%zu) or run fewer hosts",
             worst->name, worst->path, hosts, need, limit, (in_use + need) * 4 / 3 + 1024);
    return -1;
}

/* ---- Instances ---------------------------------------------------------------- */

/* A driver's code for this instance: host 0 runs the loaded file (unless another plugin
 * of the scenario loaded it too), every other host a copy of its own, loaded now (its
 * constructors run: the supervisor names the plugin). */
static int driver_of(vs_plugin_set *set, const vs_instance *in, vs_plugin_instance *pi,
                     char err[VS_ERROR_MAX])
{
    const vs_plugin *p = &set->plugins[in->plugin];
    if (in->host == 0 && !p->file_shared) {
        pi->driver_entry = p->driver_entry;
        return 0;
    }
    vs_breadcrumb_enter(set->sim->crumb, in->plugin, "load", 0);
    pi->copy = vs_plugin_load_copy(p, &pi->driver_entry, err);
    vs_breadcrumb_leave(set->sim->crumb);
    return pi->copy ? 0 : -1;
}

/* A param a getter found bad, or (after an entry that returned success) a key of params
 * that no getter asked for: the plugin's line in err, whatever the entry returned. A
 * plugin that never called a getter reads its params itself: nothing to check. */
static bool params_refused(vs_plugin_instance *pi, bool entered, char err[VS_ERROR_MAX])
{
    if (!pi->params)
        return false;
    if (!vs_plugin_params_error(pi->params) && entered)
        vs_plugin_params_check(pi->params);
    if (vs_plugin_params_oom(pi->params)) {
        vs_sim_out_of_memory(pi->sim);
        snprintf(err, VS_ERROR_MAX, "out of memory");
        return true;
    }
    const char *why = vs_plugin_params_error(pi->params);
    if (why)
        snprintf(err, VS_ERROR_MAX, "%s", why);
    return why != NULL;
}

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
    NTSTATUS st;
    if (p->driver) {
        if (driver_of(set, in, pi, err) != 0)
            return -1;
        err[0] = '\0';
        st = vs_kernel_driver_entry(sim->kernel, index, pi->driver_entry,
                                    cfg->plugins[in->plugin].name,
                                    cfg->plugins[in->plugin].params_json, err);
        if (err[0]) /* the kernel could not set the driver up: its line says why */
            return -1;
    } else {
        vs_kernel_set_entry_instance(index);
        vs_sim_activity_begin(sim, index, "entry");
        st = p->entry(&pi->host, cfg->plugins[in->plugin].params_json, &pi->context);
        vs_sim_activity_end(sim);
        vs_kernel_set_entry_instance(UINT32_MAX);
    }
    bool entered = NT_SUCCESS(st) && st != STATUS_PENDING;
    pi->loaded = entered; /* refused below or not, it unloads as it loaded */
    if (!p->driver && params_refused(pi, entered, err))
        return -1;
    if (pi->params && !vs_plugin_params_lent(pi->params)) { /* read: not needed for the run */
        vs_plugin_params_free(pi->params);
        pi->params = NULL;
    }
    if (!entered) {
        char buf[64];
        snprintf(err, VS_ERROR_MAX, "plugin \"%s\" (%s): %s failed on host %u with %s", p->name,
                 p->path, p->driver ? "DriverEntry" : "entry", in->host, vs_ntstatus_name(st, buf));
        return -1;
    }
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
    if (p->driver && pi->driver_entry) /* after a failed DriverEntry too: the kernel */
        vs_kernel_driver_unload(set->sim->kernel, index); /* reports what it left */
    else if (pi->loaded && p->unload) {
        vs_sim_activity_begin(set->sim, index, "unload");
        p->unload(pi->context);
        vs_sim_activity_end(set->sim);
    }
    if (pi->loaded)
        report_leaks(pi);
    vs_host_release_blocks(pi);
    vs_plugin_params_free(pi->params); /* its strings were the instance's until now */
    pi->params = NULL;
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
    if (!(sim->kernel = vs_kernel_new(sim))) { /* before any entry: drivers call it */
        vs_plugins_detach(set);
        return vs_sim_out_of_memory(sim), snprintf(err, VS_ERROR_MAX, "out of memory"), NULL;
    }
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
    if (check_map_count(set, err) != 0)
        goto fail;
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
    /* After every unload, before any code goes: the kernel's records of what drivers left
     * queued point into their copies. */
    if (set->sim->kernel)
        vs_kernel_free(set->sim->kernel);
    set->sim->kernel = NULL;
    vs_special_pool_free(set->sim->special_pool); /* after the unloads: nothing uses it now */
    set->sim->special_pool = NULL;
    for (uint32_t i = set->ninstances; i-- > 0;)
        if (set->instances[i].copy)
            dlclose(set->instances[i].copy);
    for (size_t i = 0; i < set->nplugins; i++)
        vs_plugin_close(&set->plugins[i]);
    free(set->plugins);
    free(set->instances);
    free(set);
}
