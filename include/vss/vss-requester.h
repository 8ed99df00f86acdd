/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The requester side of libvss: a backup tool drives one backup or one restore through vssd
 * (IVssBackupComponents). One vss_requester serves exactly one backup or one restore; freeing it
 * ends the session (BackupShutdown) and releases auto-release snapshots. The calls follow VSS's
 * order (VSS-REFERENCE §2.1, §2.2); a call out of order returns -VSS_E_BAD_STATE and changes
 * nothing. The requester keeps the backup components document; writers' updates made in their
 * events are merged into it as the calls return.
 *
 * Every call that talks to vssd blocks until vssd answers; vssd bounds each wait with its
 * deadlines (docs/PROTOCOL.md §7). Errors of the exchange itself: -ECONNREFUSED/-ENOENT when
 * vssd is not running, -EACCES when the user may not act as a requester (root or group vss),
 * -ECONNRESET when vssd went away during the session (the session is then over), -EPROTO.
 *
 * Thread-safety: a vss_requester is used by one thread at a time. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

VSS_BEGIN_DECLS

typedef struct vss_requester vss_requester;

/* Creates a requester (CreateVssBackupComponents); it connects to vssd at the first call that
 * needs it, at 'socket_path' (NULL: $VSS_SOCKET or /run/linvss/vssd.sock; copied). On success
 * *ret is a requester you now own. -ENOMEM. */
VSS_PUBLIC int vss_requester_new(const char *socket_path, vss_requester **ret);

/* Ends the session and frees the requester (Release): a backup that went past
 * prepare_for_backup without backup_complete or abort_backup is aborted first, then writers get
 * BackupShutdown. Blocks while vssd does so. NULL-safe; returns NULL. */
VSS_PUBLIC vss_requester *vss_requester_free(vss_requester *r);

/* ---- Initialization --------------------------------------------------------------------- */

/* Starts a backup (InitializeForBackup). 'bcd_json' is NULL for a new backup, or a saved
 * document to continue from (transportable import); it is copied. First call only. */
VSS_PUBLIC int vss_requester_initialize_for_backup(vss_requester *r, const char *bcd_json);

/* Starts a restore from the backup components document saved with the backup
 * (InitializeForRestore), and the writer metadata documents saved with it
 * (CreateVssExamineWriterMetadata), given with vss_requester_add_saved_writer_metadata(). First
 * call only. -VSS_E_INVALID_XML_DOCUMENT / -VSS_E_CORRUPT_XML_DOCUMENT with a message for a bad
 * document (see vss_requester_get_error()). */
VSS_PUBLIC int vss_requester_initialize_for_restore(vss_requester *r, const char *bcd_json);
VSS_PUBLIC int vss_requester_add_saved_writer_metadata(vss_requester *r, const char *wmd_json);

/* The snapshot context (SetContext; VSS_CTX_BACKUP by default, attribute bits may be OR-ed in).
 * Before gather_writer_metadata. -VSS_E_UNSUPPORTED_CONTEXT for VSS_CTX_ALL or a value that is
 * no context. */
VSS_PUBLIC int vss_requester_set_context(vss_requester *r, int32_t context);

/* SetBackupState, before prepare_for_backup. */
VSS_PUBLIC int vss_requester_set_backup_state(
                vss_requester *r,
                bool select_components,
                bool backup_bootable_system_state,
                VSS_BACKUP_TYPE backup_type,
                bool partial_file_support);

/* SetRestoreState, before pre_restore. */
VSS_PUBLIC int vss_requester_set_restore_state(vss_requester *r, VSS_RESTORE_TYPE restore_type);

/* ---- Discovery -------------------------------------------------------------------------- */

/* GatherWriterMetadata: Identify to every writer. Afterwards the writers that answered can be
 * examined. Once per session. */
VSS_PUBLIC int vss_requester_gather_writer_metadata(vss_requester *r);
VSS_PUBLIC size_t vss_requester_get_writer_metadata_count(const vss_requester *r);
/* The i-th writer's instance id and metadata (GetWriterMetadata): both borrowed, valid while the
 * requester lives. NULL when 'index' is out of range. */
