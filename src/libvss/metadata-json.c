/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The versioned JSON forms of the WMD and the BCD (docs/DOCUMENTS.md §2–§3).
 *
 * Reading happens in three steps: a bounded pre-scan (size, nesting depth), jansson's parser, and
 * a walk that checks shapes (types, known fields) and converts values into a document, followed
 * by the validator. Shape errors are VSS_E_CORRUPT_XML_DOCUMENT, value errors and rule violations
 * VSS_E_INVALID_XML_DOCUMENT; each message starts with the JSON path of the field.
 *
 * Writing validates first, then builds the JSON tree in a fixed field order and dumps it with
 * two-space indentation and a final newline, so that equal documents give equal bytes. Both
 * directions keep the first error in a context and turn later calls into no-ops, which keeps the
 * walkers one line per field. */

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buffer.h"
#include "metadata-internal.h"
#include "utf8.h"

#define JSON_PATH_MAX 512

/* ---- Reading: context and error reporting ---------------------------------------------------- */

typedef struct JsonIn {
        int error; /* first failure, 0 while none */
        char **reterr;
        char path[JSON_PATH_MAX];
        size_t path_len;
} JsonIn;

static size_t path_push(JsonIn *in, const char *format, ...) VSS_PRINTF(2, 3);
static size_t path_push(JsonIn *in, const char *format, ...) {
        size_t old = in->path_len;
        va_list ap;

        va_start(ap, format);
        int k = vsnprintf(in->path + old, sizeof in->path - old, format, ap);
        va_end(ap);
        if (k > 0)
                in->path_len = MIN(old + (size_t) k, sizeof in->path - 1);
        return old;
}

static size_t path_push_key(JsonIn *in, const char *key) {
        return path_push(in, in->path_len > 0 ? ".%s" : "%s", key);
}

static size_t path_push_index(JsonIn *in, size_t index) {
        return path_push(in, "[%zu]", index);
}

static void path_pop(JsonIn *in, size_t old) {
        in->path_len = old;
        in->path[old] = 0;
}

static void in_failv(JsonIn *in, int code, const char *key, const char *format, va_list ap)
                VSS_PRINTF(4, 0);
static void in_failv(JsonIn *in, int code, const char *key, const char *format, va_list ap) {
        char rule[256];

        if (in->error < 0)
                return;
        (void) vsnprintf(rule, sizeof rule, format, ap);
        /* The root object itself is called "document". */
        const char *path = in->path_len > 0 || key ? in->path : "document";
        in->error =
                        metadata_error(in->reterr, code, "%s%s%s: %s", path,
                                       in->path_len > 0 && key ? "." : "", key ? key : "", rule);
}

/* A shape error at field 'key' of the current path (NULL: the current path itself). */
static void in_corrupt(JsonIn *in, const char *key, const char *format, ...) VSS_PRINTF(3, 4);
static void in_corrupt(JsonIn *in, const char *key, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        in_failv(in, -VSS_E_CORRUPT_XML_DOCUMENT, key, format, ap);
        va_end(ap);
}

/* A value error at field 'key' of the current path. */
static void in_invalid(JsonIn *in, const char *key, const char *format, ...) VSS_PRINTF(3, 4);
static void in_invalid(JsonIn *in, const char *key, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        in_failv(in, -VSS_E_INVALID_XML_DOCUMENT, key, format, ap);
        va_end(ap);
}

static void in_oom(JsonIn *in) {
        if (in->error == 0)
                in->error = -ENOMEM;
}

/* ---- Reading: shapes ------------------------------------------------------------------------- */

/* Checks that 'v' (the value at the current path) is an object whose fields are all in 'keys'. */
static bool in_check_object(JsonIn *in, json_t *v, const char *const *keys) {
        const char *key;
        json_t *value;

        if (in->error < 0)
                return false;
        if (!json_is_object(v)) {
                in_corrupt(in, NULL, "must be an object");
                return false;
        }
        json_object_foreach(v, key, value) {
                bool known = false;
                for (const char *const *k = keys; *k && !known; k++)
                        known = streq(*k, key);
                if (!known) {
                        char q[QUOTE_MAX + 4];
                        in_corrupt(in, NULL, "unknown field '%s'",
                                   metadata_quote(key, q, sizeof q));
                        return false;
                }
        }
        return true;
}

/* Returns the value of field 'key', or NULL if absent or after an error. */
static json_t *in_field(JsonIn *in, json_t *obj, const char *key) {
        if (in->error < 0)
                return NULL;
        return json_object_get(obj, key);
}

/* Reads a string field. Absent: *dst unchanged. null: allowed only if 'optional' (stored as NULL).
 * "" is stored as NULL for optional fields, as "" otherwise. */
static void in_string(JsonIn *in, json_t *obj, const char *key, bool optional, char **dst) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return;
        if (optional && json_is_null(v)) {
                free(*dst);
                *dst = NULL;
                return;
        }
        if (!json_is_string(v)) {
                in_corrupt(in, key, optional ? "must be a string or null" : "must be a string");
                return;
        }
        const char *s = json_string_value(v);
        char *copy = NULL;
        if (optional) {
                if (metadata_strdup_optional(s, &copy) < 0) {
                        in_oom(in);
                        return;
                }
        } else {
                copy = strdup(s);
                if (!copy) {
                        in_oom(in);
                        return;
                }
        }
        free(*dst);
        *dst = copy;
}

static void in_bool(JsonIn *in, json_t *obj, const char *key, bool *dst) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return;
        if (!json_is_boolean(v)) {
                in_corrupt(in, key, "must be true or false");
                return;
        }
        *dst = json_is_true(v);
}

static void in_u32(JsonIn *in, json_t *obj, const char *key, uint32_t *dst) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return;
        if (!json_is_integer(v)) {
                in_corrupt(in, key, "must be an integer");
                return;
        }
        json_int_t i = json_integer_value(v);
        if (i < 0 || i > (json_int_t) UINT32_MAX) {
                in_invalid(in, key, "must be between 0 and 4294967295");
                return;
        }
        *dst = (uint32_t) i;
}

static void in_i64(JsonIn *in, json_t *obj, const char *key, int64_t *dst) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return;
        if (!json_is_integer(v)) {
                in_corrupt(in, key, "must be an integer");
                return;
        }
        *dst = (int64_t) json_integer_value(v);
}

/* Reads a GUID ("{...}" or bare). null is allowed only if 'optional' (stored as the null GUID). */
static void in_guid(JsonIn *in, json_t *obj, const char *key, bool optional, vss_guid *dst) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return;
        if (optional && json_is_null(v)) {
                *dst = (vss_guid){};
                return;
        }
        if (!json_is_string(v)) {
                in_corrupt(in, key, optional ? "must be a string or null" : "must be a string");
                return;
        }
        if (vss_guid_from_string(json_string_value(v), dst) < 0)
                in_invalid(in, key,
                           "must be a GUID such as {CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}");
}

/* Returns the string value of an enumeration field (borrowed), or NULL if absent, on error or for
 * a wrong type (which is reported). */
static const char *in_name(JsonIn *in, json_t *obj, const char *key) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return NULL;
        if (!json_is_string(v)) {
                in_corrupt(in, key, "must be a string");
                return NULL;
        }
        return json_string_value(v);
}

static void in_bad_name(JsonIn *in, const char *key, const char *type, const char *s) {
        char q[QUOTE_MAX + 4];
        in_invalid(in, key, "unknown %s '%s'", type, metadata_quote(s, q, sizeof q));
}

