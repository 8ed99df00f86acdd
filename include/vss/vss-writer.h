/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The writer side of libvss: an application describes its data and takes part in backups and
 * restores coordinated by vssd (CVssWriter). Create a writer with the parameters of VSS's
 * Initialize, subscribe it, and serve its events, either from the application's own event loop
 * (vss_writer_get_fd() / vss_writer_process()) or with the blocking vss_writer_run(). Events
 * arrive one at a time, in order, as calls of the vss_writer_ops callbacks; each returns 0, or a
 * negative VSS writer failure code to veto (VSS-REFERENCE §2.3: VSS_E_WRITERERROR_RETRYABLE, …).
 * If vssd restarts, the writer connects and registers again by itself. The library never prints
 * and never exits; set vss_set_log_func() to see its debug messages. docs/WRITER.md is the guide.
 *
 * Thread-safety: a vss_writer is used by one thread at a time, the one that runs its callbacks;
 * only vss_writer_stop() may be called from any thread or from a signal handler. Different
 * writers are independent. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

VSS_BEGIN_DECLS

typedef struct vss_writer vss_writer;

/* The event handlers (CVssWriter's On… methods). Every pointer may be NULL: the event then
 * succeeds without doing anything, except identify, which is required.
 *
 * 'components' is the writer's part of the backup components document (IVssWriterComponents):
 * its explicitly included components, read and written with the vss_bcd_writer_* and
 * vss_bcd_component_* functions of vss-metadata.h. It is never NULL (a writer none of whose
 * components are included gets an empty part) and is borrowed: valid until the callback returns.
 * It is writable in prepare_backup, post_snapshot, pre_restore and post_restore, and the changes
 * are sent back to the requester when the callback succeeds; in backup_complete it is for reading
 * only. The library finds the writer's part by instance id and class id; failing that (a restore
 * from a document saved by an earlier instance) by class id and instance name.
 *
 * Return 0 on success. A negative value vetoes the event (SetWriterFailure, then false) and the
 * writer's state becomes the matching VSS_WS_FAILED_AT_… state; the requester sees as the
 * writer's failure code:
 *   - the value itself, if it is a VSS writer failure code (-VSS_E_WRITERERROR_…);
 *   - else the code given to vss_writer_set_failure() in this callback, if any;
 *   - else -VSS_E_WRITERERROR_OUTOFRESOURCES for -ENOMEM, -VSS_E_WRITERERROR_RETRYABLE for
 *     -EAGAIN and -EBUSY, and -VSS_E_WRITERERROR_NONRETRYABLE for anything else, with the text of
 *     the error as message unless vss_writer_set_failure() gave one.
 * To report a failure without vetoing, call vss_writer_set_failure() and return 0.
 *
 * Callbacks must not call vss_writer_free(), vss_writer_unsubscribe(), vss_writer_subscribe(),
 * vss_writer_process() or vss_writer_run() on their own writer (those return -EBUSY). */
typedef struct vss_writer_ops {
        /* Required. Describe the data in 'metadata', a new WMD in which the library has already
         * set the identity (class id, instance id, names, version, usage and source type, level,
         * freeze timeout): restore method, backup schema, components, file sets. The identity
         * must not be changed. Must be deterministic and must not change any state: Identify can
         * come at any time, also in the middle of a backup, from any requester. After it returns,
         * the library validates the document (vss_wmd_validate()); an invalid one is a bug of the
         * writer: the event fails with VSS_E_WRITERERROR_NONRETRYABLE and a message naming the
         * broken rule, which is also logged at debug level. 'metadata' is borrowed until the
         * callback returns. vss_writer_set_failure() cannot be used here (VSS forbids it). */
        int (*identify)(vss_writer *w, vss_wmd *metadata, void *userdata);
        int (*prepare_backup)(vss_writer *w, vss_bcd_writer *components, void *userdata);
        int (*prepare_snapshot)(vss_writer *w, void *userdata);
        /* Between freeze and thaw the writer's data on disk must stay consistent; the time it
         * may take is the freeze timeout given to vss_writer_new(). */
        int (*freeze)(vss_writer *w, void *userdata);
        int (*thaw)(vss_writer *w, void *userdata);
        int (*post_snapshot)(vss_writer *w, vss_bcd_writer *components, void *userdata);
        /* Undo whatever prepare_backup, prepare_snapshot and freeze did. May come several times,
         * and without a freeze before it. The library also calls it by itself when the
         * connection to vssd is lost, or the writer is unsubscribed, during a backup (after
         * prepare_backup and before backup_complete or abort): a writer never stays frozen
         * because vssd went away. Its result is then ignored. */
        int (*abort)(vss_writer *w, void *userdata);
        int (*backup_complete)(vss_writer *w, const vss_bcd_writer *components, void *userdata);
        /* The end of a backup session; 'snapshot_set_id' (never NULL; the null GUID when vssd
         * names none) may be the set of another session whose requester died. If no
         * backup_complete came for it, the backup failed. */
        int (*backup_shutdown)(vss_writer *w, const vss_guid *snapshot_set_id, void *userdata);
        int (*pre_restore)(vss_writer *w, vss_bcd_writer *components, void *userdata);
        int (*post_restore)(vss_writer *w, vss_bcd_writer *components, void *userdata);
} vss_writer_ops;

