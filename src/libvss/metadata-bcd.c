/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The Backup Components Document: lifetime, global state, writers and the per-component state of
 * IVssComponent / IVssComponentEx / IVssComponentEx2. Only the document's own rules are applied
 * here; the selection rules against a WMD live in metadata-selection.c. */

#include <stdlib.h>
#include <string.h>

#include "metadata-internal.h"

/* ---- Lifetime ------------------------------------------------------------------------------ */

BcdPartialFile *bcd_partial_file_free(BcdPartialFile *p) {
        if (!p)
                return NULL;
        free(p->path);
        free(p->filename);
        free(p->ranges);
        free(p->metadata);
        free(p);
        return NULL;
}

void bcd_partial_file_free_void(void *p) {
        (void) bcd_partial_file_free(p);
}

BcdDifferencedFile *bcd_differenced_file_free(BcdDifferencedFile *d) {
        if (!d)
                return NULL;
        free(d->path);
        free(d->filespec);
        free(d->last_modify_lsn);
        free(d);
        return NULL;
}

void bcd_differenced_file_free_void(void *p) {
        (void) bcd_differenced_file_free(p);
}

BcdRestoreSubcomponent *bcd_restore_subcomponent_free(BcdRestoreSubcomponent *s) {
        if (!s)
                return NULL;
        free(s->logical_path);
        free(s->name);
        free(s);
        return NULL;
}

void bcd_restore_subcomponent_free_void(void *p) {
        (void) bcd_restore_subcomponent_free(p);
}

BcdDirectedTarget *bcd_directed_target_free(BcdDirectedTarget *t) {
        if (!t)
                return NULL;
        free(t->source_path);
        free(t->source_filename);
        free(t->source_ranges);
        free(t->destination_path);
        free(t->destination_filename);
        free(t->destination_ranges);
        free(t);
        return NULL;
}

void bcd_directed_target_free_void(void *p) {
        (void) bcd_directed_target_free(p);
}

vss_bcd_component *bcd_component_new(void) {
        vss_bcd_component *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->restore_target = VSS_RT_ORIGINAL;
        return c;
}

vss_bcd_component *bcd_component_free(vss_bcd_component *c) {
        if (!c)
                return NULL;
        free(c->logical_path);
        free(c->name);
        free(c->backup_options);
        free(c->restore_options);
        free(c->backup_metadata);
        free(c->restore_metadata);
        free(c->backup_stamp);
        free(c->previous_backup_stamp);
        ptr_array_done(&c->partial_files, bcd_partial_file_free_void);
        ptr_array_done(&c->differenced_files, bcd_differenced_file_free_void);
        ptr_array_done(&c->restore_subcomponents, bcd_restore_subcomponent_free_void);
        ptr_array_done(&c->directed_targets, bcd_directed_target_free_void);
        ptr_array_done(&c->new_targets, wm_filedesc_free_void);
        ptr_array_done(&c->alternate_location_mappings, wm_filedesc_free_void);
        free(c->prepare_for_backup_failure_message);
        free(c->post_snapshot_failure_message);
        free(c->pre_restore_failure_message);
        free(c->post_restore_failure_message);
        free(c->failure_message);
        free(c->roll_forward_point);
        free(c->restore_name);
        free(c);
        return NULL;
}

void bcd_component_free_void(void *p) {
        (void) bcd_component_free(p);
}

vss_bcd_writer *bcd_writer_free(vss_bcd_writer *w) {
        if (!w)
                return NULL;
        free(w->instance_name);
        ptr_array_done(&w->components, bcd_component_free_void);
        free(w);
        return NULL;
}

void bcd_writer_free_void(void *p) {
        (void) bcd_writer_free(p);
}

VSS_PUBLIC int vss_bcd_new(vss_bcd **ret) {
        vss_assert_return(ret, -EINVAL);

        vss_bcd *bcd = calloc(1, sizeof(*bcd));
        if (!bcd)
                return -ENOMEM;
        bcd->backup_type = VSS_BT_FULL;
        bcd->restore_type = VSS_RTYPE_UNDEFINED;
        bcd->snapshot_context = VSS_CTX_BACKUP;
        *ret = bcd;
        return 0;
}

VSS_PUBLIC vss_bcd *vss_bcd_free(vss_bcd *bcd) {
        if (!bcd)
                return NULL;
        ptr_array_done(&bcd->writers, bcd_writer_free_void);
        free(bcd);
        return NULL;
}

