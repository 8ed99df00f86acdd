/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The mountinfo parser and lookup, snapshot root names, the provider table and areas: nothing
 * here needs root or a filesystem of its own. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "config.h"
#include "macro.h"
#include "mountinfo.h"
#include "snapshot-internal.h"
#include "snapshot.h"

static void parse(const char *line, MountInfo *m) {
        int r = mountinfo_parse_line(line, strlen(line), m);
        if (r < 0)
                fail_msg("cannot parse '%s': %d", line, r);
}

static void test_parse(void **state) {
        MountInfo m = MOUNTINFO_INIT;
        (void) state;

        /* proc(5)'s example. */
        parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue", &m);
        assert_int_equal(m.mount_id, 36);
        assert_int_equal(m.parent_id, 35);
        assert_int_equal(major(m.dev), 98);
        assert_int_equal(minor(m.dev), 0);
        assert_string_equal(m.root, "/mnt1");
        assert_string_equal(m.mount_point, "/mnt2");
        assert_string_equal(m.mount_options, "rw,noatime");
        assert_string_equal(m.optional, "master:1");
        assert_string_equal(m.fs_type, "ext3");
        assert_string_equal(m.source, "/dev/root");
        assert_string_equal(m.super_options, "rw,errors=continue");
        assert_false(mountinfo_is_read_only(&m));

        /* No optional field; several; read-only per mount or per superblock ("ro" as a whole
         * option, not "errors=remount-ro"). */
        parse("1 0 8:1 / / ro - ext4 /dev/sda1 rw,errors=remount-ro", &m);
        assert_string_equal(m.optional, "");
        assert_true(mountinfo_is_read_only(&m));
        parse("1 0 8:1 / / rw,relatime shared:1 master:2 propagate_from:3 unbindable - ext4 "
              "/dev/sda1 rw,errors=remount-ro",
              &m);
        assert_string_equal(m.optional, "shared:1 master:2 propagate_from:3 unbindable");
        assert_false(mountinfo_is_read_only(&m));
        parse("1 0 8:1 / /x rw - squashfs /dev/loop3 ro,relatime", &m);
        assert_true(mountinfo_is_read_only(&m));
        parse("1 0 8:1 / /x rw - xfs /dev/sda1 rw,errors=ro", &m);
        assert_false(mountinfo_is_read_only(&m));

        /* Escapes everywhere the kernel escapes: space, tab, newline, backslash, '#'. */
        parse("77 1 0:52 /sub\\040dir /mnt/with\\040space\\011tab\\012newline\\134backslash "
              "rw,nosuid - fuse.sshfs me@host:/some\\040path\\043x rw,user_id=0",
              &m);
        assert_string_equal(m.root, "/sub dir");
        assert_string_equal(m.mount_point, "/mnt/with space\ttab\nnewline\\backslash");
        assert_string_equal(m.fs_type, "fuse.sshfs");
        assert_string_equal(m.source, "me@host:/some path#x");

        /* An empty source (two spaces), and no superblock options at all. */
        parse("5 1 0:5 / /e rw - tmpfs  rw", &m);
        assert_string_equal(m.source, "");
        assert_string_equal(m.super_options, "rw");
        parse("5 1 0:5 / /e rw - tmpfs none", &m);
        assert_string_equal(m.super_options, "");
        /* Large numbers. */
        parse("18446744073709551615 0 4294967295:4294967295 / / rw - x y z", &m);
        assert_true(m.mount_id == UINT64_MAX);
        assert_int_equal(major(m.dev), 4294967295U);

        mountinfo_done(&m);
        mountinfo_done(&m); /* twice is fine */
}

