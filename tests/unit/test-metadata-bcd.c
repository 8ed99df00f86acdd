/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Backup Components Documents: global state, writers, every per-component item of VSS-REFERENCE
 * §1.6 through setters and getters, the setters' refusals, the canonical JSON of a rich document
 * and byte-identical save → load → save. */

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

/* Every field of example_bcd(). */
static void check_example_bcd(const vss_bcd *b) {
        const char *s1, *s2, *s3, *s4, *s5, *s6;
        const vss_wm_filedesc *f;
        uint32_t hr = 0, app = 0;
        int64_t t = -1;
        bool flag;

        assert_true(vss_bcd_get_select_components(b));
        assert_false(vss_bcd_get_bootable_system_state(b));
        assert_int_equal(vss_bcd_get_backup_type(b), VSS_BT_INCREMENTAL);
        assert_true(vss_bcd_get_partial_file_support(b));
        assert_int_equal(vss_bcd_get_restore_type(b), VSS_RTYPE_BY_COPY);
        assert_int_equal(
                        vss_bcd_get_snapshot_context(b),
                        VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE);

        assert_int_equal(vss_bcd_get_writer_count(b), 2);
        vss_bcd_writer *w = vss_bcd_get_writer(b, 0);
        assert_guid(vss_bcd_writer_get_instance_id(w), EXAMPLE_WRITER_INST);
        assert_guid(vss_bcd_writer_get_class_id(w), EXAMPLE_WRITER_CLASS);
        assert_string_equal(vss_bcd_writer_get_instance_name(w), "ventes-\xC3\xA9t\xC3\xA9");
        vss_guid inst = example_guid(EXAMPLE_WRITER_INST), cls = example_guid(EXAMPLE_WRITER_CLASS);
        assert_ptr_equal(vss_bcd_find_writer(b, &inst, &cls), w);
        assert_null(vss_bcd_find_writer(b, &cls, &inst));
        assert_int_equal(vss_bcd_writer_get_component_count(w), 2);

        vss_bcd_component *c = vss_bcd_writer_get_component(w, 0);
        assert_ptr_equal(c, vss_bcd_writer_find_component(w, NULL, "Sales"));
        assert_int_equal(vss_bcd_component_get_type(c), VSS_CT_DATABASE);
        assert_string_equal(vss_bcd_component_get_logical_path(c), "");
        assert_string_equal(vss_bcd_component_get_name(c), "Sales");
        assert_true(vss_bcd_component_get_backup_succeeded(c));
        assert_string_equal(vss_bcd_component_get_backup_options(c), "compress=zstd");
        assert_string_equal(
                        vss_bcd_component_get_restore_options(c),
                        "\"Roll "
                        "Forward\"=\"Partial:2024-01-01T00:00Z\",\"Archive\":\"Authoritative\"="
                        "\"All\"");
        assert_string_equal(vss_bcd_component_get_backup_metadata(c), "checkpoint=41\nsegments=7");
        assert_string_equal(vss_bcd_component_get_restore_metadata(c), "verify-after-restore");
        assert_string_equal(vss_bcd_component_get_backup_stamp(c), "lsn:0/16B3740");
        assert_string_equal(vss_bcd_component_get_previous_backup_stamp(c), "lsn:0/1600000");

        assert_int_equal(vss_bcd_component_get_partial_file_count(c), 2);
        assert_int_equal(vss_bcd_component_get_partial_file(c, 0, &s1, &s2, &s3, &s4), 0);
        assert_string_equal(s1, "/srv/db/sales");
        assert_string_equal(s2, "sales.db");
        assert_string_equal(s3, "0:4096,0x100000:65536");
        assert_string_equal(s4, "crc32c=1a2b3c4d");
        assert_int_equal(vss_bcd_component_get_partial_file(c, 1, NULL, &s2, &s3, &s4), 0);
        assert_string_equal(s2, "index.db");
        assert_string_equal(s3, "/var/lib/exampledb/ranges/index.ranges");
        assert_true(vss_ranges_is_file_reference(s3));
        assert_null(s4);
        assert_int_equal(vss_bcd_component_get_partial_file(c, 2, &s1, &s2, &s3, &s4), -EINVAL);

        assert_int_equal(vss_bcd_component_get_differenced_files_count(c), 2);
        assert_int_equal(vss_bcd_component_get_differenced_file(c, 0, &s1, &s2, &flag, &s3, &t), 0);
        assert_string_equal(s1, "/srv/db/sales/wal");
        assert_string_equal(s2, "*.wal");
        assert_false(flag);
        assert_null(s3);
        assert_int_equal(t, 1700000000123456789LL);
        assert_int_equal(vss_bcd_component_get_differenced_file(c, 1, &s1, &s2, &flag, &s3, &t), 0);
        assert_string_equal(s2, "*.idx");
        assert_true(flag);
        assert_string_equal(s3, "0/16B3740");
        assert_int_equal(t, 0);
        assert_int_equal(
                        vss_bcd_component_get_differenced_file(c, 2, NULL, NULL, NULL, NULL, NULL),
                        -EINVAL);

        assert_true(vss_bcd_component_get_selected_for_restore(c));
        assert_guid(vss_bcd_component_get_restore_instance_id(c), EXAMPLE_WRITER_INST2);
        assert_int_equal(vss_bcd_component_get_restore_subcomponent_count(c), 1);
        assert_int_equal(vss_bcd_component_get_restore_subcomponent(c, 0, &s1, &s2, &flag), 0);
        assert_string_equal(s1, "Sales");
        assert_string_equal(s2, "Archive");
        assert_false(flag);
        assert_true(vss_bcd_component_get_additional_restores(c));
        assert_int_equal(vss_bcd_component_get_restore_target(c), VSS_RT_DIRECTED);

        assert_int_equal(vss_bcd_component_get_directed_target_count(c), 1);
        assert_int_equal(
                        vss_bcd_component_get_directed_target(c, 0, &s1, &s2, &s3, &s4, &s5, &s6),
                        0);
        assert_string_equal(s1, "/srv/db/sales");
        assert_string_equal(s2, "sales.db");
        assert_string_equal(s3, "0:4096,0x100000:65536");
        assert_string_equal(s4, "/srv/db/sales-restored");
        assert_string_equal(s5, "sales.db");
        assert_string_equal(s6, "0:69632");

        assert_int_equal(vss_bcd_component_get_new_target_count(c), 1);
        f = vss_bcd_component_get_new_target(c, 0);
        assert_string_equal(vss_wm_filedesc_get_path(f), "/srv/db/sales/archive");
        assert_string_equal(vss_wm_filedesc_get_filespec(f), "*.db");
        assert_false(vss_wm_filedesc_get_recursive(f));
        assert_string_equal(vss_wm_filedesc_get_alternate_location(f), "/srv/restore/archive");
        assert_null(vss_bcd_component_get_new_target(c, 1));
        assert_int_equal(vss_bcd_component_get_alternate_location_mapping_count(c), 1);
        f = vss_bcd_component_get_alternate_location_mapping(c, 0);
        assert_string_equal(vss_wm_filedesc_get_path(f), "/srv/exports/sales");
        assert_true(vss_wm_filedesc_get_recursive(f));
        assert_string_equal(vss_wm_filedesc_get_alternate_location(f), "/srv/restore/exports");

        assert_int_equal(vss_bcd_component_get_file_restore_status(c), VSS_RS_ALL);
        assert_string_equal(
                        vss_bcd_component_get_prepare_for_backup_failure_message(c),
                        "prepare: nothing to report");
        assert_string_equal(
                        vss_bcd_component_get_post_snapshot_failure_message(c),
                        "post-snapshot: 2 temporary files left");
        assert_string_equal(
                        vss_bcd_component_get_pre_restore_failure_message(c),
                        "pre-restore: service stopped late");
        assert_string_equal(
                        vss_bcd_component_get_post_restore_failure_message(c),
                        "post-restore: log replay pending");
        assert_int_equal(vss_bcd_component_get_failure(c, &hr, &app, &s1), 0);
        assert_int_equal(hr, 0x800423F3U);
        assert_int_equal(app, 0x80004005U);
        assert_string_equal(s1, "database busy");
        assert_int_equal(vss_bcd_component_get_roll_forward_type(c), VSS_RF_PARTIAL);
        assert_string_equal(vss_bcd_component_get_roll_forward_point(c), "2024-01-01T00:00:00Z");
        assert_string_equal(vss_bcd_component_get_restore_name(c), "Sales (restored)");
        assert_true(vss_bcd_component_get_authoritative_restore(c));

        /* The required component, with every item at its default. */
        c = vss_bcd_writer_get_component(w, 1);
        assert_string_equal(vss_bcd_component_get_name(c), "Config");
        assert_int_equal(vss_bcd_component_get_type(c), VSS_CT_FILEGROUP);
        assert_false(vss_bcd_component_get_backup_succeeded(c));
        assert_null(vss_bcd_component_get_backup_options(c));
        assert_null(vss_bcd_component_get_backup_stamp(c));
        assert_int_equal(vss_bcd_component_get_partial_file_count(c), 0);
        assert_false(vss_bcd_component_get_selected_for_restore(c));
        assert_true(vss_guid_is_null(vss_bcd_component_get_restore_instance_id(c)));
        assert_int_equal(vss_bcd_component_get_restore_target(c), VSS_RT_ORIGINAL);
        assert_int_equal(vss_bcd_component_get_file_restore_status(c), VSS_RS_UNDEFINED);
        assert_int_equal(vss_bcd_component_get_roll_forward_type(c), VSS_RF_UNDEFINED);
        assert_null(vss_bcd_component_get_roll_forward_point(c));
        assert_int_equal(vss_bcd_component_get_failure(c, &hr, &app, &s1), 0);
        assert_int_equal(hr, 0);
        assert_int_equal(app, 0);
        assert_null(s1);
        assert_false(vss_bcd_component_get_authoritative_restore(c));

        w = vss_bcd_get_writer(b, 1);
        assert_guid(vss_bcd_writer_get_class_id(w), EXAMPLE_REPORTS_CLASS);
        assert_null(vss_bcd_writer_get_instance_name(w));
        assert_int_equal(vss_bcd_writer_get_component_count(w), 1);
        assert_string_equal(
                        vss_bcd_component_get_name(vss_bcd_writer_get_component(w, 0)), "Reports");
        assert_null(vss_bcd_get_writer(b, 2));
}

