/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Backup Components Document JSON reader. Oracle: no crash; failures only with the documented
 * codes and a message; anything accepted validates and saves, and the saved text loads again and
 * saves to the same bytes; every range list in an accepted document parses (inline partial-file
 * ranges, and directed targets covering as many bytes on both sides). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

#include "fuzz.h"

static uint64_t ranges_total(const char *s) {
        vss_range *r = NULL;
        uint64_t total = 0;
        size_t n = 0;

        if (vss_ranges_parse(s, &r, &n) != 0 || n == 0)
                abort();
        for (size_t i = 0; i < n; i++)
                total += r[i].length;
        free(r);
        return total;
}

static void check_ranges(const vss_bcd *b) {
        for (size_t i = 0; i < vss_bcd_get_writer_count(b); i++) {
                vss_bcd_writer *w = vss_bcd_get_writer(b, i);
                for (size_t j = 0; j < vss_bcd_writer_get_component_count(w); j++) {
                        vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                        const char *s1, *s2, *s3, *s4, *s5, *s6;

                        if (vss_bcd_writer_find_component(
                                            w, vss_bcd_component_get_logical_path(c),
                                            vss_bcd_component_get_name(c)) != c)
                                abort();
                        for (size_t k = 0; k < vss_bcd_component_get_partial_file_count(c); k++) {
                                if (vss_bcd_component_get_partial_file(c, k, &s1, &s2, &s3, &s4) !=
                                    0)
                                        abort();
                                if (!vss_ranges_is_file_reference(s3))
                                        (void) ranges_total(s3);
                        }
                        for (size_t k = 0; k < vss_bcd_component_get_directed_target_count(c);
                             k++) {
                                if (vss_bcd_component_get_directed_target(
                                                    c, k, &s1, &s2, &s3, &s4, &s5, &s6) != 0)
                                        abort();
                                if (ranges_total(s3) != ranges_total(s6))
                                        abort();
                        }
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        vss_bcd *bcd = NULL, *again = NULL;
        char *a = NULL, *b = NULL, *err = NULL;
        size_t na = 0, nb = 0;

        int r = vss_bcd_from_json((const char *) data, size, &bcd, &err);
        if (r < 0) {
                if (bcd)
                        abort();
                if (r != -VSS_E_CORRUPT_XML_DOCUMENT && r != -VSS_E_INVALID_XML_DOCUMENT &&
                    r != -EPROTONOSUPPORT && r != -E2BIG && r != -ENOMEM)
                        abort();
                if (r != -ENOMEM && !err)
                        abort();
                free(err);
                return 0;
        }
        if (err)
                abort();

        if (vss_bcd_validate(bcd, NULL) != 0)
                abort();
        check_ranges(bcd);
        if (vss_bcd_to_json(bcd, &a, &na, NULL) != 0 || strlen(a) != na)
                abort();
        if (vss_bcd_from_json(a, na, &again, NULL) != 0)
                abort();
        if (vss_bcd_to_json(again, &b, &nb, NULL) != 0)
                abort();
        if (na != nb || memcmp(a, b, na) != 0)
                abort();

        free(a);
        free(b);
        vss_bcd_free(again);
        vss_bcd_free(bcd);
        return 0;
}
