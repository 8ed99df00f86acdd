/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Writer Metadata Documents: the builder and its refusals, every getter, the canonical JSON of a
 * rich document and byte-identical save → load → save. */

/* cmocka.h needs the standard headers before it. */
/* clang-format off */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vss/vss-metadata.h>
#include <vss/vss.h>
/* clang-format on */

#include "metadata-examples.h"

static void assert_guid(const vss_guid *g, const char *expected) {
        char buf[VSS_GUID_STRING_MAX];
        assert_non_null(g);
        assert_string_equal(vss_guid_to_string(g, buf), expected);
}

static void
assert_filedesc(const vss_wm_filedesc *f,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate,
                uint32_t mask) {
        assert_non_null(f);
        assert_string_equal(vss_wm_filedesc_get_path(f), path);
        assert_string_equal(vss_wm_filedesc_get_filespec(f), filespec);
        assert_int_equal(vss_wm_filedesc_get_recursive(f), recursive);
        if (alternate)
                assert_string_equal(vss_wm_filedesc_get_alternate_location(f), alternate);
        else
                assert_null(vss_wm_filedesc_get_alternate_location(f));
        assert_int_equal(vss_wm_filedesc_get_backup_type_mask(f), mask);
}

/* Every field of example_wmd(), through the getters. Used on the built and the loaded document. */
static void check_example_wmd(const vss_wmd *w) {
        const vss_wm_component *c;
        size_t icon_size = 0;

        assert_guid(vss_wmd_get_writer_class_id(w), EXAMPLE_WRITER_CLASS);
        assert_guid(vss_wmd_get_writer_instance_id(w), EXAMPLE_WRITER_INST);
        assert_string_equal(vss_wmd_get_instance_name(w), "ventes-\xC3\xA9t\xC3\xA9");
        assert_string_equal(vss_wmd_get_writer_name(w), "Example Database Writer");
        assert_int_equal(vss_wmd_get_version_major(w), 3);
        assert_int_equal(vss_wmd_get_version_minor(w), 14);
        assert_int_equal(vss_wmd_get_usage_type(w), VSS_UT_USERDATA);
        assert_int_equal(vss_wmd_get_source_type(w), VSS_ST_TRANSACTEDDB);
        assert_int_equal(vss_wmd_get_application_level(w), VSS_APP_BACK_END);
        assert_int_equal(vss_wmd_get_freeze_timeout(w), 30000);
        assert_int_equal(vss_wmd_get_restore_method(w), VSS_RME_STOP_RESTORE_START);
        assert_string_equal(vss_wmd_get_restore_service(w), "exampledb.service");
        assert_string_equal(
                        vss_wmd_get_restore_user_procedure(w),
                        "Run 'exampledb-check --all' after the restore.");
        assert_int_equal(vss_wmd_get_writer_restore(w), VSS_WRE_ALWAYS);
        assert_true(vss_wmd_get_reboot_required(w));
        assert_int_equal(vss_wmd_get_backup_schema(w), 0x737B);

        assert_int_equal(vss_wmd_get_alternate_location_mapping_count(w), 1);
        assert_filedesc(vss_wmd_get_alternate_location_mapping(w, 0), "/srv/exports/sales", "*.csv",
                        true, "/srv/restore/exports", 0);
        assert_null(vss_wmd_get_alternate_location_mapping(w, 1));
        assert_int_equal(vss_wmd_get_exclude_file_count(w), 1);
        assert_filedesc(vss_wmd_get_exclude_file(w, 0), "/srv/db/sales", "*.tmp", true, NULL, 0);
        assert_int_equal(vss_wmd_get_exclude_from_snapshot_count(w), 1);
        assert_filedesc(vss_wmd_get_exclude_from_snapshot_file(w, 0), "/srv/db/sales", "*.lock",
                        false, NULL, 0);
        assert_int_equal(vss_wmd_get_include_file_count(w), 1);
        assert_filedesc(vss_wmd_get_include_file(w, 0), "/srv/db/shared", "*.dat", false,
                        "/mnt/alternate/shared", 0);

        assert_int_equal(vss_wmd_get_component_count(w), 4);
        assert_null(vss_wmd_get_component(w, 4));

        c = vss_wmd_get_component(w, 0);
        assert_ptr_equal(c, vss_wmd_find_component(w, NULL, "Config"));
        assert_ptr_equal(c, vss_wmd_find_component(w, "", "Config"));
        assert_int_equal(vss_wm_component_get_type(c), VSS_CT_FILEGROUP);
        assert_string_equal(vss_wm_component_get_logical_path(c), "");
        assert_string_equal(vss_wm_component_get_name(c), "Config");
        assert_string_equal(
                        vss_wm_component_get_caption(c), "Configuration \xE2\x80\x9C"
                                                         "example\xE2\x80\x9D");
        assert_memory_equal(
                        vss_wm_component_get_icon(c, &icon_size), example_icon,
                        sizeof example_icon);
        assert_int_equal(icon_size, sizeof example_icon);
        assert_false(vss_wm_component_get_restore_metadata(c));
        assert_false(vss_wm_component_get_notify_on_backup_complete(c));
        assert_false(vss_wm_component_get_selectable(c));
        assert_false(vss_wm_component_get_selectable_for_restore(c));
        assert_int_equal(vss_wm_component_get_flags(c), VSS_CF_NOT_SYSTEM_STATE);
        assert_int_equal(vss_wm_component_get_file_count(c), 2);
        assert_filedesc(vss_wm_component_get_file(c, 0), "/etc/exampledb", "*.conf", true, NULL,
                        VSS_FSBT_DEFAULT);
        assert_filedesc(vss_wm_component_get_file(c, 1), "/var/lib/exampledb/keys", "key?.pem",
                        false, "/var/lib/exampledb/staging/keys",
                        VSS_FSBT_FULL_BACKUP_REQUIRED | VSS_FSBT_FULL_SNAPSHOT_REQUIRED);
        assert_null(vss_wm_component_get_file(c, 2));
        assert_int_equal(vss_wm_component_get_database_file_count(c), 0);
        assert_int_equal(vss_wm_component_get_database_log_file_count(c), 0);
        assert_int_equal(vss_wm_component_get_dependency_count(c), 0);

        c = vss_wmd_get_component(w, 1);
        assert_ptr_equal(c, vss_wmd_find_component(w, "", "Sales"));
        assert_int_equal(vss_wm_component_get_type(c), VSS_CT_DATABASE);
        assert_string_equal(vss_wm_component_get_caption(c), "Sales database");
        assert_null(vss_wm_component_get_icon(c, &icon_size));
        assert_int_equal(icon_size, 0);
        assert_true(vss_wm_component_get_restore_metadata(c));
        assert_true(vss_wm_component_get_notify_on_backup_complete(c));
        assert_true(vss_wm_component_get_selectable(c));
        assert_false(vss_wm_component_get_selectable_for_restore(c));
        assert_int_equal(
                        vss_wm_component_get_flags(c),
                        VSS_CF_BACKUP_RECOVERY | VSS_CF_APP_ROLLBACK_RECOVERY);
        assert_int_equal(vss_wm_component_get_file_count(c), 0);
        assert_int_equal(vss_wm_component_get_database_file_count(c), 1);
        assert_filedesc(vss_wm_component_get_database_file(c, 0), "/srv/db/sales", "*.db", false,
                        NULL, VSS_FSBT_DEFAULT);
        assert_int_equal(vss_wm_component_get_database_log_file_count(c), 1);
        assert_filedesc(vss_wm_component_get_database_log_file(c, 0), "/srv/db/sales/wal", "*.wal",
                        false, NULL,
                        VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_LOG_SNAPSHOT_REQUIRED |
                                        VSS_FSBT_CREATED_DURING_BACKUP);

        c = vss_wmd_get_component(w, 2);
        assert_ptr_equal(c, vss_wmd_find_component(w, "Sales", "Archive"));
        assert_string_equal(vss_wm_component_get_logical_path(c), "Sales");
        assert_true(vss_wm_component_get_selectable_for_restore(c));
        assert_false(vss_wm_component_get_selectable(c));
        assert_int_equal(vss_wm_component_get_flags(c), 0);

        c = vss_wmd_get_component(w, 3);
        assert_ptr_equal(c, vss_wmd_find_component(w, "Sales", "Exports"));
        assert_null(vss_wm_component_get_caption(c));
        assert_filedesc(vss_wm_component_get_file(c, 0), "/srv/exports/sales", "*.csv", true, NULL,
                        0);
        assert_int_equal(vss_wm_component_get_dependency_count(c), 2);
        const vss_wm_dependency *d = vss_wm_component_get_dependency(c, 0);
        assert_guid(vss_wm_dependency_get_writer_class_id(d), EXAMPLE_REPORTS_CLASS);
        assert_string_equal(vss_wm_dependency_get_logical_path(d), "Reports");
        assert_string_equal(vss_wm_dependency_get_component_name(d), "Daily");
        d = vss_wm_component_get_dependency(c, 1);
        assert_string_equal(vss_wm_dependency_get_logical_path(d), "\\\\reportsrv\\Reports");
        assert_string_equal(vss_wm_dependency_get_component_name(d), "Weekly");
        assert_null(vss_wm_component_get_dependency(c, 2));

        assert_null(vss_wmd_find_component(w, "", "Exports"));
        assert_null(vss_wmd_find_component(w, "sales", "Exports")); /* byte-wise comparison */
        assert_null(vss_wmd_find_component(w, "", NULL));
}

