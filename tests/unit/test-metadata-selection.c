/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The selection algebra of VSS-REFERENCE §1.5: full paths, component sets, selectable
 * ancestors, required components, explicit and implicit inclusion, the restore-side rules, the
 * selection check against a WMD, and the cross-writer dependencies a selection needs. The
 * worked example of §1.5 is test_reference_example. */

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

#define N_ELEMENTS(x) (sizeof(x) / sizeof((x)[0]))

/* A writer with the given components: (logical path, name, selectable, selectable for restore). */
typedef struct Spec {
        const char *lp;
        const char *name;
        bool selectable;
        bool selectable_for_restore;
} Spec;

static vss_wmd *make_writer(const Spec *specs, size_t n, uint32_t schema) {
        vss_guid class_id = example_guid("{0D9A1C6E-5B8F-4A2D-9E3C-7F1B2A4D6C8E}");
        vss_guid instance_id = example_guid("{3E2D1C0B-A987-4654-B321-0FEDCBA98765}");
        vss_wmd *w = NULL;

        EX(vss_wmd_new(&w));
        EX(vss_wmd_set_writer_class_id(w, &class_id));
        EX(vss_wmd_set_writer_instance_id(w, &instance_id));
        EX(vss_wmd_set_writer_name(w, "W"));
        EX(vss_wmd_set_usage_type(w, VSS_UT_USERDATA));
        EX(vss_wmd_set_restore_method(
                        w, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL, NULL, VSS_WRE_ALWAYS, false));
        EX(vss_wmd_set_backup_schema(w, schema));
        for (size_t i = 0; i < n; i++)
                EX(vss_wmd_add_component(
                                w, VSS_CT_FILEGROUP, specs[i].lp, specs[i].name, NULL, NULL, 0,
                                false, false, specs[i].selectable, specs[i].selectable_for_restore,
                                0));
        assert_int_equal(vss_wmd_validate(w, NULL), 0);
        return w;
}

/* The example of §1.5: Bin (required), Bin\Cfg (required), Db (selectable), Db\Data (selectable
 * for restore), Db\Logs. */
static const Spec reference[] = {
                {"", "Bin", false, false},   {"Bin", "Cfg", false, false}, {"", "Db", true, false},
                {"Db", "Data", false, true}, {"Db", "Logs", false, false},
};

static const vss_wm_component *find(const vss_wmd *w, const char *lp, const char *name) {
        const vss_wm_component *c = vss_wmd_find_component(w, lp, name);
        assert_non_null(c);
        return c;
}

static void test_full_path(void **state) {
        char *s = NULL;
        (void) state;

        assert_int_equal(vss_component_full_path("", "Bin", &s), 0);
        assert_string_equal(s, "Bin");
        free(s);
        assert_int_equal(vss_component_full_path(NULL, "Bin", &s), 0);
        assert_string_equal(s, "Bin");
        free(s);
        assert_int_equal(vss_component_full_path("Db\\Inner", "Data", &s), 0);
        assert_string_equal(s, "Db\\Inner\\Data");
        free(s);
        assert_int_equal(vss_component_full_path("", NULL, &s), -EINVAL);
        assert_int_equal(vss_component_full_path("", "x", NULL), -EINVAL);
}

