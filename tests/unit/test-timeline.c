/*
 * test-timeline.c: `run --timeline` (sim/report/timeline.c) fed by hand: overlapping
 * callbacks of one callout go to lanes of their own, a pend is a slice inside its
 * callback, a migration's states nest in it in order with the blackout around the
 * paused ones, counter samples at one time keep the last value, and the cap ends the
 * timeline at a time with every begin still matched by an end.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "model/migration.h"
#include "report/timeline.h"
#include "tmpdir.h"

typedef struct fixture {
    char dir[64], path[128];
    vs_timeline *tl;
} fixture;

static void open_timeline(fixture *f, uint64_t max_events)
{
    tmpdir_make(f->dir, sizeof f->dir, "timeline");
    snprintf(f->path, sizeof f->path, "%s/t.json", f->dir);
    char err[VS_ERROR_MAX];
    f->tl = vs_timeline_new(f->path, max_events, err);
    cr_assert_not_null(f->tl, "%s", err);
}

/* Finishes the timeline and returns its traceEvents without the metadata (a new
 * reference), *root the whole document. */
static json_t *finish(fixture *f, json_t **root, vs_time_t *capped_at)
{
    char err[VS_ERROR_MAX];
    cr_assert_eq(vs_timeline_finish(f->tl, capped_at, err), 0, "%s", err);
    json_error_t jerr;
    *root = json_load_file(f->path, 0, &jerr);
    cr_assert_not_null(*root, "%s: %s", f->path, jerr.text);
    tmpdir_remove(f->dir);
    json_t *events = json_array(), *e;
    size_t i;
    json_array_foreach(json_object_get(*root, "traceEvents"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "ph")), "M") != 0)
            json_array_append(events, e);
    }
    return events;
}

static const char *str(const json_t *e, const char *key)
{
    return json_string_value(json_object_get(e, key));
}

static double num(const json_t *e, const char *key)
{
    return json_number_value(json_object_get(e, key));
}

static vs_trace_record save_call(vs_time_t t, vs_time_t dur, vs_time_t pend, uint32_t nic)
{
    return (vs_trace_record){.kind = VS_TRACE_CALLBACK,
                             .t = t,
                             .duration = dur,
                             .pend = pend,
                             .pended = pend > 0,
                             .host = 1,
                             .vm = 3,
                             .nic = nic,
                             .event = "RUNTIME_STATE_SAVE",
                             .plugin = "rec",
                             .status = STATUS_SUCCESS};
}

/* The name of thread tid of pid in the metadata. */
static const char *thread_name(const json_t *root, int pid, int tid)
{
    json_t *e;
    size_t i;
    json_array_foreach(json_object_get(root, "traceEvents"), i, e) {
        if (strcmp(str(e, "name"), "thread_name") == 0 && num(e, "pid") == pid &&
            num(e, "tid") == tid)
            return str(json_object_get(e, "args"), "name");
    }
    return NULL;
}

Test(timeline, overlapping_callbacks_take_lanes_and_pends_nest)
{
    fixture f;
    open_timeline(&f, 100);
    vs_trace_record a = save_call(1000, 5000, 4000, 0), b = save_call(2000, 1500, 0, 1);
    vs_timeline_record(f.tl, &b); /* the shorter one ends first and is reported first */
    vs_timeline_record(f.tl, &a);
    json_t *root, *ev = finish(&f, &root, NULL);
    cr_assert_eq(json_array_size(ev), 3);
    json_t *first = json_array_get(ev, 0), *pend = json_array_get(ev, 1),
           *second = json_array_get(ev, 2);
    cr_assert_str_eq(str(first, "ph"), "X");
    cr_assert_float_eq(num(first, "ts"), 1.0, 1e-9);
    cr_assert_float_eq(num(first, "dur"), 5.0, 1e-9);
    cr_assert_eq(num(first, "pid"), 2, "pid is the host + 1");
    cr_assert_str_eq(str(pend, "name"), "pending");
    cr_assert_float_eq(num(pend, "ts"), 2.0, 1e-9, "the pend ends with its callback");
    cr_assert_float_eq(num(pend, "dur"), 4.0, 1e-9);
    cr_assert_eq(num(pend, "tid"), num(first, "tid"));
    cr_assert_float_eq(num(second, "ts"), 2.0, 1e-9);
    cr_assert_float_eq(num(second, "dur"), 1.5, 1e-9);
    cr_assert_neq(num(second, "tid"), num(first, "tid"), "overlapping: another lane");
    cr_assert_str_eq(thread_name(root, 2, (int)num(first, "tid")), "callout rec");
    cr_assert_str_eq(thread_name(root, 2, (int)num(second, "tid")), "callout rec #2");
    json_decref(ev);
    json_decref(root);
}

