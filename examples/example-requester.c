/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* A small requester built on libvss, to copy from: it backs up components of the running
 * writers and saves the documents a restore needs, and restores from them.
 *
 *     example-requester backup DIR [WRITER:COMPONENT...]
 *     example-requester restore DIR
 *
 * The backup takes every selectable component of every writer (or the ones named, as
 * "writer name:logical\path\name"), lists the files it would copy, and saves the backup
 * components document as DIR/bcd.json and the writers' metadata as DIR/wmd-N.json. The restore
 * loads them, selects every component of the backup and lists the files it would put back. This
 * example copies no data: a real backup tool copies the files it lists, from the snapshot, and
 * stores them with the two documents. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vss/vss-metadata.h>
#include <vss/vss-requester.h>
#include <vss/vss.h>

#define MAX_WRITERS 64

/* Prints what went wrong and returns 'r'. */
static int fail(vss_requester *req, int r, const char *what) {
        const char *detail = req ? vss_requester_get_error(req) : NULL;
        fprintf(stderr, "example-requester: %s failed: %s\n", what,
                detail ? detail : vss_strerror(r));
        return r;
}

/* ---- Files ----------------------------------------------------------------------------------- */

static char *read_file(const char *path) {
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        size_t size = 0, allocated = 0;
        char *buf = NULL;
        for (;;) {
                if (size + 4096 + 1 > allocated) {
                        allocated = (size + 4096 + 1) * 2;
                        char *p = realloc(buf, allocated);
                        if (!p) {
                                free(buf);
                                (void) fclose(f);
                                return NULL;
                        }
                        buf = p;
                }
                size_t n = fread(buf + size, 1, 4096, f);
                size += n;
                if (n < 4096)
                        break;
        }
        bool ok = !ferror(f);
        (void) fclose(f);
        if (!ok) {
                free(buf);
                return NULL;
        }
        buf[size] = 0;
        return buf;
}

static int write_file(const char *dir, const char *name, const char *text) {
        char path[4096];
        (void) snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        if (!f)
                return -errno;
        bool ok = fputs(text, f) >= 0;
        ok = fclose(f) == 0 && ok;
        return ok ? 0 : -EIO;
}

/* ---- What a component's files are ------------------------------------------------------------ */

static void print_file_set(const char *verb, const vss_wm_filedesc *f) {
        const char *alternate = vss_wm_filedesc_get_alternate_location(f);
        /* At backup, a file set with an alternate location is read from there (VSS-REFERENCE
         * §4.3); at restore it goes back to its own path. */
        bool from_alternate = alternate && strcmp(verb, "copy") == 0;
        printf("  %s %s/%s%s", verb, from_alternate ? alternate : vss_wm_filedesc_get_path(f),
               vss_wm_filedesc_get_filespec(f),
               vss_wm_filedesc_get_recursive(f) ? " (recursive)" : "");
        if (from_alternate)
                printf(" [for %s]", vss_wm_filedesc_get_path(f));
        printf("\n");
}

static void print_component_files(const char *verb, const vss_wm_component *c) {
        for (size_t i = 0; i < vss_wm_component_get_file_count(c); i++)
                print_file_set(verb, vss_wm_component_get_file(c, i));
        for (size_t i = 0; i < vss_wm_component_get_database_file_count(c); i++)
                print_file_set(verb, vss_wm_component_get_database_file(c, i));
        for (size_t i = 0; i < vss_wm_component_get_database_log_file_count(c); i++)
                print_file_set(verb, vss_wm_component_get_database_log_file(c, i));
}

/* Prints the files of an explicitly included component: its own, those of the members of its
 * set (they are included with it), the writer's excludes, and what the writer said about partial
 * and differenced files in PrepareForBackup or PostSnapshot. */
