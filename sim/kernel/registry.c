/*
 * registry.c: ZwOpenKey, ZwQueryValueKey and ZwClose over a driver's service key,
 * \Registry\Machine\System\CurrentControlSet\Services\<instance name>, whose values are
 * the members of the scenario plugin's "params" object (wdm.h says how each JSON type
 * maps to a registry type) and whose subkeys are its members that are objects.
 *
 * Each driver (an instance: one scenario plugin on one host) has its own copy of the
 * tree, parsed at its first ZwOpenKey, and its own handles: a handle is valid only in the
 * driver that opened it, as a kernel handle of one host means nothing on another.
 * Names match without regard to case, as registry names do on Windows whatever the
 * OBJ_CASE_INSENSITIVE flag says (ASCII letters only: the simulator does not carry the
 * Unicode upcase table).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/grow.h"
#include "kernel/kernel-int.h"

typedef struct vs_kregistry vs_kregistry;

#define SERVICES_PATH "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"

typedef struct open_key {
    json_t *key; /* an object of the tree; NULL: the slot is free */
    char *path;  /* below the service key ("" for itself), for the leak report */
} open_key;

struct vs_kregistry {
    json_t *root; /* the params object */
    open_key *keys;
    size_t nkeys, cap;
};

/* ---- Strings: UTF-16 names in, UTF-8 JSON names, UTF-16 data out -------------------- */

/* A counted UTF-16 string as UTF-8 (malloc'd), surrogate pairs joined; an unpaired
 * surrogate becomes U+FFFD. NULL out of memory. */
static char *utf8_of(const WCHAR *s, size_t n)
{
    char *out = malloc(n * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF)
            c = 0x10000 + ((c - 0xD800) << 10) + (s[++i] - 0xDC00u);
        else if (c >= 0xD800 && c <= 0xDFFF)
            c = 0xFFFD;
        if (c < 0x80) {
            *o++ = (char)c;
        } else if (c < 0x800) {
            *o++ = (char)(0xC0 | c >> 6);
            *o++ = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *o++ = (char)(0xE0 | c >> 12);
            *o++ = (char)(0x80 | (c >> 6 & 0x3F));
            *o++ = (char)(0x80 | (c & 0x3F));
        } else {
            *o++ = (char)(0xF0 | c >> 18);
            *o++ = (char)(0x80 | (c >> 12 & 0x3F));
            *o++ = (char)(0x80 | (c >> 6 & 0x3F));
            *o++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *o = '\0';
    return out;
}

static char *utf8_of_unicode(const UNICODE_STRING *u)
{
    return utf8_of(u->Buffer, u->Buffer ? u->Length / sizeof(WCHAR) : 0);
}

/* Appends UTF-8 text (valid: jansson checked it) as UTF-16LE with its NUL to out, or
 * only counts the bytes when out is NULL. Returns the bytes. */
static size_t put_utf16(const char *s, uint8_t *out)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        uint32_t c = *p;
        int more = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
        c = more == 0 ? c : c & (0x3F >> more);
        for (int i = 1; i <= more; i++)
            c = c << 6 | (p[i] & 0x3Fu);
        p += more + 1;
        uint16_t units[2] = {(uint16_t)c, 0};
        int nunits = 1;
        if (c >= 0x10000) {
            units[0] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
            units[1] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
            nunits = 2;
        }
        for (int i = 0; i < nunits; i++, n += 2)
            if (out) {
                out[n] = (uint8_t)units[i];
                out[n + 1] = (uint8_t)(units[i] >> 8);
            }
        if (c == 0)
            return n;
    }
}

/* ---- Values ---------------------------------------------------------------------------- */

/* A real's shortest text that reads back as the same double (0.1, not 0.1000...01). */
static char *real_text(double v)
{
    char text[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, v);
        if (strtod(text, NULL) == v)
            break;
    }
    return strdup(text);
}

