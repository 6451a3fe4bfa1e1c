/*
 * test-plugins.c: the example plugins (build/plugins/<name>.so) in isolation. The test is its
 * own simulator: it defines and exports FwpsvSwitchEventsSubscribe0, ...Unsubscribe0 and
 * FwpsvSwitchNotifyComplete0, hands each instance a fake VSWITCHSIM_HOST table (virtual
 * clock, routine queue, random stream, tagged allocations it counts, captured log) and
 * calls the callbacks directly. Every instance is unloaded at the end of its test and
 * must leave no tagged memory behind. The plugins' helper library (plugins/common) is
 * linked in and tested directly at the end.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vswitchsim/fwps.h>
#include <vswitchsim/plugin.h>

#include "scenario/plugin_params.h" /* the simulator's own reader behind the getters */
#include "vsp.h"                    /* plugins/common, tested at the end */

#define TAG_FLOW VSWITCHSIM_TAG('F', 'l', 'o', 'w')
#define SAVE FWPS_VSWITCH_EVENT_RUNTIME_STATE_SAVE
#define RESTORE FWPS_VSWITCH_EVENT_RUNTIME_STATE_RESTORE
#define US VSWITCHSIM_NS_PER_US

/* ---- The world: one virtual clock and one routine queue for every fake host --------- */

typedef struct routine {
    VSWITCHSIM_TIME_NS due;
    UINT64 seq; /* equal due times run in the order scheduled */
    VSWITCHSIM_ROUTINE fn;
    void *ctx;
} routine;

static VSWITCHSIM_TIME_NS g_now;
static routine *g_routines;
static size_t g_nroutines, g_routines_cap;
static UINT64 g_routine_seq;

static void world_schedule(VSWITCHSIM_TIME_NS due, VSWITCHSIM_ROUTINE fn, void *ctx)
{
    if (g_nroutines == g_routines_cap) {
        g_routines_cap = g_routines_cap ? 2 * g_routines_cap : 64;
        g_routines = realloc(g_routines, g_routines_cap * sizeof(*g_routines));
        cr_assert_not_null(g_routines);
    }
    g_routines[g_nroutines++] = (routine){due, g_routine_seq++, fn, ctx};
}

/* Runs the earliest routine; false when none is left. */
static bool world_step(void)
{
    size_t best = 0;

    if (g_nroutines == 0)
        return false;
    for (size_t i = 1; i < g_nroutines; i++) {
        const routine *r = &g_routines[i], *b = &g_routines[best];
        if (r->due < b->due || (r->due == b->due && r->seq < b->seq))
            best = i;
    }
    routine next = g_routines[best];
    g_routines[best] = g_routines[--g_nroutines];
    g_now = next.due;
    next.fn(next.ctx);
    return true;
}

static void world_run(void)
{
    while (world_step())
        ;
}

/* Drops what an unloaded instance left scheduled, as the simulator does. */
static void world_clear(void)
{
    g_nroutines = 0;
}

/* ---- Fake host --------------------------------------------------------------------- */

typedef union alloc_header {
    struct {
        SIZE_T size;
        ULONG tag;
        UINT32 magic;
    } h;
    max_align_t align;
} alloc_header;

#define ALLOC_MAGIC 0xa110c8edu

typedef struct fake_host {
    VSWITCHSIM_HOST table; /* first: a host pointer is a fake_host pointer */
    UINT64 rng;
    VSWITCHSIM_TIME_NS charged;
    long liveBlocks;
    long liveFlowBlocks;
    char log[1 << 16];
    size_t logUsed;
    const char *paramsText;   /* what the entry was given */
    vs_plugin_params *params; /* the getters', as the simulator's: NULL until one asks */
    char paramsError[512];    /* the line that refused the plugin, kept past its unload */
} fake_host;

static fake_host *fake_of(const VSWITCHSIM_HOST *host)
{
    return (fake_host *)host;
}

static VSWITCHSIM_TIME_NS fake_now(const VSWITCHSIM_HOST *host)
{
    return g_now;
}

static NTSTATUS fake_schedule(const VSWITCHSIM_HOST *host, VSWITCHSIM_TIME_NS delayNs,
                              VSWITCHSIM_ROUTINE fn, void *ctx)
{
    world_schedule(g_now + delayNs, fn, ctx);
    return STATUS_SUCCESS;
}

static void fake_charge(const VSWITCHSIM_HOST *host, VSWITCHSIM_TIME_NS ns)
{
    fake_of(host)->charged += ns;
}

