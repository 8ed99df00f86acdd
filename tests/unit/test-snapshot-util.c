/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "test-snapshot-util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "buffer.h"
#include "macro.h"
#include "mountinfo.h"

#define CHECK(expr)                                                                          \
        do {                                                                                 \
                if ((expr) < 0) {                                                            \
                        int _e = errno;                                                      \
                        (void) fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, \
                                       strerror(_e));                                        \
                        return -_e;                                                          \
                }                                                                            \
        } while (false)

int tsu_private_mounts(void) {
        CHECK(unshare(CLONE_NEWNS));
        CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
        return 0;
}

int tsu_run(const char *const *argv) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
                if (null >= 0) {
                        (void) dup2(null, STDOUT_FILENO);
                        if (!getenv("TSU_VERBOSE"))
                                (void) dup2(null, STDERR_FILENO);
                }
                execvp(argv[0], (char *const *) argv);
                _exit(127);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A free loop device, open; its number in *ret_n. */
static int loop_open_free(int *ret_n) {
        int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        if (ctl < 0)
                return -errno;
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        int e = errno;
        (void) close(ctl);
        if (n < 0)
                return -e;

        char path[64];
        (void) snprintf(path, sizeof path, "/dev/loop%d", n);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
                /* No udev to make the node. */
                (void) mknod(path, S_IFBLK | 0660, makedev(7, (unsigned) n));
                fd = open(path, O_RDWR | O_CLOEXEC);
        }
        if (fd < 0)
                return -errno;
        *ret_n = n;
        return fd;
}

int tsu_mount_image(
                const char *image,
                unsigned size_mb,
                const char *const *mkfs,
                const char *dir,
                const char *fs_type,
                unsigned long flags,
                const char *options) {
        const char *argv[16];
        size_t n = 0;

        int img = open(image, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        CHECK(img);
        if (ftruncate(img, (off_t) size_mb * 1024 * 1024) < 0) {
                (void) close(img);
                return -errno;
        }
        for (; mkfs[n] && n < ELEMENTSOF(argv) - 2; n++)
                argv[n] = mkfs[n];
        argv[n++] = image;
        argv[n] = NULL;
        int r = tsu_run(argv);
        if (r != 0) {
                (void) fprintf(stderr, "%s %s failed: %d\n", mkfs[0], image, r);
                (void) close(img);
                return r < 0 ? r : -EIO;
        }

        int loop = -1, number = -1;
        for (int attempt = 0; attempt < 20; attempt++) {
                loop = loop_open_free(&number);
                if (loop < 0) {
                        (void) close(img);
                        (void) fprintf(stderr, "no loop device: %s\n", strerror(-loop));
                        return loop;
                }
                struct loop_config cfg = {.fd = (unsigned) img};
                cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
                if (ioctl(loop, LOOP_CONFIGURE, &cfg) >= 0)
                        break;
                r = -errno;
                (void) close(loop);
                loop = -1;
                if (r != -EBUSY) {
                        (void) close(img);
                        (void) fprintf(stderr, "LOOP_CONFIGURE: %s\n", strerror(-r));
                        return r;
                }
        }
        (void) close(img);
        if (loop < 0)
                return -EBUSY;

        char dev[64];
        (void) snprintf(dev, sizeof dev, "/dev/loop%d", number);
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                r = -errno;
        else if (mount(dev, dir, fs_type, flags, options) < 0)
                r = -errno;
        else
                r = 0;
        if (r < 0)
                (void) fprintf(stderr, "mount %s (%s) on %s: %s\n", dev, fs_type, dir,
                               strerror(-r));
        (void) close(loop); /* the mount holds it now; it goes with the mount */
        /* The loop device holds the image: unnamed, its space goes with the device, even if the
         * test crashes. */
        (void) unlink(image);
        return r;
}

int tsu_umount_below(const char *dir) {
        char *mounts[256];
        size_t n = 0;
        char line[8192];

        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        while (n < ELEMENTSOF(mounts) && fgets(line, sizeof line, f)) {
                MountInfo m = MOUNTINFO_INIT;
                size_t k = strcspn(line, "\n");
                if (mountinfo_parse_line(line, k, &m) == 0 &&
                    mountinfo_path_contains(dir, m.mount_point))
                        mounts[n++] = TAKE_PTR(m.mount_point);
                mountinfo_done(&m);
        }
        (void) fclose(f);
        /* Children are listed after their parents: the last first. */
        while (n > 0) {
                char *p = mounts[--n];
                (void) umount2(p, MNT_DETACH);
                free(p);
        }
        return 0;
}

int tsu_write_file(const char *path, const void *data, size_t size, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        CHECK(fd);
        const uint8_t *p = data;
        while (size > 0) {
                ssize_t k = write(fd, p, size);
                if (k < 0) {
                        int e = errno;
                        (void) close(fd);
                        return -e;
                }
                p += k;
                size -= (size_t) k;
        }
        CHECK(close(fd));
        return 0;
}

void tsu_fill(void *buf, size_t size, unsigned seed) {
        uint64_t x = 0x9e3779b97f4a7c15ULL ^ seed;
        uint8_t *p = buf;
        for (size_t i = 0; i < size; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                p[i] = (uint8_t) x;
        }
}

/* ---- Populating ------------------------------------------------------------------------- */

/* A POSIX ACL in the kernel's xattr form. */
enum {
        ACL_USER_OBJ = 0x01,
        ACL_USER = 0x02,
        ACL_GROUP_OBJ = 0x04,
        ACL_GROUP = 0x08,
        ACL_MASK = 0x10,
        ACL_OTHER = 0x20,
};

static size_t acl_build(uint8_t *buf, const uint16_t (*entries)[2], const uint32_t *ids, size_t n) {
        uint32_t version = 2;
        memcpy(buf, &version, 4);
        for (size_t i = 0; i < n; i++) {
                memcpy(buf + 4 + i * 8, &entries[i][0], 2);
                memcpy(buf + 4 + i * 8 + 2, &entries[i][1], 2);
                memcpy(buf + 4 + i * 8 + 4, &ids[i], 4);
        }
        return 4 + n * 8;
}

static int set_acl(const char *path, const char *name) {
        static const uint16_t e[][2] = {
                        {ACL_USER_OBJ, 7}, {ACL_USER, 6}, {ACL_GROUP_OBJ, 5},
                        {ACL_GROUP, 4},    {ACL_MASK, 7}, {ACL_OTHER, 1},
        };
        static const uint32_t ids[] = {UINT32_MAX, 1234, UINT32_MAX, 4321, UINT32_MAX, UINT32_MAX};
        uint8_t buf[4 + 8 * ELEMENTSOF(e)];
        size_t n = acl_build(buf, e, ids, ELEMENTSOF(e));
        CHECK(setxattr(path, name, buf, n, 0));
        return 0;
}

static int set_times(const char *path, time_t a, long an, time_t m, long mn) {
        struct timespec ts[2] = {{.tv_sec = a, .tv_nsec = an}, {.tv_sec = m, .tv_nsec = mn}};
        CHECK(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW));
        return 0;
}

