/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Failure injection (STYLE.md §4.11): the calls that make a snapshot are wrapped (-Wl,--wrap), and
 * the Nth of them fails, for N = 1, 2, … until create() gets through. Each time create() must
 * return that error, with a message that names a path, leave nothing in the area and no fd open.
 * The copy provider runs as anyone; the reflink provider, on an XFS loop device, as root. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "snapshot.h"
#include "test-snapshot-util.h"

/* ---- The wrapped calls ------------------------------------------------------------------- */

static unsigned countdown; /* 0: off; else the call that fails */
static int fault_errno;
static const char *fault_call;

static bool fault(const char *call) {
        if (countdown == 0 || --countdown > 0)
                return false;
        fault_call = call;
        errno = fault_errno;
        return true;
}

#define WRAP(ret, name, params, args)      \
        ret __real_##name params;          \
        ret __wrap_##name params;          \
        ret __wrap_##name params {         \
                if (fault(#name))          \
                        return (ret) -1;   \
                return __real_##name args; \
        }

WRAP(int, mkdirat, (int d, const char *p, mode_t m), (d, p, m))
WRAP(int, __openat_2, (int d, const char *p, int f), (d, p, f))
WRAP(int, symlinkat, (const char *t, int d, const char *p), (t, d, p))
WRAP(int, mknodat, (int d, const char *p, mode_t m, dev_t r), (d, p, m, r))
WRAP(int, linkat, (int od, const char *o, int nd, const char *n, int f), (od, o, nd, n, f))
WRAP(ssize_t,
     copy_file_range,
     (int i, off_t *oi, int o, off_t *oo, size_t n, unsigned f),
     (i, oi, o, oo, n, f))
WRAP(ssize_t, pwrite, (int fd, const void *b, size_t n, off_t o), (fd, b, n, o))
WRAP(int, ftruncate, (int fd, off_t n), (fd, n))
WRAP(int, fchown, (int fd, uid_t u, gid_t g), (fd, u, g))
WRAP(int, fchownat, (int d, const char *p, uid_t u, gid_t g, int f), (d, p, u, g, f))
WRAP(int, fchmod, (int fd, mode_t m), (fd, m))
WRAP(int, chmod, (const char *p, mode_t m), (p, m))
WRAP(int, fsetxattr, (int fd, const char *n, const void *v, size_t s, int f), (fd, n, v, s, f))
WRAP(int, setxattr, (const char *p, const char *n, const void *v, size_t s, int f), (p, n, v, s, f))
WRAP(ssize_t, flistxattr, (int fd, char *l, size_t s), (fd, l, s))
WRAP(int, futimens, (int fd, const struct timespec t[2]), (fd, t))
WRAP(int, utimensat, (int d, const char *p, const struct timespec t[2], int f), (d, p, t, f))
WRAP(int, syncfs, (int fd), (fd))
WRAP(int, fsync, (int fd), (fd))

/* close() fails after closing, as the kernel's does. */
int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd) {
        int r = __real_close(fd);
        if (fault("close"))
                return -1;
        return r;
}

/* openat and ioctl take a variable argument. */
int __real_openat(int d, const char *p, int f, ...);
int __wrap_openat(int d, const char *p, int f, ...);
int __wrap_openat(int d, const char *p, int f, ...) {
        va_list ap;
        va_start(ap, f);
        mode_t m = (f & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
        va_end(ap);
        if (fault("openat"))
                return -1;
        return __real_openat(d, p, f, m);
}

int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...) {
        va_list ap;
        va_start(ap, request);
        void *arg = va_arg(ap, void *);
        va_end(ap);
        if (fault("ioctl"))
                return -1;
        return __real_ioctl(fd, request, arg);
}

/* ---- The test ---------------------------------------------------------------------------- */

static char tmp[128];
static bool have_xfs;

static int count_fds(void) {
        return tsu_count_entries("/proc/self/fd");
}

/* A small tree with one of everything the walker handles that we may make unprivileged. */
static void populate(const char *vol) {
        char p[PATH_MAX];
        static uint8_t buf[20000];

        assert_int_equal(mkdir(vol, 0755), 0);
        tsu_fill(buf, sizeof buf, 3);
#define P(name) (snprintf(p, sizeof p, "%s/%s", vol, (name)), p)
        assert_int_equal(tsu_write_file(P("file"), buf, sizeof buf, 0640), 0);
        if (setxattr(p, "user.x", "value", 5, 0) < 0)
                assert_int_equal(errno, EOPNOTSUPP);
        assert_int_equal(mkdir(P("dir"), 0750), 0);
        assert_int_equal(tsu_write_file(P("dir/inner"), "inner", 5, 0600), 0);
        char q[PATH_MAX];
        (void) snprintf(q, sizeof q, "%s/hard", vol);
        assert_int_equal(link(p, q), 0);
        assert_int_equal(symlink("dir/inner", P("link")), 0);
        assert_int_equal(mkfifo(P("fifo"), 0600), 0);
        int fd = open(P("sparse"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, buf, 4096, 1 << 20), 4096);
        assert_int_equal(ftruncate(fd, 4 << 20), 0);
        assert_int_equal(close(fd), 0);
        assert_int_equal(tsu_write_file(P("empty"), "", 0, 0644), 0);
#undef P
}

