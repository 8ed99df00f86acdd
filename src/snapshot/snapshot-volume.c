/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Volumes: from a path to the mount that holds it, through /proc/self/mountinfo. */

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "log.h"
#include "macro.h"
#include "mountinfo.h"
#include "snapshot-internal.h"
#include "snapshot.h"

/* mountinfo is a few hundred bytes per mount; a container host can have tens of thousands. */
#define MOUNTINFO_SIZE_MAX ((size_t) 64 * 1024 * 1024)

void snapshot_volume_done(SnapshotVolume *v) {
        if (!v)
                return;
        free(v->path);
        free(v->mount_point);
        free(v->fs_type);
        free(v->source);
        *v = (SnapshotVolume){};
}

int snapshot_statx(int dir_fd, const char *name, struct statx *ret) {
        assert(name);
        assert(ret);

        int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (name[0] ? 0 : AT_EMPTY_PATH);
        if (statx(dir_fd, name, flags, STATX_BASIC_STATS | STATX_MNT_ID, ret) < 0)
                return -errno;
        return 0;
}

/* Reads all of a /proc file (whose size stat() does not tell). */
static int read_proc_file(const char *path, Buffer *ret) {
        vss_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        char chunk[16384];

        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t k = read(fd, chunk, sizeof chunk);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return 0;
                if (ret->size + (size_t) k > MOUNTINFO_SIZE_MAX)
                        return -E2BIG;
                int r = buffer_append(ret, chunk, (size_t) k);
                if (r < 0)
                        return r;
        }
}

int snapshot_volume_resolve(const char *path, SnapshotVolume *ret, char **reterr_message) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        VSS_CLEANUP(buffer_done) Buffer text = BUFFER_INIT;
        VSS_CLEANUP(mountinfo_done) MountInfo m = MOUNTINFO_INIT;
        struct statx sx;

        assert(ret);

        if (!path || path[0] != '/')
                return snapshot_error(
                                reterr_message, -EINVAL, "'%s' is not an absolute path",
                                path ? path : "(null)");

        v.path = realpath(path, NULL);
        if (!v.path && errno == ENOENT)
                return snapshot_error(reterr_message, -ENOENT, "'%s' does not exist", path);
        if (!v.path && errno == ENOTDIR)
                return snapshot_error(reterr_message, -ENOTDIR, "'%s' is not a directory", path);
        if (!v.path)
                return snapshot_error(reterr_message, -errno, "cannot resolve '%s': %m", path);
        vss_autoclose int fd = open(v.path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 && errno == ENOTDIR)
                return snapshot_error(reterr_message, -ENOTDIR, "'%s' is not a directory", path);
        if (fd < 0)
                return snapshot_error(reterr_message, -errno, "cannot open '%s': %m", v.path);
        int r = snapshot_statx(fd, "", &sx);
        if (r < 0)
                return snapshot_error(reterr_message, r, "cannot stat '%s': %m", v.path);
        v.dev = snapshot_statx_dev(&sx);
        v.mount_id = snapshot_statx_mount_id(&sx);

        r = read_proc_file("/proc/self/mountinfo", &text);
        if (r < 0)
                return snapshot_error(reterr_message, r, "cannot read /proc/self/mountinfo: %m");
        r = mountinfo_find(text.data, text.size, v.path, v.mount_id, v.dev, &m);
        if (r == -EBADMSG)
                return snapshot_error(
                                reterr_message, r,
                                "/proc/self/mountinfo has a line that cannot be parsed");
        if (r == -ENOENT)
                /* The kernel lists only the mounts below our root; or the path moved under us. */
                return snapshot_error(
                                reterr_message, r, "no mount in /proc/self/mountinfo holds '%s'",
                                v.path);
        if (r < 0)
                return snapshot_error(
                                reterr_message, r, "cannot look up the mount of '%s': %m", v.path);

        v.mount_point = TAKE_PTR(m.mount_point);
        v.fs_type = TAKE_PTR(m.fs_type);
        v.source = TAKE_PTR(m.source);
        v.read_only = mountinfo_is_read_only(&m);
        if (v.mount_id == 0)
                v.mount_id = m.mount_id;
        log_debug("Volume '%s' is on %s '%s' mounted at '%s' (mount %" PRIu64 "%s).", v.path,
                  v.fs_type, v.source, v.mount_point, v.mount_id, v.read_only ? ", read-only" : "");
        *ret = v;
        v.path = v.mount_point = v.fs_type = v.source = NULL; /* *ret's now */
        return 0;
}

/* Whether the mount the volume was on when it was added is still mounted: the same mount id at
 * the same mount point (an id is only reused by a later mount, elsewhere or not). 1 yes, 0 no,
 * < 0 when nobody can tell (no mount id, mountinfo unreadable). */
