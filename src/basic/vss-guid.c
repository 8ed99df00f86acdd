/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* GUIDs (VSS_ID): parsing, the registry's "{XXXXXXXX-...}" form, random generation. */

#include <string.h>
#include <sys/random.h>

#include <vss/vss.h>

#include "hex-util.h"
#include "macro.h"

VSS_PUBLIC int vss_guid_from_string(const char *s, vss_guid *ret) {
        /* Positions of the dashes in the 36-character form 8-4-4-4-12. */
        static const bool dash_at[36] = {[8] = true, [13] = true, [18] = true, [23] = true};
        vss_guid g;
        size_t n;

        vss_assert_return(s, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        n = strlen(s);
        if (n == 38) {
                if (s[0] != '{' || s[37] != '}')
                        return -EINVAL;
                s++;
        } else if (n != 36)
                return -EINVAL;

        size_t k = 0;
        for (size_t i = 0; i < 36; i++) {
                if (dash_at[i]) {
                        if (s[i] != '-')
                                return -EINVAL;
                        continue;
                }
                int hi = unhexchar(s[i]), lo = unhexchar(s[i + 1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                g.bytes[k++] = (uint8_t) (hi << 4 | lo);
                i++;
        }
        assert(k == sizeof g.bytes);

        *ret = g;
        return 0;
}

VSS_PUBLIC char *vss_guid_to_string(const vss_guid *guid, char *buf) {
        static const char hex[] = "0123456789ABCDEF";
        char *p = buf;

        if (!buf)
                return NULL;
        if (!guid) {
                buf[0] = 0;
                return buf;
        }

        *p++ = '{';
        for (size_t i = 0; i < sizeof guid->bytes; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                        *p++ = '-';
                *p++ = hex[guid->bytes[i] >> 4];
                *p++ = hex[guid->bytes[i] & 0xF];
        }
        *p++ = '}';
        *p = 0;
        return buf;
}

VSS_PUBLIC bool vss_guid_is_null(const vss_guid *guid) {
        if (!guid)
                return true;
        for (size_t i = 0; i < sizeof guid->bytes; i++)
                if (guid->bytes[i] != 0)
                        return false;
        return true;
}

VSS_PUBLIC bool vss_guid_equal(const vss_guid *a, const vss_guid *b) {
        if (!a || !b)
                return a == b;
        return memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

VSS_PUBLIC int vss_guid_generate(vss_guid *ret) {
        vss_guid g;
        size_t done = 0;

        vss_assert_return(ret, -EINVAL);

        while (done < sizeof g.bytes) {
                ssize_t k = getrandom(g.bytes + done, sizeof g.bytes - done, 0);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                done += (size_t) k;
        }

        g.bytes[6] = (uint8_t) ((g.bytes[6] & 0x0F) | 0x40); /* version 4 */
        g.bytes[8] = (uint8_t) ((g.bytes[8] & 0x3F) | 0x80); /* RFC 4122 variant */
        *ret = g;
        return 0;
}
