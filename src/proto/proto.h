/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The wire format between vssd and its clients (docs/PROTOCOL.md is normative): frames of a
 * 4-byte big-endian length and one JSON object, the message envelope, the schema of every
 * message, and version negotiation. Shared by libvss and the coordinator; both sides validate
 * every message they receive against the schema before acting on it. */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define PROTO_VERSION_MIN 1
#define PROTO_VERSION_MAX 1

#define PROTO_FRAME_MAX   ((size_t) 16 * 1024 * 1024) /* payload bytes of one frame */
#define PROTO_STRING_MAX  ((size_t) 4096)             /* bytes of a plain string field */
#define PROTO_ARRAY_MAX   ((size_t) 1024)             /* items of an array field */
#define PROTO_PROGRAM_MAX ((size_t) 256)              /* bytes of the hello "program" field */

/* ---- Frames ------------------------------------------------------------------------------ */

/* Collects bytes from a stream socket and cuts them into frames. Lives on the caller's stack or
 * in its connection object: ProtoReader r = PROTO_READER_INIT; ... proto_reader_done(&r). */
typedef struct ProtoReader {
        uint8_t *buf;
        size_t size; /* bytes buffered */
        size_t allocated;
        size_t consumed;  /* bytes at the front already handed out as frames */
        size_t max_frame; /* 0 = PROTO_FRAME_MAX */
} ProtoReader;

#define PROTO_READER_INIT \
        { .buf = NULL, .size = 0, .allocated = 0, .consumed = 0, .max_frame = 0 }

void proto_reader_done(ProtoReader *r);

/* Reads what the (non-blocking) fd has, up to a bounded amount per call. Returns the number of
 * bytes read (> 0), 0 at end of file, -EAGAIN when nothing is available, or a negative errno. */
int proto_reader_fill(ProtoReader *r, int fd);

/* Appends bytes received by other means (tests, fuzzing). */
int proto_reader_push(ProtoReader *r, const void *data, size_t size);

/* Returns 1 and the next complete frame's payload (borrowed: valid until the next call on 'r'),
 * 0 when no complete frame is buffered yet, or -EBADMSG when the stream is broken: a length of
 * zero or above the maximum. After -EBADMSG the connection must be closed. */
int proto_reader_next(ProtoReader *r, const char **ret_data, size_t *ret_size);

/* Returns true if bytes of an incomplete frame are buffered (a peer that closes now has cut a
 * frame short). */
bool proto_reader_has_partial(const ProtoReader *r);

/* Queues frames for a stream socket and writes them out as the socket accepts them. */
typedef struct ProtoWriter {
        uint8_t *buf;
        size_t size;
        size_t allocated;
        size_t sent;      /* bytes at the front already written */
        size_t max_queue; /* 0 = 4 × PROTO_FRAME_MAX */
} ProtoWriter;

#define PROTO_WRITER_INIT \
        { .buf = NULL, .size = 0, .allocated = 0, .sent = 0, .max_queue = 0 }

void proto_writer_done(ProtoWriter *w);

/* Queues one frame. -E2BIG if the payload is empty or too large, -ENOBUFS if the queue would
 * exceed its bound (a peer that does not read), -ENOMEM. */
int proto_writer_queue(ProtoWriter *w, const void *payload, size_t size);

/* Writes as much of the queue as the (non-blocking) fd takes. Returns 1 when the queue is now
 * empty, 0 when bytes remain (wait for EPOLLOUT), or a negative errno (-EPIPE: peer gone). */
int proto_writer_flush(ProtoWriter *w, int fd);

bool proto_writer_is_empty(const ProtoWriter *w);

/* Blocking helpers for simple clients and tests: write one whole frame / read one whole frame
 * (you now own *ret_data, NUL-terminated). Both retry on EINTR and wait with poll() on a
 * non-blocking fd, up to 'timeout_ms' (-1: forever); -ETIMEDOUT when it passes, -ECONNRESET at a
 * clean end of stream before a frame, -EBADMSG on a broken frame. */