/* Runs create() with the Nth call failing, for every N, then once more to check it works. */
static void inject(const SnapshotProvider *p, const char *vol, const char *state_dir, int error) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *area = NULL;
        vss_autofree char *msg = NULL;
        unsigned faults = 0;

        assert_int_equal(snapshot_volume_resolve(vol, &v, &msg), 0);
        assert_int_equal(snapshot_provider_area(p, &v, state_dir, &area), 0);
        int fds = count_fds();

        for (unsigned n = 1;; n++) {
                vss_autofree char *path = NULL;
                SnapshotRequest req = {.volume = &v, .area = area, .state_dir = state_dir};
                assert_int_equal(vss_guid_generate(&req.snapshot_id), 0);

                msg = mfree(msg);
                fault_call = NULL;
                fault_errno = error;
                countdown = n;
                int r = p->create(&req, &path, &msg);
                bool hit = countdown == 0;
                countdown = 0;

                if (!hit) {
                        /* Past the last call: it works, and makes all of it. */
                        if (r < 0)
                                fail_msg("%s without a fault: %d %s", p->name, r, msg);
                        assert_int_equal(access(path, F_OK), 0);
                        assert_int_equal(p->remove(path, &msg), 0);
                        break;
                }
                faults++;
                if (r == 0) {
                        /* Only closing a file that was only read may fail harmlessly. */
                        if (!streq(fault_call, "close"))
                                fail_msg("%s, %s failing at call %u: ignored", p->name, fault_call,
                                         n);
                        assert_non_null(path);
                        assert_int_equal(p->remove(path, &msg), 0);
                } else {
                        if (r != -error)
                                fail_msg("%s, %s failing at call %u: %d (%s), expected %d", p->name,
                                         fault_call, n, r, msg ? msg : "", -error);
                        assert_null(path);
                        if (!msg || !strstr(msg, tmp))
                                fail_msg("%s, %s failing at call %u: the message '%s' names no "
                                         "path",
                                         p->name, fault_call, n, msg ? msg : "(none)");
                }
                int left = tsu_count_entries(area);
                if (left > 0)
                        fail_msg("%s, %s failing at call %u: %d entries left in %s", p->name,
                                 fault_call, n, left, area);
                if (count_fds() != fds)
                        fail_msg("%s, %s failing at call %u: fds leaked", p->name, fault_call, n);
        }
        (void) fprintf(stderr, "# %s: %u injected failures (%s) handled\n", p->name, faults,
                       strerror(error));
        assert_true(faults > 20);
}

static void test_copy_faults(void **state) {
        (void) state;
        const char *vol = "vol-copy";
        char v[PATH_MAX], s[PATH_MAX];
        (void) snprintf(v, sizeof v, "%s/%s", tmp, vol);
        (void) snprintf(s, sizeof s, "%s/state", tmp);
        populate(v);
        inject(&snapshot_provider_copy, v, s, EIO);
        inject(&snapshot_provider_copy, v, s, ENOSPC);
}

static void test_reflink_faults(void **state) {
        char v[PATH_MAX], s[PATH_MAX];
        (void) state;

        if (!have_xfs) {
                (void) printf("# skipped: no XFS loop device (needs root)\n");
                skip();
        }
        (void) snprintf(v, sizeof v, "%s/xfs/vol", tmp);
        (void) snprintf(s, sizeof s, "%s/state", tmp);
        populate(v);
        inject(&snapshot_provider_reflink, v, s, EIO);
        inject(&snapshot_provider_reflink, v, s, ENOSPC);
}

static int setup(void **state) {
        (void) state;
        (void) snprintf(tmp, sizeof tmp, "/tmp/test-snapshot-faults-XXXXXX");
        if (!mkdtemp(tmp))
                return -1;
        if (geteuid() == 0 && tsu_private_mounts() == 0) {
                static const char *const mkfs[] = {"mkfs.xfs", "-q", "-f", "-m", "reflink=1", NULL};
                char img[PATH_MAX], dir[PATH_MAX];
                (void) snprintf(img, sizeof img, "%s/xfs.img", tmp);
                (void) snprintf(dir, sizeof dir, "%s/xfs", tmp);
                have_xfs = tsu_mount_image(img, 300, mkfs, dir, "xfs", MS_NOATIME, NULL) == 0;
        }
        return 0;
}

static int teardown(void **state) {
        (void) state;
        (void) tsu_umount_below(tmp);
        (void) tsu_rm_rf(tmp);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_copy_faults),
                        cmocka_unit_test(test_reflink_faults),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
