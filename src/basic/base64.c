/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "base64.h"

#include <stdint.h>
#include <stdlib.h>

#include "macro.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int decode_char(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -EINVAL;
}

int base64_encode(const void *p, size_t n, char **ret) {
        const uint8_t *in = p;

        assert(p || n == 0);
        assert(ret);

        if (n / 3 >= (SIZE_MAX - 1) / 4 - 1)
                return -E2BIG;
        size_t len = (n + 2) / 3 * 4;
        char *out = malloc(len + 1);
        if (!out)
                return -ENOMEM;

        char *o = out;
        size_t i = 0;
        for (; i + 3 <= n; i += 3) {
                uint32_t v = (uint32_t) in[i] << 16U | (uint32_t) in[i + 1] << 8U | in[i + 2];
                *o++ = alphabet[(v >> 18U) & 0x3FU];
                *o++ = alphabet[(v >> 12U) & 0x3FU];
                *o++ = alphabet[(v >> 6U) & 0x3FU];
                *o++ = alphabet[v & 0x3FU];
        }
        if (n - i == 1) {
                uint32_t v = (uint32_t) in[i] << 16U;
                *o++ = alphabet[(v >> 18U) & 0x3FU];
                *o++ = alphabet[(v >> 12U) & 0x3FU];
                *o++ = '=';
                *o++ = '=';
        } else if (n - i == 2) {
                uint32_t v = (uint32_t) in[i] << 16U | (uint32_t) in[i + 1] << 8U;
                *o++ = alphabet[(v >> 18U) & 0x3FU];
                *o++ = alphabet[(v >> 12U) & 0x3FU];
                *o++ = alphabet[(v >> 6U) & 0x3FU];
                *o++ = '=';
        }
        *o = 0;

        *ret = out;
        return 0;
}

int base64_decode(const char *s, size_t n, uint8_t **ret, size_t *ret_size) {
        assert(s || n == 0);
        assert(ret);
        assert(ret_size);

        if (n % 4 != 0)
                return -EINVAL;
        if (n == 0) {
                *ret = NULL;
                *ret_size = 0;
                return 0;
        }

        size_t pad = s[n - 1] == '=' ? (s[n - 2] == '=' ? 2 : 1) : 0;
        size_t size = n / 4 * 3 - pad;
        uint8_t *out = malloc(size);
        if (!out)
                return -ENOMEM;

        size_t o = 0;
        for (size_t i = 0; i < n; i += 4) {
                bool last = i + 4 == n;
                int d[4];
                for (size_t k = 0; k < 4; k++) {
                        if (last && k >= 4 - pad) {
                                d[k] = 0;
                                continue;
                        }
                        d[k] = decode_char(s[i + k]);
                        if (d[k] < 0) {
                                free(out);
                                return -EINVAL;
                        }
                }
                uint32_t v = (uint32_t) d[0] << 18U | (uint32_t) d[1] << 12U |
                             (uint32_t) d[2] << 6U | (uint32_t) d[3];
                /* Canonical form: the bits that padding drops must be zero. */
                if (last && ((pad == 1 && (v & 0xFFU) != 0) || (pad == 2 && (v & 0xFFFFU) != 0))) {
                        free(out);
                        return -EINVAL;
                }
                out[o++] = (uint8_t) (v >> 16U);
                if (!last || pad < 2)
                        out[o++] = (uint8_t) (v >> 8U);
                if (!last || pad < 1)
                        out[o++] = (uint8_t) v;
        }
        assert(o == size);

        *ret = out;
        *ret_size = size;
        return 0;
}
