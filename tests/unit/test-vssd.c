/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vssd at the protocol level: handshake and bad input, the writer table, the backup and restore
 * sequences with their event order, vetoes, timeouts, lost writers and requesters, exclusivity
 * and the orderly stop. The writers and requesters are scripted by vssd-harness.c. */

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <vss/vss.h>

#include "time-util.h"
#include "vssd-harness.h"

#define CLASS_A "{11111111-1111-4111-8111-111111111111}"
#define CLASS_B "{22222222-2222-4222-8222-222222222222}"
#define CLASS_C "{33333333-3333-4333-8333-333333333333}"

static Harness H;

static int setup(void **state) {
        (void) state;
        h_start(&H, NULL);
        return 0;
}

static int teardown(void **state) {
        (void) state;
        int status = h_stop(&H);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        return 0;
}

static int requester(void) {
        int fd = h_connect(&H);
        assert_int_equal(h_hello(&H, fd, "requester"), 0);
        return fd;
}

static void expect(int r, int want, const char *error, const char *fragment) {
        if (r != want)
                fail_msg("result %d (%s), expected %d; error: %s", r, vss_strerror(r), want, error);
        if (fragment && !strstr(error, fragment))
                fail_msg("error '%s' does not mention '%s'", error, fragment);
}

#define CALL(fd, type, body, want, fragment)                               \
        do {                                                               \
                char _e[1024];                                             \
                int _r = h_call_result(&H, fd, type, body, _e, sizeof _e); \
                expect(_r, want, _e, fragment);                            \
        } while (0)

static void begin_backup(int fd) {
        CALL(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0, NULL);
        CALL(fd, "gather-metadata", NULL, 0, NULL);
        CALL(fd, "start-snapshot-set", NULL, 0, NULL);
}

static ProtoMessage *status(int fd) {
        ProtoMessage *m = h_call(&H, fd, "gather-status", NULL, 5000);
        assert_non_null(m);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        return m;
}

#define EXPECT_STATE(reply, w, want)                                          \
        do {                                                                  \
                const char *_s = h_status_state(reply, w);                    \
                if (!_s || strcmp(_s, want) != 0)                             \
                        fail_msg("%s is in state %s, expected %s", (w)->name, \
                                 _s ? _s : "(absent)", want);                 \
        } while (0)

#define EXPECT_LOG(want)                                                         \
        do {                                                                     \
                if (strcmp(H.log, want) != 0)                                    \
                        fail_msg("events:\n  %s\nexpected:\n  %s", H.log, want); \
        } while (0)

/* ---- Handshake and bad input ------------------------------------------------------------- */

static void test_handshake(void **state) {
        (void) state;
        char *data = NULL;
        size_t n;
        ProtoMessage *m = NULL;

        /* No common version: refused with the versions named, and closed. */
        int fd = h_connect(&H);
        const char *hello2 =
                        "{\"type\":\"hello\",\"id\":1,\"versions\":[2,3],\"role\":\"requester\"}";
        assert_int_equal(proto_write_frame(fd, hello2, strlen(hello2), 1000), 0);
        assert_int_equal(proto_read_frame(fd, &data, &n, 2000), 0);
        assert_int_equal(proto_message_decode(data, n, &m, NULL), 0);
        const char *err;
        assert_int_equal(proto_reply_result(m, &err), -EPROTO);
        assert_non_null(strstr(err, "the client speaks 2 3"));
        proto_message_free(m);
        free(data);
        assert_int_equal(proto_read_frame(fd, &data, &n, 2000), -ECONNRESET);
        (void) close(fd);

        /* Something else before hello. */
        fd = h_connect(&H);
        const char *early = "{\"type\":\"gather-metadata\",\"id\":5}";
        assert_int_equal(proto_write_frame(fd, early, strlen(early), 1000), 0);
        assert_int_equal(proto_read_frame(fd, &data, &n, 2000), 0);
        assert_non_null(strstr(data, "the first message must be hello"));
        free(data);
        (void) close(fd);

        /* Garbage: a zero-length frame, an oversized one, a truncated one, non-JSON. */
        const char zero[4] = {0, 0, 0, 0};
        const char huge[4] = {0x7f, 0, 0, 0};
        const char *bad[] = {zero, huge};
        for (size_t i = 0; i < 2; i++) {
                fd = h_connect(&H);
                assert_int_equal(h_hello(&H, fd, "requester"), 0);
                assert_int_equal(write(fd, bad[i], 4), 4);
                assert_int_equal(proto_read_frame(fd, &data, &n, 2000), -ECONNRESET);
                (void) close(fd);
        }
        fd = h_connect(&H);
        assert_int_equal(write(fd, "\0\0\0\x20{\"type\"", 12), 12);
        (void) close(fd);
        fd = h_connect(&H);
        assert_int_equal(proto_write_frame(fd, "not json", 8, 1000), 0);
        assert_int_equal(proto_read_frame(fd, &data, &n, 2000), -ECONNRESET);
        (void) close(fd);

        /* After all that, vssd still serves: a valid but wrong request gets a named error. */
        fd = requester();
        CALL(fd, "add-to-snapshot-set", json_pack("{s:i}", "volume", 5), -EBADMSG,
             "volume: must be a string");
        CALL(fd, "register", json_object(), -EPERM, "a requester may not send register");
        CALL(fd, "hello", json_pack("{s:[i], s:s}", "versions", 1, "role", "requester"),
             -VSS_E_BAD_STATE, "already");
        CALL(fd, "gather-metadata", NULL, -VSS_E_BAD_STATE, "no session is running");
        /* A message of no known type, with an id: answered, naming the field; still served. */
        CALL(fd, "self-destruct", NULL, -EBADMSG, "type: missing or unknown message type");
        CALL(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0, NULL);
        (void) close(fd);

        /* The same before hello: answered, then closed. */
        fd = h_connect(&H);
        const char *unknown = "{\"type\":\"helo\",\"id\":4}";
        assert_int_equal(proto_write_frame(fd, unknown, strlen(unknown), 1000), 0);
        assert_int_equal(proto_read_frame(fd, &data, &n, 2000), 0);
        assert_non_null(strstr(data, "unknown message type"));
        free(data);
        assert_int_equal(proto_read_frame(fd, &data, &n, 2000), -ECONNRESET);
        (void) close(fd);
}

