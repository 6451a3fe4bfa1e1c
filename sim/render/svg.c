/*
 * svg.c: line charts as inline SVG for HTML pages (svg.h). A chart is planned first (the
 * scale and round ticks of each axis, what can be drawn), then written: legend, grid,
 * axes, lines with their points; or, with nothing to draw, a visible "no data" text, so
 * that an empty chart never looks like a broken one.
 */
#include "render/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "render/units.h"

/* The charts' styles, for every page that draws them (the run report, sweep and plan). */
const char vs_chart_css[] =
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}"
    "figure.chart{margin:0;background:var(--card);border:1px solid var(--line);"
    "border-radius:6px;padding:12px 12px 4px}"
    "figcaption{font-weight:600;font-size:14px}"
    "figcaption small{display:block;font-weight:400;color:var(--muted);font-size:12px}"
    "svg.plot{display:block;width:100%;height:auto;"
    "font:11px system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
    "svg .area{fill:#fbfcfd;stroke:none}svg .grid line{stroke:#e6e9ed}"
    "svg .axis path{fill:none;stroke:#7b8794}svg .ticks text{fill:#52606d}"
    "svg .axis-title{fill:#323f4b;font-weight:600}svg .legend text{fill:#323f4b}"
    "svg .legend .no-data text{fill:#9aa5b1}"
    "svg .line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}"
    "svg.empty .area{fill:#f7f8fa;stroke:#cbd2d9;stroke-dasharray:5 4}"
    "svg .empty{fill:#7b8794;font-size:14px;font-style:italic}";

/* ---- Planning: scales, round ticks, what can be drawn ------------------------------- */

enum { MAX_TICKS = VS_CHART_MAX_NAMES, MARKERS_UP_TO = 40 };
enum { W = 640, PLOT_H = 250, ML = 64, MR = 22, MB = 50, LEGEND_ROW = 18 };

typedef struct axis_plan {
    vs_scale scale; /* resolved: linear, log or nines */
    double lo, hi;  /* the domain, in scaled units */
    int nticks;
    double tick[MAX_TICKS];
    char label[MAX_TICKS][16];
    const char *const *names; /* the chart's x names, written instead of label */
    const char *unit;         /* added to the axis title: "ms"; NULL for none */
} axis_plan;

typedef struct extent {
    double min, max, minpos;
    size_t n;
} extent;

static double scaled(vs_scale s, double v)
{
    if (!isfinite(v))
        return NAN;
    if (s == VS_SCALE_LOG)
        return v > 0 ? log10(v) : NAN;
    if (s == VS_SCALE_NINES)
        return v >= 99.99 ? 4.0 : v <= 0 ? 0.0 : -log10(1.0 - v / 100.0);
    return v;
}

static const double *values(const vs_series *s, bool y)
{
    return y ? s->y : s->x;
}

static void extend(extent *e, double v)
{
    if (!isfinite(v))
        return;
    e->min = fmin(e->min, v);
    e->max = fmax(e->max, v);
    e->minpos = v > 0 ? fmin(e->minpos, v) : e->minpos;
}

/* Over the points that have both coordinates finite; for y, also their error bars and,
 * when there is a point, the thresholds, so that neither is cut off. n counts points. */
static extent extent_of(const vs_chart *c, bool y)
{
    extent e = {INFINITY, -INFINITY, INFINITY, 0};
    for (size_t i = 0; i < c->nseries; i++) {
        const vs_series *s = &c->series[i];
        for (size_t k = 0; k < s->n; k++) {
            if (!isfinite(s->x[k]) || !isfinite(s->y[k]))
                continue;
            extend(&e, values(s, y)[k]);
            e.n++;
            if (y && s->ylo && s->yhi) {
                extend(&e, s->ylo[k]);
                extend(&e, s->yhi[k]);
            }
        }
    }
    for (size_t i = 0; y && e.n && i < c->nthresholds; i++)
        extend(&e, c->thresholds[i].y);
    return e;
}

