/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Restores (VSS-REFERENCE §2.2, §4): the saved writer metadata, selection for restore with the
 * restore-side rules of the selection algebra, restore with move, the restore settings and the
 * schema bits they need, and the PreRestore/PostRestore events.
 *
 * Identity. The saved document keeps every backed-up writer's identity (class and instance id
 * of then), and so do the parts sent to writers: a writer recognizes its part by its class. The
 * live instance that restores a backed-up writer's components is, by default, the one of the
 * same class with the same instance name; with restore with move, another live instance of the
 * class, recorded in each component's restore instance id. The request's writers[] entry goes to
 * that live instance. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metadata-internal.h"
#include "requester-internal.h"

void restore_route_free_void(void *p) {
        free(p);
}

VSS_PUBLIC int vss_requester_set_restore_state(vss_requester *r, VSS_RESTORE_TYPE restore_type) {
        vss_assert_return(r, -EINVAL);

        r->error = mfree(r->error);
        int k = requester_check(r, CALL_SET_RESTORE_STATE, __func__);
        if (k < 0)
                return k;
        if (!vss_restore_type_to_string(restore_type))
                return requester_fail(
                                r, -EINVAL, "%s: %d is not a restore type", __func__,
                                (int) restore_type);
        return vss_bcd_set_restore_type(r->bcd, restore_type);
}

/* The saved metadata of a backed-up writer, or NULL. */
static const vss_wmd *saved_wmd_of(const vss_requester *r, const vss_bcd_writer *entry) {
        for (size_t i = 0; i < r->saved_wmds.n; i++) {
                const vss_wmd *wmd = r->saved_wmds.items[i];
                if (vss_guid_equal(vss_wmd_get_writer_instance_id(wmd),
                                   vss_bcd_writer_get_instance_id(entry)) &&
                    vss_guid_equal(vss_wmd_get_writer_class_id(wmd),
                                   vss_bcd_writer_get_class_id(entry)))
                        return wmd;
        }
        return NULL;
}

VSS_PUBLIC int vss_requester_add_saved_writer_metadata(vss_requester *r, const char *wmd_json) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];
        VSS_CLEANUP(vss_wmd_freep) vss_wmd *wmd = NULL;
        vss_autofree char *err = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(wmd_json, -EINVAL);

        r->error = mfree(r->error);
        int k = requester_check(r, CALL_ADD_SAVED_METADATA, __func__);
        if (k < 0)
                return k;
        k = vss_wmd_from_json(wmd_json, strlen(wmd_json), &wmd, &err);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: the writer metadata document is not valid: %s", __func__,
                                err ? err : vss_strerror(k));

        const vss_guid *instance = vss_wmd_get_writer_instance_id(wmd);
        const vss_guid *class = vss_wmd_get_writer_class_id(wmd);
        const char *name = vss_wmd_get_writer_name(wmd);
        vss_bcd_writer *entry = vss_bcd_find_writer(r->bcd, instance, class);
        if (!entry)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: writer '%s' (instance %s, class %s) is not in the backup "
                                "components document",
                                __func__, name, vss_guid_to_string(instance, g1),
                                vss_guid_to_string(class, g2));
        if (saved_wmd_of(r, entry))
                return requester_fail(
                                r, -VSS_E_OBJECT_ALREADY_EXISTS,
                                "%s: the metadata of writer '%s' (instance %s) was already added",
                                __func__, name, vss_guid_to_string(instance, g1));
        k = vss_bcd_check_selection(r->bcd, wmd, &err);
        if (k < 0)
                return requester_fail(
                                r, k,
                                "%s: the backup components document does not match the metadata "
                                "of writer '%s': %s",
                                __func__, name, err ? err : vss_strerror(k));
        k = ptr_array_push(&r->saved_wmds, wmd, SIZE_MAX);
        if (k < 0)
                return requester_fail(r, k, "%s: out of memory", __func__);
        TAKE_PTR(wmd);
        return 0;
}

/* The live instance that restores a backed-up writer by default: the one of the same class with
 * the same instance name, or NULL. */
