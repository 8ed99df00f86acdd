/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Every validation rule of docs/DOCUMENTS.md §5: each case takes a valid example document, breaks
 * one rule by editing its JSON, and checks the result code and that the message names the field
 * path and the rule. Rules that JSON cannot break (invalid UTF-8, which the JSON parser refuses
 * first) are broken in memory through the internal structures. */

/* cmocka.h needs the standard headers before it. */
/* clang-format off */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vss/vss-metadata.h>
#include <vss/vss.h>
/* clang-format on */

#include "metadata-examples.h"
#include "metadata-internal.h"

/* One edit: set the value at a '/'-separated path (object keys and array indices; "-" appends
 * to an array) to a JSON text, or delete it when 'value' is NULL. Values starting with '@' are
 * generated: "@S<n>" a string of n 'x', "@ICON<n>" base64 of n zero bytes, "@COPY:<path>" a copy
 * of another value of the document, "@FILESETS<n>" an array of n file sets. */
typedef struct Edit {
        const char *path;
        const char *value;
} Edit;

typedef struct Case {
        Edit edits[3];
        int code;
        const char *message; /* the expected message prefix: "field.path: rule..." */
} Case;

#define INVALID (-VSS_E_INVALID_XML_DOCUMENT)
#define EDIT1(p, v)          \
        {                    \
                { (p), (v) } \
        }
#define EDIT2(p, v, q, w)        \
        {                        \
                {(p), (v)}, {    \
                        (q), (w) \
                }                \
        }

static json_t *lookup(json_t *root, const char *path) {
        char buf[256];
        json_t *v = root;

        (void) snprintf(buf, sizeof buf, "%s", path);
        for (char *save = NULL, *seg = strtok_r(buf, "/", &save); seg && v;
             seg = strtok_r(NULL, "/", &save))
                v = json_is_array(v) ? json_array_get(v, strtoul(seg, NULL, 10))
                                     : json_object_get(v, seg);
        return v;
}

static json_t *make_value(json_t *root, const char *text) {
        unsigned long n;

        if (strncmp(text, "@COPY:", 6) == 0)
                return json_deep_copy(lookup(root, text + 6));
        if (sscanf(text, "@S%lu", &n) == 1) {
                char *s = malloc(n + 1);
                assert_non_null(s);
                memset(s, 'x', n);
                s[n] = 0;
                json_t *v = json_string(s);
                free(s);
                return v;
        }
        if (sscanf(text, "@ICON%lu", &n) == 1) {
                size_t len = (n + 2) / 3 * 4;
                char *s = malloc(len + 1);
                assert_non_null(s);
                memset(s, 'A', len);
                for (size_t i = n % 3 ? 3 - n % 3 : 0, k = len; i > 0; i--)
                        s[--k] = '=';
                s[len] = 0;
                json_t *v = json_string(s);
                free(s);
                return v;
        }
        if (sscanf(text, "@FILESETS%lu", &n) == 1) {
                json_t *a = json_array();
                for (unsigned long i = 0; i < n; i++)
                        json_array_append_new(
                                        a, json_pack("{s:s, s:s}", "path", "/a", "filespec", "*"));
                return a;
        }
        json_error_t error;
        json_t *v = json_loads(text, JSON_DECODE_ANY, &error);
        if (!v)
                fail_msg("bad test value %s: %s", text, error.text);
        return v;
}

static void apply(json_t *root, const Edit *e) {
        char parent_path[256];
        const char *slash = strrchr(e->path, '/');
        const char *last = slash ? slash + 1 : e->path;

        (void) snprintf(parent_path, sizeof parent_path, "%.*s",
                        slash ? (int) (slash - e->path) : 0, e->path);
        json_t *parent = slash ? lookup(root, parent_path) : root;
        if (!parent)
                fail_msg("no such path in the example: %s", e->path);

        if (!e->value) {
                if (json_is_array(parent))
                        assert_int_equal(json_array_remove(parent, strtoul(last, NULL, 10)), 0);
                else
                        assert_int_equal(json_object_del(parent, last), 0);
                return;
        }
        json_t *v = make_value(root, e->value);
        assert_non_null(v);
        if (json_is_array(parent)) {
                if (streq(last, "-"))
                        assert_int_equal(json_array_append_new(parent, v), 0);
                else
                        assert_int_equal(json_array_set_new(parent, strtoul(last, NULL, 10), v), 0);
        } else
                assert_int_equal(json_object_set_new(parent, last, v), 0);
}

typedef int (*LoadFunc)(const char *json, size_t size, char **reterr);

static int load_wmd(const char *json, size_t size, char **reterr) {
        vss_wmd *w = NULL;
        int r = vss_wmd_from_json(json, size, &w, reterr);
        vss_wmd_free(w);
        return r;
}

static int load_bcd(const char *json, size_t size, char **reterr) {
        vss_bcd *b = NULL;
        int r = vss_bcd_from_json(json, size, &b, reterr);
        vss_bcd_free(b);
        return r;
}

