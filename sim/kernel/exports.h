/*
 * exports.h: the functions a driver may import from the simulator, by name: the FWPS
 * functions and the kernel services of the WDK headers (sim/include/vswitchsim/wdk). The loader checks a
 * driver's imports against this table before it loads it, so that everything a driver
 * needs and the simulator lacks is named at once (dlopen names only the first), and
 * the table keeps every exported function in the program (nothing else calls them).
 */
#ifndef VS_EXPORTS_H
#define VS_EXPORTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct vs_export {
    const char *name;
    void (*fn)(void);
} vs_export;

/* The table, sorted by name; *count gets its length. */
const vs_export *vs_kernel_exports(size_t *count);

/* Is `name` a function the simulator exports to drivers? */
bool vs_kernel_exports_has(const char *name);

#endif /* VS_EXPORTS_H */