static void test_parse_bad(void **state) {
        static const char *const bad[] = {
                        "",
                        "36",
                        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw", /* no "-" */
                        "36 35 98:0 /mnt1 /mnt2 rw - ",                 /* no fs type */
                        "36 35 98:0 /mnt1 /mnt2 rw -",                  /* no fs type */
                        "36 35 98:0 /mnt1 /mnt2 rw",                    /* nothing after */
                        "x 35 98:0 / /m rw - ext4 /dev/sda rw",         /* mount id */
                        "-1 35 98:0 / /m rw - ext4 /dev/sda rw",        /* negative */
                        "+1 35 98:0 / /m rw - ext4 /dev/sda rw",        /* sign */
                        "18446744073709551616 0 98:0 / /m rw - e s o",  /* overflow */
                        "1 2 98 / /m rw - ext4 /dev/sda rw",            /* no minor */
                        "1 2 98: / /m rw - ext4 /dev/sda rw",           /* empty minor */
                        "1 2 :0 / /m rw - ext4 /dev/sda rw",            /* empty major */
                        "1 2 4294967296:0 / /m rw - ext4 /dev/sda rw",  /* major too big */
                        "1 2 8:1 / m rw - ext4 /dev/sda rw",            /* relative */
                        "1 2 8:1 / /m\\08 rw - ext4 /dev/sda rw",       /* not octal */
                        "1 2 8:1 / /m\\000 rw - ext4 /dev/sda rw",      /* NUL */
                        "1 2 8:1 / /m\\400 rw - ext4 /dev/sda rw",      /* > 255 */
                        "1 2 8:1 / /m\\04 rw - ext4 /dev/sda rw",       /* short */
                        "1 2 8:1 / /m\\ rw - ext4 /dev/sda rw",         /* lone backslash */
                        "1 2 8:1 / /m rw - ext4 /dev/sda\\",            /* at the end */
                        "1  2 8:1 / /m rw - ext4 /dev/sda rw",          /* empty field */
                        "1 2 8:1  /m rw - ext4 /dev/sda rw",            /* empty root */
                        "1 2 8:1 / /m rw  shared:1 - ext4 /dev/sda rw", /* empty optional */
                        "1 2 8:1 / /m  - ext4 /dev/sda rw",             /* empty options */
                        " 1 2 8:1 / /m rw - ext4 /dev/sda rw",          /* leading space */
                        "1 2 8:1 / /m rw - ext4 /dev/sda rw\nmore",     /* two lines */
        };
        MountInfo m = MOUNTINFO_INIT;
        (void) state;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = mountinfo_parse_line(bad[i], strlen(bad[i]), &m);
                if (r != -EBADMSG)
                        fail_msg("'%s' parsed: %d", bad[i], r);
                assert_null(m.mount_point);
        }
        /* A NUL inside. */
        static const char nul[] = "1 2 8:1 / /m\0x rw - ext4 /dev/sda rw";
        assert_int_equal(mountinfo_parse_line(nul, sizeof nul - 1, &m), -EBADMSG);
}

static void test_escape(void **state) {
        char all[256];
        (void) state;

        for (int i = 1; i < 256; i++)
                all[i - 1] = (char) i;
        all[255] = '\0';
        vss_autofree char *e = mountinfo_escape(all);
        assert_non_null(e);
        assert_null(strpbrk(e, " \t\n#"));
        vss_autofree char *d = NULL;
        assert_int_equal(mountinfo_unescape(e, strlen(e), &d), 0);
        assert_string_equal(d, all);
}

static void test_format(void **state) {
        static const char *const lines[] = {
                        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root "
                        "rw,errors=continue",
                        "77 1 0:52 /sub\\040dir /mnt/with\\040space\\011tab rw - fuse.sshfs "
                        "me@host:/p\\043 rw",
                        "5 1 0:5 / /e rw - tmpfs  rw",
                        "5 1 0:5 / /e rw shared:1 master:2 - tmpfs none ",
        };
        (void) state;

        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                MountInfo a = MOUNTINFO_INIT, b = MOUNTINFO_INIT;
                parse(lines[i], &a);
                vss_autofree char *f = mountinfo_format(&a);
                assert_non_null(f);
                parse(f, &b);
                assert_true(a.mount_id == b.mount_id && a.parent_id == b.parent_id &&
                            a.dev == b.dev);
                assert_string_equal(a.root, b.root);
                assert_string_equal(a.mount_point, b.mount_point);
                assert_string_equal(a.mount_options, b.mount_options);
                assert_string_equal(a.optional, b.optional);
                assert_string_equal(a.fs_type, b.fs_type);
                assert_string_equal(a.source, b.source);
                assert_string_equal(a.super_options, b.super_options);
                mountinfo_done(&a);
                mountinfo_done(&b);
        }
}

