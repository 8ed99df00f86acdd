/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Allocation failures (STYLE §4.11): the allocators are wrapped at link time (-Wl,--wrap) and
 * jansson is pointed at the same allocator, so that the Nth allocation can be made to fail. Each
 * operation runs with N = 1, 2, ... until it completes without a failure; every earlier run must
 * fail cleanly with -ENOMEM (or, where a document error is the expected outcome, with that error
 * or -ENOMEM) and leave nothing behind, which the sanitizer build's leak checker verifies. */

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

static unsigned fail_at;    /* 0: never fail; N: fail the Nth allocation */
static unsigned n_allocs;   /* allocations seen since the counter was reset */
static unsigned n_failures; /* allocations made to fail */
static bool fail_jansson;   /* jansson's allocations may be failed too */

static bool should_fail(void) {
        if (fail_at == 0)
                return false;
        if (++n_allocs != fail_at)
                return false;
        n_failures++;
        errno = ENOMEM;
        return true;
}

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_reallocarray(void *p, size_t n, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **ret, const char *format, va_list ap);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_reallocarray(void *p, size_t n, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **ret, const char *format, va_list ap);
int __wrap_asprintf(char **ret, const char *format, ...);

void *__wrap_malloc(size_t size) {
        return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size) {
        return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size) {
        return should_fail() ? NULL : __real_realloc(p, size);
}

void *__wrap_reallocarray(void *p, size_t n, size_t size) {
        return should_fail() ? NULL : __real_reallocarray(p, n, size);
}

char *__wrap_strdup(const char *s) {
        return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n) {
        return should_fail() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **ret, const char *format, va_list ap) {
        return should_fail() ? -1 : __real_vasprintf(ret, format, ap);
}

int __wrap_asprintf(char **ret, const char *format, ...) {
        va_list ap;

        if (should_fail())
                return -1;
        va_start(ap, format);
        int r = __real_vasprintf(ret, format, ap);
        va_end(ap);
        return r;
}

static void *json_malloc(size_t size) {
        if (fail_jansson && should_fail())
                return NULL;
        return __real_malloc(size);
}

static void json_free(void *p) {
        free(p);
}

static char *wmd_json;
static size_t wmd_size;

/* Runs 'op' failing allocation 1, 2, ... until it runs through without a failure. 'expected' is
 * the result of a run without failures; a run with a failure must give -ENOMEM or, if
 * 'also_ok' is not 0, that code. With 'jansson', jansson's allocations are failed as well as
 * ours. Operations that parse JSON run without: jansson 2.14's lexer ignores allocation
 * failures of its token buffer (upstream issue akheron/jansson#362), so failing them tests
 * jansson, not this library (docs/DOCUMENTS.md §1). */
static void run(const char *name, int (*op)(void), int expected, int also_ok, bool jansson) {
        unsigned n;

        for (n = 1;; n++) {
                fail_at = n;
                fail_jansson = jansson;
                n_allocs = 0;
                n_failures = 0;
                int r = op();
                fail_at = 0;
                if (n_failures == 0) {
                        if (r != expected)
                                fail_msg("%s: %d without failures, expected %d", name, r, expected);
                        break;
                }
                if (r != -ENOMEM && (also_ok == 0 || r != also_ok))
                        fail_msg("%s: allocation %u failed, result %d instead of -ENOMEM", name, n,
                                 r);
        }
        print_message("# %s: %u allocations, each failure handled\n", name, n - 1);
}

static char *bcd_json;
static size_t bcd_size;

static int op_wmd_from_json(void) {
        vss_wmd *w = NULL;
        char *err = NULL;
        int r = vss_wmd_from_json(wmd_json, wmd_size, &w, &err);
        if (r < 0 && w)
                return -EBADE;
        vss_wmd_free(w);
        free(err);
        return r;
}

static vss_wmd *loaded_wmd;
static vss_bcd *loaded_bcd;

static int op_wmd_save(void) {
        char *json = NULL;
        int r = vss_wmd_to_json(loaded_wmd, &json, NULL, NULL);
        if (r >= 0 && strcmp(json, wmd_json) != 0)
                r = -EBADE;
        free(json);
        return r;
}

static int op_bcd_from_json(void) {
        vss_bcd *b = NULL;
        char *err = NULL;
        int r = vss_bcd_from_json(bcd_json, bcd_size, &b, &err);
        if (r < 0 && b)
                return -EBADE;
        vss_bcd_free(b);
        free(err);
        return r;
}

static int op_bcd_save(void) {
        char *json = NULL;
        int r = vss_bcd_to_json(loaded_bcd, &json, NULL, NULL);
        if (r >= 0 && strcmp(json, bcd_json) != 0)
                r = -EBADE;
        free(json);
        return r;
}

