/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The two VSS documents: the Writer Metadata Document (WMD), which a writer builds in Identify and
 * a requester reads, and the Backup Components Document (BCD), which a requester keeps and writers
 * read and annotate during a backup or restore. Building, reading, validating, versioned JSON, the
 * selection algebra of logical paths, and the partial-file range grammar. docs/DOCUMENTS.md is the
 * normative description of the formats and rules; VSS-REFERENCE §1.3–§1.6, §3 and §4 the
 * semantics. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss.h>

VSS_BEGIN_DECLS

/* ---- Conventions --------------------------------------------------------------------------
 *
 * Objects. vss_wmd and vss_bcd are documents; you create them with *_new() or *_from_json() and
 * own them until *_free(). Everything else (components, file descriptors, dependencies, BCD writers
 * and components) belongs to its document: pointers to those are borrowed and stay valid until the
 * document is freed (items are never removed or moved, so adding items does not invalidate them).
 * Strings returned by getters are borrowed on the same terms, except where a function says "you
 * now own it"; free those with free().
 *
 * BCD children are returned as non-const pointers even from a const document (like strchr() or
 * jansson's json_object_get()), so that a document you own can be edited through them. Do not
 * modify a document through a pointer obtained from a document you were handed as const.
 *
 * Errors. Functions that can fail return int: >= 0 success, < 0 a negative errno or a negated
 * VSS status (vss_strerror()). Common to all of them: -EINVAL when a required pointer is NULL or
 * an argument breaks a rule that can be checked on the argument alone (the rule is the one
 * vss_*_validate() applies; docs/DOCUMENTS.md §5), -ENOMEM when out of memory, -E2BIG when a
 * limit below would be exceeded. Setters change nothing when they fail. Getters never fail:
 * given NULL or an index out of range they return NULL, 0, false or the zero value.
 *
 * Strings are UTF-8 and NUL-terminated. Optional strings may be NULL; an empty optional string is
 * stored as NULL (absent). Logical paths are never NULL: the root is "".
 *
 * Thread-safety. There is no global state. A document and everything borrowed from it may be read
 * from several threads at once; a function documented "Modifies the document" needs exclusive
 * access to it. Different documents are independent. Nothing here blocks, except the ranges-file
 * functions, which read or write the file descriptor you give them. */

/* ---- Limits (docs/DOCUMENTS.md §4) -------------------------------------------------------- */

/* Largest JSON text read or written, in bytes. */
#define VSS_METADATA_DOCUMENT_MAX 16777216U /* 16 MiB */
/* Deepest nesting of JSON arrays and objects accepted on input. */
#define VSS_METADATA_JSON_DEPTH_MAX 16U
/* Longest name, logical path, path, file specification, caption or identifier, in bytes. */
#define VSS_METADATA_STRING_MAX 4096U
/* Longest free-form text (metadata, stamps, options, messages, range lists), in bytes. */
#define VSS_METADATA_TEXT_MAX 65536U
/* Largest component icon, in bytes. */
#define VSS_METADATA_ICON_MAX 65536U
/* Most components of one writer (WMD), and most explicit components of one writer (BCD). */
#define VSS_METADATA_COMPONENTS_MAX 4096U
/* Most file sets of one kind (file group, database, database log) in one component. */
#define VSS_METADATA_FILE_SETS_MAX 1024U
/* Most dependencies of one component. */
#define VSS_METADATA_DEPENDENCIES_MAX 256U
/* Most entries of each writer-wide list of a WMD (excludes, includes, alternate mappings). */
#define VSS_METADATA_WRITER_FILES_MAX 4096U
/* Most writers in one BCD. */
#define VSS_METADATA_WRITERS_MAX 1024U
/* Most entries of each list of one BCD component (partial files, differenced files, restore
 * subcomponents, directed targets, new targets, alternate location mappings). */
#define VSS_METADATA_ITEMS_MAX 4096U
/* Most ranges in one range list or ranges file. */
#define VSS_RANGES_MAX 1048576U

/* The JSON formats and the newest version this build reads and writes. */
#define VSS_WMD_FORMAT         "linvss-writer-metadata"
#define VSS_WMD_FORMAT_VERSION 1
#define VSS_BCD_FORMAT         "linvss-backup-components"
#define VSS_BCD_FORMAT_VERSION 1

/* Default freeze timeout of a writer, in milliseconds (CVssWriter::Initialize). */
#define VSS_FREEZE_TIMEOUT_DEFAULT 60000U

/* ---- Types -------------------------------------------------------------------------------- */

/* A Writer Metadata Document (IVssCreateWriterMetadata / IVssExamineWriterMetadata). */
typedef struct vss_wmd vss_wmd;
/* One component of a WMD (IVssWMComponent). */
typedef struct vss_wm_component vss_wm_component;
/* A file descriptor (IVssWMFiledesc): a component file set, an exclude or include entry, an
 * alternate location mapping, or a BCD new target or used mapping. */
typedef struct vss_wm_filedesc vss_wm_filedesc;
/* A cross-writer dependency of a component (IVssWMDependency). */
typedef struct vss_wm_dependency vss_wm_dependency;
/* A Backup Components Document (the document of IVssBackupComponents). */
typedef struct vss_bcd vss_bcd;
/* One writer's part of a BCD (IVssWriterComponents). */
typedef struct vss_bcd_writer vss_bcd_writer;
/* One explicitly included component of a BCD (IVssComponent, IVssComponentEx, IVssComponentEx2). */
typedef struct vss_bcd_component vss_bcd_component;

/* One byte range of a partial file or directed target: 'length' bytes from 'offset'. A plain
 * value. */
typedef struct vss_range {
        uint64_t offset;
        uint64_t length;
} vss_range;

/* ==== Writer Metadata Document: lifetime ==================================================== */

/* Creates an empty WMD: null GUIDs, no names, version 0.0, every enumeration UNDEFINED except the
 * application level (VSS_APP_FRONT_END), freeze timeout VSS_FREEZE_TIMEOUT_DEFAULT, backup schema
 * VSS_BS_UNDEFINED, no lists. Such a document does not validate until the identity, the restore
 * method and a component are set. On success *ret is a document you now own. -EINVAL, -ENOMEM. */
VSS_PUBLIC int vss_wmd_new(vss_wmd **ret);

/* Frees a WMD and everything borrowed from it. NULL-safe; returns NULL. Modifies the document. */
VSS_PUBLIC vss_wmd *vss_wmd_free(vss_wmd *wmd);

/* ==== Writer Metadata Document: identity (VSS-REFERENCE §1.2) =============================== */

/* Sets the writer class ID (a null GUID is refused: -EINVAL). Modifies the document. */
VSS_PUBLIC int vss_wmd_set_writer_class_id(vss_wmd *wmd, const vss_guid *class_id);
/* Returns the writer class ID (borrowed, valid until the document is freed; NULL if wmd is NULL).
 * Reads only. */
VSS_PUBLIC const vss_guid *vss_wmd_get_writer_class_id(const vss_wmd *wmd);

