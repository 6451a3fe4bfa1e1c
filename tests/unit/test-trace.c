/*
 * test-trace.c: `run --trace` lines (sim/report/trace.c): the exact text of a callback
 * and of an OID, fields that do not apply left out, strings escaped, and the file
 * appearing under its name only when it is finished.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/trace.h"
#include "tmpdir.h"

/* The text vs_trace_write_line gives for rec, through a temporary file (caller frees). */
static char *line_of(const vs_trace_record *rec)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    cr_assert_eq(vs_trace_write_line(f, rec), 0);
    long n = ftell(f);
    rewind(f);
    char *s = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

static vs_trace_record callback(void)
{
    return (vs_trace_record){.kind = VS_TRACE_CALLBACK,
                             .t = 1500000000,
                             .duration = 2000,
                             .host = 1,
                             .sw = 0,
                             .port = 2,
                             .vm = 3,
                             .nic = 0,
                             .event = "RUNTIME_STATE_RESTORE",
                             .plugin = "rec",
                             .status = STATUS_SUCCESS};
}

Test(trace, callback_line)
{
    vs_trace_record r = callback();
    char *s = line_of(&r);
    cr_assert_str_eq(s, "{\"t_ns\":1500000000,\"kind\":\"callback\",\"host\":1,\"switch\":0,"
                        "\"port\":2,\"vm\":3,\"nic\":0,\"event\":\"RUNTIME_STATE_RESTORE\","
                        "\"plugin\":\"rec\",\"status\":\"0x00000000\","
                        "\"status_name\":\"STATUS_SUCCESS\",\"duration_ns\":2000,"
                        "\"pended\":false}\n");
    free(s);
}

Test(trace, pended_callback_on_a_validation_port)
{
    vs_trace_record r = callback();
    r.event = "PORT_CREATE";
    r.status = STATUS_INSUFFICIENT_RESOURCES;
    r.pended = true;
    r.validation_port = true;
    char *s = line_of(&r);
    cr_assert_str_eq(s, "{\"t_ns\":1500000000,\"kind\":\"callback\",\"host\":1,\"switch\":0,"
                        "\"port\":2,\"vm\":3,\"nic\":0,\"event\":\"PORT_CREATE\","
                        "\"plugin\":\"rec\",\"status\":\"0xC000009A\","
                        "\"status_name\":\"STATUS_INSUFFICIENT_RESOURCES\",\"duration_ns\":2000,"
                        "\"pended\":true,\"validation_port\":true}\n");
    free(s);
}

Test(trace, oid_line_has_no_plugin)
{
    vs_trace_record r = {.kind = VS_TRACE_OID,
                         .t = 42,
                         .duration = 1000000,
                         .host = 0,
                         .sw = 1,
                         .port = 7,
                         .vm = 0,
                         .nic = 1,
                         .event = "OID_SWITCH_NIC_SAVE",
                         .plugin = "ignored",
                         .status = STATUS_SUCCESS};
    char *s = line_of(&r);
    cr_assert_str_eq(s, "{\"t_ns\":42,\"kind\":\"oid\",\"host\":0,\"switch\":1,\"port\":7,"
                        "\"vm\":0,\"nic\":1,\"event\":\"OID_SWITCH_NIC_SAVE\","
                        "\"status\":\"0x00000000\",\"status_name\":\"STATUS_SUCCESS\","
                        "\"duration_ns\":1000000,\"pended\":false}\n");
    free(s);
}

Test(trace, fields_that_do_not_apply_are_left_out)
{
    vs_trace_record r = {.kind = VS_TRACE_CALLBACK,
                         .t = 0,
                         .host = 0,
                         .sw = 0,
                         .port = VS_TRACE_NONE,
                         .vm = VS_TRACE_NONE,
                         .nic = VS_TRACE_NONE,
                         .event = "VSWITCH_CREATE",
                         .plugin = "rec",
                         .status = STATUS_SUCCESS};
    char *s = line_of(&r);
    cr_assert_str_eq(s, "{\"t_ns\":0,\"kind\":\"callback\",\"host\":0,\"switch\":0,"
                        "\"event\":\"VSWITCH_CREATE\",\"plugin\":\"rec\","
                        "\"status\":\"0x00000000\",\"status_name\":\"STATUS_SUCCESS\","
                        "\"duration_ns\":0,\"pended\":false}\n");
    free(s);
}

Test(trace, unknown_status_has_no_name)
{
    vs_trace_record r = callback();
    r.status = (NTSTATUS)0xC0FFEE00;
    char *s = line_of(&r);
    cr_assert(strstr(s, ",\"status\":\"0xC0FFEE00\",\"duration_ns\":2000,"), "%s", s);
    cr_assert_null(strstr(s, "status_name"), "%s", s);
    free(s);
}

Test(trace, plugin_name_is_escaped)
{
    vs_trace_record r = callback();
    r.plugin = "a\"b\\c\nd\x01"
               "e";
    char *s = line_of(&r);
    cr_assert(strstr(s, ",\"plugin\":\"a\\\"b\\\\c\\u000ad\\u0001e\","), "%s", s);
    free(s);
}

/* The status name is cached between lines: a change of status is still seen. */
Test(trace, file_names_each_lines_status)
{
    char dir[64], path[128];
    tmpdir_make(dir, sizeof dir, "trace");
    snprintf(path, sizeof path, "%s/t.jsonl", dir);
    char err[VS_ERROR_MAX];
    vs_trace_file *tf = vs_trace_file_new(path, err);
    cr_assert_not_null(tf, "%s", err);
    vs_trace_record r = callback();
    vs_trace_file_record(tf, &r);
    r.status = STATUS_PENDING;
    vs_trace_file_record(tf, &r);
    r.status = (NTSTATUS)0xC0FFEE00;
    vs_trace_file_record(tf, &r);
    r.status = STATUS_PENDING;
    vs_trace_file_record(tf, &r);
    cr_assert_neq(access(path, F_OK), 0, "the file appeared before it was finished");
    cr_assert_eq(vs_trace_file_finish(tf, err), 0, "%s", err);
    char *s = tmpdir_read(path);
    const char *p = s;
    const char *want[] = {"STATUS_SUCCESS\"", "STATUS_PENDING\"", "0xC0FFEE00\",\"duration",
                          "STATUS_PENDING\""};
    for (size_t i = 0; i < 4; i++) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "line %zu missing: %s", i + 1, s);
        char *hit = strstr(p, want[i]);
        cr_assert(hit && hit < nl, "line %zu lacks %s: %s", i + 1, want[i], s);
        p = nl + 1;
    }
    cr_assert_str_eq(p, "");
    free(s);
    tmpdir_remove(dir);
}

Test(trace, unwritable_folder_fails_naming_the_file)
{
    char err[VS_ERROR_MAX];
    cr_assert_null(vs_trace_file_new("/nonexistent/t.jsonl", err));
    cr_assert_str_eq(err, "/nonexistent/t.jsonl: No such file or directory");
}

Test(trace, discarded_file_leaves_nothing)
{
    char dir[64], path[128];
    tmpdir_make(dir, sizeof dir, "trace");
    snprintf(path, sizeof path, "%s/t.jsonl", dir);
    char err[VS_ERROR_MAX];
    vs_trace_file *tf = vs_trace_file_new(path, err);
    cr_assert_not_null(tf, "%s", err);
    vs_trace_record r = callback();
    vs_trace_file_record(tf, &r);
    vs_trace_file_discard(tf);
    cr_assert_neq(access(path, F_OK), 0);
    cr_assert_eq(rmdir(dir), 0, "the temporary file was left behind");
}
