/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The structures shared by the files of src/coordinator/ only. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <vss/vss.h>

#include "buffer.h"
#include "coordinator.h"
#include "list.h"
#include "proto.h"
#include "time-util.h"

/* What an epoll entry's data.ptr points to, besides the manager's own tags: every such struct
 * starts with its SourceKind. */
typedef enum SourceKind {
        SOURCE_CONNECTION,
        SOURCE_JOB,
} SourceKind;

typedef struct Connection Connection;
typedef struct Job Job;
typedef struct Writer Writer;
typedef struct Session Session;
typedef struct PendingEvent PendingEvent;
typedef struct Deadline Deadline;

static inline json_t *json_decref_null(json_t *j) {
        json_decref(j);
        return NULL;
}

/* Limits of docs/PROTOCOL.md §3.4. */
#define CONNECTIONS_MAX          1024U
#define WRITERS_MAX              512U
#define HELLO_TIMEOUT_USEC       (5 * USEC_PER_SEC)
#define PEER_QUEUE_MAX           ((size_t) 64 * 1024 * 1024)
#define SNAPSHOT_SET_VOLUMES_MAX 64U

/* ---- Deadlines (deadline.c): a binary heap behind one timerfd ---------------------------- */

typedef void (*DeadlineFunc)(Manager *m, void *userdata);

struct Deadline {
        usec_t when; /* CLOCK_MONOTONIC */
        DeadlineFunc func;
        void *userdata;
        size_t index; /* position in the heap; SIZE_MAX when not armed */
};

#define DEADLINE_INIT \
        { .when = 0, .func = NULL, .userdata = NULL, .index = SIZE_MAX }

int deadline_arm(Manager *m, Deadline *d, usec_t when, DeadlineFunc func, void *userdata);
void deadline_disarm(Manager *m, Deadline *d);
bool deadline_is_armed(const Deadline *d);
/* Runs every expired deadline and re-arms the timerfd for the next one. */
int deadline_dispatch(Manager *m);
int deadline_heap_init(Manager *m);
void deadline_heap_done(Manager *m);

/* ---- Settings (settings.c) ---------------------------------------------------------------- */

typedef struct Settings {
        usec_t event_timeout[PROTO_EVENT_MAX]; /* per event; freeze uses the writer's window */
        usec_t commit_timeout; /* the providers' commit of a snapshot set (CommitTimeout) */
} Settings;

void settings_defaults(Settings *s);
/* Reads HKLM\SYSTEM\CurrentControlSet\Services\VSS\Settings; a value that is missing keeps its
 * default, one of a wrong type or out of range is ignored with a warning. */
void settings_load(Settings *s, const char *registry_path);

/* ---- Connections (connection.c) ----------------------------------------------------------- */

typedef enum ConnectionState {
        CONNECTION_AWAITING_HELLO,
        CONNECTION_READY,
        CONNECTION_CLOSING, /* flush what is queued, then close */
} ConnectionState;

struct Connection {
        SourceKind source; /* SOURCE_CONNECTION; first */
        Manager *manager;
        int fd;
        ConnectionState state;
        ProtoRole role;
        int version;
        struct ucred cred;
        char *peer_description; /* "pid 123 (uid 0)" for messages */
        ProtoReader reader;
        ProtoWriter writer;
        bool epollout;            /* EPOLLOUT currently requested */
        uint32_t busy_request_id; /* requester/admin: the request being served, 0: none */
        ProtoMessageType busy_request_type;
        Deadline hello_deadline;
        Writer *writer_entry;               /* role writer, after register */
        Session *session;                   /* role requester, while a session runs */
        struct AdminRequest *admin_request; /* a request that waits for a job (shadow.c) */
        LIST_FIELDS(Connection, connections);
};

/* Sends a message; on a peer that does not read (queue full) the connection is closed. */
int connection_send(Connection *c, const ProtoMessage *msg);
/* Sends a reply {result, error?} with the body 'body' merged in (may be NULL; stolen). */
int connection_reply(Connection *c, uint32_t id, int result, const char *error, json_t *body);
int connection_replyf(Connection *c, uint32_t id, int result, const char *format, ...)
                VSS_PRINTF(4, 5);