/* Sets the writer instance ID (a null GUID is refused: -EINVAL). Modifies the document. */
VSS_PUBLIC int vss_wmd_set_writer_instance_id(vss_wmd *wmd, const vss_guid *instance_id);
/* Returns the writer instance ID (borrowed, as above). Reads only. */
VSS_PUBLIC const vss_guid *vss_wmd_get_writer_instance_id(const vss_wmd *wmd);

/* Sets the persistent instance name (optional; NULL or "" removes it). -EINVAL for invalid
 * UTF-8 or a string longer than VSS_METADATA_STRING_MAX; -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_wmd_set_instance_name(vss_wmd *wmd, const char *instance_name);
/* Returns the instance name, or NULL if none (borrowed). Reads only. */
VSS_PUBLIC const char *vss_wmd_get_instance_name(const vss_wmd *wmd);

/* Sets the writer name (required, non-empty). -EINVAL, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_wmd_set_writer_name(vss_wmd *wmd, const char *writer_name);
/* Returns the writer name, or NULL if not set (borrowed). Reads only. */
VSS_PUBLIC const char *vss_wmd_get_writer_name(const vss_wmd *wmd);

/* Sets the writer version (CVssWriterEx::InitializeEx). -EINVAL if wmd is NULL. Modifies the
 * document. */
VSS_PUBLIC int vss_wmd_set_version(vss_wmd *wmd, uint32_t major, uint32_t minor);
/* Returns the major version. Reads only. */
VSS_PUBLIC uint32_t vss_wmd_get_version_major(const vss_wmd *wmd);
/* Returns the minor version. Reads only. */
VSS_PUBLIC uint32_t vss_wmd_get_version_minor(const vss_wmd *wmd);

/* Sets the usage type; VSS_UT_UNDEFINED and unnamed values are refused (-EINVAL). Modifies the
 * document. */
VSS_PUBLIC int vss_wmd_set_usage_type(vss_wmd *wmd, VSS_USAGE_TYPE usage_type);
/* Returns the usage type. Reads only. */
VSS_PUBLIC VSS_USAGE_TYPE vss_wmd_get_usage_type(const vss_wmd *wmd);

/* Sets the source type; unnamed values are refused (-EINVAL). Modifies the document. */
VSS_PUBLIC int vss_wmd_set_source_type(vss_wmd *wmd, VSS_SOURCE_TYPE source_type);
/* Returns the source type. Reads only. */
VSS_PUBLIC VSS_SOURCE_TYPE vss_wmd_get_source_type(const vss_wmd *wmd);

/* Sets the application level (freeze order); VSS_APP_UNKNOWN and unnamed values are refused
 * (-EINVAL). Modifies the document. */
VSS_PUBLIC int vss_wmd_set_application_level(vss_wmd *wmd, VSS_APPLICATION_LEVEL level);
/* Returns the application level. Reads only. */
VSS_PUBLIC VSS_APPLICATION_LEVEL vss_wmd_get_application_level(const vss_wmd *wmd);

/* Sets the freeze timeout in milliseconds; 0 is refused (-EINVAL). Modifies the document. */
VSS_PUBLIC int vss_wmd_set_freeze_timeout(vss_wmd *wmd, uint32_t timeout_ms);
/* Returns the freeze timeout in milliseconds. Reads only. */
VSS_PUBLIC uint32_t vss_wmd_get_freeze_timeout(const vss_wmd *wmd);

/* ==== Writer Metadata Document: restore method and backup schema (§1.3, §4.1) ================= */

/* Sets the restore method (SetRestoreMethod). 'method' and 'writer_restore' must be named and not
 * UNDEFINED; 'service' (a systemd unit name) is required for VSS_RME_STOP_RESTORE_START and
 * VSS_RME_RESTORE_STOP_START and optional otherwise; 'user_procedure' is optional. -EINVAL,
 * -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_wmd_set_restore_method(
                vss_wmd *wmd,
                VSS_RESTOREMETHOD_ENUM method,
                const char *service,
                const char *user_procedure,
                VSS_WRITERRESTORE_ENUM writer_restore,
                bool reboot_required);
/* Returns the restore method (VSS_RME_UNDEFINED until set). Reads only. */
VSS_PUBLIC VSS_RESTOREMETHOD_ENUM vss_wmd_get_restore_method(const vss_wmd *wmd);
/* Returns the service to stop and start, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_wmd_get_restore_service(const vss_wmd *wmd);
/* Returns the user procedure text, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_wmd_get_restore_user_procedure(const vss_wmd *wmd);
/* Returns when the writer wants restore events (VSS_WRE_UNDEFINED until set). Reads only. */
VSS_PUBLIC VSS_WRITERRESTORE_ENUM vss_wmd_get_writer_restore(const vss_wmd *wmd);
/* Returns whether a reboot is required after a restore. Reads only. */
VSS_PUBLIC bool vss_wmd_get_reboot_required(const vss_wmd *wmd);

/* Sets the VSS_BACKUP_SCHEMA mask. Undefined bits are refused, and so are
 * EXCLUSIVE_INCREMENTAL_DIFFERENTIAL, TIMESTAMPED and LAST_MODIFY without INCREMENTAL or
 * DIFFERENTIAL (-EINVAL). VSS_BS_LOG additionally needs a database log file set, which only
 * vss_wmd_validate() checks. Modifies the document. */
VSS_PUBLIC int vss_wmd_set_backup_schema(vss_wmd *wmd, uint32_t schema);
/* Returns the VSS_BACKUP_SCHEMA mask. Reads only. */
VSS_PUBLIC uint32_t vss_wmd_get_backup_schema(const vss_wmd *wmd);

/* ==== Writer Metadata Document: writer-wide file lists (§1.3) ================================ */

/* Adds an alternate location mapping (AddAlternateLocationMapping): files of the file set
 * (path, filespec, recursive) may be restored to 'destination'. The file set must be one of a
 * component's (checked by vss_wmd_validate(), so components may be added in any order). -EINVAL
 * (bad path, file specification or destination), -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_wmd_add_alternate_location_mapping(
                vss_wmd *wmd,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination);
/* Returns the number of alternate location mappings. Reads only. */
VSS_PUBLIC size_t vss_wmd_get_alternate_location_mapping_count(const vss_wmd *wmd);
/* Returns mapping 'index' (borrowed); its alternate location is the destination. Reads only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_wmd_get_alternate_location_mapping(const vss_wmd *wmd, size_t index);

/* Adds files never to back up (AddExcludeFiles). -EINVAL, -E2BIG, -ENOMEM. Modifies the
 * document. */
