/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The selection algebra of logical paths (VSS-REFERENCE §1.5, docs/DOCUMENTS.md §6): full paths,
 * component sets, selectable ancestors, required components, explicit and implicit inclusion in
 * a BCD, the restore-side rules, and the cross-writer dependencies a selection needs.
 *
 * A component C is an ancestor of D when D's logical path equals C's full path or starts with it
 * followed by '\'. Only selectable components define sets: D is implicitly included when an
 * explicitly included selectable ancestor exists. Names and paths compare byte for byte. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata-internal.h"

VSS_PUBLIC int vss_component_full_path(const char *logical_path, const char *name, char **ret) {
        vss_assert_return(name, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        char *s = NULL;
        int k = logical_path && *logical_path ? asprintf(&s, "%s\\%s", logical_path, name)
                                              : asprintf(&s, "%s", name);
        if (k < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* Whether 'a' is an ancestor (by path) of a component with logical path 'lp'. A component is
 * not its own ancestor: its logical path is its parent's full path, not its own. */
static bool ancestor_of(const vss_wm_component *a, const char *lp) {
        return metadata_logical_path_is_within(lp, a->logical_path, a->name);
}

VSS_PUBLIC int
vss_wm_component_is_member_of(const vss_wm_component *c, const vss_wm_component *set) {
        vss_assert_return(c, -EINVAL);
        vss_assert_return(set, -EINVAL);

        if (!set->selectable)
                return 0;
        return ancestor_of(set, c->logical_path);
}

/* Collects the components for which 'pick' returns true into a new array. */
static int collect_components(
                const vss_wmd *wmd,
                bool (*pick)(const vss_wmd *wmd, const vss_wm_component *c, const void *userdata),
                const void *userdata,
                const vss_wm_component ***ret,
                size_t *ret_n) {
        const vss_wm_component **list = NULL;
        size_t n = 0;

        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *c = wmd->components.items[i];
                if (!pick(wmd, c, userdata))
                        continue;
                const vss_wm_component **p =
                                reallocarray(list, n + 1, sizeof(const vss_wm_component *));
                if (!p) {
                        free(list);
                        return -ENOMEM;
                }
                list = p;
                list[n++] = c;
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

static bool wmd_contains(const vss_wmd *wmd, const vss_wm_component *c) {
        for (size_t i = 0; i < wmd->components.n; i++)
                if (wmd->components.items[i] == c)
                        return true;
        return false;
}

static bool pick_member(const vss_wmd *wmd, const vss_wm_component *c, const void *userdata) {
        (void) wmd;
        return ancestor_of(userdata, c->logical_path);
}

VSS_PUBLIC int vss_wmd_get_component_set(
                const vss_wmd *wmd,
                const vss_wm_component *set,
                const vss_wm_component ***ret,
                size_t *ret_n) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(set && set->selectable && wmd_contains(wmd, set), -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);

        return collect_components(wmd, pick_member, set, ret, ret_n);
}

/* The nearest selectable ancestor of a component with logical path 'lp', or NULL. */
static const vss_wm_component *selectable_ancestor(const vss_wmd *wmd, const char *lp) {
        const vss_wm_component *best = NULL;
        size_t best_len = 0;

        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *a = wmd->components.items[i];
                if (!a->selectable || !ancestor_of(a, lp))
                        continue;
                /* Ancestors of one component nest, so the longest full path is the nearest. */
                size_t len = strlen(a->logical_path) + strlen(a->name);
                if (!best || len > best_len) {
                        best = a;
                        best_len = len;
                }
        }
        return best;
}

VSS_PUBLIC const vss_wm_component *
vss_wmd_get_selectable_ancestor(const vss_wmd *wmd, const vss_wm_component *c) {
        if (!wmd || !c)
                return NULL;
        return selectable_ancestor(wmd, c->logical_path);
}

static bool pick_required(const vss_wmd *wmd, const vss_wm_component *c, const void *userdata) {
        (void) userdata;
        return !c->selectable && !selectable_ancestor(wmd, c->logical_path);
}

VSS_PUBLIC int
vss_wmd_get_required_components(const vss_wmd *wmd, const vss_wm_component ***ret, size_t *ret_n) {
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);

        return collect_components(wmd, pick_required, NULL, ret, ret_n);
}

/* ---- Inclusion ------------------------------------------------------------------------------- */

static vss_bcd_writer *bcd_writer_of(const vss_bcd *bcd, const vss_wmd *wmd) {
        return vss_bcd_find_writer(bcd, &wmd->writer_instance_id, &wmd->writer_class_id);
}

/* Finds the explicitly included component carrying the state of WMD component 'c' in writer
 * entry 'w': returns 1 (itself), 0 (an ancestor; *ret set) or -VSS_E_OBJECT_NOT_FOUND. */
static int
resolve(const vss_bcd_writer *w,
        const vss_wmd *wmd,
        const vss_wm_component *c,
        vss_bcd_component **ret) {
        vss_bcd_component *best = NULL;
        size_t best_len = 0;

        if (!w)
                return -VSS_E_OBJECT_NOT_FOUND;
        vss_bcd_component *e = vss_bcd_writer_find_component(w, c->logical_path, c->name);
        if (e) {
                if (ret)
                        *ret = e;
                return 1;
        }
        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *a = wmd->components.items[i];
                if (!a->selectable || !ancestor_of(a, c->logical_path))
                        continue;
                e = vss_bcd_writer_find_component(w, a->logical_path, a->name);
                size_t len = strlen(a->logical_path) + strlen(a->name);
                if (e && (!best || len > best_len)) {
                        best = e;
                        best_len = len;
                }
        }
        if (!best)
                return -VSS_E_OBJECT_NOT_FOUND;
        if (ret)
                *ret = best;
        return 0;
}

