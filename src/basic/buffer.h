/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A growable byte buffer that lives on the caller's stack (git's strbuf). The data is always
 * NUL-terminated, so text can be read from it directly.
 *
 *         Buffer b = BUFFER_INIT;
 *         r = buffer_append_str(&b, "x");
 *         ...
 *         buffer_done(&b);
 */

#include <stddef.h>

#include "macro.h"

typedef struct Buffer {
        char *data; /* NULL while empty, else NUL-terminated */
        size_t size;
        size_t allocated;
} Buffer;

#define BUFFER_INIT \
        { .data = NULL, .size = 0, .allocated = 0 }

int buffer_append(Buffer *b, const void *p, size_t n);
int buffer_append_str(Buffer *b, const char *s);
int buffer_append_char(Buffer *b, char c);
int buffer_printf(Buffer *b, const char *format, ...) VSS_PRINTF(2, 3);

/* Empties the buffer but keeps its memory. */
void buffer_clear(Buffer *b);

/* Frees the memory; the buffer is BUFFER_INIT again. */
void buffer_done(Buffer *b);

/* Returns the data (never NULL: an empty buffer gives "") and resets the buffer; you now own the
 * string. NULL only when out of memory. */
char *buffer_steal(Buffer *b);
