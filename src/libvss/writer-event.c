/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Serving one event (docs/PROTOCOL.md §4.3): its context (session, snapshot set, volumes, the
 * backup components document), the callback, and the reply with its result, failure and
 * documents; and the accessors the callbacks use (CVssWriter's protected methods). Anything vssd
 * sends is checked before it is used: a bad event or document is answered with a failure, never
 * acted on. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"
#include "writer-internal.h"

/* ---- Small helpers ----------------------------------------------------------------------- */

/* A copy of 's' fit for a protocol string: at most PROTO_STRING_MAX bytes, cut at a character
 * boundary, each byte that does not belong to valid UTF-8 replaced by '?'. NULL only when out of
 * memory. */
static char *text_sanitize(const char *s) {
        size_t n = strlen(s);
        char *t = malloc(MIN(n, PROTO_STRING_MAX) + 1);
        if (!t)
                return NULL;

        size_t i = 0, o = 0;
        while (i < n) {
                uint32_t cp;
                int k = utf8_decode(s + i, n - i, &cp);
                size_t len = k > 0 ? (size_t) k : 1;
                if (o + len > PROTO_STRING_MAX)
                        break;
                if (k > 0)
                        memcpy(t + o, s + i, len);
                else
                        t[o] = '?';
                o += len;
                i += len;
        }
        t[o] = 0;
        return t;
}

static bool is_writer_failure(int code) {
        switch (code) {
        case -VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT:
        case -VSS_E_WRITERERROR_OUTOFRESOURCES:
        case -VSS_E_WRITERERROR_TIMEOUT:
        case -VSS_E_WRITERERROR_RETRYABLE:
        case -VSS_E_WRITERERROR_NONRETRYABLE:
        case -VSS_E_WRITERERROR_RECOVERY_FAILED:
        case -VSS_E_WRITERERROR_PARTIAL_FAILURE:
                return true;
        default:
                return false;
        }
}

/* The events whose callback gets the writer's part of the backup components document. */
static bool event_has_components(ProtoEvent e) {
        return proto_event_may_update_bcd(e) || e == PROTO_EVENT_BACKUP_COMPLETE;
}

static bool event_is_backup(ProtoEvent e) {
        return e == PROTO_EVENT_PREPARE_BACKUP || e == PROTO_EVENT_PREPARE_SNAPSHOT ||
               e == PROTO_EVENT_FREEZE || e == PROTO_EVENT_THAW || e == PROTO_EVENT_POST_SNAPSHOT;
}

static void event_clear(WriterEvent *e) {
        vss_bcd_free(e->bcd);
        free(e->failure_message);
        *e = (WriterEvent){.event = PROTO_EVENT_INVALID};
}

static void volumes_free(WriterSession *s) {
        for (size_t i = 0; i < s->n_volumes; i++) {
                free(s->volumes[i]);
                free(s->snapshot_paths[i]);
        }
        free(s->volumes);
        free(s->snapshot_paths);
        s->volumes = s->snapshot_paths = NULL;
        s->n_volumes = 0;
}

void writer_session_reset(WriterSession *s) {
        volumes_free(s);
        *s = (WriterSession){};
}

/* Whether a callback of a session runs: the context accessors answer only then. */
static bool in_session_callback(const vss_writer *w) {
        return w->in_callback && w->current.event != PROTO_EVENT_IDENTIFY;
}

/* ---- The event's context ------------------------------------------------------------------ */

/* Takes the volumes of a validated event (at most 64 {volume, snapshot_path?}). */
static int session_set_volumes(WriterSession *s, const json_t *list) {
        size_t n = json_array_size(list);
        char **volumes = calloc(n + 1, sizeof *volumes);
        char **paths = calloc(n + 1, sizeof *paths);
        if (!volumes || !paths)
                goto oom;

        for (size_t i = 0; i < n; i++) {
                const json_t *e = json_array_get(list, i);
                const char *path = json_string_value(json_object_get(e, "snapshot_path"));
                volumes[i] = strdup(json_string_value(json_object_get(e, "volume")));
                if (!volumes[i])
                        goto oom;
                if (path && *path && !(paths[i] = strdup(path)))
                        goto oom;
        }
        volumes_free(s);
        s->volumes = volumes;
        s->snapshot_paths = paths;
        s->n_volumes = n;
        return 0;

oom:
        for (size_t i = 0; volumes && paths && i < n; i++) {
                free(volumes[i]);
                free(paths[i]);
        }
        free(volumes);
        free(paths);
        return -ENOMEM;
}

/* Updates the session from a validated event: a new session id starts a new session. */
static int session_update(WriterSession *s, const ProtoMessage *m) {
        const char *session_id = json_string_value(json_object_get(m->root, "session_id"));
        const char *set_id = json_string_value(json_object_get(m->root, "snapshot_set_id"));
        const json_t *context = json_object_get(m->root, "context");
        const json_t *volumes = json_object_get(m->root, "volumes");

        if (session_id) {
                vss_guid id;
                (void) vss_guid_from_string(session_id, &id); /* validated */
                if (!s->has_id || !vss_guid_equal(&s->id, &id)) {
                        writer_session_reset(s);
                        s->has_id = true;
                        s->id = id;
                }
        }
        if (set_id) {
                (void) vss_guid_from_string(set_id, &s->snapshot_set_id);
                s->has_snapshot_set_id = true;
        }
        if (context) {
                /* Validated to lie in [INT32_MIN, UINT32_MAX]: a 32-bit mask either way. */
                json_int_t c = json_integer_value(context);
                s->context = c < 0 ? (int32_t) c : (int32_t) (uint32_t) c;
        }
        if (volumes)
                return session_set_volumes(s, volumes);
        return 0;
}

/* Parses the document of the event (or makes an empty one when vssd sent none) and finds this
 * writer's part of it, adding one if it has none. On failure *reterr_message says why. */
static int event_load_components(vss_writer *w, const json_t *doc, char **reterr_message) {
        vss_bcd *bcd = NULL;
        int r;

        if (doc) {
                char *text = json_dumps(doc, JSON_COMPACT);
                if (!text)
                        return -ENOMEM;
                vss_autofree char *err = NULL;
                r = vss_bcd_from_json(text, strlen(text), &bcd, &err);
                free(text);
                if (r < 0) {
                        if (r != -ENOMEM && asprintf(reterr_message,
                                                     "vssd sent a backup components document that "
                                                     "is not valid: %s",
                                                     err ? err : vss_strerror(r)) < 0)
                                *reterr_message = NULL;
                        return r;
                }
        } else {
                r = vss_bcd_new(&bcd);
                if (r < 0)
                        return r;
        }
        w->current.bcd = bcd;

        vss_bcd_writer *part = vss_bcd_find_writer(bcd, &w->instance_id, &w->class_id);
        /* A document saved by an earlier instance (a restore) names the class and instance name. */
        for (size_t i = 0; !part && i < vss_bcd_get_writer_count(bcd); i++) {
                vss_bcd_writer *c = vss_bcd_get_writer(bcd, i);
                if (vss_guid_equal(vss_bcd_writer_get_class_id(c), &w->class_id) &&
                    streq_ptr(vss_bcd_writer_get_instance_name(c), w->instance_name))
                        part = c;
        }
        /* Restore with move: vssd routed to this instance a part that keeps the backed-up
         * instance's name. The part vssd hands a writer holds only the entry meant for it
         * (docs/PROTOCOL.md §4.3), so the one entry of this writer's class is ours. */
        size_t same_class = 0;
        vss_bcd_writer *only = NULL;
        for (size_t i = 0; !part && i < vss_bcd_get_writer_count(bcd); i++) {
                vss_bcd_writer *c = vss_bcd_get_writer(bcd, i);
                if (vss_guid_equal(vss_bcd_writer_get_class_id(c), &w->class_id)) {
                        same_class++;
                        only = c;
                }
        }
        if (!part && same_class == 1)
                part = only;
        if (!part) {
                r = vss_bcd_add_writer(bcd, &w->instance_id, &w->class_id, w->instance_name, &part);
                if (r < 0) {
                        if (r != -ENOMEM && asprintf(reterr_message,
                                                     "Failed to add this writer to the backup "
                                                     "components document: %s",
                                                     vss_strerror(r)) < 0)
                                *reterr_message = NULL;
                        return r;
                }
        }
        w->current.components = part;

        if (doc) {
                WriterSession *s = &w->session;
                s->has_backup_state = true;
                s->backup_type = vss_bcd_get_backup_type(bcd);
                s->select_components = vss_bcd_get_select_components(bcd);
                s->bootable_system_state = vss_bcd_get_bootable_system_state(bcd);
                s->partial_file_support = vss_bcd_get_partial_file_support(bcd);
                s->restore_type = vss_bcd_get_restore_type(bcd);
        }
        return 0;
}

/* A new WMD holding the writer's identity, for identify. */
static int wmd_new_with_identity(const vss_writer *w, vss_wmd **ret) {
        vss_wmd *wmd = NULL;
        int r = vss_wmd_new(&wmd);
        if (r < 0)
                return r;
        if ((r = vss_wmd_set_writer_class_id(wmd, &w->class_id)) < 0 ||
            (r = vss_wmd_set_writer_instance_id(wmd, &w->instance_id)) < 0 ||
            (r = vss_wmd_set_instance_name(wmd, w->instance_name)) < 0 ||
            (r = vss_wmd_set_writer_name(wmd, w->writer_name)) < 0 ||
            (r = vss_wmd_set_version(wmd, w->version_major, w->version_minor)) < 0 ||
            (r = vss_wmd_set_usage_type(wmd, w->usage_type)) < 0 ||
            (r = vss_wmd_set_source_type(wmd, w->source_type)) < 0 ||
            (r = vss_wmd_set_application_level(wmd, w->level)) < 0 ||
            (r = vss_wmd_set_freeze_timeout(wmd, w->freeze_timeout_ms)) < 0) {
                vss_wmd_free(wmd);
                return r;
        }
        *ret = wmd;
        return 0;
}

/* The identity field identify changed, or NULL if it kept them all. */
static const char *wmd_identity_changed(const vss_writer *w, const vss_wmd *wmd) {
        const vss_guid *class_id = vss_wmd_get_writer_class_id(wmd);
        const vss_guid *instance_id = vss_wmd_get_writer_instance_id(wmd);

        if (!class_id || !vss_guid_equal(class_id, &w->class_id))
                return "writer_class_id";
        if (!instance_id || !vss_guid_equal(instance_id, &w->instance_id))
                return "writer_instance_id";
        if (!streq_ptr(vss_wmd_get_instance_name(wmd), w->instance_name))
                return "instance_name";
        if (!streq_ptr(vss_wmd_get_writer_name(wmd), w->writer_name))
                return "writer_name";
        if (vss_wmd_get_version_major(wmd) != w->version_major ||
            vss_wmd_get_version_minor(wmd) != w->version_minor)
                return "version";
        if (vss_wmd_get_usage_type(wmd) != w->usage_type)
                return "usage_type";
        if (vss_wmd_get_source_type(wmd) != w->source_type)
                return "source_type";
        if (vss_wmd_get_application_level(wmd) != w->level)
                return "application_level";
        if (vss_wmd_get_freeze_timeout(wmd) != w->freeze_timeout_ms)
                return "freeze_timeout_ms";
        return NULL;
}

/* ---- The reply ---------------------------------------------------------------------------- */

/* What the reply says: the result, and the failure it carries (if any). */
typedef struct Outcome {
        int result; /* 0, or the veto's writer failure code */
        bool has_failure;
        int hr;
        int32_t application_hr;
        char *message; /* owned; sanitized */
} Outcome;

static void outcome_done(Outcome *o) {
        free(o->message);
        *o = (Outcome){};
}

/* A veto (or a failure of the library while serving the event) with 'code' and a message. */
static void outcome_fail(Outcome *o, int code, const char *format, ...) VSS_PRINTF(3, 4);
static void outcome_fail(Outcome *o, int code, const char *format, ...) {
        char text[PROTO_STRING_MAX + 1];
        va_list ap;

        outcome_done(o);
        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        o->result = o->hr = code;
        o->has_failure = true;
        o->message = text_sanitize(text); /* NULL when out of memory: sent without a message */
}

/* The outcome of a callback that returned 'r' (vss-writer.h, vss_writer_ops). */
static void outcome_from_callback(Outcome *o, const WriterEvent *e, int r) {
        *o = (Outcome){};

        if (r >= 0) {
                if (!e->has_failure)
                        return;
                o->has_failure = true;
                o->hr = e->failure_hr;
                o->application_hr = e->failure_application_hr;
                o->message = e->failure_message ? strdup(e->failure_message) : NULL;
                return;
        }

        if (is_writer_failure(r))
                o->result = r;
        else if (e->has_failure)
                o->result = e->failure_hr;
        else if (r == -ENOMEM)
                o->result = -VSS_E_WRITERERROR_OUTOFRESOURCES;
        else if (r == -EAGAIN || r == -EBUSY)
                o->result = -VSS_E_WRITERERROR_RETRYABLE;
        else
                o->result = -VSS_E_WRITERERROR_NONRETRYABLE;

        o->has_failure = true;
        o->hr = o->result;
        o->application_hr = e->has_failure ? e->failure_application_hr : 0;
        if (e->failure_message)
                o->message = strdup(e->failure_message);
        else if (!is_writer_failure(r) && !e->has_failure)
                o->message = text_sanitize(vss_strerror(r));
}

/* Builds the reply message. 'wmd' and 'bcd' (stolen, may be NULL) go only with a success. NULL
 * when out of memory. */
static ProtoMessage *reply_new(uint32_t id, const Outcome *o, json_t *wmd, json_t *bcd) {
        VSS_CLEANUP(proto_message_freep)
        ProtoMessage *m = proto_message_new_reply(id, o->result, NULL);
        if (!m)
                goto oom;

        if (o->has_failure) {
                json_t *f = json_pack("{s:i}", "hr", o->hr);
                if (!f || json_object_set_new(m->root, "failure", f) < 0)
                        goto oom;
                if (o->application_hr != 0 &&
                    json_object_set_new(f, "application_hr", json_integer(o->application_hr)) < 0)
                        goto oom;
                if (o->message && json_object_set_new(f, "message", json_string(o->message)) < 0)
                        goto oom;
        }
        if (o->result == 0 && wmd && json_object_set_new(m->root, "wmd", TAKE_PTR(wmd)) < 0)
                goto oom;
        if (o->result == 0 && bcd && json_object_set_new(m->root, "bcd", TAKE_PTR(bcd)) < 0)
                goto oom;
        json_decref(wmd);
        json_decref(bcd);
        return TAKE_PTR(m);

oom:
        json_decref(wmd);
        json_decref(bcd);
        return NULL;
}

/* Builds and queues the reply; documents as reply_new(). A reply too large for a frame becomes a
 * failure, and without memory for the whole reply a bare one says so. Returns 0, or a negative
 * errno when nothing could be sent (the connection must go). */
static int send_reply(vss_writer *w, uint32_t id, const Outcome *o, json_t *wmd, json_t *bcd) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *m = reply_new(id, o, wmd, bcd);
        int r = m ? writer_connection_send(w, m) : -ENOMEM;

        if (r == -E2BIG) {
                Outcome big = {};
                outcome_fail(&big, -VSS_E_WRITERERROR_NONRETRYABLE,
                             "the reply to %s is larger than a protocol frame (%zu bytes)",
                             proto_event_to_string(w->current.event), PROTO_FRAME_MAX);
                proto_message_free(m);
                m = reply_new(id, &big, NULL, NULL);
                outcome_done(&big);
                r = m ? writer_connection_send(w, m) : -ENOMEM;
        }
        if (r == -ENOMEM) {
                proto_message_free(m);
                m = proto_message_new_reply(id, -VSS_E_WRITERERROR_OUTOFRESOURCES, NULL);
                r = m ? writer_connection_send(w, m) : -ENOMEM;
        }
        if (r == -ENOBUFS)
                writer_set_error(w, "vssd does not read its messages");
        else if (r < 0)
                writer_set_error(w, "Failed to answer vssd: %s", strerror(-r));
        return r;
}