#define P(buf, dir, name) (snprintf((buf), sizeof(buf), "%s/%s", (dir), (name)), (buf))

/* Sets fixed times on every directory below 'dir', deepest first, so that the times survive
 * the creation of their entries. */
static int fix_dir_times(const char *fpath, const struct stat *st, int type, struct FTW *ftw) {
        (void) st;
        if (type != FTW_DP)
                return 0;
        struct timespec ts[2] = {
                        {.tv_sec = 1200000000 + ftw->level, .tv_nsec = 111111111},
                        {.tv_sec = 1300000000 + ftw->level, .tv_nsec = 222222222}};
        return utimensat(AT_FDCWD, fpath, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -1 : 0;
}

int tsu_populate(const char *dir, bool big_xattrs) {
        char p[4096], q[4096];
        int r;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;

        /* Content, times in ns, xattrs with binary values. */
        static const char text[] = "plain text\n";
        r = tsu_write_file(P(p, dir, "plain.txt"), text, sizeof text - 1, 0644);
        if (r < 0)
                return r;
        CHECK(setxattr(p, "user.comment", "hello", 5, 0));
        CHECK(setxattr(p, "trusted.binary", "a\0b\0\xff", 5, 0));
        CHECK(setxattr(p, "user.empty", "", 0, 0));
        CHECK(set_times(p, 1000000000, 123456789, 1100000000, 987654321));

        r = tsu_write_file(P(p, dir, "empty"), "", 0, 0600);
        if (r < 0)
                return r;

        /* Set-id bits and other owners. */
        r = tsu_write_file(P(p, dir, "setuid"), "#!/bin/sh\n", 10, 0755);
        if (r < 0)
                return r;
        CHECK(chown(p, 1234, 5678));
        CHECK(chmod(p, 04755));
        CHECK(mkdir(P(p, dir, "sgid-dir"), 0755));
        CHECK(chown(p, 0, 100));
        CHECK(chmod(p, 02775));
        r = tsu_write_file(P(p, dir, "sgid-dir/inside"), "x", 1, 0640);
        if (r < 0)
                return r;

        /* 3 MiB of data, and a 32 MiB file that is mostly holes. */
        size_t big = 3 * 1024 * 1024;
        uint8_t *buf = malloc(big);
        if (!buf)
                return -ENOMEM;
        tsu_fill(buf, big, 1);
        r = tsu_write_file(P(p, dir, "big.bin"), buf, big, 0644);
        if (r < 0) {
                free(buf);
                return r;
        }
        int fd = open(P(p, dir, "sparse"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || pwrite(fd, buf, 8192, 1024 * 1024) != 8192 ||
            pwrite(fd, buf + 8192, 4096, 10 * 1024 * 1024) != 4096 ||
            pwrite(fd, "tail", 4, 20 * 1024 * 1024 + 5) != 4 ||
            ftruncate(fd, 32 * 1024 * 1024) < 0) {
                r = -errno;
                free(buf);
                if (fd >= 0)
                        (void) close(fd);
                return r;
        }
        (void) close(fd);
        free(buf);

        /* Hard links across directories, and a hard-linked symbolic link. */
        CHECK(mkdir(P(p, dir, "links"), 0755));
        CHECK(mkdir(P(p, dir, "other"), 0700));
        r = tsu_write_file(P(p, dir, "links/a"), "linked\n", 7, 0640);
        if (r < 0)
                return r;
        CHECK(link(p, P(q, dir, "links/b")));
        CHECK(link(p, P(q, dir, "other/c")));
        CHECK(symlink("a", P(p, dir, "links/sym-to-a")));
        CHECK(link(p, P(q, dir, "other/sym-hardlink")));

        /* Symbolic links: relative, absolute, dangling; one with an owner and an attribute. */
        CHECK(symlink("plain.txt", P(p, dir, "sym-rel")));
        CHECK(symlink("/etc/passwd", P(p, dir, "sym-abs")));
        CHECK(symlink("does/not/exist", P(p, dir, "sym-dangling")));
        CHECK(lchown(p, 1234, 1234));
        CHECK(lsetxattr(p, "trusted.on-symlink", "yes", 3, 0));
        CHECK(set_times(p, 1000000001, 1, 1000000002, 2));

        /* Special files. */
        CHECK(mkfifo(P(p, dir, "fifo"), 0640));
        CHECK(chown(p, 1234, 0));
        CHECK(mknod(P(p, dir, "null"), S_IFCHR | 0666, makedev(1, 3)));
        CHECK(mknod(P(p, dir, "blk"), S_IFBLK | 0600, makedev(7, 200)));
        CHECK(mknod(P(p, dir, "sock"), S_IFSOCK | 0755, 0));
        CHECK(setxattr(P(p, dir, "fifo"), "trusted.on-fifo", "f", 1, 0));
        CHECK(set_times(P(p, dir, "null"), 1500000000, 5, 1500000000, 6));

        /* POSIX ACLs: on a file; access and default on a directory. */
        r = tsu_write_file(P(p, dir, "acl-file"), "acl", 3, 0640);
        if (r < 0)
                return r;
        r = set_acl(p, "system.posix_acl_access");
        if (r < 0)
                return r;
        CHECK(mkdir(P(p, dir, "acl-dir"), 0750));
        r = set_acl(p, "system.posix_acl_access");
        if (r < 0)
                return r;
        r = set_acl(p, "system.posix_acl_default");
        if (r < 0)
                return r;
        r = tsu_write_file(P(p, dir, "acl-dir/inherits"), "i", 1, 0666);
        if (r < 0)
                return r;

        /* Names. */
        static const char *const names[] = {
                        "with space", "new\nline",    "tab\there",     "back\\slash", "-dash",
                        ".hidden",    "ünïcødé-名前", "quote\"'`$(x)", "star*?[a]",
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                r = tsu_write_file(P(p, dir, names[i]), names[i], strlen(names[i]), 0644);
                if (r < 0)
                        return r;
        }
        char longname[256];
        memset(longname, 'L', 255);
        longname[255] = '\0';
        r = tsu_write_file(P(p, dir, longname), "long", 4, 0644);
        if (r < 0)
                return r;

        /* A deep chain, a closed directory, a read-only directory, an empty one. */
        size_t n = (size_t) snprintf(p, sizeof p, "%s/deep", dir);
        CHECK(mkdir(p, 0755));
        for (int i = 0; i < 40; i++) {
                n += (size_t) snprintf(p + n, sizeof p - n, "/d%d", i);
                CHECK(mkdir(p, 0755));
        }
        (void) snprintf(p + n, sizeof p - n, "/bottom");
        r = tsu_write_file(p, "bottom", 6, 0644);
        if (r < 0)
                return r;
        CHECK(mkdir(P(p, dir, "closed"), 0755));
        r = tsu_write_file(P(p, dir, "closed/secret"), "s", 1, 0000);
        if (r < 0)
                return r;
        CHECK(chmod(P(p, dir, "closed"), 0000));
        CHECK(mkdir(P(p, dir, "read-only"), 0755));
        r = tsu_write_file(P(p, dir, "read-only/file"), "r", 1, 0444);
        if (r < 0)
                return r;
        CHECK(chmod(P(p, dir, "read-only"), 0555));
        CHECK(mkdir(P(p, dir, "empty-dir"), 0711));

        if (big_xattrs) {
                /* More names than fit 4096 bytes, and a value larger than 4096 bytes. */
                r = tsu_write_file(P(p, dir, "many-xattrs"), "m", 1, 0644);
                if (r < 0)
                        return r;
                for (int i = 0; i < 300; i++) {
                        char name[64], value[16];
                        (void) snprintf(name, sizeof name, "user.attribute-with-a-long-name-%03d",
                                        i);
                        (void) snprintf(value, sizeof value, "%d", i);
                        CHECK(setxattr(p, name, value, strlen(value), 0));
                }
                char large[6000];
                tsu_fill(large, sizeof large, 7);
                CHECK(setxattr(p, "user.large", large, sizeof large, 0));
                CHECK(setxattr(P(p, dir, "links"), "user.large", large, sizeof large, 0));
        }

        /* Directory times last: making entries changed them. */
        if (nftw(dir, fix_dir_times, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
                return -errno;
        return 0;
}

/* ---- Manifests --------------------------------------------------------------------------- */

typedef struct Manifest {
        Buffer out;
        const char *const *opaque;
        const char *const *skip_top;
        bool holes;
        dev_t dev;
        /* hard links: inode → first path */
        struct {
                ino_t ino;
                char *path;
        } * links;
        size_t n_links;
} Manifest;

static void escape(Buffer *b, const char *s) {
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p <= ' ' || *p == '\\' || *p == 0x7f)
                        (void) buffer_printf(b, "\\x%02x", *p);
                else
                        (void) buffer_append_char(b, (char) *p);
}

static void escape_bytes(Buffer *b, const void *data, size_t n) {
        const unsigned char *p = data;
        for (size_t i = 0; i < n; i++)
                (void) buffer_printf(b, "%02x", p[i]);
}

static bool in_list(const char *const *list, const char *s) {
        for (size_t i = 0; list && list[i]; i++)
                if (streq(list[i], s))
                        return true;
        return false;
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int manifest_xattrs(Manifest *m, const char *path) {
        char names[65536];
        ssize_t n = llistxattr(path, names, sizeof names);
        if (n < 0)
                return errno == EOPNOTSUPP ? 0 : -errno;
        char *list[1024];
        size_t k = 0;
        for (ssize_t i = 0; i < n && k < ELEMENTSOF(list); i += (ssize_t) strlen(names + i) + 1)
                list[k++] = names + i;
        qsort(list, k, sizeof list[0], compare_strings);
        (void) buffer_append_str(&m->out, " xattrs={");
        for (size_t i = 0; i < k; i++) {
                char value[65536];
                ssize_t v = lgetxattr(path, list[i], value, sizeof value);
                if (v < 0)
                        return -errno;
                (void) buffer_printf(&m->out, "%s%s=", i ? ";" : "", list[i]);
                escape_bytes(&m->out, value, (size_t) v);
        }
        (void) buffer_append_char(&m->out, '}');
        return 0;
}

static int manifest_data(Manifest *m, const char *path, const struct stat *st) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME);
        if (fd < 0)
                return -errno;
        /* Where the data is, in 4 KiB pages (filesystems differ in block size), then what it
         * is. */
        off_t off = 0, start = -1, end = -1;
        if (m->holes)
                (void) buffer_append_str(&m->out, " data=");
        while (m->holes && off < st->st_size) {
                off_t d = lseek(fd, off, SEEK_DATA);
                if (d < 0)
                        break;
                off_t h = lseek(fd, d, SEEK_HOLE);
                if (h < 0)
                        break;
                off = h;
                d = d / 4096 * 4096;
                h = MIN((h + 4095) / 4096 * 4096, st->st_size);
                if (start >= 0 && d <= end) {
                        end = MAX(end, h);
                        continue;
                }
                if (start >= 0)
                        (void) buffer_printf(&m->out, "%jd-%jd,", (intmax_t) start, (intmax_t) end);
                start = d;
                end = h;
        }
        if (start >= 0)
                (void) buffer_printf(&m->out, "%jd-%jd,", (intmax_t) start, (intmax_t) end);
        if (lseek(fd, 0, SEEK_SET) < 0) {
                int e = errno;
                (void) close(fd);
                return -e;
        }
        uint64_t hash = 0xcbf29ce484222325ULL;
        char buf[65536];
        for (;;) {
                ssize_t k = read(fd, buf, sizeof buf);
                if (k < 0) {
                        int e = errno;
                        (void) close(fd);
                        return -e;
                }
                if (k == 0)
                        break;
                /* 8 bytes at a time, the tail byte by byte: fast enough in sanitizer builds. */
                ssize_t i = 0;
                for (; i + 8 <= k; i += 8) {
                        uint64_t w;
                        memcpy(&w, buf + i, sizeof w);
                        hash ^= w;
                        hash *= 0x100000001b3ULL;
                }
                for (; i < k; i++) {
                        hash ^= (uint8_t) buf[i];
                        hash *= 0x100000001b3ULL;
                }
        }
        (void) close(fd);
        (void) buffer_printf(&m->out, " fnv=%016" PRIx64, hash);
        return 0;
}

static int manifest_walk(Manifest *m, const char *path, const char *rel, bool top) {
        struct stat st;
        int r;

        if (lstat(path, &st) < 0)
                return -errno;

        escape(&m->out, rel);
        if (S_ISDIR(st.st_mode) && !top && (st.st_dev != m->dev || in_list(m->opaque, rel))) {
                (void) buffer_append_str(&m->out, " opaque\n");
                return 0;
        }
        char type = S_ISDIR(st.st_mode)    ? 'd'
                    : S_ISREG(st.st_mode)  ? 'f'
                    : S_ISLNK(st.st_mode)  ? 'l'
                    : S_ISCHR(st.st_mode)  ? 'c'
                    : S_ISBLK(st.st_mode)  ? 'b'
                    : S_ISFIFO(st.st_mode) ? 'p'
                                           : 's';
        (void) buffer_printf(
                        &m->out, " %c mode=%04o uid=%u gid=%u", type, (unsigned) st.st_mode & 07777,
                        (unsigned) st.st_uid, (unsigned) st.st_gid);
        if (S_ISREG(st.st_mode)) {
                (void) buffer_printf(
                                &m->out, " size=%jd nlink=%ju", (intmax_t) st.st_size,
                                (uintmax_t) st.st_nlink);
                r = manifest_data(m, path, &st);
                if (r < 0)
                        return r;
        } else if (S_ISLNK(st.st_mode)) {
                char target[4096];
                ssize_t k = readlink(path, target, sizeof target - 1);
                if (k < 0)
                        return -errno;
                target[k] = '\0';
                (void) buffer_append_str(&m->out, " target=");
                escape(&m->out, target);
                (void) buffer_printf(&m->out, " nlink=%ju", (uintmax_t) st.st_nlink);
        } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
                (void) buffer_printf(&m->out, " rdev=%u:%u", major(st.st_rdev), minor(st.st_rdev));
        if (!S_ISLNK(st.st_mode))
                (void) buffer_printf(
                                &m->out, " atime=%jd.%09ld", (intmax_t) st.st_atim.tv_sec,
                                st.st_atim.tv_nsec);
        (void) buffer_printf(
                        &m->out, " mtime=%jd.%09ld", (intmax_t) st.st_mtim.tv_sec,
                        st.st_mtim.tv_nsec);
        r = manifest_xattrs(m, path);
        if (r < 0)
                return r;
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
                const char *first = NULL;
                for (size_t i = 0; i < m->n_links; i++)
                        if (m->links[i].ino == st.st_ino)
                                first = m->links[i].path;
                if (!first) {
                        void *l = realloc(m->links, (m->n_links + 1) * sizeof *m->links);
                        if (!l)
                                return -ENOMEM;
                        m->links = l;
                        m->links[m->n_links].ino = st.st_ino;
                        m->links[m->n_links].path = strdup(rel);
                        first = m->links[m->n_links++].path;
                }
                (void) buffer_append_str(&m->out, " link=");
                escape(&m->out, first);
        }
        (void) buffer_append_char(&m->out, '\n');
        if (!S_ISDIR(st.st_mode))
                return 0;

        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                (void) close(fd);
                return -errno;
        }
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (top && in_list(m->skip_top, de->d_name))
                        continue;
                char **l = realloc(names, (n + 1) * sizeof *names);
                if (!l)
                        break;
                names = l;
                names[n++] = strdup(de->d_name);
        }
        (void) closedir(d);
        if (n > 0)
                qsort(names, n, sizeof *names, compare_strings);
        r = 0;
        for (size_t i = 0; i < n; i++) {
                char *child = NULL, *child_rel = NULL;
                if (r >= 0 && asprintf(&child, "%s/%s", path, names[i]) >= 0 &&
                    asprintf(&child_rel, "%s/%s", rel, names[i]) >= 0)
                        r = manifest_walk(m, child, child_rel, false);
                free(child);
                free(child_rel);
                free(names[i]);
        }
        free(names);
        return r;
}