/* Reads an enumeration field with its name table (VSS name, name without prefix, or number). */
#define IN_ENUM(in, obj, key, table, type_name, dst)                \
        do {                                                        \
                const char *s_ = in_name((in), (obj), (key));       \
                if (s_ && vss_##table##_from_string(s_, (dst)) < 0) \
                        in_bad_name((in), (key), (type_name), s_);  \
        } while (false)

/* Reads a bitmask field: names and numbers joined by '|'. */
static void
in_mask(JsonIn *in,
        json_t *obj,
        const char *key,
        int (*from_string)(const char *s, uint32_t *ret),
        const char *type_name,
        uint32_t *dst) {
        const char *s = in_name(in, obj, key);
        if (s && from_string(s, dst) < 0) {
                char q[QUOTE_MAX + 4];
                in_invalid(in, key,
                           "must be %s names joined by '|' without undefined bits, not '%s'",
                           type_name, metadata_quote(s, q, sizeof q));
        }
}

/* Reads an HRESULT written "0x" and one to eight hexadecimal digits. */
static void in_hresult(JsonIn *in, json_t *obj, const char *key, uint32_t *dst) {
        const char *s = in_name(in, obj, key);
        if (!s)
                return;

        uint32_t v = 0;
        size_t n = 0;
        bool ok = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        for (const char *p = s + 2; ok && *p; p++, n++) {
                char c = *p;
                int d = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
                ok = d >= 0 && n < 8;
                v = v << 4U | (uint32_t) (d & 0xF);
        }
        if (!ok || n == 0) {
                in_invalid(in, key, "must be an HRESULT written 0x and up to 8 hexadecimal digits");
                return;
        }
        *dst = v;
}

/* Reads optional base64 bytes (null or "" for none), at most 'max' bytes. */
static void
in_base64(JsonIn *in, json_t *obj, const char *key, size_t max, uint8_t **dst, size_t *dst_size) {
        json_t *v = in_field(in, obj, key);
        uint8_t *bytes = NULL;
        size_t size = 0;

        if (!v)
                return;
        if (!json_is_null(v)) {
                if (!json_is_string(v)) {
                        in_corrupt(in, key, "must be a string or null");
                        return;
                }
                size_t n = json_string_length(v);
                if (n / 4 * 3 > max + 2) {
                        in_invalid(in, key, "must not encode more than %zu bytes", max);
                        return;
                }
                int r = base64_decode(json_string_value(v), n, &bytes, &size);
                if (r == -ENOMEM) {
                        in_oom(in);
                        return;
                }
                if (r < 0) {
                        in_invalid(in, key, "must be canonical base64 (RFC 4648, with padding)");
                        return;
                }
                if (size > max) {
                        free(bytes);
                        in_invalid(in, key, "must not encode more than %zu bytes", max);
                        return;
                }
        }
        free(*dst);
        *dst = bytes;
        *dst_size = size;
}

/* Returns the array at field 'key' if present, checking its type and length. */
static json_t *in_array(JsonIn *in, json_t *obj, const char *key, size_t max) {
        json_t *v = in_field(in, obj, key);
        if (!v)
                return NULL;
        if (!json_is_array(v)) {
                in_corrupt(in, key, "must be an array");
                return NULL;
        }
        if (json_array_size(v) > max) {
                in_invalid(in, key, "must not have more than %zu entries", max);
                return NULL;
        }
        return v;
}

/* Appends an item read from the JSON to a document list; frees it if that fails. */
static void in_push(JsonIn *in, PtrArray *list, void *item, size_t max, void (*free_func)(void *)) {
        if (!item)
                return;
        if (in->error < 0) {
                free_func(item);
                return;
        }
        int r = ptr_array_push(list, item, max);
        if (r < 0) {
                free_func(item);
                if (r == -ENOMEM)
                        in_oom(in);
                else
                        in_invalid(in, NULL, "has too many entries");
        }
}

/* Checks "format" and "version" of the root object. */
static void
in_header(JsonIn *in, json_t *root, const char *format, const char *other_format, int version) {
        if (!json_is_object(root)) {
                in_corrupt(in, NULL, "must be a JSON object");
                return;
        }
        json_t *f = json_object_get(root, "format");
        if (!f || !json_is_string(f)) {
                in_corrupt(in, "format", "must be the string '%s'", format);
                return;
        }
        if (!streq(json_string_value(f), format)) {
                if (streq(json_string_value(f), other_format))
                        in_corrupt(in, "format", "is '%s', but a '%s' document was expected",
                                   other_format, format);
                else
                        in_corrupt(in, "format", "must be '%s'", format);
                return;
        }
        json_t *v = json_object_get(root, "version");
        if (!v || !json_is_integer(v) || json_integer_value(v) < 1) {
                in_corrupt(in, "version", "must be an integer of at least 1");
                return;
        }
        if (json_integer_value(v) > version) {
                in->error = metadata_error(
                                in->reterr, -EPROTONOSUPPORT,
                                "version: %s version %" JSON_INTEGER_FORMAT
                                " is newer than this build of linvss reads (version %d and older)",
                                format, json_integer_value(v), version);
        }
}

/* Rejects input that is too large or nested deeper than VSS_METADATA_JSON_DEPTH_MAX before the
 * recursive parser sees it. */
static int in_prescan(const char *json, size_t size, char **reterr) {
        size_t depth = 0;
        bool in_string = false, escaped = false;

        if (size > VSS_METADATA_DOCUMENT_MAX)
                return metadata_error(
                                reterr, -E2BIG, "document: larger than %u bytes",
                                (unsigned) VSS_METADATA_DOCUMENT_MAX);
        for (size_t i = 0; i < size; i++) {
                char c = json[i];
                if (in_string) {
                        if (escaped)
                                escaped = false;
                        else if (c == '\\')
                                escaped = true;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"')
                        in_string = true;
                else if (c == '[' || c == '{') {
                        if (++depth > VSS_METADATA_JSON_DEPTH_MAX)
                                return metadata_error(
                                                reterr, -VSS_E_CORRUPT_XML_DOCUMENT,
                                                "document: nested deeper than %u levels",
                                                VSS_METADATA_JSON_DEPTH_MAX);
                } else if ((c == ']' || c == '}') && depth > 0)
                        depth--;
        }
        return 0;
}

static int in_parse(const char *json, size_t size, json_t **ret, char **reterr) {
        json_error_t error = {};

        int r = in_prescan(json, size, reterr);
        if (r < 0)
                return r;
        json_t *root = json_loadb(json, size, JSON_REJECT_DUPLICATES, &error);
        if (!root) {
                /* jansson fails without any message when it cannot allocate its lexer. Some of
                 * its later allocation failures come back as syntax errors and so are reported
                 * as a corrupt document; nothing better can be done without replacing
                 * jansson's process-wide allocator. */
                if (json_error_code(&error) == json_error_out_of_memory || error.text[0] == 0)
                        return -ENOMEM;
                return metadata_error(
                                reterr, -VSS_E_CORRUPT_XML_DOCUMENT,
                                "document: not valid JSON at line %d, column %d: %s", error.line,
                                error.column, error.text);
        }
        *ret = root;
        return 0;
}

/* jansson itself provides json_decrefp() for cleanup attributes. */

/* ---- Reading: WMD ---------------------------------------------------------------------------- */

static const char *const filedesc_keys[][6] = {
                [FILEDESC_FILE_GROUP] =
                                {"path", "filespec", "recursive", "alternate_location",
                                 "backup_type_mask", NULL},
                [FILEDESC_DATABASE] =
                                {"path", "filespec", "recursive", "alternate_location",
                                 "backup_type_mask", NULL},
                [FILEDESC_DATABASE_LOG] =
                                {"path", "filespec", "recursive", "alternate_location",
                                 "backup_type_mask", NULL},
                [FILEDESC_EXCLUDE] = {"path", "filespec", "recursive", NULL},
                [FILEDESC_INCLUDE] = {"path", "filespec", "recursive", "alternate_location", NULL},
                [FILEDESC_MAPPING] = {"path", "filespec", "recursive", "destination", NULL},
                [FILEDESC_NEW_TARGET] = {"path", "filespec", "recursive", "alternate_path", NULL},
};

static bool filedesc_has_mask(FiledescKind kind) {
        return kind == FILEDESC_FILE_GROUP || kind == FILEDESC_DATABASE ||
               kind == FILEDESC_DATABASE_LOG;
}

static bool filedesc_has_alternate(FiledescKind kind) {
        return kind != FILEDESC_EXCLUDE;
}

static vss_wm_filedesc *in_filedesc(JsonIn *in, json_t *v, FiledescKind kind) {
        if (!in_check_object(in, v, filedesc_keys[kind]))
                return NULL;

        vss_wm_filedesc *f = wm_filedesc_new(kind);
        if (!f) {
                in_oom(in);
                return wm_filedesc_free(f);
        }
        if (filedesc_has_mask(kind))
                f->backup_type_mask = VSS_FSBT_DEFAULT;
        in_string(in, v, "path", false, &f->path);
        in_string(in, v, "filespec", false, &f->filespec);
        in_bool(in, v, "recursive", &f->recursive);
        if (filedesc_has_alternate(kind))
                in_string(in, v, wm_filedesc_alternate_key(kind), true, &f->alternate_location);
        if (filedesc_has_mask(kind))
                in_mask(in, v, "backup_type_mask", vss_file_spec_backup_type_mask_from_string,
                        "VSS_FILE_SPEC_BACKUP_TYPE", &f->backup_type_mask);
        if (in->error < 0)
                return wm_filedesc_free(f);
        return f;
}

static void in_filedesc_list(
                JsonIn *in,
                json_t *obj,
                const char *key,
                FiledescKind kind,
                size_t max,
                PtrArray *list) {
        json_t *a = in_array(in, obj, key, max);
        if (!a)
                return;

        size_t old = path_push_key(in, key);
        for (size_t i = 0; i < json_array_size(a) && in->error >= 0; i++) {
                size_t o = path_push_index(in, i);
                vss_wm_filedesc *f = in_filedesc(in, json_array_get(a, i), kind);
                in_push(in, list, f, max, wm_filedesc_free_void);
                path_pop(in, o);
        }
        path_pop(in, old);
}

static vss_wm_dependency *in_dependency(JsonIn *in, json_t *v) {
        static const char *const keys[] = {
                        "writer_class_id", "logical_path", "component_name", NULL};

        if (!in_check_object(in, v, keys))
                return NULL;
        vss_wm_dependency *d = calloc(1, sizeof(*d));
        if (!d || !(d->logical_path = strdup(""))) {
                in_oom(in);
                return wm_dependency_free(d);
        }
        in_guid(in, v, "writer_class_id", false, &d->writer_class_id);
        in_string(in, v, "logical_path", false, &d->logical_path);
        in_string(in, v, "component_name", false, &d->component_name);
        if (in->error < 0)
                return wm_dependency_free(d);
        return d;
}

static vss_wm_component *in_component(JsonIn *in, json_t *v) {
        static const char *const keys[] = {
                        "type",
                        "logical_path",
                        "name",
                        "caption",
                        "icon",
                        "restore_metadata",
                        "notify_on_backup_complete",
                        "selectable",
                        "selectable_for_restore",
                        "component_flags",
                        "file_groups",
                        "database_files",
                        "database_log_files",
                        "dependencies",
                        NULL,
        };

        if (!in_check_object(in, v, keys))
                return NULL;
        vss_wm_component *c = wm_component_new();
        if (!c || !(c->logical_path = strdup(""))) {
                in_oom(in);
                return wm_component_free(c);
        }
        IN_ENUM(in, v, "type", component_type, "VSS_COMPONENT_TYPE", &c->type);
        in_string(in, v, "logical_path", false, &c->logical_path);
        in_string(in, v, "name", false, &c->name);
        in_string(in, v, "caption", true, &c->caption);
        in_base64(in, v, "icon", VSS_METADATA_ICON_MAX, &c->icon, &c->icon_size);
        in_bool(in, v, "restore_metadata", &c->restore_metadata);
        in_bool(in, v, "notify_on_backup_complete", &c->notify_on_backup_complete);
        in_bool(in, v, "selectable", &c->selectable);
        in_bool(in, v, "selectable_for_restore", &c->selectable_for_restore);
        in_mask(in, v, "component_flags", vss_component_flags_mask_from_string,
                "VSS_COMPONENT_FLAGS", &c->flags);
        in_filedesc_list(
                        in, v, "file_groups", FILEDESC_FILE_GROUP, VSS_METADATA_FILE_SETS_MAX,
                        &c->files);
        in_filedesc_list(
                        in, v, "database_files", FILEDESC_DATABASE, VSS_METADATA_FILE_SETS_MAX,
                        &c->database_files);
        in_filedesc_list(
                        in, v, "database_log_files", FILEDESC_DATABASE_LOG,
                        VSS_METADATA_FILE_SETS_MAX, &c->database_log_files);

        json_t *a = in_array(in, v, "dependencies", VSS_METADATA_DEPENDENCIES_MAX);
        if (a) {
                size_t old = path_push_key(in, "dependencies");
                for (size_t i = 0; i < json_array_size(a) && in->error >= 0; i++) {
                        size_t o = path_push_index(in, i);
                        vss_wm_dependency *d = in_dependency(in, json_array_get(a, i));
                        in_push(in, &c->dependencies, d, VSS_METADATA_DEPENDENCIES_MAX,
                                wm_dependency_free_void);
                        path_pop(in, o);
                }
                path_pop(in, old);
        }
        if (in->error < 0)
                return wm_component_free(c);
        return c;
}

static void in_wmd_identity(JsonIn *in, json_t *root, vss_wmd *wmd) {
        static const char *const keys[] = {
                        "writer_class_id",
                        "writer_instance_id",
                        "instance_name",
                        "writer_name",
                        "version_major",
                        "version_minor",
                        "usage_type",
                        "source_type",
                        "application_level",
                        "freeze_timeout_ms",
                        NULL,
        };
        json_t *v = in_field(in, root, "identity");
        if (!v)
                return;

        size_t old = path_push_key(in, "identity");
        if (in_check_object(in, v, keys)) {
                in_guid(in, v, "writer_class_id", false, &wmd->writer_class_id);
                in_guid(in, v, "writer_instance_id", false, &wmd->writer_instance_id);
                in_string(in, v, "instance_name", true, &wmd->instance_name);
                in_string(in, v, "writer_name", false, &wmd->writer_name);
                in_u32(in, v, "version_major", &wmd->version_major);
                in_u32(in, v, "version_minor", &wmd->version_minor);
                IN_ENUM(in, v, "usage_type", usage_type, "VSS_USAGE_TYPE", &wmd->usage_type);
                IN_ENUM(in, v, "source_type", source_type, "VSS_SOURCE_TYPE", &wmd->source_type);
                IN_ENUM(in, v, "application_level", application_level, "VSS_APPLICATION_LEVEL",
                        &wmd->application_level);
                in_u32(in, v, "freeze_timeout_ms", &wmd->freeze_timeout_ms);
        }
        path_pop(in, old);
}

static void in_wmd_restore_method(JsonIn *in, json_t *root, vss_wmd *wmd) {
        static const char *const keys[] = {
                        "method",         "service",         "user_procedure",
                        "writer_restore", "reboot_required", NULL,
        };
        json_t *v = in_field(in, root, "restore_method");
        if (!v)
                return;

        size_t old = path_push_key(in, "restore_method");
        if (in_check_object(in, v, keys)) {
                IN_ENUM(in, v, "method", restore_method, "VSS_RESTOREMETHOD_ENUM",
                        &wmd->restore_method);
                in_string(in, v, "service", true, &wmd->restore_service);
                in_string(in, v, "user_procedure", true, &wmd->restore_user_procedure);
                IN_ENUM(in, v, "writer_restore", writer_restore, "VSS_WRITERRESTORE_ENUM",
                        &wmd->writer_restore);
                in_bool(in, v, "reboot_required", &wmd->reboot_required);
        }
        path_pop(in, old);
}

static int wmd_from_tree(JsonIn *in, json_t *root, vss_wmd **ret) {
        static const char *const keys[] = {
                        "format",
                        "version",
                        "identity",
                        "restore_method",
                        "backup_schema",
                        "alternate_location_mappings",
                        "exclude_files",
                        "exclude_files_from_snapshot",
                        "include_files",
                        "components",
                        NULL,
        };
        VSS_CLEANUP(vss_wmd_freep) vss_wmd *wmd = NULL;
        int r;

        in_header(in, root, VSS_WMD_FORMAT, VSS_BCD_FORMAT, VSS_WMD_FORMAT_VERSION);
        if (!in_check_object(in, root, keys))
                return in->error;

        r = vss_wmd_new(&wmd);
        if (r < 0)
                return r;

        in_wmd_identity(in, root, wmd);
        in_wmd_restore_method(in, root, wmd);
        in_mask(in, root, "backup_schema", vss_backup_schema_mask_from_string, "VSS_BACKUP_SCHEMA",
                &wmd->backup_schema);
        in_filedesc_list(
                        in, root, "alternate_location_mappings", FILEDESC_MAPPING,
                        VSS_METADATA_WRITER_FILES_MAX, &wmd->alternate_location_mappings);
        in_filedesc_list(
                        in, root, "exclude_files", FILEDESC_EXCLUDE, VSS_METADATA_WRITER_FILES_MAX,
                        &wmd->exclude_files);
        in_filedesc_list(
                        in, root, "exclude_files_from_snapshot", FILEDESC_EXCLUDE,
                        VSS_METADATA_WRITER_FILES_MAX, &wmd->exclude_files_from_snapshot);
        in_filedesc_list(
                        in, root, "include_files", FILEDESC_INCLUDE, VSS_METADATA_WRITER_FILES_MAX,
                        &wmd->include_files);

        json_t *a = in_array(in, root, "components", VSS_METADATA_COMPONENTS_MAX);
        if (a) {
                size_t old = path_push_key(in, "components");
                for (size_t i = 0; i < json_array_size(a) && in->error >= 0; i++) {
                        size_t o = path_push_index(in, i);
                        vss_wm_component *c = in_component(in, json_array_get(a, i));
                        in_push(in, &wmd->components, c, VSS_METADATA_COMPONENTS_MAX,
                                wm_component_free_void);
                        path_pop(in, o);
                }
                path_pop(in, old);
        }
        if (in->error < 0)
                return in->error;

        r = wmd_validate_internal(wmd, in->reterr);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(wmd);
        return 0;
}

VSS_PUBLIC int
vss_wmd_from_json(const char *json, size_t size, vss_wmd **ret, char **reterr_message) {
        VSS_CLEANUP(json_decrefp) json_t *root = NULL;
        JsonIn in = {.reterr = reterr_message};
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(json || size == 0, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        r = in_parse(json ? json : "", size, &root, reterr_message);
        if (r < 0)
                return r;
        return wmd_from_tree(&in, root, ret);
}

/* ---- Reading: BCD ---------------------------------------------------------------------------- */

static BcdPartialFile *in_partial_file(JsonIn *in, json_t *v) {
        static const char *const keys[] = {"path", "filename", "ranges", "metadata", NULL};

        if (!in_check_object(in, v, keys))
                return NULL;
        BcdPartialFile *p = calloc(1, sizeof(*p));
        if (!p) {
                in_oom(in);
                return bcd_partial_file_free(p);
        }
        in_string(in, v, "path", false, &p->path);
        in_string(in, v, "filename", false, &p->filename);
        in_string(in, v, "ranges", false, &p->ranges);
        in_string(in, v, "metadata", true, &p->metadata);
        if (in->error < 0)
                return bcd_partial_file_free(p);
        return p;
}

static BcdDifferencedFile *in_differenced_file(JsonIn *in, json_t *v) {
        static const char *const keys[] = {
                        "path", "filespec", "recursive", "last_modify_time_ns", "last_modify_lsn",
                        NULL,
        };

        if (!in_check_object(in, v, keys))
                return NULL;
        BcdDifferencedFile *d = calloc(1, sizeof(*d));
        if (!d) {
                in_oom(in);
                return bcd_differenced_file_free(d);
        }
        in_string(in, v, "path", false, &d->path);
        in_string(in, v, "filespec", false, &d->filespec);
        in_bool(in, v, "recursive", &d->recursive);
        in_i64(in, v, "last_modify_time_ns", &d->last_modify_time_ns);
        in_string(in, v, "last_modify_lsn", true, &d->last_modify_lsn);
        if (in->error < 0)
                return bcd_differenced_file_free(d);
        return d;
}

static BcdRestoreSubcomponent *in_restore_subcomponent(JsonIn *in, json_t *v) {
        static const char *const keys[] = {"logical_path", "name", "repair", NULL};

        if (!in_check_object(in, v, keys))
                return NULL;
        BcdRestoreSubcomponent *s = calloc(1, sizeof(*s));
        if (!s || !(s->logical_path = strdup(""))) {
                in_oom(in);
                return bcd_restore_subcomponent_free(s);
        }
        in_string(in, v, "logical_path", false, &s->logical_path);
        in_string(in, v, "name", false, &s->name);
        in_bool(in, v, "repair", &s->repair);
        if (in->error < 0)
                return bcd_restore_subcomponent_free(s);
        return s;
}

static BcdDirectedTarget *in_directed_target(JsonIn *in, json_t *v) {
        static const char *const keys[] = {
                        "source_path",
                        "source_filename",
                        "source_ranges",
                        "destination_path",
                        "destination_filename",
                        "destination_ranges",
                        NULL,
        };

        if (!in_check_object(in, v, keys))
                return NULL;
        BcdDirectedTarget *t = calloc(1, sizeof(*t));
        if (!t) {
                in_oom(in);
                return bcd_directed_target_free(t);
        }
        in_string(in, v, "source_path", false, &t->source_path);
        in_string(in, v, "source_filename", false, &t->source_filename);
        in_string(in, v, "source_ranges", false, &t->source_ranges);
        in_string(in, v, "destination_path", false, &t->destination_path);
        in_string(in, v, "destination_filename", false, &t->destination_filename);
        in_string(in, v, "destination_ranges", false, &t->destination_ranges);
        if (in->error < 0)
                return bcd_directed_target_free(t);
        return t;
}

typedef void *(*ItemReader)(JsonIn *in, json_t *v);

static void *read_partial_file(JsonIn *in, json_t *v) {
        return in_partial_file(in, v);
}
static void *read_differenced_file(JsonIn *in, json_t *v) {
        return in_differenced_file(in, v);
}
static void *read_restore_subcomponent(JsonIn *in, json_t *v) {
        return in_restore_subcomponent(in, v);
}
static void *read_directed_target(JsonIn *in, json_t *v) {
        return in_directed_target(in, v);
}

/* Reads a BCD component list of items. */
static void
in_item_list(JsonIn *in,
             json_t *obj,
             const char *key,
             ItemReader reader,
             void (*free_func)(void *),
             PtrArray *list) {
        json_t *a = in_array(in, obj, key, VSS_METADATA_ITEMS_MAX);
        if (!a)
                return;

        size_t old = path_push_key(in, key);
        for (size_t i = 0; i < json_array_size(a) && in->error >= 0; i++) {
                size_t o = path_push_index(in, i);
                void *item = reader(in, json_array_get(a, i));
                in_push(in, list, item, VSS_METADATA_ITEMS_MAX, free_func);
                path_pop(in, o);
        }
        path_pop(in, old);
}

static void in_failure_messages(JsonIn *in, json_t *obj, vss_bcd_component *c) {
        static const char *const keys[] = {
                        "prepare_for_backup", "post_snapshot", "pre_restore", "post_restore", NULL,
        };
        json_t *v = in_field(in, obj, "failure_messages");
        if (!v)
                return;

        size_t old = path_push_key(in, "failure_messages");
        if (in_check_object(in, v, keys)) {
                in_string(in, v, "prepare_for_backup", true,
                          &c->prepare_for_backup_failure_message);
                in_string(in, v, "post_snapshot", true, &c->post_snapshot_failure_message);
                in_string(in, v, "pre_restore", true, &c->pre_restore_failure_message);
                in_string(in, v, "post_restore", true, &c->post_restore_failure_message);
        }
        path_pop(in, old);
}

static void in_failure(JsonIn *in, json_t *obj, vss_bcd_component *c) {
        static const char *const keys[] = {"hr", "application_hr", "application_message", NULL};
        json_t *v = in_field(in, obj, "failure");
        if (!v)
                return;

        size_t old = path_push_key(in, "failure");
        if (in_check_object(in, v, keys)) {
                in_hresult(in, v, "hr", &c->failure_hr);
                in_hresult(in, v, "application_hr", &c->failure_application_hr);
                in_string(in, v, "application_message", true, &c->failure_message);
        }
        path_pop(in, old);
}

static void in_roll_forward(JsonIn *in, json_t *obj, vss_bcd_component *c) {
        static const char *const keys[] = {"type", "point", NULL};
        json_t *v = in_field(in, obj, "roll_forward");
        if (!v)
                return;

        size_t old = path_push_key(in, "roll_forward");
        if (in_check_object(in, v, keys)) {
                IN_ENUM(in, v, "type", rollforward_type, "VSS_ROLLFORWARD_TYPE",
                        &c->roll_forward_type);
                in_string(in, v, "point", true, &c->roll_forward_point);
        }
        path_pop(in, old);
}

static vss_bcd_component *in_bcd_component(JsonIn *in, json_t *v) {
        static const char *const keys[] = {
                        "type",
                        "logical_path",
                        "name",
                        "backup_succeeded",
                        "backup_options",
                        "restore_options",
                        "backup_metadata",
                        "restore_metadata",
                        "backup_stamp",
                        "previous_backup_stamp",
                        "partial_files",
                        "differenced_files",
                        "selected_for_restore",
                        "restore_instance_id",
                        "restore_subcomponents",
                        "additional_restores",
                        "restore_target",
                        "directed_targets",
                        "new_targets",
                        "alternate_location_mappings",
                        "file_restore_status",
                        "failure_messages",
                        "failure",
                        "roll_forward",
                        "restore_name",
                        "authoritative_restore",
                        NULL,
        };

        if (!in_check_object(in, v, keys))
                return NULL;
        vss_bcd_component *c = bcd_component_new();
        if (!c || !(c->logical_path = strdup(""))) {
                in_oom(in);
                return bcd_component_free(c);
        }
        IN_ENUM(in, v, "type", component_type, "VSS_COMPONENT_TYPE", &c->type);
        in_string(in, v, "logical_path", false, &c->logical_path);
        in_string(in, v, "name", false, &c->name);
        in_bool(in, v, "backup_succeeded", &c->backup_succeeded);
        in_string(in, v, "backup_options", true, &c->backup_options);
        in_string(in, v, "restore_options", true, &c->restore_options);
        in_string(in, v, "backup_metadata", true, &c->backup_metadata);
        in_string(in, v, "restore_metadata", true, &c->restore_metadata);
        in_string(in, v, "backup_stamp", true, &c->backup_stamp);
        in_string(in, v, "previous_backup_stamp", true, &c->previous_backup_stamp);
        in_item_list(in, v, "partial_files", read_partial_file, bcd_partial_file_free_void,
                     &c->partial_files);
        in_item_list(in, v, "differenced_files", read_differenced_file,
                     bcd_differenced_file_free_void, &c->differenced_files);
        in_bool(in, v, "selected_for_restore", &c->selected_for_restore);
        in_guid(in, v, "restore_instance_id", true, &c->restore_instance_id);
        in_item_list(in, v, "restore_subcomponents", read_restore_subcomponent,
                     bcd_restore_subcomponent_free_void, &c->restore_subcomponents);
        in_bool(in, v, "additional_restores", &c->additional_restores);
        IN_ENUM(in, v, "restore_target", restore_target, "VSS_RESTORE_TARGET", &c->restore_target);
        in_item_list(in, v, "directed_targets", read_directed_target, bcd_directed_target_free_void,
                     &c->directed_targets);
        in_filedesc_list(
                        in, v, "new_targets", FILEDESC_NEW_TARGET, VSS_METADATA_ITEMS_MAX,
                        &c->new_targets);
        in_filedesc_list(
                        in, v, "alternate_location_mappings", FILEDESC_MAPPING,
                        VSS_METADATA_ITEMS_MAX, &c->alternate_location_mappings);
        IN_ENUM(in, v, "file_restore_status", file_restore_status, "VSS_FILE_RESTORE_STATUS",
                &c->file_restore_status);
        in_failure_messages(in, v, c);
        in_failure(in, v, c);
        in_roll_forward(in, v, c);
        in_string(in, v, "restore_name", true, &c->restore_name);
        in_bool(in, v, "authoritative_restore", &c->authoritative_restore);
        if (in->error < 0)
                return bcd_component_free(c);
        return c;
}

static vss_bcd_writer *in_bcd_writer(JsonIn *in, json_t *v) {
        static const char *const keys[] = {
                        "instance_id", "class_id", "instance_name", "components", NULL};

        if (!in_check_object(in, v, keys))
                return NULL;
        vss_bcd_writer *w = calloc(1, sizeof(*w));
        if (!w) {
                in_oom(in);
                return bcd_writer_free(w);
        }
        in_guid(in, v, "instance_id", false, &w->instance_id);
        in_guid(in, v, "class_id", false, &w->class_id);
        in_string(in, v, "instance_name", true, &w->instance_name);

        json_t *a = in_array(in, v, "components", VSS_METADATA_COMPONENTS_MAX);
        if (a) {
                size_t old = path_push_key(in, "components");
                for (size_t i = 0; i < json_array_size(a) && in->error >= 0; i++) {
                        size_t o = path_push_index(in, i);
                        vss_bcd_component *c = in_bcd_component(in, json_array_get(a, i));
                        in_push(in, &w->components, c, VSS_METADATA_COMPONENTS_MAX,
                                bcd_component_free_void);
                        path_pop(in, o);
                }
                path_pop(in, old);
        }
        if (in->error < 0)
                return bcd_writer_free(w);
        return w;
}

static void in_backup_state(JsonIn *in, json_t *root, vss_bcd *bcd) {
        static const char *const keys[] = {
                        "select_components",
                        "bootable_system_state",
                        "backup_type",
                        "partial_file_support",
                        NULL,
        };
        json_t *v = in_field(in, root, "backup_state");
        if (!v)
                return;

        size_t old = path_push_key(in, "backup_state");
        if (in_check_object(in, v, keys)) {
                in_bool(in, v, "select_components", &bcd->select_components);
                in_bool(in, v, "bootable_system_state", &bcd->bootable_system_state);
                IN_ENUM(in, v, "backup_type", backup_type, "VSS_BACKUP_TYPE", &bcd->backup_type);
                in_bool(in, v, "partial_file_support", &bcd->partial_file_support);
        }
        path_pop(in, old);
}

static void in_snapshot_context(JsonIn *in, json_t *root, vss_bcd *bcd) {
        VSS_SNAPSHOT_CONTEXT context = VSS_CTX_BACKUP;
        uint32_t attributes = 0;

        const char *s = in_name(in, root, "snapshot_context");
        if (s) {
                if (vss_snapshot_context_from_string(s, &context) < 0) {
                        in_bad_name(in, "snapshot_context", "VSS_SNAPSHOT_CONTEXT", s);
                        return;
                }
                if (context == VSS_CTX_ALL) {
                        in_invalid(in, "snapshot_context",
                                   "VSS_CTX_ALL is only for queries, not a document's context");
                        return;
                }
        } else if (in->error < 0)
                return;
        else
                context = (VSS_SNAPSHOT_CONTEXT) (bcd->snapshot_context & SNAPSHOT_CONTEXT_BITS);

        in_mask(in, root, "snapshot_attributes", vss_snapshot_attributes_mask_from_string,
                "VSS_VOLUME_SNAPSHOT_ATTRIBUTES", &attributes);
        if (in->error < 0)
                return;
        if (attributes & SNAPSHOT_CONTEXT_BITS) {
                in_invalid(in, "snapshot_attributes",
                           "must not repeat the bits of snapshot_context");
                return;
        }
        bcd->snapshot_context = (uint32_t) context | attributes;
}

static int bcd_from_tree(JsonIn *in, json_t *root, vss_bcd **ret) {
        static const char *const keys[] = {
                        "format",           "version",
                        "backup_state",     "restore_type",
                        "snapshot_context", "snapshot_attributes",
                        "writers",          NULL,
        };
        VSS_CLEANUP(vss_bcd_freep) vss_bcd *bcd = NULL;
        int r;

        in_header(in, root, VSS_BCD_FORMAT, VSS_WMD_FORMAT, VSS_BCD_FORMAT_VERSION);
        if (!in_check_object(in, root, keys))
                return in->error;

        r = vss_bcd_new(&bcd);
        if (r < 0)
                return r;

        in_backup_state(in, root, bcd);
        IN_ENUM(in, root, "restore_type", restore_type, "VSS_RESTORE_TYPE", &bcd->restore_type);
        in_snapshot_context(in, root, bcd);

        json_t *a = in_array(in, root, "writers", VSS_METADATA_WRITERS_MAX);
        if (a) {
                size_t old = path_push_key(in, "writers");
                for (size_t i = 0; i < json_array_size(a) && in->error >= 0; i++) {
                        size_t o = path_push_index(in, i);
                        vss_bcd_writer *w = in_bcd_writer(in, json_array_get(a, i));
                        in_push(in, &bcd->writers, w, VSS_METADATA_WRITERS_MAX,
                                bcd_writer_free_void);
                        path_pop(in, o);
                }
                path_pop(in, old);
        }
        if (in->error < 0)
                return in->error;

        r = bcd_validate_internal(bcd, in->reterr);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bcd);
        return 0;
}

VSS_PUBLIC int
vss_bcd_from_json(const char *json, size_t size, vss_bcd **ret, char **reterr_message) {
        VSS_CLEANUP(json_decrefp) json_t *root = NULL;
        JsonIn in = {.reterr = reterr_message};
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(json || size == 0, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        r = in_parse(json ? json : "", size, &root, reterr_message);
        if (r < 0)
                return r;
        return bcd_from_tree(&in, root, ret);
}

/* ---- Writing --------------------------------------------------------------------------------- */

typedef struct JsonOut {
        int error;
} JsonOut;

/* Sets obj[key] = value, taking 'value' (NULL means its allocation failed). */
static void out_set(JsonOut *o, json_t *obj, const char *key, json_t *value) {
        if (o->error < 0 || !obj) {
                json_decref(value);
                return;
        }
        if (!value || json_object_set_new(obj, key, value) < 0)
                o->error = -ENOMEM;
}

static json_t *out_object(JsonOut *o, json_t *obj, const char *key) {
        json_t *v = json_object();
        out_set(o, obj, key, v);
        return o->error < 0 ? NULL : v;
}

static json_t *out_array(JsonOut *o, json_t *obj, const char *key) {
        json_t *v = json_array();
        out_set(o, obj, key, v);
        return o->error < 0 ? NULL : v;
}

/* Appends a new object to 'array' and returns it (borrowed). */
static json_t *out_append_object(JsonOut *o, json_t *array) {
        if (o->error < 0 || !array)
                return NULL;
        json_t *v = json_object();
        if (!v || json_array_append_new(array, v) < 0) {
                o->error = -ENOMEM;
                return NULL;
        }
        return v;
}

static void out_string(JsonOut *o, json_t *obj, const char *key, const char *s) {
        if (o->error < 0)
                return;
        json_t *v = s ? json_string(s) : json_null();
        if (!v) {
                /* json_string() also refuses invalid UTF-8, which validation has excluded. */
                o->error = s && !utf8_is_valid(s) ? -EINVAL : -ENOMEM;
                return;
        }
        out_set(o, obj, key, v);
}

static void out_bool(JsonOut *o, json_t *obj, const char *key, bool b) {
        if (o->error < 0)
                return;
        out_set(o, obj, key, json_boolean(b));
}

static void out_int(JsonOut *o, json_t *obj, const char *key, int64_t i) {
        if (o->error < 0)
                return;
        out_set(o, obj, key, json_integer((json_int_t) i));
}

static void out_guid(JsonOut *o, json_t *obj, const char *key, const vss_guid *g, bool optional) {
        char buf[VSS_GUID_STRING_MAX];

        if (optional && vss_guid_is_null(g))
                out_string(o, obj, key, NULL);
        else
                out_string(o, obj, key, vss_guid_to_string(g, buf));
}

static void out_name(JsonOut *o, json_t *obj, const char *key, const char *name) {
        if (o->error < 0)
                return;
        if (!name) {
                o->error = -EINVAL;
                return;
        }
        out_string(o, obj, key, name);
}

static void
out_mask(JsonOut *o,
         json_t *obj,
         const char *key,
         int (*to_string)(uint32_t mask, char **ret),
         uint32_t mask) {
        vss_autofree char *s = NULL;

        if (o->error < 0)
                return;
        int r = to_string(mask, &s);
        if (r < 0) {
                o->error = r;
                return;
        }
        out_string(o, obj, key, s);
}

static void out_hresult(JsonOut *o, json_t *obj, const char *key, uint32_t hr) {
        char buf[16];

        (void) snprintf(buf, sizeof buf, "0x%08" PRIX32, hr);
        out_string(o, obj, key, buf);
}

static void
out_base64(JsonOut *o, json_t *obj, const char *key, const uint8_t *bytes, size_t size) {
        vss_autofree char *s = NULL;

        if (o->error < 0)
                return;
        if (size == 0) {
                out_string(o, obj, key, NULL);
                return;
        }
        int r = base64_encode(bytes, size, &s);
        if (r < 0) {
                o->error = r;
                return;
        }
        out_string(o, obj, key, s);
}

static void out_header(JsonOut *o, json_t *root, const char *format, int version) {
        out_string(o, root, "format", format);
        out_int(o, root, "version", version);
}

static void out_filedesc(JsonOut *o, json_t *array, const vss_wm_filedesc *f) {
        json_t *v = out_append_object(o, array);

        out_string(o, v, "path", f->path);
        out_string(o, v, "filespec", f->filespec);
        out_bool(o, v, "recursive", f->recursive);
        if (filedesc_has_alternate(f->kind))
                out_string(o, v, wm_filedesc_alternate_key(f->kind), f->alternate_location);
        if (filedesc_has_mask(f->kind))
                out_mask(o, v, "backup_type_mask", vss_file_spec_backup_type_mask_to_string,
                         f->backup_type_mask);
}

static void out_filedesc_list(JsonOut *o, json_t *obj, const char *key, const PtrArray *list) {
        json_t *a = out_array(o, obj, key);
        for (size_t i = 0; i < list->n && o->error >= 0; i++)
                out_filedesc(o, a, list->items[i]);
}

/* Collects the dumped text in a Buffer of our own, and remembers any failure: jansson 2.14
 * ignores the callback's result when it writes object keys, so its own output buffer could
 * silently lose text when an allocation fails. */
typedef struct DumpSink {
        Buffer buffer;
        int error;
} DumpSink;

static int dump_append(const char *p, size_t n, void *userdata) {
        DumpSink *sink = userdata;

        if (sink->error < 0)
                return -1;
        if (n > VSS_METADATA_DOCUMENT_MAX - 1 - sink->buffer.size) {
                sink->error = -E2BIG;
                return -1;
        }
        int r = buffer_append(&sink->buffer, p, n);
        if (r < 0) {
                sink->error = r;
                return -1;
        }
        return 0;
}

/* Dumps the tree with a final newline, refusing more than VSS_METADATA_DOCUMENT_MAX bytes. */
static int out_dump(json_t *root, char **ret_json, size_t *ret_size, char **reterr) {
        DumpSink sink = {.buffer = BUFFER_INIT};

        int r = json_dump_callback(root, dump_append, &sink, JSON_INDENT(2));
        if (sink.error == 0 && r == 0)
                sink.error = dump_append("\n", 1, &sink);
        if (sink.error == 0 && r < 0)
                sink.error = -ENOMEM; /* jansson's own allocations */
        if (sink.error < 0) {
                buffer_done(&sink.buffer);
                if (sink.error == -E2BIG)
                        return metadata_error(
                                        reterr, -E2BIG,
                                        "document: the JSON text would be larger than %u bytes",
                                        (unsigned) VSS_METADATA_DOCUMENT_MAX);
                return sink.error;
        }

        size_t n = sink.buffer.size;
        char *s = buffer_steal(&sink.buffer);
        if (!s)
                return -ENOMEM;
        *ret_json = s;
        if (ret_size)
                *ret_size = n;
        return 0;
}

/* ---- Writing: WMD ---------------------------------------------------------------------------- */

static void out_component(JsonOut *o, json_t *array, const vss_wm_component *c) {
        json_t *v = out_append_object(o, array);

        out_name(o, v, "type", vss_component_type_to_string(c->type));
        out_string(o, v, "logical_path", c->logical_path);
        out_string(o, v, "name", c->name);
        out_string(o, v, "caption", c->caption);
        out_base64(o, v, "icon", c->icon, c->icon_size);
        out_bool(o, v, "restore_metadata", c->restore_metadata);
        out_bool(o, v, "notify_on_backup_complete", c->notify_on_backup_complete);
        out_bool(o, v, "selectable", c->selectable);
        out_bool(o, v, "selectable_for_restore", c->selectable_for_restore);
        out_mask(o, v, "component_flags", vss_component_flags_mask_to_string, c->flags);
        out_filedesc_list(o, v, "file_groups", &c->files);
        out_filedesc_list(o, v, "database_files", &c->database_files);
        out_filedesc_list(o, v, "database_log_files", &c->database_log_files);

        json_t *a = out_array(o, v, "dependencies");
        for (size_t i = 0; i < c->dependencies.n && o->error >= 0; i++) {
                const vss_wm_dependency *d = c->dependencies.items[i];
                json_t *e = out_append_object(o, a);
                out_guid(o, e, "writer_class_id", &d->writer_class_id, false);
                out_string(o, e, "logical_path", d->logical_path);
                out_string(o, e, "component_name", d->component_name);
        }
}

VSS_PUBLIC int
vss_wmd_to_json(const vss_wmd *wmd, char **ret_json, size_t *ret_size, char **reterr_message) {
        JsonOut o = {};
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(ret_json, -EINVAL);

        r = wmd_validate_internal(wmd, reterr_message);
        if (r < 0)
                return r;

        VSS_CLEANUP(json_decrefp) json_t *root = json_object();
        if (!root)
                return -ENOMEM;
        out_header(&o, root, VSS_WMD_FORMAT, VSS_WMD_FORMAT_VERSION);

        json_t *id = out_object(&o, root, "identity");
        out_guid(&o, id, "writer_class_id", &wmd->writer_class_id, false);
        out_guid(&o, id, "writer_instance_id", &wmd->writer_instance_id, false);
        out_string(&o, id, "instance_name", wmd->instance_name);
        out_string(&o, id, "writer_name", wmd->writer_name);
        out_int(&o, id, "version_major", wmd->version_major);
        out_int(&o, id, "version_minor", wmd->version_minor);
        out_name(&o, id, "usage_type", vss_usage_type_to_string(wmd->usage_type));
        out_name(&o, id, "source_type", vss_source_type_to_string(wmd->source_type));
        out_name(&o, id, "application_level",
                 vss_application_level_to_string(wmd->application_level));
        out_int(&o, id, "freeze_timeout_ms", wmd->freeze_timeout_ms);

        json_t *rm = out_object(&o, root, "restore_method");
        out_name(&o, rm, "method", vss_restore_method_to_string(wmd->restore_method));
        out_string(&o, rm, "service", wmd->restore_service);
        out_string(&o, rm, "user_procedure", wmd->restore_user_procedure);
        out_name(&o, rm, "writer_restore", vss_writer_restore_to_string(wmd->writer_restore));
        out_bool(&o, rm, "reboot_required", wmd->reboot_required);

        out_mask(&o, root, "backup_schema", vss_backup_schema_mask_to_string, wmd->backup_schema);
        out_filedesc_list(
                        &o, root, "alternate_location_mappings", &wmd->alternate_location_mappings);
        out_filedesc_list(&o, root, "exclude_files", &wmd->exclude_files);
        out_filedesc_list(
                        &o, root, "exclude_files_from_snapshot", &wmd->exclude_files_from_snapshot);
        out_filedesc_list(&o, root, "include_files", &wmd->include_files);

        json_t *a = out_array(&o, root, "components");
        for (size_t i = 0; i < wmd->components.n && o.error >= 0; i++)
                out_component(&o, a, wmd->components.items[i]);
        if (o.error < 0)
                return o.error;

        return out_dump(root, ret_json, ret_size, reterr_message);
}

/* ---- Writing: BCD ---------------------------------------------------------------------------- */

static void out_bcd_component(JsonOut *o, json_t *array, const vss_bcd_component *c) {
        json_t *v = out_append_object(o, array), *a, *e;

        out_name(o, v, "type", vss_component_type_to_string(c->type));
        out_string(o, v, "logical_path", c->logical_path);
        out_string(o, v, "name", c->name);
        out_bool(o, v, "backup_succeeded", c->backup_succeeded);
        out_string(o, v, "backup_options", c->backup_options);
        out_string(o, v, "restore_options", c->restore_options);
        out_string(o, v, "backup_metadata", c->backup_metadata);
        out_string(o, v, "restore_metadata", c->restore_metadata);
        out_string(o, v, "backup_stamp", c->backup_stamp);
        out_string(o, v, "previous_backup_stamp", c->previous_backup_stamp);

        a = out_array(o, v, "partial_files");
        for (size_t i = 0; i < c->partial_files.n && o->error >= 0; i++) {
                const BcdPartialFile *p = c->partial_files.items[i];
                e = out_append_object(o, a);
                out_string(o, e, "path", p->path);
                out_string(o, e, "filename", p->filename);
                out_string(o, e, "ranges", p->ranges);
                out_string(o, e, "metadata", p->metadata);
        }

        a = out_array(o, v, "differenced_files");
        for (size_t i = 0; i < c->differenced_files.n && o->error >= 0; i++) {
                const BcdDifferencedFile *d = c->differenced_files.items[i];
                e = out_append_object(o, a);
                out_string(o, e, "path", d->path);
                out_string(o, e, "filespec", d->filespec);
                out_bool(o, e, "recursive", d->recursive);
                out_int(o, e, "last_modify_time_ns", d->last_modify_time_ns);
                out_string(o, e, "last_modify_lsn", d->last_modify_lsn);
        }

        out_bool(o, v, "selected_for_restore", c->selected_for_restore);
        out_guid(o, v, "restore_instance_id", &c->restore_instance_id, true);

        a = out_array(o, v, "restore_subcomponents");
        for (size_t i = 0; i < c->restore_subcomponents.n && o->error >= 0; i++) {
                const BcdRestoreSubcomponent *s = c->restore_subcomponents.items[i];
                e = out_append_object(o, a);
                out_string(o, e, "logical_path", s->logical_path);
                out_string(o, e, "name", s->name);
                out_bool(o, e, "repair", s->repair);
        }

        out_bool(o, v, "additional_restores", c->additional_restores);
        out_name(o, v, "restore_target", vss_restore_target_to_string(c->restore_target));

        a = out_array(o, v, "directed_targets");
        for (size_t i = 0; i < c->directed_targets.n && o->error >= 0; i++) {
                const BcdDirectedTarget *t = c->directed_targets.items[i];
                e = out_append_object(o, a);
                out_string(o, e, "source_path", t->source_path);
                out_string(o, e, "source_filename", t->source_filename);
                out_string(o, e, "source_ranges", t->source_ranges);
                out_string(o, e, "destination_path", t->destination_path);
                out_string(o, e, "destination_filename", t->destination_filename);
                out_string(o, e, "destination_ranges", t->destination_ranges);
        }

        out_filedesc_list(o, v, "new_targets", &c->new_targets);
        out_filedesc_list(o, v, "alternate_location_mappings", &c->alternate_location_mappings);
        out_name(o, v, "file_restore_status",
                 vss_file_restore_status_to_string(c->file_restore_status));

        e = out_object(o, v, "failure_messages");
        out_string(o, e, "prepare_for_backup", c->prepare_for_backup_failure_message);
        out_string(o, e, "post_snapshot", c->post_snapshot_failure_message);
        out_string(o, e, "pre_restore", c->pre_restore_failure_message);
        out_string(o, e, "post_restore", c->post_restore_failure_message);

        e = out_object(o, v, "failure");
        out_hresult(o, e, "hr", c->failure_hr);
        out_hresult(o, e, "application_hr", c->failure_application_hr);
        out_string(o, e, "application_message", c->failure_message);

        e = out_object(o, v, "roll_forward");
        out_name(o, e, "type", vss_rollforward_type_to_string(c->roll_forward_type));
        out_string(o, e, "point", c->roll_forward_point);

        out_string(o, v, "restore_name", c->restore_name);
        out_bool(o, v, "authoritative_restore", c->authoritative_restore);
}

VSS_PUBLIC int
vss_bcd_to_json(const vss_bcd *bcd, char **ret_json, size_t *ret_size, char **reterr_message) {
        JsonOut o = {};
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(ret_json, -EINVAL);

        r = bcd_validate_internal(bcd, reterr_message);
        if (r < 0)
                return r;

        VSS_CLEANUP(json_decrefp) json_t *root = json_object();
        if (!root)
                return -ENOMEM;
        out_header(&o, root, VSS_BCD_FORMAT, VSS_BCD_FORMAT_VERSION);

        json_t *bs = out_object(&o, root, "backup_state");
        out_bool(&o, bs, "select_components", bcd->select_components);
        out_bool(&o, bs, "bootable_system_state", bcd->bootable_system_state);
        out_name(&o, bs, "backup_type", vss_backup_type_to_string(bcd->backup_type));
        out_bool(&o, bs, "partial_file_support", bcd->partial_file_support);

        out_name(&o, root, "restore_type", vss_restore_type_to_string(bcd->restore_type));
        uint32_t context = bcd->snapshot_context & SNAPSHOT_CONTEXT_BITS;
        out_name(&o, root, "snapshot_context",
                 vss_snapshot_context_to_string((VSS_SNAPSHOT_CONTEXT) context));
        out_mask(&o, root, "snapshot_attributes", vss_snapshot_attributes_mask_to_string,
                 bcd->snapshot_context & ~SNAPSHOT_CONTEXT_BITS);

        json_t *writers = out_array(&o, root, "writers");
        for (size_t i = 0; i < bcd->writers.n && o.error >= 0; i++) {
                const vss_bcd_writer *w = bcd->writers.items[i];
                json_t *v = out_append_object(&o, writers);
                out_guid(&o, v, "instance_id", &w->instance_id, false);
                out_guid(&o, v, "class_id", &w->class_id, false);
                out_string(&o, v, "instance_name", w->instance_name);
                json_t *a = out_array(&o, v, "components");
                for (size_t j = 0; j < w->components.n && o.error >= 0; j++)
                        out_bcd_component(&o, a, w->components.items[j]);
        }
        if (o.error < 0)
                return o.error;

        return out_dump(root, ret_json, ret_size, reterr_message);
}
