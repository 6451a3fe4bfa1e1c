/*
 * json_alloc.h: jansson's allocations, counted when they fail. Its parser may report a
 * failed allocation as a syntax error, or absorb it, so a caller that must tell
 * running out of memory from bad input compares the count before and after. The
 * program installs the counter once at start (before any jansson call); unless it is
 * installed, the count stays 0. The count is per thread, like errno.
 */
#ifndef VS_BASE_JSON_ALLOC_H
#define VS_BASE_JSON_ALLOC_H

void vs_json_alloc_install(void);
unsigned long vs_json_alloc_failures(void);

#endif /* VS_BASE_JSON_ALLOC_H */
