/*
 * builtin_dirs.h: the folders that ship with the program: its plugins (what a bare
 * plugin name falls back to) and its scenarios (`vswitchsim run` without a file).
 *
 * Installed, they sit beside the executable's folder as GNUInstallDirs lays them out
 * (<prefix>/bin/vswitchsim, <prefix>/lib/vswitchsim/plugins,
 * <prefix>/share/vswitchsim/scenarios), found from where the executable is, so any
 * prefix works. A program in the build tree (or a test binary there) that has no such
 * layout around it uses build/plugins and the source tree's scenarios/ instead.
 */
#ifndef VS_SCENARIO_BUILTIN_DIRS_H
#define VS_SCENARIO_BUILTIN_DIRS_H

/* The built-in plugin folder. Never NULL; the folder may not exist (then bare names
 * are not found there, and the error lists it). */
const char *vs_plugin_builtin_dir(void);

/* The shipped scenarios' folder. Never NULL. */
const char *vs_scenario_builtin_dir(void);

#endif /* VS_SCENARIO_BUILTIN_DIRS_H */
