/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vssadmin: administration of the volume shadow copy service (VSS-REFERENCE §5.5, §5.6). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vss/vss-requester.h>
#include <vss/vss.h>

#include "config.h"
#include "log.h"
#include "proto.h"
#include "strv.h"
#include "time-util.h"

#define CALL_TIMEOUT_MS 60000

static bool arg_json = false;
static const char *arg_socket = NULL;
static char **arg_for = NULL; /* --for PATH, repeatable */
static const char *arg_shadow = NULL;
static const char *arg_provider = NULL;
static bool arg_persistent = false;
static bool arg_oldest = false;
static bool arg_all = false;
static bool arg_quiet = false;

typedef struct Verb {
        const char *verb;
        const char *noun;
        int min_args, max_args; /* positional arguments after the noun (and after "--") */
        int (*run)(int argc, char **argv);
} Verb;

static void help(void) {
        printf("Usage: vssadmin [OPTIONS] COMMAND\n"
               "\n"
               "Administers the volume shadow copy service (vssd).\n"
               "\n"
               "Commands:\n"
               "  list writers                 the registered writers, their state and last error\n"
               "  list providers               the snapshot providers vssd can use\n"
               "  list volumes                 the mounted filesystems, with the providers for "
               "them\n"
               "  list shadows [--for PATH] [--shadow ID]\n"
               "                               the shadow copies, grouped by snapshot set\n"
               "  create shadow --for PATH... [--provider NAME] [--persistent] [-- COMMAND...]\n"
               "                               a snapshot set of the volumes with every writer "
               "taking\n"
               "                               part; without --persistent it lives while COMMAND "
               "runs\n"
               "                               (the paths are in $VSS_SHADOW_0, $VSS_SHADOW_1, "
               "...)\n"
               "  delete shadows --for PATH | --shadow ID | --oldest [--for PATH] | --all "
               "[--quiet]\n"
               "                               persistent shadow copies\n"
               "  expose shadow --shadow ID PATH   bind-mounts a persistent shadow copy, "
               "read-only\n"
               "  unexpose shadow --shadow ID  undoes it\n"
               "\n"
               "Options:\n"
               "  --json                       machine-readable output\n"
               "  --socket PATH                vssd's socket (default: $VSS_SOCKET or %s)\n"
               "  -h, --help                   show this help\n"
               "  --version                    show the version\n",
               PROTO_SOCKET_DEFAULT);
}

/* Connects as admin and runs one request; prints the failure itself. */
static int call(ProtoMessageType type, json_t *body, ProtoMessage **ret) {
        vss_autofree char *err = NULL;
        vss_autoclose int fd = -EBADF;

        int r = proto_client_connect(
                        arg_socket, PROTO_ROLE_ADMIN, "vssadmin", CALL_TIMEOUT_MS, &fd, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err);

        ProtoMessage *req = proto_message_new(type, 2);
        if (!req || (body && json_object_update(req->root, body) < 0)) {
                proto_message_free(req);
                json_decref(body);
                return log_oom();
        }
        json_decref(body);
        r = proto_client_call(fd, req, CALL_TIMEOUT_MS, ret, &err);
        proto_message_free(req);
        if (r < 0)
                return log_error_errno(r, "%s", err);

        const char *error = NULL;
        r = proto_reply_result(*ret, &error);
        if (r < 0) {
                log_error_errno(r, "vssd refused %s: %s", proto_message_type_to_string(type),
                                error ? error : vss_strerror(r));
                *ret = proto_message_free(*ret);
                return r;
        }
        return 0;
}

static int print_json(const json_t *o) {
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (!s)
                return log_oom();
        printf("%s\n", s);
        free(s);
        return 0;
}

static void print_header(void) {
        printf("vssadmin %s - Linux volume shadow copy service administrative command-line "
               "tool\n\n",
               PACKAGE_VERSION);
}

