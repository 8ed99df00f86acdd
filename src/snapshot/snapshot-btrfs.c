/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The btrfs provider: a read-only snapshot of the subvolume that holds the volume, made by the
 * filesystem in one transaction (BTRFS_IOC_SNAP_CREATE_V2), so every file is as it was at one
 * instant, whatever the size. */

#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>

#include "log.h"
#include "macro.h"
#include "snapshot-internal.h"
#include "snapshot.h"

static const char *const btrfs_filesystems[] = {"btrfs", NULL};

static size_t path_depth(const char *p) {
        size_t n = 0;
        for (const char *s = p; *s; s++)
                if (*s == '/' && s[1] && s[1] != '/')
                        n++;
        return n;
}

static int check_btrfs(int fd, const SnapshotVolume *v, char **reterr_message) {
        struct statfs sfs;

        if (fstatfs(fd, &sfs) < 0)
                return snapshot_error(reterr_message, -errno, "cannot statfs '%s': %m", v->path);
        if (sfs.f_type != (typeof(sfs.f_type)) BTRFS_SUPER_MAGIC)
                return snapshot_error(reterr_message, -EOPNOTSUPP, "'%s' is not on btrfs", v->path);
        return 0;
}

/* Finds the root of the subvolume that holds the volume (its inode is
 * BTRFS_FIRST_FREE_OBJECTID) by going up from the volume within its mount, and the volume's
 * path below it. -EOPNOTSUPP when that root is above the mount's root (a bind mount of a
 * directory inside a subvolume). */