/* "2.5k"-style: SI suffixes, as many decimals as the tick step needs, no trailing 0s. */
static void format_tick(char out[16], double v, double step)
{
    static const char *const si[] = {"", "k", "M", "G", "T"};
    int k = 0;
    for (; fabs(v) >= 1000 && k < 4; k++) {
        v /= 1000;
        step /= 1000;
    }
    int decimals = step >= 1 ? 0 : (int)fmin(6, ceil(-log10(step) - 1e-9));
    snprintf(out, 16, "%.*f", decimals, fabs(v) < step * 1e-9 ? 0.0 : v);
    if (strchr(out, '.')) {
        char *end = out + strlen(out) - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    strncat(out, si[k], 15 - strlen(out));
}

/* 1, 2 or 5 times a power of ten, giving about `target` steps over span. */
static double nice_step(double span, int target)
{
    double raw = span / target, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void plan_linear(axis_plan *p, extent e, int target)
{
    double lo = fmin(e.min, 0), hi = e.max > lo ? e.max : lo + 1;
    double step = nice_step(hi - lo, target);
    p->lo = floor(lo / step + 1e-9) * step;
    p->hi = ceil(hi / step - 1e-9) * step;
    for (p->nticks = 0; p->nticks < MAX_TICKS; p->nticks++) {
        double t = p->lo + p->nticks * step;
        if (t > p->hi + step / 2)
            break;
        p->tick[p->nticks] = t;
        format_tick(p->label[p->nticks], t, step);
    }
}

/* Whole decades, every decade or every few so that at most 7 are labeled. */
static void plan_log(axis_plan *p, extent e)
{
    double lo = floor(log10(e.minpos)), hi = ceil(log10(e.max));
    hi = hi > lo ? hi : lo + 1;
    double stride = ceil((hi - lo) / 6);
    p->lo = lo;
    p->hi = lo + ceil((hi - lo) / stride) * stride;
    for (p->nticks = 0; p->nticks < MAX_TICKS; p->nticks++) {
        double t = lo + p->nticks * stride;
        if (t > p->hi + 0.5)
            break;
        p->tick[p->nticks] = t;
        format_tick(p->label[p->nticks], pow(10, t), pow(10, t));
    }
}

static void plan_nines(axis_plan *p)
{
    static const char *const labels[] = {"0", "90", "99", "99.9", "99.99"};
    p->lo = 0;
    p->hi = 4;
    p->nticks = 5;
    for (int i = 0; i < 5; i++) {
        p->tick[i] = i;
        snprintf(p->label[i], sizeof p->label[i], "%s", labels[i]);
    }
}

/* One tick per name at x = 0, 1, ..., with half a step of room on either side. */
static void plan_names(axis_plan *p, const vs_chart *c)
{
    p->scale = VS_SCALE_LINEAR;
    p->lo = -0.5;
    p->hi = (double)c->nxnames - 0.5;
    p->nticks = (int)c->nxnames;
    p->names = c->xnames;
    for (int i = 0; i < p->nticks; i++)
        p->tick[i] = i;
}

/* Ticks of simulated µs: on a log axis each in its own unit; on a linear one all in the
 * unit of the largest, named once in the title. The steps stay round (1, 2 or 5 times a
 * power of ten µs is one in every unit). */
static void label_times(axis_plan *p)
{
    if (p->scale == VS_SCALE_LOG) {
        for (int i = 0; i < p->nticks; i++) {
            char text[VS_UNITS_MAX];
            vs_format_us(text, pow(10, p->tick[i]), true);
            memcpy(p->label[i], text, sizeof p->label[i] - 1); /* "1,000,000 s" fits */
            p->label[i][sizeof p->label[i] - 1] = '\0';
        }
        return;
    }
    if (p->scale != VS_SCALE_LINEAR || p->nticks < 1)
        return;
    double step = p->nticks > 1 ? p->tick[1] - p->tick[0] : 1;
    vs_time_unit u = vs_time_unit_of(fmax(fabs(p->lo), fabs(p->hi)));
    for (int i = 0; i < p->nticks; i++)
        format_tick(p->label[i], p->tick[i] / u.us, step / u.us);
    p->unit = u.name;
}

static axis_plan plan_axis(const vs_chart *c, bool y)
{
    const vs_axis *a = y ? &c->y : &c->x;
    if (!y && c->xnames && c->nxnames > 0 && c->nxnames <= MAX_TICKS) {
        axis_plan p = {0};
        plan_names(&p, c);
        return p;
    }
    extent e = extent_of(c, y);
    axis_plan p = {.scale = a->scale};
    if (p.scale == VS_SCALE_AUTO)
        p.scale = e.n && e.min > 0 && e.max / e.min >= 100 ? VS_SCALE_LOG : VS_SCALE_LINEAR;
    if (p.scale == VS_SCALE_LOG && !isfinite(e.minpos))
        p.scale = VS_SCALE_LINEAR; /* nothing positive: draw what there is */
    if (p.scale == VS_SCALE_NINES)
        plan_nines(&p);
    else if (p.scale == VS_SCALE_LOG)
        plan_log(&p, e);
    else
        plan_linear(&p, e.n ? e : (extent){0, 1, 1, 0}, y ? 5 : 7);
    if (a->unit == VS_UNIT_US)
        label_times(&p);
    return p;
}

static bool drawable(const axis_plan *px, const axis_plan *py, const vs_series *s, size_t k)
{
    return isfinite(scaled(px->scale, s->x[k])) && isfinite(scaled(py->scale, s->y[k]));
}

static size_t points_of(const axis_plan *px, const axis_plan *py, const vs_series *s)
{
    size_t n = 0;
    for (size_t k = 0; k < s->n; k++)
        n += drawable(px, py, s, k);
    return n;
}

/* ---- Writing ------------------------------------------------------------------------ */

/* Colors that stay apart for the color-blind, and dashes so that lines drawn over each
 * other (saves/s and restores/s often agree) both stay visible. */
static const char *const PALETTE[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                      "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"};
static const char *const DASHES[] = {"none", "7 4", "2 3", "10 3 2 3"};

typedef struct style {
    const char *color, *dash;
} style;

static style style_of(size_t i)
{
    return (style){PALETTE[i % (sizeof PALETTE / sizeof PALETTE[0])],
                   DASHES[i % (sizeof DASHES / sizeof DASHES[0])]};
}

/* The i-th series' style: its own colour when it has one. */
static style style_for(const vs_series *s, size_t i)
{
    style st = style_of(i);
    if (s->color)
        st.color = s->color;
    return st;
}

typedef struct frame {
    axis_plan x, y;
    int top, height; /* plot area top, whole chart height */
} frame;

static double px_x(const frame *f, double v)
{
    return ML + (scaled(f->x.scale, v) - f->x.lo) / (f->x.hi - f->x.lo) * (W - ML - MR);
}

static double px_y(const frame *f, double v)
{
    return f->top + PLOT_H - (scaled(f->y.scale, v) - f->y.lo) / (f->y.hi - f->y.lo) * PLOT_H;
}

static double tick_x(const frame *f, int i)
{
    return ML + (f->x.tick[i] - f->x.lo) / (f->x.hi - f->x.lo) * (W - ML - MR);
}

static double tick_y(const frame *f, int i)
{
    return f->top + PLOT_H - (f->y.tick[i] - f->y.lo) / (f->y.hi - f->y.lo) * PLOT_H;
}

/* The plot area, and a grid line at every tick over it. */
static void write_grid(vs_buf *b, const frame *f)
{
    int bottom = f->top + PLOT_H;
    vs_buf_printf(b,
                  "<g class=\"grid\"><rect class=\"area\" x=\"%d\" y=\"%d\" width=\"%d\" "
                  "height=\"%d\"/>",
                  ML, f->top, W - ML - MR, PLOT_H);
    for (int i = 0; i < f->x.nticks; i++)
        vs_buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", tick_x(f, i),
                      f->top, tick_x(f, i), bottom);
    for (int i = 0; i < f->y.nticks; i++)
        vs_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", ML, tick_y(f, i),
                      W - MR, tick_y(f, i));
    vs_buf_puts(b, "</g>\n");
}