/* Answers a message the writer will not serve, with -EBADMSG and why. */
static int reply_refusal(vss_writer *w, uint32_t id, const char *format, ...) VSS_PRINTF(3, 4);
static int reply_refusal(vss_writer *w, uint32_t id, const char *format, ...) {
        char text[PROTO_STRING_MAX + 1];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        vss_autofree char *clean = text_sanitize(text);
        log_debug("Writer '%s' refuses a message from vssd: %s", w->writer_name, text);

        VSS_CLEANUP(proto_message_freep)
        ProtoMessage *m = proto_message_new_reply(id, -EBADMSG, clean);
        if (!m) {
                writer_set_error(w, "Out of memory while answering vssd");
                return -ENOMEM;
        }
        int r = writer_connection_send(w, m);
        if (r < 0)
                writer_set_error(w, "Failed to answer vssd: %s", strerror(-r));
        return r;
}

/* Turns a document into the JSON object of the reply. */
static int document_to_object(const char *text, size_t size, json_t **ret) {
        json_t *o = json_loadb(text, size, 0, NULL);
        if (!o)
                return -ENOMEM; /* our own serialization always parses */
        *ret = o;
        return 0;
}

/* The WMD of identify, validated, as the reply's "wmd"; or a failure naming the broken rule. */
static int identify_result(vss_writer *w, const vss_wmd *wmd, Outcome *o, json_t **ret) {
        const char *changed = wmd_identity_changed(w, wmd);
        if (changed) {
                outcome_fail(o, -VSS_E_WRITERERROR_NONRETRYABLE,
                             "identify changed the writer identity (%s), which is set by "
                             "vss_writer_new()",
                             changed);
                log_debug("Writer '%s': %s.", w->writer_name, o->message ? o->message : changed);
                return 0;
        }

        vss_autofree char *text = NULL, *err = NULL;
        size_t size = 0;
        int r = vss_wmd_to_json(wmd, &text, &size, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                outcome_fail(o, -VSS_E_WRITERERROR_NONRETRYABLE, "invalid writer metadata: %s",
                             err ? err : vss_strerror(r));
                log_debug("Writer '%s' described invalid writer metadata in identify: %s",
                          w->writer_name, err ? err : vss_strerror(r));
                return 0;
        }
        return document_to_object(text, size, ret);
}