static UINT64 fake_random(const VSWITCHSIM_HOST *host)
{
    UINT64 z = (fake_of(host)->rng += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fake_log(const VSWITCHSIM_HOST *host, VSWITCHSIM_LOG_LEVEL level, const char *fmt, ...)
{
    static const char *const names[] = {"ERROR", "WARNING", "INFO", "DEBUG"};
    fake_host *h = fake_of(host);
    size_t room = sizeof(h->log) - h->logUsed;
    va_list ap;
    int n;

    n = snprintf(h->log + h->logUsed, room, "[%s] ", names[level]);
    if (n > 0 && (size_t)n < room) {
        h->logUsed += (size_t)n;
        room -= (size_t)n;
    }
    va_start(ap, fmt);
    n = vsnprintf(h->log + h->logUsed, room, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n + 1 < room) {
        h->logUsed += (size_t)n;
        h->log[h->logUsed++] = '\n';
        h->log[h->logUsed] = '\0';
    }
}

static void *fake_alloc(const VSWITCHSIM_HOST *host, SIZE_T size, ULONG tag)
{
    alloc_header *a = calloc(1, sizeof(*a) + size);

    cr_assert_not_null(a);
    a->h.size = size;
    a->h.tag = tag;
    a->h.magic = ALLOC_MAGIC;
    fake_of(host)->liveBlocks++;
    if (tag == TAG_FLOW)
        fake_of(host)->liveFlowBlocks++;
    return a + 1;
}

static void fake_free(const VSWITCHSIM_HOST *host, void *p, ULONG tag)
{
    alloc_header *a = (alloc_header *)p - 1;

    cr_assert_not_null(p, "FreeWithTag(NULL)");
    cr_assert_eq(a->h.magic, ALLOC_MAGIC, "FreeWithTag of a block not from AllocateWithTag");
    cr_assert_eq(a->h.tag, tag, "freed with tag %08x, allocated with %08x", tag, a->h.tag);
    a->h.magic = 0;
    fake_of(host)->liveBlocks--;
    if (tag == TAG_FLOW)
        fake_of(host)->liveFlowBlocks--;
    free(a);
}

/* The getters, as the simulator's host table has them (host_services.c). */
static vs_plugin_params *fake_params(const VSWITCHSIM_HOST *host)
{
    fake_host *h = fake_of(host);
    if (h->params == NULL)
        h->params = vs_plugin_params_new(host->InstanceName, h->paramsText, NULL);
    cr_assert_not_null(h->params);
    return h->params;
}

static NTSTATUS param_status(int rc)
{
    return rc == 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

static NTSTATUS fake_param_int(const VSWITCHSIM_HOST *host, const char *name, INT64 lo, INT64 hi,
                               INT64 dflt, INT64 *value)
{
    int64_t v;
    int rc = vs_plugin_params_int(fake_params(host), name, lo, hi, dflt, &v);
    *value = v;
    return param_status(rc);
}

static NTSTATUS fake_param_number(const VSWITCHSIM_HOST *host, const char *name, double lo,
                                  double hi, double dflt, double *value)
{
    return param_status(vs_plugin_params_number(fake_params(host), name, lo, hi, dflt, value));
}

static NTSTATUS fake_param_string(const VSWITCHSIM_HOST *host, const char *name, const char *dflt,
                                  const char **value)
{
    return param_status(vs_plugin_params_string(fake_params(host), name, dflt, value));
}

static NTSTATUS fake_param_bool(const VSWITCHSIM_HOST *host, const char *name, BOOLEAN dflt,
                                BOOLEAN *value)
{
    bool v;
    int rc = vs_plugin_params_bool(fake_params(host), name, dflt, &v);
    *value = v;
    return param_status(rc);
}

static NTSTATUS fake_param_duration(const VSWITCHSIM_HOST *host, const char *name,
                                    VSWITCHSIM_TIME_NS lo, VSWITCHSIM_TIME_NS hi,
                                    VSWITCHSIM_TIME_NS dflt, VSWITCHSIM_TIME_NS *value)
{
    uint64_t v;
    int rc = vs_plugin_params_duration(fake_params(host), name, lo, hi, dflt, &v);
    *value = v;
    return param_status(rc);
}

static NTSTATUS fake_param_dist(const VSWITCHSIM_HOST *host, const char *name, const char *dflt,
                                VSWITCHSIM_DISTRIBUTION *value)
{
    const vs_dist *d;
    int rc = vs_plugin_params_dist(fake_params(host), name, dflt, &d);
    static const UINT32 kinds[] = {
        [VS_DIST_CONSTANT] = VSWITCHSIM_DIST_CONSTANT,
        [VS_DIST_UNIFORM] = VSWITCHSIM_DIST_UNIFORM,
        [VS_DIST_EXPONENTIAL] = VSWITCHSIM_DIST_EXPONENTIAL,
        [VS_DIST_LOGNORMAL] = VSWITCHSIM_DIST_LOGNORMAL,
        [VS_DIST_EMPIRICAL] = VSWITCHSIM_DIST_EMPIRICAL,
    };
    *value = (VSWITCHSIM_DISTRIBUTION){.Kind = kinds[d->kind], .A = d->a, .B = d->b};
    if (d->kind == VS_DIST_EMPIRICAL) {
        value->Values = d->values;
        value->ValueCount = (UINT32)d->nvalues;
    }
    return param_status(rc);
}

static NTSTATUS fake_check_params(const VSWITCHSIM_HOST *host)
{
    return param_status(vs_plugin_params_check(fake_params(host)));
}

/* After the entry, as the loader does: a getter's error, or a key no getter asked for,
 * refuses the plugin. The line is kept in paramsError; the reader is freed. */
static bool fake_params_refused(fake_host *h, bool entered)
{
    if (h->params == NULL)
        return false;
    if (entered && vs_plugin_params_error(h->params) == NULL)
        vs_plugin_params_check(h->params);
    const char *why = vs_plugin_params_error(h->params);
    snprintf(h->paramsError, sizeof(h->paramsError), "%s", why != NULL ? why : "");
    return why != NULL;
}

static void fake_params_free(fake_host *h)
{
    vs_plugin_params_free(h->params);
    h->params = NULL;
}

static void host_init(fake_host *h, UINT32 index, const char *instanceName)
{
    memset(h, 0, sizeof(*h));
    h->table = (VSWITCHSIM_HOST){
        .AbiVersion = VSWITCHSIM_ABI_VERSION,
        .Size = sizeof(VSWITCHSIM_HOST),
        .Now = fake_now,
        .ScheduleRoutine = fake_schedule,
        .ChargeCpu = fake_charge,
        .Random = fake_random,
        .Log = fake_log,
        .AllocateWithTag = fake_alloc,
        .FreeWithTag = fake_free,
        .GetParamInt = fake_param_int,
        .GetParamNumber = fake_param_number,
        .GetParamString = fake_param_string,
        .GetParamBool = fake_param_bool,
        .GetParamDuration = fake_param_duration,
        .GetParamDistribution = fake_param_dist,
        .CheckParams = fake_check_params,
        .InstanceName = instanceName,
        .HostIndex = index,
        .HostCount = 4,
    };
    h->rng = 0x5eed0000ull + index;
}

static bool log_has(const fake_host *h, const char *text)
{
    return strstr(h->log, text) != NULL;
}

/* ---- Fake FWPS: what the plugin resolves from its simulator -------------------------- */

typedef struct subscription {
    bool live;
    GUID guid;
    void *ctx;
    FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 table;
} subscription;

static subscription g_subs[32];
static UINT32 g_nsubs;

NTSTATUS NTAPI FwpsvSwitchEventsSubscribe0(const GUID *providerGuid, void *notifyContext,
                                           UINT32 flags, void *reserved,
                                           const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *table,
                                           UINT32 *subscriptionId)
{
    cr_assert_not_null(providerGuid);
    cr_assert_eq(flags, 0);
    cr_assert_null(reserved);
    cr_assert_lt(g_nsubs, 32);
    g_subs[g_nsubs] = (subscription){true, *providerGuid, notifyContext, *table};
    *subscriptionId = ++g_nsubs;
    return STATUS_SUCCESS;
}

void NTAPI FwpsvSwitchEventsUnsubscribe0(UINT32 subscriptionId, UINT32 flags, void *reserved)
{
    cr_assert(subscriptionId >= 1 && subscriptionId <= g_nsubs, "bad subscription id");
    cr_assert(g_subs[subscriptionId - 1].live, "unsubscribed twice");
    g_subs[subscriptionId - 1].live = false;
}

/* A request: the completion context, with the save's out-parameters in it. */
typedef struct request {
    void *state;
    SIZE_T length;
    int completions;
    NTSTATUS status;
    VSWITCHSIM_TIME_NS issuedAt, completedAt;
    UINT64 completionOrder;
    UCHAR *blob; /* a copy of the state, taken at completion or SUCCESS return */
    SIZE_T blobLength;
} request;

#define UNWRITTEN_STATE ((void *)&g_nsubs) /* the out-parameters before the callout */
#define UNWRITTEN_LENGTH 12345

static UINT64 g_completions;

static void request_take_blob(request *req)
{
    free(req->blob);
    req->blob = NULL;
    req->blobLength = req->length;
    if (req->length == 0)
        return;
    cr_assert_not_null(req->state, "a %zu-byte state at NULL", (size_t)req->length);
    req->blob = malloc(req->length);
    cr_assert_not_null(req->blob);
    memcpy(req->blob, req->state, req->length);
}

void NTAPI FwpsvSwitchNotifyComplete0(void *completionContext, NTSTATUS status, UINT32 flags,
                                      void *reserved)
{
    request *req = completionContext;

    cr_assert_neq(status, STATUS_PENDING, "completed with STATUS_PENDING");
    cr_assert_eq(req->completions, 0, "completed twice");
    req->completions++;
    req->status = status;
    req->completedAt = g_now;
    req->completionOrder = g_completions++;
    /* Out-parameters must be written before completing (restore requests have none). */
    if (req->state != UNWRITTEN_STATE || req->length != UNWRITTEN_LENGTH)
        request_take_blob(req);
}

/* ---- Plugins and instances ------------------------------------------------------------ */

typedef struct plugin {
    void *dl;
    VSWITCHSIM_PLUGIN_ENTRY entry;
    VSWITCHSIM_PLUGIN_UNLOAD unload;
} plugin;

static plugin plugin_open_path(const char *path)
{
    plugin p = {dlopen(path, RTLD_NOW | RTLD_LOCAL), NULL, NULL};

    cr_assert_not_null(p.dl, "dlopen %s: %s", path, dlerror());
    const UINT32 *abi = dlsym(p.dl, VSWITCHSIM_PLUGIN_ABI_NAME);
    cr_assert_not_null(abi, "%s: no %s", path, VSWITCHSIM_PLUGIN_ABI_NAME);
    cr_assert_eq(*abi, VSWITCHSIM_ABI_VERSION);
    *(void **)&p.entry = dlsym(p.dl, VSWITCHSIM_PLUGIN_ENTRY_NAME);
    *(void **)&p.unload = dlsym(p.dl, VSWITCHSIM_PLUGIN_UNLOAD_NAME);
    cr_assert_not_null(p.entry);
    cr_assert_not_null(p.unload);
    return p;
}

static plugin plugin_open(const char *name)
{
    const char *dir = getenv("VSWITCHSIM_PLUGIN_DIR");
    char path[4096];

    cr_assert_not_null(dir, "VSWITCHSIM_PLUGIN_DIR is not set (run under ctest)");
    snprintf(path, sizeof(path), "%s/%s.so", dir, name);
    return plugin_open_path(path);
}

typedef struct instance {
    plugin plugin;
    fake_host host;
    void *ctx;
    subscription *sub;
} instance;

static NTSTATUS instance_try(instance *in, plugin p, UINT32 hostIndex, const char *name,
                             const char *params)
{
    UINT32 before = g_nsubs;

    in->plugin = p;
    host_init(&in->host, hostIndex, name);
    in->ctx = NULL;
    in->host.paramsText = params;
    NTSTATUS status = p.entry(&in->host.table, params, &in->ctx);
    if (fake_params_refused(&in->host, NT_SUCCESS(status))) {
        if (NT_SUCCESS(status)) { /* refused after all: it unloads as the simulator's would */
            p.unload(in->ctx);
            world_clear();
            g_subs[before].live = false;
            g_nsubs = before;
        }
        status = STATUS_INVALID_PARAMETER;
    }
    if (!NT_SUCCESS(status)) {
        fake_params_free(&in->host);
        cr_assert_eq(g_nsubs, before, "a refused entry left a subscription");
        cr_assert_eq(in->host.liveBlocks, 0, "a refused entry leaked %ld blocks",
                     in->host.liveBlocks);
        return status;
    }
    cr_assert_eq(g_nsubs, before + 1, "the entry must subscribe once");
    in->sub = &g_subs[before];
    cr_assert_eq(in->sub->ctx, in->ctx, "notifyContext is the instance");
    return status;
}

static void instance_start(instance *in, const char *pluginName, UINT32 hostIndex,
                           const char *params)
{
    NTSTATUS status = instance_try(in, plugin_open(pluginName), hostIndex, "test", params);

    cr_assert_eq(status, STATUS_SUCCESS, "%s entry: %08x\n%s", pluginName, (unsigned)status,
                 in->host.log);
}

/* Unloads and checks that the instance unsubscribed and freed everything. */
static void instance_stop(instance *in)
{
    in->plugin.unload(in->ctx);
    fake_params_free(&in->host); /* after the unload: strings it read are valid until then */
    world_clear();
    cr_assert_not(in->sub->live, "unload must unsubscribe");
    cr_assert_eq(in->host.liveBlocks, 0, "%ld tagged blocks leaked at unload", in->host.liveBlocks);
}

static NDIS_SWITCH_PARAMETERS make_switch(const char *name)
{
    NDIS_SWITCH_PARAMETERS sw;

    memset(&sw, 0, sizeof(sw));
    sw.Header = (NDIS_OBJECT_HEADER){NDIS_OBJECT_TYPE_DEFAULT, NDIS_SWITCH_PARAMETERS_REVISION_1,
                                     (USHORT)NDIS_SIZEOF_NDIS_SWITCH_PARAMETERS_REVISION_1};
    for (size_t i = 0; name[i] != '\0'; i++)
        sw.SwitchName.String[i] = (WCHAR)name[i];
    sw.SwitchName.Length = (USHORT)(strlen(name) * sizeof(WCHAR));
    sw.IsActive = TRUE;
    return sw;
}

static void request_reset(request *req)
{
    free(req->blob);
    memset(req, 0, sizeof(*req));
}

/* Calls save; a SUCCESS return's state is copied at once, as the simulator does. */
static NTSTATUS do_save(instance *in, const NDIS_SWITCH_PARAMETERS *sw, UINT32 port, request *req)
{
    request_reset(req);
    req->state = UNWRITTEN_STATE;
    req->length = UNWRITTEN_LENGTH;
    req->issuedAt = g_now;
    in->host.charged = 0;
    NTSTATUS status = in->sub->table.vSwitchRuntimeStateSaveNotifyFn(in->ctx, req, SAVE, sw, port,
                                                                     &req->state, &req->length);
    if (status == STATUS_SUCCESS)
        request_take_blob(req);
    return status;
}

static NTSTATUS do_restore(instance *in, const NDIS_SWITCH_PARAMETERS *sw, UINT32 port,
                           request *req, const void *blob, SIZE_T length)
{
    request_reset(req);
    req->state = UNWRITTEN_STATE;
    req->length = UNWRITTEN_LENGTH;
    req->issuedAt = g_now;
    in->host.charged = 0;
    return in->sub->table.vSwitchRuntimeStateRestoreNotifyFn(in->ctx, req, RESTORE, sw, port,
                                                             (void *)blob, length);
}

static void port_delete(instance *in, const NDIS_SWITCH_PARAMETERS *sw, UINT32 port)
{
    NDIS_SWITCH_PORT_PARAMETERS p;

    memset(&p, 0, sizeof(p));
    p.PortId = port;
    p.PortState = NdisSwitchPortStateDeleted;
    cr_assert_not_null(in->sub->table.vSwitchPortEventNotifyFn);
    cr_assert_eq(in->sub->table.vSwitchPortEventNotifyFn(in->ctx, NULL,
                                                         FWPS_VSWITCH_EVENT_PORT_DELETE, sw, &p),
                 STATUS_SUCCESS);
}

/* ---- null -------------------------------------------------------------------------- */

Test(null, saves_nothing_and_restores_anything)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    request req = {0};

    instance_start(&in, "null", 0, "{}");
    const FWPS_VSWITCH_EVENT_DISPATCH_TABLE0 *t = &in.sub->table;
    cr_assert(t->vSwitchLifetimeNotifyFn == NULL && t->vSwitchPortEventNotifyFn == NULL &&
                  t->vSwitchInterfaceEventNotifyFn == NULL &&
                  t->vSwitchFilterEngineReorderNotifyRn == NULL &&
                  t->vSwitchPolicyEventNotifyFn == NULL,
              "null subscribes save and restore only");
    cr_assert_eq(do_save(&in, &sw, 7, &req), STATUS_SUCCESS);
    cr_assert_null(req.state);
    cr_assert_eq(req.length, 0);
    cr_assert_eq(in.host.charged, 0);
    cr_assert_eq(do_restore(&in, &sw, 9, &req, NULL, 0), STATUS_SUCCESS);
    instance_stop(&in);
    request_reset(&req);
}

Test(null, refuses_any_param)
{
    instance in;

    cr_assert_eq(instance_try(&in, plugin_open("null"), 0, "n", "{\"x\": 1}"),
                 STATUS_INVALID_PARAMETER);
    cr_assert_str_eq(in.host.paramsError,
                     "plugin \"n\": params.x: unknown key (the plugin takes no params)");
    cr_assert_eq(instance_try(&in, plugin_open("null"), 0, "n", "not json"),
                 STATUS_INVALID_PARAMETER);
    cr_assert(strstr(in.host.paramsError, "plugin \"n\": params: 1:") != NULL, "%s",
              in.host.paramsError);
}

Test(null, accepts_a_null_params_text)
{
    instance in;

    cr_assert_eq(instance_try(&in, plugin_open("null"), 0, "n", NULL), STATUS_SUCCESS);
    instance_stop(&in);
}

/* ---- Provider GUIDs ----------------------------------------------------------------- */

static GUID guid_of(const char *pluginName, UINT32 hostIndex, const char *instanceName)
{
    instance in;

    cr_assert_eq(instance_try(&in, plugin_open(pluginName), hostIndex, instanceName, "{}"),
                 STATUS_SUCCESS);
    GUID guid = in.sub->guid;
    instance_stop(&in);
    return guid;
}

Test(guid, same_instance_on_every_host_differs_by_name_and_plugin)
{
    GUID a0 = guid_of("null", 0, "a"), a3 = guid_of("null", 3, "a");
    GUID b0 = guid_of("null", 0, "b");
    GUID pa = guid_of("pending", 0, "a"), fa = guid_of("flowtable", 0, "a");

    cr_assert_eq(memcmp(&a0, &a3, sizeof(GUID)), 0, "one instance, one GUID on every host");
    cr_assert_neq(memcmp(&a0, &b0, sizeof(GUID)), 0, "instance names tell GUIDs apart");
    cr_assert_neq(memcmp(&a0, &pa, sizeof(GUID)), 0, "plugins tell GUIDs apart");
    cr_assert_neq(memcmp(&pa, &fa, sizeof(GUID)), 0, "plugins tell GUIDs apart");
}

/* ---- flowtable ---------------------------------------------------------------------- */

#define FT_HEADER 24
#define FT_ENTRY 40

/* FNV-1a 64 stepped over little-endian words; the blob's regions are whole words. */
static UINT64 fnv1a64(UINT64 h, const UCHAR *p, size_t n)
{
    cr_assert_eq(n % 8, 0);
    for (size_t i = 0; i < n; i += 8) {
        UINT64 w = 0;
        for (int b = 0; b < 8; b++)
            w |= (UINT64)p[i + b] << (8 * b);
        h = (h ^ w) * 0x100000001b3ull;
    }
    return h;
}

/* The documented checksum over [0, 16) then [24, end), at offset 16. */
static void ft_reseal(UCHAR *blob, size_t length)
{
    UINT64 h =
        fnv1a64(fnv1a64(0xcbf29ce484222325ull, blob, 16), blob + FT_HEADER, length - FT_HEADER);

    for (int i = 0; i < 8; i++)
        blob[16 + i] = (UCHAR)(h >> (8 * i));
}

static UINT32 le32(const UCHAR *p)
{
    return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

/* Saves port on sw and returns a malloc'ed copy of the blob. */
static UCHAR *ft_save(instance *in, const NDIS_SWITCH_PARAMETERS *sw, UINT32 port, size_t *length)
{
    request req = {0};

    cr_assert_eq(do_save(in, sw, port, &req), STATUS_SUCCESS, "%s", in->host.log);
    UCHAR *blob = req.blob;
    *length = req.blobLength;
    req.blob = NULL;
    request_reset(&req);
    return blob;
}

static NTSTATUS ft_restore(instance *in, const NDIS_SWITCH_PARAMETERS *sw, UINT32 port,
                           const UCHAR *blob, size_t length)
{
    request req = {0};
    NTSTATUS status = do_restore(in, sw, port, &req, blob, length);

    request_reset(&req);
    return status;
}

Test(flowtable, round_trips_to_another_host)
{
    NDIS_SWITCH_PARAMETERS src = make_switch("host0-vswitch0"), dst = make_switch("host1-vswitch0");
    instance a, b;
    size_t n1, n2;

    instance_start(&a, "flowtable", 0, "{}");
    instance_start(&b, "flowtable", 1, "{}");
    UCHAR *blob = ft_save(&a, &src, 5, &n1);
    cr_assert_eq(n1, FT_HEADER + 64 * FT_ENTRY, "default 64 flows");
    cr_assert_eq(memcmp(blob, "FTBL", 4), 0);
    cr_assert_eq(blob[4] | blob[5] << 8, 1, "version 1");
    cr_assert_eq(le32(blob + 8), 64);
    UCHAR *resealed = malloc(n1);
    memcpy(resealed, blob, n1);
    ft_reseal(resealed, n1);
    cr_assert_eq(memcmp(resealed, blob, n1), 0, "checksum as documented");

    cr_assert_eq(ft_restore(&b, &dst, 9, blob, n1), STATUS_SUCCESS, "%s", b.host.log);
    UCHAR *again = ft_save(&b, &dst, 9, &n2);
    cr_assert_eq(n2, n1);
    cr_assert_eq(memcmp(again, blob, n1), 0, "the restored table saves the same bytes");

    /* The same port saved twice gives the same table, not a new one. */
    free(again);
    again = ft_save(&a, &src, 5, &n2);
    cr_assert_eq(memcmp(again, blob, n1), 0);
    instance_stop(&a);
    instance_stop(&b);
    free(blob);
    free(again);
    free(resealed);
}

Test(flowtable, charges_ns_per_flow_on_save_and_restore)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    size_t n;

    instance_start(&in, "flowtable", 0, "{\"flows_per_port\": 100, \"ns_per_flow\": 70}");
    UCHAR *blob = ft_save(&in, &sw, 1, &n);
    cr_assert_eq(in.host.charged, 7000);
    cr_assert_eq(ft_restore(&in, &sw, 2, blob, n), STATUS_SUCCESS);
    cr_assert_eq(in.host.charged, 7000);
    instance_stop(&in);
    free(blob);

    instance_start(&in, "flowtable", 0, "{}");
    blob = ft_save(&in, &sw, 1, &n);
    cr_assert_eq(in.host.charged, 64 * 50, "defaults: 64 flows at 50 ns");
    instance_stop(&in);
    free(blob);
}

/* Restores a damaged copy: it must fail with STATUS_DATA_ERROR, say why, allocate
 * nothing lasting and leave the port's table as it was. */
static void expect_corrupt(instance *in, const NDIS_SWITCH_PARAMETERS *sw, const UCHAR *blob,
                           size_t length, const char *why)
{
    long before = in->host.liveBlocks;

    in->host.logUsed = 0;
    in->host.log[0] = '\0';
    cr_assert_eq(ft_restore(in, sw, 3, blob, length), STATUS_DATA_ERROR, "%s accepted", why);
    cr_assert(log_has(&in->host, "[WARNING] restore port 3: "), "%s: %s", why, in->host.log);
    cr_assert(log_has(&in->host, why), "wanted \"%s\" in: %s", why, in->host.log);
    cr_assert_eq(in->host.liveBlocks, before, "a failed restore kept memory");
}

Test(flowtable, refuses_corrupt_blobs)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    size_t n, n3;

    instance_start(&in, "flowtable", 0, "{\"flows_per_port\": 8}");
    UCHAR *blob = ft_save(&in, &sw, 3, &n);
    UCHAR *bad = malloc(n);
    UCHAR *before3 = ft_save(&in, &sw, 3, &n3);

    /* Every single flipped bit is caught (by magic, version, size or checksum). */
    for (size_t bit = 0; bit < 8 * n; bit++) {
        memcpy(bad, blob, n);
        bad[bit / 8] ^= (UCHAR)(1u << (bit % 8));
        cr_assert_eq(ft_restore(&in, &sw, 3, bad, n), STATUS_DATA_ERROR, "bit %zu", bit);
    }
    memcpy(bad, blob, n);
    bad[FT_HEADER + 2 * FT_ENTRY + 17] ^= 0x10;
    expect_corrupt(&in, &sw, bad, n, "checksum mismatch");
    memcpy(bad, blob, n);
    bad[0] = 'X';
    ft_reseal(bad, n);
    expect_corrupt(&in, &sw, bad, n, "bad magic");
    memcpy(bad, blob, n);
    bad[4] = 2;
    ft_reseal(bad, n);
    expect_corrupt(&in, &sw, bad, n, "version 2");
    expect_corrupt(&in, &sw, blob, n - 1, "does not hold the 8 flows");
    expect_corrupt(&in, &sw, blob, n - FT_ENTRY, "does not hold the 8 flows");
    expect_corrupt(&in, &sw, blob, FT_HEADER - 1, "shorter than the 24-byte header");
    expect_corrupt(&in, &sw, NULL, 0, "shorter than the 24-byte header");

    /* A well-sealed blob that repeats a 5-tuple, or breaks an entry's rules. */
    memcpy(bad, blob, n);
    memcpy(bad + FT_HEADER + 5 * FT_ENTRY, bad + FT_HEADER + 2 * FT_ENTRY, FT_ENTRY);
    ft_reseal(bad, n);
    expect_corrupt(&in, &sw, bad, n, "flow 5 repeats an earlier 5-tuple");
    memcpy(bad, blob, n);
    bad[FT_HEADER + FT_ENTRY + 13] = 1;
    ft_reseal(bad, n);
    expect_corrupt(&in, &sw, bad, n, "flow 1: reserved bytes");
    memcpy(bad, blob, n);
    memset(bad + FT_HEADER + 16, 0xff, 8); /* packets > bytes */
    ft_reseal(bad, n);
    expect_corrupt(&in, &sw, bad, n, "flow 0:");

    /* None of it touched port 3's own table. */
    size_t n4;
    UCHAR *after3 = ft_save(&in, &sw, 3, &n4);
    cr_assert(n4 == n3 && memcmp(after3, before3, n3) == 0);
    instance_stop(&in);
    free(blob);
    free(bad);
    free(before3);
    free(after3);
}

Test(flowtable, refuses_bad_params)
{
    static const char *const bad[] = {
        "{\"flows_per_port\": 1624}", /* 24 + 1624 * 40 > 64967 */
        "{\"flows_per_port\": 4001}", "{\"flows_per_port\": -1}", "{\"flows_per_port\": \"64\"}",
        "{\"ns_per_flow\": 1.5}",     "{\"ns_per_flow\": -1}",    "{\"flows\": 64}",
    };
    instance in;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_eq(instance_try(&in, plugin_open("flowtable"), 0, "f", bad[i]),
                     STATUS_INVALID_PARAMETER, "%s accepted", bad[i]);
        cr_assert(strncmp(in.host.paramsError, "plugin \"f\": params.", 19) == 0, "%s: %s", bad[i],
                  in.host.paramsError);
        if (i == 0)
            cr_assert_str_eq(in.host.paramsError, "plugin \"f\": params.flows_per_port: expected "
                                                  "an integer in 0..1623, got 1624");
    }
    cr_assert_str_eq(in.host.paramsError, "plugin \"f\": params.flows: unknown key (expected "
                                          "one of: flows_per_port, ns_per_flow)");
}

