/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "reg-util.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

int reg_util_fail(char **reterr_message, int r, const char *format, ...) {
        if (reterr_message) {
                va_list ap;
                char *m = NULL;

                va_start(ap, format);
                if (vasprintf(&m, format, ap) < 0)
                        m = NULL;
                va_end(ap);
                free(*reterr_message);
                *reterr_message = m;
        }
        return r;
}

bool reg_util_ascii_equal(const char *a, const char *b) {
        return strcasecmp(a, b) == 0;
}

bool reg_util_ascii_startswith(const char *a, const char *prefix) {
        return strncasecmp(a, prefix, strlen(prefix)) == 0;
}