/* The registry form of a JSON value: its type, and its data (malloc'd, *size bytes).
 * Integers are REG_DWORD from 0 to 0xffffffff, and from INT32_MIN as their two's
 * complement (a LONG read back as a DWORD), else REG_QWORD; reals and anything without
 * a registry form (null, an array holding other than strings) are REG_SZ of their JSON
 * text. -1 out of memory. */
static int encode(const json_t *v, ULONG *type, uint8_t **data, size_t *size)
{
    if (json_is_integer(v) || json_is_boolean(v)) {
        long long n = json_is_integer(v) ? json_integer_value(v) : json_is_true(v);
        bool dword = n >= INT32_MIN && n <= (long long)UINT32_MAX;
        *type = dword ? REG_DWORD : REG_QWORD;
        *size = dword ? 4 : 8;
        if (!(*data = malloc(*size)))
            return -1;
        for (size_t i = 0; i < *size; i++)
            (*data)[i] = (uint8_t)((unsigned long long)n >> (8 * i)); /* little-endian */
        return 0;
    }
    if (json_is_array(v)) {
        size_t i, total = 2; /* the list's final NUL */
        json_t *s;
        bool strings = true;
        json_array_foreach(v, i, s)
            if (json_is_string(s))
                total += put_utf16(json_string_value(s), NULL);
            else
                strings = false;
        if (strings) {
            if (!(*data = calloc(1, total)))
                return -1;
            size_t at = 0;
            json_array_foreach(v, i, s)
                at += put_utf16(json_string_value(s), *data + at);
            *type = REG_MULTI_SZ;
            *size = total;
            return 0;
        }
    }
    char *text = json_is_string(v) ? strdup(json_string_value(v))
                 : json_is_real(v) ? real_text(json_real_value(v))
                                   : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!text)
        return -1;
    *type = REG_SZ;
    *size = put_utf16(text, NULL);
    *data = malloc(*size);
    if (*data)
        put_utf16(text, *data);
    free(text);
    return *data ? 0 : -1;
}

/* The member of obj named name, ignoring case: subkeys (objects) or values (the rest). */
static json_t *member(json_t *obj, const char *name, bool subkey)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
        if (strcasecmp(k, name) == 0 && json_is_object(v) == subkey)
            return v;
    return NULL;
}

/* ---- The driver's tree and handles ----------------------------------------------------- */

static vs_kregistry *registry_of(vs_kernel *k, uint32_t instance)
{
    vs_kdriver *d = vs_kdriver_of(k, instance);
    if (!d)
        return NULL;
    if (d->registry)
        return d->registry;
    const vs_plugin_spec *spec = &k->sim->cfg->plugins[k->sim->instances[instance].plugin];
    vs_kregistry *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->root = json_loads(spec->params_json ? spec->params_json : "{}", 0, NULL);
    if (!json_is_object(r->root)) { /* the scenario checked it: out of memory */
        json_decref(r->root);
        free(r);
        return NULL;
    }
    return d->registry = r;
}

static HANDLE handle_of(size_t slot)
{
    return (HANDLE)(uintptr_t)((slot + 1) * 4); /* multiples of 4, as Windows handles */
}

static open_key *key_of(vs_kregistry *r, HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    if (!r || v == 0 || v % 4 != 0 || v / 4 > r->nkeys || !r->keys[v / 4 - 1].key)
        return NULL;
    return &r->keys[v / 4 - 1];
}

/* Walks the components of rest ("A\B", "" for none) down from key. */
static json_t *walk(json_t *key, const char *rest)
{
    while (key && *rest) {
        const char *end = strchr(rest, '\\');
        size_t n = end ? (size_t)(end - rest) : strlen(rest);
        char name[256];
        if (n == 0 || n >= sizeof name || (end && end[1] == '\0'))
            return NULL; /* an empty component: "A\\B", "A\" */
        memcpy(name, rest, n);
        name[n] = '\0';
        key = member(key, name, true);
        rest += n + (end != NULL);
    }
    return key;
}

