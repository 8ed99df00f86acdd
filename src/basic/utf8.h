/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* UTF-8 decoding and validation. Strict: overlong forms, surrogates and code points above
 * U+10FFFF are invalid. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from the 'n' bytes at 's'. Returns the number of bytes used (1..4) and
 * stores the code point, or -EILSEQ if the bytes are not valid UTF-8 (also when truncated). */
int utf8_decode(const char *s, size_t n, uint32_t *ret);

/* Encodes 'cp' into 'out' (4 bytes of room). Returns the number of bytes, or -EINVAL for a
 * surrogate or a value above U+10FFFF. */
int utf8_encode(uint32_t cp, char *out);

bool utf8_is_valid_n(const char *s, size_t n);
bool utf8_is_valid(const char *s);

/* Number of code points in a valid UTF-8 string, or -EILSEQ if it is not valid. */
long utf8_n_codepoints(const char *s);
