/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "reg-syntax.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "macro.h"
#include "reg-util.h"
#include "strv.h"
#include "utf8.h"

/* Every byte sequence that counts as a quote mark. The straight quote; the typographic
 * quotes U+201C, U+201D and U+201E; and what those become when their UTF-8 bytes (E2 80 9C/9D/9E)
 * are decoded as cp1252 and encoded again: "â€œ", "â€ž", and "â€" followed by whatever stood
 * in for the byte 9D, which cp1252 leaves undefined (U+009D, '?' or U+FFFD). The published
 * Windows Server Backup document has "â€?". */
static const char *const quote_marks[] = {
                "\"",
                "\xE2\x80\x9C",                     /* “ */
                "\xE2\x80\x9D",                     /* ” */
                "\xE2\x80\x9E",                     /* „ */
                "\xC3\xA2\xE2\x82\xAC\xC5\x93",     /* â€œ */
                "\xC3\xA2\xE2\x82\xAC\xC5\xBE",     /* â€ž */
                "\xC3\xA2\xE2\x82\xAC\xC2\x9D",     /* â€ U+009D */
                "\xC3\xA2\xE2\x82\xAC?",            /* â€? */
                "\xC3\xA2\xE2\x82\xAC\xEF\xBF\xBD", /* â€ U+FFFD */
};

size_t reg_syntax_quote_mark_length(const char *s, size_t n) {
        assert(s || n == 0);

        for (size_t i = 0; i < ELEMENTSOF(quote_marks); i++) {
                size_t l = strlen(quote_marks[i]);
                if (l <= n && memcmp(s, quote_marks[i], l) == 0)
                        return l;
        }
        return 0;
}

/* The column (1-based, in characters) of byte 'pos' of 'line'. */
static size_t column_of(const char *line, size_t pos) {
        size_t col = 1;

        for (size_t i = 0; i < pos; i++)
                if (((unsigned char) line[i] & 0xC0) != 0x80)
                        col++;
        return col;
}

/* Whitespace that separates arguments outside quotes: space, tab, and the no-break space that
 * web pages use for indentation (U+00A0). Returns its length, or 0. */
static size_t whitespace_length(const char *s, size_t n) {
        if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
                return 1;
        if (n >= 2 && (unsigned char) s[0] == 0xC2 && (unsigned char) s[1] == 0xA0)
                return 2;
        return 0;
}

static int finish_argument(char ***argv, size_t *n_args, Buffer *arg) {
        if (*n_args >= REG_SYNTAX_ARGS_MAX)
                return -E2BIG;

        char *s = buffer_steal(arg);
        if (!s)
                return -ENOMEM;
        int r = strv_consume(argv, s);
        if (r < 0)
                return r;
        (*n_args)++;
        return 0;
}