static void print_last_error(const json_t *writer) {
        const json_t *f = json_object_get(writer, "failure");
        if (!f) {
                printf("   Last error: No error\n");
                return;
        }
        int hr = (int) json_integer_value(json_object_get(f, "hr"));
        const char *name = vss_status_to_string(hr);
        const char *message = json_string_value(json_object_get(f, "message"));
        printf("   Last error: %s (0x%08X)", name ? name : vss_strerror(hr),
               (unsigned) vss_error_to_hresult(hr));
        if (message)
                printf(": %s", message);
        const json_t *app = json_object_get(f, "application_hr");
        if (app)
                printf(" [application code 0x%08X]", (unsigned) json_integer_value(app));
        printf("\n");
}

static int verb_list_writers(int argc, char **argv) {
        (void) argc;
        (void) argv;
        ProtoMessage *reply = NULL;

        int r = call(PROTO_LIST_WRITERS, NULL, &reply);
        if (r < 0)
                return r;
        assert(reply);

        const json_t *writers = json_object_get(reply->root, "writers");
        if (arg_json) {
                r = print_json(writers);
                proto_message_free(reply);
                return r;
        }

        print_header();
        if (json_array_size(writers) == 0)
                printf("No writers are registered.\n");
        size_t i;
        const json_t *w;
        json_array_foreach(writers, i, w) {
                const char *instance_name = json_string_value(json_object_get(w, "instance_name"));
                char state[VSS_WRITER_STATE_DISPLAY_MAX];
                VSS_WRITER_STATE st = VSS_WS_UNKNOWN;

                (void) vss_writer_state_from_string(
                                json_string_value(json_object_get(w, "state")), &st);
                printf("Writer name: '%s'\n", json_string_value(json_object_get(w, "writer_name")));
                printf("   Writer Id: %s\n", json_string_value(json_object_get(w, "class_id")));
                printf("   Writer Instance Id: %s\n",
                       json_string_value(json_object_get(w, "instance_id")));
                if (instance_name)
                        printf("   Writer Instance Name: '%s'\n", instance_name);
                printf("   State: %s\n", vss_writer_state_to_display(st, state));
                print_last_error(w);
                printf("   Level: %s, usage: %s, source: %s, freeze window: %lld ms, pid %lld\n\n",
                       json_string_value(json_object_get(w, "application_level")),
                       json_string_value(json_object_get(w, "usage_type")),
                       json_string_value(json_object_get(w, "source_type")),
                       (long long) json_integer_value(json_object_get(w, "freeze_timeout_ms")),
                       (long long) json_integer_value(json_object_get(w, "pid")));
        }
        proto_message_free(reply);
        return 0;
}

static int verb_list_providers(int argc, char **argv) {
        (void) argc;
        (void) argv;
        ProtoMessage *reply = NULL;

        int r = call(PROTO_LIST_PROVIDERS, NULL, &reply);
        if (r < 0)
                return r;
        assert(reply);

        const json_t *providers = json_object_get(reply->root, "providers");
        if (arg_json) {
                r = print_json(providers);
                proto_message_free(reply);
                return r;
        }

        print_header();
        if (json_array_size(providers) == 0)
                printf("No snapshot providers are available.\n");
        size_t i;
        const json_t *p;
        json_array_foreach(providers, i, p) {
                printf("Provider name: '%s'\n", json_string_value(json_object_get(p, "name")));
                printf("   Provider type: %s\n", json_string_value(json_object_get(p, "type")));
                printf("   Provider Id: %s\n", json_string_value(json_object_get(p, "id")));
                printf("   Version: %s\n", json_string_value(json_object_get(p, "version")));
                printf("   Consistency: %s\n",
                       json_string_value(json_object_get(p, "consistency")));
                printf("   File systems:");
                size_t k;
                const json_t *fs;
                json_array_foreach(json_object_get(p, "filesystems"), k, fs)
                        printf(" %s", json_string_value(fs));
                printf("\n\n");
        }
        proto_message_free(reply);
        return 0;
}

static void print_time(usec_t usec) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;
        char buf[64];
        if (localtime_r(&t, &tm) && strftime(buf, sizeof buf, "%m/%d/%Y %H:%M:%S", &tm) > 0)
                printf("%s", buf);
        else
                printf("%llu", (unsigned long long) usec);
}

