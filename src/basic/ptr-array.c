/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "ptr-array.h"

#include <errno.h>
#include <stdlib.h>

#include "macro.h"

int ptr_array_push(PtrArray *a, void *item, size_t max) {
        assert(a);
        assert(item);

        if (a->n >= max)
                return -E2BIG;
        if (a->n == a->allocated) {
                size_t k = a->allocated == 0 ? 4 : a->allocated * 2;
                void **p = reallocarray(a->items, k, sizeof(void *));
                if (!p)
                        return -ENOMEM;
                a->items = p;
                a->allocated = k;
        }
        a->items[a->n++] = item;
        return 0;
}

void ptr_array_done(PtrArray *a, void (*free_func)(void *)) {
        assert(a);

        for (size_t i = 0; i < a->n; i++)
                free_func(a->items[i]);
        free(a->items);
        *a = (PtrArray){};
}
