/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The areas where providers keep snapshots, the names of snapshot roots, error messages. */

#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"
#include "macro.h"
#include "snapshot-internal.h"

int snapshot_error(char **reterr_message, int r, const char *format, ...) {
        va_list ap;

        if (!reterr_message)
                return r;
        *reterr_message = mfree(*reterr_message);

        int saved = errno;
        errno = r < 0 ? -r : r;
        va_start(ap, format);
        if (vasprintf(reterr_message, format, ap) < 0)
                *reterr_message = NULL;
        va_end(ap);
        errno = saved;

        if (*reterr_message)
                log_debug("%s", *reterr_message);
        return r;
}

const char *snapshot_state_dir(const char *state_dir) {
        if (state_dir)
                return state_dir;
        const char *e = secure_getenv("VSS_STATE_DIR");
        if (e && e[0] == '/')
                return e;
        return VSS_STATE_DIR;
}

bool snapshot_root_name_is_valid(const char *name) {
        vss_guid id;
        char s[VSS_GUID_STRING_MAX];

        if (!name || vss_guid_from_string(name, &id) < 0)
                return false;
        (void) vss_guid_to_string(&id, s);
        /* Only the canonical form, "{…}" without its braces. */
        return strlen(name) == strlen(s) - 2 && strncmp(name, s + 1, strlen(name)) == 0;
}

int snapshot_root_path(const char *area, const vss_guid *id, char **ret) {
        char s[VSS_GUID_STRING_MAX];

        vss_assert_return(area && area[0] == '/', -EINVAL);
        vss_assert_return(id, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        (void) vss_guid_to_string(id, s);
        s[strlen(s) - 1] = '\0'; /* the closing brace */
        size_t n = strlen(area);
        while (n > 1 && area[n - 1] == '/')
                n--;
        if (asprintf(ret, "%.*s%s%s", (int) n, area, n > 1 ? "/" : "", s + 1) < 0)
                return -ENOMEM;
        return 0;
}

int snapshot_root_split(
                const char *root, char **ret_area, const char **ret_name, char **reterr_message) {
        assert(ret_area);
        assert(ret_name);

        const char *slash = root ? strrchr(root, '/') : NULL;
        if (!root || root[0] != '/' || !slash || !snapshot_root_name_is_valid(slash + 1))
                return snapshot_error(
                                reterr_message, -EINVAL,
                                "'%s' is not a snapshot root (<area>/<snapshot id>)",
                                root ? root : "(null)");
        char *area = slash == root ? strdup("/") : strndup(root, (size_t) (slash - root));
        if (!area)
                return -ENOMEM;
        *ret_area = area;
        *ret_name = slash + 1;
        return 0;
}

bool snapshot_fs_type_in(const char *fs_type, const char *const *list) {
        for (size_t i = 0; fs_type && list && list[i]; i++)
                if (streq(fs_type, list[i]))
                        return true;
        return false;
}

/* Creates 'name' in 'dir_fd' with mode 0700: a btrfs subvolume or a plain directory. 1 if made,
 * 0 if it was there. */
static int area_mkdir(int dir_fd, const char *name, bool subvolume) {
        if (subvolume) {
                struct btrfs_ioctl_vol_args args = {};
                if (strlen(name) >= sizeof args.name)
                        return -ENAMETOOLONG;
                strncpy(args.name, name, sizeof args.name - 1);
                if (ioctl(dir_fd, BTRFS_IOC_SUBVOL_CREATE, &args) < 0)
                        return errno == EEXIST ? 0 : -errno;
                /* A new subvolume's root is 0755: close it before anything goes in. */
                if (fchmodat(dir_fd, name, 0700, 0) < 0)
                        return -errno;
                return 1;
        }
        if (mkdirat(dir_fd, name, 0700) < 0)
                return errno == EEXIST ? 0 : -errno;
        return 1;
}

int snapshot_area_open(
                const char *area,
                bool subvolume,
                bool create_parent,
                uint64_t mount_id,
                char **reterr_message) {
        struct statx sx;
        int r;

        assert(area);

        const char *slash = strrchr(area, '/');
        if (area[0] != '/' || !slash || !slash[1])
                return snapshot_error(reterr_message, -EINVAL, "'%s' is not a valid area", area);
        vss_autofree char *parent =
                        slash == area ? strdup("/") : strndup(area, (size_t) (slash - area));
        if (!parent)
                return -ENOMEM;
        const char *name = slash + 1;

        vss_autoclose int parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (parent_fd < 0 && errno == ENOENT && create_parent) {
                /* The state directory itself, which vssd normally made already. */
                if (mkdir(parent, 0700) < 0 && errno != EEXIST)
                        return snapshot_error(
                                        reterr_message, -errno, "cannot create '%s': %m", parent);
                parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (parent_fd < 0)
                return snapshot_error(reterr_message, -errno, "cannot open '%s': %m", parent);

        r = area_mkdir(parent_fd, name, subvolume);
        if (r < 0)
                return snapshot_error(reterr_message, r, "cannot create the area '%s': %m", area);
        if (r > 0)
                log_debug("Created the snapshot area '%s'%s.", area,
                          subvolume ? " as a btrfs subvolume" : "");

        vss_autoclose int fd =
                        openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return snapshot_error(
                                reterr_message, -errno, "cannot open the area '%s': %m", area);
        r = snapshot_statx(fd, "", &sx);
        if (r < 0)
                return snapshot_error(reterr_message, r, "cannot stat the area '%s': %m", area);
        if (sx.stx_uid != geteuid() || (sx.stx_mode & 077) != 0)
                return snapshot_error(
                                reterr_message, -EPERM,
                                "the area '%s' is owned by uid %u with mode %04o: refusing to "
                                "keep snapshots where another user may reach them (it must "
                                "be ours, with mode 0700)",
                                area, (unsigned) sx.stx_uid, (unsigned) sx.stx_mode & 07777);
        if (mount_id != 0 && snapshot_statx_mount_id(&sx) != 0 &&
            snapshot_statx_mount_id(&sx) != mount_id)
                return snapshot_error(
                                reterr_message, -EXDEV,
                                "the area '%s' is not on the volume's mount (something is "
                                "mounted over it)",
                                area);
        return TAKE_FD(fd);
}
