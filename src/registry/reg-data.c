/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "reg-data.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "hex-util.h"
#include "macro.h"
#include "reg-util.h"
#include "utf8.h"

/* How much of a user's data an error message quotes. */
#define QUOTE_MAX 64

static const struct {
        RegType type;
        const char *name;
} type_names[] = {
                {REG_NONE, "REG_NONE"},           {REG_SZ, "REG_SZ"},
                {REG_EXPAND_SZ, "REG_EXPAND_SZ"}, {REG_BINARY, "REG_BINARY"},
                {REG_DWORD, "REG_DWORD"},         {REG_MULTI_SZ, "REG_MULTI_SZ"},
                {REG_QWORD, "REG_QWORD"},
};

/* Windows types the store does not keep: named so that the refusal can say why. */
static const char *const unsupported_type_names[] = {
                "REG_DWORD_BIG_ENDIAN",
                "REG_LINK",
                "REG_RESOURCE_LIST",
                "REG_FULL_RESOURCE_DESCRIPTOR",
                "REG_RESOURCE_REQUIREMENTS_LIST",
};

const char *reg_data_type_to_string(RegType t) {
        for (size_t i = 0; i < ELEMENTSOF(type_names); i++)
                if (type_names[i].type == t)
                        return type_names[i].name;
        return NULL;
}

int reg_data_type_from_string(const char *s, RegType *ret) {
        assert(s);
        assert(ret);

        for (size_t i = 0; i < ELEMENTSOF(type_names); i++)
                if (reg_util_ascii_equal(s, type_names[i].name)) {
                        *ret = type_names[i].type;
                        return 0;
                }
        if (reg_util_ascii_equal(s, "REG_DWORD_LITTLE_ENDIAN")) {
                *ret = REG_DWORD;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(unsupported_type_names); i++)
                if (reg_util_ascii_equal(s, unsupported_type_names[i]))
                        return -EOPNOTSUPP;
        return -EINVAL;
}

/* The data as an error message may quote it: in quotes when short, else left out. */
static const char *quotable(const char *s, char *buf, size_t size) {
        if (strlen(s) > QUOTE_MAX)
                return "the data";
        (void) snprintf(buf, size, "'%.*s'", QUOTE_MAX, s);
        return buf;
}

/* A number in decimal, or in hexadecimal after "0x"; no sign, no spaces. -EINVAL for anything
 * else, -ERANGE above 'max'. */
static int parse_number(const char *s, uint64_t max, uint64_t *ret) {
        unsigned base = 10;
        uint64_t v = 0;

        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                base = 16;
                s += 2;
        }
        if (*s == '\0')
                return -EINVAL;

        for (; *s; s++) {
                int d = base == 16 ? unhexchar(*s) : (*s >= '0' && *s <= '9' ? *s - '0' : -1);
                if (d < 0)
                        return -EINVAL;
                if (v > (max - (uint64_t) d) / base)
                        return -ERANGE;
                v = v * base + (uint64_t) d;
        }

        *ret = v;
        return 0;
}

static int make_copy(const void *p, size_t n, uint8_t **ret, size_t *ret_size) {
        uint8_t *d = malloc(n > 0 ? n : 1);
        if (!d)
                return -ENOMEM;
        if (n > 0)
                memcpy(d, p, n);
        *ret = d;
        *ret_size = n;
        return 0;
}

static int number_from_string(
                RegType type,
                const char *data,
                uint8_t **ret,
                size_t *ret_size,
                char **reterr_message) {
        bool dword = type == REG_DWORD;
        uint64_t max = dword ? UINT32_MAX : UINT64_MAX, v = 0;
        char buf[QUOTE_MAX + 3];
        uint8_t le[8];
        int r;

        if (!data) {
                if (dword)
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "REG_DWORD needs its data: give it with /d");
        } else {
                r = parse_number(data, max, &v);
                if (r < 0)
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "%s is not a valid %s: expected a number from 0 to %" PRIu64
                                        ", in decimal or in hexadecimal after 0x",
                                        quotable(data, buf, sizeof buf),
                                        dword ? "REG_DWORD" : "REG_QWORD", max);
        }

        for (size_t i = 0; i < 8; i++)
                le[i] = (uint8_t) (v >> (8 * i));
        return make_copy(le, dword ? 4 : 8, ret, ret_size);
}

