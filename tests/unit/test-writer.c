/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The writer runtime of libvss (include/vss/vss-writer.h). A libvss writer runs in the test
 * process, served from the harness's poll loop (tests/unit/vssd-harness.c), against the real vssd
 * driven by raw requester calls: identify, the backup sequence with its documents, vetoes and
 * failures, reconnection after vssd restarts, the abort a frozen writer gets when vssd dies. A
 * fake vssd on a socketpair sends what the real one never would: broken frames, events that
 * break the schema, documents that are not valid. The example writer and the scriptable test
 * writer run as child processes against the real vssd. */

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <vss/vss-writer.h>
#include <vss/vss.h>

#include "time-util.h"
#include "vssd-harness.h"
#include "writer-internal.h"

#define CLASS_T  "{5EB0A4C2-8D4B-4E11-9A39-0C7DB8A31F01}"
#define CLASS_U  "{6A7C2E10-3F4B-4D2A-8C55-1B2E3D4F5A6B}"
#define COMPONENT "Data"

static Harness H;
static char debug_log[65536];

static void capture_log(int priority, const char *message, void *userdata) {
        (void) priority;
        (void) userdata;
        size_t n = strlen(debug_log);
        (void) snprintf(debug_log + n, sizeof debug_log - n, "%s\n", message);
}

/* ---- A scripted in-process writer -------------------------------------------------------- */

typedef struct TestWriter {
        vss_writer *w;
        char log[4096];
        /* What each callback returns, and the failure it reports first (hr 0: none). */
        int result[PROTO_EVENT_MAX];
        int failure_hr[PROTO_EVENT_MAX];
        int32_t failure_app[PROTO_EVENT_MAX];
        const char *failure_message[PROTO_EVENT_MAX];
        bool bad_wmd;          /* identify leaves out the restore method */
        bool change_identity;  /* identify renames the writer */
        bool kill_vssd_in_freeze;
        bool stamp;            /* prepare_backup sets stamps and metadata */
        /* What the callbacks saw. */
        int set_failure_in_identify;
        int set_failure_in_prepare;
        VSS_BACKUP_TYPE type_in_prepare, type_in_freeze, type_after_shutdown;
        bool selected_in_prepare, partial_in_prepare;
        int32_t context_in_prepare;
        char previous_stamp[64];
        size_t components_in_prepare;
        int session_in_prepare, set_in_prepare, set_in_freeze, set_in_complete;
        vss_guid session_id, set_id, set_in_shutdown;
        bool succeeded_in_complete;
        size_t volumes_in_post;
        char device_in_post[128];
        int affected_in_post, unaffected_in_post;
        int busy_in_callback; /* vss_writer_process() from a callback */
} TestWriter;

static void tw_log(TestWriter *t, const char *what) {
        size_t n = strlen(t->log);
        (void) snprintf(t->log + n, sizeof t->log - n, "%s%s", n ? " " : "", what);
}

static int tw_finish(TestWriter *t, ProtoEvent e) {
        if (t->failure_hr[e] < 0)
                assert_int_equal(vss_writer_set_failure(t->w, t->failure_hr[e], t->failure_app[e],
                                                        t->failure_message[e]),
                                 0);
        return t->result[e];
}

static int tw_identify(vss_writer *w, vss_wmd *wmd, void *userdata) {
        TestWriter *t = userdata;
        tw_log(t, "identify");
        t->set_failure_in_identify = vss_writer_set_failure(w, -VSS_E_WRITERERROR_RETRYABLE, 0, NULL);
        if (!t->bad_wmd)
                assert_int_equal(vss_wmd_set_restore_method(wmd, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL, NULL,
                                                            VSS_WRE_NEVER, false),
                                 0);
        assert_int_equal(vss_wmd_set_backup_schema(wmd, VSS_BS_INCREMENTAL | VSS_BS_TIMESTAMPED), 0);
        assert_int_equal(vss_wmd_add_component(wmd, VSS_CT_FILEGROUP, NULL, COMPONENT, "The data", NULL, 0,
                                               false, true, true, false, 0),
                         0);
        assert_int_equal(vss_wmd_add_files_to_file_group(wmd, NULL, COMPONENT, "/srv/data", "*", true, NULL,
                                                         VSS_FSBT_DEFAULT),
                         0);
        if (t->change_identity)
                assert_int_equal(vss_wmd_set_writer_name(wmd, "someone else"), 0);
        return t->result[PROTO_EVENT_IDENTIFY];
}

static int tw_prepare_backup(vss_writer *w, vss_bcd_writer *c, void *userdata) {
        TestWriter *t = userdata;
        tw_log(t, "prepare-backup");
        t->busy_in_callback = vss_writer_process(w);
        t->type_in_prepare = vss_writer_get_backup_type(w);
        t->selected_in_prepare = vss_writer_are_components_selected(w);
        t->partial_in_prepare = vss_writer_is_partial_file_support_enabled(w);
        t->context_in_prepare = vss_writer_get_context(w);
        t->session_in_prepare = vss_writer_get_session_id(w, &t->session_id);
        t->set_in_prepare = vss_writer_get_current_snapshot_set_id(w, &t->set_id);
        t->components_in_prepare = vss_bcd_writer_get_component_count(c);
        vss_bcd_component *comp = vss_bcd_writer_find_component(c, "", COMPONENT);
        const char *prev = comp ? vss_bcd_component_get_previous_backup_stamp(comp) : NULL;
        (void) snprintf(t->previous_stamp, sizeof t->previous_stamp, "%s", prev ? prev : "(none)");
        if (t->stamp && comp) {
                assert_int_equal(vss_bcd_component_set_backup_stamp(comp, "stamp-2"), 0);
                assert_int_equal(vss_bcd_component_set_backup_metadata(comp, "meta from the writer"), 0);
        }
        t->set_failure_in_prepare = 1;
        if (t->failure_hr[PROTO_EVENT_PREPARE_BACKUP] < 0)
                t->set_failure_in_prepare = vss_writer_set_failure(
                                w, t->failure_hr[PROTO_EVENT_PREPARE_BACKUP],
                                t->failure_app[PROTO_EVENT_PREPARE_BACKUP],
                                t->failure_message[PROTO_EVENT_PREPARE_BACKUP]);
        return t->result[PROTO_EVENT_PREPARE_BACKUP];
}

static int tw_prepare_snapshot(vss_writer *w, void *userdata) {
        (void) w;
        tw_log(userdata, "prepare-snapshot");
        return tw_finish(userdata, PROTO_EVENT_PREPARE_SNAPSHOT);
}

static int tw_freeze(vss_writer *w, void *userdata) {
        TestWriter *t = userdata;
        tw_log(t, "freeze");
        t->type_in_freeze = vss_writer_get_backup_type(w);
        vss_guid g;
        t->set_in_freeze = vss_writer_get_current_snapshot_set_id(w, &g);
        if (t->kill_vssd_in_freeze)
                h_kill(&H);
        return tw_finish(t, PROTO_EVENT_FREEZE);
}

static int tw_thaw(vss_writer *w, void *userdata) {
        (void) w;
        tw_log(userdata, "thaw");
        return tw_finish(userdata, PROTO_EVENT_THAW);
}

static int tw_post_snapshot(vss_writer *w, vss_bcd_writer *c, void *userdata) {
        TestWriter *t = userdata;
        (void) c;
        tw_log(t, "post-snapshot");
        t->volumes_in_post = vss_writer_get_current_volume_count(w);
        const char *dev = t->volumes_in_post ? vss_writer_get_snapshot_device_name(w, vss_writer_get_current_volume(w, 0))
                                             : NULL;
        (void) snprintf(t->device_in_post, sizeof t->device_in_post, "%s", dev ? dev : "(none)");
        t->affected_in_post = vss_writer_is_path_affected(w, "/srv//data/db/");
        t->unaffected_in_post = vss_writer_is_path_affected(w, "/srvx/data");
        return tw_finish(t, PROTO_EVENT_POST_SNAPSHOT);
}

static int tw_abort(vss_writer *w, void *userdata) {
        (void) w;
        tw_log(userdata, "abort");
        return tw_finish(userdata, PROTO_EVENT_ABORT);
}

static int tw_backup_complete(vss_writer *w, const vss_bcd_writer *c, void *userdata) {
        TestWriter *t = userdata;
        tw_log(t, "backup-complete");
        vss_guid g;
        t->set_in_complete = vss_writer_get_current_snapshot_set_id(w, &g);
        const vss_bcd_component *comp = vss_bcd_writer_find_component(c, "", COMPONENT);
        t->succeeded_in_complete = comp && vss_bcd_component_get_backup_succeeded(comp);
        /* Changes here are not sent back. */
        if (comp)
                assert_int_equal(vss_bcd_component_set_backup_stamp((vss_bcd_component *) comp, "late"), 0);
        return tw_finish(t, PROTO_EVENT_BACKUP_COMPLETE);
}

static int tw_backup_shutdown(vss_writer *w, const vss_guid *set_id, void *userdata) {
        TestWriter *t = userdata;
        (void) w;
        tw_log(t, "backup-shutdown");
        t->set_in_shutdown = *set_id;
        return tw_finish(t, PROTO_EVENT_BACKUP_SHUTDOWN);
}

static int tw_pre_restore(vss_writer *w, vss_bcd_writer *c, void *userdata) {
        TestWriter *t = userdata;
        (void) w;
        tw_log(t, "pre-restore");
        t->components_in_prepare = vss_bcd_writer_get_component_count(c);
        vss_bcd_component *comp = vss_bcd_writer_find_component(c, "", COMPONENT);
        if (comp)
                assert_int_equal(vss_bcd_component_set_restore_target(comp, VSS_RT_ALTERNATE), 0);
        return tw_finish(t, PROTO_EVENT_PRE_RESTORE);
}

static int tw_post_restore(vss_writer *w, vss_bcd_writer *c, void *userdata) {
        (void) w;
        (void) c;
        tw_log(userdata, "post-restore");
        return tw_finish(userdata, PROTO_EVENT_POST_RESTORE);
}

static const vss_writer_ops tw_ops = {
                .identify = tw_identify,
                .prepare_backup = tw_prepare_backup,
                .prepare_snapshot = tw_prepare_snapshot,
                .freeze = tw_freeze,
                .thaw = tw_thaw,
                .post_snapshot = tw_post_snapshot,
                .abort = tw_abort,
                .backup_complete = tw_backup_complete,
                .backup_shutdown = tw_backup_shutdown,
                .pre_restore = tw_pre_restore,
                .post_restore = tw_post_restore,
};

static int tw_get_fd(void *userdata) {
        TestWriter *t = userdata;
        return vss_writer_get_fd(t->w);
}

