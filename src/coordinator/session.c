/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Requester sessions: the state machine of docs/PROTOCOL.md §6, and the operations that send
 * events to writers and wait for them: gather metadata, the one-event operations (prepare for
 * backup, backup complete, abort, pre- and post-restore), the snapshot sequence of §6.2 and the
 * end of a session of §6.3. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buffer.h"
#include "coordinator-internal.h"
#include "log.h"
#include "snapshot.h"

typedef enum OperationKind {
        OP_NONE,
        OP_GATHER,
        OP_WRITER_EVENT, /* prepare-for-backup, backup-complete, abort-backup, pre-/post-restore */
        OP_SNAPSHOT,     /* do-snapshot-set */
        OP_END,          /* session-end, or the requester gone */
} OperationKind;

typedef enum SnapshotPhase {
        PHASE_PREPARE_SNAPSHOT,
        PHASE_FREEZE,
        PHASE_COMMIT,
        PHASE_THAW,
        PHASE_POST_SNAPSHOT,
        PHASE_ABORTING,
} SnapshotPhase;

/* The freeze order of docs/PROTOCOL.md §6.2; Thaw runs it backwards. */
#define LEVEL_GROUPS 4
static int level_group(VSS_APPLICATION_LEVEL level) {
        switch (level) {
        case VSS_APP_BACK_END:
                return 1;
        case VSS_APP_SYSTEM:
                return 2;
        case VSS_APP_SYSTEM_RM:
                return 3;
        case VSS_APP_FRONT_END:
        case VSS_APP_AUTO:
        case VSS_APP_UNKNOWN:
        default:
                return 0;
        }
}

typedef struct Session Session;

/* A volume of the snapshot set, with the provider chosen for it and where its snapshot goes. */
typedef struct SessionVolume {
        SnapshotVolume volume;
        const SnapshotProvider *provider;
        vss_guid snapshot_id;
        char *area;
        char *root;
} SessionVolume;

static void session_volume_done(SessionVolume *v) {
        snapshot_volume_done(&v->volume);
        v->area = mfree(v->area);
        v->root = mfree(v->root);
}

typedef struct SessionWriter {
        Session *session;
        Writer *writer; /* holds one session reference */
        bool identified;
        bool participant;
        json_t *wmd;    /* from Identify */
        json_t *bcd_in; /* the requester's part for the writer, sent with the next event */
        /* The current operation. */
        bool in_operation;
        int result;
        WriterFailure failure;
        json_t *bcd_out;
        /* The snapshot sequence. */
        bool snapshot_prepared, frozen, thawed;
        /* It vetoed PrepareForBackup: it takes no part in the snapshot nor in BackupComplete, but
         * still gets Abort and BackupShutdown (docs/PROTOCOL.md §6). */
        bool prepare_vetoed;
        usec_t freeze_sent;
        Deadline freeze_window;
} SessionWriter;

struct Session {
        Manager *manager;
        Connection *connection; /* NULL once the requester is gone */
        vss_guid id;
        bool restore;
        uint32_t context;
        SessionState state;
        bool lost;

        vss_guid snapshot_set_id;
        SessionVolume volumes[SNAPSHOT_SET_VOLUMES_MAX];
        size_t n_volumes;
        Job *commit_job;

        SessionWriter **writers;
        size_t n_writers;
        bool has_participants;

        /* The operation in progress. */
        OperationKind op;
        ProtoEvent op_event; /* the event the operation waits for now */
        SnapshotPhase phase;
        int level; /* the freeze/thaw level group waited for */
        unsigned pending;
        json_t *op_extra; /* result entries of listed writers that could not be asked */
        int first_failure;
        char *first_failure_text;
        int end_step;
        usec_t freeze_started, thaw_finished;

        LIST_FIELDS(Session, sessions);
};

static const char *const session_state_table[SESSION_STATE_MAX] = {
                [SESSION_CREATED] = "created",
                [SESSION_GATHERED] = "gathered",
                [SESSION_SET_STARTED] = "snapshot-set-started",
                [SESSION_PREPARED] = "prepared",
                [SESSION_SNAPSHOT_DONE] = "snapshot-done",
                [SESSION_COMPLETED] = "completed",
                [SESSION_ABORTED] = "aborted",
                [SESSION_PRE_RESTORED] = "pre-restored",
                [SESSION_POST_RESTORED] = "post-restored",
};

const char *session_state_to_string(SessionState s) {
        return s >= 0 && s < SESSION_STATE_MAX ? session_state_table[s] : NULL;
}

static bool session_has_writers(const Session *s) {
        return !(s->context & VSS_VOLSNAP_ATTR_NO_WRITERS);
}

static char *guid_str(const vss_guid *g, char *buf) {
        return vss_guid_to_string(g, buf);
}

/* {volume, snapshot_path?} for an event: the path is known once the set is committed. */
static json_t *volume_json(Session *s, const SessionVolume *v) {
        json_t *o = json_pack("{s:s}", "volume", v->volume.path);
        const Shadow *sh = shadow_find(s->manager, &v->snapshot_id);
        if (o && sh && sh->snapshot_path && !sh->creating &&
            json_object_set_new(o, "snapshot_path", json_string(sh->snapshot_path)) < 0)
                return json_decref_null(o);
        return o;
}

/* The shadows of this session's snapshot set. */
static size_t set_shadows(Session *s, Shadow **ret, size_t max) {
        size_t n = 0;
        for (size_t i = 0; i < s->n_volumes && n < max; i++) {
                Shadow *sh = shadow_find(s->manager, &s->volumes[i].snapshot_id);
                if (sh && !sh->removing)
                        ret[n++] = sh;
        }
        return n;
}

/* Deletes whatever the set has on disk: after a failure, nothing half-made stays. */
static void discard_set(Session *s) {
        Shadow *list[SNAPSHOT_SET_VOLUMES_MAX];
        size_t n = set_shadows(s, list, ELEMENTSOF(list));
        if (n == 0)
                return;
        int r = shadow_remove(s->manager, list, n, NULL, NULL);
        if (r < 0)
                log_error_errno(r, "Failed to start removing the snapshots of a failed set: %m");
}

static void commit_cancel(Session *s) {
        if (!s->commit_job)
                return;
        job_kill(s->commit_job);
        job_forget(s->commit_job);
        s->commit_job = NULL;
        discard_set(s); /* idempotent removal takes care of a half-made snapshot */
}

/* ---- Bookkeeping -------------------------------------------------------------------------- */

static void session_writer_free(Session *s, SessionWriter *sw) {
        deadline_disarm(s->manager, &sw->freeze_window);
        json_decref(sw->wmd);
        json_decref(sw->bcd_in);
        json_decref(sw->bcd_out);
        writer_failure_clear(&sw->failure);
        writer_unref_session(sw->writer);
        free(sw);
}

static void session_free(Session *s) {
        Manager *m = s->manager;

        event_forget_userdata(m, s);
        if (m->claimed == s)
                m->claimed = NULL;
        if (s->connection)
                s->connection->session = NULL;
        LIST_REMOVE(sessions, m->sessions, s);
        for (size_t i = 0; i < s->n_writers; i++)
                session_writer_free(s, s->writers[i]);
        free(s->writers);
        commit_cancel(s);
        for (size_t i = 0; i < s->n_volumes; i++)
                session_volume_done(&s->volumes[i]);
        json_decref(s->op_extra);
        free(s->first_failure_text);
        free(s);
}

static SessionWriter *session_find_writer(Session *s, const Writer *w) {
        for (size_t i = 0; i < s->n_writers; i++)
                if (s->writers[i]->writer == w)
                        return s->writers[i];
        return NULL;
}