static void run_cases(const char *example, LoadFunc load, const Case *cases, size_t n) {
        json_error_t error;
        unsigned failures = 0;

        for (size_t i = 0; i < n; i++) {
                const Case *c = &cases[i];
                json_t *root = json_load_file(example, 0, &error);
                assert_non_null(root);
                for (size_t k = 0; k < ELEMENTSOF(c->edits) && c->edits[k].path; k++)
                        apply(root, &c->edits[k]);
                char *json = json_dumps(root, 0);
                assert_non_null(json);
                json_decref(root);

                char *err = NULL;
                int r = load(json, strlen(json), &err);
                bool ok = r == c->code &&
                          (c->message ? err && strncmp(err, c->message, strlen(c->message)) == 0
                                      : !err);
                if (!ok) {
                        print_error("case %zu (%s = %s): got %d \"%s\", expected %d \"%s\"\n", i,
                                    c->edits[0].path,
                                    c->edits[0].value ? c->edits[0].value : "(deleted)", r,
                                    err ? err : "(no message)", c->code,
                                    c->message ? c->message : "(no message)");
                        failures++;
                }
                free(err);
                free(json);
        }
        if (failures > 0)
                fail_msg("%u of %zu cases failed", failures, n);
}

/* Components of the example WMD: 0 Config (file group, required), 1 Sales (database,
 * selectable), 2 Sales\Archive (database, selectable for restore), 3 Sales\Exports (file group
 * with two dependencies, the second remote). */