/* A document error whose message cannot be made is reported as -ENOMEM. */
static int op_invalid_with_message(void) {
        static const char text[] = "{\"format\":\"linvss-writer-metadata\",\"version\":1,"
                                   "\"identity\":{\"writer_name\":\"\"}}";
        vss_wmd *w = NULL;
        char *err = NULL;
        int r = vss_wmd_from_json(text, sizeof text - 1, &w, &err);
        if (r == -VSS_E_INVALID_XML_DOCUMENT && !err)
                return -EBADE;
        vss_wmd_free(w);
        free(err);
        return r;
}

#define TRY(call)                  \
        do {                       \
                r = (call);        \
                if (r < 0)         \
                        goto done; \
        } while (false)

/* The builder: a component of each kind with file sets, a dependency, the writer-wide lists. */
static int op_build_wmd(void) {
        vss_guid c = example_guid(EXAMPLE_WRITER_CLASS), i = example_guid(EXAMPLE_WRITER_INST),
                 o = example_guid(EXAMPLE_REPORTS_CLASS);
        char *machine = NULL, *lp = NULL, *name = NULL;
        vss_wmd *w = NULL;
        int r;

        TRY(vss_wmd_new(&w));
        TRY(vss_wmd_set_writer_class_id(w, &c));
        TRY(vss_wmd_set_writer_instance_id(w, &i));
        TRY(vss_wmd_set_writer_name(w, "W"));
        TRY(vss_wmd_set_instance_name(w, "one"));
        TRY(vss_wmd_set_usage_type(w, VSS_UT_OTHER));
        TRY(vss_wmd_set_restore_method(
                        w, VSS_RME_STOP_RESTORE_START, "s.service", "proc", VSS_WRE_ALWAYS, false));
        TRY(vss_wmd_add_component(
                        w, VSS_CT_FILEGROUP, "", "F", "cap", example_icon, sizeof example_icon,
                        false, false, true, false, 0));
        TRY(vss_wmd_add_files_to_file_group(w, "", "F", "/f", "*", true, "/alt", VSS_FSBT_DEFAULT));
        TRY(vss_wmd_add_component(
                        w, VSS_CT_DATABASE, "F", "D", NULL, NULL, 0, false, false, false, true, 0));
        TRY(vss_wmd_add_database_files(w, "F", "D", "/d", "*.db", VSS_FSBT_DEFAULT));
        TRY(vss_wmd_add_database_log_files(w, "F", "D", "/d", "*.log", VSS_FSBT_DEFAULT));
        TRY(vss_wmd_add_component_dependency(w, "F", "D", &o, "\\\\srv\\X", "Y"));
        TRY(vss_wmd_add_alternate_location_mapping(w, "/f", "*", true, "/r"));
        TRY(vss_wmd_add_exclude_files(w, "/f", "*.tmp", true));
        TRY(vss_wmd_add_exclude_files_from_snapshot(w, "/f", "*.lock", true));
        TRY(vss_wmd_add_include_files(w, "/i", "*", false, NULL));
        TRY(vss_wm_dependency_get_remote(
                        vss_wm_component_get_dependency(vss_wmd_find_component(w, "F", "D"), 0),
                        &machine, &lp, &name));
        r = vss_wmd_validate(w, NULL);
done:
        free(machine);
        free(lp);
        free(name);
        vss_wmd_free(w);
        return r;
}

/* Every BCD setter that allocates. */
static int op_build_bcd(void) {
        vss_guid i = example_guid(EXAMPLE_WRITER_INST), c = example_guid(EXAMPLE_WRITER_CLASS);
        vss_bcd_writer *w = NULL;
        vss_bcd_component *x = NULL;
        vss_bcd *b = NULL;
        int r;

        TRY(vss_bcd_new(&b));
        TRY(vss_bcd_add_writer(b, &i, &c, "name", &w));
        TRY(vss_bcd_writer_add_component(w, VSS_CT_DATABASE, "", "D", &x));
        TRY(vss_bcd_component_set_backup_options(x, "o"));
        TRY(vss_bcd_component_set_restore_options(x, "o"));
        TRY(vss_bcd_component_set_backup_metadata(x, "m"));
        TRY(vss_bcd_component_set_restore_metadata(x, "m"));
        TRY(vss_bcd_component_set_backup_stamp(x, "s"));
        TRY(vss_bcd_component_set_previous_backup_stamp(x, "s"));
        TRY(vss_bcd_component_add_partial_file(x, "/p", "f", "0:1", "meta"));
        TRY(vss_bcd_component_add_partial_file(x, "/p", "g", "/r.ranges", NULL));
        TRY(vss_bcd_component_set_ranges_file_path(x, 1, "/s.ranges"));
        TRY(vss_bcd_component_add_differenced_files_by_last_modify_time(x, "/p", "*", true, 5));
        TRY(vss_bcd_component_add_differenced_files_by_last_modify_lsn(x, "/p", "*", true, "lsn"));
        TRY(vss_bcd_component_set_selected_for_restore(x, true, &i));
        TRY(vss_bcd_component_add_restore_subcomponent(x, "D", "S", false));
        TRY(vss_bcd_component_add_directed_target(x, "/s", "a", "0:2", "/d", "b", "0:1,5:1"));
        TRY(vss_bcd_component_add_new_target(x, "/p", "*", true, "/n"));
        TRY(vss_bcd_component_add_alternate_location_mapping(x, "/p", "*", true, "/m"));
        TRY(vss_bcd_component_set_prepare_for_backup_failure_message(x, "a"));
        TRY(vss_bcd_component_set_post_snapshot_failure_message(x, "b"));
        TRY(vss_bcd_component_set_pre_restore_failure_message(x, "c"));
        TRY(vss_bcd_component_set_post_restore_failure_message(x, "d"));
        TRY(vss_bcd_component_set_failure(x, 1, 2, "e"));
        TRY(vss_bcd_component_set_roll_forward(x, VSS_RF_PARTIAL, "p"));
        TRY(vss_bcd_component_set_restore_name(x, "n"));
        r = vss_bcd_validate(b, NULL);
done:
        vss_bcd_free(b);
        return r;
}

