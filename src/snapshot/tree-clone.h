/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The tree copy the reflink and copy providers share (docs/PROVIDERS.md, "The tree walker").
 *
 * It reproduces a directory tree faithfully: directories, regular files (cloned with FICLONE or
 * copied with copy_file_range, holes kept), symbolic links, hard links (one inode, several
 * names), device nodes, FIFOs and sockets, with mode, owner, access and modification times in
 * nanoseconds and extended attributes (so POSIX ACLs and file capabilities). It never follows a
 * symbolic link, never crosses into another filesystem or mount (a mount point, or a nested btrfs
 * subvolume, becomes an empty directory with the mount root's mode, owner and times; a file
 * mounted over a file is left out) and never copies a provider's area (a directory named
 * ".linvss-snapshots", or one of the excluded directories). Every call is relative to a
 * directory fd. The walk is iterative, with one frame per directory level, up to
 * TREE_CLONE_DEPTH_MAX levels (two fds each). */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TREE_CLONE_DEPTH_MAX 256

typedef enum TreeCloneMode {
        TREE_CLONE_REFLINK, /* share the data blocks (FICLONE): same filesystem only */
        TREE_CLONE_COPY,    /* copy the data, keeping holes */
} TreeCloneMode;

/* A directory never to copy, by identity. */
typedef struct TreeCloneExclude {
        dev_t dev;
        ino_t ino;
} TreeCloneExclude;

typedef struct TreeCloneStats {
        uint64_t directories, files, symlinks, specials, hard_links, mount_points, bytes;
} TreeCloneStats;

/* Copies the tree of the directory 'src_fd' into the empty directory 'dst_fd' (both borrowed)
 * and gives 'dst_fd' the attributes of 'src_fd' last. Files that vanish while the tree is walked
 * are left out. On failure what was made is left for the caller to remove (tree_remove()), and
 * *reterr_message names the file, as "<src_label>/<path>": -ENOSPC when the destination is full
 * (or over quota), -EOPNOTSUPP when a file cannot be cloned or an attribute not kept there,
 * -E2BIG beyond TREE_CLONE_DEPTH_MAX levels, -errno otherwise. 'ret_stats' may be NULL. */
int tree_clone(int src_fd,
               int dst_fd,
               TreeCloneMode mode,
               const TreeCloneExclude *excludes,
               size_t n_excludes,
               const char *src_label,
               TreeCloneStats *ret_stats,
               char **reterr_message);
