/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* src/basic helpers: Buffer, strv, UTF-8. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buffer.h"
#include "strv.h"
#include "utf8.h"

static void test_buffer(void **state) {
        Buffer b = BUFFER_INIT;

        (void) state;

        char *empty = buffer_steal(&b);
        assert_non_null(empty);
        assert_string_equal(empty, "");
        free(empty);

        for (int i = 0; i < 1000; i++)
                assert_int_equal(buffer_printf(&b, "%d,", i), 0);
        assert_int_equal(b.size, strlen(b.data));
        assert_memory_equal(b.data, "0,1,2,", 6);
        assert_int_equal(buffer_append(&b, "\0x", 2), 0);
        assert_int_equal(b.data[b.size - 2], 0);
        buffer_clear(&b);
        assert_int_equal(b.size, 0);
        assert_string_equal(b.data, "");
        assert_int_equal(buffer_append_str(&b, "abc"), 0);
        char *s = buffer_steal(&b);
        assert_string_equal(s, "abc");
        assert_null(b.data);
        free(s);
        buffer_done(&b);
}

static void test_strv(void **state) {
        vss_autostrv char **l = NULL;

        (void) state;

        assert_int_equal(strv_length(l), 0);
        assert_int_equal(strv_extend(&l, "a"), 0);
        assert_int_equal(strv_consume(&l, strdup("b")), 0);
        assert_int_equal(strv_consume(&l, NULL), -ENOMEM);
        assert_int_equal(strv_length(l), 2);
        size_t n = 0;
        STRV_FOREACH(i, l)
                n += strlen(*i);
        assert_int_equal(n, 2);
        assert_null(strv_free(NULL));
}

static void test_utf8(void **state) {
        uint32_t cp;
        char out[4];

        (void) state;

        assert_int_equal(utf8_decode("\xE2\x80\x9D", 3, &cp), 3);
        assert_int_equal(cp, 0x201D);
        assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
        assert_int_equal(cp, 0x1F600);
        assert_int_equal(utf8_decode("\xE2\x80", 2, &cp), -EILSEQ);     /* truncated */
        assert_int_equal(utf8_decode("\xC0\xAF", 2, &cp), -EILSEQ);     /* overlong */
        assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), -EILSEQ); /* surrogate */
        assert_int_equal(utf8_decode("\xF4\x90\x80\x80", 4, &cp), -EILSEQ);
        assert_int_equal(utf8_decode("\x80", 1, &cp), -EILSEQ);

        assert_int_equal(utf8_encode(0x201C, out), 3);
        assert_memory_equal(out, "\xE2\x80\x9C", 3);
        assert_int_equal(utf8_encode(0xD800, out), -EINVAL);
        assert_int_equal(utf8_encode(0x110000, out), -EINVAL);

        assert_true(utf8_is_valid("My Application"));
        assert_false(utf8_is_valid("\xFF"));
        assert_int_equal(utf8_n_codepoints("\xC3\xA9t\xC3\xA9"), 3);
        assert_int_equal(utf8_n_codepoints("\xFF"), -EILSEQ);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_buffer),
                cmocka_unit_test(test_strv),
                cmocka_unit_test(test_utf8),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
