/*
 * ntstatus.h: names for the status codes callouts return, for messages and traces.
 */
#ifndef VS_BASE_NTSTATUS_H
#define VS_BASE_NTSTATUS_H

#include <vswitchsim/fwps.h>

/* "STATUS_INSUFFICIENT_RESOURCES (0xC000009A)" for a code the SDK defines, else
 * "0xC0FFEE00". Returns buf. */
const char *vs_ntstatus_name(NTSTATUS status, char buf[64]);

#endif /* VS_BASE_NTSTATUS_H */
