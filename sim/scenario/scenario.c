/*
 * scenario.c: a scenario file to a validated vs_config. Reads the file (refusing
 * directories, empty and oversized files), parses it strictly with jansson (duplicate
 * keys are errors, syntax errors carry line:column), applies --set and --seed to the
 * tree, bounds its nesting, then validates it against the schema (validate.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario/scenario-int.h"

static bool only_whitespace(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", text[i]) || text[i] == '\0')
            return false;
    return true;
}

static json_t *parse(vs__sc *sc, const char *text, size_t len)
{
    if (len > VS__SC_FILE_MAX) {
        vs__sc_fail_file(sc, "file is larger than 64 MiB (%zu bytes)", len);
        return NULL;
    }
    if (only_whitespace(text, len)) {
        vs__sc_fail_file(sc, "empty file%s", len ? " (only whitespace)" : "");
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        vs__sc_fail_file(sc, "a UTF-8 byte order mark is not JSON (save the file without it)");
        return NULL;
    }
    json_error_t e;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!root && !sc->failed) {
        sc->failed = true;
        if (e.line > 0)
            snprintf(sc->err, VS_ERROR_MAX, "%s:%d:%d: %s", sc->file, e.line, e.column, e.text);
        else
            snprintf(sc->err, VS_ERROR_MAX, "%s: %s", sc->file, e.text);
    }
    return root;
}

/* --seed wins over the file and --set: it replaces "seed" before validation. */
static int apply_seed(vs__sc *sc, json_t *root, const vs_scenario_options *opts)
{
    if (!opts->have_seed)
        return 0;
    if (opts->seed > (unsigned long long)INT64_MAX)
        return vs__sc_fail_file(sc, "--seed %llu: expected an integer in 0..%lld", opts->seed,
                                (long long)INT64_MAX);
    if (json_is_object(root) &&
        json_object_set_new(root, "seed", json_integer((json_int_t)opts->seed)) < 0)
        return vs__sc_fail_file(sc, "out of memory");
    return 0;
}

static int load_tree(vs__sc *sc, json_t *root, const vs_scenario_options *opts,
                     vs_config *cfg)
{
    static const vs_scenario_options none;
    if (!opts)
        opts = &none;
    sc->plugin_path = opts->plugin_path;
    if (vs__sc_apply_overrides(sc, root, opts->overrides, opts->noverrides) < 0 ||
        apply_seed(sc, root, opts) < 0 || vs__sc_check_depth(sc, root, 1) < 0 ||
        vs__sc_validate(sc, root, cfg) < 0)
        return -1;
    cfg->source_path = strdup(sc->file);
    return cfg->source_path ? 0 : vs__sc_fail_file(sc, "out of memory");
}

static int load_buffer(vs__sc *sc, const char *text, size_t len,
                       const vs_scenario_options *opts, vs_config *cfg)
{
    vs_config built;
    memset(&built, 0, sizeof built);
    json_t *root = parse(sc, text, len);
    int rc = root ? load_tree(sc, root, opts, &built) : -1;
    json_decref(root);
    if (rc < 0)
        vs_config_close(&built);
    memcpy(cfg, &built, sizeof built);
    return rc;
}

int vs_scenario_load_text(const char *text, size_t len, const char *name, const char *base_dir,
                          const vs_scenario_options *opts, vs_config *cfg, char err[VS_ERROR_MAX])
{
    vs__sc sc;
    vs__sc_init(&sc, name ? name : "<scenario>", err);
    sc.base_dir = base_dir ? base_dir : ".";
    return load_buffer(&sc, text ? text : "", text ? len : 0, opts, cfg);
}

/* Reads to the end, or stops past VS__SC_FILE_MAX (parse() reports the size). */
static char *read_all(vs__sc *sc, int fd, size_t cap, size_t *len)
{
    char *buf = malloc(cap);
    size_t n = 0;
    while (buf && n <= VS__SC_FILE_MAX) {
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            if (!(buf = bigger))
                break;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            vs__sc_fail_file(sc, "%s", strerror(errno));
            free(buf);
            return NULL;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (!buf)
        vs__sc_fail_file(sc, "out of memory");
    *len = n;
    return buf;
}

static char *read_file(vs__sc *sc, int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return vs__sc_fail_file(sc, "%s", strerror(errno)), NULL;
    if (S_ISDIR(st.st_mode))
        return vs__sc_fail_file(sc, "is a directory"), NULL;
    if (S_ISREG(st.st_mode) && st.st_size > (off_t)VS__SC_FILE_MAX)
        return vs__sc_fail_file(sc, "file is larger than 64 MiB (%lld bytes)",
                                (long long)st.st_size), NULL;
    /* One byte more than the size, so that EOF shows without growing the buffer. */
    return read_all(sc, fd, S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, len);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

int vs_scenario_load(const char *path, const vs_scenario_options *opts, vs_config *cfg,
                     char err[VS_ERROR_MAX])
{
    vs__sc sc;
    vs__sc_init(&sc, path, err);
    memset(cfg, 0, sizeof *cfg);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vs__sc_fail_file(&sc, "%s", strerror(errno));
    size_t len = 0;
    char *text = read_file(&sc, fd, &len);
    close(fd);
    char *dir = text ? dir_of(path) : NULL;
    int rc = -1;
    if (text && !dir)
        vs__sc_fail_file(&sc, "out of memory");
    if (dir) {
        sc.base_dir = dir;
        rc = load_buffer(&sc, text, len, opts, cfg);
    }
    free(dir);
    free(text);
    return rc;
}

const char *vs_scenario_default_path(void)
{
    static const char build[] = VSWITCHSIM_SCENARIO_DIR_BUILD "/quickstart.json";
    if (access(build, R_OK) == 0)
        return build;
    return VSWITCHSIM_SCENARIO_DIR_INSTALL "/quickstart.json";
}
