/*
 * out_table.c: a sweep's results as an aligned text table for the terminal
 * (sweep_output.h): mean ± half-width per point, parameters on the left.
 */
#include "sweep/out-int.h"
#include "sweep/sweep_output.h"

#include <stdio.h>
#include <stdlib.h>

/* Columns on a terminal: UTF-8 continuation bytes take none ("±" is one). */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_padded(FILE *out, const char *s, size_t width, bool left)
{
    size_t pad = width - display_width(s);
    if (!left)
        fprintf(out, "%*s", (int)pad, "");
    fputs(s, out);
    if (left)
        fprintf(out, "%*s", (int)pad, "");
}

/* Each column as wide as its widest cell; parameters read as labels, on the left,
 * numbers line up on the right. */
static void print_grid(FILE *out, const vs__grid *g)
{
    size_t *width = calloc(g->cols, sizeof *width);
    if (!width) {
        fprintf(out, "vswitchsim: out of memory printing the sweep table\n");
        return;
    }
    for (size_t c = 0; c < g->cols; c++)
        for (size_t r = 0; r < g->rows; r++) {
            size_t w = display_width(vs__grid_at(g, r, c));
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < g->rows; r++) {
        for (size_t c = 0; c < g->cols; c++) {
            fputs(c == 0 ? "  " : "   ", out);
            print_padded(out, vs__grid_at(g, r, c), width[c], c < g->nparams);
        }
        fputc('\n', out);
    }
    free(width);
}

static void print_header(FILE *out, const json_t *sweep, size_t rows)
{
    size_t points = vs__grid_points(get(sweep, "params"));
    fprintf(out, "sweep of %s: %zu point%s x %.0f rep%s, %g%% confidence\n", str(sweep, "name"),
            points, points == 1 ? "" : "s", num_or_nan(get(sweep, "reps")),
            num_or_nan(get(sweep, "reps")) == 1 ? "" : "s",
            num_or_nan(get(sweep, "confidence")) * 100);
    if (!json_is_true(get(sweep, "complete")))
        fprintf(out, "  INCOMPLETE: %zu of %zu points have runs\n", rows, points);
    fprintf(out, "\n");
}

void vs_sweep_print_table(FILE *out, const json_t *sweep)
{
    vs__metric_list m = vs__table_metrics(sweep);
    vs__grid g = vs__grid_build(sweep, &m);
    if (g.failed) {
        fprintf(out, "vswitchsim: out of memory printing the sweep table\n");
        vs__grid_free(&g);
        vs__metric_list_free(&m);
        return;
    }
    print_header(out, sweep, g.rows - 1);
    print_grid(out, &g);
    vs__grid_free(&g);
    vs__metric_list_free(&m);
}