static void test_sets_and_ancestors(void **state) {
        const vss_wm_component **list = NULL;
        size_t n = 0;
        (void) state;

        vss_wmd *w = make_writer(reference, N_ELEMENTS(reference), 0);
        const vss_wm_component *bin = find(w, "", "Bin"), *cfg = find(w, "Bin", "Cfg"),
                               *db = find(w, "", "Db"), *data = find(w, "Db", "Data"),
                               *logs = find(w, "Db", "Logs");

        assert_int_equal(vss_wmd_get_component_set(w, db, &list, &n), 0);
        assert_int_equal(n, 2);
        assert_ptr_equal(list[0], data);
        assert_ptr_equal(list[1], logs);
        free(list);
        assert_int_equal(
                        vss_wmd_get_component_set(w, bin, &list, &n), -EINVAL); /* not selectable */
        assert_int_equal(vss_wm_component_is_member_of(data, db), 1);
        assert_int_equal(vss_wm_component_is_member_of(db, db), 0);
        assert_int_equal(vss_wm_component_is_member_of(cfg, bin), 0); /* Bin defines no set */
        assert_int_equal(vss_wm_component_is_member_of(NULL, bin), -EINVAL);

        assert_ptr_equal(vss_wmd_get_selectable_ancestor(w, data), db);
        assert_ptr_equal(vss_wmd_get_selectable_ancestor(w, logs), db);
        assert_null(vss_wmd_get_selectable_ancestor(w, db));
        assert_null(vss_wmd_get_selectable_ancestor(w, cfg));

        assert_int_equal(vss_wmd_get_required_components(w, &list, &n), 0);
        assert_int_equal(n, 2);
        assert_ptr_equal(list[0], bin);
        assert_ptr_equal(list[1], cfg);
        free(list);
        vss_wmd_free(w);

        /* Sets nest; membership is by whole segments; the nearest selectable ancestor wins. */
        static const Spec nested[] = {
                        {"", "A", true, false},      {"A", "B", true, false},
                        {"A\\B", "C", false, false}, {"A\\B\\C", "D", false, false},
                        {"", "AB", false, false},    {"AB", "X", false, false},
                        {"A", "BX", false, false},
        };
        w = make_writer(nested, N_ELEMENTS(nested), 0);
        const vss_wm_component *a = find(w, "", "A"), *b = find(w, "A", "B"),
                               *c = find(w, "A\\B", "C"), *d = find(w, "A\\B\\C", "D"),
                               *x = find(w, "AB", "X"), *bx = find(w, "A", "BX");
        assert_int_equal(vss_wmd_get_component_set(w, a, &list, &n), 0);
        assert_int_equal(n, 4); /* B, C, D, BX */
        free(list);
        assert_int_equal(vss_wmd_get_component_set(w, b, &list, &n), 0);
        assert_int_equal(n, 2); /* C, D; not BX */
        assert_ptr_equal(list[0], c);
        assert_ptr_equal(list[1], d);
        free(list);
        assert_ptr_equal(vss_wmd_get_selectable_ancestor(w, d), b);
        assert_ptr_equal(vss_wmd_get_selectable_ancestor(w, b), a);
        assert_ptr_equal(vss_wmd_get_selectable_ancestor(w, bx), a);
        assert_null(vss_wmd_get_selectable_ancestor(w, x)); /* "AB" is not below "A" */
        assert_int_equal(vss_wm_component_is_member_of(x, a), 0);
        assert_int_equal(vss_wmd_get_required_components(w, &list, &n), 0);
        assert_int_equal(n, 2); /* AB, AB\X */
        free(list);
        vss_wmd_free(w);
}

