/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The reg command's arguments (reg-command.c) and data conversion (reg-data.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reg-command.h"
#include "reg-data.h"
#include "reg-syntax.h"
#include "strv.h"

/* Parses a line (without "reg"); checks that the canonical form parses to the same command. */
static RegCommand *parse_ok(const char *line) {
        char **argv = NULL, *message = NULL, **canonical = NULL;
        RegCommand *c = NULL, *again = NULL;

        assert_int_equal(reg_syntax_split(line, strlen(line), 0, &argv, NULL), 0);
        int r = reg_command_parse(argv, &c, &message);
        if (r < 0)
                fail_msg("'%s' failed: %d %s", line, r, message ? message : "(no message)");
        assert_null(message);
        strv_free(argv);

        assert_int_equal(reg_command_to_argv(c, &canonical), 0);
        assert_int_equal(reg_command_parse(canonical, &again, NULL), 0);
        assert_true(reg_command_equal(c, again));
        reg_command_free(again);
        strv_free(canonical);
        return c;
}

static void parse_fails(const char *line, int error, const char *needle) {
        char **argv = NULL, *message = NULL;
        RegCommand *c = NULL;

        assert_int_equal(reg_syntax_split(line, strlen(line), 0, &argv, NULL), 0);
        int r = reg_command_parse(argv, &c, &message);
        if (r != error)
                fail_msg("'%s' gave %d, expected %d (%s)", line, r, error, message ? message : "");
        assert_null(c);
        assert_non_null(message);
        if (!strstr(message, needle))
                fail_msg("'%s': message '%s' does not contain '%s'", line, message, needle);
        free(message);
        strv_free(argv);
}

static void check_data(const RegCommand *c, RegType type, const void *data, size_t size) {
        assert_true(c->set_value);
        assert_int_equal(c->type, type);
        assert_int_equal(c->value_size, size);
        if (size > 0)
                assert_memory_equal(c->value_data, data, size);
}

static void test_add(void **state) {
        RegCommand *c;

        (void) state;

        /* The documented line. */
        c = parse_ok("add \"HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\"
                     "WindowsServerBackup\\Application Support\\{CE4EF7DC-18CE-4A11-B4C9-"
                     "D7A668637D1B}\" /v \"Application Identifier\" /t REG_SZ /d "
                     "\"My Application\" /f");
        assert_int_equal(c->verb, REG_VERB_ADD);
        assert_true(c->value);
        assert_string_equal(c->value_name, "Application Identifier");
        assert_true(c->force);
        check_data(c, REG_SZ, "My Application", 15);
        reg_command_free(c);

        /* Only the key. */
        c = parse_ok("add HKLM\\Software\\X");
        assert_false(c->set_value);
        assert_string_equal(c->key, "HKLM\\Software\\X");
        assert_false(c->force);
        reg_command_free(c);

        /* /ve, and /t or /d without /v: the default value. */
        c = parse_ok("add K /ve");
        assert_true(c->value_empty);
        check_data(c, REG_SZ, "", 1);
        reg_command_free(c);
        c = parse_ok("add K /t REG_DWORD /d 0x10");
        assert_false(c->value);
        check_data(c, REG_DWORD, "\x10\0\0\0", 4);
        reg_command_free(c);
        c = parse_ok("ADD K -v a -D b -F");
        assert_string_equal(c->value_name, "a");
        assert_true(c->force);
        check_data(c, REG_SZ, "b", 2);
        reg_command_free(c);
        c = parse_ok("add K /v \"\" /d x");
        assert_string_equal(c->value_name, "");
        reg_command_free(c);
        /* Whatever follows /v or /d is its argument, even if it looks like a switch. */
        c = parse_ok("add K /v /f /d -1");
        assert_string_equal(c->value_name, "/f");
        assert_false(c->force);
        check_data(c, REG_SZ, "-1", 3);
        reg_command_free(c);
        c = parse_ok("add K /reg:64 /v a");
        reg_command_free(c);

        parse_fails("add", -EINVAL, "key name is missing");
        parse_fails("add /v x", -EINVAL, "key name must come right after add");
        parse_fails("add K /v a /ve", -EINVAL, "/v and /ve cannot be used together");
        parse_fails("add K /v a /V b", -EINVAL, "/V is given twice");
        parse_fails("add K /f /f", -EINVAL, "/f is given twice");
        parse_fails("add K /v", -EINVAL, "/v needs an argument");
        parse_fails("add K /d x /f /d", -EINVAL, "/d is given twice");
        parse_fails("add K /t REG_SZ /f /d", -EINVAL, "/d needs an argument");
        parse_fails("add K /x", -EINVAL, "'/x' is not a switch of add");
        parse_fails("add K /ae", -EINVAL, "not a switch");
        parse_fails("add K /", -EINVAL, "'/' is not a switch");
        parse_fails("add K -", -EINVAL, "'-' is not a switch");
        parse_fails("add K stray", -EINVAL, "unexpected argument 'stray'");
        parse_fails("add K /va", -EINVAL, "not a switch of add");
        parse_fails("add K /reg:32", -EOPNOTSUPP, "/reg:32");
        parse_fails("add K /reg:64 /REG:64", -EINVAL, "given twice");
        parse_fails("add K /?", -EINVAL, "must be given alone");
        parse_fails("add \"\"", -EINVAL, "key name is empty");
        parse_fails("add K /t REG_FOO", -EINVAL, "'REG_FOO' is not a value type");
        parse_fails("add K /t \"\"", -EINVAL, "is not a value type");
        parse_fails("add K /t REG_DWORD_BIG_ENDIAN /d 1", -EOPNOTSUPP, "not supported");
        parse_fails("add K /t REG_LINK", -EOPNOTSUPP, "not supported");
        parse_fails("add K /s # /d a", -EINVAL, "/s (the separator) applies only to");

        /* Help. */
        c = parse_ok("add /?");
        assert_true(c->help);
        reg_command_free(c);
        c = parse_ok("add -H");
        assert_true(c->help);
        reg_command_free(c);

        /* Arguments from the shell may be anything: they must be UTF-8. */
        char *argv[] = {(char *) "add", (char *) "K", (char *) "/d", (char *) "\xFF", NULL};
        char *message = NULL;
        c = NULL;
        assert_int_equal(reg_command_parse(argv, &c, &message), -EILSEQ);
        assert_non_null(strstr(message, "argument 4"));
        free(message);
}

