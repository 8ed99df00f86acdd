/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Messages: envelope, the schema of every message (docs/PROTOCOL.md §4), encoding, version
 * negotiation. */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss.h>

#include "buffer.h"
#include "proto.h"

static const char *const message_type_table[PROTO_MESSAGE_TYPE_MAX] = {
                [PROTO_HELLO] = "hello",
                [PROTO_REPLY] = "reply",
                [PROTO_REGISTER] = "register",
                [PROTO_EVENT] = "event",
                [PROTO_SESSION_BEGIN] = "session-begin",
                [PROTO_GATHER_METADATA] = "gather-metadata",
                [PROTO_START_SNAPSHOT_SET] = "start-snapshot-set",
                [PROTO_ADD_TO_SNAPSHOT_SET] = "add-to-snapshot-set",
                [PROTO_PREPARE_FOR_BACKUP] = "prepare-for-backup",
                [PROTO_DO_SNAPSHOT_SET] = "do-snapshot-set",
                [PROTO_GATHER_STATUS] = "gather-status",
                [PROTO_BACKUP_COMPLETE] = "backup-complete",
                [PROTO_ABORT_BACKUP] = "abort-backup",
                [PROTO_PRE_RESTORE] = "pre-restore",
                [PROTO_POST_RESTORE] = "post-restore",
                [PROTO_SNAPSHOT_PROPERTIES] = "snapshot-properties",
                [PROTO_SESSION_END] = "session-end",
                [PROTO_LIST_WRITERS] = "list-writers",
                [PROTO_LIST_PROVIDERS] = "list-providers",
                [PROTO_LIST_SHADOWS] = "list-shadows",
                [PROTO_DELETE_SHADOWS] = "delete-shadows",
                [PROTO_EXPOSE_SHADOW] = "expose-shadow",
                [PROTO_UNEXPOSE_SHADOW] = "unexpose-shadow",
                [PROTO_LIST_VOLUMES] = "list-volumes",
};

static const char *const role_table[PROTO_ROLE_MAX] = {
                [PROTO_ROLE_WRITER] = "writer",
                [PROTO_ROLE_REQUESTER] = "requester",
                [PROTO_ROLE_ADMIN] = "admin",
};

static const char *const event_table[PROTO_EVENT_MAX] = {
                [PROTO_EVENT_IDENTIFY] = "identify",
                [PROTO_EVENT_PREPARE_BACKUP] = "prepare-backup",
                [PROTO_EVENT_PREPARE_SNAPSHOT] = "prepare-snapshot",
                [PROTO_EVENT_FREEZE] = "freeze",
                [PROTO_EVENT_THAW] = "thaw",
                [PROTO_EVENT_POST_SNAPSHOT] = "post-snapshot",
                [PROTO_EVENT_ABORT] = "abort",
                [PROTO_EVENT_BACKUP_COMPLETE] = "backup-complete",
                [PROTO_EVENT_BACKUP_SHUTDOWN] = "backup-shutdown",
                [PROTO_EVENT_PRE_RESTORE] = "pre-restore",
                [PROTO_EVENT_POST_RESTORE] = "post-restore",
};

static int table_lookup(const char *const *table, size_t n, const char *s) {
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], s))
                        return (int) i;
        return -EINVAL;
}

const char *proto_message_type_to_string(ProtoMessageType t) {
        return t >= 0 && t < PROTO_MESSAGE_TYPE_MAX ? message_type_table[t] : NULL;
}

ProtoMessageType proto_message_type_from_string(const char *s) {
        return (ProtoMessageType) table_lookup(message_type_table, PROTO_MESSAGE_TYPE_MAX, s);
}

const char *proto_role_to_string(ProtoRole r) {
        return r >= 0 && r < PROTO_ROLE_MAX ? role_table[r] : NULL;
}

ProtoRole proto_role_from_string(const char *s) {
        return (ProtoRole) table_lookup(role_table, PROTO_ROLE_MAX, s);
}

const char *proto_event_to_string(ProtoEvent e) {
        return e >= 0 && e < PROTO_EVENT_MAX ? event_table[e] : NULL;
}

ProtoEvent proto_event_from_string(const char *s) {
        return (ProtoEvent) table_lookup(event_table, PROTO_EVENT_MAX, s);
}

bool proto_event_may_update_bcd(ProtoEvent e) {
        return e == PROTO_EVENT_PREPARE_BACKUP || e == PROTO_EVENT_POST_SNAPSHOT ||
               e == PROTO_EVENT_PRE_RESTORE || e == PROTO_EVENT_POST_RESTORE;
}

