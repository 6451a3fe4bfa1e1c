/*
 * special_pool.h: Driver Verifier's Special Pool for the simulator: each block a callout
 * allocates (and, on request, each restore buffer it is handed) on pages of its own
 * between two PROT_NONE guard pages, and freed blocks kept PROT_NONE for a while, so that
 * an overrun, an underrun or a use after free faults at the instruction that does it.
 * The crash guard then asks which block the faulting address belongs to.
 */
#ifndef VS_SPECIAL_POOL_H
#define VS_SPECIAL_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum vs_pool_kind { VS_POOL_BLOCK = 1, VS_POOL_RESTORE } vs_pool_kind;
typedef enum vs_pool_state { VS_POOL_EMPTY, VS_POOL_LIVE, VS_POOL_FREED } vs_pool_state;

/* One mapping: [guard page][the user's pages][guard page]. The bookkeeping lives here,
 * never on the user's pages, so that an overrun meets a guard page, not our records. */
typedef struct vs_pool_entry {
    uintptr_t user; /* what the caller got: the key */
    uintptr_t map;  /* the mapping, guard pages included */
    size_t map_len;
    size_t size; /* what was asked for */
    uint32_t tag;
    uint32_t instance;
    uint8_t state; /* vs_pool_state */
    uint8_t kind;  /* vs_pool_kind */
    void *record;  /* the allocator's own record of the block */
} vs_pool_entry;

typedef struct vs_special_pool {
    size_t page;
    bool underruns;        /* blocks at the start of their pages, else at the end */
    vs_pool_entry *slots;  /* open addressing on the user pointer's page */
    size_t cap, used;      /* cap a power of two; used: live and freed */
    uintptr_t *quarantine; /* FIFO of freed blocks' user pointers */
    uint32_t qcap, qhead, qlen;
} vs_special_pool;

/* Which rule a fault at an address breaks (verifier.h's POOL_OVERRUN...), and whose. */
typedef struct vs_pool_fault {
    int rule; /* a vs_rule; -1: not the pool's */
    uint32_t tag, instance;
    uint8_t kind; /* vs_pool_kind */
    size_t size;
    intptr_t offset; /* the address less the block's start */
} vs_pool_fault;

/* A pool whose blocks sit at the start of their pages with `underruns`, else at the
 * end (16-aligned: an overrun within that padding goes unseen); `quarantine` freed
 * blocks stay mapped PROT_NONE. NULL out of memory. */
vs_special_pool *vs_special_pool_new(bool underruns, uint32_t quarantine);
/* Unmaps every block, live or freed. */
void vs_special_pool_free(vs_special_pool *sp);

/* A zeroed block of `size` bytes, readable and writable; NULL when out of memory or of
 * mappings (vm.max_map_count: each block takes about three). */
void *vs_special_pool_alloc(vs_special_pool *sp, size_t size, uint32_t tag, uint32_t instance,
                            vs_pool_kind kind, void *record);
/* The live entry whose block starts at `user`, or NULL. */
vs_pool_entry *vs_special_pool_find(vs_special_pool *sp, const void *user);
/* Makes a live block read-only (a restore buffer, once filled). 0, or -1. */
int vs_special_pool_seal(vs_special_pool *sp, void *user);
/* Frees a live block: PROT_NONE into the quarantine, whose oldest is then unmapped. */
void vs_special_pool_release(vs_special_pool *sp, void *user);

/* What a fault at `addr` hit; false if no block of the pool. Async-signal-safe: it only
 * reads the table, which only this module changes, in code that does not fault. */
bool vs_special_pool_classify(const vs_special_pool *sp, uintptr_t addr, vs_pool_fault *out);

#endif /* VS_SPECIAL_POOL_H */
