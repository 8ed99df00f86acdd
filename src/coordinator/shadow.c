/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The shadow copies vssd made: their list, kept in <state dir>/shadows.json so that persistent
 * ones survive restarts and auto-release ones left by a crash are cleaned up at the next start,
 * and their removal through the providers, in jobs. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "coordinator-internal.h"
#include "fd-util.h"
#include "log.h"
#include "snapshot.h"

#define STORE_FORMAT  "linvss-shadows"
#define STORE_VERSION 1
#define STORE_MAX     ((size_t) 64 * 1024 * 1024)

bool shadow_is_persistent(const Shadow *s) {
        return s->context & (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE);
}

Shadow *shadow_forget(Manager *m, Shadow *s) {
        if (!s)
                return NULL;
        LIST_REMOVE(shadows, m->shadows, s);
        free(s->volume);
        free(s->provider);
        free(s->root);
        free(s->snapshot_path);
        free(s->exposed_path);
        free(s);
        return NULL;
}

Shadow *
shadow_new(Manager *m,
           const vss_guid *id,
           const vss_guid *set_id,
           const vss_guid *session_id,
           const char *volume,
           const char *provider,
           const char *root,
           uint32_t context) {
        Shadow *s = calloc(1, sizeof *s);
        if (!s)
                return NULL;
        s->id = *id;
        s->set_id = *set_id;
        s->session_id = *session_id;
        s->volume = strdup(volume);
        s->provider = strdup(provider);
        s->root = strdup(root);
        s->context = context;
        s->created_usec = now_usec(CLOCK_REALTIME);
        LIST_APPEND(shadows, m->shadows, s);
        if (!s->volume || !s->provider || !s->root)
                return shadow_forget(m, s);
        return s;
}

Shadow *shadow_find(Manager *m, const vss_guid *id) {
        Shadow *s;
        LIST_FOREACH(shadows, s, m->shadows)
                if (vss_guid_equal(&s->id, id))
                        return s;
        return NULL;
}

json_t *shadow_to_json(const Shadow *s) {
        char id[VSS_GUID_STRING_MAX], set[VSS_GUID_STRING_MAX], session[VSS_GUID_STRING_MAX];
        const SnapshotProvider *p = snapshot_provider_find(s->provider);

        json_t *o = json_pack(
                        "{s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:s, s:s}", "snapshot_id",
                        vss_guid_to_string(&s->id, id), "snapshot_set_id",
                        vss_guid_to_string(&s->set_id, set), "volume", s->volume, "provider",
                        s->provider, "context", (json_int_t) s->context, "created_usec",
                        (json_int_t) s->created_usec, "persistent", shadow_is_persistent(s),
                        "session_id", vss_guid_to_string(&s->session_id, session), "state",
                        vss_snapshot_state_to_string(
                                        s->creating ? VSS_SS_PROCESSING_COMMIT : VSS_SS_CREATED));
        if (!o)
                return NULL;
        if ((s->snapshot_path &&
             json_object_set_new(o, "snapshot_path", json_string(s->snapshot_path)) < 0) ||
            (s->exposed_path &&
             json_object_set_new(o, "exposed_path", json_string(s->exposed_path)) < 0) ||
            (p && json_object_set_new(
                                  o, "consistency",
                                  json_string(snapshot_consistency_to_string(p->consistency))) < 0))
                return json_decref_null(o);
        return o;
}

static char *store_path(Manager *m) {
        char *p = NULL;
        if (asprintf(&p, "%s/shadows.json", m->state_dir) < 0)
                return NULL;
        return p;
}

