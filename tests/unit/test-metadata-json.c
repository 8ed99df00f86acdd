/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The JSON readers on input that is not a valid document: truncated text, wrong JSON types,
 * unknown and repeated fields, huge numbers, deep nesting, invalid UTF-8, wrong formats and
 * versions, oversized input. Each must fail with the documented code and a message naming the
 * field, and never crash. Also: minimal documents (defaults) and the canonical form. */

/* cmocka.h needs the standard headers before it. */
/* clang-format off */
#include <errno.h>
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

#define CORRUPT (-VSS_E_CORRUPT_XML_DOCUMENT)
#define INVALID (-VSS_E_INVALID_XML_DOCUMENT)

static int load_wmd(const char *json, size_t size, char **err) {
        vss_wmd *w = NULL;
        int r = vss_wmd_from_json(json, size, &w, err);
        if (r < 0)
                assert_null(w);
        else
                assert_non_null(w);
        vss_wmd_free(w);
        return r;
}

static int load_bcd(const char *json, size_t size, char **err) {
        vss_bcd *b = NULL;
        int r = vss_bcd_from_json(json, size, &b, err);
        if (r < 0)
                assert_null(b);
        else
                assert_non_null(b);
        vss_bcd_free(b);
        return r;
}

/* Loads 'json' (a WMD unless it says "linvss-backup-components") and checks the code and the
 * message prefix. */
static void expect(const char *json, int code, const char *message) {
        char *err = NULL;
        int r = strstr(json, VSS_BCD_FORMAT) ? load_bcd(json, strlen(json), &err)
                                             : load_wmd(json, strlen(json), &err);
        if (r != code || (message && (!err || strncmp(err, message, strlen(message)) != 0)))
                fail_msg("%s\n  got %d \"%s\", expected %d \"%s\"", json, r, err ? err : "(none)",
                         code, message ? message : "(none)");
        free(err);
}

/* A WMD with only what validation needs: everything else takes its default. */
#define MINIMAL_WMD_HEAD                                                                         \
        "{\"format\":\"linvss-writer-metadata\",\"version\":1,"                                  \
        "\"identity\":{\"writer_class_id\":\"{4DC3BDD4-AB48-4D07-ADB0-3BEE2926FD7F}\","          \
        "\"writer_instance_id\":\"9a5b1f0e-2c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"writer_name\":\"W\"," \
        "\"usage_type\":\"userdata\"},"                                                          \
        "\"restore_method\":{\"method\":\"VSS_RME_RESTORE_IF_NOT_THERE\",\"writer_restore\":"    \
        "\"1\"},"
#define MINIMAL_WMD \
        MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\"}]}"
#define BCD_HEAD "{\"format\":\"linvss-backup-components\",\"version\":1,"