/* ---- Global state -------------------------------------------------------------------------- */

VSS_PUBLIC int vss_bcd_set_backup_state(
                vss_bcd *bcd,
                bool select_components,
                bool bootable_system_state,
                VSS_BACKUP_TYPE backup_type,
                bool partial_file_support) {
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(vss_backup_type_to_string(backup_type), -EINVAL);

        bcd->select_components = select_components;
        bcd->bootable_system_state = bootable_system_state;
        bcd->backup_type = backup_type;
        bcd->partial_file_support = partial_file_support;
        return 0;
}

VSS_PUBLIC bool vss_bcd_get_select_components(const vss_bcd *bcd) {
        return bcd && bcd->select_components;
}

VSS_PUBLIC bool vss_bcd_get_bootable_system_state(const vss_bcd *bcd) {
        return bcd && bcd->bootable_system_state;
}

VSS_PUBLIC VSS_BACKUP_TYPE vss_bcd_get_backup_type(const vss_bcd *bcd) {
        return bcd ? bcd->backup_type : VSS_BT_UNDEFINED;
}

VSS_PUBLIC bool vss_bcd_get_partial_file_support(const vss_bcd *bcd) {
        return bcd && bcd->partial_file_support;
}

VSS_PUBLIC int vss_bcd_set_restore_type(vss_bcd *bcd, VSS_RESTORE_TYPE restore_type) {
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(vss_restore_type_to_string(restore_type), -EINVAL);

        bcd->restore_type = restore_type;
        return 0;
}

VSS_PUBLIC VSS_RESTORE_TYPE vss_bcd_get_restore_type(const vss_bcd *bcd) {
        return bcd ? bcd->restore_type : VSS_RTYPE_UNDEFINED;
}

VSS_PUBLIC int vss_bcd_set_snapshot_context(vss_bcd *bcd, uint32_t context) {
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(!metadata_check_snapshot_context(context), -EINVAL);

        bcd->snapshot_context = context;
        return 0;
}

VSS_PUBLIC uint32_t vss_bcd_get_snapshot_context(const vss_bcd *bcd) {
        return bcd ? bcd->snapshot_context : 0;
}

/* ---- Writers ------------------------------------------------------------------------------- */

VSS_PUBLIC vss_bcd_writer *
vss_bcd_find_writer(const vss_bcd *bcd, const vss_guid *instance_id, const vss_guid *class_id) {
        if (!bcd || !instance_id || !class_id)
                return NULL;
        for (size_t i = 0; i < bcd->writers.n; i++) {
                vss_bcd_writer *w = bcd->writers.items[i];
                if (vss_guid_equal(&w->instance_id, instance_id) &&
                    vss_guid_equal(&w->class_id, class_id))
                        return w;
        }
        return NULL;
}

VSS_PUBLIC int vss_bcd_add_writer(
                vss_bcd *bcd,
                const vss_guid *instance_id,
                const vss_guid *class_id,
                const char *instance_name,
                vss_bcd_writer **ret) {
        int r;

        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(instance_id && !vss_guid_is_null(instance_id), -EINVAL);
        vss_assert_return(class_id && !vss_guid_is_null(class_id), -EINVAL);
        vss_assert_return(!metadata_check_string(instance_name, VSS_METADATA_STRING_MAX), -EINVAL);

        if (vss_bcd_find_writer(bcd, instance_id, class_id))
                return -VSS_E_OBJECT_ALREADY_EXISTS;

        vss_bcd_writer *w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->instance_id = *instance_id;
        w->class_id = *class_id;
        r = metadata_strdup_optional(instance_name, &w->instance_name);
        if (r >= 0)
                r = ptr_array_push(&bcd->writers, w, VSS_METADATA_WRITERS_MAX);
        if (r < 0) {
                bcd_writer_free(w);
                return r;
        }
        if (ret)
                *ret = w;
        return 0;
}

VSS_PUBLIC size_t vss_bcd_get_writer_count(const vss_bcd *bcd) {
        return bcd ? bcd->writers.n : 0;
}

VSS_PUBLIC vss_bcd_writer *vss_bcd_get_writer(const vss_bcd *bcd, size_t index) {
        return bcd && index < bcd->writers.n ? bcd->writers.items[index] : NULL;
}