static void write_ticks(vs_buf *b, const frame *f)
{
    int bottom = f->top + PLOT_H;
    vs_buf_puts(b, "<g class=\"ticks\">");
    for (int i = 0; i < f->x.nticks; i++) {
        vs_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", tick_x(f, i),
                      bottom + 17);
        if (f->x.names)
            vs_html_escape(b, f->x.names[i]);
        else
            vs_buf_puts(b, f->x.label[i]);
        vs_buf_puts(b, "</text>");
    }
    for (int i = 0; i < f->y.nticks; i++)
        vs_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" dy=\"0.32em\" text-anchor=\"end\">%s</text>",
                      ML - 7, tick_y(f, i), f->y.label[i]);
    vs_buf_puts(b, "</g>\n");
}

static void write_axis_title(vs_buf *b, const char *title, const axis_plan *p)
{
    vs_html_escape(b, title);
    if (p->unit)
        vs_buf_printf(b, " (%s)", p->unit);
}

static void write_axes(vs_buf *b, const vs_chart *c, const frame *f)
{
    int bottom = f->top + PLOT_H;
    vs_buf_printf(b, "<g class=\"axis\"><path d=\"M%d %dV%dH%d\"/>", ML, f->top, bottom, W - MR);
    vs_buf_printf(b, "<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                  ML + (W - ML - MR) / 2, f->height - 10);
    write_axis_title(b, c->x.title, &f->x);
    vs_buf_printf(b,
                  "</text><text class=\"axis-title\" transform=\"translate(16 %d) "
                  "rotate(-90)\" text-anchor=\"middle\">",
                  f->top + PLOT_H / 2);
    write_axis_title(b, c->y.title, &f->y);
    vs_buf_puts(b, "</text></g>\n");
}

/* The line breaks at points it cannot draw, so a gap shows as a gap. */
static void write_line(vs_buf *b, const frame *f, const vs_series *s, style st)
{
    vs_buf_printf(b,
                  "<path class=\"line\" stroke=\"%s\" stroke-dasharray=\"%s\" "
                  "data-name=\"",
                  st.color, st.dash);
    vs_html_escape(b, s->name);
    vs_buf_puts(b, "\" d=\"");
    bool pen_down = false;
    for (size_t k = 0; k < s->n; k++) {
        bool ok = drawable(&f->x, &f->y, s, k);
        if (ok)
            vs_buf_printf(b, "%s%.1f %.1f", pen_down ? "L" : "M", px_x(f, s->x[k]),
                          px_y(f, s->y[k]));
        pen_down = ok;
    }
    vs_buf_puts(b, "\"><title>");
    vs_html_escape(b, s->name);
    vs_buf_puts(b, "</title></path>\n");
}

/* A point with gaps on both sides: no line goes through it, only its marker shows it. */
static bool isolated(const frame *f, const vs_series *s, size_t k)
{
    return (k == 0 || !drawable(&f->x, &f->y, s, k - 1)) &&
           (k + 1 == s->n || !drawable(&f->x, &f->y, s, k + 1));
}

/* Every point of a short series; of a long one, the points no line shows. */
static void write_markers(vs_buf *b, const frame *f, const vs_series *s, style st, bool all)
{
    vs_buf_printf(b, "<g class=\"points\" fill=\"%s\">", st.color);
    for (size_t k = 0; k < s->n; k++)
        if (drawable(&f->x, &f->y, s, k) && (all || isolated(f, s, k)))
            vs_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\"/>", px_x(f, s->x[k]),
                          px_y(f, s->y[k]), s->markers_only ? "4.5" : "2.6");
    vs_buf_puts(b, "</g>\n");
}

