/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The VSS enumeration name tables. Oracle: no crash; every accepted name or mask formats to a
 * string that parses back to the same value. */

#include <stdlib.h>
#include <string.h>

#include <vss/vss.h>

#include "fuzz.h"

#define CHECK_NAME(name, type)                                                                     \
        do {                                                                                       \
                type v, w;                                                                         \
                if (vss_##name##_from_string(s, &v) == 0) {                                        \
                        const char *t = vss_##name##_to_string(v);                                 \
                        if (!t || vss_##name##_from_string(t, &w) != 0 || v != w)                  \
                                abort();                                                           \
                }                                                                                  \
        } while (0)

#define CHECK_MASK(name, type)                                                                     \
        do {                                                                                       \
                CHECK_NAME(name, type);                                                            \
                uint32_t m, n;                                                                     \
                if (vss_##name##_mask_from_string(s, &m) == 0) {                                   \
                        char *t = NULL;                                                            \
                        if (vss_##name##_mask_to_string(m, &t) != 0)                               \
                                abort();                                                           \
                        if (vss_##name##_mask_from_string(t, &n) != 0 || m != n)                   \
                                abort();                                                           \
                        free(t);                                                                   \
                }                                                                                  \
        } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = 0;

        CHECK_MASK(backup_schema, VSS_BACKUP_SCHEMA);
        CHECK_NAME(backup_type, VSS_BACKUP_TYPE);
        CHECK_NAME(restore_type, VSS_RESTORE_TYPE);
        CHECK_NAME(rollforward_type, VSS_ROLLFORWARD_TYPE);
        CHECK_NAME(writer_state, VSS_WRITER_STATE);
        CHECK_NAME(usage_type, VSS_USAGE_TYPE);
        CHECK_NAME(source_type, VSS_SOURCE_TYPE);
        CHECK_NAME(restore_method, VSS_RESTOREMETHOD_ENUM);
        CHECK_NAME(writer_restore, VSS_WRITERRESTORE_ENUM);
        CHECK_NAME(component_type, VSS_COMPONENT_TYPE);
        CHECK_MASK(component_flags, VSS_COMPONENT_FLAGS);
        CHECK_MASK(file_spec_backup_type, VSS_FILE_SPEC_BACKUP_TYPE);
        CHECK_NAME(restore_target, VSS_RESTORE_TARGET);
        CHECK_NAME(file_restore_status, VSS_FILE_RESTORE_STATUS);
        CHECK_NAME(application_level, VSS_APPLICATION_LEVEL);
        CHECK_MASK(subscribe_mask, VSS_SUBSCRIBE_MASK);
        CHECK_NAME(alternate_writer_state, VSS_ALTERNATE_WRITER_STATE);
        CHECK_NAME(object_type, VSS_OBJECT_TYPE);
        CHECK_NAME(provider_type, VSS_PROVIDER_TYPE);
        CHECK_NAME(snapshot_state, VSS_SNAPSHOT_STATE);
        CHECK_MASK(snapshot_attributes, VSS_VOLUME_SNAPSHOT_ATTRIBUTES);
        CHECK_NAME(snapshot_context, VSS_SNAPSHOT_CONTEXT);

        int code;
        if (vss_status_from_string(s, &code) == 0) {
                const char *t = vss_status_to_string(code);
                if (!t || strcmp(t, s) != 0)
                        abort();
                (void) vss_strerror(-code);
        }
        (void) vss_strerror((int) strtol(s, NULL, 0));

        free(s);
        return 0;
}
