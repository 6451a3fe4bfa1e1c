/* portmap.c: switch names to small indexes, and a 64-bit-keyed map for per-port state. */
#include <string.h>

#include "vsp.h"

/* ---- Switches ---------------------------------------------------------------------- */

void vsp_switches_init(vsp_switches *s, const VSWITCHSIM_HOST *host, ULONG tag)
{
    memset(s, 0, sizeof(*s));
    s->host = host;
    s->tag = tag;
}

void vsp_switches_close(vsp_switches *s)
{
    if (s->names != NULL)
        s->host->FreeWithTag(s->host, s->names, s->tag);
    s->names = NULL;
    s->count = s->capacity = 0;
}

/* Length is in bytes and is the caller's: clamp it to the array it describes. */
static USHORT name_length(const NDIS_SWITCH_NAME *name)
{
    USHORT max = (USHORT)sizeof(name->String);

    return name->Length < max ? name->Length : max;
}

static bool name_equal(const NDIS_SWITCH_NAME *a, const NDIS_SWITCH_NAME *b)
{
    USHORT length = name_length(a);

    return length == name_length(b) && memcmp(a->String, b->String, length) == 0;
}

bool vsp_switches_find(const vsp_switches *s, const NDIS_SWITCH_PARAMETERS *vSwitch, UINT32 *index)
{
    for (UINT32 i = 0; i < s->count; i++) {
        if (name_equal(&s->names[i], &vSwitch->SwitchName)) {
            *index = i;
            return true;
        }
    }
    return false;
}

NTSTATUS vsp_switches_intern(vsp_switches *s, const NDIS_SWITCH_PARAMETERS *vSwitch, UINT32 *index)
{
    if (vsp_switches_find(s, vSwitch, index))
        return STATUS_SUCCESS;
    if (s->count == s->capacity) {
        UINT32 capacity = s->capacity != 0 ? 2 * s->capacity : 4;
        NDIS_SWITCH_NAME *names = vsp_alloc_array(s->host, capacity, sizeof(*names), s->tag);

        if (names == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        if (s->names != NULL) {
            memcpy(names, s->names, s->count * sizeof(*names));
            s->host->FreeWithTag(s->host, s->names, s->tag);
        }
        s->names = names;
        s->capacity = capacity;
    }
    NDIS_SWITCH_NAME *name = &s->names[s->count];
    name->Length = name_length(&vSwitch->SwitchName);
    memcpy(name->String, vSwitch->SwitchName.String, name->Length);
    *index = s->count++;
    return STATUS_SUCCESS;
}

/* ---- Map: linear probing with backward-shift deletion (no tombstones) -------------- */

static size_t slot_of(const vsp_map *m, UINT64 key)
{
    /* Fibonacci hashing: port keys are small and dense, so spread them first. */
    return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (m->capacity - 1);
}

void vsp_map_init(vsp_map *m, const VSWITCHSIM_HOST *host, ULONG tag)
{
    memset(m, 0, sizeof(*m));
    m->host = host;
    m->tag = tag;
}

void vsp_map_close(vsp_map *m)
{
    if (m->keys != NULL)
        m->host->FreeWithTag(m->host, m->keys, m->tag);
    if (m->values != NULL)
        m->host->FreeWithTag(m->host, m->values, m->tag);
    m->keys = NULL;
    m->values = NULL;
    m->capacity = m->count = 0;
}

static size_t find_slot(const vsp_map *m, UINT64 key)
{
    size_t i = slot_of(m, key);

    while (m->values[i] != NULL && m->keys[i] != key)
        i = (i + 1) & (m->capacity - 1);
    return i;
}

void *vsp_map_get(const vsp_map *m, UINT64 key)
{
    if (m->count == 0)
        return NULL;
    return m->values[find_slot(m, key)];
}

static NTSTATUS grow(vsp_map *m)
{
    size_t capacity = m->capacity != 0 ? 2 * m->capacity : 16;
    UINT64 *keys = vsp_alloc_array(m->host, capacity, sizeof(*keys), m->tag);
    void **values = vsp_alloc_array(m->host, capacity, sizeof(*values), m->tag);

    if (keys == NULL || values == NULL) {
        if (keys != NULL)
            m->host->FreeWithTag(m->host, keys, m->tag);
        if (values != NULL)
            m->host->FreeWithTag(m->host, values, m->tag);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    vsp_map old = *m;
    m->keys = keys;
    m->values = values;
    m->capacity = capacity;
    for (size_t i = 0; i < old.capacity; i++) {
        if (old.values[i] != NULL) {
            size_t j = find_slot(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->values[j] = old.values[i];
        }
    }
    vsp_map_close(&old);
    return STATUS_SUCCESS;
}

NTSTATUS vsp_map_put(vsp_map *m, UINT64 key, void *value, void **previous)
{
    *previous = NULL;
    /* Keep the load factor at or under one half. */
    if (2 * (m->count + 1) > m->capacity) {
        NTSTATUS status = grow(m);
        if (!NT_SUCCESS(status))
            return status;
    }
    size_t i = find_slot(m, key);
    if (m->values[i] != NULL)
        *previous = m->values[i];
    else
        m->count++;
    m->keys[i] = key;
    m->values[i] = value;
    return STATUS_SUCCESS;
}

void *vsp_map_remove(vsp_map *m, UINT64 key)
{
    if (m->count == 0)
        return NULL;
    size_t mask = m->capacity - 1;
    size_t hole = find_slot(m, key);
    void *removed = m->values[hole];
    if (removed == NULL)
        return NULL;

    /* Shift back every later entry of the run whose home slot does not lie strictly
     * between the hole and itself, so lookups never stop early at the hole. */
    for (size_t i = (hole + 1) & mask; m->values[i] != NULL; i = (i + 1) & mask) {
        size_t home = slot_of(m, m->keys[i]);
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            m->keys[hole] = m->keys[i];
            m->values[hole] = m->values[i];
            hole = i;
        }
    }
    m->values[hole] = NULL;
    m->count--;
    return removed;
}

bool vsp_map_next(const vsp_map *m, size_t *cursor, UINT64 *key, void **value)
{
    for (size_t i = *cursor; i < m->capacity; i++) {
        if (m->values[i] != NULL) {
            *key = m->keys[i];
            *value = m->values[i];
            *cursor = i + 1;
            return true;
        }
    }
    *cursor = m->capacity;
    return false;
}
