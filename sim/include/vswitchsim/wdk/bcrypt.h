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

/* The BCryptGenRandom page allows BCRYPT_USE_SYSTEM_PREFERRED_RNG at PASSIVE_LEVEL only;
 * at DISPATCH_LEVEL (where vSwitch callbacks and DPCs run) hAlgorithm must be a handle
 * opened with BCRYPT_PROV_DISPATCH, as BCryptOpenAlgorithmProvider's page says. Here
 * pszAlgId must be BCRYPT_RNG_ALGORITHM, pszImplementation NULL; the handle draws from
 * the same per-instance stream. Open and close at PASSIVE_LEVEL. */
#define BCRYPT_RNG_ALGORITHM L"RNG"
#define BCRYPT_PROV_DISPATCH 0x00000001
VSWITCHSIM_EXPORT NTSTATUS BCryptOpenAlgorithmProvider(BCRYPT_ALG_HANDLE *phAlgorithm,
                                                       LPCWSTR pszAlgId,
                                                       LPCWSTR pszImplementation, ULONG dwFlags);
VSWITCHSIM_EXPORT NTSTATUS BCryptCloseAlgorithmProvider(BCRYPT_ALG_HANDLE hAlgorithm,
                                                        ULONG dwFlags);

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_WDK_BCRYPT_H */