VSS_PUBLIC int vss_bcd_resolve_component(
                const vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret) {
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(name, -EINVAL);

        const vss_wm_component *c = vss_wmd_find_component(wmd, logical_path, name);
        if (!c)
                return -VSS_E_OBJECT_NOT_FOUND;
        return resolve(bcd_writer_of(bcd, wmd), wmd, c, ret);
}

/* Formats the full path of a component for a message into 'buf' (quoted and shortened); needs
 * no allocation, so that a refusal's message never depends on memory. */
static const char *display_path(const char *lp, const char *name, char *buf, size_t size) {
        char full[2 * QUOTE_MAX];

        if (!lp)
                lp = "";
        (void) snprintf(full, sizeof full, "%s%s%s", lp, *lp ? "\\" : "", name);
        return metadata_quote(full, buf, size);
}

VSS_PUBLIC int vss_bcd_add_component(
                vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                vss_bcd_component **ret,
                char **reterr_message) {
        char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
        vss_bcd_writer *w;
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(name, -EINVAL);

        const vss_wm_component *c = vss_wmd_find_component(wmd, logical_path, name);
        if (!c)
                return metadata_error(
                                reterr_message, -VSS_E_OBJECT_NOT_FOUND,
                                "'%s': the writer has no such component",
                                display_path(logical_path, name, q, sizeof q));
        const char *cpath = display_path(c->logical_path, c->name, q, sizeof q);

        w = bcd_writer_of(bcd, wmd);
        if (w) {
                vss_bcd_component *carrier = NULL;
                r = resolve(w, wmd, c, &carrier);
                if (r == 1)
                        return metadata_error(
                                        reterr_message, -VSS_E_OBJECT_ALREADY_EXISTS,
                                        "'%s': already explicitly included", cpath);
                if (r == 0)
                        return metadata_error(
                                        reterr_message, -VSS_E_OBJECT_ALREADY_EXISTS,
                                        "'%s': already included through its selectable ancestor "
                                        "'%s'",
                                        cpath,
                                        display_path(carrier->logical_path, carrier->name, q2,
                                                     sizeof q2));
        }

        const vss_wm_component *a = selectable_ancestor(wmd, c->logical_path);
        if (!c->selectable && a)
                return metadata_error(
                                reterr_message, -EINVAL,
                                "'%s': not selectable; it is included only through its selectable "
                                "ancestor '%s'",
                                cpath, display_path(a->logical_path, a->name, q2, sizeof q2));

        if (w && c->selectable)
                for (size_t i = 0; i < wmd->components.n; i++) {
                        const vss_wm_component *m = wmd->components.items[i];
                        if (ancestor_of(c, m->logical_path) &&
                            vss_bcd_writer_find_component(w, m->logical_path, m->name))
                                return metadata_error(
                                                reterr_message, -VSS_E_OBJECT_ALREADY_EXISTS,
                                                "'%s': its member '%s' is already explicitly "
                                                "included",
                                                cpath,
                                                display_path(m->logical_path, m->name, q2,
                                                             sizeof q2));
                }

        if (!w) {
                vss_assert_return(!vss_guid_is_null(&wmd->writer_instance_id), -EINVAL);
                vss_assert_return(!vss_guid_is_null(&wmd->writer_class_id), -EINVAL);
                r = vss_bcd_add_writer(
                                bcd, &wmd->writer_instance_id, &wmd->writer_class_id,
                                wmd->instance_name, &w);
                if (r < 0)
                        return r;
        }
        return bcd_writer_add_component_internal(w, c->type, c->logical_path, c->name, ret);
}

