/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The snapshots that are copies of a volume's tree (reflink and copy providers). */

#include <stdbool.h>

#include "snapshot.h"
#include "tree-clone.h"

/* Copies the volume's tree into "<area>/<id>" with tree_clone(), then flushes it to disk; on any
 * failure removes what it made. The area is opened (made) with snapshot_area_open(): a btrfs
 * subvolume when 'subvolume_area'; on the volume's own mount when 'area_on_volume', else in the
 * state directory (made if missing). create()'s contract (snapshot.h). */
int snapshot_tree_create(
                const SnapshotRequest *req,
                TreeCloneMode mode,
                bool subvolume_area,
                bool area_on_volume,
                char **ret_path,
                char **reterr_message);

/* remove()'s contract: removes the tree at the snapshot root 'root', complete or half-made. */
int snapshot_tree_remove(const char *root, char **reterr_message);
