/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The reg command line: tokenizer, argument parser and batch files on arbitrary bytes. The first
 * byte picks the mode (bit 0: batch-file rules), the rest is the line. Oracles: nothing
 * crashes; a failure always comes with a message; for an accepted line, quoting the arguments
 * and splitting them again gives the same arguments, and the parsed command written back as
 * canonical arguments (and through quoting) parses to the same command. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reg-batch.h"
#include "reg-command.h"
#include "reg-syntax.h"
#include "reg-util.h"
#include "strv.h"

static void check(bool ok, const char *what) {
        if (!ok) {
                (void) fprintf(stderr, "oracle failed: %s\n", what);
                abort();
        }
}

static bool strv_equal(char **a, char **b) {
        size_t n = strv_length(a);

        if (n != strv_length(b))
                return false;
        for (size_t i = 0; i < n; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

/* Parses a command; when accepted, checks its canonical form both directly and quoted. */
static void check_command(char **argv, RegSyntaxFlags flags) {
        RegCommand *c = NULL, *again = NULL, *quoted_again = NULL;
        char *message = NULL, **canonical = NULL, **split = NULL, *line = NULL;

        int r = reg_command_parse(argv, &c, &message);
        if (r < 0) {
                check(message || r == -ENOMEM, "a refused command has a message");
                free(message);
                return;
        }
        check(!message, "no message on success");

        if (reg_command_to_argv(c, &canonical) >= 0) {
                check(reg_command_parse(canonical, &again, NULL) >= 0, "canonical form parses");
                check(reg_command_equal(c, again), "canonical form is the same command");

                if (reg_syntax_quote(canonical, flags, &line) >= 0) {
                        /* Quoting can make a line too long to split: nothing else may fail. */
                        r = reg_syntax_split(line, strlen(line), flags, &split, NULL);
                        check(r >= 0 || r == -E2BIG || r == -ENOMEM,
                              "quoted canonical form splits");
                        if (r >= 0) {
                                check(strv_equal(split, canonical),
                                      "quoted canonical form splits back");
                                check(reg_command_parse(split, &quoted_again, NULL) >= 0,
                                      "quoted canonical form parses");
                                check(reg_command_equal(c, quoted_again),
                                      "quoted form is the same");
                        }
                }
        }

        reg_command_free(c);
        reg_command_free(again);
        reg_command_free(quoted_again);
        strv_free(canonical);
        strv_free(split);
        free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char **argv = NULL, *message = NULL;

        if (size == 0)
                return 0;

        RegSyntaxFlags flags = (data[0] & 1) ? REG_SYNTAX_BATCH : 0;
        const char *line = (const char *) data + 1;
        size_t n = size - 1;

        int r = reg_syntax_split(line, n, flags, &argv, &message);
        if (r < 0) {
                check(message || r == -ENOMEM, "a refused line has a message");
                check(!argv, "no arguments on failure");
                free(message);
        } else {
                char *quoted = NULL, **again = NULL;

                check(!message, "no message on success");
                if (reg_syntax_quote(argv, flags, &quoted) >= 0) {
                        r = reg_syntax_split(quoted, strlen(quoted), flags, &again, NULL);
                        check(r >= 0 || r == -E2BIG || r == -ENOMEM, "quoted line splits");
                        if (r >= 0)
                                check(strv_equal(argv, again), "quoted line splits back");
                }
                free(quoted);
                strv_free(again);

                /* The arguments as a reg command, with or without "reg" in front. */
                char **args = argv;
                if (args[0] && (reg_util_ascii_equal(args[0], "reg") ||
                                reg_util_ascii_equal(args[0], "reg.exe")))
                        args++;
                check_command(args, flags);
                strv_free(argv);
        }

        /* The whole input as a batch file. */
        RegBatch *b = NULL;
        unsigned l = 0;
        message = NULL;
        r = reg_batch_parse(data, size, &b, &l, &message);
        if (r < 0)
                check(message || r == -ENOMEM, "a refused batch file has a message");
        else
                for (size_t i = 0; i < b->n_commands; i++)
                        check_command(b->commands[i].argv, REG_SYNTAX_BATCH);
        free(message);
        reg_batch_free(b);
        return 0;
}