VSS_PUBLIC int vss_bcd_add_required_components(vss_bcd *bcd, const vss_wmd *wmd) {
        vss_autofree const vss_wm_component **required = NULL;
        size_t n = 0;
        int r, added = 0;

        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);

        vss_bcd_writer *w = bcd_writer_of(bcd, wmd);
        if (!w || w->components.n == 0)
                return 0;

        r = vss_wmd_get_required_components(wmd, &required, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const vss_wm_component *c = required[i];
                if (vss_bcd_writer_find_component(w, c->logical_path, c->name))
                        continue;
                r = bcd_writer_add_component_internal(w, c->type, c->logical_path, c->name, NULL);
                if (r < 0)
                        return r;
                added++;
        }
        return added;
}

/* ---- Checking a selection ----------------------------------------------------------------------
 */

static int selection_fail(char **reterr, size_t wi, size_t ci, const char *format, ...)
                VSS_PRINTF(4, 5);
static int selection_fail(char **reterr, size_t wi, size_t ci, const char *format, ...) {
        char rule[512];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(rule, sizeof rule, format, ap);
        va_end(ap);
        return metadata_error(
                        reterr, -VSS_E_INVALID_XML_DOCUMENT, "writers[%zu].components[%zu]: %s", wi,
                        ci, rule);
}

static bool has_file_set(const vss_wm_component *c, const vss_wm_filedesc *f) {
        const PtrArray *lists[] = {&c->files, &c->database_files, &c->database_log_files};

        for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                for (size_t j = 0; j < lists[l]->n; j++) {
                        const vss_wm_filedesc *g = lists[l]->items[j];
                        if (streq(g->path, f->path) && streq(g->filespec, f->filespec) &&
                            g->recursive == f->recursive)
                                return true;
                }
        return false;
}

/* Whether file set (path, filespec, recursive) of 'f' belongs to component 'c' or, if 'c' is
 * selectable, to a member of its set. */
static bool component_set_has_file_set(
                const vss_wmd *wmd, const vss_wm_component *c, const vss_wm_filedesc *f) {
        if (has_file_set(c, f))
                return true;
        if (!c->selectable)
                return false;
        for (size_t i = 0; i < wmd->components.n; i++) {
                const vss_wm_component *m = wmd->components.items[i];
                if (ancestor_of(c, m->logical_path) && has_file_set(m, f))
                        return true;
        }
        return false;
}

static bool wmd_has_mapping(const vss_wmd *wmd, const vss_wm_filedesc *f) {
        for (size_t i = 0; i < wmd->alternate_location_mappings.n; i++) {
                const vss_wm_filedesc *m = wmd->alternate_location_mappings.items[i];
                if (streq(m->path, f->path) && streq(m->filespec, f->filespec) &&
                    m->recursive == f->recursive &&
                    streq_ptr(m->alternate_location, f->alternate_location))
                        return true;
        }
        return false;
}