static RequesterWriter *default_target(const vss_requester *r, const vss_bcd_writer *entry) {
        for (size_t i = 0; i < r->writers.n; i++) {
                RequesterWriter *w = r->writers.items[i];
                if (vss_guid_equal(&w->class_id, vss_bcd_writer_get_class_id(entry)) &&
                    streq_ptr(w->instance_name, vss_bcd_writer_get_instance_name(entry)))
                        return w;
        }
        return NULL;
}

/* The live instance that restores component 'c' of 'entry', or NULL if it is not running. */
static RequesterWriter *
restore_target(const vss_requester *r, const vss_bcd_writer *entry, const vss_bcd_component *c) {
        const vss_guid *moved = vss_bcd_component_get_restore_instance_id(c);
        if (moved && !vss_guid_is_null(moved))
                return requester_find_writer(r, moved);
        return default_target(r, entry);
}

static int not_running(vss_requester *r, const char *function, const vss_bcd_writer *entry) {
        char g[VSS_GUID_STRING_MAX];
        const char *name = vss_bcd_writer_get_instance_name(entry);

        return requester_fail(
                        r, -VSS_E_OBJECT_NOT_FOUND,
                        "%s: no writer of class %s with instance name '%s' is running to restore "
                        "the component (restore with move names another instance)",
                        function, vss_guid_to_string(vss_bcd_writer_get_class_id(entry), g),
                        name ? name : "");
}

/* Finds a backed-up component for a restore call, with its writer's entry and saved
 * metadata. */
static int restore_component(
                vss_requester *r,
                const char *function,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_writer **ret_entry,
                vss_bcd_component **ret,
                const vss_wmd **ret_wmd) {
        char g[VSS_GUID_STRING_MAX];
        vss_bcd_writer *entry = NULL;

        int k = requester_find_component(
                        r, function, writer_id, type, logical_path, name, &entry, ret);
        if (k == -VSS_E_OBJECT_NOT_FOUND)
                /* Say so when it is only included implicitly. */
                for (size_t i = 0; i < r->saved_wmds.n; i++) {
                        const vss_wmd *wmd = r->saved_wmds.items[i];
                        vss_bcd_component *carrier = NULL;
                        if (!vss_guid_equal(vss_wmd_get_writer_class_id(wmd), writer_id) ||
                            vss_bcd_resolve_component(r->bcd, wmd, logical_path, name, &carrier) !=
                                            0)
                                continue;
                        const char *clp = vss_bcd_component_get_logical_path(carrier);
                        return requester_fail(
                                        r, k,
                                        "%s: component '%s%s%s' was included implicitly through "
                                        "'%s%s%s'; address that component (and use "
                                        "add_restore_subcomponent to restore only a part of it)",
                                        function, logical_path ? logical_path : "",
                                        logical_path && *logical_path ? "\\" : "", name, clp,
                                        *clp ? "\\" : "", vss_bcd_component_get_name(carrier));
                }
        if (k < 0)
                return k;
        const vss_wmd *wmd = saved_wmd_of(r, entry);
        if (!wmd)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: no saved metadata of the backed-up writer %s was added "
                                "(vss_requester_add_saved_writer_metadata())",
                                function,
                                vss_guid_to_string(vss_bcd_writer_get_instance_id(entry), g));
        if (ret_entry)
                *ret_entry = entry;
        if (ret_wmd)
                *ret_wmd = wmd;
        return 0;
}

static int
require_schema(vss_requester *r,
               const char *function,
               const RequesterWriter *w,
               uint32_t bit,
               const char *feature) {
        uint32_t schema = vss_wmd_get_backup_schema(w->wmd);

        if (schema & bit)
                return 0;
        return requester_fail(
                        r, -VSS_E_NOT_SUPPORTED,
                        "%s: writer '%s' does not support %s: its backup schema lacks %s", function,
                        w->writer_name, feature, vss_backup_schema_to_string(bit));
}

/* Finds a component for a restore setting, and checks that the writer that restores it is
 * running and, if 'bit' is not 0, supports 'feature'. */
