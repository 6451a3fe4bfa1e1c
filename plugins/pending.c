/*
 * pending.c: a callout that pends every save and completes it later, like one that hands
 * the work to a worker thread. Requests wait in one FIFO per instance for one of
 * `workers` worker slots; each job holds its slot for a service time drawn from `service`
 * and then writes the out-parameters and calls FwpsvSwitchNotifyComplete0. With Poisson
 * arrivals, one worker and exponential service it is an M/M/1 queue.
 *
 * Params: workers (int >= 1, default 1); service (a distribution, default exponential
 * with mean "100us"); pend_restore (bool, default false: restore completes at once);
 * state_bytes (0..65535, default 16: the size of the saved blob).
 *
 * The blob is deterministic: its first four bytes are the saved port id (little endian,
 * truncated if the blob is shorter) and every later byte a hash of that id and the byte's
 * offset, so a restore anywhere can check every byte of it.
 */
#include "vsp.h"

VSWITCHSIM_PLUGIN_DECLARE();

#define PENDING_TAG VSWITCHSIM_TAG('P', 'e', 'n', 'd')
#define MAX_WORKERS 1000000
#define MAX_STATE_BYTES 65535

/* {e2f3d358-2349-4490-9aa7-c5d510391330}, XORed with the instance name's hash. */
static const GUID PENDING_PROVIDER_BASE = {
    0xe2f3d358, 0x2349, 0x4490, {0x9a, 0xa7, 0xc5, 0xd5, 0x10, 0x39, 0x13, 0x30}};

typedef struct pending_instance pending_instance;

typedef struct pending_job {
    pending_instance *instance;
    struct pending_job *prev, *next; /* in the FIFO, or in the in-service list */
    bool isSave;
    void *completionContext;
    /* save */
    UINT64 portKey;
    NDIS_SWITCH_PORT_ID portId;
    void **runtimeState;
    SIZE_T *runtimeStateLength;
    UCHAR *blob; /* the job's until completion, then the port's (see `saved`) */
    /* restore: the verdict on the blob, reached when it arrived */
    NTSTATUS restoreStatus;
} pending_job;

typedef struct job_list {
    pending_job *head, *tail;
} job_list;

struct pending_instance {
    const VSWITCHSIM_HOST *host;
    UINT32 subscriptionId;
    /* params */
    UINT32 workers;
    VSWITCHSIM_DISTRIBUTION service;
    bool pendRestore;
    UINT32 stateBytes;
    /* queueing */
    job_list queue;     /* waiting for a worker, oldest first */
    job_list inService; /* holding a worker */
    UINT32 busy;        /* workers held, including one completing right now */
    /* the last completed save's blob per (switch, port), kept until the next save of
     * that port, its deletion or unload: the simulator may read it until then */
    vsp_switches switches;
    vsp_map saved;
};

/* ---- Lists ---------------------------------------------------------------------------- */

static void list_push(job_list *l, pending_job *job)
{
    job->next = NULL;
    job->prev = l->tail;
    if (l->tail != NULL)
        l->tail->next = job;
    else
        l->head = job;
    l->tail = job;
}

static void list_unlink(job_list *l, pending_job *job)
{
    if (job->prev != NULL)
        job->prev->next = job->next;
    else
        l->head = job->next;
    if (job->next != NULL)
        job->next->prev = job->prev;
    else
        l->tail = job->prev;
    job->prev = job->next = NULL;
}

/* ---- The blob ------------------------------------------------------------------------- */

static UCHAR blob_byte(NDIS_SWITCH_PORT_ID savedPort, size_t offset)
{
    if (offset < 4)
        return (UCHAR)(savedPort >> (8 * offset));
    UINT32 x = savedPort * 0x9e3779b1u ^ (UINT32)offset * 0x85ebca6bu;
    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    return (UCHAR)(x >> 24);
}

