/*
 * test-registry.c: the registry a driver reads its params from (sim/kernel/registry.c):
 * each JSON type's registry type and bytes, ZwQueryValueKey's buffer sizes and statuses
 * (learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwqueryvaluekey),
 * subkeys by absolute and relative name, names without regard to case, handles private
 * to their driver, and keys left open reported at unload as leaked_handle.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>
#include <uchar.h>

#include <wdm.h>

#include "kernel/kernel-int.h"
#include "model/sim.h"

#define SERVICE u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"

static vs_plugin_spec g_spec = {
    .name = "drv",
    .path = "drv.so",
    .params_json = "{\"Count\": 7, \"Neg\": -2, \"Big\": 4294967296, \"Max\": 4294967295,"
                   "\"On\": true, \"Off\": false, \"Label\": \"h\\u00e9\\ud83d\\ude00\","
                   "\"Ratio\": 0.1, \"Names\": [\"a\", \"bc\"], \"None\": [],"
                   "\"Parameters\": {\"Depth\": 3, \"Inner\": {\"X\": 1}}}"};
static vs_config g_cfg;
static vs_sim *g_sim;

static void setup(void)
{
    g_cfg = (vs_config){.name = "registry-test",
                        .seed = 1,
                        .topology = {2, 1, 1, 1, 1},
                        .plugins = &g_spec,
                        .nplugins = 1,
                        .metrics.histogram_rel_error = 0.01};
    g_sim = vs_sim_new(&g_cfg);
    cr_assert_not_null(g_sim);
    g_sim->kernel = vs_kernel_new(g_sim);
    cr_assert_not_null(g_sim->kernel);
    vs_kernel_bind(g_sim);
    vs_kernel_set_entry_instance(0); /* as in host 0's DriverEntry */
}

static void teardown(void)
{
    vs_kernel_set_entry_instance(UINT32_MAX);
    for (uint32_t i = 0; i < g_sim->ninstances; i++)
        vs_kregistry_unload(g_sim->kernel, i);
    vs_kernel_free(g_sim->kernel);
    g_sim->kernel = NULL;
    vs_kernel_bind(NULL);
    vs_sim_free(g_sim);
}

TestSuite(registry, .init = setup, .fini = teardown);

static UNICODE_STRING ustr(const char16_t *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return (UNICODE_STRING){(USHORT)(n * 2), (USHORT)(n * 2 + 2), (PWCH)s};
}

static NTSTATUS open_key(HANDLE *h, const char16_t *name, HANDLE root)
{
    UNICODE_STRING u = ustr(name);
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &u, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, NULL);
    return ZwOpenKey(h, KEY_READ, &oa);
}

static HANDLE service_key(void)
{
    HANDLE h = NULL;
    cr_assert_eq(open_key(&h, SERVICE u"drv", NULL), STATUS_SUCCESS);
    cr_assert_not_null(h);
    return h;
}

typedef struct answer {
    NTSTATUS status;
    ULONG result;
    union {
        KEY_VALUE_PARTIAL_INFORMATION info;
        UCHAR bytes[256];
    } u;
} answer;

static answer query(HANDLE h, const char16_t *value, ULONG length)
{
    answer a;
    memset(&a, 0xAB, sizeof a);
    UNICODE_STRING u = ustr(value);
    a.status = ZwQueryValueKey(h, &u, KeyValuePartialInformation, &a.u, length, &a.result);
    return a;
}

#define HEADER offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data)

static ULONG dword_of(const answer *a)
{
    ULONG v;
    memcpy(&v, a->u.info.Data, 4);
    return v;
}

Test(registry, integers_are_dwords_and_qwords_beyond)
{
    HANDLE h = service_key();
    answer a = query(h, u"Count", sizeof a.u);
    cr_assert_eq(a.status, STATUS_SUCCESS);
    cr_assert_eq(a.u.info.Type, REG_DWORD);
    cr_assert_eq(a.u.info.DataLength, 4);
    cr_assert_eq(a.result, HEADER + 4);
    cr_assert_eq(dword_of(&a), 7);
    a = query(h, u"Max", sizeof a.u);
    cr_assert_eq(a.u.info.Type, REG_DWORD);
    cr_assert_eq(dword_of(&a), 0xffffffffu);
    a = query(h, u"Neg", sizeof a.u); /* a LONG's two's complement */
    cr_assert_eq(a.u.info.Type, REG_DWORD);
    cr_assert_eq(dword_of(&a), 0xfffffffeu);
    a = query(h, u"Big", sizeof a.u);
    cr_assert_eq(a.u.info.Type, REG_QWORD);
    cr_assert_eq(a.u.info.DataLength, 8);
    ULONGLONG q;
    memcpy(&q, a.u.info.Data, 8);
    cr_assert_eq(q, 4294967296ull);
    cr_assert_eq(ZwClose(h), STATUS_SUCCESS);
}

