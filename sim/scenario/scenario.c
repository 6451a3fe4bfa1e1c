/*
 * scenario.c: a scenario file to a validated vs_config. Reads the file (refusing what
 * is not a regular file, empty and oversized files), parses it strictly with jansson
 * (duplicate keys are errors, syntax errors carry line:column), applies --set and --seed
 * to the tree, bounds its nesting, then validates it against the schema (validate.c). Also
 * reads the CSV files a scenario may name (empirical samples, traces), a line at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

static json_t *parse_text(vs__sc *sc, const char *text, size_t len)
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
        const char *file = sc->now_file ? sc->now_file : sc->file;
        int n = e.line > 0 ? snprintf(sc->err, VS_ERROR_MAX, "%s:%d:%d: %s", file, e.line, e.column,
                                      e.text)
                           : snprintf(sc->err, VS_ERROR_MAX, "%s: %s", file, e.text);
        if (sc->now_file && n > 0 && n < VS_ERROR_MAX)
            snprintf(sc->err + n, VS_ERROR_MAX - (size_t)n, " (extended by %s)", sc->file);
        vs_error_one_line(sc->err); /* jansson quotes the bad token raw; names are raw too */
    }
    return root;
}

/* Errors name `name`: the scenario, or a file it extends. */
static json_t *parse(vs__sc *sc, const char *name, const char *text, size_t len)
{
    const char *saved = sc->now_file;
    if (strcmp(name, sc->file) != 0)
        sc->now_file = name;
    json_t *root = parse_text(sc, text, len);
    sc->now_file = saved;
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
        return vs__sc_oom(sc);
    return 0;
}

static int load_tree(vs__sc *sc, json_t *root, const vs_scenario_options *opts, vs_config *cfg)
{
    static const vs_scenario_options none;
    if (!opts)
        opts = &none;
    sc->plugin_path = opts->plugin_path;
    if (vs__sc_apply_overrides(sc, root, opts->overrides, opts->noverrides) < 0 ||
        apply_seed(sc, root, opts) < 0 || vs__sc_check_depth(sc, root, 1) < 0)
        return -1;
    sc->root = root;
    if (vs__sc_validate(sc, root, cfg) < 0)
        return -1;
    cfg->source_path = strdup(sc->file);
    return cfg->source_path ? 0 : vs__sc_oom(sc);
}

/* Out of memory anywhere in the load replaces whatever error it caused. */
static int oom_error(vs__sc *sc)
{
    snprintf(sc->err, VS_ERROR_MAX, "%s: out of memory", sc->file);
    vs_error_one_line(sc->err);
    return VS_SCENARIO_OOM;
}

static int load_buffer(vs__sc *sc, const char *text, size_t len, const vs_scenario_options *opts,
                       vs_config *cfg)
{
    vs_config built;
    memset(&built, 0, sizeof built);
    unsigned long json_failed = vs_json_alloc_failures();
    json_t *root = parse(sc, sc->file, text, len);
    int rc = root && vs__sc_extends(sc, &root, parse) == 0 ? load_tree(sc, root, opts, &built) : -1;
    json_decref(root);
    vs__sc_origins_free(sc);
    if (sc->oom || vs_json_alloc_failures() != json_failed)
        rc = oom_error(sc);
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
        vs__sc_oom(sc);
    *len = n;
    return buf;
}

static char *read_file(vs__sc *sc, int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return vs__sc_fail_file(sc, "%s", strerror(errno)), NULL;
    if (st.st_size > (off_t)VS__SC_FILE_MAX)
        return vs__sc_fail_file(sc, "file is larger than 64 MiB (%lld bytes)",
                                (long long)st.st_size),
               NULL;
    /* One byte more than the size, so that EOF shows without growing the buffer. */
    return read_all(sc, fd, (size_t)st.st_size + 1, len);
}

/* What a path that is not a regular file is, for the message. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "is a directory";
    if (S_ISFIFO(mode))
        return "not a regular file (a FIFO)";
    if (S_ISCHR(mode))
        return "not a regular file (a character device)";
    if (S_ISBLK(mode))
        return "not a regular file (a block device)";
    if (S_ISSOCK(mode))
        return "not a regular file (a socket)";
    return "not a regular file";
}

/* Open, then fstat the fd rather than stat the path first: what is checked is what was
 * opened, with no window for the path to change in between. O_NONBLOCK so that opening
 * a FIFO returns at once (a blocking open waits for a writer, forever); it is cleared
 * again for a regular file, where it means nothing today but should not linger. */