static const Case wmd_cases[] = {
                /* The unmodified example passes. */
                {EDIT1("format", "\"linvss-writer-metadata\""), 0, NULL},

                /* Identity. */
                {EDIT1("identity/writer_class_id", "\"{00000000-0000-0000-0000-000000000000}\""),
                 INVALID, "identity.writer_class_id: must not be the null GUID"},
                {EDIT1("identity/writer_class_id", "\"4DC3BDD4-AB48-4D07-ADB0\""), INVALID,
                 "identity.writer_class_id: must be a GUID"},
                {EDIT1("identity/writer_instance_id", "\"00000000-0000-0000-0000-000000000000\""),
                 INVALID, "identity.writer_instance_id: must not be the null GUID"},
                {EDIT1("identity/writer_name", "\"\""), INVALID,
                 "identity.writer_name: must not be empty"},
                {EDIT1("identity/writer_name", NULL), INVALID,
                 "identity.writer_name: must not be empty"},
                {EDIT1("identity/writer_name", "@S4097"), INVALID,
                 "identity.writer_name: must not be longer than 4096 bytes"},
                {EDIT1("identity/writer_name", "@S4096"), 0, NULL},
                {EDIT1("identity/instance_name", "@S4097"), INVALID,
                 "identity.instance_name: must not be longer than 4096 bytes"},
                {EDIT1("identity/usage_type", "\"VSS_UT_UNDEFINED\""), INVALID,
                 "identity.usage_type: must not be VSS_UT_UNDEFINED"},
                {EDIT1("identity/usage_type", NULL), INVALID,
                 "identity.usage_type: must not be VSS_UT_UNDEFINED"},
                {EDIT1("identity/usage_type", "\"VSS_UT_SOMETIMES\""), INVALID,
                 "identity.usage_type: unknown VSS_USAGE_TYPE 'VSS_UT_SOMETIMES'"},
                {EDIT1("identity/usage_type", "\"5\""), INVALID,
                 "identity.usage_type: unknown VSS_USAGE_TYPE '5'"},
                {EDIT1("identity/source_type", "\"VSS_ST_\""), INVALID,
                 "identity.source_type: unknown VSS_SOURCE_TYPE"},
                {EDIT1("identity/application_level", "\"VSS_APP_UNKNOWN\""), INVALID,
                 "identity.application_level: must not be VSS_APP_UNKNOWN"},
                {EDIT1("identity/application_level", "\"VSS_APP_AUTO\""), 0, NULL},
                {EDIT1("identity/freeze_timeout_ms", "0"), INVALID,
                 "identity.freeze_timeout_ms: must not be 0"},
                {EDIT1("identity/freeze_timeout_ms", "4294967296"), INVALID,
                 "identity.freeze_timeout_ms: must be between 0 and 4294967295"},
                {EDIT1("identity/version_major", "-1"), INVALID,
                 "identity.version_major: must be between 0 and 4294967295"},
                {EDIT1("identity/version_minor", "4294967295"), 0, NULL},

                /* Restore method. */
                {EDIT1("restore_method/method", "\"VSS_RME_UNDEFINED\""), INVALID,
                 "restore_method.method: must not be VSS_RME_UNDEFINED"},
                {EDIT1("restore_method", "{}"), INVALID,
                 "restore_method.method: must not be VSS_RME_UNDEFINED"},
                {EDIT2("restore_method/method",
                       "\"VSS_RME_RESTORE_TO_ALTERNATE_LOCATION\"",
                       "alternate_location_mappings",
                       "[]"),
                 INVALID,
                 "restore_method.method: VSS_RME_RESTORE_TO_ALTERNATE_LOCATION needs at least one "
                 "alternate location mapping"},
                {EDIT1("restore_method/method", "\"VSS_RME_RESTORE_TO_ALTERNATE_LOCATION\""), 0,
                 NULL},
                {EDIT1("restore_method/service", "null"), INVALID,
                 "restore_method.service: is required by this restore method"},
                {EDIT2("restore_method/method",
                       "\"VSS_RME_RESTORE_STOP_START\"",
                       "restore_method/service",
                       "\"\""),
                 INVALID, "restore_method.service: is required by this restore method"},
                {EDIT2("restore_method/method",
                       "\"VSS_RME_CUSTOM\"",
                       "restore_method/service",
                       "null"),
                 0, NULL},
                {EDIT1("restore_method/service", "@S4097"), INVALID,
                 "restore_method.service: must not be longer than 4096 bytes"},
                {EDIT1("restore_method/user_procedure", "@S65537"), INVALID,
                 "restore_method.user_procedure: must not be longer than 65536 bytes"},
                {EDIT1("restore_method/user_procedure", "@S65536"), 0, NULL},
                {EDIT1("restore_method/writer_restore", "\"VSS_WRE_UNDEFINED\""), INVALID,
                 "restore_method.writer_restore: must not be VSS_WRE_UNDEFINED"},
                {EDIT1("restore_method/writer_restore", "\"VSS_WRE_MAYBE\""), INVALID,
                 "restore_method.writer_restore: unknown"},

                /* Backup schema. */
                {EDIT1("backup_schema", "\"VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL\""), INVALID,
                 "backup_schema: VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL needs "
                 "VSS_BS_INCREMENTAL or VSS_BS_DIFFERENTIAL"},
                {EDIT1("backup_schema", "\"VSS_BS_TIMESTAMPED|VSS_BS_COPY\""), INVALID,
                 "backup_schema: VSS_BS_TIMESTAMPED needs VSS_BS_INCREMENTAL or "
                 "VSS_BS_DIFFERENTIAL"},
                {EDIT1("backup_schema", "\"VSS_BS_LAST_MODIFY\""), INVALID,
                 "backup_schema: VSS_BS_LAST_MODIFY needs VSS_BS_INCREMENTAL or "
                 "VSS_BS_DIFFERENTIAL"},
                {EDIT1("backup_schema", "\"VSS_BS_LAST_MODIFY|VSS_BS_INCREMENTAL\""), 0, NULL},
                {EDIT1("backup_schema", "\"0x800\""), INVALID,
                 "backup_schema: must be VSS_BACKUP_SCHEMA names joined by '|'"},
                {EDIT1("backup_schema", "\"VSS_BS_COPY|VSS_BS_NOTHING\""), INVALID,
                 "backup_schema: must be VSS_BACKUP_SCHEMA names"},
                {EDIT2("backup_schema", "\"VSS_BS_LOG\"", "components/1/database_log_files", "[]"),
                 INVALID, "backup_schema: VSS_BS_LOG needs at least one database log file set"},
                {EDIT1("components/1/database_log_files", "[]"), INVALID,
                 "backup_schema: VSS_BS_LOG needs"},
                {EDIT1("backup_schema", "\"copy|incremental|0x1\""), 0,
                 NULL}, /* lenient input names */

                /* Writer-wide lists. */
                {EDIT1("alternate_location_mappings/0/path", "\"/nowhere\""), INVALID,
                 "alternate_location_mappings[0]: must name the path, filespec and recursion of a "
                 "file set"},
                {EDIT1("alternate_location_mappings/0/recursive", "false"), INVALID,
                 "alternate_location_mappings[0]: must name"},
                {EDIT1("alternate_location_mappings/0/filespec", "\"*.CSV\""), INVALID,
                 "alternate_location_mappings[0]: must name"},
                {EDIT1("alternate_location_mappings/0/destination", "null"), INVALID,
                 "alternate_location_mappings[0].destination: must not be empty"},
                {EDIT1("alternate_location_mappings/0/destination", "\"/restore/*\""), INVALID,
                 "alternate_location_mappings[0].destination: must not contain a wildcard"},
                {EDIT1("alternate_location_mappings/0/path", "\"\""), INVALID,
                 "alternate_location_mappings[0].path: must not be empty"},
                {EDIT2("alternate_location_mappings/0/path",
                       "\"/srv/db/sales/wal\"",
                       "alternate_location_mappings/0/recursive",
                       "false"),
                 INVALID, "alternate_location_mappings[0]: must name"},
                {EDIT2("alternate_location_mappings/0/path",
                       "\"/srv/db/sales/wal\"",
                       "alternate_location_mappings/0/filespec",
                       "\"*.wal\""),
                 INVALID, "alternate_location_mappings[0]: must name"},
                {{{"alternate_location_mappings/0/path", "\"/srv/db/sales/wal\""},
                  {"alternate_location_mappings/0/filespec", "\"*.wal\""},
                  {"alternate_location_mappings/0/recursive", "false"}},
                 0,
                 NULL},
                {EDIT1("exclude_files/0/filespec", "\"\""), INVALID,
                 "exclude_files[0].filespec: must not be empty"},
                {EDIT1("exclude_files/0/filespec", "\"tmp/*.tmp\""), INVALID,
                 "exclude_files[0].filespec: must not contain a directory separator"},
                {EDIT1("exclude_files/0/path", "\"/srv/*\""), INVALID,
                 "exclude_files[0].path: must not contain a wildcard"},
                {EDIT1("exclude_files_from_snapshot/0/path", "\"\""), INVALID,
                 "exclude_files_from_snapshot[0].path: must not be empty"},
                {EDIT1("exclude_files_from_snapshot/0/filespec", "\"a\\\\b\""), INVALID,
                 "exclude_files_from_snapshot[0].filespec: must not contain a directory separator"},
                {EDIT1("include_files/0/alternate_location", "\"/mnt/?\""), INVALID,
                 "include_files[0].alternate_location: must not contain a wildcard"},
                {EDIT1("include_files/0/alternate_location", "null"), 0, NULL},

                /* Components. */
                {EDIT1("components", "[]"), INVALID,
                 "components: must contain at least one component"},
                {EDIT1("components", NULL), INVALID,
                 "components: must contain at least one component"},
                {EDIT1("components/0/type", "\"VSS_CT_UNDEFINED\""), INVALID,
                 "components[0].type: must not be VSS_CT_UNDEFINED"},
                {EDIT1("components/0/type", NULL), INVALID,
                 "components[0].type: must not be VSS_CT_UNDEFINED"},
                {EDIT1("components/0/type", "\"VSS_CT_TABLE\""), INVALID,
                 "components[0].type: unknown VSS_COMPONENT_TYPE 'VSS_CT_TABLE'"},
                {EDIT1("components/1/name", "\"\""), INVALID,
                 "components[1].name: must not be empty"},
                {EDIT1("components/1/name", NULL), INVALID,
                 "components[1].name: must not be empty"},
                {EDIT1("components/1/name", "\"Sa\\\\les\""), INVALID,
                 "components[1].name: must not contain '\\'"},
                {EDIT1("components/1/name", "@S4097"), INVALID,
                 "components[1].name: must not be longer than 4096 bytes"},
                {EDIT1("components/2/logical_path", "\"\\\\Sales\""), INVALID,
                 "components[2].logical_path: must not start with '\\'"},
                {EDIT1("components/2/logical_path", "\"Sales\\\\\""), INVALID,
                 "components[2].logical_path: must not end with '\\'"},
                {EDIT1("components/2/logical_path", "\"Sales\\\\\\\\Old\""), INVALID,
                 "components[2].logical_path: must not contain an empty segment"},
                {EDIT1("components/2/logical_path", "\"Sales\\\\Old\""), 0, NULL},
                {EDIT2("components/2/logical_path", "\"\"", "components/2/name", "\"Sales\""),
                 INVALID, "components[2].name: repeats the logical path and name of components[1]"},
                {EDIT1("components/-", "@COPY:components/0"), INVALID,
                 "components[4].name: repeats the logical path and name of components[0]"},
                {EDIT1("components/0/caption", "@S4097"), INVALID,
                 "components[0].caption: must not be longer than 4096 bytes"},
                {EDIT1("components/0/icon", "\"not base64!\""), INVALID,
                 "components[0].icon: must be canonical base64"},
                {EDIT1("components/0/icon", "\"iVBORw0KGgoA/x==\""), INVALID,
                 "components[0].icon: must be canonical base64"},
                {EDIT1("components/0/icon", "\"iVBORw0KGgoA/w\""), INVALID,
                 "components[0].icon: must be canonical base64"},
                {EDIT1("components/0/icon", "@ICON65537"), INVALID,
                 "components[0].icon: must not encode more than 65536 bytes"},
                {EDIT1("components/0/icon", "@ICON65536"), 0, NULL},
                {EDIT1("components/0/component_flags", "\"0x8\""), INVALID,
                 "components[0].component_flags: must be VSS_COMPONENT_FLAGS names"},
                {EDIT1("components/0/component_flags",
                       "\"VSS_CF_BACKUP_RECOVERY|VSS_CF_NOT_SYSTEM_STATE\""),
                 0, NULL},

                /* File sets of the right kind. */
                {EDIT1("components/1/file_groups", "@COPY:components/0/file_groups"), INVALID,
                 "components[1].file_groups: only a VSS_CT_FILEGROUP component has file groups"},
                {EDIT1("components/0/database_files", "@COPY:components/1/database_files"), INVALID,
                 "components[0].database_files: only a VSS_CT_DATABASE component has database "
                 "files"},
                {EDIT1("components/3/database_log_files", "@COPY:components/1/database_log_files"),
                 INVALID,
                 "components[3].database_log_files: only a VSS_CT_DATABASE component has database "
                 "files"},
                {EDIT1("components/0/file_groups", "@FILESETS1025"), INVALID,
                 "components[0].file_groups: must not have more than 1024 entries"},
                {EDIT1("components/0/file_groups", "@FILESETS1024"), 0, NULL},

                /* File set fields. */
                {EDIT1("components/0/file_groups/0/filespec", "\"conf/*.conf\""), INVALID,
                 "components[0].file_groups[0].filespec: must not contain a directory separator"},
                {EDIT1("components/0/file_groups/0/filespec", "\"conf\\\\*.conf\""), INVALID,
                 "components[0].file_groups[0].filespec: must not contain a directory separator"},
                {EDIT1("components/0/file_groups/0/filespec", "\"\""), INVALID,
                 "components[0].file_groups[0].filespec: must not be empty"},
                {EDIT1("components/0/file_groups/0/filespec", NULL), INVALID,
                 "components[0].file_groups[0].filespec: must not be empty"},
                {EDIT1("components/0/file_groups/0/path", "\"\""), INVALID,
                 "components[0].file_groups[0].path: must not be empty"},
                {EDIT1("components/0/file_groups/0/path", "\"/etc/*\""), INVALID,
                 "components[0].file_groups[0].path: must not contain a wildcard"},
                {EDIT1("components/0/file_groups/1/alternate_location", "\"/staging?\""), INVALID,
                 "components[0].file_groups[1].alternate_location: must not contain a wildcard"},
                {EDIT1("components/0/file_groups/0/backup_type_mask", "\"0x20000\""), INVALID,
                 "components[0].file_groups[0].backup_type_mask: must be VSS_FILE_SPEC_BACKUP_TYPE "
                 "names"},
                {EDIT1("components/0/file_groups/0/backup_type_mask", NULL), 0,
                 NULL}, /* default mask */
                {EDIT1("components/1/database_files/0/recursive", "true"), INVALID,
                 "components[1].database_files[0].recursive: a database file set is never "
                 "recursive"},
                {EDIT1("components/1/database_log_files/0/recursive", "true"), INVALID,
                 "components[1].database_log_files[0].recursive: a database file set is never "
                 "recursive"},
                {EDIT1("components/1/database_files/0/alternate_location", "\"/alt\""), INVALID,
                 "components[1].database_files[0].alternate_location: a database file set has no "
                 "alternate location"},
                {EDIT1("components/1/database_log_files/0/alternate_location", "\"/alt\""), INVALID,
                 "components[1].database_log_files[0].alternate_location: a database file set has "
                 "no alternate location"},
                {EDIT1("components/1/database_log_files/0/filespec", "\"wal/*.wal\""), INVALID,
                 "components[1].database_log_files[0].filespec: must not contain a directory "
                 "separator"},
                {EDIT1("components/2/database_files/0/path", "\"\""), INVALID,
                 "components[2].database_files[0].path: must not be empty"},

                /* Dependencies. */
                {EDIT1("components/3/dependencies/0/writer_class_id",
                       "@COPY:identity/writer_class_id"),
                 INVALID,
                 "components[3].dependencies[0].writer_class_id: must not be the writer's own "
                 "class"},
                {EDIT1("components/3/dependencies/1/writer_class_id",
                       "@COPY:identity/writer_class_id"),
                 0, NULL}, /* remote */
                {EDIT1("components/3/dependencies/0/writer_class_id",
                       "\"{00000000-0000-0000-0000-000000000000}\""),
                 INVALID,
                 "components[3].dependencies[0].writer_class_id: must not be the null GUID"},
                {EDIT1("components/3/dependencies/0/logical_path", "\"\\\\Reports\""), INVALID,
                 "components[3].dependencies[0].logical_path: must not start with '\\'"},
                {EDIT1("components/3/dependencies/0/component_name", "\"\""), INVALID,
                 "components[3].dependencies[0].component_name: must not be empty"},
                {EDIT1("components/3/dependencies/0/component_name", "\"Da\\\\ily\""), INVALID,
                 "components[3].dependencies[0].component_name: must not contain '\\'"},
                {EDIT1("components/3/dependencies/0/component_name",
                       "\"\\\\\\\\srv\\\\Reports\\\\Daily\""),
                 INVALID,
                 "components[3].dependencies[0].component_name: a remote name (starting with "
                 "'\\\\') needs an empty logical path"},
                {EDIT2("components/3/dependencies/0/component_name",
                       "\"\\\\\\\\srv\\\\Reports\\\\Daily\"",
                       "components/3/dependencies/0/logical_path",
                       "\"\""),
                 0, NULL},
                {EDIT1("components/3/dependencies/0/component_name", "\"\\\\\\\\srv\""), INVALID,
                 "components[3].dependencies[0].component_name: must name a component after the "
                 "machine"},
                {EDIT1("components/3/dependencies/1/logical_path", "\"\\\\\\\\\\\\Reports\""),
                 INVALID,
                 "components[3].dependencies[1].logical_path: must name a machine after '\\\\'"},
                {EDIT1("components/3/dependencies/1/logical_path",
                       "\"\\\\\\\\srv\\\\Reports\\\\\""),
                 INVALID, "components[3].dependencies[1].logical_path: must not end with '\\'"},
                {EDIT1("components/3/dependencies/-", "@COPY:components/3/dependencies/0"), INVALID,
                 "components[3].dependencies[2]: repeats dependencies[0]"},
};

