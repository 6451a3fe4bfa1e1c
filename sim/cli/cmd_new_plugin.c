/*
 * cmd_new_plugin.c: `vswitchsim new-plugin NAME [DIR]`: writes a plugin author's project
 * (new_plugin.h): a callout that pends and completes, a CMakeLists.txt against the
 * installed SDK, a scenario that runs it, and a test. DIR (default NAME) must not exist:
 * the project is written into a temporary folder beside it and renamed into place, so
 * that nothing is half-written and nothing is written over.
 */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "cli/new_plugin.h"

#define NAME_MAX_LEN 48

/* What stands for the placeholders in one project. */
typedef struct project {
    const char *name;
    char tag[32];  /* 'd', 'e', 'm', 'o' */
    char guid[96]; /* {0x..., 0x..., 0x..., {0x.., ...}} */
} project;

/* A lowercase C identifier: the plugin's file, library, target and instance name. */
static bool good_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > NAME_MAX_LEN || name[0] < 'a' || name[0] > 'z')
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* A random (version 4) GUID as a C initializer, as uuidgen would give a new driver. */
static int make_guid(char *out, size_t size)
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, size,
             "{0x%02x%02x%02x%02x, 0x%02x%02x, 0x%02x%02x, "
             "{0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x}}",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return 0;
}

/* The pool tag: the name's first four characters, '_' for any missing. */
static void make_tag(const char *name, char *out, size_t size)
{
    char c[4];
    for (size_t i = 0; i < 4; i++)
        c[i] = i < strlen(name) ? name[i] : '_';
    snprintf(out, size, "'%c', '%c', '%c', '%c'", c[0], c[1], c[2], c[3]);
}

/* text with @NAME@, @TAG@ and @GUID@ replaced, into out. */
static int expand(const project *p, const char *text, vs_buf *out)
{
    static const char *const keys[] = {"@NAME@", "@TAG@", "@GUID@"};
    const char *values[] = {p->name, p->tag, p->guid};
    while (*text) {
        size_t k = 0;
        while (k < 3 && strncmp(text, keys[k], strlen(keys[k])) != 0)
            k++;
        if (k < 3) {
            vs_buf_puts(out, values[k]);
            text += strlen(keys[k]);
            continue;
        }
        size_t run = strcspn(text + 1, "@") + 1;
        vs_buf_append(out, text, run);
        text += run;
    }
    return out->failed ? -1 : 0;
}

/* "NAME.c" -> "demo.c". */
static void file_name(const project *p, const char *templ, char *out, size_t size)
{
    const char *at = strstr(templ, "NAME");
    if (!at)
        snprintf(out, size, "%s", templ);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - templ), templ, p->name, at + 4);
}

#define DIR_MAX 4096
#define FILE_NAME_MAX 256

