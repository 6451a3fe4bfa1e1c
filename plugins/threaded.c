/*
 * threaded.c: a callout that pends every save and does the work on its own threads, as
 * a real driver hands work to a worker thread or a system work item. The save callback
 * queues a job and returns STATUS_PENDING; one of the instance's `workers` pthreads
 * takes it, hashes the port's buffer `iterations` times (real CPU work, on the wall
 * clock), writes the out-parameters and calls FwpsvSwitchNotifyComplete0 from that
 * thread. Unload stops the workers and joins them (a job still queued is completed
 * first).
 *
 * Completions from other threads need run.clock "realtime" (--clock realtime): in
 * virtual time they cannot be placed in simulated time, and the simulator ignores them
 * (the requests then time out).
 *
 * Params: workers (1..256, default 4); iterations (0..1000000000, default 1000: FNV-1a
 * passes over the buffer per save); state_bytes (8..65535, default 64: the buffer and the
 * saved blob). The blob's first 8 bytes are the hash (little endian), the rest the port
 * id's pattern. Restore accepts any blob of state_bytes bytes.
 *
 * Threads: the save callback (the simulator's thread) owns the per-port map and the
 * host's allocator; a worker touches only its job, the port's buffer (one save per port
 * at a time) and the out-parameters, which stay valid until the completion.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vsp.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define THREADED_TAG VSWITCHSIM_TAG('T', 'h', 'r', 'd')
#define MAX_WORKERS 256

/* {6b0e3f1a-92c4-4d57-8e21-3f0a9c7d5b14}, XORed with the instance name's hash. */
static const GUID THREADED_PROVIDER_BASE = {
    0x6b0e3f1a, 0x92c4, 0x4d57, {0x8e, 0x21, 0x3f, 0x0a, 0x9c, 0x7d, 0x5b, 0x14}};

typedef struct threaded_job {
    struct threaded_job *next;
    void *completionContext;
    UCHAR *buffer;
    void **runtimeState;
    SIZE_T *runtimeStateLength;
} threaded_job;

typedef struct threaded_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    bool subscribed;
    /* params */
    UINT32 workers;
    long long iterations;
    UINT32 stateBytes;
    /* the pool */
    pthread_t *threads;
    UINT32 started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    threaded_job *head, *tail;
    bool stopping;
    /* one buffer per (switch, port), the simulator's thread only */
    vsp_switches switches;
    vsp_map buffers;
} threaded_instance;

static void *worker_main(void *arg)
{
    threaded_instance *instance = arg;
    for (;;) {
        pthread_mutex_lock(&instance->mu);
        while (instance->head == NULL && !instance->stopping)
            pthread_cond_wait(&instance->cv, &instance->mu);
        threaded_job *job = instance->head;
        if (job != NULL) {
            instance->head = job->next;
            if (instance->head == NULL)
                instance->tail = NULL;
        }
        pthread_mutex_unlock(&instance->mu);
        if (job == NULL)
            return NULL; /* stopping, queue empty */
        UINT64 hash = VSP_FNV1A64_INIT;
        for (long long i = 0; i < instance->iterations; i++)
            hash = vsp_fnv1a64(hash, job->buffer, instance->stateBytes);
        for (int b = 0; b < 8; b++)
            job->buffer[b] = (UCHAR)(hash >> (8 * b));
        *job->runtimeState = job->buffer;
        *job->runtimeStateLength = instance->stateBytes;
        FwpsvSwitchNotifyComplete0(job->completionContext, STATUS_SUCCESS, 0, NULL);
        free(job);
    }
}

/* The port's buffer, made on its first save. */
static UCHAR *port_buffer(threaded_instance *instance, const NDIS_SWITCH_PARAMETERS *vSwitch,
                          NDIS_SWITCH_PORT_ID portId)
{
    UINT32 sw;
    if (!NT_SUCCESS(vsp_switches_intern(&instance->switches, vSwitch, &sw)))
        return NULL;
    UINT64 key = vsp_port_key(sw, portId);
    UCHAR *buffer = vsp_map_get(&instance->buffers, key);
    if (buffer != NULL)
        return buffer;
    buffer = instance->host->AllocateWithTag(instance->host, instance->stateBytes, THREADED_TAG);
    if (buffer == NULL)
        return NULL;
    for (UINT32 i = 0; i < instance->stateBytes; i++)
        buffer[i] = (UCHAR)(portId * 31u + i);
    void *previous;
    if (!NT_SUCCESS(vsp_map_put(&instance->buffers, key, buffer, &previous))) {
        instance->host->FreeWithTag(instance->host, buffer, THREADED_TAG);
        return NULL;
    }
    return buffer;
}