static void tw_process(void *userdata) {
        TestWriter *t = userdata;
        int r = vss_writer_process(t->w);
        if (r < 0)
                fail_msg("vss_writer_process: %s", vss_strerror(r));
}

static void tw_new(TestWriter *t, const char *class_id, const char *instance_name) {
        vss_guid g;
        memset(t, 0, sizeof *t);
        assert_int_equal(vss_guid_from_string(class_id, &g), 0);
        assert_int_equal(vss_writer_new(&g, "Test Writer", VSS_UT_USERDATA, VSS_ST_NONTRANSACTEDDB,
                                        VSS_APP_BACK_END, 20000, VSS_AWS_NO_ALTERNATE_WRITER, false,
                                        instance_name, &tw_ops, t, &t->w),
                         0);
}

/* Creates the writer, subscribes it to the harness's vssd and adds it to the loop. */
static void tw_start(TestWriter *t, const char *class_id, const char *instance_name) {
        tw_new(t, class_id, instance_name);
        assert_int_equal(vss_writer_set_version(t->w, 2, 7), 0);
        int r = vss_writer_subscribe(t->w, H.socket, 0);
        if (r < 0)
                fail_msg("subscribe: %s (%s)", vss_strerror(r), vss_writer_get_error(t->w));
        assert_int_equal(vss_writer_set_version(t->w, 3, 0), -VSS_E_BAD_STATE);
        h_add_client(&H, tw_get_fd, tw_process, t);
}

static const char *guid_str(const vss_guid *g, char *buf) {
        return vss_guid_to_string(g, buf);
}

/* ---- Requester helpers -------------------------------------------------------------------- */

static int setup(void **state) {
        (void) state;
        debug_log[0] = 0;
        vss_set_log_func(capture_log, NULL);
        h_start(&H, NULL);
        return 0;
}

static int teardown(void **state) {
        (void) state;
        int status = h_stop(&H);
        vss_set_log_func(NULL, NULL);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        return 0;
}

static int requester(void) {
        int fd = h_connect(&H);
        assert_int_equal(h_hello(&H, fd, "requester"), 0);
        return fd;
}

static ProtoMessage *call_ok(int fd, const char *type, json_t *body) {
        ProtoMessage *m = h_call(&H, fd, type, body, 10000);
        assert_non_null(m);
        const char *err = NULL;
        int r = proto_reply_result(m, &err);
        if (r != 0)
                fail_msg("%s failed: %s (%s)", type, vss_strerror(r), err ? err : "");
        return m;
}

static void call_expect(int fd, const char *type, json_t *body, int want) {
        ProtoMessage *m = h_call(&H, fd, type, body, 10000);
        assert_non_null(m);
        const char *err = NULL;
        int r = proto_reply_result(m, &err);
        if (r != want)
                fail_msg("%s: %s (%s), expected %s", type, vss_strerror(r), err ? err : "",
                         vss_strerror(want));
        proto_message_free(m);
}

/* A requester's part of the BCD for one writer: 'component' included, a backup type, a previous
 * stamp. */
static json_t *bcd_json(const vss_guid *instance, const vss_guid *class_id, const char *instance_name,
                        const char *component, VSS_BACKUP_TYPE type, bool succeeded, const char *previous_stamp) {
        vss_bcd *bcd = NULL;
        vss_bcd_writer *bw = NULL;
        vss_bcd_component *c = NULL;
        char *text = NULL;

        assert_int_equal(vss_bcd_new(&bcd), 0);
        assert_int_equal(vss_bcd_set_backup_state(bcd, true, false, type, true), 0);
        assert_int_equal(vss_bcd_add_writer(bcd, instance, class_id, instance_name, &bw), 0);
        assert_int_equal(vss_bcd_writer_add_component(bw, VSS_CT_FILEGROUP, "", component, &c), 0);
        assert_int_equal(vss_bcd_component_set_previous_backup_stamp(c, previous_stamp), 0);
        assert_int_equal(vss_bcd_component_set_backup_succeeded(c, succeeded), 0);
        assert_int_equal(vss_bcd_to_json(bcd, &text, NULL, NULL), 0);
        json_t *o = json_loads(text, 0, NULL);
        assert_non_null(o);
        free(text);
        vss_bcd_free(bcd);
        return o;
}

/* The requester's part for the in-process writer: Data, incremental, previous stamp stamp-1. */
static json_t *bcd_for(const vss_writer *w, bool succeeded) {
        return bcd_json(vss_writer_get_instance_id(w), vss_writer_get_class_id(w), vss_writer_get_instance_name(w),
                        COMPONENT, VSS_BT_INCREMENTAL, succeeded, "stamp-1");
}

static json_t *writers_body(const vss_writer *w, bool succeeded) {
        char g[VSS_GUID_STRING_MAX];
        return json_pack("{s:[{s:s, s:o}]}", "writers", "instance_id", guid_str(vss_writer_get_instance_id(w), g),
                         "bcd", bcd_for(w, succeeded));
}

/* The entry of writers[] in a reply for the writer. */
static const json_t *writer_entry(const ProtoMessage *m, const vss_writer *w) {
        char g[VSS_GUID_STRING_MAX];
        size_t i;
        const json_t *e;
        guid_str(vss_writer_get_instance_id(w), g);
        json_array_foreach(json_object_get(m->root, "writers"), i, e)
                if (strcasecmp(json_string_value(json_object_get(e, "instance_id")), g) == 0)
                        return e;
        return NULL;
}

static const json_t *status_entry(int fd, const vss_writer *w, ProtoMessage **ret) {
        *ret = call_ok(fd, "list-writers", NULL);
        return writer_entry(*ret, w);
}

static vss_bcd *entry_bcd(const json_t *entry) {
        const json_t *doc = json_object_get(entry, "bcd");
        assert_non_null(doc);
        char *text = json_dumps(doc, 0);
        vss_bcd *bcd = NULL;
        char *err = NULL;
        int r = vss_bcd_from_json(text, strlen(text), &bcd, &err);
        if (r < 0)
                fail_msg("the returned bcd is not valid: %s", err);
        free(text);
        return bcd;
}

#define EXPECT_LOG(t, want)                                                                    \
        do {                                                                                   \
                if (strcmp((t)->log, want) != 0)                                               \
                        fail_msg("events:\n  %s\nexpected:\n  %s", (t)->log, want);            \
        } while (0)

/* ---- Creation, argument checks ------------------------------------------------------------ */

