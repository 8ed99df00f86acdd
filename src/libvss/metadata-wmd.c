/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The Writer Metadata Document: lifetime, builder (IVssCreateWriterMetadata) and reader
 * (IVssExamineWriterMetadata, IVssWMComponent, IVssWMFiledesc, IVssWMDependency). */

#include <stdlib.h>
#include <string.h>

#include "metadata-internal.h"

/* ---- Lifetime ------------------------------------------------------------------------------ */

vss_wm_filedesc *wm_filedesc_new(FiledescKind kind) {
        vss_wm_filedesc *f = calloc(1, sizeof(*f));
        if (!f)
                return NULL;
        f->kind = kind;
        return f;
}

vss_wm_filedesc *wm_filedesc_free(vss_wm_filedesc *f) {
        if (!f)
                return NULL;
        free(f->path);
        free(f->filespec);
        free(f->alternate_location);
        free(f);
        return NULL;
}

void wm_filedesc_free_void(void *p) {
        (void) wm_filedesc_free(p);
}

vss_wm_dependency *wm_dependency_free(vss_wm_dependency *d) {
        if (!d)
                return NULL;
        free(d->logical_path);
        free(d->component_name);
        free(d);
        return NULL;
}

void wm_dependency_free_void(void *p) {
        (void) wm_dependency_free(p);
}

vss_wm_component *wm_component_new(void) {
        return calloc(1, sizeof(vss_wm_component));
}

vss_wm_component *wm_component_free(vss_wm_component *c) {
        if (!c)
                return NULL;
        free(c->logical_path);
        free(c->name);
        free(c->caption);
        free(c->icon);
        ptr_array_done(&c->files, wm_filedesc_free_void);
        ptr_array_done(&c->database_files, wm_filedesc_free_void);
        ptr_array_done(&c->database_log_files, wm_filedesc_free_void);
        ptr_array_done(&c->dependencies, wm_dependency_free_void);
        free(c);
        return NULL;
}

void wm_component_free_void(void *p) {
        (void) wm_component_free(p);
}

VSS_PUBLIC int vss_wmd_new(vss_wmd **ret) {
        vss_assert_return(ret, -EINVAL);

        vss_wmd *wmd = calloc(1, sizeof(*wmd));
        if (!wmd)
                return -ENOMEM;
        wmd->application_level = VSS_APP_FRONT_END;
        wmd->freeze_timeout_ms = VSS_FREEZE_TIMEOUT_DEFAULT;
        *ret = wmd;
        return 0;
}

VSS_PUBLIC vss_wmd *vss_wmd_free(vss_wmd *wmd) {
        if (!wmd)
                return NULL;
        free(wmd->instance_name);
        free(wmd->writer_name);
        free(wmd->restore_service);
        free(wmd->restore_user_procedure);
        ptr_array_done(&wmd->alternate_location_mappings, wm_filedesc_free_void);
        ptr_array_done(&wmd->exclude_files, wm_filedesc_free_void);
        ptr_array_done(&wmd->exclude_files_from_snapshot, wm_filedesc_free_void);
        ptr_array_done(&wmd->include_files, wm_filedesc_free_void);
        ptr_array_done(&wmd->components, wm_component_free_void);
        free(wmd);
        return NULL;
}

/* ---- Identity ------------------------------------------------------------------------------ */

VSS_PUBLIC int vss_wmd_set_writer_class_id(vss_wmd *wmd, const vss_guid *class_id) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(class_id && !vss_guid_is_null(class_id), -EINVAL);

        wmd->writer_class_id = *class_id;
        return 0;
}

VSS_PUBLIC const vss_guid *vss_wmd_get_writer_class_id(const vss_wmd *wmd) {
        return wmd ? &wmd->writer_class_id : NULL;
}

VSS_PUBLIC int vss_wmd_set_writer_instance_id(vss_wmd *wmd, const vss_guid *instance_id) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(instance_id && !vss_guid_is_null(instance_id), -EINVAL);

        wmd->writer_instance_id = *instance_id;
        return 0;
}

VSS_PUBLIC const vss_guid *vss_wmd_get_writer_instance_id(const vss_wmd *wmd) {
        return wmd ? &wmd->writer_instance_id : NULL;
}

