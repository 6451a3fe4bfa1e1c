/*
 * scenario-int.h: what the scenario loader's files share, and nothing else sees. A
 * vs__sc holds the file name, the JSON path being validated and the first error.
 */
#ifndef VS_SCENARIO_INT_H
#define VS_SCENARIO_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"

#define VS__SC_PATH_MAX 512          /* longer JSON paths are shown cut, with "..." */
#define VS__SC_GOT_MAX 40            /* "got <value>": compact JSON cut to this many bytes */
#define VS__SC_STRING_MAX (1u << 20) /* any string value */
#define VS__SC_TEXT_MAX (64u << 10)  /* the scenario's name and description */
#define VS__SC_DEPTH_MAX 64          /* nesting of arrays and objects, anywhere */
#define VS__SC_FILE_MAX (64u << 20)  /* bytes of a scenario file */
#define VS__SC_HOSTS_MAX 100000      /* topology.hosts; host indices are below it */

/* A file of an "extends" chain (extends.c): origins[0] is the scenario named on the
 * command line, origins[i + 1] the file origins[i] extends. */
typedef struct vs__sc_origin {
    char *file;     /* as messages name it: its "extends" joined to the folder of the file
                     that names it */
    char *dir;      /* relative plugin and CSV paths in its values start here */
    json_t *tree;   /* as parsed, "extends" and all */
    char *text;     /* a base's text, NUL-terminated, to find where its values are */
    uint64_t id[2]; /* device and inode, to refuse cycles; 0 0 for text in memory */
} vs__sc_origin;

#define VS__SC_EXTENDS_MAX 16 /* files in a chain, the scenario itself included */

typedef struct vs__sc {
    const char *file;               /* names the scenario in messages */
    const char *now_file;           /* when set, the file errors name instead, with
                                       "(extended by FILE)" after */
    const char *base_dir;           /* relative plugin and CSV paths start here */
    const char *const *plugin_path; /* --plugin-path dirs or NULL */
    char *err;                      /* VS_ERROR_MAX bytes */
    bool failed;                    /* the first error is kept */
    bool oom;                       /* out of memory: the load says only that */
    size_t pathlen;
    char path[VS__SC_PATH_MAX];
    vs__sc_origin *origins; /* the chain when the scenario extends another, else NULL */
    size_t norigins;
    const json_t *root;  /* the merged tree being validated, for vs__sc_origin_here */
    uint64_t file_id[2]; /* the scenario's device and inode (0 0: text in memory) */
} vs__sc;

void vs__sc_init(vs__sc *sc, const char *file, char *err);

/* The JSON path, "$.plugins[0].name": push returns the old length for pop. */
size_t vs__sc_push_key(vs__sc *sc, const char *key);
size_t vs__sc_push_index(vs__sc *sc, size_t i);
void vs__sc_pop(vs__sc *sc, size_t old);

/* "FILE: $.path: <what>, got <value>" (no ", got" part when got is NULL). Keeps only
 * the first error. Returns -1 for `return vs__sc_fail(...)`. */
