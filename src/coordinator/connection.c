/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Client connections: accept, peer credentials, the hello handshake, reading and validating
 * frames, dispatching by role, and queued writes (docs/PROTOCOL.md §2, §3). */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "buffer.h"
#include "config.h"
#include "coordinator-internal.h"
#include "log.h"

static void connection_free(Connection *c) {
        Manager *m = c->manager;

        deadline_disarm(m, &c->hello_deadline);
        if (c->fd >= 0)
                (void) epoll_ctl(m->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        c->fd = safe_close(c->fd);
        proto_reader_done(&c->reader);
        proto_writer_done(&c->writer);
        LIST_REMOVE(connections, m->connections, c);
        m->n_connections--;
        free(c->peer_description);
        free(c);
}

void connection_close(Connection *c) {
        log_debug("Closing the connection of %s.", c->peer_description);

        /* Detach first, so nothing below sends to it any more. */
        if (c->writer_entry) {
                Writer *w = c->writer_entry;
                c->writer_entry = NULL;
                writer_disconnect(w);
        }
        if (c->session)
                session_connection_lost(c->session); /* clears c->session */
        shadow_connection_lost(c);
        connection_free(c);
}

int connection_send(Connection *c, const ProtoMessage *msg) {
        int r = proto_writer_queue_message(&c->writer, msg);
        if (r == -ENOBUFS) {
                log_warning("%s does not read its messages; dropping the connection.",
                            c->peer_description);
                c->state = CONNECTION_CLOSING;
                return r;
        }
        if (r < 0)
                return r;

        /* Try at once: most messages are small and go out without waiting for EPOLLOUT. */
        r = proto_writer_flush(&c->writer, c->fd);
        if (r < 0) {
                c->state = CONNECTION_CLOSING;
                return 0; /* the close happens on the next wakeup; the caller carries on */
        }
        if (r == 0 && !c->epollout)
                (void) manager_update_epoll(c->manager, c, true);
        return 0;
}

int connection_reply(Connection *c, uint32_t id, int result, const char *error, json_t *body) {
        ProtoMessage *m = proto_message_new_reply(id, result, error);
        if (!m) {
                json_decref(body);
                return -ENOMEM;
        }
        if (result >= 0 && body && json_object_update(m->root, body) < 0) {
                json_decref(body);
                proto_message_free(m);
                return -ENOMEM;
        }
        json_decref(body);
        int r = connection_send(c, m);
        proto_message_free(m);
        return r;
}

int connection_replyf(Connection *c, uint32_t id, int result, const char *format, ...) {
        char text[1024];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        return connection_reply(c, id, result, text, NULL);
}

void connection_request_done(Connection *c) {
        c->busy_request_id = 0;
}

static void hello_timeout(Manager *m, void *userdata) {
        Connection *c = userdata;
        (void) m;
        log_info("%s did not say hello in time; closing.", c->peer_description);
        c->state = CONNECTION_CLOSING; /* closed by the sweep after this wakeup */
}

int connection_accept(Manager *m) {
        int fd = accept4(m->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
                if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
                        return 0;
                /* Out of descriptors or memory: the connection stays pending and epoll would
                 * report it again at once, so wait a little before trying again. */
                manager_pause_accept(m, -errno);
                return 0;
        }

        Connection *c = calloc(1, sizeof *c);
        if (!c) {
                (void) close(fd);
                return log_oom();
        }
        c->manager = m;
        c->fd = fd;
        c->role = PROTO_ROLE_INVALID;
        c->reader = (ProtoReader) PROTO_READER_INIT;
        c->writer = (ProtoWriter) PROTO_WRITER_INIT;
        c->writer.max_queue = PEER_QUEUE_MAX;
        c->hello_deadline = (Deadline) DEADLINE_INIT;
        LIST_APPEND(connections, m->connections, c);
        m->n_connections++;

        socklen_t len = sizeof c->cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0) {
                log_warning_errno(errno, "Failed to read a peer's credentials, dropping it: %m");
                connection_free(c);
                return 0;
        }
        Buffer b = BUFFER_INIT;
        if (buffer_printf(&b, "pid %d (uid %u)", (int) c->cred.pid, (unsigned) c->cred.uid) < 0) {
                buffer_done(&b);
                connection_free(c);
                return log_oom();
        }
        c->peer_description = buffer_steal(&b);

        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                int r = -errno;
                connection_free(c);
                return log_error_errno(r, "Failed to watch a connection: %m");
        }

        if (m->n_connections > CONNECTIONS_MAX) {
                (void) connection_replyf(
                                c, 1, -ENOBUFS, "vssd serves at most %u connections",
                                CONNECTIONS_MAX);
                c->state = CONNECTION_CLOSING;
                return 0;
        }

        int r = deadline_arm(
                        m, &c->hello_deadline, now_usec(CLOCK_MONOTONIC) + HELLO_TIMEOUT_USEC,
                        hello_timeout, c);
        if (r < 0) {
                connection_free(c);
                return log_oom();
        }
        log_debug("New connection from %s.", c->peer_description);
        return 0;
}

