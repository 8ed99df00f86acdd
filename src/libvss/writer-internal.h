/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The writer runtime's object, shared by writer.c (lifecycle and the public loop API),
 * writer-connection.c (connecting, the handshake, reconnecting, socket I/O) and writer-event.c
 * (serving one event: its context, the callback, the reply). docs/PROTOCOL.md is the contract with
 * vssd; include/vss/vss-writer.h the one with the application. */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <vss/vss-writer.h>

#include "proto.h"
#include "time-util.h"

/* Reconnection backoff and handshake limits (vss-writer.h, vss_writer_subscribe()). */
#define WRITER_RECONNECT_MIN_USEC     (100 * USEC_PER_MSEC)
#define WRITER_RECONNECT_MAX_USEC     (5 * USEC_PER_SEC)
#define WRITER_SUBSCRIBE_TIMEOUT_USEC (30 * USEC_PER_SEC)
#define WRITER_HANDSHAKE_TIMEOUT_USEC (10 * USEC_PER_SEC)
/* Reads per vss_writer_process() call, so that a peer that never stops sending cannot keep the
 * application's loop in the library. */
#define WRITER_READ_ROUNDS_MAX 16U
/* Writer and instance names (docs/PROTOCOL.md §3.4). */
#define WRITER_NAME_MAX              1024U
#define WRITER_FREEZE_TIMEOUT_MAX_MS 3600000U

/* The protocol ids of the two requests a writer sends; everything else it sends is a reply. */
#define WRITER_HELLO_ID    1U
#define WRITER_REGISTER_ID 2U

typedef enum WriterState {
        WRITER_UNSUBSCRIBED, /* no connection wanted */
        WRITER_DISCONNECTED, /* subscribed, waiting to reconnect */
        WRITER_HELLO,        /* connected, hello sent */
        WRITER_REGISTERING,  /* register sent */
        WRITER_READY,        /* registered: serving events */
        WRITER_STATE_MAX,
        WRITER_STATE_INVALID = -EINVAL,
} WriterState;

const char *writer_state_to_string(WriterState s);

/* What the writer knows about the session its events belong to. Reset when an event of another
 * session arrives, after backup-shutdown, and when the connection is lost. */
typedef struct WriterSession {
        bool has_id;
        vss_guid id;
        bool has_snapshot_set_id;
        vss_guid snapshot_set_id;
        int32_t context;
        char **volumes;        /* mount points; NULL-terminated, or NULL */
        char **snapshot_paths; /* parallel to volumes; entries may be NULL */
        size_t n_volumes;
        bool has_backup_state; /* set from the first document of the session */
        VSS_BACKUP_TYPE backup_type;
        bool select_components;
        bool bootable_system_state;
        bool partial_file_support;
        VSS_RESTORE_TYPE restore_type;
        /* Between prepare-backup (or a later backup event) and backup-complete, abort or
         * backup-shutdown: the abort callback is due if vssd goes away. */
        bool in_backup;
} WriterSession;

/* The event being served, while its callback runs (and its reply is built). */
typedef struct WriterEvent {
        ProtoEvent event; /* PROTO_EVENT_INVALID when no callback runs */
        bool local;       /* an abort the library calls by itself: no reply */
        vss_bcd *bcd;     /* the document of the event, owned; NULL for events without one */
        vss_bcd_writer *components; /* this writer's part of bcd, borrowed */
        /* vss_writer_set_failure() */
        bool has_failure;
        int failure_hr;
        int32_t failure_application_hr;
        char *failure_message;
} WriterEvent;

struct vss_writer {
        /* Identity (vss_writer_new(), vss_writer_set_version()). */
        vss_guid class_id;
        vss_guid instance_id; /* null while not registered */
        char *writer_name;
        char *instance_name; /* NULL if none */
        VSS_USAGE_TYPE usage_type;
        VSS_SOURCE_TYPE source_type;
        VSS_APPLICATION_LEVEL level;
        uint32_t freeze_timeout_ms;
        uint32_t version_major, version_minor;
        const vss_writer_ops *ops;
        void *userdata;

