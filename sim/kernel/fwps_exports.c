/*
 * fwps_exports.c: the fwpkclnt functions a callout calls (FwpsvSwitchEventsSubscribe0,
 * FwpsvSwitchEventsUnsubscribe0, FwpsvSwitchNotifyComplete0), exported from the program
 * so that a plugin built with the SDK headers alone resolves them at dlopen time.
 *
 * The WDK signatures carry no handle to the simulation: the one running on this thread
 * is bound in the kernel layer (kernel/kernel.h), with the kernel services'.
 */
#include <vswitchsim/fwps.h>

#include <stdatomic.h>
#include <stdio.h>

#include "kernel/kernel-int.h"
#include "model/realtime.h"

/* Subscribe and Unsubscribe are PASSIVE_LEVEL only (learn.microsoft.com/windows-hardware/
 * drivers/ddi/fwpsk/nf-fwpsk-fwpsvswitcheventssubscribe0). Inside a vSwitch callback the
 * model reports subscribe_in_callback (for SDK plugins and drivers alike); a driver's
 * other code above PASSIVE_LEVEL (a DPC, a timer, a raised IRQL) is irql_too_high here.
 * One report per call: the callback case is left to the model. False: a subscribe is
 * refused (an unsubscribe still goes ahead, so no callback reaches unloading code). */
static bool passive_driver_call(const char *fn)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || !vs_kdriver_peek(k, instance)->is_driver || k->sim->activity.callback)
        return true;
    return vs_kirql_check(k, instance, fn, PASSIVE_LEVEL);
}

VSWITCHSIM_EXPORT NTSTATUS NTAPI FwpsvSwitchEventsSubscribe0(
    const GUID *providerGuid, void *notifyContext, UINT32 flags, void *reserved,
    const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *eventDispatchTable, UINT32 *subscriptionId)
{
    vs_sim *bound_sim = vs_kernel_bound_sim();
    uint32_t instance = vs_kernel_calling_instance();
    if (!bound_sim || instance == UINT32_MAX)
        return STATUS_INVALID_DEVICE_STATE;
    if (flags != 0 || reserved != NULL)
        return STATUS_INVALID_PARAMETER; /* reserved: must be 0 and NULL */
    if (!passive_driver_call("FwpsvSwitchEventsSubscribe0"))
        return STATUS_INVALID_DEVICE_STATE;
    return vs_wfp_subscribe(bound_sim, instance, providerGuid, notifyContext, eventDispatchTable,
                            subscriptionId);
}

VSWITCHSIM_EXPORT void NTAPI FwpsvSwitchEventsUnsubscribe0(UINT32 subscriptionId, UINT32 flags,
                                                           void *reserved)
{
    vs_sim *bound_sim = vs_kernel_bound_sim();
    if (!bound_sim)
        return;
    passive_driver_call("FwpsvSwitchEventsUnsubscribe0"); /* reported; still done, as the
                                                            * model's callback case is */
    vs_wfp_unsubscribe(bound_sim, subscriptionId);
}

VSWITCHSIM_EXPORT void NTAPI FwpsvSwitchNotifyComplete0(void *completionContext, NTSTATUS status,
                                                        UINT32 flags, void *reserved)
{
    vs_sim *bound_sim = vs_kernel_bound_sim();
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