static SessionWriter *session_add_writer(Session *s, Writer *w) {
        SessionWriter *sw = session_find_writer(s, w);
        if (sw)
                return sw;

        SessionWriter **a = realloc(s->writers, sizeof(SessionWriter *) * (s->n_writers + 1));
        if (!a)
                return NULL;
        s->writers = a;
        sw = calloc(1, sizeof *sw);
        if (!sw)
                return NULL;
        sw->session = s;
        sw->writer = w;
        sw->freeze_window = (Deadline) DEADLINE_INIT;
        w->session_refs++;
        s->writers[s->n_writers++] = sw;
        return sw;
}

/* Drops the writers that did not answer Identify and take no part in the session. */
static void session_prune_writers(Session *s) {
        size_t j = 0;
        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                if (sw->identified || sw->participant)
                        s->writers[j++] = sw;
                else
                        session_writer_free(s, sw);
        }
        s->n_writers = j;
}

static void session_set_failure(Session *s, int code, const char *format, ...) VSS_PRINTF(3, 4);
static void session_set_failure(Session *s, int code, const char *format, ...) {
        char text[1024];
        va_list ap;

        if (s->first_failure < 0)
                return; /* the first failure is the one the requester hears about */
        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        s->first_failure = code;
        free(s->first_failure_text);
        s->first_failure_text = strdup(text);
}

static void operation_start(Session *s, OperationKind op, ProtoEvent event) {
        s->op = op;
        s->op_event = event;
        s->pending = 0;
        s->first_failure = 0;
        s->first_failure_text = mfree(s->first_failure_text);
        s->op_extra = json_decref_null(s->op_extra);
        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                sw->in_operation = false;
                sw->result = 0;
                writer_failure_clear(&sw->failure);
                sw->bcd_out = json_decref_null(sw->bcd_out);
        }
}

/* Answers the request the requester's connection is busy with, if it is still there. */
static void reply_request(Connection *c, int result, const char *error, json_t *body) {
        if (!c || c->busy_request_id == 0) {
                json_decref(body);
                return;
        }
        uint32_t id = c->busy_request_id;
        connection_request_done(c);
        (void) connection_reply(c, id, result, error, body);
}

static void session_end_continue(Session *s);

/* The operation is over: answer the requester, or go on ending the session if it is gone. */
static void operation_finished(Session *s, int result, const char *error, json_t *body) {
        s->op = OP_NONE;
        if (s->lost) {
                json_decref(body);
                session_end_continue(s);
                return;
        }
        reply_request(s->connection, result, error, body);
}

static json_t *event_body(Session *s, bool with_volumes, json_t *bcd) {
        char g[VSS_GUID_STRING_MAX];

        json_t *o =
                        json_pack("{s:s, s:I}", "session_id", guid_str(&s->id, g), "context",
                                  (json_int_t) s->context);
        if (!o)
                return NULL;
        if (!vss_guid_is_null(&s->snapshot_set_id) &&
            json_object_set_new(
                            o, "snapshot_set_id", json_string(guid_str(&s->snapshot_set_id, g))) <
                            0)
                goto fail;
        if (with_volumes) {
                json_t *a = json_array();
                if (!a || json_object_set_new(o, "volumes", a) < 0)
                        goto fail;
                for (size_t i = 0; i < s->n_volumes; i++)
                        if (json_array_append_new(a, volume_json(s, &s->volumes[i])) < 0)
                                goto fail;
        }
        if (bcd && json_object_set(o, "bcd", bcd) < 0)
                goto fail;
        return o;

fail:
        json_decref(o);
        return NULL;
}

static json_t *failure_json(const WriterFailure *f) {
        json_t *o = json_pack("{s:i}", "hr", f->hr);
        if (!o)
                return NULL;
        if ((f->has_application_hr &&
             json_object_set_new(o, "application_hr", json_integer(f->application_hr)) < 0) ||
            (f->message && json_object_set_new(o, "message", json_string(f->message)) < 0))
                return json_decref_null(o);
        return o;
}

/* {"writers": [...]}: the result of every writer of the operation, plus 'op_extra'. */
static json_t *results_body(Session *s, bool with_bcd) {
        char g[VSS_GUID_STRING_MAX];
        json_t *a = s->op_extra ? json_incref(s->op_extra) : json_array();
        if (!a)
                return NULL;

        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                if (!sw->in_operation)
                        continue;
                json_t *e = json_pack(
                                "{s:s, s:i}", "instance_id", guid_str(&sw->writer->instance_id, g),
                                "result", sw->result);
                if (!e || json_array_append_new(a, e) < 0)
                        goto fail;
                if (with_bcd && sw->bcd_out && sw->result == 0 &&
                    json_object_set(e, "bcd", sw->bcd_out) < 0)
                        goto fail;
                if (sw->failure.hr < 0) {
                        json_t *f = failure_json(&sw->failure);
                        if (!f || json_object_set_new(e, "failure", f) < 0)
                                goto fail;
                }
        }
        return json_pack("{s:o}", "writers", a);

fail:
        json_decref(a);
        return NULL;
}

static void record_result(SessionWriter *sw, const EventResult *res) {
        sw->result = res->result;
        writer_failure_clear(&sw->failure);
        if (res->has_failure) {
                sw->failure.hr = res->failure.hr < 0 ? res->failure.hr : res->result;
                sw->failure.has_application_hr = res->failure.has_application_hr;
                sw->failure.application_hr = res->failure.application_hr;
                sw->failure.message = res->failure.message ? strdup(res->failure.message) : NULL;
        }
        if (res->bcd) {
                json_decref(sw->bcd_out);
                sw->bcd_out = json_incref(res->bcd);
        }
}

/* Sends one event of the current operation. A writer that cannot be reached gets the result it
 * would have had. Returns true when a reply is now awaited. */
static bool
send_one(Session *s,
         SessionWriter *sw,
         ProtoEvent event,
         json_t *body,
         usec_t timeout,
         EventDoneFunc done) {
        sw->in_operation = true;
        int r = body ? event_send(sw->writer, event, body, timeout, done, s) : -ENOMEM;
        if (r < 0) {
                EventResult res = {
                                .result = r,
                                .has_failure = true,
                                .failure = {.hr = r,
                                            .message =
                                                            (char *) (r == -VSS_E_WRITER_NOT_RESPONDING
                                                                                      ? "the "
                                                                                        "writer is "
                                                                                        "gone"
                                                                                      : vss_strerror(r))},
                };
                record_result(sw, &res);
                return false;
        }
        s->pending++;
        return true;
}

/* ---- gather-metadata ---------------------------------------------------------------------- */

static void gather_finish(Session *s) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];

        session_prune_writers(s);
        s->state = SESSION_GATHERED;

        json_t *a = json_array();
        for (size_t i = 0; a && i < s->n_writers; i++) {
                SessionWriter *x = s->writers[i];
                Writer *w = x->writer;
                if (!x->identified)
                        continue;
                json_t *e =
                                json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "instance_id",
                                          guid_str(&w->instance_id, g1), "class_id",
                                          guid_str(&w->class_id, g2), "writer_name", w->writer_name,
                                          "usage_type", vss_usage_type_to_string(w->usage_type),
                                          "source_type", vss_source_type_to_string(w->source_type),
                                          "application_level",
                                          vss_application_level_to_string(w->level), "wmd", x->wmd);
                if (e && w->instance_name[0] &&
                    json_object_set_new(e, "instance_name", json_string(w->instance_name)) < 0)
                        e = json_decref_null(e);
                if (!e || json_array_append_new(a, e) < 0)
                        a = json_decref_null(a);
        }
        if (!a) {
                operation_finished(s, -ENOMEM, "out of memory", NULL);
                return;
        }
        operation_finished(s, 0, NULL, json_pack("{s:o}", "writers", a));
}

