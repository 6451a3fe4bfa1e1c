/*
 * host_services.c: the VSWITCHSIM_HOST services a plugin instance calls: virtual time,
 * deferred routines, modeled CPU, its random stream, logging and tagged memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/special_pool.h"
#include "plugin/instance.h"

/* Every block carries its size and tag ahead of it, like a pool header, and is linked
 * into its instance's list of live blocks; and, if it was allocated while its callout
 * handled a validation port, that port's key (the validation_port_reservation rule).
 * 48 bytes: the block stays 16-aligned. Under special pool the header is a record of
 * its own and the block is on guarded pages (`pooled`), away from it. */
typedef struct vs_block {
    struct vs_block *prev, *next;
    uint64_t size;
    ULONG tag;
    uint32_t magic;
    uint64_t vport;
    void *pooled; /* special pool: the block, on its own pages; else NULL, it follows */
} block_header;

#define BLOCK_MAGIC 0x566d656du /* "Vmem" */

static vs_plugin_instance *from(const VSWITCHSIM_HOST *host)
{
    return (vs_plugin_instance *)host; /* the table is the record's first member */
}

static VSWITCHSIM_TIME_NS host_now(const VSWITCHSIM_HOST *host)
{
    return vs_sim_now(from(host)->sim);
}

static NTSTATUS host_schedule(const VSWITCHSIM_HOST *host, VSWITCHSIM_TIME_NS delay,
                              VSWITCHSIM_ROUTINE routine, void *context)
{
    vs_plugin_instance *pi = from(host);
    if (!routine)
        return STATUS_INVALID_PARAMETER;
    if (vs_sim_schedule_routine(pi->sim, pi->index, delay, routine, context) != 0)
        return vs_sim_out_of_memory(pi->sim), STATUS_INSUFFICIENT_RESOURCES;
    return STATUS_SUCCESS;
}

static void host_charge(const VSWITCHSIM_HOST *host, VSWITCHSIM_TIME_NS ns)
{
    vs_plugin_instance *pi = from(host);
    vs_sim_charge(pi->sim, pi->index, ns);
}

static UINT64 host_random(const VSWITCHSIM_HOST *host)
{
    vs_plugin_instance *pi = from(host);
    return vs_rng_next(&pi->sim->instances[pi->index].rng);
}

static void host_log(const VSWITCHSIM_HOST *host, VSWITCHSIM_LOG_LEVEL level, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    vs_plugin_instance *pi = from(host);
    if ((int)level > pi->sim->verbosity || (unsigned)level > VSWITCHSIM_LOG_DEBUG)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "vswitchsim: [%.6f s] %s@host%u: %s: %s\n", (double)vs_sim_now(pi->sim) / 1e9,
            host->InstanceName, host->HostIndex, names[level], msg);
}

static vs_tag_usage *tag_usage(vs_plugin_instance *pi, ULONG tag)
{
    for (size_t i = 0; i < pi->ntags; i++)
        if (pi->tags[i].tag == tag)
            return &pi->tags[i];
    /* Most instances use one tag: room for one first (VS_GROW's 8 would be 192 bytes on
     * each of a region's hundreds of thousands of instances), then doubling. */
    if (pi->ntags == pi->tags_cap) {
        size_t cap = pi->tags_cap ? 2 * pi->tags_cap : 1;
        vs_tag_usage *t = cap <= SIZE_MAX / sizeof *t ? realloc(pi->tags, cap * sizeof *t) : NULL;
        if (!t)
            return NULL;
        pi->tags = t;
        pi->tags_cap = cap;
    }
    pi->tags[pi->ntags] = (vs_tag_usage){tag, 0, 0};
    return &pi->tags[pi->ntags++];
}

static void account(vs_plugin_instance *pi, vs_tag_usage *u, int64_t bytes, int64_t blocks)
{
    vs_plugin_stats *ps = &pi->sim->stats.plugins[pi->sim->instances[pi->index].plugin];
    u->bytes += (uint64_t)bytes;
    u->blocks += (uint64_t)blocks;
    ps->mem_bytes += (uint64_t)bytes;
    if (blocks > 0)
        ps->mem_allocs++;
    if (ps->mem_bytes > ps->mem_peak)
        ps->mem_peak = ps->mem_bytes;
}

/* A header with the block after it, or, under special pool, a header on its own and
 * the block on guarded pages. */
static block_header *new_block(vs_plugin_instance *pi, SIZE_T size, ULONG tag)
{
    vs_special_pool *sp = pi->sim->special_pool;
    if (!sp && size > SIZE_MAX - sizeof(block_header))
        return NULL;
    block_header *b = calloc(1, sizeof *b + (sp ? 0 : size));
    if (!b) /* the simulator's memory, not the pool's limit: the run stops */
        return vs_sim_out_of_memory(pi->sim), NULL;
    if (!sp)
        return b;
    b->pooled = vs_special_pool_alloc(sp, size, tag, pi->index, VS_POOL_BLOCK, b);
    if (!b->pooled) {
        free(b);
        return NULL;
    }
    return b;
}

