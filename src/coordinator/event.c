/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Events to writers and their replies, each with a deadline (docs/PROTOCOL.md §4.3, §7). */

#include <stdlib.h>
#include <string.h>

#include "coordinator-internal.h"
#include "log.h"

static void pending_free(PendingEvent *p) {
        Writer *w = p->writer;
        deadline_disarm(w->manager, &p->deadline);
        LIST_REMOVE(pending, w->pending, p);
        free(p);
}

/* Ends a pending event: updates the writer's state, then tells whoever waits. */
static void pending_finish(PendingEvent *p, const EventResult *res) {
        Writer *w = p->writer;
        EventDoneFunc done = p->done;
        void *userdata = p->userdata;
        ProtoEvent event = p->event;

        pending_free(p);
        writer_event_finished(w, event, res->result, res->has_failure ? &res->failure : NULL);
        if (done)
                done(w, event, res, userdata);
}

static void pending_timeout(Manager *m, void *userdata) {
        PendingEvent *p = userdata;
        Writer *w = p->writer;
        EventDoneFunc done = p->done;
        void *done_userdata = p->userdata;
        ProtoEvent event = p->event;
        EventResult res = {
                        .result = p->event == PROTO_EVENT_FREEZE ? -VSS_E_WRITERERROR_TIMEOUT
                                                                 : -VSS_E_WRITER_NOT_RESPONDING,
                        .timed_out = true,
        };
        char buf[128];

        (void) m;
        (void) snprintf(buf, sizeof buf, "no answer to %s in time",
                        proto_event_to_string(p->event));
        res.has_failure = true;
        res.failure.hr = res.result;
        res.failure.message = buf;
        log_warning("Writer '%s' (%s) did not answer %s in time.", w->writer_name,
                    w->connection ? w->connection->peer_description : "gone",
                    proto_event_to_string(event));

        /* The writer may still be busy with the event: it stays listed, late, until its reply
         * comes (and is dropped), so that event_writer_is_stuck() knows that everything sent
         * to the writer now waits behind it. */
        deadline_disarm(m, &p->deadline);
        p->late = true;
        p->done = NULL;
        writer_event_finished(w, event, res.result, &res.failure);
        if (done)
                done(w, event, &res, done_userdata);
}

/* Sends the event; with 'timeout' 0 it is late from the start: no deadline, nobody waits. */
static int
send_event(Writer *w,
           ProtoEvent event,
           json_t *body,
           usec_t timeout,
           EventDoneFunc done,
           void *userdata) {
        Manager *m = w->manager;
        int r;

        if (!w->connection) {
                json_decref(body);
                return -VSS_E_WRITER_NOT_RESPONDING;
        }

        PendingEvent *p = calloc(1, sizeof *p);
        if (!p) {
                json_decref(body);
                return -ENOMEM;
        }

        if (++m->next_event_id == 0)
                m->next_event_id = 1;
        p->id = m->next_event_id;
        p->event = event;
        p->writer = w;
        p->done = done;
        p->userdata = userdata;
        p->deadline = (Deadline) DEADLINE_INIT;

        ProtoMessage *msg = proto_message_new(PROTO_EVENT, p->id);
        if (!msg) {
                json_decref(body);
                free(p);
                return -ENOMEM;
        }
        usec_t ms = timeout / USEC_PER_MSEC;
        if (json_object_set_new(msg->root, "event", json_string(proto_event_to_string(event))) <
                            0 ||
            json_object_set_new(
                            msg->root, "deadline_ms",
                            json_integer((json_int_t) MIN(ms, (usec_t) INT32_MAX))) < 0 ||
            (body && json_object_update(msg->root, body) < 0)) {
                json_decref(body);
                proto_message_free(msg);
                free(p);
                return -ENOMEM;
        }
        json_decref(body);

        r = connection_send(w->connection, msg);
        proto_message_free(msg);
        if (r < 0) {
                free(p);
                return r;
        }

        LIST_APPEND(pending, w->pending, p);
        if (timeout == 0) {
                p->late = true;
                log_debug("Sent %s (id %u) to writer '%s', which is still busy with an event it "
                          "did not answer in time; not waiting for it.",
                          proto_event_to_string(event), p->id, w->writer_name);
                return 0;
        }
        r = deadline_arm(m, &p->deadline, now_usec(CLOCK_MONOTONIC) + timeout, pending_timeout, p);
        if (r < 0) {
                LIST_REMOVE(pending, w->pending, p);
                free(p);
                return r;
        }
        log_debug("Sent %s (id %u) to writer '%s'.", proto_event_to_string(event), p->id,
                  w->writer_name);
        return 0;
}

