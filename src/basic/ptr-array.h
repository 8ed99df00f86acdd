/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A growable array of owned pointers. */

#include <stddef.h>

/* A growable array of owned pointers. Elements never move once added (only the array of
 * pointers does), so pointers to them can be handed out as borrowed. */
typedef struct PtrArray {
        void **items;
        size_t n;
        size_t allocated;
} PtrArray;

/* Appends 'item'; on failure (-ENOMEM, or -E2BIG beyond 'max') the array is unchanged and the
 * caller still owns 'item'. */
int ptr_array_push(PtrArray *a, void *item, size_t max);
/* Frees every element with 'free_func' and the array itself. */
void ptr_array_done(PtrArray *a, void (*free_func)(void *));
