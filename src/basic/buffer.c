/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "buffer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int buffer_reserve(Buffer *b, size_t extra) {
        assert(b);

        if (extra > SIZE_MAX - b->size - 1)
                return -ENOMEM;
        size_t need = b->size + extra + 1;
        if (need <= b->allocated)
                return 0;

        size_t n = MAX(b->allocated, (size_t) 64);
        while (n < need)
                n = n > SIZE_MAX / 2 ? need : n * 2;

        char *p = realloc(b->data, n);
        if (!p)
                return -ENOMEM;
        b->data = p;
        b->allocated = n;
        return 0;
}

int buffer_append(Buffer *b, const void *p, size_t n) {
        assert(p || n == 0);

        int r = buffer_reserve(b, n);
        if (r < 0)
                return r;
        if (n > 0)
                memcpy(b->data + b->size, p, n);
        b->size += n;
        b->data[b->size] = 0;
        return 0;
}

int buffer_append_str(Buffer *b, const char *s) {
        return buffer_append(b, s, strlen(s));
}

int buffer_append_char(Buffer *b, char c) {
        return buffer_append(b, &c, 1);
}

int buffer_printf(Buffer *b, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        int n = vsnprintf(NULL, 0, format, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;

        int r = buffer_reserve(b, (size_t) n);
        if (r < 0)
                return r;

        va_start(ap, format);
        (void) vsnprintf(b->data + b->size, (size_t) n + 1, format, ap);
        va_end(ap);
        b->size += (size_t) n;
        return 0;
}

void buffer_clear(Buffer *b) {
        b->size = 0;
        if (b->data)
                b->data[0] = 0;
}

void buffer_done(Buffer *b) {
        free(b->data);
        *b = (Buffer) BUFFER_INIT;
}

char *buffer_steal(Buffer *b) {
        if (!b->data && buffer_reserve(b, 0) < 0)
                return NULL;
        if (!b->data)
                return NULL;
        b->data[b->size] = 0;
        char *p = b->data;
        *b = (Buffer) BUFFER_INIT;
        return p;
}
