/*
 * tmpdir.h: a scratch folder for the unit tests that write files (test-html.c,
 * test-sweep_output.c): made under /tmp, read back, removed with what it holds.
 */
#ifndef VS_TEST_TMPDIR_H
#define VS_TEST_TMPDIR_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* dir: at least 64 bytes; prefix names the test ("html" -> /tmp/vs-html-XXXXXX). */
static inline void tmpdir_make(char *dir, size_t size, const char *prefix)
{
    snprintf(dir, size, "/tmp/vs-%s-XXXXXX", prefix);
    cr_assert_not_null(mkdtemp(dir));
}

/* Removes the files in dir (not subfolders: the tests make none), then dir. */
static inline void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* A file's whole text (the caller frees it); fails the test when there is none. */
static inline char *tmpdir_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s was not written", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

#endif /* VS_TEST_TMPDIR_H */