static void blob_fill(UCHAR *blob, size_t length, NDIS_SWITCH_PORT_ID portId)
{
    for (size_t i = 0; i < length; i++)
        blob[i] = blob_byte(portId, i);
}

static NTSTATUS blob_check(const pending_instance *instance, const UCHAR *blob, SIZE_T length,
                           NDIS_SWITCH_PORT_ID portId)
{
    const VSWITCHSIM_HOST *host = instance->host;
    NDIS_SWITCH_PORT_ID savedPort = 0;

    if (length != instance->stateBytes) {
        host->Log(host, VSWITCHSIM_LOG_WARNING, "restore port %u: blob of %llu bytes, expected %u",
                  portId, (unsigned long long)length, instance->stateBytes);
        return STATUS_DATA_ERROR;
    }
    if (length != 0 && blob == NULL) {
        host->Log(host, VSWITCHSIM_LOG_WARNING, "restore port %u: NULL blob", portId);
        return STATUS_DATA_ERROR;
    }
    for (size_t i = 0; i < length && i < 4; i++)
        savedPort |= (NDIS_SWITCH_PORT_ID)blob[i] << (8 * i);
    for (size_t i = 4; i < length; i++) {
        if (blob[i] != blob_byte(savedPort, i)) {
            host->Log(host, VSWITCHSIM_LOG_WARNING,
                      "restore port %u: blob byte %zu is 0x%02x, expected 0x%02x", portId, i,
                      blob[i], blob_byte(savedPort, i));
            return STATUS_DATA_ERROR;
        }
    }
    return STATUS_SUCCESS;
}

/* ---- Jobs ----------------------------------------------------------------------------- */

static void job_free(pending_job *job)
{
    const VSWITCHSIM_HOST *host = job->instance->host;

    if (job->blob != NULL)
        host->FreeWithTag(host, job->blob, PENDING_TAG);
    host->FreeWithTag(host, job, PENDING_TAG);
}

/* Writes the out-parameters, hands the blob to the port and completes the request. */
static void job_complete(pending_job *job, NTSTATUS status)
{
    pending_instance *instance = job->instance;
    const VSWITCHSIM_HOST *host = instance->host;

    if (job->isSave) {
        void *previous = NULL;
        if (NT_SUCCESS(status) && job->blob != NULL) {
            blob_fill(job->blob, instance->stateBytes, job->portId);
            status = vsp_map_put(&instance->saved, job->portKey, job->blob, &previous);
        }
        if (previous != NULL)
            host->FreeWithTag(host, previous, PENDING_TAG);
        if (NT_SUCCESS(status) && job->blob != NULL) {
            *job->runtimeState = job->blob;
            *job->runtimeStateLength = instance->stateBytes;
            job->blob = NULL; /* now the port's */
        } else {
            *job->runtimeState = NULL;
            *job->runtimeStateLength = 0;
        }
    } else if (NT_SUCCESS(status)) {
        status = job->restoreStatus;
    }
    FwpsvSwitchNotifyComplete0(job->completionContext, status, 0, NULL);
    job_free(job);
}

static void job_done(void *routineContext);

/* Takes a worker for job; on failure the job holds nothing. */
static NTSTATUS job_start(pending_job *job)
{
    pending_instance *instance = job->instance;
    const VSWITCHSIM_HOST *host = instance->host;
    VSWITCHSIM_TIME_NS serviceNs = VswitchsimSampleDistribution(host, &instance->service);

    list_push(&instance->inService, job);
    instance->busy++;
    NTSTATUS status = host->ScheduleRoutine(host, serviceNs, job_done, job);
    if (!NT_SUCCESS(status)) {
        list_unlink(&instance->inService, job);
        instance->busy--;
    }
    return status;
}

/* Hands free workers to queued jobs, oldest first. */
static void start_queued(pending_instance *instance)
{
    while (instance->busy < instance->workers && instance->queue.head != NULL) {
        pending_job *job = instance->queue.head;
        list_unlink(&instance->queue, job);
        NTSTATUS status = job_start(job);
        if (!NT_SUCCESS(status))
            job_complete(job, status); /* it was pended: it must still complete */
    }
}

