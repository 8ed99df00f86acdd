/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated arrays of owned strings. */

#include <stddef.h>

#include "macro.h"

/* Frees every string and the array; NULL-safe; returns NULL. */
char **strv_free(char **l);
DEFINE_CLEANUP_FUNC(char *, strv_free)
#define vss_autostrv VSS_CLEANUP(strv_freep)

size_t strv_length(char *const *l);

/* Appends 'value' and takes ownership of it, also on failure (then it is freed). -ENOMEM. */
int strv_consume(char ***l, char *value);

/* Appends a copy of 'value'. -ENOMEM. */
int strv_extend(char ***l, const char *value);

/* NOLINTNEXTLINE(bugprone-macro-parentheses): 's' names the loop variable */
#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
