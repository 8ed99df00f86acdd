/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The requester library against the real vssd, with scripted writers (vssd-harness.c) that
 * return real writer metadata: the backup and restore sequences in VSS order and every call out
 * of order, the selection rules, the writers' parts of the document (split, merged, and refused
 * when a writer returns garbage or another writer's part), vetoes, exclusivity, restore features
 * and the schema bits they need, saving and loading, the end of a session, and a vssd that is
 * not there. The library's calls block, so they run in a second thread while this one plays the
 * writers. */

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <vss/vss-metadata.h>
#include <vss/vss-requester.h>
#include <vss/vss.h>

#include "time-util.h"
#include "vssd-harness.h"

#define CLASS_A "{11111111-1111-4111-8111-111111111111}"
#define CLASS_B "{22222222-2222-4222-8222-222222222222}"
#define CLASS_C "{33333333-3333-4333-8333-333333333333}"
#define CLASS_D "{44444444-4444-4444-8444-444444444444}"

#define ALL_RESTORE_BITS                                                                         \
        (VSS_BS_WRITER_SUPPORTS_NEW_TARGET | VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE |          \
         VSS_BS_ROLLFORWARD_RESTORE | VSS_BS_RESTORE_RENAME | VSS_BS_AUTHORITATIVE_RESTORE)

static Harness H;
static bool vssd_gone; /* the test stopped vssd itself */

static int setup(void **state) {
        (void) state;
        vssd_gone = false;
        h_start(&H, NULL);
        return 0;
}

static int teardown(void **state) {
        (void) state;
        int status = h_stop(&H);
        if (!vssd_gone) {
                assert_true(WIFEXITED(status));
                assert_int_equal(WEXITSTATUS(status), 0);
        }
        return 0;
}

/* ---- Running blocking calls while the writers answer -------------------------------------- */

typedef enum Op {
        OP_GATHER,
        OP_START,
        OP_ADD_VOLUME,
        OP_PREPARE,
        OP_SNAPSHOT,
        OP_PROPERTIES,
        OP_COMPLETE,
        OP_ABORT,
        OP_STATUS,
        OP_PRE_RESTORE,
        OP_POST_RESTORE,
        OP_FREE,
} Op;

typedef struct Job {
        vss_requester *r;
        Op op;
        const char *arg;
        int result;
        atomic_bool done;
} Job;

static void *job_main(void *p) {
        Job *j = p;
        vss_guid g;

        switch (j->op) {
        case OP_GATHER:
                j->result = vss_requester_gather_writer_metadata(j->r);
                break;
        case OP_START:
                j->result = vss_requester_start_snapshot_set(j->r, &g);
                break;
        case OP_ADD_VOLUME:
                j->result = vss_requester_add_to_snapshot_set(j->r, j->arg, NULL, &g);
                break;
        case OP_PREPARE:
                j->result = vss_requester_prepare_for_backup(j->r);
                break;
        case OP_SNAPSHOT:
                j->result = vss_requester_do_snapshot_set(j->r);
                break;
        case OP_PROPERTIES:
                (void) vss_guid_from_string(CLASS_D, &g);
                j->result = vss_requester_get_snapshot_properties(j->r, &g, NULL, NULL, NULL);
                break;
        case OP_COMPLETE:
                j->result = vss_requester_backup_complete(j->r);
                break;
        case OP_ABORT:
                j->result = vss_requester_abort_backup(j->r);
                break;
        case OP_STATUS:
                j->result = vss_requester_gather_writer_status(j->r);
                break;
        case OP_PRE_RESTORE:
                j->result = vss_requester_pre_restore(j->r);
                break;
        case OP_POST_RESTORE:
                j->result = vss_requester_post_restore(j->r);
                break;
        case OP_FREE:
                j->result = 0;
                (void) vss_requester_free(j->r);
                break;
        }
        atomic_store(&j->done, true);
        return NULL;
}

static int run_arg(vss_requester *r, Op op, const char *arg) {
        Job j = {.r = r, .op = op, .arg = arg};
        pthread_t t;

        assert_int_equal(pthread_create(&t, NULL, job_main, &j), 0);
        while (!atomic_load(&j.done))
                h_pump(&H, 5);
        assert_int_equal(pthread_join(t, NULL), 0);
        return j.result;
}

static int run(vss_requester *r, Op op) {
        return run_arg(r, op, NULL);
}

#define EXPECT_OK(r, call)                                                                         \
        do {                                                                                       \
                int _k = (call);                                                                   \
                if (_k < 0)                                                                        \
                        fail_msg("%s failed: %s: %s", #call, vss_strerror(_k),                     \
                                 vss_requester_get_error(r) ?: "(no message)");                    \
        } while (0)

static void expect_err(vss_requester *r, int k, const char *call, int want, const char *fragment) {
        const char *e = vss_requester_get_error(r);
        if (k != want)
                fail_msg("%s returned %d (%s), expected %d (%s): %s", call, k, vss_strerror(k),
                         want, vss_strerror(want), e ? e : "(no message)");
        if (fragment && (!e || !strstr(e, fragment)))
                fail_msg("%s: message '%s' does not mention '%s'", call, e ? e : "", fragment);
}

#define EXPECT_ERR(r, call, want, fragment) expect_err((r), (call), #call, (want), (fragment))

#define EXPECT_LOG(want)                                                                           \
        do {                                                                                       \
                if (strcmp(H.log, want) != 0)                                                      \
                        fail_msg("events:\n  %s\nexpected:\n  %s", H.log, want);                   \
        } while (0)

/* ---- Scripted writers with real metadata -------------------------------------------------- */

static vss_guid guid(const char *s) {
        vss_guid g;
        assert_int_equal(vss_guid_from_string(s, &g), 0);
        return g;
}

/* The writer of VSS-REFERENCE §1.5's example, plus a second selectable component:
 *   Bin (required), Bin\Cfg (required), Db (selectable), Db\Data (selectable for restore),
 *   Db\Logs, Extra (selectable, with an alternate location mapping). */
static json_t *make_wmd(
                const HWriter *w,
                const char *class_id,
                const char *instance_name,
                const char *level,
                uint32_t schema,
                VSS_WRITERRESTORE_ENUM writer_restore) {
        vss_wmd *wmd = NULL;
        vss_guid g;
        char dir[256];
        VSS_APPLICATION_LEVEL l;

        assert_int_equal(vss_wmd_new(&wmd), 0);
        g = guid(class_id);
        assert_int_equal(vss_wmd_set_writer_class_id(wmd, &g), 0);
        g = guid(w->instance_id);
        assert_int_equal(vss_wmd_set_writer_instance_id(wmd, &g), 0);
        assert_int_equal(vss_wmd_set_instance_name(wmd, instance_name), 0);
        assert_int_equal(vss_wmd_set_writer_name(wmd, w->name), 0);
        assert_int_equal(vss_wmd_set_usage_type(wmd, VSS_UT_USERDATA), 0);
        assert_int_equal(vss_wmd_set_source_type(wmd, VSS_ST_OTHER), 0);
        assert_int_equal(vss_application_level_from_string(level, &l), 0);
        assert_int_equal(vss_wmd_set_application_level(wmd, l), 0);
        assert_int_equal(
                        vss_wmd_set_restore_method(
                                        wmd, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL, NULL,
                                        writer_restore, false),
                        0);
        assert_int_equal(vss_wmd_set_backup_schema(wmd, schema), 0);

        static const struct {
                const char *lp, *name, *dir, *spec;
                bool selectable, selectable_for_restore;
        } components[] = {
                        {"", "Bin", "bin", "*", false, false},
                        {"Bin", "Cfg", "etc", "*.conf", false, false},
                        {"", "Db", "db", "*.db", true, false},
                        {"Db", "Data", "db/data", "*", false, true},
                        {"Db", "Logs", "db/logs", "*.log", false, false},
                        {"", "Extra", "extra", "*", true, false},
        };
        for (size_t i = 0; i < sizeof components / sizeof components[0]; i++) {
                assert_int_equal(
                                vss_wmd_add_component(
                                                wmd, VSS_CT_FILEGROUP, components[i].lp,
                                                components[i].name, NULL, NULL, 0, false, true,
                                                components[i].selectable,
                                                components[i].selectable_for_restore, 0),
                                0);
                (void) snprintf(dir, sizeof dir, "/srv/%s/%s", w->name, components[i].dir);
                char full[64];
                (void) snprintf(full, sizeof full, "%s%s%s", components[i].lp,
                                components[i].lp[0] ? "\\" : "", components[i].name);
                (void) full;
                assert_int_equal(
                                vss_wmd_add_files_to_file_group(
                                                wmd, components[i].lp, components[i].name, dir,
                                                components[i].spec, true, NULL, VSS_FSBT_DEFAULT),
                                0);
        }
        (void) snprintf(dir, sizeof dir, "/srv/%s/extra", w->name);
        char dest[256];
        (void) snprintf(dest, sizeof dest, "/srv/%s/extra.alt", w->name);
        assert_int_equal(vss_wmd_add_alternate_location_mapping(wmd, dir, "*", true, dest), 0);

        char *text = NULL, *err = NULL;
        if (vss_wmd_to_json(wmd, &text, NULL, &err) < 0)
                fail_msg("test metadata is invalid: %s", err);
        json_t *o = json_loads(text, 0, NULL);
        assert_non_null(o);
        free(text);
        vss_wmd_free(wmd);
        return o;
}

static HWriter *writer_full(
                const char *name,
                const char *class_id,
                const char *instance_name,
                const char *level,
                uint32_t schema,
                VSS_WRITERRESTORE_ENUM writer_restore) {
        HWriter *w = h_writer(&H, name, class_id, instance_name, level, 60000);
        w->wmd = make_wmd(w, class_id, instance_name, level, schema, writer_restore);
        return w;
}

static HWriter *writer(const char *name, const char *class_id, const char *level) {
        return writer_full(name, class_id, NULL, level, 0, VSS_WRE_ALWAYS);
}

static vss_requester *new_requester(void) {
        vss_requester *r = NULL;
        assert_int_equal(vss_requester_new(H.socket, &r), 0);
        return r;
}

static vss_requester *new_backup(void) {
        vss_requester *r = new_requester();
        EXPECT_OK(r, vss_requester_initialize_for_backup(r, NULL));
        EXPECT_OK(r, vss_requester_set_backup_state(r, true, false, VSS_BT_FULL, false));
        return r;
}

