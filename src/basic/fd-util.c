/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "fd-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"

int write_all(int fd, const void *data, size_t size) {
        const uint8_t *p = data;

        while (size > 0) {
                ssize_t k = write(fd, p, size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                size -= (size_t) k;
        }
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode) {
        char *tmp = NULL;
        int r;

        assert(path);
        assert(data || size == 0);

        /* The directory, to make the rename durable. */
        const char *slash = strrchr(path, '/');
        char *dir = !slash          ? strdup(".")
                    : slash == path ? strdup("/")
                                    : strndup(path, (size_t) (slash - path));
        if (!dir)
                return -ENOMEM;
        if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0) {
                free(dir);
                return -ENOMEM;
        }

        int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                goto finish;
        }

        r = RET_NERRNO(fchmod(fd, mode));
        if (r >= 0)
                r = write_all(fd, data, size);
        if (r >= 0)
                r = RET_NERRNO(fsync(fd));
        (void) safe_close(fd);
        if (r >= 0)
                r = RET_NERRNO(rename(tmp, path));
        if (r < 0) {
                (void) unlink(tmp);
                goto finish;
        }

        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                r = -errno;
                goto finish;
        }
        r = RET_NERRNO(fsync(dfd));
        (void) safe_close(dfd);

finish:
        free(dir);
        free(tmp);
        return r;
}
