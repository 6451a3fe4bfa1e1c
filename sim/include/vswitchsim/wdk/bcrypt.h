/*
 * bcrypt.h: BCryptGenRandom, the kernel's random numbers, which here come from the
 * instance's deterministic stream (VSWITCHSIM_HOST.Random, little-endian, 8 bytes per
 * draw): the same scenario and seed give a driver the same bytes. Either the system's
 * preferred RNG (PASSIVE_LEVEL only) or an RNG provider from BCryptOpenAlgorithmProvider
 * (DISPATCH_LEVEL too when opened with BCRYPT_PROV_DISPATCH); both draw the same stream.
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
#define BCRYPT_PROV_DISPATCH 0x00000001
#define BCRYPT_RNG_ALGORITHM L"RNG"
#define MS_PRIMITIVE_PROVIDER L"Microsoft Primitive Provider"

/* Only BCRYPT_RNG_ALGORITHM is provided (other algorithms: STATUS_NOT_FOUND). */
VSWITCHSIM_EXPORT NTSTATUS BCryptOpenAlgorithmProvider(BCRYPT_ALG_HANDLE *phAlgorithm,
                                                       LPCWSTR pszAlgId,
                                                       LPCWSTR pszImplementation,
                                                       ULONG dwFlags);
VSWITCHSIM_EXPORT NTSTATUS BCryptCloseAlgorithmProvider(BCRYPT_ALG_HANDLE hAlgorithm,
                                                        ULONG dwFlags);
/* hAlgorithm: NULL with BCRYPT_USE_SYSTEM_PREFERRED_RNG, else an opened RNG provider. */
VSWITCHSIM_EXPORT NTSTATUS BCryptGenRandom(BCRYPT_ALG_HANDLE hAlgorithm, PUCHAR pbBuffer,
                                           ULONG cbBuffer, ULONG dwFlags);

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_WDK_BCRYPT_H */
