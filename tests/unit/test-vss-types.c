/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The public value types of vss.h: enumeration values and names, VSS statuses, GUIDs. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <vss/vss.h>

static void test_enum_values(void **state) {
        (void) state;
        /* A sample of VSS-REFERENCE §1.8, including the awkward ones. */
        assert_int_equal(VSS_BS_WRITER_SUPPORTS_PARALLEL_RESTORES, 0x8000);
        assert_int_equal(VSS_BS_ROLLFORWARD_RESTORE, 0x1000);
        assert_int_equal(VSS_BS_INDEPENDENT_SYSTEM_STATE, 0x400);
        assert_int_equal(VSS_BT_OTHER, 6);
        assert_int_equal(VSS_WS_FAILED_AT_BACKUPSHUTDOWN, 15);
        assert_int_equal(VSS_WS_COUNT, 16);
        assert_int_equal(VSS_RME_RESTORE_STOP_START, 8);
        assert_int_equal(VSS_RT_ORIGINAL_LOCATION, 4);
        assert_int_equal(VSS_FSBT_CREATED_DURING_BACKUP, 0x10000);
        assert_int_equal(VSS_FSBT_DEFAULT, 0x0F0F);
        assert_int_equal(VSS_APP_AUTO, -1);
        assert_int_equal((uint32_t) VSS_CTX_ALL, 0xFFFFFFFFu);
        assert_int_equal(VSS_CTX_CLIENT_ACCESSIBLE, 0x1D);
        assert_int_equal(VSS_CTX_NAS_ROLLBACK, VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE |
                                                       VSS_VOLSNAP_ATTR_NO_WRITERS);
        assert_int_equal(VSS_VOLSNAP_ATTR_FILE_SHARE, 0x4000000);
        assert_int_equal(VSS_SS_POSTCOMMITTED, 15);
        assert_int_equal(VSS_PROV_FILESHARE, 4);
}

static void test_name_tables(void **state) {
        VSS_BACKUP_TYPE bt;
        VSS_APPLICATION_LEVEL level;
        VSS_SNAPSHOT_CONTEXT ctx;
        VSS_WRITER_STATE ws;

        (void) state;

        assert_string_equal(vss_backup_type_to_string(VSS_BT_DIFFERENTIAL), "VSS_BT_DIFFERENTIAL");
        assert_null(vss_backup_type_to_string((VSS_BACKUP_TYPE) 7));
        assert_int_equal(vss_backup_type_from_string("VSS_BT_LOG", &bt), 0);
        assert_int_equal(bt, VSS_BT_LOG);
        assert_int_equal(vss_backup_type_from_string("incremental", &bt), 0);
        assert_int_equal(bt, VSS_BT_INCREMENTAL);
        assert_int_equal(vss_backup_type_from_string("5", &bt), 0);
        assert_int_equal(bt, VSS_BT_COPY);
        bt = VSS_BT_FULL;
        assert_int_equal(vss_backup_type_from_string("7", &bt), -EINVAL);
        assert_int_equal(vss_backup_type_from_string("VSS_BT_", &bt), -EINVAL);
        assert_int_equal(vss_backup_type_from_string("", &bt), -EINVAL);
        assert_int_equal(vss_backup_type_from_string(NULL, &bt), -EINVAL);
        assert_int_equal(vss_backup_type_from_string("FULL ", &bt), -EINVAL);
        assert_int_equal(bt, VSS_BT_FULL); /* untouched on failure */

        assert_int_equal(vss_application_level_from_string("-1", &level), 0);
        assert_int_equal(level, VSS_APP_AUTO);
        assert_string_equal(vss_application_level_to_string(VSS_APP_AUTO), "VSS_APP_AUTO");
        assert_int_equal(vss_snapshot_context_from_string("0xFFFFFFFF", &ctx), 0);
        assert_int_equal(ctx, VSS_CTX_ALL);
        assert_int_equal(vss_snapshot_context_from_string("client_accessible_writers", &ctx), 0);
        assert_int_equal(ctx, VSS_CTX_CLIENT_ACCESSIBLE_WRITERS);
        assert_int_equal(vss_writer_state_from_string("VSS_WS_FAILED_AT_FREEZE", &ws), 0);
        assert_int_equal(ws, VSS_WS_FAILED_AT_FREEZE);

        /* Every value of every single-valued enumeration has a name that parses back. */
        for (int v = 0; v <= VSS_WS_COUNT; v++) {
                const char *n = vss_writer_state_to_string((VSS_WRITER_STATE) v);
                assert_non_null(n);
                assert_int_equal(vss_writer_state_from_string(n, &ws), 0);
                assert_int_equal(ws, v);
        }
        for (int v = 0; v <= VSS_RME_RESTORE_STOP_START; v++)
                assert_non_null(vss_restore_method_to_string((VSS_RESTOREMETHOD_ENUM) v));
        for (int v = 0; v <= VSS_SS_COUNT; v++)
                assert_non_null(vss_snapshot_state_to_string((VSS_SNAPSHOT_STATE) v));

        char buf[VSS_WRITER_STATE_DISPLAY_MAX];
        assert_string_equal(vss_writer_state_to_display(VSS_WS_STABLE, buf), "[1] Stable");
        assert_string_equal(vss_writer_state_to_display(VSS_WS_FAILED_AT_FREEZE, buf), "[9] Failed at freeze");
        assert_string_equal(vss_writer_state_to_display((VSS_WRITER_STATE) 99, buf), "[99] Unknown");
}