static void gather_done(Writer *w, ProtoEvent event, const EventResult *res, void *userdata) {
        Session *s = userdata;
        SessionWriter *sw = session_find_writer(s, w);

        (void) event;
        if (sw && res->result == 0 && res->wmd) {
                sw->identified = true;
                json_decref(sw->wmd);
                sw->wmd = json_incref(res->wmd);
        }
        assert(s->pending > 0);
        if (--s->pending == 0)
                gather_finish(s);
}

static void handle_gather_metadata(Session *s) {
        Manager *m = s->manager;
        Writer *w;

        if (s->state != SESSION_CREATED) {
                reply_request(s->connection, -VSS_E_BAD_STATE,
                              "writer metadata was already gathered in this session", NULL);
                return;
        }

        operation_start(s, OP_GATHER, PROTO_EVENT_IDENTIFY);
        LIST_FOREACH(writers, w, m->writers) {
                if (!w->connection)
                        continue;
                SessionWriter *sw = session_add_writer(s, w);
                if (!sw)
                        continue; /* out of memory: that writer is left out */
                (void) send_one(s, sw, PROTO_EVENT_IDENTIFY, json_object(),
                                m->settings.event_timeout[PROTO_EVENT_IDENTIFY], gather_done);
        }
        if (s->pending == 0)
                gather_finish(s);
}

/* ---- One event to listed writers ------------------------------------------------------------ */

static void writer_event_finish(Session *s) {
        switch (s->op_event) {
        case PROTO_EVENT_PREPARE_BACKUP:
                s->state = SESSION_PREPARED;
                break;
        case PROTO_EVENT_BACKUP_COMPLETE:
                s->state = SESSION_COMPLETED;
                break;
        case PROTO_EVENT_ABORT:
                s->state = SESSION_ABORTED;
                break;
        case PROTO_EVENT_PRE_RESTORE:
                s->state = SESSION_PRE_RESTORED;
                break;
        case PROTO_EVENT_POST_RESTORE:
                s->state = SESSION_POST_RESTORED;
                break;
        default:
                break;
        }
        /* The reply to abort-backup has no body (docs/PROTOCOL.md §4.1): the writers' results
         * show in gather-status. */
        if (s->op_event == PROTO_EVENT_ABORT) {
                operation_finished(s, 0, NULL, NULL);
                return;
        }
        json_t *body = results_body(s, proto_event_may_update_bcd(s->op_event));
        if (!body)
                operation_finished(s, -ENOMEM, "out of memory", NULL);
        else
                operation_finished(s, 0, NULL, body);
}

static void writer_event_done(Writer *w, ProtoEvent event, const EventResult *res, void *userdata) {
        Session *s = userdata;

        if (s->op != OP_WRITER_EVENT || event != s->op_event)
                return; /* a late reply of an earlier operation */
        SessionWriter *sw = session_find_writer(s, w);
        if (sw) {
                record_result(sw, res);
                if (event == PROTO_EVENT_PREPARE_BACKUP)
                        sw->prepare_vetoed = res->result < 0;
        }
        assert(s->pending > 0);
        if (--s->pending == 0)
                writer_event_finish(s);
}

static const char *instance_of(const json_t *entry) {
        return json_string_value(json_object_get(entry, "instance_id"));
}

/* Takes writers[] of a request, {instance_id, bcd}. With 'make_participants' the listed writers
 * become participants of the session; without, they must be participants already. Listed
 * writers that are gone, or do not subscribe to 'need_subscribe' events, get a result entry in
 * op_extra. Returns 0, or a negative code with *error set. */
static int take_writer_list(
                Session *s,
                const json_t *list,
                bool make_participants,
                uint32_t need_subscribe,
                const char **error) {
        size_t i;
        const json_t *e;

        json_array_foreach(list, i, e)
                for (size_t j = 0; j < i; j++)
                        if (strcasecmp(instance_of(json_array_get(list, j)), instance_of(e)) == 0) {
                                *error = "a writer is listed twice";
                                return -EINVAL;
                        }

        json_array_foreach(list, i, e) {
                vss_guid id;
                (void) vss_guid_from_string(instance_of(e), &id);
                Writer *w = writer_find(s->manager, &id);
                SessionWriter *sw = w ? session_find_writer(s, w) : NULL;

                if (!make_participants && (!sw || !sw->participant)) {
                        *error = "a listed writer is not a participant of this session";
                        return -EINVAL;
                }

                int code = 0;
                const char *why = NULL;
                if (!w || !w->connection) {
                        code = -VSS_E_OBJECT_NOT_FOUND;
                        why = "no such writer is registered";
                } else if (!(w->subscribe & need_subscribe)) {
                        code = -VSS_E_NOT_SUPPORTED;
                        why = "the writer does not subscribe to these events";
                }
                if (code < 0) {
                        if (!s->op_extra && !(s->op_extra = json_array()))
                                goto oom;
                        if (json_array_append_new(
                                            s->op_extra,
                                            json_pack("{s:s, s:i, s:{s:i, s:s}}", "instance_id",
                                                      instance_of(e), "result", code, "failure",
                                                      "hr", code, "message", why)) < 0)
                                goto oom;
                        continue;
                }

                if (!sw && !(sw = session_add_writer(s, w)))
                        goto oom;
                if (make_participants) {
                        sw->participant = true;
                        s->has_participants = true;
                }
                json_decref(sw->bcd_in);
                sw->bcd_in = json_incref(json_object_get(e, "bcd"));
        }
        return 0;

oom:
        *error = "out of memory";
        return -ENOMEM;
}

/* Sends 'event' to the participants (or, with 'list', to the writers it names). */
static void start_writer_event(
                Session *s,
                const json_t *list,
                ProtoEvent event,
                bool make_participants,
                uint32_t need_subscribe) {
        Manager *m = s->manager;
        const char *error = NULL;

        operation_start(s, OP_WRITER_EVENT, event);
        if (list) {
                int r = take_writer_list(s, list, make_participants, need_subscribe, &error);
                if (r < 0) {
                        s->op = OP_NONE;
                        reply_request(s->connection, r, error, NULL);
                        return;
                }
        }

        bool with_volumes = event == PROTO_EVENT_PREPARE_BACKUP;
        bool with_bcd = event != PROTO_EVENT_ABORT;
        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                if (!sw->participant ||
                    (event == PROTO_EVENT_BACKUP_COMPLETE && sw->prepare_vetoed))
                        continue;
                if (list) {
                        /* Only the writers this request lists. */
                        bool listed = false;
                        size_t k;
                        const json_t *e;
                        char g[VSS_GUID_STRING_MAX];
                        guid_str(&sw->writer->instance_id, g);
                        json_array_foreach(list, k, e)
                                if (strcasecmp(instance_of(e), g) == 0)
                                        listed = true;
                        if (!listed)
                                continue;
                }
                if (event == PROTO_EVENT_ABORT && event_writer_is_stuck(sw->writer)) {
                        /* abort-backup: a writer stuck in an event it did not answer in time
                         * gets Abort to handle when it gets there; nobody waits for it. */
                        (void) event_post(sw->writer, event, event_body(s, false, NULL));
                        continue;
                }
                (void) send_one(s, sw, event,
                                event_body(s, with_volumes, with_bcd ? sw->bcd_in : NULL),
                                m->settings.event_timeout[event], writer_event_done);
        }
        if (s->pending == 0)
                writer_event_finish(s);
}

/* ---- The snapshot sequence (docs/PROTOCOL.md §6.2) ---------------------------------------- */

static void snapshot_finish(Session *s);
static void
snapshot_event_done(Writer *w, ProtoEvent event, const EventResult *res, void *userdata);

