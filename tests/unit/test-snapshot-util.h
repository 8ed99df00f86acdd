/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers of the snapshot provider tests: filesystems on loop devices in a private mount
 * namespace, a tree full of awkward things, and a manifest that describes a tree completely
 * (content, holes, mode, owner, times, extended attributes, link structure) so that two trees
 * are equal exactly when their manifests are. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Makes the process's mounts private to it: everything mounted afterwards goes away, and loop
 * devices attached with tsu_mount_image() are released, when the process ends, however it ends.
 * 0, or -errno. */
int tsu_private_mounts(void);

/* Makes a sparse image file 'image' of 'size_mb' MiB, runs 'mkfs' (argv, NULL-terminated, the
 * image path appended) on it quietly and mounts it at 'dir' (created) with the filesystem type
 * 'fs_type', mount flags 'flags' and 'options' through a loop device that is released when
 * unmounted. 0, or -errno with a message on stderr. */
int tsu_mount_image(
                const char *image,
                unsigned size_mb,
                const char *const *mkfs,
                const char *dir,
                const char *fs_type,
                unsigned long flags,
                const char *options);

/* Unmounts (lazily) every mount at or below 'dir', the innermost first. 0 or -errno. */
int tsu_umount_below(const char *dir);

/* Runs a program (argv, NULL-terminated) with its output discarded. Its exit status, or -errno. */
int tsu_run(const char *const *argv);

/* Writes a file with the given content, creating or truncating it. 0 or -errno. */
int tsu_write_file(const char *path, const void *data, size_t size, mode_t mode);

/* Builds the tree of awkward things in the directory 'dir' (created): content, holes, set-id
 * bits, owners, nanosecond times, extended attributes, POSIX ACLs, symbolic links (dangling,
 * absolute, with an owner and an attribute), hard links across directories, a FIFO, a socket,
 * character and block devices, names with spaces, newlines, tabs, backslashes and UTF-8, a
 * 255-byte name, a deep chain of directories, closed and read-only directories. 'big_xattrs'
 * adds more names and larger values than ext4 can hold. 0 or -errno. */
int tsu_populate(const char *dir, bool big_xattrs);

/* A deterministic pseudo-random fill. */
void tsu_fill(void *buf, size_t size, unsigned seed);

/* Describes the tree at 'dir' as sorted text, one line per entry (the root included, as "."),
 * reading without updating access times. Directories on another filesystem or mount, and the
 * relative paths listed in 'opaque' (NULL-terminated, may be NULL), are described as
 * "<path> opaque" and not entered; top-level entries named in 'skip_top' are left out. With
 * 'holes', where each file has data (in 4 KiB pages): only comparable between filesystems that
 * allocate alike (tmpfs may allocate 64 KiB at a time). You own *ret. 0 or -errno. */
int tsu_manifest(
                const char *dir,
                const char *const *opaque,
                const char *const *skip_top,
                bool holes,
                char **ret);

/* The bytes allocated to a file (st_blocks * 512), or -errno. */
long long tsu_allocated(const char *path);

/* Prints the first line where two manifests differ, for a failing assertion to explain. */
void tsu_manifest_diff(const char *a, const char *b);

/* The number of entries in a directory (without "." and ".."), or -errno. */
int tsu_count_entries(const char *dir);

/* Removes a tree (like rm -rf, without crossing mounts); 0 or -errno. */
int tsu_rm_rf(const char *path);

/* Whether every byte of 'path''s data is shared with another file (FIEMAP reports each extent
 * SHARED). 1 yes, 0 no, -errno. */
int tsu_all_extents_shared(const char *path);