int tsu_manifest(
                const char *dir,
                const char *const *opaque,
                const char *const *skip_top,
                bool holes,
                char **ret) {
        Manifest m = {.out = BUFFER_INIT, .opaque = opaque, .skip_top = skip_top, .holes = holes};
        struct stat st;

        if (lstat(dir, &st) < 0)
                return -errno;
        m.dev = st.st_dev;
        int r = manifest_walk(&m, dir, ".", true);
        for (size_t i = 0; i < m.n_links; i++)
                free(m.links[i].path);
        free(m.links);
        if (r < 0) {
                buffer_done(&m.out);
                return r;
        }
        if (getenv("TSU_DUMP_MANIFEST"))
                (void) fprintf(stderr, "manifest of %s:\n%s", dir, m.out.data ? m.out.data : "");
        *ret = buffer_steal(&m.out);
        return *ret ? 0 : -ENOMEM;
}

void tsu_manifest_diff(const char *a, const char *b) {
        size_t line = 1;
        const char *la = a, *lb = b;
        while (*a && *a == *b) {
                if (*a == '\n') {
                        line++;
                        la = a + 1;
                        lb = b + 1;
                }
                a++;
                b++;
        }
        if (!*a && !*b)
                return;
        const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
        (void) fprintf(stderr, "manifests differ at line %zu:\n- %.*s\n+ %.*s\n", line,
                       (int) (ea ? ea - la : (ptrdiff_t) strlen(la)), la,
                       (int) (eb ? eb - lb : (ptrdiff_t) strlen(lb)), lb);
}