static int
binary_from_string(const char *data, uint8_t **ret, size_t *ret_size, char **reterr_message) {
        size_t n = data ? strlen(data) : 0, size = (n + 1) / 2;
        char buf[QUOTE_MAX + 3];

        if (size > REG_DATA_SIZE_MAX)
                return reg_util_fail(
                                reterr_message, -E2BIG,
                                "the REG_BINARY data is %zu bytes long, more than the limit of %zu",
                                size, REG_DATA_SIZE_MAX);

        if (n > 0 && strspn(data, "0123456789abcdefABCDEF") != n)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "%s is not valid REG_BINARY data: expected hex digits (0-9, A-F), "
                                "two per byte, without 0x",
                                quotable(data, buf, sizeof buf));

        uint8_t *d = malloc(size > 0 ? size : 1);
        if (!d)
                return -ENOMEM;

        /* An odd number of digits: the first one is a byte of its own, as reg.exe does. */
        size_t i = 0, o = 0;
        if (n % 2 == 1) {
                d[o++] = (uint8_t) unhexchar(data[0]);
                i = 1;
        }
        for (; i < n; i += 2)
                d[o++] =
                                (uint8_t) ((unsigned) unhexchar(data[i]) << 4 |
                                           (unsigned) unhexchar(data[i + 1]));

        *ret = d;
        *ret_size = size;
        return 0;
}

static int multi_sz_from_string(
                const char *data,
                const char *separator,
                uint8_t **ret,
                size_t *ret_size,
                char **reterr_message) {
        const char *sep = separator ? separator : "\\0";
        size_t sep_len = strlen(sep);
        Buffer b = BUFFER_INIT;
        int r;

        if (separator) {
                uint32_t cp;
                int k = utf8_decode(separator, sep_len, &cp);
                if (sep_len == 0 || k < 0 || (size_t) k != sep_len)
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "the REG_MULTI_SZ separator must be a single character");
        }

        /* No data, "" and a lone separator all mean the empty list. */
        if (!data || data[0] == '\0' || streq(data, sep))
                return make_copy("", 1, ret, ret_size);

        size_t index = 0;
        for (const char *p = data;;) {
                const char *e = strstr(p, sep);
                size_t len = e ? (size_t) (e - p) : strlen(p);

                index++;
                if (!e && len == 0) /* one trailing separator */
                        break;
                if (len == 0) {
                        buffer_done(&b);
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "the REG_MULTI_SZ data has an empty string as its item "
                                        "%zu (two separators in a row, or one at the start); "
                                        "REG_MULTI_SZ cannot hold empty strings",
                                        index);
                }
                r = buffer_append(&b, p, len);
                if (r >= 0)
                        r = buffer_append(&b, "", 1);
                if (r < 0) {
                        buffer_done(&b);
                        return r;
                }
                if (!e)
                        break;
                p = e + sep_len;
        }

        r = buffer_append(&b, "", 1);
        if (r < 0) {
                buffer_done(&b);
                return r;
        }
        if (b.size > REG_DATA_SIZE_MAX) {
                size_t size = b.size;
                buffer_done(&b);
                return reg_util_fail(
                                reterr_message, -E2BIG,
                                "the REG_MULTI_SZ data is %zu bytes long, more than the limit of "
                                "%zu",
                                size, REG_DATA_SIZE_MAX);
        }

        *ret_size = b.size;
        *ret = (uint8_t *) buffer_steal(&b);
        if (!*ret)
                return -ENOMEM;
        return 0;
}

int reg_data_from_string(
                RegType type,
                const char *data,
                const char *separator,
                uint8_t **ret,
                size_t *ret_size,
                char **reterr_message) {
        assert(ret);
        assert(ret_size);

        if (data && !utf8_is_valid(data))
                return reg_util_fail(reterr_message, -EILSEQ, "the data is not valid UTF-8");
        if (separator && type != REG_MULTI_SZ)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "a separator (/s) applies only to REG_MULTI_SZ data");

        switch (type) {
        case REG_SZ:
        case REG_EXPAND_SZ:
        case REG_NONE: {
                const char *s = data ? data : "";
                size_t size = strlen(s) + 1;

                if (size > REG_DATA_SIZE_MAX)
                        return reg_util_fail(
                                        reterr_message, -E2BIG,
                                        "the data is %zu bytes long, more than the limit of %zu",
                                        size, REG_DATA_SIZE_MAX);
                return make_copy(s, size, ret, ret_size);
        }
        case REG_DWORD:
        case REG_QWORD:
                return number_from_string(type, data, ret, ret_size, reterr_message);
        case REG_BINARY:
                return binary_from_string(data, ret, ret_size, reterr_message);
        case REG_MULTI_SZ:
                return multi_sz_from_string(data, separator, ret, ret_size, reterr_message);
        }

        return reg_util_fail(reterr_message, -EINVAL, "unknown value type %d", (int) type);
}

