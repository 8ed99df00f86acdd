/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* File descriptor helpers. */

#include <stddef.h>

/* Writes all 'size' bytes, retrying on EINTR and short writes. 0, or a negative errno. */
int write_all(int fd, const void *data, size_t size);