static void state(vs_timeline *tl, vs_migration *m, vs_mig_state s, vs_time_t t)
{
    m->state = (uint8_t)s;
    vs_timeline_event ev = {.kind = VS_TL_STATE, .t = t, .host = m->src, .mig = m};
    vs_timeline_note(tl, &ev);
}

Test(timeline, migration_states_nest_with_the_blackout_around_the_paused_ones)
{
    fixture f;
    open_timeline(&f, 100);
    vs_migration m = {.vm = 3,
                      .src = 0,
                      .dst = VS_ANY_HOST,
                      .op = VS_OP_MIGRATE,
                      .flow = VS_FLOW_MIGRATE,
                      .arrived = 5000};
    state(f.tl, &m, VS_MIG_WAITING, 10000); /* queued behind the VM's previous one */
    m.dst = 2;
    state(f.tl, &m, VS_MIG_PRECOPY, 20000);
    state(f.tl, &m, VS_MIG_SAVE, 30000);
    state(f.tl, &m, VS_MIG_TRANSFER, 35000);
    state(f.tl, &m, VS_MIG_RESTORE, 40000);
    state(f.tl, &m, VS_MIG_ONLINE, 50000);
    json_t *root, *ev = finish(&f, &root, NULL);
    static const char *const want[][3] = {
        {"b", "migrate vm 3", "5"}, {"b", "QUEUED", "5"},    {"e", "QUEUED", "10"},
        {"b", "WAITING", "10"},     {"e", "WAITING", "20"},  {"b", "PRECOPY", "20"},
        {"e", "PRECOPY", "30"},     {"b", "blackout", "30"}, {"b", "SAVE", "30"},
        {"e", "SAVE", "35"},        {"b", "TRANSFER", "35"}, {"e", "TRANSFER", "40"},
        {"b", "RESTORE", "40"},     {"e", "RESTORE", "50"},  {"e", "blackout", "50"},
        {"e", "migrate vm 3", "50"}};
    size_t n = sizeof want / sizeof *want;
    cr_assert_eq(json_array_size(ev), n);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(ev, i);
        cr_assert_str_eq(str(e, "ph"), want[i][0], "event %zu", i);
        cr_assert_str_eq(str(e, "name"), want[i][1], "event %zu", i);
        cr_assert_float_eq(num(e, "ts"), atof(want[i][2]), 1e-9, "event %zu", i);
        cr_assert_eq(num(e, "id"), 1);
        cr_assert_str_eq(str(e, "cat"), "migration");
    }
    json_t *args = json_object_get(json_array_get(ev, 0), "args");
    cr_assert_eq(num(args, "to"), 2);
    cr_assert_str_eq(str(args, "flow"), "migrate");
    cr_assert_str_eq(str(json_object_get(json_array_get(ev, n - 1), "args"), "result"), "ONLINE");
    json_decref(ev);
    json_decref(root);
}