static int verb_list_shadows(int argc, char **argv) {
        ProtoMessage *reply = NULL;
        (void) argc;
        (void) argv;

        if (strv_length(arg_for) > 1) {
                log_error("'list shadows' takes one --for PATH.");
                return -EINVAL;
        }
        json_t *body = json_object();
        if (!body ||
            (arg_for && json_object_set_new(body, "volume", json_string(arg_for[0])) < 0) ||
            (arg_shadow && json_object_set_new(body, "snapshot_id", json_string(arg_shadow)) < 0)) {
                json_decref(body);
                return log_oom();
        }
        int r = call(PROTO_LIST_SHADOWS, body, &reply);
        if (r < 0)
                return r;
        assert(reply);

        const json_t *shadows = json_object_get(reply->root, "shadows");
        if (arg_json) {
                r = print_json(shadows);
                proto_message_free(reply);
                return r;
        }

        print_header();
        if (json_array_size(shadows) == 0)
                printf("No shadow copies found.\n");
        /* Grouped by set, in the order vssd lists them (creation order). */
        const char *last_set = NULL;
        size_t i;
        const json_t *sh;
        json_array_foreach(shadows, i, sh) {
                const char *set = json_string_value(json_object_get(sh, "snapshot_set_id"));
                if (!last_set || strcmp(last_set, set) != 0) {
                        printf("Contents of shadow copy set ID: %s\n", set);
                        printf("   Contained shadow copies at creation time: ");
                        print_time((usec_t) json_integer_value(
                                        json_object_get(sh, "created_usec")));
                        printf("\n");
                        last_set = set;
                }
                const char *exposed = json_string_value(json_object_get(sh, "exposed_path"));
                printf("      Shadow Copy ID: %s\n",
                       json_string_value(json_object_get(sh, "snapshot_id")));
                printf("         Original Volume: %s\n",
                       json_string_value(json_object_get(sh, "volume")));
                printf("         Shadow Copy Path: %s\n",
                       json_string_value(json_object_get(sh, "snapshot_path")));
                if (exposed)
                        printf("         Exposed At: %s\n", exposed);
                printf("         Provider: '%s'\n",
                       json_string_value(json_object_get(sh, "provider")));
                printf("         Type: %s\n", json_is_true(json_object_get(sh, "persistent"))
                                                              ? "persistent"
                                                              : "auto-release");
                const char *consistency = json_string_value(json_object_get(sh, "consistency"));
                if (consistency)
                        printf("         Consistency: %s\n", consistency);
                printf("\n");
        }
        proto_message_free(reply);
        return 0;
}

