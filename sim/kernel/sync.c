/*
 * sync.c: IRQL and spin locks (KeGetCurrentIrql, KfRaiseIrql, KeLowerIrql, KSPIN_LOCK,
 * in-stack queued spin locks, EX_SPIN_LOCK).
 *
 * The simulation is single-threaded and activities never interleave: a lock found held
 * when the running code acquires it is its own (a deadlock on Windows: lock_recursion)
 * or one that earlier code left held, which is reported too; the run then goes on
 * without spinning. Code on another thread (no simulation bound) runs at PASSIVE_LEVEL
 * as a driver's own threads do, and its locks really exclude (an atomic spin), so that a
 * driver's worker thread and its simulated code can share them.
 */
#include "kernel/kernel-int.h"

/* How long acquiring code spins on a lock it does not hold before it reports it: another
 * thread of the driver's may hold it for a moment; longer, it was left held. */
#define SPIN_LIMIT (1u << 18)

static vs_kernel *caller(uint32_t *instance)
{
    vs_kernel *k = vs_kernel_caller(instance);
    return vs_kernel_running(k) ? k : NULL;
}

/* ---- IRQL -------------------------------------------------------------------------- */

/* KeGetCurrentIrql: learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-kegetcurrentirql */
KIRQL KeGetCurrentIrql(void)
{
    uint32_t instance;
    return vs_kirql(caller(&instance));
}

/* KfRaiseIrql (KeRaiseIrql): "If the new IRQL is less than the current IRQL, a bug check
 * occurs" (.../wdm/nf-wdm-keraiseirql). The IRQL is left as it was. */
KIRQL KfRaiseIrql(KIRQL NewIrql)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    KIRQL old = vs_kirql(k);
    if (!k)
        return old;
    if (NewIrql < old) {
        vs_sim_violation(k->sim, VS_RULE_BAD_IRQL_CHANGE, instance,
                         "KeRaiseIrql(%u) at IRQL %u: raising to a lower IRQL", NewIrql, old);
        return old;
    }
    vs_kirql_set(k, NewIrql);
    return old;
}

/* KeLowerIrql: NewIrql above the current IRQL "causes a bug check" (.../wdm/nf-wdm-kelowerirql). */
void KeLowerIrql(KIRQL NewIrql)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    if (!k)
        return;
    KIRQL now = vs_kirql(k);
    if (NewIrql > now) {
        vs_sim_violation(k->sim, VS_RULE_BAD_IRQL_CHANGE, instance,
                         "KeLowerIrql(%u) at IRQL %u: lowering to a higher IRQL", NewIrql, now);
        return;
    }
    vs_kirql_set(k, NewIrql);
}

/* .../wdm/nf-wdm-keraiseirqltodpclevel */
KIRQL KeRaiseIrqlToDpcLevel(void)
{
    return KfRaiseIrql(DISPATCH_LEVEL);
}

/* ---- Lock words ---------------------------------------------------------------------- */

