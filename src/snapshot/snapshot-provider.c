/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The table of providers and the choice of one per volume. */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "macro.h"
#include "snapshot-internal.h"
#include "snapshot.h"

const SnapshotProvider *const snapshot_providers[] = {
                &snapshot_provider_btrfs,
                &snapshot_provider_reflink,
                &snapshot_provider_copy,
                NULL,
};

const char *snapshot_consistency_to_string(SnapshotConsistency c) {
        return c == SNAPSHOT_CRASH_CONSISTENT ? "crash-consistent" : "writer-consistent";
}

const SnapshotProvider *snapshot_provider_find(const char *name) {
        for (size_t i = 0; name && snapshot_providers[i]; i++)
                if (streq(snapshot_providers[i]->name, name))
                        return snapshot_providers[i];
        return NULL;
}

int snapshot_provider_area(
                const SnapshotProvider *p,
                const SnapshotVolume *v,
                const char *state_dir,
                char **ret) {
        vss_assert_return(p, -EINVAL);
        vss_assert_return(v && v->mount_point, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        int k;
        if (p == &snapshot_provider_copy) {
                const char *s = snapshot_state_dir(state_dir);
                vss_assert_return(s[0] == '/', -EINVAL);
                k = asprintf(ret, "%s%s%s", s, streq(s, "/") ? "" : "/", SNAPSHOT_COPY_AREA_NAME);
        } else
                k = asprintf(ret, "%s%s%s", v->mount_point, streq(v->mount_point, "/") ? "" : "/",
                             SNAPSHOT_AREA_NAME);
        return k < 0 ? -ENOMEM : 0;
}

/* Probes one provider: > 0 yes, 0 no (*reterr_message says why), < 0 error. */
static int
probe_one(const SnapshotProvider *p,
          const SnapshotVolume *v,
          const char *state_dir,
          char **reterr_message) {
        vss_autofree char *area = NULL;

        int r = snapshot_provider_area(p, v, state_dir, &area);
        if (r < 0)
                return r;
        return p->probe(v, area, reterr_message);
}

int snapshot_provider_choose(
                const SnapshotVolume *v,
                const char *name,
                const char *state_dir,
                const SnapshotProvider **ret,
                char **reterr_message) {
        vss_assert_return(v && v->path, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if (name) {
                const SnapshotProvider *p = snapshot_provider_find(name);
                if (!p)
                        return snapshot_error(
                                        reterr_message, -VSS_E_PROVIDER_NOT_REGISTERED,
                                        "no snapshot provider is called '%s'", name);
                vss_autofree char *why = NULL;
                int r = probe_one(p, v, state_dir, &why);
                if (r < 0)
                        return snapshot_error(reterr_message, r, "%s", why ? why : "probe failed");
                if (r == 0)
                        return snapshot_error(
                                        reterr_message, -VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
                                        "provider '%s' cannot snapshot '%s': %s", p->name, v->path,
                                        why ? why : "not supported");
                *ret = p;
                return 0;
        }

        /* Every refusal goes into the message, so that people see why each one said no. */
        VSS_CLEANUP(buffer_done) Buffer reasons = BUFFER_INIT;
        for (size_t i = 0; snapshot_providers[i]; i++) {
                const SnapshotProvider *p = snapshot_providers[i];
                vss_autofree char *why = NULL;
                int r = probe_one(p, v, state_dir, &why);
                if (r < 0)
                        return snapshot_error(
                                        reterr_message, r, "provider '%s': %s", p->name,
                                        why ? why : "probe failed");
                if (r > 0) {
                        *ret = p;
                        return 0;
                }
                r =
                                buffer_printf(&reasons, "%s%s: %s", i > 0 ? "; " : "", p->name,
                                              why ? why : "not supported");
                if (r < 0)
                        return r;
        }
        return snapshot_error(
                        reterr_message, -VSS_E_VOLUME_NOT_SUPPORTED,
                        "no snapshot provider can snapshot '%s' (%s)", v->path,
                        reasons.data ? reasons.data : "none is compiled in");
}
