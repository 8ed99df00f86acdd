/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Batch files (.bat, .cmd) as far as vss-reg runs them: reg commands, comments and "echo off".
 * Every line is checked before anything runs, so a typo on the last line does not leave the
 * first ones done. docs/VSS-REG.md, "Batch files", has the rules. Pure: no I/O. */

#include <stddef.h>

#include "macro.h"

#define REG_BATCH_SIZE_MAX ((size_t) 16 << 20) /* bytes of a batch file */

typedef struct RegBatchCommand {
        unsigned line; /* 1-based */
        char **argv;   /* the reg command's arguments, "reg" left out: argv[0] is the operation */
} RegBatchCommand;

typedef struct RegBatch {
        RegBatchCommand *commands;
        size_t n_commands;
} RegBatch;

RegBatch *reg_batch_free(RegBatch *b);
DEFINE_CLEANUP_FUNC(RegBatch, reg_batch_free)

/* Reads a batch file: UTF-8 (an initial BOM is skipped), lines ending in CRLF or LF. Blank
 * lines, "rem ..." and ":: ..." comments, labels (":name") and "echo off"/"echo on" are skipped;
 * a leading '@' is ignored; a line whose first word is reg or reg.exe (any case) becomes a
 * command, split with reg_syntax_split(REG_SYNTAX_BATCH). Anything else is refused. On success
 * you now own *ret. Errors: -EINVAL (a line that is not a reg command or does not split),
 * -EILSEQ (not UTF-8), -E2BIG (over the limits), -ENOMEM; then *reterr_line (if not NULL) is the
 * line, 0 for the whole file, and *reterr_message (if not NULL) says what is wrong, which you
 * now own. */
int reg_batch_parse(
                const void *data,
                size_t size,
                RegBatch **ret,
                unsigned *reterr_line,
                char **reterr_message);
