/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The requester runtime (include/vss/vss-requester.h): the state machine that keeps the calls in
 * VSS's order, the connection to vssd and its session (docs/PROTOCOL.md §6), discovery, the
 * backup sequence and writer status. Restores are in requester-restore.c, the writers' parts of
 * the document in requester-parts.c. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metadata-internal.h"
#include "requester-internal.h"

/* The margin added to vssd's deadlines, and vssd's default deadlines (docs/PROTOCOL.md §7). */
#define TIMEOUT_MARGIN_MS            30000
#define DEADLINE_IDENTIFY_MS         30000
#define DEADLINE_PREPARE_BACKUP_MS   120000
#define DEADLINE_PREPARE_SNAPSHOT_MS 120000
#define DEADLINE_THAW_MS             10000
#define DEADLINE_POST_SNAPSHOT_MS    120000
#define DEADLINE_ABORT_MS            10000
#define DEADLINE_BACKUP_COMPLETE_MS  120000
#define DEADLINE_SHUTDOWN_MS         10000
#define DEADLINE_PRE_RESTORE_MS      300000
#define DEADLINE_POST_RESTORE_MS     600000
#define FREEZE_LEVELS                4 /* freeze runs level by level (§6.2) */

/* ---- The state machine ---------------------------------------------------------------------- */

static const char *const state_table[REQUESTER_STATE_MAX] = {
                [REQUESTER_NEW] = "new",
                [REQUESTER_BACKUP_INITIALIZED] = "backup initialized",
                [REQUESTER_BACKUP_GATHERED] = "backup, metadata gathered",
                [REQUESTER_BACKUP_SET_STARTED] = "backup, snapshot set started",
                [REQUESTER_BACKUP_PREPARED] = "backup prepared",
                [REQUESTER_BACKUP_SNAPSHOT_DONE] = "backup, snapshot done",
                [REQUESTER_BACKUP_COMPLETED] = "backup completed",
                [REQUESTER_BACKUP_ABORTED] = "backup aborted",
                [REQUESTER_RESTORE_INITIALIZED] = "restore initialized",
                [REQUESTER_RESTORE_GATHERED] = "restore, metadata gathered",
                [REQUESTER_RESTORE_PRE_RESTORED] = "restore, pre-restore done",
                [REQUESTER_RESTORE_POST_RESTORED] = "restore, post-restore done",
                [REQUESTER_BROKEN] = "connection lost",
};

const char *requester_state_to_string(RequesterState s) {
        return s >= 0 && s < REQUESTER_STATE_MAX ? state_table[s] : NULL;
}

/* What each call follows, for the refusal's message. */
static const char *const call_rule_table[REQUESTER_CALL_MAX] = {
                [CALL_INITIALIZE_FOR_BACKUP] = "comes first, once",
                [CALL_INITIALIZE_FOR_RESTORE] = "comes first, once",
                [CALL_ADD_SAVED_METADATA] = "comes in a restore, after initialize_for_restore and "
                                            "before pre_restore",
                [CALL_SET_CONTEXT] = "comes in a backup, after initialize_for_backup and before "
                                     "gather_writer_metadata",
                [CALL_SET_BACKUP_STATE] = "comes in a backup, before prepare_for_backup",
                [CALL_SET_RESTORE_STATE] = "comes in a restore, before pre_restore",
                [CALL_GATHER_METADATA] = "comes once, after initialize_for_backup or "
                                         "initialize_for_restore",
                [CALL_SELECT] = "comes in a backup with writers, after gather_writer_metadata and "
                                "before prepare_for_backup",
                [CALL_START_SNAPSHOT_SET] = "comes once in a backup, after gather_writer_metadata",
                [CALL_ADD_TO_SNAPSHOT_SET] = "comes after start_snapshot_set and before "
                                             "do_snapshot_set",
                [CALL_PREPARE_FOR_BACKUP] = "comes once, after start_snapshot_set, in a context "
                                            "with writers",
                [CALL_DO_SNAPSHOT_SET] = "comes once, after prepare_for_backup (without writers: "
                                         "after start_snapshot_set)",
                [CALL_SNAPSHOT_FAILED] = "follows prepare_for_backup",
                [CALL_SNAPSHOT_PROPERTIES] = "comes after a successful do_snapshot_set",
                [CALL_SET_BACKUP_SUCCEEDED] = "comes after a successful do_snapshot_set and before "
                                              "backup_complete",
                [CALL_BACKUP_COMPLETE] = "comes once, after a successful do_snapshot_set, in a "
                                         "context with writers",
                [CALL_ABORT_BACKUP] = "comes after prepare_for_backup and before backup_complete",
                [CALL_SAVE] = "comes after do_snapshot_set in a backup, or in a restore",
                [CALL_GATHER_STATUS] = "comes while a session runs, from gather_writer_metadata on",
                [CALL_RESTORE_SELECT] = "comes in a restore, after gather_writer_metadata and "
                                        "before pre_restore",
                [CALL_PRE_RESTORE] = "comes once in a restore, after gather_writer_metadata",
                [CALL_RESTORE_FILES] = "comes in a restore, after pre_restore and before "
                                       "post_restore",
                [CALL_POST_RESTORE] = "comes once, after pre_restore",
                [CALL_CONNECTION_LOST] = "can always happen",
};

static bool has_writers(const vss_requester *r) {
        return !r->bcd || !(vss_bcd_get_snapshot_context(r->bcd) & VSS_VOLSNAP_ATTR_NO_WRITERS);
}

/* The state after 'call' succeeds in the current state, or REQUESTER_STATE_INVALID if the call
 * may not come now. This is the whole of VSS's call order. */
