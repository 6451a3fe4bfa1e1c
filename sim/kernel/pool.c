/*
 * pool.c: ExAllocatePool2 and the older pool calls, and NDIS's memory calls, on the
 * instance's tagged allocator (VSWITCHSIM_HOST.AllocateWithTag and FreeWithTag), so
 * that accounting, leaked_memory, free_tag_mismatch, bad_free and special pool apply to
 * a driver's pool as to an SDK plugin's memory.
 *
 * Paged pool may be touched at IRQL <= APC_LEVEL only (learn.microsoft.com/windows-
 * hardware/drivers/ddi/wdm/nf-wdm-exallocatepool2: "IRQL <= APC_LEVEL if a paged pool
 * is being allocated"): rule paged_pool_at_dispatch, for the allocation and for its
 * free, so the kernel remembers which blocks are paged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel-int.h"

/* ExAllocatePool2's documented flags; the low 32 bits are "required" flags, which a
 * routine that does not know one must refuse (.../nf-wdm-exallocatepool2). */
#define KNOWN_FLAGS                                                                                \
    (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION | POOL_FLAG_CACHE_ALIGNED | \
     POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE |              \
     POOL_FLAG_PAGED)
#define POOL_TYPE_FLAGS (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)

typedef struct vs_kpaged {
    void *p;
    struct vs_kpaged *next;
} vs_kpaged;

static void paged_check(vs_kernel *k, uint32_t instance, const char *fn, const void *p)
{
    KIRQL irql = vs_kirql(k);
    if (irql < DISPATCH_LEVEL)
        return;
    char block[40] = "";
    if (p)
        snprintf(block, sizeof block, "(%p)", p);
    vs_sim_violation(k->sim, VS_RULE_PAGED_POOL_AT_DISPATCH, instance,
                     "%s%s of paged pool at IRQL %u in %s (paged pool: IRQL <= APC_LEVEL)", fn,
                     block, irql, k->sim->activity.what);
}

/* The blocks of paged pool, per instance: a list, as drivers keep little paged pool
 * (for their PASSIVE_LEVEL code). */
static bool paged_remember(vs_kernel *k, uint32_t instance, void *p)
{
    vs_kdriver *d = vs_kdriver_of(k, instance);
    vs_kpaged *e = d ? malloc(sizeof *e) : NULL;
    if (!e)
        return vs_sim_out_of_memory(k->sim), false;
    e->p = p;
    e->next = d->paged;
    d->paged = e;
    return true;
}

static bool paged_forget(vs_kernel *k, uint32_t instance, const void *p)
{
    vs_kdriver *d = vs_kdriver_made(k, instance);
    for (vs_kpaged **e = d ? &d->paged : NULL; e && *e; e = &(*e)->next)
        if ((*e)->p == p) {
            vs_kpaged *gone = *e;
            *e = gone->next;
            free(gone);
            return true;
        }
    return false;
}

void vs_kpool_unload(vs_kernel *k, uint32_t instance)
{
    const vs_kdriver *d = vs_kdriver_peek(k, instance);
    while (d->paged)
        paged_forget(k, instance, d->paged->p);
}

static void *allocate(const char *fn, bool paged, SIZE_T size, ULONG tag, bool zero)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return NULL; /* no simulated host is calling: there is no pool to take it from */
    vs_kirql_check(k, instance, fn, DISPATCH_LEVEL);
    if (paged)
        paged_check(k, instance, fn, NULL);
    const VSWITCHSIM_HOST *host = vs_kernel_host(k, instance);
    void *p = host->AllocateWithTag(host, size, tag);
    if (!p)
        return NULL;
    if (zero)
        memset(p, 0, size);
    if (paged && !paged_remember(k, instance, p)) {
        host->FreeWithTag(host, p, tag);
        return NULL;
    }
    return p;
}

/* ExAllocatePool2 (.../nf-wdm-exallocatepool2): exactly one pool type; an unknown
 * required flag fails. POOL_FLAG_UNINITIALIZED is honoured by zeroing anyway (the
 * allocator hands out zeroed memory: a driver cannot depend on garbage).
 * POOL_FLAG_RAISE_ON_FAILURE raises an exception on Windows; there is no SEH here, so a
 * failure returns NULL as without the flag, and the driver sees it as it would after
 * catching the exception. */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    POOL_FLAGS type = Flags & POOL_TYPE_FLAGS;
    if ((Flags & 0xffffffffu & ~KNOWN_FLAGS) || (type & (type - 1)) || !type)
        return NULL;
    return allocate("ExAllocatePool2", type == POOL_FLAG_PAGED, NumberOfBytes, Tag, true);
}

static bool is_paged(POOL_TYPE t)
{
    return t == PagedPool || t == PagedPoolCacheAligned;
}

/* .../nf-wdm-exallocatepoolwithtag: deprecated, still used; its memory is not zeroed on
 * Windows, here it is. */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return allocate("ExAllocatePoolWithTag", is_paged(PoolType), NumberOfBytes, Tag, true);
}

PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return allocate("ExAllocatePoolZero", is_paged(PoolType), NumberOfBytes, Tag, true);
}

PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return allocate("ExAllocatePoolUninitialized", is_paged(PoolType), NumberOfBytes, Tag, true);
}

static void release(const char *fn, PVOID P, ULONG Tag)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || !P)
        return;
    vs_kirql_check(k, instance, fn, DISPATCH_LEVEL);
    if (paged_forget(k, instance, P))
        paged_check(k, instance, fn, P);
    const VSWITCHSIM_HOST *host = vs_kernel_host(k, instance);
    host->FreeWithTag(host, P, Tag);
}

/* .../nf-wdm-exfreepoolwithtag: Tag 0 is ExFreePool's, which checks no tag. */
void ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    release("ExFreePoolWithTag", P, Tag);
}

/* ---- NDIS: .../ndis/nf-ndis-ndisallocatememorywithtagpriority ----------------------- */

PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                        EX_POOL_PRIORITY Priority)
{
    (void)NdisHandle;
    (void)Priority;
    return allocate("NdisAllocateMemoryWithTagPriority", false, Length, Tag, true);
}

void NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag)
{
    (void)NdisHandle;
    release("NdisFreeMemoryWithTagPriority", VirtualAddress, Tag);
}

/* .../ndis/nf-ndis-ndisfreememory: no tag to check. */
void NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags)
{
    (void)Length;
    (void)MemoryFlags;
    release("NdisFreeMemory", VirtualAddress, 0);
}
