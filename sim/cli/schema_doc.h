/*
 * schema_doc.h: the scenario schema (scenarios/schema.json, a JSON Schema) read for the
 * documentation made from it: vswitchsim-scenario(5) and the --set keys of the completion
 * (help.h). Only what the schema uses is understood: properties, items, $ref into $defs,
 * type, enum, const, oneOf, default, description, bounds, examples.
 */
#ifndef VS_CLI_SCHEMA_DOC_H
#define VS_CLI_SCHEMA_DOC_H

#include <stdbool.h>

#include <jansson.h>

#include "cli/help.h"

/* The schema at path, or NULL with a line in err. */
json_t *vs_schema_doc_load(const char *path, char err[VS_HELP_ERR_MAX]);

/* The node a "$ref": "#/$defs/NAME" points at (followed to the end), or node itself. */
const json_t *vs_schema_doc_resolve(const json_t *root, const json_t *node);

/* Calls each(ctx, path, node) for every key a scenario may have, depth first in the
 * schema's order, by its --set path: "topology", "topology.hosts", "plugins",
 * "plugins.#", "plugins.#.path" ('#' for an array's index). node is resolved; container
 * says whether keys lie below it (an object with properties, or an array of them). */
typedef void vs_schema_doc_each(void *ctx, const char *path, const json_t *node, bool container);
void vs_schema_doc_keys(const json_t *root, vs_schema_doc_each *each, void *ctx);

#endif /* VS_CLI_SCHEMA_DOC_H */