static void add(vss_requester *r, const HWriter *w, const char *class_id, const char *lp,
                const char *name) {
        vss_guid i = guid(w->instance_id), c = guid(class_id);
        EXPECT_OK(r, vss_requester_add_component(r, &i, &c, VSS_CT_FILEGROUP, lp, name));
}

static int add_result(
                vss_requester *r, const HWriter *w, const char *class_id, const char *lp,
                const char *name) {
        vss_guid i = guid(w->instance_id), c = guid(class_id);
        return vss_requester_add_component(r, &i, &c, VSS_CT_FILEGROUP, lp, name);
}

/* The state (and failure) of a writer in the last gathered status. */
static VSS_WRITER_STATE state_of(const vss_requester *r, const HWriter *w, int *ret_failure) {
        vss_guid want = guid(w->instance_id);
        for (size_t i = 0; i < vss_requester_get_writer_status_count(r); i++) {
                vss_guid id;
                VSS_WRITER_STATE s;
                int failure;
                assert_int_equal(
                                vss_requester_get_writer_status(
                                                r, i, &id, NULL, NULL, &s, &failure, NULL, NULL),
                                0);
                if (vss_guid_equal(&id, &want)) {
                        if (ret_failure)
                                *ret_failure = failure;
                        return s;
                }
        }
        fail_msg("writer %s is not in the status", w->name);
        return VSS_WS_UNKNOWN;
}

static const vss_bcd_component *
bcd_component(const vss_requester *r, const HWriter *w, const char *class_id, const char *lp,
              const char *name) {
        vss_guid i = guid(w->instance_id), c = guid(class_id);
        const vss_bcd_writer *e = vss_bcd_find_writer(vss_requester_get_backup_components(r), &i, &c);
        return e ? vss_bcd_writer_find_component(e, lp, name) : NULL;
}

static const char *part_string(const json_t *part, const char *field) {
        return json_string_value(json_object_get(part, field));
}

static json_t *component_of(json_t *part, const char *name) {
        json_t *comps = json_object_get(json_array_get(json_object_get(part, "writers"), 0),
                                        "components");
        size_t i;
        json_t *c;
        json_array_foreach(comps, i, c) if (strcmp(part_string(c, "name"), name) == 0) return c;
        return NULL;
}

/* ---- The backup sequence ---------------------------------------------------------------- */

static void test_backup_sequence(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_BACK_END");
        HWriter *c = writer("C", CLASS_C, "VSS_APP_SYSTEM");

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        EXPECT_LOG("A:identify B:identify C:identify");
        assert_int_equal(vss_requester_get_writer_metadata_count(r), 3);
        vss_guid id;
        const vss_wmd *wmd = vss_requester_get_writer_metadata(r, 1, &id);
        assert_non_null(wmd);
        assert_string_equal(vss_wmd_get_writer_name(wmd), "B");
        vss_guid want = guid(b->instance_id);
        assert_true(vss_guid_equal(&id, &want));
        assert_null(vss_requester_get_writer_metadata(r, 3, &id));
        assert_int_equal(vss_requester_get_writer_error_count(r), 0);

        /* The status before PrepareForBackup: every writer that answered Identify. */
        EXPECT_OK(r, run(r, OP_STATUS));
        assert_int_equal(vss_requester_get_writer_status_count(r), 3);
        assert_int_equal(state_of(r, a, NULL), VSS_WS_STABLE);

        add(r, a, CLASS_A, "", "Db");
        add(r, b, CLASS_B, "", "Extra");
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_OK(r, run(r, OP_PREPARE));
        /* C has nothing included: it takes no part. */
        EXPECT_LOG("A:prepare-backup B:prepare-backup");
        /* The required components came with the first included component of each writer. */
        assert_non_null(bcd_component(r, a, CLASS_A, "", "Bin"));
        assert_non_null(bcd_component(r, a, CLASS_A, "Bin", "Cfg"));
        assert_non_null(bcd_component(r, b, CLASS_B, "Bin", "Cfg"));

        /* Each writer got a document with the global state and only its own entry. */
        const json_t *part = a->last_bcd[PROTO_EVENT_PREPARE_BACKUP];
        assert_non_null(part);
        assert_string_equal(part_string(part, "format"), "linvss-backup-components");
        assert_true(json_is_true(json_object_get(json_object_get(part, "backup_state"),
                                                 "select_components")));
        const json_t *writers = json_object_get(part, "writers");
        assert_int_equal(json_array_size(writers), 1);
        assert_string_equal(part_string(json_array_get(writers, 0), "instance_id"), a->instance_id);
        assert_int_equal(json_array_size(json_object_get(json_array_get(writers, 0), "components")),
                         3);

        EXPECT_OK(r, run(r, OP_STATUS));
        assert_int_equal(vss_requester_get_writer_status_count(r), 2);
        assert_int_equal(state_of(r, b, NULL), VSS_WS_STABLE);

        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        EXPECT_LOG("A:prepare-snapshot B:prepare-snapshot A:freeze B:freeze B:thaw A:thaw "
                   "A:post-snapshot B:post-snapshot");
        /* PostSnapshot carried the parts too. */
        assert_non_null(a->last_bcd[PROTO_EVENT_POST_SNAPSHOT]);
        EXPECT_OK(r, run(r, OP_STATUS));
        assert_int_equal(state_of(r, a, NULL), VSS_WS_WAITING_FOR_BACKUP_COMPLETE);

        vss_guid ia = guid(a->instance_id), ca = guid(CLASS_A);
        EXPECT_OK(r, vss_requester_set_backup_succeeded(r, &ia, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                        true));
        EXPECT_ERR(r,
                   vss_requester_set_backup_succeeded(r, &ia, &ca, VSS_CT_FILEGROUP, "Db", "Data",
                                                      true),
                   -VSS_E_OBJECT_NOT_FOUND, "explicitly included");
        assert_true(vss_bcd_component_get_backup_succeeded(bcd_component(r, a, CLASS_A, "", "Db")));

        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_COMPLETE));
        EXPECT_LOG("A:backup-complete B:backup-complete");
        /* BackupComplete carries the document with the succeeded flags. */
        const json_t *comp = component_of(a->last_bcd[PROTO_EVENT_BACKUP_COMPLETE], "Db");
        assert_non_null(comp);
        assert_true(json_is_true(json_object_get(comp, "backup_succeeded")));
        EXPECT_OK(r, run(r, OP_STATUS));
        assert_int_equal(state_of(r, b, NULL), VSS_WS_STABLE);

        char *saved = NULL;
        EXPECT_OK(r, vss_requester_save_as_json(r, &saved));
        vss_bcd *bcd = NULL;
        assert_int_equal(vss_bcd_from_json(saved, strlen(saved), &bcd, NULL), 0);
        assert_int_equal(vss_bcd_get_writer_count(bcd), 2);
        vss_bcd_free(bcd);
        free(saved);

        assert_int_equal(vss_requester_get_session_id(r, &id), 0);
        h_log_clear(&H);
        assert_int_equal(run(r, OP_FREE), 0);
        /* A completed backup is not aborted; its writers get BackupShutdown. */
        EXPECT_LOG("A:backup-shutdown B:backup-shutdown");
        (void) c;
}

/* Without component mode every writer takes part, with an entry without components. */
static void test_non_component_mode(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_BACK_END");

        vss_requester *r = new_requester();
        EXPECT_OK(r, vss_requester_initialize_for_backup(r, NULL));
        EXPECT_OK(r, vss_requester_set_backup_state(r, false, true, VSS_BT_COPY, false));
        EXPECT_OK(r, run(r, OP_GATHER));
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Db"), -VSS_E_BAD_STATE, "component mode");
        EXPECT_OK(r, run(r, OP_START));
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_LOG("A:prepare-backup B:prepare-backup");
        const json_t *w = json_array_get(
                        json_object_get(b->last_bcd[PROTO_EVENT_PREPARE_BACKUP], "writers"), 0);
        assert_string_equal(part_string(w, "instance_id"), b->instance_id);
        assert_int_equal(json_array_size(json_object_get(w, "components")), 0);
        const json_t *bs = json_object_get(b->last_bcd[PROTO_EVENT_PREPARE_BACKUP], "backup_state");
        assert_string_equal(part_string(bs, "backup_type"), "VSS_BT_COPY");
        assert_true(json_is_true(json_object_get(bs, "bootable_system_state")));
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        EXPECT_OK(r, run(r, OP_COMPLETE));
        assert_int_equal(vss_bcd_get_writer_count(vss_requester_get_backup_components(r)), 2);
        (void) run(r, OP_FREE);
}

/* ---- VSS order ---------------------------------------------------------------------------- */