/* The key an OBJECT_ATTRIBUTES names, with its path below the service key in *path. */
static NTSTATUS find_key(vs_kernel *k, uint32_t instance, vs_kregistry *r,
                         const OBJECT_ATTRIBUTES *oa, json_t **key, char **path)
{
    char *name = utf8_of_unicode(oa->ObjectName);
    if (!name)
        return STATUS_INSUFFICIENT_RESOURCES;
    const char *rest = name;
    const char *base = "";
    json_t *from = r->root;
    if (oa->RootDirectory) {
        open_key *root = key_of(r, oa->RootDirectory);
        if (!root)
            return free(name), STATUS_INVALID_HANDLE;
        from = root->key;
        base = root->path;
    } else {
        const char *service = k->sim->cfg->plugins[k->sim->instances[instance].plugin].name;
        size_t sp = strlen(SERVICES_PATH), sn = strlen(service);
        if (strncasecmp(name, SERVICES_PATH, sp) != 0 || strncasecmp(name + sp, service, sn) != 0 ||
            (name[sp + sn] != '\0' && name[sp + sn] != '\\'))
            return free(name), STATUS_OBJECT_NAME_NOT_FOUND; /* only the driver's key is here */
        rest = name + sp + sn + (name[sp + sn] == '\\');
    }
    *key = walk(from, rest);
    size_t n = strlen(base) + strlen(rest) + 2;
    *path = *key ? malloc(n) : NULL;
    if (*path)
        snprintf(*path, n, "%s%s%s", base, *base && *rest ? "\\" : "", rest);
    free(name);
    if (!*key)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    return *path ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS add_handle(vs_kregistry *r, json_t *key, char *path, HANDLE *out)
{
    size_t slot = 0;
    while (slot < r->nkeys && r->keys[slot].key)
        slot++;
    if (slot == r->nkeys && VS_GROW(r->keys, r->cap, r->nkeys + 1) != 0)
        return free(path), STATUS_INSUFFICIENT_RESOURCES;
    if (slot == r->nkeys)
        r->nkeys++;
    r->keys[slot] = (open_key){key, path};
    *out = handle_of(slot);
    return STATUS_SUCCESS;
}

/* ---- The exported routines: PASSIVE_LEVEL, as their WDK pages say (irql_too_high) ---- */

/* ZwOpenKey (learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwopenkey): an
 * absolute name under the driver's service key, or one relative to RootDirectory. */
VSWITCHSIM_KAPI NTSTATUS ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                   POBJECT_ATTRIBUTES ObjectAttributes)
{
    (void)DesiredAccess; /* the driver's own key: every access is granted */
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "ZwOpenKey", PASSIVE_LEVEL); /* reported; the call goes on */
    if (!KeyHandle || !ObjectAttributes || !ObjectAttributes->ObjectName)
        return STATUS_INVALID_PARAMETER;
    vs_kregistry *r = registry_of(k, instance);
    if (!r)
        return vs_sim_out_of_memory(k->sim), STATUS_INSUFFICIENT_RESOURCES;
    json_t *key;
    char *path = NULL;
    NTSTATUS st = find_key(k, instance, r, ObjectAttributes, &key, &path);
    if (st == STATUS_SUCCESS)
        st = add_handle(r, key, path, KeyHandle);
    else
        free(path);
    if (st == STATUS_INSUFFICIENT_RESOURCES)
        vs_sim_out_of_memory(k->sim);
    return st;
}

/* ZwQueryValueKey (learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-
 * zwqueryvaluekey), KeyValuePartialInformation only (the others: STATUS_NOT_SUPPORTED).
 * *ResultLength is always the size the whole answer needs: the header (12 bytes, up to
 * Data) and the data. A buffer shorter than the header: STATUS_BUFFER_TOO_SMALL, nothing
 * written; shorter than the whole: STATUS_BUFFER_OVERFLOW, the header and as much data as
 * fits written. */
