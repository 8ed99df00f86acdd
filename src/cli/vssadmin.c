/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vssadmin: administration of the volume shadow copy service (VSS-REFERENCE §5.5). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vss/vss.h>

#include "config.h"
#include "log.h"
#include "proto.h"

#define CALL_TIMEOUT_MS 60000

static bool arg_json = false;
static const char *arg_socket = NULL;

typedef struct Verb {
        const char *verb;
        const char *noun;
        int (*run)(void);
} Verb;

static void help(void) {
        printf("Usage: vssadmin [OPTIONS] COMMAND\n"
               "\n"
               "Administers the volume shadow copy service (vssd).\n"
               "\n"
               "Commands:\n"
               "  list writers      the registered writers, their state and last error\n"
               "  list providers    the snapshot providers vssd can use\n"
               "\n"
               "Options:\n"
               "  --json            machine-readable output\n"
               "  --socket PATH     vssd's socket (default: $VSS_SOCKET or %s)\n"
               "  -h, --help        show this help\n"
               "  --version         show the version\n",
               PROTO_SOCKET_DEFAULT);
}

/* Connects as admin and runs one request; prints the failure itself. */
static int call(ProtoMessageType type, ProtoMessage **ret) {
        vss_autofree char *err = NULL;
        vss_autoclose int fd = -EBADF;

        int r = proto_client_connect(
                        arg_socket, PROTO_ROLE_ADMIN, "vssadmin", CALL_TIMEOUT_MS, &fd, &err);
        if (r < 0)
                return log_error_errno(r, "%s", err);

        ProtoMessage *req = proto_message_new(type, 2);
        if (!req)
                return log_oom();
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

static int verb_list_writers(void) {
        ProtoMessage *reply = NULL;

        int r = call(PROTO_LIST_WRITERS, &reply);
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

static int verb_list_providers(void) {
        ProtoMessage *reply = NULL;

        int r = call(PROTO_LIST_PROVIDERS, &reply);
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

static const Verb verbs[] = {
                {"list", "writers", verb_list_writers},
                {"list", "providers", verb_list_providers},
};

static int parse_argv(int argc, char **argv) {
        enum {
                ARG_JSON = 0x100,
                ARG_SOCKET,
                ARG_VERSION
        };
        static const struct option options[] = {
                        {"json", no_argument, NULL, ARG_JSON},
                        {"socket", required_argument, NULL, ARG_SOCKET},
                        {"help", no_argument, NULL, 'h'},
                        {"version", no_argument, NULL, ARG_VERSION},
                        {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_SOCKET:
                        arg_socket = optarg;
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
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        if (argc - optind < 2) {
                log_error("Missing command: expected e.g. 'list writers' (see --help).");
                return EXIT_FAILURE;
        }
        const char *verb = argv[optind], *noun = argv[optind + 1];
        if (argc - optind > 2) {
                log_error("Unexpected argument '%s' after '%s %s'.", argv[optind + 2], verb, noun);
                return EXIT_FAILURE;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcasecmp(verbs[i].verb, verb) == 0 && strcasecmp(verbs[i].noun, noun) == 0)
                        return verbs[i].run() < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        log_error("Unknown command '%s %s': vssadmin knows 'list writers' and 'list providers'.",
                  verb, noun);
        return EXIT_FAILURE;
}