static const char table[] =
                "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                "2 1 8:2 / /home rw - ext4 /dev/sda2 rw\n"
                "3 2 0:40 /@data /home/data rw shared:1 - btrfs /dev/sdb rw,subvol=/@data\n"
                "4 1 8:2 /alice/sub /mnt/bind rw - ext4 /dev/sda2 rw\n"
                "5 1 0:50 / /mnt/over rw - tmpfs tmpfs rw\n"
                "6 5 0:51 / /mnt/over ro - tmpfs tmpfs rw\n"
                "7 1 0:52 / /mnt/with\\040space rw - tmpfs tmpfs rw\n"
                "8 1 0:53 / /homex rw - tmpfs t rw\n"
                "9 1 0:54 / /mnt/bind/inner/ rw - tmpfs t rw\n";

static uint64_t find(const char *path, uint64_t mount_id, dev_t dev) {
        MountInfo m = MOUNTINFO_INIT;
        int r = mountinfo_find(table, sizeof table - 1, path, mount_id, dev, &m);
        if (r < 0)
                return 0;
        assert_true(mountinfo_path_contains(m.mount_point, path));
        uint64_t id = m.mount_id;
        mountinfo_done(&m);
        return id;
}

static void test_find(void **state) {
        MountInfo m = MOUNTINFO_INIT;
        (void) state;

        assert_int_equal(find("/", 0, makedev(8, 1)), 1);
        assert_int_equal(find("/etc", 0, makedev(8, 1)), 1);
        assert_int_equal(find("/home/alice", 0, makedev(8, 2)), 2);
        assert_int_equal(find("/home", 0, makedev(8, 2)), 2);
        /* A whole component: /homex is not in /home. */
        assert_int_equal(find("/homex/a", 0, makedev(0, 53)), 8);
        /* btrfs: stat's device is the subvolume's, not the mount's: the longest still wins. */
        assert_int_equal(find("/home/data/x", 0, makedev(0, 99)), 3);
        /* The same device, on a shorter mount point, wins over another device. */
        assert_int_equal(find("/home/data/x", 0, makedev(8, 2)), 2);
        /* Over-mounted: the last one. */
        assert_int_equal(find("/mnt/over/f", 0, makedev(0, 51)), 6);
        assert_int_equal(find("/mnt/over/f", 0, makedev(0, 50)), 5);
        assert_int_equal(find("/mnt/with space/y", 0, makedev(0, 52)), 7);
        /* A trailing slash in a mount point still contains its paths. */
        assert_int_equal(find("/mnt/bind/inner/z", 0, makedev(0, 54)), 9);
        /* By mount id: exact, and it must contain the path. */
        assert_int_equal(find("/mnt/bind/z", 4, 0), 4);
        assert_int_equal(find("/elsewhere", 4, 0), 0);
        assert_int_equal(find("/", 99, 0), 0);
        assert_int_equal(mountinfo_find(table, sizeof table - 1, "/mnt/bind", 4, 0, &m), 0);
        assert_string_equal(m.root, "/alice/sub");
        mountinfo_done(&m);

        /* No mount holds it; a bad line anywhere; nothing at all. */
        static const char only_home[] = "2 1 8:2 / /home rw - ext4 /dev/sda2 rw\n";
        assert_int_equal(
                        mountinfo_find(only_home, sizeof only_home - 1, "/etc", 0, 0, &m), -ENOENT);
        static const char bad[] = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\n2 1 8:2 / /h rw\n";
        assert_int_equal(mountinfo_find(bad, sizeof bad - 1, "/", 0, 0, &m), -EBADMSG);
        assert_int_equal(mountinfo_find("", 0, "/", 0, 0, &m), -ENOENT);
        /* No newline at the end. */
        static const char last[] = "1 0 8:1 / / rw - ext4 /dev/sda1 rw";
        assert_int_equal(mountinfo_find(last, sizeof last - 1, "/x", 0, 0, &m), 0);
        assert_string_equal(m.mount_point, "/");
        mountinfo_done(&m);
}

