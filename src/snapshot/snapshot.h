/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Snapshot providers (docs/PROVIDERS.md): one const vtable each, chosen per volume in a fixed
 * order of preference (btrfs, reflink, copy) unless the requester names one.
 *
 * A volume is a mount point or a directory on one, named by its absolute path. vssd probes the
 * provider when a volume is added to a snapshot set (outside the freeze window), and calls
 * create() for every volume of the set while the set's writers are frozen, in a child process,
 * so that a slow provider never blocks vssd's loop and can be killed. remove() deletes a
 * snapshot again (after a failure, at the end of an auto-release snapshot's session, or on
 * request).
 *
 * No provider freezes a filesystem: a btrfs snapshot is atomic by itself, and reflink and copy
 * write to the filesystem they read (or would block on it), so FIFREEZE would deadlock them.
 * The freeze window of the writers is what makes reflink and copy snapshots consistent. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <vss/vss.h>

typedef enum SnapshotConsistency {
        SNAPSHOT_CRASH_CONSISTENT,  /* every file at one instant, writers or not */
        SNAPSHOT_WRITER_CONSISTENT, /* consistent for the files of writers that froze */
} SnapshotConsistency;

const char *snapshot_consistency_to_string(SnapshotConsistency c);

/* Where a volume lives: resolved once, by snapshot_volume_resolve(). */
typedef struct SnapshotVolume {
        char *path;        /* canonical absolute path of the volume (realpath) */
        char *mount_point; /* the mount point of the filesystem holding it */
        char *fs_type;     /* as /proc/self/mountinfo says: "btrfs", "xfs", "ext4", "tmpfs", … */
        char *source;      /* the mount source (device), for people */
        dev_t dev;         /* st_dev of the volume */
        uint64_t mount_id; /* the mount's id (mountinfo's first field, statx's stx_mnt_id) */
        bool read_only;    /* mounted read-only */
} SnapshotVolume;

/* Resolves 'path' (absolute, an existing directory) through /proc/self/mountinfo. -ENOENT if it
 * does not exist, -ENOTDIR if it is not a directory, -EINVAL if it is not absolute, -EBADMSG if
 * mountinfo cannot be parsed. *reterr_message (optional) says which. */
int snapshot_volume_resolve(const char *path, SnapshotVolume *ret, char **reterr_message);
void snapshot_volume_done(SnapshotVolume *v);

/* The mounts that could hold volumes: every mount point of /proc/self/mountinfo whose filesystem
 * type some provider knows, resolved, each once. You now own the array
 * (snapshot_volume_array_free()). -ENOMEM; -EBADMSG when mountinfo cannot be parsed. */
int snapshot_list_volumes(SnapshotVolume **ret, size_t *ret_n, char **reterr_message);
void snapshot_volume_array_free(SnapshotVolume *v, size_t n);

/* What create() is asked to make. */
typedef struct SnapshotRequest {
        const SnapshotVolume *volume;
        vss_guid snapshot_id;
        vss_guid snapshot_set_id;
        const char *area; /* the provider's area for this volume (snapshot_provider_area()) */
        /* The state directory the copy provider's area is in (NULL: VSS_STATE_DIR or
         * $VSS_STATE_DIR): the reflink and copy providers never copy that area, nor any
         * ".linvss-snapshots", into a snapshot, whichever provider's request it is. */
        const char *state_dir;
} SnapshotRequest;

typedef struct SnapshotProvider {
        const char *name; /* "btrfs", "reflink", "copy" */
        vss_guid id;
        VSS_PROVIDER_TYPE type;
        const char *version;
        SnapshotConsistency consistency;
        const char *const *filesystems; /* NULL-terminated filesystem types it may support */

        /* > 0 if the provider can snapshot the volume, 0 if not (then *reterr_message says why,
         * for people), < 0 on error. Never changes the volume; may create and remove a probe
         * file in the provider's area. */
        int (*probe)(const SnapshotVolume *v, const char *area, char **reterr_message);

        /* Makes the snapshot at its root, snapshot_root_path(req->area, &req->snapshot_id). On
         * success *ret_path is where the volume's files can be read in the snapshot: the root,
         * or a directory inside it (btrfs, for a volume below its subvolume's root); you now own
         * it. On failure nothing of the snapshot is left on disk. -ENOSPC when the area is full,
         * -EOPNOTSUPP when the filesystem cannot do it after all, -ENOENT when the volume
         * vanished; *reterr_message says what, for people. */
        int (*create)(const SnapshotRequest *req, char **ret_path, char **reterr_message);

        /* Deletes the snapshot whose root is 'root' (snapshot_root_path()), complete or half-made
         * (vssd may have killed create() in the middle). Idempotent: a root that does not exist is
         * 0. */
        int (*remove)(const char *root, char **reterr_message);
} SnapshotProvider;

/* NULL-terminated, in order of preference. */
extern const SnapshotProvider *const snapshot_providers[];

const SnapshotProvider *snapshot_provider_find(const char *name);

/* The root of a snapshot: "<area>/<id>" with the id in upper case without braces. Every provider
 * makes its snapshot there, so that vssd can remove a half-made one without create() having
 * told it anything. You now own *ret. */
int snapshot_root_path(const char *area, const vss_guid *id, char **ret);

/* The directory a provider keeps the snapshots of a volume in: for btrfs and reflink a hidden
 * directory ".linvss-snapshots" at the root of the volume's mount (snapshots must be on the same
 * filesystem), for copy "<state_dir>/snapshots". 'state_dir' NULL means VSS_STATE_DIR or
 * $VSS_STATE_DIR. You now own *ret. */
int snapshot_provider_area(
                const SnapshotProvider *p,
                const SnapshotVolume *v,
                const char *state_dir,
                char **ret);

/* Picks the provider for a volume: the named one (which must support it: else
 * -VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER; an unknown name is -VSS_E_PROVIDER_NOT_REGISTERED), or
 * the first that supports it (none: -VSS_E_VOLUME_NOT_SUPPORTED). *reterr_message (optional)
 * explains a refusal. */
int snapshot_provider_choose(
                const SnapshotVolume *v,
                const char *name,
                const char *state_dir,
                const SnapshotProvider **ret,
                char **reterr_message);

extern const SnapshotProvider snapshot_provider_btrfs;
extern const SnapshotProvider snapshot_provider_reflink;
extern const SnapshotProvider snapshot_provider_copy;
