/*
 * unfinished.c: what to tell a reader of a report whose run did not finish: a callout
 * (or, in a report a supervisor wrote for a process that died, the simulator itself)
 * crashed, a signal stopped it, or the numbers are a snapshot taken before the end. One
 * wording for the summary table and the HTML page, so that they cannot disagree.
 */
#include <stdio.h>

#include "report/report.h"

static const char *text(const json_t *o, const char *key, const char *none)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : none;
}

/* " at 1.234567890 s simulated", or "" when the report does not say. */
static void at_time(const json_t *ns, const json_t *s, char out[64])
{
    if (json_is_number(ns))
        snprintf(out, 64, " at %.9f s simulated", json_number_value(ns) / 1e9);
    else if (json_is_number(s))
        snprintf(out, 64, " at %.9f s simulated", json_number_value(s));
    else
        out[0] = '\0';
}

static void crashed_line(const json_t *r, const json_t *c, char out[VS_UNFINISHED_MAX])
{
    char at[64];
    at_time(json_object_get(c, "sim_time_ns"), json_object_get(r, "sim_time_s"), at);
    const char *plugin = text(c, "plugin", NULL), *signal = text(c, "signal", "a signal");
    if (!json_is_true(json_object_get(c, "outside_callout")))
        snprintf(out, VS_UNFINISHED_MAX,
                 "CRASHED: plugin \"%s\" crashed in its %s callback "
                 "(%s)%s; the run stopped there",
                 plugin ? plugin : "?", text(c, "callback", "?"), signal, at);
    else if (plugin)
        snprintf(out, VS_UNFINISHED_MAX,
                 "CRASHED: vswitchsim died of %s outside any callout%s "
                 "(the last callout to run: plugin \"%s\", %s callback)",
                 signal, at, plugin, text(c, "callback", "?"));
    else
        snprintf(out, VS_UNFINISHED_MAX,
                 "CRASHED: vswitchsim died of %s outside any "
                 "callout%s",
                 signal, at);
}

int vs_report_unfinished(const json_t *r, char lines[VS_UNFINISHED_LINES][VS_UNFINISHED_MAX])
{
    int n = 0;
    char at[64];
    const json_t *c = json_object_get(r, "crashed");
    at_time(NULL, json_object_get(r, "sim_time_s"), at);
    if (json_is_object(c))
        crashed_line(r, c, lines[n++]);
    if (json_is_true(json_object_get(r, "interrupted")))
        snprintf(lines[n++], VS_UNFINISHED_MAX, "INTERRUPTED: stopped by a signal%s", at);
    if (json_is_true(json_object_get(r, "snapshot")))
        snprintf(lines[n++], VS_UNFINISHED_MAX,
                 "SNAPSHOT: statistics as of the last snapshot%s, "
                 "not the end of the run",
                 at);
    return n;
}
