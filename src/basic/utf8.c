/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "utf8.h"

#include <errno.h>
#include <string.h>

int utf8_decode(const char *s, size_t n, uint32_t *ret) {
        const unsigned char *p = (const unsigned char *) s;
        uint32_t cp, min;
        int len;

        if (n == 0)
                return -EILSEQ;

        if (p[0] < 0x80) {
                *ret = p[0];
                return 1;
        }
        if ((p[0] & 0xE0) == 0xC0) {
                len = 2;
                cp = p[0] & 0x1F;
                min = 0x80;
        } else if ((p[0] & 0xF0) == 0xE0) {
                len = 3;
                cp = p[0] & 0x0F;
                min = 0x800;
        } else if ((p[0] & 0xF8) == 0xF0) {
                len = 4;
                cp = p[0] & 0x07;
                min = 0x10000;
        } else
                return -EILSEQ;

        if (n < (size_t) len)
                return -EILSEQ;
        for (int i = 1; i < len; i++) {
                if ((p[i] & 0xC0) != 0x80)
                        return -EILSEQ;
                cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return -EILSEQ;

        *ret = cp;
        return len;
}

int utf8_encode(uint32_t cp, char *out) {
        unsigned char *o = (unsigned char *) out;

        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return -EINVAL;
        if (cp < 0x80) {
                o[0] = (unsigned char) cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (unsigned char) (0xC0 | (cp >> 6));
                o[1] = (unsigned char) (0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (unsigned char) (0xE0 | (cp >> 12));
                o[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
                o[2] = (unsigned char) (0x80 | (cp & 0x3F));
                return 3;
        }
        o[0] = (unsigned char) (0xF0 | (cp >> 18));
        o[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char) (0x80 | (cp & 0x3F));
        return 4;
}

bool utf8_is_valid_n(const char *s, size_t n) {
        size_t i = 0;

        while (i < n) {
                uint32_t cp;
                int k = utf8_decode(s + i, n - i, &cp);
                if (k < 0)
                        return false;
                i += (size_t) k;
        }
        return true;
}

bool utf8_is_valid(const char *s) {
        return utf8_is_valid_n(s, strlen(s));
}

long utf8_n_codepoints(const char *s) {
        size_t n = strlen(s), i = 0;
        long count = 0;

        while (i < n) {
                uint32_t cp;
                int k = utf8_decode(s + i, n - i, &cp);
                if (k < 0)
                        return -EILSEQ;
                i += (size_t) k;
                count++;
        }
        return count;
}