VSS_PUBLIC const vss_guid *vss_bcd_writer_get_instance_id(const vss_bcd_writer *w) {
        return w ? &w->instance_id : NULL;
}

VSS_PUBLIC const vss_guid *vss_bcd_writer_get_class_id(const vss_bcd_writer *w) {
        return w ? &w->class_id : NULL;
}

VSS_PUBLIC const char *vss_bcd_writer_get_instance_name(const vss_bcd_writer *w) {
        return w ? w->instance_name : NULL;
}

VSS_PUBLIC vss_bcd_component *
vss_bcd_writer_find_component(const vss_bcd_writer *w, const char *logical_path, const char *name) {
        if (!w || !name)
                return NULL;
        if (!logical_path)
                logical_path = "";
        for (size_t i = 0; i < w->components.n; i++) {
                vss_bcd_component *c = w->components.items[i];
                if (metadata_key_equal(c->logical_path, c->name, logical_path, name))
                        return c;
        }
        return NULL;
}

int bcd_writer_add_component_internal(
                vss_bcd_writer *w,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret) {
        int r;

        assert(w);

        if (!logical_path)
                logical_path = "";
        if (type == VSS_CT_UNDEFINED || !vss_component_type_to_string(type))
                return -EINVAL;
        if (metadata_check_logical_path(logical_path) || metadata_check_name(name))
                return -EINVAL;
        if (vss_bcd_writer_find_component(w, logical_path, name))
                return -VSS_E_OBJECT_ALREADY_EXISTS;

        vss_bcd_component *c = bcd_component_new();
        if (!c)
                return -ENOMEM;
        c->type = type;
        c->logical_path = strdup(logical_path);
        c->name = strdup(name);
        r = c->logical_path && c->name
                            ? ptr_array_push(&w->components, c, VSS_METADATA_COMPONENTS_MAX)
                            : -ENOMEM;
        if (r < 0) {
                bcd_component_free(c);
                return r;
        }
        if (ret)
                *ret = c;
        return 0;
}

VSS_PUBLIC int vss_bcd_writer_add_component(
                vss_bcd_writer *w,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret) {
        vss_assert_return(w, -EINVAL);

        return bcd_writer_add_component_internal(w, type, logical_path, name, ret);
}

VSS_PUBLIC size_t vss_bcd_writer_get_component_count(const vss_bcd_writer *w) {
        return w ? w->components.n : 0;
}

VSS_PUBLIC vss_bcd_component *vss_bcd_writer_get_component(const vss_bcd_writer *w, size_t index) {
        return w && index < w->components.n ? w->components.items[index] : NULL;
}

/* ---- Component: identity, flags and strings ------------------------------------------------- */

VSS_PUBLIC VSS_COMPONENT_TYPE vss_bcd_component_get_type(const vss_bcd_component *c) {
        return c ? c->type : VSS_CT_UNDEFINED;
}

VSS_PUBLIC const char *vss_bcd_component_get_logical_path(const vss_bcd_component *c) {
        return c ? c->logical_path : NULL;
}

VSS_PUBLIC const char *vss_bcd_component_get_name(const vss_bcd_component *c) {
        return c ? c->name : NULL;
}

VSS_PUBLIC int vss_bcd_component_set_backup_succeeded(vss_bcd_component *c, bool succeeded) {
        vss_assert_return(c, -EINVAL);

        c->backup_succeeded = succeeded;
        return 0;
}

VSS_PUBLIC bool vss_bcd_component_get_backup_succeeded(const vss_bcd_component *c) {
        return c && c->backup_succeeded;
}

static int set_text(vss_bcd_component *c, char **field, const char *value) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(!metadata_check_text(value), -EINVAL);

        return metadata_replace_optional(field, value);
}

/* Defines the setter and getter of a free-form text field. */
#define DEFINE_TEXT_FIELD(name, field)                                                         \
        VSS_PUBLIC int vss_bcd_component_set_##name(vss_bcd_component *c, const char *value) { \
                return set_text(c, c ? &c->field : NULL, value);                               \
        }                                                                                      \
        VSS_PUBLIC const char *vss_bcd_component_get_##name(const vss_bcd_component *c) {      \
                return c ? c->field : NULL;                                                    \
        }

