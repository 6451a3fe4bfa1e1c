/*
 * driver.c: DriverEntry and DriverUnload of a WDK driver, one DRIVER_OBJECT per instance
 * (each simulated host's kernel loads the driver once), device objects and WFP engine
 * sessions. At unload what the driver left queued (queued_at_unload) or open
 * (leaked_handle) is reported, and freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel-int.h"

#define SERVICES_KEY "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"
#define IO_TYPE_DRIVER 4 /* DRIVER_OBJECT.Type */
#define IO_TYPE_DEVICE 3 /* DEVICE_OBJECT.Type */

/* An ASCII (instance names are) string as a UNICODE_STRING in the simulator's memory. */
static bool unicode_of(UNICODE_STRING *u, const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b);
    if (n > UNICODE_STRING_MAX_CHARS - 1)
        return false;
    WCHAR *w = malloc((n + 1) * sizeof *w);
    if (!w)
        return false;
    size_t i = 0;
    for (const char *s = a; *s; s++)
        w[i++] = (unsigned char)*s;
    for (const char *s = b; *s; s++)
        w[i++] = (unsigned char)*s;
    w[n] = 0;
    *u = (UNICODE_STRING){(USHORT)(n * 2), (USHORT)((n + 1) * 2), w};
    return true;
}

static void forget_driver(vs_kdriver *d)
{
    free(d->registry_path.Buffer);
    free(d->driver_name.Buffer);
    d->registry_path = d->driver_name = (UNICODE_STRING){0};
}

static bool set_up(vs_kdriver *d, vs_driver_entry_fn entry, const char *name)
{
    if (!unicode_of(&d->registry_path, SERVICES_KEY, name) ||
        !unicode_of(&d->driver_name, "\\Driver\\", name)) {
        forget_driver(d);
        return false;
    }
    d->is_driver = true;
    d->extension = (DRIVER_EXTENSION){.DriverObject = &d->object, .ServiceKeyName = {0, 0, NULL}};
    d->object = (DRIVER_OBJECT){.Type = IO_TYPE_DRIVER,
                                .Size = sizeof(DRIVER_OBJECT),
                                .DriverExtension = &d->extension,
                                .DriverName = d->driver_name,
                                .DriverInit = (PDRIVER_INITIALIZE)entry};
    /* The service key name is the registry path's last component. */
    size_t prefix = strlen(SERVICES_KEY);
    d->extension.ServiceKeyName = (UNICODE_STRING){
        (USHORT)(d->registry_path.Length - prefix * 2),
        (USHORT)(d->registry_path.MaximumLength - prefix * 2), d->registry_path.Buffer + prefix};
    return true;
}

/* learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nc-wdm-driver_initialize:
 * PASSIVE_LEVEL. params_json is registry.c's (helper L's) to publish under the path. */
