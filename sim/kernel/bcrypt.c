/*
 * bcrypt.c: BCryptGenRandom from the calling instance's random stream (sim->instances[i]
 * .rng), so that the same scenario and seed give a driver the same bytes: each draw is 8
 * bytes, little-endian; the last draw's unused bytes are discarded. The system's preferred
 * RNG and an opened RNG provider draw the same stream; they differ in the IRQL their pages
 * allow, which is what the verifier checks.
 */
#include <bcrypt.h>

#include "kernel/kernel-int.h"

/* An open algorithm provider: the handle is the record. */
typedef struct vs_krng {
    vs_krec rec;
    ULONG flags; /* BCRYPT_PROV_DISPATCH or 0 */
} vs_krng;

static bool wide_equals(PCWSTR w, const char *ascii)
{
    for (; *ascii; w++, ascii++)
        if (*w != (WCHAR)*ascii)
            return false;
    return *w == 0;
}

/* learn.microsoft.com/windows/win32/api/bcrypt/nf-bcrypt-bcryptopenalgorithmprovider:
 * kernel-mode callers at PASSIVE_LEVEL; BCRYPT_PROV_DISPATCH makes the handle usable at
 * DISPATCH_LEVEL. Only the RNG algorithm of the Microsoft primitive provider is modelled;
 * the HMAC and reusable-hash flags, which do not apply to an RNG, are refused. */
NTSTATUS BCryptOpenAlgorithmProvider(BCRYPT_ALG_HANDLE *phAlgorithm, LPCWSTR pszAlgId,
                                     LPCWSTR pszImplementation, ULONG dwFlags)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "BCryptOpenAlgorithmProvider", PASSIVE_LEVEL);
    if (!phAlgorithm || !pszAlgId || (dwFlags & ~(ULONG)BCRYPT_PROV_DISPATCH))
        return STATUS_INVALID_PARAMETER;
    if (!wide_equals(pszAlgId, "RNG") ||
        (pszImplementation && !wide_equals(pszImplementation, "Microsoft Primitive Provider")))
        return STATUS_NOT_FOUND;
    vs_krng *p = vs_krec_new(k, instance, VS_KREC_RNG, sizeof *p);
    if (!p)
        return STATUS_NO_MEMORY;
    p->flags = dwFlags;
    *phAlgorithm = p;
    return STATUS_SUCCESS;
}

/* .../nf-bcrypt-bcryptclosealgorithmprovider: PASSIVE_LEVEL; no flags are defined. */
NTSTATUS BCryptCloseAlgorithmProvider(BCRYPT_ALG_HANDLE hAlgorithm, ULONG dwFlags)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "BCryptCloseAlgorithmProvider", PASSIVE_LEVEL);
    if (!vs_krec_live(k, instance, hAlgorithm, VS_KREC_RNG))
        return STATUS_INVALID_HANDLE;
    if (dwFlags)
        return STATUS_INVALID_PARAMETER;
    vs_krec_free(k, hAlgorithm);
    return STATUS_SUCCESS;
}

/* The IRQL the call's page allows, checked (a violation is reported and the draw made);
 * false when hAlgorithm is not a handle this call accepts. */
static bool check_provider(vs_kernel *k, uint32_t instance, BCRYPT_ALG_HANDLE hAlgorithm,
                           ULONG dwFlags)
{
    if (dwFlags & BCRYPT_USE_SYSTEM_PREFERRED_RNG) {
        if (hAlgorithm)
            return false;
        vs_kirql_check(k, instance, "BCryptGenRandom(BCRYPT_USE_SYSTEM_PREFERRED_RNG)",
                       PASSIVE_LEVEL);
        return true;
    }
    if (!vs_krec_live(k, instance, hAlgorithm, VS_KREC_RNG))
        return false;
    if (((vs_krng *)hAlgorithm)->flags & BCRYPT_PROV_DISPATCH)
        vs_kirql_check(k, instance, "BCryptGenRandom", DISPATCH_LEVEL);
    else
        vs_kirql_check(k, instance,
                       "BCryptGenRandom (provider opened without BCRYPT_PROV_DISPATCH)",
                       PASSIVE_LEVEL);
    return true;
}

/* .../nf-bcrypt-bcryptgenrandom: BCRYPT_USE_SYSTEM_PREFERRED_RNG needs a NULL hAlgorithm
 * and PASSIVE_LEVEL; at DISPATCH_LEVEL the handle must have been opened with
 * BCRYPT_PROV_DISPATCH. BCRYPT_RNG_USE_ENTROPY_IN_BUFFER is ignored, as since Windows 8. */
NTSTATUS BCryptGenRandom(BCRYPT_ALG_HANDLE hAlgorithm, PUCHAR pbBuffer, ULONG cbBuffer,
                         ULONG dwFlags)
{
    if (!hAlgorithm && !(dwFlags & BCRYPT_USE_SYSTEM_PREFERRED_RNG))
        return STATUS_INVALID_PARAMETER;
    if (dwFlags & ~(ULONG)(BCRYPT_USE_SYSTEM_PREFERRED_RNG | BCRYPT_RNG_USE_ENTROPY_IN_BUFFER) ||
        (!pbBuffer && cbBuffer))
        return STATUS_INVALID_PARAMETER;
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE; /* no host's stream to draw from */
    if (!check_provider(k, instance, hAlgorithm, dwFlags))
        return STATUS_INVALID_HANDLE;
    vs_rng *rng = &k->sim->instances[instance].rng;
    for (ULONG i = 0; i < cbBuffer; i += 8) {
        uint64_t v = vs_rng_next(rng);
        for (ULONG j = 0; j < 8 && i + j < cbBuffer; j++, v >>= 8)
            pbBuffer[i + j] = (UCHAR)v;
    }
    return STATUS_SUCCESS;
}