static void test_reference_example(void **state) {
        vss_bcd_component *c = NULL, *carrier = NULL;
        vss_bcd *b = NULL;
        char *err = NULL;
        (void) state;

        vss_wmd *w = make_writer(reference, N_ELEMENTS(reference), 0);
        assert_int_equal(vss_bcd_new(&b), 0);

        /* Nothing included yet: no required components to add. */
        assert_int_equal(vss_bcd_add_required_components(b, w), 0);
        assert_int_equal(vss_bcd_get_writer_count(b), 0);

        /* Backing up Db: Db explicitly, and then the required Bin and Bin\Cfg. */
        assert_int_equal(vss_bcd_add_component(b, w, "", "Db", &c, &err), 0);
        assert_null(err);
        assert_string_equal(vss_bcd_component_get_name(c), "Db");
        assert_int_equal(vss_bcd_check_selection(b, w, &err), -VSS_E_INVALID_XML_DOCUMENT);
        assert_string_equal(err, "writers[0].components: the required component 'Bin' is missing");
        free(err);
        assert_int_equal(vss_bcd_add_required_components(b, w), 2);
        assert_int_equal(vss_bcd_add_required_components(b, w), 0);
        vss_bcd_writer *bw = vss_bcd_get_writer(b, 0);
        assert_int_equal(vss_bcd_writer_get_component_count(bw), 3);
        assert_non_null(vss_bcd_writer_find_component(bw, "", "Bin"));
        assert_non_null(vss_bcd_writer_find_component(bw, "Bin", "Cfg"));
        assert_int_equal(vss_bcd_check_selection(b, w, &err), 0);
        assert_null(err);

        /* Db\Data and Db\Logs are included implicitly: their state lives on Db. */
        assert_int_equal(vss_bcd_resolve_component(b, w, "Db", "Data", &carrier), 0);
        assert_ptr_equal(carrier, c);
        assert_int_equal(vss_bcd_resolve_component(b, w, "Db", "Logs", &carrier), 0);
        assert_ptr_equal(carrier, c);
        assert_int_equal(vss_bcd_resolve_component(b, w, "", "Db", &carrier), 1);
        assert_ptr_equal(carrier, c);
        assert_int_equal(vss_bcd_resolve_component(b, w, "Bin", "Cfg", NULL), 1);
        assert_int_equal(
                        vss_bcd_resolve_component(b, w, "", "Nope", NULL), -VSS_E_OBJECT_NOT_FOUND);

        /* What may not be added. */
        assert_int_equal(
                        vss_bcd_add_component(b, w, "Db", "Data", NULL, &err),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_string_equal(
                        err, "'Db\\Data': already included through its selectable ancestor 'Db'");
        free(err);
        assert_int_equal(
                        vss_bcd_add_component(b, w, "", "Db", NULL, &err),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_string_equal(err, "'Db': already explicitly included");
        free(err);
        assert_int_equal(
                        vss_bcd_add_component(b, w, "", "Nope", NULL, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_string_equal(err, "'Nope': the writer has no such component");
        free(err);
        assert_int_equal(
                        vss_bcd_add_component(b, w, NULL, "Nope", NULL, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_string_equal(err, "'Nope': the writer has no such component");
        free(err);
        assert_int_equal(
                        vss_bcd_set_selected_for_restore(b, w, NULL, "Nope", true, NULL, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        free(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(
                                        b, w, NULL, "Nope", "Db", "Data", false, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_string_equal(err, "'Nope': the writer has no such component");
        free(err);
        assert_int_equal(
                        vss_bcd_is_component_restored(b, w, NULL, "Nope"), -VSS_E_OBJECT_NOT_FOUND);
        assert_int_equal(vss_bcd_resolve_component(b, w, NULL, "Db", NULL), 1);

        /* Restoring only Data: select Db, then add Data as a restore subcomponent. */
        assert_int_equal(
                        vss_bcd_set_selected_for_restore(b, w, "Db", "Data", true, NULL, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_string_equal(
                        err, "'Db\\Data': included implicitly through 'Db'; select that component "
                             "and add this one as a "
                             "restore subcomponent");
        free(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "Db", "Db", "Data", false, &err),
                        -EINVAL);
        assert_string_equal(err, "'Db': select it for restore first");
        free(err);
        assert_int_equal(vss_bcd_set_selected_for_restore(b, w, "", "Db", true, NULL, &err), 0);
        assert_null(err);
        assert_true(vss_bcd_component_get_selected_for_restore(c));
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "Db", "Db", "Data", false, &err),
                        0);
        assert_null(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "Db", "Db", "Data", false, &err),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        free(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "Db", "Db", "Logs", false, &err),
                        -EINVAL);
        assert_string_equal(err, "'Db\\Logs': not selectable for restore");
        free(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(
                                        b, w, "", "Bin", "Bin", "Cfg", false, &err),
                        -EINVAL);
        assert_string_equal(err, "'Bin': select it for restore first");
        free(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(
                                        b, w, "Db", "Data", "Db", "Data", false, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        free(err);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "Db", "Db", "Nope", false, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_string_equal(err, "'Db\\Nope': the writer has no such component");
        free(err);
        assert_int_equal(vss_bcd_component_get_restore_subcomponent_count(c), 1);

        /* Only Data is restored. */
        assert_int_equal(vss_bcd_is_component_restored(b, w, "Db", "Data"), 1);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "Db", "Logs"), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "", "Db"), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "", "Bin"), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "", "Nope"), -VSS_E_OBJECT_NOT_FOUND);
        assert_int_equal(vss_bcd_check_selection(b, w, &err), 0);

        /* Any explicitly backed-up component may be selected, selectable for restore or not. */
        assert_int_equal(vss_bcd_set_selected_for_restore(b, w, "Bin", "Cfg", true, NULL, &err), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "Bin", "Cfg"), 1);
        assert_int_equal(
                        vss_bcd_set_selected_for_restore(b, w, "Bin", "Cfg", false, NULL, &err), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "Bin", "Cfg"), 0);

        /* Restore with move needs the schema bit. */
        vss_guid other = example_guid(EXAMPLE_WRITER_INST2);
        assert_int_equal(
                        vss_bcd_set_selected_for_restore(b, w, "", "Db", true, &other, &err),
                        -EINVAL);
        assert_string_equal(
                        err, "'Db': restore to another writer instance needs "
                             "VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE in the "
                             "writer's schema");
        free(err);
        assert_true(vss_guid_is_null(vss_bcd_component_get_restore_instance_id(c)));

        /* Without subcomponents the whole set is restored. */
        vss_bcd_free(b);
        assert_int_equal(vss_bcd_new(&b), 0);
        assert_int_equal(vss_bcd_add_component(b, w, "", "Db", &c, NULL), 0);
        assert_int_equal(vss_bcd_set_selected_for_restore(b, w, "", "Db", true, NULL, NULL), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "Db", "Logs"), 1);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "", "Db"), 1);
        assert_int_equal(
                        vss_bcd_is_component_restored(b, w, "", "Bin"), 0); /* not even backed up */
        assert_int_equal(
                        vss_bcd_set_selected_for_restore(b, w, "", "Bin", true, NULL, &err),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_string_equal(err, "'Bin': not included in the backup, so it cannot be restored");
        free(err);

        vss_bcd_free(b);
        vss_wmd_free(w);
}

static void test_nested_inclusion(void **state) {
        static const Spec nested[] = {
                        {"", "A", true, false},     {"A", "B", true, false},
                        {"A\\B", "C", false, true}, {"", "Lone", false, false},
                        {"", "Other", true, false},
        };
        char *err = NULL;
        vss_bcd *b = NULL;
        (void) state;

        vss_wmd *w =
                        make_writer(nested, N_ELEMENTS(nested),
                                    VSS_BS_INCREMENTAL | VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE);

        /* A non-selectable component with a selectable ancestor cannot be added on its own. */
        assert_int_equal(vss_bcd_new(&b), 0);
        assert_int_equal(vss_bcd_add_component(b, w, "A\\B", "C", NULL, &err), -EINVAL);
        assert_string_equal(
                        err, "'A\\B\\C': not selectable; it is included only through its "
                             "selectable ancestor 'A\\B'");
        free(err);
        assert_int_equal(vss_bcd_get_writer_count(b), 0); /* nothing half-done */

        /* Inner set first, then the outer one: refused (vice versa of the rule). */
        assert_int_equal(vss_bcd_add_component(b, w, "A", "B", NULL, NULL), 0);
        assert_int_equal(
                        vss_bcd_add_component(b, w, "", "A", NULL, &err),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_string_equal(err, "'A': its member 'A\\B' is already explicitly included");
        free(err);
        /* The C carried by B. */
        vss_bcd_component *carrier = NULL;
        assert_int_equal(vss_bcd_resolve_component(b, w, "A\\B", "C", &carrier), 0);
        assert_string_equal(vss_bcd_component_get_name(carrier), "B");
        assert_int_equal(vss_bcd_resolve_component(b, w, "", "A", NULL), -VSS_E_OBJECT_NOT_FOUND);
        /* Lone is required once anything is included. */
        assert_int_equal(vss_bcd_add_required_components(b, w), 1);
        assert_int_equal(vss_bcd_check_selection(b, w, NULL), 0);
        vss_bcd_free(b);

        /* Outer first, then the inner one: refused, it is already included. */
        assert_int_equal(vss_bcd_new(&b), 0);
        assert_int_equal(vss_bcd_add_component(b, w, "", "A", NULL, NULL), 0);
        assert_int_equal(
                        vss_bcd_add_component(b, w, "A", "B", NULL, &err),
                        -VSS_E_OBJECT_ALREADY_EXISTS);
        assert_string_equal(err, "'A\\B': already included through its selectable ancestor 'A'");
        free(err);
        assert_int_equal(vss_bcd_add_component(b, w, "", "Other", NULL, NULL), 0);
        assert_int_equal(vss_bcd_resolve_component(b, w, "A\\B", "C", &carrier), 0);
        assert_string_equal(vss_bcd_component_get_name(carrier), "A");

        /* A subcomponent two levels down, through the outer set; restore with move allowed. */
        vss_guid other = example_guid(EXAMPLE_WRITER_INST2);
        assert_int_equal(vss_bcd_set_selected_for_restore(b, w, "", "A", true, &other, NULL), 0);
        assert_true(vss_guid_equal(vss_bcd_component_get_restore_instance_id(carrier), &other));
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "A", "A\\B", "C", true, &err),
                        0);
        assert_int_equal(
                        vss_bcd_add_restore_subcomponent(b, w, "", "A", "", "Other", false, &err),
                        -EINVAL);
        assert_string_equal(err, "'Other': not implicitly included through 'A'");
        free(err);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "A\\B", "C"), 1);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "A", "B"), 0);
        assert_int_equal(vss_bcd_is_component_restored(b, w, "", "Other"), 0);
        assert_int_equal(vss_bcd_add_required_components(b, w), 1);
        assert_int_equal(vss_bcd_check_selection(b, w, &err), 0);
        assert_null(err);

        /* Deselecting drops the instance. */
        assert_int_equal(vss_bcd_set_selected_for_restore(b, w, "", "A", false, &other, NULL), 0);
        assert_true(vss_guid_is_null(vss_bcd_component_get_restore_instance_id(carrier)));
        vss_bcd_free(b);
        vss_wmd_free(w);
}

