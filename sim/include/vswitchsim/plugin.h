/*
 * vswitchsim/plugin.h: what a callout plugin gets from the simulator, beyond the WDK API.
 *
 * A plugin is a shared object that exports VswitchsimPluginEntry (its DriverEntry) and
 * declares the ABI it was built for with VSWITCHSIM_PLUGIN_DECLARE(). The simulator calls
 * the entry once per host it runs the callout on, each call an instance with its own
 * VSWITCHSIM_HOST table: virtual time, timers, modeled CPU cost, a deterministic random
 * stream, logging and tagged allocation, all scoped to that instance.
 */
#ifndef VSWITCHSIM_PLUGIN_H
#define VSWITCHSIM_PLUGIN_H

#include <math.h>

#include "fwps.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change to VSWITCHSIM_HOST or the entry points. Growth at
 * the end of VSWITCHSIM_HOST (taken from Reserved) is compatible: check Size. */
#define VSWITCHSIM_ABI_VERSION 1u

typedef UINT64 VSWITCHSIM_TIME_NS;
typedef int64_t INT64; /* as <ntdef.h> has it */

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

/* A distribution of durations, as a scenario writes one ("100us" for a constant, or
 * {"dist": "exponential", "mean": "100us"} and the others of docs/scenario.md), read by
 * GetParamDistribution and drawn with VswitchsimSampleDistribution. */
typedef enum VSWITCHSIM_DISTRIBUTION_KIND_ {
    VSWITCHSIM_DIST_CONSTANT = 0,    /* A */
    VSWITCHSIM_DIST_UNIFORM = 1,     /* [A, B] */
    VSWITCHSIM_DIST_EXPONENTIAL = 2, /* mean A */
    VSWITCHSIM_DIST_LOGNORMAL = 3,   /* mu A, sigma B of ln(ns) */
    VSWITCHSIM_DIST_EMPIRICAL = 4    /* one of Values, each as likely */
} VSWITCHSIM_DISTRIBUTION_KIND;

/* An anonymous union is C11 (and C++); in C99 GCC and Clang take it as an extension. */
#if defined(__GNUC__) && !defined(__cplusplus)
#define VSWITCHSIM_ANONYMOUS __extension__
#else
#define VSWITCHSIM_ANONYMOUS
#endif

/* 24 bytes, the size of three numbers, so that it fits where a plugin kept its own. */
typedef struct VSWITCHSIM_DISTRIBUTION_ {
    UINT32 Kind;       /* VSWITCHSIM_DISTRIBUTION_KIND */
    UINT32 ValueCount; /* empirical: how many Values */
    VSWITCHSIM_ANONYMOUS union {
        double A;             /* ns; lognormal: mu of ln(ns) */
        const double *Values; /* empirical: in ns, ascending; the simulator's memory,
                                 valid until the instance unloads */
    };
    double B; /* ns; lognormal: sigma of ln(ns) */
} VSWITCHSIM_DISTRIBUTION;

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

    /* ---- Params: the scenario's "params" for this instance, by name ----------------
     * Taken from the Reserved room in ABI 1: a simulator that predates them leaves them
     * NULL (VswitchsimHostHasParams). `name` is a key of params, or a dotted path into
     * nested objects ("limits.max"). Each getter writes the value, or the default when
     * params has no such key, and returns STATUS_SUCCESS; given a bad value it writes the
     * default and returns STATUS_INVALID_PARAMETER, and the simulator keeps one line
     * naming the plugin and the JSON path, e.g.
     *   plugin "ft": params.flows_per_port: expected an integer in 0..1623, got "x"
     * which refuses the plugin when the entry returns, whatever it returns (exit 2). Once
     * an entry has called a getter, the keys of params that no getter asked for are
     * refused as unknown when it returns (a misspelt key is an error, not a default). */
    NTSTATUS (*GetParamInt)(const VSWITCHSIM_HOST *host, const char *name, INT64 minValue,
                            INT64 maxValue, INT64 defaultValue, INT64 *value);
    NTSTATUS (*GetParamNumber)(const VSWITCHSIM_HOST *host, const char *name, double minValue,
                               double maxValue, double defaultValue, double *value);
    /* *value is the simulator's (or defaultValue), valid until the instance unloads. */
    NTSTATUS (*GetParamString)(const VSWITCHSIM_HOST *host, const char *name,
                               const char *defaultValue, const char **value);
    NTSTATUS (*GetParamBool)(const VSWITCHSIM_HOST *host, const char *name,
                             BOOLEAN defaultValue, BOOLEAN *value);
    /* A duration as scenarios write them: "250ns", "20us", "1.5ms", "2s", "1m", "1h". */
    NTSTATUS (*GetParamDuration)(const VSWITCHSIM_HOST *host, const char *name,
                                 VSWITCHSIM_TIME_NS minNs, VSWITCHSIM_TIME_NS maxNs,
                                 VSWITCHSIM_TIME_NS defaultNs, VSWITCHSIM_TIME_NS *valueNs);
    /* A distribution of durations; defaultJson is one too, as JSON text ("\"100us\"",
     * "{\"dist\": \"exponential\", \"mean\": \"100us\"}"). */
    NTSTATUS (*GetParamDistribution)(const VSWITCHSIM_HOST *host, const char *name,
                                     const char *defaultJson, VSWITCHSIM_DISTRIBUTION *value);
    /* Refuses now the first key of params no getter has asked for, as the simulator does
     * after the entry: a plugin that takes no params calls it to refuse every key. */
    NTSTATUS (*CheckParams)(const VSWITCHSIM_HOST *host);

    void *Reserved[1]; /* room for growth without breaking built plugins */

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