int shadow_store_save(Manager *m) {
        char id[VSS_GUID_STRING_MAX], set[VSS_GUID_STRING_MAX], session[VSS_GUID_STRING_MAX];
        vss_autofree char *path = store_path(m);
        Shadow *s;

        if (!path)
                return log_oom();

        json_t *a = json_array();
        LIST_FOREACH(shadows, s, m->shadows) {
                json_t *e = json_pack(
                                "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b}", "snapshot_id",
                                vss_guid_to_string(&s->id, id), "snapshot_set_id",
                                vss_guid_to_string(&s->set_id, set), "session_id",
                                vss_guid_to_string(&s->session_id, session), "volume", s->volume,
                                "provider", s->provider, "root", s->root, "context",
                                (json_int_t) s->context, "created_usec",
                                (json_int_t) s->created_usec, "creating", s->creating);
                if (e && s->snapshot_path &&
                    json_object_set_new(e, "snapshot_path", json_string(s->snapshot_path)) < 0)
                        e = json_decref_null(e);
                if (e && s->exposed_path &&
                    json_object_set_new(e, "exposed_path", json_string(s->exposed_path)) < 0)
                        e = json_decref_null(e);
                if (!a || !e || json_array_append_new(a, e) < 0) {
                        json_decref(a);
                        return log_oom();
                }
        }
        json_t *root =
                        json_pack("{s:s, s:i, s:o}", "format", STORE_FORMAT, "version",
                                  STORE_VERSION, "shadows", a);
        char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        json_decref(root);
        if (!text)
                return log_oom();

        if (mkdir(m->state_dir, 0755) < 0 && errno != EEXIST) {
                free(text);
                return log_error_errno(
                                errno, "Failed to create the state directory '%s': %m",
                                m->state_dir);
        }
        int r = write_file_atomic(path, text, strlen(text), 0644);
        free(text);
        if (r < 0)
                return log_error_errno(r, "Failed to save the shadow copy list to '%s': %m", path);
        return 0;
}