/* The writer's updated backup components document as the reply's "bcd". */
static int components_result(vss_writer *w, Outcome *o, json_t **ret) {
        vss_autofree char *text = NULL, *err = NULL;
        size_t size = 0;
        int r = vss_bcd_to_json(w->current.bcd, &text, &size, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                outcome_fail(o, -VSS_E_WRITERERROR_NONRETRYABLE,
                             "the writer left an invalid backup components document: %s",
                             err ? err : vss_strerror(r));
                log_debug("Writer '%s' left an invalid backup components document in %s: %s",
                          w->writer_name, proto_event_to_string(w->current.event),
                          err ? err : vss_strerror(r));
                return 0;
        }
        return document_to_object(text, size, ret);
}

/* ---- Serving ------------------------------------------------------------------------------ */

static int run_callback(vss_writer *w, vss_wmd *wmd, const vss_guid *snapshot_set_id) {
        const vss_writer_ops *ops = w->ops;
        vss_bcd_writer *c = w->current.components;
        void *u = w->userdata;
        int r = 0;

        w->in_callback = true;
        switch (w->current.event) {
        case PROTO_EVENT_IDENTIFY:
                r = ops->identify(w, wmd, u);
                break;
        case PROTO_EVENT_PREPARE_BACKUP:
                r = ops->prepare_backup ? ops->prepare_backup(w, c, u) : 0;
                break;
        case PROTO_EVENT_PREPARE_SNAPSHOT:
                r = ops->prepare_snapshot ? ops->prepare_snapshot(w, u) : 0;
                break;
        case PROTO_EVENT_FREEZE:
                r = ops->freeze ? ops->freeze(w, u) : 0;
                break;
        case PROTO_EVENT_THAW:
                r = ops->thaw ? ops->thaw(w, u) : 0;
                break;
        case PROTO_EVENT_POST_SNAPSHOT:
                r = ops->post_snapshot ? ops->post_snapshot(w, c, u) : 0;
                break;
        case PROTO_EVENT_ABORT:
                r = ops->abort ? ops->abort(w, u) : 0;
                break;
        case PROTO_EVENT_BACKUP_COMPLETE:
                r = ops->backup_complete ? ops->backup_complete(w, c, u) : 0;
                break;
        case PROTO_EVENT_BACKUP_SHUTDOWN:
                r = ops->backup_shutdown ? ops->backup_shutdown(w, snapshot_set_id, u) : 0;
                break;
        case PROTO_EVENT_PRE_RESTORE:
                r = ops->pre_restore ? ops->pre_restore(w, c, u) : 0;
                break;
        case PROTO_EVENT_POST_RESTORE:
                r = ops->post_restore ? ops->post_restore(w, c, u) : 0;
                break;
        case PROTO_EVENT_MAX:
        case PROTO_EVENT_INVALID:
        default:
                assert(false);
                break;
        }
        w->in_callback = false;
        return r;
}

