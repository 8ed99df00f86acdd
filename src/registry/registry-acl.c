/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The VSS writer access list: which users may run VSS writers, as Windows keeps it in
 * HKLM\SYSTEM\CurrentControlSet\Services\VSS\VssAccessControl (docs/REGISTRY.md). */

#include <string.h>

#include "registry-internal.h"

int registry_writer_access(Registry *r, const char *user, char **reterr_message) {
        RegValue *values = NULL;
        size_t n = 0;
        uint32_t allow = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(user && *user, -EINVAL);

        k = registry_list_values(r, REGISTRY_VSS_ACCESS_KEY, &values, &n);
        if (k == -ENOENT) {
                registry_error_clear(r);
                return REGISTRY_ACCESS_NOT_LISTED;
        }
        if (k < 0)
                goto fail;

        k = REGISTRY_ACCESS_NOT_LISTED;
        for (size_t i = 0; i < n; i++) {
                /* Value names are case-insensitive in the store, but Linux user names are not:
                 * "Alice" does not grant anything to "alice". */
                if (!streq(values[i].name, user))
                        continue;
                if (reg_value_get_dword(&values[i], &allow) < 0 || allow > 1) {
                        const char *t = reg_type_to_string(values[i].type);
                        if (values[i].type == REG_DWORD && values[i].size == 4)
                                k = registry_error(
                                                r, -EBADMSG,
                                                "The writer access entry '%s' in '%s' is %lu; it "
                                                "must be 1 (allow) or 0 (deny).",
                                                user, REGISTRY_VSS_ACCESS_KEY,
                                                (unsigned long) allow);
                        else
                                k = registry_error(
                                                r, -EBADMSG,
                                                "The writer access entry '%s' in '%s' is %s; it "
                                                "must be a REG_DWORD, 1 (allow) or 0 (deny).",
                                                user, REGISTRY_VSS_ACCESS_KEY,
                                                t ? t : "of an unknown type");
                        break;
                }
                k = allow == 1 ? REGISTRY_ACCESS_ALLOWED : REGISTRY_ACCESS_DENIED;
                break;
        }
        reg_value_array_free(values, n);
        if (k >= 0)
                return k;

fail:
        if (reterr_message && r->error)
                *reterr_message = strdup(r->error);
        return k;
}
