/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The requester object, shared by requester.c (the state machine, the connection, backups),
 * requester-parts.c (splitting the backup components document into writers' parts and merging
 * their answers back) and requester-restore.c (restores). */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include <vss/vss-requester.h>

#include "macro.h"
#include "proto.h"
#include "ptr-array.h"

/* Where the requester is in VSS's sequence (VSS-REFERENCE §2.1, §2.2). Only
 * requester_transition() changes it. */
typedef enum RequesterState {
        REQUESTER_NEW,                  /* initialize_for_backup or _for_restore next */
        REQUESTER_BACKUP_INITIALIZED,   /* context, backup state, gather */
        REQUESTER_BACKUP_GATHERED,      /* selection, start_snapshot_set */
        REQUESTER_BACKUP_SET_STARTED,   /* volumes, selection, prepare_for_backup */
        REQUESTER_BACKUP_PREPARED,      /* volumes, do_snapshot_set, abort */
        REQUESTER_BACKUP_SNAPSHOT_DONE, /* succeeded flags, backup_complete, abort, save */
        REQUESTER_BACKUP_COMPLETED,     /* save, status */
        REQUESTER_BACKUP_ABORTED,       /* status, abort again */
        REQUESTER_RESTORE_INITIALIZED,  /* saved metadata, restore state, gather */
        REQUESTER_RESTORE_GATHERED,     /* selection and restore settings, pre_restore */
        REQUESTER_RESTORE_PRE_RESTORED, /* files restored: mappings, status; post_restore */
        REQUESTER_RESTORE_POST_RESTORED,
        REQUESTER_BROKEN, /* the connection failed: the session is over */
        REQUESTER_STATE_MAX,
        REQUESTER_STATE_INVALID = -EINVAL,
} RequesterState;

/* The calls, grouped by what the state machine needs to know about them. */
typedef enum RequesterCall {
        CALL_INITIALIZE_FOR_BACKUP,
        CALL_INITIALIZE_FOR_RESTORE,
        CALL_ADD_SAVED_METADATA,
        CALL_SET_CONTEXT,
        CALL_SET_BACKUP_STATE,
        CALL_SET_RESTORE_STATE,
        CALL_GATHER_METADATA,
        CALL_SELECT, /* add_component, required components, backup options, previous stamps */
        CALL_START_SNAPSHOT_SET,
        CALL_ADD_TO_SNAPSHOT_SET,
        CALL_PREPARE_FOR_BACKUP,
        CALL_DO_SNAPSHOT_SET,
        CALL_SNAPSHOT_FAILED, /* do_snapshot_set failed: vssd aborted the writers */
        CALL_SNAPSHOT_PROPERTIES,
        CALL_SET_BACKUP_SUCCEEDED,
        CALL_BACKUP_COMPLETE,
        CALL_ABORT_BACKUP,
        CALL_SAVE,
        CALL_GATHER_STATUS,
        CALL_RESTORE_SELECT, /* selection for restore and every restore setting */
        CALL_PRE_RESTORE,
        CALL_RESTORE_FILES, /* used mappings, ranges file paths, file restore status */
        CALL_POST_RESTORE,
        CALL_CONNECTION_LOST,
        REQUESTER_CALL_MAX,
        REQUESTER_CALL_INVALID = -EINVAL,
} RequesterCall;

/* A live writer that answered Identify with a valid metadata document. */
typedef struct RequesterWriter {
        vss_guid instance_id;
        vss_guid class_id;
        char *writer_name;
        char *instance_name; /* NULL: none */
        vss_wmd *wmd;
        bool participant; /* was sent PrepareForBackup and is part of vssd's session */
} RequesterWriter;

/* One writer of the last gather-status. */
typedef struct RequesterStatus {
        vss_guid instance_id;
        vss_guid class_id;
        char *writer_name;
        VSS_WRITER_STATE state;
        int failure;
        int32_t application_failure;
        char *message;
} RequesterStatus;

/* A problem with a writer (vss_requester_get_writer_error()). */
typedef struct RequesterWriterError {
        vss_guid instance_id;
        char *writer_name;
        int code;
        char *message;
} RequesterWriterError;

/* A writer that takes part in the restore: the live instance that restores, and the backed-up
 * writer's part of the document it restores (borrowed from the requester's document). */
typedef struct RestoreRoute {
        vss_guid target;
        vss_bcd_writer *entry;
        bool post_restore; /* gets PostRestore too */
} RestoreRoute;

