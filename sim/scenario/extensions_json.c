/*
 * extensions_json.c: the scenario's "extensions" section: the extension stack of every
 * host's switch, ingress first, with WFP (which carries the callouts) one of them by its
 * name, and what happens to one host's stack during the run: a restart (FilterPause,
 * FilterRestart) or a reorder. Without the section, the stack is WFP, then NDIS Capture.
 */
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario-int.h"

#define MAX_EXTENSIONS 16
#define MAX_NAME_CHARS 256 /* NDIS_IF_MAX_STRING_SIZE, an NDIS friendly name's WCHARs */
#define MAX_STACK_EVENTS 100000
#define WFP_NAME "Microsoft Windows Filtering Platform"

static const char *const default_stack[] = {WFP_NAME, "Microsoft NDIS Capture"};

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int fill_default_stack(vs__sc *sc, vs_config *cfg)
{
    size_t n = sizeof default_stack / sizeof default_stack[0];
    if (!(cfg->extensions.names = calloc(n, sizeof *cfg->extensions.names)))
        return vs__sc_oom(sc);
    cfg->extensions.nnames = n;
    for (size_t i = 0; i < n; i++)
        if (!(cfg->extensions.names[i] = strdup(default_stack[i])))
            return vs__sc_oom(sc);
    cfg->extensions.wfp = 0;
    return 0;
}

/* The stack's name at index i: a string, not one before it. */
static int parse_name(vs__sc *sc, const json_t *v, vs_config *cfg, size_t i)
{
    const char *s = json_string_value(v);
    if (!s || !s[0] || utf8_chars(s) > MAX_NAME_CHARS)
        return vs__sc_fail(sc, v, "expected an extension's name, a string of 1..%d characters",
                           MAX_NAME_CHARS);
    for (size_t j = 0; j < i; j++)
        if (strcmp(cfg->extensions.names[j], s) == 0)
            return vs__sc_fail(sc, v,
                               "expected a name not in the stack already "
                               "($.extensions.stack[%zu] is the same)",
                               j);
    if (!(cfg->extensions.names[i] = strdup(s)))
        return vs__sc_oom(sc);
    return 0;
}

static int parse_stack(vs__sc *sc, const json_t *ext, vs_config *cfg)
{
    const json_t *arr = json_object_get(ext, "stack");
    if (!arr)
        return fill_default_stack(sc, cfg);
    size_t old = vs__sc_push_key(sc, "stack");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n < 1 || n > MAX_EXTENSIONS)
        return vs__sc_fail(sc, arr, "expected an array of 1..%d extension names, ingress first",
                           MAX_EXTENSIONS);
    if (!(cfg->extensions.names = calloc(n, sizeof *cfg->extensions.names)))
        return vs__sc_oom(sc);
    cfg->extensions.nnames = n;
    size_t wfp = n;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_name(sc, json_array_get(arr, i), cfg, i) < 0)
            return -1;
        if (strcmp(cfg->extensions.names[i], WFP_NAME) == 0)
            wfp = i;
        vs__sc_pop(sc, at);
    }
    if (wfp == n)
        return vs__sc_fail(sc, arr,
                           "expected \"" WFP_NAME "\" in the stack (WFP carries the "
                           "callouts)");
    cfg->extensions.wfp = (uint32_t)wfp;
    vs__sc_pop(sc, old);
    return 0;
}

/* The index of name in the stack, or -1. */
static int stack_index(const vs_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->extensions.nnames; i++)
        if (strcmp(cfg->extensions.names[i], name) == 0)
            return (int)i;
    return -1;
}

/* reorder: every name of the stack once, in the new order, stored as their indices. */
static int parse_order(vs__sc *sc, const json_t *ev, const vs_config *cfg, vs_stack_event *e)
{
    const json_t *arr = json_object_get(ev, "order");
    size_t old = vs__sc_push_key(sc, "order");
    size_t n = cfg->extensions.nnames;
    uint32_t first[MAX_EXTENSIONS] = {0}; /* element index + 1, by stack index */
    if (!arr)
        return vs__sc_fail(sc, NULL, "missing required key (action is \"reorder\")");
    if (!json_is_array(arr))
        return vs__sc_fail(sc, arr, "expected an array of the stack's names in their new order");
    if (!(e->order = calloc(n, sizeof *e->order)))
        return vs__sc_oom(sc);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        const char *s = json_string_value(v);
        int k = s ? stack_index(cfg, s) : -1;
        size_t at = vs__sc_push_index(sc, i);
        if (k < 0)
            return vs__sc_fail(sc, v, "expected a name in extensions.stack");
        if (first[k])
            return vs__sc_fail(sc, v,
                               "expected each name of extensions.stack once (order[%u] is "
                               "the same)",
                               first[k] - 1);
        first[k] = (uint32_t)i + 1;
        e->order[i] = (uint32_t)k; /* i < n: the names so far are distinct stack names */
        vs__sc_pop(sc, at);
    }
    for (size_t k = 0; k < n; k++)
        if (!first[k])
            return vs__sc_fail(sc, arr,
                               "expected all %zu names of extensions.stack "
                               "($.extensions.stack[%zu] is missing)",
                               n, k);
    vs__sc_pop(sc, old);
    return 0;
}