VSS_PUBLIC int
vss_wmd_add_exclude_files(vss_wmd *wmd, const char *path, const char *filespec, bool recursive);
/* Returns the number of exclude entries. Reads only. */
VSS_PUBLIC size_t vss_wmd_get_exclude_file_count(const vss_wmd *wmd);
/* Returns exclude entry 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *vss_wmd_get_exclude_file(const vss_wmd *wmd, size_t index);

/* Adds files the writer deletes from the snapshot after it is taken
 * (AddExcludeFilesFromSnapshot). -EINVAL, -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_wmd_add_exclude_files_from_snapshot(
                vss_wmd *wmd, const char *path, const char *filespec, bool recursive);
/* Returns the number of exclude-from-snapshot entries. Reads only. */
VSS_PUBLIC size_t vss_wmd_get_exclude_from_snapshot_count(const vss_wmd *wmd);
/* Returns exclude-from-snapshot entry 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_wmd_get_exclude_from_snapshot_file(const vss_wmd *wmd, size_t index);

/* Adds a writer-level include entry (AddIncludeFiles); 'alternate_location' is optional.
 * -EINVAL, -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_wmd_add_include_files(
                vss_wmd *wmd,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_location);
/* Returns the number of include entries. Reads only. */
VSS_PUBLIC size_t vss_wmd_get_include_file_count(const vss_wmd *wmd);
/* Returns include entry 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *vss_wmd_get_include_file(const vss_wmd *wmd, size_t index);

/* ==== Writer Metadata Document: components (§1.4) =========================================== */

/* Adds a component (AddComponent). 'type' must not be VSS_CT_UNDEFINED; 'logical_path' is NULL or
 * "" for the root, else '\'-separated names without empty segments; 'name' is non-empty without
 * '\'; 'caption' is optional; 'icon' holds 'icon_size' bytes (NULL and 0 for none, at most
 * VSS_METADATA_ICON_MAX); 'flags' is a VSS_COMPONENT_FLAGS mask without undefined bits.
 * -EINVAL, -VSS_E_OBJECT_ALREADY_EXISTS if (logical path, name) is taken, -E2BIG, -ENOMEM.
 * Modifies the document. */
VSS_PUBLIC int vss_wmd_add_component(
                vss_wmd *wmd,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *caption,
                const void *icon,
                size_t icon_size,
                bool restore_metadata,
                bool notify_on_backup_complete,
                bool selectable,
                bool selectable_for_restore,
                uint32_t flags);

/* Adds a file set to a VSS_CT_FILEGROUP component (AddFilesToFileGroup). 'path' is a directory
 * (non-empty, no '*' or '?'); 'filespec' a file name pattern without '/' or '\';
 * 'alternate_location' (optional) the backup-time source path; 'backup_type_mask' a
 * VSS_FILE_SPEC_BACKUP_TYPE mask (VSS_FSBT_DEFAULT is the VSS default). -VSS_E_OBJECT_NOT_FOUND
 * if there is no such component, -EINVAL (also for a database component), -E2BIG, -ENOMEM.
 * Modifies the document. */
VSS_PUBLIC int vss_wmd_add_files_to_file_group(
                vss_wmd *wmd,
                const char *logical_path,
                const char *group_name,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_location,
                uint32_t backup_type_mask);

/* Adds a database file set to a VSS_CT_DATABASE component (AddDatabaseFiles): never recursive,
 * no alternate location. Errors as vss_wmd_add_files_to_file_group(), -EINVAL for a file group
 * component. Modifies the document. */
VSS_PUBLIC int vss_wmd_add_database_files(
                vss_wmd *wmd,
                const char *logical_path,
                const char *database_name,
                const char *path,
                const char *filespec,
                uint32_t backup_type_mask);

/* Adds a database log file set to a VSS_CT_DATABASE component (AddDatabaseLogFiles). As
 * vss_wmd_add_database_files(). Modifies the document. */
VSS_PUBLIC int vss_wmd_add_database_log_files(
                vss_wmd *wmd,
                const char *logical_path,
                const char *database_name,
                const char *path,
                const char *filespec,
                uint32_t backup_type_mask);

/* Declares that component (for_logical_path, for_name) needs component (on_logical_path,
 * on_name) of writer class 'on_writer_class_id' (AddComponentDependency). A target on another
 * machine is written "\\machine\" + logical path (the prefix may also be found on the name; see
 * vss_wm_dependency_get_remote()). A dependency on the writer's own class is refused by
 * vss_wmd_validate() unless remote. -VSS_E_OBJECT_NOT_FOUND if the dependent component does not
 * exist, -VSS_E_OBJECT_ALREADY_EXISTS for a repeated dependency, -EINVAL, -E2BIG, -ENOMEM.
 * Modifies the document. */
VSS_PUBLIC int vss_wmd_add_component_dependency(
                vss_wmd *wmd,
                const char *for_logical_path,
                const char *for_name,
                const vss_guid *on_writer_class_id,
                const char *on_logical_path,
                const char *on_name);

/* Returns the number of components. Reads only. */
VSS_PUBLIC size_t vss_wmd_get_component_count(const vss_wmd *wmd);
/* Returns component 'index' (borrowed), in the order they were added. Reads only. */
VSS_PUBLIC const vss_wm_component *vss_wmd_get_component(const vss_wmd *wmd, size_t index);
/* Returns the component with this logical path (NULL or "" for the root) and name, or NULL
 * (borrowed). Names and paths compare byte for byte. Reads only. */
VSS_PUBLIC const vss_wm_component *
vss_wmd_find_component(const vss_wmd *wmd, const char *logical_path, const char *name);

/* Component getters (VSS_COMPONENTINFO). Strings are borrowed; all read only. */
VSS_PUBLIC VSS_COMPONENT_TYPE vss_wm_component_get_type(const vss_wm_component *c);
/* Returns the logical path; "" for the root. */
VSS_PUBLIC const char *vss_wm_component_get_logical_path(const vss_wm_component *c);
/* Returns the component name (borrowed). Reads only. */
VSS_PUBLIC const char *vss_wm_component_get_name(const vss_wm_component *c);
/* Returns the caption, or NULL. */
VSS_PUBLIC const char *vss_wm_component_get_caption(const vss_wm_component *c);
/* Returns the icon bytes (NULL if none) and stores their number in *ret_size (optional). */
VSS_PUBLIC const void *vss_wm_component_get_icon(const vss_wm_component *c, size_t *ret_size);
/* Returns whether the writer attaches restore metadata (bRestoreMetadata). Reads only. */
VSS_PUBLIC bool vss_wm_component_get_restore_metadata(const vss_wm_component *c);
/* Returns whether the writer wants BackupComplete for it. Reads only. */
VSS_PUBLIC bool vss_wm_component_get_notify_on_backup_complete(const vss_wm_component *c);
/* Returns whether the component is selectable for backup. Reads only. */
VSS_PUBLIC bool vss_wm_component_get_selectable(const vss_wm_component *c);
/* Returns whether the component is selectable for restore. Reads only. */
VSS_PUBLIC bool vss_wm_component_get_selectable_for_restore(const vss_wm_component *c);
/* Returns the VSS_COMPONENT_FLAGS mask. */
VSS_PUBLIC uint32_t vss_wm_component_get_flags(const vss_wm_component *c);

