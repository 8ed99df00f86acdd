/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* .reg files (reg-file.c): parsing, formatting, round trips, errors, file helpers. */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buffer.h"
#include "reg-data.h"
#include "reg-file.h"

#define HEADER "Windows Registry Editor Version 5.00\r\n"
#define KEY    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Test"

static RegFile *parse_ok(const void *text, size_t size) {
        RegFile *f = NULL;
        unsigned line = 0;
        char *message = NULL;

        int r = reg_file_parse(text, size, &f, &line, &message);
        if (r < 0)
                fail_msg("parse failed: %d at line %u: %s", r, line, message ? message : "");
        return f;
}

/* Formats, parses the result and checks it is the same; returns the text. */
static char *format_round_trip(const RegFile *f) {
        char *text = NULL, *again = NULL;
        size_t size = 0, size2 = 0;

        assert_int_equal(reg_file_format(f, &text, &size), 0);
        assert_int_equal(strlen(text), size);
        RegFile *g = parse_ok(text, size);
        assert_true(reg_file_equal(f, g));
        assert_int_equal(reg_file_format(g, &again, &size2), 0);
        assert_string_equal(text, again);
        free(again);
        reg_file_free(g);
        return text;
}

static void
parse_fails(const char *text, size_t size, int error, unsigned line, const char *needle) {
        RegFile *f = NULL;
        unsigned l = 12345;
        char *message = NULL;

        int r = reg_file_parse(text, size, &f, &l, &message);
        if (r != error)
                fail_msg("gave %d, expected %d (%s) for:\n%s", r, error, message ? message : "",
                         text);
        assert_null(f);
        if (l != line)
                fail_msg("error at line %u, expected %u (%s)", l, line, message);
        assert_non_null(message);
        if (!strstr(message, needle))
                fail_msg("message '%s' does not contain '%s'", message, needle);
        free(message);
}

#define PARSE_FAILS(text, error, line, needle) parse_fails(text, strlen(text), error, line, needle)

static void test_format_every_type(void **state) {
        static const char expected[] = HEADER "\r\n"
                                              "[" KEY "]\r\n"
                                              "@=\"default\"\r\n"
                                              "\"Str\"=\"a \\\"quoted\\\" C:\\\\path\"\r\n"
                                              "\"Dword\"=dword:0000002a\r\n"
                                              "\"Qword\"=hex(b):ef,cd,ab,89,67,45,23,01\r\n"
                                              "\"Bin\"=hex:de,ad,be,ef\r\n"
                                              "\"Empty\"=hex:\r\n"
                                              "\"None\"=hex(0):61,00\r\n"
                                              "\"Expand\"=hex(2):25,00,50,00,25,00,00,00\r\n"
                                              "\"Multi\"=hex(7):61,00,00,00,e9,00,00,00,00,00\r\n"
                                              "\"Lines\"=hex(1):61,00,0a,00,62,00,00,00\r\n"
                                              "\"Empty list\"=hex(7):00,00\r\n"
                                              "\"Na\\\"me\\\\\\n\"=\"\"\r\n"
                                              "\r\n"
                                              "[" KEY "\\Sub key]\r\n"
                                              "\r\n";
        RegFile *f = reg_file_new();

        (void) state;

        assert_non_null(f);
        assert_int_equal(reg_file_add_value(f, "x", REG_SZ, "", 1), -EINVAL); /* no key yet */
        assert_int_equal(reg_file_add_key(f, KEY), 0);
        assert_int_equal(reg_file_add_value(f, "", REG_SZ, "default", 8), 0);
        assert_int_equal(reg_file_add_value(f, "Str", REG_SZ, "a \"quoted\" C:\\path", 19), 0);
        assert_int_equal(reg_file_add_value(f, "Dword", REG_DWORD, "\x2a\0\0\0", 4), 0);
        assert_int_equal(
                        reg_file_add_value(
                                        f, "Qword", REG_QWORD, "\xef\xcd\xab\x89\x67\x45\x23\x01",
                                        8),
                        0);
        assert_int_equal(reg_file_add_value(f, "Bin", REG_BINARY, "\xde\xad\xbe\xef", 4), 0);
        assert_int_equal(reg_file_add_value(f, "Empty", REG_BINARY, NULL, 0), 0);
        assert_int_equal(reg_file_add_value(f, "None", REG_NONE, "a", 2), 0);
        assert_int_equal(reg_file_add_value(f, "Expand", REG_EXPAND_SZ, "%P%", 4), 0);
        assert_int_equal(reg_file_add_value(f, "Multi", REG_MULTI_SZ, "a\0\xc3\xa9\0", 6), 0);
        assert_int_equal(reg_file_add_value(f, "Lines", REG_SZ, "a\nb", 4), 0);
        assert_int_equal(reg_file_add_value(f, "Empty list", REG_MULTI_SZ, "", 1), 0);
        assert_int_equal(reg_file_add_value(f, "Na\"me\\\n", REG_SZ, "", 1), 0);
        /* Data that does not fit its type is refused. */
        assert_int_equal(reg_file_add_value(f, "bad", REG_DWORD, "\1", 1), -EINVAL);
        assert_int_equal(reg_file_add_value(f, "bad", REG_SZ, "a", 1), -EINVAL);
        assert_int_equal(reg_file_add_key(f, KEY "\\Sub key"), 0);
        assert_int_equal(reg_file_add_key(f, "-x"), -EINVAL);
        assert_int_equal(reg_file_add_key(f, "a\nb"), -EINVAL);
        assert_int_equal(reg_file_add_key(f, ""), -EINVAL);

        char *text = format_round_trip(f);
        assert_string_equal(text, expected);
        free(text);
        reg_file_free(f);
}

