/*
 * A FIXTURE, not the SDK: vswitchsim/plugin.h as it was before the params getters took
 * seven of the eight Reserved slots of VSWITCHSIM_HOST (ABI version 1 both). A plugin
 * built against it must load and run in today's simulator (tests/e2e/abi_old_header.sh).
 * Keep it as it is (laid out by hand, as the SDK's headers: clang-format is off).
 *
 * vswitchsim/plugin.h: what a callout plugin gets from the simulator, beyond the WDK API.
 *
 * A plugin is a shared object that exports VswitchsimPluginEntry (its DriverEntry) and
 * declares the ABI it was built for with VSWITCHSIM_PLUGIN_DECLARE(). The simulator calls
 * the entry once per host it runs the callout on, each call an instance with its own
 * VSWITCHSIM_HOST table: virtual time, timers, modeled CPU cost, a deterministic random
 * stream, logging and tagged allocation, all scoped to that instance.
 */
/* clang-format off */
#ifndef VSWITCHSIM_PLUGIN_H
#define VSWITCHSIM_PLUGIN_H

#include "fwps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change to VSWITCHSIM_HOST or the entry points. Growth at
 * the end of VSWITCHSIM_HOST (taken from Reserved) is compatible: check Size. */
#define VSWITCHSIM_ABI_VERSION 1u

typedef UINT64 VSWITCHSIM_TIME_NS;

#define VSWITCHSIM_NS_PER_US 1000ull
#define VSWITCHSIM_NS_PER_MS 1000000ull
#define VSWITCHSIM_NS_PER_S 1000000000ull

typedef enum VSWITCHSIM_LOG_LEVEL_ {
    VSWITCHSIM_LOG_ERROR = 0,
    VSWITCHSIM_LOG_WARNING = 1,
    VSWITCHSIM_LOG_INFO = 2,
    VSWITCHSIM_LOG_DEBUG = 3
} VSWITCHSIM_LOG_LEVEL;

/* A deferred routine: the simulator's timer, DPC or work item. */
typedef void (*VSWITCHSIM_ROUTINE)(void *routineContext);

typedef struct VSWITCHSIM_HOST_ VSWITCHSIM_HOST;

/* Every service takes the instance's own table as its first argument. */
struct VSWITCHSIM_HOST_ {
    UINT32 AbiVersion; /* VSWITCHSIM_ABI_VERSION of the simulator */
    UINT32 Size;       /* sizeof(VSWITCHSIM_HOST) as the simulator built it */

    /* Virtual time now, in nanoseconds since the start of the run. */
    VSWITCHSIM_TIME_NS (*Now)(const VSWITCHSIM_HOST *host);

    /* Run routine(routineContext) after delayNs of virtual time. Fails only when the
     * simulator is out of memory (STATUS_INSUFFICIENT_RESOURCES). Routines still waiting
     * when the run ends never run: an instance may free their contexts at unload. */
    NTSTATUS (*ScheduleRoutine)(const VSWITCHSIM_HOST *host, VSWITCHSIM_TIME_NS delayNs,
                                VSWITCHSIM_ROUTINE routine, void *routineContext);

    /* Charge modeled CPU time to what is running now (a callback or a routine). What it
     * does, including FwpsvSwitchNotifyComplete0, takes effect once the charged time has
     * elapsed; a callback's charged time is its latency in the report. */
    void (*ChargeCpu)(const VSWITCHSIM_HOST *host, VSWITCHSIM_TIME_NS cpuNs);

    /* The next 64 bits of this instance's random stream: the same seed, scenario and
     * instance give the same sequence, whatever other instances draw. */
    UINT64 (*Random)(const VSWITCHSIM_HOST *host);

    /* printf-style message, prefixed with the virtual time and the instance name. */
    void (*Log)(const VSWITCHSIM_HOST *host, VSWITCHSIM_LOG_LEVEL level, const char *format, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

    /* Pool-tag style allocation the simulator accounts per instance and per tag
     * (ExAllocatePool2 / ExFreePoolWithTag). Memory is zeroed. NULL when out of memory. */
    void *(*AllocateWithTag)(const VSWITCHSIM_HOST *host, SIZE_T numberOfBytes, ULONG tag);
    void (*FreeWithTag)(const VSWITCHSIM_HOST *host, void *p, ULONG tag);

    const char *InstanceName; /* the scenario's name for this plugin */
    UINT32 HostIndex;         /* which simulated host this instance runs on */
    UINT32 HostCount;

    void *Reserved[8]; /* room for growth without breaking built plugins */

    void *SimulatorContext; /* the simulator's own; a plugin must not touch it */
};

/* The entry point, called once per instance before the run. It subscribes with
 * FwpsvSwitchEventsSubscribe0, as a callout driver does in DriverEntry. paramsJson is
 * the scenario's "params" for this plugin as JSON text ("{}" if none). A failure
 * status refuses the plugin and the run does not start. */
typedef NTSTATUS (*VSWITCHSIM_PLUGIN_ENTRY)(const VSWITCHSIM_HOST *host, const char *paramsJson,
                                            void **instanceContext);
/* Optional: called once per instance after the run; unsubscribe and free here. */
typedef void (*VSWITCHSIM_PLUGIN_UNLOAD)(void *instanceContext);

#define VSWITCHSIM_PLUGIN_ENTRY_NAME "VswitchsimPluginEntry"
#define VSWITCHSIM_PLUGIN_UNLOAD_NAME "VswitchsimPluginUnload"
#define VSWITCHSIM_PLUGIN_ABI_NAME "VswitchsimPluginAbiVersion"

#if defined(__GNUC__)
#define VSWITCHSIM_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define VSWITCHSIM_PLUGIN_EXPORT
#endif

/* Put once at file scope in a plugin: records the ABI the plugin was built against,
 * which the loader checks before it calls anything. */
#define VSWITCHSIM_PLUGIN_DECLARE() \
    VSWITCHSIM_PLUGIN_EXPORT const UINT32 VswitchsimPluginAbiVersion = VSWITCHSIM_ABI_VERSION

VSWITCHSIM_PLUGIN_EXPORT extern const UINT32 VswitchsimPluginAbiVersion;
VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext);
VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext);

/* A plugin may check the host table the way Lua's luaopen_ checks its host. */
static inline NTSTATUS VswitchsimCheckHost(const VSWITCHSIM_HOST *host)
{
    if (host == NULL || host->AbiVersion != VSWITCHSIM_ABI_VERSION ||
        host->Size < sizeof(VSWITCHSIM_HOST))
        return STATUS_REVISION_MISMATCH;
    return STATUS_SUCCESS;
}

/* A uniform double in [0, 1) from the instance's stream. */
static inline double VswitchsimRandomDouble(const VSWITCHSIM_HOST *host)
{
    return (double)(host->Random(host) >> 11) * (1.0 / 9007199254740992.0); /* 2^-53 */
}

/* Pool tags are four characters, written as on Windows: VSWITCHSIM_TAG('F','l','o','w'). */
#define VSWITCHSIM_TAG(a, b, c, d) \
    ((ULONG)(UCHAR)(a) | ((ULONG)(UCHAR)(b) << 8) | ((ULONG)(UCHAR)(c) << 16) | ((ULONG)(UCHAR)(d) << 24))

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_PLUGIN_H */
/* clang-format on */