/* y in pixels, or the plot's bottom for a value the scale cannot show (<= 0 on log). */
static double px_y_clamped(const frame *f, double v)
{
    return isfinite(scaled(f->y.scale, v)) ? px_y(f, v) : f->top + PLOT_H;
}

/* A vertical bar with short caps from ylo to yhi at each drawn point that has both. */
static void write_bars(vs_buf *b, const frame *f, const vs_series *s, style st)
{
    vs_buf_printf(b,
                  "<g class=\"error-bars\" stroke=\"%s\" stroke-width=\"1.4\" "
                  "fill=\"none\">",
                  st.color);
    for (size_t k = 0; k < s->n; k++) {
        if (!drawable(&f->x, &f->y, s, k) || !isfinite(s->ylo[k]) || !isfinite(s->yhi[k]) ||
            !isfinite(scaled(f->y.scale, s->yhi[k])))
            continue;
        double x = px_x(f, s->x[k]), lo = px_y_clamped(f, s->ylo[k]), hi = px_y(f, s->yhi[k]);
        vs_buf_printf(b,
                      "<path class=\"error-bar\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f "
                      "%.1fH%.1f\"/>",
                      x, lo, hi, x - 4, lo, x + 4, x - 4, hi, x + 4);
    }
    vs_buf_puts(b, "</g>\n");
}