/* The selection algebra on the example writers. */
static vss_wmd *selection_wmd;

static int op_selection_steps(void) {
        const vss_wm_component **list = NULL;
        const vss_wm_dependency **deps = NULL;
        vss_bcd_component *carrier = NULL;
        char *err = NULL, *full = NULL;
        vss_bcd *b = NULL;
        size_t n = 0;
        int r;

        TRY(vss_bcd_new(&b));
        TRY(vss_component_full_path("Sales", "Archive", &full));
        TRY(vss_wmd_get_component_set(
                        selection_wmd, vss_wmd_find_component(selection_wmd, "", "Sales"), &list,
                        &n));
        free(list);
        list = NULL;
        TRY(vss_wmd_get_required_components(selection_wmd, &list, &n));
        TRY(vss_bcd_add_component(b, selection_wmd, "", "Sales", NULL, &err));
        TRY(vss_bcd_add_required_components(b, selection_wmd));
        TRY(vss_bcd_resolve_component(b, selection_wmd, "Sales", "Archive", &carrier));
        TRY(vss_bcd_set_selected_for_restore(b, selection_wmd, "", "Sales", true, NULL, &err));
        TRY(vss_bcd_add_restore_subcomponent(
                        b, selection_wmd, "", "Sales", "Sales", "Archive", false, &err));
        TRY(vss_bcd_is_component_restored(b, selection_wmd, "Sales", "Archive"));
        TRY(vss_bcd_check_selection(b, selection_wmd, &err));
        TRY(vss_bcd_get_needed_dependencies(b, selection_wmd, &deps, &n));
        /* A refusal with a message. */
        r = vss_bcd_add_component(b, selection_wmd, "Sales", "Archive", NULL, &err);
        if (r == -VSS_E_OBJECT_ALREADY_EXISTS && err)
                r = 0;
done:
        free(err);
        free(full);
        free(list);
        free(deps);
        vss_bcd_free(b);
        return r;
}

static int op_ranges(void) {
        vss_range *ranges = NULL, *decoded = NULL;
        char *text = NULL;
        void *bin = NULL;
        size_t n = 0, size = 0, k = 0;
        int r;

        TRY(vss_ranges_parse("0:4096,0x100000:65536,7:1", &ranges, &n));
        TRY(vss_ranges_format(ranges, n, &text));
        TRY(vss_ranges_encode(ranges, n, &bin, &size));
        TRY(vss_ranges_decode(bin, size, &decoded, &k));
done:
        free(ranges);
        free(decoded);
        free(text);
        free(bin);
        return r;
}

static void test_documents(void **state) {
        (void) state;

        run("vss_wmd_from_json", op_wmd_from_json, 0, 0, false);
        run("vss_wmd_to_json", op_wmd_save, 0, 0, true);
        run("vss_bcd_from_json", op_bcd_from_json, 0, 0, false);
        run("vss_bcd_to_json", op_bcd_save, 0, 0, true);
        run("invalid document", op_invalid_with_message, -VSS_E_INVALID_XML_DOCUMENT, 0, false);
        run("WMD builder", op_build_wmd, 0, 0, false);
        run("BCD setters", op_build_bcd, 0, 0, false);
        run("selection algebra", op_selection_steps, 0, 0, false);
        run("ranges", op_ranges, 0, 0, false);
}

static int setup(void **state) {
        (void) state;
        json_set_alloc_funcs(json_malloc, json_free);
        wmd_json = example_read_file(EXAMPLE_WMD_PATH, &wmd_size);
        bcd_json = example_read_file(EXAMPLE_BCD_PATH, &bcd_size);
        assert_int_equal(vss_wmd_from_json(wmd_json, wmd_size, &loaded_wmd, NULL), 0);
        assert_int_equal(vss_bcd_from_json(bcd_json, bcd_size, &loaded_bcd, NULL), 0);
        selection_wmd = example_wmd();
        return 0;
}

static int teardown(void **state) {
        (void) state;
        vss_wmd_free(loaded_wmd);
        vss_bcd_free(loaded_bcd);
        vss_wmd_free(selection_wmd);
        free(wmd_json);
        free(bcd_json);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_documents),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
