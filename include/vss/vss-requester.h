/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The requester side of libvss: a backup tool drives one backup or one restore through vssd
 * (IVssBackupComponents). docs/REQUESTER.md explains how to use it; VSS-REFERENCE §2.1 and §2.2
 * give the order of the calls.
 *
 * One vss_requester serves exactly one backup or one restore and cannot be reused; freeing it
 * ends the session (BackupShutdown). The calls follow VSS's order; a call out of order returns
 * -VSS_E_BAD_STATE and changes nothing. The requester keeps the backup components document
 * (BCD): it sends each writer its part of it with every event and merges what the writer
 * changed back in as the call returns (docs/REQUESTER.md, "Documents").
 *
 * Blocking. The calls that talk to vssd (marked "Blocks") wait for vssd's answer; vssd bounds
 * every writer's answer with its deadlines (docs/PROTOCOL.md §7), and the library bounds each
 * wait by those deadlines plus a margin (vss_requester_set_timeout()). The other calls never
 * block.
 *
 * Errors. Every function returning int returns >= 0 on success or a negative errno or negated
 * VSS status (vss_strerror()); vss_requester_get_error() then holds a message for people. Common
 * to every call: -EINVAL for a NULL requester or a bad argument, -ENOMEM, -VSS_E_BAD_STATE for a
 * call out of order. Common to the blocking calls: -ECONNREFUSED or -ENOENT when vssd is not
 * running (nothing changed: the call may be retried), -EACCES when this user may not act as a
 * requester (root or group vss), -ETIMEDOUT when vssd did not answer in time, -ECONNRESET when
 * vssd went away, -EPROTO or -EBADMSG when it answered nonsense. After -ETIMEDOUT, -ECONNRESET,
 * -EPROTO and -EBADMSG the session is over (vssd aborts it): every later call but the getters
 * and vss_requester_free() returns -ECONNRESET.
 *
 * Thread-safety. A vss_requester is used by one thread at a time; different requesters are
 * independent. The library prints nothing (vss_set_log_func() receives its debug messages). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

VSS_BEGIN_DECLS

typedef struct vss_requester vss_requester;

/* ---- Lifetime ------------------------------------------------------------------------------ */

/* Creates a requester (CreateVssBackupComponents). It connects to vssd at the first call that
 * needs it, at 'socket_path' (NULL: $VSS_SOCKET, or /run/linvss/vssd.sock; copied). On success
 * *ret is a requester you now own. -EINVAL, -ENOMEM. Does not block. */
VSS_PUBLIC int vss_requester_new(const char *socket_path, vss_requester **ret);

/* Ends the session and frees the requester (Release). A backup that went past
 * prepare_for_backup without backup_complete or abort_backup is aborted first; then vssd ends
 * the session, which sends BackupShutdown to the writers of a backup. Blocks while vssd does so,
 * at most the abort and shutdown deadlines plus the margin. NULL-safe; returns NULL. */
VSS_PUBLIC vss_requester *vss_requester_free(vss_requester *r);

/* Sets how long each call waits for vssd, in milliseconds. 0 (the default) means automatic: the
 * default deadlines vssd applies to the events the call causes (docs/PROTOCOL.md §7; for
 * do_snapshot_set including the longest freeze window of the writers) plus 30 s. Set it when
 * vssd's deadlines were raised in the registry. Any time; does not block. -EINVAL. */
VSS_PUBLIC int vss_requester_set_timeout(vss_requester *r, uint32_t timeout_ms);

/* ---- Initialization ------------------------------------------------------------------------ */

/* Starts a backup (InitializeForBackup). 'bcd_json' is NULL for a new backup, or a saved backup
 * components document (docs/DOCUMENTS.md §3) whose backup state and snapshot context become this
 * backup's (its writers' parts are not taken over: components are selected again after
 * gather_writer_metadata, against the writers as they are now). First call only. A bad document
 * is refused with -VSS_E_CORRUPT_XML_DOCUMENT, -VSS_E_INVALID_XML_DOCUMENT or -EPROTONOSUPPORT
 * and a message naming the field. Does not block. */
VSS_PUBLIC int vss_requester_initialize_for_backup(vss_requester *r, const char *bcd_json);

/* Starts a restore from the backup components document saved with the backup
 * (InitializeForRestore). The document is copied and validated (errors as above). First call
 * only. Does not block. */
VSS_PUBLIC int vss_requester_initialize_for_restore(vss_requester *r, const char *bcd_json);