struct vss_requester {
        char *socket_path; /* NULL: the default */
        RequesterState state;
        uint32_t timeout_ms; /* 0: automatic */

        int fd;
        uint32_t next_id;
        bool session_begun;
        vss_guid session_id;
        vss_guid snapshot_set_id;

        vss_bcd *bcd;
        PtrArray writers;       /* RequesterWriter: the live writers of gather */
        PtrArray saved_wmds;    /* vss_wmd: the backup's writers (restores) */
        PtrArray routes;        /* RestoreRoute (restores, from pre_restore on) */
        PtrArray status;        /* RequesterStatus */
        PtrArray writer_errors; /* RequesterWriterError */

        char *snapshot_volume, *snapshot_path, *snapshot_provider;
        char *error;
};

/* ---- requester.c ----------------------------------------------------------------------------- */

const char *requester_state_to_string(RequesterState s);

/* Records a message for vss_requester_get_error(). */
void requester_set_error(vss_requester *r, const char *format, ...) VSS_PRINTF(2, 3);

/* Records a message and yields 'code' (a macro, so that analyzers see the value returned). */
#define requester_fail(r, code, ...) (requester_set_error((r), __VA_ARGS__), (code))

/* Checks that 'call' may come now. Returns 0, or -VSS_E_BAD_STATE (or -ECONNRESET after the
 * connection failed) with a message naming the call and what it follows. */
int requester_check(vss_requester *r, RequesterCall call, const char *function);

/* Moves the state on after 'call' succeeded (asserts that it was allowed). */
void requester_transition(vss_requester *r, RequesterCall call);

/* Records a writer error and logs it at debug level. Never fails: out of memory, only the log
 * keeps it. */
void requester_writer_error(
                vss_requester *r,
                const vss_guid *instance_id,
                const char *writer_name,
                int code,
                const char *format,
                ...) VSS_PRINTF(5, 6);

/* Sends a request on the session's connection and waits for the reply. 'body' (stolen, may be
 * NULL) holds the request's fields. Returns the reply's result (0 or a negative code, then with
 * the error recorded, prefixed by 'what') and the reply in *ret (optional; you now own it), or a
 * negative errno when the exchange itself failed (then the connection is closed and the state is
 * REQUESTER_BROKEN). */
int requester_call(
                vss_requester *r,
                ProtoMessageType type,
                json_t *body,
                int timeout_ms,
                const char *what,
                ProtoMessage **ret);

/* The wait for a request of 'type' (vss_requester_set_timeout()). */
int requester_timeout(const vss_requester *r, ProtoMessageType type);

/* Connects and begins the session if that has not happened yet. */
int requester_ensure_session(vss_requester *r);

/* The live writer with this instance id, or NULL. */
RequesterWriter *requester_find_writer(const vss_requester *r, const vss_guid *instance_id);

/* Finds the explicitly included component (logical_path, name) of type 'type' in the entries of
 * the writers of class 'writer_id' (components are unique per class, VSS-REFERENCE §1.4). Stores
 * the entry in *ret_entry (optional) and the component in *ret. -VSS_E_OBJECT_NOT_FOUND, or
 * -EINVAL when two instances include it; recorded with a message starting with 'function'. */
int requester_find_component(
                vss_requester *r,
                const char *function,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_writer **ret_entry,
                vss_bcd_component **ret);

/* ---- requester-parts.c ----------------------------------------------------------------------- */

/* Builds writers[] of a request: one {instance_id, bcd} per entry of 'targets' (the live
 * instance to send to) and 'entries' (the writer's part of the requester's document to send).
 * Each part is a document with the global state and only that writer's entry. On success
 * *ret is a new array (you now own it). -ENOMEM, or the document's serialization error. */
int requester_build_parts(
                vss_requester *r,
                const vss_guid *const *targets,
                vss_bcd_writer *const *entries,
                size_t n,
                json_t **ret);

/* Merges the writers' answers of a reply to a request built from the same 'targets' and
 * 'entries': for every writer result with a "bcd", validates it and takes the fields a writer
 * may set in 'event' into its entry. A part that is invalid, holds another writer or has other
 * components is refused: the entry keeps its previous content and a writer error is recorded.
 * Writer results with an error code vssd set (writer gone) are recorded as writer errors as
 * well. Never fails. */
void requester_merge_parts(
                vss_requester *r,
                ProtoEvent event,
                const json_t *results,
                const vss_guid *const *targets,
                vss_bcd_writer *const *entries,
                size_t n);

/* ---- requester-restore.c --------------------------------------------------------------------- */

void restore_route_free_void(void *p);