static void test_new_checks(void **state) {
        (void) state;
        vss_guid g, null = {};
        vss_writer *w = NULL;
        const vss_writer_ops no_identify = {.freeze = tw_freeze};
        char long_name[1100];

        assert_int_equal(vss_guid_from_string(CLASS_T, &g), 0);
        memset(long_name, 'x', sizeof long_name - 1);
        long_name[sizeof long_name - 1] = 0;

#define NEW(id, name, ut, st, lvl, ms, aws, io, inst, ops)                                     \
        vss_writer_new(id, name, ut, st, lvl, ms, aws, io, inst, ops, NULL, &w)
        assert_int_equal(NEW(NULL, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&null, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, NULL, VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, long_name, VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "bad \xC3\x28 utf-8", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END,
                             60000, VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_UNDEFINED, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", (VSS_USAGE_TYPE) 99, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, (VSS_SOURCE_TYPE) 9, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_UNKNOWN, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 0,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 3600001,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_ALTERNATE_WRITER_EXISTS, false, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, true, NULL, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, long_name, &tw_ops), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, NULL), -EINVAL);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &no_identify), -EINVAL);
        assert_int_equal(vss_writer_new(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                                        VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &tw_ops, NULL, NULL),
                         -EINVAL);
        assert_null(w);

        /* The limits themselves pass; "" as instance name means none. */
        long_name[1024] = 0;
        assert_int_equal(NEW(&g, long_name, VSS_UT_USERDATA, VSS_ST_UNDEFINED, VSS_APP_SYSTEM, 3600000,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, "", &tw_ops), 0);
        assert_null(vss_writer_get_instance_name(w));
        assert_true(vss_guid_equal(vss_writer_get_class_id(w), &g));
        assert_true(vss_guid_is_null(vss_writer_get_instance_id(w)));
        w = vss_writer_free(w);
        assert_int_equal(NEW(&g, "n", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 1,
                             VSS_AWS_NO_ALTERNATE_WRITER, false, "main", &tw_ops), 0);
#undef NEW
        assert_string_equal(vss_writer_get_instance_name(w), "main");
        assert_string_equal(vss_writer_get_writer_name(w), "n");

        /* Not subscribed: nothing to serve, no callback context. */
        int fd = vss_writer_get_fd(w);
        assert_true(fd >= 0);
        assert_int_equal(vss_writer_get_events(w), POLLIN);
        uint64_t t = 0;
        assert_int_equal(vss_writer_get_timeout(w, &t), 0);
        assert_true(t == UINT64_MAX);
        assert_int_equal(vss_writer_process(w), -ENOTCONN);
        assert_int_equal(vss_writer_run(w), -ENOTCONN);
        assert_int_equal(vss_writer_unsubscribe(w), 0);
        assert_int_equal(vss_writer_set_failure(w, -VSS_E_WRITERERROR_RETRYABLE, 0, NULL), -VSS_E_BAD_STATE);
        vss_guid out;
        assert_int_equal(vss_writer_get_session_id(w, &out), -VSS_E_BAD_STATE);
        assert_int_equal(vss_writer_get_current_snapshot_set_id(w, &out), -VSS_E_BAD_STATE);
        assert_int_equal(vss_writer_get_backup_type(w), VSS_BT_UNDEFINED);
        assert_int_equal(vss_writer_get_restore_type(w), VSS_RTYPE_UNDEFINED);
        assert_int_equal(vss_writer_get_context(w), VSS_CTX_BACKUP);
        assert_false(vss_writer_are_components_selected(w));
        assert_int_equal(vss_writer_get_current_volume_count(w), 0);
        assert_null(vss_writer_get_current_volume(w, 0));
        assert_int_equal(vss_writer_is_path_affected(w, "/x"), 0);
        assert_int_equal(vss_writer_is_path_affected(w, "relative"), -EINVAL);
        assert_int_equal(vss_writer_subscribe(w, H.socket, 0x100), -EINVAL);
        assert_null(vss_writer_get_error(w));

        /* A stop before run() makes it return at once. */
        vss_writer_stop(w);
        assert_int_equal(vss_writer_set_version(w, 1, 2), 0);
        assert_int_equal(vss_writer_get_fd(w), fd); /* stable */
        w = vss_writer_free(w);

        /* NULL everywhere. */
        assert_null(vss_writer_free(NULL));
        vss_writer_stop(NULL);
        assert_int_equal(vss_writer_get_fd(NULL), -EINVAL);
        assert_int_equal(vss_writer_process(NULL), -EINVAL);
        assert_int_equal(vss_writer_subscribe(NULL, NULL, 0), -EINVAL);
        assert_int_equal(vss_writer_set_failure(NULL, -VSS_E_WRITERERROR_RETRYABLE, 0, NULL), -EINVAL);
        assert_null(vss_writer_get_class_id(NULL));
        assert_null(vss_writer_get_error(NULL));
}

/* ---- Subscribing ---------------------------------------------------------------------------- */

static void test_subscribe_errors(void **state) {
        (void) state;
        TestWriter a, b;
        char path[400];

        /* Nobody listens. */
        tw_new(&a, CLASS_T, "one");
        (void) snprintf(path, sizeof path, "%s/nothing.sock", H.dir);
        assert_int_equal(vss_writer_subscribe(a.w, path, 0), -ENOENT);
        assert_non_null(strstr(vss_writer_get_error(a.w), "vssd is not running"));
        char too_long[200];
        memset(too_long, 'a', sizeof too_long - 1);
        too_long[0] = '/';
        too_long[sizeof too_long - 1] = 0;
        assert_int_equal(vss_writer_subscribe(a.w, too_long, 0), -EINVAL);
        assert_non_null(strstr(vss_writer_get_error(a.w), "too long"));

        /* $VSS_SOCKET is the default. */
        assert_int_equal(setenv("VSS_SOCKET", H.socket, 1), 0);
        assert_int_equal(vss_writer_subscribe(a.w, NULL, VSS_SM_BACKUP_EVENTS_FLAG), 0);
        assert_int_equal(unsetenv("VSS_SOCKET"), 0);
        assert_null(vss_writer_get_error(a.w));
        assert_false(vss_guid_is_null(vss_writer_get_instance_id(a.w)));
        assert_int_equal(vss_writer_subscribe(a.w, H.socket, 0), -EALREADY);

        /* The same class and instance name twice. */
        tw_new(&b, CLASS_T, "one");
        assert_int_equal(vss_writer_subscribe(b.w, H.socket, 0), -VSS_E_WRITER_ALREADY_SUBSCRIBED);
        assert_non_null(strstr(vss_writer_get_error(b.w), "already registered"));
        assert_true(vss_guid_is_null(vss_writer_get_instance_id(b.w)));
        /* Once the first one is gone, the second may take its place. */
        assert_int_equal(vss_writer_unsubscribe(a.w), 0);
        assert_true(vss_guid_is_null(vss_writer_get_instance_id(a.w)));
        h_pump(&H, 50); /* vssd notices the closed connection */
        assert_int_equal(vss_writer_subscribe(b.w, H.socket, 0), 0);
        /* Unsubscribed writers can subscribe again. */
        assert_int_equal(vss_writer_subscribe(a.w, H.socket, 0), -VSS_E_WRITER_ALREADY_SUBSCRIBED);

        vss_writer_free(a.w);
        vss_writer_free(b.w);
}

/* A user who is not in the registry's writer access list is refused with vssd's reason. */
static void test_subscribe_access_denied(void **state) {
        (void) state;
        if (geteuid() != 0) {
                print_message("# skipped: needs root to run a writer as another user\n");
                return;
        }
        assert_int_equal(chmod(H.dir, 0755), 0);

        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                TestWriter t;
                (void) close(p[0]);
                if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                    setresuid(65534, 65534, 65534) < 0)
                        _exit(2);
                tw_new(&t, CLASS_T, NULL);
                int r = vss_writer_subscribe(t.w, H.socket, 0);
                const char *e = vss_writer_get_error(t.w);
                ssize_t n = write(p[1], e ? e : "", e ? strlen(e) : 0);
                (void) n;
                vss_writer_free(t.w);
                _exit(r == -EACCES ? 0 : 1);
        }
        (void) close(p[1]);
        char text[2048] = "";
        ssize_t n = read(p[0], text, sizeof text - 1);
        (void) close(p[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(n > 0);
        text[n] = 0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                fail_msg("subscribe as nobody did not fail with -EACCES: %s", text);
        assert_non_null(strstr(text, "may not act as a writer"));
}

/* ---- Identify ------------------------------------------------------------------------------ */

static void test_identify(void **state) {
        (void) state;
        TestWriter t;
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];

        tw_start(&t, CLASS_T, "main");
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        ProtoMessage *m = call_ok(fd, "gather-metadata", NULL);
        const json_t *e = writer_entry(m, t.w);
        assert_non_null(e);
        assert_string_equal(json_string_value(json_object_get(e, "writer_name")), "Test Writer");
        assert_string_equal(json_string_value(json_object_get(e, "instance_name")), "main");
        assert_string_equal(json_string_value(json_object_get(e, "application_level")), "VSS_APP_BACK_END");

        /* The WMD is a valid document with the identity filled in by the library. */
        char *text = json_dumps(json_object_get(e, "wmd"), 0);
        vss_wmd *wmd = NULL;
        assert_int_equal(vss_wmd_from_json(text, strlen(text), &wmd, NULL), 0);
        free(text);
        assert_string_equal(guid_str(vss_wmd_get_writer_class_id(wmd), g1), CLASS_T);
        assert_string_equal(guid_str(vss_wmd_get_writer_instance_id(wmd), g1),
                            guid_str(vss_writer_get_instance_id(t.w), g2));
        assert_string_equal(vss_wmd_get_writer_name(wmd), "Test Writer");
        assert_string_equal(vss_wmd_get_instance_name(wmd), "main");
        assert_int_equal(vss_wmd_get_version_major(wmd), 2);
        assert_int_equal(vss_wmd_get_version_minor(wmd), 7);
        assert_int_equal(vss_wmd_get_usage_type(wmd), VSS_UT_USERDATA);
        assert_int_equal(vss_wmd_get_source_type(wmd), VSS_ST_NONTRANSACTEDDB);
        assert_int_equal(vss_wmd_get_application_level(wmd), VSS_APP_BACK_END);
        assert_int_equal(vss_wmd_get_freeze_timeout(wmd), 20000);
        assert_int_equal(vss_wmd_get_backup_schema(wmd), VSS_BS_INCREMENTAL | VSS_BS_TIMESTAMPED);
        assert_non_null(vss_wmd_find_component(wmd, "", COMPONENT));
        vss_wmd_free(wmd);
        proto_message_free(m);

        /* set_failure is refused in identify, as VSS says. */
        assert_int_equal(t.set_failure_in_identify, -VSS_E_BAD_STATE);
        EXPECT_LOG(&t, "identify");
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        vss_writer_free(t.w);
}

static void test_identify_failures(void **state) {
        (void) state;
        TestWriter t;

        /* An invalid WMD: the writer is left out, its status names the broken rule, and the debug
         * log shows it. */
        tw_start(&t, CLASS_T, NULL);
        t.bad_wmd = true;
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        ProtoMessage *m = call_ok(fd, "gather-metadata", NULL);
        assert_null(writer_entry(m, t.w));
        proto_message_free(m);
        const json_t *e = status_entry(fd, t.w, &m);
        assert_non_null(e);
        assert_string_equal(json_string_value(json_object_get(e, "state")), "VSS_WS_FAILED_AT_IDENTIFY");
        const json_t *f = json_object_get(e, "failure");
        assert_int_equal(json_integer_value(json_object_get(f, "hr")), -VSS_E_WRITERERROR_NONRETRYABLE);
        const char *msg = json_string_value(json_object_get(f, "message"));
        assert_non_null(strstr(msg, "invalid writer metadata"));
        assert_non_null(strstr(msg, "restore_method.method: must not be VSS_RME_UNDEFINED"));
        proto_message_free(m);
        assert_non_null(strstr(debug_log, "invalid writer metadata in identify"));
        call_expect(fd, "session-end", NULL, 0);

        /* Changing the identity is refused too. */
        t.bad_wmd = false;
        t.change_identity = true;
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        m = call_ok(fd, "gather-metadata", NULL);
        assert_null(writer_entry(m, t.w));
        proto_message_free(m);
        e = status_entry(fd, t.w, &m);
        msg = json_string_value(json_object_get(json_object_get(e, "failure"), "message"));
        assert_non_null(strstr(msg, "identify changed the writer identity (writer_name)"));
        proto_message_free(m);
        call_expect(fd, "session-end", NULL, 0);

        /* A veto from identify, with an errno: mapped to a writer failure with its text. */
        t.change_identity = false;
        t.result[PROTO_EVENT_IDENTIFY] = -EIO;
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        m = call_ok(fd, "gather-metadata", NULL);
        assert_null(writer_entry(m, t.w));
        proto_message_free(m);
        e = status_entry(fd, t.w, &m);
        f = json_object_get(e, "failure");
        assert_int_equal(json_integer_value(json_object_get(f, "hr")), -VSS_E_WRITERERROR_NONRETRYABLE);
        assert_string_equal(json_string_value(json_object_get(f, "message")), vss_strerror(-EIO));
        proto_message_free(m);
        call_expect(fd, "session-end", NULL, 0);

        (void) close(fd);
        vss_writer_free(t.w);
}

/* ---- The backup sequence ---------------------------------------------------------------- */

static void test_backup(void **state) {
        (void) state;
        TestWriter t;
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];

        tw_start(&t, CLASS_T, NULL);
        t.stamp = true;
        int fd = requester();
        ProtoMessage *m = call_ok(fd, "session-begin", json_pack("{s:s, s:i}", "kind", "backup", "context",
                                                                  VSS_CTX_APP_ROLLBACK));
        vss_guid session;
        assert_int_equal(vss_guid_from_string(json_string_value(json_object_get(m->root, "session_id")), &session),
                         0);
        proto_message_free(m);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        m = call_ok(fd, "start-snapshot-set", NULL);
        vss_guid set;
        assert_int_equal(vss_guid_from_string(json_string_value(json_object_get(m->root, "snapshot_set_id")), &set), 0);
        proto_message_free(m);

        /* PrepareForBackup: the document reaches the writer, its stamp comes back. */
        m = call_ok(fd, "prepare-for-backup", writers_body(t.w, false));
        const json_t *e = writer_entry(m, t.w);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), 0);
        vss_bcd *bcd = entry_bcd(e);
        vss_bcd_writer *bw = vss_bcd_find_writer(bcd, vss_writer_get_instance_id(t.w), vss_writer_get_class_id(t.w));
        assert_non_null(bw);
        vss_bcd_component *c = vss_bcd_writer_find_component(bw, "", COMPONENT);
        assert_string_equal(vss_bcd_component_get_backup_stamp(c), "stamp-2");
        assert_string_equal(vss_bcd_component_get_backup_metadata(c), "meta from the writer");
        assert_string_equal(vss_bcd_component_get_previous_backup_stamp(c), "stamp-1");
        vss_bcd_free(bcd);
        proto_message_free(m);

        assert_int_equal(t.busy_in_callback, -EBUSY);
        assert_int_equal(t.type_in_prepare, VSS_BT_INCREMENTAL);
        assert_true(t.selected_in_prepare);
        assert_true(t.partial_in_prepare);
        assert_int_equal(t.context_in_prepare, VSS_CTX_APP_ROLLBACK);
        assert_string_equal(t.previous_stamp, "stamp-1");
        assert_int_equal(t.components_in_prepare, 1);
        assert_int_equal(t.session_in_prepare, 0);
        assert_true(vss_guid_equal(&t.session_id, &session));
        assert_int_equal(t.set_in_prepare, 0);
        assert_true(vss_guid_equal(&t.set_id, &set));

        /* DoSnapshotSet: the events in order; the backup state is known in freeze, which does
         * not carry the document. */
        m = call_ok(fd, "do-snapshot-set", writers_body(t.w, false));
        e = writer_entry(m, t.w);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), 0);
        proto_message_free(m);
        assert_int_equal(t.type_in_freeze, VSS_BT_INCREMENTAL);
        assert_int_equal(t.set_in_freeze, 0);
        assert_int_equal(t.volumes_in_post, 0); /* no provider in this build: an empty set */
        assert_int_equal(t.affected_in_post, 0);

        /* BackupComplete: read-only, nothing comes back; the set id is no longer valid. */
        m = call_ok(fd, "backup-complete", writers_body(t.w, true));
        e = writer_entry(m, t.w);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), 0);
        assert_null(json_object_get(e, "bcd"));
        proto_message_free(m);
        assert_true(t.succeeded_in_complete);
        assert_int_equal(t.set_in_complete, -VSS_E_BAD_STATE);

        call_expect(fd, "session-end", NULL, 0);
        EXPECT_LOG(&t, "identify prepare-backup prepare-snapshot freeze thaw post-snapshot backup-complete "
                       "backup-shutdown");
        assert_string_equal(guid_str(&t.set_in_shutdown, g1), guid_str(&set, g2));
        (void) close(fd);
        vss_writer_free(t.w);
}