static void test_out_of_order_backup(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        vss_guid ia = guid(a->instance_id), ca = guid(CLASS_A);
        char *json = NULL;

        vss_requester *r = new_requester();
        /* Before initialize_for_backup. */
        EXPECT_ERR(r, run(r, OP_GATHER), -VSS_E_BAD_STATE, "vss_requester_gather_writer_metadata");
        EXPECT_ERR(r, run(r, OP_START), -VSS_E_BAD_STATE, "comes once in a backup");
        EXPECT_ERR(r, vss_requester_set_context(r, VSS_CTX_BACKUP), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_set_backup_state(r, true, false, VSS_BT_FULL, false),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_save_as_json(r, &json), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_STATUS), -VSS_E_BAD_STATE, "while a session runs");
        assert_null(vss_requester_get_backup_components(r));
        EXPECT_OK(r, vss_requester_initialize_for_backup(r, NULL));
        EXPECT_ERR(r, vss_requester_initialize_for_backup(r, NULL), -VSS_E_BAD_STATE,
                   "comes first, once");
        EXPECT_ERR(r, vss_requester_initialize_for_restore(r, "{}"), -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, vss_requester_set_backup_state(r, true, false, VSS_BT_FULL, false));

        /* Before gather_writer_metadata. */
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Db"), -VSS_E_BAD_STATE,
                   "vss_requester_add_component: not allowed now (state: backup initialized)");
        EXPECT_ERR(r, run(r, OP_START), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_PREPARE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_SNAPSHOT), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_COMPLETE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_ABORT), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_PRE_RESTORE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, "{}"), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_set_restore_state(r, VSS_RTYPE_BY_COPY), -VSS_E_BAD_STATE,
                   NULL);
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db", true,
                                                          NULL),
                   -VSS_E_BAD_STATE, NULL);
        assert_string_equal(H.log, ""); /* nothing reached vssd or the writers */

        EXPECT_OK(r, run(r, OP_GATHER));
        EXPECT_ERR(r, run(r, OP_GATHER), -VSS_E_BAD_STATE, "comes once");
        EXPECT_ERR(r, vss_requester_set_context(r, VSS_CTX_APP_ROLLBACK), -VSS_E_BAD_STATE,
                   "before gather_writer_metadata");
        EXPECT_ERR(r, run(r, OP_PREPARE), -VSS_E_BAD_STATE, "after start_snapshot_set");
        EXPECT_ERR(r, run_arg(r, OP_ADD_VOLUME, "/"), -VSS_E_BAD_STATE, NULL);
        add(r, a, CLASS_A, "", "Db");
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_ERR(r, run(r, OP_START), -VSS_E_BAD_STATE, NULL);
        add(r, a, CLASS_A, "", "Extra"); /* still before prepare_for_backup */
        EXPECT_ERR(r, run(r, OP_SNAPSHOT), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_PROPERTIES), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r,
                   vss_requester_set_backup_succeeded(r, &ia, &ca, VSS_CT_FILEGROUP, "", "Db", true),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_ERR(r, run(r, OP_PREPARE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "Bin", "Cfg"), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_add_required_components(r), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_set_backup_state(r, true, false, VSS_BT_COPY, false),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_save_as_json(r, &json), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_COMPLETE), -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        EXPECT_ERR(r, run(r, OP_SNAPSHOT), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run_arg(r, OP_ADD_VOLUME, "/"), -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, vss_requester_set_backup_succeeded(r, &ia, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                        true));
        EXPECT_OK(r, run(r, OP_COMPLETE));
        EXPECT_ERR(r, run(r, OP_COMPLETE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_ABORT), -VSS_E_BAD_STATE, "before backup_complete");
        EXPECT_ERR(r,
                   vss_requester_set_backup_succeeded(r, &ia, &ca, VSS_CT_FILEGROUP, "", "Db", false),
                   -VSS_E_BAD_STATE, NULL);
        /* Nothing the refused calls did reached the document. */
        assert_true(vss_bcd_component_get_backup_succeeded(bcd_component(r, a, CLASS_A, "", "Db")));
        EXPECT_OK(r, vss_requester_save_as_json(r, &json));
        assert_null(vss_requester_get_error(r));
        free(json);
        EXPECT_OK(r, run(r, OP_STATUS));
        (void) run(r, OP_FREE);
}

static void test_bad_arguments(void **state) {
        (void) state;
        vss_requester *r = NULL;
        vss_guid g = guid(CLASS_A);

        assert_int_equal(vss_requester_new(NULL, NULL), -EINVAL);
        assert_null(vss_requester_free(NULL));
        assert_int_equal(vss_requester_initialize_for_backup(NULL, NULL), -EINVAL);
        assert_int_equal(vss_requester_gather_writer_metadata(NULL), -EINVAL);
        assert_int_equal(vss_requester_get_writer_metadata_count(NULL), 0);
        assert_null(vss_requester_get_writer_metadata(NULL, 0, NULL));
        assert_null(vss_requester_get_error(NULL));
        assert_int_equal(vss_requester_get_writer_status_count(NULL), 0);
        assert_int_equal(vss_requester_get_writer_error_count(NULL), 0);

        r = new_requester();
        assert_int_equal(vss_requester_initialize_for_restore(r, NULL), -EINVAL);
        EXPECT_OK(r, vss_requester_initialize_for_backup(r, NULL));
        assert_int_equal(vss_requester_add_component(r, NULL, &g, VSS_CT_FILEGROUP, "", "x"),
                         -EINVAL);
        assert_int_equal(vss_requester_add_component(r, &g, &g, VSS_CT_FILEGROUP, "", NULL),
                         -EINVAL);
        EXPECT_ERR(r, vss_requester_set_backup_state(r, true, false, VSS_BT_UNDEFINED, false),
                   -EINVAL, "not a backup type");
        EXPECT_ERR(r, vss_requester_set_backup_state(r, true, false, (VSS_BACKUP_TYPE) 77, false),
                   -EINVAL, NULL);
        EXPECT_ERR(r, vss_requester_set_context(r, VSS_CTX_ALL), -VSS_E_UNSUPPORTED_CONTEXT,
                   "0xFFFFFFFF");
        EXPECT_ERR(r, vss_requester_set_context(r, 0x3), -VSS_E_UNSUPPORTED_CONTEXT, NULL);
        EXPECT_OK(r, vss_requester_set_context(r, VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_PLEX));
        assert_int_equal(vss_requester_get_writer_status(r, 0, NULL, NULL, NULL, NULL, NULL, NULL,
                                                         NULL),
                         -EINVAL);
        assert_int_equal(vss_requester_get_writer_error(r, 0, NULL, NULL, NULL, NULL), -EINVAL);
        assert_int_equal(vss_requester_get_session_id(r, &g), -VSS_E_BAD_STATE);
        assert_int_equal(vss_requester_set_timeout(r, UINT32_MAX), -EINVAL);
        assert_int_equal(vss_requester_set_timeout(r, 0), 0);
        vss_requester_free(r);

        /* A saved document that is not one. */
        r = new_requester();
        EXPECT_ERR(r, vss_requester_initialize_for_backup(r, "{\"format\": 3"),
                   -VSS_E_CORRUPT_XML_DOCUMENT, "not valid");
        EXPECT_ERR(r, vss_requester_initialize_for_restore(r, "[]"), -VSS_E_CORRUPT_XML_DOCUMENT,
                   NULL);
        /* Refusals changed nothing: the requester can still start. */
        EXPECT_OK(r, vss_requester_initialize_for_backup(
                             r, "{\"format\": \"linvss-backup-components\", \"version\": 1, "
                                "\"backup_state\": {\"select_components\": true, "
                                "\"backup_type\": \"VSS_BT_INCREMENTAL\"}, "
                                "\"snapshot_context\": \"VSS_CTX_APP_ROLLBACK\"}"));
        const vss_bcd *bcd = vss_requester_get_backup_components(r);
        assert_int_equal(vss_bcd_get_backup_type(bcd), VSS_BT_INCREMENTAL);
        assert_true(vss_bcd_get_select_components(bcd));
        assert_int_equal(vss_bcd_get_snapshot_context(bcd), VSS_CTX_APP_ROLLBACK);
        vss_requester_free(r);
}

/* ---- Selection ---------------------------------------------------------------------------- */

static void test_selection(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_BACK_END");
        vss_guid ia = guid(a->instance_id), ca = guid(CLASS_A), cb = guid(CLASS_B);

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));

        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Nope"), -VSS_E_OBJECT_NOT_FOUND,
                   "no such component");
        EXPECT_ERR(r, vss_requester_add_component(r, &ca, &ca, VSS_CT_FILEGROUP, "", "Db"),
                   -VSS_E_OBJECT_NOT_FOUND, "answered Identify");
        EXPECT_ERR(r, vss_requester_add_component(r, &ia, &cb, VSS_CT_FILEGROUP, "", "Db"),
                   -VSS_E_OBJECT_NOT_FOUND, "is of class");
        EXPECT_ERR(r, vss_requester_add_component(r, &ia, &ca, VSS_CT_DATABASE, "", "Db"),
                   -VSS_E_OBJECT_NOT_FOUND, "VSS_CT_FILEGROUP");
        /* Not selectable, below a selectable ancestor: only through that ancestor. */
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "Db", "Data"), -EINVAL, "'Db'");
        add(r, a, CLASS_A, "", "Db");
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Db"), -VSS_E_OBJECT_ALREADY_EXISTS,
                   "already explicitly included");
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "Db", "Logs"), -VSS_E_OBJECT_ALREADY_EXISTS,
                   "through its selectable ancestor 'Db'");
        /* A required component may be included explicitly; the others come automatically. */
        add(r, a, CLASS_A, "", "Bin");
        assert_int_equal(vss_requester_add_required_components(r), 1);
        assert_int_equal(vss_requester_add_required_components(r), 0);
        assert_non_null(bcd_component(r, a, CLASS_A, "Bin", "Cfg"));
        /* Component mode cannot be turned off any more. */
        EXPECT_ERR(r, vss_requester_set_backup_state(r, false, false, VSS_BT_FULL, false),
                   -VSS_E_BAD_STATE, "already selected");
        EXPECT_OK(r, vss_requester_set_backup_state(r, true, false, VSS_BT_DIFFERENTIAL, true));

        /* Backup options and previous stamps go on explicitly included components. */
        EXPECT_OK(r, vss_requester_set_backup_options(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                      "\"Level\"=\"9\""));
        EXPECT_OK(r, vss_requester_set_previous_backup_stamp(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                             "stamp-0"));
        EXPECT_ERR(r,
                   vss_requester_set_backup_options(r, &ca, VSS_CT_FILEGROUP, "Db", "Logs", "x"),
                   -VSS_E_OBJECT_NOT_FOUND, "explicitly included");
        EXPECT_ERR(r,
                   vss_requester_set_previous_backup_stamp(r, &cb, VSS_CT_FILEGROUP, "", "Db", "x"),
                   -VSS_E_OBJECT_NOT_FOUND, NULL);
        EXPECT_ERR(r,
                   vss_requester_set_backup_options(r, &ca, VSS_CT_DATABASE, "", "Db", "x"),
                   -VSS_E_OBJECT_NOT_FOUND, "not a VSS_CT_DATABASE");

        EXPECT_OK(r, run(r, OP_START));
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_LOG("A:prepare-backup"); /* B has no component: left out */
        const json_t *comps = json_object_get(
                        json_array_get(json_object_get(a->last_bcd[PROTO_EVENT_PREPARE_BACKUP],
                                                       "writers"),
                                       0),
                        "components");
        assert_int_equal(json_array_size(comps), 3);
        const json_t *db = json_array_get(comps, 0);
        assert_string_equal(part_string(db, "name"), "Db");
        assert_string_equal(part_string(db, "backup_options"), "\"Level\"=\"9\"");
        assert_string_equal(part_string(db, "previous_backup_stamp"), "stamp-0");
        (void) b;
        (void) run(r, OP_FREE);
}

/* ---- The writers' parts ------------------------------------------------------------------- */