/* Dashed lines across the plot, each labelled at its left end (where lines that grow
 * with x are lowest), above the line unless that would leave the plot; a white halo
 * keeps the label legible over the grid and lines. */
static void write_thresholds(vs_buf *b, const vs_chart *c, const frame *f)
{
    for (size_t i = 0; i < c->nthresholds; i++) {
        const vs_threshold *t = &c->thresholds[i];
        if (!isfinite(scaled(f->y.scale, t->y)))
            continue;
        double y = px_y(f, t->y);
        vs_buf_printf(b,
                      "<g class=\"threshold\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
                      "y2=\"%.1f\" stroke=\"#b42318\" stroke-width=\"1.5\" "
                      "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" fill=\"#b42318\" "
                      "stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">",
                      ML, y, W - MR, y, ML + 6, y - f->top < 14 ? y + 13 : y - 5);
        vs_html_escape(b, t->label);
        vs_buf_puts(b, "</text></g>\n");
    }
}

static void write_series(vs_buf *b, const vs_chart *c, const frame *f)
{
    vs_buf_puts(b, "<g class=\"series\">\n");
    for (size_t i = 0; i < c->nseries; i++) {
        const vs_series *s = &c->series[i];
        size_t n = points_of(&f->x, &f->y, s);
        if (n == 0)
            continue;
        if (!s->markers_only)
            write_line(b, f, s, style_for(s, i));
        if (s->ylo && s->yhi)
            write_bars(b, f, s, style_for(s, i));
        write_markers(b, f, s, style_for(s, i), n <= MARKERS_UP_TO || s->markers_only);
    }
    vs_buf_puts(b, "</g>\n");
}

static void write_legend_entry(vs_buf *b, const vs_series *s, style st, bool drawn, double x,
                               double y)
{
    if (s->markers_only) { /* a dot, as the points look */
        vs_buf_printf(b,
                      "<g class=\"legend-entry%s\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
                      "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">",
                      drawn ? "" : " no-data", x + 9, y, drawn ? st.color : "#c3c8d0", x + 23, y);
        vs_html_escape(b, s->name);
        vs_buf_printf(b, "%s</text></g>", drawn ? "" : " (none)");
        return;
    }
    vs_buf_printf(b,
                  "<g class=\"legend-entry%s\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                  "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\" stroke-dasharray=\"%s\"/>"
                  "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.32em\">",
                  drawn ? "" : " no-data", x, y, x + 18, y, drawn ? st.color : "#c3c8d0", st.dash,
                  x + 23, y);
    vs_html_escape(b, s->name);
    vs_buf_printf(b, "%s</text></g>", drawn ? "" : " (no samples)");
}

/* Lays legend entries out left to right, wrapping, and returns the rows used; with b
 * NULL, only counts them. Entries for series with nothing drawn stay, greyed, so that a
 * missing line is explained. */
static int write_legend(vs_buf *b, const vs_chart *c, const frame *f)
{
    double x = ML;
    int row = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        const vs_series *s = &c->series[i];
        bool drawn = points_of(&f->x, &f->y, s) > 0;
        double width = 34 + 6.6 * (double)(strlen(s->name) + (drawn             ? 0
                                                              : s->markers_only ? 7
                                                                                : 13));
        if (x > ML && x + width > W - MR) {
            x = ML;
            row++;
        }
        if (b)
            write_legend_entry(b, s, style_for(s, i), drawn, x, 16 + row * LEGEND_ROW);
        x += width;
    }
    return c->nseries ? row + 1 : 0;
}

static void write_empty(vs_buf *b, const vs_chart *c, const frame *f)
{
    vs_buf_printf(b,
                  "<g class=\"axis\"><rect class=\"area\" x=\"%d\" y=\"%d\" width=\"%d\" "
                  "height=\"%d\"/></g>\n<text class=\"empty\" x=\"%d\" y=\"%d\" "
                  "text-anchor=\"middle\">",
                  ML, f->top, W - ML - MR, PLOT_H, ML + (W - ML - MR) / 2, f->top + PLOT_H / 2);
    vs_html_escape(b, c->empty);
    vs_buf_puts(b, "</text>\n");
}