static void test_wrapping(void **state) {
        uint8_t data[100];
        RegFile *f = reg_file_new();
        char *text;

        (void) state;

        for (size_t i = 0; i < sizeof data; i++)
                data[i] = (uint8_t) i;
        assert_int_equal(reg_file_add_key(f, KEY), 0);
        assert_int_equal(reg_file_add_value(f, "Big", REG_BINARY, data, sizeof data), 0);
        text = format_round_trip(f);

        /* As regedit: 23 bytes on the first line, 25 on each continuation line. */
        const char *p = strstr(text, "\"Big\"=hex:00,01,");
        assert_non_null(p);
        const char *e = strstr(p, "\r\n");
        assert_int_equal(e - p, 80);
        assert_memory_equal(e - 4, "16,\\", 4);
        assert_memory_equal(e + 2, "  17,18,", 8);
        const char *e2 = strstr(e + 2, "\r\n");
        assert_int_equal(e2 - (e + 2), 78);
        for (const char *l = strstr(text, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
                const char *n = strstr(l + 2, "\r\n");
                if (n)
                        assert_true(n - (l + 2) <= 80);
        }
        free(text);
        reg_file_free(f);
}

static void test_parse_features(void **state) {
        static const char text[] = "\xEF\xBB\xBFWindows Registry Editor Version 5.00  \n"
                                   "; a comment\n"
                                   "\n"
                                   "[-HKLM\\Old]\r\n"
                                   "  [HKLM\\A]\n"
                                   "\t\"Name\" = \"v;alue\" ; trailing comment\n"
                                   "@=dword:1\n"
                                   "\"gone\"=-\n"
                                   "@ = - ; delete the default\n"
                                   "\"hex\"=hex:01,  FF ,\\\n"
                                   "  ; a comment inside a continued value\n"
                                   "   0a,\\\n"
                                   "  0B,\n"
                                   "\"esc\"=\"a\\nb\\rc\\\\\"\n"
                                   "\"q\"=hex(b):01,00,00,00,00,00,00,00\n"
                                   "\"d4\"=hex(4):02,00,00,00\n"
                                   "\"s\"=hex(1):41,00,42,00\n"
                                   "[HKLM\\A]]\n";
        RegFile *f;

        (void) state;

        f = parse_ok(text, strlen(text));
        assert_int_equal(f->n_ops, 12);
        assert_int_equal(f->ops[0].type, REG_FILE_OP_DELETE_KEY);
        assert_string_equal(f->ops[0].key, "HKLM\\Old");
        assert_int_equal(f->ops[0].line, 4);
        assert_int_equal(f->ops[1].type, REG_FILE_OP_KEY);
        assert_string_equal(f->ops[2].name, "Name");
        assert_memory_equal(f->ops[2].data, "v;alue", 7);
        assert_string_equal(f->ops[2].key, "HKLM\\A");
        assert_string_equal(f->ops[3].name, "");
        assert_int_equal(f->ops[3].value_type, REG_DWORD);
        assert_memory_equal(f->ops[3].data, "\1\0\0\0", 4);
        assert_int_equal(f->ops[4].type, REG_FILE_OP_DELETE_VALUE);
        assert_string_equal(f->ops[4].name, "gone");
        assert_int_equal(f->ops[5].type, REG_FILE_OP_DELETE_VALUE);
        assert_string_equal(f->ops[5].name, "");
        assert_int_equal(f->ops[6].value_type, REG_BINARY);
        assert_int_equal(f->ops[6].size, 4);
        assert_memory_equal(f->ops[6].data, "\x01\xff\x0a\x0b", 4);
        assert_int_equal(f->ops[6].line, 10);
        assert_memory_equal(f->ops[7].data, "a\nb\rc\\", 7);
        assert_int_equal(f->ops[7].line, 14);
        assert_int_equal(f->ops[8].value_type, REG_QWORD);
        assert_int_equal(f->ops[9].value_type, REG_DWORD);
        assert_int_equal(f->ops[10].value_type, REG_SZ);
        assert_memory_equal(f->ops[10].data, "AB", 3);
        assert_string_equal(f->ops[11].key, "HKLM\\A]");

        free(format_round_trip(f));
        reg_file_free(f);
}

static void test_utf16_and_regedit4(void **state) {
        static const char utf8[] =
                        "Windows Registry Editor Version 5.00\r\n\r\n[HKLM\\\xC3\x84]\r\n"
                        "\"\xF0\x9F\x98\x80\"=\"\xE2\x82\xAC\"\r\n";
        uint8_t *u = NULL;
        size_t n = 0;
        RegFile *f, *g;

        (void) state;

        /* The same file as UTF-16LE with BOM, as reg.exe writes it. */
        assert_int_equal(reg_data_utf8_to_utf16le(utf8, strlen(utf8), &u, &n), 0);
        uint8_t *bom = malloc(n + 2);
        bom[0] = 0xFF;
        bom[1] = 0xFE;
        memcpy(bom + 2, u, n);
        f = parse_ok(utf8, strlen(utf8));
        g = parse_ok(bom, n + 2);
        assert_true(reg_file_equal(f, g));
        assert_string_equal(g->ops[0].key, "HKLM\\\xC3\x84");
        assert_string_equal(g->ops[1].name, "\xF0\x9F\x98\x80");
        reg_file_free(g);

        /* A broken surrogate, an odd length, UTF-16BE. */
        bom[n] = 0x00;
        bom[n + 1] = 0xD8;
        parse_fails((const char *) bom, n + 2, -EILSEQ, 4, "unpaired surrogate");
        parse_fails((const char *) bom, n + 1, -EILSEQ, 0, "odd number of bytes");
        bom[0] = 0xFE;
        bom[1] = 0xFF;
        parse_fails((const char *) bom, n + 2, -EILSEQ, 0, "UTF-16BE");
        free(bom);
        free(u);
        reg_file_free(f);

        /* REGEDIT4: strings in hex(2)/hex(7) are 8-bit. */
        static const char v4[] = "REGEDIT4\n\n[HKLM\\B]\n\"e\"=hex(2):25,50,25,00\n"
                                 "\"m\"=hex(7):61,00,62,00,00\n";
        f = parse_ok(v4, strlen(v4));
        assert_int_equal(f->ops[1].value_type, REG_EXPAND_SZ);
        assert_memory_equal(f->ops[1].data, "%P%", 4);
        assert_int_equal(f->ops[2].size, 5);
        assert_memory_equal(f->ops[2].data, "a\0b\0", 5);
        char *text = format_round_trip(f);
        assert_non_null(strstr(text, "\"e\"=hex(2):25,00,50,00,25,00,00,00"));
        free(text);
        reg_file_free(f);
}

static void test_errors(void **state) {
        (void) state;

        PARSE_FAILS("", -EINVAL, 0, "the file is empty");
        PARSE_FAILS("REGEDIT5\n", -EINVAL, 1, "not a .reg file");
        PARSE_FAILS("\n" HEADER, -EINVAL, 1, "first line must be");
        PARSE_FAILS(HEADER "\"a\"=\"b\"\n", -EINVAL, 2, "outside a key section");
        PARSE_FAILS(HEADER "[-K]\n\"a\"=\"b\"\n", -EINVAL, 3, "outside a key section");
        PARSE_FAILS(HEADER "[K]\n\"a\"=\"C:\\path\"\n", -EINVAL, 3,
                    "unknown escape sequence '\\p'");
        PARSE_FAILS(HEADER "[K]\n\"a\"=\"b\n", -EINVAL, 3, "string data has no closing quote");
        PARSE_FAILS(HEADER "[K]\n\"a=\"b\"\n", -EINVAL, 3, "expected '='");
        PARSE_FAILS(HEADER "[K]\n\"a\n", -EINVAL, 3, "value name has no closing quote");
        PARSE_FAILS(HEADER "[K]\n@x=\"b\"\n", -EINVAL, 3, "expected '='");
        PARSE_FAILS(HEADER "[K]\n\"a\"=\"b\" c\n", -EINVAL, 3, "after the closing quote");
        PARSE_FAILS(HEADER "[K]\n\"a\"=foo\n", -EINVAL, 3, "unrecognized value data");
        PARSE_FAILS(HEADER "[K]\n\"a\"=\n", -EINVAL, 3, "unrecognized value data");
        PARSE_FAILS(HEADER "[K]\n\"a\"=dword:123456789\n", -EINVAL, 3, "1 to 8 hex digits");
        PARSE_FAILS(HEADER "[K]\n\"a\"=dword:\n", -EINVAL, 3, "malformed dword");
        PARSE_FAILS(HEADER "[K]\n\"a\"=dword:12 34\n", -EINVAL, 3, "malformed dword");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex:1g\n", -EINVAL, 3, "byte 1 of the hex data, '1g'");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex:01,,02\n", -EINVAL, 3,
                    "byte 2 of the hex data is empty");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex:,\n", -EINVAL, 3, "byte 1 of the hex data is empty");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex:123\n", -EINVAL, 3, "not one or two hex digits");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex:01,\\\n  02,\\\n", -EINVAL, 3, "file ends inside");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(5):01,00,00,00\n", -EOPNOTSUPP, 3,
                    "hex(5) (REG_DWORD_BIG_ENDIAN) is not supported");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(100):01\n", -EOPNOTSUPP, 3, "hex(100)");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(4):01,00\n", -EINVAL, 3, "must be 4 bytes long, not 2");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(b):01\n", -EINVAL, 3, "must be 8 bytes long");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(2):41\n", -EILSEQ, 3, "not valid UTF-16LE");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(1):41,00,00,00,42,00\n", -EINVAL, 3, "NUL character");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(7):41,00,00,00,00,00,42,00\n", -EINVAL, 3,
                    "empty string as its item 2");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(x):01\n", -EINVAL, 3, "malformed value type");
        PARSE_FAILS(HEADER "[K]\n\"a\"=hex(2)01\n", -EINVAL, 3, "expected ':'");
        PARSE_FAILS(HEADER "[K\n", -EINVAL, 2, "no closing ']'");
        PARSE_FAILS(HEADER "[K] x\n", -EINVAL, 2, "unexpected text after the ']'");
        PARSE_FAILS(HEADER "[]\n", -EINVAL, 2, "key name is empty");
        PARSE_FAILS(HEADER "[-]\n", -EINVAL, 2, "key name is empty");
        PARSE_FAILS(HEADER "[--K]\n", -EINVAL, 2, "key name starts with '-'");
        PARSE_FAILS(HEADER "[K\x01]\n", -EINVAL, 2, "control character");
        PARSE_FAILS(HEADER "[K]\nfoo\n", -EINVAL, 3, "unrecognized line");
        PARSE_FAILS(HEADER "[K]\n\"\xC3\"=\"\"\n", -EILSEQ, 3, "not valid UTF-8");
        parse_fails(HEADER "[K]\n\"a\0\"=\"\"\n", sizeof(HEADER "[K]\n\"a\0\"=\"\"\n") - 1, -EINVAL,
                    3, "NUL character");
}

