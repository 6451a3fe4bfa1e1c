/*
 * test-base.c: the ground floor (sim/base/): one-line errors, the text buffer, array
 * growth, atomic files and the table of status names, which is checked against every
 * code <vswitchsim/fwps.h> defines so that the two cannot drift apart.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/file.h"
#include "base/grow.h"
#include "base/ntstatus.h"
#include "base/self.h"
#include "tmpdir.h"

/* ---- error.h ------------------------------------------------------------------------- */

Test(error, one_line_escapes_control_characters)
{
    char err[VS_ERROR_MAX] = "a\nb\tc\rd\x01"
                             "e\x7f";
    vs_error_one_line(err);
    cr_assert_str_eq(err, "a\\nb\\tc\\rd\\x01e\\x7F");
}

Test(error, one_line_cuts_at_the_buffer_without_splitting_an_escape)
{
    char err[VS_ERROR_MAX];
    memset(err, '\n', sizeof err - 1);
    err[sizeof err - 1] = '\0';
    vs_error_one_line(err);
    size_t n = strlen(err);
    cr_assert_lt(n, (size_t)VS_ERROR_MAX);
    cr_assert_eq(n % 2, 0, "an escape was cut in half: %zu", n);
    cr_assert_eq(n, (size_t)VS_ERROR_MAX - 2);
}

/* ---- buf.h --------------------------------------------------------------------------- */

Test(buf, appends_formats_and_grows_past_its_first_block)
{
    vs_buf b = {0};
    vs_buf_puts(&b, "x=");
    vs_buf_printf(&b, "%d;", 42);
    for (int i = 0; i < 10000; i++)
        vs_buf_puts(&b, "abc");
    cr_assert_not(b.failed);
    cr_assert_eq(b.len, 5 + 30000u);
    cr_assert_eq(strlen(b.text), b.len);
    cr_assert_eq(strncmp(b.text, "x=42;abcabc", 11), 0);
    cr_assert_geq(b.cap, b.len + 1);
    vs_buf_free(&b);
    cr_assert_null(b.text);
    cr_assert_eq(b.len, 0);
}

Test(buf, a_failed_buffer_stays_as_it_was)
{
    vs_buf b = {0};
    vs_buf_puts(&b, "kept");
    b.failed = true;
    vs_buf_puts(&b, "lost");
    vs_buf_printf(&b, "%s", "lost");
    cr_assert_str_eq(b.text, "kept");
    vs_buf_free(&b);
}

/* ---- grow.h -------------------------------------------------------------------------- */

Test(grow, doubles_from_eight_and_keeps_the_contents)
{
    int *a = NULL;
    size_t cap = 0;
    cr_assert_eq(VS_GROW(a, cap, 1), 0);
    cr_assert_eq(cap, 8u);
    for (int i = 0; i < 8; i++)
        a[i] = i;
    cr_assert_eq(VS_GROW(a, cap, 9), 0);
    cr_assert_eq(cap, 16u);
    cr_assert_eq(VS_GROW(a, cap, 100), 0);
    cr_assert_eq(cap, 128u);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(a[i], i);
    free(a);
}

Test(grow, room_enough_is_no_call)
{
    char *a = NULL; /* a NULL array with capacity "enough": VS_GROW must not touch it */
    size_t cap = 4;
    cr_assert_eq(VS_GROW(a, cap, 4), 0);
    cr_assert_null(a);
    cr_assert_eq(cap, 4u);
}

Test(grow, uint32_capacity_refuses_to_pass_its_type)
{
    char *a = NULL;
    uint32_t cap = 0;
    cr_assert_eq(VS_GROW(a, cap, 1000), 0);
    cr_assert_eq(cap, 1024u);
    char *before = a;
    size_t need = (size_t)UINT32_MAX + 1;
    cr_assert_eq(VS_GROW(a, cap, need), -1);
    cr_assert_eq(a, before, "a failed growth moved the array");
    cr_assert_eq(cap, 1024u);
    free(a);
}