static void test_builder_and_getters(void **state) {
        char *err = (char *) "untouched";
        (void) state;

        vss_wmd *w = example_wmd();
        check_example_wmd(w);
        assert_int_equal(vss_wmd_validate(w, &err), 0);
        assert_null(err);
        vss_wmd_free(w);
}

static void test_canonical_json(void **state) {
        size_t expected_size = 0, size = 0;
        char *json = NULL, *again = NULL, *err = NULL;
        vss_wmd *loaded = NULL;
        (void) state;

        char *expected = example_read_file(EXAMPLE_WMD_PATH, &expected_size);
        vss_wmd *w = example_wmd();

        /* The builder's document serializes to exactly the committed example... */
        assert_int_equal(vss_wmd_to_json(w, &json, &size, &err), 0);
        assert_null(err);
        assert_int_equal(size, strlen(json));
        assert_int_equal(size, expected_size);
        assert_string_equal(json, expected);

        /* ...which loads to the same document and saves to the same bytes. */
        assert_int_equal(vss_wmd_from_json(expected, expected_size, &loaded, &err), 0);
        assert_null(err);
        check_example_wmd(loaded);
        assert_int_equal(vss_wmd_to_json(loaded, &again, NULL, NULL), 0);
        assert_string_equal(again, expected);

        free(again);
        free(json);
        free(expected);
        vss_wmd_free(loaded);
        vss_wmd_free(w);
}