/* ---- The writer table -------------------------------------------------------------------- */

static void test_register(void **state) {
        (void) state;

        HWriter *a = h_writer(&H, "A", CLASS_A, "one", "VSS_APP_FRONT_END", 60000);
        (void) h_writer(&H, "A2", CLASS_A, "two", "VSS_APP_FRONT_END", 60000);
        (void) h_writer(&H, "B", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);

        /* Same class and instance name: refused. */
        int fd = h_connect(&H);
        assert_int_equal(h_hello(&H, fd, "writer"), 0);
        json_t *id = json_pack(
                        "{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "class_id", CLASS_A, "instance_name",
                        "one", "writer_name", "A", "usage_type", "VSS_UT_USERDATA", "source_type",
                        "VSS_ST_OTHER", "application_level", "VSS_APP_FRONT_END",
                        "freeze_timeout_ms", 1000);
        CALL(fd, "register", json_pack("{s:O}", "identity", id), -VSS_E_WRITER_ALREADY_SUBSCRIBED,
             "instance name 'one'");
        json_object_set_new(id, "instance_name", json_string("three"));
        CALL(fd, "register", json_pack("{s:O}", "identity", id), 0, NULL);
        CALL(fd, "register", json_pack("{s:O}", "identity", id), -VSS_E_BAD_STATE,
             "already carries a writer");
        json_decref(id);
        (void) close(fd);
        h_pump(&H, 50);

        /* list-writers: the live writers, with their identity. */
        int admin = h_connect(&H);
        assert_int_equal(h_hello(&H, admin, "admin"), 0);
        ProtoMessage *m = h_call(&H, admin, "list-writers", NULL, 5000);
        assert_int_equal(json_array_size(json_object_get(m->root, "writers")), 3);
        EXPECT_STATE(m, a, "VSS_WS_STABLE");
        assert_int_equal(
                        proto_message_validate(m, PROTO_LIST_WRITERS, PROTO_EVENT_INVALID, NULL),
                        0);
        proto_message_free(m);
        CALL(admin, "session-begin", json_pack("{s:s}", "kind", "backup"), -EPERM,
             "an admin tool may not send");
        (void) close(admin);
}

/* ---- Backup ------------------------------------------------------------------------------- */

