/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The reflink provider: a copy of the volume's tree whose files share their data blocks with
 * the volume's (FICLONE), on filesystems that can (XFS with reflink=1, btrfs). Files are as they
 * were when each was cloned: consistent for the writers, which are frozen meanwhile. */

#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "macro.h"
#include "snapshot-internal.h"
#include "snapshot-tree.h"
#include "snapshot.h"

static const char *const reflink_filesystems[] = {"xfs", "btrfs", NULL};

/* Clones a block between two unnamed files in the area: whatever the filesystem claims, this
 * is what a snapshot will do. 1 yes, 0 no (with the reason), < 0 error. */
static int try_clone(int area_fd, const char *area, char **reterr_message) {
        static const char block[4096] = {'l', 'i', 'n', 'v', 's', 's'};
        char back[sizeof block];

        vss_autoclose int a = openat(area_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (a < 0)
                return snapshot_error(reterr_message, 0, "cannot make a file in '%s': %m", area);
        vss_autoclose int b = openat(area_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (b < 0)
                return snapshot_error(reterr_message, 0, "cannot make a file in '%s': %m", area);
        if (pwrite(a, block, sizeof block, 0) != (ssize_t) sizeof block)
                return snapshot_error(reterr_message, 0, "cannot write a file in '%s': %m", area);
        if (ioctl(b, FICLONE, a) < 0)
                return snapshot_error(
                                reterr_message, 0,
                                "the filesystem of '%s' cannot share blocks between files "
                                "(FICLONE: %m)",
                                area);
        if (pread(b, back, sizeof back, 0) != (ssize_t) sizeof back ||
            memcmp(back, block, sizeof block) != 0)
                return snapshot_error(
                                reterr_message, 0,
                                "a file cloned in '%s' does not read back as the original", area);
        return 1;
}

static int reflink_probe(const SnapshotVolume *v, const char *area, char **reterr_message) {
        vss_autofree char *why = NULL;

        if (!snapshot_fs_type_in(v->fs_type, reflink_filesystems))
                return snapshot_error(
                                reterr_message, 0,
                                "'%s' is on %s, which cannot share blocks between files "
                                "(reflinks need XFS with reflink=1 or btrfs)",
                                v->path, v->fs_type);
        if (v->read_only)
                return snapshot_error(
                                reterr_message, 0,
                                "'%s' is mounted read-only: a snapshot cannot be made there",
                                v->mount_point);
        vss_autoclose int fd = snapshot_volume_open(v, NULL, reterr_message);
        if (fd < 0)
                return fd;
        vss_autoclose int area_fd = snapshot_area_open(
                        area, streq(v->fs_type, "btrfs"), false, v->mount_id, &why);
        if (area_fd == -ENOMEM)
                return area_fd;
        if (area_fd < 0)
                return snapshot_error(reterr_message, 0, "%s", why);
        return try_clone(area_fd, area, reterr_message);
}

static int reflink_create(const SnapshotRequest *req, char **ret_path, char **reterr_message) {
        return snapshot_tree_create(
                        req, TREE_CLONE_REFLINK, streq(req->volume->fs_type, "btrfs"), true,
                        ret_path, reterr_message);
}

const SnapshotProvider snapshot_provider_reflink = {
                .name = "reflink",
                /* {FE5BD9ED-978F-4615-89F8-19136EC61114} */
                .id = {{0xfe, 0x5b, 0xd9, 0xed, 0x97, 0x8f, 0x46, 0x15, 0x89, 0xf8, 0x19, 0x13,
                        0x6e, 0xc6, 0x11, 0x14}},
                .type = VSS_PROV_SYSTEM,
                .version = "1.0",
                .consistency = SNAPSHOT_WRITER_CONSISTENT,
                .filesystems = reflink_filesystems,
                .probe = reflink_probe,
                .create = reflink_create,
                .remove = snapshot_tree_remove,
};
