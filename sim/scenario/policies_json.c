/*
 * policies_json.c: the scenario's "policies" (the custom port properties every VM port
 * carries: NDIS_SWITCH_PORT_PROPERTY_CUSTOM) and "policy_changes" (their updates and
 * deletes during the run). A policy's PropertyId is a plugin's provider GUID, named by the
 * plugin's instance name, or a GUID written out; its bytes are hex or a pattern.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_POLICIES 64
#define MAX_POLICY_CHANGES 100000
#define MAX_POLICY_BYTES 65535

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The 2n hex digits at s into n bytes; false at anything that is not a hex digit. The
 * caller has checked that s has them (a NUL is not a digit, so it stops there). */
static bool hex_to_bytes(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(s[2 * i]);
        int lo = hi < 0 ? -1 : nibble(s[2 * i + 1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", braces optional, into a GUID's memory layout:
 * Data1 (32 bits), Data2 and Data3 (16 bits) little-endian, then Data4's 8 bytes in the
 * order written. That is how a plugin's GUID constant compares with memcmp. */
static bool parse_guid(const char *s, uint8_t guid[16])
{
    static const uint8_t from[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    size_t n = strlen(s);
    uint8_t written[16];
    if (n == 38 && s[0] == '{' && s[37] == '}') {
        s++;
        n = 36;
    }
    if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' ||
        !hex_to_bytes(s, 4, written) || !hex_to_bytes(s + 9, 2, written + 4) ||
        !hex_to_bytes(s + 14, 2, written + 6) || !hex_to_bytes(s + 19, 2, written + 8) ||
        !hex_to_bytes(s + 24, 6, written + 10))
        return false;
    for (size_t i = 0; i < 16; i++)
        guid[i] = written[from[i]];
    return true;
}

/* "data": hex digits, two a byte, into a fresh buffer (never NULL, even for 0 bytes). */
static int parse_hex(vs__sc *sc, const json_t *v, uint8_t **data, uint32_t *len)
{
    size_t old = vs__sc_push_key(sc, "data");
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s)
        return vs__sc_fail(sc, v, "expected a string of hex digits, two a byte");
    if (n > 2 * (size_t)MAX_POLICY_BYTES)
        return vs__sc_fail(sc, v, "expected at most %d bytes (%d hex digits)", MAX_POLICY_BYTES,
                           2 * MAX_POLICY_BYTES);
    size_t bad = 0;
    while (bad < n && nibble(s[bad]) >= 0)
        bad++;
    if (bad < n)
        return vs__sc_fail(sc, v,
                           "expected a string of hex digits, two a byte (character %zu "
                           "is not one)",
                           bad);
    if (n % 2)
        return vs__sc_fail(sc, v,
                           "expected an even number of hex digits, two a byte (this has "
                           "%zu)",
                           n);
    if (!(*data = malloc(n ? n / 2 : 1)))
        return vs__sc_oom(sc);
    hex_to_bytes(s, n / 2, *data);
    *len = (uint32_t)(n / 2);
    vs__sc_pop(sc, old);
    return 0;
}

/* "data" or "size" into *data and *len; neither leaves *data NULL. "size" fills that many
 * bytes with a pattern, byte i = (i * 31 + seed) & 0xff, seed the policy's index. Given
 * bytes are never NULL, even 0 of them, so that a change's "bytes unchanged" (NULL) stays
 * apart from "0 bytes". */
static int parse_bytes(vs__sc *sc, const json_t *obj, uint32_t seed, uint8_t **data, uint32_t *len)
{
    const json_t *hex = json_object_get(obj, "data");
    int64_t size = -1;
    if (hex)
        return vs__sc_absent(sc, obj, "size",
                             "not with \"data\" (give the bytes or how many, "
                             "not both)") < 0
                   ? -1
                   : parse_hex(sc, hex, data, len);
    if (vs__sc_int(sc, obj, "size", false, 0, MAX_POLICY_BYTES, &size) < 0)
        return -1;
    if (size < 0)
        return 0;
    if (!(*data = malloc(size ? (size_t)size : 1)))
        return vs__sc_oom(sc);
    for (int64_t i = 0; i < size; i++)
        (*data)[i] = (uint8_t)((i * 31 + seed) & 0xff);
    *len = (uint32_t)size;
    return 0;
}

/* "plugin" or "guid", exactly one: whose PropertyId the policy carries. */
static int parse_property_id(vs__sc *sc, const json_t *entry, vs_policy *p)
{
    const json_t *guid = json_object_get(entry, "guid");
    if (json_object_get(entry, "plugin"))
        return vs__sc_absent(sc, entry, "guid",
                             "not with \"plugin\" (the PropertyId is that "
                             "plugin's provider GUID: give one of the two)") < 0
                   ? -1
                   : vs__sc_string(sc, entry, "plugin", NULL, VS__SC_STRING_MAX, &p->plugin);
    if (!guid)
        return vs__sc_fail(sc, entry, "expected \"plugin\" or \"guid\": the PropertyId");
    size_t old = vs__sc_push_key(sc, "guid");
    const char *s = json_string_value(guid);
    if (!s || !parse_guid(s, p->guid))
        return vs__sc_fail(sc, guid,
                           "expected a GUID \"{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}\" "
                           "(hex digits, braces optional)");
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_policy(vs__sc *sc, const json_t *entry, uint32_t index, vs_policy *p)
{
    static const char *const keys[] = {"plugin", "guid", "version", "data", "size", NULL};
    uint32_t version = 1;
    if (!json_is_object(entry))
        return vs__sc_fail(sc, entry, "expected an object");
    if (vs__sc_check_keys(sc, entry, keys) < 0 || parse_property_id(sc, entry, p) < 0 ||
        vs__sc_u32(sc, entry, "version", false, 0, UINT16_MAX, &version) < 0 ||
        parse_bytes(sc, entry, index, &p->data, &p->len) < 0)
        return -1;
    p->version = (uint16_t)version;
    return 0;
}

int vs__sc_policies(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *arr = json_object_get(root, "policies");
    if (!arr)
        return 0;
    size_t old = vs__sc_push_key(sc, "policies");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n > MAX_POLICIES)
        return vs__sc_fail(sc, arr, "expected an array of 0..%d policies", MAX_POLICIES);
    cfg->policies = n ? calloc(n, sizeof *cfg->policies) : NULL;
    if (n && !cfg->policies)
        return vs__sc_oom(sc);
    cfg->npolicies = n;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_policy(sc, json_array_get(arr, i), (uint32_t)i, &cfg->policies[i]) < 0)
            return -1;
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}

/* One change; which policy, VM and time it names is checked in vs__sc_check_policies. */
static int parse_change(vs__sc *sc, const json_t *entry, vs_policy_change *c)
{
    static const char *const keys[] = {"at", "op", "policy", "vm", "data", "size", NULL};
    static const char *const ops[] = {"update", "delete", NULL};
    int op;
    int64_t vm = UINT32_MAX;
    if (!json_is_object(entry))
        return vs__sc_fail(sc, entry, "expected an object");
    if (vs__sc_check_keys(sc, entry, keys) < 0 ||
        vs__sc_duration(sc, entry, "at", true, NULL, 0, &c->at) < 0 ||
        vs__sc_enum(sc, entry, "op", ops, -1, &op) < 0 ||
        vs__sc_u32(sc, entry, "policy", true, 0, MAX_POLICIES - 1, &c->policy) < 0 ||
        vs__sc_int(sc, entry, "vm", false, 0, UINT32_MAX - 1, &vm) < 0)
        return -1;
    c->op = (vs_policy_op)op;
    c->vm = (uint32_t)vm; /* UINT32_MAX when absent: every VM */
    if (c->op == VS_POLICY_UPDATE)
        return parse_bytes(sc, entry, c->policy, &c->data, &c->len);
    static const char only_update[] = "only with op \"update\" (op is \"delete\")";
    return vs__sc_absent(sc, entry, "data", "%s", only_update) < 0 ||
                   vs__sc_absent(sc, entry, "size", "%s", only_update) < 0
               ? -1
               : 0;
}

int vs__sc_policy_changes(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    const json_t *arr = json_object_get(root, "policy_changes");
    if (!arr)
        return 0;
    size_t old = vs__sc_push_key(sc, "policy_changes");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n > MAX_POLICY_CHANGES)
        return vs__sc_fail(sc, arr, "expected an array of 0..%d policy changes",
                           MAX_POLICY_CHANGES);
    cfg->policy_changes = n ? calloc(n, sizeof *cfg->policy_changes) : NULL;
    if (n && !cfg->policy_changes)
        return vs__sc_oom(sc);
    cfg->npolicy_changes = n;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_change(sc, json_array_get(arr, i), &cfg->policy_changes[i]) < 0)
            return -1;
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}

