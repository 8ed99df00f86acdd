/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The writer table: one entry per registered writer connection (docs/PROTOCOL.md §4.2, §5). */

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "coordinator-internal.h"
#include "log.h"

#define SUBSCRIBE_DEFAULT (VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG)

void writer_failure_clear(WriterFailure *f) {
        free(f->message);
        *f = (WriterFailure){};
}

Writer *writer_free(Writer *w) {
        if (!w)
                return NULL;
        assert(!w->pending);
        LIST_REMOVE(writers, w->manager->writers, w);
        w->manager->n_writers--;
        writer_failure_clear(&w->failure);
        free(w->instance_name);
        free(w->writer_name);
        free(w);
        return NULL;
}

Writer *writer_find(Manager *m, const vss_guid *instance_id) {
        Writer *w;
        LIST_FOREACH(writers, w, m->writers)
                if (vss_guid_equal(&w->instance_id, instance_id))
                        return w;
        return NULL;
}

static int
parse_enum(const json_t *o, const char *field, int (*parse)(const char *, int *), int *ret) {
        return parse(json_string_value(json_object_get(o, field)), ret);
}

static int usage_parse(const char *s, int *ret) {
        VSS_USAGE_TYPE v;
        int r = vss_usage_type_from_string(s, &v);
        *ret = (int) v;
        return r;
}
static int source_parse(const char *s, int *ret) {
        VSS_SOURCE_TYPE v;
        int r = vss_source_type_from_string(s, &v);
        *ret = (int) v;
        return r;
}
static int level_parse(const char *s, int *ret) {
        VSS_APPLICATION_LEVEL v;
        int r = vss_application_level_from_string(s, &v);
        *ret = (int) v;
        return r;
}

int writer_register(Connection *c, const ProtoMessage *msg, Writer **ret, char **reterr_message) {
        Manager *m = c->manager;
        const json_t *id = json_object_get(msg->root, "identity");
        int usage = 0, source = 0, level = 0;

        if (m->n_writers >= WRITERS_MAX) {
                *reterr_message = strdup("too many writers are registered");
                return -ENOBUFS;
        }

        vss_guid class_id;
        if (vss_guid_from_string(json_string_value(json_object_get(id, "class_id")), &class_id) <
                            0 ||
            parse_enum(id, "usage_type", usage_parse, &usage) < 0 ||
            parse_enum(id, "source_type", source_parse, &source) < 0 ||
            parse_enum(id, "application_level", level_parse, &level) < 0)
                return -EBADMSG; /* validated before: cannot happen */

        if (usage == VSS_UT_UNDEFINED) {
                *reterr_message = strdup("identity.usage_type: VSS_UT_UNDEFINED is a writer error");
                return -EINVAL;
        }

        const char *instance_name = json_string_value(json_object_get(id, "instance_name"));
        if (!instance_name)
                instance_name = "";

        Writer *other;
        LIST_FOREACH(writers, other, m->writers)
                if (other->connection && vss_guid_equal(&other->class_id, &class_id) &&
                    streq(other->instance_name, instance_name)) {
                        char g[VSS_GUID_STRING_MAX];
                        Buffer b = BUFFER_INIT;
                        if (buffer_printf(&b,
                                          "a writer of class %s with instance name '%s' is already "
                                          "registered (%s)",
                                          vss_guid_to_string(&class_id, g), instance_name,
                                          other->connection->peer_description) >= 0)
                                *reterr_message = buffer_steal(&b);
                        buffer_done(&b);
                        return -VSS_E_WRITER_ALREADY_SUBSCRIBED;
                }

        Writer *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->manager = m;
        w->class_id = class_id;
        w->instance_name = strdup(instance_name);
        w->writer_name = strdup(json_string_value(json_object_get(id, "writer_name")));
        if (!w->instance_name || !w->writer_name) {
                free(w->instance_name);
                free(w->writer_name);
                free(w);
                return -ENOMEM;
        }
        int r = vss_guid_generate(&w->instance_id);
        if (r < 0) {
                free(w->instance_name);
                free(w->writer_name);
                free(w);
                return r;
        }
        w->usage_type = (VSS_USAGE_TYPE) usage;
        w->source_type = (VSS_SOURCE_TYPE) source;
        w->level = (VSS_APPLICATION_LEVEL) level;
        w->freeze_timeout_ms =
                        (uint32_t) json_integer_value(json_object_get(id, "freeze_timeout_ms"));
        w->version_major = (uint32_t) json_integer_value(json_object_get(id, "version_major"));
        w->version_minor = (uint32_t) json_integer_value(json_object_get(id, "version_minor"));
        const json_t *sub = json_object_get(id, "subscribe");
        w->subscribe = sub ? (uint32_t) json_integer_value(sub) : SUBSCRIBE_DEFAULT;
        w->state = VSS_WS_STABLE;
        w->connection = c;
        LIST_APPEND(writers, m->writers, w);
        m->n_writers++;

        *ret = w;
        return 0;
}