Test(flowtable, largest_table_fits_one_segment)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    size_t n;

    instance_start(&in, "flowtable", 0, "{\"flows_per_port\": 1623}");
    UCHAR *blob = ft_save(&in, &sw, 1, &n);
    cr_assert_eq(n, FT_HEADER + 1623 * FT_ENTRY);
    cr_assert_leq(n, NDIS_SWITCH_NIC_SAVE_STATE_MAX_DATA_SIZE);
    cr_assert_eq(ft_restore(&in, &sw, 2, blob, n), STATUS_SUCCESS);
    free(blob);
    instance_stop(&in);

    instance_start(&in, "flowtable", 0, "{\"flows_per_port\": 0}");
    blob = ft_save(&in, &sw, 1, &n);
    cr_assert_eq(n, FT_HEADER);
    cr_assert_eq(ft_restore(&in, &sw, 2, blob, n), STATUS_SUCCESS);
    free(blob);
    instance_stop(&in);
}

Test(flowtable, tells_switches_apart_and_frees_deleted_ports)
{
    NDIS_SWITCH_PARAMETERS s0 = make_switch("host0-vswitch0"), s1 = make_switch("host0-vswitch1");
    instance in;
    size_t n;

    instance_start(&in, "flowtable", 0, "{}");
    /* Warm up so the switch list and the port map exist; then count from there. */
    free(ft_save(&in, &s0, 99, &n));
    port_delete(&in, &s0, 99);
    free(ft_save(&in, &s1, 99, &n));
    port_delete(&in, &s1, 99);
    long baseline = in.host.liveFlowBlocks;

    UCHAR *on0 = ft_save(&in, &s0, 1, &n);
    UCHAR *on1 = ft_save(&in, &s1, 1, &n);
    cr_assert_neq(memcmp(on0, on1, n), 0, "port 1 of two switches: two tables");
    cr_assert_gt(in.host.liveFlowBlocks, baseline);
    port_delete(&in, &s0, 1);
    UCHAR *again1 = ft_save(&in, &s1, 1, &n);
    cr_assert_eq(memcmp(again1, on1, n), 0, "deleting switch 0's port 1 kept switch 1's");
    port_delete(&in, &s1, 1);
    cr_assert_eq(in.host.liveFlowBlocks, baseline, "port delete frees the table and blob");

    /* A switch deleted with ports still on it takes their tables along. */
    for (UINT32 port = 1; port <= 3; port++)
        free(ft_save(&in, &s0, port, &n));
    cr_assert_not_null(in.sub->table.vSwitchLifetimeNotifyFn);
    cr_assert_eq(in.sub->table.vSwitchLifetimeNotifyFn(in.ctx, FWPS_VSWITCH_EVENT_VSWITCH_DELETE,
                                                       &s0, NULL, NULL),
                 STATUS_SUCCESS);
    cr_assert_eq(in.host.liveFlowBlocks, baseline);
    instance_stop(&in);
    free(on0);
    free(on1);
    free(again1);
}