int vs__open_regular(const char *path, const char **why)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return *why = strerror(errno), -1;
    if (fstat(fd, &st) < 0)
        *why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        *why = file_kind(st.st_mode);
    else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
        *why = strerror(errno);
    else
        return fd;
    close(fd);
    return -1;
}

char *vs__sc_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

char *vs__sc_read_path(vs__sc *sc, const char *path, size_t *len, uint64_t id[2])
{
    const char *why = NULL;
    int fd = vs__open_regular(path, &why);
    if (fd < 0)
        return vs__sc_fail_file(sc, "%s", why), NULL;
    struct stat st;
    if (fstat(fd, &st) == 0) {
        id[0] = (uint64_t)st.st_dev;
        id[1] = (uint64_t)st.st_ino;
    }
    char *text = read_file(sc, fd, len);
    close(fd);
    return text;
}

int vs_scenario_load(const char *path, const vs_scenario_options *opts, vs_config *cfg,
                     char err[VS_ERROR_MAX])
{
    vs__sc sc;
    vs__sc_init(&sc, path, err);
    memset(cfg, 0, sizeof *cfg);
    size_t len = 0;
    char *text = vs__sc_read_path(&sc, path, &len, sc.file_id);
    char *dir = text ? vs__sc_dir_of(path) : NULL;
    int rc = -1;
    if (text && !dir)
        vs__sc_oom(&sc);
    if (dir) {
        sc.base_dir = dir;
        rc = load_buffer(&sc, text, len, opts, cfg);
    }
    free(dir);
    free(text);
    return sc.oom ? oom_error(&sc) : rc;
}

json_t *vs_scenario_tree(const char *path, char err[VS_ERROR_MAX])
{
    vs__sc sc;
    vs__sc_init(&sc, path, err);
    size_t len = 0;
    char *text = vs__sc_read_path(&sc, path, &len, sc.file_id);
    char *dir = text ? vs__sc_dir_of(path) : NULL;
    json_t *root = NULL;
    if (dir) {
        sc.base_dir = dir;
        root = parse(&sc, path, text, len);
        if (root && vs__sc_extends(&sc, &root, parse) < 0) {
            json_decref(root);
            root = NULL;
        }
        vs__sc_origins_free(&sc);
    }
    free(dir);
    free(text);
    if (sc.oom || (text && !dir))
        oom_error(&sc);
    return root;
}

/* CSV files ---------------------------------------------------------------------- */

#define VS__CSV_BUF (VS__CSV_LINE_MAX * 16)

static char *resolve_csv(const char *base_dir, const char *name)
{
    if (name[0] == '/' || !base_dir)
        return strdup(name);
    size_t nb = strlen(base_dir);
    bool slash = nb > 0 && base_dir[nb - 1] == '/';
    size_t n = nb + !slash + strlen(name) + 1;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s%s%s", base_dir, slash ? "" : "/", name);
    return path;
}

int vs__csv_open(vs__sc *sc, const char *name, vs__csv *csv)
{
    memset(csv, 0, sizeof *csv);
    csv->fd = -1;
    csv->name = name;
    char *path = resolve_csv(vs__sc_dir_here(sc), name);
    if (!path)
        return vs__sc_oom(sc);
    int rc = 0;
    const char *why = NULL;
    csv->fd = vs__open_regular(path, &why);
    if (csv->fd < 0)
        rc = vs__sc_fail(sc, NULL, "%s: %s", path, why);
    else if (!(csv->buf = malloc(VS__CSV_BUF + 1)))
        rc = vs__sc_oom(sc);
    free(path);
    if (rc < 0)
        vs__csv_close(csv);
    return rc;
}

void vs__csv_close(vs__csv *csv)
{
    if (csv->fd >= 0)
        close(csv->fd);
    csv->fd = -1;
    free(csv->buf);
    csv->buf = NULL;
}