DEFINE_TEXT_FIELD(backup_options, backup_options)
DEFINE_TEXT_FIELD(restore_options, restore_options)
DEFINE_TEXT_FIELD(backup_metadata, backup_metadata)
DEFINE_TEXT_FIELD(restore_metadata, restore_metadata)
DEFINE_TEXT_FIELD(backup_stamp, backup_stamp)
DEFINE_TEXT_FIELD(previous_backup_stamp, previous_backup_stamp)
DEFINE_TEXT_FIELD(restore_name, restore_name)
DEFINE_TEXT_FIELD(prepare_for_backup_failure_message, prepare_for_backup_failure_message)
DEFINE_TEXT_FIELD(post_snapshot_failure_message, post_snapshot_failure_message)
DEFINE_TEXT_FIELD(pre_restore_failure_message, pre_restore_failure_message)
DEFINE_TEXT_FIELD(post_restore_failure_message, post_restore_failure_message)

#undef DEFINE_TEXT_FIELD

/* ---- Component: partial and differenced files ----------------------------------------------- */

VSS_PUBLIC int vss_bcd_component_add_partial_file(
                vss_bcd_component *c,
                const char *path,
                const char *filename,
                const char *ranges,
                const char *metadata) {
        int r;

        vss_assert_return(c, -EINVAL);
        vss_assert_return(!metadata_check_path(path), -EINVAL);
        vss_assert_return(!metadata_check_filename(filename), -EINVAL);
        vss_assert_return(!metadata_check_partial_ranges(ranges), -EINVAL);
        vss_assert_return(!metadata_check_text(metadata), -EINVAL);

        BcdPartialFile *p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->path = strdup(path);
        p->filename = strdup(filename);
        p->ranges = strdup(ranges);
        r = p->path && p->filename && p->ranges ? metadata_strdup_optional(metadata, &p->metadata)
                                                : -ENOMEM;
        if (r >= 0)
                r = ptr_array_push(&c->partial_files, p, VSS_METADATA_ITEMS_MAX);
        if (r < 0)
                bcd_partial_file_free(p);
        return r;
}

VSS_PUBLIC size_t vss_bcd_component_get_partial_file_count(const vss_bcd_component *c) {
        return c ? c->partial_files.n : 0;
}

VSS_PUBLIC int vss_bcd_component_get_partial_file(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_path,
                const char **ret_filename,
                const char **ret_ranges,
                const char **ret_metadata) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(index < c->partial_files.n, -EINVAL);

        const BcdPartialFile *p = c->partial_files.items[index];
        if (ret_path)
                *ret_path = p->path;
        if (ret_filename)
                *ret_filename = p->filename;
        if (ret_ranges)
                *ret_ranges = p->ranges;
        if (ret_metadata)
                *ret_metadata = p->metadata;
        return 0;
}

VSS_PUBLIC int vss_bcd_component_set_ranges_file_path(
                vss_bcd_component *c, size_t index, const char *ranges_file) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(index < c->partial_files.n, -EINVAL);
        vss_assert_return(vss_ranges_is_file_reference(ranges_file), -EINVAL);
        vss_assert_return(!metadata_check_path(ranges_file), -EINVAL);

        BcdPartialFile *p = c->partial_files.items[index];
        vss_assert_return(vss_ranges_is_file_reference(p->ranges), -EINVAL);

        char *copy = strdup(ranges_file);
        if (!copy)
                return -ENOMEM;
        free(p->ranges);
        p->ranges = copy;
        return 0;
}

static int
add_differenced(vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *lsn,
                int64_t last_modify_time_ns) {
        int r;

        vss_assert_return(c, -EINVAL);
        vss_assert_return(!metadata_check_path(path), -EINVAL);
        vss_assert_return(!metadata_check_filespec(filespec), -EINVAL);
        vss_assert_return(!metadata_check_text(lsn), -EINVAL);

        BcdDifferencedFile *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->path = strdup(path);
        d->filespec = strdup(filespec);
        d->recursive = recursive;
        d->last_modify_time_ns = last_modify_time_ns;
        r = d->path && d->filespec ? metadata_strdup_optional(lsn, &d->last_modify_lsn) : -ENOMEM;
        if (r >= 0)
                r = ptr_array_push(&c->differenced_files, d, VSS_METADATA_ITEMS_MAX);
        if (r < 0)
                bcd_differenced_file_free(d);
        return r;
}

VSS_PUBLIC int vss_bcd_component_add_differenced_files_by_last_modify_time(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                int64_t last_modify_time_ns) {
        return add_differenced(c, path, filespec, recursive, NULL, last_modify_time_ns);
}

