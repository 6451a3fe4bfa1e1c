/* wdk_leaked_handle: DriverEntry opens a WFP engine session that DriverUnload does not
 * close.
 * Expected result: leaked_handle once per host. */
#include "wdk_fixture.h"

static HANDLE Engine;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = FixtureUnload; /* bug: FwpmEngineClose0 missing */
    return FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, &Engine);
}
