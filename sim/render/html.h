/*
 * html.h: what every self-contained HTML page shares: escaping of user text, and the
 * page frame (doctype, head with title and styles, body, footer), so that the run report
 * and the sweep and plan pages look like one family (html.c).
 */
#ifndef VS_RENDER_HTML_H
#define VS_RENDER_HTML_H

#include "base/buf.h"

/* Appends s with & < > " ' as entities: safe in element text and quoted attributes.
 * NULL appends nothing. */
void vs_html_escape(vs_buf *b, const char *s);

/* Opens a page: doctype, <head> with the title (plain text, escaped here) and one
 * <style> holding the shared page CSS (colours, type, header, headings) followed by each
 * of `css` (a NULL-terminated list, e.g. the page's own rules and vs_chart_css), then
 * <body><main>. */
void vs_html_open(vs_buf *b, const char *title, const char *const css[]);

/* Closes what vs_html_open opened, after a <footer> holding footer_html (markup, not
 * escaped: the page's own words). */
void vs_html_close(vs_buf *b, const char *footer_html);

#endif /* VS_RENDER_HTML_H */
