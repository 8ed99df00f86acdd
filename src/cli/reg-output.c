/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reg-cli.h"

/* The batch file and line being run, for messages. */
static char *output_context = NULL;

void reg_output_set_context(const char *file, unsigned line) {
        free(output_context);
        output_context = NULL;
        if (file && asprintf(&output_context, "%s:%u: ", file, line) < 0)
                output_context = NULL;
}

VSS_PRINTF(2, 0)
static void print_message(const char *label, const char *format, va_list ap) {
        char *m = NULL;

        if (vasprintf(&m, format, ap) < 0)
                m = NULL;
        size_t n = m ? strlen(m) : 0;
        if (n > 0 && m[0] >= 'a' && m[0] <= 'z') /* the parsers' messages start in lower case */
                m[0] = (char) (m[0] - 'a' + 'A');
        bool period = n > 0 && strchr(".?!", m[n - 1]);

        (void) fprintf(stderr, "%s%s: %s%s\n", output_context ? output_context : "", label,
                       m ? m : "Out of memory", period ? "" : ".");
        free(m);
}

int reg_output_error(int error, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        print_message("ERROR", format, ap);
        va_end(ap);
        return error < 0 ? error : error > 0 ? -error : -EIO;
}

int reg_output_syntax_error(int error, const char *detail) {
        if (!detail || !*detail)
                return reg_output_error(error, "Invalid syntax");

        int first = detail[0] >= 'a' && detail[0] <= 'z' ? detail[0] - 'a' + 'A' : detail[0];
        return reg_output_error(error, "Invalid syntax. %c%s", first, detail + 1);
}

void reg_output_warning(const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        print_message("WARNING", format, ap);
        va_end(ap);
}

int reg_output_store_error(Registry *r, int error) {
        const char *m = r ? registry_last_error(r) : NULL;

        switch (error) {
        case -EACCES:
                return reg_output_error(
                                error,
                                "Access is denied. Administrator privilege is required to change "
                                "the registry: run vss-reg as root");
        case -ENOENT:
                return reg_output_error(
                                error, "The system was unable to find the specified registry key "
                                       "or value");
        default:
                if (m)
                        return reg_output_error(error, "%s", m);
                return reg_output_error(error, "%s", strerror(-error));
        }
}

bool reg_output_confirm(const char *format, ...) {
        char *line = NULL;
        size_t allocated = 0;
        bool answer = false;
        va_list ap;

        for (;;) {
                va_start(ap, format);
                (void) fputs(output_context ? output_context : "", stderr);
                (void) vfprintf(stderr, format, ap);
                va_end(ap);
                (void) fputc(' ', stderr);
                (void) fflush(stderr);

                ssize_t n = getline(&line, &allocated, stdin);
                if (n < 0) {
                        (void) fputc('\n', stderr);
                        break; /* end of input: cancel */
                }
                while (n > 0 && strchr(" \t\r\n", line[n - 1]))
                        line[--n] = '\0';
                const char *a = line + strspn(line, " \t");
                if (strcasecmp(a, "y") == 0 || strcasecmp(a, "yes") == 0) {
                        answer = true;
                        break;
                }
                if (strcasecmp(a, "n") == 0 || strcasecmp(a, "no") == 0)
                        break;
        }

        free(line);
        return answer;
}

void reg_output_success(void) {
        (void) puts("The operation completed successfully.");
}
