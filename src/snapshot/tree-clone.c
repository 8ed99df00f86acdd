/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "tree-clone.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "buffer.h"
#include "log.h"
#include "macro.h"
#include "snapshot-internal.h"

#define COPY_BUFFER_SIZE  ((size_t) 256 * 1024)
#define XATTR_LIST_STACK  4096U
#define XATTR_VALUE_STACK 4096U

/* ---- Hard links: (dev, ino) → the path of the first copy, relative to the roots ---------- */

typedef struct LinkEntry {
        dev_t dev;
        ino_t ino;
        char *path;
} LinkEntry;

typedef struct LinkMap {
        LinkEntry *entries;
        size_t n, allocated; /* allocated: 0 or a power of two */
} LinkMap;

static size_t link_hash(dev_t dev, ino_t ino) {
        uint64_t x = (uint64_t) ino ^ ((uint64_t) dev * 0x9e3779b97f4a7c15ULL);
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebULL;
        x ^= x >> 31;
        return (size_t) x;
}

static LinkEntry *link_map_slot(LinkEntry *entries, size_t allocated, dev_t dev, ino_t ino) {
        size_t i = link_hash(dev, ino) & (allocated - 1);
        while (entries[i].path && !(entries[i].dev == dev && entries[i].ino == ino))
                i = (i + 1) & (allocated - 1);
        return &entries[i];
}

static const char *link_map_get(const LinkMap *m, dev_t dev, ino_t ino) {
        if (m->allocated == 0)
                return NULL;
        return link_map_slot(m->entries, m->allocated, dev, ino)->path;
}

/* Takes 'path' (freed on failure too). */
static int link_map_put(LinkMap *m, dev_t dev, ino_t ino, char *path) {
        if (!path)
                return -ENOMEM;
        if ((m->n + 1) * 2 > m->allocated) {
                size_t n = m->allocated ? m->allocated * 2 : 64;
                LinkEntry *e = calloc(n, sizeof *e);
                if (!e) {
                        free(path);
                        return -ENOMEM;
                }
                for (size_t i = 0; i < m->allocated; i++)
                        if (m->entries[i].path)
                                *link_map_slot(e, n, m->entries[i].dev, m->entries[i].ino) =
                                                m->entries[i];
                free(m->entries);
                m->entries = e;
                m->allocated = n;
        }
        LinkEntry *slot = link_map_slot(m->entries, m->allocated, dev, ino);
        if (slot->path) {
                free(path);
                return 0;
        }
        *slot = (LinkEntry){.dev = dev, .ino = ino, .path = path};
        m->n++;
        return 0;
}

static void link_map_done(LinkMap *m) {
        for (size_t i = 0; i < m->allocated; i++)
                free(m->entries[i].path);
        free(m->entries);
        *m = (LinkMap){};
}

/* ---- The walk ---------------------------------------------------------------------------- */

typedef struct Frame {
        DIR *src;         /* owns the source directory's fd */
        int dst_fd;       /* owned, except the root's */
        struct statx stx; /* the source directory's, for its attributes when it is done */
        size_t path_len;  /* the relative path's length up to and including this directory */
} Frame;

typedef struct Clone {
        TreeCloneMode mode;
        dev_t dev;
        uint64_t mount_id;
        const TreeCloneExclude *excludes;
        size_t n_excludes;
        const char *label;
        int dst_root_fd;
        Buffer path; /* of the entry at hand, relative to the roots; "" for the roots */
        LinkMap links;
        uint8_t *copy_buffer;
        bool copy_file_range_unusable;
        TreeCloneStats stats;
        char **reterr_message;
} Clone;

static void path_truncate(Clone *c, size_t n) {
        if (c->path.data) {
                c->path.size = n;
                c->path.data[n] = '\0';
        }
}

static int path_push(Clone *c, const char *name) {
        if (c->path.size > 0) {
                int r = buffer_append_char(&c->path, '/');
                if (r < 0)
                        return r;
        }
        return buffer_append_str(&c->path, name);
}

/* Fails the copy of the entry at hand: "cannot <what> '<label>/<path>': <error>". A full or
 * over-quota destination is -ENOSPC whatever the call said. */
