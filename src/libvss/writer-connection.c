/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The writer's connection to vssd (docs/PROTOCOL.md §2–§4.2): connecting, hello and register,
 * reconnecting with backoff when vssd goes away, and non-blocking socket I/O. Everything the
 * application's loop must wait for is behind one epoll fd: the socket, and a timer armed for the
 * next deadline (a reconnection, the end of a handshake, or "now" when frames are buffered). */

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>

#include "log.h"
#include "utf8.h"
#include "writer-internal.h"

#define FRAME_HEADER ((size_t) 4)

/* Whether proto_reader_next() would return something other than "need more bytes": a complete
 * frame, or a broken length. */
static bool reader_has_frame(const ProtoReader *r) {
        size_t avail = r->size - r->consumed;
        if (avail < FRAME_HEADER)
                return false;
        const uint8_t *h = r->buf + r->consumed;
        size_t len = (size_t) h[0] << 24 | (size_t) h[1] << 16 | (size_t) h[2] << 8 | h[3];
        return len == 0 || len > PROTO_FRAME_MAX || avail - FRAME_HEADER >= len;
}

static int connection_watch(vss_writer *w, bool output) {
        struct epoll_event ev = {
                        .events = EPOLLIN | (output ? (uint32_t) EPOLLOUT : 0),
                        .data.fd = w->fd,
        };
        if (epoll_ctl(w->epoll_fd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
                return -errno;
        w->watching_output = output;
        return 0;
}

/* Writes what the socket takes; watches for writability while output remains. */
static int connection_flush(vss_writer *w) {
        int r = 1;
        if (!proto_writer_is_empty(&w->out)) {
                r = proto_writer_flush(&w->out, w->fd);
                if (r < 0)
                        return r;
        }
        bool want_output = r == 0;
        if (want_output != w->watching_output)
                return connection_watch(w, want_output);
        return 0;
}

int writer_connection_send(vss_writer *w, const ProtoMessage *m) {
        assert(w->fd >= 0);

        int r = proto_writer_queue_message(&w->out, m);
        if (r < 0)
                return r;
        /* Most messages go out at once. A failure to write shows up again at the next read,
         * which then drops the connection; remember it in case it does not. */
        r = connection_flush(w);
        if (r < 0 && w->send_error == 0)
                w->send_error = r;
        return 0;
}

usec_t writer_connection_next_wakeup(const vss_writer *w) {
        if (w->input_pending)
                return 0;
        switch (w->state) {
        case WRITER_DISCONNECTED:
                return w->reconnect_at;
        case WRITER_HELLO:
        case WRITER_REGISTERING:
                return w->handshake_deadline;
        default:
                return USEC_INFINITY;
        }
}

void writer_connection_update_timer(vss_writer *w) {
        usec_t when = writer_connection_next_wakeup(w);
        struct itimerspec its = {};

        /* An absolute time of 0 would disarm the timer; 1 ns is long past and fires at once. */
        if (when == 0)
                its.it_value.tv_nsec = 1;
        else if (when != USEC_INFINITY)
                (void) timespec_from_usec(&its.it_value, when);
        if (timerfd_settime(w->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
                log_debug("Failed to arm the timer of writer '%s': %m", w->writer_name);
}

static void timer_drain(vss_writer *w) {
        uint64_t n;
        ssize_t k = read(w->timer_fd, &n, sizeof n);
        (void) k; /* -EAGAIN when it did not fire: nothing to do */
}

/* The "program" of hello: the application's name and ours, for vssd's logs. */
static void program_name(char *buf, size_t size) {
        (void) snprintf(buf, size, "%s (libvss %s)", program_invocation_short_name, vss_version());
        if (!utf8_is_valid(buf)) /* a name that is not UTF-8, or cut inside a character */
                (void) snprintf(buf, size, "libvss %s", vss_version());
}

static int queue_hello(vss_writer *w) {
        char program[PROTO_PROGRAM_MAX + 1];

        VSS_CLEANUP(proto_message_freep)
        ProtoMessage *m = proto_message_new(PROTO_HELLO, WRITER_HELLO_ID);
        if (!m)
                return -ENOMEM;
        json_t *versions = json_array();
        if (json_object_set_new(m->root, "versions", versions) < 0)
                return -ENOMEM;
        for (int v = PROTO_VERSION_MIN; v <= PROTO_VERSION_MAX; v++)
                if (json_array_append_new(versions, json_integer(v)) < 0)
                        return -ENOMEM;
        program_name(program, sizeof program);
        if (json_object_set_new(
                            m->root, "role", json_string(proto_role_to_string(PROTO_ROLE_WRITER))) <
                            0 ||
            json_object_set_new(m->root, "program", json_string(program)) < 0)
                return -ENOMEM;
        return writer_connection_send(w, m);
}

static int queue_register(vss_writer *w) {
        char g[VSS_GUID_STRING_MAX];

        VSS_CLEANUP(proto_message_freep)
        ProtoMessage *m = proto_message_new(PROTO_REGISTER, WRITER_REGISTER_ID);
        if (!m)
                return -ENOMEM;
        json_t *identity = json_pack(
                        "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "class_id",
                        vss_guid_to_string(&w->class_id, g), "writer_name", w->writer_name,
                        "usage_type", vss_usage_type_to_string(w->usage_type), "source_type",
                        vss_source_type_to_string(w->source_type), "application_level",
                        vss_application_level_to_string(w->level), "freeze_timeout_ms",
                        (json_int_t) w->freeze_timeout_ms, "version_major",
                        (json_int_t) w->version_major, "version_minor",
                        (json_int_t) w->version_minor, "subscribe", (json_int_t) w->subscribe_mask);
        if (!identity || json_object_set_new(m->root, "identity", identity) < 0)
                return -ENOMEM;
        if (w->instance_name &&
            json_object_set_new(identity, "instance_name", json_string(w->instance_name)) < 0)
                return -ENOMEM;
        return writer_connection_send(w, m);
}

/* Takes a connected socket: watches it, says hello. Returns 0, or a negative errno with 'fd'
 * closed and the state unchanged. */
static int connection_begin(vss_writer *w, int fd, usec_t timeout) {
        WriterState previous = w->state;

        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                int r = -errno;
                (void) safe_close(fd);
                writer_set_error(w, "Failed to watch the connection to vssd: %s", strerror(-r));
                return r;
        }
        w->fd = fd;
        w->watching_output = false;
        w->send_error = 0;
        w->input_pending = false;
        w->reader = (ProtoReader) PROTO_READER_INIT;
        w->out = (ProtoWriter) PROTO_WRITER_INIT;
        w->state = WRITER_HELLO;
        w->handshake_deadline = now_usec(CLOCK_MONOTONIC) + timeout;

        int r = queue_hello(w);
        if (r < 0) {
                (void) epoll_ctl(w->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
                w->fd = safe_close(w->fd);
                proto_writer_done(&w->out);
                w->state = previous;
                writer_set_error(w, "Failed to say hello to vssd: %s", strerror(-r));
                return r;
        }
        writer_connection_update_timer(w);
        return 0;
}

int writer_connection_adopt(vss_writer *w, int fd, usec_t timeout) {
        assert(w->fd < 0);

        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
                int r = -errno;
                (void) safe_close(fd);
                return r;
        }
        return connection_begin(w, fd, timeout);
}

int writer_connection_start(vss_writer *w, usec_t timeout) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        size_t len = strlen(w->socket_path);

        assert(w->fd < 0);

        if (len >= sizeof sa.sun_path) {
                writer_set_error(w, "Socket path '%s' is too long.", w->socket_path);
                return -EINVAL;
        }
        memcpy(sa.sun_path, w->socket_path, len + 1);

        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                int r = -errno;
                writer_set_error(w, "Failed to create a socket: %s", strerror(-r));
                return r;
        }
        /* A Unix socket connects at once or not at all (-EAGAIN: vssd's backlog is full). */
        if (connect(fd, (const struct sockaddr *) &sa, sizeof sa) < 0) {
                int r = -errno;
                (void) safe_close(fd);
                if (r == -ENOENT || r == -ECONNREFUSED)
                        writer_set_error(
                                        w, "vssd is not running: nothing listens on '%s' (%s).",
                                        w->socket_path, strerror(-r));
                else
                        writer_set_error(
                                        w, "Failed to connect to vssd at '%s': %s", w->socket_path,
                                        strerror(-r));
                return r;
        }
        return connection_begin(w, fd, timeout);
}

void writer_connection_close(vss_writer *w, bool reconnect, int error, const char *message) {
        if (message)
                writer_set_error(w, "%s", message);
        if (error < 0 || message)
                log_debug("Writer '%s' lost its connection to vssd: %s", w->writer_name,
                          message ? message : strerror(-error));

        if (w->fd >= 0) {
                if (!reconnect && !proto_writer_is_empty(&w->out))
                        (void) proto_writer_flush(
                                        &w->out, w->fd); /* last replies, if it takes them */
                (void) epoll_ctl(w->epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
                w->fd = safe_close(w->fd);
        }
        proto_reader_done(&w->reader);
        proto_writer_done(&w->out);
        w->watching_output = false;
        w->send_error = 0;
        w->input_pending = false;
        w->instance_id = (vss_guid){};

        /* Whatever vssd was sequencing is over for this writer: it must not stay frozen. */
        writer_event_abort_locally(w);
        writer_session_reset(&w->session);

        if (reconnect) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                w->state = WRITER_DISCONNECTED;
                w->reconnect_at = now + w->reconnect_delay;
                log_debug("Writer '%s' connects again in %llu ms.", w->writer_name,
                          (unsigned long long) (w->reconnect_delay / USEC_PER_MSEC));
                w->reconnect_delay = MIN(w->reconnect_delay * 2, WRITER_RECONNECT_MAX_USEC);
        } else
                w->state = WRITER_UNSUBSCRIBED;
        writer_connection_update_timer(w);
}

/* A failure of the connection: inside vss_writer_subscribe() it ends the subscription with
 * 'error'; later it schedules a reconnection. */
static void connection_failed(vss_writer *w, int error, const char *format, ...) VSS_PRINTF(3, 4);
static void connection_failed(vss_writer *w, int error, const char *format, ...) {
        char text[1024];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        if (w->subscribing)
                w->subscribe_result = error;
        writer_connection_close(w, !w->subscribing, error, text);
}

static void handle_handshake_frame(vss_writer *w, const char *data, size_t size) {
        bool hello = w->state == WRITER_HELLO;
        uint32_t want = hello ? WRITER_HELLO_ID : WRITER_REGISTER_ID;
        const char *what = hello ? "hello" : "registration";
        vss_autofree char *err = NULL;

        VSS_CLEANUP(proto_message_freep) ProtoMessage *m = NULL;
        int r = proto_message_decode(data, size, &m, &err);
        if (r < 0) {
                connection_failed(
                                w, -EPROTO, "vssd sent a bad message during the %s: %s", what,
                                err ? err : strerror(-r));
                return;
        }
        if (m->type != PROTO_REPLY || m->id != want) {
                connection_failed(
                                w, -EPROTO, "vssd sent %s (id %u) instead of the reply to the %s",
                                proto_message_type_to_string(m->type), m->id, what);
                return;
        }
        r = proto_message_validate(
                        m, hello ? PROTO_HELLO : PROTO_REGISTER, PROTO_EVENT_INVALID, &err);
        if (r < 0) {
                connection_failed(
                                w, -EPROTO, "vssd sent a bad reply to the %s: %s", what,
                                err ? err : strerror(-r));
                return;
        }

        const char *error = NULL;
        r = proto_reply_result(m, &error);
        if (r < 0) {
                connection_failed(
                                w, r, "vssd refused the %s: %s", what,
                                error ? error : vss_strerror(r));
                return;
        }

        if (hello) {
                r = queue_register(w);
                if (r < 0) {
                        connection_failed(w, r, "Failed to register with vssd: %s", strerror(-r));
                        return;
                }
                w->state = WRITER_REGISTERING;
                return;
        }

        /* Validated: a GUID. */
        (void) vss_guid_from_string(
                        json_string_value(json_object_get(m->root, "instance_id")),
                        &w->instance_id);
        w->state = WRITER_READY;
        w->reconnect_delay = WRITER_RECONNECT_MIN_USEC;
        w->error = mfree(w->error);
        char g[VSS_GUID_STRING_MAX];
        log_debug("Writer '%s' registered with vssd as instance %s.", w->writer_name,
                  vss_guid_to_string(&w->instance_id, g));
}

/* A stop matters only to vss_writer_run(): an application serving from its own loop is never
 * held up by one. */
static bool stop_pending(vss_writer *w) {
        return w->running && atomic_load(&w->stop_requested);
}

/* Serves the complete frames buffered. Returns true if it looked at any. */
static bool serve_frames(vss_writer *w) {
        bool did = false;

        w->input_pending = false;
        while (w->fd >= 0) {
                if (w->subscribing && w->state == WRITER_READY) {
                        /* vss_writer_subscribe() runs no callbacks: events that came with the
                         * answer wait for vss_writer_process(). */
                        w->input_pending = reader_has_frame(&w->reader);
                        break;
                }

                const char *data;
                size_t size;
                int r = proto_reader_next(&w->reader, &data, &size);
                if (r == 0)
                        break;
                did = true;
                if (r < 0) {
                        connection_failed(
                                        w, -EPROTO,
                                        "vssd sent a broken frame (a length of 0 or above %zu "
                                        "bytes)",
                                        PROTO_FRAME_MAX);
                        break;
                }
                if (w->state != WRITER_READY) {
                        handle_handshake_frame(w, data, size);
                        continue;
                }
                r = writer_event_handle_frame(w, data, size);
                if (r < 0) {
                        /* writer_event_handle_frame() said why in w->error. */
                        writer_connection_close(w, true, r, NULL);
                        break;
                }
                if (stop_pending(w)) {
                        /* vss_writer_run() returns after this event; the rest waits. */
                        w->input_pending = reader_has_frame(&w->reader);
                        break;
                }
        }
        return did;
}

/* Reads and serves what has arrived, then writes what is queued. */
static bool connection_io(vss_writer *w) {
        bool did = false;

        for (unsigned round = 0; w->fd >= 0; round++) {
                did |= serve_frames(w);
                if (w->fd < 0 || w->input_pending || stop_pending(w))
                        break;
                if (round == WRITER_READ_ROUNDS_MAX) {
                        w->input_pending = reader_has_frame(&w->reader);
                        break;
                }

                int r = proto_reader_fill(&w->reader, w->fd);
                if (r == -EAGAIN)
                        break;
                did = true;
                if (r == 0) {
                        if (proto_reader_has_partial(&w->reader))
                                connection_failed(
                                                w, -ECONNRESET,
                                                "vssd closed the connection in the middle of a "
                                                "message");
                        else
                                connection_failed(w, -ECONNRESET, "vssd closed the connection");
                } else if (r < 0)
                        connection_failed(
                                        w, r, "Failed to read from vssd: %s",
                                        r == -ENOBUFS ? "message too large" : strerror(-r));
        }

        if (w->fd >= 0) {
                int r = w->send_error < 0 ? w->send_error : connection_flush(w);
                if (r < 0) {
                        connection_failed(w, r, "Failed to write to vssd: %s", strerror(-r));
                        did = true;
                }
        }
        return did;
}

int writer_connection_process(vss_writer *w) {
        bool did = false;

        timer_drain(w);
        usec_t now = now_usec(CLOCK_MONOTONIC);

        if (w->state == WRITER_DISCONNECTED && now >= w->reconnect_at) {
                did = true;
                int r = writer_connection_start(w, WRITER_HANDSHAKE_TIMEOUT_USEC);
                if (r < 0) {
                        w->reconnect_at = now + w->reconnect_delay;
                        log_debug("Writer '%s' failed to reconnect (%s); trying again in %llu ms.",
                                  w->writer_name, w->error ? w->error : strerror(-r),
                                  (unsigned long long) (w->reconnect_delay / USEC_PER_MSEC));
                        w->reconnect_delay = MIN(w->reconnect_delay * 2, WRITER_RECONNECT_MAX_USEC);
                }
        }

        if ((w->state == WRITER_HELLO || w->state == WRITER_REGISTERING) &&
            now >= w->handshake_deadline) {
                did = true;
                connection_failed(
                                w, -ETIMEDOUT, "vssd did not answer the %s in time",
                                w->state == WRITER_HELLO ? "hello" : "registration");
        }

        if (w->fd >= 0 && connection_io(w))
                did = true;

        writer_connection_update_timer(w);
        return did ? 1 : 0;
}
