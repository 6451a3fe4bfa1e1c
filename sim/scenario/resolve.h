/*
 * resolve.h: where a scenario's plugin reference points. A reference with a '/' or
 * ending in ".so" is a path, taken relative to the scenario's folder. A bare name
 * ("flowtable") is looked up as <dir>/<name>.so in the --plugin-path dirs, then in each
 * dir of VSWITCHSIM_PLUGIN_PATH (colon-separated), then in the built-in plugin folder.
 */
#ifndef VS_RESOLVE_H
#define VS_RESOLVE_H

#include <stddef.h>

#include "scenario/builtin_dirs.h" /* vs_plugin_builtin_dir */

/* Returns a malloc'ed path of an existing regular file, or NULL with a reason in err
 * ("no plugin \"foo\" in ./a:/b:/usr/lib/...", "./x.so: No such file or directory"), which
 * is exactly VS_RESOLVE_OOM when it ran out of memory. */
#define VS_RESOLVE_OOM "out of memory"

char *vs_plugin_resolve(const char *ref, const char *scenario_dir, const char *const *search_dirs,
                        char *err, size_t errlen);

#endif /* VS_RESOLVE_H */