int event_send(Writer *w,
               ProtoEvent event,
               json_t *body,
               usec_t timeout,
               EventDoneFunc done,
               void *userdata) {
        return send_event(w, event, body, MAX(timeout, (usec_t) 1), done, userdata);
}

int event_post(Writer *w, ProtoEvent event, json_t *body) {
        return send_event(w, event, body, 0, NULL, NULL);
}

bool event_writer_is_stuck(const Writer *w) {
        const PendingEvent *p;
        LIST_FOREACH(pending, p, w->pending)
                if (p->late)
                        return true;
        return false;
}

void event_reply_received(Writer *w, const ProtoMessage *reply) {
        PendingEvent *p;
        vss_autofree char *err = NULL;

        LIST_FOREACH(pending, p, w->pending)
                if (p->id == reply->id)
                        break;
        if (!p || p->late) {
                /* The event timed out before, nobody waited for it, or the id is bogus. */
                log_debug("Ignoring a reply (id %u) of writer '%s' that nobody waits for.",
                          reply->id, w->writer_name);
                if (p)
                        pending_free(p);
                return;
        }

        EventResult res = {};
        int r = proto_message_validate(reply, PROTO_EVENT, p->event, &err);
        if (r < 0) {
                log_warning("Writer '%s' answered %s with an invalid reply: %s", w->writer_name,
                            proto_event_to_string(p->event), err);
                res.result = -VSS_E_WRITERERROR_NONRETRYABLE;
                res.has_failure = true;
                res.failure.hr = res.result;
                res.failure.message = err;
                pending_finish(p, &res);
                return;
        }

        res.result = proto_reply_result(reply, NULL);
        const json_t *f = json_object_get(reply->root, "failure");
        if (f) {
                const json_t *app = json_object_get(f, "application_hr");
                res.has_failure = true;
                res.failure.hr = (int) json_integer_value(json_object_get(f, "hr"));
                res.failure.has_application_hr = app != NULL;
                res.failure.application_hr = json_integer_value(app);
                res.failure.message = (char *) json_string_value(json_object_get(f, "message"));
        }
        if (res.result < 0 && !res.has_failure) {
                res.has_failure = true;
                res.failure.hr = res.result;
                res.failure.message =
                                (char *) json_string_value(json_object_get(reply->root, "error"));
        }
        res.wmd = json_object_get(reply->root, "wmd");
        res.bcd = json_object_get(reply->root, "bcd");
        pending_finish(p, &res);
}

void event_fail_all(Writer *w) {
        PendingEvent *p, *n;
        EventResult res = {
                        .result = -VSS_E_WRITER_NOT_RESPONDING,
                        .has_failure = true,
                        .failure = {.hr = -VSS_E_WRITER_NOT_RESPONDING,
                                    .message = (char *) "the writer disconnected"},
                        .disconnected = true,
        };

        LIST_FOREACH_SAFE(pending, p, n, w->pending)
                if (p->late)
                        pending_free(p); /* finished already, or nobody waits */
                else
                        pending_finish(p, &res);
}

void event_forget_userdata(Manager *m, void *userdata) {
        Writer *w;
        PendingEvent *p;

        LIST_FOREACH(writers, w, m->writers)
                LIST_FOREACH(pending, p, w->pending)
                        if (p->userdata == userdata)
                                p->done = NULL;
}
