/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "mountinfo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "buffer.h"
#include "macro.h"

void mountinfo_done(MountInfo *m) {
        if (!m)
                return;
        free(m->root);
        free(m->mount_point);
        free(m->mount_options);
        free(m->optional);
        free(m->fs_type);
        free(m->source);
        free(m->super_options);
        *m = (MountInfo) MOUNTINFO_INIT;
}

static bool is_octal(char c) {
        return c >= '0' && c <= '7';
}

int mountinfo_unescape(const char *s, size_t size, char **ret) {
        assert(s || size == 0);
        assert(ret);

        char *out = malloc(size + 1);
        if (!out)
                return -ENOMEM;

        size_t k = 0;
        for (size_t i = 0; i < size; i++) {
                char c = s[i];
                if (c == '\0')
                        goto bad;
                if (c != '\\') {
                        out[k++] = c;
                        continue;
                }
                if (size - i < 4 || !is_octal(s[i + 1]) || !is_octal(s[i + 2]) ||
                    !is_octal(s[i + 3]))
                        goto bad;
                unsigned v = (unsigned) (s[i + 1] - '0') * 64 + (unsigned) (s[i + 2] - '0') * 8 +
                             (unsigned) (s[i + 3] - '0');
                if (v == 0 || v > 255)
                        goto bad;
                out[k++] = (char) (unsigned char) v;
                i += 3;
        }
        out[k] = '\0';
        *ret = out;
        return 0;

bad:
        free(out);
        return -EBADMSG;
}

char *mountinfo_escape(const char *s) {
        Buffer b = BUFFER_INIT;

        assert(s);

        for (const char *p = s; *p; p++) {
                int r;
                if (strchr(" \t\n\\#", *p))
                        r = buffer_printf(&b, "\\%03o", (unsigned) (unsigned char) *p);
                else
                        r = buffer_append_char(&b, *p);
                if (r < 0) {
                        buffer_done(&b);
                        return NULL;
                }
        }
        return buffer_steal(&b);
}

/* A strict unsigned decimal: digits only, no sign, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *ret) {
        uint64_t v = 0;

        if (n == 0)
                return -EBADMSG;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EBADMSG;
                unsigned d = (unsigned) (s[i] - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -EBADMSG;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

static int parse_dev(const char *s, size_t n, dev_t *ret) {
        const char *colon = memchr(s, ':', n);
        uint64_t ma, mi;

        if (!colon)
                return -EBADMSG;
        size_t k = (size_t) (colon - s);
        if (parse_u64(s, k, &ma) < 0 || parse_u64(colon + 1, n - k - 1, &mi) < 0)
                return -EBADMSG;
        if (ma > UINT32_MAX || mi > UINT32_MAX)
                return -EBADMSG;
        *ret = makedev((unsigned) ma, (unsigned) mi);
        return 0;
}

/* Walks the space-separated fields of a line. */
typedef struct Fields {
        const char *s;
        size_t size, pos;
        bool done;
} Fields;

/* The next field (maybe empty, between two spaces): its start and length. false past the last. */
static bool next_field(Fields *c, const char **ret, size_t *ret_n) {
        if (c->done)
                return false;
        const char *s = c->s + c->pos;
        const char *sp = memchr(s, ' ', c->size - c->pos);
        size_t n = sp ? (size_t) (sp - s) : c->size - c->pos;
        *ret = s;
        *ret_n = n;
        c->pos += n;
        if (sp)
                c->pos++;
        else
                c->done = true;
        return true;
}