/* Creates a writer with the parameters of CVssWriter::Initialize:
 *   writer_id          the writer class id (the key of the application registry); not null;
 *   writer_name        its name: valid UTF-8, 1 … 1024 bytes, not localized;
 *   usage_type         a named VSS_USAGE_TYPE other than VSS_UT_UNDEFINED;
 *   source_type        a named VSS_SOURCE_TYPE;
 *   level              freeze order: a named VSS_APPLICATION_LEVEL other than VSS_APP_UNKNOWN
 *                      (VSS's default is VSS_APP_FRONT_END);
 *   freeze_timeout_ms  the longest time from Freeze to Thaw, 1 … 3 600 000 (VSS's default
 *                      VSS_FREEZE_TIMEOUT_DEFAULT, 60 000);
 *   alternate_state    reserved by VSS: must be VSS_AWS_NO_ALTERNATE_WRITER;
 *   io_throttling_only reserved by VSS: must be false;
 *   instance_name      NULL or "" for none, or the persistent name of this instance, unique
 *                      among the instances of the class on the host (required for restore with
 *                      move): valid UTF-8, at most 1024 bytes;
 *   ops                the callbacks; ops->identify must not be NULL.
 * Strings are copied; 'ops' and 'userdata' are borrowed and must stay valid while the writer
 * lives. Nothing is sent until vss_writer_subscribe(). On success *ret is a writer you now own.
 * Returns 0, -EINVAL for a bad parameter, -ENOMEM, or the errno of creating the writer's file
 * descriptors (-EMFILE, …). Does not block. */