        /* The file descriptors: epoll_fd is what vss_writer_get_fd() returns; it watches the
         * socket and timer_fd. stop_fd is an eventfd that vss_writer_stop() writes to. */
        int epoll_fd;
        int timer_fd;
        int stop_fd;
        atomic_bool stop_requested; /* lock-free: safe in signal handlers */
        bool running;               /* inside vss_writer_run(): only it honours a stop */

        /* The connection. */
        WriterState state;
        char *socket_path;
        uint32_t subscribe_mask;
        int fd;
        bool watching_output; /* EPOLLOUT requested for fd */
        int send_error;       /* a failed write, noticed outside connection_io() */
        ProtoReader reader;
        ProtoWriter out;
        bool subscribing;          /* inside vss_writer_subscribe(): failures end it */
        int subscribe_result;      /* its outcome when it failed */
        usec_t handshake_deadline; /* CLOCK_MONOTONIC, in WRITER_HELLO/WRITER_REGISTERING */
        usec_t reconnect_at;       /* CLOCK_MONOTONIC, in WRITER_DISCONNECTED */
        usec_t reconnect_delay;    /* the next backoff interval */
        bool input_pending;        /* complete frames are buffered and not served yet */
        char *error;               /* vss_writer_get_error() */

        /* Events. */
        bool in_callback;
        WriterSession session;
        WriterEvent current;
};

/* ---- writer.c ------------------------------------------------------------------------------ */

/* Replaces the text vss_writer_get_error() returns (printf-style; out of memory keeps none). */
void writer_set_error(vss_writer *w, const char *format, ...) VSS_PRINTF(2, 3);

/* Subscribes over an already connected socket whose other end plays vssd (tests), instead of
 * connecting; 'reconnect_path' is where reconnections go. Takes ownership of 'fd', also on
 * failure. Otherwise as vss_writer_subscribe(). */
int writer_subscribe_fd(vss_writer *w, int fd, const char *reconnect_path, uint32_t mask);

/* ---- writer-connection.c ------------------------------------------------------------------ */

/* Starts connecting to w->socket_path: connects, queues hello, and enters WRITER_HELLO with a
 * handshake deadline of 'timeout' from now. Returns 0, or the negative errno of socket()/connect()
 * (then nothing changed). */
int writer_connection_start(vss_writer *w, usec_t timeout);

/* Does the connection work of vss_writer_process(): deadlines, reconnecting, writing, reading and
 * serving frames. Returns 1 if it did something, 0 if not. */
int writer_connection_process(vss_writer *w);

/* Adopts an already connected socket instead of connecting (tests use a socketpair to play
 * vssd): as writer_connection_start(), taking ownership of 'fd' even on failure. */
int writer_connection_adopt(vss_writer *w, int fd, usec_t timeout);

/* Ends the connection. With 'reconnect', schedules the next attempt with backoff; without, the
 * writer becomes unsubscribed. Calls the abort callback first when a backup was in progress.
 * 'error' (may be 0) and the message say why, for vss_writer_get_error(). */
void writer_connection_close(vss_writer *w, bool reconnect, int error, const char *message);

/* Queues a message on the connection and tries to send it. -ENOBUFS when vssd does not read
 * (the caller drops the connection), -E2BIG when it is larger than a frame, -ENOMEM. */
int writer_connection_send(vss_writer *w, const ProtoMessage *m);

/* Re-arms the timer behind the writer's fd for the earliest thing that is due. */
void writer_connection_update_timer(vss_writer *w);

/* The CLOCK_MONOTONIC time at which something is due, 0 for now, USEC_INFINITY for never. */
usec_t writer_connection_next_wakeup(const vss_writer *w);

/* ---- writer-event.c ----------------------------------------------------------------------- */

/* Serves one frame received in WRITER_READY: decodes and validates the event, runs its callback
 * and queues the reply. Returns 0, or a negative errno when the stream is unusable and the
 * connection must be dropped (an undecodable frame, an unsendable reply). */
int writer_event_handle_frame(vss_writer *w, const char *data, size_t size);

/* Calls the abort callback by itself when a backup is in progress (the connection was lost, or
 * the application unsubscribes). */
void writer_event_abort_locally(vss_writer *w);

/* Forgets the session state. */
void writer_session_reset(WriterSession *s);