static void snapshot_abort(Session *s) {
        Manager *m = s->manager;

        if (s->phase == PHASE_ABORTING)
                return;
        char g[VSS_GUID_STRING_MAX];
        log_warning("Snapshot set %s failed (%s): %s; aborting every writer of the session.",
                    guid_str(&s->snapshot_set_id, g),
                    vss_status_to_string(s->first_failure) ?: "error",
                    s->first_failure_text ? s->first_failure_text : vss_strerror(s->first_failure));

        /* Nothing of the set survives: a running commit is stopped, committed snapshots go. */
        commit_cancel(s);
        discard_set(s);

        s->phase = PHASE_ABORTING;
        s->op_event = PROTO_EVENT_ABORT;
        s->pending = 0; /* replies of the phase we leave are ignored from now on */
        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                deadline_disarm(m, &sw->freeze_window);
                if (!sw->participant || !sw->writer->connection)
                        continue;
                if (event_writer_is_stuck(sw->writer)) {
                        /* Still in the Freeze (or earlier event) it did not answer in time: it
                         * gets Abort to handle if it ever wakes, and nobody waits for that. */
                        (void) event_post(
                                        sw->writer, PROTO_EVENT_ABORT, event_body(s, false, NULL));
                        continue;
                }
                int r = event_send(
                                sw->writer, PROTO_EVENT_ABORT, event_body(s, false, NULL),
                                m->settings.event_timeout[PROTO_EVENT_ABORT], snapshot_event_done,
                                s);
                if (r >= 0)
                        s->pending++;
        }
        if (s->pending == 0)
                snapshot_finish(s);
}

static void freeze_window_expired(Manager *m, void *userdata) {
        SessionWriter *sw = userdata;
        Session *s = sw->session;
        Writer *w = sw->writer;
        char text[256];

        (void) m;
        (void) snprintf(text, sizeof text, "the freeze window of %u ms expired before Thaw",
                        w->freeze_timeout_ms);
        writer_set_failure(w, VSS_WS_FAILED_AT_THAW, -VSS_E_WRITERERROR_TIMEOUT, text);
        session_set_failure(s, -VSS_E_WRITERERROR_TIMEOUT, "writer '%s': %s", w->writer_name, text);
        snapshot_abort(s);
}

/* Sends Freeze to the next level group that has writers; false when none is left. */
static bool freeze_next_level(Session *s) {
        Manager *m = s->manager;

        while (++s->level < LEVEL_GROUPS) {
                for (size_t i = 0; i < s->n_writers; i++) {
                        SessionWriter *sw = s->writers[i];
                        if (!sw->participant || !sw->snapshot_prepared ||
                            level_group(sw->writer->level) != s->level)
                                continue;
                        usec_t window = (usec_t) sw->writer->freeze_timeout_ms * USEC_PER_MSEC;
                        sw->freeze_sent = now_usec(CLOCK_MONOTONIC);
                        if (s->freeze_started == 0)
                                s->freeze_started = sw->freeze_sent;
                        /* The reply to Freeze must come within the window; once it has, the
                         * window goes on running (freeze_window) until Thaw is sent. */
                        (void) send_one(s, sw, PROTO_EVENT_FREEZE, event_body(s, false, NULL),
                                        window, snapshot_event_done);
                        (void) m;
                }
                if (s->pending > 0)
                        return true;
        }
        return false;
}

/* Sends Thaw to the next lower level group that has frozen writers; false when none is left. */
static bool thaw_next_level(Session *s) {
        Manager *m = s->manager;

        while (--s->level >= 0) {
                for (size_t i = 0; i < s->n_writers; i++) {
                        SessionWriter *sw = s->writers[i];
                        if (!sw->frozen || sw->thawed || level_group(sw->writer->level) != s->level)
                                continue;
                        deadline_disarm(m,
                                        &sw->freeze_window); /* the window ends when Thaw is sent */
                        (void) send_one(s, sw, PROTO_EVENT_THAW, event_body(s, false, NULL),
                                        m->settings.event_timeout[PROTO_EVENT_THAW],
                                        snapshot_event_done);
                }
                if (s->pending > 0)
                        return true;
        }
        return false;
}

/* ---- Commit: the providers make the snapshots, in a job, while the writers are frozen ------ */

typedef struct CommitJob {
        size_t n;
        SnapshotRequest requests[SNAPSHOT_SET_VOLUMES_MAX];
        const SnapshotProvider *providers[SNAPSHOT_SET_VOLUMES_MAX];
        const char *roots[SNAPSHOT_SET_VOLUMES_MAX];
} CommitJob;

/* In the child: one JSON line per volume, {"index", "path"} or {"index", "code", "error"}; at
 * the first failure, what was made is removed again and the child ends with 1. */
static int commit_child(int out_fd, void *userdata) {
        CommitJob *cj = userdata;

        for (size_t i = 0; i < cj->n; i++) {
                char *path = NULL, *err = NULL;
                int r = cj->providers[i]->create(&cj->requests[i], &path, &err);
                json_t *line = r >= 0 ? json_pack("{s:I, s:s}", "index", (json_int_t) i, "path",
                                                  path)
                                      : json_pack("{s:I, s:i, s:s}", "index", (json_int_t) i,
                                                  "code", r, "error", err ? err : strerror(-r));
                char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
                json_decref(line);
                if (text)
                        (void) dprintf(out_fd, "%s\n", text);
                free(text);
                free(path);
                free(err);
                if (r < 0 || !text) {
                        for (size_t k = 0; k <= i; k++)
                                (void) cj->providers[k]->remove(cj->roots[k], NULL);
                        return 1;
                }
        }
        return 0;
}

static void snapshot_advance(Session *s);

/* The code the requester hears for a provider's failure. */
static int commit_code(int code) {
        switch (code) {
        case -ENOSPC:
        case -EDQUOT:
                return -VSS_E_INSUFFICIENT_STORAGE;
        case -ENOENT:
        case -ENOTDIR:
                return -VSS_E_OBJECT_NOT_FOUND;
        case -EOPNOTSUPP:
                return -VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER;
        default:
                return -VSS_E_UNEXPECTED_PROVIDER_ERROR;
        }
}

static void commit_done(Manager *m, int status, const char *output, size_t size, void *userdata) {
        Session *s = userdata;
        char g[VSS_GUID_STRING_MAX];

        (void) size;
        s->commit_job = NULL;

        /* Read what each volume got. */
        bool complete = status == 0;
        const char *line = output;
        while (*line) {
                const char *end = strchr(line, '\n');
                size_t len = end ? (size_t) (end - line) : strlen(line);
                json_t *o = json_loadb(line, len, 0, NULL);
                const json_t *index = json_object_get(o, "index");
                size_t i = json_is_integer(index) ? (size_t) json_integer_value(index) : SIZE_MAX;
                if (i < s->n_volumes) {
                        SessionVolume *v = &s->volumes[i];
                        Shadow *sh = shadow_find(m, &v->snapshot_id);
                        const char *path = json_string_value(json_object_get(o, "path"));
                        if (path && sh) {
                                free(sh->snapshot_path);
                                sh->snapshot_path = strdup(path);
                                if (!sh->snapshot_path)
                                        complete = false;
                        } else if (!path) {
                                int code = (int) json_integer_value(json_object_get(o, "code"));
                                session_set_failure(
                                                s, commit_code(code),
                                                "provider '%s' failed to snapshot '%s': %s",
                                                v->provider->name, v->volume.path,
                                                json_string_value(json_object_get(o, "error"))
                                                                ?: "?");
                                complete = false;
                        }
                }
                json_decref(o);
                if (!end)
                        break;
                line = end + 1;
        }

        if (!complete) {
                if (status == -ETIMEDOUT)
                        session_set_failure(
                                        s, -VSS_E_UNEXPECTED_PROVIDER_ERROR,
                                        "the snapshot providers did not finish in time");
                else
                        session_set_failure(
                                        s, -VSS_E_UNEXPECTED_PROVIDER_ERROR,
                                        "the snapshot providers failed (status %d)", status);
                discard_set(s);
                if (s->phase == PHASE_COMMIT)
                        snapshot_abort(s);
                return;
        }

        for (size_t i = 0; i < s->n_volumes; i++) {
                Shadow *sh = shadow_find(m, &s->volumes[i].snapshot_id);
                if (sh)
                        sh->creating = false;
        }
        (void) shadow_store_save(m);
        log_debug("Snapshot set %s committed: %zu volume(s).", guid_str(&s->snapshot_set_id, g),
                  s->n_volumes);
        if (s->phase == PHASE_COMMIT)
                snapshot_advance(s);
}