int vs__sc_fail(vs__sc *sc, const json_t *got, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "FILE: <what>" with no JSON path, for errors about the file or the command line. */
int vs__sc_fail_file(vs__sc *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Out of memory: whatever else went wrong, the load ends with VS_SCENARIO_OOM and
 * "FILE: out of memory". Returns -1. */
int vs__sc_oom(vs__sc *sc);
/* Compact JSON of v, cut to VS__SC_GOT_MAX bytes with "..." appended. */
void vs__sc_show(const json_t *v, char *buf, size_t size);

/* Every member of obj is one of the NULL-terminated `keys`, else an error at the first
 * that is not. Expects sc's path to point at obj. */
int vs__sc_check_keys(vs__sc *sc, const json_t *obj, const char *const *keys);
/* Each getter looks up obj[key] with the path pushed; a missing key takes the default
 * (or is an error when `required`), a present one must have the type and range. */
int vs__sc_object(vs__sc *sc, const json_t *obj, const char *key, bool required,
                  const json_t **out);
int vs__sc_int(vs__sc *sc, const json_t *obj, const char *key, bool required, int64_t lo,
               int64_t hi, int64_t *out);
int vs__sc_number(vs__sc *sc, const json_t *obj, const char *key, bool required, double lo,
                  bool lo_open, double hi, bool hi_open, double *out);
/* A fresh malloc'ed copy in *out (the default's copy when missing). */
int vs__sc_string(vs__sc *sc, const json_t *obj, const char *key, const char *dflt, size_t maxlen,
                  char **out);
/* One of the NULL-terminated `names`: its index. */
int vs__sc_enum(vs__sc *sc, const json_t *obj, const char *key, const char *const *names, int dflt,
                int *out);
/* What a quantity is and how it is written (quantity.c): a duration, a size or a rate.
 * A distribution's parameters are all of one. `parse` gives whole ticks of the base
 * unit: 0, -1 not a number with one of the units, -2 more than INT64_MAX ticks. */
typedef struct vs__sc_unit {
    const char *name;      /* "duration", as in "expected a duration > 0" */
    const char *plural;    /* "durations" */
    const char *syntax;    /* what one looks like, after "expected a duration: " */
    const char *most;      /* the largest, after "expected a duration of at most " */
    const char *base;      /* the unit of the value a vs_dist holds: "ns", "B", "B/s" */
    double ticks_per_base; /* rates are read in bit/s: 8 ticks a B/s; 1 for the others */
    bool file;             /* an empirical "file" (of microseconds) may hold them */
    int (*parse)(const char *text, uint64_t *ticks);
} vs__sc_unit;
extern const vs__sc_unit vs__sc_durations; /* ns, us, ms, s, m, h -> ns */
extern const vs__sc_unit vs__sc_sizes;     /* B, KB, ... TB, KiB, ... TiB -> bytes */
extern const vs__sc_unit vs__sc_rates;     /* B/s, ..., TiB/s, bps, ..., Tbps -> B/s */

/* A string of unit u at v, in whole ticks; `positive`: 0 is an error. */
int vs__sc_quantity_value(vs__sc *sc, const vs__sc_unit *u, const json_t *v, bool positive,
                          uint64_t *ticks);
/* A duration string; `min_ns` is the least allowed (1 for "must be > 0"). */
int vs__sc_duration(vs__sc *sc, const json_t *obj, const char *key, bool required, const char *dflt,
                    vs_time_t min_ns, vs_time_t *out);
int vs__sc_duration_value(vs__sc *sc, const json_t *v, vs_time_t min_ns, vs_time_t *out);
/* vs_duration_parse with the reason: -1 not a duration, -2 more than INT64_MAX ns. */
int vs__sc_duration_parse(const char *text, vs_time_t *out_ns);

/* A distribution, {"dist": ...} or a duration string; dflt (JSON text) when missing. */
int vs__sc_dist(vs__sc *sc, const json_t *obj, const char *key, const char *dflt, vs_dist *out);
/* The same for a distribution of sizes or rates (or durations): its values in u's base
 * unit, a bare string of u for a constant. */
int vs__sc_dist_of(vs__sc *sc, const vs__sc_unit *u, const json_t *obj, const char *key,
                   const char *dflt, vs_dist *out);

/* Nothing at obj[key], else "$.path.key: <why>": for keys that only some choices take. */
int vs__sc_absent(vs__sc *sc, const json_t *obj, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A CSV file the scenario names (relative to base_dir), read a line at a time: rows of
 * comma-separated fields (no quoting), spaces and tabs around each trimmed, a CR before
 * the LF dropped; blank lines are skipped, a leading UTF-8 byte order mark too. Errors
 * go to sc at its current path, as "NAME:LINE: <what>", NAME as the scenario wrote it;
 * only a file that cannot be opened is named by its resolved path. */
#define VS__CSV_LINE_MAX 4096
#define VS__CSV_FIELDS_MAX 8
typedef struct vs__csv {
    const char *name; /* as written in the scenario */
    int fd;
    size_t line; /* the line last read, from 1 */
    bool first;  /* the row last read is the file's first non-blank line (a header
                           when its first field is not what the caller wants) */
    bool started;
    bool eof;
    char *buf;         /* VS__CSV_BUF bytes; lines are cut in place */
    size_t start, end; /* unread bytes of buf */
    char *fields[VS__CSV_FIELDS_MAX];
    size_t nfields; /* of the row last read */
} vs__csv;
int vs__csv_open(vs__sc *sc, const char *name, vs__csv *csv);
/* Opens `path` for reading if it is a regular file (a FIFO, a device or a directory is
 * refused without blocking): the fd, or -1 with a reason in *why. */
int vs__open_regular(const char *path, const char **why);
/* 1 with the next row's fields, 0 at the end, -1 on an error (a line too long, a NUL
 * byte, more than VS__CSV_FIELDS_MAX fields, a read error). */
int vs__csv_next(vs__sc *sc, vs__csv *csv);
void vs__csv_close(vs__csv *csv);
int vs__csv_fail(vs__sc *sc, const vs__csv *csv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A field quoted for "got ...": printable ASCII as is, others as \xHH, cut to 40 bytes. */
void vs__csv_show(const char *field, char *buf, size_t size);
/* A field as an exact decimal number of `unit` ("us", "s") -> ns, read like a duration:
 * 0 ok, -1 not a number, -2 beyond 2^63-1 ns, -3 negative. */
int vs__csv_decimal(const char *field, const char *unit, vs_time_t *out_ns);

/* "extends" (extends.c): when *root names a base, loads the chain (each base parsed by
 * `parse`, which names the file it is given in syntax errors) into sc->origins and
 * replaces *root with the merge: each file applied over its base as a JSON merge patch
 * (RFC 7386: objects merged key by key, arrays and scalars replaced, null removes the
 * key). Errors name the file whose "extends" is wrong. */
typedef json_t *vs__sc_parse_fn(vs__sc *sc, const char *name, const char *text, size_t len);
int vs__sc_extends(vs__sc *sc, json_t **root, vs__sc_parse_fn *parse);
void vs__sc_origins_free(vs__sc *sc);
/* The file the value at sc's path came from: the closest to the scenario of the files
 * holding an equal value there; NULL when the scenario extends nothing, the value is
 * the scenario's own, a merge of several files' or a --set's. */
const vs__sc_origin *vs__sc_origin_here(const vs__sc *sc);
/* The file of the chain read so far that `file` names (the same pointer), or NULL. */
const vs__sc_origin *vs__sc_origin_named(const vs__sc *sc, const char *file);
/* Writes ":LINE:COLUMN" of the value at sc's path in o's text (its length), or nothing
 * (0) when it cannot be found. */
int vs__sc_origin_position(const vs__sc *sc, const vs__sc_origin *o, char *buf, size_t size);
/* The folder relative paths in the value at sc's path start from. */
const char *vs__sc_dir_here(const vs__sc *sc);
/* Reads the regular file at path whole (at most VS__SC_FILE_MAX bytes; errors name
 * `name`): malloc'ed text, or NULL after an error. *id gets its device and inode. */
char *vs__sc_read_path(vs__sc *sc, const char *path, size_t *len, uint64_t id[2]);
/* "a/b.json" -> "a", "b.json" -> ".", "/b.json" -> "/" (malloc'ed). */
char *vs__sc_dir_of(const char *path);

/* One element of a host list (workload.hosts): an index, or "A..B", A <= B, both ends
 * included, both below VS__SC_HOSTS_MAX. 0 with the hosts in lo..hi, or -1. */
int vs__sc_host_item(const json_t *v, uint32_t *lo, uint32_t *hi);

/* The error when v nests deeper than VS__SC_DEPTH_MAX (the root is depth 1). */
int vs__sc_check_depth(vs__sc *sc, const json_t *v, int depth);

/* Apply --set overrides to the tree (which may be replaced: `$` itself is not
 * settable, so it is not). */
int vs__sc_apply_overrides(vs__sc *sc, json_t *root, const vs_override *ov, size_t n);

/* The "plugins" and "slo" sections of root (each an array, in cfg's arrays). */
int vs__sc_plugins(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_slos(vs__sc *sc, const json_t *root, vs_config *cfg);

/* The "policies" and "policy_changes" sections (policies_json.c). What they name in other
 * sections (plugins, VMs, run.duration) is checked once every section passed, and then
 * the changes are sorted by time (vs__sc_check_policies). */
int vs__sc_policies(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_policy_changes(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_check_policies(vs__sc *sc, const json_t *root, vs_config *cfg);
/* The "extensions" section: the stack (a default one when absent) and its events
 * (extensions_json.c); hosts and times are checked, then events sorted, later. */
int vs__sc_extensions(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_check_extensions(vs__sc *sc, const json_t *root, vs_config *cfg);

/* The "migration" and "workload" sections of root (migration_json.c, workload_json.c). */
int vs__sc_migration(vs__sc *sc, const json_t *root, vs_config *cfg);
/* The "vms" and "network" sections: what the memory pre-copy model needs (vms_json.c,
 * network_json.c). */
int vs__sc_vms(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_network(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_metrics(vs__sc *sc, const json_t *root, vs_config *cfg);
int vs__sc_workload(vs__sc *sc, const json_t *root, vs_config *cfg);
/* The "verifier" section: rules turned off, the callback time bound (verifier_json.c). */
int vs__sc_verifier(vs__sc *sc, const json_t *root, vs_config *cfg);
/* The "sweep" section, kept whole in cfg->sweep (sweep_json.c). */
int vs__sc_sweep(vs__sc *sc, const json_t *root, vs_config *cfg);

/* For the sections (validate.c): enters root[key] as an object, path pushed (*old for
 * vs__sc_pop), its members one of `keys`; an absent optional one reads as NULL, which
 * the getters treat as an object with no members, so defaults apply. */
int vs__sc_enter(vs__sc *sc, const json_t *root, const char *key, bool required,
                 const char *const *keys, const json_t **obj, size_t *old);
/* An integer key into a uint32_t, default already in *out. */
int vs__sc_u32(vs__sc *sc, const json_t *obj, const char *key, bool required, int64_t lo,
               int64_t hi, uint32_t *out);

/* Once every section passed on its own, what ties them together (cross_section.c). */
int vs__sc_check_across(vs__sc *sc, const json_t *root, vs_config *cfg);
/* The path $.a.b, for an error about root[a][b]; returns that value. */
const json_t *vs__sc_at_key(vs__sc *sc, const json_t *root, const char *a, const char *b);
/* The path $.a[i].b, for an error about an array element's member; returns that value. */
const json_t *vs__sc_at_item(vs__sc *sc, const json_t *root, const char *a, size_t i,
                             const char *b);
/* Sorts n elements of `size` bytes by the vs_time_t at `at_offset` in each, keeping the
 * order of equal times (a stable sort, so that equal times happen in file order). */
int vs__sc_sort_by_time(vs__sc *sc, void *base, size_t n, size_t size, size_t at_offset);
/* A trace workload's rows from the CSV file workload.file, into cfg->workload.trace;
 * errors are at $.workload.file (trace_csv.c). */
int vs__sc_load_trace(vs__sc *sc, const json_t *root, vs_config *cfg);

/* The schema: fills cfg from a tree whose depth and overrides are done. On error cfg
 * may hold partial allocations for vs_config_close. */
int vs__sc_validate(vs__sc *sc, const json_t *root, vs_config *cfg);

#endif /* VS_SCENARIO_INT_H */