static void *user_of(block_header *b)
{
    return b->pooled ? b->pooled : b + 1;
}

/* The header of a block the instance got, or NULL for a pointer that is not one. Under
 * special pool the table says; nothing ahead of the pointer is read (it may be a guard
 * page). */
static block_header *header_of(vs_plugin_instance *pi, void *p)
{
    if (pi->sim->special_pool) {
        vs_pool_entry *e = vs_special_pool_find(pi->sim->special_pool, p);
        return e && e->kind == VS_POOL_BLOCK ? e->record : NULL;
    }
    block_header *b = (block_header *)p - 1;
    return b->magic == BLOCK_MAGIC ? b : NULL;
}

static void delete_block(vs_plugin_instance *pi, block_header *b)
{
    if (b->pooled)
        vs_special_pool_release(pi->sim->special_pool, b->pooled);
    b->magic = 0; /* a second free of it is a bad free, not a use of freed memory's header */
    free(b);
}

static void *host_alloc(const VSWITCHSIM_HOST *host, SIZE_T size, ULONG tag)
{
    vs_plugin_instance *pi = from(host);
    vs_tag_usage *u = tag_usage(pi, tag);
    if (!u)
        return vs_sim_out_of_memory(pi->sim), NULL;
    block_header *b = new_block(pi, size, tag);
    if (!b)
        return NULL;
    void *pooled = b->pooled;
    *b = (block_header){NULL, pi->blocks, size, tag, BLOCK_MAGIC, 0, pooled};
    if (pi->blocks)
        pi->blocks->prev = b;
    pi->blocks = b;
    account(pi, u, (int64_t)size, 1);
    const vs_activity *a = &pi->sim->activity;
    if (a->active && a->instance == pi->index && a->vport) {
        b->vport = a->vport;
        vs_sim_reservation(pi->sim, pi->index, b->vport, 1, (int64_t)size);
    }
    return user_of(b);
}

