/*
 * new_plugin.h: the project `vswitchsim new-plugin` writes, carried in the program: the
 * templates cli/new_plugin/NAME.c.in and the rest, embedded at build time (embed.cmake). In their names
 * and text @NAME@ stands for the plugin's name (NAME in file names), @TAG@ for its pool
 * tag's four characters and @GUID@ for a provider GUID made for it.
 */
#ifndef VS_CLI_NEW_PLUGIN_H
#define VS_CLI_NEW_PLUGIN_H

typedef struct vs_new_plugin_file {
    const char *name; /* "NAME.c": the file's name in the project */
    const char *text;
} vs_new_plugin_file;

/* Ended by an entry whose name is NULL. */
extern const vs_new_plugin_file vs_new_plugin_files[];

#endif /* VS_CLI_NEW_PLUGIN_H */
