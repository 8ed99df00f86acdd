#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs cppcheck over the linted files. System headers are not parsed (too slow), except
# jansson.h, whose iteration macros cppcheck must know. Usage: SOURCE_ROOT BUILD_DIR
set -euo pipefail
src=$1
build=$2
cd "$src"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
bash tools/lint-files.sh "$src" | grep '\.c$' | while read -r f; do [ -f "$f" ] && echo "$f"; done >"$list"
[ -s "$list" ] || { echo "run-cppcheck: nothing to check" >&2; exit 1; }
incs=()
while read -r d; do incs+=("-I" "$d"); done < <(find src -type d; echo include; echo "$build")
cppcheck --enable=warning,performance,portability --std=c11 --inline-suppr --quiet \
    --error-exitcode=1 -D_GNU_SOURCE -D__GNUC__ --suppress=missingIncludeSystem \
    --include=/usr/include/jansson.h \
    "${incs[@]}" --file-list="$list"
echo "ok: cppcheck found nothing in $(wc -l <"$list") files"
