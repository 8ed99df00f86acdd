/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The command-line tokenizer (reg-syntax.c) and batch files (reg-batch.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reg-batch.h"
#include "reg-file.h"
#include "reg-syntax.h"
#include "strv.h"

#define SEED_KEY                                                                                   \
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\windows nt\\currentversion\\WindowsServerBackup" \
        "\\Application Support\\{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}"

/* Splits 'line' and compares with the expected arguments (NULL-terminated). */
static void check_split_flags(const char *line, RegSyntaxFlags flags, ...) {
        char **argv = NULL, *message = NULL;
        va_list ap;
        size_t i = 0;

        int r = reg_syntax_split(line, strlen(line), flags, &argv, &message);
        if (r < 0)
                fail_msg("splitting '%s' failed: %d %s", line, r, message ? message : "");
        assert_null(message);

        va_start(ap, flags);
        for (const char *e; (e = va_arg(ap, const char *)); i++) {
                if (!argv[i])
                        fail_msg("'%s': argument %zu missing, expected '%s'", line, i, e);
                if (strcmp(argv[i], e) != 0)
                        fail_msg("'%s': argument %zu is '%s', expected '%s'", line, i, argv[i], e);
        }
        va_end(ap);
        if (argv[i])
                fail_msg("'%s': unexpected argument %zu '%s'", line, i, argv[i]);

        /* Whatever splits must quote back to the same arguments. */
        char *quoted = NULL, **again = NULL;
        assert_int_equal(reg_syntax_quote(argv, flags, &quoted), 0);
        assert_int_equal(reg_syntax_split(quoted, strlen(quoted), flags, &again, NULL), 0);
        assert_int_equal(strv_length(again), strv_length(argv));
        for (size_t k = 0; argv[k]; k++)
                assert_string_equal(again[k], argv[k]);
        free(quoted);
        strv_free(again);
        strv_free(argv);
}

#define check_split(line, ...) check_split_flags(line, 0, __VA_ARGS__)

/* Splitting must fail with 'error' and a message containing 'needle'. */
static void check_split_fails(
                const char *line,
                size_t size,
                RegSyntaxFlags flags,
                int error,
                const char *needle) {
        char **argv = NULL, *message = NULL;

        int r = reg_syntax_split(line, size, flags, &argv, &message);
        if (r != error)
                fail_msg("splitting '%s' gave %d, expected %d", line, r, error);
        assert_null(argv);
        assert_non_null(message);
        if (!strstr(message, needle))
                fail_msg("message '%s' does not contain '%s'", message, needle);
        free(message);
}

static char *read_seed(const char *name, size_t *ret_size) {
        char path[4096], *data = NULL;
        size_t size = 0;

        (void) snprintf(path, sizeof path, "%s/tests/data/wsb/%s", SOURCE_ROOT, name);
        assert_int_equal(reg_file_read(path, 65536, &data, &size), 0);
        *ret_size = size;
        return data;
}

/* The three forms of the documented line, byte for byte as published, each a one-line batch
 * file with CRLF. */
static void test_seed_lines(void **state) {
        static const char *const seeds[] = {
                        "register-as-published.bat",
                        "register-typographic.bat",
                        "register-straight.bat",
        };

        (void) state;

        for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
                size_t size;
                char *data = read_seed(seeds[i], &size);

                /* The line itself, through the tokenizer. */
                size_t n = strcspn(data, "\r\n");
                assert_true(n < size);
                char **argv = NULL;
                assert_int_equal(reg_syntax_split(data, n, REG_SYNTAX_BATCH, &argv, NULL), 0);
                const char *expected[] = {
                                "reg",
                                "add",
                                SEED_KEY,
                                "/v",
                                "Application Identifier",
                                "/t",
                                "REG_SZ",
                                "/d",
                                "My Application",
                                "/f",
                                NULL,
                };
                for (size_t k = 0; expected[k]; k++)
                        assert_string_equal(argv[k], expected[k]);
                assert_null(argv[10]);
                strv_free(argv);

                /* And the whole file as a batch file. */
                RegBatch *b = NULL;
                assert_int_equal(reg_batch_parse(data, size, &b, NULL, NULL), 0);
                assert_int_equal(b->n_commands, 1);
                assert_int_equal(b->commands[0].line, 1);
                assert_string_equal(b->commands[0].argv[0], "add");
                assert_string_equal(b->commands[0].argv[1], SEED_KEY);
                assert_string_equal(b->commands[0].argv[7], "My Application");
                reg_batch_free(b);
                free(data);
        }
}

