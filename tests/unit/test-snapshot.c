/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The snapshot providers on real filesystems: btrfs, XFS with and without reflink, ext4 and
 * tmpfs on loop devices, in a mount namespace of the test's own (so that nothing stays mounted
 * or attached, however the test ends). Needs root; skips without it. */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/btrfs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "snapshot-internal.h"
#include "snapshot.h"
#include "test-snapshot-util.h"

static char tmp[128];
static char mnt_btrfs[PATH_MAX], mnt_xfs[PATH_MAX], mnt_xfs_plain[PATH_MAX], mnt_ext4[PATH_MAX];
static char state[PATH_MAX]; /* the copy provider's state directory, on a tmpfs */
static char state_fs[PATH_MAX];

/* Formats a path that lives until the end of the test group. */
static char **paths;
static size_t n_paths;

static char *pathf(const char *format, ...) VSS_PRINTF(1, 2);
static char *pathf(const char *format, ...) {
        char *p = NULL;
        va_list ap;
        va_start(ap, format);
        int k = vasprintf(&p, format, ap);
        va_end(ap);
        char **l = k < 0 ? NULL : realloc(paths, (n_paths + 1) * sizeof *paths);
        if (!l)
                abort();
        paths = l;
        paths[n_paths++] = p;
        return p;
}

/* ---- Setup ------------------------------------------------------------------------------- */

static int group_teardown(void **state_);

static int group_setup_real(void) {
        if (tsu_private_mounts() < 0)
                return -1;
        (void) snprintf(tmp, sizeof tmp, "/tmp/test-snapshot-XXXXXX");
        if (!mkdtemp(tmp) || chmod(tmp, 0755) < 0)
                return -1;

        static const char *const mkfs_btrfs[] = {"mkfs.btrfs", "-q", "-f", NULL};
        static const char *const mkfs_xfs[] = {"mkfs.xfs", "-q", "-f", "-m", "reflink=1", NULL};
        static const char *const mkfs_xfs_plain[] = {"mkfs.xfs", "-q",        "-f",
                                                     "-m",       "reflink=0", NULL};
        static const char *const mkfs_ext4[] = {"mkfs.ext4", "-q", "-F", NULL};

        (void) snprintf(mnt_btrfs, sizeof mnt_btrfs, "%s/btrfs", tmp);
        (void) snprintf(mnt_xfs, sizeof mnt_xfs, "%s/xfs", tmp);
        (void) snprintf(mnt_xfs_plain, sizeof mnt_xfs_plain, "%s/xfs-plain", tmp);
        (void) snprintf(mnt_ext4, sizeof mnt_ext4, "%s/ext4", tmp);
        (void) snprintf(state_fs, sizeof state_fs, "%s/state-fs", tmp);
        (void) snprintf(state, sizeof state, "%s/state-fs/linvss", tmp);

        if (tsu_mount_image(pathf("%s/btrfs.img", tmp), 256, mkfs_btrfs, mnt_btrfs, "btrfs",
                            MS_NOATIME, NULL) < 0 ||
            tsu_mount_image(pathf("%s/xfs.img", tmp), 300, mkfs_xfs, mnt_xfs, "xfs", MS_NOATIME,
                            NULL) < 0 ||
            tsu_mount_image(pathf("%s/xfs-plain.img", tmp), 300, mkfs_xfs_plain, mnt_xfs_plain,
                            "xfs", MS_NOATIME, NULL) < 0 ||
            tsu_mount_image(pathf("%s/ext4.img", tmp), 128, mkfs_ext4, mnt_ext4, "ext4", MS_NOATIME,
                            NULL) < 0)
                return -1;
        if (mkdir(state_fs, 0755) < 0 ||
            mount("tmpfs", state_fs, "tmpfs", MS_NOATIME, "size=256m,mode=0755") < 0)
                return -1;
        return 0;
}

static int group_setup(void **state_) {
        if (group_setup_real() < 0) {
                (void) group_teardown(state_); /* cmocka does not, after a failed setup */
                return -1;
        }
        return 0;
}

static int group_teardown(void **state_) {
        (void) state_;
        /* The namespace takes the mounts with it anyway; be tidy while it lives, also after a
         * test failed with things still mounted. */
        if (tmp[0]) {
                (void) tsu_umount_below(tmp);
                (void) tsu_rm_rf(tmp);
        }
        for (size_t i = 0; i < n_paths; i++)
                free(paths[i]);
        free(paths);
        return 0;
}

/* ---- Helpers ----------------------------------------------------------------------------- */

static void resolve(const char *path, SnapshotVolume *ret) {
        vss_autofree char *msg = NULL;
        int r = snapshot_volume_resolve(path, ret, &msg);
        if (r < 0)
                fail_msg("resolve '%s': %d %s", path, r, msg ? msg : "");
}