/* Closes now: detaches its writer (failing its pending events) and ends its session. */
void connection_close(Connection *c);
int connection_accept(Manager *m);
/* Handles epoll events on the connection's fd. Never frees the connection: one that must go is
 * set CONNECTION_CLOSING and closed by connection_close_marked(), which the loop runs after
 * every wakeup. */
void connection_process(Connection *c, uint32_t events);
void connection_close_marked(Manager *m);
/* Finishes the request the connection is busy with (for requests that complete later). */
void connection_request_done(Connection *c);

/* ---- Jobs (job.c): slow work in a child process ------------------------------------------ */

/* Runs in the child: writes its results to 'out_fd' and returns the exit status. The child has
 * no other descriptors than stdin/stdout/stderr and out_fd, and dies with vssd. */
typedef int (*JobFunc)(int out_fd, void *userdata);

/* Called once in the parent when the job ended: 'status' is the child's exit status, or -ETIMEDOUT
 * when it was killed at its deadline, or -ECANCELED when job_kill() stopped it; 'output' is what
 * it wrote (NUL-terminated, borrowed until the callback returns). */
typedef void (*JobDoneFunc)(
                Manager *m, int status, const char *output, size_t size, void *userdata);

struct Job {
        SourceKind source; /* SOURCE_JOB; first */
        Manager *manager;
        pid_t pid;
        int fd;
        Buffer output;
        Deadline deadline;
        JobDoneFunc done;
        void *userdata;
        int status; /* set when finished */
        bool finished;
        LIST_FIELDS(Job, jobs);
};

/* Forks a child running func(out_fd, child_userdata). Its output is collected (at most 16 MiB;
 * beyond, it is killed); after 'timeout' it is killed. Returns 0 with *ret (borrowed: the
 * manager owns the job until done() has run), or a negative errno. */
int job_start(Manager *m,
              JobFunc func,
              void *child_userdata,
              usec_t timeout,
              JobDoneFunc done,
              void *userdata,
              Job **ret);
/* Kills the job (SIGKILL); done() runs later with -ECANCELED. */
void job_kill(Job *j);
/* Forgets the callback: the job runs to its end, nobody is told. */
void job_forget(Job *j);
void job_process(Job *j, uint32_t events);
/* Runs the callbacks of finished jobs and frees them; after every loop iteration. */
void job_reap_finished(Manager *m);
/* Kills every job and waits for it (the manager goes away). */
void job_kill_all(Manager *m);

/* ---- Shadow copies (shadow.c) ------------------------------------------------------------- */

typedef struct Shadow Shadow;

struct Shadow {
        vss_guid id;
        vss_guid set_id;
        vss_guid session_id;
        char *volume;
        char *provider;
        char *root;          /* snapshot_root_path(): what remove() takes */
        char *snapshot_path; /* where the volume's files are read; NULL while being created */
        char *exposed_path;  /* where it is bind-mounted, or NULL */
        uint32_t context;
        usec_t created_usec; /* CLOCK_REALTIME */
        bool creating;       /* the commit is running: on disk it may be half-made */
        bool removing;       /* a removal job is running */
        LIST_FIELDS(Shadow, shadows);
};

/* Persistent: a context with VSS_VOLSNAP_ATTR_PERSISTENT or NO_AUTO_RELEASE survives its session
 * and vssd restarts; everything else is released when its session ends. */
bool shadow_is_persistent(const Shadow *s);

/* Loads <state dir>/shadows.json at start: persistent shadows are kept; auto-release shadows
 * (whose session died with the previous vssd) and half-made ones are removed. A missing file is
 * an empty list; a corrupt one is moved aside with a warning, never deleted. */
int shadow_store_load(Manager *m);
/* Writes the list (atomically). Returns 0 or a negative errno (logged). */
int shadow_store_save(Manager *m);

Shadow *
shadow_new(Manager *m,
           const vss_guid *id,
           const vss_guid *set_id,
           const vss_guid *session_id,
           const char *volume,
           const char *provider,
           const char *root,
           uint32_t context);
Shadow *shadow_find(Manager *m, const vss_guid *id);
/* Frees the record only; the snapshot stays on disk (the manager goes away). Returns NULL. */
Shadow *shadow_forget(Manager *m, Shadow *s);
/* The snapshot object of the protocol (docs/PROTOCOL.md). */
json_t *shadow_to_json(const Shadow *s);