static void test_defaults(void **state) {
        vss_wmd *w = NULL;
        char *err = NULL, *json = NULL;
        (void) state;

        assert_int_equal(vss_wmd_new(NULL), -EINVAL);
        assert_int_equal(vss_wmd_new(&w), 0);
        assert_true(vss_guid_is_null(vss_wmd_get_writer_class_id(w)));
        assert_true(vss_guid_is_null(vss_wmd_get_writer_instance_id(w)));
        assert_null(vss_wmd_get_writer_name(w));
        assert_null(vss_wmd_get_instance_name(w));
        assert_int_equal(vss_wmd_get_application_level(w), VSS_APP_FRONT_END);
        assert_int_equal(vss_wmd_get_freeze_timeout(w), VSS_FREEZE_TIMEOUT_DEFAULT);
        assert_int_equal(vss_wmd_get_freeze_timeout(w), 60000);
        assert_int_equal(vss_wmd_get_usage_type(w), VSS_UT_UNDEFINED);
        assert_int_equal(vss_wmd_get_restore_method(w), VSS_RME_UNDEFINED);
        assert_int_equal(vss_wmd_get_writer_restore(w), VSS_WRE_UNDEFINED);
        assert_int_equal(vss_wmd_get_backup_schema(w), VSS_BS_UNDEFINED);
        assert_int_equal(vss_wmd_get_component_count(w), 0);

        /* An empty document is not valid, and is not saved. */
        assert_int_equal(vss_wmd_validate(w, &err), -VSS_E_INVALID_XML_DOCUMENT);
        assert_string_equal(err, "identity.writer_class_id: must not be the null GUID");
        free(err);
        assert_int_equal(vss_wmd_to_json(w, &json, NULL, &err), -VSS_E_INVALID_XML_DOCUMENT);
        assert_null(json);
        assert_string_equal(err, "identity.writer_class_id: must not be the null GUID");
        free(err);
        assert_int_equal(vss_wmd_validate(NULL, &err), -EINVAL);
        assert_null(err);

        /* Getters on NULL give the zero values. */
        assert_null(vss_wmd_get_writer_class_id(NULL));
        assert_null(vss_wmd_get_writer_name(NULL));
        assert_int_equal(vss_wmd_get_component_count(NULL), 0);
        assert_null(vss_wmd_get_component(NULL, 0));
        assert_int_equal(vss_wm_component_get_type(NULL), VSS_CT_UNDEFINED);
        assert_null(vss_wm_component_get_name(NULL));
        assert_false(vss_wm_component_get_selectable(NULL));
        assert_null(vss_wm_filedesc_get_path(NULL));
        assert_null(vss_wm_dependency_get_writer_class_id(NULL));
        assert_int_equal(vss_wm_dependency_get_remote(NULL, NULL, NULL, NULL), -EINVAL);
        assert_null(vss_wmd_free(NULL));
        assert_null(vss_wmd_free(w));
}