static NTSTATUS NTAPI threaded_save(void *notifyContext, void *completionContext,
                                    FWPS_VSWITCH_EVENT_TYPE eventType,
                                    const NDIS_SWITCH_PARAMETERS *vSwitch,
                                    NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                    SIZE_T *runtimeStateLength)
{
    threaded_instance *instance = notifyContext;
    UCHAR *buffer = port_buffer(instance, vSwitch, portId);
    threaded_job *job = buffer ? malloc(sizeof *job) : NULL;
    if (job == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *job = (threaded_job){NULL, completionContext, buffer, runtimeState, runtimeStateLength};
    pthread_mutex_lock(&instance->mu);
    if (instance->tail != NULL)
        instance->tail->next = job;
    else
        instance->head = job;
    instance->tail = job;
    pthread_cond_signal(&instance->cv);
    pthread_mutex_unlock(&instance->mu);
    return STATUS_PENDING;
}

static NTSTATUS NTAPI threaded_restore(void *notifyContext, void *completionContext,
                                       FWPS_VSWITCH_EVENT_TYPE eventType,
                                       const NDIS_SWITCH_PARAMETERS *vSwitch,
                                       NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                       SIZE_T runtimeStateLength)
{
    threaded_instance *instance = notifyContext;
    return runtimeStateLength == instance->stateBytes ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* Stops and joins the workers (they finish the queue first), frees everything. */
static void threaded_close(threaded_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    pthread_mutex_lock(&instance->mu);
    instance->stopping = true;
    pthread_cond_broadcast(&instance->cv);
    pthread_mutex_unlock(&instance->mu);
    for (UINT32 i = 0; i < instance->started; i++)
        pthread_join(instance->threads[i], NULL);
    if (instance->subscribed)
        FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    size_t cursor = 0;
    UINT64 key;
    void *value;
    while (vsp_map_next(&instance->buffers, &cursor, &key, &value))
        host->FreeWithTag(host, value, THREADED_TAG);
    vsp_map_close(&instance->buffers);
    vsp_switches_close(&instance->switches);
    free(instance->threads);
    pthread_cond_destroy(&instance->cv);
    pthread_mutex_destroy(&instance->mu);
    host->FreeWithTag(host, instance, THREADED_TAG);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchRuntimeStateSaveNotifyFn = threaded_save,
        .vSwitchRuntimeStateRestoreNotifyFn = threaded_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);
    INT64 workers, iterations, stateBytes;
    GUID provider;

    if (!NT_SUCCESS(status))
        return status;
    if (!NT_SUCCESS(status = host->GetParamInt(host, "workers", 1, MAX_WORKERS, 4, &workers)) ||
        !NT_SUCCESS(status =
                        host->GetParamInt(host, "iterations", 0, 1000000000, 1000, &iterations)) ||
        !NT_SUCCESS(status = host->GetParamInt(host, "state_bytes", 8, 65535, 64, &stateBytes)))
        return status;

    threaded_instance *instance = host->AllocateWithTag(host, sizeof(*instance), THREADED_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    instance->workers = (UINT32)workers;
    instance->iterations = iterations;
    instance->stateBytes = (UINT32)stateBytes;
    pthread_mutex_init(&instance->mu, NULL);
    pthread_cond_init(&instance->cv, NULL);
    vsp_switches_init(&instance->switches, host, THREADED_TAG);
    vsp_map_init(&instance->buffers, host, THREADED_TAG);
    instance->threads = calloc(instance->workers, sizeof *instance->threads);
    if (instance->threads == NULL) {
        threaded_close(instance);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (; instance->started < instance->workers; instance->started++)
        if (pthread_create(&instance->threads[instance->started], NULL, worker_main, instance) !=
            0) {
            threaded_close(instance);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    vsp_provider_guid(&THREADED_PROVIDER_BASE, host->InstanceName, &provider);
    status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                         &instance->subscriptionId);
    if (!NT_SUCCESS(status)) {
        threaded_close(instance);
        return status;
    }
    instance->subscribed = true;
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    threaded_close(instanceContext);
}