static RequesterState next_state(const vss_requester *r, RequesterCall call) {
        RequesterState s = r->state;
        bool writers = has_writers(r);

        if (s == REQUESTER_BROKEN)
                return REQUESTER_STATE_INVALID;

        switch (call) {
        case CALL_INITIALIZE_FOR_BACKUP:
                return s == REQUESTER_NEW ? REQUESTER_BACKUP_INITIALIZED : REQUESTER_STATE_INVALID;
        case CALL_INITIALIZE_FOR_RESTORE:
                return s == REQUESTER_NEW ? REQUESTER_RESTORE_INITIALIZED : REQUESTER_STATE_INVALID;
        case CALL_ADD_SAVED_METADATA:
        case CALL_SET_RESTORE_STATE:
                return s == REQUESTER_RESTORE_INITIALIZED || s == REQUESTER_RESTORE_GATHERED
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_SET_CONTEXT:
                return s == REQUESTER_BACKUP_INITIALIZED && !r->session_begun
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_SET_BACKUP_STATE:
                return s == REQUESTER_BACKUP_INITIALIZED || s == REQUESTER_BACKUP_GATHERED ||
                                                       s == REQUESTER_BACKUP_SET_STARTED
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_GATHER_METADATA:
                if (s == REQUESTER_BACKUP_INITIALIZED)
                        return REQUESTER_BACKUP_GATHERED;
                if (s == REQUESTER_RESTORE_INITIALIZED)
                        return REQUESTER_RESTORE_GATHERED;
                return REQUESTER_STATE_INVALID;
        case CALL_SELECT:
                return writers && (s == REQUESTER_BACKUP_GATHERED ||
                                   s == REQUESTER_BACKUP_SET_STARTED)
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_START_SNAPSHOT_SET:
                return s == REQUESTER_BACKUP_GATHERED || (!writers &&
                                                          s == REQUESTER_BACKUP_INITIALIZED)
                                       ? REQUESTER_BACKUP_SET_STARTED
                                       : REQUESTER_STATE_INVALID;
        case CALL_ADD_TO_SNAPSHOT_SET:
                return s == REQUESTER_BACKUP_SET_STARTED || s == REQUESTER_BACKUP_PREPARED
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_PREPARE_FOR_BACKUP:
                return writers && s == REQUESTER_BACKUP_SET_STARTED ? REQUESTER_BACKUP_PREPARED
                                                                    : REQUESTER_STATE_INVALID;
        case CALL_DO_SNAPSHOT_SET:
        case CALL_SNAPSHOT_FAILED:
                if (writers ? s != REQUESTER_BACKUP_PREPARED : s != REQUESTER_BACKUP_SET_STARTED)
                        return REQUESTER_STATE_INVALID;
                return call == CALL_DO_SNAPSHOT_SET ? REQUESTER_BACKUP_SNAPSHOT_DONE
                                                    : REQUESTER_BACKUP_ABORTED;
        case CALL_SNAPSHOT_PROPERTIES:
                return s == REQUESTER_BACKUP_SNAPSHOT_DONE || s == REQUESTER_BACKUP_COMPLETED
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_SET_BACKUP_SUCCEEDED:
                return writers && s == REQUESTER_BACKUP_SNAPSHOT_DONE ? s : REQUESTER_STATE_INVALID;
        case CALL_BACKUP_COMPLETE:
                return writers && s == REQUESTER_BACKUP_SNAPSHOT_DONE ? REQUESTER_BACKUP_COMPLETED
                                                                      : REQUESTER_STATE_INVALID;
        case CALL_ABORT_BACKUP:
                return s == REQUESTER_BACKUP_PREPARED || s == REQUESTER_BACKUP_SNAPSHOT_DONE ||
                                                       s == REQUESTER_BACKUP_ABORTED
                                       ? REQUESTER_BACKUP_ABORTED
                                       : REQUESTER_STATE_INVALID;
        case CALL_SAVE:
                return s == REQUESTER_BACKUP_SNAPSHOT_DONE || s == REQUESTER_BACKUP_COMPLETED ||
                                                       s == REQUESTER_RESTORE_INITIALIZED ||
                                                       s == REQUESTER_RESTORE_GATHERED ||
                                                       s == REQUESTER_RESTORE_PRE_RESTORED ||
                                                       s == REQUESTER_RESTORE_POST_RESTORED
                                       ? s
                                       : REQUESTER_STATE_INVALID;
        case CALL_GATHER_STATUS:
                return r->session_begun ? s : REQUESTER_STATE_INVALID;
        case CALL_RESTORE_SELECT:
                return s == REQUESTER_RESTORE_GATHERED ? s : REQUESTER_STATE_INVALID;
        case CALL_PRE_RESTORE:
                return s == REQUESTER_RESTORE_GATHERED ? REQUESTER_RESTORE_PRE_RESTORED
                                                       : REQUESTER_STATE_INVALID;
        case CALL_RESTORE_FILES:
                return s == REQUESTER_RESTORE_PRE_RESTORED ? s : REQUESTER_STATE_INVALID;
        case CALL_POST_RESTORE:
                return s == REQUESTER_RESTORE_PRE_RESTORED ? REQUESTER_RESTORE_POST_RESTORED
                                                           : REQUESTER_STATE_INVALID;
        case CALL_CONNECTION_LOST:
                return REQUESTER_BROKEN;
        case REQUESTER_CALL_MAX:
        case REQUESTER_CALL_INVALID:
        default:
                break;
        }
        return REQUESTER_STATE_INVALID;
}

int requester_check(vss_requester *r, RequesterCall call, const char *function) {
        if (next_state(r, call) >= 0)
                return 0;
        if (r->state == REQUESTER_BROKEN)
                return requester_fail(
                                r, -ECONNRESET,
                                "%s: the session is over: the connection to vssd was lost earlier",
                                function);
        if (call == CALL_SELECT && !has_writers(r))
                return requester_fail(
                                r, -VSS_E_BAD_STATE,
                                "%s: the snapshot context involves no writers, so there are no "
                                "components to select",
                                function);
        return requester_fail(
                        r, -VSS_E_BAD_STATE, "%s: not allowed now (state: %s): it %s", function,
                        requester_state_to_string(r->state), call_rule_table[call]);
}

void requester_transition(vss_requester *r, RequesterCall call) {
        RequesterState next = next_state(r, call);

        assert(next >= 0);
        if (next != r->state)
                log_debug("Requester: %s -> %s.", requester_state_to_string(r->state),
                          requester_state_to_string(next));
        r->state = next;
}

/* ---- Errors --------------------------------------------------------------------------------- */

static void clear_error(vss_requester *r) {
        r->error = mfree(r->error);
}

void requester_set_error(vss_requester *r, const char *format, ...) {
        va_list ap;
        char *s = NULL;

        va_start(ap, format);
        int k = vasprintf(&s, format, ap);
        va_end(ap);
        free(r->error);
        r->error = k >= 0 ? s : NULL;
        log_debug("Requester: %s", r->error ? r->error : "out of memory for a message");
}

static void writer_error_free(RequesterWriterError *e) {
        if (!e)
                return;
        free(e->writer_name);
        free(e->message);
        free(e);
}

static void writer_error_free_void(void *p) {
        writer_error_free(p);
}

void requester_writer_error(
                vss_requester *r,
                const vss_guid *instance_id,
                const char *writer_name,
                int code,
                const char *format,
                ...) {
        char g[VSS_GUID_STRING_MAX];
        va_list ap;
        char *message = NULL;

        va_start(ap, format);
        int k = vasprintf(&message, format, ap);
        va_end(ap);
        if (k < 0)
                message = NULL;
        log_debug("Writer '%s' (%s): %s", writer_name ? writer_name : "?",
                  vss_guid_to_string(instance_id, g), message ? message : "(out of memory)");

        RequesterWriterError *e = calloc(1, sizeof *e);
        if (!e || !message || (writer_name && !(e->writer_name = strdup(writer_name)))) {
                writer_error_free(e);
                free(message);
                return;
        }
        e->instance_id = *instance_id;
        e->code = code;
        e->message = message;
        if (ptr_array_push(&r->writer_errors, e, SIZE_MAX) < 0)
                writer_error_free(e);
}

