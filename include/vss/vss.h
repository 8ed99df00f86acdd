/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The linvss public types: version, export macro, error codes, GUIDs and every VSS enumeration
 * with the numeric value VSS gives it, plus name tables for all of them. Plain ISO C11; the
 * header compiles as C++ too. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define VSS_BEGIN_DECLS extern "C" {
#define VSS_END_DECLS   }
#else
#define VSS_BEGIN_DECLS
#define VSS_END_DECLS
#endif

#if defined(__GNUC__) || defined(__clang__)
#define VSS_PUBLIC __attribute__((visibility("default")))
#else
#define VSS_PUBLIC
#endif

VSS_BEGIN_DECLS

/* ---- Version ------------------------------------------------------------------------------ */

#define VSS_VERSION_MAJOR 0
#define VSS_VERSION_MINOR 1
#define VSS_VERSION_PATCH 0

/* Returns the library's version as "MAJOR.MINOR.PATCH". Static storage; thread-safe. */
VSS_PUBLIC const char *vss_version(void);

/* ---- Errors ------------------------------------------------------------------------------- */

/* Every function that can fail returns int: >= 0 is success, < 0 is failure. A failure is either
 * a negative errno value (-ENOMEM, -EINVAL, -EACCES, ...) or a negated VSS status code below.
 * Linux errno values end well below VSS_ERROR_BASE, so the two ranges never meet.
 *
 * Each VSS status maps one-to-one onto its Windows HRESULT:
 *         code = VSS_ERROR_BASE + (HRESULT & 0xFFFF) - 0x2300
 * so VSS_E_BAD_STATE (HRESULT 0x80042301) is 10001 and is returned as -10001. The VSS_S_* values
 * are success statuses and are returned positive. vss_error_to_hresult() and
 * vss_error_from_hresult() convert in both directions. */
#define VSS_ERROR_BASE 10000

typedef enum VSS_STATUS {
        /* Writer failure codes: what a writer reports through its failure state (§1.9). */
        VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT = 10240, /* 0x800423F0 */
        VSS_E_WRITERERROR_OUTOFRESOURCES = 10241,       /* 0x800423F1 */
        VSS_E_WRITERERROR_TIMEOUT = 10242,              /* 0x800423F2 */
        VSS_E_WRITERERROR_RETRYABLE = 10243,            /* 0x800423F3 */
        VSS_E_WRITERERROR_NONRETRYABLE = 10244,         /* 0x800423F4 */
        VSS_E_WRITERERROR_RECOVERY_FAILED = 10245,      /* 0x800423F5 */
        VSS_E_WRITERERROR_PARTIAL_FAILURE = 10054,      /* 0x80042336 */

        /* Coordinator, requester and provider statuses. */
        VSS_E_BAD_STATE = 10001,                           /* 0x80042301 */
        VSS_E_UNEXPECTED = 10002,                          /* 0x80042302 */
        VSS_E_PROVIDER_ALREADY_REGISTERED = 10003,         /* 0x80042303 */
        VSS_E_PROVIDER_NOT_REGISTERED = 10004,             /* 0x80042304 */
        VSS_E_PROVIDER_VETO = 10006,                       /* 0x80042306 */
        VSS_E_PROVIDER_IN_USE = 10007,                     /* 0x80042307 */
        VSS_E_OBJECT_NOT_FOUND = 10008,                    /* 0x80042308 */
        VSS_S_ASYNC_PENDING = 10009,                       /* 0x00042309, success */
        VSS_S_ASYNC_FINISHED = 10010,                      /* 0x0004230A, success */
        VSS_S_ASYNC_CANCELLED = 10011,                     /* 0x0004230B, success */
        VSS_E_VOLUME_NOT_SUPPORTED = 10012,                /* 0x8004230C */
        VSS_E_OBJECT_ALREADY_EXISTS = 10013,               /* 0x8004230D */
        VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER = 10014,    /* 0x8004230E */
        VSS_E_UNEXPECTED_PROVIDER_ERROR = 10015,           /* 0x8004230F */
        VSS_E_CORRUPT_XML_DOCUMENT = 10016,                /* 0x80042310 */
        VSS_E_INVALID_XML_DOCUMENT = 10017,                /* 0x80042311 */
        VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED = 10018,   /* 0x80042312 */
        VSS_E_FLUSH_WRITES_TIMEOUT = 10019,                /* 0x80042313 */
        VSS_E_HOLD_WRITES_TIMEOUT = 10020,                 /* 0x80042314 */
        VSS_E_UNEXPECTED_WRITER_ERROR = 10021,             /* 0x80042315 */
        VSS_E_SNAPSHOT_SET_IN_PROGRESS = 10022,            /* 0x80042316 */
        VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED = 10023, /* 0x80042317 */
        VSS_E_WRITER_INFRASTRUCTURE = 10024,               /* 0x80042318 */
        VSS_E_WRITER_NOT_RESPONDING = 10025,               /* 0x80042319 */
        VSS_E_WRITER_ALREADY_SUBSCRIBED = 10026,           /* 0x8004231A */
        VSS_E_UNSUPPORTED_CONTEXT = 10027,                 /* 0x8004231B */
        VSS_E_VOLUME_IN_USE = 10029,                       /* 0x8004231D */
        VSS_E_INSUFFICIENT_STORAGE = 10031,                /* 0x8004231F */
        VSS_E_REBOOT_REQUIRED = 10039,                     /* 0x80042327 */
        VSS_E_TRANSACTION_FREEZE_TIMEOUT = 10040,          /* 0x80042328 */
        VSS_E_TRANSACTION_THAW_TIMEOUT = 10041,            /* 0x80042329 */
        VSS_E_UNSELECTED_VOLUME = 10042,                   /* 0x8004232A */
        VSS_E_SNAPSHOT_NOT_IN_SET = 10043,                 /* 0x8004232B */
        VSS_E_NESTED_VOLUME_LIMIT = 10044,                 /* 0x8004232C */
        VSS_E_NOT_SUPPORTED = 10047,                       /* 0x8004232F */
        VSS_E_WRITER_STATUS_NOT_AVAILABLE = 10265,         /* 0x80042409 */
} VSS_STATUS;

/* Describes any result code of this library: a negative errno, a (negated or positive) VSS
 * status, or 0. Never returns NULL: an unknown code gets a generic text. The string has static
 * storage or is written into thread-local storage; it stays valid until the next call on the
 * same thread. Thread-safe. */
VSS_PUBLIC const char *vss_strerror(int code);

/* Returns the symbolic name of a VSS status, e.g. "VSS_E_BAD_STATE" for -VSS_E_BAD_STATE or
 * VSS_E_BAD_STATE, or NULL when 'code' is not a VSS status. Static storage. */
VSS_PUBLIC const char *vss_status_to_string(int code);

/* Looks up a VSS status by its symbolic name (exact, e.g. "VSS_E_WRITERERROR_TIMEOUT"). On
 * success stores the positive code in *ret and returns 0; -EINVAL if the name is unknown. */
VSS_PUBLIC int vss_status_from_string(const char *name, int *ret);

/* Converts a result code to the Windows HRESULT it corresponds to, for display and for peers
 * that speak HRESULTs: 0 → S_OK, a VSS status → its VSS HRESULT, -ENOMEM → E_OUTOFMEMORY
 * (0x8007000E), -EINVAL → E_INVALIDARG (0x80070057), -EACCES and -EPERM → E_ACCESSDENIED
 * (0x80070005), any other negative errno → E_FAIL (0x80004005). */
VSS_PUBLIC uint32_t vss_error_to_hresult(int code);

/* Converts a VSS HRESULT to a result code: VSS failure HRESULTs give the negated status, VSS
 * success HRESULTs the positive status, S_OK gives 0. Returns -EINVAL for any HRESULT that is not
 * a VSS status. */
VSS_PUBLIC int vss_error_from_hresult(uint32_t hresult);

/* ---- GUIDs -------------------------------------------------------------------------------- */

/* A GUID (VSS_ID) as 16 bytes in the order they are written in text: the first byte is the first
 * two hex digits. A plain value; copy it freely. */
typedef struct vss_guid {
        uint8_t bytes[16];
} vss_guid;

/* Room for the registry form "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" plus its NUL. */
#define VSS_GUID_STRING_MAX 39

/* Parses a GUID written with or without braces, in any case:
 * "{ce4ef7dc-18ce-4a11-b4c9-d7a668637d1b}" or "CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B". Anything
 * else (a missing or unbalanced brace, a wrong group length, a non-hex digit, surrounding spaces)
 * returns -EINVAL and leaves *ret untouched. */
VSS_PUBLIC int vss_guid_from_string(const char *s, vss_guid *ret);

/* Formats a GUID in the registry form "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (upper case) into
 * 'buf', which must hold VSS_GUID_STRING_MAX bytes. Returns 'buf'. */
VSS_PUBLIC char *vss_guid_to_string(const vss_guid *guid, char *buf);

/* Returns true if every byte of the GUID is zero (GUID_NULL). */
VSS_PUBLIC bool vss_guid_is_null(const vss_guid *guid);

/* Returns true if both GUIDs are the same. */
VSS_PUBLIC bool vss_guid_equal(const vss_guid *a, const vss_guid *b);

/* Makes a new random (version 4) GUID from the kernel's random source. Returns 0, or a negative
 * errno if no randomness could be read. May block only while the kernel's pool initialises at
 * early boot. */
VSS_PUBLIC int vss_guid_generate(vss_guid *ret);

/* ---- Logging ------------------------------------------------------------------------------ */

/* The library prints nothing. An application that wants its debug messages installs a function
 * here; 'priority' uses syslog's levels (LOG_DEBUG = 7 ... LOG_ERR = 3). Passing NULL removes it.
 * The function may be called from any thread that uses the library, so it must be thread-safe. */
typedef void (*vss_log_func)(int priority, const char *message, void *userdata);
VSS_PUBLIC void vss_set_log_func(vss_log_func func, void *userdata);

/* ---- Enumerations (VSS-REFERENCE §1.8) ---------------------------------------------------- */

/* Bitmask: the backup schemas a writer supports (SetBackupSchema). */
typedef enum VSS_BACKUP_SCHEMA {
        VSS_BS_UNDEFINED = 0x00000000,
        VSS_BS_DIFFERENTIAL = 0x00000001,
        VSS_BS_INCREMENTAL = 0x00000002,
        VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL = 0x00000004,
        VSS_BS_LOG = 0x00000008,
        VSS_BS_COPY = 0x00000010,
        VSS_BS_TIMESTAMPED = 0x00000020,
        VSS_BS_LAST_MODIFY = 0x00000040,
        VSS_BS_LSN = 0x00000080,
        VSS_BS_WRITER_SUPPORTS_NEW_TARGET = 0x00000100,
        VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE = 0x00000200,
        VSS_BS_INDEPENDENT_SYSTEM_STATE = 0x00000400,
        VSS_BS_ROLLFORWARD_RESTORE = 0x00001000,
        VSS_BS_RESTORE_RENAME = 0x00002000,
        VSS_BS_AUTHORITATIVE_RESTORE = 0x00004000,
        VSS_BS_WRITER_SUPPORTS_PARALLEL_RESTORES = 0x00008000,
} VSS_BACKUP_SCHEMA;

typedef enum VSS_BACKUP_TYPE {
        VSS_BT_UNDEFINED = 0,
        VSS_BT_FULL = 1,
        VSS_BT_INCREMENTAL = 2,
        VSS_BT_DIFFERENTIAL = 3,
        VSS_BT_LOG = 4,
        VSS_BT_COPY = 5,
        VSS_BT_OTHER = 6,
} VSS_BACKUP_TYPE;

typedef enum VSS_RESTORE_TYPE {
        VSS_RTYPE_UNDEFINED = 0,
        VSS_RTYPE_BY_COPY = 1,
        VSS_RTYPE_IMPORT = 2,
        VSS_RTYPE_OTHER = 3,
} VSS_RESTORE_TYPE;

typedef enum VSS_ROLLFORWARD_TYPE {
        VSS_RF_UNDEFINED = 0,
        VSS_RF_NONE = 1,
        VSS_RF_ALL = 2,
        VSS_RF_PARTIAL = 3,
} VSS_ROLLFORWARD_TYPE;

typedef enum VSS_WRITER_STATE {
        VSS_WS_UNKNOWN = 0,
        VSS_WS_STABLE = 1,
        VSS_WS_WAITING_FOR_FREEZE = 2,
        VSS_WS_WAITING_FOR_THAW = 3,
        VSS_WS_WAITING_FOR_POST_SNAPSHOT = 4,
        VSS_WS_WAITING_FOR_BACKUP_COMPLETE = 5,
        VSS_WS_FAILED_AT_IDENTIFY = 6,
        VSS_WS_FAILED_AT_PREPARE_BACKUP = 7,
        VSS_WS_FAILED_AT_PREPARE_SNAPSHOT = 8,
        VSS_WS_FAILED_AT_FREEZE = 9,
        VSS_WS_FAILED_AT_THAW = 10,
        VSS_WS_FAILED_AT_POST_SNAPSHOT = 11,
        VSS_WS_FAILED_AT_BACKUP_COMPLETE = 12,
        VSS_WS_FAILED_AT_PRE_RESTORE = 13,
        VSS_WS_FAILED_AT_POST_RESTORE = 14,
        VSS_WS_FAILED_AT_BACKUPSHUTDOWN = 15,
        VSS_WS_COUNT = 16,
} VSS_WRITER_STATE;

typedef enum VSS_USAGE_TYPE {
        VSS_UT_UNDEFINED = 0,
        VSS_UT_BOOTABLESYSTEMSTATE = 1,
        VSS_UT_SYSTEMSERVICE = 2,
        VSS_UT_USERDATA = 3,
        VSS_UT_OTHER = 4,
} VSS_USAGE_TYPE;

typedef enum VSS_SOURCE_TYPE {
        VSS_ST_UNDEFINED = 0,
        VSS_ST_TRANSACTEDDB = 1,
        VSS_ST_NONTRANSACTEDDB = 2,
        VSS_ST_OTHER = 3,
} VSS_SOURCE_TYPE;

typedef enum VSS_RESTOREMETHOD_ENUM {
        VSS_RME_UNDEFINED = 0,
        VSS_RME_RESTORE_IF_NOT_THERE = 1,
        VSS_RME_RESTORE_IF_CAN_REPLACE = 2,
        VSS_RME_STOP_RESTORE_START = 3,
        VSS_RME_RESTORE_TO_ALTERNATE_LOCATION = 4,
        VSS_RME_RESTORE_AT_REBOOT = 5,
        VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE = 6,
        VSS_RME_CUSTOM = 7,
        VSS_RME_RESTORE_STOP_START = 8,
} VSS_RESTOREMETHOD_ENUM;

typedef enum VSS_WRITERRESTORE_ENUM {
        VSS_WRE_UNDEFINED = 0,
        VSS_WRE_NEVER = 1,
        VSS_WRE_IF_REPLACE_FAILS = 2,
        VSS_WRE_ALWAYS = 3,
} VSS_WRITERRESTORE_ENUM;

typedef enum VSS_COMPONENT_TYPE {
        VSS_CT_UNDEFINED = 0,
        VSS_CT_DATABASE = 1,
        VSS_CT_FILEGROUP = 2,
} VSS_COMPONENT_TYPE;

/* Bitmask. */
typedef enum VSS_COMPONENT_FLAGS {
        VSS_CF_BACKUP_RECOVERY = 0x00000001,
        VSS_CF_APP_ROLLBACK_RECOVERY = 0x00000002,
        VSS_CF_NOT_SYSTEM_STATE = 0x00000004,
} VSS_COMPONENT_FLAGS;

/* Bitmask per file set. */
typedef enum VSS_FILE_SPEC_BACKUP_TYPE {
        VSS_FSBT_FULL_BACKUP_REQUIRED = 0x00000001,
        VSS_FSBT_DIFFERENTIAL_BACKUP_REQUIRED = 0x00000002,
        VSS_FSBT_INCREMENTAL_BACKUP_REQUIRED = 0x00000004,
        VSS_FSBT_LOG_BACKUP_REQUIRED = 0x00000008,
        VSS_FSBT_FULL_SNAPSHOT_REQUIRED = 0x00000100,
        VSS_FSBT_DIFFERENTIAL_SNAPSHOT_REQUIRED = 0x00000200,
        VSS_FSBT_INCREMENTAL_SNAPSHOT_REQUIRED = 0x00000400,
        VSS_FSBT_LOG_SNAPSHOT_REQUIRED = 0x00000800,
        VSS_FSBT_CREATED_DURING_BACKUP = 0x00010000,
        VSS_FSBT_ALL_BACKUP_REQUIRED = 0x0000000F,
        VSS_FSBT_ALL_SNAPSHOT_REQUIRED = 0x00000F00,
} VSS_FILE_SPEC_BACKUP_TYPE;

/* The default mask of a file set: always snapshot, always copy whole. */
#define VSS_FSBT_DEFAULT (VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED)

typedef enum VSS_RESTORE_TARGET {
        VSS_RT_UNDEFINED = 0,
        VSS_RT_ORIGINAL = 1,
        VSS_RT_ALTERNATE = 2,
        VSS_RT_DIRECTED = 3,
        VSS_RT_ORIGINAL_LOCATION = 4,
} VSS_RESTORE_TARGET;

typedef enum VSS_FILE_RESTORE_STATUS {
        VSS_RS_UNDEFINED = 0,
        VSS_RS_NONE = 1,
        VSS_RS_ALL = 2,
        VSS_RS_FAILED = 3,
} VSS_FILE_RESTORE_STATUS;

/* Freeze order: front-end writers first, then back-end, then system. VSS_APP_AUTO is -1. */
typedef enum VSS_APPLICATION_LEVEL {
        VSS_APP_UNKNOWN = 0,
        VSS_APP_SYSTEM = 1,
        VSS_APP_BACK_END = 2,
        VSS_APP_FRONT_END = 3,
        VSS_APP_SYSTEM_RM = 4,
        VSS_APP_AUTO = -1,
} VSS_APPLICATION_LEVEL;

/* Bitmask. VSS_SM_ALL_FLAGS is 0xFFFFFFFF, written -1 because ISO C enumerators are ints. */
typedef enum VSS_SUBSCRIBE_MASK {
        VSS_SM_POST_SNAPSHOT_FLAG = 0x00000001,
        VSS_SM_BACKUP_EVENTS_FLAG = 0x00000002,
        VSS_SM_RESTORE_EVENTS_FLAG = 0x00000004,
        VSS_SM_IO_THROTTLING_FLAG = 0x00000008,
        VSS_SM_ALL_FLAGS = -1,
} VSS_SUBSCRIBE_MASK;

typedef enum VSS_ALTERNATE_WRITER_STATE {
        VSS_AWS_UNDEFINED = 0,
        VSS_AWS_NO_ALTERNATE_WRITER = 1,
        VSS_AWS_ALTERNATE_WRITER_EXISTS = 2,
        VSS_AWS_THIS_IS_ALTERNATE_WRITER = 3,
} VSS_ALTERNATE_WRITER_STATE;

typedef enum VSS_OBJECT_TYPE {
        VSS_OBJECT_UNKNOWN = 0,
        VSS_OBJECT_NONE = 1,
        VSS_OBJECT_SNAPSHOT_SET = 2,
        VSS_OBJECT_SNAPSHOT = 3,
        VSS_OBJECT_PROVIDER = 4,
        VSS_OBJECT_TYPE_COUNT = 5,
} VSS_OBJECT_TYPE;

typedef enum VSS_PROVIDER_TYPE {
        VSS_PROV_UNKNOWN = 0,
        VSS_PROV_SYSTEM = 1,
        VSS_PROV_SOFTWARE = 2,
        VSS_PROV_HARDWARE = 3,
        VSS_PROV_FILESHARE = 4,
} VSS_PROVIDER_TYPE;

typedef enum VSS_SNAPSHOT_STATE {
        VSS_SS_UNKNOWN = 0,
        VSS_SS_PREPARING = 1,
        VSS_SS_PROCESSING_PREPARE = 2,
        VSS_SS_PREPARED = 3,
        VSS_SS_PROCESSING_PRECOMMIT = 4,
        VSS_SS_PRECOMMITTED = 5,
        VSS_SS_PROCESSING_COMMIT = 6,
        VSS_SS_COMMITTED = 7,
        VSS_SS_PROCESSING_POSTCOMMIT = 8,
        VSS_SS_PROCESSING_PREFINALCOMMIT = 9,
        VSS_SS_PREFINALCOMMITTED = 10,
        VSS_SS_PROCESSING_POSTFINALCOMMIT = 11,
        VSS_SS_CREATED = 12,
        VSS_SS_ABORTED = 13,
        VSS_SS_DELETED = 14,
        VSS_SS_POSTCOMMITTED = 15,
        VSS_SS_COUNT = 16,
} VSS_SNAPSHOT_STATE;

/* Bitmask of snapshot attributes, OR-ed into a context. */
typedef enum VSS_VOLUME_SNAPSHOT_ATTRIBUTES {
        VSS_VOLSNAP_ATTR_PERSISTENT = 0x00000001,
        VSS_VOLSNAP_ATTR_NO_AUTORECOVERY = 0x00000002,
        VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE = 0x00000004,
        VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE = 0x00000008,
        VSS_VOLSNAP_ATTR_NO_WRITERS = 0x00000010,
        VSS_VOLSNAP_ATTR_TRANSPORTABLE = 0x00000020,
        VSS_VOLSNAP_ATTR_NOT_SURFACED = 0x00000040,
        VSS_VOLSNAP_ATTR_NOT_TRANSACTED = 0x00000080,
        VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED = 0x00010000,
        VSS_VOLSNAP_ATTR_DIFFERENTIAL = 0x00020000,
        VSS_VOLSNAP_ATTR_PLEX = 0x00040000,
        VSS_VOLSNAP_ATTR_IMPORTED = 0x00080000,
        VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY = 0x00100000,
        VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY = 0x00200000,
        VSS_VOLSNAP_ATTR_AUTORECOVER = 0x00400000,
        VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY = 0x00800000,
        VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT = 0x01000000,
        VSS_VOLSNAP_ATTR_TXF_RECOVERY = 0x02000000,
        VSS_VOLSNAP_ATTR_FILE_SHARE = 0x04000000,
} VSS_VOLUME_SNAPSHOT_ATTRIBUTES;

/* Snapshot contexts (§2.7). VSS_CTX_ALL is 0xFFFFFFFF, written -1 because ISO C enumerators are
 * ints; it selects every context in queries and is never valid for creating snapshots. */
typedef enum VSS_SNAPSHOT_CONTEXT {
        VSS_CTX_BACKUP = 0x00000000,
        VSS_CTX_FILE_SHARE_BACKUP = 0x00000010,
        VSS_CTX_NAS_ROLLBACK = 0x00000019,
        VSS_CTX_APP_ROLLBACK = 0x00000009,
        VSS_CTX_CLIENT_ACCESSIBLE = 0x0000001D,
        VSS_CTX_CLIENT_ACCESSIBLE_WRITERS = 0x0000000D,
        VSS_CTX_ALL = -1,
} VSS_SNAPSHOT_CONTEXT;

/* ---- Name tables -------------------------------------------------------------------------- */

/* For every enumeration X above there is a pair
 *
 *         const char *vss_x_to_string(X value);
 *         int vss_x_from_string(const char *name, X *ret);
 *
 * to_string returns the exact VSS name ("VSS_BT_FULL"), static storage, or NULL when 'value' has
 * no name. from_string accepts the exact name or the name without its prefix ("FULL"), in any
 * case, and a decimal or 0x-hexadecimal number that is a named value; it returns 0 and stores the
 * value, or -EINVAL and leaves *ret untouched.
 *
 * The bitmask enumerations (backup schema, component flags, file-spec backup type, subscribe
 * mask, snapshot attributes) have in addition
 *
 *         int vss_x_mask_to_string(uint32_t mask, char **ret);
 *         int vss_x_mask_from_string(const char *s, uint32_t *ret);
 *
 * mask_to_string writes the mask as names joined by '|' ("VSS_BS_INCREMENTAL|VSS_BS_TIMESTAMPED"),
 * preferring the named combinations (VSS_FSBT_ALL_BACKUP_REQUIRED); bits without a name are
 * written as one trailing 0x number; an empty mask is the zero value's name, or "0". The string
 * is malloc()ed and you now own it; returns 0 or -ENOMEM. mask_from_string parses names and
 * numbers joined by '|' or ',' (blanks around them allowed), and refuses any name or bit that is
 * not defined with -EINVAL. */
/* NOLINTBEGIN(bugprone-macro-parentheses): 'type' is a type name */
#define VSS_DECLARE_NAME_TABLE(name, type)                         \
        VSS_PUBLIC const char *vss_##name##_to_string(type value); \
        VSS_PUBLIC int vss_##name##_from_string(const char *s, type *ret)
#define VSS_DECLARE_MASK_TABLE(name, type)                                     \
        VSS_DECLARE_NAME_TABLE(name, type);                                    \
        VSS_PUBLIC int vss_##name##_mask_to_string(uint32_t mask, char **ret); \
        VSS_PUBLIC int vss_##name##_mask_from_string(const char *s, uint32_t *ret)

/* NOLINTEND(bugprone-macro-parentheses) */

VSS_DECLARE_MASK_TABLE(backup_schema, VSS_BACKUP_SCHEMA);
VSS_DECLARE_NAME_TABLE(backup_type, VSS_BACKUP_TYPE);
VSS_DECLARE_NAME_TABLE(restore_type, VSS_RESTORE_TYPE);
VSS_DECLARE_NAME_TABLE(rollforward_type, VSS_ROLLFORWARD_TYPE);
VSS_DECLARE_NAME_TABLE(writer_state, VSS_WRITER_STATE);
VSS_DECLARE_NAME_TABLE(usage_type, VSS_USAGE_TYPE);
VSS_DECLARE_NAME_TABLE(source_type, VSS_SOURCE_TYPE);
VSS_DECLARE_NAME_TABLE(restore_method, VSS_RESTOREMETHOD_ENUM);
VSS_DECLARE_NAME_TABLE(writer_restore, VSS_WRITERRESTORE_ENUM);
VSS_DECLARE_NAME_TABLE(component_type, VSS_COMPONENT_TYPE);
VSS_DECLARE_MASK_TABLE(component_flags, VSS_COMPONENT_FLAGS);
VSS_DECLARE_MASK_TABLE(file_spec_backup_type, VSS_FILE_SPEC_BACKUP_TYPE);
VSS_DECLARE_NAME_TABLE(restore_target, VSS_RESTORE_TARGET);
VSS_DECLARE_NAME_TABLE(file_restore_status, VSS_FILE_RESTORE_STATUS);
VSS_DECLARE_NAME_TABLE(application_level, VSS_APPLICATION_LEVEL);
VSS_DECLARE_MASK_TABLE(subscribe_mask, VSS_SUBSCRIBE_MASK);
VSS_DECLARE_NAME_TABLE(alternate_writer_state, VSS_ALTERNATE_WRITER_STATE);
VSS_DECLARE_NAME_TABLE(object_type, VSS_OBJECT_TYPE);
VSS_DECLARE_NAME_TABLE(provider_type, VSS_PROVIDER_TYPE);
VSS_DECLARE_NAME_TABLE(snapshot_state, VSS_SNAPSHOT_STATE);
VSS_DECLARE_MASK_TABLE(snapshot_attributes, VSS_VOLUME_SNAPSHOT_ATTRIBUTES);
VSS_DECLARE_NAME_TABLE(snapshot_context, VSS_SNAPSHOT_CONTEXT);

/* Writer state as vssadmin shows it: "[1] Stable", "[9] Failed at freeze". 'buf' must hold 64
 * bytes; returns 'buf'. An unknown value gives "[n] Unknown". */
#define VSS_WRITER_STATE_DISPLAY_MAX 64
VSS_PUBLIC char *vss_writer_state_to_display(VSS_WRITER_STATE state, char *buf);

VSS_END_DECLS