/* Serves a validated event: context, callback, reply. */
static int serve_event(vss_writer *w, const ProtoMessage *m) {
        ProtoEvent event = proto_event_from_string(
                        json_string_value(json_object_get(m->root, "event")));
        const vss_guid null_guid = {};
        Outcome o = {};
        vss_wmd *wmd = NULL;
        json_t *wmd_json = NULL, *bcd_json = NULL;
        int r;

        assert(event >= 0 && event < PROTO_EVENT_MAX);
        event_clear(&w->current);
        w->current.event = event;
        log_debug("Writer '%s' serves %s (id %u).", w->writer_name, proto_event_to_string(event),
                  m->id);

        /* Identify can come at any time, also in the middle of a session: it leaves the session
         * alone. */
        r = event == PROTO_EVENT_IDENTIFY ? 0 : session_update(&w->session, m);
        if (r < 0)
                goto oom;

        if (event == PROTO_EVENT_IDENTIFY) {
                r = wmd_new_with_identity(w, &wmd);
                if (r < 0)
                        goto oom;
        } else if (event_has_components(event)) {
                vss_autofree char *err = NULL;
                r = event_load_components(w, json_object_get(m->root, "bcd"), &err);
                if (r == -ENOMEM)
                        goto oom;
                if (r < 0) {
                        outcome_fail(&o, -VSS_E_WRITERERROR_NONRETRYABLE, "%s",
                                     err ? err : vss_strerror(r));
                        log_debug("Writer '%s' cannot serve %s: %s", w->writer_name,
                                  proto_event_to_string(event), err ? err : vss_strerror(r));
                        goto reply;
                }
        }

        r = run_callback(
                        w, wmd,
                        w->session.has_snapshot_set_id ? &w->session.snapshot_set_id : &null_guid);
        outcome_from_callback(&o, &w->current, r);
        if (o.result < 0)
                log_debug("Writer '%s' vetoes %s: %s", w->writer_name, proto_event_to_string(event),
                          vss_strerror(o.result));

        if (o.result == 0 && event == PROTO_EVENT_IDENTIFY)
                r = identify_result(w, wmd, &o, &wmd_json);
        else if (o.result == 0 && proto_event_may_update_bcd(event))
                r = components_result(w, &o, &bcd_json);
        else
                r = 0;
        if (r < 0)
                goto oom;

reply:
        r = send_reply(w, m->id, &o, TAKE_PTR(wmd_json), TAKE_PTR(bcd_json));
        goto finish;

oom:
        json_decref(wmd_json);
        json_decref(bcd_json);
        outcome_fail(&o, -VSS_E_WRITERERROR_OUTOFRESOURCES, "out of memory in libvss");
        r = send_reply(w, m->id, &o, NULL, NULL);

finish:
        /* What vssd does next: after an abort or backup-complete nothing of the backup is left
         * to undo; backup-shutdown ends the session. */
        if (event_is_backup(event))
                w->session.in_backup = true;
        else if (event == PROTO_EVENT_ABORT || event == PROTO_EVENT_BACKUP_COMPLETE)
                w->session.in_backup = false;
        else if (event == PROTO_EVENT_BACKUP_SHUTDOWN)
                writer_session_reset(&w->session);

        outcome_done(&o);
        vss_wmd_free(wmd);
        event_clear(&w->current);
        return r;
}