typedef void (*ShadowRemovedFunc)(Manager *m, int result, void *userdata);
/* Removes the shadows (their files, through their providers, in a job) and then their records;
 * 'done' (may be NULL) is told the first failure or 0. Unexposes them first. The array is
 * copied. */
int shadow_remove(Manager *m, Shadow **shadows, size_t n, ShadowRemovedFunc done, void *userdata);
/* Removes the auto-release shadows of a session (at its end). */
void shadow_release_session(Manager *m, const vss_guid *session_id);

/* Serves list-shadows, delete-shadows, expose-shadow, unexpose-shadow and list-volumes, which
 * need no session. Returns true if 'msg' was one of them. */
bool shadow_handle_request(Connection *c, const ProtoMessage *msg);
/* The connection of a request waiting for a job goes away: the reply is dropped. */
void shadow_connection_lost(Connection *c);

/* ---- Writers (writer-table.c) ------------------------------------------------------------- */

typedef struct WriterFailure {
        int hr; /* 0 or a negative code */
        int64_t application_hr;
        bool has_application_hr;
        char *message;
} WriterFailure;

struct Writer {
        Manager *manager;
        Connection *connection; /* NULL once disconnected (kept while a session lists it) */
        vss_guid class_id;
        vss_guid instance_id;
        char *instance_name;
        char *writer_name;
        VSS_USAGE_TYPE usage_type;
        VSS_SOURCE_TYPE source_type;
        VSS_APPLICATION_LEVEL level;
        uint32_t freeze_timeout_ms;
        uint32_t version_major, version_minor;
        uint32_t subscribe;
        VSS_WRITER_STATE state;
        WriterFailure failure;
        unsigned session_refs; /* sessions that list it as participant or identified */
        LIST_HEAD(PendingEvent, pending);
        LIST_FIELDS(Writer, writers);
};

/* Registers the writer of a connection from a validated "register" request. */
int writer_register(Connection *c, const ProtoMessage *msg, Writer **ret, char **reterr_message);
/* Unlinks it from its connection: pending events fail with -VSS_E_WRITER_NOT_RESPONDING; the
 * entry is freed now unless sessions still refer to it. */
void writer_disconnect(Writer *w);
void writer_unref_session(Writer *w);
Writer *writer_find(Manager *m, const vss_guid *instance_id);
/* Sets the state after an event ended, as docs/PROTOCOL.md §5 says. */
void writer_event_finished(Writer *w, ProtoEvent event, int result, const WriterFailure *failure);
void writer_set_failure(Writer *w, VSS_WRITER_STATE state, int hr, const char *message);
/* The status object of gather-status / list-writers. 'details' adds identity and peer. */
json_t *writer_status_json(const Writer *w, bool details);
Writer *writer_free(Writer *w);
void writer_failure_clear(WriterFailure *f);

/* ---- Events (event.c) --------------------------------------------------------------------- */

typedef struct EventResult {
        int result;            /* 0, or the veto / failure code */
        bool has_failure;      /* non-fatal failure reported with result 0, or veto detail */
        WriterFailure failure; /* borrowed */
        json_t *wmd;           /* borrowed: identify */
        json_t *bcd;           /* borrowed: writable events, may be NULL */
        bool timed_out;
        bool disconnected;
} EventResult;

typedef void (*EventDoneFunc)(Writer *w, ProtoEvent event, const EventResult *res, void *userdata);

struct PendingEvent {
        uint32_t id;
        ProtoEvent event;
        Writer *writer;
        Deadline deadline;
        EventDoneFunc done;
        void *userdata;
        bool late; /* finished without its reply (deadline passed) or never awaited: the reply,
                    * if it comes, is dropped */
        LIST_FIELDS(PendingEvent, pending);
};

/* Sends 'event' to the writer with 'body' (stolen; may be NULL) and calls done() exactly once:
 * with the writer's reply, or a timeout after 'timeout', or when the writer disconnects. The
 * writer's state is updated before done() runs. Returns 0, or a negative errno when the event
 * could not even be sent (then done() is not called). */