/* Records the set's shadows as being created (a crash now leaves them to be cleaned up at the
 * next start) and starts the providers. */
static int commit_start(Session *s) {
        Manager *m = s->manager;

        CommitJob *cj = calloc(1, sizeof *cj);
        if (!cj)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_volumes; i++) {
                SessionVolume *v = &s->volumes[i];
                Shadow *sh =
                                shadow_new(m, &v->snapshot_id, &s->snapshot_set_id, &s->id,
                                           v->volume.path, v->provider->name, v->root, s->context);
                if (!sh) {
                        free(cj);
                        return -ENOMEM;
                }
                sh->creating = true;
                cj->requests[i] = (SnapshotRequest){
                                .volume = &v->volume,
                                .snapshot_id = v->snapshot_id,
                                .snapshot_set_id = s->snapshot_set_id,
                                .area = v->area,
                                .state_dir = m->state_dir,
                };
                cj->providers[i] = v->provider;
                cj->roots[i] = v->root;
                cj->n++;
        }
        int r = shadow_store_save(m);
        if (r >= 0)
                r = job_start(m, commit_child, cj, m->settings.commit_timeout, commit_done, s,
                              &s->commit_job);
        /* The child has its own copy of 'cj' (fork); the parent's is not needed any more. */
        free(cj);
        if (r < 0)
                discard_set(s);
        return r;
}

static void snapshot_finish(Session *s) {
        char g[VSS_GUID_STRING_MAX];

        if (s->phase == PHASE_ABORTING) {
                s->state = SESSION_ABORTED;
                operation_finished(
                                s, s->first_failure < 0 ? s->first_failure : -VSS_E_UNEXPECTED,
                                s->first_failure_text ? s->first_failure_text
                                                      : "the snapshot set failed",
                                NULL);
                return;
        }

        s->state = SESSION_SNAPSHOT_DONE;
        json_t *body = results_body(s, true);
        json_t *snapshots = json_array();
        for (size_t i = 0; snapshots && i < s->n_volumes; i++) {
                Shadow *sh = shadow_find(s->manager, &s->volumes[i].snapshot_id);
                if (sh && json_array_append_new(snapshots, shadow_to_json(sh)) < 0)
                        snapshots = json_decref_null(snapshots);
        }
        if (body && (!snapshots || json_object_set_new(body, "snapshots", snapshots) < 0))
                body = json_decref_null(body);
        log_debug("Snapshot set %s done.", guid_str(&s->snapshot_set_id, g));
        if (!body)
                operation_finished(s, -ENOMEM, "out of memory", NULL);
        else
                operation_finished(s, 0, NULL, body);
}

static void snapshot_advance(Session *s) {
        Manager *m = s->manager;
        char g[VSS_GUID_STRING_MAX];

        switch (s->phase) {
        case PHASE_PREPARE_SNAPSHOT:
                s->phase = PHASE_FREEZE;
                s->op_event = PROTO_EVENT_FREEZE;
                s->level = -1;
                if (freeze_next_level(s))
                        return;
                goto commit;

        case PHASE_FREEZE:
                if (s->first_failure < 0) {
                        snapshot_abort(s);
                        return;
                }
                if (freeze_next_level(s))
                        return;
        commit:
                /* Every writer that can is frozen: the providers commit the set now. */
                if (s->n_volumes > 0) {
                        int r = commit_start(s);
                        if (r < 0) {
                                session_set_failure(
                                                s, -VSS_E_UNEXPECTED_PROVIDER_ERROR,
                                                "failed to start the snapshot providers: %s",
                                                strerror(-r));
                                snapshot_abort(s);
                                return;
                        }
                        s->phase = PHASE_COMMIT;
                        return; /* commit_done() goes on */
                }
                VSS_FALLTHROUGH;
        case PHASE_COMMIT:
                if (s->first_failure < 0) {
                        snapshot_abort(s);
                        return;
                }
                s->phase = PHASE_THAW;
                s->op_event = PROTO_EVENT_THAW;
                s->level = LEVEL_GROUPS;
                if (thaw_next_level(s))
                        return;
                goto post_snapshot;

        case PHASE_THAW:
                if (s->first_failure < 0) {
                        snapshot_abort(s);
                        return;
                }
                if (thaw_next_level(s))
                        return;
        post_snapshot:
                s->thaw_finished = now_usec(CLOCK_MONOTONIC);
                if (s->freeze_started > 0) {
                        size_t n = 0;
                        for (size_t i = 0; i < s->n_writers; i++)
                                n += s->writers[i]->frozen;
                        log_info("Snapshot set %s: %zu writer(s) frozen for %.3f ms (first Freeze "
                                 "sent to last Thaw "
                                 "answered).",
                                 guid_str(&s->snapshot_set_id, g), n,
                                 (double) (s->thaw_finished - s->freeze_started) /
                                                 (double) USEC_PER_MSEC);
                }
                s->phase = PHASE_POST_SNAPSHOT;
                s->op_event = PROTO_EVENT_POST_SNAPSHOT;
                for (size_t i = 0; i < s->n_writers; i++) {
                        SessionWriter *sw = s->writers[i];
                        if (!sw->thawed)
                                continue;
                        (void) send_one(s, sw, PROTO_EVENT_POST_SNAPSHOT,
                                        event_body(s, true, sw->bcd_in),
                                        m->settings.event_timeout[PROTO_EVENT_POST_SNAPSHOT],
                                        snapshot_event_done);
                }
                if (s->pending > 0)
                        return;
                snapshot_finish(s);
                return;

        case PHASE_POST_SNAPSHOT:
        case PHASE_ABORTING:
                snapshot_finish(s);
                return;
        }
}

static void
snapshot_event_done(Writer *w, ProtoEvent event, const EventResult *res, void *userdata) {
        Session *s = userdata;
        SessionWriter *sw = session_find_writer(s, w);

        if (s->op != OP_SNAPSHOT || event != s->op_event)
                return; /* a late reply of a phase we left */

        if (sw && (res->result < 0 || res->has_failure || res->bcd))
                record_result(sw, res);

        if (sw)
                switch (event) {
                case PROTO_EVENT_PREPARE_SNAPSHOT:
                        sw->snapshot_prepared = res->result == 0;
                        break;
                case PROTO_EVENT_FREEZE:
                        if (res->result < 0) {
                                /* Abort at once: the writers already frozen must not wait. */
                                session_set_failure(
                                                s, res->result, "writer '%s' failed at Freeze: %s",
                                                w->writer_name,
                                                res->failure.message ? res->failure.message
                                                                     : vss_strerror(res->result));
                                snapshot_abort(s);
                                return;
                        }
                        sw->frozen = true;
                        (void) deadline_arm(
                                        s->manager, &sw->freeze_window,
                                        sw->freeze_sent + (usec_t) w->freeze_timeout_ms *
                                                                          USEC_PER_MSEC,
                                        freeze_window_expired, sw);
                        break;
                case PROTO_EVENT_THAW:
                        if (res->result < 0) {
                                session_set_failure(
                                                s, res->result, "writer '%s' failed at Thaw: %s",
                                                w->writer_name,
                                                res->failure.message ? res->failure.message
                                                                     : vss_strerror(res->result));
                                snapshot_abort(s);
                                return;
                        }
                        sw->thawed = true;
                        break;
                default:
                        break;
                }

        assert(s->pending > 0);
        if (--s->pending == 0)
                snapshot_advance(s);
}

