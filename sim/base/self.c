/*
 * self.c: the running executable's folder, from Linux's /proc/self/exe, which names the
 * file itself (not a symlink to it, not argv[0]), wherever the program was started from.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/self.h"

int vs_self_dir(char dir[PATH_MAX])
{
    ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX);
    if (n < 0)
        return -1;
    if (n >= PATH_MAX) {
        errno = ENAMETOOLONG; /* readlink truncates silently */
        return -1;
    }
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    return 0;
}