static int
restore_setting(vss_requester *r,
                const char *function,
                RequesterCall call,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                uint32_t bit,
                const char *feature,
                vss_bcd_component **ret,
                const vss_wmd **ret_wmd) {
        vss_bcd_writer *entry = NULL;

        r->error = mfree(r->error);
        int k = requester_check(r, call, function);
        if (k < 0)
                return k;
        k = restore_component(
                        r, function, writer_id, type, logical_path, name, &entry, ret, ret_wmd);
        if (k < 0 || bit == 0)
                return k;
        const RequesterWriter *w = restore_target(r, entry, *ret);
        if (!w)
                return not_running(r, function, entry);
        return require_schema(r, function, w, bit, feature);
}

VSS_PUBLIC int vss_requester_set_selected_for_restore(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool selected,
                const vss_guid *instance_id) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];
        vss_bcd_writer *entry = NULL;
        vss_bcd_component *c = NULL;
        const vss_wmd *wmd = NULL;
        vss_autofree char *err = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        r->error = mfree(r->error);
        int k = requester_check(r, CALL_RESTORE_SELECT, __func__);
        if (k < 0)
                return k;
        k = restore_component(r, __func__, writer_id, type, logical_path, name, &entry, &c, &wmd);
        if (k < 0)
                return k;

        RequesterWriter *standard = default_target(r, entry), *target = standard;
        if (selected && instance_id && !vss_guid_is_null(instance_id)) {
                target = requester_find_writer(r, instance_id);
                if (!target || !vss_guid_equal(&target->class_id, writer_id))
                        return requester_fail(
                                        r, -VSS_E_OBJECT_NOT_FOUND,
                                        "%s: no running writer of class %s has instance id %s",
                                        __func__, vss_guid_to_string(writer_id, g1),
                                        vss_guid_to_string(instance_id, g2));
        }
        bool move = target != standard;
        if (selected) {
                if (!target)
                        return not_running(r, __func__, entry);
                if (move) {
                        k =
                                        require_schema(r, __func__, target,
                                                       VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE,
                                                       "restore with move");
                        if (k < 0)
                                return k;
                }
                /* One live instance restores one backed-up writer, and the other way round. */
                for (size_t i = 0; i < vss_bcd_get_writer_count(r->bcd); i++) {
                        const vss_bcd_writer *e = vss_bcd_get_writer(r->bcd, i);
                        for (size_t j = 0; j < vss_bcd_writer_get_component_count(e); j++) {
                                const vss_bcd_component *o = vss_bcd_writer_get_component(e, j);
                                if (o == c || !vss_bcd_component_get_selected_for_restore(o))
                                        continue;
                                const RequesterWriter *t = restore_target(r, e, o);
                                if (e == entry && t != target)
                                        return requester_fail(
                                                        r, -EINVAL,
                                                        "%s: component '%s' of this backed-up "
                                                        "writer is already selected for restore "
                                                        "by another instance; all its components "
                                                        "go to one instance",
                                                        __func__, vss_bcd_component_get_name(o));
                                if (e != entry && t == target)
                                        return requester_fail(
                                                        r, -EINVAL,
                                                        "%s: instance '%s' (%s) already restores "
                                                        "components of another backed-up writer; "
                                                        "restore them one at a time",
                                                        __func__, target->writer_name,
                                                        vss_guid_to_string(
                                                                        &target->instance_id, g1));
                        }
                }
        }

        /* The schema bit was checked on the live instance above; the document's own rule (the
         * saved metadata's schema) is checked by vss_bcd_set_selected_for_restore(). */
        k = vss_bcd_set_selected_for_restore(
                        r->bcd, wmd, logical_path, name, selected,
                        move ? &target->instance_id : NULL, &err);
        if (k == -EINVAL && move)
                return requester_fail(
                                r, -VSS_E_NOT_SUPPORTED, "%s: the backed-up writer: %s", __func__,
                                err ? err : vss_strerror(k));
        if (k < 0)
                return requester_fail(r, k, "%s: %s", __func__, err ? err : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_add_restore_subcomponent(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *sub_logical_path,
                const char *sub_name,
                bool repair) {
        vss_bcd_component *c = NULL;
        const vss_wmd *wmd = NULL;
        vss_autofree char *err = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(sub_logical_path, -EINVAL);
        vss_assert_return(sub_name, -EINVAL);

        int k =
                        restore_setting(r, __func__, CALL_RESTORE_SELECT, writer_id, type,
                                        logical_path, name, 0, NULL, &c, &wmd);
        if (k < 0)
                return k;
        k = vss_bcd_add_restore_subcomponent(
                        r->bcd, wmd, logical_path, name, sub_logical_path, sub_name, repair, &err);
        if (k < 0)
                return requester_fail(r, k, "%s: %s", __func__, err ? err : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_set_restore_options(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *options) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        int k =
                        restore_setting(r, __func__, CALL_RESTORE_SELECT, writer_id, type,
                                        logical_path, name, 0, NULL, &c, NULL);
        if (k < 0)
                return k;
        k = vss_bcd_component_set_restore_options(c, options);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: the options must be valid UTF-8 of at most 65536 bytes",
                                __func__);
        return 0;
}

VSS_PUBLIC int vss_requester_set_additional_restores(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool additional) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        int k =
                        restore_setting(r, __func__, CALL_RESTORE_SELECT, writer_id, type,
                                        logical_path, name, 0, NULL, &c, NULL);
        if (k < 0)
                return k;
        return vss_bcd_component_set_additional_restores(c, additional);
}

