/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* snapshot-tool: the providers without vssd, for benchmarks and for looking at what a provider
 * would do with a volume. Not installed.
 *
 *   snapshot-tool resolve PATH
 *   snapshot-tool probe PATH                       every provider's answer
 *   snapshot-tool create [-p PROVIDER] [-s STATE_DIR] PATH
 *                                                  prints "<provider> <ms> <snapshot path> <root>"
 *   snapshot-tool remove PROVIDER ROOT             prints "<ms>"
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "snapshot.h"

static double now_ms(void) {
        struct timespec ts;
        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int usage(void) {
        (void) fprintf(stderr, "usage: snapshot-tool resolve PATH\n"
                               "       snapshot-tool probe [-s STATE_DIR] PATH\n"
                               "       snapshot-tool create [-p PROVIDER] [-s STATE_DIR] PATH\n"
                               "       snapshot-tool remove PROVIDER ROOT\n");
        return 2;
}

static int fail(const char *what, int r, const char *message) {
        const char *name = vss_status_to_string(r);
        (void) fprintf(stderr, "snapshot-tool: %s: %s (%s)\n", what, message ? message : "failed",
                       name ? name : strerror(r < 0 ? -r : r));
        return 1;
}

static int verb_resolve(const char *path) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *msg = NULL;

        int r = snapshot_volume_resolve(path, &v, &msg);
        if (r < 0)
                return fail("resolve", r, msg);
        (void) printf("path=%s\nmount_point=%s\nfs_type=%s\nsource=%s\nmount_id=%" PRIu64
                      "\nread_only=%s\n",
                      v.path, v.mount_point, v.fs_type, v.source, v.mount_id,
                      v.read_only ? "yes" : "no");
        return 0;
}

static int verb_probe(const char *path, const char *state_dir) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *msg = NULL;

        int r = snapshot_volume_resolve(path, &v, &msg);
        if (r < 0)
                return fail("resolve", r, msg);
        for (size_t i = 0; snapshot_providers[i]; i++) {
                const SnapshotProvider *p = snapshot_providers[i];
                vss_autofree char *area = NULL;
                vss_autofree char *why = NULL;
                r = snapshot_provider_area(p, &v, state_dir, &area);
                if (r < 0)
                        return fail("area", r, NULL);
                r = p->probe(&v, area, &why);
                (void) printf("%s: %s%s%s\n", p->name,
                              r > 0    ? "yes"
                              : r == 0 ? "no"
                                       : "error",
                              why ? ": " : "", why ? why : "");
        }
        return 0;
}

static int verb_create(const char *path, const char *provider, const char *state_dir) {
        VSS_CLEANUP(snapshot_volume_done) SnapshotVolume v = {};
        vss_autofree char *msg = NULL;
        vss_autofree char *area = NULL;
        vss_autofree char *root = NULL;
        vss_autofree char *snapshot = NULL;
        const SnapshotProvider *p = NULL;

        int r = snapshot_volume_resolve(path, &v, &msg);
        if (r < 0)
                return fail("resolve", r, msg);
        r = snapshot_provider_choose(&v, provider, state_dir, &p, &msg);
        if (r < 0)
                return fail("choose", r, msg);
        SnapshotRequest req = {.volume = &v, .state_dir = state_dir};
        r = vss_guid_generate(&req.snapshot_id);
        if (r < 0)
                return fail("generate an id", r, NULL);
        r = snapshot_provider_area(p, &v, state_dir, &area);
        if (r < 0)
                return fail("area", r, NULL);
        req.area = area;
        r = snapshot_root_path(area, &req.snapshot_id, &root);
        if (r < 0)
                return fail("root", r, NULL);

        double start = now_ms();
        r = p->create(&req, &snapshot, &msg);
        double ms = now_ms() - start;
        if (r < 0)
                return fail("create", r, msg);
        (void) printf("%s %.3f %s %s\n", p->name, ms, snapshot, root);
        return 0;
}

static int verb_remove(const char *provider, const char *root) {
        vss_autofree char *msg = NULL;
        const SnapshotProvider *p = snapshot_provider_find(provider);

        if (!p)
                return fail("remove", -VSS_E_PROVIDER_NOT_REGISTERED, NULL);
        double start = now_ms();
        int r = p->remove(root, &msg);
        double ms = now_ms() - start;
        if (r < 0)
                return fail("remove", r, msg);
        (void) printf("%.3f\n", ms);
        return 0;
}

int main(int argc, char **argv) {
        const char *provider = NULL, *state_dir = NULL;
        int c;

        log_open_console(
                        "snapshot-tool", LOG_TARGET_CONSOLE,
                        getenv("SNAPSHOT_TOOL_DEBUG") ? LOG_DEBUG : LOG_INFO);
        if (argc < 2)
                return usage();
        const char *verb = argv[1];
        optind = 2;
        while ((c = getopt(argc, argv, "p:s:")) >= 0) {
                if (c == 'p')
                        provider = optarg;
                else if (c == 's')
                        state_dir = optarg;
                else
                        return usage();
        }
        int n = argc - optind;
        char **args = argv + optind;
        if (streq(verb, "resolve") && n == 1)
                return verb_resolve(args[0]);
        if (streq(verb, "probe") && n == 1)
                return verb_probe(args[0], state_dir);
        if (streq(verb, "create") && n == 1)
                return verb_create(args[0], provider, state_dir);
        if (streq(verb, "remove") && n == 2)
                return verb_remove(args[0], args[1]);
        return usage();
}