/* A well-behaved writer: sets a stamp, metadata and a partial file on Db, and also tries to
 * change what it does not own (backup succeeded, options, the backup type). */
static json_t *stamping_writer(HWriter *w, ProtoEvent event, const json_t *bcd, void *userdata) {
        (void) w;
        (void) userdata;
        json_t *part = json_deep_copy(bcd);
        json_t *db = component_of(part, "Db");
        const char *stamp = event == PROTO_EVENT_PREPARE_BACKUP ? "stamp-1" : "stamp-2";
        json_object_set_new(db, "backup_stamp", json_string(stamp));
        json_object_set_new(db, "backup_metadata", json_string("private"));
        json_object_set_new(db, "backup_succeeded", json_true());
        json_object_set_new(db, "backup_options", json_string("overwritten"));
        json_object_set_new(db, "partial_files",
                            json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "path", "/srv/A/db",
                                      "filename", "big.db", "ranges", "0:4096", "path",
                                      "/srv/A/db", "filename", "huge.db", "ranges",
                                      "/srv/A/db/huge.ranges"));
        json_object_set_new(json_object_get(part, "backup_state"), "backup_type",
                            json_string("VSS_BT_LOG"));
        return part;
}

static json_t *garbage_writer(HWriter *w, ProtoEvent event, const json_t *bcd, void *userdata) {
        (void) w;
        (void) event;
        (void) bcd;
        (void) userdata;
        return json_pack("{s:s, s:i}", "format", "not-a-bcd", "version", 1);
}

/* Returns its part with its entry swapped for another writer's. */
static json_t *foreign_writer(HWriter *w, ProtoEvent event, const json_t *bcd, void *userdata) {
        (void) w;
        (void) event;
        json_t *part = json_deep_copy(bcd);
        json_t *entry = json_array_get(json_object_get(part, "writers"), 0);
        json_object_set_new(entry, "instance_id", json_string(((HWriter *) userdata)->instance_id));
        json_object_set_new(entry, "class_id", json_string(CLASS_A));
        json_object_set_new(component_of(part, "Extra"), "backup_stamp", json_string("stolen"));
        return part;
}

/* Returns its part with one more component. */
static json_t *growing_writer(HWriter *w, ProtoEvent event, const json_t *bcd, void *userdata) {
        (void) w;
        (void) event;
        (void) userdata;
        json_t *part = json_deep_copy(bcd);
        json_t *comps = json_object_get(json_array_get(json_object_get(part, "writers"), 0),
                                        "components");
        json_array_append_new(comps, json_pack("{s:s, s:s, s:s, s:s}", "type", "VSS_CT_FILEGROUP",
                                               "logical_path", "", "name", "Mine", "backup_stamp",
                                               "x"));
        return part;
}

static void test_parts_merge(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_FRONT_END");
        HWriter *c = writer("C", CLASS_C, "VSS_APP_FRONT_END");
        HWriter *d = writer("D", CLASS_D, "VSS_APP_FRONT_END");
        a->bcd_reply = stamping_writer;
        b->bcd_reply = garbage_writer;
        c->bcd_reply = foreign_writer;
        c->bcd_reply_userdata = a;
        d->bcd_reply = growing_writer;
        vss_guid ca = guid(CLASS_A), cb = guid(CLASS_B);

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        add(r, b, CLASS_B, "", "Extra");
        add(r, c, CLASS_C, "", "Extra");
        add(r, d, CLASS_D, "", "Extra");
        EXPECT_OK(r, vss_requester_set_backup_options(r, &ca, VSS_CT_FILEGROUP, "", "Db", "mine"));
        EXPECT_OK(r, vss_requester_set_backup_options(r, &cb, VSS_CT_FILEGROUP, "", "Extra",
                                                      "b-options"));
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_OK(r, run(r, OP_PREPARE));

        /* A's changes of what a writer owns are in; its changes of the rest are not. */
        const vss_bcd_component *db = bcd_component(r, a, CLASS_A, "", "Db");
        assert_string_equal(vss_bcd_component_get_backup_stamp(db), "stamp-1");
        assert_string_equal(vss_bcd_component_get_backup_metadata(db), "private");
        assert_int_equal(vss_bcd_component_get_partial_file_count(db), 2);
        assert_false(vss_bcd_component_get_backup_succeeded(db));
        assert_string_equal(vss_bcd_component_get_backup_options(db), "mine");
        assert_int_equal(vss_bcd_get_backup_type(vss_requester_get_backup_components(r)),
                         VSS_BT_FULL);

        /* B, C and D returned something that is not their part: refused, recorded, unchanged. */
        assert_int_equal(vss_requester_get_writer_error_count(r), 3);
        vss_guid id;
        const char *name = NULL, *message = NULL;
        int code = 0;
        assert_int_equal(vss_requester_get_writer_error(r, 0, &id, &name, &code, &message), 0);
        assert_string_equal(name, "B");
        assert_int_equal(code, -VSS_E_CORRUPT_XML_DOCUMENT);
        assert_non_null(strstr(message, "prepare-backup: the writer returned an invalid document"));
        assert_int_equal(vss_requester_get_writer_error(r, 1, NULL, &name, &code, &message), 0);
        assert_string_equal(name, "C");
        assert_int_equal(code, -VSS_E_INVALID_XML_DOCUMENT);
        assert_non_null(strstr(message, "not its own"));
        assert_int_equal(vss_requester_get_writer_error(r, 2, NULL, &name, NULL, &message), 0);
        assert_string_equal(name, "D");
        assert_non_null(strstr(message, "cannot add, remove or change components"));
        assert_string_equal(
                        vss_bcd_component_get_backup_options(bcd_component(r, b, CLASS_B, "", "Extra")),
                        "b-options");
        assert_null(vss_bcd_component_get_backup_stamp(bcd_component(r, c, CLASS_C, "", "Extra")));
        assert_null(bcd_component(r, d, CLASS_D, "", "Mine"));
        assert_null(vss_bcd_component_get_backup_stamp(bcd_component(r, a, CLASS_A, "", "Extra")));

        /* PostSnapshot: A sends a new stamp, which replaces the first. The part A got then
         * already carried its first stamp. */
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        assert_string_equal(
                        part_string(component_of(a->last_bcd[PROTO_EVENT_POST_SNAPSHOT], "Db"),
                                    "backup_stamp"),
                        "stamp-1");
        assert_string_equal(vss_bcd_component_get_backup_stamp(db), "stamp-2");
        assert_int_equal(vss_requester_get_writer_error_count(r), 6);

        /* The document is whole and valid. */
        char *json = NULL;
        EXPECT_OK(r, vss_requester_save_as_json(r, &json));
        free(json);
        EXPECT_OK(r, run(r, OP_COMPLETE));
        (void) run(r, OP_FREE);
}

static void test_invalid_metadata_left_out(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *bad = h_writer(&H, "Bad", CLASS_B, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *other = h_writer(&H, "Other", CLASS_C, NULL, "VSS_APP_FRONT_END", 60000);
        /* 'Bad' sends the harness's test object; 'Other' sends A's metadata. */
        other->wmd = make_wmd(a, CLASS_A, NULL, "VSS_APP_FRONT_END", 0, VSS_WRE_ALWAYS);

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        assert_int_equal(vss_requester_get_writer_metadata_count(r), 1);
        assert_int_equal(vss_requester_get_writer_error_count(r), 2);
        vss_guid id, want = guid(bad->instance_id);
        const char *name, *message;
        int code;
        assert_int_equal(vss_requester_get_writer_error(r, 0, &id, &name, &code, &message), 0);
        assert_true(vss_guid_equal(&id, &want));
        assert_string_equal(name, "Bad");
        assert_int_equal(code, -VSS_E_CORRUPT_XML_DOCUMENT);
        assert_non_null(strstr(message, "identify: the writer's metadata is not valid"));
        assert_int_equal(vss_requester_get_writer_error(r, 1, NULL, &name, &code, &message), 0);
        assert_string_equal(name, "Other");
        assert_int_equal(code, -VSS_E_INVALID_XML_DOCUMENT);
        assert_non_null(strstr(message, "not this one"));
        /* The writers left out cannot be selected. */
        vss_guid ib = guid(bad->instance_id), cb = guid(CLASS_B);
        EXPECT_ERR(r, vss_requester_add_component(r, &ib, &cb, VSS_CT_FILEGROUP, "", "Db"),
                   -VSS_E_OBJECT_NOT_FOUND, NULL);
        vss_requester_free(r);
}

/* ---- Failures ----------------------------------------------------------------------------- */

static void test_veto_at_freeze(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_BACK_END");
        b->action[PROTO_EVENT_FREEZE] = H_VETO;
        b->code[PROTO_EVENT_FREEZE] = -VSS_E_WRITERERROR_RETRYABLE;
        vss_guid ia = guid(a->instance_id), ca = guid(CLASS_A);

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        add(r, b, CLASS_B, "", "Db");
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_OK(r, run(r, OP_PREPARE));
        h_log_clear(&H);
        EXPECT_ERR(r, run(r, OP_SNAPSHOT), -VSS_E_WRITERERROR_RETRYABLE,
                   "writer 'B' failed at Freeze");
        EXPECT_LOG("A:prepare-snapshot B:prepare-snapshot A:freeze B:freeze A:abort B:abort");

        EXPECT_OK(r, run(r, OP_STATUS));
        int failure = 0;
        assert_int_equal(state_of(r, b, &failure), VSS_WS_FAILED_AT_FREEZE);
        assert_int_equal(failure, -VSS_E_WRITERERROR_RETRYABLE);
        assert_int_equal(state_of(r, a, &failure), VSS_WS_STABLE);
        assert_int_equal(failure, 0);

        /* The backup is over: only abort and status remain. */
        EXPECT_ERR(r, run(r, OP_COMPLETE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r,
                   vss_requester_set_backup_succeeded(r, &ia, &ca, VSS_CT_FILEGROUP, "", "Db", true),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_SNAPSHOT), -VSS_E_BAD_STATE, NULL);
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_ABORT));
        EXPECT_LOG("A:abort B:abort");
        h_log_clear(&H);
        assert_int_equal(run(r, OP_FREE), 0);
        EXPECT_LOG("A:backup-shutdown B:backup-shutdown");
}

