/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "vssd-harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "time-util.h"

#ifndef BUILD_ROOT
#error "BUILD_ROOT must be defined"
#endif

static void h_wait_listening(Harness *h) {
        for (int i = 0; i < 500; i++) {
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                struct sockaddr_un sa = {.sun_family = AF_UNIX};
                strcpy(sa.sun_path, h->socket);
                if (connect(fd, (struct sockaddr *) &sa, sizeof sa) == 0) {
                        (void) close(fd);
                        return;
                }
                (void) close(fd);
                usleep(10000);
        }
        fail_msg("vssd did not start listening on %s", h->socket);
}

static void spawn_vssd(Harness *h) {
        const char *argv[32] = {BUILD_ROOT "/src/cli/vssd",
                                "--socket",
                                h->socket,
                                "--registry",
                                h->registry,
                                "--state-dir",
                                h->state,
                                "--log-level",
                                getenv("VSSD_LOG_LEVEL") ?: "err"};
        size_t n = 9;
        for (size_t i = 0; h->extra_args && h->extra_args[i] && n < 31; i++)
                argv[n++] = h->extra_args[i];
        argv[n] = NULL;

        h->vssd = fork();
        assert_true(h->vssd >= 0);
        if (h->vssd == 0) {
                /* Keep the test's output readable: vssd logs warnings and above only. */
                execv(argv[0], (char *const *) argv);
                _exit(127);
        }

        h_wait_listening(h);
}

static void h_init(Harness *h, const char *const *extra_args) {
        memset(h, 0, sizeof *h);
        h->next_id = 100;
        h->extra_args = extra_args;
        strcpy(h->dir, "/tmp/linvss-vssd-XXXXXX");
        assert_non_null(mkdtemp(h->dir));
        (void) snprintf(h->socket, sizeof h->socket, "%s/vssd.sock", h->dir);
        (void) snprintf(h->registry, sizeof h->registry, "%s/registry.db", h->dir);
        (void) snprintf(h->state, sizeof h->state, "%s/state", h->dir);
}

void h_start(Harness *h, const char *const *extra_args) {
        h_init(h, extra_args);
        spawn_vssd(h);
}

void h_start_activated(Harness *h) {
        h_init(h, NULL);

        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        assert_true(fd >= 0);
        strcpy(sa.sun_path, h->socket);
        assert_int_equal(bind(fd, (struct sockaddr *) &sa, sizeof sa), 0);
        assert_int_equal(listen(fd, 16), 0);

        h->vssd = fork();
        assert_true(h->vssd >= 0);
        if (h->vssd == 0) {
                char pid[32];
                if (dup2(fd, 3) < 0)
                        _exit(126);
                (void) snprintf(pid, sizeof pid, "%d", (int) getpid());
                (void) setenv("LISTEN_PID", pid, 1);
                (void) setenv("LISTEN_FDS", "1", 1);
                execl(BUILD_ROOT "/src/cli/vssd", BUILD_ROOT "/src/cli/vssd", "--registry",
                      h->registry, "--state-dir", h->state, "--log-level", "err", (char *) NULL);
                _exit(127);
        }
        (void) close(fd);
        h_wait_listening(h);
}

void h_kill(Harness *h) {
        assert_true(h->vssd > 0);
        (void) kill(h->vssd, SIGKILL);
        (void) waitpid(h->vssd, NULL, 0);
        h->vssd = 0;
}

void h_restart(Harness *h) {
        assert_true(h->vssd == 0);
        spawn_vssd(h);
}