bool proto_role_may_send(ProtoRole role, ProtoMessageType t) {
        switch (t) {
        case PROTO_HELLO:
        case PROTO_REPLY:
                return true;
        case PROTO_REGISTER:
                return role == PROTO_ROLE_WRITER;
        case PROTO_EVENT:
                return false; /* only vssd sends events */
        case PROTO_LIST_WRITERS:
        case PROTO_LIST_PROVIDERS:
        case PROTO_LIST_SHADOWS:
        case PROTO_DELETE_SHADOWS:
        case PROTO_EXPOSE_SHADOW:
        case PROTO_UNEXPOSE_SHADOW:
        case PROTO_LIST_VOLUMES:
                return role == PROTO_ROLE_ADMIN || role == PROTO_ROLE_REQUESTER;
        case PROTO_SESSION_BEGIN:
        case PROTO_GATHER_METADATA:
        case PROTO_START_SNAPSHOT_SET:
        case PROTO_ADD_TO_SNAPSHOT_SET:
        case PROTO_PREPARE_FOR_BACKUP:
        case PROTO_DO_SNAPSHOT_SET:
        case PROTO_GATHER_STATUS:
        case PROTO_BACKUP_COMPLETE:
        case PROTO_ABORT_BACKUP:
        case PROTO_PRE_RESTORE:
        case PROTO_POST_RESTORE:
        case PROTO_SNAPSHOT_PROPERTIES:
        case PROTO_SESSION_END:
                return role == PROTO_ROLE_REQUESTER;
        default:
                return false;
        }
}

/* ---- Schema ------------------------------------------------------------------------------- */

typedef enum FieldKind {
        FIELD_END,    /* terminates a field list */
        FIELD_STRING, /* UTF-8 string of at most 'max' bytes (0: PROTO_STRING_MAX), at least 'min'
                       */
        FIELD_GUID,   /* string in GUID form */
        FIELD_INT,    /* integer in [min, max] */
        FIELD_BOOL,
        FIELD_ENUM,   /* string accepted by 'parse' */
        FIELD_OBJECT, /* object with exactly the fields of 'sub' */
        FIELD_DOC,    /* any object: an embedded document, validated by its reader */
        FIELD_ARRAY,  /* array of at most 'max' items (0: PROTO_ARRAY_MAX), each like 'sub[0]' */
} FieldKind;

typedef struct FieldSpec FieldSpec;
struct FieldSpec {
        const char *name;
        FieldKind kind;
        bool required;
        int64_t min, max;
        const FieldSpec *sub;
        bool (*parse)(const char *s);
};

#define END \
        { NULL, FIELD_END, false, 0, 0, NULL, NULL }
#define REQ(n, k) \
        { n, k, true, 0, 0, NULL, NULL }
#define OPT(n, k) \
        { n, k, false, 0, 0, NULL, NULL }
#define STR_REQ(n, lo, hi) \
        { n, FIELD_STRING, true, lo, hi, NULL, NULL }
#define STR_OPT(n, hi) \
        { n, FIELD_STRING, false, 0, hi, NULL, NULL }
#define INT_REQ(n, lo, hi) \
        { n, FIELD_INT, true, lo, hi, NULL, NULL }
#define INT_OPT(n, lo, hi) \
        { n, FIELD_INT, false, lo, hi, NULL, NULL }
#define ENUM_REQ(n, p) \
        { n, FIELD_ENUM, true, 0, 0, NULL, p }
#define ENUM_OPT(n, p) \
        { n, FIELD_ENUM, false, 0, 0, NULL, p }
#define OBJ_REQ(n, s) \
        { n, FIELD_OBJECT, true, 0, 0, s, NULL }
#define OBJ_OPT(n, s) \
        { n, FIELD_OBJECT, false, 0, 0, s, NULL }
#define ARR_REQ(n, lo, hi, item) \
        { n, FIELD_ARRAY, true, lo, hi, item, NULL }
#define ARR_OPT(n, hi, item) \
        { n, FIELD_ARRAY, false, 0, hi, item, NULL }

#define INT32_MIN_  ((int64_t) INT32_MIN)
#define INT32_MAX_  ((int64_t) INT32_MAX)
#define UINT32_MAX_ ((int64_t) UINT32_MAX)

