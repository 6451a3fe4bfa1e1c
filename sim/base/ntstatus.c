/*
 * ntstatus.c: the one table of status names: every distinct code that
 * <vswitchsim/fwps.h> and the WDK headers' ntdef.h define, by the name they define it
 * under (the NDIS_STATUS_ aliases of STATUS_ codes are the same numbers and print as the
 * STATUS_ name). tests/unit/test-base.c reads both and fails when a code is missing here.
 */
#include <stdio.h>

#define VSWITCHSIM_WDK_RUNTIME 1 /* the simulator's code: no L"" literals to check */
#include <vswitchsim/wdk/ntdef.h>

#include "base/ntstatus.h"

const char *vs_ntstatus_name(NTSTATUS status, char buf[64])
{
    static const struct {
        NTSTATUS code;
        const char *name;
    } names[] = {
#define NAME(s) {s, #s}
        NAME(STATUS_SUCCESS),
        NAME(STATUS_PENDING),
        NAME(STATUS_BUFFER_OVERFLOW),
        NAME(STATUS_UNSUCCESSFUL),
        NAME(STATUS_INVALID_PARAMETER),
        NAME(STATUS_INVALID_DEVICE_REQUEST),
        NAME(STATUS_NO_MEMORY),
        NAME(STATUS_ACCESS_DENIED),
        NAME(STATUS_BUFFER_TOO_SMALL),
        NAME(STATUS_DATA_ERROR),
        NAME(STATUS_REVISION_MISMATCH),
        NAME(STATUS_INSUFFICIENT_RESOURCES),
        NAME(STATUS_NOT_SUPPORTED),
        NAME(STATUS_INVALID_DEVICE_STATE),
        NAME(STATUS_DATA_NOT_ACCEPTED),
        NAME(STATUS_NOT_FOUND),
        NAME(NDIS_STATUS_INVALID_LENGTH),
        NAME(NDIS_STATUS_BUFFER_TOO_SHORT),
        NAME(STATUS_ALERTED),
        NAME(STATUS_TIMEOUT),
        NAME(STATUS_MORE_ENTRIES),
        NAME(STATUS_NOT_IMPLEMENTED),
        NAME(STATUS_INVALID_HANDLE),
        NAME(STATUS_OBJECT_TYPE_MISMATCH),
        NAME(STATUS_OBJECT_NAME_NOT_FOUND),
        NAME(STATUS_OBJECT_NAME_COLLISION),
        NAME(STATUS_OBJECT_PATH_NOT_FOUND),
        NAME(STATUS_INTEGER_OVERFLOW),
        NAME(STATUS_DEVICE_NOT_READY),
        NAME(STATUS_CANCELLED),
        NAME(STATUS_ASSERTION_FAILURE),
#undef NAME
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == status) {
            snprintf(buf, 64, "%s (0x%08X)", names[i].name, (unsigned)status);
            return buf;
        }
    snprintf(buf, 64, "0x%08X", (unsigned)status);
    return buf;
}