static int hex_display(const uint8_t *p, size_t n, char **ret) {
        static const char digits[] = "0123456789ABCDEF";
        char *s = malloc(n * 2 + 1);

        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                s[2 * i] = digits[p[i] >> 4];
                s[2 * i + 1] = digits[p[i] & 0xF];
        }
        s[n * 2] = '\0';
        *ret = s;
        return 0;
}

int reg_data_to_display(
                RegType type, const void *data, size_t size, const char *separator, char **ret) {
        const uint8_t *p = data;
        char *s;

        assert(data || size == 0);
        assert(ret);

        switch (type) {
        case REG_SZ:
        case REG_EXPAND_SZ:
                if (reg_data_check(type, data, size) < 0)
                        break;
                s = strdup((const char *) p);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;

        case REG_MULTI_SZ: {
                Buffer b = BUFFER_INIT;
                int r = 0;

                if (reg_data_check(type, data, size) < 0)
                        break;
                for (size_t i = 0; p[i] != '\0'; i += strlen((const char *) p + i) + 1) {
                        if (i > 0)
                                r = buffer_append_str(&b, separator ? separator : "\\0");
                        if (r >= 0)
                                r = buffer_append_str(&b, (const char *) p + i);
                        if (r < 0) {
                                buffer_done(&b);
                                return r;
                        }
                }
                s = buffer_steal(&b);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }

        case REG_DWORD:
        case REG_QWORD: {
                uint64_t v = 0;

                if (size != (type == REG_DWORD ? 4U : 8U))
                        break;
                for (size_t i = 0; i < size; i++)
                        v |= (uint64_t) p[i] << (8 * i);
                if (asprintf(&s, "0x%" PRIx64, v) < 0)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }

        case REG_NONE:
        case REG_BINARY:
                break;
        }

        return hex_display(p, size, ret);
}

int reg_data_check(RegType type, const void *data, size_t size) {
        const char *p = data;

        if (!data && size > 0)
                return -EINVAL;
        if (size > REG_DATA_SIZE_MAX)
                return -EINVAL;

        switch (type) {
        case REG_SZ:
        case REG_EXPAND_SZ:
                if (size == 0 || p[size - 1] != '\0' || memchr(p, '\0', size - 1))
                        return -EINVAL;
                return utf8_is_valid_n(p, size - 1) ? 0 : -EINVAL;

        case REG_MULTI_SZ: {
                size_t i = 0;

                if (size == 0 || p[size - 1] != '\0')
                        return -EINVAL;
                while (p[i] != '\0') {
                        const char *e = memchr(p + i, '\0', size - i);
                        size_t len = (size_t) (e - (p + i));
                        if (!utf8_is_valid_n(p + i, len))
                                return -EINVAL;
                        i += len + 1;
                        if (i >= size)
                                return -EINVAL;
                }
                return i == size - 1 ? 0 : -EINVAL;
        }

        case REG_DWORD:
                return size == 4 ? 0 : -EINVAL;
        case REG_QWORD:
                return size == 8 ? 0 : -EINVAL;
        case REG_NONE:
        case REG_BINARY:
                return 0;
        }
        return -EINVAL;
}

int reg_data_utf8_to_utf16le(const char *s, size_t n, uint8_t **ret, size_t *ret_size) {
        Buffer b = BUFFER_INIT;
        int r = 0;

        assert(s || n == 0);
        assert(ret);
        assert(ret_size);

        for (size_t i = 0; i < n;) {
                uint32_t cp;
                uint8_t u[4];
                size_t m;

                int k = utf8_decode(s + i, n - i, &cp);
                if (k < 0) {
                        r = -EILSEQ;
                        goto finish;
                }
                if (cp < 0x10000) {
                        u[0] = (uint8_t) cp;
                        u[1] = (uint8_t) (cp >> 8);
                        m = 2;
                } else {
                        uint32_t v = cp - 0x10000;
                        uint16_t hi = (uint16_t) (0xD800 | (v >> 10)),
                                 lo = (uint16_t) (0xDC00 | (v & 0x3FF));
                        u[0] = (uint8_t) hi;
                        u[1] = (uint8_t) (hi >> 8);
                        u[2] = (uint8_t) lo;
                        u[3] = (uint8_t) (lo >> 8);
                        m = 4;
                }
                r = buffer_append(&b, u, m);
                if (r < 0)
                        goto finish;
                i += (size_t) k;
        }

        size_t size = b.size;
        uint8_t *d = (uint8_t *) buffer_steal(&b);
        if (!d)
                return -ENOMEM;
        *ret = d;
        *ret_size = size;
        return 0;

finish:
        buffer_done(&b);
        return r;
}

