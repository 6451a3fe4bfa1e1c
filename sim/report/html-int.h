/*
 * html-int.h: the HTML report's parts, internal to sim/report: a growable text buffer
 * that escapes HTML and line charts drawn as inline SVG (svg.c), and the report's
 * charts (html_charts.c) for the page (html.c).
 */
#ifndef VS_HTML_INT_H
#define VS_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"

/* Appends s with & < > " ' as entities: safe in element text and quoted attributes. */
void vs_html_escape(vs_buf *b, const char *s);

typedef enum vs__scale {
    VS_SCALE_LINEAR, /* from 0 (or the least value, if negative) to the greatest */
    VS_SCALE_LOG,    /* powers of ten; values <= 0 are not drawn */
    VS_SCALE_AUTO,   /* log when the positive values span two decades or more */
    VS_SCALE_NINES,  /* percentiles 0..99.99 at -log10(1 - p/100); above 99.99 at 99.99 */
} vs__scale;

typedef struct vs__axis {
    const char *title; /* with the unit: "latency (µs)" */
    vs__scale scale;
} vs__axis;

/* One line. Points whose x or y is not finite are gaps: the line breaks there. */
typedef struct vs__series {
    const char *name;
    const double *x, *y;
    size_t n;
    /* Optional error bars: a vertical bar from ylo[k] to yhi[k] at each drawn point where
     * both are finite (a confidence interval). NULL for none; the y axis covers them. */
    const double *ylo, *yhi;
} vs__series;

/* A horizontal reference line across the plot (an SLO limit), dashed and labelled; the y
 * axis covers it when the chart draws anything. */
typedef struct vs__threshold {
    double y;
    const char *label; /* "SLO < 300000" */
} vs__threshold;

typedef struct vs__chart {
    const char *id;    /* its data-chart attribute */
    const char *title; /* heading and <title> */
    const char *note;  /* a line under the heading, or NULL */
    const char *empty; /* shown when nothing is drawn: "no data: ..." */
    vs__axis x, y;
    const vs__series *series;
    size_t nseries;
    const vs__threshold *thresholds; /* optional, NULL for none */
    size_t nthresholds;
    /* Optional names for x = 0, 1, ..., n-1 (a parameter whose values are not numbers):
     * the x axis then has one tick per name, labelled with it. NULL for numeric ticks. */
    const char *const *xnames;
    size_t nxnames;
} vs__chart;

/* Appends <figure><svg data-chart data-series data-points>...</svg></figure>: axes with
 * round ticks, one line per series with points (and its error bars), the thresholds, a
 * legend, or the empty text. A chart without the optional fields draws as it always did. */
void vs__svg_chart(vs_buf *b, const vs__chart *c);
/* The CSS that vs__svg_chart's output needs (a page's <style> includes it). */
extern const char vs__chart_css[];
/* The CSS every page starts with: colours, type, the page frame (html.c). */
extern const char vs__page_css[];

/* Appends the report's charts: latency percentiles per callout (pending completion,
 * callback), throughput and in flight over time, the blackout distribution, the
 * blackout by part and the blackout per interval. Each chart draws what the report has, or says it has none. */
void vs__html_charts(vs_buf *b, const json_t *report);

#endif /* VS_HTML_INT_H */