static void test_path_contains(void **state) {
        (void) state;
        assert_true(mountinfo_path_contains("/", "/"));
        assert_true(mountinfo_path_contains("/", "/a/b"));
        assert_true(mountinfo_path_contains("/a", "/a"));
        assert_true(mountinfo_path_contains("/a", "/a/b"));
        assert_true(mountinfo_path_contains("/a/", "/a/b"));
        assert_false(mountinfo_path_contains("/a", "/ab"));
        assert_false(mountinfo_path_contains("/a/b", "/a"));
        assert_false(mountinfo_path_contains("a", "a/b"));
        assert_false(mountinfo_path_contains("/a", "a"));
}

/* This process's own table parses, and '/' resolves to a mount at '/'. */
static void test_real(void **state) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *msg = NULL;
        (void) state;

        assert_int_equal(snapshot_volume_resolve("/", &v, &msg), 0);
        assert_string_equal(v.path, "/");
        assert_string_equal(v.mount_point, "/");
        assert_non_null(v.fs_type);
        assert_true(v.mount_id > 0);
        snapshot_volume_done(&v);

        assert_int_equal(snapshot_volume_resolve("/proc/self", &v, &msg), 0);
        assert_string_equal(v.mount_point, "/proc");
        assert_string_equal(v.fs_type, "proc");
}

static void test_roots(void **state) {
        vss_guid id;
        vss_autofree char *root = NULL;
        vss_autofree char *area = NULL;
        vss_autofree char *msg = NULL;
        const char *name;
        (void) state;

        assert_int_equal(vss_guid_from_string("{ce4ef7dc-18ce-4a11-b4c9-d7a668637d1b}", &id), 0);
        assert_int_equal(snapshot_root_path("/mnt/x/.linvss-snapshots/", &id, &root), 0);
        assert_string_equal(root, "/mnt/x/.linvss-snapshots/CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B");
        assert_int_equal(snapshot_root_split(root, &area, &name, &msg), 0);
        assert_string_equal(area, "/mnt/x/.linvss-snapshots");
        assert_string_equal(name, "CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B");
        free(root);
        assert_int_equal(snapshot_root_path("/", &id, &root), 0);
        assert_string_equal(root, "/CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B");
        assert_int_equal(snapshot_root_path("relative", &id, &root), -EINVAL);

        assert_true(snapshot_root_name_is_valid("CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B"));
        assert_false(snapshot_root_name_is_valid("ce4ef7dc-18ce-4a11-b4c9-d7a668637d1b"));
        assert_false(snapshot_root_name_is_valid("{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}"));
        assert_false(snapshot_root_name_is_valid("CE4EF7DC-18CE-4A11-B4C9-D7A668637D1"));
        assert_false(snapshot_root_name_is_valid(""));
        assert_false(snapshot_root_name_is_valid(NULL));

        static const char *const not_roots[] = {
                        "/mnt/x/.linvss-snapshots/data",
                        "/mnt/x",
                        "relative/CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B",
                        "/mnt/x/CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B/",
                        "/",
        };
        for (size_t i = 0; i < ELEMENTSOF(not_roots); i++) {
                vss_autofree char *a = NULL;
                assert_int_equal(snapshot_root_split(not_roots[i], &a, &name, &msg), -EINVAL);
                assert_non_null(strstr(msg, "not a snapshot root"));
                /* Every provider refuses to remove it, before touching anything. */
                for (size_t k = 0; snapshot_providers[k]; k++)
                        assert_int_equal(
                                        snapshot_providers[k]->remove(not_roots[i], NULL), -EINVAL);
        }
}

