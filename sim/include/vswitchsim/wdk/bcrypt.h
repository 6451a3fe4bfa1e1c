/*
 * bcrypt.h: BCryptGenRandom, the kernel's random numbers, which here come from the
 * instance's deterministic stream (VSWITCHSIM_HOST.Random, little-endian, 8 bytes per
 * draw): the same scenario and seed give a driver the same bytes.
 */
#ifndef VSWITCHSIM_WDK_BCRYPT_H
#define VSWITCHSIM_WDK_BCRYPT_H

#include "ntdef.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef PVOID BCRYPT_ALG_HANDLE;
#define BCRYPT_RNG_USE_ENTROPY_IN_BUFFER 0x00000001
#define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002

/* hAlgorithm must be NULL with BCRYPT_USE_SYSTEM_PREFERRED_RNG (the only RNG modelled). */
VSWITCHSIM_EXPORT NTSTATUS BCryptGenRandom(BCRYPT_ALG_HANDLE hAlgorithm, PUCHAR pbBuffer,
                                           ULONG cbBuffer, ULONG dwFlags);

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_WDK_BCRYPT_H */
