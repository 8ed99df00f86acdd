/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vssd: the coordinator of the Linux volume shadow copy service (docs/PROTOCOL.md). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "coordinator.h"
#include "log.h"
#include "proto.h"

static const char *arg_socket = NULL;
static const char *arg_registry = NULL;
static const char *arg_state_dir = NULL;
static const char *arg_group = NULL;
static int arg_log_level = LOG_INFO;

static void help(void) {
        printf("Usage: vssd [OPTIONS]\n"
               "\n"
               "The coordinator of the Linux volume shadow copy service: writers register with "
               "it,\n"
               "requesters run backups and restores through it, and it sequences every event with\n"
               "deadlines.\n"
               "\n"
               "Options:\n"
               "  --socket PATH        listen on PATH (default: $VSS_SOCKET or %s)\n"
               "  --registry PATH      read settings and the writer access list from PATH\n"
               "                       (default: $VSS_REGISTRY_PATH or the system registry)\n"
               "  --state-dir DIR      where the shadow copy list and copy snapshots live\n"
               "                       (default: $VSS_STATE_DIR or " VSS_STATE_DIR ")\n"
               "  --requester-group G  the group whose members may run backups (default: vss)\n"
               "  --log-level LEVEL    err, warning, notice, info (default) or debug\n"
               "  -h, --help           show this help\n"
               "  --version            show the version\n"
               "\n"
               "Signals: SIGTERM/SIGINT stop (aborting running sessions), SIGHUP reloads the\n"
               "deadlines from the registry. Systemd socket activation is honoured.\n",
               PROTO_SOCKET_DEFAULT);
}

static int parse_log_level(const char *s) {
        static const struct {
                const char *name;
                int level;
        } levels[] = {{"err", LOG_ERR},
                      {"warning", LOG_WARNING},
                      {"notice", LOG_NOTICE},
                      {"info", LOG_INFO},
                      {"debug", LOG_DEBUG}};
        for (size_t i = 0; i < ELEMENTSOF(levels); i++)
                if (streq(s, levels[i].name))
                        return levels[i].level;
        return -EINVAL;
}

static int parse_argv(int argc, char **argv) {
        enum {
                ARG_SOCKET = 0x100,
                ARG_REGISTRY,
                ARG_STATE_DIR,
                ARG_GROUP,
                ARG_LOG_LEVEL,
                ARG_VERSION
        };
        static const struct option options[] = {
                        {"socket", required_argument, NULL, ARG_SOCKET},
                        {"registry", required_argument, NULL, ARG_REGISTRY},
                        {"state-dir", required_argument, NULL, ARG_STATE_DIR},
                        {"requester-group", required_argument, NULL, ARG_GROUP},
                        {"log-level", required_argument, NULL, ARG_LOG_LEVEL},
                        {"help", no_argument, NULL, 'h'},
                        {"version", no_argument, NULL, ARG_VERSION},
                        {},
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_SOCKET:
                        arg_socket = optarg;
                        break;
                case ARG_REGISTRY:
                        arg_registry = optarg;
                        break;
                case ARG_STATE_DIR:
                        if (optarg[0] != '/')
                                return log_error_errno(
                                                EINVAL,
                                                "--state-dir: '%s' is not an absolute path.",
                                                optarg);
                        arg_state_dir = optarg;
                        break;
                case ARG_GROUP:
                        arg_group = optarg;
                        break;
                case ARG_LOG_LEVEL:
                        arg_log_level = parse_log_level(optarg);
                        if (arg_log_level < 0)
                                return log_error_errno(EINVAL, "Unknown log level '%s'.", optarg);
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("vssd " PACKAGE_VERSION "\n");
                        return 0;
                default:
                        return -EINVAL;
                }
        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'.", argv[optind]);
        return 1;
}

/* The listening socket passed by systemd, or -EBADF. */
static int activation_fd(void) {
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        if (!pid || !fds || strtol(pid, NULL, 10) != (long) getpid())
                return -EBADF;
        if (strtol(fds, NULL, 10) != 1) {
                log_warning("Expected one socket from the service manager, got %s; listening "
                            "myself.",
                            fds);
                return -EBADF;
        }
        (void) unsetenv("LISTEN_PID");
        (void) unsetenv("LISTEN_FDS");
        (void) unsetenv("LISTEN_FDNAMES");
        return 3; /* SD_LISTEN_FDS_START */
}

int main(int argc, char **argv) {
        /* Under systemd, the journal reads "<N>" priority prefixes; on a terminal, plain text. */
        bool service = getenv("INVOCATION_ID") || getenv("JOURNAL_STREAM");
        log_open_console("vssd", service ? LOG_TARGET_DAEMON : LOG_TARGET_CONSOLE, LOG_INFO);

        int r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        log_set_max_priority(arg_log_level);

        ManagerConfig config = {
                        .socket_path = arg_socket,
                        .registry_path = arg_registry,
                        .state_dir = arg_state_dir,
                        .listen_fd = activation_fd(),
                        .requester_group = arg_group,
        };
        VSS_CLEANUP(manager_freep) Manager *m = NULL;
        r = manager_new(&config, &m);
        if (r < 0)
                return EXIT_FAILURE;

        r = manager_run(m);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