static void job_done(void *routineContext)
{
    pending_job *job = routineContext;
    pending_instance *instance = job->instance;

    /* The worker stays held while completing, so a request that arrives from inside
     * FwpsvSwitchNotifyComplete0 queues behind the ones already waiting. */
    list_unlink(&instance->inService, job);
    job_complete(job, STATUS_SUCCESS);
    instance->busy--;
    start_queued(instance);
}

/* STATUS_PENDING once the job is queued or started; otherwise the job is freed. */
static NTSTATUS job_submit(pending_job *job)
{
    pending_instance *instance = job->instance;

    if (instance->busy < instance->workers && instance->queue.head == NULL) {
        NTSTATUS status = job_start(job);
        if (!NT_SUCCESS(status)) {
            job_free(job);
            return status;
        }
    } else {
        list_push(&instance->queue, job);
    }
    return STATUS_PENDING;
}

static pending_job *job_new(pending_instance *instance, void *completionContext, bool isSave)
{
    pending_job *job = instance->host->AllocateWithTag(instance->host, sizeof(*job), PENDING_TAG);

    if (job != NULL) {
        job->instance = instance;
        job->isSave = isSave;
        job->completionContext = completionContext;
    }
    return job;
}

/* ---- Callbacks ------------------------------------------------------------------------ */