static void test_minimal_documents(void **state) {
        char *json = NULL, *again = NULL;
        vss_wmd *w = NULL, *w2 = NULL;
        vss_bcd *b = NULL, *b2 = NULL;
        (void) state;

        assert_int_equal(vss_wmd_from_json(MINIMAL_WMD, strlen(MINIMAL_WMD), &w, NULL), 0);
        assert_int_equal(vss_wmd_get_application_level(w), VSS_APP_FRONT_END);
        assert_int_equal(vss_wmd_get_freeze_timeout(w), 60000);
        assert_int_equal(vss_wmd_get_writer_restore(w), VSS_WRE_NEVER);
        assert_string_equal(vss_wm_component_get_logical_path(vss_wmd_get_component(w, 0)), "");
        assert_int_equal(vss_wmd_to_json(w, &json, NULL, NULL), 0);
        /* Lenient input, canonical output: the GUID upper-cased with braces, names in full. */
        assert_non_null(strstr(
                        json,
                        "\"writer_instance_id\": \"{9A5B1F0E-2C3D-4E5F-8A9B-0C1D2E3F4A5B}\""));
        assert_non_null(strstr(json, "\"usage_type\": \"VSS_UT_USERDATA\""));
        assert_non_null(strstr(json, "\"writer_restore\": \"VSS_WRE_NEVER\""));
        assert_non_null(strstr(json, "\"backup_schema\": \"VSS_BS_UNDEFINED\""));
        assert_non_null(strstr(json, "\"instance_name\": null"));
        assert_int_equal(json[strlen(json) - 1], '\n');
        assert_int_equal(vss_wmd_from_json(json, strlen(json), &w2, NULL), 0);
        assert_int_equal(vss_wmd_to_json(w2, &again, NULL, NULL), 0);
        assert_string_equal(json, again);
        free(json);
        free(again);
        vss_wmd_free(w);
        vss_wmd_free(w2);

        /* "" for an optional string is stored as null. */
        const char *with_empty = MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\","
                                                  "\"name\":\"C\",\"caption\":\"\"}]}";
        assert_int_equal(vss_wmd_from_json(with_empty, strlen(with_empty), &w, NULL), 0);
        assert_null(vss_wm_component_get_caption(vss_wmd_get_component(w, 0)));
        vss_wmd_free(w);

        const char *bcd = BCD_HEAD "\"writers\":[]}";
        assert_int_equal(vss_bcd_from_json(bcd, strlen(bcd), &b, NULL), 0);
        assert_int_equal(vss_bcd_get_backup_type(b), VSS_BT_FULL);
        assert_int_equal(vss_bcd_to_json(b, &json, NULL, NULL), 0);
        assert_int_equal(vss_bcd_from_json(json, strlen(json), &b2, NULL), 0);
        assert_int_equal(vss_bcd_to_json(b2, &again, NULL, NULL), 0);
        assert_string_equal(json, again);
        free(json);
        free(again);
        vss_bcd_free(b);
        vss_bcd_free(b2);

        /* A component with only its identity gets every default. */
        const char *bcd2 = BCD_HEAD
                        "\"writers\":[{\"instance_id\":\"" EXAMPLE_WRITER_INST
                        "\",\"class_id\":\"" EXAMPLE_WRITER_CLASS
                        "\",\"components\":[{\"type\":\"VSS_CT_DATABASE\",\"name\":\"D\"}]}]}";
        assert_int_equal(vss_bcd_from_json(bcd2, strlen(bcd2), &b, NULL), 0);
        vss_bcd_component *c = vss_bcd_writer_get_component(vss_bcd_get_writer(b, 0), 0);
        assert_int_equal(vss_bcd_component_get_restore_target(c), VSS_RT_ORIGINAL);
        assert_string_equal(vss_bcd_component_get_logical_path(c), "");
        vss_bcd_free(b);
}

static void test_truncated(void **state) {
        size_t size = 0;
        char *err = NULL;
        (void) state;

        const char *paths[] = {EXAMPLE_WMD_PATH, EXAMPLE_BCD_PATH};
        for (size_t p = 0; p < sizeof paths / sizeof paths[0]; p++) {
                char *json = example_read_file(paths[p], &size);
                for (size_t n = 0; n < size; n++) {
                        int r = p == 0 ? load_wmd(json, n, &err) : load_bcd(json, n, &err);
                        /* Only the final newline may be missing. */
                        if (n == size - 1)
                                assert_int_equal(r, 0);
                        else {
                                assert_int_equal(r, CORRUPT);
                                assert_non_null(err);
                                assert_true(strncmp(err, "document: not valid JSON at line ", 33) ==
                                            0);
                        }
                        free(err);
                        err = NULL;
                }
                /* Trailing garbage. */
                json[size - 1] = 'x';
                assert_int_equal(
                                p == 0 ? load_wmd(json, size, &err) : load_bcd(json, size, &err),
                                CORRUPT);
                free(err);
                free(json);
        }
}