static void handle_do_snapshot_set(Session *s, const ProtoMessage *msg) {
        Manager *m = s->manager;
        const char *error = NULL;

        bool writers = session_has_writers(s);
        if (writers ? s->state != SESSION_PREPARED : s->state != SESSION_SET_STARTED) {
                reply_request(s->connection, -VSS_E_BAD_STATE,
                              writers ? "do-snapshot-set must follow prepare-for-backup, once"
                                      : "do-snapshot-set must follow start-snapshot-set, once",
                              NULL);
                return;
        }

        operation_start(s, OP_SNAPSHOT, PROTO_EVENT_PREPARE_SNAPSHOT);
        int r = take_writer_list(
                        s, json_object_get(msg->root, "writers"), false, VSS_SM_BACKUP_EVENTS_FLAG,
                        &error);
        if (r < 0) {
                s->op = OP_NONE;
                reply_request(s->connection, r, error, NULL);
                return;
        }

        s->phase = PHASE_PREPARE_SNAPSHOT;
        s->freeze_started = s->thaw_finished = 0;
        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                sw->snapshot_prepared = sw->frozen = sw->thawed = false;
                if (!sw->participant || sw->prepare_vetoed)
                        continue;
                (void) send_one(s, sw, PROTO_EVENT_PREPARE_SNAPSHOT, event_body(s, true, NULL),
                                m->settings.event_timeout[PROTO_EVENT_PREPARE_SNAPSHOT],
                                snapshot_event_done);
        }
        if (s->pending == 0)
                snapshot_advance(s);
}

/* ---- The end of a session (docs/PROTOCOL.md §6.3) ----------------------------------------- */

static void end_event_done(Writer *w, ProtoEvent event, const EventResult *res, void *userdata) {
        Session *s = userdata;

        (void) w;
        (void) res;
        if (s->op != OP_END || event != s->op_event)
                return;
        assert(s->pending > 0);
        if (--s->pending == 0)
                session_end_continue(s);
}

static unsigned send_to_participants(Session *s, ProtoEvent event) {
        Manager *m = s->manager;

        s->op_event = event;
        s->pending = 0;
        for (size_t i = 0; i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                deadline_disarm(m, &sw->freeze_window);
                if (!sw->participant || !sw->writer->connection)
                        continue;
                if (event_writer_is_stuck(sw->writer))
                        (void) event_post(sw->writer, event, event_body(s, false, NULL));
                else if (event_send(sw->writer, event, event_body(s, false, NULL),
                                    m->settings.event_timeout[event], end_event_done, s) >= 0)
                        s->pending++;
        }
        return s->pending;
}

static void session_end_continue(Session *s) {
        s->op = OP_END;

        if (s->end_step == 0) {
                s->end_step = 1;
                /* BackupComplete never came: writers treat that as failure, after an Abort. */
                bool needs_abort =
                                !s->restore && s->has_participants &&
                                (s->state == SESSION_PREPARED || s->state == SESSION_SNAPSHOT_DONE);
                if (needs_abort && send_to_participants(s, PROTO_EVENT_ABORT) > 0)
                        return;
        }
        if (s->end_step == 1) {
                s->end_step = 2;
                if (!s->restore && s->has_participants &&
                    send_to_participants(s, PROTO_EVENT_BACKUP_SHUTDOWN) > 0)
                        return;
        }

        /* Auto-release shadow copies end with their session (VSS's Release). */
        shadow_release_session(s->manager, &s->id);

        char g[VSS_GUID_STRING_MAX];
        log_debug("Session %s ended.", guid_str(&s->id, g));
        if (!s->lost)
                reply_request(s->connection, 0, NULL, NULL);
        session_free(s);
}

void session_connection_lost(Session *s) {
        char g[VSS_GUID_STRING_MAX];

        s->lost = true;
        if (s->connection)
                s->connection->session = NULL;
        s->connection = NULL;
        log_info("The requester of session %s is gone; ending the session.", guid_str(&s->id, g));

        switch (s->op) {
        case OP_NONE:
                session_end_continue(s);
                break;
        case OP_SNAPSHOT:
                /* Frozen writers must not wait for a requester that will never come back. */
                if (s->phase == PHASE_PREPARE_SNAPSHOT || s->phase == PHASE_FREEZE ||
                    s->phase == PHASE_COMMIT || s->phase == PHASE_THAW) {
                        session_set_failure(s, -ECONNRESET, "the requester disconnected");
                        snapshot_abort(s);
                }
                break; /* the operation's end continues with session_end_continue() */
        case OP_GATHER:
        case OP_WRITER_EVENT:
        case OP_END:
                break; /* finishes, then ends the session */
        }
}

void session_abort_all(Manager *m) {
        Session *s, *n;

        LIST_FOREACH_SAFE(sessions, s, n, m->sessions)
                if (!s->lost) {
                        if (s->connection) {
                                reply_request(s->connection, -ESHUTDOWN, "vssd is stopping", NULL);
                                s->connection->session = NULL;
                        }
                        session_connection_lost(s);
                        n = m->sessions; /* ending may have freed others */
                }
}

void session_free_all(Manager *m) {
        while (m->sessions)
                session_free(m->sessions);
}

bool session_writer_takes_part(const Writer *w) {
        Session *s;

        LIST_FOREACH(sessions, s, w->manager->sessions) {
                const SessionWriter *sw = session_find_writer(s, w);
                if (sw && sw->participant)
                        return true;
        }
        return false;
}

void session_writer_lost(Writer *w) {
        Session *s;

        LIST_FOREACH(sessions, s, w->manager->sessions) {
                SessionWriter *sw = session_find_writer(s, w);
                if (!sw || s->op != OP_SNAPSHOT)
                        continue;
                if ((s->phase == PHASE_FREEZE || s->phase == PHASE_COMMIT ||
                     s->phase == PHASE_THAW) &&
                    sw->frozen && !sw->thawed) {
                        writer_set_failure(
                                        w, VSS_WS_FAILED_AT_THAW, -VSS_E_WRITER_NOT_RESPONDING,
                                        "the writer disconnected while frozen");
                        session_set_failure(
                                        s, -VSS_E_WRITER_NOT_RESPONDING,
                                        "writer '%s' disconnected while frozen", w->writer_name);
                        snapshot_abort(s);
                }
        }
}

/* ---- Requests ----------------------------------------------------------------------------- */

/* Every snapshot attribute bit VSS defines. */
#define SNAPSHOT_ATTRIBUTES_ALL                                                              \
        ((uint32_t) (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTORECOVERY |        \
                     VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | \
                     VSS_VOLSNAP_ATTR_NO_WRITERS | VSS_VOLSNAP_ATTR_TRANSPORTABLE |          \
                     VSS_VOLSNAP_ATTR_NOT_SURFACED | VSS_VOLSNAP_ATTR_NOT_TRANSACTED |       \
                     VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED | VSS_VOLSNAP_ATTR_DIFFERENTIAL |    \
                     VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_IMPORTED |                     \
                     VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY | VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY |  \
                     VSS_VOLSNAP_ATTR_AUTORECOVER | VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY |     \
                     VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT | VSS_VOLSNAP_ATTR_TXF_RECOVERY | \
                     VSS_VOLSNAP_ATTR_FILE_SHARE))