static bool parse_role(const char *s) {
        return proto_role_from_string(s) >= 0;
}
static bool parse_event(const char *s) {
        return proto_event_from_string(s) >= 0;
}
static bool parse_session_kind(const char *s) {
        return streq(s, "backup") || streq(s, "restore");
}
static bool parse_usage_type(const char *s) {
        VSS_USAGE_TYPE v;
        return vss_usage_type_from_string(s, &v) >= 0;
}
static bool parse_source_type(const char *s) {
        VSS_SOURCE_TYPE v;
        return vss_source_type_from_string(s, &v) >= 0;
}
static bool parse_application_level(const char *s) {
        VSS_APPLICATION_LEVEL v;
        return vss_application_level_from_string(s, &v) >= 0;
}
static bool parse_writer_state(const char *s) {
        VSS_WRITER_STATE v;
        return vss_writer_state_from_string(s, &v) >= 0;
}
static bool parse_snapshot_state(const char *s) {
        VSS_SNAPSHOT_STATE v;
        return vss_snapshot_state_from_string(s, &v) >= 0;
}
static bool parse_provider_type(const char *s) {
        VSS_PROVIDER_TYPE v;
        return vss_provider_type_from_string(s, &v) >= 0;
}
static bool parse_consistency(const char *s) {
        return streq(s, "crash-consistent") || streq(s, "writer-consistent");
}

/* Shared pieces. */
static const FieldSpec version_item[] = {INT_REQ(NULL, 1, 65535), END};
static const FieldSpec string_item[] = {STR_REQ(NULL, 0, 0), END};
static const FieldSpec failure_fields[] = {
                INT_REQ("hr", INT32_MIN_, 0),
                INT_OPT("application_hr", INT32_MIN_, UINT32_MAX_),
                STR_OPT("message", 0),
                END,
};
static const FieldSpec writer_doc_fields[] = {
                REQ("instance_id", FIELD_GUID),
                REQ("bcd", FIELD_DOC),
                END,
};
static const FieldSpec writer_doc_item[] = {OBJ_REQ(NULL, writer_doc_fields), END};
static const FieldSpec writer_result_fields[] = {
                REQ("instance_id", FIELD_GUID),
                INT_REQ("result", INT32_MIN_, 0),
                OPT("bcd", FIELD_DOC),
                OBJ_OPT("failure", failure_fields),
                STR_OPT("error", 0),
                END,
};
static const FieldSpec writer_result_item[] = {OBJ_REQ(NULL, writer_result_fields), END};
static const FieldSpec writer_docs_request[] = {
                ARR_REQ("writers", 0, 0, writer_doc_item),
                END,
};
static const FieldSpec writer_results_reply[] = {
                ARR_REQ("writers", 0, 0, writer_result_item),
                END,
};
static const FieldSpec empty_fields[] = {END};

/* Requests. */
static const FieldSpec hello_fields[] = {
                ARR_REQ("versions", 1, 16, version_item),
                ENUM_REQ("role", parse_role),
                STR_OPT("program", PROTO_PROGRAM_MAX),
                END,
};
static const FieldSpec identity_fields[] = {
                REQ("class_id", FIELD_GUID),
                STR_OPT("instance_name", 1024),
                STR_REQ("writer_name", 1, 1024),
                ENUM_REQ("usage_type", parse_usage_type),
                ENUM_REQ("source_type", parse_source_type),
                ENUM_REQ("application_level", parse_application_level),
                INT_REQ("freeze_timeout_ms", 1, 3600000),
                INT_OPT("version_major", 0, UINT32_MAX_),
                INT_OPT("version_minor", 0, UINT32_MAX_),
                INT_OPT("subscribe", 0, UINT32_MAX_),
                END,
};
static const FieldSpec register_fields[] = {OBJ_REQ("identity", identity_fields), END};
static const FieldSpec volume_fields[] = {
                STR_REQ("volume", 1, 4096),
                STR_OPT("snapshot_path", 4096),
                END,
};
static const FieldSpec volume_item[] = {OBJ_REQ(NULL, volume_fields), END};
static const FieldSpec event_fields[] = {
                ENUM_REQ("event", parse_event),
                INT_REQ("deadline_ms", 0, INT32_MAX_),
                OPT("session_id", FIELD_GUID),
                OPT("snapshot_set_id", FIELD_GUID),
                INT_OPT("context", INT32_MIN_, UINT32_MAX_),
                OPT("bcd", FIELD_DOC),
                ARR_OPT("volumes", 64, volume_item),
                END,
};
static const FieldSpec session_begin_fields[] = {
                ENUM_REQ("kind", parse_session_kind),
                INT_OPT("context", INT32_MIN_, UINT32_MAX_),
                END,
};
static const FieldSpec add_to_snapshot_set_fields[] = {
                STR_REQ("volume", 1, 4096),
                STR_OPT("provider", 256),
                END,
};
static const FieldSpec snapshot_properties_fields[] = {REQ("snapshot_id", FIELD_GUID), END};