/* Returns the number of file-group file sets. Reads only. */
VSS_PUBLIC size_t vss_wm_component_get_file_count(const vss_wm_component *c);
/* Returns file-group file set 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_wm_component_get_file(const vss_wm_component *c, size_t index);
/* Returns the number of database file sets. Reads only. */
VSS_PUBLIC size_t vss_wm_component_get_database_file_count(const vss_wm_component *c);
/* Returns database file set 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_wm_component_get_database_file(const vss_wm_component *c, size_t index);
/* Returns the number of database log file sets. Reads only. */
VSS_PUBLIC size_t vss_wm_component_get_database_log_file_count(const vss_wm_component *c);
/* Returns database log file set 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_wm_component_get_database_log_file(const vss_wm_component *c, size_t index);
/* Returns the number of dependencies. Reads only. */
VSS_PUBLIC size_t vss_wm_component_get_dependency_count(const vss_wm_component *c);
/* Returns dependency 'index' (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_dependency *
vss_wm_component_get_dependency(const vss_wm_component *c, size_t index);

/* File descriptor getters (IVssWMFiledesc). Strings are borrowed; all read only. */
VSS_PUBLIC const char *vss_wm_filedesc_get_path(const vss_wm_filedesc *f);
/* Returns the file specification (borrowed). Reads only. */
VSS_PUBLIC const char *vss_wm_filedesc_get_filespec(const vss_wm_filedesc *f);
/* Returns whether the file set includes subdirectories. Reads only. */
VSS_PUBLIC bool vss_wm_filedesc_get_recursive(const vss_wm_filedesc *f);
/* Returns the alternate location: the backup-time source path for a component file set, the
 * destination for an alternate location mapping, the new location for a new target; NULL if
 * none. */
VSS_PUBLIC const char *vss_wm_filedesc_get_alternate_location(const vss_wm_filedesc *f);
/* Returns the VSS_FILE_SPEC_BACKUP_TYPE mask of a component file set; 0 for the other kinds. */
VSS_PUBLIC uint32_t vss_wm_filedesc_get_backup_type_mask(const vss_wm_filedesc *f);

/* Dependency getters (IVssWMDependency). All read only. */
/* Returns the class ID of the writer depended on (borrowed). */
VSS_PUBLIC const vss_guid *vss_wm_dependency_get_writer_class_id(const vss_wm_dependency *d);
/* Returns the target's logical path as declared, including any "\\machine\" prefix (borrowed). */
VSS_PUBLIC const char *vss_wm_dependency_get_logical_path(const vss_wm_dependency *d);
/* Returns the target's component name as declared (borrowed). */
VSS_PUBLIC const char *vss_wm_dependency_get_component_name(const vss_wm_dependency *d);

/* Tells whether a dependency points to another machine, testing both the logical path and the
 * component name for a leading "\\" (VSS-REFERENCE §1.4 [doc-inconsistency]). Returns 1 if remote
 * and then, for each non-NULL out parameter, stores a string you now own: the machine name, the
 * target's logical path on that machine ("" for the root) and its name. "\\srv\Db" + "Data"
 * gives ("srv", "Db", "Data"); "" + "\\srv\Db\Data" gives the same. Returns 0 if local (out
 * parameters set to NULL). -EINVAL, -ENOMEM. Reads only. */
VSS_PUBLIC int vss_wm_dependency_get_remote(
                const vss_wm_dependency *d,
                char **ret_machine,
                char **ret_logical_path,
                char **ret_name);

/* ==== Writer Metadata Document: validation and JSON ========================================= */

/* Checks every rule of docs/DOCUMENTS.md §5.1. Returns 0 if the document is valid, or
 * -VSS_E_INVALID_XML_DOCUMENT and, if 'reterr_message' is not NULL, a message you now own that
 * names the field and the rule, e.g. "components[2].database_log_files[0].filespec: must not
 * contain a directory separator". -EINVAL if wmd is NULL, -ENOMEM. *reterr_message is NULL
 * unless a message was made. Reads only. */
VSS_PUBLIC int vss_wmd_validate(const vss_wmd *wmd, char **reterr_message);

/* Serializes a valid WMD to JSON (docs/DOCUMENTS.md §2): deterministic, so that equal documents
 * give equal bytes, and loading then saving again gives the same bytes. Validates first: an
 * invalid document is refused with -VSS_E_INVALID_XML_DOCUMENT and a message as above. On success
 * *ret_json is a NUL-terminated string you now own and *ret_size (optional) its length. -E2BIG if
 * the text would exceed VSS_METADATA_DOCUMENT_MAX, -EINVAL, -ENOMEM. Reads only. */
VSS_PUBLIC int
vss_wmd_to_json(const vss_wmd *wmd, char **ret_json, size_t *ret_size, char **reterr_message);

/* Parses 'size' bytes of JSON into a new WMD and validates it. On success *ret is a document you
 * now own. Failures, each with a message naming the field when 'reterr_message' is not NULL:
 * -VSS_E_CORRUPT_XML_DOCUMENT for text that is not JSON, nested deeper than
 * VSS_METADATA_JSON_DEPTH_MAX, of the wrong format, or of the wrong shape (a wrong JSON type, an
 * unknown or repeated field); -EPROTONOSUPPORT for a newer format version than
 * VSS_WMD_FORMAT_VERSION; -VSS_E_INVALID_XML_DOCUMENT for a value that breaks a rule (including
 * unknown enumeration names, malformed GUIDs and values out of range); -E2BIG for more than
 * VSS_METADATA_DOCUMENT_MAX bytes; -EINVAL; -ENOMEM. */
VSS_PUBLIC int
vss_wmd_from_json(const char *json, size_t size, vss_wmd **ret, char **reterr_message);

/* ==== Backup Components Document: lifetime and global state (§1.6) ========================== */

/* Creates an empty BCD: component mode off, no bootable system state, backup type VSS_BT_FULL,
 * no partial file support, restore type VSS_RTYPE_UNDEFINED, context VSS_CTX_BACKUP, no writers.
 * On success *ret is a document you now own. -EINVAL, -ENOMEM. */
VSS_PUBLIC int vss_bcd_new(vss_bcd **ret);

/* Frees a BCD and everything borrowed from it. NULL-safe; returns NULL. Modifies the document. */
VSS_PUBLIC vss_bcd *vss_bcd_free(vss_bcd *bcd);

/* Sets the backup state (SetBackupState). 'backup_type' must be a named VSS_BACKUP_TYPE
 * (-EINVAL). Modifies the document. */
VSS_PUBLIC int vss_bcd_set_backup_state(
                vss_bcd *bcd,
                bool select_components,
                bool bootable_system_state,
                VSS_BACKUP_TYPE backup_type,
                bool partial_file_support);
/* Returns whether components are selected (AreComponentsSelected). Reads only. */
VSS_PUBLIC bool vss_bcd_get_select_components(const vss_bcd *bcd);
/* Returns whether bootable system state is backed up. Reads only. */
VSS_PUBLIC bool vss_bcd_get_bootable_system_state(const vss_bcd *bcd);
/* Returns the backup type. Reads only. */
VSS_PUBLIC VSS_BACKUP_TYPE vss_bcd_get_backup_type(const vss_bcd *bcd);
/* Returns whether partial file support is enabled. Reads only. */
VSS_PUBLIC bool vss_bcd_get_partial_file_support(const vss_bcd *bcd);

/* Sets the restore type (SetRestoreState); unnamed values are refused (-EINVAL). Modifies the
 * document. */
VSS_PUBLIC int vss_bcd_set_restore_type(vss_bcd *bcd, VSS_RESTORE_TYPE restore_type);
/* Returns the restore type. Reads only. */
VSS_PUBLIC VSS_RESTORE_TYPE vss_bcd_get_restore_type(const vss_bcd *bcd);