int proto_write_frame(int fd, const void *payload, size_t size, int timeout_ms);
int proto_read_frame(int fd, char **ret_data, size_t *ret_size, int timeout_ms);

/* ---- Messages ---------------------------------------------------------------------------- */

typedef enum ProtoMessageType {
        PROTO_HELLO,
        PROTO_REPLY,
        /* writer → vssd */
        PROTO_REGISTER,
        /* vssd → writer */
        PROTO_EVENT,
        /* requester → vssd */
        PROTO_SESSION_BEGIN,
        PROTO_GATHER_METADATA,
        PROTO_START_SNAPSHOT_SET,
        PROTO_ADD_TO_SNAPSHOT_SET,
        PROTO_PREPARE_FOR_BACKUP,
        PROTO_DO_SNAPSHOT_SET,
        PROTO_GATHER_STATUS,
        PROTO_BACKUP_COMPLETE,
        PROTO_ABORT_BACKUP,
        PROTO_PRE_RESTORE,
        PROTO_POST_RESTORE,
        PROTO_SNAPSHOT_PROPERTIES,
        PROTO_SESSION_END,
        /* admin → vssd */
        PROTO_LIST_WRITERS,
        PROTO_LIST_PROVIDERS,
        PROTO_LIST_SHADOWS,
        PROTO_DELETE_SHADOWS,
        PROTO_EXPOSE_SHADOW,
        PROTO_UNEXPOSE_SHADOW,
        PROTO_LIST_VOLUMES,
        PROTO_MESSAGE_TYPE_MAX,
        PROTO_MESSAGE_TYPE_INVALID = -EINVAL,
} ProtoMessageType;

const char *proto_message_type_to_string(ProtoMessageType t);
ProtoMessageType proto_message_type_from_string(const char *s);

typedef enum ProtoRole {
        PROTO_ROLE_WRITER,
        PROTO_ROLE_REQUESTER,
        PROTO_ROLE_ADMIN,
        PROTO_ROLE_MAX,
        PROTO_ROLE_INVALID = -EINVAL,
} ProtoRole;

const char *proto_role_to_string(ProtoRole r);
ProtoRole proto_role_from_string(const char *s);

/* Whether a client of 'role' may send a request of type 't' (hello and reply are always
 * allowed: hello only first, which the receiver checks). */
bool proto_role_may_send(ProtoRole role, ProtoMessageType t);

/* The writer events (the "event" field of PROTO_EVENT). */
typedef enum ProtoEvent {
        PROTO_EVENT_IDENTIFY,
        PROTO_EVENT_PREPARE_BACKUP,
        PROTO_EVENT_PREPARE_SNAPSHOT,
        PROTO_EVENT_FREEZE,
        PROTO_EVENT_THAW,
        PROTO_EVENT_POST_SNAPSHOT,
        PROTO_EVENT_ABORT,
        PROTO_EVENT_BACKUP_COMPLETE,
        PROTO_EVENT_BACKUP_SHUTDOWN,
        PROTO_EVENT_PRE_RESTORE,
        PROTO_EVENT_POST_RESTORE,
        PROTO_EVENT_MAX,
        PROTO_EVENT_INVALID = -EINVAL,
} ProtoEvent;

/* The events in which a writer may change its part of the backup components document
 * (prepare-backup, post-snapshot, pre-restore, post-restore); in the others it is read-only. */
bool proto_event_may_update_bcd(ProtoEvent e);

const char *proto_event_to_string(ProtoEvent e);
ProtoEvent proto_event_from_string(const char *s);

/* A decoded message: the JSON object, its type and id. The JSON is borrowed by accessors and
 * may be read with jansson directly once the message has been validated. */
typedef struct ProtoMessage {
        json_t *root;
        ProtoMessageType type;
        uint32_t id;
} ProtoMessage;

ProtoMessage *proto_message_free(ProtoMessage *m);
DEFINE_CLEANUP_FUNC(ProtoMessage, proto_message_free)

