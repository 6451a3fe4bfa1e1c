/*
 * svg.h: line charts and heat maps drawn as inline SVG, for self-contained HTML pages
 * (svg.c). A page puts vs_chart_css in its <style> and appends one vs_svg_chart (or
 * vs_svg_heatmap) per chart.
 */
#ifndef VS_RENDER_SVG_H
#define VS_RENDER_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef enum vs_scale {
    VS_SCALE_LINEAR, /* from 0 (or the least value, if negative) to the greatest */
    VS_SCALE_LOG,    /* powers of ten; values <= 0 are not drawn */
    VS_SCALE_AUTO,   /* log when the positive values span two decades or more */
    VS_SCALE_NINES,  /* percentiles 0..99.99 at -log10(1 - p/100); above 99.99 at 99.99 */
} vs_scale;

/* What an axis's values are: plain numbers, or simulated microseconds, which the axis
 * shows in the unit that reads best (render/units.h). */
typedef enum vs_axis_unit {
    VS_UNIT_NONE,
    VS_UNIT_US,
} vs_axis_unit;

typedef struct vs_axis {
    const char *title; /* with the unit ("rate (1/s)"), or without it for VS_UNIT_US */
    vs_scale scale;
    /* VS_UNIT_US: a linear axis picks one unit for all its ticks and adds it to the
     * title ("blackout (ms)"); a log axis labels each tick with its own ("100 µs",
     * "1 ms", "10 ms"). */
    vs_axis_unit unit;
} vs_axis;

/* One line. Points whose x or y is not finite are gaps: the line breaks there. */
typedef struct vs_series {
    const char *name;
    const double *x, *y;
    size_t n;
    /* Optional error bars: a vertical bar from ylo[k] to yhi[k] at each drawn point where
     * both are finite (a confidence interval). NULL for none; the y axis covers them. */
    const double *ylo, *yhi;
    /* Optional: a CSS colour instead of the palette's (a plan's pass, fail, ...), and
     * points without a line between them (the legend shows a dot). */
    const char *color;
    bool markers_only;
} vs_series;

/* A horizontal reference line across the plot (an SLO limit), dashed and labelled; the y
 * axis covers it when the chart draws anything. */
typedef struct vs_threshold {
    double y;
    const char *label; /* "SLO < 300000" */
} vs_threshold;

/* Text fields are plain text: the chart escapes them. */
typedef struct vs_chart {
    const char *id;    /* its data-chart attribute */
    const char *title; /* heading and <title> */
    const char *note;  /* a line under the heading, or NULL */
    const char *empty; /* shown when nothing is drawn: "no data: ..." */
    vs_axis x, y;
    const vs_series *series;
    size_t nseries;
    const vs_threshold *thresholds; /* optional, NULL for none */
    size_t nthresholds;
    /* Optional names for x = 0, 1, ..., n-1 (a parameter whose values are not numbers):
     * the x axis then has one tick per name, labelled with it, up to VS_CHART_MAX_NAMES
     * (more fall back to numeric ticks). NULL for numeric ticks. */
    const char *const *xnames;
    size_t nxnames;
} vs_chart;

enum { VS_CHART_MAX_NAMES = 12 };

/* Appends <figure><svg data-chart data-series data-points>...</svg></figure>: axes with
 * round ticks, one line per series with points (and its error bars), the thresholds, a
 * legend, or the empty text. A chart without the optional fields draws as it always did. */
void vs_svg_chart(vs_buf *b, const vs_chart *c);

/* A heat map: one row per named thing (a host), one column per span of x (time), each
 * cell coloured by its value on a scale from 0 to vmax, with the scale drawn under it.
 * Text fields are plain text. */
typedef struct vs_heatmap {
    const char *id, *title, *note, *empty;
    vs_axis x;               /* the columns' axis */
    const char *value_title; /* what the colour says: "migrations at once" */
    size_t nrows, ncols;
    const char *const *row_names; /* nrows */
    const double *edges;          /* ncols + 1: where each column starts, and the last ends */
    const double *v;              /* [row * ncols + col]; not finite: no value */
    double vmax;                  /* the scale's top; 0: the greatest value */
} vs_heatmap;

/* Appends <figure><svg data-chart data-rows data-cols>...</svg></figure>: cells of equal
 * colour side by side drawn as one, so a long quiet row costs one element. */
void vs_svg_heatmap(vs_buf *b, const vs_heatmap *h);

/* The CSS that vs_svg_chart's output needs (a page's <style> includes it). */
extern const char vs_chart_css[];

#endif /* VS_RENDER_SVG_H */
