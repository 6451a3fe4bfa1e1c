/*
 * ntdef.h: the base types and macros of a Windows kernel driver (ntdef.h, wdm.h,
 * guiddef.h), with their Windows x64 widths on LP64 Linux, for driver source that is
 * compiled unchanged against the simulator. The vSwitch API itself and the types it
 * shares with this file (NTSTATUS, ULONG, WCHAR, GUID, UNICODE_STRING...) are in
 * <vswitchsim/fwps.h>; see docs/wdk.md (installed as
 * <prefix>/share/doc/vswitchsim/docs/wdk.md) for what is modelled and how.
 *
 * Wide characters: WCHAR is 16 bits, as on Windows, and a driver's L"..." literals must
 * be too, so driver source is compiled with -fshort-wchar (pkg-config --cflags
 * vswitchsim-wdk, and the CMake target vswitchsim::wdk, add it). Without it an L"..."
 * literal is 32-bit wchar_t and would not match PCWSTR: this header refuses to compile
 * rather than let such strings through.
 */
#ifndef VSWITCHSIM_WDK_NTDEF_H
#define VSWITCHSIM_WDK_NTDEF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <vswitchsim/fwps.h>

#include "sal.h"

#if !defined(VSWITCHSIM_WDK_RUNTIME) && defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ != 2
#error "vswitchsim WDK headers: compile driver source with -fshort-wchar (WCHAR and L\"\" literals are 16-bit on Windows); pkg-config --cflags vswitchsim-wdk adds it"
#endif

/* In driver source (not the simulator's own): MSVC's pragmas (#pragma alloc_text(PAGE,
 * ...), #pragma warning(...), #pragma prefast) are ignored, as MSVC ignores pragmas it does
 * not know, where -Wall -Werror would refuse them; and pool tags written as
 * multi-character constants ('gaT1'), to which GCC and Clang give MSVC's value (the first
 * character in the high byte), compile without -Wmultichar's warning. */
#if !defined(VSWITCHSIM_WDK_RUNTIME)
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#pragma GCC diagnostic ignored "-Wmultichar"
#endif

#ifdef __cplusplus
#define EXTERN_C extern "C"
#else
#define EXTERN_C extern
#endif

/* ---- Compiler words of MSVC that driver source uses --------------------------- */

#define __int64 long long
#define __int32 int
#define __int16 short
#define __int8 char
#define __forceinline static inline __attribute__((always_inline))
#define FORCEINLINE __forceinline
#define DECLSPEC_NOINLINE __attribute__((noinline))
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define DECLSPEC_SELECTANY __attribute__((weak))
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(64)
#define __declspec(x)
#define __cdecl
#define __stdcall
#define __fastcall
#define NTSYSAPI
#define NTSYSCALLAPI
#define NTKERNELAPI
#define NTHALAPI
#define NDIS_API
#define CONST const
#define C_ASSERT(e) _Static_assert(e, #e)
#define ANYSIZE_ARRAY 1
#define UNALIGNED
#define RESTRICTED_POINTER

/* ---- Base types (Windows x64 widths) ------------------------------------------- */

typedef char CHAR, CCHAR;
typedef int16_t SHORT, CSHORT;
typedef int32_t INT, INT32;
typedef uint32_t UINT, DWORD;
typedef int8_t INT8;
typedef uint8_t UINT8, BYTE;
typedef int16_t INT16;
typedef uint16_t UINT16, WORD;
typedef int64_t LONGLONG, LONG64, INT64;
typedef uint64_t ULONGLONG, DWORD64;
typedef intptr_t LONG_PTR, INT_PTR, SSIZE_T;
typedef uintptr_t ULONG_PTR, UINT_PTR, DWORD_PTR, KAFFINITY;
typedef ULONG LOGICAL, *PLOGICAL;
typedef ULONG ACCESS_MASK, *PACCESS_MASK;

typedef void *PVOID, *LPVOID;
typedef const void *PCVOID, *LPCVOID;
typedef PVOID HANDLE, *PHANDLE;
typedef CHAR *PCHAR, *PSTR, *LPSTR, *PSZ;
typedef const CHAR *PCSTR, *LPCSTR, *PCSZ;
typedef UCHAR *PUCHAR, *PBYTE;
typedef BOOLEAN *PBOOLEAN;
typedef SHORT *PSHORT;
typedef USHORT *PUSHORT;
typedef INT *PINT;
typedef UINT *PUINT;
typedef LONG *PLONG;
typedef ULONG *PULONG, *PDWORD;
typedef LONGLONG *PLONGLONG, *PLONG64;
typedef ULONGLONG *PULONGLONG;
typedef ULONG64 *PULONG64;
typedef UINT32 *PUINT32;
typedef UINT64 *PUINT64;
typedef ULONG_PTR *PULONG_PTR;
typedef SIZE_T *PSIZE_T;
typedef WCHAR *PWCHAR, *PWSTR, *LPWSTR, *PWCH;
typedef const WCHAR *PCWSTR, *LPCWSTR, *PCWCH;
typedef NTSTATUS *PNTSTATUS;
typedef GUID *PGUID, *LPGUID;
typedef const GUID *LPCGUID, *PCGUID;
#ifndef __cplusplus
typedef const GUID *REFGUID;
#endif