/* ---- pending ------------------------------------------------------------------------- */

/* The blob pending documents: port id little endian, then bytes it can check. */
static void expect_pending_blob(const request *req, UINT32 port, SIZE_T length)
{
    cr_assert_eq(req->blobLength, length);
    cr_assert_not_null(req->blob);
    cr_assert_eq(le32(req->blob), port, "the blob starts with its port id");
}

Test(pending, completes_fifo_on_two_workers_after_the_service_time)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    request req[5] = {{0}};

    instance_start(&in, "pending", 0,
                   "{\"workers\": 2, \"service\": {\"dist\": \"constant\", \"value\": \"100us\"}}");
    g_now = 1000;
    for (UINT32 i = 0; i < 5; i++)
        cr_assert_eq(do_save(&in, &sw, 10 + i, &req[i]), STATUS_PENDING);
    for (UINT32 i = 0; i < 5; i++)
        cr_assert_eq(req[i].completions, 0, "nothing completes inside the callback");
    world_run();
    static const VSWITCHSIM_TIME_NS done[5] = {100 * US, 100 * US, 200 * US, 200 * US, 300 * US};
    for (UINT32 i = 0; i < 5; i++) {
        cr_assert_eq(req[i].completions, 1);
        cr_assert_eq(req[i].status, STATUS_SUCCESS);
        cr_assert_eq(req[i].completionOrder, i, "FIFO");
        cr_assert_eq(req[i].completedAt, 1000 + done[i], "save %u done at %llu", i,
                     (unsigned long long)req[i].completedAt);
        expect_pending_blob(&req[i], 10 + i, 16);
    }

    /* Restore on another host: every byte checked, synchronous by default. */
    instance other;
    request r = {0};
    instance_start(&other, "pending", 1, "{}");
    for (UINT32 i = 0; i < 5; i++)
        cr_assert_eq(do_restore(&other, &sw, 40 + i, &r, req[i].blob, 16), STATUS_SUCCESS);
    req[2].blob[9] ^= 1;
    cr_assert_eq(do_restore(&other, &sw, 42, &r, req[2].blob, 16), STATUS_DATA_ERROR);
    cr_assert(log_has(&other.host, "[WARNING] restore port 42: blob byte 9"), "%s", other.host.log);
    cr_assert_eq(do_restore(&other, &sw, 43, &r, req[3].blob, 15), STATUS_DATA_ERROR);
    cr_assert_eq(r.completions, 0);
    instance_stop(&in);
    instance_stop(&other);
    for (int i = 0; i < 5; i++)
        request_reset(&req[i]);
    request_reset(&r);
}

