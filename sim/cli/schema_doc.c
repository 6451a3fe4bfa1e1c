/*
 * schema_doc.c: the scenario schema read for documentation (schema_doc.h), and
 * vswitchsim-scenario(5) written from it (help.h).
 */
#include "cli/schema_doc.h"

#include <stdlib.h>
#include <string.h>

#include "cli/roff.h"

#define PATH_MAX_LEN 512
#define DEPTH_MAX 16 /* keys nested deeper are not walked: a schema that refers to itself */

json_t *vs_schema_doc_load(const char *path, char err[VS_HELP_ERR_MAX])
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        snprintf(err, VS_HELP_ERR_MAX, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    else if (!json_is_object(json_object_get(root, "properties"))) {
        snprintf(err, VS_HELP_ERR_MAX, "%s: $.properties: expected an object (a JSON Schema)",
                 path);
        json_decref(root);
        root = NULL;
    }
    return root;
}

/* "#/$defs/NAME" -> NAME, else NULL. */
static const char *ref_name(const json_t *node)
{
    const char *ref = json_string_value(json_object_get(node, "$ref"));
    return ref && strncmp(ref, "#/$defs/", 8) == 0 ? ref + 8 : NULL;
}

const json_t *vs_schema_doc_resolve(const json_t *root, const json_t *node)
{
    const json_t *defs = json_object_get(root, "$defs");
    for (int hops = 0; hops < 16 && ref_name(node); hops++) {
        const json_t *def = json_object_get(defs, ref_name(node));
        if (!def)
            break;
        node = def;
    }
    return node;
}

/* The array's items when they are objects with keys, else NULL. */
static const json_t *object_items(const json_t *root, const json_t *node)
{
    const json_t *items = vs_schema_doc_resolve(root, json_object_get(node, "items"));
    return json_is_object(json_object_get(items, "properties")) ? items : NULL;
}

static void each_key(const json_t *root, const json_t *props, const char *prefix,
                     vs_schema_doc_each *each, void *ctx, int depth)
{
    const char *key;
    if (depth > DEPTH_MAX)
        return;
    const json_t *value;
    json_object_foreach((json_t *)props, key, value) {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        const json_t *node = vs_schema_doc_resolve(root, value);
        const json_t *sub = json_object_get(node, "properties");
        const json_t *items = object_items(root, node);
        each(ctx, path, node, json_is_object(sub) || items);
        if (json_is_object(sub))
            each_key(root, sub, path, each, ctx, depth + 1);
        if (items) {
            char elem[PATH_MAX_LEN + 2];
            snprintf(elem, sizeof elem, "%s.#", path);
            each(ctx, elem, items, true);
            each_key(root, json_object_get(items, "properties"), elem, each, ctx, depth + 1);
        }
    }
}

void vs_schema_doc_keys(const json_t *root, vs_schema_doc_each *each, void *ctx)
{
    each_key(root, json_object_get(root, "properties"), "", each, ctx, 0);
}

/* The man page ------------------------------------------------------------------------ */

/* A JSON value as a scenario would write it: "2s", 16, ["a"]. */
static void put_json(FILE *out, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (text)
        vs_roff_text(out, text);
    free(text);
}

static void put_type(FILE *out, const json_t *root, const json_t *node, int depth);

/* "a or b": the alternatives of a oneOf or anyOf. */
static void put_alternatives(FILE *out, const json_t *root, const json_t *list, int depth)
{
    size_t i;
    const json_t *alt;
    json_array_foreach((json_t *)list, i, alt) {
        fputs(i ? " or " : "", out);
        put_type(out, root, alt, depth + 1);
    }
}

/* {"dist": "uniform", "min": duration, ...}: an object alternative, by its keys. */
static void put_object_form(FILE *out, const json_t *root, const json_t *props, int depth)
{
    const char *key;
    const json_t *value;
    bool first = true;
    fputs("{", out);
    json_object_foreach((json_t *)props, key, value) {
        fprintf(out, "%s\"%s\": ", first ? "" : ", ", key);
        put_type(out, root, value, depth + 1);
        first = false;
    }
    fputs("}", out);
}

