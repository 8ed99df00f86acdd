/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The writer side of libvss: an application describes its data and takes part in backups and
 * restores coordinated by vssd (CVssWriter). Create a writer with the parameters of VSS's
 * Initialize, subscribe it, and serve its events, either from the application's own event loop
 * (vss_writer_get_fd() / vss_writer_process() / vss_writer_get_timeout()) or with the blocking
 * vss_writer_run(). Events arrive one at a time, in order, as calls of the vss_writer_ops
 * callbacks; each returns 0, or a negative VSS writer failure code to veto (§2.3 of the VSS
 * reference: VSS_E_WRITERERROR_RETRYABLE, …). The library never prints and never exits; set
 * vss_set_log_func() to see its debug messages.
 *
 * Thread-safety: a vss_writer is used by one thread at a time. Different writers are
 * independent. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

VSS_BEGIN_DECLS

typedef struct vss_writer vss_writer;

/* The event handlers (CVssWriter's On… methods). Every pointer may be NULL: the event then
 * succeeds without doing anything, except identify, which is required. 'components' is the
 * writer's part of the backup components document: its explicitly included components, read
 * and written with the vss_bcd_writer_* and vss_bcd_component_* functions of vss-metadata.h;
 * it is borrowed for the duration of the call. It is writable in prepare_backup, post_snapshot,
 * pre_restore and post_restore; in backup_complete it is for reading only and changes are not
 * sent back.
 *
 * Return 0 on success. A negative VSS writer failure code vetoes the event (SetWriterFailure,
 * then false): the writer's state becomes the matching VSS_WS_FAILED_AT_… state. To report a
 * failure without vetoing, call vss_writer_set_failure() and return 0. Any other negative value
 * (an errno) is reported as VSS_E_WRITERERROR_NONRETRYABLE with that error's text. */
typedef struct vss_writer_ops {
        /* Required. Describe the data in 'metadata' (a new, empty WMD the library already holds
         * the identity in): restore method, backup schema, components, file sets. Must be
         * deterministic and must not change any state: Identify can come at any time, also in
         * the middle of a backup, from any requester. */
        int (*identify)(vss_writer *w, vss_wmd *metadata, void *userdata);
        int (*prepare_backup)(vss_writer *w, vss_bcd_writer *components, void *userdata);
        int (*prepare_snapshot)(vss_writer *w, void *userdata);
        /* Between freeze and thaw the writer's data on disk must stay consistent; the time it
         * may take is the freeze timeout given to vss_writer_new(). */
        int (*freeze)(vss_writer *w, void *userdata);
        int (*thaw)(vss_writer *w, void *userdata);
        int (*post_snapshot)(vss_writer *w, vss_bcd_writer *components, void *userdata);
        /* Undo whatever prepare_snapshot and freeze did. May come several times, and without a
         * freeze before it. */
        int (*abort)(vss_writer *w, void *userdata);
        int (*backup_complete)(vss_writer *w, const vss_bcd_writer *components, void *userdata);
        /* The end of a backup session; 'snapshot_set_id' may name the set of another session
         * whose requester died. If no backup_complete came for it, the backup failed. */
        int (*backup_shutdown)(vss_writer *w, const vss_guid *snapshot_set_id, void *userdata);
        int (*pre_restore)(vss_writer *w, vss_bcd_writer *components, void *userdata);
        int (*post_restore)(vss_writer *w, vss_bcd_writer *components, void *userdata);
} vss_writer_ops;

/* Creates a writer with the parameters of CVssWriter::Initialize:
 *   writer_id          the writer class id (the key of the application registry);
 *   writer_name        its name, 1 … 1024 bytes, not localized;
 *   usage_type         not VSS_UT_UNDEFINED;
 *   source_type        ;
 *   level              freeze order: VSS_APP_FRONT_END (VSS's default), BACK_END or SYSTEM;
 *   freeze_timeout_ms  the longest time from Freeze to Thaw, 1 … 3 600 000 (VSS's default 60 000);
 *   alternate_state    reserved by VSS: must be VSS_AWS_NO_ALTERNATE_WRITER;
 *   io_throttling_only reserved by VSS: must be false;
 *   instance_name      NULL, or the persistent name of this instance, unique among the
 *                      instances of the class on the host (required for restore with move).
 * 'ops' and 'userdata' are borrowed and must stay valid while the writer lives. Nothing is sent
 * until vss_writer_subscribe(). On success *ret is a writer you now own. -EINVAL for a bad
 * parameter, -ENOMEM. Does not block. */
VSS_PUBLIC int vss_writer_new(
                const vss_guid *writer_id,
                const char *writer_name,
                VSS_USAGE_TYPE usage_type,
                VSS_SOURCE_TYPE source_type,
                VSS_APPLICATION_LEVEL level,
                uint32_t freeze_timeout_ms,
                VSS_ALTERNATE_WRITER_STATE alternate_state,
                bool io_throttling_only,
                const char *instance_name,
                const vss_writer_ops *ops,
                void *userdata,
                vss_writer **ret);

/* Unsubscribes if needed and frees the writer. NULL-safe; returns NULL. Must not be called from
 * inside one of its callbacks. */
VSS_PUBLIC vss_writer *vss_writer_free(vss_writer *w);

/* The writer's version (CVssWriterEx::InitializeEx); 0.0 by default. Before subscribing. */
VSS_PUBLIC int vss_writer_set_version(vss_writer *w, uint32_t major, uint32_t minor);