Test(pending, pends_restores_through_the_workers)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    request save = {0}, ok = {0}, bad = {0};

    instance_start(&in, "pending", 0,
                   "{\"service\": \"50us\", \"pend_restore\": true, \"state_bytes\": 300}");
    cr_assert_eq(do_save(&in, &sw, 7, &save), STATUS_PENDING);
    world_run();
    expect_pending_blob(&save, 7, 300);
    cr_assert_eq(do_restore(&in, &sw, 8, &ok, save.blob, 300), STATUS_PENDING);
    save.blob[299] ^= 0x80;
    cr_assert_eq(do_restore(&in, &sw, 9, &bad, save.blob, 300), STATUS_PENDING);
    world_run();
    cr_assert_eq(ok.completions, 1);
    cr_assert_eq(ok.status, STATUS_SUCCESS);
    cr_assert_eq(ok.completedAt - ok.issuedAt, 50 * US);
    cr_assert_eq(bad.completions, 1);
    cr_assert_eq(bad.status, STATUS_DATA_ERROR);
    cr_assert_eq(bad.completedAt - bad.issuedAt, 100 * US,
                 "one worker: the second waits for the first");
    instance_stop(&in);
    request_reset(&save);
    request_reset(&ok);
    request_reset(&bad);
}

Test(pending, saves_nothing_with_zero_state_bytes)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    request req = {0};

    instance_start(&in, "pending", 0, "{\"state_bytes\": 0, \"service\": \"1ns\"}");
    cr_assert_eq(do_save(&in, &sw, 1, &req), STATUS_PENDING);
    world_run();
    cr_assert_eq(req.completions, 1);
    cr_assert_null(req.state, "written before completing: NULL");
    cr_assert_eq(req.length, 0);
    cr_assert_eq(do_restore(&in, &sw, 1, &req, NULL, 0), STATUS_SUCCESS);
    instance_stop(&in);
    request_reset(&req);
}