static void test_masks(void **state) {
        char *s = NULL;
        uint32_t m;

        (void) state;

        assert_int_equal(vss_file_spec_backup_type_mask_to_string(VSS_FSBT_DEFAULT, &s), 0);
        assert_string_equal(s, "VSS_FSBT_ALL_BACKUP_REQUIRED|VSS_FSBT_ALL_SNAPSHOT_REQUIRED");
        free(s);

        assert_int_equal(vss_file_spec_backup_type_mask_to_string(0x0F03, &s), 0);
        assert_string_equal(s, "VSS_FSBT_ALL_SNAPSHOT_REQUIRED|VSS_FSBT_FULL_BACKUP_REQUIRED|"
                               "VSS_FSBT_DIFFERENTIAL_BACKUP_REQUIRED");
        free(s);

        assert_int_equal(vss_backup_schema_mask_to_string(0, &s), 0);
        assert_string_equal(s, "VSS_BS_UNDEFINED");
        free(s);

        assert_int_equal(vss_component_flags_mask_to_string(0, &s), 0);
        assert_string_equal(s, "0");
        free(s);

        assert_int_equal(vss_backup_schema_mask_to_string(0x800 | VSS_BS_COPY, &s), 0);
        assert_string_equal(s, "VSS_BS_COPY|0x800"); /* 0x800 has no name */
        free(s);

        assert_int_equal(vss_subscribe_mask_mask_to_string(0xFFFFFFFFu, &s), 0);
        assert_string_equal(s, "VSS_SM_ALL_FLAGS");
        free(s);

        assert_int_equal(vss_backup_schema_mask_from_string("VSS_BS_INCREMENTAL | timestamped, 0x1", &m), 0);
        assert_int_equal(m, VSS_BS_INCREMENTAL | VSS_BS_TIMESTAMPED | VSS_BS_DIFFERENTIAL);
        assert_int_equal(vss_backup_schema_mask_from_string("0x3", &m), 0);
        assert_int_equal(m, 3);
        assert_int_equal(vss_backup_schema_mask_from_string("0", &m), 0);
        assert_int_equal(m, 0);
        assert_int_equal(vss_backup_schema_mask_from_string("0x800", &m), -EINVAL); /* undefined bit */
        assert_int_equal(vss_backup_schema_mask_from_string("VSS_BS_BOGUS", &m), -EINVAL);
        assert_int_equal(vss_backup_schema_mask_from_string("VSS_BS_LOG|", &m), -EINVAL);
        assert_int_equal(vss_backup_schema_mask_from_string("", &m), -EINVAL);
        assert_int_equal(vss_file_spec_backup_type_mask_from_string("ALL_BACKUP_REQUIRED|LOG_SNAPSHOT_REQUIRED", &m), 0);
        assert_int_equal(m, 0x80F);
}