VSS_PUBLIC int vss_wmd_set_instance_name(vss_wmd *wmd, const char *instance_name) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(!metadata_check_string(instance_name, VSS_METADATA_STRING_MAX), -EINVAL);

        return metadata_replace_optional(&wmd->instance_name, instance_name);
}

VSS_PUBLIC const char *vss_wmd_get_instance_name(const vss_wmd *wmd) {
        return wmd ? wmd->instance_name : NULL;
}

VSS_PUBLIC int vss_wmd_set_writer_name(vss_wmd *wmd, const char *writer_name) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(writer_name && *writer_name, -EINVAL);
        vss_assert_return(!metadata_check_string(writer_name, VSS_METADATA_STRING_MAX), -EINVAL);

        return metadata_replace_optional(&wmd->writer_name, writer_name);
}

VSS_PUBLIC const char *vss_wmd_get_writer_name(const vss_wmd *wmd) {
        return wmd ? wmd->writer_name : NULL;
}

VSS_PUBLIC int vss_wmd_set_version(vss_wmd *wmd, uint32_t major, uint32_t minor) {
        vss_assert_return(wmd, -EINVAL);

        wmd->version_major = major;
        wmd->version_minor = minor;
        return 0;
}

VSS_PUBLIC uint32_t vss_wmd_get_version_major(const vss_wmd *wmd) {
        return wmd ? wmd->version_major : 0;
}

VSS_PUBLIC uint32_t vss_wmd_get_version_minor(const vss_wmd *wmd) {
        return wmd ? wmd->version_minor : 0;
}

VSS_PUBLIC int vss_wmd_set_usage_type(vss_wmd *wmd, VSS_USAGE_TYPE usage_type) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(usage_type != VSS_UT_UNDEFINED, -EINVAL);
        vss_assert_return(vss_usage_type_to_string(usage_type), -EINVAL);

        wmd->usage_type = usage_type;
        return 0;
}

VSS_PUBLIC VSS_USAGE_TYPE vss_wmd_get_usage_type(const vss_wmd *wmd) {
        return wmd ? wmd->usage_type : VSS_UT_UNDEFINED;
}

VSS_PUBLIC int vss_wmd_set_source_type(vss_wmd *wmd, VSS_SOURCE_TYPE source_type) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(vss_source_type_to_string(source_type), -EINVAL);

        wmd->source_type = source_type;
        return 0;
}

VSS_PUBLIC VSS_SOURCE_TYPE vss_wmd_get_source_type(const vss_wmd *wmd) {
        return wmd ? wmd->source_type : VSS_ST_UNDEFINED;
}

VSS_PUBLIC int vss_wmd_set_application_level(vss_wmd *wmd, VSS_APPLICATION_LEVEL level) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(level != VSS_APP_UNKNOWN, -EINVAL);
        vss_assert_return(vss_application_level_to_string(level), -EINVAL);

        wmd->application_level = level;
        return 0;
}

VSS_PUBLIC VSS_APPLICATION_LEVEL vss_wmd_get_application_level(const vss_wmd *wmd) {
        return wmd ? wmd->application_level : VSS_APP_UNKNOWN;
}

VSS_PUBLIC int vss_wmd_set_freeze_timeout(vss_wmd *wmd, uint32_t timeout_ms) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(timeout_ms > 0, -EINVAL);

        wmd->freeze_timeout_ms = timeout_ms;
        return 0;
}

VSS_PUBLIC uint32_t vss_wmd_get_freeze_timeout(const vss_wmd *wmd) {
        return wmd ? wmd->freeze_timeout_ms : 0;
}

/* ---- Restore method and schema -------------------------------------------------------------- */

bool wmd_restore_method_needs_service(VSS_RESTOREMETHOD_ENUM method) {
        return method == VSS_RME_STOP_RESTORE_START || method == VSS_RME_RESTORE_STOP_START;
}