Test(registry, booleans_are_dwords)
{
    HANDLE h = service_key();
    answer a = query(h, u"On", sizeof a.u);
    cr_assert_eq(a.u.info.Type, REG_DWORD);
    cr_assert_eq(dword_of(&a), 1);
    a = query(h, u"Off", sizeof a.u);
    cr_assert_eq(dword_of(&a), 0);
    ZwClose(h);
}

Test(registry, strings_are_utf16_with_their_nul)
{
    HANDLE h = service_key();
    answer a = query(h, u"Label", sizeof a.u);
    static const char16_t want[] = u"h\u00e9\U0001F600"; /* a surrogate pair, and the NUL */
    cr_assert_eq(a.status, STATUS_SUCCESS);
    cr_assert_eq(a.u.info.Type, REG_SZ);
    cr_assert_eq(a.u.info.DataLength, sizeof want, "%u", a.u.info.DataLength);
    cr_assert_eq(memcmp(a.u.info.Data, want, sizeof want), 0);
    a = query(h, u"Ratio", sizeof a.u); /* a real: its shortest JSON text */
    cr_assert_eq(a.u.info.Type, REG_SZ);
    cr_assert_eq(memcmp(a.u.info.Data, u"0.1", sizeof u"0.1"), 0);
    ZwClose(h);
}

Test(registry, arrays_of_strings_are_multi_sz)
{
    HANDLE h = service_key();
    answer a = query(h, u"Names", sizeof a.u);
    static const char16_t want[] = u"a\0bc\0"; /* and the array's literal NUL: the list's end */
    cr_assert_eq(a.u.info.Type, REG_MULTI_SZ);
    cr_assert_eq(a.u.info.DataLength, sizeof want);
    cr_assert_eq(memcmp(a.u.info.Data, want, sizeof want), 0);
    a = query(h, u"None", sizeof a.u);
    cr_assert_eq(a.u.info.Type, REG_MULTI_SZ);
    cr_assert_eq(a.u.info.DataLength, 2);
    ZwClose(h);
}

Test(registry, short_buffers_say_the_size_needed)
{
    HANDLE h = service_key();
    answer a = query(h, u"Count", HEADER - 1); /* not even the header: nothing written */
    cr_assert_eq(a.status, STATUS_BUFFER_TOO_SMALL);
    cr_assert_eq(a.result, HEADER + 4);
    cr_assert_eq(a.u.bytes[0], 0xAB);
    a = query(h, u"Count", 0);
    cr_assert_eq(a.status, STATUS_BUFFER_TOO_SMALL);
    cr_assert_eq(a.result, HEADER + 4);
    a = query(h, u"Count", HEADER + 2); /* the header and part of the data */
    cr_assert_eq(a.status, STATUS_BUFFER_OVERFLOW);
    cr_assert_eq(a.result, HEADER + 4);
    cr_assert_eq(a.u.info.Type, REG_DWORD);
    cr_assert_eq(a.u.info.DataLength, 4);
    cr_assert_eq(a.u.info.Data[0], 7);
    cr_assert_eq(a.u.bytes[HEADER + 2], 0xAB, "wrote past Length");
    a = query(h, u"Count", HEADER + 4); /* exactly enough */
    cr_assert_eq(a.status, STATUS_SUCCESS);
    ZwClose(h);
}