/* The file sets of a component: file groups (kind 0), database files (1), database logs (2). */
static size_t file_set_count(const vss_wm_component *c, int kind) {
        return kind == 0   ? vss_wm_component_get_file_count(c)
               : kind == 1 ? vss_wm_component_get_database_file_count(c)
                           : vss_wm_component_get_database_log_file_count(c);
}

static const vss_wm_filedesc *file_set(const vss_wm_component *c, int kind, size_t i) {
        return kind == 0   ? vss_wm_component_get_file(c, i)
               : kind == 1 ? vss_wm_component_get_database_file(c, i)
                           : vss_wm_component_get_database_log_file(c, i);
}

static bool component_has_file_set(
                const vss_wm_component *c, const char *path, const char *filespec, bool recursive) {
        for (int kind = 0; kind < 3; kind++)
                for (size_t i = 0; i < file_set_count(c, kind); i++) {
                        const vss_wm_filedesc *f = file_set(c, kind, i);
                        if (streq(vss_wm_filedesc_get_path(f), path) &&
                            streq(vss_wm_filedesc_get_filespec(f), filespec) &&
                            vss_wm_filedesc_get_recursive(f) == recursive)
                                return true;
                }
        return false;
}

/* Whether file set (path, filespec, recursive) belongs to explicit component 'c' or to a member
 * of its set, in the saved metadata. Returns 1, 0 or -ENOMEM. */
static int set_has_file_set(
                const vss_wmd *wmd,
                const vss_bcd_component *c,
                const char *path,
                const char *filespec,
                bool recursive) {
        const vss_wm_component *wc = vss_wmd_find_component(
                        wmd, vss_bcd_component_get_logical_path(c), vss_bcd_component_get_name(c));
        if (!wc)
                return 0;
        if (component_has_file_set(wc, path, filespec, recursive))
                return 1;
        if (!vss_wm_component_get_selectable(wc))
                return 0;

        vss_autofree const vss_wm_component **members = NULL;
        size_t n = 0;
        int k = vss_wmd_get_component_set(wmd, wc, &members, &n);
        if (k < 0)
                return k;
        for (size_t i = 0; i < n; i++)
                if (component_has_file_set(members[i], path, filespec, recursive))
                        return 1;
        return 0;
}

static int
no_file_set(vss_requester *r,
            const char *function,
            const vss_bcd_component *c,
            int has,
            const char *path,
            const char *filespec,
            bool recursive) {
        if (has < 0)
                return requester_fail(r, has, "%s: out of memory", function);
        return requester_fail(
                        r, -VSS_E_OBJECT_NOT_FOUND,
                        "%s: component '%s' and its set have no file set '%s', '%s'%s", function,
                        vss_bcd_component_get_name(c), path, filespec,
                        recursive ? " (recursive)" : "");
}