/* Adds the writer metadata document of a writer of the backup, as saved with it
 * (CreateVssExamineWriterMetadata). Restores use these saved documents, not the live writers'
 * ones, to apply the selection rules: add one for every writer whose components are restored.
 * The document must belong to a writer of the backup components document (same class and
 * instance id; -VSS_E_OBJECT_NOT_FOUND otherwise), at most once (-VSS_E_OBJECT_ALREADY_EXISTS),
 * and that writer's part of the document must satisfy it (vss_bcd_check_selection():
 * -VSS_E_INVALID_XML_DOCUMENT). Parse errors as vss_wmd_from_json(). After
 * initialize_for_restore, before pre_restore. Does not block. */
VSS_PUBLIC int vss_requester_add_saved_writer_metadata(vss_requester *r, const char *wmd_json);

/* The snapshot context (SetContext): VSS_CTX_BACKUP by default; a VSS_SNAPSHOT_CONTEXT other
 * than VSS_CTX_ALL, optionally with VSS_VOLUME_SNAPSHOT_ATTRIBUTES bits OR-ed in.
 * -VSS_E_UNSUPPORTED_CONTEXT otherwise. A context with VSS_VOLSNAP_ATTR_NO_WRITERS involves no
 * writers: components cannot be selected, and prepare_for_backup and backup_complete are
 * refused. Backups only, before gather_writer_metadata (or start_snapshot_set). Does not
 * block. */
VSS_PUBLIC int vss_requester_set_context(vss_requester *r, int32_t context);

/* SetBackupState: component mode (writers take part through the components you select; without
 * it every writer takes part with all its data, and no components can be selected), bootable
 * system state, the backup type (a named VSS_BACKUP_TYPE other than VSS_BT_UNDEFINED, else
 * -EINVAL) and partial file support. The defaults are those of a new document: no component
 * mode, VSS_BT_FULL. Turning component mode off once components are selected is refused with
 * -VSS_E_BAD_STATE. Backups only, before prepare_for_backup. Does not block. */
VSS_PUBLIC int vss_requester_set_backup_state(
                vss_requester *r,
                bool select_components,
                bool backup_bootable_system_state,
                VSS_BACKUP_TYPE backup_type,
                bool partial_file_support);

/* SetRestoreState: a named VSS_RESTORE_TYPE (-EINVAL otherwise). Restores only, before
 * pre_restore. Does not block. */
VSS_PUBLIC int vss_requester_set_restore_state(vss_requester *r, VSS_RESTORE_TYPE restore_type);

/* ---- Discovery ----------------------------------------------------------------------------- */

/* GatherWriterMetadata: connects to vssd and begins the session if that has not happened yet,
 * then sends Identify to every writer. Each writer's metadata document is validated; a writer
 * whose document is invalid, or names another writer, is left out and recorded as a writer
 * error (vss_requester_get_writer_error()). Once per session, after initialize_for_backup or
 * initialize_for_restore. Blocks. */
VSS_PUBLIC int vss_requester_gather_writer_metadata(vss_requester *r);

/* The number of writers whose metadata was gathered (GetWriterMetadataCount); 0 before
 * gather_writer_metadata or when r is NULL. Does not block. */
VSS_PUBLIC size_t vss_requester_get_writer_metadata_count(const vss_requester *r);

/* The i-th writer's metadata (GetWriterMetadata), borrowed, valid while the requester lives;
 * its instance id is also stored in *ret_instance_id (optional). NULL when 'index' is out of
 * range. Does not block. */
VSS_PUBLIC const vss_wmd *
vss_requester_get_writer_metadata(const vss_requester *r, size_t index, vss_guid *ret_instance_id);

/* Problems the requester found with writers (a writer's invalid metadata, a part of the
 * document a writer returned and the requester refused, a writer vssd could not reach), in the
 * order they happened; they never make a call fail. The number of them: */
VSS_PUBLIC size_t vss_requester_get_writer_error_count(const vss_requester *r);

/* The i-th writer error: the writer's instance id and name, the code (for example
 * -VSS_E_INVALID_XML_DOCUMENT) and a message naming the step ("identify: ...") and the cause.
 * Out parameters are optional; strings are borrowed, valid while the requester lives.
 * -EINVAL when 'index' is out of range. Does not block. */
VSS_PUBLIC int vss_requester_get_writer_error(
                const vss_requester *r,
                size_t index,
                vss_guid *ret_instance_id,
                const char **ret_writer_name,
                int *ret_code,
                const char **ret_message);