static void put_type(FILE *out, const json_t *root, const json_t *node, int depth)
{
    const json_t *type = json_object_get(node, "type");
    if (depth > 4)
        fputs("...", out);
    else if (ref_name(node))
        fprintf(out, "\\fI%s\\fR", ref_name(node));
    else if (json_object_get(node, "const"))
        put_json(out, json_object_get(node, "const"));
    else if (json_is_array(json_object_get(node, "enum"))) {
        size_t i;
        const json_t *v;
        json_array_foreach(json_object_get(node, "enum"), i, v) {
            fputs(i ? " | " : "", out);
            put_json(out, v);
        }
    } else if (json_object_get(node, "oneOf"))
        put_alternatives(out, root, json_object_get(node, "oneOf"), depth);
    else if (json_object_get(node, "anyOf"))
        put_alternatives(out, root, json_object_get(node, "anyOf"), depth);
    else if (json_is_string(type) && strcmp(json_string_value(type), "array") == 0 &&
             json_object_get(node, "items")) {
        fputs("array of ", out);
        put_type(out, root, json_object_get(node, "items"), depth + 1);
    } else if (json_is_string(type) && strcmp(json_string_value(type), "object") == 0 &&
               json_is_object(json_object_get(node, "properties")) && depth > 0)
        put_object_form(out, root, json_object_get(node, "properties"), depth);
    else if (json_is_string(type))
        fputs(json_string_value(type), out);
    else if (json_is_array(type))
        put_alternatives(out, root, type, depth); /* ["integer", "string"]: as strings */
    else
        fputs("any", out);
}

/* ", from 1 to 100000", ", > 0": the bounds of a number. */
static void put_bounds(FILE *out, const json_t *node)
{
    const json_t *lo = json_object_get(node, "minimum"), *hi = json_object_get(node, "maximum");
    const json_t *xlo = json_object_get(node, "exclusiveMinimum");
    const json_t *xhi = json_object_get(node, "exclusiveMaximum");
    if (!lo && !hi && !xlo && !xhi)
        return;
    fputs(", ", out);
    if (lo && hi) { /* the usual case, as the help says it */
        put_json(out, lo);
        fputs(" to ", out);
        put_json(out, hi);
        return;
    }
    if (lo || xlo) {
        fputs(lo ? ">= " : "> ", out);
        put_json(out, lo ? lo : xlo);
    }
    if (hi || xhi) {
        fputs(lo || xlo ? " and " : "", out);
        fputs(hi ? "<= " : "< ", out);
        put_json(out, hi ? hi : xhi);
    }
}

typedef struct man_ctx {
    FILE *out;
    const json_t *root;
} man_ctx;

/* Whether parent's "required" names key. */
static bool is_required(const json_t *parent, const char *key)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(parent, "required"), i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), key) == 0)
            return true;
    return false;
}

/* One key: ".TP", its path and type, its description and default. `declared` is the node
 * as written (its own description and default come before its $ref's). */
static void key_entry(const man_ctx *m, const char *path, const json_t *declared, bool required)
{
    FILE *out = m->out;
    const json_t *node = vs_schema_doc_resolve(m->root, declared);
    fputs(".TP\n\\fB", out);
    vs_roff_text(out, path);
    fputs("\\fR (", out);
    put_type(out, m->root, declared, 0);
    put_bounds(out, node);
    fputs(required ? "; required)\n" : ")\n", out);
    const json_t *desc = json_object_get(declared, "description"); /* a type's: in TYPES */
    if (json_is_string(desc)) {
        vs_roff_text(out, json_string_value(desc));
        fputc('\n', out);
    }
    const json_t *def = json_object_get(declared, "default");
    if (def) {
        fputs(desc ? ".br\nDefault: " : "Default: ", out);
        put_json(out, def);
        fputs(".\n", out);
    }
}

/* The keys below `node` (an object's properties), recursively, by their --set paths. */
static void key_entries(const man_ctx *m, const json_t *node, const char *prefix, int depth)
{
    const char *key;
    if (depth > DEPTH_MAX)
        return;
    const json_t *value;
    json_object_foreach(json_object_get(node, "properties"), key, value) {
        char path[PATH_MAX_LEN];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key);
        key_entry(m, path, value, is_required(node, key));
        const json_t *sub = vs_schema_doc_resolve(m->root, value);
        if (json_is_object(json_object_get(sub, "properties")))
            key_entries(m, sub, path, depth + 1);
        const json_t *items = object_items(m->root, sub);
        if (items) {
            char elem[PATH_MAX_LEN + 2];
            snprintf(elem, sizeof elem, "%s.N", path);
            key_entries(m, items, elem, depth + 1);
        }
    }
}

