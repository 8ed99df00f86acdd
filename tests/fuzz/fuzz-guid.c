/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* GUID parser. Oracle: no crash; whatever parses formats to the registry form, and that form
 * parses back to the same GUID and equals the input upper-cased with braces added. */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = 0;

        vss_guid g, h;
        if (vss_guid_from_string(s, &g) == 0) {
                char buf[VSS_GUID_STRING_MAX], expect[VSS_GUID_STRING_MAX];
                (void) vss_guid_to_string(&g, buf);
                if (vss_guid_from_string(buf, &h) != 0 || !vss_guid_equal(&g, &h))
                        abort();

                const char *in = s[0] == '{' ? s + 1 : s;
                expect[0] = '{';
                for (size_t i = 0; i < 36; i++)
                        expect[i + 1] = (char) toupper((unsigned char) in[i]);
                expect[37] = '}';
                expect[38] = 0;
                if (strcmp(buf, expect) != 0)
                        abort();
        }

        free(s);
        return 0;
}
