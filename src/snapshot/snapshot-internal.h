/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the providers share among themselves (src/snapshot/ only): the area, error messages and
 * the snapshot roots' names. The mount table parser is mountinfo.h, the tree copy tree-clone.h. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include "macro.h"
#include "snapshot.h"

/* The name of the btrfs and reflink providers' area at the root of a volume's mount. Reserved:
 * a directory of that name is never copied into a reflink or copy snapshot. */
#define SNAPSHOT_AREA_NAME ".linvss-snapshots"

/* The copy provider's area inside the state directory. */
#define SNAPSHOT_COPY_AREA_NAME "snapshots"

/* Sets *reterr_message (when reterr_message is not NULL; an older message is freed) to the
 * formatted text, with errno set to -r so that %m describes r, and returns r. Out of memory
 * leaves *reterr_message NULL. Use it as 'return snapshot_error(reterr_message, r, "…%m", …);'. */
int snapshot_error(char **reterr_message, int r, const char *format, ...) VSS_PRINTF(3, 4);

/* The state directory: 'state_dir' when not NULL, else $VSS_STATE_DIR when set and absolute,
 * else VSS_STATE_DIR. Borrowed. */
const char *snapshot_state_dir(const char *state_dir);

/* Whether 'name' is a snapshot root's name: a snapshot id in upper case without braces. */
bool snapshot_root_name_is_valid(const char *name);

/* Splits a snapshot root "<area>/<id>" into a newly allocated area (*ret_area, you now own it)
 * and a borrowed pointer to the id inside 'root' (*ret_name). -EINVAL, with a message, when
 * 'root' is not absolute or its last component is not a snapshot id. */
int snapshot_root_split(
                const char *root, char **ret_area, const char **ret_name, char **reterr_message);

/* Opens the area directory 'area' (O_DIRECTORY, O_CLOEXEC), creating it with mode 0700 when it
 * is missing: a btrfs subvolume when 'subvolume' is true (so that the snapshots kept there never
 * appear in a btrfs snapshot of the subvolume above), a directory otherwise, and for the copy
 * area ('create_parent') its state directory (0700) too. The area must be a directory that is
 * not a symbolic link, owned by us and closed to others (no group or other permission bits):
 * else -EPERM with a message. When 'mount_id' is not 0 the area must be on that mount (nothing
 * mounted over it): else -EXDEV. Returns the fd. */
int snapshot_area_open(
                const char *area,
                bool subvolume,
                bool create_parent,
                uint64_t mount_id,
                char **reterr_message);

/* statx() with STATX_BASIC_STATS and STATX_MNT_ID, never following a final symbolic link nor
 * triggering an automount; 'name' "" means 'dir_fd' itself. stx_mnt_id is 0 when the kernel does
 * not report it. 0 or a negative errno. */
int snapshot_statx(int dir_fd, const char *name, struct statx *ret);

static inline dev_t snapshot_statx_dev(const struct statx *sx) {
        return makedev(sx->stx_dev_major, sx->stx_dev_minor);
}

static inline uint64_t snapshot_statx_mount_id(const struct statx *sx) {
        return (sx->stx_mask & STATX_MNT_ID) ? sx->stx_mnt_id : 0;
}

/* Whether the filesystem type (as mountinfo names it) is in the NULL-terminated list. */
bool snapshot_fs_type_in(const char *fs_type, const char *const *list);

/* Opens the volume's directory (O_RDONLY, O_DIRECTORY, O_CLOEXEC) and checks that it is still the
 * volume snapshot_volume_resolve() found (same filesystem and mount): -ENOENT with a message when
 * it vanished, -ESTALE when something else is there now. Returns the fd and, optionally, its
 * statx. */
int snapshot_volume_open(const SnapshotVolume *v, struct statx *ret_stx, char **reterr_message);