static char *long_string(size_t n) {
        char *s = malloc(n + 1);
        assert_non_null(s);
        memset(s, 'x', n);
        s[n] = 0;
        return s;
}

static void test_identity_refusals(void **state) {
        vss_guid null_guid = {{0}}, g = example_guid(EXAMPLE_WRITER_CLASS);
        char *s4096 = long_string(4096), *s4097 = long_string(4097);
        vss_wmd *w = NULL;
        (void) state;

        assert_int_equal(vss_wmd_new(&w), 0);
        assert_int_equal(vss_wmd_set_writer_class_id(NULL, &g), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_class_id(w, NULL), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_class_id(w, &null_guid), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_instance_id(w, &null_guid), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_name(w, NULL), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_name(w, ""), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_name(w, "bad \xFF utf-8"), -EINVAL);
        assert_int_equal(vss_wmd_set_writer_name(w, "\xC0\xAF"), -EINVAL); /* overlong */
        assert_int_equal(vss_wmd_set_writer_name(w, s4097), -EINVAL);
        assert_null(vss_wmd_get_writer_name(w));
        assert_int_equal(vss_wmd_set_writer_name(w, s4096), 0);
        assert_int_equal(vss_wmd_set_instance_name(w, s4097), -EINVAL);
        assert_int_equal(vss_wmd_set_instance_name(w, "one"), 0);
        assert_int_equal(vss_wmd_set_instance_name(w, ""), 0); /* "" removes it */
        assert_null(vss_wmd_get_instance_name(w));
        assert_int_equal(vss_wmd_set_usage_type(w, VSS_UT_UNDEFINED), -EINVAL);
        assert_int_equal(vss_wmd_set_usage_type(w, (VSS_USAGE_TYPE) 5), -EINVAL);
        assert_int_equal(vss_wmd_set_source_type(w, (VSS_SOURCE_TYPE) 4), -EINVAL);
        assert_int_equal(vss_wmd_set_source_type(w, VSS_ST_UNDEFINED), 0);
        assert_int_equal(vss_wmd_set_application_level(w, VSS_APP_UNKNOWN), -EINVAL);
        assert_int_equal(vss_wmd_set_application_level(w, (VSS_APPLICATION_LEVEL) 5), -EINVAL);
        assert_int_equal(vss_wmd_set_application_level(w, VSS_APP_AUTO), 0);
        assert_int_equal(vss_wmd_get_application_level(w), VSS_APP_AUTO);
        assert_int_equal(vss_wmd_set_freeze_timeout(w, 0), -EINVAL);
        assert_int_equal(vss_wmd_get_freeze_timeout(w), 60000);
        assert_int_equal(vss_wmd_set_version(NULL, 1, 2), -EINVAL);

        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_UNDEFINED, NULL, NULL, VSS_WRE_NEVER, false),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, (VSS_RESTOREMETHOD_ENUM) 9, NULL, NULL, VSS_WRE_NEVER,
                                        false),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_CUSTOM, NULL, NULL, VSS_WRE_UNDEFINED, false),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_STOP_RESTORE_START, NULL, NULL, VSS_WRE_NEVER,
                                        false),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_RESTORE_STOP_START, "", NULL, VSS_WRE_NEVER,
                                        false),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_CUSTOM, s4097, NULL, VSS_WRE_NEVER, false),
                        -EINVAL);
        assert_int_equal(vss_wmd_get_restore_method(w), VSS_RME_UNDEFINED);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_RESTORE_STOP_START, "db.service", "",
                                        VSS_WRE_ALWAYS, true),
                        0);
        assert_null(vss_wmd_get_restore_user_procedure(w));
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        w, VSS_RME_CUSTOM, NULL, "call us", VSS_WRE_NEVER, false),
                        0);
        assert_null(vss_wmd_get_restore_service(w));
        assert_string_equal(vss_wmd_get_restore_user_procedure(w), "call us");

        assert_int_equal(vss_wmd_set_backup_schema(w, 0x800), -EINVAL);
        assert_int_equal(vss_wmd_set_backup_schema(w, 0x10000), -EINVAL);
        assert_int_equal(
                        vss_wmd_set_backup_schema(w, VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL),
                        -EINVAL);
        assert_int_equal(vss_wmd_set_backup_schema(w, VSS_BS_TIMESTAMPED), -EINVAL);
        assert_int_equal(vss_wmd_set_backup_schema(w, VSS_BS_LAST_MODIFY | VSS_BS_COPY), -EINVAL);
        assert_int_equal(vss_wmd_get_backup_schema(w), 0);
        assert_int_equal(vss_wmd_set_backup_schema(w, VSS_BS_LAST_MODIFY | VSS_BS_DIFFERENTIAL), 0);
        assert_int_equal(
                        vss_wmd_set_backup_schema(
                                        w, VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL |
                                                           VSS_BS_INCREMENTAL),
                        0);
        assert_int_equal(
                        vss_wmd_set_backup_schema(w, VSS_BS_LOG),
                        0); /* the log file set is checked later */

        free(s4096);
        free(s4097);
        vss_wmd_free(w);
}