static int print_files(const char *verb, const vss_wmd *wmd, const vss_bcd_component *bc) {
        const vss_wm_component *c = vss_wmd_find_component(
                        wmd, vss_bcd_component_get_logical_path(bc),
                        vss_bcd_component_get_name(bc));
        if (!c)
                return 0;
        print_component_files(verb, c);
        if (vss_wm_component_get_selectable(c)) {
                const vss_wm_component **members = NULL;
                size_t n = 0;
                int r = vss_wmd_get_component_set(wmd, c, &members, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++)
                        print_component_files(verb, members[i]);
                free(members);
        }
        for (size_t i = 0; i < vss_wmd_get_exclude_file_count(wmd); i++) {
                const vss_wm_filedesc *f = vss_wmd_get_exclude_file(wmd, i);
                printf("  skip %s/%s\n", vss_wm_filedesc_get_path(f),
                       vss_wm_filedesc_get_filespec(f));
        }
        for (size_t i = 0; i < vss_bcd_component_get_partial_file_count(bc); i++) {
                const char *path, *file, *ranges;
                (void) vss_bcd_component_get_partial_file(bc, i, &path, &file, &ranges, NULL);
                printf("  %s only ranges %s of %s/%s\n", verb, ranges, path, file);
        }
        for (size_t i = 0; i < vss_bcd_component_get_differenced_files_count(bc); i++) {
                const char *path, *spec;
                bool recursive;
                (void) vss_bcd_component_get_differenced_file(
                                bc, i, &path, &spec, &recursive, NULL, NULL);
                printf("  %s changed files only of %s/%s%s\n", verb, path, spec,
                       recursive ? " (recursive)" : "");
        }
        return 0;
}

static void print_status(vss_requester *req) {
        if (vss_requester_gather_writer_status(req) < 0)
                return;
        for (size_t i = 0; i < vss_requester_get_writer_status_count(req); i++) {
                const char *name = NULL;
                VSS_WRITER_STATE state;
                int failure = 0;
                char text[VSS_WRITER_STATE_DISPLAY_MAX];
                if (vss_requester_get_writer_status(
                                    req, i, NULL, NULL, &name, &state, &failure, NULL, NULL) < 0)
                        continue;
                printf("writer '%s': %s%s%s\n", name, vss_writer_state_to_display(state, text),
                       failure < 0 ? ", " : "", failure < 0 ? vss_strerror(failure) : "");
        }
}

/* ---- Backup ---------------------------------------------------------------------------------- */

/* Includes "writer name:logical\path\name". */
static int add_named(vss_requester *req, const char *spec) {
        const char *colon = strchr(spec, ':');
        if (!colon)
                return -EINVAL;
        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(req); i++) {
                vss_guid instance;
                const vss_wmd *wmd = vss_requester_get_writer_metadata(req, i, &instance);
                const char *name = vss_wmd_get_writer_name(wmd);
                if (strlen(name) != (size_t) (colon - spec) ||
                    strncmp(name, spec, strlen(name)) != 0)
                        continue;
                /* Split the full path at its last '\' into logical path and name. */
                char lp[4096];
                (void) snprintf(lp, sizeof lp, "%s", colon + 1);
                char *slash = strrchr(lp, '\\');
                const char *component = slash ? slash + 1 : lp;
                if (slash)
                        *slash = 0;
                const vss_wm_component *c = vss_wmd_find_component(wmd, slash ? lp : "", component);
                if (!c)
                        return -VSS_E_OBJECT_NOT_FOUND;
                return vss_requester_add_component(
                                req, &instance, vss_wmd_get_writer_class_id(wmd),
                                vss_wm_component_get_type(c), slash ? lp : "", component);
        }
        return -VSS_E_OBJECT_NOT_FOUND;
}