static void test_not_documents(void **state) {
        char *err = NULL;
        vss_wmd *w = NULL;
        (void) state;

        expect("", CORRUPT, "document: not valid JSON");
        expect("   ", CORRUPT, "document: not valid JSON");
        expect("null", CORRUPT, "document: not valid JSON");
        expect("\"linvss-writer-metadata\"", CORRUPT, "document: not valid JSON");
        expect("[]", CORRUPT, "document: must be a JSON object");
        expect("{}", CORRUPT, "format: must be the string 'linvss-writer-metadata'");
        expect("{\"format\":1}", CORRUPT, "format: must be the string");
        expect("{\"format\":\"linvss-writer-metadata\"}", CORRUPT,
               "version: must be an integer of at least 1");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":0}", CORRUPT,
               "version: must be an integer of at least 1");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":\"1\"}", CORRUPT,
               "version: must be an integer");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1.0}", CORRUPT,
               "version: must be an integer");
        expect("{\"format\":\"vss-wmd\",\"version\":1}", CORRUPT,
               "format: must be 'linvss-writer-metadata'");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":2,\"whatever\":[]}",
               -EPROTONOSUPPORT,
               "version: linvss-writer-metadata version 2 is newer than this build of linvss reads "
               "(version 1 and older)");
        expect(BCD_HEAD "\"version\":1}", CORRUPT, "document: not valid JSON"); /* duplicate key */
        expect("{\"format\":\"linvss-backup-components\",\"version\":7}", -EPROTONOSUPPORT,
               "version: linvss-backup-components version 7 is newer than this build of linvss "
               "reads (version 1 and older)");

        /* A BCD handed to the WMD reader and the other way round. */
        size_t size = 0;
        char *bcd = example_read_file(EXAMPLE_BCD_PATH, &size);
        assert_int_equal(vss_wmd_from_json(bcd, size, &w, &err), CORRUPT);
        assert_string_equal(
                        err, "format: is 'linvss-backup-components', but a "
                             "'linvss-writer-metadata' document was expected");
        free(err);
        free(bcd);
        char *wmd = example_read_file(EXAMPLE_WMD_PATH, &size);
        vss_bcd *b = NULL;
        assert_int_equal(vss_bcd_from_json(wmd, size, &b, &err), CORRUPT);
        assert_string_equal(
                        err, "format: is 'linvss-writer-metadata', but a "
                             "'linvss-backup-components' document was expected");
        free(err);

        /* NUL bytes inside the given size. */
        wmd[10] = 0;
        assert_int_equal(vss_wmd_from_json(wmd, size, &w, &err), CORRUPT);
        free(err);
        free(wmd);

        /* Arguments. */
        assert_int_equal(vss_wmd_from_json(NULL, 5, &w, &err), -EINVAL);
        assert_null(err);
        assert_int_equal(vss_wmd_from_json("{}", 2, NULL, &err), -EINVAL);
        assert_int_equal(vss_wmd_from_json(NULL, 0, &w, NULL), CORRUPT);
        assert_int_equal(vss_bcd_from_json("{}", 2, &b, NULL), CORRUPT);
}

static void test_wrong_types(void **state) {
        (void) state;

        expect(MINIMAL_WMD_HEAD "\"components\":{}}", CORRUPT, "components: must be an array");
        expect(MINIMAL_WMD_HEAD "\"components\":[\"C\"]}", CORRUPT,
               "components[0]: must be an object");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":1,\"name\":\"C\"}]}", CORRUPT,
               "components[0].type: must be a string");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":null}]}",
               CORRUPT, "components[0].name: must be a string");
        expect(MINIMAL_WMD_HEAD
               "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\",\"caption\":7}]}",
               CORRUPT, "components[0].caption: must be a string or null");
        expect(MINIMAL_WMD_HEAD
               "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\",\"icon\":[]}]}",
               CORRUPT, "components[0].icon: must be a string or null");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\","
                                "\"selectable\":\"yes\"}]}",
               CORRUPT, "components[0].selectable: must be true or false");
        expect(MINIMAL_WMD_HEAD
               "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\",\"selectable\":1}]}",
               CORRUPT, "components[0].selectable: must be true or false");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\","
                                "\"component_flags\":0}]}",
               CORRUPT, "components[0].component_flags: must be a string");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\","
                                "\"file_groups\":[{\"path\":\"/a\","
                                "\"filespec\":\"*\",\"recursive\":null}]}]}",
               CORRUPT, "components[0].file_groups[0].recursive: must be true or false");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\","
                                "\"dependencies\":[[]]}]}",
               CORRUPT, "components[0].dependencies[0]: must be an object");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\","
                                "\"dependencies\":[{\"writer_class_id\":"
                                "null}]}]}",
               CORRUPT, "components[0].dependencies[0].writer_class_id: must be a string");
        expect(MINIMAL_WMD_HEAD "\"identity\":[],\"components\":[]}", CORRUPT,
               "document: not valid JSON"); /* duplicate */
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":[]}", CORRUPT,
               "identity: must be an object");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"version_"
               "major\":\"3\"}}",
               CORRUPT, "identity.version_major: must be an integer");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"version_"
               "major\":3.5}}",
               CORRUPT, "identity.version_major: must be an integer");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"restore_method\":{\"reboot_"
               "required\":0}}",
               CORRUPT, "restore_method.reboot_required: must be true or false");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"exclude_files\":[{\"path\":["
               "]}]}",
               CORRUPT, "exclude_files[0].path: must be a string");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"backup_schema\":2}", CORRUPT,
               "backup_schema: must be a string");

        expect(BCD_HEAD "\"writers\":{}}", CORRUPT, "writers: must be an array");
        expect(BCD_HEAD "\"backup_state\":true}", CORRUPT, "backup_state: must be an object");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"partial_files\":{}}]}]}", CORRUPT,
               "writers[0].components[0].partial_files: must be an array");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"failure\":{\"hr\":2147746803}}]}]}",
               CORRUPT, "writers[0].components[0].failure.hr: must be a string");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"roll_forward\":[]}]}]}", CORRUPT,
               "writers[0].components[0].roll_forward: must be an object");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"differenced_files\":[{\"last_modify_time_"
                        "ns\":1.5}]}]}]}",
               CORRUPT,
               "writers[0].components[0].differenced_files[0].last_modify_time_ns: must be an "
               "integer");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"restore_instance_id\":5}]}]}", CORRUPT,
               "writers[0].components[0].restore_instance_id: must be a string or null");
        expect(BCD_HEAD "\"writers\":[{\"instance_id\":null}]}", CORRUPT,
               "writers[0].instance_id: must be a string");
        expect(BCD_HEAD "\"restore_type\":null}", CORRUPT, "restore_type: must be a string");
        expect(BCD_HEAD
               "\"writers\":[{\"components\":[{\"failure_messages\":{\"pre_restore\":false}}]}]}",
               CORRUPT,
               "writers[0].components[0].failure_messages.pre_restore: must be a string or null");
}