static void test_component_refusals(void **state) {
        vss_guid g = example_guid(EXAMPLE_REPORTS_CLASS), null_guid = {{0}};
        unsigned char *big = calloc(1, VSS_METADATA_ICON_MAX + 1);
        vss_wmd *w = NULL;
        (void) state;

        assert_non_null(big);
        assert_int_equal(vss_wmd_new(&w), 0);
#define ADD(type, lp, name, icon, size, flags)                                                    \
        vss_wmd_add_component(                                                                    \
                        w, (type), (lp), (name), NULL, (icon), (size), false, false, true, false, \
                        (flags))
        assert_int_equal(ADD(VSS_CT_UNDEFINED, "", "A", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD((VSS_COMPONENT_TYPE) 3, "", "A", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "\\A", "B", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "A\\", "B", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "A\\\\B", "C", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "", "", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "", NULL, NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "", "A\\B", NULL, 0, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "", "A", NULL, 1, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "", "A", big, 0, 0), -EINVAL);
        assert_int_equal(
                        ADD(VSS_CT_FILEGROUP, "", "A", big, VSS_METADATA_ICON_MAX + 1, 0), -EINVAL);
        assert_int_equal(ADD(VSS_CT_FILEGROUP, "", "A", NULL, 0, 0x8), -EINVAL);
        assert_int_equal(
                        vss_wmd_add_component(
                                        w, VSS_CT_FILEGROUP, "", "A", "\xFF", NULL, 0, false, false,
                                        true, false, 0),
                        -EINVAL);
        assert_int_equal(vss_wmd_get_component_count(w), 0);

        assert_int_equal(ADD(VSS_CT_FILEGROUP, NULL, "Files", big, VSS_METADATA_ICON_MAX, 0), 0);
        assert_int_equal(
                        ADD(VSS_CT_FILEGROUP, "", "Files", NULL, 0, 0),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_int_equal(ADD(VSS_CT_DATABASE, "Files", "Db", NULL, 0, 0), 0);
        assert_int_equal(
                        ADD(VSS_CT_DATABASE, "Files\\Db", "Db", NULL, 0, 0),
                        0); /* same name, other path */
        assert_int_equal(vss_wmd_get_component_count(w), 3);
#undef ADD

        /* File sets: component lookup, kinds, paths, file specifications, masks. */
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(w, "", "Nope", "/a", "*", false, NULL, 0),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "Files", "Db", "/a", "*", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(vss_wmd_add_database_files(w, "", "Files", "/a", "*", 0), -EINVAL);
        assert_int_equal(vss_wmd_add_database_log_files(w, "", "Files", "/a", "*", 0), -EINVAL);
        assert_int_equal(
                        vss_wmd_add_database_files(w, "", "Nope", "/a", "*", 0),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(w, "", "Files", "", "*", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(w, "", "Files", NULL, "*", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "", "Files", "/a/*", "*", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "", "Files", "/a", "b/c", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "", "Files", "/a", "b\\c", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(w, "", "Files", "/a", "", false, NULL, 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "", "Files", "/a", "*", false, "/alt?", 0),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "", "Files", "/a", "*", false, NULL, 0x20000),
                        -EINVAL);
        assert_int_equal(vss_wmd_add_database_files(w, "Files", "Db", "/a", "*", 0x1000), -EINVAL);
        assert_int_equal(
                        vss_wm_component_get_file_count(vss_wmd_find_component(w, "", "Files")), 0);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(
                                        w, "", "Files", "/a", "*", false, "", VSS_FSBT_DEFAULT),
                        0);
        assert_null(vss_wm_filedesc_get_alternate_location(
                        vss_wm_component_get_file(vss_wmd_find_component(w, "", "Files"), 0)));

        /* Writer-wide lists. */
        assert_int_equal(
                        vss_wmd_add_alternate_location_mapping(w, "/a", "*", false, NULL), -EINVAL);
        assert_int_equal(vss_wmd_add_alternate_location_mapping(w, "/a", "*", false, ""), -EINVAL);
        assert_int_equal(
                        vss_wmd_add_alternate_location_mapping(w, "/a", "x/y", false, "/b"),
                        -EINVAL);
        assert_int_equal(vss_wmd_add_exclude_files(w, "/a", "", true), -EINVAL);
        assert_int_equal(vss_wmd_add_exclude_files(NULL, "/a", "*", true), -EINVAL);
        assert_int_equal(vss_wmd_add_exclude_files_from_snapshot(w, "", "*", true), -EINVAL);
        assert_int_equal(vss_wmd_add_include_files(w, "/a", "*", true, "/b*"), -EINVAL);
        assert_int_equal(vss_wmd_get_alternate_location_mapping_count(w), 0);
        assert_int_equal(vss_wmd_get_exclude_file_count(w), 0);
        assert_int_equal(vss_wmd_get_exclude_from_snapshot_count(w), 0);
        assert_int_equal(vss_wmd_get_include_file_count(w), 0);

        /* Dependencies. */
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Nope", &g, "", "X"),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &null_guid, "", "X"),
                        -EINVAL);
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "Files", NULL, "", "X"), -EINVAL);
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "Files", &g, "", ""), -EINVAL);
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "Files", &g, "A\\", "X"), -EINVAL);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, "\\\\", "X"), -EINVAL);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, "\\\\\\A", "X"),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, "A", "\\\\srv\\X"),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, "", "\\\\srv"),
                        -EINVAL);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, "", "\\\\srv\\"),
                        -EINVAL);
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "Files", &g, "A", "X"), 0);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, NULL, "Files", &g, "A", "X"),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, "\\\\srv\\A", "X"), 0);
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "Files", &g, "\\\\srv", "X"), 0);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Files", &g, NULL, "\\\\srv\\A\\X"),
                        0);
        assert_int_equal(
                        vss_wm_component_get_dependency_count(
                                        vss_wmd_find_component(w, "", "Files")),
                        4);

        free(big);
        vss_wmd_free(w);
}