Test(registry, unknown_values_and_keys_are_not_found)
{
    HANDLE h = service_key(), k;
    cr_assert_eq(query(h, u"Nothing", sizeof(answer)).status, STATUS_OBJECT_NAME_NOT_FOUND);
    cr_assert_eq(query(h, u"Parameters", sizeof(answer)).status, STATUS_OBJECT_NAME_NOT_FOUND,
                 "a subkey is not a value");
    cr_assert_eq(open_key(&k, SERVICE u"other", NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    cr_assert_eq(open_key(&k, SERVICE u"drv\\Missing", NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    cr_assert_eq(open_key(&k, SERVICE u"drvx", NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    cr_assert_eq(open_key(&k, u"Count", h), STATUS_OBJECT_NAME_NOT_FOUND, "a value, not a key");
    ZwClose(h);
}

Test(registry, subkeys_open_by_absolute_and_relative_name)
{
    HANDLE h = service_key(), p, inner, abs;
    cr_assert_eq(open_key(&p, u"Parameters", h), STATUS_SUCCESS);
    answer a = query(p, u"Depth", sizeof a.u);
    cr_assert_eq(a.status, STATUS_SUCCESS);
    cr_assert_eq(dword_of(&a), 3);
    cr_assert_eq(open_key(&inner, u"Inner", p), STATUS_SUCCESS);
    a = query(inner, u"X", sizeof a.u);
    cr_assert_eq(dword_of(&a), 1);
    cr_assert_eq(open_key(&abs, SERVICE u"drv\\Parameters\\Inner", NULL), STATUS_SUCCESS);
    cr_assert_eq(query(abs, u"X", sizeof a.u).status, STATUS_SUCCESS);
    cr_assert_eq(open_key(&abs, SERVICE u"drv\\Parameters\\", NULL), STATUS_OBJECT_NAME_NOT_FOUND);
    ZwClose(inner);
    ZwClose(p);
    ZwClose(h);
    ZwClose(abs);
}

Test(registry, names_match_without_case)
{
    HANDLE h, p;
    cr_assert_eq(
        open_key(&h, u"\\REGISTRY\\machine\\SYSTEM\\currentcontrolset\\services\\DRV", NULL),
        STATUS_SUCCESS);
    cr_assert_eq(open_key(&p, u"pArAmEtErS", h), STATUS_SUCCESS);
    cr_assert_eq(query(p, u"DEPTH", sizeof(answer)).status, STATUS_SUCCESS);
    cr_assert_eq(query(h, u"count", sizeof(answer)).status, STATUS_SUCCESS);
    ZwClose(p);
    ZwClose(h);
}

Test(registry, handles_are_the_drivers_own)
{
    HANDLE h = service_key();
    cr_assert_eq(ZwClose(h), STATUS_SUCCESS);
    cr_assert_eq(ZwClose(h), STATUS_INVALID_HANDLE, "closed twice");
    cr_assert_eq(query(h, u"Count", sizeof(answer)).status, STATUS_INVALID_HANDLE);
    cr_assert_eq(ZwClose((HANDLE)(uintptr_t)0x1234), STATUS_INVALID_HANDLE);
    h = service_key();
    vs_kernel_set_entry_instance(1); /* host 1's driver: host 0's handle is nothing to it */
    cr_assert_eq(query(h, u"Count", sizeof(answer)).status, STATUS_INVALID_HANDLE);
    cr_assert_eq(ZwClose(h), STATUS_INVALID_HANDLE);
    vs_kernel_set_entry_instance(0);
    cr_assert_eq(ZwClose(h), STATUS_SUCCESS);
}

Test(registry, other_information_classes_are_not_supported)
{
    HANDLE h = service_key();
    UNICODE_STRING u = ustr(u"Count");
    ULONG got;
    UCHAR buf[64];
    cr_assert_eq(ZwQueryValueKey(h, &u, KeyValueFullInformation, buf, sizeof buf, &got),
                 STATUS_NOT_SUPPORTED);
    cr_assert_eq(ZwQueryValueKey(h, &u, (KEY_VALUE_INFORMATION_CLASS)9, buf, sizeof buf, &got),
                 STATUS_INVALID_PARAMETER);
    ZwClose(h);
}

Test(registry, keys_open_at_unload_are_leaked_handles)
{
    HANDLE h = service_key(), p;
    cr_assert_eq(open_key(&p, u"Parameters", h), STATUS_SUCCESS);
    ZwClose(h);
    vs_kregistry_unload(g_sim->kernel, 0);
    const vs_violations *v = &g_sim->stats.violations;
    cr_assert_eq(v->by_rule[VS_RULE_LEAKED_HANDLE], 1);
    cr_assert_eq(v->total, 1);
    cr_assert(strstr(v->kept[0].detail, "\\Services\\drv\\Parameters\" still open"), "%s",
              v->kept[0].detail);
    cr_assert_eq(ZwClose(p), STATUS_INVALID_HANDLE, "freed at unload");
}

Test(registry, outside_any_driver_nothing_is_open)
{
    vs_kernel_set_entry_instance(UINT32_MAX); /* no callout code runs */
    HANDLE h;
    cr_assert_eq(open_key(&h, SERVICE u"drv", NULL), STATUS_INVALID_DEVICE_STATE);
}