static void test_builder_and_getters(void **state) {
        char *err = NULL;
        (void) state;

        vss_bcd *b = example_bcd();
        check_example_bcd(b);
        assert_int_equal(vss_bcd_validate(b, &err), 0);
        assert_null(err);
        vss_bcd_free(b);
}

static void test_canonical_json(void **state) {
        size_t expected_size = 0, size = 0;
        char *json = NULL, *again = NULL, *err = NULL;
        vss_bcd *loaded = NULL;
        (void) state;

        char *expected = example_read_file(EXAMPLE_BCD_PATH, &expected_size);
        vss_bcd *b = example_bcd();

        assert_int_equal(vss_bcd_to_json(b, &json, &size, &err), 0);
        assert_null(err);
        assert_int_equal(size, expected_size);
        assert_string_equal(json, expected);

        assert_int_equal(vss_bcd_from_json(expected, expected_size, &loaded, &err), 0);
        assert_null(err);
        check_example_bcd(loaded);
        assert_int_equal(vss_bcd_to_json(loaded, &again, NULL, NULL), 0);
        assert_string_equal(again, expected);

        free(again);
        free(json);
        free(expected);
        vss_bcd_free(loaded);
        vss_bcd_free(b);
}

static void test_global_state(void **state) {
        vss_bcd *b = NULL;
        char *json = NULL;
        (void) state;

        assert_int_equal(vss_bcd_new(NULL), -EINVAL);
        assert_int_equal(vss_bcd_new(&b), 0);
        assert_false(vss_bcd_get_select_components(b));
        assert_int_equal(vss_bcd_get_backup_type(b), VSS_BT_FULL);
        assert_int_equal(vss_bcd_get_restore_type(b), VSS_RTYPE_UNDEFINED);
        assert_int_equal(vss_bcd_get_snapshot_context(b), VSS_CTX_BACKUP);
        assert_int_equal(vss_bcd_get_writer_count(b), 0);

        /* An empty BCD is valid and saves. */
        assert_int_equal(vss_bcd_validate(b, NULL), 0);
        assert_int_equal(vss_bcd_to_json(b, &json, NULL, NULL), 0);
        free(json);

        assert_int_equal(
                        vss_bcd_set_backup_state(b, true, true, (VSS_BACKUP_TYPE) 7, true),
                        -EINVAL);
        assert_false(vss_bcd_get_select_components(b));
        assert_int_equal(vss_bcd_set_backup_state(b, true, true, VSS_BT_LOG, true), 0);
        assert_true(vss_bcd_get_bootable_system_state(b));
        assert_int_equal(vss_bcd_set_backup_state(NULL, true, true, VSS_BT_LOG, true), -EINVAL);
        assert_int_equal(vss_bcd_set_restore_type(b, (VSS_RESTORE_TYPE) 4), -EINVAL);
        assert_int_equal(vss_bcd_set_restore_type(b, VSS_RTYPE_IMPORT), 0);
        assert_int_equal(vss_bcd_get_restore_type(b), VSS_RTYPE_IMPORT);

        assert_int_equal(vss_bcd_set_snapshot_context(b, (uint32_t) VSS_CTX_ALL), -EINVAL);
        assert_int_equal(
                        vss_bcd_set_snapshot_context(b, VSS_VOLSNAP_ATTR_PERSISTENT),
                        -EINVAL); /* no such context */
        assert_int_equal(vss_bcd_set_snapshot_context(b, VSS_CTX_BACKUP | 0x8000U), -EINVAL);
        assert_int_equal(vss_bcd_get_snapshot_context(b), VSS_CTX_BACKUP);
        assert_int_equal(vss_bcd_set_snapshot_context(b, VSS_CTX_CLIENT_ACCESSIBLE_WRITERS), 0);
        assert_int_equal(
                        vss_bcd_set_snapshot_context(
                                        b, VSS_CTX_NAS_ROLLBACK | VSS_VOLSNAP_ATTR_NO_AUTORECOVERY |
                                                           VSS_VOLSNAP_ATTR_PLEX),
                        0);
        assert_int_equal(vss_bcd_get_snapshot_context(b), 0x19U | 0x2U | 0x40000U);
        assert_int_equal(vss_bcd_to_json(b, &json, NULL, NULL), 0);
        assert_non_null(strstr(json, "\"snapshot_context\": \"VSS_CTX_NAS_ROLLBACK\""));
        assert_non_null(
                        strstr(json, "\"snapshot_attributes\": "
                                     "\"VSS_VOLSNAP_ATTR_NO_AUTORECOVERY|VSS_VOLSNAP_ATTR_PLEX\""));
        vss_bcd *c = NULL;
        assert_int_equal(vss_bcd_from_json(json, strlen(json), &c, NULL), 0);
        assert_int_equal(vss_bcd_get_snapshot_context(c), 0x19U | 0x2U | 0x40000U);
        vss_bcd_free(c);
        free(json);

        assert_null(vss_bcd_free(NULL));
        vss_bcd_free(b);
}