/* A restore: the document saved at backup names an earlier instance; the writer finds its part
 * by class, and its restore target comes back. */
static void test_restore(void **state) {
        (void) state;
        TestWriter t;
        char g[VSS_GUID_STRING_MAX];

        tw_start(&t, CLASS_T, NULL);
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "restore"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));

        vss_bcd *bcd = NULL;
        vss_bcd_writer *bw = NULL;
        vss_bcd_component *c = NULL;
        vss_guid old;
        assert_int_equal(vss_guid_generate(&old), 0);
        assert_int_equal(vss_bcd_new(&bcd), 0);
        assert_int_equal(vss_bcd_set_restore_type(bcd, VSS_RTYPE_BY_COPY), 0);
        assert_int_equal(vss_bcd_add_writer(bcd, &old, vss_writer_get_class_id(t.w), NULL, &bw), 0);
        assert_int_equal(vss_bcd_writer_add_component(bw, VSS_CT_FILEGROUP, "", COMPONENT, &c), 0);
        assert_int_equal(vss_bcd_component_set_selected_for_restore(c, true, NULL), 0);
        char *text = NULL;
        assert_int_equal(vss_bcd_to_json(bcd, &text, NULL, NULL), 0);
        vss_bcd_free(bcd);
        json_t *body = json_pack("{s:[{s:s, s:o}]}", "writers", "instance_id",
                                 guid_str(vss_writer_get_instance_id(t.w), g), "bcd", json_loads(text, 0, NULL));
        free(text);

        ProtoMessage *m = call_ok(fd, "pre-restore", body);
        const json_t *e = writer_entry(m, t.w);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), 0);
        bcd = entry_bcd(e);
        assert_int_equal(vss_bcd_get_writer_count(bcd), 1);
        c = vss_bcd_writer_find_component(vss_bcd_get_writer(bcd, 0), "", COMPONENT);
        assert_int_equal(vss_bcd_component_get_restore_target(c), VSS_RT_ALTERNATE);
        vss_bcd_free(bcd);
        proto_message_free(m);
        assert_int_equal(t.components_in_prepare, 1);
        call_expect(fd, "session-end", NULL, 0);
        EXPECT_LOG(&t, "identify pre-restore");
        (void) close(fd);
        vss_writer_free(t.w);
}

/* ---- Vetoes and failures ----------------------------------------------------------------- */

static void test_veto_prepare_backup(void **state) {
        (void) state;
        TestWriter t;

        tw_start(&t, CLASS_T, NULL);
        t.result[PROTO_EVENT_PREPARE_BACKUP] = -VSS_E_WRITERERROR_RETRYABLE;
        t.failure_hr[PROTO_EVENT_PREPARE_BACKUP] = -VSS_E_WRITERERROR_RETRYABLE;
        t.failure_app[PROTO_EVENT_PREPARE_BACKUP] = 0x1234;
        t.failure_message[PROTO_EVENT_PREPARE_BACKUP] = "archiver busy";

        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        ProtoMessage *m = call_ok(fd, "prepare-for-backup", writers_body(t.w, false));
        const json_t *e = writer_entry(m, t.w);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), -VSS_E_WRITERERROR_RETRYABLE);
        assert_null(json_object_get(e, "bcd")); /* a veto never carries the document */
        proto_message_free(m);
        assert_int_equal(t.set_failure_in_prepare, 0);

        e = status_entry(fd, t.w, &m);
        assert_string_equal(json_string_value(json_object_get(e, "state")), "VSS_WS_FAILED_AT_PREPARE_BACKUP");
        const json_t *f = json_object_get(e, "failure");
        assert_int_equal(json_integer_value(json_object_get(f, "hr")), -VSS_E_WRITERERROR_RETRYABLE);
        assert_int_equal(json_integer_value(json_object_get(f, "application_hr")), 0x1234);
        assert_string_equal(json_string_value(json_object_get(f, "message")), "archiver busy");
        proto_message_free(m);

        call_expect(fd, "session-end", NULL, 0);
        EXPECT_LOG(&t, "identify prepare-backup abort backup-shutdown");
        (void) close(fd);
        vss_writer_free(t.w);
}

/* A veto at Freeze aborts the snapshot set: do-snapshot-set fails with the writer's code. */
static void test_veto_freeze(void **state) {
        (void) state;
        TestWriter t;

        tw_start(&t, CLASS_T, NULL);
        t.result[PROTO_EVENT_FREEZE] = -VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT;
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        proto_message_free(call_ok(fd, "prepare-for-backup", writers_body(t.w, false)));
        call_expect(fd, "do-snapshot-set", writers_body(t.w, false), -VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT);
        EXPECT_LOG(&t, "identify prepare-backup prepare-snapshot freeze abort");
        ProtoMessage *m;
        const json_t *e = status_entry(fd, t.w, &m);
        assert_string_equal(json_string_value(json_object_get(e, "state")), "VSS_WS_FAILED_AT_FREEZE");
        proto_message_free(m);
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        vss_writer_free(t.w);
}

/* Non-fatal failures, and how callback results map onto writer failure codes. */
static void test_soft_failures_and_codes(void **state) {
        (void) state;
        TestWriter t;
        char bad[5000];

        tw_start(&t, CLASS_T, NULL);
        /* PostSnapshot reports a failure but succeeds: the sequence goes on. The message is cut
         * to 4096 bytes and its broken UTF-8 replaced. */
        memset(bad, 'm', sizeof bad - 1);
        bad[sizeof bad - 1] = 0;
        bad[0] = (char) 0xFF;
        t.failure_hr[PROTO_EVENT_POST_SNAPSHOT] = -VSS_E_WRITERERROR_PARTIAL_FAILURE;
        t.failure_message[PROTO_EVENT_POST_SNAPSHOT] = bad;
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        proto_message_free(call_ok(fd, "prepare-for-backup", writers_body(t.w, false)));
        ProtoMessage *m = call_ok(fd, "do-snapshot-set", writers_body(t.w, false));
        const json_t *e = writer_entry(m, t.w);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), 0);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "failure"), "hr")),
                         -VSS_E_WRITERERROR_PARTIAL_FAILURE);
        proto_message_free(m);
        e = status_entry(fd, t.w, &m);
        assert_string_equal(json_string_value(json_object_get(e, "state")), "VSS_WS_FAILED_AT_POST_SNAPSHOT");
        const char *msg = json_string_value(json_object_get(json_object_get(e, "failure"), "message"));
        assert_int_equal(strlen(msg), 4096);
        assert_true(msg[0] == '?' && msg[1] == 'm');
        proto_message_free(m);

        /* BackupComplete: an errno becomes a writer failure code; a code set with set_failure wins
         * over an errno; a writer failure code returned wins over set_failure. */
        struct {
                int result, failure_hr, want;
                const char *want_message;
        } cases[] = {
                        {-ENOMEM, 0, -VSS_E_WRITERERROR_OUTOFRESOURCES, NULL},
                        {-EBUSY, 0, -VSS_E_WRITERERROR_RETRYABLE, NULL},
                        {-EIO, 0, -VSS_E_WRITERERROR_NONRETRYABLE, NULL},
                        {-EIO, -VSS_E_WRITERERROR_RETRYABLE, -VSS_E_WRITERERROR_RETRYABLE, "explained"},
                        {-VSS_E_WRITERERROR_TIMEOUT, -VSS_E_WRITERERROR_RETRYABLE, -VSS_E_WRITERERROR_TIMEOUT,
                         "explained"},
                        {-VSS_E_BAD_STATE, 0, -VSS_E_WRITERERROR_NONRETRYABLE, NULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                t.result[PROTO_EVENT_BACKUP_COMPLETE] = cases[i].result;
                t.failure_hr[PROTO_EVENT_BACKUP_COMPLETE] = cases[i].failure_hr;
                t.failure_message[PROTO_EVENT_BACKUP_COMPLETE] = cases[i].failure_hr ? "explained" : NULL;
                if (i > 0) {
                        call_expect(fd, "session-end", NULL, 0);
                        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
                        proto_message_free(call_ok(fd, "gather-metadata", NULL));
                        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
                        proto_message_free(call_ok(fd, "prepare-for-backup", writers_body(t.w, false)));
                        proto_message_free(call_ok(fd, "do-snapshot-set", writers_body(t.w, false)));
                }
                m = call_ok(fd, "backup-complete", writers_body(t.w, true));
                e = writer_entry(m, t.w);
                assert_int_equal(json_integer_value(json_object_get(e, "result")), cases[i].want);
                const json_t *f = json_object_get(e, "failure");
                assert_int_equal(json_integer_value(json_object_get(f, "hr")), cases[i].want);
                msg = json_string_value(json_object_get(f, "message"));
                if (cases[i].want_message)
                        assert_string_equal(msg, cases[i].want_message);
                else if (cases[i].result > -VSS_ERROR_BASE)
                        assert_string_equal(msg, vss_strerror(cases[i].result));
                proto_message_free(m);
        }
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        vss_writer_free(t.w);
}

