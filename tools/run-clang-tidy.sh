#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs clang-tidy (.clang-tidy at the root) over every linted .c file, in parallel, one file per
# process: clang-tidy 14 reports false va_list errors when one process checks several files.
# Usage: SOURCE_ROOT BUILD_DIR
set -euo pipefail
src=$1
build=$2
cd "$src"
files=$(bash tools/lint-files.sh "$src" | grep '\.c$' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
[ -n "$files" ] || { echo "run-clang-tidy: nothing to check" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if echo "$files" | xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet >"$out" 2>&1; then
    echo "ok: clang-tidy found nothing in $(echo "$files" | wc -l) files"
else
    grep -E 'warning:|error:' -A 3 "$out" | head -n 200
    echo "FAIL: clang-tidy"
    exit 1
fi