int tsu_count_entries(const char *dir) {
        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        n++;
        (void) closedir(d);
        return n;
}

static int rm_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        return (type == FTW_DP ? rmdir(fpath) : unlink(fpath)) < 0 ? -1 : 0;
}

int tsu_rm_rf(const char *path) {
        if (nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
                return errno == ENOENT ? 0 : -errno;
        return 0;
}

int tsu_all_extents_shared(const char *path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
        if (fd < 0)
                return -errno;
        size_t size = sizeof(struct fiemap) + 256 * sizeof(struct fiemap_extent);
        struct fiemap *fm = calloc(1, size);
        if (!fm) {
                (void) close(fd);
                return -ENOMEM;
        }
        fm->fm_length = FIEMAP_MAX_OFFSET;
        fm->fm_flags = FIEMAP_FLAG_SYNC;
        fm->fm_extent_count = 256;
        int r = ioctl(fd, FS_IOC_FIEMAP, fm) < 0 ? -errno : 1;
        if (r > 0 && fm->fm_mapped_extents == 0)
                r = 0;
        for (unsigned i = 0; r > 0 && i < fm->fm_mapped_extents; i++)
                if (!(fm->fm_extents[i].fe_flags & FIEMAP_EXTENT_SHARED))
                        r = 0;
        free(fm);
        (void) close(fd);
        return r;
}

long long tsu_allocated(const char *path) {
        struct stat st;
        if (lstat(path, &st) < 0)
                return -errno;
        return (long long) st.st_blocks * 512;
}
