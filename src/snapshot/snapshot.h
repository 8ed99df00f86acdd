/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Snapshot providers: one const vtable each, chosen per volume in a fixed order of preference
 * (btrfs, reflink, copy) unless the requester names one. vssd calls them inside the freeze
 * window of a snapshot set. The set of providers compiled in is snapshot_providers[]. */

#include <stdbool.h>

#include <vss/vss.h>

typedef enum SnapshotConsistency {
        SNAPSHOT_CRASH_CONSISTENT,  /* every file at one instant, writers or not */
        SNAPSHOT_WRITER_CONSISTENT, /* consistent for the files of writers that froze */
} SnapshotConsistency;

const char *snapshot_consistency_to_string(SnapshotConsistency c);

typedef struct SnapshotProvider {
        const char *name; /* "btrfs", "reflink", "copy" */
        vss_guid id;
        VSS_PROVIDER_TYPE type;
        const char *version;
        SnapshotConsistency consistency;
        const char *const *filesystems; /* NULL-terminated names (as statfs reports them) */
        /* > 0 if the provider can snapshot the volume at 'path', 0 if not, < 0 on error. */
        int (*probe)(const char *path);
} SnapshotProvider;

/* NULL-terminated, in order of preference. */
extern const SnapshotProvider *const snapshot_providers[];

/* Picks the provider for a volume: the named one (which must support it: else
 * -VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER; an unknown name is -VSS_E_PROVIDER_NOT_REGISTERED), or
 * the first that supports it (none: -VSS_E_VOLUME_NOT_SUPPORTED). */
int snapshot_provider_choose(const char *path, const char *name, const SnapshotProvider **ret);