VSWITCHSIM_KAPI NTSTATUS ZwQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                                         KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                                         PVOID KeyValueInformation, ULONG Length,
                                         PULONG ResultLength)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "ZwQueryValueKey", PASSIVE_LEVEL);
    open_key *ok = key_of(vs_kdriver_peek(k, instance)->registry, KeyHandle);
    if (!ok)
        return STATUS_INVALID_HANDLE;
    if (KeyValueInformationClass != KeyValuePartialInformation)
        return KeyValueInformationClass > KeyValuePartialInformation ? STATUS_INVALID_PARAMETER
                                                                     : STATUS_NOT_SUPPORTED;
    if (!ValueName || !ResultLength)
        return STATUS_INVALID_PARAMETER;
    char *name = utf8_of_unicode(ValueName);
    if (!name)
        return vs_sim_out_of_memory(k->sim), STATUS_INSUFFICIENT_RESOURCES;
    json_t *v = member(ok->key, name, false);
    free(name);
    if (!v)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    ULONG type;
    uint8_t *data;
    size_t size;
    if (encode(v, &type, &data, &size) != 0)
        return vs_sim_out_of_memory(k->sim), STATUS_INSUFFICIENT_RESOURCES;
    const size_t header = offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data);
    *ResultLength = (ULONG)(header + size);
    NTSTATUS st = STATUS_SUCCESS;
    if (Length < header || !KeyValueInformation) {
        st = STATUS_BUFFER_TOO_SMALL;
    } else {
        KEY_VALUE_PARTIAL_INFORMATION *info = KeyValueInformation;
        info->TitleIndex = 0;
        info->Type = type;
        info->DataLength = (ULONG)size;
        size_t fits = Length - header < size ? Length - header : size;
        memcpy(info->Data, data, fits);
        if (fits < size)
            st = STATUS_BUFFER_OVERFLOW;
    }
    free(data);
    return st;
}

/* ZwClose (learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-zwclose): a key
 * this driver opened. */
VSWITCHSIM_KAPI NTSTATUS ZwClose(HANDLE Handle)
{
    uint32_t instance;
    vs_kernel *k = vs_kernel_caller(&instance);
    if (!k)
        return STATUS_INVALID_DEVICE_STATE;
    vs_kirql_check(k, instance, "ZwClose", PASSIVE_LEVEL);
    open_key *ok = key_of(vs_kdriver_peek(k, instance)->registry, Handle);
    if (!ok)
        return STATUS_INVALID_HANDLE;
    free(ok->path);
    *ok = (open_key){0};
    return STATUS_SUCCESS;
}

void vs_kregistry_free(vs_kernel *k, uint32_t instance)
{
    vs_kregistry *r = vs_kdriver_peek(k, instance)->registry;
    if (!r)
        return;
    for (size_t i = 0; i < r->nkeys; i++)
        free(r->keys[i].path);
    free(r->keys);
    json_decref(r->root);
    free(r);
    vs_kdriver_made(k, instance)->registry = NULL; /* made: it had a registry */
}

void vs_kregistry_unload(vs_kernel *k, uint32_t instance)
{
    vs_kregistry *r = vs_kdriver_peek(k, instance)->registry;
    if (!r)
        return;
    const vs_sim *sim = k->sim;
    const char *service = sim->cfg->plugins[sim->instances[instance].plugin].name;
    for (size_t i = 0; i < r->nkeys; i++)
        if (r->keys[i].key)
            vs_sim_violation(k->sim, VS_RULE_LEAKED_HANDLE, instance,
                             "registry key \"%s%s%s%s\" still open at unload on host %u "
                             "(ZwOpenKey without ZwClose)",
                             SERVICES_PATH, service, *r->keys[i].path ? "\\" : "", r->keys[i].path,
                             sim->instances[instance].host);
    vs_kregistry_free(k, instance);
}
