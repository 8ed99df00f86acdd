/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Whole-document validation of WMDs and BCDs (docs/DOCUMENTS.md §5). Every failure names the
 * field by its JSON path ("components[2].database_log_files[0].filespec") and the rule. The
 * checks run in document order and stop at the first failure, so the message is deterministic. */

#include <stdio.h>
#include <string.h>

#include "metadata-internal.h"

/* A field path prefix, and one for the fields below it; long enough for the deepest path (six
 * levels of short names and indices). */
#define PREFIX_MAX       192
#define INNER_PREFIX_MAX (2 * PREFIX_MAX)

static int fail(char **reterr, const char *prefix, const char *field, const char *rule) {
        return metadata_error(
                        reterr, -VSS_E_INVALID_XML_DOCUMENT, "%s%s%s: %s", prefix,
                        *prefix && *field ? "." : "", field, rule);
}

/* Fails with the rule text if 'rule' is not NULL. */
#define CHECK(prefix, field, rule)                                     \
        do {                                                           \
                const char *rule_ = (rule);                            \
                if (rule_)                                             \
                        return fail(reterr, (prefix), (field), rule_); \
        } while (false)

const char *wm_filedesc_alternate_key(FiledescKind kind) {
        switch (kind) {
        case FILEDESC_MAPPING:
                return "destination";
        case FILEDESC_NEW_TARGET:
                return "alternate_path";
        default:
                return "alternate_location";
        }
}

static const char *check_guid_not_null(const vss_guid *g) {
        return vss_guid_is_null(g) ? "must not be the null GUID" : NULL;
}

static const char *check_count(size_t n, size_t max) {
        return n > max ? "has too many entries" : NULL;
}

static int validate_filedesc(const vss_wm_filedesc *f, const char *prefix, char **reterr) {
        const char *alt = wm_filedesc_alternate_key(f->kind);
        bool file_set = f->kind == FILEDESC_FILE_GROUP || f->kind == FILEDESC_DATABASE ||
                        f->kind == FILEDESC_DATABASE_LOG;
        bool database = f->kind == FILEDESC_DATABASE || f->kind == FILEDESC_DATABASE_LOG;

        CHECK(prefix, "path", metadata_check_path(f->path));
        CHECK(prefix, "filespec", metadata_check_filespec(f->filespec));
        if (database && f->recursive)
                return fail(reterr, prefix, "recursive", "a database file set is never recursive");
        if (f->alternate_location) {
                if (database)
                        return fail(reterr, prefix, alt,
                                    "a database file set has no alternate location");
                if (f->kind == FILEDESC_EXCLUDE)
                        return fail(reterr, prefix, alt,
                                    "an exclude entry has no alternate location");
                CHECK(prefix, alt, metadata_check_path(f->alternate_location));
        } else if (f->kind == FILEDESC_MAPPING || f->kind == FILEDESC_NEW_TARGET)
                return fail(reterr, prefix, alt, "must not be empty");
        if (file_set)
                CHECK(prefix, "backup_type_mask",
                      metadata_check_backup_type_mask(f->backup_type_mask));
        else if (f->backup_type_mask != 0)
                return fail(reterr, prefix, "backup_type_mask",
                            "only component file sets have a mask");
        return 0;
}

