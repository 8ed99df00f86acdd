/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* src/proto: frames, message decoding and schema validation, encoding, version negotiation. */

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <vss/vss.h>

#include "proto.h"

#define GUID1 "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}"
#define GUID2 "{00000000-0000-4000-8000-000000000001}"

static void frame(ProtoReader *r, const char *payload) {
        uint32_t n = (uint32_t) strlen(payload);
        uint8_t h[4] = {(uint8_t) (n >> 24), (uint8_t) (n >> 16), (uint8_t) (n >> 8), (uint8_t) n};
        assert_int_equal(proto_reader_push(r, h, 4), 0);
        assert_int_equal(proto_reader_push(r, payload, n), 0);
}

static void test_reader(void **state) {
        ProtoReader r = PROTO_READER_INIT;
        const char *d;
        size_t n;

        (void) state;

        assert_int_equal(proto_reader_next(&r, &d, &n), 0);
        frame(&r, "{\"a\":1}");
        frame(&r, "{}");
        assert_int_equal(proto_reader_next(&r, &d, &n), 1);
        assert_int_equal(n, 7);
        assert_memory_equal(d, "{\"a\":1}", 7);
        assert_int_equal(proto_reader_next(&r, &d, &n), 1);
        assert_int_equal(n, 2);
        assert_int_equal(proto_reader_next(&r, &d, &n), 0);
        assert_false(proto_reader_has_partial(&r));

        /* A frame that arrives one byte at a time. */
        const uint8_t bytes[] = {0, 0, 0, 3, 'a', 'b', 'c'};
        for (size_t i = 0; i < sizeof bytes; i++) {
                assert_int_equal(proto_reader_next(&r, &d, &n), 0);
                assert_int_equal(proto_reader_push(&r, bytes + i, 1), 0);
                if (i + 1 < sizeof bytes)
                        assert_true(proto_reader_has_partial(&r));
        }
        assert_int_equal(proto_reader_next(&r, &d, &n), 1);
        assert_memory_equal(d, "abc", 3);

        /* Zero length and oversized frames break the stream. */
        const uint8_t zero[] = {0, 0, 0, 0};
        assert_int_equal(proto_reader_push(&r, zero, 4), 0);
        assert_int_equal(proto_reader_next(&r, &d, &n), -EBADMSG);
        proto_reader_done(&r);

        const uint8_t huge[] = {0x01, 0x00, 0x00, 0x01}; /* 16 MiB + 1 */
        assert_int_equal(proto_reader_push(&r, huge, 4), 0);
        assert_int_equal(proto_reader_next(&r, &d, &n), -EBADMSG);
        proto_reader_done(&r);

        /* A smaller bound per reader. */
        r.max_frame = 4;
        frame(&r, "12345");
        assert_int_equal(proto_reader_next(&r, &d, &n), -EBADMSG);
        proto_reader_done(&r);
}

static void test_socket_roundtrip(void **state) {
        int sv[2];
        ProtoWriter w = PROTO_WRITER_INIT;
        ProtoReader r = PROTO_READER_INIT;

        (void) state;

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);

        /* Payloads larger than the socket buffer need several flushes and fills. */
        size_t big = 3 * 1024 * 1024;
        char *payload = malloc(big);
        assert_non_null(payload);
        for (size_t i = 0; i < big; i++)
                payload[i] = (char) ('a' + i % 26);
        assert_int_equal(proto_writer_queue(&w, payload, big), 0);
        assert_int_equal(proto_writer_queue(&w, "{}", 2), 0);
        assert_int_equal(proto_writer_queue(&w, "", 0), -E2BIG);

        int frames = 0;
        while (frames < 2) {
                int k = proto_writer_flush(&w, sv[0]);
                assert_true(k >= 0);
                int f = proto_reader_fill(&r, sv[1]);
                assert_true(f > 0 || f == -EAGAIN);
                const char *d;
                size_t n;
                while ((f = proto_reader_next(&r, &d, &n)) == 1) {
                        if (frames == 0) {
                                assert_int_equal(n, big);
                                assert_memory_equal(d, payload, big);
                        } else
                                assert_int_equal(n, 2);
                        frames++;
                }
                assert_int_equal(f, 0);
        }
        assert_true(proto_writer_is_empty(&w));

        /* A peer that never reads fills the bounded queue. */
        w.max_queue = 1024;
        assert_int_equal(proto_writer_queue(&w, payload, 1000), 0);
        assert_int_equal(proto_writer_queue(&w, payload, 100), -ENOBUFS);
        proto_writer_done(&w);

        /* Blocking helpers, and their timeout. */
        assert_int_equal(proto_write_frame(sv[0], "{\"x\":true}", 10, 1000), 0);
        char *got = NULL;
        size_t n = 0;
        assert_int_equal(proto_read_frame(sv[1], &got, &n, 1000), 0);
        assert_string_equal(got, "{\"x\":true}");
        free(got);
        assert_int_equal(proto_read_frame(sv[1], &got, &n, 50), -ETIMEDOUT);

        /* A frame cut short by the peer closing. */
        assert_int_equal(write(sv[0], "\0\0\0\x10{", 5), 5);
        (void) close(sv[0]);
        assert_int_equal(proto_read_frame(sv[1], &got, &n, 1000), -EBADMSG);
        assert_int_equal(proto_read_frame(sv[1], &got, &n, 1000), -ECONNRESET);
        (void) close(sv[1]);

        proto_reader_done(&r);
        free(payload);
}