static void test_add_types(void **state) {
        RegCommand *c;

        (void) state;

        /* REG_SZ and REG_EXPAND_SZ keep the text as it is. */
        c = parse_ok("add K /v a /t REG_EXPAND_SZ /d %PATH%\\x");
        check_data(c, REG_EXPAND_SZ, "%PATH%\\x", 9);
        reg_command_free(c);
        c = parse_ok("add K /v a /d foo\\0bar");
        check_data(c, REG_SZ, "foo\\0bar", 9);
        reg_command_free(c);
        c = parse_ok("add K /v a /t reg_expand_sz");
        check_data(c, REG_EXPAND_SZ, "", 1);
        reg_command_free(c);

        /* REG_NONE: the text with its NUL, as Windows stores it. */
        c = parse_ok("add K /v a /t REG_NONE /d Test");
        check_data(c, REG_NONE, "Test", 5);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_NONE");
        check_data(c, REG_NONE, "", 1);
        reg_command_free(c);

        /* REG_DWORD */
        c = parse_ok("add K /v a /t REG_DWORD /d 0123");
        check_data(c, REG_DWORD, "\x7b\0\0\0", 4);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_DWORD /d 4294967295");
        check_data(c, REG_DWORD, "\xff\xff\xff\xff", 4);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_DWORD /d 0XdeadBEEF");
        check_data(c, REG_DWORD, "\xef\xbe\xad\xde", 4);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_DWORD_LITTLE_ENDIAN /d 456");
        check_data(c, REG_DWORD, "\xc8\x01\0\0", 4);
        reg_command_free(c);
        parse_fails("add K /v a /t REG_DWORD", -EINVAL, "REG_DWORD needs its data");
        parse_fails("add K /v a /t REG_DWORD /d -1", -EINVAL, "'-1' is not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d 4294967296", -EINVAL, "from 0 to 4294967295");
        parse_fails("add K /v a /t REG_DWORD /d 0x1ffffffff", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d zzz", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d deadbeef", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d 123xyz", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d 00x123", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d 0x", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d \"\"", -EINVAL, "not a valid REG_DWORD");
        parse_fails("add K /v a /t REG_DWORD /d \" 1\"", -EINVAL, "not a valid REG_DWORD");

        /* REG_QWORD */
        c = parse_ok("add K /v a /t REG_QWORD");
        check_data(c, REG_QWORD, "\0\0\0\0\0\0\0\0", 8);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_QWORD /d 0x123456789abcdef");
        check_data(c, REG_QWORD, "\xef\xcd\xab\x89\x67\x45\x23\x01", 8);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_QWORD /d 18446744073709551615");
        check_data(c, REG_QWORD, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
        reg_command_free(c);
        parse_fails("add K /v a /t REG_QWORD /d 18446744073709551616", -EINVAL, "REG_QWORD");
        parse_fails("add K /v a /t REG_QWORD /d 0x10000000000000000", -EINVAL, "REG_QWORD");
        parse_fails("add K /v a /t REG_QWORD /d -1", -EINVAL, "REG_QWORD");

        /* REG_BINARY */
        c = parse_ok("add K /v a /t REG_BINARY /d deadBEEF");
        check_data(c, REG_BINARY, "\xde\xad\xbe\xef", 4);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_BINARY /d DeAdBeEf0DD");
        check_data(c, REG_BINARY, "\x0d\xea\xdb\xee\xf0\xdd", 6);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_BINARY");
        check_data(c, REG_BINARY, "", 0);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_BINARY /d \"\"");
        check_data(c, REG_BINARY, "", 0);
        reg_command_free(c);
        parse_fails("add K /v a /t REG_BINARY /d 0xDeAdBeEf", -EINVAL, "not valid REG_BINARY");
        parse_fails("add K /v a /t REG_BINARY /d x01", -EINVAL, "hex digits");
        parse_fails("add K /v a /t REG_BINARY /d 01x", -EINVAL, "hex digits");

        /* REG_MULTI_SZ */
        c = parse_ok("add K /v a /t REG_MULTI_SZ /d three\\0little\\0strings");
        check_data(c, REG_MULTI_SZ, "three\0little\0strings\0", 22);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /s # /d three#little#strings");
        check_data(c, REG_MULTI_SZ, "three\0little\0strings\0", 22);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /s \xC3\xA9 /d a\xC3\xA9"
                     "b");
        check_data(c, REG_MULTI_SZ, "a\0b\0", 5);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /s # /d two\\0#strings");
        check_data(c, REG_MULTI_SZ, "two\\0\0strings\0", 15);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /s # /d a#");
        check_data(c, REG_MULTI_SZ, "a\0", 3);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /d a\\0");
        check_data(c, REG_MULTI_SZ, "a\0", 3);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /d \\0");
        check_data(c, REG_MULTI_SZ, "", 1);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /s # /d #");
        check_data(c, REG_MULTI_SZ, "", 1);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ /d \"\"");
        check_data(c, REG_MULTI_SZ, "", 1);
        reg_command_free(c);
        c = parse_ok("add K /v a /t REG_MULTI_SZ");
        check_data(c, REG_MULTI_SZ, "", 1);
        reg_command_free(c);
        parse_fails("add K /v a /t REG_MULTI_SZ /s # /d ##", -EINVAL, "item 1");
        parse_fails("add K /v a /t REG_MULTI_SZ /s # /d two##strings", -EINVAL, "item 2");
        parse_fails("add K /v a /t REG_MULTI_SZ /s # /d #a", -EINVAL, "empty string");
        parse_fails("add K /v a /t REG_MULTI_SZ /d \\0a", -EINVAL, "empty string");
        parse_fails("add K /v a /t REG_MULTI_SZ /d two\\0\\0strings", -EINVAL, "empty string");
        parse_fails("add K /v a /t REG_MULTI_SZ /s \\0 /d a", -EINVAL, "single character");
        parse_fails("add K /v a /t REG_MULTI_SZ /s \"\" /d a", -EINVAL, "single character");
        parse_fails("add K /v a /t REG_MULTI_SZ /f /s", -EINVAL, "/s needs an argument");
}