static void test_unknown_fields(void **state) {
        (void) state;

        expect(MINIMAL_WMD_HEAD "\"components\":[],\"extra\":1}", CORRUPT,
               "document: unknown field 'extra'");
        expect(MINIMAL_WMD_HEAD "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\","
                                "\"colour\":\"red\"}]}",
               CORRUPT, "components[0]: unknown field 'colour'");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_id\":"
               "\"x\"}}",
               CORRUPT, "identity: unknown field 'writer_id'");
        /* Fields of other kinds of file descriptors are unknown here. */
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"exclude_files\":[{"
               "\"alternate_location\":\"/x\"}]}",
               CORRUPT, "exclude_files[0]: unknown field 'alternate_location'");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"alternate_location_"
               "mappings\":[{\"backup_type_mask\":\"0\"}]}",
               CORRUPT, "alternate_location_mappings[0]: unknown field 'backup_type_mask'");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"failure\":{\"reserved\":0}}]}]}", CORRUPT,
               "writers[0].components[0].failure: unknown field 'reserved'");
        expect(BCD_HEAD "\"snapshot_set_id\":null}", CORRUPT,
               "document: unknown field 'snapshot_set_id'");
        /* Long unknown names are shortened in the message. */
        char json[512], message[128];
        (void) snprintf(json, sizeof json, BCD_HEAD "\"%0200d\":1}", 0);
        (void) snprintf(message, sizeof message, "document: unknown field '%064d...'", 0);
        expect(json, CORRUPT, message);
}

static void test_numbers(void **state) {
        (void) state;

        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"version_"
               "major\":99999999999999999999}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"version_"
               "major\":1e400}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"version_"
               "major\":1e2}}",
               CORRUPT, "identity.version_major: must be an integer");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":99999999999999999999}", CORRUPT,
               "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":9223372036854775807}",
               -EPROTONOSUPPORT, "version:");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":-9223372036854775808}", CORRUPT,
               "version:");
        expect(MINIMAL_WMD_HEAD "\"components\":[]}", INVALID,
               "components: must contain at least one component");
        expect(BCD_HEAD "\"writers\":[{\"components\":[{\"differenced_files\":[{\"last_modify_time_"
                        "ns\":9223372036854775808}]}]}]}",
               CORRUPT, "document: not valid JSON");
}

