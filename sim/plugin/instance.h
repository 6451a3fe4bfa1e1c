/*
 * instance.h: the plugin layer's record of one callout instance, shared by the loader
 * and the host services. Its VSWITCHSIM_HOST table is what the instance is handed.
 */
#ifndef VS_INSTANCE_H
#define VS_INSTANCE_H

#include <vswitchsim/plugin.h>

#include "kernel/kernel.h"
#include "model/sim.h"
#include "scenario/plugin_params.h"

typedef struct vs_tag_usage {
    ULONG tag;
    uint64_t bytes, blocks;
} vs_tag_usage;

typedef struct vs_plugin_instance {
    VSWITCHSIM_HOST host; /* first, so a host pointer is an instance pointer */
    vs_sim *sim;
    uint32_t index; /* in sim->instances */
    void *context;  /* what the entry returned */
    bool loaded;
    vs_tag_usage *tags;
    size_t ntags, tags_cap;
    struct vs_block *blocks;         /* live AllocateWithTag blocks, released at unload */
    void *copy;                      /* a driver on a host other than 0: its own copy's handle */
    vs_driver_entry_fn driver_entry; /* a driver: this host's copy's DriverEntry */
    vs_plugin_params *params;        /* what the GetParam* getters read; NULL until one does */
} vs_plugin_instance;

/* Fills the host table with the simulator's services. */
void vs_host_table_init(vs_plugin_instance *pi, const char *name, uint32_t host, uint32_t hosts);
/* Releases the blocks the instance leaked (after leaked_memory has reported them), so a
 * leaking callout does not leak the simulator's memory. */
void vs_host_release_blocks(vs_plugin_instance *pi);

#endif /* VS_INSTANCE_H */