static void test_query(void **state) {
        RegCommand *c;

        (void) state;

        c = parse_ok("query HKLM\\Software");
        assert_int_equal(c->verb, REG_VERB_QUERY);
        assert_false(c->value || c->value_empty || c->recursive || c->find);
        reg_command_free(c);

        c = parse_ok("QUERY K /v \"Application Identifier\" /s /se # /z /t reg_sz");
        assert_string_equal(c->value_name, "Application Identifier");
        assert_true(c->recursive);
        assert_string_equal(c->separator, "#");
        assert_true(c->verbose);
        assert_true(c->has_type);
        assert_int_equal(c->type, REG_SZ);
        reg_command_free(c);

        c = parse_ok("query K /ve");
        assert_true(c->value_empty);
        reg_command_free(c);

        c = parse_ok("query K /f");
        assert_true(c->find);
        assert_null(c->pattern);
        reg_command_free(c);

        c = parse_ok("query K /f \"My App\" /k /d /c /e /s");
        assert_string_equal(c->pattern, "My App");
        assert_true(c->find_keys && c->find_data && c->find_case && c->find_exact);
        reg_command_free(c);

        /* /f and /v take their argument unless a switch follows. */
        c = parse_ok("query K /f /k");
        assert_null(c->pattern);
        assert_true(c->find_keys);
        reg_command_free(c);
        c = parse_ok("query K /f x /v");
        assert_true(c->value);
        assert_null(c->value_name);
        reg_command_free(c);
        c = parse_ok("query K /f -1");
        assert_string_equal(c->pattern, "-1");
        reg_command_free(c);

        parse_fails("query", -EINVAL, "key name is missing");
        parse_fails("query K /v a /ve", -EINVAL, "cannot be used together");
        parse_fails("query K /v", -EINVAL, "/v needs a value name");
        parse_fails("query K /v /s", -EINVAL, "/v needs a value name");
        parse_fails("query K /k", -EINVAL, "need /f");
        parse_fails("query K /d", -EINVAL, "need /f");
        parse_fails("query K /c", -EINVAL, "need /f");
        parse_fails("query K /e", -EINVAL, "need /f");
        parse_fails("query K /f x /v name", -EINVAL, "/f cannot search one named value");
        parse_fails("query K /f x /ve", -EINVAL, "/f and /ve");
        parse_fails("query K /se ab", -EINVAL, "single character");
        parse_fails("query K /se", -EINVAL, "/se needs an argument");
        parse_fails("query K /s /s", -EINVAL, "given twice");
        parse_fails("query K /t REG_X", -EINVAL, "not a value type");
        parse_fails("query K /va", -EINVAL, "not a switch of query");
        parse_fails("query K /y", -EINVAL, "not a switch of query");
}