int reg_data_utf16le_to_utf8(const uint8_t *p, size_t n, char **ret, size_t *ret_size) {
        Buffer b = BUFFER_INIT;
        int r = 0;

        assert(p || n == 0);
        assert(ret);
        assert(ret_size);

        if (n % 2 != 0)
                return -EINVAL;

        for (size_t i = 0; i < n; i += 2) {
                uint32_t cp = (uint32_t) p[i] | (uint32_t) p[i + 1] << 8;
                char out[4];

                if (cp >= 0xD800 && cp <= 0xDBFF) {
                        uint32_t lo;
                        if (i + 3 >= n) {
                                r = -EILSEQ;
                                goto finish;
                        }
                        lo = (uint32_t) p[i + 2] | (uint32_t) p[i + 3] << 8;
                        if (lo < 0xDC00 || lo > 0xDFFF) {
                                r = -EILSEQ;
                                goto finish;
                        }
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        i += 2;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        r = -EILSEQ;
                        goto finish;
                }

                int k = utf8_encode(cp, out);
                if (k < 0) {
                        r = -EILSEQ;
                        goto finish;
                }
                r = buffer_append(&b, out, (size_t) k);
                if (r < 0)
                        goto finish;
        }

        size_t size = b.size;
        char *s = buffer_steal(&b);
        if (!s)
                return -ENOMEM;
        *ret = s;
        *ret_size = size;
        return 0;

finish:
        buffer_done(&b);
        return r;
}

int reg_data_from_string_bytes(
                RegType type,
                const char *p,
                size_t n,
                uint8_t **ret,
                size_t *ret_size,
                char **reterr_message) {
        assert(p || n == 0);
        assert(ret);
        assert(ret_size);

        if (type == REG_SZ || type == REG_EXPAND_SZ) {
                const char *nul = memchr(p, '\0', n);
                size_t len = nul ? (size_t) (nul - p) : n;

                for (size_t i = len; i < n; i++)
                        if (p[i] != '\0')
                                return reg_util_fail(
                                                reterr_message, -EINVAL,
                                                "the string data contains a NUL character "
                                                "before its end");
                if (!utf8_is_valid_n(p, len))
                        return reg_util_fail(
                                        reterr_message, -EILSEQ, "the string is not valid UTF-8");

                uint8_t *d = malloc(len + 1);
                if (!d)
                        return -ENOMEM;
                if (len > 0)
                        memcpy(d, p, len);
                d[len] = 0;
                *ret = d;
                *ret_size = len + 1;
                return 0;
        }

        if (type != REG_MULTI_SZ)
                return -EINVAL;

        /* Split at the NULs; trailing empty strings are the terminators. */
        size_t end = n;
        while (end > 0 && p[end - 1] == '\0')
                end--;

        Buffer b = BUFFER_INIT;
        int r = 0;
        size_t index = 0;
        for (size_t i = 0; i < end;) {
                const char *e = memchr(p + i, '\0', end - i);
                size_t len = e ? (size_t) (e - (p + i)) : end - i;

                index++;
                if (len == 0) {
                        buffer_done(&b);
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "the REG_MULTI_SZ data has an empty string as its item "
                                        "%zu; REG_MULTI_SZ cannot hold empty strings",
                                        index);
                }
                if (!utf8_is_valid_n(p + i, len)) {
                        buffer_done(&b);
                        return reg_util_fail(
                                        reterr_message, -EILSEQ,
                                        "item %zu of the REG_MULTI_SZ data is not valid UTF-8",
                                        index);
                }
                r = buffer_append(&b, p + i, len);
                if (r >= 0)
                        r = buffer_append(&b, "", 1);
                if (r < 0) {
                        buffer_done(&b);
                        return r;
                }
                i += len + 1;
        }
        r = buffer_append(&b, "", 1);
        if (r < 0) {
                buffer_done(&b);
                return r;
        }

        size_t size = b.size;
        uint8_t *d = (uint8_t *) buffer_steal(&b);
        if (!d)
                return -ENOMEM;
        *ret = d;
        *ret_size = size;
        return 0;
}
