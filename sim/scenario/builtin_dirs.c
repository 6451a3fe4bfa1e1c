/*
 * builtin_dirs.c: the program's own plugin and scenario folders (builtin_dirs.h), found
 * once per process from /proc/self/exe. The paths relative to the executable's folder
 * come from the build (GNUInstallDirs' bindir to libdir and datadir), so a changed
 * CMAKE_INSTALL_LIBDIR (lib64, lib/x86_64-linux-gnu) is followed too.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/self.h"
#include "scenario/builtin_dirs.h"
#include "scenario/scenario.h"

typedef struct builtin_dirs {
    char plugins[PATH_MAX];
    char scenarios[PATH_MAX];
    char quickstart[PATH_MAX + sizeof "/quickstart.json"];
} builtin_dirs;

/* Where the executable is does not change while it runs: computed once, read by any
 * thread. */
static builtin_dirs dirs;
static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether the executable is one the build made (build/bin, build/tests, ...): only
 * those may fall back to the build tree. A copy elsewhere behaves as installed. */
static bool in_build_tree(const char *exe_dir)
{
    char build[PATH_MAX];
    if (!exe_dir || !realpath(VSWITCHSIM_BUILD_DIR, build))
        return false;
    size_t n = strlen(build);
    return strncmp(exe_dir, build, n) == 0 && (exe_dir[n] == '/' || exe_dir[n] == '\0');
}

/* Copies src into out, or an empty string when it does not fit (then nothing is found
 * there, and an error message shows the empty folder rather than a wrong one). */
static void copy_path(char out[PATH_MAX], const char *src)
{
    size_t n = strlen(src);
    if (n >= PATH_MAX)
        n = 0;
    memcpy(out, src, n);
    out[n] = '\0';
}

/* out: exe_dir/rel when that folder exists (an installed layout, wherever it is), else
 * the build tree's folder for a build-tree executable, else exe_dir/rel anyway (for the
 * error messages), else, without /proc, the configured install folder. */
static void pick(char out[PATH_MAX], const char *exe_dir, bool in_build, const char *rel,
                 const char *build_dir, const char *configured)
{
    char installed[PATH_MAX];
    int n = exe_dir ? snprintf(installed, sizeof installed, "%s/%s", exe_dir, rel) : -1;
    bool fits = n > 0 && n < PATH_MAX;
    if (fits && is_dir(installed) && realpath(installed, out))
        return;
    copy_path(out, in_build ? build_dir : fits ? installed : configured);
}

static void find_dirs(void)
{
    char exe[PATH_MAX];
    const char *exe_dir = vs_self_dir(exe) == 0 ? exe : NULL;
    bool in_build = in_build_tree(exe_dir);
    pick(dirs.plugins, exe_dir, in_build, VSWITCHSIM_PLUGIN_DIR_REL, VSWITCHSIM_BUILD_PLUGIN_DIR,
         VSWITCHSIM_INSTALL_PLUGIN_DIR);
    pick(dirs.scenarios, exe_dir, in_build, VSWITCHSIM_SCENARIO_DIR_REL,
         VSWITCHSIM_SCENARIO_DIR_BUILD, VSWITCHSIM_SCENARIO_DIR_INSTALL);
    snprintf(dirs.quickstart, sizeof dirs.quickstart, "%s/quickstart.json", dirs.scenarios);
}

const char *vs_plugin_builtin_dir(void)
{
    pthread_once(&dirs_once, find_dirs);
    return dirs.plugins;
}

const char *vs_scenario_builtin_dir(void)
{
    pthread_once(&dirs_once, find_dirs);
    return dirs.scenarios;
}

const char *vs_scenario_default_path(void)
{
    pthread_once(&dirs_once, find_dirs);
    return dirs.quickstart;
}
