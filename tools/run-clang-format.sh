#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fails if any linted file differs from what clang-format makes of it. Usage: SOURCE_ROOT
set -euo pipefail
src=$1
cd "$src"
fail=0
while read -r f; do
    [ -f "$f" ] || continue
    if ! clang-format --style=file "$f" | diff -u "$f" - >/dev/null; then
        echo "FAIL: $f is not formatted (run: clang-format -i $f)"
        fail=1
    fi
done < <(bash tools/lint-files.sh "$src")
[ $fail -eq 0 ] && echo "ok: every file is formatted"
exit $fail