Test(pending, frees_pended_jobs_and_deleted_ports_blobs)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance in;
    request req[6] = {{0}};

    instance_start(&in, "pending", 0, "{\"workers\": 2, \"service\": \"10us\"}");
    cr_assert_eq(do_save(&in, &sw, 1, &req[0]), STATUS_PENDING);
    world_run();
    long kept = in.host.liveBlocks;
    port_delete(&in, &sw, 1);
    cr_assert_eq(in.host.liveBlocks, kept - 1, "port delete frees the port's blob");
    /* Unload with two jobs in service and three queued: all freed (instance_stop). */
    for (int i = 1; i < 6; i++)
        cr_assert_eq(do_save(&in, &sw, (UINT32)(10 + i), &req[i]), STATUS_PENDING);
    instance_stop(&in);
    for (int i = 0; i < 6; i++)
        request_reset(&req[i]);
}

Test(pending, refuses_bad_params)
{
    static const char *const bad[] = {
        "{\"workers\": 0}",
        "{\"workers\": \"2\"}",
        "{\"workers\": 1.5}",
        "{\"state_bytes\": 65536}",
        "{\"state_bytes\": -1}",
        "{\"pend_restore\": 1}",
        "{\"service\": \"100\"}",
        "{\"service\": \"-5us\"}",
        "{\"service\": \"1.2.3ms\"}",
        "{\"service\": \".5ms\"}",
        "{\"service\": \"5.ms\"}",
        "{\"service\": \"10 us\"}",
        "{\"service\": \"10min\"}",
        "{\"service\": \"inf s\"}",
        "{\"service\": 100}",
        "{\"service\": {\"dist\": \"gamma\", \"mean\": \"1us\"}}",
        "{\"service\": {\"mean\": \"1us\"}}",
        "{\"service\": {\"dist\": \"constant\"}}",
        "{\"service\": {\"dist\": \"uniform\", \"min\": \"2us\", \"max\": \"1us\"}}",
        "{\"service\": {\"dist\": \"exponential\"}}",
        "{\"service\": {\"dist\": \"exponential\", \"mean\": \"0us\"}}",
        "{\"service\": {\"dist\": \"exponential\", \"mean\": \"1us\", \"p99\": \"2us\"}}",
        "{\"service\": {\"dist\": \"lognormal\", \"mean\": \"100us\", \"p99\": \"50us\"}}",
        "{\"service\": {\"dist\": \"lognormal\", \"mean\": \"1us\", \"p99\": \"1s\"}}",
        "{\"service\": {\"dist\": \"lognormal\", \"mu\": 1, \"sigma\": -1}}",
        "{\"service\": {\"dist\": \"lognormal\", \"mu\": 1, \"sigma\": 1, \"mean\": \"1us\"}}",
        "{\"worker\": 2}",
        "{\"workers\": 1, \"workers\": 2}",
        "[1]",
        "{",
    };
    instance in;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_eq(instance_try(&in, plugin_open("pending"), 0, "p", bad[i]),
                     STATUS_INVALID_PARAMETER, "%s accepted", bad[i]);
        cr_assert(strncmp(in.host.paramsError, "plugin \"p\": params", 18) == 0, "%s: %s", bad[i],
                  in.host.paramsError);
    }
}

