/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "strv.h"

#include <stdlib.h>
#include <string.h>

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l) {
        size_t n = 0;

        if (!l)
                return 0;
        while (l[n])
                n++;
        return n;
}

int strv_consume(char ***l, char *value) {
        assert(l);

        if (!value)
                return -ENOMEM;

        size_t n = strv_length(*l);
        char **c = realloc(*l, sizeof(char *) * (n + 2));
        if (!c) {
                free(value);
                return -ENOMEM;
        }
        c[n] = value;
        c[n + 1] = NULL;
        *l = c;
        return 0;
}

int strv_extend(char ***l, const char *value) {
        assert(value);
        return strv_consume(l, strdup(value));
}
