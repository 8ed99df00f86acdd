/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* File descriptor helpers. */

#include <stddef.h>
#include <sys/types.h>

/* Writes all 'size' bytes, retrying on EINTR and short writes. 0, or a negative errno. */
int write_all(int fd, const void *data, size_t size);

/* Replaces the file at 'path' with 'data', durably and atomically: a temporary file beside it is
 * written, fsync'ed and renamed over it, then the directory is fsync'ed. Readers see the old or
 * the new content, never a mix; a crash loses nothing that was there. 'mode' is the new file's
 * mode. 0, or a negative errno (the old file is then untouched). */
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);