/* Replies. */
static const FieldSpec hello_reply[] = {
                INT_REQ("version", 1, 65535),
                STR_OPT("server", PROTO_PROGRAM_MAX),
                END,
};
static const FieldSpec register_reply[] = {REQ("instance_id", FIELD_GUID), END};
static const FieldSpec event_reply[] = {
                OBJ_OPT("failure", failure_fields),
                OPT("wmd", FIELD_DOC),
                OPT("bcd", FIELD_DOC),
                END,
};
static const FieldSpec session_begin_reply[] = {REQ("session_id", FIELD_GUID), END};
static const FieldSpec metadata_writer_fields[] = {
                REQ("instance_id", FIELD_GUID),
                REQ("class_id", FIELD_GUID),
                STR_OPT("instance_name", 1024),
                STR_REQ("writer_name", 1, 1024),
                ENUM_REQ("usage_type", parse_usage_type),
                ENUM_REQ("source_type", parse_source_type),
                ENUM_REQ("application_level", parse_application_level),
                REQ("wmd", FIELD_DOC),
                END,
};
static const FieldSpec metadata_writer_item[] = {OBJ_REQ(NULL, metadata_writer_fields), END};
static const FieldSpec gather_metadata_reply[] = {
                ARR_REQ("writers", 0, 0, metadata_writer_item),
                END,
};
static const FieldSpec start_snapshot_set_reply[] = {REQ("snapshot_set_id", FIELD_GUID), END};
static const FieldSpec add_to_snapshot_set_reply[] = {
                REQ("snapshot_id", FIELD_GUID),
                STR_REQ("provider", 1, 256),
                END,
};
static const FieldSpec snapshot_fields[] = {
                REQ("snapshot_id", FIELD_GUID),
                REQ("snapshot_set_id", FIELD_GUID),
                STR_REQ("volume", 1, 4096),
                STR_OPT("snapshot_path", 4096),
                STR_REQ("provider", 1, 256),
                INT_OPT("attributes", 0, UINT32_MAX_),
                INT_OPT("created_usec", 0, INT64_MAX),
                ENUM_OPT("state", parse_snapshot_state),
                INT_OPT("context", INT32_MIN_, UINT32_MAX_),
                OPT("persistent", FIELD_BOOL),
                STR_OPT("exposed_path", 4096),
                ENUM_OPT("consistency", parse_consistency),
                OPT("session_id", FIELD_GUID),
                END,
};
static const FieldSpec snapshot_item[] = {OBJ_REQ(NULL, snapshot_fields), END};
static const FieldSpec list_shadows_fields[] = {
                STR_OPT("volume", 4096),
                OPT("snapshot_id", FIELD_GUID),
                END,
};
static const FieldSpec shadows_reply[] = {
                ARR_REQ("shadows", 0, 0, snapshot_item),
                END,
};
static const FieldSpec delete_shadows_fields[] = {
                STR_OPT("volume", 4096),
                OPT("snapshot_id", FIELD_GUID),
                OPT("oldest", FIELD_BOOL),
                OPT("all", FIELD_BOOL),
                END,
};
static const FieldSpec expose_shadow_fields[] = {
                REQ("snapshot_id", FIELD_GUID),
                STR_REQ("path", 1, 4096),
                END,
};
static const FieldSpec unexpose_shadow_fields[] = {REQ("snapshot_id", FIELD_GUID), END};
static const FieldSpec volume_entry_fields[] = {
                STR_REQ("volume", 1, 4096),
                STR_REQ("fs_type", 1, 256),
                STR_OPT("source", 4096),
                OPT("read_only", FIELD_BOOL),
                ARR_REQ("providers", 0, 16, string_item),
                END,
};
static const FieldSpec volume_entry_item[] = {OBJ_REQ(NULL, volume_entry_fields), END};
static const FieldSpec list_volumes_reply[] = {
                ARR_REQ("volumes", 0, 0, volume_entry_item),
                END,
};
static const FieldSpec do_snapshot_set_reply[] = {
                ARR_REQ("writers", 0, 0, writer_result_item),
                ARR_OPT("snapshots", 64, snapshot_item),
                END,
};
static const FieldSpec status_writer_fields[] = {
                REQ("instance_id", FIELD_GUID),
                REQ("class_id", FIELD_GUID),
                STR_REQ("writer_name", 1, 1024),
                STR_OPT("instance_name", 1024),
                ENUM_REQ("state", parse_writer_state),
                OBJ_OPT("failure", failure_fields),
                ENUM_OPT("usage_type", parse_usage_type),
                ENUM_OPT("source_type", parse_source_type),
                ENUM_OPT("application_level", parse_application_level),
                INT_OPT("freeze_timeout_ms", 1, 3600000),
                INT_OPT("pid", 0, INT32_MAX_),
                INT_OPT("uid", 0, UINT32_MAX_),
                END,
};
static const FieldSpec status_writer_item[] = {OBJ_REQ(NULL, status_writer_fields), END};
static const FieldSpec gather_status_reply[] = {
                ARR_REQ("writers", 0, 0, status_writer_item),
                END,
};
static const FieldSpec snapshot_properties_reply[] = {OBJ_REQ("snapshot", snapshot_fields), END};
static const FieldSpec provider_fields[] = {
                STR_REQ("name", 1, 256),
                REQ("id", FIELD_GUID),
                ENUM_REQ("type", parse_provider_type),
                STR_OPT("version", 256),
                ENUM_OPT("consistency", parse_consistency),
                ARR_OPT("filesystems", 64, string_item),
                END,
};
static const FieldSpec provider_item[] = {OBJ_REQ(NULL, provider_fields), END};
static const FieldSpec list_providers_reply[] = {
                ARR_REQ("providers", 0, 0, provider_item),
                END,
};

