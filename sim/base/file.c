/*
 * file.c: writing a whole file atomically: a temporary file in the same folder,
 * flushed and synced, then renamed over the target. A killed run leaves the previous
 * file or none, never half of one. A target that is a device or a pipe (/dev/null, or
 * `--json >(jq ...)`) is written in place: a rename would replace the device node.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Not a file we may replace: an existing device, pipe or socket. */
bool vs_path_is_special(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int write_in_place(const char *path, const char *text, char err[VS_ERROR_MAX])
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return snprintf(err, VS_ERROR_MAX, "%s: %s", path, strerror(errno)), -1;
    size_t n = strlen(text);
    int rc = write_all(fd, text, n) || (n && text[n - 1] != '\n' && write_all(fd, "\n", 1));
    int saved = errno;
    if (close(fd) != 0 && !rc)
        rc = -1, saved = errno;
    if (rc)
        snprintf(err, VS_ERROR_MAX, "%s: %s", path, strerror(saved));
    return rc ? -1 : 0;
}

int vs_file_write_atomically(const char *path, const char *text, char err[VS_ERROR_MAX])
{
    if (vs_path_is_special(path))
        return write_in_place(path, text, err);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp)
        return snprintf(err, VS_ERROR_MAX, "%s: path too long", path), -1;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return snprintf(err, VS_ERROR_MAX, "%s: %s", path, strerror(errno)), -1;
    /* mkstemp makes the file private; a file is as readable as any file we create. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    int rc = write_all(fd, text, strlen(text));
    /* Text files end in a newline; JSON from jansson does not come with one. */
    size_t n = strlen(text);
    rc = rc || (n && text[n - 1] != '\n' && write_all(fd, "\n", 1)) || fsync(fd);
    int saved = errno;
    close(fd);
    if (rc == 0 && rename(tmp, path) == 0)
        return 0;
    saved = rc ? saved : errno;
    unlink(tmp);
    snprintf(err, VS_ERROR_MAX, "%s: %s", path, strerror(saved));
    return -1;
}