static int fail(Clone *c, int r, const char *what) {
        int e = r == -EDQUOT ? -ENOSPC : r;
        const char *p = c->path.size > 0 ? c->path.data : "";
        (void) snapshot_error(
                        c->reterr_message, r, "cannot %s '%s%s%s': %m", what, c->label,
                        c->path.size > 0 && !streq(c->label, "/") ? "/" : "", p);
        return e;
}

static void timestamps(const struct statx *sx, struct timespec ts[2]) {
        ts[0] = (struct timespec){.tv_sec = sx->stx_atime.tv_sec, .tv_nsec = sx->stx_atime.tv_nsec};
        ts[1] = (struct timespec){.tv_sec = sx->stx_mtime.tv_sec, .tv_nsec = sx->stx_mtime.tv_nsec};
}

static void proc_fd_path(int fd, char buf[static 32]) {
        (void) snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* Extended attributes go through fds; for symbolic links and special files, which cannot be
 * opened for I/O, through /proc/self/fd/N of an O_PATH fd, which names the inode itself. */
typedef struct XattrTarget {
        int fd;
        bool by_path;
        char path[32];
} XattrTarget;

static XattrTarget xattr_target(int fd, bool by_path) {
        XattrTarget t = {.fd = fd, .by_path = by_path};
        if (by_path)
                proc_fd_path(fd, t.path);
        return t;
}

static ssize_t xt_list(const XattrTarget *t, char *buf, size_t size) {
        return t->by_path ? listxattr(t->path, buf, size) : flistxattr(t->fd, buf, size);
}

static ssize_t xt_get(const XattrTarget *t, const char *name, void *buf, size_t size) {
        return t->by_path ? getxattr(t->path, name, buf, size) : fgetxattr(t->fd, name, buf, size);
}

static int xt_set(const XattrTarget *t, const char *name, const void *value, size_t size) {
        return t->by_path ? setxattr(t->path, name, value, size, 0)
                          : fsetxattr(t->fd, name, value, size, 0);
}

/* Reads the list of names: into 'stack' when it fits, else into *ret_heap. */
static ssize_t xattr_list(const XattrTarget *t, char *stack, size_t stack_size, char **ret_heap) {
        ssize_t n = xt_list(t, stack, stack_size);
        while (n < 0 && errno == ERANGE) {
                n = xt_list(t, NULL, 0);
                if (n < 0)
                        break;
                free(*ret_heap);
                *ret_heap = malloc((size_t) n + 1);
                if (!*ret_heap) {
                        errno = ENOMEM;
                        return -1;
                }
                n = xt_list(t, *ret_heap, (size_t) n + 1);
        }
        return n;
}

static int copy_xattrs(Clone *c, const XattrTarget *src, const XattrTarget *dst) {
        char names_stack[XATTR_LIST_STACK], value_stack[XATTR_VALUE_STACK];
        vss_autofree char *names_heap = NULL;
        vss_autofree char *value_heap = NULL;
        char what[512];

        ssize_t n = xattr_list(src, names_stack, sizeof names_stack, &names_heap);
        if (n < 0) {
                if (errno == EOPNOTSUPP)
                        return 0; /* the source's filesystem has none */
                return fail(c, -errno, "list the extended attributes of");
        }
        const char *names = names_heap ? names_heap : names_stack;

        for (ssize_t i = 0; i < n; i += (ssize_t) strlen(names + i) + 1) {
                const char *name = names + i;
                char *value = value_stack;
                size_t value_size = sizeof value_stack;

                ssize_t k;
                for (;;) {
                        k = xt_get(src, name, value, value_size);
                        if (k >= 0 || errno != ERANGE)
                                break;
                        k = xt_get(src, name, NULL, 0);
                        if (k < 0)
                                break;
                        free(value_heap);
                        value_heap = malloc((size_t) k + 1);
                        if (!value_heap)
                                return fail(c, -ENOMEM, "read the extended attributes of");
                        value = value_heap;
                        value_size = (size_t) k + 1;
                }
                if (k < 0 && errno == ENODATA)
                        continue; /* removed since it was listed */
                if (k < 0) {
                        (void) snprintf(what, sizeof what, "read the extended attribute '%s' of",
                                        name);
                        return fail(c, -errno, what);
                }
                if (xt_set(dst, name, value, (size_t) k) < 0) {
                        int e = errno;
                        /* btrfs properties ("btrfs.compression") are settings of the source's
                         * filesystem, not data: kept where the destination takes them. */
                        if (e == EOPNOTSUPP && strncmp(name, "btrfs.", 6) == 0) {
                                log_debug("Not keeping '%s' of '%s': %s.", name, c->path.data,
                                          strerror(e));
                                continue;
                        }
                        (void) snprintf(what, sizeof what, "keep the extended attribute '%s' of",
                                        name);
                        return fail(c, e == EOPNOTSUPP ? -EOPNOTSUPP : -e, what);
                }
        }
        return 0;
}

/* Owner, mode, extended attributes and times of an entry whose destination is open as 'dst'
 * (an O_PATH fd when 'by_path'), in the order that keeps each: chown clears set-id bits and
 * file capabilities, writing changes the times. */
static int copy_attributes(Clone *c, int src, int dst, bool by_path, const struct statx *sx) {
        struct timespec ts[2];
        char p[32];

        if (by_path) {
                proc_fd_path(dst, p);
                if (fchownat(dst, "", sx->stx_uid, sx->stx_gid,
                             AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
                        return fail(c, -errno, "set the owner of");
                /* Symbolic links have no mode of their own. */
                if (!S_ISLNK(sx->stx_mode) && chmod(p, sx->stx_mode & 07777) < 0)
                        return fail(c, -errno, "set the mode of");
        } else {
                if (fchown(dst, sx->stx_uid, sx->stx_gid) < 0)
                        return fail(c, -errno, "set the owner of");
                if (fchmod(dst, sx->stx_mode & 07777) < 0)
                        return fail(c, -errno, "set the mode of");
        }

        XattrTarget s = xattr_target(src, by_path), d = xattr_target(dst, by_path);
        int r = copy_xattrs(c, &s, &d);
        if (r < 0)
                return r;

        timestamps(sx, ts);
        if (by_path ? utimensat(dst, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0
                    : futimens(dst, ts) < 0)
                return fail(c, -errno, "set the times of");
        return 0;
}

/* Copies [offset, offset + size) with copy_file_range(), or read and write when the two
 * filesystems cannot. Returns the bytes copied: fewer when the source shrank meanwhile. */
static int64_t copy_range(Clone *c, int src, int dst, off_t offset, uint64_t size) {
        uint64_t done = 0;

        while (done < size && !c->copy_file_range_unusable) {
                off_t in = offset + (off_t) done, out = in;
                size_t want = (size_t) MIN(size - done, (uint64_t) 1 << 30);
                ssize_t k = copy_file_range(src, &in, dst, &out, want, 0);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        if (done == 0 && (errno == EXDEV || errno == EOPNOTSUPP ||
                                          errno == ENOSYS || errno == EINVAL)) {
                                log_debug("copy_file_range() does not work here (%s): reading "
                                          "and writing instead.",
                                          strerror(errno));
                                c->copy_file_range_unusable = true;
                                break;
                        }
                        return fail(c, -errno, "copy");
                }
                if (k == 0)
                        return (int64_t) done;
                done += (uint64_t) k;
        }

        if (done < size && !c->copy_buffer) {
                c->copy_buffer = malloc(COPY_BUFFER_SIZE);
                if (!c->copy_buffer)
                        return fail(c, -ENOMEM, "copy");
        }
        while (done < size) {
                size_t want = (size_t) MIN(size - done, (uint64_t) COPY_BUFFER_SIZE);
                ssize_t k = pread(src, c->copy_buffer, want, offset + (off_t) done);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return fail(c, -errno, "read");
                }
                if (k == 0)
                        break;
                for (ssize_t w = 0; w < k;) {
                        ssize_t m =
                                        pwrite(dst, c->copy_buffer + w, (size_t) (k - w),
                                               offset + (off_t) done + w);
                        if (m < 0) {
                                if (errno == EINTR)
                                        continue;
                                return fail(c, -errno, "write the copy of");
                        }
                        w += m;
                }
                done += (uint64_t) k;
        }
        return (int64_t) done;
}

/* Copies the data of a regular file, leaving holes where the source has them. */
static int copy_data(Clone *c, int src, int dst, const struct statx *sx) {
        uint64_t size = sx->stx_size, end = size;
        bool sparse = sx->stx_blocks * 512 < size; /* fewer blocks than bytes: holes */
        uint64_t offset = 0;

        while (offset < size) {
                uint64_t data = offset, hole = size;
                if (sparse) {
                        off_t d = lseek(src, (off_t) offset, SEEK_DATA);
                        if (d < 0 && errno == ENXIO)
                                break; /* a hole up to the end */
                        if (d < 0 && (errno == EINVAL || errno == EOPNOTSUPP))
                                sparse = false; /* the filesystem cannot tell: copy it all */
                        else if (d < 0)
                                return fail(c, -errno, "find the data of");
                        else {
                                off_t h = lseek(src, d, SEEK_HOLE);
                                if (h < 0)
                                        return fail(c, -errno, "find the holes of");
                                data = (uint64_t) d;
                                hole = MIN((uint64_t) h, size);
                        }
                }
                if (data >= size)
                        break;
                int64_t k = copy_range(c, src, dst, (off_t) data, hole - data);
                if (k < 0)
                        return (int) k;
                if ((uint64_t) k < hole - data) {
                        end = data + (uint64_t) k; /* it shrank under us */
                        break;
                }
                offset = hole;
        }
        if (ftruncate(dst, (off_t) end) < 0)
                return fail(c, -errno, "set the size of");
        c->stats.bytes += end;
        return 0;
}

static int clone_data(Clone *c, int src, int dst, const struct statx *sx) {
        if (sx->stx_size == 0)
                return 0;
        if (ioctl(dst, FICLONE, src) >= 0) {
                c->stats.bytes += sx->stx_size;
                return 0;
        }
        int e = errno;
        if (e == EOPNOTSUPP || e == EXDEV || e == ENOTTY || e == ENOSYS)
                return fail(c, -EOPNOTSUPP, "clone (the filesystem has no reflinks)");
        if (e != EINVAL && e != ETXTBSY)
                return fail(c, -e, "clone");

        /* btrfs refuses to share the blocks of a no-copy-on-write file with a copy-on-write
         * one: make the copy no-copy-on-write too (only possible while it is empty). */
        int flags = 0;
        if (e == EINVAL && ioctl(src, FS_IOC_GETFLAGS, &flags) >= 0 && (flags & FS_NOCOW_FL)) {
                int f = FS_NOCOW_FL;
                if (ioctl(dst, FS_IOC_SETFLAGS, &f) >= 0 && ioctl(dst, FICLONE, src) >= 0) {
                        c->stats.bytes += sx->stx_size;
                        return 0;
                }
        }
        /* Swap files, files in use for execution on some filesystems and the like cannot be
         * shared: copy those. */
        log_debug("Cannot clone '%s' (%s): copying it.", c->path.data, strerror(e));
        return copy_data(c, src, dst, sx);
}

static bool is_excluded(const Clone *c, const struct statx *sx) {
        dev_t dev = snapshot_statx_dev(sx);
        for (size_t i = 0; i < c->n_excludes; i++)
                if (c->excludes[i].dev == dev && c->excludes[i].ino == sx->stx_ino)
                        return true;
        return false;
}

static bool is_other_mount(const Clone *c, const struct statx *sx) {
        uint64_t mount_id = snapshot_statx_mount_id(sx);
        return snapshot_statx_dev(sx) != c->dev ||
               (mount_id != 0 && c->mount_id != 0 && mount_id != c->mount_id);
}

static int remember_link(Clone *c, const struct statx *sx) {
        if (sx->stx_nlink <= 1 || S_ISDIR(sx->stx_mode))
                return 0;
        int r = link_map_put(&c->links, snapshot_statx_dev(sx), sx->stx_ino, strdup(c->path.data));
        return r < 0 ? fail(c, r, "remember the hard links of") : 0;
}

/* Opens a source file or directory without following a symbolic link, without updating its
 * access time when we may, and without blocking should it have become a FIFO meanwhile. */
static int open_source(int dir_fd, const char *name, int flags) {
        flags |= O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        int fd = openat(dir_fd, name, flags | O_NOATIME);
        if (fd < 0 && errno == EPERM) /* O_NOATIME needs to own the file, or CAP_FOWNER */
                fd = openat(dir_fd, name, flags);
        return fd;
}

/* Copies the regular file open as 'src' (whose statx is *sx) as 'name' in 'dst_dir'. */
static int clone_regular(Clone *c, int src, int dst_dir, const char *name, const struct statx *sx) {
        vss_autoclose int dst = openat(
                        dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (dst < 0)
                return fail(c, -errno, "create the copy of");

        int r = c->mode == TREE_CLONE_REFLINK ? clone_data(c, src, dst, sx)
                                              : copy_data(c, src, dst, sx);
        if (r < 0)
                return r;
        r = copy_attributes(c, src, dst, false, sx);
        if (r < 0)
                return r;
        /* Some filesystems report a failed write-back only here. */
        if (close(TAKE_FD(dst)) < 0 && errno != EINTR)
                return fail(c, -errno, "write the copy of");
        c->stats.files++;
        return remember_link(c, sx);
}

/* Opens a regular file of the source and looks at it through the fd: 1 when it is one (*ret_fd
 * and *sx set), 0 when it vanished or is something else now, < 0 on failure. */
static int open_regular(Clone *c, int src_dir, const char *name, int *ret_fd, struct statx *sx) {
        vss_autoclose int fd = open_source(src_dir, name, 0);
        if (fd < 0)
                /* Gone, or a symbolic link (ELOOP) or a device without a driver now. */
                return errno == ENOENT || errno == ELOOP || errno == ENXIO || errno == ENODEV
                                       ? 0
                                       : fail(c, -errno, "open");
        int r = snapshot_statx(fd, "", sx);
        if (r < 0)
                return fail(c, r, "stat");
        if (!S_ISREG(sx->stx_mode))
                return 0;
        *ret_fd = TAKE_FD(fd);
        return 1;
}

static int
clone_symlink(Clone *c, int src_dir, int dst_dir, const char *name, const struct statx *sx) {
        size_t size = (size_t) MIN(sx->stx_size, (uint64_t) 65536) + 1;
        vss_autofree char *target = NULL;

        for (;;) {
                free(target);
                target = malloc(size);
                if (!target)
                        return fail(c, -ENOMEM, "read the symbolic link");
                ssize_t k = readlinkat(src_dir, name, target, size);
                if (k < 0)
                        return errno == ENOENT ? 0 : fail(c, -errno, "read the symbolic link");
                if ((size_t) k < size) {
                        target[k] = '\0';
                        break;
                }
                if (size > (size_t) 1024 * 1024)
                        return fail(c, -ENAMETOOLONG, "read the symbolic link");
                size *= 2;
        }
        if (symlinkat(target, dst_dir, name) < 0)
                return fail(c, -errno, "create the copy of");
        c->stats.symlinks++;
        return 0;
}

static int clone_special(Clone *c, int dst_dir, const char *name, const struct statx *sx) {
        dev_t rdev = makedev(sx->stx_rdev_major, sx->stx_rdev_minor);
        if (mknodat(dst_dir, name, (sx->stx_mode & S_IFMT) | 0600, rdev) < 0)
                return fail(c, -errno, "create the copy of");
        c->stats.specials++;
        return 0;
}

/* Symbolic links and special files: made by name, their attributes set through O_PATH fds. */
static int
clone_other(Clone *c, int src_dir, int dst_dir, const char *name, const struct statx *sx) {
        vss_autoclose int src = openat(src_dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (src < 0)
                return errno == ENOENT ? 0 : fail(c, -errno, "open");
        int r = S_ISLNK(sx->stx_mode) ? clone_symlink(c, src_dir, dst_dir, name, sx)
                                      : clone_special(c, dst_dir, name, sx);
        if (r < 0)
                return r;
        vss_autoclose int dst = openat(dst_dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (dst < 0)
                return fail(c, -errno, "open the copy of");
        r = copy_attributes(c, src, dst, true, sx);
        if (r < 0)
                return r;
        return remember_link(c, sx);
}

/* A mount point inside the volume: an empty directory, as a btrfs snapshot shows a nested
 * subvolume, with the mount root's mode, owner and times. */
static int clone_mount_point(Clone *c, int dst_dir, const char *name, const struct statx *sx) {
        struct timespec ts[2];

        log_debug("Not entering '%s', which is another filesystem or mount.", c->path.data);
        if (mkdirat(dst_dir, name, 0700) < 0)
                return fail(c, -errno, "create the copy of");
        if (fchownat(dst_dir, name, sx->stx_uid, sx->stx_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return fail(c, -errno, "set the owner of");
        if (fchmodat(dst_dir, name, sx->stx_mode & 07777, 0) < 0)
                return fail(c, -errno, "set the mode of");
        timestamps(sx, ts);
        if (utimensat(dst_dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
                return fail(c, -errno, "set the times of");
        c->stats.mount_points++;
        return 0;
}

/* Opens the source and destination of a directory to descend into. */
static int clone_directory(Clone *c, Frame *parent, const char *name, Frame *ret) {
        int src_dir = dirfd(parent->src);

        int src = open_source(src_dir, name, O_DIRECTORY);
        if (src < 0)
                return errno == ENOENT ? 0 : fail(c, -errno, "open the directory");
        DIR *d = fdopendir(src);
        if (!d) {
                int e = -errno;
                (void) safe_close(src);
                return fail(c, e, "read the directory");
        }
        int r = snapshot_statx(src, "", &ret->stx);
        if (r < 0 || !S_ISDIR(ret->stx.stx_mode) || is_other_mount(c, &ret->stx)) {
                (void) closedir(d);
                return r < 0 ? fail(c, r, "stat")
                             : fail(c, -EAGAIN, "copy (it changed while being copied)");
        }
        if (mkdirat(parent->dst_fd, name, 0700) < 0) {
                int e = -errno;
                (void) closedir(d);
                return fail(c, e, "create the copy of");
        }
        int dst = openat(parent->dst_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dst < 0) {
                int e = -errno;
                (void) closedir(d);
                return fail(c, e, "open the copy of");
        }
        ret->src = d;
        ret->dst_fd = dst;
        ret->path_len = c->path.size;
        c->stats.directories++;
        return 1;
}

/* One entry of the directory 'f': 0 when done (copied or left out), 1 when it is a directory
 * to descend into (then *child is its frame), < 0 on failure. */
static int clone_entry(Clone *c, Frame *f, const struct dirent *de, size_t depth, Frame *child) {
        const char *name = de->d_name;
        int src_dir = dirfd(f->src);
        vss_autoclose int src = -EBADF;
        struct statx sx;
        int r;

        /* Most entries are regular files: those are opened first and looked at through the fd,
         * which saves a stat by name. Anything else, or a file that is no longer one, is looked
         * at by name (without triggering an automount). */
        if (de->d_type == DT_REG) {
                r = open_regular(c, src_dir, name, &src, &sx);
                if (r < 0)
                        return r;
        }
        if (src < 0) {
                r = snapshot_statx(src_dir, name, &sx);
                if (r == -ENOENT)
                        return 0; /* gone since it was listed */
                if (r < 0)
                        return fail(c, r, "stat");
        }

        if (S_ISDIR(sx.stx_mode) && (streq(name, SNAPSHOT_AREA_NAME) || is_excluded(c, &sx))) {
                log_debug("Leaving out '%s', a snapshot area.", c->path.data);
                return 0;
        }
        if (is_other_mount(c, &sx)) {
                if (S_ISDIR(sx.stx_mode))
                        return clone_mount_point(c, f->dst_fd, name, &sx);
                log_debug("Leaving out '%s', a file mounted over a file.", c->path.data);
                return 0;
        }

        if (!S_ISDIR(sx.stx_mode) && sx.stx_nlink > 1) {
                const char *first = link_map_get(&c->links, snapshot_statx_dev(&sx), sx.stx_ino);
                if (first) {
                        if (linkat(c->dst_root_fd, first, f->dst_fd, name, 0) < 0)
                                return fail(c, -errno, "link the copy of");
                        c->stats.hard_links++;
                        return 0;
                }
        }

        switch (sx.stx_mode & S_IFMT) {
        case S_IFDIR:
                if (depth + 1 > TREE_CLONE_DEPTH_MAX) {
                        char what[128];
                        (void) snprintf(what, sizeof what,
                                        "copy (it is more than %d directories deep)",
                                        TREE_CLONE_DEPTH_MAX);
                        return fail(c, -E2BIG, what);
                }
                return clone_directory(c, f, name, child);
        case S_IFREG:
                if (src < 0) {
                        r = open_regular(c, src_dir, name, &src, &sx);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                return fail(c, -EAGAIN, "copy (it changed while being copied)");
                }
                return clone_regular(c, src, f->dst_fd, name, &sx);
        case S_IFLNK:
        case S_IFCHR:
        case S_IFBLK:
        case S_IFIFO:
        case S_IFSOCK:
                return clone_other(c, src_dir, f->dst_fd, name, &sx);
        default:
                return fail(c, -EOPNOTSUPP, "copy (unknown file type)");
        }
}

/* A directory is done: its attributes, now that nothing more is written into it. */
static int finish_directory(Clone *c, Frame *f) {
        return copy_attributes(c, dirfd(f->src), f->dst_fd, false, &f->stx);
}

static void frame_close(Frame *f, bool root) {
        if (f->src)
                (void) closedir(f->src);
        if (!root)
                (void) safe_close(f->dst_fd);
        *f = (Frame){.dst_fd = -EBADF};
}

int tree_clone(int src_fd,
               int dst_fd,
               TreeCloneMode mode,
               const TreeCloneExclude *excludes,
               size_t n_excludes,
               const char *src_label,
               TreeCloneStats *ret_stats,
               char **reterr_message) {
        Clone c = {
                        .mode = mode,
                        .excludes = excludes,
                        .n_excludes = n_excludes,
                        .label = src_label ? src_label : ".",
                        .dst_root_fd = dst_fd,
                        .path = BUFFER_INIT,
                        .reterr_message = reterr_message,
        };
        size_t depth = 0;
        int r;

        assert(src_fd >= 0);
        assert(dst_fd >= 0);
        assert(excludes || n_excludes == 0);

        Frame *stack = calloc(TREE_CLONE_DEPTH_MAX + 1, sizeof(Frame));
        if (!stack)
                return -ENOMEM;
        /* The root: a new open file description of its own, for its own directory offset. */
        int fd = openat(src_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                r = fail(&c, -errno, "open the directory");
                goto finish;
        }
        stack[0].src = fdopendir(fd);
        if (!stack[0].src) {
                r = fail(&c, -errno, "read the directory");
                (void) safe_close(fd);
                goto finish;
        }
        stack[0].dst_fd = dst_fd;
        r = snapshot_statx(fd, "", &stack[0].stx);
        if (r < 0) {
                r = fail(&c, r, "stat");
                goto finish;
        }
        c.dev = snapshot_statx_dev(&stack[0].stx);
        c.mount_id = snapshot_statx_mount_id(&stack[0].stx);

        /* Nothing the destination inherits: a default ACL above it would spread to each new
         * file before the file's own attributes are set. */
        (void) fremovexattr(dst_fd, "system.posix_acl_default");
        (void) fremovexattr(dst_fd, "system.posix_acl_access");

        for (;;) {
                Frame *f = &stack[depth];

                errno = 0;
                struct dirent *de = readdir(f->src);
                if (!de) {
                        if (errno != 0) {
                                r = fail(&c, -errno, "read the directory");
                                goto finish;
                        }
                        r = finish_directory(&c, f);
                        if (r < 0)
                                goto finish;
                        frame_close(f, depth == 0);
                        if (depth == 0)
                                break;
                        depth--;
                        path_truncate(&c, stack[depth].path_len);
                        continue;
                }
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;

                r = path_push(&c, de->d_name);
                if (r < 0) {
                        r = fail(&c, r, "copy");
                        goto finish;
                }
                r = clone_entry(&c, f, de, depth, &stack[depth + 1]);
                if (r < 0)
                        goto finish;
                if (r > 0)
                        depth++;
                else
                        path_truncate(&c, f->path_len);
        }

        if (ret_stats)
                *ret_stats = c.stats;
        r = 0;

finish:
        for (size_t i = 0; i <= TREE_CLONE_DEPTH_MAX; i++)
                if (stack[i].src)
                        frame_close(&stack[i], i == 0);
        free(stack);
        free(c.copy_buffer);
        link_map_done(&c.links);
        buffer_done(&c.path);
        return r;
}