VSS_PUBLIC int vss_requester_add_new_target(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *alternate_path) {
        vss_bcd_component *c = NULL;
        const vss_wmd *wmd = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(path, -EINVAL);
        vss_assert_return(filespec, -EINVAL);
        vss_assert_return(alternate_path, -EINVAL);

        int k = restore_setting(
                        r, __func__, CALL_RESTORE_SELECT, writer_id, type, logical_path, name,
                        VSS_BS_WRITER_SUPPORTS_NEW_TARGET, "new targets", &c, &wmd);
        if (k < 0)
                return k;
        int has = set_has_file_set(wmd, c, path, filespec, recursive);
        if (has <= 0)
                return no_file_set(r, __func__, c, has, path, filespec, recursive);
        k = vss_bcd_component_add_new_target(c, path, filespec, recursive, alternate_path);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: %s", __func__,
                                k == -EINVAL ? "the new location must be a path without wildcards"
                                             : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_set_roll_forward(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                VSS_ROLLFORWARD_TYPE roll_type,
                const char *roll_forward_point) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        int k = restore_setting(
                        r, __func__, CALL_RESTORE_SELECT, writer_id, type, logical_path, name,
                        VSS_BS_ROLLFORWARD_RESTORE, "roll-forward restores", &c, NULL);
        if (k < 0)
                return k;
        if (roll_type == VSS_RF_UNDEFINED)
                return requester_fail(
                                r, -EINVAL, "%s: VSS_RF_UNDEFINED is not a roll-forward type",
                                __func__);
        k = vss_bcd_component_set_roll_forward(c, roll_type, roll_forward_point);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: %s", __func__,
                                k == -EINVAL ? "a roll-forward point goes with VSS_RF_PARTIAL, and "
                                               "only with it"
                                             : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_set_restore_name(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *restore_name) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        int k = restore_setting(
                        r, __func__, CALL_RESTORE_SELECT, writer_id, type, logical_path, name,
                        VSS_BS_RESTORE_RENAME, "restore under another name", &c, NULL);
        if (k < 0)
                return k;
        k = vss_bcd_component_set_restore_name(c, restore_name);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: the name must be valid UTF-8 of at most 65536 bytes",
                                __func__);
        return 0;
}

VSS_PUBLIC int vss_requester_set_authoritative_restore(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool authoritative) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        int k = restore_setting(
                        r, __func__, CALL_RESTORE_SELECT, writer_id, type, logical_path, name,
                        VSS_BS_AUTHORITATIVE_RESTORE, "authoritative restores", &c, NULL);
        if (k < 0)
                return k;
        return vss_bcd_component_set_authoritative_restore(c, authoritative);
}

/* ---- PreRestore and PostRestore -------------------------------------------------------------- */

/* The live instance that restores the selected components of 'entry', or NULL if none is
 * selected. */
static RequesterWriter *entry_target(const vss_requester *r, const vss_bcd_writer *entry) {
        for (size_t j = 0; j < vss_bcd_writer_get_component_count(entry); j++) {
                const vss_bcd_component *c = vss_bcd_writer_get_component(entry, j);
                if (vss_bcd_component_get_selected_for_restore(c))
                        return restore_target(r, entry, c);
        }
        return NULL;
}