VSS_PUBLIC int vss_bcd_component_add_differenced_files_by_last_modify_lsn(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *lsn) {
        vss_assert_return(lsn && *lsn, -EINVAL);

        return add_differenced(c, path, filespec, recursive, lsn, 0);
}

VSS_PUBLIC size_t vss_bcd_component_get_differenced_files_count(const vss_bcd_component *c) {
        return c ? c->differenced_files.n : 0;
}

VSS_PUBLIC int vss_bcd_component_get_differenced_file(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_path,
                const char **ret_filespec,
                bool *ret_recursive,
                const char **ret_lsn,
                int64_t *ret_last_modify_time_ns) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(index < c->differenced_files.n, -EINVAL);

        const BcdDifferencedFile *d = c->differenced_files.items[index];
        if (ret_path)
                *ret_path = d->path;
        if (ret_filespec)
                *ret_filespec = d->filespec;
        if (ret_recursive)
                *ret_recursive = d->recursive;
        if (ret_lsn)
                *ret_lsn = d->last_modify_lsn;
        if (ret_last_modify_time_ns)
                *ret_last_modify_time_ns = d->last_modify_time_ns;
        return 0;
}

/* ---- Component: restore selection ------------------------------------------------------------ */

VSS_PUBLIC int vss_bcd_component_set_selected_for_restore(
                vss_bcd_component *c, bool selected, const vss_guid *instance_id) {
        vss_assert_return(c, -EINVAL);

        c->selected_for_restore = selected;
        if (selected && instance_id)
                c->restore_instance_id = *instance_id;
        else
                c->restore_instance_id = (vss_guid){};
        return 0;
}

VSS_PUBLIC bool vss_bcd_component_get_selected_for_restore(const vss_bcd_component *c) {
        return c && c->selected_for_restore;
}

VSS_PUBLIC const vss_guid *vss_bcd_component_get_restore_instance_id(const vss_bcd_component *c) {
        return c ? &c->restore_instance_id : NULL;
}

VSS_PUBLIC int vss_bcd_component_add_restore_subcomponent(
                vss_bcd_component *c, const char *logical_path, const char *name, bool repair) {
        int r;

        vss_assert_return(c, -EINVAL);
        if (!logical_path)
                logical_path = "";
        vss_assert_return(!metadata_check_logical_path(logical_path), -EINVAL);
        vss_assert_return(!metadata_check_name(name), -EINVAL);

        if (!metadata_logical_path_is_within(logical_path, c->logical_path, c->name))
                return -EINVAL;
        for (size_t i = 0; i < c->restore_subcomponents.n; i++) {
                const BcdRestoreSubcomponent *s = c->restore_subcomponents.items[i];
                if (metadata_key_equal(s->logical_path, s->name, logical_path, name))
                        return -VSS_E_OBJECT_ALREADY_EXISTS;
        }

        BcdRestoreSubcomponent *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->logical_path = strdup(logical_path);
        s->name = strdup(name);
        s->repair = repair;
        r = s->logical_path && s->name
                            ? ptr_array_push(&c->restore_subcomponents, s, VSS_METADATA_ITEMS_MAX)
                            : -ENOMEM;
        if (r < 0)
                bcd_restore_subcomponent_free(s);
        return r;
}

VSS_PUBLIC size_t vss_bcd_component_get_restore_subcomponent_count(const vss_bcd_component *c) {
        return c ? c->restore_subcomponents.n : 0;
}

VSS_PUBLIC int vss_bcd_component_get_restore_subcomponent(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_logical_path,
                const char **ret_name,
                bool *ret_repair) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(index < c->restore_subcomponents.n, -EINVAL);

        const BcdRestoreSubcomponent *s = c->restore_subcomponents.items[index];
        if (ret_logical_path)
                *ret_logical_path = s->logical_path;
        if (ret_name)
                *ret_name = s->name;
        if (ret_repair)
                *ret_repair = s->repair;
        return 0;
}

VSS_PUBLIC int vss_bcd_component_set_additional_restores(vss_bcd_component *c, bool additional) {
        vss_assert_return(c, -EINVAL);

        c->additional_restores = additional;
        return 0;
}

VSS_PUBLIC bool vss_bcd_component_get_additional_restores(const vss_bcd_component *c) {
        return c && c->additional_restores;
}