/* ---- Selection (backups, after gather_writer_metadata, before prepare_for_backup) ---------- */

/* AddComponent: includes component (logical_path, name) of writer 'instance_id' (whose class
 * must be 'writer_id') explicitly, with the selection rules of VSS-REFERENCE §1.5
 * (vss_bcd_add_component()): -VSS_E_OBJECT_NOT_FOUND for an unknown writer or component or a
 * type that differs from the writer's metadata, -VSS_E_OBJECT_ALREADY_EXISTS for a component
 * already included (itself, through an included selectable ancestor, or a selectable component
 * with an included member), -EINVAL for a non-selectable component that only comes through its
 * selectable ancestor. -VSS_E_BAD_STATE outside component mode. Does not block. */
VSS_PUBLIC int vss_requester_add_component(
                vss_requester *r,
                const vss_guid *instance_id,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name);

/* Adds the required components (§1.5) of every writer that has a component included. Returns
 * the number added. prepare_for_backup does this too. Does not block. */
VSS_PUBLIC int vss_requester_add_required_components(vss_requester *r);

/* SetBackupOptions: a free text for the writer, on an explicitly included component of a writer
 * of class 'writer_id' (components are unique per class, VSS-REFERENCE §1.4).
 * -VSS_E_OBJECT_NOT_FOUND when no writer of the class has the component included explicitly.
 * Backups only, before prepare_for_backup. Does not block. */
VSS_PUBLIC int vss_requester_set_backup_options(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *options);

/* SetPreviousBackupStamp: the backup stamp a writer set in an earlier backup (read it from that
 * backup's saved document), so that it can tell what changed since (VSS-REFERENCE §3.4). On an
 * explicitly included component, as vss_requester_set_backup_options(). Backups before
 * prepare_for_backup, or restores before pre_restore. Does not block. */
VSS_PUBLIC int vss_requester_set_previous_backup_stamp(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *stamp);

/* ---- The snapshot -------------------------------------------------------------------------- */

/* StartSnapshotSet: claims vssd for this backup; -VSS_E_SNAPSHOT_SET_IN_PROGRESS while another
 * backup or restore holds it (nothing changed: retry later). The set id is stored in
 * *ret_snapshot_set_id (optional). After gather_writer_metadata (in a context without writers,
 * also directly after initialize_for_backup). Blocks. */
VSS_PUBLIC int vss_requester_start_snapshot_set(vss_requester *r, vss_guid *ret_snapshot_set_id);

/* AddToSnapshotSet: a volume (the absolute path of a mount point or of a directory on one),
 * with the provider named or NULL for the best one; the snapshot id is stored in
 * *ret_snapshot_id (optional). At most 64 (-VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED).
 * -VSS_E_OBJECT_NOT_FOUND for a path that is no directory, -VSS_E_PROVIDER_NOT_REGISTERED for
 * an unknown provider, -VSS_E_VOLUME_NOT_SUPPORTED when no provider can snapshot it. After
 * start_snapshot_set, before do_snapshot_set. Blocks. */
VSS_PUBLIC int vss_requester_add_to_snapshot_set(
                vss_requester *r,
                const char *volume,
                const char *provider,
                vss_guid *ret_snapshot_id);

/* PrepareForBackup: adds the required components, then sends PrepareForBackup to the writers
 * that take part: in component mode the writers with an included component, otherwise every
 * writer whose metadata was gathered (each gets an entry in the document, without
 * components). It merges what they set (stamps, partial and differenced files, metadata). A
 * writer's veto does not fail the call: check vss_requester_gather_writer_status(). After
 * start_snapshot_set, once; not in a context without writers. Blocks. */
VSS_PUBLIC int vss_requester_prepare_for_backup(vss_requester *r);

/* DoSnapshotSet: PrepareForSnapshot, Freeze, commit, Thaw, PostSnapshot; merges what the writers
 * set in PostSnapshot. Fails with the first failing writer's code when a writer vetoes or times
 * out at Freeze or Thaw: vssd has then sent Abort to every writer, and only abort_backup,
 * gather_writer_status and vss_requester_free() remain. After prepare_for_backup (in a context
 * without writers, after start_snapshot_set), once. Blocks. */
VSS_PUBLIC int vss_requester_do_snapshot_set(vss_requester *r);

/* GetSnapshotProperties: the volume, the path where its snapshot can be read and the provider
 * of snapshot 'snapshot_id' of the set. Out parameters are optional; the strings are borrowed,
 * valid until the next call of this function or vss_requester_free(). -VSS_E_OBJECT_NOT_FOUND
 * for a snapshot not in the set. After a successful do_snapshot_set. Blocks. */