/* Runs a provider's create() on a volume; its result, and the root and the path. */
static int
create(const SnapshotProvider *p,
       const char *volume,
       char **ret_root,
       char **ret_path,
       char **ret_msg) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *area = NULL;

        resolve(volume, &v);
        SnapshotRequest req = {.volume = &v, .state_dir = state};
        assert_int_equal(vss_guid_generate(&req.snapshot_id), 0);
        assert_int_equal(snapshot_provider_area(p, &v, state, &area), 0);
        req.area = area;
        assert_int_equal(snapshot_root_path(area, &req.snapshot_id, ret_root), 0);
        *ret_path = NULL;
        *ret_msg = NULL;
        return p->create(&req, ret_path, ret_msg);
}

static void assert_manifest_equal(const char *a, const char *b) {
        if (!streq(a, b)) {
                tsu_manifest_diff(a, b);
                fail_msg("the trees differ");
        }
}

/* ---- Volume resolution ------------------------------------------------------------------- */

static void test_resolve(void **state_) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *msg = NULL;
        (void) state_;

        resolve(mnt_btrfs, &v);
        assert_string_equal(v.path, mnt_btrfs);
        assert_string_equal(v.mount_point, mnt_btrfs);
        assert_string_equal(v.fs_type, "btrfs");
        assert_true(strncmp(v.source, "/dev/loop", 9) == 0);
        assert_false(v.read_only);
        assert_true(v.mount_id > 0);
        snapshot_volume_done(&v);

        /* A directory on a mount; through a symbolic link. */
        assert_int_equal(mkdir(pathf("%s/res", mnt_ext4), 0755), 0);
        assert_int_equal(mkdir(pathf("%s/res/sub", mnt_ext4), 0755), 0);
        assert_int_equal(symlink(pathf("%s/res/sub", mnt_ext4), pathf("%s/res-link", tmp)), 0);
        resolve(pathf("%s/res-link", tmp), &v);
        assert_string_equal(v.path, pathf("%s/res/sub", mnt_ext4));
        assert_string_equal(v.mount_point, mnt_ext4);
        assert_string_equal(v.fs_type, "ext4");
        snapshot_volume_done(&v);

        /* A bind mount at a path with a space, a tab, a newline and a backslash (mountinfo
         * escapes them), read-only. */
        const char *odd = pathf("%s/bind point\twith\nodd \\ chars", tmp);
        assert_int_equal(mkdir(odd, 0755), 0);
        assert_int_equal(mount(pathf("%s/res", mnt_ext4), odd, NULL, MS_BIND, NULL), 0);
        assert_int_equal(mount(NULL, odd, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL), 0);
        resolve(pathf("%s/sub", odd), &v);
        assert_string_equal(v.mount_point, odd);
        assert_string_equal(v.fs_type, "ext4");
        assert_true(v.read_only);
        snapshot_volume_done(&v);

        /* A mount nested in another: the inner one holds its paths. */
        const char *nested = pathf("%s/res/nested", mnt_ext4);
        assert_int_equal(mkdir(nested, 0755), 0);
        assert_int_equal(mount("tmpfs", nested, "tmpfs", 0, "size=1m"), 0);
        assert_int_equal(mkdir(pathf("%s/in", nested), 0755), 0);
        resolve(pathf("%s/in", nested), &v);
        assert_string_equal(v.mount_point, nested);
        assert_string_equal(v.fs_type, "tmpfs");
        snapshot_volume_done(&v);
        /* Over-mounted: the top one. */
        assert_int_equal(mount("tmpfs", nested, "tmpfs", MS_RDONLY, "size=1m"), 0);
        resolve(nested, &v);
        assert_true(v.read_only);
        snapshot_volume_done(&v);
        assert_int_equal(umount2(nested, MNT_DETACH), 0);
        assert_int_equal(umount2(nested, MNT_DETACH), 0);
        assert_int_equal(umount2(odd, MNT_DETACH), 0);

        assert_int_equal(snapshot_volume_resolve(pathf("%s/missing", tmp), &v, &msg), -ENOENT);
        assert_non_null(strstr(msg, "missing"));
        assert_int_equal(snapshot_volume_resolve("relative/path", &v, &msg), -EINVAL);
        assert_non_null(strstr(msg, "relative/path"));
        assert_int_equal(tsu_write_file(pathf("%s/a-file", tmp), "x", 1, 0644), 0);
        assert_int_equal(snapshot_volume_resolve(pathf("%s/a-file", tmp), &v, &msg), -ENOTDIR);
        assert_null(v.path);
}

/* ---- Probing and choosing ---------------------------------------------------------------- */

