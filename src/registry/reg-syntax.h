/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The command-line tokenizer of vss-reg: splits one line the way cmd.exe and the C runtime of
 * reg.exe together would ("quotes", "" inside quotes, ^ escapes, backslashes literal), and also
 * takes the typographic quotes that web pages put into documented command lines, and their cp1252
 * mojibake, as quote marks. The exact rules are in docs/VSS-REG.md, "Command lines". Pure: no
 * I/O, no store. */

#include <stdbool.h>
#include <stddef.h>

/* Bounds on what one line may hold (the Windows command-line limit is 32767 characters). */
#define REG_SYNTAX_LINE_MAX 32767 /* bytes, without the line break */
#define REG_SYNTAX_ARGS_MAX 256

typedef enum RegSyntaxFlags {
        /* The line comes from a batch file: "%%" is a literal '%', and any other '%' (a batch
         * variable such as %1 or %NAME%) is refused, since it would not mean what it says. */
        REG_SYNTAX_BATCH = 1 << 0,
} RegSyntaxFlags;

/* Splits 'size' bytes at 'line' (no line break; need not be NUL-terminated) into arguments. On
 * success *ret_argv is a NULL-terminated strv (possibly empty) that you now own. Errors: -EINVAL
 * (unbalanced quotes, a NUL byte, an unescaped & | < > operator, a trailing ^, a batch
 * variable), -EILSEQ (not UTF-8), -E2BIG (line or argument count over the limits), -ENOMEM. On
 * failure, if 'reterr_message' is not NULL, it receives a description naming the problem and
 * its column, which you now own. */
int reg_syntax_split(
                const char *line,
                size_t size,
                RegSyntaxFlags flags,
                char ***ret_argv,
                char **reterr_message);

/* The inverse of reg_syntax_split(): writes 'argv' as one line that splits back into exactly
 * 'argv' with the same flags. Every argument is quoted. You now own *ret. -EILSEQ if an
 * argument is not UTF-8, -ENOMEM. */
int reg_syntax_quote(char *const *argv, RegSyntaxFlags flags, char **ret);

/* If a quote mark (any form the tokenizer accepts) starts at 's' (with 'n' bytes available),
 * returns its length in bytes, else 0. */
size_t reg_syntax_quote_mark_length(const char *s, size_t n);
