/* cpu_burner: every save and restore burns 200 us of this thread's CPU (a busy loop on
 * CLOCK_THREAD_CPUTIME_ID, so preemption on a loaded machine does not shorten or stretch
 * it) and charges 1 ms through ChargeCpu, then returns STATUS_SUCCESS with no state.
 * Not a bug: a known real cost next to a different modeled one.
 * Expected result: with timing "charged" each callback costs exactly the 1 ms it charges;
 * with timing "measured" it costs about 200 us x timing_scale (the charge is ignored).
 * tests/e2e/measured_timing.sh checks both. */
#include <time.h>

#include "fixture.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define BURN_NS (200 * VSWITCHSIM_NS_PER_US)
#define MODELED_NS (1 * VSWITCHSIM_NS_PER_MS)

static const GUID CPU_BURNER_BASE = {
    0x9a1c3e52, 0x0b7d, 0x4e19, {0x8f, 0x27, 0x61, 0xd4, 0x3a, 0x90, 0xc5, 0x1e}};

static UINT64 thread_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (UINT64)ts.tv_sec * 1000000000u + (UINT64)ts.tv_nsec;
}

static void burn(const fixture_instance *instance)
{
    UINT64 start = thread_cpu_ns();

    while (thread_cpu_ns() - start < BURN_NS)
        ;
    instance->host->ChargeCpu(instance->host, MODELED_NS);
}

static NTSTATUS NTAPI cpu_burner_save(void *notifyContext, void *completionContext,
                                      FWPS_VSWITCH_EVENT_TYPE eventType,
                                      const NDIS_SWITCH_PARAMETERS *vSwitch,
                                      NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                      SIZE_T *runtimeStateLength)
{
    burn(notifyContext);
    *runtimeState = NULL;
    *runtimeStateLength = 0;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI cpu_burner_restore(void *notifyContext, void *completionContext,
                                         FWPS_VSWITCH_EVENT_TYPE eventType,
                                         const NDIS_SWITCH_PARAMETERS *vSwitch,
                                         NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                         SIZE_T runtimeStateLength)
{
    burn(notifyContext);
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = cpu_burner_save,
        .vSwitchRuntimeStateRestoreNotifyFn = cpu_burner_restore};

    return fixture_subscribe(host, CPU_BURNER_BASE, &dispatch, instanceContext);
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    fixture_unload(instanceContext);
}