static void test_limits(void **state) {
        vss_guid g = example_guid(EXAMPLE_REPORTS_CLASS);
        char name[32];
        vss_wmd *w = NULL;
        (void) state;

        assert_int_equal(vss_wmd_new(&w), 0);
        for (unsigned i = 0; i < VSS_METADATA_COMPONENTS_MAX; i++) {
                (void) snprintf(name, sizeof name, "c%u", i);
                assert_int_equal(
                                vss_wmd_add_component(
                                                w, VSS_CT_FILEGROUP, "", name, NULL, NULL, 0, false,
                                                false, true, false, 0),
                                0);
        }
        assert_int_equal(
                        vss_wmd_add_component(
                                        w, VSS_CT_FILEGROUP, "", "one-more", NULL, NULL, 0, false,
                                        false, true, false, 0),
                        -E2BIG);
        assert_int_equal(vss_wmd_get_component_count(w), VSS_METADATA_COMPONENTS_MAX);

        for (unsigned i = 0; i < VSS_METADATA_FILE_SETS_MAX; i++)
                assert_int_equal(
                                vss_wmd_add_files_to_file_group(
                                                w, "", "c0", "/a", "*", false, NULL, 0),
                                0);
        assert_int_equal(
                        vss_wmd_add_files_to_file_group(w, "", "c0", "/a", "*", false, NULL, 0),
                        -E2BIG);

        for (unsigned i = 0; i < VSS_METADATA_DEPENDENCIES_MAX; i++) {
                (void) snprintf(name, sizeof name, "d%u", i);
                assert_int_equal(vss_wmd_add_component_dependency(w, "", "c0", &g, "", name), 0);
        }
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "c0", &g, "", "last"), -E2BIG);

        for (unsigned i = 0; i < VSS_METADATA_WRITER_FILES_MAX; i++)
                assert_int_equal(vss_wmd_add_exclude_files(w, "/a", "*", false), 0);
        assert_int_equal(vss_wmd_add_exclude_files(w, "/a", "*", false), -E2BIG);
        vss_wmd_free(w);
}

