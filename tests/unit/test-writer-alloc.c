/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Allocation failures in the writer runtime (STYLE §4.11): the allocators of libvss, proto and
 * basic are wrapped at link time (-Wl,--wrap) so that the Nth allocation made while a writer
 * serves one event fails. Each event is served with N = 1, 2, ... until it goes through without a
 * failure; every earlier run must end in a valid reply (success, or a writer failure) or in the
 * writer dropping the connection, never in a crash, and leave nothing behind, which the sanitizer
 * build's leak checker verifies. jansson's own allocations are not failed: its parser does not
 * survive them (docs/DOCUMENTS.md §1). vssd is played by the test over a socketpair. */

/* cmocka.h needs the standard headers before it. */
/* clang-format off */
#include <errno.h>
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
#include <unistd.h>

#include <cmocka.h>
#include <vss/vss-writer.h>
#include <vss/vss.h>
/* clang-format on */

#include "writer-internal.h"

static unsigned fail_at;    /* 0: never fail; N: fail the Nth allocation */
static unsigned n_allocs;   /* allocations seen since the counter was reset */
static unsigned n_failures; /* allocations made to fail */

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

#define CLASS_T    "{5EB0A4C2-8D4B-4E11-9A39-0C7DB8A31F01}"
#define INSTANCE_T "{0E3D5C7A-1111-4222-8333-444455556666}"

/* Callbacks that pass allocation failures on, as an application would. */
static int on_identify(vss_writer *w, vss_wmd *wmd, void *userdata) {
        (void) w;
        (void) userdata;
        int r = vss_wmd_set_restore_method(wmd, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL, NULL,
                                           VSS_WRE_NEVER, false);
        if (r >= 0)
                r = vss_wmd_add_component(wmd, VSS_CT_FILEGROUP, NULL, "Data", "caption", NULL, 0,
                                          false, false, true, false, 0);
        if (r >= 0)
                r = vss_wmd_add_files_to_file_group(wmd, NULL, "Data", "/srv/data", "*", true, NULL,
                                                    VSS_FSBT_DEFAULT);
        return r;
}

static int on_prepare_backup(vss_writer *w, vss_bcd_writer *c, void *userdata) {
        (void) userdata;
        vss_bcd_component *comp = vss_bcd_writer_find_component(c, "", "Data");
        int r = comp ? vss_bcd_component_set_backup_stamp(comp, "a stamp") : 0;
        if (r >= 0 && comp)
                r = vss_bcd_component_set_backup_metadata(comp, "some metadata");
        if (r < 0)
                (void) vss_writer_set_failure(w, -VSS_E_WRITERERROR_OUTOFRESOURCES, 0, "no memory");
        return r;
}

static int on_freeze(vss_writer *w, void *userdata) {
        (void) userdata;
        /* A soft failure: its message is copied. */
        return vss_writer_set_failure(w, -VSS_E_WRITERERROR_PARTIAL_FAILURE, 7, "partly frozen");
}

static const vss_writer_ops ops = {
                .identify = on_identify,
                .prepare_backup = on_prepare_backup,
                .freeze = on_freeze,
};

static void send_text(int fd, const char *text) {
        assert_int_equal(proto_write_frame(fd, text, strlen(text), 2000), 0);
}

/* A writer registered with a fake vssd on the other end of *ret_peer. */
static vss_writer *writer_start(int *ret_peer) {
        vss_guid g;
        vss_writer *w = NULL;
        int sv[2];
        char *data = NULL;
        size_t n;

        assert_int_equal(vss_guid_from_string(CLASS_T, &g), 0);
        assert_int_equal(vss_writer_new(&g, "Alloc", VSS_UT_USERDATA, VSS_ST_OTHER,
                                        VSS_APP_FRONT_END, 60000, VSS_AWS_NO_ALTERNATE_WRITER,
                                        false, "inst", &ops, NULL, &w),
                         0);
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        send_text(sv[1], "{\"type\":\"reply\",\"id\":1,\"result\":0,\"version\":1}");
        send_text(sv[1], "{\"type\":\"reply\",\"id\":2,\"result\":0,\"instance_id\":\"" INSTANCE_T
                         "\"}");
        assert_int_equal(writer_subscribe_fd(w, sv[0], "/nonexistent/vssd.sock", 0), 0);
        for (int i = 0; i < 2; i++) {
                assert_int_equal(proto_read_frame(sv[1], &data, &n, 2000), 0);
                free(data);
        }
        *ret_peer = sv[1];
        return w;
}