/* ---- Object -----------------------------------------------------------------------------------
 */

static void writer_free(RequesterWriter *w) {
        if (!w)
                return;
        free(w->writer_name);
        free(w->instance_name);
        vss_wmd_free(w->wmd);
        free(w);
}

static void writer_free_void(void *p) {
        writer_free(p);
}

static void status_free_void(void *p) {
        RequesterStatus *s = p;
        if (!s)
                return;
        free(s->writer_name);
        free(s->message);
        free(s);
}

static void wmd_free_void(void *p) {
        vss_wmd_free(p);
}

VSS_PUBLIC int vss_requester_new(const char *socket_path, vss_requester **ret) {
        vss_assert_return(ret, -EINVAL);

        vss_requester *r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        r->fd = -EBADF;
        r->state = REQUESTER_NEW;
        if (socket_path && !(r->socket_path = strdup(socket_path))) {
                free(r);
                return -ENOMEM;
        }
        *ret = r;
        return 0;
}

static void end_session(vss_requester *r) {
        if (r->fd < 0 || r->state == REQUESTER_BROKEN || !r->session_begun)
                return;
        /* A backup that sent PrepareForBackup and neither completed nor aborted: Abort first
         * (VSS-REFERENCE §2.1); then BackupShutdown comes with the session's end. */
        if (r->state == REQUESTER_BACKUP_PREPARED || r->state == REQUESTER_BACKUP_SNAPSHOT_DONE)
                (void) requester_call(
                                r, PROTO_ABORT_BACKUP, NULL,
                                requester_timeout(r, PROTO_ABORT_BACKUP), "abort-backup", NULL);
        if (r->fd >= 0)
                (void) requester_call(
                                r, PROTO_SESSION_END, NULL, requester_timeout(r, PROTO_SESSION_END),
                                "session-end", NULL);
}

VSS_PUBLIC vss_requester *vss_requester_free(vss_requester *r) {
        if (!r)
                return NULL;

        end_session(r);
        r->fd = safe_close(r->fd);
        vss_bcd_free(r->bcd);
        ptr_array_done(&r->writers, writer_free_void);
        ptr_array_done(&r->saved_wmds, wmd_free_void);
        ptr_array_done(&r->routes, restore_route_free_void);
        ptr_array_done(&r->status, status_free_void);
        ptr_array_done(&r->writer_errors, writer_error_free_void);
        free(r->snapshot_volume);
        free(r->snapshot_path);
        free(r->snapshot_provider);
        free(r->socket_path);
        free(r->error);
        free(r);
        return NULL;
}

VSS_PUBLIC int vss_requester_set_timeout(vss_requester *r, uint32_t timeout_ms) {
        vss_assert_return(r, -EINVAL);
        vss_assert_return(timeout_ms <= INT32_MAX, -EINVAL);

        clear_error(r);
        r->timeout_ms = timeout_ms;
        return 0;
}

VSS_PUBLIC const char *vss_requester_get_error(const vss_requester *r) {
        return r ? r->error : NULL;
}

RequesterWriter *requester_find_writer(const vss_requester *r, const vss_guid *instance_id) {
        for (size_t i = 0; i < r->writers.n; i++) {
                RequesterWriter *w = r->writers.items[i];
                if (vss_guid_equal(&w->instance_id, instance_id))
                        return w;
        }
        return NULL;
}

/* ---- The connection ------------------------------------------------------------------------- */

int requester_timeout(const vss_requester *r, ProtoMessageType type) {
        if (r->timeout_ms > 0)
                return (int) r->timeout_ms;

        switch (type) {
        case PROTO_GATHER_METADATA:
                return DEADLINE_IDENTIFY_MS + TIMEOUT_MARGIN_MS;
        case PROTO_PREPARE_FOR_BACKUP:
                return DEADLINE_PREPARE_BACKUP_MS + TIMEOUT_MARGIN_MS;
        case PROTO_DO_SNAPSHOT_SET: {
                uint32_t freeze = VSS_FREEZE_TIMEOUT_DEFAULT;
                for (size_t i = 0; i < r->writers.n; i++) {
                        const RequesterWriter *w = r->writers.items[i];
                        freeze = MAX(freeze, vss_wmd_get_freeze_timeout(w->wmd));
                }
                freeze = MIN(freeze, 3600000U); /* vssd's bound of a freeze window */
                return DEADLINE_PREPARE_SNAPSHOT_MS + FREEZE_LEVELS * (int) freeze +
                       FREEZE_LEVELS * DEADLINE_THAW_MS + DEADLINE_POST_SNAPSHOT_MS +
                       DEADLINE_ABORT_MS + TIMEOUT_MARGIN_MS;
        }
        case PROTO_BACKUP_COMPLETE:
                return DEADLINE_BACKUP_COMPLETE_MS + TIMEOUT_MARGIN_MS;
        case PROTO_ABORT_BACKUP:
                return DEADLINE_ABORT_MS + TIMEOUT_MARGIN_MS;
        case PROTO_PRE_RESTORE:
                return DEADLINE_PRE_RESTORE_MS + TIMEOUT_MARGIN_MS;
        case PROTO_POST_RESTORE:
                return DEADLINE_POST_RESTORE_MS + TIMEOUT_MARGIN_MS;
        case PROTO_SESSION_END:
                return DEADLINE_ABORT_MS + DEADLINE_SHUTDOWN_MS + TIMEOUT_MARGIN_MS;
        default:
                return TIMEOUT_MARGIN_MS;
        }
}

static void connection_lost(vss_requester *r) {
        r->fd = safe_close(r->fd);
        requester_transition(r, CALL_CONNECTION_LOST);
}