static void test_backup_sequence(void **state) {
        (void) state;

        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *sys = h_writer(&H, "SYS", CLASS_C, NULL, "VSS_APP_SYSTEM", 60000);
        fe->wants_bcd_echo = be->wants_bcd_echo = sys->wants_bcd_echo = true;
        HWriter *all[] = {fe, be, sys};

        int fd = requester();
        CALL(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0, NULL);
        ProtoMessage *m = h_call(&H, fd, "gather-metadata", NULL, 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        assert_int_equal(
                        proto_message_validate(m, PROTO_GATHER_METADATA, PROTO_EVENT_INVALID, NULL),
                        0);
        assert_int_equal(json_array_size(json_object_get(m->root, "writers")), 3);
        proto_message_free(m);
        EXPECT_LOG("FE:identify BE:identify SYS:identify");

        CALL(fd, "start-snapshot-set", NULL, 0, NULL);
        h_log_clear(&H);
        m = h_call(&H, fd, "prepare-for-backup", h_writers_body(&H, all, 3), 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        assert_int_equal(
                        proto_message_validate(
                                        m, PROTO_PREPARE_FOR_BACKUP, PROTO_EVENT_INVALID, NULL),
                        0);
        /* Each writer's part went to it and came back changed. */
        const json_t *e = json_array_get(json_object_get(m->root, "writers"), 0);
        assert_string_equal(
                        json_string_value(json_object_get(json_object_get(e, "bcd"), "touched_by")),
                        "FE");
        assert_string_equal(
                        json_string_value(json_object_get(
                                        fe->last_bcd[PROTO_EVENT_PREPARE_BACKUP], "for")),
                        "FE");
        proto_message_free(m);
        EXPECT_LOG("FE:prepare-backup BE:prepare-backup SYS:prepare-backup");

        m = status(fd);
        EXPECT_STATE(m, fe, "VSS_WS_STABLE");
        proto_message_free(m);

        h_log_clear(&H);
        m = h_call(&H, fd, "do-snapshot-set", h_writers_body(&H, all, 3), 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        assert_int_equal(
                        proto_message_validate(m, PROTO_DO_SNAPSHOT_SET, PROTO_EVENT_INVALID, NULL),
                        0);
        proto_message_free(m);
        /* Freeze front-end, back-end, system; Thaw the other way round. */
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot SYS:prepare-snapshot FE:freeze "
                   "BE:freeze SYS:freeze "
                   "SYS:thaw BE:thaw FE:thaw FE:post-snapshot BE:post-snapshot SYS:post-snapshot");

        m = status(fd);
        EXPECT_STATE(m, fe, "VSS_WS_WAITING_FOR_BACKUP_COMPLETE");
        EXPECT_STATE(m, sys, "VSS_WS_WAITING_FOR_BACKUP_COMPLETE");
        proto_message_free(m);

        h_log_clear(&H);
        CALL(fd, "backup-complete", h_writers_body(&H, all, 3), 0, NULL);
        EXPECT_LOG("FE:backup-complete BE:backup-complete SYS:backup-complete");
        m = status(fd);
        EXPECT_STATE(m, be, "VSS_WS_STABLE");
        proto_message_free(m);

        h_log_clear(&H);
        CALL(fd, "session-end", NULL, 0, NULL);
        EXPECT_LOG("FE:backup-shutdown BE:backup-shutdown SYS:backup-shutdown");
        (void) close(fd);
}

static void test_out_of_order(void **state) {
        (void) state;

        HWriter *w = h_writer(&H, "W", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        int fd = requester();

        CALL(fd, "session-begin", json_pack("{s:s, s:i}", "kind", "backup", "context", -1),
             -VSS_E_UNSUPPORTED_CONTEXT, NULL);
        CALL(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), 0, NULL);
        CALL(fd, "session-begin", json_pack("{s:s}", "kind", "backup"), -VSS_E_BAD_STATE,
             "already running");
        CALL(fd, "start-snapshot-set", NULL, -VSS_E_BAD_STATE, "must follow gather-metadata");
        CALL(fd, "prepare-for-backup", h_writers_body(&H, &w, 1), -VSS_E_BAD_STATE, NULL);
        CALL(fd, "gather-metadata", NULL, 0, NULL);
        CALL(fd, "gather-metadata", NULL, -VSS_E_BAD_STATE, "already gathered");
        CALL(fd, "do-snapshot-set", h_writers_body(&H, &w, 1), -VSS_E_BAD_STATE, NULL);
        CALL(fd, "abort-backup", NULL, -VSS_E_BAD_STATE, NULL);
        CALL(fd, "pre-restore", h_writers_body(&H, &w, 1), -VSS_E_BAD_STATE, NULL);
        CALL(fd, "start-snapshot-set", NULL, 0, NULL);
        CALL(fd, "add-to-snapshot-set", json_pack("{s:s}", "volume", "/nonexistent/dir"),
             -VSS_E_OBJECT_NOT_FOUND, "'/nonexistent/dir'");
        CALL(fd, "add-to-snapshot-set", json_pack("{s:s}", "volume", "relative"),
             -VSS_E_OBJECT_NOT_FOUND, NULL);
        CALL(fd, "add-to-snapshot-set", json_pack("{s:s, s:s}", "volume", "/", "provider", "nope"),
             -VSS_E_PROVIDER_NOT_REGISTERED, "'nope'");
        CALL(fd, "backup-complete", h_writers_body(&H, &w, 1), -VSS_E_BAD_STATE, NULL);

        /* The same writer twice, and an unknown one. */
        HWriter *twice[] = {w, w};
        CALL(fd, "prepare-for-backup", h_writers_body(&H, twice, 2), -EINVAL, "listed twice");
        json_t *unknown = json_pack("{s:[{s:s, s:{}}]}", "writers", "instance_id", CLASS_C, "bcd");
        ProtoMessage *m = h_call(&H, fd, "prepare-for-backup", unknown, 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        const json_t *e = json_array_get(json_object_get(m->root, "writers"), 0);
        assert_int_equal(json_integer_value(json_object_get(e, "result")), -VSS_E_OBJECT_NOT_FOUND);
        proto_message_free(m);
        CALL(fd, "snapshot-properties", json_pack("{s:s}", "snapshot_id", CLASS_A),
             -VSS_E_BAD_STATE, NULL);
        CALL(fd, "session-end", NULL, 0, NULL);
        (void) close(fd);
}

static void test_freeze_veto(void **state) {
        (void) state;

        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *sys = h_writer(&H, "SYS", CLASS_C, NULL, "VSS_APP_SYSTEM", 60000);
        HWriter *all[] = {fe, be, sys};
        be->action[PROTO_EVENT_FREEZE] = H_VETO;
        be->code[PROTO_EVENT_FREEZE] = -VSS_E_WRITERERROR_RETRYABLE;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 3), 0, NULL);
        h_log_clear(&H);
        CALL(fd, "do-snapshot-set", h_writers_body(&H, all, 3), -VSS_E_WRITERERROR_RETRYABLE,
             "writer 'BE' failed at Freeze");
        /* Nobody was thawed or post-snapshotted; everyone got Abort; SYS was never frozen. */
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot SYS:prepare-snapshot FE:freeze "
                   "BE:freeze "
                   "FE:abort BE:abort SYS:abort");

        ProtoMessage *m = status(fd);
        EXPECT_STATE(m, be, "VSS_WS_FAILED_AT_FREEZE");
        assert_int_equal(h_status_hr(m, be), -VSS_E_WRITERERROR_RETRYABLE);
        EXPECT_STATE(m, fe, "VSS_WS_STABLE");
        proto_message_free(m);

        /* The requester aborts too, as VSS requires after a failed DoSnapshotSet; it may. */
        h_log_clear(&H);
        CALL(fd, "abort-backup", NULL, 0, NULL);
        CALL(fd, "session-end", NULL, 0, NULL);
        EXPECT_LOG("FE:abort BE:abort SYS:abort FE:backup-shutdown BE:backup-shutdown "
                   "SYS:backup-shutdown");
        (void) close(fd);
}

