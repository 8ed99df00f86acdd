/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* vssd, the coordinator: one single-threaded epoll loop that serves writers, requesters and
 * admin tools over the protocol of docs/PROTOCOL.md, sequences VSS events with deadlines and
 * keeps the writer table. This is the interface the program (src/cli/vssd.c) and the tests use. */

#include <stdbool.h>
#include <sys/types.h>

#include "macro.h"

typedef struct Manager Manager;

typedef struct ManagerConfig {
        const char *socket_path;   /* NULL: proto_socket_path() */
        const char *registry_path; /* NULL: the registry's default ($VSS_REGISTRY_PATH or system) */
        const char *state_dir;     /* NULL: $VSS_STATE_DIR, or /var/lib/linvss (-Dstatedir) */
        int listen_fd;             /* >= 0: an already bound and listening socket (activation) */
        const char *requester_group; /* NULL: "vss" */
} ManagerConfig;

int manager_new(const ManagerConfig *config, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_CLEANUP_FUNC(Manager, manager_free)

/* Runs the loop until SIGTERM or SIGINT (blocked and handled through a signalfd), then aborts
 * running sessions so that no writer stays frozen, and returns 0; a negative errno if the loop
 * itself fails. SIGHUP reloads the deadlines from the registry. */
int manager_run(Manager *m);
