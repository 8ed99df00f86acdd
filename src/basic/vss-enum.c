/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Name tables for every VSS enumeration of vss.h (VSS-REFERENCE §1.8). */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <vss/vss.h>

#include "buffer.h"
#include "macro.h"

typedef struct NameEntry {
        int64_t value;
        const char *name;
} NameEntry;

typedef struct NameTable {
        const char *prefix;
        const NameEntry *entries;
        size_t n_entries;
} NameTable;

#define E(x) \
        { x, #x }
#define TABLE(var, pfx, ...)                                    \
        static const NameEntry var##_entries[] = {__VA_ARGS__}; \
        static const NameTable var = {pfx, var##_entries, ELEMENTSOF(var##_entries)}

TABLE(backup_schema_table,
      "VSS_BS_",
      E(VSS_BS_UNDEFINED),
      E(VSS_BS_DIFFERENTIAL),
      E(VSS_BS_INCREMENTAL),
      E(VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL),
      E(VSS_BS_LOG),
      E(VSS_BS_COPY),
      E(VSS_BS_TIMESTAMPED),
      E(VSS_BS_LAST_MODIFY),
      E(VSS_BS_LSN),
      E(VSS_BS_WRITER_SUPPORTS_NEW_TARGET),
      E(VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE),
      E(VSS_BS_INDEPENDENT_SYSTEM_STATE),
      E(VSS_BS_ROLLFORWARD_RESTORE),
      E(VSS_BS_RESTORE_RENAME),
      E(VSS_BS_AUTHORITATIVE_RESTORE),
      E(VSS_BS_WRITER_SUPPORTS_PARALLEL_RESTORES));

TABLE(backup_type_table,
      "VSS_BT_",
      E(VSS_BT_UNDEFINED),
      E(VSS_BT_FULL),
      E(VSS_BT_INCREMENTAL),
      E(VSS_BT_DIFFERENTIAL),
      E(VSS_BT_LOG),
      E(VSS_BT_COPY),
      E(VSS_BT_OTHER));

TABLE(restore_type_table,
      "VSS_RTYPE_",
      E(VSS_RTYPE_UNDEFINED),
      E(VSS_RTYPE_BY_COPY),
      E(VSS_RTYPE_IMPORT),
      E(VSS_RTYPE_OTHER));

TABLE(rollforward_type_table,
      "VSS_RF_",
      E(VSS_RF_UNDEFINED),
      E(VSS_RF_NONE),
      E(VSS_RF_ALL),
      E(VSS_RF_PARTIAL));

TABLE(writer_state_table,
      "VSS_WS_",
      E(VSS_WS_UNKNOWN),
      E(VSS_WS_STABLE),
      E(VSS_WS_WAITING_FOR_FREEZE),
      E(VSS_WS_WAITING_FOR_THAW),
      E(VSS_WS_WAITING_FOR_POST_SNAPSHOT),
      E(VSS_WS_WAITING_FOR_BACKUP_COMPLETE),
      E(VSS_WS_FAILED_AT_IDENTIFY),
      E(VSS_WS_FAILED_AT_PREPARE_BACKUP),
      E(VSS_WS_FAILED_AT_PREPARE_SNAPSHOT),
      E(VSS_WS_FAILED_AT_FREEZE),
      E(VSS_WS_FAILED_AT_THAW),
      E(VSS_WS_FAILED_AT_POST_SNAPSHOT),
      E(VSS_WS_FAILED_AT_BACKUP_COMPLETE),
      E(VSS_WS_FAILED_AT_PRE_RESTORE),
      E(VSS_WS_FAILED_AT_POST_RESTORE),
      E(VSS_WS_FAILED_AT_BACKUPSHUTDOWN),
      E(VSS_WS_COUNT));

TABLE(usage_type_table,
      "VSS_UT_",
      E(VSS_UT_UNDEFINED),
      E(VSS_UT_BOOTABLESYSTEMSTATE),
      E(VSS_UT_SYSTEMSERVICE),
      E(VSS_UT_USERDATA),
      E(VSS_UT_OTHER));

TABLE(source_type_table,
      "VSS_ST_",
      E(VSS_ST_UNDEFINED),
      E(VSS_ST_TRANSACTEDDB),
      E(VSS_ST_NONTRANSACTEDDB),
      E(VSS_ST_OTHER));

TABLE(restore_method_table,
      "VSS_RME_",
      E(VSS_RME_UNDEFINED),
      E(VSS_RME_RESTORE_IF_NOT_THERE),
      E(VSS_RME_RESTORE_IF_CAN_REPLACE),
      E(VSS_RME_STOP_RESTORE_START),
      E(VSS_RME_RESTORE_TO_ALTERNATE_LOCATION),
      E(VSS_RME_RESTORE_AT_REBOOT),
      E(VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE),
      E(VSS_RME_CUSTOM),
      E(VSS_RME_RESTORE_STOP_START));

TABLE(writer_restore_table,
      "VSS_WRE_",
      E(VSS_WRE_UNDEFINED),
      E(VSS_WRE_NEVER),
      E(VSS_WRE_IF_REPLACE_FAILS),
      E(VSS_WRE_ALWAYS));

TABLE(component_type_table,
      "VSS_CT_",
      E(VSS_CT_UNDEFINED),
      E(VSS_CT_DATABASE),
      E(VSS_CT_FILEGROUP));

TABLE(component_flags_table,
      "VSS_CF_",
      E(VSS_CF_BACKUP_RECOVERY),
      E(VSS_CF_APP_ROLLBACK_RECOVERY),
      E(VSS_CF_NOT_SYSTEM_STATE));

TABLE(file_spec_backup_type_table,
      "VSS_FSBT_",
      E(VSS_FSBT_ALL_BACKUP_REQUIRED),
      E(VSS_FSBT_ALL_SNAPSHOT_REQUIRED),
      E(VSS_FSBT_FULL_BACKUP_REQUIRED),
      E(VSS_FSBT_DIFFERENTIAL_BACKUP_REQUIRED),
      E(VSS_FSBT_INCREMENTAL_BACKUP_REQUIRED),
      E(VSS_FSBT_LOG_BACKUP_REQUIRED),
      E(VSS_FSBT_FULL_SNAPSHOT_REQUIRED),
      E(VSS_FSBT_DIFFERENTIAL_SNAPSHOT_REQUIRED),
      E(VSS_FSBT_INCREMENTAL_SNAPSHOT_REQUIRED),
      E(VSS_FSBT_LOG_SNAPSHOT_REQUIRED),
      E(VSS_FSBT_CREATED_DURING_BACKUP));

TABLE(restore_target_table,
      "VSS_RT_",
      E(VSS_RT_UNDEFINED),
      E(VSS_RT_ORIGINAL),
      E(VSS_RT_ALTERNATE),
      E(VSS_RT_DIRECTED),
      E(VSS_RT_ORIGINAL_LOCATION));

TABLE(file_restore_status_table,
      "VSS_RS_",
      E(VSS_RS_UNDEFINED),
      E(VSS_RS_NONE),
      E(VSS_RS_ALL),
      E(VSS_RS_FAILED));

TABLE(application_level_table,
      "VSS_APP_",
      E(VSS_APP_UNKNOWN),
      E(VSS_APP_SYSTEM),
      E(VSS_APP_BACK_END),
      E(VSS_APP_FRONT_END),
      E(VSS_APP_SYSTEM_RM),
      E(VSS_APP_AUTO));

TABLE(subscribe_mask_table,
      "VSS_SM_",
      E(VSS_SM_POST_SNAPSHOT_FLAG),
      E(VSS_SM_BACKUP_EVENTS_FLAG),
      E(VSS_SM_RESTORE_EVENTS_FLAG),
      E(VSS_SM_IO_THROTTLING_FLAG),
      E(VSS_SM_ALL_FLAGS));

TABLE(alternate_writer_state_table,
      "VSS_AWS_",
      E(VSS_AWS_UNDEFINED),
      E(VSS_AWS_NO_ALTERNATE_WRITER),
      E(VSS_AWS_ALTERNATE_WRITER_EXISTS),
      E(VSS_AWS_THIS_IS_ALTERNATE_WRITER));

TABLE(object_type_table,
      "VSS_OBJECT_",
      E(VSS_OBJECT_UNKNOWN),
      E(VSS_OBJECT_NONE),
      E(VSS_OBJECT_SNAPSHOT_SET),
      E(VSS_OBJECT_SNAPSHOT),
      E(VSS_OBJECT_PROVIDER),
      E(VSS_OBJECT_TYPE_COUNT));

TABLE(provider_type_table,
      "VSS_PROV_",
      E(VSS_PROV_UNKNOWN),
      E(VSS_PROV_SYSTEM),
      E(VSS_PROV_SOFTWARE),
      E(VSS_PROV_HARDWARE),
      E(VSS_PROV_FILESHARE));

TABLE(snapshot_state_table,
      "VSS_SS_",
      E(VSS_SS_UNKNOWN),
      E(VSS_SS_PREPARING),
      E(VSS_SS_PROCESSING_PREPARE),
      E(VSS_SS_PREPARED),
      E(VSS_SS_PROCESSING_PRECOMMIT),
      E(VSS_SS_PRECOMMITTED),
      E(VSS_SS_PROCESSING_COMMIT),
      E(VSS_SS_COMMITTED),
      E(VSS_SS_PROCESSING_POSTCOMMIT),
      E(VSS_SS_PROCESSING_PREFINALCOMMIT),
      E(VSS_SS_PREFINALCOMMITTED),
      E(VSS_SS_PROCESSING_POSTFINALCOMMIT),
      E(VSS_SS_CREATED),
      E(VSS_SS_ABORTED),
      E(VSS_SS_DELETED),
      E(VSS_SS_POSTCOMMITTED),
      E(VSS_SS_COUNT));

TABLE(snapshot_attributes_table,
      "VSS_VOLSNAP_ATTR_",
      E(VSS_VOLSNAP_ATTR_PERSISTENT),
      E(VSS_VOLSNAP_ATTR_NO_AUTORECOVERY),
      E(VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE),
      E(VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE),
      E(VSS_VOLSNAP_ATTR_NO_WRITERS),
      E(VSS_VOLSNAP_ATTR_TRANSPORTABLE),
      E(VSS_VOLSNAP_ATTR_NOT_SURFACED),
      E(VSS_VOLSNAP_ATTR_NOT_TRANSACTED),
      E(VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED),
      E(VSS_VOLSNAP_ATTR_DIFFERENTIAL),
      E(VSS_VOLSNAP_ATTR_PLEX),
      E(VSS_VOLSNAP_ATTR_IMPORTED),
      E(VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY),
      E(VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY),
      E(VSS_VOLSNAP_ATTR_AUTORECOVER),
      E(VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY),
      E(VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT),
      E(VSS_VOLSNAP_ATTR_TXF_RECOVERY),
      E(VSS_VOLSNAP_ATTR_FILE_SHARE));

TABLE(snapshot_context_table,
      "VSS_CTX_",
      E(VSS_CTX_BACKUP),
      E(VSS_CTX_FILE_SHARE_BACKUP),
      E(VSS_CTX_NAS_ROLLBACK),
      E(VSS_CTX_APP_ROLLBACK),
      E(VSS_CTX_CLIENT_ACCESSIBLE),
      E(VSS_CTX_CLIENT_ACCESSIBLE_WRITERS),
      E(VSS_CTX_ALL));

#undef TABLE
#undef E

/* Values are compared as 32-bit patterns, so that VSS_CTX_ALL (-1) and 0xFFFFFFFF are one. */
static bool same_value(int64_t a, int64_t b) {
        return (uint32_t) a == (uint32_t) b;
}

static const char *table_to_string(const NameTable *t, int64_t v) {
        for (size_t i = 0; i < t->n_entries; i++)
                if (same_value(t->entries[i].value, v))
                        return t->entries[i].name;
        return NULL;
}

/* Parses a decimal or 0x-hexadecimal number in [-2^31, 2^32 - 1]. */
static int parse_number(const char *s, size_t n, int64_t *ret) {
        char buf[32], *end = NULL;

        if (n == 0 || n >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;

        bool neg = buf[0] == '-';
        const char *p = buf + neg;
        if (!(*p >= '0' && *p <= '9'))
                return -EINVAL;
        int base = (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? 16 : 10;
        if (base == 16 && p[2] == 0)
                return -EINVAL;

        errno = 0;
        unsigned long long v = strtoull(p, &end, base);
        if (errno != 0 || *end != 0)
                return -EINVAL;
        if (neg ? v > 0x80000000ULL : v > 0xFFFFFFFFULL)
                return -EINVAL;

        *ret = neg ? -(int64_t) v : (int64_t) v;
        return 0;
}

static int table_lookup(const NameTable *t, const char *s, size_t n, int64_t *ret) {
        size_t plen = strlen(t->prefix);
        int64_t v;

        for (size_t i = 0; i < t->n_entries; i++) {
                const char *name = t->entries[i].name;
                size_t len = strlen(name);
                if ((len == n && strncasecmp(name, s, n) == 0) ||
                    (len - plen == n && strncasecmp(name + plen, s, n) == 0)) {
                        *ret = t->entries[i].value;
                        return 0;
                }
        }

        if (parse_number(s, n, &v) < 0)
                return -EINVAL;
        for (size_t i = 0; i < t->n_entries; i++)
                if (same_value(t->entries[i].value, v)) {
                        *ret = t->entries[i].value;
                        return 0;
                }
        return -EINVAL;
}

static int table_from_string(const NameTable *t, const char *s, int64_t *ret) {
        if (!s)
                return -EINVAL;
        return table_lookup(t, s, strlen(s), ret);
}

static int popcount32(uint32_t v) {
        int c = 0;
        for (; v; v &= v - 1)
                c++;
        return c;
}

static int table_mask_to_string(const NameTable *t, uint32_t mask, char **ret) {
        Buffer b = BUFFER_INIT;
        uint32_t left = mask;
        int r = 0;

        if (!ret)
                return -EINVAL;

        if (mask == 0) {
                const char *zero = table_to_string(t, 0);
                *ret = strdup(zero ? zero : "0");
                return *ret ? 0 : -ENOMEM;
        }

        /* Named combinations first, then single bits, each in table order. */
        for (int pass = 0; pass < 2 && r >= 0; pass++)
                for (size_t i = 0; i < t->n_entries && r >= 0; i++) {
                        uint32_t v = (uint32_t) t->entries[i].value;
                        if (v == 0 || (popcount32(v) > 1) != (pass == 0))
                                continue;
                        if ((left & v) != v)
                                continue;
                        if (b.size > 0)
                                r = buffer_append_char(&b, '|');
                        if (r >= 0)
                                r = buffer_append_str(&b, t->entries[i].name);
                        left &= ~v;
                }

        if (r >= 0 && left != 0)
                r = buffer_printf(&b, "%s0x%" PRIX32, b.size > 0 ? "|" : "", left);
        if (r < 0) {
                buffer_done(&b);
                return r;
        }

        *ret = buffer_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static int table_mask_from_string(const NameTable *t, const char *s, uint32_t *ret) {
        uint32_t defined = 0, mask = 0;

        if (!s || !ret)
                return -EINVAL;

        for (size_t i = 0; i < t->n_entries; i++)
                defined |= (uint32_t) t->entries[i].value;

        const char *p = s;
        for (;;) {
                size_t n = strcspn(p, "|,");
                const char *tok = p;
                size_t len = n;
                while (len > 0 && (*tok == ' ' || *tok == '\t')) {
                        tok++;
                        len--;
                }
                while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
                        len--;
                if (len == 0)
                        return -EINVAL;

                int64_t v;
                if (table_lookup(t, tok, len, &v) < 0) {
                        if (parse_number(tok, len, &v) < 0)
                                return -EINVAL;
                        if (((uint32_t) v & ~defined) != 0)
                                return -EINVAL;
                }
                mask |= (uint32_t) v;

                if (p[n] == 0)
                        break;
                p += n + 1;
        }

        *ret = mask;
        return 0;
}

/* NOLINTBEGIN(bugprone-macro-parentheses): 'type' is a type name */
#define DEFINE_NAME_TABLE(name, type)                                       \
        VSS_PUBLIC const char *vss_##name##_to_string(type value) {         \
                return table_to_string(&name##_table, (int64_t) value);     \
        }                                                                   \
        VSS_PUBLIC int vss_##name##_from_string(const char *s, type *ret) { \
                int64_t v;                                                  \
                vss_assert_return(ret, -EINVAL);                            \
                int r = table_from_string(&name##_table, s, &v);            \
                if (r < 0)                                                  \
                        return r;                                           \
                *ret = (type) v;                                            \
                return 0;                                                   \
        }

#define DEFINE_MASK_TABLE(name, type)                                                \
        DEFINE_NAME_TABLE(name, type)                                                \
        VSS_PUBLIC int vss_##name##_mask_to_string(uint32_t mask, char **ret) {      \
                return table_mask_to_string(&name##_table, mask, ret);               \
        }                                                                            \
        VSS_PUBLIC int vss_##name##_mask_from_string(const char *s, uint32_t *ret) { \
                return table_mask_from_string(&name##_table, s, ret);                \
        }

/* NOLINTEND(bugprone-macro-parentheses) */

DEFINE_MASK_TABLE(backup_schema, VSS_BACKUP_SCHEMA)
DEFINE_NAME_TABLE(backup_type, VSS_BACKUP_TYPE)
DEFINE_NAME_TABLE(restore_type, VSS_RESTORE_TYPE)
DEFINE_NAME_TABLE(rollforward_type, VSS_ROLLFORWARD_TYPE)
DEFINE_NAME_TABLE(writer_state, VSS_WRITER_STATE)
DEFINE_NAME_TABLE(usage_type, VSS_USAGE_TYPE)
DEFINE_NAME_TABLE(source_type, VSS_SOURCE_TYPE)
DEFINE_NAME_TABLE(restore_method, VSS_RESTOREMETHOD_ENUM)
DEFINE_NAME_TABLE(writer_restore, VSS_WRITERRESTORE_ENUM)
DEFINE_NAME_TABLE(component_type, VSS_COMPONENT_TYPE)
DEFINE_MASK_TABLE(component_flags, VSS_COMPONENT_FLAGS)
DEFINE_MASK_TABLE(file_spec_backup_type, VSS_FILE_SPEC_BACKUP_TYPE)
DEFINE_NAME_TABLE(restore_target, VSS_RESTORE_TARGET)
DEFINE_NAME_TABLE(file_restore_status, VSS_FILE_RESTORE_STATUS)
DEFINE_NAME_TABLE(application_level, VSS_APPLICATION_LEVEL)
DEFINE_MASK_TABLE(subscribe_mask, VSS_SUBSCRIBE_MASK)
DEFINE_NAME_TABLE(alternate_writer_state, VSS_ALTERNATE_WRITER_STATE)
DEFINE_NAME_TABLE(object_type, VSS_OBJECT_TYPE)
DEFINE_NAME_TABLE(provider_type, VSS_PROVIDER_TYPE)
DEFINE_NAME_TABLE(snapshot_state, VSS_SNAPSHOT_STATE)
DEFINE_MASK_TABLE(snapshot_attributes, VSS_VOLUME_SNAPSHOT_ATTRIBUTES)
DEFINE_NAME_TABLE(snapshot_context, VSS_SNAPSHOT_CONTEXT)

VSS_PUBLIC char *vss_writer_state_to_display(VSS_WRITER_STATE state, char *buf) {
        static const char *const text[] = {
                        [VSS_WS_UNKNOWN] = "Unknown",
                        [VSS_WS_STABLE] = "Stable",
                        [VSS_WS_WAITING_FOR_FREEZE] = "Waiting for freeze",
                        [VSS_WS_WAITING_FOR_THAW] = "Waiting for thaw",
                        [VSS_WS_WAITING_FOR_POST_SNAPSHOT] = "Waiting for post-snapshot",
                        [VSS_WS_WAITING_FOR_BACKUP_COMPLETE] = "Waiting for completion",
                        [VSS_WS_FAILED_AT_IDENTIFY] = "Failed at identify",
                        [VSS_WS_FAILED_AT_PREPARE_BACKUP] = "Failed at prepare backup",
                        [VSS_WS_FAILED_AT_PREPARE_SNAPSHOT] = "Failed at prepare snapshot",
                        [VSS_WS_FAILED_AT_FREEZE] = "Failed at freeze",
                        [VSS_WS_FAILED_AT_THAW] = "Failed at thaw",
                        [VSS_WS_FAILED_AT_POST_SNAPSHOT] = "Failed at post-snapshot",
                        [VSS_WS_FAILED_AT_BACKUP_COMPLETE] = "Failed at backup complete",
                        [VSS_WS_FAILED_AT_PRE_RESTORE] = "Failed at pre-restore",
                        [VSS_WS_FAILED_AT_POST_RESTORE] = "Failed at post-restore",
                        [VSS_WS_FAILED_AT_BACKUPSHUTDOWN] = "Failed at backup shutdown",
        };

        if (!buf)
                return NULL;
        const char *t = (unsigned) state < ELEMENTSOF(text) && text[state] ? text[state]
                                                                           : "Unknown";
        (void) snprintf(buf, VSS_WRITER_STATE_DISPLAY_MAX, "[%d] %s", (int) state, t);
        return buf;
}
