#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The freeze window vssd costs writers: from the first Freeze sent to the last Thaw answered,
# as vssd measures and logs it for every snapshot set, over RUNS backups with 1, 16 and 64
# writers spread over the three application levels (so Freeze and Thaw go level by level).
# Each backup is a full vss-betest sequence (metadata, prepare, snapshot, complete) in
# non-component mode, so every writer takes part. Snapshot sets are empty: this measures the
# coordination, not a provider.
#
# Usage: bench/freeze-window.sh [BUILD_DIR] [RUNS] [WRITER_COUNTS...]
#        (defaults: build, 200, "1 16 64"). Prints a table in milliseconds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
runs=${2:-200}
shift 2 2>/dev/null || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 16 64)

vssd=$build/src/cli/vssd
betest=$build/src/cli/vss-betest
writer=$build/tests/vss-test-writer
for p in "$vssd" "$betest" "$writer"; do
    [ -x "$p" ] || { echo "freeze-window: $p is missing; build first (meson compile -C $build)" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

export VSS_SOCKET=$work/vssd.sock
levels=(front_end back_end system)

percentile() { # PERCENT FILE: nearest-rank percentile of a sorted file of numbers
    local n k
    n=$(wc -l <"$2")
    k=$(( (n * $1 + 99) / 100 ))
    [ "$k" -ge 1 ] || k=1
    sed -n "${k}p" "$2"
}

printf '%-8s %6s %10s %10s %10s %14s\n' writers runs p50_ms p99_ms max_ms backup_p50_ms
for n in "${counts[@]}"; do
    log=$work/vssd-$n.log
    "$vssd" --registry "$work/registry-$n.db" 2>"$log" &
    vssd_pid=$!
    pids=("$vssd_pid")
    for _ in $(seq 1 200); do [ -S "$VSS_SOCKET" ] && break; sleep 0.01; done

    for i in $(seq 1 "$n"); do
        ready=$work/ready-$n-$i
        "$writer" --class-id "$(printf '{%08X-0000-4000-8000-000000000000}' "$i")" \
            --writer-name "bench-$i" --level "${levels[$(( i % 3 ))]}" \
            --component 'Data,selectable' --ready-file "$ready" 2>/dev/null &
        pids+=($!)
    done
    for i in $(seq 1 "$n"); do
        for _ in $(seq 1 500); do [ -s "$work/ready-$n-$i" ] && break; sleep 0.01; done
        [ -s "$work/ready-$n-$i" ] || { echo "freeze-window: writer $i did not register" >&2; exit 1; }
    done

    : >"$work/backup-$n"
    for _ in $(seq 1 "$runs"); do
        start=$(date +%s%N)
        "$betest" backup --no-components --type copy >/dev/null
        echo $(( ($(date +%s%N) - start) / 1000 )) >>"$work/backup-$n"
    done

    grep -o 'frozen for [0-9.]* ms' "$log" | awk '{print $3}' | sort -g >"$work/window-$n"
    got=$(wc -l <"$work/window-$n")
    [ "$got" -eq "$runs" ] || { echo "freeze-window: vssd logged $got windows for $runs backups" >&2; exit 1; }
    sort -g "$work/backup-$n" -o "$work/backup-$n"

    printf '%-8s %6s %10s %10s %10s %14.1f\n' "$n" "$runs" \
        "$(percentile 50 "$work/window-$n")" "$(percentile 99 "$work/window-$n")" \
        "$(tail -n 1 "$work/window-$n")" "$(awk "BEGIN { print $(percentile 50 "$work/backup-$n") / 1000 }")"

    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
    rm -f "$VSS_SOCKET"
done