VSS_PUBLIC int vss_wmd_set_restore_method(
                vss_wmd *wmd,
                VSS_RESTOREMETHOD_ENUM method,
                const char *service,
                const char *user_procedure,
                VSS_WRITERRESTORE_ENUM writer_restore,
                bool reboot_required) {
        vss_autofree char *s = NULL, *u = NULL;
        int r;

        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(
                        method != VSS_RME_UNDEFINED && vss_restore_method_to_string(method),
                        -EINVAL);
        vss_assert_return(
                        writer_restore != VSS_WRE_UNDEFINED &&
                                        vss_writer_restore_to_string(writer_restore),
                        -EINVAL);
        vss_assert_return(!metadata_check_string(service, VSS_METADATA_STRING_MAX), -EINVAL);
        vss_assert_return(!metadata_check_text(user_procedure), -EINVAL);
        vss_assert_return(
                        !wmd_restore_method_needs_service(method) || (service && *service),
                        -EINVAL);

        r = metadata_strdup_optional(service, &s);
        if (r < 0)
                return r;
        r = metadata_strdup_optional(user_procedure, &u);
        if (r < 0)
                return r;

        wmd->restore_method = method;
        free(wmd->restore_service);
        wmd->restore_service = TAKE_PTR(s);
        free(wmd->restore_user_procedure);
        wmd->restore_user_procedure = TAKE_PTR(u);
        wmd->writer_restore = writer_restore;
        wmd->reboot_required = reboot_required;
        return 0;
}

VSS_PUBLIC VSS_RESTOREMETHOD_ENUM vss_wmd_get_restore_method(const vss_wmd *wmd) {
        return wmd ? wmd->restore_method : VSS_RME_UNDEFINED;
}

VSS_PUBLIC const char *vss_wmd_get_restore_service(const vss_wmd *wmd) {
        return wmd ? wmd->restore_service : NULL;
}

VSS_PUBLIC const char *vss_wmd_get_restore_user_procedure(const vss_wmd *wmd) {
        return wmd ? wmd->restore_user_procedure : NULL;
}

VSS_PUBLIC VSS_WRITERRESTORE_ENUM vss_wmd_get_writer_restore(const vss_wmd *wmd) {
        return wmd ? wmd->writer_restore : VSS_WRE_UNDEFINED;
}

VSS_PUBLIC bool vss_wmd_get_reboot_required(const vss_wmd *wmd) {
        return wmd && wmd->reboot_required;
}

VSS_PUBLIC int vss_wmd_set_backup_schema(vss_wmd *wmd, uint32_t schema) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(!metadata_check_backup_schema(schema), -EINVAL);

        wmd->backup_schema = schema;
        return 0;
}

VSS_PUBLIC uint32_t vss_wmd_get_backup_schema(const vss_wmd *wmd) {
        return wmd ? wmd->backup_schema : 0;
}

/* ---- File descriptors ------------------------------------------------------------------------ */

/* Checks and copies the fields of a file descriptor of the given kind into a new object. */
static int
filedesc_make(FiledescKind kind,
              const char *path,
              const char *filespec,
              bool recursive,
              const char *alternate_location,
              uint32_t mask,
              vss_wm_filedesc **ret) {
        bool alternate_required = kind == FILEDESC_MAPPING || kind == FILEDESC_NEW_TARGET;
        bool alternate_allowed = alternate_required || kind == FILEDESC_FILE_GROUP ||
                                 kind == FILEDESC_INCLUDE;

        assert(ret);

        if (metadata_check_path(path) || metadata_check_filespec(filespec))
                return -EINVAL;
        if (alternate_location && *alternate_location) {
                if (!alternate_allowed || metadata_check_path(alternate_location))
                        return -EINVAL;
        } else if (alternate_required)
                return -EINVAL;
        if (metadata_check_backup_type_mask(mask))
                return -EINVAL;

        vss_wm_filedesc *f = wm_filedesc_new(kind);
        if (!f)
                return -ENOMEM;
        f->path = strdup(path);
        f->filespec = strdup(filespec);
        if (!f->path || !f->filespec ||
            metadata_strdup_optional(alternate_location, &f->alternate_location) < 0) {
                wm_filedesc_free(f);
                return -ENOMEM;
        }
        f->recursive = recursive;
        f->backup_type_mask = mask;

        *ret = f;
        return 0;
}

static int
filedesc_add(PtrArray *list,
             size_t max,
             FiledescKind kind,
             const char *path,
             const char *filespec,
             bool recursive,
             const char *alternate_location,
             uint32_t mask) {
        vss_wm_filedesc *f = NULL;
        int r;

        r = filedesc_make(kind, path, filespec, recursive, alternate_location, mask, &f);
        if (r < 0)
                return r;
        r = ptr_array_push(list, f, max);
        if (r < 0)
                wm_filedesc_free(f);
        return r;
}