static void test_prepare_veto_and_soft_failure(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_FRONT_END");
        a->action[PROTO_EVENT_PREPARE_BACKUP] = H_VETO;
        a->code[PROTO_EVENT_PREPARE_BACKUP] = -VSS_E_WRITERERROR_NONRETRYABLE;
        b->action[PROTO_EVENT_POST_SNAPSHOT] = H_FAIL_SOFT;
        b->code[PROTO_EVENT_POST_SNAPSHOT] = -VSS_E_WRITERERROR_OUTOFRESOURCES;

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        add(r, b, CLASS_B, "", "Db");
        EXPECT_OK(r, run(r, OP_START));
        /* A veto does not fail the call; it shows in the status and as a writer error. */
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_OK(r, run(r, OP_STATUS));
        int failure;
        assert_int_equal(state_of(r, a, &failure), VSS_WS_FAILED_AT_PREPARE_BACKUP);
        assert_int_equal(failure, -VSS_E_WRITERERROR_NONRETRYABLE);
        const char *message = NULL;
        assert_int_equal(vss_requester_get_writer_error_count(r), 1);
        assert_int_equal(vss_requester_get_writer_error(r, 0, NULL, NULL, NULL, &message), 0);
        assert_non_null(strstr(message, "prepare-backup"));

        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        EXPECT_OK(r, run(r, OP_STATUS));
        assert_int_equal(state_of(r, b, &failure), VSS_WS_FAILED_AT_POST_SNAPSHOT);
        assert_int_equal(failure, -VSS_E_WRITERERROR_OUTOFRESOURCES);
        const char *app_message = NULL;
        for (size_t i = 0; i < vss_requester_get_writer_status_count(r); i++) {
                const char *n = NULL;
                assert_int_equal(vss_requester_get_writer_status(r, i, NULL, NULL, &n, NULL, NULL,
                                                                 NULL, &app_message),
                                 0);
                if (strcmp(n, "B") == 0)
                        break;
        }
        assert_string_equal(app_message, "scripted failure");
        EXPECT_OK(r, run(r, OP_COMPLETE));
        (void) run(r, OP_FREE);
}

static void test_exclusivity(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");

        vss_requester *r1 = new_backup();
        EXPECT_OK(r1, run(r1, OP_GATHER));
        EXPECT_OK(r1, run(r1, OP_START));

        vss_requester *r2 = new_backup();
        EXPECT_OK(r2, run(r2, OP_GATHER)); /* Identify is served during another backup */
        EXPECT_ERR(r2, run(r2, OP_START), -VSS_E_SNAPSHOT_SET_IN_PROGRESS, "another backup");
        /* Nothing changed for r2: it may try again once r1 is gone. */
        add(r2, a, CLASS_A, "", "Db");

        vss_requester *r3 = new_requester();
        const char *bcd = "{\"format\": \"linvss-backup-components\", \"version\": 1}";
        EXPECT_OK(r3, vss_requester_initialize_for_restore(r3, bcd));
        EXPECT_OK(r3, run(r3, OP_GATHER));
        EXPECT_ERR(r3, run(r3, OP_PRE_RESTORE), -VSS_E_SNAPSHOT_SET_IN_PROGRESS, NULL);

        assert_int_equal(run(r1, OP_FREE), 0);
        EXPECT_OK(r2, run(r2, OP_START));
        EXPECT_ERR(r3, run(r3, OP_PRE_RESTORE), -VSS_E_SNAPSHOT_SET_IN_PROGRESS, "another backup");
        assert_int_equal(run(r2, OP_FREE), 0);
        EXPECT_OK(r3, run(r3, OP_PRE_RESTORE)); /* nothing selected: no writer events */
        EXPECT_OK(r3, run(r3, OP_POST_RESTORE));
        assert_int_equal(run(r3, OP_FREE), 0);
}

static void test_free_mid_session_aborts(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");

        /* After PrepareForBackup: Abort, then BackupShutdown. */
        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_OK(r, run(r, OP_PREPARE));
        h_log_clear(&H);
        assert_int_equal(run(r, OP_FREE), 0);
        EXPECT_LOG("A:abort A:backup-shutdown");

        /* After the snapshot, without BackupComplete: the same. */
        r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        h_log_clear(&H);
        assert_int_equal(run(r, OP_FREE), 0);
        EXPECT_LOG("A:abort A:backup-shutdown");

        /* Before PrepareForBackup there are no participants: nothing to tell. */
        r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        EXPECT_OK(r, run(r, OP_START));
        h_log_clear(&H);
        assert_int_equal(run(r, OP_FREE), 0);
        EXPECT_LOG("");
}

static void test_vssd_not_running(void **state) {
        (void) state;
        char path[400];
        vss_requester *r = NULL;

        (void) snprintf(path, sizeof path, "%s/nothing.sock", H.dir);
        assert_int_equal(vss_requester_new(path, &r), 0);
        EXPECT_OK(r, vss_requester_initialize_for_backup(r, NULL));
        EXPECT_ERR(r, vss_requester_gather_writer_metadata(r), -ENOENT, "vssd is not running");
        assert_non_null(strstr(vss_requester_get_error(r), path));
        /* Nothing changed: still before gather. */
        EXPECT_ERR(r, vss_requester_gather_writer_metadata(r), -ENOENT, NULL);
        EXPECT_OK(r, vss_requester_set_context(r, VSS_CTX_BACKUP));
        vss_requester_free(r);
}

static void test_vssd_goes_away(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        (void) kill(H.vssd, SIGTERM);
        (void) waitpid(H.vssd, NULL, 0);
        H.vssd = 0;
        vssd_gone = true;

        int k = run(r, OP_START);
        if (k != -ECONNRESET)
                fail_msg("start after vssd stopped: %d (%s): %s", k, vss_strerror(k),
                         vss_requester_get_error(r));
        assert_non_null(strstr(vss_requester_get_error(r), "the session is over"));
        EXPECT_ERR(r, run(r, OP_STATUS), -ECONNRESET, "connection to vssd was lost");
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Extra"), -ECONNRESET, NULL);
        assert_int_equal(run(r, OP_FREE), 0);
}

static void test_snapshot_set_with_a_provider(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        char vol[512], file[600], path[1024], canonical[PATH_MAX];
        vss_guid id, other;
        const char *volume = NULL, *snapshot = NULL, *provider = NULL;

        /* A small volume the copy provider snapshots into vssd's private state directory. */
        (void) snprintf(vol, sizeof vol, "%s/volume", H.dir);
        assert_int_equal(mkdir(vol, 0755), 0);
        (void) snprintf(file, sizeof file, "%s/data", vol);
        FILE *f = fopen(file, "we");
        assert_non_null(f);
        assert_true(fputs("before the snapshot\n", f) >= 0);
        assert_int_equal(fclose(f), 0);
        assert_non_null(realpath(vol, canonical));

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_ERR(r, run_arg(r, OP_ADD_VOLUME, "relative/dir"), -EINVAL, "absolute path");
        EXPECT_ERR(r, run_arg(r, OP_ADD_VOLUME, "/nonexistent/dir"), -VSS_E_OBJECT_NOT_FOUND,
                   "'/nonexistent/dir' does not exist");
        /* No provider snapshots procfs. */
        EXPECT_ERR(r, run_arg(r, OP_ADD_VOLUME, "/proc"), -VSS_E_VOLUME_NOT_SUPPORTED, NULL);
        EXPECT_ERR(r, vss_requester_add_to_snapshot_set(r, vol, "nope", &id), -VSS_E_PROVIDER_NOT_REGISTERED, "'nope'");
        EXPECT_OK(r, vss_requester_add_to_snapshot_set(r, vol, "copy", &id));
        EXPECT_ERR(r, vss_requester_add_to_snapshot_set(r, vol, NULL, &other), -VSS_E_OBJECT_ALREADY_EXISTS,
                   "already in the snapshot set");
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_ERR(r, vss_requester_get_snapshot_properties(r, &id, &volume, &snapshot, &provider), -VSS_E_BAD_STATE,
                   NULL);
        EXPECT_OK(r, run(r, OP_SNAPSHOT));

        /* The snapshot holds the volume as it was, and stays so. */
        EXPECT_OK(r, vss_requester_get_snapshot_properties(r, &id, &volume, &snapshot, &provider));
        assert_string_equal(volume, canonical);
        assert_string_equal(provider, "copy");
        (void) snprintf(path, sizeof path, "%s/data", snapshot);
        f = fopen(file, "ae");
        assert_non_null(f);
        assert_true(fputs("after the snapshot\n", f) >= 0);
        assert_int_equal(fclose(f), 0);
        char line[128] = "";
        f = fopen(path, "re");
        assert_non_null(f);
        assert_non_null(fgets(line, sizeof line, f));
        assert_null(fgets(line + strlen(line), (int) (sizeof line - strlen(line)), f));
        assert_int_equal(fclose(f), 0);
        assert_string_equal(line, "before the snapshot\n");
        char snapshot_root[1024];
        (void) snprintf(snapshot_root, sizeof snapshot_root, "%s", snapshot);

        (void) vss_guid_from_string(CLASS_D, &other);
        EXPECT_ERR(r, vss_requester_get_snapshot_properties(r, &other, &volume, &snapshot, &provider),
                   -VSS_E_OBJECT_NOT_FOUND, "snapshot-properties");
        EXPECT_OK(r, run(r, OP_COMPLETE));
        (void) run(r, OP_FREE);

        /* An auto-release snapshot goes with its session (vssd removes it in the background). */
        for (int i = 0; i < 500 && access(snapshot_root, F_OK) == 0; i++)
                h_pump(&H, 10);
        assert_int_equal(access(snapshot_root, F_OK), -1);
}

static void test_context_without_writers(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");

        vss_requester *r = new_backup();
        EXPECT_OK(r, vss_requester_set_context(r, VSS_CTX_FILE_SHARE_BACKUP));
        /* No gather needed; no writer hears of it. */
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Db"), -VSS_E_BAD_STATE, "involves no writers");
        EXPECT_ERR(r, run(r, OP_PREPARE), -VSS_E_BAD_STATE, "context with writers");
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        EXPECT_ERR(r, run(r, OP_COMPLETE), -VSS_E_BAD_STATE, NULL);
        (void) run(r, OP_FREE);
        EXPECT_LOG("");
}

/* ---- Saving and restoring ----------------------------------------------------------------- */

typedef struct Saved {
        char *bcd;
        char *wmd[8];
        size_t n_wmd;
} Saved;