Test(pending, accepts_every_documented_distribution)
{
    static const char *const good[] = {
        "{\"service\": \"250ns\"}",
        "{\"service\": \"1.5ms\"}",
        "{\"service\": \"2s\"}",
        "{\"service\": {\"dist\": \"constant\", \"value\": \"100us\"}}",
        "{\"service\": {\"dist\": \"uniform\", \"min\": \"10us\", \"max\": \"30us\"}}",
        "{\"service\": {\"dist\": \"exponential\", \"mean\": \"0.5ms\"}}",
        "{\"service\": {\"dist\": \"lognormal\", \"mean\": \"100us\", \"p99\": \"500us\"}}",
        "{\"service\": {\"dist\": \"lognormal\", \"mu\": 11.5, \"sigma\": 0.5}}",
        "{\"service\": {\"dist\": \"empirical\", \"values\": [\"1us\", \"3us\"]}}",
        "{\"service\": \"1e3us\"}", /* as a scenario writes durations */
        "{\"workers\": 8, \"pend_restore\": false, \"state_bytes\": 65535}",
    };
    instance in;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        cr_assert_eq(instance_try(&in, plugin_open("pending"), 0, "p", good[i]), STATUS_SUCCESS,
                     "%s: %s", good[i], in.host.log);
        instance_stop(&in);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    UINT64 x = *(const UINT64 *)a, y = *(const UINT64 *)b;
    return (x > y) - (x < y);
}

/* n saves one after another on one worker: the sorted service times. */
static UINT64 *service_times(const char *params, size_t n)
{
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    UINT64 *t = malloc(n * sizeof(*t));
    instance in;
    request req = {0};

    instance_start(&in, "pending", 0, params);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(do_save(&in, &sw, 1, &req), STATUS_PENDING);
        world_run();
        t[i] = req.completedAt - req.issuedAt;
    }
    instance_stop(&in);
    request_reset(&req);
    qsort(t, n, sizeof(*t), cmp_u64);
    return t;
}

static double mean_of(const UINT64 *t, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)t[i];
    return sum / (double)n;
}

Test(pending, service_times_follow_the_distribution)
{
    enum { N = 20000 };
    UINT64 *t = service_times("{\"service\": {\"dist\": \"exponential\", \"mean\": \"100us\"}}", N);
    double mean = mean_of(t, N);
    cr_assert(fabs(mean - 100e3) < 3e3, "exponential mean %.0f ns", mean);
    cr_assert(fabs((double)t[N / 2] - 100e3 * log(2.0)) < 4e3, "exponential median");
    free(t);

    t = service_times(
        "{\"service\": {\"dist\": \"uniform\", \"min\": \"10us\", \"max\": \"30us\"}}", N);
    cr_assert(t[0] >= 10000 && t[N - 1] <= 30000);
    cr_assert(fabs(mean_of(t, N) - 20e3) < 300, "uniform mean %.0f", mean_of(t, N));
    free(t);

    t = service_times(
        "{\"service\": {\"dist\": \"lognormal\", \"mean\": \"100us\", \"p99\": \"500us\"}}", N);
    mean = mean_of(t, N);
    double p99 = (double)t[N * 99 / 100];
    cr_assert(fabs(mean - 100e3) < 5e3, "lognormal mean %.0f ns", mean);
    cr_assert(fabs(p99 - 500e3) < 50e3, "lognormal p99 %.0f ns", p99);
    free(t);
}

/* M/M/1 with the test's own Poisson arrivals: the mean time from save to completion is
 * 1 / (mu - lambda). */