static void test_files(void **state) {
        char dir[] = "/tmp/test-reg-file.XXXXXX", path[256], *data = NULL;
        size_t size = 0;

        (void) state;

        assert_non_null(mkdtemp(dir));
        (void) snprintf(path, sizeof path, "%s/out.reg", dir);

        assert_int_equal(reg_file_write_atomic(path, "first", 5), 0);
        assert_int_equal(reg_file_write_atomic(path, "second", 6), 0);
        assert_int_equal(reg_file_read(path, 100, &data, &size), 0);
        assert_int_equal(size, 6);
        assert_string_equal(data, "second");
        free(data);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);

        /* Nothing but the file is left in the directory. */
        DIR *d = opendir(dir);
        struct dirent *de;
        unsigned n = 0;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.')
                        n++;
        (void) closedir(d);
        assert_int_equal(n, 1);

        assert_int_equal(reg_file_read(path, 5, &data, &size), -EFBIG);
        assert_int_equal(reg_file_read(dir, 100, &data, &size), -EISDIR);
        (void) snprintf(path, sizeof path, "%s/missing/out.reg", dir);
        assert_int_equal(reg_file_write_atomic(path, "x", 1), -ENOENT);
        assert_int_equal(reg_file_read(path, 100, &data, &size), -ENOENT);

        (void) snprintf(path, sizeof path, "%s/out.reg", dir);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(rmdir(dir), 0);
}

static void test_format_refuses(void **state) {
        RegFile *f = reg_file_new();
        char *text = NULL;

        (void) state;

        /* A value whose key is not the current section cannot be written. */
        assert_int_equal(reg_file_add_key(f, "HKLM\\A"), 0);
        assert_int_equal(reg_file_add_value(f, "v", REG_SZ, "x", 2), 0);
        free(f->ops[1].key);
        f->ops[1].key = strdup("HKLM\\B");
        assert_int_equal(reg_file_format(f, &text, NULL), -EINVAL);
        reg_file_free(f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_format_every_type),
                        cmocka_unit_test(test_wrapping),
                        cmocka_unit_test(test_parse_features),
                        cmocka_unit_test(test_utf16_and_regedit4),
                        cmocka_unit_test(test_errors),
                        cmocka_unit_test(test_files),
                        cmocka_unit_test(test_format_refuses),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