VSS_PUBLIC int
vss_writer_new(const vss_guid *writer_id,
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

/* Unsubscribes (see vss_writer_unsubscribe(), which may call the abort callback) and frees the
 * writer. NULL-safe; returns NULL. Must not be called from one of its callbacks: there it does
 * nothing and the writer stays allocated. Does not block. */
VSS_PUBLIC vss_writer *vss_writer_free(vss_writer *w);

/* Sets the writer's version (CVssWriterEx::InitializeEx); 0.0 by default. Only before
 * subscribing: -VSS_E_BAD_STATE afterwards. -EINVAL if w is NULL. */
VSS_PUBLIC int vss_writer_set_version(vss_writer *w, uint32_t major, uint32_t minor);

/* Connects to vssd at 'socket_path' (NULL: $VSS_SOCKET, or /run/linvss/vssd.sock; copied and
 * used again for reconnections) and registers with the events of 'subscribe_mask' (a
 * VSS_SUBSCRIBE_MASK; 0 means VSS's default, backup and restore events). Blocks until vssd has
 * answered, at most 30 s. No callback runs inside it: events that arrive with the answer are
 * served by the next vss_writer_process().
 *
 * Returns 0 when registered, or:
 *   -EACCES                           this user may not act as a writer (the registry's
 *                                     VssAccessControl list);
 *   -VSS_E_WRITER_ALREADY_SUBSCRIBED  an instance of the class with the same instance name is
 *                                     registered;
 *   -ENOENT, -ECONNREFUSED            vssd is not running (nothing listens on the socket);
 *   -EPROTO                           vssd speaks no common protocol version, or broke the
 *                                     protocol;
 *   -ETIMEDOUT                        vssd did not answer within 30 s;
 *   -EALREADY                         the writer is already subscribed;
 *   -EINVAL                           a bad mask, or a socket path too long for a Unix socket;
 *   -EBUSY                            called from a callback; -ENOMEM; another -errno of the
 * socket. vss_writer_get_error() then says more, e.g. vssd's reason for refusing. A failed
 * subscribe leaves the writer unsubscribed, and it may be tried again.
 *
 * Afterwards, if the connection is lost (vssd restarted), the writer drops the event it was in,
 * calls the abort callback if a backup was in progress, and connects and registers again by
 * itself, with a new instance id: after 100 ms, then at intervals doubling up to 5 s, as
 * vss_writer_process() is called (the fd of vss_writer_get_fd() becomes readable when a retry is
 * due). Refusals at that stage are retried the same way. */
VSS_PUBLIC int
vss_writer_subscribe(vss_writer *w, const char *socket_path, uint32_t subscribe_mask);

/* Closes the connection to vssd: no more events come, and the writer no longer reconnects. If a
 * backup was in progress, the abort callback is called first. Safe to call when not subscribed.
 * Returns 0, -EBUSY from a callback, -EINVAL if w is NULL. Does not block. */
VSS_PUBLIC int vss_writer_unsubscribe(vss_writer *w);

/* ---- Serving events --------------------------------------------------------------------- */

/* A file descriptor that becomes readable whenever vss_writer_process() has something to do: an
 * event arrived, queued output can be written, or a reconnection is due. It is the same fd for
 * the whole life of the writer (an epoll fd inside which the library watches its socket and a
 * timer), so it can be added to the application's poll set or epoll once. Borrowed: do not
 * close it. Never fails for a valid writer; -EINVAL if w is NULL. */
VSS_PUBLIC int vss_writer_get_fd(const vss_writer *w);

/* The poll events to wait for on that fd: always POLLIN. -EINVAL if w is NULL. */
VSS_PUBLIC int vss_writer_get_events(const vss_writer *w);

/* The CLOCK_MONOTONIC time in microseconds at which vss_writer_process() wants to be called even
 * if the fd stays quiet (a reconnection attempt, the end of a handshake), 0 if it has work now,
 * or UINT64_MAX for none. Watching the fd alone is enough, as it becomes readable at that time
 * too; this is for loops that prefer an explicit timeout. Returns 0, -EINVAL. */
VSS_PUBLIC int vss_writer_get_timeout(const vss_writer *w, uint64_t *ret_usec);

/* Does whatever is due without waiting: writes queued output, reads what has arrived and serves
 * every complete event (calling the callbacks and sending their replies), and connects again
 * when a reconnection is due. Returns 1 if it did something, 0 if there was nothing to do,
 * -ENOTCONN if the writer is not subscribed, -EBUSY from a callback, -EINVAL if w is NULL. A
 * lost connection, a broken message or a refused reconnection is not an error: the writer
 * schedules a reconnection (see vss_writer_subscribe()), and vss_writer_get_error() says why.
 * Blocks only as long as the callbacks do. */
VSS_PUBLIC int vss_writer_process(vss_writer *w);

/* Serves events until vss_writer_stop() is called: waits on the fd and calls
 * vss_writer_process(). Blocks. Returns 0 after a stop (and clears it), -ENOTCONN if the writer
 * is not subscribed, -EBUSY from a callback, -EINVAL, or the -errno of a failed poll(). */
VSS_PUBLIC int vss_writer_run(vss_writer *w);

/* Makes vss_writer_run() return 0 after the event it is serving, or at once if it is waiting;
 * when it is not running, the next call of vss_writer_run() returns at once (vss_writer_process()
 * is never held up by a stop). Does not block. Thread-safe and async-signal-safe: may be called
 * from a callback, another thread or a signal handler. NULL-safe. */
VSS_PUBLIC void vss_writer_stop(vss_writer *w);

/* A text for people about the last failure of vss_writer_subscribe() or of the connection (a
 * refusal by vssd with its reason, a lost connection, a broken message), or NULL if there was
 * none. Borrowed: valid until the next call of a function on the writer other than the getters.
 * NULL if w is NULL. */
VSS_PUBLIC const char *vss_writer_get_error(const vss_writer *w);

/* ---- Inside a callback (CVssWriter's protected methods) ---------------------------------- */

/* Reports a failure of the current event (SetWriterFailureEx): 'hr' is a VSS writer failure code
 * (-VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT, _OUTOFRESOURCES, _TIMEOUT, _RETRYABLE,
 * _NONRETRYABLE, _RECOVERY_FAILED or _PARTIAL_FAILURE), 'application_hr' the application's own
 * code (0 for none), 'message' a text for people or NULL (copied; cut to 4096 bytes, and bytes
 * that are not UTF-8 replaced by '?'). Without a veto the event still succeeds, but the writer's
 * state shows the failure; with a veto the code and message go with it. A second call replaces
 * the first. Returns 0; -VSS_E_BAD_STATE outside a callback and in identify (VSS forbids it
 * there); -EINVAL for another hr or a NULL w; -ENOMEM. In the abort that the library calls by
 * itself after losing vssd the failure goes nowhere. */
VSS_PUBLIC int
vss_writer_set_failure(vss_writer *w, int hr, int32_t application_hr, const char *message);

/* The writer's identity. Borrowed, valid while the writer lives. The instance id is the null
 * GUID while the writer is not registered, and changes each time it registers (after vssd
 * restarted). NULL if w is NULL. */
VSS_PUBLIC const vss_guid *vss_writer_get_class_id(const vss_writer *w);
VSS_PUBLIC const vss_guid *vss_writer_get_instance_id(const vss_writer *w);
/* The instance name given to vss_writer_new(), or NULL if none. */
VSS_PUBLIC const char *vss_writer_get_instance_name(const vss_writer *w);
/* The writer name given to vss_writer_new(). */
VSS_PUBLIC const char *vss_writer_get_writer_name(const vss_writer *w);

/* The backup state of the current session, as the requester set it in the backup components
 * document: backup type (GetBackupType), component mode (AreComponentsSelected), bootable system
 * state (IsBootableSystemStateBackedUp), partial file support (IsPartialFileSupportEnabled), and
 * the restore type (GetRestoreType). Known in every callback of a session from the first event
 * that carried the document on (prepare_backup, pre_restore), also in freeze and thaw, which do
 * not carry it. Elsewhere (identify, outside callbacks, before the document came) they return
 * VSS's defaults: VSS_BT_UNDEFINED, false, false, false, VSS_RTYPE_UNDEFINED. */
VSS_PUBLIC VSS_BACKUP_TYPE vss_writer_get_backup_type(const vss_writer *w);
VSS_PUBLIC bool vss_writer_are_components_selected(const vss_writer *w);
VSS_PUBLIC bool vss_writer_is_bootable_system_state_backed_up(const vss_writer *w);
VSS_PUBLIC bool vss_writer_is_partial_file_support_enabled(const vss_writer *w);
VSS_PUBLIC VSS_RESTORE_TYPE vss_writer_get_restore_type(const vss_writer *w);

/* The snapshot context of the session (GetContext): a VSS_SNAPSHOT_CONTEXT, possibly with
 * VSS_VOLUME_SNAPSHOT_ATTRIBUTES bits. VSS_CTX_BACKUP outside the callbacks of a session. */
VSS_PUBLIC int32_t vss_writer_get_context(const vss_writer *w);

/* The session id (GetSessionId) and snapshot set id (GetCurrentSnapshotSetId) of the current
 * event, stored in *ret. Returns 0, or -VSS_E_BAD_STATE when there is none: outside callbacks,
 * in identify, and for the set id also in backup_complete, backup_shutdown (which gets it as an
 * argument) and the restore events, as VSS says it is not valid after post_snapshot. -EINVAL for
 * NULL arguments. */
VSS_PUBLIC int vss_writer_get_session_id(const vss_writer *w, vss_guid *ret);
VSS_PUBLIC int vss_writer_get_current_snapshot_set_id(const vss_writer *w, vss_guid *ret);

/* The volumes of the snapshot set (GetCurrentVolumeArray), as mount points: their count, 0
 * outside the callbacks of a backup session, and the i-th (NULL when out of range). Known from
 * prepare_backup on. Borrowed, valid until the callback returns. */
VSS_PUBLIC size_t vss_writer_get_current_volume_count(const vss_writer *w);
VSS_PUBLIC const char *vss_writer_get_current_volume(const vss_writer *w, size_t index);

/* Where a volume of the set can be read in its snapshot (GetSnapshotDeviceName), known from
 * post_snapshot on when vssd reports it: a borrowed path, valid until the callback returns; NULL
 * for a volume not in the set, before the snapshot exists, or when vssd gave no path. 'volume'
 * is compared as written (a mount point, as vss_writer_get_current_volume() returns it). */
VSS_PUBLIC const char *vss_writer_get_snapshot_device_name(const vss_writer *w, const char *volume);

/* Whether 'path' lies on a volume of the snapshot set (IsPathAffected): 1 yes, 0 no (also outside
 * the callbacks of a backup session), -EINVAL for NULL arguments or a relative path. The test is
 * lexical: 'path' is affected if a volume's mount point is '/' or 'path' equals it or continues it
 * after a '/' ("/srv/db/x" is on "/srv", "/srvx" is not); repeated and trailing slashes are
 * ignored, but symbolic links and ".." are not resolved, so pass a canonical path (realpath()).
 * Does not block. */
VSS_PUBLIC int vss_writer_is_path_affected(const vss_writer *w, const char *path);

VSS_END_DECLS
