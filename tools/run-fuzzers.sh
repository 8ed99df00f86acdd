#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every libFuzzer binary of a -Dfuzz=true build for SECONDS each, starting from (and adding
# to a scratch copy of) its committed corpus. A crash fails the run and leaves the crashing
# input in tests/fuzz/crashes/<target>/ to be minimized and committed as a regression seed.
# Usage: run-fuzzers.sh BUILD_DIR [SECONDS] [--merge]
#   --merge: merge newly found inputs back into tests/fuzz/corpus/<target>/ (for developers).
set -euo pipefail

build=$1
seconds=${2:-30}
merge=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
fail=0

shopt -s nullglob
bins=("$build"/tests/fuzz/fuzz-*)
targets=()
for b in "${bins[@]}"; do
    case "$b" in *-replay|*.p) continue ;; esac
    [ -x "$b" ] && targets+=("$b")
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "run-fuzzers: no libFuzzer binaries in $build/tests/fuzz (configure with -Dfuzz=true)" >&2
    exit 1
fi

for bin in "${targets[@]}"; do
    name=${bin##*/fuzz-}
    corpus="$root/tests/fuzz/corpus/$name"
    work=$(mktemp -d)
    crashes="$root/tests/fuzz/crashes/$name"
    mkdir -p "$crashes"
    cp -r "$corpus"/. "$work"/ 2>/dev/null || true
    dict=()
    [ -f "$root/tests/fuzz/$name.dict" ] && dict=(-dict="$root/tests/fuzz/$name.dict")
    echo "fuzz-$name: ${seconds}s"
    if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 "${dict[@]}" \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$work" >"$work.log" 2>&1; then
        echo "FAIL: fuzz-$name found a crash; inputs in $crashes"
        tail -n 40 "$work.log"
        fail=1
    else
        echo "ok: fuzz-$name ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work.log" || tail -n 1 "$work.log"))"
        rmdir "$crashes" 2>/dev/null || true
    fi
    if [ "$merge" = "--merge" ]; then
        "$bin" -merge=1 "$corpus" "$work" >/dev/null 2>&1 || true
    fi
    rm -rf "$work" "$work.log"
done
rmdir "$root/tests/fuzz/crashes" 2>/dev/null || true
exit $fail
