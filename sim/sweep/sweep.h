/*
 * sweep.h: a sweep's runs, as they come in from any process in any order, and the
 * document they make (the JSON that sweep_output.h describes). The document depends
 * only on the runs recorded, never on their arrival order, so -j and MPI ranks do not
 * change it; and an earlier document of the same sweep can be read back to resume.
 */
#ifndef VS_SWEEP_SWEEP_H
#define VS_SWEEP_SWEEP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "scenario/param.h"
#include "scenario/scenario.h"

/* What defines a sweep; the sweep keeps its own copies. */
typedef struct vs_sweep_def {
    const char *scenario; /* the path as given */
    const char *name;     /* the scenario's name */
    uint64_t seed;        /* the scenario's seed: replication 0's */
    const vs_axis *axes;
    size_t naxes;
    unsigned reps;
    double confidence;
    const char *const *metrics; /* report paths */
    size_t nmetrics;
    const json_t *slos;      /* the scenario's SLOs as strings */
    const char *fingerprint; /* what a resumed document must match */
} vs_sweep_def;

typedef struct vs_sweep vs_sweep;

vs_sweep *vs_sweep_new(const vs_sweep_def *def);
void vs_sweep_free(vs_sweep *sw);

size_t vs_sweep_points(const vs_sweep *sw);
unsigned vs_sweep_reps(const vs_sweep *sw);

/* The job of replication `rep` of point `point` (job.h), a new reference. */
json_t *vs_sweep_job(const vs_sweep *sw, size_t point, unsigned rep);

bool vs_sweep_has(const vs_sweep *sw, size_t point, unsigned rep);
void vs_sweep_record(vs_sweep *sw, size_t point, unsigned rep, const json_t *result);
size_t vs_sweep_recorded(const vs_sweep *sw);

/* The worst exit code among the runs recorded: 1 before 2 before 3 before 0 (a run
 * that failed outright says more than one that breached an SLO). */
int vs_sweep_exit(const vs_sweep *sw);

/* Takes the runs of `old`, an earlier document of this sweep: points are matched by
 * their parameter values (so a grid that grew keeps what it had), runs by rep and seed.
 * Returns how many runs were taken, or -1 with a reason when old is another sweep. */
long vs_sweep_resume(vs_sweep *sw, const json_t *old, char why[VS_ERROR_MAX]);

/* The document (sweep_output.h), a new reference; NULL when out of memory. */
json_t *vs_sweep_document(const vs_sweep *sw, bool complete);

#endif /* VS_SWEEP_SWEEP_H */
