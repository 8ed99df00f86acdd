/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Removes the entry 'name' of the directory 'dir_fd' (borrowed) and, if it is a directory,
 * everything below it, at any depth: one directory fd open at a time, never following a symbolic
 * link, never entering another filesystem or mount (that is -EBUSY: whatever is mounted inside
 * stays, and so does the way to it). 0 when removed or already absent; else a negative errno,
 * with *reterr_message naming the entry as "<label>/<path>". */
int tree_remove(int dir_fd, const char *name, const char *label, char **reterr_message);