/* New targets and used alternate location mappings must name file sets of the component's set
 * (VSS-REFERENCE §4.3); a used mapping must also be one the writer declared. */
static int
check_targets(const vss_wmd *wmd,
              const vss_wm_component *c,
              const vss_bcd_component *e,
              size_t wi,
              size_t ci,
              char **reterr) {
        for (size_t j = 0; j < e->new_targets.n; j++)
                if (!component_set_has_file_set(wmd, c, e->new_targets.items[j]))
                        return selection_fail(
                                        reterr, wi, ci,
                                        "new_targets[%zu]: must name a file set of the component "
                                        "or of its set",
                                        j);
        for (size_t j = 0; j < e->alternate_location_mappings.n; j++) {
                const vss_wm_filedesc *m = e->alternate_location_mappings.items[j];
                const char *rule = !wmd_has_mapping(wmd, m) ? "the writer declares no such "
                                                              "alternate location mapping"
                                   : !component_set_has_file_set(wmd, c, m)
                                                   ? "must name a file set of the component or of "
                                                     "its set"
                                                   : NULL;
                if (rule)
                        return selection_fail(
                                        reterr, wi, ci, "alternate_location_mappings[%zu]: %s", j,
                                        rule);
        }
        return 0;
}

static int check_restore_subcomponents(
                const vss_bcd_writer *w, const vss_wmd *wmd, size_t wi, size_t ci, char **reterr) {
        const vss_bcd_component *e = w->components.items[ci];
        char q[QUOTE_MAX + 4];

        for (size_t j = 0; j < e->restore_subcomponents.n; j++) {
                const BcdRestoreSubcomponent *s = e->restore_subcomponents.items[j];
                const vss_wm_component *sc = vss_wmd_find_component(wmd, s->logical_path, s->name);
                const char *spath = display_path(s->logical_path, s->name, q, sizeof q);
                vss_bcd_component *carrier = NULL;

                if (!sc)
                        return selection_fail(
                                        reterr, wi, ci,
                                        "restore_subcomponents[%zu]: the writer has no component "
                                        "'%s'",
                                        j, spath);
                if (resolve(w, wmd, sc, &carrier) != 0 || carrier != e)
                        return selection_fail(
                                        reterr, wi, ci,
                                        "restore_subcomponents[%zu]: '%s' is not implicitly "
                                        "included through "
                                        "this component",
                                        j, spath);
                if (!sc->selectable_for_restore)
                        return selection_fail(
                                        reterr, wi, ci,
                                        "restore_subcomponents[%zu]: '%s' is not selectable for "
                                        "restore",
                                        j, spath);
        }
        return 0;
}

VSS_PUBLIC int
vss_bcd_check_selection(const vss_bcd *bcd, const vss_wmd *wmd, char **reterr_message) {
        char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);

        const vss_bcd_writer *found = bcd_writer_of(bcd, wmd);
        size_t wi = 0;
        for (; wi < bcd->writers.n; wi++)
                if (bcd->writers.items[wi] == found)
                        break;
        if (wi == bcd->writers.n)
                return 0;
        const vss_bcd_writer *w = bcd->writers.items[wi];

        for (size_t ci = 0; ci < w->components.n; ci++) {
                const vss_bcd_component *e = w->components.items[ci];
                const char *epath = display_path(e->logical_path, e->name, q, sizeof q);

                const vss_wm_component *c = vss_wmd_find_component(wmd, e->logical_path, e->name);
                if (!c)
                        return selection_fail(
                                        reterr_message, wi, ci, "the writer has no component '%s'",
                                        epath);
                if (c->type != e->type)
                        return selection_fail(
                                        reterr_message, wi, ci,
                                        "type: '%s' is a %s in the writer's metadata", epath,
                                        vss_component_type_to_string(c->type));
                const vss_wm_component *a = selectable_ancestor(wmd, c->logical_path);
                if (a && !c->selectable)
                        return selection_fail(
                                        reterr_message, wi, ci,
                                        "'%s' is not selectable and is included only through its "
                                        "ancestor '%s'",
                                        epath,
                                        display_path(a->logical_path, a->name, q2, sizeof q2));
                for (const vss_wm_component *x = a; x;) {
                        vss_bcd_component *f =
                                        vss_bcd_writer_find_component(w, x->logical_path, x->name);
                        if (f)
                                return selection_fail(
                                                reterr_message, wi, ci,
                                                "'%s' is already included through its selectable "
                                                "ancestor '%s'",
                                                epath,
                                                display_path(x->logical_path, x->name, q2,
                                                             sizeof q2));
                        x = selectable_ancestor(wmd, x->logical_path);
                }
                r = check_restore_subcomponents(w, wmd, wi, ci, reterr_message);
                if (r < 0)
                        return r;
                r = check_targets(wmd, c, e, wi, ci, reterr_message);
                if (r < 0)
                        return r;
        }

        if (w->components.n > 0) {
                vss_autofree const vss_wm_component **required = NULL;
                size_t n = 0;

                r = vss_wmd_get_required_components(wmd, &required, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++)
                        if (!vss_bcd_writer_find_component(
                                            w, required[i]->logical_path, required[i]->name))
                                return metadata_error(
                                                reterr_message, -VSS_E_INVALID_XML_DOCUMENT,
                                                "writers[%zu].components: the required component "
                                                "'%s' is missing",
                                                wi,
                                                display_path(required[i]->logical_path,
                                                             required[i]->name, q, sizeof q));
        }
        return 0;
}