static int
validate_filedesc_list(const PtrArray *list, const char *name, size_t max, char **reterr) {
        char prefix[PREFIX_MAX];
        int r;

        CHECK("", name, check_count(list->n, max));
        for (size_t i = 0; i < list->n; i++) {
                (void) snprintf(prefix, sizeof prefix, "%s[%zu]", name, i);
                r = validate_filedesc(list->items[i], prefix, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- WMD ------------------------------------------------------------------------------------ */

static int validate_identity(const vss_wmd *wmd, char **reterr) {
        const char *p = "identity";

        CHECK(p, "writer_class_id", check_guid_not_null(&wmd->writer_class_id));
        CHECK(p, "writer_instance_id", check_guid_not_null(&wmd->writer_instance_id));
        CHECK(p, "instance_name",
              metadata_check_string(wmd->instance_name, VSS_METADATA_STRING_MAX));
        if (!wmd->writer_name || !*wmd->writer_name)
                return fail(reterr, p, "writer_name", "must not be empty");
        CHECK(p, "writer_name", metadata_check_string(wmd->writer_name, VSS_METADATA_STRING_MAX));
        if (!vss_usage_type_to_string(wmd->usage_type))
                return fail(reterr, p, "usage_type", "must be a VSS_USAGE_TYPE");
        if (wmd->usage_type == VSS_UT_UNDEFINED)
                return fail(reterr, p, "usage_type", "must not be VSS_UT_UNDEFINED");
        if (!vss_source_type_to_string(wmd->source_type))
                return fail(reterr, p, "source_type", "must be a VSS_SOURCE_TYPE");
        if (!vss_application_level_to_string(wmd->application_level))
                return fail(reterr, p, "application_level", "must be a VSS_APPLICATION_LEVEL");
        if (wmd->application_level == VSS_APP_UNKNOWN)
                return fail(reterr, p, "application_level", "must not be VSS_APP_UNKNOWN");
        if (wmd->freeze_timeout_ms == 0)
                return fail(reterr, p, "freeze_timeout_ms", "must not be 0");
        return 0;
}

static int validate_restore_method(const vss_wmd *wmd, char **reterr) {
        const char *p = "restore_method";

        if (!vss_restore_method_to_string(wmd->restore_method))
                return fail(reterr, p, "method", "must be a VSS_RESTOREMETHOD_ENUM");
        if (wmd->restore_method == VSS_RME_UNDEFINED)
                return fail(reterr, p, "method", "must not be VSS_RME_UNDEFINED");
        if (wmd->restore_method == VSS_RME_RESTORE_TO_ALTERNATE_LOCATION &&
            wmd->alternate_location_mappings.n == 0)
                return fail(reterr, p, "method",
                            "VSS_RME_RESTORE_TO_ALTERNATE_LOCATION needs at least one alternate "
                            "location mapping");
        CHECK(p, "service", metadata_check_string(wmd->restore_service, VSS_METADATA_STRING_MAX));
        if (wmd_restore_method_needs_service(wmd->restore_method) && !wmd->restore_service)
                return fail(reterr, p, "service", "is required by this restore method");
        CHECK(p, "user_procedure", metadata_check_text(wmd->restore_user_procedure));
        if (!vss_writer_restore_to_string(wmd->writer_restore))
                return fail(reterr, p, "writer_restore", "must be a VSS_WRITERRESTORE_ENUM");
        if (wmd->writer_restore == VSS_WRE_UNDEFINED)
                return fail(reterr, p, "writer_restore", "must not be VSS_WRE_UNDEFINED");
        return 0;
}

static int validate_dependency(
                const vss_wmd *wmd,
                const vss_wm_component *c,
                size_t index,
                const char *prefix,
                char **reterr) {
        const vss_wm_dependency *d = c->dependencies.items[index];

        CHECK(prefix, "writer_class_id", check_guid_not_null(&d->writer_class_id));
        CHECK(prefix, "logical_path", metadata_check_dependency_logical_path(d->logical_path));
        CHECK(prefix, "component_name", metadata_check_dependency_name(d->component_name));
        CHECK(prefix, "component_name",
              metadata_check_dependency_target(d->logical_path, d->component_name));

        bool remote = (d->logical_path[0] == '\\' && d->logical_path[1] == '\\') ||
                      (d->component_name[0] == '\\' && d->component_name[1] == '\\');
        if (!remote && vss_guid_equal(&d->writer_class_id, &wmd->writer_class_id))
                return fail(reterr, prefix, "writer_class_id",
                            "must not be the writer's own class (use logical paths within a "
                            "writer)");

        for (size_t k = 0; k < index; k++) {
                const vss_wm_dependency *e = c->dependencies.items[k];
                if (vss_guid_equal(&d->writer_class_id, &e->writer_class_id) &&
                    metadata_key_equal(
                                    d->logical_path, d->component_name, e->logical_path,
                                    e->component_name)) {
                        char rule[64];
                        (void) snprintf(rule, sizeof rule, "repeats dependencies[%zu]", k);
                        return fail(reterr, prefix, "", rule);
                }
        }
        return 0;
}

static int validate_file_sets(
                const vss_wm_component *c,
                const PtrArray *list,
                const char *cprefix,
                const char *name,
                VSS_COMPONENT_TYPE allowed,
                char **reterr) {
        char prefix[PREFIX_MAX];
        int r;

        if (list->n > 0 && c->type != allowed)
                return fail(reterr, cprefix, name,
                            allowed == VSS_CT_FILEGROUP
                                            ? "only a VSS_CT_FILEGROUP component has file groups"
                                            : "only a VSS_CT_DATABASE component has database "
                                              "files");
        CHECK(cprefix, name, check_count(list->n, VSS_METADATA_FILE_SETS_MAX));
        for (size_t j = 0; j < list->n; j++) {
                (void) snprintf(prefix, sizeof prefix, "%s.%s[%zu]", cprefix, name, j);
                r = validate_filedesc(list->items[j], prefix, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int validate_component(const vss_wmd *wmd, size_t index, char **reterr) {
        const vss_wm_component *c = wmd->components.items[index];
        char p[PREFIX_MAX], prefix[INNER_PREFIX_MAX];
        int r;

        (void) snprintf(p, sizeof p, "components[%zu]", index);

        if (!vss_component_type_to_string(c->type))
                return fail(reterr, p, "type", "must be a VSS_COMPONENT_TYPE");
        if (c->type == VSS_CT_UNDEFINED)
                return fail(reterr, p, "type", "must not be VSS_CT_UNDEFINED");
        CHECK(p, "logical_path", metadata_check_logical_path(c->logical_path));
        CHECK(p, "name", metadata_check_name(c->name));
        for (size_t k = 0; k < index; k++) {
                const vss_wm_component *e = wmd->components.items[k];
                if (metadata_key_equal(c->logical_path, c->name, e->logical_path, e->name)) {
                        char rule[96];
                        (void) snprintf(rule, sizeof rule,
                                        "repeats the logical path and name of components[%zu]", k);
                        return fail(reterr, p, "name", rule);
                }
        }
        CHECK(p, "caption", metadata_check_string(c->caption, VSS_METADATA_STRING_MAX));
        if (c->icon_size > VSS_METADATA_ICON_MAX)
                return fail(reterr, p, "icon", "must not be larger than 65536 bytes");
        CHECK(p, "component_flags", metadata_check_component_flags(c->flags));

        r = validate_file_sets(c, &c->files, p, "file_groups", VSS_CT_FILEGROUP, reterr);
        if (r < 0)
                return r;
        r = validate_file_sets(c, &c->database_files, p, "database_files", VSS_CT_DATABASE, reterr);
        if (r < 0)
                return r;
        r = validate_file_sets(
                        c, &c->database_log_files, p, "database_log_files", VSS_CT_DATABASE,
                        reterr);
        if (r < 0)
                return r;

        CHECK(p, "dependencies", check_count(c->dependencies.n, VSS_METADATA_DEPENDENCIES_MAX));
        for (size_t j = 0; j < c->dependencies.n; j++) {
                (void) snprintf(prefix, sizeof prefix, "%s.dependencies[%zu]", p, j);
                r = validate_dependency(wmd, c, j, prefix, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool filedesc_same_set(const vss_wm_filedesc *a, const vss_wm_filedesc *b) {
        return streq(a->path, b->path) && streq(a->filespec, b->filespec) &&
               a->recursive == b->recursive;
}

static bool wmd_has_file_set(const vss_wmd *wmd, const vss_wm_filedesc *m) {
        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *c = wmd->components.items[i];
                const PtrArray *lists[] = {&c->files, &c->database_files, &c->database_log_files};
                for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                        for (size_t j = 0; j < lists[l]->n; j++)
                                if (filedesc_same_set(m, lists[l]->items[j]))
                                        return true;
        }
        return false;
}

static bool wmd_has_log_file_set(const vss_wmd *wmd) {
        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *c = wmd->components.items[i];
                if (c->database_log_files.n > 0)
                        return true;
        }
        return false;
}

int wmd_validate_internal(const vss_wmd *wmd, char **reterr) {
        int r;

        assert(wmd);

        r = validate_identity(wmd, reterr);
        if (r < 0)
                return r;
        r = validate_restore_method(wmd, reterr);
        if (r < 0)
                return r;

        CHECK("", "backup_schema", metadata_check_backup_schema(wmd->backup_schema));

        r = validate_filedesc_list(
                        &wmd->alternate_location_mappings, "alternate_location_mappings",
                        VSS_METADATA_WRITER_FILES_MAX, reterr);
        if (r < 0)
                return r;
        r = validate_filedesc_list(
                        &wmd->exclude_files, "exclude_files", VSS_METADATA_WRITER_FILES_MAX,
                        reterr);
        if (r < 0)
                return r;
        r = validate_filedesc_list(
                        &wmd->exclude_files_from_snapshot, "exclude_files_from_snapshot",
                        VSS_METADATA_WRITER_FILES_MAX, reterr);
        if (r < 0)
                return r;
        r = validate_filedesc_list(
                        &wmd->include_files, "include_files", VSS_METADATA_WRITER_FILES_MAX,
                        reterr);
        if (r < 0)
                return r;

        if (wmd->components.n == 0)
                return fail(reterr, "", "components", "must contain at least one component");
        CHECK("", "components", check_count(wmd->components.n, VSS_METADATA_COMPONENTS_MAX));
        for (size_t i = 0; i < wmd->components.n; i++) {
                r = validate_component(wmd, i, reterr);
                if (r < 0)
                        return r;
        }

        /* Rules across components, once each component is known to be well-formed. */
        if ((wmd->backup_schema & VSS_BS_LOG) && !wmd_has_log_file_set(wmd))
                return fail(reterr, "", "backup_schema",
                            "VSS_BS_LOG needs at least one database log file set");
        for (size_t i = 0; i < wmd->alternate_location_mappings.n; i++)
                if (!wmd_has_file_set(wmd, wmd->alternate_location_mappings.items[i])) {
                        char prefix[PREFIX_MAX];
                        (void) snprintf(prefix, sizeof prefix, "alternate_location_mappings[%zu]",
                                        i);
                        return fail(reterr, prefix, "",
                                    "must name the path, filespec and recursion of a file set of "
                                    "one "
                                    "of the writer's components");
                }
        return 0;
}

VSS_PUBLIC int vss_wmd_validate(const vss_wmd *wmd, char **reterr_message) {
        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(wmd, -EINVAL);

        return wmd_validate_internal(wmd, reterr_message);
}

/* ---- BCD ------------------------------------------------------------------------------------ */

static int validate_partial_file(const BcdPartialFile *pf, const char *prefix, char **reterr) {
        CHECK(prefix, "path", metadata_check_path(pf->path));
        CHECK(prefix, "filename", metadata_check_filename(pf->filename));
        CHECK(prefix, "ranges", metadata_check_partial_ranges(pf->ranges));
        CHECK(prefix, "metadata", metadata_check_text(pf->metadata));
        return 0;
}

static int
validate_differenced_file(const BcdDifferencedFile *d, const char *prefix, char **reterr) {
        CHECK(prefix, "path", metadata_check_path(d->path));
        CHECK(prefix, "filespec", metadata_check_filespec(d->filespec));
        CHECK(prefix, "last_modify_lsn", metadata_check_text(d->last_modify_lsn));
        return 0;
}

static int validate_directed_target(const BcdDirectedTarget *t, const char *prefix, char **reterr) {
        bool source;

        CHECK(prefix, "source_path", metadata_check_path(t->source_path));
        CHECK(prefix, "source_filename", metadata_check_filename(t->source_filename));
        CHECK(prefix, "source_ranges", metadata_check_text(t->source_ranges));
        CHECK(prefix, "destination_path", metadata_check_path(t->destination_path));
        CHECK(prefix, "destination_filename", metadata_check_filename(t->destination_filename));
        CHECK(prefix, "destination_ranges", metadata_check_text(t->destination_ranges));
        const char *e = metadata_check_directed_ranges(
                        t->source_ranges, t->destination_ranges, &source);
        if (e)
                return fail(reterr, prefix, source ? "source_ranges" : "destination_ranges", e);
        return 0;
}

/* Runs 'check' on every element of a component list, with "<p>.<name>[j]" as prefix. */
static int
validate_list(const PtrArray *list,
              const char *p,
              const char *name,
              int (*check)(const void *item, const char *prefix, char **reterr),
              char **reterr) {
        char prefix[PREFIX_MAX];
        int r;

        CHECK(p, name, check_count(list->n, VSS_METADATA_ITEMS_MAX));
        for (size_t j = 0; j < list->n; j++) {
                (void) snprintf(prefix, sizeof prefix, "%s.%s[%zu]", p, name, j);
                r = check(list->items[j], prefix, reterr);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int check_partial_file_item(const void *item, const char *prefix, char **reterr) {
        return validate_partial_file(item, prefix, reterr);
}

static int check_differenced_file_item(const void *item, const char *prefix, char **reterr) {
        return validate_differenced_file(item, prefix, reterr);
}

static int check_directed_target_item(const void *item, const char *prefix, char **reterr) {
        return validate_directed_target(item, prefix, reterr);
}

static int check_filedesc_item(const void *item, const char *prefix, char **reterr) {
        return validate_filedesc(item, prefix, reterr);
}

static int
validate_restore_subcomponents(const vss_bcd_component *c, const char *p, char **reterr) {
        char prefix[INNER_PREFIX_MAX];

        CHECK(p, "restore_subcomponents",
              check_count(c->restore_subcomponents.n, VSS_METADATA_ITEMS_MAX));
        for (size_t j = 0; j < c->restore_subcomponents.n; j++) {
                const BcdRestoreSubcomponent *s = c->restore_subcomponents.items[j];
                (void) snprintf(prefix, sizeof prefix, "%s.restore_subcomponents[%zu]", p, j);
                CHECK(prefix, "logical_path", metadata_check_logical_path(s->logical_path));
                CHECK(prefix, "name", metadata_check_name(s->name));
                if (!metadata_logical_path_is_within(s->logical_path, c->logical_path, c->name))
                        return fail(reterr, prefix, "logical_path",
                                    "must lie within the component's set (start with its full "
                                    "path)");
                for (size_t k = 0; k < j; k++) {
                        const BcdRestoreSubcomponent *e = c->restore_subcomponents.items[k];
                        if (metadata_key_equal(
                                            s->logical_path, s->name, e->logical_path, e->name)) {
                                char rule[64];
                                (void) snprintf(rule, sizeof rule,
                                                "repeats restore_subcomponents[%zu]", k);
                                return fail(reterr, prefix, "", rule);
                        }
                }
        }
        return 0;
}

static int validate_bcd_component(const vss_bcd_writer *w, size_t wi, size_t index, char **reterr) {
        const vss_bcd_component *c = w->components.items[index];
        char p[PREFIX_MAX], q[INNER_PREFIX_MAX];
        bool point;
        int r;

        (void) snprintf(p, sizeof p, "writers[%zu].components[%zu]", wi, index);

        if (!vss_component_type_to_string(c->type))
                return fail(reterr, p, "type", "must be a VSS_COMPONENT_TYPE");
        if (c->type == VSS_CT_UNDEFINED)
                return fail(reterr, p, "type", "must not be VSS_CT_UNDEFINED");
        CHECK(p, "logical_path", metadata_check_logical_path(c->logical_path));
        CHECK(p, "name", metadata_check_name(c->name));
        for (size_t k = 0; k < index; k++) {
                const vss_bcd_component *e = w->components.items[k];
                if (metadata_key_equal(c->logical_path, c->name, e->logical_path, e->name)) {
                        char rule[96];
                        (void) snprintf(rule, sizeof rule,
                                        "repeats the logical path and name of components[%zu]", k);
                        return fail(reterr, p, "name", rule);
                }
        }

        CHECK(p, "backup_options", metadata_check_text(c->backup_options));
        CHECK(p, "restore_options", metadata_check_text(c->restore_options));
        CHECK(p, "backup_metadata", metadata_check_text(c->backup_metadata));
        CHECK(p, "restore_metadata", metadata_check_text(c->restore_metadata));
        CHECK(p, "backup_stamp", metadata_check_text(c->backup_stamp));
        CHECK(p, "previous_backup_stamp", metadata_check_text(c->previous_backup_stamp));

        r = validate_list(&c->partial_files, p, "partial_files", check_partial_file_item, reterr);
        if (r < 0)
                return r;
        r =
                        validate_list(&c->differenced_files, p, "differenced_files",
                                      check_differenced_file_item, reterr);
        if (r < 0)
                return r;

        if (!c->selected_for_restore && !vss_guid_is_null(&c->restore_instance_id))
                return fail(reterr, p, "restore_instance_id",
                            "must be null unless the component is selected for restore");
        r = validate_restore_subcomponents(c, p, reterr);
        if (r < 0)
                return r;
        if (!vss_restore_target_to_string(c->restore_target))
                return fail(reterr, p, "restore_target", "must be a VSS_RESTORE_TARGET");
        if (c->restore_target == VSS_RT_UNDEFINED)
                return fail(reterr, p, "restore_target", "must not be VSS_RT_UNDEFINED");
        r =
                        validate_list(&c->directed_targets, p, "directed_targets",
                                      check_directed_target_item, reterr);
        if (r < 0)
                return r;
        r = validate_list(&c->new_targets, p, "new_targets", check_filedesc_item, reterr);
        if (r < 0)
                return r;
        r =
                        validate_list(&c->alternate_location_mappings, p,
                                      "alternate_location_mappings", check_filedesc_item, reterr);
        if (r < 0)
                return r;
        if (!vss_file_restore_status_to_string(c->file_restore_status))
                return fail(reterr, p, "file_restore_status", "must be a VSS_FILE_RESTORE_STATUS");

        (void) snprintf(q, sizeof q, "%s.failure_messages", p);
        CHECK(q, "prepare_for_backup", metadata_check_text(c->prepare_for_backup_failure_message));
        CHECK(q, "post_snapshot", metadata_check_text(c->post_snapshot_failure_message));
        CHECK(q, "pre_restore", metadata_check_text(c->pre_restore_failure_message));
        CHECK(q, "post_restore", metadata_check_text(c->post_restore_failure_message));
        (void) snprintf(q, sizeof q, "%s.failure", p);
        CHECK(q, "application_message", metadata_check_text(c->failure_message));

        (void) snprintf(q, sizeof q, "%s.roll_forward", p);
        const char *e = metadata_check_roll_forward(
                        c->roll_forward_type, c->roll_forward_point, &point);
        if (e)
                return fail(reterr, q, point ? "point" : "type", e);
        CHECK(p, "restore_name", metadata_check_text(c->restore_name));
        return 0;
}

int bcd_validate_internal(const vss_bcd *bcd, char **reterr) {
        char p[PREFIX_MAX];
        int r;

        assert(bcd);

        if (!vss_backup_type_to_string(bcd->backup_type))
                return fail(reterr, "backup_state", "backup_type", "must be a VSS_BACKUP_TYPE");
        if (!vss_restore_type_to_string(bcd->restore_type))
                return fail(reterr, "", "restore_type", "must be a VSS_RESTORE_TYPE");
        CHECK("", "snapshot_context", metadata_check_snapshot_context(bcd->snapshot_context));

        CHECK("", "writers", check_count(bcd->writers.n, VSS_METADATA_WRITERS_MAX));
        for (size_t i = 0; i < bcd->writers.n; i++) {
                const vss_bcd_writer *w = bcd->writers.items[i];

                (void) snprintf(p, sizeof p, "writers[%zu]", i);
                CHECK(p, "instance_id", check_guid_not_null(&w->instance_id));
                CHECK(p, "class_id", check_guid_not_null(&w->class_id));
                CHECK(p, "instance_name",
                      metadata_check_string(w->instance_name, VSS_METADATA_STRING_MAX));
                for (size_t k = 0; k < i; k++) {
                        const vss_bcd_writer *e = bcd->writers.items[k];
                        if (vss_guid_equal(&w->instance_id, &e->instance_id) &&
                            vss_guid_equal(&w->class_id, &e->class_id)) {
                                char rule[96];
                                (void) snprintf(rule, sizeof rule,
                                                "repeats the class and instance ID of writers[%zu]",
                                                k);
                                return fail(reterr, p, "instance_id", rule);
                        }
                }
                CHECK(p, "components", check_count(w->components.n, VSS_METADATA_COMPONENTS_MAX));
                for (size_t j = 0; j < w->components.n; j++) {
                        r = validate_bcd_component(w, i, j, reterr);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

VSS_PUBLIC int vss_bcd_validate(const vss_bcd *bcd, char **reterr_message) {
        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(bcd, -EINVAL);

        return bcd_validate_internal(bcd, reterr_message);
}