/* ---- vssd goes away ---------------------------------------------------------------------- */

static void pump_until_registered(TestWriter *t, int max_ms) {
        for (int i = 0; i < max_ms / 10 && vss_guid_is_null(vss_writer_get_instance_id(t->w)); i++)
                h_pump(&H, 10);
        assert_false(vss_guid_is_null(vss_writer_get_instance_id(t->w)));
}

static void test_reconnect(void **state) {
        (void) state;
        TestWriter t;
        vss_guid first;

        tw_start(&t, CLASS_T, "main");
        first = *vss_writer_get_instance_id(t.w);

        h_kill(&H);
        h_pump(&H, 20);
        assert_true(vss_guid_is_null(vss_writer_get_instance_id(t.w)));
        assert_non_null(strstr(vss_writer_get_error(t.w), "vssd closed the connection"));
        uint64_t when = 0;
        assert_int_equal(vss_writer_get_timeout(t.w, &when), 0);
        assert_true(when != UINT64_MAX && when > 0);

        /* Attempts fail while vssd is down; they back off, then succeed once it is back. */
        h_pump(&H, 400);
        assert_true(vss_guid_is_null(vss_writer_get_instance_id(t.w)));
        assert_non_null(strstr(vss_writer_get_error(t.w), "vssd is not running"));
        h_restart(&H);
        pump_until_registered(&t, 3000);
        assert_false(vss_guid_equal(vss_writer_get_instance_id(t.w), &first));
        assert_null(vss_writer_get_error(t.w));

        /* And it answers again. */
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        ProtoMessage *m = call_ok(fd, "gather-metadata", NULL);
        assert_non_null(writer_entry(m, t.w));
        proto_message_free(m);
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        EXPECT_LOG(&t, "identify");
        vss_writer_free(t.w);
}

/* A writer frozen when vssd dies gets its abort at once, from the library. */
static void test_frozen_when_vssd_dies(void **state) {
        (void) state;
        TestWriter t;

        tw_start(&t, CLASS_T, NULL);
        t.kill_vssd_in_freeze = true;
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        proto_message_free(call_ok(fd, "prepare-for-backup", writers_body(t.w, false)));
        ProtoMessage *m = h_call(&H, fd, "do-snapshot-set", writers_body(t.w, false), 5000);
        assert_null(m); /* vssd died: the requester's connection closed */
        (void) close(fd);
        h_pump(&H, 20);
        EXPECT_LOG(&t, "identify prepare-backup prepare-snapshot freeze abort");
        assert_true(vss_guid_is_null(vss_writer_get_instance_id(t.w)));

        /* Only once: reconnecting does not abort again. */
        h_restart(&H);
        pump_until_registered(&t, 3000);
        EXPECT_LOG(&t, "identify prepare-backup prepare-snapshot freeze abort");
        vss_writer_free(t.w);
}

/* Unsubscribing in the middle of a backup aborts it locally too. */
static void test_unsubscribe_during_backup(void **state) {
        (void) state;
        TestWriter t;

        tw_start(&t, CLASS_T, NULL);
        int fd = requester();
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        proto_message_free(call_ok(fd, "prepare-for-backup", writers_body(t.w, false)));
        assert_int_equal(vss_writer_unsubscribe(t.w), 0);
        EXPECT_LOG(&t, "identify prepare-backup abort");
        assert_int_equal(vss_writer_process(t.w), -ENOTCONN);
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        vss_writer_free(t.w);
        H.n_clients = 0;
}

/* vss_writer_run() serves events until stopped; vss_writer_stop() may come from a callback. */
static int stop_in_thaw(vss_writer *w, void *userdata) {
        tw_log(userdata, "thaw");
        vss_writer_stop(w);
        return 0;
}

static void test_run_and_stop(void **state) {
        (void) state;
        TestWriter t;

        tw_new(&t, CLASS_T, NULL);
        vss_writer_ops ops = tw_ops;
        ops.thaw = stop_in_thaw;
        vss_writer *w = NULL;
        assert_int_equal(vss_writer_new(vss_writer_get_class_id(t.w), "Runner", VSS_UT_USERDATA, VSS_ST_OTHER,
                                        VSS_APP_FRONT_END, 60000, VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &ops,
                                        &t, &w),
                         0);
        vss_writer_free(t.w);
        t.w = w;
        assert_int_equal(vss_writer_subscribe(w, H.socket, 0), 0);
        vss_writer_stop(w);
        assert_int_equal(vss_writer_run(w), 0); /* stopped before it ran */

        /* The requester runs in a child; the writer serves with run() here. */
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                Harness child = H;
                child.n_clients = 0;
                int fd = h_connect(&child);
                int ok = h_hello(&child, fd, "requester") == 0;
                char g[VSS_GUID_STRING_MAX];
                guid_str(vss_writer_get_instance_id(w), g);
                const char *steps[] = {"session-begin",      "gather-metadata", "start-snapshot-set",
                                       "prepare-for-backup", "do-snapshot-set", "session-end"};
                for (size_t i = 0; ok && i < ELEMENTSOF(steps); i++) {
                        json_t *body = i == 0   ? json_pack("{s:s}", "kind", "backup")
                                       : i == 3 || i == 4 ? json_pack("{s:[{s:s, s:o}]}", "writers", "instance_id", g, "bcd",
                                                            bcd_for(w, false))
                                                : NULL;
                        char *data = NULL;
                        size_t n;
                        json_t *o = body ? body : json_object();
                        json_object_set_new(o, "type", json_string(steps[i]));
                        json_object_set_new(o, "id", json_integer(10 + (int) i));
                        char *s = json_dumps(o, JSON_COMPACT);
                        json_decref(o);
                        ok = proto_write_frame(fd, s, strlen(s), 5000) == 0 &&
                             proto_read_frame(fd, &data, &n, 10000) == 0 && strstr(data, "\"result\":0");
                        free(s);
                        free(data);
                }
                _exit(ok ? 0 : 1);
        }
        assert_int_equal(vss_writer_run(w), 0);
        /* run() returned after thaw, the event that stopped it; post-snapshot is served later. */
        EXPECT_LOG(&t, "identify prepare-backup prepare-snapshot freeze thaw");

        int status = 0;
        pid_t k = 0;
        for (int i = 0; i < 1000 && k == 0; i++) {
                struct pollfd p = {.fd = vss_writer_get_fd(w), .events = POLLIN};
                (void) poll(&p, 1, 10);
                assert_true(vss_writer_process(w) >= 0);
                k = waitpid(pid, &status, WNOHANG);
        }
        assert_int_equal(k, pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        EXPECT_LOG(&t, "identify prepare-backup prepare-snapshot freeze thaw post-snapshot abort "
                       "backup-shutdown");
        vss_writer_free(w);
}

/* ---- A fake vssd on a socketpair ---------------------------------------------------------- */

#define HELLO_OK    "{\"type\":\"reply\",\"id\":1,\"result\":0,\"version\":1,\"server\":\"fake\"}"
#define REGISTER_OK "{\"type\":\"reply\",\"id\":2,\"result\":0,\"instance_id\":\"{0E3D5C7A-1111-4222-8333-444455556666}\"}"

static void fake_send(int fd, const char *text) {
        assert_int_equal(proto_write_frame(fd, text, strlen(text), 2000), 0);
}

static ProtoMessage *fake_read(int fd) {
        char *data = NULL;
        size_t n;
        ProtoMessage *m = NULL;
        char *err = NULL;
        if (proto_read_frame(fd, &data, &n, 2000) < 0)
                return NULL;
        if (proto_message_decode(data, n, &m, &err) < 0)
                fail_msg("the writer sent something that does not decode: %s", err);
        free(data);
        return m;
}

/* Subscribes a writer over a socketpair whose other end (returned) has answered the handshake with
 * 'hello' and 'reg'; returns subscribe's result. */
static int fake_subscribe(TestWriter *t, const char *hello, const char *reg, int *ret_peer) {
        int sv[2];
        char path[400];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        fake_send(sv[1], hello);
        if (reg)
                fake_send(sv[1], reg);
        (void) snprintf(path, sizeof path, "%s/nothing.sock", H.dir);
        int r = writer_subscribe_fd(t->w, sv[0], path, 0);
        *ret_peer = sv[1];
        return r;
}

/* Serves until the fake vssd has a frame to read (or 2 s pass); returns it, or NULL at EOF. */
static ProtoMessage *fake_exchange(TestWriter *t, int peer, const char *event) {
        if (event)
                fake_send(peer, event);
        for (int i = 0; i < 200; i++) {
                int r = vss_writer_process(t->w);
                assert_true(r >= 0);
                struct pollfd p = {.fd = peer, .events = POLLIN};
                if (poll(&p, 1, 10) > 0)
                        return fake_read(peer);
        }
        fail_msg("the writer did not answer");
        return NULL;
}

