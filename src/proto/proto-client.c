/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Blocking client helpers: connect and say hello, call and wait for the reply. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buffer.h"
#include "proto.h"

static int set_error(char **reterr, int r, const char *format, ...) VSS_PRINTF(3, 4);
static int set_error(char **reterr, int r, const char *format, ...) {
        if (reterr) {
                char text[1024];
                va_list ap;
                va_start(ap, format);
                (void) vsnprintf(text, sizeof text, format, ap);
                va_end(ap);
                *reterr = strdup(text);
        }
        return r;
}

const char *proto_socket_path(void) {
        const char *e = getenv("VSS_SOCKET");
        return e && *e ? e : PROTO_SOCKET_DEFAULT;
}

int proto_client_call(
                int fd,
                ProtoMessage *request,
                int timeout_ms,
                ProtoMessage **ret,
                char **reterr_message) {
        char *data = NULL;
        size_t size;
        ProtoMessage *reply = NULL;
        char *err = NULL;

        int r = proto_message_encode(request, &data, &size);
        if (r < 0)
                return set_error(
                                reterr_message, r, "Failed to encode a %s request: %s",
                                proto_message_type_to_string(request->type), strerror(-r));
        r = proto_write_frame(fd, data, size, timeout_ms);
        free(data);
        if (r < 0)
                return set_error(
                                reterr_message, r, "Failed to send %s to vssd: %s",
                                proto_message_type_to_string(request->type), strerror(-r));

        r = proto_read_frame(fd, &data, &size, timeout_ms);
        if (r < 0)
                return set_error(
                                reterr_message, r, "No reply from vssd to %s: %s",
                                proto_message_type_to_string(request->type),
                                r == -ECONNRESET ? "it closed the connection" : strerror(-r));
        r = proto_message_decode(data, size, &reply, &err);
        free(data);
        if (r >= 0 && (reply->type != PROTO_REPLY || reply->id != request->id)) {
                free(err);
                err = strdup("not the reply to our request");
                r = -EBADMSG;
        }
        if (r >= 0)
                r = proto_message_validate(reply, request->type, PROTO_EVENT_INVALID, &err);
        if (r < 0) {
                proto_message_free(reply);
                r = set_error(reterr_message, r, "vssd sent a bad reply to %s: %s",
                              proto_message_type_to_string(request->type), err ? err : "?");
                free(err);
                return r;
        }
        *ret = reply;
        return 0;
}

int proto_client_connect(
                const char *socket_path,
                ProtoRole role,
                const char *program,
                int timeout_ms,
                int *ret_fd,
                char **reterr_message) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        const char *path = socket_path ? socket_path : proto_socket_path();
        size_t len = strlen(path);

        if (len >= sizeof sa.sun_path)
                return set_error(
                                reterr_message, -ENAMETOOLONG, "Socket path '%s' is too long.",
                                path);
        memcpy(sa.sun_path, path, len + 1);

        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return set_error(
                                reterr_message, -errno, "Failed to create a socket: %s",
                                strerror(errno));
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                int r = -errno;
                (void) close(fd);
                if (r == -ENOENT || r == -ECONNREFUSED)
                        return set_error(
                                        reterr_message, r,
                                        "vssd is not running: nothing listens on '%s' (%s).", path,
                                        strerror(-r));
                return set_error(
                                reterr_message, r, "Failed to connect to vssd at '%s': %s", path,
                                strerror(-r));
        }

        ProtoMessage *hello = proto_message_new(PROTO_HELLO, 1);
        if (!hello ||
            json_object_set_new(hello->root, "versions", json_pack("[i]", PROTO_VERSION_MAX)) < 0 ||
            json_object_set_new(hello->root, "role", json_string(proto_role_to_string(role))) < 0 ||
            (program && json_object_set_new(hello->root, "program", json_string(program)) < 0)) {
                proto_message_free(hello);
                (void) close(fd);
                return set_error(reterr_message, -ENOMEM, "Out of memory.");
        }

        ProtoMessage *reply = NULL;
        int r = proto_client_call(fd, hello, timeout_ms, &reply, reterr_message);
        proto_message_free(hello);
        if (r < 0) {
                (void) close(fd);
                return r;
        }
        const char *error = NULL;
        r = proto_reply_result(reply, &error);
        if (r < 0) {
                r = set_error(reterr_message, r, "vssd refused the connection: %s",
                              error ? error : strerror(-r));
                proto_message_free(reply);
                (void) close(fd);
                return r;
        }
        proto_message_free(reply);
        *ret_fd = fd;
        return 0;
}
