/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "tree-remove.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buffer.h"
#include "macro.h"
#include "snapshot-internal.h"
#include "strv.h"

/* One directory on the way down: its name in its parent, its inode (to check that ".." leads
 * back where we came from) and the subdirectories still to remove. */
typedef struct Level {
        char *name;
        ino_t ino;
        char **subdirs;
        size_t next;
} Level;

typedef struct Remove {
        const char *label;
        dev_t dev;
        uint64_t mount_id;
        Level *levels;
        size_t depth, allocated;
        char **reterr_message;
} Remove;

static void level_done(Level *l) {
        free(l->name);
        l->subdirs = strv_free(l->subdirs);
        *l = (Level){};
}

/* "cannot <what> '<label>/<levels…>[/<name>]': %m" */
static int fail(Remove *rm, int r, const char *what, const char *name) {
        Buffer p = BUFFER_INIT;

        for (size_t i = 0; i <= rm->depth && i < rm->allocated && rm->levels; i++)
                if (rm->levels[i].name)
                        (void) buffer_printf(&p, "/%s", rm->levels[i].name);
        if (name)
                (void) buffer_printf(&p, "/%s", name);
        (void) snapshot_error(
                        rm->reterr_message, r, "cannot %s '%s%s': %m", what, rm->label,
                        p.data ? p.data : "");
        buffer_done(&p);
        return r;
}

static int push_level(Remove *rm, const char *name, ino_t ino) {
        if (rm->depth + 1 >= rm->allocated) {
                size_t n = rm->allocated ? rm->allocated * 2 : 16;
                Level *l = reallocarray(rm->levels, n, sizeof *l);
                if (!l)
                        return -ENOMEM;
                memset(l + rm->allocated, 0, (n - rm->allocated) * sizeof *l);
                rm->levels = l;
                rm->allocated = n;
        }
        char *copy = strdup(name);
        if (!copy)
                return -ENOMEM;
        rm->depth++;
        rm->levels[rm->depth] = (Level){.name = copy, .ino = ino};
        return 0;
}

/* Empties the directory 'fd' of everything but its subdirectories, whose names it collects. */
static int scan(Remove *rm, int fd, Level *l) {
        int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return fail(rm, -errno, "open", NULL);
        DIR *d = fdopendir(dfd);
        if (!d) {
                int e = -errno;
                (void) safe_close(dfd);
                return fail(rm, e, "read", NULL);
        }

        int r = 0;
        for (;;) {
                errno = 0;
                struct dirent *de = readdir(d);
                if (!de) {
                        if (errno != 0)
                                r = fail(rm, -errno, "read", NULL);
                        break;
                }
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) {
                        if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT) {
                                r = fail(rm, -errno, "remove", de->d_name);
                                break;
                        }
                        continue;
                }
                struct statx sx;
                r = snapshot_statx(fd, de->d_name, &sx);
                if (r == -ENOENT) {
                        r = 0;
                        continue;
                }
                if (r < 0) {
                        r = fail(rm, r, "stat", de->d_name);
                        break;
                }
                if (!S_ISDIR(sx.stx_mode)) {
                        if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT) {
                                r = fail(rm, -errno, "remove", de->d_name);
                                break;
                        }
                        continue;
                }
                r = strv_extend(&l->subdirs, de->d_name);
                if (r < 0)
                        break;
        }
        (void) closedir(d);
        return r;
}

/* Opens the subdirectory 'name' of 'fd' to go down into, unless it is another mount. */
static int enter(Remove *rm, int fd, const char *name, ino_t *ret_ino) {
        struct statx sx;

        int child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0)
                return errno == ENOENT ? -ENOENT : fail(rm, -errno, "open", name);
        int r = snapshot_statx(child, "", &sx);
        if (r < 0) {
                (void) safe_close(child);
                return fail(rm, r, "stat", name);
        }
        uint64_t mount_id = snapshot_statx_mount_id(&sx);
        if (snapshot_statx_dev(&sx) != rm->dev ||
            (mount_id != 0 && rm->mount_id != 0 && mount_id != rm->mount_id)) {
                (void) safe_close(child);
                return fail(rm, -EBUSY, "remove (another filesystem is mounted there)", name);
        }
        *ret_ino = sx.stx_ino;
        return child;
}

int tree_remove(int dir_fd, const char *name, const char *label, char **reterr_message) {
        Remove rm = {.label = label ? label : ".", .reterr_message = reterr_message};
        struct statx sx;
        int r;

        assert(dir_fd >= 0);
        assert(name);

        r = snapshot_statx(dir_fd, name, &sx);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return fail(&rm, r, "stat", NULL);
        if (!S_ISDIR(sx.stx_mode)) {
                if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
                        return fail(&rm, -errno, "remove", NULL);
                return 0;
        }

        /* Level 0 is the directory to remove; its parent is dir_fd. */
        rm.levels = calloc(16, sizeof(Level));
        if (!rm.levels)
                return -ENOMEM;
        rm.allocated = 16;
        rm.levels[0].ino = sx.stx_ino;
        rm.dev = snapshot_statx_dev(&sx);
        rm.mount_id = snapshot_statx_mount_id(&sx);

        int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                r = errno == ENOENT ? 0 : fail(&rm, -errno, "open", NULL);
                goto finish;
        }
        r = scan(&rm, fd, &rm.levels[0]);
        if (r < 0)
                goto finish;

        for (;;) {
                Level *l = &rm.levels[rm.depth];

                if (l->subdirs && l->subdirs[l->next]) {
                        const char *sub = l->subdirs[l->next++];
                        ino_t ino = 0;
                        int child = enter(&rm, fd, sub, &ino);
                        if (child == -ENOENT)
                                continue;
                        if (child < 0) {
                                r = child;
                                goto finish;
                        }
                        r = push_level(&rm, sub, ino);
                        if (r < 0) {
                                (void) safe_close(child);
                                goto finish;
                        }
                        (void) safe_close(fd);
                        fd = child;
                        r = scan(&rm, fd, &rm.levels[rm.depth]);
                        if (r < 0)
                                goto finish;
                        continue;
                }

                /* Empty now: go up and remove it there. */
                if (rm.depth == 0)
                        break;
                int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (parent < 0) {
                        r = fail(&rm, -errno, "open the parent of", NULL);
                        goto finish;
                }
                r = snapshot_statx(parent, "", &sx);
                if (r >= 0 && (sx.stx_ino != rm.levels[rm.depth - 1].ino ||
                               snapshot_statx_dev(&sx) != rm.dev))
                        r = -ESTALE; /* moved while we removed it */
                if (r < 0) {
                        (void) safe_close(parent);
                        r = fail(&rm, r, "go back up from", NULL);
                        goto finish;
                }
                (void) safe_close(fd);
                fd = parent;
                if (unlinkat(fd, l->name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
                        r = fail(&rm, -errno, "remove", NULL);
                        goto finish;
                }
                level_done(l);
                rm.depth--;
        }

        (void) safe_close(fd);
        fd = -EBADF;
        if (unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                r = fail(&rm, -errno, "remove", NULL);
        else
                r = 0;

finish:
        (void) safe_close(fd);
        for (size_t i = 0; i < rm.allocated; i++)
                level_done(&rm.levels[i]);
        free(rm.levels);
        return r;
}