static void test_delete_export_import(void **state) {
        RegCommand *c;

        (void) state;

        c = parse_ok("delete K /v a /f");
        assert_int_equal(c->verb, REG_VERB_DELETE);
        assert_string_equal(c->value_name, "a");
        assert_true(c->force);
        reg_command_free(c);
        c = parse_ok("delete K /va");
        assert_true(c->value_all);
        reg_command_free(c);
        c = parse_ok("delete K /ve");
        assert_true(c->value_empty);
        reg_command_free(c);
        c = parse_ok("delete K");
        assert_false(c->value || c->value_empty || c->value_all || c->force);
        reg_command_free(c);

        parse_fails("delete", -EINVAL, "key name is missing");
        parse_fails("delete K /v a /ve", -EINVAL, "only one of /v, /ve and /va");
        parse_fails("delete K /v a /va", -EINVAL, "only one of");
        parse_fails("delete K /ve /va", -EINVAL, "only one of");
        parse_fails("delete K /va /va", -EINVAL, "given twice");
        parse_fails("delete K /f /v", -EINVAL, "/v needs an argument");
        parse_fails("delete K /d x", -EINVAL, "not a switch of delete");

        c = parse_ok("export HKLM\\Software\\X /tmp/out.reg /y");
        assert_int_equal(c->verb, REG_VERB_EXPORT);
        assert_string_equal(c->key, "HKLM\\Software\\X");
        assert_string_equal(c->file, "/tmp/out.reg");
        assert_true(c->overwrite);
        reg_command_free(c);
        parse_fails("export K", -EINVAL, "file name is missing");
        parse_fails("export K f /x", -EINVAL, "not a switch of export");
        parse_fails("export K f g", -EINVAL, "unexpected argument 'g'");
        parse_fails("export K \"\"", -EINVAL, "file name is empty");

        c = parse_ok("import /tmp/in.reg");
        assert_int_equal(c->verb, REG_VERB_IMPORT);
        assert_string_equal(c->file, "/tmp/in.reg");
        assert_null(c->key);
        reg_command_free(c);
        c = parse_ok("import -");
        assert_string_equal(c->file, "-");
        reg_command_free(c);
        parse_fails("import", -EINVAL, "file name is missing");
        parse_fails("import a b", -EINVAL, "unexpected argument 'b'");
        parse_fails("import a /y", -EINVAL, "not a switch of import");

        parse_fails("copy K", -EINVAL, "'copy' is not an operation");
        parse_fails("", -EINVAL, "operation is missing");

        assert_string_equal(reg_verb_to_string(REG_VERB_EXPORT), "export");
        assert_null(reg_verb_to_string(REG_VERB_MAX));
        assert_int_equal(reg_verb_from_string("ImPoRt"), REG_VERB_IMPORT);
        assert_int_equal(reg_verb_from_string("compare"), REG_VERB_INVALID);
        for (RegVerb v = 0; v < REG_VERB_MAX; v++)
                assert_non_null(strstr(reg_command_usage(v), "REG "));
}

