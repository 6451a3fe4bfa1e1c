/*
 * wdk_fixture.h: what the broken fixture drivers share. Each is a WDK driver compiled
 * unchanged against the simulator's WDK headers (-fshort-wchar), with one bug, made once
 * per host (in DriverEntry, or in a DPC or timer DriverEntry starts), so that its rule
 * fires once (or a stated number of times) per host. They subscribe to nothing: the
 * kernel services are what they exercise. tests/e2e/wdk_rules.sh runs each.
 */
#ifndef VS_WDK_FIXTURE_H
#define VS_WDK_FIXTURE_H

#include <ntddk.h>

#include <fwpmk.h>
#include <ndis.h>

#define FIXTURE_POOL_TAG 'xiFW'

static DRIVER_UNLOAD FixtureUnload;

static void FixtureUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

/* A DPC of its own, from pool, that runs `routine` once (soon) and frees itself. */
typedef struct FIXTURE_DPC {
    KDPC Dpc;
    void (*Routine)(void);
} FIXTURE_DPC;

static KDEFERRED_ROUTINE FixtureDpcRoutine;

static void FixtureDpcRoutine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    FIXTURE_DPC *d = (FIXTURE_DPC *)Context;
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    d->Routine();
    ExFreePoolWithTag(d, FIXTURE_POOL_TAG);
}

static inline NTSTATUS FixtureQueueDpc(void (*routine)(void))
{
    FIXTURE_DPC *d =
        (FIXTURE_DPC *)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*d), FIXTURE_POOL_TAG);
    if (d == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    d->Routine = routine;
    KeInitializeDpc(&d->Dpc, FixtureDpcRoutine, d);
    KeInsertQueueDpc(&d->Dpc, NULL, NULL);
    return STATUS_SUCCESS;
}

#endif /* VS_WDK_FIXTURE_H */