int wm_filedesc_append(
                PtrArray *list,
                FiledescKind kind,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_location) {
        return filedesc_add(
                        list, VSS_METADATA_ITEMS_MAX, kind, path, filespec, recursive,
                        alternate_location, 0);
}

static const vss_wm_filedesc *filedesc_at(const PtrArray *list, size_t index) {
        return index < list->n ? list->items[index] : NULL;
}

VSS_PUBLIC int vss_wmd_add_alternate_location_mapping(
                vss_wmd *wmd,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination) {
        vss_assert_return(wmd, -EINVAL);

        return filedesc_add(
                        &wmd->alternate_location_mappings, VSS_METADATA_WRITER_FILES_MAX,
                        FILEDESC_MAPPING, path, filespec, recursive, destination, 0);
}

VSS_PUBLIC size_t vss_wmd_get_alternate_location_mapping_count(const vss_wmd *wmd) {
        return wmd ? wmd->alternate_location_mappings.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_wmd_get_alternate_location_mapping(const vss_wmd *wmd, size_t index) {
        return wmd ? filedesc_at(&wmd->alternate_location_mappings, index) : NULL;
}

VSS_PUBLIC int
vss_wmd_add_exclude_files(vss_wmd *wmd, const char *path, const char *filespec, bool recursive) {
        vss_assert_return(wmd, -EINVAL);

        return filedesc_add(
                        &wmd->exclude_files, VSS_METADATA_WRITER_FILES_MAX, FILEDESC_EXCLUDE, path,
                        filespec, recursive, NULL, 0);
}

VSS_PUBLIC size_t vss_wmd_get_exclude_file_count(const vss_wmd *wmd) {
        return wmd ? wmd->exclude_files.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *vss_wmd_get_exclude_file(const vss_wmd *wmd, size_t index) {
        return wmd ? filedesc_at(&wmd->exclude_files, index) : NULL;
}

VSS_PUBLIC int vss_wmd_add_exclude_files_from_snapshot(
                vss_wmd *wmd, const char *path, const char *filespec, bool recursive) {
        vss_assert_return(wmd, -EINVAL);

        return filedesc_add(
                        &wmd->exclude_files_from_snapshot, VSS_METADATA_WRITER_FILES_MAX,
                        FILEDESC_EXCLUDE, path, filespec, recursive, NULL, 0);
}

VSS_PUBLIC size_t vss_wmd_get_exclude_from_snapshot_count(const vss_wmd *wmd) {
        return wmd ? wmd->exclude_files_from_snapshot.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_wmd_get_exclude_from_snapshot_file(const vss_wmd *wmd, size_t index) {
        return wmd ? filedesc_at(&wmd->exclude_files_from_snapshot, index) : NULL;
}

VSS_PUBLIC int vss_wmd_add_include_files(
                vss_wmd *wmd,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_location) {
        vss_assert_return(wmd, -EINVAL);

        return filedesc_add(
                        &wmd->include_files, VSS_METADATA_WRITER_FILES_MAX, FILEDESC_INCLUDE, path,
                        filespec, recursive, alternate_location, 0);
}

VSS_PUBLIC size_t vss_wmd_get_include_file_count(const vss_wmd *wmd) {
        return wmd ? wmd->include_files.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *vss_wmd_get_include_file(const vss_wmd *wmd, size_t index) {
        return wmd ? filedesc_at(&wmd->include_files, index) : NULL;
}

/* ---- Components ------------------------------------------------------------------------------ */

static const char *root_if_null(const char *logical_path) {
        return logical_path ? logical_path : "";
}

VSS_PUBLIC const vss_wm_component *
vss_wmd_find_component(const vss_wmd *wmd, const char *logical_path, const char *name) {
        if (!wmd || !name)
                return NULL;
        logical_path = root_if_null(logical_path);
        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *c = wmd->components.items[i];
                if (metadata_key_equal(c->logical_path, c->name, logical_path, name))
                        return c;
        }
        return NULL;
}

/* The same lookup, for the builder, which modifies what it finds. */
static vss_wm_component *
find_component_mutable(vss_wmd *wmd, const char *logical_path, const char *name) {
        if (!name)
                return NULL;
        logical_path = root_if_null(logical_path);
        for (size_t i = 0; i < wmd->components.n; i++) {
                vss_wm_component *c = wmd->components.items[i];
                if (metadata_key_equal(c->logical_path, c->name, logical_path, name))
                        return c;
        }
        return NULL;
}

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
                uint32_t flags) {
        int r;

        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(type != VSS_CT_UNDEFINED && vss_component_type_to_string(type), -EINVAL);
        logical_path = root_if_null(logical_path);
        vss_assert_return(!metadata_check_logical_path(logical_path), -EINVAL);
        vss_assert_return(!metadata_check_name(name), -EINVAL);
        vss_assert_return(!metadata_check_string(caption, VSS_METADATA_STRING_MAX), -EINVAL);
        vss_assert_return(!icon == (icon_size == 0), -EINVAL);
        vss_assert_return(icon_size <= VSS_METADATA_ICON_MAX, -EINVAL);
        vss_assert_return(!metadata_check_component_flags(flags), -EINVAL);

        if (vss_wmd_find_component(wmd, logical_path, name))
                return -VSS_E_OBJECT_ALREADY_EXISTS;

        vss_wm_component *c = wm_component_new();
        if (!c)
                return -ENOMEM;
        c->type = type;
        c->logical_path = strdup(logical_path);
        c->name = strdup(name);
        if (!c->logical_path || !c->name || metadata_strdup_optional(caption, &c->caption) < 0)
                goto fail;
        if (icon_size > 0) {
                c->icon = malloc(icon_size);
                if (!c->icon)
                        goto fail;
                memcpy(c->icon, icon, icon_size);
                c->icon_size = icon_size;
        }
        c->restore_metadata = restore_metadata;
        c->notify_on_backup_complete = notify_on_backup_complete;
        c->selectable = selectable;
        c->selectable_for_restore = selectable_for_restore;
        c->flags = flags;

        r = ptr_array_push(&wmd->components, c, VSS_METADATA_COMPONENTS_MAX);
        if (r < 0) {
                wm_component_free(c);
                return r;
        }
        return 0;

fail:
        wm_component_free(c);
        return -ENOMEM;
}

static int
add_file_set(vss_wmd *wmd,
             VSS_COMPONENT_TYPE type,
             const char *logical_path,
             const char *name,
             FiledescKind kind,
             const char *path,
             const char *filespec,
             bool recursive,
             const char *alternate_location,
             uint32_t mask) {
        vss_assert_return(wmd, -EINVAL);

        vss_wm_component *c = find_component_mutable(wmd, logical_path, name);
        if (!c)
                return -VSS_E_OBJECT_NOT_FOUND;
        if (c->type != type)
                return -EINVAL;

        PtrArray *list = kind == FILEDESC_FILE_GROUP ? &c->files
                         : kind == FILEDESC_DATABASE ? &c->database_files
                                                     : &c->database_log_files;
        return filedesc_add(
                        list, VSS_METADATA_FILE_SETS_MAX, kind, path, filespec, recursive,
                        alternate_location, mask);
}

VSS_PUBLIC int vss_wmd_add_files_to_file_group(
                vss_wmd *wmd,
                const char *logical_path,
                const char *group_name,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_location,
                uint32_t backup_type_mask) {
        return add_file_set(
                        wmd, VSS_CT_FILEGROUP, logical_path, group_name, FILEDESC_FILE_GROUP, path,
                        filespec, recursive, alternate_location, backup_type_mask);
}

VSS_PUBLIC int vss_wmd_add_database_files(
                vss_wmd *wmd,
                const char *logical_path,
                const char *database_name,
                const char *path,
                const char *filespec,
                uint32_t backup_type_mask) {
        return add_file_set(
                        wmd, VSS_CT_DATABASE, logical_path, database_name, FILEDESC_DATABASE, path,
                        filespec, false, NULL, backup_type_mask);
}

VSS_PUBLIC int vss_wmd_add_database_log_files(
                vss_wmd *wmd,
                const char *logical_path,
                const char *database_name,
                const char *path,
                const char *filespec,
                uint32_t backup_type_mask) {
        return add_file_set(
                        wmd, VSS_CT_DATABASE, logical_path, database_name, FILEDESC_DATABASE_LOG,
                        path, filespec, false, NULL, backup_type_mask);
}

VSS_PUBLIC int vss_wmd_add_component_dependency(
                vss_wmd *wmd,
                const char *for_logical_path,
                const char *for_name,
                const vss_guid *on_writer_class_id,
                const char *on_logical_path,
                const char *on_name) {
        int r;

        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(on_writer_class_id && !vss_guid_is_null(on_writer_class_id), -EINVAL);
        on_logical_path = root_if_null(on_logical_path);
        vss_assert_return(!metadata_check_dependency_logical_path(on_logical_path), -EINVAL);
        vss_assert_return(!metadata_check_dependency_name(on_name), -EINVAL);
        vss_assert_return(!metadata_check_dependency_target(on_logical_path, on_name), -EINVAL);

        vss_wm_component *c = find_component_mutable(wmd, for_logical_path, for_name);
        if (!c)
                return -VSS_E_OBJECT_NOT_FOUND;
        for (size_t i = 0; i < c->dependencies.n; i++) {
                const vss_wm_dependency *d = c->dependencies.items[i];
                if (vss_guid_equal(&d->writer_class_id, on_writer_class_id) &&
                    metadata_key_equal(
                                    d->logical_path, d->component_name, on_logical_path, on_name))
                        return -VSS_E_OBJECT_ALREADY_EXISTS;
        }

        vss_wm_dependency *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->writer_class_id = *on_writer_class_id;
        d->logical_path = strdup(on_logical_path);
        d->component_name = strdup(on_name);
        if (!d->logical_path || !d->component_name) {
                wm_dependency_free(d);
                return -ENOMEM;
        }

        r = ptr_array_push(&c->dependencies, d, VSS_METADATA_DEPENDENCIES_MAX);
        if (r < 0)
                wm_dependency_free(d);
        return r;
}

VSS_PUBLIC size_t vss_wmd_get_component_count(const vss_wmd *wmd) {
        return wmd ? wmd->components.n : 0;
}

VSS_PUBLIC const vss_wm_component *vss_wmd_get_component(const vss_wmd *wmd, size_t index) {
        return wmd && index < wmd->components.n ? wmd->components.items[index] : NULL;
}

VSS_PUBLIC VSS_COMPONENT_TYPE vss_wm_component_get_type(const vss_wm_component *c) {
        return c ? c->type : VSS_CT_UNDEFINED;
}

VSS_PUBLIC const char *vss_wm_component_get_logical_path(const vss_wm_component *c) {
        return c ? c->logical_path : NULL;
}

VSS_PUBLIC const char *vss_wm_component_get_name(const vss_wm_component *c) {
        return c ? c->name : NULL;
}

VSS_PUBLIC const char *vss_wm_component_get_caption(const vss_wm_component *c) {
        return c ? c->caption : NULL;
}

VSS_PUBLIC const void *vss_wm_component_get_icon(const vss_wm_component *c, size_t *ret_size) {
        if (ret_size)
                *ret_size = c ? c->icon_size : 0;
        return c ? c->icon : NULL;
}

VSS_PUBLIC bool vss_wm_component_get_restore_metadata(const vss_wm_component *c) {
        return c && c->restore_metadata;
}

VSS_PUBLIC bool vss_wm_component_get_notify_on_backup_complete(const vss_wm_component *c) {
        return c && c->notify_on_backup_complete;
}

VSS_PUBLIC bool vss_wm_component_get_selectable(const vss_wm_component *c) {
        return c && c->selectable;
}

VSS_PUBLIC bool vss_wm_component_get_selectable_for_restore(const vss_wm_component *c) {
        return c && c->selectable_for_restore;
}

VSS_PUBLIC uint32_t vss_wm_component_get_flags(const vss_wm_component *c) {
        return c ? c->flags : 0;
}

VSS_PUBLIC size_t vss_wm_component_get_file_count(const vss_wm_component *c) {
        return c ? c->files.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_wm_component_get_file(const vss_wm_component *c, size_t index) {
        return c ? filedesc_at(&c->files, index) : NULL;
}

VSS_PUBLIC size_t vss_wm_component_get_database_file_count(const vss_wm_component *c) {
        return c ? c->database_files.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_wm_component_get_database_file(const vss_wm_component *c, size_t index) {
        return c ? filedesc_at(&c->database_files, index) : NULL;
}

VSS_PUBLIC size_t vss_wm_component_get_database_log_file_count(const vss_wm_component *c) {
        return c ? c->database_log_files.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_wm_component_get_database_log_file(const vss_wm_component *c, size_t index) {
        return c ? filedesc_at(&c->database_log_files, index) : NULL;
}

VSS_PUBLIC size_t vss_wm_component_get_dependency_count(const vss_wm_component *c) {
        return c ? c->dependencies.n : 0;
}

VSS_PUBLIC const vss_wm_dependency *
vss_wm_component_get_dependency(const vss_wm_component *c, size_t index) {
        return c && index < c->dependencies.n ? c->dependencies.items[index] : NULL;
}

/* ---- File descriptor and dependency getters -------------------------------------------------- */

VSS_PUBLIC const char *vss_wm_filedesc_get_path(const vss_wm_filedesc *f) {
        return f ? f->path : NULL;
}

VSS_PUBLIC const char *vss_wm_filedesc_get_filespec(const vss_wm_filedesc *f) {
        return f ? f->filespec : NULL;
}

VSS_PUBLIC bool vss_wm_filedesc_get_recursive(const vss_wm_filedesc *f) {
        return f && f->recursive;
}

VSS_PUBLIC const char *vss_wm_filedesc_get_alternate_location(const vss_wm_filedesc *f) {
        return f ? f->alternate_location : NULL;
}

VSS_PUBLIC uint32_t vss_wm_filedesc_get_backup_type_mask(const vss_wm_filedesc *f) {
        return f ? f->backup_type_mask : 0;
}

VSS_PUBLIC const vss_guid *vss_wm_dependency_get_writer_class_id(const vss_wm_dependency *d) {
        return d ? &d->writer_class_id : NULL;
}

VSS_PUBLIC const char *vss_wm_dependency_get_logical_path(const vss_wm_dependency *d) {
        return d ? d->logical_path : NULL;
}

VSS_PUBLIC const char *vss_wm_dependency_get_component_name(const vss_wm_dependency *d) {
        return d ? d->component_name : NULL;
}

/* Splits "\\machine\rest" into a copy of the machine name and a pointer to 'rest' ("" if none). */
static int split_remote(const char *s, char **ret_machine, const char **ret_rest) {
        size_t m = strcspn(s + 2, "\\");
        char *machine = strndup(s + 2, m);
        if (!machine)
                return -ENOMEM;
        const char *rest = s + 2 + m;
        *ret_machine = machine;
        *ret_rest = *rest == '\\' ? rest + 1 : rest;
        return 0;
}

VSS_PUBLIC int vss_wm_dependency_get_remote(
                const vss_wm_dependency *d,
                char **ret_machine,
                char **ret_logical_path,
                char **ret_name) {
        char *machine = NULL, *lp = NULL, *name = NULL;
        const char *rest = NULL;
        int r;

        vss_assert_return(d, -EINVAL);

        if (ret_machine)
                *ret_machine = NULL;
        if (ret_logical_path)
                *ret_logical_path = NULL;
        if (ret_name)
                *ret_name = NULL;

        if (d->logical_path[0] == '\\' && d->logical_path[1] == '\\') {
                r = split_remote(d->logical_path, &machine, &rest);
                if (r < 0)
                        return r;
                lp = strdup(rest);
                name = strdup(d->component_name);
        } else if (d->component_name[0] == '\\' && d->component_name[1] == '\\') {
                r = split_remote(d->component_name, &machine, &rest);
                if (r < 0)
                        return r;
                /* The last segment is the name, what precedes it the logical path. */
                const char *last = strrchr(rest, '\\');
                lp = last ? strndup(rest, (size_t) (last - rest)) : strdup("");
                name = strdup(last ? last + 1 : rest);
        } else
                return 0;
        if (!lp || !name) {
                free(machine);
                free(lp);
                free(name);
                return -ENOMEM;
        }

        /* Hand out what was asked for, free the rest. */
        if (ret_machine)
                *ret_machine = TAKE_PTR(machine);
        if (ret_logical_path)
                *ret_logical_path = TAKE_PTR(lp);
        if (ret_name)
                *ret_name = TAKE_PTR(name);
        free(machine);
        free(lp);
        free(name);
        return 1;
}
