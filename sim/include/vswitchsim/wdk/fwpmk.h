/*
 * fwpmk.h: the WFP management API in kernel mode. The simulator has no base filtering
 * engine to add filters or callouts to; it models opening and closing an engine session,
 * which a callout driver does around its registration, and counts a session still open at
 * unload as leaked (rule leaked_handle). The rest is not declared: a driver that needs it
 * fails to compile, not to run.
 */
#ifndef VSWITCHSIM_WDK_FWPMK_H
#define VSWITCHSIM_WDK_FWPMK_H

#include "wdm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct FWPM_DISPLAY_DATA0_ {
    WCHAR *name;
    WCHAR *description;
} FWPM_DISPLAY_DATA0;

typedef struct FWPM_SESSION0_ {
    GUID sessionKey;
    FWPM_DISPLAY_DATA0 displayData;
    UINT32 flags;
    UINT32 txnWaitTimeoutInMSec;
    DWORD processId;
    PVOID sid;
    WCHAR *username;
    BOOLEAN kernelMode;
} FWPM_SESSION0;

#define FWPM_SESSION_FLAG_DYNAMIC 0x00000001
#define RPC_C_AUTHN_DEFAULT 0xffffffffL
#define RPC_C_AUTHN_WINNT 10

/* PASSIVE_LEVEL. serverName must be NULL (the local engine); authnService
 * RPC_C_AUTHN_WINNT or RPC_C_AUTHN_DEFAULT. */
VSWITCHSIM_KAPI NTSTATUS FwpmEngineOpen0(const wchar_t *serverName, UINT32 authnService,
                                         PVOID authIdentity, const FWPM_SESSION0 *session,
                                         HANDLE *engineHandle);
VSWITCHSIM_KAPI NTSTATUS FwpmEngineClose0(HANDLE engineHandle);
#define FwpmEngineOpen FwpmEngineOpen0
#define FwpmEngineClose FwpmEngineClose0

#ifdef __cplusplus
}
#endif

#endif /* VSWITCHSIM_WDK_FWPMK_H */
