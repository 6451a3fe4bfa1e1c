/*
 * output.c: the report as JSON, to a file (atomically, base/file.c) or to stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "report/report.h"

int vs_report_write_json(const json_t *report, const char *path, char err[VS_ERROR_MAX])
{
    char *text = vs_report_dumps(report);
    if (!text)
        return snprintf(err, VS_ERROR_MAX, "%s: out of memory", path), -1;
    int rc = 0;
    if (strcmp(path, "-") == 0) {
        rc = fputs(text, stdout) < 0 || fputc('\n', stdout) < 0 || fflush(stdout) != 0 ? -1 : 0;
        if (rc)
            snprintf(err, VS_ERROR_MAX, "stdout: %s", strerror(errno));
    } else {
        rc = vs_file_write_atomically(path, text, err);
    }
    free(text);
    return rc;
}