static void saved_done(Saved *s) {
        free(s->bcd);
        for (size_t i = 0; i < s->n_wmd; i++)
                free(s->wmd[i]);
}

/* Backs up the listed (writer, component) pairs and keeps the documents a backup saves. */
static void backup(HWriter *const *ws, const char *const *classes, const char *const *names,
                   size_t n, Saved *ret) {
        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        for (size_t i = 0; i < n; i++)
                add(r, ws[i], classes[i], "", names[i]);
        EXPECT_OK(r, run(r, OP_START));
        EXPECT_OK(r, run(r, OP_PREPARE));
        EXPECT_OK(r, run(r, OP_SNAPSHOT));
        for (size_t i = 0; i < n; i++) {
                vss_guid id = guid(ws[i]->instance_id), c = guid(classes[i]);
                EXPECT_OK(r, vss_requester_set_backup_succeeded(r, &id, &c, VSS_CT_FILEGROUP, "",
                                                                names[i], true));
        }
        EXPECT_OK(r, run(r, OP_COMPLETE));
        *ret = (Saved) {};
        EXPECT_OK(r, vss_requester_save_as_json(r, &ret->bcd));
        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(r); i++)
                assert_int_equal(vss_wmd_to_json(vss_requester_get_writer_metadata(r, i, NULL),
                                                 &ret->wmd[ret->n_wmd++], NULL, NULL),
                                 0);
        (void) run(r, OP_FREE);
}

static vss_requester *new_restore(const Saved *s) {
        vss_requester *r = new_requester();
        EXPECT_OK(r, vss_requester_initialize_for_restore(r, s->bcd));
        for (size_t i = 0; i < s->n_wmd; i++) {
                int k = vss_requester_add_saved_writer_metadata(r, s->wmd[i]);
                /* Writers without a component in the backup are not in the document. */
                if (k < 0 && k != -VSS_E_OBJECT_NOT_FOUND)
                        fail_msg("add_saved_writer_metadata: %s", vss_requester_get_error(r));
        }
        return r;
}

static void test_save_and_restore_round_trip(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        HWriter *b = writer("B", CLASS_B, "VSS_APP_FRONT_END");
        a->bcd_reply = stamping_writer;
        Saved s;
        backup((HWriter *[]) {a}, (const char *[]) {CLASS_A}, (const char *[]) {"Db"}, 1, &s);
        assert_int_equal(s.n_wmd, 2);

        /* The saved document loads back and saves to the same bytes. */
        vss_requester *r = new_requester();
        EXPECT_OK(r, vss_requester_initialize_for_restore(r, s.bcd));
        char *again = NULL;
        EXPECT_OK(r, vss_requester_save_as_json(r, &again));
        assert_string_equal(again, s.bcd);
        free(again);
        const vss_bcd *bcd = vss_requester_get_backup_components(r);
        assert_int_equal(vss_bcd_get_writer_count(bcd), 1);
        assert_string_equal(
                        vss_bcd_component_get_backup_stamp(bcd_component(r, a, CLASS_A, "", "Db")),
                        "stamp-2");

        /* Saved metadata: bad, unknown, good, twice. */
        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, "{"), -VSS_E_CORRUPT_XML_DOCUMENT,
                   "not valid");
        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, s.wmd[1]), -VSS_E_OBJECT_NOT_FOUND,
                   "writer 'B'");
        EXPECT_OK(r, vss_requester_add_saved_writer_metadata(r, s.wmd[0]));
        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, s.wmd[0]),
                   -VSS_E_OBJECT_ALREADY_EXISTS, "already added");
        vss_requester_free(r);

        /* Metadata the document's selection breaks: a writer whose Db lost its selectability. */
        json_t *w = json_loads(s.wmd[0], 0, NULL);
        json_t *comps = json_object_get(w, "components");
        json_object_set_new(json_array_get(comps, 2), "selectable", json_false());
        char *broken = json_dumps(w, 0);
        json_decref(w);
        r = new_requester();
        EXPECT_OK(r, vss_requester_initialize_for_restore(r, s.bcd));
        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, broken),
                   -VSS_E_INVALID_XML_DOCUMENT, "does not match the metadata of writer 'A'");
        free(broken);
        vss_requester_free(r);

        /* A whole restore of the backed-up component. */
        r = new_restore(&s);
        vss_guid ca = guid(CLASS_A);
        EXPECT_OK(r, vss_requester_set_restore_state(r, VSS_RTYPE_BY_COPY));
        EXPECT_ERR(r, vss_requester_set_restore_state(r, (VSS_RESTORE_TYPE) 9), -EINVAL, NULL);
        EXPECT_OK(r, run(r, OP_GATHER));
        EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                            true, NULL));
        EXPECT_OK(r, vss_requester_set_restore_options(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                       "\"Roll Forward\"=\"All\""));
        EXPECT_OK(r, vss_requester_set_additional_restores(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                           true));
        EXPECT_OK(r, vss_requester_set_previous_backup_stamp(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                             "stamp-2"));
        /* Only an explicit component can be selected; its members through subcomponents. */
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "Db", "Data",
                                                          true, NULL),
                   -VSS_E_OBJECT_NOT_FOUND, "included implicitly through 'Db'");
        EXPECT_OK(r, vss_requester_add_restore_subcomponent(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                            "Db", "Data", false));
        EXPECT_ERR(r,
                   vss_requester_add_restore_subcomponent(r, &ca, VSS_CT_FILEGROUP, "", "Db", "Db",
                                                          "Logs", false),
                   -EINVAL, "not selectable for restore");
        EXPECT_ERR(r, run(r, OP_POST_RESTORE), -VSS_E_BAD_STATE, "after pre_restore");
        EXPECT_ERR(r,
                   vss_requester_set_file_restore_status(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                         VSS_RS_ALL),
                   -VSS_E_BAD_STATE, NULL);

        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_PRE_RESTORE));
        EXPECT_LOG("A:pre-restore"); /* B has nothing to restore */
        json_t *part = a->last_bcd[PROTO_EVENT_PRE_RESTORE];
        assert_string_equal(part_string(part, "restore_type"), "VSS_RTYPE_BY_COPY");
        json_t *db = component_of(part, "Db");
        assert_true(json_is_true(json_object_get(db, "selected_for_restore")));
        assert_true(json_is_true(json_object_get(db, "additional_restores")));
        assert_string_equal(part_string(db, "restore_options"), "\"Roll Forward\"=\"All\"");
        assert_int_equal(json_array_size(json_object_get(db, "restore_subcomponents")), 1);
        assert_true(json_is_false(json_object_get(component_of(part, "Bin"),
                                                  "selected_for_restore")));

        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, s.wmd[0]), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Bin", true,
                                                          NULL),
                   -VSS_E_BAD_STATE, "before pre_restore");
        EXPECT_ERR(r,
                   vss_requester_set_file_restore_status(r, &ca, VSS_CT_FILEGROUP, "", "Bin",
                                                         VSS_RS_ALL),
                   -EINVAL, "not selected for restore");
        EXPECT_OK(r, vss_requester_set_file_restore_status(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                           VSS_RS_ALL));
        /* Extra was not backed up; Db's set maps no such file set. */
        EXPECT_ERR(r,
                   vss_requester_add_alternative_location_mapping(r, &ca, VSS_CT_FILEGROUP, "",
                                                                  "Db", "/srv/A/extra", "*", true,
                                                                  "/srv/A/extra.alt"),
                   -VSS_E_OBJECT_NOT_FOUND, "no file set");
        EXPECT_ERR(r,
                   vss_requester_set_ranges_file_path(r, &ca, VSS_CT_FILEGROUP, "", "Db", 0,
                                                      "/tmp/ranges"),
                   -EINVAL, "ranges file");
        EXPECT_OK(r, vss_requester_set_ranges_file_path(r, &ca, VSS_CT_FILEGROUP, "", "Db", 1,
                                                        "/restore/huge.ranges"));
        EXPECT_ERR(r,
                   vss_requester_set_ranges_file_path(r, &ca, VSS_CT_FILEGROUP, "", "Db", 2,
                                                      "/restore/x.ranges"),
                   -EINVAL, NULL);
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_POST_RESTORE));
        EXPECT_LOG("A:post-restore");
        assert_string_equal(
                        part_string(component_of(a->last_bcd[PROTO_EVENT_POST_RESTORE], "Db"),
                                    "file_restore_status"),
                        "VSS_RS_ALL");
        assert_string_equal(
                        part_string(json_array_get(json_object_get(
                                                           component_of(a->last_bcd[PROTO_EVENT_POST_RESTORE],
                                                                        "Db"),
                                                           "partial_files"),
                                                   1),
                                    "ranges"),
                        "/restore/huge.ranges");
        EXPECT_ERR(r, run(r, OP_POST_RESTORE), -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, run(r, OP_STATUS));
        assert_int_equal(state_of(r, a, NULL), VSS_WS_STABLE);
        char *after = NULL;
        EXPECT_OK(r, vss_requester_save_as_json(r, &after));
        assert_non_null(strstr(after, "VSS_RS_ALL"));
        free(after);
        h_log_clear(&H);
        assert_int_equal(run(r, OP_FREE), 0);
        EXPECT_LOG(""); /* a restore has no BackupShutdown */
        saved_done(&s);
        (void) b;
}

