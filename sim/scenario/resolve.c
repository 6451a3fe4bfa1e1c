/*
 * resolve.c: a scenario's plugin reference to the path of a .so. Only looks at the file
 * system (the loader dlopens later), so that `validate` can tell a missing plugin early.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario/resolve.h"

static bool is_path(const char *ref)
{
    size_t n = strlen(ref);
    return strchr(ref, '/') || (n >= 3 && strcmp(ref + n - 3, ".so") == 0);
}

static char *join(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    bool slash = dir[0] && dir[strlen(dir) - 1] == '/';
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s%s", dir, slash ? "" : "/", name, suffix);
    return p;
}

/* A path as the scenario gives it: absolute, or relative to the scenario's folder. */
static char *resolve_path(const char *ref, const char *scenario_dir, char *err, size_t errlen)
{
    bool as_is = ref[0] == '/' || !scenario_dir || !scenario_dir[0];
    const char *rel = ref;
    while (!as_is && strncmp(rel, "./", 2) == 0)
        rel += 2 + strspn(rel + 2, "/"); /* "dir/x.so", not "dir/./x.so" */
    char *path = as_is ? strdup(ref) : join(scenario_dir, rel, "");
    struct stat st;
    if (!path)
        snprintf(err, errlen, "%s", VS_RESOLVE_OOM);
    else if (stat(path, &st) < 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        snprintf(err, errlen, "%s: not a regular file", path);
    else
        return path;
    free(path);
    return NULL;
}

/* The dirs a bare name is looked up in, in order, and what was tried for the message. */
typedef struct search {
    const char *name;
    char *found;
    char tried[1024];
    size_t ntried;
    bool oom;
} search;

/* Tries dir/name.so; true when the search is over (found, or out of memory). */
static bool try_dir(search *s, const char *dir, size_t dirlen)
{
    if (dirlen == 0)
        return false;
    char *d = strndup(dir, dirlen);
    char *path = d ? join(d, s->name, ".so") : NULL;
    struct stat st;
    if (!path) {
        free(d);
        return s->oom = true;
    }
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        s->found = path;
        free(d);
        return true;
    }
    if (s->ntried < sizeof s->tried)
        s->ntried += (size_t)snprintf(s->tried + s->ntried, sizeof s->tried - s->ntried, "%s%s",
                                      s->ntried ? ":" : "", d);
    free(path);
    free(d);
    return false;
}

/* Each dir of a colon-separated list, empty entries skipped. */
static bool try_list(search *s, const char *list)
{
    while (list && *list) {
        size_t n = strcspn(list, ":");
        if (try_dir(s, list, n))
            return true;
        list += n + (list[n] == ':');
    }
    return false;
}

static char *resolve_name(const char *ref, const char *const *search_dirs, char *err, size_t errlen)
{
    search s = {.name = ref};
    bool done = false;
    for (const char *const *d = search_dirs; d && *d && !done; d++)
        done = try_dir(&s, *d, strlen(*d));
    if (!done)
        done = try_list(&s, getenv("VSWITCHSIM_PLUGIN_PATH"));
    if (!done) {
        const char *builtin = vs_plugin_builtin_dir();
        try_dir(&s, builtin, strlen(builtin));
    }
    if (s.oom)
        snprintf(err, errlen, "%s", VS_RESOLVE_OOM);
    else if (!s.found)
        snprintf(err, errlen, "no plugin \"%s\" in %s", ref, s.ntried ? s.tried : "(no dirs)");
    return s.found;
}

char *vs_plugin_resolve(const char *ref, const char *scenario_dir, const char *const *search_dirs,
                        char *err, size_t errlen)
{
    if (!ref || !ref[0]) {
        snprintf(err, errlen, "empty plugin reference");
        return NULL;
    }
    if (is_path(ref))
        return resolve_path(ref, scenario_dir, err, errlen);
    return resolve_name(ref, search_dirs, err, errlen);
}