VSS_PUBLIC int
vss_bcd_component_set_restore_target(vss_bcd_component *c, VSS_RESTORE_TARGET target) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(
                        target != VSS_RT_UNDEFINED && vss_restore_target_to_string(target),
                        -EINVAL);

        c->restore_target = target;
        return 0;
}

VSS_PUBLIC VSS_RESTORE_TARGET vss_bcd_component_get_restore_target(const vss_bcd_component *c) {
        return c ? c->restore_target : VSS_RT_UNDEFINED;
}

/* ---- Component: targets and mappings --------------------------------------------------------- */

/* The directed-target rule on the two range lists: both well-formed, covering as many bytes. */
const char *metadata_check_directed_ranges(
                const char *source_ranges, const char *destination_ranges, bool *ret_source) {
        uint64_t a = 0, b = 0;
        const char *e;

        e = metadata_check_inline_ranges(source_ranges, &a);
        if (e) {
                *ret_source = true;
                return e;
        }
        e = metadata_check_inline_ranges(destination_ranges, &b);
        *ret_source = false;
        if (e)
                return e;
        if (a != b)
                return "must cover as many bytes as source_ranges";
        return NULL;
}

VSS_PUBLIC int vss_bcd_component_add_directed_target(
                vss_bcd_component *c,
                const char *source_path,
                const char *source_filename,
                const char *source_ranges,
                const char *destination_path,
                const char *destination_filename,
                const char *destination_ranges) {
        bool source;
        int r;

        vss_assert_return(c, -EINVAL);
        vss_assert_return(
                        !metadata_check_path(source_path) && !metadata_check_path(destination_path),
                        -EINVAL);
        vss_assert_return(
                        !metadata_check_filename(source_filename) &&
                                        !metadata_check_filename(destination_filename),
                        -EINVAL);
        vss_assert_return(
                        !metadata_check_text(source_ranges) &&
                                        !metadata_check_text(destination_ranges),
                        -EINVAL);
        vss_assert_return(
                        !metadata_check_directed_ranges(source_ranges, destination_ranges, &source),
                        -EINVAL);

        BcdDirectedTarget *t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        t->source_path = strdup(source_path);
        t->source_filename = strdup(source_filename);
        t->source_ranges = strdup(source_ranges);
        t->destination_path = strdup(destination_path);
        t->destination_filename = strdup(destination_filename);
        t->destination_ranges = strdup(destination_ranges);
        if (!t->source_path || !t->source_filename || !t->source_ranges || !t->destination_path ||
            !t->destination_filename || !t->destination_ranges)
                r = -ENOMEM;
        else
                r = ptr_array_push(&c->directed_targets, t, VSS_METADATA_ITEMS_MAX);
        if (r < 0)
                bcd_directed_target_free(t);
        return r;
}

VSS_PUBLIC size_t vss_bcd_component_get_directed_target_count(const vss_bcd_component *c) {
        return c ? c->directed_targets.n : 0;
}

VSS_PUBLIC int vss_bcd_component_get_directed_target(
                const vss_bcd_component *c,
                size_t index,
                const char **ret_source_path,
                const char **ret_source_filename,
                const char **ret_source_ranges,
                const char **ret_destination_path,
                const char **ret_destination_filename,
                const char **ret_destination_ranges) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(index < c->directed_targets.n, -EINVAL);

        const BcdDirectedTarget *t = c->directed_targets.items[index];
        if (ret_source_path)
                *ret_source_path = t->source_path;
        if (ret_source_filename)
                *ret_source_filename = t->source_filename;
        if (ret_source_ranges)
                *ret_source_ranges = t->source_ranges;
        if (ret_destination_path)
                *ret_destination_path = t->destination_path;
        if (ret_destination_filename)
                *ret_destination_filename = t->destination_filename;
        if (ret_destination_ranges)
                *ret_destination_ranges = t->destination_ranges;
        return 0;
}

VSS_PUBLIC int vss_bcd_component_add_new_target(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_path) {
        vss_assert_return(c, -EINVAL);

        return wm_filedesc_append(
                        &c->new_targets, FILEDESC_NEW_TARGET, path, filespec, recursive,
                        alternate_path);
}

