/*
 * bcrypt.c: BCryptGenRandom from the calling instance's random stream (sim->instances[i]
 * .rng), so that the same scenario and seed give a driver the same bytes: each draw is 8
 * bytes, little-endian; the last draw's unused bytes are discarded.
 */
#include <bcrypt.h>

#include "kernel/kernel-int.h"

/* learn.microsoft.com/windows/win32/api/bcrypt/nf-bcrypt-bcryptgenrandom: with
 * BCRYPT_USE_SYSTEM_PREFERRED_RNG hAlgorithm must be NULL (the only RNG modelled; an
 * algorithm handle is STATUS_INVALID_HANDLE). */
NTSTATUS BCryptGenRandom(BCRYPT_ALG_HANDLE hAlgorithm, PUCHAR pbBuffer, ULONG cbBuffer,
                         ULONG dwFlags)
{
    if (!(dwFlags & BCRYPT_USE_SYSTEM_PREFERRED_RNG))
        return hAlgorithm ? STATUS_INVALID_HANDLE : STATUS_INVALID_PARAMETER;
    if (hAlgorithm)
        return STATUS_INVALID_HANDLE;
    if (dwFlags & ~(ULONG)(BCRYPT_USE_SYSTEM_PREFERRED_RNG | BCRYPT_RNG_USE_ENTROPY_IN_BUFFER) ||
        (!pbBuffer && cbBuffer))
        return STATUS_INVALID_PARAMETER;
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE; /* no host's stream to draw from */
    vs_rng *rng = &k->sim->instances[instance].rng;
    for (ULONG i = 0; i < cbBuffer; i += 8) {
        uint64_t v = vs_rng_next(rng);
        for (ULONG j = 0; j < 8 && i + j < cbBuffer; j++, v >>= 8)
            pbBuffer[i + j] = (UCHAR)v;
    }
    return STATUS_SUCCESS;
}