int requester_call(
                vss_requester *r,
                ProtoMessageType type,
                json_t *body,
                int timeout_ms,
                const char *what,
                ProtoMessage **ret) {
        VSS_CLEANUP(json_decrefp) json_t *b = body;
        VSS_CLEANUP(proto_message_freep) ProtoMessage *request = NULL;
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        vss_autofree char *err = NULL;
        const char *error = NULL;

        assert(r->fd >= 0);

        if (++r->next_id < 2)
                r->next_id = 2; /* 1 is the hello's */
        request = proto_message_new(type, r->next_id);
        if (!request || (b && json_object_update(request->root, b) < 0)) {
                (void) requester_fail(r, -ENOMEM, "%s: out of memory", what);
                return -ENOMEM;
        }

        int k = proto_client_call(r->fd, request, timeout_ms, &reply, &err);
        if (k >= 0 && !reply)
                k = -EBADMSG; /* cannot happen: a successful call returns the reply */
        if (k < 0) {
                if (k == -EPIPE)
                        k = -ECONNRESET;
                connection_lost(r);
                (void) requester_fail(
                                r, k, "%s: %s; the session is over", what,
                                err ? err : vss_strerror(k));
                return k;
        }

        int result = proto_reply_result(reply, &error);
        if (result == -ESHUTDOWN) {
                /* vssd is stopping and has ended the session. */
                connection_lost(r);
                (void) requester_fail(
                                r, -ECONNRESET, "%s: %s; the session is over", what,
                                error ? error : "vssd is stopping");
                return -ECONNRESET;
        }
        if (result < 0)
                (void) requester_fail(
                                r, result, "%s: %s", what, error ? error : vss_strerror(result));
        if (ret)
                *ret = TAKE_PTR(reply);
        return result;
}

int requester_ensure_session(vss_requester *r) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        vss_autofree char *err = NULL;

        if (r->session_begun)
                return 0;

        if (r->fd < 0) {
                int fd = -EBADF;
                int k = proto_client_connect(
                                r->socket_path, PROTO_ROLE_REQUESTER, "libvss requester",
                                requester_timeout(r, PROTO_HELLO), &fd, &err);
                if (k < 0)
                        return requester_fail(r, k, "%s", err ? err : vss_strerror(k));
                r->fd = fd;
                r->next_id = 1;
        }

        bool restore = r->state >= REQUESTER_RESTORE_INITIALIZED;
        json_t *body =
                        json_pack("{s:s, s:I}", "kind", restore ? "restore" : "backup", "context",
                                  (json_int_t) vss_bcd_get_snapshot_context(r->bcd));
        if (!body)
                return requester_fail(r, -ENOMEM, "session-begin: out of memory");
        int k = requester_call(
                        r, PROTO_SESSION_BEGIN, body, requester_timeout(r, PROTO_SESSION_BEGIN),
                        "session-begin", &reply);
        if (k < 0)
                return k;
        (void) vss_guid_from_string(
                        json_string_value(json_object_get(reply->root, "session_id")),
                        &r->session_id);
        r->session_begun = true;
        return 0;
}

VSS_PUBLIC int vss_requester_get_session_id(const vss_requester *r, vss_guid *ret) {
        vss_assert_return(r, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if (!r->session_begun)
                return -VSS_E_BAD_STATE;
        *ret = r->session_id;
        return 0;
}

/* ---- Initialization ------------------------------------------------------------------------- */

/* Parses a saved document into *ret; failures recorded with their message. */
static int load_bcd(vss_requester *r, const char *json, const char *function, vss_bcd **ret) {
        vss_autofree char *err = NULL;

        int k = vss_bcd_from_json(json, strlen(json), ret, &err);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: the backup components document is not valid: %s",
                                function, err ? err : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_initialize_for_backup(vss_requester *r, const char *bcd_json) {
        VSS_CLEANUP(vss_bcd_freep) vss_bcd *bcd = NULL;
        int k;

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        k = requester_check(r, CALL_INITIALIZE_FOR_BACKUP, __func__);
        if (k < 0)
                return k;

        k = vss_bcd_new(&bcd);
        if (k < 0)
                return requester_fail(r, k, "%s: out of memory", __func__);
        if (bcd_json) {
                VSS_CLEANUP(vss_bcd_freep) vss_bcd *saved = NULL;
                k = load_bcd(r, bcd_json, __func__, &saved);
                if (k < 0)
                        return k;
                /* Only the global state: the writers' parts belong to the writers of then. */
                k = vss_bcd_set_backup_state(
                                bcd, vss_bcd_get_select_components(saved),
                                vss_bcd_get_bootable_system_state(saved),
                                vss_bcd_get_backup_type(saved),
                                vss_bcd_get_partial_file_support(saved));
                if (k >= 0)
                        k = vss_bcd_set_snapshot_context(bcd, vss_bcd_get_snapshot_context(saved));
                if (k < 0)
                        return requester_fail(
                                        r, k, "%s: the saved backup state cannot be taken over",
                                        __func__);
        }
        r->bcd = TAKE_PTR(bcd);
        requester_transition(r, CALL_INITIALIZE_FOR_BACKUP);
        return 0;
}

VSS_PUBLIC int vss_requester_initialize_for_restore(vss_requester *r, const char *bcd_json) {
        vss_bcd *bcd = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(bcd_json, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_INITIALIZE_FOR_RESTORE, __func__);
        if (k < 0)
                return k;
        k = load_bcd(r, bcd_json, __func__, &bcd);
        if (k < 0)
                return k;
        r->bcd = bcd;
        requester_transition(r, CALL_INITIALIZE_FOR_RESTORE);
        return 0;
}

VSS_PUBLIC int vss_requester_set_context(vss_requester *r, int32_t context) {
        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SET_CONTEXT, __func__);
        if (k < 0)
                return k;
        if (metadata_check_snapshot_context((uint32_t) context))
                return requester_fail(
                                r, -VSS_E_UNSUPPORTED_CONTEXT,
                                "%s: 0x%08X is not a snapshot context that can create snapshots",
                                __func__, (unsigned) context);
        k = vss_bcd_set_snapshot_context(r->bcd, (uint32_t) context);
        if (k < 0)
                return requester_fail(r, -VSS_E_UNSUPPORTED_CONTEXT, "%s: bad context", __func__);
        return 0;
}

static bool bcd_has_components(const vss_bcd *bcd) {
        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++)
                if (vss_bcd_writer_get_component_count(vss_bcd_get_writer(bcd, i)) > 0)
                        return true;
        return false;
}

VSS_PUBLIC int vss_requester_set_backup_state(
                vss_requester *r,
                bool select_components,
                bool backup_bootable_system_state,
                VSS_BACKUP_TYPE backup_type,
                bool partial_file_support) {
        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SET_BACKUP_STATE, __func__);
        if (k < 0)
                return k;
        if (backup_type == VSS_BT_UNDEFINED || !vss_backup_type_to_string(backup_type))
                return requester_fail(
                                r, -EINVAL, "%s: %d is not a backup type", __func__,
                                (int) backup_type);
        if (!select_components && bcd_has_components(r->bcd))
                return requester_fail(
                                r, -VSS_E_BAD_STATE,
                                "%s: components are already selected; component mode cannot be "
                                "turned off",
                                __func__);
        k = vss_bcd_set_backup_state(
                        r->bcd, select_components, backup_bootable_system_state, backup_type,
                        partial_file_support);
        if (k < 0)
                return requester_fail(r, k, "%s: %s", __func__, vss_strerror(k));
        return 0;
}