/* A context that can create snapshots: one of the contexts of §2.7 in the low five bits,
 * optionally with further attribute bits. VSS_CTX_ALL is only for queries. */
static bool context_is_valid(uint32_t context) {
        static const uint32_t bases[] = {VSS_CTX_BACKUP,
                                         VSS_CTX_FILE_SHARE_BACKUP,
                                         VSS_CTX_NAS_ROLLBACK,
                                         VSS_CTX_APP_ROLLBACK,
                                         VSS_CTX_CLIENT_ACCESSIBLE,
                                         VSS_CTX_CLIENT_ACCESSIBLE_WRITERS};

        if ((context & ~SNAPSHOT_ATTRIBUTES_ALL) != 0)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(bases); i++)
                if ((context & 0x1FU) == bases[i])
                        return true;
        return false;
}

static void handle_session_begin(Connection *c, const ProtoMessage *msg) {
        Manager *m = c->manager;
        char g[VSS_GUID_STRING_MAX];

        if (c->session) {
                reply_request(c, -VSS_E_BAD_STATE,
                              "a session is already running on this connection", NULL);
                return;
        }
        const json_t *ctx = json_object_get(msg->root, "context");
        uint32_t context = ctx ? (uint32_t) json_integer_value(ctx) : VSS_CTX_BACKUP;
        if (!context_is_valid(context)) {
                reply_request(c, -VSS_E_UNSUPPORTED_CONTEXT,
                              "not a snapshot context that can create snapshots", NULL);
                return;
        }

        Session *s = calloc(1, sizeof *s);
        if (!s) {
                reply_request(c, -ENOMEM, "out of memory", NULL);
                return;
        }
        int r = vss_guid_generate(&s->id);
        if (r < 0) {
                free(s);
                reply_request(c, r, "no randomness for a session id", NULL);
                return;
        }
        s->manager = m;
        s->connection = c;
        s->restore = streq(json_string_value(json_object_get(msg->root, "kind")), "restore");
        s->context = context;
        s->state = SESSION_CREATED;
        LIST_APPEND(sessions, m->sessions, s);
        c->session = s;

        log_debug("Session %s (%s) begun by %s.", guid_str(&s->id, g),
                  s->restore ? "restore" : "backup", c->peer_description);
        reply_request(c, 0, NULL, json_pack("{s:s}", "session_id", guid_str(&s->id, g)));
}

/* Takes the coordinator for the session (docs/PROTOCOL.md §6.1). */
static int session_claim(Session *s, char **reterr) {
        Manager *m = s->manager;
        char g[VSS_GUID_STRING_MAX];

        if (m->claimed && m->claimed != s) {
                Buffer b = BUFFER_INIT;
                if (buffer_printf(&b, "another %s (session %s of %s) is in progress",
                                  m->claimed->restore ? "restore" : "backup",
                                  guid_str(&m->claimed->id, g),
                                  m->claimed->connection ? m->claimed->connection->peer_description
                                                         : "a requester that is gone") >= 0)
                        *reterr = buffer_steal(&b);
                buffer_done(&b);
                return -VSS_E_SNAPSHOT_SET_IN_PROGRESS;
        }
        m->claimed = s;
        return 0;
}

static void handle_start_snapshot_set(Session *s) {
        vss_autofree char *err = NULL;
        char g[VSS_GUID_STRING_MAX];

        bool writers = session_has_writers(s);
        if (s->restore || (writers ? s->state != SESSION_GATHERED : s->state > SESSION_GATHERED)) {
                reply_request(s->connection, -VSS_E_BAD_STATE,
                              s->restore ? "a restore session takes no snapshots"
                              : writers  ? "start-snapshot-set must follow gather-metadata, once"
                                         : "start-snapshot-set comes once, before the snapshot",
                              NULL);
                return;
        }
        int r = session_claim(s, &err);
        if (r < 0) {
                reply_request(s->connection, r, err, NULL);
                return;
        }
        r = vss_guid_generate(&s->snapshot_set_id);
        if (r < 0) {
                reply_request(s->connection, r, "no randomness for a snapshot set id", NULL);
                return;
        }
        s->state = SESSION_SET_STARTED;
        reply_request(s->connection, 0, NULL,
                      json_pack("{s:s}", "snapshot_set_id", guid_str(&s->snapshot_set_id, g)));
}

static void handle_add_to_snapshot_set(Session *s, const ProtoMessage *msg) {
        Manager *m = s->manager;
        const char *volume = json_string_value(json_object_get(msg->root, "volume"));
        const char *provider_name = json_string_value(json_object_get(msg->root, "provider"));
        vss_autofree char *err = NULL;
        char g[VSS_GUID_STRING_MAX];

        if (s->state != SESSION_SET_STARTED && s->state != SESSION_PREPARED) {
                reply_request(s->connection, -VSS_E_BAD_STATE,
                              "volumes are added after start-snapshot-set and before "
                              "do-snapshot-set",
                              NULL);
                return;
        }
        if (s->n_volumes >= SNAPSHOT_SET_VOLUMES_MAX) {
                reply_request(s->connection, -VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
                              "a snapshot set holds at most 64 volumes", NULL);
                return;
        }

        SessionVolume *v = &s->volumes[s->n_volumes];
        *v = (SessionVolume){};
        int r = snapshot_volume_resolve(volume, &v->volume, &err);
        if (r < 0) {
                reply_request(s->connection, r == -ENOMEM ? r : -VSS_E_OBJECT_NOT_FOUND,
                              err ? err : "not an existing directory given by its absolute path",
                              NULL);
                session_volume_done(v);
                return;
        }
        for (size_t i = 0; i < s->n_volumes; i++)
                if (streq(s->volumes[i].volume.path, v->volume.path)) {
                        connection_request_done(s->connection);
                        (void) connection_replyf(
                                        s->connection, msg->id, -VSS_E_OBJECT_ALREADY_EXISTS,
                                        "'%s' is already in the snapshot set", v->volume.path);
                        session_volume_done(v);
                        return;
                }

        free(err);
        err = NULL;
        r = snapshot_provider_choose(&v->volume, provider_name, m->state_dir, &v->provider, &err);
        if (r < 0) {
                connection_request_done(s->connection);
                if (r == -VSS_E_PROVIDER_NOT_REGISTERED)
                        (void) connection_replyf(
                                        s->connection, msg->id, r,
                                        "no snapshot provider is called '%s'", provider_name);
                else
                        (void) connection_replyf(
                                        s->connection, msg->id, r, "%s",
                                        err ? err : vss_strerror(r));
                session_volume_done(v);
                return;
        }
        r = vss_guid_generate(&v->snapshot_id);
        if (r >= 0)
                r = snapshot_provider_area(v->provider, &v->volume, m->state_dir, &v->area);
        if (r >= 0)
                r = snapshot_root_path(v->area, &v->snapshot_id, &v->root);
        if (r < 0) {
                reply_request(s->connection, r, vss_strerror(r), NULL);
                session_volume_done(v);
                return;
        }
        s->n_volumes++;
        log_debug("Volume '%s' (%s on %s) joins snapshot set %s with provider '%s'.",
                  v->volume.path, v->volume.fs_type, v->volume.mount_point,
                  guid_str(&s->snapshot_set_id, g), v->provider->name);
        reply_request(s->connection, 0, NULL,
                      json_pack("{s:s, s:s}", "snapshot_id", guid_str(&v->snapshot_id, g),
                                "provider", v->provider->name));
}

