/*
 * test-render.c: the render layer (sim/render/): escaping of user text, the page frame
 * every HTML page shares, and SVG line charts: each series drawn, gaps breaking a line,
 * the empty text when nothing can be drawn, error bars, thresholds and named ticks.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "render/svg.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- html.h ------------------------------------------------------------------------- */

static char *escaped(const char *s)
{
    vs_buf b = {0};
    vs_html_escape(&b, s);
    cr_assert(!b.failed);
    return b.text;
}

Test(html, escape_replaces_all_five_entities)
{
    char *s = escaped("a&b<c>d\"e'f");
    cr_assert_str_eq(s, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    free(s);
    s = escaped("<<&&>>");
    cr_assert_str_eq(s, "&lt;&lt;&amp;&amp;&gt;&gt;");
    free(s);
}

Test(html, escape_keeps_plain_and_utf8_text)
{
    char *s = escaped("latency (µs) = 5");
    cr_assert_str_eq(s, "latency (µs) = 5");
    free(s);
}

Test(html, escape_of_null_or_empty_appends_nothing)
{
    vs_buf b = {0};
    vs_buf_puts(&b, "x");
    vs_html_escape(&b, NULL);
    vs_html_escape(&b, "");
    cr_assert_str_eq(b.text, "x");
    vs_buf_free(&b);
}

static char *page(const char *title, const char *const css[], const char *footer)
{
    vs_buf b = {0};
    vs_html_open(&b, title, css);
    vs_buf_puts(&b, "<p>body</p>\n");
    vs_html_close(&b, footer);
    cr_assert(!b.failed);
    return b.text;
}

Test(html, frame_opens_and_closes_the_page)
{
    char *p = page("t", NULL, "by <b>us</b>");
    cr_assert(strncmp(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n", 40) == 0, "%s", p);
    cr_assert_not_null(strstr(p, "<meta charset=\"utf-8\">"));
    cr_assert_not_null(strstr(p, "</head>\n<body>\n<main>\n<p>body</p>\n<footer>"));
    const char *end = "<footer>by <b>us</b></footer>\n</main>\n</body>\n</html>";
    cr_assert_str_eq(p + strlen(p) - strlen(end), end, "the footer is markup, kept as is");
    cr_assert_eq(count(p, "<html"), 1);
    cr_assert_eq(count(p, "</html>"), 1);
    cr_assert_eq(count(p, "<main>"), count(p, "</main>"));
    cr_assert_eq(count(p, "<body>"), count(p, "</body>"));
    free(p);
}

Test(html, frame_escapes_the_title)
{
    char *p = page("vswitchsim: <a&b> 'x'", NULL, "");
    cr_assert_not_null(strstr(p, "<title>vswitchsim: &lt;a&amp;b&gt; &#39;x&#39;</title>"));
    cr_assert_null(strstr(p, "<a&b>"));
    free(p);
}

Test(html, frame_puts_the_shared_css_first_then_each_given)
{
    static const char *const css[] = {".one{}", ".two{}", NULL};
    char *p = page("t", css, "");
    const char *style = strstr(p, "<style>:root{"), *one = strstr(p, ".one{}");
    cr_assert_not_null(style, "the shared rules open the style");
    cr_assert_not_null(one);
    cr_assert_not_null(strstr(p, ".one{}.two{}</style>"));
    cr_assert_eq(count(p, "<style>"), 1);
    free(p);
}

/* ---- svg.h -------------------------------------------------------------------------- */

static char *chart(const vs_chart *c)
{
    vs_buf b = {0};
    vs_svg_chart(&b, c);
    cr_assert(!b.failed);
    return b.text;
}

/* The d attribute of the n-th line (0-based), copied; NULL when there is none. */
static char *line_d(const char *svg, size_t n)
{
    const char *p = svg;
    for (size_t i = 0; p && i <= n; i++)
        if ((p = strstr(p, "<path class=\"line\"")))
            p += 5;
    if (!p || !(p = strstr(p, " d=\"")))
        return NULL;
    p += 4;
    return strndup(p, strcspn(p, "\""));
}

Test(svg, draws_every_series_with_its_name)
{
    static const double x[] = {0, 1, 2}, a[] = {1, 2, 3}, b[] = {3, 2, 1};
    vs_series s[] = {{.name = "a<1>", .x = x, .y = a, .n = 3},
                     {.name = "b", .x = x, .y = b, .n = 3}};
    char *svg = chart(&(vs_chart){.id = "id",
                                  .title = "T",
                                  .empty = "none",
                                  .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                  .y = {"y", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                  .series = s,
                                  .nseries = 2});
    cr_assert_not_null(strstr(svg, "data-chart=\"id\" data-series=\"2\" data-points=\"6\""));
    cr_assert_eq(count(svg, "<path class=\"line\""), 2);
    cr_assert_not_null(strstr(svg, "data-name=\"a&lt;1&gt;\""), "names are escaped");
    cr_assert_eq(count(svg, "<circle "), 6, "short series mark every point");
    cr_assert_null(strstr(svg, "class=\"empty\""));
    char *d = line_d(svg, 0);
    cr_assert_not_null(d);
    cr_assert_eq(count(d, "M"), 1);
    cr_assert_eq(count(d, "L"), 2);
    free(d);
    free(svg);
}

Test(svg, a_nan_gap_breaks_the_line)
{
    static const double x[] = {1, 2, 3, 4, 5}, y[] = {1, 2, NAN, 4, 5};
    vs_series s = {.name = "s", .x = x, .y = y, .n = 5};
    char *svg = chart(&(vs_chart){.id = "c",
                                  .title = "t",
                                  .empty = "none",
                                  .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                  .y = {"y", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                  .series = &s,
                                  .nseries = 1});
    cr_assert_not_null(strstr(svg, "data-series=\"1\" data-points=\"4\""));
    char *d = line_d(svg, 0);
    cr_assert_not_null(d);
    cr_assert_eq(count(d, "M"), 2, "the pen lifts at the gap: %s", d);
    cr_assert_eq(count(d, "L"), 2, "%s", d);
    free(d);
    free(svg);
}

Test(svg, with_no_data_it_shows_the_empty_text)
{
    static const double x[] = {1, 2}, y[] = {NAN, NAN};
    vs_series s = {.name = "s", .x = x, .y = y, .n = 2};
    vs_chart c = {.id = "c",
                  .title = "t",
                  .empty = "no data: <none> yet",
                  .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                  .y = {"y", VS_SCALE_LINEAR, VS_UNIT_NONE}};
    char *none = chart(&c);
    cr_assert_not_null(strstr(none, "class=\"plot empty\""));
    cr_assert_not_null(strstr(none, "data-series=\"0\" data-points=\"0\""));
    cr_assert_not_null(strstr(none, "<text class=\"empty\""));
    cr_assert_not_null(strstr(none, ">no data: &lt;none&gt; yet</text>"));
    cr_assert_null(strstr(none, "class=\"line\""));
    c.series = &s;
    c.nseries = 1;
    char *gaps = chart(&c);
    cr_assert_not_null(strstr(gaps, ">no data: &lt;none&gt; yet</text>"));
    cr_assert_not_null(strstr(gaps, "s (no samples)"), "the legend says why no line");
    cr_assert_null(strstr(gaps, "class=\"line\""));
    free(none);
    free(gaps);
}

Test(svg, bars_and_thresholds_widen_the_y_axis)
{
    static const double x[] = {1, 2}, y[] = {10, 20}, lo[] = {5, 15}, hi[] = {15, 95};
    vs_series s = {.name = "s", .x = x, .y = y, .n = 2};
    vs_chart c = {.id = "c",
                  .title = "t",
                  .empty = "none",
                  .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                  .y = {"y", VS_SCALE_LINEAR, VS_UNIT_NONE},
                  .series = &s,
                  .nseries = 1};
    char *plain = chart(&c);
    cr_assert_null(strstr(plain, "error-bar"));
    cr_assert_null(strstr(plain, "threshold"));
    cr_assert_null(strstr(plain, ">100</text>"), "y ends at 20 without bars");
    s.ylo = lo;
    s.yhi = hi;
    char *bars = chart(&c);
    cr_assert_eq(count(bars, "class=\"error-bar\""), 2);
    cr_assert_not_null(strstr(bars, ">100</text>"), "y reaches the top bar");
    vs_threshold t = {.y = 250, .label = "SLO < 250"};
    c.thresholds = &t;
    c.nthresholds = 1;
    free(bars);
    bars = chart(&c);
    cr_assert_not_null(strstr(bars, ">SLO &lt; 250</text>"));
    cr_assert_not_null(strstr(bars, ">250</text>"), "y reaches the threshold");
    free(plain);
    free(bars);
}

Test(svg, an_empty_chart_ignores_thresholds)
{
    vs_threshold t = {.y = 5, .label = "SLO < 5"};
    vs_chart c = {.id = "c",
                  .title = "t",
                  .empty = "no data",
                  .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                  .y = {"y", VS_SCALE_LINEAR, VS_UNIT_NONE},
                  .thresholds = &t,
                  .nthresholds = 1};
    char *s = chart(&c);
    cr_assert_not_null(strstr(s, ">no data</text>"));
    cr_assert_null(strstr(s, "threshold"));
    free(s);
}

Test(svg, named_x_ticks_are_escaped_labels)
{
    static const double x[] = {0, 1}, y[] = {1, 2};
    static const char *const names[] = {"a&b", "c"};
    vs_series s = {.name = "s", .x = x, .y = y, .n = 2};
    char *svg = chart(&(vs_chart){.id = "c",
                                  .title = "t",
                                  .empty = "none",
                                  .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                  .y = {"y", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                  .series = &s,
                                  .nseries = 1,
                                  .xnames = names,
                                  .nxnames = 2});
    cr_assert_not_null(strstr(svg, "text-anchor=\"middle\">a&amp;b</text>"));
    cr_assert_not_null(strstr(svg, "text-anchor=\"middle\">c</text>"));
    free(svg);
}

/* ---- Time axes ---------------------------------------------------------------------- */

static char *time_chart(vs_scale scale, double top)
{
    double x[] = {0, 1, 2}, y[] = {top / 100, top / 2, top};
    vs_series s = {.name = "m", .x = x, .y = y, .n = 3};
    vs_buf b = {0};
    vs_svg_chart(&b, &(vs_chart){.id = "t",
                                 .title = "t",
                                 .empty = "none",
                                 .x = {"x", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                 .y = {"migration time", scale, VS_UNIT_US},
                                 .series = &s,
                                 .nseries = 1});
    cr_assert(!b.failed);
    return b.text;
}

Test(svg, linear_time_axis_names_one_unit_in_its_title)
{
    char *svg = time_chart(VS_SCALE_LINEAR, 8062707.3); /* 8.06 s */
    cr_assert(strstr(svg, "migration time (s)</text>"), "%s", svg);
    cr_assert(strstr(svg, ">8</text>") || strstr(svg, ">10</text>"), "ticks in seconds: %s", svg);
    cr_assert_not(strstr(svg, "M</text>"), "no 8M µs");
    free(svg);
    svg = time_chart(VS_SCALE_LINEAR, 250);
    cr_assert(strstr(svg, "migration time (µs)</text>"));
    free(svg);
}

Test(svg, log_time_axis_labels_each_tick_with_its_unit)
{
    char *svg = time_chart(VS_SCALE_LOG, 1e7);
    cr_assert(strstr(svg, ">100 ms</text>"), "%s", svg);
    cr_assert(strstr(svg, ">1 s</text>"));
    cr_assert(strstr(svg, ">10 s</text>"));
    cr_assert(strstr(svg, "migration time</text>"), "the ticks carry the unit");
    free(svg);
}

/* ---- Heat maps ---------------------------------------------------------------------- */

static char *heatmap(size_t nrows, const double *v, size_t ncols)
{
    static const char *const names[] = {"host 0", "host <1>", "host 2"};
    double edges[8];
    for (size_t c = 0; c <= ncols; c++)
        edges[c] = 2.0 * (double)c;
    vs_buf b = {0};
    vs_svg_heatmap(&b, &(vs_heatmap){.id = "h",
                                     .title = "t",
                                     .empty = "no data: none",
                                     .x = {"time", VS_SCALE_LINEAR, VS_UNIT_NONE},
                                     .value_title = "at once",
                                     .nrows = nrows,
                                     .ncols = ncols,
                                     .row_names = names,
                                     .edges = edges,
                                     .v = v,
                                     .vmax = 2});
    cr_assert(!b.failed);
    return b.text;
}

Test(svg, heatmap_draws_a_rect_per_run_of_one_colour)
{
    /* Row 0: 2 2 2 2 (one run); row 1: 0 1 1 0 (one run, zeros not drawn); row 2: 0s. */
    const double v[] = {2, 2, 2, 2, 0, 1, 1, 0, 0, 0, 0, 0};
    char *svg = heatmap(3, v, 4);
    cr_assert(strstr(svg, "data-rows=\"3\" data-cols=\"4\""), "%s", svg);
    const char *cells = strstr(svg, "<g class=\"cells\">");
    cr_assert_not_null(cells);
    size_t rects = 0;
    for (const char *p = cells; (p = strstr(p, "<rect")) && p < strstr(cells, "</g>"); p++)
        rects++;
    cr_assert_eq(rects, 2, "%s", cells);
    cr_assert(strstr(cells, "fill=\"#08306b\""), "the top of the scale is the darkest");
    cr_assert(strstr(svg, "host &lt;1&gt;"), "row names escaped");
    cr_assert(strstr(svg, "&le;2</text>"), "the scale ends at vmax");
    free(svg);
}

Test(svg, heatmap_with_nothing_says_so)
{
    const double v[] = {0, 0};
    char *svg = heatmap(1, v, 2);
    cr_assert(strstr(svg, "plot empty heatmap"));
    cr_assert(strstr(svg, "no data: none"));
    free(svg);
}