static void test_fake_handshake(void **state) {
        (void) state;
        TestWriter t;
        int peer;

        /* What the writer says: hello as a writer, then its identity. */
        tw_new(&t, CLASS_T, "inst");
        assert_int_equal(vss_writer_set_version(t.w, 4, 1), 0);
        assert_int_equal(fake_subscribe(&t, HELLO_OK, REGISTER_OK, &peer), 0);
        ProtoMessage *m = fake_read(peer);
        assert_int_equal(m->type, PROTO_HELLO);
        assert_int_equal(proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, NULL), 0);
        assert_string_equal(json_string_value(json_object_get(m->root, "role")), "writer");
        assert_non_null(strstr(json_string_value(json_object_get(m->root, "program")), "libvss"));
        proto_message_free(m);
        m = fake_read(peer);
        assert_int_equal(m->type, PROTO_REGISTER);
        assert_int_equal(proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, NULL), 0);
        const json_t *id = json_object_get(m->root, "identity");
        assert_string_equal(json_string_value(json_object_get(id, "class_id")), CLASS_T);
        assert_string_equal(json_string_value(json_object_get(id, "instance_name")), "inst");
        assert_string_equal(json_string_value(json_object_get(id, "usage_type")), "VSS_UT_USERDATA");
        assert_string_equal(json_string_value(json_object_get(id, "source_type")), "VSS_ST_NONTRANSACTEDDB");
        assert_int_equal(json_integer_value(json_object_get(id, "freeze_timeout_ms")), 20000);
        assert_int_equal(json_integer_value(json_object_get(id, "version_major")), 4);
        assert_int_equal(json_integer_value(json_object_get(id, "subscribe")), 6);
        proto_message_free(m);
        (void) close(peer);
        vss_writer_free(t.w);

        /* Refusals reach the caller with vssd's reason. */
        struct {
                const char *hello, *reg;
                int want;
                const char *fragment;
        } cases[] = {
                        {"{\"type\":\"reply\",\"id\":1,\"result\":-13,\"error\":\"user 'bob' may not act as a writer\"}",
                         NULL, -EACCES, "may not act as a writer"},
                        {"{\"type\":\"reply\",\"id\":1,\"result\":-71,\"error\":\"no common protocol version\"}", NULL,
                         -EPROTO, "no common protocol version"},
                        {HELLO_OK, "{\"type\":\"reply\",\"id\":2,\"result\":-10026,\"error\":\"taken\"}",
                         -VSS_E_WRITER_ALREADY_SUBSCRIBED, "taken"},
                        {"{\"type\":\"reply\",\"id\":7,\"result\":0,\"version\":1}", NULL, -EPROTO,
                         "instead of the reply to the hello"},
                        {"{\"type\":\"reply\",\"id\":1,\"result\":0}", NULL, -EPROTO, "version: required field missing"},
                        {HELLO_OK, "{\"type\":\"event\",\"id\":5,\"event\":\"identify\",\"deadline_ms\":10}", -EPROTO,
                         "event (id 5) instead of the reply to the registration"},
                        {"not json", NULL, -EPROTO, "bad message during the hello"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                tw_new(&t, CLASS_T, NULL);
                int r = fake_subscribe(&t, cases[i].hello, cases[i].reg, &peer);
                if (r != cases[i].want)
                        fail_msg("case %zu: %s, expected %s (%s)", i, vss_strerror(r), vss_strerror(cases[i].want),
                                 vss_writer_get_error(t.w));
                assert_non_null(strstr(vss_writer_get_error(t.w), cases[i].fragment));
                assert_int_equal(vss_writer_process(t.w), -ENOTCONN); /* not subscribed: no retries */
                (void) close(peer);
                vss_writer_free(t.w);
        }

        /* vssd closing during the handshake. */
        tw_new(&t, CLASS_T, NULL);
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        (void) close(sv[1]);
        assert_int_equal(writer_subscribe_fd(t.w, sv[0], "/nonexistent", 0), -ECONNRESET);
        vss_writer_free(t.w);
}

/* Events that arrive with the answer to register wait for vss_writer_process(). */
static void test_fake_pipelined_event(void **state) {
        (void) state;
        TestWriter t;
        int peer;

        tw_new(&t, CLASS_T, NULL);
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        peer = sv[1];
        fake_send(peer, HELLO_OK);
        fake_send(peer, REGISTER_OK);
        fake_send(peer, "{\"type\":\"event\",\"id\":9,\"event\":\"identify\",\"deadline_ms\":1000}");
        assert_int_equal(writer_subscribe_fd(t.w, sv[0], "/nonexistent", 0), 0);
        EXPECT_LOG(&t, ""); /* no callback inside subscribe */
        uint64_t when = 1;
        assert_int_equal(vss_writer_get_timeout(t.w, &when), 0);
        assert_true(when == 0);
        struct pollfd p = {.fd = vss_writer_get_fd(t.w), .events = POLLIN};
        assert_int_equal(poll(&p, 1, 1000), 1); /* the fd says so too */

        proto_message_free(fake_read(peer)); /* hello */
        proto_message_free(fake_read(peer)); /* register */
        ProtoMessage *m = fake_exchange(&t, peer, NULL);
        assert_int_equal(m->id, 9);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        assert_int_equal(proto_message_validate(m, PROTO_EVENT, PROTO_EVENT_IDENTIFY, NULL), 0);
        proto_message_free(m);
        EXPECT_LOG(&t, "identify");
        assert_int_equal(vss_writer_get_timeout(t.w, &when), 0);
        assert_true(when == UINT64_MAX);
        (void) close(peer);
        vss_writer_free(t.w);
}

/* Bad input from vssd: answered -EBADMSG when it has an id, else the connection is dropped. */
static void test_fake_bad_events(void **state) {
        (void) state;
        TestWriter t;
        int peer;

        tw_new(&t, CLASS_T, NULL);
        assert_int_equal(fake_subscribe(&t, HELLO_OK, REGISTER_OK, &peer), 0);
        proto_message_free(fake_read(peer));
        proto_message_free(fake_read(peer));

        struct {
                const char *event;
                const char *fragment;
        } cases[] = {
                        {"{\"type\":\"event\",\"id\":20,\"event\":\"identify\"}", "deadline_ms: required field missing"},
                        {"{\"type\":\"event\",\"id\":21,\"event\":\"explode\",\"deadline_ms\":5}", "'explode' is not a defined value"},
                        {"{\"type\":\"event\",\"id\":22,\"event\":\"freeze\",\"deadline_ms\":5,\"colour\":1}", "colour: unknown field"},
                        {"{\"type\":\"event\",\"id\":23,\"event\":\"freeze\",\"deadline_ms\":5,\"session_id\":\"x\"}", "not a GUID"},
                        {"{\"type\":\"event\",\"id\":24,\"event\":\"prepare-backup\",\"deadline_ms\":5,\"bcd\":[]}", "bcd: must be an object"},
                        {"{\"type\":\"session-begin\",\"id\":25,\"kind\":\"backup\"}", "accepts only events, not session-begin"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                ProtoMessage *m = fake_exchange(&t, peer, cases[i].event);
                assert_non_null(m);
                assert_int_equal(m->id, 20 + i);
                const char *err = NULL;
                assert_int_equal(proto_reply_result(m, &err), -EBADMSG);
                if (!err || !strstr(err, cases[i].fragment))
                        fail_msg("case %zu: error '%s' lacks '%s'", i, err, cases[i].fragment);
                proto_message_free(m);
        }
        EXPECT_LOG(&t, ""); /* no callback ran */

        /* A reply to nothing is ignored: the next event is answered as usual. */
        fake_send(peer, "{\"type\":\"reply\",\"id\":77,\"result\":0}");
        ProtoMessage *m = fake_exchange(&t, peer, "{\"type\":\"event\",\"id\":30,\"event\":\"thaw\",\"deadline_ms\":5}");
        assert_int_equal(m->id, 30);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        proto_message_free(m);

        /* Documents that are not valid: a failure reply, the callback is not called. */
        const char *docs[] = {
                        "{\"format\":\"nope\",\"version\":1}",
                        "{\"format\":\"linvss-backup-components\",\"version\":1,\"backup_type\":\"VSS_BT_SIDEWAYS\"}",
                        "{\"format\":\"linvss-backup-components\",\"version\":99}",
                        "{\"format\":\"linvss-backup-components\",\"version\":1,\"writers\":[{\"instance_id\":\"{00000000-0000-0000-0000-000000000000}\"}]}",
        };
        for (size_t i = 0; i < ELEMENTSOF(docs); i++) {
                char ev[1024];
                (void) snprintf(ev, sizeof ev,
                                "{\"type\":\"event\",\"id\":%zu,\"event\":\"post-snapshot\",\"deadline_ms\":5,"
                                "\"session_id\":\"{11111111-2222-4333-8444-555555555555}\",\"bcd\":%s}",
                                40 + i, docs[i]);
                m = fake_exchange(&t, peer, ev);
                assert_int_equal(proto_reply_result(m, NULL), -VSS_E_WRITERERROR_NONRETRYABLE);
                assert_int_equal(proto_message_validate(m, PROTO_EVENT, PROTO_EVENT_POST_SNAPSHOT, NULL), 0);
                const char *msg = json_string_value(json_object_get(json_object_get(m->root, "failure"), "message"));
                assert_non_null(strstr(msg, "backup components document that is not valid"));
                proto_message_free(m);
        }
        EXPECT_LOG(&t, "thaw");

        /* A broken frame (length 0) ends the connection; the writer will reconnect. */
        const uint8_t zero[4] = {0, 0, 0, 0};
        assert_int_equal(write(peer, zero, sizeof zero), 4);
        for (int i = 0; i < 10; i++)
                (void) vss_writer_process(t.w);
        char byte;
        assert_int_equal(read(peer, &byte, 1), 0); /* closed */
        assert_non_null(strstr(vss_writer_get_error(t.w), "broken frame"));
        uint64_t when = 0;
        assert_int_equal(vss_writer_get_timeout(t.w, &when), 0);
        assert_true(when != UINT64_MAX);
        (void) close(peer);
        vss_writer_free(t.w);

        /* Garbage that is not JSON: the connection is dropped too. */
        tw_new(&t, CLASS_T, NULL);
        assert_int_equal(fake_subscribe(&t, HELLO_OK, REGISTER_OK, &peer), 0);
        proto_message_free(fake_read(peer));
        proto_message_free(fake_read(peer));
        fake_send(peer, "\x01\x02garbage{");
        assert_null(fake_exchange(&t, peer, NULL));
        assert_non_null(strstr(vss_writer_get_error(t.w), "cannot be decoded"));
        (void) close(peer);
        vss_writer_free(t.w);

        /* A frame cut short by the end of the stream. */
        tw_new(&t, CLASS_T, NULL);
        assert_int_equal(fake_subscribe(&t, HELLO_OK, REGISTER_OK, &peer), 0);
        proto_message_free(fake_read(peer));
        proto_message_free(fake_read(peer));
        const uint8_t part[6] = {0, 0, 0, 50, '{', '"'};
        assert_int_equal(write(peer, part, sizeof part), 6);
        (void) close(peer);
        for (int i = 0; i < 10; i++)
                (void) vss_writer_process(t.w);
        assert_non_null(strstr(vss_writer_get_error(t.w), "in the middle of a message"));
        vss_writer_free(t.w);
}

/* The context accessors over what a (fake) vssd sends: volumes with snapshot paths, a BCD naming
 * another writer only, a bcd-carrying event without one. */
static void test_fake_context(void **state) {
        (void) state;
        TestWriter t;
        int peer;

        tw_new(&t, CLASS_T, NULL);
        assert_int_equal(fake_subscribe(&t, HELLO_OK, REGISTER_OK, &peer), 0);
        proto_message_free(fake_read(peer));
        proto_message_free(fake_read(peer));

        ProtoMessage *m = fake_exchange(
                        &t, peer,
                        "{\"type\":\"event\",\"id\":50,\"event\":\"post-snapshot\",\"deadline_ms\":5,"
                        "\"session_id\":\"{11111111-2222-4333-8444-555555555555}\","
                        "\"volumes\":[{\"volume\":\"/srv\",\"snapshot_path\":\"/run/snap/1\"},{\"volume\":\"/home\"}],"
                        "\"bcd\":{\"format\":\"linvss-backup-components\",\"version\":1,\"writers\":[{"
                        "\"instance_id\":\"{99999999-2222-4333-8444-555555555555}\",\"class_id\":\"" CLASS_U "\"}]}}");
        assert_int_equal(proto_reply_result(m, NULL), 0);
        /* Its own part was added, empty; the other writer's part stays. */
        vss_bcd *bcd = entry_bcd(m->root);
        assert_int_equal(vss_bcd_get_writer_count(bcd), 2);
        vss_bcd_free(bcd);
        proto_message_free(m);
        assert_int_equal(t.volumes_in_post, 2);
        assert_string_equal(t.device_in_post, "/run/snap/1");
        assert_int_equal(t.affected_in_post, 1);
        assert_int_equal(t.unaffected_in_post, 0);

        /* A new session's prepare-backup without a document: an empty part, sent back; the
         * backup state of the previous session is forgotten. */
        m = fake_exchange(&t, peer,
                          "{\"type\":\"event\",\"id\":51,\"event\":\"prepare-backup\",\"deadline_ms\":5,"
                          "\"session_id\":\"{22222222-2222-4333-8444-555555555555}\",\"context\":4294967295}");
        assert_int_equal(proto_reply_result(m, NULL), 0);
        assert_non_null(json_object_get(m->root, "bcd"));
        proto_message_free(m);
        assert_int_equal(t.components_in_prepare, 0);
        assert_int_equal(t.context_in_prepare, -1);
        assert_int_equal(t.type_in_prepare, VSS_BT_UNDEFINED); /* no document: unknown */
        assert_int_equal(t.set_in_prepare, -VSS_E_BAD_STATE);  /* no set named */

        /* backup-shutdown without a set id gets the null GUID; the session ends. */
        m = fake_exchange(&t, peer,
                          "{\"type\":\"event\",\"id\":52,\"event\":\"backup-shutdown\",\"deadline_ms\":5,"
                          "\"session_id\":\"{22222222-2222-4333-8444-555555555555}\"}");
        assert_int_equal(proto_reply_result(m, NULL), 0);
        proto_message_free(m);
        assert_true(vss_guid_is_null(&t.set_in_shutdown));
        EXPECT_LOG(&t, "post-snapshot prepare-backup backup-shutdown");

        /* After the shutdown no backup is in progress: losing vssd calls no abort. */
        (void) close(peer);
        for (int i = 0; i < 5; i++)
                (void) vss_writer_process(t.w);
        EXPECT_LOG(&t, "post-snapshot prepare-backup backup-shutdown");
        vss_writer_free(t.w);
}

/* vss_writer_stop() in a callback ends run() after that event, even when the next one is already
 * buffered; the next one waits, and the fd says it is due. */
static void test_fake_stop_with_buffered_events(void **state) {
        (void) state;
        TestWriter t;
        int sv[2];

        memset(&t, 0, sizeof t);
        vss_guid g;
        assert_int_equal(vss_guid_from_string(CLASS_T, &g), 0);
        vss_writer_ops ops = tw_ops;
        ops.thaw = stop_in_thaw;
        assert_int_equal(vss_writer_new(&g, "Stopper", VSS_UT_USERDATA, VSS_ST_OTHER, VSS_APP_FRONT_END, 60000,
                                        VSS_AWS_NO_ALTERNATE_WRITER, false, NULL, &ops, &t, &t.w),
                         0);
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        fake_send(sv[1], HELLO_OK);
        fake_send(sv[1], REGISTER_OK);
        assert_int_equal(writer_subscribe_fd(t.w, sv[0], "/nonexistent", 0), 0);
        proto_message_free(fake_read(sv[1]));
        proto_message_free(fake_read(sv[1]));

        /* Both events in one write: they arrive together. */
        const char *thaw = "{\"type\":\"event\",\"id\":60,\"event\":\"thaw\",\"deadline_ms\":5}";
        const char *abort_event = "{\"type\":\"event\",\"id\":61,\"event\":\"abort\",\"deadline_ms\":5}";
        uint8_t buf[256];
        size_t n = 0;
        for (const char *e = thaw;; e = abort_event) {
                size_t len = strlen(e);
                buf[n++] = 0;
                buf[n++] = 0;
                buf[n++] = (uint8_t) (len >> 8);
                buf[n++] = (uint8_t) len;
                memcpy(buf + n, e, len);
                n += len;
                if (e == abort_event)
                        break;
        }
        assert_int_equal(write(sv[1], buf, n), (ssize_t) n);

        assert_int_equal(vss_writer_run(t.w), 0);
        EXPECT_LOG(&t, "thaw");
        uint64_t when = 1;
        assert_int_equal(vss_writer_get_timeout(t.w, &when), 0);
        assert_true(when == 0);
        ProtoMessage *m = fake_read(sv[1]);
        assert_int_equal(m->id, 60);
        proto_message_free(m);

        m = fake_exchange(&t, sv[1], NULL);
        assert_int_equal(m->id, 61);
        proto_message_free(m);
        EXPECT_LOG(&t, "thaw abort");

        /* A stop while the application serves with its own loop holds nothing up; it is kept for
         * the next run(), which returns at once. */
        vss_writer_stop(t.w);
        m = fake_exchange(&t, sv[1], "{\"type\":\"event\",\"id\":62,\"event\":\"freeze\",\"deadline_ms\":5}");
        assert_int_equal(m->id, 62);
        proto_message_free(m);
        m = fake_exchange(&t, sv[1], "{\"type\":\"event\",\"id\":63,\"event\":\"abort\",\"deadline_ms\":5}");
        assert_int_equal(m->id, 63);
        proto_message_free(m);
        EXPECT_LOG(&t, "thaw abort freeze abort");
        assert_int_equal(vss_writer_run(t.w), 0);
        (void) close(sv[1]);
        vss_writer_free(t.w);
}

/* ---- The example writer and the test writer program, against the real vssd ---------------- */

/* Waits until a writer of 'class_id' is registered; returns its instance id in 'ret'. */
static void wait_for_writer(int fd, const char *class_id, vss_guid *ret) {
        for (int i = 0; i < 500; i++) {
                ProtoMessage *m = call_ok(fd, "list-writers", NULL);
                size_t k;
                const json_t *e;
                json_array_foreach(json_object_get(m->root, "writers"), k, e)
                        if (strcasecmp(json_string_value(json_object_get(e, "class_id")), class_id) == 0) {
                                assert_int_equal(vss_guid_from_string(json_string_value(json_object_get(e, "instance_id")),
                                                                      ret),
                                                 0);
                                proto_message_free(m);
                                return;
                        }
                proto_message_free(m);
                usleep(10000);
        }
        fail_msg("no writer of class %s registered", class_id);
}

static pid_t spawn(const char *const *argv, const char *output) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
                        _exit(127);
                execv(argv[0], (char *const *) argv);
                _exit(127);
        }
        return pid;
}