static void unlink_block(vs_plugin_instance *pi, block_header *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        pi->blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

static void host_free(const VSWITCHSIM_HOST *host, void *p, ULONG tag)
{
    vs_plugin_instance *pi = from(host);
    if (!p)
        return;
    block_header *b = header_of(pi, p);
    if (!b) {
        vs_sim_violation(pi->sim, VS_RULE_BAD_FREE, pi->index,
                         "FreeWithTag(%p): not a live block from AllocateWithTag", p);
        return;
    }
    if (tag != 0 && b->tag != tag) /* 0: unchecked, as ExFreePool (ExFreePoolWithTag(P, 0)) */
        vs_sim_violation(pi->sim, VS_RULE_FREE_TAG_MISMATCH, pi->index,
                         "FreeWithTag(%p, '%.4s'): allocated with tag '%.4s'", p,
                         (const char *)&tag, (const char *)&b->tag);
    vs_tag_usage *u = tag_usage(pi, b->tag);
    if (u)
        account(pi, u, -(int64_t)b->size, -1);
    if (b->vport)
        vs_sim_reservation(pi->sim, pi->index, b->vport, -1, -(int64_t)b->size);
    unlink_block(pi, b);
    delete_block(pi, b);
}

void vs_host_release_blocks(vs_plugin_instance *pi)
{
    while (pi->blocks) {
        block_header *b = pi->blocks;
        unlink_block(pi, b);
        delete_block(pi, b);
    }
}

/* ---- Params: the scenario's reader behind each typed getter (plugin_params.h) ---- */

static vs_plugin_params *params_of(const VSWITCHSIM_HOST *host)
{
    vs_plugin_instance *pi = from(host);
    if (!pi->params) { /* parsed at the first getter: most plugins never ask */
        const vs_config *cfg = pi->sim->cfg;
        const vs_plugin_spec *spec = &cfg->plugins[pi->sim->instances[pi->index].plugin];
        pi->params = vs_plugin_params_new(host->InstanceName, spec->params_json, cfg->source_path);
        if (!pi->params)
            vs_sim_out_of_memory(pi->sim);
    }
    return pi->params;
}

static NTSTATUS param_status(const VSWITCHSIM_HOST *host, int rc)
{
    vs_plugin_instance *pi = from(host);
    if (!pi->params || vs_plugin_params_oom(pi->params))
        return vs_sim_out_of_memory(pi->sim), STATUS_INSUFFICIENT_RESOURCES;
    return rc == 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

static NTSTATUS host_param_int(const VSWITCHSIM_HOST *host, const char *name, INT64 lo, INT64 hi,
                               INT64 dflt, INT64 *value)
{
    vs_plugin_params *pp = params_of(host);
    int64_t v = dflt;
    int rc = pp ? vs_plugin_params_int(pp, name, lo, hi, dflt, &v) : -1;
    *value = v;
    return param_status(host, rc);
}

static NTSTATUS host_param_number(const VSWITCHSIM_HOST *host, const char *name, double lo,
                                  double hi, double dflt, double *value)
{
    vs_plugin_params *pp = params_of(host);
    *value = dflt;
    return param_status(host, pp ? vs_plugin_params_number(pp, name, lo, hi, dflt, value) : -1);
}

static NTSTATUS host_param_string(const VSWITCHSIM_HOST *host, const char *name, const char *dflt,
                                  const char **value)
{
    vs_plugin_params *pp = params_of(host);
    *value = dflt;
    return param_status(host, pp ? vs_plugin_params_string(pp, name, dflt, value) : -1);
}

static NTSTATUS host_param_bool(const VSWITCHSIM_HOST *host, const char *name, BOOLEAN dflt,
                                BOOLEAN *value)
{
    vs_plugin_params *pp = params_of(host);
    bool v = dflt != 0;
    int rc = pp ? vs_plugin_params_bool(pp, name, dflt != 0, &v) : -1;
    *value = v ? TRUE : FALSE;
    return param_status(host, rc);
}

static NTSTATUS host_param_duration(const VSWITCHSIM_HOST *host, const char *name,
                                    VSWITCHSIM_TIME_NS lo, VSWITCHSIM_TIME_NS hi,
                                    VSWITCHSIM_TIME_NS dflt, VSWITCHSIM_TIME_NS *value)
{
    vs_plugin_params *pp = params_of(host);
    uint64_t v = dflt;
    int rc = pp ? vs_plugin_params_duration(pp, name, lo, hi, dflt, &v) : -1;
    *value = v;
    return param_status(host, rc);
}

/* The engine's distribution as the SDK spells it; the values stay the params'. */
static void sdk_dist(const vs_dist *d, VSWITCHSIM_DISTRIBUTION *out)
{
    static const UINT32 kinds[] = {
        [VS_DIST_CONSTANT] = VSWITCHSIM_DIST_CONSTANT,
        [VS_DIST_UNIFORM] = VSWITCHSIM_DIST_UNIFORM,
        [VS_DIST_EXPONENTIAL] = VSWITCHSIM_DIST_EXPONENTIAL,
        [VS_DIST_LOGNORMAL] = VSWITCHSIM_DIST_LOGNORMAL,
        [VS_DIST_EMPIRICAL] = VSWITCHSIM_DIST_EMPIRICAL,
    };
    *out = (VSWITCHSIM_DISTRIBUTION){.Kind = kinds[d->kind], .A = d->a, .B = d->b};
    if (d->kind == VS_DIST_EMPIRICAL) { /* at most EMPIRICAL_MAX (10^6) values */
        out->Values = d->values;
        out->ValueCount = (UINT32)d->nvalues;
    }
}

static NTSTATUS host_param_dist(const VSWITCHSIM_HOST *host, const char *name,
                                const char *dflt_json, VSWITCHSIM_DISTRIBUTION *value)
{
    vs_plugin_params *pp = params_of(host);
    const vs_dist *d = NULL;
    int rc = pp ? vs_plugin_params_dist(pp, name, dflt_json, &d) : -1;
    *value = (VSWITCHSIM_DISTRIBUTION){.Kind = VSWITCHSIM_DIST_CONSTANT};
    if (d)
        sdk_dist(d, value);
    return param_status(host, rc);
}

static NTSTATUS host_check_params(const VSWITCHSIM_HOST *host)
{
    vs_plugin_params *pp = params_of(host);
    return param_status(host, pp ? vs_plugin_params_check(pp) : -1);
}

void vs_host_table_init(vs_plugin_instance *pi, const char *name, uint32_t host, uint32_t hosts)
{
    pi->host = (VSWITCHSIM_HOST){
        .AbiVersion = VSWITCHSIM_ABI_VERSION,
        .Size = sizeof(VSWITCHSIM_HOST),
        .Now = host_now,
        .ScheduleRoutine = host_schedule,
        .ChargeCpu = host_charge,
        .Random = host_random,
        .Log = host_log,
        .AllocateWithTag = host_alloc,
        .FreeWithTag = host_free,
        .GetParamInt = host_param_int,
        .GetParamNumber = host_param_number,
        .GetParamString = host_param_string,
        .GetParamBool = host_param_bool,
        .GetParamDuration = host_param_duration,
        .GetParamDistribution = host_param_dist,
        .CheckParams = host_check_params,
        .InstanceName = name,
        .HostIndex = host,
        .HostCount = hosts,
        .SimulatorContext = pi,
    };
}