void writer_disconnect(Writer *w) {
        /* Hold a reference while the sessions react: their callbacks may end a session, which
         * would otherwise free the entry under our feet. */
        w->session_refs++;
        w->connection = NULL;
        event_fail_all(w); /* the sessions learn about it from their callbacks */

        /* Sessions that list the writer in their status keep it until they end. */
        session_writer_lost(w);
        writer_unref_session(w);
}

void writer_unref_session(Writer *w) {
        assert(w->session_refs > 0);
        if (--w->session_refs == 0 && !w->connection)
                writer_free(w);
}

void writer_set_failure(Writer *w, VSS_WRITER_STATE state, int hr, const char *message) {
        writer_failure_clear(&w->failure);
        w->state = state;
        w->failure.hr = hr;
        w->failure.message = message ? strdup(message) : NULL;
}

/* The state after an event, success or failure (docs/PROTOCOL.md §5). */
void writer_event_finished(Writer *w, ProtoEvent event, int result, const WriterFailure *failure) {
        static const struct {
                VSS_WRITER_STATE ok, failed;
        } next[PROTO_EVENT_MAX] = {
                        [PROTO_EVENT_IDENTIFY] = {VSS_WS_STABLE, VSS_WS_FAILED_AT_IDENTIFY},
                        [PROTO_EVENT_PREPARE_BACKUP] =
                                        {VSS_WS_STABLE, VSS_WS_FAILED_AT_PREPARE_BACKUP},
                        [PROTO_EVENT_PREPARE_SNAPSHOT] =
                                        {VSS_WS_WAITING_FOR_FREEZE,
                                         VSS_WS_FAILED_AT_PREPARE_SNAPSHOT},
                        [PROTO_EVENT_FREEZE] = {VSS_WS_WAITING_FOR_THAW, VSS_WS_FAILED_AT_FREEZE},
                        [PROTO_EVENT_THAW] =
                                        {VSS_WS_WAITING_FOR_POST_SNAPSHOT, VSS_WS_FAILED_AT_THAW},
                        [PROTO_EVENT_POST_SNAPSHOT] =
                                        {VSS_WS_WAITING_FOR_BACKUP_COMPLETE,
                                         VSS_WS_FAILED_AT_POST_SNAPSHOT},
                        [PROTO_EVENT_ABORT] = {VSS_WS_STABLE, VSS_WS_UNKNOWN},
                        [PROTO_EVENT_BACKUP_COMPLETE] =
                                        {VSS_WS_STABLE, VSS_WS_FAILED_AT_BACKUP_COMPLETE},
                        [PROTO_EVENT_BACKUP_SHUTDOWN] =
                                        {VSS_WS_STABLE, VSS_WS_FAILED_AT_BACKUPSHUTDOWN},
                        [PROTO_EVENT_PRE_RESTORE] = {VSS_WS_STABLE, VSS_WS_FAILED_AT_PRE_RESTORE},
                        [PROTO_EVENT_POST_RESTORE] = {VSS_WS_STABLE, VSS_WS_FAILED_AT_POST_RESTORE},
        };

        bool failed = result < 0 || (failure && failure->hr < 0);

        if (event == PROTO_EVENT_IDENTIFY && session_writer_takes_part(w))
                /* Identify comes at any time, from any requester, and must not change session
                 * state (VSS-REFERENCE §1.3): the writer's state is its session's. */
                return;
        if (event == PROTO_EVENT_ABORT) {
                /* Abort ends the backup for the writer; a failed Abort keeps what we knew. */
                if (!failed && w->state >= VSS_WS_STABLE &&
                    w->state <= VSS_WS_WAITING_FOR_BACKUP_COMPLETE)
                        w->state = VSS_WS_STABLE;
                return;
        }
        if (event == PROTO_EVENT_BACKUP_SHUTDOWN && !failed) {
                /* Shutdown ends the session: a failure recorded in it stays visible. */
                if (w->state <= VSS_WS_WAITING_FOR_BACKUP_COMPLETE)
                        w->state = VSS_WS_STABLE;
                return;
        }

        if (!failed) {
                /* A new event succeeding clears the last failure. */
                writer_failure_clear(&w->failure);
                w->state = next[event].ok;
                return;
        }

        writer_failure_clear(&w->failure);
        w->state = next[event].failed;
        if (failure) {
                w->failure.hr = failure->hr < 0 ? failure->hr : result;
                w->failure.application_hr = failure->application_hr;
                w->failure.has_application_hr = failure->has_application_hr;
                w->failure.message = failure->message ? strdup(failure->message) : NULL;
        } else
                w->failure.hr = result;
}