/* Decodes and validates; returns the validation result and frees everything. */
static int check(const char *json, ProtoMessageType reply_to, ProtoEvent ev, const char *expect_in_error) {
        ProtoMessage *m = NULL;
        char *err = NULL;

        int r = proto_message_decode(json, strlen(json), &m, &err);
        if (r >= 0)
                r = proto_message_validate(m, reply_to, ev, &err);
        if (expect_in_error) {
                assert_true(r < 0);
                assert_non_null(err);
                if (!strstr(err, expect_in_error))
                        fail_msg("error '%s' does not mention '%s'", err, expect_in_error);
        } else if (r < 0)
                fail_msg("'%s' refused: %s", json, err);
        free(err);
        proto_message_free(m);
        return r;
}

#define OK(json)                      check(json, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, NULL)
#define BAD(json, what)               check(json, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, what)
#define REPLY_OK(json, to)            check(json, to, PROTO_EVENT_INVALID, NULL)
#define REPLY_BAD(json, to, what)     check(json, to, PROTO_EVENT_INVALID, what)
#define EVREPLY_OK(json, ev)          check(json, PROTO_EVENT, ev, NULL)
#define EVREPLY_BAD(json, ev, what)   check(json, PROTO_EVENT, ev, what)

static void test_decode(void **state) {
        (void) state;

        BAD("not json", "not JSON");
        BAD("[1,2]", "not a JSON object");
        BAD("{\"type\":\"hello\",\"type\":\"hello\",\"id\":1}", "not JSON");
        BAD("{\"id\":1}", "type");
        BAD("{\"type\":\"nope\",\"id\":1}", "unknown message type");
        BAD("{\"type\":\"hello\"}", "id");
        BAD("{\"type\":\"hello\",\"id\":0}", "id");
        BAD("{\"type\":\"hello\",\"id\":4294967296}", "id");
        BAD("{\"type\":\"hello\",\"id\":\"1\"}", "id");
        BAD("{\"type\":\"hello\",\"id\":1} {}", "not JSON");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[1],\"role\":\"writer\",\"program\":\"\xff\"}", "not JSON");

        /* The id of what decode refused, when it has a usable one. */
#define PEEK(json) proto_message_peek_id(json, strlen(json))
        assert_int_equal(PEEK("{\"type\":\"nope\",\"id\":7}"), 7);
        assert_int_equal(PEEK("{\"id\":4294967295}"), 4294967295U);
        assert_int_equal(PEEK("{\"type\":\"hello\",\"id\":0}"), 0);
        assert_int_equal(PEEK("{\"type\":\"hello\",\"id\":4294967296}"), 0);
        assert_int_equal(PEEK("{\"type\":\"hello\",\"id\":\"1\"}"), 0);
        assert_int_equal(PEEK("{\"id\":1,\"id\":2}"), 0);
        assert_int_equal(PEEK("[1]"), 0);
        assert_int_equal(PEEK("not json"), 0);
        assert_int_equal(proto_message_peek_id("", 0), 0);
#undef PEEK
}