static void test_remote_dependency(void **state) {
        vss_guid g = example_guid(EXAMPLE_REPORTS_CLASS);
        char *machine = NULL, *lp = NULL, *name = NULL;
        vss_wmd *w = NULL;
        (void) state;

        assert_int_equal(vss_wmd_new(&w), 0);
        assert_int_equal(
                        vss_wmd_add_component(
                                        w, VSS_CT_FILEGROUP, "", "C", NULL, NULL, 0, false, false,
                                        true, false, 0),
                        0);
        assert_int_equal(vss_wmd_add_component_dependency(w, "", "C", &g, "Db", "Data"), 0);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "C", &g, "\\\\srv\\Db", "Data"), 0);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "C", &g, "", "\\\\srv\\Db\\Data"),
                        0);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "C", &g, "\\\\10.0.0.7", "Top"), 0);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "C", &g, "", "\\\\10.0.0.7\\Top"),
                        0);
        const vss_wm_component *c = vss_wmd_get_component(w, 0);

        assert_int_equal(
                        vss_wm_dependency_get_remote(
                                        vss_wm_component_get_dependency(c, 0), &machine, &lp,
                                        &name),
                        0);
        assert_null(machine);
        assert_null(lp);
        assert_null(name);

        for (size_t i = 1; i <= 2; i++) {
                assert_int_equal(
                                vss_wm_dependency_get_remote(
                                                vss_wm_component_get_dependency(c, i), &machine,
                                                &lp, &name),
                                1);
                assert_string_equal(machine, "srv");
                assert_string_equal(lp, "Db");
                assert_string_equal(name, "Data");
                free(machine);
                free(lp);
                free(name);
        }
        for (size_t i = 3; i <= 4; i++) {
                assert_int_equal(
                                vss_wm_dependency_get_remote(
                                                vss_wm_component_get_dependency(c, i), &machine,
                                                &lp, &name),
                                1);
                assert_string_equal(machine, "10.0.0.7");
                assert_string_equal(lp, "");
                assert_string_equal(name, "Top");
                free(machine);
                free(lp);
                free(name);
        }
        /* Out parameters are optional. */
        assert_int_equal(
                        vss_wm_dependency_get_remote(
                                        vss_wm_component_get_dependency(c, 1), NULL, NULL, NULL),
                        1);
        assert_int_equal(
                        vss_wm_dependency_get_remote(
                                        vss_wm_component_get_dependency(c, 2), &machine, NULL,
                                        NULL),
                        1);
        assert_string_equal(machine, "srv");
        free(machine);
        vss_wmd_free(w);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_builder_and_getters),
                        cmocka_unit_test(test_canonical_json),
                        cmocka_unit_test(test_defaults),
                        cmocka_unit_test(test_identity_refusals),
                        cmocka_unit_test(test_component_refusals),
                        cmocka_unit_test(test_limits),
                        cmocka_unit_test(test_remote_dependency),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