/* Includes every selectable component that is not already in another one's set. */
static int add_all(vss_requester *req) {
        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(req); i++) {
                vss_guid instance;
                const vss_wmd *wmd = vss_requester_get_writer_metadata(req, i, &instance);
                for (size_t j = 0; j < vss_wmd_get_component_count(wmd); j++) {
                        const vss_wm_component *c = vss_wmd_get_component(wmd, j);
                        if (!vss_wm_component_get_selectable(c) ||
                            vss_wmd_get_selectable_ancestor(wmd, c))
                                continue;
                        int r = vss_requester_add_component(
                                        req, &instance, vss_wmd_get_writer_class_id(wmd),
                                        vss_wm_component_get_type(c),
                                        vss_wm_component_get_logical_path(c),
                                        vss_wm_component_get_name(c));
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The metadata of the writer of a document entry. */
static const vss_wmd *wmd_of(const vss_requester *req, const vss_bcd_writer *w) {
        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(req); i++) {
                vss_guid instance;
                const vss_wmd *wmd = vss_requester_get_writer_metadata(req, i, &instance);
                if (vss_guid_equal(&instance, vss_bcd_writer_get_instance_id(w)))
                        return wmd;
        }
        return NULL;
}

static int save(vss_requester *req, const char *dir) {
        char *json = NULL;
        int r = vss_requester_save_as_json(req, &json);
        if (r < 0)
                return fail(req, r, "saving the backup components document");
        r = write_file(dir, "bcd.json", json);
        free(json);
        if (r < 0)
                return fail(NULL, r, "writing bcd.json");

        const vss_bcd *bcd = vss_requester_get_backup_components(req);
        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++) {
                const vss_wmd *wmd = wmd_of(req, vss_bcd_get_writer(bcd, i));
                char name[64];
                r = vss_wmd_to_json(wmd, &json, NULL, NULL);
                if (r < 0)
                        return fail(NULL, r, "saving writer metadata");
                (void) snprintf(name, sizeof name, "wmd-%zu.json", i);
                r = write_file(dir, name, json);
                free(json);
                if (r < 0)
                        return fail(NULL, r, "writing writer metadata");
        }
        printf("saved %s/bcd.json and %zu writer metadata document(s)\n", dir,
               vss_bcd_get_writer_count(bcd));
        return 0;
}

static int backup(vss_requester *req, const char *dir, char **names, int n_names) {
        int r = vss_requester_initialize_for_backup(req, NULL);
        if (r >= 0)
                r = vss_requester_set_backup_state(req, true, false, VSS_BT_FULL, false);
        if (r < 0)
                return fail(req, r, "initializing");
        if ((r = vss_requester_gather_writer_metadata(req)) < 0)
                return fail(req, r, "gathering writer metadata");

        if (n_names == 0)
                r = add_all(req);
        for (int i = 0; i < n_names && r >= 0; i++)
                r = add_named(req, names[i]);
        if (r < 0)
                return fail(req, r, "selecting components");

        if ((r = vss_requester_start_snapshot_set(req, NULL)) < 0)
                return fail(req, r, "starting the snapshot set");
        /* A real backup adds the volumes its files live on here. */
        if ((r = vss_requester_prepare_for_backup(req)) < 0)
                return fail(req, r, "preparing the backup");
        if ((r = vss_requester_do_snapshot_set(req)) < 0) {
                (void) vss_requester_abort_backup(req); /* VSS: always abort after a failure */
                print_status(req);
                return fail(req, r, "taking the snapshot");
        }

        /* Now, and not before, the file list is complete: writers may add partial and
         * differenced files until PostSnapshot. */
        const vss_bcd *bcd = vss_requester_get_backup_components(req);
        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++) {
                const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                const vss_wmd *wmd = wmd_of(req, w);
                for (size_t j = 0; j < vss_bcd_writer_get_component_count(w); j++) {
                        const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                        const char *lp = vss_bcd_component_get_logical_path(c);
                        printf("%s: %s%s%s\n", vss_wmd_get_writer_name(wmd), lp, *lp ? "\\" : "",
                               vss_bcd_component_get_name(c));
                        if ((r = print_files("copy", wmd, c)) < 0)
                                return fail(req, r, "listing files");
                        /* Having copied everything, say so. */
                        r = vss_requester_set_backup_succeeded(
                                        req, vss_bcd_writer_get_instance_id(w),
                                        vss_bcd_writer_get_class_id(w),
                                        vss_bcd_component_get_type(c), lp,
                                        vss_bcd_component_get_name(c), true);
                        if (r < 0)
                                return fail(req, r, "recording the backup");
                }
        }
        if ((r = vss_requester_backup_complete(req)) < 0)
                return fail(req, r, "completing the backup");
        print_status(req);

        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return fail(NULL, -errno, "creating the directory");
        return save(req, dir);
}

/* ---- Restore --------------------------------------------------------------------------------- */

