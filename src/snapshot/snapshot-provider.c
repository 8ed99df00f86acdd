/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The table of providers and the choice of one per volume. */

#include <stddef.h>
#include <string.h>

#include "macro.h"
#include "snapshot.h"

/* No provider is compiled in yet: snapshot sets can only be empty, which VSS allows. */
const SnapshotProvider *const snapshot_providers[] = {
                NULL,
};

const char *snapshot_consistency_to_string(SnapshotConsistency c) {
        return c == SNAPSHOT_CRASH_CONSISTENT ? "crash-consistent" : "writer-consistent";
}

int snapshot_provider_choose(const char *path, const char *name, const SnapshotProvider **ret) {
        for (size_t i = 0; snapshot_providers[i]; i++) {
                const SnapshotProvider *p = snapshot_providers[i];
                if (name && !streq(p->name, name))
                        continue;
                int r = p->probe(path);
                if (r < 0)
                        return r;
                if (r > 0) {
                        *ret = p;
                        return 0;
                }
                if (name)
                        return -VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER;
        }
        return name ? -VSS_E_PROVIDER_NOT_REGISTERED : -VSS_E_VOLUME_NOT_SUPPORTED;
}
