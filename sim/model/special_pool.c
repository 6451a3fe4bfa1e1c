/*
 * special_pool.c: page-guarded blocks and their table (special_pool.h). A block costs a
 * mmap and an mprotect (the mapping is made PROT_NONE, then its user's pages opened),
 * and its free an mprotect, plus a munmap when it leaves the quarantine.
 */
#include "model/special_pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/verifier.h"

#define ALIGN 16u

static size_t home(const vs_special_pool *sp, uintptr_t user)
{
    uint64_t h = (uint64_t)(user / sp->page) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (sp->cap - 1);
}

static vs_pool_entry *slot_of(const vs_special_pool *sp, uintptr_t user)
{
    for (size_t i = home(sp, user);; i = (i + 1) & (sp->cap - 1)) {
        vs_pool_entry *e = &sp->slots[i];
        if (e->state == VS_POOL_EMPTY || e->user == user)
            return e;
    }
}

/* Doubles the table when half full: probes stay short. */
static int grow(vs_special_pool *sp)
{
    if (2 * (sp->used + 1) <= sp->cap)
        return 0;
    vs_special_pool bigger = *sp;
    bigger.cap = sp->cap * 2;
    bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
    if (!bigger.slots)
        return -1;
    for (size_t i = 0; i < sp->cap; i++)
        if (sp->slots[i].state != VS_POOL_EMPTY)
            *slot_of(&bigger, sp->slots[i].user) = sp->slots[i];
    free(sp->slots);
    sp->slots = bigger.slots;
    sp->cap = bigger.cap;
    return 0;
}

/* Linear probing's deletion: later entries of the run move back into the hole. */
static void remove_entry(vs_special_pool *sp, vs_pool_entry *e)
{
    size_t mask = sp->cap - 1, i = (size_t)(e - sp->slots), j = i;
    sp->slots[i].state = VS_POOL_EMPTY;
    sp->used--;
    for (;;) {
        j = (j + 1) & mask;
        if (sp->slots[j].state == VS_POOL_EMPTY)
            return;
        size_t k = home(sp, sp->slots[j].user);
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays)
            continue;
        sp->slots[i] = sp->slots[j];
        sp->slots[j].state = VS_POOL_EMPTY;
        i = j;
    }
}

vs_special_pool *vs_special_pool_new(bool underruns, uint32_t quarantine)
{
    vs_special_pool *sp = calloc(1, sizeof *sp);
    if (!sp)
        return NULL;
    sp->page = (size_t)sysconf(_SC_PAGESIZE);
    sp->underruns = underruns;
    sp->cap = 64;
    sp->slots = calloc(sp->cap, sizeof *sp->slots);
    sp->qcap = quarantine;
    sp->quarantine = calloc(quarantine ? quarantine : 1, sizeof *sp->quarantine);
    if (!sp->slots || !sp->quarantine) {
        vs_special_pool_free(sp);
        return NULL;
    }
    return sp;
}

void vs_special_pool_free(vs_special_pool *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; sp->slots && i < sp->cap; i++)
        if (sp->slots[i].state != VS_POOL_EMPTY)
            munmap((void *)sp->slots[i].map, sp->slots[i].map_len);
    free(sp->slots);
    free(sp->quarantine);
    free(sp);
}

void *vs_special_pool_alloc(vs_special_pool *sp, size_t size, uint32_t tag, uint32_t instance,
                            vs_pool_kind kind, void *record)
{
    size_t rounded = ((size ? size : 1) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (rounded < size || rounded > SIZE_MAX / 2 || grow(sp) != 0)
        return NULL;
    size_t data = (rounded + sp->page - 1) / sp->page * sp->page;
    size_t len = data + 2 * sp->page;
    char *map = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    if (mprotect(map + sp->page, data, PROT_READ | PROT_WRITE) != 0) {
        munmap(map, len);
        return NULL;
    }
    uintptr_t user = (uintptr_t)map + sp->page + (sp->underruns ? 0 : data - rounded);
    vs_pool_entry *e = slot_of(sp, user);
    *e = (vs_pool_entry){user,     (uintptr_t)map, len,           size,  tag,
                         instance, VS_POOL_LIVE,   (uint8_t)kind, record};
    sp->used++;
    return (void *)user;
}

vs_pool_entry *vs_special_pool_find(vs_special_pool *sp, const void *user)
{
    vs_pool_entry *e = slot_of(sp, (uintptr_t)user);
    return e->state == VS_POOL_LIVE ? e : NULL;
}

int vs_special_pool_seal(vs_special_pool *sp, void *user)
{
    vs_pool_entry *e = vs_special_pool_find(sp, user);
    if (!e)
        return -1;
    return mprotect((char *)e->map + sp->page, e->map_len - 2 * sp->page, PROT_READ);
}

/* The oldest freed block leaves the quarantine: its pages go back to the system. */
static void evict(vs_special_pool *sp)
{
    uintptr_t user = sp->quarantine[sp->qhead];
    sp->qhead = (sp->qhead + 1) % sp->qcap;
    sp->qlen--;
    vs_pool_entry *e = slot_of(sp, user);
    if (e->state != VS_POOL_FREED)
        return;
    munmap((void *)e->map, e->map_len);
    remove_entry(sp, e);
}

void vs_special_pool_release(vs_special_pool *sp, void *user)
{
    vs_pool_entry *e = vs_special_pool_find(sp, user);
    if (!e)
        return;
    if (sp->qcap == 0) {
        munmap((void *)e->map, e->map_len);
        remove_entry(sp, e);
        return;
    }
    mprotect((void *)e->map, e->map_len, PROT_NONE);
    e->state = VS_POOL_FREED;
    e->record = NULL;
    if (sp->qlen == sp->qcap)
        evict(sp);
    sp->quarantine[(sp->qhead + sp->qlen++) % sp->qcap] = (uintptr_t)user;
}

/* Which part of entry e's mapping addr is in: its guard pages, or its user's pages. */
static int rule_at(const vs_special_pool *sp, const vs_pool_entry *e, uintptr_t addr)
{
    if (e->state == VS_POOL_FREED)
        return VS_RULE_USE_AFTER_FREE;
    if (addr < e->map + sp->page)
        return VS_RULE_POOL_UNDERRUN;
    if (addr >= e->map + e->map_len - sp->page)
        return VS_RULE_POOL_OVERRUN;
    return e->kind == VS_POOL_RESTORE ? VS_RULE_RESTORE_BUFFER_WRITE : -1;
}

bool vs_special_pool_classify(const vs_special_pool *sp, uintptr_t addr, vs_pool_fault *out)
{
    const vs_pool_entry *slots = sp->slots;
    for (size_t i = 0; i < sp->cap; i++) {
        const vs_pool_entry *e = &slots[i];
        if (e->state == VS_POOL_EMPTY || addr < e->map || addr - e->map >= e->map_len)
            continue;
        int rule = rule_at(sp, e, addr);
        if (rule < 0)
            return false;
        *out = (vs_pool_fault){rule,    e->tag,  e->instance,
                               e->kind, e->size, (intptr_t)(addr - e->user)};
        return true;
    }
    return false;
}