static void test_quote_forms(void **state) {
        (void) state;

        /* Straight, typographic and mojibake quotes, in any pairing. */
        check_split("\"a b\"", "a b", NULL);
        check_split("\xE2\x80\x9C"
                    "a b"
                    "\xE2\x80\x9D",
                    "a b", NULL);
        check_split("\xE2\x80\x9E"
                    "a b"
                    "\xE2\x80\x9C",
                    "a b", NULL);
        check_split("\"a b"
                    "\xE2\x80\x9D"
                    " c",
                    "a b", "c", NULL);
        check_split("\xC3\xA2\xE2\x82\xAC\xC5\x93"
                    "a b"
                    "\xC3\xA2\xE2\x82\xAC?",
                    "a b", NULL);
        check_split("\"a b\xC3\xA2\xE2\x82\xAC\xC2\x9D", "a b", NULL);
        check_split("\"a b\xC3\xA2\xE2\x82\xAC\xEF\xBF\xBD", "a b", NULL);
        check_split("\xC3\xA2\xE2\x82\xAC\xC5\xBE"
                    "a b\"",
                    "a b", NULL);
        /* "â€" alone, or before anything else, is text. */
        check_split("x\xC3\xA2\xE2\x82\xAC", "x\xC3\xA2\xE2\x82\xAC", NULL);
        check_split("\xC3\xA2\xE2\x82\xAC!", "\xC3\xA2\xE2\x82\xAC!", NULL);
        /* A quote can open and close anywhere in an argument. */
        check_split("a\"b c\"d", "ab cd", NULL);
        check_split("HKLM\\\"My Key\"\\x", "HKLM\\My Key\\x", NULL);
        /* Doubled inside quotes: the mark itself. */
        check_split("\"a\"\"b\"", "a\"b", NULL);
        check_split("\"\"\"\"", "\"", NULL);
        check_split("\"\xE2\x80\x9C\xE2\x80\x9C\"", "\xE2\x80\x9C", NULL);
        check_split("\"x\xC3\xA2\xE2\x82\xAC?\xC3\xA2\xE2\x82\xAC?y\"", "x\xC3\xA2\xE2\x82\xAC?y",
                    NULL);
        /* Empty arguments. */
        check_split("\"\"", "", NULL);
        check_split("a \"\" b", "a", "", "b", NULL);
        check_split("a\"\"b", "ab", NULL);
        check_split("\xE2\x80\x9C\xE2\x80\x9D", "", NULL);
}

static void test_whitespace_and_backslashes(void **state) {
        (void) state;

        check_split("", NULL);
        check_split("   \t ", NULL);
        check_split("  a\t\tb  ", "a", "b", NULL);
        check_split("a\xC2\xA0"
                    "b",
                    "a", "b", NULL); /* no-break space */
        check_split("\"a\xC2\xA0"
                    "b\"",
                    "a\xC2\xA0"
                    "b",
                    NULL); /* ... literal in quotes */
        /* Backslashes never escape: registry paths keep theirs, even before a quote. */
        check_split("\"HKLM\\Software\\\" /f", "HKLM\\Software\\", "/f", NULL);
        check_split("a\\\\b \\\"x\"", "a\\\\b", "\\x", NULL);
        check_split("\\0 \\n", "\\0", "\\n", NULL);
}