json_t *writer_status_json(const Writer *w, bool details) {
        char instance[VSS_GUID_STRING_MAX], class[VSS_GUID_STRING_MAX];

        json_t *o =
                        json_pack("{s:s, s:s, s:s, s:s}", "instance_id",
                                  vss_guid_to_string(&w->instance_id, instance), "class_id",
                                  vss_guid_to_string(&w->class_id, class), "writer_name",
                                  w->writer_name, "state", vss_writer_state_to_string(w->state));
        if (!o)
                return NULL;
        if (w->instance_name[0] &&
            json_object_set_new(o, "instance_name", json_string(w->instance_name)) < 0)
                goto fail;
        if (w->failure.hr < 0) {
                json_t *f = json_pack("{s:i}", "hr", w->failure.hr);
                if (!f || json_object_set_new(o, "failure", f) < 0)
                        goto fail;
                if (w->failure.has_application_hr &&
                    json_object_set_new(
                                    f, "application_hr", json_integer(w->failure.application_hr)) <
                                    0)
                        goto fail;
                if (w->failure.message &&
                    json_object_set_new(f, "message", json_string(w->failure.message)) < 0)
                        goto fail;
        }
        if (details) {
                if (json_object_set_new(
                                    o, "usage_type",
                                    json_string(vss_usage_type_to_string(w->usage_type))) < 0 ||
                    json_object_set_new(
                                    o, "source_type",
                                    json_string(vss_source_type_to_string(w->source_type))) < 0 ||
                    json_object_set_new(
                                    o, "application_level",
                                    json_string(vss_application_level_to_string(w->level))) < 0 ||
                    json_object_set_new(
                                    o, "freeze_timeout_ms", json_integer(w->freeze_timeout_ms)) < 0)
                        goto fail;
                if (w->connection &&
                    (json_object_set_new(o, "pid", json_integer(w->connection->cred.pid)) < 0 ||
                     json_object_set_new(o, "uid", json_integer(w->connection->cred.uid)) < 0))
                        goto fail;
        }
        return o;

fail:
        json_decref(o);
        return NULL;
}