/* The event of prepare-backup, with a BCD that includes the writer's component. */
static char *prepare_backup_event(void) {
        vss_bcd *bcd = NULL;
        vss_bcd_writer *bw = NULL;
        vss_guid instance, class_id;
        char *text = NULL, *event = NULL;

        assert_int_equal(vss_guid_from_string(INSTANCE_T, &instance), 0);
        assert_int_equal(vss_guid_from_string(CLASS_T, &class_id), 0);
        assert_int_equal(vss_bcd_new(&bcd), 0);
        assert_int_equal(vss_bcd_set_backup_state(bcd, true, false, VSS_BT_INCREMENTAL, false), 0);
        assert_int_equal(vss_bcd_add_writer(bcd, &instance, &class_id, "inst", &bw), 0);
        assert_int_equal(vss_bcd_writer_add_component(bw, VSS_CT_FILEGROUP, "", "Data", NULL), 0);
        assert_int_equal(vss_bcd_to_json(bcd, &text, NULL, NULL), 0);
        vss_bcd_free(bcd);
        assert_true(asprintf(&event,
                             "{\"type\":\"event\",\"id\":10,\"event\":\"prepare-backup\","
                             "\"deadline_ms\":1000,\"session_id\":"
                             "\"{11111111-2222-4333-8444-555555555555}\",\"snapshot_set_id\":"
                             "\"{21111111-2222-4333-8444-555555555555}\",\"context\":0,"
                             "\"volumes\":[{\"volume\":\"/srv\"}],\"bcd\":%s}",
                             text) > 0);
        free(text);
        return event;
}

/* Serves 'event' failing allocation 1, 2, ... until it goes through. */
static void run(const char *name, const char *event, ProtoEvent e) {
        unsigned n;
        int peer;
        vss_writer *w = writer_start(&peer);

        for (n = 1;; n++) {
                char *data = NULL;
                size_t size;
                ProtoMessage *m = NULL;

                send_text(peer, event);
                n_allocs = n_failures = 0;
                fail_at = n;
                int r = 0;
                for (int i = 0; i < 5 && r >= 0; i++)
                        r = vss_writer_process(w);
                fail_at = 0;
                assert_true(r >= 0);

                int k = proto_read_frame(peer, &data, &size, 1000);
                if (k == -ECONNRESET) {
                        /* The writer gave up on the connection: a clean way out. */
                        assert_true(n_failures > 0);
                        (void) close(peer);
                        vss_writer_free(w);
                        w = writer_start(&peer);
                        continue;
                }
                assert_int_equal(k, 0);
                assert_int_equal(proto_message_decode(data, size, &m, NULL), 0);
                free(data);
                char *err = NULL;
                if (proto_message_validate(m, PROTO_EVENT, e, &err) < 0)
                        fail_msg("%s, allocation %u failed: invalid reply: %s", name, n, err);
                int result = proto_reply_result(m, NULL);
                proto_message_free(m);
                if (n_failures == 0) {
                        assert_int_equal(result, 0);
                        break;
                }
                /* A failure is reported as a writer failure, never as success with lost data. */
                if (result != 0 && result != -VSS_E_WRITERERROR_OUTOFRESOURCES &&
                    result != -VSS_E_WRITERERROR_NONRETRYABLE)
                        fail_msg("%s, allocation %u failed: result %s", name, n,
                                 vss_strerror(result));
        }
        print_message("# %s: %u allocations failed in turn\n", name, n - 1);
        (void) close(peer);
        vss_writer_free(w);
}

static void test_identify(void **state) {
        (void) state;
        run("identify", "{\"type\":\"event\",\"id\":9,\"event\":\"identify\",\"deadline_ms\":100}",
            PROTO_EVENT_IDENTIFY);
}

static void test_prepare_backup(void **state) {
        (void) state;
        char *event = prepare_backup_event();
        run("prepare-backup", event, PROTO_EVENT_PREPARE_BACKUP);
        free(event);
}

static void test_freeze(void **state) {
        (void) state;
        run("freeze",
            "{\"type\":\"event\",\"id\":11,\"event\":\"freeze\",\"deadline_ms\":100,"
            "\"session_id\":\"{11111111-2222-4333-8444-555555555555}\"}",
            PROTO_EVENT_FREEZE);
}

static void test_bad_event(void **state) {
        (void) state;
        /* Refusals allocate too. */
        int peer;
        vss_writer *w = writer_start(&peer);
        for (unsigned n = 1; n < 200; n++) {
                char *data = NULL;
                size_t size;
                send_text(peer, "{\"type\":\"event\",\"id\":12,\"event\":\"freeze\"}");
                n_allocs = n_failures = 0;
                fail_at = n;
                for (int i = 0; i < 5; i++)
                        assert_true(vss_writer_process(w) >= 0);
                fail_at = 0;
                int k = proto_read_frame(peer, &data, &size, 1000);
                free(data);
                if (k == -ECONNRESET) {
                        (void) close(peer);
                        vss_writer_free(w);
                        w = writer_start(&peer);
                        continue;
                }
                assert_int_equal(k, 0);
                if (n_failures == 0)
                        break;
        }
        (void) close(peer);
        vss_writer_free(w);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_identify),
                        cmocka_unit_test(test_prepare_backup),
                        cmocka_unit_test(test_freeze),
                        cmocka_unit_test(test_bad_event),
        };
        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
