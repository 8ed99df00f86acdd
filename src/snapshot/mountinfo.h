/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A parser of /proc/<pid>/mountinfo (proc(5)), one line per mount:
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7…)  (-) (8)    (9)          (10)
 *
 * mount id, parent id, major:minor, root of the mount in its filesystem, mount point, per-mount
 * options, zero or more optional fields ending at a lone "-", filesystem type, mount source,
 * superblock options. The kernel escapes space, tab, newline and backslash (and '#' in the
 * source) as a backslash and three octal digits ("\040"); the parser decodes them. It treats the
 * text as untrusted: any line that is not in this shape makes it return -EBADMSG. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct MountInfo {
        uint64_t mount_id;
        uint64_t parent_id;
        dev_t dev;
        char *root;          /* decoded */
        char *mount_point;   /* decoded, absolute */
        char *mount_options; /* as written: "rw,relatime" */
        char *optional;      /* the optional fields as written, space-separated, maybe "" */
        char *fs_type;       /* decoded: "ext4", "fuse.sshfs" */
        char *source;        /* decoded, maybe "" */
        char *super_options; /* as written, maybe "" */
} MountInfo;

#define MOUNTINFO_INIT \
        {}

void mountinfo_done(MountInfo *m);

/* Parses one line (without its newline; 'size' bytes, no NUL needed) into *ret, which the caller
 * initialised with MOUNTINFO_INIT or mountinfo_done() (it is overwritten). 0, -EBADMSG, -ENOMEM;
 * on failure *ret is left empty. */
int mountinfo_parse_line(const char *line, size_t size, MountInfo *ret);

/* Whether the mount is read-only: "ro" among its per-mount or its superblock options. */
bool mountinfo_is_read_only(const MountInfo *m);

/* Decodes the kernel's octal escapes ("\040" → ' '). -EBADMSG for a backslash not followed by
 * three octal digits of a value from 1 to 255, or a NUL byte in the input. You now own *ret. */
int mountinfo_unescape(const char *s, size_t size, char **ret);

/* Encodes the way the kernel does: space, tab, newline, backslash and '#' as "\ooo". You now own
 * the result; NULL when out of memory. */
char *mountinfo_escape(const char *s);

/* Formats the entry as a mountinfo line (no newline). You now own the result; NULL when out of
 * memory. */
char *mountinfo_format(const MountInfo *m);

/* Finds the mount holding the absolute, canonical path 'path' in the mountinfo text: with
 * 'mount_id' not 0 the entry with that id (the last one, should the text hold several), whose
 * mount point must contain 'path'; else the longest mount point that contains 'path' (a whole
 * prefix of components), preferring the ones whose device is 'dev' and, among equally long ones,
 * the last listed (the one mounted on top). 0 with *ret set, -ENOENT when no mount fits,
 * -EBADMSG when a line cannot be parsed, -ENOMEM. */
int mountinfo_find(
                const char *text,
                size_t size,
                const char *path,
                uint64_t mount_id,
                dev_t dev,
                MountInfo *ret);

/* Whether the absolute path 'prefix' is 'path' or one of its ancestors, component-wise ("/a" is
 * a prefix of "/a" and "/a/b", not of "/ab"; "/" is a prefix of every absolute path). */
bool mountinfo_path_contains(const char *prefix, const char *path);