static int parse_event(vs__sc *sc, const json_t *ev, const vs_config *cfg, vs_stack_event *e)
{
    static const char *const keys[] = {"at", "host", "action", "pause", "order", NULL};
    static const char *const actions[] = {"restart", "reorder", NULL};
    int action;
    if (!json_is_object(ev))
        return vs__sc_fail(sc, ev, "expected an object");
    if (vs__sc_check_keys(sc, ev, keys) < 0 ||
        vs__sc_duration(sc, ev, "at", true, NULL, 0, &e->at) < 0 ||
        vs__sc_u32(sc, ev, "host", true, 0, VS__SC_HOSTS_MAX - 1, &e->host) < 0 ||
        vs__sc_enum(sc, ev, "action", actions, -1, &action) < 0 ||
        vs__sc_duration(sc, ev, "pause", false, "1ms", 0, &e->pause) < 0)
        return -1;
    e->action = (vs_stack_action)action;
    if (e->action == VS_STACK_RESTART)
        return vs__sc_absent(sc, ev, "order",
                             "only with action \"reorder\" (action is "
                             "\"restart\")");
    return parse_order(sc, ev, cfg, e);
}

static int parse_events(vs__sc *sc, const json_t *ext, vs_config *cfg)
{
    const json_t *arr = json_object_get(ext, "events");
    if (!arr)
        return 0;
    size_t old = vs__sc_push_key(sc, "events");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n > MAX_STACK_EVENTS)
        return vs__sc_fail(sc, arr, "expected an array of 0..%d events", MAX_STACK_EVENTS);
    cfg->extensions.events = n ? calloc(n, sizeof *cfg->extensions.events) : NULL;
    if (n && !cfg->extensions.events)
        return vs__sc_oom(sc);
    cfg->extensions.nevents = n;
    for (size_t i = 0; i < n; i++) {
        size_t at = vs__sc_push_index(sc, i);
        if (parse_event(sc, json_array_get(arr, i), cfg, &cfg->extensions.events[i]) < 0)
            return -1;
        vs__sc_pop(sc, at);
    }
    vs__sc_pop(sc, old);
    return 0;
}

int vs__sc_extensions(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    static const char *const keys[] = {"stack", "events", NULL};
    const json_t *ext;
    size_t old;
    if (vs__sc_enter(sc, root, "extensions", false, keys, &ext, &old) < 0 ||
        parse_stack(sc, ext, cfg) < 0 || parse_events(sc, ext, cfg) < 0)
        return -1;
    vs__sc_pop(sc, old);
    return 0;
}

/* Each event's time within the run and host in the topology; then sorted by time. */
int vs__sc_check_extensions(vs__sc *sc, const json_t *root, vs_config *cfg)
{
    for (size_t i = 0; i < cfg->extensions.nevents; i++) {
        const vs_stack_event *e = &cfg->extensions.events[i];
        if (e->at >= cfg->run.duration || e->host >= cfg->topology.hosts) {
            vs__sc_push_key(sc, "extensions");
            const json_t *v = vs__sc_at_item(sc, json_object_get(root, "extensions"), "events", i,
                                             e->at >= cfg->run.duration ? "at" : "host");
            if (e->at >= cfg->run.duration)
                return vs__sc_fail(sc, v, "expected a time before run.duration (%.9g s)",
                                   (double)cfg->run.duration / 1e9);
            return vs__sc_fail(sc, v, "expected a host index below topology.hosts (%u)",
                               cfg->topology.hosts);
        }
    }
    return vs__sc_sort_by_time(sc, cfg->extensions.events, cfg->extensions.nevents,
                               sizeof *cfg->extensions.events, offsetof(vs_stack_event, at));
}
