/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* What the reflink and copy providers share: a snapshot that is a copy of the volume's tree,
 * made by tree_clone() into "<area>/<id>" and removed by tree_remove(). */

#include "snapshot-tree.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "snapshot-internal.h"
#include "tree-clone.h"
#include "tree-remove.h"

static void add_exclude(TreeCloneExclude *e, size_t *n, int dir_fd, const char *path) {
        struct statx sx;

        if (snapshot_statx(dir_fd, path, &sx) < 0 || !S_ISDIR(sx.stx_mode))
                return;
        e[(*n)++] = (TreeCloneExclude){.dev = snapshot_statx_dev(&sx), .ino = sx.stx_ino};
}

static uint64_t now_usec(void) {
        struct timespec ts;
        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

int snapshot_tree_create(
                const SnapshotRequest *req,
                TreeCloneMode mode,
                bool subvolume_area,
                bool area_on_volume,
                char **ret_path,
                char **reterr_message) {
        const SnapshotVolume *v = req->volume;
        vss_autofree char *root = NULL;
        vss_autofree char *copy_area = NULL;
        vss_autofree char *why = NULL;
        TreeCloneStats stats = {};
        struct statx sx;

        assert(req->area);
        assert(ret_path);

        int r = snapshot_root_path(req->area, &req->snapshot_id, &root);
        if (r < 0)
                return r;
        const char *name = strrchr(root, '/') + 1;

        vss_autoclose int fd = snapshot_volume_open(v, NULL, reterr_message);
        if (fd < 0)
                return fd;
        vss_autoclose int area_fd = snapshot_area_open(
                        req->area, subvolume_area, !area_on_volume,
                        area_on_volume ? v->mount_id : 0, reterr_message);
        if (area_fd < 0)
                return area_fd;
        if (snapshot_statx(area_fd, name, &sx) >= 0)
                return snapshot_error(
                                reterr_message, -EEXIST, "the snapshot '%s' already exists", root);

        /* Never copy an area into a snapshot, nor the snapshot into itself. */
        TreeCloneExclude excludes[3];
        size_t n_excludes = 0;
        add_exclude(excludes, &n_excludes, area_fd, "");
        if (asprintf(&copy_area, "%s/%s", snapshot_state_dir(req->state_dir),
                     SNAPSHOT_COPY_AREA_NAME) < 0)
                return -ENOMEM;
        add_exclude(excludes, &n_excludes, AT_FDCWD, copy_area);

        if (mkdirat(area_fd, name, 0700) < 0)
                return snapshot_error(
                                reterr_message, errno == EDQUOT ? -ENOSPC : -errno,
                                "cannot create '%s': %m", root);
        vss_autoclose int root_fd =
                        openat(area_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (root_fd < 0) {
                r = snapshot_error(reterr_message, -errno, "cannot open '%s': %m", root);
                goto undo;
        }
        add_exclude(excludes, &n_excludes, root_fd, "");

        uint64_t start = now_usec();
        r = tree_clone(fd, root_fd, mode, excludes, n_excludes, v->path, &stats, reterr_message);
        if (r < 0)
                goto undo;
        /* Durable before it is reported made: a persistent snapshot outlives a crash. */
        if (syncfs(root_fd) < 0) {
                r =
                                snapshot_error(reterr_message, errno == EDQUOT ? -ENOSPC : -errno,
                                               "cannot write '%s' to disk: %m", root);
                goto undo;
        }
        if (fsync(area_fd) < 0) {
                r = snapshot_error(
                                reterr_message, -errno, "cannot write '%s' to disk: %m", req->area);
                goto undo;
        }
        log_debug("Snapshot of '%s' made at '%s' in %" PRIu64 " ms: %" PRIu64 " files (%" PRIu64
                  " bytes), %" PRIu64 " directories, %" PRIu64 " symbolic links, %" PRIu64
                  " special files, %" PRIu64 " hard links, %" PRIu64 " mount points left empty.",
                  v->path, root, (now_usec() - start) / 1000U, stats.files, stats.bytes,
                  stats.directories, stats.symlinks, stats.specials, stats.hard_links,
                  stats.mount_points);

        *ret_path = TAKE_PTR(root);
        return 0;

undo: /* (removing a directory that is open is fine) */
        if (tree_remove(area_fd, name, root, &why) < 0) {
                /* Say so: the caller must know something is left. */
                vss_autofree char *first = reterr_message ? TAKE_PTR(*reterr_message) : NULL;
                (void) snapshot_error(
                                reterr_message, r,
                                "%s; and what was made of it could not be removed: %s",
                                first ? first : "failed", why ? why : "unknown error");
        }
        return r;
}

int snapshot_tree_remove(const char *root, char **reterr_message) {
        vss_autofree char *area = NULL;
        const char *name;

        int r = snapshot_root_split(root, &area, &name, reterr_message);
        if (r < 0)
                return r;
        vss_autoclose int area_fd = open(area, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (area_fd < 0) {
                if (errno == ENOENT)
                        return 0;
                return snapshot_error(reterr_message, -errno, "cannot open '%s': %m", area);
        }
        r = tree_remove(area_fd, name, root, reterr_message);
        if (r < 0)
                return r;
        if (fsync(area_fd) < 0)
                return snapshot_error(
                                reterr_message, -errno, "cannot write '%s' to disk: %m", area);
        log_debug("Snapshot '%s' deleted.", root);
        return 0;
}