/* ---- Discovery ------------------------------------------------------------------------------ */

/* Takes one writer of a gather-metadata reply: its metadata must be valid and its own. */
static int take_writer(vss_requester *r, const json_t *e) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];
        vss_autofree char *text = NULL, *err = NULL;
        VSS_CLEANUP(vss_wmd_freep) vss_wmd *wmd = NULL;
        vss_guid instance, class;

        const char *name = json_string_value(json_object_get(e, "writer_name"));
        const char *instance_name = json_string_value(json_object_get(e, "instance_name"));
        (void) vss_guid_from_string(
                        json_string_value(json_object_get(e, "instance_id")), &instance);
        (void) vss_guid_from_string(json_string_value(json_object_get(e, "class_id")), &class);

        text = json_dumps(json_object_get(e, "wmd"), JSON_COMPACT);
        if (!text)
                return -ENOMEM;
        int k = vss_wmd_from_json(text, strlen(text), &wmd, &err);
        if (k == -ENOMEM)
                return k;
        if (k < 0) {
                requester_writer_error(
                                r, &instance, name, k,
                                "identify: the writer's metadata is not valid, so the writer is "
                                "left out: %s",
                                err ? err : vss_strerror(k));
                return 0;
        }
        if (!vss_guid_equal(vss_wmd_get_writer_instance_id(wmd), &instance) ||
            !vss_guid_equal(vss_wmd_get_writer_class_id(wmd), &class)) {
                requester_writer_error(
                                r, &instance, name, -VSS_E_INVALID_XML_DOCUMENT,
                                "identify: the writer's metadata describes writer %s of class %s, "
                                "not this one, so the writer is left out",
                                vss_guid_to_string(vss_wmd_get_writer_instance_id(wmd), g1),
                                vss_guid_to_string(vss_wmd_get_writer_class_id(wmd), g2));
                return 0;
        }

        RequesterWriter *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->instance_id = instance;
        w->class_id = class;
        w->writer_name = strdup(name);
        w->instance_name = instance_name ? strdup(instance_name) : NULL;
        w->wmd = TAKE_PTR(wmd);
        if (!w->writer_name || (instance_name && !w->instance_name) ||
            ptr_array_push(&r->writers, w, SIZE_MAX) < 0) {
                writer_free(w);
                return -ENOMEM;
        }
        return 0;
}

VSS_PUBLIC int vss_requester_gather_writer_metadata(vss_requester *r) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_GATHER_METADATA, __func__);
        if (k < 0)
                return k;
        k = requester_ensure_session(r);
        if (k < 0)
                return k;
        k = requester_call(
                        r, PROTO_GATHER_METADATA, NULL, requester_timeout(r, PROTO_GATHER_METADATA),
                        "gather-metadata", &reply);
        if (k < 0)
                return k;

        size_t i;
        const json_t *e;
        json_array_foreach(json_object_get(reply->root, "writers"), i, e) {
                k = take_writer(r, e);
                if (k < 0)
                        return requester_fail(r, k, "%s: out of memory", __func__);
        }
        log_debug("Gathered the metadata of %zu writer(s).", r->writers.n);
        requester_transition(r, CALL_GATHER_METADATA);
        return 0;
}

VSS_PUBLIC size_t vss_requester_get_writer_metadata_count(const vss_requester *r) {
        return r ? r->writers.n : 0;
}

VSS_PUBLIC const vss_wmd *
vss_requester_get_writer_metadata(const vss_requester *r, size_t index, vss_guid *ret_instance_id) {
        if (!r || index >= r->writers.n)
                return NULL;
        const RequesterWriter *w = r->writers.items[index];
        if (ret_instance_id)
                *ret_instance_id = w->instance_id;
        return w->wmd;
}

VSS_PUBLIC size_t vss_requester_get_writer_error_count(const vss_requester *r) {
        return r ? r->writer_errors.n : 0;
}

VSS_PUBLIC int vss_requester_get_writer_error(
                const vss_requester *r,
                size_t index,
                vss_guid *ret_instance_id,
                const char **ret_writer_name,
                int *ret_code,
                const char **ret_message) {
        vss_assert_return(r, -EINVAL);
        vss_assert_return(index < r->writer_errors.n, -EINVAL);

        const RequesterWriterError *e = r->writer_errors.items[index];
        if (ret_instance_id)
                *ret_instance_id = e->instance_id;
        if (ret_writer_name)
                *ret_writer_name = e->writer_name;
        if (ret_code)
                *ret_code = e->code;
        if (ret_message)
                *ret_message = e->message;
        return 0;
}

/* ---- Selection ---------------------------------------------------------------------------- */

VSS_PUBLIC int vss_requester_add_component(
                vss_requester *r,
                const vss_guid *instance_id,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];
        vss_autofree char *err = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(instance_id, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SELECT, __func__);
        if (k < 0)
                return k;
        if (!vss_bcd_get_select_components(r->bcd))
                return requester_fail(
                                r, -VSS_E_BAD_STATE,
                                "%s: not in component mode; call "
                                "vss_requester_set_backup_state() with select_components first",
                                __func__);

        const RequesterWriter *w = requester_find_writer(r, instance_id);
        if (!w)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: no writer with instance id %s answered Identify", __func__,
                                vss_guid_to_string(instance_id, g1));
        if (!vss_guid_equal(&w->class_id, writer_id))
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: writer '%s' (%s) is of class %s, not %s", __func__,
                                w->writer_name, vss_guid_to_string(instance_id, g1),
                                vss_guid_to_string(&w->class_id, g2),
                                vss_guid_to_string(writer_id, g1));
        const vss_wm_component *c = vss_wmd_find_component(w->wmd, logical_path, name);
        if (c && vss_wm_component_get_type(c) != type)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: writer '%s' has component '%s%s%s' as a %s, not a %s",
                                __func__, w->writer_name, logical_path ? logical_path : "",
                                logical_path && *logical_path ? "\\" : "", name,
                                vss_component_type_to_string(vss_wm_component_get_type(c)),
                                vss_component_type_to_string(type) ?: "component of no type");
        k = vss_bcd_add_component(r->bcd, w->wmd, logical_path, name, NULL, &err);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: writer '%s': %s", __func__, w->writer_name,
                                err ? err : vss_strerror(k));
        return 0;
}

static int add_required_components(vss_requester *r, const char *function) {
        int added = 0;

        for (size_t i = 0; i < r->writers.n; i++) {
                const RequesterWriter *w = r->writers.items[i];
                int k = vss_bcd_add_required_components(r->bcd, w->wmd);
                if (k < 0)
                        return requester_fail(
                                        r, k,
                                        "%s: failed to add the required components of '%s': "
                                        "%s",
                                        function, w->writer_name, vss_strerror(k));
                added += k;
        }
        return added;
}