VSS_PUBLIC const vss_wmd *vss_requester_get_writer_metadata(const vss_requester *r, size_t index, vss_guid *ret_instance_id);

/* ---- Selection (before prepare_for_backup) ---------------------------------------------- */

/* AddComponent: includes a component explicitly, checked against the writer's metadata with the
 * selection algebra of §1.5 (-VSS_E_OBJECT_NOT_FOUND for an unknown writer or component,
 * -VSS_E_OBJECT_ALREADY_EXISTS for a component already covered). */
VSS_PUBLIC int vss_requester_add_component(
                vss_requester *r,
                const vss_guid *instance_id,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name);

/* Adds the required components (§1.5) of every writer that has a component included. Returns
 * the number added. prepare_for_backup does this too. */
VSS_PUBLIC int vss_requester_add_required_components(vss_requester *r);

/* SetBackupOptions and SetPreviousBackupStamp for an explicitly included component. */
VSS_PUBLIC int vss_requester_set_backup_options(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *options);
VSS_PUBLIC int vss_requester_set_previous_backup_stamp(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *stamp);

/* ---- The snapshot ----------------------------------------------------------------------- */

/* StartSnapshotSet: claims vssd for this backup (-VSS_E_SNAPSHOT_SET_IN_PROGRESS if another
 * backup or restore holds it). */
VSS_PUBLIC int vss_requester_start_snapshot_set(vss_requester *r, vss_guid *ret_snapshot_set_id);

/* AddToSnapshotSet: a volume (a mount point or a directory on one; absolute path), with the
 * provider named or NULL for the best one. At most 64. */
VSS_PUBLIC int vss_requester_add_to_snapshot_set(
                vss_requester *r,
                const char *volume,
                const char *provider,
                vss_guid *ret_snapshot_id);

/* PrepareForBackup: sends PrepareForBackup to the writers with included components (in
 * component mode; to every writer that answered Identify otherwise) and merges what they set
 * (stamps, partial and differenced files, metadata). A writer's veto does not fail the call:
 * check gather_writer_status. */
VSS_PUBLIC int vss_requester_prepare_for_backup(vss_requester *r);

/* DoSnapshotSet: PrepareForSnapshot, Freeze, commit, Thaw, PostSnapshot. Fails with the first
 * failing writer's code when a writer vetoes or times out at Freeze or Thaw; vssd has then sent
 * Abort to every writer. */
VSS_PUBLIC int vss_requester_do_snapshot_set(vss_requester *r);

/* GetSnapshotProperties: where the snapshot of a volume of the set can be read (borrowed, valid
 * while the requester lives). -VSS_E_OBJECT_NOT_FOUND for an unknown snapshot id. */
VSS_PUBLIC int vss_requester_get_snapshot_path(const vss_requester *r, const vss_guid *snapshot_id, const char **ret_path);

/* ---- Writer status ---------------------------------------------------------------------- */

/* GatherWriterStatus, then GetWriterStatus[Ex] per writer. The strings are borrowed until the
 * next gather. 'ret_failure' is 0 or the writer's failure code; the application code and message
 * (SetWriterFailureEx) may be absent (0 and NULL). */
VSS_PUBLIC int vss_requester_gather_writer_status(vss_requester *r);
VSS_PUBLIC size_t vss_requester_get_writer_status_count(const vss_requester *r);
VSS_PUBLIC int vss_requester_get_writer_status(
                const vss_requester *r,
                size_t index,
                vss_guid *ret_instance_id,
                vss_guid *ret_writer_id,
                const char **ret_writer_name,
                VSS_WRITER_STATE *ret_state,
                int *ret_failure,
                int32_t *ret_application_failure,
                const char **ret_application_message);

/* ---- After the snapshot ------------------------------------------------------------------ */

/* SetBackupSucceeded for an explicitly included component, before backup_complete. */
VSS_PUBLIC int vss_requester_set_backup_succeeded(
                vss_requester *r,
                const vss_guid *instance_id,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool succeeded);

