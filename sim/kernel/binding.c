/*
 * binding.c: the simulation bound to this thread, for the exported functions whose WDK
 * signatures carry no handle to it. A binding, not state: the simulation owns
 * everything, and two simulations on two threads do not meet.
 */
#include "kernel/kernel.h"

static _Thread_local vs_sim *bound_sim;
static _Thread_local uint32_t entry_instance = UINT32_MAX;

void vs_kernel_bind(vs_sim *sim)
{
    bound_sim = sim;
}

vs_sim *vs_kernel_bound_sim(void)
{
    return bound_sim;
}

void vs_kernel_set_entry_instance(uint32_t instance)
{
    entry_instance = instance;
}

uint32_t vs_kernel_calling_instance(void)
{
    if (!bound_sim)
        return UINT32_MAX;
    if (entry_instance != UINT32_MAX)
        return entry_instance;
    if (bound_sim->activity.active)
        return bound_sim->activity.instance;
    return UINT32_MAX;
}