/* The example BCD: writers[0] is the database writer with components 0 Sales (every item set) and
 * 1 Config; writers[1] the reports writer. */
#define SALES "writers/0/components/0/"
static const Case bcd_cases[] = {
                {EDIT1("format", "\"linvss-backup-components\""), 0, NULL},

                /* Global state. */
                {EDIT1("backup_state/backup_type", "\"VSS_BT_WEEKLY\""), INVALID,
                 "backup_state.backup_type: unknown VSS_BACKUP_TYPE"},
                {EDIT1("backup_state/backup_type", "\"VSS_BT_UNDEFINED\""), 0, NULL},
                {EDIT1("restore_type", "\"VSS_RTYPE_X\""), INVALID,
                 "restore_type: unknown VSS_RESTORE_TYPE"},
                {EDIT1("snapshot_context", "\"VSS_CTX_ALL\""), INVALID,
                 "snapshot_context: VSS_CTX_ALL is only for queries"},
                {EDIT1("snapshot_context", "\"VSS_CTX_NONE\""), INVALID,
                 "snapshot_context: unknown VSS_SNAPSHOT_CONTEXT"},
                {EDIT1("snapshot_attributes", "\"VSS_VOLSNAP_ATTR_PERSISTENT\""), INVALID,
                 "snapshot_attributes: must not repeat the bits of snapshot_context"},
                {EDIT1("snapshot_attributes", "\"0x8000\""), INVALID,
                 "snapshot_attributes: must be VSS_VOLUME_SNAPSHOT_ATTRIBUTES names"},
                {EDIT1("snapshot_attributes", "\"0\""), 0, NULL},

                /* Writers. */
                {EDIT1("writers/0/instance_id", "\"{00000000-0000-0000-0000-000000000000}\""),
                 INVALID, "writers[0].instance_id: must not be the null GUID"},
                {EDIT1("writers/0/class_id", NULL), INVALID,
                 "writers[0].class_id: must not be the null GUID"},
                {EDIT1("writers/0/class_id", "\"{zzzzzzzz-0000-0000-0000-000000000000}\""), INVALID,
                 "writers[0].class_id: must be a GUID"},
                {EDIT2("writers/1/instance_id",
                       "@COPY:writers/0/instance_id",
                       "writers/1/class_id",
                       "@COPY:writers/0/class_id"),
                 INVALID,
                 "writers[1].instance_id: repeats the class and instance ID of writers[0]"},
                {EDIT1("writers/1/instance_id", "@COPY:writers/0/instance_id"), 0, NULL},
                {EDIT1("writers/0/instance_name", "@S4097"), INVALID,
                 "writers[0].instance_name: must not be longer than 4096 bytes"},

                /* Components. */
                {EDIT1(SALES "type", "\"VSS_CT_UNDEFINED\""), INVALID,
                 "writers[0].components[0].type: must not be VSS_CT_UNDEFINED"},
                {EDIT1("writers/0/components/1/name", "\"Sales\""), INVALID,
                 "writers[0].components[1].name: repeats the logical path and name of "
                 "components[0]"},
                {EDIT1(SALES "name", "\"\""), INVALID,
                 "writers[0].components[0].name: must not be empty"},
                {EDIT1(SALES "logical_path", "\"A\\\\\""), INVALID,
                 "writers[0].components[0].logical_path: must not end with '\\'"},
                {EDIT1(SALES "backup_options", "@S65537"), INVALID,
                 "writers[0].components[0].backup_options: must not be longer than 65536 bytes"},
                {EDIT1(SALES "restore_options", "@S65537"), INVALID,
                 "writers[0].components[0].restore_options: must not be longer"},
                {EDIT1(SALES "backup_metadata", "@S65537"), INVALID,
                 "writers[0].components[0].backup_metadata: must not be longer"},
                {EDIT1(SALES "restore_metadata", "@S65537"), INVALID,
                 "writers[0].components[0].restore_metadata: must not be longer"},
                {EDIT1(SALES "backup_stamp", "@S65537"), INVALID,
                 "writers[0].components[0].backup_stamp: must not be longer"},
                {EDIT1(SALES "previous_backup_stamp", "@S65537"), INVALID,
                 "writers[0].components[0].previous_backup_stamp: must not be longer"},
                {EDIT1(SALES "restore_name", "@S65537"), INVALID,
                 "writers[0].components[0].restore_name: must not be longer"},

                /* Partial files and ranges. */
                {EDIT1(SALES "partial_files/0/ranges", "\"\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must not be empty"},
                {EDIT1(SALES "partial_files/0/ranges", "\"0:0\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must be a list of "
                 "offset:length items"},
                {EDIT1(SALES "partial_files/0/ranges", "\"0:4096,\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must be a list"},
                {EDIT1(SALES "partial_files/0/ranges", "\"0x:1\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must be a list"},
                {EDIT1(SALES "partial_files/0/ranges", "\"ranges.bin\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must be a list"},
                {EDIT1(SALES "partial_files/0/ranges", "\"18446744073709551616:1\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must not have a value above "
                 "2^64-1"},
                {EDIT1(SALES "partial_files/0/ranges", "\"9223372036854775807:1\""), INVALID,
                 "writers[0].components[0].partial_files[0].ranges: must not have a value above "
                 "2^64-1 or a range ending beyond"},
                {EDIT1(SALES "partial_files/0/ranges", "\"9223372036854775806:1\""), 0, NULL},
                {EDIT1(SALES "partial_files/1/ranges", "\"/var/lib/*.ranges\""), INVALID,
                 "writers[0].components[0].partial_files[1].ranges: must not contain a wildcard"},
                {EDIT1(SALES "partial_files/0/filename", "\"a/sales.db\""), INVALID,
                 "writers[0].components[0].partial_files[0].filename: must not contain a directory "
                 "separator"},
                {EDIT1(SALES "partial_files/0/filename", "\"*.db\""), INVALID,
                 "writers[0].components[0].partial_files[0].filename: must not contain a wildcard"},
                {EDIT1(SALES "partial_files/0/path", "\"\""), INVALID,
                 "writers[0].components[0].partial_files[0].path: must not be empty"},
                {EDIT1(SALES "partial_files/0/metadata", "@S65537"), INVALID,
                 "writers[0].components[0].partial_files[0].metadata: must not be longer"},

                /* Differenced files. */
                {EDIT1(SALES "differenced_files/0/filespec", "\"wal/*\""), INVALID,
                 "writers[0].components[0].differenced_files[0].filespec: must not contain a "
                 "directory separator"},
                {EDIT1(SALES "differenced_files/0/path", NULL), INVALID,
                 "writers[0].components[0].differenced_files[0].path: must not be empty"},
                {EDIT1(SALES "differenced_files/1/last_modify_lsn", "@S65537"), INVALID,
                 "writers[0].components[0].differenced_files[1].last_modify_lsn: must not be "
                 "longer"},
                {EDIT1(SALES "differenced_files/0/last_modify_time_ns", "-9223372036854775808"), 0,
                 NULL},

                /* Restore selection. */
                {EDIT1(SALES "selected_for_restore", "false"), INVALID,
                 "writers[0].components[0].restore_instance_id: must be null unless the component "
                 "is selected for restore"},
                {EDIT2(SALES "selected_for_restore", "false", SALES "restore_instance_id", "null"),
                 0, NULL},
                {EDIT1(SALES "restore_subcomponents/0/logical_path", "\"Other\""), INVALID,
                 "writers[0].components[0].restore_subcomponents[0].logical_path: must lie within "
                 "the component's set"},
                {EDIT1(SALES "restore_subcomponents/0/logical_path", "\"SalesX\""), INVALID,
                 "writers[0].components[0].restore_subcomponents[0].logical_path: must lie within"},
                {EDIT1(SALES "restore_subcomponents/0/logical_path", "\"Sales\\\\Deep\""), 0, NULL},
                {EDIT1(SALES "restore_subcomponents/0/name", "\"\""), INVALID,
                 "writers[0].components[0].restore_subcomponents[0].name: must not be empty"},
                {EDIT1(SALES "restore_subcomponents/-", "@COPY:" SALES "restore_subcomponents/0"),
                 INVALID,
                 "writers[0].components[0].restore_subcomponents[1]: repeats "
                 "restore_subcomponents[0]"},
                {EDIT1(SALES "restore_target", "\"VSS_RT_UNDEFINED\""), INVALID,
                 "writers[0].components[0].restore_target: must not be VSS_RT_UNDEFINED"},
                {EDIT1(SALES "restore_target", "\"VSS_RT_SOMEWHERE\""), INVALID,
                 "writers[0].components[0].restore_target: unknown VSS_RESTORE_TARGET"},

                /* Directed and new targets, used mappings. */
                {EDIT1(SALES "directed_targets/0/destination_ranges", "\"0:69631\""), INVALID,
                 "writers[0].components[0].directed_targets[0].destination_ranges: must cover as "
                 "many bytes as source_ranges"},
                {EDIT1(SALES "directed_targets/0/destination_ranges", "\"0:1,1:69631\""), 0, NULL},
                {EDIT1(SALES "directed_targets/0/source_ranges", "\"/var/lib/x.ranges\""), INVALID,
                 "writers[0].components[0].directed_targets[0].source_ranges: must be a list"},
                {EDIT1(SALES "directed_targets/0/destination_ranges", "\"\""), INVALID,
                 "writers[0].components[0].directed_targets[0].destination_ranges: must be a list"},
                {EDIT1(SALES "directed_targets/0/source_filename", "\"\""), INVALID,
                 "writers[0].components[0].directed_targets[0].source_filename: must not be empty"},
                {EDIT1(SALES "directed_targets/0/destination_path", "\"/x*\""), INVALID,
                 "writers[0].components[0].directed_targets[0].destination_path: must not contain "
                 "a wildcard"},
                {EDIT1(SALES "new_targets/0/alternate_path", "null"), INVALID,
                 "writers[0].components[0].new_targets[0].alternate_path: must not be empty"},
                {EDIT1(SALES "new_targets/0/filespec", "\"a/b\""), INVALID,
                 "writers[0].components[0].new_targets[0].filespec: must not contain a directory "
                 "separator"},
                {EDIT1(SALES "alternate_location_mappings/0/destination", NULL), INVALID,
                 "writers[0].components[0].alternate_location_mappings[0].destination: must not be "
                 "empty"},
                {EDIT1(SALES "file_restore_status", "\"VSS_RS_SOME\""), INVALID,
                 "writers[0].components[0].file_restore_status: unknown"},

                /* Failure, roll-forward. */
                {EDIT1(SALES "failure_messages/pre_restore", "@S65537"), INVALID,
                 "writers[0].components[0].failure_messages.pre_restore: must not be longer than "
                 "65536 bytes"},
                {EDIT1(SALES "failure_messages/post_snapshot", "@S65537"), INVALID,
                 "writers[0].components[0].failure_messages.post_snapshot: must not be longer"},
                {EDIT1(SALES "failure/application_message", "@S65537"), INVALID,
                 "writers[0].components[0].failure.application_message: must not be longer"},
                {EDIT1(SALES "failure/hr", "\"0x1234567890\""), INVALID,
                 "writers[0].components[0].failure.hr: must be an HRESULT"},
                {EDIT1(SALES "failure/hr", "\"800423F3\""), INVALID,
                 "writers[0].components[0].failure.hr: must be an HRESULT"},
                {EDIT1(SALES "failure/hr", "\"0x\""), INVALID,
                 "writers[0].components[0].failure.hr: must be an HRESULT"},
                {EDIT1(SALES "failure/application_hr", "\"0xffffffff\""), 0, NULL},
                {EDIT1(SALES "roll_forward/point", "null"), INVALID,
                 "writers[0].components[0].roll_forward.point: is required with VSS_RF_PARTIAL"},
                {EDIT1(SALES "roll_forward/type", "\"VSS_RF_ALL\""), INVALID,
                 "writers[0].components[0].roll_forward.point: is only allowed with "
                 "VSS_RF_PARTIAL"},
                {EDIT2(SALES "roll_forward/type",
                       "\"VSS_RF_ALL\"",
                       SALES "roll_forward/point",
                       "null"),
                 0, NULL},
                {EDIT1(SALES "roll_forward/type", "\"VSS_RF_SOME\""), INVALID,
                 "writers[0].components[0].roll_forward.type: unknown"},
};
#undef SALES

static void test_wmd_rules(void **state) {
        (void) state;
        run_cases(EXAMPLE_WMD_PATH, load_wmd, wmd_cases, ELEMENTSOF(wmd_cases));
}

static void test_bcd_rules(void **state) {
        (void) state;
        run_cases(EXAMPLE_BCD_PATH, load_bcd, bcd_cases, ELEMENTSOF(bcd_cases));
}

/* What JSON cannot carry is broken in memory: strings that are not UTF-8, values set around the
 * setters' checks. */
static void test_in_memory_rules(void **state) {
        char *err = NULL;
        (void) state;

        vss_wmd *w = example_wmd();
        vss_wm_component *c = w->components.items[1];
        free(c->caption);
        c->caption = strdup("bad \xC3\x28 UTF-8");
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(err, "components[1].caption: must be valid UTF-8");
        free(err);
        free(c->caption);
        c->caption = NULL;

        w->usage_type = (VSS_USAGE_TYPE) 77;
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(err, "identity.usage_type: must be a VSS_USAGE_TYPE");
        free(err);
        w->usage_type = VSS_UT_USERDATA;

        w->backup_schema |= 0x800U;
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(err, "backup_schema: must not contain undefined bits");
        free(err);
        w->backup_schema &= ~0x800U;

        c->flags = 0x80U;
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(err, "components[1].component_flags: must not contain undefined bits");
        free(err);
        c->flags = 0;

        vss_wm_filedesc *f = ((vss_wm_component *) w->components.items[0])->files.items[0];
        f->backup_type_mask = 0x1000U;
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(
                        err, "components[0].file_groups[0].backup_type_mask: must not contain "
                             "undefined bits");
        free(err);
        f->backup_type_mask = 0;

        f = w->exclude_files.items[0];
        f->alternate_location = strdup("/x");
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(
                        err, "exclude_files[0].alternate_location: an exclude entry has no "
                             "alternate location");
        free(err);
        free(f->alternate_location);
        f->alternate_location = NULL;
        f->backup_type_mask = 1;
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(
                        err,
                        "exclude_files[0].backup_type_mask: only component file sets have a mask");
        free(err);
        f->backup_type_mask = 0;

        w->application_level = (VSS_APPLICATION_LEVEL) 9;
        assert_int_equal(vss_wmd_validate(w, &err), INVALID);
        assert_string_equal(err, "identity.application_level: must be a VSS_APPLICATION_LEVEL");
        free(err);
        w->application_level = VSS_APP_FRONT_END;

        assert_int_equal(vss_wmd_validate(w, NULL), 0);
        vss_wmd_free(w);

        vss_bcd *b = example_bcd();
        vss_bcd_writer *bw = b->writers.items[0];
        vss_bcd_component *bc = bw->components.items[0];
        free(bc->backup_stamp);
        bc->backup_stamp = strdup("\xF0\x28\x8C\xBC");
        assert_int_equal(vss_bcd_validate(b, &err), INVALID);
        assert_string_equal(err, "writers[0].components[0].backup_stamp: must be valid UTF-8");
        free(err);
        free(bc->backup_stamp);
        bc->backup_stamp = NULL;

        b->snapshot_context = 0xFFFFFFFFU;
        assert_int_equal(vss_bcd_validate(b, &err), INVALID);
        assert_string_equal(
                        err, "snapshot_context: VSS_CTX_ALL is only for queries, not a document's "
                             "context");
        free(err);
        b->snapshot_context = 0x1U;
        assert_int_equal(vss_bcd_validate(b, &err), INVALID);
        assert_string_equal(err, "snapshot_context: must be a VSS_SNAPSHOT_CONTEXT");
        free(err);
        b->snapshot_context = VSS_CTX_BACKUP;

        b->backup_type = (VSS_BACKUP_TYPE) 12;
        assert_int_equal(vss_bcd_validate(b, &err), INVALID);
        assert_string_equal(err, "backup_state.backup_type: must be a VSS_BACKUP_TYPE");
        free(err);
        b->backup_type = VSS_BT_FULL;

        bc->file_restore_status = (VSS_FILE_RESTORE_STATUS) 8;
        assert_int_equal(vss_bcd_validate(b, &err), INVALID);
        assert_string_equal(
                        err, "writers[0].components[0].file_restore_status: must be a "
                             "VSS_FILE_RESTORE_STATUS");
        free(err);
        bc->file_restore_status = VSS_RS_ALL;

        assert_int_equal(vss_bcd_validate(b, NULL), 0);
        vss_bcd_free(b);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_wmd_rules),
                        cmocka_unit_test(test_bcd_rules),
                        cmocka_unit_test(test_in_memory_rules),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