/* Runs COMMAND with the shadow copies' paths in the environment; returns its exit status. */
static int run_command(char **command, char **paths, size_t n) {
        (void) fflush(stdout); /* what we printed comes before what the command prints */
        pid_t pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to start '%s': %m", command[0]);
        if (pid == 0) {
                for (size_t i = 0; i < n; i++) {
                        char name[32];
                        (void) snprintf(name, sizeof name, "VSS_SHADOW_%zu", i);
                        (void) setenv(name, paths[i], 1);
                }
                execvp(command[0], command);
                (void) fprintf(stderr, "vssadmin: failed to run '%s': %m\n", command[0]);
                _exit(127);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for '%s': %m", command[0]);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void print_writer_failures(vss_requester *req) {
        if (vss_requester_gather_writer_status(req) < 0)
                return;
        for (size_t i = 0; i < vss_requester_get_writer_status_count(req); i++) {
                const char *name = NULL, *message = NULL;
                VSS_WRITER_STATE state;
                int failure = 0;
                int32_t app = 0;
                char buf[VSS_WRITER_STATE_DISPLAY_MAX];
                if (vss_requester_get_writer_status(
                                    req, i, NULL, NULL, &name, &state, &failure, &app, &message) <
                                    0 ||
                    failure == 0)
                        continue;
                log_error("  writer '%s': %s: %s%s%s", name,
                          vss_writer_state_to_display(state, buf),
                          vss_status_to_string(failure) ?: vss_strerror(failure),
                          message ? ": " : "", message ?: "");
        }
}

static int verb_create_shadow(int argc, char **argv) {
        vss_requester *req = NULL;
        vss_guid ids[64], set;
        char *paths[64] = {};
        size_t n = strv_length(arg_for);
        int r;

        if (n == 0) {
                log_error("'create shadow' needs at least one --for PATH.");
                return -EINVAL;
        }
        if (n > 64) {
                log_error("A snapshot set holds at most 64 volumes.");
                return -E2BIG;
        }
        if (!arg_persistent && argc == 0) {
                log_error("Without --persistent a shadow copy lives only as long as this command: "
                          "give a "
                          "COMMAND to run on it (after --), or --persistent to keep it.");
                return -EINVAL;
        }

#define STEP(call, what)                                                            \
        do {                                                                        \
                r = (call);                                                         \
                if (r < 0) {                                                        \
                        log_error("Failed to %s: %s", what,                         \
                                  vss_requester_get_error(req) ?: vss_strerror(r)); \
                        goto finish;                                                \
                }                                                                   \
        } while (0)

        r = vss_requester_new(arg_socket, &req);
        if (r < 0)
                return log_error_errno(r, "Failed to create a requester: %m");
        STEP(vss_requester_initialize_for_backup(req, NULL), "start the backup session");
        STEP(vss_requester_set_context(req, arg_persistent ? VSS_CTX_APP_ROLLBACK : VSS_CTX_BACKUP),
             "set the context");
        STEP(vss_requester_set_backup_state(req, false, false, VSS_BT_COPY, false),
             "set the backup state");
        STEP(vss_requester_gather_writer_metadata(req), "gather the writers' metadata");
        STEP(vss_requester_start_snapshot_set(req, &set), "start a snapshot set");
        for (size_t i = 0; i < n; i++) {
                r = vss_requester_add_to_snapshot_set(req, arg_for[i], arg_provider, &ids[i]);
                if (r < 0) {
                        log_error("Failed to add '%s' to the snapshot set: %s", arg_for[i],
                                  vss_requester_get_error(req) ?: vss_strerror(r));
                        goto finish;
                }
        }
        STEP(vss_requester_prepare_for_backup(req), "prepare the writers");
        r = vss_requester_do_snapshot_set(req);
        if (r < 0) {
                log_error("Failed to create the shadow copies: %s",
                          vss_requester_get_error(req) ?: vss_strerror(r));
                print_writer_failures(req);
                goto finish;
        }

        char g[VSS_GUID_STRING_MAX];
        if (!arg_quiet && !arg_json)
                printf("Successfully created shadow copy set %s\n", vss_guid_to_string(&set, g));
        json_t *out = arg_json ? json_array() : NULL;
        for (size_t i = 0; i < n; i++) {
                const char *volume = NULL, *path = NULL, *provider = NULL;
                STEP(vss_requester_get_snapshot_properties(req, &ids[i], &volume, &path, &provider),
                     "read the shadow copy's properties");
                paths[i] = strdup(path);
                if (!paths[i]) {
                        r = log_oom();
                        goto finish;
                }
                if (out)
                        (void) json_array_append_new(
                                        out, json_pack("{s:s, s:s, s:s, s:s, s:b}", "snapshot_id",
                                                       vss_guid_to_string(&ids[i], g), "volume",
                                                       volume, "snapshot_path", path, "provider",
                                                       provider, "persistent", arg_persistent));
                else if (!arg_quiet)
                        printf("   Shadow Copy ID: %s\n      Volume: %s\n      Shadow Copy Path: "
                               "%s\n"
                               "      Provider: '%s'\n",
                               vss_guid_to_string(&ids[i], g), volume, path, provider);
        }
        if (out) {
                (void) print_json(out);
                json_decref(out);
        }
        STEP(vss_requester_backup_complete(req), "complete the backup");

        if (argc > 0)
                r = run_command(argv, paths, n); /* its exit status becomes ours */
#undef STEP

finish:
        /* Ends the session: an auto-release shadow copy goes now. */
        vss_requester_free(req);
        for (size_t i = 0; i < n; i++)
                free(paths[i]);
        return r;
}

static int verb_delete_shadows(int argc, char **argv) {
        ProtoMessage *reply = NULL;
        (void) argc;
        (void) argv;

        size_t selectors = !!arg_for + !!arg_shadow + arg_oldest + arg_all;
        if (selectors == 0 || (selectors > 1 && !(arg_oldest && arg_for && selectors == 2))) {
                log_error("'delete shadows' takes one of --for PATH, --shadow ID, --oldest (with "
                          "an optional "
                          "--for PATH) or --all.");
                return -EINVAL;
        }
        if (strv_length(arg_for) > 1) {
                log_error("'delete shadows' takes one --for PATH.");
                return -EINVAL;
        }
        json_t *body = json_object();
        if (!body ||
            (arg_for && json_object_set_new(body, "volume", json_string(arg_for[0])) < 0) ||
            (arg_shadow && json_object_set_new(body, "snapshot_id", json_string(arg_shadow)) < 0) ||
            (arg_oldest && json_object_set_new(body, "oldest", json_true()) < 0) ||
            (arg_all && json_object_set_new(body, "all", json_true()) < 0)) {
                json_decref(body);
                return log_oom();
        }
        int r = call(PROTO_DELETE_SHADOWS, body, &reply);
        if (r < 0)
                return r;
        assert(reply);

        const json_t *deleted = json_object_get(reply->root, "shadows");
        if (arg_json)
                r = print_json(deleted);
        else if (!arg_quiet) {
                size_t i;
                const json_t *sh;
                json_array_foreach(deleted, i, sh)
                        printf("Deleted shadow copy %s of '%s'.\n",
                               json_string_value(json_object_get(sh, "snapshot_id")),
                               json_string_value(json_object_get(sh, "volume")));
        }
        proto_message_free(reply);
        return r;
}

static int expose(int argc, char **argv, bool on) {
        ProtoMessage *reply = NULL;

        if (!arg_shadow) {
                log_error("'%s shadow' needs --shadow ID.", on ? "expose" : "unexpose");
                return -EINVAL;
        }
        json_t *body = json_pack("{s:s}", "snapshot_id", arg_shadow);
        if (body && on && json_object_set_new(body, "path", json_string(argv[0])) < 0)
                body = NULL;
        if (!body)
                return log_oom();
        (void) argc;
        int r = call(on ? PROTO_EXPOSE_SHADOW : PROTO_UNEXPOSE_SHADOW, body, &reply);
        if (r < 0)
                return r;
        if (!arg_quiet)
                printf(on ? "Shadow copy %s is exposed at '%s'.\n"
                          : "Shadow copy %s is no longer exposed.\n",
                       arg_shadow, on ? argv[0] : "");
        proto_message_free(reply);
        return 0;
}

static int verb_expose_shadow(int argc, char **argv) {
        return expose(argc, argv, true);
}

static int verb_unexpose_shadow(int argc, char **argv) {
        return expose(argc, argv, false);
}

static int verb_list_volumes(int argc, char **argv) {
        ProtoMessage *reply = NULL;
        (void) argc;
        (void) argv;

        int r = call(PROTO_LIST_VOLUMES, NULL, &reply);
        if (r < 0)
                return r;
        assert(reply);

        const json_t *volumes = json_object_get(reply->root, "volumes");
        if (arg_json) {
                r = print_json(volumes);
                proto_message_free(reply);
                return r;
        }
        print_header();
        size_t i;
        const json_t *v;
        json_array_foreach(volumes, i, v) {
                printf("Volume path: %s\n", json_string_value(json_object_get(v, "volume")));
                printf("   File system: %s on %s%s\n",
                       json_string_value(json_object_get(v, "fs_type")),
                       json_string_value(json_object_get(v, "source")),
                       json_is_true(json_object_get(v, "read_only")) ? " (read-only)" : "");
                printf("   Providers:");
                size_t k;
                const json_t *p;
                json_array_foreach(json_object_get(v, "providers"), k, p)
                        printf(" %s", json_string_value(p));
                printf("\n\n");
        }
        proto_message_free(reply);
        return 0;
}

static const Verb verbs[] = {
                {"list", "writers", 0, 0, verb_list_writers},
                {"list", "providers", 0, 0, verb_list_providers},
                {"list", "shadows", 0, 0, verb_list_shadows},
                {"list", "volumes", 0, 0, verb_list_volumes},
                {"create", "shadow", 0, 1000, verb_create_shadow},
                {"delete", "shadows", 0, 0, verb_delete_shadows},
                {"expose", "shadow", 1, 1, verb_expose_shadow},
                {"unexpose", "shadow", 0, 0, verb_unexpose_shadow},
};

static int parse_argv(int argc, char **argv) {
        enum {
                ARG_JSON = 0x100,
                ARG_SOCKET,
                ARG_FOR,
                ARG_SHADOW,
                ARG_PROVIDER,
                ARG_PERSISTENT,
                ARG_OLDEST,
                ARG_ALL,
                ARG_QUIET,
                ARG_VERSION,
        };
        static const struct option options[] = {
                        {"json", no_argument, NULL, ARG_JSON},
                        {"socket", required_argument, NULL, ARG_SOCKET},
                        {"for", required_argument, NULL, ARG_FOR},
                        {"shadow", required_argument, NULL, ARG_SHADOW},
                        {"provider", required_argument, NULL, ARG_PROVIDER},
                        {"persistent", no_argument, NULL, ARG_PERSISTENT},
                        {"oldest", no_argument, NULL, ARG_OLDEST},
                        {"all", no_argument, NULL, ARG_ALL},
                        {"quiet", no_argument, NULL, ARG_QUIET},
                        {"help", no_argument, NULL, 'h'},
                        {"version", no_argument, NULL, ARG_VERSION},
                        {},
        };
        int c;
        vss_guid g;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_SOCKET:
                        arg_socket = optarg;
                        break;
                case ARG_FOR:
                        if (strv_extend(&arg_for, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_SHADOW:
                        if (vss_guid_from_string(optarg, &g) < 0) {
                                log_error("--shadow: '%s' is not a shadow copy id (a GUID).",
                                          optarg);
                                return -EINVAL;
                        }
                        arg_shadow = optarg;
                        break;
                case ARG_PROVIDER:
                        arg_provider = optarg;
                        break;
                case ARG_PERSISTENT:
                        arg_persistent = true;
                        break;
                case ARG_OLDEST:
                        arg_oldest = true;
                        break;
                case ARG_ALL:
                        arg_all = true;
                        break;
                case ARG_QUIET:
                        arg_quiet = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("vssadmin " PACKAGE_VERSION "\n");
                        return 0;
                default:
                        return -EINVAL;
                }
        return 1;
}

int main(int argc, char **argv) {
        log_open_console("vssadmin", LOG_TARGET_CONSOLE, LOG_INFO);

        int r = parse_argv(argc, argv);
        if (r <= 0) {
                arg_for = strv_free(arg_for);
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }

        if (argc - optind < 2) {
                log_error("Missing command: expected e.g. 'list writers' (see --help).");
                arg_for = strv_free(arg_for);
                return EXIT_FAILURE;
        }
        const char *verb = argv[optind], *noun = argv[optind + 1];
        int rest = argc - optind - 2;
        char **rest_argv = argv + optind + 2;
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                if (strcasecmp(verbs[i].verb, verb) != 0 || strcasecmp(verbs[i].noun, noun) != 0)
                        continue;
                if (rest < verbs[i].min_args || rest > verbs[i].max_args) {
                        if (rest > verbs[i].max_args)
                                log_error("Unexpected argument '%s' after '%s %s'.",
                                          rest_argv[verbs[i].max_args], verb, noun);
                        else
                                log_error("'%s %s' needs %d argument(s) (see --help).", verb, noun,
                                          verbs[i].min_args);
                        arg_for = strv_free(arg_for);
                        return EXIT_FAILURE;
                }
                r = verbs[i].run(rest, rest_argv);
                arg_for = strv_free(arg_for);
                /* 'create shadow' with a command passes the command's exit status on. */
                return r < 0 ? EXIT_FAILURE : r;
        }

        log_error("Unknown command '%s %s' (see --help).", verb, noun);
        arg_for = strv_free(arg_for);
        return EXIT_FAILURE;
}
