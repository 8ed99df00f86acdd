/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Partial-file ranges (VSS-REFERENCE §3.5): the inline grammar with decimal and hexadecimal
 * values, overflow and malformed input; formatting; the binary ranges-file form in memory and
 * through file descriptors, including truncated and oversized files. */

/* cmocka.h needs the standard headers before it. */
/* clang-format off */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <vss/vss-metadata.h>
#include <vss/vss.h>
/* clang-format on */

static void expect_ranges(const char *s, size_t n, const vss_range *expected) {
        vss_range *r = NULL;
        size_t k = 0;

        if (vss_ranges_parse(s, &r, &k) != 0)
                fail_msg("'%s' does not parse", s);
        assert_int_equal(k, n);
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(r[i].offset, expected[i].offset);
                assert_int_equal(r[i].length, expected[i].length);
        }
        free(r);
}

static void expect_error(const char *s, int code) {
        vss_range *r = (vss_range *) 1;
        size_t k = 77;

        int got = vss_ranges_parse(s, &r, &k);
        if (got != code)
                fail_msg("'%s': got %d, expected %d", s, got, code);
        assert_ptr_equal(r, (vss_range *) 1); /* untouched on failure */
        assert_int_equal(k, 77);
}

static void test_parse(void **state) {
        (void) state;

        expect_ranges("0:1", 1, (const vss_range[]){{0, 1}});
        expect_ranges("0:4096,0x100000:65536", 2,
                      (const vss_range[]){{0, 4096}, {0x100000, 65536}});
        expect_ranges("0X1f:0xA,10:0x0b", 2, (const vss_range[]){{31, 10}, {10, 11}});
        expect_ranges("007:010", 1, (const vss_range[]){{7, 10}}); /* decimal, leading zeros */
        expect_ranges("0x0000000000000000001:1", 1, (const vss_range[]){{1, 1}});
        expect_ranges("5:5,0:5,5:5", 3,
                      (const vss_range[]){
                                      {5, 5}, {0, 5}, {5, 5}}); /* order kept, overlaps allowed */
        expect_ranges("0:9223372036854775807", 1, (const vss_range[]){{0, INT64_MAX}});
        expect_ranges("9223372036854775806:1", 1, (const vss_range[]){{INT64_MAX - 1, 1}});
        expect_ranges("0x7ffffffffffffffe:0x1", 1, (const vss_range[]){{INT64_MAX - 1, 1}});

        /* Malformed. */
        const char *bad[] = {
                        "",         ",",     "1",      "1:",    ":1",       "1:2,",  ",1:2",
                        "1:2,,3:4", " 1:2",  "1:2 ",   "1 :2",  "+1:2",     "-1:2",  "1:-2",
                        "0x:1",     "1:0x",  "0xg:1",  "1:0",   "0:0x0",    "a:b",   "1;2",
                        "1:2;3:4",  "1:2:3", "0b1:1",  "1e3:1", "\xC3\xA9", "1:2\n", "0x-1:1",
                        "1.5:2",    "1:2,3", "0x 1:1",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                expect_error(bad[i], -EINVAL);
        expect_error(NULL, -EINVAL);

        /* Overflow: values above 2^64-1, ends beyond 2^63-1. */
        expect_error("18446744073709551616:1", -ERANGE);
        expect_error("1:18446744073709551616", -ERANGE);
        expect_error("99999999999999999999999999:1", -ERANGE);
        expect_error("0x10000000000000000:1", -ERANGE);
        expect_error("18446744073709551615:1", -ERANGE);
        expect_error("0xffffffffffffffff:0xffffffffffffffff", -ERANGE);
        expect_error("9223372036854775807:1", -ERANGE);
        expect_error("1:9223372036854775807", -ERANGE);
        expect_error("9223372036854775800:8", -ERANGE);
        expect_error("0:1,9223372036854775807:1", -ERANGE);

        vss_range *r = NULL;
        size_t n = 0;
        assert_int_equal(vss_ranges_parse("0:1", NULL, &n), -EINVAL);
        assert_int_equal(vss_ranges_parse("0:1", &r, NULL), -EINVAL);
}

static void test_parse_limit(void **state) {
        vss_range *r = NULL;
        size_t n = 0;
        (void) state;

        /* VSS_RANGES_MAX items parse, one more does not. */
        size_t count = VSS_RANGES_MAX + 1;
        char *s = malloc(count * 4 + 1);
        assert_non_null(s);
        for (size_t i = 0; i < count; i++)
                memcpy(s + 4 * i, "0:1,", 4);
        s[count * 4 - 1] = 0;
        assert_int_equal(vss_ranges_parse(s, &r, &n), -E2BIG);
        s[(count - 1) * 4 - 1] = 0;
        assert_int_equal(vss_ranges_parse(s, &r, &n), 0);
        assert_int_equal(n, VSS_RANGES_MAX);
        free(r);
        free(s);
}

static void test_format(void **state) {
        vss_range *r = NULL;
        char *s = NULL;
        size_t n = 0;
        (void) state;

        assert_int_equal(vss_ranges_parse("0x10:0x20,0:9223372036854775807", &r, &n), 0);
        assert_int_equal(vss_ranges_format(r, n, &s), 0);
        assert_string_equal(s, "16:32,0:9223372036854775807");
        free(s);
        free(r);

        const vss_range one[] = {{1, 0}}, big[] = {{INT64_MAX, 1}}, ok[] = {{0, 1}};
        assert_int_equal(vss_ranges_format(one, 1, &s), -EINVAL);
        assert_int_equal(vss_ranges_format(big, 1, &s), -EINVAL);
        assert_int_equal(vss_ranges_format(ok, 0, &s), -EINVAL);
        assert_int_equal(vss_ranges_format(NULL, 1, &s), -EINVAL);
        assert_int_equal(vss_ranges_format(ok, 1, NULL), -EINVAL);

        assert_true(vss_ranges_is_file_reference("/var/lib/x.ranges"));
        assert_false(vss_ranges_is_file_reference("0:1"));
        assert_false(vss_ranges_is_file_reference("x.ranges"));
        assert_false(vss_ranges_is_file_reference(""));
        assert_false(vss_ranges_is_file_reference(NULL));
}

static void put_le64(uint8_t *p, uint64_t v) {
        for (size_t i = 0; i < 8; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

static void test_binary(void **state) {
        const vss_range in[] = {{0, 4096}, {0x123456789AULL, 1}, {INT64_MAX - 10, 10}};
        vss_range *out = NULL;
        void *data = NULL;
        size_t size = 0, n = 0;
        (void) state;

        assert_int_equal(vss_ranges_encode(in, 3, &data, &size), 0);
        assert_int_equal(size, 8 + 3 * 16);
        const uint8_t *p = data;
        /* Little-endian count, then offset and length. */
        assert_int_equal(p[0], 3);
        for (size_t i = 1; i < 8; i++)
                assert_int_equal(p[i], 0);
        assert_int_equal(p[8 + 16 + 0], 0x9A);
        assert_int_equal(p[8 + 16 + 4], 0x12);
        assert_int_equal(vss_ranges_decode(data, size, &out, &n), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(out, in, sizeof in);
        free(out);

        /* Truncated anywhere, or a byte too many. */
        for (size_t k = 0; k < size; k++)
                assert_int_equal(vss_ranges_decode(data, k, &out, &n), -EBADMSG);
        uint8_t *longer = calloc(1, size + 1);
        assert_non_null(longer);
        memcpy(longer, data, size);
        assert_int_equal(vss_ranges_decode(longer, size + 1, &out, &n), -EBADMSG);
        free(longer);

        /* A bad range inside. */
        uint8_t *bad = malloc(size);
        assert_non_null(bad);
        memcpy(bad, data, size);
        put_le64(bad + 16, 0); /* first length */
        assert_int_equal(vss_ranges_decode(bad, size, &out, &n), -EBADMSG);
        memcpy(bad, data, size);
        put_le64(bad + 8 + 32, UINT64_MAX); /* third offset */
        assert_int_equal(vss_ranges_decode(bad, size, &out, &n), -EBADMSG);
        free(bad);
        free(data);

        /* Counts: zero is fine, too many is refused before anything is allocated, and a count
         * that does not match the size is refused even when the multiplication would wrap. */
        uint8_t header[8];
        put_le64(header, 0);
        out = (vss_range *) 1;
        assert_int_equal(vss_ranges_decode(header, 8, &out, &n), 0);
        assert_int_equal(n, 0);
        assert_null(out);
        put_le64(header, VSS_RANGES_MAX + 1ULL);
        assert_int_equal(vss_ranges_decode(header, 8, &out, &n), -E2BIG);
        put_le64(header, UINT64_MAX / 16 + 2);
        assert_int_equal(vss_ranges_decode(header, 8, &out, &n), -E2BIG);
        put_le64(header, 2);
        assert_int_equal(vss_ranges_decode(header, 8, &out, &n), -EBADMSG);

        /* Encoding refuses what decoding would refuse. */
        const vss_range empty[] = {{5, 0}};
        assert_int_equal(vss_ranges_encode(empty, 1, &data, &size), -EINVAL);
        assert_int_equal(vss_ranges_encode(NULL, 0, &data, &size), 0);
        assert_int_equal(size, 8);
        free(data);
        assert_int_equal(vss_ranges_decode(NULL, 0, &out, &n), -EBADMSG);
        assert_int_equal(vss_ranges_decode(NULL, 8, &out, &n), -EINVAL);
}

static int memfd(void) {
        int fd = memfd_create("ranges", MFD_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static void test_files(void **state) {
        const vss_range in[] = {{10, 20}, {0x7000000000ULL, 0x1000}};
        vss_range *out = NULL;
        size_t n = 0;
        (void) state;

        int fd = memfd();
        assert_int_equal(vss_ranges_file_write(fd, in, 2), 0);
        assert_int_equal(lseek(fd, 0, SEEK_CUR), 8 + 2 * 16);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(vss_ranges_file_read(fd, &out, &n), 0);
        assert_int_equal(n, 2);
        assert_memory_equal(out, in, sizeof in);
        free(out);

        /* Truncated file. */
        assert_int_equal(ftruncate(fd, 8 + 16 + 5), 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(vss_ranges_file_read(fd, &out, &n), -EBADMSG);
        (void) close(fd);

        /* A file larger than the largest valid one is refused without reading it whole. */
        fd = memfd();
        assert_int_equal(ftruncate(fd, (off_t) (8 + 16 * (size_t) VSS_RANGES_MAX + 4096 * 16)), 0);
        assert_int_equal(vss_ranges_file_read(fd, &out, &n), -E2BIG);
        /* The largest valid file is read. */
        assert_int_equal(ftruncate(fd, (off_t) (8 + 16 * (size_t) VSS_RANGES_MAX)), 0);
        uint8_t header[8] = {0};
        header[2] = 0x10; /* 0x100000 = VSS_RANGES_MAX ranges ... */
        assert_int_equal(pwrite(fd, header, 8, 0), 8);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(vss_ranges_file_read(fd, &out, &n), -EBADMSG); /* ... all of them empty */
        (void) close(fd);

        /* Bad descriptors. */
        assert_int_equal(vss_ranges_file_read(-1, &out, &n), -EINVAL);
        assert_int_equal(vss_ranges_file_write(-1, in, 2), -EINVAL);
        int pipefd[2];
        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        assert_int_equal(vss_ranges_file_read(pipefd[1], &out, &n), -EBADF); /* write end */
        assert_int_equal(vss_ranges_file_write(pipefd[0], in, 2), -EBADF);   /* read end */
        (void) close(pipefd[0]);
        (void) close(pipefd[1]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_parse),  cmocka_unit_test(test_parse_limit),
                        cmocka_unit_test(test_format), cmocka_unit_test(test_binary),
                        cmocka_unit_test(test_files),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
