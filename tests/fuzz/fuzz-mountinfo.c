/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The mountinfo parser and lookup on any text. Oracles: never crash or leak; every line that
 * parses formats back to a line that parses to the same entry; mountinfo_find() fails with
 * -EBADMSG exactly when some line does not parse, and otherwise finds a mount that contains the
 * path, which it finds again by its id. */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "macro.h"
#include "mountinfo.h"

static bool same(const MountInfo *a, const MountInfo *b) {
        return a->mount_id == b->mount_id && a->parent_id == b->parent_id && a->dev == b->dev &&
               streq(a->root, b->root) && streq(a->mount_point, b->mount_point) &&
               streq(a->mount_options, b->mount_options) && streq(a->optional, b->optional) &&
               streq(a->fs_type, b->fs_type) && streq(a->source, b->source) &&
               streq(a->super_options, b->super_options);
}

/* Checks one entry: it formats, parses back the same, and its strings escape and unescape. */
static void check_entry(const MountInfo *m) {
        MountInfo again = MOUNTINFO_INIT;

        char *line = mountinfo_format(m);
        if (!line)
                return; /* out of memory */
        if (mountinfo_parse_line(line, strlen(line), &again) < 0 || !same(m, &again))
                abort();
        mountinfo_done(&again);
        free(line);

        const char *fields[] = {m->root, m->mount_point, m->fs_type, m->source};
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                char *e = mountinfo_escape(fields[i]), *d = NULL;
                if (!e)
                        continue;
                if (mountinfo_unescape(e, strlen(e), &d) < 0 || !streq(d, fields[i]))
                        abort();
                free(d);
                free(e);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *) data;
        MountInfo m = MOUNTINFO_INIT, first = MOUNTINFO_INIT;
        bool all_parse = true;

        if (size > 256 * 1024)
                return 0;

        /* Line by line, as mountinfo_find() splits them. */
        for (size_t i = 0; i < size;) {
                const char *nl = memchr(text + i, '\n', size - i);
                size_t n = nl ? (size_t) (nl - (text + i)) : size - i;
                int r = mountinfo_parse_line(text + i, n, &m);
                if (r == 0) {
                        if (m.mount_point[0] != '/')
                                abort();
                        (void) mountinfo_is_read_only(&m);
                        check_entry(&m);
                        if (!first.mount_point) {
                                first = m;
                                m = (MountInfo) MOUNTINFO_INIT;
                        }
                } else if (r == -EBADMSG)
                        all_parse = false;
                else if (r != -ENOMEM)
                        abort();
                i += n + 1;
        }
        mountinfo_done(&m);

        /* Look up paths below the first mount point, and '/'. */
        const char *paths[2] = {"/", first.mount_point};
        for (size_t k = 0; k < ELEMENTSOF(paths); k++) {
                if (!paths[k])
                        continue;
                int r = mountinfo_find(text, size, paths[k], 0, first.dev, &m);
                if (r == -ENOMEM)
                        continue;
                if ((r == -EBADMSG) != !all_parse)
                        abort();
                if (r == -ENOENT && k == 1 && all_parse)
                        abort(); /* the first entry contains its own mount point */
                if (r == 0) {
                        if (!mountinfo_path_contains(m.mount_point, paths[k]))
                                abort();
                }
                /* (mount id 0 means "unknown" to mountinfo_find()) */
                if (r == 0 && m.mount_id != 0) {
                        MountInfo by_id = MOUNTINFO_INIT;
                        r = mountinfo_find(text, size, paths[k], m.mount_id, 0, &by_id);
                        if (r == 0 && by_id.mount_id != m.mount_id)
                                abort();
                        if (r < 0 && r != -ENOMEM && r != -ENOENT)
                                abort();
                        mountinfo_done(&by_id);
                }
                mountinfo_done(&m);
        }
        mountinfo_done(&first);
        return 0;
}
