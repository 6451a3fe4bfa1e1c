/*
 * vsp.h: helpers shared by the example callout plugins (null, pending, flowtable,
 * threaded), and by nothing else: provider GUIDs and per-(switch, port) maps on tagged
 * memory. Params come from the host table's getters (<vswitchsim/plugin.h>). The SDK does
 * not depend on it; an out-of-tree callout needs only <vswitchsim/fwps.h> and
 * <vswitchsim/plugin.h>.
 */
#ifndef VSP_H
#define VSP_H

#include <stdbool.h>
#include <stddef.h>

#include <vswitchsim/fwps.h>
#include <vswitchsim/plugin.h>

/* ---- Hashing and provider GUIDs ------------------------------------------------- */

#define VSP_FNV1A64_INIT 0xcbf29ce484222325ull

/* FNV-1a, 64-bit: start with VSP_FNV1A64_INIT, feed any number of pieces. */
UINT64 vsp_fnv1a64(UINT64 hash, const void *data, size_t length);
UINT64 vsp_fnv1a64_words(UINT64 hash, const void *data, size_t length);

/* The provider GUID of one plugin instance: the plugin's own constant XOR a hash of the
 * scenario's instance name. Every host gets the same GUID for the same instance (a
 * restore elsewhere finds its callout); two instances of one .so under different names
 * get different GUIDs. */
void vsp_provider_guid(const GUID *pluginBase, const char *instanceName, GUID *out);

/* ---- Tagged memory ----------------------------------------------------------------- */

/* n * size zeroed bytes from host->AllocateWithTag; NULL on overflow or out of memory. */
void *vsp_alloc_array(const VSWITCHSIM_HOST *host, size_t n, size_t size, ULONG tag);

/* ---- Switches and per-port maps ------------------------------------------------------- */

/* Switches are told apart by the contents of vSwitch->SwitchName; each distinct name
 * gets a small index for the life of the instance. */
typedef struct vsp_switches {
    const VSWITCHSIM_HOST *host;
    ULONG tag;
    NDIS_SWITCH_NAME *names;
    UINT32 count, capacity;
} vsp_switches;

void vsp_switches_init(vsp_switches *s, const VSWITCHSIM_HOST *host, ULONG tag);
void vsp_switches_close(vsp_switches *s);
/* The index of vSwitch's name, adding it if new. */
NTSTATUS vsp_switches_intern(vsp_switches *s, const NDIS_SWITCH_PARAMETERS *vSwitch, UINT32 *index);
/* The index of vSwitch's name; false if it was never interned. */
bool vsp_switches_find(const vsp_switches *s, const NDIS_SWITCH_PARAMETERS *vSwitch, UINT32 *index);

/* An open-addressing map from a 64-bit key to a non-NULL pointer, on tagged memory. The
 * map owns none of the values. */
typedef struct vsp_map {
    const VSWITCHSIM_HOST *host;
    ULONG tag;
    UINT64 *keys;
    void **values; /* NULL marks an empty slot */
    size_t capacity, count;
} vsp_map;

static inline UINT64 vsp_port_key(UINT32 switchIndex, NDIS_SWITCH_PORT_ID portId)
{
    return ((UINT64)switchIndex << 32) | portId;
}

void vsp_map_init(vsp_map *m, const VSWITCHSIM_HOST *host, ULONG tag);
void vsp_map_close(vsp_map *m); /* frees the map, not the values */
void *vsp_map_get(const vsp_map *m, UINT64 key);
/* Sets key to value (non-NULL). *previous gets the value it replaces, or NULL. */
NTSTATUS vsp_map_put(vsp_map *m, UINT64 key, void *value, void **previous);
void *vsp_map_remove(vsp_map *m, UINT64 key); /* the removed value, or NULL */
/* Iterates: start with *cursor = 0; returns false at the end. Removing the entry just
 * returned is not allowed during iteration; collect keys first. */
bool vsp_map_next(const vsp_map *m, size_t *cursor, UINT64 *key, void **value);

#endif /* VSP_H */