static int
subvolume_root(const SnapshotVolume *v,
               int volume_fd,
               int *ret_fd,
               char **ret_path,
               char **reterr_message) {
        struct statx sx;
        size_t levels = 0, depth = path_depth(v->path), mount_depth = path_depth(v->mount_point);
        size_t max_levels = depth > mount_depth ? depth - mount_depth : 0;

        vss_autoclose int fd = openat(volume_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return snapshot_error(reterr_message, -errno, "cannot open '%s': %m", v->path);
        for (;;) {
                int r = snapshot_statx(fd, "", &sx);
                if (r < 0)
                        return snapshot_error(reterr_message, r, "cannot stat '%s': %m", v->path);
                uint64_t mount_id = snapshot_statx_mount_id(&sx);
                bool left_mount = mount_id != 0 && v->mount_id != 0 && mount_id != v->mount_id;
                if (!left_mount && sx.stx_ino == BTRFS_FIRST_FREE_OBJECTID)
                        break;
                if (left_mount || levels >= max_levels)
                        return snapshot_error(
                                        reterr_message, -EOPNOTSUPP,
                                        "the btrfs subvolume holding '%s' has its root outside "
                                        "the mount at '%s' (a bind mount of a directory inside a "
                                        "subvolume): mount the subvolume itself to snapshot it",
                                        v->path, v->mount_point);
                int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (parent < 0)
                        return snapshot_error(
                                        reterr_message, -errno, "cannot open a parent of '%s': %m",
                                        v->path);
                (void) safe_close(fd);
                fd = parent;
                levels++;
        }

        /* The volume's path below the subvolume's root: its last 'levels' components. */
        const char *rel = v->path + strlen(v->path);
        for (size_t i = 0; i < levels; i++) {
                while (rel > v->path && rel[-1] != '/')
                        rel--;
                if (i + 1 < levels)
                        rel--;
        }
        char *p = strdup(rel);
        if (!p)
                return -ENOMEM;
        *ret_path = p;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int btrfs_probe(const SnapshotVolume *v, const char *area, char **reterr_message) {
        vss_autofree char *rel = NULL;
        vss_autofree char *why = NULL;

        if (!streq(v->fs_type, "btrfs"))
                return snapshot_error(
                                reterr_message, 0, "'%s' is on %s, not btrfs", v->path, v->fs_type);
        if (v->read_only)
                return snapshot_error(
                                reterr_message, 0,
                                "'%s' is mounted read-only: a snapshot cannot be made there",
                                v->mount_point);

        vss_autoclose int fd = snapshot_volume_open(v, NULL, reterr_message);
        if (fd < 0)
                return fd;
        int r = check_btrfs(fd, v, &why);
        if (r == -EOPNOTSUPP)
                return snapshot_error(reterr_message, 0, "%s", why);
        if (r < 0)
                return snapshot_error(reterr_message, r, "%s", why);

        vss_autoclose int root_fd = -EBADF;
        r = subvolume_root(v, fd, &root_fd, &rel, &why);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return snapshot_error(reterr_message, 0, "%s", why);

        vss_autoclose int area_fd = snapshot_area_open(area, true, false, v->mount_id, &why);
        if (area_fd == -ENOMEM)
                return area_fd;
        if (area_fd < 0)
                return snapshot_error(reterr_message, 0, "%s", why);
        return 1;
}

static int btrfs_create(const SnapshotRequest *req, char **ret_path, char **reterr_message) {
        const SnapshotVolume *v = req->volume;
        vss_autofree char *root = NULL;
        vss_autofree char *rel = NULL;
        struct statx vsx, sx;

        assert(req->area);
        assert(ret_path);

        int r = snapshot_root_path(req->area, &req->snapshot_id, &root);
        if (r < 0)
                return r;
        const char *name = strrchr(root, '/') + 1;

        vss_autoclose int fd = snapshot_volume_open(v, &vsx, reterr_message);
        if (fd < 0)
                return fd;
        r = check_btrfs(fd, v, reterr_message);
        if (r < 0)
                return r;
        vss_autoclose int subvol_fd = -EBADF;
        r = subvolume_root(v, fd, &subvol_fd, &rel, reterr_message);
        if (r < 0)
                return r;
        assert(rel);
        vss_autoclose int area_fd =
                        snapshot_area_open(req->area, true, false, v->mount_id, reterr_message);
        if (area_fd < 0)
                return area_fd;

        r = snapshot_statx(area_fd, name, &sx);
        if (r >= 0)
                return snapshot_error(
                                reterr_message, -EEXIST, "the snapshot '%s' already exists", root);

        struct btrfs_ioctl_vol_args_v2 args = {
                        .fd = subvol_fd,
                        .flags = BTRFS_SUBVOL_RDONLY,
        };
        strncpy(args.name, name, sizeof args.name - 1);
        if (ioctl(area_fd, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0) {
                r = errno == EDQUOT ? -ENOSPC : -errno;
                return snapshot_error(
                                reterr_message, r,
                                "cannot snapshot the subvolume holding '%s' as '%s': %m", v->path,
                                root);
        }

        /* A snapshot keeps inode numbers: the volume must be there, as the same directory (it
         * could have been moved while the subvolume's root was being looked for). */
        vss_autofree char *inside = NULL;
        if (asprintf(&inside, "%s%s%s", name, rel[0] ? "/" : "", rel) < 0) {
                r = -ENOMEM;
                goto undo;
        }
        r = snapshot_statx(area_fd, inside, &sx);
        if (r < 0 || !S_ISDIR(sx.stx_mode) || sx.stx_ino != vsx.stx_ino) {
                r = snapshot_error(
                                reterr_message, r < 0 ? r : -ESTALE,
                                "the snapshot of '%s' does not hold the volume at '%s/%s' (it "
                                "was moved while the snapshot was made)",
                                v->path, root, rel);
                goto undo;
        }

        char *p = NULL;
        if (asprintf(&p, "%s%s%s", root, rel[0] ? "/" : "", rel) < 0) {
                r = -ENOMEM;
                goto undo;
        }
        log_debug("Snapshot of '%s' made at '%s'.", v->path, p);
        *ret_path = p;
        return 0;

undo : {
        struct btrfs_ioctl_vol_args d = {};
        strncpy(d.name, name, sizeof d.name - 1);
        (void) ioctl(area_fd, BTRFS_IOC_SNAP_DESTROY, &d);
        return r;
}
}

static int btrfs_remove(const char *root, char **reterr_message) {
        vss_autofree char *area = NULL;
        const char *name;
        struct statx sx;

        int r = snapshot_root_split(root, &area, &name, reterr_message);
        if (r < 0)
                return r;
        vss_autoclose int area_fd = open(area, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (area_fd < 0) {
                if (errno == ENOENT)
                        return 0;
                return snapshot_error(reterr_message, -errno, "cannot open '%s': %m", area);
        }
        r = snapshot_statx(area_fd, name, &sx);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return snapshot_error(reterr_message, r, "cannot stat '%s': %m", root);
        if (!S_ISDIR(sx.stx_mode) || sx.stx_ino != BTRFS_FIRST_FREE_OBJECTID)
                return snapshot_error(
                                reterr_message, -EINVAL,
                                "'%s' is not a btrfs snapshot (the root of a subvolume)", root);

        struct btrfs_ioctl_vol_args args = {};
        strncpy(args.name, name, sizeof args.name - 1);
        if (ioctl(area_fd, BTRFS_IOC_SNAP_DESTROY, &args) < 0) {
                if (errno == ENOENT)
                        return 0;
                return snapshot_error(
                                reterr_message, -errno, "cannot delete the snapshot '%s': %m",
                                root);
        }
        log_debug("Snapshot '%s' deleted.", root);
        return 0;
}

const SnapshotProvider snapshot_provider_btrfs = {
                .name = "btrfs",
                /* {06173150-C153-4711-BF38-9D426A32BCD6} */
                .id = {{0x06, 0x17, 0x31, 0x50, 0xc1, 0x53, 0x47, 0x11, 0xbf, 0x38, 0x9d, 0x42,
                        0x6a, 0x32, 0xbc, 0xd6}},
                .type = VSS_PROV_SYSTEM,
                .version = "1.0",
                .consistency = SNAPSHOT_CRASH_CONSISTENT,
                .filesystems = btrfs_filesystems,
                .probe = btrfs_probe,
                .create = btrfs_create,
                .remove = btrfs_remove,
};