static int restore(vss_requester *req, const char *dir) {
        char path[4096];
        vss_wmd *saved[MAX_WRITERS] = {};
        size_t n_saved = 0;
        int r;

        (void) snprintf(path, sizeof path, "%s/bcd.json", dir);
        char *json = read_file(path);
        if (!json)
                return fail(NULL, -errno, "reading bcd.json");
        r = vss_requester_initialize_for_restore(req, json);
        free(json);
        if (r < 0)
                return fail(req, r, "loading the backup components document");

        /* Every writer metadata document saved with the backup. */
        for (size_t i = 0; i < MAX_WRITERS; i++) {
                (void) snprintf(path, sizeof path, "%s/wmd-%zu.json", dir, i);
                json = read_file(path);
                if (!json)
                        break;
                r = vss_requester_add_saved_writer_metadata(req, json);
                if (r >= 0)
                        r = vss_wmd_from_json(json, strlen(json), &saved[n_saved], NULL);
                free(json);
                if (r < 0) {
                        r = fail(req, r, "loading writer metadata");
                        goto finish;
                }
                n_saved++;
        }

        if ((r = vss_requester_gather_writer_metadata(req)) < 0) {
                r = fail(req, r, "gathering writer metadata");
                goto finish;
        }

        /* Select every component of the backup, each for its writer's live instance. */
        const vss_bcd *bcd = vss_requester_get_backup_components(req);
        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd) && r >= 0; i++) {
                const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                for (size_t j = 0; j < vss_bcd_writer_get_component_count(w) && r >= 0; j++) {
                        const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                        r = vss_requester_set_selected_for_restore(
                                        req, vss_bcd_writer_get_class_id(w),
                                        vss_bcd_component_get_type(c),
                                        vss_bcd_component_get_logical_path(c),
                                        vss_bcd_component_get_name(c), true, NULL);
                }
        }
        if (r < 0) {
                r = fail(req, r, "selecting components");
                goto finish;
        }
        if ((r = vss_requester_pre_restore(req)) < 0) {
                r = fail(req, r, "PreRestore");
                goto finish;
        }

        /* Writers may have chosen restore targets in PreRestore; a real tool honours them (and
         * the new targets) while it copies. */
        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd) && r >= 0; i++) {
                const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                const vss_wmd *wmd = NULL;
                for (size_t k = 0; k < n_saved; k++)
                        if (vss_guid_equal(vss_wmd_get_writer_instance_id(saved[k]),
                                           vss_bcd_writer_get_instance_id(w)))
                                wmd = saved[k];
                for (size_t j = 0; j < vss_bcd_writer_get_component_count(w) && r >= 0; j++) {
                        const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                        printf("%s: %s (restore target %s)\n", vss_wmd_get_writer_name(wmd),
                               vss_bcd_component_get_name(c),
                               vss_restore_target_to_string(
                                               vss_bcd_component_get_restore_target(c)));
                        r = print_files("restore", wmd, c);
                        if (r >= 0)
                                r = vss_requester_set_file_restore_status(
                                                req, vss_bcd_writer_get_class_id(w),
                                                vss_bcd_component_get_type(c),
                                                vss_bcd_component_get_logical_path(c),
                                                vss_bcd_component_get_name(c), VSS_RS_ALL);
                }
        }
        if (r < 0) {
                r = fail(req, r, "restoring files");
                goto finish;
        }
        if ((r = vss_requester_post_restore(req)) < 0) {
                r = fail(req, r, "PostRestore");
                goto finish;
        }
        print_status(req);

finish:
        for (size_t i = 0; i < n_saved; i++)
                vss_wmd_free(saved[i]);
        return r;
}

int main(int argc, char *argv[]) {
        vss_requester *req = NULL;
        int r;

        if (argc < 3 || (strcmp(argv[1], "backup") != 0 && strcmp(argv[1], "restore") != 0) ||
            (strcmp(argv[1], "restore") == 0 && argc != 3)) {
                fprintf(stderr, "Usage: example-requester backup DIR [WRITER:COMPONENT...]\n"
                                "       example-requester restore DIR\n");
                return EXIT_FAILURE;
        }
        r = vss_requester_new(NULL, &req); /* $VSS_SOCKET or the default socket */
        if (r < 0) {
                (void) fail(NULL, r, "creating the requester");
                return EXIT_FAILURE;
        }

        if (strcmp(argv[1], "backup") == 0)
                r = backup(req, argv[2], argv + 3, argc - 3);
        else
                r = restore(req, argv[2]);

        /* Ends the session; an unfinished backup is aborted first. */
        vss_requester_free(req);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
