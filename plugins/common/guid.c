/* guid.c: FNV-1a hashing, per-instance provider GUIDs and checked array allocation. */
#include <stdint.h>
#include <string.h>

#include "vsp.h"

UINT64 vsp_fnv1a64(UINT64 hash, const void *data, size_t length)
{
    const UCHAR *p = data;

    for (size_t i = 0; i < length; i++) {
        hash ^= p[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

/* The same step over little-endian 64-bit words, then the tail bytes: eight times fewer
 * multiplies for long blobs. Each step is a bijection of the state, so a change to any one
 * word (every single-bit flip among them) always changes the result. */
UINT64 vsp_fnv1a64_words(UINT64 hash, const void *data, size_t length)
{
    const UCHAR *p = data;
    size_t i = 0;

    for (; i + 8 <= length; i += 8) {
        UINT64 w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        memcpy(&w, p + i, 8);
#else
        w = 0;
        for (int b = 0; b < 8; b++)
            w |= (UINT64)p[i + b] << (8 * b);
#endif
        hash = (hash ^ w) * 0x100000001b3ull;
    }
    return vsp_fnv1a64(hash, p + i, length - i);
}

/* splitmix64's finalizer: spreads the name hash over the bits of the second half. */
static UINT64 mix64(UINT64 x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void vsp_provider_guid(const GUID *pluginBase, const char *instanceName, GUID *out)
{
    const char *name = instanceName != NULL ? instanceName : "";
    UINT64 lo = vsp_fnv1a64(VSP_FNV1A64_INIT, name, strlen(name));
    UINT64 hi = mix64(lo);

    *out = *pluginBase;
    out->Data1 ^= (uint32_t)lo;
    out->Data2 ^= (uint16_t)(lo >> 32);
    out->Data3 ^= (uint16_t)(lo >> 48);
    for (int i = 0; i < 8; i++)
        out->Data4[i] ^= (uint8_t)(hi >> (8 * i));
}

void *vsp_alloc_array(const VSWITCHSIM_HOST *host, size_t n, size_t size, ULONG tag)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return host->AllocateWithTag(host, (SIZE_T)(n * size), tag);
}