/* A BCD edited around the rules (through the raw, document-only adders) is caught by
 * vss_bcd_check_selection() with a message naming the BCD field. */
static void test_check_selection(void **state) {
        vss_bcd_component *c = NULL;
        vss_bcd_writer *bw = NULL;
        vss_bcd *b = NULL;
        char *err = NULL;
        (void) state;

        vss_wmd *w = make_writer(reference, N_ELEMENTS(reference), 0);

#define FRESH()                                                                       \
        do {                                                                          \
                vss_bcd_free(b);                                                      \
                assert_int_equal(vss_bcd_new(&b), 0);                                 \
                assert_int_equal(vss_bcd_add_component(b, w, "", "Db", &c, NULL), 0); \
                assert_int_equal(vss_bcd_add_required_components(b, w), 2);           \
                bw = vss_bcd_get_writer(b, 0);                                        \
        } while (false)
#define EXPECT(message)                                                                            \
        do {                                                                                       \
                assert_int_equal(                                                                  \
                                vss_bcd_check_selection(b, w, &err), -VSS_E_INVALID_XML_DOCUMENT); \
                assert_string_equal(err, (message));                                               \
                free(err);                                                                         \
        } while (false)

        FRESH();
        assert_int_equal(vss_bcd_writer_add_component(bw, VSS_CT_FILEGROUP, "Db", "Data", NULL), 0);
        EXPECT("writers[0].components[3]: 'Db\\Data' is not selectable and is included only "
               "through its ancestor 'Db'");

        FRESH();
        assert_int_equal(vss_bcd_writer_add_component(bw, VSS_CT_FILEGROUP, "", "Ghost", NULL), 0);
        EXPECT("writers[0].components[3]: the writer has no component 'Ghost'");

        vss_bcd_free(b);
        assert_int_equal(vss_bcd_new(&b), 0);
        vss_guid inst = *vss_wmd_get_writer_instance_id(w), cls = *vss_wmd_get_writer_class_id(w);
        assert_int_equal(vss_bcd_add_writer(b, &inst, &cls, NULL, &bw), 0);
        assert_int_equal(vss_bcd_writer_add_component(bw, VSS_CT_DATABASE, "", "Db", NULL), 0);
        EXPECT("writers[0].components[0]: type: 'Db' is a VSS_CT_FILEGROUP in the writer's "
               "metadata");

        FRESH();
        assert_int_equal(vss_bcd_component_set_selected_for_restore(c, true, NULL), 0);
        assert_int_equal(vss_bcd_component_add_restore_subcomponent(c, "Db", "Logs", false), 0);
        EXPECT("writers[0].components[0]: restore_subcomponents[0]: 'Db\\Logs' is not selectable "
               "for restore");

        FRESH();
        assert_int_equal(vss_bcd_component_add_restore_subcomponent(c, "Db", "Gone", false), 0);
        EXPECT("writers[0].components[0]: restore_subcomponents[0]: the writer has no component "
               "'Db\\Gone'");

        FRESH();
        assert_int_equal(vss_bcd_component_add_new_target(c, "/elsewhere", "*", false, "/new"), 0);
        EXPECT("writers[0].components[0]: new_targets[0]: must name a file set of the component or "
               "of its set");

        FRESH();
        assert_int_equal(
                        vss_bcd_component_add_alternate_location_mapping(c, "/a", "*", false, "/m"),
                        0);
        EXPECT("writers[0].components[0]: alternate_location_mappings[0]: the writer declares no "
               "such alternate "
               "location mapping");

        /* A writer that is not in the BCD passes. */
        vss_wmd *reports = example_reports_wmd();
        assert_int_equal(vss_bcd_check_selection(b, reports, &err), 0);
        assert_null(err);
        vss_wmd_free(reports);
#undef FRESH
#undef EXPECT
        vss_bcd_free(b);
        vss_wmd_free(w);

        /* The rich example passes, with its new target on a member's file set and its used
         * mapping. */
        b = example_bcd();
        w = example_wmd();
        reports = example_reports_wmd();
        assert_int_equal(vss_bcd_check_selection(b, w, &err), 0);
        assert_null(err);
        assert_int_equal(vss_bcd_check_selection(b, reports, &err), 0);
        vss_bcd_component *sales =
                        vss_bcd_writer_find_component(vss_bcd_get_writer(b, 0), "", "Sales");
        assert_int_equal(
                        vss_bcd_component_add_alternate_location_mapping(
                                        sales, "/srv/exports/sales", "*.csv", true, "/other"),
                        0);
        assert_int_equal(vss_bcd_check_selection(b, w, &err), -VSS_E_INVALID_XML_DOCUMENT);
        assert_string_equal(
                        err, "writers[0].components[0]: alternate_location_mappings[1]: the writer "
                             "declares no such alternate "
                             "location mapping");
        free(err);
        vss_bcd_free(b);
        vss_wmd_free(w);
        vss_wmd_free(reports);
}

