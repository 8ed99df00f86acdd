/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The layout of the WMD and BCD objects, shared by the metadata-*.c files, and the rule checks
 * that both the setters and the validators use (docs/DOCUMENTS.md §5). */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

#include "macro.h"
#include "ptr-array.h"

/* What a file descriptor describes; decides which fields it uses and how it is serialized. */
typedef enum FiledescKind {
        FILEDESC_FILE_GROUP,   /* path, filespec, recursive, alternate location, mask */
        FILEDESC_DATABASE,     /* path, filespec, mask (recursive, alternate always unset) */
        FILEDESC_DATABASE_LOG, /* same */
        FILEDESC_EXCLUDE,      /* path, filespec, recursive */
        FILEDESC_INCLUDE,      /* path, filespec, recursive, optional alternate location */
        FILEDESC_MAPPING,      /* path, filespec, recursive, destination (required) */
        FILEDESC_NEW_TARGET,   /* path, filespec, recursive, alternate path (required) */
} FiledescKind;

struct vss_wm_filedesc {
        FiledescKind kind;
        char *path;
        char *filespec;
        bool recursive;
        char *alternate_location; /* NULL if none */
        uint32_t backup_type_mask;
};

struct vss_wm_dependency {
        vss_guid writer_class_id;
        char *logical_path; /* never NULL */
        char *component_name;
};

struct vss_wm_component {
        VSS_COMPONENT_TYPE type;
        char *logical_path; /* never NULL; "" at the root */
        char *name;
        char *caption;
        uint8_t *icon;
        size_t icon_size;
        bool restore_metadata;
        bool notify_on_backup_complete;
        bool selectable;
        bool selectable_for_restore;
        uint32_t flags;
        PtrArray files;              /* vss_wm_filedesc, FILEDESC_FILE_GROUP */
        PtrArray database_files;     /* vss_wm_filedesc, FILEDESC_DATABASE */
        PtrArray database_log_files; /* vss_wm_filedesc, FILEDESC_DATABASE_LOG */
        PtrArray dependencies;       /* vss_wm_dependency */
};

struct vss_wmd {
        vss_guid writer_class_id;
        vss_guid writer_instance_id;
        char *instance_name;
        char *writer_name;
        uint32_t version_major;
        uint32_t version_minor;
        VSS_USAGE_TYPE usage_type;
        VSS_SOURCE_TYPE source_type;
        VSS_APPLICATION_LEVEL application_level;
        uint32_t freeze_timeout_ms;

        VSS_RESTOREMETHOD_ENUM restore_method;
        char *restore_service;
        char *restore_user_procedure;
        VSS_WRITERRESTORE_ENUM writer_restore;
        bool reboot_required;

        uint32_t backup_schema;

        PtrArray alternate_location_mappings; /* vss_wm_filedesc, FILEDESC_MAPPING */
        PtrArray exclude_files;               /* vss_wm_filedesc, FILEDESC_EXCLUDE */
        PtrArray exclude_files_from_snapshot; /* vss_wm_filedesc, FILEDESC_EXCLUDE */
        PtrArray include_files;               /* vss_wm_filedesc, FILEDESC_INCLUDE */
        PtrArray components;                  /* vss_wm_component */
};

typedef struct BcdPartialFile {
        char *path;
        char *filename;
        char *ranges;
        char *metadata;
} BcdPartialFile;

typedef struct BcdDifferencedFile {
        char *path;
        char *filespec;
        bool recursive;
        int64_t last_modify_time_ns; /* 0: not given */
        char *last_modify_lsn;       /* NULL: not given (reserved) */
} BcdDifferencedFile;

typedef struct BcdRestoreSubcomponent {
        char *logical_path;
        char *name;
        bool repair;
} BcdRestoreSubcomponent;

typedef struct BcdDirectedTarget {
        char *source_path;
        char *source_filename;
        char *source_ranges;
        char *destination_path;
        char *destination_filename;
        char *destination_ranges;
} BcdDirectedTarget;

/* Fields are ordered by size (pointers, arrays, 32-bit values, flags) to avoid padding. */
struct vss_bcd_component {
        char *logical_path; /* never NULL */
        char *name;
        char *backup_options;
        char *restore_options;
        char *backup_metadata;
        char *restore_metadata;
        char *backup_stamp;
        char *previous_backup_stamp;
        char *prepare_for_backup_failure_message;
        char *post_snapshot_failure_message;
        char *pre_restore_failure_message;
        char *post_restore_failure_message;
        char *failure_message;
        char *roll_forward_point;
        char *restore_name;