NTSTATUS vs_kernel_driver_entry(vs_kernel *k, uint32_t instance, vs_driver_entry_fn entry,
                                const char *name, const char *params_json, char err[VS_ERROR_MAX])
{
    (void)params_json;
    vs_kdriver *d = vs_kdriver_of(k, instance);
    if (!d || !set_up(d, entry, name)) {
        snprintf(err, VS_ERROR_MAX, "driver \"%s\": out of memory (or a name too long)", name);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    vs_kernel_set_entry_instance(instance);
    vs_sim_activity_begin(k->sim, instance, "DriverEntry");
    NTSTATUS st = entry(&d->object, &d->registry_path);
    vs_sim_activity_end(k->sim);
    vs_kernel_set_entry_instance(UINT32_MAX);
    d->entered = NT_SUCCESS(st) && st != STATUS_PENDING;
    return st;
}

static const char *kind_name(vs_krec_kind kind)
{
    static const char *const names[] = {"DPC",
                                        "timer",
                                        "work item",
                                        "device object",
                                        "WFP engine session",
                                        "BCrypt algorithm provider"};
    return names[kind];
}

/* Reports each record left: queued objects (queued_at_unload), work items allocated and
 * not freed, devices, engine sessions and BCrypt providers (leaked_handle); then frees
 * them. */
void vs_krec_unload(vs_kernel *k, uint32_t instance)
{
    vs_kdriver *d = vs_kdriver_made(k, instance);
    while (d && d->records) {
        vs_krec *r = d->records;
        if (r->event)
            vs_sim_violation(k->sim, VS_RULE_QUEUED_AT_UNLOAD, instance,
                             "%s %p still queued when the driver unloaded: it would run in "
                             "unloaded code",
                             kind_name(r->kind), r->kind == VS_KREC_WORK ? (void *)r : r->object);
        if (r->kind >= VS_KREC_WORK)
            vs_sim_violation(k->sim, VS_RULE_LEAKED_HANDLE, instance,
                             "%s %p still allocated when the driver unloaded", kind_name(r->kind),
                             r->kind == VS_KREC_DEVICE ? r->object : (void *)r);
        vs_krec_free(k, r);
    }
}

/* .../wdm/nc-wdm-driver_unload: PASSIVE_LEVEL. Not after a failed DriverEntry: Windows
 * unloads such a driver without calling it ("DriverEntry ... must free any resources it
 * allocated" on failure, .../kernel/writing-a-driverentry-routine); what it left is still
 * reported. */
void vs_kernel_driver_unload(vs_kernel *k, uint32_t instance)
{
    vs_kdriver *d = vs_kdriver_made(k, instance);
    if (!d)
        return; /* nothing was made for it: nothing to unload */
    if (d->is_driver && d->entered && d->object.DriverUnload) {
        vs_sim_activity_begin(k->sim, instance, "DriverUnload");
        d->object.DriverUnload(&d->object);
        vs_sim_activity_end(k->sim);
    }
    vs_krec_unload(k, instance);
    vs_kregistry_unload(k, instance);
    vs_kpool_unload(k, instance);
    d->is_driver = d->entered = false;
    forget_driver(d);
}

/* ---- Device objects: .../wdm/nf-wdm-iocreatedevice ----------------------------------- *
 * The object and its extension are the simulator's memory, not the driver's pool: on
 * Windows the I/O manager owns them (a device not deleted is a leaked_handle, not
 * leaked_memory under the driver's tag). */

typedef struct vs_kdevice {
    vs_krec rec;
    DEVICE_OBJECT device;
    _Alignas(16) unsigned char extension[];
} vs_kdevice;

static void unlink_device(PDRIVER_OBJECT drv, PDEVICE_OBJECT dev)
{
    for (PDEVICE_OBJECT *p = &drv->DeviceObject; *p; p = &(*p)->NextDevice)
        if (*p == dev) {
            *p = dev->NextDevice;
            return;
        }
}

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                        PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                        ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                        PDEVICE_OBJECT *DeviceObject)
{
    (void)DeviceName;
    (void)Exclusive;
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || !DriverObject || !DeviceObject)
        return STATUS_INVALID_PARAMETER;
    vs_kirql_check(k, instance, "IoCreateDevice", PASSIVE_LEVEL);
    vs_kdevice *kd = vs_krec_new(k, instance, VS_KREC_DEVICE, sizeof *kd + DeviceExtensionSize);
    if (!kd)
        return STATUS_INSUFFICIENT_RESOURCES;
    kd->rec.object = &kd->device;
    kd->device = (DEVICE_OBJECT){.Type = IO_TYPE_DEVICE,
                                 .Size = sizeof(DEVICE_OBJECT),
                                 .ReferenceCount = 0,
                                 .DriverObject = DriverObject,
                                 .NextDevice = DriverObject->DeviceObject,
                                 .Flags = DO_DEVICE_INITIALIZING,
                                 .Characteristics = DeviceCharacteristics,
                                 .DeviceExtension = DeviceExtensionSize ? kd->extension : NULL,
                                 .DeviceType = DeviceType,
                                 .StackSize = 1};
    DriverObject->DeviceObject = &kd->device;
    *DeviceObject = &kd->device;
    return STATUS_SUCCESS;
}

/* .../wdm/nf-wdm-iodeletedevice: PASSIVE_LEVEL. */
void IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k || !DeviceObject)
        return;
    vs_kirql_check(k, instance, "IoDeleteDevice", PASSIVE_LEVEL);
    for (vs_krec *r = vs_kdriver_peek(k, instance)->records; r; r = r->next)
        if (r->kind == VS_KREC_DEVICE && r->object == DeviceObject) {
            unlink_device(DeviceObject->DriverObject, DeviceObject);
            vs_krec_free(k, r);
            return;
        }
    vs_sim_violation(k->sim, VS_RULE_BAD_FREE, instance,
                     "IoDeleteDevice(%p): not a device object this driver created (or deleted "
                     "already)",
                     (void *)DeviceObject);
}

/* ---- WFP engine sessions: .../fwpmk/nf-fwpmk-fwpmengineopen0 -------------------------- */

#define RPC_C_AUTHN_DEFAULT_VALUE 0xffffffffu

NTSTATUS FwpmEngineOpen0(const wchar_t *serverName, UINT32 authnService, PVOID authIdentity,
                         const FWPM_SESSION0 *session, HANDLE *engineHandle)
{
    (void)authIdentity;
    (void)session;
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "FwpmEngineOpen0", PASSIVE_LEVEL);
    if (serverName || !engineHandle ||
        (authnService != RPC_C_AUTHN_WINNT && authnService != RPC_C_AUTHN_DEFAULT_VALUE))
        return STATUS_INVALID_PARAMETER;
    vs_krec *r = vs_krec_new(k, instance, VS_KREC_ENGINE, sizeof *r);
    if (!r)
        return STATUS_INSUFFICIENT_RESOURCES;
    *engineHandle = r;
    return STATUS_SUCCESS;
}

/* .../fwpmk/nf-fwpmk-fwpmengineclose0 */
NTSTATUS FwpmEngineClose0(HANDLE engineHandle)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "FwpmEngineClose0", PASSIVE_LEVEL);
    if (!vs_krec_live(k, instance, engineHandle, VS_KREC_ENGINE))
        return STATUS_INVALID_HANDLE;
    vs_krec_free(k, engineHandle);
    return STATUS_SUCCESS;
}