static void
check_display(RegType type, const void *data, size_t size, const char *sep, const char *expected) {
        char *s = NULL;

        assert_int_equal(reg_data_to_display(type, data, size, sep, &s), 0);
        assert_string_equal(s, expected);
        free(s);
}

static void test_display(void **state) {
        (void) state;

        check_display(REG_SZ, "My Application", 15, NULL, "My Application");
        check_display(REG_EXPAND_SZ, "%PATH%", 7, NULL, "%PATH%");
        check_display(REG_DWORD, "\x10\0\0\0", 4, NULL, "0x10");
        check_display(REG_DWORD, "\xff\xff\xff\xff", 4, NULL, "0xffffffff");
        check_display(REG_QWORD, "\xef\xcd\xab\x89\x67\x45\x23\x01", 8, NULL, "0x123456789abcdef");
        check_display(REG_BINARY, "\xde\xad\x01", 3, NULL, "DEAD01");
        check_display(REG_BINARY, "", 0, NULL, "");
        check_display(REG_NONE, "ab", 3, NULL, "616200");
        check_display(REG_MULTI_SZ, "a\0b\0\0", 5, NULL, "a\\0b");
        check_display(REG_MULTI_SZ, "a\0b\0\0", 5, "#", "a#b");
        check_display(REG_MULTI_SZ, "", 1, NULL, "");
        /* Data that breaks its type's layout is shown as hex. */
        check_display(REG_SZ, "ab", 2, NULL, "6162");
        check_display(REG_DWORD, "\1\2", 2, NULL, "0102");
        check_display(REG_MULTI_SZ, "a\0", 2, NULL, "6100");

        RegType t;
        assert_int_equal(reg_data_type_from_string("reg_multi_sz", &t), 0);
        assert_int_equal(t, REG_MULTI_SZ);
        assert_string_equal(reg_data_type_to_string(REG_QWORD), "REG_QWORD");
        assert_null(reg_data_type_to_string((RegType) 5));
}