static void handle_hello(Connection *c, const ProtoMessage *msg) {
        vss_autofree char *err = NULL;

        if (msg->type != PROTO_HELLO) {
                (void) connection_replyf(
                                c, msg->id, -EPROTO, "the first message must be hello, not %s",
                                proto_message_type_to_string(msg->type));
                c->state = CONNECTION_CLOSING;
                return;
        }
        int r = proto_message_validate(msg, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, &err);
        if (r < 0) {
                (void) connection_reply(c, msg->id, -EBADMSG, err, NULL);
                c->state = CONNECTION_CLOSING;
                return;
        }

        int version = proto_negotiate_version(json_object_get(msg->root, "versions"), &err);
        if (version < 0) {
                (void) connection_reply(c, msg->id, version, err, NULL);
                c->state = CONNECTION_CLOSING;
                return;
        }

        ProtoRole role = proto_role_from_string(
                        json_string_value(json_object_get(msg->root, "role")));
        r = access_check(c->manager, c, role, &err);
        if (r < 0) {
                log_notice("Refused %s: %s", c->peer_description, err ? err : vss_strerror(r));
                (void) connection_reply(c, msg->id, r, err, NULL);
                c->state = CONNECTION_CLOSING;
                return;
        }

        const char *program = json_string_value(json_object_get(msg->root, "program"));
        if (program) {
                Buffer b = BUFFER_INIT;
                if (buffer_printf(&b, "%s '%s' (pid %d, uid %u)", proto_role_to_string(role),
                                  program, (int) c->cred.pid, (unsigned) c->cred.uid) >= 0) {
                        free(c->peer_description);
                        c->peer_description = buffer_steal(&b);
                }
                buffer_done(&b);
        }

        deadline_disarm(c->manager, &c->hello_deadline);
        c->role = role;
        c->version = version;
        c->state = CONNECTION_READY;
        (void) connection_reply(
                        c, msg->id, 0, NULL,
                        json_pack("{s:i, s:s}", "version", version, "server",
                                  "vssd " PACKAGE_VERSION));
        log_debug("%s said hello, protocol %d.", c->peer_description, version);
}

static void handle_writer_message(Connection *c, const ProtoMessage *msg) {
        vss_autofree char *err = NULL;

        if (msg->type == PROTO_REPLY) {
                if (c->writer_entry)
                        event_reply_received(c->writer_entry, msg);
                return;
        }

        assert(msg->type == PROTO_REGISTER);
        if (c->writer_entry) {
                (void) connection_replyf(
                                c, msg->id, -VSS_E_BAD_STATE,
                                "this connection already carries a writer");
                return;
        }
        Writer *w = NULL;
        int r = writer_register(c, msg, &w, &err);
        if (r < 0) {
                (void) connection_reply(c, msg->id, r, err ? err : vss_strerror(r), NULL);
                return;
        }
        c->writer_entry = w;

        char g[VSS_GUID_STRING_MAX];
        (void) connection_reply(
                        c, msg->id, 0, NULL,
                        json_pack("{s:s}", "instance_id", vss_guid_to_string(&w->instance_id, g)));
        log_info("Writer '%s' registered by %s, instance %s.", w->writer_name, c->peer_description,
                 g);
}