int event_send(Writer *w,
               ProtoEvent event,
               json_t *body,
               usec_t timeout,
               EventDoneFunc done,
               void *userdata);
/* Sends 'event' (body stolen) without waiting for it: no deadline, no callback; the reply, if
 * the writer ever sends one, is dropped and the writer's state does not change. For the Abort
 * and BackupShutdown of a writer that is stuck in an earlier event: it gets them, to handle if
 * it ever gets there (docs/PROTOCOL.md §6.2). Returns 0 or a negative errno. */
int event_post(Writer *w, ProtoEvent event, json_t *body);
/* True while the writer has not answered an event whose deadline passed: it is still busy with
 * it (or hangs), and everything sent to it now waits behind it. */
bool event_writer_is_stuck(const Writer *w);
/* A reply from the writer's connection. */
void event_reply_received(Writer *w, const ProtoMessage *reply);
/* Cancels every pending event of the writer with a disconnect result. */
void event_fail_all(Writer *w);
/* Forgets the callbacks registered with this userdata: their events still finish (and update
 * the writer's state) but done() is not called. For a session that goes away. */
void event_forget_userdata(Manager *m, void *userdata);

/* ---- Sessions (session.c) ----------------------------------------------------------------- */

typedef enum SessionState {
        SESSION_CREATED,
        SESSION_GATHERED,
        SESSION_SET_STARTED,
        SESSION_PREPARED,
        SESSION_SNAPSHOT_DONE,
        SESSION_COMPLETED,
        SESSION_ABORTED,
        SESSION_PRE_RESTORED,
        SESSION_POST_RESTORED,
        SESSION_STATE_MAX,
        SESSION_STATE_INVALID = -EINVAL,
} SessionState;

const char *session_state_to_string(SessionState s);

/* Handles a validated request of a requester connection. */
void session_handle_request(Connection *c, const ProtoMessage *msg);
/* The requester's connection is gone: abort and shut down as docs/PROTOCOL.md §6.3 says. */
void session_connection_lost(Session *s);
/* vssd is stopping: the same as a lost connection, for every session. */
void session_abort_all(Manager *m);
/* Frees every session at once, sending nothing (the manager goes away). */
void session_free_all(Manager *m);
/* A writer disconnected: every session that lists it records the loss. */
void session_writer_lost(Writer *w);
/* True while the writer takes part in a session (from prepare-for-backup or pre-restore until
 * the session ends): its state then belongs to that session. */
bool session_writer_takes_part(const Writer *w);

/* ---- Access (access.c) -------------------------------------------------------------------- */

/* Checks whether the peer may take 'role'. 0 when allowed; -EACCES with a message naming the
 * user and the rule otherwise. */
int access_check(Manager *m, const Connection *c, ProtoRole role, char **reterr_message);

/* ---- The manager (manager.c) -------------------------------------------------------------- */

struct Manager {
        int epoll_fd;
        int listen_fd;
        int timer_fd;
        int signal_fd;
        char *socket_path;   /* to unlink at exit; NULL when activated */
        char *registry_path; /* NULL: default */
        char *requester_group;
        Settings settings;
        bool stopping;
        Deadline stop_deadline;
        Deadline accept_deadline; /* armed while accepting is paused (out of descriptors) */
        usec_t accept_warned;     /* when that was last logged */

        LIST_HEAD(Connection, connections);
        unsigned n_connections;
        LIST_HEAD(Writer, writers);
        unsigned n_writers;
        LIST_HEAD(Session, sessions);
        LIST_HEAD(Job, jobs);
        LIST_HEAD(Shadow, shadows);
        char *state_dir;
        Session *claimed; /* the session that owns the coordinator (PROTOCOL.md §6.1) */

        Deadline **heap;
        size_t heap_size, heap_allocated;

        uint32_t next_event_id;
};

/* epoll userdata tags: the pointer of a Connection, or one of these. */
extern char manager_tag_listen, manager_tag_timer, manager_tag_signal;

int manager_update_epoll(Manager *m, Connection *c, bool want_out);
/* Stops watching the listening socket for a while: accept() failed for want of descriptors or
 * memory, and the pending connection would wake the loop again at once. */
void manager_pause_accept(Manager *m, int error);