static void test_table(void **state) {
        SnapshotVolume v = {.path = (char *) "/srv/data", .mount_point = (char *) "/srv"};
        vss_autofree char *area = NULL;
        (void) state;

        assert_ptr_equal(snapshot_providers[0], &snapshot_provider_btrfs);
        assert_ptr_equal(snapshot_providers[1], &snapshot_provider_reflink);
        assert_ptr_equal(snapshot_providers[2], &snapshot_provider_copy);
        assert_null(snapshot_providers[3]);
        for (size_t i = 0; snapshot_providers[i]; i++) {
                const SnapshotProvider *p = snapshot_providers[i];
                assert_ptr_equal(snapshot_provider_find(p->name), p);
                assert_false(vss_guid_is_null(&p->id));
                assert_non_null(p->filesystems);
                assert_non_null(p->filesystems[0]);
                assert_non_null(p->probe);
                assert_non_null(p->create);
                assert_non_null(p->remove);
                for (size_t k = 0; k < i; k++)
                        assert_false(vss_guid_equal(&p->id, &snapshot_providers[k]->id));
        }
        assert_null(snapshot_provider_find("zfs"));
        assert_null(snapshot_provider_find(NULL));
        assert_int_equal(snapshot_provider_btrfs.consistency, SNAPSHOT_CRASH_CONSISTENT);
        assert_int_equal(snapshot_provider_reflink.consistency, SNAPSHOT_WRITER_CONSISTENT);
        assert_int_equal(snapshot_provider_copy.consistency, SNAPSHOT_WRITER_CONSISTENT);
        assert_string_equal(
                        snapshot_consistency_to_string(SNAPSHOT_CRASH_CONSISTENT),
                        "crash-consistent");
        assert_true(snapshot_fs_type_in("xfs", snapshot_provider_reflink.filesystems));
        assert_false(snapshot_fs_type_in("ext4", snapshot_provider_reflink.filesystems));
        assert_true(snapshot_fs_type_in("ext4", snapshot_provider_copy.filesystems));
        assert_false(snapshot_fs_type_in("proc", snapshot_provider_copy.filesystems));

        assert_int_equal(snapshot_provider_area(&snapshot_provider_btrfs, &v, NULL, &area), 0);
        assert_string_equal(area, "/srv/.linvss-snapshots");
        free(area);
        assert_int_equal(snapshot_provider_area(&snapshot_provider_reflink, &v, "/st", &area), 0);
        assert_string_equal(area, "/srv/.linvss-snapshots");
        free(area);
        assert_int_equal(snapshot_provider_area(&snapshot_provider_copy, &v, "/st", &area), 0);
        assert_string_equal(area, "/st/snapshots");
        free(area);
        v.mount_point = (char *) "/";
        assert_int_equal(snapshot_provider_area(&snapshot_provider_btrfs, &v, NULL, &area), 0);
        assert_string_equal(area, "/.linvss-snapshots");
        free(area);

        /* The state directory: given, else $VSS_STATE_DIR when absolute, else the built-in one. */
        assert_int_equal(setenv("VSS_STATE_DIR", "/from/env", 1), 0);
        assert_int_equal(snapshot_provider_area(&snapshot_provider_copy, &v, NULL, &area), 0);
        assert_string_equal(area, "/from/env/snapshots");
        free(area);
        assert_int_equal(setenv("VSS_STATE_DIR", "relative", 1), 0);
        assert_int_equal(snapshot_provider_area(&snapshot_provider_copy, &v, NULL, &area), 0);
        assert_string_equal(area, VSS_STATE_DIR "/snapshots");
        free(area);
        area = NULL;
        assert_int_equal(unsetenv("VSS_STATE_DIR"), 0);
        assert_int_equal(snapshot_provider_area(NULL, &v, NULL, &area), -EINVAL);
}

static void test_error(void **state) {
        vss_autofree char *msg = NULL;
        (void) state;

        assert_int_equal(snapshot_error(&msg, -ENOSPC, "'%s': %m", "f"), -ENOSPC);
        assert_string_equal(msg, "'f': No space left on device");
        assert_int_equal(snapshot_error(&msg, 0, "no %s", "way"), 0);
        assert_string_equal(msg, "no way");
        assert_int_equal(snapshot_error(NULL, -EIO, "x"), -EIO);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_parse),  cmocka_unit_test(test_parse_bad),
                        cmocka_unit_test(test_escape), cmocka_unit_test(test_format),
                        cmocka_unit_test(test_find),   cmocka_unit_test(test_path_contains),
                        cmocka_unit_test(test_real),   cmocka_unit_test(test_roots),
                        cmocka_unit_test(test_table),  cmocka_unit_test(test_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