/* Makes a new message {"type": t, "id": id}. Add the body with json_object_set_new() on
 * m->root. NULL only when out of memory. */
ProtoMessage *proto_message_new(ProtoMessageType t, uint32_t id);

/* Makes a reply {"type": "reply", "id": id, "result": result} and, when result < 0 and 'error'
 * is given, "error": error. NULL only when out of memory. */
ProtoMessage *proto_message_new_reply(uint32_t id, int result, const char *error);

/* Decodes one frame's payload: it must be UTF-8 JSON text holding exactly one object (no
 * duplicate keys) with a known "type" and an "id" in 1..2^32-1. Does not look at the rest of
 * the body: call proto_message_validate() next. -EBADMSG with a message for people on any
 * failure (you now own *reterr_message). */
int proto_message_decode(const void *data, size_t size, ProtoMessage **ret, char **reterr_message);
/* After proto_message_decode() failed: the "id" of the payload if it is one JSON object with a
 * usable "id" (an integer in 1..2^32-1), so that the failure can be answered; 0 otherwise. */
uint32_t proto_message_peek_id(const void *data, size_t size);

/* Checks the whole body against the schema of the message's type (docs/PROTOCOL.md §4), or,
 * for a reply, against the schema of the reply to a request of type 'reply_to' (and of the
 * reply to an event 'reply_to_event' when reply_to is PROTO_EVENT). Unknown fields, missing
 * required fields, wrong JSON types, strings that are too long or not UTF-8, GUIDs that do not
 * parse, enumeration names that are not defined and numbers out of range are all refused with
 * -EBADMSG and a message naming the field. Embedded documents ("wmd", "bcd") are only checked
 * to be objects: their content is validated by the document readers of libvss. */
int proto_message_validate(
                const ProtoMessage *m,
                ProtoMessageType reply_to,
                ProtoEvent reply_to_event,
                char **reterr_message);

/* Encodes compactly, keys sorted, so equal messages encode to equal bytes. You now own *ret
 * (NUL-terminated; *ret_size excludes the NUL). -E2BIG if larger than a frame. */
int proto_message_encode(const ProtoMessage *m, char **ret, size_t *ret_size);

/* Encodes and queues on a writer. */
int proto_writer_queue_message(ProtoWriter *w, const ProtoMessage *m);

/* Reads "result" of a validated reply (0 or negative), and its "error" text (borrowed, or NULL). */
int proto_reply_result(const ProtoMessage *m, const char **ret_error);

/* ---- Version negotiation ----------------------------------------------------------------- */

/* Picks the highest version in 'offered' (the client's hello "versions" array) that this build
 * speaks. Returns it (>= 1), or -EPROTO when there is none; then *reterr_message says what each
 * side speaks. */
int proto_negotiate_version(const json_t *offered, char **reterr_message);

/* ---- Blocking client helpers (proto-client.c) --------------------------------------------- */

/* Connects to vssd at 'socket_path' (NULL: $VSS_SOCKET or /run/linvss/vssd.sock), says hello in
 * 'role' and returns the connected, non-blocking socket. On failure returns a negative errno (or
 * the refusal's code, e.g. -EACCES) and a message for people in *reterr_message (you now own it)
 * that names the socket and, when vssd is not there, says so. */
int proto_client_connect(
                const char *socket_path,
                ProtoRole role,
                const char *program,
                int timeout_ms,
                int *ret_fd,
                char **reterr_message);

/* Sends a request and waits for its reply, which is validated against the request's type. A
 * frame that is not the reply (an event, to a writer connection) is an error here: use this
 * only on requester and admin connections. Returns 0 with *ret set (you now own it) whatever
 * the reply's result; a negative errno when the exchange itself failed. */
int proto_client_call(
                int fd,
                ProtoMessage *request,
                int timeout_ms,
                ProtoMessage **ret,
                char **reterr_message);

/* The socket path used when none is given: $VSS_SOCKET if set and not empty, else the default. */
#define PROTO_SOCKET_DEFAULT "/run/linvss/vssd.sock"
const char *proto_socket_path(void);