        PtrArray partial_files;               /* BcdPartialFile */
        PtrArray differenced_files;           /* BcdDifferencedFile */
        PtrArray restore_subcomponents;       /* BcdRestoreSubcomponent */
        PtrArray directed_targets;            /* BcdDirectedTarget */
        PtrArray new_targets;                 /* vss_wm_filedesc, FILEDESC_NEW_TARGET */
        PtrArray alternate_location_mappings; /* vss_wm_filedesc, FILEDESC_MAPPING */

        VSS_COMPONENT_TYPE type;
        VSS_RESTORE_TARGET restore_target;
        VSS_FILE_RESTORE_STATUS file_restore_status;
        VSS_ROLLFORWARD_TYPE roll_forward_type;
        uint32_t failure_hr;
        uint32_t failure_application_hr;

        bool backup_succeeded;
        bool selected_for_restore;
        bool additional_restores;
        bool authoritative_restore;
        vss_guid restore_instance_id; /* null: none */
};

struct vss_bcd_writer {
        vss_guid instance_id;
        vss_guid class_id;
        char *instance_name;
        PtrArray components; /* vss_bcd_component */
};

struct vss_bcd {
        bool select_components;
        bool bootable_system_state;
        VSS_BACKUP_TYPE backup_type;
        bool partial_file_support;
        VSS_RESTORE_TYPE restore_type;
        uint32_t snapshot_context;
        PtrArray writers; /* vss_bcd_writer */
};

/* ---- Object lifetime (metadata-wmd.c, metadata-bcd.c) -------------------------------------- */

vss_wm_filedesc *wm_filedesc_new(FiledescKind kind);
vss_wm_filedesc *wm_filedesc_free(vss_wm_filedesc *f);
DEFINE_CLEANUP_FUNC(vss_wm_filedesc, wm_filedesc_free)
void wm_filedesc_free_void(void *p);

vss_wm_dependency *wm_dependency_free(vss_wm_dependency *d);
DEFINE_CLEANUP_FUNC(vss_wm_dependency, wm_dependency_free)
void wm_dependency_free_void(void *p);

vss_wm_component *wm_component_new(void);
vss_wm_component *wm_component_free(vss_wm_component *c);
DEFINE_CLEANUP_FUNC(vss_wm_component, wm_component_free)
void wm_component_free_void(void *p);

DEFINE_CLEANUP_FUNC(vss_wmd, vss_wmd_free)

BcdPartialFile *bcd_partial_file_free(BcdPartialFile *p);
DEFINE_CLEANUP_FUNC(BcdPartialFile, bcd_partial_file_free)
void bcd_partial_file_free_void(void *p);

BcdDifferencedFile *bcd_differenced_file_free(BcdDifferencedFile *d);
DEFINE_CLEANUP_FUNC(BcdDifferencedFile, bcd_differenced_file_free)
void bcd_differenced_file_free_void(void *p);

BcdRestoreSubcomponent *bcd_restore_subcomponent_free(BcdRestoreSubcomponent *s);
DEFINE_CLEANUP_FUNC(BcdRestoreSubcomponent, bcd_restore_subcomponent_free)
void bcd_restore_subcomponent_free_void(void *p);

BcdDirectedTarget *bcd_directed_target_free(BcdDirectedTarget *t);
DEFINE_CLEANUP_FUNC(BcdDirectedTarget, bcd_directed_target_free)
void bcd_directed_target_free_void(void *p);

vss_bcd_component *bcd_component_new(void);
vss_bcd_component *bcd_component_free(vss_bcd_component *c);
DEFINE_CLEANUP_FUNC(vss_bcd_component, bcd_component_free)
void bcd_component_free_void(void *p);

vss_bcd_writer *bcd_writer_free(vss_bcd_writer *w);
DEFINE_CLEANUP_FUNC(vss_bcd_writer, bcd_writer_free)
void bcd_writer_free_void(void *p);

DEFINE_CLEANUP_FUNC(vss_bcd, vss_bcd_free)

/* Checks and appends a file descriptor without a mask to a BCD component list (new targets,
 * used alternate location mappings). */
int wm_filedesc_append(
                PtrArray *list,
                FiledescKind kind,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_location);

/* True for the restore methods that stop and start a service. */
bool wmd_restore_method_needs_service(VSS_RESTOREMETHOD_ENUM method);

/* Adds a component to a BCD writer with the document's checks (shared by the raw and the
 * selection-aware adders). */
int bcd_writer_add_component_internal(
                vss_bcd_writer *w,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret);

/* ---- Strings (metadata-check.c) ----------------------------------------------------------- */

/* Copies an optional string: NULL and "" both become NULL. -ENOMEM. */
int metadata_strdup_optional(const char *s, char **ret);
/* Replaces *dst by a copy of 's' ("" and NULL clear); -ENOMEM leaves *dst alone. */
int metadata_replace_optional(char **dst, const char *s);