/* The top-level keys that are sections (objects with keys, arrays of them), or not. */
static bool is_section(const json_t *root, const json_t *value)
{
    const json_t *node = vs_schema_doc_resolve(root, value);
    return json_is_object(json_object_get(node, "properties")) || object_items(root, node);
}

static void sections(const man_ctx *m)
{
    FILE *out = m->out;
    const json_t *props = json_object_get(m->root, "properties");
    const char *key;
    const json_t *value;
    fputs(".SH KEYS\nEach key is named by the path \\fB\\-\\-set\\fR takes (an array's "
          "elements by their index, N below: \\fBplugins.0.path\\fR). Types in italics are "
          "under TYPES.\n.SS \"Top level\"\n",
          out);
    json_object_foreach((json_t *)props, key, value)
        if (!is_section(m->root, value))
            key_entry(m, key, value, is_required(m->root, key));
    json_object_foreach((json_t *)props, key, value) {
        if (!is_section(m->root, value))
            continue;
        fprintf(out, ".SS %s\n", key);
        key_entry(m, key, value, is_required(m->root, key));
        const json_t *node = vs_schema_doc_resolve(m->root, value);
        const json_t *items = object_items(m->root, node);
        char elem[PATH_MAX_LEN];
        snprintf(elem, sizeof elem, "%s.N", key);
        key_entries(m, items ? items : node, items ? elem : key, 0);
    }
}

/* $defs: each named type, its forms, description and examples. */
static void types(const man_ctx *m)
{
    FILE *out = m->out;
    const char *name;
    const json_t *def;
    fputs(".SH TYPES\n", out);
    json_object_foreach(json_object_get(m->root, "$defs"), name, def) {
        fprintf(out, ".TP\n\\fI%s\\fR\n", name);
        const json_t *desc = json_object_get(def, "description");
        if (json_is_string(desc)) {
            vs_roff_text(out, json_string_value(desc));
            fputc('\n', out);
        }
        size_t i;
        const json_t *alt;
        json_array_foreach(json_object_get(def, "oneOf"), i, alt) {
            fputs(".br\n\\(bu ", out);
            put_type(out, m->root, alt, 1);
            fputc('\n', out);
        }
        if (json_object_get(def, "properties")) {
            fputs(".br\nAn object: ", out);
            put_object_form(out, m->root, json_object_get(def, "properties"), 1);
            fputc('\n', out);
        }
        json_array_foreach(json_object_get(def, "examples"), i, alt) {
            fputs(i ? ", " : ".br\nExamples: ", out);
            put_json(out, alt);
        }
        if (json_array_size(json_object_get(def, "examples")))
            fputs(".\n", out);
    }
}

int vs_cli_write_scenario_man(const char *schema_path, FILE *out, char err[VS_HELP_ERR_MAX])
{
    json_t *root = vs_schema_doc_load(schema_path, err);
    if (!root)
        return -1;
    man_ctx m = {out, root};
    vs_roff_heading(out, "vswitchsim-scenario", 5, "vswitchsim help --scenario-man");
    fputs(".SH NAME\nvswitchsim\\-scenario \\- the scenario file of vswitchsim(1), in JSON\n"
          ".SH DESCRIPTION\n",
          out);
    const json_t *desc = json_object_get(root, "description");
    vs_roff_text(out, json_is_string(desc) ? json_string_value(desc) : "");
    fputs("\n.PP\nUnknown keys are errors. \\fBvswitchsim validate\\fR checks a file; "
          "\\fBvswitchsim run \\-\\-set KEY=VALUE\\fR changes a key for one run.\n",
          out);
    sections(&m);
    types(&m);
    fputs(".SH \"SEE ALSO\"\n.BR vswitchsim (1)\n", out);
    json_decref(root);
    return 0;
}