/* Sets the snapshot context (SetContext): one VSS_SNAPSHOT_CONTEXT other than VSS_CTX_ALL, OR-ed
 * with any other defined VSS_VOLUME_SNAPSHOT_ATTRIBUTES bits. -EINVAL otherwise. Modifies the
 * document. */
VSS_PUBLIC int vss_bcd_set_snapshot_context(vss_bcd *bcd, uint32_t context);
/* Returns the snapshot context. Reads only. */
VSS_PUBLIC uint32_t vss_bcd_get_snapshot_context(const vss_bcd *bcd);

/* ==== Backup Components Document: writers ================================================== */

/* Adds a writer (instance ID, class ID, both non-null; optional instance name). On success
 * *ret (optional) is the new writer, borrowed. -VSS_E_OBJECT_ALREADY_EXISTS if a writer with the
 * same class and instance ID is present, -EINVAL, -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_add_writer(
                vss_bcd *bcd,
                const vss_guid *instance_id,
                const vss_guid *class_id,
                const char *instance_name,
                vss_bcd_writer **ret);
/* Returns the number of writers. Reads only. */
VSS_PUBLIC size_t vss_bcd_get_writer_count(const vss_bcd *bcd);
/* Returns writer 'index' (borrowed). Reads only. */
VSS_PUBLIC vss_bcd_writer *vss_bcd_get_writer(const vss_bcd *bcd, size_t index);
/* Returns the writer with this instance and class ID, or NULL (borrowed). Reads only. */
VSS_PUBLIC vss_bcd_writer *
vss_bcd_find_writer(const vss_bcd *bcd, const vss_guid *instance_id, const vss_guid *class_id);

/* Writer getters (GetWriterInfo). All read only; results borrowed. */
VSS_PUBLIC const vss_guid *vss_bcd_writer_get_instance_id(const vss_bcd_writer *w);
/* Returns the writer class ID (borrowed). Reads only. */
VSS_PUBLIC const vss_guid *vss_bcd_writer_get_class_id(const vss_bcd_writer *w);
/* Returns the instance name, or NULL. */
VSS_PUBLIC const char *vss_bcd_writer_get_instance_name(const vss_bcd_writer *w);

/* Adds an explicitly included component to a writer's part of the BCD, checking only the
 * document's own rules (type not UNDEFINED, well-formed logical path and name, unique). Use
 * vss_bcd_add_component() to apply the selection rules against the writer's WMD. On success
 * *ret (optional) is the new component, borrowed. -VSS_E_OBJECT_ALREADY_EXISTS, -EINVAL, -E2BIG,
 * -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_writer_add_component(
                vss_bcd_writer *w,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret);
/* Returns the number of explicitly included components of the writer. Reads only. */
VSS_PUBLIC size_t vss_bcd_writer_get_component_count(const vss_bcd_writer *w);
/* Returns component 'index' (borrowed). Reads only. */
VSS_PUBLIC vss_bcd_component *vss_bcd_writer_get_component(const vss_bcd_writer *w, size_t index);
/* Returns the explicitly included component with this logical path and name, or NULL
 * (borrowed). Reads only. */
VSS_PUBLIC vss_bcd_component *
vss_bcd_writer_find_component(const vss_bcd_writer *w, const char *logical_path, const char *name);

/* ==== Backup Components Document: one component (§1.6) ===================================== */

/* Identity, as added. All read only; strings borrowed. */
VSS_PUBLIC VSS_COMPONENT_TYPE vss_bcd_component_get_type(const vss_bcd_component *c);
/* Returns the logical path, "" at the root (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_logical_path(const vss_bcd_component *c);
/* Returns the component name (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_name(const vss_bcd_component *c);

/* Backup succeeded (SetBackupSucceeded / GetBackupSucceeded). Set modifies the document. */
VSS_PUBLIC int vss_bcd_component_set_backup_succeeded(vss_bcd_component *c, bool succeeded);
/* Returns whether the backup of the component (and its set) succeeded. Reads only. */
VSS_PUBLIC bool vss_bcd_component_get_backup_succeeded(const vss_bcd_component *c);

/* Free-form strings. Each setter stores a copy (NULL or "" clears; -EINVAL for invalid UTF-8 or
 * more than VSS_METADATA_TEXT_MAX bytes; -ENOMEM) and modifies the document; each getter returns
 * the string or NULL, borrowed. */
/* Backup options (SetBackupOptions). */
VSS_PUBLIC int vss_bcd_component_set_backup_options(vss_bcd_component *c, const char *options);
/* Returns the backup options, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_backup_options(const vss_bcd_component *c);
/* Restore options (SetRestoreOptions; grammar in VSS-REFERENCE §4.6, interpreted by the writer). */
VSS_PUBLIC int vss_bcd_component_set_restore_options(vss_bcd_component *c, const char *options);
/* Returns the restore options, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_restore_options(const vss_bcd_component *c);
/* Writer-private backup metadata (SetBackupMetadata). */
VSS_PUBLIC int vss_bcd_component_set_backup_metadata(vss_bcd_component *c, const char *metadata);
/* Returns the backup metadata, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_backup_metadata(const vss_bcd_component *c);
/* Writer-private restore metadata (SetRestoreMetadata). */
VSS_PUBLIC int vss_bcd_component_set_restore_metadata(vss_bcd_component *c, const char *metadata);
/* Returns the restore metadata, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_restore_metadata(const vss_bcd_component *c);
/* Backup stamp (SetBackupStamp), opaque to the requester. */
VSS_PUBLIC int vss_bcd_component_set_backup_stamp(vss_bcd_component *c, const char *stamp);
/* Returns the backup stamp, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_backup_stamp(const vss_bcd_component *c);
/* Previous backup stamp (SetPreviousBackupStamp), a copy of an older backup stamp. */
VSS_PUBLIC int vss_bcd_component_set_previous_backup_stamp(vss_bcd_component *c, const char *stamp);
/* Returns the previous backup stamp, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_previous_backup_stamp(const vss_bcd_component *c);
/* Restore name (SetRestoreName). */
VSS_PUBLIC int vss_bcd_component_set_restore_name(vss_bcd_component *c, const char *restore_name);
/* Returns the restore name, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *vss_bcd_component_get_restore_name(const vss_bcd_component *c);
/* Failure messages of the four writer events (Set…FailureMsg). */
VSS_PUBLIC int
vss_bcd_component_set_prepare_for_backup_failure_message(vss_bcd_component *c, const char *message);
/* Returns the PrepareForBackup failure message, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *
vss_bcd_component_get_prepare_for_backup_failure_message(const vss_bcd_component *c);
/* Sets the PostSnapshot failure message. Modifies the document. */
VSS_PUBLIC int
vss_bcd_component_set_post_snapshot_failure_message(vss_bcd_component *c, const char *message);
/* Returns the PostSnapshot failure message, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *
vss_bcd_component_get_post_snapshot_failure_message(const vss_bcd_component *c);
/* Sets the PreRestore failure message. Modifies the document. */
VSS_PUBLIC int
vss_bcd_component_set_pre_restore_failure_message(vss_bcd_component *c, const char *message);
/* Returns the PreRestore failure message, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *
vss_bcd_component_get_pre_restore_failure_message(const vss_bcd_component *c);
/* Sets the PostRestore failure message. Modifies the document. */
VSS_PUBLIC int
vss_bcd_component_set_post_restore_failure_message(vss_bcd_component *c, const char *message);
/* Returns the PostRestore failure message, or NULL (borrowed). Reads only. */
VSS_PUBLIC const char *
vss_bcd_component_get_post_restore_failure_message(const vss_bcd_component *c);