/* "\"a\", \"b\"" for the plugins' names, cut with "..." past the buffer; "none" if none. */
static void plugin_names(const vs_config *cfg, char *buf, size_t size)
{
    size_t len = 0;
    snprintf(buf, size, "it has none");
    for (size_t i = 0; i < cfg->nplugins && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s\"%s\"", i ? ", " : "",
                                cfg->plugins[i].name);
    if (len >= size && size > 4)
        strcpy(buf + size - 4, "...");
}

static int check_policy_plugins(vs__sc *sc, const json_t *root, const vs_config *cfg)
{
    for (size_t i = 0; i < cfg->npolicies; i++) {
        const char *name = cfg->policies[i].plugin;
        bool found = !name;
        for (size_t p = 0; p < cfg->nplugins && !found; p++)
            found = strcmp(cfg->plugins[p].name, name) == 0;
        if (found)
            continue;
        char list[256];
        plugin_names(cfg, list, sizeof list);
        return vs__sc_fail(sc, vs__sc_at_item(sc, root, "policies", i, "plugin"),
                           "expected the name of a plugin in $.plugins (%s)", list);
    }
    return 0;
}

static int check_change(vs__sc *sc, const json_t *root, const vs_config *cfg, size_t i)
{
    const vs_policy_change *c = &cfg->policy_changes[i];
    uint64_t nvms = (uint64_t)cfg->topology.hosts * cfg->topology.vms_per_host;
    if (c->at >= cfg->run.duration)
        return vs__sc_fail(sc, vs__sc_at_item(sc, root, "policy_changes", i, "at"),
                           "expected a time before run.duration (%.9g s)",
                           (double)cfg->run.duration / 1e9);
    if (c->policy >= cfg->npolicies)
        return vs__sc_fail(sc, vs__sc_at_item(sc, root, "policy_changes", i, "policy"),
                           "expected a policy index below the number of $.policies (%zu)",
                           cfg->npolicies);
    if (c->vm != UINT32_MAX && c->vm >= nvms)
        return vs__sc_fail(sc, vs__sc_at_item(sc, root, "policy_changes", i, "vm"),
                           "expected a VM index below topology.hosts * vms_per_host (%llu)",
                           (unsigned long long)nvms);
    return 0;
}

int vs__sc_check_policies(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    if (check_policy_plugins(sc, root, cfg) < 0)
        return -1;
    for (size_t i = 0; i < cfg->npolicy_changes; i++)
        if (check_change(sc, root, cfg, i) < 0)
            return -1;
    return vs__sc_sort_by_time(sc, cfg->policy_changes, cfg->npolicy_changes,
                               sizeof *cfg->policy_changes, offsetof(vs_policy_change, at));
}
