/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The copy provider: a full copy of the volume's tree into the state directory, for any local
 * filesystem. Files are as they were when each was copied: consistent for the writers, which are
 * frozen meanwhile. The slowest provider; the last one tried. */

#include <fcntl.h>
#include <unistd.h>

#include "macro.h"
#include "snapshot-internal.h"
#include "snapshot-tree.h"
#include "snapshot.h"

/* Local filesystems that hold files (not /proc, /sys, cgroups and the like, which a copy would
 * only freeze a picture of, nor network filesystems, which the server's own snapshots serve). */
static const char *const copy_filesystems[] = {
                "ext2",   "ext3",     "ext4", "xfs",   "btrfs", "f2fs",    "jfs",   "reiserfs",
                "nilfs2", "bcachefs", "vfat", "exfat", "ntfs3", "hfsplus", "tmpfs", NULL,
};

static int copy_probe(const SnapshotVolume *v, const char *area, char **reterr_message) {
        vss_autofree char *why = NULL;

        if (!snapshot_fs_type_in(v->fs_type, copy_filesystems))
                return snapshot_error(
                                reterr_message, 0,
                                "'%s' is on %s, which is not a local filesystem of files "
                                "the copy provider supports",
                                v->path, v->fs_type);
        vss_autoclose int fd = snapshot_volume_open(v, NULL, reterr_message);
        if (fd < 0)
                return fd;
        vss_autoclose int area_fd = snapshot_area_open(area, false, true, 0, &why);
        if (area_fd == -ENOMEM)
                return area_fd;
        if (area_fd < 0)
                return snapshot_error(reterr_message, 0, "%s", why);
        if (faccessat(area_fd, ".", W_OK, AT_EACCESS) < 0)
                return snapshot_error(reterr_message, 0, "cannot write in '%s': %m", area);
        return 1;
}

static int copy_create(const SnapshotRequest *req, char **ret_path, char **reterr_message) {
        return snapshot_tree_create(req, TREE_CLONE_COPY, false, false, ret_path, reterr_message);
}

const SnapshotProvider snapshot_provider_copy = {
                .name = "copy",
                /* {0B45636B-918B-4F5F-9272-DEE616529531} */
                .id = {{0x0b, 0x45, 0x63, 0x6b, 0x91, 0x8b, 0x4f, 0x5f, 0x92, 0x72, 0xde, 0xe6,
                        0x16, 0x52, 0x95, 0x31}},
                .type = VSS_PROV_SYSTEM,
                .version = "1.0",
                .consistency = SNAPSHOT_WRITER_CONSISTENT,
                .filesystems = copy_filesystems,
                .probe = copy_probe,
                .create = copy_create,
                .remove = snapshot_tree_remove,
};