/* Adds a partial file (AddPartialFile): 'path' a directory, 'filename' a file name without '/'
 * or '\', 'ranges' either an inline range list (vss_ranges_parse()) or the absolute path of a
 * ranges file (vss_ranges_is_file_reference()), 'metadata' optional. -EINVAL, -E2BIG, -ENOMEM.
 * Modifies the document. */
VSS_PUBLIC int vss_bcd_component_add_partial_file(
                vss_bcd_component *c,
                const char *path,
                const char *filename,
                const char *ranges,
                const char *metadata);
/* Returns the number of partial files. Reads only. */
VSS_PUBLIC size_t vss_bcd_component_get_partial_file_count(const vss_bcd_component *c);
/* Returns partial file 'index' through the non-NULL out parameters (borrowed strings; metadata
 * may be NULL). -EINVAL if c is NULL or index out of range. Reads only. */
VSS_PUBLIC int vss_bcd_component_get_partial_file(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_path,
                const char **ret_filename,
                const char **ret_ranges,
                const char **ret_metadata);
/* Replaces the ranges file path of partial file 'index' after the ranges file was restored
 * elsewhere (SetRangesFilePath). The partial file must use a ranges file and 'ranges_file' must
 * be an absolute path; -EINVAL otherwise or if index is out of range; -ENOMEM. Modifies the
 * document. */
VSS_PUBLIC int
vss_bcd_component_set_ranges_file_path(vss_bcd_component *c, size_t index, const char *ranges_file);

/* Adds differenced files by last modification time (AddDifferencedFilesByLastModifyTime).
 * 'last_modify_time_ns' is nanoseconds since the Unix epoch (UTC); 0 means "not given": the
 * requester uses its own history (VSS-REFERENCE §3.3). -EINVAL, -E2BIG, -ENOMEM. Modifies the
 * document. */
VSS_PUBLIC int vss_bcd_component_add_differenced_files_by_last_modify_time(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                int64_t last_modify_time_ns);
/* Adds differenced files by last-modify LSN (AddDifferencedFilesByLastModifyLSN). Reserved by
 * VSS: stored and serialized, but no linvss component acts on it. 'lsn' is required. -EINVAL,
 * -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_add_differenced_files_by_last_modify_lsn(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *lsn);
/* Returns the number of differenced file entries. Reads only. */
VSS_PUBLIC size_t vss_bcd_component_get_differenced_files_count(const vss_bcd_component *c);
/* Returns differenced file entry 'index' through the non-NULL out parameters (borrowed strings;
 * lsn NULL unless given; time 0 unless given). -EINVAL. Reads only. */
VSS_PUBLIC int vss_bcd_component_get_differenced_file(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_path,
                const char **ret_filespec,
                bool *ret_recursive,
                const char **ret_lsn,
                int64_t *ret_last_modify_time_ns);

/* Marks the component selected or not for restore (SetSelectedForRestore[Ex]), with no checks
 * against the WMD (see vss_bcd_set_selected_for_restore()). 'instance_id' (optional; NULL or the
 * null GUID for none) is the writer instance to restore to (restore with move); it is only kept
 * while selected. -EINVAL. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_set_selected_for_restore(
                vss_bcd_component *c, bool selected, const vss_guid *instance_id);
/* Returns whether the component is selected for restore. Reads only. */
VSS_PUBLIC bool vss_bcd_component_get_selected_for_restore(const vss_bcd_component *c);
/* Returns the target writer instance of a restore with move (the null GUID if none; borrowed).
 * Reads only. */
VSS_PUBLIC const vss_guid *vss_bcd_component_get_restore_instance_id(const vss_bcd_component *c);

/* Adds a restore subcomponent (AddRestoreSubcomponent) with only the document's rules: a
 * well-formed logical path and name inside this component's set. 'repair' is reserved by VSS and
 * stored as given. See vss_bcd_add_restore_subcomponent() for the WMD rules.
 * -VSS_E_OBJECT_ALREADY_EXISTS, -EINVAL, -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_add_restore_subcomponent(
                vss_bcd_component *c, const char *logical_path, const char *name, bool repair);
/* Returns the number of restore subcomponents. Reads only. */
VSS_PUBLIC size_t vss_bcd_component_get_restore_subcomponent_count(const vss_bcd_component *c);
/* Returns restore subcomponent 'index' through the non-NULL out parameters (borrowed). -EINVAL.
 * Reads only. */
VSS_PUBLIC int vss_bcd_component_get_restore_subcomponent(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_logical_path,
                const char **ret_name,
                bool *ret_repair);

/* Additional restores will follow (SetAdditionalRestores). Set modifies the document. */
VSS_PUBLIC int vss_bcd_component_set_additional_restores(vss_bcd_component *c, bool additional);
/* Returns whether more restores of the component will follow. Reads only. */
VSS_PUBLIC bool vss_bcd_component_get_additional_restores(const vss_bcd_component *c);

/* Restore target (SetRestoreTarget); default VSS_RT_ORIGINAL; VSS_RT_UNDEFINED and unnamed values
 * are refused (-EINVAL). Set modifies the document. */
VSS_PUBLIC int
vss_bcd_component_set_restore_target(vss_bcd_component *c, VSS_RESTORE_TARGET target);
/* Returns the restore target (VSS_RT_ORIGINAL unless set). Reads only. */
VSS_PUBLIC VSS_RESTORE_TARGET vss_bcd_component_get_restore_target(const vss_bcd_component *c);

/* Adds a directed target (AddDirectedTarget): source and destination directory, file name and
 * inline range list; both range lists must cover the same number of bytes. -EINVAL, -E2BIG,
 * -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_add_directed_target(
                vss_bcd_component *c,
                const char *source_path,
                const char *source_filename,
                const char *source_ranges,
                const char *destination_path,
                const char *destination_filename,
                const char *destination_ranges);
/* Returns the number of directed targets. Reads only. */
VSS_PUBLIC size_t vss_bcd_component_get_directed_target_count(const vss_bcd_component *c);
/* Returns directed target 'index' through the non-NULL out parameters (borrowed). -EINVAL. Reads
 * only. */
VSS_PUBLIC int vss_bcd_component_get_directed_target(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_source_path,
                const char **ret_source_filename,
                const char **ret_source_ranges,
                const char **ret_destination_path,
                const char **ret_destination_filename,
                const char **ret_destination_ranges);

