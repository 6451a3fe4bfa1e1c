/*
 * param.h: the parameters a sweep or a plan varies. An axis is a --set path and the
 * values it takes, in order; several axes make a grid, the first axis slowest.
 *
 *   --param workload.rate_per_s=100,200,400       listed values (each as --set reads it:
 *                                                  JSON when it parses, else a string)
 *   --param topology.hosts=1..64:x2                1 2 4 8 16 32 64 (geometric)
 *   --param migration.max_per_host=1..8            1 2 ... 8 (step 1)
 *   --param workload.rate_per_s=0.5..2:+0.5        0.5 1 1.5 2 (arithmetic)
 *   --param run.duration=10s,30s,1,2..4            items mix; commas inside [], {} or ""
 *                                                  do not split
 * A range's ends are inclusive; its values are integers when A, B and the step or
 * factor are integers, else numbers computed as A + i*S (or A*F^i), not accumulated.
 */
#ifndef VS_SCENARIO_PARAM_H
#define VS_SCENARIO_PARAM_H

#include <stddef.h>

#include <jansson.h>

#include "base/error.h"

#define VS_AXIS_MAX_VALUES 100000 /* per axis */
#define VS_GRID_MAX_POINTS 1000000

typedef struct vs_axis {
    char *key;       /* the --set path */
    json_t **values; /* owned references, in sweep order */
    size_t nvalues;
} vs_axis;

/* "KEY=ITEM,ITEM,...". Returns 0, or -1 with a one-line reason in why (it quotes the
 * spec but names no file). An empty key, an empty item, a range that is empty, has a
 * step <= 0 or a factor <= 1 (or a factor with A <= 0), or more than
 * VS_AXIS_MAX_VALUES values are errors. Duplicate values are kept (the user asked). */
int vs_axis_parse(const char *spec, vs_axis *axis, char why[VS_ERROR_MAX]);

/* The same for a key and its value list given apart ("1..64:x2,100"). */
int vs_axis_parse_list(const char *key, const char *list, vs_axis *axis, char why[VS_ERROR_MAX]);

/* From a scenario's "sweep": an array of values taken verbatim (a string stays a
 * string), or a string in the list syntax above. why says what was expected, without
 * a path (the caller knows it). */
int vs_axis_from_json(const char *key, const json_t *values, vs_axis *axis, char why[VS_ERROR_MAX]);

void vs_axis_free(vs_axis *axis);

/* How many points the grid has; 0 when it would exceed VS_GRID_MAX_POINTS. */
size_t vs_grid_size(const vs_axis *axes, size_t naxes);

/* The value index on each axis of grid point `index` (0 <= index < vs_grid_size),
 * the first axis varying slowest. */
void vs_grid_point(const vs_axis *axes, size_t naxes, size_t index, size_t *value_index);

#endif /* VS_SCENARIO_PARAM_H */
