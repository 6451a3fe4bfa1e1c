/*
 * self.h: where the running program is. An installed vswitchsim finds its plugins and
 * scenarios relative to its own executable, so that an install under any prefix (a
 * .deb's /usr, `cmake --install --prefix DIR`, a moved tree) works from any folder.
 */
#ifndef VS_BASE_SELF_H
#define VS_BASE_SELF_H

#include <limits.h>

/* The folder of the running executable, symlinks resolved (/proc/self/exe). Returns 0,
 * or -1 with errno (ENAMETOOLONG when it does not fit). */
int vs_self_dir(char dir[PATH_MAX]);

#endif /* VS_BASE_SELF_H */