static void test_restore_refused_without_schema_bits(void **state) {
        (void) state;
        HWriter *one = writer_full("W1", CLASS_A, "one", "VSS_APP_FRONT_END", 0, VSS_WRE_ALWAYS);
        HWriter *two = writer_full("W2", CLASS_A, "two", "VSS_APP_FRONT_END", 0, VSS_WRE_ALWAYS);
        Saved s;
        backup((HWriter *[]) {one}, (const char *[]) {CLASS_A}, (const char *[]) {"Db"}, 1, &s);

        vss_requester *r = new_restore(&s);
        EXPECT_OK(r, run(r, OP_GATHER));
        vss_guid ca = guid(CLASS_A), i2 = guid(two->instance_id);
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db", true,
                                                          &i2),
                   -VSS_E_NOT_SUPPORTED, "VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE");
        EXPECT_ERR(r,
                   vss_requester_add_new_target(r, &ca, VSS_CT_FILEGROUP, "", "Db", "/srv/W1/db",
                                                "*.db", true, "/restore/db"),
                   -VSS_E_NOT_SUPPORTED, "VSS_BS_WRITER_SUPPORTS_NEW_TARGET");
        EXPECT_ERR(r,
                   vss_requester_set_roll_forward(r, &ca, VSS_CT_FILEGROUP, "", "Db", VSS_RF_ALL,
                                                  NULL),
                   -VSS_E_NOT_SUPPORTED, "VSS_BS_ROLLFORWARD_RESTORE");
        EXPECT_ERR(r, vss_requester_set_restore_name(r, &ca, VSS_CT_FILEGROUP, "", "Db", "Db2"),
                   -VSS_E_NOT_SUPPORTED, "VSS_BS_RESTORE_RENAME");
        EXPECT_ERR(r,
                   vss_requester_set_authoritative_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                           true),
                   -VSS_E_NOT_SUPPORTED, "VSS_BS_AUTHORITATIVE_RESTORE");
        EXPECT_ERR(r,
                   vss_requester_set_roll_forward(r, &ca, VSS_CT_FILEGROUP, "", "Nope", VSS_RF_ALL,
                                                  NULL),
                   -VSS_E_OBJECT_NOT_FOUND, NULL);

        /* Nothing of that reached the document; a plain restore still works. */
        const vss_bcd_component *db = bcd_component(r, one, CLASS_A, "", "Db");
        assert_int_equal(vss_bcd_component_get_roll_forward_type(db), VSS_RF_UNDEFINED);
        assert_int_equal(vss_bcd_component_get_new_target_count(db), 0);
        assert_false(vss_bcd_component_get_selected_for_restore(db));
        EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                            true, NULL));
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_PRE_RESTORE));
        EXPECT_LOG("W1:pre-restore");
        (void) run(r, OP_FREE);
        saved_done(&s);
}

static void test_restore_features_delivered(void **state) {
        (void) state;
        HWriter *one = writer_full("W1", CLASS_A, "one", "VSS_APP_FRONT_END", ALL_RESTORE_BITS,
                                   VSS_WRE_ALWAYS);
        HWriter *two = writer_full("W2", CLASS_A, "two", "VSS_APP_FRONT_END", ALL_RESTORE_BITS,
                                   VSS_WRE_ALWAYS);
        HWriter *b = writer_full("B", CLASS_B, NULL, "VSS_APP_FRONT_END", ALL_RESTORE_BITS,
                                 VSS_WRE_ALWAYS);
        Saved s;
        backup((HWriter *[]) {one, b}, (const char *[]) {CLASS_A, CLASS_B},
               (const char *[]) {"Db", "Extra"}, 2, &s);

        vss_requester *r = new_restore(&s);
        EXPECT_OK(r, run(r, OP_GATHER));
        vss_guid ca = guid(CLASS_A), cb = guid(CLASS_B), i1 = guid(one->instance_id),
                 i2 = guid(two->instance_id), ib = guid(b->instance_id);

        /* Restore with move: W1's component goes to W2. */
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db", true,
                                                          &ib),
                   -VSS_E_OBJECT_NOT_FOUND, "no running writer of class");
        EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                            true, &i2));
        /* Its required components must go to the same instance. */
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Bin", true,
                                                          &i1),
                   -EINVAL, "all its components go to one instance");
        EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Bin",
                                                            true, &i2));
        EXPECT_OK(r, vss_requester_add_new_target(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                  "/srv/W1/db/data", "*", true, "/restore/data"));
        EXPECT_ERR(r,
                   vss_requester_add_new_target(r, &ca, VSS_CT_FILEGROUP, "", "Db", "/srv/W1/db",
                                                "*.txt", true, "/restore/x"),
                   -VSS_E_OBJECT_NOT_FOUND, "no file set");
        EXPECT_OK(r, vss_requester_set_roll_forward(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                    VSS_RF_PARTIAL, "2024-01-01T00:00Z"));
        EXPECT_ERR(r,
                   vss_requester_set_roll_forward(r, &ca, VSS_CT_FILEGROUP, "", "Db", VSS_RF_ALL,
                                                  "point"),
                   -EINVAL, "only with it");
        EXPECT_OK(r, vss_requester_set_restore_name(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                    "Db-restored"));
        EXPECT_OK(r, vss_requester_set_authoritative_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                             true));
        EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &cb, VSS_CT_FILEGROUP, "", "Extra",
                                                            true, NULL));

        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_PRE_RESTORE));
        /* The part went to W2, not to W1; the entry keeps W1's identity of the backup. */
        EXPECT_LOG("W2:pre-restore B:pre-restore");
        json_t *part = two->last_bcd[PROTO_EVENT_PRE_RESTORE];
        json_t *entry = json_array_get(json_object_get(part, "writers"), 0);
        assert_string_equal(part_string(entry, "instance_id"), one->instance_id);
        assert_string_equal(part_string(entry, "instance_name"), "one");
        json_t *db = component_of(part, "Db");
        assert_string_equal(part_string(db, "restore_instance_id"), two->instance_id);
        assert_string_equal(part_string(json_array_get(json_object_get(db, "new_targets"), 0),
                                        "alternate_path"),
                            "/restore/data");
        assert_string_equal(part_string(json_object_get(db, "roll_forward"), "type"),
                            "VSS_RF_PARTIAL");
        assert_string_equal(part_string(json_object_get(db, "roll_forward"), "point"),
                            "2024-01-01T00:00Z");
        assert_string_equal(part_string(db, "restore_name"), "Db-restored");
        assert_true(json_is_true(json_object_get(db, "authoritative_restore")));

        EXPECT_OK(r, vss_requester_add_alternative_location_mapping(
                             r, &cb, VSS_CT_FILEGROUP, "", "Extra", "/srv/B/extra", "*", true,
                             "/srv/B/extra.alt"));
        EXPECT_ERR(r,
                   vss_requester_add_alternative_location_mapping(r, &cb, VSS_CT_FILEGROUP, "",
                                                                  "Extra", "/srv/B/extra", "*",
                                                                  true, "/elsewhere"),
                   -VSS_E_OBJECT_NOT_FOUND, "declares no alternate location mapping");
        EXPECT_OK(r, vss_requester_set_file_restore_status(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                           VSS_RS_ALL));
        EXPECT_OK(r, vss_requester_set_file_restore_status(r, &cb, VSS_CT_FILEGROUP, "", "Extra",
                                                           VSS_RS_FAILED));
        h_log_clear(&H);
        EXPECT_OK(r, run(r, OP_POST_RESTORE));
        EXPECT_LOG("W2:post-restore B:post-restore");
        json_t *extra = component_of(b->last_bcd[PROTO_EVENT_POST_RESTORE], "Extra");
        assert_string_equal(part_string(extra, "file_restore_status"), "VSS_RS_FAILED");
        assert_int_equal(json_array_size(json_object_get(extra, "alternate_location_mappings")), 1);
        (void) run(r, OP_FREE);
        saved_done(&s);
}

/* A writer the restore needs is not running; and the restore events VSS_WRE_* asks for. */
static void test_restore_writers(void **state) {
        (void) state;
        HWriter *never = writer_full("N", CLASS_A, NULL, "VSS_APP_FRONT_END", 0, VSS_WRE_NEVER);
        HWriter *ifrf = writer_full("F", CLASS_B, NULL, "VSS_APP_FRONT_END", 0,
                                    VSS_WRE_IF_REPLACE_FAILS);
        HWriter *gone = writer("G", CLASS_C, "VSS_APP_FRONT_END");
        Saved s;
        backup((HWriter *[]) {never, ifrf, gone}, (const char *[]) {CLASS_A, CLASS_B, CLASS_C},
               (const char *[]) {"Db", "Db", "Db"}, 3, &s);
        (void) close(gone->fd);
        gone->fd = -1;
        h_pump(&H, 50);

        vss_guid ca = guid(CLASS_A), cb = guid(CLASS_B), cc = guid(CLASS_C);
        for (int round = 0; round < 2; round++) {
                vss_requester *r = new_restore(&s);
                EXPECT_OK(r, run(r, OP_GATHER));
                EXPECT_ERR(r,
                           vss_requester_set_selected_for_restore(r, &cc, VSS_CT_FILEGROUP, "",
                                                                  "Db", true, NULL),
                           -VSS_E_OBJECT_NOT_FOUND, "is running");
                EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "",
                                                                    "Db", true, NULL));
                EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &cb, VSS_CT_FILEGROUP, "",
                                                                    "Db", true, NULL));
                h_log_clear(&H);
                EXPECT_OK(r, run(r, OP_PRE_RESTORE));
                EXPECT_LOG("F:pre-restore"); /* N needs no restore events */
                EXPECT_OK(r, vss_requester_set_file_restore_status(
                                     r, &cb, VSS_CT_FILEGROUP, "", "Db",
                                     round == 0 ? VSS_RS_ALL : VSS_RS_FAILED));
                h_log_clear(&H);
                EXPECT_OK(r, run(r, OP_POST_RESTORE));
                /* F wants PostRestore only when replacing failed. */
                EXPECT_LOG(round == 0 ? "" : "F:post-restore");
                (void) run(r, OP_FREE);
        }
        saved_done(&s);
}