VSS_PUBLIC int vss_requester_get_snapshot_properties(
                vss_requester *r,
                const vss_guid *snapshot_id,
                const char **ret_volume,
                const char **ret_snapshot_path,
                const char **ret_provider);

/* ---- Writer status ------------------------------------------------------------------------- */

/* GatherWriterStatus: fetches the state of the session's writers (before prepare_for_backup or
 * pre_restore: of every writer that answered Identify; afterwards: of the writers taking part).
 * Any time while the session runs. Blocks. */
VSS_PUBLIC int vss_requester_gather_writer_status(vss_requester *r);

/* The number of writers of the last gather_writer_status (GetWriterStatusCount). */
VSS_PUBLIC size_t vss_requester_get_writer_status_count(const vss_requester *r);

/* GetWriterStatus[Ex] of the i-th writer: instance and class id, name, state, the failure code
 * (0 or a negative writer failure code), and, when the writer gave them (SetWriterFailureEx) or
 * vssd explains the failure, the application's code (else 0) and a message (else NULL). Out
 * parameters are optional; strings are borrowed until the next gather_writer_status.
 * -EINVAL when 'index' is out of range. Does not block. */
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

/* ---- After the snapshot -------------------------------------------------------------------- */

/* SetBackupSucceeded: records whether every file of an explicitly included component (and of
 * its set) was saved. -VSS_E_OBJECT_NOT_FOUND for a component not included. After
 * do_snapshot_set, before backup_complete. Does not block. */
VSS_PUBLIC int vss_requester_set_backup_succeeded(
                vss_requester *r,
                const vss_guid *instance_id,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool succeeded);

/* BackupComplete: to the writers of the backup, with the document (read-only for them; they may
 * truncate logs after a successful full backup). A writer's failure does not fail the call.
 * After a successful do_snapshot_set, once. Blocks. */
VSS_PUBLIC int vss_requester_backup_complete(vss_requester *r);

/* AbortBackup: Abort to every writer of the backup. After prepare_for_backup and before
 * backup_complete; needed after any failure from prepare_for_backup on (also after a failed
 * do_snapshot_set). Blocks. */
VSS_PUBLIC int vss_requester_abort_backup(vss_requester *r);

/* The backup components document (GetWriterComponents), borrowed, valid while the requester
 * lives; read it, and change it only through the calls above. */
VSS_PUBLIC const vss_bcd *vss_requester_get_backup_components(const vss_requester *r);

/* SaveAsXML: the document as JSON (docs/DOCUMENTS.md §3; deterministic, and it loads back with
 * initialize_for_restore), to store with the backup together with every writer's metadata
 * (vss_wmd_to_json()). You now own *ret_json (free()). A backup saves after do_snapshot_set (its
 * writers may change the document until then); a restore at any time. Does not block. */
VSS_PUBLIC int vss_requester_save_as_json(vss_requester *r, char **ret_json);

/* The session id (GetSessionId), once the session has begun; -VSS_E_BAD_STATE before. */
VSS_PUBLIC int vss_requester_get_session_id(const vss_requester *r, vss_guid *ret);

/* ---- Restore (VSS-REFERENCE §2.2, §4) ------------------------------------------------------
 *
 * A component is named by its writer class 'writer_id', type, logical path and name, as saved
 * in the document; it is looked up with the saved writer metadata. It is restored by the live
 * writer of the same class with the same instance name (found by gather_writer_metadata), or,
 * with restore with move, by another live instance of the class. Every call below is made
 * after gather_writer_metadata and before pre_restore, unless it says otherwise, and does not
 * block. Common errors: -VSS_E_OBJECT_NOT_FOUND when no backed-up writer of the class has the
 * component explicitly included, when no saved metadata was added for that writer, or when the
 * writer that would restore it is not running. A feature a writer does not support is refused
 * with -VSS_E_NOT_SUPPORTED and a message naming the VSS_BS_* bit missing from the schema of
 * the live writer that would restore the component. */

/* SetSelectedForRestore[Ex]: selects (or deselects) an explicitly backed-up component; any
 * explicitly included component may be selected, an implicitly included one cannot (select its
 * ancestor and use add_restore_subcomponent). 'instance_id' NULL (or the null GUID) restores to
 * the live instance with the backed-up instance name; the instance id of another live instance
 * of the class moves the component there (restore with move:
 * VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE). All the selected components of one backed-up
 * writer go to the same instance (-EINVAL otherwise). The document keeps the backed-up writer's
 * identity; the target is recorded in the component's restore instance id. */