void h_add_client(
                Harness *h,
                int (*get_fd)(void *userdata),
                void (*process)(void *userdata),
                void *userdata) {
        assert_true(h->n_clients < H_MAX_CLIENTS);
        h->clients[h->n_clients++] =
                        (HClient){.get_fd = get_fd, .process = process, .userdata = userdata};
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int h_stop(Harness *h) {
        int status = -1;

        for (size_t i = 0; i < h->n_writers; i++) {
                if (h->writers[i].fd >= 0)
                        (void) close(h->writers[i].fd);
                for (int e = 0; e < PROTO_EVENT_MAX; e++)
                        json_decref(h->writers[i].last_bcd[e]);
                json_decref(h->writers[i].wmd);
        }
        if (h->vssd > 0) {
                (void) kill(h->vssd, SIGTERM);
                (void) waitpid(h->vssd, &status, 0);
        }
        assert_int_equal(nftw(h->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        return status;
}

int h_connect(Harness *h) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        assert_true(fd >= 0);
        strcpy(sa.sun_path, h->socket);
        assert_int_equal(connect(fd, (struct sockaddr *) &sa, sizeof sa), 0);
        return fd;
}

static void send_json(int fd, json_t *o) {
        char *s = json_dumps(o, JSON_COMPACT);
        assert_non_null(s);
        assert_int_equal(proto_write_frame(fd, s, strlen(s), 5000), 0);
        free(s);
}

static ProtoMessage *read_message(int fd, int timeout_ms) {
        char *data = NULL;
        size_t size = 0;
        ProtoMessage *m = NULL;

        int r = proto_read_frame(fd, &data, &size, timeout_ms);
        if (r < 0)
                return NULL;
        assert_int_equal(proto_message_decode(data, size, &m, NULL), 0);
        free(data);
        return m;
}

int h_hello(Harness *h, int fd, const char *role) {
        (void) h;
        json_t *o =
                        json_pack("{s:s, s:i, s:[i], s:s, s:s}", "type", "hello", "id", 1,
                                  "versions", 1, "role", role, "program", "harness");
        send_json(fd, o);
        json_decref(o);
        ProtoMessage *m = read_message(fd, 5000);
        assert_non_null(m);
        int r = proto_reply_result(m, NULL);
        proto_message_free(m);
        return r;
}

HWriter *
h_writer(Harness *h,
         const char *name,
         const char *class_id,
         const char *instance_name,
         const char *level,
         int freeze_timeout_ms) {
        assert_true(h->n_writers < H_MAX_WRITERS);
        HWriter *w = &h->writers[h->n_writers++];
        memset(w, 0, sizeof *w);
        (void) snprintf(w->name, sizeof w->name, "%s", name);
        w->fd = h_connect(h);
        assert_int_equal(h_hello(h, w->fd, "writer"), 0);

        json_t *id = json_pack(
                        "{s:s, s:s, s:s, s:s, s:s, s:i}", "class_id", class_id, "writer_name", name,
                        "usage_type", "VSS_UT_USERDATA", "source_type", "VSS_ST_OTHER",
                        "application_level", level, "freeze_timeout_ms", freeze_timeout_ms);
        if (instance_name)
                json_object_set_new(id, "instance_name", json_string(instance_name));
        json_t *o = json_pack("{s:s, s:i, s:o}", "type", "register", "id", 2, "identity", id);
        send_json(w->fd, o);
        json_decref(o);
        ProtoMessage *m = read_message(w->fd, 5000);
        assert_non_null(m);
        const char *err = NULL;
        if (proto_reply_result(m, &err) != 0)
                fail_msg("register of %s failed: %s", name, err);
        (void) snprintf(w->instance_id, sizeof w->instance_id, "%s",
                        json_string_value(json_object_get(m->root, "instance_id")));
        proto_message_free(m);
        return w;
}

static void log_event(Harness *h, const HWriter *w, const char *event) {
        size_t n = strlen(h->log);
        (void) snprintf(h->log + n, sizeof h->log - n, "%s%s:%s", n ? " " : "", w->name, event);
}

void h_log_clear(Harness *h) {
        h->log[0] = 0;
}

static void
writer_reply(HWriter *w, uint32_t id, ProtoEvent ev, int result, bool soft_failure, int code) {
        json_t *o =
                        json_pack("{s:s, s:I, s:i}", "type", "reply", "id", (json_int_t) id,
                                  "result", result);
        if (soft_failure)
                json_object_set_new(
                                o, "failure",
                                json_pack("{s:i, s:s}", "hr", code, "message", "scripted failure"));
        if (ev == PROTO_EVENT_IDENTIFY && result == 0)
                json_object_set_new(
                                o, "wmd",
                                w->wmd ? json_incref(w->wmd)
                                       : json_pack("{s:s, s:s}", "format", "test", "writer",
                                                   w->name));
        if (result == 0 && w->bcd_reply && proto_event_may_update_bcd(ev)) {
                json_t *b = w->bcd_reply(w, ev, w->last_bcd[ev], w->bcd_reply_userdata);
                if (b)
                        json_object_set_new(o, "bcd", b);
        } else if (result == 0 && w->wants_bcd_echo && proto_event_may_update_bcd(ev) &&
                   w->last_bcd[ev]) {
                json_t *b = json_deep_copy(w->last_bcd[ev]);
                json_object_set_new(b, "touched_by", json_string(w->name));
                json_object_set_new(o, "bcd", b);
        }
        send_json(w->fd, o);
        json_decref(o);
}

static void writer_handle(Harness *h, HWriter *w) {
        ProtoMessage *m = read_message(w->fd, 1000);
        if (!m) {
                (void) close(w->fd);
                w->fd = -1;
                return;
        }
        assert_int_equal(m->type, PROTO_EVENT);
        char *err = NULL;
        if (proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, &err) < 0)
                fail_msg("vssd sent an invalid event: %s", err);
        ProtoEvent ev = proto_event_from_string(
                        json_string_value(json_object_get(m->root, "event")));
        log_event(h, w, proto_event_to_string(ev));
        json_decref(w->last_bcd[ev]);
        w->last_bcd[ev] = json_incref(json_object_get(m->root, "bcd"));

        switch (w->action[ev]) {
        case H_OK:
                writer_reply(w, m->id, ev, 0, false, 0);
                break;
        case H_VETO:
                writer_reply(w, m->id, ev, w->code[ev], false, 0);
                break;
        case H_FAIL_SOFT:
                writer_reply(w, m->id, ev, 0, true, w->code[ev]);
                break;
        case H_HANG:
                break;
        case H_STUCK:
                w->stuck = true;
                break;
        case H_DISCONNECT:
                (void) close(w->fd);
                w->fd = -1;
                break;
        case H_DELAY:
                w->delayed_id = m->id;
                w->delayed_event = ev;
                w->delayed_at_usec = now_usec(CLOCK_MONOTONIC) +
                                     (usec_t) w->delay_ms[ev] * USEC_PER_MSEC;
                break;
        }
        proto_message_free(m);
}

/* One round of the loop: waits up to 'ms' for a writer event or for 'fd' (if >= 0) to be
 * readable. Returns true when 'fd' is readable. */
static bool loop_once(Harness *h, int fd, int ms) {
        struct pollfd p[H_MAX_WRITERS + H_MAX_CLIENTS + 1];
        size_t n = 0;

        /* Delayed replies that are due. */
        usec_t now = now_usec(CLOCK_MONOTONIC);
        for (size_t i = 0; i < h->n_writers; i++) {
                HWriter *w = &h->writers[i];
                if (w->delayed_id && w->fd >= 0 && now >= w->delayed_at_usec) {
                        writer_reply(w, w->delayed_id, w->delayed_event, 0, false, 0);
                        w->delayed_id = 0;
                }
                if (w->delayed_id)
                        ms = MIN(ms, 5);
        }

        for (size_t i = 0; i < h->n_writers; i++)
                p[n++] = (struct pollfd){.fd = h->writers[i].stuck ? -1 : h->writers[i].fd,
                                         .events = POLLIN};
        for (size_t i = 0; i < h->n_clients; i++)
                p[n++] =
                                (struct pollfd){.fd = h->clients[i].get_fd(h->clients[i].userdata),
                                                .events = POLLIN};
        if (fd >= 0)
                p[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        int k = poll(p, n, ms);
        assert_true(k >= 0);
        for (size_t i = 0; i < h->n_writers; i++)
                if (h->writers[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP)))
                        writer_handle(h, &h->writers[i]);
        for (size_t i = 0; i < h->n_clients; i++)
                if (p[h->n_writers + i].revents)
                        h->clients[i].process(h->clients[i].userdata);
        return fd >= 0 && (p[n - 1].revents & (POLLIN | POLLHUP));
}

void h_pump(Harness *h, int ms) {
        usec_t end = now_usec(CLOCK_MONOTONIC) + (usec_t) ms * USEC_PER_MSEC;
        for (;;) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                if (now >= end)
                        return;
                (void) loop_once(h, -1, (int) ((end - now) / USEC_PER_MSEC) + 1);
        }
}