static void test_status(void **state) {
        int code;

        (void) state;

        assert_int_equal(VSS_E_BAD_STATE, VSS_ERROR_BASE + 0x01);
        assert_int_equal(vss_error_to_hresult(-VSS_E_BAD_STATE), 0x80042301u);
        assert_int_equal(vss_error_to_hresult(-VSS_E_WRITERERROR_TIMEOUT), 0x800423F2u);
        assert_int_equal(vss_error_to_hresult(-VSS_E_WRITERERROR_PARTIAL_FAILURE), 0x80042336u);
        assert_int_equal(vss_error_to_hresult(-VSS_E_WRITER_STATUS_NOT_AVAILABLE), 0x80042409u);
        assert_int_equal(vss_error_to_hresult(-VSS_E_SNAPSHOT_SET_IN_PROGRESS), 0x80042316u);
        assert_int_equal(vss_error_to_hresult(VSS_S_ASYNC_FINISHED), 0x0004230Au);
        assert_int_equal(vss_error_to_hresult(0), 0u);
        assert_int_equal(vss_error_to_hresult(-ENOMEM), 0x8007000Eu);
        assert_int_equal(vss_error_to_hresult(-EIO), 0x80004005u);

        assert_int_equal(vss_error_from_hresult(0x800423F3u), -VSS_E_WRITERERROR_RETRYABLE);
        assert_int_equal(vss_error_from_hresult(0x00042309u), VSS_S_ASYNC_PENDING);
        assert_int_equal(vss_error_from_hresult(0x80042309u), -EINVAL); /* no such failure */
        assert_int_equal(vss_error_from_hresult(0x80042300u), -EINVAL);
        assert_int_equal(vss_error_from_hresult(0x80070005u), -EINVAL);

        assert_string_equal(vss_status_to_string(-VSS_E_SNAPSHOT_SET_IN_PROGRESS), "VSS_E_SNAPSHOT_SET_IN_PROGRESS");
        assert_null(vss_status_to_string(-EINVAL));
        assert_int_equal(vss_status_from_string("VSS_E_WRITERERROR_NONRETRYABLE", &code), 0);
        assert_int_equal(code, VSS_E_WRITERERROR_NONRETRYABLE);
        assert_int_equal(vss_status_from_string("VSS_E_NOPE", &code), -EINVAL);

        /* Every status round-trips through its HRESULT and is named by vss_strerror. */
        static const int all[] = {
                VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT, VSS_E_WRITERERROR_OUTOFRESOURCES,
                VSS_E_WRITERERROR_TIMEOUT, VSS_E_WRITERERROR_RETRYABLE, VSS_E_WRITERERROR_NONRETRYABLE,
                VSS_E_WRITERERROR_RECOVERY_FAILED, VSS_E_WRITERERROR_PARTIAL_FAILURE, VSS_E_BAD_STATE,
                VSS_E_UNEXPECTED, VSS_E_PROVIDER_ALREADY_REGISTERED, VSS_E_PROVIDER_NOT_REGISTERED,
                VSS_E_PROVIDER_VETO, VSS_E_PROVIDER_IN_USE, VSS_E_OBJECT_NOT_FOUND,
                VSS_E_VOLUME_NOT_SUPPORTED, VSS_E_OBJECT_ALREADY_EXISTS,
                VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER, VSS_E_UNEXPECTED_PROVIDER_ERROR,
                VSS_E_CORRUPT_XML_DOCUMENT, VSS_E_INVALID_XML_DOCUMENT,
                VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, VSS_E_FLUSH_WRITES_TIMEOUT,
                VSS_E_HOLD_WRITES_TIMEOUT, VSS_E_UNEXPECTED_WRITER_ERROR,
                VSS_E_SNAPSHOT_SET_IN_PROGRESS, VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
                VSS_E_WRITER_INFRASTRUCTURE, VSS_E_WRITER_NOT_RESPONDING,
                VSS_E_WRITER_ALREADY_SUBSCRIBED, VSS_E_UNSUPPORTED_CONTEXT, VSS_E_VOLUME_IN_USE,
                VSS_E_INSUFFICIENT_STORAGE, VSS_E_REBOOT_REQUIRED, VSS_E_TRANSACTION_FREEZE_TIMEOUT,
                VSS_E_TRANSACTION_THAW_TIMEOUT, VSS_E_UNSELECTED_VOLUME, VSS_E_SNAPSHOT_NOT_IN_SET,
                VSS_E_NESTED_VOLUME_LIMIT, VSS_E_NOT_SUPPORTED, VSS_E_WRITER_STATUS_NOT_AVAILABLE,
        };
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
                uint32_t hr = vss_error_to_hresult(-all[i]);
                assert_true(hr & 0x80000000u);
                assert_int_equal(vss_error_from_hresult(hr), -all[i]);
                const char *name = vss_status_to_string(-all[i]);
                assert_non_null(name);
                assert_non_null(strstr(vss_strerror(-all[i]), name));
                assert_true(all[i] > 133); /* never collides with an errno */
        }

        assert_string_equal(vss_strerror(0), "Success");
        assert_string_equal(vss_strerror(-ENOENT), "No such file or directory");
        assert_non_null(strstr(vss_strerror(-VSS_E_BAD_STATE), "0x80042301"));
        assert_string_equal(vss_strerror(-20000), "Unknown error -20000");
}