/* Sends 'type' to the routes (those with post_restore only, for PostRestore) and merges. */
static int
restore_event(vss_requester *r, ProtoMessageType type, ProtoEvent event, const char *what) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        vss_autofree const vss_guid **targets = NULL;
        vss_autofree vss_bcd_writer **entries = NULL;
        json_t *list = NULL;
        size_t n = 0;

        targets = calloc(r->routes.n + 1, sizeof(const vss_guid *));
        entries = calloc(r->routes.n + 1, sizeof(vss_bcd_writer *));
        if (!targets || !entries)
                return requester_fail(r, -ENOMEM, "%s: out of memory", what);
        for (size_t i = 0; i < r->routes.n; i++) {
                RestoreRoute *route = r->routes.items[i];
                if (type == PROTO_POST_RESTORE && !route->post_restore)
                        continue;
                targets[n] = &route->target;
                entries[n] = route->entry;
                n++;
        }

        int k = requester_build_parts(r, targets, entries, n, &list);
        if (k < 0)
                return k;
        json_t *body = json_pack("{s:o}", "writers", list);
        if (!body)
                return requester_fail(r, -ENOMEM, "%s: out of memory", what);
        k = requester_call(r, type, body, requester_timeout(r, type), what, &reply);
        if (k < 0)
                return k;
        const json_t *results = json_object_get(reply->root, "writers");
        requester_merge_parts(r, event, results, targets, entries, n);

        if (type == PROTO_PRE_RESTORE) {
                /* Writers vssd could not ask (gone, or not subscribed to restore events) are no
                 * participants: they get no PostRestore. */
                size_t i;
                const json_t *e;
                json_array_foreach(results, i, e) {
                        int result = (int) json_integer_value(json_object_get(e, "result"));
                        vss_guid id;
                        if ((result != -VSS_E_OBJECT_NOT_FOUND && result != -VSS_E_NOT_SUPPORTED) ||
                            vss_guid_from_string(
                                            json_string_value(json_object_get(e, "instance_id")),
                                            &id) < 0)
                                continue;
                        for (size_t j = 0; j < r->routes.n; j++) {
                                RestoreRoute *route = r->routes.items[j];
                                if (vss_guid_equal(&route->target, &id))
                                        route->post_restore = false;
                        }
                }
        }
        return 0;
}

VSS_PUBLIC int vss_requester_pre_restore(vss_requester *r) {
        char g[VSS_GUID_STRING_MAX];

        vss_assert_return(r, -EINVAL);

        r->error = mfree(r->error);
        int k = requester_check(r, CALL_PRE_RESTORE, __func__);
        if (k < 0)
                return k;

        ptr_array_done(&r->routes, restore_route_free_void);
        for (size_t i = 0; i < vss_bcd_get_writer_count(r->bcd); i++) {
                vss_bcd_writer *entry = vss_bcd_get_writer(r->bcd, i);
                const RequesterWriter *w = entry_target(r, entry);
                if (!w)
                        continue;
                if (vss_wmd_get_writer_restore(w->wmd) == VSS_WRE_NEVER) {
                        log_debug("Writer '%s' (%s) needs no restore events (VSS_WRE_NEVER).",
                                  w->writer_name, vss_guid_to_string(&w->instance_id, g));
                        continue;
                }
                RestoreRoute *route = calloc(1, sizeof *route);
                if (!route || ptr_array_push(&r->routes, route, SIZE_MAX) < 0) {
                        free(route);
                        ptr_array_done(&r->routes, restore_route_free_void);
                        return requester_fail(r, -ENOMEM, "%s: out of memory", __func__);
                }
                route->target = w->instance_id;
                route->entry = entry;
                route->post_restore = true;
        }

        k = restore_event(r, PROTO_PRE_RESTORE, PROTO_EVENT_PRE_RESTORE, "pre-restore");
        if (k < 0) {
                ptr_array_done(&r->routes, restore_route_free_void);
                return k;
        }
        requester_transition(r, CALL_PRE_RESTORE);
        return 0;
}

/* Finds a selected component for the calls made while files are restored. */
static int restored_component(
                vss_requester *r,
                const char *function,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret,
                const vss_wmd **ret_wmd) {
        int k =
                        restore_setting(r, function, CALL_RESTORE_FILES, writer_id, type,
                                        logical_path, name, 0, NULL, ret, ret_wmd);
        if (k < 0)
                return k;
        if (!vss_bcd_component_get_selected_for_restore(*ret))
                return requester_fail(
                                r, -EINVAL, "%s: component '%s' is not selected for restore",
                                function, name);
        return 0;
}