/* Whether 'path' is still a mount point (an exposure survives vssd restarts, not reboots). */
static bool is_mount_point(const char *path) {
        struct stat st, parent;
        vss_autofree char *up = NULL;

        if (asprintf(&up, "%s/..", path) < 0)
                return false;
        if (stat(path, &st) < 0 || stat(up, &parent) < 0)
                return false;
        return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

static int load_entry(Manager *m, const json_t *e) {
        vss_guid id, set, session;
        const char *volume = json_string_value(json_object_get(e, "volume"));
        const char *provider = json_string_value(json_object_get(e, "provider"));
        const char *root = json_string_value(json_object_get(e, "root"));
        const char *path = json_string_value(json_object_get(e, "snapshot_path"));
        const char *exposed = json_string_value(json_object_get(e, "exposed_path"));
        const json_t *context = json_object_get(e, "context");
        const json_t *created = json_object_get(e, "created_usec");

        if (vss_guid_from_string(json_string_value(json_object_get(e, "snapshot_id")), &id) < 0 ||
            vss_guid_from_string(json_string_value(json_object_get(e, "snapshot_set_id")), &set) <
                            0 ||
            vss_guid_from_string(json_string_value(json_object_get(e, "session_id")), &session) <
                            0 ||
            !volume || !provider || !root || !json_is_integer(context) || !json_is_integer(created))
                return -EBADMSG;
        if (!snapshot_provider_find(provider))
                return -EBADMSG;

        Shadow *s =
                        shadow_new(m, &id, &set, &session, volume, provider, root,
                                   (uint32_t) json_integer_value(context));
        if (!s)
                return -ENOMEM;
        s->created_usec = (usec_t) json_integer_value(created);
        s->creating = json_is_true(json_object_get(e, "creating")) || !path;
        if (path && !(s->snapshot_path = strdup(path)))
                return -ENOMEM;
        if (exposed && is_mount_point(exposed) && !(s->exposed_path = strdup(exposed)))
                return -ENOMEM;
        return 0;
}

int shadow_store_load(Manager *m) {
        vss_autofree char *path = store_path(m);
        json_error_t error;
        int r;

        if (!path)
                return log_oom();

        const char *why = NULL;
        json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
        if (!root) {
                if (access(path, F_OK) < 0 && errno == ENOENT)
                        return 0;
                why = error.text;
                goto corrupt;
        }
        const json_t *list = json_object_get(root, "shadows");
        if (!json_is_object(root) || !json_is_string(json_object_get(root, "format")) ||
            strcmp(json_string_value(json_object_get(root, "format")), STORE_FORMAT) != 0 ||
            json_integer_value(json_object_get(root, "version")) != STORE_VERSION ||
            !json_is_array(list)) {
                json_decref(root);
                why = "not a linvss shadow list of a version this vssd reads";
                goto corrupt;
        }
        size_t i;
        const json_t *e;
        json_array_foreach(list, i, e) {
                r = load_entry(m, e);
                if (r < 0) {
                        json_decref(root);
                        while (m->shadows)
                                shadow_forget(m, m->shadows);
                        if (r == -ENOMEM)
                                return log_oom();
                        why = "an entry is not a valid shadow copy";
                        goto corrupt;
                }
        }
        json_decref(root);

        /* What died with the previous vssd goes now. */
        Shadow *s, *to_remove[1024];
        size_t n = 0;
        LIST_FOREACH(shadows, s, m->shadows)
                if ((s->creating || !shadow_is_persistent(s)) && n < ELEMENTSOF(to_remove))
                        to_remove[n++] = s;
        if (n > 0) {
                log_info("Removing %zu shadow copies left by the previous run (auto-release or "
                         "half-made).",
                         n);
                r = shadow_remove(m, to_remove, n, NULL, NULL);
                if (r < 0)
                        log_warning_errno(r, "Failed to start removing them, ignoring: %m");
        }
        return 0;

corrupt : {
        /* Never lose the list: keep the bad file for people to look at. */
        vss_autofree char *aside = NULL;
        if (asprintf(&aside, "%s.corrupt-%llu", path,
                     (unsigned long long) now_usec(CLOCK_REALTIME)) >= 0 &&
            rename(path, aside) >= 0)
                log_error("The shadow copy list '%s' is corrupt (%s); it was moved to '%s' and "
                          "vssd starts "
                          "with an empty list. Shadow copies listed there are still on disk.",
                          path, why, aside);
        else
                log_error("The shadow copy list '%s' is corrupt and could not be moved aside: %m",
                          path);
        return 0;
}
}

/* ---- Removal ------------------------------------------------------------------------------ */

typedef struct RemoveJob {
        size_t n;
        vss_guid *ids;
        char **roots;
        const SnapshotProvider **providers;
        ShadowRemovedFunc done;
        void *userdata;
} RemoveJob;

static void remove_job_free(RemoveJob *rj) {
        if (!rj)
                return;
        for (size_t i = 0; i < rj->n; i++)
                free(rj->roots[i]);
        free(rj->roots);
        free(rj->ids);
        free(rj->providers);
        free(rj);
}

/* In the child: remove each root; print one line per failure. */
static int remove_child(int out_fd, void *userdata) {
        RemoveJob *rj = userdata;
        int status = 0;

        for (size_t i = 0; i < rj->n; i++) {
                char *err = NULL;
                int r = rj->providers[i]->remove(rj->roots[i], &err);
                if (r < 0) {
                        dprintf(out_fd, "%s: %s\n", rj->roots[i], err ? err : strerror(-r));
                        status = 1;
                }
                free(err);
        }
        return status;
}

static void remove_done(Manager *m, int status, const char *output, size_t size, void *userdata) {
        RemoveJob *rj = userdata;

        (void) size;
        for (size_t i = 0; i < rj->n; i++) {
                Shadow *s = shadow_find(m, &rj->ids[i]);
                if (!s)
                        continue;
                if (status == 0)
                        shadow_forget(m, s);
                else
                        s->removing = false; /* kept listed: removing it again may work later */
        }
        if (status != 0)
                log_error("Failed to remove shadow copies (status %d): %s", status, output);
        (void) shadow_store_save(m);
        if (rj->done)
                rj->done(m, status == 0 ? 0 : (status < 0 ? status : -EIO), rj->userdata);
        remove_job_free(rj);
}

int shadow_remove(Manager *m, Shadow **shadows, size_t n, ShadowRemovedFunc done, void *userdata) {
        RemoveJob *rj = calloc(1, sizeof *rj);
        if (!rj)
                return -ENOMEM;
        rj->ids = calloc(n ? n : 1, sizeof *rj->ids);
        rj->roots = calloc(n ? n : 1, sizeof *rj->roots);
        rj->providers = calloc(n ? n : 1, sizeof(const SnapshotProvider *));
        rj->done = done;
        rj->userdata = userdata;
        if (!rj->ids || !rj->roots || !rj->providers) {
                remove_job_free(rj);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                Shadow *s = shadows[i];
                if (s->exposed_path) {
                        if (umount2(s->exposed_path, MNT_DETACH) < 0 && errno != EINVAL &&
                            errno != ENOENT)
                                log_warning_errno(
                                                errno, "Failed to unexpose '%s', ignoring: %m",
                                                s->exposed_path);
                        s->exposed_path = mfree(s->exposed_path);
                }
                s->removing = true;
                rj->ids[i] = s->id;
                rj->providers[i] = snapshot_provider_find(s->provider);
                rj->roots[i] = strdup(s->root);
                rj->n++;
                if (!rj->roots[i] || !rj->providers[i]) {
                        remove_job_free(rj);
                        return -ENOMEM;
                }
        }
        int r = job_start(m, remove_child, rj, 3600 * USEC_PER_SEC, remove_done, rj, NULL);
        if (r < 0) {
                remove_job_free(rj);
                return r;
        }
        return 0;
}

void shadow_release_session(Manager *m, const vss_guid *session_id) {
        Shadow *s, *list[SNAPSHOT_SET_VOLUMES_MAX];
        size_t n = 0;

        LIST_FOREACH(shadows, s, m->shadows)
                if (vss_guid_equal(&s->session_id, session_id) && !shadow_is_persistent(s) &&
                    !s->removing && n < ELEMENTSOF(list))
                        list[n++] = s;
        if (n == 0)
                return;
        int r = shadow_remove(m, list, n, NULL, NULL);
        if (r < 0)
                log_error_errno(r, "Failed to release the shadow copies of a session: %m");
}

/* ---- Requests that need no session ----------------------------------------------------------- */

typedef struct AdminRequest {
        Connection *connection; /* NULL once it went away */
        uint32_t id;
        json_t *shadows; /* the objects of the shadows being deleted */
} AdminRequest;

static void admin_reply(Connection *c, int result, const char *error, json_t *body) {
        uint32_t id = c->busy_request_id;
        connection_request_done(c);
        (void) connection_reply(c, id, result, error, body);
}

void shadow_connection_lost(Connection *c) {
        if (c->admin_request) {
                c->admin_request->connection = NULL;
                c->admin_request = NULL;
        }
}

/* Whether a shadow is selected by a volume path: the same canonical path. */
static bool shadow_on_volume(const Shadow *s, const char *volume) {
        vss_autofree char *canonical = realpath(volume, NULL);
        return streq(s->volume, canonical ? canonical : volume);
}

static void list_shadows(Connection *c, const ProtoMessage *msg) {
        const char *volume = json_string_value(json_object_get(msg->root, "volume"));
        const char *id_text = json_string_value(json_object_get(msg->root, "snapshot_id"));
        vss_guid id;
        Shadow *s;

        if (id_text)
                (void) vss_guid_from_string(id_text, &id);

        json_t *a = json_array();
        LIST_FOREACH(shadows, s, c->manager->shadows) {
                if (s->creating || s->removing)
                        continue;
                if ((volume && !shadow_on_volume(s, volume)) ||
                    (id_text && !vss_guid_equal(&s->id, &id)))
                        continue;
                if (a && json_array_append_new(a, shadow_to_json(s)) < 0)
                        a = json_decref_null(a);
        }
        if (!a)
                admin_reply(c, -ENOMEM, "out of memory", NULL);
        else
                admin_reply(c, 0, NULL, json_pack("{s:o}", "shadows", a));
}

static void delete_done(Manager *m, int result, void *userdata) {
        AdminRequest *ar = userdata;
        (void) m;
        if (ar->connection) {
                ar->connection->admin_request = NULL;
                if (result < 0)
                        admin_reply(ar->connection, result,
                                    "removing the shadow copies failed; see vssd's log", NULL);
                else
                        admin_reply(ar->connection, 0, NULL,
                                    json_pack("{s:O}", "shadows", ar->shadows));
        }
        json_decref(ar->shadows);
        free(ar);
}

/* Only persistent shadows are deleted this way (VSS: client-accessible ones): the others belong
 * to a running session and end with it. */
static void delete_shadows(Connection *c, const ProtoMessage *msg) {
        Manager *m = c->manager;
        const char *volume = json_string_value(json_object_get(msg->root, "volume"));
        const char *id_text = json_string_value(json_object_get(msg->root, "snapshot_id"));
        bool oldest = json_is_true(json_object_get(msg->root, "oldest"));
        bool all = json_is_true(json_object_get(msg->root, "all"));
        Shadow *s, *list[1024];
        size_t n = 0;
        vss_guid id;

        if ((volume != NULL) + (id_text != NULL) + oldest + all != 1 && !(volume && oldest)) {
                admin_reply(c, -EINVAL,
                            "name exactly one of: a volume, a shadow id, oldest, all (oldest may "
                            "go with a volume)",
                            NULL);
                return;
        }
        if (id_text)
                (void) vss_guid_from_string(id_text, &id);

        Shadow *first = NULL;
        LIST_FOREACH(shadows, s, m->shadows) {
                if (s->creating || s->removing || !shadow_is_persistent(s))
                        continue;
                if ((volume && !shadow_on_volume(s, volume)) ||
                    (id_text && !vss_guid_equal(&s->id, &id)))
                        continue;
                if (oldest) {
                        if (!first || s->created_usec < first->created_usec)
                                first = s;
                        continue;
                }
                if (n < ELEMENTSOF(list))
                        list[n++] = s;
        }
        if (first)
                list[n++] = first;

        if (n == 0) {
                if (id_text && (s = shadow_find(m, &id)) && !shadow_is_persistent(s))
                        admin_reply(c, -VSS_E_OBJECT_NOT_FOUND,
                                    "that shadow copy is not persistent: it ends with the session "
                                    "that made it",
                                    NULL);
                else
                        admin_reply(c, -VSS_E_OBJECT_NOT_FOUND, "no persistent shadow copy matches",
                                    NULL);
                return;
        }

        AdminRequest *ar = calloc(1, sizeof *ar);
        json_t *a = json_array();
        for (size_t i = 0; a && i < n; i++)
                if (json_array_append_new(a, shadow_to_json(list[i])) < 0)
                        a = json_decref_null(a);
        if (!ar || !a) {
                free(ar);
                json_decref(a);
                admin_reply(c, -ENOMEM, "out of memory", NULL);
                return;
        }
        ar->connection = c;
        ar->id = msg->id;
        ar->shadows = a;
        int r = shadow_remove(m, list, n, delete_done, ar);
        if (r < 0) {
                json_decref(a);
                free(ar);
                admin_reply(c, r, "failed to start removing the shadow copies", NULL);
                return;
        }
        c->admin_request = ar;
}

static void expose_shadow(Connection *c, const ProtoMessage *msg, bool expose) {
        Manager *m = c->manager;
        const char *path = json_string_value(json_object_get(msg->root, "path"));
        vss_guid id;
        char text[1024];

        (void) vss_guid_from_string(
                        json_string_value(json_object_get(msg->root, "snapshot_id")), &id);
        Shadow *s = shadow_find(m, &id);
        if (!s || s->creating || s->removing || !s->snapshot_path) {
                admin_reply(c, -VSS_E_OBJECT_NOT_FOUND, "no such shadow copy", NULL);
                return;
        }

        if (!expose) {
                if (!s->exposed_path) {
                        admin_reply(c, -VSS_E_BAD_STATE, "the shadow copy is not exposed", NULL);
                        return;
                }
                if (umount2(s->exposed_path, 0) < 0 && errno != EINVAL) {
                        (void) snprintf(text, sizeof text, "failed to unmount '%s': %s",
                                        s->exposed_path, strerror(errno));
                        admin_reply(c, -errno, text, NULL);
                        return;
                }
                s->exposed_path = mfree(s->exposed_path);
                (void) shadow_store_save(m);
                admin_reply(c, 0, NULL, NULL);
                return;
        }

        if (!shadow_is_persistent(s)) {
                admin_reply(c, -VSS_E_BAD_STATE, "only persistent shadow copies are exposed", NULL);
                return;
        }
        if (s->exposed_path) {
                (void) snprintf(text, sizeof text, "the shadow copy is already exposed at '%s'",
                                s->exposed_path);
                admin_reply(c, -VSS_E_OBJECT_ALREADY_EXISTS, text, NULL);
                return;
        }
        struct stat st;
        if (path[0] != '/' || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
                (void) snprintf(text, sizeof text,
                                "'%s' is not an existing directory given by its absolute path",
                                path);
                admin_reply(c, -ENOTDIR, text, NULL);
                return;
        }
        /* A read-only bind mount: the shadow copy can be read there, never changed. */
        if (mount(s->snapshot_path, path, NULL, MS_BIND, NULL) < 0 ||
            mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
                int r = -errno;
                (void) umount2(path, MNT_DETACH);
                (void) snprintf(text, sizeof text, "failed to expose it at '%s': %s", path,
                                strerror(-r));
                admin_reply(c, r, text, NULL);
                return;
        }
        s->exposed_path = realpath(path, NULL);
        if (!s->exposed_path)
                s->exposed_path = strdup(path);
        (void) shadow_store_save(m);
        admin_reply(c, 0, NULL, NULL);
}

/* The mounted filesystems that could hold volumes, with the providers whose filesystem types
 * match (the choice when a volume is added probes further). No side effects: nothing is probed. */
static void list_volumes(Connection *c) {
        Manager *m = c->manager;
        SnapshotVolume *volumes = NULL;
        size_t n = 0;
        vss_autofree char *err = NULL;

        int r = snapshot_list_volumes(&volumes, &n, &err);
        if (r < 0) {
                admin_reply(c, r, err ? err : "cannot list the mounts", NULL);
                return;
        }
        json_t *a = json_array();
        for (size_t i = 0; a && i < n; i++) {
                const SnapshotVolume *v = &volumes[i];
                Shadow *s;
                bool exposure = false;
                LIST_FOREACH(shadows, s, m->shadows)
                        if (s->exposed_path && streq(s->exposed_path, v->mount_point))
                                exposure = true;
                if (exposure)
                        continue; /* a shadow copy exposed there, not a volume */
                json_t *providers = json_array();
                for (size_t k = 0; providers && snapshot_providers[k]; k++)
                        for (const char *const *f = snapshot_providers[k]->filesystems; f && *f;
                             f++)
                                if (streq(*f, v->fs_type)) {
                                        if (json_array_append_new(
                                                            providers,
                                                            json_string(snapshot_providers[k]
                                                                                        ->name)) <
                                            0)
                                                providers = json_decref_null(providers);
                                        break;
                                }
                json_t *e = providers ? json_pack("{s:s, s:s, s:s, s:b, s:o}", "volume",
                                                  v->mount_point, "fs_type", v->fs_type, "source",
                                                  v->source ? v->source : "", "read_only",
                                                  v->read_only, "providers", providers)
                                      : NULL;
                if (!e || json_array_append_new(a, e) < 0)
                        a = json_decref_null(a);
        }
        snapshot_volume_array_free(volumes, n);
        if (!a)
                admin_reply(c, -ENOMEM, "out of memory", NULL);
        else
                admin_reply(c, 0, NULL, json_pack("{s:o}", "volumes", a));
}

bool shadow_handle_request(Connection *c, const ProtoMessage *msg) {
        switch (msg->type) {
        case PROTO_LIST_SHADOWS:
                list_shadows(c, msg);
                return true;
        case PROTO_DELETE_SHADOWS:
                delete_shadows(c, msg);
                return true;
        case PROTO_EXPOSE_SHADOW:
        case PROTO_UNEXPOSE_SHADOW:
                expose_shadow(c, msg, msg->type == PROTO_EXPOSE_SHADOW);
                return true;
        case PROTO_LIST_VOLUMES:
                list_volumes(c);
                return true;
        default:
                return false;
        }
}
