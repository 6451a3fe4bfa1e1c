/*
 * initguid.h: after this, DEFINE_GUID defines the GUID instead of declaring it, as in
 * the WDK: include it (after <ntddk.h> or before) in the one file that owns the GUIDs.
 */
#define INITGUID
#include "ntdef.h"
#undef DEFINE_GUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    VSWITCHSIM_GUID_LINKAGE const GUID DECLSPEC_SELECTANY name =      \
        {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