static int copy_raw(const char *s, size_t n, char **ret) {
        char *c = strndup(s, n);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

int mountinfo_parse_line(const char *line, size_t size, MountInfo *ret) {
        MountInfo m = MOUNTINFO_INIT;
        Fields p = {.s = line, .size = size};
        const char *f;
        size_t n;
        int r = -EBADMSG;

        assert(line || size == 0);
        assert(ret);

        mountinfo_done(ret);

        if (size == 0 || memchr(line, '\0', size) || memchr(line, '\n', size))
                return -EBADMSG;

        if (!next_field(&p, &f, &n) || parse_u64(f, n, &m.mount_id) < 0)
                goto fail;
        if (!next_field(&p, &f, &n) || parse_u64(f, n, &m.parent_id) < 0)
                goto fail;
        if (!next_field(&p, &f, &n) || parse_dev(f, n, &m.dev) < 0)
                goto fail;
        if (!next_field(&p, &f, &n) || n == 0 || (r = mountinfo_unescape(f, n, &m.root)) < 0)
                goto fail;
        r = -EBADMSG;
        if (!next_field(&p, &f, &n) || n == 0 || (r = mountinfo_unescape(f, n, &m.mount_point)) < 0)
                goto fail;
        r = -EBADMSG;
        if (m.mount_point[0] != '/')
                goto fail;
        if (!next_field(&p, &f, &n) || n == 0 || (r = copy_raw(f, n, &m.mount_options)) < 0)
                goto fail;

        /* Optional fields, each "tag[:value]", up to a lone "-". */
        r = -EBADMSG;
        const char *opt_start = line + p.pos, *opt_end = opt_start;
        for (;;) {
                if (!next_field(&p, &f, &n) || n == 0)
                        goto fail;
                if (n == 1 && f[0] == '-')
                        break;
                opt_end = f + n;
        }
        r = copy_raw(opt_start, opt_end > opt_start ? (size_t) (opt_end - opt_start) : 0,
                     &m.optional);
        if (r < 0)
                goto fail;

        r = -EBADMSG;
        if (!next_field(&p, &f, &n) || n == 0 || (r = mountinfo_unescape(f, n, &m.fs_type)) < 0)
                goto fail;
        r = -EBADMSG;
        if (!next_field(&p, &f, &n) || (r = mountinfo_unescape(f, n, &m.source)) < 0)
                goto fail;
        /* The superblock options are the rest of the line (missing: none). */
        r = copy_raw(line + p.pos, p.done ? 0 : size - p.pos, &m.super_options);
        if (r < 0)
                goto fail;

        *ret = m;
        return 0;

fail:
        mountinfo_done(&m);
        return r;
}

static bool options_have(const char *options, const char *option) {
        size_t n = strlen(option);

        for (const char *p = options; p && *p;) {
                const char *comma = strchr(p, ',');
                size_t k = comma ? (size_t) (comma - p) : strlen(p);
                if (k == n && memcmp(p, option, n) == 0)
                        return true;
                p = comma ? comma + 1 : NULL;
        }
        return false;
}

bool mountinfo_is_read_only(const MountInfo *m) {
        assert(m);
        return options_have(m->mount_options, "ro") || options_have(m->super_options, "ro");
}

char *mountinfo_format(const MountInfo *m) {
        vss_autofree char *root = mountinfo_escape(m->root);
        vss_autofree char *mount_point = mountinfo_escape(m->mount_point);
        vss_autofree char *fs_type = mountinfo_escape(m->fs_type);
        vss_autofree char *source = mountinfo_escape(m->source);
        char *s = NULL;

        if (!root || !mount_point || !fs_type || !source)
                return NULL;
        if (asprintf(&s, "%" PRIu64 " %" PRIu64 " %u:%u %s %s %s%s%s - %s %s %s", m->mount_id,
                     m->parent_id, major(m->dev), minor(m->dev), root, mount_point,
                     m->mount_options, m->optional[0] ? " " : "", m->optional, fs_type, source,
                     m->super_options) < 0)
                return NULL;
        return s;
}

bool mountinfo_path_contains(const char *prefix, const char *path) {
        size_t n = strlen(prefix);

        if (prefix[0] != '/' || path[0] != '/')
                return false;
        while (n > 1 && prefix[n - 1] == '/')
                n--;
        if (n == 1)
                return true;
        return strncmp(prefix, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int mountinfo_find(
                const char *text,
                size_t size,
                const char *path,
                uint64_t mount_id,
                dev_t dev,
                MountInfo *ret) {
        MountInfo best_dev = MOUNTINFO_INIT, best_any = MOUNTINFO_INIT, m = MOUNTINFO_INIT;
        int r = 0;

        assert(text || size == 0);
        assert(path);
        assert(ret);

        for (size_t i = 0; i < size;) {
                const char *nl = memchr(text + i, '\n', size - i);
                size_t n = nl ? (size_t) (nl - (text + i)) : size - i;

                r = mountinfo_parse_line(text + i, n, &m);
                if (r < 0)
                        goto finish;
                i += n + 1;

                MountInfo *slot = NULL;
                if (mount_id != 0) {
                        if (m.mount_id == mount_id)
                                slot = &best_any;
                } else if (mountinfo_path_contains(m.mount_point, path)) {
                        size_t len = strlen(m.mount_point);
                        if (m.dev == dev &&
                            (!best_dev.mount_point || len >= strlen(best_dev.mount_point)))
                                slot = &best_dev;
                        else if (!best_any.mount_point || len >= strlen(best_any.mount_point))
                                slot = &best_any;
                }
                if (slot) {
                        mountinfo_done(slot);
                        *slot = m;
                        m = (MountInfo) MOUNTINFO_INIT;
                } else
                        mountinfo_done(&m);
        }

        MountInfo *best = best_dev.mount_point ? &best_dev : &best_any;
        if (!best->mount_point || !mountinfo_path_contains(best->mount_point, path)) {
                r = -ENOENT;
                goto finish;
        }
        mountinfo_done(ret);
        *ret = *best;
        *best = (MountInfo) MOUNTINFO_INIT;
        r = 0;

finish:
        mountinfo_done(&m);
        mountinfo_done(&best_dev);
        mountinfo_done(&best_any);
        return r;
}