int vs__csv_fail(vs__sc *sc, const vs__csv *csv, const char *fmt, ...)
{
    char what[VS_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return vs__sc_fail(sc, NULL, "%.200s:%zu: %s", csv->name, csv->line, what);
}

void vs__csv_show(const char *field, char *buf, size_t size)
{
    size_t len = 0, n = strlen(field);
    size_t cut = n <= VS__SC_GOT_MAX ? n : VS__SC_GOT_MAX;
    len += (size_t)snprintf(buf + len, size - len, "\"");
    for (size_t i = 0; i < cut && len < size; i++) {
        unsigned char c = (unsigned char)field[i];
        if (c == '"' || c == '\\')
            len += (size_t)snprintf(buf + len, size - len, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            len += (size_t)snprintf(buf + len, size - len, "%c", c);
        else
            len += (size_t)snprintf(buf + len, size - len, "\\x%02X", c);
    }
    if (len < size)
        snprintf(buf + len, size - len, "\"%s", cut < n ? "..." : "");
}

int vs__csv_decimal(const char *field, const char *unit, vs_time_t *out_ns)
{
    char text[VS__CSV_LINE_MAX + 8];
    bool negative = field[0] == '-';
    int n = snprintf(text, sizeof text, "%s%s", field + negative, unit);
    if (n < 0 || (size_t)n >= sizeof text)
        return -1;
    int rc = vs__sc_duration_parse(text, out_ns);
    if (rc == 0 && negative)
        return *out_ns == 0 ? 0 : -3; /* "-0" is 0 */
    return rc;
}

/* Reads more into buf, after moving what is unread to its start. */
static int fill(vs__sc *sc, vs__csv *csv)
{
    if (csv->start > 0) {
        memmove(csv->buf, csv->buf + csv->start, csv->end - csv->start);
        csv->end -= csv->start;
        csv->start = 0;
    }
    for (;;) {
        ssize_t got = read(csv->fd, csv->buf + csv->end, VS__CSV_BUF - csv->end);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            csv->line++;
            return vs__csv_fail(sc, csv, "%s", strerror(errno));
        }
        if (got == 0)
            csv->eof = true;
        csv->end += (size_t)got;
        return 0;
    }
}

/* The next line, NUL-terminated in place without its end of line; 0 at the end. */
static int next_line(vs__sc *sc, vs__csv *csv, char **out)
{
    char *s = NULL, *nl;
    size_t len;
    for (;;) {
        s = csv->buf + csv->start;
        len = csv->end - csv->start;
        if ((nl = memchr(s, '\n', len)) != NULL) {
            len = (size_t)(nl - s);
            csv->start += len + 1;
            break;
        }
        if (csv->eof) {
            if (len == 0)
                return 0;
            csv->start = csv->end;
            break;
        }
        if (len > VS__CSV_LINE_MAX) {
            csv->line++;
            return vs__csv_fail(sc, csv, "line longer than %d bytes", VS__CSV_LINE_MAX);
        }
        if (fill(sc, csv) < 0)
            return -1;
    }
    csv->line++;
    s[len] = '\0';
    if (len > 0 && s[len - 1] == '\r')
        s[--len] = '\0';
    if (len > VS__CSV_LINE_MAX)
        return vs__csv_fail(sc, csv, "line longer than %d bytes", VS__CSV_LINE_MAX);
    if (strlen(s) != len)
        return vs__csv_fail(sc, csv, "a NUL byte (not a text file?)");
    if (csv->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    *out = s;
    return 1;
}

static char *trim(char *s, char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *end = '\0';
    return s;
}

int vs__csv_next(vs__sc *sc, vs__csv *csv)
{
    char *s = NULL;
    int rc;
    while ((rc = next_line(sc, csv, &s)) == 1) {
        if (s[strspn(s, " \t")] == '\0')
            continue; /* blank */
        csv->nfields = 0;
        for (;;) {
            char *comma = strchr(s, ',');
            char *end = comma ? comma : s + strlen(s);
            if (csv->nfields == VS__CSV_FIELDS_MAX)
                return vs__csv_fail(sc, csv, "more than %d fields", VS__CSV_FIELDS_MAX);
            csv->fields[csv->nfields++] = trim(s, end);
            if (!comma)
                break;
            s = comma + 1;
        }
        csv->first = !csv->started;
        csv->started = true;
        return 1;
    }
    return rc;
}