/* BackupComplete, to the writers of the backup (they may truncate logs after a full backup). */
VSS_PUBLIC int vss_requester_backup_complete(vss_requester *r);

/* AbortBackup: Abort to every writer of the backup. After prepare_for_backup, before
 * backup_complete; needed after any failure from there on. */
VSS_PUBLIC int vss_requester_abort_backup(vss_requester *r);

/* The backup components document, in full (borrowed; valid while the requester lives; read it,
 * and write through the calls above). After do_snapshot_set it holds what the writers set. */
VSS_PUBLIC const vss_bcd *vss_requester_get_backup_components(const vss_requester *r);

/* SaveAsXML: the document as JSON (docs/DOCUMENTS.md), to store with the backup. You now own
 * *ret_json. After do_snapshot_set for a backup. */
VSS_PUBLIC int vss_requester_save_as_json(const vss_requester *r, char **ret_json);

/* ---- Restore (VSS-REFERENCE §2.2, §4) ----------------------------------------------------- */

/* SetSelectedForRestore[Ex]: selects an explicitly backed-up component. 'instance_id' NULL
 * restores to the writer of the same class (its live instance); an instance id of another live
 * instance of the class moves the component there (restore with move: refused with
 * -VSS_E_NOT_SUPPORTED unless the writer's schema has VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE). */
VSS_PUBLIC int vss_requester_set_selected_for_restore(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool selected,
                const vss_guid *instance_id);

/* AddRestoreSubcomponent: restore only 'sub_logical_path\sub_name' of the selected component;
 * it must be selectable for restore. */
VSS_PUBLIC int vss_requester_add_restore_subcomponent(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *sub_logical_path,
                const char *sub_name,
                bool repair);

/* SetRestoreOptions, SetAdditionalRestores. */
VSS_PUBLIC int vss_requester_set_restore_options(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *options);
VSS_PUBLIC int vss_requester_set_additional_restores(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool additional);

/* AddNewTarget: restore a file set somewhere else. -VSS_E_NOT_SUPPORTED unless the writer's
 * schema has VSS_BS_WRITER_SUPPORTS_NEW_TARGET. */
VSS_PUBLIC int vss_requester_add_new_target(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_path);

/* SetRollForward, SetRestoreName, SetAuthoritativeRestore: each -VSS_E_NOT_SUPPORTED unless the
 * writer's schema has VSS_BS_ROLLFORWARD_RESTORE, VSS_BS_RESTORE_RENAME or
 * VSS_BS_AUTHORITATIVE_RESTORE; restores only. */
VSS_PUBLIC int vss_requester_set_roll_forward(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                VSS_ROLLFORWARD_TYPE roll_type,
                const char *roll_forward_point);
VSS_PUBLIC int vss_requester_set_restore_name(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *restore_name);
VSS_PUBLIC int vss_requester_set_authoritative_restore(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool authoritative);

/* PreRestore: to the writers with selected components; merges their restore targets, directed
 * targets and metadata. */
VSS_PUBLIC int vss_requester_pre_restore(vss_requester *r);

/* AddAlternativeLocationMapping (a mapping actually used), SetRangesFilePath, and
 * SetFileRestoreStatus, after the files are copied and before post_restore. */
VSS_PUBLIC int vss_requester_add_alternative_location_mapping(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination);
VSS_PUBLIC int vss_requester_set_ranges_file_path(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                size_t partial_file_index,
                const char *ranges_file);
VSS_PUBLIC int vss_requester_set_file_restore_status(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                VSS_FILE_RESTORE_STATUS status);

/* PostRestore: to the same writers. */
VSS_PUBLIC int vss_requester_post_restore(vss_requester *r);

/* ---- Errors ------------------------------------------------------------------------------- */

/* A description for people of the last failure: what vssd or the document check said. Borrowed;
 * valid until the next call. NULL when the last call succeeded. */
VSS_PUBLIC const char *vss_requester_get_error(const vss_requester *r);

VSS_END_DECLS