/* Adds a new target (AddNewTarget): the file set (path, filespec, recursive) is restored to
 * 'alternate_path' (required). -EINVAL, -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_add_new_target(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_path);
/* Returns the number of new targets. Reads only. */
VSS_PUBLIC size_t vss_bcd_component_get_new_target_count(const vss_bcd_component *c);
/* Returns new target 'index' (borrowed; its alternate location is the new path). Reads only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_bcd_component_get_new_target(const vss_bcd_component *c, size_t index);

/* Records an alternate location mapping used in the restore (AddAlternativeLocationMapping).
 * 'destination' is required. -EINVAL, -E2BIG, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_add_alternate_location_mapping(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination);
/* Returns the number of used alternate location mappings. Reads only. */
VSS_PUBLIC size_t
vss_bcd_component_get_alternate_location_mapping_count(const vss_bcd_component *c);
/* Returns used mapping 'index' (borrowed; its alternate location is the destination). Reads
 * only. */
VSS_PUBLIC const vss_wm_filedesc *
vss_bcd_component_get_alternate_location_mapping(const vss_bcd_component *c, size_t index);

/* File restore status (SetFileRestoreStatus); unnamed values are refused (-EINVAL). Set modifies
 * the document. */
VSS_PUBLIC int
vss_bcd_component_set_file_restore_status(vss_bcd_component *c, VSS_FILE_RESTORE_STATUS status);
/* Returns the file restore status (VSS_RS_UNDEFINED unless set). Reads only. */
VSS_PUBLIC VSS_FILE_RESTORE_STATUS
vss_bcd_component_get_file_restore_status(const vss_bcd_component *c);

/* Per-component failure (IVssComponentEx2::SetFailure): the writer failure HRESULT, the
 * application's HRESULT and an optional message. -EINVAL, -ENOMEM. Modifies the document. */
VSS_PUBLIC int vss_bcd_component_set_failure(
                vss_bcd_component *c,
                uint32_t hr,
                uint32_t application_hr,
                const char *application_message);
/* Returns the failure through the non-NULL out parameters (0, 0, NULL when none was set;
 * message borrowed). -EINVAL if c is NULL. Reads only. */
VSS_PUBLIC int vss_bcd_component_get_failure(
                const vss_bcd_component *c,
                uint32_t *ret_hr,
                uint32_t *ret_application_hr,
                const char **ret_application_message);

/* Roll-forward (SetRollForward). A 'point' is required with VSS_RF_PARTIAL and refused with the
 * other types; VSS_RF_UNDEFINED (the default) means "not set". -EINVAL, -ENOMEM. Modifies the
 * document. */
VSS_PUBLIC int vss_bcd_component_set_roll_forward(
                vss_bcd_component *c, VSS_ROLLFORWARD_TYPE type, const char *point);
/* Returns the roll-forward type (VSS_RF_UNDEFINED unless set). Reads only. */
VSS_PUBLIC VSS_ROLLFORWARD_TYPE vss_bcd_component_get_roll_forward_type(const vss_bcd_component *c);
/* Returns the roll-forward point, or NULL (borrowed). */
VSS_PUBLIC const char *vss_bcd_component_get_roll_forward_point(const vss_bcd_component *c);

/* Authoritative restore (SetAuthoritativeRestore). Set modifies the document. */
VSS_PUBLIC int
vss_bcd_component_set_authoritative_restore(vss_bcd_component *c, bool authoritative);
/* Returns whether the restore is authoritative. Reads only. */
VSS_PUBLIC bool vss_bcd_component_get_authoritative_restore(const vss_bcd_component *c);

/* ==== Backup Components Document: validation and JSON ====================================== */

/* Checks every rule of docs/DOCUMENTS.md §5.2. Returns 0, or -VSS_E_INVALID_XML_DOCUMENT with a
 * message naming the field (e.g. "writers[0].components[1].partial_files[0].ranges: ...") you
 * now own in *reterr_message (optional). -EINVAL, -ENOMEM. Reads only. */
VSS_PUBLIC int vss_bcd_validate(const vss_bcd *bcd, char **reterr_message);

/* Serializes a valid BCD to JSON (docs/DOCUMENTS.md §3); deterministic. As vss_wmd_to_json().
 * Reads only. */
VSS_PUBLIC int
vss_bcd_to_json(const vss_bcd *bcd, char **ret_json, size_t *ret_size, char **reterr_message);

/* Parses and validates a BCD. Errors as vss_wmd_from_json(), with VSS_BCD_FORMAT_VERSION. */
VSS_PUBLIC int
vss_bcd_from_json(const char *json, size_t size, vss_bcd **ret, char **reterr_message);

/* ==== Selection algebra (VSS-REFERENCE §1.5, docs/DOCUMENTS.md §6) ========================= */

/* Makes the full path of a component: "logical_path\name", or "name" at the root. On success
 * *ret is a string you now own. -EINVAL, -ENOMEM. */
VSS_PUBLIC int vss_component_full_path(const char *logical_path, const char *name, char **ret);

/* Returns 1 if component 'c' is a member of the component set of 'set': its logical path equals
 * the full path of 'set' or starts with it followed by '\'. Returns 0 if not (also when 'set' is
 * not selectable, as only selectable components define sets), -EINVAL. Reads only. */
VSS_PUBLIC int
vss_wm_component_is_member_of(const vss_wm_component *c, const vss_wm_component *set);

/* Lists the members of the component set of a selectable component, in document order (the
 * component itself is not a member). On success *ret is an array you now own (free() it; NULL
 * when empty) of borrowed component pointers, and *ret_n their number. -EINVAL (also if 'set' is
 * not selectable or not in 'wmd'), -ENOMEM. Reads only. */
VSS_PUBLIC int vss_wmd_get_component_set(
                const vss_wmd *wmd,
                const vss_wm_component *set,
                const vss_wm_component ***ret,
                size_t *ret_n);

/* Returns the nearest selectable ancestor of a component (the selectable component whose full
 * path is the longest prefix of the component's logical path, segment-wise), or NULL if it has
 * none (borrowed). Reads only. */
VSS_PUBLIC const vss_wm_component *
vss_wmd_get_selectable_ancestor(const vss_wmd *wmd, const vss_wm_component *c);

/* Lists the required components of a writer: not selectable and without a selectable ancestor.
 * Ownership as vss_wmd_get_component_set(). -EINVAL, -ENOMEM. Reads only. */
VSS_PUBLIC int
vss_wmd_get_required_components(const vss_wmd *wmd, const vss_wm_component ***ret, size_t *ret_n);

/* Explicitly includes a component of the writer described by 'wmd' (AddComponent), creating the
 * writer's entry (instance ID, class ID and instance name from the WMD) if needed. Refuses:
 *   -VSS_E_OBJECT_NOT_FOUND       the WMD has no such component;
 *   -VSS_E_OBJECT_ALREADY_EXISTS  it is already included, explicitly or implicitly through an
 *                                 explicitly included selectable ancestor, or it is selectable
 *                                 and a member of its set is already explicitly included;
 *   -EINVAL                       it is not selectable but has a selectable ancestor (it can only
 *                                 be included through that ancestor), or bad arguments;
 *   -E2BIG, -ENOMEM.
 * On success *ret (optional) is the new BCD component, borrowed. When 'reterr_message' is not NULL
 * a refusal comes with a message you now own. Modifies the document. */
