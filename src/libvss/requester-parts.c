/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The writers' parts of the backup components document (docs/PROTOCOL.md §6): every request that
 * names writers carries, per writer, a document with the global state and only that writer's
 * entry; each writer may return its part changed. A returned part is only trusted as far as the
 * writer's role goes: it must be a valid document holding exactly the entry that was sent (the
 * same writer identity, the same components), and only the fields a writer may set in that
 * event (VSS-REFERENCE §1.6, "Written by writer") are taken from it. Everything else the
 * requester owns and keeps. A part that breaks these rules changes nothing. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metadata-internal.h"
#include "requester-internal.h"

static const json_t *json_writer_entry(const json_t *writers, const vss_bcd_writer *w) {
        size_t i;
        const json_t *e;

        json_array_foreach(writers, i, e) {
                vss_guid instance, class;
                if (vss_guid_from_string(
                                    json_string_value(json_object_get(e, "instance_id")),
                                    &instance) < 0 ||
                    vss_guid_from_string(
                                    json_string_value(json_object_get(e, "class_id")), &class) < 0)
                        continue;
                if (vss_guid_equal(&instance, &w->instance_id) &&
                    vss_guid_equal(&class, &w->class_id))
                        return e;
        }
        return NULL;
}

int requester_build_parts(
                vss_requester *r,
                const vss_guid *const *targets,
                vss_bcd_writer *const *entries,
                size_t n,
                json_t **ret) {
        vss_autofree char *text = NULL, *err = NULL;
        size_t size = 0;
        json_error_t error;

        assert(r);
        assert(ret);

        int k = vss_bcd_to_json(r->bcd, &text, &size, &err);
        if (k < 0)
                return requester_fail(
                                r, k, "Failed to serialize the backup components document: %s",
                                err ? err : vss_strerror(k));
        VSS_CLEANUP(json_decrefp) json_t *root = json_loadb(text, size, 0, &error);
        VSS_CLEANUP(json_decrefp) json_t *list = json_array();
        if (!root || !list)
                return requester_fail(r, -ENOMEM, "Out of memory.");
        const json_t *writers = json_object_get(root, "writers");

        for (size_t i = 0; i < n; i++) {
                char g[VSS_GUID_STRING_MAX];
                const json_t *entry = json_writer_entry(writers, entries[i]);
                assert(entry); /* every entry comes from r->bcd */

                json_t *part = json_copy(root); /* shallow: shares the unchanged values */
                if (!part || json_object_set_new(part, "writers", json_pack("[O]", entry)) < 0 ||
                    json_array_append_new(
                                    list,
                                    json_pack("{s:s, s:o}", "instance_id",
                                              vss_guid_to_string(targets[i], g), "bcd", part)) < 0)
                        return requester_fail(r, -ENOMEM, "Out of memory.");
        }
        *ret = TAKE_PTR(list);
        return 0;
}

/* ---- Merging -------------------------------------------------------------------------------- */

#define SWAP(a, b)                             \
        do {                                   \
                __typeof__(a) _swap_tmp = (a); \
                (a) = (b);                     \
                (b) = _swap_tmp;               \
        } while (false)

/* Takes the fields a writer may set in 'event' from 'from' into 'to' by swapping them, so that
 * nothing is allocated and nothing can fail; 'from' is thrown away afterwards. */
static void take_writer_fields(ProtoEvent event, vss_bcd_component *to, vss_bcd_component *from) {
        switch (event) {
        case PROTO_EVENT_PREPARE_BACKUP:
        case PROTO_EVENT_POST_SNAPSHOT:
                SWAP(to->backup_metadata, from->backup_metadata);
                SWAP(to->backup_stamp, from->backup_stamp);
                SWAP(to->partial_files, from->partial_files);
                SWAP(to->differenced_files, from->differenced_files);
                if (event == PROTO_EVENT_PREPARE_BACKUP)
                        SWAP(to->prepare_for_backup_failure_message,
                             from->prepare_for_backup_failure_message);
                else
                        SWAP(to->post_snapshot_failure_message,
                             from->post_snapshot_failure_message);
                break;
        case PROTO_EVENT_PRE_RESTORE:
                SWAP(to->restore_metadata, from->restore_metadata);
                SWAP(to->restore_target, from->restore_target);
                SWAP(to->directed_targets, from->directed_targets);
                SWAP(to->pre_restore_failure_message, from->pre_restore_failure_message);
                break;
        case PROTO_EVENT_POST_RESTORE:
                SWAP(to->post_restore_failure_message, from->post_restore_failure_message);
                break;
        default:
                return; /* the document is read-only in the other events */
        }
        /* IVssComponentEx2::SetFailure, in any writable event. */
        SWAP(to->failure_hr, from->failure_hr);
        SWAP(to->failure_application_hr, from->failure_application_hr);
        SWAP(to->failure_message, from->failure_message);
}

/* Checks a returned part against the entry that was sent. Returns 0 or
 * -VSS_E_INVALID_XML_DOCUMENT with a message in 'why'. */
