/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers shared by the reg-*.c parsers. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* Stores a formatted message for people in *reterr_message (if not NULL; NULL when out of
 * memory) and returns 'r', so that parsers can write 'return reg_util_fail(reterr, -EINVAL,
 * "...")'. */
int reg_util_fail(char **reterr_message, int r, const char *format, ...) VSS_PRINTF(3, 4);

/* Case-insensitive comparison of ASCII letters; other bytes must match exactly. */
bool reg_util_ascii_equal(const char *a, const char *b);

/* Whether 'a' starts with 'prefix', ASCII letters compared case-insensitively. */
bool reg_util_ascii_startswith(const char *a, const char *prefix);