static bool take_spin(volatile ULONG_PTR *l)
{
    ULONG_PTR free_value = 0;
    return __atomic_compare_exchange_n(l, &free_value, 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static bool take_ex(volatile LONG *l, bool exclusive)
{
    LONG v = __atomic_load_n(l, __ATOMIC_RELAXED);
    if (exclusive ? v != 0 : (v & VS_KLOCK_EX_BIT) != 0)
        return false;
    LONG want = exclusive ? VS_KLOCK_EX_BIT : v + 1;
    return __atomic_compare_exchange_n(l, &v, want, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static bool take(volatile void *lock, vs_kheld_mode mode)
{
    if (mode == VS_KLOCK_SPIN)
        return take_spin(lock);
    return take_ex(lock, mode == VS_KLOCK_EXCLUSIVE);
}

/* Spins: forever for another thread, SPIN_LIMIT times for simulated code. */
static bool spin(volatile void *lock, vs_kheld_mode mode, bool bounded)
{
    for (uint32_t i = 0; !bounded || i < SPIN_LIMIT; i++) {
        if (take(lock, mode))
            return true;
        __builtin_ia32_pause();
    }
    return false;
}

void vs_klock_force_release(const vs_kheld *h)
{
    if (h->mode == VS_KLOCK_SPIN)
        __atomic_store_n((volatile ULONG_PTR *)h->lock, 0, __ATOMIC_RELEASE);
    else if (h->mode == VS_KLOCK_EXCLUSIVE)
        __atomic_store_n((volatile LONG *)h->lock, 0, __ATOMIC_RELEASE);
    else
        __atomic_sub_fetch((volatile LONG *)h->lock, 1, __ATOMIC_RELEASE);
}

/* ---- Acquire and release, checked -------------------------------------------------- */

/* at_dpc: the caller must be at DISPATCH_LEVEL already ("AtDpcLevel" routines); else at
 * <= DISPATCH_LEVEL, and the routine raises (done by the caller). */
static void acquire(const char *fn, volatile void *lock, vs_kheld_mode mode, bool at_dpc)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    if (!k) {
        spin(lock, mode, false);
        return;
    }
    if (at_dpc && vs_kirql(k) < DISPATCH_LEVEL)
        vs_sim_violation(k->sim, VS_RULE_LOCK_IRQL_MISMATCH, instance,
                         "%s(%p) at IRQL %u: it must be called at DISPATCH_LEVEL", fn, (void *)lock,
                         vs_kirql(k));
    const vs_kheld *mine = vs_kheld_find(k, lock);
    if (mine && (mode != VS_KLOCK_SHARED || mine->mode != VS_KLOCK_SHARED)) {
        vs_sim_violation(k->sim, VS_RULE_LOCK_RECURSION, instance,
                         "%s(%p): the running code already holds it (taken with %s): a "
                         "deadlock on Windows",
                         fn, (void *)lock, mine->how);
        return;
    }
    if (!spin(lock, mode, true)) {
        vs_sim_violation(k->sim, VS_RULE_LOCK_RECURSION, instance,
                         "%s(%p): held by code that is not running (left held, or never "
                         "initialised): a deadlock on Windows; taken over",
                         fn, (void *)lock);
        if (mode == VS_KLOCK_SPIN)
            __atomic_store_n((volatile ULONG_PTR *)lock, 0, __ATOMIC_RELEASE);
        else
            __atomic_store_n((volatile LONG *)lock, 0, __ATOMIC_RELEASE);
        take(lock, mode);
    }
    vs_kheld_add(k, lock, fn, mode);
}

static void release(const char *fn, volatile void *lock, vs_kheld_mode mode, bool at_dpc)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    vs_kheld h = {lock, fn, mode};
    if (!k) {
        vs_klock_force_release(&h);
        return;
    }
    if (at_dpc && vs_kirql(k) < DISPATCH_LEVEL)
        vs_sim_violation(k->sim, VS_RULE_LOCK_IRQL_MISMATCH, instance,
                         "%s(%p) at IRQL %u: it must be called at DISPATCH_LEVEL", fn, (void *)lock,
                         vs_kirql(k));
    const vs_kheld *mine = vs_kheld_find(k, lock);
    if (!mine || (mode == VS_KLOCK_SHARED) != (mine->mode == VS_KLOCK_SHARED)) {
        vs_sim_violation(k->sim, VS_RULE_LOCK_NOT_HELD, instance,
                         "%s(%p): the running code does not hold it%s", fn, (void *)lock,
                         mine ? " in that mode" : "");
        return; /* its word is left alone: another holder's, if any */
    }
    vs_klock_force_release(mine);
    vs_kheld_remove(k, lock);
}

/* Raise to DISPATCH_LEVEL for a lock: the routine's page allows IRQL <= DISPATCH_LEVEL. */
static KIRQL raise_for(const char *fn)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    if (!k)
        return PASSIVE_LEVEL;
    vs_kirql_check(k, instance, fn, DISPATCH_LEVEL);
    KIRQL old = vs_kirql(k);
    if (old < DISPATCH_LEVEL)
        vs_kirql_set(k, DISPATCH_LEVEL);
    return old;
}

/* Back to the IRQL the acquire returned; a NewIrql above the current one is a bad
 * change, as KeLowerIrql's. */
static void lower_to(KIRQL irql)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    if (k && irql != vs_kirql(k))
        KeLowerIrql(irql);
}

/* ---- KSPIN_LOCK: .../wdm/nf-wdm-keacquirespinlockraisetodpc and siblings ------------ */

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    KIRQL old = raise_for("KeAcquireSpinLock");
    acquire("KeAcquireSpinLock", SpinLock, VS_KLOCK_SPIN, false);
    return old;
}

void KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    release("KeReleaseSpinLock", SpinLock, VS_KLOCK_SPIN, false);
    lower_to(NewIrql);
}