static int check_part(const vss_bcd *part, const vss_bcd_writer *sent, char *why, size_t why_size) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];

        if (part->writers.n != 1) {
                (void) snprintf(why, why_size, "it holds %zu writers' entries instead of one",
                                part->writers.n);
                return -VSS_E_INVALID_XML_DOCUMENT;
        }
        const vss_bcd_writer *w = part->writers.items[0];
        if (!vss_guid_equal(&w->instance_id, &sent->instance_id) ||
            !vss_guid_equal(&w->class_id, &sent->class_id)) {
                (void) snprintf(why, why_size,
                                "it holds the entry of writer %s (class %s), not its own",
                                vss_guid_to_string(&w->instance_id, g1),
                                vss_guid_to_string(&w->class_id, g2));
                return -VSS_E_INVALID_XML_DOCUMENT;
        }
        if (w->components.n != sent->components.n) {
                (void) snprintf(why, why_size,
                                "it has %zu components where %zu were sent; writers cannot add, "
                                "remove or change components",
                                w->components.n, sent->components.n);
                return -VSS_E_INVALID_XML_DOCUMENT;
        }
        for (size_t i = 0; i < w->components.n; i++) {
                const vss_bcd_component *c = w->components.items[i];
                const vss_bcd_component *s =
                                vss_bcd_writer_find_component(sent, c->logical_path, c->name);
                if (!s || s->type != c->type) {
                        (void) snprintf(why, why_size,
                                        "component '%.200s%s%.200s' (%s) was not sent; writers "
                                        "cannot add, remove or change components",
                                        c->logical_path, c->logical_path[0] ? "\\" : "", c->name,
                                        vss_component_type_to_string(c->type));
                        return -VSS_E_INVALID_XML_DOCUMENT;
                }
        }
        return 0;
}

static void
merge_one(vss_requester *r,
          ProtoEvent event,
          const vss_guid *target,
          vss_bcd_writer *entry,
          const json_t *bcd) {
        RequesterWriter *live = requester_find_writer(r, target);
        const char *name = live ? live->writer_name : NULL;
        const char *step = proto_event_to_string(event);
        vss_autofree char *text = NULL, *err = NULL;
        VSS_CLEANUP(vss_bcd_freep) vss_bcd *part = NULL;
        char why[512];

        if (!proto_event_may_update_bcd(event))
                return; /* vssd refuses such replies already; nothing to take */

        text = json_dumps(bcd, JSON_COMPACT);
        if (!text) {
                requester_writer_error(
                                r, target, name, -ENOMEM,
                                "%s: out of memory while reading the writer's document, which was "
                                "ignored",
                                step);
                return;
        }
        int k = vss_bcd_from_json(text, strlen(text), &part, &err);
        if (k < 0) {
                requester_writer_error(
                                r, target, name, k,
                                "%s: the writer returned an invalid document, which was ignored: "
                                "%s",
                                step, err ? err : vss_strerror(k));
                return;
        }
        k = check_part(part, entry, why, sizeof why);
        if (k < 0) {
                requester_writer_error(
                                r, target, name, k,
                                "%s: the writer returned a document that is not its part, which "
                                "was "
                                "ignored: %s",
                                step, why);
                return;
        }

        vss_bcd_writer *w = part->writers.items[0];
        for (size_t i = 0; i < w->components.n; i++) {
                vss_bcd_component *from = w->components.items[i];
                vss_bcd_component *to = vss_bcd_writer_find_component(
                                entry, from->logical_path, from->name);
                take_writer_fields(event, to, from);
        }
        log_debug("Merged the document part of writer '%s' after %s.", name ? name : "?", step);
}

void requester_merge_parts(
                vss_requester *r,
                ProtoEvent event,
                const json_t *results,
                const vss_guid *const *targets,
                vss_bcd_writer *const *entries,
                size_t n) {
        size_t i;
        const json_t *e;

        json_array_foreach(results, i, e) {
                vss_guid id;
                if (vss_guid_from_string(
                                    json_string_value(json_object_get(e, "instance_id")), &id) < 0)
                        continue; /* validated by proto: cannot happen */

                size_t k = 0;
                while (k < n && !vss_guid_equal(targets[k], &id))
                        k++;
                if (k == n)
                        continue; /* not a writer of ours */

                int result = (int) json_integer_value(json_object_get(e, "result"));
                const json_t *failure = json_object_get(e, "failure");
                if (result < 0) {
                        const RequesterWriter *live = requester_find_writer(r, &id);
                        const char *message =
                                        json_string_value(json_object_get(failure, "message"));
                        requester_writer_error(
                                        r, &id, live ? live->writer_name : NULL, result,
                                        "%s: %s%s%s", proto_event_to_string(event),
                                        vss_strerror(result), message ? ": " : "",
                                        message ? message : "");
                        continue;
                }
                const json_t *bcd = json_object_get(e, "bcd");
                if (bcd)
                        merge_one(r, event, targets[k], entries[k], bcd);
        }
}