static void test_freeze_hang(void **state) {
        (void) state;

        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 300);
        HWriter *all[] = {fe, be};
        be->action[PROTO_EVENT_FREEZE] = H_HANG;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);
        usec_t start = now_usec(CLOCK_MONOTONIC);
        CALL(fd, "do-snapshot-set", h_writers_body(&H, all, 2), -VSS_E_WRITERERROR_TIMEOUT, "'BE'");
        usec_t took = now_usec(CLOCK_MONOTONIC) - start;
        assert_true(took >= 300 * USEC_PER_MSEC);
        assert_true(took < 5 * USEC_PER_SEC);
        /* The hung writer gets Abort too: if it ever wakes up, it undoes its freeze. */
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze FE:abort BE:abort");

        ProtoMessage *m = status(fd);
        EXPECT_STATE(m, be, "VSS_WS_FAILED_AT_FREEZE");
        assert_int_equal(h_status_hr(m, be), -VSS_E_WRITERERROR_TIMEOUT);
        EXPECT_STATE(m, fe, "VSS_WS_STABLE");
        proto_message_free(m);
        CALL(fd, "session-end", NULL, 0, NULL);
        (void) close(fd);
}

static void test_freeze_stuck(void **state) {
        (void) state;

        /* BE blocks in its Freeze callback, as a libvss writer does: it reads nothing more, so
         * the Abort it is sent waits unread. Nobody must wait for it: do-snapshot-set fails at
         * the window, abort-backup and session-end return at once, and BE stays failed at
         * freeze. */
        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 300);
        HWriter *all[] = {fe, be};
        be->action[PROTO_EVENT_FREEZE] = H_STUCK;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);
        usec_t start = now_usec(CLOCK_MONOTONIC);
        CALL(fd, "do-snapshot-set", h_writers_body(&H, all, 2), -VSS_E_WRITERERROR_TIMEOUT, "'BE'");
        usec_t took = now_usec(CLOCK_MONOTONIC) - start;
        assert_true(took >= 300 * USEC_PER_MSEC);
        assert_true(took < 2 * USEC_PER_SEC);
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze FE:abort");

        start = now_usec(CLOCK_MONOTONIC);
        CALL(fd, "abort-backup", NULL, 0, NULL);
        ProtoMessage *m = status(fd);
        EXPECT_STATE(m, be, "VSS_WS_FAILED_AT_FREEZE");
        assert_int_equal(h_status_hr(m, be), -VSS_E_WRITERERROR_TIMEOUT);
        proto_message_free(m);
        CALL(fd, "session-end", NULL, 0, NULL);
        assert_true(now_usec(CLOCK_MONOTONIC) - start < USEC_PER_SEC);
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze FE:abort FE:abort "
                   "FE:backup-shutdown");

        /* BE wakes up: it finds Abort (twice) and BackupShutdown waiting; its late answers change
         * nothing. */
        h_log_clear(&H);
        be->stuck = false;
        h_pump(&H, 200);
        EXPECT_LOG("BE:abort BE:abort BE:backup-shutdown");
        int ad = h_connect(&H);
        assert_int_equal(h_hello(&H, ad, "admin"), 0);
        m = h_call(&H, ad, "list-writers", NULL, 5000);
        assert_non_null(m);
        EXPECT_STATE(m, be, "VSS_WS_FAILED_AT_FREEZE");
        assert_int_equal(h_status_hr(m, be), -VSS_E_WRITERERROR_TIMEOUT);
        proto_message_free(m);
        (void) close(ad);
        (void) close(fd);
}

