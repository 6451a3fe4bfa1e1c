/*
 * fuzz_common.c: the scratch folder and the result check shared by the fuzz targets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

static char scratch[] = "/tmp/vsfuzz.XXXXXX";
static const char *const plugins[] = {"null.so", "pending.so", "flowtable.so", NULL};

static void remove_scratch(void)
{
    char path[sizeof scratch + 32];
    for (const char *const *p = plugins; *p; p++) {
        snprintf(path, sizeof path, "%s/%s", scratch, *p);
        unlink(path);
    }
    rmdir(scratch);
}

const char *vs_fuzz_dir(void)
{
    static int made;
    if (made)
        return scratch;
    if (!mkdtemp(scratch)) {
        perror("vs_fuzz_dir: mkdtemp");
        abort();
    }
    for (const char *const *p = plugins; *p; p++) {
        char path[sizeof scratch + 32];
        snprintf(path, sizeof path, "%s/%s", scratch, *p);
        FILE *f = fopen(path, "w");
        if (!f || fclose(f) != 0) {
            perror(path);
            abort();
        }
    }
    atexit(remove_scratch);
    made = 1;
    return scratch;
}

void vs_fuzz_load(const char *text, size_t len, const vs_override *ov, size_t nov)
{
    const char *dir = vs_fuzz_dir();
    const char *const path[] = {dir, NULL};
    vs_scenario_options opts = {.overrides = ov, .noverrides = nov, .plugin_path = path};
    vs_config cfg;
    char err[VS_ERROR_MAX];
    memset(err, 0x5a, sizeof err); /* not NUL-terminated until the loader writes it */
    if (vs_scenario_load_text(text, len, "fuzz.json", dir, &opts, &cfg, err) == 0) {
        vs_config_close(&cfg);
        return;
    }
    size_t n = strnlen(err, sizeof err);
    if (n == 0 || n == sizeof err || memchr(err, '\n', n) || memchr(err, '\r', n)) {
        fprintf(stderr, "vs_fuzz_load: bad error message (%zu bytes): %.*s\n", n,
                (int)(n < 300 ? n : 300), err);
        abort();
    }
}