static void handle_message(Connection *c, const char *data, size_t size) {
        vss_autofree char *err = NULL;
        ProtoMessage *msg = NULL;

        int r = proto_message_decode(data, size, &msg, &err);
        if (r < 0) {
                /* docs/PROTOCOL.md §3.3: an invalid message with a usable id is answered; the
                 * rest closes the connection. Before hello, it closes it anyway. */
                uint32_t id = proto_message_peek_id(data, size);
                if (id == 0 || c->state == CONNECTION_AWAITING_HELLO) {
                        log_notice("Closing %s: undecodable message: %s", c->peer_description, err);
                        if (id != 0)
                                (void) connection_reply(c, id, -EBADMSG, err, NULL);
                        c->state = CONNECTION_CLOSING;
                        return;
                }
                log_debug("Refusing a message of %s: %s", c->peer_description, err);
                (void) connection_reply(c, id, -EBADMSG, err, NULL);
                return;
        }

        if (c->state == CONNECTION_AWAITING_HELLO) {
                handle_hello(c, msg);
                goto finish;
        }
        if (msg->type == PROTO_HELLO) {
                (void) connection_replyf(c, msg->id, -VSS_E_BAD_STATE, "hello was already said");
                goto finish;
        }
        if (!proto_role_may_send(c->role, msg->type)) {
                if (msg->type != PROTO_REPLY)
                        (void) connection_replyf(
                                        c, msg->id, -EPERM, "%s may not send %s",
                                        c->role == PROTO_ROLE_ADMIN    ? "an admin tool"
                                        : c->role == PROTO_ROLE_WRITER ? "a writer"
                                                                       : "a requester",
                                        proto_message_type_to_string(msg->type));
                goto finish;
        }

        /* Replies are validated by whoever waits for them (they know what was asked). */
        if (msg->type != PROTO_REPLY) {
                r = proto_message_validate(
                                msg, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, &err);
                if (r < 0) {
                        (void) connection_reply(c, msg->id, -EBADMSG, err, NULL);
                        goto finish;
                }
        }

        if (c->role == PROTO_ROLE_WRITER) {
                if (msg->type == PROTO_REPLY || msg->type == PROTO_REGISTER)
                        handle_writer_message(c, msg);
                goto finish;
        }

        if (msg->type == PROTO_REPLY) {
                log_debug("Ignoring a reply from %s, which is not a writer.", c->peer_description);
                goto finish;
        }
        if (c->busy_request_id != 0) {
                (void) connection_replyf(
                                c, msg->id, -EBUSY, "request %u is still being served",
                                c->busy_request_id);
                goto finish;
        }
        c->busy_request_id = msg->id;
        c->busy_request_type = msg->type;
        session_handle_request(c, msg);

finish:
        proto_message_free(msg);
}

void connection_process(Connection *c, uint32_t events) {
        Manager *m = c->manager;

        if (events & EPOLLOUT) {
                int r = proto_writer_flush(&c->writer, c->fd);
                if (r < 0) {
                        c->state = CONNECTION_CLOSING;
                        return;
                }
                if (r > 0)
                        (void) manager_update_epoll(m, c, false);
        }

        if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c->state != CONNECTION_CLOSING) {
                int r = proto_reader_fill(&c->reader, c->fd);
                if (r == 0 || (r < 0 && r != -EAGAIN)) {
                        if (r == 0 && proto_reader_has_partial(&c->reader))
                                log_notice("%s closed the connection in the middle of a frame.",
                                           c->peer_description);
                        c->state = CONNECTION_CLOSING;
                        return;
                }

                /* Everything buffered now: epoll will not wake us for bytes already read. One
                 * fill reads at most 64 KiB, which bounds the work done for one peer. */
                while (c->state != CONNECTION_CLOSING) {
                        const char *data;
                        size_t size;
                        r = proto_reader_next(&c->reader, &data, &size);
                        if (r == 0)
                                break;
                        if (r < 0) {
                                log_notice("Closing %s: broken frame (zero or above %zu bytes).",
                                           c->peer_description, PROTO_FRAME_MAX);
                                c->state = CONNECTION_CLOSING;
                                break;
                        }
                        handle_message(c, data, size);
                }
        }

        /* A connection set CLOSING is closed by the manager's sweep after this wakeup. */
}

void connection_close_marked(Manager *m) {
        /* Closing one connection may mark or close others (a writer's session ends), so look for
         * the next one from the start each time. Closing is rare; the list is short. */
        for (;;) {
                Connection *c;
                LIST_FOREACH(connections, c, m->connections)
                        if (c->state == CONNECTION_CLOSING)
                                break;
                if (!c)
                        return;
                /* Say what we have to say (errors), then go. Do not wait for a slow reader. */
                (void) proto_writer_flush(&c->writer, c->fd);
                connection_close(c);
        }
}