VSS_PUBLIC int vss_requester_set_selected_for_restore(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool selected,
                const vss_guid *instance_id);

/* AddRestoreSubcomponent: restore only component (sub_logical_path, sub_name) of the set of the
 * selected component (logical_path, name); it must be implicitly included through it and
 * selectable for restore (-EINVAL). 'repair' is reserved by VSS and stored as given. */
VSS_PUBLIC int vss_requester_add_restore_subcomponent(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *sub_logical_path,
                const char *sub_name,
                bool repair);

/* SetRestoreOptions: a text for the writer (grammar in VSS-REFERENCE §4.6, not parsed here). */
VSS_PUBLIC int vss_requester_set_restore_options(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *options);

/* SetAdditionalRestores: more restores of the component will follow (an incremental chain), so
 * the writer must not finish its recovery yet. */
VSS_PUBLIC int vss_requester_set_additional_restores(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool additional);

/* AddNewTarget: restore file set (path, filespec, recursive) of the component or of a member of
 * its set to 'alternate_path' instead (-VSS_E_OBJECT_NOT_FOUND when there is no such file set).
 * Needs VSS_BS_WRITER_SUPPORTS_NEW_TARGET. */
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

/* SetRollForward: how much of its logs the writer applies (VSS_RF_NONE, VSS_RF_ALL, or
 * VSS_RF_PARTIAL up to 'roll_forward_point', a writer-defined text required with it and only
 * with it; -EINVAL otherwise). Needs VSS_BS_ROLLFORWARD_RESTORE. */
VSS_PUBLIC int vss_requester_set_roll_forward(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                VSS_ROLLFORWARD_TYPE roll_type,
                const char *roll_forward_point);

/* SetRestoreName: restore the component under another name. Needs VSS_BS_RESTORE_RENAME. */
VSS_PUBLIC int vss_requester_set_restore_name(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *restore_name);

/* SetAuthoritativeRestore: the restored data wins over replicas. Needs
 * VSS_BS_AUTHORITATIVE_RESTORE. */
VSS_PUBLIC int vss_requester_set_authoritative_restore(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool authoritative);

/* PreRestore: sends PreRestore to the writers that restore selected components, each with its
 * part of the document, and merges what they set (restore targets, directed targets, restore
 * metadata, failure messages). Writers whose metadata says VSS_WRE_NEVER get no restore events.
 * A writer's failure does not fail the call: check gather_writer_status. Claims vssd like
 * start_snapshot_set (-VSS_E_SNAPSHOT_SET_IN_PROGRESS). Once. Blocks. */
VSS_PUBLIC int vss_requester_pre_restore(vss_requester *r);

/* AddAlternativeLocationMapping: records that the file set (path, filespec, recursive) of the
 * component or of a member of its set was restored to 'destination' through one of the
 * writer's alternate location mappings (the writer must declare exactly that mapping;
 * -VSS_E_OBJECT_NOT_FOUND otherwise). After pre_restore, before post_restore. */
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

/* SetRangesFilePath: the ranges file of partial file 'partial_file_index' of the component was
 * restored to 'ranges_file' (an absolute path); -EINVAL when that partial file has inline
 * ranges or the index is out of range. After pre_restore, before post_restore. */
VSS_PUBLIC int vss_requester_set_ranges_file_path(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                size_t partial_file_index,
                const char *ranges_file);

/* SetFileRestoreStatus: whether all, none or part (VSS_RS_FAILED) of the component's files were
 * restored; set it for every selected component. After pre_restore, before post_restore. */
VSS_PUBLIC int vss_requester_set_file_restore_status(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                VSS_FILE_RESTORE_STATUS status);

/* PostRestore: to the writers that got PreRestore, except those whose metadata says
 * VSS_WRE_IF_REPLACE_FAILS when every selected component of theirs was restored completely
 * (VSS_RS_ALL). Merges what they set (failure messages). After pre_restore, once. Blocks. */
VSS_PUBLIC int vss_requester_post_restore(vss_requester *r);

/* ---- Errors -------------------------------------------------------------------------------- */

/* A message for people about the last failed call: what the library, vssd or a document check
 * found. Borrowed, valid until the next call that is not a getter. NULL when the last such call
 * succeeded, or r is NULL. */
VSS_PUBLIC const char *vss_requester_get_error(const vss_requester *r);

VSS_END_DECLS
