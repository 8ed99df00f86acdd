/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Partial-file ranges. The input is tried as an inline list and as a binary ranges file.
 * Oracle: no crash; failures only with the documented codes; an accepted list formats to
 * decimal text that parses to the same ranges, and encodes to a binary file that decodes to the
 * same ranges; an accepted binary file encodes back to the same bytes. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

#include "fuzz.h"

static void same_ranges(const vss_range *a, size_t na, const vss_range *b, size_t nb) {
        if (na != nb || (na > 0 && memcmp(a, b, na * sizeof(vss_range)) != 0))
                abort();
}

static void check_text(const uint8_t *data, size_t size) {
        vss_range *r = NULL, *r2 = NULL, *r3 = NULL;
        size_t n = 0, n2 = 0, n3 = 0, bsize = 0;
        char *text = NULL;
        void *bin = NULL;

        char *s = malloc(size + 1);
        if (!s)
                return;
        memcpy(s, data, size);
        s[size] = 0;

        int k = vss_ranges_parse(s, &r, &n);
        if (k < 0) {
                if (k != -EINVAL && k != -ERANGE && k != -E2BIG && k != -ENOMEM)
                        abort();
                free(s);
                return;
        }
        if (n == 0 || vss_ranges_is_file_reference(s))
                abort();
        for (size_t i = 0; i < n; i++)
                if (r[i].length == 0 || r[i].offset + r[i].length < r[i].offset ||
                    r[i].offset + r[i].length > (uint64_t) INT64_MAX)
                        abort();

        if (vss_ranges_format(r, n, &text) != 0 || vss_ranges_parse(text, &r2, &n2) != 0)
                abort();
        same_ranges(r, n, r2, n2);
        if (vss_ranges_encode(r, n, &bin, &bsize) != 0 || bsize != 8 + 16 * n)
                abort();
        if (vss_ranges_decode(bin, bsize, &r3, &n3) != 0)
                abort();
        same_ranges(r, n, r3, n3);

        free(bin);
        free(text);
        free(r3);
        free(r2);
        free(r);
        free(s);
}

static void check_binary(const uint8_t *data, size_t size) {
        vss_range *r = NULL;
        void *bin = NULL;
        size_t n = 0, bsize = 0;

        int k = vss_ranges_decode(data, size, &r, &n);
        if (k < 0) {
                if (k != -EBADMSG && k != -E2BIG && k != -ENOMEM)
                        abort();
                return;
        }
        if (vss_ranges_encode(r, n, &bin, &bsize) != 0)
                abort();
        if (bsize != size || memcmp(bin, data, size) != 0)
                abort();
        free(bin);
        free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        check_text(data, size);
        check_binary(data, size);
        return 0;
}