static void test_caret_and_operators(void **state) {
        (void) state;

        check_split("a^&b", "a&b", NULL);
        check_split("a^ b", "a b", NULL);
        check_split("^\"a b", "\"a", "b", NULL);
        check_split("\"a^b\"", "a^b", NULL);
        check_split("\"a&b|c<d>e\"", "a&b|c<d>e", NULL);
        check_split("x^^", "x^", NULL);
        check_split_fails("a^", 2, 0, -EINVAL, "ends with '^'");
        check_split_fails("reg add a & del", 15, 0, -EINVAL, "'&' at column 11");
        check_split_fails("a|b", 3, 0, -EINVAL, "'|'");
        check_split_fails("a > out", 7, 0, -EINVAL, "'>'");
        check_split_fails("a<in", 4, 0, -EINVAL, "'<'");
}

static void test_percent(void **state) {
        (void) state;

        /* Interactive lines: '%' is text. Batch files: %% is '%', variables are refused. */
        check_split("%PATH%", "%PATH%", NULL);
        check_split_flags("\"100%%\" %%a", REG_SYNTAX_BATCH, "100%", "%a", NULL);
        check_split_fails("/d %1", 5, REG_SYNTAX_BATCH, -EINVAL, "'%' at column 4");
        check_split_fails("\"%PATH%\"", 8, REG_SYNTAX_BATCH, -EINVAL, "batch variables");
}

static void test_errors(void **state) {
        (void) state;

        check_split_fails("\"abc", 4, 0, -EINVAL, "quote at column 1 is never closed");
        check_split_fails("abc\xE2\x80\x9D x", 8, 0, -EINVAL, "column 4 is never closed");
        check_split_fails("a \"b\"\"", 6, 0, -EINVAL, "never closed");
        check_split_fails("a\xFF", 2, 0, -EILSEQ, "not valid UTF-8 at column 2");
        check_split_fails("a\xE2\x80", 3, 0, -EILSEQ, "column 2");
        check_split_fails("ab\0c", 4, 0, -EINVAL, "NUL byte at column 3");
        check_split_fails("a^\0", 3, 0, -EINVAL, "NUL byte");

        /* Limits. */
        size_t n = REG_SYNTAX_LINE_MAX + 1;
        char *big = malloc(n);
        assert_non_null(big);
        memset(big, 'x', n);
        check_split_fails(big, n, 0, -E2BIG, "more than the limit");
        /* Exactly at the limit is fine. */
        char **argv = NULL;
        assert_int_equal(reg_syntax_split(big, n - 1, 0, &argv, NULL), 0);
        assert_int_equal(strlen(argv[0]), n - 1);
        strv_free(argv);
        free(big);

        char line[4 * (REG_SYNTAX_ARGS_MAX + 2)];
        size_t k = 0;
        for (int i = 0; i < REG_SYNTAX_ARGS_MAX + 1; i++) {
                line[k++] = 'a';
                line[k++] = ' ';
        }
        check_split_fails(line, k, 0, -E2BIG, "more than 256 arguments");
        assert_int_equal(reg_syntax_split(line, k - 2, 0, &argv, NULL), 0);
        assert_int_equal(strv_length(argv), REG_SYNTAX_ARGS_MAX);
        strv_free(argv);
}

static void test_quote_round_trip(void **state) {
        static const char *const args[] = {
                        "",
                        "plain",
                        "with space",
                        "\"",
                        "\"\"",
                        "a\"b",
                        "\xE2\x80\x9C"
                        "x"
                        "\xE2\x80\x9D",
                        "\xE2\x80\x9E\xE2\x80\x9E",
                        "\xC3\xA2\xE2\x82\xAC\xC5\x93",
                        "\xC3\xA2\xE2\x82\xAC?",
                        "\xC3\xA2\xE2\x82\xAC",
                        "\xC3\xA2\xE2\x82\xAC\"",
                        "\xC3\xA2\xE2\x82\xAC\xC3\xA2\xE2\x82\xAC??",
                        "back\\slash\\",
                        "100%",
                        "%%",
                        "a^b&c|d<e>f",
                        "tab\there",
                        "nbsp\xC2\xA0here",
        };
        char **argv = NULL, *line = NULL;

        (void) state;

        for (size_t i = 0; i < sizeof args / sizeof args[0]; i++)
                assert_int_equal(strv_extend(&argv, args[i]), 0);

        for (int flags = 0; flags <= REG_SYNTAX_BATCH; flags++) {
                char **again = NULL;

                assert_int_equal(reg_syntax_quote(argv, flags, &line), 0);
                assert_int_equal(reg_syntax_split(line, strlen(line), flags, &again, NULL), 0);
                assert_int_equal(strv_length(again), strv_length(argv));
                for (size_t k = 0; argv[k]; k++)
                        assert_string_equal(again[k], argv[k]);
                strv_free(again);
                free(line);
        }

        /* Arguments that are not UTF-8 cannot be quoted. */
        assert_int_equal(strv_extend(&argv, "\xFF"), 0);
        assert_int_equal(reg_syntax_quote(argv, 0, &line), -EILSEQ);
        strv_free(argv);
}