/* .../wdm/nf-wdm-keacquirespinlockatdpclevel: "Callers ... must be running at IRQL >=
 * DISPATCH_LEVEL" (lock_irql_mismatch otherwise). */
void KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    acquire("KeAcquireSpinLockAtDpcLevel", SpinLock, VS_KLOCK_SPIN, true);
}

void KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    release("KeReleaseSpinLockFromDpcLevel", SpinLock, VS_KLOCK_SPIN, true);
}

/* .../wdm/nf-wdm-ketrytoacquirespinlockatdpclevel: FALSE when held (by anyone). */
BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    uint32_t instance;
    vs_kernel *k = caller(&instance);
    if (k && vs_kirql(k) < DISPATCH_LEVEL)
        vs_sim_violation(k->sim, VS_RULE_LOCK_IRQL_MISMATCH, instance,
                         "KeTryToAcquireSpinLockAtDpcLevel(%p) at IRQL %u: it must be called "
                         "at DISPATCH_LEVEL",
                         (void *)SpinLock, vs_kirql(k));
    if (!take_spin(SpinLock))
        return FALSE;
    if (k)
        vs_kheld_add(k, SpinLock, "KeTryToAcquireSpinLockAtDpcLevel", VS_KLOCK_SPIN);
    return TRUE;
}

/* .../wdm/nf-wdm-ketestspinlock: TRUE when the lock is free now. */
BOOLEAN KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    return __atomic_load_n(SpinLock, __ATOMIC_RELAXED) == 0;
}

/* ---- In-stack queued: .../wdm/nf-wdm-keacquireinstackqueuedspinlock ------------------ */

void KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = raise_for("KeAcquireInStackQueuedSpinLock");
    acquire("KeAcquireInStackQueuedSpinLock", SpinLock, VS_KLOCK_SPIN, false);
}

void KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    release("KeReleaseInStackQueuedSpinLock", LockHandle->LockQueue.Lock, VS_KLOCK_SPIN, false);
    lower_to(LockHandle->OldIrql);
}

void KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = DISPATCH_LEVEL;
    acquire("KeAcquireInStackQueuedSpinLockAtDpcLevel", SpinLock, VS_KLOCK_SPIN, true);
}

void KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    release("KeReleaseInStackQueuedSpinLockFromDpcLevel", LockHandle->LockQueue.Lock, VS_KLOCK_SPIN,
            true);
}

/* ---- EX_SPIN_LOCK: .../wdm/nf-wdm-exacquirespinlockexclusive and siblings ----------- */

KIRQL ExAcquireSpinLockExclusive(PEX_SPIN_LOCK SpinLock)
{
    KIRQL old = raise_for("ExAcquireSpinLockExclusive");
    acquire("ExAcquireSpinLockExclusive", SpinLock, VS_KLOCK_EXCLUSIVE, false);
    return old;
}

void ExReleaseSpinLockExclusive(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    release("ExReleaseSpinLockExclusive", SpinLock, VS_KLOCK_EXCLUSIVE, false);
    lower_to(OldIrql);
}

KIRQL ExAcquireSpinLockShared(PEX_SPIN_LOCK SpinLock)
{
    KIRQL old = raise_for("ExAcquireSpinLockShared");
    acquire("ExAcquireSpinLockShared", SpinLock, VS_KLOCK_SHARED, false);
    return old;
}

void ExReleaseSpinLockShared(PEX_SPIN_LOCK SpinLock, KIRQL OldIrql)
{
    release("ExReleaseSpinLockShared", SpinLock, VS_KLOCK_SHARED, false);
    lower_to(OldIrql);
}

void ExAcquireSpinLockExclusiveAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    acquire("ExAcquireSpinLockExclusiveAtDpcLevel", SpinLock, VS_KLOCK_EXCLUSIVE, true);
}

void ExReleaseSpinLockExclusiveFromDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    release("ExReleaseSpinLockExclusiveFromDpcLevel", SpinLock, VS_KLOCK_EXCLUSIVE, true);
}

void ExAcquireSpinLockSharedAtDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    acquire("ExAcquireSpinLockSharedAtDpcLevel", SpinLock, VS_KLOCK_SHARED, true);
}

void ExReleaseSpinLockSharedFromDpcLevel(PEX_SPIN_LOCK SpinLock)
{
    release("ExReleaseSpinLockSharedFromDpcLevel", SpinLock, VS_KLOCK_SHARED, true);
}