static void test_dependencies(void **state) {
        const vss_wm_dependency **deps = NULL;
        char *machine = NULL, *lp = NULL, *name = NULL;
        vss_bcd *b = NULL;
        size_t n = 99;
        (void) state;

        vss_wmd *w = example_wmd();
        assert_int_equal(vss_bcd_new(&b), 0);
        assert_int_equal(vss_bcd_get_needed_dependencies(b, w, &deps, &n), 0);
        assert_int_equal(n, 0);
        assert_null(deps);

        /* Config alone needs nothing. */
        assert_int_equal(vss_bcd_add_component(b, w, "", "Config", NULL, NULL), 0);
        assert_int_equal(vss_bcd_get_needed_dependencies(b, w, &deps, &n), 0);
        assert_int_equal(n, 0);
        free(deps);

        /* Sales brings Sales\Exports, whose dependencies are needed: one local, one remote. */
        assert_int_equal(vss_bcd_add_component(b, w, "", "Sales", NULL, NULL), 0);
        assert_int_equal(vss_bcd_get_needed_dependencies(b, w, &deps, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(vss_wm_dependency_get_logical_path(deps[0]), "Reports");
        assert_string_equal(vss_wm_dependency_get_component_name(deps[0]), "Daily");
        assert_int_equal(vss_wm_dependency_get_remote(deps[0], &machine, &lp, &name), 0);
        assert_int_equal(vss_wm_dependency_get_remote(deps[1], &machine, &lp, &name), 1);
        assert_string_equal(machine, "reportsrv");
        assert_string_equal(lp, "Reports");
        assert_string_equal(name, "Weekly");
        free(machine);
        free(lp);
        free(name);

        /* The local target is satisfied once the reports writer's set that holds it is included. */
        vss_wmd *reports = example_reports_wmd();
        assert_int_equal(
                        vss_bcd_resolve_component(
                                        b, reports, vss_wm_dependency_get_logical_path(deps[0]),
                                        vss_wm_dependency_get_component_name(deps[0]), NULL),
                        -VSS_E_OBJECT_NOT_FOUND);
        assert_int_equal(vss_bcd_add_component(b, reports, "", "Reports", NULL, NULL), 0);
        assert_int_equal(
                        vss_bcd_resolve_component(
                                        b, reports, vss_wm_dependency_get_logical_path(deps[0]),
                                        vss_wm_dependency_get_component_name(deps[0]), NULL),
                        0);
        free(deps);

        /* Duplicate targets are listed once. */
        vss_guid rc = example_guid(EXAMPLE_REPORTS_CLASS);
        assert_int_equal(
                        vss_wmd_add_component_dependency(w, "", "Sales", &rc, "Reports", "Daily"),
                        0);
        assert_int_equal(vss_bcd_get_needed_dependencies(b, w, &deps, &n), 0);
        assert_int_equal(n, 2);
        free(deps);

        /* A remote target written on the name is recognized too. */
        assert_int_equal(
                        vss_wmd_add_component_dependency(
                                        w, "", "Config", &rc, "", "\\\\10.1.2.3\\Reports\\Monthly"),
                        0);
        assert_int_equal(vss_bcd_get_needed_dependencies(b, w, &deps, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(vss_wm_dependency_get_remote(deps[0], &machine, &lp, &name), 1);
        assert_string_equal(machine, "10.1.2.3");
        assert_string_equal(lp, "Reports");
        assert_string_equal(name, "Monthly");
        free(machine);
        free(lp);
        free(name);
        free(deps);

        assert_int_equal(vss_bcd_get_needed_dependencies(NULL, w, &deps, &n), -EINVAL);
        vss_bcd_free(b);
        vss_wmd_free(reports);
        vss_wmd_free(w);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_full_path),
                        cmocka_unit_test(test_sets_and_ancestors),
                        cmocka_unit_test(test_reference_example),
                        cmocka_unit_test(test_nested_inclusion),
                        cmocka_unit_test(test_check_selection),
                        cmocka_unit_test(test_dependencies),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