static int volume_mount_present(const SnapshotVolume *v) {
        VSS_CLEANUP(buffer_done) Buffer text = BUFFER_INIT;
        VSS_CLEANUP(mountinfo_done) MountInfo m = MOUNTINFO_INIT;

        if (v->mount_id == 0 || !v->mount_point)
                return -ENODATA;
        int r = read_proc_file("/proc/self/mountinfo", &text);
        if (r < 0)
                return r;
        r = mountinfo_find(text.data, text.size, v->mount_point, v->mount_id, 0, &m);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return streq(m.mount_point, v->mount_point);
}

int snapshot_volume_open(const SnapshotVolume *v, struct statx *ret_stx, char **reterr_message) {
        struct statx sx;

        assert(v);
        assert(v->path);

        vss_autoclose int fd = open(v->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                int r = -errno;
                if (r == -ENOENT || r == -ENOTDIR)
                        return snapshot_error(
                                        reterr_message, -ENOENT, "the volume '%s' vanished: %m",
                                        v->path);
                return snapshot_error(
                                reterr_message, r, "cannot open the volume '%s': %m", v->path);
        }
        int r = snapshot_statx(fd, "", &sx);
        if (r < 0)
                return snapshot_error(
                                reterr_message, r, "cannot stat the volume '%s': %m", v->path);
        uint64_t mount_id = snapshot_statx_mount_id(&sx);
        if (snapshot_statx_dev(&sx) != v->dev ||
            (mount_id != 0 && v->mount_id != 0 && mount_id != v->mount_id)) {
                /* Its filesystem gone (the path now shows what is below the mount point, or
                 * whatever was mounted there since): the volume vanished, as if its directory
                 * had been removed. */
                if (volume_mount_present(v) == 0)
                        return snapshot_error(
                                        reterr_message, -ENOENT,
                                        "the volume '%s' vanished: the filesystem it was on, "
                                        "mounted at '%s', was unmounted",
                                        v->path, v->mount_point);
                return snapshot_error(
                                reterr_message, -ESTALE,
                                "'%s' is not on the filesystem it was on when the volume "
                                "was added (it was replaced or remounted)",
                                v->path);
        }
        if (ret_stx)
                *ret_stx = sx;
        return TAKE_FD(fd);
}

/* Whether some provider may handle this filesystem type at all. */
static bool fs_type_known(const char *fs_type) {
        for (size_t i = 0; snapshot_providers[i]; i++)
                for (const char *const *f = snapshot_providers[i]->filesystems; f && *f; f++)
                        if (streq(*f, fs_type))
                                return true;
        return false;
}

void snapshot_volume_array_free(SnapshotVolume *v, size_t n) {
        for (size_t i = 0; v && i < n; i++)
                snapshot_volume_done(&v[i]);
        free(v);
}

int snapshot_list_volumes(SnapshotVolume **ret, size_t *ret_n, char **reterr_message) {
        VSS_CLEANUP(buffer_done) Buffer text = BUFFER_INIT;
        SnapshotVolume *list = NULL;
        size_t n = 0;

        assert(ret);
        assert(ret_n);

        int r = read_proc_file("/proc/self/mountinfo", &text);
        if (r < 0)
                return snapshot_error(reterr_message, r, "cannot read /proc/self/mountinfo: %m");

        const char *p = text.data ? text.data : "";
        while (*p) {
                const char *end = strchr(p, '\n');
                size_t len = end ? (size_t) (end - p) : strlen(p);
                VSS_CLEANUP(mountinfo_done) MountInfo m = MOUNTINFO_INIT;

                r = mountinfo_parse_line(p, len, &m);
                p = end ? end + 1 : p + len;
                if (r < 0) {
                        snapshot_volume_array_free(list, n);
                        return snapshot_error(
                                        reterr_message, r,
                                        "/proc/self/mountinfo has a line that cannot be parsed");
                }
                if (!fs_type_known(m.fs_type))
                        continue;

                /* A mount point seen before (mounted over) is listed once, as it is now. */
                bool seen = false;
                for (size_t i = 0; i < n && !seen; i++)
                        seen = streq_ptr(list[i].mount_point, m.mount_point);
                if (seen)
                        continue;

                SnapshotVolume v = {};
                if (snapshot_volume_resolve(m.mount_point, &v, NULL) < 0)
                        continue; /* gone, or hidden under another mount: not a volume now */
                if (!streq_ptr(v.mount_point, m.mount_point)) {
                        snapshot_volume_done(&v);
                        continue;
                }
                SnapshotVolume *a = realloc(list, sizeof(SnapshotVolume) * (n + 1));
                if (!a) {
                        snapshot_volume_done(&v);
                        snapshot_volume_array_free(list, n);
                        return -ENOMEM;
                }
                list = a;
                list[n++] = v;
        }

        *ret = list;
        *ret_n = n;
        return 0;
}