static int write_file(const char *dir, const char *name, const vs_buf *text)
{
    char path[DIR_MAX + FILE_NAME_MAX + 2];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wx");
    if (!f)
        return -1;
    size_t n = text->text ? strlen(text->text) : 0;
    bool ok = fwrite(text->text ? text->text : "", 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Every file of the project into dir; the names written in *names. */
static int write_project(const project *p, const char *dir, vs_buf *names)
{
    for (const vs_new_plugin_file *f = vs_new_plugin_files; f->name; f++) {
        char name[FILE_NAME_MAX];
        vs_buf text = {0};
        file_name(p, f->name, name, sizeof name);
        int rc = expand(p, f->text, &text) == 0 ? write_file(dir, name, &text) : -1;
        vs_buf_free(&text);
        vs_buf_printf(names, "%s%s", names->text ? ", " : "", name);
        if (rc != 0 || names->failed)
            return -1;
    }
    return 0;
}

/* Removes what write_project left in a temporary folder, and the folder. */
static void remove_project(const project *p, const char *dir)
{
    for (const vs_new_plugin_file *f = vs_new_plugin_files; f->name; f++) {
        char name[FILE_NAME_MAX], path[DIR_MAX + FILE_NAME_MAX + 2];
        file_name(p, f->name, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        unlink(path);
    }
    rmdir(dir);
}

static int exists(const char *dir)
{
    fprintf(stderr, "vswitchsim: new-plugin: %s exists; not writing over it\n", dir);
    return VS_EXIT_BAD_INPUT;
}

/* Into a temporary folder beside dir, then renamed to dir unless dir appeared meanwhile. */
static int create(const project *p, const char *dir)
{
    char tmp[DIR_MAX];
    vs_buf names = {0};
    if (snprintf(tmp, sizeof tmp, "%s.new-XXXXXX", dir) >= (int)sizeof tmp || !mkdtemp(tmp)) {
        fprintf(stderr, "vswitchsim: new-plugin: creating %s: %s\n", dir, strerror(errno));
        return VS_EXIT_BAD_INPUT;
    }
    mode_t mask = umask(0);
    umask(mask);
    int rc = chmod(tmp, 0777 & ~mask) == 0 ? write_project(p, tmp, &names) : -1;
    if (rc == 0)
        rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE);
    int err = errno;
    if (rc != 0) {
        remove_project(p, tmp);
        vs_buf_free(&names);
        if (err == EEXIST || err == ENOTEMPTY)
            return exists(dir);
        fprintf(stderr, "vswitchsim: new-plugin: writing %s: %s\n", dir, strerror(err));
        return err == ENOMEM ? VS_EXIT_FAILURE : VS_EXIT_BAD_INPUT;
    }
    printf("new-plugin: wrote %s/: %s\n", dir, names.text);
    printf("next: cmake -S %s -B %s/build && cmake --build %s/build && ctest --test-dir %s/build\n",
           dir, dir, dir, dir);
    vs_buf_free(&names);
    return VS_EXIT_OK;
}

/* new-plugin has no options of its own: its table is there for --help and the parser. */
static const vs_cli_option new_plugin_options[] = {{0}};
const vs_cli_table vs_cli_new_plugin_table = {new_plugin_options, VS_CLI_NEEDS_NAMED};
static const vs_cli_table *const new_plugin_tables[] = {&vs_cli_new_plugin_table, NULL};

const vs_cli_command vs_cli_new_plugin_command = {
    .name = "new-plugin",
    .positional = "name",
    .operand = "NAME [DIR]",
    .summary = "Writes a ready callout plugin project into DIR (default NAME).",
    .about = "Writes NAME.c (a callout whose saves pend and complete later), a CMakeLists.txt\n"
             "against the installed vswitchsim package, a scenario that uses the plugin and a\n"
             "ctest test that runs it and checks the report. DIR must not exist (exit 2).",
    .tables = new_plugin_tables,
    .main = vs_cmd_new_plugin};

/* The parser takes one positional: NAME goes through it, and the optional DIR after it
 * is taken out first (new-plugin has no option with a value to mistake for it). */
static int parse(int argc, char **argv, const char **name, const char **dir)
{
    char *rest[64];
    int n = 0, positionals = 0;
    if (argc >= 64)
        return vs_cli_usage_error("new-plugin: too many arguments"), -1;
    for (int i = 0; i < argc; i++) {
        bool positional = i > 0 && (argv[i][0] != '-' || argv[i][1] == '\0');
        positionals += positional;
        if (positionals > 2 && positional)
            return vs_cli_usage_error("new-plugin: more than NAME and DIR (%s)", argv[i]), -1;
        if (positional && positionals == 2)
            *dir = argv[i];
        else
            rest[n++] = argv[i];
    }
    rest[n] = NULL;
    vs_cli_part parts[] = {{&vs_cli_new_plugin_table, NULL}};
    return vs_cli_parse(&vs_cli_new_plugin_command, parts, 1, n, rest, name);
}

int vs_cmd_new_plugin(int argc, char **argv)
{
    const char *name = NULL, *dir = NULL;
    int parsed = parse(argc, argv, &name, &dir);
    if (parsed == VS_CLI_HELP)
        return VS_EXIT_OK;
    if (parsed != 0)
        return VS_EXIT_BAD_INPUT;
    if (!name)
        return vs_cli_usage_error("new-plugin: which NAME? (new-plugin NAME [DIR])");
    if (!good_name(name))
        return vs_cli_usage_error("new-plugin: NAME \"%s\": expected a lowercase C identifier "
                                  "([a-z][a-z0-9_]*, at most %d characters): the plugin's file, "
                                  "target and instance name",
                                  name, NAME_MAX_LEN);
    if (!dir)
        dir = name;
    struct stat st;
    if (lstat(dir, &st) == 0)
        return exists(dir);
    project p = {.name = name};
    make_tag(name, p.tag, sizeof p.tag);
    if (make_guid(p.guid, sizeof p.guid) != 0) {
        fprintf(stderr, "vswitchsim: new-plugin: getrandom: %s\n", strerror(errno));
        return VS_EXIT_FAILURE;
    }
    return create(&p, dir);
}