static void test_nesting(void **state) {
        char *err = NULL;
        (void) state;

        /* Within the limit (the root object and 15 arrays): refused for its shape, not for its
         * depth. One more level is refused for its depth. */
        for (size_t levels = 15; levels <= 16; levels++) {
                char json[128];
                size_t k = 0;
                k += (size_t) snprintf(json + k, sizeof json - k, "{\"a\":");
                for (size_t i = 0; i < levels; i++)
                        json[k++] = '[';
                json[k++] = '1';
                for (size_t i = 0; i < levels; i++)
                        json[k++] = ']';
                json[k++] = '}';
                json[k] = 0;
                expect(json, CORRUPT,
                       levels == 15 ? "format:" : "document: nested deeper than 16 levels");
        }
        /* Brackets inside strings do not count. */
        expect("{\"format\":\"[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[\",\"version\":1}", CORRUPT,
               "format: must be 'linvss-writer-metadata'");

        /* Very deep input is refused before the recursive parser sees it. */
        size_t n = 1000000;
        char *deep = malloc(2 * n + 1);
        assert_non_null(deep);
        memset(deep, '[', n);
        memset(deep + n, ']', n);
        deep[2 * n] = 0;
        assert_int_equal(load_wmd(deep, 2 * n, &err), CORRUPT);
        assert_string_equal(err, "document: nested deeper than 16 levels");
        free(err);
        free(deep);
}

static void test_strings(void **state) {
        (void) state;

        /* Invalid UTF-8, overlong forms, surrogates, NUL: all refused by the parser. */
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_name\":"
               "\"\xFF\"}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_name\":"
               "\"\xC0\xAF\"}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_name\":"
               "\"\xED\xA0\x80\"}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_name\":"
               "\"\\ud800\"}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_name\":"
               "\"a\\u0000b\"}}",
               CORRUPT, "document: not valid JSON");
        expect("{\"format\":\"linvss-writer-metadata\",\"version\":1,\"identity\":{\"writer_name\":"
               "\"a\x01\"}}",
               CORRUPT, "document: not valid JSON");
        /* Escaped control characters and non-BMP characters are fine, and are written back. */
        const char *ok = "{\"format\":\"linvss-writer-metadata\",\"version\":1,"
                         "\"identity\":{\"writer_class_id\":\"{4DC3BDD4-AB48-4D07-ADB0-"
                         "3BEE2926FD7F}\","
                         "\"writer_instance_id\":\"{9A5B1F0E-2C3D-4E5F-8A9B-0C1D2E3F4A5B}\","
                         "\"writer_name\":\"tab\\there \\ud83d\\ude00\","
                         "\"usage_type\":\"VSS_UT_OTHER\"},"
                         "\"restore_method\":{\"method\":\"VSS_RME_CUSTOM\",\"writer_restore\":"
                         "\"VSS_WRE_NEVER\"},"
                         "\"components\":[{\"type\":\"VSS_CT_FILEGROUP\",\"name\":\"C\"}]}";
        vss_wmd *w = NULL;
        char *json = NULL;
        assert_int_equal(vss_wmd_from_json(ok, strlen(ok), &w, NULL), 0);
        assert_string_equal(vss_wmd_get_writer_name(w), "tab\there \xF0\x9F\x98\x80");
        assert_int_equal(vss_wmd_to_json(w, &json, NULL, NULL), 0);
        assert_non_null(strstr(json, "\"writer_name\": \"tab\\there \xF0\x9F\x98\x80\""));
        free(json);
        vss_wmd_free(w);
}

static void test_size_limit(void **state) {
        char *err = NULL;
        (void) state;

        size_t n = VSS_METADATA_DOCUMENT_MAX + 1;
        char *big = malloc(n);
        assert_non_null(big);
        memset(big, ' ', n);
        big[0] = '{';
        big[n - 1] = '}';
        assert_int_equal(load_wmd(big, n, &err), -E2BIG);
        assert_string_equal(err, "document: larger than 16777216 bytes");
        free(err);
        assert_int_equal(load_bcd(big, n, &err), -E2BIG);
        free(err);
        /* One byte less is parsed (and refused for its content only). */
        big[n - 2] = '}';
        assert_int_equal(load_wmd(big, n - 1, &err), CORRUPT);
        assert_string_equal(err, "format: must be the string 'linvss-writer-metadata'");
        free(err);
        free(big);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_minimal_documents),
                        cmocka_unit_test(test_truncated),
                        cmocka_unit_test(test_not_documents),
                        cmocka_unit_test(test_wrong_types),
                        cmocka_unit_test(test_unknown_fields),
                        cmocka_unit_test(test_numbers),
                        cmocka_unit_test(test_nesting),
                        cmocka_unit_test(test_strings),
                        cmocka_unit_test(test_size_limit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