#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXUCHAR 0xff
#define MAXUSHORT 0xffff
#define MAXULONG 0xffffffff
#define MAXLONGLONG ((LONGLONG)0x7fffffffffffffffLL)
#define MAXULONG64 ((ULONG64)~((ULONG64)0))
#define MAXSIZE_T ((SIZE_T)~((SIZE_T)0))
#define MAXULONG_PTR (~((ULONG_PTR)0))

#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif

/* LARGE_INTEGER: 64 bits, as two halves or one QuadPart (ntdef.h). */
typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        ULONG LowPart;
        ULONG HighPart;
    };
    struct {
        ULONG LowPart;
        ULONG HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* ---- Status helpers (ntdef.h) -------------------------------------------------- */

#define NT_INFORMATION(Status) ((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status) ((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status) ((((ULONG)(Status)) >> 30) == 3)

#define STATUS_WAIT_0 ((NTSTATUS)0x00000000L)
#define STATUS_ALERTED ((NTSTATUS)0x00000101L)
#define STATUS_TIMEOUT ((NTSTATUS)0x00000102L)
#define STATUS_MORE_ENTRIES ((NTSTATUS)0x00000105L)
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_HANDLE ((NTSTATUS)0xC0000008L)
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#define STATUS_OBJECT_NAME_COLLISION ((NTSTATUS)0xC0000035L)
#define STATUS_OBJECT_PATH_NOT_FOUND ((NTSTATUS)0xC000003AL)
#define STATUS_INTEGER_OVERFLOW ((NTSTATUS)0xC0000095L)
#define STATUS_OBJECT_TYPE_MISMATCH ((NTSTATUS)0xC0000024L)
#define STATUS_ASSERTION_FAILURE ((NTSTATUS)0xC0000420L)
#define STATUS_CANCELLED ((NTSTATUS)0xC0000120L)
#define STATUS_DEVICE_NOT_READY ((NTSTATUS)0xC00000A3L)

/* ---- Macros every driver uses (ntdef.h, wdm.h) ----------------------------------- */

#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define RTL_NUMBER_OF(A) (sizeof(A) / sizeof((A)[0]))
#define RTL_NUMBER_OF_V1(A) RTL_NUMBER_OF(A)
#define RTL_NUMBER_OF_V2(A) RTL_NUMBER_OF(A)
#define ARRAYSIZE(A) RTL_NUMBER_OF(A)
#define _ARRAYSIZE(A) RTL_NUMBER_OF(A)
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) \
    (FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address) - (ULONG_PTR)(&((type *)0)->field)))
#define ALIGN_DOWN_BY(length, alignment) ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment) - 1))
#define ALIGN_UP_BY(length, alignment) \
    (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment) - 1), alignment))
#define ALIGN_DOWN_POINTER_BY(address, alignment) ((PVOID)ALIGN_DOWN_BY(address, alignment))
#define ALIGN_UP_POINTER_BY(address, alignment) ((PVOID)ALIGN_UP_BY(address, alignment))
#define ALIGN_UP(length, type) ALIGN_UP_BY(length, sizeof(type))
#define ALIGN_DOWN(length, type) ALIGN_DOWN_BY(length, sizeof(type))
#define FlagOn(_F, _SF) ((_F) & (_SF))
#define BooleanFlagOn(F, SF) ((BOOLEAN)(((F) & (SF)) != 0))
#define SetFlag(_F, _SF) ((_F) |= (_SF))
#define ClearFlag(_F, _SF) ((_F) &= ~(_SF))

/* ---- GUIDs (guiddef.h) ------------------------------------------------------------ *
 * DEFINE_GUID declares the GUID, and defines it where INITGUID is defined (include
 * <initguid.h> first in one file), as the WDK does. */

#ifdef __cplusplus
#define VSWITCHSIM_GUID_LINKAGE extern "C"
#else
#define VSWITCHSIM_GUID_LINKAGE /* C: a const at file scope has external linkage */
#endif
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    VSWITCHSIM_GUID_LINKAGE const GUID DECLSPEC_SELECTANY name =      \
        {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) EXTERN_C const GUID name
#endif

#define IsEqualGUID(rguid1, rguid2) (!__builtin_memcmp((rguid1), (rguid2), sizeof(GUID)))
#define InlineIsEqualGUID(rguid1, rguid2) IsEqualGUID(rguid1, rguid2)

/* ---- Strings (ntdef.h) ----------------------------------------------------------------- *
 * UNICODE_STRING is <vswitchsim/fwps.h>'s: Length and MaximumLength in bytes. */

typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING, OEM_STRING, *POEM_STRING;
typedef const STRING *PCSTRING, *PCANSI_STRING;