VSS_PUBLIC int vss_requester_add_required_components(vss_requester *r) {
        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SELECT, __func__);
        if (k < 0)
                return k;
        return add_required_components(r, __func__);
}

int requester_find_component(
                vss_requester *r,
                const char *function,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                vss_bcd_writer **ret_entry,
                vss_bcd_component **ret) {
        char g[VSS_GUID_STRING_MAX];
        vss_bcd_writer *found_entry = NULL;
        vss_bcd_component *found = NULL;
        const char *lp = logical_path ? logical_path : "";

        for (size_t i = 0; i < vss_bcd_get_writer_count(r->bcd); i++) {
                vss_bcd_writer *w = vss_bcd_get_writer(r->bcd, i);
                if (!vss_guid_equal(vss_bcd_writer_get_class_id(w), writer_id))
                        continue;
                vss_bcd_component *c = vss_bcd_writer_find_component(w, lp, name);
                if (!c)
                        continue;
                if (found)
                        return requester_fail(
                                        r, -EINVAL,
                                        "%s: component '%s%s%s' of class %s is included by more "
                                        "than one writer instance",
                                        function, lp, *lp ? "\\" : "", name,
                                        vss_guid_to_string(writer_id, g));
                found = c;
                found_entry = w;
        }
        if (!found)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: no writer of class %s has component '%s%s%s' explicitly "
                                "included",
                                function, vss_guid_to_string(writer_id, g), lp, *lp ? "\\" : "",
                                name);
        if (vss_bcd_component_get_type(found) != type)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: component '%s%s%s' is a %s, not a %s", function, lp,
                                *lp ? "\\" : "", name,
                                vss_component_type_to_string(vss_bcd_component_get_type(found)),
                                vss_component_type_to_string(type) ?: "component of no type");
        if (ret_entry)
                *ret_entry = found_entry;
        *ret = found;
        return 0;
}

typedef enum TextField {
        TEXT_BACKUP_OPTIONS,
        TEXT_PREVIOUS_STAMP,
} TextField;

static int
set_text(vss_requester *r,
         const char *function,
         TextField field,
         const vss_guid *writer_id,
         VSS_COMPONENT_TYPE type,
         const char *logical_path,
         const char *name,
         const char *value) {
        vss_bcd_component *c = NULL;

        clear_error(r);
        bool restore = r->state >= REQUESTER_RESTORE_INITIALIZED && r->state < REQUESTER_BROKEN;
        int k = requester_check(
                        r,
                        field == TEXT_PREVIOUS_STAMP && restore ? CALL_RESTORE_SELECT : CALL_SELECT,
                        function);
        if (k < 0)
                return k;
        k = requester_find_component(r, function, writer_id, type, logical_path, name, NULL, &c);
        if (k < 0)
                return k;
        k = field == TEXT_BACKUP_OPTIONS ? vss_bcd_component_set_backup_options(c, value)
                                         : vss_bcd_component_set_previous_backup_stamp(c, value);
        if (k < 0)
                return requester_fail(
                                r, k, "%s: %s", function,
                                k == -EINVAL ? "not valid UTF-8, or longer than 65536 bytes"
                                             : vss_strerror(k));
        return 0;
}

VSS_PUBLIC int vss_requester_set_backup_options(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *options) {
        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        return set_text(r, __func__, TEXT_BACKUP_OPTIONS, writer_id, type, logical_path, name,
                        options);
}

VSS_PUBLIC int vss_requester_set_previous_backup_stamp(
                vss_requester *r,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                const char *stamp) {
        vss_assert_return(r, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        return set_text(r, __func__, TEXT_PREVIOUS_STAMP, writer_id, type, logical_path, name,
                        stamp);
}

/* ---- The snapshot --------------------------------------------------------------------------- */

VSS_PUBLIC int vss_requester_start_snapshot_set(vss_requester *r, vss_guid *ret_snapshot_set_id) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_START_SNAPSHOT_SET, __func__);
        if (k < 0)
                return k;
        k = requester_ensure_session(r);
        if (k < 0)
                return k;
        k =
                        requester_call(r, PROTO_START_SNAPSHOT_SET, NULL,
                                       requester_timeout(r, PROTO_START_SNAPSHOT_SET),
                                       "start-snapshot-set", &reply);
        if (k < 0)
                return k;
        (void) vss_guid_from_string(
                        json_string_value(json_object_get(reply->root, "snapshot_set_id")),
                        &r->snapshot_set_id);
        if (ret_snapshot_set_id)
                *ret_snapshot_set_id = r->snapshot_set_id;
        requester_transition(r, CALL_START_SNAPSHOT_SET);
        return 0;
}

VSS_PUBLIC int vss_requester_add_to_snapshot_set(
                vss_requester *r,
                const char *volume,
                const char *provider,
                vss_guid *ret_snapshot_id) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(volume, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_ADD_TO_SNAPSHOT_SET, __func__);
        if (k < 0)
                return k;
        if (volume[0] != '/' || strlen(volume) > PROTO_STRING_MAX ||
            (provider && (!*provider || strlen(provider) > 256)))
                return requester_fail(
                                r, -EINVAL,
                                "%s: the volume must be an absolute path of at most 4096 bytes, "
                                "the provider a name of 1 to 256 bytes",
                                __func__);
        json_t *body = json_pack("{s:s}", "volume", volume);
        if (!body ||
            (provider && json_object_set_new(body, "provider", json_string(provider)) < 0)) {
                json_decref(body);
                return requester_fail(r, -ENOMEM, "%s: out of memory", __func__);
        }
        k =
                        requester_call(r, PROTO_ADD_TO_SNAPSHOT_SET, body,
                                       requester_timeout(r, PROTO_ADD_TO_SNAPSHOT_SET),
                                       "add-to-snapshot-set", &reply);
        if (k < 0)
                return k;
        if (ret_snapshot_id)
                (void) vss_guid_from_string(
                                json_string_value(json_object_get(reply->root, "snapshot_id")),
                                ret_snapshot_id);
        return 0;
}

/* The participants' targets and document entries, for requester_build_parts(). */
typedef struct PartList {
        const vss_guid **targets;
        vss_bcd_writer **entries;
        size_t n;
} PartList;

static void part_list_done(PartList *l) {
        free(l->targets);
        free(l->entries);
        *l = (PartList){};
}

static int part_list_add(PartList *l, const vss_guid *target, vss_bcd_writer *entry) {
        const vss_guid **t = reallocarray(l->targets, l->n + 1, sizeof(const vss_guid *));
        if (!t)
                return -ENOMEM;
        l->targets = t;
        vss_bcd_writer **e = reallocarray(l->entries, l->n + 1, sizeof(vss_bcd_writer *));
        if (!e)
                return -ENOMEM;
        l->entries = e;
        l->targets[l->n] = target;
        l->entries[l->n] = entry;
        l->n++;
        return 0;
}