Test(grow, size_overflow_fails_and_changes_nothing)
{
    uint64_t *a = NULL;
    size_t cap = 0;
    cr_assert_eq(VS_GROW(a, cap, SIZE_MAX / 4), -1);
    cr_assert_null(a);
    cr_assert_eq(cap, 0u);
}

/* ---- file.h -------------------------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    static char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

Test(file, writes_whole_with_a_final_newline_and_replaces)
{
    char dir[64], path[128], err[VS_ERROR_MAX];
    tmpdir_make(dir, sizeof dir, "base");
    snprintf(path, sizeof path, "%s/out.txt", dir);
    cr_assert_eq(vs_file_write_atomically(path, "first", err), 0, "%s", err);
    cr_assert_str_eq(slurp(path), "first\n");
    cr_assert_eq(vs_file_write_atomically(path, "second\n", err), 0, "%s", err);
    cr_assert_str_eq(slurp(path), "second\n");
    tmpdir_remove(dir);
}

Test(file, failure_names_the_path_and_leaves_no_temporary)
{
    char dir[64], path[160], err[VS_ERROR_MAX];
    tmpdir_make(dir, sizeof dir, "base");
    snprintf(path, sizeof path, "%s/missing/out.txt", dir);
    cr_assert_eq(vs_file_write_atomically(path, "x", err), -1);
    cr_assert(strstr(err, path) && strstr(err, "No such file"), "%s", err);
    tmpdir_remove(dir);
}

Test(file, a_device_is_written_in_place)
{
    char err[VS_ERROR_MAX];
    cr_assert(vs_path_is_special("/dev/null"));
    cr_assert_eq(vs_file_write_atomically("/dev/null", "x", err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_assert(S_ISCHR(st.st_mode), "/dev/null was replaced");
}

/* ---- ntstatus.h ---------------------------------------------------------------------- */

Test(ntstatus, known_and_unknown_codes)
{
    char buf[64];
    cr_assert_str_eq(vs_ntstatus_name(STATUS_DATA_ERROR, buf), "STATUS_DATA_ERROR (0xC000003E)");
    cr_assert_str_eq(vs_ntstatus_name((NTSTATUS)0xC0FFEE00, buf), "0xC0FFEE00");
}

/* Every `#define NAME ((NTSTATUS)0x...L)` (or NDIS_STATUS) in the SDK's headers has its
 * name in the table: the header is read as text, as a person adding a code writes it.
 * Returns how many codes it checked. */
static int check_codes_of(const char *header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/sim/include/vswitchsim/%s", getenv("VSWITCHSIM_SOURCE_DIR"),
             header);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[512];
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        char name[128], type[32];
        unsigned code;
        if (sscanf(line, "#define %127s ((%31[A-Z_])0x%xL)", name, type, &code) != 3 ||
            (strcmp(type, "NTSTATUS") != 0 && strcmp(type, "NDIS_STATUS") != 0))
            continue;
        char buf[64], want[200];
        snprintf(want, sizeof want, "%s (0x%08X)", name, code);
        /* STATUS_WAIT_0 is STATUS_SUCCESS's number, and prints as that. */
        if (strcmp(name, "STATUS_WAIT_0") != 0)
            cr_expect_str_eq(vs_ntstatus_name((NTSTATUS)code, buf), want);
        checked++;
    }
    fclose(f);
    return checked;
}

Test(ntstatus, the_table_names_every_code_the_sdk_defines)
{
    cr_assert_geq(check_codes_of("fwps.h"), 18);
    cr_assert_geq(check_codes_of("wdk/ntdef.h"), 13);
}

Test(self, dir_is_the_folder_of_this_test_binary)
{
    /* This binary is build/tests/test-base (tests/CMakeLists.txt), wherever ctest runs it
     * from; /proc/self/exe names the file, symlinks resolved. */
    char dir[PATH_MAX], build[PATH_MAX], want[PATH_MAX + 8];
    cr_assert_eq(vs_self_dir(dir), 0);
    const char *b = getenv("VSWITCHSIM_BUILD_DIR");
    cr_assert_not_null(b, "run through ctest");
    cr_assert_not_null(realpath(b, build));
    snprintf(want, sizeof want, "%s/tests", build);
    cr_assert_str_eq(dir, want);
}
