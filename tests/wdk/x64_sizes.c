/*
 * x64_sizes.c: the WDK headers keep the Windows x64 sizes of the types drivers use
 * (LLP64: LONG and ULONG are 4 bytes, pointers 8; WCHAR and L"" characters 2; the kernel
 * objects a driver embeds in its own structures, KDPC, KTIMER, KEVENT, at their x64
 * sizes), so that a driver's structure layouts, blob formats and sizeof arithmetic are
 * what they are on Windows. Compiled (not run) by tests/e2e/wdk_source.sh, with the same
 * flags as a driver: a wrong size fails the build.
 */
/* clang-format off */
#include <ntddk.h>
#include <ndis.h>
#include <fwpsk.h>
#include <fwpmk.h>
#include <stddef.h>
/* clang-format on */

#define SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " is " #n " bytes on Windows x64")
SIZE(CHAR, 1);
SIZE(UCHAR, 1);
SIZE(BOOLEAN, 1);
SIZE(KIRQL, 1);
SIZE(SHORT, 2);
SIZE(USHORT, 2);
SIZE(WCHAR, 2);
SIZE(L"x"[0], 2);
SIZE(LONG, 4);
SIZE(ULONG, 4);
SIZE(NTSTATUS, 4);
SIZE(UINT32, 4);
SIZE(DWORD, 4);
SIZE(LONGLONG, 8);
SIZE(ULONGLONG, 8);
SIZE(LARGE_INTEGER, 8);
SIZE(UINT64, 8);
SIZE(PVOID, 8);
SIZE(HANDLE, 8);
SIZE(SIZE_T, 8);
SIZE(ULONG_PTR, 8);
SIZE(LONG_PTR, 8);
SIZE(KSPIN_LOCK, 8);
SIZE(GUID, 16);
SIZE(LIST_ENTRY, 16);
SIZE(UNICODE_STRING, 16);
SIZE(KDPC, 64);
SIZE(KTIMER, 64);
SIZE(KEVENT, 24);
SIZE(KLOCK_QUEUE_HANDLE, 24);
SIZE(NDIS_SPIN_LOCK, 16);
_Static_assert(offsetof(UNICODE_STRING, Buffer) == 8, "UNICODE_STRING.Buffer at 8");
_Static_assert(offsetof(KDPC, DeferredRoutine) == 24, "KDPC.DeferredRoutine at 24");