/* ---- Restore side ---------------------------------------------------------------------------- */

VSS_PUBLIC int vss_bcd_set_selected_for_restore(
                vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                bool selected,
                const vss_guid *instance_id,
                char **reterr_message) {
        char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
        vss_bcd_component *carrier = NULL;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(name, -EINVAL);

        const vss_wm_component *c = vss_wmd_find_component(wmd, logical_path, name);
        if (!c)
                return metadata_error(
                                reterr_message, -VSS_E_OBJECT_NOT_FOUND,
                                "'%s': the writer has no such component",
                                display_path(logical_path, name, q, sizeof q));
        const char *cpath = display_path(c->logical_path, c->name, q, sizeof q);

        int r = resolve(bcd_writer_of(bcd, wmd), wmd, c, &carrier);
        if (r == -VSS_E_OBJECT_NOT_FOUND)
                return metadata_error(
                                reterr_message, r,
                                "'%s': not included in the backup, so it cannot be restored",
                                cpath);
        if (r == 0)
                return metadata_error(
                                reterr_message, -VSS_E_OBJECT_NOT_FOUND,
                                "'%s': included implicitly through '%s'; select that component and "
                                "add "
                                "this one as a restore subcomponent",
                                cpath,
                                display_path(carrier->logical_path, carrier->name, q2, sizeof q2));

        bool move = selected && instance_id && !vss_guid_is_null(instance_id);
        if (move && !(wmd->backup_schema & VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE))
                return metadata_error(
                                reterr_message, -EINVAL,
                                "'%s': restore to another writer instance needs "
                                "VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE in the writer's schema",
                                cpath);
        return vss_bcd_component_set_selected_for_restore(
                        carrier, selected, move ? instance_id : NULL);
}