typedef struct MessageSchema {
        const FieldSpec *request; /* body of the request (or event) */
        const FieldSpec *reply;   /* body of a successful reply to it */
} MessageSchema;

static const MessageSchema schemas[PROTO_MESSAGE_TYPE_MAX] = {
                [PROTO_HELLO] = {hello_fields, hello_reply},
                [PROTO_REPLY] = {NULL, NULL},
                [PROTO_REGISTER] = {register_fields, register_reply},
                [PROTO_EVENT] = {event_fields, event_reply},
                [PROTO_SESSION_BEGIN] = {session_begin_fields, session_begin_reply},
                [PROTO_GATHER_METADATA] = {empty_fields, gather_metadata_reply},
                [PROTO_START_SNAPSHOT_SET] = {empty_fields, start_snapshot_set_reply},
                [PROTO_ADD_TO_SNAPSHOT_SET] =
                                {add_to_snapshot_set_fields, add_to_snapshot_set_reply},
                [PROTO_PREPARE_FOR_BACKUP] = {writer_docs_request, writer_results_reply},
                [PROTO_DO_SNAPSHOT_SET] = {writer_docs_request, do_snapshot_set_reply},
                [PROTO_GATHER_STATUS] = {empty_fields, gather_status_reply},
                [PROTO_BACKUP_COMPLETE] = {writer_docs_request, writer_results_reply},
                [PROTO_ABORT_BACKUP] = {empty_fields, empty_fields},
                [PROTO_PRE_RESTORE] = {writer_docs_request, writer_results_reply},
                [PROTO_POST_RESTORE] = {writer_docs_request, writer_results_reply},
                [PROTO_SNAPSHOT_PROPERTIES] =
                                {snapshot_properties_fields, snapshot_properties_reply},
                [PROTO_SESSION_END] = {empty_fields, empty_fields},
                [PROTO_LIST_WRITERS] = {empty_fields, gather_status_reply},
                [PROTO_LIST_PROVIDERS] = {empty_fields, list_providers_reply},
                [PROTO_LIST_SHADOWS] = {list_shadows_fields, shadows_reply},
                [PROTO_DELETE_SHADOWS] = {delete_shadows_fields, shadows_reply},
                [PROTO_EXPOSE_SHADOW] = {expose_shadow_fields, empty_fields},
                [PROTO_UNEXPOSE_SHADOW] = {unexpose_shadow_fields, empty_fields},
                [PROTO_LIST_VOLUMES] = {empty_fields, list_volumes_reply},
};

