/*
 * trace.c: `run --trace` (trace.h). A run may hand over millions of records, so a line
 * is a few stdio calls into a large buffer: no JSON library and no allocation per line.
 */
#include "report/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/ntstatus.h"
#include "report/report.h"

/* The last status looked up and its name: nearly every record has the same one. */
typedef struct status_cache {
    bool valid;
    NTSTATUS status;
    const char *name; /* NULL: not in the table; else into text */
    char text[64];
} status_cache;

struct vs_trace_file {
    FILE *out;
    bool to_stdout;
    bool in_place; /* a device or a pipe (/dev/null): written directly, never renamed over */
    int error;     /* the first failed write's errno; 0 while none failed */
    status_cache names;
    char *path;
    char tmp[4096];
    char buffer[1 << 18];
};

/* The status's name ("STATUS_SUCCESS"), NULL when the table does not know it. */
static const char *status_name(status_cache *c, NTSTATUS status)
{
    if (c->valid && c->status == status)
        return c->name;
    /* vs_ntstatus_name gives "NAME (0x...)" for a known status, else "0x..." alone. */
    vs_ntstatus_name(status, c->text);
    char *space = strchr(c->text, ' ');
    if (space)
        *space = '\0';
    c->name = space ? c->text : NULL;
    c->status = status;
    c->valid = true;
    return c->name;
}

/* s as a JSON string: `"` and `\` escaped, and control characters as \u00XX. */
static int put_string(FILE *out, const char *s)
{
    static const char special[] = "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
                                  "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                  "\x1c\x1d\x1e\x1f";
    int bad = putc('"', out) == EOF;
    for (;;) {
        size_t n = strcspn(s, special);
        bad |= fwrite(s, 1, n, out) != n;
        s += n;
        if (*s == '\0')
            break;
        unsigned char c = (unsigned char)*s++;
        bad |= (c == '"' || c == '\\' ? fprintf(out, "\\%c", c) : fprintf(out, "\\u%04x", c)) < 0;
    }
    bad |= putc('"', out) == EOF;
    return bad ? -1 : 0;
}

/* The fields in their documented order (docs/report.md "Trace"); those that do not
 * apply are left out. */
static int write_line(FILE *out, const vs_trace_record *r, status_cache *names)
{
    bool callback = r->kind == VS_TRACE_CALLBACK;
    int bad = fprintf(out,
                      "{\"t_ns\":%" PRIu64 ",\"kind\":\"%s\",\"host\":%" PRIu32
                      ",\"switch\":%" PRIu32,
                      r->t, callback ? "callback" : "oid", r->host, r->sw) < 0;
    if (r->port != VS_TRACE_NONE)
        bad |= fprintf(out, ",\"port\":%" PRIu32, r->port) < 0;
    if (r->vm != VS_TRACE_NONE)
        bad |= fprintf(out, ",\"vm\":%" PRIu32, r->vm) < 0;
    if (r->nic != VS_TRACE_NONE)
        bad |= fprintf(out, ",\"nic\":%" PRIu32, r->nic) < 0;
    bad |= fputs(",\"event\":", out) == EOF || put_string(out, r->event ? r->event : "") != 0;
    if (callback && r->plugin)
        bad |= fputs(",\"plugin\":", out) == EOF || put_string(out, r->plugin) != 0;
    bad |= fprintf(out, ",\"status\":\"0x%08X\"", (unsigned)r->status) < 0;
    const char *name = status_name(names, r->status);
    if (name)
        bad |= fprintf(out, ",\"status_name\":\"%s\"", name) < 0;
    bad |= fprintf(out, ",\"duration_ns\":%" PRIu64 ",\"pended\":%s%s}\n", r->duration,
                   r->pended ? "true" : "false",
                   r->validation_port ? ",\"validation_port\":true" : "") < 0;
    return bad ? -1 : 0;
}

int vs_trace_write_line(FILE *out, const vs_trace_record *rec)
{
    status_cache names = {0};
    return write_line(out, rec, &names);
}

static void free_file(vs_trace_file *tf)
{
    free(tf->path);
    free(tf);
}

vs_trace_file *vs_trace_file_new(const char *path, char err[VS_ERROR_MAX])
{
    vs_trace_file *tf = calloc(1, sizeof *tf);
    if (!tf)
        return snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), NULL;
    if (strcmp(path, "-") == 0) {
        tf->out = stdout;
        tf->to_stdout = true;
        return tf;
    }
    if (vs_path_is_special(path)) {
        tf->in_place = true;
        if (!(tf->path = strdup(path)) || !(tf->out = fopen(path, "we"))) {
            snprintf(err, VS_ERROR_MAX, "%s: %s", path,
                     tf->path ? strerror(errno) : "out of memory");
            return free_file(tf), NULL;
        }
        setvbuf(tf->out, tf->buffer, _IOFBF, sizeof tf->buffer);
        return tf;
    }
    if (snprintf(tf->tmp, sizeof tf->tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tf->tmp)
        return snprintf(err, VS_ERROR_MAX, "%s: path too long", path), free_file(tf), NULL;
    if (!(tf->path = strdup(path)))
        return snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), free_file(tf), NULL;
    int fd = mkstemp(tf->tmp);
    if (fd < 0)
        return snprintf(err, VS_ERROR_MAX, "%s: %s", path, strerror(errno)), free_file(tf), NULL;
    /* mkstemp makes the file private; a trace is as readable as any file we create. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    if (!(tf->out = fdopen(fd, "w"))) {
        snprintf(err, VS_ERROR_MAX, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(tf->tmp);
        return free_file(tf), NULL;
    }
    setvbuf(tf->out, tf->buffer, _IOFBF, sizeof tf->buffer);
    return tf;
}

void vs_trace_file_record(void *ctx, const vs_trace_record *rec)
{
    vs_trace_file *tf = ctx;
    if (!tf->error && write_line(tf->out, rec, &tf->names) != 0)
        tf->error = errno ? errno : EIO;
}

FILE *vs_trace_file_stream(vs_trace_file *tf)
{
    return tf->out;
}

void vs_trace_file_fail(vs_trace_file *tf, int error)
{
    if (!tf->error)
        tf->error = error ? error : EIO;
}

int vs_trace_file_finish(vs_trace_file *tf, char err[VS_ERROR_MAX])
{
    if (!tf)
        return 0;
    int error = tf->error;
    if (!error && fflush(tf->out) != 0)
        error = errno;
    if (tf->in_place) {
        if (fclose(tf->out) != 0 && !error)
            error = errno;
    } else if (!tf->to_stdout) {
        if (!error && fsync(fileno(tf->out)) != 0)
            error = errno;
        if (fclose(tf->out) != 0 && !error)
            error = errno;
        if (!error && rename(tf->tmp, tf->path) != 0)
            error = errno;
        if (error)
            unlink(tf->tmp);
    }
    if (error)
        snprintf(err, VS_ERROR_MAX, "%s: %s", tf->to_stdout ? "stdout" : tf->path, strerror(error));
    free_file(tf);
    return error ? -1 : 0;
}

void vs_trace_file_discard(vs_trace_file *tf)
{
    if (!tf)
        return;
    if (tf->to_stdout) {
        fflush(stdout);
    } else if (tf->in_place) {
        fclose(tf->out);
    } else {
        fclose(tf->out);
        unlink(tf->tmp);
    }
    free_file(tf);
}

void vs_trace_file_forget(vs_trace_file *tf)
{
    if (!tf)
        return;
    if (!tf->to_stdout)
        fclose(tf->out); /* empty: stdio was flushed before the fork */
    free_file(tf);
}