static void test_requests(void **state) {
        (void) state;

        OK("{\"type\":\"hello\",\"id\":1,\"versions\":[1,2],\"role\":\"writer\",\"program\":\"pgwriter\"}");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[],\"role\":\"writer\"}", "versions: needs at least 1");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[0],\"role\":\"writer\"}", "versions[0]: 0 is out of range");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[1],\"role\":\"root\"}", "role: 'root' is not a defined value");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[1]}", "role: required field missing");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[1],\"role\":\"admin\",\"extra\":1}", "extra: unknown field");
        BAD("{\"type\":\"hello\",\"id\":1,\"versions\":[1],\"role\":\"admin\",\"result\":0}", "result: unknown field");

        OK("{\"type\":\"register\",\"id\":2,\"identity\":{\"class_id\":\"" GUID1 "\",\"instance_name\":\"main\","
           "\"writer_name\":\"PostgreSQL\",\"usage_type\":\"VSS_UT_USERDATA\",\"source_type\":\"VSS_ST_TRANSACTEDDB\","
           "\"application_level\":\"VSS_APP_BACK_END\",\"freeze_timeout_ms\":60000,\"version_major\":15}}");
        BAD("{\"type\":\"register\",\"id\":2,\"identity\":{\"class_id\":\"nope\",\"writer_name\":\"W\","
            "\"usage_type\":\"VSS_UT_USERDATA\",\"source_type\":\"VSS_ST_OTHER\",\"application_level\":\"VSS_APP_SYSTEM\","
            "\"freeze_timeout_ms\":1}}",
            "identity.class_id: not a GUID");
        BAD("{\"type\":\"register\",\"id\":2,\"identity\":{\"class_id\":\"" GUID1 "\",\"writer_name\":\"W\","
            "\"usage_type\":\"VSS_UT_USERDATA\",\"source_type\":\"VSS_ST_OTHER\",\"application_level\":\"VSS_APP_SYSTEM\","
            "\"freeze_timeout_ms\":0}}",
            "identity.freeze_timeout_ms: 0 is out of range");
        BAD("{\"type\":\"register\",\"id\":2,\"identity\":{\"class_id\":\"" GUID1 "\",\"writer_name\":\"\","
            "\"usage_type\":\"VSS_UT_USERDATA\",\"source_type\":\"VSS_ST_OTHER\",\"application_level\":\"VSS_APP_SYSTEM\","
            "\"freeze_timeout_ms\":5}}",
            "identity.writer_name: must not be empty");
        BAD("{\"type\":\"register\",\"id\":2,\"identity\":[]}", "identity: must be an object");

        OK("{\"type\":\"event\",\"id\":7,\"event\":\"freeze\",\"deadline_ms\":60000,\"session_id\":\"" GUID1 "\","
           "\"snapshot_set_id\":\"" GUID2 "\",\"volumes\":[{\"volume\":\"/srv\",\"snapshot_path\":\"/run/s\"}]}");
        OK("{\"type\":\"event\",\"id\":8,\"event\":\"prepare-backup\",\"deadline_ms\":1,\"bcd\":{\"anything\":[1]}}");
        BAD("{\"type\":\"event\",\"id\":8,\"event\":\"thaw\",\"deadline_ms\":1,\"bcd\":[1]}", "bcd: must be an object");
        BAD("{\"type\":\"event\",\"id\":8,\"event\":\"melt\",\"deadline_ms\":1}", "event: 'melt'");

        OK("{\"type\":\"session-begin\",\"id\":3,\"kind\":\"backup\",\"context\":0}");
        BAD("{\"type\":\"session-begin\",\"id\":3,\"kind\":\"both\"}", "kind");
        OK("{\"type\":\"gather-metadata\",\"id\":4}");
        BAD("{\"type\":\"gather-metadata\",\"id\":4,\"x\":null}", "x: unknown field");
        OK("{\"type\":\"add-to-snapshot-set\",\"id\":5,\"volume\":\"/srv/data\"}");
        BAD("{\"type\":\"add-to-snapshot-set\",\"id\":5,\"volume\":\"\"}", "volume: must not be empty");
        OK("{\"type\":\"prepare-for-backup\",\"id\":6,\"writers\":[{\"instance_id\":\"" GUID1 "\",\"bcd\":{}}]}");
        BAD("{\"type\":\"prepare-for-backup\",\"id\":6,\"writers\":[{\"instance_id\":\"" GUID1 "\"}]}",
            "writers[0].bcd: required field missing");
        OK("{\"type\":\"snapshot-properties\",\"id\":9,\"snapshot_id\":\"" GUID2 "\"}");

        /* Limits: a string above its bound, an array above its bound. */
        char *big = malloc(PROTO_STRING_MAX + 200);
        assert_non_null(big);
        int n = sprintf(big, "{\"type\":\"add-to-snapshot-set\",\"id\":5,\"volume\":\"");
        memset(big + n, 'a', 4097);
        strcpy(big + n + 4097, "\"}");
        BAD(big, "volume: longer than 4096 bytes");
        free(big);
}

