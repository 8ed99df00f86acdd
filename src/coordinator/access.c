/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Who may talk to vssd in which role (docs/PROTOCOL.md §3.2): requesters and admin tools must be
 * root or in the requester group ("vss"); writers must be root or allowed by the registry's
 * VssAccessControl list. */

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "buffer.h"
#include "coordinator-internal.h"
#include "registry.h"

#define GROUPS_MAX 65536U

static int user_name(uid_t uid, char **ret) {
        struct passwd pw, *result = NULL;
        char buf[4096];

        int r = getpwuid_r(uid, &pw, buf, sizeof buf, &result);
        if (r != 0 || !result)
                return r != 0 ? -r : -ENOENT;
        *ret = strdup(pw.pw_name);
        return *ret ? 0 : -ENOMEM;
}

/* Returns 1 if the peer's primary or supplementary groups contain 'group', 0 if not. */
static int peer_in_group(const Connection *c, const char *group) {
        struct group gr, *result = NULL;
        char buf[4096];

        int r = getgrnam_r(group, &gr, buf, sizeof buf, &result);
        if (r != 0 || !result)
                return 0; /* no such group: nobody is in it */
        if (c->cred.gid == gr.gr_gid)
                return 1;

        socklen_t len = 64 * sizeof(gid_t);
        vss_autofree gid_t *groups = NULL;
        for (;;) {
                gid_t *g = realloc(groups, len);
                if (!g)
                        return -ENOMEM;
                groups = g;
                if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
                        break;
                if (errno != ERANGE || len > GROUPS_MAX * sizeof(gid_t))
                        return -errno;
        }
        for (size_t i = 0; i < len / sizeof(gid_t); i++)
                if (groups[i] == gr.gr_gid)
                        return 1;
        return 0;
}

static char *describe(const Connection *c, const char *name) {
        Buffer b = BUFFER_INIT;
        if (buffer_printf(&b, "user '%s' (uid %u, pid %d)", name ? name : "?",
                          (unsigned) c->cred.uid, (int) c->cred.pid) < 0) {
                buffer_done(&b);
                return NULL;
        }
        return buffer_steal(&b);
}

int access_check(Manager *m, const Connection *c, ProtoRole role, char **reterr_message) {
        vss_autofree char *name = NULL;
        int r;

        if (c->cred.uid == 0)
                return 0;

        (void) user_name(c->cred.uid, &name);
        vss_autofree char *who = describe(c, name);
        Buffer b = BUFFER_INIT;

        if (role == PROTO_ROLE_REQUESTER || role == PROTO_ROLE_ADMIN) {
                r = peer_in_group(c, m->requester_group);
                if (r > 0)
                        return 0;
                r = buffer_printf(
                                &b, "%s may not act as %s: %ss must be root or in group '%s'",
                                who ? who : "peer",
                                role == PROTO_ROLE_ADMIN ? "an admin tool" : "a requester",
                                proto_role_to_string(role), m->requester_group);
        } else {
                VSS_CLEANUP(registry_freep) Registry *reg = NULL;
                vss_autofree char *err = NULL;

                r = registry_open(m->registry_path, REGISTRY_OPEN_READ_ONLY, &reg, &err);
                if (r >= 0 && name)
                        r = registry_writer_access(reg, name, &err);
                if (r == REGISTRY_ACCESS_ALLOWED)
                        return 0;
                if (r < 0)
                        r = buffer_printf(
                                        &b,
                                        "%s may not act as a writer: the writer access list could "
                                        "not be read: %s",
                                        who ? who : "peer", err ? err : vss_strerror(r));
                else if (r == REGISTRY_ACCESS_DENIED)
                        r = buffer_printf(
                                        &b,
                                        "%s may not act as a writer: the value '%s' under %s "
                                        "denies it",
                                        who ? who : "peer", name, REGISTRY_VSS_ACCESS_KEY);
                else
                        r =
                                        buffer_printf(&b,
                                                      "%s may not act as a writer: writers must be "
                                                      "root or have REG_DWORD 1 under %s",
                                                      who ? who : "peer", REGISTRY_VSS_ACCESS_KEY);
        }

        if (r >= 0 && reterr_message)
                *reterr_message = buffer_steal(&b);
        buffer_done(&b);
        return -EACCES;
}