static int stop_child(pid_t pid) {
        int status = 0;
        (void) kill(pid, SIGTERM);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static char *read_file(const char *path) {
        FILE *f = fopen(path, "re");
        assert_non_null(f);
        static char buf[262144];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        (void) fclose(f);
        return buf;
}

static json_t *writer_body(const vss_guid *instance, json_t *bcd) {
        char g[VSS_GUID_STRING_MAX];
        return json_pack("{s:[{s:s, s:o}]}", "writers", "instance_id", guid_str(instance, g), "bcd", bcd);
}

#define EXAMPLE_CLASS "{4D9C6E3A-2B1F-4C8E-9A7D-6F5E4D3C2B1A}"

static void test_example_writer(void **state) {
        (void) state;
        char dir[400], out[400], verify_out[400];
        vss_guid instance, class_id;

        (void) snprintf(dir, sizeof dir, "%s/example", H.dir);
        (void) snprintf(out, sizeof out, "%s/example.out", H.dir);
        (void) snprintf(verify_out, sizeof verify_out, "%s/verify.out", H.dir);
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_int_equal(vss_guid_from_string(EXAMPLE_CLASS, &class_id), 0);

        const char *argv[] = {BUILD_ROOT "/examples/example-writer", "--socket", H.socket, "--interval", "2", dir, NULL};
        pid_t pid = spawn(argv, out);
        int fd = requester();
        wait_for_writer(fd, EXAMPLE_CLASS, &instance);
        usleep(50000); /* let it write some records */

        /* Identify: one selectable component holding the data directory. */
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        ProtoMessage *m = call_ok(fd, "gather-metadata", NULL);
        const json_t *e = json_array_get(json_object_get(m->root, "writers"), 0);
        char *text = json_dumps(json_object_get(e, "wmd"), 0);
        vss_wmd *wmd = NULL;
        assert_int_equal(vss_wmd_from_json(text, strlen(text), &wmd, NULL), 0);
        free(text);
        const vss_wm_component *c = vss_wmd_find_component(wmd, "", "Records");
        assert_non_null(c);
        assert_true(vss_wm_component_get_selectable(c));
        assert_string_equal(vss_wm_filedesc_get_path(vss_wm_component_get_file(c, 0)), dir);
        assert_int_equal(vss_wmd_get_restore_method(wmd), VSS_RME_RESTORE_IF_CAN_REPLACE);
        assert_int_equal(vss_wmd_get_backup_schema(wmd), VSS_BS_INCREMENTAL | VSS_BS_DIFFERENTIAL | VSS_BS_TIMESTAMPED);
        vss_wmd_free(wmd);
        proto_message_free(m);

        /* A full backup: the stamp comes back in prepare-backup. */
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        m = call_ok(fd, "prepare-for-backup",
                    writer_body(&instance, bcd_json(&instance, &class_id, NULL, "Records", VSS_BT_FULL, false, NULL)));
        vss_bcd *bcd = entry_bcd(json_array_get(json_object_get(m->root, "writers"), 0));
        const char *stamp = vss_bcd_component_get_backup_stamp(
                        vss_bcd_writer_find_component(vss_bcd_get_writer(bcd, 0), "", "Records"));
        assert_non_null(stamp);
        assert_true(strncmp(stamp, "records-before=", 15) == 0);
        vss_bcd_free(bcd);
        proto_message_free(m);
        proto_message_free(call_ok(fd, "do-snapshot-set",
                                   writer_body(&instance, bcd_json(&instance, &class_id, NULL, "Records",
                                                                   VSS_BT_FULL, false, NULL))));
        proto_message_free(call_ok(fd, "backup-complete",
                                   writer_body(&instance, bcd_json(&instance, &class_id, NULL, "Records",
                                                                   VSS_BT_FULL, true, NULL))));
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        usleep(20000);
        assert_int_equal(stop_child(pid), 0);

        /* It stopped appending while frozen: thaw resumed at the record freeze stopped at. */
        const char *log = read_file(out);
        unsigned long frozen_at = 0, thawed_at = 1;
        const char *p = strstr(log, "freeze: stopped at record ");
        assert_non_null(p);
        frozen_at = strtoul(p + strlen("freeze: stopped at record "), NULL, 10);
        p = strstr(log, "thaw: resuming at record ");
        assert_non_null(p);
        thawed_at = strtoul(p + strlen("thaw: resuming at record "), NULL, 10);
        assert_int_equal(frozen_at, thawed_at);
        assert_true(frozen_at > 0);
        assert_non_null(strstr(log, "prepare-backup: VSS_BT_FULL backup, previous stamp (none)"));
        assert_non_null(strstr(log, "backup-complete: the records were backed up"));

        /* Every record is whole, and --verify notices a damaged one. */
        const char *verify[] = {BUILD_ROOT "/examples/example-writer", "--verify", dir, NULL};
        pid = spawn(verify, verify_out);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_non_null(strstr(read_file(verify_out), "records, all valid"));
        char data[420];
        (void) snprintf(data, sizeof data, "%s/records.log", dir);
        int dfd = open(data, O_WRONLY | O_CLOEXEC);
        assert_true(dfd >= 0);
        assert_int_equal(pwrite(dfd, "X", 1, 20), 1);
        (void) close(dfd);
        pid = spawn(verify, verify_out);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
        assert_non_null(strstr(read_file(verify_out), "is damaged"));
}

/* The kinds of lines of the test writer's log, in order: "event:freeze result:freeze" … */
static void log_summary(const char *log, char *buf, size_t size) {
        buf[0] = 0;
        for (const char *line = log; *line;) {
                const char *end = strchr(line, '\n');
                char kind[32] = "", event[32] = "", what[32] = "";
                /* "<time> <kind> <event> <first field> … writer=…" */
                if (sscanf(line, "%*s %31s %31s %31s", kind, event, what) >= 2 &&
                    (strcmp(kind, "event") == 0 || strcmp(kind, "result") == 0)) {
                        size_t n = strlen(buf);
                        (void) snprintf(buf + n, size - n, "%s%s:%s%s%s", n ? " " : "", kind, event,
                                        strcmp(kind, "result") == 0 ? "=" : "",
                                        strcmp(kind, "result") == 0 ? what : "");
                }
                if (!end)
                        break;
                line = end + 1;
        }
}

static void test_test_writer_program(void **state) {
        (void) state;
        char log_path[400], ready[400], out[400], summary[8192];
        vss_guid instance, class_id;

        (void) snprintf(log_path, sizeof log_path, "%s/writer.log", H.dir);
        (void) snprintf(ready, sizeof ready, "%s/ready", H.dir);
        (void) snprintf(out, sizeof out, "%s/writer.out", H.dir);
        assert_int_equal(vss_guid_from_string(CLASS_U, &class_id), 0);

        const char *argv[] = {BUILD_ROOT "/tests/vss-test-writer", "--socket", H.socket, "--class-id", CLASS_U,
                              "--instance-name", "prog", "--writer-name", "Prog Writer", "--level", "back_end",
                              "--freeze-timeout", "30000", "--version", "3.4",
                              "--schema", "VSS_BS_INCREMENTAL|VSS_BS_TIMESTAMPED|VSS_BS_LAST_MODIFY",
                              "--component", "Data,selectable,caption=The data",
                              "--files", "Data=/srv/data,filespec=*.db,recursive",
                              "--on", "freeze@2=veto:VSS_E_WRITERERROR_RETRYABLE", "--message", "busy now",
                              "--application-hr", "0x1234",
                              "--stamp", "prog-stamp", "--backup-metadata", "bm \"quoted\"",
                              "--partial-file", "/srv/data/db.bin=0:4096,8192:16",
                              "--differenced", "/srv/data,filespec=*.log,recursive,time=5",
                              "--log", log_path, "--ready-file", ready, NULL};
        pid_t pid = spawn(argv, out);
        for (int i = 0; i < 500 && access(ready, F_OK) < 0; i++)
                usleep(10000);
        assert_int_equal(access(ready, F_OK), 0);
        int fd = requester();
        wait_for_writer(fd, CLASS_U, &instance);

        /* Backup 1: data goes both ways. */
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        ProtoMessage *m = call_ok(fd, "gather-metadata", NULL);
        const json_t *e = json_array_get(json_object_get(m->root, "writers"), 0);
        assert_string_equal(json_string_value(json_object_get(e, "writer_name")), "Prog Writer");
        char *text = json_dumps(json_object_get(e, "wmd"), 0);
        vss_wmd *wmd = NULL;
        assert_int_equal(vss_wmd_from_json(text, strlen(text), &wmd, NULL), 0);
        free(text);
        assert_int_equal(vss_wmd_get_version_major(wmd), 3);
        assert_int_equal(vss_wmd_get_application_level(wmd), VSS_APP_BACK_END);
        const vss_wm_component *c = vss_wmd_find_component(wmd, "", "Data");
        assert_string_equal(vss_wm_component_get_caption(c), "The data");
        assert_string_equal(vss_wm_filedesc_get_filespec(vss_wm_component_get_file(c, 0)), "*.db");
        vss_wmd_free(wmd);
        proto_message_free(m);

        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        m = call_ok(fd, "prepare-for-backup",
                    writer_body(&instance, bcd_json(&instance, &class_id, "prog", "Data", VSS_BT_INCREMENTAL, false,
                                                    "prev-1")));
        vss_bcd *bcd = entry_bcd(json_array_get(json_object_get(m->root, "writers"), 0));
        vss_bcd_component *bc = vss_bcd_writer_find_component(vss_bcd_get_writer(bcd, 0), "", "Data");
        assert_string_equal(vss_bcd_component_get_backup_stamp(bc), "prog-stamp");
        assert_string_equal(vss_bcd_component_get_backup_metadata(bc), "bm \"quoted\"");
        assert_int_equal(vss_bcd_component_get_partial_file_count(bc), 1);
        const char *pp = NULL, *pf = NULL, *pr = NULL;
        assert_int_equal(vss_bcd_component_get_partial_file(bc, 0, &pp, &pf, &pr, NULL), 0);
        assert_string_equal(pp, "/srv/data");
        assert_string_equal(pf, "db.bin");
        assert_string_equal(pr, "0:4096,8192:16");
        assert_int_equal(vss_bcd_component_get_differenced_files_count(bc), 1);
        vss_bcd_free(bcd);
        proto_message_free(m);
        proto_message_free(call_ok(fd, "do-snapshot-set",
                                   writer_body(&instance, bcd_json(&instance, &class_id, "prog", "Data",
                                                                   VSS_BT_INCREMENTAL, false, "prev-1"))));
        proto_message_free(call_ok(fd, "backup-complete",
                                   writer_body(&instance, bcd_json(&instance, &class_id, "prog", "Data",
                                                                   VSS_BT_INCREMENTAL, true, "prev-1"))));
        call_expect(fd, "session-end", NULL, 0);

        /* Backup 2: the second freeze vetoes, with the message and application code given. */
        call_expect(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0);
        proto_message_free(call_ok(fd, "gather-metadata", NULL));
        proto_message_free(call_ok(fd, "start-snapshot-set", NULL));
        proto_message_free(call_ok(fd, "prepare-for-backup",
                                   writer_body(&instance, bcd_json(&instance, &class_id, "prog", "Data",
                                                                   VSS_BT_FULL, false, NULL))));
        call_expect(fd, "do-snapshot-set",
                    writer_body(&instance, bcd_json(&instance, &class_id, "prog", "Data", VSS_BT_FULL, false, NULL)),
                    -VSS_E_WRITERERROR_RETRYABLE);
        m = call_ok(fd, "gather-status", NULL);
        e = json_array_get(json_object_get(m->root, "writers"), 0);
        assert_string_equal(json_string_value(json_object_get(e, "state")), "VSS_WS_FAILED_AT_FREEZE");
        const json_t *f = json_object_get(e, "failure");
        assert_string_equal(json_string_value(json_object_get(f, "message")), "busy now");
        assert_int_equal(json_integer_value(json_object_get(f, "application_hr")), 0x1234);
        proto_message_free(m);
        call_expect(fd, "session-end", NULL, 0);
        (void) close(fd);
        assert_int_equal(stop_child(pid), 0);

        /* The log: every event in order, with what the writer saw. */
        const char *log = read_file(log_path);
        log_summary(log, summary, sizeof summary);
        const char *want =
                        "event:identify result:identify=ok "
                        "event:prepare-backup result:prepare-backup=ok "
                        "event:prepare-snapshot result:prepare-snapshot=ok event:freeze result:freeze=ok "
                        "event:thaw result:thaw=ok event:post-snapshot result:post-snapshot=ok "
                        "event:backup-complete result:backup-complete=ok "
                        "event:backup-shutdown result:backup-shutdown=ok "
                        "event:identify result:identify=ok "
                        "event:prepare-backup result:prepare-backup=ok "
                        "event:prepare-snapshot result:prepare-snapshot=ok event:freeze result:freeze=veto "
                        "event:abort result:abort=ok event:backup-shutdown result:backup-shutdown=ok";
        if (strcmp(summary, want) != 0)
                fail_msg("summary:\n  %s\nexpected:\n  %s", summary, want);
        assert_non_null(strstr(log, " subscribed - instance="));
        assert_non_null(strstr(log, " writer=\"Prog Writer\"\n"));
        assert_non_null(strstr(log, "event prepare-backup n=1"));
        assert_non_null(strstr(log, "backup_type=VSS_BT_INCREMENTAL components_selected=yes"));
        assert_non_null(strstr(log, "component prepare-backup logical_path=\"\" "
                                    "name=\"Data\""));
        assert_non_null(strstr(log, "previous_stamp=\"prev-1\" backup_stamp=-"));
        assert_non_null(strstr(log, "component post-snapshot logical_path=\"\" name=\"Data\" "
                                    "type=VSS_CT_FILEGROUP backup_succeeded=no backup_options=- "
                                    "previous_stamp=\"prev-1\" backup_stamp=-"));
        assert_non_null(strstr(log, "component backup-complete logical_path=\"\" "
                                    "name=\"Data\" type=VSS_CT_FILEGROUP backup_succeeded=yes"));
        assert_non_null(strstr(log, "event freeze n=2"));
        assert_non_null(strstr(log, "result freeze veto code=VSS_E_WRITERERROR_RETRYABLE"));
        assert_non_null(strstr(log, " exit - signal"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test_setup_teardown(test_new_checks, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_subscribe_errors, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_subscribe_access_denied, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_identify, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_identify_failures, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_veto_prepare_backup, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_veto_freeze, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_soft_failures_and_codes, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_frozen_when_vssd_dies, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_unsubscribe_during_backup, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_run_and_stop, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_fake_handshake, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_fake_pipelined_event, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_fake_bad_events, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_fake_context, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_fake_stop_with_buffered_events, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_example_writer, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_test_writer_program, setup, teardown),
        };
        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