static void test_window_expires_while_frozen(void **state) {
        (void) state;

        /* FE freezes at once with a 200 ms window; BE takes 700 ms to answer its Freeze. FE's
         * window runs out while it waits for Thaw. */
        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 200);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {fe, be};
        be->action[PROTO_EVENT_FREEZE] = H_DELAY;
        be->delay_ms[PROTO_EVENT_FREEZE] = 700;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);
        CALL(fd, "do-snapshot-set", h_writers_body(&H, all, 2), -VSS_E_WRITERERROR_TIMEOUT,
             "freeze window of 200 ms");
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze FE:abort BE:abort");
        ProtoMessage *m = status(fd);
        EXPECT_STATE(m, fe, "VSS_WS_FAILED_AT_THAW");
        assert_int_equal(h_status_hr(m, fe), -VSS_E_WRITERERROR_TIMEOUT);
        proto_message_free(m);
        CALL(fd, "session-end", NULL, 0, NULL);
        (void) close(fd);
}

static void test_failures_that_do_not_abort(void **state) {
        (void) state;

        HWriter *a = h_writer(&H, "A", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *b = h_writer(&H, "B", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {a, b};
        a->action[PROTO_EVENT_PREPARE_SNAPSHOT] = H_VETO;
        a->code[PROTO_EVENT_PREPARE_SNAPSHOT] = -VSS_E_WRITERERROR_NONRETRYABLE;
        b->action[PROTO_EVENT_POST_SNAPSHOT] = H_FAIL_SOFT;
        b->code[PROTO_EVENT_POST_SNAPSHOT] = -VSS_E_WRITERERROR_OUTOFRESOURCES;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);
        ProtoMessage *m = h_call(&H, fd, "do-snapshot-set", h_writers_body(&H, all, 2), 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        proto_message_free(m);
        /* A failed PrepareSnapshot: not frozen, no Abort for anyone. */
        EXPECT_LOG("A:prepare-snapshot B:prepare-snapshot B:freeze B:thaw B:post-snapshot");
        m = status(fd);
        EXPECT_STATE(m, a, "VSS_WS_FAILED_AT_PREPARE_SNAPSHOT");
        EXPECT_STATE(m, b, "VSS_WS_FAILED_AT_POST_SNAPSHOT");
        assert_int_equal(h_status_hr(m, b), -VSS_E_WRITERERROR_OUTOFRESOURCES);
        proto_message_free(m);
        CALL(fd, "backup-complete", h_writers_body(&H, all, 2), 0, NULL);
        CALL(fd, "session-end", NULL, 0, NULL);
        (void) close(fd);
}

static void test_prepare_backup_veto(void **state) {
        (void) state;

        HWriter *a = h_writer(&H, "A", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *b = h_writer(&H, "B", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {a, b};
        a->action[PROTO_EVENT_PREPARE_BACKUP] = H_VETO;
        a->code[PROTO_EVENT_PREPARE_BACKUP] = -VSS_E_WRITERERROR_RETRYABLE;

        int fd = requester();
        begin_backup(fd);
        ProtoMessage *m = h_call(&H, fd, "prepare-for-backup", h_writers_body(&H, all, 2), 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        const json_t *e = json_array_get(json_object_get(m->root, "writers"), 0);
        assert_int_equal(
                        json_integer_value(json_object_get(e, "result")),
                        -VSS_E_WRITERERROR_RETRYABLE);
        proto_message_free(m);
        m = status(fd);
        EXPECT_STATE(m, a, "VSS_WS_FAILED_AT_PREPARE_BACKUP");
        EXPECT_STATE(m, b, "VSS_WS_STABLE");
        proto_message_free(m);

        /* Ending without BackupComplete aborts first. */
        h_log_clear(&H);
        CALL(fd, "session-end", NULL, 0, NULL);
        EXPECT_LOG("A:abort B:abort A:backup-shutdown B:backup-shutdown");
        (void) close(fd);
}

static void test_prepare_veto_then_continue(void **state) {
        (void) state;

        HWriter *a = h_writer(&H, "A", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *b = h_writer(&H, "B", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {a, b};
        a->action[PROTO_EVENT_PREPARE_BACKUP] = H_VETO;
        a->code[PROTO_EVENT_PREPARE_BACKUP] = -VSS_E_WRITERERROR_NONRETRYABLE;

        /* The requester carries on after A's veto: A takes no part in the snapshot nor in
         * BackupComplete, and its failure stays visible; it still gets BackupShutdown. */
        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);
        CALL(fd, "do-snapshot-set", h_writers_body(&H, all, 2), 0, NULL);
        EXPECT_LOG("B:prepare-snapshot B:freeze B:thaw B:post-snapshot");
        CALL(fd, "backup-complete", h_writers_body(&H, all, 2), 0, NULL);
        ProtoMessage *m = status(fd);
        EXPECT_STATE(m, a, "VSS_WS_FAILED_AT_PREPARE_BACKUP");
        EXPECT_STATE(m, b, "VSS_WS_STABLE");
        proto_message_free(m);
        h_log_clear(&H);
        CALL(fd, "session-end", NULL, 0, NULL);
        EXPECT_LOG("A:backup-shutdown B:backup-shutdown");
        (void) close(fd);
}

static void test_writer_lost_while_frozen(void **state) {
        (void) state;

        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {fe, be};
        be->action[PROTO_EVENT_FREEZE] = H_DISCONNECT;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);
        CALL(fd, "do-snapshot-set", h_writers_body(&H, all, 2), -VSS_E_WRITER_NOT_RESPONDING,
             "'BE'");
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze FE:abort");

        /* The lost writer stays in the session's status until the session ends. */
        ProtoMessage *m = status(fd);
        EXPECT_STATE(m, be, "VSS_WS_FAILED_AT_FREEZE");
        assert_int_equal(h_status_hr(m, be), -VSS_E_WRITER_NOT_RESPONDING);
        proto_message_free(m);
        CALL(fd, "session-end", NULL, 0, NULL);
        (void) close(fd);
}

static void test_requester_lost_while_frozen(void **state) {
        (void) state;

        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {fe, be};
        be->action[PROTO_EVENT_FREEZE] = H_HANG;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        h_log_clear(&H);

        /* Send do-snapshot-set, let the writers freeze, then vanish. */
        json_t *body = h_writers_body(&H, all, 2);
        json_object_set_new(body, "type", json_string("do-snapshot-set"));
        json_object_set_new(body, "id", json_integer(77));
        char *s = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        assert_int_equal(proto_write_frame(fd, s, strlen(s), 1000), 0);
        free(s);
        h_pump(&H, 200);
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze");

        usec_t start = now_usec(CLOCK_MONOTONIC);
        (void) close(fd);
        while (!strstr(H.log, "FE:abort") && now_usec(CLOCK_MONOTONIC) - start < USEC_PER_SEC)
                h_pump(&H, 5);
        assert_non_null(strstr(H.log, "FE:abort"));
        assert_true(now_usec(CLOCK_MONOTONIC) - start < USEC_PER_SEC);
        h_pump(&H, 200);
        EXPECT_LOG("FE:prepare-snapshot BE:prepare-snapshot FE:freeze BE:freeze FE:abort BE:abort "
                   "FE:backup-shutdown BE:backup-shutdown");
}

static void test_exclusive_and_identify_during_backup(void **state) {
        (void) state;

        HWriter *w = h_writer(&H, "W", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        int a = requester(), b = requester();

        begin_backup(a);
        CALL(a, "prepare-for-backup", h_writers_body(&H, &w, 1), 0, NULL);

        /* Identify is served at any time, also during another session's backup. */
        CALL(b, "session-begin", json_pack("{s:s}", "kind", "backup"), 0, NULL);
        CALL(b, "gather-metadata", NULL, 0, NULL);
        CALL(b, "start-snapshot-set", NULL, -VSS_E_SNAPSHOT_SET_IN_PROGRESS, "another backup");
        CALL(b, "session-end", NULL, 0, NULL);

        for (int i = 0; i < 100; i++) {
                CALL(b, "session-begin", json_pack("{s:s}", "kind", "restore"), 0, NULL);
                ProtoMessage *m = h_call(&H, b, "gather-metadata", NULL, 5000);
                assert_int_equal(proto_reply_result(m, NULL), 0);
                assert_int_equal(json_array_size(json_object_get(m->root, "writers")), 1);
                proto_message_free(m);
                CALL(b, "session-end", NULL, 0, NULL);
        }

        /* A restore also waits for the backup to end. */
        CALL(b, "session-begin", json_pack("{s:s}", "kind", "restore"), 0, NULL);
        CALL(b, "gather-metadata", NULL, 0, NULL);
        CALL(b, "pre-restore", h_writers_body(&H, &w, 1), -VSS_E_SNAPSHOT_SET_IN_PROGRESS, NULL);

        CALL(a, "do-snapshot-set", h_writers_body(&H, &w, 1), 0, NULL);

        /* Identify by another requester leaves the state of the backup's writer alone. */
        int c = requester();
        CALL(c, "session-begin", json_pack("{s:s}", "kind", "backup"), 0, NULL);
        CALL(c, "gather-metadata", NULL, 0, NULL);
        ProtoMessage *m = status(a);
        EXPECT_STATE(m, w, "VSS_WS_WAITING_FOR_BACKUP_COMPLETE");
        proto_message_free(m);
        CALL(c, "session-end", NULL, 0, NULL);
        (void) close(c);

        CALL(a, "backup-complete", h_writers_body(&H, &w, 1), 0, NULL);
        CALL(a, "session-end", NULL, 0, NULL);

        CALL(b, "pre-restore", h_writers_body(&H, &w, 1), 0, NULL);
        (void) close(a);
        (void) close(b);
        h_pump(&H, 100);
}

/* ---- Restore ------------------------------------------------------------------------------ */

static void test_restore(void **state) {
        (void) state;

        HWriter *a = h_writer(&H, "A", CLASS_A, "main", "VSS_APP_FRONT_END", 60000);
        HWriter *b = h_writer(&H, "B", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        a->wants_bcd_echo = true;
        b->action[PROTO_EVENT_POST_RESTORE] = H_VETO;
        b->code[PROTO_EVENT_POST_RESTORE] = -VSS_E_WRITERERROR_NONRETRYABLE;
        HWriter *all[] = {a, b};

        int fd = requester();
        CALL(fd, "session-begin", json_pack("{s:s}", "kind", "restore"), 0, NULL);
        CALL(fd, "start-snapshot-set", NULL, -VSS_E_BAD_STATE, "restore session");
        CALL(fd, "gather-metadata", NULL, 0, NULL);
        h_log_clear(&H);
        ProtoMessage *m = h_call(&H, fd, "pre-restore", h_writers_body(&H, all, 2), 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        const json_t *e = json_array_get(json_object_get(m->root, "writers"), 0);
        assert_string_equal(
                        json_string_value(json_object_get(json_object_get(e, "bcd"), "touched_by")),
                        "A");
        proto_message_free(m);
        m = h_call(&H, fd, "post-restore", h_writers_body(&H, all, 2), 5000);
        assert_int_equal(proto_reply_result(m, NULL), 0);
        e = json_array_get(json_object_get(m->root, "writers"), 1);
        assert_int_equal(
                        json_integer_value(json_object_get(e, "result")),
                        -VSS_E_WRITERERROR_NONRETRYABLE);
        proto_message_free(m);
        EXPECT_LOG("A:pre-restore B:pre-restore A:post-restore B:post-restore");
        m = status(fd);
        EXPECT_STATE(m, b, "VSS_WS_FAILED_AT_POST_RESTORE");
        EXPECT_STATE(m, a, "VSS_WS_STABLE");
        proto_message_free(m);
        h_log_clear(&H);
        CALL(fd, "session-end", NULL, 0, NULL);
        EXPECT_LOG(""); /* no BackupShutdown after a restore */
        (void) close(fd);
}

/* ---- Contexts, subscriptions, stopping ------------------------------------------------------ */

static void test_context_without_writers(void **state) {
        (void) state;

        HWriter *w = h_writer(&H, "W", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        int fd = requester();
        CALL(fd, "session-begin",
             json_pack("{s:s, s:i}", "kind", "backup", "context", VSS_CTX_NAS_ROLLBACK), 0, NULL);
        CALL(fd, "start-snapshot-set", NULL, 0, NULL);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, &w, 1), -VSS_E_BAD_STATE,
             "involves no writers");
        h_log_clear(&H);
        CALL(fd, "do-snapshot-set", json_pack("{s:[]}", "writers"), 0, NULL);
        CALL(fd, "session-end", NULL, 0, NULL);
        EXPECT_LOG("");
        (void) close(fd);
}

static void test_stop_aborts_frozen_writers(void **state) {
        (void) state;

        HWriter *fe = h_writer(&H, "FE", CLASS_A, NULL, "VSS_APP_FRONT_END", 60000);
        HWriter *be = h_writer(&H, "BE", CLASS_B, NULL, "VSS_APP_BACK_END", 60000);
        HWriter *all[] = {fe, be};
        be->action[PROTO_EVENT_FREEZE] = H_HANG;

        int fd = requester();
        begin_backup(fd);
        CALL(fd, "prepare-for-backup", h_writers_body(&H, all, 2), 0, NULL);
        json_t *body = h_writers_body(&H, all, 2);
        json_object_set_new(body, "type", json_string("do-snapshot-set"));
        json_object_set_new(body, "id", json_integer(78));
        char *s = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        assert_int_equal(proto_write_frame(fd, s, strlen(s), 1000), 0);
        free(s);
        h_pump(&H, 200);
        h_log_clear(&H);

        (void) kill(H.vssd, SIGTERM);
        h_pump(&H, 500);
        EXPECT_LOG("FE:abort BE:abort FE:backup-shutdown BE:backup-shutdown");
        (void) close(fd);
}

/* ---- vssadmin ---------------------------------------------------------------------------- */

static char *run(const char *command) {
        FILE *f = popen(command, "r");
        assert_non_null(f);
        static char out[16384];
        size_t n = fread(out, 1, sizeof out - 1, f);
        out[n] = 0;
        int status = pclose(f);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status) == 0 ? out : NULL;
}

static void test_vssadmin(void **state) {
        char cmd[1024];
        (void) state;

        HWriter *a = h_writer(&H, "PostgreSQL", CLASS_A, "main", "VSS_APP_BACK_END", 20000);
        (void) h_writer(&H, "Mail", CLASS_B, NULL, "VSS_APP_FRONT_END", 60000);

        /* The admin client of proto, as vssadmin uses it. */
        int fd = -1;
        char *err = NULL;
        assert_int_equal(
                        proto_client_connect(H.socket, PROTO_ROLE_ADMIN, "test", 5000, &fd, &err),
                        0);
        ProtoMessage *req = proto_message_new(PROTO_LIST_WRITERS, 9), *reply = NULL;
        assert_int_equal(proto_client_call(fd, req, 5000, &reply, &err), 0);
        assert_int_equal(json_array_size(json_object_get(reply->root, "writers")), 2);
        proto_message_free(req);
        proto_message_free(reply);
        (void) close(fd);

        (void) snprintf(cmd, sizeof cmd, BUILD_ROOT "/src/cli/vssadmin --socket %s list writers",
                        H.socket);
        char *out = run(cmd);
        assert_non_null(out);
        assert_non_null(strstr(out, "Writer name: 'PostgreSQL'"));
        assert_non_null(strstr(out, "Writer Instance Name: 'main'"));
        assert_non_null(strstr(out, a->instance_id));
        assert_non_null(strstr(out, "State: [1] Stable"));
        assert_non_null(strstr(out, "Last error: No error"));
        assert_non_null(strstr(out, "Writer name: 'Mail'"));

        (void) snprintf(cmd, sizeof cmd,
                        BUILD_ROOT "/src/cli/vssadmin --socket %s --json list writers", H.socket);
        out = run(cmd);
        assert_non_null(out);
        json_t *j = json_loads(out, 0, NULL);
        assert_non_null(j);
        assert_int_equal(json_array_size(j), 2);
        json_decref(j);

        (void) snprintf(cmd, sizeof cmd,
                        BUILD_ROOT "/src/cli/vssadmin --socket %s list providers --json", H.socket);
        out = run(cmd);
        assert_non_null(out);
        j = json_loads(out, 0, NULL);
        assert_non_null(j);
        assert_int_equal(json_array_size(j), 3);
        assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "name")), "btrfs");
        assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "name")), "reflink");
        assert_string_equal(json_string_value(json_object_get(json_array_get(j, 2), "name")), "copy");
        assert_string_equal(json_string_value(json_object_get(json_array_get(j, 2), "consistency")), "writer-consistent");
        json_decref(j);

        (void) snprintf(cmd, sizeof cmd,
                        BUILD_ROOT "/src/cli/vssadmin --socket %s/none list writers 2>&1", H.dir);
        assert_null(run(cmd));
        (void) snprintf(cmd, sizeof cmd,
                        BUILD_ROOT "/src/cli/vssadmin --socket %s list nothing 2>/dev/null",
                        H.socket);
        assert_null(run(cmd));
        assert_int_equal(
                        proto_client_connect(
                                        "/nonexistent/socket", PROTO_ROLE_ADMIN, "test", 1000, &fd,
                                        &err),
                        -ENOENT);
        assert_non_null(strstr(err, "vssd is not running"));
        free(err);
}

static void test_socket_activation(void **state) {
        Harness a;
        struct stat st;
        (void) state;

        /* vssd serves on the socket it was handed, and leaves it in place when it stops: it
         * belongs to the service manager. */
        h_start_activated(&a);
        int fd = h_connect(&a);
        assert_int_equal(h_hello(&a, fd, "admin"), 0);
        (void) close(fd);
        assert_int_equal(kill(a.vssd, SIGTERM), 0);
        int status;
        assert_int_equal(waitpid(a.vssd, &status, 0), a.vssd);
        a.vssd = 0;
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(stat(a.socket, &st), 0);
        (void) h_stop(&a);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test_setup_teardown(test_handshake, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_register, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_backup_sequence, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_freeze_veto, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_freeze_hang, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_freeze_stuck, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_window_expires_while_frozen, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_failures_that_do_not_abort, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_prepare_backup_veto, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_prepare_veto_then_continue, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_writer_lost_while_frozen, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_requester_lost_while_frozen, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_exclusive_and_identify_during_backup, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_restore, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_context_without_writers, setup, teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_stop_aborts_frozen_writers, setup, teardown),
                        cmocka_unit_test_setup_teardown(test_vssadmin, setup, teardown),
                        cmocka_unit_test(test_socket_activation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
