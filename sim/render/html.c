/*
 * html.c: the parts every HTML page shares (html.h): escaping, since scenario, plugin
 * and parameter names are user text, and the page frame with its CSS. No scripts, no
 * fonts, no network: a page is one file that reads the same anywhere.
 */
#include "render/html.h"

#include <string.h>

/* Colours, type, the header and headings: what the run report and the sweep and plan
 * pages share, so that each page adds only its own rules. */
static const char PAGE_CSS[] =
    ":root{--ink:#1f2933;--muted:#616e7c;--line:#e1e5ea;--bg:#f4f6f8;--card:#fff;"
    "--pass:#276749;--pass-bg:#e3f4e8;--fail:#b42318;--fail-bg:#fde8e6;--accent:#4e79a7}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--ink);"
    "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}"
    "main{max-width:1240px;margin:0 auto;padding:24px 28px 40px}"
    "header{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:18px}"
    "h1{font-size:24px;margin:0 0 4px}h1 .scenario{color:var(--accent)}"
    "h2{font-size:17px;margin:26px 0 10px}";

void vs_html_escape(vs_buf *b, const char *s)
{
    static const char special[] = "&<>\"'";
    static const char *const entity[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    while (s && *s) {
        size_t run = strcspn(s, special);
        vs_buf_append(b, s, run);
        s += run;
        if (*s)
            vs_buf_puts(b, entity[strchr(special, *s++) - special]);
    }
}

void vs_html_open(vs_buf *b, const char *title, const char *const css[])
{
    vs_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    vs_html_escape(b, title);
    vs_buf_puts(b, "</title>\n<style>");
    vs_buf_puts(b, PAGE_CSS);
    for (size_t i = 0; css && css[i]; i++)
        vs_buf_puts(b, css[i]);
    vs_buf_puts(b, "</style>\n</head>\n<body>\n<main>\n");
}

void vs_html_close(vs_buf *b, const char *footer_html)
{
    vs_buf_puts(b, "<footer>");
    vs_buf_puts(b, footer_html);
    vs_buf_puts(b, "</footer>\n</main>\n</body>\n</html>");
}