/* Fields every message has, outside the schema of its body. */
static bool is_envelope_field(const char *name, bool reply) {
        if (streq(name, "type") || streq(name, "id"))
                return true;
        return reply && (streq(name, "result") || streq(name, "error"));
}

static int fail(char **reterr, const char *path, const char *format, ...) VSS_PRINTF(3, 4);
static int fail(char **reterr, const char *path, const char *format, ...) {
        if (reterr) {
                Buffer b = BUFFER_INIT;
                va_list ap;
                char text[512];

                va_start(ap, format);
                (void) vsnprintf(text, sizeof text, format, ap);
                va_end(ap);
                if (buffer_printf(&b, "%s%s%s", path && *path ? path : "",
                                  path && *path ? ": " : "", text) >= 0)
                        *reterr = buffer_steal(&b);
                buffer_done(&b);
        }
        return -EBADMSG;
}

/* check_object() and check_value() recurse along the static schemas above, which are at most
 * four levels deep; the input cannot make them go deeper. */
/* NOLINTBEGIN(misc-no-recursion) */
static int check_value(const FieldSpec *f, const json_t *v, const char *path, char **reterr);

static int
check_object(const FieldSpec *fields,
             const json_t *obj,
             const char *path,
             bool reply,
             char **reterr) {
        const char *key;
        const json_t *v;
        char sub[256];

        if (!json_is_object(obj))
                return fail(reterr, path, "must be an object");

        json_object_foreach((json_t *) obj, key, v) {
                if (!path && is_envelope_field(key, reply))
                        continue;
                const FieldSpec *f = fields;
                while (f->kind != FIELD_END && !streq(f->name, key))
                        f++;
                (void) snprintf(sub, sizeof sub, "%s%s%.100s", path ? path : "", path ? "." : "",
                                key);
                if (f->kind == FIELD_END)
                        return fail(reterr, sub, "unknown field");
                int r = check_value(f, v, sub, reterr);
                if (r < 0)
                        return r;
        }

        for (const FieldSpec *f = fields; f->kind != FIELD_END; f++)
                if (f->required && !json_object_get(obj, f->name)) {
                        (void) snprintf(sub, sizeof sub, "%s%s%s", path ? path : "",
                                        path ? "." : "", f->name);
                        return fail(reterr, sub, "required field missing");
                }
        return 0;
}

