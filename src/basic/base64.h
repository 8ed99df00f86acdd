/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Base64 (RFC 4648 §4, standard alphabet, '=' padding) with a strict decoder: it accepts only the
 * canonical encoding, so that decode → encode gives back the same text. */

#include <stddef.h>
#include <stdint.h>

/* Encodes 'n' bytes at 'p'. On success stores a NUL-terminated string in *ret (you now own it;
 * "" for n == 0) and returns 0. -ENOMEM, or -E2BIG if the result would not fit. */
int base64_encode(const void *p, size_t n, char **ret);

/* Decodes 'n' characters at 's'. Refuses (-EINVAL) anything but canonical base64: characters
 * outside the alphabet, whitespace, a length that is not a multiple of 4, misplaced padding, and
 * non-zero bits in the last character before the padding. On success stores the bytes in *ret
 * (you now own them; NULL when the result is empty) and their number in *ret_size. -ENOMEM. */
int base64_decode(const char *s, size_t n, uint8_t **ret, size_t *ret_size);