static char *long_string(size_t n) {
        char *s = malloc(n + 1);
        assert_non_null(s);
        memset(s, 'x', n);
        s[n] = 0;
        return s;
}

static void test_writer_and_component_refusals(void **state) {
        vss_guid a = example_guid(EXAMPLE_WRITER_INST), b = example_guid(EXAMPLE_WRITER_CLASS),
                 null_guid = {{0}};
        vss_bcd_writer *w = NULL, *w2 = NULL;
        vss_bcd_component *c = NULL;
        vss_bcd *bcd = NULL;
        (void) state;

        assert_int_equal(vss_bcd_new(&bcd), 0);
        assert_int_equal(vss_bcd_add_writer(bcd, &null_guid, &b, NULL, &w), -EINVAL);
        assert_int_equal(vss_bcd_add_writer(bcd, &a, &null_guid, NULL, &w), -EINVAL);
        assert_int_equal(vss_bcd_add_writer(bcd, &a, NULL, NULL, &w), -EINVAL);
        assert_int_equal(vss_bcd_add_writer(bcd, &a, &b, "\xFF", &w), -EINVAL);
        assert_int_equal(vss_bcd_add_writer(bcd, &a, &b, "", &w), 0);
        assert_null(vss_bcd_writer_get_instance_name(w));
        assert_int_equal(vss_bcd_add_writer(bcd, &a, &b, "x", &w2), -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_int_equal(vss_bcd_add_writer(bcd, &b, &a, "x", &w2), 0); /* other pair */
        assert_int_equal(vss_bcd_get_writer_count(bcd), 2);

        assert_int_equal(vss_bcd_writer_add_component(w, VSS_CT_UNDEFINED, "", "A", &c), -EINVAL);
        assert_int_equal(
                        vss_bcd_writer_add_component(w, VSS_CT_FILEGROUP, "A\\", "B", &c), -EINVAL);
        assert_int_equal(
                        vss_bcd_writer_add_component(w, VSS_CT_FILEGROUP, "", "B\\C", &c), -EINVAL);
        assert_int_equal(vss_bcd_writer_add_component(w, VSS_CT_FILEGROUP, "", "", &c), -EINVAL);
        assert_int_equal(
                        vss_bcd_writer_add_component(NULL, VSS_CT_FILEGROUP, "", "A", &c), -EINVAL);
        assert_int_equal(vss_bcd_writer_add_component(w, VSS_CT_FILEGROUP, "", "A", &c), 0);
        assert_int_equal(
                        vss_bcd_writer_add_component(w, VSS_CT_DATABASE, NULL, "A", NULL),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_int_equal(
                        vss_bcd_writer_add_component(w2, VSS_CT_DATABASE, NULL, "A", NULL),
                        0); /* other writer */
        assert_int_equal(vss_bcd_writer_get_component_count(w), 1);

        /* Text fields: bounded, UTF-8, "" clears. */
        char *t65536 = long_string(VSS_METADATA_TEXT_MAX),
             *t65537 = long_string(VSS_METADATA_TEXT_MAX + 1);
        assert_int_equal(vss_bcd_component_set_backup_metadata(c, t65537), -EINVAL);
        assert_int_equal(
                        vss_bcd_component_set_backup_metadata(c, "\xED\xA0\x80"),
                        -EINVAL); /* surrogate */
        assert_int_equal(vss_bcd_component_set_backup_metadata(NULL, "x"), -EINVAL);
        assert_null(vss_bcd_component_get_backup_metadata(c));
        assert_int_equal(vss_bcd_component_set_backup_metadata(c, t65536), 0);
        assert_int_equal(strlen(vss_bcd_component_get_backup_metadata(c)), VSS_METADATA_TEXT_MAX);
        assert_int_equal(vss_bcd_component_set_backup_metadata(c, ""), 0);
        assert_null(vss_bcd_component_get_backup_metadata(c));
        assert_int_equal(vss_bcd_component_set_restore_name(c, "x"), 0);
        assert_int_equal(vss_bcd_component_set_restore_name(c, NULL), 0);
        assert_null(vss_bcd_component_get_restore_name(c));
        assert_int_equal(vss_bcd_component_set_failure(c, 1, 2, t65537), -EINVAL);
        free(t65536);
        free(t65537);

        /* Partial files and the ranges grammar. */
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "", NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", NULL, NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "0:0", NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "1:2,", NULL), -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_partial_file(c, "/d", "f", "ranges.bin", NULL),
                        -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "/r/*", NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "a/f", "0:1", NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f*", "0:1", NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "", "f", "0:1", NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_get_partial_file_count(c), 0);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "0:1", ""), 0);
        assert_int_equal(
                        vss_bcd_component_add_partial_file(c, "/d", "g", "/var/r/g.ranges", "m"),
                        0);
        assert_int_equal(
                        vss_bcd_component_set_ranges_file_path(c, 0, "/new/f.ranges"),
                        -EINVAL); /* inline */
        assert_int_equal(vss_bcd_component_set_ranges_file_path(c, 1, "relative.ranges"), -EINVAL);
        assert_int_equal(vss_bcd_component_set_ranges_file_path(c, 2, "/new/g.ranges"), -EINVAL);
        assert_int_equal(vss_bcd_component_set_ranges_file_path(c, 1, "/new/g.ranges"), 0);
        const char *ranges = NULL, *metadata = (const char *) 1;
        assert_int_equal(vss_bcd_component_get_partial_file(c, 0, NULL, NULL, NULL, &metadata), 0);
        assert_null(metadata);
        assert_int_equal(vss_bcd_component_get_partial_file(c, 1, NULL, NULL, &ranges, NULL), 0);
        assert_string_equal(ranges, "/new/g.ranges");

        /* Differenced files. */
        assert_int_equal(
                        vss_bcd_component_add_differenced_files_by_last_modify_lsn(
                                        c, "/d", "*", false, NULL),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_differenced_files_by_last_modify_lsn(
                                        c, "/d", "*", false, ""),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_differenced_files_by_last_modify_time(
                                        c, "/d", "a/*", false, 1),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_differenced_files_by_last_modify_time(
                                        c, "/d", "*", true, -5),
                        0);
        int64_t t = 0;
        assert_int_equal(
                        vss_bcd_component_get_differenced_file(c, 0, NULL, NULL, NULL, NULL, &t),
                        0);
        assert_int_equal(t, -5);

        /* Restore selection. */
        assert_int_equal(vss_bcd_component_set_selected_for_restore(c, true, &a), 0);
        assert_true(vss_guid_equal(vss_bcd_component_get_restore_instance_id(c), &a));
        assert_int_equal(vss_bcd_component_set_selected_for_restore(c, false, &a), 0);
        assert_true(vss_guid_is_null(vss_bcd_component_get_restore_instance_id(
                        c))); /* kept only while selected */
        assert_int_equal(
                        vss_bcd_component_add_restore_subcomponent(c, "B", "C", false),
                        -EINVAL); /* outside A's set */
        assert_int_equal(
                        vss_bcd_component_add_restore_subcomponent(c, "AB", "C", false),
                        -EINVAL); /* not a segment */
        assert_int_equal(vss_bcd_component_add_restore_subcomponent(c, "A", "", false), -EINVAL);
        assert_int_equal(vss_bcd_component_add_restore_subcomponent(c, "A", "C", true), 0);
        assert_int_equal(vss_bcd_component_add_restore_subcomponent(c, "A\\C", "D", false), 0);
        assert_int_equal(
                        vss_bcd_component_add_restore_subcomponent(c, "A", "C", false),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_int_equal(
                        vss_bcd_component_get_restore_subcomponent(c, 2, NULL, NULL, NULL),
                        -EINVAL);

        /* Targets. */
        assert_int_equal(vss_bcd_component_set_restore_target(c, VSS_RT_UNDEFINED), -EINVAL);
        assert_int_equal(vss_bcd_component_set_restore_target(c, (VSS_RESTORE_TARGET) 5), -EINVAL);
        assert_int_equal(vss_bcd_component_get_restore_target(c), VSS_RT_ORIGINAL);
        assert_int_equal(vss_bcd_component_set_restore_target(c, VSS_RT_ORIGINAL_LOCATION), 0);
        assert_int_equal(
                        vss_bcd_component_add_directed_target(
                                        c, "/s", "f", "0:10", "/d", "f", "0:11"),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_directed_target(
                                        c, "/s", "f", "/r", "/d", "f", "0:10"),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_directed_target(
                                        c, "/s", "f", "0:10", "/d", "", "0:10"),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_directed_target(
                                        c, "/s", "f", "0:4,10:6", "/d", "g", "100:10"),
                        0);
        assert_int_equal(vss_bcd_component_add_new_target(c, "/s", "*", true, NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_add_new_target(c, "/s", "*", true, "/n"), 0);
        assert_int_equal(
                        vss_bcd_component_add_alternate_location_mapping(c, "/s", "*", true, ""),
                        -EINVAL);
        assert_int_equal(
                        vss_bcd_component_add_alternate_location_mapping(c, "/s", "*", true, "/m"),
                        0);

        /* Status, roll-forward. */
        assert_int_equal(
                        vss_bcd_component_set_file_restore_status(c, (VSS_FILE_RESTORE_STATUS) 4),
                        -EINVAL);
        assert_int_equal(vss_bcd_component_set_file_restore_status(c, VSS_RS_FAILED), 0);
        assert_int_equal(vss_bcd_component_set_roll_forward(c, VSS_RF_PARTIAL, NULL), -EINVAL);
        assert_int_equal(vss_bcd_component_set_roll_forward(c, VSS_RF_PARTIAL, ""), -EINVAL);
        assert_int_equal(vss_bcd_component_set_roll_forward(c, VSS_RF_ALL, "x"), -EINVAL);
        assert_int_equal(
                        vss_bcd_component_set_roll_forward(c, (VSS_ROLLFORWARD_TYPE) 4, NULL),
                        -EINVAL);
        assert_int_equal(vss_bcd_component_set_roll_forward(c, VSS_RF_PARTIAL, "point"), 0);
        assert_int_equal(vss_bcd_component_set_roll_forward(c, VSS_RF_NONE, NULL), 0);
        assert_null(vss_bcd_component_get_roll_forward_point(c));
        assert_int_equal(vss_bcd_component_get_failure(NULL, NULL, NULL, NULL), -EINVAL);

        /* The result is still a valid document that survives a round trip. */
        char *json = NULL, *again = NULL, *err = NULL;
        vss_bcd *loaded = NULL;
        assert_int_equal(vss_bcd_to_json(bcd, &json, NULL, &err), 0);
        assert_int_equal(vss_bcd_from_json(json, strlen(json), &loaded, &err), 0);
        assert_int_equal(vss_bcd_to_json(loaded, &again, NULL, &err), 0);
        assert_string_equal(json, again);
        free(json);
        free(again);
        vss_bcd_free(loaded);
        vss_bcd_free(bcd);
}

static void test_limits(void **state) {
        vss_guid a = example_guid(EXAMPLE_WRITER_INST), b = example_guid(EXAMPLE_WRITER_CLASS);
        vss_bcd_writer *w = NULL;
        vss_bcd_component *c = NULL;
        vss_bcd *bcd = NULL;
        char name[32];
        (void) state;

        assert_int_equal(vss_bcd_new(&bcd), 0);
        assert_int_equal(vss_bcd_add_writer(bcd, &a, &b, NULL, &w), 0);
        for (unsigned i = 0; i < VSS_METADATA_COMPONENTS_MAX; i++) {
                (void) snprintf(name, sizeof name, "c%u", i);
                assert_int_equal(
                                vss_bcd_writer_add_component(
                                                w, VSS_CT_FILEGROUP, "", name, i == 0 ? &c : NULL),
                                0);
        }
        assert_int_equal(
                        vss_bcd_writer_add_component(w, VSS_CT_FILEGROUP, "", "last", NULL),
                        -E2BIG);
        for (unsigned i = 0; i < VSS_METADATA_ITEMS_MAX; i++)
                assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "0:1", NULL), 0);
        assert_int_equal(vss_bcd_component_add_partial_file(c, "/d", "f", "0:1", NULL), -E2BIG);
        for (unsigned i = 1; i < VSS_METADATA_WRITERS_MAX; i++) {
                vss_guid g = a;
                g.bytes[14] = (uint8_t) (i >> 8U);
                g.bytes[15] = (uint8_t) i;
                assert_int_equal(vss_bcd_add_writer(bcd, &g, &b, NULL, NULL), 0);
        }
        vss_guid g = a;
        g.bytes[0] ^= 0xFFU;
        assert_int_equal(vss_bcd_add_writer(bcd, &g, &b, NULL, NULL), -E2BIG);
        vss_bcd_free(bcd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_builder_and_getters),
                        cmocka_unit_test(test_canonical_json),
                        cmocka_unit_test(test_global_state),
                        cmocka_unit_test(test_writer_and_component_refusals),
                        cmocka_unit_test(test_limits),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
