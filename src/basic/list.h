/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Intrusive doubly-linked lists: an object carries its own links, so adding and removing never
 * allocates and removing is O(1).
 *
 *         typedef struct Item { LIST_FIELDS(struct Item, items); } Item;
 *         LIST_HEAD(Item, items);          (in the owner)
 *         LIST_APPEND(items, owner->items, item);
 *         LIST_FOREACH(items, i, owner->items) ...
 */

/* NOLINTBEGIN(bugprone-macro-parentheses): 't' is a type, 'name' builds member names */
#define LIST_FIELDS(t, name) t *name##_next, *name##_prev

#define LIST_HEAD(t, name) t *name

#define LIST_PREPEND(name, head, item)                                  \
        do {                                                            \
                __typeof__(*(head)) **_head = &(head), *_item = (item); \
                _item->name##_prev = NULL;                              \
                _item->name##_next = *_head;                            \
                if (*_head)                                             \
                        (*_head)->name##_prev = _item;                  \
                *_head = _item;                                         \
        } while (false)

#define LIST_APPEND(name, head, item)                                                    \
        do {                                                                             \
                __typeof__(*(head)) **_head = &(head), *_item = (item), *_tail = *_head; \
                _item->name##_next = NULL;                                               \
                if (!_tail) {                                                            \
                        _item->name##_prev = NULL;                                       \
                        *_head = _item;                                                  \
                        break;                                                           \
                }                                                                        \
                while (_tail->name##_next)                                               \
                        _tail = _tail->name##_next;                                      \
                _tail->name##_next = _item;                                              \
                _item->name##_prev = _tail;                                              \
        } while (false)

#define LIST_REMOVE(name, head, item)                                         \
        do {                                                                  \
                __typeof__(*(head)) **_head = &(head), *_item = (item);       \
                if (_item->name##_next)                                       \
                        _item->name##_next->name##_prev = _item->name##_prev; \
                if (_item->name##_prev)                                       \
                        _item->name##_prev->name##_next = _item->name##_next; \
                else                                                          \
                        *_head = _item->name##_next;                          \
                _item->name##_next = _item->name##_prev = NULL;               \
        } while (false)

#define LIST_FOREACH(name, i, head) for ((i) = (head); (i); (i) = (i)->name##_next)

/* Safe against removing 'i' inside the loop. */
#define LIST_FOREACH_SAFE(name, i, n, head) \
        for ((i) = (head); (i) && (((n) = (i)->name##_next), 1); (i) = (n))
/* NOLINTEND(bugprone-macro-parentheses) */