static void test_check_and_utf16(void **state) {
        uint8_t *u = NULL, *d = NULL;
        char *s = NULL, *message = NULL;
        size_t n = 0;

        (void) state;

        assert_int_equal(reg_data_check(REG_SZ, "a", 2), 0);
        assert_int_equal(reg_data_check(REG_SZ, "a", 1), -EINVAL);
        assert_int_equal(reg_data_check(REG_SZ, "a\0b", 4), -EINVAL);
        assert_int_equal(reg_data_check(REG_SZ, "\xff", 2), -EINVAL);
        assert_int_equal(reg_data_check(REG_MULTI_SZ, "", 1), 0);
        assert_int_equal(reg_data_check(REG_MULTI_SZ, "a\0b\0", 5), 0);
        assert_int_equal(reg_data_check(REG_MULTI_SZ, "a\0", 2), -EINVAL);
        assert_int_equal(reg_data_check(REG_MULTI_SZ, "\0", 2), -EINVAL);
        assert_int_equal(reg_data_check(REG_MULTI_SZ, "a\0\0b\0", 6), -EINVAL);
        assert_int_equal(reg_data_check(REG_DWORD, "abcd", 4), 0);
        assert_int_equal(reg_data_check(REG_DWORD, "abcd", 5), -EINVAL);
        assert_int_equal(reg_data_check(REG_QWORD, "abcdefgh", 8), 0);
        assert_int_equal(reg_data_check(REG_BINARY, NULL, 0), 0);

        /* UTF-16LE both ways, with a character outside the BMP. */
        static const char text[] = "a\xC3\xA9\xF0\x9F\x98\x80";
        assert_int_equal(reg_data_utf8_to_utf16le(text, sizeof text, &u, &n), 0);
        assert_int_equal(n, 10);
        assert_memory_equal(u, "a\0\xe9\0\x3d\xd8\x00\xde\0\0", 10);
        assert_int_equal(reg_data_utf16le_to_utf8(u, n, &s, &n), 0);
        assert_int_equal(n, sizeof text);
        assert_memory_equal(s, text, sizeof text);
        free(u);
        free(s);
        assert_int_equal(reg_data_utf16le_to_utf8((const uint8_t *) "a", 1, &s, &n), -EINVAL);
        assert_int_equal(reg_data_utf16le_to_utf8((const uint8_t *) "\0\xd8", 2, &s, &n), -EILSEQ);
        assert_int_equal(
                        reg_data_utf16le_to_utf8(
                                        (const uint8_t *) "\0\xdc"
                                                          "a\0",
                                        4, &s, &n),
                        -EILSEQ);
        assert_int_equal(reg_data_utf8_to_utf16le("\xff", 1, &u, &n), -EILSEQ);

        /* .reg string bytes into the store's layout. */
        assert_int_equal(reg_data_from_string_bytes(REG_SZ, "ab\0\0", 4, &d, &n, NULL), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(d, "ab", 3);
        free(d);
        assert_int_equal(reg_data_from_string_bytes(REG_EXPAND_SZ, "ab", 2, &d, &n, NULL), 0);
        assert_int_equal(n, 3);
        free(d);
        assert_int_equal(reg_data_from_string_bytes(REG_SZ, "a\0b", 3, &d, &n, &message), -EINVAL);
        assert_non_null(strstr(message, "NUL"));
        free(message);
        message = NULL;
        assert_int_equal(reg_data_from_string_bytes(REG_MULTI_SZ, "a\0b\0\0", 5, &d, &n, NULL), 0);
        assert_int_equal(n, 5);
        assert_memory_equal(d, "a\0b\0", 5);
        free(d);
        assert_int_equal(reg_data_from_string_bytes(REG_MULTI_SZ, "a\0b", 3, &d, &n, NULL), 0);
        assert_int_equal(n, 5);
        free(d);
        assert_int_equal(reg_data_from_string_bytes(REG_MULTI_SZ, "", 0, &d, &n, NULL), 0);
        assert_int_equal(n, 1);
        free(d);
        assert_int_equal(reg_data_from_string_bytes(REG_MULTI_SZ, "\0\0", 2, &d, &n, NULL), 0);
        assert_int_equal(n, 1);
        free(d);
        assert_int_equal(
                        reg_data_from_string_bytes(REG_MULTI_SZ, "a\0\0b\0", 5, &d, &n, &message),
                        -EINVAL);
        assert_non_null(strstr(message, "item 2"));
        free(message);
        message = NULL;
        assert_int_equal(reg_data_from_string_bytes(REG_SZ, "\xff", 1, &d, &n, &message), -EILSEQ);
        free(message);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_add),     cmocka_unit_test(test_add_types),
                        cmocka_unit_test(test_query),   cmocka_unit_test(test_delete_export_import),
                        cmocka_unit_test(test_display), cmocka_unit_test(test_check_and_utf16),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