static int check_value(const FieldSpec *f, const json_t *v, const char *path, char **reterr) {
        switch (f->kind) {
        case FIELD_STRING:
        case FIELD_GUID:
        case FIELD_ENUM: {
                if (!json_is_string(v))
                        return fail(reterr, path, "must be a string");
                const char *s = json_string_value(v);
                size_t n = json_string_length(v);
                if (strlen(s) != n)
                        return fail(reterr, path, "must not contain NUL characters");
                if (f->kind == FIELD_GUID) {
                        vss_guid g;
                        if (vss_guid_from_string(s, &g) < 0)
                                return fail(reterr, path, "not a GUID");
                } else if (f->kind == FIELD_ENUM) {
                        if (!f->parse(s))
                                return fail(reterr, path, "'%.64s' is not a defined value", s);
                } else {
                        size_t max = f->max ? (size_t) f->max : PROTO_STRING_MAX;
                        if (n > max)
                                return fail(reterr, path, "longer than %zu bytes", max);
                        if (n < (size_t) f->min)
                                return fail(reterr, path, "must not be empty");
                }
                return 0;
        }
        case FIELD_INT: {
                if (!json_is_integer(v))
                        return fail(reterr, path, "must be an integer");
                json_int_t i = json_integer_value(v);
                if (i < f->min || i > f->max)
                        return fail(reterr, path,
                                    "%" JSON_INTEGER_FORMAT " is out of range [%" PRId64
                                    ", %" PRId64 "]",
                                    i, f->min, f->max);
                return 0;
        }
        case FIELD_BOOL:
                return json_is_boolean(v) ? 0 : fail(reterr, path, "must be true or false");
        case FIELD_OBJECT:
                return check_object(f->sub, v, path, false, reterr);
        case FIELD_DOC:
                return json_is_object(v) ? 0 : fail(reterr, path, "must be an object");
        case FIELD_ARRAY: {
                if (!json_is_array(v))
                        return fail(reterr, path, "must be an array");
                size_t n = json_array_size(v);
                size_t max = f->max ? (size_t) f->max : PROTO_ARRAY_MAX;
                if (n > max)
                        return fail(reterr, path, "more than %zu items", max);
                if (n < (size_t) f->min)
                        return fail(reterr, path, "needs at least %" PRId64 " item(s)", f->min);
                for (size_t i = 0; i < n; i++) {
                        char sub[256];
                        (void) snprintf(sub, sizeof sub, "%s[%zu]", path, i);
                        int r = check_value(&f->sub[0], json_array_get(v, i), sub, reterr);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        case FIELD_END:
        default:
                break;
        }
        assert(false);
        return -EBADMSG;
}

/* NOLINTEND(misc-no-recursion) */

/* ---- Messages ----------------------------------------------------------------------------- */

ProtoMessage *proto_message_free(ProtoMessage *m) {
        if (!m)
                return NULL;
        json_decref(m->root);
        free(m);
        return NULL;
}

ProtoMessage *proto_message_new(ProtoMessageType t, uint32_t id) {
        assert(t >= 0 && t < PROTO_MESSAGE_TYPE_MAX);

        ProtoMessage *m = calloc(1, sizeof *m);
        if (!m)
                return NULL;
        m->type = t;
        m->id = id;
        m->root = json_pack("{s:s, s:I}", "type", message_type_table[t], "id", (json_int_t) id);
        if (!m->root)
                return proto_message_free(m);
        return m;
}

ProtoMessage *proto_message_new_reply(uint32_t id, int result, const char *error) {
        ProtoMessage *m = proto_message_new(PROTO_REPLY, id);
        if (!m)
                return NULL;
        if (json_object_set_new(m->root, "result", json_integer(result)) < 0)
                return proto_message_free(m);
        if (result < 0 && error) {
                /* Bound the text, and cut it at a character boundary. */
                size_t n = strnlen(error, PROTO_STRING_MAX);
                while (n > 0 && n < strlen(error) && ((unsigned char) error[n] & 0xC0) == 0x80)
                        n--;
                if (json_object_set_new(m->root, "error", json_stringn(error, n)) < 0)
                        return proto_message_free(m);
        }
        return m;
}

int proto_message_decode(const void *data, size_t size, ProtoMessage **ret, char **reterr_message) {
        json_error_t error;

        assert(ret);

        if (size == 0 || size > PROTO_FRAME_MAX)
                return fail(reterr_message, NULL, "frame of %zu bytes", size);

        json_t *root = json_loadb(data, size, JSON_REJECT_DUPLICATES, &error);
        if (!root)
                return fail(reterr_message, NULL, "not JSON: %s (at byte %d)", error.text,
                            error.position);
        if (!json_is_object(root)) {
                json_decref(root);
                return fail(reterr_message, NULL, "the message is not a JSON object");
        }

        const json_t *type = json_object_get(root, "type");
        ProtoMessageType t =
                        json_is_string(type)
                                        ? proto_message_type_from_string(json_string_value(type))
                                        : PROTO_MESSAGE_TYPE_INVALID;
        if (t < 0) {
                json_decref(root);
                return fail(reterr_message, "type", "missing or unknown message type");
        }

        const json_t *id = json_object_get(root, "id");
        if (!json_is_integer(id) || json_integer_value(id) < 1 ||
            json_integer_value(id) > (json_int_t) UINT32_MAX) {
                json_decref(root);
                return fail(reterr_message, "id", "must be an integer in [1, 4294967295]");
        }

        ProtoMessage *m = calloc(1, sizeof *m);
        if (!m) {
                json_decref(root);
                return -ENOMEM;
        }
        m->root = root;
        m->type = t;
        m->id = (uint32_t) json_integer_value(id);
        *ret = m;
        return 0;
}

uint32_t proto_message_peek_id(const void *data, size_t size) {
        if (size == 0 || size > PROTO_FRAME_MAX)
                return 0;
        json_t *root = json_loadb(data, size, JSON_REJECT_DUPLICATES, NULL);
        const json_t *id = json_object_get(root, "id"); /* NULL for a non-object */
        json_int_t v = json_is_integer(id) ? json_integer_value(id) : 0;
        json_decref(root);
        return v >= 1 && v <= (json_int_t) UINT32_MAX ? (uint32_t) v : 0;
}

int proto_message_validate(
                const ProtoMessage *m,
                ProtoMessageType reply_to,
                ProtoEvent reply_to_event,
                char **reterr_message) {
        assert(m);

        if (m->type != PROTO_REPLY)
                return check_object(schemas[m->type].request, m->root, NULL, false, reterr_message);

        if (reply_to < 0 || reply_to >= PROTO_MESSAGE_TYPE_MAX || reply_to == PROTO_REPLY)
                return fail(reterr_message, "id", "a reply to no request of ours");

        const json_t *result = json_object_get(m->root, "result");
        if (!json_is_integer(result))
                return fail(reterr_message, "result", "required integer missing");
        json_int_t r = json_integer_value(result);
        if (r > 0 || r < INT32_MIN)
                return fail(reterr_message, "result", "must be 0 or a negative error code");

        const json_t *error = json_object_get(m->root, "error");
        if (error && (!json_is_string(error) || json_string_length(error) > PROTO_STRING_MAX))
                return fail(reterr_message, "error", "must be a string of at most %zu bytes",
                            PROTO_STRING_MAX);

        if (r < 0) {
                /* A failed reply carries nothing but its error; a writer's veto may add the
                 * application's failure code and message. */
                const char *key;
                const json_t *v;
                json_object_foreach((json_t *) m->root, key, v) {
                        if (is_envelope_field(key, true))
                                continue;
                        if (reply_to == PROTO_EVENT && streq(key, "failure")) {
                                int k =
                                                check_object(failure_fields, v, "failure", false,
                                                             reterr_message);
                                if (k < 0)
                                        return k;
                                continue;
                        }
                        return fail(reterr_message, key, "unknown field in a failed reply");
                }
                return 0;
        }

        /* A writer's reply to an event may also carry a failure with result 0 (non-fatal). */
        int k = check_object(schemas[reply_to].reply, m->root, NULL, true, reterr_message);
        if (k < 0)
                return k;

        if (reply_to == PROTO_EVENT) {
                bool has_wmd = json_object_get(m->root, "wmd") != NULL;
                if (reply_to_event == PROTO_EVENT_IDENTIFY && !has_wmd)
                        return fail(reterr_message, "wmd", "required in the reply to identify");
                if (reply_to_event != PROTO_EVENT_IDENTIFY && has_wmd)
                        return fail(reterr_message, "wmd", "only the reply to identify carries it");
                if (json_object_get(m->root, "bcd") && !proto_event_may_update_bcd(reply_to_event))
                        return fail(reterr_message, "bcd",
                                    "the document is read-only in this event");
        }
        return 0;
}

int proto_message_encode(const ProtoMessage *m, char **ret, size_t *ret_size) {
        assert(m);
        assert(ret);

        char *s = json_dumps(m->root, JSON_COMPACT | JSON_SORT_KEYS);
        if (!s)
                return -ENOMEM;
        size_t n = strlen(s);
        if (n > PROTO_FRAME_MAX) {
                free(s);
                return -E2BIG;
        }
        *ret = s;
        if (ret_size)
                *ret_size = n;
        return 0;
}

int proto_writer_queue_message(ProtoWriter *w, const ProtoMessage *m) {
        char *s = NULL;
        size_t n;

        int r = proto_message_encode(m, &s, &n);
        if (r < 0)
                return r;
        r = proto_writer_queue(w, s, n);
        free(s);
        return r;
}

int proto_reply_result(const ProtoMessage *m, const char **ret_error) {
        assert(m && m->type == PROTO_REPLY);

        if (ret_error)
                *ret_error = json_string_value(json_object_get(m->root, "error"));
        return (int) json_integer_value(json_object_get(m->root, "result"));
}

int proto_negotiate_version(const json_t *offered, char **reterr_message) {
        int best = -1;
        size_t i;
        const json_t *v;

        json_array_foreach(offered, i, v) {
                json_int_t n = json_integer_value(v);
                if (n >= PROTO_VERSION_MIN && n <= PROTO_VERSION_MAX && n > best)
                        best = (int) n;
        }
        if (best > 0)
                return best;

        if (reterr_message) {
                Buffer b = BUFFER_INIT;
                int r = buffer_append_str(&b, "no common protocol version: the client speaks");
                json_array_foreach(offered, i, v)
                        if (r >= 0)
                                r =
                                                buffer_printf(&b, " %" JSON_INTEGER_FORMAT,
                                                              json_integer_value(v));
                if (r >= 0)
                        r =
                                        buffer_printf(&b, ", vssd speaks %d to %d",
                                                      PROTO_VERSION_MIN, PROTO_VERSION_MAX);
                if (r >= 0)
                        *reterr_message = buffer_steal(&b);
                buffer_done(&b);
        }
        return -EPROTO;
}