static void check_batch_fails(const char *text, unsigned line, int error, const char *needle) {
        RegBatch *b = NULL;
        unsigned l = 12345;
        char *message = NULL;

        int r = reg_batch_parse(text, strlen(text), &b, &l, &message);
        if (r != error)
                fail_msg("batch '%s' gave %d, expected %d", text, r, error);
        assert_null(b);
        assert_int_equal(l, line);
        assert_non_null(message);
        if (!strstr(message, needle))
                fail_msg("message '%s' does not contain '%s'", message, needle);
        free(message);
}

static void test_batch(void **state) {
        static const char text[] = "\xEF\xBB\xBF@echo off\r\n"
                                   "\r\n"
                                   "REM a comment with an unbalanced \" quote & an operator\r\n"
                                   "rem\n"
                                   ":: another comment \"\n"
                                   ":label\n"
                                   "   ECHO   ON  \n"
                                   "reg add HKLM\\Software\\A /f\r\n"
                                   "  @REG.EXE query \"HKLM\\Software\\A\"\n"
                                   "Reg delete HKLM\\Software\\A /v \"100%%\" /f";
        RegBatch *b = NULL;

        (void) state;

        assert_int_equal(reg_batch_parse(text, strlen(text), &b, NULL, NULL), 0);
        assert_int_equal(b->n_commands, 3);
        assert_int_equal(b->commands[0].line, 8);
        assert_string_equal(b->commands[0].argv[0], "add");
        assert_string_equal(b->commands[0].argv[1], "HKLM\\Software\\A");
        assert_string_equal(b->commands[0].argv[2], "/f");
        assert_null(b->commands[0].argv[3]);
        assert_int_equal(b->commands[1].line, 9);
        assert_string_equal(b->commands[1].argv[0], "query");
        assert_int_equal(b->commands[2].line, 10);
        assert_string_equal(b->commands[2].argv[3], "100%");
        reg_batch_free(b);

        /* Empty files and files of comments only run nothing. */
        assert_int_equal(reg_batch_parse("", 0, &b, NULL, NULL), 0);
        assert_int_equal(b->n_commands, 0);
        reg_batch_free(b);

        check_batch_fails("reg add a\r\ndel /q x\r\n", 2, -EINVAL, "'del' is not supported");
        check_batch_fails("echo hello\n", 1, -EINVAL, "'echo' is not supported");
        check_batch_fails("remark\n", 1, -EINVAL, "'remark' is not supported");
        check_batch_fails("rem ok\nreg add \"x\n", 2, -EINVAL, "never closed");
        check_batch_fails("reg add x /d %1\n", 1, -EINVAL, "batch variables");
        check_batch_fails("reg add x & reg add y\n", 1, -EINVAL, "'&'");
        check_batch_fails("\xFF\xFEr\0e\0g\0", 0, -EILSEQ, "UTF-16");
        check_batch_fails("rem\nreg add \xC3\n", 2, -EILSEQ, "UTF-8");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_seed_lines),
                        cmocka_unit_test(test_quote_forms),
                        cmocka_unit_test(test_whitespace_and_backslashes),
                        cmocka_unit_test(test_caret_and_operators),
                        cmocka_unit_test(test_percent),
                        cmocka_unit_test(test_errors),
                        cmocka_unit_test(test_quote_round_trip),
                        cmocka_unit_test(test_batch),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