static void test_guid(void **state) {
        vss_guid g, h;
        char buf[VSS_GUID_STRING_MAX];

        (void) state;

        assert_int_equal(vss_guid_from_string("{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}", &g), 0);
        assert_int_equal(g.bytes[0], 0xCE);
        assert_int_equal(g.bytes[15], 0x1B);
        assert_string_equal(vss_guid_to_string(&g, buf), "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}");
        assert_int_equal(vss_guid_from_string("ce4ef7dc-18ce-4a11-b4c9-d7a668637d1b", &h), 0);
        assert_true(vss_guid_equal(&g, &h));
        assert_int_equal(vss_guid_from_string("{Ce4eF7dC-18cE-4A11-b4C9-D7A668637D1B}", &h), 0);
        assert_true(vss_guid_equal(&g, &h));

        static const char *const bad[] = {
                "",
                "{}",
                "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B",
                "CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}",
                "(CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B)",
                "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1G}",
                "{CE4EF7DC18CE-4A11-B4C9-D7A668637D1B-}",
                "CE4EF7DC18CE4A11B4C9D7A668637D1B",
                " CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B",
                "CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B ",
                "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1BB}",
                "CE4EF7D-C18CE-4A11-B4C9-D7A668637D1B",
                "{CE4EF7DC-18CE-4A11-B4C9-D7A66863 7D1B}",
                "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}x",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                memset(&h, 0xAA, sizeof h);
                assert_int_equal(vss_guid_from_string(bad[i], &h), -EINVAL);
                assert_int_equal(h.bytes[0], 0xAA); /* untouched */
        }
        assert_int_equal(vss_guid_from_string(NULL, &h), -EINVAL);
        assert_int_equal(vss_guid_from_string("{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}", NULL), -EINVAL);

        memset(&h, 0, sizeof h);
        assert_true(vss_guid_is_null(&h));
        assert_false(vss_guid_is_null(&g));

        assert_int_equal(vss_guid_generate(&g), 0);
        assert_int_equal(vss_guid_generate(&h), 0);
        assert_false(vss_guid_equal(&g, &h));
        assert_int_equal(g.bytes[6] >> 4, 4);
        assert_int_equal(g.bytes[8] & 0xC0, 0x80);
}

static void test_version(void **state) {
        (void) state;
        assert_string_equal(vss_version(), "0.1.0");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_enum_values), cmocka_unit_test(test_name_tables),
                cmocka_unit_test(test_masks),       cmocka_unit_test(test_status),
                cmocka_unit_test(test_guid),        cmocka_unit_test(test_version),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