/* The writers of the backup: the participants, or with 'prepare' those that are to become
 * participants. */
static int backup_parts(vss_requester *r, bool prepare, PartList *ret) {
        PartList l = {};

        for (size_t i = 0; i < r->writers.n; i++) {
                RequesterWriter *w = r->writers.items[i];
                vss_bcd_writer *entry = vss_bcd_find_writer(r->bcd, &w->instance_id, &w->class_id);
                if (!entry ||
                    (prepare ? vss_bcd_get_select_components(r->bcd) &&
                                                     vss_bcd_writer_get_component_count(entry) == 0
                             : !w->participant))
                        continue;
                if (part_list_add(&l, &w->instance_id, entry) < 0) {
                        part_list_done(&l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

/* Sends a request that names writers with their parts, then merges the answers of 'event'.
 * *ret (optional) gets vssd's reply whenever one came, also when it is a failure. */
static int
call_with_parts(vss_requester *r,
                ProtoMessageType type,
                ProtoEvent event,
                const PartList *l,
                const char *what,
                ProtoMessage **ret) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        json_t *list = NULL;

        int k = requester_build_parts(r, l->targets, l->entries, l->n, &list);
        if (k < 0)
                return k;
        json_t *body = json_pack("{s:o}", "writers", list);
        if (!body)
                return requester_fail(r, -ENOMEM, "%s: out of memory", what);
        k = requester_call(r, type, body, requester_timeout(r, type), what, &reply);
        if (k < 0) {
                if (ret)
                        *ret = TAKE_PTR(reply);
                return k;
        }
        requester_merge_parts(
                        r, event, json_object_get(reply->root, "writers"), l->targets, l->entries,
                        l->n);
        if (ret)
                *ret = TAKE_PTR(reply);
        return 0;
}

VSS_PUBLIC int vss_requester_prepare_for_backup(vss_requester *r) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        PartList l = {};

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_PREPARE_FOR_BACKUP, __func__);
        if (k < 0)
                return k;
        k = add_required_components(r, __func__);
        if (k < 0)
                return k;
        if (!vss_bcd_get_select_components(r->bcd))
                /* Without component mode every writer takes part, with no components. */
                for (size_t i = 0; i < r->writers.n; i++) {
                        const RequesterWriter *w = r->writers.items[i];
                        if (vss_bcd_find_writer(r->bcd, &w->instance_id, &w->class_id))
                                continue;
                        k = vss_bcd_add_writer(
                                        r->bcd, &w->instance_id, &w->class_id, w->instance_name,
                                        NULL);
                        if (k < 0)
                                return requester_fail(
                                                r, k, "%s: failed to add writer '%s': %s", __func__,
                                                w->writer_name, vss_strerror(k));
                }

        k = backup_parts(r, true, &l);
        if (k < 0)
                return requester_fail(r, k, "%s: out of memory", __func__);
        k =
                        call_with_parts(r, PROTO_PREPARE_FOR_BACKUP, PROTO_EVENT_PREPARE_BACKUP, &l,
                                        "prepare-for-backup", &reply);
        if (k >= 0) {
                /* vssd answers the listed writers it could not ask (gone, or not subscribed to
                 * backup events) without making them participants. */
                size_t i;
                const json_t *e;
                json_array_foreach(json_object_get(reply->root, "writers"), i, e) {
                        vss_guid id;
                        int result = (int) json_integer_value(json_object_get(e, "result"));
                        if (result == -VSS_E_OBJECT_NOT_FOUND || result == -VSS_E_NOT_SUPPORTED ||
                            vss_guid_from_string(
                                            json_string_value(json_object_get(e, "instance_id")),
                                            &id) < 0)
                                continue;
                        RequesterWriter *w = requester_find_writer(r, &id);
                        if (w)
                                w->participant = true;
                }
                requester_transition(r, CALL_PREPARE_FOR_BACKUP);
        }
        part_list_done(&l);
        return k;
}

/* Whether vssd refused a request without acting on it (as opposed to an operation that
 * failed). */
static bool is_refusal(int code) {
        return code == -VSS_E_BAD_STATE || code == -EINVAL || code == -EBADMSG || code == -EPERM ||
               code == -EBUSY;
}

VSS_PUBLIC int vss_requester_do_snapshot_set(vss_requester *r) {
        PartList l = {};

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_DO_SNAPSHOT_SET, __func__);
        if (k < 0)
                return k;
        k = backup_parts(r, false, &l);
        if (k < 0)
                return requester_fail(r, k, "%s: out of memory", __func__);
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        k =
                        call_with_parts(r, PROTO_DO_SNAPSHOT_SET, PROTO_EVENT_POST_SNAPSHOT, &l,
                                        "do-snapshot-set", &reply);
        part_list_done(&l);
        if (k >= 0)
                requester_transition(r, CALL_DO_SNAPSHOT_SET);
        else if (reply && !is_refusal(k))
                /* vssd ran the sequence and it failed: it has sent Abort to the writers
                 * (docs/PROTOCOL.md §6.2). */
                requester_transition(r, CALL_SNAPSHOT_FAILED);
        return k;
}

static int replace_string(char **dst, const char *s) {
        char *copy = NULL;
        if (s && !(copy = strdup(s)))
                return -ENOMEM;
        free(*dst);
        *dst = copy;
        return 0;
}

VSS_PUBLIC int vss_requester_get_snapshot_properties(
                vss_requester *r,
                const vss_guid *snapshot_id,
                const char **ret_volume,
                const char **ret_snapshot_path,
                const char **ret_provider) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        char g[VSS_GUID_STRING_MAX];

        vss_assert_return(r, -EINVAL);
        vss_assert_return(snapshot_id, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SNAPSHOT_PROPERTIES, __func__);
        if (k < 0)
                return k;
        json_t *body = json_pack("{s:s}", "snapshot_id", vss_guid_to_string(snapshot_id, g));
        if (!body)
                return requester_fail(r, -ENOMEM, "%s: out of memory", __func__);
        k =
                        requester_call(r, PROTO_SNAPSHOT_PROPERTIES, body,
                                       requester_timeout(r, PROTO_SNAPSHOT_PROPERTIES),
                                       "snapshot-properties", &reply);
        if (k < 0)
                return k;
        const json_t *s = json_object_get(reply->root, "snapshot");
        if (replace_string(&r->snapshot_volume, json_string_value(json_object_get(s, "volume"))) <
                            0 ||
            replace_string(&r->snapshot_path,
                           json_string_value(json_object_get(s, "snapshot_path"))) < 0 ||
            replace_string(&r->snapshot_provider,
                           json_string_value(json_object_get(s, "provider"))) < 0)
                return requester_fail(r, -ENOMEM, "%s: out of memory", __func__);
        if (ret_volume)
                *ret_volume = r->snapshot_volume;
        if (ret_snapshot_path)
                *ret_snapshot_path = r->snapshot_path;
        if (ret_provider)
                *ret_provider = r->snapshot_provider;
        return 0;
}

