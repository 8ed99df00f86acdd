/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Partial-file ranges (VSS-REFERENCE §3.5, docs/DOCUMENTS.md §7): the inline list
 * "offset:length[,offset:length...]" and the binary ranges file (little-endian u64 count, then
 * count pairs of little-endian u64 offset and length). */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "metadata-internal.h"

/* The end of a range may not pass the largest file offset Linux addresses. */
#define RANGE_END_MAX ((uint64_t) INT64_MAX)

static int range_check(const vss_range *r) {
        if (r->length == 0)
                return -EINVAL;
        if (r->offset > RANGE_END_MAX || r->length > RANGE_END_MAX - r->offset)
                return -ERANGE;
        return 0;
}

static int hex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Parses one number at *p: decimal digits, or "0x"/"0X" and hex digits. Advances *p. -EINVAL if
 * there is no number, -ERANGE if it does not fit 64 bits. */
static int parse_u64(const char **p, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;
        unsigned base = 10;
        bool overflow = false;

        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                base = 16;
                s += 2;
        }
        const char *digits = s;
        for (;; s++) {
                int d = base == 16 ? hex_digit(*s) : (*s >= '0' && *s <= '9' ? *s - '0' : -1);
                if (d < 0)
                        break;
                if (v > (UINT64_MAX - (uint64_t) d) / base)
                        overflow = true;
                else
                        v = v * base + (uint64_t) d;
        }
        if (s == digits)
                return -EINVAL;

        *p = s;
        if (overflow)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* Parses the list, calling back for each range (no allocation). Returns the number of ranges. */
static int
ranges_walk(const char *s, int (*cb)(const vss_range *r, void *userdata), void *userdata) {
        size_t n = 0;
        int r;

        if (!s || !*s)
                return -EINVAL;

        const char *p = s;
        for (;;) {
                vss_range range;

                r = parse_u64(&p, &range.offset);
                if (r < 0)
                        return r;
                if (*p != ':')
                        return -EINVAL;
                p++;
                r = parse_u64(&p, &range.length);
                if (r < 0)
                        return r;
                r = range_check(&range);
                if (r < 0)
                        return r;
                if (n >= VSS_RANGES_MAX)
                        return -E2BIG;
                n++;
                if (cb) {
                        r = cb(&range, userdata);
                        if (r < 0)
                                return r;
                }
                if (*p == 0)
                        break;
                if (*p != ',')
                        return -EINVAL;
                p++;
        }
        return (int) n;
}

static int add_total(const vss_range *r, void *userdata) {
        uint64_t *total = userdata;

        /* Bounded: at most VSS_RANGES_MAX ranges, each below 2^63. */
        if (*total > UINT64_MAX - r->length)
                *total = UINT64_MAX;
        else
                *total += r->length;
        return 0;
}

const char *metadata_check_inline_ranges(const char *s, uint64_t *ret_total) {
        uint64_t total = 0;

        int r = ranges_walk(s, add_total, &total);
        if (r == -ERANGE)
                return "must not have a value above 2^64-1 or a range ending beyond 2^63-1";
        if (r == -E2BIG)
                return "must not have more than 1048576 ranges";
        if (r < 0)
                return "must be a list of offset:length items with lengths of at least 1";
        if (ret_total)
                *ret_total = total;
        return NULL;
}

typedef struct RangeCollector {
        vss_range *ranges;
        size_t n;
        size_t allocated;
} RangeCollector;

static int collect(const vss_range *r, void *userdata) {
        RangeCollector *c = userdata;

        if (c->n == c->allocated) {
                size_t k = c->allocated == 0 ? 8 : c->allocated * 2;
                vss_range *p = reallocarray(c->ranges, k, sizeof(vss_range));
                if (!p)
                        return -ENOMEM;
                c->ranges = p;
                c->allocated = k;
        }
        c->ranges[c->n++] = *r;
        return 0;
}

VSS_PUBLIC int vss_ranges_parse(const char *s, vss_range **ret, size_t *ret_n) {
        RangeCollector c = {};

        vss_assert_return(s, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);

        int r = ranges_walk(s, collect, &c);
        if (r < 0) {
                free(c.ranges);
                return r;
        }
        *ret = c.ranges;
        *ret_n = c.n;
        return 0;
}