static void handle_snapshot_properties(Session *s, const ProtoMessage *msg) {
        vss_guid id;

        if (s->state != SESSION_SNAPSHOT_DONE && s->state != SESSION_COMPLETED) {
                reply_request(s->connection, -VSS_E_BAD_STATE, "the snapshot set is not made yet",
                              NULL);
                return;
        }
        (void) vss_guid_from_string(
                        json_string_value(json_object_get(msg->root, "snapshot_id")), &id);
        for (size_t i = 0; i < s->n_volumes; i++) {
                if (!vss_guid_equal(&s->volumes[i].snapshot_id, &id))
                        continue;
                Shadow *sh = shadow_find(s->manager, &id);
                if (!sh || sh->creating)
                        break;
                json_t *o = shadow_to_json(sh);
                reply_request(s->connection, o ? 0 : -ENOMEM, o ? NULL : "out of memory",
                              o ? json_pack("{s:o}", "snapshot", o) : NULL);
                return;
        }
        reply_request(s->connection, -VSS_E_OBJECT_NOT_FOUND,
                      "no such snapshot in this session's set", NULL);
}

static void handle_gather_status(Session *s) {
        json_t *a = json_array();

        for (size_t i = 0; a && i < s->n_writers; i++) {
                SessionWriter *sw = s->writers[i];
                if (s->has_participants ? !sw->participant : !sw->identified)
                        continue;
                if (json_array_append_new(a, writer_status_json(sw->writer, false)) < 0)
                        a = json_decref_null(a);
        }
        if (!a)
                reply_request(s->connection, -ENOMEM, "out of memory", NULL);
        else
                reply_request(s->connection, 0, NULL, json_pack("{s:o}", "writers", a));
}

static void handle_list_writers(Connection *c) {
        Manager *m = c->manager;
        Writer *w;
        json_t *a = json_array();

        LIST_FOREACH(writers, w, m->writers)
                if (a && w->connection && json_array_append_new(a, writer_status_json(w, true)) < 0)
                        a = json_decref_null(a);
        if (!a)
                reply_request(c, -ENOMEM, "out of memory", NULL);
        else
                reply_request(c, 0, NULL, json_pack("{s:o}", "writers", a));
}

static void handle_list_providers(Connection *c) {
        char g[VSS_GUID_STRING_MAX];
        json_t *a = json_array();

        for (size_t i = 0; a && snapshot_providers[i]; i++) {
                const SnapshotProvider *p = snapshot_providers[i];
                json_t *fs = json_array();
                for (size_t k = 0; fs && p->filesystems && p->filesystems[k]; k++)
                        if (json_array_append_new(fs, json_string(p->filesystems[k])) < 0)
                                fs = json_decref_null(fs);
                json_t *e = json_pack(
                                "{s:s, s:s, s:s, s:s, s:s, s:o}", "name", p->name, "id",
                                guid_str(&p->id, g), "type", vss_provider_type_to_string(p->type),
                                "version", p->version, "consistency",
                                snapshot_consistency_to_string(p->consistency), "filesystems", fs);
                if (!e || json_array_append_new(a, e) < 0)
                        a = json_decref_null(a);
        }
        if (!a)
                reply_request(c, -ENOMEM, "out of memory", NULL);
        else
                reply_request(c, 0, NULL, json_pack("{s:o}", "providers", a));
}

void session_handle_request(Connection *c, const ProtoMessage *msg) {
        switch (msg->type) {
        case PROTO_LIST_WRITERS:
                handle_list_writers(c);
                return;
        case PROTO_LIST_PROVIDERS:
                handle_list_providers(c);
                return;
        case PROTO_LIST_SHADOWS:
        case PROTO_DELETE_SHADOWS:
        case PROTO_EXPOSE_SHADOW:
        case PROTO_UNEXPOSE_SHADOW:
        case PROTO_LIST_VOLUMES:
                (void) shadow_handle_request(c, msg);
                return;
        case PROTO_SESSION_BEGIN:
                handle_session_begin(c, msg);
                return;
        default:
                break;
        }

        Session *s = c->session;
        if (!s) {
                reply_request(c, -VSS_E_BAD_STATE,
                              "no session is running: begin one with session-begin", NULL);
                return;
        }

        const json_t *list = json_object_get(msg->root, "writers");
        bool writers = session_has_writers(s);
        vss_autofree char *err = NULL;

        switch (msg->type) {
        case PROTO_GATHER_METADATA:
                handle_gather_metadata(s);
                return;
        case PROTO_START_SNAPSHOT_SET:
                handle_start_snapshot_set(s);
                return;
        case PROTO_ADD_TO_SNAPSHOT_SET:
                handle_add_to_snapshot_set(s, msg);
                return;
        case PROTO_PREPARE_FOR_BACKUP:
                if (s->restore || !writers || s->state != SESSION_SET_STARTED) {
                        reply_request(c, -VSS_E_BAD_STATE,
                                      !writers ? "this snapshot context involves no writers"
                                               : "prepare-for-backup must follow "
                                                 "start-snapshot-set, once",
                                      NULL);
                        return;
                }
                start_writer_event(
                                s, list, PROTO_EVENT_PREPARE_BACKUP, true,
                                VSS_SM_BACKUP_EVENTS_FLAG);
                return;
        case PROTO_DO_SNAPSHOT_SET:
                handle_do_snapshot_set(s, msg);
                return;
        case PROTO_BACKUP_COMPLETE:
                if (s->restore || !writers || s->state != SESSION_SNAPSHOT_DONE) {
                        reply_request(c, -VSS_E_BAD_STATE,
                                      "backup-complete must follow a successful do-snapshot-set, "
                                      "once",
                                      NULL);
                        return;
                }
                start_writer_event(
                                s, list, PROTO_EVENT_BACKUP_COMPLETE, false,
                                VSS_SM_BACKUP_EVENTS_FLAG);
                return;
        case PROTO_ABORT_BACKUP:
                if (s->restore || s->state < SESSION_PREPARED || s->state == SESSION_COMPLETED) {
                        reply_request(c, -VSS_E_BAD_STATE,
                                      "abort-backup comes after prepare-for-backup and before "
                                      "backup-complete",
                                      NULL);
                        return;
                }
                start_writer_event(s, NULL, PROTO_EVENT_ABORT, false, VSS_SM_BACKUP_EVENTS_FLAG);
                return;
        case PROTO_PRE_RESTORE:
                if (!s->restore || s->state != SESSION_GATHERED) {
                        reply_request(c, -VSS_E_BAD_STATE,
                                      "pre-restore comes in a restore session after "
                                      "gather-metadata, once",
                                      NULL);
                        return;
                }
                if (session_claim(s, &err) < 0) {
                        reply_request(c, -VSS_E_SNAPSHOT_SET_IN_PROGRESS, err, NULL);
                        return;
                }
                start_writer_event(
                                s, list, PROTO_EVENT_PRE_RESTORE, true, VSS_SM_RESTORE_EVENTS_FLAG);
                return;
        case PROTO_POST_RESTORE:
                if (s->state != SESSION_PRE_RESTORED) {
                        reply_request(c, -VSS_E_BAD_STATE,
                                      "post-restore must follow pre-restore, once", NULL);
                        return;
                }
                start_writer_event(
                                s, list, PROTO_EVENT_POST_RESTORE, false,
                                VSS_SM_RESTORE_EVENTS_FLAG);
                return;
        case PROTO_GATHER_STATUS:
                handle_gather_status(s);
                return;
        case PROTO_SNAPSHOT_PROPERTIES:
                handle_snapshot_properties(s, msg);
                return;
        case PROTO_SESSION_END:
                s->end_step = 0;
                session_end_continue(s);
                return;
        default:
                reply_request(c, -EPERM, "not a request", NULL);
                return;
        }
}