int writer_event_handle_frame(vss_writer *w, const char *data, size_t size) {
        vss_autofree char *err = NULL;

        VSS_CLEANUP(proto_message_freep) ProtoMessage *m = NULL;
        int r = proto_message_decode(data, size, &m, &err);
        if (r < 0) {
                /* Without a usable id there is nobody to answer (docs/PROTOCOL.md §3.3). */
                writer_set_error(
                                w, "vssd sent a message that cannot be decoded: %s",
                                err ? err : strerror(-r));
                return r == -ENOMEM ? r : -EPROTO;
        }

        if (m->type == PROTO_REPLY) {
                log_debug("Writer '%s' ignores a reply (id %u) to nothing it asked.",
                          w->writer_name, m->id);
                return 0;
        }
        if (m->type != PROTO_EVENT)
                return reply_refusal(
                                w, m->id, "a writer connection accepts only events, not %s",
                                proto_message_type_to_string(m->type));

        r = proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, &err);
        if (r < 0)
                return reply_refusal(w, m->id, "invalid event: %s", err ? err : strerror(-r));

        return serve_event(w, m);
}

void writer_event_abort_locally(vss_writer *w) {
        if (!w->session.in_backup)
                return;
        w->session.in_backup = false;
        if (!w->ops->abort)
                return;

        log_debug("Writer '%s' calls its abort callback: the backup cannot go on without vssd.",
                  w->writer_name);
        event_clear(&w->current);
        w->current.event = PROTO_EVENT_ABORT;
        w->current.local = true;
        w->in_callback = true;
        int r = w->ops->abort(w, w->userdata);
        w->in_callback = false;
        if (r < 0)
                log_debug("Writer '%s': abort failed (%s); nobody to tell.", w->writer_name,
                          vss_strerror(r));
        event_clear(&w->current);
}

