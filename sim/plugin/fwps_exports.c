/*
 * fwps_exports.c: the fwpkclnt functions a callout calls (FwpsvSwitchEventsSubscribe0,
 * FwpsvSwitchEventsUnsubscribe0, FwpsvSwitchNotifyComplete0), exported from the program
 * so that a plugin built with the SDK headers alone resolves them at dlopen time.
 *
 * The WDK signatures carry no handle to the simulation, so the simulation running on
 * this thread is bound here, thread-locally. It is a binding, not state: the handle
 * owns everything, and two simulations on two threads do not meet.
 */
#include <vswitchsim/fwps.h>

#include <stdatomic.h>
#include <stdio.h>

#include "model/realtime.h"
#include "plugin/instance.h"

static _Thread_local vs_sim *bound_sim;
static _Thread_local uint32_t entry_instance = UINT32_MAX;

void vs_fwps_bind(vs_sim *sim)
{
    bound_sim = sim;
}

void vs_fwps_set_entry_instance(uint32_t instance)
{
    entry_instance = instance;
}

/* Who is calling: the instance in its entry, else the one whose code is running. */
static uint32_t calling_instance(void)
{
    if (entry_instance != UINT32_MAX)
        return entry_instance;
    if (bound_sim && bound_sim->activity.active)
        return bound_sim->activity.instance;
    return UINT32_MAX;
}

VSWITCHSIM_EXPORT NTSTATUS NTAPI FwpsvSwitchEventsSubscribe0(
    const GUID *providerGuid, void *notifyContext, UINT32 flags, void *reserved,
    const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *eventDispatchTable, UINT32 *subscriptionId)
{
    uint32_t instance = calling_instance();
    if (!bound_sim || instance == UINT32_MAX)
        return STATUS_INVALID_DEVICE_STATE;
    if (flags != 0 || reserved != NULL)
        return STATUS_INVALID_PARAMETER; /* reserved: must be 0 and NULL */
    return vs_wfp_subscribe(bound_sim, instance, providerGuid, notifyContext, eventDispatchTable,
                            subscriptionId);
}

VSWITCHSIM_EXPORT void NTAPI FwpsvSwitchEventsUnsubscribe0(UINT32 subscriptionId, UINT32 flags,
                                                           void *reserved)
{
    if (bound_sim)
        vs_wfp_unsubscribe(bound_sim, subscriptionId);
}

VSWITCHSIM_EXPORT void NTAPI FwpsvSwitchNotifyComplete0(void *completionContext, NTSTATUS status,
                                                        UINT32 flags, void *reserved)
{
    if (bound_sim) {
        vs_wfp_notify_complete(bound_sim, completionContext, status);
        return;
    }
    /* Another thread than the simulation's: a real-time run takes it through its
     * completion inbox (model/realtime.c). In virtual time there is no simulated time to
     * place it at, so it is dropped with an error line; the request then times out at
     * wfp.pending_timeout, which the verifier reports (pending-never-completed). */
    if (vs_realtime_inbox_push(completionContext, status))
        return;
    static atomic_uint dropped;
    unsigned n = atomic_fetch_add(&dropped, 1) + 1;
    if (n <= 5)
        fprintf(stderr,
                "vswitchsim: FwpsvSwitchNotifyComplete0(%p) from a thread with no "
                "simulation: ignored (only run.clock \"realtime\" takes completions from "
                "other threads)%s\n",
                completionContext, n == 5 ? "; further ones are not shown" : "");
}