static bool
wmd_has_mapping(const vss_wmd *wmd,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination) {
        for (size_t i = 0; i < vss_wmd_get_alternate_location_mapping_count(wmd); i++) {
                const vss_wm_filedesc *m = vss_wmd_get_alternate_location_mapping(wmd, i);
                if (streq(vss_wm_filedesc_get_path(m), path) &&
                    streq(vss_wm_filedesc_get_filespec(m), filespec) &&
                    vss_wm_filedesc_get_recursive(m) == recursive &&
                    streq_ptr(vss_wm_filedesc_get_alternate_location(m), destination))
                        return true;
        }
        return false;
}

VSS_PUBLIC int vss_requester_add_alternative_location_mapping(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *path,
                const char *filespec,
                bool recursive,
                const char *destination) {
        vss_bcd_component *c = NULL;
        const vss_wmd *wmd = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(path, -EINVAL);
        vss_assert_return(filespec, -EINVAL);
        vss_assert_return(destination, -EINVAL);

        int k = restored_component(r, __func__, writer_id, type, logical_path, name, &c, &wmd);
        if (k < 0)
                return k;
        int has = set_has_file_set(wmd, c, path, filespec, recursive);
        if (has <= 0)
                return no_file_set(r, __func__, c, has, path, filespec, recursive);
        if (!wmd_has_mapping(wmd, path, filespec, recursive, destination))
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: the writer declares no alternate location mapping of '%s', "
                                "'%s' to '%s'",
                                __func__, path, filespec, destination);
        k = vss_bcd_component_add_alternate_location_mapping(
                        c, path, filespec, recursive, destination);
        if (k < 0)
                return requester_fail(r, k, "%s: %s", __func__, vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_set_ranges_file_path(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                size_t partial_file_index,
                const char *ranges_file) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(ranges_file, -EINVAL);

        int k = restored_component(r, __func__, writer_id, type, logical_path, name, &c, NULL);
        if (k < 0)
                return k;
        k = vss_bcd_component_set_ranges_file_path(c, partial_file_index, ranges_file);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: %s", __func__,
                                k == -EINVAL ? "no such partial file with a ranges file, or not an "
                                               "absolute path"
                                             : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_set_file_restore_status(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                VSS_FILE_RESTORE_STATUS status) {
        vss_bcd_component *c = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        int k = restored_component(r, __func__, writer_id, type, logical_path, name, &c, NULL);
        if (k < 0)
                return k;
        if (status == VSS_RS_UNDEFINED || !vss_file_restore_status_to_string(status))
                return requester_fail(
                                r, -EINVAL, "%s: %d is not a file restore status", __func__,
                                (int) status);
        return vss_bcd_component_set_file_restore_status(c, status);
}

VSS_PUBLIC int vss_requester_post_restore(vss_requester *r) {
        vss_assert_return(r, -EINVAL);

        r->error = mfree(r->error);
        int k = requester_check(r, CALL_POST_RESTORE, __func__);
        if (k < 0)
                return k;

        /* VSS_WRE_IF_REPLACE_FAILS: PostRestore only when a restore did not fully succeed. */
        for (size_t i = 0; i < r->routes.n; i++) {
                RestoreRoute *route = r->routes.items[i];
                const RequesterWriter *w = requester_find_writer(r, &route->target);
                if (!route->post_restore || !w ||
                    vss_wmd_get_writer_restore(w->wmd) != VSS_WRE_IF_REPLACE_FAILS)
                        continue;
                bool all = true;
                for (size_t j = 0; j < vss_bcd_writer_get_component_count(route->entry); j++) {
                        const vss_bcd_component *c = vss_bcd_writer_get_component(route->entry, j);
                        if (vss_bcd_component_get_selected_for_restore(c) &&
                            vss_bcd_component_get_file_restore_status(c) != VSS_RS_ALL)
                                all = false;
                }
                route->post_restore = !all;
        }

        k = restore_event(r, PROTO_POST_RESTORE, PROTO_EVENT_POST_RESTORE, "post-restore");
        if (k < 0)
                return k;
        requester_transition(r, CALL_POST_RESTORE);
        return 0;
}