Test(timeline, counter_samples_at_one_time_keep_the_last)
{
    fixture f;
    open_timeline(&f, 100);
    vs_timeline_event up = {.kind = VS_TL_SAVES, .t = 1000, .host = 0, .value = 1};
    vs_timeline_note(f.tl, &up);
    vs_timeline_note(f.tl, &up);
    up.t = 3000;
    up.value = 0;
    vs_timeline_note(f.tl, &up);
    vs_timeline_event q = {.kind = VS_TL_CPU_QUEUE, .t = 2000, .host = 1, .value = 7};
    vs_timeline_note(f.tl, &q);
    json_t *root, *ev = finish(&f, &root, NULL);
    cr_assert_eq(json_array_size(ev), 3);
    cr_assert_eq(num(json_object_get(json_array_get(ev, 0), "args"), "in flight"), 2);
    cr_assert_str_eq(str(json_array_get(ev, 1), "name"), "CPU queue");
    cr_assert_eq(num(json_object_get(json_array_get(ev, 1), "args"), "length"), 7);
    cr_assert_eq(num(json_object_get(json_array_get(ev, 2), "args"), "in flight"), 1);
    json_decref(ev);
    json_decref(root);
}

Test(timeline, the_cap_ends_the_timeline_with_every_begin_ended)
{
    fixture f;
    open_timeline(&f, 6);
    vs_migration m = {.vm = 0,
                      .src = 0,
                      .dst = VS_ANY_HOST,
                      .op = VS_OP_MIGRATE,
                      .flow = VS_FLOW_MIGRATE,
                      .arrived = 1000};
    state(f.tl, &m, VS_MIG_WAITING, 1000); /* 2 for the migration, 2 for WAITING */
    state(f.tl, &m, VS_MIG_PRECOPY, 2000); /* 2 more: 6 */
    vs_trace_record late = save_call(2500, 100, 0, 0);
    vs_timeline_record(f.tl, &late);    /* one too many: the cap, at its end */
    state(f.tl, &m, VS_MIG_SAVE, 4000); /* past the cap: left out */
    vs_time_t capped_at = 0;
    json_t *root, *ev = finish(&f, &root, &capped_at);
    cr_assert_eq(capped_at, 2600);
    cr_assert_eq(json_array_size(ev), 6);
    json_t *last = json_array_get(ev, 5);
    cr_assert_str_eq(str(last, "ph"), "e");
    cr_assert_str_eq(str(last, "name"), "migrate vm 0");
    cr_assert_float_eq(num(last, "ts"), 2.6, 1e-9);
    cr_assert_str_eq(str(json_object_get(last, "args"), "result"), "UNFINISHED");
    json_t *other = json_object_get(root, "otherData");
    cr_assert_float_eq(num(other, "capped_at_us"), 2.6, 1e-9);
    cr_assert_eq(num(other, "left_out"), 2, "records: the callback and the SAVE state");
    json_decref(ev);
    json_decref(root);
}

/* A migration that waited behind its VM's previous one reaches the cap when it is
 * admitted: the cap falls then, not when it arrived, so what was under way ends after
 * its last state began. */
Test(timeline, the_cap_falls_when_it_is_reached)
{
    fixture f;
    open_timeline(&f, 4);
    vs_migration a = {.vm = 0, .dst = VS_ANY_HOST, .flow = VS_FLOW_MIGRATE, .arrived = 100};
    vs_migration b = {.vm = 1, .dst = VS_ANY_HOST, .flow = VS_FLOW_MIGRATE, .arrived = 50};
    state(f.tl, &a, VS_MIG_WAITING, 100); /* 4 events: the cap */
    state(f.tl, &b, VS_MIG_WAITING, 120);
    vs_time_t capped_at = 0;
    json_t *root, *ev = finish(&f, &root, &capped_at);
    cr_assert_eq(capped_at, 120);
    cr_assert_eq(json_array_size(ev), 4);
    cr_assert_float_eq(num(json_array_get(ev, 2), "ts"), 0.12, 1e-9, "WAITING ends at the cap");
    cr_assert_float_eq(num(json_array_get(ev, 3), "ts"), 0.12, 1e-9);
    json_decref(ev);
    json_decref(root);
}

Test(timeline, an_empty_run_is_an_empty_array)
{
    fixture f;
    open_timeline(&f, 10);
    json_t *root, *ev = finish(&f, &root, NULL);
    cr_assert_eq(json_array_size(json_object_get(root, "traceEvents")), 0);
    cr_assert_eq(num(json_object_get(root, "otherData"), "events"), 0);
    json_decref(ev);
    json_decref(root);
}