static void write_open(vs_buf *b, const vs_chart *c, const frame *f, size_t series, size_t points)
{
    vs_buf_puts(b, "<figure class=\"chart\"><figcaption>");
    vs_html_escape(b, c->title);
    if (c->note) {
        vs_buf_puts(b, "<small>");
        vs_html_escape(b, c->note);
        vs_buf_puts(b, "</small>");
    }
    vs_buf_printf(b,
                  "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                  "viewBox=\"0 0 %d %d\" role=\"img\" class=\"%s\" data-chart=\"",
                  W, f->height, points ? "plot" : "plot empty");
    vs_html_escape(b, c->id);
    vs_buf_printf(b, "\" data-series=\"%zu\" data-points=\"%zu\"><title>", series, points);
    vs_html_escape(b, c->title);
    vs_buf_puts(b, "</title>\n");
}

void vs_svg_chart(vs_buf *b, const vs_chart *c)
{
    frame f = {.x = plan_axis(c, false), .y = plan_axis(c, true)};
    size_t series = 0, points = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        size_t n = points_of(&f.x, &f.y, &c->series[i]);
        series += n > 0;
        points += n;
    }
    int rows = write_legend(NULL, c, &f);
    f.top = 14 + (rows ? rows * LEGEND_ROW + 6 : 0);
    f.height = f.top + PLOT_H + MB;
    write_open(b, c, &f, series, points);
    vs_buf_puts(b, "<g class=\"legend\">");
    write_legend(b, c, &f);
    vs_buf_puts(b, "</g>\n");
    if (points == 0) {
        write_empty(b, c, &f);
    } else {
        write_grid(b, &f);
        write_axes(b, c, &f);
        write_ticks(b, &f);
        write_thresholds(b, c, &f);
        write_series(b, c, &f);
    }
    vs_buf_puts(b, "</svg></figure>\n");
}

/* ---- Heat maps ---------------------------------------------------------------------- */

enum { HEAT_LEVELS = 8, HEAT_ML = 96, HEAT_SCALE_H = 36 };

/* Light to dark blue: more is darker; level 0 (nothing) is not drawn. */
static const char *const HEAT[HEAT_LEVELS + 1] = {
    "none", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"};

static int heat_level(double v, double vmax)
{
    if (!isfinite(v) || v <= 0 || vmax <= 0)
        return 0;
    int l = (int)ceil(v / vmax * HEAT_LEVELS - 1e-9);
    return l < 1 ? 1 : l > HEAT_LEVELS ? HEAT_LEVELS : l;
}

/* The greatest value, 0 when no cell has one above 0. */
static double heat_max(const vs_heatmap *h)
{
    double m = 0;
    for (size_t i = 0; i < h->nrows * h->ncols; i++)
        m = isfinite(h->v[i]) && h->v[i] > m ? h->v[i] : m;
    return m;
}

typedef struct heat_frame {
    axis_plan x;
    double row_h;
    int top, plot_h, height;
} heat_frame;

static double heat_px(const heat_frame *f, double v)
{
    return HEAT_ML + (v - f->x.lo) / (f->x.hi - f->x.lo) * (W - HEAT_ML - MR);
}

/* Runs of one level in a row, as one rect each. */
static void heat_row(vs_buf *b, const vs_heatmap *h, const heat_frame *f, size_t r, double vmax)
{
    double y = f->top + (double)r * f->row_h;
    for (size_t c = 0; c < h->ncols;) {
        int l = heat_level(h->v[r * h->ncols + c], vmax);
        size_t e = c + 1;
        while (e < h->ncols && heat_level(h->v[r * h->ncols + e], vmax) == l)
            e++;
        if (l > 0)
            vs_buf_printf(b,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"/>",
                          heat_px(f, h->edges[c]), y,
                          heat_px(f, h->edges[e]) - heat_px(f, h->edges[c]), f->row_h, HEAT[l]);
        c = e;
    }
}

/* Row names, every k-th when rows are thin, so that labels never overlap. */
static void heat_labels(vs_buf *b, const vs_heatmap *h, const heat_frame *f)
{
    size_t every = f->row_h >= 12 ? 1 : (size_t)ceil(12 / f->row_h);
    vs_buf_puts(b, "<g class=\"ticks\">");
    for (size_t r = 0; r < h->nrows; r += every) {
        vs_buf_printf(b, "<text x=\"%d\" y=\"%.1f\" dy=\"0.32em\" text-anchor=\"end\">",
                      HEAT_ML - 6, f->top + ((double)r + 0.5) * f->row_h);
        vs_html_escape(b, h->row_names[r]);
        vs_buf_puts(b, "</text>");
    }
    for (int i = 0; i < f->x.nticks; i++)
        vs_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                      heat_px(f, f->x.tick[i]), f->top + f->plot_h + 16, f->x.label[i]);
    vs_buf_puts(b, "</g>\n");
}