static void test_replies(void **state) {
        (void) state;

        REPLY_OK("{\"type\":\"reply\",\"id\":1,\"result\":0,\"version\":1,\"server\":\"vssd 0.1.0\"}", PROTO_HELLO);
        REPLY_OK("{\"type\":\"reply\",\"id\":1,\"result\":-71,\"error\":\"no common version\"}", PROTO_HELLO);
        REPLY_BAD("{\"type\":\"reply\",\"id\":1,\"result\":-71,\"version\":1}", PROTO_HELLO, "unknown field in a failed reply");
        REPLY_BAD("{\"type\":\"reply\",\"id\":1,\"result\":1}", PROTO_HELLO, "result");
        REPLY_BAD("{\"type\":\"reply\",\"id\":1}", PROTO_HELLO, "result");
        REPLY_BAD("{\"type\":\"reply\",\"id\":1,\"result\":0}", PROTO_HELLO, "version: required field missing");
        REPLY_BAD("{\"type\":\"reply\",\"id\":1,\"result\":0,\"version\":1}", PROTO_REPLY, "a reply to no request");

        REPLY_OK("{\"type\":\"reply\",\"id\":2,\"result\":0,\"writers\":[{\"instance_id\":\"" GUID1 "\",\"class_id\":\"" GUID2 "\","
                 "\"writer_name\":\"W\",\"usage_type\":\"VSS_UT_OTHER\",\"source_type\":\"VSS_ST_OTHER\","
                 "\"application_level\":\"VSS_APP_FRONT_END\",\"wmd\":{}}]}",
                 PROTO_GATHER_METADATA);
        REPLY_OK("{\"type\":\"reply\",\"id\":2,\"result\":0,\"writers\":[{\"instance_id\":\"" GUID1 "\",\"result\":-10243,"
                 "\"failure\":{\"hr\":-10243,\"application_hr\":-2147467259,\"message\":\"disk full\"}}]}",
                 PROTO_PREPARE_FOR_BACKUP);
        REPLY_BAD("{\"type\":\"reply\",\"id\":2,\"result\":0,\"writers\":[{\"instance_id\":\"" GUID1 "\",\"result\":3}]}",
                  PROTO_PREPARE_FOR_BACKUP, "writers[0].result: 3 is out of range");
        REPLY_OK("{\"type\":\"reply\",\"id\":2,\"result\":0,\"writers\":[{\"instance_id\":\"" GUID1 "\",\"class_id\":\"" GUID2 "\","
                 "\"writer_name\":\"W\",\"state\":\"VSS_WS_FAILED_AT_FREEZE\",\"failure\":{\"hr\":-10242}}]}",
                 PROTO_GATHER_STATUS);
        REPLY_BAD("{\"type\":\"reply\",\"id\":2,\"result\":0,\"writers\":[{\"instance_id\":\"" GUID1 "\",\"class_id\":\"" GUID2 "\","
                  "\"writer_name\":\"W\",\"state\":\"VSS_WS_MELTING\"}]}",
                  PROTO_GATHER_STATUS, "writers[0].state");
        REPLY_OK("{\"type\":\"reply\",\"id\":3,\"result\":0}", PROTO_ABORT_BACKUP);

        EVREPLY_OK("{\"type\":\"reply\",\"id\":9,\"result\":0,\"wmd\":{\"format\":\"x\"}}", PROTO_EVENT_IDENTIFY);
        EVREPLY_BAD("{\"type\":\"reply\",\"id\":9,\"result\":0}", PROTO_EVENT_IDENTIFY, "wmd: required");
        EVREPLY_BAD("{\"type\":\"reply\",\"id\":9,\"result\":0,\"wmd\":{}}", PROTO_EVENT_FREEZE, "wmd: only");
        EVREPLY_OK("{\"type\":\"reply\",\"id\":9,\"result\":0,\"failure\":{\"hr\":-10243}}", PROTO_EVENT_POST_SNAPSHOT);
        EVREPLY_OK("{\"type\":\"reply\",\"id\":9,\"result\":-10244,\"error\":\"veto\"}", PROTO_EVENT_FREEZE);
        EVREPLY_OK("{\"type\":\"reply\",\"id\":9,\"result\":0,\"bcd\":{}}", PROTO_EVENT_PREPARE_BACKUP);
        EVREPLY_OK("{\"type\":\"reply\",\"id\":9,\"result\":-10243,\"failure\":{\"hr\":-10243,\"application_hr\":5,"
                   "\"message\":\"archiver busy\"}}",
                   PROTO_EVENT_FREEZE);
        EVREPLY_BAD("{\"type\":\"reply\",\"id\":9,\"result\":-10243,\"failure\":{\"hr\":1}}", PROTO_EVENT_FREEZE,
                    "failure.hr: 1 is out of range");
        EVREPLY_BAD("{\"type\":\"reply\",\"id\":9,\"result\":-10243,\"bcd\":{}}", PROTO_EVENT_PREPARE_BACKUP,
                    "bcd: unknown field in a failed reply");
        REPLY_BAD("{\"type\":\"reply\",\"id\":9,\"result\":-5,\"failure\":{\"hr\":-5}}", PROTO_GATHER_STATUS,
                  "failure: unknown field in a failed reply");
        EVREPLY_BAD("{\"type\":\"reply\",\"id\":9,\"result\":0,\"bcd\":{}}", PROTO_EVENT_BACKUP_COMPLETE, "bcd: the document is read-only");
}

