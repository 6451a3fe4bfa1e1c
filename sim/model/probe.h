/*
 * probe.h: reading memory a callout hands over, outside its code. A bad pointer there is
 * the callout's bug, not the simulator's crash: the read is probed, and a fault in it
 * comes back as a failed copy (the crash guard's handler jumps back, guard.c).
 */
#ifndef VS_PROBE_H
#define VS_PROBE_H

#include <stddef.h>

/* Copies n bytes from src; 0, or -1 when src cannot be read for n bytes (what was
 * copied so far is in dst). Without the crash guard installed a fault still kills. */
int vs_probe_copy(void *dst, const void *src, size_t n);

/* For the guard's signal handler, first thing on SIGSEGV or SIGBUS: if a probe on this
 * thread faulted, jumps back into it and does not return. */
void vs_probe_recover(int sig);

#endif /* VS_PROBE_H */