/* ---- Inside a callback -------------------------------------------------------------------- */

VSS_PUBLIC int
vss_writer_set_failure(vss_writer *w, int hr, int32_t application_hr, const char *message) {
        vss_assert_return(w, -EINVAL);
        if (!w->in_callback || w->current.event == PROTO_EVENT_IDENTIFY)
                return -VSS_E_BAD_STATE;
        vss_assert_return(is_writer_failure(hr), -EINVAL);

        char *copy = NULL;
        if (message) {
                copy = text_sanitize(message);
                if (!copy)
                        return -ENOMEM;
        }
        WriterEvent *e = &w->current;
        free(e->failure_message);
        e->has_failure = true;
        e->failure_hr = hr;
        e->failure_application_hr = application_hr;
        e->failure_message = copy;
        return 0;
}

VSS_PUBLIC VSS_BACKUP_TYPE vss_writer_get_backup_type(const vss_writer *w) {
        if (!w || !in_session_callback(w) || !w->session.has_backup_state)
                return VSS_BT_UNDEFINED;
        return w->session.backup_type;
}

VSS_PUBLIC bool vss_writer_are_components_selected(const vss_writer *w) {
        return w && in_session_callback(w) && w->session.has_backup_state &&
               w->session.select_components;
}

VSS_PUBLIC bool vss_writer_is_bootable_system_state_backed_up(const vss_writer *w) {
        return w && in_session_callback(w) && w->session.has_backup_state &&
               w->session.bootable_system_state;
}