static NTSTATUS NTAPI pending_save(void *notifyContext, void *completionContext,
                                   FWPS_VSWITCH_EVENT_TYPE eventType,
                                   const NDIS_SWITCH_PARAMETERS *vSwitch,
                                   NDIS_SWITCH_PORT_ID portId, void **runtimeState,
                                   SIZE_T *runtimeStateLength)
{
    pending_instance *instance = notifyContext;
    const VSWITCHSIM_HOST *host = instance->host;
    UINT32 switchIndex;

    *runtimeState = NULL;
    *runtimeStateLength = 0;
    NTSTATUS status = vsp_switches_intern(&instance->switches, vSwitch, &switchIndex);
    if (!NT_SUCCESS(status))
        return status;
    pending_job *job = job_new(instance, completionContext, true);
    if (job == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (instance->stateBytes != 0) {
        job->blob = host->AllocateWithTag(host, instance->stateBytes, PENDING_TAG);
        if (job->blob == NULL) {
            job_free(job);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    job->portKey = vsp_port_key(switchIndex, portId);
    job->portId = portId;
    job->runtimeState = runtimeState;
    job->runtimeStateLength = runtimeStateLength;
    return job_submit(job);
}

static NTSTATUS NTAPI pending_restore(void *notifyContext, void *completionContext,
                                      FWPS_VSWITCH_EVENT_TYPE eventType,
                                      const NDIS_SWITCH_PARAMETERS *vSwitch,
                                      NDIS_SWITCH_PORT_ID portId, void *runtimeState,
                                      SIZE_T runtimeStateLength)
{
    pending_instance *instance = notifyContext;
    /* Checked now, while the bytes are certainly valid; the verdict waits in the job. */
    NTSTATUS status = blob_check(instance, runtimeState, runtimeStateLength, portId);

    if (!instance->pendRestore)
        return status;
    pending_job *job = job_new(instance, completionContext, false);
    if (job == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    job->restoreStatus = status;
    return job_submit(job);
}

/* A deleted port's last blob is freed with it. */
static NTSTATUS NTAPI pending_port(void *notifyContext, void *completionContext,
                                   FWPS_VSWITCH_EVENT_TYPE eventType,
                                   const NDIS_SWITCH_PARAMETERS *vSwitch,
                                   const NDIS_SWITCH_PORT_PARAMETERS *vSwitchPort)
{
    pending_instance *instance = notifyContext;
    UINT32 switchIndex;

    if (eventType != FWPS_VSWITCH_EVENT_PORT_DELETE ||
        !vsp_switches_find(&instance->switches, vSwitch, &switchIndex))
        return STATUS_SUCCESS;
    void *blob = vsp_map_remove(&instance->saved, vsp_port_key(switchIndex, vSwitchPort->PortId));
    if (blob != NULL)
        instance->host->FreeWithTag(instance->host, blob, PENDING_TAG);
    return STATUS_SUCCESS;
}

/* ---- Entry and unload ----------------------------------------------------------------- */

/* Through the host's getters: a bad value or an unknown key refuses the plugin with one
 * line naming the param (plugin.h). */
static NTSTATUS parse_params(pending_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    INT64 workers, stateBytes;
    BOOLEAN pendRestore;
    NTSTATUS status;

    if (!NT_SUCCESS(status = host->GetParamInt(host, "workers", 1, MAX_WORKERS, 1, &workers)) ||
        !NT_SUCCESS(status = host->GetParamDistribution(
                        host, "service", "{\"dist\": \"exponential\", \"mean\": \"100us\"}",
                        &instance->service)) ||
        !NT_SUCCESS(status = host->GetParamBool(host, "pend_restore", FALSE, &pendRestore)) ||
        !NT_SUCCESS(
            status = host->GetParamInt(host, "state_bytes", 0, MAX_STATE_BYTES, 16, &stateBytes)))
        return status;
    instance->workers = (UINT32)workers;
    instance->pendRestore = pendRestore != FALSE;
    instance->stateBytes = (UINT32)stateBytes;
    return STATUS_SUCCESS;
}

static void list_free(job_list *l)
{
    while (l->head != NULL) {
        pending_job *job = l->head;
        list_unlink(l, job);
        job_free(job);
    }
}

static void instance_free(pending_instance *instance)
{
    const VSWITCHSIM_HOST *host = instance->host;
    size_t cursor = 0;
    UINT64 key;
    void *blob;

    /* Requests still pended when the run ends are dropped with their jobs. */
    list_free(&instance->queue);
    list_free(&instance->inService);
    while (vsp_map_next(&instance->saved, &cursor, &key, &blob))
        host->FreeWithTag(host, blob, PENDING_TAG);
    vsp_map_close(&instance->saved);
    vsp_switches_close(&instance->switches);
    host->FreeWithTag(host, instance, PENDING_TAG);
}

VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson,
                                                        void **instanceContext)
{
    static const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 dispatch = {
        .vSwitchPortEventNotifyFn = pending_port,
        .vSwitchRuntimeStateSaveNotifyFn = pending_save,
        .vSwitchRuntimeStateRestoreNotifyFn = pending_restore,
    };
    NTSTATUS status = VswitchsimCheckHost(host);
    GUID provider;

    if (!NT_SUCCESS(status))
        return status;
    pending_instance *instance = host->AllocateWithTag(host, sizeof(*instance), PENDING_TAG);
    if (instance == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    instance->host = host;
    vsp_switches_init(&instance->switches, host, PENDING_TAG);
    vsp_map_init(&instance->saved, host, PENDING_TAG);
    status = parse_params(instance);
    if (NT_SUCCESS(status)) {
        vsp_provider_guid(&PENDING_PROVIDER_BASE, host->InstanceName, &provider);
        status = FwpsvSwitchEventsSubscribe0(&provider, instance, 0, NULL, &dispatch,
                                             &instance->subscriptionId);
    }
    if (!NT_SUCCESS(status)) {
        instance_free(instance);
        return status;
    }
    *instanceContext = instance;
    return STATUS_SUCCESS;
}

VSWITCHSIM_PLUGIN_EXPORT void VswitchsimPluginUnload(void *instanceContext)
{
    pending_instance *instance = instanceContext;

    FwpsvSwitchEventsUnsubscribe0(instance->subscriptionId, 0, NULL);
    instance_free(instance);
}