ProtoMessage *h_call(Harness *h, int fd, const char *type, json_t *body, int timeout_ms) {
        uint32_t id = ++h->next_id;
        json_t *o = body ? body : json_object();
        json_object_set_new(o, "type", json_string(type));
        json_object_set_new(o, "id", json_integer(id));
        send_json(fd, o);
        json_decref(o);

        usec_t end = now_usec(CLOCK_MONOTONIC) + (usec_t) timeout_ms * USEC_PER_MSEC;
        for (;;) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                if (now >= end)
                        fail_msg("no reply to %s within %d ms", type, timeout_ms);
                if (!loop_once(h, fd, (int) ((end - now) / USEC_PER_MSEC) + 1))
                        continue;
                ProtoMessage *m = read_message(fd, 1000);
                if (!m)
                        return NULL; /* the connection was closed */
                assert_int_equal(m->type, PROTO_REPLY);
                assert_int_equal(m->id, id);
                return m;
        }
}

int h_call_result(
                Harness *h,
                int fd,
                const char *type,
                json_t *body,
                char *error,
                size_t error_size) {
        ProtoMessage *m = h_call(h, fd, type, body, 30000);
        assert_non_null(m);
        const char *err = NULL;
        int r = proto_reply_result(m, &err);
        if (error)
                (void) snprintf(error, error_size, "%s", err ? err : "");
        proto_message_free(m);
        return r;
}

json_t *h_writers_body(Harness *h, HWriter *const *ws, size_t n) {
        (void) h;
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(
                                a,
                                json_pack("{s:s, s:{s:s, s:s}}", "instance_id", ws[i]->instance_id,
                                          "bcd", "format", "test-bcd", "for", ws[i]->name));
        return json_pack("{s:o}", "writers", a);
}

static const json_t *status_entry(const ProtoMessage *reply, const HWriter *w) {
        size_t i;
        const json_t *e;
        json_array_foreach(json_object_get(reply->root, "writers"), i, e)
                if (strcasecmp(json_string_value(json_object_get(e, "instance_id")),
                               w->instance_id) == 0)
                        return e;
        return NULL;
}

const char *h_status_state(const ProtoMessage *reply, const HWriter *w) {
        const json_t *e = status_entry(reply, w);
        return e ? json_string_value(json_object_get(e, "state")) : NULL;
}

int h_status_hr(const ProtoMessage *reply, const HWriter *w) {
        const json_t *e = status_entry(reply, w);
        return e ? (int) json_integer_value(json_object_get(json_object_get(e, "failure"), "hr"))
                 : 1;
}
