/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The .reg parser on arbitrary bytes. Oracles: nothing crashes; a refusal names a line and a
 * problem; whatever is accepted formats, the result parses to the same operations, and
 * formatting those gives the same text again. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reg-file.h"

static void check(bool ok, const char *what) {
        if (!ok) {
                (void) fprintf(stderr, "oracle failed: %s\n", what);
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        RegFile *f = NULL, *g = NULL;
        char *message = NULL, *text = NULL, *text2 = NULL;
        size_t text_size = 0, text2_size = 0;
        unsigned line = 0;

        int r = reg_file_parse(data, size, &f, &line, &message);
        if (r < 0) {
                check(message || r == -ENOMEM, "a refused file has a message");
                free(message);
                return 0;
        }
        check(!message, "no message on success");

        r = reg_file_format(f, &text, &text_size);
        check(r >= 0 || r == -ENOMEM, "what parses formats");
        if (r >= 0) {
                r = reg_file_parse(text, text_size, &g, &line, &message);
                if (r < 0)
                        (void) fprintf(stderr, "line %u: %s\n", line, message ? message : "");
                /* A file near the size limits may grow past them when formatted. */
                check(r >= 0 || r == -ENOMEM || r == -E2BIG, "the formatted file parses");
                if (r >= 0) {
                        check(reg_file_equal(f, g), "the formatted file has the same content");
                        check(reg_file_format(g, &text2, &text2_size) >= 0, "formats again");
                        check(text_size == text2_size && memcmp(text, text2, text_size) == 0,
                              "formatting is stable");
                }
        }

        free(message);
        free(text);
        free(text2);
        reg_file_free(f);
        reg_file_free(g);
        return 0;
}