#define UNICODE_NULL ((WCHAR)0)
#define ANSI_NULL ((CHAR)0)
#define UNICODE_STRING_MAX_BYTES ((USHORT)65534)
#define UNICODE_STRING_MAX_CHARS (32767)

/* RTL_CONSTANT_STRING(L"...") or ("..."): a counted string over a literal. */
#define RTL_CONSTANT_STRING(s) \
    {(USHORT)(sizeof(s) - sizeof((s)[0])), (USHORT)sizeof(s), (void *)(s)}
#define DECLARE_CONST_UNICODE_STRING(_var, _string) \
    const WCHAR _var##_buffer[] = _string;          \
    const UNICODE_STRING _var = {sizeof(_string) - sizeof(WCHAR), sizeof(_string), (PWCH)_var##_buffer}
#define DECLARE_UNICODE_STRING_SIZE(_var, _size) \
    WCHAR _var##_buffer[_size];                  \
    UNICODE_STRING _var = {0, (_size) * sizeof(WCHAR), _var##_buffer}

/* ---- Lists (ntdef.h; the inline functions of wdm.h) ---------------------------------- */

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *RESTRICTED_POINTER PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

FORCEINLINE void InitializeListHead(PLIST_ENTRY ListHead)
{
    ListHead->Flink = ListHead->Blink = ListHead;
}

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead)
{
    return (BOOLEAN)(ListHead->Flink == ListHead);
}

FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
    PLIST_ENTRY Flink = Entry->Flink, Blink = Entry->Blink;
    Blink->Flink = Flink;
    Flink->Blink = Blink;
    return (BOOLEAN)(Flink == Blink);
}

FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY Entry = ListHead->Flink, Flink = Entry->Flink;
    ListHead->Flink = Flink;
    Flink->Blink = ListHead;
    return Entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
    PLIST_ENTRY Entry = ListHead->Blink, Blink = Entry->Blink;
    ListHead->Blink = Blink;
    Blink->Flink = ListHead;
    return Entry;
}

FORCEINLINE void InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    PLIST_ENTRY Blink = ListHead->Blink;
    Entry->Flink = ListHead;
    Entry->Blink = Blink;
    Blink->Flink = Entry;
    ListHead->Blink = Entry;
}

FORCEINLINE void InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
    PLIST_ENTRY Flink = ListHead->Flink;
    Entry->Flink = Flink;
    Entry->Blink = ListHead;
    Flink->Blink = Entry;
    ListHead->Flink = Entry;
}

FORCEINLINE void AppendTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListToAppend)
{
    PLIST_ENTRY ListEnd = ListHead->Blink;
    ListHead->Blink->Flink = ListToAppend;
    ListHead->Blink = ListToAppend->Blink;
    ListToAppend->Blink->Flink = ListHead;
    ListToAppend->Blink = ListEnd;
}

FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(PSINGLE_LIST_ENTRY ListHead)
{
    PSINGLE_LIST_ENTRY FirstEntry = ListHead->Next;
    if (FirstEntry != NULL)
        ListHead->Next = FirstEntry->Next;
    return FirstEntry;
}

FORCEINLINE void PushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY Entry)
{
    Entry->Next = ListHead->Next;
    ListHead->Next = Entry;
}

/* ---- Object attributes (for the registry routines) ------------------------------------ */

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;
typedef const OBJECT_ATTRIBUTES *PCOBJECT_ATTRIBUTES;

#define OBJ_INHERIT 0x00000002L
#define OBJ_PERMANENT 0x00000010L
#define OBJ_EXCLUSIVE 0x00000020L
#define OBJ_CASE_INSENSITIVE 0x00000040L
#define OBJ_OPENIF 0x00000080L
#define OBJ_OPENLINK 0x00000100L
#define OBJ_KERNEL_HANDLE 0x00000200L
#define OBJ_FORCE_ACCESS_CHECK 0x00000400L

#define InitializeObjectAttributes(p, n, a, r, s) \
    do {                                          \
        (p)->Length = sizeof(OBJECT_ATTRIBUTES);  \
        (p)->RootDirectory = (r);                 \
        (p)->Attributes = (a);                    \
        (p)->ObjectName = (n);                    \
        (p)->SecurityDescriptor = (s);            \
        (p)->SecurityQualityOfService = NULL;     \
    } while (0)

/* ---- Layout pins --------------------------------------------------------------------- */

VSWITCHSIM_PIN_SIZE(LARGE_INTEGER, 8);
VSWITCHSIM_PIN_SIZE(LIST_ENTRY, 16);
VSWITCHSIM_PIN_SIZE(UNICODE_STRING, 16);
VSWITCHSIM_PIN_SIZE(STRING, 16);
VSWITCHSIM_PIN_SIZE(OBJECT_ATTRIBUTES, 48);
VSWITCHSIM_PIN_SIZE(ULONG_PTR, 8);
VSWITCHSIM_PIN_SIZE(LONG, 4);

#endif /* VSWITCHSIM_WDK_NTDEF_H */