/* ---- Writer status -------------------------------------------------------------------------- */

VSS_PUBLIC int vss_requester_gather_writer_status(vss_requester *r) {
        VSS_CLEANUP(proto_message_freep) ProtoMessage *reply = NULL;
        PtrArray list = {};

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_GATHER_STATUS, __func__);
        if (k < 0)
                return k;
        k = requester_call(
                        r, PROTO_GATHER_STATUS, NULL, requester_timeout(r, PROTO_GATHER_STATUS),
                        "gather-status", &reply);
        if (k < 0)
                return k;

        size_t i;
        const json_t *e;
        json_array_foreach(json_object_get(reply->root, "writers"), i, e) {
                const json_t *f = json_object_get(e, "failure");
                const char *message = json_string_value(json_object_get(f, "message"));
                RequesterStatus *s = calloc(1, sizeof *s);
                if (!s)
                        goto oom;
                (void) vss_guid_from_string(
                                json_string_value(json_object_get(e, "instance_id")),
                                &s->instance_id);
                (void) vss_guid_from_string(
                                json_string_value(json_object_get(e, "class_id")), &s->class_id);
                s->state = VSS_WS_UNKNOWN;
                (void) vss_writer_state_from_string(
                                json_string_value(json_object_get(e, "state")), &s->state);
                s->failure = (int) json_integer_value(json_object_get(f, "hr"));
                s->application_failure = (int32_t) (uint32_t) json_integer_value(
                                json_object_get(f, "application_hr"));
                s->writer_name = strdup(json_string_value(json_object_get(e, "writer_name")));
                s->message = message ? strdup(message) : NULL;
                if (!s->writer_name || (message && !s->message) ||
                    ptr_array_push(&list, s, SIZE_MAX) < 0) {
                        status_free_void(s);
                        goto oom;
                }
        }
        ptr_array_done(&r->status, status_free_void);
        r->status = list;
        return 0;

oom:
        ptr_array_done(&list, status_free_void);
        return requester_fail(r, -ENOMEM, "%s: out of memory", __func__);
}

VSS_PUBLIC size_t vss_requester_get_writer_status_count(const vss_requester *r) {
        return r ? r->status.n : 0;
}

VSS_PUBLIC int vss_requester_get_writer_status(
                const vss_requester *r,
                size_t index,
                vss_guid *ret_instance_id,
                vss_guid *ret_writer_id,
                const char **ret_writer_name,
                VSS_WRITER_STATE *ret_state,
                int *ret_failure,
                int32_t *ret_application_failure,
                const char **ret_application_message) {
        vss_assert_return(r, -EINVAL);
        vss_assert_return(index < r->status.n, -EINVAL);

        const RequesterStatus *s = r->status.items[index];
        if (ret_instance_id)
                *ret_instance_id = s->instance_id;
        if (ret_writer_id)
                *ret_writer_id = s->class_id;
        if (ret_writer_name)
                *ret_writer_name = s->writer_name;
        if (ret_state)
                *ret_state = s->state;
        if (ret_failure)
                *ret_failure = s->failure;
        if (ret_application_failure)
                *ret_application_failure = s->application_failure;
        if (ret_application_message)
                *ret_application_message = s->message;
        return 0;
}

/* ---- After the snapshot --------------------------------------------------------------------- */

VSS_PUBLIC int vss_requester_set_backup_succeeded(
                vss_requester *r,
                const vss_guid *instance_id,
                const vss_guid *writer_id,
                VSS_COMPONENT_TYPE type,
                const char *logical_path,
                const char *name,
                bool succeeded) {
        char g1[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];

        vss_assert_return(r, -EINVAL);
        vss_assert_return(instance_id, -EINVAL);
        vss_assert_return(writer_id, -EINVAL);
        vss_assert_return(name, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SET_BACKUP_SUCCEEDED, __func__);
        if (k < 0)
                return k;
        const char *lp = logical_path ? logical_path : "";
        vss_bcd_writer *w = vss_bcd_find_writer(r->bcd, instance_id, writer_id);
        vss_bcd_component *c = w ? vss_bcd_writer_find_component(w, lp, name) : NULL;
        if (!c || vss_bcd_component_get_type(c) != type)
                return requester_fail(
                                r, -VSS_E_OBJECT_NOT_FOUND,
                                "%s: writer %s of class %s has no %s '%s%s%s' explicitly included",
                                __func__, vss_guid_to_string(instance_id, g1),
                                vss_guid_to_string(writer_id, g2),
                                vss_component_type_to_string(type) ?: "component", lp,
                                *lp ? "\\" : "", name);
        return vss_bcd_component_set_backup_succeeded(c, succeeded);
}

VSS_PUBLIC int vss_requester_backup_complete(vss_requester *r) {
        PartList l = {};

        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_BACKUP_COMPLETE, __func__);
        if (k < 0)
                return k;
        k = backup_parts(r, false, &l);
        if (k < 0)
                return requester_fail(r, k, "%s: out of memory", __func__);
        k =
                        call_with_parts(r, PROTO_BACKUP_COMPLETE, PROTO_EVENT_BACKUP_COMPLETE, &l,
                                        "backup-complete", NULL);
        part_list_done(&l);
        if (k >= 0)
                requester_transition(r, CALL_BACKUP_COMPLETE);
        return k;
}

VSS_PUBLIC int vss_requester_abort_backup(vss_requester *r) {
        vss_assert_return(r, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_ABORT_BACKUP, __func__);
        if (k < 0)
                return k;
        k = requester_call(
                        r, PROTO_ABORT_BACKUP, NULL, requester_timeout(r, PROTO_ABORT_BACKUP),
                        "abort-backup", NULL);
        if (k < 0)
                return k;
        requester_transition(r, CALL_ABORT_BACKUP);
        return 0;
}

VSS_PUBLIC const vss_bcd *vss_requester_get_backup_components(const vss_requester *r) {
        return r ? r->bcd : NULL;
}

VSS_PUBLIC int vss_requester_save_as_json(vss_requester *r, char **ret_json) {
        vss_autofree char *err = NULL;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(ret_json, -EINVAL);

        clear_error(r);
        int k = requester_check(r, CALL_SAVE, __func__);
        if (k < 0)
                return k;
        k = vss_bcd_to_json(r->bcd, ret_json, NULL, &err);
        if (k < 0)
                return requester_fail(r, k, "%s: %s", __func__, err ? err : vss_strerror(k));
        clear_error(r);
        return 0;
}
