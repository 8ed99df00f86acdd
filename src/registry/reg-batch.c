/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "reg-batch.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "reg-syntax.h"
#include "reg-util.h"
#include "strv.h"

RegBatch *reg_batch_free(RegBatch *b) {
        if (!b)
                return NULL;
        for (size_t i = 0; i < b->n_commands; i++)
                strv_free(b->commands[i].argv);
        free(b->commands);
        free(b);
        return NULL;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* Whether the line (already left-trimmed, 'n' bytes) is the word 'word' alone or followed by a
 * blank. */
static bool starts_with_word(const char *s, size_t n, const char *word) {
        size_t l = strlen(word);

        if (n < l)
                return false;
        for (size_t i = 0; i < l; i++)
                if ((s[i] | 0x20) != word[i])
                        return false;
        return n == l || is_blank(s[l]);
}

/* "echo off" or "echo on", any case, blanks around. */
static bool is_echo_switch(const char *s, size_t n) {
        if (!starts_with_word(s, n, "echo"))
                return false;
        s += 4;
        n -= 4;
        while (n > 0 && is_blank(*s)) {
                s++;
                n--;
        }
        while (n > 0 && is_blank(s[n - 1]))
                n--;
        return (n == 3 && (s[0] | 0x20) == 'o' && (s[1] | 0x20) == 'f' && (s[2] | 0x20) == 'f') ||
               (n == 2 && (s[0] | 0x20) == 'o' && (s[1] | 0x20) == 'n');
}

static int add_command(RegBatch *b, unsigned line, char **argv) {
        RegBatchCommand *p = reallocarray(b->commands, b->n_commands + 1, sizeof(RegBatchCommand));
        if (!p) {
                strv_free(argv);
                return -ENOMEM;
        }
        b->commands = p;
        b->commands[b->n_commands++] = (RegBatchCommand){.line = line, .argv = argv};
        return 0;
}

/* Reads the lines into 'b'. On failure *ret_line is the line and *ret_message says why. */
static int
parse_lines(RegBatch *b, const char *text, size_t size, unsigned *ret_line, char **ret_message) {
        unsigned line = 0;
        int r;

        for (size_t pos = 0; pos < size;) {
                const char *s = text + pos;
                const char *e = memchr(s, '\n', size - pos);
                size_t n = e ? (size_t) (e - s) : size - pos;

                pos += n + (e ? 1 : 0);
                *ret_line = ++line;
                if (n > 0 && s[n - 1] == '\r')
                        n--;

                /* Leading blanks, then any '@' (no echo) with blanks after it. */
                while (n > 0 && (is_blank(*s) || *s == '@')) {
                        s++;
                        n--;
                }
                if (n == 0)
                        continue;
                if (s[0] == ':') /* ":: comment" or a label: nothing to run */
                        continue;
                if (starts_with_word(s, n, "rem") || is_echo_switch(s, n))
                        continue;

                char **argv = NULL;
                r = reg_syntax_split(s, n, REG_SYNTAX_BATCH, &argv, ret_message);
                if (r < 0)
                        return r;

                if (!argv[0] || !(reg_util_ascii_equal(argv[0], "reg") ||
                                  reg_util_ascii_equal(argv[0], "reg.exe"))) {
                        r = reg_util_fail(
                                        ret_message, -EINVAL,
                                        "'%s' is not supported in a batch file: only reg "
                                        "commands, rem and :: comments, and echo off may appear",
                                        argv[0] ? argv[0] : "");
                        strv_free(argv);
                        return r;
                }

                /* Drop "reg": the command is the rest. */
                free(argv[0]);
                memmove(argv, argv + 1, (strv_length(argv + 1) + 1) * sizeof(char *));

                r = add_command(b, line, argv);
                if (r < 0)
                        return r;
        }
        return 0;
}

int reg_batch_parse(
                const void *data,
                size_t size,
                RegBatch **ret,
                unsigned *reterr_line,
                char **reterr_message) {
        const uint8_t *d = data;
        unsigned line = 0;
        char *message = NULL;
        int r;

        assert(data || size == 0);
        assert(ret);

        if (size > REG_BATCH_SIZE_MAX)
                r = reg_util_fail(
                                &message, -E2BIG,
                                "the file is %zu bytes long, more than the limit of %zu", size,
                                REG_BATCH_SIZE_MAX);
        else if (size >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
                r = reg_util_fail(
                                &message, -EILSEQ,
                                "the file is UTF-16; batch files must be UTF-8 (or ASCII)");
        else {
                if (size >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
                        d += 3;
                        size -= 3;
                }

                RegBatch *b = calloc(1, sizeof(RegBatch));
                if (!b)
                        return -ENOMEM;
                r = parse_lines(b, (const char *) d, size, &line, &message);
                if (r >= 0) {
                        *ret = b;
                        return 0;
                }
                reg_batch_free(b);
        }

        if (reterr_line)
                *reterr_line = line;
        if (reterr_message)
                *reterr_message = message;
        else
                free(message);
        return r;
}