VSS_PUBLIC size_t vss_bcd_component_get_new_target_count(const vss_bcd_component *c) {
        return c ? c->new_targets.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_bcd_component_get_new_target(const vss_bcd_component *c, size_t index) {
        return c && index < c->new_targets.n ? c->new_targets.items[index] : NULL;
}

VSS_PUBLIC int vss_bcd_component_add_alternate_location_mapping(
                vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination) {
        vss_assert_return(c, -EINVAL);

        return wm_filedesc_append(
                        &c->alternate_location_mappings, FILEDESC_MAPPING, path, filespec,
                        recursive, destination);
}

VSS_PUBLIC size_t
vss_bcd_component_get_alternate_location_mapping_count(const vss_bcd_component *c) {
        return c ? c->alternate_location_mappings.n : 0;
}

VSS_PUBLIC const vss_wm_filedesc *
vss_bcd_component_get_alternate_location_mapping(const vss_bcd_component *c, size_t index) {
        return c && index < c->alternate_location_mappings.n
                               ? c->alternate_location_mappings.items[index]
                               : NULL;
}

/* ---- Component: status, failure, roll-forward, authoritative --------------------------------- */

VSS_PUBLIC int
vss_bcd_component_set_file_restore_status(vss_bcd_component *c, VSS_FILE_RESTORE_STATUS status) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(vss_file_restore_status_to_string(status), -EINVAL);

        c->file_restore_status = status;
        return 0;
}

VSS_PUBLIC VSS_FILE_RESTORE_STATUS
vss_bcd_component_get_file_restore_status(const vss_bcd_component *c) {
        return c ? c->file_restore_status : VSS_RS_UNDEFINED;
}

VSS_PUBLIC int vss_bcd_component_set_failure(
                vss_bcd_component *c,
                uint32_t hr,
                uint32_t application_hr,
                const char *application_message) {
        int r;

        vss_assert_return(c, -EINVAL);
        vss_assert_return(!metadata_check_text(application_message), -EINVAL);

        r = metadata_replace_optional(&c->failure_message, application_message);
        if (r < 0)
                return r;
        c->failure_hr = hr;
        c->failure_application_hr = application_hr;
        return 0;
}

VSS_PUBLIC int vss_bcd_component_get_failure(
                const vss_bcd_component *c,
                uint32_t *ret_hr,
                uint32_t *ret_application_hr,
                const char **ret_application_message) {
        vss_assert_return(c, -EINVAL);

        if (ret_hr)
                *ret_hr = c->failure_hr;
        if (ret_application_hr)
                *ret_application_hr = c->failure_application_hr;
        if (ret_application_message)
                *ret_application_message = c->failure_message;
        return 0;
}

const char *
metadata_check_roll_forward(VSS_ROLLFORWARD_TYPE type, const char *point, bool *ret_point) {
        *ret_point = false;
        if (!vss_rollforward_type_to_string(type))
                return "must be a VSS_ROLLFORWARD_TYPE";
        *ret_point = true;
        if (type == VSS_RF_PARTIAL && (!point || !*point))
                return "is required with VSS_RF_PARTIAL";
        if (type != VSS_RF_PARTIAL && point)
                return "is only allowed with VSS_RF_PARTIAL";
        return metadata_check_text(point);
}

VSS_PUBLIC int vss_bcd_component_set_roll_forward(
                vss_bcd_component *c, VSS_ROLLFORWARD_TYPE type, const char *point) {
        bool which;

        vss_assert_return(c, -EINVAL);
        if (point && !*point)
                point = NULL;
        vss_assert_return(!metadata_check_roll_forward(type, point, &which), -EINVAL);

        int r = metadata_replace_optional(&c->roll_forward_point, point);
        if (r < 0)
                return r;
        c->roll_forward_type = type;
        return 0;
}

VSS_PUBLIC VSS_ROLLFORWARD_TYPE
vss_bcd_component_get_roll_forward_type(const vss_bcd_component *c) {
        return c ? c->roll_forward_type : VSS_RF_UNDEFINED;
}

VSS_PUBLIC const char *vss_bcd_component_get_roll_forward_point(const vss_bcd_component *c) {
        return c ? c->roll_forward_point : NULL;
}

VSS_PUBLIC int
vss_bcd_component_set_authoritative_restore(vss_bcd_component *c, bool authoritative) {
        vss_assert_return(c, -EINVAL);

        c->authoritative_restore = authoritative;
        return 0;
}

VSS_PUBLIC bool vss_bcd_component_get_authoritative_restore(const vss_bcd_component *c) {
        return c && c->authoritative_restore;
}