/* ---- Rules (metadata-check.c). Each returns NULL if the value passes, or the text of the
 * broken rule ("must not be empty"), static storage. ---------------------------------------- */

/* Any string: valid UTF-8, at most 'max' bytes. NULL passes. */
const char *metadata_check_string(const char *s, size_t max);
/* A component or dependency name: non-empty, no '\'. */
const char *metadata_check_name(const char *s);
/* A logical path: "" or names joined by '\' (no empty segment, no leading or trailing '\'). */
const char *metadata_check_logical_path(const char *s);
/* A dependency target's logical path: a logical path, optionally behind "\\machine\". */
const char *metadata_check_dependency_logical_path(const char *s);
/* A dependency target's name: a name, or "\\machine\" followed by a logical path ending in the
 * name. */
const char *metadata_check_dependency_name(const char *s);
/* The combination of a dependency target's logical path and name: a remote name (one starting
 * with "\\") needs an empty logical path. */
const char *metadata_check_dependency_target(const char *logical_path, const char *name);
/* A directory path: non-empty, no '*' or '?'. */
const char *metadata_check_path(const char *s);
/* A file specification: non-empty, no '/' or '\'. */
const char *metadata_check_filespec(const char *s);
/* A file name (partial files, directed targets): as metadata_check_filespec(), and no wildcards. */
const char *metadata_check_filename(const char *s);
/* An optional free-form text. */
const char *metadata_check_text(const char *s);
/* A partial file's ranges: an inline range list or an absolute ranges-file path. */
const char *metadata_check_partial_ranges(const char *s);
/* An inline range list; stores the number of bytes it covers in *ret_total. */
const char *metadata_check_inline_ranges(const char *s, uint64_t *ret_total);
/* A VSS_BACKUP_SCHEMA mask: defined bits, and the combinations of docs/DOCUMENTS.md §5.1. */
const char *metadata_check_backup_schema(uint32_t schema);
/* A snapshot context: a named context (not VSS_CTX_ALL) plus defined attribute bits. */
const char *metadata_check_snapshot_context(uint32_t context);
/* Masks without undefined bits. */
const char *metadata_check_component_flags(uint32_t flags);
const char *metadata_check_backup_type_mask(uint32_t mask);

/* A directed target's two range lists: both inline lists covering as many bytes. On failure
 * *ret_source tells whether the source list is at fault. */
const char *metadata_check_directed_ranges(
                const char *source_ranges, const char *destination_ranges, bool *ret_source);
/* A roll-forward type and point: a named type; a point with VSS_RF_PARTIAL and only then. On
 * failure *ret_point tells whether the point is at fault. */
const char *
metadata_check_roll_forward(VSS_ROLLFORWARD_TYPE type, const char *point, bool *ret_point);

/* The JSON name of a file descriptor's alternate location: "alternate_location",
 * "destination" (mappings) or "alternate_path" (new targets). */
const char *wm_filedesc_alternate_key(FiledescKind kind);

/* The bits of VSS_SNAPSHOT_CONTEXT values, and the defined bits of the masks. */
#define SNAPSHOT_CONTEXT_BITS 0x1DU
uint32_t metadata_snapshot_attributes_defined(void);

/* True if the logical path 'lp' lies inside the set of component (set_logical_path, set_name):
 * lp equals its full path, or starts with it followed by '\'. Allocates nothing. */
bool metadata_logical_path_is_within(
                const char *lp, const char *set_logical_path, const char *set_name);

/* Byte-wise (logical path, name) equality of a component-like item. */
bool metadata_key_equal(const char *lp1, const char *name1, const char *lp2, const char *name2);

/* ---- Messages ----------------------------------------------------------------------------- */

/* Formats a message into *reterr (if reterr is not NULL) and returns 'code'; -ENOMEM if the
 * message could not be made. */
int metadata_error(char **reterr, int code, const char *format, ...) VSS_PRINTF(3, 4);
int metadata_errorv(char **reterr, int code, const char *format, va_list ap) VSS_PRINTF(3, 0);

/* Writes at most 'max' bytes of 's' into 'buf' (size max + 4), cut at a character boundary and
 * marked with "..." when cut; for quoting user strings in messages. Returns buf. */
#define QUOTE_MAX 64U
const char *metadata_quote(const char *s, char *buf, size_t buf_size);

/* ---- Validation (metadata-validate.c) ---------------------------------------------------- */

/* Each returns 0, or -VSS_E_INVALID_XML_DOCUMENT with a message "path: rule" via reterr. */
int wmd_validate_internal(const vss_wmd *wmd, char **reterr);
int bcd_validate_internal(const vss_bcd *bcd, char **reterr);