static void test_out_of_order_restore(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        vss_guid ca = guid(CLASS_A);
        Saved s;
        backup((HWriter *[]) {a}, (const char *[]) {CLASS_A}, (const char *[]) {"Db"}, 1, &s);
        h_log_clear(&H);

        vss_requester *r = new_requester();
        EXPECT_ERR(r, vss_requester_add_saved_writer_metadata(r, s.wmd[0]), -VSS_E_BAD_STATE,
                   "after initialize_for_restore");
        EXPECT_OK(r, vss_requester_initialize_for_restore(r, s.bcd));
        EXPECT_ERR(r, vss_requester_initialize_for_restore(r, s.bcd), -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, vss_requester_add_saved_writer_metadata(r, s.wmd[0]));
        /* Backup calls have no place in a restore. */
        EXPECT_ERR(r, vss_requester_set_context(r, VSS_CTX_BACKUP), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_set_backup_state(r, true, false, VSS_BT_FULL, false),
                   -VSS_E_BAD_STATE, "in a backup");
        EXPECT_ERR(r, add_result(r, a, CLASS_A, "", "Db"), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_START), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_PREPARE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_SNAPSHOT), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_COMPLETE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_ABORT), -VSS_E_BAD_STATE, NULL);
        /* Restore calls before gather_writer_metadata. */
        EXPECT_ERR(r,
                   vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db", true,
                                                          NULL),
                   -VSS_E_BAD_STATE, "after gather_writer_metadata");
        EXPECT_ERR(r,
                   vss_requester_set_restore_options(r, &ca, VSS_CT_FILEGROUP, "", "Db", "x"),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_PRE_RESTORE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_POST_RESTORE), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_STATUS), -VSS_E_BAD_STATE, NULL);
        assert_string_equal(H.log, "");

        EXPECT_OK(r, run(r, OP_GATHER));
        EXPECT_ERR(r, run(r, OP_GATHER), -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r,
                   vss_requester_set_file_restore_status(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                         VSS_RS_ALL),
                   -VSS_E_BAD_STATE, "after pre_restore");
        EXPECT_ERR(r,
                   vss_requester_add_alternative_location_mapping(r, &ca, VSS_CT_FILEGROUP, "",
                                                                  "Db", "/a", "*", false, "/b"),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, vss_requester_set_selected_for_restore(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                            true, NULL));
        EXPECT_OK(r, run(r, OP_PRE_RESTORE));
        EXPECT_ERR(r, run(r, OP_PRE_RESTORE), -VSS_E_BAD_STATE, "comes once");
        EXPECT_ERR(r,
                   vss_requester_set_additional_restores(r, &ca, VSS_CT_FILEGROUP, "", "Db", true),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, vss_requester_set_restore_state(r, VSS_RTYPE_IMPORT), -VSS_E_BAD_STATE,
                   NULL);
        EXPECT_OK(r, run(r, OP_POST_RESTORE));
        EXPECT_ERR(r,
                   vss_requester_set_file_restore_status(r, &ca, VSS_CT_FILEGROUP, "", "Db",
                                                         VSS_RS_ALL),
                   -VSS_E_BAD_STATE, NULL);
        EXPECT_ERR(r, run(r, OP_POST_RESTORE), -VSS_E_BAD_STATE, NULL);
        EXPECT_OK(r, run(r, OP_STATUS));
        (void) run(r, OP_FREE);
        saved_done(&s);
}

/* vssd stops answering: a call gives up after the configured wait, the session is over, and
 * freeing does not block. */
static void test_timeout(void **state) {
        (void) state;
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");

        vss_requester *r = new_backup();
        EXPECT_OK(r, run(r, OP_GATHER));
        add(r, a, CLASS_A, "", "Db");
        EXPECT_OK(r, vss_requester_set_timeout(r, 300));
        assert_int_equal(kill(H.vssd, SIGSTOP), 0);
        usec_t start = now_usec(CLOCK_MONOTONIC);
        EXPECT_ERR(r, run(r, OP_START), -ETIMEDOUT, "the session is over");
        usec_t took = now_usec(CLOCK_MONOTONIC) - start;
        assert_true(took >= 250 * USEC_PER_MSEC);
        assert_true(took < 5 * USEC_PER_SEC);
        EXPECT_ERR(r, run(r, OP_STATUS), -ECONNRESET, NULL);
        start = now_usec(CLOCK_MONOTONIC);
        assert_int_equal(run(r, OP_FREE), 0);
        assert_true(now_usec(CLOCK_MONOTONIC) - start < USEC_PER_SEC);
        assert_int_equal(kill(H.vssd, SIGCONT), 0);
}

/* ---- The programs ------------------------------------------------------------------------- */

/* Runs a program of the build with the harness's socket while the writers answer; returns its
 * exit status and its output in 'out'. */
static int run_program(const char *const *argv, char *out, size_t out_size) {
        char path[400];
        (void) snprintf(path, sizeof path, "%s/program-output", H.dir);

        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                FILE *f = freopen(path, "w", stdout);
                if (!f || dup2(fileno(stdout), 2) < 0)
                        _exit(126);
                (void) setenv("VSS_SOCKET", H.socket, 1);
                execv(argv[0], (char *const *) argv);
                _exit(127);
        }
        int status = 0;
        for (;;) {
                pid_t k = waitpid(pid, &status, WNOHANG);
                assert_true(k >= 0);
                if (k == pid)
                        break;
                h_pump(&H, 5);
        }
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t n = fread(out, 1, out_size - 1, f);
        out[n] = 0;
        (void) fclose(f);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

#define EXPECT_IN(text, fragment)                                                                  \
        do {                                                                                       \
                if (!strstr((text), (fragment)))                                                   \
                        fail_msg("output does not contain '%s':\n%s", (fragment), (text));         \
        } while (0)

static void test_betest(void **state) {
        (void) state;
        static char out[65536];
        char dir[400], line[512];
        HWriter *a = writer_full("A", CLASS_A, "one", "VSS_APP_FRONT_END", ALL_RESTORE_BITS,
                                 VSS_WRE_ALWAYS);
        HWriter *a2 = writer_full("A", CLASS_A, "two", "VSS_APP_FRONT_END", ALL_RESTORE_BITS,
                                  VSS_WRE_ALWAYS);
        HWriter *b = writer("B", CLASS_B, "VSS_APP_BACK_END");
        (void) snprintf(dir, sizeof dir, "%s/saved", H.dir);

        const char *backup_argv[] = {BUILD_ROOT "/src/cli/vss-betest", "backup", "--component",
                                     "A@one:Db", "--component", CLASS_B ":Extra", "--save", dir,
                                     NULL};
        if (run_program(backup_argv, out, sizeof out) != 0)
                fail_msg("vss-betest backup failed:\n%s", out);
        EXPECT_IN(out, "* gather-writer-metadata: ok\n");
        (void) snprintf(line, sizeof line, "  writer 'A' %s: [1] Stable\n", a->instance_id);
        EXPECT_IN(out, line);
        EXPECT_IN(out, "* do-snapshot-set: ok\n");
        (void) snprintf(line, sizeof line, "  writer 'B' %s: [5] Waiting for completion\n",
                        b->instance_id);
        EXPECT_IN(out, line);
        EXPECT_IN(out, "* backup-complete: ok\n");
        EXPECT_IN(out, "* saved:");

        /* A restore from the saved documents, moved to the other instance, with the features. */
        const char *restore_argv[] = {BUILD_ROOT "/src/cli/vss-betest", "restore", "--load", dir,
                                      "--component", "A@one:Db", "--move", "A@one:Db=two",
                                      "--new-target", "A@one:Db=/srv/A/db,*.db,recursive,/restore",
                                      "--roll-forward", "A@one:Db=partial:LSN42", "--restore-name",
                                      "A@one:Db=Db2", "--authoritative", "A@one:Db",
                                      "--file-restore-status", "all", "--json", NULL};
        h_log_clear(&H);
        if (run_program(restore_argv, out, sizeof out) != 0)
                fail_msg("vss-betest restore failed:\n%s", out);
        EXPECT_LOG("A:identify A:identify B:identify A:pre-restore A:post-restore");
        EXPECT_IN(out, "{\"step\":\"pre-restore\",\"result\":0,");
        json_t *part = a2->last_bcd[PROTO_EVENT_PRE_RESTORE];
        assert_non_null(part);
        json_t *db = component_of(part, "Db");
        assert_string_equal(part_string(db, "restore_name"), "Db2");
        assert_string_equal(part_string(json_object_get(db, "roll_forward"), "point"), "LSN42");
        assert_null(a->last_bcd[PROTO_EVENT_PRE_RESTORE]);

        /* An abort at a step, and errors named clearly. */
        const char *abort_argv[] = {BUILD_ROOT "/src/cli/vss-betest", "backup", "--component",
                                    "B:Db", "--abort-after", "prepare-for-backup", NULL};
        h_log_clear(&H);
        assert_int_equal(run_program(abort_argv, out, sizeof out), 0);
        EXPECT_IN(out, "* abort-backup: ok\n");
        EXPECT_LOG("A:identify A:identify B:identify B:prepare-backup B:abort B:backup-shutdown");

        const char *bad_argv[] = {BUILD_ROOT "/src/cli/vss-betest", "backup", "--component",
                                  "B:Nope", NULL};
        assert_int_equal(run_program(bad_argv, out, sizeof out), 1);
        EXPECT_IN(out, "'Nope'");
        const char *bad2_argv[] = {BUILD_ROOT "/src/cli/vss-betest", "backup", "--type", "weekly",
                                   NULL};
        assert_int_equal(run_program(bad2_argv, out, sizeof out), 1);
        EXPECT_IN(out, "weekly");
}

static void test_example_requester(void **state) {
        (void) state;
        static char out[65536];
        char dir[400];
        HWriter *a = writer("A", CLASS_A, "VSS_APP_FRONT_END");
        (void) snprintf(dir, sizeof dir, "%s/example", H.dir);

        const char *backup_argv[] = {BUILD_ROOT "/examples/example-requester", "backup", dir, NULL};
        if (run_program(backup_argv, out, sizeof out) != 0)
                fail_msg("example-requester backup failed:\n%s", out);
        EXPECT_IN(out, "copy /srv/A/db/*.db (recursive)");
        EXPECT_IN(out, "copy /srv/A/db/data/* (recursive)");
        EXPECT_IN(out, "copy /srv/A/etc/*.conf (recursive)");

        const char *restore_argv[] = {BUILD_ROOT "/examples/example-requester", "restore", dir,
                                      NULL};
        h_log_clear(&H);
        if (run_program(restore_argv, out, sizeof out) != 0)
                fail_msg("example-requester restore failed:\n%s", out);
        EXPECT_LOG("A:identify A:pre-restore A:post-restore");
        EXPECT_IN(out, "restore /srv/A/db/*.db (recursive)");
        assert_string_equal(part_string(component_of(a->last_bcd[PROTO_EVENT_POST_RESTORE], "Db"),
                                        "file_restore_status"),
                            "VSS_RS_ALL");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test_setup_teardown(test_backup_sequence, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_non_component_mode, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_out_of_order_backup, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_selection, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_parts_merge, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_invalid_metadata_left_out, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_veto_at_freeze, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_prepare_veto_and_soft_failure, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_exclusivity, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_free_mid_session_aborts, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_vssd_not_running, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_vssd_goes_away, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_snapshot_set_with_a_provider, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_context_without_writers, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_save_and_restore_round_trip, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_restore_refused_without_schema_bits, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_restore_features_delivered, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_restore_writers, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_out_of_order_restore, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_betest, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_example_requester, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