/* The colour scale: each level's box with the value where it ends. */
static void heat_scale(vs_buf *b, const vs_heatmap *h, const heat_frame *f, double vmax)
{
    double y = f->top + f->plot_h + 40, w = 34;
    vs_buf_printf(b,
                  "<g class=\"scale\"><text class=\"axis-title\" x=\"%d\" y=\"%.1f\" "
                  "dy=\"0.9em\" text-anchor=\"end\">",
                  HEAT_ML - 6, y);
    vs_html_escape(b, h->value_title);
    vs_buf_puts(b, "</text>");
    for (int l = 1; l <= HEAT_LEVELS; l++) {
        char label[16];
        format_tick(label, vmax * l / HEAT_LEVELS, vmax / HEAT_LEVELS / 10);
        vs_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"ticks\">"
                      "&le;%s</text>",
                      HEAT_ML + (l - 1) * w, y, w - 2, HEAT[l], HEAT_ML + (l - 0.5) * w, y + 22,
                      label);
    }
    vs_buf_puts(b, "</g>\n");
}

void vs_svg_heatmap(vs_buf *b, const vs_heatmap *h)
{
    double most = heat_max(h), vmax = h->vmax > 0 ? h->vmax : most;
    heat_frame f = {.top = 14};
    extent e = {INFINITY, -INFINITY, INFINITY, 0};
    for (size_t c = 0; h->ncols && c <= h->ncols; c++) {
        extend(&e, h->edges[c]);
        e.n++;
    }
    f.x = (axis_plan){.scale = VS_SCALE_LINEAR};
    plan_linear(&f.x, e.n ? e : (extent){0, 1, 1, 0}, 7);
    if (h->x.unit == VS_UNIT_US)
        label_times(&f.x);
    f.row_h = h->nrows ? fmax(3, fmin(18, 320.0 / (double)h->nrows)) : 18;
    f.plot_h = (int)ceil(f.row_h * (double)(h->nrows ? h->nrows : 1));
    f.height = f.top + f.plot_h + 40 + HEAT_SCALE_H;
    bool empty = h->nrows == 0 || h->ncols == 0 || most <= 0;
    vs_buf_puts(b, "<figure class=\"chart\"><figcaption>");
    vs_html_escape(b, h->title);
    if (h->note) {
        vs_buf_puts(b, "<small>");
        vs_html_escape(b, h->note);
        vs_buf_puts(b, "</small>");
    }
    vs_buf_printf(b,
                  "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                  "role=\"img\" class=\"%s\" data-chart=\"",
                  W, f.height, empty ? "plot empty heatmap" : "plot heatmap");
    vs_html_escape(b, h->id);
    vs_buf_printf(b, "\" data-rows=\"%zu\" data-cols=\"%zu\"><title>", h->nrows, h->ncols);
    vs_html_escape(b, h->title);
    vs_buf_puts(b, "</title>\n");
    if (empty) {
        vs_buf_printf(b, "<text class=\"empty\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", W / 2,
                      f.top + f.plot_h / 2);
        vs_html_escape(b, h->empty);
        vs_buf_puts(b, "</text></svg></figure>\n");
        return;
    }
    vs_buf_printf(b, "<rect class=\"area\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
                  HEAT_ML, f.top, W - HEAT_ML - MR, f.plot_h);
    vs_buf_puts(b, "<g class=\"cells\">");
    for (size_t r = 0; r < h->nrows; r++)
        heat_row(b, h, &f, r, vmax);
    vs_buf_puts(b, "</g>\n");
    heat_labels(b, h, &f);
    vs_buf_printf(b, "<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                  HEAT_ML + (W - HEAT_ML - MR) / 2, f.top + f.plot_h + 32);
    vs_html_escape(b, h->x.title);
    if (f.x.unit)
        vs_buf_printf(b, " (%s)", f.x.unit);
    vs_buf_puts(b, "</text>\n");
    heat_scale(b, h, &f, vmax);
    vs_buf_puts(b, "</svg></figure>\n");
}