VSS_PUBLIC bool vss_writer_is_partial_file_support_enabled(const vss_writer *w) {
        return w && in_session_callback(w) && w->session.has_backup_state &&
               w->session.partial_file_support;
}

VSS_PUBLIC VSS_RESTORE_TYPE vss_writer_get_restore_type(const vss_writer *w) {
        if (!w || !in_session_callback(w) || !w->session.has_backup_state)
                return VSS_RTYPE_UNDEFINED;
        return w->session.restore_type;
}

VSS_PUBLIC int32_t vss_writer_get_context(const vss_writer *w) {
        if (!w || !in_session_callback(w))
                return VSS_CTX_BACKUP;
        return w->session.context;
}

VSS_PUBLIC int vss_writer_get_session_id(const vss_writer *w, vss_guid *ret) {
        vss_assert_return(w, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        if (!in_session_callback(w) || !w->session.has_id)
                return -VSS_E_BAD_STATE;
        *ret = w->session.id;
        return 0;
}

VSS_PUBLIC int vss_writer_get_current_snapshot_set_id(const vss_writer *w, vss_guid *ret) {
        vss_assert_return(w, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        /* VSS: not valid after OnPostSnapshot returns, nor in OnBackupShutdown. */
        if (!in_session_callback(w) || !w->session.has_snapshot_set_id ||
            !(event_is_backup(w->current.event) || w->current.event == PROTO_EVENT_ABORT))
                return -VSS_E_BAD_STATE;
        *ret = w->session.snapshot_set_id;
        return 0;
}

VSS_PUBLIC size_t vss_writer_get_current_volume_count(const vss_writer *w) {
        return w && in_session_callback(w) ? w->session.n_volumes : 0;
}

VSS_PUBLIC const char *vss_writer_get_current_volume(const vss_writer *w, size_t index) {
        if (!w || !in_session_callback(w) || index >= w->session.n_volumes)
                return NULL;
        return w->session.volumes[index];
}

VSS_PUBLIC const char *
vss_writer_get_snapshot_device_name(const vss_writer *w, const char *volume) {
        if (!w || !volume || !in_session_callback(w))
                return NULL;
        for (size_t i = 0; i < w->session.n_volumes; i++)
                if (streq(w->session.volumes[i], volume))
                        return w->session.snapshot_paths[i];
        return NULL;
}

/* Whether the absolute 'path' is 'dir' or lies below it, comparing whole components and ignoring
 * repeated and trailing slashes. */
static bool path_is_below(const char *path, const char *dir) {
        for (;;) {
                while (*dir == '/')
                        dir++;
                while (*path == '/')
                        path++;
                if (!*dir)
                        return true;
                if (!*path)
                        return false;
                size_t a = strcspn(dir, "/"), b = strcspn(path, "/");
                if (a != b || memcmp(dir, path, a) != 0)
                        return false;
                dir += a;
                path += b;
        }
}

VSS_PUBLIC int vss_writer_is_path_affected(const vss_writer *w, const char *path) {
        vss_assert_return(w, -EINVAL);
        vss_assert_return(path && path[0] == '/', -EINVAL);
        if (!in_session_callback(w))
                return 0;
        for (size_t i = 0; i < w->session.n_volumes; i++)
                if (w->session.volumes[i][0] == '/' && path_is_below(path, w->session.volumes[i]))
                        return 1;
        return 0;
}