/* Whether the simulator has the params getters (one older than them leaves them NULL). */
static inline BOOLEAN VswitchsimHostHasParams(const VSWITCHSIM_HOST *host)
{
    return host->GetParamInt != NULL && host->CheckParams != NULL;
}

/* One draw from the instance's random stream, rounded to whole nanoseconds (at most
 * 10^18, about 31 years). Uses log, exp, sqrt and cos: link -lm (the simulator has them). */
static inline VSWITCHSIM_TIME_NS VswitchsimSampleDistribution(const VSWITCHSIM_HOST *host,
                                                              const VSWITCHSIM_DISTRIBUTION *d)
{
    double x = 0.0;
    switch (d->Kind) {
    case VSWITCHSIM_DIST_CONSTANT:
        x = d->A;
        break;
    case VSWITCHSIM_DIST_UNIFORM:
        x = d->A + (d->B - d->A) * VswitchsimRandomDouble(host);
        break;
    case VSWITCHSIM_DIST_EXPONENTIAL:
        x = -d->A * log1p(-VswitchsimRandomDouble(host));
        break;
    case VSWITCHSIM_DIST_LOGNORMAL: {
        /* Box-Muller; 1 - u keeps the log's argument in (0, 1]. */
        double u1 = 1.0 - VswitchsimRandomDouble(host);
        double u2 = VswitchsimRandomDouble(host);
        double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
        x = exp(d->A + d->B * z);
        break;
    }
    case VSWITCHSIM_DIST_EMPIRICAL:
        if (d->ValueCount > 0) {
            SIZE_T i = (SIZE_T)(VswitchsimRandomDouble(host) * (double)d->ValueCount);
            x = d->Values[i < d->ValueCount ? i : d->ValueCount - 1];
        }
        break;
    }
    if (!(x > 0.0))
        return 0;
    return x > 1e18 ? (VSWITCHSIM_TIME_NS)1000000000000000000ull : (VSWITCHSIM_TIME_NS)(x + 0.5);
}

/* Pool tags are four characters, written as on Windows: VSWITCHSIM_TAG('F','l','o','w'). */
#define VSWITCHSIM_TAG(a, b, c, d) \
    ((ULONG)(UCHAR)(a) | ((ULONG)(UCHAR)(b) << 8) | ((ULONG)(UCHAR)(c) << 16) | ((ULONG)(UCHAR)(d) << 24))

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_PLUGIN_H */