VSS_PUBLIC int vss_ranges_format(const vss_range *ranges, size_t n, char **ret) {
        Buffer b = BUFFER_INIT;
        int r = 0;

        vss_assert_return(ranges, -EINVAL);
        vss_assert_return(n > 0, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if (n > VSS_RANGES_MAX)
                return -E2BIG;
        for (size_t i = 0; i < n; i++) {
                r = range_check(&ranges[i]);
                if (r < 0)
                        return -EINVAL;
        }
        for (size_t i = 0; i < n && r >= 0; i++)
                r =
                                buffer_printf(&b, "%s%" PRIu64 ":%" PRIu64, i > 0 ? "," : "",
                                              ranges[i].offset, ranges[i].length);
        if (r < 0) {
                buffer_done(&b);
                return r;
        }
        *ret = buffer_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

VSS_PUBLIC bool vss_ranges_is_file_reference(const char *ranges) {
        return ranges && ranges[0] == '/';
}

static uint64_t read_le64(const uint8_t *p) {
        uint64_t v = 0;

        for (size_t i = 0; i < 8; i++)
                v |= (uint64_t) p[i] << (8U * i);
        return v;
}

static void write_le64(uint8_t *p, uint64_t v) {
        for (size_t i = 0; i < 8; i++)
                p[i] = (uint8_t) (v >> (8U * i));
}

#define RANGES_FILE_MAX (8U + 16U * (size_t) VSS_RANGES_MAX)

VSS_PUBLIC int vss_ranges_decode(const void *data, size_t size, vss_range **ret, size_t *ret_n) {
        const uint8_t *p = data;

        vss_assert_return(data || size == 0, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);

        if (size < 8)
                return -EBADMSG;
        uint64_t count = read_le64(p);
        if (count > VSS_RANGES_MAX)
                return -E2BIG;
        if (size != 8 + 16 * count)
                return -EBADMSG;

        vss_range *ranges = NULL;
        if (count > 0) {
                ranges = calloc(count, sizeof(vss_range));
                if (!ranges)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < count; i++) {
                ranges[i].offset = read_le64(p + 8 + 16 * i);
                ranges[i].length = read_le64(p + 16 + 16 * i);
                if (range_check(&ranges[i]) < 0) {
                        free(ranges);
                        return -EBADMSG;
                }
        }
        *ret = ranges;
        *ret_n = count;
        return 0;
}

VSS_PUBLIC int vss_ranges_encode(const vss_range *ranges, size_t n, void **ret, size_t *ret_size) {
        vss_assert_return(ranges || n == 0, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_size, -EINVAL);

        if (n > VSS_RANGES_MAX)
                return -E2BIG;
        for (size_t i = 0; i < n; i++)
                if (range_check(&ranges[i]) < 0)
                        return -EINVAL;

        size_t size = 8 + 16 * n;
        uint8_t *p = malloc(size);
        if (!p)
                return -ENOMEM;
        write_le64(p, n);
        for (size_t i = 0; i < n; i++) {
                write_le64(p + 8 + 16 * i, ranges[i].offset);
                write_le64(p + 16 + 16 * i, ranges[i].length);
        }
        *ret = p;
        *ret_size = size;
        return 0;
}

VSS_PUBLIC int vss_ranges_file_read(int fd, vss_range **ret, size_t *ret_n) {
        vss_assert_return(fd >= 0, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);

        size_t size = 0, allocated = 4096;
        vss_autofree uint8_t *buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (size == allocated) {
                        if (allocated > RANGES_FILE_MAX)
                                return -E2BIG;
                        size_t k = MIN(allocated * 2, RANGES_FILE_MAX + 1);
                        uint8_t *p = realloc(buf, k);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                        allocated = k;
                }
                ssize_t k = read(fd, buf + size, allocated - size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        return vss_ranges_decode(buf, size, ret, ret_n);
}

VSS_PUBLIC int vss_ranges_file_write(int fd, const vss_range *ranges, size_t n) {
        vss_autofree void *data = NULL;
        size_t size = 0;

        vss_assert_return(fd >= 0, -EINVAL);

        int r = vss_ranges_encode(ranges, n, &data, &size);
        if (r < 0)
                return r;

        const uint8_t *p = data;
        while (size > 0) {
                ssize_t k = write(fd, p, size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                size -= (size_t) k;
        }
        return 0;
}