typedef struct mm1 {
    instance *in;
    NDIS_SWITCH_PARAMETERS sw;
    UINT64 rng;
    size_t issued, total;
    request *reqs;
} mm1;

static void mm1_arrive(void *ctx)
{
    mm1 *m = ctx;

    cr_assert_eq(do_save(m->in, &m->sw, 1, &m->reqs[m->issued]), STATUS_PENDING);
    if (++m->issued < m->total) {
        m->rng = m->rng * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(m->rng >> 11) * 0x1.0p-53;
        world_schedule(g_now + (VSWITCHSIM_TIME_NS)(-200e3 * log1p(-u)), mm1_arrive, m);
    }
}

Test(pending, one_worker_with_poisson_arrivals_is_mm1)
{
    enum { N = 100000 };
    instance in;
    mm1 m = {&in, make_switch("host0-vswitch0"), 42, 0, N, calloc(N, sizeof(request))};

    /* lambda = 5000/s, mu = 10000/s: mean sojourn 1 / (mu - lambda) = 200 us. */
    instance_start(&in, "pending", 0,
                   "{\"service\": {\"dist\": \"exponential\", \"mean\": \"100us\"}}");
    world_schedule(0, mm1_arrive, &m);
    world_run();
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(m.reqs[i].completions, 1);
        sum += (double)(m.reqs[i].completedAt - m.reqs[i].issuedAt);
        request_reset(&m.reqs[i]);
    }
    cr_assert(fabs(sum / N - 200e3) < 10e3, "M/M/1 mean sojourn %.0f ns", sum / N);
    instance_stop(&in);
    free(m.reqs);
}

/* ---- plugins/common: the helpers behind the example plugins --------------------------- */

Test(common, map_matches_a_reference_under_random_puts_and_removes)
{
    enum { KEYS = 300, OPS = 20000 };
    static int reference[KEYS]; /* value or 0 */
    fake_host h;
    vsp_map m;
    UINT64 rng = 7;

    host_init(&h, 0, "map");
    vsp_map_init(&m, &h.table, TAG_FLOW);
    for (int op = 0; op < OPS; op++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        /* Keys on two "switches" with clustered ports, so probe runs wrap and collide. */
        UINT32 k = (UINT32)(rng >> 33) % KEYS;
        UINT64 key = vsp_port_key(k % 2, k / 2);
        void *previous = NULL;
        if ((rng >> 20) % 3 != 0) {
            cr_assert_eq(vsp_map_put(&m, key, &reference[k], &previous), STATUS_SUCCESS);
            cr_assert_eq(previous != NULL, reference[k] != 0);
            reference[k] = 1;
        } else {
            cr_assert_eq(vsp_map_remove(&m, key) != NULL, reference[k] != 0);
            reference[k] = 0;
        }
        if (op % 997 == 0) {
            size_t live = 0, cursor = 0;
            void *value;
            for (int i = 0; i < KEYS; i++) {
                live += reference[i] != 0;
                cr_assert_eq(vsp_map_get(&m, vsp_port_key(i % 2, i / 2)) != NULL, reference[i] != 0,
                             "key %d after op %d", i, op);
            }
            cr_assert_eq(m.count, live);
            size_t seen = 0;
            while (vsp_map_next(&m, &cursor, &key, &value))
                seen++;
            cr_assert_eq(seen, live);
        }
    }
    vsp_map_close(&m);
    cr_assert_eq(h.liveBlocks, 0);
}

Test(common, switches_are_told_apart_by_name)
{
    NDIS_SWITCH_PARAMETERS a = make_switch("host0-vswitch0"), b = make_switch("host0-vswitch1");
    NDIS_SWITCH_PARAMETERS a2 = make_switch("host0-vswitch0");
    fake_host h;
    vsp_switches s;
    UINT32 ia, ib, ia2;

    host_init(&h, 0, "switches");
    vsp_switches_init(&s, &h.table, TAG_FLOW);
    cr_assert_not(vsp_switches_find(&s, &a, &ia));
    cr_assert_eq(vsp_switches_intern(&s, &a, &ia), STATUS_SUCCESS);
    cr_assert_eq(vsp_switches_intern(&s, &b, &ib), STATUS_SUCCESS);
    a2.SwitchFriendlyName.Length = 2; /* only the name counts */
    cr_assert_eq(vsp_switches_intern(&s, &a2, &ia2), STATUS_SUCCESS);
    cr_assert_neq(ia, ib);
    cr_assert_eq(ia, ia2);
    for (int i = 0; i < 20; i++) { /* grows past its first array */
        char name[32];
        snprintf(name, sizeof(name), "sw%d", i);
        NDIS_SWITCH_PARAMETERS sw = make_switch(name);
        cr_assert_eq(vsp_switches_intern(&s, &sw, &ia2), STATUS_SUCCESS);
    }
    cr_assert(vsp_switches_find(&s, &b, &ia2) && ia2 == ib);
    vsp_switches_close(&s);
    cr_assert_eq(h.liveBlocks, 0);
}

/* ---- An out-of-tree callout, built from the SDK headers alone ------------------------- */

Test(out_of_tree, builds_with_the_sdk_headers_alone_and_runs)
{
    const char *src = getenv("VSWITCHSIM_SOURCE_DIR");
    const char *cc = getenv("CC") != NULL ? getenv("CC") : "cc";
    char dir[] = "/tmp/vs-oot-XXXXXX", cmd[8192], so[64];
    NDIS_SWITCH_PARAMETERS sw = make_switch("host0-vswitch0");
    instance a, b;
    request req = {0}, restore = {0};

    cr_assert_not_null(src, "VSWITCHSIM_SOURCE_DIR is not set (run under ctest)");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(so, sizeof(so), "%s/callout.so", dir);
    snprintf(cmd, sizeof(cmd),
             "%s -std=c17 -Wall -Wextra -Werror -shared -fPIC -I '%s/sim/include' "
             "'%s/tests/plugins/out_of_tree/callout.c' -o '%s'",
             cc, src, src, so);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    plugin p = plugin_open_path(so);
    cr_assert_eq(instance_try(&a, p, 0, "oot", "{}"), STATUS_SUCCESS);
    cr_assert_eq(instance_try(&b, p, 1, "oot", "{}"), STATUS_SUCCESS);
    cr_assert_eq(memcmp(&a.sub->guid, &b.sub->guid, sizeof(GUID)), 0);
    cr_assert_eq(do_save(&a, &sw, 4, &req), STATUS_SUCCESS);
    cr_assert_eq(req.blobLength, 8);
    cr_assert_eq(a.host.charged, 200);
    cr_assert_eq(do_restore(&b, &sw, 6, &restore, req.blob, req.blobLength), STATUS_SUCCESS);
    instance_stop(&a);
    instance_stop(&b);
    request_reset(&req);
    request_reset(&restore);
    unlink(so);
    rmdir(dir);
}
