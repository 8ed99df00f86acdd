#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# How long each snapshot provider takes to snapshot a volume of FILES files holding TOTAL_MB MiB
# in all (default 100 000 files, 1 GiB): btrfs on btrfs, reflink on XFS (reflink=1), copy from
# ext4 into a state directory on another ext4. Every filesystem is a fresh loop device in a mount
# namespace of the script's own, gone when it ends. Before each run the filesystems are synced
# and the page cache dropped, so every run reads cold; the times include the provider's own
# flush to disk (syncfs) where it has one. btrfs is also timed on an empty volume of the same
# filesystem, to show that its time does not depend on the size.
#
# Usage (as root): bench/snapshot-providers.sh [BUILD_DIR] [RUNS] [FILES] [TOTAL_MB]
#        (defaults: build, 5, 100000, 1024). Prints a table; times in milliseconds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
runs=${2:-5}
files=${3:-100000}
total_mb=${4:-1024}
tool=$build/src/snapshot/snapshot-tool

[ -x "$tool" ] || { echo "snapshot-providers: $tool is missing; build first (meson compile -C $build)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "snapshot-providers: needs root (loop devices, mounts)" >&2; exit 1; }
for p in mkfs.btrfs mkfs.xfs mkfs.ext4 unshare python3; do
    command -v "$p" >/dev/null || { echo "snapshot-providers: $p is missing (tools/install-deps.sh)" >&2; exit 1; }
done

# Everything below runs in a private mount namespace: the mounts, and with them the loop
# devices, go away with the script whatever happens.
if [ -z "${SNAPSHOT_BENCH_NAMESPACE:-}" ]; then
    exec env SNAPSHOT_BENCH_NAMESPACE=1 unshare --mount --propagation private "$0" "$build" "$runs" "$files" "$total_mb"
fi

work=$(mktemp -d /var/tmp/snapshot-bench.XXXXXX)
cleanup() {
    for m in "$work"/mnt/*; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

image_mb=$((total_mb * 2 + 1024))
make_fs() { # NAME MKFS...
    local name=$1
    shift
    truncate -s "${image_mb}M" "$work/$name.img"
    "$@" "$work/$name.img" >/dev/null
    mkdir -p "$work/mnt/$name"
    mount -o loop,noatime "$work/$name.img" "$work/mnt/$name"
}
make_fs btrfs mkfs.btrfs -q -f
make_fs xfs mkfs.xfs -q -f -m reflink=1
make_fs ext4 mkfs.ext4 -q -F
make_fs state mkfs.ext4 -q -F

generate() { # DIR: FILES files in directories of 1000, TOTAL_MB MiB of incompressible data
    python3 - "$1" "$files" "$total_mb" <<'EOF'
import os, random, sys
root, files, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20
rng = random.Random(42)
pool = os.urandom(16 << 20)
# Sizes spread around the mean, scaled to add up to the total exactly.
sizes = [rng.randint(1, 3) for _ in range(files)]
scale = total / sum(sizes)
sizes = [int(s * scale) for s in sizes]
sizes[-1] += total - sum(sizes)
written = 0
for i, size in enumerate(sizes):
    d = os.path.join(root, "d%04d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    start = rng.randrange(0, len(pool) - size) if size < len(pool) else 0
    with open(os.path.join(d, "f%06d" % i), "wb") as f:
        f.write(pool[start:start + size])
    written += size
print(written)
EOF
}

echo "generating $files files, $total_mb MiB, on btrfs, XFS and ext4..." >&2
bytes=$(generate "$work/mnt/btrfs/data")
generate "$work/mnt/xfs/data" >/dev/null
generate "$work/mnt/ext4/data" >/dev/null
btrfs_empty=$work/mnt/btrfs/empty
mkdir "$btrfs_empty"

# One provider on one volume, RUNS times: prints the creation times, then the removal times.
measure() { # PROVIDER VOLUME [STATE_DIR]
    local provider=$1 volume=$2 state=${3:-} creates=() removes=() out ms root_dir
    for _ in $(seq "$runs"); do
        sync
        echo 3 >/proc/sys/vm/drop_caches
        out=$("$tool" create -p "$provider" ${state:+-s "$state"} "$volume")
        read -r _ ms _ root_dir <<<"$out"
        creates+=("$ms")
        removes+=("$("$tool" remove "$provider" "$root_dir")")
    done
    echo "${creates[*]}"
    echo "${removes[*]}"
}

stats() { # numbers... → "min median max"
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f", a[1], m, a[NR] }'
}

declare -A create_ms remove_ms
for spec in "btrfs btrfs $work/mnt/btrfs" "btrfs-empty btrfs $btrfs_empty" \
            "reflink reflink $work/mnt/xfs" "copy copy $work/mnt/ext4 $work/mnt/state/linvss"; do
    read -r label provider volume state <<<"$spec"
    echo "measuring $label ($runs runs)..." >&2
    { read -r c; read -r r; } < <(measure "$provider" "$volume" "$state")
    create_ms[$label]=$(stats $c)
    remove_ms[$label]=$(stats $r)
done

mib=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }')
printf '\n%s files, %s MiB (%s bytes); %s runs, cold cache; times in ms (min / median / max)\n\n' "$files" "$mib" "$bytes" "$runs"
printf '%-12s %-10s %-26s %-26s %s\n' provider filesystem create remove rate
row() { # LABEL FS RATE
    local c=(${create_ms[$1]}) r=(${remove_ms[$1]})
    printf '%-12s %-10s %-26s %-26s %s\n' "$1" "$2" "${c[0]} / ${c[1]} / ${c[2]}" "${r[0]} / ${r[1]} / ${r[2]}" "$3"
}
median() { local a=(${create_ms[$1]}); echo "${a[1]}"; }
row btrfs btrfs "$(awk -v m="$(median btrfs)" 'BEGIN { printf "%s", (m < 50 ? "under 50 ms: met" : "over 50 ms: missed") }')"
row btrfs-empty btrfs "the same filesystem, an empty volume"
row reflink xfs "$(awk -v m="$(median reflink)" -v n="$files" 'BEGIN { printf "%.0f files/s", n / (m / 1000) }')"
row copy "ext4->ext4" "$(awk -v m="$(median copy)" -v b="$bytes" 'BEGIN { printf "%.1f MB/s", b / 1e6 / (m / 1000) }')"