/* Connects to vssd at 'socket_path' (NULL: $VSS_SOCKET or /run/linvss/vssd.sock) and registers
 * with the events of 'subscribe_mask' (VSS_SUBSCRIBE_MASK; 0 means VSS's default, backup and
 * restore events). Blocks until vssd has answered (at most 30 s). Returns 0; -EACCES when this
 * user may not act as a writer (the registry's VssAccessControl list),
 * -VSS_E_WRITER_ALREADY_SUBSCRIBED when an instance of the class with the same instance name is
 * registered, -ECONNREFUSED/-ENOENT when vssd is not running, -EPROTO for a vssd that speaks no
 * common protocol version. Afterwards, if vssd goes away, the writer reconnects and registers
 * again by itself (with a new instance id), as vss_writer_get_timeout() schedules. */
VSS_PUBLIC int vss_writer_subscribe(vss_writer *w, const char *socket_path, uint32_t subscribe_mask);

/* Closes the connection to vssd; no more events come. NULL-safe. */
VSS_PUBLIC int vss_writer_unsubscribe(vss_writer *w);

/* ---- Serving events --------------------------------------------------------------------- */

/* The file descriptor to watch for reading (and for writing when vss_writer_get_events() says
 * so), or -EBADF while not connected (then only the timeout matters). Valid until the next call
 * of vss_writer_process(). */
VSS_PUBLIC int vss_writer_get_fd(vss_writer *w);
/* The poll events to wait for on the fd (POLLIN, plus POLLOUT while output is queued). */
VSS_PUBLIC int vss_writer_get_events(vss_writer *w);
/* The CLOCK_MONOTONIC time in microseconds at which vss_writer_process() must be called even
 * without fd activity (a reconnection attempt), or UINT64_MAX for none. */
VSS_PUBLIC int vss_writer_get_timeout(vss_writer *w, uint64_t *ret_usec);

/* Reads what has arrived and serves every complete event, calling the callbacks. Does not wait
 * for input. Returns 1 if it did something, 0 if there was nothing to do, or a negative errno
 * for a failure the writer cannot recover from by reconnecting (then unsubscribe and free it).
 * A lost connection is not such a failure: it schedules a reconnection. */
VSS_PUBLIC int vss_writer_process(vss_writer *w);

/* Serves events until vss_writer_stop() is called (typically from a callback or a signal
 * handler through the application's own means) or a failure as vss_writer_process() reports
 * one. Blocks. Returns 0 after a stop. */
VSS_PUBLIC int vss_writer_run(vss_writer *w);
VSS_PUBLIC void vss_writer_stop(vss_writer *w);

/* ---- Inside a callback (CVssWriter's protected methods) ---------------------------------- */

/* Reports a failure of the current event (SetWriterFailureEx): 'hr' a VSS writer failure code
 * (negative), 'application_hr' the application's own code, 'message' a text for people (may be
 * NULL; copied). Without a veto the event still succeeds, but the writer's state shows the
 * failure. -VSS_E_BAD_STATE outside a callback and in identify (VSS forbids it there). */
VSS_PUBLIC int vss_writer_set_failure(vss_writer *w, int hr, int32_t application_hr, const char *message);

/* The writer's identity. Borrowed, valid while the writer lives; the instance id changes when
 * the writer registers again after vssd restarted. */
VSS_PUBLIC const vss_guid *vss_writer_get_class_id(const vss_writer *w);
VSS_PUBLIC const vss_guid *vss_writer_get_instance_id(const vss_writer *w);
VSS_PUBLIC const char *vss_writer_get_instance_name(const vss_writer *w);

/* The current session's backup state, valid in backup events: backup type
 * (GetBackupType), component mode (AreComponentsSelected), bootable system state
 * (IsBootableSystemStateBackedUp), partial file support (IsPartialFileSupportEnabled), and in
 * restore events the restore type (GetRestoreType). Outside such an event they return VSS's
 * defaults (VSS_BT_UNDEFINED, false, VSS_RTYPE_UNDEFINED). */
VSS_PUBLIC VSS_BACKUP_TYPE vss_writer_get_backup_type(const vss_writer *w);
VSS_PUBLIC bool vss_writer_are_components_selected(const vss_writer *w);
VSS_PUBLIC bool vss_writer_is_bootable_system_state_backed_up(const vss_writer *w);
VSS_PUBLIC bool vss_writer_is_partial_file_support_enabled(const vss_writer *w);
VSS_PUBLIC VSS_RESTORE_TYPE vss_writer_get_restore_type(const vss_writer *w);
/* The snapshot context of the session (GetContext). */
VSS_PUBLIC int32_t vss_writer_get_context(const vss_writer *w);
/* The session id (GetSessionId) and snapshot set id (GetCurrentSnapshotSetId) of the current
 * event: -VSS_E_BAD_STATE when it has none (identify; the set id after post_snapshot). */
VSS_PUBLIC int vss_writer_get_session_id(const vss_writer *w, vss_guid *ret);
VSS_PUBLIC int vss_writer_get_current_snapshot_set_id(const vss_writer *w, vss_guid *ret);

/* The volumes of the snapshot set (GetCurrentVolumeArray): their count and the i-th mount point
 * (borrowed, valid until the callback returns). */
VSS_PUBLIC size_t vss_writer_get_current_volume_count(const vss_writer *w);
VSS_PUBLIC const char *vss_writer_get_current_volume(const vss_writer *w, size_t index);
/* Where a volume of the set can be read in its snapshot (GetSnapshotDeviceName), known from
 * post_snapshot on: a borrowed path, valid until the callback returns; NULL for a volume not in
 * the set, or before the snapshot exists. */
VSS_PUBLIC const char *vss_writer_get_snapshot_device_name(const vss_writer *w, const char *volume);
/* Whether 'path' lies on a volume of the snapshot set (IsPathAffected): 1 yes, 0 no. */
VSS_PUBLIC int vss_writer_is_path_affected(const vss_writer *w, const char *path);

VSS_END_DECLS
