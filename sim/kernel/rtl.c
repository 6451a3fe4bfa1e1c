/*
 * rtl.c: the counted-string routines drivers use (UNICODE_STRING, ANSI_STRING: lengths in
 * bytes, not terminated). Case-insensitive comparison upcases ASCII letters only; the
 * Windows upcase table covers all of Unicode, which the names a callout driver compares
 * (registry values, device names) do not need.
 */
#include "kernel/kernel-int.h"

static size_t wcount(PCWSTR s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* learn.microsoft.com/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlinitunicodestring */
void RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    size_t n = SourceString ? wcount(SourceString) * sizeof(WCHAR) : 0;
    if (n > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR))
        n = UNICODE_STRING_MAX_BYTES - sizeof(WCHAR);
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = SourceString ? (USHORT)(n + sizeof(WCHAR)) : 0;
    DestinationString->Buffer = (PWCH)SourceString;
}

/* .../wdm/nf-wdm-rtlinitansistring */
void RtlInitAnsiString(PANSI_STRING DestinationString, PCSTR SourceString)
{
    size_t n = SourceString ? __builtin_strlen(SourceString) : 0;
    if (n > 65533)
        n = 65533;
    DestinationString->Length = (USHORT)n;
    DestinationString->MaximumLength = SourceString ? (USHORT)(n + 1) : 0;
    DestinationString->Buffer = (PCHAR)SourceString;
}

/* .../wdm/nf-wdm-rtlcopyunicodestring: copies what fits; a NULL source empties it. */
void RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!SourceString) {
        DestinationString->Length = 0;
        return;
    }
    USHORT n = SourceString->Length < DestinationString->MaximumLength
                   ? SourceString->Length
                   : DestinationString->MaximumLength;
    __builtin_memmove(DestinationString->Buffer, SourceString->Buffer, n);
    DestinationString->Length = n;
    if (n + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[n / sizeof(WCHAR)] = UNICODE_NULL;
}

static WCHAR upcase(WCHAR c, BOOLEAN ci)
{
    return ci && c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c;
}

/* .../wdm/nf-wdm-rtlcompareunicodestring: < 0, 0, > 0. */
LONG RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                             BOOLEAN CaseInSensitive)
{
    size_t n1 = String1->Length / sizeof(WCHAR), n2 = String2->Length / sizeof(WCHAR);
    for (size_t i = 0; i < n1 && i < n2; i++) {
        WCHAR a = upcase(String1->Buffer[i], CaseInSensitive);
        WCHAR b = upcase(String2->Buffer[i], CaseInSensitive);
        if (a != b)
            return (LONG)a - (LONG)b;
    }
    return (LONG)n1 - (LONG)n2;
}

/* .../wdm/nf-wdm-rtlequalunicodestring */
BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                              BOOLEAN CaseInSensitive)
{
    return String1->Length == String2->Length &&
           RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0;
}

static NTSTATUS append(PUNICODE_STRING d, PCWCH src, size_t bytes)
{
    if (d->Length + bytes > d->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    __builtin_memmove((char *)d->Buffer + d->Length, src, bytes);
    d->Length = (USHORT)(d->Length + bytes);
    if (d->Length + sizeof(WCHAR) <= d->MaximumLength)
        d->Buffer[d->Length / sizeof(WCHAR)] = UNICODE_NULL;
    return STATUS_SUCCESS;
}

/* .../wdm/nf-wdm-rtlappendunicodetostring: STATUS_BUFFER_TOO_SMALL when it does not fit
 * (the destination is then unchanged). */
NTSTATUS RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    return Source ? append(Destination, Source, wcount(Source) * sizeof(WCHAR)) : STATUS_SUCCESS;
}

/* .../wdm/nf-wdm-rtlappendunicodestringtostring */
NTSTATUS RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    return append(Destination, Source->Buffer, Source->Length);
}