static int probe(const SnapshotProvider *p, const char *volume, char **ret_msg) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *area = NULL;

        resolve(volume, &v);
        assert_int_equal(snapshot_provider_area(p, &v, state, &area), 0);
        *ret_msg = NULL;
        return p->probe(&v, area, ret_msg);
}

static void
expect_probe(const SnapshotProvider *p, const char *volume, int expected, const char *why) {
        vss_autofree char *msg = NULL;
        int r = probe(p, volume, &msg);
        if (r != expected)
                fail_msg("%s on '%s': %d, expected %d (%s)", p->name, volume, r, expected,
                         msg ? msg : "");
        if (expected == 0) {
                assert_non_null(msg);
                if (why && !strstr(msg, why))
                        fail_msg("%s on '%s': '%s' does not say '%s'", p->name, volume, msg, why);
        }
}

static void test_probe(void **state_) {
        (void) state_;

        expect_probe(&snapshot_provider_btrfs, mnt_btrfs, 1, NULL);
        expect_probe(&snapshot_provider_btrfs, mnt_xfs, 0, "not btrfs");
        expect_probe(&snapshot_provider_btrfs, mnt_ext4, 0, "not btrfs");
        expect_probe(&snapshot_provider_btrfs, state_fs, 0, "not btrfs");

        expect_probe(&snapshot_provider_reflink, mnt_xfs, 1, NULL);
        expect_probe(&snapshot_provider_reflink, mnt_btrfs, 1, NULL);
        expect_probe(&snapshot_provider_reflink, mnt_xfs_plain, 0, "FICLONE");
        expect_probe(&snapshot_provider_reflink, mnt_ext4, 0, "ext4");
        expect_probe(&snapshot_provider_reflink, state_fs, 0, "tmpfs");

        expect_probe(&snapshot_provider_copy, mnt_ext4, 1, NULL);
        expect_probe(&snapshot_provider_copy, mnt_xfs, 1, NULL);
        expect_probe(&snapshot_provider_copy, mnt_btrfs, 1, NULL);
        expect_probe(&snapshot_provider_copy, state_fs, 1, NULL);
        expect_probe(&snapshot_provider_copy, "/proc", 0, "proc");

        /* The probes made the areas, closed to others; the one on XFS without reflinks too. */
        struct stat st;
        assert_int_equal(stat(pathf("%s/.linvss-snapshots", mnt_btrfs), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(st.st_ino, 256); /* a subvolume */
        assert_int_equal(stat(pathf("%s/.linvss-snapshots", mnt_xfs), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(stat(pathf("%s/snapshots", state), &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(tsu_count_entries(pathf("%s/.linvss-snapshots", mnt_xfs_plain)), 0);

        /* Read-only: nothing can be made there, but it can be copied. */
        const char *ro = pathf("%s/ro-bind", tmp);
        assert_int_equal(mkdir(ro, 0755), 0);
        assert_int_equal(mount(mnt_btrfs, ro, NULL, MS_BIND, NULL), 0);
        assert_int_equal(mount(NULL, ro, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL), 0);
        expect_probe(&snapshot_provider_btrfs, ro, 0, "read-only");
        expect_probe(&snapshot_provider_reflink, ro, 0, "read-only");
        expect_probe(&snapshot_provider_copy, ro, 1, NULL);

        /* An area someone else can reach is refused. */
        const char *area = pathf("%s/.linvss-snapshots", mnt_xfs);
        assert_int_equal(chmod(area, 0755), 0);
        expect_probe(&snapshot_provider_reflink, mnt_xfs, 0, "0755");
        assert_int_equal(chmod(area, 0700), 0);
        assert_int_equal(chown(area, 65534, 0), 0);
        expect_probe(&snapshot_provider_reflink, mnt_xfs, 0, "uid 65534");
        assert_int_equal(chown(area, 0, 0), 0);

        /* The chooser: the order of preference, a named provider, an unknown one. */
        const struct {
                const char *volume, *name;
                int r;
                const char *chosen;
        } cases[] = {
                        {mnt_btrfs, NULL, 0, "btrfs"},
                        {mnt_xfs, NULL, 0, "reflink"},
                        {mnt_xfs_plain, NULL, 0, "copy"},
                        {mnt_ext4, NULL, 0, "copy"},
                        {ro, NULL, 0, "copy"},
                        {mnt_btrfs, "reflink", 0, "reflink"},
                        {mnt_btrfs, "copy", 0, "copy"},
                        {mnt_ext4, "reflink", -VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER, NULL},
                        {mnt_ext4, "zfs", -VSS_E_PROVIDER_NOT_REGISTERED, NULL},
                        {"/proc", NULL, -VSS_E_VOLUME_NOT_SUPPORTED, NULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
                vss_autofree char *msg = NULL;
                const SnapshotProvider *p = NULL;
                resolve(cases[i].volume, &v);
                int r = snapshot_provider_choose(&v, cases[i].name, state, &p, &msg);
                if (r != cases[i].r)
                        fail_msg("choose %s on %s: %d (%s)", cases[i].name, cases[i].volume, r,
                                 msg ? msg : "");
                if (r == 0)
                        assert_string_equal(p->name, cases[i].chosen);
                else
                        assert_non_null(msg);
        }
        {
                /* Every refusal is in the message. */
                VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
                vss_autofree char *msg = NULL;
                const SnapshotProvider *p = NULL;
                resolve("/proc", &v);
                assert_int_equal(
                                snapshot_provider_choose(&v, NULL, state, &p, &msg),
                                -VSS_E_VOLUME_NOT_SUPPORTED);
                assert_non_null(strstr(msg, "btrfs: "));
                assert_non_null(strstr(msg, "reflink: "));
                assert_non_null(strstr(msg, "copy: "));
        }
        assert_int_equal(umount2(ro, MNT_DETACH), 0);
}

/* ---- btrfs ------------------------------------------------------------------------------- */

static void modify(const char *dir) {
        int fd = open(pathf("%s/plain.txt", dir), O_WRONLY | O_APPEND | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "more", 4), 4);
        assert_int_equal(close(fd), 0);
        assert_int_equal(unlink(pathf("%s/sparse", dir)), 0);
        assert_int_equal(chmod(pathf("%s/setuid", dir), 0600), 0);
        assert_int_equal(rename(pathf("%s/links", dir), pathf("%s/links-moved", dir)), 0);
        assert_int_equal(tsu_write_file(pathf("%s/new-file", dir), "new", 3, 0644), 0);
        assert_int_equal(truncate(pathf("%s/big.bin", dir), 100), 0);
}

static void test_btrfs(void **state_) {
        const SnapshotProvider *p = &snapshot_provider_btrfs;
        vss_autofree char *root = NULL;
        vss_autofree char *path = NULL;
        vss_autofree char *msg = NULL;
        vss_autofree char *before = NULL;
        vss_autofree char *after = NULL;
        (void) state_;

        const char *vol = pathf("%s/tree", mnt_btrfs);
        assert_int_equal(tsu_populate(vol, true), 0);
        /* A nested subvolume and a mount inside: other volumes, not in the snapshot. */
        struct btrfs_ioctl_vol_args args = {.name = "nested-subvolume"};
        int fd = open(vol, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(ioctl(fd, BTRFS_IOC_SUBVOL_CREATE, &args), 0);
        assert_int_equal(close(fd), 0);
        assert_int_equal(tsu_write_file(pathf("%s/nested-subvolume/f", vol), "n", 1, 0644), 0);

        static const char *const opaque[] = {"./tree/nested-subvolume", NULL};
        static const char *const skip[] = {".linvss-snapshots", NULL};
        assert_int_equal(tsu_manifest(mnt_btrfs, opaque, skip, true, &before), 0);

        /* The whole mount. */
        int r = create(p, mnt_btrfs, &root, &path, &msg);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        assert_string_equal(path, root);
        assert_int_equal(tsu_manifest(path, opaque, skip, true, &after), 0);
        assert_manifest_equal(before, after);
        /* The areas and nested subvolumes are empty directories in it. */
        assert_int_equal(tsu_count_entries(pathf("%s/.linvss-snapshots", path)), 0);
        assert_int_equal(tsu_count_entries(pathf("%s/tree/nested-subvolume", path)), 0);

        /* Read-only, as a subvolume and as a filesystem. */
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        uint64_t flags = 0;
        assert_int_equal(ioctl(fd, BTRFS_IOC_SUBVOL_GETFLAGS, &flags), 0);
        assert_true(flags & BTRFS_SUBVOL_RDONLY);
        assert_int_equal(close(fd), 0);
        assert_true(open(pathf("%s/new", path), O_WRONLY | O_CREAT | O_CLOEXEC, 0644) < 0);
        assert_int_equal(errno, EROFS);

        /* The source changes; the snapshot does not. */
        modify(vol);
        free(after);
        assert_int_equal(tsu_manifest(path, opaque, skip, true, &after), 0);
        assert_manifest_equal(before, after);

        /* Removed, idempotently. */
        assert_int_equal(p->remove(root, &msg), 0);
        assert_true(access(root, F_OK) < 0 && errno == ENOENT);
        assert_int_equal(p->remove(root, &msg), 0);
        free(root);
        free(path);
        root = path = NULL;

        /* A volume that is a directory: the snapshot is of its subvolume, the path inside. */
        const char *sub = pathf("%s/tree/links-moved", mnt_btrfs);
        free(before);
        assert_int_equal(tsu_manifest(sub, NULL, NULL, true, &before), 0);
        r = create(p, sub, &root, &path, &msg);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        assert_string_equal(path, pathf("%s/tree/links-moved", root));
        free(after);
        assert_int_equal(tsu_manifest(path, NULL, NULL, true, &after), 0);
        assert_manifest_equal(before, after);
        assert_int_equal(p->remove(root, &msg), 0);

        /* A volume in the nested subvolume: a snapshot of that one. */
        free(root);
        free(path);
        r = create(p, pathf("%s/nested-subvolume", vol), &root, &path, &msg);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        assert_string_equal(path, root);
        assert_int_equal(access(pathf("%s/f", path), F_OK), 0);
        assert_int_equal(p->remove(root, &msg), 0);

        /* A bind mount of a directory inside a subvolume: its root cannot be reached. */
        const char *bind = pathf("%s/btrfs-bind", tmp);
        assert_int_equal(mkdir(bind, 0755), 0);
        assert_int_equal(mount(sub, bind, NULL, MS_BIND, NULL), 0);
        expect_probe(p, bind, 0, "bind mount");
        assert_int_equal(umount2(bind, MNT_DETACH), 0);

        /* Not a snapshot root. */
        assert_int_equal(p->remove(pathf("%s/tree", mnt_btrfs), &msg), -EINVAL);
        assert_non_null(strstr(msg, "not a snapshot root"));
        assert_int_equal(
                        p->remove(pathf("%s/.linvss-snapshots/00000000-0000-0000-0000-000000000000",
                                        mnt_btrfs),
                                  &msg),
                        0);
}

/* ---- reflink and copy -------------------------------------------------------------------- */

/* Snapshots 'vol' with 'p', checks it equals the volume and stays so when the volume changes,
 * and removes it. 'mount_in_volume': mount a tmpfs inside first, which must appear empty. */
static void
check_tree_snapshot(const SnapshotProvider *p, const char *vol, bool big_xattrs, bool same_fs) {
        vss_autofree char *root = NULL;
        vss_autofree char *path = NULL;
        vss_autofree char *msg = NULL;
        vss_autofree char *before = NULL;
        vss_autofree char *after = NULL;

        assert_int_equal(tsu_populate(vol, big_xattrs), 0);
        const char *inner = pathf("%s/mounted", vol);
        assert_int_equal(mkdir(inner, 0755), 0);
        assert_int_equal(mount("tmpfs", inner, "tmpfs", 0, "size=1m,mode=0711,uid=42"), 0);
        assert_int_equal(tsu_write_file(pathf("%s/not-in-snapshot", inner), "x", 1, 0644), 0);
        static const char *const opaque[] = {"./mounted", NULL};
        assert_int_equal(tsu_manifest(vol, opaque, NULL, same_fs, &before), 0);

        int r = create(p, vol, &root, &path, &msg);
        if (r < 0)
                fail_msg("%s create: %d %s", p->name, r, msg);
        assert_string_equal(path, root);
        assert_int_equal(tsu_manifest(path, opaque, NULL, same_fs, &after), 0);
        assert_manifest_equal(before, after);

        /* The mount point: an empty directory with the mount root's mode and owner. */
        struct stat st;
        assert_int_equal(stat(pathf("%s/mounted", path), &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0711);
        assert_int_equal(st.st_uid, 42);
        assert_int_equal(tsu_count_entries(pathf("%s/mounted", path)), 0);
        assert_int_equal(umount2(inner, MNT_DETACH), 0);

        if (same_fs) /* the blocks are the volume's */
                assert_int_equal(tsu_all_extents_shared(pathf("%s/big.bin", path)), 1);
        else /* the holes are holes: 32 MiB in at most 1 MiB */
                assert_true(tsu_allocated(pathf("%s/sparse", path)) <= 1024 * 1024);

        modify(vol);
        free(after);
        assert_int_equal(tsu_manifest(path, opaque, NULL, same_fs, &after), 0);
        assert_manifest_equal(before, after);

        assert_int_equal(p->remove(root, &msg), 0);
        assert_true(access(root, F_OK) < 0 && errno == ENOENT);
        assert_int_equal(p->remove(root, &msg), 0);
}

static void test_reflink_xfs(void **state_) {
        (void) state_;
        check_tree_snapshot(&snapshot_provider_reflink, pathf("%s/tree", mnt_xfs), true, true);
}

static void test_reflink_btrfs(void **state_) {
        (void) state_;
        check_tree_snapshot(
                        &snapshot_provider_reflink, pathf("%s/tree-reflink", mnt_btrfs), true,
                        true);
}

static void test_copy(void **state_) {
        (void) state_;
        check_tree_snapshot(&snapshot_provider_copy, pathf("%s/tree", mnt_ext4), false, false);
        /* From XFS too, whose attributes do not fit ext4. */
        check_tree_snapshot(&snapshot_provider_copy, pathf("%s/tree-copy", mnt_xfs), true, false);
}

/* The areas never end up in a snapshot: not the volume's own, not the copy area, not a second
 * snapshot in the first. */
static void test_areas_excluded(void **state_) {
        vss_autofree char *root1 = NULL;
        vss_autofree char *root2 = NULL;
        vss_autofree char *path1 = NULL;
        vss_autofree char *path2 = NULL;
        vss_autofree char *msg = NULL;
        (void) state_;

        /* reflink on the whole XFS mount, twice: the first is not in the second. */
        int r = create(&snapshot_provider_reflink, mnt_xfs, &root1, &path1, &msg);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        r = create(&snapshot_provider_reflink, mnt_xfs, &root2, &path2, &msg);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        assert_true(access(pathf("%s/.linvss-snapshots", path2), F_OK) < 0 && errno == ENOENT);
        assert_true(access(pathf("%s/tree", path2), F_OK) == 0);
        assert_int_equal(snapshot_provider_reflink.remove(root1, &msg), 0);
        assert_int_equal(snapshot_provider_reflink.remove(root2, &msg), 0);

        /* copy of a volume that holds the state directory. */
        free(root1);
        free(path1);
        const char *vol = pathf("%s/holds-state", mnt_ext4);
        assert_int_equal(mkdir(vol, 0755), 0);
        assert_int_equal(tsu_write_file(pathf("%s/data", vol), "d", 1, 0644), 0);
        char saved[PATH_MAX];
        memcpy(saved, state, sizeof saved);
        (void) snprintf(state, sizeof state, "%s/state", vol);
        r = create(&snapshot_provider_copy, vol, &root1, &path1, &msg);
        memcpy(state, saved, sizeof state);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        assert_true(strncmp(path1, vol, strlen(vol)) == 0);
        assert_int_equal(access(pathf("%s/data", path1), F_OK), 0);
        assert_int_equal(tsu_count_entries(pathf("%s/state", path1)), 0);
        assert_int_equal(snapshot_provider_copy.remove(root1, &msg), 0);
}

/* ---- Failures ---------------------------------------------------------------------------- */

static void test_enospc(void **state_) {
        vss_autofree char *root = NULL;
        vss_autofree char *path = NULL;
        vss_autofree char *msg = NULL;
        (void) state_;

        /* A 2 MiB state directory for 6 MiB of data. */
        const char *small = pathf("%s/small-state", tmp);
        assert_int_equal(mkdir(small, 0755), 0);
        assert_int_equal(mount("tmpfs", small, "tmpfs", 0, "size=2m"), 0);
        const char *vol = pathf("%s/too-big", mnt_ext4);
        assert_int_equal(mkdir(vol, 0755), 0);
        uint8_t *buf = malloc(1024 * 1024);
        assert_non_null(buf);
        for (int i = 0; i < 6; i++) {
                tsu_fill(buf, 1024 * 1024, (unsigned) i);
                assert_int_equal(
                                tsu_write_file(pathf("%s/file-%d", vol, i), buf, 1024 * 1024, 0644),
                                0);
        }
        free(buf);

        char saved[PATH_MAX];
        memcpy(saved, state, sizeof saved);
        (void) snprintf(state, sizeof state, "%s", small);
        int r = create(&snapshot_provider_copy, vol, &root, &path, &msg);
        memcpy(state, saved, sizeof state);
        assert_int_equal(r, -ENOSPC);
        assert_null(path);
        assert_non_null(msg);
        assert_non_null(strstr(msg, vol));
        assert_non_null(strstr(msg, "No space left on device"));
        assert_int_equal(tsu_count_entries(pathf("%s/snapshots", small)), 0);
        assert_int_equal(umount2(small, MNT_DETACH), 0);
}

static void test_vanished(void **state_) {
        const SnapshotProvider *const providers[] = {
                        &snapshot_provider_btrfs, &snapshot_provider_reflink,
                        &snapshot_provider_copy};
        const char *const mounts[] = {mnt_btrfs, mnt_xfs, mnt_ext4};
        (void) state_;

        for (size_t i = 0; i < ELEMENTSOF(providers); i++) {
                VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
                vss_autofree char *area = NULL;
                vss_autofree char *path = NULL;
                vss_autofree char *msg = NULL;
                const char *vol = pathf("%s/vanishing", mounts[i]);

                assert_int_equal(mkdir(vol, 0755), 0);
                resolve(vol, &v);
                assert_int_equal(snapshot_provider_area(providers[i], &v, state, &area), 0);
                int before = tsu_count_entries(area);
                assert_int_equal(rmdir(vol), 0);

                SnapshotRequest req = {.volume = &v, .area = area, .state_dir = state};
                assert_int_equal(vss_guid_generate(&req.snapshot_id), 0);
                assert_int_equal(providers[i]->create(&req, &path, &msg), -ENOENT);
                assert_null(path);
                assert_non_null(strstr(msg, "vanished"));
                assert_non_null(strstr(msg, vol));
                assert_int_equal(tsu_count_entries(area), before);
        }
}

/* A volume whose filesystem is unmounted after it was added vanished too; one with another
 * filesystem mounted over it (its own still there underneath) was replaced. */
static void test_unmounted(void **state_) {
        (void) state_;

        for (int over = 0; over <= 1; over++) {
                VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
                vss_autofree char *area = NULL;
                vss_autofree char *path = NULL;
                vss_autofree char *msg = NULL;
                const char *vol = pathf("%s/unmounting-%d", tmp, over);

                assert_int_equal(mkdir(vol, 0755), 0);
                assert_int_equal(mount("tmpfs", vol, "tmpfs", 0, "size=1m,mode=0755"), 0);
                resolve(vol, &v);
                assert_int_equal(
                                snapshot_provider_area(&snapshot_provider_copy, &v, state, &area),
                                0);
                int before = tsu_count_entries(area);
                if (over)
                        assert_int_equal(mount("tmpfs", vol, "tmpfs", 0, "size=1m,mode=0755"), 0);
                else
                        assert_int_equal(umount2(vol, 0), 0);

                SnapshotRequest req = {.volume = &v, .area = area, .state_dir = state};
                assert_int_equal(vss_guid_generate(&req.snapshot_id), 0);
                int r = snapshot_provider_copy.create(&req, &path, &msg);
                assert_null(path);
                assert_non_null(msg);
                assert_non_null(strstr(msg, vol));
                if (over) {
                        assert_int_equal(r, -ESTALE);
                        assert_non_null(strstr(msg, "replaced or remounted"));
                        assert_int_equal(umount2(vol, MNT_DETACH), 0);
                        assert_int_equal(umount2(vol, MNT_DETACH), 0);
                } else {
                        assert_int_equal(r, -ENOENT);
                        assert_non_null(strstr(msg, "vanished"));
                        assert_non_null(strstr(msg, "was unmounted"));
                }
                assert_int_equal(tsu_count_entries(area), before);
        }
}

/* A file that cannot be read, deep in the tree, half-way through the copy: the copy fails naming
 * it and leaves nothing. Run as nobody in a child, where root could read anything. */
static void test_unreadable(void **state_) {
        (void) state_;

        const char *vol = pathf("%s/unreadable", mnt_ext4);
        const char *nobody_state = pathf("%s/nobody-state", state_fs);
        assert_int_equal(mkdir(vol, 0755), 0);
        assert_int_equal(mkdir(nobody_state, 0700), 0);
        assert_int_equal(chown(nobody_state, 65534, 65534), 0);
        /* Everything nobody's, except the secret, which it meets half-way. */
        assert_int_equal(chown(vol, 65534, 65534), 0);
        for (int i = 0; i < 20; i++) {
                const char *f = pathf("%s/before-%02d", vol, i);
                assert_int_equal(tsu_write_file(f, "b", 1, 0644), 0);
                assert_int_equal(chown(f, 65534, 65534), 0);
        }
        assert_int_equal(mkdir(pathf("%s/m", vol), 0755), 0);
        assert_int_equal(chown(pathf("%s/m", vol), 65534, 65534), 0);
        assert_int_equal(mkdir(pathf("%s/m/n", vol), 0755), 0);
        assert_int_equal(chown(pathf("%s/m/n", vol), 65534, 65534), 0);
        assert_int_equal(tsu_write_file(pathf("%s/m/n/secret", vol), "s", 1, 0600), 0);
        for (int i = 0; i < 20; i++) {
                const char *f = pathf("%s/m/after-%02d", vol, i);
                assert_int_equal(tsu_write_file(f, "a", 1, 0644), 0);
                assert_int_equal(chown(f, 65534, 65534), 0);
        }

        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        resolve(vol, &v);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                vss_autofree char *area = NULL;
                vss_autofree char *path = NULL;
                vss_autofree char *msg = NULL;
                if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
                        _exit(10);
                if (snapshot_provider_area(&snapshot_provider_copy, &v, nobody_state, &area) < 0)
                        _exit(11);
                SnapshotRequest req = {.volume = &v, .area = area, .state_dir = nobody_state};
                if (vss_guid_generate(&req.snapshot_id) < 0)
                        _exit(12);
                int r = snapshot_provider_copy.create(&req, &path, &msg);
                (void) fprintf(stderr, "# create as nobody: %d %s\n", r, msg ? msg : "");
                if (r != -EACCES || path)
                        _exit(13);
                if (!msg || !strstr(msg, "m/n/secret"))
                        _exit(14);
                if (tsu_count_entries(area) != 0)
                        _exit(15);
                _exit(0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

/* A chain of 'levels' directories below 'vol', made with directory fds (the path would be too
 * long for one call). */
static void make_chain(const char *vol, int levels) {
        assert_int_equal(mkdir(vol, 0755), 0);
        int fd = open(vol, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        for (int i = 0; i < levels; i++) {
                assert_int_equal(mkdirat(fd, "d", 0755), 0);
                int next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                assert_true(next >= 0);
                assert_int_equal(close(fd), 0);
                fd = next;
        }
        int f = openat(fd, "leaf", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(f >= 0);
        assert_int_equal(close(f), 0);
        assert_int_equal(close(fd), 0);
}

/* Deeper than the walker goes: refused, nothing left; just within: copied. */
static void test_depth(void **state_) {
        vss_autofree char *root = NULL;
        vss_autofree char *path = NULL;
        vss_autofree char *msg = NULL;
        (void) state_;

        const char *too_deep = pathf("%s/too-deep", mnt_xfs);
        const char *deep = pathf("%s/deep-enough", mnt_xfs);
        make_chain(too_deep, 300);
        make_chain(deep, 256);

        const char *area = pathf("%s/.linvss-snapshots", mnt_xfs);
        int before = tsu_count_entries(area);
        int r = create(&snapshot_provider_reflink, too_deep, &root, &path, &msg);
        assert_int_equal(r, -E2BIG);
        assert_non_null(strstr(msg, too_deep));
        assert_non_null(strstr(msg, "256"));
        assert_int_equal(tsu_count_entries(area), before);
        free(root);
        free(msg);
        root = msg = NULL;

        r = create(&snapshot_provider_reflink, deep, &root, &path, &msg);
        if (r < 0)
                fail_msg("create: %d %s", r, msg);
        assert_int_equal(snapshot_provider_reflink.remove(root, &msg), 0);
        assert_int_equal(tsu_count_entries(area), before);
}

/* A snapshot half made when create() was killed: remove() takes whatever is there. */
static void test_remove_half_made(void **state_) {
        vss_autofree char *root = NULL;
        vss_autofree char *msg = NULL;
        vss_guid id;
        (void) state_;

        assert_int_equal(vss_guid_generate(&id), 0);
        const char *area = pathf("%s/.linvss-snapshots", mnt_xfs);
        assert_int_equal(snapshot_root_path(area, &id, &root), 0);
        assert_int_equal(tsu_populate(root, true), 0);
        /* A mount inside it is not removed: -EBUSY, and the rest stays reachable. */
        const char *inner = pathf("%s/read-only/mnt", root);
        assert_int_equal(chmod(pathf("%s/read-only", root), 0755), 0);
        assert_int_equal(mkdir(inner, 0755), 0);
        assert_int_equal(chmod(pathf("%s/read-only", root), 0555), 0);
        assert_int_equal(mount("tmpfs", inner, "tmpfs", 0, "size=1m"), 0);
        assert_int_equal(snapshot_provider_reflink.remove(root, &msg), -EBUSY);
        assert_non_null(strstr(msg, "read-only/mnt"));
        assert_int_equal(umount2(inner, MNT_DETACH), 0);
        assert_int_equal(snapshot_provider_reflink.remove(root, &msg), 0);
        assert_true(access(root, F_OK) < 0 && errno == ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_resolve),
                        cmocka_unit_test(test_probe),
                        cmocka_unit_test(test_btrfs),
                        cmocka_unit_test(test_reflink_xfs),
                        cmocka_unit_test(test_reflink_btrfs),
                        cmocka_unit_test(test_copy),
                        cmocka_unit_test(test_areas_excluded),
                        cmocka_unit_test(test_enospc),
                        cmocka_unit_test(test_vanished),
                        cmocka_unit_test(test_unmounted),
                        cmocka_unit_test(test_unreadable),
                        cmocka_unit_test(test_depth),
                        cmocka_unit_test(test_remove_half_made),
        };

        if (geteuid() != 0) {
                (void) printf("1..0 # SKIP needs root: it mounts btrfs, XFS and ext4 images on "
                              "loop devices\n");
                return 0; /* TAP: a plan of 0 with SKIP is a skipped test */
        }
        int r = tsu_run((const char *const[]){"mkfs.btrfs", "--version", NULL});
        int r2 = tsu_run((const char *const[]){"mkfs.xfs", "-V", NULL});
        if (r != 0 || r2 != 0 || access("/dev/loop-control", W_OK) < 0) {
                (void) printf("1..0 # SKIP needs mkfs.btrfs, mkfs.xfs (btrfs-progs, xfsprogs) and "
                              "loop devices\n");
                return 0; /* TAP: a plan of 0 with SKIP is a skipped test */
        }
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
