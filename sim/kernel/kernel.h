/*
 * kernel.h: the Windows kernel services a WDK driver calls (<vswitchsim/wdk/wdm.h>), on
 * the simulation's virtual time, one kernel per simulated host: IRQL, spin locks, pool,
 * DPCs, timers, work items, events, time, the registry, debug output, DriverEntry and
 * DriverUnload. The exported functions carry no handle to the simulation, as their
 * WDK signatures have none: the simulation running on this thread is bound here, as
 * the FWPS functions' is (fwps_exports.c), and the instance whose code is
 * running says which host's kernel acts.
 */
#ifndef VS_KERNEL_H
#define VS_KERNEL_H

#include <stdint.h>

#include "base/error.h"
#include "model/sim.h"

/* ---- Binding: which simulation this thread runs, and who calls --------------------- */

/* Bind the FWPS and kernel functions to a simulation on this thread (NULL: none). */
void vs_kernel_bind(vs_sim *sim);
vs_sim *vs_kernel_bound_sim(void);
/* Name the instance whose entry (or DriverEntry) is running: UINT32_MAX for none. */
void vs_kernel_set_entry_instance(uint32_t instance);
/* Who is calling: the instance in its entry, else the one whose code is running;
 * UINT32_MAX when no simulation is bound or no callout code runs. */
uint32_t vs_kernel_calling_instance(void);

/* ---- The kernel of a simulation ------------------------------------------------------- */

typedef struct vs_kernel vs_kernel;

/* The kernel state of every instance of sim (sim->kernel), made by the plugin layer
 * before any entry runs. NULL out of memory. */
vs_kernel *vs_kernel_new(vs_sim *sim);
/* After every instance was unloaded: frees what is left (records of objects still queued,
 * which vs_kernel_driver_unload reported). */
void vs_kernel_free(vs_kernel *k);

/* ---- Drivers ----------------------------------------------------------------------------- */

typedef NTSTATUS (*vs_driver_entry_fn)(void *driver_object, void *registry_path);

/* Runs a driver's DriverEntry for instance at PASSIVE_LEVEL, with a DRIVER_OBJECT of its
 * own and the registry path \Registry\Machine\System\CurrentControlSet\Services\<name>,
 * whose values are params_json's members. Its status, or a failure status with one line
 * in err when the kernel could not set the driver up (out of memory, bad params). */
NTSTATUS vs_kernel_driver_entry(vs_kernel *k, uint32_t instance, vs_driver_entry_fn entry,
                                const char *name, const char *params_json, char err[VS_ERROR_MAX]);

/* Calls DriverObject->DriverUnload (if set, and DriverEntry succeeded) at PASSIVE_LEVEL,
 * then reports what the driver left behind (queued_at_unload, leaked_handle) and forgets
 * it. Also for an instance that is no driver: its queued objects and handles, if it used
 * the kernel services. */
void vs_kernel_driver_unload(vs_kernel *k, uint32_t instance);

#endif /* VS_KERNEL_H */
