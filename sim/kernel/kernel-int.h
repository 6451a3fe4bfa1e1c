/*
 * kernel-int.h: the kernel layer's own state, shared by its files. One vs_kdriver per
 * instance (a scenario plugin on one host): that host's kernel, as the driver sees it.
 */
#ifndef VS_KERNEL_INT_H
#define VS_KERNEL_INT_H

#include <wdm.h>

#include "kernel/kernel.h"

struct vs_kregistry; /* registry.c: the open keys of one driver */

typedef struct vs_kdriver {
    bool is_driver;        /* loaded through DriverEntry (else an SDK plugin) */
    DRIVER_OBJECT object;  /* this host's, as DriverEntry got it */
    DRIVER_EXTENSION extension;
    UNICODE_STRING registry_path;
    struct vs_kregistry *registry; /* registry.c's; NULL until a key is opened */
} vs_kdriver;

struct vs_kernel {
    vs_sim *sim;
    vs_kdriver *drivers; /* [sim->ninstances] */
};

/* The kernel of the bound simulation and the calling instance, or NULL (and *instance
 * UINT32_MAX) when no simulation runs on this thread or no callout code runs. */
vs_kernel *vs_kernel_caller(uint32_t *instance);

/* registry.c: forgets instance's open keys, reporting each as leaked (at unload). */
void vs_kregistry_unload(vs_kernel *k, uint32_t instance);

#endif /* VS_KERNEL_INT_H */