static void test_encode(void **state) {
        char *a = NULL, *b = NULL;
        size_t n;

        (void) state;

        ProtoMessage *m = proto_message_new(PROTO_HELLO, 42);
        assert_non_null(m);
        assert_int_equal(json_object_set_new(m->root, "role", json_string("requester")), 0);
        assert_int_equal(json_object_set_new(m->root, "versions", json_pack("[i]", 1)), 0);
        assert_int_equal(proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, NULL), 0);
        assert_int_equal(proto_message_encode(m, &a, &n), 0);
        assert_string_equal(a, "{\"id\":42,\"role\":\"requester\",\"type\":\"hello\",\"versions\":[1]}");

        ProtoMessage *d = NULL;
        assert_int_equal(proto_message_decode(a, n, &d, NULL), 0);
        assert_int_equal(d->type, PROTO_HELLO);
        assert_int_equal(d->id, 42);
        assert_int_equal(proto_message_encode(d, &b, NULL), 0);
        assert_string_equal(a, b);
        free(a);
        free(b);
        proto_message_free(d);
        proto_message_free(m);

        m = proto_message_new_reply(7, -VSS_E_BAD_STATE, "out of sequence");
        assert_non_null(m);
        const char *err;
        assert_int_equal(proto_reply_result(m, &err), -VSS_E_BAD_STATE);
        assert_string_equal(err, "out of sequence");
        proto_message_free(m);

        m = proto_message_new_reply(7, 0, "ignored on success");
        assert_int_equal(proto_reply_result(m, &err), 0);
        assert_null(err);
        proto_message_free(m);
}

static void test_negotiate(void **state) {
        char *err = NULL;

        (void) state;

        json_t *v = json_pack("[i,i,i]", 3, 1, 2);
        assert_int_equal(proto_negotiate_version(v, NULL), 1);
        json_decref(v);

        v = json_pack("[i,i]", 2, 3);
        assert_int_equal(proto_negotiate_version(v, &err), -EPROTO);
        assert_string_equal(err, "no common protocol version: the client speaks 2 3, vssd speaks 1 to 1");
        free(err);
        json_decref(v);
}

static void test_tables(void **state) {
        (void) state;

        for (int t = 0; t < PROTO_MESSAGE_TYPE_MAX; t++)
                assert_int_equal(proto_message_type_from_string(proto_message_type_to_string(t)), t);
        for (int e = 0; e < PROTO_EVENT_MAX; e++)
                assert_int_equal(proto_event_from_string(proto_event_to_string(e)), e);
        assert_true(proto_role_may_send(PROTO_ROLE_WRITER, PROTO_REGISTER));
        assert_false(proto_role_may_send(PROTO_ROLE_WRITER, PROTO_START_SNAPSHOT_SET));
        assert_false(proto_role_may_send(PROTO_ROLE_REQUESTER, PROTO_REGISTER));
        assert_false(proto_role_may_send(PROTO_ROLE_ADMIN, PROTO_DO_SNAPSHOT_SET));
        assert_true(proto_role_may_send(PROTO_ROLE_ADMIN, PROTO_LIST_WRITERS));
        assert_false(proto_role_may_send(PROTO_ROLE_REQUESTER, PROTO_EVENT));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reader),   cmocka_unit_test(test_socket_roundtrip),
                cmocka_unit_test(test_decode),   cmocka_unit_test(test_requests),
                cmocka_unit_test(test_replies),  cmocka_unit_test(test_encode),
                cmocka_unit_test(test_negotiate), cmocka_unit_test(test_tables),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
