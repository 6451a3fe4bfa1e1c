/*
 * exports.c: the table of what the simulator exports to drivers (exports.h). Add a row
 * for every VSWITCHSIM_KAPI function; unit.kernel checks the table against the headers.
 */
#include "kernel/exports.h"

#include <stdlib.h>
#include <string.h>

#include <vswitchsim/fwps.h>
#include <wdm.h>

#define EXPORT(f)               \
    {                           \
#f, (void (*)(void))(f) \
    }

/* Sorted by name (strcmp), for bsearch. */
static const vs_export exports[] = {
    EXPORT(FwpsvSwitchEventsSubscribe0),
    EXPORT(FwpsvSwitchEventsUnsubscribe0),
    EXPORT(FwpsvSwitchNotifyComplete0),
    EXPORT(ZwClose),
    EXPORT(ZwOpenKey),
    EXPORT(ZwQueryValueKey),
};

const vs_export *vs_kernel_exports(size_t *count)
{
    *count = sizeof exports / sizeof exports[0];
    return exports;
}

static int by_name(const void *key, const void *e)
{
    return strcmp(key, ((const vs_export *)e)->name);
}

bool vs_kernel_exports_has(const char *name)
{
    return bsearch(name, exports, sizeof exports / sizeof exports[0], sizeof exports[0], by_name) !=
           NULL;
}
