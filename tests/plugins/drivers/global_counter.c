/*
 * global_counter: a WDK driver whose globals tell whether its host has a copy of them to
 * itself, as each Windows host's kernel loads its own. DriverEntry counts its calls in a
 * static; more calls than the registry value Parameters\MaxEntries allows (REG_DWORD,
 * default 1) mean that several hosts share one copy of the driver's data, and DriverEntry
 * fails with STATUS_OBJECT_NAME_COLLISION, a status nothing else here returns.
 *
 * Built with -DVSFIXTURE_SHARED it is also an SDK plugin, which the simulator loads once
 * for all hosts: its entry runs DriverEntry on every host in the same globals, so host 1
 * must fail. That is the control of tests/e2e/driver_globals.sh.
 */
#include <ntddk.h>

#ifdef VSFIXTURE_SHARED
#include <vswitchsim/plugin.h>
#endif

static ULONG entries; /* DriverEntry calls this copy of the driver has seen */

static ULONG read_max_entries(PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING parameters = RTL_CONSTANT_STRING(L"Parameters");
    UNICODE_STRING value = RTL_CONSTANT_STRING(L"MaxEntries");
    OBJECT_ATTRIBUTES oa;
    HANDLE service, key;
    ULONG max = 1, got = 0;
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)];
    PKEY_VALUE_PARTIAL_INFORMATION info = (PKEY_VALUE_PARTIAL_INFORMATION)buffer;

    InitializeObjectAttributes(&oa, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    if (!NT_SUCCESS(ZwOpenKey(&service, KEY_READ, &oa)))
        return max;
    InitializeObjectAttributes(&oa, &parameters, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, service,
                               NULL);
    if (NT_SUCCESS(ZwOpenKey(&key, KEY_READ, &oa))) {
        if (NT_SUCCESS(ZwQueryValueKey(key, &value, KeyValuePartialInformation, info, sizeof buffer,
                                       &got)) &&
            info->Type == REG_DWORD && info->DataLength == sizeof(ULONG))
            max = *(const ULONG *)info->Data;
        ZwClose(key);
    }
    ZwClose(service);
    return max;
}

static void GcUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    entries++;
    if (entries > read_max_entries(RegistryPath))
        return STATUS_OBJECT_NAME_COLLISION; /* another host's DriverEntry ran in my globals */
    if (DriverObject)
        DriverObject->DriverUnload = GcUnload;
    return STATUS_SUCCESS;
}

#ifdef VSFIXTURE_SHARED
VSWITCHSIM_PLUGIN_DECLARE();

/* One load for all hosts: DriverEntry on each, over the service key the kernel serves
 * any instance (the SDK plugin's name is its service name too). */
VSWITCHSIM_PLUGIN_EXPORT NTSTATUS VswitchsimPluginEntry(const VSWITCHSIM_HOST *host,
                                                        const char *paramsJson, void **context)
{
    static WCHAR path[256];
    static const char prefix[] = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
    size_t n = 0;
    for (const char *c = prefix; *c && n < 200; c++)
        path[n++] = (WCHAR)*c;
    for (const char *c = host->InstanceName; *c && n < 255; c++)
        path[n++] = (WCHAR)*c;
    UNICODE_STRING registry_path = {(USHORT)(n * sizeof(WCHAR)), (USHORT)sizeof path, path};
    UNREFERENCED_PARAMETER(paramsJson);
    *context = NULL;
    return DriverEntry(NULL, &registry_path);
}
#endif