int reg_syntax_split(
                const char *line,
                size_t size,
                RegSyntaxFlags flags,
                char ***ret_argv,
                char **reterr_message) {
        vss_autostrv char **argv = NULL;
        Buffer arg = BUFFER_INIT;
        bool in_quotes = false, have_arg = false;
        size_t quote_pos = 0, n_args = 0;
        int r;

        assert(line || size == 0);
        assert(ret_argv);

        if (reterr_message)
                *reterr_message = NULL;

        if (size > REG_SYNTAX_LINE_MAX)
                return reg_util_fail(
                                reterr_message, -E2BIG,
                                "the line is %zu bytes long, more than the limit of %d", size,
                                REG_SYNTAX_LINE_MAX);

        for (size_t i = 0; i < size;) {
                const char *p = line + i;
                size_t left = size - i, l;
                uint32_t cp;

                if (*p == '\0') {
                        r =
                                        reg_util_fail(reterr_message, -EINVAL,
                                                      "the line contains a NUL byte at column %zu",
                                                      column_of(line, i));
                        goto finish;
                }

                int k = utf8_decode(p, left, &cp);
                if (k < 0) {
                        r =
                                        reg_util_fail(reterr_message, -EILSEQ,
                                                      "the line is not valid UTF-8 at column %zu",
                                                      column_of(line, i));
                        goto finish;
                }

                l = reg_syntax_quote_mark_length(p, left);
                if (l > 0) {
                        /* Inside quotes, a quote mark written twice is that mark, literally. */
                        if (in_quotes && l <= left - l && memcmp(p, p + l, l) == 0) {
                                r = buffer_append(&arg, p, l);
                                if (r < 0)
                                        goto finish;
                                i += 2 * l;
                                continue;
                        }
                        in_quotes = !in_quotes;
                        quote_pos = i;
                        have_arg = true;
                        i += l;
                        continue;
                }

                if (!in_quotes) {
                        l = whitespace_length(p, left);
                        if (l > 0) {
                                if (have_arg) {
                                        r = finish_argument(&argv, &n_args, &arg);
                                        if (r == -E2BIG)
                                                r =
                                                                reg_util_fail(reterr_message, r,
                                                                              "the line has more "
                                                                              "than %d arguments",
                                                                              REG_SYNTAX_ARGS_MAX);
                                        if (r < 0)
                                                goto finish;
                                        have_arg = false;
                                }
                                i += l;
                                continue;
                        }

                        if (*p == '^') {
                                /* cmd.exe's escape: the next character stands for itself. */
                                uint32_t next;

                                if (left == 1) {
                                        r = reg_util_fail(
                                                        reterr_message, -EINVAL,
                                                        "the line ends with '^' (column %zu): "
                                                        "continuation lines are not supported",
                                                        column_of(line, i));
                                        goto finish;
                                }
                                if (p[1] == '\0') {
                                        r =
                                                        reg_util_fail(reterr_message, -EINVAL,
                                                                      "the line contains a NUL "
                                                                      "byte at column %zu",
                                                                      column_of(line, i + 1));
                                        goto finish;
                                }
                                k = utf8_decode(p + 1, left - 1, &next);
                                if (k < 0) {
                                        r = reg_util_fail(
                                                        reterr_message, -EILSEQ,
                                                        "the line is not valid UTF-8 at column %zu",
                                                        column_of(line, i + 1));
                                        goto finish;
                                }
                                r = buffer_append(&arg, p + 1, (size_t) k);
                                if (r < 0)
                                        goto finish;
                                have_arg = true;
                                i += 1 + (size_t) k;
                                continue;
                        }

                        if (strchr("&|<>", *p)) {
                                r =
                                                reg_util_fail(reterr_message, -EINVAL,
                                                              "'%c' at column %zu: command "
                                                              "chaining and redirection "
                                                              "are not supported (quote the "
                                                              "argument, or write ^%c)",
                                                              *p, column_of(line, i), *p);
                                goto finish;
                        }
                }

                if ((flags & REG_SYNTAX_BATCH) && *p == '%') {
                        if (left >= 2 && p[1] == '%') {
                                r = buffer_append_char(&arg, '%');
                                if (r < 0)
                                        goto finish;
                                have_arg = true;
                                i += 2;
                                continue;
                        }
                        r = reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "'%%' at column %zu: batch variables (%%1, %%NAME%%) are "
                                        "not "
                                        "supported; write %%%% for a literal percent sign",
                                        column_of(line, i));
                        goto finish;
                }

                r = buffer_append(&arg, p, (size_t) k);
                if (r < 0)
                        goto finish;
                have_arg = true;
                i += (size_t) k;
        }

        if (in_quotes) {
                r = reg_util_fail(
                                reterr_message, -EINVAL,
                                "unbalanced quotes: the quote at column %zu is never closed",
                                column_of(line, quote_pos));
                goto finish;
        }

        if (have_arg) {
                r = finish_argument(&argv, &n_args, &arg);
                if (r == -E2BIG)
                        r = reg_util_fail(
                                        reterr_message, r, "the line has more than %d arguments",
                                        REG_SYNTAX_ARGS_MAX);
                if (r < 0)
                        goto finish;
        }

        if (!argv) {
                argv = calloc(1, sizeof(char *));
                if (!argv) {
                        r = -ENOMEM;
                        goto finish;
                }
        }

        *ret_argv = TAKE_PTR(argv);
        r = 0;

finish:
        buffer_done(&arg);
        return r;
}

int reg_syntax_quote(char *const *argv, RegSyntaxFlags flags, char **ret) {
        Buffer b = BUFFER_INIT;
        int r = 0;

        assert(ret);

        STRV_FOREACH(a, argv) {
                const char *s = *a;
                size_t n = strlen(s);

                if (!utf8_is_valid_n(s, n)) {
                        r = -EILSEQ;
                        goto finish;
                }

                if (a != argv) {
                        r = buffer_append_char(&b, ' ');
                        if (r < 0)
                                goto finish;
                }
                r = buffer_append_char(&b, '"');
                if (r < 0)
                        goto finish;

                for (size_t i = 0; i < n;) {
                        size_t l = reg_syntax_quote_mark_length(s + i, n - i);
                        if (l > 0) {
                                /* Doubled inside quotes: the mark itself. */
                                r = buffer_append(&b, s + i, l);
                                if (r >= 0)
                                        r = buffer_append(&b, s + i, l);
                                if (r < 0)
                                        goto finish;
                                i += l;
                                continue;
                        }
                        if ((flags & REG_SYNTAX_BATCH) && s[i] == '%') {
                                r = buffer_append_str(&b, "%%");
                                if (r < 0)
                                        goto finish;
                                i++;
                                continue;
                        }
                        r = buffer_append_char(&b, s[i]);
                        if (r < 0)
                                goto finish;
                        i++;
                }

                r = buffer_append_char(&b, '"');
                if (r < 0)
                        goto finish;
        }

        char *s = buffer_steal(&b);
        if (!s) {
                r = -ENOMEM;
                goto finish;
        }
        *ret = s;
        return 0;

finish:
        buffer_done(&b);
        return r;
}
