/*
 * loader.h: callout plugins. Open a .so and check it before anything runs (entry
 * present, ABI version), then run its entry once per host as an instance with its own
 * VSWITCHSIM_HOST table, and unload it after the run, checking for leaked memory.
 *
 * Two kinds: an SDK plugin exports VswitchsimPluginEntry (and its ABI version) and is
 * loaded once, its entry called once per host; a WDK driver exports DriverEntry and no
 * VswitchsimPluginEntry, and is loaded once per host (host 0 from the file, the others
 * from private copies), so that each host's kernel has its own copy of the driver's
 * globals, as on Windows (docs/wdk.md).
 */
#ifndef VS_LOADER_H
#define VS_LOADER_H

#include <vswitchsim/plugin.h>

#include "base/error.h"
#include "kernel/kernel.h"
#include "model/sim.h"

typedef struct vs_plugin {
    char *name; /* for messages: the scenario's instance name, or the file */
    char *path;
    void *dl;
    VSWITCHSIM_PLUGIN_ENTRY entry;
    VSWITCHSIM_PLUGIN_UNLOAD unload; /* may be NULL */
    UINT32 abi_version;              /* 0 for a driver: the WDK API is its contract */
    bool driver;                     /* DriverEntry, no VswitchsimPluginEntry */
    vs_driver_entry_fn driver_entry; /* this load's (host 0's) */
    bool file_shared;                /* loaded already (by another plugin): host 0 copies too */
    unsigned char *image;            /* a driver's file, for the other hosts' copies */
    size_t image_size;
    unsigned maps_per_copy; /* memory mappings one more copy costs (vm.max_map_count) */
} vs_plugin;

/* dlopen(RTLD_NOW | RTLD_LOCAL) and check. On failure returns -1 with one line in err
 * naming the plugin: missing file, not a regular file, not a complete ELF shared object
 * of this machine (elf_check.h, before dlopen), undefined symbol, no entry, wrong ABI
 * version (SDK plugins only); or VS_PLUGIN_OOM out of memory. A driver's file is kept
 * in memory for its copies. */
#define VS_PLUGIN_OOM (-2)
int vs_plugin_open(vs_plugin *p, const char *name, const char *path, char err[VS_ERROR_MAX]);
void vs_plugin_close(vs_plugin *p);

/* Loads another copy of driver p, with link map and globals of its own, from memory
 * (memfd_create, no file on disk). Returns its handle and DriverEntry, or NULL with one
 * line in err naming the plugin. dlclose it before vs_plugin_close(p). */
void *vs_plugin_load_copy(const vs_plugin *p, vs_driver_entry_fn *entry, char err[VS_ERROR_MAX]);

/* Every plugin of the scenario, instantiated on every host of the simulation. */
typedef struct vs_plugin_set vs_plugin_set;

/* Opens the scenario's plugins and calls each entry once per host. On failure (a plugin
 * refused, an entry failing with its NTSTATUS) returns NULL with one line in err, and
 * whatever was instantiated is unloaded again; when the simulator ran out of memory
 * meanwhile (an entry's failure may be its consequence), vs_sim_failed says so. */
vs_plugin_set *vs_plugins_attach(vs_sim *sim, char err[VS_ERROR_MAX]);

/* Calls each instance's unload, reports tagged memory still allocated (rule
 * "leaked_memory"), and closes the plugins. */
void vs_plugins_detach(vs_plugin_set *set);

#endif /* VS_LOADER_H */