VSS_PUBLIC int vss_bcd_add_component(
                vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret,
                char **reterr_message);

/* Once any component of the writer is explicitly included, explicitly includes every required
 * component not yet included (VSS-REFERENCE §1.5). Returns the number of components added (0 if
 * none was missing or the writer has nothing included). -EINVAL, -E2BIG, -ENOMEM. Modifies the
 * document. */
VSS_PUBLIC int vss_bcd_add_required_components(vss_bcd *bcd, const vss_wmd *wmd);

/* Finds the explicitly included component that carries the state of component (logical_path,
 * name) of this writer: the component itself if explicitly included (returns 1), else the
 * explicitly included selectable ancestor whose set it belongs to (returns 0). *ret (optional) is
 * borrowed. -VSS_E_OBJECT_NOT_FOUND if the WMD has no such component or it is not included,
 * -EINVAL. Reads only. */
VSS_PUBLIC int vss_bcd_resolve_component(
                const vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret);

/* Checks one writer's part of a BCD against its WMD: every explicit component exists in the WMD
 * with the same type, none is included twice (explicitly and implicitly), none is a non-selectable
 * component with a selectable ancestor, all required components are included when any component
 * is, every restore subcomponent is an implicitly included member of its component's set that
 * is selectable for restore, every new target names a file set of the component or its set, and
 * every used alternate location mapping is one the writer declares, for such a file set. A writer
 * absent from the BCD passes. Returns 0, or -VSS_E_INVALID_XML_DOCUMENT with a message naming the
 * BCD field (optional, you now own it). -EINVAL, -ENOMEM. Reads only. */
VSS_PUBLIC int
vss_bcd_check_selection(const vss_bcd *bcd, const vss_wmd *wmd, char **reterr_message);

/* Selects a component for restore (SetSelectedForRestore[Ex]) with the restore-side rules: any
 * explicitly included component may be selected, regardless of its selectable-for-restore flag;
 * an implicitly included one cannot (select its ancestor and add it as a restore subcomponent).
 * A non-null 'instance_id' (restore with move) needs VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE in
 * the writer's schema. -VSS_E_OBJECT_NOT_FOUND if the component is not explicitly included,
 * -EINVAL, with a message as for vss_bcd_add_component(). Modifies the document. */
VSS_PUBLIC int vss_bcd_set_selected_for_restore(
                vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                bool selected,
                const vss_guid *instance_id,
                char **reterr_message);

/* Adds a restore subcomponent (AddRestoreSubcomponent) with the WMD rules: (logical_path, name)
 * is explicitly included and selected for restore, and (sub_logical_path, sub_name) is a component
 * of the WMD that is selectable for restore and implicitly included through it.
 * -VSS_E_OBJECT_NOT_FOUND (either component unknown, or the first not explicitly included),
 * -VSS_E_OBJECT_ALREADY_EXISTS, -EINVAL, -E2BIG, -ENOMEM, with a message as above. Modifies the
 * document. */
VSS_PUBLIC int vss_bcd_add_restore_subcomponent(
                vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                const char *sub_logical_path,
                const char *sub_name,
                bool repair,
                char **reterr_message);

/* Tells whether component (logical_path, name) is restored: the component carrying its state is
 * selected for restore and either has no restore subcomponents (its whole set is restored) or the
 * component is one of them or lies below one (by logical path). Returns 1 or 0;
 * -VSS_E_OBJECT_NOT_FOUND if the WMD has no such component; -EINVAL. Reads only. */
VSS_PUBLIC int vss_bcd_is_component_restored(
                const vss_bcd *bcd, const vss_wmd *wmd, const char *logical_path, const char *name);

/* Lists the cross-writer dependency targets that the writer's current selection needs: the
 * dependencies of every component included explicitly or implicitly, each distinct target
 * (writer class, logical path, name) once, in document order. Ownership as
 * vss_wmd_get_component_set(). Use vss_wm_dependency_get_remote() to tell remote targets.
 * -EINVAL, -ENOMEM. Reads only. */
VSS_PUBLIC int vss_bcd_get_needed_dependencies(
                const vss_bcd *bcd,
                const vss_wmd *wmd,
                const vss_wm_dependency ***ret,
                size_t *ret_n);

/* ==== Partial-file ranges (VSS-REFERENCE §3.5, docs/DOCUMENTS.md §7) ======================== */

/* Parses an inline range list "offset:length[,offset:length...]"; each value is decimal or
 * 0x-hexadecimal, without signs, blanks or empty items. Every length must be at least 1 and every
 * range must end (offset + length) at or below 2^63 - 1. On success *ret is an array you now own
 * (free() it) of *ret_n >= 1 ranges, in the order written. -EINVAL (syntax, empty range), -ERANGE
 * (a value above 2^64 - 1 or a range ending beyond 2^63 - 1), -E2BIG (more than VSS_RANGES_MAX),
 * -ENOMEM. */
VSS_PUBLIC int vss_ranges_parse(const char *s, vss_range **ret, size_t *ret_n);

/* Formats ranges as an inline list in decimal ("0:4096,1048576:65536"). On success *ret is a
 * string you now own. -EINVAL (n == 0, or a range breaking the rules above), -E2BIG, -ENOMEM. */
VSS_PUBLIC int vss_ranges_format(const vss_range *ranges, size_t n, char **ret);

/* Returns true if a partial file's ranges string names a ranges file (an absolute path, starting
 * with '/') rather than an inline list. */
VSS_PUBLIC bool vss_ranges_is_file_reference(const char *ranges);

/* Decodes the binary ranges-file form: a little-endian unsigned 64-bit count N, then N pairs of
 * little-endian unsigned 64-bit (offset, length); the size must be exactly 8 + 16 N bytes, N at
 * most VSS_RANGES_MAX, and each range follows the rules of vss_ranges_parse(). On success *ret is
 * an array you now own (NULL when N is 0) and *ret_n is N. -EBADMSG (truncated or trailing bytes,
 * or a bad range), -E2BIG (N too large), -EINVAL, -ENOMEM. */
VSS_PUBLIC int vss_ranges_decode(const void *data, size_t size, vss_range **ret, size_t *ret_n);

/* Encodes ranges in the binary ranges-file form. On success *ret is a buffer you now own of
 * *ret_size bytes. -EINVAL (a range breaking the rules), -E2BIG, -ENOMEM. */
VSS_PUBLIC int vss_ranges_encode(const vss_range *ranges, size_t n, void **ret, size_t *ret_size);

/* Reads a ranges file from 'fd' (from its current position to end of file) and decodes it as
 * vss_ranges_decode(). Files larger than the largest valid one are refused with -E2BIG without
 * reading them whole. Blocks on the read. Other errors as vss_ranges_decode() and read(2). */
VSS_PUBLIC int vss_ranges_file_read(int fd, vss_range **ret, size_t *ret_n);

/* Encodes ranges and writes them to 'fd' at its current position (retrying short writes). Blocks
 * on the write. Errors as vss_ranges_encode() and write(2). The caller decides about fsync() and
 * atomic replacement. */
VSS_PUBLIC int vss_ranges_file_write(int fd, const vss_range *ranges, size_t n);

VSS_END_DECLS
