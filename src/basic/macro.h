/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The few GNU C extensions linvss relies on (cleanup attributes, __typeof__, statement
 * expressions in TAKE_*, function attributes), and small helpers built on them. */

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VSS_CLEANUP(fn)  __attribute__((cleanup(fn)))
#define VSS_NODISCARD    __attribute__((warn_unused_result))
#define VSS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define VSS_UNUSED       __attribute__((unused))
#define VSS_FALLTHROUGH  __attribute__((fallthrough))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Frees and returns NULL: 'p = mfree(p);'. */
static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

static inline void vss_freep(void *p) {
        free(*(void **) p);
}
#define vss_autofree VSS_CLEANUP(vss_freep)

/* Closes 'fd' if it is one, keeping errno; returns -EBADF so that 'fd = safe_close(fd);' resets. */
static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}
static inline void vss_closep(const int *fd) {
        (void) safe_close(*fd);
}
#define vss_autoclose VSS_CLEANUP(vss_closep)

/* Turns a libc-style result (-1 and errno) into a negative errno value. */
static inline int RET_NERRNO(int r) {
        return r < 0 ? -errno : r;
}

/* Yields the pointer and sets the variable to NULL: moves ownership out of a cleanup variable. */
#define TAKE_PTR(p)                                \
        ({                                         \
                __typeof__(p) _take_ptr_tmp = (p); \
                (p) = NULL;                        \
                _take_ptr_tmp;                     \
        })
#define TAKE_FD(fd)                      \
        ({                               \
                int _take_fd_tmp = (fd); \
                (fd) = -EBADF;           \
                _take_fd_tmp;            \
        })

/* Defines type##p(Type **p) calling func(*p), for VSS_CLEANUP(type##p). 'func' takes a pointer
 * and may return anything (our destructors return NULL). */
/* NOLINTBEGIN(bugprone-macro-parentheses): 'type' is a type name */
#define DEFINE_CLEANUP_FUNC(type, func)        \
        static inline void func##p(type **p) { \
                if (*p)                        \
                        (void) func(*p);       \
        }
/* NOLINTEND(bugprone-macro-parentheses) */

/* Returns from a public function with 'ret' when a caller passed bad arguments. Never aborts. */
#define vss_assert_return(expr, ret)  \
        do {                          \
                if (!(expr))          \
                        return (ret); \
        } while (false)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}
#define streq(a, b) (strcmp((a), (b)) == 0)