VSS_PUBLIC int vss_bcd_add_restore_subcomponent(
                vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name,
                const char *sub_logical_path,
                const char *sub_name,
                bool repair,
                char **reterr_message) {
        char q[QUOTE_MAX + 4], q2[QUOTE_MAX + 4];
        vss_bcd_component *carrier = NULL, *sub_carrier = NULL;
        int r;

        if (reterr_message)
                *reterr_message = NULL;
        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(sub_logical_path, -EINVAL); /* VSS: never NULL for a subcomponent */
        vss_assert_return(sub_name, -EINVAL);

        const vss_wm_component *c = vss_wmd_find_component(wmd, logical_path, name);
        const vss_wm_component *s = vss_wmd_find_component(wmd, sub_logical_path, sub_name);
        if (!c || !s)
                return metadata_error(
                                reterr_message, -VSS_E_OBJECT_NOT_FOUND,
                                "'%s': the writer has no such component",
                                c ? display_path(sub_logical_path, sub_name, q, sizeof q)
                                  : display_path(logical_path, name, q, sizeof q));
        const char *cpath = display_path(c->logical_path, c->name, q, sizeof q);
        const char *spath = display_path(s->logical_path, s->name, q2, sizeof q2);

        vss_bcd_writer *w = bcd_writer_of(bcd, wmd);
        if (resolve(w, wmd, c, &carrier) != 1)
                return metadata_error(
                                reterr_message, -VSS_E_OBJECT_NOT_FOUND,
                                "'%s': not explicitly included in the backup", cpath);
        if (!carrier->selected_for_restore)
                return metadata_error(
                                reterr_message, -EINVAL, "'%s': select it for restore first",
                                cpath);

        if (resolve(w, wmd, s, &sub_carrier) != 0 || sub_carrier != carrier)
                return metadata_error(
                                reterr_message, -EINVAL,
                                "'%s': not implicitly included through '%s'", spath, cpath);
        if (!s->selectable_for_restore)
                return metadata_error(
                                reterr_message, -EINVAL, "'%s': not selectable for restore", spath);

        r = vss_bcd_component_add_restore_subcomponent(carrier, s->logical_path, s->name, repair);
        if (r == -VSS_E_OBJECT_ALREADY_EXISTS)
                return metadata_error(
                                reterr_message, r, "'%s': already a restore subcomponent of '%s'",
                                spath, cpath);
        return r;
}

VSS_PUBLIC int vss_bcd_is_component_restored(
                const vss_bcd *bcd,
                const vss_wmd *wmd,
                const char *logical_path,
                const char *name) {
        vss_bcd_component *carrier = NULL;

        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(name, -EINVAL);

        const vss_wm_component *c = vss_wmd_find_component(wmd, logical_path, name);
        if (!c)
                return -VSS_E_OBJECT_NOT_FOUND;
        if (resolve(bcd_writer_of(bcd, wmd), wmd, c, &carrier) < 0 ||
            !carrier->selected_for_restore)
                return 0;
        if (carrier->restore_subcomponents.n == 0)
                return 1;

        for (size_t j = 0; j < carrier->restore_subcomponents.n; j++) {
                const BcdRestoreSubcomponent *s = carrier->restore_subcomponents.items[j];
                if (metadata_key_equal(s->logical_path, s->name, c->logical_path, c->name) ||
                    metadata_logical_path_is_within(c->logical_path, s->logical_path, s->name))
                        return 1;
        }
        return 0;
}

/* ---- Dependencies ---------------------------------------------------------------------------- */

VSS_PUBLIC int vss_bcd_get_needed_dependencies(
                const vss_bcd *bcd,
                const vss_wmd *wmd,
                const vss_wm_dependency ***ret,
                size_t *ret_n) {
        const vss_wm_dependency **list = NULL;
        size_t n = 0;

        vss_assert_return(bcd, -EINVAL);
        vss_assert_return(wmd, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);

        const vss_bcd_writer *w = bcd_writer_of(bcd, wmd);
        for (size_t i = 0; w && i < wmd->components.n; i++) {
                const vss_wm_component *c = wmd->components.items[i];
                if (c->dependencies.n == 0)
                        continue;
                if (resolve(w, wmd, c, NULL) < 0)
                        continue; /* not included */
                for (size_t j = 0; j < c->dependencies.n; j++) {
                        const vss_wm_dependency *d = c->dependencies.items[j];
                        bool seen = false;
                        for (size_t k = 0; k < n && !seen; k++)
                                seen = vss_guid_equal(&list[k]->writer_class_id,
                                                      &d->writer_class_id) &&
                                       metadata_key_equal(
                                                       list[k]->logical_path,
                                                       list[k]->component_name, d->logical_path,
                                                       d->component_name);
                        if (seen)
                                continue;
                        const vss_wm_dependency **p = reallocarray(
                                        list, n + 1, sizeof(const vss_wm_dependency *));
                        if (!p) {
                                free(list);
                                return -ENOMEM;
                        }
                        list = p;
                        list[n++] = d;
                }
        }
        *ret = list;
        *ret_n = n;
        return 0;
}
